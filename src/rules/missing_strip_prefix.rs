//! `missing-strip-prefix`: a hop forwards a prefix the next component does not serve.

use crate::finding::{Finding, Label};
use crate::model::graph::RouteId;
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};
use crate::sim::Step;
use crate::sources::facts::Dialect;

declare_rule! {
    /// ## What it finds
    /// A request that reaches a service with a path prefix the service does not serve, and
    /// that would match if the hop before had stripped that prefix:
    /// `mux.Handle("/blog/api/", proxy)` forwards `/blog/api/posts/5` unchanged, and
    /// blog-service only answers `/posts/{id}`.
    ///
    /// ## Why it breaks requests
    /// Gateways match on the public path and forward it as it is unless told otherwise
    /// (`http.StripPrefix`, Istio `rewrite.uri`, Spring `StripPrefix=N`). The service behind
    /// knows nothing of the public prefix, so every request gets 404 from the service itself,
    /// after the gateway logged a successful proxy. The inverse, a hop that strips a prefix
    /// the service serves under (Kong's default `strip_path: true`), is
    /// `unwanted-strip-prefix`.
    ///
    /// ## Example
    /// ```go
    /// mux.Handle("/blog/api/", authProxy)      // api-gateway/main.go
    /// ```
    /// ```yaml
    /// paths:
    ///   /posts/{id}:                           # blog-service/openapi.yaml
    /// ```
    ///
    /// ## Fix
    /// Strip the prefix where the request is forwarded:
    /// `mux.Handle("/blog/api/", http.StripPrefix("/blog/api", authProxy))`, or in Istio
    /// `prefix: /blog/api/` with `rewrite: {uri: /}`.
    pub struct MissingStripPrefix {
        name: "missing-strip-prefix",
        code: "RL102",
        severity: Error,
        status: Some(404),
        title: "Forwarded path keeps a prefix the service does not serve",
    }
}

impl Check for MissingStripPrefix {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::MissingStripPrefix { strip, route } = &link.cause else {
                continue;
            };
            let service = cx.graph.component(hop.component).name.clone();
            let message = format!("{request} will get 404 at {service}");
            let forwarder = route.map(|rid| {
                cx.graph
                    .component(cx.graph.route(rid).component)
                    .name
                    .clone()
            });
            let detail = match &forwarder {
                Some(g) => format!(
                    "{g} forwards {} to {service} with {strip} still on it; {service} serves {} but not {}.",
                    link.before, link.after, link.before
                ),
                None => format!(
                    "{service} receives {} but serves {}.",
                    link.before, link.after
                ),
            };
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            if let Some(rid) = route {
                let rt = cx.graph.route(*rid);
                f.related.push(Label {
                    span: rt.fact.rule_span,
                    message: "forwards the path unchanged".to_owned(),
                });
            }
            let target = d
                .links
                .iter()
                .skip_while(|l| !std::ptr::eq(*l, link))
                .nth(1)
                .map(|l| &l.failed)
                .unwrap_or(&d.mended);
            if let Some(Step::Endpoint(e)) = target.hops.get(link.hop).and_then(|h| h.chosen) {
                let ep = cx.graph.endpoint(e);
                f.related.push(cx.step_label(
                    Step::Endpoint(e),
                    format!("{service} serves {}, not {}", ep.fact.pattern, link.before),
                ));
            }
            f.help = route.map(|rid| strip_help(cx, rid, strip));
            f.notes.extend(cx.rest_of_chain(d, link));
            out.push(f);
        }
    }
}

/// The corrected registration or rule, in the forwarding layer's own syntax.
fn strip_help(cx: &Context<'_>, rid: RouteId, strip: &str) -> String {
    let route = cx.graph.route(rid);
    match route.fact.dialect {
        Dialect::GoServeMux { .. } => {
            let rule = cx.text(route.fact.rule_span);
            let pat_end = (route
                .fact
                .span
                .end
                .saturating_sub(route.fact.rule_span.start)) as usize;
            let corrected = rule.get(pat_end..).and_then(|after| {
                let handler = after.trim_start().strip_prefix(',')?.trim();
                let handler = handler.strip_suffix(')')?.trim();
                Some(format!(
                    "{}, http.StripPrefix(\"{strip}\", {handler}))",
                    &rule[..pat_end]
                ))
            });
            match corrected {
                Some(c) => format!("strip the prefix in the gateway:\n{c}"),
                None => format!("wrap the handler in http.StripPrefix(\"{strip}\", …)"),
            }
        }
        Dialect::Istio => {
            let slash_ok = route
                .fact
                .matcher
                .prefix()
                .is_some_and(|p| p.ends_with('/'));
            if slash_ok {
                "add `rewrite: {uri: /}` to that rule".to_owned()
            } else {
                format!(
                    "match `prefix: {strip}/` and add `rewrite: {{uri: /}}` (a prefix without its slash rewritten to `/` produces `//`), plus an `exact: {strip}` rule if the bare path is used"
                )
            }
        }
        Dialect::GatewayApi => format!(
            "add a filter to that rule: `{{type: URLRewrite, urlRewrite: {{path: {{type: ReplacePrefixMatch, replacePrefixMatch: /}}}}}}` (the match must be `PathPrefix {strip}`)"
        ),
        Dialect::Ingress => format!(
            "strip it in the Ingress: `path: {strip}(/|$)(.*)` with `nginx.ingress.kubernetes.io/rewrite-target: /$2` (ingress-nginx), or `konghq.com/strip-path: \"true\"` (Kong)"
        ),
        Dialect::Kong => format!(
            "set `strip_path: true` on that Kong route: Kong then removes the matched path ({strip}…) and joins the rest to the service's `path`, which must be what the backend serves"
        ),
        Dialect::Traefik => {
            format!("add a `stripPrefix` middleware with `prefixes: [{strip}]` to that router")
        }
        Dialect::Envoy => {
            format!("add `prefix_rewrite: \"/\"` to that route (with `prefix: \"{strip}/\"`)")
        }
        Dialect::Apisix => format!(
            "add the `proxy-rewrite` plugin with `regex_uri: [\"^{strip}/(.*)\", \"/$1\"]` to that route"
        ),
        Dialect::SpringGateway => format!(
            "add `StripPrefix={n}` to that route's filters (it removes the first {n} segment{s}: {strip})",
            n = strip.matches('/').count(),
            s = if strip.matches('/').count() == 1 {
                ""
            } else {
                "s"
            },
        ),
        Dialect::Nginx => format!(
            "give `proxy_pass` a URI part so nginx replaces the location prefix: `location {strip}/ {{ proxy_pass http://upstream/; }}`"
        ),
        Dialect::OpenApi | Dialect::Framework(_) => format!("strip {strip} before forwarding"),
    }
}
