//! nginx configuration: a hand-written parser (words, quoted strings, `;`, blocks, `#`
//! comments, `$vars`, `*_by_lua_block` bodies) with byte spans, and the `server`/`location`/
//! `proxy_pass` routes it declares. Knows nothing about other layers.
//!
//! What a location becomes (semantics.md, "nginx"):
//! - `= /p` → [`PathMatch::Exact`]; `/p` and `^~ /p` → [`PathMatch::StringPrefix`], with
//!   `priority: Some(1)` marking `^~` (the only use of `priority` for nginx routes: the
//!   simulator's nginx policy reads it as "skip the regex locations"); `~ re` / `~* re` →
//!   [`PathMatch::Regex`], searched anywhere in the path as PCRE does (not anchored), `~*`
//!   case-insensitive. A regex the `regex` crate cannot compile (PCRE lookarounds) makes no
//!   route: routelint does not guess what it matches. Named locations (`@x`) are internal.
//!   Nested locations are flattened into the same table: a regex nested in a prefix location
//!   is tried like a top-level one (nginx tries it only under its parent, and first).
//! - `proxy_pass http://host[:port]` passes the URI unchanged; with a URI part (even `/`) the
//!   matched prefix is replaced by it ([`Rewrite::ReplaceMatched`]), which is where `//x` and
//!   `/apix` come from. Variables in the URI part make the rewrite unknown (`$request_uri`
//!   alone is the client's URI, passed unchanged); variables in the host make the target
//!   opaque. An `upstream NAME { server host:port; }` becomes a component named after its
//!   first server's host with NAME as an alias, so `proxy_pass http://NAME` links across
//!   files (`conf.d/api.conf` using an upstream of `nginx.conf`).
//! - `rewrite regex replacement break` → [`Rewrite::RegexReplace`] over the whole URI, then
//!   the location's handler with the proxy_pass URI part ignored; `last` (or no flag) →
//!   the same rewrite, then location selection again (target: the `http` table itself);
//!   `redirect`/`permanent` or an absolute replacement → nginx answers with a redirect. Only
//!   the first `rewrite` of a location is read; a second one makes the rewrite unknown. The
//!   rewrite is taken to apply to every path of the location (its regex is not intersected
//!   with the location's match).
//! - `return 404|410` → [`Target::Serve`] `return 404`, which the simulator turns into a 404;
//!   `return 2xx|3xx` → served by nginx; other statuses → opaque (not a 404/405 routelint
//!   predicts).
//! - `limit_except GET POST { … }` → the location's methods (GET brings HEAD); nginx answers
//!   the other methods 403.
//! - `if` blocks are not read (their conditions depend on the request); server-level `return`
//!   or redirecting `rewrite` makes a redirect-only server whose locations are never used;
//!   another server-level `rewrite` makes every location's rewrite of that server unknown.
//! - `include` is not followed (extractors read one file): a file under `conf.d/` holding
//!   `server {}` blocks is read as its own servers; a snippet with bare `location` blocks
//!   adds them to the component's one `http` table, as if included into its server. Every
//!   server of a component shares that table: server selection by `listen`/`server_name` is
//!   not modelled (the server names are kept in `hosts`).

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::{
    facts::ComponentFact, facts::ComponentKind, facts::Dialect, facts::Facts, facts::Owner,
    facts::RouteFact, facts::Target, input::Input,
};

/// Nesting deeper than this is a problem, not a stack overflow.
const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------------------------
// Parser

/// One word or quoted string with its byte span (quotes included).
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub quoted: bool,
}

/// A directive: `name args… ;` or `name args… { children }`.
#[derive(Clone, Debug)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    /// `Some` for a block (a `*_by_lua_block` body is skipped: an empty block).
    pub block: Option<Vec<Directive>>,
    pub start: usize,
    pub end: usize,
}

/// A parse problem: byte range and message.
pub type ParseProblem = (usize, usize, String);

enum Tok {
    Word(Word),
    Semi(usize),
    Open(usize),
    Close(usize),
}

