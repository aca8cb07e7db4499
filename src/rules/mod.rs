//! Rules: one file per rule, each reading the traces and the graph and returning findings.
//! This module is the registry: the list of rules, running them, and the order of findings.
//! What a rule is lives in [`rule`], what it reads in [`context`].

pub mod context;
pub mod diagnose;
pub mod fix;
pub mod nginx_slash;
pub mod result;
pub mod rule;

mod case_mismatch;
mod dead_route;
mod double_slash;
mod duplicated_prefix;
mod error_shape_divergence;
mod error_shapes;
mod gateway_error_shape;
mod method_not_allowed;
mod missing_prefix;
mod missing_strip_prefix;
mod mux_conflict;
mod no_route;
mod not_problem_details;
mod parse_error;
mod prefix_overmatch;
mod proxy_pass_slash;
mod redirect_drops_method;
mod regex_case_insensitive;
mod spec_drift;
mod strip_prefix_count;
mod trailing_slash;
mod unbound_route;
mod unreachable_endpoint;
mod unresolved_call;
mod unresolved_endpoint;
mod unused_suppression;
mod unwanted_strip_prefix;

use crate::finding::Finding;
use crate::source_file::SourceMap;
use context::Context;
use rule::Rule;

/// Every rule, in code order.
pub static RULES: &[&dyn Rule] = &[
    &missing_prefix::MissingPrefix,
    &missing_strip_prefix::MissingStripPrefix,
    &unwanted_strip_prefix::UnwantedStripPrefix,
    &trailing_slash::TrailingSlash,
    &case_mismatch::CaseMismatch,
    &double_slash::DoubleSlash,
    &duplicated_prefix::DuplicatedPrefix,
    &method_not_allowed::MethodNotAllowed,
    &no_route::NoRoute,
    &unbound_route::UnboundRoute,
    &prefix_overmatch::PrefixOvermatch,
    &regex_case_insensitive::RegexCaseInsensitive,
    &mux_conflict::MuxConflict,
    &redirect_drops_method::RedirectDropsMethod,
    &proxy_pass_slash::ProxyPassSlash,
    &strip_prefix_count::StripPrefixCount,
    &unresolved_call::UnresolvedCall,
    &unresolved_endpoint::UnresolvedEndpoint,
    &dead_route::DeadRoute,
    &unreachable_endpoint::UnreachableEndpoint,
    &error_shape_divergence::ErrorShapeDivergence,
    &gateway_error_shape::GatewayErrorShape,
    &not_problem_details::NotProblemDetails,
    &spec_drift::SpecDrift,
    &parse_error::ParseError,
    &unused_suppression::UnusedSuppression,
];

pub fn find_rule(name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().name == name || r.meta().code.eq_ignore_ascii_case(name))
}

/// Runs every enabled rule and returns the findings sorted by (path, line, column, rule).
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(cx, &mut out);
    }
    let mut out: Vec<Finding> = out
        .into_iter()
        .map(|f| f.with_fingerprint(cx.sources))
        .collect();
    sort(&mut out, cx.sources);
    out
}

/// Findings in report order: path, line, column, rule, headline.
pub fn sort(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by(|a, b| {
        let la = sources.line_col(a.primary.span);
        let lb = sources.line_col(b.primary.span);
        sources
            .display(a.primary.span.file)
            .cmp(sources.display(b.primary.span.file))
            .then(la.cmp(&lb))
            .then(a.rule.cmp(b.rule))
            .then(a.message.cmp(&b.message))
    });
}
