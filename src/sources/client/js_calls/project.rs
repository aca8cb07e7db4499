//! Reads the JS/TS files of a repository together: module specifiers resolved to files of the
//! project, every module's exports summarised as owned values, then every file read with its
//! imports bound to those values.
//!
//! Files are parsed at most twice: once for the summary (only files that may send requests,
//! and the files they import, transitively) and once for the calls (only files that may send
//! requests, by a byte prefilter). Import cycles are cut at a fixed depth and read as unknown.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::markup;
use super::{Env, FileOut, Link, ModuleBase, Part, Slot, Unknown, Val, read_file, val_at};
use crate::model::path::Piece;
use crate::sources::{
    facts::CallFact, facts::CallUrl, facts::Facts, input::Input, input::Keep, input::Module,
};

/// The project's files by display path.
pub(crate) type Index<'x> = rustc_hash::FxHashMap<&'x str, usize>;

/// The module a specifier of one file names.
type Resolver<'x> = dyn Fn(&str) -> Option<usize> + Sync + 'x;

/// How many links one export may chain through before it reads as unknown (cycles).
const MAX_LINK_DEPTH: usize = 12;
/// Extensions a specifier without one may name, in the order bundlers try them.
const EXTENSIONS: [&str; 11] = [
    "", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte",
];
/// Script extensions a specifier may carry for a file with another one (TypeScript's ESM
/// imports name `./api.js` for `api.ts`).
const SCRIPT_EXTENSIONS: [&str; 8] = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"];

