//! Reads Traefik HTTP routing: the file provider's dynamic configuration (YAML or TOML
//! `http.routers`, `http.middlewares`, `http.services`) and the Kubernetes CRDs
//! (`IngressRoute`, `Middleware`, `TraefikService` of `traefik.io` / `traefik.containo.us`).
//! Every router becomes one edge route of the `traefik` component per path alternative of its
//! rule. Reads one file; never looks at another one, and never decides whether a route is
//! wrong: a middleware or service defined in another file is an unknown rewrite or an opaque
//! target, never a guess.
//!
//! Semantics kept (Traefik v3 sources, `pkg/muxer/http`, `pkg/middlewares/*`, `pkg/rules`, at
//! traefik/traefik fd5a576; docs "Routers > Rule" and "Middlewares"):
//! - A rule is a Go expression of matcher calls joined by `&&`, `||`, `!` and parentheses
//!   (`pkg/rules/parser.go` hands it to vulcand/predicate, which parses Go syntax). Values are Go
//!   string literals: backticks or double quotes; single quotes are rejected. Matcher names are
//!   accepted as written, lower case, upper case or title case (`pkg/rules/parser.go`).
//! - `PathPrefix` is a STRING prefix: `strings.HasPrefix(path, prefix)` in v3
//!   (`matcher.go` `pathPrefix`), gorilla/mux `PathPrefix` in v2 ("it does not treat slashes
//!   specially"), so `/api` also matches `/apix`. `Path` is an exact match. `PathRegexp` (v3)
//!   is `regexp.MatchString`: UNANCHORED unless the pattern says `^`/`$`. Paths must start
//!   with `/`.
//! - The v2 syntax (`ruleSyntax: v2`, `traefik.containo.us` CRDs) accepts several values per
//!   matcher (`PathPrefix(`/a`, `/b`)` = either) and gorilla/mux templates in paths
//!   (`{id}` = one segment, `{id:[0-9]+}` = a regex). Without an explicit syntax both forms
//!   are read the v2 way: under v3 braces are literal, and no client means to send `%7B`.
//! - Priority: the router's `priority`, or when it is 0/unset the length of the rule string
//!   (`mux.go` `GetRulePriority`: `len(rule)`); higher first. The length counts the whole rule,
//!   `Host(...)` included, so a long host-qualified catch-all outranks a short specific path.
//! - No router matches, the method included: 404 (`http.NotFoundHandler`); there is no 405.
//! - `stripPrefix`: the FIRST listed prefix that is a string prefix of the path is removed
//!   and a leading `/` ensured (`strip_prefix.go` `ensureLeadingSlash`), so `/api` turns
//!   `/api/x` into `/x`, `/apix` into `/x` and `/api` into `/` (an empty path goes out as
//!   `/`); a path without any prefix passes unchanged. `forceSlash` (deprecated) only differs
//!   on the empty path. `stripPrefixRegex`: the first regex whose leftmost match starts the
//!   path is removed the same way. `replacePath`: the whole path. `replacePathRegex`: Go
//!   `ReplaceAllString` over the path when the regex matches. `addPrefix`: prefix + path,
//!   leading `/` ensured. `chain` runs its middlewares in order. A server URL's own path is
//!   dropped unless the server sets `preservePath` (`pkg/proxy/httputil/proxy.go`).
//!
//! Left out rather than guessed: an alternative of a rule that EXCLUDES paths
//! (`!PathPrefix(...)`: no matcher of the model expresses "all but"); child routers
//! (`parentRefs`); a `replacePathRegex` that is not `^`-anchored (Go replaces every match,
//! the model's rewrite the first); middleware sequences with no single-rewrite equivalent
//! (an unknown rewrite); files with Go template actions (`{{ }}`), which Traefik renders
//! before reading. Negated non-path matchers, hosts by regex, headers, queries and client
//! IPs narrow a match in ways the model does not carry: they are ignored.

use std::collections::BTreeSet;

use regex::Regex;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Pattern, Rewrite};
use crate::source_file::Span;
use crate::sources::k8s::object::Object;
use crate::sources::{
    facts::Dialect, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::{self, Node, ParseFailure, Range, Value};

/// The component every Traefik route belongs to.
const COMPONENT: &str = "traefik";

/// Rules whose `||`/`&&` distribution yields more path alternatives are not read.
const MAX_ALTERNATIVES: usize = 64;

/// Nesting of parentheses and `!` a rule may use.
const MAX_RULE_DEPTH: usize = 64;

/// Depth of middleware chains and service indirections followed.
const MAX_INDIRECTION: usize = 10;

// ---------------------------------------------------------------------------------------------
// Entry points

/// Extracts the routers of a file-provider dynamic configuration (YAML, or TOML by extension).
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    // Traefik renders Go templates in file-provider configurations before reading them; the
    // text is not the configuration until rendered (discovery skips such YAML the same way).
    if is_templated(input.text) {
        return facts;
    }
    if input.path.to_ascii_lowercase().ends_with(".toml") {
        match parse_toml(input.text) {
            Ok(root) => file_provider(input, &root, &mut facts),
            Err(e) => facts.problem(
                input.span(e.range.start, e.range.end),
                format!("TOML does not parse: {}", e.message),
            ),
        }
    } else {
        for doc in tree::parse_yaml(input.text) {
            match doc.result {
                Ok(root) => file_provider(input, &root, &mut facts),
                Err(e) => facts.problem(
                    input.span(e.range.start, e.range.end),
                    format!("YAML does not parse: {}", e.message),
                ),
            }
        }
    }
    dedup_problems(&mut facts);
    facts
}

/// Go template actions (`{{ .Server1 }}`) outside comments.
fn is_templated(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        !t.starts_with('#') && t.contains("{{") && t.contains("}}")
    })
}

/// A service or middleware that several routers use is reported once.
fn dedup_problems(facts: &mut Facts) {
    let mut seen = std::collections::HashSet::new();
    facts
        .problems
        .retain(|p| seen.insert((p.span, p.message.clone())));
}

/// Reads one Kubernetes custom resource of Traefik: `IngressRoute` objects become routes,
/// `Middleware` objects are checked (they are applied through the routes that name them).
pub fn crd(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    match obj.kind {
        "IngressRoute" => ingress_route(input, obj, facts),
        "Middleware" => {
            let what = format!("Traefik Middleware `{}`", obj.display_name());
            match obj.node.get("spec") {
                Some(spec) => {
                    middleware_def(input, facts, &what, spec, Some(obj.namespace));
                }
                None => facts.problem(
                    input.node_span(obj.anchor()),
                    format!("{what}: the Middleware has no `spec`"),
                ),
            }
        }
        // TraefikService, IngressRouteTCP/UDP, TLSOption, ServersTransport: no HTTP path
        // routing of their own (TraefikServices are followed from the routes naming them).
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// TOML into the span-carrying tree

/// Parses TOML into a [`Node`] tree with byte ranges, entries in document order.
fn parse_toml(text: &str) -> Result<Node, ParseFailure> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| {
        let r = e.span().unwrap_or(0..0);
        let start = r.start.min(text.len());
        ParseFailure {
            message: e.message().lines().next().unwrap_or("").trim().to_owned(),
            range: Range {
                start,
                end: r.end.clamp(start, text.len()),
            },
        }
    })?;
    Ok(toml_table(doc.get_ref(), doc.span(), 0))
}

fn toml_table(t: &toml::de::DeTable<'_>, span: std::ops::Range<usize>, depth: usize) -> Node {
    let mut entries: Vec<(Node, Node)> = t
        .iter()
        .map(|(k, v)| {
            let ks = k.span();
            let key = Node {
                value: Value::Str(k.get_ref().to_string()),
                range: Range {
                    start: ks.start,
                    end: ks.end,
                },
            };
            (key, toml_value(v.get_ref(), v.span(), depth + 1))
        })
        .collect();
    // Without `preserve_order` the map is sorted by key: restore the document's order.
    entries.sort_by_key(|(k, _)| k.range.start);
    let mut range = Range {
        start: span.start,
        end: span.end,
    };
    for (k, v) in &entries {
        if range.start == range.end {
            range.start = k.range.start;
        }
        range.end = range.end.max(v.range.end);
    }
    Node {
        value: Value::Map(entries),
        range,
    }
}

fn toml_value(v: &toml::de::DeValue<'_>, span: std::ops::Range<usize>, depth: usize) -> Node {
    use toml::de::DeValue;
    let range = Range {
        start: span.start,
        end: span.end,
    };
    if depth > 128 {
        return Node {
            value: Value::Null,
            range,
        };
    }
    let value = match v {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Str(i.to_string()),
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) => Value::Float(x),
            Err(_) => Value::Str(f.as_str().to_owned()),
        },
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => Value::Seq(
            items
                .iter()
                .map(|i| toml_value(i.get_ref(), i.span(), depth + 1))
                .collect(),
        ),
        DeValue::Table(t) => return toml_table(t, span, depth),
    };
    Node { value, range }
}

// ---------------------------------------------------------------------------------------------
// Small tree helpers

/// The value of `key`, compared ASCII-case-insensitively as Traefik's configuration loader
/// does for option names.
fn get_ci<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_map()?
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|s| s.eq_ignore_ascii_case(key)))
        .map(|(_, v)| v)
}

/// A string field; a wrong type is a problem and reads as absent.
fn str_field<'a>(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &'a Node,
    key: &str,
) -> Option<&'a str> {
    let v = get_ci(node, key)?;
    match &v.value {
        Value::Str(s) => Some(s),
        Value::Null => None,
        _ => {
            facts.problem(
                input.node_span(v),
                format!("{what}: `{key}` must be a string, found {}", v.type_name()),
            );
            None
        }
    }
}

/// A list field (YAML list or TOML array); a wrong type is a problem and reads as empty.
fn list_field<'a>(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &'a Node,
    key: &str,
) -> &'a [Node] {
    input
        .list_field(facts, what, key, get_ci(node, key))
        .unwrap_or_default()
}

/// A mapping field; a wrong type is a problem and reads as absent.
fn map_field<'a>(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &'a Node,
    key: &str,
) -> Option<&'a Node> {
    let v = get_ci(node, key)?;
    if v.as_map().is_some() {
        return Some(v);
    }
    if !v.is_null() {
        facts.problem(
            input.node_span(v),
            format!("{what}: `{key}` must be a mapping, found {}", v.type_name()),
        );
    }
    None
}

/// `priority`: an integer, 0 meaning "the rule's length".
fn priority_field(input: Input<'_>, facts: &mut Facts, what: &str, node: &Node) -> Option<i64> {
    let p = get_ci(node, "priority")?;
    match &p.value {
        Value::Null => None,
        _ if p.as_i64().is_some() => p.as_i64().filter(|i| *i != 0),
        _ => {
            facts.problem(
                input.node_span(p),
                format!(
                    "{what}: `priority` must be an integer, found {}",
                    p.type_name()
                ),
            );
            None
        }
    }
}

/// `ruleSyntax` (file provider) or `syntax` (CRD route): `v2` or `v3`.
fn syntax_field(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &Node,
    key: &str,
    default: Syntax,
) -> Syntax {
    match str_field(input, facts, what, node, key) {
        None => default,
        Some("v2") => Syntax::V2,
        Some("v3") => Syntax::V3,
        Some(other) => {
            if let Some(n) = get_ci(node, key) {
                facts.problem(
                    input.node_span(n),
                    format!("{what}: unknown rule syntax `{other}` (expected v2 or v3)"),
                );
            }
            default
        }
    }
}

// ---------------------------------------------------------------------------------------------
// File provider

/// The `http` section of a dynamic configuration and what the routers refer to.
struct FileConfig<'a> {
    input: Input<'a>,
    services: Option<&'a Node>,
    middlewares: Registry,
}

