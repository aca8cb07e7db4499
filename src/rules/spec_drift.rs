//! `spec-drift`: a component's OpenAPI document and its code disagree about its operations.
//! Compares the endpoints of each component by source; reads the graph only.

use crate::finding::{Finding, Label};
use crate::model::graph::Endpoint;
use crate::model::method::Method;
use crate::model::path::{PatSeg, Pattern};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};
use crate::sources::facts::Dialect;

declare_rule! {
    /// ## What it finds
    /// A component whose endpoints are described twice, by an OpenAPI document and by its
    /// code (Spring controllers), where the two disagree: an operation in the document that no
    /// handler serves, or a handler that the document does not list. Reported as information
    /// at the spec's path key and at the handler's annotation.
    ///
    /// ## Why it matters
    /// Clients, gateways and generated SDKs are built from the document; the service answers
    /// from its code. An operation only in the document gets 404 or 405 from the service; a
    /// handler only in code is invisible to whoever reads the document. routelint routes with
    /// both (their union) unless `routelint.toml` picks one for the component, so a drift may
    /// hide a failure the other source would show.
    ///
    /// ## Example
    /// ```yaml
    /// paths:
    ///   /owners/{ownerId}/pets/{petId}:
    ///     delete: {}                 # no @DeleteMapping serves it
    /// ```
    /// ```java
    /// @GetMapping("/owners/*/pets/{petId}")
    /// public PetDetails findPet(@PathVariable int petId) { ... }
    /// ```
    ///
    /// ## Fix
    /// Add the missing handler or operation, or remove the stale one. Paths compare by shape:
    /// parameter names do not matter, and a literal base path on one side only (a context
    /// path, a `servers` URL) is allowed. To route with one source only, set
    /// `[components.NAME] endpoints = "openapi"` or `"code"`.
    pub struct SpecDrift {
        name: "spec-drift",
        code: "RL301",
        severity: Info,
        status: None,
        title: "OpenAPI document and code disagree",
    }
}

/// A path as a list of comparable segments: literals, `{}` for any one segment, `{**}` for
/// the rest, and a final `/` for a trailing slash.
fn shape(p: &Pattern) -> Vec<String> {
    let mut out: Vec<String> = p
        .segs
        .iter()
        .map(|s| match s {
            PatSeg::Lit(l) => l.clone(),
            PatSeg::Param(_) => "{}".to_owned(),
            PatSeg::Glob(g) if g == "*" => "{}".to_owned(),
            PatSeg::Glob(g) => g.clone(),
            PatSeg::Rest(_) => "{**}".to_owned(),
        })
        .collect();
    if p.trailing_slash || p.subtree {
        out.push("/".to_owned());
    }
    out
}

/// Whether two shapes name the same path, one possibly under a literal base path the other
/// leaves out (a context path, a `servers` URL path).
fn same_path(a: &[String], b: &[String]) -> bool {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let head = long.len() - short.len();
    long[head..] == *short
        && long[..head]
            .iter()
            .all(|s| !s.starts_with('{') && s != "/" && !s.contains('*'))
}

/// One handler declaration in code: the endpoints sharing an annotation and a path.
struct Handler<'g> {
    endpoints: Vec<&'g Endpoint>,
    methods: Vec<Method>,
}

impl Handler<'_> {
    /// A mapping without a method answers them all.
    fn any_method(&self) -> bool {
        Method::ANY_HANDLED.iter().all(|m| self.methods.contains(m))
    }
}

