//! Reads Envoy route configuration into edge routes: a bootstrap's
//! `static_resources.listeners[].filter_chains[].filters[]` HTTP connection managers with an
//! inline `route_config`, an xDS resources file (`resources: [{"@type": ...Listener |
//! ...RouteConfiguration | ...Cluster}]`) or a bare RDS `RouteConfiguration` (top-level
//! `virtual_hosts`). YAML, or JSON by extension. Clusters of the same file give the routes
//! their destination host. Reads one file; never decides whether a route is wrong, and a
//! cluster, route table or rewrite it cannot see is an unknown, never a guess.
//!
//! Semantics kept (envoyproxy/envoy `api/envoy/config/route/v3/route_components.proto`;
//! docs "HTTP route matching"):
//! - A virtual host's `routes` are tried in order and the first match wins; no match, the
//!   method included, is 404. Several virtual hosts are told apart by `domains` (hosts).
//! - `prefix` is a string prefix ("must match the beginning of the :path header"), `path` an
//!   exact match, `safe_regex` must match the WHOLE path ("The rule will not match if only a
//!   subsequence of the :path header matches the regex"), `path_separated_prefix` is
//!   segment-wise (`/api/dev` matches `/api/dev`, `/api/dev/`, `/api/dev/v1`, not
//!   `/api/developer`; the value must not end in `/`). `case_sensitive: false` applies to
//!   `prefix`, `path` and `path_separated_prefix`, never to `safe_regex`.
//! - Methods are matched as the `:method` header (`headers: [{name: ":method", ...}]`).
//! - `prefix_rewrite` swaps the MATCHED prefix (or, for `path` and regex matches, the whole
//!   path): `prefix: /api` + `prefix_rewrite: /` turns `/api/x` into `//x` — the proto's own
//!   warning ("Stripping a prefix from a path requires multiple Routes to handle all cases").
//! - `regex_rewrite` replaces EVERY match of its RE2 pattern (`one` → `two` turns
//!   `/xxx/one/yyy/one/zzz` into `/xxx/two/yyy/two/zzz`), with `\1` captures; only
//!   `^`-anchored patterns (one match at most) are followed.
//! - `direct_response` answers at Envoy; `redirect` answers with a redirect (not followed).

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::{
    facts::Dialect, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::{Node, Value};

/// The component of routes whose listener has no name.
const DEFAULT_COMPONENT: &str = "envoy";

/// Extracts the routes of one Envoy configuration file.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    let mut order = 0u32;
    input.for_each_document(&mut facts, |root, facts| {
        document(input, root, facts, &mut order);
        if let Some(shape) = crate::sources::errors::local_reply::shape(
            input,
            root,
            crate::sources::facts::ShapeOwner::File,
        ) {
            facts.error_shapes.push(shape);
        }
    });
    facts
}

/// What the routes of a document refer to, and where the next route goes.
struct Ctx<'a> {
    input: Input<'a>,
    clusters: Vec<Cluster>,
}

/// A cluster's first endpoint.
struct Cluster {
    name: String,
    host: Option<String>,
    port: Option<u16>,
}

/// One YAML document or JSON file: a bootstrap, an xDS resources list or a RouteConfiguration.
fn document(input: Input<'_>, root: &Node, facts: &mut Facts, order: &mut u32) {
    if root.as_map().is_none() {
        return;
    }
    // The v1 API (before 1.5): `cluster_manager`, routes without `match`.
    if let Some(key) = root.key("cluster_manager") {
        facts.problem(
            input.node_span(key),
            "legacy Envoy v1 configuration (`cluster_manager`, routes without `match`): routelint reads the v2/v3 API",
        );
        return;
    }
    let statics = root.get("static_resources").filter(|s| !s.is_null());
    if let Some(s) = statics
        && s.as_map().is_none()
    {
        facts.problem(
            input.node_span(s),
            format!(
                "Envoy: `static_resources` must be a mapping, found {}",
                s.type_name()
            ),
        );
        return;
    }
    let resources = items(input, facts, "Envoy", root, "resources");
    let mut ctx = Ctx {
        input,
        clusters: Vec::new(),
    };
    for c in statics
        .map(|s| items(input, facts, "Envoy", s, "clusters"))
        .unwrap_or_default()
        .iter()
        .chain(resources.iter().filter(|r| type_is(r, "Cluster")))
    {
        if let Some(cluster) = cluster(c) {
            ctx.clusters.push(cluster);
        }
    }
    for l in statics
        .map(|s| items(input, facts, "Envoy", s, "listeners"))
        .unwrap_or_default()
        .iter()
        .chain(resources.iter().filter(|r| type_is(r, "Listener")))
    {
        listener(&ctx, facts, l, order);
    }
    for rc in resources
        .iter()
        .filter(|r| type_is(r, "RouteConfiguration"))
    {
        route_config(&ctx, facts, DEFAULT_COMPONENT, rc, order);
    }
    if root.get("virtual_hosts").is_some() {
        route_config(&ctx, facts, DEFAULT_COMPONENT, root, order);
    }
}

