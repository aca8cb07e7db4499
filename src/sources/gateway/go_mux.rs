//! Reads Go `net/http` ServeMux registrations (`mux.Handle`, `mux.HandleFunc`) of one Go file
//! into routes, following each handler inside that file to a reverse-proxy target, another mux
//! or the gateway's own code; also reads the `go` directive of a `go.mod`.
//!
//! Must not look at any other file and must not guess: a handler this file does not define
//! becomes [`Target::Opaque`], never a forward to a host the code does not name.
//!
//! How it works: one pass over the tree-sitter syntax tree indexes imports, functions, scopes
//! and assignments; then a small abstract evaluator (`Val`) follows expressions (string
//! constants, `url.Parse`, `httputil.NewSingleHostReverseProxy`, `http.StripPrefix`, helper
//! functions of this file called with literal arguments, middleware wraps) with a depth limit
//! and a step budget, so no input can make it loop or recurse without bound.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use tree_sitter::{Node, Parser};

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PatSeg, PathMatch, Pattern, Rewrite};
use crate::source_file::Span;
use crate::sources::syntax::short;
use crate::sources::{
    facts::Dialect, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};

/// Table name of the mux behind the package-level `http.Handle` / `http.HandleFunc`.
const DEFAULT_MUX: &str = "http.DefaultServeMux";
/// Deepest chain of expressions, helper calls and handler bodies followed for one question.
const MAX_DEPTH: u32 = 40;
/// Evaluation steps allowed for one registration or entry point.
const QUERY_FUEL: u32 = 20_000;
/// Evaluation steps allowed for the whole file; past it each question gets [`FLOOR_FUEL`].
const FILE_FUEL: u32 = 2_000_000;
/// Steps a question always gets, enough for a literal pattern and a plain handler.
const FLOOR_FUEL: u32 = 500;
/// Call sites of a helper function looked at to bind its parameters.
const MAX_CALL_SITES: usize = 64;

/// Reads every Go file together: the files of one directory are one package, whose
/// router registrations may sit in helper functions of another file (`registerRoutes(api)`).
/// Each file is parsed once; every fact stays with the file where it is written.
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    use rayon::prelude::*;
    let mut packages: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, input) in inputs.iter().enumerate() {
        let dir = input.path.rsplit_once('/').map_or("", |(d, _)| d);
        packages.entry(dir).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = packages.into_values().collect();
    let done: Vec<Vec<(usize, Facts)>> = groups
        .par_iter()
        .map(|group| {
            let files: Vec<Input<'_>> = group
                .iter()
                .filter_map(|i| inputs.get(*i).copied())
                .collect();
            group.iter().copied().zip(extract_package(&files)).collect()
        })
        .collect();
    let mut out: Vec<Facts> = inputs.iter().map(|_| Facts::default()).collect();
    for (i, f) in done.into_iter().flatten() {
        if let Some(slot) = out.get_mut(i) {
            *slot = f;
        }
    }
    out
}

/// Reads the ServeMux routes and entry tables of one Go file, alone.
///
/// Produces one [`RouteFact`] per `Handle` / `HandleFunc` registration on a mux variable of
/// this file (or on `http.DefaultServeMux` through `http.Handle`), in source order, with the
/// Go 1.22 pattern as a [`PathMatch::Template`]; the muxes given to `http.ListenAndServe`,
/// `http.Server{Handler: …}` and friends go to [`Facts::entry_tables`]. A file that does not
/// parse cleanly gets one problem at its first syntax error; what the rest of the tree shows is
/// still extracted.
pub fn extract(input: Input<'_>) -> Facts {
    extract_package(&[input]).pop().unwrap_or_default()
}

/// Reads the files of one package: ServeMux registrations file by file, framework routers
/// (gorilla/mux, chi, gin, echo) across the package. One `Facts` per file, in order.
fn extract_package(inputs: &[Input<'_>]) -> Vec<Facts> {
    let mut facts: Vec<Facts> = inputs.iter().map(|_| Facts::default()).collect();
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .is_err()
    {
        return facts;
    }
    let trees: Vec<Option<tree_sitter::Tree>> =
        inputs.iter().map(|i| parser.parse(i.text, None)).collect();
    let mut ctxs: Vec<Ctx<'_>> = Vec::new();
    let mut slots: Vec<usize> = Vec::new();
    for (i, (input, tree)) in inputs.iter().zip(&trees).enumerate() {
        let (Some(tree), Some(f)) = (tree, facts.get_mut(i)) else {
            continue;
        };
        let root = tree.root_node();
        f.problems
            .extend(crate::sources::syntax::problem(root, *input, "Go"));
        let ctx = Ctx::new(*input, root);
        ctx.routes(f);
        ctx.entries(f);
        ctxs.push(ctx);
        slots.push(i);
    }
    let mut pkg_facts: Vec<Facts> = ctxs.iter().map(|_| Facts::default()).collect();
    crate::sources::gateway::go_routers::extract(&ctxs, &mut pkg_facts);
    for (slot, extra) in slots.into_iter().zip(pkg_facts) {
        if let Some(f) = facts.get_mut(slot) {
            f.merge(extra);
        }
    }
    facts
}

/// Reads the `go 1.22` (or `go 1.22.3`) directive of a `go.mod` into [`Facts::go_version`].
/// Nothing else is read; a file without a readable directive gives empty facts.
pub fn extract_go_mod(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    for line in input.text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("go") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let mut parts = rest.trim().split('.');
        let major = parts.next().and_then(leading_number);
        let minor = parts.next().and_then(leading_number);
        if let (Some(major), Some(minor)) = (major, minor) {
            facts.go_version = Some((major, minor));
        }
        break;
    }
    facts
}

/// The number a string starts with (`22rc1` → 22).
fn leading_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A byte range in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Loc {
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Loc {
    pub(super) fn of(n: Node<'_>) -> Loc {
        Loc {
            start: n.start_byte(),
            end: n.end_byte(),
        }
    }
}

/// An http(s) URL a proxy sends to, with the literal it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Url {
    host: String,
    port: Option<u16>,
    /// The path part (`""` when there is none).
    path: String,
    loc: Loc,
}

/// Parameter bindings of the helper call being followed, by parameter node id.
pub(super) type Env<'t> = Rc<HashMap<usize, Val<'t>>>;

/// A function value: a function declared in this file or a func literal with the parameters
/// it captured.
#[derive(Clone, Debug)]
pub(super) struct Func<'t> {
    node: Node<'t>,
    env: Env<'t>,
    name: String,
}

/// What an expression is known to evaluate to.
#[derive(Clone, Debug)]
pub(super) enum Val<'t> {
    /// A string constant and the literal (or expression) it came from.
    Str(String, Loc),
    /// A `*url.URL`.
    Url(Url),
    /// A reverse proxy to a URL.
    Proxy(Url),
    /// `http.StripPrefix(prefix, inner)`; `loc` is the call.
    Strip {
        prefix: String,
        loc: Loc,
        inner: Box<Val<'t>>,
    },
    /// `http.NewServeMux()` not yet bound to a name.
    NewMux,
    /// A named ServeMux (the routing table).
    Mux(String),
    Func(Func<'t>),
    /// A handler known only by name that answers by itself (`http.FileServer`).
    Named(String),
    /// An environment lookup without a default (`os.Getenv("X")`).
    Env,
    Nil,
    /// Cannot be followed; the reason reads as a sentence (`` `x` is defined outside this file``).
    Unknown(String),
}

impl Val<'_> {
    /// Whether the value says something (an unknown, an env lookup or nil does not).
    fn known(&self) -> bool {
        !matches!(self, Val::Unknown(_) | Val::Env | Val::Nil)
    }

    /// A comparison key: two values with the same key behave the same.
    fn key(&self) -> String {
        match self {
            Val::Str(s, _) => format!("str:{s}"),
            Val::Url(u) => format!("url:{}:{:?}:{}", u.host, u.port, u.path),
            Val::Proxy(u) => format!("proxy:{}:{:?}:{}", u.host, u.port, u.path),
            Val::Strip { prefix, inner, .. } => format!("strip:{prefix}:{}", inner.key()),
            Val::NewMux => "newmux".to_owned(),
            Val::Mux(n) => format!("mux:{n}"),
            Val::Func(f) => format!("func:{}", f.node.id()),
            Val::Named(n) => format!("named:{n}"),
            Val::Env => "env".to_owned(),
            Val::Nil => "nil".to_owned(),
            Val::Unknown(w) => format!("unknown:{w}"),
        }
    }
}

/// Where a handler sends the request, and how it changes the path on the way.
#[derive(Clone, Debug)]
pub(super) struct Routed {
    pub(super) target: Target,
    pub(super) rewrite: Option<(Rewrite, Loc)>,
}

impl Routed {
    fn plain(target: Target) -> Routed {
        Routed {
            target,
            rewrite: None,
        }
    }

    fn opaque(why: impl Into<String>) -> Routed {
        let why = why.into();
        // Reasons about a bare expression (`` `x` is defined outside this file``) read better
        // with the role in front.
        let why = if why.starts_with('`') {
            format!("handler {why}")
        } else {
            why
        };
        Routed::plain(Target::Opaque { why })
    }

    /// Forwards somewhere (a host or another table): what a middleware passes through.
    fn routes_on(&self) -> bool {
        matches!(self.target, Target::Forward { .. } | Target::Table(_))
    }

    fn key(&self) -> String {
        let rw = self
            .rewrite
            .as_ref()
            .map(|(r, _)| r.to_string())
            .unwrap_or_default();
        match &self.target {
            Target::Forward { host, port, .. } => format!("fwd:{host}:{port:?}:{rw}"),
            Target::Table(t) => format!("table:{t}:{rw}"),
            Target::Serve { handler } => format!("serve:{handler}:{rw}"),
            Target::Opaque { why } => format!("opaque:{why}"),
        }
    }
}

/// An assignment `name = rhs` (or `:=`, `var`, `const`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Assign<'t> {
    /// End of the statement: the value is visible to uses after it.
    pub(super) pos: usize,
    pub(super) rhs: Option<Node<'t>>,
    /// `:=`, `var` or `const` (declares); `=` assigns an existing variable.
    pub(super) declares: bool,
}