struct Lexer<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Lexer<'_> {
    fn skip_space_and_comments(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0c => self.i += 1,
                b'#' => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn next(&mut self, problems: &mut Vec<ParseProblem>) -> Option<Tok> {
        self.skip_space_and_comments();
        let start = self.i;
        let c = *self.s.get(self.i)?;
        match c {
            b';' => {
                self.i += 1;
                Some(Tok::Semi(start))
            }
            b'{' => {
                self.i += 1;
                Some(Tok::Open(start))
            }
            b'}' => {
                self.i += 1;
                Some(Tok::Close(start))
            }
            b'"' | b'\'' => {
                self.i += 1;
                let mut out = Vec::new();
                loop {
                    let Some(&ch) = self.s.get(self.i) else {
                        problems.push((start, start + 1, "unterminated quoted string".to_owned()));
                        break;
                    };
                    self.i += 1;
                    if ch == c {
                        break;
                    }
                    if ch == b'\\' {
                        match self.s.get(self.i) {
                            Some(&e @ (b'"' | b'\'' | b'\\')) => {
                                out.push(e);
                                self.i += 1;
                            }
                            Some(b'n') => {
                                out.push(b'\n');
                                self.i += 1;
                            }
                            Some(b't') => {
                                out.push(b'\t');
                                self.i += 1;
                            }
                            Some(b'r') => {
                                out.push(b'\r');
                                self.i += 1;
                            }
                            _ => out.push(b'\\'),
                        }
                        continue;
                    }
                    out.push(ch);
                }
                Some(Tok::Word(Word {
                    text: String::from_utf8_lossy(&out).into_owned(),
                    start,
                    end: self.i,
                    quoted: true,
                }))
            }
            _ => {
                // A word runs to whitespace, `;` or `{` (nginx's ngx_conf_read_token): `#` and
                // `}` inside a word are part of it, `${` opens a variable, `\` escapes.
                let mut dollar = false;
                while let Some(&ch) = self.s.get(self.i) {
                    match ch {
                        b'\\' => {
                            self.i = (self.i + 2).min(self.s.len());
                            dollar = false;
                            continue;
                        }
                        b'{' if dollar => {}
                        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' => break,
                        _ => {}
                    }
                    dollar = ch == b'$';
                    self.i += 1;
                }
                let end = ceil_boundary(self.text, self.i);
                self.i = end.max(start + 1);
                Some(Tok::Word(Word {
                    text: self.text.get(start..self.i).unwrap_or("").to_owned(),
                    start,
                    end: self.i,
                    quoted: false,
                }))
            }
        }
    }

    /// Skips a Lua block body after its `{`: balanced braces outside Lua strings and comments.
    /// Returns the offset after the closing `}`, or `None` at the end of the text.
    fn skip_lua(&mut self) -> Option<usize> {
        let mut depth = 1usize;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        self.i += 1;
                        return Some(self.i);
                    }
                }
                b'"' | b'\'' => {
                    self.i += 1;
                    while self.i < self.s.len() && self.s[self.i] != c && self.s[self.i] != b'\n' {
                        if self.s[self.i] == b'\\' {
                            self.i += 1;
                        }
                        self.i += 1;
                    }
                }
                b'[' => {
                    if let Some(end) = self.long_bracket(self.i) {
                        self.i = end;
                        continue;
                    }
                }
                b'-' if self.s.get(self.i + 1) == Some(&b'-') => {
                    self.i += 2;
                    if self.s.get(self.i) == Some(&b'[')
                        && let Some(end) = self.long_bracket(self.i)
                    {
                        self.i = end;
                        continue;
                    }
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        None
    }

    /// A Lua long bracket `[[ … ]]` / `[==[ … ]==]` at `at`: the offset after it.
    fn long_bracket(&self, at: usize) -> Option<usize> {
        let mut j = at + 1;
        while self.s.get(j) == Some(&b'=') {
            j += 1;
        }
        if self.s.get(j) != Some(&b'[') {
            return None;
        }
        let level = j - at - 1;
        let mut close = vec![b']'];
        close.extend(std::iter::repeat_n(b'=', level));
        close.push(b']');
        let body = &self.s[j + 1..];
        let pos = memchr::memmem::find(body, &close)?;
        Some(j + 1 + pos + close.len())
    }
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Parses a whole file into directives; problems never stop the parse.
pub fn parse(text: &str) -> (Vec<Directive>, Vec<ParseProblem>) {
    let mut lx = Lexer {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let mut problems = Vec::new();
    // Open blocks: (the directive owning the block, its children so far).
    let mut stack: Vec<(Directive, Vec<Directive>)> = Vec::new();
    let mut top: Vec<Directive> = Vec::new();
    let mut pending: Vec<Word> = Vec::new();
    fn push(stack: &mut [(Directive, Vec<Directive>)], top: &mut Vec<Directive>, d: Directive) {
        match stack.last_mut() {
            Some((_, children)) => children.push(d),
            None => top.push(d),
        }
    }
    while let Some(tok) = lx.next(&mut problems) {
        match tok {
            Tok::Word(w) => pending.push(w),
            Tok::Semi(at) => {
                let mut words = std::mem::take(&mut pending).into_iter();
                match words.next() {
                    Some(name) => {
                        let start = name.start;
                        let d = Directive {
                            name,
                            args: words.collect(),
                            block: None,
                            start,
                            end: at + 1,
                        };
                        push(&mut stack, &mut top, d);
                    }
                    None => problems.push((at, at + 1, "unexpected `;`".to_owned())),
                }
            }
            Tok::Open(at) => {
                let mut words = std::mem::take(&mut pending).into_iter();
                let Some(name) = words.next() else {
                    problems.push((at, at + 1, "a block without a directive name".to_owned()));
                    // Read it anyway so its closing brace balances.
                    stack.push((
                        Directive {
                            name: Word {
                                text: String::new(),
                                start: at,
                                end: at + 1,
                                quoted: false,
                            },
                            args: Vec::new(),
                            block: None,
                            start: at,
                            end: at + 1,
                        },
                        Vec::new(),
                    ));
                    continue;
                };
                let start = name.start;
                let mut d = Directive {
                    name,
                    args: words.collect(),
                    block: None,
                    start,
                    end: at + 1,
                };
                if d.name.text.ends_with("_by_lua_block") {
                    match lx.skip_lua() {
                        Some(end) => {
                            d.end = end;
                            d.block = Some(Vec::new());
                            push(&mut stack, &mut top, d);
                        }
                        None => problems.push((
                            d.start,
                            at + 1,
                            format!("`{}` is never closed", d.name.text),
                        )),
                    }
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    problems.push((at, at + 1, "blocks nested too deeply".to_owned()));
                    return (top, problems);
                }
                stack.push((d, Vec::new()));
            }
            Tok::Close(at) => {
                if let Some(w) = pending.first() {
                    problems.push((
                        w.start,
                        at + 1,
                        format!("`{}` is not terminated by `;`", w.text),
                    ));
                    pending.clear();
                }
                match stack.pop() {
                    Some((mut d, children)) => {
                        d.block = Some(children);
                        d.end = at + 1;
                        push(&mut stack, &mut top, d);
                    }
                    None => problems.push((at, at + 1, "unexpected `}`".to_owned())),
                }
            }
        }
    }
    // An unterminated string took the rest of the file: that one problem says it all.
    let swallowed = problems
        .last()
        .is_some_and(|p| p.2 == "unterminated quoted string");
    if let Some(w) = pending.first().filter(|_| !swallowed) {
        problems.push((
            w.start,
            w.end,
            format!("`{}` is not terminated by `;`", w.text),
        ));
    }
    while let Some((mut d, children)) = stack.pop() {
        if !swallowed {
            problems.push((
                d.start,
                d.end,
                format!("the `{}` block is never closed", d.name.text),
            ));
        }
        d.block = Some(children);
        d.end = text.len();
        push(&mut stack, &mut top, d);
    }
    (top, problems)
}

// ---------------------------------------------------------------------------------------------
// Semantics

/// Reads one nginx configuration file.
pub fn extract(input: Input<'_>) -> Facts {
    extract_with_env(input, &std::collections::BTreeMap::new())
}

/// Reads one nginx file as envsubst renders it with `env`: a `${NAME}` the environment sets
/// takes its value (spans stay those of the template); the others stay placeholders, which
/// read like nginx variables.
pub fn extract_with_env(
    input: Input<'_>,
    env: &std::collections::BTreeMap<String, String>,
) -> Facts {
    let mut facts = Facts::default();
    let (mut directives, problems) = parse(input.text);
    if !env.is_empty() {
        substitute(&mut directives, env);
    }
    for (s, e, m) in problems {
        facts.problem(input.span(s, e), m);
    }
    let mut cx = Cx {
        input,
        order: 0,
        facts,
    };
    cx.block(&directives, &Server::default(), 0);
    cx.facts
}

/// Replaces `${NAME}` in every word by the environment's value (envsubst with a variable
/// list leaves the names it is not given alone).
fn substitute(directives: &mut [Directive], env: &std::collections::BTreeMap<String, String>) {
    let expand = |w: &mut Word| {
        if !w.text.contains("${") {
            return;
        }
        let mut out = String::with_capacity(w.text.len());
        let mut rest = w.text.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            match after.find('}').map(|j| (&after[..j], j)) {
                Some((name, j)) if env.contains_key(name) => {
                    out.push_str(&env[name]);
                    rest = &after[j + 1..];
                }
                _ => {
                    out.push_str("${");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        w.text = out;
    };
    for d in directives {
        expand(&mut d.name);
        d.args.iter_mut().for_each(expand);
        if let Some(block) = &mut d.block {
            substitute(block, env);
        }
    }
}

/// Whether a `.conf` file reads as nginx configuration (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "server {",
        "location ",
        "http {",
        "upstream ",
        "proxy_pass",
        "events {",
    ]
    .iter()
    .any(|t| text.contains(t))
}

/// What a server block says to all its locations.
#[derive(Clone, Debug, Default)]
struct Server {
    names: Vec<String>,
    /// A server-level `rewrite` that is not a redirect.
    rewrite: Option<String>,
}

struct Cx<'a> {
    input: Input<'a>,
    order: u32,
    facts: Facts,
}

