//! What every rule reads: the graph, the simulator, every call's result (traced and diagnosed
//! once, here) and the policies of the configuration. Decides no finding.

use crate::finding::Meta;
use crate::finding::{Finding, Label, RequestInfo};
use crate::model::graph::{CallId, ComponentId, Dest, Graph, Role};
use crate::rules::diagnose::{self, Diagnosis, Link};
use crate::rules::nginx_slash;
use crate::rules::result::CallResult;
use crate::sim::{Outcome, Request, Sim, Step, Trace};
use crate::source_file::{SourceMap, Span};
use crate::sources::{facts::CallUrl, facts::Problem, facts::Target};

/// A diagnosed call, as a rule reads it.
pub struct Site<'s> {
    pub result: &'s CallResult,
    pub diagnosis: &'s Diagnosis,
    /// The cause reported.
    pub link: &'s Link,
    pub request: &'s Request,
    /// The hop where the cause was found.
    pub hop: &'s crate::sim::Hop,
}

/// What every rule reads.
pub struct Context<'a> {
    pub graph: &'a Graph,
    pub sim: &'a Sim<'a>,
    pub sources: &'a SourceMap,
    pub problems: &'a [Problem],
    pub results: Vec<CallResult>,
    /// Computed only when coverage was asked for (`--coverage`, `routelint coverage`).
    pub coverage: Option<crate::coverage::Coverage>,
    /// Policies from the configuration that rules read.
    pub options: RuleOptions,
}

/// Configuration policies rules read.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleOptions {
    /// `errors = "problem-details"`: error responses must be RFC 9457 problem details.
    pub problem_details: bool,
}

