//! `unused-suppression`: a `routelint-ignore` comment that suppresses nothing. Its findings are
//! produced by `crate::suppress` after every other rule has run (only then is it known what a
//! suppression covers), so its check does nothing; it is registered so that `routelint rules`
//! lists it and `routelint explain unused-suppression` documents it. It must not produce
//! findings itself.

use crate::finding::Finding;
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// An inline suppression that suppresses nothing:
    ///
    /// - it names a rule, but no finding of that rule starts on the line it applies to (the
    ///   comment's own line when it trails code, otherwise the next line that is not a
    ///   comment);
    /// - it gives no reason after `--` (a suppression without a reason suppresses nothing);
    /// - it names a rule that does not exist, or `all` (suppressions list their rules);
    /// - it is not of the form `routelint-ignore: RULE[, RULE] -- reason`.
    ///
    /// ## Why it matters
    /// A suppression outlives the finding it silenced: once the route or the call is fixed, the
    /// comment stays and would hide the next, unrelated finding on that line. A suppression
    /// that never applied (a typo in the rule name, a comment two lines above the call) hides
    /// nothing and leaves the finding it was meant for reported.
    ///
    /// ## Example
    /// ```js
    /// // routelint-ignore: missing-prefix -- the CDN adds /shop in front of /api
    /// const res = await fetch('/api/cart');
    /// await axios.post('/api/cart/items', item); // routelint-ignore: RL101 -- removed in v3
    /// ```
    /// ```yaml
    ///         prefix: /legacy/   # routelint-ignore: dead-route -- kept for the mobile app
    /// ```
    ///
    /// ## Fix
    /// Remove the comment if the finding is gone; otherwise put it on the line where the
    /// finding is reported (or the line above it), spell the rule's name or code as
    /// `routelint rules` lists it, and give the reason after `--`.
    pub struct UnusedSuppression {
        name: "unused-suppression",
        code: "RL002",
        severity: Warning,
        status: None,
        title: "Suppression comment matches no finding",
    }
}

impl Check for UnusedSuppression {
    /// Nothing: `crate::suppress::apply` reports these once every other rule has run.
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}
