//! The simulator: pushes one request through the graph hop by hop, with each hop's matching,
//! precedence, rewriting and miss behaviour, and says how it ends. Plain single-threaded code
//! over an immutable graph; routes are indexed by first path segment so a lookup does not scan
//! every route of a component.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use crate::model::graph::{ComponentId, Dest, EndpointId, Graph, Policy, RouteId};
use crate::model::method::{Method, MethodSet};
use crate::model::path::{Binding, PathMatch, Piece, Reading, ReqPath, Rewritten, Segments, Tri};
use crate::sources::facts::Dialect;

/// A request as a client sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// `None`: the method is not known; every method passes.
    pub method: Option<Method>,
    pub path: ReqPath,
    /// The host it is sent to when its URL is absolute; `None` for a same-origin request
    /// (the page's host, which routelint does not know).
    pub host: Option<String>,
}

/// Whether a route's host pattern (`api.example.com`, `*.example.com`, `*`) takes `host`.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let p = pattern
        .split(':')
        .next()
        .unwrap_or(pattern)
        .to_ascii_lowercase();
    let h = host.to_ascii_lowercase();
    match p.strip_prefix('*') {
        Some("") => true,
        Some(suffix) if suffix.starts_with('.') => h.ends_with(suffix) && h.len() > suffix.len(),
        _ => p == h,
    }
}

/// `http://api.example.com:8080` → `api.example.com` (the first of the names
/// [`crate::model::topology::host_candidates`] gives).
pub fn host_of(origin: &str) -> Option<String> {
    crate::model::topology::host_candidates(origin)
        .into_iter()
        .next()
        .filter(|h| !h.is_empty())
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.method {
            Some(m) => write!(f, "{m} {}", self.path),
            None => write!(f, "{}", self.path),
        }
    }
}

/// What decided a hop: a route or an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Route(RouteId),
    Endpoint(EndpointId),
}

/// One component the request passed through.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub component: ComponentId,
    pub table: Option<String>,
    pub path_in: ReqPath,
    pub chosen: Option<Step>,
    pub path_out: Option<ReqPath>,
    /// Routes or endpoints that match only if a client parameter equals their literal text
    /// (`/{id}` against `/orders`): set aside, they decide nothing at this hop (neither a
    /// success nor a 405) and are kept as notes.
    pub coincidental: Vec<Coincidence>,
}

/// A match that needs a client parameter to equal a route's literal text.
#[derive(Clone, Debug, PartialEq)]
pub struct Coincidence {
    /// The route, or the endpoints of one path (`GET` and its implicit `HEAD`).
    pub steps: Vec<Step>,
    pub bindings: Vec<Binding>,
}

/// Why a hop found nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum Miss {
    /// No route or endpoint matches the path.
    NoMatch,
    /// The route matched but its `StripPrefix` rejected the path.
    StripRejected(RouteId),
}

/// How a request ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A service endpoint answers it.
    Reached(EndpointId),
    /// A gateway's own handler answers it.
    Served(RouteId),
    /// 404 at the last hop.
    NotFound(Miss),
    /// The path matches but not the method; `status` is that hop's answer (405, or 404 from
    /// routers that have no 405).
    MethodNotAllowed {
        status: u16,
        allowed: Vec<Method>,
        matched: Vec<Step>,
    },
    /// A redirect to the same path with a trailing slash (Go ServeMux subtree).
    Redirect {
        status: u16,
        to: ReqPath,
        step: Step,
    },
    /// routelint cannot follow it further: never reported as a failure.
    Unknown(String),
}

impl Outcome {
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Outcome::NotFound(_) | Outcome::MethodNotAllowed { .. }
        )
    }
    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Reached(_) | Outcome::Served(_))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub request: Request,
    pub entry: ComponentId,
    pub hops: Vec<Hop>,
    pub outcome: Outcome,
}

impl Trace {
    pub fn last_hop(&self) -> Option<&Hop> {
        self.hops.last()
    }
}

const MAX_HOPS: usize = 24;

/// Candidates of one routing table, indexed by the first path segment they can match.
#[derive(Debug, Default)]
struct TableIndex {
    steps: Vec<Step>,
    by_first: HashMap<String, Vec<usize>>,
    any_first: Vec<usize>,
}

impl TableIndex {
    fn add(&mut self, step: Step, matcher: &PathMatch) {
        let i = self.steps.len();
        self.steps.push(step);
        match first_segment_key(matcher) {
            Some(k) => self.by_first.entry(k).or_default().push(i),
            None => self.any_first.push(i),
        }
    }

