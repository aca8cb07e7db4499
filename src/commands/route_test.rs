//! `routelint test FILE [PATHS]`: runs a YAML file of requests with expected outcomes against the
//! repository's routes, like Envoy's `router_check_tool` but across every layer at once (edge
//! router, gateways, services). Each request is traced with the same simulator `check` uses
//! for client calls; each expectation is compared with the trace; failures show the
//! hop-by-hop trace and, when the near-miss search finds one, the change that would mend it.
//!
//! It must not run anything against a real network, must not change the graph, and must not
//! report a broken *test file* as a test failure: a file that does not parse, or that uses an
//! unknown key, a value of the wrong type or a component the repository does not have, stops
//! the run with `file:line:col` and exit code 2 before any test runs.
//!
//! # File format
//!
//! ```yaml
//! tests:
//!   - name: list posts                       # optional, unique; defaults to `METHOD url`
//!     request:
//!       method: GET                          # optional; defaults to GET
//!       url: /blog/api/posts?category=k8s    # path (query and fragment dropped) or absolute URL
//!       from: api-gateway                    # optional: enter at this component
//!     expect:                                # at least one key
//!       status: 200                          # 200, 404, 405, 301, 307, … or `unresolved`
//!       component: blog-service              # the component that answers
//!       endpoint: GET /posts                 # METHOD and path template as declared,
//!                                            # or `handler NAME` for a gateway's own handler
//!       rewritten:                           # the path leaving each named hop
//!         api-gateway: /posts
//! ```
//!
//! - `url`: a path such as `/blog/api/posts/5` (concrete segments are literal and match `{id}`
//!   templates; a `{name}` segment stands for any one value) or an absolute URL such as
//!   `https://blog.example.com/blog/api/posts/5`, whose origin picks where the request enters
//!   exactly as for a client call. Without either an origin or `from`, the request enters
//!   where same-origin client calls do. `from` and an absolute URL cannot be combined.
//! - `status`: a request that reaches an endpoint or a gateway's own handler is 200; a request
//!   no route matches is 404; a method miss is the status that hop answers (405, or 404 from
//!   routers without 405); a redirect is its status; a request routelint cannot follow to the
//!   end is `unresolved`.
//! - `component`: the component holding the endpoint or handler that answers, or the one that
//!   answers the 404/405/redirect.
//! - `rewritten`: for each component, the path it forwards (after its rewrite); for the last
//!   hop of the trace, the path it received. A component the request never reaches is a
//!   mismatch.
//!
//! # Output
//!
//! Human: `PASS name` / `FAIL name` per test, each failure followed by one line per mismatched
//! key, the trace of the actual request and a `near miss:` line; then
//! `route tests: N passed, M failed`. JSON (`--format json`): `{"file", "passed", "failed",
//! "cases": [{"name", "passed", "request", "outcome", "mismatches", "trace", "near_miss"}]}`.
//! Exit 0 when every test passes, 1 when one fails, 2 when the file is unusable.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value as Json, json};

use crate::check::Analysis;
use crate::cli::{TestArgs, ViewFormat};
use crate::model::graph::{ComponentId, Dest, Graph};
use crate::model::method::Method;
use crate::model::path::ReqPath;
use crate::rules::context::entries_for;
use crate::rules::diagnose::{self, Cause, Diagnosis, Link};
use crate::run::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, emit};
use crate::sim::{Hop, Outcome, Request, Sim, Step, Trace};
use crate::source_file::{FileId, SourceFile, SourceMap, Span};
use crate::tree::{self, Node, Range, Value};

/// Runs the test file named on the command line against the analysed repository.
pub fn run(args: &TestArgs, analysis: &Analysis) -> u8 {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("routelint: error: {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let file = SourceFile::new(
        FileId(0),
        args.file.display().to_string(),
        args.file.clone(),
        Arc::new(text.to_owned()),
    );
    let cases = match parse_suite(&file, &analysis.graph) {
        Ok(cases) => cases,
        Err(errors) => {
            report_errors(&file, &errors);
            return EXIT_USAGE;
        }
    };
    let sim = Sim::new(&analysis.graph);
    let results: Vec<CaseResult> = cases.iter().map(|c| run_case(&sim, c)).collect();
    let view = View {
        graph: &analysis.graph,
        sources: &analysis.sources,
    };
    let text = match args.format {
        ViewFormat::Human => render_human(&view, &cases, &results),
        ViewFormat::Json => render_json(&view, &file.display, &cases, &results),
    };
    emit(&text);
    if results.iter().all(CaseResult::passed) {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

// ---------------------------------------------------------------------------------------------
// The test file

/// What a test expects the request to end as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Code(u16),
    /// routelint cannot follow the request to its end.
    Unresolved,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Unresolved => f.write_str("unresolved"),
        }
    }
}

