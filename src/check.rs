//! `routelint check` as a library call: discover, extract in parallel, build the graph, trace
//! every call, run the rules. Returns findings and counts; prints nothing.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::deployment::kustomize::{Assumed, DeployedBy, Deployment};
use crate::discover::{self, Candidate, Skip};
use crate::finding::Finding;
use crate::finding::Severity;
use crate::model::graph::Graph;
use crate::model::topology::{self, FileFacts};
use crate::report::summary::Summary;
use crate::rules::{self, context::Context};
use crate::sim::Sim;
use crate::source_file::{FileId, SourceMap};
use crate::sources::{
    SourceKind, facts::Facts, facts::Problem, input::ClientSettings, input::Input, input::Keep,
    input::Module,
};

/// What to check.
#[derive(Debug, Default)]
pub struct Options {
    pub roots: Vec<PathBuf>,
    pub config: Config,
    /// Also compute coverage (dead routes, unreachable endpoints).
    pub coverage: bool,
    /// Check only this deployment (`--deployment NAME|PATH`); the route views show it.
    pub deployment: Option<String>,
}

/// The result of a check.
pub struct Analysis {
    pub sources: SourceMap,
    pub graph: Graph,
    pub findings: Vec<Finding>,
    /// Every client call, traced (and diagnosed when it fails).
    pub results: Vec<crate::rules::result::CallResult>,
    /// When asked for.
    pub coverage: Option<crate::coverage::Coverage>,
    pub summary: Summary,
    pub base: PathBuf,
    /// Every deployment of the repository, in order; one shown (the graph, traces and
    /// coverage above are its).
    pub deployments: Vec<DeploymentInfo>,
    /// CD sources whose path is no kustomization of the repository.
    pub unmatched_cd: Vec<crate::sources::facts::CdSource>,
    /// The CD source that makes the default deployment the default, when the repository says.
    pub default_by: Option<DeployedBy>,
}

/// A deployment as `routelint deployments` lists it.
#[derive(Debug)]
pub struct DeploymentInfo {
    /// Its directory (`None`: the repository's manifests as written).
    pub name: Option<String>,
    pub kustomization: Option<FileId>,
    pub deployed_by: Vec<DeployedBy>,
    /// The one the repository's CD deploys (or the first, when it does not say).
    pub default: bool,
    /// The one the route views show: the default, or the one `--deployment` picks.
    pub shown: bool,
    /// Checked in this run (all of them, unless `--deployment` picks one).
    pub checked: bool,
    /// Its findings by severity: errors, warnings, infos.
    pub counts: [usize; 3],
    /// Objects only unlisted manifests declare, assumed applied by hand.
    pub assumed: Vec<Assumed>,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}: no such file or directory")]
    MissingRoot(PathBuf),
    #[error("nothing to check: no routing config, API description or client code found under {0}")]
    NoInputs(String),
    /// Nothing was read, and something could not be: the first such entry and why.
    #[error("{0}")]
    Unreadable(String),
    #[error("{}", unknown_deployment(.wanted, .known))]
    UnknownDeployment { wanted: String, known: Vec<String> },
}

fn unknown_deployment(wanted: &str, known: &[String]) -> String {
    format!(
        "no single deployment named `{wanted}`; deployments: {} (`routelint deployments` lists them)",
        known.join(", ")
    )
}

/// A file read and kept for the extractors.
struct Read {
    cand: Candidate,
    text: Arc<String>,
    kind: SourceKind,
    bad_bytes: BadBytes,
}

/// Where a text stops being valid UTF-8 or holds binary bytes, and which, if it does.
type BadBytes = Option<(usize, String)>;

/// What the read phase kept of a file ([`Keep`]).
enum Kept {
    Text(Read),
    /// Only the modules it imports: read again if an extractor needs it.
    Imports {
        cand: Candidate,
        kind: SourceKind,
        specs: Vec<String>,
    },
}

impl Kept {
    fn kind(&self) -> SourceKind {
        match self {
            Kept::Text(r) => r.kind,
            Kept::Imports { kind, .. } => *kind,
        }
    }

    fn display(&self) -> &str {
        match self {
            Kept::Text(r) => &r.cand.display,
            Kept::Imports { cand, .. } => &cand.display,
        }
    }
}

