//! Reads Istio `VirtualService` and `Gateway` objects (networking.istio.io v1alpha3, v1beta1,
//! v1) into routes and edge components. Knows the resources' shape, not whether they are right.
//!
//! Semantics kept (see semantics.md): `http[]` in order, one route per `match` entry (a rule
//! without `match` matches everything); `uri.exact|prefix|regex` with `ignoreUriCase`;
//! `method.exact|regex`; `rewrite.uri` (replaces the matched part) and
//! `rewrite.uriRegexRewrite`; the first `route[].destination` decides the next hop.

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::k8s::object::Object;
use crate::sources::{
    facts::ComponentFact, facts::ComponentKind, facts::Dialect, facts::Facts, facts::Owner,
    facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::Node;

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

/// An Istio `Gateway` is an edge component; VirtualServices bind to it by name.
pub fn gateway(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(name) = obj.name else {
        return;
    };
    let what = format!("Gateway `{name}`");
    let spec = obj.node.get("spec");
    let mut hosts = Vec::new();
    if let Some(servers) =
        input.list_field(facts, &what, "servers", spec.and_then(|s| s.get("servers")))
    {
        for (i, server) in servers.iter().enumerate() {
            if server.as_map().is_some() && server.get("port").is_none() {
                facts.problem(
                    input.node_span(server),
                    format!("{what}: `servers[{i}]` has no `port` (required)"),
                );
            }
            for h in strings(server.get("hosts")) {
                // `ns/host` restricts which namespaces may bind; the host is what matters here.
                let h = h.rsplit('/').next().unwrap_or(&h).to_owned();
                if !hosts.contains(&h) {
                    hosts.push(h);
                }
            }
        }
    }
    let mut aliases = Vec::new();
    if let Some(ns) = obj.namespace {
        aliases.push(format!("{ns}/{name}"));
    }
    if let Some(sel) = spec
        .and_then(|s| s.get("selector"))
        .and_then(|s| s.get("istio"))
        .and_then(Node::as_str)
    {
        aliases.push(format!("istio-{sel}"));
    }
    facts.components.push(ComponentFact {
        name: name.to_owned(),
        kind: ComponentKind::Edge,
        aliases,
        hosts,
        span: input.node_span(obj.anchor()),
    });
}

/// An `EnvoyFilter` that sets a `local_reply_config`: the error body of the proxies it selects
/// (`workloadSelector.labels.istio`, every Istio proxy without a selector).
pub fn envoy_filter(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(spec) = obj.node.get("spec") else {
        return;
    };
    let owner = match spec
        .get("workloadSelector")
        .and_then(|w| w.get("labels"))
        .and_then(|l| l.get("istio"))
        .and_then(Node::as_str)
    {
        Some(sel) => crate::sources::facts::ShapeOwner::Named(format!("istio-{sel}")),
        None => crate::sources::facts::ShapeOwner::EveryIstioProxy,
    };
    if let Some(shape) = crate::sources::errors::local_reply::shape(input, spec, owner) {
        facts.error_shapes.push(shape);
    }
}

/// A `VirtualService`'s HTTP rules become routes, one per match entry, in order.
pub fn virtual_service(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let name = obj.display_name();
    let what = format!("VirtualService `{name}`");
    let Some(spec) = obj.spec(input, facts, &what) else {
        return;
    };
    let hosts = strings(spec.get("hosts"));
    let mut gateways: Vec<String> = strings(spec.get("gateways"));
    if gateways.is_empty() {
        gateways.push("mesh".to_owned());
    }
    let Some(rules) = input.list_field(facts, &what, "http", spec.get("http")) else {
        return;
    };
    let mut order = 0u32;
    for (i, rule) in rules.iter().enumerate() {
        if rule.as_map().is_none() {
            facts.problem(
                input.node_span(rule),
                format!(
                    "{what}: `http[{i}]` must be a mapping, found {}",
                    rule.type_name()
                ),
            );
            continue;
        }
        let ctx = RuleContext {
            input,
            what: &what,
            vs_name: name,
            hosts: &hosts,
            gateways: &gateways,
            rule,
        };
        let Some((target, rewrite, rewrite_span)) = ctx.action(facts) else {
            continue;
        };
        let matches = input.list_field(facts, &what, "match", rule.get("match"));
        match matches {
            Some(list) if !list.is_empty() => {
                for m in list {
                    if let Some(route) =
                        ctx.route(facts, Some(m), &target, &rewrite, rewrite_span, order)
                    {
                        facts.routes.push(route);
                        order += 1;
                    }
                }
            }
            _ => {
                if let Some(route) = ctx.route(facts, None, &target, &rewrite, rewrite_span, order)
                {
                    facts.routes.push(route);
                    order += 1;
                }
            }
        }
    }
}

struct RuleContext<'a> {
    input: Input<'a>,
    what: &'a str,
    vs_name: &'a str,
    hosts: &'a [String],
    gateways: &'a [String],
    rule: &'a Node,
}