/// Whether an xDS resource's `@type` names this message (`...v3.Listener`, `...v2.Listener`).
fn type_is(r: &Node, message: &str) -> bool {
    r.get("@type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.rsplit('.').next() == Some(message))
}

/// A repeated field. A single mapping where a list belongs is read as a one-item list (as
/// Envoy's own examples sometimes write `filters:`); other types are problems.
fn items<'a>(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &'a Node,
    key: &str,
) -> &'a [Node] {
    match node.get(key) {
        None => &[],
        Some(n) => match &n.value {
            Value::Seq(list) => list,
            Value::Map(_) => std::slice::from_ref(n),
            Value::Null => &[],
            _ => {
                facts.problem(
                    input.node_span(n),
                    format!("{what}: `{key}` must be a list, found {}", n.type_name()),
                );
                &[]
            }
        },
    }
}

/// A string field; a wrong type is a problem.
fn string<'a>(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &'a Node,
    key: &str,
) -> Option<(&'a str, &'a Node)> {
    let v = node.get(key)?;
    match v.as_str() {
        Some(s) => Some((s, v)),
        None => {
            facts.problem(
                input.node_span(v),
                format!("{what}: `{key}` must be a string, found {}", v.type_name()),
            );
            None
        }
    }
}

/// A cluster's name and first endpoint (`load_assignment`, or the v2 `hosts`).
fn cluster(c: &Node) -> Option<Cluster> {
    fn first(list: Option<&Node>) -> Option<&Node> {
        list.and_then(Node::as_seq).and_then(|l| l.first())
    }
    let name = c.get("name").and_then(Node::as_str)?;
    let socket = first(c.at(&["load_assignment", "endpoints"]))
        .and_then(|e| first(e.get("lb_endpoints")))
        .and_then(|lb| lb.at(&["endpoint", "address", "socket_address"]))
        .or_else(|| first(c.get("hosts")).and_then(|h| h.get("socket_address")));
    Some(Cluster {
        name: name.to_owned(),
        host: socket
            .and_then(|s| s.get("address"))
            .and_then(Node::as_str)
            .map(str::to_owned),
        port: socket
            .and_then(|s| s.get("port_value"))
            .and_then(Node::as_i64)
            .and_then(|p| u16::try_from(p).ok()),
    })
}

/// A listener: the inline route configuration of each HTTP connection manager.
fn listener(ctx: &Ctx<'_>, facts: &mut Facts, l: &Node, order: &mut u32) {
    let input = ctx.input;
    if l.as_map().is_none() {
        facts.problem(
            input.node_span(l),
            format!(
                "Envoy: a listener must be a mapping, found {}",
                l.type_name()
            ),
        );
        return;
    }
    let owner = l
        .get("name")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(DEFAULT_COMPONENT);
    let what = format!("Envoy listener `{owner}`");
    let chains = items(input, facts, &what, l, "filter_chains");
    let default_chain = l
        .get("default_filter_chain")
        .filter(|c| c.as_map().is_some());
    for chain in chains.iter().chain(default_chain) {
        for f in items(input, facts, &what, chain, "filters") {
            let Some(config) = hcm_config(f) else {
                continue;
            };
            match config.get("route_config") {
                Some(rc) if rc.as_map().is_some() => route_config(ctx, facts, owner, rc, order),
                Some(rc) if !rc.is_null() => facts.problem(
                    input.node_span(rc),
                    format!(
                        "{what}: `route_config` must be a mapping, found {}",
                        rc.type_name()
                    ),
                ),
                // `rds`: the routes come from elsewhere.
                _ => {}
            }
        }
    }
}

/// The configuration of an HTTP connection manager filter (`typed_config`, or v2 `config`).
fn hcm_config(f: &Node) -> Option<&Node> {
    let named = f
        .get("name")
        .and_then(Node::as_str)
        .is_some_and(|n| n.ends_with("http_connection_manager"));
    let typed = f.get("typed_config");
    let typed_hcm = typed
        .and_then(|t| t.get("@type"))
        .and_then(Node::as_str)
        .is_some_and(|t| t.ends_with(".HttpConnectionManager"));
    if typed_hcm || (named && typed.is_some()) {
        return typed;
    }
    if named {
        return f.get("config");
    }
    None
}

