//! Python web frameworks (FastAPI, Flask): routes from decorators, routers included across
//! the modules of a package.
//!
//! Each file is parsed once (tree-sitter-python) into a [`Module`]: its string constants, its
//! imports, the framework objects it creates (`FastAPI()`, `APIRouter()`, `Flask()`,
//! `Blueprint()`), its route decorators and the links between objects (`include_router`,
//! `register_blueprint`, `mount`). The set is then resolved together: every application is walked down the routers it
//! includes with their prefixes, and each endpoint is given to the file where its decorator is
//! written. A router or blueprint no followed app includes is served under a prefix routelint
//! cannot know: its routes are unresolved. What cannot be resolved statically (a prefix from
//! settings, a router built by a function) is recorded in [`Facts::unresolved_endpoints`],
//! never guessed.
//!
//! Semantics modelled:
//! - FastAPI: `{p}` one segment, `{p:path}` the rest (`PatSeg::Rest`); `redirect_slashes`
//!   (on by default) answers a trailing-slash mismatch with a 307 that keeps the method, so
//!   every FastAPI endpoint is slash-lenient. A `StaticFiles` mount is a GET catch-all under
//!   its prefix (Starlette's `StaticFiles` answers 405 to other methods). `root_path` is not
//!   applied: Starlette serves the routes both with and without it.
//! - Flask: `<p>` and `<conv:p>` one segment, `<path:p>` the rest; a rule ending in `/`
//!   answers the path without it with a 308 redirect (method kept: slash-lenient); a rule
//!   without one answers `/x/` with 404 (strict) unless `strict_slashes=False`. A blueprint's
//!   registration `url_prefix` replaces its own; nested blueprints join their prefixes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use tree_sitter::Node;

use crate::model::method::Method;
use crate::model::path::{PatSeg, Pattern};
use crate::source_file::Span;
use crate::sources::{
    facts::Dialect, facts::EndpointFact, facts::Facts, facts::Framework, facts::OpaqueMount,
    facts::Owner, input::Input,
};

/// Reads one Python file alone (imports not followed).
pub fn extract(input: Input<'_>) -> Facts {
    extract_set(&[input]).pop().unwrap_or_default()
}

/// Reads every Python file together, following routers across modules.
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    let mut modules: Vec<Module> = inputs.par_iter().map(|i| Module::parse(*i)).collect();
    let mut out: Vec<Facts> = modules
        .iter_mut()
        .map(|m| Facts {
            problems: std::mem::take(&mut m.problems),
            ..Facts::default()
        })
        .collect();
    let set = Set::new(&modules);
    set.resolve(&mut out);
    out
}

/// Whether a Python file may declare routes (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "fastapi",
        "flask",
        "APIRouter",
        "Blueprint",
        "include_router",
        "register_blueprint",
        // Settings modules whose field defaults prefixes are read from.
        "BaseSettings",
    ]
    .iter()
    .any(|t| text.contains(t))
}

/// A value expression kept from the tree, evaluated once names resolve across modules.
#[derive(Clone, Debug)]
enum Ex {
    Str(String),
    /// A dotted name: `PREFIX`, `settings.API_PREFIX`, `config.PREFIX`.
    Name(Vec<String>),
    Concat(Vec<Ex>),
    /// Anything else, with its source text.
    Unknown(String),
}

/// What a framework object is.
#[derive(Clone, Debug)]
enum Kind {
    FastApi,
    Router { prefix: Option<Ex> },
    Flask,
    Blueprint { url_prefix: Option<Ex> },
}

impl Kind {
    fn framework(&self) -> Framework {
        match self {
            Kind::FastApi | Kind::Router { .. } => Framework::FastApi,
            Kind::Flask | Kind::Blueprint { .. } => Framework::Flask,
        }
    }

    /// The object's own prefix.
    fn own_prefix(&self) -> Option<&Ex> {
        match self {
            Kind::Router { prefix } => prefix.as_ref(),
            Kind::Blueprint { url_prefix } => url_prefix.as_ref(),
            Kind::FastApi | Kind::Flask => None,
        }
    }
}

/// An import: `import a.b as c` (a module) or `from a import b` (a module or a name in it).
#[derive(Clone, Debug)]
enum Import {
    Module(ModRef),
    From(ModRef, String),
}

/// A module as an import statement names it: `..routers` is level 2, `routers`.
#[derive(Clone, Debug)]
struct ModRef {
    level: usize,
    dotted: String,
}