/// A function body (declaration, method or literal) and the one around it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scope<'t> {
    pub(super) node: Node<'t>,
    pub(super) parent: Option<usize>,
}

/// The indexed file and the evaluator over it.
pub(super) struct Ctx<'t> {
    pub(super) input: Input<'t>,
    pub(super) src: &'t str,
    /// Local package name → import path.
    pub(super) imports: HashMap<String, String>,
    pub(super) imported_paths: HashSet<String>,
    /// Top-level `func name(...)` declarations.
    pub(super) funcs: HashMap<&'t str, Node<'t>>,
    /// Function-like nodes in source order.
    pub(super) scopes: Vec<Scope<'t>>,
    /// Assignments to plain names by (name, scope index; `None` is package level).
    pub(super) assigns: HashMap<(&'t str, Option<usize>), Vec<Assign<'t>>>,
    /// Assignments to plain names inside functions, by name (for package-level variables).
    pub(super) inner_assigns: HashMap<&'t str, Vec<Assign<'t>>>,
    /// Assignments to struct fields by selector text (`s.mux`), file-wide.
    pub(super) field_assigns: HashMap<&'t str, Vec<Assign<'t>>>,
    /// Package-level variables declared without a value (assigned inside functions).
    pub(super) globals: HashSet<&'t str>,
    /// Calls of a plain identifier, by name.
    pub(super) call_sites: HashMap<&'t str, Vec<Node<'t>>>,
    pub(super) calls: Vec<Node<'t>>,
    pub(super) composites: Vec<Node<'t>>,
    /// Byte offsets where lines start.
    pub(super) line_starts: Vec<usize>,
    pub(super) fuel: Cell<u32>,
    pub(super) file_fuel: Cell<u32>,
}

impl<'t> Ctx<'t> {
    fn new(input: Input<'t>, root: Node<'t>) -> Ctx<'t> {
        let mut ctx = Ctx {
            input,
            src: input.text,
            imports: HashMap::new(),
            imported_paths: HashSet::new(),
            funcs: HashMap::new(),
            scopes: Vec::new(),
            assigns: HashMap::new(),
            inner_assigns: HashMap::new(),
            field_assigns: HashMap::new(),
            globals: HashSet::new(),
            call_sites: HashMap::new(),
            calls: Vec::new(),
            composites: Vec::new(),
            line_starts: std::iter::once(0)
                .chain(input.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            fuel: Cell::new(QUERY_FUEL),
            file_fuel: Cell::new(FILE_FUEL),
        };
        ctx.index(root);
        ctx
    }

    pub(super) fn text(&self, n: Node<'t>) -> &'t str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    pub(super) fn span(&self, loc: Loc) -> Span {
        self.input.span(loc.start, loc.end)
    }

    /// One iterative pass over the tree (no recursion, so any nesting depth is fine).
    fn index(&mut self, root: Node<'t>) {
        let mut stack: Vec<(Node<'t>, Option<usize>)> = vec![(root, None)];
        while let Some((n, scope)) = stack.pop() {
            let mut inner = scope;
            match n.kind() {
                "import_spec" => self.index_import(n),
                "function_declaration" | "method_declaration" | "func_literal" => {
                    if n.kind() == "function_declaration"
                        && let Some(name) = n.child_by_field_name("name")
                    {
                        self.funcs.entry(self.text(name)).or_insert(n);
                    }
                    self.scopes.push(Scope {
                        node: n,
                        parent: scope,
                    });
                    inner = Some(self.scopes.len() - 1);
                }
                "short_var_declaration" => self.index_assign(n, scope, true),
                "assignment_statement" => {
                    let op = n.child_by_field_name("operator").map(|o| self.text(o));
                    if op == Some("=") {
                        self.index_assign(n, scope, false);
                    }
                }
                "var_spec" | "const_spec" => self.index_spec(n, scope),
                "call_expression" => {
                    self.calls.push(n);
                    if let Some(f) = n.child_by_field_name("function")
                        && f.kind() == "identifier"
                    {
                        self.call_sites.entry(self.text(f)).or_default().push(n);
                    }
                }
                "composite_literal" => self.composites.push(n),
                _ => {}
            }
            let mut cursor = n.walk();
            let kids: Vec<Node<'t>> = n.children(&mut cursor).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, inner));
            }
        }
    }

    fn index_import(&mut self, n: Node<'t>) {
        let Some(path) = n
            .child_by_field_name("path")
            .and_then(|p| string_value(self.text(p)))
        else {
            return;
        };
        let local = match n.child_by_field_name("name") {
            Some(name) => self.text(name),
            // `github.com/go-chi/chi/v5` is package `chi`: a major-version suffix is not
            // the package name.
            None => {
                let mut parts = path.rsplit('/');
                let last = parts.next().unwrap_or("");
                let versioned = last.len() > 1
                    && last.starts_with('v')
                    && last[1..].chars().all(|c| c.is_ascii_digit());
                match parts.next() {
                    Some(prev) if versioned => prev,
                    _ => last,
                }
            }
        };
        if !local.is_empty() && local != "_" && local != "." {
            self.imports.insert(local.to_owned(), path.clone());
        }
        self.imported_paths.insert(path);
    }

    fn index_assign(&mut self, n: Node<'t>, scope: Option<usize>, declares: bool) {
        let lhs = named_children(n.child_by_field_name("left"));
        let rhs = named_children(n.child_by_field_name("right"));
        self.add_assigns(&lhs, &rhs, n.end_byte(), scope, declares);
    }

    fn index_spec(&mut self, n: Node<'t>, scope: Option<usize>) {
        let mut cursor = n.walk();
        let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut cursor).collect();
        let value = n.child_by_field_name("value");
        if value.is_none() {
            if scope.is_none() && n.kind() == "var_spec" {
                for name in names {
                    self.globals.insert(self.text(name));
                }
            }
            return;
        }
        let rhs = named_children(value);
        self.add_assigns(&names, &rhs, n.end_byte(), scope, true);
    }

    fn add_assigns(
        &mut self,
        lhs: &[Node<'t>],
        rhs: &[Node<'t>],
        pos: usize,
        scope: Option<usize>,
        declares: bool,
    ) {
        for (i, l) in lhs.iter().enumerate() {
            if !matches!(l.kind(), "identifier" | "selector_expression") {
                continue;
            }
            let key = self.text(*l);
            if key == "_" || key.is_empty() {
                continue;
            }
            let value = if lhs.len() == rhs.len() {
                rhs.get(i).copied()
            } else if i == 0 && rhs.len() == 1 {
                // `u, err := url.Parse(...)`: the first result.
                rhs.first().copied()
            } else {
                None
            };
            let a = Assign {
                pos,
                rhs: value,
                declares,
            };
            if l.kind() == "selector_expression" {
                self.field_assigns.entry(key).or_default().push(a);
                continue;
            }
            if scope.is_some() {
                self.inner_assigns.entry(key).or_default().push(a);
            }
            self.assigns.entry((key, scope)).or_default().push(a);
        }
    }

    // ----- queries -----

    /// Starts a new question with a fresh step budget.
    pub(super) fn refuel(&self) {
        let fuel = if self.file_fuel.get() > 0 {
            QUERY_FUEL
        } else {
            FLOOR_FUEL
        };
        self.fuel.set(fuel);
    }

    fn burn(&self) -> bool {
        let f = self.fuel.get();
        if f == 0 {
            return false;
        }
        self.fuel.set(f - 1);
        self.file_fuel.set(self.file_fuel.get().saturating_sub(1));
        true
    }

    /// The import path of a package name used in this file. Without an import (a fragment
    /// that does not parse), the standard names are assumed.
    pub(super) fn pkg_path(&self, name: &str) -> Option<&str> {
        if let Some(p) = self.imports.get(name) {
            return Some(p.as_str());
        }
        let std = match name {
            "http" => "net/http",
            "httputil" => "net/http/httputil",
            "url" => "net/url",
            "os" => "os",
            "strings" => "strings",
            _ => return None,
        };
        (!self.imported_paths.contains(std)).then_some(std)
    }

    /// `pkg.Name` as (import path, name) when `n` is a selector on a package.
    pub(super) fn qualified(&self, n: Node<'t>) -> Option<(&str, &'t str)> {
        if n.kind() != "selector_expression" {
            return None;
        }
        let operand = n.child_by_field_name("operand")?;
        if operand.kind() != "identifier" {
            return None;
        }
        let field = n.child_by_field_name("field")?;
        let path = self.pkg_path(self.text(operand))?;
        Some((path, self.text(field)))
    }

    /// The function-like scopes around byte `pos`, innermost first.
    pub(super) fn enclosing(&self, pos: usize) -> Vec<usize> {
        let idx = self.scopes.partition_point(|s| s.node.start_byte() <= pos);
        let mut out = Vec::new();
        let mut cur = idx.checked_sub(1);
        while let Some(i) = cur {
            let Some(s) = self.scopes.get(i) else { break };
            if s.node.start_byte() <= pos && pos < s.node.end_byte() {
                out.push(i);
            }
            cur = s.parent;
        }
        out
    }

    /// The parameter of scope `s` named `name`: its node and its position among the
    /// parameters (`None` for receivers and named results).
    pub(super) fn param_named(&self, s: Node<'t>, name: &str) -> Option<(Node<'t>, Option<usize>)> {
        if let Some(i) = params(s).iter().position(|p| self.text(*p) == name) {
            return params(s).get(i).map(|p| (*p, Some(i)));
        }
        for field in ["receiver", "result"] {
            let Some(list) = s.child_by_field_name(field) else {
                continue;
            };
            if list.kind() != "parameter_list" {
                continue;
            }
            if let Some(p) = param_list_names(list)
                .into_iter()
                .find(|p| self.text(*p) == name)
            {
                return Some((p, None));
            }
        }
        None
    }

    fn eval_assign(&self, a: &Assign<'t>, name: &str, env: &Env<'t>, depth: u32) -> Val<'t> {
        match a.rhs {
            None => Val::Unknown(format!("`{name}` gets a value this file does not show")),
            Some(e) => match self.eval(e, env, depth) {
                Val::NewMux => Val::Mux(name.to_owned()),
                v => v,
            },
        }
    }

    /// The last assignment to `name` in one scope before `pos` that says something; an
    /// environment lookup gives way to an earlier default (`x := "http://…"; if v := …`).
    fn resolve_in_scope(
        &self,
        name: &'t str,
        scope: Option<usize>,
        pos: usize,
        env: &Env<'t>,
        depth: u32,
    ) -> Option<Val<'t>> {
        let list = self.assigns.get(&(name, scope))?;
        let mut saw_env = false;
        for a in list.iter().rev().filter(|a| a.pos <= pos) {
            match self.eval_assign(a, name, env, depth) {
                Val::Env => saw_env = true,
                v => return Some(v),
            }
        }
        saw_env.then_some(Val::Env)
    }

