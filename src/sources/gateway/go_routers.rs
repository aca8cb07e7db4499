//! Go routers beyond `net/http.ServeMux`: gorilla/mux, chi, gin and echo registrations of one
//! package, read across its files (a `registerRoutes(r *mux.Router)` helper in another file
//! registers under the subrouter its caller passes).
//!
//! Must not guess: a router value, path or handler it cannot follow gives no fact or an opaque
//! target, never a route the code does not show. Ordinary handlers become endpoints of the
//! service (with the framework's miss behaviour); reverse proxies and muxes become routes.
//!
//! How it works: a small evaluator over the package's indexed files ([`Ctx`]) follows router
//! values (`mux.NewRouter()`, `r.PathPrefix("/api").Subrouter()`, `r.Group("/api")`, the
//! parameter of a chi `Route` closure or of a helper function at each of its call sites) to
//! the root they were created from and the prefix they add; a chi `Mount` of a router puts
//! the mounted root under the mount path. Every lookup has a depth limit and a step budget.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use tree_sitter::Node;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PatSeg, PathMatch, Pattern};
use crate::sources::go::index::Ctx;
use crate::sources::go::tree::{Loc, named_args, named_children};
use crate::sources::go::value::{Env, Val};
use crate::sources::{
    facts::Dialect, facts::EndpointFact, facts::Facts, facts::Framework, facts::Owner,
    facts::RouteFact, facts::Target,
};

/// Deepest chain of router values followed for one question.
const MAX_DEPTH: u32 = 16;
/// Router evaluations allowed for the whole package.
const PACKAGE_FUEL: u32 = 200_000;
/// Router values one expression may stand for (a helper called with several subrouters).
const MAX_VALUES: usize = 32;

/// Whether a Go file imports a router library this module reads.
pub fn sniff(text: &str) -> bool {
    [
        "gorilla/mux",
        "go-chi/chi",
        "gin-gonic/gin",
        "labstack/echo",
    ]
    .iter()
    .any(|lib| text.contains(lib))
}

/// Which router library a value belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Gorilla,
    Chi,
    Gin,
    Echo,
}

impl Kind {
    /// The library a constructor call (`mux.NewRouter`, `chi.NewRouter`, `gin.Default`,
    /// `echo.New`) creates a router of.
    fn of_constructor(pkg: &str, name: &str) -> Option<Kind> {
        match (pkg, name) {
            ("github.com/gorilla/mux", "NewRouter") => Some(Kind::Gorilla),
            (p, "NewRouter" | "NewMux") if p.starts_with("github.com/go-chi/chi") => {
                Some(Kind::Chi)
            }
            ("github.com/gin-gonic/gin", "New" | "Default") => Some(Kind::Gin),
            (p, "New") if p.starts_with("github.com/labstack/echo") => Some(Kind::Echo),
            _ => None,
        }
    }

    /// The routing table the routes of this library are placed in.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Gorilla => "gorilla/mux",
            Kind::Chi => "chi",
            Kind::Gin => "gin",
            Kind::Echo => "echo",
        }
    }
}

/// A router (or a gorilla route being built): the root it was created from and what it adds.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Router {
    kind: Kind,
    /// File index and byte offset of the constructor call.
    root: (usize, usize),
    /// Path prefix the value adds below its root (`/api` for `r.PathPrefix("/api")`).
    prefix: String,
    /// The last path matcher was a gorilla `PathPrefix` (the route matches everything below).
    subtree: bool,
    /// gorilla `.Methods(...)` on the route or subrouter.
    methods: Option<Vec<Method>>,
    /// gorilla `.Host`, `.Queries`, `.Headers`, `.Schemes`, `.MatcherFunc`.
    conditional: bool,
}

/// The package being read.
struct Pkg<'a, 't> {
    ctxs: &'a [Ctx<'t>],
    fuel: Cell<u32>,
    /// Full prefixes each root is served under (its `Mount` points), memoised.
    mounts: RefCell<HashMap<(usize, usize), Vec<String>>>,
}

