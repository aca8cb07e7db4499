//! `double-slash`: a rewrite produces `//` and the next hop matches nothing.

use crate::finding::{Finding, Label};
use crate::model::path::Rewrite;
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A request whose path leaves a rewrite with `//` in it, or without its leading `/`, and
    /// then matches nothing: Istio `prefix: /api` with `rewrite: {uri: /}` turns `/api/x` into
    /// `//x` (Envoy's `prefix_rewrite` and Gateway API implementations with
    /// `ReplacePrefixMatch: /` have done the same); Go `http.StripPrefix("/api/", h)` turns
    /// `/api/x` into `x`. A Gateway API rule with `ReplacePrefixMatch: /` that calls go through
    /// gets a warning: the spec says `/foo/bar` becomes `/bar`, some implementations send
    /// `//bar`.
    ///
    /// ## Why it breaks requests
    /// A prefix rewrite replaces exactly the matched characters. Without the prefix's own
    /// slash the remainder keeps its leading `/`, and `/` + `/x` is `//x`, which services
    /// match as an empty first segment: 404.
    ///
    /// ## Example
    /// ```yaml
    /// - match: [{uri: {prefix: /blog/comment-api}}]
    ///   rewrite: {uri: /}
    /// ```
    ///
    /// ## Fix
    /// Match the prefix with its slash (`prefix: /blog/comment-api/`) and rewrite to `/`, plus
    /// an `exact: /blog/comment-api` rule for the bare path.
    pub struct DoubleSlash {
        name: "double-slash",
        code: "RL105",
        severity: Error,
        status: Some(404),
        title: "A rewrite produces a double slash",
    }
}

impl Check for DoubleSlash {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::DoubleSlash { route, lost_slash } = &link.cause else {
                continue;
            };
            let at = cx.describe(hop.component);
            let message = format!("{request} reaches {at} as {} and will get 404", link.before);
            let detail = if *lost_slash {
                format!(
                    "{} arrives at {at} without its leading slash; it would match as {}.",
                    link.before, link.after
                )
            } else {
                format!(
                    "{} arrives at {at} with a double slash; it would match as {}.",
                    link.before, link.after
                )
            };
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if let Some(rid) = route {
                let rt = cx.graph.route(*rid);
                let span = rt.fact.rewrite_span.unwrap_or(rt.fact.rule_span);
                f.related.push(Label {
                    span,
                    message: if *lost_slash {
                        format!(
                            "{} takes the leading slash with it",
                            rt.fact
                                .rewrite
                                .as_ref()
                                .map(|w| w.to_string())
                                .unwrap_or_default()
                        )
                    } else {
                        format!(
                            "rewrites the matched `{}` to this, keeping the next slash",
                            rt.fact.matcher.prefix().unwrap_or("prefix")
                        )
                    },
                });
                if let (true, Some(Rewrite::StripPrefix(p))) = (*lost_slash, &rt.fact.rewrite) {
                    f.help = Some(format!(
                        "strip `{}` instead (without the trailing slash), so the path keeps its leading `/`",
                        p.trim_end_matches('/')
                    ));
                }
                if let (Some(prefix), Some(Rewrite::ReplaceMatched(to))) =
                    (rt.fact.matcher.prefix(), &rt.fact.rewrite)
                {
                    let p = prefix.trim_end_matches('/');
                    let to = if to.ends_with('/') {
                        to.clone()
                    } else {
                        format!("{to}/")
                    };
                    f.help = Some(match rt.fact.dialect {
                        crate::sources::facts::Dialect::Envoy => format!(
                            "match `prefix: \"{p}/\"` with `prefix_rewrite: \"{to}\"`, and add a `path: \"{p}\"` route for the bare path"
                        ),
                        _ => format!(
                            "match `prefix: {p}/` with `rewrite: {{uri: {to}}}`, and add an `exact: {p}` rule for the bare path"
                        ),
                    });
                }
            }
            if let Some(step) = d.mended.hops.get(link.hop).and_then(|h| h.chosen) {
                f.related
                    .push(cx.step_label(step, format!("matches {}", link.after)));
            }
            f.notes.extend(cx.rest_of_chain(d, link));
            out.push(f);
        }
        replace_prefix_with_root(cx, out);
    }
}

/// Gateway API `ReplacePrefixMatch: /` is specified to give `/bar` for `/foo/bar`, but
/// several implementations have produced `//bar` (semantics.md): a risk worth a warning, once
/// per rule that client calls go through, with one of those calls as the example.
fn replace_prefix_with_root(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for r in &cx.results {
        if cx.duplicated(r) {
            continue;
        }
        let Some(t) = &r.trace else { continue };
        let Some((hop, rid)) = t.hops.iter().find_map(|h| match h.chosen {
            Some(crate::sim::Step::Route(rid)) => match &cx.graph.route(rid).fact.rewrite {
                Some(Rewrite::ReplacePrefixSegments { with, .. }) if with == "/" => Some((h, rid)),
                _ => None,
            },
            _ => None,
        }) else {
            continue;
        };
        if seen.contains(&rid) {
            continue;
        }
        seen.push(rid);
        let route = cx.graph.route(rid);
        let out_path = hop
            .path_out
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default();
        let mut f = cx.place_finding(
            &DoubleSlash::META,
            Label {
                span: route.fact.rewrite_span.unwrap_or(route.fact.rule_span),
                message: format!("the spec says {out_path}; some implementations send /{out_path}"),
            },
            format!("ReplacePrefixMatch `/` of {} may produce a double slash", route.fact.origin),
            format!(
                "The Gateway API specifies that ReplacePrefixMatch `/` turns {} into {out_path}, but several implementations have produced /{out_path}.",
                hop.path_in
            ),
        );
        f.severity = crate::finding::Severity::Warning;
        f.status = None;
        f.related.push(Label {
            span: cx.graph.call(r.call).fact.span,
            message: "a request through it".to_owned(),
        });
        f.help = Some(
            "nothing to change if your implementation passes the HTTPRouteRewritePath conformance test; otherwise rewrite with ReplaceFullPath or a non-root replacement".to_owned(),
        );
        out.push(f);
    }
}
