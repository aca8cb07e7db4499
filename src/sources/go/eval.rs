//! The Go evaluator: follows an expression of one indexed file ([`Ctx`]) to the value it is
//! known to have ([`Val`]): string constants and concatenations, `url.Parse`,
//! `httputil.NewSingleHostReverseProxy` and `ReverseProxy{Director|Rewrite}`,
//! `http.StripPrefix`, environment lookups with literal defaults, helper functions of the file
//! called with the arguments their call sites pass, middleware wraps; and a handler value to
//! where it sends the request ([`Routed`]). The two recurse into each other (a middleware
//! passes on the one argument that routes somewhere), so they live together.
//!
//! Must not look at any other file and must not guess: what the file does not show is
//! [`Val::Unknown`] with a reason. Every question has a depth limit and a step budget, so no
//! input can make it loop or recurse without bound.

use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::Node;

use crate::model::path::Rewrite;
use crate::sources::facts::Target;
use crate::sources::go::index::{Assign, Ctx};
use crate::sources::go::tree::{
    Loc, named_args, named_children, params, string_value, unwrap_element,
};
use crate::sources::go::value::{
    DEFAULT_MUX, Env, Func, Routed, Url, Val, agree, host_port, parse_host_port, parse_url,
};
use crate::sources::syntax::short;

/// Deepest chain of expressions, helper calls and handler bodies followed for one question.
const MAX_DEPTH: u32 = 40;
/// Call sites of a helper function looked at to bind its parameters.
const MAX_CALL_SITES: usize = 64;

impl<'t> Ctx<'t> {
    /// Starts a new question with a fresh step budget.
    pub(crate) fn refuel(&self) {
        self.budget.refuel();
    }

    /// Spends one step of the budget; `false` when the question has none left.
    fn burn(&self) -> bool {
        self.budget.burn()
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
    pub(crate) fn eval(&self, n: Node<'t>, env: &Env<'t>, depth: u32) -> Val<'t> {
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
    pub(crate) fn keyed_fields(&self, n: Node<'t>) -> Vec<(&'t str, Node<'t>)> {
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
    pub(crate) fn to_target(&self, v: &Val<'t>, depth: u32) -> Routed {
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

    /// The bindings to evaluate a registration under: one per call site when it sits in a
    /// helper function called in this file with arguments; otherwise none.
    pub(crate) fn call_envs(&self, call: Node<'t>) -> Vec<Env<'t>> {
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
}
