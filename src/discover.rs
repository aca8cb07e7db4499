//! Finds the files to read under the roots (gitignore-aware) and classifies each by extension
//! and a cheap content sniff. Reads files; parses nothing.

use std::path::{Path, PathBuf};

use crate::sources::SourceKind;

/// A file to read, with its kind.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// Path relative to the base, `/`-separated.
    pub display: String,
}

/// Directories never worth reading even without a .gitignore.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "vendor",
    "dist",
    "build",
    "target",
    ".git",
    "coverage",
    ".next",
    ".nuxt",
];

/// The directory display paths are relative to: the root itself for one directory, else the
/// deepest common ancestor of the roots.
pub fn base_of(roots: &[PathBuf]) -> PathBuf {
    let abs: Vec<PathBuf> = roots
        .iter()
        .map(|r| std::path::absolute(r).unwrap_or_else(|_| r.clone()))
        .collect();
    if let [one] = abs.as_slice() {
        return if one.is_dir() {
            one.clone()
        } else {
            one.parent().map(Path::to_path_buf).unwrap_or_default()
        };
    }
    let mut base = abs.first().cloned().unwrap_or_default();
    for r in &abs[1..] {
        while !r.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    base
}

/// Walks the roots and lists candidate files, sorted by display path. `include` and `exclude`
/// are globs over display paths (`routelint.toml`): a file is listed when it matches
/// `include` (or `include` is empty) and does not match `exclude`; a glob that matches a
/// directory covers what is below it, and excluded directories are not entered.
/// What a walk found: what the visitor made of each file it kept, in display-path order, and
/// the project directories (those holding a `package.json`, `pom.xml`, `go.mod`…) as
/// displayed, `/`-separated (`""` for the base).
#[derive(Debug, Default)]
pub struct Walk<T> {
    pub found: Vec<T>,
    pub projects: Vec<String>,
    /// What the walk passed over that a user may expect read, and why (display path,
    /// reason): files that are not regular (FIFOs, sockets, devices), symbolic links,
    /// entries it could not read, ignore files it could not use. Sorted.
    pub skipped: Vec<(String, String)>,
}

/// Files whose directory is one project (a component's code).
const PROJECT_MARKERS: &[&str] = &[
    "package.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "go.mod",
    "pyproject.toml",
    "requirements.txt",
    "setup.py",
    "Pipfile",
    "Dockerfile",
];

/// The nearest project directory holding `display` (a file path), if any.
pub fn project_of(display: &str, projects: &[String]) -> Option<String> {
    let mut dir = display.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    loop {
        if projects.binary_search_by(|p| p.as_str().cmp(dir)).is_ok() {
            return Some(dir.to_owned());
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    }
}

/// The ignore files the walker reads in each directory.
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore", ".routelintignore"];

/// The ignore files of `dir` that exist but are not regular files (a FIFO named
/// `.gitignore`): opening one could block forever, so a directory holding one is walked
/// without reading ignore files.
fn blocking_ignore_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = IGNORE_FILES
        .iter()
        .map(|n| dir.join(n))
        .chain([dir.join(".git").join("info").join("exclude")])
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_file()))
        .collect();
    found.sort();
    found
}

/// Why an entry that is neither a regular file nor a directory is passed over.
fn not_regular_reason(path: &Path, ft: std::fs::FileType) -> Option<String> {
    if ft.is_symlink() {
        let target = std::fs::metadata(path).ok()?;
        // Only links to what routelint would read are worth a word.
        if target.is_dir() {
            return Some("a symbolic link to a directory: not followed".to_owned());
        }
        extension_kind(path)?;
        return Some(
            "a symbolic link: not followed (routelint reads regular files only)".to_owned(),
        );
    }
    Some("not a regular file (a FIFO, socket or device): not read".to_owned())
}

/// The path and message of a walk error.
fn walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            (None, "permission denied: not read".to_owned())
        }
        other => (None, format!("could not be read: {other}")),
    }
}