    /// Candidate positions for a path, in declaration order.
    fn candidates(&self, segs: &Segments) -> Vec<usize> {
        let first = segs.segs.first().and_then(|s| match s.as_slice() {
            [Piece::Lit(l)] if segs.leading_slash => Some(l.as_str()),
            [] if segs.leading_slash => Some(""),
            _ => None,
        });
        let mut out: Vec<usize> = match first {
            Some(f) => self
                .by_first
                .get(f)
                .map(|v| v.iter().chain(&self.any_first).copied().collect())
                .unwrap_or_else(|| self.any_first.clone()),
            None => (0..self.steps.len()).collect(),
        };
        out.sort_unstable();
        out
    }
}

/// The first whole literal segment every path a matcher accepts starts with, when certain.
fn first_segment_key(m: &PathMatch) -> Option<String> {
    let (text, complete_needed) = match m {
        PathMatch::Exact {
            path,
            ignore_case: false,
        } => (path.as_str(), false),
        PathMatch::StringPrefix {
            prefix,
            ignore_case: false,
        } => (prefix.as_str(), true),
        PathMatch::SegmentPrefix {
            prefix,
            ignore_case: false,
        } => (prefix.as_str(), false),
        PathMatch::Template {
            pattern,
            ignore_case: false,
        } => {
            return match pattern.segs.first() {
                Some(crate::model::path::PatSeg::Lit(l)) => Some(l.clone()),
                _ => None,
            };
        }
        _ => return None,
    };
    let rest = text.strip_prefix('/')?;
    match rest.find('/') {
        Some(i) => Some(rest[..i].to_owned()),
        // `/api` as a string prefix also matches `/apix`: not a whole segment.
        None if complete_needed || rest.is_empty() => None,
        None => Some(rest.to_owned()),
    }
}

/// The simulator over one graph, with its indexes.
pub struct Sim<'g> {
    pub graph: &'g Graph,
    tables: HashMap<(ComponentId, String), TableIndex>,
}