/// A route decorator (`@router.get("/x")`, `@bp.route("/x", methods=[...])`).
#[derive(Debug)]
struct Decl {
    obj: Vec<String>,
    methods: Vec<(Method, Span)>,
    path: Ex,
    path_span: Span,
    strict_slashes: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LinkKind {
    IncludeRouter,
    RegisterBlueprint,
    Mount,
}

/// `parent.include_router(child, prefix=...)`, `parent.register_blueprint(child, ...)`,
/// `parent.mount("/p", child)`.
#[derive(Debug)]
struct Link {
    parent: Vec<String>,
    kind: LinkKind,
    /// The child as a dotted name; `Err(text)` for another expression.
    child: Result<Vec<String>, String>,
    /// A `StaticFiles(...)` mount.
    static_files: bool,
    prefix: Option<Ex>,
    /// The prefix argument (or the call when there is none).
    span: Span,
    /// The method name (`mount`), for a static mount's endpoint.
    name_span: Span,
}

/// One parsed file.
struct Module {
    file_path: String,
    /// `a/b/c` for `a/b/c.py` and `a/b/c/__init__.py`.
    key: String,
    /// The directory the module's relative imports start from.
    package_dir: String,
    consts: HashMap<String, Ex>,
    /// String fields of classes defined here (`class Settings(BaseSettings): API_V1_STR: str
    /// = "/api/v1"`), by class name.
    class_fields: HashMap<String, HashMap<String, Ex>>,
    /// Names bound to an instance of a class called without arguments (`settings =
    /// Settings()`): its fields are their defaults.
    instances: HashMap<String, String>,
    imports: HashMap<String, Import>,
    objects: BTreeMap<String, Kind>,
    decls: Vec<Decl>,
    links: Vec<Link>,
    problems: Vec<crate::sources::facts::Problem>,
}

impl Module {
    fn parse(input: Input<'_>) -> Module {
        let path = input.path;
        let stem = path.strip_suffix(".py").unwrap_or(path);
        let is_init = stem == "__init__" || stem.ends_with("/__init__");
        let key = if is_init {
            stem.strip_suffix("__init__")
                .unwrap_or("")
                .trim_end_matches('/')
                .to_owned()
        } else {
            stem.to_owned()
        };
        let package_dir = if is_init {
            key.clone()
        } else {
            key.rsplit_once('/')
                .map(|(d, _)| d.to_owned())
                .unwrap_or_default()
        };
        let mut m = Module {
            file_path: path.to_owned(),
            key,
            package_dir,
            consts: HashMap::new(),
            class_fields: HashMap::new(),
            instances: HashMap::new(),
            imports: HashMap::new(),
            objects: BTreeMap::new(),
            decls: Vec::new(),
            links: Vec::new(),
            problems: Vec::new(),
        };
        let Some(tree) =
            crate::sources::syntax::parse(&tree_sitter_python::LANGUAGE.into(), input.text)
        else {
            return m;
        };
        let root = tree.root_node();
        m.problems
            .extend(crate::sources::syntax::problem(root, input, "Python"));
        let r = Reader { input };
        r.walk(root, &mut m, 0);
        m
    }
}

/// Reads statements of one file into its [`Module`].
struct Reader<'a> {
    input: Input<'a>,
}

