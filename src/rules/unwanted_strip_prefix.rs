//! `unwanted-strip-prefix`: a hop strips a prefix the next component serves under (the
//! inverse of `missing-strip-prefix`).

use crate::finding::{Finding, Label};
use crate::model::graph::RouteId;
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};
use crate::sim::Step;
use crate::sources::facts::{Dialect, Target};

declare_rule! {
    /// ## What it finds
    /// A request that a gateway forwards with a prefix stripped, to a service that serves its
    /// paths under that very prefix, so that the request would match if the prefix were kept:
    /// a Kong route `paths: [/orders]` with the default `strip_path: true` sends
    /// `GET /orders/42` to orders-service as `/42` and `POST /orders` as `/`, while the
    /// service answers `POST /orders` and `GET /orders/{id}`.
    ///
    /// ## Why it breaks requests
    /// Several routers strip the matched prefix unless told otherwise (Kong `strip_path`
    /// defaults to true), and others strip it because a rewrite was copied from another route
    /// (Traefik `stripPrefix`, Istio `rewrite.uri`, Go `http.StripPrefix`, ingress-nginx
    /// `rewrite-target`). A service that mounts its own resource path then sees paths without
    /// it and answers 404, after the gateway logged a successful proxy. A stripped path such
    /// as `/42` can look like a maybe-match of a literal route (`/orders`); routelint does not
    /// count a parameter as a route's literal segment, so it predicts the 404, not a 405.
    /// Spring Cloud Gateway `StripPrefix=N` counts segments and is reported by
    /// `strip-prefix-count` (which says to remove it when the service needs the whole path).
    ///
    /// ## Example
    /// ```yaml
    /// services:                                # gateway/kong.yaml
    ///   - name: orders
    ///     url: http://orders:8080
    ///     routes: [{name: orders-route, paths: [/orders], methods: [GET, POST]}]
    /// ```
    /// ```js
    /// app.post('/orders', create);             // orders/server.js
    /// app.get('/orders/:id', show);
    /// ```
    ///
    /// ## Fix
    /// Keep the prefix where the request is forwarded, in the router's own syntax: Kong
    /// `strip_path: false` (or keep the strip and put the prefix in the service's `url`:
    /// `url: http://orders:8080/orders`); remove the prefix from the Traefik `stripPrefix`
    /// middleware; drop the Istio `rewrite`; register the handler without
    /// `http.StripPrefix`.
    pub struct UnwantedStripPrefix {
        name: "unwanted-strip-prefix",
        code: "RL116",
        severity: Error,
        status: Some(404),
        title: "A hop strips a prefix the service serves under",
    }
}

impl Check for UnwantedStripPrefix {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::UnwantedStripPrefix { strip, route } = &link.cause else {
                continue;
            };
            let service = cx.graph.component(hop.component).name.clone();
            let rt = cx.graph.route(*route);
            let gateway = cx.graph.component(rt.component).name.clone();
            let message = format!("{request} will get 404 at {service}");
            let detail = format!(
                "{gateway} strips {strip} and forwards {} to {service} as {}; {service} serves {} but not {}.",
                link.after, link.before, link.after, link.before
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            f.related.push(Label {
                span: rt.fact.rewrite_span.unwrap_or(rt.fact.rule_span),
                message: format!("strips {strip} ({})", strip_what(cx, *route)),
            });
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
            f.help = Some(keep_help(cx, *route, strip));
            f.notes.extend(cx.rest_of_chain(d, link));
            out.push(f);
        }
    }
}

/// The rewrite as the route shows it (`strip_path /orders`).
fn strip_what(cx: &Context<'_>, rid: RouteId) -> String {
    cx.graph
        .route(rid)
        .fact
        .rewrite
        .as_ref()
        .map(|rw| rw.to_string())
        .unwrap_or_default()
}

/// How to keep the prefix, in the forwarding layer's own syntax.
fn keep_help(cx: &Context<'_>, rid: RouteId, strip: &str) -> String {
    let route = cx.graph.route(rid);
    match route.fact.dialect {
        Dialect::Kong => {
            let url = match &route.fact.target {
                Target::Forward {
                    host,
                    port: Some(p),
                    ..
                } => format!("`url: http://{host}:{p}{strip}`"),
                Target::Forward { host, .. } => format!("`url: http://{host}{strip}`"),
                _ => format!("a service `path: {strip}`"),
            };
            format!(
                "set `strip_path: false` on that Kong route so the service receives the path as the client sends it, or keep the strip and give the service the prefix back: {url}"
            )
        }
        Dialect::Traefik => format!(
            "remove {strip} from the `stripPrefix` middleware's `prefixes` (or the middleware from that router's `middlewares`)"
        ),
        Dialect::Istio => {
            format!("remove the `rewrite` from that rule: the service serves the path with {strip}")
        }
        Dialect::GoServeMux { .. } => match unwrap_strip(cx.text(route.fact.rule_span)) {
            Some(c) => format!("register the handler without the strip:\n{c}"),
            None => format!(
                "register the handler without `http.StripPrefix(\"{strip}\", …)`: the service serves the path with {strip}"
            ),
        },
        Dialect::GatewayApi => format!(
            "remove the `URLRewrite` filter from that rule, or use `replacePrefixMatch: {strip}`"
        ),
        Dialect::Ingress => format!(
            "remove `nginx.ingress.kubernetes.io/rewrite-target` (or set `konghq.com/strip-path: \"false\"`), or rewrite to `{strip}/$2`"
        ),
        Dialect::Envoy => {
            format!(
                "remove `prefix_rewrite` from that route, or use `prefix_rewrite: \"{strip}/\"`"
            )
        }
        Dialect::Apisix => format!(
            "remove the `proxy-rewrite` `regex_uri` from that route, or keep {strip} in its replacement"
        ),
        Dialect::Nginx => format!(
            "drop the URI part of `proxy_pass` (`proxy_pass http://upstream;`) so nginx forwards the path with {strip}"
        ),
        Dialect::SpringGateway => {
            "remove `StripPrefix` from that route's filters: the service serves the whole path"
                .to_owned()
        }
        Dialect::OpenApi | Dialect::Framework(_) => format!("forward the path with {strip} kept"),
    }
}

/// `mux.Handle("/p/", http.StripPrefix("/p", h))` without the strip: `mux.Handle("/p/", h)`.
fn unwrap_strip(rule: &str) -> Option<String> {
    let start = rule.find("http.StripPrefix(")?;
    let args = start + "http.StripPrefix(".len();
    let comma = args + rule[args..].find(',')?;
    let mut depth = 0usize;
    let mut end = None;
    for (i, c) in rule[comma + 1..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = Some(comma + 1 + i);
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    let end = end?;
    let handler = rule[comma + 1..end].trim();
    Some(format!("{}{handler}{}", &rule[..start], &rule[end + 1..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_strip_is_unwrapped_from_the_registration() {
        assert_eq!(
            super::unwrap_strip(
                r#"mux.Handle("/orders/", http.StripPrefix("/orders", newProxy("http://orders:8080")))"#
            )
            .as_deref(),
            Some(r#"mux.Handle("/orders/", newProxy("http://orders:8080"))"#)
        );
        assert_eq!(super::unwrap_strip(r#"mux.Handle("/x/", h)"#), None);
    }
}