impl Cx<'_> {
    fn span(&self, w: &Word) -> Span {
        self.input.span(w.start, w.end)
    }

    fn block(&mut self, ds: &[Directive], server: &Server, depth: usize) {
        for d in ds {
            match (d.name.text.as_str(), &d.block) {
                ("upstream", Some(children)) => self.upstream(d, children),
                ("server", Some(children)) => self.server(children),
                ("location", Some(children)) => self.location(d, children, server, depth),
                ("if" | "limit_except" | "types" | "map" | "geo" | "split_clients", _) => {}
                (_, Some(children)) => self.block(children, server, depth),
                _ => {}
            }
        }
    }

    fn upstream(&mut self, d: &Directive, children: &[Directive]) {
        let Some(name) = d.args.first() else { return };
        let host = children
            .iter()
            .filter(|c| c.name.text == "server" && c.block.is_none())
            .filter_map(|c| c.args.first())
            .map(|a| a.text.as_str())
            .find(|a| !a.starts_with("unix:"))
            .map(|a| match a.rsplit_once(':') {
                Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h.to_owned(),
                _ => a.to_owned(),
            });
        let Some(host) = host.filter(|h| !h.is_empty()) else {
            return;
        };
        self.facts.components.push(ComponentFact {
            name: host,
            kind: ComponentKind::Service,
            aliases: vec![name.text.clone()],
            hosts: Vec::new(),
            span: self.span(name),
        });
    }

    fn server(&mut self, children: &[Directive]) {
        let mut server = Server::default();
        for c in children {
            match c.name.text.as_str() {
                "server_name" => server
                    .names
                    .extend(c.args.iter().map(|a| a.text.clone()).filter(|n| n != "_")),
                // Server-level `return` answers every request before any location is chosen.
                "return" => return,
                "rewrite" => {
                    let flag = c.args.get(2).map(|a| a.text.as_str());
                    let to = c.args.get(1).map(|a| a.text.as_str()).unwrap_or("");
                    if matches!(flag, Some("redirect" | "permanent")) || is_absolute(to) {
                        return;
                    }
                    server.rewrite = Some(format!(
                        "server-level rewrite {}",
                        c.args.first().map(|a| a.text.as_str()).unwrap_or("")
                    ));
                }
                _ => {}
            }
        }
        self.block(children, &server, 0);
    }

    fn location(&mut self, d: &Directive, children: &[Directive], server: &Server, depth: usize) {
        let Some(loc) = location_match(&d.args) else {
            return;
        };
        let (modifier, path, matcher, caret) = match loc {
            Some(m) => m,
            None => {
                // A named location or a regex the `regex` crate cannot compile.
                self.block(children, server, depth + 1);
                return;
            }
        };
        let origin = if modifier.is_empty() {
            format!("location {path}")
        } else {
            format!("location {modifier} {path}")
        };
        let span = match d.args.last() {
            Some(w) => self.span(w),
            None => self.input.span(d.start, d.end),
        };
        let rule_span = self.input.span(d.start, d.end);
        let mut methods = MethodSet::Any;
        let mut handler: Option<Handler> = None;
        let mut rewrites: Vec<&Directive> = Vec::new();
        for c in children {
            match c.name.text.as_str() {
                "limit_except" => {
                    let mut list: Vec<Method> = c
                        .args
                        .iter()
                        .filter_map(|a| Method::parse(&a.text))
                        .collect();
                    if list.contains(&Method::Get) {
                        list.push(Method::Head);
                    }
                    methods = MethodSet::only(list);
                }
                "proxy_pass" => {
                    if let Some(a) = c.args.first() {
                        handler = Some(Handler::Proxy(a.clone()));
                    }
                }
                "return" if handler.is_none() => {
                    handler = Some(Handler::Return(c.clone()));
                }
                "fastcgi_pass" | "uwsgi_pass" | "scgi_pass" | "grpc_pass" | "memcached_pass" => {
                    handler = Some(Handler::Other(c.name.text.clone()));
                }
                "rewrite" => rewrites.push(c),
                _ => {}
            }
        }
        let is_regex = matches!(matcher, PathMatch::Regex { .. });
        let (mut target, mut rewrite, mut rewrite_span) = (
            Target::Serve {
                handler: "static files".to_owned(),
            },
            None,
            None,
        );
        // The rewrite directives run first (rewrite phase), then the content handler.
        let mut reselect = false;
        if let Some(rw) = rewrites.first() {
            rewrite_span = Some(self.input.span(rw.start, rw.end));
            let regex = rw.args.first().map(|a| a.text.as_str()).unwrap_or("");
            let to = rw.args.get(1).map(|a| a.text.as_str()).unwrap_or("");
            let flag = rw.args.get(2).map(|a| a.text.as_str()).unwrap_or("");
            if matches!(flag, "redirect" | "permanent") || is_absolute(to) {
                handler = Some(Handler::Redirect(format!("rewrite {regex} {to} {flag}")));
            } else {
                rewrite = Some(if rewrites.len() > 1 {
                    several_rewrites(&rewrites)
                } else {
                    regex_rewrite(regex, to, flag)
                });
                match flag {
                    // `break`: the handler gets the rewritten URI, the proxy_pass URI part
                    // is ignored (a rewrite is already set, so none is added below).
                    "break" => {}
                    _ => reselect = true,
                }
            }
        }
        match handler {
            Some(Handler::Proxy(url)) => {
                let (t, uri) = self.proxy_target(&url);
                target = t;
                if rewrite.is_none() {
                    match uri {
                        ProxyUri::None => {}
                        ProxyUri::Unknown(why) => {
                            rewrite = Some(Rewrite::Unknown(why));
                            rewrite_span = Some(self.span(&url));
                        }
                        ProxyUri::Part(_) if is_regex => self.facts.problem(
                            self.span(&url),
                            "proxy_pass cannot have a URI part in a location given by a regular expression",
                        ),
                        ProxyUri::Part(p) => {
                            rewrite = Some(Rewrite::ReplaceMatched(p));
                            rewrite_span = Some(self.span(&url));
                        }
                    }
                }
            }
            Some(Handler::Return(r)) => {
                let code = r.args.first().map(|a| a.text.as_str()).unwrap_or("");
                target = match code.parse::<u16>() {
                    Ok(c @ (404 | 410)) => Target::Serve {
                        handler: format!("return {c}"),
                    },
                    Ok(c) if c < 400 => Target::Serve {
                        handler: format!("return {c}"),
                    },
                    Ok(c) => Target::Opaque {
                        why: format!("nginx answers {c} itself (return {c})"),
                    },
                    // `return URL`: a 302.
                    Err(_) => Target::Serve {
                        handler: "return 302".to_owned(),
                    },
                };
            }
            Some(Handler::Redirect(h)) => {
                target = Target::Serve { handler: h };
                rewrite = None;
            }
            Some(Handler::Other(name)) => {
                target = Target::Opaque {
                    why: format!("{name}: an application routelint does not read"),
                };
            }
            None => {}
        }
        // `last` (or no flag): the rewritten URI selects a location again.
        if reselect && rewrite.is_some() {
            target = Target::Table("http".to_owned());
        }
        if let Some(why) = &server.rewrite {
            rewrite = Some(Rewrite::Unknown(why.clone()));
        }
        self.order += 1;
        self.facts.routes.push(RouteFact {
            owner: Owner::File,
            table: "http".to_owned(),
            origin,
            order: self.order,
            matcher,
            methods,
            rewrite,
            rewrite_span,
            target,
            span,
            rule_span,
            hosts: server.names.clone(),
            gateways: Vec::new(),
            dialect: Dialect::Nginx,
            priority: caret.then_some(1),
            conditional: false,
        });
        // Nested locations.
        if depth < MAX_DEPTH {
            for c in children {
                if let ("location", Some(ch)) = (c.name.text.as_str(), &c.block) {
                    self.location(c, ch, server, depth + 1);
                }
            }
        }
    }

    /// The target and URI part of a `proxy_pass` URL.
    fn proxy_target(&self, url: &Word) -> (Target, ProxyUri) {
        let u = url.text.as_str();
        let rest = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .unwrap_or(u);
        let (hostport, uri) = match rest.find(['/', '?', '$']).filter(|i| *i > 0) {
            Some(i) => (&rest[..i], Some(&rest[i..])),
            None => (rest, None),
        };
        if hostport.contains('$') || hostport.is_empty() || hostport.starts_with("unix:") {
            return (
                Target::Opaque {
                    why: format!("proxy_pass {u}: the upstream depends on variables"),
                },
                ProxyUri::None,
            );
        }
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, p.parse().ok()),
            _ => (hostport, None),
        };
        let target = Target::Forward {
            host: host.to_owned(),
            port,
            span: self.span(url),
        };
        let uri = match uri {
            None => ProxyUri::None,
            Some("$request_uri") => ProxyUri::None,
            Some(p) if p.contains('$') => {
                ProxyUri::Unknown(format!("proxy_pass {u}: the URI depends on variables"))
            }
            Some(p) => ProxyUri::Part(p.split('?').next().unwrap_or(p).to_owned()),
        };
        (target, uri)
    }
}