/// The answering endpoint: a declared operation or a gateway's own handler.
#[derive(Clone, Debug, PartialEq, Eq)]
enum EndpointRef {
    Operation { method: Method, path: String },
    Handler(String),
}

impl std::fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EndpointRef::Operation { method, path } => write!(f, "{method} {path}"),
            EndpointRef::Handler(h) => write!(f, "handler {h}"),
        }
    }
}

/// A component named in the file: as written, and what it resolves to.
#[derive(Clone, Debug)]
struct Named {
    written: String,
    id: ComponentId,
}

#[derive(Clone, Debug, Default)]
struct Expect {
    status: Option<Status>,
    component: Option<Named>,
    endpoint: Option<EndpointRef>,
    /// Component → path leaving it, in file order.
    rewritten: Vec<(Named, ReqPath)>,
}

/// One test of the file, validated against the graph.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    sent: Sent,
    expect: Expect,
}

/// The request of a test, and where it enters.
#[derive(Clone, Debug)]
struct Sent {
    method: Method,
    /// The URL as written.
    url: String,
    from: Option<Named>,
    entries: Vec<ComponentId>,
    request: Request,
}

/// Something wrong with the test file, and where.
#[derive(Clone, Debug)]
struct SpecError {
    range: Range,
    message: String,
}

const TOP_KEYS: &[&str] = &["tests"];
const CASE_KEYS: &[&str] = &["name", "request", "expect"];
const REQUEST_KEYS: &[&str] = &["method", "url", "from"];
const EXPECT_KEYS: &[&str] = &["status", "component", "endpoint", "rewritten"];

/// Reads and validates the whole file; every problem found is returned, in file order.
fn parse_suite(file: &SourceFile, graph: &Graph) -> Result<Vec<Case>, Vec<SpecError>> {
    let mut reader = Reader {
        graph,
        errors: Vec::new(),
    };
    let cases = reader.suite(&file.text);
    if reader.errors.is_empty() {
        Ok(cases)
    } else {
        let mut errors = reader.errors;
        errors.sort_by_key(|e| (e.range.start, e.range.end));
        Err(errors)
    }
}

/// Walks the YAML tree, collecting errors instead of stopping at the first.
struct Reader<'g> {
    graph: &'g Graph,
    errors: Vec<SpecError>,
}

