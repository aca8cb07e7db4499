//! Reads Apache APISIX routes into routes of the edge component `apisix`: the standalone
//! `apisix.yaml` (`routes:`, `upstreams:`, `services:`, `plugin_configs:`, ending with `#END`),
//! its JSON twin `apisix.json`, and Admin API bodies (`{"routes": [...]}`, one route object, or
//! `{"value": route}` / `{"list": [{"value": route}]}` as the Admin API answers). Knows the
//! file's shape and APISIX's default router; never looks at another file and never decides
//! whether a route is wrong: unreadable parts become problems with the exact node's span.
//!
//! Semantics kept (semantics.md "APISIX"; APISIX docs "Router radixtree",
//! <https://apisix.apache.org/docs/apisix/router-radixtree/>; lua-resty-radixtree
//! `lib/resty/radixtree.lua`; APISIX `apisix/http/route.lua`, `apisix/plugin.lua`,
//! `apisix/plugins/proxy-rewrite.lua`):
//! - `uri` / `uris`: without `*` a full match; ending in `*` a STRING prefix of what comes
//!   before it: `/api/*` matches `/api/` and below but NOT `/api` (the radix key is `/api/`);
//!   `/api*` also matches `/apix`; `/*` and `*` match everything. A `*` inside (`/a/*/b`) keeps
//!   the text before it as the radix key and then requires the whole path to match the
//!   pattern `radixtree.lua` builds (`*x` segments any text, `:x` one segment).
//! - Precedence: a full match always wins over every prefix (the exact hash is tried first);
//!   prefixes are tried longest first; `priority` (default 0, higher first) orders only routes
//!   with the same radix key, then the longer original uri. Routes with `hosts` (the default
//!   `radixtree_host_uri` router tries the request host's routes before host-less ones) come
//!   first. Encoded in [`priority`]. A route failing its `methods` lets the next one try; none
//!   matches: 404.
//! - The upstream: `upstream_id` (→ `upstreams[]`), else an inline `upstream`, else the
//!   `service_id`'s; its first node is the target (`nodes` as `{"host:port": weight}` or
//!   `[{host, port, weight}]`, or a discovery `service_name`). Plugins merge route over
//!   `plugin_config_id` over `service_id` (`plugin_config.lua` `merge`, `plugin.lua`
//!   `merge_service_route`).
//! - `proxy-rewrite`: `uri` replaces the whole path and wins over `regex_uri`; `regex_uri`
//!   `[regex, template]` is `ngx.re.sub` on the path as it is (NOT anchored, first match only,
//!   `$1` captures), and a path it does not match passes unchanged.
//! - `status: 0` disables a route; `vars` is validated as lua-resty-expr does (a route APISIX
//!   rejects is a problem and no route).
//!
//! Not modelled: `vars`, `remote_addrs`, `filter_func` narrowing, hosts of the request,
//! several `regex_uri` pairs (an unknown rewrite), `script` routes (an unknown rewrite).

use regex::Regex;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::{
    facts::Dialect, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::{self, Node};

/// The component every APISIX route belongs to.
const COMPONENT: &str = "apisix";

/// Extracts the routes of one APISIX file (JSON by extension, YAML otherwise).
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    input.for_each_document(&mut facts, |node, facts| read_document(input, node, facts));
    facts
}

struct Cx<'a> {
    input: Input<'a>,
    root: &'a Node,
    order: u32,
    /// A `global_rules` entry rewrites the path of every route.
    global_rewrite: Option<(Rewrite, Span)>,
}

fn read_document(input: Input<'_>, root: &Node, facts: &mut Facts) {
    if root.is_null() {
        return;
    }
    if root.as_map().is_none() {
        facts.problem(
            input.node_span(root),
            format!(
                "an APISIX configuration must be a mapping, found {}",
                root.type_name()
            ),
        );
        return;
    }
    let mut cx = Cx {
        input,
        root,
        order: 0,
        global_rewrite: None,
    };
    cx.global_rewrite = list(&cx, facts, root, "global_rules", "the configuration")
        .iter()
        .find_map(|g| {
            let pr = g.at(&["plugins", "proxy-rewrite"])?;
            let (rw, span) = proxy_rewrite(&cx, facts, pr, "a global rule")?;
            let why = format!("a global rule rewrites every path ({rw})");
            Some((Rewrite::Unknown(why), span))
        });
    if root.get("routes").is_some() {
        for (i, r) in list(&cx, facts, root, "routes", "the configuration")
            .iter()
            .enumerate()
        {
            route(&mut cx, facts, r, i);
        }
    } else if root.get("uri").is_some() || root.get("uris").is_some() {
        route(&mut cx, facts, root, 0);
    } else if let Some(v) = root
        .get("value")
        .filter(|v| v.get("uri").is_some() || v.get("uris").is_some())
    {
        route(&mut cx, facts, v, 0);
    } else if let Some(items) = root.get("list").and_then(Node::as_seq) {
        for (i, item) in items.iter().enumerate() {
            if let Some(v) = item.get("value") {
                route(&mut cx, facts, v, i);
            }
        }
    }
}

