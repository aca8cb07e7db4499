//! `unresolved-endpoint`: endpoints a service's code registers at paths routelint could not
//! read, so users see which routes were not checked.

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A route a service's code registers whose path routelint cannot read statically: a
    /// prefix from a setting without a default, a constant of another file, a router built by
    /// a function, a regex path.
    ///
    /// ## Why it matters
    /// Unknown is not wrong: routelint does not guess the path. But the service may answer
    /// requests its endpoint table does not show, so a 404 predicted at that service says so in
    /// a note, and the endpoint itself is listed here with the reason.
    ///
    /// ## Example
    /// ```python
    /// app.include_router(router, prefix=settings.API_PREFIX)  # no default in Settings
    /// ```
    ///
    /// ## Fix
    /// Nothing is wrong. To have the routes checked, give the prefix a literal default or a
    /// module constant, or describe the service with an OpenAPI document.
    pub struct UnresolvedEndpoint {
        name: "unresolved-endpoint",
        code: "RL902",
        severity: Info,
        status: None,
        title: "Endpoint path could not be read",
    }
}

impl Check for UnresolvedEndpoint {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for c in &cx.graph.components {
            for (span, why) in &c.unresolved_endpoints {
                out.push(cx.place_finding(
                    &Self::META,
                    Label {
                        span: *span,
                        message: "not checked".to_owned(),
                    },
                    format!("an endpoint of {} could not be read", c.name),
                    format!("{why}."),
                ));
            }
        }
    }
}
