//! Spring Cloud Gateway routes declared in Java with `RouteLocatorBuilder`:
//! `builder.routes().route("id", r -> r.path("/api/**").and().method("GET")
//! .filters(f -> f.stripPrefix(1)).uri("lb://x")).build()`. The predicates and filters become
//! the same definitions the configuration reader produces
//! ([`crate::sources::jvm::spring_config::gateway`]), so both follow one set of gateway semantics. Kotlin's DSL is not read. Syntax errors are
//! left to the Spring MVC reader of the same file.

use tree_sitter::Node;

use crate::source_file::Span;
use crate::sources::jvm::spring_config::gateway::{self, Def, RouteSpec};
use crate::sources::{facts::Facts, input::Input};

/// A value routelint cannot read statically (a constant, a concatenation): marked as a
/// placeholder so the gateway rules treat it as unknown, never as a path.
const UNKNOWN: &str = "${java-expression}";

/// Reads the `RouteLocatorBuilder` routes of one Java file.
pub fn extract(input: Input<'_>) -> Facts {
    crate::sources::jvm::java::read_with(input, &[read])
}

/// Reads the `RouteLocatorBuilder` routes of one parsed Java file.
pub fn read(input: Input<'_>, root: Node<'_>, facts: &mut Facts) {
    if !input.text.contains(".route(") {
        return;
    }
    let mut specs = Vec::new();
    collect(&input, root, &mut specs);
    for (i, spec) in specs.iter_mut().enumerate() {
        if spec.id.is_empty() {
            spec.id = format!("#{}", i + 1);
            spec.origin = format!("RouteLocatorBuilder route {}", spec.id);
        }
    }
    for (order, spec) in specs.iter().enumerate() {
        let (routes, problems) = gateway::route_facts(spec, order as u32, None);
        facts.routes.extend(routes);
        for (span, m) in problems {
            facts.problem(span, m);
        }
    }
}

/// Every `.route(…)` call whose last argument is a lambda, in source order.
fn collect(input: &Input<'_>, node: Node<'_>, out: &mut Vec<RouteSpec>) {
    if node.kind() == "method_invocation"
        && name_of(input, node) == Some("route")
        && let Some(spec) = route(input, node)
    {
        // Routes nest in the builder chain: `routes().route(a).route(b)`; the inner one
        // (declared first) is visited first below.
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            collect(input, child, out);
        }
        out.push(spec);
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect(input, child, out);
    }
}

fn name_of<'a>(input: &Input<'a>, call: Node<'_>) -> Option<&'a str> {
    let n = call.child_by_field_name("name")?;
    input.text.get(n.byte_range())
}

fn args<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    let Some(list) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

fn span(input: &Input<'_>, n: Node<'_>) -> Span {
    input.span(n.start_byte(), n.end_byte())
}

/// A call from its method name to its closing parenthesis (`path("/a")` of `r.path("/a")`).
fn call_span(input: &Input<'_>, c: Node<'_>) -> Span {
    let start = c
        .child_by_field_name("name")
        .map(|n| n.start_byte())
        .unwrap_or(c.start_byte());
    input.span(start, c.end_byte())
}

/// A Java argument as text: a string literal unescaped (its span inside the quotes), a number,
/// `HttpMethod.GET` as `GET`; anything else unknown.
fn value(input: &Input<'_>, n: Node<'_>) -> (String, Span) {
    let raw = input.text.get(n.byte_range()).unwrap_or("");
    match n.kind() {
        "string_literal" if raw.len() >= 2 && !raw.starts_with("\"\"\"") => {
            let inner = &raw[1..raw.len() - 1];
            let mut s = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(o) => s.push(o),
                        None => {}
                    }
                } else {
                    s.push(c);
                }
            }
            (s, input.span(n.start_byte() + 1, n.end_byte() - 1))
        }
        "true" | "false" => (raw.to_owned(), span(input, n)),
        "decimal_integer_literal" | "unary_expression" if raw.parse::<i64>().is_ok() => {
            (raw.to_owned(), span(input, n))
        }
        "field_access" => {
            let field = n
                .child_by_field_name("field")
                .and_then(|f| input.text.get(f.byte_range()))
                .unwrap_or(UNKNOWN);
            (field.to_owned(), span(input, n))
        }
        _ => (UNKNOWN.to_owned(), span(input, n)),
    }
}