impl Reader<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        self.input.text.get(n.byte_range()).unwrap_or("")
    }

    fn span(&self, n: Node<'_>) -> Span {
        self.input.span(n.start_byte(), n.end_byte())
    }

    /// Every statement, nested blocks included (an app factory's body counts: names are
    /// read as if global).
    fn walk(&self, n: Node<'_>, m: &mut Module, depth: usize) {
        if depth > 200 {
            return;
        }
        match n.kind() {
            "import_statement" => self.import(n, m),
            "import_from_statement" => self.import_from(n, m),
            "assignment" => self.assignment(n, m),
            "decorated_definition" => self.decorated(n, m),
            "call" => self.call(n, m),
            "class_definition" => self.class_fields(n, m),
            _ => {}
        }
        let mut cursor = n.walk();
        for k in n.named_children(&mut cursor) {
            self.walk(k, m, depth + 1);
        }
    }

    fn import(&self, n: Node<'_>, m: &mut Module) {
        let mut cursor = n.walk();
        for name in n.children_by_field_name("name", &mut cursor) {
            let (dotted, alias) = self.aliased(name);
            let Some(dotted) = dotted else { continue };
            match alias {
                Some(a) => {
                    m.imports.insert(
                        a,
                        Import::Module(ModRef {
                            level: 0,
                            dotted: dotted.clone(),
                        }),
                    );
                }
                // `import a.b` binds `a`.
                None => {
                    let first = dotted.split('.').next().unwrap_or("").to_owned();
                    m.imports.insert(
                        first.clone(),
                        Import::Module(ModRef {
                            level: 0,
                            dotted: first,
                        }),
                    );
                }
            }
        }
    }

    fn import_from(&self, n: Node<'_>, m: &mut Module) {
        let Some(module) = n.child_by_field_name("module_name") else {
            return;
        };
        let modref = if module.kind() == "relative_import" {
            let mut level = 0;
            let mut dotted = String::new();
            let mut cursor = module.walk();
            for k in module.named_children(&mut cursor) {
                match k.kind() {
                    "import_prefix" => level = self.text(k).chars().filter(|c| *c == '.').count(),
                    "dotted_name" => dotted = self.text(k).to_owned(),
                    _ => {}
                }
            }
            ModRef { level, dotted }
        } else {
            ModRef {
                level: 0,
                dotted: self.text(module).to_owned(),
            }
        };
        let mut cursor = n.walk();
        for name in n.children_by_field_name("name", &mut cursor) {
            let (dotted, alias) = self.aliased(name);
            let Some(dotted) = dotted else { continue };
            let local = alias.unwrap_or_else(|| dotted.clone());
            m.imports
                .insert(local, Import::From(modref.clone(), dotted));
        }
    }

    /// `a.b as c` → (`a.b`, `c`); `a` → (`a`, none).
    fn aliased(&self, n: Node<'_>) -> (Option<String>, Option<String>) {
        match n.kind() {
            "aliased_import" => (
                n.child_by_field_name("name")
                    .map(|d| self.text(d).to_owned()),
                n.child_by_field_name("alias")
                    .map(|a| self.text(a).to_owned()),
            ),
            "dotted_name" => (Some(self.text(n).to_owned()), None),
            _ => (None, None),
        }
    }

    /// The string fields a class body assigns (pydantic `BaseSettings` defaults, plain class
    /// constants).
    fn class_fields(&self, n: Node<'_>, m: &mut Module) {
        let (Some(name), Some(body)) =
            (n.child_by_field_name("name"), n.child_by_field_name("body"))
        else {
            return;
        };
        let mut fields = HashMap::new();
        let mut cursor = body.walk();
        for stmt in body.named_children(&mut cursor) {
            let Some(a) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
                continue;
            };
            let (Some(left), Some(right)) = (
                a.child_by_field_name("left"),
                a.child_by_field_name("right"),
            ) else {
                continue;
            };
            if left.kind() == "identifier"
                && matches!(right.kind(), "string" | "concatenated_string")
            {
                let ex = self.expr(right);
                if !matches!(ex, Ex::Unknown(_)) {
                    fields.insert(self.text(left).to_owned(), ex);
                }
            }
        }
        if !fields.is_empty() {
            m.class_fields.insert(self.text(name).to_owned(), fields);
        }
    }

    fn assignment(&self, n: Node<'_>, m: &mut Module) {
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier" {
            return;
        }
        let name = self.text(left).to_owned();
        if right.kind() == "call"
            && let Some(kind) = self.constructor(right)
        {
            m.objects.insert(name, kind);
            return;
        }
        // `settings = Settings()`: an instance whose fields keep their class defaults.
        if right.kind() == "call"
            && let Some(f) = right
                .child_by_field_name("function")
                .filter(|f| f.kind() == "identifier")
            && right
                .child_by_field_name("arguments")
                .is_some_and(|a| a.named_child_count() == 0)
        {
            m.instances.insert(name, self.text(f).to_owned());
            return;
        }
        if matches!(
            right.kind(),
            "string" | "concatenated_string" | "binary_operator"
        ) {
            let ex = self.expr(right);
            if !matches!(ex, Ex::Unknown(_)) {
                m.consts.insert(name, ex);
            }
        }
    }

    /// `FastAPI(...)`, `APIRouter(prefix=...)`, `Flask(__name__)`, `Blueprint(..., url_prefix=)`.
    fn constructor(&self, call: Node<'_>) -> Option<Kind> {
        let f = call.child_by_field_name("function")?;
        let name = match f.kind() {
            "identifier" => self.text(f),
            "attribute" => self.text(f.child_by_field_name("attribute")?),
            _ => return None,
        };
        let args = call.child_by_field_name("arguments");
        let kw = |k: &str| args.and_then(|a| self.keyword(a, k)).map(|v| self.expr(v));
        Some(match name {
            "FastAPI" => Kind::FastApi,
            "APIRouter" => Kind::Router {
                prefix: kw("prefix"),
            },
            "Flask" => Kind::Flask,
            "Blueprint" => Kind::Blueprint {
                url_prefix: kw("url_prefix"),
            },
            _ => return None,
        })
    }

    /// The value of keyword argument `k`.
    fn keyword<'t>(&self, args: Node<'t>, k: &str) -> Option<Node<'t>> {
        let mut cursor = args.walk();
        let found = args
            .named_children(&mut cursor)
            .filter(|a| a.kind() == "keyword_argument")
            .find(|a| {
                a.child_by_field_name("name")
                    .is_some_and(|n| self.text(n) == k)
            })?;
        found.child_by_field_name("value")
    }

    /// The positional arguments.
    fn positional<'t>(&self, args: Node<'t>) -> Vec<Node<'t>> {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| !matches!(a.kind(), "keyword_argument" | "comment"))
            .collect()
    }

    fn dotted(&self, n: Node<'_>) -> Option<Vec<String>> {
        match n.kind() {
            "identifier" => Some(vec![self.text(n).to_owned()]),
            "attribute" => {
                let mut base = self.dotted(n.child_by_field_name("object")?)?;
                base.push(self.text(n.child_by_field_name("attribute")?).to_owned());
                Some(base)
            }
            _ => None,
        }
    }

    fn expr(&self, n: Node<'_>) -> Ex {
        match n.kind() {
            "string" => self.string(n),
            "concatenated_string" => {
                let mut cursor = n.walk();
                Ex::Concat(
                    n.named_children(&mut cursor)
                        .map(|s| self.string(s))
                        .collect(),
                )
            }
            "binary_operator" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                match (
                    op,
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) {
                    (Some("+"), Some(l), Some(r)) => Ex::Concat(vec![self.expr(l), self.expr(r)]),
                    _ => Ex::Unknown(self.text(n).to_owned()),
                }
            }
            "parenthesized_expression" => match n.named_child(0) {
                Some(k) => self.expr(k),
                None => Ex::Unknown(self.text(n).to_owned()),
            },
            "identifier" | "attribute" => match self.dotted(n) {
                Some(d) => Ex::Name(d),
                None => Ex::Unknown(self.text(n).to_owned()),
            },
            _ => Ex::Unknown(self.text(n).to_owned()),
        }
    }

    /// A string literal; an f-string's `{NAME}` parts are names resolved later.
    fn string(&self, n: Node<'_>) -> Ex {
        if n.kind() != "string" {
            return Ex::Unknown(self.text(n).to_owned());
        }
        let mut parts = Vec::new();
        let mut raw = false;
        let mut cursor = n.walk();
        for k in n.children(&mut cursor) {
            match k.kind() {
                "string_start" => {
                    let p = self.text(k).to_ascii_lowercase();
                    raw = p.contains('r');
                    if p.contains('b') {
                        return Ex::Unknown(self.text(n).to_owned());
                    }
                }
                "string_content" => {
                    let t = self.text(k);
                    let t = if raw { t.to_owned() } else { unescape(t) };
                    parts.push(Ex::Str(t));
                }
                "escape_sequence" => parts.push(Ex::Str(unescape(self.text(k)))),
                "interpolation" => {
                    let e = k.child_by_field_name("expression");
                    let plain = k.child_by_field_name("format_specifier").is_none()
                        && k.child_by_field_name("type_conversion").is_none();
                    match e {
                        Some(e) if plain && matches!(e.kind(), "identifier" | "attribute") => {
                            parts.push(self.expr(e))
                        }
                        _ => parts.push(Ex::Unknown(self.text(k).to_owned())),
                    }
                }
                _ => {}
            }
        }
        Ex::Concat(parts)
    }

    /// The list literal `methods=[...]`: each method with its span.
    fn methods(&self, n: Node<'_>) -> Option<Vec<(Method, Span)>> {
        if !matches!(n.kind(), "list" | "tuple" | "set") {
            return None;
        }
        let mut out = Vec::new();
        let mut cursor = n.walk();
        for k in n.named_children(&mut cursor) {
            let Ex::Concat(parts) = self.string(k) else {
                return None;
            };
            let mut s = String::new();
            for p in parts {
                match p {
                    Ex::Str(t) => s.push_str(&t),
                    _ => return None,
                }
            }
            out.push((Method::parse(&s)?, self.span(k)));
        }
        Some(out)
    }

    fn decorated(&self, n: Node<'_>, m: &mut Module) {
        let mut cursor = n.walk();
        for d in n.named_children(&mut cursor) {
            if d.kind() != "decorator" {
                continue;
            }
            let Some(call) = d.named_child(0).filter(|c| c.kind() == "call") else {
                continue;
            };
            let Some(f) = call
                .child_by_field_name("function")
                .filter(|f| f.kind() == "attribute")
            else {
                continue;
            };
            let (Some(obj), Some(attr)) = (
                f.child_by_field_name("object").and_then(|o| self.dotted(o)),
                f.child_by_field_name("attribute"),
            ) else {
                continue;
            };
            let Some(args) = call.child_by_field_name("arguments") else {
                continue;
            };
            let name = self.text(attr);
            let path_node = self
                .positional(args)
                .first()
                .copied()
                .or_else(|| self.keyword(args, "path"))
                .or_else(|| self.keyword(args, "rule"));
            let Some(path_node) = path_node else {
                continue;
            };
            let methods = match name {
                "route" | "api_route" => match self.keyword(args, "methods") {
                    None => vec![(Method::Get, self.span(attr))],
                    Some(list) => match self.methods(list) {
                        Some(ms) => ms,
                        None => {
                            m.decls.push(Decl {
                                obj,
                                methods: Vec::new(),
                                path: Ex::Unknown(format!(
                                    "methods `{}` are not a list of constants",
                                    self.text(list)
                                )),
                                path_span: self.span(list),
                                strict_slashes: None,
                            });
                            continue;
                        }
                    },
                },
                other => match Method::parse(other) {
                    Some(method) if other == other.to_ascii_lowercase() => {
                        vec![(method, self.span(attr))]
                    }
                    _ => continue,
                },
            };
            let strict_slashes = self
                .keyword(args, "strict_slashes")
                .map(|v| self.text(v) != "False");
            m.decls.push(Decl {
                obj,
                methods,
                path: self.expr(path_node),
                path_span: self.span(path_node),
                strict_slashes,
            });
        }
    }

    fn call(&self, n: Node<'_>, m: &mut Module) {
        let Some(f) = n
            .child_by_field_name("function")
            .filter(|f| f.kind() == "attribute")
        else {
            return;
        };
        let (Some(parent), Some(attr)) = (
            f.child_by_field_name("object").and_then(|o| self.dotted(o)),
            f.child_by_field_name("attribute"),
        ) else {
            return;
        };
        let kind = match self.text(attr) {
            "add_url_rule" | "add_api_route" => return self.add_rule(n, parent, attr, m),
            "include_router" => LinkKind::IncludeRouter,
            "register_blueprint" => LinkKind::RegisterBlueprint,
            "mount" => LinkKind::Mount,
            _ => return,
        };
        let Some(args) = n.child_by_field_name("arguments") else {
            return;
        };
        let pos = self.positional(args);
        let (child, prefix) = match kind {
            LinkKind::Mount => (
                pos.get(1).copied().or_else(|| self.keyword(args, "app")),
                pos.first().copied().or_else(|| self.keyword(args, "path")),
            ),
            LinkKind::IncludeRouter => (
                pos.first()
                    .copied()
                    .or_else(|| self.keyword(args, "router")),
                self.keyword(args, "prefix"),
            ),
            LinkKind::RegisterBlueprint => (
                pos.first()
                    .copied()
                    .or_else(|| self.keyword(args, "blueprint")),
                self.keyword(args, "url_prefix"),
            ),
        };
        let Some(child) = child else { return };
        let static_files = child.kind() == "call"
            && child
                .child_by_field_name("function")
                .and_then(|f| self.dotted(f))
                .is_some_and(|d| d.last().is_some_and(|l| l == "StaticFiles"));
        m.links.push(Link {
            parent,
            kind,
            child: self
                .dotted(child)
                .ok_or_else(|| self.text(child).to_owned()),
            static_files,
            prefix: prefix.map(|p| self.expr(p)),
            span: prefix.map(|p| self.span(p)).unwrap_or_else(|| self.span(n)),
            name_span: self.span(attr),
        });
    }
}