///
/// `visit` runs on the walker's threads as each candidate is found, so reading files overlaps
/// walking directories; it returns `None` for a file it drops.
pub fn walk<T: Send>(
    roots: &[PathBuf],
    base: &Path,
    include: &[String],
    exclude: &[String],
    visit: impl Fn(Candidate) -> Option<T> + Sync,
) -> Walk<T> {
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    let skipped = std::sync::Mutex::new(Vec::new());
    let deferred = std::sync::Mutex::new(Vec::new());
    let note = |path: &Path, reason: String| {
        skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((display_path(path, base), reason));
    };
    let mut pending: Vec<(PathBuf, bool)> = Vec::new();
    for root in roots {
        // Absolute from the start: each file's display path is then a prefix strip.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.clone());
        pending.push((root, false));
    }
    while !pending.is_empty() {
        for (root, plain) in std::mem::take(&mut pending) {
            let plain = plain || {
                let blocking = if root.is_dir() {
                    blocking_ignore_files(&root)
                } else {
                    Vec::new()
                };
                for b in &blocking {
                    note(b, ignore_file_reason(&root, base));
                }
                !blocking.is_empty()
            };
            let parents_blocked = root
                .ancestors()
                .skip(1)
                .any(|a| !blocking_ignore_files(a).is_empty());
            walk_root(
                &root,
                plain,
                !parents_blocked,
                base,
                include,
                exclude,
                &visit,
                &found,
                &note,
                &deferred,
            );
        }
        for dir in std::mem::take(&mut *deferred.lock().unwrap_or_else(|e| e.into_inner())) {
            for b in blocking_ignore_files(&dir) {
                note(&b, ignore_file_reason(&dir, base));
            }
            pending.push((dir, true));
        }
    }
    let (mut out, mut projects) = found.into_inner().unwrap_or_else(|e| e.into_inner());
    out.sort_by(|a: &(String, T), b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    projects.sort();
    projects.dedup();
    let mut skipped = skipped.into_inner().unwrap_or_else(|e| e.into_inner());
    skipped.sort();
    skipped.dedup();
    Walk {
        found: out.into_iter().map(|(_, t)| t).collect(),
        projects,
        skipped,
    }
}

fn ignore_file_reason(dir: &Path, base: &Path) -> String {
    let shown = display_path(dir, base);
    let shown = if shown.is_empty() { "." } else { &shown };
    format!(
        "not a regular file (a FIFO, socket or device): not read, so no ignore file applies in `{shown}` and below"
    )
}

/// Found files and project directories, keyed by display path.
type Found<T> = std::sync::Mutex<(Vec<(String, T)>, Vec<String>)>;

/// Walks one root. `plain`: read no ignore files at all (the root holds one that is not a
/// regular file); `parents`: read the ignore files of the root's parents. A directory found
/// holding an ignore file that is not regular is not entered but put in `deferred`, to be
/// walked plain.
#[allow(clippy::too_many_arguments)]
fn walk_root<T: Send>(
    root: &Path,
    plain: bool,
    parents: bool,
    base: &Path,
    include: &[String],
    exclude: &[String],
    visit: &(impl Fn(Candidate) -> Option<T> + Sync),
    found: &Found<T>,
    note: &(impl Fn(&Path, String) + Sync),
    deferred: &std::sync::Mutex<Vec<PathBuf>>,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    let excluded: std::sync::Arc<(PathBuf, Vec<String>)> =
        std::sync::Arc::new((base.to_path_buf(), exclude.to_vec()));
    builder
        // Hidden entries are skipped below, except `.env*` files (frontend build values).
        .hidden(false)
        .git_ignore(!plain)
        .git_exclude(!plain)
        .git_global(!plain)
        .ignore(!plain)
        .parents(parents && !plain)
        .require_git(false);
    if !plain {
        builder.add_custom_ignore_filename(".routelintignore");
    }
    let to_defer: std::sync::Arc<std::sync::Mutex<Vec<PathBuf>>> = Default::default();
    let defer = to_defer.clone();
    builder.filter_entry(move |e| {
        let name = e.file_name().to_string_lossy();
        if e.depth() > 0 && name.starts_with('.') {
            let env = name == ".env" || name.starts_with(".env.");
            return env && !e.file_type().is_some_and(|t| t.is_dir());
        }
        if !e.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        if SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref()) {
            return false;
        }
        let (base, exclude) = &*excluded;
        if e.depth() > 0
            && !exclude.is_empty()
            && crate::glob::any_matches(exclude, &display_path(e.path(), base))
        {
            return false;
        }
        // The walker opens a directory's ignore files as it enters it: one that is a FIFO
        // would block forever. Such a directory is walked on its own, reading none.
        if !plain && e.depth() > 0 && !blocking_ignore_files(e.path()).is_empty() {
            defer
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(e.path().to_path_buf());
            return false;
        }
        true
    });
    // Walked in parallel; the order is fixed by the caller's sort.
    builder.build_parallel().run(|| {
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let (path, reason) = walk_error(&err);
                    note(path.as_deref().unwrap_or(root), reason);
                    return ignore::WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if ft.is_dir() {
                // An unreadable directory is reported by the walker as an error entry.
                return ignore::WalkState::Continue;
            }
            if !ft.is_file() {
                if let Some(reason) = not_regular_reason(entry.path(), ft) {
                    note(entry.path(), reason);
                }
                return ignore::WalkState::Continue;
            }
            let path = entry.into_path();
            let project = path
                .file_name()
                .is_some_and(|n| PROJECT_MARKERS.contains(&n.to_string_lossy().as_ref()))
                .then(|| {
                    let display = display_path(&path, base);
                    display
                        .rsplit_once('/')
                        .map(|(d, _)| d)
                        .unwrap_or("")
                        .to_owned()
                });
            let candidate = extension_kind(&path).and_then(|_| {
                let display = display_path(&path, base);
                if !crate::config::path_selected(&display, include, exclude) {
                    return None;
                }
                let key = display.clone();
                Some((key, visit(Candidate { path, display })?))
            });
            if project.is_some() || candidate.is_some() {
                let mut f = found.lock().unwrap_or_else(|e| e.into_inner());
                f.0.extend(candidate);
                f.1.extend(project);
            }
            ignore::WalkState::Continue
        })
    });
    deferred
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(std::mem::take(
            &mut *to_defer.lock().unwrap_or_else(|e| e.into_inner()),
        ));
}