impl Reader<'_> {
    fn error_at(&mut self, range: Range, message: impl Into<String>) {
        self.errors.push(SpecError {
            range,
            message: message.into(),
        });
    }

    fn error(&mut self, node: &Node, message: impl Into<String>) {
        self.error_at(node.range, message);
    }

    fn suite(&mut self, text: &str) -> Vec<Case> {
        let docs = tree::parse_yaml(text);
        let Some(first) = docs.first() else {
            self.error_at(
                Range::default(),
                "the file holds no tests (expected `tests:`)",
            );
            return Vec::new();
        };
        if let Some(extra) = docs.get(1) {
            self.error_at(
                extra.range,
                "a route-test file holds one YAML document; this is a second one",
            );
        }
        let root = match &first.result {
            Ok(root) => root,
            Err(e) => {
                self.error_at(e.range, format!("invalid YAML: {}", e.message));
                return Vec::new();
            }
        };
        if !self.keys(root, "the file", TOP_KEYS) {
            return Vec::new();
        }
        let Some(tests) = root.get("tests") else {
            self.error(root, "missing `tests:` (a list of tests)");
            return Vec::new();
        };
        let Some(items) = tests.as_seq() else {
            self.error(
                tests,
                format!(
                    "`tests` must be a list of tests, found {}",
                    tests.type_name()
                ),
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                tests,
                "`tests` is empty: a file without tests proves nothing",
            );
        }
        let cases: Vec<Case> = items.iter().filter_map(|n| self.case(n)).collect();
        self.check_unique_names(items);
        cases
    }

    /// Test names identify results: each explicit `name` must be unique.
    fn check_unique_names(&mut self, items: &[Node]) {
        let mut seen = HashSet::new();
        for n in items.iter().filter_map(|item| item.get("name")) {
            if let Some(name) = n.scalar_text()
                && !seen.insert(name.trim().to_owned())
            {
                self.error(
                    n,
                    format!(
                        "two tests are named `{}`: give each its own name",
                        name.trim()
                    ),
                );
            }
        }
    }

    /// Reports unknown and repeated keys of a mapping; `false` when `node` is no mapping at all.
    fn keys(&mut self, node: &Node, what: &str, allowed: &[&str]) -> bool {
        let Some(entries) = node.as_map() else {
            self.error(
                node,
                format!("{what} must be a mapping, found {}", node.type_name()),
            );
            return false;
        };
        let mut seen = HashSet::new();
        for (k, _) in entries {
            let Some(key) = k.as_str() else {
                self.error(k, format!("keys of {what} must be strings"));
                continue;
            };
            if !allowed.contains(&key) {
                let hint = suggest(key, allowed.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.error(
                    k,
                    format!(
                        "unknown key `{key}` in {what}{hint}; expected {}",
                        one_of(allowed)
                    ),
                );
            } else if !seen.insert(key) {
                self.error(k, format!("`{key}` is given twice in {what}"));
            }
        }
        true
    }

    /// A string value, or an error naming the key.
    fn string<'n>(&mut self, node: &'n Node, key: &str) -> Option<&'n str> {
        match node.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                self.error(node, format!("`{key}` is empty"));
                None
            }
            None => {
                self.error(
                    node,
                    format!("`{key}` must be a string, found {}", node.type_name()),
                );
                None
            }
        }
    }

    /// A component name that the repository has.
    fn component(&mut self, node: &Node, key: &str) -> Option<Named> {
        let name = self.string(node, key)?.trim();
        match self.graph.find(name) {
            Some(id) => Some(Named {
                written: name.to_owned(),
                id,
            }),
            None => {
                let names = self.graph.components.iter().map(|c| c.name.as_str());
                let hint = suggest(name, names)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.error(
                    node,
                    format!("no component named `{name}` in this repository{hint}"),
                );
                None
            }
        }
    }

    fn case(&mut self, node: &Node) -> Option<Case> {
        if !self.keys(node, "a test", CASE_KEYS) {
            return None;
        }
        let name = node.get("name").map(|n| {
            let text = n.scalar_text().filter(|s| !s.trim().is_empty());
            if text.is_none() {
                self.error(n, "`name` must be a non-empty string");
            }
            text.map(|s| s.trim().to_owned())
        });
        let request = self.required(node, "request", "a test");
        let expect = self.required(node, "expect", "a test");
        let sent = request.and_then(|r| self.request(r));
        let expect = expect.and_then(|e| self.expect(e));
        let (sent, expect) = (sent?, expect?);
        let name = match name {
            Some(n) => n?,
            None => format!("{} {}", sent.method, sent.url),
        };
        Some(Case { name, sent, expect })
    }

    fn required<'n>(&mut self, node: &'n Node, key: &str, what: &str) -> Option<&'n Node> {
        let found = node.get(key);
        if found.is_none() {
            self.error(node, format!("{what} needs `{key}:`"));
        }
        found
    }

    fn request(&mut self, node: &Node) -> Option<Sent> {
        if !self.keys(node, "`request`", REQUEST_KEYS) {
            return None;
        }
        let method = match node.get("method") {
            None => Some(Method::Get),
            Some(m) => {
                let text = self.string(m, "method")?;
                let parsed = Method::parse(text);
                if parsed.is_none() {
                    self.error(m, format!("`{text}` is not an HTTP method"));
                }
                parsed
            }
        };
        let from = node.get("from").map(|f| self.component(f, "from"));
        let url_node = self.required(node, "url", "`request`")?;
        let url = self.string(url_node, "url")?.trim().to_owned();
        let (origin, path) = match split_url(&url) {
            Ok(x) => x,
            Err(why) => {
                self.error(url_node, why);
                return None;
            }
        };
        let from = match from {
            Some(f) => Some(f?),
            None => None,
        };
        let entries = match (&from, origin) {
            (Some(_), Some(_)) => {
                self.error(
                    url_node,
                    "`from` and an absolute URL both say where the request enters: use one",
                );
                return None;
            }
            (Some(f), None) => vec![f.id],
            (None, origin) => match entries_for(self.graph, origin) {
                Ok(e) => e,
                Err(why) => {
                    self.error(url_node, format!("cannot tell where `{url}` enters: {why}"));
                    return None;
                }
            },
        };
        let method = method?;
        let request = Request {
            method: Some(method),
            path: ReqPath::parse(path),
            host: None,
        };
        Some(Sent {
            method,
            url,
            from,
            entries,
            request,
        })
    }

    fn expect(&mut self, node: &Node) -> Option<Expect> {
        if !self.keys(node, "`expect`", EXPECT_KEYS) {
            return None;
        }
        if node.as_map().is_some_and(<[_]>::is_empty) {
            self.error(
                node,
                format!("`expect` is empty: give at least {}", one_of(EXPECT_KEYS)),
            );
            return None;
        }
        let before = self.errors.len();
        let mut expect = Expect::default();
        if let Some(n) = node.get("status") {
            expect.status = self.status(n);
        }
        if let Some(n) = node.get("component") {
            expect.component = self.component(n, "component");
        }
        if let Some(n) = node.get("endpoint") {
            expect.endpoint = self.endpoint(n);
        }
        if let Some(n) = node.get("rewritten") {
            expect.rewritten = self.rewritten(n);
        }
        (self.errors.len() == before).then_some(expect)
    }

    fn status(&mut self, node: &Node) -> Option<Status> {
        let code = match &node.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) if s.trim() == "unresolved" => return Some(Status::Unresolved),
            Value::Str(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match code.and_then(|c| u16::try_from(c).ok()) {
            Some(c) if (100..=599).contains(&c) => Some(Status::Code(c)),
            _ => {
                let found = match &node.value {
                    Value::Str(s) => format!("`{s}`"),
                    Value::Int(i) => i.to_string(),
                    _ => node.type_name().to_owned(),
                };
                self.error(
                    node,
                    format!(
                        "`status` must be an HTTP status (200, 404, 405, …) or `unresolved`, found {found}"
                    ),
                );
                None
            }
        }
    }

    fn endpoint(&mut self, node: &Node) -> Option<EndpointRef> {
        let text = self.string(node, "endpoint")?.trim();
        let (head, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let rest = rest.trim();
        if head == "handler" && !rest.is_empty() {
            return Some(EndpointRef::Handler(rest.to_owned()));
        }
        match Method::parse(head) {
            Some(method) if rest.starts_with('/') => Some(EndpointRef::Operation {
                method,
                path: rest.to_owned(),
            }),
            _ => {
                self.error(
                    node,
                    format!(
                        "`endpoint` must be `METHOD /path` (`PATCH /posts/{{id}}`) or `handler NAME`, found `{text}`"
                    ),
                );
                None
            }
        }
    }

    fn rewritten(&mut self, node: &Node) -> Vec<(Named, ReqPath)> {
        let Some(entries) = node.as_map() else {
            self.error(
                node,
                format!(
                    "`rewritten` must map component names to paths, found {}",
                    node.type_name()
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let component = self.component(k, "rewritten");
            let path = match self.string(v, "rewritten path") {
                Some(p) if p.trim().starts_with('/') => Some(ReqPath::parse(p.trim())),
                Some(p) => {
                    self.error(v, format!("a rewritten path starts with `/`, found `{p}`"));
                    None
                }
                None => None,
            };
            if let (Some(c), Some(p)) = (component, path) {
                out.push((c, p));
            }
        }
        out
    }
}

/// Splits a test URL into its origin (absolute URLs only) and its path, dropping the query and
/// the fragment.
fn split_url(url: &str) -> Result<(Option<&str>, &str), String> {
    let (origin, rest) = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
            if host_end == 0 {
                return Err(format!("`{url}` has no host"));
            }
            (Some(&url[..i + 3 + host_end]), &after[host_end..])
        }
        None => (None, url),
    };
    let path = rest.split(['?', '#']).next().unwrap_or("");
    match (origin, path) {
        (Some(_), "") => Ok((origin, "/")),
        (_, p) if p.starts_with('/') => Ok((origin, p)),
        _ => Err(format!(
            "`url` must be a path starting with `/` or an absolute URL (`https://host/path`), found `{url}`"
        )),
    }
}