impl RuleContext<'_> {
    /// Where the rule sends requests, and how it rewrites them.
    fn action(&self, facts: &mut Facts) -> Option<(Target, Option<Rewrite>, Option<Span>)> {
        let input = self.input;
        let rule = self.rule;
        let target =
            if let Some(routes) = input.list_field(facts, self.what, "route", rule.get("route")) {
                let dest = routes.iter().find_map(|r| r.get("destination"));
                match dest.and_then(|d| d.get("host")) {
                    Some(h) => match h.as_str() {
                        Some(host) => Target::Forward {
                            host: host.to_owned(),
                            port: dest
                                .and_then(|d| d.at(&["port", "number"]))
                                .and_then(Node::as_i64)
                                .and_then(|p| u16::try_from(p).ok()),
                            span: input.node_span(h),
                        },
                        None => {
                            facts.problem(
                                input.node_span(h),
                                format!(
                                    "{}: `destination.host` must be a string, found {}",
                                    self.what,
                                    h.type_name()
                                ),
                            );
                            return None;
                        }
                    },
                    None => Target::Opaque {
                        why: "the rule's route has no destination host".to_owned(),
                    },
                }
            } else if rule.get("redirect").is_some() {
                Target::Opaque {
                    why: "the rule answers with a redirect".to_owned(),
                }
            } else if rule.get("directResponse").is_some() {
                Target::Serve {
                    handler: "directResponse".to_owned(),
                }
            } else if rule.get("delegate").is_some() {
                Target::Opaque {
                    why: "the rule delegates to another VirtualService".to_owned(),
                }
            } else {
                Target::Opaque {
                    why: "the rule has no route".to_owned(),
                }
            };
        let mut rewrite = None;
        let mut rewrite_span = None;
        if let Some(rw) = rule.get("rewrite") {
            if let Some(uri) = rw.get("uri") {
                match uri.as_str() {
                    Some(u) => {
                        rewrite = Some(Rewrite::ReplaceMatched(u.to_owned()));
                        rewrite_span = Some(input.node_span(uri));
                    }
                    None => facts.problem(
                        input.node_span(uri),
                        format!(
                            "{}: `rewrite.uri` must be a string, found {}",
                            self.what,
                            uri.type_name()
                        ),
                    ),
                }
            } else if let Some(rr) = rw.get("uriRegexRewrite") {
                let m = rr.get("match").and_then(Node::as_str);
                let w = rr.get("rewrite").and_then(Node::as_str);
                match (m, w) {
                    (Some(m), Some(w)) => match regex::Regex::new(m) {
                        Ok(re) => {
                            rewrite = Some(Rewrite::RegexReplace {
                                re,
                                with: w.to_owned(),
                                shown: format!("rewrite {m} → {w}"),
                            });
                            rewrite_span = Some(input.node_span(rr));
                        }
                        Err(_) => facts.problem(
                            input.node_span(rr),
                            format!(
                                "{}: `uriRegexRewrite.match` is not a valid regular expression",
                                self.what
                            ),
                        ),
                    },
                    _ => facts.problem(
                        input.node_span(rr),
                        format!(
                            "{}: `uriRegexRewrite` needs string `match` and `rewrite`",
                            self.what
                        ),
                    ),
                }
            }
        }
        Some((target, rewrite, rewrite_span))
    }

    /// One route for one match entry (`None`: a rule without `match`).
    fn route(
        &self,
        facts: &mut Facts,
        m: Option<&Node>,
        target: &Target,
        rewrite: &Option<Rewrite>,
        rewrite_span: Option<Span>,
        order: u32,
    ) -> Option<RouteFact> {
        let input = self.input;
        let rule_span = input.node_span(self.rule);
        let (matcher, span) = match m.and_then(|m| m.get("uri")) {
            None => (
                PathMatch::Any,
                m.map(|m| input.node_span(m)).unwrap_or_else(|| {
                    self.rule
                        .key("route")
                        .or_else(|| self.rule.as_map().and_then(|e| e.first()).map(|(k, _)| k))
                        .map(|k| input.node_span(k))
                        .unwrap_or(rule_span)
                }),
            ),
            Some(uri) => self.uri_match(facts, m?, uri)?,
        };
        let methods = m
            .and_then(|m| m.get("method"))
            .map(method_set)
            .unwrap_or_default();
        Some(RouteFact {
            owner: Owner::File,
            table: self.vs_name.to_owned(),
            origin: format!("VirtualService {}", self.vs_name),
            order,
            matcher,
            methods,
            rewrite: rewrite.clone(),
            rewrite_span,
            target: target.clone(),
            span,
            rule_span,
            hosts: self.hosts.to_vec(),
            gateways: self.gateways.to_vec(),
            dialect: Dialect::Istio,
            priority: None,
            conditional: m.is_some_and(|m| {
                ["headers", "queryParams", "withoutHeaders"]
                    .iter()
                    .any(|k| {
                        m.get(k)
                            .and_then(Node::as_map)
                            .is_some_and(|e| !e.is_empty())
                    })
            }),
        })
    }

    fn uri_match(&self, facts: &mut Facts, m: &Node, uri: &Node) -> Option<(PathMatch, Span)> {
        let input = self.input;
        let ignore_case = m
            .get("ignoreUriCase")
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let entries = match uri.as_map() {
            Some(e) if !e.is_empty() => e,
            _ => {
                facts.problem(
                    input.node_span(uri),
                    format!(
                        "{}: `uri` must be a mapping with `exact`, `prefix` or `regex`",
                        self.what
                    ),
                );
                return None;
            }
        };
        let (key, value) = &entries[0];
        let span = input.span(key.range.start, value.range.end);
        let Some(text) = value.as_str() else {
            facts.problem(
                input.node_span(value),
                format!(
                    "{}: `uri.{}` must be a string, found {}",
                    self.what,
                    key.as_str().unwrap_or("?"),
                    value.type_name()
                ),
            );
            return None;
        };
        let matcher = match key.as_str() {
            Some("exact") => PathMatch::Exact {
                path: text.to_owned(),
                ignore_case,
            },
            Some("prefix") => PathMatch::StringPrefix {
                prefix: text.to_owned(),
                ignore_case,
            },
            Some("regex") => match PathMatch::regex(text) {
                Some(m) => m,
                None => {
                    facts.problem(
                        input.node_span(value),
                        format!(
                            "{}: `uri.regex` is not a valid regular expression",
                            self.what
                        ),
                    );
                    return None;
                }
            },
            _ => {
                facts.problem(
                    input.node_span(key),
                    format!(
                        "{}: unknown `uri` match kind (expected `exact`, `prefix` or `regex`)",
                        self.what
                    ),
                );
                return None;
            }
        };
        Some((matcher, span))
    }
}

