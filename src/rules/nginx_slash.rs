//! The nginx `location`/`proxy_pass` slash arithmetic that breaks a path (`//x`, `/apix`),
//! found in a trace. `proxy-pass-slash` reports it; the other rules leave such calls alone.
//! Decides no finding.

use crate::model::graph::{Graph, RouteId};
use crate::model::path::{PathMatch, Rewrite};
use crate::rules::result::CallResult;
use crate::sim::{Hop, Step};
use crate::sources::facts::Dialect;

/// How a location/proxy_pass pair broke a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlashFault {
    /// `location /p` + `proxy_pass http://b/`: `/p/x` → `//x`.
    Double,
    /// `location /p/` + `proxy_pass http://b/api`: `/p/x` → `/apix`.
    Glued,
}

/// The nginx route of a trace whose prefix replacement broke this request's path, if any:
/// (hop index, route, fault, location prefix, proxy_pass URI part).
pub fn fault_in(
    graph: &Graph,
    hops: &[Hop],
) -> Option<(usize, RouteId, SlashFault, String, String)> {
    hops.iter().enumerate().find_map(|(i, h)| {
        let Some(Step::Route(rid)) = h.chosen else {
            return None;
        };
        let fact = &graph.route(rid).fact;
        if fact.dialect != Dialect::Nginx {
            return None;
        }
        let (PathMatch::StringPrefix { prefix, .. }, Some(Rewrite::ReplaceMatched(uri))) =
            (&fact.matcher, &fact.rewrite)
        else {
            return None;
        };
        let rest = h.path_in.replace_head(prefix.len(), "")?;
        let rest = rest.to_string();
        let fault = if uri.ends_with('/') && rest.starts_with('/') {
            SlashFault::Double
        } else if !uri.ends_with('/')
            && prefix.ends_with('/')
            && rest != "(empty)"
            && !rest.starts_with('/')
        {
            SlashFault::Glued
        } else {
            return None;
        };
        Some((i, rid, fault, prefix.clone(), uri.clone()))
    })
}

/// Whether `proxy-pass-slash` reports the call: the other rules leave it alone (one finding
/// per call, the most specific one).
pub fn claims(graph: &Graph, r: &CallResult) -> bool {
    r.trace
        .as_ref()
        .is_some_and(|t| fault_in(graph, &t.hops).is_some())
}
