//! `routelint init [PATH] [--force]`: analyses the repository at PATH and writes
//! `PATH/routelint.toml` with what routelint inferred, commented, so that a reader sees what
//! routelint thinks the repository is and can correct it.
//!
//! The file says only what routelint already inferred, so checking with it gives the findings
//! checking without it gives. That is verified before writing: the file is parsed back and the
//! repository checked again with it; when a part of it would change the findings (a `paths`
//! glob that catches another component's file, an `entry` that names a different component),
//! that part is written commented out instead, and stderr says so.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::atomic_write;
use crate::check::{self, Analysis, Options};
use crate::cli::InitArgs;
use crate::config::Config;
use crate::model::graph::{Component, ComponentId, Role};
use crate::run::{EXIT_OK, EXIT_USAGE};
use crate::sources::{facts::Dialect, facts::Owner};

/// Directory names that usually hold inputs that are not the deployed system.
const EXCLUDE_HINTS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "fixtures",
    "examples",
    "example",
    "samples",
    "e2e",
    "mocks",
    "__mocks__",
];

/// Runs `routelint init`; returns the exit code.
pub fn run(args: &InitArgs) -> u8 {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !root.is_dir() {
        eprintln!(
            "routelint: error: {} is not a directory: `init` writes routelint.toml into the repository root",
            root.display()
        );
        return EXIT_USAGE;
    }
    let target = root.join("routelint.toml");
    if target.exists() && !args.force {
        eprintln!(
            "routelint: error: {} already exists; use --force to overwrite it",
            target.display()
        );
        return EXIT_USAGE;
    }
    let opts = Options {
        roots: vec![root.clone()],
        ..Options::default()
    };
    let analysis = match check::check(&opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("routelint: error: {e}");
            return EXIT_USAGE;
        }
    };
    let inferred = Inferred::from(&analysis);
    let (text, dropped) = match verified(&inferred, &analysis, &root, &target) {
        Ok(x) => x,
        Err(message) => {
            eprintln!("routelint: error: {message}");
            return EXIT_USAGE;
        }
    };
    if let Err(e) = atomic_write::write(&target, text.as_bytes()) {
        eprintln!("routelint: error: cannot write {}: {e}", target.display());
        return EXIT_USAGE;
    }
    eprint!("{text}");
    eprintln!();
    for d in &dropped {
        eprintln!("routelint: note: {d}");
    }
    eprintln!(
        "routelint: wrote {} ({} component{}, {} finding{} either way)",
        target.display(),
        inferred.components.len(),
        if inferred.components.len() == 1 {
            ""
        } else {
            "s"
        },
        analysis.findings.len(),
        if analysis.findings.len() == 1 {
            ""
        } else {
            "s"
        },
    );
    EXIT_OK
}

/// Which parts of the inferred configuration are written as settings rather than comments.
#[derive(Clone, Copy, Debug)]
struct Parts {
    paths: bool,
    entry: bool,
    hosts: bool,
    components: bool,
}

/// Renders the file with fewer and fewer settings until checking with it gives the same
/// findings as checking without it. Returns the text and what was left commented out.
fn verified(
    inferred: &Inferred,
    analysis: &Analysis,
    root: &Path,
    target: &Path,
) -> Result<(String, Vec<String>), String> {
    let levels = [
        (
            Parts {
                paths: true,
                entry: true,
                hosts: true,
                components: true,
            },
            None,
        ),
        (
            Parts {
                paths: false,
                entry: true,
                hosts: true,
                components: true,
            },
            Some(
                "`paths` are commented out: with them routelint would place some files differently",
            ),
        ),
        (
            Parts {
                paths: false,
                entry: false,
                hosts: true,
                components: true,
            },
            Some("`entry` is commented out: with it requests would enter elsewhere"),
        ),
        (
            Parts {
                paths: false,
                entry: false,
                hosts: false,
                components: true,
            },
            Some("`hosts` are commented out: with them some names would resolve differently"),
        ),
        (
            Parts {
                paths: false,
                entry: false,
                hosts: false,
                components: false,
            },
            Some("the [components] tables are commented out: with them the findings changed"),
        ),
    ];
    let mut dropped = Vec::new();
    for (parts, note) in levels {
        if let Some(n) = note {
            dropped.push(n.to_owned());
        }
        let text = render(inferred, parts);
        let config = Config::parse(target, &text).map_err(|e| {
            format!("the generated configuration does not parse (please report it): {e}")
        })?;
        let again = check::check(&Options {
            roots: vec![root.to_path_buf()],
            config,
            ..Options::default()
        })
        .map_err(|e| e.to_string())?;
        if again.findings == analysis.findings {
            return Ok((text, dropped));
        }
    }
    Err("no configuration reproduces the findings (please report it)".to_owned())
}