impl<'g> Sim<'g> {
    pub fn new(graph: &'g Graph) -> Sim<'g> {
        let mut tables = HashMap::new();
        for (ci, c) in graph.components.iter().enumerate() {
            let id = ComponentId(ci);
            let entry = c.entry_table().map(str::to_owned);
            for (name, routes) in &c.tables {
                let mut idx = TableIndex::default();
                for r in routes {
                    idx.add(Step::Route(*r), &graph.route(*r).fact.matcher);
                }
                if entry.as_deref() == Some(name) {
                    add_endpoints(graph, c, &mut idx);
                }
                tables.insert((id, name.clone()), idx);
            }
            if entry.is_none() && !c.endpoints.is_empty() {
                let mut idx = TableIndex::default();
                add_endpoints(graph, c, &mut idx);
                tables.insert((id, String::new()), idx);
            }
        }
        Sim { graph, tables }
    }

    /// Traces a request from an entry component.
    pub fn trace(&self, entry: ComponentId, request: &Request) -> Trace {
        self.resume(
            entry,
            Vec::new(),
            entry,
            None,
            request.path.clone(),
            request,
        )
    }

    /// Traces a request from each entry and keeps the one that tells most: a success, else one
    /// that ends somewhere routelint cannot follow, else the failure that got furthest.
    pub fn best_trace(&self, entries: &[ComponentId], request: &Request) -> Option<Trace> {
        let traces: Vec<Trace> = entries.iter().map(|e| self.trace(*e, request)).collect();
        traces
            .iter()
            .position(|t| t.outcome.is_success())
            .or_else(|| {
                traces
                    .iter()
                    .position(|t| matches!(t.outcome, Outcome::Unknown(_)))
            })
            .or_else(|| {
                traces
                    .iter()
                    .enumerate()
                    .max_by_key(|(i, t)| (t.hops.len(), std::cmp::Reverse(*i)))
                    .map(|(i, _)| i)
            })
            .and_then(|i| traces.into_iter().nth(i))
    }

    /// Continues a trace at `component` (and `table`) with `path`, after `hops`.
    pub fn resume(
        &self,
        entry: ComponentId,
        mut hops: Vec<Hop>,
        mut component: ComponentId,
        mut table: Option<String>,
        mut path: ReqPath,
        request: &Request,
    ) -> Trace {
        let method = request.method;
        let outcome = loop {
            if hops.len() >= MAX_HOPS {
                break Outcome::Unknown("the request loops between components".to_owned());
            }
            let c = self.graph.component(component);
            // nginx selects locations on the normalised URI (`merge_slashes on`).
            if c.policy == Policy::Nginx && path.has_double_slash() {
                path = path.collapse_slashes();
            }
            let table_name = table
                .clone()
                .or_else(|| c.entry_table().map(str::to_owned))
                .unwrap_or_default();
            let mut hop = Hop {
                component,
                table: (!table_name.is_empty()).then(|| table_name.clone()),
                path_in: path.clone(),
                chosen: None,
                path_out: None,
                coincidental: Vec::new(),
            };
            let Some(index) = self.tables.get(&(component, table_name.clone())) else {
                hops.push(hop);
                // A declared gateway with no route bound to it answers every request with 404.
                if c.role == crate::model::graph::Role::Edge && c.span.is_some() && c.is_empty() {
                    break Outcome::NotFound(Miss::NoMatch);
                }
                break Outcome::Unknown(format!(
                    "routelint has no routes or endpoints for {}",
                    c.name
                ));
            };
            match self.choose(
                component,
                index,
                &path,
                method,
                request.host.as_deref(),
                &mut hop.coincidental,
            ) {
                Choice::Step(step) => {
                    hop.chosen = Some(step);
                    match step {
                        Step::Endpoint(e) => {
                            hops.push(hop);
                            break Outcome::Reached(e);
                        }
                        Step::Route(r) => {
                            let route = self.graph.route(r);
                            let out = match &route.fact.rewrite {
                                None => Rewritten::Path(path.clone()),
                                Some(rw) => rw.apply(&route.fact.matcher, &path),
                            };
                            let next = match out {
                                // Go's reverse proxy joins the target path and the request path
                                // with exactly one slash (httputil joinURLPath): a path left
                                // without its leading slash by StripPrefix gets one back.
                                Rewritten::Path(p)
                                    if matches!(route.fact.dialect, Dialect::GoServeMux { .. })
                                        && matches!(route.dest, Dest::Component(_))
                                        && !p.segments().leading_slash =>
                                {
                                    p.prepend("/")
                                }
                                Rewritten::Path(p) => p,
                                Rewritten::Rejected => {
                                    hops.push(hop);
                                    break Outcome::NotFound(Miss::StripRejected(r));
                                }
                                Rewritten::Unknown => {
                                    hops.push(hop);
                                    break Outcome::Unknown(
                                        "the rewrite depends on a parameter's value".to_owned(),
                                    );
                                }
                            };
                            hop.path_out = Some(next.clone());
                            hops.push(hop);
                            match &route.dest {
                                Dest::Component(d) => {
                                    component = *d;
                                    table = None;
                                    path = next;
                                }
                                Dest::Table(t) => {
                                    table = Some(t.clone());
                                    path = next;
                                }
                                Dest::Serve(_) => break Outcome::Served(r),
                                Dest::Opaque(why) => break Outcome::Unknown(why.clone()),
                                Dest::Unlinked(host) => {
                                    break Outcome::Unknown(format!(
                                        "no component answers to `{host}` (name it in routelint.toml: [components.NAME] hosts = [\"{host}\"])"
                                    ));
                                }
                            }
                        }
                    }
                }
                Choice::MethodMiss { .. } | Choice::None
                    if let Some(why) = opaque_cover(c, &path) =>
                {
                    hops.push(hop);
                    break Outcome::Unknown(why);
                }
                Choice::MethodMiss {
                    status,
                    allowed,
                    matched,
                } => {
                    hops.push(hop);
                    break Outcome::MethodNotAllowed {
                        status: status.unwrap_or(c.miss.method_miss),
                        allowed,
                        matched,
                    };
                }
                Choice::ByHost(why) => {
                    hops.push(hop);
                    break Outcome::Unknown(why);
                }
                Choice::Redirect { status, to, step } => {
                    hop.chosen = Some(step);
                    hops.push(hop);
                    break Outcome::Redirect { status, to, step };
                }
                Choice::None => {
                    hops.push(hop);
                    break Outcome::NotFound(Miss::NoMatch);
                }
            }
        };
        Trace {
            request: request.clone(),
            entry,
            hops,
            outcome,
        }
    }

    fn step_match(&self, step: Step, path: &ReqPath, segs: &Segments) -> Tri {
        self.step_match_read(step, path, segs, Reading::AnyValue)
    }

    fn step_match_read(
        &self,
        step: Step,
        path: &ReqPath,
        segs: &Segments,
        reading: Reading,
    ) -> Tri {
        match step {
            Step::Route(r) => {
                let fact = &self.graph.route(r).fact;
                let t = fact.matcher.matches_read(path, Some(segs), reading);
                // Header or query conditions a call's text does not show: only maybe.
                if fact.conditional {
                    t.min(Tri::Maybe)
                } else {
                    t
                }
            }
            Step::Endpoint(e) => self
                .graph
                .endpoint(e)
                .fact
                .pattern
                .match_segments_read(segs, false, reading),
        }
    }

    /// The literal text a client parameter would have to equal for `step` to accept `path`.
    fn bindings(&self, step: Step, path: &ReqPath) -> Vec<Binding> {
        match step {
            Step::Route(r) => self.graph.route(r).fact.matcher.bindings(path),
            Step::Endpoint(e) => PathMatch::Template {
                pattern: self.graph.endpoint(e).fact.pattern.clone(),
                ignore_case: false,
            }
            .bindings(path),
        }
    }

    /// "`{id}` would match orders-service POST /orders only if id were `orders`".
    pub fn coincidence_note(&self, c: &Coincidence) -> String {
        let what = match c.steps.first() {
            Some(Step::Endpoint(e)) => {
                let ep = self.graph.endpoint(*e);
                let methods: Vec<Method> = c
                    .steps
                    .iter()
                    .filter_map(|s| match s {
                        Step::Endpoint(e) => Some(self.graph.endpoint(*e).fact.method),
                        Step::Route(_) => None,
                    })
                    .collect();
                format!(
                    "{} {} {}",
                    self.graph.component(ep.component).name,
                    crate::model::method::list(&methods),
                    ep.fact.pattern
                )
            }
            Some(Step::Route(r)) => {
                let fact = &self.graph.route(*r).fact;
                let m = fact.matcher.to_string();
                let shown = fact
                    .matcher
                    .literal_prefix()
                    .is_some_and(|p| fact.origin.contains(&p));
                match (&fact.methods, shown) {
                    (_, true) => fact.origin.clone(),
                    (MethodSet::Any, false) => format!("{} {m}", fact.origin),
                    (MethodSet::Only(l), false) => {
                        format!("{} {} {m}", fact.origin, crate::model::method::list(l))
                    }
                }
            }
            None => String::new(),
        };
        let params: Vec<String> = c
            .bindings
            .iter()
            .map(|b| format!("`{{{}}}`", b.param))
            .collect();
        let conds: Vec<String> = c
            .bindings
            .iter()
            .map(|b| {
                let verb = if b.starts { "began with" } else { "were" };
                format!("{} {verb} `{}`", b.param, b.literal)
            })
            .collect();
        format!(
            "{} would match {what} only if {} (not counted: a parameter is read as a value, not as the route's literal segment)",
            params.join(", "),
            conds.join(" and ")
        )
    }

    pub fn step_methods(&self, step: Step) -> MethodSet {
        match step {
            Step::Route(r) => self.graph.route(r).fact.methods.clone(),
            Step::Endpoint(e) => MethodSet::only([self.graph.endpoint(e).fact.method]),
        }
    }

    /// Whether a single step (route or endpoint) accepts the path, for near-miss search.
    pub fn accepts(&self, step: Step, path: &ReqPath) -> Tri {
        self.step_match(step, path, &path.segments())
    }

    /// All steps of the table a hop used.
    pub fn steps_of(&self, component: ComponentId, table: Option<&str>) -> &[Step] {
        let c = self.graph.component(component);
        let name = table
            .map(str::to_owned)
            .or_else(|| c.entry_table().map(str::to_owned))
            .unwrap_or_default();
        self.tables
            .get(&(component, name))
            .map(|t| t.steps.as_slice())
            .unwrap_or_default()
    }

    /// Picks what answers `path` at one table. Only definite matches decide: a route or
    /// endpoint that matches only if a client parameter equals its literal text is set aside
    /// in `coincidental` and takes part in no precedence, method set or redirect.
    fn choose(
        &self,
        component: ComponentId,
        index: &TableIndex,
        path: &ReqPath,
        method: Option<Method>,
        host: Option<&str>,
        coincidental: &mut Vec<Coincidence>,
    ) -> Choice {
        let c = self.graph.component(component);
        let segs = path.segments();
        let mut path_matches: Vec<(usize, Step, Tri)> = Vec::new();
        for i in index.candidates(&segs) {
            let step = index.steps[i];
            let t = self.step_match(step, path, &segs);
            if t == Tri::Maybe
                && path.has_params()
                && self.step_match_read(step, path, &segs, Reading::Definite) == Tri::No
            {
                let bindings = self.bindings(step, path);
                let same_path = |s: &Step| match (s, step) {
                    (Step::Endpoint(a), Step::Endpoint(b)) => {
                        self.graph.endpoint(*a).fact.pattern == self.graph.endpoint(b).fact.pattern
                    }
                    _ => false,
                };
                match coincidental
                    .iter_mut()
                    .find(|c| c.bindings == bindings && c.steps.first().is_some_and(same_path))
                {
                    Some(c) => c.steps.push(step),
                    None => coincidental.push(Coincidence {
                        steps: vec![step],
                        bindings,
                    }),
                }
                continue;
            }
            if t.matched() {
                path_matches.push((i, step, t));
            }
        }
        // A request whose host is known matches only the routes for that host (or any host).
        if let Some(h) = host {
            path_matches.retain(|(_, s, _)| match s {
                Step::Route(r) => {
                    let hosts = &self.graph.route(*r).fact.hosts;
                    hosts.is_empty() || hosts.iter().any(|p| host_matches(p, h))
                }
                Step::Endpoint(_) => true,
            });
        }
        // A ranked router's own handlers are asked first and decide alone when their path
        // matches (Spring: the controllers' handler mapping answers a method miss with 405
        // before Spring Cloud Gateway's route mapping is asked).
        if c.policy == Policy::Priority
            && path_matches
                .iter()
                .any(|(_, s, _)| matches!(s, Step::Endpoint(_)))
        {
            path_matches.retain(|(_, s, _)| matches!(s, Step::Endpoint(_)));
        }
        let allowed = |s: Step| self.step_methods(s).allows(method);
        if c.policy == Policy::Nginx {
            return self.choose_nginx(&path_matches, index, path, method);
        }
        let winner = match c.policy {
            Policy::Nginx => None,
            Policy::FirstMatch => path_matches
                .iter()
                .filter(|(_, s, _)| allowed(*s))
                .find(|(_, _, t)| *t == Tri::Yes)
                .or_else(|| path_matches.iter().find(|(_, s, _)| allowed(*s)))
                .map(|(_, s, _)| *s),
            Policy::MostSpecific => path_matches
                .iter()
                .filter(|(_, s, _)| allowed(*s))
                .max_by(|a, b| self.specificity(a, b))
                .map(|(_, s, _)| *s),
            Policy::Priority => path_matches
                .iter()
                .filter(|(_, s, _)| allowed(*s))
                .max_by(|a, b| {
                    self.priority(a.1)
                        .cmp(&self.priority(b.1))
                        .then(a.2.cmp(&b.2))
                        .then(b.0.cmp(&a.0))
                })
                .map(|(_, s, _)| *s),
        };
        if let Some(step) = winner {
            if let Some(why) = self
                .host_ambiguity(step, &path_matches, method)
                .filter(|_| host.is_none())
            {
                return Choice::ByHost(why);
            }
            return Choice::Step(step);
        }
        if !path_matches.is_empty() {
            let mut allowed: Vec<Method> = Vec::new();
            for (_, s, _) in &path_matches {
                match self.step_methods(*s) {
                    MethodSet::Any => {}
                    MethodSet::Only(list) => allowed.extend(list),
                }
            }
            allowed.sort();
            allowed.dedup();
            // Only a framework's handlers matched (a gateway's own controllers): the
            // framework answers the miss, not the gateway's router.
            let framework_only = path_matches.iter().all(|(_, s, _)| {
                matches!(s, Step::Endpoint(e)
                    if matches!(self.graph.endpoint(*e).fact.dialect, Dialect::Framework(_)))
            });
            let status = match path_matches.first() {
                Some((_, Step::Endpoint(e), _)) if framework_only => {
                    match self.graph.endpoint(*e).fact.dialect {
                        Dialect::Framework(fw) => Some(fw.miss().method_miss),
                        _ => None,
                    }
                }
                _ => None,
            };
            return Choice::MethodMiss {
                status,
                allowed,
                matched: path_matches.iter().map(|(_, s, _)| *s).collect(),
            };
        }
        if let Some(status) = c.miss.subtree_redirect
            && let Some(with_slash) = path.toggle_trailing_slash()
            && !path.segments().trailing_slash
        {
            for i in index.candidates(&with_slash.segments()) {
                let step = index.steps[i];
                if let Step::Route(r) = step
                    && let PathMatch::Template { pattern, .. } = &self.graph.route(r).fact.matcher
                    && pattern.subtree
                    && pattern.match_path(&with_slash, false) == Tri::Yes
                    && pattern.segs.len() == with_slash.segments().segs.len()
                {
                    return Choice::Redirect {
                        status,
                        to: with_slash,
                        step,
                    };
                }
            }
        }
        Choice::None
    }

    /// A table's routes and endpoints in the order the component really tries them: as
    /// declared for first-match routers, most specific first for the others.
    pub fn match_order(&self, component: ComponentId, table: Option<&str>) -> Vec<Step> {
        let steps = self.steps_of(component, table);
        let mut order: Vec<(usize, Step, Tri)> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| (i, *s, Tri::Yes))
            .collect();
        match self.graph.component(component).policy {
            Policy::MostSpecific => order.sort_by(|a, b| self.specificity(b, a)),
            Policy::Priority => order.sort_by(|a, b| {
                self.priority(b.1)
                    .cmp(&self.priority(a.1))
                    .then(a.0.cmp(&b.0))
            }),
            Policy::FirstMatch => {}
            // Exact, then prefixes longest first, then regexes in file order.
            Policy::Nginx => order.sort_by_key(|(i, s, _)| match s {
                Step::Route(r) => match &self.graph.route(*r).fact.matcher {
                    PathMatch::Exact { .. } => (0, 0, *i),
                    PathMatch::StringPrefix { prefix, .. } => (1, usize::MAX - prefix.len(), *i),
                    _ => (2, 0, *i),
                },
                Step::Endpoint(_) => (3, 0, *i),
            }),
        }
        order.into_iter().map(|(_, s, _)| s).collect()
    }