/// Runs the whole pipeline.
pub fn check(opts: &Options) -> Result<Analysis, CheckError> {
    for r in &opts.roots {
        if !r.exists() {
            return Err(CheckError::MissingRoot(r.clone()));
        }
    }
    let base = discover::base_of(&opts.roots);
    // Files are read and classified as the walk finds them.
    let walked = discover::walk(
        &opts.roots,
        &base,
        &opts.config.include,
        &opts.config.exclude,
        |cand| Some(read_one(cand, &opts.config.limits)),
    );
    let mut templated = 0;
    let mut kept: Vec<Kept> = Vec::new();
    let mut skipped = walked.skipped;
    for r in walked.found {
        match r {
            Ok(r) => kept.push(r),
            Err(NotRead::Skip(Skip::Templated)) => templated += 1,
            Err(NotRead::Skip(_)) => {}
            Err(NotRead::Note(path, reason)) => skipped.push((path, reason)),
        }
    }
    skipped.sort();
    if kept.is_empty() {
        // A root that could not be read says why, not "nothing to check".
        let roots: Vec<String> = opts.roots.iter().map(|r| r.display().to_string()).collect();
        if let Some((path, reason)) = skipped.first() {
            let path = if path.is_empty() { &roots[0] } else { path };
            let more = match skipped.len() {
                1 => String::new(),
                n => format!(" (and {} more, --show-skipped)", n - 1),
            };
            return Err(CheckError::Unreadable(format!(
                "{path}: {reason}{more}; nothing else to check under {}",
                roots.join(", ")
            )));
        }
        let roots: Vec<String> = opts.roots.iter().map(|r| r.display().to_string()).collect();
        return Err(CheckError::NoInputs(roots.join(", ")));
    }
    let mut files_by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    for k in &kept {
        *files_by_kind.entry(k.kind().label()).or_default() += 1;
    }
    let read_files = kept.len();
    let client = ClientSettings {
        env: opts.config.client.env.clone(),
        page_base: opts.config.client.page_base.clone(),
        read_tests: opts.config.client.read_tests,
    };
    let files = load_needed(kept, &client, &opts.config.limits);
    let mut sources = SourceMap::default();
    let ids: Vec<FileId> = files
        .iter()
        .map(|f| sources.add(f.cand.display.clone(), &f.cand.path, f.text.clone()))
        .collect();
    let facts = extract_all(&files, &ids, &walked.projects, &client);
    load_patches(&facts, &files, &mut sources);
    skipped.extend(
        facts
            .iter()
            .filter_map(|f| Some((f.display.clone(), f.facts.not_read.clone()?))),
    );
    skipped.sort();

    let mut summary = Summary {
        files: read_files,
        files_by_kind,
        templated,
        skipped,
        ..Summary::default()
    };
    summary.unresolved_endpoints = facts
        .iter()
        .map(|f| f.facts.unresolved_endpoints.len())
        .sum();
    let mut problems: Vec<Problem> = facts
        .iter()
        .flat_map(|f| f.facts.problems.iter().cloned())
        .collect();
    // Each kustomize overlay is its own deployment: check each, then merge their findings.
    let deployments = crate::deployment::kustomize::deployments(facts, &sources);
    problems.extend(deployments.problems.iter().cloned());
    let shown =
        match &opts.deployment {
            Some(wanted) => crate::deployment::cd::select(&deployments.list, wanted, &base)
                .map_err(|known| CheckError::UnknownDeployment {
                    wanted: wanted.clone(),
                    known,
                })?,
            None => deployments.default,
        };
    let total = deployments.list.len();
    let checked: Vec<usize> = if opts.deployment.is_some() {
        vec![shown]
    } else {
        (0..total).collect()
    };
    let several = checked.len() > 1;
    let mut merged: Vec<(Finding, Vec<String>)> = Vec::new();
    let mut kept = None;
    let mut counts = vec![[0usize; 3]; total];
    let mut used_assumed: Vec<Vec<Assumed>> = vec![Vec::new(); total];
    for &i in &checked {
        let d = &deployments.list[i];
        let mut graph = topology::build(&d.files, &opts.config.graph_settings());
        let (assumed, used) = assume(&mut graph, d, &sources);
        used_assumed[i] = used;
        let sim = Sim::new(&graph);
        let mut cx = Context::new(&graph, &sim, &sources, &problems).with_options(
            rules::context::RuleOptions {
                problem_details: opts.config.errors
                    == Some(crate::config::ErrorPolicy::ProblemDetails),
            },
        );
        if opts.coverage {
            cx = cx.with_coverage();
        }
        let mut found = crate::suppress::apply(rules::run(&cx), &sources, opts.coverage);
        note_assumed(&mut found, &cx, &assumed, d, &sources);
        for f in &found {
            counts[i][match f.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            }] += 1;
        }
        let name = d.name.clone().unwrap_or_default();
        for f in found {
            // Whether a call could be checked is said of the deployment the CD deploys: a
            // call another overlay cannot follow was still checked where it matters.
            if f.rule == UNRESOLVED && deployments.default_by.is_some() && i != shown {
                continue;
            }
            match merged.iter_mut().find(|(m, _)| same_finding(m, &f)) {
                Some((_, names)) => names.push(name.clone()),
                None => merged.push((f, vec![name.clone()])),
            }
        }
        let results = cx.results;
        let coverage = cx.coverage;
        drop(sim);
        if i == shown {
            kept = Some((graph, results, coverage));
        }
    }
    // Where the repository says which deployment its CD deploys, findings of the others say so.
    let cd_default = deployments.default_by.as_ref().and_then(|b| {
        let d = deployments.list[deployments.default].name.as_deref()?;
        Some((d, b))
    });
    let findings: Vec<Finding> = merged
        .into_iter()
        .map(|(mut f, names)| {
            let of_default = f.rule == UNRESOLVED && deployments.default_by.is_some();
            if several && names.len() < checked.len() && !of_default {
                let mut note = format!(
                    "only in the kustomize deployment{} {}",
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", ")
                );
                if let Some((d, b)) = cd_default.filter(|(d, _)| !names.iter().any(|n| n == d)) {
                    note.push_str(&format!(" ({} {} deploys {d})", b.tool.label(), b.name));
                }
                f.notes.push(note);
            }
            f
        })
        .collect();
    let mut findings = opts.config.apply_rule_levels(findings);
    rules::sort(&mut findings, &sources);
    let Some((graph, results, coverage)) = kept else {
        return Err(CheckError::NoInputs(base.display().to_string()));
    };
    summary.calls = graph.calls.len();
    summary.routes = graph.routes.len() + graph.unbound_routes.len();
    summary.endpoints = graph.endpoints.len();
    summary.unresolved = results.iter().filter(|r| r.unresolved.is_some()).count();
    summary.deployments = if several { total } else { 0 };
    summary.default_deployment = if several && deployments.default_by.is_some() {
        deployments.list[shown].name.clone()
    } else {
        None
    };
    summary.recount(&findings);
    let infos = deployments
        .list
        .into_iter()
        .enumerate()
        .zip(used_assumed)
        .map(|((i, d), assumed)| DeploymentInfo {
            name: d.name,
            kustomization: d.kustomization,
            deployed_by: d.deployed_by,
            default: i == deployments.default,
            shown: i == shown,
            checked: checked.contains(&i),
            counts: counts[i],
            assumed,
        })
        .collect();
    Ok(Analysis {
        sources,
        graph,
        findings,
        results,
        coverage,
        summary,
        base,
        deployments: infos,
        unmatched_cd: deployments.unmatched,
        default_by: deployments.default_by,
    })
}