/// A RouteConfiguration: its virtual hosts' routes, in order.
fn route_config(ctx: &Ctx<'_>, facts: &mut Facts, owner: &str, rc: &Node, order: &mut u32) {
    let input = ctx.input;
    let what = format!("Envoy route configuration of `{owner}`");
    for vh in items(input, facts, &what, rc, "virtual_hosts") {
        if vh.as_map().is_none() {
            facts.problem(
                input.node_span(vh),
                format!(
                    "{what}: a virtual host must be a mapping, found {}",
                    vh.type_name()
                ),
            );
            continue;
        }
        let name = vh
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let what = format!("Envoy virtual host `{name}`");
        let hosts: Vec<String> = items(input, facts, &what, vh, "domains")
            .iter()
            .filter_map(Node::as_str)
            .filter(|d| *d != "*")
            .map(str::to_ascii_lowercase)
            .collect();
        let vhost = VHost {
            owner,
            name: &name,
            what: &what,
            hosts: &hosts,
        };
        for r in items(input, facts, &what, vh, "routes") {
            if let Some(route) = route(ctx, facts, &vhost, r, *order) {
                facts.routes.push(route);
                *order += 1;
            }
        }
    }
}

/// The virtual host a route belongs to.
struct VHost<'a> {
    owner: &'a str,
    name: &'a str,
    what: &'a str,
    hosts: &'a [String],
}

/// One route: its match, its methods, its action.
fn route(
    ctx: &Ctx<'_>,
    facts: &mut Facts,
    vh: &VHost<'_>,
    r: &Node,
    order: u32,
) -> Option<RouteFact> {
    let input = ctx.input;
    let what = vh.what;
    if r.as_map().is_none() {
        facts.problem(
            input.node_span(r),
            format!("{what}: a route must be a mapping, found {}", r.type_name()),
        );
        return None;
    }
    let Some(m) = r.get("match").filter(|m| m.as_map().is_some()) else {
        let at = r.get("match").unwrap_or(r);
        facts.problem(
            input.node_span(at),
            format!("{what}: a route needs a `match` mapping"),
        );
        return None;
    };
    let (matcher, span) = path_match(input, facts, what, m)?;
    let methods = methods(input, facts, what, m)?;
    let (target, rewrite, rewrite_span) = action(ctx, facts, what, r)?;
    Some(RouteFact {
        owner: Owner::Named(vh.owner.to_owned()),
        table: vh.name.to_owned(),
        origin: format!("Envoy route in virtual host {}", vh.name),
        order,
        matcher,
        methods,
        rewrite,
        rewrite_span,
        target,
        span,
        rule_span: input.node_span(r),
        hosts: vh.hosts.to_vec(),
        gateways: Vec::new(),
        dialect: Dialect::Envoy,
        priority: None,
        conditional: false,
    })
}

/// The path specifier of a match and the node to point at. `None` (with a problem unless the
/// route only matches CONNECT requests) when there is none routelint can read.
fn path_match(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    m: &Node,
) -> Option<(PathMatch, Span)> {
    // BoolValue: `case_sensitive: false` (default true).
    let ignore_case = m.get("case_sensitive").and_then(Node::as_bool) == Some(false);
    for key in ["prefix", "path", "path_separated_prefix"] {
        if m.get(key).is_none() {
            continue;
        }
        let (p, node) = string(input, facts, what, m, key)?;
        let span = input.node_span(node);
        let value = p.to_owned();
        return match key {
            "prefix" => Some((
                PathMatch::StringPrefix {
                    prefix: value,
                    ignore_case,
                },
                span,
            )),
            "path" => Some((
                PathMatch::Exact {
                    path: value,
                    ignore_case,
                },
                span,
            )),
            // `(validate.rules).string = {pattern: "^[^?#]+[^?#/]$"}`
            _ if p.is_empty() || p.ends_with('/') || p.contains(['?', '#']) => {
                facts.problem(
                    span,
                    format!("{what}: `path_separated_prefix` `{p}` must not be empty, end in `/` or contain `?` or `#`"),
                );
                None
            }
            _ => Some((
                PathMatch::SegmentPrefix {
                    prefix: value,
                    ignore_case,
                },
                span,
            )),
        };
    }
    let regex = m
        .get("safe_regex")
        .map(|r| (r.get("regex"), r))
        // v2's deprecated `regex: ...` (ECMAScript, also a full match).
        .or_else(|| m.get("regex").map(|r| (Some(r), r)));
    if let Some((src, node)) = regex {
        let Some(src) = src.and_then(Node::as_str) else {
            facts.problem(
                input.node_span(node),
                format!("{what}: `safe_regex` needs a `regex` string"),
            );
            return None;
        };
        return match PathMatch::regex(src) {
            Some(m) => Some((m, input.node_span(node))),
            None => {
                facts.problem(
                    input.node_span(node),
                    format!("{what}: `{src}` is not a valid regular expression"),
                );
                None
            }
        };
    }
    if let Some(policy) = m.get("path_match_policy") {
        return uri_template(input, facts, what, policy);
    }
    if m.get("connect_matcher").is_some() {
        // CONNECT requests only: no client call routelint reads is one.
        return None;
    }
    facts.problem(
        input.node_span(m),
        format!(
            "{what}: the match has no path (prefix, path, safe_regex or path_separated_prefix)"
        ),
    );
    None
}

