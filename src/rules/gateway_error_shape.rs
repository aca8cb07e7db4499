//! `gateway-error-shape`: a gateway or edge answers its own 404/405 in a shape unlike the
//! error shape the services behind it declare.

use super::error_shapes::{names, reference, services};
use crate::finding::{Finding, Label};
use crate::model::errors::{AnswerOrigin, compatible, describe};
use crate::model::graph::{ComponentId, Policy, Role};
use crate::model::path::PathMatch;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A hop client requests pass through (an edge router, a gateway) whose own 404 and 405
    /// answers are not in the JSON shape the services behind it declare for their errors (a
    /// service read from code declares its framework's shape, or its handler's). The hop's
    /// answer comes from a handler found in the repository, or else from the platform's
    /// default: Envoy and Istio answer with an empty body, Spring Cloud Gateway with an empty
    /// body, Go's `http.NotFound` and Traefik with `404 page not found` as text/plain, nginx
    /// with an HTML page.
    ///
    /// ## Why it breaks requests
    /// The frontend's error handling is written against the services' JSON. A request that
    /// misses at the gateway (a renamed route, a missing prefix) comes back as an empty body or
    /// HTML: the client's `response.json()` throws and the user sees a generic failure instead
    /// of "not found", exactly when routing breaks.
    ///
    /// ## Example
    /// ```yaml
    /// # services declare:   application/json {code, message, status}
    /// # api-gateway (Spring Cloud Gateway, no ErrorWebExceptionHandler): 404, empty body
    /// ```
    ///
    /// ## Fix
    /// Make the hop answer misses in the services' shape: a Spring `ErrorWebExceptionHandler`
    /// bean, an Envoy/Istio local reply mapper (`EnvoyFilter` with `local_reply_config`), an
    /// nginx `error_page 404 405` with a JSON body, a Go `NotFound` handler that writes JSON.
    pub struct GatewayErrorShape {
        name: "gateway-error-shape",
        code: "RL402",
        severity: Warning,
        status: None,
        title: "Gateway errors differ from the services' error shape",
    }
}

impl Check for GatewayErrorShape {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let services = services(cx);
        let Some(reference) = reference(cx, &services) else {
            return;
        };
        // Hops client requests pass through, and how many checked calls fail at each.
        let mut hops: Vec<(ComponentId, usize)> = Vec::new();
        for r in &cx.results {
            let Some(t) = &r.trace else { continue };
            let last = t.hops.len().saturating_sub(1);
            for (i, h) in t.hops.iter().enumerate() {
                if cx.graph.component(h.component).role == Role::Service {
                    continue;
                }
                let fails_here = i == last && t.outcome.is_failure();
                match hops.iter_mut().find(|(c, _)| *c == h.component) {
                    Some((_, n)) => *n += usize::from(fails_here),
                    None => hops.push((h.component, usize::from(fails_here))),
                }
            }
        }
        hops.sort();
        for (id, failing) in hops {
            let c = cx.graph.component(id);
            let Some(miss) = &c.errors.miss else { continue };
            if catches_all(cx, id) {
                continue;
            }
            if compatible(&miss.body, &reference.body) {
                continue;
            }
            let (span, origin) = match &miss.origin {
                AnswerOrigin::Handler(span) => (Some(*span), "its handler".to_owned()),
                AnswerOrigin::Default(why) => {
                    (location(cx, id), format!("the platform default: {why}"))
                }
            };
            let Some(span) = span else { continue };
            let who = cx.describe(id);
            let mut f = cx.place_finding(
                &Self::META,
                Label {
                    span,
                    message: format!("answers 404/405 with {}", describe(&miss.body)),
                },
                format!(
                    "{who} answers its own 404/405 with {}, not the services' {}",
                    describe(&miss.body),
                    describe(&reference.body)
                ),
                format!(
                    "Requests that miss at {who} get {} ({origin}), while {} declare{} errors as {}: the client's error handling cannot read them.",
                    describe(&miss.body),
                    names(cx, &reference.agreeing),
                    if reference.agreeing.len() == 1 { "s" } else { "" },
                    describe(&reference.body)
                ),
            );
            f.related.push(Label {
                span: reference.span,
                message: format!("the services' error shape: {}", describe(&reference.body)),
            });
            if failing > 0 {
                f.notes.push(format!(
                    "{failing} checked call{} already fail{} here and get{} this answer",
                    if failing == 1 { "" } else { "s" },
                    if failing == 1 { "s" } else { "" },
                    if failing == 1 { "s" } else { "" }
                ));
            }
            f.help = Some(help(&c.kind, &reference.body));
            out.push(f);
        }
    }
}

/// Whether the hop's entry table sends every path and method somewhere (nginx `location /`
/// proxied to the web server): it never answers a 404/405 of its own.
fn catches_all(cx: &Context<'_>, id: ComponentId) -> bool {
    let c = cx.graph.component(id);
    let Some(table) = c.entry_table().and_then(|t| c.tables.get(t)) else {
        return false;
    };
    table.iter().any(|r| {
        let f = &cx.graph.route(*r).fact;
        let every_path = match &f.matcher {
            PathMatch::Any => true,
            PathMatch::StringPrefix { prefix, .. } | PathMatch::SegmentPrefix { prefix, .. } => {
                prefix.is_empty() || prefix == "/"
            }
            _ => false,
        };
        // nginx keeps server names only as names (server selection is not modelled).
        let every_host = f.hosts.is_empty() || c.policy == Policy::Nginx;
        every_path && f.methods.is_any() && every_host && !f.conditional
    })
}

/// Where to point for a component without a handler: its declaration, else its first route.
fn location(cx: &Context<'_>, id: ComponentId) -> Option<crate::source_file::Span> {
    let c = cx.graph.component(id);
    c.span.or_else(|| {
        c.tables
            .values()
            .flatten()
            .next()
            .map(|r| cx.graph.route(*r).fact.rule_span)
    })
}

/// How to align a router's miss answers, in its own terms.
fn help(kind: &str, body: &crate::sources::facts::ErrorBody) -> String {
    let shape = describe(body);
    match kind {
        "Spring Cloud Gateway" => format!(
            "register an `ErrorWebExceptionHandler` bean (`@Order(-2)`) that writes {shape} for ResponseStatusException 404/405"
        ),
        "Istio gateway" | "Istio sidecar routing" | "Envoy" | "Gateway API gateway" => format!(
            "add an `EnvoyFilter` with `local_reply_config.mappers` matching 404/405 and a `body_format.json_format` in the services' shape ({shape})"
        ),
        "nginx" | "Ingress controller" => format!(
            "`error_page 404 405 = @json_error;` and `location @json_error {{ default_type application/json; return 404 '{{…}}'; }}` with the services' shape ({shape})"
        ),
        "Go ServeMux" | "gorilla/mux" | "chi" | "gin" | "echo" => format!(
            "install a NotFound / MethodNotAllowed handler (a catch-all `/` handler for ServeMux, `r.NotFoundHandler`, `r.NotFound`, `NoRoute`) that writes {shape}"
        ),
        "Kong" => format!(
            "set Kong's `error_template_json` (and `error_default_type = application/json`) to {shape}"
        ),
        "Traefik" => format!(
            "add an `errors` middleware that serves {shape} for 404-405 from a small error service"
        ),
        _ => format!("make it answer misses with {shape}"),
    }
}