/// The rule that lists the calls that could not be checked.
const UNRESOLVED: &str = "unresolved-call";

/// The components of the graph that only unlisted manifests declare and something uses, each
/// with the note that says so (and those objects); the note is also an assumption of the
/// component (traces and route tables say it).
fn assume(
    graph: &mut Graph,
    d: &Deployment,
    sources: &SourceMap,
) -> (
    Vec<(crate::model::graph::ComponentId, String)>,
    Vec<Assumed>,
) {
    let mut out = Vec::new();
    let mut used_here = Vec::new();
    for a in &d.assumed {
        let note = format!(
            "{} {} is declared only in {}, which no kustomization lists: assumed applied by hand",
            a.what(),
            a.name,
            sources.display(a.span.file)
        );
        for i in 0..graph.components.len() {
            let id = crate::model::graph::ComponentId(i);
            // Used: routes are bound to it, or a route forwards to it.
            let used = !graph.components[i].tables.is_empty()
                || graph
                    .routes
                    .iter()
                    .any(|r| matches!(r.dest, crate::model::graph::Dest::Component(c) if c == id));
            let c = &mut graph.components[i];
            if used && (c.name == a.name || c.aliases.contains(&a.name)) {
                used_here.push(a.clone());
                if !c.assumptions.contains(&note) {
                    c.assumptions.push(note.clone());
                }
                out.push((id, note.clone()));
            }
        }
    }
    (out, used_here)
}