    /// nginx location selection (semantics.md, "nginx"; `ngx_http_core_find_location`):
    /// an exact location wins at once; else the longest matching prefix is remembered and wins
    /// at once when it is `^~`; else the first regex location in file order; else the
    /// remembered prefix. A path equal to a proxied prefix location without its trailing slash
    /// (`/p` for `location /p/ { proxy_pass …; }`) with no location of its own is redirected
    /// (301) to `/p/`. The chosen location decides alone: a method it does not allow
    /// (`limit_except`) is a method miss there, and a `return 404|410` location is a 404.
    /// A literal match (yes) is preferred over a maybe at each step.
    /// The request carries no host, but the winning route answers only some hosts and a route
    /// for other hosts, sending elsewhere, matches too (Traefik `Host(`a`)` and
    /// `Host(`admin.a`)` routers): which one answers depends on the page's host.
    fn host_ambiguity(
        &self,
        winner: Step,
        matches: &[(usize, Step, Tri)],
        method: Option<Method>,
    ) -> Option<String> {
        let Step::Route(w) = winner else { return None };
        let win = self.graph.route(w);
        if win.fact.hosts.is_empty() {
            return None;
        }
        let other = matches.iter().find_map(|(_, s, _)| {
            let Step::Route(r) = *s else { return None };
            let route = self.graph.route(r);
            // A route for other hosts, or for every host (it answers when the host is not
            // the winner's).
            let elsewhere = !route.fact.hosts.iter().any(|h| win.fact.hosts.contains(h))
                && route.dest != win.dest
                && self.step_methods(*s).allows(method);
            elsewhere.then_some(route)
        })?;
        let describe = |r: &crate::model::graph::Route| match &r.dest {
            Dest::Component(c) => self.graph.component(*c).name.clone(),
            Dest::Unlinked(h) => h.clone(),
            _ => r.fact.origin.clone(),
        };
        let hosts = |r: &crate::model::graph::Route| {
            if r.fact.hosts.is_empty() {
                "any other host".to_owned()
            } else {
                r.fact.hosts.join(", ")
            }
        };
        Some(format!(
            "it depends on the request's host: {} goes to {}, {} to {}; call it with an absolute URL to have it checked",
            hosts(win),
            describe(win),
            hosts(other),
            describe(other)
        ))
    }

