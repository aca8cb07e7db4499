//! `not-problem-details`: an error response that is not RFC 9457 problem details, under the
//! `errors = "problem-details"` policy.

use crate::finding::{Finding, Label};
use crate::model::errors::{describe, is_problem_details};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// With `errors = "problem-details"` in routelint.toml (off otherwise): an error response
    /// a service declares, or a hop's own 404/405 answer installed by a handler, that is not
    /// `application/problem+json` with `type`, `title` and `status` (RFC 9457).
    ///
    /// ## Why it breaks requests
    /// A system that promised one error format has clients that parse only that format; every
    /// other body is an error the client cannot explain to its user.
    ///
    /// ## Example
    /// ```yaml
    /// '404':
    ///   content:
    ///     application/json:
    ///       schema: {required: [message]}
    /// ```
    ///
    /// ## Fix
    /// Answer `application/problem+json` with at least `type`, `title` and `status` (Spring:
    /// `spring.mvc.problemdetails.enabled=true` / `ProblemDetail`; FastAPI: an exception
    /// handler returning problem details).
    pub struct NotProblemDetails {
        name: "not-problem-details",
        code: "RL403",
        severity: Info,
        status: None,
        title: "Error response is not RFC 9457 problem details",
    }
}

impl Check for NotProblemDetails {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !cx.options.problem_details {
            return;
        }
        for c in &cx.graph.components {
            let mut stated = c.errors.declared.clone();
            if let Some(m) = &c.errors.miss
                && let crate::model::errors::AnswerOrigin::Handler(span) = &m.origin
            {
                stated.push((m.body.clone(), *span));
            }
            for (body, span) in &stated {
                if is_problem_details(body) {
                    continue;
                }
                let mut f = cx.place_finding(
                    &Self::META,
                    Label {
                        span: *span,
                        message: describe(body),
                    },
                    format!("{} answers errors as {}, not problem details", c.name, describe(body)),
                    format!(
                        "The policy `errors = \"problem-details\"` asks for application/problem+json with type, title and status; {} declares {} here.",
                        c.name,
                        describe(body)
                    ),
                );
                f.help = Some(
                    "answer `application/problem+json` with `type`, `title` and `status`"
                        .to_owned(),
                );
                out.push(f);
            }
        }
    }
}
