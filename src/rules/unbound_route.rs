//! `unbound-route`: a VirtualService or HTTPRoute bound to a gateway that does not exist.

use crate::finding::{Finding, Label};
use crate::model::graph::Role;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// An Istio VirtualService whose `gateways:`, or a Gateway API HTTPRoute whose
    /// `parentRefs`, name no Gateway in the repository: its routes are attached to nothing.
    ///
    /// ## Why it breaks requests
    /// The edge only uses routes bound to it. A gateway renamed (a kustomize `namePrefix`, a
    /// namespace move, a typo) leaves the routes in the cluster but serving no traffic: every
    /// request they were meant for gets 404 at the edge, and nothing logs why.
    ///
    /// ## Example
    /// ```yaml
    /// kind: VirtualService
    /// spec:
    ///   gateways: [blog/edge]      # the Gateway is called blog-gateway
    /// ```
    ///
    /// ## Fix
    /// Name an existing Gateway (`namespace/name` or `name`), or add the Gateway.
    pub struct UnboundRoute {
        name: "unbound-route",
        code: "RL108",
        severity: Error,
        status: Some(404),
        title: "Route bound to a gateway that does not exist",
    }
}

impl Check for UnboundRoute {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let gateways: Vec<&str> = cx
            .graph
            .components
            .iter()
            .filter(|c| c.role == Role::Edge)
            .map(|c| c.name.as_str())
            .collect();
        // One finding per resource: its first route stands for the others.
        let mut seen: Vec<&str> = Vec::new();
        for r in &cx.graph.unbound_routes {
            if seen.contains(&r.origin.as_str()) {
                continue;
            }
            seen.push(&r.origin);
            let missing: Vec<&str> = r
                .gateways
                .iter()
                .map(String::as_str)
                .filter(|g| *g != "mesh")
                .collect();
            let count = cx
                .graph
                .unbound_routes
                .iter()
                .filter(|x| x.origin == r.origin)
                .count();
            // The reference is what is wrong: point at the gateway's name in `gateways:` when
            // it is written in the same document before the route, else at the route.
            let at = missing
                .first()
                .and_then(|g| reference_span(cx, r.span, g))
                .unwrap_or(r.span);
            let mut f = cx.place_finding(
                &Self::META,
                Label {
                    span: at,
                    message: "names a gateway that does not exist; the routes serve no traffic"
                        .to_owned(),
                },
                format!("{} is bound to a gateway that does not exist ({})", r.origin, missing.join(", ")),
                format!(
                    "{} names {}, which no Gateway of the repository is; {} nothing, and requests for {} get 404 at the edge.",
                    r.origin,
                    missing.join(", "),
                    if count == 1 { "its route serves".to_owned() } else { format!("its {count} routes serve") },
                    if count == 1 { "it" } else { "them" }
                ),
            );
            let wanted = missing
                .first()
                .map(|g| g.rsplit('/').next().unwrap_or(g))
                .unwrap_or("");
            let best = gateways
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(wanted, a).total_cmp(&strsim::jaro_winkler(wanted, b))
                })
                .filter(|b| strsim::jaro_winkler(wanted, b) > 0.8);
            f.help = match best {
                Some(b) => Some(format!("did you mean the Gateway `{b}`?")),
                None if !gateways.is_empty() => Some(format!(
                    "the repository's gateways: {}",
                    gateways.join(", ")
                )),
                None => None,
            };
            out.push(f);
        }
    }
}

/// Where `gateway` is written as a list item or flow entry in the YAML document holding
/// `route`, before it (`gateways:\n  - titanium-gateway`, `gateways: [titanium-gateway]`).
fn reference_span(
    cx: &Context<'_>,
    route: crate::source_file::Span,
    gateway: &str,
) -> Option<crate::source_file::Span> {
    let text = cx.sources.get(route.file)?.text.as_str();
    let end = (route.start as usize).min(text.len());
    let doc_start = text[..end].rfind("\n---").map_or(0, |i| i + 4);
    let doc = text.get(doc_start..end)?;
    let key = doc.rfind("gateways:")?;
    let after = &doc[key..];
    let mut from = 0;
    while let Some(i) = after[from..].find(gateway).map(|i| i + from) {
        let before = after[..i].chars().next_back();
        let next = after[i + gateway.len()..].chars().next();
        let bounded = |c: Option<char>| {
            c.is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '"' | '\'' | ',' | '[' | ']'))
        };
        if bounded(before) && bounded(next) {
            let start = doc_start + key + i;
            return Some(crate::source_file::Span::new(
                route.file,
                start,
                start + gateway.len(),
            ));
        }
        from = i + gateway.len();
    }
    None
}
