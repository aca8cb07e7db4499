//! `unreachable-endpoint`: an endpoint no request from the edge can reach (with `--coverage`).

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A service endpoint that no request entering at the edge can reach through the routes
    /// of the repository, whatever path it is sent with. Reported only when coverage is asked
    /// for (`routelint check --coverage`, `routelint coverage`), as information.
    ///
    /// ## Why it matters
    /// An orphan endpoint is either internal on purpose (then fine) or cut off by a routing
    /// change: a prefix route removed, a rewrite that no longer produces its path. Routes are
    /// inverted hop by hop and the result confirmed by tracing it forwards; where a rewrite
    /// cannot be inverted the endpoint counts as reachable.
    ///
    /// ## Example
    /// ```yaml
    /// paths:
    ///   /metrics:            # metrics-service: no VirtualService or gateway routes to it
    /// ```
    ///
    /// ## Fix
    /// Route to it, or leave it internal and ignore the finding.
    pub struct UnreachableEndpoint {
        name: "unreachable-endpoint",
        code: "RL202",
        severity: Info,
        status: None,
        title: "Endpoint unreachable from the edge",
    }
}

impl Check for UnreachableEndpoint {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(cov) = &cx.coverage else { return };
        for eid in &cov.orphans {
            let ep = cx.graph.endpoint(*eid);
            let comp = &cx.graph.component(ep.component).name;
            out.push(cx.place_finding(
                &Self::META,
                Label {
                    span: ep.fact.span,
                    message: "nothing routes here".to_owned(),
                },
                format!("{} {} of {comp} is reachable from no edge route", ep.fact.method, ep.fact.pattern),
                format!(
                    "No request entering at the edge reaches {comp} {} {} through the routes of this repository.",
                    ep.fact.method, ep.fact.pattern
                ),
            ));
        }
    }
}
