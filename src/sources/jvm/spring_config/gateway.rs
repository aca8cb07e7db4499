//! Spring Cloud Gateway route semantics shared by the configuration reader and the Java
//! `RouteLocatorBuilder` reader: a route as its predicates and filters say it, turned into
//! [`RouteFact`]s (PathPattern matching, `StripPrefix`, `RewritePath`, `PrefixPath`,
//! `SetPath`, `lb://` targets, `order`). Knows nothing about where the route was written.

use regex::Regex;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PatSeg, PathMatch, Pattern, Rewrite};
use crate::source_file::Span;
use crate::sources::{facts::Dialect, facts::Owner, facts::RouteFact, facts::Target};

/// The routing table every Spring Cloud Gateway (and Zuul) route of a component goes to, so
/// that routes from several files and the Java DSL are ordered together.
pub const TABLE: &str = "gateway";

/// One predicate or filter: its name and its arguments with where each is written.
#[derive(Clone, Debug)]
pub struct Def {
    pub name: String,
    /// `(key, value, span)`: the key is `None` for shortcut arguments.
    pub args: Vec<(Option<String>, String, Span)>,
    pub span: Span,
}

impl Def {
    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The argument values, the flag `matchTrailingSlash` left out.
    fn values(&self) -> impl Iterator<Item = &(Option<String>, String, Span)> {
        self.args
            .iter()
            .filter(|(k, _, _)| !k.as_deref().is_some_and(is_trailing_flag))
    }
}

fn is_trailing_flag(k: &str) -> bool {
    k.eq_ignore_ascii_case("matchTrailingSlash") || k.eq_ignore_ascii_case("match-trailing-slash")
}

/// A route as declared: predicates and filters not yet interpreted.
#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub id: String,
    pub uri: Option<(String, Span)>,
    pub predicates: Vec<Def>,
    /// `default-filters` first, as the gateway merges them (see [`merge_filters`]).
    pub filters: Vec<Def>,
    pub order: i64,
    /// The whole route item.
    pub rule_span: Span,
    /// Human name of where it is declared.
    pub origin: String,
}

/// Spring merges `default-filters` and a route's filters, gives each list's filters the orders
/// 1, 2, 3… and sorts stably: the n-th default filter runs just before the n-th route filter.
pub fn merge_filters(defaults: &[Def], own: &[Def]) -> Vec<Def> {
    let mut out = Vec::new();
    for i in 0..defaults.len().max(own.len()) {
        out.extend(defaults.get(i).cloned());
        out.extend(own.get(i).cloned());
    }
    out
}

/// A shortcut definition `Name=a, b` (`tokenizeToStringArray` on `,`, trimmed, empty tokens
/// dropped). `text` is the scalar's value and `at` where its first byte is in the file, when the
/// value is written plainly (else every argument points at `whole`).
pub fn shortcut(text: &str, at: Option<usize>, whole: Span) -> Def {
    let (name, rest, rest_at) = match text.split_once('=') {
        Some((n, r)) => (n.trim(), r, n.len() + 1),
        None => (text.trim(), "", text.len()),
    };
    let mut args = Vec::new();
    let mut off = rest_at;
    for part in rest.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let span = match at {
                Some(a) => Span::new(whole.file, a + off + lead, a + off + lead + trimmed.len()),
                None => whole,
            };
            args.push((None, trimmed.to_owned(), span));
        }
        off += part.len() + 1;
    }
    Def {
        name: name.to_owned(),
        args,
        span: whole,
    }
}

/// What a route's predicates say about the path, methods and hosts.
struct Matching {
    patterns: Vec<(String, Span)>,
    /// `matchTrailingSlash` as written (`None`: the version's default).
    trailing: Option<bool>,
    methods: MethodSet,
    hosts: Vec<String>,
    conditional: bool,
    /// A predicate routelint cannot read (a `${…}` placeholder in a path).
    unknown_path: bool,
}