/// A list field; a wrong type is a problem and reads as an empty list.
fn list<'n>(cx: &Cx<'_>, facts: &mut Facts, parent: &'n Node, key: &str, what: &str) -> &'n [Node] {
    cx.input.list(facts, what, parent, key)
}

/// The entry of `upstreams`, `services` or `plugin_configs` with this id.
fn by_id<'n>(root: &'n Node, table: &str, id: &str) -> Option<&'n Node> {
    root.get(table)?
        .as_seq()?
        .iter()
        .find(|e| e.get("id").and_then(Node::scalar_text).as_deref() == Some(id))
}

// ---------------------------------------------------------------------------------------------
// Routes.

fn route(cx: &mut Cx<'_>, facts: &mut Facts, r: &Node, index: usize) {
    let input = cx.input;
    if r.as_map().is_none() {
        facts.problem(
            input.node_span(r),
            format!("an APISIX route must be a mapping, found {}", r.type_name()),
        );
        return;
    }
    let id = r
        .get("id")
        .and_then(Node::scalar_text)
        .or_else(|| r.get("name").and_then(Node::scalar_text))
        .unwrap_or_else(|| format!("routes[{index}]"));
    let what = format!("APISIX route `{id}`");
    if r.get("status").and_then(Node::as_i64) == Some(0) {
        return;
    }
    if let Some(vars) = r.get("vars")
        && let Err((node, why)) = check_vars(vars)
    {
        facts.problem(
            input.node_span(node),
            format!("{what}: APISIX rejects its `vars`: {why}"),
        );
        return;
    }
    let uris = route_uris(cx, facts, r, &what);
    if uris.is_empty() {
        return;
    }
    let Some(methods) = route_methods(cx, facts, r, &what) else {
        return;
    };
    let service = r
        .get("service_id")
        .and_then(Node::scalar_text)
        .map(|sid| (by_id(cx.root, "services", &sid), sid));
    let service_node = service.as_ref().and_then(|(s, _)| *s);
    let hosts = route_hosts(r).or_else(|| service_node.and_then(route_hosts));
    let hosts = hosts.unwrap_or_default();
    let Some(prio) = route_priority(cx, facts, r, &what) else {
        return;
    };
    let plugins = merged_plugins(cx, r, service_node);
    let target = route_target(cx, facts, r, service.as_ref(), &plugins);
    let (rewrite, rewrite_span) = route_rewrite(cx, facts, r, &plugins, &what);
    for (uri, node) in uris {
        let span = input.node_span(node);
        let Some(m) = uri_matcher(uri) else {
            facts.problem(
                span,
                format!("{what}: routelint cannot read the uri `{uri}`"),
            );
            continue;
        };
        facts.routes.push(RouteFact {
            owner: Owner::Named(COMPONENT.to_owned()),
            table: COMPONENT.to_owned(),
            origin: format!("APISIX route {id}"),
            order: cx.order,
            matcher: m.matcher,
            methods: methods.clone(),
            rewrite: rewrite.clone(),
            rewrite_span: rewrite.as_ref().map(|_| rewrite_span.unwrap_or(span)),
            target: target.clone(),
            span,
            rule_span: input.node_span(r),
            hosts: hosts.clone(),
            gateways: Vec::new(),
            dialect: Dialect::Apisix,
            priority: Some(priority(
                !hosts.is_empty(),
                m.exact,
                m.key_len,
                prio,
                uri.len(),
            )),
            conditional: false,
        });
        cx.order += 1;
    }
}

/// `uri` or `uris`, with their nodes; neither is a problem.
fn route_uris<'n>(
    cx: &Cx<'_>,
    facts: &mut Facts,
    r: &'n Node,
    what: &str,
) -> Vec<(&'n str, &'n Node)> {
    let mut out = Vec::new();
    let mut push = |facts: &mut Facts, n: &'n Node, key: &str| match n.as_str() {
        Some(s) if !s.is_empty() => out.push((s, n)),
        _ => facts.problem(
            cx.input.node_span(n),
            format!(
                "{what}: `{key}` must be a non-empty string, found {}",
                n.type_name()
            ),
        ),
    };
    match (r.get("uris"), r.get("uri")) {
        (Some(list_node), _) if list_node.as_seq().is_some() => {
            for n in list_node.as_seq().unwrap_or_default() {
                push(facts, n, "uris");
            }
        }
        (Some(n), _) => facts.problem(
            cx.input.node_span(n),
            format!("{what}: `uris` must be a list, found {}", n.type_name()),
        ),
        (None, Some(n)) => push(facts, n, "uri"),
        (None, None) => facts.problem(
            cx.input.node_span(r),
            format!("{what}: a route needs a `uri` or `uris`"),
        ),
    }
    out
}

