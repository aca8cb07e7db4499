//! `dead-route`: a route no client call passes through (with `--coverage`).

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// An edge, gateway or mesh route that none of the repository's client calls passes
    /// through. Reported only when coverage is asked for (`routelint check --coverage`,
    /// `routelint coverage`), as information.
    ///
    /// ## Why it matters
    /// A route nobody uses is either dead configuration (left behind by a migration, and a
    /// place where the next prefix change will be forgotten) or a route for clients this
    /// repository does not contain. Either way it is worth knowing.
    ///
    /// ## Example
    /// ```yaml
    /// - match: [{uri: {prefix: /shop/admin/}}]   # no frontend call starts with /shop/admin/
    ///   route: [{destination: {host: admin}}]
    /// ```
    ///
    /// ## Fix
    /// Remove the route, or accept it as serving clients outside the repository.
    pub struct DeadRoute {
        name: "dead-route",
        code: "RL201",
        severity: Info,
        status: None,
        title: "Route reached by no client call",
    }
}

impl Check for DeadRoute {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(cov) = &cx.coverage else { return };
        for rid in &cov.dead_routes {
            let route = cx.graph.route(*rid);
            let comp = &cx.graph.component(route.component).name;
            out.push(cx.place_finding(
                &Self::META,
                Label {
                    span: route.fact.span,
                    message: "no client call reaches this route".to_owned(),
                },
                format!("route {} of {} is reached by no client call", route.fact.matcher, route.fact.origin),
                format!(
                    "No client call in the repository passes through this route of {comp} ({}, {}).",
                    route.fact.matcher, route.fact.methods
                ),
            ));
        }
    }
}