pub(crate) fn file_provider(input: Input<'_>, root: &Node, facts: &mut Facts) {
    file_provider_with(input, root, facts, &[]);
}

/// The middlewares a dynamic configuration defines (their problems are its own file's).
pub(crate) fn middlewares_of(input: Input<'_>, root: &Node) -> Vec<MwEntry> {
    let mut scratch = Facts::default();
    let section = get_ci(root, "http").and_then(|h| get_ci(h, "middlewares"));
    file_middlewares(input, &mut scratch, section).entries
}

/// [`file_provider`], where the provider also knows middlewares another file defines (the
/// Docker provider: every container's labels are one namespace).
pub(crate) fn file_provider_with(
    input: Input<'_>,
    root: &Node,
    facts: &mut Facts,
    shared: &[MwEntry],
) {
    let Some(http) = get_ci(root, "http") else {
        return;
    };
    if http.is_null() {
        return;
    }
    if http.as_map().is_none() {
        facts.problem(
            input.node_span(http),
            format!(
                "Traefik: `http` must be a mapping, found {}",
                http.type_name()
            ),
        );
        return;
    }
    let what = "Traefik dynamic configuration";
    let section = map_field(input, facts, what, http, "middlewares");
    let mut middlewares = file_middlewares(input, facts, section);
    for e in shared {
        if !middlewares.entries.iter().any(|m| m.name == e.name) {
            middlewares.entries.push(e.clone());
        }
    }
    let cfg = FileConfig {
        input,
        services: map_field(input, facts, what, http, "services"),
        middlewares,
    };
    let Some(routers) = map_field(input, facts, what, http, "routers") else {
        return;
    };
    let mut order = 0u32;
    for (k, router) in routers.as_map().unwrap_or_default() {
        let name = k.scalar_text().unwrap_or_default();
        file_router(&cfg, facts, &name, router, &mut order);
    }
}

/// Every `http.middlewares` entry, checked once whether a router uses it or not.
fn file_middlewares(input: Input<'_>, facts: &mut Facts, section: Option<&Node>) -> Registry {
    let mut reg = Registry::default();
    for (k, def) in section.and_then(Node::as_map).unwrap_or_default() {
        let name = k.scalar_text().unwrap_or_default();
        let what = format!("Traefik middleware `{name}`");
        let def = middleware_def(input, facts, &what, def, None);
        reg.entries.push(MwEntry {
            name,
            namespace: None,
            def,
        });
    }
    reg
}

/// One `http.routers` entry.
fn file_router(
    cfg: &FileConfig<'_>,
    facts: &mut Facts,
    name: &str,
    router: &Node,
    order: &mut u32,
) {
    let input = cfg.input;
    let what = format!("Traefik router `{name}`");
    if router.as_map().is_none() {
        if !router.is_null() {
            facts.problem(
                input.node_span(router),
                format!(
                    "{what}: a router must be a mapping, found {}",
                    router.type_name()
                ),
            );
        }
        return;
    }
    // A child router (`parentRefs`) is only tried inside its parent's muxer; routelint does
    // not follow multi-layer routing, so the parent's route is opaque and children are left out.
    if get_ci(router, "parentRefs").is_some_and(|p| !p.is_null()) {
        return;
    }
    let Some(rule_node) = get_ci(router, "rule") else {
        // No rule: nothing a request can match (Traefik rejects the router at run time).
        return;
    };
    let Some(rule) = rule_node.as_str() else {
        facts.problem(
            input.node_span(rule_node),
            format!(
                "{what}: `rule` must be a string, found {}",
                rule_node.type_name()
            ),
        );
        return;
    };
    let priority = priority_field(input, facts, &what, router);
    let syntax = syntax_field(input, facts, &what, router, "ruleSyntax", Syntax::Unknown);
    let refs: Vec<MwRef> = list_field(input, facts, &what, router, "middlewares")
        .iter()
        .filter_map(|m| match m.scalar_text() {
            Some(name) => Some(MwRef {
                name: name.trim().to_owned(),
                namespace: None,
            }),
            None => {
                facts.problem(
                    input.node_span(m),
                    format!(
                        "{what}: a middleware name must be a string, found {}",
                        m.type_name()
                    ),
                );
                None
            }
        })
        .collect();
    let service = match str_field(input, facts, &what, router, "service") {
        Some(s) => file_service(cfg, facts, s.trim(), 0),
        None => ServiceTarget::opaque("the router names no service"),
    };
    let mut steps = Vec::new();
    let mut unresolved = resolve(&cfg.middlewares, &refs, 0, &mut steps).err();
    if unresolved.is_none() {
        unresolved = resolve(&cfg.middlewares, &service.middlewares, 0, &mut steps).err();
    }
    steps.extend(service.join.clone());
    let rewrite = match unresolved {
        Some(why) => Some(Rewrite::Unknown(why)),
        None => {
            compose(&steps).unwrap_or_else(|why| Some(Rewrite::Unknown(format!("{what}: {why}"))))
        }
    };
    let rewrite_span = rewrite.as_ref().map(|_| {
        get_ci(router, "middlewares")
            .map(|m| input.node_span(m))
            .unwrap_or_else(|| input.node_span(router))
    });
    emit_routes(
        input,
        facts,
        RouterSpec {
            what: &what,
            table: name,
            origin: format!("Traefik router {name}"),
            rule,
            rule_node,
            rule_span: input.node_span(router),
            priority,
            syntax,
            rewrite,
            rewrite_span,
            target: service.target,
        },
        order,
    );
}

/// Where a file-provider service sends requests, the middlewares it adds and the path of a
/// `preservePath` server.
#[derive(Clone)]
struct ServiceTarget {
    target: Target,
    middlewares: Vec<MwRef>,
    join: Option<Step>,
}

impl ServiceTarget {
    fn opaque(why: &str) -> ServiceTarget {
        ServiceTarget {
            target: Target::Opaque {
                why: why.to_owned(),
            },
            middlewares: Vec::new(),
            join: None,
        }
    }
}

/// Follows a service name to the first server of its load balancer (through `weighted`,
/// `mirroring`, `failover` and `highestRandomWeight` services of this file).
fn file_service(
    cfg: &FileConfig<'_>,
    facts: &mut Facts,
    name: &str,
    depth: usize,
) -> ServiceTarget {
    let input = cfg.input;
    let base = match name.split_once('@') {
        Some((n, "file")) => n,
        Some((_, "internal")) => {
            return ServiceTarget {
                target: Target::Serve {
                    handler: name.to_owned(),
                },
                middlewares: Vec::new(),
                join: None,
            };
        }
        Some((_, provider)) => {
            return ServiceTarget::opaque(&format!(
                "service `{name}` is defined by the `{provider}` provider, not in this file"
            ));
        }
        None => name,
    };
    if depth > MAX_INDIRECTION {
        return ServiceTarget::opaque(&format!(
            "service `{name}` refers to services too deeply (a cycle?)"
        ));
    }
    let Some(svc) = cfg.services.and_then(|s| s.get(base)) else {
        return ServiceTarget::opaque(&format!("service `{base}` is not defined in this file"));
    };
    let what = format!("Traefik service `{base}`");
    let own: Vec<MwRef> = list_field(input, facts, &what, svc, "middlewares")
        .iter()
        .filter_map(|m| m.scalar_text())
        .map(|n| MwRef {
            name: n.trim().to_owned(),
            namespace: None,
        })
        .collect();
    let mut out = if let Some(lb) = map_field(input, facts, &what, svc, "loadBalancer") {
        load_balancer(input, facts, &what, lb)
    } else if let Some(next) = ["weighted", "highestRandomWeight"]
        .iter()
        .find_map(|k| get_ci(svc, k))
        .and_then(|w| get_ci(w, "services"))
        .and_then(Node::as_seq)
        .and_then(|s| s.first())
        .and_then(|s| get_ci(s, "name"))
    {
        follow(cfg, facts, next, depth)
    } else if let Some(next) = ["mirroring", "failover"]
        .iter()
        .find_map(|k| get_ci(svc, k))
        .and_then(|m| get_ci(m, "service"))
    {
        follow(cfg, facts, next, depth)
    } else {
        ServiceTarget::opaque(&format!(
            "service `{base}` has no load balancer routelint can follow"
        ))
    };
    let mut middlewares = own;
    middlewares.append(&mut out.middlewares);
    out.middlewares = middlewares;
    out
}

fn follow(cfg: &FileConfig<'_>, facts: &mut Facts, next: &Node, depth: usize) -> ServiceTarget {
    match next.as_str() {
        Some(n) => file_service(cfg, facts, n.trim(), depth + 1),
        None => ServiceTarget::opaque("a service name is not a string"),
    }
}

/// `loadBalancer.servers[0].url`.
fn load_balancer(input: Input<'_>, facts: &mut Facts, what: &str, lb: &Node) -> ServiceTarget {
    let servers = list_field(input, facts, what, lb, "servers");
    let Some(server) = servers.first() else {
        return ServiceTarget::opaque("the load balancer has no servers");
    };
    let Some(url_node) = get_ci(server, "url") else {
        return ServiceTarget::opaque("the first server has no `url`");
    };
    let Some(url) = url_node.as_str() else {
        facts.problem(
            input.node_span(url_node),
            format!(
                "{what}: `url` must be a string, found {}",
                url_node.type_name()
            ),
        );
        return ServiceTarget::opaque("the server URL is not a string");
    };
    let Some(u) = parse_url(url) else {
        facts.problem(
            input.node_span(url_node),
            format!("{what}: `{url}` is not a server URL (expected http://host:port)"),
        );
        return ServiceTarget::opaque("the server URL does not parse");
    };
    let preserve = get_ci(server, "preservePath").and_then(Node::as_bool) == Some(true);
    ServiceTarget {
        target: Target::Forward {
            host: u.host,
            port: u.port,
            span: input.node_span(url_node),
        },
        middlewares: Vec::new(),
        join: (preserve && !u.path.is_empty() && u.path != "/").then_some(Step::JoinPrefix(u.path)),
    }
}

/// A server URL's parts.
#[derive(Debug, PartialEq)]
struct ServerUrl {
    host: String,
    port: Option<u16>,
    path: String,
}

/// `http://orders:8080/base` → `orders`, 8080, `/base`. The scheme is optional.
fn parse_url(url: &str) -> Option<ServerUrl> {
    let url = url.trim();
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    Some(ServerUrl {
        host: host.to_ascii_lowercase(),
        port,
        path: path.to_owned(),
    })
}

// ---------------------------------------------------------------------------------------------
// Kubernetes CRDs

/// An `IngressRoute`: each `spec.routes[]` entry is a router.
fn ingress_route(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let name = obj.display_name();
    let what = format!("IngressRoute `{name}`");
    let Some(spec) = obj.spec(input, facts, &what) else {
        return;
    };
    // CRDs of the v2 API group can only be served by Traefik v2: its rule syntax.
    let default_syntax = if obj.api_version.starts_with("traefik.containo.us/") {
        Syntax::V2
    } else {
        Syntax::Unknown
    };
    let objects = SameFile::read(input);
    let ctx = CrdCtx {
        input,
        obj,
        objects: &objects,
        what: &what,
        default_syntax,
    };
    let mut order = 0u32;
    for (i, route) in list_field(input, facts, &what, spec, "routes")
        .iter()
        .enumerate()
    {
        if route.as_map().is_none() {
            facts.problem(
                input.node_span(route),
                format!(
                    "{what}: `routes[{i}]` must be a mapping, found {}",
                    route.type_name()
                ),
            );
            continue;
        }
        crd_route(&ctx, facts, route, &mut order);
    }
}

/// The IngressRoute whose routes are read, and the objects of its file.
struct CrdCtx<'a> {
    input: Input<'a>,
    obj: &'a Object<'a>,
    objects: &'a SameFile,
    what: &'a str,
    default_syntax: Syntax,
}

