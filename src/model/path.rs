//! Request paths, route matchers and rewrites, with each router's matching semantics.
//!
//! A request path is a [`ReqPath`]: literal text and parameters (a client's `${id}`, one
//! non-empty segment whose value is not known). Matching is three-valued ([`Tri`]) because a
//! parameter may or may not equal a route's literal. Rewrites work on the same type so a path
//! can be pushed hop by hop without ever being re-parsed from a string.

use std::fmt;

use regex::Regex;

/// A relative URL path (`api/x`, `./api/x`, `../api/x`) taken from the root: `/api/x`. Where
/// the document or page really sits is not known here; callers that know it join it first.
pub fn rooted(rel: &str) -> String {
    let mut h = rel;
    loop {
        if let Some(rest) = h.strip_prefix("./") {
            h = rest;
        } else if let Some(rest) = h.strip_prefix("../") {
            h = rest;
        } else {
            break;
        }
    }
    if h == "." || h == ".." {
        h = "";
    }
    format!("/{h}")
}

/// Three-valued match result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tri {
    No,
    Maybe,
    Yes,
}

impl Tri {
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }
    pub fn matched(self) -> bool {
        self != Tri::No
    }
    fn from_bool(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }
}

/// How a client's path parameter is read against a route's literal text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A parameter may hold any value: a whole-parameter segment against a literal segment
    /// matches maybe (`/{id}` could be `/orders`).
    AnyValue,
    /// Definite matching: a whole-parameter segment (or a parameter starting a segment) never
    /// equals a route's literal text. A match that needs it is a coincidence, not a route the
    /// request was written for; the simulator decides a hop's outcome with this reading.
    /// Parameters against parameter-shaped parts (a `{p}` slot, a glob, a regex class) read
    /// as before.
    Definite,
}

/// A client parameter that would have to equal a route's literal text for a match:
/// `{id}` = `orders`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub param: String,
    pub literal: String,
    /// The parameter would have to start with `literal` (a string-prefix route).
    pub starts: bool,
}

/// One piece of a request path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    /// Literal text; may contain `/`.
    Lit(String),
    /// A value the client fills in at run time: non-empty, without `/`.
    Param(String),
}

/// A request path as a client sends it: `/blog/api/posts/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ReqPath {
    pieces: Vec<Piece>,
}

/// A request path split into segments; each segment is a list of pieces without `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segments {
    pub leading_slash: bool,
    pub segs: Vec<Vec<Piece>>,
    pub trailing_slash: bool,
}

impl ReqPath {
    /// A path from pieces; adjacent literals are merged and empty literals dropped.
    pub fn from_pieces(pieces: impl IntoIterator<Item = Piece>) -> ReqPath {
        let mut out: Vec<Piece> = Vec::new();
        for p in pieces {
            match p {
                Piece::Lit(s) if s.is_empty() => {}
                Piece::Lit(s) => match out.last_mut() {
                    Some(Piece::Lit(prev)) => prev.push_str(&s),
                    _ => out.push(Piece::Lit(s)),
                },
                param => out.push(param),
            }
        }
        ReqPath { pieces: out }
    }