/// `path_match_policy` with the URI template matcher (`/{lang}/*/items/**`): `*` and `{x}` are
/// one segment, `**` and `{x=**}` any rest.
fn uri_template(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    policy: &Node,
) -> Option<(PathMatch, Span)> {
    let span = input.node_span(policy);
    let Some(template) = policy
        .at(&["typed_config", "path_template"])
        .and_then(Node::as_str)
    else {
        facts.problem(
            span,
            format!("{what}: routelint reads only the URI template `path_match_policy`"),
        );
        return None;
    };
    let mut re = String::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            re.push_str(".*");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('*') {
            re.push_str("[^/]+");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            let Some(close) = r.find('}') else {
                facts.problem(
                    span,
                    format!("{what}: unbalanced braces in the path template `{template}`"),
                );
                return None;
            };
            let pat = r[..close].split_once('=').map_or("*", |(_, p)| p);
            re.push_str(if pat.contains("**") { ".*" } else { "[^/]+" });
            rest = &r[close + 1..];
        } else {
            let n = rest.find(['*', '{']).unwrap_or(rest.len());
            re.push_str(&regex::escape(&rest[..n]));
            rest = &rest[n..];
        }
    }
    match regex::Regex::new(&format!("^(?:{re})$")) {
        Ok(r) => Some((
            PathMatch::Regex {
                source: template.to_owned(),
                re: r,
            },
            span,
        )),
        Err(_) => {
            facts.problem(
                span,
                format!("{what}: routelint cannot read the path template `{template}`"),
            );
            None
        }
    }
}

/// The methods `:method` header matchers allow; `None` after a problem.
fn methods(input: Input<'_>, facts: &mut Facts, what: &str, m: &Node) -> Option<MethodSet> {
    let headers = items(input, facts, what, m, "headers");
    let mut allowed: Option<Vec<Method>> = None;
    for h in headers {
        if h.get("name").and_then(Node::as_str) != Some(":method") {
            // Other headers narrow the match in ways routelint does not model.
            continue;
        }
        let Some(test) = method_test(h) else {
            facts.problem(
                input.node_span(h),
                format!("{what}: routelint cannot read this `:method` header matcher"),
            );
            return None;
        };
        let invert = h.get("invert_match").and_then(Node::as_bool) == Some(true);
        let these = Method::ALL
            .into_iter()
            .filter(|m| test(m.as_str()) != invert);
        allowed = Some(match allowed {
            None => these.collect(),
            Some(prev) => these.filter(|m| prev.contains(m)).collect(),
        });
    }
    Some(match allowed {
        Some(list) if list.len() < Method::ALL.len() => MethodSet::only(list),
        _ => MethodSet::Any,
    })
}

type MethodTest = Box<dyn Fn(&str) -> bool>;

/// A `:method` header matcher as a test on method names (v3 `string_match`, or the older
/// `exact_match`, `safe_regex_match`, `prefix_match`, … fields).
fn method_test(h: &Node) -> Option<MethodTest> {
    let text = |k: &str, n: &Node| n.get(k).and_then(Node::as_str).map(str::to_owned);
    if h.get("present_match").and_then(Node::as_bool) == Some(true) {
        return Some(Box::new(|_| true));
    }
    let (node, prefix) = match h.get("string_match") {
        Some(sm) => (sm, ""),
        None => (h, "_match"),
    };
    let ignore_case = node.get("ignore_case").and_then(Node::as_bool) == Some(true);
    let norm = move |s: &str| {
        if ignore_case {
            s.to_ascii_uppercase()
        } else {
            s.to_owned()
        }
    };
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{k}{prefix}")
        }
    };
    if let Some(v) = text(&key("exact"), node) {
        let v = norm(&v);
        return Some(Box::new(move |m| norm(m) == v));
    }
    if let Some(v) = text(&key("prefix"), node) {
        let v = norm(&v);
        return Some(Box::new(move |m| norm(m).starts_with(&v)));
    }
    if let Some(v) = text(&key("suffix"), node) {
        let v = norm(&v);
        return Some(Box::new(move |m| norm(m).ends_with(&v)));
    }
    if let Some(v) = text(&key("contains"), node) {
        let v = norm(&v);
        return Some(Box::new(move |m| norm(m).contains(&v)));
    }
    let re_key = if prefix.is_empty() {
        "safe_regex"
    } else {
        "safe_regex_match"
    };
    if let Some(src) = node
        .get(re_key)
        .and_then(|r| r.get("regex"))
        .and_then(Node::as_str)
    {
        let re = regex::Regex::new(&format!("^(?:{src})$")).ok()?;
        return Some(Box::new(move |m| re.is_match(m)));
    }
    None
}