impl<'a> Context<'a> {
    /// Traces every call and diagnoses the failing ones.
    pub fn new(
        graph: &'a Graph,
        sim: &'a Sim<'a>,
        sources: &'a SourceMap,
        problems: &'a [Problem],
    ) -> Context<'a> {
        let page_hosts = page_hosts(graph);
        let results = graph
            .calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                let page_host = page_hosts.get(call.owner.as_str()).cloned();
                analyse_call(graph, sim, CallId(i), &call.fact, page_host)
            })
            .collect();
        Context {
            graph,
            sim,
            sources,
            problems,
            results,
            coverage: None,
            options: RuleOptions::default(),
        }
    }

    /// Sets the configuration policies rules read.
    pub fn with_options(mut self, options: RuleOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds the coverage analysis, which the coverage rules report from.
    pub fn with_coverage(mut self) -> Self {
        self.coverage = Some(crate::coverage::compute(
            self.graph,
            self.sim,
            &self.results,
        ));
        self
    }

    /// Calls whose reported (primary) cause belongs to `rule`, with the request and the hop
    /// where the cause was found.
    pub fn sites<'s>(&'s self, rule: &'static str) -> impl Iterator<Item = Site<'s>> + 's {
        self.results.iter().filter_map(move |result| {
            if self.duplicated(result) {
                return None;
            }
            let diagnosis = result.diagnosis.as_ref()?;
            // An nginx location/proxy_pass slash mismatch is reported by proxy-pass-slash.
            if nginx_slash::claims(self.graph, result) {
                return None;
            }
            let link = diagnosis.primary();
            if link.cause.rule() != rule {
                return None;
            }
            Some(Site {
                result,
                diagnosis,
                link,
                request: result.request.as_ref()?,
                hop: link.failed.hops.get(link.hop)?,
            })
        })
    }

    /// Whether the call has a prefix twice: `duplicated-prefix` reports it, not the rules
    /// that would see its 404 from another side.
    pub fn duplicated(&self, r: &CallResult) -> bool {
        self.graph.call(r.call).fact.duplicated.is_some()
    }

    /// A finding about a place rather than a call (a file, a route, an endpoint).
    pub fn place_finding(
        &self,
        meta: &'static Meta,
        label: Label,
        message: String,
        detail: String,
    ) -> Finding {
        Finding {
            rule: meta.name,
            code: meta.code,
            severity: meta.severity,
            status: meta.status,
            title: meta.title,
            message,
            detail,
            primary: label,
            related: Vec::new(),
            trace: None,
            help: None,
            notes: Vec::new(),
            fix: None,
            request: None,
            answered_by: None,
            fingerprint: String::new(),
        }
    }

    pub fn text(&self, span: Span) -> &str {
        self.sources
            .get(span.file)
            .map(|f| f.slice(span))
            .unwrap_or("")
    }

    /// "the Istio gateway blog-gateway", "api-gateway (Go ServeMux)".
    pub fn describe(&self, c: ComponentId) -> String {
        let comp = self.graph.component(c);
        match comp.role {
            Role::Edge => format!("the {} {}", comp.kind, comp.name),
            Role::Mesh => format!(
                "the mesh VirtualService {}",
                comp.name.strip_suffix(" (mesh)").unwrap_or(&comp.name)
            ),
            _ => comp.name.clone(),
        }
    }

    /// The finding skeleton for a call: request, primary label.
    pub fn call_finding(
        &self,
        meta: &'static Meta,
        r: &CallResult,
        message: String,
        detail: String,
    ) -> Finding {
        let call = &self.graph.call(r.call).fact;
        let answered_by = r.trace.as_ref().and_then(|t| self.answered_by(t));
        let mut notes = Vec::new();
        if let Some(t) = &r.trace
            && t.outcome.is_failure()
            && let Some(hop) = t.hops.last()
        {
            let c = self.graph.component(hop.component);
            // A mounted router that could take this path made the trace unknown, so the
            // mounts left here lie elsewhere and say nothing about it.
            let unread: Vec<&(crate::source_file::Span, String)> = c
                .unresolved_endpoints
                .iter()
                .filter(|(span, _)| !c.opaque_mounts.iter().any(|m| m.span == *span))
                .collect();
            if let Some((span, why)) = unread.first() {
                let at = self.sources.line_col(*span);
                notes.push(format!(
                    "{} also registers {} whose path routelint cannot read ({}:{}:{}: {why}); if {} this path, the request is answered",
                    c.name,
                    if unread.len() == 1 {
                        "an endpoint".to_owned()
                    } else {
                        format!("{} endpoints", unread.len())
                    },
                    self.sources.display(span.file),
                    at.line,
                    at.column,
                    if unread.len() == 1 {
                        "it is"
                    } else {
                        "one of them is"
                    }
                ));
            }
        }
        // Matches set aside at the failing hop: they need a parameter to equal a literal.
        if let Some(t) = &r.trace
            && t.outcome.is_failure()
            && let Some(hop) = t.hops.last()
        {
            notes.extend(
                hop.coincidental
                    .iter()
                    .map(|c| self.sim.coincidence_note(c)),
            );
        }
        let detail = match &answered_by {
            Some(a) => format!(
                "{detail} The {} is answered by {}: {}.",
                a.status,
                self.describe_name(&a.component),
                a.shape
            ),
            None => detail,
        };
        Finding {
            rule: meta.name,
            code: meta.code,
            severity: meta.severity,
            status: meta.status,
            title: meta.title,
            message,
            detail,
            primary: Label {
                span: call.span,
                message: "this request".to_owned(),
            },
            related: Vec::new(),
            trace: r.trace.as_ref().map(|t| self.trace_line(t)),
            help: None,
            notes,
            fix: None,
            request: r.request.as_ref().map(|q| RequestInfo {
                method: q.method,
                path: q.path.to_string(),
            }),
            answered_by,
            fingerprint: String::new(),
        }
    }

    /// Which hop answers a failed trace, and with what body (from its error profile).
    pub fn answered_by(&self, t: &Trace) -> Option<crate::finding::AnsweredBy> {
        let status = match &t.outcome {
            Outcome::NotFound(_) => 404,
            Outcome::MethodNotAllowed { status, .. } => *status,
            _ => return None,
        };
        let hop = t.hops.last()?;
        let c = self.graph.component(hop.component);
        let miss = c.errors.miss.as_ref()?;
        let source = match &miss.origin {
            crate::model::errors::AnswerOrigin::Handler(span) => {
                let at = self.sources.line_col(*span);
                format!(
                    "handler at {}:{}:{}",
                    self.sources.display(span.file),
                    at.line,
                    at.column
                )
            }
            crate::model::errors::AnswerOrigin::Default(why) => (*why).to_owned(),
        };
        Some(crate::finding::AnsweredBy {
            component: c.name.clone(),
            kind: c.kind.clone(),
            status,
            media_type: miss.body.media_type.clone(),
            members: miss.body.members.clone(),
            shape: crate::model::errors::describe(&miss.body),
            source,
        })
    }

    /// [`Context::describe`] by component name.
    pub fn describe_name(&self, name: &str) -> String {
        match self.graph.find(name) {
            Some(id) => self.describe(id),
            None => name.to_owned(),
        }
    }

    /// A label on the route or endpoint of a step.
    pub fn step_label(&self, step: Step, message: String) -> Label {
        let span = match step {
            Step::Route(r) => self.graph.route(r).fact.span,
            Step::Endpoint(e) => self.graph.endpoint(e).fact.span,
        };
        Label { span, message }
    }

    /// "blog-service GET /posts" for an endpoint, "api-gateway handler healthz" for a handler.
    pub fn describe_step(&self, step: Step) -> String {
        match step {
            Step::Endpoint(e) => {
                let ep = self.graph.endpoint(e);
                format!(
                    "{} {} {}",
                    self.graph.component(ep.component).name,
                    ep.fact.method,
                    ep.fact.pattern
                )
            }
            Step::Route(r) => {
                let route = self.graph.route(r);
                format!(
                    "{} {}",
                    self.graph.component(route.component).name,
                    route.fact.matcher
                )
            }
        }
    }

    /// The path a route or endpoint matches, as written: `/posts/{id}`, `prefix /blog/api/`.
    pub fn step_pattern(&self, step: Step) -> String {
        match step {
            Step::Endpoint(e) => self.graph.endpoint(e).fact.pattern.to_string(),
            Step::Route(r) => self.graph.route(r).fact.matcher.to_string(),
        }
    }

    /// Where a successful trace ends: "blog-service GET /posts".
    pub fn reached(&self, t: &Trace) -> Option<String> {
        match t.outcome {
            Outcome::Reached(e) => Some(self.describe_step(Step::Endpoint(e))),
            Outcome::Served(r) => {
                let route = self.graph.route(r);
                let handler = match &route.dest {
                    Dest::Serve(h) => h.clone(),
                    _ => String::new(),
                };
                Some(format!(
                    "{} handler {handler}",
                    self.graph.component(route.component).name
                ))
            }
            _ => None,
        }
    }

    /// One line: `browser → blog-gateway (prefix /blog/api/) → api-gateway (/blog/api/) → blog-service: 404`.
    pub fn trace_line(&self, t: &Trace) -> String {
        let mut s = String::from("browser");
        for hop in &t.hops {
            let c = self.graph.component(hop.component);
            s.push_str(" → ");
            s.push_str(&c.name);
            match hop.chosen {
                Some(Step::Route(r)) => {
                    let route = self.graph.route(r);
                    let mut what = route.fact.matcher.to_string();
                    if let Some(rw) = &route.fact.rewrite {
                        what.push_str(", ");
                        what.push_str(&rw.to_string());
                    } else if matches!(route.dest, Dest::Component(_)) {
                        what.push_str(", path unchanged");
                    }
                    s.push_str(&format!(" ({what})"));
                }
                Some(Step::Endpoint(e)) => {
                    let ep = self.graph.endpoint(e);
                    s.push_str(&format!(" ({} {})", ep.fact.method, ep.fact.pattern));
                }
                None => {}
            }
        }
        let end = match &t.outcome {
            Outcome::Reached(_) | Outcome::Served(_) => "answered".to_owned(),
            Outcome::NotFound(_) => format!(
                "no route matches {}: 404",
                t.hops
                    .last()
                    .map(|h| h.path_in.to_string())
                    .unwrap_or_default()
            ),
            Outcome::MethodNotAllowed { status, .. } => format!("method not allowed: {status}"),
            Outcome::Redirect { status, to, .. } => format!("redirect {status} to {to}"),
            Outcome::Unknown(why) => format!("unknown: {why}"),
        };
        s.push_str(": ");
        s.push_str(&end);
        s
    }

    /// Text of the route that failed to catch the request: its table and matcher.
    pub fn route_origin(&self, step: Step) -> String {
        match step {
            Step::Route(r) => self.graph.route(r).fact.origin.clone(),
            Step::Endpoint(e) => {
                let ep = self.graph.endpoint(e);
                format!("{} endpoint", self.graph.component(ep.component).name)
            }
        }
    }

    /// Sentences for the links after the primary one ("Then api-gateway ...").
    pub fn rest_of_chain(&self, d: &Diagnosis, primary: &Link) -> Vec<String> {
        d.links
            .iter()
            .filter(|l| !std::ptr::eq(*l, primary))
            .map(|l| {
                let at = l
                    .failed
                    .hops
                    .get(l.hop)
                    .map(|h| self.graph.component(h.component).name.clone())
                    .unwrap_or_default();
                format!(
                    "after that fix the request still fails at {at}: {} ({})",
                    self.explain_link(l),
                    l.cause.rule()
                )
            })
            .collect()
    }

    fn explain_link(&self, l: &Link) -> String {
        use diagnose::Cause::*;
        match &l.cause {
            MissingPrefix { prefix, .. } => format!("the path needs the prefix {prefix}"),
            MissingStripPrefix { strip, .. } => {
                format!("{} arrives with {strip} still on it", l.before)
            }
            UnwantedStripPrefix { strip, .. } => {
                format!(
                    "{} arrives without {strip}, which it serves under",
                    l.before
                )
            }
            StripPrefixCount { have, need, .. } => {
                format!(
                    "StripPrefix={have} leaves {}; it needs StripPrefix={need}",
                    l.before
                )
            }
            TrailingSlash { add: true } => format!("{} needs a trailing slash", l.before),
            TrailingSlash { add: false } => format!("{} must not end with a slash", l.before),
            CaseMismatch => format!("{} differs only in case", l.before),
            DoubleSlash { .. } => format!("the path arrives as {}", l.before),
            MethodNotAllowed { allowed, .. } => format!(
                "{} allows only {}",
                l.before,
                crate::model::method::list(allowed)
            ),
            Redirect { status, to } => format!("it is redirected ({status}) to {to}"),
        }
    }
}

