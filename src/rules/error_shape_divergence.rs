//! `error-shape-divergence`: services one client reaches declare error bodies that client cannot
//! read alike.

use super::error_shapes::{agrees, names, reference, services};
use crate::finding::{Finding, Label};
use crate::model::errors::describe;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// Services reached by the same client whose OpenAPI documents declare error responses of
    /// different shapes: another media type (`application/problem+json` against `text/plain`),
    /// or JSON objects with no required member in common (`{message, code}` against
    /// `{detail}`). The JSON shape most services declare is the reference (problem details
    /// on a tie); each service that declares none compatible with it is reported at its
    /// declaration. Services that declare only plain text or HTML give no reference.
    ///
    /// ## Why it breaks requests
    /// A frontend parses error bodies one way. When one service answers in another shape, its
    /// errors surface as "undefined" messages or a JSON parse failure in the error handler,
    /// exactly when the user needs to see what went wrong.
    ///
    /// ## Example
    /// ```yaml
    /// # blog-service/openapi.yaml          # media-service/openapi.yaml
    /// '404':                               '404':
    ///   content:                             content:
    ///     application/problem+json: ...        text/plain: ...
    /// ```
    ///
    /// ## Fix
    /// Answer errors in the shared shape (RFC 9457 problem details is a good one), or declare
    /// the shape the service really returns so the client can handle both.
    pub struct ErrorShapeDivergence {
        name: "error-shape-divergence",
        code: "RL401",
        severity: Warning,
        status: None,
        title: "Services declare different error shapes",
    }
}

impl Check for ErrorShapeDivergence {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let services = services(cx);
        if services.len() < 2 {
            return;
        }
        let Some(reference) = reference(cx, &services) else {
            return;
        };
        for &s in &services {
            if agrees(cx, s, &reference.body) {
                continue;
            }
            let c = cx.graph.component(s);
            let Some((body, span)) = c.errors.declared.first() else {
                continue;
            };
            let mut f = cx.place_finding(
                &Self::META,
                Label {
                    span: *span,
                    message: format!("{} declares {}", c.name, describe(body)),
                },
                format!(
                    "{} answers errors as {}, unlike {}",
                    c.name,
                    describe(body),
                    names(cx, &reference.agreeing)
                ),
                format!(
                    "{} declares its errors as {}; {} declare{} {}. A client written against one shape cannot read the other.",
                    c.name,
                    describe(body),
                    names(cx, &reference.agreeing),
                    if reference.agreeing.len() == 1 { "s" } else { "" },
                    describe(&reference.body)
                ),
            );
            f.related.push(Label {
                span: reference.span,
                message: format!(
                    "the shape most services declare: {}",
                    describe(&reference.body)
                ),
            });
            for (other, other_span) in c.errors.declared.iter().skip(1) {
                f.related.push(Label {
                    span: *other_span,
                    message: format!("{} also declares {}", c.name, describe(other)),
                });
            }
            f.help = Some(format!(
                "answer {}'s errors as {} (or declare the shape it really returns)",
                c.name,
                describe(&reference.body)
            ));
            out.push(f);
        }
    }
}