/// One route of an IngressRoute.
fn crd_route(ctx: &CrdCtx<'_>, facts: &mut Facts, route: &Node, order: &mut u32) {
    let CrdCtx {
        input,
        obj,
        objects,
        what,
        default_syntax,
    } = *ctx;
    let Some(rule_node) = route.get("match") else {
        facts.problem(
            input.node_span(route),
            format!("{what}: a route has no `match` rule"),
        );
        return;
    };
    let Some(rule) = rule_node.as_str() else {
        facts.problem(
            input.node_span(rule_node),
            format!(
                "{what}: `match` must be a string, found {}",
                rule_node.type_name()
            ),
        );
        return;
    };
    if let Some(kind) = route.get("kind")
        && kind.as_str() != Some("Rule")
    {
        facts.problem(
            input.node_span(kind),
            format!("{what}: the route `kind` must be `Rule`"),
        );
        return;
    }
    let priority = priority_field(input, facts, what, route);
    let syntax = syntax_field(input, facts, what, route, "syntax", default_syntax);
    let refs: Vec<MwRef> = list_field(input, facts, what, route, "middlewares")
        .iter()
        .filter_map(|m| crd_ref(input, facts, what, m, obj.namespace))
        .collect();
    let target = match list_field(input, facts, what, route, "services").first() {
        Some(s) => crd_service(input, facts, what, objects, s, obj.namespace, 0),
        None => Target::Opaque {
            why: "the route names no service".to_owned(),
        },
    };
    let mut steps = Vec::new();
    let rewrite = match resolve(&objects.middlewares, &refs, 0, &mut steps) {
        Err(why) => Some(Rewrite::Unknown(why)),
        Ok(()) => {
            compose(&steps).unwrap_or_else(|why| Some(Rewrite::Unknown(format!("{what}: {why}"))))
        }
    };
    let rewrite_span = rewrite.as_ref().map(|_| {
        route
            .get("middlewares")
            .map(|m| input.node_span(m))
            .unwrap_or_else(|| input.node_span(route))
    });
    let name = obj.display_name();
    emit_routes(
        input,
        facts,
        RouterSpec {
            what,
            table: name,
            origin: format!("Traefik IngressRoute {name}"),
            rule,
            rule_node,
            rule_span: input.node_span(route),
            priority,
            syntax,
            rewrite,
            rewrite_span,
            target,
        },
        order,
    );
}

/// A `{name, namespace}` middleware reference of a CRD; the namespace defaults to the
/// referring object's.
fn crd_ref(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    m: &Node,
    namespace: Option<&str>,
) -> Option<MwRef> {
    let Some(name) = m.get("name").and_then(Node::as_str) else {
        facts.problem(
            input.node_span(m),
            format!("{what}: a middleware reference needs a `name`"),
        );
        return None;
    };
    let ns = m.get("namespace").and_then(Node::as_str).or(namespace);
    Some(MwRef {
        name: name.trim().to_owned(),
        namespace: ns.map(str::to_owned),
    })
}

/// `services[0]` of a CRD route: a Kubernetes Service, or a TraefikService of this file.
fn crd_service(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    objects: &SameFile,
    s: &Node,
    namespace: Option<&str>,
    depth: usize,
) -> Target {
    let Some(name_node) = s.get("name") else {
        facts.problem(
            input.node_span(s),
            format!("{what}: a service needs a `name`"),
        );
        return Target::Opaque {
            why: "the service has no name".to_owned(),
        };
    };
    let Some(name) = name_node.as_str() else {
        facts.problem(
            input.node_span(name_node),
            format!(
                "{what}: a service `name` must be a string, found {}",
                name_node.type_name()
            ),
        );
        return Target::Opaque {
            why: "the service name is not a string".to_owned(),
        };
    };
    let ns = s.get("namespace").and_then(Node::as_str).or(namespace);
    match s.get("kind").and_then(Node::as_str).unwrap_or("Service") {
        "TraefikService" => {
            let found = objects
                .services
                .iter()
                .find(|(n, sns, _)| n == name && ns_matches(sns.as_deref(), ns));
            match found {
                Some((_, sns, spec)) if depth < MAX_INDIRECTION => {
                    let next = ["weighted", "highestRandomWeight"]
                        .iter()
                        .find_map(|k| spec.get(k))
                        .and_then(|w| w.get("services"))
                        .and_then(Node::as_seq)
                        .and_then(|l| l.first())
                        .or_else(|| spec.get("mirroring"));
                    match next {
                        Some(n) => crd_service(
                            input,
                            facts,
                            what,
                            objects,
                            n,
                            sns.as_deref().or(ns),
                            depth + 1,
                        ),
                        None => Target::Opaque {
                            why: format!(
                                "TraefikService `{name}` has no service routelint can follow"
                            ),
                        },
                    }
                }
                _ => Target::Opaque {
                    why: format!("TraefikService `{name}` is not defined in this file"),
                },
            }
        }
        _ => Target::Forward {
            host: name.to_owned(),
            port: s
                .get("port")
                .and_then(Node::as_i64)
                .and_then(|p| u16::try_from(p).ok()),
            span: input.node_span(name_node),
        },
    }
}