/// `method: {exact: GET}` or `method: {regex: "GET|POST"}`.
fn method_set(node: &Node) -> MethodSet {
    if let Some(m) = node.get("exact").and_then(Node::as_str) {
        return match Method::parse(m) {
            Some(m) => MethodSet::only([m]),
            None => MethodSet::Only(Vec::new()),
        };
    }
    if let Some(re) = node.get("regex").and_then(Node::as_str) {
        let parts: Vec<Option<Method>> = re
            .trim_start_matches('^')
            .trim_end_matches('$')
            .trim_matches(|c| c == '(' || c == ')')
            .split('|')
            .map(Method::parse)
            .collect();
        if parts.iter().all(Option::is_some) {
            return MethodSet::only(parts.into_iter().flatten());
        }
    }
    MethodSet::Any
}

#[cfg(test)]
mod tests {

    use crate::sources::{facts::Facts, facts::Target, k8s};

    const VS: &str = r#"apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: blog-gateway
  namespace: blog
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["blog.example.com"]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: blog-virtualservice
spec:
  hosts: ["blog.example.com"]
  gateways: ["blog-gateway"]
  http:
  - match:
    - uri:
        exact: /blog/api/health
      method:
        exact: GET
    - uri:
        prefix: /blog/api/
    rewrite:
      uri: /
    route:
    - destination:
        host: api-gateway.blog.svc.cluster.local
        port:
          number: 8000
  - route:
    - destination:
        host: frontend
"#;