/// "`a`, `b` or `c`".
fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The closest known name to a misspelt one, if it is close.
fn suggest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// Prints each error with its `file:line:col` and the line it is on.
fn report_errors(file: &SourceFile, errors: &[SpecError]) {
    let mut out = String::new();
    for e in errors {
        let at = file.line_col(u32::try_from(e.range.start).unwrap_or(u32::MAX));
        let line = file.line_text(at.line - 1);
        let gutter = at.line.to_string().len();
        out.push_str(&format!(
            "routelint: error: {}:{}:{}: {}\n",
            file.display, at.line, at.column, e.message
        ));
        if !line.trim().is_empty() {
            out.push_str(&format!(
                "{:gutter$} |\n{} | {line}\n{:gutter$} | {}^\n",
                "",
                at.line,
                "",
                " ".repeat(at.column - 1)
            ));
        }
    }
    out.push_str(&format!(
        "routelint: {} in {}; no test was run\n",
        plural(errors.len(), "error"),
        file.display
    ));
    eprint!("{out}");
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

// ---------------------------------------------------------------------------------------------
// Running

/// What the request actually ended as, in the terms of the expectations.
#[derive(Clone, Debug)]
struct Actual {
    status: Status,
    component: Option<ComponentId>,
    endpoint: Option<EndpointRef>,
}

/// A value shown in a mismatch.
#[derive(Clone, Debug, PartialEq)]
enum Shown {
    Status(Status),
    Text(String),
    /// Nothing: no endpoint answered, the hop is not on the trace.
    Nothing,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Status(s) => write!(f, "{s}"),
            Shown::Text(t) => f.write_str(t),
            Shown::Nothing => f.write_str("none"),
        }
    }
}