/// What binds to an assumed object says so: a finding whose request passes through it, or
/// that points at one of its routes. A finding on an unlisted manifest alone is at most a
/// warning: nothing says it is deployed.
fn note_assumed(
    found: &mut [Finding],
    cx: &Context<'_>,
    assumed: &[(crate::model::graph::ComponentId, String)],
    d: &Deployment,
    sources: &SourceMap,
) {
    let graph = cx.graph;
    for f in found.iter_mut() {
        if d.unlisted.contains(&f.primary.span.file) {
            if f.severity > Severity::Warning {
                f.severity = Severity::Warning;
            }
            f.notes.push(format!(
                "{} is listed by no kustomization: assumed applied by hand, so at most a warning",
                sources.display(f.primary.span.file)
            ));
        }
        if assumed.is_empty() {
            continue;
        }
        let spans: Vec<crate::source_file::Span> = std::iter::once(f.primary.span)
            .chain(f.related.iter().map(|l| l.span))
            .collect();
        let traced: Vec<crate::model::graph::ComponentId> = cx
            .results
            .iter()
            .filter(|r| graph.call(r.call).fact.span == f.primary.span)
            .filter_map(|r| r.trace.as_ref())
            .flat_map(|t| t.hops.iter().map(|h| h.component))
            .collect();
        for (id, note) in assumed {
            let routed = graph
                .routes
                .iter()
                .any(|r| r.component == *id && spans.contains(&r.fact.span));
            if (traced.contains(id) || routed) && !f.notes.contains(note) {
                f.notes.push(note.clone());
            }
        }
    }
}