/// A path relative to the base, `/`-separated.
fn display_path(path: &Path, base: &Path) -> String {
    let abs = if path.is_absolute() {
        std::borrow::Cow::Borrowed(path)
    } else {
        std::borrow::Cow::Owned(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
    };
    let rel = abs.strip_prefix(base).unwrap_or(&abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What an extension promises before the content is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtKind {
    Yaml,
    Json,
    Toml,
    Go,
    GoMod,
    Js,
    /// `.vue`, `.svelte`, `.astro`, `.html`: script blocks and forms.
    Markup,
    /// `.env`, `.env.production`…: environment values a frontend build reads.
    Env,
    Python,
    Java,
    Kotlin,
    /// `.properties` (Spring Boot configuration).
    Properties,
    /// nginx: `*.conf`, `*.conf.template*`, files under `sites-available/`, `sites-enabled/`.
    Nginx,
    /// `pom.xml`, `build.gradle`, `build.gradle.kts`.
    Build,
    /// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`.
    Dockerfile,
}

pub fn extension_kind(path: &Path) -> Option<ExtKind> {
    let name = path.file_name()?.to_string_lossy();
    if name == "go.mod" {
        return Some(ExtKind::GoMod);
    }
    if matches!(
        name.as_ref(),
        "pom.xml" | "build.gradle" | "build.gradle.kts"
    ) {
        return Some(ExtKind::Build);
    }
    if crate::sources::dockerfile::sniff(&name) {
        return Some(ExtKind::Dockerfile);
    }
    if name == ".env" || name.starts_with(".env.") {
        return Some(ExtKind::Env);
    }
    // `default.conf.template` (the nginx image's envsubst templates), `app.conf.template.dev`.
    if name.contains(".conf.template") {
        return Some(ExtKind::Nginx);
    }
    let in_sites = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|d| matches!(d.to_str(), Some("sites-available" | "sites-enabled")));
    if in_sites && !name.starts_with('.') {
        return Some(ExtKind::Nginx);
    }
    if name.ends_with(".d.ts") || name.ends_with(".min.js") || name.ends_with("_test.go") {
        return None;
    }
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => Some(ExtKind::Yaml),
        "json" => Some(ExtKind::Json),
        "toml" => Some(ExtKind::Toml),
        "go" => Some(ExtKind::Go),
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "mts" | "cts" => Some(ExtKind::Js),
        "vue" | "svelte" | "astro" | "html" | "htm" => Some(ExtKind::Markup),
        "py" => Some(ExtKind::Python),
        "java" => Some(ExtKind::Java),
        "kt" => Some(ExtKind::Kotlin),
        "properties" => Some(ExtKind::Properties),
        "conf" => Some(ExtKind::Nginx),
        _ => None,
    }
}

/// Why a file was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// Nothing routelint reads (a CI workflow, a package.json).
    NotRelevant,
    /// Helm/Jinja/envsubst placeholders: not YAML until rendered.
    Templated,
}