impl Shown {
    fn json(&self) -> Json {
        match self {
            Shown::Status(Status::Code(c)) => json!(c),
            Shown::Status(Status::Unresolved) => json!("unresolved"),
            Shown::Text(t) => json!(t),
            Shown::Nothing => Json::Null,
        }
    }
}

/// One expectation the request did not meet.
#[derive(Clone, Debug)]
struct Mismatch {
    /// `status`, `component`, `endpoint`, `rewritten.api-gateway`.
    key: String,
    /// How the human output names it: `path leaving api-gateway`.
    label: String,
    expected: Shown,
    actual: Shown,
    /// Why the actual value is what it is, when that is not obvious.
    note: Option<String>,
}

/// One test, run: the trace, what it amounts to, and how it differs from the expectations.
struct CaseResult {
    trace: Option<Trace>,
    actual: Actual,
    mismatches: Vec<Mismatch>,
    diagnosis: Option<Diagnosis>,
}

impl CaseResult {
    fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Traces a test's request from its entries and compares the result; a failing request that
/// did not meet its expectations is also diagnosed (near miss).
fn run_case(sim: &Sim<'_>, case: &Case) -> CaseResult {
    let trace = sim.best_trace(&case.sent.entries, &case.sent.request);
    let actual = actual_of(sim.graph, trace.as_ref());
    let mismatches = compare(sim.graph, case, &actual, trace.as_ref());
    let diagnosis = trace
        .as_ref()
        .filter(|t| t.outcome.is_failure() || matches!(t.outcome, Outcome::Redirect { .. }))
        .filter(|_| !mismatches.is_empty())
        .and_then(|t| diagnose::diagnose(sim, t));
    CaseResult {
        trace,
        actual,
        mismatches,
        diagnosis,
    }
}

/// The status a trace's outcome stands for.
fn status_of(outcome: &Outcome) -> Status {
    match outcome {
        Outcome::Reached(_) | Outcome::Served(_) => Status::Code(200),
        Outcome::NotFound(_) => Status::Code(404),
        Outcome::MethodNotAllowed { status, .. } | Outcome::Redirect { status, .. } => {
            Status::Code(*status)
        }
        Outcome::Unknown(_) => Status::Unresolved,
    }
}

fn actual_of(graph: &Graph, trace: Option<&Trace>) -> Actual {
    let Some(t) = trace else {
        return Actual {
            status: Status::Unresolved,
            component: None,
            endpoint: None,
        };
    };
    let last = t.last_hop().map(|h| h.component);
    let (component, endpoint) = match &t.outcome {
        Outcome::Reached(e) => {
            let ep = graph.endpoint(*e);
            (
                Some(ep.component),
                Some(EndpointRef::Operation {
                    method: ep.fact.method,
                    path: ep.fact.pattern.to_string(),
                }),
            )
        }
        Outcome::Served(r) => {
            let route = graph.route(*r);
            let handler = match &route.dest {
                Dest::Serve(h) => h.clone(),
                _ => route.fact.matcher.to_string(),
            };
            (Some(route.component), Some(EndpointRef::Handler(handler)))
        }
        _ => (last, None),
    };
    Actual {
        status: status_of(&t.outcome),
        component,
        endpoint,
    }
}

fn compare(graph: &Graph, case: &Case, actual: &Actual, trace: Option<&Trace>) -> Vec<Mismatch> {
    let name_of = |c: Option<ComponentId>| match c {
        Some(c) => Shown::Text(graph.component(c).name.clone()),
        None => Shown::Nothing,
    };
    let mut out = Vec::new();
    let e = &case.expect;
    if let Some(s) = e.status
        && s != actual.status
    {
        out.push(Mismatch {
            key: "status".to_owned(),
            label: "status".to_owned(),
            expected: Shown::Status(s),
            actual: Shown::Status(actual.status),
            note: None,
        });
    }
    if let Some(c) = &e.component
        && Some(c.id) != actual.component
    {
        out.push(Mismatch {
            key: "component".to_owned(),
            label: "component".to_owned(),
            expected: name_of(Some(c.id)),
            actual: name_of(actual.component),
            note: None,
        });
    }
    if let Some(ep) = &e.endpoint
        && Some(ep) != actual.endpoint.as_ref()
    {
        out.push(Mismatch {
            key: "endpoint".to_owned(),
            label: "endpoint".to_owned(),
            expected: Shown::Text(ep.to_string()),
            actual: actual
                .endpoint
                .as_ref()
                .map(|a| Shown::Text(a.to_string()))
                .unwrap_or(Shown::Nothing),
            note: None,
        });
    }
    for (c, want) in &e.rewritten {
        if let Some(m) = compare_rewritten(graph, c, want, trace) {
            out.push(m);
        }
    }
    out
}

/// The path leaving the last hop at `c`, or the one it received if the trace ends there
/// (then `true`).
fn path_at(trace: &Trace, c: ComponentId) -> Option<(&ReqPath, bool)> {
    let hop = trace.hops.iter().rev().find(|h| h.component == c)?;
    Some(match &hop.path_out {
        Some(out) => (out, false),
        None => (&hop.path_in, true),
    })
}

fn compare_rewritten(
    graph: &Graph,
    c: &Named,
    want: &ReqPath,
    trace: Option<&Trace>,
) -> Option<Mismatch> {
    let got = trace.and_then(|t| path_at(t, c.id));
    if got.is_some_and(|(g, _)| g.to_string() == want.to_string()) {
        return None;
    }
    let name = &graph.component(c.id).name;
    let note = match got {
        None => Some(format!("the request never reaches {name}")),
        Some((_, true)) => Some(format!("{name} is the last hop: the path it received")),
        Some((_, false)) => None,
    };
    Some(Mismatch {
        key: format!("rewritten.{}", c.written),
        label: format!("path leaving {name}"),
        expected: Shown::Text(want.to_string()),
        actual: got
            .map(|(g, _)| Shown::Text(g.to_string()))
            .unwrap_or(Shown::Nothing),
        note,
    })
}

// ---------------------------------------------------------------------------------------------
// Describing traces

/// What rendering needs from the analysis.
struct View<'a> {
    graph: &'a Graph,
    sources: &'a SourceMap,
}

