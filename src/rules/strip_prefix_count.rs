//! `strip-prefix-count`: a Spring Cloud Gateway `StripPrefix=N` removes the wrong number of
//! segments for the service behind it.

use crate::finding::{Finding, Label};
use crate::rules::diagnose::Cause;
use crate::rules::{context::Context, context::Site, rule::Check, rule::declare_rule};
use crate::sim::Step;

declare_rule! {
    /// ## What it finds
    /// A request that a Spring Cloud Gateway route (or a Zuul route) forwards with
    /// `StripPrefix=N`, where N removes more or fewer leading segments than the service behind
    /// it needs: the route matches `/api/visit/**` with `StripPrefix=1`, so visits-service
    /// receives `/visit/owners/1/pets/2/visits` but serves `/owners/{ownerId}/pets/{petId}/visits`.
    ///
    /// ## Why it breaks requests
    /// `StripPrefix` counts segments, not text: it drops the first N path segments whatever
    /// they are, and a path with N segments or fewer becomes `/`. One too few leaves part of the
    /// public prefix on the path; one too many eats the start of the service's own path. Either
    /// way the service answers 404 while the gateway logs a successful proxy.
    ///
    /// ## Example
    /// ```yaml
    /// - id: visits-service
    ///   uri: lb://visits-service
    ///   predicates: [Path=/api/visit/**]
    ///   filters: [StripPrefix=1]        # api-gateway/application.yml
    /// ```
    /// ```yaml
    /// paths:
    ///   /owners/{ownerId}/pets/{petId}/visits:   # visits-service/openapi.yaml
    /// ```
    ///
    /// ## Fix
    /// Set N to the number of segments the public prefix has (`StripPrefix=2` for
    /// `/api/visit`), the number the help gives.
    pub struct StripPrefixCount {
        name: "strip-prefix-count",
        code: "RL114",
        severity: Error,
        status: Some(404),
        title: "StripPrefix removes the wrong number of segments",
    }
}

impl Check for StripPrefixCount {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for Site {
            result: r,
            diagnosis: d,
            link,
            request,
            hop,
        } in cx.sites(Self::META.name)
        {
            let Cause::StripPrefixCount { route, have, need } = &link.cause else {
                continue;
            };
            let service = cx.graph.component(hop.component).name.clone();
            let rt = cx.graph.route(*route);
            let gateway = cx.graph.component(rt.component).name.clone();
            let message = format!("{request} will get 404 at {service}");
            let (more, s) = match need.abs_diff(*have) {
                1 => ("one", ""),
                2 => ("two", "s"),
                _ => ("several", "s"),
            };
            let direction = if need > have { "too few" } else { "too many" };
            let detail = format!(
                "{gateway} forwards {} to {service} with StripPrefix={have} ({direction}: {more} segment{s}); {service} serves {}.",
                link.before, link.after
            );
            let mut f = cx.call_finding(&Self::META, r, message, detail);
            f.related.push(Label {
                span: rt.fact.rewrite_span.unwrap_or(rt.fact.rule_span),
                message: format!("strips {have} segment{}", if *have == 1 { "" } else { "s" }),
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
            // The path the route receives, as the corrected chain forwards it.
            let forwarded = target
                .hops
                .get(link.hop.saturating_sub(1))
                .map(|h| h.path_in.to_string())
                .unwrap_or_default();
            let zuul = rt.fact.origin.starts_with("Zuul");
            let java = rt.fact.origin.starts_with("RouteLocatorBuilder");
            f.help = Some(if zuul {
                format!(
                    "make the Zuul route strip {need} segment{} (`stripPrefix` of the route and `zuul.stripPrefix` for `zuul.prefix`)",
                    if *need == 1 { "" } else { "s" }
                )
            } else if java {
                format!(
                    "use `.filters(f -> f.stripPrefix({need}))` in that route: {} becomes {}",
                    forwarded, link.after
                )
            } else if *need == 0 {
                format!(
                    "remove `StripPrefix={have}` from that route's filters: the service serves the path as the client sends it ({})",
                    link.after
                )
            } else {
                format!(
                    "use `StripPrefix={need}` in that route's filters: {} becomes {}",
                    forwarded, link.after
                )
            });
            f.notes.extend(cx.rest_of_chain(d, link));
            out.push(f);
        }
    }
}