    /// Parses `/posts/{id}` (braces mark parameters). Used for template-shaped input such as
    /// the output of a regex rewrite or a path typed on the command line.
    pub fn parse(s: &str) -> ReqPath {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let Some(close_rel) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close_rel];
            if name.is_empty() || name.contains('/') {
                pieces.push(Piece::Lit(rest[..open + close_rel + 1].to_owned()));
            } else {
                pieces.push(Piece::Lit(rest[..open].to_owned()));
                pieces.push(Piece::Param(name.to_owned()));
            }
            rest = &rest[open + close_rel + 1..];
        }
        pieces.push(Piece::Lit(rest.to_owned()));
        ReqPath::from_pieces(pieces)
    }

    pub fn literal(s: &str) -> ReqPath {
        ReqPath::from_pieces([Piece::Lit(s.to_owned())])
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The literal text before the first parameter.
    pub fn literal_head(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Lit(s)) => s,
            _ => "",
        }
    }

    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Lit(_)))
    }

    pub fn has_params(&self) -> bool {
        !self.is_literal()
    }

    /// The path with parameters rendered by `f`.
    pub fn render_with(&self, f: impl Fn(&str) -> String) -> String {
        let mut s = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit(l) => s.push_str(l),
                Piece::Param(n) => s.push_str(&f(n)),
            }
        }
        s
    }

    pub fn segments(&self) -> Segments {
        let mut segs: Vec<Vec<Piece>> = vec![Vec::new()];
        for p in &self.pieces {
            match p {
                Piece::Param(_) => {
                    if let Some(s) = segs.last_mut() {
                        s.push(p.clone());
                    }
                }
                Piece::Lit(l) => {
                    let mut first = true;
                    for part in l.split('/') {
                        if !first {
                            segs.push(Vec::new());
                        }
                        first = false;
                        if !part.is_empty()
                            && let Some(s) = segs.last_mut()
                        {
                            s.push(Piece::Lit(part.to_owned()));
                        }
                    }
                }
            }
        }
        let leading_slash =
            matches!(self.pieces.first(), Some(Piece::Lit(l)) if l.starts_with('/'));
        if leading_slash {
            segs.remove(0);
        }
        let mut trailing_slash = false;
        if segs.last().is_some_and(|s| s.is_empty()) && (segs.len() > 1 || leading_slash) {
            segs.pop();
            trailing_slash = true;
        }
        if segs.len() == 1 && segs[0].is_empty() && !leading_slash {
            segs.clear();
        }
        Segments {
            leading_slash,
            segs,
            trailing_slash,
        }
    }

    /// Whether the path starts with the string `prefix` (a string prefix, not segment-wise).
    pub fn starts_with_str(&self, prefix: &str, ignore_case: bool) -> Tri {
        self.starts_with_str_read(prefix, ignore_case, Reading::AnyValue)
    }

    /// [`ReqPath::starts_with_str`] under a [`Reading`].
    pub fn starts_with_str_read(&self, prefix: &str, ignore_case: bool, reading: Reading) -> Tri {
        let head = self.literal_head();
        if head.len() >= prefix.len() {
            let cand = head.get(..prefix.len());
            return Tri::from_bool(cand.is_some_and(|c| str_eq(c, prefix, ignore_case)));
        }
        // The literal head is shorter than the prefix: it must agree as far as it goes, and
        // a parameter covers the rest.
        let agrees = prefix
            .get(..head.len())
            .is_some_and(|p| str_eq(p, head, ignore_case));
        if !agrees {
            return Tri::No;
        }
        if self.pieces.len() <= 1 {
            return Tri::No;
        }
        if reading == Reading::Definite && self.string_prefix_binding(prefix).is_some() {
            return Tri::No;
        }
        Tri::Maybe
    }

    /// The text a parameter starting a segment would have to begin with for the string prefix
    /// `prefix` to match (`/{id}` against `/orders`: `{id}` begins with `orders`).
    fn string_prefix_binding(&self, prefix: &str) -> Option<Binding> {
        let head = self.literal_head();
        let rest = prefix.get(head.len()..)?;
        let Some(Piece::Param(name)) = self.pieces.get(usize::from(!head.is_empty())) else {
            return None;
        };
        let at_segment_start = head.ends_with('/') || head.is_empty();
        let literal = rest.split('/').next().unwrap_or("");
        (at_segment_start && !literal.is_empty()).then(|| Binding {
            param: name.clone(),
            literal: literal.to_owned(),
            starts: !rest.contains('/'),
        })
    }

    /// Segment-wise prefix (Gateway API `PathPrefix`, Ingress `Prefix`): `/api` matches `/api`,
    /// `/api/` and `/api/x`, not `/apix`. The trailing slash of the prefix is ignored.
    pub fn starts_with_segments(&self, prefix: &str, ignore_case: bool) -> Tri {
        self.starts_with_segments_read(prefix, ignore_case, Reading::AnyValue)
    }

    /// [`ReqPath::starts_with_segments`] under a [`Reading`].
    pub fn starts_with_segments_read(
        &self,
        prefix: &str,
        ignore_case: bool,
        reading: Reading,
    ) -> Tri {
        let want: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
        let have = self.segments();
        if !have.leading_slash || have.segs.len() < want.len() {
            return Tri::No;
        }
        want.iter()
            .zip(&have.segs)
            .map(|(w, h)| seg_eq_lit(h, w, ignore_case, reading))
            .fold(Tri::Yes, Tri::and)
    }

    /// Whole-path equality with a literal (`exact` matches).
    pub fn eq_str(&self, other: &str, ignore_case: bool) -> Tri {
        self.eq_str_read(other, ignore_case, Reading::AnyValue)
    }

    /// [`ReqPath::eq_str`] under a [`Reading`].
    pub fn eq_str_read(&self, other: &str, ignore_case: bool, reading: Reading) -> Tri {
        if self.is_literal() {
            return Tri::from_bool(str_eq(self.literal_head(), other, ignore_case));
        }
        let pat = Pattern::literal(other);
        pat.match_segments_read(&self.segments(), ignore_case, reading)
    }

    /// Whether a whole-path regex matches: parameters are tried with sample values.
    pub fn matches_regex(&self, re: &Regex) -> Tri {
        if self.is_literal() {
            return Tri::from_bool(re.is_match(self.literal_head()));
        }
        let a = re.is_match(&self.render_with(|_| "1".to_owned()));
        let b = re.is_match(&self.render_with(|_| "x".to_owned()));
        match (a, b) {
            (true, true) => Tri::Yes,
            (false, false) => Tri::No,
            _ => Tri::Maybe,
        }
    }

    /// Replaces the first `n` bytes of the literal head with `with`. `None` when the head is
    /// shorter than `n` (a parameter sits inside the part to replace).
    pub fn replace_head(&self, n: usize, with: &str) -> Option<ReqPath> {
        let head = self.literal_head();
        if head.len() < n || !head.is_char_boundary(n) {
            return None;
        }
        let mut pieces = vec![
            Piece::Lit(with.to_owned()),
            Piece::Lit(head[n..].to_owned()),
        ];
        pieces.extend(self.pieces.iter().skip(1).cloned());
        Some(ReqPath::from_pieces(pieces))
    }

    /// Adds `prefix` in front.
    pub fn prepend(&self, prefix: &str) -> ReqPath {
        let mut pieces = vec![Piece::Lit(prefix.to_owned())];
        pieces.extend(self.pieces.iter().cloned());
        ReqPath::from_pieces(pieces)
    }

    /// Drops the first `n` segments (`/a/b/c`, 1 → `/b/c`). `None` if the path has fewer.
    pub fn drop_segments(&self, n: usize) -> Option<ReqPath> {
        let s = self.segments();
        if s.segs.len() < n {
            return None;
        }
        Some(
            Segments {
                leading_slash: true,
                segs: s.segs[n..].to_vec(),
                trailing_slash: s.trailing_slash,
            }
            .to_path(),
        )
    }

    /// Replaces the first `n` segments with the literal `prefix`.
    pub fn replace_segments(&self, n: usize, prefix: &str) -> Option<ReqPath> {
        let rest = self.drop_segments(n)?;
        let p = prefix.trim_end_matches('/');
        Some(rest.prepend(p))
    }

    /// The same path with the trailing slash added or removed.
    pub fn toggle_trailing_slash(&self) -> Option<ReqPath> {
        let s = self.segments();
        if s.segs.is_empty() {
            return None;
        }
        Some(
            Segments {
                trailing_slash: !s.trailing_slash,
                ..s
            }
            .to_path(),
        )
    }

    /// `//` collapsed to `/`, as nginx and Kong's `path_handling: v0` do.
    pub fn collapse_slashes(&self) -> ReqPath {
        ReqPath::from_pieces(self.pieces.iter().map(|p| match p {
            Piece::Lit(l) => {
                let mut s = String::with_capacity(l.len());
                for c in l.chars() {
                    if !(c == '/' && s.ends_with('/')) {
                        s.push(c);
                    }
                }
                Piece::Lit(s)
            }
            other => other.clone(),
        }))
    }

    pub fn has_double_slash(&self) -> bool {
        let mut prev_slash = false;
        for p in &self.pieces {
            match p {
                Piece::Lit(l) => {
                    for c in l.chars() {
                        if c == '/' && prev_slash {
                            return true;
                        }
                        prev_slash = c == '/';
                    }
                }
                Piece::Param(_) => prev_slash = false,
            }
        }
        false
    }

    pub fn to_lowercase(&self) -> ReqPath {
        ReqPath::from_pieces(self.pieces.iter().map(|p| match p {
            Piece::Lit(l) => Piece::Lit(l.to_lowercase()),
            other => other.clone(),
        }))
    }

    /// Number of leading literal segments.
    pub fn literal_segment_count(&self) -> usize {
        self.segments()
            .segs
            .iter()
            .take_while(|s| s.iter().all(|p| matches!(p, Piece::Lit(_))))
            .count()
    }
}