/// Reads every JS/TS (markup, `.env`) file together.
pub fn extract_set(
    inputs: &[Input<'_>],
    client: &crate::sources::input::ClientSettings,
) -> Vec<Facts> {
    let index: Index<'_> = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| (input.path, i))
        .collect();
    // `.env` files first; the configuration fills names none of them sets.
    let mut vars = markup::env_vars(inputs);
    for (k, v) in &client.env {
        vars.entry(k.clone()).or_insert_with(|| v.clone());
    }
    // Script text of each file (markup blanked around its scripts) and the path to parse it as.
    let scripts: Vec<Option<(String, String)>> = inputs
        .par_iter()
        .map(|input| markup::script_of(input.path, input.text))
        .collect();
    let script_input = |i: usize| -> Option<Input<'_>> {
        let input = inputs.get(i)?;
        Some(match scripts.get(i)? {
            Some((path, text)) => Input {
                file: input.file,
                path: path.as_str(),
                text: text.as_str(),
            },
            None if markup::is_env(input.path) || markup::is_markup(input.path) => return None,
            None => *input,
        })
    };
    let modules: Vec<(&str, Module<'_>)> = inputs
        .iter()
        .map(|i| (i.path, Module::Text(i.text)))
        .collect();
    let script_texts: Vec<Option<&str>> = (0..inputs.len())
        .map(|i| script_input(i).map(|s| s.text))
        .collect();
    let plan = Plan::survey(&modules, &script_texts, &index, client.read_tests);
    let candidates = plan.candidates;
    let resolvers: Vec<Box<Resolver<'_>>> = inputs
        .iter()
        .map(|input| {
            let from = input.path.to_owned();
            let index = &index;
            Box::new(move |spec: &str| resolve_module(&from, spec, index)) as Box<Resolver<'_>>
        })
        .collect();

    // Pass 1: summaries of the candidates and of what they import, transitively, in
    // dependency order (found by a byte scan of the import specifiers, not by parsing), each
    // module read with the exports of the modules it imports already known.
    let deps: Vec<Option<Vec<usize>>> = plan
        .imports
        .into_iter()
        .zip(&plan.reached)
        .map(|(d, &reached)| reached.then_some(d))
        .collect();
    // Only modules another module imports need a summary.
    let mut needed = vec![false; inputs.len()];
    let mut stack: Vec<usize> = deps.iter().flatten().flatten().copied().collect();
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut needed[i], true) {
            stack.extend(deps[i].iter().flatten().copied());
        }
    }
    let deps: Vec<Option<Vec<usize>>> = deps
        .into_iter()
        .enumerate()
        .map(|(i, d)| d.filter(|_| needed[i]))
        .collect();
    let levels = levels(&deps);
    let mut summaries: Vec<Option<FileOut>> = (0..inputs.len()).map(|_| None).collect();
    for level in levels {
        let done = &summaries;
        let value = |link: &Link| -> Val {
            let mut linker = Linker {
                summaries: done,
                memo: HashMap::new(),
                pending: true,
            };
            let v = linker.export(link.file, &link.name, 0);
            val_at(&v, &link.path)
        };
        let outs: Vec<(usize, FileOut)> = level
            .par_iter()
            .filter_map(|&i| {
                let input = script_input(i)?;
                let env = Env {
                    resolve: resolvers[i].as_ref(),
                    value: Some(&value),
                    vars: &vars,
                    file: i,
                };
                Some((i, read_file(input, &env, true)))
            })
            .collect();
        for (i, out) in outs {
            summaries[i] = Some(out);
        }
    }

    // Exports resolved across modules.
    let mut linker = Linker {
        summaries: &summaries,
        memo: HashMap::new(),
        pending: false,
    };
    let mut resolved: HashMap<(usize, String), Val> = HashMap::new();
    for (i, s) in summaries.iter().enumerate() {
        if let Some(s) = s {
            for (name, _) in &s.exports {
                let v = linker.export(i, name, 0);
                resolved.insert((i, name.clone()), v);
            }
        }
    }
    let linker = std::sync::Mutex::new(linker);
    let value = |link: &Link| -> Val {
        let base = match resolved.get(&(link.file, link.name.clone())) {
            Some(v) => v.clone(),
            None => match linker.lock() {
                Ok(mut l) => l.export(link.file, &link.name, 0),
                Err(_) => Val::Unknown(unknown("which could not be read")),
            },
        };
        val_at(&base, &link.path)
    };

    // Pass 2: the calls of the candidates.
    let mut outs: Vec<FileOut> = (0..inputs.len())
        .into_par_iter()
        .map(|i| {
            let mut out = FileOut::default();
            if candidates[i]
                && let Some(input) = script_input(i)
            {
                let env = Env {
                    resolve: resolvers[i].as_ref(),
                    value: Some(&value),
                    vars: &vars,
                    file: i,
                };
                out = read_file(input, &env, false);
            }
            if markup::is_markup(inputs[i].path)
                && !markup::skipped(inputs[i].path, inputs[i].text, client.read_tests)
            {
                out.facts.calls.extend(markup::forms(inputs[i]));
            }
            if !candidates[i] && may_send(inputs[i].text) && markup::minified(inputs[i].text) {
                out.facts.not_read = Some(markup::minified_note());
            }
            out
        })
        .collect();

    let interceptors: Vec<(String, Vec<Part>)> = outs
        .iter()
        .enumerate()
        .filter_map(|(i, o)| Some((project_of(inputs[i].path), o.interceptor.clone()?)))
        .collect();
    // `<base href>` of the app's pages: relative URLs resolve against it (else against `/`).
    let bases: Vec<(String, String)> = inputs
        .iter()
        .filter(|i| i.path.ends_with(".html") || i.path.ends_with(".htm"))
        .filter_map(|i| Some((project_of(i.path), markup::base_href(i.text)?)))
        .collect();

    // `axios.defaults.baseURL` set in one module of an app applies to the axios calls of
    // every module of the app.
    let mut module_bases: Vec<(String, ModuleBase)> = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        for base in &o.module_bases {
            let entry = (project_of(inputs[i].path), base.clone());
            // The same value set twice is one base (the first place names it).
            let same = |(p, b): &(String, ModuleBase)| {
                *p == entry.0
                    && match (b, &entry.1) {
                        (Ok((x, _)), Ok((y, _))) => x == y,
                        (x, y) => x == y,
                    }
            };
            if !module_bases.iter().any(same) {
                module_bases.push(entry);
            }
        }
    }

    // A generated SDK's base set in one module of an app applies to its other modules.
    let projects: Vec<String> = inputs.iter().map(|i| project_of(i.path)).collect();
    super::sdk::apply_app_bases(&mut outs, &projects);

    let used: HashSet<(usize, u32)> = outs.iter().flat_map(|o| o.used.iter().copied()).collect();
    for (i, out) in outs.iter_mut().enumerate() {
        for &call in &out.angular {
            let project = project_of(inputs[i].path);
            if let Some((_, prefix)) = interceptors.iter().find(|(p, _)| *p == project)
                && let Some(c) = out.facts.calls.get_mut(call)
            {
                intercept(c, prefix);
            }
        }
        let project = project_of(inputs[i].path);
        let shared: Vec<&ModuleBase> = module_bases
            .iter()
            .filter(|(p, _)| *p == project)
            .map(|(_, b)| b)
            .collect();
        if !shared.is_empty() {
            for &call in &out.module_default_calls {
                if let Some(c) = out.facts.calls.get_mut(call) {
                    match shared.as_slice() {
                        [Ok((base, at))] => default_base(c, base, *at),
                        [Err(why)] => c.url = CallUrl::Unresolved { why: why.clone() },
                        _ => {
                            c.url = CallUrl::Unresolved {
                                why: "the app sets `axios.defaults.baseURL` to different values in different modules".to_owned(),
                            }
                        }
                    }
                }
            }
            let defaulted = std::mem::take(&mut out.module_default_calls);
            out.relative.retain(|c| !defaulted.contains(c));
        }
        let base = bases
            .iter()
            .find(|(p, _)| *p == project)
            .map(|(_, b)| b.as_str())
            .or(client.page_base.as_deref());
        if let Some(base) = base {
            for &call in &out.relative {
                if let Some(c) = out.facts.calls.get_mut(call) {
                    rebase(c, base);
                }
            }
        }
        let drop: HashSet<usize> = out
            .wrapper_calls
            .iter()
            .filter(|(_, func)| used.contains(&(i, *func)))
            .map(|(call, _)| *call)
            .collect();
        if !drop.is_empty() {
            let calls = std::mem::take(&mut out.facts.calls);
            out.facts.calls = calls
                .into_iter()
                .enumerate()
                .filter(|(k, _)| !drop.contains(k))
                .map(|(_, c)| c)
                .collect();
        }
    }
    outs.into_iter().map(|o| o.facts).collect()
}