    fn run(text: &str) -> Facts {
        k8s::extract(crate::sources::testing::test_input("deploy/vs.yaml", text))
    }

    fn slice(text: &str, s: crate::source_file::Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    #[test]
    fn virtual_service_rules_become_ordered_routes() {
        let f = run(VS);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| {
                format!(
                    "{} | {} | {:?}",
                    r.matcher,
                    r.methods,
                    r.rewrite.as_ref().map(|w| w.to_string())
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "exact /blog/api/health | GET | Some(\"rewrite to /\")",
                "prefix /blog/api/ | any method | Some(\"rewrite to /\")",
                "any path | any method | None",
            ]
        );
        assert_eq!(slice(VS, f.routes[1].span), "prefix: /blog/api/");
        assert_eq!(f.routes[0].gateways, ["blog-gateway"]);
        match &f.routes[1].target {
            Target::Forward { host, port, span } => {
                assert_eq!(host, "api-gateway.blog.svc.cluster.local");
                assert_eq!(*port, Some(8000));
                assert_eq!(slice(VS, *span), "api-gateway.blog.svc.cluster.local");
            }
            t => panic!("unexpected target {t:?}"),
        }
        assert_eq!(f.components.len(), 1);
        assert_eq!(f.components[0].name, "blog-gateway");
        assert_eq!(f.components[0].hosts, ["blog.example.com"]);
        assert!(
            f.components[0]
                .aliases
                .contains(&"blog/blog-gateway".to_owned())
        );
    }

    #[test]
    fn wrong_types_are_problems_with_locations() {
        let text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  http: \"nope\"\n";
        let f = run(text);
        assert_eq!(f.problems.len(), 1);
        assert_eq!(slice(text, f.problems[0].span), "\"nope\"");
        assert!(f.problems[0].message.contains("`http` must be a list"));
        let text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  http:\n  - match:\n    - uri: {prefix: 42}\n    route: [{destination: {host: a}}]\n";
        let f = run(text);
        assert_eq!(f.problems.len(), 1);
        assert!(f.routes.is_empty());
    }

    #[test]
    fn regex_and_regex_rewrite() {
        let text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [a]\n  http:\n  - match:\n    - uri: {regex: \"/api/v[0-9]+/.*\"}\n      method: {regex: \"GET|POST\"}\n    rewrite:\n      uriRegexRewrite: {match: \"^/api/v[0-9]+/(.*)\", rewrite: \"/\\\\1\"}\n    route: [{destination: {host: a}}]\n";
        let f = run(text);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes[0].methods.to_string(), "GET, POST");
        assert_eq!(f.routes[0].gateways, ["mesh"]);
    }
}
