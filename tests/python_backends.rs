//! Backends without an OpenAPI document: FastAPI and Flask routes read from the code, routers
//! and blueprints followed across modules, and each framework's misses (405 on a method miss,
//! slash redirects that keep the method).

mod common;

use common::{check_json, endpoints_of, findings_of, fixture, trace_of};

#[test]
fn a_post_through_the_istio_blog_prefix_to_a_get_catch_all_gets_405() {
    let (code, f) = findings_of("istio-fastapi-catchall");
    assert_eq!(
        f,
        [
            // The Istio gateway's own 404s are empty bodies; FastAPI answers {detail} JSON.
            "gateway-error-shape - deploy/gateway.yaml:4:9",
            "method-not-allowed 405 frontend/src/session.js:3:27 POST /blog/api/login",
        ]
    );
    assert_eq!(code, 1);
    assert_eq!(
        endpoints_of("istio-fastapi-catchall"),
        ["blog-service | GET /blog/{path...} | blog-service/app/main.py:10"]
    );
    let (code, out) = trace_of("istio-fastapi-catchall", "GET", "/blog/posts/1");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn fastapi_routers_in_three_modules_give_every_endpoint_its_full_path() {
    assert_eq!(
        endpoints_of("fastapi-blog"),
        [
            "blog-api | POST /api/users/login | blog-api/app/routers/users.py:9",
            "blog-api | GET /api/users/me | blog-api/app/routers/users.py:14",
            "blog-api | GET /api/posts/{post_id} | blog-api/app/routers/posts.py:19",
            "blog-api | PUT /api/posts/{post_id} | blog-api/app/routers/posts.py:24",
            "blog-api | DELETE /api/posts/{post_id} | blog-api/app/routers/posts.py:29",
            "blog-api | GET /api/posts | blog-api/app/routers/posts.py:9",
            "blog-api | POST /api/posts | blog-api/app/routers/posts.py:14",
            "blog-api | GET /blog/{page...} | blog-api/app/main.py:25",
            "blog-api | GET /healthz | blog-api/app/main.py:15",
        ]
    );
}

#[test]
fn fastapi_blog_findings_are_the_method_misses_and_the_wrong_path() {
    let (code, f) = findings_of("fastapi-blog");
    assert_eq!(
        f,
        [
            // The metrics route's path comes from a setting routelint cannot read.
            "unresolved-endpoint - blog-api/app/main.py:20:10",
            "gateway-error-shape - deploy/edge.yaml:4:9",
            "method-not-allowed 405 web/src/api.js:17:23 PATCH /api/posts/{id}",
            "missing-prefix 404 web/src/api.js:25:23 GET /api/user/me",
            "method-not-allowed 405 web/src/api.js:29:16 POST /blog/drafts/new",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn a_path_from_settings_is_counted_as_unresolved_not_guessed() {
    let (_, v) = check_json(&fixture("fastapi-blog"));
    assert_eq!(v["summary"]["unresolved_endpoints"], 1, "{}", v["summary"]);
    assert_eq!(v["summary"]["endpoints"], 9);
}

#[test]
fn fastapi_redirect_slashes_serves_the_trailing_slash_variant() {
    // `GET /api/posts/7/` against `/posts/{post_id}`: a 307 to the slashless path.
    let (code, out) = trace_of("fastapi-blog", "GET", "/api/posts/7/");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn flask_blueprints_take_the_registration_prefix_and_nest() {
    assert_eq!(
        endpoints_of("flask-app"),
        [
            "notes | DELETE /api/v1/notes/{note_id} | notes/flaskr/views/api.py:21",
            "notes | GET /api/v1/notes/ | notes/flaskr/views/api.py:16",
            "notes | POST /api/v1/notes/ | notes/flaskr/views/api.py:16",
            "notes | GET /api/v1/ping | notes/flaskr/views/api.py:11",
            "notes | POST /account/logout/ | notes/flaskr/auth.py:14",
            "notes | GET /account/login | notes/flaskr/auth.py:7",
            "notes | POST /account/login | notes/flaskr/auth.py:7",
            "notes | GET / | notes/flaskr/__init__.py:15",
        ]
    );
}

#[test]
fn the_flask_app_called_right_gives_no_finding() {
    let (code, f) = findings_of("flask-app");
    assert_eq!(f, Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn flask_strict_slashes_404_the_slash_on_a_rule_without_one() {
    // `/api/v1/ping` has no trailing slash: Werkzeug answers `/api/v1/ping/` with 404.
    let (code, out) = trace_of("flask-app", "GET", "/api/v1/ping/");
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("404"), "{out}");
    // `/account/logout/` ends in a slash: `/account/logout` is redirected (308 keeps POST).
    let (code, out) = trace_of("flask-app", "POST", "/account/logout");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn broken_python_is_a_parse_error_and_what_parsed_is_still_served() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-broken");
    let _ = std::fs::remove_dir_all(&dir);
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(p, text).expect("write");
    };
    write(
        "api/app/main.py",
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/ok\")\ndef ok():\n    return 1\n\ndef broken(:\n    pass\n",
    );
    write(
        "web/src/a.js",
        "fetch('/ok');\nfetch('/ok', { method: 'DELETE' });\n",
    );
    write(
        "web/package.json",
        "{\"name\": \"web\", \"private\": true}\n",
    );
    write(
        "deploy/ingress.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: api\n            port:\n              number: 80\n",
    );
    let (_, v) = check_json(&dir);
    assert_eq!(
        common::summarize(&v),
        [
            "parse-error - api/app/main.py:9:12",
            // The Ingress's `/` Prefix sends every request on: it answers no 404 of its
            // own, so no gateway-error-shape.
            "method-not-allowed 405 web/src/a.js:2:7 DELETE /ok",
        ]
    );
}