fn analyse_call(
    graph: &Graph,
    sim: &Sim<'_>,
    id: CallId,
    call: &crate::sources::facts::CallFact,
    page_host: Option<String>,
) -> CallResult {
    let mut result = CallResult {
        call: id,
        request: None,
        trace: None,
        diagnosis: None,
        unresolved: None,
    };
    let (origin, path) = match &call.url {
        CallUrl::Resolved { origin, path } => (origin, path),
        CallUrl::Unresolved { why } => {
            result.unresolved = Some(why.clone());
            return result;
        }
    };
    let host = match origin {
        Some(o) => crate::sim::host_of(o),
        None => page_host,
    };
    let request = Request {
        method: call.method,
        path: path.clone(),
        host,
    };
    result.request = Some(request.clone());
    let entries = match entries_for(graph, origin.as_deref()) {
        Ok(e) => e,
        Err(why) => {
            result.unresolved = Some(why);
            return result;
        }
    };
    let best = sim.best_trace(&entries, &request);
    if let Some(t) = best {
        if let Outcome::Unknown(why) = &t.outcome {
            result.unresolved = Some(why.clone());
        }
        if t.outcome.is_failure() || matches!(t.outcome, Outcome::Redirect { .. }) {
            result.diagnosis = diagnose::diagnose(sim, &t);
        }
        result.trace = Some(t);
    }
    result
}