impl View<'_> {
    fn name(&self, c: ComponentId) -> &str {
        &self.graph.component(c).name
    }

    /// `deploy/istio/virtualservice.yaml:15`.
    fn location(&self, span: Span) -> String {
        let at = self.sources.line_col(span);
        format!("{}:{}", self.sources.display(span.file), at.line)
    }

    fn step_span(&self, step: Step) -> Span {
        match step {
            Step::Route(r) => self.graph.route(r).fact.span,
            Step::Endpoint(e) => self.graph.endpoint(e).fact.span,
        }
    }

    /// `VirtualService blog-virtualservice prefix /blog/api/`, `blog-service PATCH /posts/{id}`.
    fn step_text(&self, step: Step) -> String {
        match step {
            Step::Route(r) => {
                let f = &self.graph.route(r).fact;
                let mut s = format!("{} {}", f.origin, f.matcher);
                if !f.methods.is_any() {
                    s.push_str(&format!(" [{}]", f.methods));
                }
                if let Some(rw) = &f.rewrite {
                    s.push_str(&format!(", {rw}"));
                }
                s
            }
            Step::Endpoint(e) => {
                let f = &self.graph.endpoint(e).fact;
                format!("endpoint {} {}", f.method, f.pattern)
            }
        }
    }

    /// `VirtualService blog-virtualservice prefix /blog/api/ at deploy/istio/virtualservice.yaml:15`.
    fn step_ref(&self, step: Step) -> String {
        format!(
            "{} at {}",
            self.step_text(step),
            self.location(self.step_span(step))
        )
    }

    /// How the trace ends, in words.
    fn outcome_text(&self, t: &Trace) -> String {
        let at = t
            .last_hop()
            .map(|h| self.name(h.component).to_owned())
            .unwrap_or_default();
        let path_in = t
            .last_hop()
            .map(|h| h.path_in.to_string())
            .unwrap_or_default();
        match &t.outcome {
            Outcome::Reached(e) => {
                let ep = &self.graph.endpoint(*e).fact;
                format!("200: answered by {at} {} {}", ep.method, ep.pattern)
            }
            Outcome::Served(r) => match &self.graph.route(*r).dest {
                Dest::Serve(h) => format!("200: answered by {at}'s handler {h}"),
                _ => format!("200: answered by {at}"),
            },
            Outcome::NotFound(_) => format!("404: nothing at {at} matches {path_in}"),
            Outcome::MethodNotAllowed {
                status,
                allowed,
                matched,
            } => {
                let allowed: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
                let method = t.request.method.map(|m| m.as_str()).unwrap_or("the method");
                let text = if allowed.is_empty() {
                    format!("{status}: {at} does not allow {method} on {path_in}")
                } else {
                    format!(
                        "{status}: {at} allows only {} on {path_in}, not {method}",
                        allowed.join(", ")
                    )
                };
                match matched.first() {
                    Some(step) => format!("{text} ({})", self.step_ref(*step)),
                    None => text,
                }
            }
            Outcome::Redirect { status, to, step } => {
                format!(
                    "{status}: {at} redirects to {to} ({})",
                    self.step_ref(*step)
                )
            }
            Outcome::Unknown(why) => format!("unresolved: {why}"),
        }
    }

    /// One line per link of a diagnosis: `missing-strip-prefix: strip /blog/api at api-gateway`.
    fn near_misses(&self, d: &Diagnosis) -> Vec<String> {
        d.links.iter().map(|l| self.link_text(l)).collect()
    }

    fn link_text(&self, l: &Link) -> String {
        let at = l
            .failed
            .hops
            .get(l.hop)
            .map(|h| self.name(h.component).to_owned())
            .unwrap_or_default();
        let (before, after) = (&l.before, &l.after);
        let text = match &l.cause {
            Cause::MissingPrefix { prefix, .. } => {
                format!("{at} routes paths under {prefix}: send {after}, not {before}")
            }
            Cause::MissingStripPrefix { strip, route } => {
                let culprit = l
                    .culprit
                    .checked_sub(1)
                    .and_then(|i| l.failed.hops.get(i))
                    .map(|h| h.component)
                    .or_else(|| route.map(|r| self.graph.route(r).component))
                    .map(|c| self.name(c).to_owned())
                    .unwrap_or_else(|| "the hop before".to_owned());
                format!("strip {strip} at {culprit} ({at} receives {before}, serves {after})")
            }
            Cause::UnwantedStripPrefix { strip, route } => {
                let gw = self.name(self.graph.route(*route).component).to_owned();
                format!("keep {strip} at {gw} ({at} receives {before}, serves {after})")
            }
            Cause::StripPrefixCount { have, need, route } => {
                let gw = self.name(self.graph.route(*route).component).to_owned();
                format!(
                    "StripPrefix={need} at {gw}, not {have} ({at} receives {before}, serves {after})"
                )
            }
            Cause::TrailingSlash { .. } | Cause::CaseMismatch | Cause::DoubleSlash { .. } => {
                format!("{at} would match {after}, not {before}")
            }
            Cause::MethodNotAllowed { allowed, .. } => {
                let allowed: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
                format!("{at} allows only {} on {before}", allowed.join(", "))
            }
            Cause::Redirect { status, to } => format!("{at} redirects ({status}) to {to}"),
        };
        format!("{}: {text}", l.cause.rule())
    }
}

