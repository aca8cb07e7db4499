//! `proxy-pass-slash`: an nginx `location`/`proxy_pass` pair whose slash arithmetic turns a
//! client's path into `//x` or `/apix`.

use crate::finding::{Finding, Label, Severity};
use crate::rules::context::Context;
use crate::rules::nginx_slash::{SlashFault, fault_in};
use crate::rules::rule::{Check, declare_rule};

declare_rule! {
    /// ## What it finds
    /// A request that goes through an nginx prefix `location` whose `proxy_pass` has a URI
    /// part, where exactly one of the two ends with `/`: nginx replaces the matched location
    /// prefix with the URI part character for character, so `location /p` with
    /// `proxy_pass http://b/` sends `/p/x` upstream as `//x`, and `location /p/` with
    /// `proxy_pass http://b/api` sends it as `/apix`.
    ///
    /// ## Why it breaks requests
    /// The upstream receives a path nobody wrote: `//x` has an empty first segment and
    /// `/apix` glues the next segment onto the last one. Most services answer 404; nginx logs
    /// a successful proxy. An error when the request then fails, a warning when the next hop
    /// still answers it (it merges slashes, or routelint cannot follow it).
    ///
    /// ## Example
    /// ```nginx
    /// location /api/orders {              # no trailing slash
    ///     proxy_pass http://orders/;      # trailing slash: /api/orders/42 → //42
    /// }
    /// ```
    ///
    /// ## Fix
    /// End both with `/` or neither: `location /api/orders/ { proxy_pass http://orders/; }`
    /// (nginx then redirects the bare `/api/orders` to `/api/orders/`), or
    /// `location /p/ { proxy_pass http://b/api/; }` for the `/apix` case.
    pub struct ProxyPassSlash {
        name: "proxy-pass-slash",
        code: "RL113",
        severity: Error,
        status: Some(404),
        title: "nginx location and proxy_pass disagree on the trailing slash",
    }
}

impl Check for ProxyPassSlash {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in &cx.results {
            let (Some(t), Some(request)) = (&r.trace, &r.request) else {
                continue;
            };
            let Some((i, rid, fault, prefix, uri)) = fault_in(cx.graph, &t.hops) else {
                continue;
            };
            let hop = &t.hops[i];
            let route = cx.graph.route(rid);
            let nginx = cx.graph.component(route.component).name.clone();
            let sent = hop
                .path_out
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let failed = t.outcome.is_failure();
            let message = if failed {
                format!("{request} leaves {nginx} as {sent} and will get 404")
            } else {
                format!("{request} leaves {nginx} as {sent}")
            };
            let why = match fault {
                SlashFault::Double => format!(
                    "`location {prefix}` has no trailing slash but `proxy_pass` ends with one: nginx replaces `{prefix}` in {} with `{uri}` and keeps the next slash",
                    hop.path_in
                ),
                SlashFault::Glued => format!(
                    "`location {prefix}` ends with a slash but the `proxy_pass` URI `{uri}` does not: nginx replaces `{prefix}` in {} with `{uri}` and glues the next segment on",
                    hop.path_in
                ),
            };
            let detail = format!("{why}, so the upstream receives {sent}.");
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if !failed {
                f.severity = Severity::Warning;
                f.status = None;
                f.notes.push(
                    "routelint does not see this request fail after nginx (the next hop is not followed, or accepts the path): a warning, not an error"
                        .to_owned(),
                );
            }
            f.related.push(Label {
                span: route.fact.span,
                message: format!("matches {}", hop.path_in),
            });
            let pass_text = route
                .fact
                .rewrite_span
                .map(|s| cx.text(s).to_owned())
                .unwrap_or_else(|| format!("http://upstream{uri}"));
            if let Some(span) = route.fact.rewrite_span {
                f.related.push(Label {
                    span,
                    message: format!("replaces `{prefix}` with `{uri}`: {sent}"),
                });
            }
            let base = pass_text
                .strip_suffix(uri.as_str())
                .unwrap_or(&pass_text)
                .to_owned();
            f.help = Some(match fault {
                SlashFault::Double => format!(
                    "end both with a slash: `location {prefix}/ {{ proxy_pass {base}{uri}; }}` (nginx then redirects the bare `{prefix}` to `{prefix}/`)"
                ),
                SlashFault::Glued => format!(
                    "end both with a slash: `location {prefix} {{ proxy_pass {base}{uri}/; }}`"
                ),
            });
            out.push(f);
        }
    }
}