/// APISIX's `methods` enum (route schema).
const APISIX_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PURGE",
];

fn route_methods(cx: &Cx<'_>, facts: &mut Facts, r: &Node, what: &str) -> Option<MethodSet> {
    let Some(node) = r.get("methods").filter(|n| !n.is_null()) else {
        return Some(MethodSet::Any);
    };
    let Some(items) = node.as_seq() else {
        facts.problem(
            cx.input.node_span(node),
            format!(
                "{what}: `methods` must be a list, found {}",
                node.type_name()
            ),
        );
        return None;
    };
    if items.is_empty() {
        return Some(MethodSet::Any);
    }
    let mut methods = Vec::new();
    for item in items {
        match item.as_str().filter(|m| APISIX_METHODS.contains(m)) {
            // PURGE is valid, but no client call routelint reads sends it.
            Some(m) => methods.extend(Method::parse(m)),
            None => {
                facts.problem(
                    cx.input.node_span(item),
                    format!(
                        "{what}: `methods` entries must be one of {}",
                        APISIX_METHODS.join(", ")
                    ),
                );
                return None;
            }
        }
    }
    Some(MethodSet::only(methods))
}

fn route_hosts(r: &Node) -> Option<Vec<String>> {
    if let Some(list) = r.get("hosts").and_then(Node::as_seq) {
        return Some(
            list.iter()
                .filter_map(|h| h.as_str().map(str::to_owned))
                .collect(),
        );
    }
    r.get("host")
        .and_then(Node::as_str)
        .map(|h| vec![h.to_owned()])
}

fn route_priority(cx: &Cx<'_>, facts: &mut Facts, r: &Node, what: &str) -> Option<i64> {
    match r.get("priority") {
        None => Some(0),
        Some(n) if n.is_null() => Some(0),
        Some(n) => match n.as_i64() {
            Some(p) => Some(p),
            None => {
                facts.problem(
                    cx.input.node_span(n),
                    format!("{what}: `priority` must be an integer"),
                );
                None
            }
        },
    }
}

/// The plugins that run for a route: its own over its plugin config's over its service's.
fn merged_plugins<'n>(
    cx: &Cx<'n>,
    r: &'n Node,
    service: Option<&'n Node>,
) -> Vec<(&'n str, &'n Node)> {
    let mut out: Vec<(&str, &Node)> = Vec::new();
    let mut add = |plugins: Option<&'n Node>| {
        for (k, v) in plugins.and_then(Node::as_map).unwrap_or_default() {
            if let Some(name) = k.as_str()
                && !out.iter().any(|(n, _)| *n == name)
            {
                out.push((name, v));
            }
        }
    };
    add(r.get("plugins"));
    let config = r
        .get("plugin_config_id")
        .and_then(Node::scalar_text)
        .and_then(|id| by_id(cx.root, "plugin_configs", &id));
    add(config.and_then(|c| c.get("plugins")));
    add(service.and_then(|s| s.get("plugins")));
    out.retain(|(_, conf)| conf.at(&["_meta", "disable"]).and_then(Node::as_bool) != Some(true));
    out
}

/// Where the route sends requests: its upstream, unless a plugin answers first.
fn route_target(
    cx: &Cx<'_>,
    facts: &mut Facts,
    r: &Node,
    service: Option<&(Option<&Node>, String)>,
    plugins: &[(&str, &Node)],
) -> Target {
    if let Some((name, _)) = plugins
        .iter()
        .find(|(n, _)| matches!(*n, "redirect" | "mocking"))
    {
        return Target::Opaque {
            why: format!("the APISIX plugin `{name}` answers the request itself"),
        };
    }
    if let Some(t) = upstream_of(cx, facts, r) {
        return t;
    }
    match service {
        Some((Some(s), _)) => upstream_of(cx, facts, s).unwrap_or_else(|| Target::Opaque {
            why: "the route and its service name no upstream".to_owned(),
        }),
        Some((None, sid)) => Target::Opaque {
            why: format!("service `{sid}` is not defined in this file"),
        },
        None => Target::Opaque {
            why: "the route names no upstream".to_owned(),
        },
    }
}

/// The target of an object's `upstream_id` (which APISIX prefers) or inline `upstream`.
fn upstream_of(cx: &Cx<'_>, facts: &mut Facts, obj: &Node) -> Option<Target> {
    if let Some(uid) = obj.get("upstream_id").and_then(Node::scalar_text) {
        return Some(match by_id(cx.root, "upstreams", &uid) {
            Some(u) => upstream_target(cx, facts, u),
            None => Target::Opaque {
                why: format!("upstream `{uid}` is not defined in this file"),
            },
        });
    }
    obj.get("upstream").map(|u| upstream_target(cx, facts, u))
}

