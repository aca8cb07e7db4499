//! `prefix-overmatch`: a string-prefix route without its trailing slash catches more than it
//! means to.

use crate::finding::{Finding, Label};
use crate::model::graph::RouteId;
use crate::model::path::{PathMatch, Tri};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};
use crate::sim::Step;

declare_rule! {
    /// ## What it finds
    /// A string-prefix route whose prefix does not end with `/` (Istio `prefix: /api/users`,
    /// an nginx-style prefix, a Kong path) that catches a path where the prefix ends in the
    /// middle of a segment: a client call to `/api/usersettings`, or another route's
    /// `/api/usersettings` that it shadows. Segment-wise prefixes (Gateway API `PathPrefix`,
    /// Ingress `Prefix`) do not have this problem.
    ///
    /// ## Why it breaks requests
    /// `prefix: /api/users` is a string prefix: it also matches `/api/usersettings`, which is
    /// then sent to the users service (404 there) instead of the route meant for it.
    ///
    /// ## Example
    /// ```yaml
    /// - match: [{uri: {prefix: /api/users}}]       # also catches /api/usersettings
    ///   route: [{destination: {host: users}}]
    /// - match: [{uri: {prefix: /api/usersettings}}]
    ///   route: [{destination: {host: settings}}]
    /// ```
    ///
    /// ## Fix
    /// Match `prefix: /api/users/` plus `exact: /api/users`, or use a segment-wise match.
    pub struct PrefixOvermatch {
        name: "prefix-overmatch",
        code: "RL109",
        severity: Warning,
        status: None,
        title: "String prefix catches paths it was not meant for",
    }
}

/// Whether `path` continues past `prefix` inside the same segment (`/api/users` + `ettings`).
pub(super) fn mid_segment(prefix: &str, path: &str) -> bool {
    path.len() > prefix.len()
        && path.starts_with(prefix)
        && !prefix.ends_with('/')
        && !path[prefix.len()..].starts_with('/')
}

impl Check for PrefixOvermatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (i, route) in cx.graph.routes.iter().enumerate() {
            let PathMatch::StringPrefix {
                prefix,
                ignore_case: false,
            } = &route.fact.matcher
            else {
                continue;
            };
            if prefix.ends_with('/') || prefix.len() <= 1 {
                continue;
            }
            let rid = RouteId(i);
            // A client call caught mid-segment.
            let caught = cx.results.iter().find_map(|r| {
                let t = r.trace.as_ref()?;
                let hop = t.hops.iter().find(|h| h.chosen == Some(Step::Route(rid)))?;
                let p = hop.path_in.literal_head();
                mid_segment(prefix, p).then(|| (r, hop.path_in.to_string()))
            });
            // A later route of the same table it shadows.
            let shadowed = cx
                .graph
                .component(route.component)
                .tables
                .values()
                .find_map(|table| {
                    let pos = table.iter().position(|r| *r == rid)?;
                    table[pos + 1..].iter().copied().find(|other| {
                        let lit = cx
                            .graph
                            .route(*other)
                            .fact
                            .matcher
                            .literal_prefix()
                            .unwrap_or_default();
                        mid_segment(prefix, &lit)
                            && route
                                .fact
                                .matcher
                                .matches(&crate::model::path::ReqPath::literal(&lit))
                                == Tri::Yes
                    })
                });
            let (example, related) = match (&caught, shadowed) {
                (Some((r, path)), _) => (
                    path.clone(),
                    Label {
                        span: cx.graph.call(r.call).fact.span,
                        message: format!("{path} is caught by the {prefix} route"),
                    },
                ),
                (None, Some(other)) => {
                    let o = cx.graph.route(other);
                    (
                        o.fact.matcher.literal_prefix().unwrap_or_default(),
                        Label {
                            span: o.fact.span,
                            message:
                                "this route is shadowed for paths the shorter prefix also matches"
                                    .to_owned(),
                        },
                    )
                }
                (None, None) => continue,
            };
            let mut f = cx.place_finding(
                &Self::META,
                Label {
                    span: route.fact.span,
                    message: format!("a string prefix: it also matches {example}"),
                },
                format!("prefix {prefix} of {} also catches {example}", route.fact.origin),
                format!(
                    "{prefix} is a string prefix without its trailing slash, so {example} matches it mid-segment and goes where {prefix} goes."
                ),
            );
            f.related.push(related);
            f.help = Some(format!("match `{prefix}/` and an exact `{prefix}` instead"));
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mid_segment;

    #[test]
    fn only_a_cut_inside_a_segment_counts() {
        let table = [
            ("/api/users", "/api/usersettings", true),
            ("/api/users", "/api/users/5", false),
            ("/api/users", "/api/users", false),
            ("/api/users/", "/api/users/5", false),
            ("/api", "/apix", true),
        ];
        for (prefix, path, want) in table {
            assert_eq!(mid_segment(prefix, path), want, "{prefix} {path}");
        }
    }
}