/// What a route does: its target, its rewrite and the rewrite's node. `None` after a problem.
fn action(
    ctx: &Ctx<'_>,
    facts: &mut Facts,
    what: &str,
    r: &Node,
) -> Option<(Target, Option<Rewrite>, Option<Span>)> {
    let input = ctx.input;
    if r.get("direct_response").is_some() {
        let handler = "direct_response".to_owned();
        return Some((Target::Serve { handler }, None, None));
    }
    if r.get("redirect").is_some() {
        let why = "Envoy answers with a redirect".to_owned();
        return Some((Target::Opaque { why }, None, None));
    }
    if r.get("filter_action").is_some() || r.get("non_forwarding_action").is_some() {
        let why = "a filter decides what this route does".to_owned();
        return Some((Target::Opaque { why }, None, None));
    }
    let Some(ra) = r.get("route").filter(|a| a.as_map().is_some()) else {
        facts.problem(
            input.node_span(r.get("route").unwrap_or(r)),
            format!("{what}: a route needs a `route`, `redirect` or `direct_response` action"),
        );
        return None;
    };
    let target = upstream(ctx, facts, what, ra);
    let (rewrite, rewrite_span) = rewrite(input, facts, what, ra)?;
    Some((target, rewrite, rewrite_span))
}

/// The cluster a route action sends to, as the host of its first endpoint.
fn upstream(ctx: &Ctx<'_>, facts: &mut Facts, what: &str, ra: &Node) -> Target {
    let input = ctx.input;
    let named = string(input, facts, what, ra, "cluster").or_else(|| {
        let first = ra
            .at(&["weighted_clusters", "clusters"])
            .and_then(Node::as_seq)
            .and_then(|c| c.first())?;
        first.get("name").and_then(|n| n.as_str().map(|s| (s, n)))
    });
    let Some((name, node)) = named else {
        let why = if ra.get("cluster_header").is_some() {
            "the cluster comes from a request header"
        } else {
            "the route names no cluster routelint can follow"
        };
        return Target::Opaque {
            why: why.to_owned(),
        };
    };
    // A cluster of another file (CDS) is known by its name only.
    let (host, port) = match ctx.clusters.iter().find(|c| c.name == name) {
        Some(Cluster {
            host: Some(h),
            port,
            ..
        }) => (h.clone(), *port),
        _ => (name.to_owned(), None),
    };
    Target::Forward {
        host,
        port,
        span: input.node_span(node),
    }
}