/// The first node of an upstream (`nodes` map or list), or its discovery `service_name`.
fn upstream_target(cx: &Cx<'_>, facts: &mut Facts, u: &Node) -> Target {
    let input = cx.input;
    if u.as_map().is_none() {
        facts.problem(
            input.node_span(u),
            format!(
                "an APISIX upstream must be a mapping, found {}",
                u.type_name()
            ),
        );
        return Target::Opaque {
            why: "the upstream is not a mapping".to_owned(),
        };
    }
    if let Some(nodes) = u.get("nodes").filter(|n| !n.is_null()) {
        let first = match &nodes.value {
            tree::Value::Map(entries) => entries.first().and_then(|(k, _)| {
                let text = k.scalar_text()?;
                let (h, p) = split_host_port(&text);
                Some((h.to_owned(), p, input.node_span(k)))
            }),
            tree::Value::Seq(items) => items.first().and_then(|n| {
                let h = n.get("host")?;
                let port = n
                    .get("port")
                    .and_then(Node::as_i64)
                    .and_then(|p| u16::try_from(p).ok());
                Some((h.scalar_text()?, port, input.node_span(h)))
            }),
            _ => {
                facts.problem(
                    input.node_span(nodes),
                    format!(
                        "APISIX upstream `nodes` must be a mapping or a list, found {}",
                        nodes.type_name()
                    ),
                );
                None
            }
        };
        return match first {
            Some((host, port, span)) => Target::Forward { host, port, span },
            None => Target::Opaque {
                why: "the upstream has no nodes".to_owned(),
            },
        };
    }
    if let Some(name) = u.get("service_name")
        && let Some(text) = name.as_str()
    {
        // Kubernetes discovery writes `namespace/name:port`.
        let after_ns = text.rsplit('/').next().unwrap_or(text);
        let (host, port) = split_host_port(after_ns);
        return Target::Forward {
            host: host.to_owned(),
            port,
            span: input.node_span(name),
        };
    }
    Target::Opaque {
        why: "the upstream has no nodes".to_owned(),
    }
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

/// The route's path rewrite: `proxy-rewrite`, a `script`, or a global rule's.
fn route_rewrite(
    cx: &Cx<'_>,
    facts: &mut Facts,
    r: &Node,
    plugins: &[(&str, &Node)],
    what: &str,
) -> (Option<Rewrite>, Option<Span>) {
    if let Some(script) = r.get("script") {
        return (
            Some(Rewrite::Unknown("the route runs a script".to_owned())),
            Some(cx.input.node_span(script)),
        );
    }
    if let Some((_, conf)) = plugins.iter().find(|(n, _)| *n == "proxy-rewrite")
        && let Some((rw, span)) = proxy_rewrite(cx, facts, conf, what)
    {
        return (Some(rw), Some(span));
    }
    match &cx.global_rewrite {
        Some((rw, span)) => (Some(rw.clone()), Some(*span)),
        None => (None, None),
    }
}

/// `proxy-rewrite`'s `uri` (wins) or `regex_uri`. `None` when it leaves the path alone.
fn proxy_rewrite(
    cx: &Cx<'_>,
    facts: &mut Facts,
    conf: &Node,
    what: &str,
) -> Option<(Rewrite, Span)> {
    let input = cx.input;
    if let Some(uri) = conf.get("uri") {
        let span = input.node_span(uri);
        let Some(text) = uri.as_str().filter(|t| t.starts_with('/')) else {
            facts.problem(
                span,
                format!("{what}: proxy-rewrite `uri` must be a string starting with /"),
            );
            return None;
        };
        if text == "$uri" {
            return None;
        }
        if text.contains('$') {
            return Some((
                Rewrite::Unknown(format!("proxy-rewrite uri {text} uses variables")),
                span,
            ));
        }
        return Some((Rewrite::ReplaceFull(text.to_owned()), span));
    }
    let node = conf.get("regex_uri")?;
    let span = input.node_span(node);
    let Some(items) = node.as_seq() else {
        facts.problem(
            span,
            format!("{what}: proxy-rewrite `regex_uri` must be a list [regex, replacement]"),
        );
        return None;
    };
    let texts: Option<Vec<&str>> = items.iter().map(Node::as_str).collect();
    let Some(texts) = texts.filter(|t| t.len() >= 2 && t.len() % 2 == 0) else {
        facts.problem(
            span,
            format!(
                "{what}: proxy-rewrite `regex_uri` must hold pairs of strings [regex, replacement]"
            ),
        );
        return None;
    };
    if texts.len() > 2 {
        return Some((
            Rewrite::Unknown("proxy-rewrite regex_uri with several patterns".to_owned()),
            span,
        ));
    }
    let (pattern, template) = (texts[0], texts[1]);
    let shown = format!("regex_uri {pattern} → {template}");
    match Regex::new(pattern) {
        Ok(re) => Some((
            Rewrite::RegexReplace {
                re,
                with: nginx_template(template),
                shown,
            },
            span,
        )),
        Err(_) if pcre_only(pattern) => Some((
            Rewrite::Unknown(format!("{shown} (PCRE syntax routelint cannot evaluate)")),
            span,
        )),
        Err(_) => {
            facts.problem(
                items.first().map_or(span, |n| input.node_span(n)),
                format!("{what}: proxy-rewrite `regex_uri` `{pattern}` is not a valid regular expression"),
            );
            None
        }
    }
}

/// PCRE features the regex crate lacks: valid for APISIX, not evaluable here.
fn pcre_only(pattern: &str) -> bool {
    [
        "(?=", "(?!", "(?<=", "(?<!", "(?>", "\\1", "\\2", "*+", "++", "?+",
    ]
    .iter()
    .any(|f| pattern.contains(f))
}

/// An `ngx.re.sub` template (`$1`, `${1}`, `$0`, `$$`) in the regex crate's syntax: a number
/// is always braced (`$1a` is group 1 then `a` for nginx, a group named `1a` for the crate).
fn nginx_template(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 4);
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some('{') => out.push('$'),
            Some(d) if d.is_ascii_digit() => {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{n}}}"));
            }
            _ => out.push_str("$$"),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Matching and precedence.

