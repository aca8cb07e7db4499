//! Server routes in JavaScript/TypeScript: Express, Koa, Fastify, NestJS, and file-based
//! routes (Next.js, Nuxt/Nitro).
//!
//! Every file whose text may declare routes is parsed with oxc (in parallel, each on a thread
//! whose stack is sized from its text, as `js_calls` does) into a small owned summary: the
//! routers it creates, what it registers on them, what it mounts where, what it imports and
//! exports, its NestJS controllers. The summaries are then joined across files: routers are
//! followed from the apps that mount them (`app.use('/api', require('./routes/users'))`,
//! `fastify.register(plugin, { prefix })`, `router.use('/x', other.routes())`) with the prefixes
//! adding up, cycles cut. Each endpoint is attributed to the file where its registration is
//! written. File-based routes (Next.js `app/**/route.ts` and `pages/api/**`, Nuxt `server/api`
//! and `server/routes`) come from the file's path and its exports.
//!
//! What this module must not do: read a file, decide that something is wrong, or guess a path
//! it cannot read (a regex or computed path becomes an unresolved endpoint). Syntax errors are
//! reported by `js_calls`, which reads every JS/TS file: they are not reported twice here.

use std::collections::{HashMap, HashSet};

use oxc_allocator::Allocator;
use oxc_ast::ast as js;
use oxc_parser::Parser;
use oxc_span::GetSpan;
use rayon::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

use crate::model::method::Method;
use crate::model::path::{PatSeg, Pattern};
use crate::sources::client::js_calls::{
    Index, on_pool, resolve_module, source_type, with_arena, with_stack,
};
use crate::sources::{
    facts::Dialect, facts::EndpointFact, facts::Facts, facts::Framework, facts::Owner, input::Input,
};

/// Statements and expressions nested deeper than this are not read.
const MAX_DEPTH: usize = 256;
/// The prefix of a mount whose path this file does not fix.
const UNKNOWN_PREFIX: &str = "\u{0}";
/// Optional segments expand to at most this many path variants.
const MAX_VARIANTS: usize = 16;
/// Byte offsets in a file.
type Pos = (u32, u32);

fn pos(span: js::Span) -> Pos {
    (span.start, span.end)
}

/// What created a router value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    ExpressApp,
    ExpressRouter,
    KoaApp,
    KoaRouter,
    FastifyApp,
}

#[derive(Clone, Debug)]
struct RouterDecl {
    kind: Kind,
    /// koa-router `new Router({ prefix })`.
    prefix: String,
    /// The trailing slash matters (Express `strict`, Fastify without `ignoreTrailingSlash`).
    strict: bool,
    /// koa-router `router.allowedMethods()` is used.
    allowed_methods: bool,
}

/// A router or plugin named in a mount: a local name or another module's export.
#[derive(Clone, Debug)]
enum Child {
    Local(String),
    Import { spec: String, name: String },
}

#[derive(Clone, Debug)]
enum Reg {
    Endpoint {
        router: String,
        methods: Vec<(Method, Pos)>,
        paths: Result<Vec<String>, String>,
        span: Pos,
    },
    Mount {
        router: String,
        prefix: String,
        child: Child,
    },
    /// `app.use('/legacy', createProxyMiddleware({ target }))`: the app forwards.
    Proxy {
        router: String,
        prefix: String,
        prefix_span: Option<Pos>,
        proxy: Proxy,
    },
}

/// An http-proxy-middleware instance.
#[derive(Clone, Debug)]
struct Proxy {
    /// Host, port and path of `target`; `Err(why)` when it is not a constant URL.
    target: Result<(String, Option<u16>, String), String>,
    target_span: Pos,
    /// `pathRewrite`: absent, one `{ '^/from': 'to' }` entry, or something not followed.
    rewrite: Result<Option<(String, String)>, String>,
    rewrite_span: Option<Pos>,
    /// The v2 context argument or v3 `pathFilter`, when a plain path prefix.
    filter: Option<String>,
    span: Pos,
}

#[derive(Clone, Debug)]
struct NestRoute {
    methods: Vec<Method>,
    paths: Result<Vec<String>, String>,
    version: Vec<NestVersion>,
    span: Pos,
    method_span: Pos,
}

#[derive(Clone, Debug)]
struct Controller {
    paths: Result<Vec<String>, String>,
    version: Vec<NestVersion>,
    routes: Vec<NestRoute>,
}

/// What one file says about server routes.
#[derive(Clone, Debug, Default)]
struct Module {
    routers: HashMap<String, RouterDecl>,
    /// Functions that may receive a router (`function routes(fastify)`), by key.
    functions: HashSet<String>,
    regs: Vec<Reg>,
    imports: HashMap<String, Child>,
    /// Exported name (`default` for `module.exports` / `export default`) → local key.
    exports: HashMap<String, String>,
    /// Exported names with the span of the name (Next.js route handlers).
    exported: Vec<(String, Pos)>,
    default_export: Option<Pos>,
    /// The default export is an h3 event handler (`defineEventHandler(…)`): a Nitro route.
    event_handler: bool,
    controllers: Vec<Controller>,
    global_prefix: Option<(String, Pos)>,
    /// `setGlobalPrefix('api', { exclude: ['health'] })`: paths served without the prefix.
    global_exclude: Vec<String>,
    /// `basePath` of a `next.config.*` file.
    base_path: Option<String>,
    /// `enableVersioning({ type: VersioningType.URI, defaultVersion })`.
    uri_versioning: Option<UriVersioning>,
}

/// One version a NestJS controller or route (or `defaultVersion`) is served at.
#[derive(Clone, Debug, PartialEq)]
enum NestVersion {
    /// `'1'`: served under `/<prefix>1`.
    Id(String),
    /// `VERSION_NEUTRAL`: served without a version segment.
    Neutral,
    /// A value not constant in the file (its source text).
    Unknown(String),
}

/// URI versioning of a NestJS app: the segment's prefix (`v`) and the `defaultVersion` of
/// controllers and routes that name none (empty: those are served unversioned).
#[derive(Clone, Debug)]
struct UriVersioning {
    prefix: String,
    default: Vec<NestVersion>,
}

/// Whether a JS/TS file may declare server routes (a cheap check before parsing).
pub fn sniff(path: &str, text: &str) -> bool {
    if file_route(path).is_some() || file_name(path).starts_with("next.config.") {
        return true;
    }
    // One pass each (the regex crate searches all the words at once): this runs on every
    // JS/TS file of the repository.
    static WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"express|Router|koa|fastify|@nestjs|@Controller|setGlobalPrefix|(?:app|router|server)\.(?:get|post|put|patch|delete|use|route)\(",
        )
        .expect("valid regex")
    });
    static EXPORTS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"module\.exports|export default").expect("valid regex"));
    static REGISTERS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\.(?:get|post|route)\(").expect("valid regex"));
    // Registrations on an app or router imported from another module; a module exporting a
    // function that registers routes on the app it is given.
    WORDS.is_match(text) || (REGISTERS.is_match(text) && EXPORTS.is_match(text))
}

/// Reads the server routes of every JS/TS file together (routers imported across modules).
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    // On the reader pool, whose threads have the stack most files need.
    let modules: Vec<Module> = on_pool(|| {
        inputs
            .par_iter()
            .map(|i| {
                if sniff(i.path, i.text) {
                    parse(*i)
                } else {
                    Module::default()
                }
            })
            .collect()
    });
    let mut out: Vec<Facts> = inputs.iter().map(|_| Facts::default()).collect();
    code_routes(inputs, &modules, &mut out);
    nest_routes(inputs, &modules, &mut out);
    file_routes(inputs, &modules, &mut out);
    for facts in &mut out {
        dedup(facts);
    }
    out
}

/// Parses one file with a stack sized for its text. A file too large, or one the parser
/// fails on, reads as saying nothing (`js_calls` reports those files).
fn parse(input: Input<'_>) -> Module {
    with_stack(input.text, || parse_here(input)).unwrap_or_default()
}

fn parse_here(input: Input<'_>) -> Module {
    with_arena(|allocator| parse_in(allocator, input))
}

fn parse_in(allocator: &Allocator, input: Input<'_>) -> Module {
    let parsed = Parser::new(allocator, input.text, source_type(input.path)).parse();
    if parsed.panicked {
        return Module::default();
    }
    let mut reader = Reader {
        text: input.text,
        m: Module::default(),
        aliases: Vec::new(),
        libs: HashMap::new(),
        consts: HashMap::new(),
        proxies: HashMap::new(),
    };
    reader.statements(&parsed.program.body, 0);
    reader.m
}

// ---------------------------------------------------------------------------------------------
// Reading one file

struct Reader<'s> {
    text: &'s str,
    m: Module,
    /// Function parameters standing for a router (`fastify` in `function routes(fastify)`).
    aliases: Vec<HashMap<String, String>>,
    /// Local name → (package, imported name) for packages (`express`, `koa`, `fastify`…).
    libs: HashMap<String, (String, String)>,
    /// Top-level string constants.
    consts: HashMap<String, String>,
    /// Variables holding a proxy middleware.
    proxies: HashMap<String, Proxy>,
}

fn unparen<'b, 'a>(e: &'b js::Expression<'a>) -> &'b js::Expression<'a> {
    e.get_inner_expression()
}

/// `require('x')` → `x`.
fn require_spec<'a>(e: &'a js::Expression<'a>) -> Option<&'a str> {
    if let js::Expression::CallExpression(c) = unparen(e)
        && let js::Expression::Identifier(id) = unparen(&c.callee)
        && id.name == "require"
        && let Some(js::Argument::StringLiteral(s)) = c.arguments.first()
    {
        return Some(s.value.as_str());
    }
    None
}

fn is_relative(spec: &str) -> bool {
    spec.starts_with("./") || spec.starts_with("../")
}

