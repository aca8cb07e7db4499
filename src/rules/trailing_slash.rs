//! `trailing-slash`: the path matches only with the trailing slash added or removed.

use crate::finding::{Finding, Fix};
use crate::rules::diagnose::Cause;
use crate::rules::{
    context::Context, context::Site, fix::replace_in_source, rule::Check, rule::declare_rule,
};

declare_rule! {
    /// ## What it finds
    /// A request whose path matches a route or endpoint only once its trailing slash is added
    /// or removed (`/blog/api/categories/` against `/categories`). A write request that a
    /// router redirects to the slash form is `redirect-drops-method`.
    ///
    /// ## Why it breaks requests
    /// Most routers treat `/x` and `/x/` as different paths: Spring 6+, OpenAPI-described
    /// services, Istio exact matches, chi and gorilla/mux (`StrictSlash(false)`) answer 404.
    ///
    /// ## Example
    /// ```js
    /// fetch('/blog/api/categories/')
    /// ```
    /// ```yaml
    /// paths:
    ///   /categories:
    /// ```
    ///
    /// ## Fix
    /// Use the path exactly as the service declares it.
    pub struct TrailingSlash {
        name: "trailing-slash",
        code: "RL103",
        severity: Error,
        status: Some(404),
        title: "Path matches only with the trailing slash changed",
    }
}

impl Check for TrailingSlash {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let at = cx.describe(hop.component);
            if let Cause::TrailingSlash { add } = &link.cause {
                {
                    let fixed = d.client_fix().unwrap_or_else(|| link.after.clone());
                    let message = format!("{request} will get 404 at {at}");
                    let step = d.mended.hops.get(link.hop).and_then(|h| h.chosen);
                    let (with, has) = if *add {
                        ("with a trailing slash", "has none")
                    } else {
                        ("without a trailing slash", "has one")
                    };
                    let detail = match step {
                        Some(s) => format!(
                            "{} declares {} {with}; the request's path {} {has}.",
                            cx.graph.component(hop.component).name,
                            cx.step_pattern(s),
                            link.before
                        ),
                        None => format!("{} matches only {with}.", link.before),
                    };
                    let mut f = cx.call_finding(&Self::META, r, message, detail);
                    if let Some(step) = step {
                        f.related
                            .push(cx.step_label(step, format!("declared {with}")));
                    }
                    f.help = Some(format!("call '{fixed}' instead"));
                    if let Some(why) = no_redirect(&cx.graph.component(hop.component).kind) {
                        f.notes.push(why.to_owned());
                    }
                    f.notes.extend(cx.rest_of_chain(d, link));
                    if link.culprit == 0
                        && let Some(rep) = replace_in_source(
                            cx.text(f.primary.span),
                            request.path.literal_head(),
                            fixed.literal_head(),
                        )
                    {
                        f.fix = Some(Fix {
                            description: format!("call {fixed}"),
                            replacement: Some(rep),
                        });
                    }
                    out.push(f);
                }
            }
        }
    }
}

/// Why a router that fails a slash mismatch does not redirect it instead, by component kind.
/// (FastAPI's 307, Flask's 308 and gorilla's `StrictSlash(true)` redirect and keep the method:
/// routelint models those as matches, so they never reach this rule.)
fn no_redirect(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Spring MVC" | "Spring WebFlux" => {
            "Spring 6 does not redirect or match the other form: trailing-slash matching is off by default"
        }
        "Express" => {
            "Express with `strict routing` treats `/x` and `/x/` as different paths and does not redirect"
        }
        "Fastify" => {
            "Fastify treats `/x` and `/x/` as different routes unless `ignoreTrailingSlash` is set"
        }
        "chi" => "chi does not redirect unless `middleware.RedirectSlashes` is used",
        "gorilla/mux" => "gorilla/mux without `StrictSlash(true)` does not redirect",
        "echo" | "gin" => "the router matches the path exactly here and does not redirect",
        "NestJS" => "NestJS on Express in strict mode does not redirect",
        _ => return None,
    })
}