enum Handler {
    Proxy(Word),
    Return(Directive),
    Redirect(String),
    Other(String),
}

enum ProxyUri {
    None,
    Part(String),
    Unknown(String),
}

fn is_absolute(to: &str) -> bool {
    to.starts_with("http://") || to.starts_with("https://") || to.starts_with("$scheme")
}

/// A location's modifier, path, matcher and `^~` flag. `None`: no argument (not a location
/// routelint can read); `Some(None)`: a named location or an uncompilable regex.
#[allow(clippy::type_complexity)]
fn location_match(args: &[Word]) -> Option<Option<(String, String, PathMatch, bool)>> {
    let (modifier, path) = match args {
        [m, p] => (m.text.clone(), p.text.clone()),
        [one] => {
            let t = one.text.as_str();
            if one.quoted {
                (String::new(), t.to_owned())
            } else if let Some(r) = t.strip_prefix("^~") {
                ("^~".to_owned(), r.to_owned())
            } else if let Some(r) = t.strip_prefix("~*") {
                ("~*".to_owned(), r.to_owned())
            } else if let Some(r) = t.strip_prefix('~') {
                ("~".to_owned(), r.to_owned())
            } else if let Some(r) = t.strip_prefix('=') {
                ("=".to_owned(), r.to_owned())
            } else {
                (String::new(), t.to_owned())
            }
        }
        _ => return None,
    };
    if path.starts_with('@') || path.is_empty() {
        return Some(None);
    }
    let m = match modifier.as_str() {
        "=" => PathMatch::Exact {
            path: path.clone(),
            ignore_case: false,
        },
        "" | "^~" => PathMatch::StringPrefix {
            prefix: path.clone(),
            ignore_case: false,
        },
        "~" | "~*" => {
            let src = if modifier == "~*" {
                format!("(?i){path}")
            } else {
                path.clone()
            };
            match regex::Regex::new(&src) {
                Ok(re) => PathMatch::Regex {
                    source: path.clone(),
                    re,
                },
                Err(_) => return Some(None),
            }
        }
        _ => return None,
    };
    let caret = modifier == "^~";
    Some(Some((modifier, path, m, caret)))
}