impl Segments {
    pub fn to_path(&self) -> ReqPath {
        let mut pieces = Vec::new();
        for (i, seg) in self.segs.iter().enumerate() {
            if i > 0 || self.leading_slash {
                pieces.push(Piece::Lit("/".to_owned()));
            }
            pieces.extend(seg.iter().cloned());
        }
        if self.trailing_slash || (self.segs.is_empty() && self.leading_slash) {
            pieces.push(Piece::Lit("/".to_owned()));
        }
        let p = ReqPath::from_pieces(pieces);
        // `/` + trailing slash on an empty path would render as `//`.
        if p.pieces == [Piece::Lit("//".to_owned())] {
            return ReqPath::literal("/");
        }
        p
    }
}

impl fmt::Display for ReqPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.render_with(|n| format!("{{{n}}}"));
        if s.is_empty() {
            f.write_str("(empty)")
        } else {
            f.write_str(&s)
        }
    }
}

fn str_eq(a: &str, b: &str, ignore_case: bool) -> bool {
    if ignore_case {
        a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
    } else {
        a == b
    }
}

/// Whether a request segment (pieces) equals the literal `lit`.
/// A request segment against a glob segment (`*` any run within the segment, `?` one
/// character). A segment holding a client parameter matches only maybe.
fn seg_glob(seg: &[Piece], glob: &str, ignore_case: bool) -> Tri {
    let [Piece::Lit(s)] = seg else {
        return if seg.is_empty() {
            Tri::from_bool(glob.chars().all(|c| c == '*'))
        } else {
            Tri::Maybe
        };
    };
    let (s, g): (Vec<char>, Vec<char>) = if ignore_case {
        (
            s.to_lowercase().chars().collect(),
            glob.to_lowercase().chars().collect(),
        )
    } else {
        (s.chars().collect(), glob.chars().collect())
    };
    Tri::from_bool(glob_chars(&s, &g))
}

/// Iterative wildcard match with backtracking on the last `*` (linear in practice).
fn glob_chars(s: &[char], g: &[char]) -> bool {
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < g.len() && (g[j] == '?' || g[j] == s[i]) {
            i += 1;
            j += 1;
        } else if j < g.len() && g[j] == '*' {
            star = Some((j, i));
            j += 1;
        } else if let Some((sj, si)) = star {
            j = sj + 1;
            i = si + 1;
            star = Some((sj, si + 1));
        } else {
            return false;
        }
    }
    g[j..].iter().all(|c| *c == '*')
}

fn seg_eq_lit(seg: &[Piece], lit: &str, ignore_case: bool, reading: Reading) -> Tri {
    match seg {
        [] => Tri::from_bool(lit.is_empty()),
        [Piece::Lit(s)] => Tri::from_bool(str_eq(s, lit, ignore_case)),
        // A value is not the route's own word: `{id}` is not `orders` (definite reading).
        [Piece::Param(_)] if reading == Reading::Definite => Tri::No,
        _ => {
            // Literal parts must appear in order for a parameter to fill the gaps.
            let mut rest = if ignore_case {
                lit.to_lowercase()
            } else {
                lit.to_owned()
            };
            for p in seg {
                if let Piece::Lit(l) = p {
                    let l = if ignore_case {
                        l.to_lowercase()
                    } else {
                        l.clone()
                    };
                    match rest.find(&l) {
                        Some(i) => rest = rest[i + l.len()..].to_owned(),
                        None => return Tri::No,
                    }
                }
            }
            Tri::Maybe
        }
    }
}

/// One segment of a route template.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PatSeg {
    Lit(String),
    /// `{id}`: one whole non-empty segment.
    Param(String),
    /// `{rest...}`, `{*rest}`, `**`: the remaining segments (possibly none).
    Rest(String),
    /// A segment with wildcards inside it (Spring `*.json`, `file?`, Express `ab*cd`): `*` is
    /// any run of characters within the segment, `?` one character.
    Glob(String),
}

/// A segment template: OpenAPI paths, Go 1.22 patterns, framework routes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Pattern {
    pub segs: Vec<PatSeg>,
    /// `/posts/` (OpenAPI) or `/posts/{$}` (Go): the path must end with a slash.
    pub trailing_slash: bool,
    /// Go's `/posts/`: the pattern matches the path and everything below it.
    pub subtree: bool,
    /// A trailing slash on the request is ignored (Express non-strict routing, Spring Cloud
    /// Gateway 3/4 `matchTrailingSlash`, Spring MVC before 6).
    pub lenient_slash: bool,
}

