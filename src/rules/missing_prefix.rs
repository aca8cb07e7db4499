//! `missing-prefix`: the client path lacks a prefix every matching route has.

use crate::finding::{Finding, Fix, Label};
use crate::rules::diagnose::Cause;
use crate::rules::{
    context::Context, context::Site, fix::replace_in_source, rule::Check, rule::declare_rule,
};

declare_rule! {
    /// ## What it finds
    /// A client call whose path matches no route at some hop, but would match if a prefix
    /// were added in front of it (or put in place of the prefix it has): `GET /api/posts`
    /// while the edge only routes `/blog/api/`.
    ///
    /// ## Why it breaks requests
    /// Routers match on the path the client sends. When a team moves an API under a new
    /// prefix (`/api` → `/blog/api`) and one client keeps the old one, every request from it
    /// falls through the routing table and gets 404, while each layer looks right on its own.
    ///
    /// ## Example
    /// ```js
    /// fetch('/api/posts')                 // frontend/src/api.js
    /// ```
    /// ```yaml
    /// - match: [{uri: {prefix: /blog/api/}}]   # deploy/virtualservice.yaml
    ///   route: [{destination: {host: api-gateway}}]
    /// ```
    ///
    /// ## Fix
    /// Call the path with the prefix (`/blog/api/posts`), or add a route for the old prefix
    /// that rewrites it to the new one. The help line names the corrected path and where it
    /// ends up.
    pub struct MissingPrefix {
        name: "missing-prefix",
        code: "RL101",
        severity: Error,
        status: Some(404),
        title: "Client path is missing a route prefix",
    }
}

impl Check for MissingPrefix {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::MissingPrefix { prefix, replaced } = &link.cause else {
                continue;
            };
            let at = cx.describe(hop.component);
            let message = format!("{request} will get 404 at {at}");
            let fixed = d.client_fix().unwrap_or_else(|| link.after.clone());
            let origin = link
                .failed
                .hops
                .get(link.hop)
                .and_then(|_| d.mended.hops.get(link.hop))
                .and_then(|h| h.chosen)
                .map(|s| cx.route_origin(s))
                .unwrap_or_else(|| cx.graph.component(hop.component).name.clone());
            let detail = match replaced {
                Some(old) => format!(
                    "{request} matches no rule of {origin}: its routes start with {prefix}, not {old}."
                ),
                None => format!(
                    "{request} matches no rule of {origin}: its routes start with {prefix}."
                ),
            };
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if let Some(step) = d.mended.hops.get(link.hop).and_then(|h| h.chosen) {
                f.related.push(cx.step_label(
                    step,
                    format!("the routes that would catch it start with {prefix}"),
                ));
            }
            let reaches = cx.reached(&d.mended);
            let rest = cx.rest_of_chain(d, link);
            f.help = Some(match (&reaches, rest.is_empty()) {
                (Some(end), true) => format!("call '{fixed}' instead (it reaches {end})"),
                (Some(end), false) => {
                    format!("call '{fixed}' instead (it reaches {end} once the rest is fixed too)")
                }
                (None, _) => format!("call '{fixed}' instead"),
            });
            f.notes.extend(rest);
            let src = cx.text(f.primary.span);
            let old_head = request.path.literal_head();
            let new_head = fixed.literal_head();
            if let Some(replacement) = replace_in_source(src, old_head, new_head) {
                f.fix = Some(Fix {
                    description: format!("call {fixed}"),
                    replacement: Some(replacement),
                });
            }
            if let Some(end) = d.mended.hops.last().and_then(|h| h.chosen)
                && d.mended.outcome.is_success()
                && let super::super::sim::Step::Endpoint(_) = end
            {
                f.related
                    .push(cx.step_label(end, format!("{} serves it", cx.describe_step(end))));
            }
            dedup_labels(&mut f.related);
            out.push(f);
        }
    }
}

/// Drops labels that point at the same span twice.
pub(super) fn dedup_labels(labels: &mut Vec<Label>) {
    let mut seen = Vec::new();
    labels.retain(|l| {
        if seen.contains(&l.span) {
            false
        } else {
            seen.push(l.span);
            true
        }
    });
}