/// A uri read as lua-resty-radixtree does.
#[derive(Debug)]
pub struct UriMatch {
    pub matcher: PathMatch,
    /// Matched by the exact hash (no `*`).
    pub exact: bool,
    /// Length of the radix key: the uri up to its first `*`.
    pub key_len: usize,
}

/// `radixtree.lua` `common_route_data` (`no_param_match`, as APISIX's `radixtree_uri` sets):
/// no `*` → exact; `*` last → prefix of the text before it; `*` inside → the pattern of
/// `fetch_pat`, matched against the whole path. `None` if that pattern does not compile.
pub fn uri_matcher(uri: &str) -> Option<UriMatch> {
    let Some(pos) = uri.find('*') else {
        return Some(UriMatch {
            matcher: PathMatch::Exact {
                path: uri.to_owned(),
                ignore_case: false,
            },
            exact: true,
            key_len: uri.len(),
        });
    };
    let key = &uri[..pos];
    let matcher = if pos + 1 == uri.len() {
        if key.is_empty() {
            PathMatch::Any
        } else {
            PathMatch::StringPrefix {
                prefix: key.to_owned(),
                ignore_case: false,
            }
        }
    } else {
        let re = Regex::new(&format!("^(?:{})$", fetch_pat(uri, false)))
            .or_else(|_| Regex::new(&format!("^(?:{})$", fetch_pat(uri, true))))
            .ok()?;
        PathMatch::Regex {
            source: uri.to_owned(),
            re,
        }
    };
    Some(UriMatch {
        matcher,
        exact: false,
        key_len: pos,
    })
}

/// `radixtree.lua` `fetch_pat`: segments split on `/`; `:name` is one segment, `*name` any
/// text; the other segments are used as regex text (`escape` quotes them when they do not
/// compile).
fn fetch_pat(uri: &str, escape: bool) -> String {
    let parts: Vec<String> = uri
        .split('/')
        .map(|seg| {
            if seg.starts_with(':') {
                "([^/]+)".to_owned()
            } else if seg.starts_with('*') {
                "((?s:.*))".to_owned()
            } else if escape {
                regex::escape(seg)
            } else {
                seg.to_owned()
            }
        })
        .collect();
    parts.join("/")
}

/// APISIX precedence as one number, higher first: routes with hosts (bit 59), then a full
/// match (bit 58) over any prefix, then the longer radix key (bits 42–57), then `priority`
/// (bits 10–41, offset so negative values sort below zero), then the longer original uri
/// (bits 0–9). Ties: the first declared.
pub fn priority(hosts: bool, exact: bool, key_len: usize, prio: i64, uri_len: usize) -> i64 {
    const HALF: i64 = 1 << 31;
    let key = i64::try_from(key_len.min(0xFFFF)).unwrap_or(0xFFFF);
    let len = i64::try_from(uri_len.min(0x3FF)).unwrap_or(0x3FF);
    let p = prio.clamp(-HALF, HALF - 1) + HALF;
    (i64::from(hosts) << 59) | (i64::from(exact) << 58) | (key << 42) | (p << 10) | len
}

// ---------------------------------------------------------------------------------------------
// `vars`.

/// lua-resty-expr's operators (`resty/expr/v1.lua` `compare_funcs`).
const VAR_OPS: &[&str] = &[
    "==", "~=", ">", ">=", "<", "<=", "~~", "~*", "in", "has", "ipmatch",
];
const LOGIC_OPS: &[&str] = &["OR", "!OR", "AND", "!AND"];