impl Pattern {
    /// A template with `{name}` parameters, as OpenAPI writes it.
    pub fn openapi(path: &str) -> Pattern {
        let trimmed = path.trim();
        let trailing_slash = trimmed.len() > 1 && trimmed.ends_with('/') || trimmed == "/";
        let segs = trimmed
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.starts_with('{') && s.ends_with('}') && s.len() > 2 {
                    PatSeg::Param(s[1..s.len() - 1].to_owned())
                } else {
                    PatSeg::Lit(s.to_owned())
                }
            })
            .collect();
        Pattern {
            segs,
            trailing_slash,
            ..Pattern::default()
        }
    }

    /// A pattern of literal segments only.
    pub fn literal(path: &str) -> Pattern {
        let trailing_slash = path.len() > 1 && path.ends_with('/') || path == "/";
        Pattern {
            segs: path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| PatSeg::Lit(s.to_owned()))
                .collect(),
            trailing_slash,
            ..Pattern::default()
        }
    }

    /// The pattern served under a literal prefix (`/api` + `/owners` → `/api/owners`).
    pub fn under(&self, prefix: &str) -> Pattern {
        let mut segs: Vec<PatSeg> = prefix
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| PatSeg::Lit(s.to_owned()))
            .collect();
        let root_only = self.segs.is_empty() && !segs.is_empty();
        segs.extend(self.segs.iter().cloned());
        Pattern {
            segs,
            // `/api` + `/` serves `/api` (and `/api/` as the framework allows).
            trailing_slash: self.trailing_slash && !root_only,
            ..self.clone()
        }
    }

    /// Matches a whole request path.
    pub fn match_path(&self, path: &ReqPath, ignore_case: bool) -> Tri {
        self.match_segments(&path.segments(), ignore_case)
    }

    /// [`Pattern::match_path`] over a path already split (the simulator splits once per hop).
    pub fn match_segments(&self, s: &Segments, ignore_case: bool) -> Tri {
        self.match_segments_read(s, ignore_case, Reading::AnyValue)
    }

    /// [`Pattern::match_segments`] under a [`Reading`].
    pub fn match_segments_read(&self, s: &Segments, ignore_case: bool, reading: Reading) -> Tri {
        if !s.leading_slash {
            return Tri::No;
        }
        let mut result = Tri::Yes;
        for (i, ps) in self.segs.iter().enumerate() {
            match ps {
                PatSeg::Rest(_) => return result,
                PatSeg::Lit(l) => {
                    let Some(seg) = s.segs.get(i) else {
                        return Tri::No;
                    };
                    result = result.and(seg_eq_lit(seg, l, ignore_case, reading));
                }
                PatSeg::Param(_) => {
                    let Some(seg) = s.segs.get(i) else {
                        return Tri::No;
                    };
                    if seg.is_empty() {
                        return Tri::No;
                    }
                }
                PatSeg::Glob(g) => {
                    let Some(seg) = s.segs.get(i) else {
                        return Tri::No;
                    };
                    result = result.and(seg_glob(seg, g, ignore_case));
                }
            }
            if result == Tri::No {
                return Tri::No;
            }
        }
        let n = self.segs.len();
        if self.subtree {
            // `/a/` matches `/a/` and `/a/x...`, not `/a` (that one is redirected).
            if s.segs.len() > n || (s.segs.len() == n && s.trailing_slash) {
                return result;
            }
            if n == 0 {
                return result;
            }
            return Tri::No;
        }
        if s.segs.len() != n {
            return Tri::No;
        }
        if s.trailing_slash != self.trailing_slash && !self.lenient_slash {
            return Tri::No;
        }
        result
    }

    /// Number of parameters (for "a concrete path wins over a templated one").
    pub fn param_count(&self) -> usize {
        self.segs
            .iter()
            .filter(|s| !matches!(s, PatSeg::Lit(_)))
            .count()
    }

    /// The literal segments before the first parameter, as a path prefix (`/blog/api`).
    pub fn literal_prefix(&self) -> String {
        let mut s = String::new();
        for seg in &self.segs {
            match seg {
                PatSeg::Lit(l) => {
                    s.push('/');
                    s.push_str(l);
                }
                _ => break,
            }
        }
        s
    }

    /// Orders patterns by specificity: literal over parameter over rest, segment by segment;
    /// a longer pattern over a shorter one; an exact pattern over a subtree.
    pub fn specificity_cmp(&self, other: &Pattern) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        fn rank(s: &PatSeg) -> u8 {
            match s {
                PatSeg::Lit(_) => 3,
                PatSeg::Glob(_) => 2,
                PatSeg::Param(_) => 1,
                PatSeg::Rest(_) => 0,
            }
        }
        for (a, b) in self.segs.iter().zip(&other.segs) {
            match rank(a).cmp(&rank(b)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.segs
            .len()
            .cmp(&other.segs.len())
            .then((!self.subtree).cmp(&!other.subtree))
            .then(self.trailing_slash.cmp(&other.trailing_slash))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segs.is_empty() {
            return f.write_str("/");
        }
        for s in &self.segs {
            match s {
                PatSeg::Lit(l) => write!(f, "/{l}")?,
                PatSeg::Param(p) => write!(f, "/{{{p}}}")?,
                PatSeg::Rest(p) => write!(f, "/{{{p}...}}")?,
                PatSeg::Glob(g) => write!(f, "/{g}")?,
            }
        }
        if self.trailing_slash || self.subtree {
            f.write_str("/")?;
        }
        Ok(())
    }
}

/// How a route matches the request path.
#[derive(Clone, Debug)]
pub enum PathMatch {
    /// Whole path equal (Istio `exact`, Ingress `Exact`, nginx `=`).
    Exact { path: String, ignore_case: bool },
    /// String prefix (Istio `prefix`, nginx prefix location, Kong plain path, Go `StripPrefix`):
    /// `/api` also matches `/apix`.
    StringPrefix { prefix: String, ignore_case: bool },
    /// Segment-wise prefix (Gateway API `PathPrefix`, Ingress `Prefix`).
    SegmentPrefix { prefix: String, ignore_case: bool },
    /// A regular expression over the whole path (Istio `regex`: RE2, full match).
    Regex { source: String, re: Regex },
    /// A segment template (Go 1.22 pattern, OpenAPI path).
    Template { pattern: Pattern, ignore_case: bool },
    /// Matches every path (a rule without a match).
    Any,
}

impl PathMatch {
    /// The literal prefix text of the matcher, if it is a prefix match.
    pub fn prefix(&self) -> Option<&str> {
        match self {
            PathMatch::StringPrefix { prefix, .. } | PathMatch::SegmentPrefix { prefix, .. } => {
                Some(prefix)
            }
            _ => None,
        }
    }

    /// Builds a full-match regex; `None` if it does not compile.
    pub fn regex(source: &str) -> Option<PathMatch> {
        let anchored = format!("^(?:{source})$");
        Regex::new(&anchored).ok().map(|re| PathMatch::Regex {
            source: source.to_owned(),
            re,
        })
    }