/// `prefix_rewrite`, `regex_rewrite` or `path_rewrite_policy`.
fn rewrite(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    ra: &Node,
) -> Option<(Option<Rewrite>, Option<Span>)> {
    let prefix = string(input, facts, what, ra, "prefix_rewrite");
    let regex = ra.get("regex_rewrite");
    let policy = ra.get("path_rewrite_policy");
    if [prefix.is_some(), regex.is_some(), policy.is_some()]
        .iter()
        .filter(|b| **b)
        .count()
        > 1
    {
        facts.problem(
            input.node_span(ra),
            format!("{what}: only one of `prefix_rewrite`, `regex_rewrite` and `path_rewrite_policy` may be set"),
        );
        return None;
    }
    if let Some((with, node)) = prefix {
        // The matched prefix for prefix matches, the whole path for the others.
        return Some((
            Some(Rewrite::ReplaceMatched(with.to_owned())),
            Some(input.node_span(node)),
        ));
    }
    if let Some(node) = policy {
        let why = "a `path_rewrite_policy` (URI template rewrite) is not followed".to_owned();
        return Some((Some(Rewrite::Unknown(why)), Some(input.node_span(node))));
    }
    let Some(node) = regex else {
        return Some((None, None));
    };
    let span = input.node_span(node);
    let pattern = node.at(&["pattern", "regex"]).and_then(Node::as_str);
    let substitution = node.get("substitution").and_then(Node::scalar_text);
    let (Some(pattern), Some(substitution)) = (pattern, substitution) else {
        facts.problem(
            span,
            format!("{what}: `regex_rewrite` needs `pattern.regex` and `substitution`"),
        );
        return None;
    };
    let Ok(re) = regex::Regex::new(pattern) else {
        facts.problem(
            span,
            format!("{what}: `{pattern}` is not a valid regular expression"),
        );
        return None;
    };
    if !pattern.starts_with('^') {
        let why =
            format!("regex_rewrite replaces every match of the unanchored pattern `{pattern}`");
        return Some((Some(Rewrite::Unknown(why)), Some(span)));
    }
    // `$` is literal in an RE2 substitution; `\1` becomes a capture in the model.
    let rw = Rewrite::RegexReplace {
        re,
        with: substitution.replace('$', "$$"),
        shown: format!("regex_rewrite {pattern} → {substitution}"),
    };
    Some((Some(rw), Some(span)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten, Tri};

    fn run_at(path: &str, text: &str) -> Facts {
        extract(crate::sources::testing::test_input(path, text))
    }

    fn run(text: &str) -> Facts {
        run_at("envoy/envoy.yaml", text)
    }

    fn summary(f: &Facts) -> Vec<String> {
        f.routes
            .iter()
            .map(|r| {
                let target = match &r.target {
                    Target::Forward { host, port, .. } => format!("{host}:{port:?}"),
                    Target::Serve { handler } => format!("serve {handler}"),
                    Target::Opaque { why } => format!("opaque ({why})"),
                    Target::Table(t) => t.clone(),
                };
                let owner = match &r.owner {
                    Owner::Named(n) => n.clone(),
                    Owner::File => "file".to_owned(),
                };
                format!(
                    "{owner} #{} | {} | {} | {} | {target}",
                    r.order,
                    r.matcher,
                    r.methods,
                    r.rewrite
                        .as_ref()
                        .map(|w| w.to_string())
                        .unwrap_or_else(|| "-".into())
                )
            })
            .collect()
    }

    const BOOTSTRAP: &str = r#"static_resources:
  listeners:
  - name: edge
    address: {socket_address: {address: 0.0.0.0, port_value: 8080}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: shop
              domains: ["shop.example.com", "*"]
              routes:
              - match: {path: "/healthz"}
                direct_response: {status: 200}
              - match:
                  path_separated_prefix: "/api/users"
                  headers:
                  - name: ":method"
                    string_match: {exact: GET}
                route: {cluster: users, prefix_rewrite: "/users"}
              - match: {prefix: "/api/catalog"}
                route: {cluster: catalog, prefix_rewrite: "/"}
              - match: {safe_regex: {regex: "/img/[a-z]+\\.png"}}
                route:
                  cluster: catalog
                  regex_rewrite: {pattern: {regex: "^/img/(.*)$"}, substitution: "/static/\\1"}
              - match: {prefix: "/Old", case_sensitive: false}
                redirect: {path_redirect: "/"}
              - match: {prefix: "/"}
                route: {cluster: cds_only}
          http_filters:
          - name: envoy.filters.http.router
  clusters:
  - name: users
    type: STRICT_DNS
    load_assignment:
      cluster_name: users
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {address: users.shop.svc.cluster.local, port_value: 8080}
  - name: catalog
    type: LOGICAL_DNS
    hosts: [{socket_address: {address: catalog, port_value: 9090}}]
"#;

    #[test]
    fn routes_keep_their_order_matchers_methods_and_clusters() {
        let f = run(BOOTSTRAP);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            [
                "edge #0 | exact /healthz | any method | - | serve direct_response",
                "edge #1 | path prefix /api/users | GET | rewrite to /users | users.shop.svc.cluster.local:Some(8080)",
                "edge #2 | prefix /api/catalog | any method | rewrite to / | catalog:Some(9090)",
                "edge #3 | regex /img/[a-z]+\\.png | any method | regex_rewrite ^/img/(.*)$ → /static/\\1 | catalog:Some(9090)",
                "edge #4 | prefix /Old (any case) | any method | - | opaque (Envoy answers with a redirect)",
                "edge #5 | prefix / | any method | - | cds_only:None",
            ]
        );
        assert_eq!(f.routes[0].hosts, ["shop.example.com"]);
        assert_eq!(f.routes[0].origin, "Envoy route in virtual host shop");
        assert_eq!(f.routes[0].dialect, Dialect::Envoy);
        let text = BOOTSTRAP;
        let s = f.routes[2].span;
        assert_eq!(&text[s.start as usize..s.end as usize], "\"/api/catalog\"");
    }

    /// What a route's rewrite makes of a path it matches.
    fn through(r: &RouteFact, path: &str) -> String {
        let p = ReqPath::parse(path);
        assert!(
            r.matcher.matches(&p).matched(),
            "{} does not match {path}",
            r.matcher
        );
        match r.rewrite.as_ref().map(|w| w.apply(&r.matcher, &p)) {
            None => path.to_owned(),
            Some(Rewritten::Path(p)) => p.to_string(),
            Some(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn prefix_rewrite_swaps_exactly_the_matched_characters() {
        // route_components.proto, prefix_rewrite: "/prefix/" → "/" strips cleanly, "/prefix"
        // → "/" leaves the remainder's slash: `//etc`.
        let table: &[(&str, &str, &str, &str)] = &[
            ("prefix", "/api", "/api/x", "//x"),
            ("prefix", "/api", "/api", "/"),
            ("prefix", "/api/", "/api/x", "/x"),
            ("prefix", "/api/", "/api/", "/"),
            ("prefix", "/api", "/apix", "/x"),
            ("prefix", "/api", "/api/posts/{id}", "//posts/{id}"),
            ("prefix", "/api/v1", "/api/v1/users", "/v2/users"),
            ("path_separated_prefix", "/api", "/api/x", "//x"),
            (
                "path_separated_prefix",
                "/api/users",
                "/api/users/7",
                "/users/7",
            ),
            ("path", "/old", "/old", "/new"),
        ];
        for (kind, value, path, want) in table {
            let with = match *value {
                "/api/v1" => "/v2",
                "/api/users" => "/users",
                "/old" => "/new",
                _ => "/",
            };
            let text = format!(
                "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {{{kind}: \"{value}\"}}\n    route: {{cluster: c, prefix_rewrite: \"{with}\"}}\n"
            );
            let f = run(&text);
            assert!(f.problems.is_empty(), "{:?}", f.problems);
            assert_eq!(through(&f.routes[0], path), *want, "{kind} {value} {path}");
        }
    }

    #[test]
    fn path_separated_prefix_is_segment_wise_and_safe_regex_a_full_match() {
        let f = run(
            "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {path_separated_prefix: /api/dev}\n    route: {cluster: c}\n  - match: {safe_regex: {google_re2: {}, regex: '/v[0-9]'}}\n    route: {cluster: c}\n  - match: {path: /Exact, case_sensitive: false}\n    route: {cluster: c}\n",
        );
        let m = |i: usize, p: &str| f.routes[i].matcher.matches(&ReqPath::parse(p));
        assert_eq!(m(0, "/api/dev"), Tri::Yes);
        assert_eq!(m(0, "/api/dev/"), Tri::Yes);
        assert_eq!(m(0, "/api/dev/v1"), Tri::Yes);
        assert_eq!(m(0, "/api/developer"), Tri::No);
        assert_eq!(m(1, "/v1"), Tri::Yes);
        assert_eq!(m(1, "/api/v1"), Tri::No, "a subsequence does not match");
        assert_eq!(m(2, "/exact"), Tri::Yes);
    }

    #[test]
    fn method_header_matchers_become_method_sets() {
        let table: &[(&str, &str)] = &[
            ("{name: ':method', exact_match: POST}", "POST"),
            (
                "{name: ':method', string_match: {exact: get, ignore_case: true}}",
                "GET",
            ),
            (
                "{name: ':method', safe_regex_match: {regex: 'GET|HEAD'}}",
                "GET, HEAD",
            ),
            (
                "{name: ':method', string_match: {safe_regex: {regex: 'P.*'}}}",
                "POST, PUT, PATCH",
            ),
            (
                "{name: ':method', exact_match: GET, invert_match: true}",
                "HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT, QUERY",
            ),
            ("{name: ':method', present_match: true}", "any method"),
            ("{name: x-user, exact_match: a}", "any method"),
        ];
        for (header, want) in table {
            let f = run(&format!(
                "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {{prefix: /, headers: [{header}]}}\n    route: {{cluster: c}}\n"
            ));
            assert!(f.problems.is_empty(), "{header}: {:?}", f.problems);
            assert_eq!(f.routes[0].methods.to_string(), *want, "{header}");
        }
        // Two :method matchers intersect.
        let f = run(
            "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match:\n      prefix: /\n      headers:\n      - {name: ':method', string_match: {prefix: P}}\n      - {name: ':method', exact_match: PUT}\n    route: {cluster: c}\n",
        );
        assert_eq!(f.routes[0].methods.to_string(), "PUT");
    }

    #[test]
    fn rewrites_follow_envoy_semantics() {
        let route = |action: &str| {
            let f = run(&format!(
                "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {{prefix: /}}\n    route: {{cluster: c, {action}}}\n"
            ));
            assert!(f.problems.is_empty(), "{action}: {:?}", f.problems);
            f.routes.into_iter().next().expect("a route")
        };
        let r = route(
            "regex_rewrite: {pattern: {regex: '^/service/([^/]+)(/.*)$'}, substitution: '\\2/instance/\\1'}",
        );
        assert_eq!(through(&r, "/service/foo/v1/api"), "/v1/api/instance/foo");
        let r = route("regex_rewrite: {pattern: {regex: '^/a/(.*)$'}, substitution: '/$1/\\1'}");
        assert_eq!(
            through(&r, "/a/x"),
            "/$1/x",
            "`$` is literal in RE2 substitutions"
        );
        let r = route("regex_rewrite: {pattern: {regex: 'one'}, substitution: two}");
        assert!(
            matches!(r.rewrite, Some(Rewrite::Unknown(_))),
            "every match is replaced"
        );
        let r =
            route("path_rewrite_policy: {name: x, typed_config: {path_template_rewrite: '/{a}'}}");
        assert!(matches!(r.rewrite, Some(Rewrite::Unknown(_))));
        let f = run(
            "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {prefix: /}\n    route: {weighted_clusters: {clusters: [{name: blue, weight: 90}, {name: green, weight: 10}]}}\n",
        );
        assert!(matches!(&f.routes[0].target, Target::Forward { host, .. } if host == "blue"));
    }

    #[test]
    fn xds_resources_and_rds_files_are_read() {
        let f = run(
            "resources:\n- \"@type\": type.googleapis.com/envoy.config.route.v3.RouteConfiguration\n  name: rc\n  virtual_hosts:\n  - name: api\n    domains: ['*']\n    routes:\n    - match: {prefix: /api}\n      route: {cluster: api}\n- \"@type\": type.googleapis.com/envoy.config.cluster.v3.Cluster\n  name: api\n  load_assignment:\n    endpoints:\n    - lb_endpoints:\n      - endpoint: {address: {socket_address: {address: api-svc, port_value: 80}}}\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            ["envoy #0 | prefix /api | any method | - | api-svc:Some(80)"]
        );
        let f = run_at(
            "envoy/rds.json",
            r#"{"name": "local", "virtual_hosts": [{"name": "v", "domains": ["*"], "routes": [{"match": {"path": "/x"}, "route": {"cluster": "c"}}]}]}"#,
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            ["envoy #0 | exact /x | any method | - | c:None"]
        );
    }

    #[test]
    fn malformed_routes_are_problems() {
        let text = "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match: {prefix: 7}\n    route: {cluster: c}\n  - route: {cluster: c}\n  - match: {headers: []}\n    route: {cluster: c}\n  - match: {path_separated_prefix: /api/}\n    route: {cluster: c}\n  - match: {safe_regex: {regex: '('}}\n    route: {cluster: c}\n  - match: {prefix: /a}\n  - match: {prefix: /b}\n    route: {cluster: c, prefix_rewrite: /, regex_rewrite: {pattern: {regex: '^/'}, substitution: /}}\n  - match: {prefix: /c, headers: [{name: ':method', range_match: {start: 1, end: 2}}]}\n    route: {cluster: c}\n  - 5\n  - match: {prefix: /ok}\n    route: {cluster: c}\n";
        let f = run(text);
        assert_eq!(f.problems.len(), 9, "{:#?}", f.problems);
        assert_eq!(
            summary(&f),
            ["envoy #0 | prefix /ok | any method | - | c:None"]
        );
        for p in &f.problems {
            assert!(p.span.end as usize <= text.len());
        }
        let f = run_at("envoy/broken.json", "{\"virtual_hosts\": [");
        assert_eq!(f.problems.len(), 1);
        let f = run("static_resources: [1]\n");
        assert_eq!(f.problems.len(), 1);
    }

    #[test]
    fn legacy_v1_json_is_one_problem() {
        let f = run_at(
            "configs/google_com_proxy.json",
            r#"{"listeners": [{"address": "tcp://127.0.0.1:10000", "filters": [{"type": "read", "name": "http_connection_manager", "config": {"route_config": {"virtual_hosts": [{"name": "s", "domains": ["*"], "routes": [{"prefix": "/", "cluster": "g"}]}]}}}]}], "cluster_manager": {"clusters": []}}"#,
        );
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!(f.routes.is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "- 1",
            "virtual_hosts: 3",
            "virtual_hosts: [null, {routes: 3}, {routes: [{match: null}]}]",
            "static_resources: {listeners: [{filter_chains: {filters: {name: envoy.filters.network.http_connection_manager, typed_config: {route_config: 5}}}}]}",
            "resources: [{'@type': x.RouteConfiguration, virtual_hosts: [{routes: [{match: {path_match_policy: {typed_config: {path_template: '/{a'}}}, route: {cluster: c}}]}]}]",
            "\u{0}\u{1}[[[",
        ] {
            let _ = run(text);
            let _ = run_at("x.json", text);
        }
        let _ = run_at("x.json", &"[".repeat(100_000));
    }

    #[test]
    fn uri_templates_match_segments() {
        let f = run(
            "virtual_hosts:\n- name: v\n  domains: ['*']\n  routes:\n  - match:\n      path_match_policy:\n        name: envoy.path.match.uri_template.uri_template_matcher\n        typed_config: {path_template: '/videos/*/{id}/**'}\n    route: {cluster: c}\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let m = |p: &str| f.routes[0].matcher.matches(&ReqPath::parse(p));
        assert_eq!(m("/videos/a/b/c/d"), Tri::Yes);
        assert_eq!(m("/videos/a/b/"), Tri::Yes);
        assert_eq!(m("/videos/a"), Tri::No);
    }

    #[test]
    fn the_envoy_corpus_reads_without_panics_and_valid_files_without_problems() {
        // A legacy v1 file (invalid) may simply yield no routes.
        let read =
            crate::sources::testing::corpus::check("envoy", true, |c| run_at(&c.name, &c.text));
        let routes: usize = read.iter().map(|(_, f)| f.routes.len()).sum();
        assert!(
            read.is_empty() || routes > 20,
            "only {routes} routes read from the corpus"
        );
    }
}