/// The host same-origin requests of each calling component's pages carry: the host of the
/// edge routes that send to it (Traefik `Host(`dashboard.example.com`)` → the frontend's
/// nginx), when they name exactly one. One pass over the routes for all calls.
fn page_hosts(graph: &Graph) -> std::collections::HashMap<&str, String> {
    let mut hosts: std::collections::HashMap<usize, std::collections::BTreeSet<&String>> =
        Default::default();
    for r in &graph.routes {
        if graph.component(r.component).role != crate::model::graph::Role::Edge {
            continue;
        }
        if let crate::model::graph::Dest::Component(c) = r.dest {
            hosts
                .entry(c.0)
                .or_default()
                .extend(r.fact.hosts.iter().filter(|h| !h.contains('*')));
        }
    }
    graph
        .calls
        .iter()
        .map(|call| call.owner.as_str())
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .filter_map(|owner| {
            let set = hosts.get(&graph.find(owner)?.0)?;
            match set.iter().collect::<Vec<_>>().as_slice() {
                [one] => Some((owner, (**one).clone())),
                _ => None,
            }
        })
        .collect()
}

/// Where a request enters: the component an absolute URL's origin names
/// (`http://blog-service:8005`) or the edge whose Gateway or routes serve that host; for a
/// same-origin path, the graph's entries. `Err` says why there is none.
pub fn entries_for(graph: &Graph, origin: Option<&str>) -> Result<Vec<ComponentId>, String> {
    let entries = match origin {
        None => graph.entries.clone(),
        Some(o) => match origin_component(graph, o) {
            Some(c) => vec![c],
            None => return Err(format!("{o} is not a component of this repository")),
        },
    };
    if entries.is_empty() {
        return Err("the repository has no routes or endpoints to check it against".to_owned());
    }
    Ok(entries)
}

fn origin_component(graph: &Graph, origin: &str) -> Option<ComponentId> {
    let candidates = crate::model::topology::host_candidates(origin);
    if let Some(c) = candidates.iter().find_map(|h| graph.find(h)) {
        return Some(c);
    }
    let host = candidates.first()?;
    graph.entries.iter().copied().find(|e| {
        graph.component(*e).aliases.iter().any(|a| a == host)
            || graph
                .routes
                .iter()
                .any(|r| r.component == *e && r.fact.hosts.iter().any(|h| h == host))
    })
}

/// Whether a route forwards to another component (for help texts).
pub fn forwards(graph: &Graph, step: Step) -> bool {
    matches!(step, Step::Route(r) if matches!(graph.route(r).fact.target, Target::Forward { .. }))
}
