//! Reads Gateway API `Gateway` and `HTTPRoute` objects (gateway.networking.k8s.io v1, v1beta1)
//! into edge components and routes. Knows the resources' shape, not whether they are right.
//!
//! Semantics kept (semantics.md, and the Gateway API spec's HTTPRouteRule docs): a rule without
//! `matches` means `PathPrefix /`; a match without `path` means `PathPrefix /`; `PathPrefix` is
//! segment-wise; `Exact` is exact; `RegularExpression` is implementation-specific (read as a
//! full-match RE2 here); precedence across every route of a Gateway is Exact, then the longest
//! prefix, then a method match (the simulator's most-specific policy); `URLRewrite`
//! `ReplacePrefixMatch` replaces whole segments; a route whose `parentRefs` name no Gateway of
//! the repository binds nothing.

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::k8s::object::Object;
use crate::sources::{
    facts::ComponentFact, facts::ComponentKind, facts::Dialect, facts::Facts, facts::Owner,
    facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::Node;

/// A `Gateway` is an edge component; HTTPRoutes attach to it through `parentRefs`.
pub fn gateway(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(name) = obj.name else { return };
    let mut hosts = Vec::new();
    let listeners = obj.node.at(&["spec", "listeners"]);
    if let Some(l) = listeners
        && l.as_seq().is_none()
        && !l.is_null()
    {
        facts.problem(
            input.node_span(l),
            format!(
                "Gateway `{name}`: `listeners` must be a list, found {}",
                l.type_name()
            ),
        );
    }
    for l in listeners.and_then(Node::as_seq).unwrap_or_default() {
        if let Some(h) = l.get("hostname").and_then(Node::as_str)
            && !hosts.iter().any(|x| x == h)
        {
            hosts.push(h.to_owned());
        }
    }
    let mut aliases = Vec::new();
    if let Some(ns) = obj.namespace {
        aliases.push(format!("{ns}/{name}"));
    }
    facts.components.push(ComponentFact {
        name: name.to_owned(),
        kind: ComponentKind::GatewayApi,
        aliases,
        hosts,
        span: input.node_span(obj.anchor()),
    });
}

/// An `HTTPRoute`: one route per match of every rule, bound to its parent Gateways.
pub fn http_route(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let name = obj.display_name();
    let what = format!("HTTPRoute `{name}`");
    let Some(spec) = obj.spec(input, facts, &what) else {
        return;
    };
    let parents: Vec<String> = input
        .list(facts, &what, spec, "parentRefs")
        .iter()
        .filter_map(|p| {
            let n = p.get("name").and_then(Node::as_str)?;
            // A parentRef of another kind (a Service: GAMMA mesh routing) is not a Gateway.
            let kind = p.get("kind").and_then(Node::as_str).unwrap_or("Gateway");
            if kind != "Gateway" {
                return None;
            }
            Some(
                match p.get("namespace").and_then(Node::as_str).or(obj.namespace) {
                    Some(ns) => format!("{ns}/{n}"),
                    None => n.to_owned(),
                },
            )
        })
        .collect();
    let hosts: Vec<String> = input
        .list(facts, &what, spec, "hostnames")
        .iter()
        .filter_map(|h| h.as_str().map(str::to_owned))
        .collect();
    let mut order = 0u32;
    for (i, rule) in input.list(facts, &what, spec, "rules").iter().enumerate() {
        if rule.as_map().is_none() {
            facts.problem(
                input.node_span(rule),
                format!(
                    "{what}: `rules[{i}]` must be a mapping, found {}",
                    rule.type_name()
                ),
            );
            continue;
        }
        let (target, rewrite_filter) = action(input, facts, &what, rule);
        let matches = input.list(facts, &what, rule, "matches");
        let entries: Vec<Option<&Node>> = if matches.is_empty() {
            vec![None]
        } else {
            matches.iter().map(Some).collect()
        };
        for m in entries {
            let Some((matcher, span)) = path_match(input, facts, &what, rule, m) else {
                continue;
            };
            let Some(methods) = method(input, facts, &what, m) else {
                continue;
            };
            let (rewrite, rewrite_span) = match &rewrite_filter {
                Some((Filter::Prefix(with), span)) => match &matcher {
                    PathMatch::SegmentPrefix { prefix, .. } => (
                        Some(Rewrite::ReplacePrefixSegments {
                            prefix: prefix.clone(),
                            with: with.clone(),
                        }),
                        Some(*span),
                    ),
                    _ => {
                        facts.problem(
                            *span,
                            format!("{what}: `ReplacePrefixMatch` needs a `PathPrefix` match"),
                        );
                        (None, None)
                    }
                },
                Some((Filter::Full(with), span)) => {
                    (Some(Rewrite::ReplaceFull(with.clone())), Some(*span))
                }
                None => (None, None),
            };
            facts.routes.push(RouteFact {
                owner: Owner::File,
                table: name.to_owned(),
                origin: format!("HTTPRoute {name}"),
                order,
                matcher,
                methods,
                rewrite,
                rewrite_span,
                target: target.clone(),
                span,
                rule_span: input.node_span(rule),
                hosts: hosts.clone(),
                gateways: parents.clone(),
                dialect: Dialect::GatewayApi,
                priority: None,
                conditional: m.is_some_and(|m| {
                    ["headers", "queryParams"].iter().any(|k| {
                        m.get(k)
                            .and_then(Node::as_seq)
                            .is_some_and(|l| !l.is_empty())
                    })
                }),
            });
            order += 1;
        }
    }
}

enum Filter {
    Prefix(String),
    Full(String),
}

/// Where the rule sends requests and its path rewrite, if any.
fn action(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    rule: &Node,
) -> (Target, Option<(Filter, Span)>) {
    let mut rewrite = None;
    let mut redirect = false;
    for f in input.list(facts, what, rule, "filters") {
        match f.get("type").and_then(Node::as_str) {
            Some("URLRewrite") => {
                let Some(path) = f.at(&["urlRewrite", "path"]) else {
                    continue;
                };
                let span = input.node_span(path);
                match path.get("type").and_then(Node::as_str) {
                    Some("ReplacePrefixMatch") => {
                        let with = path.get("replacePrefixMatch").and_then(Node::as_str).unwrap_or("");
                        rewrite = Some((Filter::Prefix(with.to_owned()), span));
                    }
                    Some("ReplaceFullPath") => {
                        let with = path.get("replaceFullPath").and_then(Node::as_str).unwrap_or("/");
                        rewrite = Some((Filter::Full(with.to_owned()), span));
                    }
                    _ => facts.problem(span, format!("{what}: unknown `urlRewrite.path.type` (expected ReplacePrefixMatch or ReplaceFullPath)")),
                }
            }
            Some("RequestRedirect") => redirect = true,
            _ => {}
        }
    }
    if redirect {
        return (
            Target::Opaque {
                why: "the rule answers with a redirect".to_owned(),
            },
            None,
        );
    }
    let backend = input
        .list(facts, what, rule, "backendRefs")
        .iter()
        .find(|b| {
            b.get("kind")
                .and_then(Node::as_str)
                .is_none_or(|k| k == "Service")
        });
    let target = match backend.and_then(|b| b.get("name").map(|n| (b, n))) {
        Some((b, n)) => match n.as_str() {
            Some(host) => {
                let port = b.get("port").and_then(Node::as_i64);
                if let Some(p) = port.filter(|p| !(1..=65535).contains(p)) {
                    facts.problem(
                        input.node_span(b),
                        format!("{what}: backend port {p} is out of range"),
                    );
                }
                Target::Forward {
                    host: host.to_owned(),
                    port: port.and_then(|p| u16::try_from(p).ok()),
                    span: input.node_span(n),
                }
            }
            None => Target::Opaque {
                why: "the backend name is not a string".to_owned(),
            },
        },
        None => Target::Opaque {
            why: "the rule has no Service backend".to_owned(),
        },
    };
    (target, rewrite)
}

/// The path part of a match (`PathPrefix /` when absent), and the span to point at.
fn path_match(
    input: Input<'_>,
    facts: &mut Facts,
    what: &str,
    rule: &Node,
    m: Option<&Node>,
) -> Option<(PathMatch, Span)> {
    let Some(path) = m.and_then(|m| m.get("path")) else {
        let span = m
            .map(|m| input.node_span(m))
            .unwrap_or_else(|| input.node_span(rule));
        return Some((
            PathMatch::SegmentPrefix {
                prefix: "/".to_owned(),
                ignore_case: false,
            },
            span,
        ));
    };
    let span = input.node_span(path);
    let kind = path
        .get("type")
        .and_then(Node::as_str)
        .unwrap_or("PathPrefix");
    let value = match path.get("value") {
        None => "/",
        Some(v) => match v.as_str() {
            Some(s) => s,
            None => {
                facts.problem(
                    input.node_span(v),
                    format!(
                        "{what}: `path.value` must be a string, found {}",
                        v.type_name()
                    ),
                );
                return None;
            }
        },
    };
    if kind != "RegularExpression"
        && (!value.starts_with('/') || value.contains(['[', ']', '?', '#', '%']) && kind == "Exact")
    {
        facts.problem(
            span,
            format!("{what}: `{value}` is not a valid {kind} path"),
        );
        return None;
    }
    match kind {
        "Exact" => Some((
            PathMatch::Exact {
                path: value.to_owned(),
                ignore_case: false,
            },
            span,
        )),
        "PathPrefix" => Some((
            PathMatch::SegmentPrefix {
                prefix: value.to_owned(),
                ignore_case: false,
            },
            span,
        )),
        "RegularExpression" => match PathMatch::regex(value) {
            Some(m) => Some((m, span)),
            None => {
                facts.problem(
                    span,
                    format!("{what}: `{value}` is not a valid regular expression"),
                );
                None
            }
        },
        other => {
            facts.problem(span, format!("{what}: unknown path match type `{other}` (expected Exact, PathPrefix or RegularExpression)"));
            None
        }
    }
}

/// `method: GET` narrows a match; an unknown method is a problem.
fn method(input: Input<'_>, facts: &mut Facts, what: &str, m: Option<&Node>) -> Option<MethodSet> {
    let Some(node) = m.and_then(|m| m.get("method")) else {
        return Some(MethodSet::Any);
    };
    match node.as_str().and_then(Method::parse) {
        Some(method) => Some(MethodSet::only([method])),
        None => {
            facts.problem(
                input.node_span(node),
                format!("{what}: `method` must be an HTTP method"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {

    use crate::sources::{facts::Facts, facts::Target, k8s};

    fn run(text: &str) -> Facts {
        k8s::extract(crate::sources::testing::test_input(
            "deploy/routes.yaml",
            text,
        ))
    }

    const ROUTE: &str = r#"apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: infra
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    hostname: shop.example.com
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: shop
spec:
  parentRefs:
  - name: public
    namespace: infra
  hostnames: ["shop.example.com"]
  rules:
  - matches:
    - path: {type: Exact, value: /shop/health}
    backendRefs:
    - name: catalog
      port: 8080
  - matches:
    - path: {type: PathPrefix, value: /shop/api}
      method: GET
    filters:
    - type: URLRewrite
      urlRewrite:
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /}
    backendRefs:
    - name: catalog
      port: 8080
  - backendRefs:
    - name: web
      port: 80
"#;

    #[test]
    fn http_route_rules_become_routes_bound_to_their_gateway() {
        let f = run(ROUTE);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| {
                format!(
                    "{} | {} | {:?} | {:?}",
                    r.matcher,
                    r.methods,
                    r.rewrite.as_ref().map(|w| w.to_string()),
                    r.gateways
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "exact /shop/health | any method | None | [\"infra/public\"]",
                "path prefix /shop/api | GET | Some(\"replace prefix /shop/api with /\") | [\"infra/public\"]",
                "path prefix / | any method | None | [\"infra/public\"]",
            ]
        );
        assert!(
            matches!(&f.routes[1].target, Target::Forward { host, port: Some(8080), .. } if host == "catalog")
        );
        assert_eq!(f.components[0].name, "public");
        assert_eq!(f.components[0].aliases, ["infra/public"]);
        let f = run(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules:\n  - matches: [{path: {type: Exact, value: /a}}]\n    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]\n    backendRefs: [{name: b}]\n",
        );
        assert_eq!(
            f.problems[0].message,
            "HTTPRoute `x`: `ReplacePrefixMatch` needs a `PathPrefix` match"
        );
    }

    #[test]
    fn header_and_query_matches_make_a_route_conditional() {
        let f = run(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules:\n  - matches:\n    - path: {type: PathPrefix, value: /a}\n      headers: [{name: x-beta, value: \"1\"}]\n    - path: {type: PathPrefix, value: /a}\n    backendRefs: [{name: b}]\n",
        );
        let flags: Vec<bool> = f.routes.iter().map(|r| r.conditional).collect();
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn invalid_resources_are_problems_not_panics() {
        let bad = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules:\n  - matches:\n    - method: NOTREAL\n    - path: {type: Exact, value: \"/[]\"}\n    - path: {type: Bogus, value: /a}\n    backendRefs: [{name: b, port: 800080}]\n";
        let f = run(bad);
        assert_eq!(f.problems.len(), 4, "{:?}", f.problems);
        assert!(f.routes.is_empty());
        let f = run(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules: {}\n",
        );
        assert_eq!(f.problems.len(), 1);
    }
}