    pub fn matches(&self, path: &ReqPath) -> Tri {
        self.matches_split(path, None)
    }

    /// [`PathMatch::matches`] with the path's segments computed once by the caller.
    pub fn matches_split(&self, path: &ReqPath, segs: Option<&Segments>) -> Tri {
        self.matches_read(path, segs, Reading::AnyValue)
    }

    /// [`PathMatch::matches_split`] under a [`Reading`].
    pub fn matches_read(&self, path: &ReqPath, segs: Option<&Segments>, reading: Reading) -> Tri {
        match self {
            PathMatch::Exact {
                path: p,
                ignore_case,
            } => path.eq_str_read(p, *ignore_case, reading),
            PathMatch::StringPrefix {
                prefix,
                ignore_case,
            } => path.starts_with_str_read(prefix, *ignore_case, reading),
            PathMatch::SegmentPrefix {
                prefix,
                ignore_case,
            } => path.starts_with_segments_read(prefix, *ignore_case, reading),
            PathMatch::Regex { re, .. } => path.matches_regex(re),
            PathMatch::Template {
                pattern,
                ignore_case,
            } => match segs {
                Some(s) => pattern.match_segments_read(s, *ignore_case, reading),
                None => pattern.match_segments_read(&path.segments(), *ignore_case, reading),
            },
            PathMatch::Any => Tri::Yes,
        }
    }

    /// The client parameters that would have to equal this matcher's literal text for it to
    /// accept `path` (what a definite reading refuses): `{id}` = `orders` for `/{id}` against
    /// `/orders`.
    pub fn bindings(&self, path: &ReqPath) -> Vec<Binding> {
        let segs = path.segments();
        let whole = |lits: Vec<Option<String>>| -> Vec<Binding> {
            lits.into_iter()
                .zip(&segs.segs)
                .filter_map(|(lit, seg)| match (lit, seg.as_slice()) {
                    (Some(l), [Piece::Param(n)]) if !l.is_empty() => Some(Binding {
                        param: n.clone(),
                        literal: l,
                        starts: false,
                    }),
                    _ => None,
                })
                .collect()
        };
        let lits_of = |text: &str| -> Vec<Option<String>> {
            text.split('/')
                .filter(|s| !s.is_empty())
                .map(|s| Some(s.to_owned()))
                .collect()
        };
        match self {
            PathMatch::Exact { path: p, .. } => whole(lits_of(p)),
            PathMatch::SegmentPrefix { prefix, .. } => whole(lits_of(prefix)),
            PathMatch::StringPrefix { prefix, .. } => {
                path.string_prefix_binding(prefix).into_iter().collect()
            }
            PathMatch::Template { pattern, .. } => whole(
                pattern
                    .segs
                    .iter()
                    .take_while(|s| !matches!(s, PatSeg::Rest(_)))
                    .map(|s| match s {
                        PatSeg::Lit(l) => Some(l.clone()),
                        _ => None,
                    })
                    .collect(),
            ),
            PathMatch::Regex { .. } | PathMatch::Any => Vec::new(),
        }
    }

    /// The same matcher with case ignored (for case-mismatch near misses).
    pub fn ignoring_case(&self) -> PathMatch {
        match self {
            PathMatch::Exact { path, .. } => PathMatch::Exact {
                path: path.clone(),
                ignore_case: true,
            },
            PathMatch::StringPrefix { prefix, .. } => PathMatch::StringPrefix {
                prefix: prefix.clone(),
                ignore_case: true,
            },
            PathMatch::SegmentPrefix { prefix, .. } => PathMatch::SegmentPrefix {
                prefix: prefix.clone(),
                ignore_case: true,
            },
            PathMatch::Template { pattern, .. } => PathMatch::Template {
                pattern: pattern.clone(),
                ignore_case: true,
            },
            PathMatch::Regex { source, .. } => {
                PathMatch::regex(&format!("(?i:{source})")).unwrap_or_else(|| self.clone())
            }
            PathMatch::Any => PathMatch::Any,
        }
    }

    /// The literal path prefix every matching request starts with (for near-miss search):
    /// `/blog/api/` for a prefix, the literal head for exact paths and templates.
    pub fn literal_prefix(&self) -> Option<String> {
        match self {
            PathMatch::Exact { path, .. } => Some(path.clone()),
            PathMatch::StringPrefix { prefix, .. } | PathMatch::SegmentPrefix { prefix, .. } => {
                Some(prefix.clone())
            }
            PathMatch::Template { pattern, .. } => Some(pattern.literal_prefix()),
            PathMatch::Regex { source, .. } => {
                let lit: String = source
                    .trim_start_matches('^')
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_'))
                    .collect();
                (!lit.is_empty()).then_some(lit)
            }
            PathMatch::Any => None,
        }
    }

    /// Specificity for routers that pick the most specific match. Higher wins.
    pub fn kind_rank(&self) -> u8 {
        match self {
            PathMatch::Exact { .. } => 4,
            PathMatch::Template { .. } => 3,
            PathMatch::Regex { .. } => 2,
            PathMatch::StringPrefix { .. } | PathMatch::SegmentPrefix { .. } => 1,
            PathMatch::Any => 0,
        }
    }
}

impl fmt::Display for PathMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let case = |ic: bool| if ic { " (any case)" } else { "" };
        match self {
            PathMatch::Exact { path, ignore_case } => {
                write!(f, "exact {path}{}", case(*ignore_case))
            }
            PathMatch::StringPrefix {
                prefix,
                ignore_case,
            } => write!(f, "prefix {prefix}{}", case(*ignore_case)),
            PathMatch::SegmentPrefix {
                prefix,
                ignore_case,
            } => write!(f, "path prefix {prefix}{}", case(*ignore_case)),
            PathMatch::Regex { source, .. } => write!(f, "regex {source}"),
            PathMatch::Template { pattern, .. } => write!(f, "{pattern}"),
            PathMatch::Any => f.write_str("any path"),
        }
    }
}