fn matching(preds: &[Def]) -> Matching {
    let mut m = Matching {
        patterns: Vec::new(),
        trailing: None,
        methods: MethodSet::Any,
        hosts: Vec::new(),
        conditional: false,
        unknown_path: false,
    };
    for p in preds {
        if p.is("Path") {
            for (k, v, _) in &p.args {
                if k.as_deref().is_some_and(is_trailing_flag) {
                    m.trailing = v.parse().ok();
                }
            }
            let vals: Vec<_> = p.values().collect();
            let n = vals.len();
            for (i, (k, v, span)) in vals.into_iter().enumerate() {
                // Shortcut `Path=/a,/b,false`: a boolean at the end is matchTrailingSlash.
                if k.is_none() && i + 1 == n && i > 0 && (v == "true" || v == "false") {
                    m.trailing = v.parse().ok();
                    continue;
                }
                if v.contains("${") {
                    m.unknown_path = true;
                    continue;
                }
                m.patterns.push((v.clone(), *span));
            }
        } else if p.is("Method") {
            let mut list: Vec<Method> = Vec::new();
            for (_, v, _) in &p.args {
                for tok in v.split(',') {
                    if let Some(meth) = Method::parse(tok.trim()) {
                        list.push(meth);
                    }
                }
            }
            if !list.is_empty() {
                m.methods = match m.methods {
                    // Two Method predicates: both must hold.
                    MethodSet::Only(prev) => {
                        MethodSet::Only(prev.into_iter().filter(|x| list.contains(x)).collect())
                    }
                    MethodSet::Any => MethodSet::Only(list),
                };
            }
        } else if p.is("Host") {
            m.hosts.extend(p.values().map(|(_, v, _)| v.clone()));
        } else {
            // Header, Query, Cookie, Weight, RemoteAddr, After, Before, Between,
            // XForwardedRemoteAddr, Version, ReadBody and custom predicates: conditions a
            // client call's text does not show.
            m.conditional = true;
        }
    }
    m
}

/// Reads a Spring `PathPattern` (`/api/**`, `/a/{id}`, `/a/{id:\d+}`, `/files/*.json`,
/// `/{*rest}`). `**` and `{*var}` are only allowed at the end.
pub fn path_pattern(src: &str, lenient: bool) -> Result<Pattern, String> {
    let trimmed = src.trim();
    let body = trimmed.strip_prefix('/').unwrap_or(trimmed);
    let trailing_slash = body.ends_with('/') && !body.is_empty();
    let parts: Vec<&str> = body.split('/').filter(|s| !s.is_empty()).collect();
    let mut segs = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let seg = if *part == "**" || (part.starts_with("{*") && part.ends_with('}')) {
            if !last {
                return Err(format!(
                    "`{part}` in `{src}` is only allowed at the end of a PathPattern"
                ));
            }
            let name = part.trim_start_matches("{*").trim_end_matches('}');
            PatSeg::Rest(if name.is_empty() || name == "**" {
                "path".to_owned()
            } else {
                name.to_owned()
            })
        } else if part.starts_with('{') && part.ends_with('}') && part.matches('{').count() == 1 {
            let inner = &part[1..part.len() - 1];
            let name = inner.split(':').next().unwrap_or(inner).trim();
            if name.is_empty() {
                return Err(format!("an empty `{{}}` variable in `{src}`"));
            }
            // A `{var:regex}` constraint is read as any value (approximation).
            PatSeg::Param(name.to_owned())
        } else if part.contains(['*', '?', '{']) {
            if part.contains("**") {
                return Err(format!(
                    "`**` inside a segment of `{src}` is not a PathPattern wildcard"
                ));
            }
            let mut g = String::new();
            let mut depth = 0;
            for c in part.chars() {
                match c {
                    '{' => {
                        if depth == 0 {
                            g.push('*');
                        }
                        depth += 1;
                    }
                    '}' => depth -= 1,
                    _ if depth > 0 => {}
                    c => g.push(c),
                }
            }
            if depth != 0 {
                return Err(format!("unbalanced `{{` in `{src}`"));
            }
            PatSeg::Glob(g)
        } else {
            PatSeg::Lit((*part).to_owned())
        };
        segs.push(seg);
    }
    Ok(Pattern {
        segs,
        trailing_slash,
        subtree: false,
        lenient_slash: lenient,
    })
}

