//! Coverage: which routes no client call passes through (dead routes), and which endpoints no
//! request from the edge can reach (orphans). Reachability is searched backwards from each
//! endpoint by inverting rewrites, then confirmed forwards with the simulator; what cannot be
//! decided (a regex rewrite, an opaque handler that may be the way in) counts as reachable.

use std::collections::BTreeSet;

use crate::model::graph::{ComponentId, Dest, EndpointId, Graph, Role, RouteId};
use crate::model::path::{PathMatch, ReqPath, Rewrite, Tri};
use crate::rules::result::CallResult;
use crate::sim::{Outcome, Request, Sim, Step};

/// The coverage of one repository.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Coverage {
    /// Routes (edge, gateway, mesh) that no client call passes through. Empty when the
    /// repository has no client calls (then `routes_used` is `None`).
    pub dead_routes: Vec<RouteId>,
    pub routes_total: usize,
    pub routes_used: Option<usize>,
    /// Endpoints no request from the edge can reach.
    pub orphans: Vec<EndpointId>,
    pub endpoints_total: usize,
    pub endpoints_reachable: usize,
}

impl Coverage {
    pub fn route_percent(&self) -> Option<f64> {
        let used = self.routes_used?;
        (self.routes_total > 0).then(|| 100.0 * used as f64 / self.routes_total as f64)
    }

    pub fn endpoint_percent(&self) -> Option<f64> {
        (self.endpoints_total > 0)
            .then(|| 100.0 * self.endpoints_reachable as f64 / self.endpoints_total as f64)
    }

    /// `routes 5/7 (71%) reached by client calls · endpoints 11/12 (92%) reachable from the edge`.
    pub fn line(&self) -> String {
        let routes = match (self.routes_used, self.route_percent()) {
            (Some(u), Some(p)) => format!(
                "routes {u}/{} ({p:.0}%) reached by client calls",
                self.routes_total
            ),
            (None, _) if self.routes_total > 0 => {
                "routes: no client calls to measure them with".to_owned()
            }
            _ => "routes: none".to_owned(),
        };
        let endpoints = match self.endpoint_percent() {
            Some(p) => format!(
                "endpoints {}/{} ({p:.0}%) reachable from the edge",
                self.endpoints_reachable, self.endpoints_total
            ),
            None => "endpoints: none".to_owned(),
        };
        format!("coverage: {routes} · {endpoints}")
    }
}

/// Routes that carry traffic onwards: forwards, table jumps and a gateway's own handlers.
fn counted(graph: &Graph, r: RouteId) -> bool {
    let route = graph.route(r);
    matches!(
        graph.component(route.component).role,
        Role::Edge | Role::Gateway | Role::Mesh
    )
}

pub fn compute(graph: &Graph, sim: &Sim<'_>, results: &[CallResult]) -> Coverage {
    let mut cov = Coverage {
        routes_total: (0..graph.routes.len())
            .filter(|i| counted(graph, RouteId(*i)))
            .count(),
        endpoints_total: graph.endpoints.len(),
        ..Coverage::default()
    };
    // Dead routes: no call's trace (successful or not) passes through them.
    let has_calls = results.iter().any(|r| r.trace.is_some());
    if has_calls {
        let used: BTreeSet<RouteId> = results
            .iter()
            .filter_map(|r| r.trace.as_ref())
            .flat_map(|t| {
                t.hops.iter().filter_map(|h| match h.chosen {
                    Some(Step::Route(r)) => Some(r),
                    _ => None,
                })
            })
            .collect();
        cov.dead_routes = (0..graph.routes.len())
            .map(RouteId)
            .filter(|r| counted(graph, *r) && !used.contains(r))
            .collect();
        cov.routes_used = Some(cov.routes_total - cov.dead_routes.len());
    }
    // Orphans: no request from the edge reaches them.
    for e in 0..graph.endpoints.len() {
        let id = EndpointId(e);
        if !reachable(graph, sim, id) {
            cov.orphans.push(id);
        }
    }
    cov.endpoints_reachable = cov.endpoints_total - cov.orphans.len();
    cov
}

const MAX_DEPTH: usize = 8;

/// Whether some request from an entry reaches the endpoint (or routelint cannot tell).
fn reachable(graph: &Graph, sim: &Sim<'_>, e: EndpointId) -> bool {
    let ep = graph.endpoint(e);
    let path = ReqPath::parse(&ep.fact.pattern.to_string());
    let request = Request {
        method: Some(ep.fact.method),
        path,
        host: None,
    };
    let mut undecidable = false;
    let mut seen = BTreeSet::new();
    search(
        graph,
        sim,
        e,
        ep.component,
        &request,
        0,
        &mut seen,
        &mut undecidable,
    ) || undecidable
}