impl Reader<'_> {
    /// `app.add_url_rule("/x", view_func=v, methods=[...])` (Flask),
    /// `router.add_api_route("/x", endpoint, methods=[...])` (FastAPI): a route without a
    /// decorator.
    fn add_rule(&self, call: Node<'_>, obj: Vec<String>, attr: Node<'_>, m: &mut Module) {
        let Some(args) = call.child_by_field_name("arguments") else {
            return;
        };
        let Some(path) = self
            .positional(args)
            .first()
            .copied()
            .or_else(|| self.keyword(args, "rule"))
            .or_else(|| self.keyword(args, "path"))
        else {
            return;
        };
        let methods = match self.keyword(args, "methods") {
            None => Some(vec![(Method::Get, self.span(attr))]),
            Some(list) => self.methods(list),
        };
        let (path_ex, path_span, methods) = match methods {
            Some(ms) => (self.expr(path), self.span(path), ms),
            None => {
                let list = self.keyword(args, "methods").unwrap_or(path);
                (
                    Ex::Unknown(format!(
                        "methods `{}` are not a list of constants",
                        self.text(list)
                    )),
                    self.span(list),
                    Vec::new(),
                )
            }
        };
        m.decls.push(Decl {
            obj,
            methods,
            path: path_ex,
            path_span,
            strict_slashes: self
                .keyword(args, "strict_slashes")
                .map(|v| self.text(v) != "False"),
        });
    }
}

