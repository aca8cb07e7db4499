//! Spring Boot configuration (`application*.yml|yaml|properties`, `bootstrap*`): Spring Cloud
//! Gateway and Zuul routes, the context path, the application name; and build files
//! (`pom.xml`, `build.gradle(.kts)`) for the gateway version whose semantics differ. Reads
//! YAML (dotted keys such as `spring.cloud.gateway.routes:` included) and `.properties` into
//! one document tree first, so both forms share every rule below.
//!
//! Profiles: every document's routes are read, whatever profile activates it
//! (`spring.config.activate.on-profile`, legacy `spring.profiles`, `application-prod.yml`); the
//! route's origin names the profile so a finding says which one it concerns.

mod build;
pub(crate) mod gateway;
mod properties;

use gateway::{Def, RouteSpec};

use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::facts::Dialect;
use crate::sources::{
    facts::Binding, facts::Facts, facts::Owner, facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::{Node, Value};

/// Reads one `application*.yml|yaml|properties` file.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    let mut docs: Vec<Node> = Vec::new();
    if input.path.to_ascii_lowercase().ends_with(".properties") {
        for entries in properties::documents(input.text) {
            let (doc, too_deep) = properties::tree(&entries);
            for r in too_deep {
                facts.problem(
                    input.span(r.start, r.end),
                    format!(
                        "properties key nested more than {} levels deep: it was not read",
                        properties::MAX_KEY_PARTS
                    ),
                );
            }
            docs.push(doc);
        }
    } else {
        input.for_each_document(&mut facts, |n, _| docs.push(n.clone()));
    }
    let file_profile = profile_of_name(input.path);
    let settings = Settings::read(&input, &docs, &mut facts);
    let mut order = 0u32;
    for doc in &docs {
        let profile = doc_profile(doc).or(file_profile.clone());
        let suffix = profile
            .map(|p| format!(" (profile {p})"))
            .unwrap_or_default();
        read_gateway(&input, doc, &suffix, &settings, &mut order, &mut facts);
        read_zuul(&input, doc, &suffix, &mut order, &mut facts);
    }
    facts
}

/// Reads one build file for library versions.
pub fn extract_build(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    if let Some(v) = build::gateway_version(input.text) {
        facts.versions.push((build::GATEWAY.to_owned(), v));
    }
    if let Some(v) = build::boot_version(input.text) {
        facts.versions.push(("spring-boot".to_owned(), v));
    }
    facts
}

/// Whether a YAML or properties file is Spring Boot configuration: by its name
/// (`application*.yml`, `bootstrap*.properties`…) or by Spring keys in it.
pub fn sniff(name: &str, text: &str) -> bool {
    let base = name.rsplit("__").next().unwrap_or(name);
    let stem = base.split('.').next().unwrap_or(base);
    let by_name = ["application", "bootstrap"]
        .iter()
        .any(|n| stem == *n || stem.starts_with(&format!("{n}-")));
    if by_name {
        return true;
    }
    let top = |l: &str| {
        ["spring:", "spring.", "zuul:", "zuul.", "server:", "server."]
            .iter()
            .any(|k| l.starts_with(k))
    };
    let foreign = |l: &str| {
        [
            "apiVersion:",
            "kind:",
            "openapi:",
            "swagger:",
            "_format_version",
        ]
        .iter()
        .any(|k| l.starts_with(k))
    };
    let lines = || text.lines().take(2000);
    // A config server's file for one application (`shared/account-service.yml`) matters
    // when it routes or sets the application's context path.
    lines().any(top)
        && !lines().any(foreign)
        && (text.contains("gateway") || text.contains("zuul") || text.contains("context-path"))
}

/// `application-prod.yml` → `prod`.
fn profile_of_name(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name.rsplit("__").next().unwrap_or(name);
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    ["application-", "bootstrap-"]
        .iter()
        .find_map(|p| stem.strip_prefix(p))
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
}

fn doc_profile(doc: &Node) -> Option<String> {
    lookup(doc, &["spring", "config", "activate", "on-profile"])
        .or_else(|| lookup(doc, &["spring", "profiles"]).filter(|n| n.as_str().is_some()))
        .and_then(|n| {
            n.scalar_text().or_else(|| {
                let items: Vec<String> =
                    n.as_seq()?.iter().filter_map(|x| x.scalar_text()).collect();
                Some(items.join(","))
            })
        })
}