impl Check for SpecDrift {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (ci, comp) in cx.graph.components.iter().enumerate() {
            let eps: Vec<&Endpoint> = comp
                .endpoints
                .iter()
                .map(|e| cx.graph.endpoint(*e))
                .filter(|e| e.component.0 == ci)
                .collect();
            let spec: Vec<&Endpoint> = eps
                .iter()
                .copied()
                .filter(|e| e.fact.dialect == Dialect::OpenApi)
                .collect();
            let code: Vec<&Endpoint> = eps
                .iter()
                .copied()
                .filter(|e| matches!(e.fact.dialect, Dialect::Framework(_)))
                .collect();
            if spec.is_empty() || code.is_empty() {
                continue;
            }
            let mut handlers: Vec<Handler<'_>> = Vec::new();
            for e in &code {
                match handlers.iter_mut().find(|h| {
                    h.endpoints[0].fact.method_span == e.fact.method_span
                        && h.endpoints[0].fact.pattern == e.fact.pattern
                }) {
                    Some(h) => {
                        h.endpoints.push(e);
                        h.methods.push(e.fact.method);
                    }
                    None => handlers.push(Handler {
                        endpoints: vec![e],
                        methods: vec![e.fact.method],
                    }),
                }
            }
            let name = &comp.name;
            // Operations of the document that no handler serves.
            for op in &spec {
                let s = shape(&op.fact.pattern);
                let at_path: Vec<&Handler<'_>> = handlers
                    .iter()
                    .filter(|h| same_path(&shape(&h.endpoints[0].fact.pattern), &s))
                    .collect();
                if at_path
                    .iter()
                    .any(|h| h.any_method() || h.methods.contains(&op.fact.method))
                {
                    continue;
                }
                let (m, p) = (op.fact.method, &op.fact.pattern);
                let mut f = cx.place_finding(
                    &Self::META,
                    Label {
                        span: op.fact.span,
                        message: format!("{m} is documented here"),
                    },
                    format!("{m} {p} is in the OpenAPI document of {name} but no handler in its code serves it"),
                    format!(
                        "The OpenAPI document of {name} lists {m} {p}; none of its handlers in code maps that method and path, so the service answers it with 404 or 405."
                    ),
                );
                for h in at_path.iter().take(3) {
                    let fact = &h.endpoints[0].fact;
                    f.related.push(Label {
                        span: fact.method_span,
                        message: format!(
                            "the handler of this path serves {}",
                            crate::model::method::list(&h.methods)
                        ),
                    });
                }
                f.help = Some(format!(
                    "add a handler for {m} {p}, or remove the operation from the document"
                ));
                out.push(f);
            }
            // Handlers the document does not list.
            for h in &handlers {
                let fact = &h.endpoints[0].fact;
                let s = shape(&fact.pattern);
                let ops: Vec<&&Endpoint> = spec
                    .iter()
                    .filter(|o| same_path(&shape(&o.fact.pattern), &s))
                    .collect();
                let missing: Vec<Method> = if h.any_method() {
                    if ops.is_empty() {
                        h.methods.clone()
                    } else {
                        Vec::new()
                    }
                } else {
                    h.methods
                        .iter()
                        .copied()
                        .filter(|m| !ops.iter().any(|o| o.fact.method == *m))
                        .collect()
                };
                if missing.is_empty() {
                    continue;
                }
                let what = if h.any_method() {
                    "every method".to_owned()
                } else {
                    crate::model::method::list(&missing)
                };
                let p = &fact.pattern;
                let head = if h.any_method() {
                    format!("{p} (every method)")
                } else {
                    format!("{what} {p}")
                };
                let mut f = cx.place_finding(
                    &Self::META,
                    Label {
                        span: fact.method_span,
                        message: "not in the OpenAPI document".to_owned(),
                    },
                    format!("{head} is handled in the code of {name} but missing from its OpenAPI document"),
                    format!(
                        "A handler of {name} serves {what} on {p}; the OpenAPI document of {name} has no such operation, so clients built from the document do not know it."
                    ),
                );
                let mut seen: Vec<crate::source_file::Span> = Vec::new();
                for o in &ops {
                    if seen.contains(&o.fact.span) {
                        continue;
                    }
                    seen.push(o.fact.span);
                    let methods: Vec<Method> = ops
                        .iter()
                        .filter(|x| x.fact.span == o.fact.span)
                        .map(|x| x.fact.method)
                        .collect();
                    f.related.push(Label {
                        span: o.fact.span,
                        message: format!(
                            "the document lists {} for this path",
                            crate::model::method::list(&methods)
                        ),
                    });
                }
                f.help = Some(format!(
                    "document {head} in the OpenAPI file, or remove the handler"
                ));
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: &str) -> Vec<String> {
        shape(&crate::sources::service::spring_mvc::pattern(p).expect("pattern"))
    }

    #[test]
    fn paths_compare_by_shape_with_an_optional_literal_base() {
        let cases = [
            ("/owners/{ownerId}", "/owners/{id}", true),
            (
                "/owners/*/pets/{petId}",
                "/owners/{ownerId}/pets/{petId}",
                true,
            ),
            ("/api/owners", "/owners", true),
            ("/owners", "/api/owners", true),
            ("/owners/", "/owners", false),
            ("/owners/{id}", "/owners", false),
            ("/{x}/owners", "/owners", false),
            ("/owners/pets", "/owners/{id}", false),
        ];
        for (a, b, want) in cases {
            assert_eq!(same_path(&s(a), &s(b)), want, "{a} vs {b}");
        }
    }
}
