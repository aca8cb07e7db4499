//! Reads Kong declarative configuration (decK `kong.yaml` / `kong.json`, `_format_version` 1.1
//! to 3.x) into routes of the edge component `kong`. Knows the file's shape and Kong's router;
//! never looks at another file and never decides whether a route is wrong: unreadable parts
//! become problems with the exact node's span, everything else becomes facts.
//!
//! Semantics kept (semantics.md "Kong"; Kong's source at `kong/router/*.lua`, 3.x, and the
//! Admin API docs' "Path handling algorithms" table, <https://docs.konghq.com/gateway/latest/admin-api/#path-handling-algorithms>):
//! - A route matches on `paths`, `methods`, `hosts` (and `headers`, `snis`, `sources`, …, which
//!   only narrow it). Every path is its own [`RouteFact`], as Kong 3's default
//!   `traditional_compatible` router splits routes per path (`transform.lua`).
//! - A plain path is a STRING prefix (`/api` also matches `/apix`). In `_format_version` 3.x a
//!   path starting with `~` is a regex, matched from the start of the path but not to its end
//!   (`traditional.lua` compiles `(*LIMIT_MATCH=10000)<regex>(?<uri_postfix>.*)` with the
//!   anchored flag). Before 3.0 (`_format_version` 1.x/2.x) there was no `~`: a path with any
//!   character outside `[a-zA-Z0-9._~/%-]` was a regex (Kong 2.8 `router.lua`). A route without
//!   paths matches every path.
//! - `strip_path` (default true) removes the matched part; the rest (the "postfix") is joined to
//!   the service `path` by `path_handling`: `v0` (default) puts exactly one `/` between them, `v1`
//!   concatenates (`/s` + `req` = `/sreq`), dropping only a doubled slash at the join. Kong 3
//!   honours `v1` only under `router_flavor = traditional` (CHANGELOG 3.0, #9290); routelint
//!   applies `v1` to `_format_version` 1.x/2.x files and reads it as `v0` in 3.x files. The exact
//!   arithmetic is `get_upstream_uri_v0` in `kong/router/utils.lua`; see [`upstream_rewrite`].
//! - Priority: Kong 3's `get_priority` (`kong/router/transform.lua`) ranks, highest first, by the
//!   number of matching fields set, plain hosts only, the number of headers, regex over plain
//!   path, `regex_priority` (regex paths only), then the plain path's length. Encoded in
//!   [`priority`]. No route matches (the method included): 404.
//! - A service's target is its `url` or `host`/`port`/`path`; a `host` naming an `upstreams[]`
//!   entry resolves to that upstream's first target.
//! - A `request-transformer` with `config.replace.uri` replaces the whole upstream path after
//!   the router built it; plugins that answer themselves (`request-termination`, `redirect`,
//!   `mocking`) make the route opaque.
//!
//! Not modelled: ATC `expression` routes (read as an opaque catch-all below every other route,
//! so requests they might serve are unknown, never 404), `headers`/`snis`/`sources` narrowing,
//! KongIngress/KongPlugin CRDs (their effect lives on the Ingress or Service that names them,
//! in another object).

use regex::Regex;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::k8s::object::Object;
use crate::sources::{
    facts::Dialect, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::{Node, Value};

/// The component every decK route belongs to.
const COMPONENT: &str = "kong";

/// Extracts the routes of one decK file (JSON by extension, YAML otherwise).
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    input.for_each_document(&mut facts, |node, facts| read_config(input, node, facts));
    facts
}

/// Reads one Kubernetes custom resource of Kong (`configuration.konghq.com/*`).
///
/// A `KongIngress` is recorded (its `route.strip_path`, `route.methods` and `proxy.path`); the
/// topology applies it to the Ingress routes that name it in `konghq.com/override`, which sit
/// in other objects. A `KongPlugin` changes paths only through `request-transformer`
/// `config.replace.uri`, recorded likewise for the Ingresses naming it in `konghq.com/plugins`
/// (the Ingress reader applies `konghq.com/strip-path` itself).
pub fn crd(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(name) = obj.name else { return };
    if obj.kind == "KongPlugin" {
        let transformer = matches!(
            obj.node.get("plugin").and_then(Node::as_str),
            Some("request-transformer" | "request-transformer-advanced")
        );
        if let Some(uri) = obj
            .node
            .at(&["config", "replace", "uri"])
            .and_then(Node::as_str)
            .filter(|_| transformer)
        {
            facts
                .kong_overrides
                .push(crate::sources::facts::KongOverride {
                    name: name.to_owned(),
                    strip_path: None,
                    methods: None,
                    path: None,
                    replace_uri: Some(uri.to_owned()),
                    span: input.node_span(obj.anchor()),
                });
        }
        return;
    }
    if obj.kind != "KongIngress" {
        return;
    }
    let route = obj.node.get("route");
    let strip_path = route
        .and_then(|r| r.get("strip_path"))
        .and_then(Node::as_bool);
    let methods = route
        .and_then(|r| r.get("methods"))
        .and_then(Node::as_seq)
        .map(|m| MethodSet::only(m.iter().filter_map(|x| x.as_str().and_then(Method::parse))));
    let path = obj
        .node
        .at(&["proxy", "path"])
        .and_then(Node::as_str)
        .map(str::to_owned);
    facts
        .kong_overrides
        .push(crate::sources::facts::KongOverride {
            name: name.to_owned(),
            strip_path,
            methods,
            path,
            replace_uri: None,
            span: input.node_span(obj.anchor()),
        });
}

// ---------------------------------------------------------------------------------------------
// The configuration.

/// `path_handling`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handling {
    V0,
    V1,
}

/// A route path as Kong reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoutePath {
    /// No `paths`: every path matches.
    Any,
    /// A plain path: a string prefix.
    Plain(String),
    /// A regex (the `~` removed), matched from the start of the path.
    Regex(String),
}

struct Cx<'a> {
    input: Input<'a>,
    /// `_format_version` below 3.0: no `~`, regexes recognised by their characters, `v1`
    /// path handling honoured.
    legacy: bool,
    upstreams: Vec<Upstream>,
    /// Plugins of the top level, with what they are attached to.
    plugins: Vec<(Attach, Effect)>,
    order: u32,
}

/// What a top-level plugin is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Attach {
    Global,
    Service(String),
    Route(String),
    /// Consumers and consumer groups: depends on who calls; ignored.
    Other,
}

/// How a plugin changes the request's fate.
#[derive(Clone, Debug)]
enum Effect {
    Rewrite(Rewrite, Span),
    Answers(String),
}

struct Upstream {
    name: String,
    target: Option<(String, Option<u16>, Span)>,
}

/// A service as routes see it.
struct Service {
    /// Name and id: what routes refer to.
    keys: Vec<String>,
    target: Target,
    /// The service `path` (`/` when unset).
    base: String,
    base_span: Option<Span>,
    /// `false` for stream services (tcp, tls, udp): their routes carry no HTTP paths.
    http: bool,
    effects: Vec<Effect>,
}

