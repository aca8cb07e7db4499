//! Reads the HTTP requests JavaScript and TypeScript code sends, as applications write them.
//!
//! Each file is parsed with oxc; every request of a known client is found wherever it is
//! written: `fetch` (and `new Request`), axios (the module, instances from `create` with their
//! `baseURL` or `defaults.baseURL`, `request({ url, method })`), Angular `HttpClient`
//! (`this.http.get<T>(url)`, `request('POST', url)`), AngularJS `$http`, jQuery `$.ajax`,
//! `$.get`, `$.post`, `$.getJSON`, superagent, ky, ofetch/`$fetch`, openapi-fetch
//! (`client.GET(path)`) and `XMLHttpRequest.open`. Its URL is evaluated from string literals,
//! templates, `+` concatenations, constants, object members and enum members. A `${id}`
//! becomes a path parameter; a conditional URL or method gives one call per branch.
//!
//! A function or object method that puts its parameter into the URL (or the method) of a
//! request is a wrapper: its calls are requests too (wrappers of wrappers up to
//! `MAX_WRAPPER_DEPTH`), and its own inner request is reported at its call sites when it has
//! any. Across files ([`project`]), imports are bound to the owned values other modules export
//! (strings with holes, object trees, axios instances, wrappers); what cannot be fixed
//! statically (a parameter, a run-time value, an environment variable no `.env` file sets, a
//! module that is not in the project) leaves the call unresolved with the reason.
//!
//! What this module must not do: read the filesystem, decide whether a request is wrong,
//! guess a value it cannot see, or panic or overflow the stack on any input. The parser is
//! recursive, so it runs on a thread whose stack is sized from the text (the reader pool's
//! threads are large enough for most files); every recursion written here is depth-limited.

mod markup;
mod project;
mod sdk;
pub(crate) use project::{Index, resolve_module};
pub use project::{keep, needed};

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::thread;

use oxc_allocator::Allocator;
use oxc_ast::ast as js;
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::method::Method;
use crate::model::path::{Piece, ReqPath};
use crate::sources::{facts::CallFact, facts::CallUrl, facts::Facts, input::Input};

/// Statements and expressions nested deeper than this are not read.
const MAX_WALK_DEPTH: usize = 400;
/// How deep the evaluation of one value may go (AST levels and constant look-ups together).
const MAX_EVAL_DEPTH: usize = 64;
/// How many expressions the evaluation of one URL may visit.
const EVAL_FUEL: usize = 4096;
/// Longest string value followed, in bytes.
const MAX_VALUE_LEN: usize = 16 * 1024;
/// How many object look-ups resolving one object literal may chain.
const MAX_OBJECT_HOPS: usize = 16;
/// The branch a conditional (by span start) is read with: `true` for its consequent.
type Branch = Option<(u32, bool)>;

/// How many wrappers may wrap one another.
const MAX_WRAPPER_DEPTH: usize = 4;
/// Stack for the parser thread before the per-byte allowance.
const STACK_BASE: usize = 16 << 20;
/// The stack allowance of a byte that opens a nested construct, the most any byte gets.
const MAX_BYTE_WEIGHT: usize = 2048;
/// Files whose stack allowance exceeds this are not parsed.
const STACK_LIMIT: usize = 1 << 30;

/// axios request methods, the HTTP method each sends, and whether a `data` argument comes
/// between the URL and the config.
const AXIOS_VERBS: [(&str, Method, bool); 10] = [
    ("get", Method::Get, false),
    ("delete", Method::Delete, false),
    ("head", Method::Head, false),
    ("options", Method::Options, false),
    ("post", Method::Post, true),
    ("put", Method::Put, true),
    ("patch", Method::Patch, true),
    ("postForm", Method::Post, true),
    ("putForm", Method::Put, true),
    ("patchForm", Method::Patch, true),
];

/// Whether a JS/TS (or markup, or `.env`) file is worth reading for client calls: a script
/// that may send a request, or that exports values (another module's requests may use them),
/// a markup file with a script or a form, every `.env` file.
pub fn sniff(path: &str, text: &str) -> bool {
    if markup::is_env(path) {
        return true;
    }
    if markup::is_markup(path) {
        let bytes = text.as_bytes();
        return memchr::memmem::find(bytes, b"<script").is_some()
            || memchr::memmem::find(bytes, b"<form").is_some()
            || memchr::memmem::find(bytes, b"<SCRIPT").is_some();
    }
    // `export` first: a cheap byte search that most modules satisfy early; `exports` is
    // found by the same search.
    memchr::memmem::find(text.as_bytes(), b"export").is_some() || project::may_send(text)
}

/// Reads every JS/TS file together (imports followed across files).
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    extract_set_with(inputs, &crate::sources::input::ClientSettings::default())
}

/// [`extract_set`] with `routelint.toml`'s `[client]` values: environment variables no `.env`
/// file sets, and the page base where no `<base href>` says it.
pub fn extract_set_with(
    inputs: &[Input<'_>],
    client: &crate::sources::input::ClientSettings,
) -> Vec<Facts> {
    on_pool(|| project::extract_set(inputs, client))
}

/// Stack of each thread of [`POOL`]: files whose allowance fits are read on it directly.
const POOL_STACK: usize = 256 << 20;

thread_local! {
    /// Whether this thread is one of [`POOL`]'s.
    static BIG_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Threads with a large stack for the parser (reserved, committed only as used), so most
/// files need no thread of their own.
static POOL: std::sync::LazyLock<Option<rayon::ThreadPool>> = std::sync::LazyLock::new(|| {
    rayon::ThreadPoolBuilder::new()
        .stack_size(POOL_STACK)
        .thread_name(|i| format!("routelint-js-{i}"))
        .start_handler(|_| BIG_STACK.with(|b| b.set(true)))
        .build()
        .ok()
});

/// Runs `f` on the reader pool (or here when it could not be built).
pub(crate) fn on_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match POOL.as_ref() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// What a file's reader may know of the rest of the project.
pub(crate) struct Env<'s> {
    /// The module a specifier of this file names (its index in the project).
    pub resolve: &'s (dyn Fn(&str) -> Option<usize> + Sync),
    /// The value another module exports; `None` while summarising (imports stay links).
    pub value: Option<&'s (dyn Fn(&Link) -> Val + Sync)>,
    /// Environment variables from `.env` files (`VITE_API_URL` → value).
    pub vars: &'s HashMap<String, String>,
    /// This file's index in the project.
    pub file: usize,
}

/// A value given to `axios.defaults.baseURL` and where; `Err` says why it is not known.
pub(crate) type ModuleBase = Result<(Vec<Part>, crate::source_file::Span), String>;

/// What reading one file gives the project pass.
#[derive(Default)]
pub(crate) struct FileOut {
    pub facts: Facts,
    pub exports: Vec<(String, Val)>,
    /// `export * from` modules.
    pub stars: Vec<usize>,
    /// Modules this file imports.
    pub deps: Vec<usize>,
    /// Calls of wrappers of this file (call index, function span start).
    pub wrapper_calls: Vec<(usize, u32)>,
    /// Wrappers (file, function span start) this file calls.
    pub used: HashSet<(usize, u32)>,
    /// Calls sent by Angular's `HttpClient` (call index).
    pub angular: Vec<usize>,
    /// An Angular interceptor's URL: parts with a hole for `req.url`.
    pub interceptor: Option<Vec<Part>>,
    /// Calls whose URL is relative to the page's base (call index).
    pub relative: Vec<usize>,
    /// Calls of the axios module with no base URL in this file (call index): the app's
    /// `axios.defaults.baseURL` applies.
    pub module_default_calls: Vec<usize>,
    /// `axios.defaults.baseURL` (or a Vue plugin's) values this file sets.
    pub module_bases: Vec<ModuleBase>,
    /// Calls of generated SDK operations, and the SDK bases this file sets ([`sdk`]).
    pub sdk_calls: Vec<sdk::SdkCall>,
    pub sdk_bases: Vec<sdk::SdkBase>,
}

/// Reads one file on a thread with a stack sized for it.
pub(crate) fn read_file(input: Input<'_>, env: &Env<'_>, summary: bool) -> FileOut {
    with_stack(input.text, || extract_here(input, env, summary)).unwrap_or_else(|err| FileOut {
        facts: problem_only(input, err.message(input.text.len())),
        ..FileOut::default()
    })
}

/// Why [`with_stack`] did not run to the end.
pub(crate) enum StackError {
    TooLarge,
    Panicked,
    Spawn(std::io::Error),
}

impl StackError {
    fn message(&self, len: usize) -> String {
        match self {
            StackError::TooLarge => {
                format!("JavaScript file too large to read safely ({len} bytes)")
            }
            StackError::Panicked => "the JavaScript parser failed on this file".to_owned(),
            StackError::Spawn(err) => format!("could not start the JavaScript reader: {err}"),
        }
    }
}

/// Runs `read`, which parses `text`, with a stack large enough for it: here when this is a
/// thread of the reader pool and the text's allowance fits its stack (a short text needs no
/// count), else on a thread of its own sized for the text.
pub(crate) fn with_stack<T: Send>(
    text: &str,
    read: impl FnOnce() -> T + Send,
) -> Result<T, StackError> {
    let short = text
        .len()
        .saturating_mul(MAX_BYTE_WEIGHT)
        .saturating_add(STACK_BASE)
        <= POOL_STACK;
    if BIG_STACK.with(std::cell::Cell::get) && (short || stack_allowance(text) <= POOL_STACK) {
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
            .map_err(|_| StackError::Panicked);
    }
    let stack = stack_allowance(text);
    if stack > STACK_LIMIT {
        return Err(StackError::TooLarge);
    }
    thread::scope(|scope| {
        thread::Builder::new()
            .name("routelint-js".into())
            .stack_size(stack)
            .spawn_scoped(scope, read)
            .map(|handle| handle.join())
    })
    .map_err(StackError::Spawn)?
    .map_err(|_| StackError::Panicked)
}

/// Reads one JS/TS file alone (imports stay unresolved).
///
/// A syntax error adds one problem at the first error; calls are still read from the part
/// the parser recovered.
pub fn extract(input: Input<'_>) -> Facts {
    let vars = HashMap::new();
    let env = Env {
        resolve: &|_| None,
        value: None,
        vars: &vars,
        file: 0,
    };
    let mut out = read_file(input, &env, false);
    // Inner calls of wrappers the file calls are reported at the call sites.
    let drop: HashSet<usize> = out
        .wrapper_calls
        .iter()
        .filter(|(_, func)| out.used.contains(&(0, *func)))
        .map(|(call, _)| *call)
        .collect();
    let calls = std::mem::take(&mut out.facts.calls);
    out.facts.calls = calls
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, c)| c)
        .collect();
    out.facts
}

/// Facts holding one problem at the start of the file.
fn problem_only(input: Input<'_>, message: impl Into<String>) -> Facts {
    let mut facts = Facts::default();
    facts.problem(input.span(0, 0), message);
    facts
}

/// An upper bound of the stack the parser may need for `text`: a base plus an allowance per
/// byte, larger for bytes that can open a nested construct. Measured costs per nesting level
/// stay below these weights with a margin.
pub(crate) fn stack_allowance(text: &str) -> usize {
    text.bytes().fold(STACK_BASE, |total, b| {
        let weight = match b {
            b'(' | b'[' | b'{' | b'<' => MAX_BYTE_WEIGHT,
            b'=' | b'?' | b':' | b'!' | b'-' | b'+' | b'~' | b'*' | b'>' | b'&' | b'|' | b'/'
            | b'%' | b'^' | b'@' | b'#' => 640,
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 => 160,
            _ => 0,
        };
        total.saturating_add(weight)
    })
}

/// The source type for a path: from its extension (JavaScript files also accept JSX), TSX
/// when the extension is unknown.
pub(crate) fn source_type(path: &str) -> SourceType {
    match SourceType::from_path(path) {
        Ok(st) if st.is_javascript() => st.with_jsx(true),
        Ok(st) => st,
        Err(_) => SourceType::tsx(),
    }
}

thread_local! {
    /// This thread's parser arena, emptied before each file; its largest chunk is kept, so
    /// most files allocate nothing for their tree.
    static ARENA: std::cell::RefCell<Allocator> = std::cell::RefCell::new(Allocator::default());
}

/// Runs `read` with an empty arena: this thread's, or a new one while that one is in use.
pub(crate) fn with_arena<T>(read: impl FnOnce(&Allocator) -> T) -> T {
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut arena) => {
            arena.reset();
            read(&arena)
        }
        Err(_) => read(&Allocator::default()),
    })
}

/// Parses and reads on the current thread.
fn extract_here(input: Input<'_>, env: &Env<'_>, summary: bool) -> FileOut {
    with_arena(|allocator| extract_in(allocator, input, env, summary))
}

fn extract_in(allocator: &Allocator, input: Input<'_>, env: &Env<'_>, summary: bool) -> FileOut {
    let parsed = Parser::new(allocator, input.text, source_type(input.path)).parse();
    let mut out = FileOut::default();
    if let Some(error) = parsed.diagnostics.errors().next() {
        let len = input.text.len();
        let (start, end) = error.labels.first().map_or((0, 0), |label| {
            let start = label.offset() as usize;
            (start, start.saturating_add(label.len() as usize))
        });
        let start = start.min(len);
        out.facts.problem(
            input.span(start, end.min(len).max(start)),
            format!("JavaScript syntax error: {}", error.message),
        );
    }
    if parsed.panicked {
        return out;
    }
    let mut reader = Reader::new(input, env);
    if summary {
        reader.prepare(&parsed.program);
        reader.summarise(&parsed.program, &mut out);
        return out;
    }
    reader.read(&parsed.program);
    out.facts.calls = std::mem::take(&mut reader.calls);
    out.wrapper_calls = std::mem::take(&mut reader.wrapper_calls);
    out.angular = std::mem::take(&mut reader.angular);
    out.used = std::mem::take(&mut reader.used);
    out.interceptor = reader.interceptor.take();
    out.relative = std::mem::take(&mut reader.relative);
    out.module_default_calls = std::mem::take(&mut reader.module_default_calls);
    out.module_bases = std::mem::take(&mut reader.module_bases);
    out.sdk_calls = std::mem::take(&mut reader.sdk_calls);
    out.sdk_bases = std::mem::take(&mut reader.sdk_bases);
    if let Some(span) = reader.too_deep {
        out.facts.problem(
            input.span(span.start as usize, span.end as usize),
            format!(
                "JavaScript nested more than {MAX_WALK_DEPTH} levels deep: requests inside were not read"
            ),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values

/// A piece of a string being evaluated.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Part {
    Lit(String),
    /// A value only known at run time.
    Hole {
        name: String,
        unknown: Unknown,
    },
}

/// Why a value is not known: the expression and a clause saying why.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Unknown {
    /// Source text of the expression, shortened.
    source: String,
    /// `which is not a constant in this file`.
    reason: String,
    /// What the value is waiting for: an export of another module, or a parameter of the
    /// function being read (then the function is a wrapper).
    slot: Option<Box<Slot>>,
}

/// A value that another file or a caller fills in.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Slot {
    Link(Link),
    /// Parameter `index` of the function whose span starts at `func`.
    Param {
        func: u32,
        index: usize,
    },
}

/// An export of another module of the project, and the member path read from it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Link {
    pub file: usize,
    pub name: String,
    pub path: Vec<String>,
}

/// An owned value a module exports (or an import is bound to).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Str(Vec<Part>),
    Obj(Vec<(String, Val)>),
    /// The axios module (or an axios-like client: `$http`).
    Axios,
    /// An axios instance and its base URL (`Err`: why the base is not known).
    Instance(
        Result<Option<Vec<Part>>, String>,
        Option<crate::source_file::Span>,
    ),
    Wrapper(Box<Wrapper>),
    /// An operation of a generated SDK, and a generated SDK's client with its base ([`sdk`]).
    Operation(Box<sdk::Operation>),
    Sdk(Result<Option<Vec<Part>>, String>),
    Link(Link),
    Unknown(Unknown),
}

/// A function that puts its parameters into the URL of a request it sends.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Wrapper {
    client: String,
    /// The URL, with `Slot::Param` holes for the wrapper's parameters (`func` is 0).
    url: Vec<Part>,
    /// The base the URL is joined to (axios `baseURL`) once the parameters are known.
    base: Result<Option<Vec<Part>>, String>,
    method: WMethod,
    /// Whether the client is Angular's `HttpClient` (interceptors apply).
    angular: bool,
    /// The span start of the wrapping function (its parameter holes carry it).
    func: u32,
    /// The module that declares it.
    file: usize,
    /// The URL expression inside the wrapper (where its prefix is written).
    span: crate::source_file::Span,
    /// Constant defaults of its parameters (`slug = ""`), by index: what a call that does not
    /// pass one sends.
    defaults: Vec<(usize, Vec<Part>)>,
    /// Its request is the axios module's with no base in its file ([`Request`]).
    module_defaults: bool,
}

/// Where a wrapper's request method comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WMethod {
    Known(Option<Method>),
    /// The string passed as parameter `i`.
    Arg(usize),
    /// The `method` of an options object passed as parameter `i` (GET without one).
    OptionsArg(usize),
}

/// What an expression evaluates to as a string.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Known(Vec<Part>),
    Unknown(Unknown),
}

const NOT_CONSTANT: &str = "which is not a constant in this file";

/// Merges adjacent literals and drops empty ones.
fn normalize(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for part in parts {
        match part {
            Part::Lit(s) if s.is_empty() => {}
            Part::Lit(s) => match out.last_mut() {
                Some(Part::Lit(prev)) => prev.push_str(&s),
                _ => out.push(Part::Lit(s)),
            },
            hole => out.push(hole),
        }
    }
    out
}

/// The literal text of a value without holes.
fn literal_text(parts: &[Part]) -> Option<String> {
    let mut s = String::new();
    for part in parts {
        match part {
            Part::Lit(l) => s.push_str(l),
            Part::Hole { .. } => return None,
        }
    }
    Some(s)
}

fn literal_len(parts: &[Part]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(l) => l.len(),
            Part::Hole { .. } => 0,
        })
        .sum()
}

/// Drops everything from the first `?` or `#` of literal text on.
fn cut_query(parts: Vec<Part>) -> Vec<Part> {
    let mut out = Vec::new();
    for part in parts {
        if let Part::Lit(l) = &part
            && let Some(i) = l.find(['?', '#'])
        {
            out.push(Part::Lit(l.get(..i).unwrap_or_default().to_owned()));
            break;
        }
        out.push(part);
    }
    out
}

/// How a URL begins.
enum Head {
    /// `http://`, `https://` or `//`: the host starts at this byte.
    Absolute(usize),
    /// Another scheme (`data:`, `blob:`, `ws://`): not an HTTP request routelint follows.
    OtherScheme,
    Relative,
}

fn classify_head(head: &str) -> Head {
    if head.starts_with("//") {
        return Head::Absolute(2);
    }
    let scheme_len = head
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    let starts_alpha = head.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    if scheme_len == 0 || !starts_alpha || head.as_bytes().get(scheme_len) != Some(&b':') {
        return Head::Relative;
    }
    let scheme = head.get(..scheme_len).unwrap_or_default();
    let http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let after = head.get(scheme_len + 1..).unwrap_or_default();
    if http && after.starts_with("//") {
        Head::Absolute(scheme_len + 3)
    } else {
        Head::OtherScheme
    }
}

/// Whether axios treats the URL as absolute (`/^([a-z][a-z\d+\-.]*:)?\/\//i`).
fn axios_absolute(parts: &[Part]) -> bool {
    let Some(Part::Lit(head)) = parts.first() else {
        return false;
    };
    if head.starts_with("//") {
        return true;
    }
    let scheme_len = head
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        .count();
    let starts_alpha = head.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
    starts_alpha
        && head
            .get(scheme_len..)
            .is_some_and(|rest| rest.starts_with("://"))
}

/// axios `combineURLs`: the base without one or two trailing slashes, `/`, the URL without
/// leading slashes; an empty URL leaves the base alone.
pub(crate) fn axios_join(base: Vec<Part>, url: Vec<Part>) -> Vec<Part> {
    let mut url = normalize(url);
    if url.is_empty() {
        return base;
    }
    let mut base = normalize(base);
    if let Some(Part::Lit(last)) = base.last_mut() {
        let cut = if last.ends_with("//") {
            2
        } else {
            usize::from(last.ends_with('/'))
        };
        last.truncate(last.len() - cut);
    }
    if let Some(Part::Lit(first)) = url.first_mut() {
        *first = first.trim_start_matches('/').to_owned();
    }
    base.push(Part::Lit("/".into()));
    base.extend(url);
    normalize(base)
}

/// Joins a URL to an owned base; a base still starting with a hole is not known.
fn join_base(base: Option<Vec<Part>>, url: Vec<Part>) -> Result<Vec<Part>, String> {
    match base {
        None => Ok(url),
        Some(base) => {
            if let Some(Part::Hole { unknown, .. }) = base.first() {
                return Err(format!(
                    "the base URL starts with `{}`, {}",
                    unknown.source, unknown.reason
                ));
            }
            Ok(axios_join(base, url))
        }
    }
}

/// A relative URL resolved against `/`.
fn from_root(head: &str) -> String {
    crate::model::path::rooted(head)
}

