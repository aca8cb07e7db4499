//! `case-mismatch`: the path matches only when case is ignored.

use crate::finding::{Finding, Fix};
use crate::rules::diagnose::Cause;
use crate::rules::{
    context::Context, context::Site, fix::replace_in_source, rule::Check, rule::declare_rule,
};

declare_rule! {
    /// ## What it finds
    /// A request whose path matches a route or endpoint only when letter case is ignored:
    /// `/Blog/api/posts` against `prefix: /blog/api/`.
    ///
    /// ## Why it breaks requests
    /// Paths are case-sensitive in Istio (unless `ignoreUriCase: true`), Go ServeMux, Spring,
    /// Gateway API and almost every framework. A capital letter typed into a client path is a
    /// 404 that no layer logs as a routing error.
    ///
    /// ## Example
    /// ```js
    /// fetch('/Blog/api/posts')
    /// ```
    ///
    /// ## Fix
    /// Use the path's exact case, or set `ignoreUriCase: true` on the Istio match if mixed
    /// case is intended.
    pub struct CaseMismatch {
        name: "case-mismatch",
        code: "RL104",
        severity: Error,
        status: Some(404),
        title: "Path matches only when case is ignored",
    }
}

impl Check for CaseMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            if link.cause != Cause::CaseMismatch {
                continue;
            }
            let at = cx.describe(hop.component);
            let fixed = d.client_fix().unwrap_or_else(|| link.after.clone());
            let message = format!("{request} will get 404 at {at}");
            let detail = format!(
                "{} matches only when case is ignored; paths are case-sensitive there.",
                link.before
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if let Some(step) = d.mended.hops.get(link.hop).and_then(|h| h.chosen) {
                f.related
                    .push(cx.step_label(step, format!("matches {}, case-sensitively", link.after)));
            }
            f.help = Some(format!("call '{fixed}' instead"));
            f.notes.extend(cx.rest_of_chain(d, link));
            if let Some(rep) = replace_in_source(
                cx.text(f.primary.span),
                request.path.literal_head(),
                fixed.literal_head(),
            ) {
                f.fix = Some(Fix {
                    description: format!("call {fixed}"),
                    replacement: Some(rep),
                });
            }
            out.push(f);
        }
    }
}