/// Spring's relaxed binding: `default-filters`, `defaultFilters` and `default_filters` are one
/// key.
fn norm(k: &str) -> String {
    k.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Follows a key path through mappings whose keys may be dotted (`spring.cloud.gateway:` or
/// `gateway.server.webflux:` as one key).
fn lookup<'a>(node: &'a Node, path: &[&str]) -> Option<&'a Node> {
    if path.is_empty() {
        return Some(node);
    }
    for (k, v) in node.as_map()? {
        let Some(ks) = k.as_str() else { continue };
        let parts: Vec<String> = ks.split('.').map(norm).collect();
        if parts.len() <= path.len()
            && parts.iter().zip(path).all(|(a, b)| *a == norm(b))
            && let Some(found) = lookup(v, &path[parts.len()..])
        {
            return Some(found);
        }
    }
    None
}

/// Settings of the whole file: the application name, the context path and the WebFlux base
/// path.
#[derive(Default)]
struct Settings {
    /// `server.servlet.context-path` + `spring.mvc.servlet.path`: under it Spring MVC (and the
    /// MVC gateway) serve.
    servlet_path: Option<String>,
    /// `spring.webflux.base-path`: under it WebFlux (and the WebFlux gateway) serve.
    base_path: Option<String>,
}

impl Settings {
    fn read(input: &Input<'_>, docs: &[Node], facts: &mut Facts) -> Settings {
        let mut s = Settings::default();
        let text = |n: &Node| n.scalar_text().filter(|t| !t.contains("${"));
        let mut context: Option<(String, Span)> = None;
        let mut boot1: Option<(String, Span)> = None;
        let mut servlet: Option<(String, Span)> = None;
        let mut base: Option<(String, Span)> = None;
        for doc in docs {
            if let Some(n) = lookup(doc, &["spring", "application", "name"])
                && let Some(name) = text(n)
                && !facts.bindings.iter().any(|b| b.name == name)
            {
                facts.bindings.push(Binding {
                    name,
                    span: input.node_span(n),
                    project_wide: true,
                });
            }
            let first = |slot: &mut Option<(String, Span)>, path: &[&str]| {
                if slot.is_none()
                    && let Some(n) = lookup(doc, path)
                    && let Some(t) = text(n)
                {
                    *slot = Some((t, input.node_span(n)));
                }
            };
            first(&mut context, &["server", "servlet", "context-path"]);
            first(&mut boot1, &["server", "context-path"]);
            first(&mut servlet, &["spring", "mvc", "servlet", "path"]);
            first(&mut base, &["spring", "webflux", "base-path"]);
        }
        let clean = |p: &str| {
            let p = p.trim().trim_end_matches('/');
            if p.is_empty() {
                String::new()
            } else if p.starts_with('/') {
                p.to_owned()
            } else {
                format!("/{p}")
            }
        };
        if context.is_some() || servlet.is_some() {
            let joined = format!(
                "{}{}",
                context.as_ref().map(|c| clean(&c.0)).unwrap_or_default(),
                servlet.as_ref().map(|c| clean(&c.0)).unwrap_or_default()
            );
            let span = context.or(servlet).map(|c| c.1);
            if !joined.is_empty()
                && let Some(span) = span
            {
                facts.context_path = Some((joined.clone(), span));
                s.servlet_path = Some(joined);
            }
        }
        if let Some((c, span)) = boot1 {
            let c = clean(&c);
            if !c.is_empty() {
                facts.boot1_context_path = Some((c, span));
            }
        }
        if let Some((b, span)) = base {
            let b = clean(&b);
            if !b.is_empty() {
                if facts.context_path.is_none() {
                    facts.context_path = Some((b.clone(), span));
                }
                s.base_path = Some(b);
            }
        }
        s
    }
}

