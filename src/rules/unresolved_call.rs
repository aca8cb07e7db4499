//! `unresolved-call`: calls routelint could not check, so users see what was not verified.

use crate::finding::Finding;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A client call routelint could not follow to the end: its URL is built from values it
    /// cannot resolve statically (an imported base URL, a function result), it targets a host
    /// outside the repository, or a hop hands it to a handler routelint cannot read.
    ///
    /// ## Why it matters
    /// Unknown is not wrong: routelint never guesses such a call into a 404. But an unchecked
    /// call is a call that can still break, so it is listed with the reason.
    ///
    /// ## Example
    /// ```js
    /// fetch(`${config.apiBase}/posts`)
    /// ```
    ///
    /// ## Fix
    /// Nothing is wrong. To have the call checked, use a constant for the base URL, or tell
    /// routelint about the component in `routelint.toml`.
    pub struct UnresolvedCall {
        name: "unresolved-call",
        code: "RL901",
        severity: Info,
        status: None,
        title: "Call could not be checked",
    }
}

impl Check for UnresolvedCall {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in &cx.results {
            let Some(why) = &r.unresolved else { continue };
            let call = &cx.graph.call(r.call).fact;
            let message = match &r.request {
                Some(req) => format!("{req} could not be checked"),
                None => format!("the URL of this {} call could not be resolved", call.client),
            };
            let mut f = cx.call_finding(&Self::META, r, message, format!("{why}."));
            f.primary.message = "not checked".to_owned();
            out.push(f);
        }
    }
}