/// A full-match regex for a PathPattern with its variables as named groups (for `SetPath`).
fn pattern_regex(p: &Pattern) -> String {
    let mut re = String::from("^");
    for s in &p.segs {
        match s {
            PatSeg::Lit(l) => {
                re.push('/');
                re.push_str(&regex::escape(l));
            }
            PatSeg::Param(n) => re.push_str(&format!("/(?P<{}>[^/]+)", group(n))),
            PatSeg::Glob(g) => {
                re.push('/');
                for c in g.chars() {
                    match c {
                        '*' => re.push_str("[^/]*"),
                        '?' => re.push_str("[^/]"),
                        c => re.push_str(&regex::escape(&c.to_string())),
                    }
                }
            }
            // `{*rest}` captures the rest with its leading slash.
            PatSeg::Rest(n) => re.push_str(&format!("(?P<{}>(?:/.*)?)", group(n))),
        }
    }
    if !matches!(p.segs.last(), Some(PatSeg::Rest(_))) {
        re.push_str("/?");
    }
    re.push('$');
    re
}

fn group(n: &str) -> String {
    n.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A Java replacement string (`$1`, `${name}`, `\$`) in the regex crate's syntax; `None` when
/// it is malformed (Java throws).
pub fn java_replacement(s: &str) -> Option<String> {
    // YAML users write `$\{name}` so that Spring's placeholders leave it alone.
    let s = s.replace("$\\{", "${");
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next()?;
                if next == '$' {
                    out.push_str("$$");
                } else {
                    out.push(next);
                }
            }
            '$' => match chars.peek() {
                Some('{') => {
                    chars.next();
                    let mut name = String::new();
                    loop {
                        match chars.next()? {
                            '}' => break,
                            c => name.push(c),
                        }
                    }
                    out.push_str(&format!("${{{name}}}"));
                }
                Some(d) if d.is_ascii_digit() => {
                    let d = *d;
                    chars.next();
                    out.push_str(&format!("${{{d}}}"));
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// Java regex constructs the regex crate reads differently or not at all: possessive
/// quantifiers (`a*+`), atomic groups, lookaround.
fn java_only(re: &str) -> bool {
    ["*+", "++", "?+", "}+", "(?>", "(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|t| re.contains(t))
}

/// `RewritePath=regexp, replacement`: Java's `replaceAll` over the path.
pub fn rewrite_path(regexp: &str, replacement: &str) -> Rewrite {
    let shown = format!("RewritePath={regexp}, {replacement}");
    let Some(with) = java_replacement(replacement) else {
        return Rewrite::Unknown(format!("{shown}: the replacement does not parse"));
    };
    match Regex::new(regexp) {
        Ok(_) if java_only(regexp) => Rewrite::Unknown(format!(
            "{shown}: Java regex syntax routelint cannot evaluate"
        )),
        Ok(re) => Rewrite::RegexReplace { re, with, shown },
        Err(_) => Rewrite::Unknown(format!("{shown}: a Java regex routelint cannot evaluate")),
    }
}

/// `SetPath=/template`: `{var}` are the Path predicate's variables.
fn set_path(template: &str, pattern: Option<&Pattern>) -> Rewrite {
    let shown = format!("SetPath={template}");
    let vars: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    if vars.is_empty() {
        return Rewrite::ReplaceFull(template.to_owned());
    }
    let Some(p) = pattern else {
        return Rewrite::Unknown(format!("{shown}: no Path predicate names its variables"));
    };
    let names: Vec<&str> = p
        .segs
        .iter()
        .filter_map(|s| match s {
            PatSeg::Param(n) | PatSeg::Rest(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    if let Some(v) = vars.iter().find(|v| !names.contains(v)) {
        return Rewrite::Unknown(format!("{shown}: `{{{v}}}` is not a Path variable"));
    }
    let mut with = template.to_owned();
    for v in &vars {
        with = with.replace(&format!("{{{v}}}"), &format!("${{{}}}", group(v)));
    }
    match Regex::new(&pattern_regex(p)) {
        Ok(re) => Rewrite::RegexReplace { re, with, shown },
        Err(_) => Rewrite::Unknown(shown),
    }
}

/// What a route's `uri` sends requests to.
pub fn target(uri: &str, span: Span) -> Target {
    let u = uri.trim();
    if u.contains("${") || u.contains("#{") {
        return Target::Opaque {
            why: format!("uri `{u}` is a placeholder resolved at run time"),
        };
    }
    if let Some(path) = u.strip_prefix("forward:") {
        return Target::Serve {
            handler: format!("forward:{path}"),
        };
    }
    if u.starts_with("no://") || u.starts_with("fn:") || u.starts_with("stream:") {
        return Target::Serve {
            handler: u.to_owned(),
        };
    }
    // `lb:ws://x` load-balances a WebSocket service; `lb://x` is the plain form.
    let rest = u
        .strip_prefix("lb:")
        .filter(|r| !r.starts_with("//"))
        .unwrap_or(u);
    let Some((scheme, after)) = rest.split_once("://") else {
        return Target::Opaque {
            why: format!("uri `{u}` names no host"),
        };
    };
    if !matches!(scheme, "http" | "https" | "ws" | "wss" | "lb") {
        return Target::Opaque {
            why: format!("uri scheme `{scheme}:` is not followed"),
        };
    }
    // Spring Cloud Gateway takes only the scheme, host and port of the uri: its path is
    // ignored, in the WebFlux and the MVC server alike (RouteToRequestUrlFilter since 2.0.2,
    // spring-cloud-gateway#586 and #3292). Before 2.0.2 the uri's path replaced the request's;
    // that is not modelled.
    let authority = after.split(['/', '?', '#']).next().unwrap_or(after);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
            (h, p.parse().ok())
        }
        _ => (authority, None),
    };
    if host.is_empty() {
        return Target::Opaque {
            why: format!("uri `{u}` names no host"),
        };
    }
    Target::Forward {
        host: host.to_owned(),
        port,
        span,
    }
}

/// The path filters of a route, combined into one rewrite.
fn rewrite_of(filters: &[Def], pattern: Option<&Pattern>) -> Option<(Rewrite, Span)> {
    let mut found: Vec<(Rewrite, Span)> = Vec::new();
    for f in filters {
        let vals: Vec<&(Option<String>, String, Span)> = f.values().collect();
        let first = vals.first().map(|(_, v, _)| v.as_str()).unwrap_or("");
        let rw = if f.is("StripPrefix") {
            let n = if vals.is_empty() {
                Some(1)
            } else {
                first.parse().ok()
            };
            match n {
                Some(n) => Rewrite::StripSegments(n),
                None => Rewrite::Unknown(format!("StripPrefix={first}")),
            }
        } else if f.is("RewritePath") {
            match (vals.first(), vals.get(1)) {
                (Some((_, re, _)), Some((_, with, _))) => rewrite_path(re, with),
                (Some((_, re, _)), None) => rewrite_path(re, ""),
                _ => Rewrite::Unknown("RewritePath without arguments".to_owned()),
            }
        } else if f.is("PrefixPath") {
            if first.contains("${") || first.contains('{') {
                Rewrite::Unknown(format!("PrefixPath={first}"))
            } else {
                Rewrite::PrefixPath(first.to_owned())
            }
        } else if f.is("SetPath") {
            set_path(first, pattern)
        } else {
            continue;
        };
        found.push((rw, f.span));
    }
    match found.len() {
        0 => None,
        1 => found.pop(),
        _ => {
            let span = found[0].1;
            // StripPrefix=N then PrefixPath=/p, over a pattern whose first N segments are
            // literal: the N segments are replaced by /p.
            if let [(Rewrite::StripSegments(n), _), (Rewrite::PrefixPath(p), _)] = found.as_slice()
                && let Some(pat) = pattern
                && pat.segs.len() >= *n
                && pat.segs[..*n].iter().all(|s| matches!(s, PatSeg::Lit(_)))
            {
                let prefix: String = pat.segs[..*n]
                    .iter()
                    .map(|s| match s {
                        PatSeg::Lit(l) => format!("/{l}"),
                        _ => String::new(),
                    })
                    .collect();
                return Some((
                    Rewrite::ReplacePrefixSegments {
                        prefix,
                        with: p.clone(),
                    },
                    span,
                ));
            }
            let names: Vec<String> = found.iter().map(|(r, _)| r.to_string()).collect();
            Some((
                Rewrite::Unknown(format!("several path filters: {}", names.join(", then "))),
                span,
            ))
        }
    }
}

/// The route's facts: one per Path pattern (one matching any path when it has none).
/// `lenient_default` is `matchTrailingSlash` when the route does not say (true before 5.x).
pub fn route_facts(
    spec: &RouteSpec,
    order: u32,
    base_path: Option<&str>,
) -> (Vec<RouteFact>, Vec<(Span, String)>) {
    let mut problems = Vec::new();
    let m = matching(&spec.predicates);
    let target = match &spec.uri {
        Some((u, span)) => target(u, *span),
        None => Target::Opaque {
            why: format!("route {} has no uri", spec.id),
        },
    };
    let mut out = Vec::new();
    let mut push =
        |matcher: PathMatch, pattern: Option<&Pattern>, span: Span, conditional: bool| {
            let rewrite = rewrite_of(&spec.filters, pattern);
            out.push(RouteFact {
                owner: Owner::File,
                table: TABLE.to_owned(),
                origin: spec.origin.clone(),
                order,
                matcher,
                methods: m.methods.clone(),
                rewrite_span: rewrite.as_ref().map(|r| r.1),
                rewrite: rewrite.map(|r| r.0),
                target: target.clone(),
                span,
                rule_span: spec.rule_span,
                hosts: m.hosts.clone(),
                gateways: Vec::new(),
                dialect: Dialect::SpringGateway,
                priority: Some(-spec.order),
                conditional,
            });
        };
    let lenient = m.trailing.unwrap_or(true);
    for (src, span) in &m.patterns {
        match path_pattern(src, lenient) {
            Ok(p) => {
                let p = match base_path {
                    Some(b) => p.under(b),
                    None => p,
                };
                push(
                    PathMatch::Template {
                        pattern: p.clone(),
                        ignore_case: false,
                    },
                    Some(&p),
                    *span,
                    m.conditional,
                );
            }
            Err(e) => problems.push((*span, e)),
        }
    }
    if m.patterns.is_empty() && problems.is_empty() {
        let span = spec
            .predicates
            .first()
            .map(|p| p.span)
            .unwrap_or(spec.rule_span);
        // No Path predicate: the route matches any path (maybe, when a placeholder hides it).
        push(PathMatch::Any, None, span, m.conditional || m.unknown_path);
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::{ReqPath, Rewritten, Tri};
    use crate::source_file::FileId;

    fn sp() -> Span {
        Span::new(FileId(0), 0, 0)
    }

    #[test]
    fn path_patterns_match_as_spring_path_pattern_does() {
        use Tri::*;
        // PathPattern docs: `?` one char, `*` within a segment, `**`/`{*x}` the rest (none
        // included), `{x}` one segment; SCG 3/4 matchTrailingSlash lets `/a/1/` match `/a/{x}`.
        let table = [
            ("/api/customer/**", true, "/api/customer/owners/1", Yes),
            ("/api/customer/**", true, "/api/customer", Yes),
            ("/api/customer/**", true, "/api/customerx", No),
            ("/owners/{id}", true, "/owners/7/", Yes),
            ("/owners/{id}", false, "/owners/7/", No),
            ("/owners/{id}", false, "/owners/{ownerId}", Yes),
            ("/owners/{id:\\d+}", false, "/owners/7", Yes),
            ("/files/*.json", false, "/files/a.json", Yes),
            ("/files/*.json", false, "/files/a.xml", No),
            ("/v?/x", false, "/v1/x", Yes),
            ("/v?/x", false, "/v12/x", No),
            ("/static/{*path}", false, "/static/a/b/c", Yes),
            ("/img/{name}.png", false, "/img/cat.png", Yes),
            ("/img/{name}.png", false, "/img/cat.gif", No),
        ];
        for (pat, lenient, path, want) in table {
            let p = path_pattern(pat, lenient).unwrap();
            assert_eq!(
                p.match_path(&ReqPath::parse(path), false),
                want,
                "{pat} vs {path}"
            );
        }
        assert!(path_pattern("/a/**/b", true).is_err());
        assert!(path_pattern("/a/{*x}/b", true).is_err());
        assert!(path_pattern("/a/{x", true).is_err());
    }

    #[test]
    fn shortcut_arguments_keep_their_spans() {
        let text = "Path=/api/**, /v2/**";
        let d = shortcut(text, Some(10), Span::new(FileId(0), 10, 30));
        assert_eq!(text.len(), 20);
        assert_eq!(d.name, "Path");
        let got: Vec<(String, u32, u32)> = d
            .args
            .iter()
            .map(|(_, v, s)| (v.clone(), s.start, s.end))
            .collect();
        assert_eq!(got, [("/api/**".into(), 15, 22), ("/v2/**".into(), 24, 30)]);
    }

    #[test]
    fn rewrites_follow_the_gateway_filters() {
        let pat = path_pattern("/red/{segment}", true).unwrap();
        let m = PathMatch::Any;
        let apply = |rw: &Rewrite, p: &str| rw.apply(&m, &ReqPath::parse(p));
        let rw = rewrite_path("/red/?(?<segment>.*)", "/$\\{segment}");
        assert_eq!(
            apply(&rw, "/red/blue"),
            Rewritten::Path(ReqPath::parse("/blue"))
        );
        let rw = rewrite_path("/api/(.*)", "/v1/$1");
        assert_eq!(
            apply(&rw, "/api/posts/{id}"),
            Rewritten::Path(ReqPath::parse("/v1/posts/{id}"))
        );
        // Possessive quantifiers are Java-only.
        assert!(matches!(rewrite_path("/a*+", "/"), Rewrite::Unknown(_)));
        assert!(matches!(rewrite_path("/a", "$x"), Rewrite::Unknown(_)));
        let rw = set_path("/{segment}", Some(&pat));
        assert_eq!(
            apply(&rw, "/red/blue"),
            Rewritten::Path(ReqPath::parse("/blue"))
        );
        assert!(matches!(
            set_path("/{other}", Some(&pat)),
            Rewrite::Unknown(_)
        ));
        assert!(matches!(set_path("/x", None), Rewrite::ReplaceFull(_)));
        assert_eq!(java_replacement("\\$1-$2x").as_deref(), Some("$$1-${2}x"));
    }

    #[test]
    fn uris_name_the_destination() {
        let host = |u: &str| match target(u, sp()) {
            Target::Forward { host, port, .. } => format!("{host}:{port:?}"),
            Target::Serve { handler } => format!("serve {handler}"),
            Target::Opaque { .. } => "opaque".to_owned(),
            Target::Table(t) => t,
        };
        assert_eq!(host("lb://customers-service"), "customers-service:None");
        assert_eq!(host("http://visits:8082/ignored"), "visits:Some(8082)");
        assert_eq!(host("lb:ws://chat"), "chat:None");
        assert_eq!(host("forward:/fallback"), "serve forward:/fallback");
        assert_eq!(host("no://op"), "serve no://op");
        assert_eq!(host("${test.uri}"), "opaque");
        assert_eq!(host("http://${HOST}:80"), "opaque");
        assert_eq!(host("ftp://x"), "opaque");
    }

    #[test]
    fn default_filters_interleave_by_position() {
        let d = |n: &str| shortcut(n, None, sp());
        let merged = merge_filters(&[d("D1"), d("D2")], &[d("R1")]);
        let names: Vec<&str> = merged.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["D1", "R1", "D2"]);
    }
}