/// The request URL from a fully evaluated value; `None` when it is not an HTTP URL.
pub(crate) fn finish(parts: Vec<Part>) -> Option<CallUrl> {
    let parts = normalize(cut_query(normalize(parts)));
    let mut rest = parts.into_iter();
    let head = match rest.next() {
        None => String::new(),
        Some(Part::Hole { unknown, .. }) => {
            return Some(CallUrl::Unresolved {
                why: format!(
                    "the URL starts with `{}`, {}",
                    unknown.source, unknown.reason
                ),
            });
        }
        Some(Part::Lit(head)) => head,
    };
    let rest: Vec<Part> = rest.collect();
    let (origin, path_head) = match classify_head(&head) {
        Head::OtherScheme => return None,
        Head::Relative if head.starts_with('/') => (None, head),
        Head::Relative => (None, from_root(&head)),
        Head::Absolute(host_at) => {
            let host_end = head
                .get(host_at..)
                .and_then(|h| h.find('/'))
                .map(|i| host_at + i);
            match host_end {
                Some(end) => (
                    Some(head.get(..end).unwrap_or_default().to_owned()),
                    head.get(end..).unwrap_or_default().to_owned(),
                ),
                None => {
                    if let Some(Part::Hole { unknown, .. }) = rest.first() {
                        return Some(CallUrl::Unresolved {
                            why: format!(
                                "the host of the URL continues with `{}`, {}",
                                unknown.source, unknown.reason
                            ),
                        });
                    }
                    (Some(head), "/".to_owned())
                }
            }
        }
    };
    let pieces = std::iter::once(Piece::Lit(path_head)).chain(rest.into_iter().map(|p| match p {
        Part::Lit(l) => Piece::Lit(l),
        Part::Hole { name, .. } => Piece::Param(name),
    }));
    Some(CallUrl::Resolved {
        origin,
        path: ReqPath::from_pieces(pieces),
    })
}

/// The parameter name for a run-time value inside a URL: `id` for `id`, `post.id` and
/// `encodeURIComponent(id)`; `param` otherwise.
fn param_name(expr: &js::Expression<'_>) -> String {
    let mut e = expr;
    for _ in 0..16 {
        e = match e.get_inner_expression() {
            js::Expression::Identifier(id) => return id.name.to_string(),
            js::Expression::StaticMemberExpression(m) => return m.property.name.to_string(),
            js::Expression::ComputedMemberExpression(m) => {
                return m
                    .static_property_name()
                    .map_or_else(|| "param".to_owned(), |s| s.to_string());
            }
            js::Expression::ChainExpression(c) => match c.expression.member_expression() {
                Some(m) => match m.static_property_name() {
                    Some(name) => return name.to_owned(),
                    None => return "param".to_owned(),
                },
                None => match &c.expression {
                    js::ChainElement::CallExpression(call) => match call_inner(call) {
                        Some(inner) => inner,
                        None => break,
                    },
                    _ => break,
                },
            },
            js::Expression::CallExpression(call) => match call_inner(call) {
                Some(inner) => inner,
                None => break,
            },
            js::Expression::AwaitExpression(a) => &a.argument,
            _ => break,
        };
    }
    "param".to_owned()
}

/// The expression naming a call's value: its first argument, or the object of a method
/// called without arguments (`id.toString()`).
fn call_inner<'b, 'a>(call: &'b js::CallExpression<'a>) -> Option<&'b js::Expression<'a>> {
    match call.arguments.first() {
        Some(arg) => arg.as_expression(),
        None => call
            .callee
            .get_inner_expression()
            .as_member_expression()
            .map(|m| m.object()),
    }
}

/// Source text shortened for a message: whitespace collapsed, at most 60 characters.
fn shorten(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= 60 {
        return collapsed;
    }
    let mut out: String = collapsed.chars().take(57).collect();
    out.push('…');
    out
}

// ---------------------------------------------------------------------------------------------
// Scopes

/// What a name declared in this file stands for.
#[derive(Clone, Copy, Debug)]
enum Binding<'a> {
    /// `const`/`let`/`var` with an initialiser.
    Value {
        init: &'a js::Expression<'a>,
        constant: bool,
    },
    /// The axios module (`import http from 'axios'`, `require('axios')`).
    Axios,
    /// `axios.create(config)`.
    Instance {
        config: Option<&'a js::Expression<'a>>,
    },
    Enum(&'a js::TSEnumDeclaration<'a>),
    /// Imported from another module (`import`, `require`): its value is in `Reader::imports`.
    Import(&'a str),
    /// Parameter `index` of the function whose span starts at `func`.
    Param {
        func: u32,
        index: usize,
    },
    /// A function declaration (a wrapper when its span is in `Reader::wrappers`).
    Function(&'a js::Function<'a>),
    /// `new XMLHttpRequest()`.
    Xhr,
    /// A name whose value this file does not fix.
    Opaque(Opaque<'a>),
}

#[derive(Clone, Copy, Debug)]
enum Opaque<'a> {
    Param,
    Import(&'a str),
    NoValue,
    Destructured,
    Other,
}

impl Opaque<'_> {
    fn reason(self) -> String {
        match self {
            Opaque::Param => "which is a parameter, not a constant in this file".into(),
            Opaque::Import(from) => {
                format!("which is imported from `{from}`, not a constant in this file")
            }
            Opaque::NoValue => "which is declared without a value in this file".into(),
            Opaque::Destructured => {
                "which is destructured from another value, not a constant in this file".into()
            }
            Opaque::Other => NOT_CONSTANT.into(),
        }
    }
}

type Scope<'a> = FxHashMap<&'a str, Binding<'a>>;

/// Where an evaluation stands: the scopes it may see (`scopes[..limit]`) and its depth.
#[derive(Clone, Copy)]
struct Frame {
    limit: usize,
    depth: usize,
}

impl Frame {
    fn deeper(self) -> Frame {
        Frame {
            depth: self.depth + 1,
            ..self
        }
    }
}

/// A property looked up in an object literal.
enum Lookup<'a> {
    /// No such property (or no object at all).
    Absent,
    /// The value, and the scope limit to evaluate it in.
    Found(&'a js::Expression<'a>, usize),
    /// The object is not a literal this file fixes, or a spread may hold the property.
    Unknown,
}

// ---------------------------------------------------------------------------------------------
// Requests

/// A recognised client call.
enum Client<'a> {
    /// `fetch`, `$fetch`, `ofetch`, `ky(url, options)`.
    Fetch {
        name: &'a str,
    },
    /// The axios module, or axios as a Vue plugin (`Vue.axios`, `this.$http`).
    Axios {
        name: Cow<'a, str>,
        verb: Option<&'static str>,
    },
    Instance {
        name: &'a str,
        verb: Option<&'static str>,
        config: Option<&'a js::Expression<'a>>,
        level: usize,
    },
    /// An axios instance imported from another module.
    Owned {
        name: String,
        verb: Option<&'static str>,
        base: Result<Option<Vec<Part>>, String>,
        /// Where its base is written.
        at: Option<crate::source_file::Span>,
    },
    /// Angular `HttpClient` (`this.http.get(...)`).
    Angular {
        name: String,
        verb: &'static str,
    },
    /// superagent, ky verbs: `lib.verb(url)`.
    Lib {
        name: &'a str,
        verb: &'static str,
        lib: Lib,
    },
    JQuery {
        name: &'a str,
        verb: &'a str,
    },
    /// `xhr.open(method, url)`.
    Xhr {
        name: &'a str,
    },
    /// openapi-fetch `client.GET(path)`.
    OpenApiFetch {
        name: &'a str,
        method: Method,
        config: Option<&'a js::Expression<'a>>,
    },
    Wrapper {
        name: String,
        wrapper: Wrapper,
    },
}

/// HTTP libraries whose verbs routelint knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lib {
    Axios,
    Superagent,
    Ky,
    Ofetch,
}

/// The library a module specifier names.
fn lib_of(from: &str) -> Option<Lib> {
    match from {
        "axios" => Some(Lib::Axios),
        "superagent" => Some(Lib::Superagent),
        "ky" => Some(Lib::Ky),
        "ofetch" => Some(Lib::Ofetch),
        _ => None,
    }
}

/// The verb (as written) a library's method names.
fn verb_of(prop: &str, lib: Lib) -> Option<&'static str> {
    const VERBS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
    if lib == Lib::Axios {
        return AXIOS_VERBS.iter().find(|(v, _, _)| *v == prop).map(|v| v.0);
    }
    if lib == Lib::Superagent && prop == "del" {
        return Some("del");
    }
    VERBS.iter().find(|v| **v == prop).copied()
}

/// `x` in `this.x`.
fn this_field<'a>(expr: &'a js::Expression<'a>) -> Option<&'a str> {
    let m = expr.as_member_expression()?;
    matches!(
        m.object().get_inner_expression(),
        js::Expression::ThisExpression(_)
    )
    .then(|| m.static_property_name())
    .flatten()
}

/// `require('<module>')`.
fn is_require_of(expr: &js::Expression<'_>, module: &str) -> bool {
    matches!(expr.get_inner_expression(), js::Expression::CallExpression(call)
        if call.callee.is_specific_id("require")
            && call.arguments.first().and_then(|a| a.as_expression())
                .is_some_and(|e| e.is_specific_string_literal(module)))
}

/// The value at a member path of an owned value.
pub(crate) fn val_at(val: &Val, path: &[String]) -> Val {
    let mut v = val.clone();
    for key in path {
        v = match v {
            Val::Obj(members) => match members.into_iter().rev().find(|(k, _)| k == key) {
                Some((_, value)) => value,
                None => {
                    return Val::Unknown(Unknown {
                        source: String::new(),
                        reason: format!("which has no member `{key}`"),
                        slot: None,
                    });
                }
            },
            Val::Link(mut link) => {
                link.path.push(key.clone());
                Val::Link(link)
            }
            Val::Unknown(u) => Val::Unknown(u),
            _ => {
                return Val::Unknown(Unknown {
                    source: String::new(),
                    reason: NOT_CONSTANT.into(),
                    slot: None,
                });
            }
        };
    }
    v
}

/// The URL argument of a request.
enum UrlArg<'a> {
    Expr(&'a js::Expression<'a>),
    /// Already evaluated (a wrapper's URL with the arguments put in), and the span to report.
    Parts(Vec<Part>, js::Span),
    /// Not an expression routelint can evaluate (a spread, an opaque config).
    Opaque {
        span: js::Span,
        why: String,
    },
}

/// The base URL a request's URL is joined to (axios `baseURL`).
enum Base<'a> {
    None,
    /// Values assigned to the base (several assignments must agree); `label` names it in
    /// messages: "the base URL of `api`".
    Exprs {
        exprs: Vec<&'a js::Expression<'a>>,
        limit: usize,
        label: String,
    },
    Unknown(String),
    /// Already evaluated (a wrapper's or an imported instance's base).
    Owned(Result<Option<Vec<Part>>, String>),
}

/// A request ready to be evaluated.
struct Request<'a> {
    client: String,
    url: UrlArg<'a>,
    method: Option<Method>,
    base: Base<'a>,
    /// The method comes from a parameter of the function being read (a wrapper).
    method_arg: Option<WMethod>,
    /// Sent by Angular's `HttpClient`.
    angular: bool,
    /// The wrapper called (its module and function).
    via: Option<(usize, u32)>,
    /// A method chosen by a condition: the condition's text and both methods.
    method_alt: Option<(String, Option<Method>, Option<Method>)>,
    /// The URL as the caller wrote it, when a wrapper puts it into a longer one, and where
    /// the wrapper adds the rest.
    own: Option<(Vec<Part>, crate::source_file::Span)>,
    /// Where an owned base is written.
    base_at: Option<crate::source_file::Span>,
    /// Sent by the axios module (or a Vue plugin alias) with no base URL in this file: a
    /// `defaults.baseURL` another module of the app sets applies.
    module_defaults: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Notes reassigned names and `X.defaults.baseURL = ...` assignments.
    Collect,
    /// Finds the functions that wrap a request (repeated for wrappers of wrappers).
    Wrappers,
    /// Emits the calls.
    Extract,
}

/// Walks one program and collects its calls.
struct Reader<'a, 's> {
    input: Input<'s>,
    env: &'s Env<'s>,
    pass: Pass,
    /// Values of the imported names.
    imports: FxHashMap<&'a str, Val>,
    /// Wrappers by the span start of their function.
    wrappers: FxHashMap<u32, Wrapper>,
    /// Generated SDK operations by the span start of their function, the calls of them, and
    /// the SDK bases this file sets.
    operations: FxHashMap<u32, sdk::Operation>,
    sdk_calls: Vec<sdk::SdkCall>,
    sdk_bases: Vec<sdk::SdkBase>,
    /// Default values of functions' parameters, by the function's span start.
    param_defaults: FxHashMap<u32, Vec<(usize, &'a js::Expression<'a>)>>,
    /// The functions whose wrapper a wrappers pass looked up (hit or miss).
    consulted: std::cell::RefCell<FxHashSet<u32>>,
    /// Functions being walked (span starts), innermost last.
    functions: Vec<u32>,
    /// Names of `HttpClient`s injected into Angular classes (`this.http`).
    http_clients: FxHashSet<&'a str>,
    /// Functions whose inner call is a wrapper's (the call sites report it), by call index.
    wrapper_calls: Vec<(usize, u32)>,
    /// Wrappers of other modules this file calls.
    used: HashSet<(usize, u32)>,
    /// Calls sent by Angular's `HttpClient` (interceptors apply), by index.
    angular: Vec<usize>,
    /// An Angular interceptor's `req.clone({ url })`: the URL with a hole for `req.url`.
    interceptor: Option<Vec<Part>>,
    /// Calls whose URL is relative to the page (`api/owners`), by index.
    relative: Vec<usize>,
    /// Calls of the axios module with no base in this file, by index.
    module_default_calls: Vec<usize>,
    /// `defaults.baseURL` values this file gives the axios module (`Err`: not a constant).
    module_bases: Vec<ModuleBase>,
    /// The branch a conditional (by span start) is read with, while emitting one branch.
    choice: std::cell::Cell<Option<(u32, bool)>>,
    scopes: Vec<Scope<'a>>,
    /// Closed scopes' tables, emptied, for the next scopes opened.
    spare_scopes: Vec<Scope<'a>>,
    /// Names assigned somewhere in the file (a `let` holding one is not a constant).
    reassigned: FxHashSet<&'a str>,
    /// `X.defaults.baseURL = value` assignments by `X` (`Vue.axios` for a plugin's).
    base_assignments: FxHashMap<String, Vec<&'a js::Expression<'a>>>,
    calls: Vec<CallFact>,
    too_deep: Option<js::Span>,
}

impl<'a, 's> Reader<'a, 's> {
    fn new(input: Input<'s>, env: &'s Env<'s>) -> Self {
        Reader {
            input,
            env,
            pass: Pass::Collect,
            imports: FxHashMap::default(),
            wrappers: FxHashMap::default(),
            operations: FxHashMap::default(),
            sdk_calls: Vec::new(),
            sdk_bases: Vec::new(),
            consulted: std::cell::RefCell::new(FxHashSet::default()),
            param_defaults: FxHashMap::default(),
            functions: Vec::new(),
            http_clients: FxHashSet::default(),
            wrapper_calls: Vec::new(),
            used: HashSet::new(),
            angular: Vec::new(),
            interceptor: None,
            choice: std::cell::Cell::new(None),
            relative: Vec::new(),
            module_default_calls: Vec::new(),
            module_bases: Vec::new(),
            scopes: Vec::new(),
            spare_scopes: Vec::new(),
            reassigned: FxHashSet::default(),
            base_assignments: FxHashMap::default(),
            calls: Vec::new(),
            too_deep: None,
        }
    }

    fn read(&mut self, program: &'a js::Program<'a>) {
        self.prepare(program);
        self.pass = Pass::Extract;
        self.clear_scopes();
        self.block(&program.body, 0);
    }

    /// The passes before extraction: names, then wrappers (up to `MAX_WRAPPER_DEPTH` rounds).
    fn prepare(&mut self, program: &'a js::Program<'a>) {
        self.pass = Pass::Collect;
        self.clear_scopes();
        self.block(&program.body, 0);
        self.pass = Pass::Wrappers;
        for _ in 0..MAX_WRAPPER_DEPTH {
            let before = self.wrappers.clone();
            self.consulted.borrow_mut().clear();
            self.clear_scopes();
            self.block(&program.body, 0);
            // Another round reads the same unless a wrapper this round looked up has changed
            // since (a wrapper of a wrapper found later in the file).
            let consulted = self.consulted.borrow();
            if !consulted
                .iter()
                .any(|func| self.wrappers.get(func) != before.get(func))
            {
                break;
            }
        }
    }

    // -- scopes ------------------------------------------------------------------------------

    /// Opens a scope, reusing the table of one closed before (most functions bind a few
    /// names: allocating a table for each cost more than reading them).
    fn push_scope(&mut self) {
        let scope = self.spare_scopes.pop().unwrap_or_default();
        self.scopes.push(scope);
    }

    fn pop_scope(&mut self) {
        if let Some(mut scope) = self.scopes.pop() {
            scope.clear();
            self.spare_scopes.push(scope);
        }
    }

    fn clear_scopes(&mut self) {
        while !self.scopes.is_empty() {
            self.pop_scope();
        }
    }