/// Namespaces match when equal or when either is not written (the object then lives in the
/// namespace it is applied to, which the file does not say).
fn ns_matches(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The Middleware and TraefikService objects of the file an IngressRoute is in.
#[derive(Default)]
struct SameFile {
    middlewares: Registry,
    /// (name, namespace, spec)
    services: Vec<(String, Option<String>, Node)>,
}

thread_local! {
    /// The last file scanned, so that a manifest of many IngressRoutes is scanned once.
    static SCANNED: std::cell::RefCell<Option<(String, std::rc::Rc<SameFile>)>> =
        const { std::cell::RefCell::new(None) };
}

impl SameFile {
    /// The Middleware and TraefikService objects of the input's file (cached per file text).
    fn read(input: Input<'_>) -> std::rc::Rc<SameFile> {
        SCANNED.with(|cell| {
            if let Some((text, objects)) = cell.borrow().as_ref()
                && text == input.text
            {
                return objects.clone();
            }
            let objects = std::rc::Rc::new(SameFile::scan(input));
            *cell.borrow_mut() = Some((input.text.to_owned(), objects.clone()));
            objects
        })
    }

    /// Reads the file again for its other objects; their problems are reported when the
    /// Kubernetes reader hands each of them to [`crd`].
    fn scan(input: Input<'_>) -> SameFile {
        let mut out = SameFile {
            middlewares: Registry {
                entries: Vec::new(),
                crd: true,
            },
            services: Vec::new(),
        };
        let mut silent = Facts::default();
        for doc in tree::parse_yaml(input.text) {
            if let Ok(node) = doc.result {
                out.collect(input, &mut silent, &node, 0);
            }
        }
        out
    }

    fn collect(&mut self, input: Input<'_>, silent: &mut Facts, node: &Node, depth: usize) {
        let kind = node.get("kind").and_then(Node::as_str);
        let api = node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        if kind == Some("List") && depth < 4 {
            for item in node.get("items").and_then(Node::as_seq).unwrap_or_default() {
                self.collect(input, silent, item, depth + 1);
            }
            return;
        }
        if !(api.starts_with("traefik.io/") || api.starts_with("traefik.containo.us/")) {
            return;
        }
        let name = node.at(&["metadata", "name"]).and_then(Node::as_str);
        let ns = node.at(&["metadata", "namespace"]).and_then(Node::as_str);
        let (Some(name), Some(spec)) = (name, node.get("spec")) else {
            return;
        };
        match kind {
            Some("Middleware") => {
                let def = middleware_def(input, silent, "", spec, Some(ns));
                self.middlewares.entries.push(MwEntry {
                    name: name.to_owned(),
                    namespace: ns.map(str::to_owned),
                    def,
                });
            }
            Some("TraefikService") => {
                self.services
                    .push((name.to_owned(), ns.map(str::to_owned), spec.clone()));
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Middlewares

/// A middleware named by a router: `name`, `name@provider`, or a CRD `{name, namespace}`.
#[derive(Clone, Debug)]
struct MwRef {
    name: String,
    namespace: Option<String>,
}

/// What a middleware does to the path.
#[derive(Clone, Debug)]
enum MwDef {
    Path(Step),
    /// `chain`: these, in order.
    Chain(Vec<MwRef>),
    /// A known middleware that does not change the path (auth, headers, rate limits…).
    Inert,
    /// Its effect on the path cannot be known (a plugin, a redirect, a broken definition).
    Opaque(String),
}

#[derive(Clone, Debug)]
pub(crate) struct MwEntry {
    name: String,
    namespace: Option<String>,
    def: MwDef,
}

/// The middlewares a file defines.
#[derive(Debug, Default)]
struct Registry {
    entries: Vec<MwEntry>,
    /// Kubernetes CRD names (`namespace-name@kubernetescrd` also refers to them).
    crd: bool,
}

impl Registry {
    fn find(&self, r: &MwRef) -> Result<&MwDef, String> {
        let (base, provider) = match r.name.split_once('@') {
            Some((b, p)) => (b, Some(p)),
            None => (r.name.as_str(), None),
        };
        let found = match provider {
            None => self.entries.iter().find(|e| {
                e.name == base && ns_matches(e.namespace.as_deref(), r.namespace.as_deref())
            }),
            Some("file") if !self.crd => self.entries.iter().find(|e| e.name == base),
            // `<namespace>-<name>@kubernetescrd` names a Middleware from any namespace.
            Some("kubernetescrd") if self.crd => self.entries.iter().find(|e| {
                e.name == base
                    || e.namespace
                        .as_deref()
                        .is_some_and(|ns| format!("{ns}-{}", e.name) == base)
            }),
            Some(p) => {
                return Err(format!(
                    "middleware `{}` is defined by the `{p}` provider, not in this file",
                    r.name
                ));
            }
        };
        found
            .map(|e| &e.def)
            .ok_or_else(|| format!("middleware `{}` is defined elsewhere", r.name))
    }
}

/// Middleware types that never change the request path (Traefik v3 `dynamic.Middleware`).
const INERT_MIDDLEWARES: &[&str] = &[
    "basicAuth",
    "buffering",
    "circuitBreaker",
    "compress",
    "contentType",
    "digestAuth",
    "encodedCharacters",
    "errors",
    "forwardAuth",
    "grpcWeb",
    "headers",
    "inFlightReq",
    "ipAllowList",
    "ipWhiteList",
    "passTLSClientCert",
    "rateLimit",
    "redirectScheme",
    "retry",
];

/// Reads a middleware definition (`{stripPrefix: {prefixes: [...]}}`). `namespace` is
/// `Some` for a CRD (the chain references default to it).
fn middleware_def(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    node: &Node,
    namespace: Option<Option<&str>>,
) -> MwDef {
    let Some(entries) = node.as_map() else {
        facts.problem(
            input.node_span(node),
            format!(
                "{what}: a middleware must be a mapping, found {}",
                node.type_name()
            ),
        );
        return MwDef::Opaque("the middleware is not a mapping".to_owned());
    };
    let Some((k, v)) = entries.first() else {
        return MwDef::Opaque(format!("{what} defines no middleware type"));
    };
    let kind = k.scalar_text().unwrap_or_default();
    let is = |name: &str| kind.eq_ignore_ascii_case(name);
    if is("stripPrefix") {
        strip_prefix(input, facts, what, v)
    } else if is("stripPrefixRegex") {
        strip_prefix_regex(input, facts, what, v)
    } else if is("replacePath") {
        match str_field(input, facts, what, v, "path") {
            Some(p) => MwDef::Path(Step::Replace(p.to_owned())),
            None => MwDef::Path(Step::Replace(String::new())),
        }
    } else if is("replacePathRegex") {
        replace_path_regex(input, facts, what, v)
    } else if is("addPrefix") {
        match str_field(input, facts, what, v, "prefix") {
            Some(p) if !p.is_empty() => MwDef::Path(Step::AddPrefix(p.to_owned())),
            _ => {
                facts.problem(
                    input.node_span(v),
                    format!("{what}: `addPrefix` needs a non-empty `prefix`"),
                );
                MwDef::Opaque("addPrefix has no prefix".to_owned())
            }
        }
    } else if is("chain") {
        let refs = list_field(input, facts, what, v, "middlewares")
            .iter()
            .filter_map(|m| match (namespace, m.as_str()) {
                (_, Some(name)) => Some(MwRef {
                    name: name.trim().to_owned(),
                    namespace: namespace.flatten().map(str::to_owned),
                }),
                (Some(ns), None) => crd_ref(input, facts, what, m, ns),
                (None, None) => {
                    facts.problem(
                        input.node_span(m),
                        format!("{what}: a chained middleware name must be a string"),
                    );
                    None
                }
            })
            .collect();
        MwDef::Chain(refs)
    } else if is("redirectRegex") {
        MwDef::Opaque("a redirectRegex middleware may answer with a redirect".to_owned())
    } else if is("plugin") {
        MwDef::Opaque("a plugin middleware may change the path".to_owned())
    } else if INERT_MIDDLEWARES.iter().any(|m| is(m)) {
        MwDef::Inert
    } else {
        MwDef::Opaque(format!("unknown middleware type `{kind}`"))
    }
}

/// `stripPrefix.prefixes` (trimmed, as Traefik does).
fn strip_prefix(input: Input<'_>, facts: &mut Facts, what: &str, v: &Node) -> MwDef {
    let prefixes: Vec<String> = list_field(input, facts, what, v, "prefixes")
        .iter()
        .filter_map(|p| match p.as_str() {
            Some(s) => Some(s.trim().to_owned()),
            None => {
                facts.problem(
                    input.node_span(p),
                    format!("{what}: a prefix must be a string, found {}", p.type_name()),
                );
                None
            }
        })
        .collect();
    if prefixes.is_empty() {
        return MwDef::Inert;
    }
    MwDef::Path(Step::Strip {
        alts: prefixes.iter().map(|p| regex::escape(p)).collect(),
        shown: format!("stripPrefix {}", prefixes.join(", ")),
    })
}

/// `stripPrefixRegex.regex`.
fn strip_prefix_regex(input: Input<'_>, facts: &mut Facts, what: &str, v: &Node) -> MwDef {
    let mut alts = Vec::new();
    for r in list_field(input, facts, what, v, "regex") {
        let Some(src) = r.as_str().map(str::trim) else {
            facts.problem(
                input.node_span(r),
                format!("{what}: a regex must be a string, found {}", r.type_name()),
            );
            continue;
        };
        if Regex::new(src).is_err() {
            facts.problem(
                input.node_span(r),
                format!("{what}: `{src}` is not a valid regular expression"),
            );
            return MwDef::Opaque(format!("the regex `{src}` does not compile"));
        }
        alts.push(src.to_owned());
    }
    if alts.is_empty() {
        return MwDef::Inert;
    }
    let shown = format!("stripPrefixRegex {}", alts.join(", "));
    MwDef::Path(Step::Strip { alts, shown })
}

/// `replacePathRegex.{regex, replacement}`.
fn replace_path_regex(input: Input<'_>, facts: &mut Facts, what: &str, v: &Node) -> MwDef {
    let src = str_field(input, facts, what, v, "regex")
        .unwrap_or("")
        .trim();
    let with = str_field(input, facts, what, v, "replacement")
        .unwrap_or("")
        .trim();
    if Regex::new(src).is_err() {
        facts.problem(
            input.node_span(get_ci(v, "regex").unwrap_or(v)),
            format!("{what}: `{src}` is not a valid regular expression"),
        );
        return MwDef::Opaque(format!("the regex `{src}` does not compile"));
    }
    // Go's ReplaceAllString replaces every match; routelint's rewrite replaces the first. An
    // anchored regex matches at most once, so only those are followed.
    if !src.starts_with('^') {
        return MwDef::Opaque(format!(
            "replacePathRegex replaces every match of the unanchored regex `{src}`"
        ));
    }
    MwDef::Path(Step::ReplaceRegex {
        source: src.to_owned(),
        with: with.to_owned(),
        shown: format!("replacePathRegex {src} → {with}"),
    })
}

/// Collects the path steps of `refs` in order, expanding chains.
fn resolve(
    reg: &Registry,
    refs: &[MwRef],
    depth: usize,
    out: &mut Vec<Step>,
) -> Result<(), String> {
    if depth > MAX_INDIRECTION {
        return Err("middleware chains are nested too deeply (a cycle?)".to_owned());
    }
    for r in refs {
        match reg.find(r)? {
            MwDef::Path(step) => out.push(step.clone()),
            MwDef::Chain(inner) => resolve(reg, inner, depth + 1, out)?,
            MwDef::Inert => {}
            MwDef::Opaque(why) => return Err(format!("middleware `{}`: {why}", r.name)),
        }
    }
    Ok(())
}

/// One path-changing middleware, in Traefik's semantics.
#[derive(Clone, Debug)]
enum Step {
    /// `stripPrefix` (escaped prefixes) or `stripPrefixRegex`: the first alternative that
    /// matches at the start is removed and a leading `/` ensured.
    Strip { alts: Vec<String>, shown: String },
    /// `replacePath`.
    Replace(String),
    /// `replacePathRegex` with a `^`-anchored regex (one match at most).
    ReplaceRegex {
        source: String,
        with: String,
        shown: String,
    },
    /// `addPrefix`: prefix + path, leading `/` ensured.
    AddPrefix(String),
    /// A `preservePath` server URL's path, joined with one slash.
    JoinPrefix(String),
}

/// Escapes literal text for a regex replacement template.
fn repl_literal(s: &str) -> String {
    s.replace('$', "$$")
}

fn ensure_leading_slash(s: &str) -> String {
    if s.is_empty() || s.starts_with('/') {
        s.to_owned()
    } else {
        format!("/{s}")
    }
}

impl Step {
    fn shown(&self) -> String {
        match self {
            Step::Strip { shown, .. } | Step::ReplaceRegex { shown, .. } => shown.clone(),
            Step::Replace(p) => format!("replacePath {p}"),
            Step::AddPrefix(p) => format!("addPrefix {p}"),
            Step::JoinPrefix(p) => format!("server path {p}"),
        }
    }

    /// The step as a regex over the whole path that matches EVERY path, and its template
    /// (`None` for steps that leave unmatched paths alone or replace the path outright).
    fn total(&self) -> Option<(String, String)> {
        match self {
            // Unmatched paths: the `/` branch eats the leading slash that `/${rest}` restores.
            Step::Strip { alts, .. } => Some((
                format!("(?s)^(?:(?:{})/?|/)?(?P<rest>.*)$", alts.join("|")),
                "/${rest}".to_owned(),
            )),
            Step::AddPrefix(p) => Some((
                "(?s)^(?P<rest>.*)$".to_owned(),
                format!("{}${{rest}}", repl_literal(&ensure_leading_slash(p))),
            )),
            Step::JoinPrefix(p) => Some((
                "(?s)^(?P<rest>.*)$".to_owned(),
                format!(
                    "{}${{rest}}",
                    repl_literal(p.strip_suffix('/').unwrap_or(p))
                ),
            )),
            Step::Replace(_) | Step::ReplaceRegex { .. } => None,
        }
    }

    /// The step alone as a rewrite.
    fn rewrite(&self) -> Option<Rewrite> {
        match self {
            Step::Strip { alts, shown } => {
                let re = Regex::new(&format!("(?s)^(?:{})/?(?P<rest>.*)$", alts.join("|"))).ok()?;
                Some(Rewrite::RegexReplace {
                    re,
                    with: "/${rest}".to_owned(),
                    shown: shown.clone(),
                })
            }
            Step::Replace(p) => Some(Rewrite::ReplaceFull(p.clone())),
            Step::ReplaceRegex {
                source,
                with,
                shown,
            } => Some(Rewrite::RegexReplace {
                re: Regex::new(source).ok()?,
                with: with.clone(),
                shown: shown.clone(),
            }),
            Step::AddPrefix(p) if p.starts_with('/') && !p.ends_with('/') => {
                Some(Rewrite::PrefixPath(p.clone()))
            }
            Step::JoinPrefix(p) => Some(Rewrite::PrefixPath(p.clone())),
            Step::AddPrefix(_) => {
                let (re, with) = self.total()?;
                Some(Rewrite::RegexReplace {
                    re: Regex::new(&re).ok()?,
                    with,
                    shown: self.shown(),
                })
            }
        }
    }

    /// Applies the step to a literal path.
    fn apply(&self, path: &str) -> Option<String> {
        match self {
            Step::Replace(p) => Some(p.clone()),
            Step::ReplaceRegex { source, with, .. } => {
                let re = Regex::new(source).ok()?;
                Some(re.replace_all(path, with.as_str()).into_owned())
            }
            _ => {
                let (re, with) = self.total()?;
                let re = Regex::new(&re).ok()?;
                Some(re.replace(path, with.as_str()).into_owned())
            }
        }
    }
}

/// Composes path steps into one rewrite: `Ok(None)` when nothing changes the path, `Err`
/// when the sequence has no single-rewrite equivalent.
fn compose(steps: &[Step]) -> Result<Option<Rewrite>, String> {
    enum Acc {
        Identity,
        /// The path is this literal now.
        Full(String),
        Single(Step),
        /// A regex matching every path, its template and what it shows.
        Total(String, String, Vec<String>),
    }
    let mut acc = Acc::Identity;
    for step in steps {
        acc = match (acc, step) {
            (_, Step::Replace(p)) => Acc::Full(p.clone()),
            (Acc::Full(p), s) => {
                Acc::Full(s.apply(&p).ok_or("a middleware regex does not compile")?)
            }
            (Acc::Identity, s) => Acc::Single(s.clone()),
            (Acc::Single(first), s @ (Step::AddPrefix(_) | Step::JoinPrefix(_))) => {
                let (re, with) = first.total().ok_or_else(|| cannot(&first, s))?;
                let (_, more) = s.total().ok_or_else(|| cannot(&first, s))?;
                Acc::Total(
                    re,
                    more.replace("${rest}", &with),
                    vec![first.shown(), s.shown()],
                )
            }
            (Acc::Total(re, with, mut shown), s @ (Step::AddPrefix(_) | Step::JoinPrefix(_))) => {
                let (_, more) = s.total().ok_or("unreachable")?;
                shown.push(s.shown());
                Acc::Total(re, more.replace("${rest}", &with), shown)
            }
            (Acc::Single(first), s) => return Err(cannot(&first, s)),
            (Acc::Total(_, _, shown), s) => {
                return Err(format!(
                    "the middlewares change the path in ways routelint cannot combine ({}, then {})",
                    shown.join(", then "),
                    s.shown()
                ));
            }
        };
    }
    Ok(match acc {
        Acc::Identity => None,
        Acc::Full(p) => Some(Rewrite::ReplaceFull(p)),
        Acc::Single(s) => s.rewrite(),
        Acc::Total(re, with, shown) => Some(Rewrite::RegexReplace {
            re: Regex::new(&re).map_err(|_| "a middleware regex does not compile".to_owned())?,
            with,
            shown: shown.join(", then "),
        }),
    })
}

fn cannot(first: &Step, then: &Step) -> String {
    format!(
        "the middlewares change the path in ways routelint cannot combine ({}, then {})",
        first.shown(),
        then.shown()
    )
}

// ---------------------------------------------------------------------------------------------
// Rule expressions

/// Which rule syntax a router uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Syntax {
    V2,
    V3,
    /// Not said: both syntaxes' forms are accepted and read the v2 way.
    Unknown,
}

/// A matcher value: a string and where it is in the rule.
#[derive(Clone, Debug)]
struct Arg {
    value: String,
    start: usize,
    end: usize,
}

/// A matcher call: `PathPrefix(`/api`)`.
#[derive(Clone, Debug)]
struct Call {
    /// The canonical name (`PathPrefix` for `pathprefix`).
    name: &'static str,
    args: Vec<Arg>,
    start: usize,
    end: usize,
}

#[derive(Clone, Debug)]
enum Expr {
    Call(Call),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// A rule that does not parse, with the byte range within the rule to point at.
#[derive(Clone, Debug, PartialEq)]
struct RuleError {
    message: String,
    start: usize,
    end: usize,
}

fn rule_error(message: impl Into<String>, start: usize, end: usize) -> RuleError {
    RuleError {
        message: message.into(),
        start,
        end,
    }
}

/// The matchers of both syntaxes (v3 `httpFuncs`, v2 `httpFuncsV2`).
const MATCHERS: &[&str] = &[
    "ClientIP",
    "Header",
    "HeaderRegexp",
    "Headers",
    "HeadersRegexp",
    "Host",
    "HostHeader",
    "HostRegexp",
    "Method",
    "Path",
    "PathPrefix",
    "PathRegexp",
    "Query",
    "QueryRegexp",
];

const V2_ONLY: &[&str] = &["Headers", "HeadersRegexp", "HostHeader"];
const V3_ONLY: &[&str] = &["Header", "HeaderRegexp", "PathRegexp", "QueryRegexp"];

/// A matcher name as Traefik accepts it: as written, lower, upper or title case.
fn canonical_matcher(name: &str) -> Option<&'static str> {
    MATCHERS.iter().copied().find(|m| {
        let lower = m.to_ascii_lowercase();
        let mut title = lower.clone();
        if let Some(f) = title.get_mut(..1) {
            f.make_ascii_uppercase();
        }
        name == *m || name == lower || name == m.to_ascii_uppercase() || name == title
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Not,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn lex(rule: &str) -> Result<Vec<Token>, RuleError> {
    let b = rule.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b',' => Tok::Comma,
            b'!' => Tok::Not,
            b'&' if b.get(i + 1) == Some(&b'&') => {
                i += 1;
                Tok::And
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                i += 1;
                Tok::Or
            }
            b'`' => {
                let close = rule[i + 1..]
                    .find('`')
                    .ok_or_else(|| rule_error("unterminated string", i, rule.len()))?;
                let value = rule[i + 1..i + 1 + close].to_owned();
                i += close + 1;
                Tok::Str(value)
            }
            b'"' => {
                let (value, len) = go_string(&rule[i..]).ok_or_else(|| {
                    rule_error(
                        "unterminated or invalid double-quoted string",
                        i,
                        rule.len(),
                    )
                })?;
                i += len - 1;
                Tok::Str(value)
            }
            b'\'' => {
                return Err(rule_error(
                    "single quotes are not accepted: Traefik values are Go string literals (use backticks)",
                    i,
                    i + 1,
                ));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = rule[i..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .unwrap_or(rule.len() - i);
                let word = rule[i..i + len].to_owned();
                i += len - 1;
                Tok::Ident(word)
            }
            _ => {
                let ch = rule[i..].chars().next().unwrap_or('?');
                return Err(rule_error(
                    format!(
                        "unexpected `{ch}`: a rule is made of matchers such as PathPrefix(`/api`)"
                    ),
                    i,
                    i + ch.len_utf8(),
                ));
            }
        };
        i += 1;
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

/// A Go interpreted string literal at the start of `s`: its value and its length in bytes.
fn go_string(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' | '"' | '\'' => e,
                    _ => return None,
                });
            }
            '\n' => return None,
            c => out.push(c),
        }
    }
    None
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    depth: usize,
    len: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Where the next token is (the end of the rule when there is none).
    fn here(&self) -> (usize, usize) {
        match self.toks.get(self.pos) {
            Some(t) => (t.start, t.end),
            None => (self.len, self.len),
        }
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut items = vec![self.and()?];
        while self.eat(&Tok::Or) {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut items = vec![self.unary()?];
        while self.eat(&Tok::And) {
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn enter(&mut self) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_RULE_DEPTH {
            let (s, e) = self.here();
            return Err(rule_error("the rule is nested too deeply", s, e));
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.eat(&Tok::Not) {
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, RuleError> {
        let (start, end) = self.here();
        match self.peek().cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                self.depth -= 1;
                if !self.eat(&Tok::RParen) {
                    let (s, e) = self.here();
                    return Err(rule_error("expected `)`", s, e));
                }
                Ok(e)
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                if !self.eat(&Tok::LParen) {
                    return Err(rule_error(
                        format!(
                            "`{name}` is not a matcher call: expected a matcher such as PathPrefix(`/api`)"
                        ),
                        start,
                        end,
                    ));
                }
                let Some(canonical) = canonical_matcher(&name) else {
                    return Err(rule_error(
                        format!(
                            "unknown matcher `{name}` (expected one of {})",
                            MATCHERS.join(", ")
                        ),
                        start,
                        end,
                    ));
                };
                let args = self.args()?;
                let close = self
                    .toks
                    .get(self.pos.saturating_sub(1))
                    .map_or(end, |t| t.end);
                Ok(Expr::Call(Call {
                    name: canonical,
                    args,
                    start,
                    end: close,
                }))
            }
            Some(Tok::Str(_)) => Err(rule_error(
                "a value must be the argument of a matcher such as PathPrefix(`/api`)",
                start,
                end,
            )),
            Some(_) => Err(rule_error(
                "expected a matcher such as PathPrefix(`/api`)",
                start,
                end,
            )),
            None if self.len == 0 || self.toks.is_empty() => {
                Err(rule_error("the rule is empty", 0, self.len))
            }
            None => Err(rule_error("the rule ends too early", self.len, self.len)),
        }
    }

    /// `` `a`, `b` ) `` after the opening parenthesis.
    fn args(&mut self) -> Result<Vec<Arg>, RuleError> {
        let mut args = Vec::new();
        if self.eat(&Tok::RParen) {
            return Ok(args);
        }
        loop {
            let (start, end) = self.here();
            match self.peek().cloned() {
                Some(Tok::Str(value)) => {
                    self.pos += 1;
                    args.push(Arg { value, start, end });
                }
                _ => return Err(rule_error("expected a string value (`...`)", start, end)),
            }
            if self.eat(&Tok::RParen) {
                return Ok(args);
            }
            if !self.eat(&Tok::Comma) {
                let (s, e) = self.here();
                return Err(rule_error("expected `,` or `)`", s, e));
            }
        }
    }
}

/// Parses a rule into an expression.
fn parse_rule(rule: &str) -> Result<Expr, RuleError> {
    let toks = lex(rule)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        len: rule.len(),
    };
    let e = p.or()?;
    if let Some(t) = toks.get(p.pos) {
        return Err(rule_error(
            "unexpected text after the rule (missing `&&` or `||`?)",
            t.start,
            t.end,
        ));
    }
    Ok(e)
}

/// Matchers that take a list of alternatives in v2 (`Path(`/a`, `/b`)` = either).
fn is_alternatives(name: &str) -> bool {
    matches!(
        name,
        "Path" | "PathPrefix" | "Host" | "HostHeader" | "Method"
    )
}

fn is_path(name: &str) -> bool {
    matches!(name, "Path" | "PathPrefix" | "PathRegexp")
}

/// The syntax a rule needs when its router does not say: a v2-only or v3-only form decides.
fn infer_syntax(e: &Expr, syntax: Syntax) -> Syntax {
    if syntax != Syntax::Unknown {
        return syntax;
    }
    let mut calls = Vec::new();
    collect_calls(e, &mut calls);
    if calls.iter().any(|c| V3_ONLY.contains(&c.name)) {
        Syntax::V3
    } else {
        Syntax::Unknown
    }
}

fn collect_calls<'e>(e: &'e Expr, out: &mut Vec<&'e Call>) {
    match e {
        Expr::Call(c) => out.push(c),
        Expr::Not(inner) => collect_calls(inner, out),
        Expr::And(items) | Expr::Or(items) => items.iter().for_each(|i| collect_calls(i, out)),
    }
}

/// Checks every matcher's values as Traefik does when it builds the router.
fn validate(e: &Expr, syntax: Syntax) -> Result<(), RuleError> {
    let mut calls = Vec::new();
    collect_calls(e, &mut calls);
    for c in calls {
        let n = c.args.len();
        if n == 0 {
            return Err(rule_error(
                format!("`{}` needs a value", c.name),
                c.start,
                c.end,
            ));
        }
        if syntax == Syntax::V3 && V2_ONLY.contains(&c.name) {
            return Err(rule_error(
                format!(
                    "`{}` is a v2 matcher; the v3 syntax does not have it",
                    c.name
                ),
                c.start,
                c.end,
            ));
        }
        if syntax == Syntax::V2 && V3_ONLY.contains(&c.name) {
            return Err(rule_error(
                format!(
                    "`{}` is a v3 matcher; the v2 syntax does not have it",
                    c.name
                ),
                c.start,
                c.end,
            ));
        }
        let wants_two = matches!(
            c.name,
            "Header" | "HeaderRegexp" | "Headers" | "HeadersRegexp"
        );
        if wants_two && n != 2 {
            return Err(rule_error(
                format!("`{}` takes a name and a value", c.name),
                c.start,
                c.end,
            ));
        }
        if syntax == Syntax::V3
            && !wants_two
            && n != 1
            && !matches!(c.name, "Query" | "QueryRegexp")
        {
            return Err(rule_error(
                format!(
                    "`{}` takes one value in the v3 syntax (write `||` between alternatives)",
                    c.name
                ),
                c.start,
                c.end,
            ));
        }
        if is_path(c.name) {
            for a in &c.args {
                path_atom(c.name, &a.value, syntax)
                    .map_err(|m| rule_error(format!("`{}`: {m}", c.name), a.start, a.end))?;
            }
        }
        if c.name == "HostRegexp" && syntax == Syntax::V3 {
            for a in &c.args {
                if Regex::new(&a.value).is_err() {
                    return Err(rule_error("not a valid regular expression", a.start, a.end));
                }
            }
        }
    }
    Ok(())
}

/// The matcher of one path value.
fn path_atom(name: &str, value: &str, syntax: Syntax) -> Result<PathMatch, String> {
    if name == "PathRegexp" {
        // `regexp.MatchString`: unanchored.
        return Regex::new(value)
            .map(|re| PathMatch::Regex {
                source: value.to_owned(),
                re,
            })
            .map_err(|_| format!("`{value}` is not a valid regular expression"));
    }
    if !value.starts_with('/') {
        return Err(format!("path `{value}` does not start with a `/`"));
    }
    let templated = syntax != Syntax::V3 && value.contains('{');
    if !templated {
        return Ok(if name == "Path" {
            PathMatch::Exact {
                path: value.to_owned(),
                ignore_case: false,
            }
        } else {
            PathMatch::StringPrefix {
                prefix: value.to_owned(),
                ignore_case: false,
            }
        });
    }
    gorilla_template(name == "Path", value)
}

/// A gorilla/mux path template (Traefik v2): `{name}` is one segment (`[^/]+`),
/// `{name:re}` a regex.
fn gorilla_template(exact: bool, value: &str) -> Result<PathMatch, String> {
    let mut re = String::from("^");
    let mut whole_segments = true;
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        re.push_str(&regex::escape(&rest[..open]));
        // Braces nest (`{id:[0-9]{2}}`): find the matching close.
        let mut level = 0usize;
        let mut close = None;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => level += 1,
                '}' => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        close = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close.ok_or_else(|| format!("unbalanced braces in `{value}`"))?;
        let inner = &rest[open + 1..close];
        let before_ok = rest[..open].is_empty() && re.ends_with('/') || rest[..open].ends_with('/');
        let after = &rest[close + 1..];
        let after_ok = after.is_empty() || after.starts_with('/');
        match inner.split_once(':') {
            Some((_, pat)) => {
                whole_segments = false;
                re.push_str(&format!("(?:{pat})"));
            }
            None => {
                whole_segments &= before_ok && after_ok;
                re.push_str("[^/]+");
            }
        }
        rest = after;
    }
    re.push_str(&regex::escape(rest));
    if exact && whole_segments {
        return Ok(PathMatch::Template {
            pattern: Pattern::openapi(value),
            ignore_case: false,
        });
    }
    if exact {
        re.push('$');
    }
    Regex::new(&re)
        .map(|re| PathMatch::Regex {
            source: value.to_owned(),
            re,
        })
        .map_err(|_| format!("`{value}` is not a valid path template"))
}

/// A literal of a rule in disjunctive normal form.
#[derive(Clone, Copy, Debug)]
struct Lit<'e> {
    call: &'e Call,
    /// Which value, for v2 matchers whose values are alternatives; otherwise 0.
    arg: usize,
    negated: bool,
}

type Dnf<'e> = Vec<Vec<Lit<'e>>>;

/// Distributes `&&` over `||` (negations pushed to the matchers, De Morgan). `Err` when the
/// rule has more than [`MAX_ALTERNATIVES`] alternatives.
fn dnf(e: &Expr, negated: bool) -> Result<Dnf<'_>, ()> {
    match e {
        Expr::Not(inner) => dnf(inner, !negated),
        Expr::And(items) if !negated => conjunction(items, negated),
        Expr::Or(items) if negated => conjunction(items, negated),
        Expr::And(items) | Expr::Or(items) => disjunction(items, negated),
        Expr::Call(c) => {
            let lits: Vec<Lit<'_>> = if is_alternatives(c.name) {
                (0..c.args.len())
                    .map(|arg| Lit {
                        call: c,
                        arg,
                        negated,
                    })
                    .collect()
            } else {
                vec![Lit {
                    call: c,
                    arg: 0,
                    negated,
                }]
            };
            // `A(x, y)` is x OR y; negated, NOT x AND NOT y.
            Ok(if negated {
                vec![lits]
            } else {
                lits.into_iter().map(|l| vec![l]).collect()
            })
        }
    }
}