/// Reads the framework routers of one package's files into `out` (one `Facts` per context).
pub(crate) fn extract(ctxs: &[Ctx<'_>], out: &mut [Facts]) {
    let pkg = Pkg {
        ctxs,
        fuel: Cell::new(PACKAGE_FUEL),
        mounts: RefCell::new(HashMap::new()),
    };
    let gin_405 = ctxs.iter().any(|c| {
        c.field_assigns.iter().any(|(k, list)| {
            k.ends_with(".HandleMethodNotAllowed")
                && list
                    .iter()
                    .any(|a| a.rhs.is_some_and(|r| c.text(r) == "true"))
        })
    });
    let strict: Vec<(usize, usize)> = pkg.strict_slash_roots();
    for (fi, ctx) in ctxs.iter().enumerate() {
        let Some(facts) = out.get_mut(fi) else {
            continue;
        };
        let mut order: u32 = 0;
        for call in &ctx.calls {
            pkg.registration(fi, *call, gin_405, &strict, facts, &mut order);
        }
    }
}

impl<'t> Pkg<'_, 't> {
    fn burn(&self) -> bool {
        let f = self.fuel.get();
        if f == 0 {
            return false;
        }
        self.fuel.set(f - 1);
        true
    }

    /// A string constant argument.
    fn string(&self, fi: usize, n: Node<'t>) -> Option<(String, Loc)> {
        let ctx = self.ctxs.get(fi)?;
        ctx.refuel();
        match ctx.eval(n, &Env::default(), 0) {
            Val::Str(s, loc) => Some((s, loc)),
            _ => None,
        }
    }

    /// A method argument: a string constant or `http.MethodGet`.
    fn method(&self, fi: usize, n: Node<'t>) -> Option<Method> {
        if let Some((s, _)) = self.string(fi, n) {
            return Method::parse(&s);
        }
        let ctx = self.ctxs.get(fi)?;
        match ctx.qualified(n) {
            Some(("net/http", name)) => Method::parse(name.strip_prefix("Method")?),
            _ => None,
        }
    }

    /// The router values an expression of file `fi` stands for.
    fn routers(&self, fi: usize, n: Node<'t>, depth: u32) -> Vec<Router> {
        if depth > MAX_DEPTH || !self.burn() {
            return Vec::new();
        }
        let d = depth + 1;
        let mut out = match n.kind() {
            "parenthesized_expression" => n
                .named_child(0)
                .map(|i| self.routers(fi, i, d))
                .unwrap_or_default(),
            "unary_expression" => n
                .child_by_field_name("operand")
                .map(|i| self.routers(fi, i, d))
                .unwrap_or_default(),
            "identifier" => self.resolve(fi, n, d),
            "selector_expression" => self.field(fi, n, d),
            "call_expression" => self.call(fi, n, d),
            _ => Vec::new(),
        };
        out.truncate(MAX_VALUES);
        out
    }

    /// A struct field (`s.router`) assigned anywhere in the package.
    fn field(&self, fi: usize, n: Node<'t>, d: u32) -> Vec<Router> {
        let Some(ctx) = self.ctxs.get(fi) else {
            return Vec::new();
        };
        let key: String = ctx.text(n).split_whitespace().collect();
        let mut out = Vec::new();
        for (fj, c) in self.ctxs.iter().enumerate() {
            for (k, list) in &c.field_assigns {
                let k: String = k.split_whitespace().collect();
                if k != key {
                    continue;
                }
                for a in list {
                    if let Some(rhs) = a.rhs {
                        push_all(&mut out, self.routers(fj, rhs, d));
                    }
                }
            }
        }
        out
    }

    fn call(&self, fi: usize, n: Node<'t>, d: u32) -> Vec<Router> {
        let Some(ctx) = self.ctxs.get(fi) else {
            return Vec::new();
        };
        let Some(callee) = n.child_by_field_name("function") else {
            return Vec::new();
        };
        if let Some((pkg, name)) = ctx.qualified(callee) {
            return Kind::of_constructor(pkg, name)
                .map(|kind| {
                    vec![Router {
                        kind,
                        root: (fi, n.start_byte()),
                        prefix: String::new(),
                        subtree: false,
                        methods: None,
                        conditional: false,
                    }]
                })
                .unwrap_or_default();
        }
        match callee.kind() {
            "selector_expression" => {
                let (Some(operand), Some(field)) = (
                    callee.child_by_field_name("operand"),
                    callee.child_by_field_name("field"),
                ) else {
                    return Vec::new();
                };
                let field = ctx.text(field);
                let args = named_args(n);
                let mut out = Vec::new();
                for r in self.routers(fi, operand, d) {
                    if let Some(r) = self.apply(fi, r, field, &args) {
                        out.push(r);
                    }
                }
                if out.is_empty() {
                    // A function of the package returning a router, called as a method
                    // (`s.routes()`), or `pkg.NewRouter()` of another package: not followed.
                    return self.returns_of_method(field, d);
                }
                out
            }
            "identifier" => self.returns_of(ctx.text(callee), d),
            _ => Vec::new(),
        }
    }

    /// What a router method gives: the same router, a narrower route, a subrouter, or nothing.
    fn apply(&self, fi: usize, mut r: Router, field: &str, args: &[Node<'t>]) -> Option<Router> {
        let arg_str = |i: usize| args.get(i).and_then(|a| self.string(fi, *a));
        match (r.kind, field) {
            (Kind::Gorilla, "Path" | "PathPrefix") => {
                r.prefix.push_str(&arg_str(0)?.0);
                r.subtree = field == "PathPrefix";
            }
            (Kind::Gorilla, "Subrouter") => r.subtree = false,
            (Kind::Gorilla, "Methods") => {
                let ms: Vec<Method> = args.iter().filter_map(|a| self.method(fi, *a)).collect();
                r.methods = Some(ms);
            }
            (
                Kind::Gorilla,
                "Host" | "Queries" | "Headers" | "HeadersRegexp" | "Schemes" | "MatcherFunc",
            ) => r.conditional = true,
            (Kind::Gorilla, "StrictSlash" | "SkipClean" | "UseEncodedPath" | "Name") => {}
            (Kind::Chi, "With") => {}
            (Kind::Chi, "Route") => r.prefix.push_str(&arg_str(0)?.0),
            (Kind::Chi, "Group") => {}
            (Kind::Gin | Kind::Echo, "Group") => r.prefix.push_str(&arg_str(0)?.0),
            _ => return None,
        }
        Some(r)
    }

    /// The routers a package function returns (`func newRouter() *mux.Router`).
    fn returns_of(&self, name: &str, d: u32) -> Vec<Router> {
        let mut out = Vec::new();
        for (fj, c) in self.ctxs.iter().enumerate() {
            if let Some(f) = c.funcs.get(name) {
                push_all(&mut out, self.returns(fj, *f, d));
            }
        }
        out
    }

    /// The routers methods of that name return (`func (s *Server) router() chi.Router`).
    fn returns_of_method(&self, name: &str, d: u32) -> Vec<Router> {
        let mut out = Vec::new();
        for (fj, c) in self.ctxs.iter().enumerate() {
            for s in &c.scopes {
                if s.node.kind() == "method_declaration"
                    && s.node
                        .child_by_field_name("name")
                        .is_some_and(|n| c.text(n) == name)
                {
                    push_all(&mut out, self.returns(fj, s.node, d));
                }
            }
        }
        out
    }

    fn returns(&self, fi: usize, f: Node<'t>, d: u32) -> Vec<Router> {
        let Some(body) = f.child_by_field_name("body") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut stack = vec![body];
        while let Some(x) = stack.pop() {
            if !self.burn() {
                break;
            }
            if x.kind() == "func_literal" {
                continue;
            }
            if x.kind() == "return_statement" {
                let first = x.named_child(0).and_then(|l| {
                    if l.kind() == "expression_list" {
                        l.named_child(0)
                    } else {
                        Some(l)
                    }
                });
                if let Some(e) = first {
                    push_all(&mut out, self.routers(fi, e, d));
                }
                continue;
            }
            let mut cursor = x.walk();
            stack.extend(x.named_children(&mut cursor));
        }
        out
    }

    /// A name: a variable assigned in an enclosing scope or at package level, or a parameter
    /// (of a chi `Route`/`Group` closure, of a helper at each call site in the package).
    fn resolve(&self, fi: usize, n: Node<'t>, d: u32) -> Vec<Router> {
        let Some(ctx) = self.ctxs.get(fi) else {
            return Vec::new();
        };
        let name = ctx.text(n);
        let pos = n.start_byte();
        for si in ctx.enclosing(pos) {
            let Some(scope) = ctx.scopes.get(si).copied() else {
                continue;
            };
            if let Some(list) = ctx.assigns.get(&(name, Some(si))) {
                for a in list.iter().rev().filter(|a| a.pos <= pos) {
                    if let Some(rhs) = a.rhs {
                        let v = self.routers(fi, rhs, d);
                        if !v.is_empty() {
                            return v;
                        }
                    }
                }
            }
            if let Some((_, index)) = ctx.param_named(scope.node, name) {
                return match index {
                    Some(i) => self.param(fi, scope.node, i, d),
                    None => Vec::new(),
                };
            }
        }
        // Package level: any file of the package.
        let mut out = Vec::new();
        for (fj, c) in self.ctxs.iter().enumerate() {
            if let Some(list) = c.assigns.get(&(name, None)) {
                for a in list {
                    if let Some(rhs) = a.rhs {
                        push_all(&mut out, self.routers(fj, rhs, d));
                    }
                }
            }
            if c.globals.contains(name)
                && let Some(list) = c.inner_assigns.get(name)
            {
                for a in list.iter().filter(|a| !a.declares) {
                    if let Some(rhs) = a.rhs {
                        push_all(&mut out, self.routers(fj, rhs, d));
                    }
                }
            }
        }
        out
    }

    /// Parameter `index` of function-like `f` of file `fi`: what its callers pass.
    fn param(&self, fi: usize, f: Node<'t>, index: usize, d: u32) -> Vec<Router> {
        let Some(ctx) = self.ctxs.get(fi) else {
            return Vec::new();
        };
        match f.kind() {
            "func_literal" => {
                // `r.Route("/api", func(r chi.Router) {…})`, `r.Group(func(r chi.Router) {…})`.
                let Some(call) = f
                    .parent()
                    .filter(|p| p.kind() == "argument_list")
                    .and_then(|p| p.parent())
                    .filter(|c| c.kind() == "call_expression")
                else {
                    return Vec::new();
                };
                let Some(callee) = call
                    .child_by_field_name("function")
                    .filter(|c| c.kind() == "selector_expression")
                else {
                    return Vec::new();
                };
                let field = callee
                    .child_by_field_name("field")
                    .map(|x| ctx.text(x))
                    .unwrap_or("");
                if index != 0 || !matches!(field, "Route" | "Group") {
                    return Vec::new();
                }
                let Some(operand) = callee.child_by_field_name("operand") else {
                    return Vec::new();
                };
                let args = named_args(call);
                self.routers(fi, operand, d)
                    .into_iter()
                    .filter(|r| r.kind == Kind::Chi)
                    .filter_map(|r| self.apply(fi, r, field, &args))
                    .collect()
            }
            "function_declaration" | "method_declaration" => {
                let name = f
                    .child_by_field_name("name")
                    .map(|x| ctx.text(x))
                    .unwrap_or("");
                let method = f.kind() == "method_declaration";
                let mut out = Vec::new();
                for (fj, c) in self.ctxs.iter().enumerate() {
                    for call in &c.calls {
                        let Some(callee) = call.child_by_field_name("function") else {
                            continue;
                        };
                        let hit = if method {
                            callee.kind() == "selector_expression"
                                && callee
                                    .child_by_field_name("field")
                                    .is_some_and(|x| c.text(x) == name)
                        } else {
                            callee.kind() == "identifier" && c.text(callee) == name
                        };
                        if !hit {
                            continue;
                        }
                        if let Some(a) = named_args(*call).get(index) {
                            push_all(&mut out, self.routers(fj, *a, d));
                        }
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// Roots a `StrictSlash(true)` applies to.
    fn strict_slash_roots(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (fi, c) in self.ctxs.iter().enumerate() {
            for call in &c.calls {
                let Some(callee) = call.child_by_field_name("function") else {
                    continue;
                };
                if callee.kind() != "selector_expression"
                    || callee
                        .child_by_field_name("field")
                        .is_none_or(|f| c.text(f) != "StrictSlash")
                {
                    continue;
                }
                let on = named_args(*call)
                    .first()
                    .is_some_and(|a| c.text(*a) == "true");
                let Some(operand) = callee.child_by_field_name("operand") else {
                    continue;
                };
                if on {
                    for r in self.routers(fi, operand, 0) {
                        if !out.contains(&r.root) {
                            out.push(r.root);
                        }
                    }
                }
            }
        }
        out
    }

    /// The full prefixes a root's routes are served under: `""` unless a chi `Mount` (or a
    /// gorilla `PathPrefix(…).Handler(sub)`) puts it below a path of another router.
    fn mount_prefixes(&self, root: (usize, usize), depth: u32) -> Vec<String> {
        if let Some(v) = self.mounts.borrow().get(&root) {
            return v.clone();
        }
        // A mount cycle reads as unmounted.
        self.mounts.borrow_mut().insert(root, vec![String::new()]);
        let mut out: Vec<String> = Vec::new();
        if depth <= MAX_DEPTH {
            for (fi, c) in self.ctxs.iter().enumerate() {
                for call in &c.calls {
                    let Some((parent, path, handler)) = self.mount_site(fi, *call) else {
                        continue;
                    };
                    if !self.routers(fi, handler, 0).iter().any(|r| r.root == root) {
                        continue;
                    }
                    for p in parent {
                        for mp in self.mount_prefixes(p.root, depth + 1) {
                            let full = format!("{mp}{}{path}", p.prefix);
                            if !out.contains(&full) {
                                out.push(full);
                            }
                        }
                    }
                }
            }
        }
        if out.is_empty() {
            out.push(String::new());
        }
        self.mounts.borrow_mut().insert(root, out.clone());
        out
    }

    /// `r.Mount("/x", h)` (chi) or `r.PathPrefix("/x").Handler(h)` (gorilla): the mounting
    /// routers, the path and the handler.
    fn mount_site(&self, fi: usize, call: Node<'t>) -> Option<(Vec<Router>, String, Node<'t>)> {
        let ctx = self.ctxs.get(fi)?;
        let callee = call
            .child_by_field_name("function")
            .filter(|c| c.kind() == "selector_expression")?;
        let field = ctx.text(callee.child_by_field_name("field")?);
        let operand = callee.child_by_field_name("operand")?;
        let args = named_args(call);
        match field {
            "Mount" => {
                let (path, _) = self.string(fi, *args.first()?)?;
                let parents: Vec<Router> = self
                    .routers(fi, operand, 0)
                    .into_iter()
                    .filter(|r| r.kind == Kind::Chi)
                    .collect();
                Some((parents, path, *args.get(1)?))
            }
            "Handler" => {
                let parents: Vec<Router> = self
                    .routers(fi, operand, 0)
                    .into_iter()
                    .filter(|r| r.kind == Kind::Gorilla && r.subtree)
                    .map(|r| Router {
                        prefix: String::new(),
                        ..r
                    })
                    .collect();
                // The gorilla route's own prefix is the mount path.
                let prefix = self
                    .routers(fi, operand, 0)
                    .first()
                    .map(|r| r.prefix.clone())?;
                Some((parents, prefix, *args.first()?))
            }
            _ => None,
        }
    }

    /// One registration call: its routes and endpoints, in `facts`.
    fn registration(
        &self,
        fi: usize,
        call: Node<'t>,
        gin_405: bool,
        strict: &[(usize, usize)],
        facts: &mut Facts,
        order: &mut u32,
    ) {
        let Some(ctx) = self.ctxs.get(fi) else {
            return;
        };
        let Some(callee) = call
            .child_by_field_name("function")
            .filter(|c| c.kind() == "selector_expression")
        else {
            return;
        };
        let (Some(operand), Some(field_node)) = (
            callee.child_by_field_name("operand"),
            callee.child_by_field_name("field"),
        ) else {
            return;
        };
        let field = ctx.text(field_node);
        if !is_registration(field) {
            return;
        }
        let args = named_args(call);
        for r in self.routers(fi, operand, 0) {
            let Some(reg) = self.read_registration(fi, call, &r, field, &args) else {
                continue;
            };
            let fw = match r.kind {
                Kind::Gorilla => Framework::Gorilla,
                Kind::Chi => Framework::Chi,
                Kind::Gin => Framework::Gin {
                    method_not_allowed: gin_405,
                },
                Kind::Echo => Framework::Echo,
            };
            let lenient = r.kind == Kind::Gorilla && strict.contains(&r.root);
            for mp in self.mount_prefixes(r.root, 0) {
                let mut pattern = join(r.kind, &format!("{mp}{}", r.prefix), &reg.path);
                pattern.lenient_slash |= lenient;
                if reg.subtree {
                    pattern.segs.push(PatSeg::Rest("*".to_owned()));
                    pattern.trailing_slash = false;
                }
                self.emit(fi, call, &r, fw, pattern, &reg, facts, order);
            }
        }
    }

    /// The path, methods and handler a registration call gives on router `r`.
    fn read_registration(
        &self,
        fi: usize,
        call: Node<'t>,
        r: &Router,
        field: &str,
        args: &[Node<'t>],
    ) -> Option<Reg<'t>> {
        let ctx = self.ctxs.get(fi)?;
        let s = |i: usize| args.get(i).and_then(|a| self.string(fi, *a));
        let verb = |name: &str| {
            Method::parse(name).filter(|_| name.chars().any(|c| c.is_ascii_alphabetic()))
        };
        let mut reg = match (r.kind, field) {
            (Kind::Gorilla, "Handle" | "HandleFunc") => {
                let (path, loc) = s(0)?;
                Reg::new(path, loc, args.get(1).copied()?, None)
            }
            (Kind::Gorilla, "Handler" | "HandlerFunc") => {
                // The route's path came from `.Path`/`.PathPrefix` before.
                let loc = Loc::of(call);
                let mut reg = Reg::new(String::new(), loc, args.first().copied()?, None);
                reg.subtree = r.subtree;
                if r.subtree
                    && self
                        .routers(fi, reg.handler, 0)
                        .iter()
                        .any(|x| x.kind == Kind::Gorilla)
                {
                    // A subrouter mounted under the prefix: its own routes are read instead.
                    return None;
                }
                reg
            }
            (
                Kind::Chi,
                "Get" | "Post" | "Put" | "Patch" | "Delete" | "Head" | "Options" | "Connect"
                | "Trace",
            ) => {
                let (path, loc) = s(0)?;
                Reg::new(path, loc, *args.last()?, verb(field).map(|m| vec![m]))
            }
            (Kind::Chi, "Method" | "MethodFunc") => {
                let (m, _) = s(0)?;
                let (path, loc) = s(1)?;
                Reg::new(
                    path,
                    loc,
                    *args.last()?,
                    Some(Method::parse(&m).into_iter().collect()),
                )
            }
            (Kind::Chi, "Handle" | "HandleFunc") => {
                let (path, loc) = s(0)?;
                Reg::new(path, loc, *args.last()?, None)
            }
            (Kind::Chi, "Mount") => {
                let (path, loc) = s(0)?;
                let handler = *args.get(1)?;
                if !self.routers(fi, handler, 0).is_empty() {
                    return None;
                }
                let mut reg = Reg::new(path, loc, handler, None);
                reg.subtree = true;
                reg.mount = true;
                reg
            }
            (
                Kind::Gin | Kind::Echo,
                "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT"
                | "TRACE",
            ) => {
                let (path, loc) = s(0)?;
                // gin: the last handler answers (the others are middleware); echo: the second
                // argument answers (middleware come after it).
                let h = if r.kind == Kind::Gin {
                    *args.last()?
                } else {
                    *args.get(1)?
                };
                Reg::new(path, loc, h, verb(field).map(|m| vec![m]))
            }
            (Kind::Gin | Kind::Echo, "Any") => {
                let (path, loc) = s(0)?;
                let h = if r.kind == Kind::Gin {
                    *args.last()?
                } else {
                    *args.get(1)?
                };
                Reg::new(path, loc, h, None)
            }
            (Kind::Gin, "Handle") | (Kind::Echo, "Add") => {
                let (m, _) = s(0)?;
                let (path, loc) = s(1)?;
                let h = if r.kind == Kind::Gin {
                    *args.last()?
                } else {
                    *args.get(2)?
                };
                Reg::new(path, loc, h, Some(Method::parse(&m).into_iter().collect()))
            }
            (Kind::Gin | Kind::Echo, "Match") => {
                let list = *args.first()?;
                let mut ms = Vec::new();
                for el in named_children(list.child_by_field_name("body")) {
                    let el = if el.kind() == "literal_element" {
                        el.named_child(0)?
                    } else {
                        el
                    };
                    ms.extend(self.method(fi, el));
                }
                let (path, loc) = s(1)?;
                let h = if r.kind == Kind::Gin {
                    *args.last()?
                } else {
                    *args.get(2)?
                };
                Reg::new(path, loc, h, Some(ms))
            }
            _ => return None,
        };
        // gorilla: `.Methods(...)` and conditions chained after the registration.
        if r.kind == Kind::Gorilla {
            if let Some(m) = &r.methods {
                reg.methods = Some(m.clone());
            }
            reg.conditional = r.conditional;
            let mut cur = call;
            while let Some(sel) = cur.parent().filter(|p| p.kind() == "selector_expression")
                && let Some(outer) = sel.parent().filter(|p| p.kind() == "call_expression")
            {
                let name = sel
                    .child_by_field_name("field")
                    .map(|f| ctx.text(f))
                    .unwrap_or("");
                let outer_args = named_args(outer);
                match name {
                    "Methods" => {
                        reg.methods = Some(
                            outer_args
                                .iter()
                                .filter_map(|a| self.method(fi, *a))
                                .collect(),
                        );
                        reg.method_loc = Some(Loc::of(outer));
                    }
                    "Host" | "Queries" | "Headers" | "HeadersRegexp" | "Schemes"
                    | "MatcherFunc" => {
                        reg.conditional = true;
                    }
                    _ => {}
                }
                cur = outer;
            }
        }
        if reg.method_loc.is_none() {
            reg.method_loc = call
                .child_by_field_name("function")
                .and_then(|c| c.child_by_field_name("field"))
                .map(Loc::of);
        }
        Some(reg)
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        fi: usize,
        call: Node<'t>,
        r: &Router,
        fw: Framework,
        pattern: Pattern,
        reg: &Reg<'t>,
        facts: &mut Facts,
        order: &mut u32,
    ) {
        let Some(ctx) = self.ctxs.get(fi) else {
            return;
        };
        let span = ctx.span(reg.path_loc);
        let method_span = reg.method_loc.map(|l| ctx.span(l)).unwrap_or(span);
        ctx.refuel();
        let v = ctx.eval(reg.handler, &Env::default(), 0);
        let handler_text = crate::sources::syntax::short(ctx.text(reg.handler));
        let plain_func = matches!(v, Val::Unknown(_))
            && matches!(
                reg.handler.kind(),
                "identifier" | "selector_expression" | "func_literal" | "call_expression"
            );
        let routed = ctx.to_target(&v, 0);
        let methods = match &reg.methods {
            Some(ms) => MethodSet::only(ms.iter().copied()),
            None => MethodSet::Any,
        };
        let endpoint = match &routed.target {
            Target::Serve { .. } => true,
            Target::Opaque { .. } => plain_func && !reg.mount && !reg.subtree,
            _ => false,
        };
        let dialect = Dialect::Framework(fw);
        if endpoint
            && !reg.conditional
            && let MethodSet::Only(list) = &methods
            && !list.is_empty()
        {
            for m in list {
                facts.endpoints.push(EndpointFact {
                    owner: Owner::File,
                    method: *m,
                    pattern: pattern.clone(),
                    span,
                    method_span,
                    operation_id: Some(handler_text.clone()),
                    dialect,
                });
            }
            return;
        }
        let target = match routed.target {
            t @ Target::Serve { .. } => t,
            _ if endpoint => Target::Serve {
                handler: handler_text,
            },
            t => t,
        };
        let table = r.kind.table().to_owned();
        if !facts.entry_tables.contains(&table) {
            facts.entry_tables.push(table.clone());
        }
        facts.routes.push(RouteFact {
            owner: Owner::File,
            origin: format!("{} router", r.kind.table()),
            table,
            order: *order,
            matcher: PathMatch::Template {
                pattern,
                ignore_case: false,
            },
            methods,
            rewrite_span: routed.rewrite.as_ref().map(|(_, l)| ctx.span(*l)),
            rewrite: routed.rewrite.map(|(rw, _)| rw),
            target,
            span,
            rule_span: ctx.span(Loc::of(call)),
            hosts: Vec::new(),
            gateways: Vec::new(),
            dialect,
            priority: None,
            conditional: reg.conditional,
        });
        *order = order.saturating_add(1);
    }
}

/// One registration as read: the path relative to its router, the handler, the methods.
struct Reg<'t> {
    path: String,
    path_loc: Loc,
    handler: Node<'t>,
    /// `None`: every method.
    methods: Option<Vec<Method>>,
    method_loc: Option<Loc>,
    /// Matches everything below the path (chi `Mount`, gorilla `PathPrefix`).
    subtree: bool,
    /// chi `Mount` of a handler (a proxy, another library's router).
    mount: bool,
    conditional: bool,
}

impl<'t> Reg<'t> {
    fn new(
        path: String,
        path_loc: Loc,
        handler: Node<'t>,
        methods: Option<Vec<Method>>,
    ) -> Reg<'t> {
        Reg {
            path,
            path_loc,
            handler,
            methods,
            method_loc: None,
            subtree: false,
            mount: false,
            conditional: false,
        }
    }
}

/// Whether a method name can register a handler on some router library.
fn is_registration(field: &str) -> bool {
    matches!(
        field,
        "Handle"
            | "HandleFunc"
            | "Handler"
            | "HandlerFunc"
            | "Get"
            | "Post"
            | "Put"
            | "Patch"
            | "Delete"
            | "Head"
            | "Options"
            | "Connect"
            | "Trace"
            | "Method"
            | "MethodFunc"
            | "Mount"
            | "GET"
            | "POST"
            | "PUT"
            | "PATCH"
            | "DELETE"
            | "HEAD"
            | "OPTIONS"
            | "CONNECT"
            | "TRACE"
            | "Any"
            | "Match"
            | "Add"
    )
}

fn push_all(out: &mut Vec<Router>, more: Vec<Router>) {
    for r in more {
        if out.len() >= MAX_VALUES {
            break;
        }
        if !out.contains(&r) {
            out.push(r);
        }
    }
}

/// The pattern of `path` registered on a router under `prefix`, in the library's syntax.
pub fn join(kind: Kind, prefix: &str, path: &str) -> Pattern {
    // chi: `Get("/")` inside `Route("/api", …)` answers `/api` and `/api/`.
    if kind == Kind::Chi && path == "/" && !prefix.is_empty() {
        let mut p = parse_path(kind, prefix);
        p.trailing_slash = false;
        p.lenient_slash = true;
        return p;
    }
    let mut full = format!("{prefix}{path}");
    if matches!(kind, Kind::Gin | Kind::Echo) {
        while full.contains("//") {
            full = full.replace("//", "/");
        }
    }
    parse_path(kind, &full)
}

/// A route path in a library's syntax: gorilla and chi `{id}` / `{id:regex}` (chi `*` at the
/// end), gin and echo `:id` and `*rest`.
pub fn parse_path(kind: Kind, path: &str) -> Pattern {
    let braces = matches!(kind, Kind::Gorilla | Kind::Chi);
    let parts = if braces {
        split_braced(path)
    } else {
        path.split('/').map(str::to_owned).collect()
    };
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    let n = parts.len();
    let mut segs = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == n;
        let seg = if braces {
            braced_segment(kind, part, last)
        } else if let Some(name) = part.strip_prefix(':') {
            PatSeg::Param(name.to_owned())
        } else if let Some(name) = part.strip_prefix('*') {
            PatSeg::Rest(if name.is_empty() {
                "*".to_owned()
            } else {
                name.to_owned()
            })
        } else {
            PatSeg::Lit(part.clone())
        };
        segs.push(seg);
    }
    let ends_rest = matches!(segs.last(), Some(PatSeg::Rest(_)));
    Pattern {
        segs,
        trailing_slash: path.ends_with('/') && !ends_rest,
        ..Pattern::default()
    }
}

/// `{id}` → Param, `{rest:.*}` at the end → Rest, chi `*` at the end → Rest, `{a}-{b}` → Glob.
fn braced_segment(kind: Kind, part: &str, last: bool) -> PatSeg {
    if kind == Kind::Chi && part == "*" && last {
        return PatSeg::Rest("*".to_owned());
    }
    if part.len() >= 2 && part.starts_with('{') && part.ends_with('}') && balanced_single(part) {
        let inner = part.get(1..part.len() - 1).unwrap_or("");
        let (name, re) = match inner.split_once(':') {
            Some((n, r)) => (n.trim(), Some(r)),
            None => (inner.trim(), None),
        };
        let multi = re.is_some_and(|r| r.contains('/') || r.contains(".*") || r.contains(".+"));
        if multi && last {
            return PatSeg::Rest(name.to_owned());
        }
        return PatSeg::Param(name.to_owned());
    }
    if part.contains('{') {
        // Wildcards inside a segment: the variable parts become `*`.
        let mut out = String::new();
        let mut depth = 0u32;
        for c in part.chars() {
            match c {
                '{' => {
                    if depth == 0 {
                        out.push('*');
                    }
                    depth += 1;
                }
                '}' => depth = depth.saturating_sub(1),
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        return PatSeg::Glob(out);
    }
    if kind == Kind::Chi && part.contains('*') {
        return PatSeg::Glob(part.to_owned());
    }
    PatSeg::Lit(part.to_owned())
}

/// `{id:[0-9]{3}}` is one variable: the first `{` closes at the last `}`.
fn balanced_single(part: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in part.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 && i + 1 != part.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Splits a path on `/` outside braces (a gorilla regex may hold `/`).
fn split_braced(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0u32;
    for c in path.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads files of one package; lists `METHOD pattern [fw]` endpoints and routes by file.
    fn run(files: &[(&str, &str)]) -> Vec<String> {
        let inputs = crate::sources::testing::test_inputs(files);
        let facts = crate::sources::go::project::extract_set(&inputs);
        let mut out = Vec::new();
        for (f, (path, _)) in facts.iter().zip(files) {
            for p in &f.problems {
                out.push(format!("{path}: problem {}", p.message));
            }
            for e in &f.endpoints {
                out.push(format!("{path}: {} {}", e.method.as_str(), e.pattern));
            }
            for r in &f.routes {
                let m = match &r.methods {
                    MethodSet::Any => "*".to_owned(),
                    MethodSet::Only(l) => {
                        l.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(",")
                    }
                };
                let t = match &r.target {
                    Target::Forward { host, .. } => format!("-> {host}"),
                    Target::Serve { handler } => format!("serve {handler}"),
                    Target::Table(t) => format!("table {t}"),
                    Target::Opaque { why } => format!("opaque ({why})"),
                };
                let c = if r.conditional { " (conditional)" } else { "" };
                out.push(format!("{path}: route {m} {} {t}{c}", r.matcher));
            }
        }
        out
    }

    fn one(src: &str) -> Vec<String> {
        run(&[("svc/main.go", src)])
            .into_iter()
            .map(|l| l.trim_start_matches("svc/main.go: ").to_owned())
            .collect()
    }

    #[test]
    fn path_syntax_of_each_router() {
        let cases: &[(Kind, &str, &str)] = &[
            (Kind::Gorilla, "/users/{id}", "/users/{id}"),
            (Kind::Gorilla, "/users/{id:[0-9]+}", "/users/{id}"),
            (Kind::Gorilla, "/files/{path:.*}", "/files/{path...}"),
            (Kind::Gorilla, "/d/{n:[0-9]{3}}/x", "/d/{n}/x"),
            (Kind::Gorilla, "/x/", "/x/"),
            (Kind::Gorilla, "/a/{b}.{ext}", "/a/*.*"),
            (Kind::Chi, "/users/{id}", "/users/{id}"),
            (Kind::Chi, "/users/{id:^[0-9]+$}", "/users/{id}"),
            (Kind::Chi, "/static/*", "/static/{*...}"),
            (Kind::Gin, "/users/:id", "/users/{id}"),
            (Kind::Gin, "/files/*filepath", "/files/{filepath...}"),
            (Kind::Echo, "/users/:id", "/users/{id}"),
            (Kind::Echo, "/static/*", "/static/{*...}"),
            (Kind::Echo, "/", "/"),
        ];
        for (kind, path, want) in cases {
            assert_eq!(
                parse_path(*kind, path).to_string(),
                *want,
                "{kind:?} {path}"
            );
        }
    }

    #[test]
    fn prefixes_join_as_each_router_joins_them() {
        assert_eq!(join(Kind::Chi, "/api", "/").to_string(), "/api");
        assert!(join(Kind::Chi, "/api", "/").lenient_slash);
        assert_eq!(join(Kind::Gin, "/api/", "/users").to_string(), "/api/users");
        assert_eq!(join(Kind::Echo, "/api", "").to_string(), "/api");
        assert_eq!(
            join(Kind::Gorilla, "/api", "/users/{id}").to_string(),
            "/api/users/{id}"
        );
    }

    #[test]
    fn gorilla_methods_subrouters_prefixes_and_conditions() {
        let src = r#"package main
import (
    "net/http"
    "github.com/gorilla/mux"
)
func main() {
    r := mux.NewRouter()
    r.HandleFunc("/health", health)
    r.HandleFunc("/users", listUsers).Methods("GET")
    r.HandleFunc("/users", createUser).Methods(http.MethodPost, "PUT")
    api := r.PathPrefix("/api").Subrouter()
    api.HandleFunc("/items/{id:[0-9]+}", getItem).Methods("GET")
    r.Path("/search").Methods("GET").HandlerFunc(search)
    r.HandleFunc("/q", q).Methods("GET").Queries("k", "{k}")
    r.PathPrefix("/static/").Handler(http.FileServer(http.Dir(".")))
    http.ListenAndServe(":8080", r)
}
"#;
        assert_eq!(
            one(src),
            [
                "GET /users",
                "POST /users",
                "PUT /users",
                "GET /api/items/{id}",
                "GET /search",
                "route * /health serve health",
                "route GET /q serve q (conditional)",
                "route * /static/{*...} serve http.FileServer",
            ]
        );
    }

    #[test]
    fn chi_routes_groups_mounts_and_proxies() {
        let src = r#"package main
import (
    "net/http"
    "net/http/httputil"
    "net/url"
    "github.com/go-chi/chi/v5"
    "github.com/go-chi/chi/v5/middleware"
)
func main() {
    r := chi.NewRouter()
    r.Use(middleware.Logger)
    r.Get("/healthz", health)
    r.Route("/api", func(r chi.Router) {
        r.Route("/v1", func(r chi.Router) {
            r.Get("/users/{id}", getUser)
            r.With(auth).Post("/users", createUser)
        })
        r.Group(func(r chi.Router) {
            r.Delete("/items/{id}", del)
        })
    })
    r.Mount("/admin", adminRouter())
    u, _ := url.Parse("http://orders:8080")
    r.Mount("/orders", httputil.NewSingleHostReverseProxy(u))
    r.Method("PATCH", "/p", h)
    http.ListenAndServe(":8080", r)
}
func adminRouter() chi.Router {
    r := chi.NewRouter()
    r.Get("/", adminIndex)
    r.Get("/stats", stats)
    return r
}
"#;
        assert_eq!(
            one(src),
            [
                "GET /healthz",
                "GET /api/v1/users/{id}",
                "POST /api/v1/users",
                "DELETE /api/items/{id}",
                "PATCH /p",
                "GET /admin",
                "GET /admin/stats",
                "route * /orders/{*...} -> orders",
            ]
        );
    }

    #[test]
    fn gin_groups_params_and_any() {
        let src = r#"package main
import "github.com/gin-gonic/gin"
func main() {
    r := gin.Default()
    r.GET("/ping", ping)
    v1 := r.Group("/v1")
    {
        v1.GET("/users/:id", auth, getUser)
        admin := v1.Group("/admin")
        admin.POST("/reindex", reindex)
    }
    r.Any("/files/*path", files)
    r.Handle("PUT", "/x", x)
    r.Run(":8080")
}
"#;
        assert_eq!(
            one(src),
            [
                "GET /ping",
                "GET /v1/users/{id}",
                "POST /v1/admin/reindex",
                "PUT /x",
                "route * /files/{path...} serve files",
            ]
        );
    }

    #[test]
    fn echo_groups_match_and_params() {
        let src = r#"package main
import (
    "net/http"
    "github.com/labstack/echo/v4"
)
func main() {
    e := echo.New()
    g := e.Group("/api")
    g.GET("/users/:id", getUser, mw)
    g.Match([]string{http.MethodGet, "POST"}, "/m", m)
    e.Static("/s", "public")
    e.Start(":8080")
}
"#;
        assert_eq!(
            one(src),
            ["GET /api/users/{id}", "GET /api/m", "POST /api/m"]
        );
    }

    #[test]
    fn gin_handle_method_not_allowed_is_read() {
        let src = r#"package main
import "github.com/gin-gonic/gin"
func main() {
    r := gin.New()
    r.HandleMethodNotAllowed = true
    r.GET("/a", a)
}
"#;
        let inputs = [crate::sources::testing::test_input("m.go", src)];
        let f = crate::sources::go::project::extract_set(&inputs);
        let e = f
            .first()
            .and_then(|f| f.endpoints.first())
            .map(|e| e.dialect);
        assert_eq!(
            e,
            Some(Dialect::Framework(Framework::Gin {
                method_not_allowed: true
            }))
        );
    }

    #[test]
    fn helper_in_another_file_registers_under_the_subrouter_its_caller_passes() {
        let main = r#"package main
import "github.com/gorilla/mux"
func main() {
    r := mux.NewRouter().StrictSlash(false)
    api := r.PathPrefix("/api/v1").Subrouter()
    registerRoutes(api)
}
"#;
        let routes = r#"package main
import "github.com/gorilla/mux"
func registerRoutes(r *mux.Router) {
    r.HandleFunc("/orders/{id}", getOrder).Methods("GET")
}
"#;
        let other = r#"package other
import "github.com/gorilla/mux"
func registerRoutes(r *mux.Router) {
    r.HandleFunc("/nope", nope).Methods("GET")
}
"#;
        assert_eq!(
            run(&[
                ("svc/main.go", main),
                ("svc/routes.go", routes),
                ("lib/routes.go", other)
            ]),
            ["svc/routes.go: GET /api/v1/orders/{id}"]
        );
    }

    #[test]
    fn methods_of_a_server_struct_register_on_the_router_passed_in() {
        let src = r#"package main
import "github.com/go-chi/chi/v5"
type Server struct{}
func (s *Server) routes(r chi.Router) {
    r.Get("/items", s.list)
}
func main() {
    s := &Server{}
    r := chi.NewRouter()
    r.Route("/api", func(r chi.Router) { s.routes(r) })
}
"#;
        assert_eq!(one(src), ["GET /api/items"]);
    }

    #[test]
    fn strict_slash_true_makes_gorilla_routes_answer_both_forms() {
        let src = r#"package main
import "github.com/gorilla/mux"
func main() {
    r := mux.NewRouter()
    r.StrictSlash(true)
    r.HandleFunc("/x", x).Methods("GET")
}
"#;
        let inputs = [crate::sources::testing::test_input("m.go", src)];
        let f = crate::sources::go::project::extract_set(&inputs);
        let e = f.first().and_then(|f| f.endpoints.first());
        assert!(e.is_some_and(|e| e.pattern.lenient_slash));
    }

    #[test]
    fn go_that_does_not_parse_is_a_problem_not_a_panic() {
        let out = one(
            "package main\nimport \"github.com/go-chi/chi/v5\"\nfunc main() {\n r := chi.NewRouter()\n r.Get(\"/a\", a\n}\n",
        );
        assert!(
            out.iter().any(|l| l.starts_with("problem Go syntax error")),
            "{out:?}"
        );
    }
}