    fn bind(&mut self, name: &'a str, binding: Binding<'a>) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name, binding);
        }
    }

    /// The binding of `name` visible in `scopes[..limit]`, with its scope index.
    fn lookup(&self, name: &str, limit: usize) -> Option<(usize, Binding<'a>)> {
        let limit = limit.min(self.scopes.len());
        (0..limit)
            .rev()
            .find_map(|i| self.scopes.get(i)?.get(name).map(|b| (i, *b)))
    }

    fn here(&self) -> Frame {
        Frame {
            limit: self.scopes.len(),
            depth: 0,
        }
    }

    /// Declares what a statement list declares before it is walked (hoisting).
    fn declare_statements(&mut self, stmts: &'a [js::Statement<'a>], depth: usize) {
        for stmt in stmts {
            if let Some(decl) = stmt.as_declaration() {
                self.declare(decl, depth);
                continue;
            }
            match stmt {
                js::Statement::ImportDeclaration(import) => self.declare_import(import),
                js::Statement::ExportDeclaration(export) => {
                    self.declare(&export.declaration, depth);
                }
                js::Statement::ExportDefaultDeclaration(export) => match &export.declaration {
                    js::ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                        if let Some(id) = &f.id {
                            self.bind(id.name.as_str(), Binding::Function(f));
                        }
                    }
                    js::ExportDefaultDeclarationKind::ClassDeclaration(c) => {
                        if let Some(id) = &c.id {
                            self.bind(id.name.as_str(), Binding::Opaque(Opaque::Other));
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }

    fn declare(&mut self, decl: &'a js::Declaration<'a>, depth: usize) {
        match decl {
            js::Declaration::VariableDeclaration(var) => self.declare_var(var, depth),
            js::Declaration::FunctionDeclaration(f) => {
                if let Some(id) = &f.id {
                    self.bind(id.name.as_str(), Binding::Function(f));
                }
            }
            js::Declaration::ClassDeclaration(c) => {
                if let Some(id) = &c.id {
                    self.bind(id.name.as_str(), Binding::Opaque(Opaque::Other));
                }
            }
            js::Declaration::TSEnumDeclaration(e) => {
                self.bind(e.id.name.as_str(), Binding::Enum(e))
            }
            js::Declaration::TSImportEqualsDeclaration(i) => {
                self.bind(i.id.name.as_str(), Binding::Opaque(Opaque::Other));
            }
            _ => {}
        }
    }

    fn declare_var(&mut self, var: &'a js::VariableDeclaration<'a>, depth: usize) {
        let constant = var.kind == js::VariableDeclarationKind::Const;
        for decl in &var.declarations {
            match (&decl.id, &decl.init) {
                (js::BindingPattern::BindingIdentifier(id), Some(init))
                    if self.import_source(init).is_some() =>
                {
                    let (from, path) = self.import_source(init).unwrap_or_default();
                    let (name, rest) = match path.split_first() {
                        Some((n, r)) => (n.clone(), r.to_vec()),
                        None => ("default".to_owned(), Vec::new()),
                    };
                    let val = self.import_val(from, &name, rest);
                    self.imports.insert(id.name.as_str(), val);
                    self.bind(id.name.as_str(), Binding::Import(from));
                }
                (js::BindingPattern::BindingIdentifier(id), Some(init)) => {
                    let binding = self.classify_init(init, constant);
                    self.bind(id.name.as_str(), binding);
                }
                (js::BindingPattern::BindingIdentifier(id), None) => {
                    self.bind(id.name.as_str(), Binding::Opaque(Opaque::NoValue));
                }
                (js::BindingPattern::ObjectPattern(obj), Some(init))
                    if self.import_source(init).is_some() =>
                {
                    let (from, base_path) = self.import_source(init).unwrap_or_default();
                    for prop in &obj.properties {
                        match (&prop.value, prop.key.static_name()) {
                            (js::BindingPattern::BindingIdentifier(id), Some(key)) => {
                                let mut path = base_path.clone();
                                path.push(key.to_string());
                                let (name, rest) = match path.split_first() {
                                    Some((n, r)) => (n.clone(), r.to_vec()),
                                    None => continue,
                                };
                                let val = self.import_val(from, &name, rest);
                                self.imports.insert(id.name.as_str(), val);
                                self.bind(id.name.as_str(), Binding::Import(from));
                            }
                            (pattern, _) => {
                                self.declare_pattern(pattern, Opaque::Destructured, depth)
                            }
                        }
                    }
                }
                (pattern, _) => self.declare_pattern(pattern, Opaque::Destructured, depth),
            }
        }
    }

    /// `require('./x')` (`("./x", [])`), `require('./x').a` (`("./x", ["a"])`) or a name
    /// imported from a module of the project.
    fn import_source(&self, init: &'a js::Expression<'a>) -> Option<(&'a str, Vec<String>)> {
        match init.get_inner_expression() {
            js::Expression::CallExpression(call) if call.callee.is_specific_id("require") => {
                match call
                    .arguments
                    .first()?
                    .as_expression()?
                    .get_inner_expression()
                {
                    js::Expression::StringLiteral(s) => {
                        let from = s.value.as_str();
                        (lib_of(from).is_none()).then(|| (from, vec!["default".to_owned()]))
                    }
                    _ => None,
                }
            }
            other => {
                let m = other.as_member_expression()?;
                let prop = m.static_property_name()?;
                let (from, mut path) = self.import_source(m.object())?;
                if path.first().is_some_and(|p| p == "default") && path.len() == 1 {
                    path.clear();
                }
                path.push(prop.to_owned());
                Some((from, path))
            }
        }
    }

    /// The value bound to `name` exported by module `from` (a link while summarising).
    fn import_val(&self, from: &str, name: &str, path: Vec<String>) -> Val {
        let Some(file) = (self.env.resolve)(from) else {
            return Val::Unknown(Unknown {
                source: String::new(),
                reason: String::new(),
                slot: None,
            });
        };
        let link = Link {
            file,
            name: name.to_owned(),
            path,
        };
        match self.env.value {
            Some(value) => value(&link),
            None => Val::Link(link),
        }
    }

    /// What a variable initialised with `init` stands for.
    fn classify_init(&self, init: &'a js::Expression<'a>, constant: bool) -> Binding<'a> {
        if let js::Expression::NewExpression(n) = init.get_inner_expression()
            && n.callee.is_specific_id("XMLHttpRequest")
        {
            return Binding::Xhr;
        }

        if let js::Expression::CallExpression(call) = init.get_inner_expression() {
            if let Some(m) = call.callee.get_inner_expression().as_member_expression()
                && m.static_property_name() == Some("create")
                && let js::Expression::Identifier(obj) = m.object().get_inner_expression()
                && self.is_axios(obj.name.as_str())
            {
                let config = call.arguments.first().and_then(|a| a.as_expression());
                return Binding::Instance { config };
            }
            if is_require_axios(call) {
                return Binding::Axios;
            }
        }
        if let Some(m) = init.get_inner_expression().as_member_expression()
            && m.static_property_name() == Some("default")
            && let js::Expression::CallExpression(call) = m.object().get_inner_expression()
            && is_require_axios(call)
        {
            return Binding::Axios;
        }
        Binding::Value { init, constant }
    }

    /// Whether `name` is the axios module here.
    fn is_axios(&self, name: &str) -> bool {
        match self.lookup(name, self.scopes.len()) {
            Some((_, Binding::Axios)) => true,
            Some((_, Binding::Instance { .. })) => false,
            _ => name == "axios",
        }
    }

    fn declare_import(&mut self, import: &'a js::ImportDeclaration<'a>) {
        let from = import.source.value.as_str();
        let Some(specifiers) = &import.specifiers else {
            return;
        };
        for spec in specifiers {
            let (local, default) = match spec {
                js::ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let imported = match &s.imported {
                        js::ModuleExportName::IdentifierName(n) => n.name.as_str(),
                        js::ModuleExportName::IdentifierReference(n) => n.name.as_str(),
                        js::ModuleExportName::StringLiteral(n) => n.value.as_str(),
                    };
                    (&s.local, imported == "default")
                }
                js::ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => (&s.local, true),
                js::ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => (&s.local, true),
            };
            let binding = if default && from == "axios" {
                Binding::Axios
            } else {
                let name = match spec {
                    js::ImportDeclarationSpecifier::ImportSpecifier(s) => match &s.imported {
                        js::ModuleExportName::IdentifierName(n) => n.name.as_str(),
                        js::ModuleExportName::IdentifierReference(n) => n.name.as_str(),
                        js::ModuleExportName::StringLiteral(n) => n.value.as_str(),
                    },
                    js::ImportDeclarationSpecifier::ImportDefaultSpecifier(_) => "default",
                    js::ImportDeclarationSpecifier::ImportNamespaceSpecifier(_) => "*",
                };
                let val = self.import_val(from, name, Vec::new());
                self.imports.insert(local.name.as_str(), val);
                Binding::Import(from)
            };
            self.bind(local.name.as_str(), binding);
        }
    }

    /// Binds every name a destructuring pattern declares as opaque.
    fn declare_pattern(
        &mut self,
        pattern: &'a js::BindingPattern<'a>,
        why: Opaque<'a>,
        depth: usize,
    ) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match pattern {
            js::BindingPattern::BindingIdentifier(id) => {
                self.bind(id.name.as_str(), Binding::Opaque(why));
            }
            js::BindingPattern::ObjectPattern(obj) => {
                for prop in &obj.properties {
                    self.declare_pattern(&prop.value, why, depth + 1);
                }
                if let Some(rest) = &obj.rest {
                    self.declare_pattern(&rest.argument, why, depth + 1);
                }
            }
            js::BindingPattern::ArrayPattern(arr) => {
                for item in arr.elements.iter().flatten() {
                    self.declare_pattern(item, why, depth + 1);
                }
                if let Some(rest) = &arr.rest {
                    self.declare_pattern(&rest.argument, why, depth + 1);
                }
            }
            js::BindingPattern::AssignmentPattern(a) => {
                self.declare_pattern(&a.left, why, depth + 1)
            }
        }
    }

    fn declare_params(&mut self, params: &'a js::FormalParameters<'a>, func: u32, depth: usize) {
        for (index, param) in params.items.iter().enumerate() {
            if let js::BindingPattern::BindingIdentifier(id) = &param.pattern {
                self.bind(id.name.as_str(), Binding::Param { func, index });
                if let Some(init) = &param.initializer
                    && self.pass == Pass::Collect
                {
                    self.param_defaults
                        .entry(func)
                        .or_default()
                        .push((index, init));
                }
                continue;
            }
            self.declare_pattern(&param.pattern, Opaque::Param, depth);
        }
        if let Some(rest) = &params.rest {
            self.declare_pattern(&rest.rest.argument, Opaque::Param, depth);
        }
    }

    // -- walking -----------------------------------------------------------------------------

    /// Whether `depth` is past the limit (noting where it was first passed).
    fn stop(&mut self, depth: usize, span: js::Span) -> bool {
        if depth <= MAX_WALK_DEPTH {
            return false;
        }
        if self.too_deep.is_none() {
            self.too_deep = Some(span);
        }
        true
    }

    fn block(&mut self, stmts: &'a [js::Statement<'a>], depth: usize) {
        self.push_scope();
        self.declare_statements(stmts, depth);
        for stmt in stmts {
            self.statement(stmt, depth + 1);
        }
        self.pop_scope();
    }

    fn function(&mut self, f: &'a js::Function<'a>, depth: usize) {
        self.push_scope();
        self.functions.push(f.span.start);
        self.declare_params(&f.params, f.span.start, depth);
        self.param_defaults(&f.params, depth);
        if let Some(body) = &f.body {
            self.declare_statements(&body.statements, depth);
            for stmt in &body.statements {
                self.statement(stmt, depth + 1);
            }
        }
        self.functions.pop();
        self.pop_scope();
    }

    fn arrow(&mut self, f: &'a js::ArrowFunctionExpression<'a>, depth: usize) {
        self.push_scope();
        self.functions.push(f.span.start);
        self.declare_params(&f.params, f.span.start, depth);
        self.param_defaults(&f.params, depth);
        if let Some(body) = f.body.as_function_body() {
            self.declare_statements(&body.statements, depth);
            for stmt in &body.statements {
                self.statement(stmt, depth + 1);
            }
        } else if let Some(expr) = f.body.as_expression() {
            self.expression(expr, depth + 1);
        }
        self.functions.pop();
        self.pop_scope();
    }

    fn param_defaults(&mut self, params: &'a js::FormalParameters<'a>, depth: usize) {
        for param in &params.items {
            if let Some(init) = &param.initializer {
                self.expression(init, depth + 1);
            }
        }
    }

    /// Notes the `HttpClient`s an Angular class is given: constructor parameters typed
    /// `HttpClient` and fields set to `inject(HttpClient)`.
    fn note_http_clients(&mut self, class: &'a js::Class<'a>) {
        let is_http = |t: Option<&js::TSTypeAnnotation<'_>>| {
            matches!(t.map(|t| &t.type_annotation), Some(js::TSType::TSTypeReference(r))
                if matches!(&r.type_name, js::TSTypeName::IdentifierReference(id) if id.name == "HttpClient"))
        };
        for element in &class.body.body {
            match element {
                js::ClassElement::MethodDefinition(m)
                    if m.kind == js::MethodDefinitionKind::Constructor =>
                {
                    for param in &m.value.params.items {
                        if let js::BindingPattern::BindingIdentifier(id) = &param.pattern
                            && is_http(param.type_annotation.as_deref())
                        {
                            self.http_clients.insert(id.name.as_str());
                        }
                    }
                }
                js::ClassElement::PropertyDefinition(p) => {
                    let injected = p.value.as_ref().is_some_and(|v| {
                        matches!(v.get_inner_expression(), js::Expression::CallExpression(c)
                            if c.callee.is_specific_id("inject")
                                && c.arguments.first().and_then(|a| a.as_expression())
                                    .is_some_and(|a| a.is_specific_id("HttpClient")))
                    });
                    if (injected || is_http(p.type_annotation.as_deref()))
                        && let Some(name) = p.key.static_name()
                        && let js::PropertyKey::StaticIdentifier(id) = &p.key
                    {
                        let _ = name;
                        self.http_clients.insert(id.name.as_str());
                    }
                }
                _ => {}
            }
        }
    }

    fn class(&mut self, class: &'a js::Class<'a>, depth: usize) {
        if self.pass == Pass::Collect {
            self.note_http_clients(class);
        }
        if let Some(heritage) = &class.heritage {
            self.expression(&heritage.expression, depth + 1);
        }
        for element in &class.body.body {
            match element {
                js::ClassElement::StaticBlock(b) => self.block(&b.body, depth + 1),
                js::ClassElement::MethodDefinition(m) => {
                    self.computed_key(&m.key, m.computed, depth);
                    self.function(&m.value, depth + 1);
                }
                js::ClassElement::PropertyDefinition(p) => {
                    self.computed_key(&p.key, p.computed, depth);
                    if let Some(value) = &p.value {
                        self.expression(value, depth + 1);
                    }
                }
                js::ClassElement::AccessorProperty(p) => {
                    self.computed_key(&p.key, p.computed, depth);
                    if let Some(value) = &p.value {
                        self.expression(value, depth + 1);
                    }
                }
                js::ClassElement::TSIndexSignature(_) => {}
            }
        }
    }

    fn computed_key(&mut self, key: &'a js::PropertyKey<'a>, computed: bool, depth: usize) {
        if computed && let Some(expr) = key.as_expression() {
            self.expression(expr, depth + 1);
        }
    }

    fn statement(&mut self, stmt: &'a js::Statement<'a>, depth: usize) {
        if self.stop(depth, stmt.span()) {
            return;
        }
        let d = depth + 1;
        match stmt {
            js::Statement::BlockStatement(b) => self.block(&b.body, d),
            js::Statement::ExpressionStatement(e) => self.expression(&e.expression, d),
            js::Statement::IfStatement(s) => {
                self.expression(&s.test, d);
                self.statement(&s.consequent, d);
                if let Some(alt) = &s.alternate {
                    self.statement(alt, d);
                }
            }
            js::Statement::DoWhileStatement(s) => {
                self.statement(&s.body, d);
                self.expression(&s.test, d);
            }
            js::Statement::WhileStatement(s) => {
                self.expression(&s.test, d);
                self.statement(&s.body, d);
            }
            js::Statement::ForStatement(s) => self.for_statement(s, d),
            js::Statement::ForInStatement(s) => self.for_each(&s.left, &s.right, &s.body, d),
            js::Statement::ForOfStatement(s) => self.for_each(&s.left, &s.right, &s.body, d),
            js::Statement::ReturnStatement(s) => {
                if let Some(arg) = &s.argument {
                    self.expression(arg, d);
                }
            }
            js::Statement::ThrowStatement(s) => self.expression(&s.argument, d),
            js::Statement::LabeledStatement(s) => self.statement(&s.body, d),
            js::Statement::SwitchStatement(s) => {
                self.expression(&s.discriminant, d);
                self.push_scope();
                for case in &s.cases {
                    self.declare_statements(&case.consequent, d);
                }
                for case in &s.cases {
                    if let Some(test) = &case.test {
                        self.expression(test, d);
                    }
                    for stmt in &case.consequent {
                        self.statement(stmt, d);
                    }
                }
                self.pop_scope();
            }
            js::Statement::TryStatement(s) => {
                self.block(&s.block.body, d);
                if let Some(handler) = &s.handler {
                    self.push_scope();
                    if let Some(param) = &handler.param {
                        self.declare_pattern(&param.pattern, Opaque::Other, d);
                    }
                    self.block(&handler.body.body, d);
                    self.pop_scope();
                }
                if let Some(finalizer) = &s.finalizer {
                    self.block(&finalizer.body, d);
                }
            }
            js::Statement::WithStatement(s) => {
                self.expression(&s.object, d);
                self.statement(&s.body, d);
            }
            js::Statement::ExportDeclaration(e) => self.declaration(&e.declaration, d),
            js::Statement::ExportDefaultDeclaration(e) => match &e.declaration {
                js::ExportDefaultDeclarationKind::FunctionDeclaration(f) => self.function(f, d),
                js::ExportDefaultDeclarationKind::ClassDeclaration(c) => self.class(c, d),
                other => {
                    if let Some(expr) = other.as_expression() {
                        self.expression(expr, d);
                    }
                }
            },
            js::Statement::TSExportAssignment(e) => self.expression(&e.expression, d),
            other => {
                if let Some(decl) = other.as_declaration() {
                    self.declaration(decl, d);
                }
            }
        }
    }

    fn declaration(&mut self, decl: &'a js::Declaration<'a>, depth: usize) {
        match decl {
            js::Declaration::VariableDeclaration(var) => {
                for declarator in &var.declarations {
                    if let Some(init) = &declarator.init {
                        self.expression(init, depth);
                    }
                }
            }
            js::Declaration::FunctionDeclaration(f) => self.function(f, depth),
            js::Declaration::ClassDeclaration(c) => self.class(c, depth),
            js::Declaration::TSNamespaceDeclaration(ns) => self.namespace(ns, depth),
            js::Declaration::TSExternalModuleDeclaration(m) => {
                if let Some(body) = &m.body {
                    self.block(&body.body, depth);
                }
            }
            js::Declaration::TSGlobalDeclaration(g) => self.block(&g.body.body, depth),
            _ => {}
        }
    }

    fn namespace(&mut self, ns: &'a js::TSNamespaceDeclaration<'a>, depth: usize) {
        if self.stop(depth, ns.span) {
            return;
        }
        match &ns.body {
            js::TSNamespaceDeclarationBody::TSModuleBlock(b) => self.block(&b.body, depth + 1),
            js::TSNamespaceDeclarationBody::TSNamespaceDeclaration(inner) => {
                self.namespace(inner, depth + 1);
            }
        }
    }

    fn for_statement(&mut self, s: &'a js::ForStatement<'a>, depth: usize) {
        self.push_scope();
        match &s.init {
            Some(js::ForStatementInit::VariableDeclaration(var)) => {
                self.declare_var(var, depth);
                for declarator in &var.declarations {
                    if let Some(init) = &declarator.init {
                        self.expression(init, depth);
                    }
                }
            }
            Some(init) => {
                if let Some(expr) = init.as_expression() {
                    self.expression(expr, depth);
                }
            }
            None => {}
        }
        if let Some(test) = &s.test {
            self.expression(test, depth);
        }
        if let Some(update) = &s.update {
            self.expression(update, depth);
        }
        self.statement(&s.body, depth);
        self.pop_scope();
    }

    fn for_each(
        &mut self,
        left: &'a js::ForStatementLeft<'a>,
        right: &'a js::Expression<'a>,
        body: &'a js::Statement<'a>,
        depth: usize,
    ) {
        self.expression(right, depth);
        self.push_scope();
        match left {
            js::ForStatementLeft::VariableDeclaration(var) => {
                for declarator in &var.declarations {
                    self.declare_pattern(&declarator.id, Opaque::Other, depth);
                }
            }
            target => {
                if let Some(target) = target.as_assignment_target() {
                    self.note_targets(target, depth);
                }
            }
        }
        self.statement(body, depth);
        self.pop_scope();
    }

    fn expression(&mut self, expr: &'a js::Expression<'a>, depth: usize) {
        if self.stop(depth, expr.span()) {
            return;
        }
        let d = depth + 1;
        use js::Expression as E;
        match expr {
            E::CallExpression(call) => self.call(call, d),
            E::ChainExpression(chain) => match &chain.expression {
                js::ChainElement::CallExpression(call) => self.call(call, d),
                js::ChainElement::TSNonNullExpression(t) => self.expression(&t.expression, d),
                other => {
                    if let Some(m) = other.member_expression() {
                        self.member(m, d);
                    }
                }
            },
            E::NewExpression(n) => {
                self.expression(&n.callee, d);
                self.arguments(&n.arguments, d);
            }
            E::TemplateLiteral(t) => {
                for e in &t.expressions {
                    self.expression(e, d);
                }
            }
            E::TaggedTemplateExpression(t) => {
                self.expression(&t.tag, d);
                for e in &t.quasi.expressions {
                    self.expression(e, d);
                }
            }
            E::ArrayExpression(a) => {
                for element in &a.elements {
                    match element {
                        js::ArrayExpressionElement::SpreadElement(s) => {
                            self.expression(&s.argument, d);
                        }
                        other => {
                            if let Some(e) = other.as_expression() {
                                self.expression(e, d);
                            }
                        }
                    }
                }
            }
            E::ObjectExpression(o) => {
                for prop in &o.properties {
                    match prop {
                        js::ObjectPropertyKind::ObjectProperty(p) => {
                            self.computed_key(&p.key, p.computed, d);
                            self.sdk_reference(p);
                            self.expression(&p.value, d);
                        }
                        js::ObjectPropertyKind::SpreadProperty(s) => {
                            self.expression(&s.argument, d);
                        }
                    }
                }
            }
            E::ArrowFunctionExpression(f) => self.arrow(f, d),
            E::FunctionExpression(f) => self.function(f, d),
            E::ClassExpression(c) => self.class(c, d),
            E::AssignmentExpression(a) => self.assignment(a, d),
            E::AwaitExpression(a) => self.expression(&a.argument, d),
            E::BinaryExpression(_) | E::LogicalExpression(_) => self.operands(expr, d),
            E::ConditionalExpression(c) => {
                self.expression(&c.test, d);
                self.expression(&c.consequent, d);
                self.expression(&c.alternate, d);
            }
            E::ImportExpression(i) => {
                self.expression(&i.source, d);
                if let Some(options) = &i.options {
                    self.expression(options, d);
                }
            }
            E::ParenthesizedExpression(p) => self.expression(&p.expression, d),
            E::SequenceExpression(s) => {
                for e in &s.expressions {
                    self.expression(e, d);
                }
            }
            E::UnaryExpression(u) => self.expression(&u.argument, d),
            E::UpdateExpression(u) => {
                if let Some(name) = u.argument.get_identifier_name() {
                    self.reassigned.insert(name);
                }
                if let Some(m) = u.argument.as_member_expression() {
                    self.member(m, d);
                }
            }
            E::YieldExpression(y) => {
                if let Some(arg) = &y.argument {
                    self.expression(arg, d);
                }
            }
            E::PrivateInExpression(p) => self.expression(&p.right, d),
            E::JSXElement(el) => self.jsx_element(el, d),
            E::JSXFragment(f) => self.jsx_children(&f.children, d),
            E::TSAsExpression(t) => self.expression(&t.expression, d),
            E::TSSatisfiesExpression(t) => self.expression(&t.expression, d),
            E::TSTypeAssertion(t) => self.expression(&t.expression, d),
            E::TSNonNullExpression(t) => self.expression(&t.expression, d),
            E::TSInstantiationExpression(t) => self.expression(&t.expression, d),
            E::V8IntrinsicExpression(v) => self.arguments(&v.arguments, d),
            other => {
                if let Some(m) = other.as_member_expression() {
                    self.member(m, d);
                }
            }
        }
    }

    /// Walks a chain of binary or logical operators along its left spine without recursing
    /// on it (long `a + b + c + ...` chains are common in generated code).
    fn operands(&mut self, expr: &'a js::Expression<'a>, depth: usize) {
        let mut rights = Vec::new();
        let mut left = expr;
        loop {
            match left {
                js::Expression::BinaryExpression(b) => {
                    rights.push(&b.right);
                    left = &b.left;
                }
                js::Expression::LogicalExpression(l) => {
                    rights.push(&l.right);
                    left = &l.left;
                }
                _ => break,
            }
        }
        self.expression(left, depth);
        for right in rights.into_iter().rev() {
            self.expression(right, depth);
        }
    }

    fn member(&mut self, m: &'a js::MemberExpression<'a>, depth: usize) {
        self.expression(m.object(), depth);
        if let js::MemberExpression::ComputedMemberExpression(c) = m {
            self.expression(&c.expression, depth);
        }
    }

    fn arguments(&mut self, args: &'a [js::Argument<'a>], depth: usize) {
        for arg in args {
            match arg {
                js::Argument::SpreadElement(s) => self.expression(&s.argument, depth),
                other => {
                    if let Some(e) = other.as_expression() {
                        self.expression(e, depth);
                    }
                }
            }
        }
    }

    fn call(&mut self, call: &'a js::CallExpression<'a>, depth: usize) {
        if self.sdk_call(call) {
            self.expression(&call.callee, depth);
            self.arguments(&call.arguments, depth);
            return;
        }
        if self.pass == Pass::Wrappers {
            self.note_interceptor(call);
        }
        if matches!(self.pass, Pass::Wrappers | Pass::Extract) {
            match self.wrapper_branches(call) {
                // One request per branch of a condition in what a wrapper is passed.
                Some(at) => {
                    for yes in [true, false] {
                        self.choice.set(Some((at, yes)));
                        if let Some(request) = self.request(call) {
                            self.emit(request);
                        }
                    }
                    self.choice.set(None);
                }
                None => {
                    if let Some(request) = self.request(call) {
                        self.emit(request);
                    }
                }
            }
        }
        self.expression(&call.callee, depth);
        self.arguments(&call.arguments, depth);
    }

    /// The conditional (by span start) in the arguments of a wrapper call whose branches give
    /// different values (`api.get('articles' + (feed ? '/feed' : ''))`).
    fn wrapper_branches(&self, call: &'a js::CallExpression<'a>) -> Option<u32> {
        let c = call
            .arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .find_map(|e| first_conditional(e, 0))?;
        if self.eval_top(&c.consequent) == self.eval_top(&c.alternate) {
            return None;
        }
        matches!(self.client(&call.callee), Some(Client::Wrapper { .. })).then_some(c.span.start)
    }

    /// An Angular interceptor's `req.clone({ url: ... })`.
    fn note_interceptor(&mut self, call: &'a js::CallExpression<'a>) {
        let Some(m) = call.callee.get_inner_expression().as_member_expression() else {
            return;
        };
        if m.static_property_name() != Some("clone") || !self.input.text.contains("HttpInterceptor")
        {
            return;
        }
        let arg = call.arguments.first().and_then(|a| a.as_expression());
        let Lookup::Found(url, limit) = self.prop_of(arg, "url") else {
            return;
        };
        let mut fuel = EVAL_FUEL;
        let parts = self.parts(url, Frame { limit, depth: 0 }, &mut fuel);
        let mut found = false;
        let parts = parts
            .into_iter()
            .map(|p| match p {
                Part::Hole { unknown, .. } if !found && unknown.source.ends_with(".url") => {
                    found = true;
                    Part::Hole {
                        name: "url".into(),
                        unknown: Unknown {
                            source: unknown.source,
                            reason: String::new(),
                            slot: Some(Box::new(Slot::Param { func: 0, index: 0 })),
                        },
                    }
                }
                other => other,
            })
            .collect();
        if found {
            self.interceptor = Some(parts);
        }
    }

    fn assignment(&mut self, a: &'a js::AssignmentExpression<'a>, depth: usize) {
        self.note_base_assignment(a);
        if self.pass == Pass::Extract
            && a.operator == js::AssignmentOperator::Assign
            && let Some(owner) = defaults_base_owner(&a.left)
            // The module itself, or a Vue plugin's (the only dotted owners).
            && (owner == "axios" || owner.contains('.'))
        {
            let mut fuel = EVAL_FUEL;
            let parts = self.parts(&a.right, self.here(), &mut fuel);
            let at = a.right.span();
            let base = if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
                Ok((parts, self.input.span(at.start as usize, at.end as usize)))
            } else {
                Err(format!(
                    "`{owner}.defaults.baseURL` is `{}`, which is not a constant",
                    self.source(a.right.span())
                ))
            };
            self.module_bases.push(base);
        }
        if self.pass == Pass::Collect {
            self.note_targets(&a.left, depth);
            if a.operator == js::AssignmentOperator::Assign
                && let Some(owner) = defaults_base_owner(&a.left)
            {
                self.base_assignments
                    .entry(owner)
                    .or_default()
                    .push(&a.right);
            }
        }
        if let Some(m) = a.left.as_member_expression() {
            self.member(m, depth);
        }
        self.expression(&a.right, depth);
    }

    /// Notes the names an assignment target assigns.
    fn note_targets(&mut self, target: &'a js::AssignmentTarget<'a>, depth: usize) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        if let Some(name) = target.get_identifier_name() {
            self.reassigned.insert(name);
            return;
        }
        match target {
            js::AssignmentTarget::ArrayAssignmentTarget(arr) => {
                for item in arr.elements.iter().flatten() {
                    self.note_target_maybe_default(item, depth + 1);
                }
                if let Some(rest) = &arr.rest {
                    self.note_targets(&rest.target, depth + 1);
                }
            }
            js::AssignmentTarget::ObjectAssignmentTarget(obj) => {
                for prop in &obj.properties {
                    match prop {
                        js::AssignmentTargetProperty::AssignmentTargetPropertyIdentifier(p) => {
                            self.reassigned.insert(p.binding.name.as_str());
                        }
                        js::AssignmentTargetProperty::AssignmentTargetPropertyProperty(p) => {
                            self.note_target_maybe_default(&p.binding, depth + 1);
                        }
                    }
                }
                if let Some(rest) = &obj.rest {
                    self.note_targets(&rest.target, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn note_target_maybe_default(
        &mut self,
        item: &'a js::AssignmentTargetMaybeDefault<'a>,
        depth: usize,
    ) {
        match item {
            js::AssignmentTargetMaybeDefault::AssignmentTargetWithDefault(w) => {
                self.note_targets(&w.binding, depth);
            }
            other => {
                if let Some(target) = other.as_assignment_target() {
                    self.note_targets(target, depth);
                }
            }
        }
    }

    fn jsx_element(&mut self, el: &'a js::JSXElement<'a>, depth: usize) {
        if self.stop(depth, el.span) {
            return;
        }
        let d = depth + 1;
        for item in &el.opening_element.attributes {
            match item {
                js::JSXAttributeItem::Attribute(attr) => match &attr.value {
                    Some(js::JSXAttributeValue::ExpressionContainer(c)) => {
                        if let Some(e) = c.expression.as_expression() {
                            self.expression(e, d);
                        }
                    }
                    Some(js::JSXAttributeValue::Element(inner)) => self.jsx_element(inner, d),
                    Some(js::JSXAttributeValue::Fragment(f)) => self.jsx_fragment(f, d),
                    _ => {}
                },
                js::JSXAttributeItem::SpreadAttribute(s) => self.expression(&s.argument, d),
            }
        }
        self.jsx_children(&el.children, d);
    }

    fn jsx_fragment(&mut self, fragment: &'a js::JSXFragment<'a>, depth: usize) {
        if !self.stop(depth, fragment.span) {
            self.jsx_children(&fragment.children, depth + 1);
        }
    }

    /// Walks JSX children; the caller has checked the depth.
    fn jsx_children(&mut self, children: &'a [js::JSXChild<'a>], depth: usize) {
        for child in children {
            match child {
                js::JSXChild::Element(el) => self.jsx_element(el, depth + 1),
                js::JSXChild::Fragment(f) => self.jsx_fragment(f, depth + 1),
                js::JSXChild::ExpressionContainer(c) => {
                    if let Some(e) = c.expression.as_expression() {
                        self.expression(e, depth + 1);
                    }
                }
                js::JSXChild::Spread(s) => self.expression(&s.expression, depth + 1),
                js::JSXChild::Text(_) => {}
            }
        }
    }

    // -- requests ----------------------------------------------------------------------------

    /// The client a callee names, if it is one routelint reads.
    fn client(&self, callee: &'a js::Expression<'a>) -> Option<Client<'a>> {
        let callee = callee.get_inner_expression();
        if let js::Expression::Identifier(id) = callee {
            let name = id.name.as_str();
            let binding = self.lookup(name, self.scopes.len());
            return match binding {
                Some((level, Binding::Instance { config })) => Some(Client::Instance {
                    name,
                    verb: None,
                    config,
                    level,
                }),
                Some((_, Binding::Axios)) => Some(Client::Axios {
                    name: name.into(),
                    verb: None,
                }),
                Some((_, Binding::Import(from))) => self.imported_client(name, from, &[], None),
                Some((_, Binding::Function(f))) => self.wrapper_client(name, f.span.start),
                Some((_, Binding::Value { init, .. })) => match init.get_inner_expression() {
                    js::Expression::ArrowFunctionExpression(f) => {
                        self.wrapper_client(name, f.span.start)
                    }
                    js::Expression::FunctionExpression(f) => {
                        self.wrapper_client(name, f.span.start)
                    }
                    _ => None,
                },
                Some((_, Binding::Param { .. })) if matches!(name, "$http" | "$axios") => {
                    Some(Client::Axios {
                        name: name.into(),
                        verb: None,
                    })
                }
                Some(_) => None,
                None if name == "axios" || name == "$http" => Some(Client::Axios {
                    name: name.into(),
                    verb: None,
                }),
                None if matches!(name, "fetch" | "$fetch" | "ofetch" | "ky") => {
                    Some(Client::Fetch { name })
                }
                None => None,
            };
        }
        let m = callee.as_member_expression()?;
        let prop = m.static_property_name()?;
        let object = m.object().get_inner_expression();
        if let Some(owner) = vue_plugin(object) {
            // Nuxt's axios module adds `$get`… returning the data.
            let verb = match prop.strip_prefix('$').unwrap_or(prop) {
                "request" => "request",
                p => verb_of(p, Lib::Axios)?,
            };
            return Some(Client::Axios {
                name: owner.into(),
                verb: Some(verb),
            });
        }
        if let Some(field) = this_field(object)
            && (self.http_clients.contains(field)
                || (self.http_clients.is_empty() && field.to_ascii_lowercase().contains("http")))
        {
            let verb = if prop == "request" {
                "request"
            } else {
                verb_of(prop, Lib::Axios)?
            };
            return Some(Client::Angular {
                name: format!("this.{field}"),
                verb,
            });
        }
        if let Some(path) = self.member_path(object) {
            let (root, rest) = path;
            if let Some((_, Binding::Import(from))) = self.lookup(root, self.scopes.len()) {
                return self.imported_client(root, from, &rest, Some(prop));
            }
        }
        if let Some((object_lit, limit)) = self.resolve_object(object, self.scopes.len(), 0)
            && let Lookup::Found(value, _) = self.lookup_prop(object_lit, prop, limit)
        {
            let func = match value.get_inner_expression() {
                js::Expression::ArrowFunctionExpression(f) => Some(f.span.start),
                js::Expression::FunctionExpression(f) => Some(f.span.start),
                _ => None,
            };
            if let Some(func) = func {
                return self.wrapper_client(&self.source(callee.span()), func);
            }
        }
        let js::Expression::Identifier(obj) = object else {
            return None;
        };
        let name = obj.name.as_str();
        if prop == "fetch" && matches!(name, "window" | "globalThis" | "self") {
            return Some(Client::Fetch { name: "fetch" });
        }
        let binding = self.lookup(name, self.scopes.len());
        if let Some((_, Binding::Xhr)) = binding {
            return (prop == "open").then_some(Client::Xhr { name });
        }
        if matches!(name, "$" | "jQuery") && binding.is_none() {
            return matches!(prop, "ajax" | "get" | "post" | "getJSON")
                .then_some(Client::JQuery { name, verb: prop });
        }
        if let Some((_, Binding::Value { init, .. })) = binding
            && let js::Expression::CallExpression(c) = init.get_inner_expression()
            && c.callee.is_specific_id("createClient")
        {
            let method =
                Method::parse(prop).filter(|_| prop.bytes().all(|b| b.is_ascii_uppercase()))?;
            let config = c.arguments.first().and_then(|a| a.as_expression());
            return Some(Client::OpenApiFetch {
                name,
                method,
                config,
            });
        }
        let lib = match binding {
            Some((_, Binding::Import(from))) => lib_of(from)?,
            Some((_, Binding::Axios | Binding::Instance { .. })) => Lib::Axios,
            // `$http` (AngularJS) or `$axios` (Nuxt) given to a function, destructured or not.
            Some((_, Binding::Param { .. } | Binding::Opaque(Opaque::Param)))
                if matches!(name, "$http" | "$axios") =>
            {
                Lib::Axios
            }
            Some((_, Binding::Value { init, .. }))
                if is_require_of(init, "superagent") || name == "superagent" =>
            {
                Lib::Superagent
            }
            Some(_) => return None,
            None => match name {
                "axios" | "$http" => Lib::Axios,
                "superagent" => Lib::Superagent,
                "ky" => Lib::Ky,
                _ => return None,
            },
        };
        let verb = match prop {
            "request" if lib == Lib::Axios => "request",
            _ if name == "$axios" => verb_of(prop.strip_prefix('$').unwrap_or(prop), lib)?,
            _ => verb_of(prop, lib)?,
        };
        match binding {
            Some((level, Binding::Instance { config })) => Some(Client::Instance {
                name,
                verb: Some(verb),
                config,
                level,
            }),
            _ if lib == Lib::Axios => Some(Client::Axios {
                name: name.into(),
                verb: Some(verb),
            }),
            _ => Some(Client::Lib { name, verb, lib }),
        }
    }

    /// `root.a.b` as the root name and the member names; `None` for other shapes.
    fn member_path(&self, expr: &'a js::Expression<'a>) -> Option<(&'a str, Vec<String>)> {
        let mut path = Vec::new();
        let mut e = expr;
        for _ in 0..MAX_OBJECT_HOPS {
            match e.get_inner_expression() {
                js::Expression::Identifier(id) => {
                    path.reverse();
                    return Some((id.name.as_str(), path));
                }
                other => {
                    let m = other.as_member_expression()?;
                    path.push(m.static_property_name()?.to_owned());
                    e = m.object();
                }
            }
        }
        None
    }

    /// A client imported from another module (or a library).
    fn imported_client(
        &self,
        name: &'a str,
        from: &'a str,
        path: &[String],
        prop: Option<&'a str>,
    ) -> Option<Client<'a>> {
        if let Some(lib) = lib_of(from)
            && path.is_empty()
        {
            return match (lib, prop) {
                (Lib::Axios, None) => Some(Client::Axios {
                    name: name.into(),
                    verb: None,
                }),
                (Lib::Axios, Some(p)) => Some(Client::Axios {
                    name: name.into(),
                    verb: Some(if p == "request" {
                        "request"
                    } else {
                        verb_of(p, lib)?
                    }),
                }),
                (Lib::Ky | Lib::Ofetch, None) => Some(Client::Fetch { name }),
                (_, Some(p)) => Some(Client::Lib {
                    name,
                    verb: verb_of(p, lib)?,
                    lib,
                }),
                _ => None,
            };
        }
        let val = self.imports.get(name)?;
        let mut full: Vec<String> = path.to_vec();
        if let Some(p) = prop {
            full.push(p.to_owned());
        }
        let label = std::iter::once(name.to_owned())
            .chain(full.iter().cloned())
            .collect::<Vec<_>>()
            .join(".");
        match val_at(val, &full) {
            Val::Wrapper(w) => Some(Client::Wrapper {
                name: label,
                wrapper: *w,
            }),
            Val::Axios if prop.is_none() => Some(Client::Axios {
                name: name.into(),
                verb: None,
            }),
            Val::Instance(base, at) if prop.is_none() => Some(Client::Owned {
                name: label,
                verb: None,
                base,
                at,
            }),
            _ => {
                // `api.get(...)`: a method of an imported instance.
                let p = prop?;
                let verb = if p == "request" {
                    "request"
                } else {
                    verb_of(p, Lib::Axios)?
                };
                let label = std::iter::once(name.to_owned())
                    .chain(path.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(".");
                match val_at(val, path) {
                    Val::Axios => Some(Client::Owned {
                        name: label,
                        verb: Some(verb),
                        base: Ok(None),
                        at: None,
                    }),
                    Val::Instance(base, at) => Some(Client::Owned {
                        name: label,
                        verb: Some(verb),
                        base,
                        at,
                    }),
                    _ => None,
                }
            }
        }
    }

    /// A call of a function of this file that wraps a request.
    fn wrapper_client(&self, name: &str, func: u32) -> Option<Client<'a>> {
        self.consulted.borrow_mut().insert(func);
        let wrapper = self.wrappers.get(&func)?;
        Some(Client::Wrapper {
            name: name.to_owned(),
            wrapper: wrapper.clone(),
        })
    }

    /// The parameter of the innermost function an expression is, if it is one.
    fn own_param(&self, expr: Option<&'a js::Expression<'a>>) -> Option<usize> {
        let js::Expression::Identifier(id) = expr?.get_inner_expression() else {
            return None;
        };
        match self.lookup(id.name.as_str(), self.scopes.len()) {
            Some((_, Binding::Param { func, index })) if self.functions.last() == Some(&func) => {
                Some(index)
            }
            _ => None,
        }
    }

    /// The request a call sends, if it is a client call with a URL.
    fn request(&self, call: &'a js::CallExpression<'a>) -> Option<Request<'a>> {
        let args = &call.arguments;
        match self.client(&call.callee)? {
            Client::Fetch { name } => self.fetch_request(name, args),
            Client::Axios { name, verb } => {
                let base = self.assigned_base(&name, format!("`{name}.defaults.baseURL`"));
                let mut request = self.axios_request(name.into_owned(), verb, args, base)?;
                request.module_defaults = matches!(request.base, Base::None);
                Some(request)
            }
            Client::Instance {
                name,
                verb,
                config,
                level,
            } => {
                let base = self.instance_base(name, config, level);
                self.axios_request(name.to_owned(), verb, args, base)
            }
            Client::Owned {
                name,
                verb,
                base,
                at,
            } => {
                let mut r = self.axios_request(name, verb, args, Base::Owned(base))?;
                r.base_at = at;
                Some(r)
            }
            Client::Angular { name, verb } => {
                let mut request = if verb == "request" {
                    let method_arg = args.first().and_then(|a| a.as_expression());
                    let url = args.get(1)?.as_expression()?;
                    let mut r = self.plain(format!("{name}.request"), url, None);
                    r.method_arg = self.own_param(method_arg).map(WMethod::Arg);
                    r.method = method_arg.and_then(|m| self.literal_method(m));
                    r
                } else {
                    self.axios_request(name, Some(verb), args, Base::None)?
                };
                request.angular = true;
                Some(request)
            }
            Client::Lib { name, verb, lib } => {
                let url = args.first()?.as_expression()?;
                let method = match lib {
                    Lib::Superagent if verb == "del" => Method::Delete,
                    _ => Method::parse(verb)?,
                };
                let client = format!("{name}.{verb}");
                let mut r = self.plain(client, url, Some(method));
                if lib == Lib::Ky {
                    r.base = self.option_base(args.get(1), "prefixUrl", r.base);
                }
                Some(r)
            }
            Client::JQuery { name, verb } => {
                let first = args.first()?.as_expression()?;
                let client = format!("{name}.{verb}");
                match verb {
                    "ajax" => {
                        if self.resolve_object(first, self.scopes.len(), 0).is_some() {
                            let mut r = self.config_request(client, first, Base::None)?;
                            if matches!(self.prop_of(Some(first), "method"), Lookup::Absent) {
                                r.method = self.method_from(self.prop_of(Some(first), "type"));
                            }
                            Some(r)
                        } else {
                            let options = args.get(1).and_then(|a| a.as_expression());
                            let mut r = self.plain(client, first, Some(Method::Get));
                            r.method = match self.prop_of(options, "method") {
                                Lookup::Absent => self.method_from(self.prop_of(options, "type")),
                                found => self.method_from(found),
                            };
                            Some(r)
                        }
                    }
                    "post" => Some(self.plain(client, first, Some(Method::Post))),
                    _ => Some(self.plain(client, first, Some(Method::Get))),
                }
            }
            Client::Xhr { name } => {
                let method = args.first()?.as_expression()?;
                let url = args.get(1)?.as_expression()?;
                let mut r = self.plain(format!("{name}.open"), url, None);
                r.method = self.literal_method(method);
                r.method_arg = self.own_param(Some(method)).map(WMethod::Arg);
                Some(r)
            }
            Client::OpenApiFetch {
                name,
                method,
                config,
            } => {
                let url = args.first()?.as_expression()?;
                let mut r = self.plain(format!("{name}.{method}"), url, Some(method));
                r.base = match self.prop_of(config, "baseUrl") {
                    Lookup::Found(expr, limit) => Base::Exprs {
                        exprs: vec![expr],
                        limit,
                        label: format!("the `baseUrl` of `{name}`"),
                    },
                    _ => Base::None,
                };
                Some(r)
            }
            Client::Wrapper { name, wrapper } => self.wrapper_request(name, &wrapper, args, call),
        }
    }

    /// A request whose method is known and URL is an expression.
    fn plain(
        &self,
        client: String,
        url: &'a js::Expression<'a>,
        method: Option<Method>,
    ) -> Request<'a> {
        Request {
            client,
            url: UrlArg::Expr(url),
            method,
            base: Base::None,
            method_arg: None,
            angular: false,
            via: None,
            method_alt: None,
            own: None,
            base_at: None,
            module_defaults: false,
        }
    }

    /// The method a string expression names.
    fn literal_method(&self, expr: &'a js::Expression<'a>) -> Option<Method> {
        match self.eval_top(expr) {
            Value::Known(parts) => Method::parse(&literal_text(&parts)?.to_ascii_uppercase()),
            Value::Unknown(_) => None,
        }
    }

    /// A base URL option (`prefixUrl`, `baseURL`) of an options argument.
    fn option_base(
        &self,
        options: Option<&'a js::Argument<'a>>,
        key: &str,
        base: Base<'a>,
    ) -> Base<'a> {
        match self.prop_of(options.and_then(|a| a.as_expression()), key) {
            Lookup::Found(expr, limit) => Base::Exprs {
                exprs: vec![expr],
                limit,
                label: format!("the request's `{key}`"),
            },
            _ => base,
        }
    }

    /// A call of a wrapper: its URL with the arguments put in.
    fn wrapper_request(
        &self,
        name: String,
        w: &Wrapper,
        args: &'a [js::Argument<'a>],
        call: &'a js::CallExpression<'a>,
    ) -> Option<Request<'a>> {
        let arg = |i: usize| args.get(i).and_then(|a| a.as_expression());
        let mut url = Vec::new();
        let mut span = None;
        let mut own: Option<Vec<Part>> = None;
        for part in &w.url {
            match part {
                Part::Hole { unknown, .. } => match unknown.slot.as_deref() {
                    Some(Slot::Param { func, index }) if *func == w.func => match arg(*index) {
                        Some(expr) => {
                            span.get_or_insert(expr.span());
                            let mut fuel = EVAL_FUEL;
                            let parts = self.parts(expr, self.here(), &mut fuel);
                            if own.is_none() {
                                own = Some(parts.clone());
                            }
                            url.extend(parts);
                        }
                        None => match w.defaults.iter().find(|(i, _)| i == index) {
                            Some((_, parts)) => url.extend(parts.iter().cloned()),
                            None => url.push(Part::Hole {
                                name: "param".into(),
                                unknown: Unknown {
                                    source: name.clone(),
                                    reason: format!("whose parameter {} is not passed", index + 1),
                                    slot: None,
                                },
                            }),
                        },
                    },
                    _ => url.push(part.clone()),
                },
                lit => url.push(lit.clone()),
            }
        }
        let (method, method_arg) = match &w.method {
            WMethod::Known(m) => (*m, None),
            WMethod::Arg(i) => match self.own_param(arg(*i)) {
                Some(j) => (None, Some(WMethod::Arg(j))),
                None => (arg(*i).and_then(|e| self.literal_method(e)), None),
            },
            WMethod::OptionsArg(i) => match self.own_param(arg(*i)) {
                Some(j) => (None, Some(WMethod::OptionsArg(j))),
                None => (self.method_prop(arg(*i)), None),
            },
        };
        Some(Request {
            client: name,
            url: UrlArg::Parts(url, span.unwrap_or(call.span)),
            method,
            base: Base::Owned(w.base.clone()),
            method_arg,
            angular: w.angular,
            via: Some((w.file, w.func)),
            method_alt: None,
            own: own.map(|o| (o, w.span)),
            base_at: None,
            module_defaults: w.module_defaults,
        })
    }

    fn fetch_request(&self, name: &str, args: &'a [js::Argument<'a>]) -> Option<Request<'a>> {
        let first = args.first()?;
        let client = name.to_owned();
        let Some(url) = first.as_expression() else {
            return Some(spread_request(client, first.span()));
        };
        let init = args.get(1).and_then(|a| a.as_expression());
        let (url, request_init) = match url.get_inner_expression() {
            js::Expression::NewExpression(n) if n.callee.is_specific_id("Request") => (
                n.arguments.first()?.as_expression()?,
                n.arguments.get(1).and_then(|a| a.as_expression()),
            ),
            _ => (url, None),
        };
        let method_lookup = self.prop_of(init, "method");
        let method_arg = match (&method_lookup, self.own_param(init)) {
            (_, Some(i)) => Some(WMethod::OptionsArg(i)),
            (Lookup::Found(expr, _), None) => self.own_param(Some(expr)).map(WMethod::Arg),
            _ => None,
        };
        let method_alt = self.method_alt(&method_lookup);
        let method = match method_lookup {
            Lookup::Absent => self.method_prop(request_init),
            found => self.method_from(found),
        };
        let base = match name {
            "$fetch" | "ofetch" => self.option_base(args.get(1), "baseURL", Base::None),
            "ky" => self.option_base(args.get(1), "prefixUrl", Base::None),
            _ => Base::None,
        };
        Some(Request {
            client,
            url: UrlArg::Expr(url),
            method,
            base,
            method_arg,
            angular: false,
            via: None,
            method_alt,
            own: None,
            base_at: None,
            module_defaults: false,
        })
    }

    fn axios_request(
        &self,
        client: String,
        verb: Option<&'static str>,
        args: &'a [js::Argument<'a>],
        base: Base<'a>,
    ) -> Option<Request<'a>> {
        let client = match verb {
            Some(v) => format!("{client}.{v}"),
            None => client,
        };
        let first = args.first()?;
        let Some(first_expr) = first.as_expression() else {
            return Some(spread_request(client, first.span()));
        };
        if let Some(verb) = verb
            && let Some((_, method, data)) = AXIOS_VERBS.iter().find(|(v, _, _)| *v == verb)
        {
            let config = args
                .get(if *data { 2 } else { 1 })
                .and_then(|a| a.as_expression());
            return Some(Request {
                client,
                url: UrlArg::Expr(first_expr),
                method: Some(*method),
                base: self.call_base(config, base),
                method_arg: None,
                angular: false,
                via: None,
                method_alt: None,
                own: None,
                base_at: None,
                module_defaults: false,
            });
        }
        let frame = self.here();
        let config_form =
            verb == Some("request") || self.resolve_object(first_expr, frame.limit, 0).is_some();
        if config_form {
            return self.config_request(client, first_expr, base);
        }
        let config = args.get(1).and_then(|a| a.as_expression());
        let method = if config.is_none() && matches!(self.eval_top(first_expr), Value::Unknown(_)) {
            // `axios(x)`: `x` may be a config object holding the method.
            None
        } else {
            self.method_prop(config)
        };
        let method_arg = match self.prop_of(config, "method") {
            Lookup::Found(expr, _) => self.own_param(Some(expr)).map(WMethod::Arg),
            _ => self.own_param(config).map(WMethod::OptionsArg),
        };
        Some(Request {
            client,
            url: UrlArg::Expr(first_expr),
            method,
            base: self.call_base(config, base),
            method_arg,
            angular: false,
            via: None,
            method_alt: None,
            own: None,
            base_at: None,
            module_defaults: false,
        })
    }

    /// `axios({ url, method })`, `api.request({ url, method })`.
    fn config_request(
        &self,
        client: String,
        config: &'a js::Expression<'a>,
        base: Base<'a>,
    ) -> Option<Request<'a>> {
        let url = match self.prop_of(Some(config), "url") {
            Lookup::Found(url, _) => UrlArg::Expr(url),
            Lookup::Absent => return None,
            Lookup::Unknown => UrlArg::Opaque {
                span: config.span(),
                why: format!(
                    "the request config `{}` is not an object literal in this file",
                    self.source(config.span())
                ),
            },
        };
        let method_arg = match self.prop_of(Some(config), "method") {
            Lookup::Found(expr, _) => self.own_param(Some(expr)).map(WMethod::Arg),
            _ => None,
        };
        let method_alt = self.method_alt(&self.prop_of(Some(config), "method"));
        Some(Request {
            client,
            url,
            method: self.method_prop(Some(config)),
            base: self.call_base(Some(config), base),
            method_arg,
            angular: false,
            via: None,
            method_alt,
            own: None,
            base_at: None,
            module_defaults: false,
        })
    }

    /// The method a request options object says; GET without a `method` property.
    fn method_prop(&self, options: Option<&'a js::Expression<'a>>) -> Option<Method> {
        self.method_from(self.prop_of(options, "method"))
    }

    fn method_from(&self, lookup: Lookup<'a>) -> Option<Method> {
        match lookup {
            Lookup::Absent => Some(Method::Get),
            Lookup::Found(expr, limit) => {
                let mut fuel = EVAL_FUEL;
                match self.eval(expr, Frame { limit, depth: 0 }, &mut fuel) {
                    Value::Known(parts) => Method::parse(&literal_text(&parts)?),
                    Value::Unknown(_) => None,
                }
            }
            Lookup::Unknown => None,
        }
    }

    /// A per-request `baseURL` overrides the client's.
    fn call_base(&self, config: Option<&'a js::Expression<'a>>, base: Base<'a>) -> Base<'a> {
        match self.prop_of(config, "baseURL") {
            Lookup::Found(expr, limit) => Base::Exprs {
                exprs: vec![expr],
                limit,
                label: "the request's `baseURL`".into(),
            },
            // An options object this file does not spell out rarely sets `baseURL`; the
            // client's base stands.
            Lookup::Absent | Lookup::Unknown => base,
        }
    }

    /// `X.defaults.baseURL = ...` assignments in this file.
    fn assigned_base(&self, name: &str, label: String) -> Base<'a> {
        match self.base_assignments.get(name) {
            Some(exprs) => Base::Exprs {
                exprs: exprs.clone(),
                limit: self.scopes.len(),
                label,
            },
            None => Base::None,
        }
    }

    /// The base URL of an axios instance: its `defaults.baseURL` assignments, else the
    /// `baseURL` of its `create` config.
    fn instance_base(
        &self,
        name: &str,
        config: Option<&'a js::Expression<'a>>,
        level: usize,
    ) -> Base<'a> {
        let label = format!("the base URL of `{name}`");
        if self.base_assignments.contains_key(name) {
            return self.assigned_base(name, label);
        }
        match self.prop_of_at(config, "baseURL", level + 1) {
            Lookup::Found(expr, limit) => Base::Exprs {
                exprs: vec![expr],
                limit,
                label,
            },
            Lookup::Absent => Base::None,
            Lookup::Unknown => Base::Unknown(format!(
                "the base URL of `{name}` is not known: its config `{}` is not an object literal in this file",
                config.map(|c| self.source(c.span())).unwrap_or_default()
            )),
        }
    }

    /// Evaluates a request and records it (or, inside a function whose parameter reaches the
    /// URL or the method, records the function as a wrapper).
    fn emit(&mut self, request: Request<'a>) {
        let test_of = |c: &js::ConditionalExpression<'_>| self.source(c.test.span());
        let conditional = match &request.url {
            UrlArg::Expr(e) => first_conditional(self.through_const(e), 0),
            _ => None,
        };
        let urls: Vec<(Option<String>, Branch)> = match conditional {
            Some(c) if self.eval_top(&c.consequent) != self.eval_top(&c.alternate) => vec![
                (Some(test_of(c)), Some((c.span.start, true))),
                (Some(test_of(c)), Some((c.span.start, false))),
            ],
            _ => vec![(None, None)],
        };
        let methods = match &request.method_alt {
            Some((test, a, b)) => vec![(Some(test.clone()), *a), (Some(test.clone()), *b)],
            None => vec![(None, request.method)],
        };
        if urls.len() == 1 && methods.len() == 1 {
            return self.emit_one(request);
        }
        for (i, (url_test, url)) in urls.iter().enumerate() {
            for (j, (method_test, method)) in methods.iter().enumerate() {
                if url_test.is_some() && url_test == method_test && i != j {
                    continue;
                }
                let one = Request {
                    client: request.client.clone(),
                    url: match &request.url {
                        UrlArg::Expr(e) => UrlArg::Expr(e),
                        UrlArg::Parts(p, span) => UrlArg::Parts(p.clone(), *span),
                        UrlArg::Opaque { span, why } => UrlArg::Opaque {
                            span: *span,
                            why: why.clone(),
                        },
                    },
                    method: *method,
                    base: match &request.base {
                        Base::None => Base::None,
                        Base::Unknown(w) => Base::Unknown(w.clone()),
                        Base::Owned(b) => Base::Owned(b.clone()),
                        Base::Exprs {
                            exprs,
                            limit,
                            label,
                        } => Base::Exprs {
                            exprs: exprs.clone(),
                            limit: *limit,
                            label: label.clone(),
                        },
                    },
                    method_arg: request.method_arg.clone(),
                    angular: request.angular,
                    via: request.via,
                    method_alt: None,
                    own: request.own.clone(),
                    base_at: None,
                    module_defaults: request.module_defaults,
                };
                self.choice.set(*url);
                self.emit_one(one);
                self.choice.set(None);
            }
        }
    }

    /// The parameters of a function whose default value is a constant string, with it.
    fn constant_defaults(&self, func: u32) -> Vec<(usize, Vec<Part>)> {
        let Some(defaults) = self.param_defaults.get(&func) else {
            return Vec::new();
        };
        defaults
            .iter()
            .filter_map(|&(index, init)| {
                let mut fuel = EVAL_FUEL;
                let parts = self.parts(init, self.here(), &mut fuel);
                parts
                    .iter()
                    .all(|p| matches!(p, Part::Lit(_)))
                    .then_some((index, parts))
            })
            .collect()
    }

    /// A method chosen by a condition (`mode === 'edit' ? 'PATCH' : 'POST'`).
    fn method_alt(&self, lookup: &Lookup<'a>) -> Option<(String, Option<Method>, Option<Method>)> {
        let Lookup::Found(expr, _) = lookup else {
            return None;
        };
        let js::Expression::ConditionalExpression(c) =
            self.through_const(expr).get_inner_expression()
        else {
            return None;
        };
        Some((
            self.source(c.test.span()),
            self.literal_method(&c.consequent),
            self.literal_method(&c.alternate),
        ))
    }

    /// What a constant name stands for (`const url = a ? b : c` for `url`, also through a
    /// `{ method }` shorthand): the initializer of a binding never reassigned, followed a few
    /// names deep; any other expression is itself. A condition there gives one call per branch.
    fn through_const(&self, expr: &'a js::Expression<'a>) -> &'a js::Expression<'a> {
        let mut e = expr;
        for _ in 0..4 {
            let js::Expression::Identifier(id) = e.get_inner_expression() else {
                break;
            };
            let name = id.name.as_str();
            match self.lookup(name, self.here().limit) {
                Some((_, Binding::Value { init, constant }))
                    if constant || !self.reassigned.contains(name) =>
                {
                    e = init;
                }
                _ => break,
            }
        }
        e
    }

    fn emit_one(&mut self, request: Request<'a>) {
        let (value, span) = match request.url {
            UrlArg::Opaque { span, why } => {
                if self.pass == Pass::Extract {
                    self.push(
                        CallUrl::Unresolved { why },
                        span,
                        &request.client,
                        request.method,
                        request.angular,
                    );
                }
                return;
            }
            UrlArg::Expr(expr) => (self.eval_top(expr), expr.span()),
            UrlArg::Parts(parts, span) => (Value::Known(parts), span),
        };
        if self.pass == Pass::Extract
            && let Some(via) = request.via
        {
            self.used.insert(via);
        }
        let current = self.functions.last().copied();
        let whole = match &value {
            Value::Unknown(u) => Some(u.clone()),
            Value::Known(_) => None,
        };
        let parts = match value {
            Value::Known(parts) => Ok(normalize(parts)),
            Value::Unknown(u) if u.slot.is_some() => Ok(vec![Part::Hole {
                name: "param".into(),
                unknown: u,
            }]),
            Value::Unknown(u) => Err(u),
        };
        if let (Some(func), Ok(parts)) = (current, &parts) {
            let own = |p: &Part| {
                matches!(p, Part::Hole { unknown, .. }
                    if matches!(unknown.slot.as_deref(), Some(Slot::Param { func: f, .. }) if *f == func))
            };
            if parts.iter().any(own) || request.method_arg.is_some() {
                let wrapper = Wrapper {
                    client: request.client.clone(),
                    url: parts.clone(),
                    base: self.owned_base(&request.base),
                    method: request
                        .method_arg
                        .clone()
                        .unwrap_or(WMethod::Known(request.method)),
                    angular: request.angular,
                    func,
                    file: self.env.file,
                    span: self.input.span(span.start as usize, span.end as usize),
                    defaults: self.constant_defaults(func),
                    module_defaults: request.module_defaults,
                };
                if self.pass == Pass::Wrappers {
                    self.wrappers.insert(func, wrapper);
                    return;
                }
                if self.pass == Pass::Extract {
                    self.wrapper_calls.push((self.calls.len(), func));
                }
            }
        }
        if self.pass != Pass::Extract {
            return;
        }
        let parts = match (parts, whole) {
            (Ok(_), Some(u)) => Err(u),
            (parts, _) => parts,
        };
        let mut duplicated = None;
        let mut relative = false;
        let url = match parts {
            Err(u) => CallUrl::Unresolved {
                why: format!("the URL is `{}`, {}", u.source, u.reason),
            },
            Ok(parts) => {
                let own = match &request.own {
                    Some((own, at)) => Some((own.clone(), *at)),
                    None => self
                        .base_span(&request.base)
                        .or(request.base_at)
                        .map(|at| (parts.clone(), at)),
                };
                match self.apply_base(parts, &request.base) {
                    Ok(parts) => {
                        duplicated = own.and_then(|(own, at)| duplicated_prefix(&own, &parts, at));
                        relative = matches!(parts.first(), Some(Part::Lit(h))
                            if !h.starts_with('/') && matches!(classify_head(h), Head::Relative));
                        match finish(parts) {
                            Some(url) => url,
                            None => return,
                        }
                    }
                    Err(why) => CallUrl::Unresolved { why },
                }
            }
        };
        self.push(url, span, &request.client, request.method, request.angular);
        if let Some(last) = self.calls.last_mut() {
            last.duplicated = duplicated;
        }
        if request.module_defaults && self.pass == Pass::Extract {
            self.module_default_calls.push(self.calls.len() - 1);
        }
        if relative {
            self.relative.push(self.calls.len() - 1);
        }
    }

    /// Where a base URL is written, when it is an expression of this file.
    fn base_span(&self, base: &Base<'a>) -> Option<crate::source_file::Span> {
        match base {
            Base::Exprs { exprs, .. } => {
                let e = exprs.first()?;
                Some(
                    self.input
                        .span(e.span().start as usize, e.span().end as usize),
                )
            }
            _ => None,
        }
    }

    fn push(
        &mut self,
        url: CallUrl,
        span: js::Span,
        client: &str,
        method: Option<Method>,
        angular: bool,
    ) {
        let span = self.input.span(span.start as usize, span.end as usize);
        // Two branches that send the same request (`?category=` dropped) are one call.
        if self
            .calls
            .last()
            .is_some_and(|c| c.span == span && c.method == method && c.url == url)
        {
            return;
        }
        if angular {
            self.angular.push(self.calls.len());
        }
        self.calls.push(CallFact {
            method,
            url,
            span,
            client: client.to_owned(),
            duplicated: None,
        });
    }

    /// A base evaluated to owned parts; `Ok(None)` without one. A base that starts with an
    /// import's hole stays (the project fills it in).
    fn owned_base(&self, base: &Base<'a>) -> Result<Option<Vec<Part>>, String> {
        match base {
            Base::None => Ok(None),
            Base::Unknown(why) => Err(why.clone()),
            Base::Owned(b) => b.clone(),
            Base::Exprs {
                exprs,
                limit,
                label,
            } => {
                let mut agreed: Option<Vec<Part>> = None;
                for expr in exprs {
                    let mut fuel = EVAL_FUEL;
                    let frame = Frame {
                        limit: *limit,
                        depth: 0,
                    };
                    let parts = match self.eval(expr, frame, &mut fuel) {
                        Value::Known(parts) => normalize(parts),
                        Value::Unknown(u) if matches!(u.slot.as_deref(), Some(Slot::Link(_))) => {
                            vec![Part::Hole {
                                name: "base".into(),
                                unknown: u,
                            }]
                        }
                        Value::Unknown(u) => {
                            return Err(format!("{label} is `{}`, {}", u.source, u.reason));
                        }
                    };
                    if let Some(Part::Hole { unknown, .. }) = parts.first()
                        && !matches!(unknown.slot.as_deref(), Some(Slot::Link(_)))
                    {
                        return Err(format!(
                            "{label} starts with `{}`, {}",
                            unknown.source, unknown.reason
                        ));
                    }
                    match &agreed {
                        Some(prev) if *prev != parts => {
                            return Err(format!("{label} is set to different values in this file"));
                        }
                        _ => agreed = Some(parts),
                    }
                }
                Ok(agreed)
            }
        }
    }

    /// Joins a URL to its base as axios does; `Err` says why the base is not known.
    fn apply_base(&self, url: Vec<Part>, base: &Base<'a>) -> Result<Vec<Part>, String> {
        let starts_with_hole = matches!(url.first(), Some(Part::Hole { .. }));
        if matches!(base, Base::None) || starts_with_hole || axios_absolute(&url) {
            return Ok(url);
        }
        join_base(self.owned_base(base)?, url)
    }

    // -- summaries ---------------------------------------------------------------------------

    /// Records what the module exports, as owned values (imports stay links).
    fn summarise(&mut self, program: &'a js::Program<'a>, out: &mut FileOut) {
        self.pass = Pass::Extract;
        self.clear_scopes();
        self.push_scope();
        self.declare_statements(&program.body, 0);
        let resolve = self.env.resolve;
        for stmt in &program.body {
            match stmt {
                js::Statement::ExportDeclaration(e) => match &e.declaration {
                    js::Declaration::VariableDeclaration(var) => {
                        for decl in &var.declarations {
                            if let (js::BindingPattern::BindingIdentifier(id), Some(init)) =
                                (&decl.id, &decl.init)
                            {
                                let val = self.name_val(id.name.as_str(), init);
                                out.exports.push((id.name.to_string(), val));
                            }
                        }
                    }
                    js::Declaration::FunctionDeclaration(f) => {
                        if let (Some(id), Some(w)) = (&f.id, self.wrappers.get(&f.span.start)) {
                            out.exports
                                .push((id.name.to_string(), Val::Wrapper(Box::new(w.clone()))));
                        } else if let (Some(id), Some(op)) =
                            (&f.id, self.operations.get(&f.span.start))
                        {
                            let op = Val::Operation(Box::new(op.clone()));
                            out.exports.push((id.name.to_string(), op));
                        }
                    }
                    js::Declaration::ClassDeclaration(c) => {
                        if let (Some(id), Some(val)) = (&c.id, self.class_val(c)) {
                            out.exports.push((id.name.to_string(), val));
                        }
                    }
                    _ => {}
                },
                js::Statement::ExportDefaultDeclaration(e) => {
                    let val = match &e.declaration {
                        js::ExportDefaultDeclarationKind::FunctionDeclaration(f) => self
                            .wrappers
                            .get(&f.span.start)
                            .map(|w| Val::Wrapper(Box::new(w.clone()))),
                        other => other.as_expression().map(|x| self.to_val(x, 1, 0)),
                    };
                    if let Some(val) = val {
                        out.exports.push(("default".into(), val));
                    }
                }
                js::Statement::ExportNamedDeclaration(e) => {
                    for spec in &e.specifiers {
                        let local = spec.local.name();
                        let val = self.local_val(local.as_str());
                        out.exports.push((spec.exported.name().to_string(), val));
                    }
                }
                js::Statement::ExportFromDeclaration(e) => {
                    for spec in &e.specifiers {
                        let val = self.import_val(
                            e.source.value.as_str(),
                            spec.local.name().as_str(),
                            Vec::new(),
                        );
                        out.exports.push((spec.exported.name().to_string(), val));
                    }
                }
                js::Statement::ExportAllDeclaration(e) => match &e.exported {
                    None => out.stars.extend(resolve(e.source.value.as_str())),
                    Some(name) => {
                        let val = self.import_val(e.source.value.as_str(), "*", Vec::new());
                        out.exports.push((name.name().to_string(), val));
                    }
                },
                js::Statement::TSExportAssignment(e) => {
                    let val = self.to_val(&e.expression, 1, 0);
                    out.exports.push(("default".into(), val));
                }
                js::Statement::ExpressionStatement(e) => {
                    if let js::Expression::AssignmentExpression(a) = &e.expression {
                        self.commonjs_export(a, out);
                    }
                }
                _ => {}
            }
        }
        for val in self.imports.values() {
            collect_links(val, &mut out.deps);
        }
        out.deps.extend(out.stars.iter().copied());
        for (_, val) in &out.exports {
            collect_links(val, &mut out.deps);
        }
        out.deps.sort_unstable();
        out.deps.dedup();
        out.interceptor = self.interceptor.clone();
    }

    /// `module.exports = {...}`, `module.exports.x = ...`, `exports.x = ...`.
    fn commonjs_export(&self, a: &'a js::AssignmentExpression<'a>, out: &mut FileOut) {
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        let object = m.object().get_inner_expression();
        let is_module_exports = |e: &js::Expression<'_>| {
            e.as_member_expression().is_some_and(|mm| {
                mm.static_property_name() == Some("exports")
                    && mm.object().get_inner_expression().is_specific_id("module")
            })
        };
        if m.static_property_name() == Some("exports") && object.is_specific_id("module") {
            let val = self.to_val(&a.right, 1, 0);
            if let Val::Obj(members) = &val {
                out.exports.extend(members.iter().cloned());
            }
            out.exports.push(("default".into(), val));
        } else if (object.is_specific_id("exports") || is_module_exports(object))
            && let Some(name) = m.static_property_name()
        {
            out.exports
                .push((name.to_owned(), self.to_val(&a.right, 1, 0)));
        }
    }

    /// The value of a top-level name.
    fn local_val(&self, name: &str) -> Val {
        match self.lookup(name, 1) {
            Some((_, Binding::Value { init, .. })) => self.name_val(name, init),
            Some((_, Binding::Function(f))) => self
                .wrappers
                .get(&f.span.start)
                .map_or(Val::Unknown(self.opaque_unknown(name)), |w| {
                    Val::Wrapper(Box::new(w.clone()))
                }),
            Some((_, Binding::Import(_))) => self
                .imports
                .get(name)
                .cloned()
                .unwrap_or(Val::Unknown(self.opaque_unknown(name))),
            Some((_, Binding::Axios)) => Val::Axios,
            Some((level, Binding::Instance { config })) => self.instance_val(name, config, level),
            _ => Val::Unknown(self.opaque_unknown(name)),
        }
    }

    fn opaque_unknown(&self, name: &str) -> Unknown {
        Unknown {
            source: name.to_owned(),
            reason: NOT_CONSTANT.into(),
            slot: None,
        }
    }

    /// The value of a top-level `const name = init`.
    fn name_val(&self, name: &str, init: &'a js::Expression<'a>) -> Val {
        match self.lookup(name, 1) {
            Some((level, Binding::Instance { config })) => self.instance_val(name, config, level),
            Some((_, Binding::Axios)) => Val::Axios,
            Some((_, Binding::Import(_))) => self.local_val(name),
            _ => self.to_val(init, 1, 0),
        }
    }

    /// An expression as an owned value.
    fn to_val(&self, expr: &'a js::Expression<'a>, limit: usize, depth: usize) -> Val {
        if depth > MAX_OBJECT_HOPS {
            return Val::Unknown(self.opaque_unknown(&self.source(expr.span())));
        }
        let inner = expr.get_inner_expression();
        match inner {
            js::Expression::ObjectExpression(o) => {
                let mut members = Vec::new();
                for prop in &o.properties {
                    if let js::ObjectPropertyKind::ObjectProperty(p) = prop
                        && let Some(key) = p.key.static_name()
                    {
                        members.push((key.to_string(), self.to_val(&p.value, limit, depth + 1)));
                    }
                }
                return Val::Obj(members);
            }
            js::Expression::ArrowFunctionExpression(f) => {
                return self.wrapper_val(f.span.start, expr);
            }
            js::Expression::FunctionExpression(f) => return self.wrapper_val(f.span.start, expr),
            js::Expression::Identifier(id) => {
                let name = id.name.as_str();
                match self.lookup(name, limit) {
                    Some((level, Binding::Value { init, .. })) => {
                        if let Binding::Instance { config } = self.classify_init(init, true) {
                            return self.instance_val(name, config, level);
                        }
                        return self.to_val(init, level + 1, depth + 1);
                    }
                    Some((_, Binding::Import(_))) => {
                        return self
                            .imports
                            .get(name)
                            .cloned()
                            .unwrap_or(Val::Unknown(self.opaque_unknown(name)));
                    }
                    Some((_, Binding::Axios)) => return Val::Axios,
                    Some((level, Binding::Instance { config })) => {
                        return self.instance_val(name, config, level);
                    }
                    Some((_, Binding::Function(f))) => return self.wrapper_val(f.span.start, expr),
                    _ => {}
                }
            }
            js::Expression::CallExpression(_) => {
                if let Some(client) = self.created_client(expr, limit) {
                    return client;
                }
                if let Binding::Instance { config } = self.classify_init(expr, true) {
                    return self.instance_val("the instance", config, limit.saturating_sub(1));
                }
            }
            _ => {}
        }
        if let Some((root, path)) = self.member_path(inner)
            && !path.is_empty()
            && let Some((_, Binding::Import(_))) = self.lookup(root, limit)
            && let Some(val) = self.imports.get(root)
        {
            return val_at(val, &path);
        }
        let mut fuel = EVAL_FUEL;
        match self.eval(expr, Frame { limit, depth: 0 }, &mut fuel) {
            Value::Known(parts) => Val::Str(parts),
            Value::Unknown(u) if matches!(u.slot.as_deref(), Some(Slot::Link(_))) => {
                Val::Str(vec![Part::Hole {
                    name: param_name(expr),
                    unknown: u,
                }])
            }
            Value::Unknown(u) => Val::Unknown(u),
        }
    }

    /// An axios instance of this file as an owned value.
    fn instance_val(
        &self,
        name: &str,
        config: Option<&'a js::Expression<'a>>,
        level: usize,
    ) -> Val {
        let base = self.instance_base(name, config, level);
        Val::Instance(self.owned_base(&base), self.base_span(&base))
    }

    fn wrapper_val(&self, func: u32, expr: &'a js::Expression<'a>) -> Val {
        self.consulted.borrow_mut().insert(func);
        if let Some(op) = self.operations.get(&func) {
            return Val::Operation(Box::new(op.clone()));
        }
        match self.wrappers.get(&func) {
            Some(w) => Val::Wrapper(Box::new(w.clone())),
            None => Val::Unknown(self.opaque_unknown(&self.source(expr.span()))),
        }
    }

    // -- evaluation --------------------------------------------------------------------------

    /// Source text of a span, shortened for messages.
    fn source(&self, span: js::Span) -> String {
        shorten(
            self.input
                .text
                .get(span.start as usize..span.end as usize)
                .unwrap_or_default(),
        )
    }

    fn unknown(&self, expr: &js::Expression<'a>, reason: impl Into<String>) -> Value {
        Value::Unknown(Unknown {
            source: self.source(expr.span()),
            reason: reason.into(),
            slot: None,
        })
    }

    /// Evaluates an expression at the current point of the walk.
    fn eval_top(&self, expr: &'a js::Expression<'a>) -> Value {
        let mut fuel = EVAL_FUEL;
        self.eval(expr, self.here(), &mut fuel)
    }

    /// Evaluates an expression to a string with holes for run-time values.
    fn eval(&self, expr: &'a js::Expression<'a>, at: Frame, fuel: &mut usize) -> Value {
        if *fuel == 0 || at.depth > MAX_EVAL_DEPTH {
            return self.unknown(expr, "which is too involved to follow");
        }
        *fuel -= 1;
        let next = at.deeper();
        use js::Expression as E;
        match expr.get_inner_expression() {
            E::StringLiteral(s) => Value::Known(vec![Part::Lit(s.value.to_string())]),
            E::NumericLiteral(n) => Value::Known(vec![Part::Lit(
                n.raw
                    .map_or_else(|| n.value.to_string(), |raw| raw.to_string()),
            )]),
            E::BooleanLiteral(b) => Value::Known(vec![Part::Lit(b.value.to_string())]),
            E::TemplateLiteral(t) => self.eval_template(t, next, fuel),
            E::BinaryExpression(b) if b.operator == js::BinaryOperator::Addition => {
                let mut parts = self.parts(&b.left, next, fuel);
                parts.extend(self.parts(&b.right, next, fuel));
                self.bounded(expr, parts)
            }
            E::Identifier(id) => self.eval_identifier(expr, id.name.as_str(), next, fuel),
            // `a ?? b`, `a || b`: a string `a` is not nullish (nor falsy unless empty).
            E::LogicalExpression(l) if l.operator != js::LogicalOperator::And => {
                match self.eval(&l.left, next, fuel) {
                    Value::Known(a)
                        if l.operator == js::LogicalOperator::Or
                            && literal_text(&a).is_some_and(|t| t.is_empty()) =>
                    {
                        self.eval(&l.right, next, fuel)
                    }
                    left => left,
                }
            }
            E::ConditionalExpression(c)
                if self.choice.get().is_some_and(|(at, _)| at == c.span.start) =>
            {
                let yes = self.choice.get().is_some_and(|(_, yes)| yes);
                self.eval(if yes { &c.consequent } else { &c.alternate }, next, fuel)
            }
            E::ConditionalExpression(c) => {
                let yes = self.eval(&c.consequent, next, fuel);
                let no = self.eval(&c.alternate, next, fuel);
                match (yes, no) {
                    (Value::Known(a), Value::Known(b))
                        if normalize(a.clone()) == normalize(b.clone()) =>
                    {
                        Value::Known(a)
                    }
                    _ => self.unknown(expr, "which depends on a condition"),
                }
            }
            inner => match inner.as_member_expression() {
                Some(m) => self.eval_member(expr, m, next, fuel),
                None => self.unknown(expr, NOT_CONSTANT),
            },
        }
    }

    /// A value as parts: an unknown value becomes a hole named after the expression.
    fn parts(&self, expr: &'a js::Expression<'a>, at: Frame, fuel: &mut usize) -> Vec<Part> {
        match self.eval(expr, at, fuel) {
            Value::Known(parts) => parts,
            Value::Unknown(unknown) => vec![Part::Hole {
                name: param_name(expr),
                unknown,
            }],
        }
    }

    fn bounded(&self, expr: &js::Expression<'a>, parts: Vec<Part>) -> Value {
        if literal_len(&parts) > MAX_VALUE_LEN {
            return self.unknown(expr, "which is too long to follow");
        }
        Value::Known(parts)
    }

    fn eval_template(&self, t: &'a js::TemplateLiteral<'a>, at: Frame, fuel: &mut usize) -> Value {
        let mut parts = Vec::new();
        for (i, quasi) in t.quasis.iter().enumerate() {
            let text = quasi.value.cooked.unwrap_or(quasi.value.raw);
            parts.push(Part::Lit(text.to_string()));
            if let Some(expr) = t.expressions.get(i) {
                parts.extend(self.parts(expr, at, fuel));
            }
        }
        if literal_len(&parts) > MAX_VALUE_LEN {
            return Value::Unknown(Unknown {
                source: self.source(t.span),
                reason: "which is too long to follow".into(),
                slot: None,
            });
        }
        Value::Known(parts)
    }

    fn eval_identifier(
        &self,
        expr: &'a js::Expression<'a>,
        name: &'a str,
        at: Frame,
        fuel: &mut usize,
    ) -> Value {
        match self.lookup(name, at.limit) {
            None => self.unknown(expr, "which is not declared in this file"),
            Some((level, Binding::Value { init, constant })) => {
                if !constant && self.reassigned.contains(name) {
                    return self.unknown(expr, "which is reassigned, not a constant in this file");
                }
                let frame = Frame {
                    limit: level + 1,
                    depth: at.depth,
                };
                match self.eval(init, frame, fuel) {
                    Value::Known(parts) => Value::Known(parts),
                    Value::Unknown(inner) if inner.source == self.source(init.span()) => self
                        .unknown(
                            expr,
                            format!(
                                "whose value `{}` {}",
                                inner.source,
                                strip_which(&inner.reason)
                            ),
                        ),
                    Value::Unknown(inner) => Value::Unknown(inner),
                }
            }
            Some((_, Binding::Opaque(why))) => self.unknown(expr, why.reason()),
            Some((_, Binding::Param { func, index })) => Value::Unknown(Unknown {
                source: self.source(expr.span()),
                reason: Opaque::Param.reason(),
                slot: Some(Box::new(Slot::Param { func, index })),
            }),
            Some((_, Binding::Import(from))) => match self.imports.get(name) {
                Some(val) => self.val_value(expr, val, from),
                None => self.unknown(expr, Opaque::Import(from).reason()),
            },
            Some(_) => self.unknown(expr, NOT_CONSTANT),
        }
    }

    /// An imported value as a string.
    fn val_value(&self, expr: &'a js::Expression<'a>, val: &Val, from: &str) -> Value {
        match val {
            Val::Str(parts) => Value::Known(parts.clone()),
            Val::Link(link) => Value::Unknown(Unknown {
                source: self.source(expr.span()),
                reason: Opaque::Import(from).reason(),
                slot: Some(Box::new(Slot::Link(link.clone()))),
            }),
            Val::Unknown(u) if u.reason.is_empty() => {
                self.unknown(expr, Opaque::Import(from).reason())
            }
            Val::Unknown(u) => self.unknown(
                expr,
                format!(
                    "which is imported from `{from}`, {}",
                    strip_which(&u.reason)
                ),
            ),
            _ => self.unknown(
                expr,
                format!("which is imported from `{from}`, not a string"),
            ),
        }
    }

    fn eval_member(
        &self,
        expr: &'a js::Expression<'a>,
        m: &'a js::MemberExpression<'a>,
        at: Frame,
        fuel: &mut usize,
    ) -> Value {
        if is_location_origin(m) {
            // The page's own origin: a same-origin URL.
            return Value::Known(Vec::new());
        }
        let Some(prop) = m.static_property_name() else {
            return self.unknown(expr, NOT_CONSTANT);
        };
        if let Some(var) = env_var(m) {
            return match self.env.vars.get(var) {
                Some(v) => Value::Known(vec![Part::Lit(v.clone())]),
                None => self.unknown(
                    expr,
                    "which is an environment variable no `.env` file of the repository (nor `[client] env` in routelint.toml) sets",
                ),
            };
        }
        if let Some((root, path)) = self.member_path(expr)
            && let Some((_, Binding::Import(from))) = self.lookup(root, at.limit)
        {
            return match self.imports.get(root) {
                Some(val) => self.val_value(expr, &val_at(val, &path), from),
                None => self.unknown(expr, Opaque::Import(from).reason()),
            };
        }
        if let js::Expression::Identifier(id) = m.object().get_inner_expression()
            && let Some((level, Binding::Enum(e))) = self.lookup(id.name.as_str(), at.limit)
        {
            return match enum_member(e, prop) {
                Some(init) => {
                    let frame = Frame {
                        limit: level + 1,
                        depth: at.depth,
                    };
                    self.eval(init, frame, fuel)
                }
                None => self.unknown(expr, NOT_CONSTANT),
            };
        }
        let Some((object, limit)) = self.resolve_object(m.object(), at.limit, 0) else {
            return self.unknown(expr, NOT_CONSTANT);
        };
        match self.lookup_prop(object, prop, limit) {
            Lookup::Found(value, limit) => self.eval(value, Frame { limit, ..at }, fuel),
            Lookup::Absent | Lookup::Unknown => self.unknown(expr, NOT_CONSTANT),
        }
    }

    /// The object literal an expression stands for, with the scope limit it was written in.
    fn resolve_object(
        &self,
        expr: &'a js::Expression<'a>,
        limit: usize,
        hops: usize,
    ) -> Option<(&'a js::ObjectExpression<'a>, usize)> {
        if hops > MAX_OBJECT_HOPS {
            return None;
        }
        match expr.get_inner_expression() {
            js::Expression::ObjectExpression(o) => Some((o, limit)),
            js::Expression::Identifier(id) => match self.lookup(id.name.as_str(), limit)? {
                (level, Binding::Value { init, constant })
                    if constant || !self.reassigned.contains(id.name.as_str()) =>
                {
                    self.resolve_object(init, level + 1, hops + 1)
                }
                _ => None,
            },
            js::Expression::CallExpression(call)
                if call.callee.is_specific_member_access("Object", "freeze") =>
            {
                let arg = call.arguments.first()?.as_expression()?;
                self.resolve_object(arg, limit, hops + 1)
            }
            other => {
                let m = other.as_member_expression()?;
                let prop = m.static_property_name()?;
                let (object, limit) = self.resolve_object(m.object(), limit, hops + 1)?;
                match self.lookup_prop(object, prop, limit) {
                    Lookup::Found(value, limit) => self.resolve_object(value, limit, hops + 1),
                    _ => None,
                }
            }
        }
    }

    /// Looks a property up in an options expression seen from the current point.
    fn prop_of(&self, object: Option<&'a js::Expression<'a>>, key: &str) -> Lookup<'a> {
        self.prop_of_at(object, key, self.scopes.len())
    }

    fn prop_of_at(
        &self,
        object: Option<&'a js::Expression<'a>>,
        key: &str,
        limit: usize,
    ) -> Lookup<'a> {
        let Some(object) = object else {
            return Lookup::Absent;
        };
        let inner = object.get_inner_expression();
        if matches!(inner, js::Expression::NullLiteral(_)) || inner.is_specific_id("undefined") {
            return Lookup::Absent;
        }
        match self.resolve_object(object, limit, 0) {
            Some((obj, limit)) => self.lookup_prop(obj, key, limit),
            None => Lookup::Unknown,
        }
    }

    /// The last property `key` of an object literal; a spread or computed key after which
    /// no explicit `key` follows makes it unknown.
    fn lookup_prop(
        &self,
        object: &'a js::ObjectExpression<'a>,
        key: &str,
        limit: usize,
    ) -> Lookup<'a> {
        let mut found = Lookup::Absent;
        for prop in &object.properties {
            match prop {
                js::ObjectPropertyKind::ObjectProperty(p) => match p.key.static_name() {
                    Some(k) if k == key => found = Lookup::Found(&p.value, limit),
                    Some(_) => {}
                    None => found = Lookup::Unknown,
                },
                js::ObjectPropertyKind::SpreadProperty(_) => found = Lookup::Unknown,
            }
        }
        found
    }
}