/// Where Spring Cloud Gateway versions put their routes: 4.x+ WebFlux and MVC server
/// properties, 4.1's `mvc`, and the pre-4.3 `spring.cloud.gateway.routes`. `true`: the MVC
/// gateway (served under the servlet context path).
const BASES: &[(&[&str], bool)] = &[
    (&["spring", "cloud", "gateway", "server", "webflux"], false),
    (&["spring", "cloud", "gateway", "server", "webmvc"], true),
    (&["spring", "cloud", "gateway", "mvc"], true),
    (&["spring", "cloud", "gateway"], false),
];

fn key_path(base: &[&str], key: &str) -> Vec<String> {
    base.iter()
        .map(|s| (*s).to_owned())
        .chain([key.to_owned()])
        .collect()
}

fn at<'a>(doc: &'a Node, base: &[&str], key: &str) -> Option<&'a Node> {
    let path = key_path(base, key);
    let refs: Vec<&str> = path.iter().map(String::as_str).collect();
    lookup(doc, &refs)
}

fn read_gateway(
    input: &Input<'_>,
    doc: &Node,
    suffix: &str,
    settings: &Settings,
    order: &mut u32,
    facts: &mut Facts,
) {
    for (base, mvc) in BASES {
        let defaults: Vec<Def> = at(doc, base, "default-filters")
            .map(|n| defs(input, facts, n, "default-filters"))
            .unwrap_or_default();
        let base_path = if *mvc {
            settings.servlet_path.as_deref()
        } else {
            settings.base_path.as_deref()
        };
        let mut items: Vec<(Option<String>, &Node)> = Vec::new();
        if let Some(routes) = at(doc, base, "routes") {
            match &routes.value {
                Value::Seq(list) => items.extend(list.iter().map(|n| (None, n))),
                Value::Null => {}
                _ => facts.problem(
                    input.node_span(routes),
                    format!(
                        "`{}.routes` must be a list, found {}",
                        base.join("."),
                        routes.type_name()
                    ),
                ),
            }
        }
        if let Some(map) = at(doc, base, "routes-map").and_then(Node::as_map) {
            items.extend(map.iter().map(|(k, v)| (k.scalar_text(), v)));
        }
        for (i, (key_id, item)) in items.into_iter().enumerate() {
            let Some(mut spec) = route_spec(input, facts, item, i, key_id) else {
                continue;
            };
            spec.filters = gateway::merge_filters(&defaults, &spec.filters);
            spec.origin = format!("{}{suffix}", spec.origin);
            let (routes, problems) = gateway::route_facts(&spec, *order, base_path);
            *order += 1;
            facts.routes.extend(routes);
            for (span, m) in problems {
                facts.problem(span, m);
            }
        }
    }
}

/// A route item: a mapping (`id`, `uri`, `predicates`, `filters`, `order`) or the shortcut
/// string `id=uri, Predicate=…`.
fn route_spec(
    input: &Input<'_>,
    facts: &mut Facts,
    item: &Node,
    index: usize,
    key_id: Option<String>,
) -> Option<RouteSpec> {
    let span = input.node_span(item);
    match &item.value {
        Value::Str(s) => {
            // RouteDefinition(String): `id=uri,Predicate,Predicate…`.
            let Some((id, rest)) = s.split_once('=') else {
                facts.problem(span, format!("route `{s}` is not `id=uri, Predicate…`"));
                return None;
            };
            let mut tokens = rest.split(',').map(str::trim).filter(|t| !t.is_empty());
            let uri = tokens.next().map(|u| (u.to_owned(), span));
            let predicates = tokens.map(|t| gateway::shortcut(t, None, span)).collect();
            Some(RouteSpec {
                id: id.trim().to_owned(),
                origin: format!("Spring Cloud Gateway route {}", id.trim()),
                uri,
                predicates,
                filters: Vec::new(),
                order: 0,
                rule_span: span,
            })
        }
        Value::Map(_) => {
            let id = item
                .get("id")
                .and_then(Node::scalar_text)
                .or(key_id)
                .unwrap_or_else(|| format!("#{}", index + 1));
            let uri = item
                .get("uri")
                .and_then(|n| Some((n.scalar_text()?, input.node_span(n))));
            let predicates = item
                .get("predicates")
                .map(|n| defs(input, facts, n, "predicates"))
                .unwrap_or_default();
            let filters = item
                .get("filters")
                .map(|n| defs(input, facts, n, "filters"))
                .unwrap_or_default();
            let order = match item.get("order") {
                None => 0,
                Some(n) => match n.as_i64() {
                    Some(o) => o,
                    None => {
                        facts.problem(input.node_span(n), "route `order` must be an integer");
                        0
                    }
                },
            };
            Some(RouteSpec {
                origin: format!("Spring Cloud Gateway route {id}"),
                id,
                uri,
                predicates,
                filters,
                order,
                rule_span: span,
            })
        }
        Value::Null => None,
        _ => {
            facts.problem(
                span,
                format!(
                    "a gateway route must be a mapping, found {}",
                    item.type_name()
                ),
            );
            None
        }
    }
}

