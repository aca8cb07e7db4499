//! `routelint trace METHOD URL`: one request hop by hop — the component, the route or endpoint
//! that caught it (file:line and the source line), the path in and out — and how it ends, with
//! the near misses the diagnostics use. Renders a trace; judges nothing itself.

use serde_json::{Value, json};

use crate::check::Analysis;
use crate::cli::{TraceArgs, ViewFormat};
use crate::model::graph::{ComponentId, Dest};
use crate::model::method::Method;
use crate::model::path::ReqPath;
use crate::rules::context::entries_for;
use crate::rules::diagnose::{self, Cause, Diagnosis};
use crate::run::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, emit};
use crate::sim::{Outcome, Request, Sim, Step, Trace};
use crate::source_file::{SourceMap, Span};

/// A request typed on the command line: method, optional origin, path without query.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub request: Request,
    pub origin: Option<String>,
}

/// Parses `PATCH` and `https://blog.example.com/blog/api/posts/5?x=1#top`. `{id}` in the path
/// stands for any value.
pub fn parse_request(method: &str, url: &str) -> Result<Typed, String> {
    let m = Method::parse(method).ok_or_else(|| format!("`{method}` is not an HTTP method"))?;
    let url = url.trim();
    let (origin, rest) = split_origin(url);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let path = if path.is_empty() {
        "/".to_owned()
    } else if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Ok(Typed {
        request: Request {
            method: Some(m),
            path: ReqPath::parse(&path),
            host: origin.as_deref().and_then(crate::sim::host_of),
        },
        origin,
    })
}

fn split_origin(url: &str) -> (Option<String>, &str) {
    for scheme in ["http://", "https://", "//"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let end = rest.find('/').unwrap_or(rest.len());
            let origin = format!("{scheme}{}", &rest[..end]);
            return (Some(origin), &rest[end..]);
        }
    }
    (None, url)
}

/// Where the request starts: `--from`, else the URL's host, else the edge.
pub fn entries(
    analysis: &Analysis,
    typed: &Typed,
    from: Option<&str>,
) -> Result<Vec<ComponentId>, String> {
    match from {
        Some(name) => analysis.graph.find(name).map(|c| vec![c]).ok_or_else(|| {
            let names: Vec<&str> = analysis
                .graph
                .components
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            let best = names
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b))
                })
                .filter(|b| strsim::jaro_winkler(name, b) > 0.7);
            match best {
                Some(b) => format!("no component named `{name}` (did you mean `{b}`?)"),
                None => format!(
                    "no component named `{name}`; components: {}",
                    names.join(", ")
                ),
            }
        }),
        None => entries_for(&analysis.graph, typed.origin.as_deref()),
    }
}

pub fn run(args: &TraceArgs, analysis: &Analysis) -> u8 {
    let typed = match parse_request(&args.method, &args.url) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("routelint: error: {e}");
            return EXIT_USAGE;
        }
    };
    let entries = match entries(analysis, &typed, args.from.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("routelint: error: {e}");
            return EXIT_USAGE;
        }
    };
    let sim = Sim::new(&analysis.graph);
    let Some(trace) = sim.best_trace(&entries, &typed.request) else {
        eprintln!("routelint: error: nothing to trace the request through");
        return EXIT_USAGE;
    };
    let diagnosis =
        if trace.outcome.is_failure() || matches!(trace.outcome, Outcome::Redirect { .. }) {
            diagnose::diagnose(&sim, &trace)
        } else {
            None
        };
    let view = View {
        analysis,
        sim: &sim,
    };
    match args.format {
        ViewFormat::Human => emit(&format!(
            "{}{}",
            crate::commands::deployments::shown_line(analysis).unwrap_or_default(),
            view.human(&trace, diagnosis.as_ref())
        )),
        ViewFormat::Json => {
            let mut doc = view.json(&trace, diagnosis.as_ref());
            if let Some(d) = crate::commands::deployments::shown_json(analysis) {
                doc["deployment"] = d;
            }
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ))
        }
    }
    if trace.outcome.is_failure() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Renders traces of one analysis.
pub struct View<'a> {
    pub analysis: &'a Analysis,
    pub sim: &'a Sim<'a>,
}

/// `file:line` of a span.
fn at(sources: &SourceMap, span: Span) -> String {
    format!(
        "{}:{}",
        sources.display(span.file),
        sources.line_col(span).line
    )
}

/// The source line a span starts on, trimmed.
fn snippet(sources: &SourceMap, span: Span) -> String {
    sources
        .get(span.file)
        .map(|f| f.line_text(f.line_index(span.start)).trim().to_owned())
        .unwrap_or_default()
}