/// Decodes the common escapes of a Python string literal.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('\n') | None => {}
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
        }
    }
    out
}

/// A framework object: (module index, name).
type ObjKey = (usize, String);

/// A prefix so far: resolved text, or why not.
type Prefix = Result<String, String>;

/// Every module of the set, resolved together.
struct Set<'a> {
    modules: &'a [Module],
    by_key: HashMap<&'a str, usize>,
}

/// What a dotted name denotes.
enum Target<'a> {
    Module(usize),
    Object(ObjKey),
    Const(usize, &'a Ex),
    /// An instance of a class of a module (`settings`): its fields are the class defaults.
    Instance(usize, &'a str),
}

impl<'a> Set<'a> {
    fn new(modules: &'a [Module]) -> Self {
        let by_key = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.key.as_str(), i))
            .collect();
        Set { modules, by_key }
    }

    /// The module an import names, seen from module `from`.
    fn module(&self, from: usize, r: &ModRef) -> Option<usize> {
        let rel = r.dotted.replace('.', "/");
        if r.level > 0 {
            let mut dir = self.modules[from].package_dir.as_str();
            for _ in 1..r.level {
                dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            }
            let key = match (dir.is_empty(), rel.is_empty()) {
                (_, true) => dir.to_owned(),
                (true, false) => rel,
                (false, false) => format!("{dir}/{rel}"),
            };
            return self.by_key.get(key.as_str()).copied();
        }
        if rel.is_empty() {
            return None;
        }
        // Absolute: the module whose path ends with the dotted name, nearest the importer.
        let me = &self.modules[from].file_path;
        let suffix = format!("/{rel}");
        self.modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.key == rel || m.key.ends_with(&suffix))
            .max_by_key(|(i, m)| (common_prefix(me, &m.file_path), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    }

    /// Resolves a dotted name used in module `m`.
    fn lookup(&self, m: usize, name: &[String], depth: usize) -> Option<Target<'a>> {
        if depth > 16 {
            return None;
        }
        let (first, rest) = name.split_first()?;
        let module = &self.modules[m];
        let mut target = if let Some(k) = module.objects.get_key_value(first) {
            Target::Object((m, k.0.clone()))
        } else if let Some(c) = module.consts.get(first) {
            Target::Const(m, c)
        } else if let Some(class) = module
            .instances
            .get(first)
            .filter(|c| module.class_fields.contains_key(c.as_str()))
        {
            Target::Instance(m, class)
        } else {
            match module.imports.get(first)? {
                Import::Module(r) => Target::Module(self.module(m, r)?),
                Import::From(r, n) => {
                    let sub = ModRef {
                        level: r.level,
                        dotted: if r.dotted.is_empty() {
                            n.clone()
                        } else {
                            format!("{}.{n}", r.dotted)
                        },
                    };
                    match self.module(m, &sub) {
                        Some(i) => Target::Module(i),
                        None => {
                            let from = self.module(m, r)?;
                            self.lookup(from, std::slice::from_ref(n), depth + 1)?
                        }
                    }
                }
            }
        };
        for part in rest {
            if let Target::Instance(i, class) = target {
                target = Target::Const(i, self.modules[i].class_fields.get(class)?.get(part)?);
                continue;
            }
            let Target::Module(i) = target else {
                return None;
            };
            let key = &self.modules[i].key;
            let sub = format!("{key}/{part}");
            target = match self.by_key.get(sub.as_str()) {
                Some(&s) if !self.modules[i].objects.contains_key(part) => Target::Module(s),
                _ => self.lookup(i, std::slice::from_ref(part), depth + 1)?,
            };
        }
        Some(target)
    }

    fn object(&self, m: usize, name: &[String]) -> Option<ObjKey> {
        match self.lookup(m, name, 0)? {
            Target::Object(k) => Some(k),
            _ => None,
        }
    }

    fn kind(&self, k: &ObjKey) -> Option<&'a Kind> {
        self.modules[k.0].objects.get(&k.1)
    }

    /// Evaluates an expression of module `m` to a string.
    fn eval(&self, m: usize, e: &Ex, depth: usize) -> Prefix {
        if depth > 16 {
            return Err("a constant defined in terms of itself".to_owned());
        }
        match e {
            Ex::Str(s) => Ok(s.clone()),
            Ex::Concat(parts) => {
                let mut s = String::new();
                for p in parts {
                    s.push_str(&self.eval(m, p, depth + 1)?);
                }
                Ok(s)
            }
            Ex::Name(n) => match self.lookup(m, n, 0) {
                Some(Target::Const(cm, c)) => self.eval(cm, c, depth + 1),
                _ => Err(format!(
                    "`{}` is not a constant routelint can read",
                    n.join(".")
                )),
            },
            Ex::Unknown(t) => Err(format!("`{t}` is not a constant routelint can read")),
        }
    }

    fn resolve(&self, out: &mut [Facts]) {
        // Links by parent object; objects that some link includes.
        let mut children: BTreeMap<ObjKey, Vec<(usize, &Link)>> = BTreeMap::new();
        let mut included: BTreeSet<ObjKey> = BTreeSet::new();
        for (i, m) in self.modules.iter().enumerate() {
            for l in &m.links {
                let Some(parent) = self.object(i, &l.parent) else {
                    continue;
                };
                if let Ok(c) = &l.child
                    && let Some(ck) = self.object(i, c)
                {
                    included.insert(ck);
                }
                children.entry(parent).or_default().push((i, l));
            }
        }
        let mut decls: BTreeMap<ObjKey, Vec<(usize, &Decl)>> = BTreeMap::new();
        for (i, m) in self.modules.iter().enumerate() {
            for d in &m.decls {
                if let Some(k) = self.object(i, &d.obj) {
                    decls.entry(k).or_default().push((i, d));
                }
            }
        }
        let walker = Walker {
            set: self,
            children: &children,
            decls: &decls,
        };
        for (i, m) in self.modules.iter().enumerate() {
            for (name, kind) in &m.objects {
                let key = (i, name.clone());
                if included.contains(&key) {
                    continue;
                }
                let prefix = match kind {
                    // Served only where an app includes it, and none that routelint can
                    // follow does: its full paths are unknown.
                    Kind::Router { .. } | Kind::Blueprint { .. } => Err(format!(
                        "`{name}` is not included by any app routelint can follow"
                    )),
                    Kind::FastApi | Kind::Flask => Ok(String::new()),
                };
                let mut stack = Vec::new();
                walker.walk(&key, prefix, &mut stack, out);
            }
        }
    }
}