/// How a route changes the path before it forwards the request.
#[derive(Clone, Debug)]
pub enum Rewrite {
    /// Istio `rewrite.uri`: replaces the part of the path the match covered (the prefix for a
    /// prefix match, the whole path otherwise).
    ReplaceMatched(String),
    /// Go `http.StripPrefix`: trims a string prefix; a path without it gets 404 there.
    StripPrefix(String),
    /// A regex replacement over the whole path (`\1` or `$1` captures). `shown` is how the
    /// user wrote it (`rewrite-target: /$2`), for messages.
    RegexReplace {
        re: Regex,
        with: String,
        shown: String,
    },
    /// Replaces the whole path.
    ReplaceFull(String),
    /// Puts a prefix in front (a reverse proxy target with a path, Spring `PrefixPath`).
    PrefixPath(String),
    /// Gateway API `ReplacePrefixMatch`: the whole segments the `PathPrefix` matched are
    /// replaced (`/foo/bar`, prefix `/foo`, replacement `/xyz` → `/xyz/bar`; replacement `/` or
    /// `""` → `/bar`; `/foo` alone → `/`).
    ReplacePrefixSegments { prefix: String, with: String },
    /// Spring Cloud Gateway `StripPrefix=N` (and Zuul's prefix stripping): drops the first `n`
    /// segments; a path with `n` segments or fewer becomes `/`; a trailing slash stays.
    StripSegments(usize),
    /// Regex replacements tried in order, the first that matches applies and ends the list
    /// (nginx `rewrite … break` directives of one location); none matching leaves the path.
    FirstOf(Vec<Rewrite>),
    /// A rewrite routelint cannot follow (a middleware defined elsewhere, a script): requests
    /// through it end as unknown, never as a 404.
    Unknown(String),
}

/// What a rewrite did.
#[derive(Clone, Debug, PartialEq)]
pub enum Rewritten {
    Path(ReqPath),
    /// The rewrite rejects the request (`StripPrefix` without the prefix: 404).
    Rejected,
    /// The rewrite depends on a parameter's value.
    Unknown,
}

impl Rewrite {
    pub fn apply(&self, matcher: &PathMatch, path: &ReqPath) -> Rewritten {
        match self {
            Rewrite::ReplaceMatched(with) => match matcher {
                PathMatch::StringPrefix { prefix, .. }
                | PathMatch::SegmentPrefix { prefix, .. } => {
                    match path.replace_head(prefix.len(), with) {
                        Some(p) => Rewritten::Path(p),
                        None => Rewritten::Unknown,
                    }
                }
                _ => Rewritten::Path(ReqPath::parse(with)),
            },
            // A parameter that would have to be the prefix's own word is not taken to be it:
            // `StripPrefix("/api", h)` rejects `/{x}/users` (404), as for any other value.
            Rewrite::StripPrefix(prefix) => {
                match path.starts_with_str_read(prefix, false, Reading::Definite) {
                    Tri::Yes => match path.replace_head(prefix.len(), "") {
                        Some(p) => Rewritten::Path(p),
                        None => Rewritten::Unknown,
                    },
                    Tri::Maybe => Rewritten::Unknown,
                    Tri::No => Rewritten::Rejected,
                }
            }
            Rewrite::RegexReplace { re, with, .. } => {
                let rendered = path.render_with(|n| format!("{{{n}}}"));
                if !re.is_match(&rendered) {
                    return Rewritten::Path(path.clone());
                }
                let with = convert_backrefs(with);
                Rewritten::Path(ReqPath::parse(&re.replace(&rendered, with.as_str())))
            }
            Rewrite::ReplaceFull(with) => Rewritten::Path(ReqPath::parse(with)),
            Rewrite::FirstOf(list) => {
                let rendered = path.render_with(|n| format!("{{{n}}}"));
                list.iter()
                    .find(|r| match r {
                        Rewrite::RegexReplace { re, .. } => re.is_match(&rendered),
                        _ => true,
                    })
                    .map_or_else(|| Rewritten::Path(path.clone()), |r| r.apply(matcher, path))
            }
            Rewrite::Unknown(_) => Rewritten::Unknown,
            Rewrite::ReplacePrefixSegments { prefix, with } => {
                let n = prefix.split('/').filter(|x| !x.is_empty()).count();
                let whole = path.segments();
                if whole.segs.len() == n {
                    // Nothing after the prefix: the replacement alone (`/` when empty).
                    let with = with.trim_end_matches('/');
                    let out = match (with.is_empty(), whole.trailing_slash) {
                        (true, _) => "/".to_owned(),
                        (false, true) => format!("{with}/"),
                        (false, false) => with.to_owned(),
                    };
                    return Rewritten::Path(ReqPath::literal(&out));
                }
                match path.drop_segments(n) {
                    Some(rest) => {
                        let with = with.trim_end_matches('/');
                        let joined = rest.prepend(with);
                        if joined.literal_head().is_empty() && joined.pieces().is_empty() {
                            Rewritten::Path(ReqPath::literal("/"))
                        } else if !joined.literal_head().starts_with('/') {
                            Rewritten::Path(joined.prepend("/"))
                        } else {
                            Rewritten::Path(joined)
                        }
                    }
                    None => Rewritten::Unknown,
                }
            }
            Rewrite::PrefixPath(prefix) => {
                Rewritten::Path(path.prepend(prefix.trim_end_matches('/')))
            }
            Rewrite::StripSegments(n) => {
                // StripPrefixGatewayFilterFactory: tokenize on `/` (empty segments dropped),
                // keep the parts from index n, join under `/`; a trailing slash is kept when
                // something is left.
                let s = path.segments();
                let segs: Vec<Vec<Piece>> = s
                    .segs
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .skip(*n)
                    .collect();
                let trailing_slash = s.trailing_slash && !segs.is_empty();
                Rewritten::Path(
                    Segments {
                        leading_slash: true,
                        segs,
                        trailing_slash,
                    }
                    .to_path(),
                )
            }
        }
    }
}