fn first_param(params: &js::FormalParameters<'_>) -> Option<String> {
    match &params.items.first()?.pattern {
        js::BindingPattern::BindingIdentifier(id) => Some(id.name.to_string()),
        js::BindingPattern::AssignmentPattern(a) => match &a.left {
            js::BindingPattern::BindingIdentifier(id) => Some(id.name.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn obj_prop<'b, 'a>(
    obj: &'b js::ObjectExpression<'a>,
    key: &str,
) -> Option<&'b js::Expression<'a>> {
    obj.properties.iter().find_map(|p| match p {
        js::ObjectPropertyKind::ObjectProperty(p)
            if !p.computed && p.key.static_name().is_some_and(|k| k == key) =>
        {
            Some(&p.value)
        }
        _ => None,
    })
}

fn verb_methods(verb: &str) -> Option<Vec<Method>> {
    Some(match verb {
        "get" => vec![Method::Get],
        "post" => vec![Method::Post],
        "put" => vec![Method::Put],
        "patch" => vec![Method::Patch],
        "delete" | "del" => vec![Method::Delete],
        "head" => vec![Method::Head],
        "options" => vec![Method::Options],
        "all" => Method::ANY_HANDLED.to_vec(),
        _ => return None,
    })
}

impl<'s> Reader<'s> {
    fn source(&self, span: js::Span) -> String {
        let s = self
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        if s.len() > 60 {
            let mut end = 57;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}...", &s[..end])
        } else {
            s.to_owned()
        }
    }

    /// The router key a name stands for here.
    fn key_of(&self, name: &str) -> Option<String> {
        for scope in self.aliases.iter().rev() {
            if let Some(k) = scope.get(name) {
                return Some(k.clone());
            }
        }
        self.m.routers.contains_key(name).then(|| name.to_owned())
    }

    /// The router a call is made on: a name, or a chained registration (`r.get(..).post(..)`).
    fn receiver(&self, e: &js::Expression<'_>, depth: usize) -> Option<String> {
        if depth > 32 {
            return None;
        }
        match unparen(e) {
            js::Expression::Identifier(id) => {
                let name = id.name.as_str();
                self.key_of(name).or_else(|| {
                    // A router or app another module exports: resolved when files are joined.
                    self.m
                        .imports
                        .contains_key(name)
                        .then(|| format!("@{name}"))
                })
            }
            js::Expression::CallExpression(c) => {
                let m = unparen(&c.callee).as_member_expression()?;
                let p = m.static_property_name()?;
                if verb_methods(p).is_some() || p == "use" || p == "register" {
                    self.receiver(m.object(), depth + 1)
                } else {
                    None
                }
            }
            js::Expression::ThisExpression(_) => self.key_of("this"),
            _ => None,
        }
    }

    fn eval_str(&self, e: &js::Expression<'_>, depth: usize) -> Option<String> {
        if depth > 16 {
            return None;
        }
        match unparen(e) {
            js::Expression::StringLiteral(s) => Some(s.value.to_string()),
            js::Expression::TemplateLiteral(t) if t.expressions.is_empty() => t
                .quasis
                .first()
                .map(|q| q.value.cooked.unwrap_or(q.value.raw).to_string()),
            js::Expression::TemplateLiteral(t) => {
                let mut s = String::new();
                for (i, q) in t.quasis.iter().enumerate() {
                    s.push_str(q.value.cooked.unwrap_or(q.value.raw).as_str());
                    if let Some(e) = t.expressions.get(i) {
                        s.push_str(&self.eval_str(e, depth + 1)?);
                    }
                }
                Some(s)
            }
            js::Expression::Identifier(id) => self.consts.get(id.name.as_str()).cloned(),
            js::Expression::BinaryExpression(b)
                if b.operator == oxc_ast::ast::BinaryOperator::Addition =>
            {
                Some(self.eval_str(&b.left, depth + 1)? + &self.eval_str(&b.right, depth + 1)?)
            }
            _ => None,
        }
    }

    /// The path(s) of a registration: a string, an array of strings; a regex or a computed
    /// value is `Err(why)`.
    fn eval_paths(&self, e: &js::Expression<'_>) -> Result<Vec<String>, String> {
        match unparen(e) {
            js::Expression::RegExpLiteral(_) => Err(format!(
                "the path is a regular expression (`{}`)",
                self.source(e.span())
            )),
            js::Expression::ArrayExpression(a) => {
                let mut out = Vec::new();
                for el in &a.elements {
                    match el.as_expression() {
                        Some(e) => out.extend(self.eval_paths(e)?),
                        None => return Err("a spread in the path list".to_owned()),
                    }
                }
                Ok(out)
            }
            other => self.eval_str(other, 0).map(|s| vec![s]).ok_or_else(|| {
                format!(
                    "the path `{}` is not a constant in this file",
                    self.source(e.span())
                )
            }),
        }
    }

    fn bind_alias(&mut self, name: String, key: String) {
        if let Some(scope) = self.aliases.last_mut() {
            scope.insert(name, key);
        }
    }

    // -- declarations ------------------------------------------------------------------------

    fn import(&mut self, import: &js::ImportDeclaration<'_>) {
        let from = import.source.value.as_str();
        let Some(specifiers) = &import.specifiers else {
            return;
        };
        for spec in specifiers {
            let (local, imported) = match spec {
                js::ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let imported = match &s.imported {
                        js::ModuleExportName::IdentifierName(n) => n.name.as_str(),
                        js::ModuleExportName::IdentifierReference(n) => n.name.as_str(),
                        js::ModuleExportName::StringLiteral(n) => n.value.as_str(),
                    };
                    (s.local.name.as_str(), imported)
                }
                js::ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    (s.local.name.as_str(), "default")
                }
                js::ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (s.local.name.as_str(), "*")
                }
            };
            self.note_import(local, from, imported);
        }
    }

    fn note_import(&mut self, local: &str, from: &str, imported: &str) {
        if is_relative(from) {
            self.m.imports.insert(
                local.to_owned(),
                Child::Import {
                    spec: from.to_owned(),
                    name: imported.to_owned(),
                },
            );
        } else {
            self.libs
                .insert(local.to_owned(), (from.to_owned(), imported.to_owned()));
        }
    }

    /// What `const name = init` creates, if it is a router, an app, an import or a constant.
    fn declare(&mut self, name: &str, init: &js::Expression<'_>, constant: bool) {
        if let Some(decl) = self.router_decl(init) {
            self.m.routers.insert(name.to_owned(), decl);
            return;
        }
        if let Some(proxy) = self.proxy_call(init) {
            self.proxies.insert(name.to_owned(), proxy);
            return;
        }
        if let Some(spec) = require_spec(init) {
            self.note_import(name, spec, "default");
            return;
        }
        if let Some(m) = unparen(init).as_member_expression()
            && let Some(spec) = require_spec(m.object())
            && let Some(p) = m.static_property_name()
        {
            self.note_import(name, spec, p);
            return;
        }
        if constant
            && self.aliases.len() <= 1
            && let Some(s) = self.eval_str(init, 0)
        {
            self.consts.insert(name.to_owned(), s);
        }
    }

    /// The package a callee comes from, and the name imported from it.
    fn lib_of(&self, e: &js::Expression<'_>) -> Option<(String, String)> {
        match unparen(e) {
            js::Expression::Identifier(id) => self.libs.get(id.name.as_str()).cloned(),
            js::Expression::CallExpression(_) => {
                require_spec(e).map(|s| (s.to_owned(), "default".to_owned()))
            }
            js::Expression::StaticMemberExpression(m) => {
                let (lib, _) = self.lib_of(&m.object)?;
                Some((lib, m.property.name.to_string()))
            }
            _ => None,
        }
    }

    /// `express()`, `express.Router()`, `Router()`, `new Router({ prefix })`, `new Koa()`,
    /// `fastify()`, `require('fastify')({ … })`.
    fn router_decl(&self, init: &js::Expression<'_>) -> Option<RouterDecl> {
        let init = match unparen(init) {
            js::Expression::AwaitExpression(a) => unparen(&a.argument),
            e => e,
        };
        let (callee, args, is_new) = match init {
            js::Expression::CallExpression(c) => (&c.callee, &c.arguments, false),
            js::Expression::NewExpression(n) => (&n.callee, &n.arguments, true),
            _ => return None,
        };
        let (lib, imported) = self.lib_of(callee).unwrap_or_else(|| {
            let name = match unparen(callee) {
                js::Expression::Identifier(id) => id.name.to_string(),
                js::Expression::StaticMemberExpression(m) => m.property.name.to_string(),
                _ => String::new(),
            };
            let lib = match name.as_str() {
                "express" => "express",
                "Router" if is_new => "@koa/router",
                "Router" => "express",
                "Koa" => "koa",
                "fastify" | "Fastify" => "fastify",
                _ => "",
            };
            let imported = if name == "Router" {
                "Router"
            } else {
                "default"
            };
            (lib.to_owned(), imported.to_owned())
        });
        let kind = match lib.as_str() {
            "express" if imported == "Router" => Kind::ExpressRouter,
            "express" if imported == "default" || imported == "*" => Kind::ExpressApp,
            "koa" => Kind::KoaApp,
            "koa-router" | "@koa/router" | "koa-tree-router" => Kind::KoaRouter,
            "fastify" if !is_new => Kind::FastifyApp,
            _ => return None,
        };
        let opts = match args.first() {
            Some(js::Argument::ObjectExpression(o)) => Some(&**o),
            _ => None,
        };
        let flag = |key: &str| {
            opts.and_then(|o| obj_prop(o, key))
                .map(|v| matches!(unparen(v), js::Expression::BooleanLiteral(b) if b.value))
        };
        let prefix = opts
            .and_then(|o| obj_prop(o, "prefix"))
            .and_then(|p| self.eval_str(p, 0))
            .filter(|_| kind == Kind::KoaRouter)
            .unwrap_or_default();
        let strict = match kind {
            Kind::FastifyApp => !flag("ignoreTrailingSlash").unwrap_or(false),
            _ => flag("strict").unwrap_or(false),
        };
        Some(RouterDecl {
            kind,
            prefix,
            strict,
            allowed_methods: false,
        })
    }

    // -- walking -----------------------------------------------------------------------------

    fn statements(&mut self, stmts: &[js::Statement<'_>], depth: usize) {
        for s in stmts {
            self.statement(s, depth + 1);
        }
    }

    fn statement(&mut self, stmt: &js::Statement<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = depth + 1;
        use js::Statement as S;
        match stmt {
            S::ImportDeclaration(i) => self.import(i),
            S::BlockStatement(b) => self.statements(&b.body, d),
            S::ExpressionStatement(e) => self.expression(&e.expression, d),
            S::IfStatement(s) => {
                self.expression(&s.test, d);
                self.statement(&s.consequent, d);
                if let Some(alt) = &s.alternate {
                    self.statement(alt, d);
                }
            }
            S::TryStatement(s) => {
                self.statements(&s.block.body, d);
                if let Some(h) = &s.handler {
                    self.statements(&h.body.body, d);
                }
                if let Some(f) = &s.finalizer {
                    self.statements(&f.body, d);
                }
            }
            S::ReturnStatement(s) => {
                if let Some(a) = &s.argument {
                    self.expression(a, d);
                }
            }
            S::ForOfStatement(s) => self.statement(&s.body, d),
            S::ForInStatement(s) => self.statement(&s.body, d),
            S::ForStatement(s) => self.statement(&s.body, d),
            S::WhileStatement(s) => self.statement(&s.body, d),
            S::LabeledStatement(s) => self.statement(&s.body, d),
            S::ExportDeclaration(e) => {
                self.export_names(&e.declaration);
                self.declaration(&e.declaration, d);
            }
            S::ExportNamedDeclaration(e) => {
                for s in &e.specifiers {
                    let local = s.local.name().to_string();
                    let exported = s.exported.name().to_string();
                    self.m
                        .exported
                        .push((exported.clone(), pos(s.exported.span())));
                    self.m.exports.insert(exported, local);
                }
            }
            // `export { GET, POST } from '@/auth'`: the names are exported (handlers defined
            // elsewhere, which Next.js serves all the same).
            S::ExportFromDeclaration(e) => {
                for s in &e.specifiers {
                    self.m
                        .exported
                        .push((s.exported.name().to_string(), pos(s.exported.span())));
                }
            }
            S::ExportDefaultDeclaration(e) => {
                self.m.default_export = Some(pos(e.span));
                match &e.declaration {
                    js::ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                        let key = match &f.id {
                            Some(id) => format!("fn:{}", id.name),
                            None => format!("fn:@{}", f.span.start),
                        };
                        self.m.exports.insert("default".to_owned(), key.clone());
                        self.function(f, key, d);
                    }
                    js::ExportDefaultDeclarationKind::ClassDeclaration(c) => self.class(c, d),
                    other => {
                        if let Some(expr) = other.as_expression() {
                            self.m.event_handler = is_event_handler(expr);
                            if let Some(key) = self.value_key(expr) {
                                self.m.exports.insert("default".to_owned(), key);
                            }
                            self.expression(expr, d);
                        }
                    }
                }
            }
            S::TSExportAssignment(e) => {
                if let Some(key) = self.value_key(&e.expression) {
                    self.m.exports.insert("default".to_owned(), key);
                }
                self.expression(&e.expression, d);
            }
            other => {
                if let Some(decl) = other.as_declaration() {
                    self.declaration(decl, d);
                }
            }
        }
    }

    fn export_names(&mut self, decl: &js::Declaration<'_>) {
        match decl {
            js::Declaration::VariableDeclaration(v) => {
                for d in &v.declarations {
                    // `export const { GET, POST } = handlers` (NextAuth).
                    if let js::BindingPattern::ObjectPattern(o) = &d.id {
                        for p in &o.properties {
                            if let js::BindingPattern::BindingIdentifier(id) = &p.value {
                                self.m.exported.push((id.name.to_string(), pos(id.span)));
                            }
                        }
                    }
                    if let js::BindingPattern::BindingIdentifier(id) = &d.id {
                        let name = id.name.to_string();
                        self.m.exported.push((name.clone(), pos(id.span)));
                        let key = match &d.init {
                            Some(e) if is_function(e) => format!("fn:{name}"),
                            _ => name.clone(),
                        };
                        self.m.exports.insert(name, key);
                    }
                }
            }
            js::Declaration::FunctionDeclaration(f) => {
                if let Some(id) = &f.id {
                    self.m.exported.push((id.name.to_string(), pos(id.span)));
                    self.m
                        .exports
                        .insert(id.name.to_string(), format!("fn:{}", id.name));
                }
            }
            js::Declaration::ClassDeclaration(c) => {
                if let Some(id) = &c.id {
                    self.m.exported.push((id.name.to_string(), pos(id.span)));
                }
            }
            _ => {}
        }
    }

    fn declaration(&mut self, decl: &js::Declaration<'_>, depth: usize) {
        match decl {
            js::Declaration::VariableDeclaration(var) => {
                let constant = var.kind == js::VariableDeclarationKind::Const;
                for d in &var.declarations {
                    let Some(init) = &d.init else { continue };
                    match &d.id {
                        js::BindingPattern::BindingIdentifier(id) => {
                            let name = id.name.as_str();
                            if is_function(init) {
                                self.function_expr(init, format!("fn:{name}"), depth);
                                continue;
                            }
                            self.declare(name, init, constant);
                        }
                        js::BindingPattern::ObjectPattern(o) => {
                            // `const { router } = require('./x')`.
                            if let Some(spec) = require_spec(init) {
                                for p in &o.properties {
                                    if let (Some(k), js::BindingPattern::BindingIdentifier(id)) =
                                        (p.key.static_name(), &p.value)
                                    {
                                        self.note_import(id.name.as_str(), spec, &k);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    self.expression(init, depth);
                }
            }
            js::Declaration::FunctionDeclaration(f) => {
                let key = match &f.id {
                    Some(id) => format!("fn:{}", id.name),
                    None => format!("fn:@{}", f.span.start),
                };
                self.function(f, key, depth);
            }
            js::Declaration::ClassDeclaration(c) => self.class(c, depth),
            _ => {}
        }
    }

    /// The local key a value stands for: a router name, a function, an import.
    fn value_key(&self, e: &js::Expression<'_>) -> Option<String> {
        match unparen(e) {
            js::Expression::Identifier(id) => Some(id.name.to_string()),
            js::Expression::FunctionExpression(f) => Some(format!("fn:@{}", f.span.start)),
            js::Expression::ArrowFunctionExpression(f) => Some(format!("fn:@{}", f.span.start)),
            _ => None,
        }
    }

    fn function(&mut self, f: &js::Function<'_>, key: String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.m.functions.insert(key.clone());
        self.aliases.push(HashMap::new());
        if let Some(p) = first_param(&f.params) {
            self.bind_alias(p, key);
        }
        if let Some(body) = &f.body {
            self.statements(&body.statements, depth + 1);
        }
        self.aliases.pop();
    }

    fn arrow(&mut self, f: &js::ArrowFunctionExpression<'_>, key: String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.m.functions.insert(key.clone());
        self.aliases.push(HashMap::new());
        if let Some(p) = first_param(&f.params) {
            self.bind_alias(p, key);
        }
        if let Some(body) = f.body.as_function_body() {
            self.statements(&body.statements, depth + 1);
        } else if let Some(e) = f.body.as_expression() {
            self.expression(e, depth + 1);
        }
        self.aliases.pop();
    }

    /// A function or arrow expression walked under a given key.
    fn function_expr(&mut self, e: &js::Expression<'_>, key: String, depth: usize) {
        match unparen(e) {
            js::Expression::FunctionExpression(f) => self.function(f, key, depth),
            js::Expression::ArrowFunctionExpression(f) => self.arrow(f, key, depth),
            _ => {}
        }
    }

    fn expression(&mut self, expr: &js::Expression<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let d = depth + 1;
        use js::Expression as E;
        match expr {
            E::CallExpression(call) => {
                // The callee first: a chain `r.get(…).post(…)` registers in source order.
                self.expression(&call.callee, d);
                self.call(call);
                for a in &call.arguments {
                    if let Some(e) = a.as_expression() {
                        self.expression(e, d);
                    }
                }
            }
            E::NewExpression(n) => {
                for a in &n.arguments {
                    if let Some(e) = a.as_expression() {
                        self.expression(e, d);
                    }
                }
            }
            E::StaticMemberExpression(m) => self.expression(&m.object, d),
            E::ComputedMemberExpression(m) => self.expression(&m.object, d),
            E::ChainExpression(c) => {
                if let js::ChainElement::CallExpression(call) = &c.expression {
                    self.call(call);
                    self.expression(&call.callee, d);
                }
            }
            E::AwaitExpression(a) => self.expression(&a.argument, d),
            E::ParenthesizedExpression(p) => self.expression(&p.expression, d),
            E::SequenceExpression(s) => {
                for e in &s.expressions {
                    self.expression(e, d);
                }
            }
            E::ConditionalExpression(c) => {
                self.expression(&c.consequent, d);
                self.expression(&c.alternate, d);
            }
            E::FunctionExpression(f) => self.function(f, format!("fn:@{}", f.span.start), d),
            E::ArrowFunctionExpression(f) => self.arrow(f, format!("fn:@{}", f.span.start), d),
            E::ClassExpression(c) => self.class(c, d),
            E::AssignmentExpression(a) => {
                self.assignment(a);
                self.expression(&a.right, d);
            }
            E::ObjectExpression(o) => {
                if let Some(b) = obj_prop(o, "basePath")
                    && let Some(s) = self.eval_str(b, 0)
                {
                    self.m.base_path = Some(s);
                }
                for p in &o.properties {
                    if let js::ObjectPropertyKind::ObjectProperty(p) = p {
                        self.expression(&p.value, d);
                    }
                }
            }
            E::ArrayExpression(a) => {
                for el in &a.elements {
                    if let Some(e) = el.as_expression() {
                        self.expression(e, d);
                    }
                }
            }
            E::TSAsExpression(t) => self.expression(&t.expression, d),
            E::TSSatisfiesExpression(t) => self.expression(&t.expression, d),
            E::TSNonNullExpression(t) => self.expression(&t.expression, d),
            _ => {}
        }
    }

    /// `module.exports = router`, `module.exports = { a, b: c }`, `exports.router = router`.
    fn assignment(&mut self, a: &js::AssignmentExpression<'_>) {
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        let object = unparen(m.object());
        let is_module_exports = |e: &js::Expression<'_>| {
            matches!(e, js::Expression::StaticMemberExpression(s)
                if s.property.name == "exports"
                    && matches!(&s.object, js::Expression::Identifier(o) if o.name == "module"))
        };
        let prop = m.static_property_name();
        if prop == Some("exports")
            && matches!(object, js::Expression::Identifier(o) if o.name == "module")
        {
            self.m.default_export = Some(pos(a.span));
            if let js::Expression::ObjectExpression(o) = unparen(&a.right) {
                for p in &o.properties {
                    if let js::ObjectPropertyKind::ObjectProperty(p) = p
                        && let Some(k) = p.key.static_name()
                        && let Some(v) = self.value_key(&p.value)
                    {
                        self.m.exports.insert(k.to_string(), v);
                    }
                }
            } else if let Some(key) = self.value_key(&a.right) {
                self.m.exports.insert("default".to_owned(), key);
            }
            return;
        }
        let named_export = is_module_exports(object)
            || matches!(object, js::Expression::Identifier(o) if o.name == "exports");
        if named_export
            && let Some(p) = prop
            && let Some(v) = self.value_key(&a.right)
        {
            self.m.exports.insert(p.to_owned(), v);
        }
    }

    /// What a mount argument names: a router, a function, an import.
    fn child_of(&mut self, e: &js::Expression<'_>, depth: usize) -> Option<Child> {
        if depth > 8 {
            return None;
        }
        match unparen(e) {
            js::Expression::Identifier(id) => {
                let name = id.name.as_str();
                if let Some(k) = self.key_of(name) {
                    return Some(Child::Local(k));
                }
                if let Some(imp) = self.m.imports.get(name) {
                    return Some(imp.clone());
                }
                Some(Child::Local(format!("fn:{name}")))
            }
            js::Expression::CallExpression(c) => {
                if let Some(spec) = require_spec(e) {
                    return is_relative(spec).then(|| Child::Import {
                        spec: spec.to_owned(),
                        name: "default".to_owned(),
                    });
                }
                if let Some(m) = unparen(&c.callee).as_member_expression() {
                    // `router.routes()`, `router.middleware()`.
                    return match m.static_property_name() {
                        Some("routes" | "middleware") => self.child_of(m.object(), depth + 1),
                        _ => None,
                    };
                }
                // `fp(plugin)`: fastify-plugin wrappers.
                if let js::Expression::Identifier(f) = unparen(&c.callee)
                    && (f.name == "fp" || f.name.contains("lugin"))
                    && let Some(arg) = c.arguments.first().and_then(|a| a.as_expression())
                {
                    return self.child_of(arg, depth + 1);
                }
                None
            }
            js::Expression::StaticMemberExpression(m) => {
                let spec = require_spec(&m.object)?;
                is_relative(spec).then(|| Child::Import {
                    spec: spec.to_owned(),
                    name: m.property.name.to_string(),
                })
            }
            js::Expression::FunctionExpression(f) => {
                Some(Child::Local(format!("fn:@{}", f.span.start)))
            }
            js::Expression::ArrowFunctionExpression(f) => {
                Some(Child::Local(format!("fn:@{}", f.span.start)))
            }
            _ => None,
        }
    }

    fn call(&mut self, call: &js::CallExpression<'_>) {
        let callee = unparen(&call.callee);
        let Some(m) = callee.as_member_expression() else {
            self.function_mount(call);
            return;
        };
        let Some(prop) = m.static_property_name() else {
            return;
        };
        let prop_span = match m {
            js::MemberExpression::StaticMemberExpression(s) => pos(s.property.span),
            other => pos(other.span()),
        };
        let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
        match prop {
            "setGlobalPrefix" => {
                if let Some(a) = arg(0)
                    && let Some(s) = self.eval_str(a, 0)
                {
                    self.m.global_prefix = Some((s, pos(a.span())));
                }
                if let Some(js::Expression::ObjectExpression(o)) = arg(1).map(unparen)
                    && let Some(js::Expression::ArrayExpression(list)) =
                        obj_prop(o, "exclude").map(unparen)
                {
                    for el in list.elements.iter().filter_map(|e| e.as_expression()) {
                        let path = match unparen(el) {
                            js::Expression::ObjectExpression(o) => {
                                obj_prop(o, "path").and_then(|p| self.eval_str(p, 0))
                            }
                            other => self.eval_str(other, 0),
                        };
                        if let Some(p) = path {
                            self.m.global_exclude.push(p.trim_matches('/').to_owned());
                        }
                    }
                }
                return;
            }
            "enableVersioning" => {
                if let Some(js::Expression::ObjectExpression(o)) = arg(0).map(unparen) {
                    let uri = obj_prop(o, "type").is_some_and(|t| {
                        let src = self.source(t.span());
                        src.contains("URI") || src.contains("uri")
                    });
                    if uri {
                        let prefix = obj_prop(o, "prefix")
                            .and_then(|p| self.eval_str(p, 0))
                            .unwrap_or_else(|| "v".to_owned());
                        let default = obj_prop(o, "defaultVersion")
                            .map(|v| self.nest_versions(v))
                            .unwrap_or_default();
                        self.m.uri_versioning = Some(UriVersioning { prefix, default });
                    }
                }
                return;
            }
            _ => {}
        }
        // Registrations through `router.route('/x').get(…).post(…)`.
        if let Some(methods) = verb_methods(prop)
            && let Some((key, path)) = self.route_chain(m.object())
        {
            let paths = self.eval_paths(path);
            self.m.regs.push(Reg::Endpoint {
                router: key,
                methods: methods.into_iter().map(|x| (x, prop_span)).collect(),
                paths,
                span: pos(path.span()),
            });
            return;
        }
        let Some(key) = self.receiver(m.object(), 0) else {
            return;
        };
        match prop {
            "set" => {
                if let (Some(a), Some(b)) = (arg(0), arg(1))
                    && self.eval_str(a, 0).as_deref() == Some("strict routing")
                    && let Some(r) = self.m.routers.get_mut(&key)
                {
                    r.strict = matches!(unparen(b), js::Expression::BooleanLiteral(v) if v.value);
                }
            }
            "allowedMethods" => {
                if let Some(r) = self.m.routers.get_mut(&key) {
                    r.allowed_methods = true;
                }
            }
            "prefix" => {
                if let Some(a) = arg(0)
                    && let Some(s) = self.eval_str(a, 0)
                    && let Some(r) = self.m.routers.get_mut(&key)
                {
                    r.prefix = s;
                }
            }
            "route" => {
                // Fastify `fastify.route({ method, url, handler })`.
                if let Some(js::Expression::ObjectExpression(o)) = arg(0).map(unparen) {
                    let Some(url) = obj_prop(o, "url").or_else(|| obj_prop(o, "path")) else {
                        return;
                    };
                    let Some(method) = obj_prop(o, "method") else {
                        return;
                    };
                    let mut methods = Vec::new();
                    let mspan = pos(method.span());
                    let names = match unparen(method) {
                        js::Expression::ArrayExpression(a) => a
                            .elements
                            .iter()
                            .filter_map(|e| e.as_expression())
                            .filter_map(|e| self.eval_str(e, 0))
                            .collect(),
                        e => self.eval_str(e, 0).into_iter().collect::<Vec<_>>(),
                    };
                    for n in names {
                        if let Some(x) = Method::parse(&n.to_ascii_uppercase()) {
                            methods.push((x, mspan));
                        }
                    }
                    let paths = self.eval_paths(url);
                    self.m.regs.push(Reg::Endpoint {
                        router: key,
                        methods,
                        paths,
                        span: pos(url.span()),
                    });
                }
            }
            "use" | "register" => {
                let mut prefixes = vec![String::new()];
                let mut rest: Vec<&js::Expression<'_>> = Vec::new();
                for (i, a) in call.arguments.iter().enumerate() {
                    let Some(e) = a.as_expression() else { continue };
                    if i == 0 && prop == "use" {
                        if let Some(s) = self.eval_str(e, 0) {
                            prefixes = vec![s];
                            continue;
                        }
                        match unparen(e) {
                            // `app.use(['/a', '/b'], router)`.
                            js::Expression::ArrayExpression(_) => match self.eval_paths(e) {
                                Ok(list) => {
                                    prefixes = list;
                                    continue;
                                }
                                Err(_) => {
                                    prefixes = vec![UNKNOWN_PREFIX.to_owned()];
                                    continue;
                                }
                            },
                            // A mount path this file does not fix: what is mounted there is
                            // not followed (and not taken for a top-level router either).
                            js::Expression::RegExpLiteral(_)
                            | js::Expression::TemplateLiteral(_)
                            | js::Expression::BinaryExpression(_)
                            | js::Expression::StaticMemberExpression(_)
                            | js::Expression::ComputedMemberExpression(_) => {
                                prefixes = vec![UNKNOWN_PREFIX.to_owned()];
                                continue;
                            }
                            js::Expression::Identifier(id)
                                if !self.is_handler(id.name.as_str()) =>
                            {
                                prefixes = vec![UNKNOWN_PREFIX.to_owned()];
                                continue;
                            }
                            _ => {}
                        }
                    }
                    if prop == "register" && i == 1 {
                        if let js::Expression::ObjectExpression(o) = unparen(e)
                            && let Some(p) = obj_prop(o, "prefix")
                            && let Some(s) = self.eval_str(p, 0)
                        {
                            prefixes = vec![s];
                        }
                        continue;
                    }
                    // `router.use([auth, users])`: handlers may come in arrays.
                    match unparen(e) {
                        js::Expression::ArrayExpression(list) => {
                            rest.extend(list.elements.iter().filter_map(|x| x.as_expression()));
                        }
                        _ => rest.push(e),
                    }
                }
                let prefix_span = call
                    .arguments
                    .first()
                    .filter(|_| prefixes.iter().any(|p| !p.is_empty()))
                    .map(|a| pos(a.span()));
                for (e, prefix) in rest
                    .iter()
                    .flat_map(|e| prefixes.iter().map(move |p| (*e, p)))
                {
                    let proxy = match unparen(e) {
                        js::Expression::Identifier(id) => {
                            self.proxies.get(id.name.as_str()).cloned()
                        }
                        other => self.proxy_call(other),
                    };
                    if let Some(proxy) = proxy {
                        self.m.regs.push(Reg::Proxy {
                            router: key.clone(),
                            prefix: prefix.clone(),
                            prefix_span,
                            proxy,
                        });
                        continue;
                    }
                    if let Some(child) = self.child_of(e, 0) {
                        self.m.regs.push(Reg::Mount {
                            router: key.clone(),
                            prefix: prefix.clone(),
                            child,
                        });
                    }
                }
            }
            _ => {
                let Some(methods) = verb_methods(prop) else {
                    return;
                };
                // `app.get('setting')` reads a setting; a route has a handler too.
                if call.arguments.len() < 2 {
                    return;
                }
                let Some(mut path) = arg(0) else { return };
                // koa-router named routes: `router.get('name', '/path', handler)`.
                if let Some(second) = arg(1)
                    && self.eval_str(path, 0).is_some()
                    && self.eval_str(second, 0).is_some_and(|s| s.starts_with('/'))
                {
                    path = second;
                }
                let paths = self.eval_paths(path);
                self.m.regs.push(Reg::Endpoint {
                    router: key,
                    methods: methods.into_iter().map(|x| (x, prop_span)).collect(),
                    paths,
                    span: pos(path.span()),
                });
            }
        }
    }

    /// `createProxyMiddleware({ target, pathRewrite, pathFilter })` (also the v2 form with a
    /// context first, `legacyCreateProxyMiddleware`, and the v0 `proxy(context, options)`).
    fn proxy_call(&self, e: &js::Expression<'_>) -> Option<Proxy> {
        let js::Expression::CallExpression(c) = unparen(e) else {
            return None;
        };
        let js::Expression::Identifier(f) = unparen(&c.callee) else {
            return None;
        };
        if !matches!(
            f.name.as_str(),
            "createProxyMiddleware" | "legacyCreateProxyMiddleware" | "proxy"
        ) {
            return None;
        }
        let args: Vec<&js::Expression<'_>> = c
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .collect();
        let (mut filter, options) = match args.first().map(|a| unparen(a)) {
            Some(js::Expression::ObjectExpression(o)) => (None, Some(&**o)),
            Some(first) => (
                self.eval_str(first, 0),
                match args.get(1).map(|a| unparen(a)) {
                    Some(js::Expression::ObjectExpression(o)) => Some(&**o),
                    _ => None,
                },
            ),
            None => (None, None),
        };
        let options = options?;
        if let Some(pf) = obj_prop(options, "pathFilter") {
            filter = self.eval_str(pf, 0);
        }
        let target_expr = obj_prop(options, "target");
        let target = match target_expr.map(|t| (t, self.eval_str(t, 0))) {
            Some((_, Some(url))) => parse_target(&url)
                .ok_or_else(|| format!("the proxy target `{url}` is not an http(s) URL")),
            Some((t, None)) => Err(format!(
                "the proxy target `{}` is not a constant in this file",
                self.source(t.span())
            )),
            None => Err("the proxy has no `target` (a router option decides)".to_owned()),
        };
        let rewrite_expr = obj_prop(options, "pathRewrite");
        let rewrite = match rewrite_expr.map(unparen) {
            None => Ok(None),
            Some(js::Expression::ObjectExpression(o)) if o.properties.len() == 1 => {
                match &o.properties[0] {
                    js::ObjectPropertyKind::ObjectProperty(p) => {
                        match (p.key.static_name(), self.eval_str(&p.value, 0)) {
                            (Some(k), Some(v)) => Ok(Some((k.to_string(), v))),
                            _ => Err("a `pathRewrite` this file does not fix".to_owned()),
                        }
                    }
                    _ => Err("a `pathRewrite` this file does not fix".to_owned()),
                }
            }
            Some(other) => Err(format!(
                "the `pathRewrite` `{}` is not followed",
                self.source(other.span())
            )),
        };
        Some(Proxy {
            target,
            target_span: target_expr.map_or(pos(c.span), |t| pos(t.span())),
            rewrite,
            rewrite_span: rewrite_expr.map(|r| pos(r.span())),
            filter: filter.filter(|f| f.starts_with('/')),
            span: pos(c.span),
        })
    }

    /// Whether a name stands for something `use` mounts (a router, an import, a function, a
    /// proxy) rather than, possibly, a path.
    fn is_handler(&self, name: &str) -> bool {
        self.key_of(name).is_some()
            || self.m.imports.contains_key(name)
            || self.proxies.contains_key(name)
            || self.libs.contains_key(name)
            || self.m.functions.contains(&format!("fn:{name}"))
    }

    /// `router.route('/x')` under a chain of verb calls: the router and the path.
    fn route_chain<'b, 'a>(
        &self,
        mut e: &'b js::Expression<'a>,
    ) -> Option<(String, &'b js::Expression<'a>)> {
        for _ in 0..32 {
            let js::Expression::CallExpression(c) = unparen(e) else {
                return None;
            };
            let m = unparen(&c.callee).as_member_expression()?;
            match m.static_property_name()? {
                "route" => {
                    let path = c.arguments.first()?.as_expression()?;
                    if matches!(unparen(path), js::Expression::ObjectExpression(_)) {
                        return None;
                    }
                    return Some((self.receiver(m.object(), 0)?, path));
                }
                p if verb_methods(p).is_some() => e = m.object(),
                _ => return None,
            }
        }
        None
    }

    /// `registerRoutes(app)`, `require('./routes')(app)`: a function given a router
    /// registers on it.
    fn function_mount(&mut self, call: &js::CallExpression<'_>) {
        let Some(key) = call
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .find_map(|a| match unparen(a) {
                js::Expression::Identifier(id) => self.key_of(id.name.as_str()),
                _ => None,
            })
        else {
            return;
        };
        let callee = unparen(&call.callee);
        if !matches!(
            callee,
            js::Expression::Identifier(_) | js::Expression::CallExpression(_)
        ) {
            return;
        }
        if let Some(child) = self.child_of(callee, 0) {
            self.m.regs.push(Reg::Mount {
                router: key,
                prefix: String::new(),
                child,
            });
        }
    }

    // -- NestJS ------------------------------------------------------------------------------

    fn class(&mut self, class: &js::Class<'_>, depth: usize) {
        let controller = class.decorators.iter().find_map(|d| {
            let js::Expression::CallExpression(c) = unparen(&d.expression) else {
                return None;
            };
            let js::Expression::Identifier(id) = unparen(&c.callee) else {
                return None;
            };
            (id.name == "Controller").then_some(c)
        });
        if let Some(c) = controller {
            let (paths, version) =
                self.nest_args(c.arguments.first().and_then(|a| a.as_expression()));
            let mut routes = Vec::new();
            for el in &class.body.body {
                if let js::ClassElement::MethodDefinition(m) = el {
                    routes.extend(self.nest_route(&m.decorators));
                }
            }
            self.m.controllers.push(Controller {
                paths,
                version,
                routes,
            });
        }
        for el in &class.body.body {
            match el {
                js::ClassElement::MethodDefinition(m) => {
                    self.function(&m.value, format!("fn:@{}", m.span.start), depth + 1);
                }
                js::ClassElement::PropertyDefinition(p) => {
                    if let Some(v) = &p.value {
                        self.expression(v, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// `@Controller('cats')`, `@Controller(['a', 'b'])`, `@Controller({ path, version })`.
    fn nest_args(
        &self,
        arg: Option<&js::Expression<'_>>,
    ) -> (Result<Vec<String>, String>, Vec<NestVersion>) {
        let Some(arg) = arg else {
            return (Ok(vec![String::new()]), Vec::new());
        };
        if let js::Expression::ObjectExpression(o) = unparen(arg) {
            let paths = obj_prop(o, "path").map_or(Ok(vec![String::new()]), |p| self.eval_paths(p));
            let version = obj_prop(o, "version")
                .map(|v| self.nest_versions(v))
                .unwrap_or_default();
            return (paths, version);
        }
        (self.eval_paths(arg), Vec::new())
    }

    /// `'1'`, `['1', '2']`, `VERSION_NEUTRAL`, `[VERSION_NEUTRAL, '1']`.
    fn nest_versions(&self, e: &js::Expression<'_>) -> Vec<NestVersion> {
        let neutral = |e: &js::Expression<'_>| match unparen(e) {
            js::Expression::Identifier(id) => id.name == "VERSION_NEUTRAL",
            js::Expression::StaticMemberExpression(m) => m.property.name == "VERSION_NEUTRAL",
            _ => false,
        };
        let one = |e: &js::Expression<'_>| {
            if neutral(e) {
                NestVersion::Neutral
            } else {
                self.eval_str(e, 0).map_or_else(
                    || NestVersion::Unknown(self.source(e.span()).to_owned()),
                    NestVersion::Id,
                )
            }
        };
        match unparen(e) {
            js::Expression::ArrayExpression(a) => a
                .elements
                .iter()
                .map(|el| match el.as_expression() {
                    Some(e) => one(e),
                    None => NestVersion::Unknown("a spread in the version list".to_owned()),
                })
                .collect(),
            other => vec![one(other)],
        }
    }

    fn nest_route(&self, decorators: &[js::Decorator<'_>]) -> Option<NestRoute> {
        let mut route = None;
        let mut version = Vec::new();
        for d in decorators {
            let js::Expression::CallExpression(c) = unparen(&d.expression) else {
                continue;
            };
            let js::Expression::Identifier(id) = unparen(&c.callee) else {
                continue;
            };
            let arg = c.arguments.first().and_then(|a| a.as_expression());
            if id.name == "Version" {
                version = arg.map(|a| self.nest_versions(a)).unwrap_or_default();
                continue;
            }
            let methods = match id.name.as_str() {
                "Get" => vec![Method::Get],
                "Post" => vec![Method::Post],
                "Put" => vec![Method::Put],
                "Patch" => vec![Method::Patch],
                "Delete" => vec![Method::Delete],
                "Head" => vec![Method::Head],
                "Options" => vec![Method::Options],
                "All" => Method::ANY_HANDLED.to_vec(),
                _ => continue,
            };
            let (paths, span) = match arg {
                Some(a) => (self.eval_paths(a), pos(a.span())),
                None => (Ok(vec![String::new()]), pos(d.span)),
            };
            route = Some(NestRoute {
                methods,
                paths,
                version: Vec::new(),
                span,
                method_span: pos(id.span),
            });
        }
        route.map(|mut r| {
            r.version = version;
            r
        })
    }
}

/// `defineEventHandler(…)`, `eventHandler(…)`, `defineCachedEventHandler(…)`.
fn is_event_handler(e: &js::Expression<'_>) -> bool {
    matches!(unparen(e), js::Expression::CallExpression(c)
        if matches!(unparen(&c.callee), js::Expression::Identifier(id)
            if id.name.ends_with("ventHandler") || id.name == "fromNodeMiddleware"))
}

fn is_function(e: &js::Expression<'_>) -> bool {
    matches!(
        unparen(e),
        js::Expression::FunctionExpression(_) | js::Expression::ArrowFunctionExpression(_)
    )
}

// ---------------------------------------------------------------------------------------------
// Joining the files

/// `/api` + `/users` → `/api/users`; `/api` + `/` → `/api`.
fn join(prefix: &str, path: &str) -> String {
    let p = prefix.trim_end_matches('/');
    if path.is_empty() || path == "/" {
        return if p.is_empty() {
            "/".to_owned()
        } else {
            p.to_owned()
        };
    }
    if path.starts_with('/') {
        format!("{p}{path}")
    } else {
        format!("{p}/{path}")
    }
}

/// `http://users-service:3000/api` → (`users-service`, 3000, `/api`).
fn parse_target(url: &str) -> Option<(String, Option<u16>, String)> {
    let rest = ["http://", "https://", "ws://", "wss://"]
        .iter()
        .find_map(|s| url.strip_prefix(s))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse().ok()?)),
        None => (authority, None),
    };
    if host.is_empty() {
        return None;
    }
    Some((host.to_owned(), port, path.trim_end_matches('/').to_owned()))
}

/// The route an Express app forwards through http-proxy-middleware. Mounted at a path
/// (`app.use('/legacy', proxy)`), v2 forwards the whole path and v3 only what follows the
/// mount point: the path is known only when `pathRewrite` strips the mount point, which both
/// versions end with.
fn proxy_route(
    input: Input<'_>,
    base: &str,
    mount: &str,
    prefix_span: Option<Pos>,
    proxy: &Proxy,
    framework: Framework,
    order: u32,
) -> crate::sources::facts::RouteFact {
    use crate::model::path::{PathMatch, Rewrite};
    let sp = |p: Pos| input.span(p.0 as usize, p.1 as usize);
    let target_path = proxy.target.as_ref().map_or("", |t| t.2.as_str());
    let strips = |prefix: &str| {
        matches!(&proxy.rewrite, Ok(Some((from, to)))
            if (from.strip_prefix('^') == Some(prefix)
                || from.strip_prefix('^').map(|f| f.trim_end_matches('/')) == Some(prefix))
                && (to.is_empty() || to == "/"))
    };
    let (matcher, rewrite) = if !mount.is_empty() {
        let full = join(base, mount);
        let rewrite = if strips(&full) {
            Rewrite::ReplacePrefixSegments {
                prefix: full.clone(),
                with: target_path.to_owned(),
            }
        } else {
            Rewrite::Unknown(match &proxy.rewrite {
                Err(why) => why.clone(),
                _ => format!(
                    "http-proxy-middleware mounted at {full}: v2 forwards the whole path, v3 only what follows {full}"
                ),
            })
        };
        (
            PathMatch::SegmentPrefix {
                prefix: full,
                ignore_case: true,
            },
            Some(rewrite),
        )
    } else {
        let filter = proxy.filter.as_deref().map(|f| join(base, f));
        let rewrite = match (&proxy.rewrite, &filter) {
            (Ok(None), _) if target_path.is_empty() => None,
            (Ok(None), _) => Some(Rewrite::PrefixPath(target_path.to_owned())),
            (Ok(Some(_)), Some(f)) if strips(f) => Some(Rewrite::ReplacePrefixSegments {
                prefix: f.clone(),
                with: target_path.to_owned(),
            }),
            (Ok(Some((from, to))), _) if target_path.is_empty() => match regex::Regex::new(from) {
                Ok(re) => Some(Rewrite::RegexReplace {
                    re,
                    with: to.clone(),
                    shown: format!("{from} → {to}"),
                }),
                Err(_) => Some(Rewrite::Unknown(format!(
                    "the pathRewrite `{from}` is not followed"
                ))),
            },
            (Err(why), _) => Some(Rewrite::Unknown(why.clone())),
            _ => Some(Rewrite::Unknown(
                "a pathRewrite and a target path together are not followed".to_owned(),
            )),
        };
        let matcher = match filter {
            Some(f) => PathMatch::SegmentPrefix {
                prefix: f,
                ignore_case: true,
            },
            None if base.is_empty() || base == "/" => PathMatch::Any,
            None => PathMatch::SegmentPrefix {
                prefix: base.to_owned(),
                ignore_case: true,
            },
        };
        (matcher, rewrite)
    };
    let target = match &proxy.target {
        Ok((host, port, _)) => crate::sources::facts::Target::Forward {
            host: host.clone(),
            port: *port,
            span: sp(proxy.target_span),
        },
        Err(why) => crate::sources::facts::Target::Opaque { why: why.clone() },
    };
    crate::sources::facts::RouteFact {
        owner: Owner::File,
        table: "app".to_owned(),
        origin: "http-proxy-middleware".to_owned(),
        order,
        matcher,
        methods: crate::model::method::MethodSet::Any,
        rewrite,
        rewrite_span: proxy.rewrite_span.map(sp),
        target,
        span: sp(prefix_span.unwrap_or(proxy.span)),
        rule_span: sp(proxy.span),
        hosts: Vec::new(),
        gateways: Vec::new(),
        dialect: Dialect::Framework(framework),
        priority: None,
        conditional: false,
    }
}

type Node = (usize, String);

/// The router a registration is made on.
fn reg_router(r: &Reg) -> &str {
    match r {
        Reg::Endpoint { router, .. } | Reg::Mount { router, .. } | Reg::Proxy { router, .. } => {
            router
        }
    }
}

struct Joiner<'x, 'i> {
    inputs: &'x [Input<'i>],
    modules: &'x [Module],
    index: Index<'x>,
    /// Registrations made on a router another module exports (`@name` receivers), by the
    /// router they resolve to, with the file they are written in.
    foreign: HashMap<Node, Vec<(usize, &'x Reg)>>,
}

impl Joiner<'_, '_> {
    /// The router or function a mount child names.
    fn resolve(&self, file: usize, child: &Child, hops: usize) -> Option<Node> {
        if hops > 16 {
            return None;
        }
        let m = &self.modules[file];
        match child {
            Child::Local(name) => {
                let bare = name.strip_prefix("fn:").unwrap_or(name);
                if m.routers.contains_key(bare) {
                    return Some((file, bare.to_owned()));
                }
                let function = format!("fn:{bare}");
                if m.functions.contains(&function) {
                    return Some((file, function));
                }
                let imp = m.imports.get(bare)?;
                self.resolve(file, imp, hops + 1)
            }
            Child::Import { spec, name } => {
                let target = resolve_module(self.inputs[file].path, spec, &self.index)?;
                let tm = &self.modules[target];
                let local = tm
                    .exports
                    .get(name)
                    .or_else(|| tm.exports.get("default").filter(|_| name == "*"))?;
                self.resolve(target, &Child::Local(local.clone()), hops + 1)
            }
        }
    }
}

#[derive(Clone, Copy)]
struct WalkState {
    root: Kind,
    allowed_methods: bool,
    strict: bool,
}

fn code_routes(inputs: &[Input<'_>], modules: &[Module], out: &mut [Facts]) {
    let mut joiner = Joiner {
        inputs,
        modules,
        index: inputs
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path, i))
            .collect(),
        foreign: HashMap::new(),
    };
    let mut foreign: HashMap<Node, Vec<(usize, &Reg)>> = HashMap::new();
    for (i, m) in modules.iter().enumerate() {
        for r in &m.regs {
            if let Some(name) = reg_router(r).strip_prefix('@')
                && let Some(imp) = m.imports.get(name)
                && let Some(node) = joiner.resolve(i, imp, 0)
            {
                foreign.entry(node).or_default().push((i, r));
            }
        }
    }
    joiner.foreign = foreign;
    let mut mounted: HashSet<Node> = HashSet::new();
    for (i, m) in modules.iter().enumerate() {
        for r in &m.regs {
            if let Reg::Mount { child, .. } = r
                && let Some(n) = joiner.resolve(i, child, 0)
            {
                mounted.insert(n);
            }
        }
    }
    let mut roots: Vec<(Node, RouterDecl)> = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        let mut names: Vec<(&String, &RouterDecl)> = m.routers.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (name, decl) in names {
            let node = (i, name.clone());
            // An app or router mounted somewhere is reached from there (an Express sub-app
            // `app.use('/admin', admin)` too); the rest are where requests enter.
            if !mounted.contains(&node) {
                roots.push((node, decl.clone()));
            }
        }
    }
    for (node, decl) in roots {
        let state = WalkState {
            root: decl.kind,
            allowed_methods: false,
            strict: decl.strict,
        };
        let mut stack = vec![node.clone()];
        walk(&joiner, &node, "", state, &mut stack, out);
    }
}

fn walk(
    j: &Joiner<'_, '_>,
    node: &Node,
    prefix: &str,
    state: WalkState,
    stack: &mut Vec<Node>,
    out: &mut [Facts],
) {
    let (file, key) = node;
    let m = &j.modules[*file];
    let decl = m.routers.get(key);
    let state = WalkState {
        allowed_methods: state.allowed_methods || decl.is_some_and(|d| d.allowed_methods),
        strict: decl.map_or(state.strict, |d| d.strict),
        ..state
    };
    let own = decl.map_or(String::new(), |d| d.prefix.clone());
    let base = if own.is_empty() {
        prefix.to_owned()
    } else {
        join(prefix, &own)
    };
    let framework = match state.root {
        Kind::ExpressApp | Kind::ExpressRouter => Framework::Express,
        Kind::KoaApp | Kind::KoaRouter => Framework::Koa {
            allowed_methods: state.allowed_methods,
        },
        Kind::FastifyApp => Framework::Fastify,
    };
    // Registrations written in this file, then those other files make on it through an
    // import (`const app = require('./app'); app.get(…)`).
    let own = m
        .regs
        .iter()
        .filter(|r| reg_router(r) == key)
        .map(|r| (*file, r));
    let foreign = j.foreign.get(node).into_iter().flatten().copied();
    for (rf, reg) in own.chain(foreign).collect::<Vec<_>>() {
        let input = j.inputs[rf];
        match reg {
            Reg::Endpoint {
                methods,
                paths,
                span,
                ..
            } => match paths {
                Ok(paths) => {
                    for p in paths {
                        if !(p.starts_with('/') || p == "*" || p.is_empty()) {
                            continue;
                        }
                        for mut pattern in express_patterns(&join(&base, p)) {
                            pattern.lenient_slash = !state.strict;
                            for (method, mspan) in with_head(methods) {
                                out[rf].endpoints.push(EndpointFact {
                                    owner: Owner::File,
                                    method,
                                    pattern: pattern.clone(),
                                    span: input.span(span.0 as usize, span.1 as usize),
                                    method_span: input.span(mspan.0 as usize, mspan.1 as usize),
                                    operation_id: None,
                                    dialect: Dialect::Framework(framework),
                                });
                            }
                        }
                    }
                }
                Err(why) => out[rf]
                    .unresolved_endpoints
                    .push((input.span(span.0 as usize, span.1 as usize), why.clone())),
            },
            Reg::Proxy {
                prefix: p,
                prefix_span,
                proxy,
                ..
            } if p != UNKNOWN_PREFIX => {
                let order = out[rf].routes.len() as u32;
                out[rf].routes.push(proxy_route(
                    input,
                    &base,
                    p,
                    *prefix_span,
                    proxy,
                    framework,
                    order,
                ));
            }
            Reg::Mount {
                prefix: p, child, ..
            } => {
                if p == UNKNOWN_PREFIX {
                    continue;
                }
                let Some(next) = j.resolve(rf, child, 0) else {
                    continue;
                };
                if stack.contains(&next) || stack.len() > 64 {
                    continue;
                }
                stack.push(next.clone());
                let sub = if p.is_empty() {
                    base.clone()
                } else {
                    join(&base, p)
                };
                walk(j, &next, &sub, state, stack, out);
                stack.pop();
            }
            _ => {}
        }
    }
}

/// The methods of a registration, with HEAD added where GET is: Express, koa-router,
/// Fastify (`exposeHeadRoutes`) and NestJS answer HEAD with a GET route.
fn with_head(methods: &[(Method, Pos)]) -> Vec<(Method, Pos)> {
    let mut out = methods.to_vec();
    if !methods.iter().any(|(m, _)| *m == Method::Head)
        && let Some((_, at)) = methods.iter().find(|(m, _)| *m == Method::Get)
    {
        out.push((Method::Head, *at));
    }
    out
}

/// The patterns an Express-style path (`/users/:id?`, `/files/*`, `/a/(.*)`) stands for; an
/// optional parameter gives a pattern with it and one without.
fn express_patterns(path: &str) -> Vec<Pattern> {
    if path.contains('{') {
        // Express 5 optional groups: `/users{/:id}` is `/users` and `/users/:id`.
        let mut out = Vec::new();
        for p in expand_braces(path, 0) {
            out.extend(express_patterns(&p));
            if out.len() >= MAX_VARIANTS {
                break;
            }
        }
        return out;
    }
    let mut variants = vec![String::new()];
    let trailing = path.len() > 1 && path.ends_with('/');
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let optional = seg.starts_with(':') && seg.ends_with('?');
        let seg = seg.trim_end_matches('?');
        let mut next = Vec::new();
        for v in &variants {
            next.push(format!("{v}/{seg}"));
            if optional && next.len() < MAX_VARIANTS {
                next.push(v.clone());
            }
        }
        variants = next;
    }
    variants
        .iter()
        .map(|v| Pattern {
            segs: v
                .split('/')
                .filter(|s| !s.is_empty())
                .map(express_seg)
                .collect(),
            trailing_slash: trailing,
            ..Pattern::default()
        })
        .collect()
}

/// The strings an Express 5 path with `{optional}` groups stands for, without braces.
fn expand_braces(path: &str, depth: usize) -> Vec<String> {
    let (Some(open), true) = (path.find('{'), depth < 4) else {
        return vec![path.replace(['{', '}'], "")];
    };
    let Some(close) = path[open..].find('}').map(|c| open + c) else {
        return vec![path.replace('{', "")];
    };
    let (head, inner, tail) = (&path[..open], &path[open + 1..close], &path[close + 1..]);
    let mut out = expand_braces(&format!("{head}{inner}{tail}"), depth + 1);
    out.extend(expand_braces(&format!("{head}{tail}"), depth + 1));
    out
}

fn express_seg(seg: &str) -> PatSeg {
    if seg == "*" || seg == "(.*)" || seg.starts_with('*') {
        return PatSeg::Rest(seg.trim_start_matches('*').to_owned());
    }
    if let Some(name) = seg.strip_prefix(':') {
        let name = name.split('(').next().unwrap_or(name);
        if let Some(rest) = name.strip_suffix('*').or_else(|| name.strip_suffix('+')) {
            return PatSeg::Rest(rest.to_owned());
        }
        if name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            return PatSeg::Param(name.to_owned());
        }
    }
    if seg.contains(':') || seg.contains('*') || seg.contains('(') {
        let mut g = String::new();
        let mut in_param = false;
        for c in seg.chars() {
            if c == ':' || c == '*' {
                if !g.ends_with('*') {
                    g.push('*');
                }
                in_param = c == ':';
            } else if in_param && (c.is_alphanumeric() || c == '_') {
            } else {
                in_param = false;
                g.push(c);
            }
        }
        return PatSeg::Glob(g);
    }
    PatSeg::Lit(seg.to_owned())
}

// ---------------------------------------------------------------------------------------------
// NestJS

/// The settings of a NestJS `main.ts`, for the controllers under `scope`.
struct NestApp<'m> {
    scope: String,
    prefix: Option<String>,
    versioning: Option<&'m UriVersioning>,
    exclude: &'m [String],
}

fn nest_routes(inputs: &[Input<'_>], modules: &[Module], out: &mut [Facts]) {
    // `main.ts` settings apply to the controllers of its project (its directory, less `src`).
    let mut apps: Vec<NestApp<'_>> = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        if m.global_prefix.is_some() || m.uri_versioning.is_some() {
            let dir = inputs[i].path.rsplit_once('/').map_or("", |(d, _)| d);
            let scope = dir
                .strip_suffix("/src")
                .or(if dir == "src" { Some("") } else { None })
                .unwrap_or(dir);
            apps.push(NestApp {
                scope: scope.to_owned(),
                prefix: m.global_prefix.as_ref().map(|g| g.0.clone()),
                versioning: m.uri_versioning.as_ref(),
                exclude: &m.global_exclude,
            });
        }
    }
    apps.sort_by_key(|a| std::cmp::Reverse(a.scope.len()));
    for (i, m) in modules.iter().enumerate() {
        if m.controllers.is_empty() {
            continue;
        }
        let input = inputs[i];
        let app = apps.iter().find(|a| {
            a.scope.is_empty()
                || input
                    .path
                    .strip_prefix(a.scope.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        });
        let global = app.and_then(|a| a.prefix.clone()).unwrap_or_default();
        let versioning = app.and_then(|a| a.versioning);
        let exclude: &[String] = app.map_or(&[], |a| a.exclude);
        for c in &m.controllers {
            for r in &c.routes {
                let span = input.span(r.span.0 as usize, r.span.1 as usize);
                let (cpaths, rpaths) = match (&c.paths, &r.paths) {
                    (Ok(a), Ok(b)) => (a, b),
                    (Err(why), _) | (_, Err(why)) => {
                        out[i].unresolved_endpoints.push((span, why.clone()));
                        continue;
                    }
                };
                // A route's own `@Version`, else its controller's, else the app's default.
                let versions: Vec<Option<&str>> = match versioning {
                    None => vec![None],
                    Some(uv) => {
                        let chosen = [&r.version, &c.version, &uv.default]
                            .into_iter()
                            .find(|v| !v.is_empty());
                        let chosen: &[NestVersion] = chosen.map_or(&[], |v| v.as_slice());
                        if let Some(NestVersion::Unknown(src)) =
                            chosen.iter().find(|v| matches!(v, NestVersion::Unknown(_)))
                        {
                            let why =
                                format!("the API version `{src}` is not a constant in this file");
                            out[i].unresolved_endpoints.push((span, why));
                            continue;
                        }
                        if chosen.is_empty() {
                            vec![None]
                        } else {
                            chosen
                                .iter()
                                .map(|v| match v {
                                    NestVersion::Id(id) => Some(id.as_str()),
                                    _ => None,
                                })
                                .collect()
                        }
                    }
                };
                for cp in cpaths {
                    for rp in rpaths {
                        for v in &versions {
                            let local =
                                join(&join("/", cp.trim_matches('/')), rp.trim_matches('/'));
                            let excluded = exclude.iter().any(|x| x == local.trim_matches('/'));
                            let mut full = join("/", if excluded { "" } else { &global });
                            if let (Some(v), Some(uv)) = (v, versioning) {
                                full = join(&full, &format!("{}{v}", uv.prefix));
                            }
                            full = join(&full, cp.trim_matches('/'));
                            full = join(&full, rp.trim_matches('/'));
                            for mut pattern in express_patterns(&full) {
                                pattern.lenient_slash = true;
                                pattern.trailing_slash = false;
                                let methods: Vec<(Method, Pos)> =
                                    r.methods.iter().map(|m| (*m, r.method_span)).collect();
                                for (method, _) in with_head(&methods) {
                                    out[i].endpoints.push(EndpointFact {
                                        owner: Owner::File,
                                        method,
                                        pattern: pattern.clone(),
                                        span,
                                        method_span: input.span(
                                            r.method_span.0 as usize,
                                            r.method_span.1 as usize,
                                        ),
                                        operation_id: None,
                                        dialect: Dialect::Framework(Framework::Nest),
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// File-based routes

/// Which file-based router a path belongs to, and the URL segments the path gives.
#[derive(Clone, Debug, PartialEq)]
enum FileRoute {
    /// Next.js `app/**/route.ts`: the methods are the handlers the file exports.
    NextApp(Vec<PatSeg>),
    /// Next.js `pages/api/**`: one handler for every method.
    NextPages(Vec<PatSeg>),
    /// Nuxt/Nitro `server/api/**`, `server/routes/**`; a `.get.ts` suffix fixes the method.
    Nuxt(Vec<PatSeg>, Option<Method>),
}

const ROUTE_EXTS: [&str; 8] = ["ts", "js", "mjs", "cjs", "tsx", "jsx", "mts", "cts"];

/// A file-name segment as a URL segment: `[id]` → parameter, `[...slug]` → rest.
fn bracket_seg(seg: &str) -> Option<PatSeg> {
    if let Some(inner) = seg.strip_prefix("[[...").and_then(|s| s.strip_suffix("]]")) {
        return Some(PatSeg::Rest(inner.to_owned()));
    }
    if let Some(inner) = seg.strip_prefix("[...").and_then(|s| s.strip_suffix(']')) {
        return Some(PatSeg::Rest(if inner.is_empty() {
            "_".to_owned()
        } else {
            inner.to_owned()
        }));
    }
    if let Some(inner) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return Some(PatSeg::Param(inner.to_owned()));
    }
    if seg.contains('[') {
        return Some(PatSeg::Glob(
            seg.split('[')
                .map(|p| p.split_once(']').map_or(p, |(_, after)| after))
                .collect::<Vec<_>>()
                .join("*"),
        ));
    }
    None
}

fn file_route(path: &str) -> Option<FileRoute> {
    let (stem, ext) = path.rsplit_once('.')?;
    if !ROUTE_EXTS.contains(&ext) || stem.ends_with(".d") {
        return None;
    }
    let parts: Vec<&str> = stem.split('/').collect();
    // Nuxt/Nitro.
    if let Some(at) = parts
        .windows(2)
        .position(|w| w[0] == "server" && (w[1] == "api" || w[1] == "routes"))
    {
        let mut segs = Vec::new();
        if parts[at + 1] == "api" {
            segs.push(PatSeg::Lit("api".to_owned()));
        }
        let rest = &parts[at + 2..];
        let mut method = None;
        for (n, p) in rest.iter().enumerate() {
            let mut p = *p;
            if n + 1 == rest.len() {
                for m in ["get", "post", "put", "patch", "delete", "head", "options"] {
                    if let Some(s) = p.strip_suffix(&format!(".{m}")) {
                        method = Method::parse(&m.to_ascii_uppercase());
                        p = s;
                    }
                }
                if p == "index" {
                    break;
                }
            }
            segs.push(bracket_seg(p).unwrap_or_else(|| PatSeg::Lit(p.to_owned())));
        }
        return Some(FileRoute::Nuxt(segs, method));
    }
    // Next.js pages router API routes.
    if let Some(at) = parts
        .windows(2)
        .position(|w| w[0] == "pages" && w[1] == "api")
    {
        let mut segs = vec![PatSeg::Lit("api".to_owned())];
        let rest = &parts[at + 2..];
        for (n, p) in rest.iter().enumerate() {
            if n + 1 == rest.len() && *p == "index" {
                break;
            }
            if p.starts_with('_') {
                return None;
            }
            segs.push(bracket_seg(p).unwrap_or_else(|| PatSeg::Lit((*p).to_owned())));
        }
        return Some(FileRoute::NextPages(segs));
    }
    // Next.js app router route handlers.
    if parts.last() == Some(&"route")
        && let Some(at) = parts.iter().position(|p| *p == "app")
    {
        let mut segs = Vec::new();
        for p in &parts[at + 1..parts.len() - 1] {
            if p.starts_with('(') && p.ends_with(')') || p.starts_with('@') {
                continue;
            }
            if p.starts_with('_') {
                return None;
            }
            segs.push(bracket_seg(p).unwrap_or_else(|| PatSeg::Lit((*p).to_owned())));
        }
        return Some(FileRoute::NextApp(segs));
    }
    None
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The directory of a file (`""` at the root).
fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn file_routes(inputs: &[Input<'_>], modules: &[Module], out: &mut [Facts]) {
    // `basePath` in a `next.config.*` applies to the routes of its project.
    let mut base_paths: Vec<(&str, Vec<PatSeg>)> = inputs
        .iter()
        .zip(modules)
        .filter(|(i, _)| file_name(i.path).starts_with("next.config."))
        .filter_map(|(i, m)| {
            let segs = m
                .base_path
                .as_deref()?
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| PatSeg::Lit(s.to_owned()))
                .collect();
            Some((dir_of(i.path), segs))
        })
        .collect();
    base_paths.sort_by_key(|b| std::cmp::Reverse(b.0.len()));
    for (i, input) in inputs.iter().enumerate() {
        let Some(route) = file_route(input.path) else {
            continue;
        };
        let route = match route {
            FileRoute::NextApp(segs) | FileRoute::NextPages(segs) if !base_paths.is_empty() => {
                let base = base_paths.iter().find(|(dir, _)| {
                    dir.is_empty()
                        || input
                            .path
                            .strip_prefix(dir)
                            .is_some_and(|r| r.starts_with('/'))
                });
                let mut all = base.map_or(Vec::new(), |b| b.1.clone());
                let app = matches!(file_route(input.path), Some(FileRoute::NextApp(_)));
                all.extend(segs);
                if app {
                    FileRoute::NextApp(all)
                } else {
                    FileRoute::NextPages(all)
                }
            }
            other => other,
        };
        let m = &modules[i];
        let mut emit = |segs: &[PatSeg], method: Method, at: Pos, fw: Framework| {
            let span = input.span(at.0 as usize, at.1 as usize);
            out[i].endpoints.push(EndpointFact {
                owner: Owner::File,
                method,
                pattern: Pattern {
                    segs: segs.to_vec(),
                    lenient_slash: true,
                    ..Pattern::default()
                },
                span,
                method_span: span,
                operation_id: None,
                dialect: Dialect::Framework(fw),
            });
        };
        match route {
            FileRoute::NextApp(segs) => {
                let handlers: Vec<(Method, Pos)> = m
                    .exported
                    .iter()
                    .filter(|(name, _)| name.chars().all(|c| c.is_ascii_uppercase()))
                    .filter_map(|(name, at)| Some((Method::parse(name)?, *at)))
                    .collect();
                for (method, at) in &handlers {
                    emit(&segs, *method, *at, Framework::NextJs);
                }
                // Next.js answers HEAD with the GET handler, and OPTIONS by itself (with the
                // `Allow` header), when the file does not export them.
                let has = |x: Method| handlers.iter().any(|(m, _)| *m == x);
                if let Some((_, at)) = handlers.iter().find(|(m, _)| *m == Method::Get)
                    && !has(Method::Head)
                {
                    emit(&segs, Method::Head, *at, Framework::NextJs);
                }
                if let Some((_, at)) = handlers.first()
                    && !has(Method::Options)
                {
                    emit(&segs, Method::Options, *at, Framework::NextJs);
                }
            }
            FileRoute::NextPages(segs) => {
                if let Some(at) = m.default_export {
                    for method in Method::ANY_HANDLED {
                        emit(&segs, method, at, Framework::NextJs);
                    }
                }
            }
            FileRoute::Nuxt(segs, method) => {
                if let Some(at) = m.default_export.filter(|_| m.event_handler) {
                    match method {
                        Some(x) => emit(&segs, x, at, Framework::Nuxt),
                        None => {
                            for x in Method::ANY_HANDLED {
                                emit(&segs, x, at, Framework::Nuxt);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Drops routes and endpoints listed twice (a router mounted twice under the same prefix).
fn dedup(facts: &mut Facts) {
    let mut routes = HashSet::new();
    facts
        .routes
        .retain(|r| routes.insert((r.span.start, r.span.end, r.matcher.literal_prefix())));
    let mut seen = HashSet::new();
    facts
        .endpoints
        .retain(|e| seen.insert((e.method, e.pattern.to_string(), e.span.start, e.span.end)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_file::FileId;

    /// Every endpoint of a file set: `file: METHOD /pattern [framework] (span text)`.
    fn run(files: &[(&str, &str)]) -> Vec<String> {
        let inputs = crate::sources::testing::test_inputs(files);
        let facts = extract_set(&inputs);
        assert_eq!(facts.len(), inputs.len());
        let mut out = Vec::new();
        for (f, input) in facts.iter().zip(&inputs) {
            assert!(f.problems.is_empty(), "{:?}", f.problems);
            for e in &f.endpoints {
                let method_text =
                    &input.text[e.method_span.start as usize..e.method_span.end as usize];
                // The HEAD a GET route also answers is asserted once, not in every table.
                if e.method == Method::Head && method_text.to_ascii_lowercase().contains("get") {
                    continue;
                }
                let Dialect::Framework(fw) = e.dialect else {
                    panic!("not a framework dialect");
                };
                let slash = if e.pattern.lenient_slash {
                    ""
                } else {
                    " strict"
                };
                out.push(format!(
                    "{}: {} {} [{}{}] {}",
                    input.path,
                    e.method.as_str(),
                    e.pattern,
                    fw.miss().label,
                    slash,
                    &input.text[e.span.start as usize..e.span.end as usize],
                ));
            }
            for (span, why) in &f.unresolved_endpoints {
                out.push(format!(
                    "{}: unresolved {} ({why})",
                    input.path,
                    &input.text[span.start as usize..span.end as usize]
                ));
            }
        }
        out
    }

    #[test]
    fn express_routers_mounted_across_files_add_their_prefixes() {
        let app = r#"
const express = require('express');
const users = require('./routes/users');
import posts from './routes/posts.js';
const { admin } = require('./routes/admin');
const app = express();
const API = '/api';
app.use(express.json());
app.use(API, users);
app.use(`${API}/posts`, auth, posts);
app.use('/admin', admin);
app.get('/health', (req, res) => res.send('ok'));
app.listen(3000);
"#;
        let users = r#"
const express = require('express');
const router = express.Router();
router.get('/users', list);
router.get('/users/:id?', show);
router.route('/users/:id/avatar').get(a).put(b);
router.all('/ping', pong);
router.get(/^\/legacy/, legacy);
router.delete('/files{/:name}', rm);
module.exports = router;
"#;
        let posts = r#"
import { Router } from 'express';
import comments from './comments';
const router = Router({ strict: true });
router.post('/', create);
router.use('/:postId/comments', comments);
export default router;
"#;
        let comments = r#"
import express from 'express';
const r = express.Router({ mergeParams: true });
r.delete('/:id', remove);
export default r;
"#;
        let admin = r#"
const express = require('express');
const router = express.Router();
router.get('/stats', stats).get('/files/*', rest);
exports.admin = router;
"#;
        let heads = extract_set(&[crate::sources::testing::test_input(
            "app.js",
            "const app = require('express')();\napp.get('/a', h);\n",
        )]);
        assert!(heads[0].endpoints.iter().all(|e| e.pattern.lenient_slash));
        let strict = extract_set(&[crate::sources::testing::test_input(
            "app.js",
            "const app = require('express')();\napp.set('strict routing', true);\napp.get('/a', h);\n",
        )]);
        assert!(strict[0].endpoints.iter().all(|e| !e.pattern.lenient_slash));
        let methods: Vec<Method> = heads[0].endpoints.iter().map(|e| e.method).collect();
        assert_eq!(methods, [Method::Get, Method::Head]);
        let got = run(&[
            ("server/app.js", app),
            ("server/routes/users.js", users),
            ("server/routes/posts.ts", posts),
            ("server/routes/comments.ts", comments),
            ("server/routes/admin.js", admin),
        ]);
        assert_eq!(
            got,
            [
                "server/app.js: GET /health [Express] '/health'",
                "server/routes/users.js: GET /api/users [Express] '/users'",
                "server/routes/users.js: GET /api/users/{id} [Express] '/users/:id?'",
                "server/routes/users.js: GET /api/users [Express] '/users/:id?'",
                "server/routes/users.js: GET /api/users/{id}/avatar [Express] '/users/:id/avatar'",
                "server/routes/users.js: PUT /api/users/{id}/avatar [Express] '/users/:id/avatar'",
                "server/routes/users.js: GET /api/ping [Express] '/ping'",
                "server/routes/users.js: HEAD /api/ping [Express] '/ping'",
                "server/routes/users.js: POST /api/ping [Express] '/ping'",
                "server/routes/users.js: PUT /api/ping [Express] '/ping'",
                "server/routes/users.js: PATCH /api/ping [Express] '/ping'",
                "server/routes/users.js: DELETE /api/ping [Express] '/ping'",
                "server/routes/users.js: OPTIONS /api/ping [Express] '/ping'",
                "server/routes/users.js: DELETE /api/files/{name} [Express] '/files{/:name}'",
                "server/routes/users.js: DELETE /api/files [Express] '/files{/:name}'",
                "server/routes/users.js: unresolved /^\\/legacy/ (the path is a regular expression (`/^\\/legacy/`))",
                "server/routes/posts.ts: POST /api/posts [Express strict] '/'",
                "server/routes/comments.ts: DELETE /api/posts/{postId}/comments/{id} [Express] '/:id'",
                "server/routes/admin.js: GET /admin/stats [Express] '/stats'",
                "server/routes/admin.js: GET /admin/files/{...} [Express] '/files/*'",
            ]
        );
    }

    #[test]
    fn koa_router_prefixes_nest_and_allowed_methods_decide_the_miss() {
        let app = r#"
const Koa = require('koa');
const Router = require('@koa/router');
const users = require('./users');
const app = new Koa();
const api = new Router({ prefix: '/api' });
api.use('/v1', users.routes(), users.allowedMethods());
api.get('status', '/status', status);
app.use(api.routes()).use(api.allowedMethods());
const other = new Router();
other.get('/plain', plain);
app.use(other.routes());
"#;
        let users = r#"
const Router = require('koa-router');
const router = new Router({ prefix: '/users' });
router.get('/', list).post('/', create);
router.del('/:id', remove);
module.exports = router;
"#;
        assert_eq!(
            run(&[("app.js", app), ("users.js", users)]),
            [
                "app.js: GET /api/status [koa-router] '/status'",
                "app.js: GET /plain [koa-router] '/plain'",
                "users.js: GET /api/v1/users [koa-router] '/'",
                "users.js: POST /api/v1/users [koa-router] '/'",
                "users.js: DELETE /api/v1/users/{id} [koa-router] '/:id'",
            ]
        );
        let inputs = [
            crate::sources::testing::test_input("app.js", app),
            Input {
                file: FileId(1),
                path: "users.js",
                text: users,
            },
        ];
        let facts = extract_set(&inputs);
        let allowed = |f: &Facts| {
            f.endpoints
                .iter()
                .map(|e| {
                    e.dialect
                        == Dialect::Framework(Framework::Koa {
                            allowed_methods: true,
                        })
                })
                .collect::<Vec<_>>()
        };
        // GET routes answer HEAD too.
        assert_eq!(allowed(&facts[0]), [true, true, false, false]);
        assert_eq!(allowed(&facts[1]), [true, true, true, true]);
    }

    #[test]
    fn fastify_plugins_registered_with_prefixes_across_files() {
        let server = r#"
import Fastify from 'fastify';
import userRoutes from './routes/users.js';
const fastify = Fastify({ logger: true });
fastify.register(userRoutes, { prefix: '/v1' });
fastify.register(require('./routes/items'), { prefix: '/v1/items' });
fastify.register(async (instance) => {
  instance.get('/inline', h);
}, { prefix: '/x' });
fastify.route({ method: ['GET', 'POST'], url: '/multi', handler: h });
fastify.get('/', root);
"#;
        let users = r#"
export default async function routes(fastify, opts) {
  fastify.get('/users', list);
  fastify.register(nested, { prefix: '/users/:id' });
}
async function nested(app) {
  app.patch('/', patch);
}
"#;
        let items = r#"
async function items(fastify) {
  fastify.delete('/:id', remove);
}
module.exports = items;
"#;
        assert_eq!(
            run(&[
                ("src/server.ts", server),
                ("src/routes/users.ts", users),
                ("src/routes/items.js", items),
            ]),
            [
                "src/server.ts: GET /x/inline [Fastify strict] '/inline'",
                "src/server.ts: GET /multi [Fastify strict] '/multi'",
                "src/server.ts: POST /multi [Fastify strict] '/multi'",
                "src/server.ts: GET / [Fastify strict] '/'",
                "src/routes/users.ts: GET /v1/users [Fastify strict] '/users'",
                "src/routes/users.ts: PATCH /v1/users/{id} [Fastify strict] '/'",
                "src/routes/items.js: DELETE /v1/items/{id} [Fastify strict] '/:id'",
            ]
        );
    }

    #[test]
    fn nest_controllers_take_the_global_prefix_and_uri_versions() {
        let main = r#"
import { NestFactory } from '@nestjs/core';
import { VersioningType } from '@nestjs/common';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI });
  await app.listen(3000);
}
bootstrap();
"#;
        let cats = r#"
import { Controller, Get, Post, Delete, Param, Version } from '@nestjs/common';
@Controller({ path: 'cats', version: '1' })
export class CatsController {
  @Get()
  findAll() {}
  @Get(':id')
  findOne(@Param('id') id: string) {}
  @Version('2')
  @Post()
  create() {}
}
@Controller('dogs')
export class DogsController {
  @Delete(':id')
  remove() {}
}
"#;
        let other = r#"
import { Controller, Get } from '@nestjs/common';
@Controller('health')
export class HealthController {
  @Get()
  check() {}
}
"#;
        assert_eq!(
            run(&[
                ("backend/src/main.ts", main),
                ("backend/src/cats/cats.controller.ts", cats),
                ("other/health.controller.ts", other),
            ]),
            [
                "backend/src/cats/cats.controller.ts: GET /api/v1/cats [NestJS] @Get()",
                "backend/src/cats/cats.controller.ts: GET /api/v1/cats/{id} [NestJS] ':id'",
                "backend/src/cats/cats.controller.ts: POST /api/v2/cats [NestJS] @Post()",
                "backend/src/cats/cats.controller.ts: DELETE /api/dogs/{id} [NestJS] ':id'",
                "other/health.controller.ts: GET /health [NestJS] @Get()",
            ]
        );
    }

    #[test]
    fn nest_default_version_applies_unless_a_route_or_controller_names_one() {
        let main = r#"
import { NestFactory } from '@nestjs/core';
import { VersioningType } from '@nestjs/common';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableVersioning({ defaultVersion: '1', type: VersioningType.URI });
  app.setGlobalPrefix('api');
  await app.listen(3333);
}
"#;
        let auth = r#"
import { Controller, Get, Post, Version, VERSION_NEUTRAL } from '@nestjs/common';
@Controller('auth')
export class AuthController {
  @Get('anonymous')
  anonymous() {}
  @Version(VERSION_NEUTRAL)
  @Get('google/callback')
  callback() {}
  @Version(['2', VERSION_NEUTRAL])
  @Post('login')
  login() {}
  @Version(apiVersion)
  @Get('other')
  other() {}
}
@Controller({ path: 'cats', version: '3' })
export class CatsController {
  @Get()
  all() {}
}
"#;
        assert_eq!(
            run(&[
                ("apps/api/src/main.ts", main),
                ("apps/api/src/app/auth/auth.controller.ts", auth),
            ]),
            [
                "apps/api/src/app/auth/auth.controller.ts: GET /api/v1/auth/anonymous [NestJS] 'anonymous'",
                "apps/api/src/app/auth/auth.controller.ts: GET /api/auth/google/callback [NestJS] 'google/callback'",
                "apps/api/src/app/auth/auth.controller.ts: POST /api/v2/auth/login [NestJS] 'login'",
                "apps/api/src/app/auth/auth.controller.ts: POST /api/auth/login [NestJS] 'login'",
                "apps/api/src/app/auth/auth.controller.ts: GET /api/v3/cats [NestJS] @Get()",
                "apps/api/src/app/auth/auth.controller.ts: unresolved 'other' (the API version `apiVersion` is not a constant in this file)",
            ]
        );
    }

    #[test]
    fn file_based_routes_come_from_paths_and_exports() {
        let route = "export async function GET() {}\nexport const POST = async () => {};\nexport const revalidate = 60;\n";
        let handler = "export default function handler(req, res) { res.json({}) }\n";
        let nitro = "export default defineEventHandler(() => ({}))\n";
        let got = run(&[
            ("web/app/api/posts/route.ts", route),
            (
                "web/src/app/(shop)/[...slug]/route.js",
                "export { h as DELETE };\n",
            ),
            ("web/app/_lib/route.ts", route),
            (
                "web/app/api/auth/[...nextauth]/route.ts",
                "export { GET } from '@/auth';\nexport const { PUT } = handlers;\n",
            ),
            ("web/app/page.tsx", "export default function Page() {}\n"),
            ("pages/api/users/[id].ts", handler),
            ("pages/api/index.js", handler),
            ("server/api/todos/[id].patch.ts", nitro),
            ("server/routes/index.ts", nitro),
            ("server/api/files/[...path].ts", nitro),
        ]);
        let got: Vec<&String> = got
            .iter()
            .filter(|l| !l.contains(" HEAD ") && !l.contains(" OPTIONS ") && !l.contains(" PUT "))
            .collect();
        assert_eq!(
            got,
            [
                "web/app/api/posts/route.ts: GET /api/posts [Next.js] GET",
                "web/app/api/posts/route.ts: POST /api/posts [Next.js] POST",
                "web/src/app/(shop)/[...slug]/route.js: DELETE /{slug...} [Next.js] DELETE",
                "web/app/api/auth/[...nextauth]/route.ts: GET /api/auth/{nextauth...} [Next.js] GET",
                "pages/api/users/[id].ts: GET /api/users/{id} [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/users/[id].ts: POST /api/users/{id} [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/users/[id].ts: PATCH /api/users/{id} [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/users/[id].ts: DELETE /api/users/{id} [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/index.js: GET /api [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/index.js: POST /api [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/index.js: PATCH /api [Next.js] export default function handler(req, res) { res.json({}) }",
                "pages/api/index.js: DELETE /api [Next.js] export default function handler(req, res) { res.json({}) }",
                "server/api/todos/[id].patch.ts: PATCH /api/todos/{id} [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/routes/index.ts: GET / [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/routes/index.ts: POST / [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/routes/index.ts: PATCH / [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/routes/index.ts: DELETE / [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/api/files/[...path].ts: GET /api/files/{path...} [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/api/files/[...path].ts: POST /api/files/{path...} [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/api/files/[...path].ts: PATCH /api/files/{path...} [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
                "server/api/files/[...path].ts: DELETE /api/files/{path...} [Nuxt/Nitro] export default defineEventHandler(() => ({}))",
            ]
        );
    }

    #[test]
    fn cycles_unreadable_paths_and_bad_input_never_loop_or_panic() {
        let a = "const express = require('express');\nconst b = require('./b');\nconst r = express.Router();\nr.use('/b', b);\nr.get('/a', h);\nmodule.exports = r;\n";
        let b = "const express = require('express');\nconst a = require('./a');\nconst r = express.Router();\nr.use('/a', a);\nr.get(prefix + '/x', h);\nmodule.exports = r;\n";
        // Both routers are mounted by the other: neither is a root, nothing is listed.
        assert!(run(&[("a.js", a), ("b.js", b)]).is_empty());
        let app = "const express = require('express');\nconst app = express();\napp.use('/a', require('./a'));\n";
        assert_eq!(
            run(&[("app.js", app), ("a.js", a), ("b.js", b)]),
            [
                "a.js: GET /a/a [Express] '/a'",
                "b.js: unresolved prefix + '/x' (the path `prefix + '/x'` is not a constant in this file)",
            ]
        );
        for text in [
            "app.get(",
            "express(",
            "@Controller(",
            "router.route(",
            "))))((((",
            "\u{0}",
        ] {
            let _ = run(&[("x.ts", text)]);
        }
        let deep = format!(
            "const express = require('express');\n{}1{}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let _ = run(&[("deep.js", &deep)]);
    }

    #[test]
    fn sniff_keeps_route_files_and_skips_others() {
        assert!(sniff("src/app.js", "const express = require('express')"));
        assert!(sniff("app/api/x/route.ts", "export const GET = 1"));
        assert!(sniff(
            "routes.js",
            "module.exports = (app) => { app.get('/x', h) }"
        ));
        assert!(!sniff("src/util.ts", "export const x = 1"));
        assert!(!sniff("app/page.tsx", "export default function Page() {}"));
    }

    #[test]
    fn express_proxies_forward_and_say_when_the_version_decides_the_path() {
        let app = r#"
const express = require('express');
const { createProxyMiddleware } = require('http-proxy-middleware');
const app = express();
const legacy = createProxyMiddleware({
  target: 'http://legacy-api:8080/v1',
  changeOrigin: true,
  pathRewrite: { '^/legacy': '' },
});
app.use('/legacy', legacy);
app.use('/search', createProxyMiddleware({ target: 'http://search:9200' }));
app.use(createProxyMiddleware('/img', { target: 'https://cdn.example.com/static' }));
app.use(createProxyMiddleware({ pathFilter: '/ws', target: process.env.WS_URL }));
"#;
        let inputs = [crate::sources::testing::test_input("gateway/app.js", app)];
        let facts = extract_set(&inputs);
        let got: Vec<String> = facts[0]
            .routes
            .iter()
            .map(|r| {
                let target = match &r.target {
                    crate::sources::facts::Target::Forward { host, port, .. } => {
                        format!("{host}:{port:?}")
                    }
                    crate::sources::facts::Target::Opaque { why } => format!("opaque ({why})"),
                    other => format!("{other:?}"),
                };
                let rewrite = r.rewrite.as_ref().map_or("-".to_owned(), |w| w.to_string());
                format!(
                    "{} {:?} | {rewrite} | {target} | {}",
                    r.order,
                    r.matcher.literal_prefix(),
                    &app[r.span.start as usize..r.span.end as usize]
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "0 Some(\"/legacy\") | replace prefix /legacy with /v1 | legacy-api:Some(8080) | '/legacy'",
                "1 Some(\"/search\") | unknown rewrite (http-proxy-middleware mounted at /search: v2 forwards the whole path, v3 only what follows /search) | search:Some(9200) | '/search'",
                "2 Some(\"/img\") | prefix with /static | cdn.example.com:None | createProxyMiddleware('/img', { target: 'https://cdn.example.com/static' })",
                "3 Some(\"/ws\") | - | opaque (the proxy target `process.env.WS_URL` is not a constant in this file) | createProxyMiddleware({ pathFilter: '/ws', target: process.env.WS_URL })",
            ]
        );
    }

    #[test]
    fn next_base_path_and_nest_prefix_exclusions_apply_to_their_project() {
        let config = "/** @type {import('next').NextConfig} */\nconst nextConfig = { basePath: '/docs', reactStrictMode: true };\nmodule.exports = nextConfig;\n";
        let route = "export function POST() {}\n";
        let main = "async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix('api', { exclude: ['health', { path: 'metrics', method: RequestMethod.GET }] });\n}\n";
        let ctrl = "@Controller()\nexport class AppController {\n  @Get('health') h() {}\n  @Get('metrics') m() {}\n  @Post('jobs') j() {}\n}\n";
        let got = run(&[
            ("docs-site/next.config.js", config),
            ("docs-site/app/api/feedback/route.ts", route),
            ("other-site/app/api/feedback/route.ts", route),
            ("svc/src/main.ts", main),
            ("svc/src/app.controller.ts", ctrl),
        ]);
        assert_eq!(
            got,
            [
                "docs-site/app/api/feedback/route.ts: POST /docs/api/feedback [Next.js] POST",
                "docs-site/app/api/feedback/route.ts: OPTIONS /docs/api/feedback [Next.js] POST",
                "other-site/app/api/feedback/route.ts: POST /api/feedback [Next.js] POST",
                "other-site/app/api/feedback/route.ts: OPTIONS /api/feedback [Next.js] POST",
                "svc/src/app.controller.ts: GET /health [NestJS] 'health'",
                "svc/src/app.controller.ts: GET /metrics [NestJS] 'metrics'",
                "svc/src/app.controller.ts: POST /api/jobs [NestJS] 'jobs'",
            ]
        );
    }

    #[test]
    fn mount_paths_in_arrays_and_unknown_mount_paths() {
        let app = r#"
const express = require('express');
const config = require('./config');
const users = require('./users');
const admin = require('./admin');
const app = express();
const sub = express();
sub.get('/sub', h);
app.use('/mounted', sub);
app.use(['/v1', '/v2'], [auth, users]);
app.use(config.adminPrefix, admin);
function auth(req, res, next) { next(); }
"#;
        let users =
            "const r = require('express').Router();\nr.get('/users', h);\nmodule.exports = r;\n";
        let admin =
            "const r = require('express').Router();\nr.get('/stats', h);\nmodule.exports = r;\n";
        assert_eq!(
            run(&[("app.js", app), ("users.js", users), ("admin.js", admin)]),
            [
                "app.js: GET /mounted/sub [Express] '/sub'",
                "users.js: GET /v1/users [Express] '/users'",
                "users.js: GET /v2/users [Express] '/users'",
            ]
        );
    }

    /// JS-shaped soup, spread over files that import each other.
    fn route_soup() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let tokens = prop::sample::select(vec![
            "const express = require('express');\n",
            "const app = express();\n",
            "const r = express.Router({ strict: true });\n",
            "const k = new Router({ prefix: '/k' });\n",
            "const f = require('fastify')();\n",
            "const o = require('./b');\n",
            "import x from './a.js';\n",
            "module.exports = r;\n",
            "export default x;\n",
            "app.use('/api', o);\n",
            "r.use('/r', x, [o, r]);\n",
            "f.register(o, { prefix: '/p' });\n",
            "app.get('/a/:id?/*', h);\n",
            "r.route('/x').get(h).post(h);\n",
            "app.use('/p', createProxyMiddleware({ target: 'http://s:1/x', pathRewrite: { '^/p': '' } }));\n",
            "@Controller({ path: 'c', version: '1' })\nclass C {\n",
            "@Get(':id') m() {}\n",
            "app.setGlobalPrefix('api', { exclude: ['h'] });\n",
            "function p(i) { i.get('/z', h); }\n",
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            "'",
            "`",
            ";",
            "\n",
            "/",
            "é",
            "\u{0}",
        ]);
        prop::collection::vec(tokens, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        #[test]
        fn any_file_set_is_read_without_a_panic(a in route_soup(), b in route_soup()) {
            let inputs = [
                crate::sources::testing::test_input("a.js", &a),
                Input { file: FileId(1), path: "app/api/[id]/route.ts", text: &b },
                Input { file: FileId(2), path: "b.ts", text: &b },
            ];
            let facts = extract_set(&inputs);
            proptest::prop_assert_eq!(facts.len(), 3);
            for (f, i) in facts.iter().zip(&inputs) {
                let len = i.text.len() as u32;
                let ok = |s: crate::source_file::Span| s.start <= s.end && s.end <= len;
                proptest::prop_assert!(f.endpoints.iter().all(|e| ok(e.span) && ok(e.method_span)));
                proptest::prop_assert!(f.routes.iter().all(|r| ok(r.span) && ok(r.rule_span)));
                proptest::prop_assert!(f.unresolved_endpoints.iter().all(|(s, _)| ok(*s)));
            }
        }
    }

    #[test]
    fn registrations_on_an_imported_app_belong_to_the_file_that_writes_them() {
        let app = "import express from 'express';\nexport const app = express();\napp.use('/v1', (await import('./x.js')).default);\nexport default app;\n";
        let routes = "import app from './app';\nimport { app as named } from './app.js';\napp.get('/ping', h);\nnamed.post('/items', h);\n";
        assert_eq!(
            run(&[("src/app.ts", app), ("src/routes.ts", routes)]),
            [
                "src/routes.ts: GET /ping [Express] '/ping'",
                "src/routes.ts: POST /items [Express] '/items'",
            ]
        );
    }
}
