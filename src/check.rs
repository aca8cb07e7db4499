//! `routelint check` as a library call: discover, extract in parallel, build the graph, trace
//! every call, run the rules. Returns findings and counts; prints nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::discover::{self, Candidate, Skip};
use crate::finding::{Finding, Severity};
use crate::model::graph::Graph;
use crate::model::topology::{self, FileFacts};
use crate::rules::{self, Context};
use crate::sim::Sim;
use crate::source_file::{FileId, SourceMap};
use crate::sources::{ClientSettings, Facts, Input, Problem, SourceKind};

/// What to check.
#[derive(Debug, Default)]
pub struct Options {
    pub roots: Vec<PathBuf>,
    pub config: Config,
    /// Also compute coverage (dead routes, unreachable endpoints).
    pub coverage: bool,
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub files: usize,
    pub files_by_kind: BTreeMap<&'static str, usize>,
    pub templated: usize,
    pub calls: usize,
    pub routes: usize,
    pub endpoints: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub unresolved: usize,
    /// Endpoints declared in code whose path could not be resolved statically.
    pub unresolved_endpoints: usize,
    /// Kustomize deployments checked separately (0 when the repository is one deployment).
    pub deployments: usize,
}

impl Summary {
    /// Recounts findings by severity after some were filtered out (focus, baseline).
    pub fn recount(&mut self, findings: &[Finding]) {
        self.errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
        self.infos = findings
            .iter()
            .filter(|f| f.severity == Severity::Info)
            .count();
    }
}

/// The result of a check.
pub struct Analysis {
    pub sources: SourceMap,
    pub graph: Graph,
    pub findings: Vec<Finding>,
    /// Every client call, traced (and diagnosed when it fails).
    pub results: Vec<crate::rules::CallResult>,
    /// When asked for.
    pub coverage: Option<crate::coverage::Coverage>,
    pub summary: Summary,
    pub base: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}: no such file or directory")]
    MissingRoot(PathBuf),
    #[error("nothing to check: no routing config, API description or client code found under {0}")]
    NoInputs(String),
}