/// Walks an application down its included routers.
struct Walker<'s, 'a> {
    set: &'s Set<'a>,
    children: &'s BTreeMap<ObjKey, Vec<(usize, &'a Link)>>,
    decls: &'s BTreeMap<ObjKey, Vec<(usize, &'a Decl)>>,
}

impl Walker<'_, '_> {
    /// Emits the endpoints of `obj` served under `prefix` (its own prefix included).
    fn walk(&self, obj: &ObjKey, prefix: Prefix, stack: &mut Vec<ObjKey>, out: &mut [Facts]) {
        if stack.contains(obj) || stack.len() > 32 {
            return;
        }
        let Some(kind) = self.set.kind(obj) else {
            return;
        };
        let fw = kind.framework();
        stack.push(obj.clone());
        for (m, d) in self.decls.get(obj).into_iter().flatten() {
            let path = self.set.eval(*m, &d.path, 0);
            let full = match (&prefix, path) {
                (Ok(p), Ok(path)) => Ok(join(fw, p, &path)),
                (Err(why), _) => Err(why.clone()),
                (_, Err(why)) => Err(why),
            };
            let facts = &mut out[*m];
            match full {
                Err(why) => facts
                    .unresolved_endpoints
                    .push((d.path_span, format!("path not resolved: {why}"))),
                Ok(full) => {
                    for (method, method_span) in &d.methods {
                        facts.endpoints.push(EndpointFact {
                            owner: Owner::File,
                            method: *method,
                            pattern: pattern(fw, &full, d.strict_slashes),
                            span: d.path_span,
                            method_span: *method_span,
                            operation_id: None,
                            dialect: Dialect::Framework(fw),
                        });
                    }
                }
            }
        }
        for (m, l) in self.children.get(obj).into_iter().flatten() {
            let link_prefix = l.prefix.as_ref().map(|p| self.set.eval(*m, p, 0));
            if l.static_files {
                let facts = &mut out[*m];
                match (&prefix, link_prefix) {
                    (Ok(p), Some(Ok(lp))) => {
                        let mut pat = pattern(fw, &join(fw, p, &lp), None);
                        pat.trailing_slash = false;
                        pat.segs.push(PatSeg::Rest("path".to_owned()));
                        facts.endpoints.push(EndpointFact {
                            owner: Owner::File,
                            method: Method::Get,
                            pattern: pat,
                            span: l.span,
                            method_span: l.name_span,
                            operation_id: Some("StaticFiles".to_owned()),
                            dialect: Dialect::Framework(fw),
                        });
                    }
                    (Err(why), _) => facts
                        .unresolved_endpoints
                        .push((l.span, format!("static mount not resolved: {why}"))),
                    (_, Some(Err(why))) => facts
                        .unresolved_endpoints
                        .push((l.span, format!("static mount not resolved: {why}"))),
                    (_, None) => {}
                }
                continue;
            }
            let child = match &l.child {
                Ok(c) => self.set.object(*m, c),
                Err(_) => None,
            };
            let Some(child) = child.filter(|c| self.set.kind(c).is_some()) else {
                let what = match &l.child {
                    Ok(c) => c.join("."),
                    Err(t) => t.clone(),
                };
                let why =
                    format!("`{what}` is not a router, blueprint or app routelint can follow");
                // Its routes are somewhere under the mount's prefix (the root when unknown).
                let under = match (&prefix, &link_prefix) {
                    (Ok(p), Some(Ok(lp))) => join(fw, p, lp),
                    (Ok(p), None) => p.clone(),
                    _ => String::new(),
                };
                out[*m].opaque_mounts.push(OpaqueMount {
                    span: l.span,
                    prefix: under,
                    why: why.clone(),
                });
                out[*m].unresolved_endpoints.push((l.span, why));
                continue;
            };
            let child_kind = self.set.kind(&child);
            let own = child_kind
                .and_then(|k| k.own_prefix())
                .map(|p| self.set.eval(child.0, p, 0));
            let seg = match (l.kind, link_prefix, own) {
                // Flask: the registration's url_prefix replaces the blueprint's.
                (LinkKind::RegisterBlueprint, Some(lp), _) => lp,
                // FastAPI: the include prefix, then the router's own.
                (_, Some(lp), Some(own)) => lp.and_then(|a| own.map(|b| join(fw, &a, &b))),
                (_, Some(x), None) | (_, None, Some(x)) => x,
                (_, None, None) => Ok(String::new()),
            };
            let next = match (&prefix, seg) {
                (Ok(p), Ok(s)) => Ok(join(fw, p, &s)),
                (Err(w), _) => Err(w.clone()),
                (_, Err(w)) => Err(w),
            };
            self.walk(&child, next, stack, out);
        }
        stack.pop();
    }
}