/// Which modules are read for calls, and which must be known to read them.
struct Plan {
    /// Modules that may send requests, and modules importing one of them (they likely call
    /// its functions).
    candidates: Vec<bool>,
    /// The candidates and every module they import, transitively.
    reached: Vec<bool>,
    /// The project modules each module imports.
    imports: Vec<Vec<usize>>,
}

impl Plan {
    /// Surveys a project's modules by their bytes: `scripts` holds each one's script (markup
    /// blanked around it; `None` for `.env` files, markup without one and modules kept as
    /// imports only).
    /// `tests`: test files are read too.
    fn survey(
        modules: &[(&str, Module<'_>)],
        scripts: &[Option<&str>],
        index: &Index<'_>,
        tests: bool,
    ) -> Plan {
        let skipped: Vec<bool> = modules
            .par_iter()
            .map(|(path, m)| match m {
                Module::Text(text) => markup::skipped(path, text, tests),
                Module::Imports(_) => markup::skipped(path, "", tests),
            })
            .collect();
        let sends: Vec<bool> = (0..modules.len())
            .into_par_iter()
            .map(|i| !skipped[i] && scripts[i].is_some_and(may_send))
            .collect();
        let imports: Vec<Vec<usize>> = modules
            .par_iter()
            .enumerate()
            .map(|(i, (path, m))| {
                let specs = match m {
                    Module::Text(_) => scripts[i].map(scan_imports).unwrap_or_default(),
                    Module::Imports(specs) => specs.to_vec(),
                };
                resolved(&specs, &|spec: &str| resolve_module(path, spec, index))
            })
            .collect();
        let barrels: Vec<bool> = modules.iter().map(|(path, _)| is_index(path)).collect();
        Plan::new(&skipped, &sends, &barrels, imports)
    }

    /// `sends`: the module may send a request by its bytes; `barrels`: the module is an
    /// `index` file (its imports are likely re-exports, so a module importing it calls what
    /// they send); `imports`: the project modules each one imports.
    fn new(skipped: &[bool], sends: &[bool], barrels: &[bool], imports: Vec<Vec<usize>>) -> Plan {
        let sends_through: Vec<bool> = (0..sends.len())
            .map(|i| {
                sends[i]
                    || (barrels.get(i) == Some(&true)
                        && imports[i].iter().any(|&d| sends.get(d) == Some(&true)))
            })
            .collect();
        let candidates: Vec<bool> = (0..sends.len())
            .map(|i| {
                sends[i]
                    || (!skipped[i]
                        && imports[i]
                            .iter()
                            .any(|&d| sends_through.get(d) == Some(&true)))
            })
            .collect();
        let mut reached = vec![false; sends.len()];
        let mut stack: Vec<usize> = (0..sends.len()).filter(|&i| candidates[i]).collect();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut reached[i], true) {
                stack.extend(imports.get(i).into_iter().flatten().copied());
            }
        }
        Plan {
            candidates,
            reached,
            imports,
        }
    }
}

/// Whether a module is a directory's `index` file.
fn is_index(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split_once('.')
        .is_some_and(|(stem, _)| stem == "index")
}

/// The project modules named by some specifiers, sorted, each once.
fn resolved(specs: &[String], resolve: &dyn Fn(&str) -> Option<usize>) -> Vec<usize> {
    let mut d: Vec<usize> = specs.iter().filter_map(|s| resolve(s)).collect();
    d.sort_unstable();
    d.dedup();
    d
}

/// What reading a JS/TS file must keep of it: its text when it may send a request, declare
/// server routes or an error handler (or is markup or `.env`); else only the modules it
/// imports, enough to tell later whether a module that is read needs it.
pub fn keep(path: &str, text: &str) -> Keep {
    use crate::sources::{errors::handlers, service::js_routes};
    if markup::is_env(path)
        || markup::is_markup(path)
        || may_send(text)
        || js_routes::sniff(path, text)
        || handlers::express_sniff(text)
    {
        Keep::Text
    } else {
        Keep::Imports(scan_imports(text))
    }
}

/// Of a project's modules, those a read needs (`true`): every module kept as text, and the
/// modules kept as imports that a module read for calls imports (transitively), or that
/// import one (they are read for calls themselves). The others need not be read at all.
/// `tests`: test files are read too (`[client] read-tests`).
pub fn needed(modules: &[(&str, Module<'_>)], tests: bool) -> Vec<bool> {
    let scripts: Vec<Option<Cow<'_, str>>> = modules
        .par_iter()
        .map(|(path, m)| match m {
            Module::Text(text) => match markup::script_of(path, text) {
                Some((_, script)) => Some(Cow::Owned(script)),
                None if markup::is_env(path) || markup::is_markup(path) => None,
                None => Some(Cow::Borrowed(*text)),
            },
            Module::Imports(_) => None,
        })
        .collect();
    let scripts: Vec<Option<&str>> = scripts.iter().map(|s| s.as_deref()).collect();
    let index: Index<'_> = modules
        .iter()
        .enumerate()
        .map(|(i, (path, _))| (*path, i))
        .collect();
    let plan = Plan::survey(modules, &scripts, &index, tests);
    modules
        .iter()
        .zip(plan.reached)
        .map(|((_, m), reached)| reached || matches!(m, Module::Text(_)))
        .collect()
}

/// The module specifiers a script names (`from '…'`, `require('…')`, `import('…')`), by a
/// byte-level scan that may also see specifiers in comments (harmless: extra order only).
fn scan_imports(text: &str) -> Vec<String> {
    // The regex finds where a specifier's quote opens; the specifier is read by hand (a
    // capture group would cost a slower search).
    static RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)["']"#)
            .ok()
    });
    let Some(re) = RE.as_ref() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter_map(|m| {
            let rest = &text[m.end()..];
            let len = rest.find(['"', '\'', '\n'])?;
            let spec = &rest[..len];
            let closed = rest[len..].starts_with(['"', '\'']);
            (closed && !spec.is_empty()).then_some(spec)
        })
        .filter(|s| s.starts_with('.') || s.starts_with("@/") || s.starts_with("~/"))
        .map(str::to_owned)
        .collect()
}