fn read_config(input: Input<'_>, root: &Node, facts: &mut Facts) {
    if root.is_null() {
        return;
    }
    if root.as_map().is_none() {
        facts.problem(
            input.node_span(root),
            format!(
                "a Kong declarative configuration must be a mapping, found {}",
                root.type_name()
            ),
        );
        return;
    }
    let mut cx = Cx {
        input,
        legacy: legacy_format(input, root, facts),
        upstreams: Vec::new(),
        plugins: Vec::new(),
        order: 0,
    };
    cx.upstreams = list(&cx, facts, root, "upstreams", "the configuration")
        .iter()
        .filter_map(|u| upstream(&cx, facts, u))
        .collect();
    cx.plugins = list(&cx, facts, root, "plugins", "the configuration")
        .iter()
        .filter_map(|p| {
            let effect = plugin_effect(&cx, facts, p)?;
            Some((attachment(p), effect))
        })
        .collect();
    let mut services = Vec::new();
    for (i, s) in list(&cx, facts, root, "services", "the configuration")
        .iter()
        .enumerate()
    {
        let Some(svc) = service(&cx, facts, s, i) else {
            continue;
        };
        let what = format!("Kong service `{}`", svc.keys.first().map_or("?", |k| k));
        for r in list(&cx, facts, s, "routes", &what) {
            route(&mut cx, facts, r, Some(&svc));
        }
        services.push(svc);
    }
    for r in list(&cx, facts, root, "routes", "the configuration") {
        let svc = r.get("service").and_then(|s| {
            let key = s
                .as_str()
                .map(str::to_owned)
                .or_else(|| s.get("name").and_then(Node::scalar_text))
                .or_else(|| s.get("id").and_then(Node::scalar_text))?;
            services.iter().find(|svc| svc.keys.contains(&key))
        });
        route(&mut cx, facts, r, svc);
    }
}

/// `_format_version` below 3.0 (`"1.1"`, `"2.1"`). A file without one is read as 3.x.
fn legacy_format(input: Input<'_>, root: &Node, facts: &mut Facts) -> bool {
    let Some(v) = root.get("_format_version") else {
        return false;
    };
    let Some(text) = v.scalar_text() else {
        facts.problem(
            input.node_span(v),
            format!(
                "`_format_version` must be a string such as \"3.0\", found {}",
                v.type_name()
            ),
        );
        return false;
    };
    let major = text
        .trim()
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) => m < 3,
        None => {
            facts.problem(
                input.node_span(v),
                format!("`_format_version` `{text}` is not a version such as \"3.0\""),
            );
            false
        }
    }
}

/// A list field; a wrong type is a problem and reads as an empty list.
fn list<'n>(cx: &Cx<'_>, facts: &mut Facts, parent: &'n Node, key: &str, what: &str) -> &'n [Node] {
    cx.input.list(facts, what, parent, key)
}

/// A list of strings (`hosts`, `methods`); a wrong type is a problem.
fn strings<'n>(
    cx: &Cx<'_>,
    facts: &mut Facts,
    parent: &'n Node,
    key: &str,
    what: &str,
) -> Vec<(&'n str, &'n Node)> {
    let mut out = Vec::new();
    for item in list(cx, facts, parent, key, what) {
        match item.as_str() {
            Some(s) => out.push((s, item)),
            None => facts.problem(
                cx.input.node_span(item),
                format!(
                    "{what}: `{key}` entries must be strings, found {}",
                    item.type_name()
                ),
            ),
        }
    }
    out
}

/// Whether a field is set to something non-empty (a list, a mapping or a scalar).
fn is_set(node: Option<&Node>) -> bool {
    match node.map(|n| &n.value) {
        None | Some(Value::Null) => false,
        Some(Value::Seq(items)) => !items.is_empty(),
        Some(Value::Map(entries)) => !entries.is_empty(),
        Some(_) => true,
    }
}

// ---------------------------------------------------------------------------------------------
// Upstreams and services.

fn upstream(cx: &Cx<'_>, facts: &mut Facts, u: &Node) -> Option<Upstream> {
    let name = u.get("name")?.as_str()?.to_owned();
    let what = format!("Kong upstream `{name}`");
    let target = list(cx, facts, u, "targets", &what).iter().find_map(|t| {
        let node = t.get("target")?;
        let text = node.as_str()?;
        let (host, port) = split_host_port(text);
        Some((host.to_owned(), port, cx.input.node_span(node)))
    });
    Some(Upstream { name, target })
}