impl fmt::Display for Rewrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rewrite::ReplaceMatched(w) if w.is_empty() => f.write_str("strip the matched prefix"),
            Rewrite::ReplaceMatched(w) => write!(f, "rewrite to {w}"),
            Rewrite::StripPrefix(p) => write!(f, "strip {p}"),
            Rewrite::RegexReplace { shown, .. } => f.write_str(shown),
            Rewrite::ReplaceFull(w) => write!(f, "set path {w}"),
            Rewrite::Unknown(why) => write!(f, "unknown rewrite ({why})"),
            Rewrite::FirstOf(list) => {
                let shown: Vec<String> = list.iter().map(ToString::to_string).collect();
                f.write_str(&shown.join("; "))
            }
            Rewrite::PrefixPath(p) => write!(f, "prefix with {p}"),
            Rewrite::StripSegments(n) => write!(f, "StripPrefix={n}"),
            Rewrite::ReplacePrefixSegments { prefix, with } => {
                write!(
                    f,
                    "replace prefix {prefix} with {}",
                    if with.is_empty() { "\"\"" } else { with }
                )
            }
        }
    }
}

/// `\1` (RE2/Istio style) to `${1}` (regex crate style).
fn convert_backrefs(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            out.push_str(&format!("${{{n}}}"));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Tri::*;

    fn p(s: &str) -> ReqPath {
        ReqPath::parse(s)
    }

    #[test]
    fn string_prefix_over_and_under_matches() {
        // semantics.md: a string prefix without a trailing slash over-matches, with one it
        // under-matches.
        let table = [
            ("/api", "/api", Yes),
            ("/api", "/apix", Yes),
            ("/api", "/api/users", Yes),
            ("/api/", "/api", No),
            ("/api/", "/api/x", Yes),
            ("/blog/api/", "/api/posts", No),
            ("/api/posts/", "/api/{id}", Maybe),
            ("/API", "/api", No),
        ];
        for (prefix, path, want) in table {
            assert_eq!(
                p(path).starts_with_str(prefix, false),
                want,
                "{prefix} vs {path}"
            );
        }
        assert_eq!(p("/API/x").starts_with_str("/api", true), Yes);
    }

    #[test]
    fn segment_prefix_is_segment_wise() {
        let table = [
            ("/api", "/api", Yes),
            ("/api", "/api/", Yes),
            ("/api", "/api/x", Yes),
            ("/api", "/apix", No),
            ("/api/", "/api", Yes),
            ("/", "/anything", Yes),
            ("/api/v1", "/api/{v}", Maybe),
        ];
        for (prefix, path, want) in table {
            assert_eq!(
                p(path).starts_with_segments(prefix, false),
                want,
                "{prefix} vs {path}"
            );
        }
    }

    #[test]
    fn templates_match_segments() {
        let table = [
            ("/posts/{id}", "/posts/5", Yes),
            ("/posts/{id}", "/posts/{postId}", Yes),
            ("/posts/{id}", "/posts", No),
            ("/posts/{id}", "/posts/", No),
            ("/posts/{id}", "/posts/5/", No),
            ("/posts/me", "/posts/{id}", Maybe),
            ("/posts", "/posts/", No),
            ("/posts/", "/posts/", Yes),
            ("/", "/", Yes),
        ];
        for (tpl, path, want) in table {
            assert_eq!(
                Pattern::openapi(tpl).match_path(&p(path), false),
                want,
                "{tpl} vs {path}"
            );
        }
    }

    #[test]
    fn subtree_patterns_match_below() {
        let sub = Pattern {
            segs: vec![PatSeg::Lit("blog".into()), PatSeg::Lit("api".into())],
            subtree: true,
            ..Pattern::default()
        };
        assert_eq!(sub.match_path(&p("/blog/api/posts"), false), Yes);
        assert_eq!(sub.match_path(&p("/blog/api/"), false), Yes);
        assert_eq!(sub.match_path(&p("/blog/api"), false), No);
        assert_eq!(sub.match_path(&p("/api/posts"), false), No);
        let root = Pattern {
            segs: vec![],
            subtree: true,
            ..Pattern::default()
        };
        assert_eq!(root.match_path(&p("/x/y"), false), Yes);
    }

    #[test]
    fn glob_segments_and_lenient_slash() {
        let pat = Pattern {
            segs: vec![PatSeg::Lit("files".into()), PatSeg::Glob("*.json".into())],
            lenient_slash: true,
            ..Pattern::default()
        };
        assert_eq!(pat.match_path(&p("/files/a.json"), false), Yes);
        assert_eq!(pat.match_path(&p("/files/a.json/"), false), Yes);
        assert_eq!(pat.match_path(&p("/files/a.xml"), false), No);
        assert_eq!(pat.match_path(&p("/files/{name}"), false), Maybe);
        let q = Pattern {
            segs: vec![PatSeg::Glob("v?".into())],
            ..Pattern::default()
        };
        assert_eq!(q.match_path(&p("/v1"), false), Yes);
        assert_eq!(q.match_path(&p("/v12"), false), No);
        assert_eq!(q.match_path(&p("/v1/"), false), No);
    }

    #[test]
    fn istio_prefix_rewrite_slash_arithmetic() {
        // semantics.md: `prefix: /api` + `rewrite: /` turns `/api/x` into `//x`.
        let m = PathMatch::StringPrefix {
            prefix: "/api".into(),
            ignore_case: false,
        };
        let r = Rewrite::ReplaceMatched("/".into());
        assert_eq!(r.apply(&m, &p("/api/x")), Rewritten::Path(p("//x")));
        let m2 = PathMatch::StringPrefix {
            prefix: "/api/".into(),
            ignore_case: false,
        };
        assert_eq!(
            r.apply(&m2, &p("/api/x/{id}")),
            Rewritten::Path(p("/x/{id}"))
        );
    }

    #[test]
    fn gateway_api_replace_prefix_match_replaces_whole_segments() {
        // semantics.md, Gateway API HTTPRoute: ReplacePrefixMatch.
        let table = [
            ("/foo", "/xyz", "/foo/bar", "/xyz/bar"),
            ("/foo", "", "/foo/bar", "/bar"),
            ("/foo", "/", "/foo/bar", "/bar"),
            ("/foo", "", "/foo", "/"),
            ("/foo", "/xyz", "/foo", "/xyz"),
            ("/foo/", "/xyz/", "/foo/bar", "/xyz/bar"),
            ("/prefix/one", "/one", "/prefix/one/two", "/one/two"),
            ("/foo", "/xyz", "/foo/{id}/x", "/xyz/{id}/x"),
        ];
        for (prefix, with, path, want) in table {
            let m = PathMatch::SegmentPrefix {
                prefix: prefix.into(),
                ignore_case: false,
            };
            let r = Rewrite::ReplacePrefixSegments {
                prefix: prefix.into(),
                with: with.into(),
            };
            assert_eq!(
                r.apply(&m, &p(path)),
                Rewritten::Path(p(want)),
                "{prefix} {with:?} {path}"
            );
        }
    }

    #[test]
    fn go_strip_prefix_is_a_string_trim() {
        let m = PathMatch::Any;
        let r = Rewrite::StripPrefix("/api/".into());
        assert_eq!(r.apply(&m, &p("/api/users")), Rewritten::Path(p("users")));
        assert_eq!(r.apply(&m, &p("/v1/users")), Rewritten::Rejected);
        let r = Rewrite::StripPrefix("/blog/api".into());
        assert_eq!(
            r.apply(&m, &p("/blog/api/posts/{id}")),
            Rewritten::Path(p("/posts/{id}"))
        );
        // Only a value `api` would carry the prefix: rejected; a parameter inside the
        // prefix's last segment is not known.
        assert_eq!(r.apply(&m, &p("/{x}/api/posts")), Rewritten::Rejected);
        assert_eq!(r.apply(&m, &p("/blog/{x}/posts")), Rewritten::Rejected);
        assert_eq!(r.apply(&m, &p("/blog/a{x}")), Rewritten::Unknown);
    }

    #[test]
    fn definite_reading_refuses_a_parameter_as_a_literal_segment() {
        // (matcher, path, any value, definite, bindings)
        let t = |s: &str| PathMatch::Template {
            pattern: Pattern::openapi(s),
            ignore_case: false,
        };
        let sp = |s: &str| PathMatch::StringPrefix {
            prefix: s.into(),
            ignore_case: false,
        };
        let seg = |s: &str| PathMatch::SegmentPrefix {
            prefix: s.into(),
            ignore_case: false,
        };
        let ex = |s: &str| PathMatch::Exact {
            path: s.into(),
            ignore_case: false,
        };
        let table: [(PathMatch, &str, Tri, Tri, &str); 12] = [
            (t("/orders"), "/{id}", Maybe, No, "id=orders"),
            (t("/users/me"), "/users/{id}", Maybe, No, "id=me"),
            (t("/users/{uid}"), "/users/{id}", Yes, Yes, ""),
            (t("/a/b"), "/{x}/{y}", Maybe, No, "x=a y=b"),
            // A parameter inside a segment with literal text keeps its maybe.
            (t("/v1/users"), "/v{n}/users", Maybe, Maybe, ""),
            (sp("/orders"), "/{id}", Maybe, No, "id^orders"),
            (sp("/orders/"), "/{id}/x", Maybe, No, "id=orders"),
            (sp("/api/v1"), "/api/v{n}", Maybe, Maybe, ""),
            (sp("/orders"), "/orders/{id}", Yes, Yes, ""),
            (seg("/api/v1"), "/api/{v}", Maybe, No, "v=v1"),
            (ex("/orders"), "/{id}", Maybe, No, "id=orders"),
            // A regex class is parameter-shaped: the maybe stays.
            (
                PathMatch::regex(r"/items/\d+").expect("regex"),
                "/items/{id}",
                Maybe,
                Maybe,
                "",
            ),
        ];
        for (m, path, any, definite, bindings) in table {
            let rp = p(path);
            assert_eq!(m.matches(&rp), any, "{m} vs {path}");
            assert_eq!(
                m.matches_read(&rp, None, Reading::Definite),
                definite,
                "{m} vs {path} (definite)"
            );
            let b: Vec<String> = m
                .bindings(&rp)
                .iter()
                .map(|b| {
                    format!(
                        "{}{}{}",
                        b.param,
                        if b.starts { "^" } else { "=" },
                        b.literal
                    )
                })
                .collect();
            assert_eq!(b.join(" "), bindings, "{m} vs {path} (bindings)");
        }
    }

    #[test]
    fn spring_strip_prefix_drops_whole_segments() {
        // StripPrefixGatewayFilterFactory: fewer segments than N leave `/`; a trailing slash
        // survives when something is left; empty segments do not count.
        let table = [
            (2, "/api/customer/owners", "/owners"),
            (2, "/api/customer/owners/{id}/pets", "/owners/{id}/pets"),
            (1, "/customer/owners/", "/owners/"),
            (2, "/api/customer", "/"),
            (2, "/api/customer/", "/"),
            (3, "/api", "/"),
            (0, "/api/x", "/api/x"),
            (1, "//api/x", "/x"),
            (1, "/{tenant}/x", "/x"),
            (1, "/", "/"),
        ];
        for (n, path, want) in table {
            assert_eq!(
                Rewrite::StripSegments(n).apply(&PathMatch::Any, &p(path)),
                Rewritten::Path(p(want)),
                "StripPrefix={n} {path}"
            );
        }
    }

    #[test]
    fn regex_rewrite_keeps_parameters() {
        let re = Regex::new("^/api/(.*)$").unwrap();
        let r = Rewrite::RegexReplace {
            re,
            with: "/v2/\\1".into(),
            shown: String::new(),
        };
        assert_eq!(
            r.apply(&PathMatch::Any, &p("/api/posts/{id}")),
            Rewritten::Path(p("/v2/posts/{id}"))
        );
    }

    #[test]
    fn segment_edits() {
        assert_eq!(
            p("/api/posts").replace_segments(1, "/blog/api/"),
            Some(p("/blog/api/posts"))
        );
        assert_eq!(p("/a/b/").toggle_trailing_slash(), Some(p("/a/b")));
        assert_eq!(p("/a/b").toggle_trailing_slash(), Some(p("/a/b/")));
        assert_eq!(p("//x").collapse_slashes(), p("/x"));
        assert!(p("//x").has_double_slash());
        assert!(!p("/x/{id}/y").has_double_slash());
        assert_eq!(p("/").segments().segs.len(), 0);
        assert_eq!(p("/").drop_segments(0), Some(p("/")));
    }
}