/// Joins a prefix and a path as the framework does: FastAPI concatenates, Flask joins with
/// one slash.
fn join(fw: Framework, prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_owned();
    }
    match fw {
        Framework::Flask if !path.is_empty() => format!(
            "{}/{}",
            prefix.trim_end_matches('/'),
            path.trim_start_matches('/')
        ),
        _ => format!("{prefix}{path}"),
    }
}

/// A framework path (`/posts/{id}`, `/files/{p:path}`, `/u/<int:id>`) as a pattern.
fn pattern(fw: Framework, path: &str, strict_slashes: Option<bool>) -> Pattern {
    let trailing_slash = path.len() > 1 && path.ends_with('/') || path == "/";
    let segs = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| segment(fw, s))
        .collect();
    let lenient_slash = match fw {
        // redirect_slashes: a 307 to the other form keeps the method.
        Framework::FastApi => true,
        // A rule ending in `/` redirects the bare path (308, method kept); the other 404s
        // `/x/` unless strict_slashes=False.
        _ => trailing_slash || strict_slashes == Some(false),
    };
    Pattern {
        segs,
        trailing_slash,
        lenient_slash,
        ..Pattern::default()
    }
}

fn segment(fw: Framework, s: &str) -> PatSeg {
    let (open, close) = match fw {
        Framework::Flask => ('<', '>'),
        _ => ('{', '}'),
    };
    let inner = s
        .strip_prefix(open)
        .and_then(|r| r.strip_suffix(close))
        .filter(|i| !i.is_empty() && !i.contains(open) && !i.contains(close));
    if let Some(inner) = inner {
        let (name, conv) = match fw {
            Framework::Flask => match inner.split_once(':') {
                Some((c, n)) => (n, Some(c)),
                None => (inner, None),
            },
            _ => match inner.split_once(':') {
                Some((n, c)) => (n, Some(c)),
                None => (inner, None),
            },
        };
        let conv = conv.map(|c| c.split('(').next().unwrap_or(c).trim());
        return if conv == Some("path") {
            PatSeg::Rest(name.trim().to_owned())
        } else {
            PatSeg::Param(name.trim().to_owned())
        };
    }
    if s.contains(open) && s.contains(close) {
        // A parameter inside a segment (`item-{id}.json`): a glob.
        let mut g = String::new();
        let mut depth = 0;
        for c in s.chars() {
            if c == open {
                if depth == 0 {
                    g.push('*');
                }
                depth += 1;
            } else if c == close && depth > 0 {
                depth -= 1;
            } else if depth == 0 {
                g.push(c);
            }
        }
        return PatSeg::Glob(g);
    }
    PatSeg::Lit(s.to_owned())
}

/// Length of the common directory prefix of two paths.
fn common_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests;