/// The modules to summarise, in levels: every module after the modules it imports; the
/// modules of an import cycle together in a last level (they see each other as links).
fn levels(deps: &[Option<Vec<usize>>]) -> Vec<Vec<usize>> {
    let mut level: Vec<Option<usize>> = vec![None; deps.len()];
    let nodes: Vec<usize> = (0..deps.len()).filter(|i| deps[*i].is_some()).collect();
    let mut remaining = nodes.clone();
    let mut out: Vec<Vec<usize>> = Vec::new();
    while !remaining.is_empty() {
        let ready: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&i| {
                deps[i].iter().flatten().all(|&d| {
                    d == i || deps.get(d).is_none_or(|x| x.is_none()) || level[d].is_some()
                })
            })
            .collect();
        if ready.is_empty() {
            out.push(std::mem::take(&mut remaining));
            break;
        }
        for &i in &ready {
            level[i] = Some(out.len());
        }
        remaining.retain(|i| level[*i].is_none());
        out.push(ready);
    }
    out
}

/// Client names (and the settings of generated SDK clients: their bases apply to other modules).
const MARKERS: &str = r"fetch|axios|[hH]ttp|ajax|\$\.get|\$\.post|superagent|XMLHttpRequest|ky\.|'ky'|createClient|request|client \?\?|setConfig|OpenAPI\.BASE";

/// Whether a script may send a request or call a wrapper another module declares: a cheap
/// byte test before parsing.
pub(crate) fn may_send(text: &str) -> bool {
    static CLIENTS: std::sync::LazyLock<Option<regex::bytes::Regex>> =
        std::sync::LazyLock::new(|| regex::bytes::Regex::new(MARKERS).ok());
    let bytes = text.as_bytes();
    if CLIENTS.as_ref().is_none_or(|re| re.is_match(bytes)) {
        return true;
    }
    let imports = memchr::memmem::find(bytes, b"import").is_some()
        || memchr::memmem::find(bytes, b"require(").is_some();
    imports && starts_a_path(bytes)
}

/// Whether a string literal starts with `/` or a template literal with `${`: a path, or a
/// base URL and a path (a call to an imported wrapper).
fn starts_a_path(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(b'\'', b'"', b'`', bytes).any(|i| match bytes.get(i + 1) {
        Some(b'/') => true,
        Some(b'$') => bytes[i] == b'`' && bytes.get(i + 2) == Some(&b'{'),
        _ => false,
    })
}

/// The project directory a file belongs to for interceptors: the part of its path before
/// `src/` (or its first directory).
fn project_of(path: &str) -> String {
    if path.starts_with("src/") {
        return String::new();
    }
    match path.find("/src/") {
        Some(i) => path[..i].to_owned(),
        None => path.split('/').next().unwrap_or_default().to_owned(),
    }
}

/// Applies an interceptor's URL (`base + req.url`) to an `HttpClient` call.
fn intercept(call: &mut CallFact, prefix: &[Part]) {
    let CallUrl::Resolved { origin: None, path } = &call.url else {
        return;
    };
    let mut parts = Vec::new();
    for p in prefix {
        match p {
            Part::Hole { unknown, .. }
                if matches!(unknown.slot.as_deref(), Some(Slot::Param { .. })) =>
            {
                parts.extend(parts_of(path));
            }
            other => parts.push(other.clone()),
        }
    }
    if let Some(url) = super::finish(parts) {
        call.url = url;
    }
}

/// The app's `axios.defaults.baseURL` joined to an axios call's URL (absolute URLs keep theirs).
fn default_base(call: &mut CallFact, base: &[Part], at: crate::source_file::Span) {
    let CallUrl::Resolved { origin: None, path } = &call.url else {
        return;
    };
    let own = parts_of(path);
    let url = super::axios_join(base.to_vec(), own.clone());
    call.duplicated = super::duplicated_prefix(&own, &url, at);
    if let Some(url) = super::finish(url) {
        call.url = url;
    }
}

/// A path as parts, its parameters as holes.
fn parts_of(path: &crate::model::path::ReqPath) -> Vec<Part> {
    path.pieces()
        .iter()
        .map(|piece| match piece {
            Piece::Lit(l) => Part::Lit(l.clone()),
            Piece::Param(n) => Part::Hole {
                name: n.clone(),
                unknown: unknown_named(n),
            },
        })
        .collect()
}

