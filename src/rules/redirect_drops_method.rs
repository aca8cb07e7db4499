//! `redirect-drops-method`: a trailing-slash redirect on a path clients call with a body.

use crate::finding::Finding;
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A POST, PUT, PATCH or DELETE request that a router answers with a 301 or 302
    /// trailing-slash redirect: a Go ServeMux that has only the subtree `/upload/` redirects
    /// `/upload` (301 before Go 1.26).
    ///
    /// ## Why it breaks requests
    /// Browsers, `fetch` and most HTTP clients replay a 301 or 302 as a GET without the body,
    /// so the write arrives as a read (and then often gets 405 or does nothing). Only 307 and
    /// 308 keep the method and the body.
    ///
    /// ## Example
    /// ```js
    /// fetch('/upload', { method: 'POST', body })
    /// ```
    /// ```go
    /// mux.HandleFunc("/upload/", handleUpload)
    /// ```
    ///
    /// ## Fix
    /// Call the path the router registers (`/upload/`), or register the path without the
    /// slash too (`mux.HandleFunc("/upload", handleUpload)`).
    pub struct RedirectDropsMethod {
        name: "redirect-drops-method",
        code: "RL112",
        severity: Warning,
        status: Some(301),
        title: "Trailing-slash redirect turns the request into a GET",
    }
}

impl Check for RedirectDropsMethod {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            link,
            request,
            hop,
            ..
        } in cx.sites(Self::META.name)
        {
            let Cause::Redirect { status, to } = &link.cause else {
                continue;
            };
            let at = cx.describe(hop.component);
            let message = format!("{request} will be redirected ({status}) to {to} at {at}");
            let detail = format!(
                "{} is registered only as the subtree {to}: the router answers {status}, and clients replay it as GET without the body.",
                link.before
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            f.status = Some(*status);
            if let Some(step) = hop.chosen {
                f.related
                    .push(cx.step_label(step, format!("registered as {to}")));
            }
            f.help = Some(format!(
                "call '{to}' instead, or register {} without the slash",
                link.before
            ));
            out.push(f);
        }
    }
}