/// Walks backwards from `component`: which path must enter it so that `request.path` is
/// what it sees, and from where could that come.
#[allow(clippy::too_many_arguments)]
fn search(
    graph: &Graph,
    sim: &Sim<'_>,
    target: EndpointId,
    component: ComponentId,
    request: &Request,
    depth: usize,
    seen: &mut BTreeSet<(ComponentId, String)>,
    undecidable: &mut bool,
) -> bool {
    if depth > MAX_DEPTH || !seen.insert((component, request.path.to_string())) {
        return false;
    }
    if graph.entries.contains(&component) {
        let t = sim.trace(component, request);
        match t.outcome {
            Outcome::Reached(got) if got == target => return true,
            Outcome::Unknown(_) => *undecidable = true,
            _ => {}
        }
    }
    // A component nothing links to may still be reached through a destination routelint
    // could not name or a handler it cannot follow.
    if !graph.entries.contains(&component)
        && !has_inbound(graph, component)
        && graph
            .routes
            .iter()
            .any(|r| matches!(r.dest, Dest::Unlinked(_) | Dest::Opaque(_)))
    {
        *undecidable = true;
    }
    for route in graph
        .routes
        .iter()
        .filter(|r| r.dest == Dest::Component(component))
    {
        // Inside a component with several tables (a mux mounted in a mux) the path entering
        // the component is not simply this route's input: let the forward check decide.
        if graph.component(route.component).tables.len() > 1 {
            *undecidable = true;
            continue;
        }
        match invert(
            &route.fact.matcher,
            route.fact.rewrite.as_ref(),
            &request.path,
        ) {
            Inverted::Path(prev) => {
                if route.fact.matcher.matches(&prev) == Tri::No {
                    continue;
                }
                let req = Request {
                    method: request.method,
                    path: prev,
                    host: request.host.clone(),
                };
                if search(
                    graph,
                    sim,
                    target,
                    route.component,
                    &req,
                    depth + 1,
                    seen,
                    undecidable,
                ) {
                    return true;
                }
            }
            Inverted::Impossible => {}
            Inverted::Unknown => *undecidable = true,
        }
    }
    false
}

fn has_inbound(graph: &Graph, c: ComponentId) -> bool {
    graph.routes.iter().any(|r| r.dest == Dest::Component(c))
}

enum Inverted {
    Path(ReqPath),
    Impossible,
    Unknown,
}

/// The path that, entering a route, leaves it as `out`.
fn invert(matcher: &PathMatch, rewrite: Option<&Rewrite>, out: &ReqPath) -> Inverted {
    match rewrite {
        None => Inverted::Path(out.clone()),
        Some(Rewrite::StripPrefix(p)) => Inverted::Path(out.prepend(p)),
        Some(Rewrite::PrefixPath(p)) => {
            let p = p.trim_end_matches('/');
            match out.starts_with_str(p, false) {
                Tri::Yes => out
                    .replace_head(p.len(), "")
                    .map(Inverted::Path)
                    .unwrap_or(Inverted::Unknown),
                Tri::Maybe => Inverted::Unknown,
                Tri::No => Inverted::Impossible,
            }
        }
        Some(Rewrite::ReplaceMatched(with)) => match matcher {
            PathMatch::StringPrefix { prefix, .. } | PathMatch::SegmentPrefix { prefix, .. } => {
                match out.starts_with_str(with, false) {
                    Tri::Yes => out
                        .replace_head(with.len(), prefix)
                        .map(Inverted::Path)
                        .unwrap_or(Inverted::Unknown),
                    Tri::Maybe => Inverted::Unknown,
                    Tri::No => Inverted::Impossible,
                }
            }
            PathMatch::Exact { path, .. } => {
                if out.eq_str(with, false) == Tri::No {
                    Inverted::Impossible
                } else {
                    Inverted::Path(ReqPath::literal(path))
                }
            }
            _ => Inverted::Unknown,
        },
        Some(Rewrite::ReplacePrefixSegments { prefix, with }) => {
            let with_segs = with.split('/').filter(|x| !x.is_empty()).count();
            let prefix = prefix.trim_end_matches('/');
            if with_segs == 0 {
                return Inverted::Path(out.prepend(prefix));
            }
            match out.starts_with_segments(with, false) {
                Tri::Yes => out
                    .drop_segments(with_segs)
                    .map(|rest| Inverted::Path(rest.prepend(prefix)))
                    .unwrap_or(Inverted::Unknown),
                Tri::Maybe => Inverted::Unknown,
                Tri::No => Inverted::Impossible,
            }
        }
        Some(Rewrite::StripSegments(n)) => {
            // The dropped segments are the matcher's literal head when it has that many.
            let head = matcher.literal_prefix().unwrap_or_default();
            let segs: Vec<&str> = head.split('/').filter(|x| !x.is_empty()).collect();
            if segs.len() < *n {
                return Inverted::Unknown;
            }
            let prefix: String = segs[..*n].iter().map(|s| format!("/{s}")).collect();
            if out.segments().segs.is_empty() {
                Inverted::Path(ReqPath::literal(&prefix))
            } else {
                Inverted::Path(out.prepend(&prefix))
            }
        }
        Some(
            Rewrite::ReplaceFull(_)
            | Rewrite::RegexReplace { .. }
            | Rewrite::FirstOf(_)
            | Rewrite::Unknown(_),
        ) => Inverted::Unknown,
    }
}