/// Classifies a file (`path` as displayed, `/`-separated) by its name and content.
/// `Err(Skip)` for files that are not read.
pub fn classify(path: &str, ext: ExtKind, text: &str) -> Result<SourceKind, Skip> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let relevant = |yes: bool, kind: SourceKind| {
        if yes {
            Ok(kind)
        } else {
            Err(Skip::NotRelevant)
        }
    };
    match ext {
        ExtKind::Markup | ExtKind::Env => relevant(
            crate::sources::client::js_calls::sniff(path, text),
            SourceKind::JavaScript,
        ),
        ExtKind::Python => relevant(
            crate::sources::service::python::sniff(text),
            SourceKind::Python,
        ),
        ExtKind::Java => relevant(crate::sources::jvm::java::sniff(text), SourceKind::Java),
        ExtKind::Kotlin => relevant(crate::sources::jvm::kotlin::sniff(text), SourceKind::Kotlin),
        ExtKind::Properties => relevant(
            crate::sources::jvm::spring_config::sniff(name, text),
            SourceKind::SpringConfig,
        ),
        ExtKind::Build => Ok(SourceKind::BuildFile),
        ExtKind::Dockerfile => Ok(SourceKind::Dockerfile),
        ExtKind::Nginx => {
            if crate::sources::gateway::nginx::sniff(text) {
                // envsubst placeholders (`${DOMAIN}`) read like nginx's own `${var}`: a
                // directive that depends on one is unknown where it matters (an upstream, a
                // rewrite). Only a location path is matched literally, so a placeholder there
                // leaves the file unread until rendered.
                if is_templated(text) || placeholder_in_location(text) {
                    return Err(Skip::Templated);
                }
                Ok(SourceKind::Nginx)
            } else {
                Err(Skip::NotRelevant)
            }
        }
        ExtKind::Yaml if crate::sources::compose::sniff(name) => Ok(SourceKind::Compose),
        ExtKind::Yaml if crate::sources::jvm::spring_config::sniff(name, text) => {
            Ok(SourceKind::SpringConfig)
        }
        ExtKind::GoMod => Ok(SourceKind::GoMod),
        ExtKind::Go => {
            if text.contains("net/http")
                || text.contains("http.")
                || crate::sources::gateway::go_routers::sniff(text)
            {
                Ok(SourceKind::Go)
            } else {
                Err(Skip::NotRelevant)
            }
        }
        ExtKind::Js => relevant(
            crate::sources::client::js_calls::sniff(path, text)
                || crate::sources::service::js_routes::sniff(path, text),
            SourceKind::JavaScript,
        ),
        ExtKind::Json => {
            let head = &text[..floor_char_boundary(text, 65_536)];
            if head.contains("\"openapi\"") || head.contains("\"swagger\"") {
                Ok(SourceKind::OpenApi)
            } else if head.contains("\"_format_version\"") {
                Ok(SourceKind::Kong)
            } else if head.contains("\"static_resources\"") || head.contains("\"virtual_hosts\"") {
                Ok(SourceKind::Envoy)
            } else if head.contains("\"routes\"")
                && head.contains("\"uri")
                && head.contains("\"upstream")
            {
                Ok(SourceKind::Apisix)
            } else {
                Err(Skip::NotRelevant)
            }
        }
        ExtKind::Toml => {
            if text.lines().any(|l| {
                let l = l.trim();
                l.starts_with("[http.routers") || l.starts_with("[http.middlewares")
            }) {
                Ok(SourceKind::Traefik)
            } else {
                Err(Skip::NotRelevant)
            }
        }
        ExtKind::Yaml => {
            let top = |key: &str| text.lines().take(2000).any(|l| l.starts_with(key));
            let is_openapi = text.lines().take(400).any(|l| {
                let l = l.strip_prefix("- ").unwrap_or(l);
                l.starts_with("openapi:")
                    || l.starts_with("swagger:")
                    || l.starts_with("\"openapi\":")
            });
            let is_kube = text.contains("apiVersion:") && text.contains("kind:");
            let kind = if is_openapi {
                SourceKind::OpenApi
            } else if is_kube {
                SourceKind::Kubernetes
            } else if top("_format_version:") {
                SourceKind::Kong
            } else if top("static_resources:")
                || (text.contains("virtual_hosts:") && text.contains("routes:"))
            {
                SourceKind::Envoy
            } else if top("routes:")
                && (text.contains("#END") || text.contains("upstream"))
                && text.contains("uri")
            {
                SourceKind::Apisix
            } else if top("http:") && text.contains("routers:") {
                SourceKind::Traefik
            } else {
                return Err(Skip::NotRelevant);
            };
            // An ApplicationSet's `{{path}}` is ArgoCD's own template, filled from its
            // generators: the CD reader reads it.
            let application_set =
                kind == SourceKind::Kubernetes && text.contains("kind: ApplicationSet");
            if is_templated(text) && !application_set {
                return Err(Skip::Templated);
            }
            Ok(kind)
        }
    }
}

