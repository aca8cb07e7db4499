//! `no-route`: no route or endpoint matches, and no small change would make one match.

use crate::finding::Finding;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};
use crate::sim::{Miss, Outcome, Step};

declare_rule! {
    /// ## What it finds
    /// A request that matches no route or endpoint at some hop, where no near miss explains
    /// it (no missing prefix, strip, slash, case or method difference): `GET /blog/api/tags`
    /// when no layer knows `tags` at all.
    ///
    /// ## Why it breaks requests
    /// The request is answered 404 by the first hop that has no route for it. Often an
    /// endpoint was renamed or removed on one side only.
    ///
    /// ## Example
    /// ```js
    /// fetch('/blog/api/tags')
    /// ```
    ///
    /// ## Fix
    /// Add the route or endpoint, or call one that exists; the closest existing path is
    /// suggested when there is one.
    pub struct NoRoute {
        name: "no-route",
        code: "RL107",
        severity: Error,
        status: Some(404),
        title: "No route matches the request",
    }
}

impl Check for NoRoute {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in &cx.results {
            if r.diagnosis.is_some()
                || crate::rules::nginx_slash::claims(cx.graph, r)
                || cx.duplicated(r)
            {
                continue;
            }
            let (Some(t), Some(request)) = (&r.trace, &r.request) else {
                continue;
            };
            let Outcome::NotFound(miss) = &t.outcome else {
                continue;
            };
            let Some(hop) = t.last_hop() else { continue };
            let at = cx.describe(hop.component);
            let message = format!("{request} will get 404 at {at}");
            let detail = match miss {
                Miss::NoMatch => format!("No route or endpoint of {at} matches {}.", hop.path_in),
                Miss::StripRejected(rid) => format!(
                    "{} matches {}, but its StripPrefix does not find its prefix in {}.",
                    hop.path_in,
                    cx.graph.route(*rid).fact.origin,
                    hop.path_in
                ),
            };
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if let Miss::StripRejected(rid) = miss {
                f.related.push(crate::finding::Label {
                    span: cx.graph.route(*rid).fact.rule_span,
                    message: "strips a prefix the path does not have".to_owned(),
                });
            }
            if let Some(prev) = t.hops.len().checked_sub(2).and_then(|i| t.hops.get(i))
                && let Some(step) = prev.chosen
            {
                f.related.push(cx.step_label(
                    step,
                    format!("sends it to {}", cx.graph.component(hop.component).name),
                ));
            }
            if let Some(Step::Route(r)) = t
                .hops
                .len()
                .checked_sub(2)
                .and_then(|i| t.hops.get(i))
                .and_then(|h| h.chosen)
                && let crate::model::path::PathMatch::StringPrefix { prefix, .. } =
                    &cx.graph.route(r).fact.matcher
                && super::prefix_overmatch::mid_segment(
                    prefix,
                    t.hops[t.hops.len() - 2].path_in.literal_head(),
                )
            {
                f.notes.push(format!(
                    "the string prefix {prefix} caught it mid-segment (prefix-overmatch): it was probably meant for another route"
                ));
            }
            // An unbound route that would have caught it explains an empty edge.
            if cx.graph.component(hop.component).role == crate::model::graph::Role::Edge
                && let Some(u) = cx.graph.unbound_routes.iter().find(|u| {
                    u.matcher
                        .matches_read(&hop.path_in, None, crate::model::path::Reading::Definite)
                        .matched()
                })
            {
                f.related.push(crate::finding::Label {
                    span: u.span,
                    message: format!(
                        "would catch it, but {} is bound to {}, which does not exist",
                        u.origin,
                        u.gateways.join(", ")
                    ),
                });
            }
            if let Some(note) = rewrite_note(cx, t) {
                f.notes.push(note);
            }
            if let Some(note) = unstripped_note(cx, t) {
                f.notes.push(note);
            }
            if let Some(step) = closest(
                cx,
                hop.component,
                hop.table.as_deref(),
                &hop.path_in.to_string(),
            ) {
                f.related
                    .push(cx.step_label(step, "the closest path there".to_owned()));
                f.help = Some(format!("did you mean {}?", cx.describe_step(step)));
            }
            out.push(f);
        }
    }
}

/// When the previous hop rewrote the path, say into what: a rewrite that loses the path is
/// the usual cause (ingress-nginx `rewrite-target: /` without capture groups).
fn rewrite_note(cx: &Context<'_>, t: &crate::sim::Trace) -> Option<String> {
    let k = t.hops.len().checked_sub(1)?;
    let prev = t.hops.get(k.checked_sub(1)?)?;
    let Some(Step::Route(r)) = prev.chosen else {
        return None;
    };
    let route = cx.graph.route(r);
    let rewrite = route.fact.rewrite.as_ref()?;
    let out = prev.path_out.as_ref()?;
    if *out == prev.path_in {
        return None;
    }
    let mut note = format!(
        "{} rewrites {} to {out} ({rewrite})",
        route.fact.origin, prev.path_in
    );
    if let crate::model::path::Rewrite::RegexReplace { with, .. } = rewrite
        && !with.contains('$')
        && route.fact.dialect == crate::sources::facts::Dialect::Ingress
    {
        note.push_str(
            "; a rewrite-target without capture groups replaces the whole path: since ingress-nginx 0.22 write `path: /prefix(/|$)(.*)` with `rewrite-target: /$2`",
        );
    }
    Some(note)
}

/// When the previous hop forwarded its prefix unchanged, say that stripping it would not help
/// either, so the user does not chase the wrong fix.
fn unstripped_note(cx: &Context<'_>, t: &crate::sim::Trace) -> Option<String> {
    let k = t.hops.len().checked_sub(1)?;
    let prev = t.hops.get(k.checked_sub(1)?)?;
    let Some(Step::Route(r)) = prev.chosen else {
        return None;
    };
    let route = cx.graph.route(r);
    if route.fact.rewrite.is_some() {
        return None;
    }
    let prefix = route.fact.matcher.literal_prefix()?;
    let prefix = prefix.trim_end_matches('/');
    let path = &t.hops[k].path_in;
    if prefix.is_empty()
        || path.starts_with_str(&format!("{prefix}/"), false) != crate::model::path::Tri::Yes
    {
        return None;
    }
    let stripped = path.replace_head(prefix.len(), "")?;
    let service = &cx.graph.component(t.hops[k].component).name;
    Some(format!(
        "{} forwards {prefix} unchanged, but even with it stripped {service} has no {stripped}",
        cx.graph.component(route.component).name
    ))
}

/// The route or endpoint whose path is most like `path`, if any is close.
fn closest(
    cx: &Context<'_>,
    c: crate::model::graph::ComponentId,
    table: Option<&str>,
    path: &str,
) -> Option<Step> {
    let mut best: Option<(usize, Step)> = None;
    for step in cx.sim.steps_of(c, table) {
        let text = match step {
            Step::Endpoint(e) => cx.graph.endpoint(*e).fact.pattern.to_string(),
            Step::Route(r) => match cx.graph.route(*r).fact.matcher.literal_prefix() {
                Some(p) => p,
                None => continue,
            },
        };
        // Close means a typo or a plural away: a few edits, not a shared prefix.
        let distance = strsim::levenshtein(path, &text);
        let allowed = (path.chars().count() / 5).max(2);
        if distance <= allowed && best.as_ref().is_none_or(|(d, _)| distance < *d) {
            best = Some((distance, *step));
        }
    }
    best.map(|(_, s)| s)
}
