//! Near-miss search: why a failing trace failed. Re-runs the failing hop with one change
//! applied (a prefix added, a prefix stripped, the trailing slash toggled, case folded, `//`
//! collapsed) and keeps the changes that get the request further, up to a short chain, so that
//! a request broken in two places names both. Rules turn the chain into findings.

use std::collections::VecDeque;

use crate::model::graph::{Dest, RouteId};
use crate::model::method::Method;
use crate::model::path::{ReqPath, Rewrite, Rewritten, Tri};
use crate::sim::{Miss, Outcome, Sim, Step, Trace};

/// One cause of a failure, found by the change that mends it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    /// The client path lacks a prefix the routes have: `/api/posts` vs `/blog/api/`.
    MissingPrefix {
        prefix: String,
        /// The leading part of the client path the prefix replaces (`/api`), if any.
        replaced: Option<String>,
    },
    /// A hop forwarded a prefix the next one does not serve.
    MissingStripPrefix {
        strip: String,
        /// The route that forwarded without stripping.
        route: Option<RouteId>,
    },
    /// The inverse: the hop before stripped a prefix (`strip`) the next one serves under
    /// (Kong `strip_path`, Traefik `stripPrefix`, Istio `rewrite`, Go `http.StripPrefix`).
    UnwantedStripPrefix {
        strip: String,
        /// The route that stripped it.
        route: RouteId,
    },
    /// A Spring Cloud Gateway `StripPrefix=have` (or Zuul prefix strip) removes a different
    /// number of segments than the next hop needs (`need`).
    StripPrefixCount {
        route: RouteId,
        have: usize,
        need: usize,
    },
    TrailingSlash {
        add: bool,
    },
    CaseMismatch,
    /// A rewrite produced `//`, or left the path without its leading `/` (`lost_slash`).
    DoubleSlash {
        route: Option<RouteId>,
        lost_slash: bool,
    },
    /// The path matches, the method does not.
    MethodNotAllowed {
        status: u16,
        allowed: Vec<Method>,
        matched: Vec<Step>,
    },
    /// A subtree redirect that many clients replay as GET without the body.
    Redirect {
        status: u16,
        to: ReqPath,
    },
}

impl Cause {
    pub fn rule(&self) -> &'static str {
        match self {
            Cause::MissingPrefix { .. } => "missing-prefix",
            Cause::MissingStripPrefix { .. } => "missing-strip-prefix",
            Cause::UnwantedStripPrefix { .. } => "unwanted-strip-prefix",
            Cause::StripPrefixCount { .. } => "strip-prefix-count",
            Cause::TrailingSlash { .. } => "trailing-slash",
            Cause::Redirect { .. } => "redirect-drops-method",
            Cause::CaseMismatch => "case-mismatch",
            Cause::DoubleSlash { .. } => "double-slash",
            Cause::MethodNotAllowed { .. } => "method-not-allowed",
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Cause::MissingPrefix { .. } => 0,
            Cause::MissingStripPrefix { .. }
            | Cause::UnwantedStripPrefix { .. }
            | Cause::StripPrefixCount { .. } => 1,
            Cause::TrailingSlash { .. } => 2,
            Cause::CaseMismatch => 3,
            Cause::DoubleSlash { .. } => 4,
            Cause::MethodNotAllowed { .. } => 5,
            Cause::Redirect { .. } => 6,
        }
    }
}

/// A cause with the hop it was found at and the trace as it failed there.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub cause: Cause,
    /// Index of the hop that failed.
    pub hop: usize,
    /// The trace that failed (before this link's change).
    pub failed: Trace,
    /// The path entering that hop, before and after the change.
    pub before: ReqPath,
    pub after: ReqPath,
    /// Where the fault lies: 0 = the client's own path or method; `i + 1` = hop `i`'s route.
    pub culprit: usize,
}

/// The chain of causes and the trace once all of them are mended.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    pub links: Vec<Link>,
    pub mended: Trace,
}

impl Diagnosis {
    /// The cause to report: the one closest to the client (its fix comes first).
    pub fn primary(&self) -> &Link {
        let mut best = &self.links[0];
        for l in &self.links[1..] {
            if l.culprit < best.culprit {
                best = l;
            }
        }
        best
    }

    /// The corrected client path, when every change was made to the client's path.
    pub fn client_fix(&self) -> Option<ReqPath> {
        let client: Vec<&Link> = self.links.iter().filter(|l| l.culprit == 0).collect();
        if client.is_empty() {
            return None;
        }
        client.last().map(|l| l.after.clone())
    }
}

const MAX_DEPTH: usize = 3;
const MAX_PREFIXES: usize = 64;
const MAX_STATES: usize = 400;