/// A scalar's span without its quotes.
fn value_span(input: &Input<'_>, n: &Node) -> Span {
    let raw = input.text.get(n.range.start..n.range.end).unwrap_or("");
    let quoted = raw.len() >= 2
        && (raw.starts_with('\'') && raw.ends_with('\'')
            || raw.starts_with('"') && raw.ends_with('"'));
    if quoted {
        input.span(n.range.start + 1, n.range.end - 1)
    } else {
        input.node_span(n)
    }
}

/// A list of predicates or filters.
fn defs(input: &Input<'_>, facts: &mut Facts, node: &Node, what: &str) -> Vec<Def> {
    let Some(items) = input.list_field(facts, "gateway route", what, Some(node)) else {
        return Vec::new();
    };
    items.iter().filter_map(|n| def(input, facts, n)).collect()
}

fn def(input: &Input<'_>, facts: &mut Facts, node: &Node) -> Option<Def> {
    let span = input.node_span(node);
    match &node.value {
        Value::Str(s) => {
            let raw = input
                .text
                .get(node.range.start..node.range.end)
                .unwrap_or("");
            let at = if raw == s {
                Some(node.range.start)
            } else if raw.len() >= 2 && raw.get(1..raw.len() - 1) == Some(s.as_str()) {
                Some(node.range.start + 1)
            } else {
                None
            };
            Some(gateway::shortcut(s, at, span))
        }
        Value::Map(_) => {
            let Some(name) = node.get("name").and_then(Node::scalar_text) else {
                facts.problem(span, "a predicate or filter needs a `name`");
                return None;
            };
            let mut args = Vec::new();
            match node.get("args").map(|a| &a.value) {
                Some(Value::Map(entries)) => {
                    for (k, v) in entries {
                        let key = k.scalar_text();
                        match &v.value {
                            Value::Seq(list) => {
                                for x in list {
                                    if let Some(t) = x.scalar_text() {
                                        args.push((key.clone(), t, value_span(input, x)));
                                    }
                                }
                            }
                            _ => {
                                if let Some(t) = v.scalar_text() {
                                    args.push((key, t, value_span(input, v)));
                                }
                            }
                        }
                    }
                }
                Some(Value::Seq(list)) => {
                    for x in list {
                        if let Some(t) = x.scalar_text() {
                            args.push((None, t, value_span(input, x)));
                        }
                    }
                }
                _ => {}
            }
            Some(Def { name, args, span })
        }
        _ => {
            facts.problem(
                span,
                format!(
                    "a predicate or filter must be a string or a mapping, found {}",
                    node.type_name()
                ),
            );
            None
        }
    }
}

