//! Tests of the Python reader: FastAPI and Flask routes, routers and blueprints across modules.

use super::*;

/// Reads a set of files; one line per endpoint (`file METHOD /pattern [lenient]`) and per
/// unresolved endpoint (`file ? why`), then the problems.
fn run(files: &[(&str, &str)]) -> Vec<String> {
    let inputs = crate::sources::testing::test_inputs(files);
    let facts = extract_set(&inputs);
    let mut out = Vec::new();
    for (f, (path, text)) in facts.iter().zip(files) {
        for e in &f.endpoints {
            let lit = &text[e.span.start as usize..e.span.end as usize];
            out.push(format!(
                "{path} {} {}{} {lit}",
                e.method.as_str(),
                e.pattern,
                if e.pattern.lenient_slash { " ~" } else { "" }
            ));
        }
        for (_, why) in &f.unresolved_endpoints {
            out.push(format!("{path} ? {why}"));
        }
        for p in &f.problems {
            out.push(format!("{path} ! {}", p.message));
        }
    }
    out
}

#[test]
fn fastapi_routers_across_modules() {
    let main = r#"
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from .routers import users
from app.api.routes import items as items_router
from . import admin
from .config import API

app = FastAPI(root_path="/svc")
app.include_router(users.router, prefix=API)
app.include_router(items_router.router, prefix=f"{API}/items")
app.include_router(admin.router)
app.mount("/static", StaticFiles(directory="static"), name="static")

@app.get("/health")
def health(): ...

@app.api_route("/blog/{path:path}", methods=["GET", "HEAD"])
def catch_all(path: str): ...
"#;
    let config = "API = \"/api\"\nV = API + '/v1'\n";
    let users = r#"
from fastapi import APIRouter
router = APIRouter(prefix="/users", tags=["users"])
other = APIRouter()
router.include_router(other, prefix="/{user_id}/posts")

@router.get("/{user_id}")
async def get_user(user_id: int): ...

@router.post("/")
async def create(): ...

@other.delete("/{post_id}")
async def drop(): ...
"#;
    let items = r#"
import fastapi
router = fastapi.APIRouter()
@router.put("/{item_id}")
def put(): ...
@router.patch("/item-{id}.json")
def odd(): ...
router.add_api_route("/{item_id}/tags", tags_of, methods=["GET"])
"#;
    let admin = r#"
from fastapi import APIRouter
from app.settings import settings
router = APIRouter(prefix=settings.ADMIN_PREFIX)
@router.get("/stats")
def stats(): ...
"#;
    assert_eq!(
        run(&[
            ("svc/app/main.py", main),
            ("svc/app/config.py", config),
            ("svc/app/routers/__init__.py", ""),
            ("svc/app/routers/users.py", users),
            ("svc/app/api/routes/items.py", items),
            ("svc/app/admin.py", admin),
        ]),
        vec![
            "svc/app/main.py GET /health ~ \"/health\"",
            "svc/app/main.py GET /blog/{path...} ~ \"/blog/{path:path}\"",
            "svc/app/main.py HEAD /blog/{path...} ~ \"/blog/{path:path}\"",
            "svc/app/main.py GET /static/{path...} ~ \"/static\"",
            "svc/app/routers/users.py GET /api/users/{user_id} ~ \"/{user_id}\"",
            "svc/app/routers/users.py POST /api/users/ ~ \"/\"",
            "svc/app/routers/users.py DELETE /api/users/{user_id}/posts/{post_id} ~ \"/{post_id}\"",
            "svc/app/api/routes/items.py PUT /api/items/{item_id} ~ \"/{item_id}\"",
            "svc/app/api/routes/items.py PATCH /api/items/item-*.json ~ \"/item-{id}.json\"",
            "svc/app/api/routes/items.py GET /api/items/{item_id}/tags ~ \"/{item_id}/tags\"",
            "svc/app/admin.py ? path not resolved: `settings.ADMIN_PREFIX` is not a constant routelint can read",
        ]
    );
}

#[test]
fn an_unresolvable_decorator_path_is_counted_not_guessed() {
    let text = r#"
from fastapi import FastAPI
from .settings import settings
app = FastAPI()
@app.get(settings.PREFIX + "/x")
def x(): ...
@app.get(make_path())
def y(): ...
"#;
    assert_eq!(
        run(&[("app/main.py", text)]),
        vec![
            "app/main.py ? path not resolved: `settings.PREFIX` is not a constant routelint can read",
            "app/main.py ? path not resolved: `make_path()` is not a constant routelint can read",
        ]
    );
}