/// A relative URL (resolved against `/`) resolved against the page's `<base href>` instead.
fn rebase(call: &mut CallFact, base: &str) {
    let CallUrl::Resolved { origin: None, path } = &call.url else {
        return;
    };
    let mut pieces = vec![Piece::Lit(base.trim_end_matches('/').to_owned())];
    pieces.extend(path.pieces().iter().cloned());
    call.url = CallUrl::Resolved {
        origin: None,
        path: crate::model::path::ReqPath::from_pieces(pieces),
    };
}

fn unknown(reason: &str) -> Unknown {
    Unknown {
        source: String::new(),
        reason: reason.to_owned(),
        slot: None,
    }
}

fn unknown_named(name: &str) -> Unknown {
    Unknown {
        source: name.to_owned(),
        reason: "which is a path parameter".to_owned(),
        slot: None,
    }
}

/// Resolves links between the modules' summaries.
struct Linker<'x> {
    summaries: &'x [Option<FileOut>],
    memo: HashMap<(usize, String), Val>,
    /// Modules not summarised yet stay links (while summarising in dependency order).
    pending: bool,
}

impl Linker<'_> {
    /// The resolved value `name` of module `file` exports.
    fn export(&mut self, file: usize, name: &str, depth: usize) -> Val {
        if let Some(v) = self.memo.get(&(file, name.to_owned())) {
            return v.clone();
        }
        if depth > MAX_LINK_DEPTH {
            return Val::Unknown(unknown("which is part of an import cycle"));
        }
        let Some(Some(summary)) = self.summaries.get(file) else {
            if self.pending {
                return Val::Link(Link {
                    file,
                    name: name.to_owned(),
                    path: Vec::new(),
                });
            }
            return Val::Unknown(unknown(
                "which is imported from a module routelint did not read",
            ));
        };
        let val = if name == "*" {
            let mut members = Vec::new();
            let names: Vec<String> = summary.exports.iter().map(|(n, _)| n.clone()).collect();
            for n in names {
                members.push((n.clone(), self.export(file, &n, depth + 1)));
            }
            Val::Obj(members)
        } else if let Some((_, v)) = summary.exports.iter().rev().find(|(n, _)| n == name) {
            let v = v.clone();
            self.val(&v, depth + 1)
        } else if name == "default" && !summary.exports.is_empty() {
            self.export(file, "*", depth + 1)
        } else {
            let stars = summary.stars.clone();
            let mut found = None;
            for star in stars {
                let v = self.export(star, name, depth + 1);
                if !matches!(&v, Val::Unknown(u) if u.reason.starts_with("which the module does not export"))
                {
                    found = Some(v);
                    break;
                }
            }
            found.unwrap_or_else(|| {
                Val::Unknown(unknown(&format!(
                    "which the module does not export as `{name}`"
                )))
            })
        };
        if depth == 0 {
            self.memo.insert((file, name.to_owned()), val.clone());
        }
        val
    }

    /// A value with its links filled in.
    fn val(&mut self, val: &Val, depth: usize) -> Val {
        if depth > MAX_LINK_DEPTH {
            return Val::Unknown(unknown("which is part of an import cycle"));
        }
        match val {
            Val::Link(l) => {
                let v = self.export(l.file, &l.name, depth + 1);
                val_at(&v, &l.path)
            }
            Val::Str(parts) => Val::Str(self.parts(parts, depth + 1)),
            Val::Obj(members) => Val::Obj(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), self.val(v, depth + 1)))
                    .collect(),
            ),
            Val::Operation(op) => {
                let mut op = op.clone();
                if let Ok(Some(b)) = &op.base {
                    op.base = Ok(Some(self.parts(b, depth + 1)));
                }
                Val::Operation(op)
            }
            Val::Instance(Ok(Some(parts)), at) => {
                Val::Instance(Ok(Some(self.parts(parts, depth + 1))), *at)
            }
            Val::Wrapper(w) => {
                let mut w = w.clone();
                w.url = self.parts(&w.url, depth + 1);
                if let Ok(Some(b)) = &w.base {
                    w.base = Ok(Some(self.parts(b, depth + 1)));
                }
                Val::Wrapper(w)
            }
            other => other.clone(),
        }
    }

    /// String parts with the holes that link to other modules filled in.
    fn parts(&mut self, parts: &[Part], depth: usize) -> Vec<Part> {
        let mut out = Vec::new();
        for p in parts {
            if let Part::Hole { name, unknown } = p
                && let Some(Slot::Link(l)) = unknown.slot.as_deref()
            {
                let v = self.export(l.file, &l.name, depth + 1);
                match val_at(&v, &l.path) {
                    Val::Str(inner) => out.extend(inner),
                    Val::Unknown(u) if !u.reason.is_empty() => out.push(Part::Hole {
                        name: name.clone(),
                        unknown: Unknown {
                            source: unknown.source.clone(),
                            reason: format!(
                                "{}, and {}",
                                unknown
                                    .reason
                                    .trim_end_matches(", not a constant in this file"),
                                super::strip_which(&u.reason)
                            ),
                            slot: None,
                        },
                    }),
                    _ => out.push(Part::Hole {
                        name: name.clone(),
                        unknown: Unknown {
                            source: unknown.source.clone(),
                            reason: unknown.reason.clone(),
                            slot: None,
                        },
                    }),
                }
                continue;
            }
            out.push(p.clone());
        }
        out
    }
}