/// Validates `vars` as `resty.expr.v1` `new` does; the error names the node at fault.
fn check_vars(vars: &Node) -> Result<(), (&Node, String)> {
    if vars.is_null() {
        return Ok(());
    }
    let Some(items) = vars.as_seq() else {
        return Err((
            vars,
            format!("it must be a list, found {}", vars.type_name()),
        ));
    };
    let Some(first) = items.first() else {
        return Ok(());
    };
    if first.as_seq().is_none() && !is_logic_op(first) {
        return Err((
            vars,
            "each expression must be wrapped in its own list: [[\"arg_name\", \"==\", \"json\"]]"
                .to_owned(),
        ));
    }
    compile_rules(vars, 0)
}

fn is_logic_op(n: &Node) -> bool {
    n.as_str()
        .is_some_and(|s| LOGIC_OPS.contains(&s.to_ascii_uppercase().as_str()))
}

fn compile_rules(rules: &Node, depth: usize) -> Result<(), (&Node, String)> {
    if depth > 32 {
        return Err((rules, "expressions nested too deeply".to_owned()));
    }
    let Some(items) = rules.as_seq().filter(|i| !i.is_empty()) else {
        return Err((rules, "rule too short".to_owned()));
    };
    if items[0].as_seq().is_some() {
        return items.iter().try_for_each(|i| compile_rules(i, depth + 1));
    }
    if is_logic_op(&items[0]) {
        if items.len() <= 2 {
            return Err((rules, "rule too short".to_owned()));
        }
        return items[1..]
            .iter()
            .try_for_each(|i| compile_rules(i, depth + 1));
    }
    compile_expr(rules, items)
}