/// Every combination of one alternative of each item.
fn conjunction(items: &[Expr], negated: bool) -> Result<Dnf<'_>, ()> {
    let mut acc: Dnf<'_> = vec![Vec::new()];
    for item in items {
        let d = dnf(item, negated)?;
        if acc.len().saturating_mul(d.len()) > MAX_ALTERNATIVES {
            return Err(());
        }
        acc = acc
            .iter()
            .flat_map(|a| {
                d.iter().map(move |b| {
                    let mut v = a.clone();
                    v.extend(b.iter().copied());
                    v
                })
            })
            .collect();
    }
    Ok(acc)
}

/// The alternatives of every item.
fn disjunction(items: &[Expr], negated: bool) -> Result<Dnf<'_>, ()> {
    let mut acc = Vec::new();
    for item in items {
        acc.extend(dnf(item, negated)?);
        if acc.len() > MAX_ALTERNATIVES {
            return Err(());
        }
    }
    Ok(acc)
}

/// One way a rule can match: what routelint keeps of it.
#[derive(Debug)]
struct Alternative {
    matcher: PathMatch,
    methods: MethodSet,
    hosts: Vec<String>,
}

/// Reads a conjunction: its path (the intersection of its path matchers), methods, hosts.
/// `None` when it matches no request, or excludes paths (`!PathPrefix(...)`), which no
/// routelint matcher can express: such an alternative is left out rather than guessed.
fn alternative(lits: &[Lit<'_>], syntax: Syntax) -> Option<Alternative> {
    let mut paths = Vec::new();
    let mut methods: Option<BTreeSet<Method>> = None;
    let mut hosts = Vec::new();
    for l in lits {
        let value = &l.call.args.get(l.arg)?.value;
        match (l.call.name, l.negated) {
            (n, true) if is_path(n) => return None,
            (n, false) if is_path(n) => {
                paths.push((path_atom(n, value, syntax).ok()?, anchored_head(n, value)));
            }
            ("Method", neg) => {
                let set = methods.get_or_insert_with(|| Method::ALL.into_iter().collect());
                let m = Method::parse(value);
                if neg {
                    if let Some(m) = m {
                        set.remove(&m);
                    }
                } else {
                    set.retain(|x| Some(*x) == m);
                }
            }
            ("Host" | "HostHeader", false) => hosts.push(value.to_ascii_lowercase()),
            // Hosts by regex, headers, queries, client IPs, and every negated non-path
            // matcher narrow the match in ways routelint does not model: ignored.
            _ => {}
        }
    }
    Some(Alternative {
        matcher: intersect(paths)?,
        methods: match methods {
            None => MethodSet::Any,
            Some(set) => MethodSet::only(set),
        },
        hosts,
    })
}

/// The literal text every path a matcher value accepts starts with: the value up to its
/// first template for `Path`/`PathPrefix`, the literal head of a `^`-anchored `PathRegexp`;
/// `None` when the matcher is not anchored at the start.
fn anchored_head(name: &str, value: &str) -> Option<String> {
    if name == "PathRegexp" {
        let rest = value.strip_prefix('^')?;
        return Some(
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_'))
                .collect(),
        );
    }
    Some(value.split('{').next().unwrap_or("").to_owned())
}

/// The intersection of the path matchers a conjunction requires (`None`: no path can match
/// them all). Exact and prefix matchers intersect exactly; with a template or regex the most
/// specific one is kept once their literal heads agree (an approximation: the model has no
/// conjunction of matchers).
fn intersect(mut paths: Vec<(PathMatch, Option<String>)>) -> Option<PathMatch> {
    if paths.len() <= 1 {
        return Some(paths.pop().map_or(PathMatch::Any, |(m, _)| m));
    }
    let heads: Vec<&String> = paths.iter().filter_map(|(_, h)| h.as_ref()).collect();
    let compatible = heads.iter().all(|a| {
        heads
            .iter()
            .all(|b| a.starts_with(b.as_str()) || b.starts_with(a.as_str()))
    });
    if !compatible {
        return None;
    }
    if let Some(exact) = paths.iter().find_map(|(p, _)| match p {
        PathMatch::Exact { path, .. } => Some(path.clone()),
        _ => None,
    }) {
        let lit = crate::model::path::ReqPath::literal(&exact);
        return paths
            .iter()
            .all(|(p, _)| p.matches(&lit).matched())
            .then_some(PathMatch::Exact {
                path: exact,
                ignore_case: false,
            });
    }
    paths
        .into_iter()
        .map(|(m, _)| m)
        .max_by_key(|m| (m.kind_rank(), m.literal_prefix().map_or(0, |p| p.len())))
}

/// The alternatives of a parsed rule, equal paths merged (their methods united).
fn alternatives(e: &Expr, syntax: Syntax) -> Result<Vec<Alternative>, String> {
    let forms = dnf(e, false).map_err(|()| {
        format!(
            "the rule has more than {MAX_ALTERNATIVES} alternatives; routelint does not read it"
        )
    })?;
    let mut out: Vec<Alternative> = Vec::new();
    for lits in &forms {
        let Some(alt) = alternative(lits, syntax) else {
            continue;
        };
        // The display names the kind and the value: equal displays are equal matchers.
        let same = out
            .iter_mut()
            .find(|o| o.matcher.to_string() == alt.matcher.to_string() && o.hosts == alt.hosts);
        match same {
            Some(o) => {
                o.methods = match (&o.methods, &alt.methods) {
                    (MethodSet::Any, _) | (_, MethodSet::Any) => MethodSet::Any,
                    (MethodSet::Only(a), MethodSet::Only(b)) => {
                        MethodSet::only(a.iter().chain(b.iter()).copied())
                    }
                };
            }
            None => out.push(alt),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Routes

/// A router as both providers describe it.
struct RouterSpec<'a> {
    what: &'a str,
    table: &'a str,
    origin: String,
    rule: &'a str,
    rule_node: &'a Node,
    rule_span: Span,
    priority: Option<i64>,
    syntax: Syntax,
    rewrite: Option<Rewrite>,
    rewrite_span: Option<Span>,
    target: Target,
}

/// Where the rule's text starts in the file, when its scalar is written without escapes
/// (plain, or quoted with nothing to unescape): then problems can point inside the rule.
fn rule_offset(input: Input<'_>, node: &Node, rule: &str) -> Option<usize> {
    let raw = input.text.get(node.range.start..node.range.end)?;
    if raw == rule {
        return Some(node.range.start);
    }
    let quoted = raw.len() >= 2
        && ((raw.starts_with('"') && raw.ends_with('"'))
            || (raw.starts_with('\'') && raw.ends_with('\'')));
    (quoted && raw.get(1..raw.len() - 1) == Some(rule)).then_some(node.range.start + 1)
}

/// One route per path alternative of the router's rule.
fn emit_routes(input: Input<'_>, facts: &mut Facts, r: RouterSpec<'_>, order: &mut u32) {
    let rule_node_span = input.node_span(r.rule_node);
    let at = |start: usize, end: usize| match rule_offset(input, r.rule_node, r.rule) {
        Some(o) => input.span(o + start, o + end.max(start)),
        None => rule_node_span,
    };
    let parsed = parse_rule(r.rule).and_then(|e| {
        let syntax = infer_syntax(&e, r.syntax);
        validate(&e, syntax).map(|()| (e, syntax))
    });
    let (expr, syntax) = match parsed {
        Ok(x) => x,
        Err(e) => {
            let message = if r.rule.trim().is_empty() {
                format!("{}: {}", r.what, e.message)
            } else {
                format!("{}: rule `{}`: {}", r.what, r.rule.trim(), e.message)
            };
            facts.problem(at(e.start, e.end), message);
            return;
        }
    };
    let alts = match alternatives(&expr, syntax) {
        Ok(a) => a,
        Err(why) => {
            facts.problem(rule_node_span, format!("{}: {why}", r.what));
            return;
        }
    };
    // `GetRulePriority`: the rule's length in bytes, when the router sets none (or 0).
    let priority = r.priority.unwrap_or(r.rule.len() as i64);
    for alt in alts {
        facts.routes.push(RouteFact {
            owner: Owner::Named(COMPONENT.to_owned()),
            table: r.table.to_owned(),
            origin: r.origin.clone(),
            order: *order,
            matcher: alt.matcher,
            methods: alt.methods,
            rewrite: r.rewrite.clone(),
            rewrite_span: r.rewrite_span,
            target: r.target.clone(),
            span: rule_node_span,
            rule_span: r.rule_span,
            hosts: alt.hosts,
            gateways: Vec::new(),
            dialect: Dialect::Traefik,
            priority: Some(priority),
            conditional: false,
        });
        *order += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten};

    use crate::sources::k8s;

    fn yaml(text: &str) -> Facts {
        extract(crate::sources::testing::test_input(
            "traefik/dynamic.yml",
            text,
        ))
    }

    fn toml(text: &str) -> Facts {
        extract(crate::sources::testing::test_input(
            "traefik/dynamic.toml",
            text,
        ))
    }

    fn kube(text: &str) -> Facts {
        k8s::extract(crate::sources::testing::test_input("k8s/routes.yaml", text))
    }

    /// `matcher | methods | hosts` of each alternative of a rule.
    fn alts(rule: &str) -> Result<Vec<String>, String> {
        let e = parse_rule(rule).map_err(|e| e.message)?;
        let syntax = infer_syntax(&e, Syntax::Unknown);
        validate(&e, syntax).map_err(|e| e.message)?;
        Ok(alternatives(&e, syntax)?
            .iter()
            .map(|a| format!("{} | {} | {}", a.matcher, a.methods, a.hosts.join(",")))
            .collect())
    }

    #[test]
    fn rules_distribute_or_over_paths_and_and_over_methods() {
        let table: &[(&str, &[&str])] = &[
            ("PathPrefix(`/api`)", &["prefix /api | any method | "]),
            ("Path(`/health`)", &["exact /health | any method | "]),
            (
                "Host(`shop.example.com`) && PathPrefix(`/api`)",
                &["prefix /api | any method | shop.example.com"],
            ),
            (
                "PathPrefix(`/a`) || PathPrefix(`/b`)",
                &["prefix /a | any method | ", "prefix /b | any method | "],
            ),
            (
                "(PathPrefix(`/a`) || Path(`/b`)) && Method(`GET`)",
                &["prefix /a | GET | ", "exact /b | GET | "],
            ),
            (
                "PathPrefix(`/a`) && (Method(`GET`) || Method(`POST`))",
                &["prefix /a | GET, POST | "],
            ),
            // v2: several values are alternatives.
            (
                "PathPrefix(`/a`, `/b`) && Method(`GET`, `HEAD`)",
                &["prefix /a | GET, HEAD | ", "prefix /b | GET, HEAD | "],
            ),
            // Negated non-path matchers are ignored; a negated method is the other methods.
            (
                "PathPrefix(`/a`) && !Host(`x.com`) && !Header(`X-A`, `1`)",
                &["prefix /a | any method | "],
            ),
            (
                "Path(`/a`) && !Method(`GET`) && Method(`DELETE`)",
                &["exact /a | DELETE | "],
            ),
            // A negated path cannot be expressed: that alternative is left out.
            ("PathPrefix(`/`) && !PathPrefix(`/api`)", &[]),
            ("!(Path(`/a`) || Path(`/b`))", &[]),
            (
                "Path(`/x`) || !PathPrefix(`/api`)",
                &["exact /x | any method | "],
            ),
            // Intersections of paths.
            (
                "PathPrefix(`/api`) && PathPrefix(`/api/v1`)",
                &["prefix /api/v1 | any method | "],
            ),
            (
                "PathPrefix(`/api`) && Path(`/api/x`)",
                &["exact /api/x | any method | "],
            ),
            ("PathPrefix(`/a`) && PathPrefix(`/b`)", &[]),
            ("HostRegexp(`.+`)", &["any path | any method | "]),
            ("Method(`GET`) && Method(`POST`)", &["any path |  | "]),
            // Matcher names in lower, upper and title case.
            ("pathprefix(`/a`) && METHOD(`get`)", &["prefix /a | GET | "]),
            ("Pathprefix(\"/a\")", &["prefix /a | any method | "]),
        ];
        for (rule, want) in table {
            let got = alts(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
            assert_eq!(got, *want, "{rule}");
        }
    }

    #[test]
    fn path_prefix_is_a_string_prefix_and_path_regexp_is_unanchored() {
        let one = |rule: &str| {
            let e = parse_rule(rule).unwrap();
            alternatives(&e, Syntax::V3).unwrap().remove(0).matcher
        };
        let p = |s: &str| ReqPath::parse(s);
        let prefix = one("PathPrefix(`/api`)");
        assert!(prefix.matches(&p("/apix")).matched());
        assert!(prefix.matches(&p("/api/users")).matched());
        assert!(!prefix.matches(&p("/ap")).matched());
        let exact = one("Path(`/api`)");
        assert!(!exact.matches(&p("/api/")).matched());
        let re = one("PathRegexp(`/v[0-9]+/`)");
        assert!(re.matches(&p("/api/v2/users")).matched(), "unanchored");
        let anchored = one("PathRegexp(`^/v[0-9]+/`)");
        assert!(!anchored.matches(&p("/api/v2/users")).matched());
        // v3: braces are literal; v2 (or unknown syntax): gorilla templates.
        let e = parse_rule("Path(`/users/{id}`)").unwrap();
        let v3 = alternatives(&e, Syntax::V3).unwrap().remove(0).matcher;
        assert!(!v3.matches(&p("/users/42")).matched());
        let v2 = alternatives(&e, Syntax::V2).unwrap().remove(0).matcher;
        assert_eq!(v2.matches(&p("/users/42")), crate::model::path::Tri::Yes);
        assert!(!v2.matches(&p("/users/42/x")).matched());
        let e = parse_rule("PathPrefix(`/users/{id:[0-9]+}`)").unwrap();
        let v2 = alternatives(&e, Syntax::Unknown).unwrap().remove(0).matcher;
        assert!(v2.matches(&p("/users/42/orders")).matched());
        assert!(!v2.matches(&p("/users/me")).matched());
    }

    #[test]
    fn malformed_rules_are_errors_with_a_position() {
        let table: &[(&str, &str, (usize, usize))] = &[
            ("foobar", "`foobar` is not a matcher call", (0, 6)),
            ("/prefix", "unexpected `/`", (0, 1)),
            ("", "the rule is empty", (0, 0)),
            ("   ", "the rule is empty", (0, 3)),
            ("PathPrefix(`/a`", "expected `,` or `)`", (15, 15)),
            ("PathPrefix(`/a)", "unterminated string", (11, 15)),
            ("PathPrefix('/a')", "single quotes", (11, 12)),
            ("Foo(`/a`)", "unknown matcher `Foo`", (0, 3)),
            ("PathPrefix(`a`)", "does not start with a `/`", (11, 14)),
            (
                "PathRegexp(`(`)",
                "not a valid regular expression",
                (11, 14),
            ),
            (
                "Path(`/a`) Path(`/b`)",
                "unexpected text after the rule",
                (11, 15),
            ),
            ("Path(`/a`) &&", "the rule ends too early", (13, 13)),
            ("Path()", "needs a value", (0, 6)),
            ("Header(`X`)", "takes a name and a value", (0, 11)),
            ("(Path(`/a`)", "expected `)`", (11, 11)),
            ("Path(/a)", "unexpected `/`", (5, 6)),
        ];
        for (rule, want, (s, e)) in table {
            let err =
                parse_rule(rule).and_then(|x| validate(&x, infer_syntax(&x, Syntax::Unknown)));
            let err = err.expect_err(rule);
            assert!(err.message.contains(want), "{rule}: {}", err.message);
            assert_eq!((err.start, err.end), (*s, *e), "{rule}");
        }
        // v3 is strict about the v2 forms, v2 about the v3 matchers.
        let e = parse_rule("PathPrefix(`/a`, `/b`)").unwrap();
        assert!(validate(&e, Syntax::V3).is_err());
        assert!(validate(&e, Syntax::V2).is_ok());
        let e = parse_rule("PathRegexp(`^/a`)").unwrap();
        assert!(validate(&e, Syntax::V2).is_err());
        // Deep nesting and huge rules fail cleanly.
        let deep = format!("{}Path(`/a`){}", "(".repeat(500), ")".repeat(500));
        assert!(parse_rule(&deep).is_err());
        let wide = (0..200)
            .map(|i| format!("(Path(`/{i}`) || Path(`/x{i}`))"))
            .collect::<Vec<_>>()
            .join(" && ");
        let e = parse_rule(&wide).unwrap();
        assert!(alternatives(&e, Syntax::V3).is_err());
        let long = vec!["Path(`/a`)"; 5000].join(" || ");
        assert!(parse_rule(&long).is_ok());
    }

    #[test]
    fn priority_is_the_rule_length_unless_set() {
        let f = yaml(
            "http:\n  routers:\n    short:\n      rule: PathPrefix(`/api/orders`)\n      service: s\n    long:\n      rule: Host(`shop.example.com`) && PathPrefix(`/api`)\n      service: s\n    set:\n      rule: PathPrefix(`/`)\n      priority: 1000\n      service: s\n    zero:\n      rule: Path(`/x`)\n      priority: 0\n      service: s\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<(String, Option<i64>)> = f
            .routes
            .iter()
            .map(|r| (r.table.clone(), r.priority))
            .collect();
        assert_eq!(
            got,
            [
                ("short".to_owned(), Some(25)),
                ("long".to_owned(), Some(46)),
                ("set".to_owned(), Some(1000)),
                ("zero".to_owned(), Some(10)),
            ]
        );
        // The host-qualified catch-all outranks the specific path: Traefik's surprise.
        assert!(f.routes[1].priority > f.routes[0].priority);
    }

    /// Applies a router's rewrite to a path.
    fn through(rw: &Option<Rewrite>, path: &str) -> String {
        match rw
            .as_ref()
            .map(|w| w.apply(&PathMatch::Any, &ReqPath::parse(path)))
        {
            None => path.to_owned(),
            Some(Rewritten::Path(p)) => p.to_string(),
            Some(other) => format!("{other:?}"),
        }
    }

    fn strip(prefixes: &[&str]) -> Step {
        Step::Strip {
            alts: prefixes.iter().map(|p| regex::escape(p)).collect(),
            shown: String::new(),
        }
    }

    #[test]
    fn strip_prefix_removes_the_first_matching_string_prefix_and_keeps_a_leading_slash() {
        // strip_prefix.go: first prefix with strings.HasPrefix, then ensureLeadingSlash.
        let table: &[(&[&str], &str, &str)] = &[
            (&["/api"], "/api/users", "/users"),
            (&["/api"], "/api", "/"),
            (&["/api"], "/api/", "/"),
            (&["/api"], "/apix", "/x"),
            (&["/api/"], "/api/users", "/users"),
            (&["/api/"], "/api", "/api"),
            (&["/api"], "/other/x", "/other/x"),
            (&["/api"], "/api//x", "//x"),
            (&["/api"], "/api/posts/{id}", "/posts/{id}"),
            (&["/a", "/a/b"], "/a/b/c", "/b/c"),
            (&["/a/b", "/a"], "/a/b/c", "/c"),
            (&["/v1.0"], "/v1x0/x", "/v1x0/x"),
        ];
        for (prefixes, path, want) in table {
            let single = compose(&[strip(prefixes)]).unwrap();
            assert_eq!(through(&single, path), *want, "{prefixes:?} {path}");
            // The composable (total) form agrees.
            let (re, with) = strip(prefixes).total().unwrap();
            let total = Regex::new(&re)
                .unwrap()
                .replace(path, with.as_str())
                .into_owned();
            assert_eq!(total, *want, "total {prefixes:?} {path}");
        }
    }

    #[test]
    fn middlewares_compose_in_order_or_become_unknown() {
        let add = |p: &str| Step::AddPrefix(p.to_owned());
        let rep = |p: &str| Step::Replace(p.to_owned());
        let rx = |s: &str, w: &str| Step::ReplaceRegex {
            source: s.to_owned(),
            with: w.to_owned(),
            shown: String::new(),
        };
        let table: Vec<(Vec<Step>, &str, &str)> = vec![
            (vec![], "/a/b", "/a/b"),
            (vec![add("/v1")], "/users", "/v1/users"),
            (vec![add("v1")], "/users", "/v1/users"),
            (vec![add("/v1/")], "/users", "/v1//users"),
            (
                vec![strip(&["/api"]), add("/v2")],
                "/api/users",
                "/v2/users",
            ),
            (vec![strip(&["/api"]), add("/v2")], "/other", "/v2/other"),
            (
                vec![strip(&["/api"]), add("/v2"), add("/x")],
                "/api/u",
                "/x/v2/u",
            ),
            (vec![rep("/fixed")], "/any/thing", "/fixed"),
            (vec![rep("/api/x"), strip(&["/api"])], "/any", "/x"),
            (vec![strip(&["/a"]), rep("/z")], "/a/b", "/z"),
            (vec![rx("^/old/(.*)", "/new/$1")], "/old/x/y", "/new/x/y"),
            (vec![rx("^/old/(.*)", "/new/$1")], "/keep", "/keep"),
            (vec![Step::JoinPrefix("/base/".to_owned())], "/x", "/base/x"),
        ];
        for (steps, path, want) in table {
            let rw = compose(&steps).unwrap_or_else(|e| panic!("{steps:?}: {e}"));
            assert_eq!(through(&rw, path), want, "{steps:?} {path}");
        }
        assert!(compose(&[add("/v1"), strip(&["/v1"])]).is_err());
        assert!(compose(&[strip(&["/a"]), strip(&["/b"])]).is_err());
        assert!(compose(&[rx("^/a", "/b"), add("/c")]).is_err());
    }

    const DYNAMIC: &str = r#"http:
  routers:
    catalog:
      rule: "PathPrefix(`/api/catalog`)"
      middlewares: [strip-api, auth]
      service: catalog
    orders:
      rule: PathPrefix(`/api/orders`) && Method(`GET`)
      service: orders@file
    legacy:
      rule: Path(`/legacy`)
      middlewares: [chained]
      service: legacy
    external:
      rule: PathPrefix(`/ext`)
      middlewares: [auth@kubernetescrd]
      service: api@internal
    other:
      rule: PathPrefix(`/other`)
      service: remote@docker
  middlewares:
    strip-api:
      stripPrefix:
        prefixes: ["/api"]
    auth:
      basicAuth:
        users: ["u:p"]
    chained:
      chain:
        middlewares: [auth, to-root]
    to-root:
      replacePath:
        path: /
  services:
    catalog:
      loadBalancer:
        servers:
          - url: http://catalog:8080
    orders:
      weighted:
        services:
          - name: orders-v1
    orders-v1:
      loadBalancer:
        servers:
          - url: "http://orders.shop.svc:9000/ignored"
    legacy:
      loadBalancer:
        servers:
          - url: http://legacy/base
            preservePath: true
"#;

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
                format!(
                    "{} | {} | {} | {} | {target}",
                    r.origin,
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

    #[test]
    fn file_provider_routers_resolve_their_middlewares_and_services() {
        let f = yaml(DYNAMIC);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            [
                "Traefik router catalog | prefix /api/catalog | any method | stripPrefix /api | catalog:Some(8080)",
                "Traefik router orders | prefix /api/orders | GET | - | orders.shop.svc:Some(9000)",
                "Traefik router legacy | exact /legacy | any method | set path /base/ | legacy:None",
                "Traefik router external | prefix /ext | any method | unknown rewrite (middleware `auth@kubernetescrd` is defined by the `kubernetescrd` provider, not in this file) | serve api@internal",
                "Traefik router other | prefix /other | any method | - | opaque (service `remote@docker` is defined by the `docker` provider, not in this file)",
            ]
        );
        let r = &f.routes[0];
        assert_eq!(r.owner, Owner::Named("traefik".into()));
        assert_eq!(r.dialect, Dialect::Traefik);
        assert_eq!(through(&r.rewrite, "/api/catalog/items"), "/catalog/items");
        // preservePath joins the server's path after the rewrite.
        let f2 = yaml(&DYNAMIC.replace("middlewares: [chained]", "middlewares: [auth]"));
        assert_eq!(through(&f2.routes[2].rewrite, "/legacy"), "/base/legacy");
    }

    #[test]
    fn toml_is_read_with_spans_like_yaml() {
        let text = "[http.routers]\n  [http.routers.api]\n    rule = \"PathPrefix(`/api`)\"\n    service = \"api\"\n    middlewares = [\"strip\"]\n\n[http.middlewares.strip.stripPrefix]\n  prefixes = [\"/api\"]\n\n[http.services.api.loadBalancer]\n  [[http.services.api.loadBalancer.servers]]\n    url = \"http://api:3000\"\n";
        let f = toml(text);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            ["Traefik router api | prefix /api | any method | stripPrefix /api | api:Some(3000)"]
        );
        let r = &f.routes[0];
        assert_eq!(
            &text[r.span.start as usize..r.span.end as usize],
            "\"PathPrefix(`/api`)\""
        );
        let Target::Forward { span, .. } = &r.target else {
            panic!()
        };
        assert_eq!(
            &text[span.start as usize..span.end as usize],
            "\"http://api:3000\""
        );
        // A broken TOML file is one problem with a span.
        let f = toml("{\n    \"who\": [\"am\", \"I\"]\n}\n");
        assert_eq!(f.problems.len(), 1);
        assert!(
            f.problems[0].message.starts_with("TOML does not parse"),
            "{:?}",
            f.problems
        );
    }

    #[test]
    fn malformed_configuration_is_a_problem_pointing_into_the_rule() {
        let text = "http:\n  routers:\n    a:\n      rule: foobar\n      service: s\n    b:\n      rule: \"PathPrefix(`/x`) && Nope(`1`)\"\n    c:\n      rule: 42\n    d:\n      rule: Path(`/d`)\n      priority: high\n      middlewares: strip\n    e: [1]\n  middlewares:\n    bad:\n      stripPrefixRegex:\n        regex: [\"(\"]\n    empty:\n      addPrefix: {}\n";
        let f = yaml(text);
        let got: Vec<(String, &str)> = f
            .problems
            .iter()
            .map(|p| {
                (
                    p.message.clone(),
                    &text[p.span.start as usize..p.span.end as usize],
                )
            })
            .collect();
        let has = |msg: &str, at: &str| got.iter().any(|(m, s)| m.contains(msg) && *s == at);
        assert!(has("`foobar` is not a matcher call", "foobar"), "{got:#?}");
        assert!(has("unknown matcher `Nope`", "Nope"), "{got:#?}");
        assert!(has("`rule` must be a string", "42"), "{got:#?}");
        assert!(has("`priority` must be an integer", "high"), "{got:#?}");
        assert!(has("`middlewares` must be a list", "strip"), "{got:#?}");
        assert!(has("a router must be a mapping", "[1"), "{got:#?}");
        assert!(
            has("is not a valid regular expression", "\"(\""),
            "{got:#?}"
        );
        assert!(has("needs a non-empty `prefix`", "{}"), "{got:#?}");
        assert_eq!(got.len(), 8, "{got:#?}");
        assert_eq!(f.routes.len(), 1);
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "http",
            "http: 3",
            "http:\n  routers: [a, b]\n",
            "http:\n  routers:\n    a: null\n",
            "http:\n  routers:\n    a:\n      rule: \"Path(`\u{e9}`) && !\"\n",
            "http:\n  middlewares:\n    m: {chain: {middlewares: [m]}}\n  routers:\n    r: {rule: 'Path(`/`)', middlewares: [m], service: s}\n  services:\n    s: {weighted: {services: [{name: s}]}}\n",
            "\u{0}\u{1}[[[",
            "- - - -",
        ] {
            let _ = yaml(text);
            let _ = toml(text);
            let _ = kube(text);
        }
        let f = yaml(
            "http:\n  middlewares:\n    m: {chain: {middlewares: [m]}}\n  routers:\n    r: {rule: 'Path(`/`)', middlewares: [m], service: s}\n  services:\n    s: {weighted: {services: [{name: s}]}}\n",
        );
        assert!(matches!(f.routes[0].rewrite, Some(Rewrite::Unknown(_))));
        assert!(matches!(f.routes[0].target, Target::Opaque { .. }));
        let _ = toml(&"[".repeat(100_000));
        let _ = toml(&format!("a = {}", "[".repeat(100_000)));
    }

    const CRD: &str = r#"apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: strip-users
  namespace: shop
spec:
  stripPrefix:
    prefixes:
      - /api/users
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: shop
  namespace: shop
spec:
  entryPoints: [websecure]
  routes:
    - match: Host(`shop.example.com`) && PathPrefix(`/api/users`)
      kind: Rule
      middlewares:
        - name: strip-users
      services:
        - name: users
          port: 8080
    - match: PathPrefix(`/api/auth`)
      kind: Rule
      priority: 5
      middlewares:
        - name: oauth
          namespace: auth
      services:
        - name: weighted
          kind: TraefikService
    - match: PathPrefix(`/static`)
      services:
        - name: cdn
          kind: TraefikService
---
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata:
  name: weighted
  namespace: shop
spec:
  weighted:
    services:
      - name: auth-v2
        port: 80
"#;

    #[test]
    fn ingress_routes_resolve_middlewares_and_services_of_the_same_file() {
        let f = kube(CRD);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            summary(&f),
            [
                "Traefik IngressRoute shop | prefix /api/users | any method | stripPrefix /api/users | users:Some(8080)",
                "Traefik IngressRoute shop | prefix /api/auth | any method | unknown rewrite (middleware `oauth` is defined elsewhere) | auth-v2:Some(80)",
                "Traefik IngressRoute shop | prefix /static | any method | - | opaque (TraefikService `cdn` is not defined in this file)",
            ]
        );
        assert_eq!(f.routes[0].priority, Some(52));
        assert_eq!(f.routes[0].hosts, ["shop.example.com"]);
        assert_eq!(f.routes[1].priority, Some(5));
        assert_eq!(through(&f.routes[0].rewrite, "/api/users/7"), "/7");
    }

    #[test]
    fn invalid_ingress_routes_are_problems() {
        let f = kube(
            "apiVersion: traefik.io/v1alpha1\nkind: IngressRoute\nmetadata: {name: x}\nspec:\n  routes:\n  - match: /prefix\n    services: [{name: a}]\n  - match: \"\"\n    kind: Rule\n  - match: Path(`/a`)\n    kind: Something\n  - kind: Rule\n  - 7\n",
        );
        assert_eq!(f.problems.len(), 5, "{:?}", f.problems);
        assert!(f.routes.is_empty());
        let f = kube(
            "apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata: {name: m}\nspec:\n  replacePathRegex: {regex: \"[\", replacement: /}\n",
        );
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
    }

    #[test]
    fn v2_crds_read_the_v2_syntax() {
        let f = kube(
            "apiVersion: traefik.containo.us/v1alpha1\nkind: IngressRoute\nmetadata: {name: old}\nspec:\n  routes:\n  - match: PathPrefix(`/a`, `/b`) && Path(`/a/{id}`, `/b/{id}`)\n    kind: Rule\n    services: [{name: svc, port: 80}]\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f.routes.iter().map(|r| r.matcher.to_string()).collect();
        assert_eq!(got, ["/a/{id}", "/b/{id}"]);
    }

    #[test]
    fn server_urls_parse() {
        let u = |s: &str| parse_url(s).map(|u| (u.host, u.port, u.path));
        assert_eq!(
            u("http://catalog:8080"),
            Some(("catalog".into(), Some(8080), String::new()))
        );
        assert_eq!(
            u("https://a.b.svc/x?y"),
            Some(("a.b.svc".into(), None, "/x".into()))
        );
        assert_eq!(
            u("http://[::1]:80/"),
            Some(("::1".into(), Some(80), "/".into()))
        );
        assert_eq!(
            u("h2c://user:pw@h:1"),
            Some(("h".into(), Some(1), String::new()))
        );
        assert_eq!(u("http://:80"), None);
        assert_eq!(u("http://h:99999"), None);
    }

    #[test]
    fn the_traefik_corpus_reads_without_panics_and_valid_files_without_problems() {
        crate::sources::testing::corpus::check("traefik", false, |c| {
            let input = crate::sources::testing::test_input(&c.name, &c.text);
            if c.text.contains("apiVersion:") {
                k8s::extract(input)
            } else {
                extract(input)
            }
        });
    }
}