/// `which is not ...` → `is not ...` (for "whose value `x` is not ...").
pub(crate) fn strip_which(reason: &str) -> &str {
    reason.strip_prefix("which ").unwrap_or(reason)
}

/// A request whose URL is a spread argument.
fn spread_request<'a>(client: String, span: js::Span) -> Request<'a> {
    Request {
        client,
        url: UrlArg::Opaque {
            span,
            why: "the URL is a spread argument".into(),
        },
        method: None,
        base: Base::None,
        method_arg: None,
        angular: false,
        via: None,
        method_alt: None,
        own: None,
        base_at: None,
        module_defaults: false,
    }
}

/// `require('axios')`.
fn is_require_axios(call: &js::CallExpression<'_>) -> bool {
    call.callee.is_specific_id("require")
        && call
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .is_some_and(|e| e.is_specific_string_literal("axios"))
}

/// `X` in `X.defaults.baseURL = ...`: a name, or a Vue plugin's (`Vue.axios`).
fn defaults_base_owner(target: &js::AssignmentTarget<'_>) -> Option<String> {
    let m = target.as_member_expression()?;
    if m.static_property_name()? != "baseURL" {
        return None;
    }
    let defaults = m.object().get_inner_expression().as_member_expression()?;
    if defaults.static_property_name()? != "defaults" {
        return None;
    }
    match defaults.object().get_inner_expression() {
        js::Expression::Identifier(id) => Some(id.name.to_string()),
        owner => vue_plugin(owner),
    }
}