fn compile_expr<'n>(node: &'n Node, expr: &'n [Node]) -> Result<(), (&'n Node, String)> {
    let (op, value) = if expr.len() == 4 {
        if expr[1].as_str() != Some("!") {
            return Err((node, "bad 'not' expression".to_owned()));
        }
        (expr.get(2), expr.get(3))
    } else {
        (expr.get(1), expr.get(2))
    };
    let op_text = op
        .and_then(Node::scalar_text)
        .map(|o| o.to_ascii_lowercase());
    let known = op_text.as_deref().is_some_and(|o| VAR_OPS.contains(&o));
    // `[var, value]`: compatibility form, `==` implied.
    if value.is_none() && !known {
        return if op.is_some() {
            Ok(())
        } else {
            Err((node, "invalid expression".to_owned()))
        };
    }
    if expr.is_empty() || op.is_none() {
        return Err((node, "invalid expression".to_owned()));
    }
    if !known {
        let at = op.unwrap_or(node);
        return Err((
            at,
            format!(
                "invalid operator '{}' (lua-resty-expr knows {})",
                op_text.unwrap_or_default(),
                VAR_OPS.join(" ")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten, Tri};

    fn run_at(path: &str, text: &str) -> Facts {
        extract(crate::sources::testing::test_input(path, text))
    }

    fn run(text: &str) -> Facts {
        run_at("gateway/apisix.yaml", text)
    }

    #[test]
    fn uri_forms_match_as_the_radixtree_does() {
        // APISIX docs "Router radixtree": `/blog/bar*` matches /blog/bar and below; the radix
        // key of `/api/*` is `/api/`, so `/api` itself does not match.
        let table = [
            ("/api", "/api", Tri::Yes),
            ("/api", "/api/", Tri::No),
            ("/api/*", "/api/x/y", Tri::Yes),
            ("/api/*", "/api/", Tri::Yes),
            ("/api/*", "/api", Tri::No),
            ("/blog/bar*", "/blog/bar", Tri::Yes),
            ("/blog/bar*", "/blog/barn", Tri::Yes),
            ("/*", "/anything", Tri::Yes),
            ("*", "/anything", Tri::Yes),
            ("/a/*/b", "/a/x/y/b", Tri::Yes),
            ("/a/*/b", "/a/x/c", Tri::No),
            ("/u/:id/*x", "/u/42/p", Tri::Yes),
        ];
        for (uri, path, want) in table {
            let m = uri_matcher(uri).expect("uri");
            assert_eq!(
                m.matcher.matches(&ReqPath::parse(path)),
                want,
                "{uri} vs {path}"
            );
        }
    }

    #[test]
    fn precedence_is_exact_then_longest_key_then_priority() {
        // Docs: /blog/foo/bar (exact) before /blog/foo/a/* before /blog/foo/*; `priority` only
        // between routes with the same uri.
        let key = |uri: &str, prio: i64| {
            let m = uri_matcher(uri).expect("uri");
            priority(false, m.exact, m.key_len, prio, uri.len())
        };
        assert!(key("/blog/foo/bar", -100) > key("/blog/foo/a/*", 100));
        assert!(key("/blog/foo/a/*", -100) > key("/blog/foo/*", 100));
        assert!(key("/blog/foo/*", 10) > key("/blog/foo/*", 0));
        assert!(key("/blog/foo/*", 0) > key("/blog/foo/*", -1));
        assert!(key("/blog/foo/*/x", 0) > key("/blog/foo/*", 0));
        assert!(key("/*", i64::MAX) < key("/a*", i64::MIN));
        assert!(priority(true, false, 1, 0, 2) > priority(false, true, 50, 0, 50));
        assert!(priority(true, true, 0xFFFF_FFFF, i64::MAX, usize::MAX) > 0);
    }

    #[test]
    fn regex_uri_is_an_unanchored_first_match_substitution() {
        let conf = "routes:\n- id: r\n  uri: /api/*\n  plugins:\n    proxy-rewrite:\n      regex_uri: ['/api/(.*)', '/v2/$1x']\n  upstream: {nodes: {'svc:80': 1}}\n";
        let f = run(conf);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let r = &f.routes[0];
        let apply = |p: &str| {
            r.rewrite
                .as_ref()
                .map(|w| w.apply(&r.matcher, &ReqPath::parse(p)))
        };
        assert_eq!(
            apply("/api/users/{id}"),
            Some(Rewritten::Path(ReqPath::parse("/v2/users/{id}x")))
        );
        // Not anchored: a later `/api/` is rewritten too.
        assert_eq!(
            apply("/x/api/y"),
            Some(Rewritten::Path(ReqPath::parse("/x/v2/yx")))
        );
        assert_eq!(
            apply("/other"),
            Some(Rewritten::Path(ReqPath::parse("/other")))
        );
        assert_eq!(nginx_template("/$1/${2}$$/$x"), "/${1}/${2}$$/$$x");
    }

    const STANDALONE: &str = r#"upstreams:
  - id: profiles
    nodes:
      "profile-service:8080": 1
    type: roundrobin
services:
  - id: billing
    upstream:
      nodes:
        - {host: billing-service, port: 9000, weight: 1}
    plugins:
      proxy-rewrite:
        regex_uri: ["^/billing/(.*)", "/$1"]
plugin_configs:
  - id: me
    plugins:
      proxy-rewrite: {uri: /me}
routes:
  - id: profiles-api
    uri: /profiles/api/*
    upstream_id: profiles
    plugins:
      proxy-rewrite:
        regex_uri: ["^/profiles/api/(.*)", "/$1"]
  - id: profiles-me
    uri: /profiles/api/me
    methods: [GET]
    upstream_id: profiles
    plugin_config_id: me
  - id: billing
    uris: [/billing/*]
    priority: 10
    service_id: billing
  - id: gone
    uri: /gone
    upstream_id: nope
    status: 1
  - id: off
    uri: /off
    status: 0
    upstream_id: profiles
#END
"#;

    #[test]
    fn standalone_routes_resolve_upstreams_services_and_plugin_configs() {
        let f = run(STANDALONE);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| {
                let dest = match &r.target {
                    Target::Forward { host, port, .. } => format!("{host}:{port:?}"),
                    Target::Opaque { why } => why.clone(),
                    other => format!("{other:?}"),
                };
                format!(
                    "{} | {} | {} | {} | {}",
                    r.origin,
                    r.matcher,
                    r.methods,
                    r.rewrite
                        .as_ref()
                        .map_or("-".to_owned(), ToString::to_string),
                    dest
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "APISIX route profiles-api | prefix /profiles/api/ | any method | regex_uri ^/profiles/api/(.*) → /$1 | profile-service:Some(8080)",
                "APISIX route profiles-me | exact /profiles/api/me | GET | set path /me | profile-service:Some(8080)",
                "APISIX route billing | prefix /billing/ | any method | regex_uri ^/billing/(.*) → /$1 | billing-service:Some(9000)",
                "APISIX route gone | exact /gone | any method | - | upstream `nope` is not defined in this file",
            ]
        );
        assert!(
            f.routes
                .iter()
                .all(|r| r.owner == Owner::Named("apisix".into()) && r.dialect == Dialect::Apisix)
        );
        let r = &f.routes[0];
        assert_eq!(
            &STANDALONE[r.span.start as usize..r.span.end as usize],
            "/profiles/api/*"
        );
        let p: Vec<i64> = f.routes.iter().map(|r| r.priority.unwrap_or(0)).collect();
        assert!(p[1] > p[0] && p[0] > p[2], "{p:?}");
    }

    #[test]
    fn admin_api_json_shapes() {
        let one = r#"{"uri": "/hello", "methods": ["GET"], "upstream": {"nodes": {"127.0.0.1:1980": 1}}}"#;
        let f = run_at("route.json", one);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes.len(), 1);
        let listed = r#"{"list": [{"key": "/apisix/routes/1", "value": {"id": "1", "uri": "/a/*", "upstream": {"nodes": [{"host": "a", "port": 80, "weight": 1}]}}}]}"#;
        let f = run_at("routes.json", listed);
        assert_eq!(f.routes[0].origin, "APISIX route 1");
        assert!(
            matches!(&f.routes[0].target, Target::Forward { host, port: Some(80), .. } if host == "a")
        );
    }

    #[test]
    fn vars_are_validated_as_lua_resty_expr_does() {
        let ok = [
            "[[\"arg_name\", \"==\", \"json\"]]",
            "[[\"arg_age\", \"!\", \">\", 18]]",
            "[\"OR\", [\"arg_a\", \"==\", 1], [\"arg_b\", \"in\", [1, 2]]]",
            "[[\"arg_name\", \"json\"]]",
            "[]",
        ];
        let bad = [
            "[remote_addr, =, 1]",
            "[[\"arg_name\", \"=\", \"json\"]]",
            "[[\"arg_age\", \"not\", \">\", 18]]",
            "[\"AND\", [\"a\", \"==\", 1]]",
            "{a: 1}",
        ];
        for v in ok {
            let f = run(&format!(
                "routes:\n- uri: /x\n  vars: {v}\n  upstream: {{nodes: {{'a:1': 1}}}}\n"
            ));
            assert!(f.problems.is_empty(), "{v}: {:?}", f.problems);
            assert_eq!(f.routes.len(), 1, "{v}");
        }
        for v in bad {
            let f = run(&format!(
                "routes:\n- uri: /x\n  vars: {v}\n  upstream: {{nodes: {{'a:1': 1}}}}\n"
            ));
            assert_eq!(f.problems.len(), 1, "{v}: {:?}", f.problems);
            assert!(f.routes.is_empty(), "{v}");
        }
    }

    #[test]
    fn malformed_routes_are_problems_with_spans() {
        let cases: &[(&str, &str)] = &[
            ("routes: {a: 1}\n", "`routes` must be a list"),
            ("routes:\n- 7\n", "must be a mapping"),
            (
                "routes:\n- id: 1\n  upstream: {nodes: {'a:1': 1}}\n",
                "needs a `uri` or `uris`",
            ),
            ("routes:\n- uri: 5\n", "must be a non-empty string"),
            ("routes:\n- uris: /a\n", "`uris` must be a list"),
            (
                "routes:\n- uri: /a\n  methods: [FETCH]\n",
                "`methods` entries must be one of",
            ),
            (
                "routes:\n- uri: /a\n  priority: high\n",
                "`priority` must be an integer",
            ),
            (
                "routes:\n- uri: /a\n  upstream: {nodes: 5}\n",
                "`nodes` must be a mapping or a list",
            ),
            (
                "routes:\n- uri: /a\n  plugins: {proxy-rewrite: {regex_uri: ['^/a']}}\n",
                "pairs of strings",
            ),
            (
                "routes:\n- uri: /a\n  plugins: {proxy-rewrite: {regex_uri: ['^/a(', '/']}}\n",
                "not a valid regular expression",
            ),
            (
                "routes:\n- uri: /a\n  plugins: {proxy-rewrite: {uri: a}}\n",
                "must be a string starting with /",
            ),
            ("- a\n", "must be a mapping"),
            ("routes: [\n", "YAML does not parse"),
        ];
        for (text, want) in cases {
            let f = run(text);
            assert!(
                f.problems.iter().any(|p| p.message.contains(want)),
                "{text:?}: want {want:?}, got {:?}",
                f.problems
            );
            for p in &f.problems {
                assert!(p.span.end as usize <= text.len() && p.span.start <= p.span.end);
            }
        }
        // PCRE-only syntax is valid for APISIX: an unknown rewrite, not a problem.
        let f = run(
            "routes:\n- uri: /a/*\n  plugins: {proxy-rewrite: {regex_uri: ['^/a/(?!x)(.*)', '/$1']}}\n  upstream: {nodes: {'a:1': 1}}\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert!(matches!(f.routes[0].rewrite, Some(Rewrite::Unknown(_))));
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "",
            "#END\n",
            "routes: 7\n",
            "routes: [[], {uri: []}, {uris: [1, null]}]\n",
            "routes:\n- {uri: '*', upstream: {nodes: [{}]}}\n",
            "routes:\n- {uri: '/a/*/:b/*', upstream_id: [1]}\n",
            "routes:\n- {uri: '/(/*', service_id: {a: 1}}\nservices: 3\n",
            "{\"routes\": [",
            "list: [1, {value: 2}]\n",
            "routes:\n- {uri: /a, vars: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n",
            "routes:\n- {uri: /a, plugins: {proxy-rewrite: {regex_uri: [a, b, c, d]}}}\n",
            "global_rules: [{plugins: {proxy-rewrite: {uri: /x}}}]\nroutes: [{uri: /a}]\n",
        ];
        for s in samples {
            let _ = run(s);
            let _ = run_at("x.json", s);
        }
    }

    #[test]
    fn every_corpus_file_reads_without_a_panic_and_valid_files_without_problems() {
        let read =
            crate::sources::testing::corpus::check("apisix", false, |c| run_at(&c.name, &c.text));
        for (c, f) in &read {
            if c.status != "invalid" {
                assert!(!f.routes.is_empty(), "{}: no routes", c.name);
            }
        }
        assert!(read.is_empty() || read.len() == 9, "APISIX corpus files");
    }
}