    fn choose_nginx(
        &self,
        matches: &[(usize, Step, Tri)],
        index: &TableIndex,
        path: &ReqPath,
        method: Option<Method>,
    ) -> Choice {
        let route_of = |s: Step| match s {
            Step::Route(r) => Some(self.graph.route(r)),
            Step::Endpoint(_) => None,
        };
        let pick = |want: Tri| -> Option<Step> {
            let of_kind = |k: u8| {
                matches.iter().filter(move |(_, s, t)| {
                    *t == want
                        && route_of(*s).is_some_and(|r| match r.fact.matcher {
                            PathMatch::Exact { .. } => k == 0,
                            PathMatch::StringPrefix { .. } => k == 1,
                            _ => k == 2,
                        })
                })
            };
            if let Some((_, s, _)) = of_kind(0).next() {
                return Some(*s);
            }
            let prefix = of_kind(1)
                .max_by_key(|(i, s, _)| {
                    let len = route_of(*s)
                        .and_then(|r| r.fact.matcher.prefix().map(str::len))
                        .unwrap_or(0);
                    (len, std::cmp::Reverse(*i))
                })
                .map(|(_, s, _)| *s);
            if let Some(s) = prefix
                && route_of(s).is_some_and(|r| r.fact.priority == Some(1))
            {
                return Some(s);
            }
            of_kind(2).next().map(|(_, s, _)| *s).or(prefix)
        };
        // The slash-less path of a proxied `location /p/` is redirected, unless a location
        // of its own (other than `/`-like shorter prefixes) catches it first.
        let longest = |want: Tri| {
            matches
                .iter()
                .filter(|(_, s, t)| *t == want && route_of(*s).is_some())
                .filter_map(|(_, s, _)| route_of(*s))
                .filter_map(|r| match &r.fact.matcher {
                    PathMatch::Exact { path, .. } => Some(path.len() + 1),
                    PathMatch::StringPrefix { prefix, .. } => Some(prefix.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
        };
        if path.is_literal() && !path.segments().trailing_slash {
            let p = path.literal_head();
            let with_slash = format!("{p}/");
            if longest(Tri::Yes) < p.len() {
                for i in index.candidates(&ReqPath::literal(&with_slash).segments()) {
                    let step = index.steps[i];
                    if let Some(r) = route_of(step)
                        && matches!(&r.fact.matcher, PathMatch::StringPrefix { prefix, .. } if *prefix == with_slash)
                        && matches!(r.fact.target, crate::sources::facts::Target::Forward { .. })
                    {
                        return Choice::Redirect {
                            status: 301,
                            to: ReqPath::literal(&with_slash),
                            step,
                        };
                    }
                }
            }
        }
        let Some(step) = pick(Tri::Yes).or_else(|| pick(Tri::Maybe)) else {
            return Choice::None;
        };
        if let Some(r) = route_of(step)
            && let Dest::Serve(h) = &r.dest
            && (h == "return 404" || h == "return 410")
        {
            return Choice::None;
        }
        if !self.step_methods(step).allows(method) {
            return Choice::MethodMiss {
                status: None,
                allowed: self.step_methods(step).list().to_vec(),
                matched: vec![step],
            };
        }
        Choice::Step(step)
    }

    /// A ranked router's own handlers come before its routes: Spring orders the controllers'
    /// `RequestMappingHandlerMapping` (order 0) before Spring Cloud Gateway's
    /// `RoutePredicateHandlerMapping` (order 1), so a gateway's `@RestController` answers
    /// its paths whatever the routes say.
    fn priority(&self, step: Step) -> i64 {
        match step {
            Step::Route(r) => self.graph.route(r).fact.priority.unwrap_or(0),
            Step::Endpoint(_) => i64::MAX,
        }
    }

    fn specificity(&self, a: &(usize, Step, Tri), b: &(usize, Step, Tri)) -> Ordering {
        let pa = self.pattern_of(a.1);
        let pb = self.pattern_of(b.1);
        a.2.cmp(&b.2)
            .then_with(|| match (&pa, &pb) {
                (Some(x), Some(y)) => x.specificity_cmp(y),
                _ => self.rank(a.1).cmp(&self.rank(b.1)),
            })
            .then_with(|| {
                let ma = !self.step_methods(a.1).is_any();
                let mb = !self.step_methods(b.1).is_any();
                ma.cmp(&mb)
            })
            // Earlier declaration wins a tie.
            .then_with(|| b.0.cmp(&a.0))
    }

    fn pattern_of(&self, step: Step) -> Option<crate::model::path::Pattern> {
        match step {
            Step::Endpoint(e) => Some(self.graph.endpoint(e).fact.pattern.clone()),
            Step::Route(r) => match &self.graph.route(r).fact.matcher {
                PathMatch::Template { pattern, .. } => Some(pattern.clone()),
                _ => None,
            },
        }
    }

    fn rank(&self, step: Step) -> (u8, usize) {
        match step {
            Step::Endpoint(_) => (3, 0),
            Step::Route(r) => {
                let m = &self.graph.route(r).fact.matcher;
                (
                    m.kind_rank(),
                    m.literal_prefix().map(|p| p.len()).unwrap_or(0),
                )
            }
        }
    }
}

/// Why a miss at `c` is unknown: a router it mounts, whose routes routelint cannot read, may
/// answer `path`.
fn opaque_cover(c: &crate::model::graph::Component, path: &ReqPath) -> Option<String> {
    let segs = path.segments();
    let literal: Vec<Option<&str>> = segs
        .segs
        .iter()
        .map(|s| match s.as_slice() {
            [crate::model::path::Piece::Lit(l)] => Some(l.as_str()),
            _ => None,
        })
        .collect();
    let m = c.opaque_mounts.iter().find(|m| m.may_cover(&literal))?;
    Some(format!(
        "{} mounts a router routelint cannot read at {} ({}), which may answer it; to have it checked, commit the service's OpenAPI document",
        c.name,
        if m.prefix.is_empty() {
            "/"
        } else {
            m.prefix.as_str()
        },
        m.why
    ))
}

fn add_endpoints(graph: &Graph, c: &crate::model::graph::Component, idx: &mut TableIndex) {
    for e in &c.endpoints {
        let pattern = graph.endpoint(*e).fact.pattern.clone();
        idx.add(
            Step::Endpoint(*e),
            &PathMatch::Template {
                pattern,
                ignore_case: false,
            },
        );
    }
}

enum Choice {
    Step(Step),
    MethodMiss {
        /// The status when it is not the component's own (a framework's handlers missed).
        status: Option<u16>,
        allowed: Vec<Method>,
        matched: Vec<Step>,
    },
    Redirect {
        status: u16,
        to: ReqPath,
        step: Step,
    },
    None,
    /// Routes for different hosts match and the request's host is not known.
    ByHost(String),
}

#[cfg(test)]
mod host_tests {
    use super::*;

    #[test]
    fn hosts_match_exactly_or_by_wildcard_and_origins_give_their_host() {
        let table = [
            ("shop.example.com", "shop.example.com", true),
            ("Shop.Example.com", "shop.example.COM", true),
            ("*", "anything", true),
            ("*.example.com", "api.example.com", true),
            ("*.example.com", "example.com", false),
            ("admin.localhost", "localhost", false),
            ("localhost:8080", "localhost", true),
        ];
        for (pattern, host, want) in table {
            assert_eq!(host_matches(pattern, host), want, "{pattern} {host}");
        }
        assert_eq!(
            host_of("https://Shop.example.com:8443/x").as_deref(),
            Some("shop.example.com")
        );
        assert_eq!(host_of("http://user@api:80").as_deref(), Some("api"));
    }
}

#[cfg(test)]
mod nginx_tests {
    //! nginx location selection, checked against the order the nginx docs give
    //! (`location` directive): exact, longest prefix, `^~`, regexes in order, prefix.

    use super::*;
    use crate::model::topology::{FileFacts, build};
    use crate::source_file::FileId;
    use crate::sources::gateway::nginx;

    const CONF: &str = r#"
server {
    location = / { return 200; }
    location / { proxy_pass http://web; }
    location /documents/ { proxy_pass http://docs; }
    location ^~ /images/ { proxy_pass http://img; }
    location ~* \.(gif|jpg|jpeg)$ { proxy_pass http://media; }
    location ~ ^/documents/.*\.pdf$ { proxy_pass http://pdf; }
    location /api/ { limit_except GET { deny all; } proxy_pass http://api/; }
    location /gone/ { return 404; }
    location /old/ { rewrite ^/old/(.*)$ /documents/$1 last; }
}
"#;

    fn outcome(method: Option<Method>, path: &str) -> String {
        let facts = nginx::extract(crate::sources::testing::test_input(
            "nginx/nginx.conf",
            CONF,
        ));
        let files = [FileFacts {
            file: FileId(0),
            display: "nginx/nginx.conf".to_owned(),
            project: None,
            facts,
        }];
        let graph = build(&files, &crate::model::settings::GraphSettings::default());
        let sim = Sim::new(&graph);
        let nginx = graph.find("nginx").expect("nginx component");
        let t = sim.trace(
            nginx,
            &Request {
                method,
                path: ReqPath::parse(path),
                host: None,
            },
        );
        let origins: Vec<String> = t
            .hops
            .iter()
            .filter_map(|h| match h.chosen {
                Some(Step::Route(r)) => Some(graph.route(r).fact.origin.clone()),
                _ => None,
            })
            .collect();
        let end = match &t.outcome {
            Outcome::Redirect { status, to, .. } => format!("redirect {status} {to}"),
            Outcome::MethodNotAllowed { status, .. } => format!("{status}"),
            Outcome::NotFound(_) => "404".to_owned(),
            Outcome::Served(_) => "served".to_owned(),
            Outcome::Unknown(_) => "forwarded".to_owned(),
            Outcome::Reached(_) => "reached".to_owned(),
        };
        format!("{} → {end}", origins.join(" → "))
    }

    #[test]
    fn location_selection_follows_nginx_order() {
        let get = Some(Method::Get);
        let table = [
            (get, "/", "location = / → served"),
            (get, "/index.html", "location / → forwarded"),
            (get, "/documents/a.txt", "location /documents/ → forwarded"),
            // Slashes are merged before the choice.
            (
                get,
                "//documents//a.txt",
                "location /documents/ → forwarded",
            ),
            // A regex beats the remembered (non-^~) prefix.
            (
                get,
                "/documents/a.jpg",
                "location ~* \\.(gif|jpg|jpeg)$ → forwarded",
            ),
            // First regex in file order wins.
            (
                get,
                "/documents/a.pdf",
                "location ~ ^/documents/.*\\.pdf$ → forwarded",
            ),
            // `^~` skips the regexes; `~*` is case-insensitive.
            (get, "/images/a.jpg", "location ^~ /images/ → forwarded"),
            (
                get,
                "/x/A.JPG",
                "location ~* \\.(gif|jpg|jpeg)$ → forwarded",
            ),
            // limit_except: the location is chosen, the method refused with 403.
            (get, "/api/x", "location /api/ → forwarded"),
            (Some(Method::Head), "/api/x", "location /api/ → forwarded"),
            (Some(Method::Post), "/api/x", " → 403"),
            // A proxied `/p/` redirects the bare `/p`; a static one does not.
            (get, "/api", "location /api/ → redirect 301 /api/"),
            (
                get,
                "/documents",
                "location /documents/ → redirect 301 /documents/",
            ),
            (get, "/gone/x", " → 404"),
            // `rewrite … last` selects a location again with the new URI.
            (
                get,
                "/old/a.txt",
                "location /old/ → location /documents/ → forwarded",
            ),
            (get, "/api/{id}", "location /api/ → forwarded"),
        ];
        for (method, path, want) in table {
            assert_eq!(outcome(method, path), want, "{path}");
        }
    }
}