/// Explains a failing trace, or `None` when no short chain of changes mends it.
pub fn diagnose(sim: &Sim<'_>, trace: &Trace) -> Option<Diagnosis> {
    if let Outcome::MethodNotAllowed { .. } | Outcome::Redirect { .. } = trace.outcome {
        let link = terminal_link(trace)?;
        return Some(Diagnosis {
            links: vec![link],
            mended: trace.clone(),
        });
    }
    if !matches!(trace.outcome, Outcome::NotFound(_)) {
        return None;
    }
    let mut queue: VecDeque<(Trace, Vec<Link>)> = VecDeque::new();
    queue.push_back((trace.clone(), Vec::new()));
    let mut best: Option<(u8, Vec<Link>, Trace)> = None;
    let mut states = 0usize;
    while let Some((t, links)) = queue.pop_front() {
        if links.len() >= MAX_DEPTH {
            continue;
        }
        // Breadth first: once a chain reaches an endpoint, a longer one cannot rank higher.
        if best
            .as_ref()
            .is_some_and(|(s, l, _)| *s == 3 && l.len() <= links.len())
        {
            break;
        }
        let k = t.hops.len().saturating_sub(1);
        for (cause, after) in candidates(sim, &t, k) {
            if links.iter().any(|l| l.cause.kind() == cause.kind()) {
                continue;
            }
            states += 1;
            if states > MAX_STATES {
                break;
            }
            let hop = &t.hops[k];
            let culprit = culprit_of(&cause, &t, k);
            // A change to the client's own path is seen by every hop: trace it from the start.
            let next = if culprit == 0 {
                sim.resume(
                    t.entry,
                    Vec::new(),
                    t.entry,
                    None,
                    after.clone(),
                    &t.request,
                )
            } else {
                sim.resume(
                    t.entry,
                    t.hops[..k].to_vec(),
                    hop.component,
                    hop.table.clone(),
                    after.clone(),
                    &t.request,
                )
            };
            let (mut score, progressed) = score(&t, &next, k);
            // A path the web server's static files take (an SPA's fallback serves any path)
            // is not where an API request was meant to go.
            if serves_files(sim, &next) {
                score = 0;
            }
            let keep = score > 0 || (progressed && matches!(next.outcome, Outcome::NotFound(_)));
            if !keep {
                continue;
            }
            let mut chain = links.clone();
            chain.push(Link {
                cause,
                hop: k,
                failed: t.clone(),
                before: hop.path_in.clone(),
                after,
                culprit,
            });
            if score > 0 {
                if score == 1
                    && let Some(l) = terminal_link(&next)
                {
                    chain.push(l);
                }
                let better = match &best {
                    None => true,
                    Some((s, l, bt)) => {
                        (std::cmp::Reverse(score), chain.len(), path_len(&next))
                            < (std::cmp::Reverse(*s), l.len(), path_len(bt))
                    }
                };
                if better {
                    best = Some((score, chain, next));
                }
            } else {
                queue.push_back((next, chain));
            }
        }
        if states > MAX_STATES {
            break;
        }
    }
    best.map(|(_, links, mended)| Diagnosis { links, mended })
}

fn path_len(t: &Trace) -> usize {
    t.hops
        .first()
        .map(|h| h.path_in.to_string().len())
        .unwrap_or(0)
}

fn serves_files(sim: &Sim<'_>, t: &Trace) -> bool {
    matches!(t.outcome, Outcome::Served(r)
        if matches!(&sim.graph.route(r).fact.target,
            crate::sources::facts::Target::Serve { handler } if handler == "static files"))
}

/// 3: reaches an endpoint or handler; 2: reaches a hop routelint cannot follow; 1: ends in a
/// method miss or redirect that is itself a finding; 0: still fails. An unknown end at the
/// component that answered the miss (a router there routelint cannot read might take the
/// changed path) mends nothing.
fn score(before: &Trace, after: &Trace, k: usize) -> (u8, bool) {
    let same_end = after.hops.len() == before.hops.len()
        && after.hops.last().map(|h| h.component) == before.hops.last().map(|h| h.component);
    let s = match after.outcome {
        Outcome::Reached(_) | Outcome::Served(_) => 3,
        Outcome::Unknown(_) if same_end => 0,
        Outcome::Unknown(_) => 2,
        Outcome::MethodNotAllowed { .. } | Outcome::Redirect { .. } => 1,
        Outcome::NotFound(_) => 0,
    };
    let progressed = after.hops.len() > k + 1
        || (after.hops.len() == before.hops.len()
            && after.hops.last().map(|h| &h.path_in) != before.hops.last().map(|h| &h.path_in));
    (s, progressed)
}