#[test]
fn flask_blueprints_with_prefixes() {
    let app = r#"
from flask import Flask
from .views.auth import bp as auth_bp
from .views import api

def create_app():
    app = Flask(__name__)
    app.add_url_rule("/about", view_func=about)
    app.register_blueprint(auth_bp, url_prefix="/account")
    app.register_blueprint(api.bp)

    @app.route("/")
    def index(): ...
    return app
"#;
    let auth = r#"
from flask import Blueprint
bp = Blueprint("auth", __name__, url_prefix="/auth")
@bp.route("/login", methods=["GET", "POST"])
def login(): ...
@bp.route("/logout/")
def logout(): ...
"#;
    let api = r#"
from flask import Blueprint
bp = Blueprint("api", __name__, url_prefix="/api/")
posts = Blueprint("posts", __name__, url_prefix="/posts")
bp.register_blueprint(posts)
@posts.get("/<int:post_id>")
def show(post_id): ...
@posts.delete("/<post_id>", strict_slashes=False)
def drop(post_id): ...
@bp.route("/files/<path:name>")
def files(name): ...
"#;
    assert_eq!(
        run(&[
            ("blog/flaskr/__init__.py", app),
            ("blog/flaskr/views/auth.py", auth),
            ("blog/flaskr/views/api.py", api),
        ]),
        vec![
            "blog/flaskr/__init__.py GET /about \"/about\"",
            "blog/flaskr/__init__.py GET / ~ \"/\"",
            "blog/flaskr/views/auth.py GET /account/login \"/login\"",
            "blog/flaskr/views/auth.py POST /account/login \"/login\"",
            "blog/flaskr/views/auth.py GET /account/logout/ ~ \"/logout/\"",
            "blog/flaskr/views/api.py GET /api/files/{name...} \"/files/<path:name>\"",
            "blog/flaskr/views/api.py GET /api/posts/{post_id} \"/<int:post_id>\"",
            "blog/flaskr/views/api.py DELETE /api/posts/{post_id} ~ \"/<post_id>\"",
        ]
    );
}

#[test]
fn a_router_no_app_includes_is_unresolved() {
    let text = r#"
from fastapi import APIRouter
router = APIRouter(prefix="/r")
@router.get("/x")
def x(): ...
"#;
    assert_eq!(
        run(&[("routes.py", text)]),
        ["routes.py ? path not resolved: `router` is not included by any app routelint can follow"]
    );
}

#[test]
fn include_cycles_terminate() {
    let text = r#"
from fastapi import APIRouter
a = APIRouter(prefix="/a")
b = APIRouter(prefix="/b")
a.include_router(b)
b.include_router(a)
@a.get("/x")
def x(): ...
"#;
    // Both include each other: neither is a root, so nothing is walked (and nothing loops).
    assert_eq!(run(&[("r.py", text)]), Vec::<String>::new());
}

#[test]
fn broken_python_is_a_problem_and_the_rest_is_read() {
    let text = "from fastapi import FastAPI\napp = FastAPI()\n@app.get(\"/ok\")\ndef ok(): ...\n\ndef broken(:\n    pass\n";
    let out = run(&[("main.py", text)]);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(out[0], "main.py GET /ok ~ \"/ok\"");
    assert!(
        out[1].starts_with("main.py ! Python syntax error"),
        "{out:?}"
    );
}

#[test]
fn path_syntax_table() {
    let cases = [
        (Framework::FastApi, "/a/{id}", "/a/{id}"),
        (Framework::FastApi, "/a/{rest:path}", "/a/{rest...}"),
        (Framework::FastApi, "/a/{n:int}/", "/a/{n}/"),
        (Framework::Flask, "/a/<id>", "/a/{id}"),
        (Framework::Flask, "/a/<int:id>", "/a/{id}"),
        (Framework::Flask, "/a/<path:p>", "/a/{p...}"),
        (Framework::Flask, "/a/<x>-<y>", "/a/*-*"),
        (Framework::Flask, "/<", "/<"),
    ];
    for (fw, path, want) in cases {
        assert_eq!(pattern(fw, path, None).to_string(), want, "{path}");
    }
}

#[test]
fn sniff_finds_frameworks() {
    assert!(sniff("from fastapi import FastAPI"));
    assert!(sniff("from flask import Flask"));
    assert!(!sniff("import os\nprint(1)"));
}

#[test]
fn a_prefix_from_a_pydantic_settings_default_resolves() {
    let config = r#"
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file="../.env")
    API_V1_STR: str = "/api/v1"
    SECRET_KEY: str
    PROJECT_NAME: str


settings = Settings()  # type: ignore
"#;
    let api = r#"
from fastapi import APIRouter

from app.api.routes import items
from app.core.config import settings

api_router = APIRouter()
api_router.include_router(items.router)
"#;
    let items = r#"
from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/")
def read_items():
    return []


@router.delete("/{id}")
def delete_item(id: str):
    return None
"#;
    let main = r#"
from fastapi import FastAPI

from app.api.main import api_router
from app.core.config import settings

app = FastAPI(title=settings.PROJECT_NAME, openapi_url=f"{settings.API_V1_STR}/openapi.json")
app.include_router(api_router, prefix=settings.API_V1_STR)
"#;
    assert_eq!(
        run(&[
            ("backend/app/core/config.py", config),
            ("backend/app/api/main.py", api),
            ("backend/app/api/routes/items.py", items),
            ("backend/app/main.py", main),
        ]),
        [
            "backend/app/api/routes/items.py GET /api/v1/items/ ~ \"/\"",
            "backend/app/api/routes/items.py DELETE /api/v1/items/{id} ~ \"/{id}\"",
        ]
    );
}