/// Helm/Jinja (`{{ }}`, `{% %}`) placeholders outside comments.
fn is_templated(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        !t.starts_with('#') && ((t.contains("{{") && t.contains("}}")) || t.contains("{%"))
    })
}

/// An envsubst placeholder in an nginx `location` line (`location ${PREFIX}/ {`).
fn placeholder_in_location(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("location") && t.contains("${")
    })
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_a_cheap_sniff() {
        let table: &[(ExtKind, &str, Result<SourceKind, Skip>)] = &[
            (
                ExtKind::Yaml,
                "apiVersion: networking.istio.io/v1\nkind: VirtualService\n",
                Ok(SourceKind::Kubernetes),
            ),
            (
                ExtKind::Yaml,
                "openapi: 3.0.3\npaths: {}\n",
                Ok(SourceKind::OpenApi),
            ),
            (
                ExtKind::Yaml,
                "name: CI\non: push\n",
                Err(Skip::NotRelevant),
            ),
            (
                ExtKind::Yaml,
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
                Err(Skip::Templated),
            ),
            (
                ExtKind::Json,
                "{\"openapi\":\"3.1.0\"}",
                Ok(SourceKind::OpenApi),
            ),
            // envsubst placeholders outside location paths read like nginx variables.
            (
                ExtKind::Nginx,
                "server {\n  server_name ${DOMAIN};\n  location /api/ { proxy_pass http://api:8080/; }\n}\n",
                Ok(SourceKind::Nginx),
            ),
            (
                ExtKind::Nginx,
                "server {\n  location ${PREFIX}/ { proxy_pass http://api:8080/; }\n}\n",
                Err(Skip::Templated),
            ),
            (
                ExtKind::Json,
                "{\"name\":\"frontend\"}",
                Err(Skip::NotRelevant),
            ),
            // A module that exports may hold the base URL another module's requests use.
            (
                ExtKind::Js,
                "export const x = 1;",
                Ok(SourceKind::JavaScript),
            ),
            (ExtKind::Js, "const x = 1;", Err(Skip::NotRelevant)),
            (ExtKind::Js, "fetch('/api')", Ok(SourceKind::JavaScript)),
        ];
        for (ext, text, want) in table {
            assert_eq!(classify("x", *ext, text), *want, "{text}");
        }
    }
}