/// `host:port`, `[v6]:port` or a bare host.
fn split_host_port(s: &str) -> (&str, Option<u16>) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[')
        && let Some((h, after)) = rest.split_once(']')
    {
        return (h, after.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => {
            (h, p.parse().ok())
        }
        _ => (s, None),
    }
}

/// The parts of a service `url`: scheme, host, port, path.
fn split_url(url: &str) -> Option<(&str, &str, Option<u16>, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let (host, port) = split_host_port(authority.rsplit('@').next().unwrap_or(authority));
    if host.is_empty() {
        return None;
    }
    Some((scheme, host, port, path))
}

const STREAM_PROTOCOLS: &[&str] = &["tcp", "tls", "udp", "tls_passthrough"];

fn service(cx: &Cx<'_>, facts: &mut Facts, s: &Node, index: usize) -> Option<Service> {
    let input = cx.input;
    if s.as_map().is_none() {
        facts.problem(
            input.node_span(s),
            format!(
                "Kong `services[{index}]` must be a mapping, found {}",
                s.type_name()
            ),
        );
        return None;
    }
    let mut keys = Vec::new();
    for k in ["name", "id"] {
        if let Some(v) = s.get(k).and_then(Node::scalar_text) {
            keys.push(v);
        }
    }
    let label = keys
        .first()
        .cloned()
        .unwrap_or_else(|| format!("services[{index}]"));
    let what = format!("Kong service `{label}`");
    let mut protocol = None;
    let mut host: Option<(String, &Node)> = None;
    let mut port = None;
    let mut base: Option<(String, &Node)> = None;
    if let Some(url_node) = s.get("url") {
        match url_node.as_str().and_then(split_url) {
            Some((scheme, h, p, path)) => {
                protocol = Some(scheme.to_ascii_lowercase());
                host = Some((h.to_owned(), url_node));
                port = p;
                if !path.is_empty() {
                    base = Some((path.to_owned(), url_node));
                }
            }
            None => facts.problem(
                input.node_span(url_node),
                format!("{what}: `url` must be an URL such as http://users:8080/api"),
            ),
        }
    }
    if let Some(p) = s.get("protocol").and_then(Node::as_str) {
        protocol = Some(p.to_ascii_lowercase());
    }
    if let Some(h) = s.get("host") {
        match h.as_str() {
            Some(text) => host = Some((text.to_owned(), h)),
            None => facts.problem(
                input.node_span(h),
                format!("{what}: `host` must be a string, found {}", h.type_name()),
            ),
        }
    }
    if let Some(p) = s.get("port") {
        match p.as_i64().and_then(|v| u16::try_from(v).ok()) {
            Some(v) => port = Some(v),
            None => facts.problem(
                input.node_span(p),
                format!("{what}: `port` must be a number from 0 to 65535"),
            ),
        }
    }
    if let Some(p) = s.get("path").filter(|p| !p.is_null()) {
        match p.as_str() {
            Some(text) if text.starts_with('/') => base = Some((text.to_owned(), p)),
            _ => facts.problem(
                input.node_span(p),
                format!("{what}: `path` must be a string starting with /"),
            ),
        }
    }
    let http = !protocol
        .as_deref()
        .is_some_and(|p| STREAM_PROTOCOLS.contains(&p));
    let target = match host {
        Some((h, node)) => resolve_host(cx, &h, port, input.node_span(node)),
        None => {
            facts.problem(
                input.node_span(s),
                format!("{what}: a service needs a `url` or a `host`"),
            );
            Target::Opaque {
                why: format!("{what} names no host"),
            }
        }
    };
    let mut effects: Vec<Effect> = list(cx, facts, s, "plugins", &what)
        .iter()
        .filter_map(|p| plugin_effect(cx, facts, p))
        .collect();
    effects.extend(
        cx.plugins
            .iter()
            .filter(|(a, _)| matches!(a, Attach::Service(k) if keys.contains(k)))
            .map(|(_, e)| e.clone()),
    );
    Some(Service {
        keys,
        target,
        base: base
            .as_ref()
            .map_or_else(|| "/".to_owned(), |(b, _)| b.clone()),
        base_span: base.map(|(_, n)| input.node_span(n)),
        http,
        effects,
    })
}

/// A service host, resolved through `upstreams[]` when it names one.
fn resolve_host(cx: &Cx<'_>, host: &str, port: Option<u16>, span: Span) -> Target {
    match cx.upstreams.iter().find(|u| u.name == host) {
        Some(u) => match &u.target {
            Some((h, p, span)) => Target::Forward {
                host: h.clone(),
                port: *p,
                span: *span,
            },
            None => Target::Opaque {
                why: format!("Kong upstream `{host}` has no targets"),
            },
        },
        None => Target::Forward {
            host: host.to_owned(),
            port,
            span,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Plugins.

fn attachment(p: &Node) -> Attach {
    let key = |n: &Node| {
        n.as_str()
            .map(str::to_owned)
            .or_else(|| n.get("name").and_then(Node::scalar_text))
            .or_else(|| n.get("id").and_then(Node::scalar_text))
    };
    if p.get("consumer").is_some() || p.get("consumer_group").is_some() {
        return Attach::Other;
    }
    if let Some(k) = p.get("route").and_then(key) {
        return Attach::Route(k);
    }
    if let Some(k) = p.get("service").and_then(key) {
        return Attach::Service(k);
    }
    Attach::Global
}

/// What an enabled plugin does to the path, if anything routelint follows.
fn plugin_effect(cx: &Cx<'_>, facts: &mut Facts, p: &Node) -> Option<Effect> {
    let name = p.get("name")?.as_str()?;
    if p.get("enabled").and_then(Node::as_bool) == Some(false) {
        return None;
    }
    let config = p.get("config");
    match name {
        "request-transformer" | "request-transformer-advanced" => {
            let uri = config?.at(&["replace", "uri"])?;
            let span = cx.input.node_span(uri);
            let Some(text) = uri.as_str() else {
                if !uri.is_null() {
                    facts.problem(
                        span,
                        format!("Kong plugin `{name}`: `replace.uri` must be a string"),
                    );
                }
                return None;
            };
            // Templates (`$(uri_captures.id)`) depend on the request.
            if text.contains("$(") {
                Some(Effect::Rewrite(
                    Rewrite::Unknown(format!("{name} replace.uri {text}")),
                    span,
                ))
            } else {
                Some(Effect::Rewrite(Rewrite::ReplaceFull(text.to_owned()), span))
            }
        }
        "route-transformer-advanced" => {
            let path = config?.get("path")?;
            Some(Effect::Rewrite(
                Rewrite::Unknown(format!("{name} sets the path")),
                cx.input.node_span(path),
            ))
        }
        "pre-function" | "post-function" => {
            let code = config.map(|c| cx.input.text.get(c.range.start..c.range.end).unwrap_or(""));
            code.filter(|c| c.contains("set_path") || c.contains("set_uri"))
                .map(|_| {
                    Effect::Rewrite(
                        Rewrite::Unknown(format!("{name} code changes the path")),
                        cx.input.node_span(p),
                    )
                })
        }
        "request-termination" | "redirect" | "mocking" => Some(Effect::Answers(format!(
            "the Kong plugin `{name}` answers the request itself"
        ))),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Routes.

/// The matching fields a route sets, for its priority.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Weight {
    /// How many of paths, methods, hosts, headers, snis, sources, destinations are set.
    pub fields: u32,
    /// `hosts` set, none with a wildcard.
    pub plain_hosts_only: bool,
    pub headers: u32,
}

fn route(cx: &mut Cx<'_>, facts: &mut Facts, r: &Node, svc: Option<&Service>) {
    let input = cx.input;
    if r.as_map().is_none() {
        facts.problem(
            input.node_span(r),
            format!("a Kong route must be a mapping, found {}", r.type_name()),
        );
        return;
    }
    if svc.is_some_and(|s| !s.http) {
        return;
    }
    let name = r
        .get("name")
        .and_then(Node::scalar_text)
        .or_else(|| r.get("id").and_then(Node::scalar_text))
        .unwrap_or_else(|| "(unnamed)".to_owned());
    let what = format!("Kong route `{name}`");
    let protocols = strings(cx, facts, r, "protocols", &what);
    if !protocols.is_empty()
        && protocols
            .iter()
            .all(|(p, _)| STREAM_PROTOCOLS.contains(&p.to_ascii_lowercase().as_str()))
    {
        return;
    }
    let rule_span = input.node_span(r);
    let origin = format!("Kong route {name}");
    let target = route_target(r, svc, &cx.plugins, &name);
    let plugin_rewrite = route_plugin_rewrite(cx, facts, r, svc, &name, &what);
    if is_set(r.get("expression")) {
        // ATC expressions are not evaluated: an opaque catch-all below every other route.
        let why = format!("{what} is an ATC expression route, which routelint does not evaluate");
        push(
            cx,
            facts,
            Pending {
                origin,
                matcher: PathMatch::Any,
                methods: MethodSet::Any,
                rewrite: None,
                target: Target::Opaque { why },
                span: r
                    .key("expression")
                    .map_or(rule_span, |k| input.node_span(k)),
                rule_span,
                hosts: Vec::new(),
                priority: i64::MIN / 2,
            },
            None,
        );
        return;
    }
    let methods = route_methods(cx, facts, r, &what);
    let hosts: Vec<String> = strings(cx, facts, r, "hosts", &what)
        .into_iter()
        .map(|(h, _)| h.to_owned())
        .collect();
    let paths = strings(cx, facts, r, "paths", &what);
    let headers = match r.get("headers").map(|h| &h.value) {
        Some(Value::Map(entries)) => u32::try_from(entries.len()).unwrap_or(u32::MAX),
        _ => 0,
    };
    let mut weight = Weight {
        plain_hosts_only: !hosts.is_empty() && hosts.iter().all(|h| !h.contains('*')),
        headers,
        ..Weight::default()
    };
    for k in [
        "paths",
        "methods",
        "hosts",
        "headers",
        "snis",
        "sources",
        "destinations",
    ] {
        if is_set(r.get(k)) {
            weight.fields += 1;
        }
    }
    if weight.fields == 0 {
        facts.problem(
            rule_span,
            format!("{what} matches nothing: Kong requires at least one of `paths`, `methods`, `hosts`, `headers` or `snis`"),
        );
        return;
    }
    let strip = match r.get("strip_path") {
        None => true,
        Some(n) if n.is_null() => true,
        Some(n) => n.as_bool().unwrap_or_else(|| {
            facts.problem(
                input.node_span(n),
                format!("{what}: `strip_path` must be true or false"),
            );
            true
        }),
    };
    let handling = match r.get("path_handling").and_then(Node::as_str) {
        None | Some("v0") => Handling::V0,
        Some("v1") if cx.legacy => Handling::V1,
        // Kong 3's default routers read `v1` as `v0` (CHANGELOG 3.0, #9290).
        Some("v1") => Handling::V0,
        Some(other) => {
            if let Some(n) = r.get("path_handling") {
                facts.problem(
                    input.node_span(n),
                    format!("{what}: unknown `path_handling` `{other}` (expected v0 or v1)"),
                );
            }
            Handling::V0
        }
    };
    let regex_priority = match r.get("regex_priority") {
        None => 0,
        Some(n) if n.is_null() => 0,
        Some(n) => n.as_i64().unwrap_or_else(|| {
            facts.problem(
                input.node_span(n),
                format!("{what}: `regex_priority` must be an integer"),
            );
            0
        }),
    };
    let base = svc.map_or("/", |s| s.base.as_str());
    let rewrite_span = r
        .get("strip_path")
        .map(|n| input.node_span(n))
        .or_else(|| svc.and_then(|s| s.base_span));
    let entries: Vec<(RoutePath, Span)> = if paths.is_empty() {
        vec![(RoutePath::Any, rule_span)]
    } else {
        paths
            .iter()
            .filter_map(|(p, node)| {
                let span = input.node_span(node);
                read_path(cx, facts, p, span, &what).map(|rp| (rp, span))
            })
            .collect()
    };
    for (path, span) in entries {
        let Some(matcher) = path_matcher(&path) else {
            continue;
        };
        let (rewrite, rw_span) = match &plugin_rewrite {
            Some((rw, s)) => (Some(rw.clone()), Some(*s)),
            None => {
                let rw = upstream_rewrite(&path, strip, handling, base);
                let s = rw.as_ref().map(|_| rewrite_span.unwrap_or(span));
                (rw, s)
            }
        };
        let (is_regex, uri_len) = match &path {
            RoutePath::Regex(_) => (true, 0),
            RoutePath::Plain(p) => (false, p.len()),
            RoutePath::Any => (false, 0),
        };
        let pending = Pending {
            origin: origin.clone(),
            matcher,
            methods: methods.clone(),
            rewrite,
            target: target.clone(),
            span,
            rule_span,
            hosts: hosts.clone(),
            priority: priority(weight, is_regex, regex_priority, uri_len),
        };
        push(cx, facts, pending, rw_span);
    }
}

/// A route waiting for its order number.
struct Pending {
    origin: String,
    matcher: PathMatch,
    methods: MethodSet,
    rewrite: Option<Rewrite>,
    target: Target,
    span: Span,
    rule_span: Span,
    hosts: Vec<String>,
    priority: i64,
}

fn push(cx: &mut Cx<'_>, facts: &mut Facts, p: Pending, rewrite_span: Option<Span>) {
    facts.routes.push(RouteFact {
        owner: Owner::Named(COMPONENT.to_owned()),
        table: COMPONENT.to_owned(),
        origin: p.origin,
        order: cx.order,
        matcher: p.matcher,
        methods: p.methods,
        rewrite_span: p.rewrite.as_ref().map(|_| rewrite_span.unwrap_or(p.span)),
        rewrite: p.rewrite,
        target: p.target,
        span: p.span,
        rule_span: p.rule_span,
        hosts: p.hosts,
        gateways: Vec::new(),
        dialect: Dialect::Kong,
        priority: Some(p.priority),
        conditional: false,
    });
    cx.order += 1;
}

/// Where the route sends requests: its service, unless a plugin answers first.
fn route_target(
    r: &Node,
    svc: Option<&Service>,
    globals: &[(Attach, Effect)],
    name: &str,
) -> Target {
    let answers = |e: &Effect| match e {
        Effect::Answers(why) => Some(why.clone()),
        Effect::Rewrite(..) => None,
    };
    let own = r
        .get("plugins")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter(|p| p.get("enabled").and_then(Node::as_bool) != Some(false))
        .find_map(|p| {
            let n = p.get("name")?.as_str()?;
            matches!(n, "request-termination" | "redirect" | "mocking")
                .then(|| format!("the Kong plugin `{n}` answers the request itself"))
        });
    let attached = globals
        .iter()
        .filter(|(a, _)| match a {
            Attach::Route(k) => route_keys(r).contains(k) || k == name,
            Attach::Global => true,
            _ => false,
        })
        .find_map(|(_, e)| answers(e));
    let from_service = svc.and_then(|s| s.effects.iter().find_map(answers));
    if let Some(why) = own.or(attached).or(from_service) {
        return Target::Opaque { why };
    }
    match svc {
        Some(s) => s.target.clone(),
        None => Target::Opaque {
            why: format!(
                "Kong route `{name}` names no service of this file (a plugin must answer it)"
            ),
        },
    }
}

fn route_keys(r: &Node) -> Vec<String> {
    ["name", "id"]
        .iter()
        .filter_map(|k| r.get(k).and_then(Node::scalar_text))
        .collect()
}

/// A path rewrite by a plugin of the route, its service, or the whole configuration (in Kong's
/// precedence: the most specific configuration of a plugin wins).
fn route_plugin_rewrite(
    cx: &Cx<'_>,
    facts: &mut Facts,
    r: &Node,
    svc: Option<&Service>,
    name: &str,
    what: &str,
) -> Option<(Rewrite, Span)> {
    let rewrite = |e: &Effect| match e {
        Effect::Rewrite(rw, s) => Some((rw.clone(), *s)),
        Effect::Answers(_) => None,
    };
    let own: Vec<Effect> = list(cx, facts, r, "plugins", what)
        .iter()
        .filter_map(|p| plugin_effect(cx, facts, p))
        .collect();
    let keys = route_keys(r);
    own.iter()
        .find_map(rewrite)
        .or_else(|| {
            cx.plugins
                .iter()
                .filter(|(a, _)| matches!(a, Attach::Route(k) if keys.contains(k) || k == name))
                .find_map(|(_, e)| rewrite(e))
        })
        .or_else(|| svc.and_then(|s| s.effects.iter().find_map(rewrite)))
        .or_else(|| {
            cx.plugins
                .iter()
                .filter(|(a, _)| *a == Attach::Global)
                .find_map(|(_, e)| rewrite(e))
        })
}

fn route_methods(cx: &Cx<'_>, facts: &mut Facts, r: &Node, what: &str) -> MethodSet {
    let listed = strings(cx, facts, r, "methods", what);
    if listed.is_empty() {
        return MethodSet::Any;
    }
    let mut methods = Vec::new();
    for (m, node) in listed {
        match Method::parse(m) {
            Some(method) if m == m.to_ascii_uppercase() => methods.push(method),
            // Kong accepts any upper-case token (`PURGE`); a client never sends one routelint
            // resolves, so it adds nothing.
            None if !m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase()) => {}
            _ => facts.problem(
                cx.input.node_span(node),
                format!("{what}: `{m}` is not an HTTP method (Kong wants upper case, such as GET)"),
            ),
        }
    }
    MethodSet::only(methods)
}

/// Classifies one `paths` entry; a malformed one is a problem.
fn read_path(cx: &Cx<'_>, facts: &mut Facts, p: &str, span: Span, what: &str) -> Option<RoutePath> {
    let regex = if cx.legacy {
        // Kong 2.8 router.lua: plain iff `^[a-zA-Z0-9\.\-_~/%]*$`.
        (!p.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '~' | '/' | '%')))
        .then_some(p)
    } else {
        p.strip_prefix('~')
    };
    match regex {
        Some(src) => match Regex::new(&format!("^(?:{src})")) {
            Ok(_) => Some(RoutePath::Regex(src.to_owned())),
            Err(_) => {
                facts.problem(
                    span,
                    format!("{what}: `{p}` is not a regular expression routelint can read (Kong 3's router compiles paths with Rust's regex syntax)"),
                );
                None
            }
        },
        None if p.starts_with('/') => Some(RoutePath::Plain(p.to_owned())),
        None => {
            facts.problem(
                span,
                format!("{what}: path `{p}` must start with / (a prefix) or ~/ (a regex)"),
            );
            None
        }
    }
}

/// The matcher of a route path. `None` only for a regex that no longer compiles.
pub fn path_matcher(path: &RoutePath) -> Option<PathMatch> {
    match path {
        RoutePath::Any => Some(PathMatch::Any),
        RoutePath::Plain(p) => Some(PathMatch::StringPrefix {
            prefix: p.clone(),
            ignore_case: false,
        }),
        RoutePath::Regex(src) => {
            Regex::new(&format!("^(?:{src})"))
                .ok()
                .map(|re| PathMatch::Regex {
                    source: src.clone(),
                    re,
                })
        }
    }
}

/// Kong 3's route priority as one number, higher first.
///
/// `kong/router/transform.lua` `get_priority` builds a u64, from the top: the number of matching
/// fields set (3 bits), plain hosts only (1), the header count (8), regex path (1),
/// `regex_priority` (regex paths only), the plain path's length (19 bits). The same fields in
/// the same order are packed here into an i64 (match fields at bit 51, plain hosts 50, headers
/// 42–49, regex 41, `regex_priority` 19–40 offset by 2^21 so that negative values sort below
/// zero as in the traditional router, length 0–18). Ties: the first declared.
pub fn priority(w: Weight, regex: bool, regex_priority: i64, uri_len: usize) -> i64 {
    const RP_HALF: i64 = 1 << 21;
    let fields = i64::from(w.fields.min(7));
    let headers = i64::from(w.headers.min(255));
    let rp = if regex {
        regex_priority.clamp(-RP_HALF, RP_HALF - 1) + RP_HALF
    } else {
        RP_HALF
    };
    let len = i64::try_from(uri_len.min(0x7FFFF)).unwrap_or(0x7FFFF);
    (fields << 51)
        | (i64::from(w.plain_hosts_only) << 50)
        | (headers << 42)
        | (i64::from(regex) << 41)
        | (rp << 19)
        | len
}

// ---------------------------------------------------------------------------------------------
// The upstream path.

/// `$` in a replacement is a capture reference; a literal one is `$$`.
fn lit(s: &str) -> String {
    s.replace('$', "$$")
}

/// Whether a regex source ends with an unescaped `$` (its match always reaches the end).
fn ends_anchored(src: &str) -> bool {
    let Some(body) = src.strip_suffix('$') else {
        return false;
    };
    body.chars().rev().take_while(|c| *c == '\\').count() % 2 == 0
}

/// The path Kong sends upstream, as one rewrite: the router's `strip_path` and `path_handling`
/// arithmetic with the service path `base` (`kong/router/utils.lua` `get_upstream_uri_v0`, and
/// the `v1` branch of `traditional.lua`). `None` when the path leaves unchanged.
///
/// `v0`, with B' the service path without one trailing `/` and R the request's rest after the
/// matched part (the whole path without its `/` when nothing was stripped):
/// - R starts with `/` → B' + R; other non-empty R → B' + `/` + R;
/// - R empty → B' + `/` when the matched part ends with `/` (except a bare `/` request on a
///   service path without a trailing slash), else B' (`/` when B' is empty).
///
/// Plain paths are encoded exactly with an alternation whose captures carry the slashes. For a
/// regex path the empty-R case cannot tell from the regex whether the matched text ends with a
/// slash: it yields B' + `/` (exact when B' is empty, or when the regex ends with `/$` or
/// another `$`), which can add a trailing slash Kong would not.
///
/// `v1`: strip → the service path + R, dropping R's leading `/` if the service path ends with
/// one; no strip → the service path + the request path without its leading `/`.
pub fn upstream_rewrite(
    path: &RoutePath,
    strip: bool,
    handling: Handling,
    base: &str,
) -> Option<Rewrite> {
    let base = if base.is_empty() { "/" } else { base };
    let (pattern, with) = match handling {
        Handling::V0 => v0_pattern(path, strip, base)?,
        Handling::V1 => v1_pattern(path, strip, base)?,
    };
    let stripped = match path {
        RoutePath::Plain(p) if strip => Some(p.clone()),
        RoutePath::Regex(src) if strip => Some(format!("~{src}")),
        _ => None,
    };
    let mut shown = match (stripped, base == "/") {
        (Some(p), true) => format!("strip_path {p}"),
        (Some(p), false) => format!("strip_path {p}, then service path {base}"),
        (None, _) => format!("service path {base} in front"),
    };
    if handling == Handling::V1 {
        shown.push_str(" (path_handling v1)");
    }
    match Regex::new(&pattern) {
        Ok(re) => Some(Rewrite::RegexReplace { re, with, shown }),
        Err(_) => Some(Rewrite::Unknown(shown)),
    }
}

fn v0_pattern(path: &RoutePath, strip: bool, base: &str) -> Option<(String, String)> {
    let ends = base.ends_with('/');
    let b = base.strip_suffix('/').unwrap_or(base);
    match path {
        RoutePath::Any => v0_unstripped(base),
        _ if !strip => v0_unstripped(base),
        RoutePath::Plain(p) => {
            let tail = p.strip_prefix('/')?;
            let extra = if p == "/" {
                ends
            } else {
                p.ends_with('/') || b.is_empty()
            };
            let empty = if extra {
                format!("(?P<kc>/){}", regex::escape(tail))
            } else {
                regex::escape(p)
            };
            let pattern = format!(
                "(?s)^(?:{p}(?P<ka>/.*)|(?P<ks>/){tail}(?P<kb>.+)|{empty})$",
                p = regex::escape(p),
                tail = regex::escape(tail),
            );
            Some((pattern, format!("{}${{ka}}${{ks}}${{kb}}${{kc}}", lit(b))))
        }
        RoutePath::Regex(src) => {
            if ends_anchored(src) && !b.is_empty() {
                // The match always reaches the end: R is empty, the result a constant.
                let body = &src[..src.len() - 1];
                let to = if body.ends_with('/') {
                    format!("{b}/")
                } else {
                    b.to_owned()
                };
                return Some((format!("(?s)^(?:{src})"), lit(&to)));
            }
            Some((
                format!("(?s)^(?:{src})/?(?P<kr>.*)$"),
                format!("{}/${{kr}}", lit(b)),
            ))
        }
    }
}

/// Nothing stripped: B' + the request path; a bare `/` request keeps a slash-less service path
/// as it is. `None` for the identity (service path `/`).
fn v0_unstripped(base: &str) -> Option<(String, String)> {
    if base == "/" {
        return None;
    }
    let b = base.strip_suffix('/').unwrap_or(base);
    let pattern = if base.ends_with('/') {
        "(?s)^(?P<ka>/.*)$"
    } else {
        "(?s)^(?:(?P<ka>/.+)|/)$"
    };
    Some((pattern.to_owned(), format!("{}${{ka}}", lit(b))))
}

fn v1_pattern(path: &RoutePath, strip: bool, base: &str) -> Option<(String, String)> {
    let slash = if base.ends_with('/') { "/?" } else { "" };
    let with = format!("{}${{kr}}", lit(base));
    match path {
        RoutePath::Plain(p) if strip => {
            Some((format!("(?s)^{}{slash}(?P<kr>.*)$", regex::escape(p)), with))
        }
        RoutePath::Regex(src) if strip => Some((format!("(?s)^(?:{src}){slash}(?P<kr>.*)$"), with)),
        _ if base == "/" => None,
        _ => Some(("(?s)^/(?P<kr>.*)$".to_owned(), with)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten};

    fn run_at(path: &str, text: &str) -> Facts {
        extract(crate::sources::testing::test_input(path, text))
    }

    fn run(text: &str) -> Facts {
        run_at("kong/kong.yaml", text)
    }

    /// Kong's own arithmetic, ported line by line from `get_upstream_uri_v0`
    /// (`kong/router/utils.lua`) and the `v1` branch of `traditional.lua`, on literal strings:
    /// the oracle the regex rewrites are checked against.
    fn kong_reference(
        path: &RoutePath,
        strip: bool,
        handling: Handling,
        base: &str,
        req: &str,
    ) -> Option<String> {
        // The match and the postfix (`uri_postfix`), sanitised as `sanitize_uri_postfix` does.
        let postfix: String = match path {
            RoutePath::Any => req.get(1..)?.to_owned(),
            RoutePath::Plain(p) => req.strip_prefix(p.as_str())?.to_owned(),
            RoutePath::Regex(src) => {
                let re = Regex::new(&format!("^(?:{src})(?P<post>.*)$")).ok()?;
                re.captures(req)?.name("post")?.as_str().to_owned()
            }
        };
        let postfix = if postfix == "." || postfix == ".." {
            String::new()
        } else if let Some(p) = postfix.strip_prefix("./") {
            p.to_owned()
        } else if let Some(p) = postfix.strip_prefix("../") {
            p.to_owned()
        } else {
            postfix
        };
        let ends = |s: &str| s.ends_with('/');
        let cut = |s: &str| s[..s.len() - 1].to_owned();
        Some(match handling {
            Handling::V1 => {
                if strip {
                    if ends(base) && postfix.starts_with('/') {
                        cut(base) + &postfix
                    } else {
                        format!("{base}{postfix}")
                    }
                } else {
                    format!("{base}{}", &req[1..])
                }
            }
            Handling::V0 => {
                if ends(base) {
                    if strip {
                        if postfix.is_empty() {
                            if base == "/" {
                                "/".to_owned()
                            } else if ends(req) {
                                base.to_owned()
                            } else {
                                cut(base)
                            }
                        } else if postfix.starts_with('/') {
                            cut(base) + &postfix
                        } else {
                            format!("{base}{postfix}")
                        }
                    } else {
                        format!("{base}{}", &req[1..])
                    }
                } else if strip {
                    if postfix.is_empty() {
                        if req.len() > 1 && ends(req) {
                            format!("{base}/")
                        } else {
                            base.to_owned()
                        }
                    } else if postfix.starts_with('/') {
                        format!("{base}{postfix}")
                    } else {
                        format!("{base}/{postfix}")
                    }
                } else if req == "/" {
                    base.to_owned()
                } else {
                    format!("{base}{req}")
                }
            }
        })
    }

    fn ours(path: &RoutePath, strip: bool, handling: Handling, base: &str, req: &str) -> String {
        let matcher = path_matcher(path).expect("matcher");
        let req = ReqPath::literal(req);
        match upstream_rewrite(path, strip, handling, base) {
            None => req.to_string(),
            Some(rw) => match rw.apply(&matcher, &req) {
                Rewritten::Path(p) => p.render_with(|n| format!("{{{n}}}")),
                other => format!("{other:?}"),
            },
        }
    }

    #[test]
    fn path_handling_table_of_the_kong_docs() {
        // Kong Admin API docs, "Path handling algorithms" (kong/kong autodoc/data/admin-api.lua):
        // service.path, route.path, strip_path, path_handling, request → proxied.
        let table = [
            ("/s", "/fv0", false, Handling::V0, "/fv0req", "/s/fv0req"),
            ("/s", "/fv1", false, Handling::V1, "/fv1req", "/sfv1req"),
            ("/s", "/tv0", true, Handling::V0, "/tv0req", "/s/req"),
            ("/s", "/tv1", true, Handling::V1, "/tv1req", "/sreq"),
            ("/s", "/fv0/", false, Handling::V0, "/fv0/req", "/s/fv0/req"),
            ("/s", "/fv1/", false, Handling::V1, "/fv1/req", "/sfv1/req"),
            ("/s", "/tv0/", true, Handling::V0, "/tv0/req", "/s/req"),
            ("/s", "/tv1/", true, Handling::V1, "/tv1/req", "/sreq"),
        ];
        for (base, route, strip, h, req, want) in table {
            let p = RoutePath::Plain(route.to_owned());
            assert_eq!(
                ours(&p, strip, h, base, req),
                want,
                "{base} {route} {strip} {h:?} {req}"
            );
            assert_eq!(
                kong_reference(&p, strip, h, base, req).as_deref(),
                Some(want),
                "reference {route}"
            );
        }
    }

    #[test]
    fn strip_path_and_service_path_rows_of_semantics_md() {
        // semantics.md "Kong": strip_path true/false × service path none / `/` / `/api`, for
        // `/p/x` and `/p`, path_handling v0 (and v1 below).
        let v0 = [
            // (strip, service path, request, upstream)
            (true, "/", "/p/x", "/x"),
            (true, "/", "/p", "/"),
            (true, "/api", "/p/x", "/api/x"),
            (true, "/api", "/p", "/api"),
            (true, "/api/", "/p/x", "/api/x"),
            (true, "/api/", "/p", "/api"),
            (false, "/", "/p/x", "/p/x"),
            (false, "/", "/p", "/p"),
            (false, "/api", "/p/x", "/api/p/x"),
            (false, "/api", "/p", "/api/p"),
            (false, "/api/", "/p/x", "/api/p/x"),
        ];
        for (strip, base, req, want) in v0 {
            let p = RoutePath::Plain("/p".into());
            assert_eq!(
                ours(&p, strip, Handling::V0, base, req),
                want,
                "v0 {strip} {base} {req}"
            );
        }
        let v1 = [
            (true, "/", "/p/x", "/x"),
            (true, "/", "/p", "/"),
            (true, "/api", "/p/x", "/api/x"),
            (true, "/api", "/p", "/api"),
            (true, "/api", "/px", "/apix"),
            (false, "/api", "/p/x", "/apip/x"),
            (false, "/", "/p/x", "/p/x"),
        ];
        for (strip, base, req, want) in v1 {
            let p = RoutePath::Plain("/p".into());
            assert_eq!(
                ours(&p, strip, Handling::V1, base, req),
                want,
                "v1 {strip} {base} {req}"
            );
        }
        // No service path (the default `/`): the bare prefix and the string-prefix over-match.
        let p = RoutePath::Plain("/api".into());
        assert_eq!(ours(&p, true, Handling::V0, "/", "/api"), "/");
        assert_eq!(ours(&p, true, Handling::V0, "/", "/apix"), "/x");
        let p = RoutePath::Plain("/api/".into());
        assert_eq!(ours(&p, true, Handling::V0, "/", "/api/users"), "/users");
        assert_eq!(ours(&p, true, Handling::V0, "/", "/api/"), "/");
    }

    #[test]
    fn plain_path_rewrites_agree_with_kongs_arithmetic_everywhere() {
        let paths = ["/", "/p", "/p/", "/api/v1"];
        let bases = ["/", "/s", "/s/", "/a/b", "/a/b/"];
        let rests = ["", "x", "/", "/x", "//x", "x/", "/x/y/", "-y"];
        for p in paths {
            for base in bases {
                for strip in [true, false] {
                    for h in [Handling::V0, Handling::V1] {
                        for rest in rests {
                            let req = format!("{p}{rest}");
                            let path = RoutePath::Plain(p.to_owned());
                            let want = kong_reference(&path, strip, h, base, &req)
                                .expect("plain paths always match their own requests");
                            assert_eq!(
                                ours(&path, strip, h, base, &req),
                                want,
                                "path {p} base {base} strip {strip} {h:?} req {req}"
                            );
                        }
                    }
                }
            }
        }
        // A route without paths forwards as with strip_path false.
        for base in bases {
            for req in ["/", "/x", "/x/", "/x/y"] {
                for h in [Handling::V0, Handling::V1] {
                    let want = kong_reference(&RoutePath::Any, true, h, base, req).expect("any");
                    assert_eq!(
                        ours(&RoutePath::Any, true, h, base, req),
                        want,
                        "{base} {req}"
                    );
                }
            }
        }
    }

    #[test]
    fn regex_path_rewrites_agree_with_kong_except_the_documented_trailing_slash() {
        let regexes = [
            r"/api/v\d+",
            r"/api/v\d+/",
            r"/users/\d+$",
            r"/(a|b)/",
            r"/r/?",
        ];
        let bases = ["/", "/s", "/s/"];
        let reqs = [
            "/api/v1",
            "/api/v12/",
            "/api/v2/items",
            "/api/v2items",
            "/users/42",
            "/a/x",
            "/b/",
            "/r",
            "/r/",
            "/r/x",
            "/rx",
        ];
        for src in regexes {
            let path = RoutePath::Regex(src.to_owned());
            for base in bases {
                for strip in [true, false] {
                    for h in [Handling::V0, Handling::V1] {
                        for req in reqs {
                            let Some(want) = kong_reference(&path, strip, h, base, req) else {
                                continue;
                            };
                            let got = ours(&path, strip, h, base, req);
                            // The documented approximation: an empty rest after a match that
                            // does not end with `/`, with a service path, gets a trailing slash.
                            let approx = h == Handling::V0
                                && strip
                                && base != "/"
                                && got == format!("{want}/");
                            assert!(
                                got == want || approx,
                                "regex {src} base {base} strip {strip} {h:?} req {req}: {got} != {want}"
                            );
                        }
                    }
                }
            }
        }
        // Exact for the common shape: no service path.
        let path = RoutePath::Regex(r"/api/v\d+/".into());
        assert_eq!(
            ours(&path, true, Handling::V0, "/", "/api/v2/items/5"),
            "/items/5"
        );
        assert_eq!(ours(&path, true, Handling::V0, "/", "/api/v2/"), "/");
    }

    #[test]
    fn rewrites_keep_client_parameters() {
        let p = RoutePath::Plain("/api/users".into());
        let m = path_matcher(&p).expect("matcher");
        let rw = upstream_rewrite(&p, true, Handling::V0, "/users").expect("rewrite");
        assert_eq!(
            rw.apply(&m, &ReqPath::parse("/api/users/{id}")),
            Rewritten::Path(ReqPath::parse("/users/{id}"))
        );
        assert_eq!(
            rw.to_string(),
            "strip_path /api/users, then service path /users"
        );
    }

    /// A priority helper for tests: fields, plain hosts, headers.
    fn w(fields: u32, plain_hosts_only: bool, headers: u32) -> Weight {
        Weight {
            fields,
            plain_hosts_only,
            headers,
        }
    }

    #[test]
    fn priority_follows_kong_3_get_priority() {
        // transform.lua get_priority: more fields > plain hosts > headers > regex >
        // regex_priority > longer plain path.
        let order = [
            priority(w(3, false, 0), false, 0, 1),
            priority(w(2, true, 0), false, 0, 1),
            priority(w(2, false, 2), false, 0, 1),
            priority(w(2, false, 1), false, 0, 1),
            priority(w(2, false, 0), true, 5, 0),
            priority(w(2, false, 0), true, 0, 0),
            priority(w(2, false, 0), true, -5, 0),
            priority(w(2, false, 0), false, 0, 30),
            priority(w(2, false, 0), false, 99, 29),
            priority(w(1, false, 0), false, 0, 500),
        ];
        for pair in order.windows(2) {
            assert!(pair[0] > pair[1], "{order:?}");
        }
        // regex_priority does nothing for plain paths.
        assert_eq!(
            priority(w(1, false, 0), false, 100, 4),
            priority(w(1, false, 0), false, -100, 4)
        );
        assert!(priority(w(7, true, 255), true, i64::MAX, usize::MAX) > 0);
        assert!(priority(w(0, false, 0), true, i64::MIN, 0) >= 0);
    }

    const DECK: &str = r#"_format_version: "3.0"
services:
- name: users
  url: http://users-service:8080/users
  routes:
  - name: users-api
    paths: [/api/users]
    methods: [GET, POST]
- name: orders
  host: orders-service
  port: 8080
  routes:
  - name: orders-api
    paths: [/api/orders]
    strip_path: false
- name: catalog
  host: catalog-upstream
  routes:
  - name: catalog-read
    paths: ['~/api/v\d+/']
    methods: [GET]
    regex_priority: 10
upstreams:
- name: catalog-upstream
  targets:
  - target: catalog-service:9000
  - target: catalog-service-b:9000
routes:
- name: health
  service: {name: orders}
  paths: [/healthz]
  hosts: [api.example.com]
"#;

    #[test]
    fn services_routes_and_upstreams_become_routes_of_kong() {
        let f = run(DECK);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| {
                let host = match &r.target {
                    Target::Forward { host, port, .. } => format!("{host}:{port:?}"),
                    other => format!("{other:?}"),
                };
                format!(
                    "{} | {} | {} | {} | {}",
                    r.origin,
                    r.matcher,
                    r.methods,
                    r.rewrite.as_ref().map_or("-".to_owned(), |w| w.to_string()),
                    host
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "Kong route users-api | prefix /api/users | GET, POST | strip_path /api/users, then service path /users | users-service:Some(8080)",
                "Kong route orders-api | prefix /api/orders | any method | - | orders-service:Some(8080)",
                r"Kong route catalog-read | regex /api/v\d+/ | GET | strip_path ~/api/v\d+/ | catalog-service:Some(9000)",
                "Kong route health | prefix /healthz | any method | strip_path /healthz | orders-service:Some(8080)",
            ]
        );
        assert!(
            f.routes
                .iter()
                .all(|r| r.owner == Owner::Named("kong".into()) && r.dialect == Dialect::Kong)
        );
        assert_eq!(f.routes[3].hosts, ["api.example.com"]);
        let orders: Vec<u32> = f.routes.iter().map(|r| r.order).collect();
        assert_eq!(orders, [0, 1, 2, 3]);
        // The path node is the span; the route mapping the rule span.
        let r = &f.routes[0];
        assert_eq!(
            &DECK[r.span.start as usize..r.span.end as usize],
            "/api/users"
        );
        assert!(
            DECK[r.rule_span.start as usize..r.rule_span.end as usize]
                .starts_with("name: users-api")
        );
        // Regex (2 fields) over the 2-field plain route; both over the 1-field ones.
        let p: Vec<i64> = f.routes.iter().map(|r| r.priority.unwrap_or(0)).collect();
        assert!(p[2] > p[0] && p[0] > p[1] && p[3] > p[1], "{p:?}");
    }

    #[test]
    fn json_files_and_legacy_regex_paths() {
        let f = run_at(
            "kong.json",
            r#"{"_format_version": "1.1", "services": [{"name": "s", "host": "svc", "path": "/status/200",
               "routes": [{"name": "r1", "paths": ["/status/\\d+", "/plain"], "path_handling": "v1"}]}]}"#,
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes[0].matcher.to_string(), r"regex /status/\d+");
        assert_eq!(f.routes[1].matcher.to_string(), "prefix /plain");
        let out = f.routes[1]
            .rewrite
            .as_ref()
            .map(|w| w.apply(&f.routes[1].matcher, &ReqPath::literal("/plain/x")));
        assert_eq!(
            out,
            Some(Rewritten::Path(ReqPath::literal("/status/200/x")))
        );
        assert!(
            f.routes[1]
                .rewrite
                .as_ref()
                .is_some_and(|w| w.to_string().ends_with("(path_handling v1)"))
        );
        // In a 3.0 file the same path is a plain (literal) prefix.
        let f = run(
            "_format_version: \"3.0\"\nservices:\n- {name: s, host: svc, routes: [{name: r, paths: ['/users/\\d+']}]}\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes[0].matcher.to_string(), r"prefix /users/\d+");
    }

    #[test]
    fn plugins_replace_or_answer() {
        let f = run(r#"_format_version: "3.0"
services:
- name: s
  host: svc
  routes:
  - name: moved
    paths: [/old]
    plugins:
    - name: request-transformer
      config: {replace: {uri: /new}}
  - name: down
    paths: [/down]
    plugins:
    - name: request-termination
      config: {status_code: 503}
  - name: templated
    paths: [/t]
plugins:
- name: request-transformer
  route: templated
  config: {replace: {uri: "/x/$(uri_captures.id)"}}
"#);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(
            f.routes[0].rewrite.as_ref().map(ToString::to_string),
            Some("set path /new".to_owned())
        );
        assert!(
            matches!(&f.routes[1].target, Target::Opaque { why } if why.contains("request-termination"))
        );
        assert!(matches!(&f.routes[2].rewrite, Some(Rewrite::Unknown(_))));
    }

    #[test]
    fn expression_routes_are_an_opaque_catch_all_below_the_rest() {
        let f = run(
            "services:\n- host: localhost\n  name: foo\n  routes:\n  - expression: (http.path == \"/foo\")\n    name: foo\n  - name: bar\n    paths: [/bar]\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert!(matches!(f.routes[0].matcher, PathMatch::Any));
        assert!(matches!(f.routes[0].target, Target::Opaque { .. }));
        assert!(f.routes[0].priority < f.routes[1].priority);
    }

    #[test]
    fn malformed_configurations_are_problems_with_spans() {
        let cases: &[(&str, &str)] = &[
            (
                "{\"services\": {\"foo\": \"bar\"}}",
                "`services` must be a list",
            ),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  - name: r\n    strip_path: true\n",
                "matches nothing",
            ),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  - name: r\n    paths: ['~/a(']\n",
                "not a regular expression",
            ),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  - name: r\n    paths: [api]\n",
                "must start with /",
            ),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  - name: r\n    paths: [/a]\n    methods: [get]\n",
                "not an HTTP method",
            ),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  routes:\n  - name: r\n    paths: [/a]\n",
                "duplicate mapping key: routes",
            ),
            (
                "services:\n- name: s\n  port: 99999\n  host: h\n",
                "`port` must be",
            ),
            ("services:\n- name: s\n", "needs a `url` or a `host`"),
            (
                "services:\n- name: s\n  host: h\n  routes:\n  - name: r\n    paths: [/a]\n    path_handling: v9\n",
                "unknown `path_handling`",
            ),
            ("- a\n- b\n", "must be a mapping"),
            ("services: [\n", "YAML does not parse"),
        ];
        for (text, want) in cases {
            let path = if text.starts_with('{') {
                "k.json"
            } else {
                "k.yaml"
            };
            let f = run_at(path, text);
            assert!(
                f.problems.iter().any(|p| p.message.contains(want)),
                "{text:?}: want {want:?}, got {:?}",
                f.problems
            );
            for p in &f.problems {
                assert!(p.span.end as usize <= text.len() && p.span.start <= p.span.end);
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "",
            "\n",
            "---\n---\n",
            "_format_version: 3\n",
            "services: 7\n",
            "routes: [1, [2], {paths: 5}]\n",
            "services:\n- routes: [{paths: [~]}]\n  host: h\n",
            "services:\n- {url: 'http://'}\n",
            "upstreams: [{name: u, targets: [{target: ':'}]}]\nservices: [{host: u, routes: [{paths: ['/']}]}]\n",
            "services:\n- {host: h, path: /s/, routes: [{paths: ['~'], strip_path: maybe}]}\n",
            "{\"a\": [",
            "\u{feff}{}",
            "services:\n- host: h\n  routes:\n  - paths: ['~/(?P<kr>x)']\n",
        ];
        for s in samples {
            let _ = run(s);
            let _ = run_at("x.json", s);
        }
    }

    #[test]
    fn every_corpus_file_reads_without_a_panic_and_valid_files_without_problems() {
        let read =
            crate::sources::testing::corpus::check("kong", false, |c| run_at(&c.name, &c.text));
        assert!(
            read.is_empty() || read.len() >= 15,
            "only {} Kong corpus files",
            read.len()
        );
    }
}