// ---------------------------------------------------------------------------------------------
// Human output

fn render_human(view: &View<'_>, cases: &[Case], results: &[CaseResult]) -> String {
    let mut out = String::new();
    for (case, r) in cases.iter().zip(results) {
        if r.passed() {
            out.push_str(&format!("PASS {}\n", case.name));
        } else {
            out.push_str(&format!("FAIL {}\n", case.name));
            out.push_str(&failure_details(view, case, r));
        }
    }
    let passed = results.iter().filter(|r| r.passed()).count();
    let failed = results.len() - passed;
    if failed > 0 {
        out.push('\n');
    }
    out.push_str(&format!("route tests: {passed} passed, {failed} failed\n"));
    out
}

fn failure_details(view: &View<'_>, case: &Case, r: &CaseResult) -> String {
    let mut out = String::new();
    for m in &r.mismatches {
        out.push_str(&format!(
            "    expected {} {}, got {}",
            m.label, m.expected, m.actual
        ));
        if let Some(n) = &m.note {
            out.push_str(&format!(" ({n})"));
        }
        out.push('\n');
    }
    let from = case
        .sent
        .from
        .as_ref()
        .map(|f| format!(" from {}", view.name(f.id)))
        .unwrap_or_default();
    out.push_str(&format!(
        "    trace of {} {}{from}:\n",
        case.sent.method, case.sent.url
    ));
    match &r.trace {
        Some(t) => out.push_str(&trace_lines(view, t)),
        None => out.push_str("      (no entry to trace the request from)\n"),
    }
    if let Some(d) = &r.diagnosis {
        for (i, line) in view.near_misses(d).iter().enumerate() {
            let head = if i == 0 { "near miss:" } else { "then:" };
            out.push_str(&format!("    {head} {line}\n"));
        }
    }
    out
}