/// `rewrite regex replacement`: nginx replaces the whole URI when the regex matches anywhere;
/// `$1` captures; a replacement with other variables is unknown.
/// Several `rewrite` directives of one location: run in order, each whose regex matches
/// rewrites the URI, and `break` ends the list. When every one ends with `break`, the first
/// that matches decides; other flag mixes (a rewrite that continues into the next, `last`
/// re-selecting a location) are not followed.
fn several_rewrites(rewrites: &[&Directive]) -> Rewrite {
    let all_break = rewrites
        .iter()
        .all(|r| r.args.get(2).is_some_and(|a| a.text == "break"));
    if !all_break {
        return Rewrite::Unknown("several rewrite directives".to_owned());
    }
    let list: Vec<Rewrite> = rewrites
        .iter()
        .map(|r| {
            let arg = |i: usize| r.args.get(i).map(|a| a.text.as_str()).unwrap_or("");
            regex_rewrite(arg(0), arg(1), arg(2))
        })
        .collect();
    match list.iter().find(|r| matches!(r, Rewrite::Unknown(_))) {
        Some(unknown) => unknown.clone(),
        None => Rewrite::FirstOf(list),
    }
}

fn regex_rewrite(regex: &str, to: &str, flag: &str) -> Rewrite {
    let shown = format!("rewrite {regex} {to} {flag}").trim_end().to_owned();
    let to = to.split('?').next().unwrap_or(to);
    let mut with = String::new();
    let mut chars = to.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            if n.is_empty() {
                return Rewrite::Unknown(format!("{shown}: the replacement uses variables"));
            }
            with.push_str(&format!("${{{n}}}"));
        } else {
            with.push(c);
        }
    }
    let whole = format!("^(?s:.*?)(?:{regex})(?s:.*)$");
    match regex::Regex::new(&whole) {
        Ok(re) => Rewrite::RegexReplace { re, with, shown },
        Err(_) => Rewrite::Unknown(format!("{shown}: a PCRE regex routelint cannot run")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten};

    fn run(text: &str) -> Facts {
        extract(crate::sources::testing::test_input(
            "nginx/nginx.conf",
            text,
        ))
    }

    fn names(ds: &[Directive]) -> Vec<String> {
        ds.iter().map(|d| d.name.text.clone()).collect()
    }

    #[test]
    fn words_quotes_comments_and_blocks() {
        let (ds, problems) = parse(
            "# top\nhttp {\n  log_format main '$remote_addr \"q\" \\'x\\'';\n  server { listen 80; # c\n location ~ \"^/(?#x)\" { return 200; } }\n}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(names(&ds), ["http"]);
        let http = ds[0].block.as_ref().unwrap();
        assert_eq!(names(http), ["log_format", "server"]);
        assert_eq!(http[0].args[1].text, "$remote_addr \"q\" 'x'");
        let server = http[1].block.as_ref().unwrap();
        assert_eq!(names(server), ["listen", "location"]);
        assert_eq!(server[1].args[1].text, "^/(?#x)");
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        let (ds, problems) = parse("location ~* (?:#.*#|\\.(?:bak|conf)|~)$ {\n  deny all;\n}\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(ds[0].args[1].text, "(?:#.*#|\\.(?:bak|conf)|~)$");
        assert_eq!(names(ds[0].block.as_ref().unwrap()), ["deny"]);
    }

    #[test]
    fn lua_blocks_are_skipped_with_their_braces_and_long_strings() {
        let (ds, problems) = parse(
            "http {\n init_by_lua_block {\n  t = { a = \"}\" }\n  s = [[ { {% x %} ]]\n  -- }\n }\n server { location / { content_by_lua_block { if x then y = {} end } } }\n}\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            names(ds[0].block.as_ref().unwrap()),
            ["init_by_lua_block", "server"]
        );
    }

    #[test]
    fn bad_input_is_a_problem_with_a_location() {
        let table: [(&str, &str, usize); 5] = [
            ("http {\n server {\n", "never closed", 8),
            ("server { }\n}\n", "unexpected `}`", 11),
            ("location / { return \"404; }\n", "unterminated", 20),
            ("listen 80\n", "not terminated", 0),
            ("location / { proxy_pass http://a }\n", "not terminated", 13),
        ];
        for (text, want, at) in table {
            let f = run(text);
            let p = f
                .problems
                .iter()
                .find(|p| p.message.contains(want))
                .unwrap_or_else(|| panic!("{text:?}: {:?}", f.problems));
            assert_eq!(p.span.start as usize, at, "{text:?}");
            assert!(p.span.end as usize <= text.len());
        }
    }

    fn route<'a>(f: &'a Facts, origin: &str) -> &'a RouteFact {
        f.routes
            .iter()
            .find(|r| r.origin == origin)
            .unwrap_or_else(|| {
                panic!(
                    "no {origin}: {:?}",
                    f.routes.iter().map(|r| &r.origin).collect::<Vec<_>>()
                )
            })
    }

    #[test]
    fn proxy_pass_slash_arithmetic() {
        // semantics.md, nginx: the four location/proxy_pass combinations, and no URI part.
        let table = [
            ("/p/", "http://b/", "/p/x", "/x"),
            ("/p", "http://b/", "/p/x", "//x"),
            ("/p/", "http://b/api", "/p/x", "/apix"),
            ("/p", "http://b/api", "/p/x", "/api/x"),
            ("/p/", "http://b", "/p/x", "/p/x"),
            ("/p/", "http://b:8080/v1/", "/p/{id}/y", "/v1/{id}/y"),
            ("/p/", "http://b$request_uri", "/p/x", "/p/x"),
        ];
        for (loc, pass, req, want) in table {
            let f = run(&format!(
                "server {{ location {loc} {{ proxy_pass {pass}; }} }}"
            ));
            let r = route(&f, &format!("location {loc}"));
            let got = match &r.rewrite {
                None => Rewritten::Path(ReqPath::parse(req)),
                Some(rw) => rw.apply(&r.matcher, &ReqPath::parse(req)),
            };
            assert_eq!(
                got,
                Rewritten::Path(ReqPath::parse(want)),
                "{loc} {pass} {req}"
            );
            assert!(matches!(r.target, Target::Forward { ref host, .. } if host == "b"));
        }
    }

    #[test]
    fn break_rewrites_of_a_location_run_in_order_and_the_first_match_decides() {
        let f = run(
            "server { location /api/orders { rewrite ^/api/orders$ / break; rewrite ^/api/orders(/.*)$ $1 break; proxy_pass http://order-service:3000; } location /mixed { rewrite ^/mixed$ / last; rewrite ^/mixed(/.*)$ $1 break; proxy_pass http://m; } }",
        );
        let r = route(&f, "location /api/orders");
        let rw = r.rewrite.as_ref().expect("a rewrite");
        for (req, want) in [
            ("/api/orders", "/"),
            ("/api/orders/{id}", "/{id}"),
            ("/api/orders/a/b", "/a/b"),
            // Neither regex matches: the URI is left as it is.
            ("/api/ordersx", "/api/ordersx"),
        ] {
            assert_eq!(
                rw.apply(&r.matcher, &ReqPath::parse(req)),
                Rewritten::Path(ReqPath::parse(want)),
                "{req}"
            );
        }
        // `last` re-selects a location: not followed.
        assert!(matches!(
            route(&f, "location /mixed").rewrite,
            Some(Rewrite::Unknown(_))
        ));
    }

    #[test]
    fn variables_make_the_rewrite_or_the_target_unknown() {
        let f = run(
            "server { location /a/ { proxy_pass http://b/$1; } location /c/ { proxy_pass http://$up; } }",
        );
        assert!(matches!(
            route(&f, "location /a/").rewrite,
            Some(Rewrite::Unknown(_))
        ));
        assert!(matches!(
            route(&f, "location /c/").target,
            Target::Opaque { .. }
        ));
    }

    #[test]
    fn location_modifiers_become_matchers() {
        let f = run(
            "server {\n location = /x { return 200; }\n location ^~ /s/ { return 200; }\n location ~* \\.PNG$ { return 200; }\n location =/y { return 200; }\n location @named { return 200; }\n location ~ /\\.(?!well-known) { deny all; }\n}",
        );
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| format!("{} {:?}", r.matcher, r.priority))
            .collect();
        assert_eq!(
            got,
            [
                "exact /x None",
                "prefix /s/ Some(1)",
                "regex \\.PNG$ None",
                "exact /y None"
            ]
        );
        assert!(
            f.routes[2]
                .matcher
                .matches(&ReqPath::parse("/a/b.png"))
                .matched()
        );
    }

    #[test]
    fn limit_except_rewrite_return_and_upstreams() {
        let f = run(
            "http {\n upstream users_backend { server unix:/tmp/s; server users:8080; }\n server {\n  server_name api.example.com;\n  location /users/ { limit_except GET POST { deny all; } proxy_pass http://users_backend; }\n  location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }\n  location /v2/ { rewrite ^/v2/(.*)$ /$1 break; proxy_pass http://users_backend/ignored/; }\n  location /gone { return 404; }\n  location /moved { return 301 /new/; }\n }\n}",
        );
        assert_eq!(f.components.len(), 1);
        assert_eq!(f.components[0].name, "users");
        assert_eq!(f.components[0].aliases, ["users_backend"]);
        let users = route(&f, "location /users/");
        assert_eq!(
            users.methods,
            MethodSet::only([Method::Get, Method::Post, Method::Head])
        );
        assert_eq!(users.hosts, ["api.example.com"]);
        let old = route(&f, "location /old/");
        assert_eq!(old.target, Target::Table("http".to_owned()));
        assert_eq!(
            old.rewrite
                .as_ref()
                .unwrap()
                .apply(&old.matcher, &ReqPath::parse("/old/a/{id}")),
            Rewritten::Path(ReqPath::parse("/new/a/{id}"))
        );
        let v2 = route(&f, "location /v2/");
        assert!(matches!(v2.target, Target::Forward { .. }));
        assert_eq!(
            v2.rewrite
                .as_ref()
                .unwrap()
                .apply(&v2.matcher, &ReqPath::parse("/v2/users")),
            Rewritten::Path(ReqPath::parse("/users"))
        );
        assert_eq!(
            route(&f, "location /gone").target,
            Target::Serve {
                handler: "return 404".to_owned()
            }
        );
        assert_eq!(
            route(&f, "location /moved").target,
            Target::Serve {
                handler: "return 301".to_owned()
            }
        );
    }

    #[test]
    fn redirect_servers_have_no_locations_and_snippets_keep_theirs() {
        let f = run(
            "server { listen 80; return 301 https://$host$request_uri; location / { proxy_pass http://a; } }\nlocation /api/ { proxy_pass http://b/; }",
        );
        let got: Vec<&str> = f.routes.iter().map(|r| r.origin.as_str()).collect();
        assert_eq!(got, ["location /api/"]);
    }

    #[test]
    fn regex_location_with_a_uri_part_is_a_problem() {
        let f = run("server { location ~ ^/a/ { proxy_pass http://b/x; } }");
        assert_eq!(f.problems.len(), 1);
    }

    #[test]
    fn truncated_and_shuffled_input_never_panics() {
        // Every prefix of a config full of the tricky tokens, and a deterministic token soup.
        let text = "http { upstream u { server a:1; } server { server_name é.example; location ~* \"^/(?#x)\\\"\" { content_by_lua_block { s = [==[ } ]==] -- }\n } } location /p/ { rewrite ^/p/(.*)$ /$1 last; proxy_pass http://u/api; limit_except GET { deny all; } } location = /x { return 404; } } }";
        for i in 0..=text.len() {
            if text.is_char_boundary(i) {
                let f = run(&text[..i]);
                assert!(f.problems.iter().all(|p| p.span.end as usize <= i));
            }
        }
        let toks = [
            "{",
            "}",
            ";",
            "\"",
            "'",
            "#",
            "\\",
            "location",
            "~",
            "^~",
            "=",
            "/a",
            "proxy_pass",
            "http://b/",
            "$x",
            "${y}",
            "rewrite",
            "(",
            "[[",
            "]]",
            "_by_lua_block",
            "\n",
            " ",
            "é",
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(toks[(seed >> 33) as usize % toks.len()]);
                t.push(' ');
            }
            let f = run(&t);
            assert!(f.problems.iter().all(|p| p.span.end as usize <= t.len()));
        }
    }

    #[test]
    fn every_corpus_file_reads_without_a_panic_and_valid_files_without_problems() {
        let read = crate::sources::testing::corpus::check("nginx", false, |c| {
            extract(crate::sources::testing::test_input(&c.name, &c.text))
        });
        // cleanConf.src.conf is cut short (15 `{`, 14 `}`): nginx refuses it, and the one
        // problem is the `http` block that is never closed.
        let clean = read
            .iter()
            .find(|(c, _)| c.name.ends_with("cleanConf.src.conf"));
        if let Some((_, f)) = clean {
            let msgs: Vec<&str> = f.problems.iter().map(|p| p.message.as_str()).collect();
            assert_eq!(msgs, ["the `http` block is never closed"]);
        }
        assert!(
            read.is_empty() || read.len() >= 20,
            "only {} nginx corpus files",
            read.len()
        );
    }
}