struct Read {
    cand: Candidate,
    text: Arc<str>,
    kind: SourceKind,
    /// Where the text stops being valid UTF-8 or holds binary bytes, if it does.
    bad_bytes: Option<(usize, &'static str)>,
}

/// Runs the whole pipeline.
pub fn check(opts: &Options) -> Result<Analysis, CheckError> {
    for r in &opts.roots {
        if !r.exists() {
            return Err(CheckError::MissingRoot(r.clone()));
        }
    }
    let base = discover::base_of(&opts.roots);
    let walked = discover::walk(
        &opts.roots,
        &base,
        &opts.config.include,
        &opts.config.exclude,
    );
    let read: Vec<Result<Read, Option<Skip>>> = walked
        .candidates
        .clone()
        .into_par_iter()
        .map(read_one)
        .collect();
    let mut templated = 0;
    let mut files: Vec<Read> = Vec::new();
    for r in read {
        match r {
            Ok(r) => files.push(r),
            Err(Some(Skip::Templated)) => templated += 1,
            Err(_) => {}
        }
    }
    if files.is_empty() {
        let roots: Vec<String> = opts.roots.iter().map(|r| r.display().to_string()).collect();
        return Err(CheckError::NoInputs(roots.join(", ")));
    }
    let mut sources = SourceMap::default();
    let ids: Vec<FileId> = files
        .iter()
        .map(|f| sources.add(f.cand.display.clone(), &f.cand.path, f.text.clone()))
        .collect();
    let client = ClientSettings {
        env: opts.config.client.env.clone(),
        page_base: opts.config.client.page_base.clone(),
    };
    let facts = extract_all(&files, &ids, &walked.projects, &client);

    let mut summary = Summary {
        files: files.len(),
        templated,
        ..Summary::default()
    };
    summary.unresolved_endpoints = facts
        .iter()
        .map(|f| f.facts.unresolved_endpoints.len())
        .sum();
    for f in &files {
        *summary.files_by_kind.entry(f.kind.label()).or_default() += 1;
    }
    let problems: Vec<Problem> = facts
        .iter()
        .flat_map(|f| f.facts.problems.iter().cloned())
        .collect();
    // Each kustomize overlay is its own deployment: check each, then merge their findings.
    let deployments = crate::model::kustomize::deployments(facts);
    let several = deployments.len() > 1;
    let mut merged: Vec<(Finding, Vec<String>)> = Vec::new();
    let mut first = None;
    for d in &deployments {
        let graph = topology::build(&d.files, &opts.config);
        let sim = Sim::new(&graph);
        let mut cx =
            Context::new(&graph, &sim, &sources, &problems).with_options(rules::RuleOptions {
                problem_details: opts.config.errors
                    == Some(crate::config::ErrorPolicy::ProblemDetails),
            });
        if opts.coverage {
            cx = cx.with_coverage();
        }
        let found = crate::suppress::apply(rules::run(&cx), &sources, opts.coverage);
        let name = d.name.clone().unwrap_or_default();
        for f in found {
            match merged.iter_mut().find(|(m, _)| same_finding(m, &f)) {
                Some((_, names)) => names.push(name.clone()),
                None => merged.push((f, vec![name.clone()])),
            }
        }
        let results = cx.results;
        let coverage = cx.coverage;
        drop(sim);
        if first.is_none() {
            first = Some((graph, results, coverage));
        }
    }
    let total = deployments.len();
    let findings: Vec<Finding> = merged
        .into_iter()
        .map(|(mut f, names)| {
            if several && names.len() < total {
                f.notes.push(format!(
                    "only in the kustomize deployment{} {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ));
            }
            f
        })
        .collect();
    let mut findings = opts.config.apply_rule_levels(findings);
    rules::sort(&mut findings, &sources);
    let Some((graph, results, coverage)) = first else {
        return Err(CheckError::NoInputs(base.display().to_string()));
    };
    summary.calls = graph.calls.len();
    summary.routes = graph.routes.len() + graph.unbound_routes.len();
    summary.endpoints = graph.endpoints.len();
    summary.unresolved = results.iter().filter(|r| r.unresolved.is_some()).count();
    summary.deployments = if several { total } else { 0 };
    summary.recount(&findings);
    Ok(Analysis {
        sources,
        graph,
        findings,
        results,
        coverage,
        summary,
        base,
    })
}

/// Runs every extractor: kinds whose names cross files read all their files at once, the others
/// one file at a time; all in parallel. Files with bad bytes are not handed to an extractor.
fn extract_all(
    files: &[Read],
    ids: &[FileId],
    projects: &[String],
    client: &ClientSettings,
) -> Vec<FileFacts> {
    let mut by_kind: BTreeMap<SourceKind, Vec<usize>> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.bad_bytes.is_none() {
            by_kind.entry(f.kind).or_default().push(i);
        }
    }
    let input = |i: usize| Input {
        file: ids[i],
        path: &files[i].cand.display,
        text: &files[i].text,
    };
    let mut out: Vec<Option<Facts>> = vec![None; files.len()];
    let sets: Vec<(Vec<usize>, Vec<Facts>)> = by_kind
        .into_par_iter()
        .map(|(kind, idx)| {
            let inputs: Vec<Input<'_>> = idx.iter().map(|&i| input(i)).collect();
            let facts = if kind.cross_file() {
                extract_set_guarded(kind, &inputs, client)
            } else {
                inputs
                    .par_iter()
                    .map(|i| extract_guarded(kind, *i))
                    .collect()
            };
            (idx, facts)
        })
        .collect();
    for (idx, facts) in sets {
        for (i, f) in idx.into_iter().zip(facts) {
            out[i] = Some(f);
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, facts)| {
            let f = &files[i];
            let mut facts = facts.unwrap_or_else(|| {
                let mut facts = Facts::default();
                if let Some((at, what)) = f.bad_bytes {
                    facts.problem(input(i).span(at, at + 1), what);
                }
                facts
            });
            facts.problems.sort_by_key(|p| (p.span.start, p.span.end));
            FileFacts {
                file: ids[i],
                display: f.cand.display.clone(),
                project: discover::project_of(&f.cand.display, projects),
                facts,
            }
        })
        .collect()
}

/// [`SourceKind::extract_set`] with the same guard as [`extract_guarded`]: a panic while
/// reading the set falls back to reading each file alone, each guarded.
fn extract_set_guarded(
    kind: SourceKind,
    inputs: &[Input<'_>],
    client: &ClientSettings,
) -> Vec<Facts> {
    match std::panic::catch_unwind(|| kind.extract_set_with(inputs, client)) {
        Ok(f) if f.len() == inputs.len() => f,
        _ => inputs
            .par_iter()
            .map(|i| extract_guarded(kind, *i))
            .collect(),
    }
}

/// The same finding from two deployments: same rule, same place, same headline.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message
}

/// Runs an extractor; a panic inside one (a bug, never expected) becomes a problem on that
/// file instead of ending the run.
fn extract_guarded(kind: SourceKind, input: Input<'_>) -> Facts {
    match std::panic::catch_unwind(|| kind.extract(input)) {
        Ok(f) => f,
        Err(_) => {
            let mut f = Facts::default();
            f.problem(
                input.span(0, 0),
                format!(
                    "internal error while reading this {} file (please report it)",
                    kind.label()
                ),
            );
            f
        }
    }
}

fn read_one(cand: Candidate) -> Result<Read, Option<Skip>> {
    let ext = discover::extension_kind(&cand.path).ok_or(None)?;
    // One open and one fstat per file: the size check and the read share the handle.
    let mut file = std::fs::File::open(&cand.path).map_err(|_| None)?;
    let len = file.metadata().map_err(|_| None)?.len();
    if len > discover::MAX_FILE_BYTES {
        return Err(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut bytes).map_err(|_| None)?;
    let (text, mut bad): (String, Option<(usize, &'static str)>) = match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some((at, "the file is not valid UTF-8")),
            )
        }
    };
    let is_kustomization = cand.path.file_name().is_some_and(|n| {
        matches!(
            n.to_str(),
            Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
        )
    });
    let kind = if is_kustomization {
        SourceKind::Kubernetes
    } else {
        discover::classify(&cand.display, ext, &text).map_err(Some)?
    };
    if bad.is_none()
        && let Some(at) = text.find('\0')
    {
        bad = Some((at, "the file holds binary data (a NUL byte)"));
    }
    Ok(Read {
        cand,
        text: Arc::from(text),
        kind,
        bad_bytes: bad,
    })
}
