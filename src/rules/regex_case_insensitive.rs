//! `regex-case-insensitive`: ingress-nginx turned an Ingress path into a case-insensitive
//! regex because another Ingress of the same host uses regex paths.

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// An Ingress path that ingress-nginx renders as a case-insensitive regex location
    /// (`location ~* "^/api"`) although its own Ingress asks for nothing of the kind, because
    /// another Ingress of the same host sets `nginx.ingress.kubernetes.io/use-regex` or
    /// `rewrite-target`.
    ///
    /// ## Why it breaks requests
    /// The ingress-nginx docs warn that the regex setting applies to every path of the host.
    /// A `Prefix` `/api` then also matches `/apix` and `/API`, and regex locations are chosen
    /// differently from prefixes, so the route that wins can change when an unrelated team adds
    /// an annotation to their own Ingress.
    ///
    /// ## Example
    /// ```yaml
    /// # Ingress a (host shop.example.com): nginx.ingress.kubernetes.io/use-regex: "true"
    /// # Ingress b (same host):              path: /api, pathType: Prefix  → now ~* "^/api"
    /// ```
    ///
    /// ## Fix
    /// Give the regex Ingress its own host, or write every path of the host as the regex you
    /// mean (`/api(/|$)(.*)`).
    pub struct RegexCaseInsensitive {
        name: "regex-case-insensitive",
        code: "RL110",
        severity: Warning,
        status: None,
        title: "Ingress path made a case-insensitive regex by another Ingress",
    }
}

impl Check for RegexCaseInsensitive {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (changed, cause) in &cx.graph.regex_host_effect {
            let r = cx.graph.route(*changed);
            let c = cx.graph.route(*cause);
            let host = r
                .fact
                .hosts
                .first()
                .or(c.fact.hosts.first())
                .cloned()
                .unwrap_or_default();
            let mut f = cx.place_finding(
                &Self::META,
                Label {
                    span: r.fact.span,
                    message: format!("rendered as `~* \"^{}\"`", literal(&r.fact.matcher)),
                },
                format!(
                    "{} path {} becomes a case-insensitive regex because {} uses regex paths on {host}",
                    r.fact.origin,
                    literal(&r.fact.matcher),
                    c.fact.origin
                ),
                format!(
                    "ingress-nginx renders every path of host {host} as a case-insensitive regex once one Ingress of it uses use-regex or rewrite-target: {} now also matches longer paths and other letter cases.",
                    literal(&r.fact.matcher)
                ),
            );
            f.related.push(Label {
                span: c.fact.span,
                message: "this Ingress's regex paths apply to the whole host".to_owned(),
            });
            f.help = Some(
                "give the regex Ingress its own host, or write this path as the regex you mean"
                    .to_owned(),
            );
            out.push(f);
        }
    }
}

/// The path as the user wrote it.
fn literal(m: &crate::model::path::PathMatch) -> String {
    match m {
        crate::model::path::PathMatch::Regex { source, .. } => source.clone(),
        other => other.to_string(),
    }
}