impl View<'_> {
    fn step_span(&self, step: Step) -> Span {
        match step {
            Step::Route(r) => self.analysis.graph.route(r).fact.span,
            Step::Endpoint(e) => self.analysis.graph.endpoint(e).fact.span,
        }
    }

    /// `prefix /blog/api/ (no rewrite)`, `/blog/api/ · strip /blog/api`, `PATCH /posts/{id}`.
    fn step_text(&self, step: Step) -> String {
        let g = &self.analysis.graph;
        match step {
            Step::Endpoint(e) => {
                let ep = g.endpoint(e);
                format!("{} {}", ep.fact.method, ep.fact.pattern)
            }
            Step::Route(r) => {
                let route = g.route(r);
                let mut s = route.fact.matcher.to_string();
                if !route.fact.methods.is_any() {
                    s.push_str(&format!(" [{}]", route.fact.methods));
                }
                match &route.fact.rewrite {
                    Some(rw) => s.push_str(&format!(" · {rw}")),
                    None if matches!(route.dest, Dest::Component(_)) => s.push_str(" (no rewrite)"),
                    None => {}
                }
                s
            }
        }
    }

    fn status(outcome: &Outcome) -> String {
        match outcome {
            Outcome::Reached(_) | Outcome::Served(_) => "200".to_owned(),
            Outcome::NotFound(_) => "404".to_owned(),
            Outcome::MethodNotAllowed { status, .. } | Outcome::Redirect { status, .. } => {
                status.to_string()
            }
            Outcome::Unknown(_) => "unresolved".to_owned(),
        }
    }

    fn end_line(&self, t: &Trace) -> String {
        let g = &self.analysis.graph;
        let src = &self.analysis.sources;
        let comp = |i: usize| {
            t.hops
                .get(i)
                .map(|h| g.component(h.component).name.clone())
                .unwrap_or_default()
        };
        let last = t.hops.len().saturating_sub(1);
        match &t.outcome {
            Outcome::Reached(e) => {
                let ep = g.endpoint(*e);
                format!(
                    "reached {} {} {} ({}): 200",
                    g.component(ep.component).name,
                    ep.fact.method,
                    ep.fact.pattern,
                    at(src, ep.fact.span)
                )
            }
            Outcome::Served(r) => {
                let route = g.route(*r);
                let handler = match &route.dest {
                    Dest::Serve(h) => h.as_str(),
                    _ => "",
                };
                format!(
                    "served by {} itself (handler {handler}, {}): 200",
                    comp(last),
                    at(src, route.fact.span)
                )
            }
            Outcome::NotFound(_) => format!(
                "no route or endpoint of {} matches {}: 404",
                comp(last),
                t.hops
                    .get(last)
                    .map(|h| h.path_in.to_string())
                    .unwrap_or_default()
            ),
            Outcome::MethodNotAllowed {
                status, allowed, ..
            } => format!(
                "{} allows {} there, not {}: {status}",
                comp(last),
                crate::model::method::list(allowed),
                t.request
                    .method
                    .map(|m| m.as_str())
                    .unwrap_or("this method")
            ),
            Outcome::Redirect { status, to, .. } => {
                format!("{} redirects to {to}: {status}", comp(last))
            }
            Outcome::Unknown(why) => format!("cannot follow further: {why}"),
        }
    }

    fn near_misses(&self, d: &Diagnosis) -> Vec<String> {
        let g = &self.analysis.graph;
        let mended_end = match d.mended.outcome {
            Outcome::Reached(e) => {
                let ep = g.endpoint(e);
                Some(format!(
                    "{} {} ({})",
                    ep.fact.method,
                    ep.fact.pattern,
                    at(&self.analysis.sources, ep.fact.span)
                ))
            }
            _ => None,
        };
        d.links
            .iter()
            .map(|l| {
                let hop_name = |i: usize| {
                    l.failed
                        .hops
                        .get(i)
                        .map(|h| g.component(h.component).name.clone())
                        .unwrap_or_default()
                };
                let change = match &l.cause {
                    Cause::MissingPrefix {
                        prefix,
                        replaced: Some(old),
                    } => {
                        format!(
                            "if the client called {} ({old} replaced by {prefix})",
                            l.after
                        )
                    }
                    Cause::MissingPrefix {
                        prefix,
                        replaced: None,
                    } => {
                        format!("if the client called {} (with {prefix} added)", l.after)
                    }
                    Cause::MissingStripPrefix { strip, .. } => format!(
                        "if \"{strip}\" were stripped at hop {} ({})",
                        l.hop,
                        hop_name(l.hop.saturating_sub(1))
                    ),
                    Cause::UnwantedStripPrefix { strip, .. } => format!(
                        "if \"{strip}\" were kept at hop {} ({})",
                        l.hop,
                        hop_name(l.hop.saturating_sub(1))
                    ),
                    Cause::StripPrefixCount { need, .. } => format!(
                        "with StripPrefix={need} at hop {} ({})",
                        l.hop,
                        hop_name(l.hop.saturating_sub(1))
                    ),
                    Cause::TrailingSlash { add: true } => {
                        format!("with a trailing slash: {}", l.after)
                    }
                    Cause::TrailingSlash { add: false } => {
                        format!("without the trailing slash: {}", l.after)
                    }
                    Cause::CaseMismatch => format!("in lower case: {}", l.after),
                    Cause::DoubleSlash { .. } => format!("without the double slash: {}", l.after),
                    Cause::MethodNotAllowed { allowed, .. } => format!(
                        "with another method ({})",
                        crate::model::method::list(allowed)
                    ),
                    Cause::Redirect { to, .. } => format!("at {to} directly"),
                };
                match &mended_end {
                    Some(end) if l.culprit == 0 || d.links.len() == 1 => {
                        format!("near miss ({}): {end} {change}", l.cause.rule())
                    }
                    _ => format!("near miss ({}): would match {change}", l.cause.rule()),
                }
            })
            .collect()
    }

    /// The trace as a table: one row per hop.
    pub fn human(&self, t: &Trace, d: Option<&Diagnosis>) -> String {
        let g = &self.analysis.graph;
        let src = &self.analysis.sources;
        let mut rows: Vec<[String; 5]> = Vec::new();
        for (i, hop) in t.hops.iter().enumerate() {
            let c = g.component(hop.component);
            let (loc, what) = match hop.chosen {
                Some(step) => (at(src, self.step_span(step)), self.step_text(step)),
                None => (String::new(), "no match".to_owned()),
            };
            let paths = match &hop.path_out {
                Some(out) => format!("{} → {out}", hop.path_in),
                None => hop.path_in.to_string(),
            };
            rows.push([format!("{}", i + 1), c.name.clone(), loc, what, paths]);
        }
        let widths: Vec<usize> = (0..5)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = format!("{}\n", t.request);
        for (row, hop) in rows.iter().zip(&t.hops) {
            let mut line = String::from(" ");
            for (c, cell) in row.iter().enumerate() {
                line.push(' ');
                line.push_str(cell);
                if c < 4 {
                    line.push_str(&" ".repeat(widths[c] - cell.chars().count()));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
            if let Some(step) = hop.chosen {
                out.push_str(&format!(
                    "{}| {}\n",
                    " ".repeat(widths[0] + 3),
                    snippet(src, self.step_span(step))
                ));
            }
            for c in &hop.coincidental {
                out.push_str(&format!(
                    "{}maybe: {}\n",
                    " ".repeat(widths[0] + 3),
                    self.sim.coincidence_note(c)
                ));
            }
        }
        out.push_str(&format!("  → {}\n", self.end_line(t)));
        if let Some(d) = d {
            for n in self.near_misses(d) {
                out.push_str(&format!("    {n}\n"));
            }
        }
        for h in &t.hops {
            for a in &g.component(h.component).assumptions {
                out.push_str(&format!("    assumed: {a}\n"));
            }
        }
        out
    }

    pub fn json(&self, t: &Trace, d: Option<&Diagnosis>) -> Value {
        let g = &self.analysis.graph;
        let src = &self.analysis.sources;
        let loc = |span: Span| {
            let lc = src.line_col(span);
            json!({"path": src.display(span.file), "line": lc.line, "column": lc.column})
        };
        let hops: Vec<Value> = t
            .hops
            .iter()
            .map(|h| {
                let c = g.component(h.component);
                let mut hop = json!({
                    "component": c.name,
                    "kind": c.kind,
                    "matched": h.chosen.map(|s| json!({
                        "type": if matches!(s, Step::Endpoint(_)) { "endpoint" } else { "route" },
                        "match": self.step_text(s),
                        "location": loc(self.step_span(s)),
                        "snippet": snippet(src, self.step_span(s)),
                    })),
                    "path_in": h.path_in.to_string(),
                    "path_out": h.path_out.as_ref().map(|p| p.to_string()),
                });
                if !h.coincidental.is_empty() {
                    hop["maybe"] = h
                        .coincidental
                        .iter()
                        .map(|c| Value::String(self.sim.coincidence_note(c)))
                        .collect();
                }
                hop
            })
            .collect();
        json!({
            "request": {"method": t.request.method.map(|m| m.as_str()), "path": t.request.path.to_string()},
            "entry": g.component(t.entry).name,
            "hops": hops,
            "outcome": {"status": Self::status(&t.outcome), "summary": self.end_line(t)},
            "near_misses": d.map(|d| self.near_misses(d)).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_into_origin_and_path_without_query() {
        let t =
            parse_request("patch", "https://blog.example.com/blog/api/posts/5?x=1#top").unwrap();
        assert_eq!(t.origin.as_deref(), Some("https://blog.example.com"));
        assert_eq!(t.request.to_string(), "PATCH /blog/api/posts/5");
        let t = parse_request("GET", "blog/api/posts/{id}").unwrap();
        assert_eq!(t.request.to_string(), "GET /blog/api/posts/{id}");
        assert!(parse_request("FETCH", "/").is_err());
    }
}