/// What `init` learned from the analysis.
struct Inferred {
    /// `13 files (1 go, …) · 17 calls, 7 routes, 12 endpoints`.
    summary: String,
    entries: Vec<String>,
    components: Vec<InferredComponent>,
    /// Names of mesh (sidecar) routing components, which are not configurable.
    mesh: Vec<String>,
    exclude_hints: Vec<String>,
    /// Go components whose version routelint had to assume.
    go_unknown: Vec<String>,
}

struct InferredComponent {
    name: String,
    what: String,
    hosts: Vec<String>,
    paths: Vec<String>,
}

impl Inferred {
    fn from(a: &Analysis) -> Inferred {
        let graph = &a.graph;
        let display = |f: crate::source_file::FileId| a.sources.display(f).to_owned();
        // Files whose owner topology decided (by location, bindings, config), and to whom.
        let mut owned: BTreeMap<String, BTreeSet<ComponentId>> = BTreeMap::new();
        // Every file a component's routes or endpoints come from.
        let mut files: BTreeMap<ComponentId, BTreeSet<String>> = BTreeMap::new();
        // Components each file contributes to.
        let mut contributes: BTreeMap<String, BTreeSet<ComponentId>> = BTreeMap::new();
        for r in &graph.routes {
            let f = display(r.fact.rule_span.file);
            let by_owner = r.fact.dialect == Dialect::OpenApi
                || (r.fact.owner == Owner::File
                    && !matches!(r.fact.dialect, Dialect::Istio | Dialect::GatewayApi));
            if by_owner {
                owned.entry(f.clone()).or_default().insert(r.component);
            }
            files.entry(r.component).or_default().insert(f.clone());
            contributes.entry(f).or_default().insert(r.component);
        }
        for e in &graph.endpoints {
            let f = display(e.fact.span.file);
            owned.entry(f.clone()).or_default().insert(e.component);
            files.entry(e.component).or_default().insert(f.clone());
            contributes.entry(f).or_default().insert(e.component);
        }
        let all_files: Vec<String> = a
            .sources
            .files()
            .iter()
            .map(|f| f.display.clone())
            .collect();

        let mut components = Vec::new();
        let mut mesh = Vec::new();
        let mut go_unknown = Vec::new();
        for (i, c) in graph.components.iter().enumerate() {
            let id = ComponentId(i);
            if c.is_empty() {
                continue;
            }
            if c.role == Role::Mesh {
                mesh.push(c.name.trim_end_matches(" (mesh)").to_owned());
                continue;
            }
            if c.assumptions
                .iter()
                .any(|n| n.contains("Go version unknown"))
            {
                go_unknown.push(c.name.clone());
            }
            let mine = files.get(&id).cloned().unwrap_or_default();
            let paths = paths_for(id, &mine, &owned, &contributes, &all_files);
            components.push(InferredComponent {
                name: c.name.clone(),
                what: describe(c, graph.entries.contains(&id)),
                hosts: c.aliases.clone(),
                paths,
            });
        }
        components.sort_by(|a, b| a.name.cmp(&b.name));
        let s = &a.summary;
        let kinds: Vec<String> = s
            .files_by_kind
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        let summary = format!(
            "{} file{} ({}) · {} call{}, {} route{}, {} endpoint{}",
            s.files,
            plural(s.files),
            kinds.join(", "),
            s.calls,
            plural(s.calls),
            s.routes,
            plural(s.routes),
            s.endpoints,
            plural(s.endpoints),
        );
        Inferred {
            summary,
            entries: graph
                .entries
                .iter()
                .map(|e| graph.component(*e).name.clone())
                .collect(),
            components,
            mesh,
            exclude_hints: exclude_hints(&all_files),
            go_unknown,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `Istio gateway (edge) · 5 routes · requests enter here`.
fn describe(c: &Component, entry: bool) -> String {
    let role = match c.role {
        Role::Edge => "edge router",
        Role::Gateway => "gateway",
        Role::Service => "service",
        Role::Mesh => "sidecar routing",
    };
    let mut what = if c.kind.is_empty() {
        role.to_owned()
    } else {
        format!("{} ({role})", c.kind)
    };
    let routes: usize = c.tables.values().map(Vec::len).sum();
    if routes > 0 {
        let _ = write!(what, " · {routes} route{}", plural(routes));
    }
    if !c.endpoints.is_empty() {
        let n = c.endpoints.len();
        let _ = write!(what, " · {n} endpoint{}", plural(n));
    }
    if entry {
        what.push_str(" · requests enter here");
    }
    what
}

/// The globs for a component's files: `dir/**` for each directory they live in when nothing
/// under it belongs to another component, else the files themselves.
fn paths_for(
    id: ComponentId,
    mine: &BTreeSet<String>,
    owned: &BTreeMap<String, BTreeSet<ComponentId>>,
    contributes: &BTreeMap<String, BTreeSet<ComponentId>>,
    all_files: &[String],
) -> Vec<String> {
    let foreign = |f: &str| {
        owned.get(f).is_some_and(|o| o.iter().any(|c| *c != id))
            || contributes
                .get(f)
                .is_some_and(|o| o.iter().any(|c| *c != id))
    };
    let dirs: BTreeSet<&str> = mine
        .iter()
        .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d))
        .collect();
    let safe: BTreeSet<&str> = dirs
        .iter()
        .copied()
        .filter(|d| {
            let prefix = format!("{d}/");
            !all_files
                .iter()
                .any(|f| f.starts_with(&prefix) && foreign(f))
        })
        .collect();
    let covered = |f: &str| safe.iter().any(|d| f.starts_with(&format!("{d}/")));
    let mut out: Vec<String> = safe
        .iter()
        .filter(|d| {
            // Not below another safe directory.
            !safe
                .iter()
                .any(|o| o != *d && d.starts_with(&format!("{o}/")))
        })
        .map(|d| format!("{d}/**"))
        .collect();
    out.extend(
        mine.iter()
            .filter(|f| !covered(f))
            // A file another component owns stays theirs.
            .filter(|f| {
                !owned
                    .get(f.as_str())
                    .is_some_and(|o| o.iter().any(|c| *c != id))
            })
            .cloned(),
    );
    out
}

/// Top-most directories named like test or example inputs, as `dir/**`.
fn exclude_hints(files: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in files {
        let segs: Vec<&str> = f.split('/').collect();
        let Some(i) = segs[..segs.len().saturating_sub(1)]
            .iter()
            .position(|s| EXCLUDE_HINTS.contains(&s.to_ascii_lowercase().as_str()))
        else {
            continue;
        };
        let glob = format!("{}/**", segs[..=i].join("/"));
        if !out.contains(&glob) {
            out.push(glob);
        }
    }
    out.truncate(5);
    out
}

/// The file's text.
fn render(inf: &Inferred, parts: Parts) -> String {
    let mut t = String::new();
    let off = |on: bool| if on { "" } else { "# " };
    t.push_str("# routelint.toml, written by `routelint init` from what routelint inferred.\n");
    let _ = writeln!(t, "# Read: {}.", inf.summary);
    t.push_str(
        "# Checking with this file gives the findings checking without it gives: correct what is\n\
         # wrong here and routelint follows. Every key: README.md, section \"Configuration\".\n\n",
    );
    t.push_str(
        "# Lowest severity that fails `routelint check`: \"error\", \"warning\" or \"info\".\n",
    );
    t.push_str("fail-on = \"error\"\n\n");

    t.push_str(
        "# Files not to read (globs over paths relative to this directory; exclude wins over\n",
    );
    t.push_str("# `include`, which, when set, lists the only files read).\n");
    let hints = if inf.exclude_hints.is_empty() {
        vec!["**/testdata/**".to_owned(), "**/examples/**".to_owned()]
    } else {
        inf.exclude_hints.clone()
    };
    let _ = writeln!(t, "# exclude = [{}]\n", list(&hints));

    t.push_str("[client]\n");
    match inf.entries.as_slice() {
        [] => {
            t.push_str("# No entry found: no edge router, front gateway or service.\n");
            t.push_str("# entry = \"my-gateway\"\n");
        }
        [one] => {
            t.push_str(&comment(&format!(
                "Where client requests enter. Entries found: {one}."
            )));
            let _ = writeln!(t, "{}entry = {}", off(parts.entry), quote(one));
        }
        many => {
            t.push_str(&comment(&format!(
                "Where client requests enter. Entries found: {}; requests enter at each.",
                many.join(", ")
            )));
            t.push_str("# Name one to trace every call from it only:\n");
            let _ = writeln!(t, "# entry = {}", quote(&many[0]));
        }
    }
    t.push_str("# The app's own origins (absolute URLs with them are same-origin requests):\n");
    t.push_str("# origins = [\"https://www.example.com\"]\n");
    t.push_str("# Values of environment variables base URLs are built from:\n");
    t.push_str("# env = { VITE_API_URL = \"/api\" }\n\n");

    if !inf.mesh.is_empty() {
        t.push_str(&comment(&format!(
            "Istio sidecar routing is not a component to configure; VirtualServices bound to `mesh`: {}.",
            inf.mesh.join(", ")
        )));
        t.push('\n');
    }
    for c in &inf.components {
        let on = off(parts.components);
        let _ = writeln!(t, "# {}", c.what);
        let _ = writeln!(t, "{on}[components.{}]", key(&c.name));
        if c.hosts.is_empty() {
            t.push_str("# hosts = []   # other names other layers use for it\n");
        } else {
            t.push_str("# Names other layers use for it:\n");
            t.push_str(&array(
                off(parts.components && parts.hosts),
                "hosts",
                &c.hosts,
            ));
        }
        if !c.paths.is_empty() {
            t.push_str("# Where its files are:\n");
            t.push_str(&array(
                off(parts.components && parts.paths),
                "paths",
                &c.paths,
            ));
        }
        t.push('\n');
    }

    if !inf.go_unknown.is_empty() {
        let _ = write!(
            t,
            "{}",
            comment(&format!(
                "No go.mod says which Go {} ({}): routelint assumes 1.22+ ServeMux patterns.",
                if inf.go_unknown.len() == 1 {
                    "this gateway is built with"
                } else {
                    "these gateways are built with"
                },
                inf.go_unknown.join(", ")
            ))
        );
        t.push_str("# [versions]\n# go = \"1.22\"\n\n");
    }

    t.push_str(
        "# Per-rule severity, by name or code: \"error\", \"warning\", \"info\" or \"off\"\n",
    );
    t.push_str(
        "# (`routelint rules` lists them, `routelint explain NAME` says what each finds).\n",
    );
    t.push_str("# [rules]\n# missing-prefix = \"warning\"\n# unresolved-call = \"off\"\n");
    t
}

/// `prefix` + `name = [...]` and a newline; one item a line when one line would be long.
fn array(prefix: &str, name: &str, items: &[String]) -> String {
    let one = format!("{prefix}{name} = [{}]\n", list(items));
    if one.len() <= 100 {
        return one;
    }
    let mut out = format!("{prefix}{name} = [\n");
    for i in items {
        let _ = writeln!(out, "{prefix}    {},", quote(i));
    }
    let _ = writeln!(out, "{prefix}]");
    out
}

/// A comment wrapped at 100 columns, each line starting with `# `.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split(' ') {
        if line.len() + 1 + word.len() > 100 && line != "#" {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A TOML array body: `"a", "b"`.
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A TOML key: bare when it can be, else quoted.
fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_owned()
    } else {
        quote(name)
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_strings_are_valid_toml() {
        assert_eq!(key("blog-service"), "blog-service");
        assert_eq!(key("blog (mesh)"), "\"blog (mesh)\"");
        assert_eq!(quote("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"");
        let text = format!(
            "[components.{}]\nhosts = [{}]\n",
            key("x y"),
            list(&["a\"b".to_owned(), "ns/name".to_owned()])
        );
        let c = Config::parse(Path::new("t.toml"), &text).expect("parses");
        assert_eq!(c.components["x y"].hosts, ["a\"b", "ns/name"]);
    }

    #[test]
    fn exclude_hints_name_the_topmost_test_directories() {
        let files = [
            "a/testdata/x.yaml".to_owned(),
            "a/testdata/y/z.yaml".to_owned(),
            "examples/demo/openapi.yaml".to_owned(),
            "tests.yaml".to_owned(),
        ];
        assert_eq!(exclude_hints(&files), ["a/testdata/**", "examples/**"]);
    }
}