fn terminal_link(t: &Trace) -> Option<Link> {
    let k = t.hops.len().checked_sub(1)?;
    let hop = &t.hops[k];
    let cause = match &t.outcome {
        Outcome::MethodNotAllowed {
            status,
            allowed,
            matched,
        } => Cause::MethodNotAllowed {
            status: *status,
            allowed: allowed.clone(),
            matched: matched.clone(),
        },
        Outcome::Redirect { status, to, .. } => {
            if !t.request.method.is_some_and(Method::loses_body_on_redirect)
                || *status == 307
                || *status == 308
            {
                return None;
            }
            Cause::Redirect {
                status: *status,
                to: to.clone(),
            }
        }
        _ => return None,
    };
    Some(Link {
        cause,
        hop: k,
        failed: t.clone(),
        before: hop.path_in.clone(),
        after: hop.path_in.clone(),
        culprit: k + 1,
    })
}

fn culprit_of(cause: &Cause, t: &Trace, k: usize) -> usize {
    match cause {
        Cause::MissingPrefix { .. } | Cause::TrailingSlash { .. } | Cause::CaseMismatch => {
            if t.hops[k].path_in == t.request.path {
                0
            } else {
                k
            }
        }
        Cause::MissingStripPrefix { .. }
        | Cause::UnwantedStripPrefix { .. }
        | Cause::StripPrefixCount { .. }
        | Cause::DoubleSlash { .. } => k,
        Cause::MethodNotAllowed { .. } | Cause::Redirect { .. } => k + 1,
    }
}

/// The changes worth trying at hop `k`.
fn candidates(sim: &Sim<'_>, t: &Trace, k: usize) -> Vec<(Cause, ReqPath)> {
    let hop = &t.hops[k];
    let p = &hop.path_in;
    let mut out = Vec::new();
    let prev_route = k
        .checked_sub(1)
        .and_then(|i| t.hops.get(i))
        .and_then(|h| match h.chosen {
            Some(Step::Route(r)) => Some(r),
            _ => None,
        });
    // `//` from a rewrite.
    if p.has_double_slash() {
        let route = prev_route.filter(|r| sim.graph.route(*r).fact.rewrite.is_some());
        out.push((
            Cause::DoubleSlash {
                route,
                lost_slash: false,
            },
            p.collapse_slashes(),
        ));
    }
    // A rewrite that left no leading slash (`StripPrefix("/api/")` turns `/api/x` into `x`).
    if k > 0 && !p.segments().leading_slash && !p.pieces().is_empty() {
        let route = prev_route.filter(|r| sim.graph.route(*r).fact.rewrite.is_some());
        out.push((
            Cause::DoubleSlash {
                route,
                lost_slash: true,
            },
            p.prepend("/"),
        ));
    }
    // Case: only when some route or endpoint accepts the path ignoring case.
    let lower = p.to_lowercase();
    if lower != *p {
        let steps = sim.steps_of(hop.component, hop.table.as_deref());
        let folds = steps.iter().any(|s| match s {
            Step::Route(r) => sim
                .graph
                .route(*r)
                .fact
                .matcher
                .ignoring_case()
                .matches(p)
                .matched(),
            Step::Endpoint(e) => sim
                .graph
                .endpoint(*e)
                .fact
                .pattern
                .match_path(p, true)
                .matched(),
        });
        if folds {
            out.push((Cause::CaseMismatch, lower));
        }
    }
    if let Some(toggled) = p.toggle_trailing_slash() {
        let add = !p.segments().trailing_slash;
        out.push((Cause::TrailingSlash { add }, toggled));
    }
    // A segment-counting strip (Spring `StripPrefix=N`) that removed too many or too few
    // segments: the same route with another N.
    let strip_n = prev_route.and_then(|r| match sim.graph.route(r).fact.rewrite {
        Some(Rewrite::StripSegments(n))
            if matches!(sim.graph.route(r).dest, Dest::Component(_)) =>
        {
            Some((r, n))
        }
        _ => None,
    });
    if let Some((route, have)) = strip_n
        && let Some(before) = k.checked_sub(1).and_then(|i| t.hops.get(i))
    {
        let total = before.path_in.segments().segs.len();
        let matcher = &sim.graph.route(route).fact.matcher;
        for need in (0..=total.min(have + 3)).filter(|m| *m != have) {
            if let Rewritten::Path(after) =
                Rewrite::StripSegments(need).apply(matcher, &before.path_in)
            {
                out.push((Cause::StripPrefixCount { route, have, need }, after));
            }
        }
        return out;
    }
    // A prefix the previous hop stripped and this one serves under: the path as that hop
    // received it.
    if let Some(route) = prev_route
        && let Some(before) = k.checked_sub(1).and_then(|i| t.hops.get(i))
        && let Some(strip) = stripped_prefix(sim, route, &before.path_in, p)
    {
        out.push((
            Cause::UnwantedStripPrefix { strip, route },
            before.path_in.clone(),
        ));
    }
    // A prefix the previous hop forwarded and this one does not serve.
    if k > 0 {
        let lits = p.literal_segment_count().min(3);
        let preferred = prev_route
            .and_then(|r| sim.graph.route(r).fact.matcher.literal_prefix())
            .map(|s| s.split('/').filter(|x| !x.is_empty()).count());
        let mut ns: Vec<usize> = (1..=lits).collect();
        if let Some(n) = preferred.filter(|n| *n >= 1 && *n <= lits) {
            ns.retain(|x| *x != n);
            ns.insert(0, n);
        }
        for n in ns {
            if let Some(stripped) = p.drop_segments(n) {
                let strip: String = p.segments().segs[..n]
                    .iter()
                    .map(|s| format!("/{}", ReqPath::from_pieces(s.clone())))
                    .collect();
                out.push((
                    Cause::MissingStripPrefix {
                        strip,
                        route: prev_route
                            .filter(|r| matches!(sim.graph.route(*r).dest, Dest::Component(_))),
                    },
                    stripped,
                ));
            }
        }
    }
    // A prefix the client left out (only while the path is still the client's).
    if *p == t.request.path {
        for prefix in prefixes(sim, t, k) {
            out.push((
                Cause::MissingPrefix {
                    prefix: prefix.clone(),
                    replaced: None,
                },
                p.prepend(&prefix),
            ));
            let lits = p.literal_segment_count();
            for n in 1..=2usize {
                if lits > n
                    && let Some(replaced) = p.replace_segments(n, &prefix)
                {
                    let old: String = p.segments().segs[..n]
                        .iter()
                        .map(|s| format!("/{}", ReqPath::from_pieces(s.clone())))
                        .collect();
                    if old == prefix {
                        continue;
                    }
                    out.push((
                        Cause::MissingPrefix {
                            prefix: prefix.clone(),
                            replaced: Some(old),
                        },
                        replaced,
                    ));
                }
            }
        }
    }
    out
}