/// Reads the patch files kustomizations name that the walk did not keep (a JSON 6902
/// operations list is no manifest): the deployments apply them, and point into them.
fn load_patches(facts: &[FileFacts], files: &[Read], sources: &mut SourceMap) {
    let known: std::collections::BTreeSet<String> =
        sources.files().iter().map(|f| f.display.clone()).collect();
    let mut wanted: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
    for (f, read) in facts.iter().zip(files) {
        let Some(k) = &f.facts.kustomization else {
            continue;
        };
        let dir = f.display.rsplit_once('/').map_or("", |(d, _)| d);
        let disk_dir = read.cand.path.parent().unwrap_or(std::path::Path::new("."));
        for (rel, _) in k.patch_entries.iter().filter_map(|e| e.path.as_ref()) {
            let display = crate::deployment::kustomize::join(dir, rel);
            if !known.contains(&display) && !rel.contains("://") {
                wanted.entry(display).or_insert_with(|| disk_dir.join(rel));
            }
        }
    }
    for (display, path) in wanted {
        if let Ok(text) = std::fs::read_to_string(&path) {
            sources.add(display, &path, Arc::new(text));
        }
    }
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
    // nginx templates are read last, rendered with the environment the other files give them.
    let nginx = by_kind.remove(&SourceKind::Nginx).unwrap_or_default();
    let sets: Vec<(Vec<usize>, Vec<Facts>)> = by_kind
        .into_par_iter()
        .map(|(kind, idx)| {
            let inputs: Vec<Input<'_>> = idx.iter().map(|&i| input(i)).collect();
            let facts = if kind.cross_file() {
                extract_set_guarded(kind, &inputs, client)
            } else {
                inputs
                    .par_iter()
                    .map(|i| extract_guarded(kind, *i, &BTreeMap::new()))
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
    let envs: Vec<&crate::sources::facts::DirEnv> =
        out.iter().flatten().flat_map(|f| &f.dir_env).collect();
    let rendered: Vec<Facts> = nginx
        .par_iter()
        .map(|&i| {
            let input = input(i);
            let env = crate::deployment::envsubst::for_file(envs.iter().copied(), input.path);
            extract_guarded(SourceKind::Nginx, input, &env)
        })
        .collect();
    for (i, f) in nginx.into_iter().zip(rendered) {
        out[i] = Some(f);
    }
    out.into_iter()
        .enumerate()
        .map(|(i, facts)| {
            let f = &files[i];
            let mut facts = facts.unwrap_or_else(|| {
                let mut facts = Facts::default();
                if let Some((at, what)) = &f.bad_bytes {
                    let end = (*at + 1).min(f.text.len()).max(*at);
                    facts.problem(input(i).span(*at, end), what.clone());
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
            .map(|i| extract_guarded(kind, *i, &BTreeMap::new()))
            .collect(),
    }
}

/// The same finding from two deployments: same rule, same place, same headline.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.primary.span == b.primary.span && a.message == b.message
}

/// Runs an extractor; a panic inside one (a bug, never expected) becomes a problem on that
/// file instead of ending the run.
fn extract_guarded(kind: SourceKind, input: Input<'_>, env: &BTreeMap<String, String>) -> Facts {
    match std::panic::catch_unwind(|| kind.extract_rendered(input, env)) {
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

/// The files whose text an extractor needs: every file kept as text, and the files kept as
/// imports that [`SourceKind::needed`] asks for, read again (in parallel). A file that cannot
/// be read again is left out.
fn load_needed(
    kept: Vec<Kept>,
    client: &ClientSettings,
    limits: &crate::config::LimitsConfig,
) -> Vec<Read> {
    let mut wanted = vec![true; kept.len()];
    // The kinds with files kept as imports, each with all its files.
    let mut by_kind: BTreeMap<SourceKind, Vec<usize>> = kept
        .iter()
        .filter(|k| matches!(k, Kept::Imports { .. }))
        .map(|k| (k.kind(), Vec::new()))
        .collect();
    for (i, k) in kept.iter().enumerate() {
        if let Some(idx) = by_kind.get_mut(&k.kind()) {
            idx.push(i);
        }
    }
    for (kind, idx) in &by_kind {
        let modules: Vec<(&str, Module<'_>)> = idx
            .iter()
            .map(|&i| {
                let m = match &kept[i] {
                    Kept::Text(r) => Module::Text(r.text.as_str()),
                    Kept::Imports { specs, .. } => Module::Imports(specs),
                };
                (kept[i].display(), m)
            })
            .collect();
        for (&i, need) in idx.iter().zip(kind.needed(&modules, client)) {
            wanted[i] = need;
        }
    }
    kept.into_par_iter()
        .zip(wanted)
        .filter_map(|(k, want)| match k {
            Kept::Text(r) => Some(r),
            Kept::Imports { cand, kind, .. } if want => {
                let mut buf = Vec::new();
                let (text, bad_bytes) =
                    read_text(&cand.path, &mut buf, limits.file_size_bytes()).ok()?;
                Some(Read {
                    text: Arc::new(text.into_owned()),
                    cand,
                    kind,
                    bad_bytes,
                })
            }
            Kept::Imports { .. } => None,
        })
        .collect()
}

/// The largest read buffer a thread keeps between files.
const MAX_KEPT_BUFFER: usize = 4 << 20;

thread_local! {
    /// The read buffer of this thread: most files' texts are not kept, so most files cost no
    /// allocation (holding every text would cost a page fault per 4 KiB).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Why [`read_text`] did not read a file.
enum Unread {
    /// Larger than the limit: its size in bytes.
    TooLarge(u64),
    /// Not a regular file, or unreadable: why.
    Other(String),
}

/// A file's text read into `buf` (borrowed when it is valid UTF-8, else with the bad bytes
/// replaced) and where its bytes go bad, if they do. `Err` says why it was not read: it
/// cannot be read, is not a regular file (a FIFO would block) or is larger than `limit`
/// bytes (`[limits] file-size-mb`).
fn read_text<'b>(
    path: &std::path::Path,
    buf: &'b mut Vec<u8>,
    limit: u64,
) -> Result<(Cow<'b, str>, BadBytes), Unread> {
    let io = |e: std::io::Error| {
        Unread::Other(match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied: not read".to_owned(),
            _ => format!("could not be read: {e}"),
        })
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(Unread::Other(
            "not a regular file (a FIFO, socket or device): not read".to_owned(),
        ));
    }
    if meta.len() > limit {
        return Err(Unread::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    buf.clear();
    // A buffer with room for most files: no size query, one read and one at the end.
    buf.reserve(64 * 1024);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit.saturating_add(1)), buf)
        .map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(Unread::TooLarge(buf.len() as u64));
    }
    // A UTF-8 byte order mark is not text: sniffs that look at the first line, and line-1
    // columns, see the file as an editor shows it.
    let bytes = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    let (text, bad) = match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => (
            String::from_utf8_lossy(bytes),
            Some((e.valid_up_to(), "the file is not valid UTF-8".to_owned())),
        ),
    };
    let bad = bad.or_else(|| {
        memchr::memchr(0, text.as_bytes())
            .map(|at| (at, "the file holds binary data (a NUL byte)".to_owned()))
    });
    Ok((text, bad))
}

/// Why the read phase did not keep a file.
enum NotRead {
    /// Classified as nothing to read (or templated).
    Skip(Skip),
    /// Not read at all: (display path, reason), listed by `--show-skipped`.
    Note(String, String),
}

/// How much of a file over the size limit is read to tell what it is.
const HEAD_BYTES: u64 = 64 * 1024;

/// A file over the size limit: a `parse-error` when its first bytes say it is something
/// routelint reads, else a note (a data dump or bundle).
fn too_large(
    cand: Candidate,
    ext: discover::ExtKind,
    len: u64,
    limit: u64,
) -> Result<Kept, NotRead> {
    let mut head = Vec::new();
    if let Ok(file) = std::fs::File::open(&cand.path) {
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(file, HEAD_BYTES), &mut head);
    }
    let mut text = String::from_utf8_lossy(&head).into_owned();
    // The last line may be cut: keep whole lines.
    if let Some(i) = text.rfind('\n') {
        text.truncate(i + 1);
    }
    let mb = |b: u64| b.div_ceil(1 << 20);
    let message = format!(
        "too large: {} MB, limit {} MB; raise it with `[limits] file-size-mb` in routelint.toml",
        mb(len),
        mb(limit)
    );
    match discover::classify(&cand.display, ext, &text) {
        Ok(kind) => Ok(Kept::Text(Read {
            text: Arc::new(text),
            cand,
            kind,
            bad_bytes: Some((0, message)),
        })),
        Err(_) => Err(NotRead::Note(cand.display, message)),
    }
}

fn read_one(cand: Candidate, limits: &crate::config::LimitsConfig) -> Result<Kept, NotRead> {
    let ext = discover::extension_kind(&cand.path).ok_or(NotRead::Skip(Skip::NotRelevant))?;
    let limit = limits.file_size_bytes();
    BUFFER.with_borrow_mut(|buffer| {
        let (text, bad_bytes) = match read_text(&cand.path, buffer, limit) {
            Ok(read) => read,
            Err(Unread::TooLarge(len)) => return too_large(cand, ext, len, limit),
            Err(Unread::Other(reason)) => return Err(NotRead::Note(cand.display, reason)),
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
            discover::classify(&cand.display, ext, &text).map_err(NotRead::Skip)?
        };
        // A file with bad bytes is kept: its problem is reported.
        let keep = if bad_bytes.is_none() {
            kind.keep(&cand.display, &text)
        } else {
            Keep::Text
        };
        let kept = match keep {
            Keep::Text => Kept::Text(Read {
                text: Arc::new(text.into_owned()),
                cand,
                kind,
                bad_bytes,
            }),
            Keep::Imports(specs) => Kept::Imports { cand, kind, specs },
        };
        // A huge file's room is not held for the rest of the walk.
        if buffer.capacity() > MAX_KEPT_BUFFER {
            *buffer = Vec::new();
        }
        Ok(kept)
    })
}
