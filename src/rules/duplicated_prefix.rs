//! `duplicated-prefix`: a client's base URL or a wrapper adds a prefix the call already has.

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A client call whose URL gets the same prefix twice: the axios instance's `baseURL`,
    /// an Angular interceptor or a wrapper function (`api(path)`, `requests.get(url)`) puts
    /// `/api` in front of a path that already starts with `/api`, so the request goes to
    /// `/api/api/posts`.
    ///
    /// ## Why it breaks requests
    /// The prefix is written in two places that each look right alone: the wrapper adds it
    /// for every call, and one call (often older, or copied from the API docs) spells it
    /// too. No route serves `/api/api/...`, so the request gets 404.
    ///
    /// ## Example
    /// ```js
    /// const api = axios.create({ baseURL: '/api' });   // src/http.js
    /// api.get('/api/posts');                             // src/posts.js
    /// ```
    ///
    /// ## Fix
    /// Drop the prefix from the call (`api.get('/posts')`), or from the base if no call
    /// relies on it. The finding names the prefix and both places that add it.
    pub struct DuplicatedPrefix {
        name: "duplicated-prefix",
        code: "RL115",
        severity: Error,
        status: Some(404),
        title: "A base URL or wrapper adds a prefix the call already has",
    }
}

impl Check for DuplicatedPrefix {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in &cx.results {
            let call = &cx.graph.call(r.call).fact;
            let Some((prefix, added_at)) = &call.duplicated else {
                continue;
            };
            let Some(request) = &r.request else { continue };
            let message = format!("{request} has {prefix} twice");
            let detail = format!(
                "`{}` puts {prefix} in front of a URL that already starts with {prefix}, so the \
                 request goes to {}.",
                call.client, request.path
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            f.primary.message = format!("this URL already starts with {prefix}");
            if *added_at != call.span {
                f.related.push(Label {
                    span: *added_at,
                    message: format!("{prefix} is added here"),
                });
            }
            let path = request.path.to_string();
            let fixed = path.strip_prefix(prefix.as_str()).unwrap_or(&path);
            f.help = Some(format!(
                "drop {prefix} from the call (it then requests {fixed}), or from the base"
            ));
            out.push(f);
        }
    }
}