/// The literal prefix a forwarding route's rewrite removed, when the path it forwarded (`out`)
/// is the path it received (`input`) with a leading part cut off and nothing put in its place:
/// `/orders/{id}` → `/{id}` strips `/orders`, `/orders` → `/` too. `None` for rewrites that
/// replace, add or count (`StripPrefix=N` is strip-prefix-count's).
fn stripped_prefix(
    sim: &Sim<'_>,
    route: RouteId,
    input: &ReqPath,
    out: &ReqPath,
) -> Option<String> {
    let r = sim.graph.route(route);
    if !matches!(r.dest, Dest::Component(_))
        || matches!(
            r.fact.rewrite,
            None | Some(Rewrite::StripSegments(_)) | Some(Rewrite::Unknown(_))
        )
    {
        return None;
    }
    let (input, out) = (input.to_string(), out.to_string());
    let cut = if out == "/" {
        input.trim_end_matches('/')
    } else if out.starts_with('/') {
        input.strip_suffix(out.as_str())?
    } else {
        return None;
    };
    let whole = cut.starts_with('/') && cut.len() > 1 && !cut.contains('{') && !cut.ends_with('/');
    whole.then(|| cut.to_owned())
}

/// Literal prefixes of the routes and endpoints at a hop, longest first.
fn prefixes(sim: &Sim<'_>, t: &Trace, k: usize) -> Vec<String> {
    let hop = &t.hops[k];
    let mut out: Vec<String> = Vec::new();
    for s in sim.steps_of(hop.component, hop.table.as_deref()) {
        let lit = match s {
            Step::Route(r) => sim.graph.route(*r).fact.matcher.literal_prefix(),
            Step::Endpoint(e) => Some(sim.graph.endpoint(*e).fact.pattern.literal_prefix()),
        };
        let Some(lit) = lit else { continue };
        // Whole segments only: `/blog/api/` → `/blog/api`; `/blog/api/posts` also offers `/blog/api`.
        let segs: Vec<&str> = lit.split('/').filter(|x| !x.is_empty()).collect();
        // A route prefix ending in `/` is whole; otherwise its last segment may be partial.
        // An endpoint's last literal segment names the resource, not a prefix: offering it
        // would let `/invoices/{id}` swallow any client path as its `{id}`.
        let complete = lit.ends_with('/') && matches!(s, Step::Route(_));
        let upto = if complete {
            segs.len()
        } else {
            segs.len().saturating_sub(1)
        };
        for n in 1..=upto.min(3) {
            let pre = format!("/{}", segs[..n].join("/"));
            if !out.contains(&pre) && hop.path_in.starts_with_str(&pre, false) != Tri::Yes {
                out.push(pre);
            }
        }
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out.truncate(MAX_PREFIXES);
    out
}

/// Whether the miss came from a `StripPrefix` that did not find its prefix.
pub fn strip_rejected(t: &Trace) -> Option<RouteId> {
    match t.outcome {
        Outcome::NotFound(Miss::StripRejected(r)) => Some(r),
        _ => None,
    }
}