/// axios installed as a Vue plugin, by the name it is reached by: `Vue.axios`, `Vue.$http`
/// (vue-axios), `Vue.http` (vue-resource, the same verbs), `this.axios`, `this.$http`,
/// `this.$axios` (Nuxt). `this.http` is left to Angular's `HttpClient`.
fn vue_plugin(object: &js::Expression<'_>) -> Option<String> {
    let m = object.as_member_expression()?;
    let prop = m.static_property_name()?;
    let root = match m.object().get_inner_expression() {
        js::Expression::ThisExpression(_) if matches!(prop, "axios" | "$http" | "$axios") => "this",
        js::Expression::Identifier(id)
            if id.name == "Vue" && matches!(prop, "axios" | "$http" | "http") =>
        {
            "Vue"
        }
        _ => return None,
    };
    Some(format!("{root}.{prop}"))
}

/// The prefix a base or wrapper adds in front of `own` (the URL as the caller wrote it) when
/// `own` already starts with it: `/api` for `/api` + `/api/posts`.
pub(crate) fn duplicated_prefix(
    own: &[Part],
    full: &[Part],
    at: crate::source_file::Span,
) -> Option<(String, crate::source_file::Span)> {
    let head = |parts: &[Part]| match parts.first() {
        Some(Part::Lit(l)) => l.clone(),
        _ => String::new(),
    };
    let own_head = head(&normalize(own.to_vec()));
    let full_head = head(&normalize(full.to_vec()));
    let own_path = format!("/{}", own_head.trim_start_matches('/'));
    if own_path == "/" {
        return None;
    }
    let added = full_head.strip_suffix(own_path.as_str())?;
    let added = match classify_head(added) {
        Head::Absolute(host_at) => added
            .get(host_at..)
            .and_then(|h| h.find('/').map(|i| &h[i..]))
            .unwrap_or(""),
        _ => added,
    };
    let added = added.trim_end_matches('/');
    if added.is_empty() || !added.starts_with('/') {
        return None;
    }
    let own_rest = own_path.strip_prefix(added)?;
    (own_rest.is_empty() || own_rest.starts_with('/')).then(|| (added.to_owned(), at))
}

