//! `method-not-allowed`: the path matches at a hop, the method does not.

use crate::finding::Finding;
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A request whose path matches at some hop while its method is allowed by none of the
    /// routes or endpoints there: `PATCH /posts/5` where only GET, PUT and DELETE are declared.
    ///
    /// ## Why it breaks requests
    /// Each layer may restrict methods on its own: an Istio `method` match, a Go 1.22
    /// `"GET /posts/{id}"` pattern, an OpenAPI operation list. The predicted status follows
    /// the hop that refuses: Go 1.22+ ServeMux and most frameworks answer 405 with `Allow`;
    /// Envoy/Istio has no 405 and answers 404; Express answers 404.
    ///
    /// ## Example
    /// ```js
    /// fetch(`/blog/api/posts/${id}`, { method: 'PATCH' })
    /// ```
    /// ```yaml
    /// /posts/{id}:
    ///   get: ...
    ///   put: ...
    /// ```
    ///
    /// ## Fix
    /// Send a method the hop allows, or add the method to every layer on the way.
    pub struct MethodNotAllowed {
        name: "method-not-allowed",
        code: "RL106",
        severity: Error,
        status: Some(405),
        title: "Method not allowed at a hop",
    }
}

impl Check for MethodNotAllowed {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::MethodNotAllowed {
                status,
                allowed,
                matched,
            } = &link.cause
            else {
                continue;
            };
            let comp = cx.graph.component(hop.component);
            let at = cx.describe(hop.component);
            let message = format!("{request} will get {status} at {at}");
            let list = crate::model::method::list(allowed);
            let detail = format!(
                "{} matches at {at}, which allows {list} there ({}).",
                link.before, comp.miss.method_miss_note
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            f.status = Some(*status);
            for step in matched.iter().take(4) {
                let methods = cx.sim.step_methods(*step);
                f.related
                    .push(cx.step_label(*step, format!("allows {methods}")));
            }
            if let Some(m) = request.method {
                f.help = Some(if allowed.is_empty() {
                    format!("allow {m} at {}", comp.name)
                } else {
                    format!(
                        "send {list}, or allow {m} for {} at {}",
                        link.before, comp.name
                    )
                });
            }
            f.notes.extend(cx.rest_of_chain(d, link));
            out.push(f);
        }
    }
}