    fn resolve_ident(&self, n: Node<'t>, env: &Env<'t>, depth: u32) -> Val<'t> {
        let name = self.text(n);
        let pos = n.start_byte();
        for si in self.enclosing(pos) {
            let Some(scope) = self.scopes.get(si).copied() else {
                continue;
            };
            if let Some(v) = self.resolve_in_scope(name, Some(si), pos, env, depth) {
                return v;
            }
            if let Some((param, index)) = self.param_named(scope.node, name) {
                if let Some(v) = env.get(&param.id()) {
                    return v.clone();
                }
                return self.param_from_call_sites(scope.node, param, index, depth);
            }
        }
        if let Some(v) = self.resolve_in_scope(name, None, usize::MAX, env, depth) {
            return v;
        }
        if let Some(f) = self.funcs.get(name) {
            return Val::Func(Func {
                node: *f,
                env: Env::default(),
                name: name.to_owned(),
            });
        }
        if self.globals.contains(name) {
            // A package-level variable assigned inside some function: use the assignments
            // if they all agree.
            let vals: Vec<Val<'t>> = self
                .inner_assigns
                .get(name)
                .into_iter()
                .flatten()
                .filter(|a| !a.declares)
                .map(|a| self.eval_assign(a, name, &Env::default(), depth))
                .collect();
            if let Some(v) = agree(vals) {
                return v;
            }
        }
        Val::Unknown(format!("`{name}` is defined outside this file"))
    }

    /// A parameter with no binding from the caller being followed: the value its call sites
    /// in this file agree on; a `*http.ServeMux` parameter otherwise names its table itself.
    fn param_from_call_sites(
        &self,
        f: Node<'t>,
        param: Node<'t>,
        index: Option<usize>,
        depth: u32,
    ) -> Val<'t> {
        let name = self.text(param);
        if let (Some(index), "function_declaration") = (index, f.kind()) {
            let fname = f
                .child_by_field_name("name")
                .map(|n| self.text(n))
                .unwrap_or("");
            if let Some(sites) = self.call_sites.get(fname) {
                let vals: Vec<Val<'t>> = sites
                    .iter()
                    .take(MAX_CALL_SITES)
                    .map(|c| match named_args(*c).get(index) {
                        Some(a) => self.eval(*a, &Env::default(), depth),
                        None => Val::Unknown(String::new()),
                    })
                    .collect();
                if vals.iter().all(Val::known)
                    && let Some(v) = agree(vals)
                {
                    return v;
                }
            }
        }
        let is_mux = param
            .parent()
            .and_then(|d| d.child_by_field_name("type"))
            .is_some_and(|t| self.text(t).trim_start_matches('*').ends_with("ServeMux"));
        if is_mux {
            return Val::Mux(name.to_owned());
        }
        Val::Unknown(format!("`{name}` is a parameter this file does not bind"))
    }

    /// Evaluates an expression.
    pub(super) fn eval(&self, n: Node<'t>, env: &Env<'t>, depth: u32) -> Val<'t> {
        if depth > MAX_DEPTH || !self.burn() {
            return Val::Unknown(format!(
                "`{}` is too deeply nested to follow",
                short(self.text(n))
            ));
        }
        let d = depth + 1;
        match n.kind() {
            "interpreted_string_literal" | "raw_string_literal" => match string_value(self.text(n))
            {
                Some(s) => Val::Str(s, Loc::of(n)),
                None => Val::Unknown("a string literal could not be read".to_owned()),
            },
            "identifier" => self.resolve_ident(n, env, d),
            "nil" => Val::Nil,
            "parenthesized_expression" => match n.named_child(0) {
                Some(inner) => self.eval(inner, env, d),
                None => Val::Unknown("empty parentheses".to_owned()),
            },
            "unary_expression" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                match (op, n.child_by_field_name("operand")) {
                    (Some("&" | "*"), Some(operand)) => self.eval(operand, env, d),
                    _ => self.cannot_follow(n),
                }
            }
            "binary_expression" => {
                let op = n.child_by_field_name("operator").map(|o| self.text(o));
                let l = n.child_by_field_name("left");
                let r = n.child_by_field_name("right");
                if let (Some("+"), Some(l), Some(r)) = (op, l, r)
                    && let (Val::Str(a, _), Val::Str(b, _)) =
                        (self.eval(l, env, d), self.eval(r, env, d))
                {
                    return Val::Str(a + &b, Loc::of(n));
                }
                self.cannot_follow(n)
            }
            "selector_expression" => self.eval_selector(n, env, d),
            "call_expression" => self.eval_call(n, env, d),
            "composite_literal" => self.eval_composite(n, env, d),
            "func_literal" => Val::Func(Func {
                node: n,
                env: env.clone(),
                name: format!("func literal at line {}", self.line_of(n.start_byte())),
            }),
            _ => self.cannot_follow(n),
        }
    }

    fn cannot_follow(&self, n: Node<'t>) -> Val<'t> {
        Val::Unknown(format!("`{}` cannot be followed", short(self.text(n))))
    }

    fn outside(&self, n: Node<'t>) -> Val<'t> {
        Val::Unknown(format!(
            "`{}` is defined outside this file",
            short(self.text(n))
        ))
    }

    pub(super) fn line_of(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= pos).max(1)
    }

    /// Nodes under `n` in source order, each costing a step of the budget;
    /// `skip_funcs` leaves nested func literals out.
    fn descendants(&self, n: Node<'t>, skip_funcs: bool) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if !self.burn() {
                break;
            }
            out.push(x);
            let mut cursor = x.walk();
            let kids: Vec<Node<'t>> = x
                .named_children(&mut cursor)
                .filter(|k| !(skip_funcs && k.kind() == "func_literal"))
                .collect();
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    fn eval_selector(&self, n: Node<'t>, env: &Env<'t>, d: u32) -> Val<'t> {
        let (Some(operand), Some(field)) = (
            n.child_by_field_name("operand"),
            n.child_by_field_name("field"),
        ) else {
            return self.cannot_follow(n);
        };
        let field = self.text(field);
        if let Some((pkg, name)) = self.qualified(n) {
            if pkg == "net/http" && name == "DefaultServeMux" {
                return Val::Mux(DEFAULT_MUX.to_owned());
            }
            return self.outside(n);
        }
        if field == "ServeHTTP" {
            // A handler's method value is the handler.
            return self.eval(operand, env, d);
        }
        // A struct field assigned somewhere in this file (`s.mux = http.NewServeMux()`).
        let key = self.text(n);
        let latest = self
            .field_assigns
            .get(key)
            .and_then(|list| list.iter().max_by_key(|a| a.pos));
        if let Some(a) = latest {
            return self.eval_assign(a, key, &Env::default(), d);
        }
        match (self.eval(operand, env, d), field) {
            (Val::Url(u), "Host") => Val::Str(host_port(&u), u.loc),
            _ => self.outside(n),
        }
    }

    fn eval_call(&self, n: Node<'t>, env: &Env<'t>, d: u32) -> Val<'t> {
        let Some(callee) = n.child_by_field_name("function") else {
            return self.cannot_follow(n);
        };
        let args = named_args(n);
        let arg = |i: usize| args.get(i).copied();
        if let Some((pkg, name)) = self.qualified(callee) {
            match (pkg, name) {
                ("net/http", "NewServeMux") => return Val::NewMux,
                ("net/http", "StripPrefix") => {
                    let (Some(p), Some(h)) = (arg(0), arg(1)) else {
                        return self.cannot_follow(n);
                    };
                    return match self.eval(p, env, d) {
                        Val::Str(prefix, _) => Val::Strip {
                            prefix,
                            loc: Loc::of(n),
                            inner: Box::new(self.eval(h, env, d)),
                        },
                        _ => Val::Unknown(format!(
                            "the StripPrefix prefix `{}` is not a constant of this file",
                            short(self.text(p))
                        )),
                    };
                }
                ("net/http", "HandlerFunc" | "Handler") => {
                    let Some(f) = arg(0) else {
                        return self.cannot_follow(n);
                    };
                    return match self.eval(f, env, d) {
                        Val::Unknown(_)
                            if matches!(f.kind(), "identifier" | "selector_expression") =>
                        {
                            Val::Named(self.text(f).to_owned())
                        }
                        v => v,
                    };
                }
                ("net/http", "FileServer" | "RedirectHandler" | "NotFoundHandler") => {
                    return Val::Named(format!("http.{name}"));
                }
                ("net/http/httputil", "NewSingleHostReverseProxy") => {
                    let Some(u) = arg(0) else {
                        return self.cannot_follow(n);
                    };
                    return match self.eval(u, env, d) {
                        Val::Url(u) => Val::Proxy(u),
                        Val::Str(s, loc) => match parse_url(&s, loc) {
                            Some(u) => Val::Proxy(u),
                            None => Val::Unknown(format!(
                                "the proxy target `{s}` is not an http(s) URL"
                            )),
                        },
                        _ => Val::Unknown(format!(
                            "the reverse proxy target `{}` is not a URL this file shows",
                            short(self.text(u))
                        )),
                    };
                }
                ("net/url", "Parse" | "ParseRequestURI") => {
                    let Some(s) = arg(0) else {
                        return self.cannot_follow(n);
                    };
                    return match self.eval(s, env, d) {
                        Val::Str(s, loc) => match parse_url(&s, loc) {
                            Some(u) => Val::Url(u),
                            None => Val::Unknown(format!("`{s}` is not an http(s) URL")),
                        },
                        Val::Env => Val::Env,
                        v @ Val::Unknown(_) => v,
                        _ => self.cannot_follow(n),
                    };
                }
                ("os", "Getenv" | "LookupEnv") => return Val::Env,
                ("strings", "TrimSpace" | "TrimSuffix" | "TrimPrefix") => {
                    let s = arg(0).map(|a| self.eval(a, env, d));
                    let cut = arg(1).map(|a| self.eval(a, env, d));
                    return match (name, s, cut) {
                        ("TrimSpace", Some(Val::Str(s, l)), _) => Val::Str(s.trim().to_owned(), l),
                        ("TrimSuffix", Some(Val::Str(s, l)), Some(Val::Str(c, _))) => {
                            Val::Str(s.strip_suffix(c.as_str()).unwrap_or(&s).to_owned(), l)
                        }
                        ("TrimPrefix", Some(Val::Str(s, l)), Some(Val::Str(c, _))) => {
                            Val::Str(s.strip_prefix(c.as_str()).unwrap_or(&s).to_owned(), l)
                        }
                        (_, Some(Val::Env), _) => Val::Env,
                        _ => self.cannot_follow(n),
                    };
                }
                _ => {}
            }
        }
        if callee.kind() == "selector_expression" && args.is_empty() {
            let field = callee.child_by_field_name("field").map(|f| self.text(f));
            if field == Some("String")
                && let Some(Val::Url(u)) = callee
                    .child_by_field_name("operand")
                    .map(|o| self.eval(o, env, d))
            {
                let s = format!("http://{}{}", host_port(&u), u.path);
                return Val::Str(s, u.loc);
            }
        }
        // A function of this file (or a closure one returned): follow its return values.
        if matches!(
            callee.kind(),
            "identifier" | "func_literal" | "parenthesized_expression" | "call_expression"
        ) && let Val::Func(f) = self.eval(callee, env, d)
        {
            let v = self.call_local(&f, &args, env, d);
            if v.known() {
                return match v {
                    Val::Func(mut inner) if inner.node.kind() == "func_literal" => {
                        inner.name = format!("{}(…)", short(self.text(callee)));
                        Val::Func(inner)
                    }
                    v => v,
                };
            }
        }
        // An environment lookup with a literal default: `getEnv("X", "http://svc:80")`.
        if let Some(last) = args.iter().rev().find(|a| {
            matches!(
                a.kind(),
                "interpreted_string_literal" | "raw_string_literal"
            )
        }) && let Some(s) = string_value(self.text(*last))
            && parse_url(&s, Loc::of(*last)).is_some()
        {
            return Val::Str(s, Loc::of(*last));
        }
        // A middleware wrap: exactly one argument routes somewhere, the wrap passes it on.
        let mut routing = Vec::new();
        for a in &args {
            let v = self.eval(*a, env, d);
            if self.to_target(&v, d).routes_on() {
                routing.push(v);
            }
        }
        if routing.len() == 1
            && let Some(v) = routing.pop()
        {
            return v;
        }
        self.outside(n)
    }

    /// Calls a function of this file: binds its parameters, agrees its return values.
    fn call_local(&self, f: &Func<'t>, args: &[Node<'t>], env: &Env<'t>, d: u32) -> Val<'t> {
        let mut bound: HashMap<usize, Val<'t>> = (*f.env).clone();
        for (p, a) in params(f.node).iter().zip(args) {
            bound.insert(p.id(), self.eval(*a, env, d));
        }
        let bound: Env<'t> = Rc::new(bound);
        let Some(body) = f.node.child_by_field_name("body") else {
            return Val::Unknown(format!("`{}` has no body", f.name));
        };
        let mut vals = Vec::new();
        let mut saw_env = false;
        for r in self
            .descendants(body, true)
            .into_iter()
            .filter(|r| r.kind() == "return_statement")
        {
            let Some(first) = r.named_child(0).and_then(|l| {
                if l.kind() == "expression_list" {
                    l.named_child(0)
                } else {
                    Some(l)
                }
            }) else {
                continue;
            };
            match self.eval(first, &bound, d) {
                Val::Env => saw_env = true,
                v if v.known() => vals.push(v),
                _ => {}
            }
        }
        match agree(vals) {
            Some(v) => v,
            None if saw_env => Val::Env,
            None => Val::Unknown(format!(
                "`{}` returns nothing this file can follow",
                short(&f.name)
            )),
        }
    }

    fn eval_composite(&self, n: Node<'t>, env: &Env<'t>, d: u32) -> Val<'t> {
        let ty = n.child_by_field_name("type");
        let (pkg, name) = match ty {
            Some(t) if t.kind() == "qualified_type" => {
                let pkg = t
                    .child_by_field_name("package")
                    .and_then(|p| self.pkg_path(self.text(p)));
                let name = t.child_by_field_name("name").map(|p| self.text(p));
                (pkg, name)
            }
            _ => (None, None),
        };
        let fields = self.keyed_fields(n);
        match (pkg, name) {
            (Some("net/url"), Some("URL")) => {
                let get = |k: &str| {
                    fields
                        .iter()
                        .find(|(key, _)| *key == k)
                        .map(|(_, v)| self.eval(*v, env, d))
                };
                let scheme = match get("Scheme") {
                    Some(Val::Str(s, _)) => s,
                    None => "http".to_owned(),
                    Some(_) => return self.cannot_follow(n),
                };
                let path = match get("Path") {
                    Some(Val::Str(s, _)) => s,
                    None => String::new(),
                    Some(_) => return self.cannot_follow(n),
                };
                let Some(Val::Str(host, loc)) = get("Host") else {
                    return self.cannot_follow(n);
                };
                if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
                    return self.cannot_follow(n);
                }
                match parse_host_port(&host) {
                    Some((host, port)) => Val::Url(Url {
                        host,
                        port,
                        path,
                        loc,
                    }),
                    None => self.cannot_follow(n),
                }
            }
            (Some("net/http/httputil"), Some("ReverseProxy")) => {
                for (key, v) in &fields {
                    if matches!(*key, "Director" | "Rewrite")
                        && let Val::Func(f) = self.eval(*v, env, d)
                        && let Some(u) = self.proxy_body_target(&f, d)
                    {
                        return Val::Proxy(u);
                    }
                }
                Val::Unknown(
                    "the reverse proxy's Director or Rewrite does not set a host this file shows"
                        .to_owned(),
                )
            }
            _ => self.cannot_follow(n),
        }
    }

    /// `Key: value` pairs of a composite literal.
    fn keyed_fields(&self, n: Node<'t>) -> Vec<(&'t str, Node<'t>)> {
        let mut out = Vec::new();
        for el in named_children(n.child_by_field_name("body")) {
            if el.kind() != "keyed_element" {
                continue;
            }
            let key = el.child_by_field_name("key").and_then(unwrap_element);
            let value = el.child_by_field_name("value").and_then(unwrap_element);
            if let (Some(k), Some(v)) = (key, value) {
                out.push((self.text(k), v));
            }
        }
        out
    }

    /// The URL a Director (`req.URL.Host = "…"`) or Rewrite (`pr.SetURL(u)`) sends to.
    fn proxy_body_target(&self, f: &Func<'t>, d: u32) -> Option<Url> {
        let body = f.node.child_by_field_name("body")?;
        for n in self.descendants(body, false) {
            match n.kind() {
                "assignment_statement" => {
                    let lhs = named_children(n.child_by_field_name("left"));
                    let rhs = named_children(n.child_by_field_name("right"));
                    for (l, r) in lhs.iter().zip(&rhs) {
                        let lt: String = self.text(*l).split_whitespace().collect();
                        if !lt.ends_with(".URL.Host") {
                            continue;
                        }
                        match self.eval(*r, &f.env, d) {
                            Val::Str(s, loc) => {
                                let (host, port) = parse_host_port(&s)?;
                                return Some(Url {
                                    host,
                                    port,
                                    path: String::new(),
                                    loc,
                                });
                            }
                            Val::Url(u) => {
                                return Some(Url {
                                    path: String::new(),
                                    ..u
                                });
                            }
                            _ => return None,
                        }
                    }
                }
                "call_expression" => {
                    let callee = n.child_by_field_name("function");
                    let field = callee
                        .filter(|c| c.kind() == "selector_expression")
                        .and_then(|c| c.child_by_field_name("field"))
                        .map(|f| self.text(f));
                    if field == Some("SetURL") {
                        let a = named_args(n).first().copied()?;
                        return match self.eval(a, &f.env, d) {
                            Val::Url(u) => Some(u),
                            Val::Str(s, loc) => parse_url(&s, loc),
                            _ => None,
                        };
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Where a handler value sends the request.
    pub(super) fn to_target(&self, v: &Val<'t>, depth: u32) -> Routed {
        if depth > MAX_DEPTH {
            return Routed::opaque("the handler is too deeply nested to follow");
        }
        let d = depth + 1;
        match v {
            Val::Proxy(u) => Routed {
                target: Target::Forward {
                    host: u.host.clone(),
                    port: u.port,
                    span: self.span(u.loc),
                },
                // NewSingleHostReverseProxy (and SetURL) join the target's path in front of
                // the request path.
                rewrite: (!u.path.is_empty() && u.path != "/")
                    .then(|| (Rewrite::PrefixPath(u.path.clone()), u.loc)),
            },
            Val::Strip { prefix, loc, inner } => {
                let r = self.to_target(inner, d);
                let prefix = match &r.rewrite {
                    // Two StripPrefix in a row trim both prefixes, exactly as one would.
                    Some((Rewrite::StripPrefix(q), _)) => format!("{prefix}{q}"),
                    // A proxy target path after StripPrefix: a route has one rewrite, the
                    // strip is kept (the target path prefix is not modelled here).
                    _ => prefix.clone(),
                };
                Routed {
                    target: r.target,
                    rewrite: Some((Rewrite::StripPrefix(prefix), *loc)),
                }
            }
            Val::Mux(name) => Routed::plain(Target::Table(name.clone())),
            Val::NewMux => Routed::opaque("the handler is a ServeMux without a name"),
            Val::Func(f) => self.func_target(f, d),
            Val::Named(name) => Routed::plain(Target::Serve {
                handler: name.clone(),
            }),
            Val::Str(s, _) => Routed::opaque(format!("`{}` is a string, not a handler", short(s))),
            Val::Url(u) => Routed::opaque(format!("the URL of `{}` is not a handler", u.host)),
            Val::Env => Routed::opaque("the handler comes from an environment variable"),
            Val::Nil => Routed::opaque("the handler is nil"),
            Val::Unknown(why) => Routed::opaque(why.clone()),
        }
    }

    /// A handler function: forwards if its body passes the request to a proxy or a mux
    /// (`proxy.ServeHTTP(w, r)`, `next(w, r)`), answers by itself otherwise.
    fn func_target(&self, f: &Func<'t>, d: u32) -> Routed {
        let Some(body) = f.node.child_by_field_name("body") else {
            return Routed::plain(Target::Serve {
                handler: f.name.clone(),
            });
        };
        let mut forwards: Vec<Routed> = Vec::new();
        let mut served: Vec<Routed> = Vec::new();
        let mut opaque: Option<Routed> = None;
        for c in self
            .descendants(body, false)
            .into_iter()
            .filter(|c| c.kind() == "call_expression")
        {
            let Some(callee) = c.child_by_field_name("function") else {
                continue;
            };
            let v = match callee.kind() {
                "selector_expression" => {
                    let field = callee.child_by_field_name("field").map(|x| self.text(x));
                    match (field, callee.child_by_field_name("operand")) {
                        (Some("ServeHTTP"), Some(op)) => self.eval(op, &f.env, d),
                        _ => continue,
                    }
                }
                // `next(w, r)` on a handler-function variable; calls of this file's
                // functions are ordinary helpers.
                "identifier" if !self.funcs.contains_key(self.text(callee)) => {
                    match self.eval(callee, &f.env, d) {
                        v @ (Val::Func(_) | Val::Proxy(_) | Val::Mux(_) | Val::Strip { .. }) => v,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let r = self.to_target(&v, d);
            match r.target {
                Target::Forward { .. } | Target::Table(_) => forwards.push(r),
                Target::Serve { .. } => served.push(r),
                Target::Opaque { .. } => {
                    opaque.get_or_insert(r);
                }
            }
        }
        let single = |list: Vec<Routed>| -> Option<Routed> {
            let first = list.first()?.clone();
            let k = first.key();
            list.iter().all(|r| r.key() == k).then_some(first)
        };
        if !forwards.is_empty() {
            return single(forwards).unwrap_or_else(|| {
                Routed::opaque(format!(
                    "handler `{}` passes requests to more than one target",
                    short(&f.name)
                ))
            });
        }
        if let Some(o) = opaque {
            return o;
        }
        if let Some(s) = single(served) {
            return s;
        }
        Routed::plain(Target::Serve {
            handler: f.name.clone(),
        })
    }

    // ----- facts -----

    /// One route per registration (per call site of the helper it sits in).
    fn routes(&self, facts: &mut Facts) {
        let mut order: u32 = 0;
        for call in &self.calls {
            let Some(callee) = call.child_by_field_name("function") else {
                continue;
            };
            if callee.kind() != "selector_expression" {
                continue;
            }
            let Some(method) = callee.child_by_field_name("field").map(|f| self.text(f)) else {
                continue;
            };
            if !matches!(method, "Handle" | "HandleFunc") || named_args(*call).len() != 2 {
                continue;
            }
            let mut seen = HashSet::new();
            for env in self.call_envs(*call) {
                self.refuel();
                let Some(route) = self.registration(*call, method == "HandleFunc", &env, order)
                else {
                    continue;
                };
                let key = (
                    route.table.clone(),
                    route.span,
                    format!("{:?}", route.target),
                );
                if seen.insert(key) {
                    facts.routes.push(route);
                    order = order.saturating_add(1);
                }
            }
        }
    }

    /// The bindings to evaluate a registration under: one per call site when it sits in a
    /// helper function called in this file with arguments; otherwise none.
    fn call_envs(&self, call: Node<'t>) -> Vec<Env<'t>> {
        let Some(si) = self.enclosing(call.start_byte()).first().copied() else {
            return vec![Env::default()];
        };
        let Some(scope) = self.scopes.get(si) else {
            return vec![Env::default()];
        };
        let f = scope.node;
        let ps = params(f);
        if f.kind() != "function_declaration" || ps.is_empty() {
            return vec![Env::default()];
        }
        let fname = f
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        let Some(sites) = self.call_sites.get(fname) else {
            return vec![Env::default()];
        };
        let mut envs = Vec::new();
        for site in sites.iter().take(MAX_CALL_SITES) {
            self.refuel();
            let args = named_args(*site);
            let mut bound = HashMap::new();
            for (p, a) in ps.iter().zip(&args) {
                bound.insert(p.id(), self.eval(*a, &Env::default(), 1));
            }
            envs.push(Rc::new(bound));
        }
        if envs.is_empty() {
            envs.push(Env::default());
        }
        envs
    }

    fn registration(
        &self,
        call: Node<'t>,
        is_func: bool,
        env: &Env<'t>,
        order: u32,
    ) -> Option<RouteFact> {
        let callee = call.child_by_field_name("function")?;
        let operand = callee.child_by_field_name("operand")?;
        let table = if operand.kind() == "identifier"
            && self.pkg_path(self.text(operand)) == Some("net/http")
        {
            DEFAULT_MUX.to_owned()
        } else {
            match self.eval(operand, env, 0) {
                Val::Mux(name) => name,
                _ => return None,
            }
        };
        let args = named_args(call);
        let (pat_node, handler) = (*args.first()?, *args.get(1)?);
        let Val::Str(pattern, ploc) = self.eval(pat_node, env, 0) else {
            return None;
        };
        let (methods, pattern) = parse_pattern(&pattern)?;
        let v = self.eval(handler, env, 0);
        let routed = match v {
            // HandleFunc always takes a function: one this file does not define is the
            // gateway's own code (`healthz`, `h.listPosts`).
            Val::Unknown(_)
                if is_func && matches!(handler.kind(), "identifier" | "selector_expression") =>
            {
                Routed::plain(Target::Serve {
                    handler: self.text(handler).to_owned(),
                })
            }
            v => self.to_target(&v, 0),
        };
        Some(RouteFact {
            owner: Owner::File,
            origin: format!("ServeMux {table}"),
            table,
            order,
            matcher: PathMatch::Template {
                pattern,
                ignore_case: false,
            },
            methods,
            rewrite_span: routed.rewrite.as_ref().map(|(_, l)| self.span(*l)),
            rewrite: routed.rewrite.map(|(r, _)| r),
            target: routed.target,
            span: self.span(ploc),
            rule_span: self.span(Loc::of(call)),
            hosts: Vec::new(),
            gateways: Vec::new(),
            dialect: Dialect::GoServeMux { modern: true },
            priority: None,
            conditional: false,
        })
    }

    /// The muxes that receive the server's traffic.
    fn entries(&self, facts: &mut Facts) {
        let mut handlers: Vec<(usize, Option<Node<'t>>)> = Vec::new();
        for call in &self.calls {
            let Some(callee) = call.child_by_field_name("function") else {
                continue;
            };
            let index = match self.qualified(callee) {
                Some(("net/http", "ListenAndServe" | "Serve" | "ServeTLS")) => 1,
                Some(("net/http", "ListenAndServeTLS")) => 3,
                _ => continue,
            };
            if let Some(h) = named_args(*call).get(index) {
                handlers.push((call.start_byte(), Some(*h)));
            }
        }
        for lit in &self.composites {
            let Some(ty) = lit.child_by_field_name("type") else {
                continue;
            };
            if ty.kind() != "qualified_type" {
                continue;
            }
            let pkg = ty
                .child_by_field_name("package")
                .and_then(|p| self.pkg_path(self.text(p)));
            let name = ty.child_by_field_name("name").map(|p| self.text(p));
            if pkg != Some("net/http") || name != Some("Server") {
                continue;
            }
            let h = self
                .keyed_fields(*lit)
                .into_iter()
                .find(|(k, _)| *k == "Handler")
                .map(|(_, v)| v);
            handlers.push((lit.start_byte(), h));
        }
        handlers.sort_by_key(|(pos, _)| *pos);
        for (_, h) in handlers {
            self.refuel();
            let table = match h {
                None => Some(DEFAULT_MUX.to_owned()),
                Some(h) => match self.eval(h, &Env::default(), 0) {
                    Val::Nil => Some(DEFAULT_MUX.to_owned()),
                    v => match self.to_target(&v, 0).target {
                        Target::Table(name) => Some(name),
                        _ => None,
                    },
                },
            };
            if let Some(t) = table
                && !facts.entry_tables.contains(&t)
            {
                facts.entry_tables.push(t);
            }
        }
    }
}

/// The values agree: the common one. Unknowns and env lookups are left out.
fn agree(vals: Vec<Val<'_>>) -> Option<Val<'_>> {
    let mut known = vals.into_iter().filter(Val::known);
    let first = known.next()?;
    let k = first.key();
    known.all(|v| v.key() == k).then_some(first)
}

pub(super) fn named_children(n: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(n) = n else { return Vec::new() };
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

pub(super) fn named_args(call: Node<'_>) -> Vec<Node<'_>> {
    named_children(call.child_by_field_name("arguments"))
}

/// `literal_element` wraps keys and values of composite literals.
fn unwrap_element(n: Node<'_>) -> Option<Node<'_>> {
    if n.kind() == "literal_element" {
        n.named_child(0)
    } else {
        Some(n)
    }
}

/// Parameter names of a function-like node, in order.
pub(super) fn params(f: Node<'_>) -> Vec<Node<'_>> {
    f.child_by_field_name("parameters")
        .map(param_list_names)
        .unwrap_or_default()
}

fn param_list_names(list: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for decl in named_children(Some(list)) {
        let mut cursor = decl.walk();
        out.extend(decl.children_by_field_name("name", &mut cursor));
    }
    out
}

/// The value of a Go string literal: `"…"` with escapes, or raw `` `…` ``.
pub(super) fn string_value(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(raw.replace('\r', ""));
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        match e {
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&h, 16).ok()?);
            }
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&format!("{e}{rest}"), 8).ok()?;
                out.push(u8::try_from(v).ok()?);
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let h: String = chars.by_ref().take(n).collect();
                let c = char::from_u32(u32::from_str_radix(&h, 16).ok()?)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// `http://blog-service:8005/base` → host, port, path; only http(s) URLs with a host.
fn parse_url(s: &str, loc: Loc) -> Option<Url> {
    let (scheme, rest) = s.trim().split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let after = rest.get(end..)?;
    let path = after.split(['?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = parse_host_port(hostport)?;
    Some(Url {
        host,
        port,
        path: path.to_owned(),
        loc,
    })
}

/// `blog-service:8005` → (`blog-service`, 8005); `[::1]:80` → (`::1`, 80).
fn parse_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':');
    if host.is_empty() || !host.chars().all(ok_char) {
        return None;
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    Some((host.to_owned(), port))
}

fn host_port(u: &Url) -> String {
    match u.port {
        Some(p) => format!("{}:{p}", u.host),
        None => u.host.clone(),
    }
}

/// A Go 1.22 ServeMux pattern `[METHOD ][HOST]/PATH` as methods and a path template; `None`
/// for a pattern ServeMux rejects (it panics at registration).
fn parse_pattern(s: &str) -> Option<(MethodSet, Pattern)> {
    let (method, rest) = match s.find([' ', '\t']) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?.trim_start_matches([' ', '\t'])),
        None => ("", s),
    };
    let methods = if method.is_empty() {
        MethodSet::Any
    } else {
        let token = method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            return None;
        }
        // Methods are case-sensitive: `get` is a method no client sends.
        match Method::parse(method).filter(|m| m.as_str() == method) {
            Some(Method::Get) => MethodSet::only([Method::Get, Method::Head]),
            Some(m) => MethodSet::only([m]),
            None => MethodSet::Only(Vec::new()),
        }
    };
    let slash = rest.find('/')?;
    if rest.get(..slash)?.contains('{') {
        return None;
    }
    let mut path = rest.get(slash..)?;
    let mut pattern = Pattern::default();
    let mut names = HashSet::new();
    while let Some(after) = path.strip_prefix('/') {
        if after.is_empty() {
            pattern.subtree = true;
            break;
        }
        let end = after.find('/').unwrap_or(after.len());
        let seg = after.get(..end)?;
        path = after.get(end..)?;
        let Some(brace) = seg.find('{') else {
            pattern.segs.push(PatSeg::Lit(seg.to_owned()));
            continue;
        };
        if brace != 0 {
            return None;
        }
        let name = seg.strip_prefix('{')?.strip_suffix('}')?;
        if name == "$" {
            if !path.is_empty() {
                return None;
            }
            pattern.trailing_slash = true;
            break;
        }
        let (name, rest_wild) = match name.strip_suffix("...") {
            Some(n) => (n, true),
            None => (name, false),
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !valid || !names.insert(name.to_owned()) || (rest_wild && !path.is_empty()) {
            return None;
        }
        pattern.segs.push(if rest_wild {
            PatSeg::Rest(name.to_owned())
        } else {
            PatSeg::Param(name.to_owned())
        });
    }
    Some((methods, pattern))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_file::FileId;

    fn run(src: &str) -> Facts {
        extract(crate::sources::testing::test_input(
            "api-gateway/main.go",
            src,
        ))
    }

    fn slice(src: &str, span: Span) -> &str {
        &src[span.start as usize..span.end as usize]
    }

    fn fwd(host: &str, port: Option<u16>) -> (String, Option<u16>) {
        (host.to_owned(), port)
    }

    fn forward_of(r: &RouteFact) -> Option<(String, Option<u16>)> {
        match &r.target {
            Target::Forward { host, port, .. } => Some((host.clone(), *port)),
            _ => None,
        }
    }

    fn rewrite_of(r: &RouteFact) -> Option<String> {
        r.rewrite.as_ref().map(|w| w.to_string())
    }

    const SEED: &str = r#"package main

import (
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func getEnv(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func main() {
	target, _ := url.Parse(getEnv("BLOG_SERVICE_URL", "http://blog-service:8005"))
	proxy := httputil.NewSingleHostReverseProxy(target)
	authProxy := withAuth(proxy)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("/blog/api/", authProxy)
	log.Fatal(http.ListenAndServe(":8000", mux))
}
"#;

    #[test]
    fn seed_gateway_forwards_blog_api_unchanged_to_blog_service() {
        let f = run(SEED);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes.len(), 2);
        let health = &f.routes[0];
        assert_eq!(format!("{}", health.matcher), "/healthz");
        assert_eq!(health.methods, MethodSet::only([Method::Get, Method::Head]));
        assert_eq!(
            health.target,
            Target::Serve {
                handler: "healthz".into()
            }
        );
        assert_eq!(health.order, 0);
        assert_eq!(slice(SEED, health.span), "\"GET /healthz\"");

        let api = &f.routes[1];
        assert_eq!(api.order, 1);
        assert_eq!(api.table, "mux");
        assert_eq!(api.origin, "ServeMux mux");
        assert_eq!(api.owner, Owner::File);
        assert_eq!(api.dialect, Dialect::GoServeMux { modern: true });
        assert_eq!(format!("{}", api.matcher), "/blog/api/");
        match &api.matcher {
            PathMatch::Template {
                pattern,
                ignore_case,
            } => {
                assert!(pattern.subtree);
                assert!(!ignore_case);
            }
            other => panic!("not a template: {other:?}"),
        }
        assert_eq!(api.methods, MethodSet::Any);
        assert!(api.rewrite.is_none());
        assert!(api.rewrite_span.is_none());
        assert_eq!(forward_of(api), Some(fwd("blog-service", Some(8005))));
        let Target::Forward { span, .. } = &api.target else {
            panic!("not a forward")
        };
        assert_eq!(slice(SEED, *span), "\"http://blog-service:8005\"");
        assert_eq!(slice(SEED, api.span), "\"/blog/api/\"");
        assert_eq!(
            slice(SEED, api.rule_span),
            "mux.Handle(\"/blog/api/\", authProxy)"
        );
        assert!(api.hosts.is_empty() && api.gateways.is_empty());
        assert_eq!(f.entry_tables, vec!["mux".to_owned()]);
    }

    #[test]
    fn seed_gateway_with_its_own_auth_middleware_and_proxy_handler_still_forwards() {
        let src = format!(
            "{SEED}{}",
            r#"
var userProxy = newProxy("http://user-service:8001")

func newProxy(target string) *httputil.ReverseProxy {
	u, _ := url.Parse(target)
	return httputil.NewSingleHostReverseProxy(u)
}

func withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func userHandler(w http.ResponseWriter, r *http.Request) { userProxy.ServeHTTP(w, r) }

func init() { http.HandleFunc("/users/", userHandler) }
"#
        );
        let f = run(&src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| format!("{} {} {:?}", r.table, r.matcher, forward_of(r)))
            .collect();
        let want = [
            "mux /healthz None",
            r#"mux /blog/api/ Some(("blog-service", Some(8005)))"#,
            r#"http.DefaultServeMux /users/ Some(("user-service", Some(8001)))"#,
        ];
        assert_eq!(got, want);
        assert_eq!(f.entry_tables, ["mux"]);
    }

    /// Wraps registrations in a minimal file with a proxy and a local handler.
    fn gateway(body: &str) -> String {
        format!(
            r#"package main

import (
	"net/http"
	"net/http/httputil"
	"net/url"
)

func listPosts(w http.ResponseWriter, r *http.Request) {{ w.WriteHeader(200) }}

func main() {{
	u, _ := url.Parse("http://blog-service:8005")
	proxy := httputil.NewSingleHostReverseProxy(u)
	mux := http.NewServeMux()
	{body}
	http.ListenAndServe(":8000", mux)
}}
"#
        )
    }

    #[test]
    fn go_1_22_patterns_become_templates_with_methods() {
        // (pattern literal, matcher display, methods, shape)
        let table = [
            (
                r#""PATCH /blog/api/posts/{id}""#,
                "/blog/api/posts/{id}",
                "PATCH",
                "exact",
            ),
            (r#""GET /posts/{$}""#, "/posts/", "GET, HEAD", "slash"),
            (r#""/{$}""#, "/", "any method", "slash"),
            (
                r#""GET /files/{path...}""#,
                "/files/{path...}",
                "GET, HEAD",
                "exact",
            ),
            (r#""/""#, "/", "any method", "subtree"),
            (r#""/blog/api""#, "/blog/api", "any method", "exact"),
            (r#""POST example.com/login""#, "/login", "POST", "exact"),
            (r#""DELETE\t/posts/{id}""#, "/posts/{id}", "DELETE", "exact"),
            (r#""get /x""#, "/x", "", "exact"),
            ("`HEAD /raw/`", "/raw/", "HEAD", "subtree"),
        ];
        for (lit, display, methods, shape) in table {
            let src = gateway(&format!("mux.Handle({lit}, proxy)"));
            let f = run(&src);
            assert_eq!(f.routes.len(), 1, "{lit}");
            let r = &f.routes[0];
            assert_eq!(format!("{}", r.matcher), display, "{lit}");
            assert_eq!(r.methods.to_string(), methods, "{lit}");
            let PathMatch::Template { pattern, .. } = &r.matcher else {
                panic!("{lit}: not a template")
            };
            let got = match (pattern.subtree, pattern.trailing_slash) {
                (true, false) => "subtree",
                (false, true) => "slash",
                (false, false) => "exact",
                (true, true) => "both",
            };
            assert_eq!(got, shape, "{lit}");
            assert_eq!(slice(&src, r.span), lit);
            assert_eq!(
                forward_of(r),
                Some(fwd("blog-service", Some(8005))),
                "{lit}"
            );
        }
        // GET also serves HEAD; the set is exact.
        let src = gateway(r#"mux.Handle("GET /x", proxy)"#);
        let get_head = MethodSet::only([Method::Get, Method::Head]);
        assert_eq!(run(&src).routes[0].methods, get_head);
    }

    #[test]
    fn pattern_segments_are_params_and_rest() {
        let (_, p) = parse_pattern("PATCH /blog/api/posts/{id}").unwrap();
        assert_eq!(
            p.segs,
            vec![
                PatSeg::Lit("blog".into()),
                PatSeg::Lit("api".into()),
                PatSeg::Lit("posts".into()),
                PatSeg::Param("id".into()),
            ]
        );
        let (_, p) = parse_pattern("/static/{path...}").unwrap();
        assert_eq!(
            p.segs,
            vec![PatSeg::Lit("static".into()), PatSeg::Rest("path".into())]
        );
        let (_, p) = parse_pattern("/").unwrap();
        assert!(p.segs.is_empty() && p.subtree && !p.trailing_slash);
    }

    #[test]
    fn patterns_servemux_rejects_produce_no_route() {
        for bad in [
            "",
            "GET",
            "/a{id}",
            "/{id}x",
            "/{path...}/more",
            "/{$}/x",
            "/{}",
            "/{a}/{a}",
            "/{1x}",
            "host{x}/y",
            "GE(T /x",
        ] {
            assert!(parse_pattern(bad).is_none(), "{bad:?} should be rejected");
        }
        let src = gateway(r#"mux.Handle("/a{id}", proxy); mux.Handle("nopath", proxy)"#);
        assert!(run(&src).routes.is_empty());
    }

    #[test]
    fn strip_prefix_keeps_the_strip_and_follows_the_proxy() {
        let src = gateway(r#"mux.Handle("/blog/api/", http.StripPrefix("/blog/api", proxy))"#);
        let f = run(&src);
        let r = &f.routes[0];
        assert!(matches!(r.rewrite, Some(Rewrite::StripPrefix(ref p)) if p == "/blog/api"));
        assert_eq!(
            slice(&src, r.rewrite_span.unwrap()),
            r#"http.StripPrefix("/blog/api", proxy)"#
        );
        assert_eq!(forward_of(r), Some(fwd("blog-service", Some(8005))));
    }

    #[test]
    fn nested_strip_prefix_trims_both_prefixes() {
        let src = gateway(
            r#"mux.Handle("/a/b/", http.StripPrefix("/a", http.StripPrefix("/b", proxy)))"#,
        );
        let r = &run(&src).routes[0];
        assert_eq!(rewrite_of(r).as_deref(), Some("strip /a/b"));
        assert_eq!(forward_of(r), Some(fwd("blog-service", Some(8005))));
    }

    #[test]
    fn proxy_target_with_path_prefixes_the_request_path() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
func main() {
	u, _ := url.Parse("https://backend/v2/")
	mux := http.NewServeMux()
	mux.Handle("/api/", httputil.NewSingleHostReverseProxy(u))
	mux.Handle("/old/", http.StripPrefix("/old", httputil.NewSingleHostReverseProxy(u)))
}
"#;
        let f = run(src);
        assert_eq!(
            rewrite_of(&f.routes[0]).as_deref(),
            Some("prefix with /v2/")
        );
        assert_eq!(
            slice(src, f.routes[0].rewrite_span.unwrap()),
            "\"https://backend/v2/\""
        );
        assert_eq!(forward_of(&f.routes[0]), Some(fwd("backend", None)));
        // One rewrite per route: the strip wins over the target path.
        assert_eq!(rewrite_of(&f.routes[1]).as_deref(), Some("strip /old"));
    }

    #[test]
    fn new_proxy_helpers_of_this_file_are_followed_per_argument() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")

func newProxy(target string) *httputil.ReverseProxy {
	u, _ := url.Parse(target)
	return httputil.NewSingleHostReverseProxy(u)
}

func proxyHandler(raw string) http.HandlerFunc {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	return func(w http.ResponseWriter, r *http.Request) {
		r.Host = u.Host
		p.ServeHTTP(w, r)
	}
}

func mustProxy(raw string) (*httputil.ReverseProxy, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return httputil.NewSingleHostReverseProxy(u), nil
}

const userURL = "http://user-service:8001"

func main() {
	mux := http.NewServeMux()
	mux.Handle("/blog/api/", newProxy("http://blog-service:8005"))
	mux.HandleFunc("/users/", proxyHandler(userURL))
	p, err := mustProxy("http://search:9200")
	_ = err
	mux.Handle("/search/", p)
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("user-service", Some(8001))),
                Some(fwd("search", Some(9200))),
            ]
        );
        let Target::Forward { span, .. } = &f.routes[1].target else {
            panic!()
        };
        assert_eq!(slice(src, *span), "\"http://user-service:8001\"");
    }

    #[test]
    fn director_and_rewrite_proxies_forward_to_the_host_they_set() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
func main() {
	director := &httputil.ReverseProxy{Director: func(req *http.Request) {
		req.URL.Scheme = "http"
		req.URL.Host = "blog-service:8005"
	}}
	target := &url.URL{Scheme: "http", Host: "auth-service:9000"}
	viaURL := httputil.ReverseProxy{Director: func(req *http.Request) {
		req.URL.Scheme = target.Scheme
		req.URL.Host = target.Host
	}}
	rw := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
	}}
	mux := http.NewServeMux()
	mux.Handle("/blog/", director)
	mux.Handle("/auth/", &viaURL)
	mux.Handle("/rw/", rw)
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("auth-service", Some(9000))),
                Some(fwd("auth-service", Some(9000))),
            ]
        );
        let Target::Forward { span, .. } = &f.routes[0].target else {
            panic!()
        };
        assert_eq!(slice(src, *span), "\"blog-service:8005\"");
    }

    #[test]
    fn env_lookups_fall_back_to_their_literal_default() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url"; "os"; "config")
func main() {
	blog := os.Getenv("BLOG_URL")
	if blog == "" {
		blog = "http://blog-service:8005"
	}
	user := "http://user-service:8001"
	if v, ok := os.LookupEnv("USER_URL"); ok {
		user = v
	}
	bu, _ := url.Parse(blog)
	uu, _ := url.Parse(user)
	cu, _ := url.Parse(config.Get("CMT_URL", "http://comment-service:8002"))
	only := os.Getenv("NOPE")
	nu, _ := url.Parse(only)
	mux := http.NewServeMux()
	mux.Handle("/blog/", httputil.NewSingleHostReverseProxy(bu))
	mux.Handle("/users/", httputil.NewSingleHostReverseProxy(uu))
	mux.Handle("/comments/", httputil.NewSingleHostReverseProxy(cu))
	mux.Handle("/nope/", httputil.NewSingleHostReverseProxy(nu))
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("user-service", Some(8001))),
                Some(fwd("comment-service", Some(8002))),
                None,
            ]
        );
        assert!(matches!(f.routes[3].target, Target::Opaque { .. }));
    }

    #[test]
    fn middleware_wraps_pass_the_proxy_through() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url"; "time")

func withLogging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
	})
}

func withAuthFunc(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { next(w, r) }
}

func main() {
	u, _ := url.Parse("http://blog-service:8005")
	proxy := httputil.NewSingleHostReverseProxy(u)
	authProxy := authMiddleware(proxy)
	mux := http.NewServeMux()
	mux.Handle("/a/", authProxy)
	mux.Handle("/b/", withLogging(proxy))
	mux.Handle("/c/", rateLimit(cfg)(proxy))
	mux.Handle("/d/", http.TimeoutHandler(proxy, time.Second, "slow"))
	mux.HandleFunc("/e/", withAuthFunc(proxy.ServeHTTP))
	mux.HandleFunc("/f/", withAuthFunc(listPosts))
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        let blog = Some(fwd("blog-service", Some(8005)));
        assert_eq!(
            got[..5],
            [
                blog.clone(),
                blog.clone(),
                blog.clone(),
                blog.clone(),
                blog.clone()
            ]
        );
        // listPosts is defined elsewhere: the wrap of an unknown function is not a forward.
        assert!(matches!(
            f.routes[5].target,
            Target::Opaque { .. } | Target::Serve { .. }
        ));
    }

    #[test]
    fn mux_mounted_in_mux_continues_in_that_table() {
        let src = r#"package main
import "net/http"
var api = http.NewServeMux()
func main() {
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", api))
	api.HandleFunc("GET /posts", listPosts)
	http.ListenAndServe(":80", root)
}
"#;
        let f = run(src);
        assert_eq!(f.routes.len(), 2);
        assert_eq!(f.routes[0].table, "root");
        assert_eq!(f.routes[0].target, Target::Table("api".into()));
        assert_eq!(rewrite_of(&f.routes[0]).as_deref(), Some("strip /api"));
        assert_eq!(f.routes[1].table, "api");
        assert_eq!(f.routes[1].origin, "ServeMux api");
        assert_eq!(f.entry_tables, vec!["root".to_owned()]);
    }

    #[test]
    fn entry_tables_come_from_listen_and_serve_and_server_literals() {
        // (server code, entry tables)
        let table: Vec<(&str, Vec<&str>)> = vec![
            (r#"http.ListenAndServe(":80", mux)"#, vec!["mux"]),
            (r#"http.ListenAndServe(":80", nil)"#, vec![DEFAULT_MUX]),
            (
                r#"http.ListenAndServeTLS(":443", "c", "k", logging(mux))"#,
                vec!["mux"],
            ),
            (
                r#"srv := &http.Server{Addr: ":80", Handler: mux}; srv.ListenAndServe()"#,
                vec!["mux"],
            ),
            (
                r#"srv := http.Server{Addr: ":80"}; srv.ListenAndServe()"#,
                vec![DEFAULT_MUX],
            ),
            (
                r#"http.ListenAndServe(":80", mux); http.ListenAndServe(":81", mux); http.ListenAndServe(":82", other)"#,
                vec!["mux", "other"],
            ),
            (r#"http.ListenAndServe(":80", api.Router())"#, vec![]),
        ];
        for (code, want) in table {
            let src = format!(
                "package main\nimport \"net/http\"\nfunc main() {{\n\tmux := http.NewServeMux()\n\tother := http.NewServeMux()\n\tmux.Handle(\"/\", other)\n\t{code}\n}}\n"
            );
            let f = run(&src);
            assert_eq!(f.entry_tables, want, "{code}");
        }
    }

    #[test]
    fn handle_func_with_a_local_function_is_served_by_the_gateway() {
        let src = gateway(
            r#"mux.HandleFunc("GET /posts", listPosts)
	mux.HandleFunc("POST /posts", h.createPost)
	mux.Handle("GET /x", http.HandlerFunc(listPosts))
	mux.HandleFunc("/proxy/", func(w http.ResponseWriter, r *http.Request) { proxy.ServeHTTP(w, r) })
	mux.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/method-value/", proxy.ServeHTTP)
	http.HandleFunc("/default", listPosts)"#,
        );
        let f = run(&src);
        let targets: Vec<&Target> = f.routes.iter().map(|r| &r.target).collect();
        assert_eq!(
            targets[0],
            &Target::Serve {
                handler: "listPosts".into()
            }
        );
        assert_eq!(
            targets[1],
            &Target::Serve {
                handler: "h.createPost".into()
            }
        );
        assert_eq!(
            targets[2],
            &Target::Serve {
                handler: "listPosts".into()
            }
        );
        assert_eq!(
            forward_of(&f.routes[3]),
            Some(fwd("blog-service", Some(8005)))
        );
        assert!(
            matches!(targets[4], Target::Serve { handler } if handler.starts_with("func literal at line"))
        );
        assert_eq!(
            forward_of(&f.routes[5]),
            Some(fwd("blog-service", Some(8005)))
        );
        assert_eq!(f.routes[6].table, DEFAULT_MUX);
        let orders: Vec<u32> = f.routes.iter().map(|r| r.order).collect();
        assert_eq!(orders, (0..7).collect::<Vec<u32>>());
    }

    #[test]
    fn handlers_defined_elsewhere_are_opaque_never_forwarded() {
        let src = gateway(
            r#"mux.Handle("/api/", api.Router())
	mux.Handle("/other/", otherHandler)
	mux.Handle("/env/", httputil.NewSingleHostReverseProxy(cfg.Target))"#,
        );
        let f = run(&src);
        assert_eq!(f.routes.len(), 3);
        assert_eq!(
            f.routes[0].target,
            Target::Opaque {
                why: "handler `api.Router()` is defined outside this file".into()
            }
        );
        assert_eq!(
            f.routes[1].target,
            Target::Opaque {
                why: "handler `otherHandler` is defined outside this file".into()
            }
        );
        assert!(
            matches!(&f.routes[2].target, Target::Opaque { why } if why.contains("cfg.Target"))
        );
    }

    #[test]
    fn patterns_from_constants_and_registration_helpers() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
const (
	apiPrefix = "/blog/api/"
	postPath = apiPrefix + "posts/{id}"
)
func register(mux *http.ServeMux, prefix, target string) {
	u, _ := url.Parse(target)
	mux.Handle(prefix, httputil.NewSingleHostReverseProxy(u))
}
func main() {
	mux := http.NewServeMux()
	mux.Handle(apiPrefix, unknownThing)
	mux.HandleFunc("PATCH "+postPath, updatePost)
	register(mux, "/users/", "http://user-service:8001")
	register(mux, "/comments/", "http://comment-service:8002")
	mux.Handle(dynamicPattern(), unknownThing)
}
"#;
        let f = run(src);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| format!("{} {} {:?}", r.table, r.matcher, forward_of(r)))
            .collect();
        // Source order: the helper's registration comes first, once per call site.
        let want = [
            r#"mux /users/ Some(("user-service", Some(8001)))"#,
            r#"mux /comments/ Some(("comment-service", Some(8002)))"#,
            "mux /blog/api/ None",
            "mux /blog/api/posts/{id} None",
        ];
        assert_eq!(got, want);
        assert_eq!(slice(src, f.routes[0].span), "\"/users/\"");
        assert_eq!(slice(src, f.routes[2].span), "\"/blog/api/\"");
        assert_eq!(slice(src, f.routes[3].span), r#""PATCH "+postPath"#);
        assert_eq!(f.routes[3].methods, MethodSet::only([Method::Patch]));
        let orders: Vec<u32> = f.routes.iter().map(|r| r.order).collect();
        assert_eq!(orders, [0, 1, 2, 3]);
    }

    #[test]
    fn struct_field_mux_and_default_mux_alias() {
        let src = r#"package main
import "net/http"
type server struct{ mux *http.ServeMux }
func (s *server) routes() {
	s.mux.HandleFunc("/a", s.handleA)
	http.DefaultServeMux.Handle("/b", http.FileServer(http.Dir(".")))
}
func main() {
	s := &server{}
	s.mux = http.NewServeMux()
	s.routes()
}
"#;
        let f = run(src);
        assert_eq!(f.routes.len(), 2);
        assert_eq!(f.routes[0].table, "s.mux");
        assert_eq!(f.routes[1].table, DEFAULT_MUX);
        assert_eq!(
            f.routes[1].target,
            Target::Serve {
                handler: "http.FileServer".into()
            }
        );
    }

    #[test]
    fn syntax_error_is_one_problem_and_the_rest_is_still_read() {
        let src = r#"package main
import "net/http"
func broken( {
func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", ok)
}
"#;
        let f = run(src);
        assert_eq!(f.problems.len(), 1);
        assert!(
            f.problems[0].message.starts_with("Go syntax error: "),
            "{}",
            f.problems[0].message
        );
        assert!(src.len() >= f.problems[0].span.end as usize);
        assert_eq!(f.routes.len(), 1);
        assert_eq!(f.routes[0].matcher.to_string(), "/ok");
    }

    #[test]
    fn empty_file_has_no_facts() {
        assert!(run("").is_empty());
        assert!(run("package main\n").is_empty());
    }

    #[test]
    fn binary_garbage_and_deep_nesting_do_not_panic() {
        let garbage: String = (0u32..4000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('?'))
            .collect();
        let f = run(&garbage);
        assert!(f.problems.len() <= 1);
        let deep = format!(
            "package main\nimport \"net/http\"\nfunc main() {{ mux := http.NewServeMux(); mux.Handle(\"/\", {}x{}) }}\n",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let f = run(&deep);
        assert_eq!(f.routes.len(), 1);
        assert!(matches!(f.routes[0].target, Target::Opaque { .. }));
        let chain: String = (0..500)
            .map(|i| format!("var v{} = v{}\n", i + 1, i))
            .collect();
        let src = format!(
            "package main\nimport \"net/http\"\nvar v0 = v500\n{chain}func main() {{ mux := http.NewServeMux(); mux.Handle(\"/\", v500) }}\n"
        );
        assert!(matches!(run(&src).routes[0].target, Target::Opaque { .. }));
        let recursive = "package main\nimport \"net/http\"\nfunc f(x string) http.Handler { return f(x) }\nfunc main() { mux := http.NewServeMux(); mux.Handle(\"/\", f(\"http://a\")) }\n";
        assert!(matches!(
            run(recursive).routes[0].target,
            Target::Opaque { .. }
        ));
        for text in [
            "\"",
            "`",
            "mux.Handle(",
            "package main\nfunc main() { mux := http.NewServeMux(); mux.Handle(\"\\q\", x) }",
        ] {
            let _ = run(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panicking(text in "\\PC{0,400}") {
            let f = run(&text);
            proptest::prop_assert!(f.problems.len() <= 1);
            let _ = extract_go_mod(crate::sources::testing::test_input("go.mod", &text));
        }

        #[test]
        fn go_token_soup_is_read_without_panicking(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "package main", "import \"net/http\"", "func", "main", "(", ")", "{", "}",
                "mux", ":=", "=", "http.NewServeMux()", "mux.Handle", "mux.HandleFunc",
                "\"/api/\"", "\"GET /x/{id}\"", "\"/{$}\"", "`/raw/`", ",", ";", "\n",
                "proxy", "httputil.NewSingleHostReverseProxy", "url.Parse",
                "\"http://svc:80/p\"", "http.StripPrefix", "return", "&", ".", "x", "nil",
                "http.ListenAndServe", "\"\\", "\"\\x\"",
            ]), 0..120)
        ) {
            let src = tokens.join(" ");
            let f = run(&src);
            for r in &f.routes {
                proptest::prop_assert!(src.get(r.span.start as usize..r.span.end as usize).is_some());
                proptest::prop_assert!(src.get(r.rule_span.start as usize..r.rule_span.end as usize).is_some());
            }
        }
    }

    #[test]
    fn string_literals_decode_escapes() {
        let table = [
            (r#""/a\tb""#, Some("/a\tb")),
            (r#""\x2fapi""#, Some("/api")),
            (r#""\u00e9""#, Some("é")),
            (r#""\057x""#, Some("/x")),
            (r#""\q""#, None),
            ("`raw\\n`", Some("raw\\n")),
            (r#""unterminated"#, None),
        ];
        for (lit, want) in table {
            assert_eq!(string_value(lit).as_deref(), want, "{lit}");
        }
    }

    #[test]
    fn urls_split_into_host_port_and_path() {
        let l = Loc { start: 0, end: 0 };
        type Want<'a> = Option<(&'a str, Option<u16>, &'a str)>;
        let table: Vec<(&str, Want)> = vec![
            (
                "http://blog-service:8005",
                Some(("blog-service", Some(8005), "")),
            ),
            ("https://x", Some(("x", None, ""))),
            (
                "http://svc.ns.svc.cluster.local:80/api/?q=1",
                Some(("svc.ns.svc.cluster.local", Some(80), "/api/")),
            ),
            ("http://user:pw@host:1/", Some(("host", Some(1), "/"))),
            ("http://[::1]:8080", Some(("::1", Some(8080), ""))),
            ("ftp://x", None),
            ("http://%s:80", None),
            ("http://x:99999", None),
            ("blog-service:8005", None),
        ];
        for (s, want) in table {
            let got = parse_url(s, l).map(|u| (u.host, u.port, u.path));
            let want = want.map(|(h, p, path)| (h.to_owned(), p, path.to_owned()));
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn go_mod_directive_gives_the_language_version() {
        let table = [
            ("module x\n\ngo 1.22\n", Some((1, 22))),
            (
                "module x\ngo 1.22.3 // pinned\ntoolchain go1.23.1\n",
                Some((1, 22)),
            ),
            ("module x\ngo 1.21rc2\n", Some((1, 21))),
            ("module x\n", None),
            ("gopher 1.22\n", None),
            ("go banana\n", None),
            ("", None),
            ("\u{0}\u{1}go 1.\u{7f}", None),
        ];
        for (text, want) in table {
            let f = extract_go_mod(Input {
                file: FileId(1),
                path: "go.mod",
                text,
            });
            assert_eq!(f.go_version, want, "{text:?}");
            assert!(f.problems.is_empty() && f.routes.is_empty());
        }
    }
}