/// The first conditional a URL expression is built from (itself, or an operand of `+` or a
/// template), if any.
fn first_conditional<'b, 'a>(
    expr: &'b js::Expression<'a>,
    depth: usize,
) -> Option<&'b js::ConditionalExpression<'a>> {
    if depth > 8 {
        return None;
    }
    match expr.get_inner_expression() {
        js::Expression::ConditionalExpression(c) => Some(c),
        js::Expression::BinaryExpression(b) if b.operator == js::BinaryOperator::Addition => {
            first_conditional(&b.left, depth + 1).or_else(|| first_conditional(&b.right, depth + 1))
        }
        js::Expression::TemplateLiteral(t) => t
            .expressions
            .iter()
            .find_map(|e| first_conditional(e, depth + 1)),
        _ => None,
    }
}

/// The modules an owned value links to.
fn collect_links(val: &Val, out: &mut Vec<usize>) {
    let parts = |parts: &[Part], out: &mut Vec<usize>| {
        for p in parts {
            if let Part::Hole { unknown, .. } = p
                && let Some(Slot::Link(l)) = unknown.slot.as_deref()
            {
                out.push(l.file);
            }
        }
    };
    match val {
        Val::Str(p) => parts(p, out),
        Val::Obj(members) => members.iter().for_each(|(_, v)| collect_links(v, out)),
        Val::Instance(Ok(Some(p)), _) => parts(p, out),
        Val::Wrapper(w) => {
            parts(&w.url, out);
            if let Ok(Some(b)) = &w.base {
                parts(b, out);
            }
        }
        Val::Link(l) => out.push(l.file),
        _ => {}
    }
}