/// The hop-by-hop trace, names aligned, and how it ends.
fn trace_lines(view: &View<'_>, t: &Trace) -> String {
    let width = t
        .hops
        .iter()
        .map(|h| view.name(h.component).chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, hop) in t.hops.iter().enumerate() {
        out.push_str(&format!(
            "      {}. {:width$}  {}\n",
            i + 1,
            view.name(hop.component),
            hop_text(view, hop)
        ));
    }
    out.push_str(&format!("      => {}\n", view.outcome_text(t)));
    out
}

/// `/blog/api/posts/5 → /posts/5  by ServeMux mux /blog/api/, strip /blog/api at main.go:46`.
fn hop_text(view: &View<'_>, hop: &Hop) -> String {
    let paths = match &hop.path_out {
        Some(out) => format!("{} → {out}", hop.path_in),
        None => hop.path_in.to_string(),
    };
    match hop.chosen {
        Some(step) => format!("{paths}  by {}", view.step_ref(step)),
        None => paths,
    }
}

// ---------------------------------------------------------------------------------------------
// JSON output

fn render_json(view: &View<'_>, file: &str, cases: &[Case], results: &[CaseResult]) -> String {
    let passed = results.iter().filter(|r| r.passed()).count();
    let doc = json!({
        "file": file,
        "passed": passed,
        "failed": results.len() - passed,
        "cases": cases
            .iter()
            .zip(results)
            .map(|(c, r)| case_json(view, c, r))
            .collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

fn case_json(view: &View<'_>, case: &Case, r: &CaseResult) -> Json {
    let mut request = serde_json::Map::new();
    request.insert("method".into(), json!(case.sent.method.as_str()));
    request.insert("url".into(), json!(case.sent.url));
    if let Some(f) = &case.sent.from {
        request.insert("from".into(), json!(view.name(f.id)));
    }
    json!({
        "name": case.name,
        "passed": r.passed(),
        "request": request,
        "outcome": {
            "status": Shown::Status(r.actual.status).json(),
            "component": r.actual.component.map(|c| view.name(c)),
            "endpoint": r.actual.endpoint.as_ref().map(|e| e.to_string()),
            "detail": r.trace.as_ref().map(|t| view.outcome_text(t)),
        },
        "mismatches": r.mismatches.iter().map(|m| json!({
            "key": m.key,
            "expected": m.expected.json(),
            "actual": m.actual.json(),
        })).collect::<Vec<_>>(),
        "trace": r
            .trace
            .as_ref()
            .map(|t| t.hops.iter().map(|h| hop_json(view, h)).collect::<Vec<_>>())
            .unwrap_or_default(),
        "near_miss": r.diagnosis.as_ref().map(|d| view.near_misses(d)).unwrap_or_default(),
    })
}

fn hop_json(view: &View<'_>, hop: &Hop) -> Json {
    let via = hop.chosen.map(|step| {
        let span = view.step_span(step);
        let at = view.sources.line_col(span);
        let (kind, matched) = match step {
            Step::Route(r) => ("route", view.graph.route(r).fact.matcher.to_string()),
            Step::Endpoint(e) => {
                let f = &view.graph.endpoint(e).fact;
                ("endpoint", format!("{} {}", f.method, f.pattern))
            }
        };
        json!({
            "kind": kind,
            "match": matched,
            "description": view.step_text(step),
            "path": view.sources.display(span.file),
            "line": at.line,
        })
    });
    json!({
        "component": view.name(hop.component),
        "table": hop.table,
        "path_in": hop.path_in.to_string(),
        "path_out": hop.path_out.as_ref().map(ToString::to_string),
        "via": via,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn urls_split_into_origin_and_path() {
        assert_eq!(split_url("/a/b?x=1#f"), Ok((None, "/a/b")));
        assert_eq!(
            split_url("https://blog.example.com/blog/api/posts/5"),
            Ok((Some("https://blog.example.com"), "/blog/api/posts/5"))
        );
        assert_eq!(
            split_url("http://blog-service:8005?x"),
            Ok((Some("http://blog-service:8005"), "/"))
        );
        assert!(split_url("posts").is_err());
        assert!(split_url("https:///x").is_err());
    }

    #[test]
    fn key_lists_read_as_prose() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }

    #[test]
    fn a_file_path_is_not_needed_to_read_a_suite() {
        let file = SourceFile::new(
            FileId(0),
            "t.yaml".into(),
            Path::new("t.yaml").to_path_buf(),
            Arc::new(String::from(
                "tests:\n  - request: {url: /x}\n    expect: {stauts: 200}\n",
            )),
        );
        let graph = Graph::default();
        let errors = parse_suite(&file, &graph).err().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("did you mean `status`")),
            "{errors:?}"
        );
    }
}