/// Zuul (Spring Cloud Netflix): `zuul.routes.<name>` with `path`, `serviceId`/`url`,
/// `stripPrefix`; `zuul.prefix` and the global `zuul.stripPrefix`. Routes are tried in
/// declaration order; the matched path drops `zuul.prefix` and the route's own prefix (the
/// part of `path` before its first `*`).
fn read_zuul(input: &Input<'_>, doc: &Node, suffix: &str, order: &mut u32, facts: &mut Facts) {
    let Some(zuul) = lookup(doc, &["zuul"]) else {
        return;
    };
    let prefix = lookup(zuul, &["prefix"])
        .and_then(Node::scalar_text)
        .map(|p| p.trim().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let strip_global = lookup(zuul, &["strip-prefix"])
        .and_then(Node::as_bool)
        .unwrap_or(true);
    let Some(routes) = lookup(zuul, &["routes"]).and_then(Node::as_map) else {
        return;
    };
    for (k, v) in routes {
        let Some(name) = k.scalar_text() else {
            continue;
        };
        let span = input.node_span(v);
        let (path_node, service, url, strip) = match &v.value {
            Value::Str(_) => (Some(v), None, None, true),
            Value::Map(_) => (
                lookup(v, &["path"]),
                lookup(v, &["service-id"]).and_then(Node::scalar_text),
                lookup(v, &["url"]).and_then(|n| Some((n.scalar_text()?, input.node_span(n)))),
                lookup(v, &["strip-prefix"])
                    .and_then(Node::as_bool)
                    .unwrap_or(true),
            ),
            _ => {
                facts.problem(
                    span,
                    format!("zuul route `{name}` must be a path or a mapping"),
                );
                continue;
            }
        };
        let (path, path_span) = match path_node.and_then(|n| Some((n.scalar_text()?, n))) {
            Some((p, n)) => (p, input.node_span(n)),
            // ZuulRoute without a path: `/<name>/**`.
            None => (format!("/{name}/**"), input.node_span(k)),
        };
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let full = format!("{prefix}{path}");
        let mut n = 0;
        if strip_global && !prefix.is_empty() {
            n += segments(&prefix);
        }
        if strip && let Some(star) = path.find('*') {
            let route_prefix = &path[..star.saturating_sub(1)];
            n += segments(route_prefix);
        }
        let (target, url_path) = match (&url, &service) {
            (Some((u, uspan)), _) => {
                let p = u
                    .split_once("://")
                    .and_then(|(_, r)| r.find('/').map(|i| r[i..].to_owned()))
                    .unwrap_or_default();
                (
                    gateway::target(u, *uspan),
                    p.trim_end_matches('/').to_owned(),
                )
            }
            (None, Some(s)) => (
                Target::Forward {
                    host: s.clone(),
                    port: None,
                    span,
                },
                String::new(),
            ),
            // Without serviceId or url the route's name is the service id.
            (None, None) => (
                Target::Forward {
                    host: name.clone(),
                    port: None,
                    span: input.node_span(k),
                },
                String::new(),
            ),
        };
        let stripped: String = full
            .split('/')
            .filter(|s| !s.is_empty())
            .take(n)
            .map(|s| format!("/{s}"))
            .collect();
        let rewrite = match (n, url_path.is_empty()) {
            (0, true) => None,
            (0, false) => Some(Rewrite::PrefixPath(url_path)),
            (n, true) => Some(Rewrite::StripSegments(n)),
            (_, false) => Some(Rewrite::ReplacePrefixSegments {
                prefix: stripped,
                with: url_path,
            }),
        };
        let matcher = match gateway::path_pattern(&full, false) {
            Ok(p) => PathMatch::Template {
                pattern: p,
                ignore_case: false,
            },
            Err(_) => match PathMatch::regex(&ant_regex(&full)) {
                Some(m) => m,
                None => {
                    facts.problem(path_span, format!("zuul path `{full}` does not parse"));
                    continue;
                }
            },
        };
        facts.routes.push(RouteFact {
            owner: Owner::File,
            table: gateway::TABLE.to_owned(),
            origin: format!("Zuul route {name}{suffix}"),
            order: *order,
            matcher,
            methods: crate::model::method::MethodSet::Any,
            rewrite_span: rewrite.as_ref().map(|_| span),
            rewrite,
            target,
            span: path_span,
            rule_span: span,
            hosts: Vec::new(),
            gateways: Vec::new(),
            dialect: Dialect::SpringGateway,
            priority: Some(0),
            conditional: false,
        });
        *order += 1;
    }
}

fn segments(p: &str) -> usize {
    p.split('/').filter(|s| !s.is_empty()).count()
}

/// An Ant pattern (`/a/**/b`, `*.json`, `{id}`) as a regex, for the shapes a PathPattern
/// cannot hold.
fn ant_regex(p: &str) -> String {
    let mut re = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '{' => {
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                }
                re.push_str("[^/]+");
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re
}

#[cfg(test)]
mod tests;