/// `X` in `import.meta.env.X` and `process.env.X`.
fn env_var<'a>(m: &'a js::MemberExpression<'a>) -> Option<&'a str> {
    let name = m.static_property_name()?;
    let env = m.object().get_inner_expression().as_member_expression()?;
    if env.static_property_name()? != "env" {
        return None;
    }
    match env.object().get_inner_expression() {
        js::Expression::Identifier(id) if id.name == "process" => Some(name),
        js::Expression::ImportMeta(_) => Some(name),
        _ => None,
    }
}

/// `location.origin`, `window.location.origin` (and via `document`, `self`, `globalThis`).
fn is_location_origin(m: &js::MemberExpression<'_>) -> bool {
    if m.static_property_name() != Some("origin") {
        return false;
    }
    match m.object().get_inner_expression() {
        js::Expression::Identifier(id) => id.name == "location",
        other => other.as_member_expression().is_some_and(|loc| {
            loc.static_property_name() == Some("location")
                && matches!(
                    loc.object().get_inner_expression(),
                    js::Expression::Identifier(id)
                        if matches!(id.name.as_str(), "window" | "document" | "self" | "globalThis")
                )
        }),
    }
}

/// The initialiser of a TypeScript enum member.
fn enum_member<'a>(e: &'a js::TSEnumDeclaration<'a>, name: &str) -> Option<&'a js::Expression<'a>> {
    e.body
        .members
        .iter()
        .find(|member| match &member.id {
            js::TSEnumMemberName::Identifier(id) => id.name == name,
            js::TSEnumMemberName::String(s) | js::TSEnumMemberName::ComputedString(s) => {
                s.value == name
            }
            js::TSEnumMemberName::ComputedTemplateString(_) => false,
        })?
        .initializer
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, text: &str) -> Facts {
        extract(crate::sources::testing::test_input(path, text))
    }

    /// One call as a test sees it.
    #[derive(Debug, PartialEq)]
    struct Seen {
        client: String,
        method: Option<Method>,
        origin: Option<String>,
        /// The rendered path, or `unresolved: <why>`.
        url: String,
        /// The source text the span covers.
        arg: String,
    }

    fn seen(path: &str, text: &str) -> Vec<Seen> {
        let facts = run(path, text);
        assert!(
            facts.problems.is_empty(),
            "unexpected problems: {:?}",
            facts.problems
        );
        facts
            .calls
            .iter()
            .map(|c| {
                let (origin, url) = match &c.url {
                    CallUrl::Resolved { origin, path } => (origin.clone(), path.to_string()),
                    CallUrl::Unresolved { why } => (None, format!("unresolved: {why}")),
                };
                Seen {
                    client: c.client.clone(),
                    method: c.method,
                    origin,
                    url,
                    arg: text[c.span.start as usize..c.span.end as usize].to_owned(),
                }
            })
            .collect()
    }

    /// The single call a snippet makes.
    fn one(path: &str, text: &str) -> Seen {
        let mut calls = seen(path, text);
        assert_eq!(calls.len(), 1, "expected one call in {text}: {calls:?}");
        calls.remove(0)
    }

    fn call(client: &str, method: Option<Method>, url: &str, arg: &str) -> Seen {
        Seen {
            client: client.into(),
            method,
            origin: None,
            url: url.into(),
            arg: arg.into(),
        }
    }

    use Method::*;

    #[test]
    fn fetch_is_a_get_unless_its_options_name_a_method_in_any_case() {
        let table = [
            (
                "fetch('/api/posts')",
                Some(Get),
                "/api/posts",
                "'/api/posts'",
            ),
            ("fetch('/a', {})", Some(Get), "/a", "'/a'"),
            ("fetch('/a', { headers: {} })", Some(Get), "/a", "'/a'"),
            (
                "fetch('/a', { method: 'PATCH' })",
                Some(Patch),
                "/a",
                "'/a'",
            ),
            (
                "fetch('/a', { method: 'patch' })",
                Some(Patch),
                "/a",
                "'/a'",
            ),
            (
                "fetch(\"/a\", { 'method': \"Delete\" })",
                Some(Delete),
                "/a",
                "\"/a\"",
            ),
            ("fetch('/a', { method: `put` })", Some(Put), "/a", "'/a'"),
            (
                "const M = 'post'; fetch('/a', { method: M })",
                Some(Post),
                "/a",
                "'/a'",
            ),
            (
                "const o = { method: 'PUT' }; fetch('/a', o)",
                Some(Put),
                "/a",
                "'/a'",
            ),
            ("fetch('/a', undefined)", Some(Get), "/a", "'/a'"),
            ("window.fetch('/w')", Some(Get), "/w", "'/w'"),
            (
                "globalThis.fetch('/g', { method: 'HEAD' })",
                Some(Head),
                "/g",
                "'/g'",
            ),
            ("await fetch?.('/opt')", Some(Get), "/opt", "'/opt'"),
        ];
        for (src, method, path, arg) in table {
            assert_eq!(one("a.js", src), call("fetch", method, path, arg), "{src}");
        }
    }

    #[test]
    fn fetch_method_that_is_not_a_constant_is_unknown_not_get() {
        let table = [
            "function f(m) { fetch('/a', { method: m }) }",
            "function f(opts) { fetch('/a', opts) }",
            "function f(opts) { fetch('/a', { ...opts }) }",
            "function f(opts) { fetch('/a', { method: 'POST', ...opts }) }",
            "fetch('/a', { method: 'BREW' })",
            "fetch('/a', { [key]: 'x' })",
        ];
        for src in table {
            assert_eq!(one("a.js", src).method, None, "{src}");
        }
        // A method chosen by a condition is both methods: two calls.
        let both = seen("a.js", "fetch('/a', { method: cond ? 'PUT' : 'POST' })");
        let methods: Vec<_> = both.iter().map(|c| c.method).collect();
        assert_eq!(methods, vec![Some(Put), Some(Post)]);
        let after_spread = "function f(opts) { fetch('/a', { ...opts, method: 'POST' }) }";
        assert_eq!(one("a.js", after_spread).method, Some(Post));
    }

    #[test]
    fn template_holes_become_parameters_named_after_what_fills_them() {
        let table = [
            ("fetch(`/posts/${id}`)", "/posts/{id}"),
            ("fetch(`/posts/${post.id}`)", "/posts/{id}"),
            ("fetch(`/posts/${post['slug']}`)", "/posts/{slug}"),
            (
                "fetch(`/posts/${encodeURIComponent(slug)}`)",
                "/posts/{slug}",
            ),
            ("fetch(`/posts/${id.toString()}`)", "/posts/{id}"),
            ("fetch(`/posts/${await getId()}`)", "/posts/{param}"),
            ("fetch(`/posts/${a[0]}`)", "/posts/{param}"),
            (
                "fetch(`/posts/${id}/comments/${c.id}`)",
                "/posts/{id}/comments/{id}",
            ),
            ("fetch(`/posts/${7}`)", "/posts/7"),
        ];
        for (src, path) in table {
            assert_eq!(one("a.js", src).url, path, "{src}");
        }
    }

    #[test]
    fn concatenation_and_file_constants_are_inlined() {
        let table = [
            ("fetch('/api/posts/' + id)", "/api/posts/{id}"),
            ("fetch(('/api/' + 'posts/') + (id))", "/api/posts/{id}"),
            (
                "const API = '/blog/api'; fetch(`${API}/posts/${id}`)",
                "/blog/api/posts/{id}",
            ),
            (
                "const API = '/blog/api'; fetch(API + '/posts/' + id)",
                "/blog/api/posts/{id}",
            ),
            (
                "export const API = '/blog/api'; fetch(API + '/posts')",
                "/blog/api/posts",
            ),
            ("let API = '/v1'; var P = API + '/p'; fetch(P)", "/v1/p"),
            (
                "const A = '/a'; const B = `${A}/b`; const C = B + '/c'; fetch(C)",
                "/a/b/c",
            ),
            (
                "function f() { return fetch(`${API}/x`) } const API = '/late';",
                "/late/x",
            ),
            (
                "const E = { posts: '/api/posts', n: { one: '/one' } }; fetch(E.posts)",
                "/api/posts",
            ),
            (
                "const E = Object.freeze({ n: { one: '/one' } }); fetch(E.n.one)",
                "/one",
            ),
            (
                "const E = { one: '/one' } as const; fetch(E['one'])",
                "/one",
            ),
            ("enum R { Posts = '/posts' } fetch(R.Posts)", "/posts"),
            ("const P = `/posts/${id}`; fetch(P + '/x')", "/posts/{id}/x"),
            ("fetch(flag ? '/same' : '/same')", "/same"),
        ];
        for (src, path) in table {
            let got = one("a.ts", src);
            assert_eq!(got.url, path, "{src}");
            assert_eq!(got.origin, None, "{src}");
        }
    }

    #[test]
    fn query_string_and_fragment_are_dropped() {
        let table = [
            ("fetch('/posts?page=2')", "/posts"),
            (
                "fetch(`/posts?category=${encodeURIComponent(c)}`)",
                "/posts",
            ),
            ("fetch('/posts#top')", "/posts"),
            ("fetch(`/posts/${id}?x=${y}#z`)", "/posts/{id}"),
            (
                "const C = '/comments'; fetch(C + '?postId=' + postId)",
                "/comments",
            ),
            ("fetch('?only=query')", "/"),
        ];
        for (src, path) in table {
            assert_eq!(one("a.js", src).url, path, "{src}");
        }
    }

    #[test]
    fn absolute_urls_keep_their_origin_and_relative_ones_resolve_against_root() {
        let table = [
            (
                "fetch('http://blog-service:8005/posts')",
                Some("http://blog-service:8005"),
                "/posts",
            ),
            (
                "fetch('https://api.example.com')",
                Some("https://api.example.com"),
                "/",
            ),
            ("fetch('HTTP://Host/x?y')", Some("HTTP://Host"), "/x"),
            (
                "fetch('//cdn.example.com/img/a.png')",
                Some("//cdn.example.com"),
                "/img/a.png",
            ),
            (
                "const O = 'http://svc:80'; fetch(`${O}/p/${id}`)",
                Some("http://svc:80"),
                "/p/{id}",
            ),
            ("fetch('api/posts')", None, "/api/posts"),
            ("fetch('./api/posts')", None, "/api/posts"),
            ("fetch('../api/posts')", None, "/api/posts"),
            ("fetch('')", None, "/"),
            ("fetch(`${window.location.origin}/api/me`)", None, "/api/me"),
            ("fetch(location.origin + '/api/me')", None, "/api/me"),
        ];
        for (src, origin, path) in table {
            let got = one("a.js", src);
            assert_eq!(
                (got.origin.as_deref(), got.url.as_str()),
                (origin, path),
                "{src}"
            );
        }
    }

    #[test]
    fn urls_of_other_schemes_are_not_requests() {
        let src =
            "fetch('data:text/plain,hi'); fetch('blob:x'); fetch('ws://h/x'); fetch('mailto:a@b')";
        assert_eq!(seen("a.js", src), vec![]);
    }

    #[test]
    fn axios_verbs_send_their_method() {
        let table = [
            ("axios.get('/a')", "axios.get", Get),
            (
                "axios.delete('/a', { headers: {} })",
                "axios.delete",
                Delete,
            ),
            ("axios.head('/a')", "axios.head", Head),
            ("axios.options('/a')", "axios.options", Options),
            ("axios.post('/a', { title })", "axios.post", Post),
            ("axios.put('/a', data, { method: 'GET' })", "axios.put", Put),
            ("axios.patch('/a', {})", "axios.patch", Patch),
            ("axios.postForm('/a', form)", "axios.postForm", Post),
            ("axios['get']('/a')", "axios.get", Get),
            ("const r = await axios.get<Post[]>('/a')", "axios.get", Get),
        ];
        for (src, client, method) in table {
            assert_eq!(
                one("a.ts", src),
                call(client, Some(method), "/a", "'/a'"),
                "{src}"
            );
        }
    }

    #[test]
    fn axios_config_object_gives_url_and_method() {
        let table = [
            (
                "axios({ url: '/c', method: 'post' })",
                "axios",
                Some(Post),
                "/c",
                "'/c'",
            ),
            (
                "axios({ method: 'DELETE', url: `/c/${id}` })",
                "axios",
                Some(Delete),
                "/c/{id}",
                "`/c/${id}`",
            ),
            ("axios({ url: '/c' })", "axios", Some(Get), "/c", "'/c'"),
            (
                "axios.request({ url: '/r', method: 'PUT' })",
                "axios.request",
                Some(Put),
                "/r",
                "'/r'",
            ),
            (
                "const cfg = { url: '/k', method: 'patch' }; axios(cfg)",
                "axios",
                Some(Patch),
                "/k",
                "'/k'",
            ),
            ("axios('/plain')", "axios", Some(Get), "/plain", "'/plain'"),
            (
                "axios('/plain', { method: 'post' })",
                "axios",
                Some(Post),
                "/plain",
                "'/plain'",
            ),
            (
                "axios({ url: '/b', baseURL: '/base/' })",
                "axios",
                Some(Get),
                "/base/b",
                "'/b'",
            ),
            (
                "axios.get('/b', { baseURL: '/base' })",
                "axios.get",
                Some(Get),
                "/base/b",
                "'/b'",
            ),
        ];
        for (src, client, method, path, arg) in table {
            assert_eq!(one("a.js", src), call(client, method, path, arg), "{src}");
        }
        let opaque = one("a.js", "function f(config) { return axios(config) }");
        assert_eq!(opaque.method, None);
        assert!(
            opaque.url.starts_with("unresolved: the URL is `config`"),
            "{}",
            opaque.url
        );
    }

    #[test]
    fn axios_instance_joins_its_base_url_like_axios() {
        let file = "import axios from 'axios';\n\
            const API = '/blog/api';\n\
            const api = axios.create({ baseURL: `${API}/`, timeout: 5000 });\n\
            export async function load(id) {\n\
              await api.get('/posts');\n\
              await api.get('posts');\n\
              await api.post(`/posts/${id}/like`, {});\n\
              await api.get('http://other:9/x');\n\
              await api.get('');\n\
              await api({ url: '/c', method: 'delete' });\n\
              await api.request({ url: 'r', method: 'put' });\n\
              await api.get('/o', { baseURL: '/other' });\n\
            }";
        let call_at = |client: &str, method, origin: Option<&str>, url: &str, arg: &str| Seen {
            origin: origin.map(str::to_owned),
            ..call(client, Some(method), url, arg)
        };
        let want = vec![
            call_at("api.get", Get, None, "/blog/api/posts", "'/posts'"),
            call_at("api.get", Get, None, "/blog/api/posts", "'posts'"),
            call_at(
                "api.post",
                Post,
                None,
                "/blog/api/posts/{id}/like",
                "`/posts/${id}/like`",
            ),
            call_at(
                "api.get",
                Get,
                Some("http://other:9"),
                "/x",
                "'http://other:9/x'",
            ),
            call_at("api.get", Get, None, "/blog/api/", "''"),
            call_at("api", Delete, None, "/blog/api/c", "'/c'"),
            call_at("api.request", Put, None, "/blog/api/r", "'r'"),
            call_at("api.get", Get, None, "/other/o", "'/o'"),
        ];
        assert_eq!(seen("a.js", file), want);
    }

    #[test]
    fn instance_without_base_and_aliased_axios_import_are_recognised() {
        let file = "import http from 'axios';\n\
            const plain = http.create();\n\
            const req = require('axios');\n\
            plain.get('/p'); http.patch('/h'); req.delete('/r');";
        let got: Vec<(String, String)> = seen("a.js", file)
            .into_iter()
            .map(|s| (s.client, s.url))
            .collect();
        let want = [
            ("plain.get", "/p"),
            ("http.patch", "/h"),
            ("req.delete", "/r"),
        ];
        assert_eq!(got, want.map(|(c, u)| (c.to_owned(), u.to_owned())));
    }

    #[test]
    fn defaults_base_url_assignment_sets_the_base() {
        let file = "const api = axios.create({ baseURL: '/ignored' });\n\
            api.defaults.baseURL = '/blog/api';\n\
            axios.defaults.baseURL = 'http://gw:8080/root/';\n\
            function go() { api.get('/posts'); axios.get('/users'); }";
        let got = seen("a.js", file);
        assert_eq!(got[0].url, "/blog/api/posts");
        assert_eq!(
            (got[1].origin.as_deref(), got[1].url.as_str()),
            (Some("http://gw:8080"), "/root/users")
        );

        let twice = "const api = axios.create();\n\
            api.defaults.baseURL = '/a'; api.defaults.baseURL = '/b'; api.get('/x');";
        let url = one("a.js", twice).url;
        assert!(url.contains("set to different values"), "{url}");
    }

    #[test]
    fn url_starting_with_an_imported_base_is_unresolved_not_guessed() {
        let file = "import { API_BASE } from './config';\nfetch(`${API_BASE}/posts`);";
        let got = one("a.js", file);
        assert_eq!(got.arg, "`${API_BASE}/posts`");
        assert_eq!(
            got.url,
            "unresolved: the URL starts with `API_BASE`, which is imported from `./config`, not a constant in this file"
        );
        let table = [
            (
                "fetch(`${process.env.API}/x`)",
                "the URL starts with `process.env.API`",
            ),
            (
                "fetch(BASE + '/x')",
                "the URL starts with `BASE`, which is not declared in this file",
            ),
            (
                "const B = import.meta.env.VITE_API; fetch(`${B}/x`)",
                "the URL starts with `B`, whose value `import.meta.env.VITE_API` is an environment variable",
            ),
            (
                "const B = getBase(); fetch(B + '/x')",
                "the URL starts with `B`, whose value `getBase()`",
            ),
            (
                "fetch(`http://localhost:${port}/api`)",
                "the host of the URL continues with `port`",
            ),
        ];
        for (src, why) in table {
            let url = one("a.js", src).url;
            assert!(
                url.starts_with(&format!("unresolved: {why}")),
                "{src}: {url}"
            );
        }
    }

    #[test]
    fn url_that_is_a_whole_unknown_value_is_unresolved() {
        let table = [
            (
                "function f(url) { fetch(url) }",
                "the URL is `url`, which is a parameter",
            ),
            (
                "fetch(getUrl())",
                "the URL is `getUrl()`, which is not a constant in this file",
            ),
            (
                "let u = '/a'; u = '/b'; fetch(u)",
                "the URL is `u`, which is reassigned",
            ),
            ("let u; fetch(u)", "which is declared without a value"),
            ("const { u } = cfg; fetch(u)", "which is destructured"),
            (
                "fetch(new URL('/x', base))",
                "the URL is `new URL('/x', base)`",
            ),
            ("fetch(...args)", "the URL is a spread argument"),
        ];
        for (src, why) in table {
            let url = one("a.js", src).url;
            assert!(url.starts_with("unresolved: "), "{src}: {url}");
            assert!(url.contains(why), "{src}: {url}");
        }
    }

    #[test]
    fn a_conditional_url_is_both_urls_and_pairs_with_a_method_of_the_same_condition() {
        let urls: Vec<_> = seen("a.js", "fetch(edit ? `/p/${id}` : '/p')")
            .into_iter()
            .map(|c| c.url)
            .collect();
        assert_eq!(urls, vec!["/p/{id}", "/p"]);
        let src = "axios({ url: edit ? `/p/${id}` : '/p', method: edit ? 'PATCH' : 'POST' })";
        let calls: Vec<_> = seen("a.js", src)
            .into_iter()
            .map(|c| (c.method, c.url))
            .collect();
        assert_eq!(
            calls,
            vec![
                (Some(Patch), "/p/{id}".to_owned()),
                (Some(Post), "/p".to_owned())
            ]
        );
    }

    #[test]
    fn a_condition_in_a_constant_gives_one_call_per_branch_paired_with_the_method() {
        // The blog's editor: `url` and `method` constants of one condition, a shorthand
        // `{ method }`; both branches of a query-only difference are one call.
        let src = "async function save(mode, id) {\n  const url = mode === 'edit' ? `/blog/api/posts/${id}` : '/blog/api/posts';\n  const method = mode === 'edit' ? 'PATCH' : 'POST';\n  await fetch(url, { method, body: '{}' });\n  const list = cat ? `/blog/api/posts?category=${cat}` : '/blog/api/posts';\n  await fetch(list);\n  let moving = mode ? '/a' : '/b';\n  moving = '/c';\n  await fetch(moving);\n}\n";
        let calls: Vec<_> = seen("a.js", src)
            .into_iter()
            .map(|c| (c.method, c.url))
            .collect();
        assert_eq!(
            calls[..3],
            [
                (Some(Patch), "/blog/api/posts/{id}".to_owned()),
                (Some(Post), "/blog/api/posts".to_owned()),
                (Some(Get), "/blog/api/posts".to_owned()),
            ]
        );
        // A reassigned `let` is not followed.
        assert_eq!(calls.len(), 4, "{calls:?}");
        assert!(calls[3].1.contains("reassigned"), "{calls:?}");
    }

    #[test]
    fn clients_as_applications_use_them() {
        let table = [
            (
                "class S { constructor(private http: HttpClient) {}\n m(id) { return this.http\n  .get<T>(`/a/${id}`); } }",
                "this.http.get",
                Some(Get),
                "/a/{id}",
            ),
            (
                "class S { constructor(private api: HttpClient) {} m() { return this.api.request('POST', '/b'); } }",
                "this.api.request",
                Some(Post),
                "/b",
            ),
            ("$http.post('/c', data)", "$http.post", Some(Post), "/c"),
            (
                "$http({ method: 'PUT', url: '/d' })",
                "$http",
                Some(Put),
                "/d",
            ),
            (
                "$.ajax({ url: '/e', type: 'DELETE' })",
                "$.ajax",
                Some(Delete),
                "/e",
            ),
            ("$.getJSON('/f')", "$.getJSON", Some(Get), "/f"),
            (
                "import request from 'superagent'; request.del('/g')",
                "request.del",
                Some(Delete),
                "/g",
            ),
            (
                "import ky from 'ky'; ky.patch('/h', { json: {} })",
                "ky.patch",
                Some(Patch),
                "/h",
            ),
            (
                "ky('/i', { method: 'post', prefixUrl: '/api' })",
                "ky",
                Some(Post),
                "/api/i",
            ),
            (
                "$fetch('/j', { baseURL: '/nuxt' })",
                "$fetch",
                Some(Get),
                "/nuxt/j",
            ),
            (
                "const client = createClient({ baseUrl: '/v1' }); client.GET('/users/{id}')",
                "client.GET",
                Some(Get),
                "/v1/users/{id}",
            ),
            (
                "const x = new XMLHttpRequest(); x.open('PUT', '/k')",
                "x.open",
                Some(Put),
                "/k",
            ),
            (
                "fetch(new Request('/l', { method: 'DELETE' }))",
                "fetch",
                Some(Delete),
                "/l",
            ),
        ];
        for (src, client, method, path) in table {
            let got = one("a.ts", src);
            assert_eq!(
                (got.client.as_str(), got.method, got.url.as_str()),
                (client, method, path),
                "{src}"
            );
        }
    }

    #[test]
    fn axios_as_a_vue_plugin_is_axios() {
        let table = [
            ("Vue.axios.get('/a')", "Vue.axios.get", Get, "/a"),
            ("Vue.http.post('/b', body)", "Vue.http.post", Post, "/b"),
            ("Vue.$http.delete('/c')", "Vue.$http.delete", Delete, "/c"),
            ("this.axios.put('/d', x)", "this.axios.put", Put, "/d"),
            ("this.$http.patch('/e', x)", "this.$http.patch", Patch, "/e"),
            // Nuxt's axios module: `$get` returns the data.
            ("this.$axios.$get('/f')", "this.$axios.get", Get, "/f"),
            (
                "export default { asyncData({ $axios }) { return $axios.$post('/g'); } }",
                "$axios.post",
                Post,
                "/g",
            ),
            (
                "Vue.axios.defaults.baseURL = '/api'; Vue.axios.get('/h')",
                "Vue.axios.get",
                Get,
                "/api/h",
            ),
        ];
        for (src, client, method, path) in table {
            let got = one("a.js", src);
            assert_eq!(
                (got.client.as_str(), got.method, got.url.as_str()),
                (client, Some(method), path),
                "{src}"
            );
        }
    }

    #[test]
    fn a_wrapper_parameter_not_passed_takes_its_constant_default() {
        assert_clients(
            "const api = { get(resource, slug = '', v = VERSION) { return axios.get(`/${v}/${resource}/${slug}`); } };\n\
             const VERSION = 'v2';\n\
             api.get('tags'); api.get('posts', id);",
            &[
                ("api.get", Some(Get), "/v2/tags/"),
                ("api.get", Some(Get), "/v2/posts/{id}"),
            ],
        );
    }

    #[test]
    fn a_condition_in_a_wrapper_argument_gives_one_call_per_branch() {
        assert_clients(
            "function get(path) { return fetch(`/api/${path}`); }\n\
             export function list(feed) { return get('articles' + (feed ? '/feed' : '')); }\n\
             get(mine ? 'me' : 'me');",
            &[
                ("get", Some(Get), "/api/articles/feed"),
                ("get", Some(Get), "/api/articles"),
                ("get", Some(Get), "/api/me"),
            ],
        );
    }

    #[test]
    fn wrappers_in_one_file_become_call_sites() {
        let src = "const API_ROOT = '/api';\n\
            const requests = { get: url => superagent.get(`${API_ROOT}${url}`), put: (url, body) => superagent.put(`${API_ROOT}${url}`, body) };\n\
            const Articles = { get: slug => requests.get(`/articles/${slug}`) };\n\
            function api(path, opts) { return fetch('/svc' + path, opts); }\n\
            requests.put('/user', {}); Articles.get(s); api('/x', { method: 'PATCH' }); api('/y');";
        // `requests.get` inside `Articles.get` is reported where `Articles.get` is called.
        assert_clients(
            src,
            &[
                ("requests.put", Some(Put), "/api/user"),
                ("Articles.get", Some(Get), "/api/articles/{s}"),
                ("api", Some(Patch), "/svc/x"),
                ("api", Some(Get), "/svc/y"),
            ],
        );
    }

    /// Asserts the calls of a script: client, method and URL (or why not), in order.
    fn assert_clients(src: &str, want: &[(&str, Option<Method>, &str)]) {
        let got: Vec<(String, Option<Method>, String)> = seen("a.js", src)
            .into_iter()
            .map(|c| (c.client, c.method, c.url))
            .collect();
        let want: Vec<(String, Option<Method>, String)> = want
            .iter()
            .map(|(c, m, u)| ((*c).to_owned(), *m, (*u).to_owned()))
            .collect();
        assert_eq!(got, want, "{src}");
    }

    #[test]
    fn wrappers_declared_before_the_wrappers_they_call_are_found_in_later_rounds() {
        // Each round finds one more level: `c` calls `b`, which calls `a`, each declared
        // before the function it calls.
        let src = "function c(id) { return b(`/c/${id}`); }\n\
            function b(p) { return a(`/b${p}`); }\n\
            function a(p, init) { return fetch(`/api${p}`, init); }\n\
            const Articles = { get: slug => requests.get(`/articles/${slug}`) };\n\
            const requests = { get: url => superagent.get(`/v2${url}`) };\n\
            c(x); Articles.get(s); a('/plain', { method: 'DELETE' });";
        assert_clients(
            src,
            &[
                ("c", Some(Get), "/api/b/c/{x}"),
                ("Articles.get", Some(Get), "/v2/articles/{s}"),
                ("a", Some(Delete), "/api/plain"),
            ],
        );
    }

    #[test]
    fn a_parameter_shadows_a_file_constant_of_the_same_name() {
        let file =
            "const API = '/api'; function f(API) { return fetch(API + '/x') } fetch(API + '/y')";
        let got = seen("a.js", file);
        assert!(
            got[0]
                .url
                .starts_with("unresolved: the URL starts with `API`, which is a parameter")
        );
        assert_eq!(got[1].url, "/api/y");
    }

    #[test]
    fn instance_with_unknown_base_is_unresolved_for_relative_urls_only() {
        let file = "const ext = axios.create({ baseURL: import.meta.env.VITE_API });\n\
            const opaque = axios.create(settings);\n\
            ext.get('/posts'); ext.get('https://abs.example/x'); opaque.get('/y');";
        let got = seen("a.js", file);
        assert_eq!(
            got[0].url,
            "unresolved: the base URL of `ext` is `import.meta.env.VITE_API`, which is an environment variable no `.env` file of the repository (nor `[client] env` in routelint.toml) sets"
        );
        assert_eq!(
            (got[1].origin.as_deref(), got[1].url.as_str()),
            (Some("https://abs.example"), "/x")
        );
        assert!(
            got[2]
                .url
                .contains("its config `settings` is not an object literal"),
            "{}",
            got[2].url
        );
    }

    #[test]
    fn fetch_of_a_new_request_uses_the_request_url_and_method() {
        let table = [
            ("fetch(new Request('/r', { method: 'PUT' }))", Some(Put)),
            ("fetch(new Request('/r'), { method: 'POST' })", Some(Post)),
            ("fetch(new Request('/r'))", Some(Get)),
        ];
        for (src, method) in table {
            assert_eq!(
                one("a.js", src),
                call("fetch", method, "/r", "'/r'"),
                "{src}"
            );
        }
    }

    #[test]
    fn only_recognised_clients_are_reported() {
        let src = "other.get('/a'); myFetch('/b'); $.ajax({ url: '/c' }); get('/d');\n\
            api.get('/e'); axios.create({ baseURL: '/f' }); axios.all([]); fetch();\n\
            const v = { fetch: 1 }; v.fetch('/g');";
        // jQuery is a client since calls are read as real applications write them.
        assert_eq!(
            seen("a.js", src),
            vec![call("$.ajax", Some(Get), "/c", "'/c'")]
        );
    }

    #[test]
    fn calls_are_found_wherever_code_runs() {
        let src = r#"
            fetch('/top');
            async function f() { const r = await fetch('/fn'); }
            const g = async () => { try { await fetch('/try') } catch (e) { fetch('/catch') } finally { fetch('/finally') } };
            class C {
              field = fetch('/field');
              static s = (() => fetch('/static'))();
              static { fetch('/block'); }
              async m() { return this.x.then(() => fetch('/then')); }
              get g() { return fetch('/getter'); }
            }
            const o = { m() { return fetch('/objmethod') }, p: () => fetch('/prop') };
            for (const x of xs) { fetch('/loop') }
            switch (k) { case 1: fetch('/case'); }
            if (a) fetch('/if'); else while (b) fetch('/while');
            export default function D() { return fetch('/default') }
            fetch('/chain').then(r => r.json()).then(() => axios.head('/nested'));
            label: { fetch('/label') }
        "#;
        let got: Vec<String> = seen("a.js", src).into_iter().map(|s| s.url).collect();
        let want = [
            "/top",
            "/fn",
            "/try",
            "/catch",
            "/finally",
            "/field",
            "/static",
            "/block",
            "/then",
            "/getter",
            "/objmethod",
            "/prop",
            "/loop",
            "/case",
            "/if",
            "/while",
            "/default",
            "/chain",
            "/nested",
            "/label",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn tsx_component_calls_are_found_in_hooks_handlers_and_jsx() {
        let src = r#"
            import React, { useEffect } from 'react';
            import axios from 'axios';
            interface Post { id: number }
            const API = '/blog/api';
            export function Posts({ postId }: { postId: string }) {
              useEffect(() => { axios.get<Post[]>(`${API}/posts`).then((r) => r.data); }, []);
              const remove = async (p: Post) => fetch(`${API}/posts/${p.id}` as string, { method: 'DELETE' });
              return (
                <ul>
                  {[1].map((i) => (
                    <li key={i} onClick={() => fetch(`${API}/posts/${postId}/like`, { method: 'post' })}>
                      <>{fetch('/fragment') && null}</>
                    </li>
                  ))}
                </ul>
              );
            }
        "#;
        let got: Vec<(String, Option<Method>, String)> = seen("web/src/Posts.tsx", src)
            .into_iter()
            .map(|s| (s.client, s.method, s.url))
            .collect();
        let want = [
            ("axios.get", Some(Get), "/blog/api/posts"),
            ("fetch", Some(Delete), "/blog/api/posts/{id}"),
            ("fetch", Some(Post), "/blog/api/posts/{postId}/like"),
            ("fetch", Some(Get), "/fragment"),
        ];
        assert_eq!(got, want.map(|(c, m, u)| (c.to_owned(), m, u.to_owned())));
    }

    #[test]
    fn source_type_follows_the_extension() {
        // JSX in a .js file, a type assertion in a .ts file, TSX when the extension is unknown.
        let table = [
            ("a.js", "const x = <div>{fetch('/jsx')}</div>;"),
            ("a.jsx", "const x = <div>{fetch('/jsx')}</div>;"),
            ("a.mjs", "export const x = fetch('/jsx');"),
            ("a.cjs", "module.exports = () => fetch('/jsx');"),
            ("a.ts", "const x = <any>fetch('/jsx');"),
            ("a.vue", "const x = <div>{fetch('/jsx') as any}</div>;"),
        ];
        for (path, src) in table {
            assert_eq!(one(path, src).url, "/jsx", "{path}");
        }
    }

    #[test]
    fn syntax_error_gives_one_problem_at_the_error() {
        let text = "const x = ;\nfetch('/after');";
        let facts = run("a.js", text);
        assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
        let p = &facts.problems[0];
        assert!(
            p.message.starts_with("JavaScript syntax error: "),
            "{}",
            p.message
        );
        assert_eq!((p.span.start, p.span.end), (10, 11));

        let facts = run("a.ts", "fetch('/a'); function (");
        assert_eq!(facts.problems.len(), 1, "{:?}", facts.problems);
    }

    #[test]
    fn empty_and_comment_only_files_have_no_facts() {
        for text in ["", "   \n", "// nothing\n/* here */"] {
            assert!(run("a.js", text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let garbage: String = (0u32..4000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('?'))
            .collect();
        for path in ["a.js", "a.ts", "a.tsx", "a"] {
            let facts = run(path, &garbage);
            assert!(facts.problems.len() <= 1);
        }
        let facts = run("a.js", "\u{0}\u{1}fetch('/x')\u{FFFD}`${");
        assert_eq!(facts.problems.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let n = 5000;
        let table = [
            format!("x = {}fetch('/deep'){};", "(".repeat(n), ")".repeat(n)),
            format!("x = {}1{};", "[".repeat(n), "]".repeat(n)),
            format!("x = {}1{};", "{a:".repeat(n), "}".repeat(n)),
            format!("x = {}", "([{".repeat(n)),
            format!("x = {}1;", "!".repeat(20 * n)),
            format!("x = {}1;", "a=>".repeat(n)),
            format!("x = {}1;", "a?b:".repeat(n)),
            format!("{}x;", "if(a)".repeat(n)),
            format!("x = {}{};", "<a>".repeat(n), "</a>".repeat(n)),
            format!("x = {}1{};", "`${".repeat(n), "}`".repeat(n)),
            format!("{}{}", "function f(){".repeat(n), "}".repeat(n)),
            format!("fetch({}'/x');", "'/a' + ".repeat(20 * n)),
            format!("fetch('/x'){};", ".then(r => r)".repeat(n)),
        ];
        for text in &table {
            let facts = run("a.tsx", text);
            assert!(facts.problems.len() <= 2, "{:?}", facts.problems);
        }
        let nested = run("a.js", &table[0]);
        assert!(
            nested.problems[0].message.contains("nested more than"),
            "{:?}",
            nested.problems
        );
    }

    #[test]
    fn cyclic_and_exploding_constants_terminate() {
        let cycle = "const a = b + '/x'; const b = a + '/y'; fetch(a);";
        assert!(one("a.js", cycle).url.starts_with("unresolved: "));
        let mut doubling = String::from("const a0 = '/x';\n");
        for i in 1..64 {
            doubling += &format!("const a{i} = a{} + a{};\n", i - 1, i - 1);
        }
        doubling += "fetch(a63);";
        assert!(one("a.js", &doubling).url.starts_with("unresolved: "));
    }

    #[test]
    fn axios_join_trims_slashes_like_combine_urls() {
        let lit = |s: &str| vec![Part::Lit(s.to_owned())];
        let table = [
            ("/api", "/x", "/api/x"),
            ("/api/", "x", "/api/x"),
            ("/api//", "//x", "/api/x"),
            ("/api", "", "/api"),
            ("http://h/", "x", "http://h/x"),
        ];
        for (base, url, want) in table {
            assert_eq!(axios_join(lit(base), lit(url)), lit(want), "{base} + {url}");
        }
    }
}
