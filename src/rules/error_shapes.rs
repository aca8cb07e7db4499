//! What the error rules share: the services a system's clients reach, and the error shape most
//! of them declare (the shape a frontend is written against).

use crate::model::errors::{compatible, is_problem_details};
use crate::model::graph::{ComponentId, Role};
use crate::rules::context::Context;
use crate::sim::Outcome;
use crate::source_file::Span;
use crate::sources::facts::ErrorBody;

/// The services whose declared error shapes count: those client calls reach, or every service
/// when the repository has no calls that reach one. In component order.
pub fn services(cx: &Context<'_>) -> Vec<ComponentId> {
    let mut reached: Vec<ComponentId> = cx
        .results
        .iter()
        .filter_map(|r| match &r.trace.as_ref()?.outcome {
            Outcome::Reached(e) => Some(cx.graph.endpoint(*e).component),
            _ => None,
        })
        .collect();
    if reached.is_empty() {
        reached = (0..cx.graph.components.len())
            .map(ComponentId)
            .filter(|c| cx.graph.component(*c).role == Role::Service)
            .collect();
    }
    reached.sort();
    reached.dedup();
    reached
        .into_iter()
        .filter(|c| !cx.graph.component(*c).errors.declared.is_empty())
        .collect()
}

/// The reference shape: the declared body compatible with the most services' declarations
/// (ties: problem details, else the first declared), with the services that declare a compatible one.
pub struct Reference {
    pub body: ErrorBody,
    pub span: Span,
    pub agreeing: Vec<ComponentId>,
}

/// Only a JSON shape is a reference: clients parse it, so a body of another shape breaks them;
/// services that answer plain text or HTML give the client nothing to parse either way.
pub fn reference(cx: &Context<'_>, services: &[ComponentId]) -> Option<Reference> {
    let mut best: Option<Reference> = None;
    for &s in services {
        for (body, span) in &cx.graph.component(s).errors.declared {
            if !body
                .media_type
                .as_deref()
                .is_some_and(|m| m.ends_with("json"))
            {
                continue;
            }
            let agreeing: Vec<ComponentId> = services
                .iter()
                .copied()
                .filter(|o| agrees(cx, *o, body))
                .collect();
            // On a tie, RFC 9457 problem details is the shape to converge on.
            let better = best.as_ref().is_none_or(|b| {
                agreeing.len() > b.agreeing.len()
                    || (agreeing.len() == b.agreeing.len()
                        && is_problem_details(body)
                        && !is_problem_details(&b.body))
            });
            if better {
                best = Some(Reference {
                    body: body.clone(),
                    span: *span,
                    agreeing,
                });
            }
        }
    }
    best
}

/// Whether a service declares an error body a client written against `body` can read.
pub fn agrees(cx: &Context<'_>, service: ComponentId, body: &ErrorBody) -> bool {
    cx.graph
        .component(service)
        .errors
        .declared
        .iter()
        .any(|(b, _)| compatible(b, body))
}

/// "blog-service and comment-service", "blog-service, comment-service and 2 more".
pub fn names(cx: &Context<'_>, ids: &[ComponentId]) -> String {
    let names: Vec<&str> = ids
        .iter()
        .map(|c| cx.graph.component(*c).name.as_str())
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] if init.len() <= 2 => format!("{} and {last}", init.join(", ")),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    }
}