/// The project file a specifier names from `from` (both `/`-separated display paths).
pub(crate) fn resolve_module(from: &str, spec: &str, index: &Index<'_>) -> Option<usize> {
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".."
    {
        if dir.is_empty() {
            spec.to_owned()
        } else {
            format!("{dir}/{spec}")
        }
    } else if let Some(rest) = spec.strip_prefix("@/").or_else(|| spec.strip_prefix("~/")) {
        let root = if from.starts_with("src/") {
            String::new()
        } else {
            match from.find("/src/") {
                Some(i) => format!("{}/", &from[..i]),
                None => return None,
            }
        };
        format!("{root}src/{rest}")
    } else {
        return None;
    };
    let mut segments: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    let base = segments.join("/");
    let stem = SCRIPT_EXTENSIONS
        .iter()
        .find_map(|e| base.strip_suffix(e))
        .filter(|s| !s.is_empty());
    // One buffer for every name tried.
    let mut probe = String::with_capacity(base.len() + 16);
    let mut find = |stem: &str, index_file: bool, ext: &str| {
        probe.clear();
        probe.push_str(stem);
        if index_file {
            probe.push_str("/index");
        }
        probe.push_str(ext);
        index.get(probe.as_str()).copied()
    };
    for stem in [Some(base.as_str()), stem].into_iter().flatten() {
        if let Some(i) = EXTENSIONS.iter().find_map(|ext| find(stem, false, ext)) {
            return Some(i);
        }
        if let Some(i) = EXTENSIONS[1..].iter().find_map(|ext| find(stem, true, ext)) {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every call of a set of files: `path METHOD url-or-why`.
    fn calls(files: &[(&str, &str)]) -> Vec<String> {
        let inputs = crate::sources::testing::test_inputs(files);
        let facts = extract_set(&inputs, &crate::sources::input::ClientSettings::default());
        let mut out = Vec::new();
        for (f, (path, _)) in facts.iter().zip(files) {
            assert!(f.problems.is_empty(), "{path}: {:?}", f.problems);
            for c in &f.calls {
                let method = c.method.map_or("*".to_owned(), |m| m.to_string());
                let url = match &c.url {
                    CallUrl::Resolved { origin, path } => {
                        format!("{}{path}", origin.as_deref().unwrap_or_default())
                    }
                    CallUrl::Unresolved { why } => format!("unresolved: {why}"),
                };
                out.push(format!("{path} {method} {url}"));
            }
        }
        out
    }

    #[test]
    fn only_modules_that_send_and_what_they_need_are_kept_as_text() {
        let files: &[(&str, &str)] = &[
            // Imported by the client (needed), and importing the prefix (needed through it).
            (
                "src/api/config.ts",
                "import { PREFIX } from './prefix';\nexport const API = PREFIX;\n",
            ),
            ("src/api/prefix.ts", "export const PREFIX = '/blog/api';\n"),
            (
                "src/api/client.ts",
                "import axios from 'axios';\nimport { API } from './config';\n\
                 export const http = axios.create({ baseURL: API });\n",
            ),
            (
                "src/api/posts.ts",
                "import { http } from './client';\nexport const getPost = (id: string) => http.get(`/posts/${id}`);\n",
            ),
            // Calls a module that sends: read for calls itself.
            (
                "src/views/Posts.ts",
                "import { getPost } from '../api/posts';\nexport function load(slug: string) { return getPost(slug); }\n",
            ),
            // A test importing it is not read; nor are modules no read module imports.
            (
                "src/views/Posts.test.ts",
                "import { load } from './Posts';\nimport { getPost } from '../api/posts';\n",
            ),
            (
                "src/util/math.ts",
                "export const clamp = (v: number) => Math.max(0, v);\n",
            ),
            (
                "src/util/format.ts",
                "import { clamp } from './math';\nexport const pct = (v: number) => clamp(v) + '%';\n",
            ),
        ];
        let kept: Vec<Keep> = files.iter().map(|(p, t)| keep(p, t)).collect();
        let specs = |v: &[&str]| Keep::Imports(v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(
            kept,
            [
                specs(&["./prefix"]),
                specs(&[]),
                Keep::Text,
                Keep::Text,
                specs(&["../api/posts"]),
                specs(&["./Posts", "../api/posts"]),
                specs(&[]),
                specs(&["./math"]),
            ]
        );
        let modules: Vec<(&str, Module<'_>)> = files
            .iter()
            .zip(&kept)
            .map(|((path, text), k)| {
                let m = match k {
                    Keep::Text => Module::Text(text),
                    Keep::Imports(specs) => Module::Imports(specs),
                };
                (*path, m)
            })
            .collect();
        assert_eq!(
            needed(&modules, false),
            [true, true, true, true, true, false, false, false]
        );
        // With `[client] read-tests`, the test importing a module that sends is read too.
        assert_eq!(
            needed(&modules, true),
            [true, true, true, true, true, true, false, false]
        );
        // Read with only the needed modules, the calls are those of reading them all.
        let needed_files: Vec<(&str, &str)> = files
            .iter()
            .zip(needed(&modules, false))
            .filter(|(_, n)| *n)
            .map(|(f, _)| *f)
            .collect();
        let all = calls(files);
        assert_eq!(calls(&needed_files), all);
        assert_eq!(all, ["src/views/Posts.ts GET /blog/api/posts/{slug}"]);
    }

    #[test]
    fn an_apps_axios_default_base_applies_to_its_other_modules() {
        let main = "import Vue from 'vue';\nimport axios from 'axios';\nimport VueAxios from 'vue-axios';\n\
                    Vue.use(VueAxios, axios);\nVue.axios.defaults.baseURL = '/shop/api';\n";
        let got = calls(&[
            ("web/src/main.js", main),
            (
                "web/src/cart.js",
                "import axios from 'axios';\nexport const load = () => axios.get('/cart');\n\
                 export const ext = () => axios.get('https://cdn.example.com/x.json');\n\
                 const own = axios.create({ baseURL: '/own' });\nexport const mine = () => own.get('/y');\n",
            ),
            (
                "web/src/Cart.vue",
                "<script>\nexport default { methods: { buy() { return this.$http.post('orders'); } } };\n</script>\n",
            ),
            // Another app of the repository sets two bases: its calls say so.
            (
                "admin/src/a.js",
                "import axios from 'axios';\naxios.defaults.baseURL = '/a';\n",
            ),
            (
                "admin/src/b.js",
                "import axios from 'axios';\naxios.defaults.baseURL = '/b';\naxios.get('/in-b');\n",
            ),
            (
                "admin/src/c.js",
                "import axios from 'axios';\naxios.delete('/users/1');\n",
            ),
        ]);
        assert_eq!(
            got,
            [
                "web/src/cart.js GET /shop/api/cart",
                "web/src/cart.js GET https://cdn.example.com/x.json",
                "web/src/cart.js GET /own/y",
                "web/src/Cart.vue POST /shop/api/orders",
                "admin/src/b.js GET /b/in-b",
                "admin/src/c.js DELETE unresolved: the app sets `axios.defaults.baseURL` to different values in different modules",
            ]
        );
    }

    #[test]
    fn a_default_base_the_url_repeats_is_a_duplicated_prefix() {
        let files: &[(&str, &str)] = &[
            (
                "src/main.js",
                "import axios from 'axios';\naxios.defaults.baseURL = '/api';\n",
            ),
            (
                "src/a.js",
                "import axios from 'axios';\naxios.get('/api/users');\n",
            ),
        ];
        let inputs = crate::sources::testing::test_inputs(files);
        let facts = extract_set(&inputs, &crate::sources::input::ClientSettings::default());
        let call = &facts[1].calls[0];
        assert_eq!(
            call.url,
            CallUrl::Resolved {
                origin: None,
                path: crate::model::path::ReqPath::parse("/api/api/users"),
            }
        );
        let (prefix, at) = call.duplicated.clone().expect("a duplicated prefix");
        assert_eq!(prefix, "/api");
        assert_eq!(
            (at.file, &files[0].1[at.start as usize..at.end as usize]),
            (inputs[0].file, "'/api'")
        );
    }

    #[test]
    fn specifiers_are_read_by_hand_after_the_keyword() {
        let text = "import a from './a';\nimport { b } from \"../b\";\nconst c = require('./c');\n\
                    const d = await import('@/d');\nimport './side-effect';\nimport x from 'react';\n\
                    const broken = require('./e\n');\nexport * from '~/f';\n";
        assert_eq!(
            scan_imports(text),
            ["./a", "../b", "./c", "@/d", "./side-effect", "~/f"]
        );
    }

    #[test]
    fn commonjs_exports_and_requires_resolve_members() {
        let got = calls(&[
            ("cfg.js", "module.exports = { api: { base: '/v2' } };"),
            ("util.js", "exports.ROOT = '/root';"),
            (
                "app.js",
                "const cfg = require('./cfg'); const { ROOT } = require('./util.js');\n\
                 fetch(cfg.api.base + '/a'); fetch(`${ROOT}/b`);",
            ),
        ]);
        assert_eq!(got, ["app.js GET /v2/a", "app.js GET /root/b"]);
    }

    #[test]
    fn reexports_index_files_and_aliases_are_followed() {
        let got = calls(&[
            ("web/src/config/base.ts", "export const BASE = '/api';"),
            (
                "web/src/config/index.ts",
                "export * from './base';\nexport { BASE as ROOT } from './base';",
            ),
            (
                "web/src/pages/a.ts",
                "import { BASE, ROOT } from '@/config';\nimport * as cfg from '../config/base';\n\
                 fetch(BASE + '/x'); fetch(ROOT + '/y'); fetch(`${cfg.BASE}/z`);",
            ),
        ]);
        assert_eq!(
            got,
            [
                "web/src/pages/a.ts GET /api/x",
                "web/src/pages/a.ts GET /api/y",
                "web/src/pages/a.ts GET /api/z"
            ]
        );
    }

    #[test]
    fn an_import_cycle_is_cut_and_an_unknown_module_stays_unresolved() {
        let got = calls(&[
            (
                "a.js",
                "import { B } from './b';\nexport const A = B + '/a';\nfetch(A);",
            ),
            (
                "b.js",
                "import { A } from './a';\nexport const B = A + '/b';",
            ),
            ("c.js", "import { X } from './nowhere';\nfetch(`${X}/c`);"),
        ]);
        assert_eq!(got.len(), 2);
        assert!(
            got[0].starts_with("a.js GET unresolved: the URL starts with `"),
            "{got:?}"
        );
        assert!(
            got[0].ends_with("and is part of an import cycle"),
            "{got:?}"
        );
        assert_eq!(
            got[1],
            "c.js GET unresolved: the URL starts with `X`, which is imported from `./nowhere`, not a constant in this file"
        );
    }

    #[test]
    fn imported_wrappers_become_call_sites_and_their_inner_call_is_dropped() {
        let got = calls(&[
            (
                "api.js",
                "import axios from 'axios';\nconst http = axios.create({ baseURL: '/svc' });\n\
                 export const get = (path) => http.get(path);\n\
                 export const send = (path, method) => http.request({ url: path, method });\n\
                 export const wrap2 = (p) => get('/w' + p);",
            ),
            (
                "use.js",
                "import { get, send, wrap2 } from './api';\n\
                 get('/a'); send('/b', 'PUT'); wrap2('/c');",
            ),
        ]);
        assert_eq!(
            got,
            [
                "use.js GET /svc/a",
                "use.js PUT /svc/b",
                "use.js GET /svc/w/c"
            ]
        );
    }

    #[test]
    fn env_files_give_vite_and_react_bases() {
        let got = calls(&[
            (".env", "VITE_API_URL=/from-env\nREACT_APP_API=\"/react\"\n"),
            (".env.production", "VITE_API_URL=/prod\n"),
            (
                "a.js",
                "fetch(`${import.meta.env.VITE_API_URL}/x`); fetch(process.env.REACT_APP_API + '/y');",
            ),
        ]);
        assert_eq!(got, ["a.js GET /prod/x", "a.js GET /react/y"]);
    }

    #[test]
    fn markup_scripts_keep_spans_and_tests_and_bundles_are_skipped() {
        let vue = "<template><form method=\"post\" action=\"/subscribe\"><button>Go</button></form></template>\n\
                   <script setup lang=\"ts\">\nconst r = await fetch('/v');\n</script>\n";
        let long = format!("fetch('/min');{}", " ".repeat(6000));
        let got = calls(&[
            ("src/A.vue", vue),
            ("src/a.test.js", "fetch('/test')"),
            ("e2e/flow.js", "fetch('/e2e')"),
            ("dist2/bundle.js", long.as_str()),
        ]);
        assert_eq!(got, ["src/A.vue GET /v", "src/A.vue POST /subscribe"]);
        // `[client] read-tests`: tests and suites are read; bundles still are not.
        let files = [
            ("src/a.test.js", "fetch('/test')"),
            ("e2e/flow.js", "fetch('/e2e')"),
            ("dist2/bundle.js", long.as_str()),
        ];
        let inputs = crate::sources::testing::test_inputs(&files);
        let client = crate::sources::input::ClientSettings {
            read_tests: true,
            ..Default::default()
        };
        let urls: Vec<String> = extract_set(&inputs, &client)
            .iter()
            .flat_map(|f| &f.calls)
            .map(|c| match &c.url {
                CallUrl::Resolved { path, .. } => path.to_string(),
                CallUrl::Unresolved { why } => why.clone(),
            })
            .collect();
        assert_eq!(urls, ["/test", "/e2e"]);
    }

    #[test]
    fn relative_urls_resolve_against_the_base_href_of_the_app() {
        let got = calls(&[
            (
                "web/index.html",
                "<html><head><base href=\"/petclinic/\"></head></html>",
            ),
            (
                "web/src/owners.js",
                "$http.get('api/owners'); $http.get('/api/vets');",
            ),
        ]);
        assert_eq!(
            got,
            [
                "web/src/owners.js GET /petclinic/api/owners",
                "web/src/owners.js GET /api/vets"
            ]
        );
    }

    #[test]
    fn module_specifiers_resolve_like_bundlers() {
        let files = [
            "src/a.ts",
            "src/lib/index.js",
            "src/b.vue",
            "app/src/c.tsx",
            "app/src/d/e.mjs",
        ];
        let index: Index<'_> = files.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let table = [
            ("src/x.ts", "./a", Some(0)),
            ("src/x.ts", "./a.js", Some(0)),
            ("src/x.ts", "./lib", Some(1)),
            ("src/deep/x.ts", "../b.vue", Some(2)),
            ("src/deep/x.ts", "@/b", Some(2)),
            ("app/src/x/y.ts", "@/c", Some(3)),
            ("app/src/x/y.ts", "~/d/e", Some(4)),
            ("src/x.ts", "axios", None),
            ("src/x.ts", "../../../x", None),
        ];
        for (from, spec, want) in table {
            assert_eq!(resolve_module(from, spec, &index), want, "{from} {spec}");
        }
    }
}