/// The calls of a lambda's method chain, first call first: `r.path(…).and().uri(…)` →
/// `[path, and, uri]`.
fn chain<'t>(input: &Input<'_>, lambda: Node<'t>) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    let Some(mut cur) = lambda.child_by_field_name("body") else {
        return out;
    };
    // A block body: `{ return r.path(…)…; }`.
    if cur.kind() == "block" {
        let mut cursor = cur.walk();
        let ret = cur
            .named_children(&mut cursor)
            .find(|c| c.kind() == "return_statement");
        match ret.and_then(|r| r.named_child(0)) {
            Some(e) => cur = e,
            None => return out,
        }
    }
    while cur.kind() == "method_invocation" {
        if let Some(name) = name_of(input, cur) {
            out.push((name.to_owned(), cur));
        }
        match cur.child_by_field_name("object") {
            Some(o) => cur = o,
            None => break,
        }
    }
    out.reverse();
    out
}

fn route(input: &Input<'_>, call: Node<'_>) -> Option<RouteSpec> {
    let a = args(call);
    let lambda = *a.last().filter(|l| l.kind() == "lambda_expression")?;
    let id = match a.first() {
        Some(n) if a.len() > 1 => value(input, *n).0,
        // Numbered once every route of the file is known (inner calls come first).
        _ => String::new(),
    };
    let mut spec = RouteSpec {
        origin: format!("RouteLocatorBuilder route {id}"),
        id,
        uri: None,
        predicates: Vec::new(),
        filters: Vec::new(),
        order: 0,
        rule_span: span(input, call),
    };
    for (name, c) in chain(input, lambda) {
        let vals: Vec<(Option<String>, String, Span)> = args(c)
            .into_iter()
            .map(|n| {
                let (v, s) = value(input, n);
                (None, v, s)
            })
            .collect();
        let def = |n: &str| Def {
            name: n.to_owned(),
            args: vals.clone(),
            span: call_span(input, c),
        };
        match name.as_str() {
            "and" | "alwaysTrue" => {}
            "path" => {
                // `path(false, "/a/{x}")`: the leading boolean is matchTrailingSlash.
                let mut d = def("Path");
                if let Some(first) = d.args.first_mut()
                    && (first.1 == "true" || first.1 == "false")
                {
                    first.0 = Some("matchTrailingSlash".to_owned());
                }
                spec.predicates.push(d)
            }
            "method" => spec.predicates.push(def("Method")),
            "host" => spec.predicates.push(def("Host")),
            "uri" => spec.uri = vals.first().map(|(_, v, s)| (v.clone(), *s)),
            "order" => {
                spec.order = vals
                    .first()
                    .and_then(|(_, v, _)| v.parse().ok())
                    .unwrap_or(0)
            }
            "id" => {
                if let Some((_, v, _)) = vals.first() {
                    spec.origin = format!("RouteLocatorBuilder route {v}");
                    spec.id = v.clone();
                }
            }
            "metadata" => {}
            "filters" => {
                if let Some(l) = args(c)
                    .into_iter()
                    .find(|n| n.kind() == "lambda_expression")
                {
                    for (fname, fc) in chain(input, l) {
                        let fvals: Vec<(Option<String>, String, Span)> = args(fc)
                            .into_iter()
                            .map(|n| {
                                let (v, s) = value(input, n);
                                (None, v, s)
                            })
                            .collect();
                        let fname = match fname.as_str() {
                            "stripPrefix" => "StripPrefix",
                            "rewritePath" => "RewritePath",
                            "prefixPath" => "PrefixPath",
                            "setPath" => "SetPath",
                            _ => continue,
                        };
                        spec.filters.push(Def {
                            name: fname.to_owned(),
                            args: fvals,
                            span: call_span(input, fc),
                        });
                    }
                }
            }
            // header, query, cookie, weight, remoteAddr, after, before, between, readBody,
            // predicate, or, negate…: conditions a call's text does not show.
            other => spec.predicates.push(def(other)),
        }
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::PathMatch;

    use crate::sources::facts::Target;

    const JAVA: &str = r#"
package org.springframework.samples.petclinic.api;

@Configuration
public class GatewayConfig {
    @Bean
    public RouteLocator routes(RouteLocatorBuilder builder) {
        return builder.routes()
            .route("customers", r -> r.path("/api/customer/**", "/api/owners/**")
                .and().method("GET", "POST")
                .filters(f -> f.stripPrefix(2).addRequestHeader("X-Gw", "1"))
                .uri("lb://customers-service"))
            .route("visits", r -> r.order(-1).path("/api/visit/{id}").and().header("X-Beta")
                .filters(f -> f.rewritePath("/api/visit/(?<id>.*)", "/visits/${id}"))
                .uri("http://visits-service:8082"))
            .route(r -> r.host("**.example.org").and().path(PATH)
                .uri(fallbackUri))
            .route("strict", r -> r.path(false, "/strict/{id}").uri("lb://strict"))
            .build();
    }
}
"#;

    #[test]
    fn route_locator_builder_routes() {
        let f = extract(crate::sources::testing::test_input(
            "gw/GatewayConfig.java",
            JAVA,
        ));
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| {
                format!(
                    "{} | {:?} | {} | {} | {} | {:?} | {}{}",
                    r.matcher,
                    r.methods,
                    r.rewrite
                        .as_ref()
                        .map(|x| x.to_string())
                        .unwrap_or("-".into()),
                    match &r.target {
                        Target::Forward { host, .. } => host.clone(),
                        _ => "opaque".into(),
                    },
                    r.origin,
                    r.priority,
                    &JAVA[r.span.start as usize..r.span.end as usize],
                    if r.conditional { " | conditional" } else { "" }
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "/api/customer/{path...} | Only([Get, Post]) | StripPrefix=2 | customers-service | RouteLocatorBuilder route customers | Some(0) | /api/customer/**",
                "/api/owners/{path...} | Only([Get, Post]) | StripPrefix=2 | customers-service | RouteLocatorBuilder route customers | Some(0) | /api/owners/**",
                "/api/visit/{id} | Any | RewritePath=/api/visit/(?<id>.*), /visits/${id} | visits-service | RouteLocatorBuilder route visits | Some(1) | /api/visit/{id} | conditional",
                "any path | Any | - | opaque | RouteLocatorBuilder route #3 | Some(0) | host(\"**.example.org\") | conditional",
                "/strict/{id} | Any | - | strict | RouteLocatorBuilder route strict | Some(0) | /strict/{id}",
            ]
        );
        assert!(matches!(f.routes[3].matcher, PathMatch::Any));
        assert_eq!(f.routes[0].hosts, Vec::<String>::new());
        assert_eq!(f.routes[3].hosts, ["**.example.org"]);
        let lenient: Vec<bool> = f
            .routes
            .iter()
            .filter_map(|r| match &r.matcher {
                PathMatch::Template { pattern, .. } => Some(pattern.lenient_slash),
                _ => None,
            })
            .collect();
        assert_eq!(lenient, [true, true, true, false]);
    }

    #[test]
    fn broken_java_never_panics() {
        for text in [
            "class A { void f() { b.route(",
            "b.route(\"x\", r -> r.path(\"/a/**/b\").uri(\"lb://x\"))",
            "b.route(\"x\", r -> { return r.path(\"\\u00\").uri(1); })",
        ] {
            let _ = extract(crate::sources::testing::test_input("A.java", text));
        }
    }
}
