//! Inline suppressions: `// routelint-ignore: RULE[, RULE] -- reason` in JavaScript,
//! TypeScript, Go and Java files (also inside `/* */`), `# routelint-ignore: RULE -- reason` in
//! YAML, nginx, Python, properties and TOML files.
//!
//! [`apply`] scans the text of every file in the [`SourceMap`] once (the files are already in
//! memory: this module never reads from disk), drops each finding whose primary location starts
//! on a line a valid suppression covers, and adds an `unused-suppression` warning for each
//! suppression that covers nothing, gives no reason, names a rule that does not exist (or
//! `all`), or is malformed. It must not reword, re-rank or otherwise change the findings it
//! keeps, and a suppression never silences another suppression's report.
//!
//! A suppression covers its own line when it shares the line with code (a trailing comment),
//! otherwise the next line that is not a comment. Only the marker itself (`//`, `/*` or `#`
//! directly followed by `routelint-ignore`) starts a suppression, so a `//` inside a URL string
//! (`'http://x'`) is never taken for a comment.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::finding::Meta;
use crate::finding::{Finding, Label};
use crate::rules::{RULES, find_rule};
use crate::source_file::{FileId, SourceFile, SourceMap, Span};

/// What every suppression comment contains; files without it are skipped at once.
const MARKER: &str = "routelint-ignore";

/// The rule this module reports under.
const RULE: &str = "unused-suppression";

/// Rules that run only when coverage is asked for: a suppression of theirs is reported as
/// unused only in a run where they ran.
const ON_DEMAND: &[&str] = &["dead-route", "unreachable-endpoint"];

/// `//`, `/*` (or a `*` opening a line inside a block comment), then the marker.
static SLASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<open>//+|/\*+|^[ \t]*\*+)[ \t]*routelint-ignore\b").expect("constant regex")
});

/// `#`, then the marker.
static HASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<open>#+)[ \t]*routelint-ignore\b").expect("constant regex"));

/// Drops the findings an inline suppression covers and reports suppressions that cover nothing
/// (`unused-suppression`) or give no reason.
pub fn apply(findings: Vec<Finding>, sources: &SourceMap, coverage_ran: bool) -> Vec<Finding> {
    let mut suppressions: Vec<Suppression> = sources.files().iter().flat_map(scan_file).collect();
    if suppressions.is_empty() {
        return findings;
    }
    let by_line = index(&suppressions);
    // The coverage rules run only when asked for: their suppressions are unused only then.
    let ran: Vec<&'static str> = if coverage_ran {
        ON_DEMAND.to_vec()
    } else {
        Vec::new()
    };
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !suppress(f, sources, &by_line, &mut suppressions))
        .collect();
    out.extend(reports(&suppressions, sources, &ran));
    sort(&mut out, sources);
    out
}

/// One `routelint-ignore` comment.
#[derive(Debug)]
struct Suppression {
    file: FileId,
    /// 0-based line whose findings it covers.
    target: usize,
    /// Whether that line is the comment's own: it trails (or precedes) code on its line.
    shares_line: bool,
    /// The marker through the end of the comment.
    span: Span,
    /// Existing rules it names.
    rules: Vec<Named>,
    /// Whether it suppresses anything at all: well formed, naming rules, with a reason.
    active: bool,
    /// What is wrong with it, found while reading it: reported whatever it matches.
    problems: Vec<Problem>,
}

/// A rule a suppression names, where it names it, and whether it silenced a finding.
#[derive(Debug)]
struct Named {
    rule: &'static str,
    span: Span,
    used: bool,
}

/// Something wrong with a suppression comment, reported as an `unused-suppression` finding.
#[derive(Debug)]
struct Problem {
    span: Span,
    label: &'static str,
    message: String,
    detail: String,
    help: Option<String>,
}

/// Which comment syntax a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `//` and `/* */`: JavaScript, TypeScript, Go, Java.
    Slash,
    /// `#`: YAML, nginx, Python, properties, TOML.
    Hash,
    /// Unknown kind of file: either.
    Both,
    /// JSON: no comments, so no suppressions.
    None,
}

/// The comment syntax of a file, from its name.
fn style_of(display: &str) -> Style {
    let name = display
        .rsplit('/')
        .next()
        .unwrap_or(display)
        .to_ascii_lowercase();
    if name == "go.mod" {
        return Style::Slash;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "mts" | "cts" | "go" | "java" => Style::Slash,
        "yaml" | "yml" | "conf" | "nginx" | "py" | "properties" | "toml" => Style::Hash,
        "json" => Style::None,
        _ => Style::Both,
    }
}

/// A line of a file: where it starts and its text without the line ending.
struct Line<'t> {
    start: usize,
    text: &'t str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for chunk in text.split_inclusive('\n') {
        out.push(Line {
            start,
            text: chunk.trim_end_matches(['\n', '\r']),
        });
        start += chunk.len();
    }
    out
}

/// Every suppression comment of one file.
fn scan_file(file: &SourceFile) -> Vec<Suppression> {
    let style = style_of(&file.display);
    if style == Style::None || !file.text.contains(MARKER) {
        return Vec::new();
    }
    let lines = lines(&file.text);
    (0..lines.len())
        .filter(|&i| lines[i].text.contains(MARKER))
        .filter_map(|i| parse_line(file.id, &lines, i, style))
        .collect()
}

/// Where a marker is on a line.
struct Marker {
    /// Start of the comment opener.
    start: usize,
    /// End of `routelint-ignore`.
    end: usize,
    /// A `/* */` comment: it ends at `*/`.
    block: bool,
    /// How a line comment opens in this file (`//` or `#`), for examples in messages.
    opener: &'static str,
}

fn find_marker(text: &str, style: Style) -> Option<Marker> {
    let slash = matches!(style, Style::Slash | Style::Both)
        .then(|| marker_in(&SLASH, text, "//"))
        .flatten();
    let hash = matches!(style, Style::Hash | Style::Both)
        .then(|| marker_in(&HASH, text, "#"))
        .flatten();
    match (slash, hash) {
        (Some(s), Some(h)) => Some(if h.start < s.start { h } else { s }),
        (s, h) => s.or(h),
    }
}

fn marker_in(re: &Regex, text: &str, opener: &'static str) -> Option<Marker> {
    re.captures_iter(text).find_map(|caps| {
        let open = caps.name("open")?;
        let written = open.as_str().trim_start();
        // `http://routelint-ignore.dev` is a URL, not a comment.
        if text[..open.start()].ends_with(':') {
            return None;
        }
        Some(Marker {
            start: open.end() - written.len(),
            end: caps.get(0)?.end(),
            block: written.starts_with("/*") || written.starts_with('*'),
            opener,
        })
    })
}

/// Whether a line is only a comment (it does not stop a suppression looking for its line).
fn is_comment_line(text: &str, style: Style) -> bool {
    let t = text.trim_start();
    let slash = t.starts_with("//")
        || t.starts_with("/*")
        || t == "*"
        || t.starts_with("* ")
        || t.starts_with("*\t")
        || t.starts_with("*/");
    match style {
        Style::Slash => slash,
        Style::Hash => t.starts_with('#'),
        Style::Both => slash || t.starts_with('#'),
        Style::None => false,
    }
}

/// Reads the suppression on line `i`, if the line holds one.
fn parse_line(file: FileId, lines: &[Line<'_>], i: usize, style: Style) -> Option<Suppression> {
    let line = &lines[i];
    let marker = find_marker(line.text, style)?;
    let (body_end, comment_end) = comment_bounds(line.text, &marker);
    let body = &line.text[marker.end..body_end];
    let (target, shares_line) = covered_line(lines, i, (marker.start, comment_end), style);
    let at = |from: usize, to: usize| Span::new(file, line.start + from, line.start + to);
    let mut s = Suppression {
        file,
        target,
        shares_line,
        span: at(marker.start, comment_end),
        rules: Vec::new(),
        active: false,
        problems: Vec::new(),
    };
    let example = format!("{} routelint-ignore: missing-prefix -- why", marker.opener);
    let Some(list) = body.trim_start().strip_prefix(':') else {
        s.problems.push(malformed(s.span, &example));
        return Some(s);
    };
    let list_start = body_end - list.len();
    let (list, reason) = match list.find("--") {
        Some(k) => (&list[..k], list[k + 2..].trim()),
        None => (list, ""),
    };
    for (offset, token) in tokens(list) {
        let span = at(list_start + offset, list_start + offset + token.len());
        match classify(token, span) {
            Ok(named) => s.rules.push(named),
            Err(p) => s.problems.push(p),
        }
    }
    let named_any = s.rules.len() + s.problems.len() > 0;
    if !named_any {
        s.problems.push(no_rules(s.span, &example));
    }
    if reason.is_empty() {
        s.problems.push(no_reason(s.span, &example));
    }
    s.active = named_any && !reason.is_empty();
    Some(s)
}

/// The 0-based line a comment at `bounds` on line `i` covers: its own when code shares the
/// line, else the next line that is not a comment. Says which of the two.
fn covered_line(
    lines: &[Line<'_>],
    i: usize,
    (start, end): (usize, usize),
    style: Style,
) -> (usize, bool) {
    let text = lines[i].text;
    let before = text[..start].trim();
    let after = text[end..].trim();
    if !before.is_empty() || !(after.is_empty() || is_comment_line(after, style)) {
        return (i, true);
    }
    let next = (i + 1..lines.len())
        .find(|&j| !is_comment_line(lines[j].text, style))
        .unwrap_or(lines.len());
    (next, false)
}

/// Where the comment's text ends (before a block comment's `*/`) and where the comment ends
/// (after it, or at the end of the line without trailing blanks).
fn comment_bounds(text: &str, marker: &Marker) -> (usize, usize) {
    let rest = &text[marker.end..];
    if marker.block
        && let Some(k) = rest.find("*/")
    {
        return (marker.end + k, marker.end + k + 2);
    }
    let end = text.trim_end().len().max(marker.end);
    (end, end)
}

/// The rule names of a list (`missing-prefix, RL104`), with their byte offsets in it.
fn tokens(list: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (k, c) in list
        .char_indices()
        .chain(std::iter::once((list.len(), ',')))
    {
        let separator = c == ',' || c.is_whitespace();
        match (start, separator) {
            (None, false) => start = Some(k),
            (Some(s), true) => {
                out.push((s, &list[s..k]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A rule name or code as written in a suppression: the rule it names, or what is wrong.
fn classify(token: &str, span: Span) -> Result<Named, Problem> {
    if token.eq_ignore_ascii_case("all") {
        return Err(Problem {
            span,
            label: "not a rule",
            message: "a suppression cannot name `all`: list the rules it suppresses".to_owned(),
            detail: "Suppressions name each rule they silence, so a new kind of finding on \
                     this line is still reported."
                .to_owned(),
            help: Some("`routelint rules` lists every rule's name and code".to_owned()),
        });
    }
    match find_rule(token) {
        Some(r) if r.meta().name == RULE => Err(Problem {
            span,
            label: "cannot be suppressed",
            message: format!("`{token}` cannot be suppressed"),
            detail: "An unused-suppression finding reports a comment that does nothing: fix \
                     or remove that comment instead."
                .to_owned(),
            help: None,
        }),
        Some(r) => Ok(Named {
            rule: r.meta().name,
            span,
            used: false,
        }),
        None => Err(unknown_rule(token, span)),
    }
}

fn unknown_rule(token: &str, span: Span) -> Problem {
    let suggestion = RULES
        .iter()
        .flat_map(|r| [r.meta().name, r.meta().code])
        .map(|name| (strsim::jaro_winkler(token, name), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| format!(": did you mean `{name}`?"))
        .unwrap_or_default();
    Problem {
        span,
        label: "unknown rule",
        message: format!("no rule named `{token}`{suggestion}"),
        detail: format!(
            "`{token}` is neither a rule's name nor its code, so this suppression silences \
             nothing under it."
        ),
        help: Some("`routelint rules` lists every rule's name and code".to_owned()),
    }
}

fn malformed(span: Span, example: &str) -> Problem {
    Problem {
        span,
        label: "not a suppression",
        message: "suppression names no rule: write `routelint-ignore: RULE -- reason`".to_owned(),
        detail: "A suppression is `routelint-ignore:` followed by the rules it silences and, \
                 after `--`, why. This one suppresses nothing."
            .to_owned(),
        help: Some(format!("for example `{example}`")),
    }
}

fn no_rules(span: Span, example: &str) -> Problem {
    Problem {
        span,
        label: "no rule listed",
        message: "suppression names no rule: list the rules it silences".to_owned(),
        detail: "A suppression names each rule it silences, by name or code. This one \
                 suppresses nothing."
            .to_owned(),
        help: Some(format!("for example `{example}`")),
    }
}

fn no_reason(span: Span, example: &str) -> Problem {
    Problem {
        span,
        label: "no reason given",
        message: "suppression needs a reason: `-- why`".to_owned(),
        detail: "A suppression without a reason suppresses nothing: say after `--` why the \
                 finding does not apply, so the next reader can tell when it stops being true."
            .to_owned(),
        help: Some(format!("for example `{example}`")),
    }
}

/// Suppressions by the (file, line) they cover.
fn index(suppressions: &[Suppression]) -> HashMap<(FileId, usize), Vec<usize>> {
    let mut by_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    for (k, s) in suppressions.iter().enumerate() {
        by_line.entry((s.file, s.target)).or_default().push(k);
    }
    by_line
}

/// Whether an active suppression covers the finding; marks the rules that matched as used.
fn suppress(
    f: &Finding,
    sources: &SourceMap,
    by_line: &HashMap<(FileId, usize), Vec<usize>>,
    suppressions: &mut [Suppression],
) -> bool {
    let Some(file) = sources.get(f.primary.span.file) else {
        return false;
    };
    let line = file.line_index(f.primary.span.start);
    let Some(ids) = by_line.get(&(file.id, line)) else {
        return false;
    };
    let mut hit = false;
    for &k in ids {
        let Some(s) = suppressions.get_mut(k).filter(|s| s.active) else {
            continue;
        };
        for named in s.rules.iter_mut().filter(|n| n.rule == f.rule) {
            named.used = true;
            hit = true;
        }
    }
    hit
}

/// The `unused-suppression` findings: problems found while reading, then rules that matched
/// nothing.
/// `ran` names the on-demand rules that ran.
fn reports(suppressions: &[Suppression], sources: &SourceMap, ran: &[&str]) -> Vec<Finding> {
    let Some(meta) = find_rule(RULE).map(|r| r.meta()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in suppressions {
        for p in &s.problems {
            out.push(finding(meta, p, sources));
        }
        for p in unused(s, sources, ran) {
            out.push(finding(meta, &p, sources));
        }
    }
    out
}

/// What an active suppression named without matching: one report on the whole comment when
/// nothing matched, else one per unmatched rule.
/// Rules that only run on demand and did not run are left out.
fn unused(s: &Suppression, sources: &SourceMap, ran: &[&str]) -> Vec<Problem> {
    let checked: Vec<&Named> = s
        .rules
        .iter()
        .filter(|n| !ON_DEMAND.contains(&n.rule) || ran.contains(&n.rule))
        .collect();
    let idle: Vec<&Named> = checked.iter().copied().filter(|n| !n.used).collect();
    if !s.active || idle.is_empty() {
        return Vec::new();
    }
    let line = s.target + 1;
    let file = sources.display(s.file);
    let which = if s.shares_line {
        "the line of the comment"
    } else {
        "the first line after the comment that is not a comment"
    };
    let help = Some(
        "remove the comment if the finding is fixed, or move it to the line the finding is \
         reported on (or the line above it)"
            .to_owned(),
    );
    let detail = |names: &str| {
        format!(
            "No {names} finding starts on {file}:{line}, {which}. A suppression that matches \
             nothing would hide the next, unrelated finding there."
        )
    };
    if idle.len() == checked.len() && checked.len() == s.rules.len() {
        let mut names: Vec<&str> = Vec::new();
        for n in &idle {
            if !names.contains(&n.rule) {
                names.push(n.rule);
            }
        }
        let names = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return vec![Problem {
            span: s.span,
            label: "matches no finding",
            message: format!("suppression of {names} matches no finding"),
            detail: detail(&names),
            help,
        }];
    }
    idle.iter()
        .map(|n| Problem {
            span: n.span,
            label: "matches no finding",
            message: format!("`{}` in this suppression matches no finding", n.rule),
            detail: detail(&format!("`{}`", n.rule)),
            help: help.clone(),
        })
        .collect()
}

fn finding(meta: &'static Meta, p: &Problem, sources: &SourceMap) -> Finding {
    Finding {
        rule: meta.name,
        code: meta.code,
        severity: meta.severity,
        status: meta.status,
        title: meta.title,
        message: p.message.clone(),
        detail: p.detail.clone(),
        primary: Label {
            span: p.span,
            message: p.label.to_owned(),
        },
        related: Vec::new(),
        trace: None,
        help: p.help.clone(),
        notes: Vec::new(),
        fix: None,
        request: None,
        answered_by: None,
        fingerprint: String::new(),
    }
    .with_fingerprint(sources)
}

/// The order `rules::run` gives: path, line, column, rule, message.
fn sort(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by(|a, b| {
        sources
            .display(a.primary.span.file)
            .cmp(sources.display(b.primary.span.file))
            .then(
                sources
                    .line_col(a.primary.span)
                    .cmp(&sources.line_col(b.primary.span)),
            )
            .then(a.rule.cmp(b.rule))
            .then(a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(text: &str, style: Style) -> Option<(usize, usize, bool)> {
        find_marker(text, style).map(|m| (m.start, m.end, m.block))
    }

    #[test]
    fn a_url_is_not_a_comment() {
        let line = "fetch('http://x/a'); // routelint-ignore: RL101 -- why";
        assert_eq!(marker(line, Style::Slash), Some((21, 40, false)));
        assert_eq!(
            marker("fetch('http://routelint-ignore.dev')", Style::Slash),
            None
        );
    }

    #[test]
    fn block_comments_end_at_their_close() {
        let line = "  /* routelint-ignore: RL101 -- why */ fetch('/a');";
        let m = find_marker(line, Style::Slash);
        assert!(m.as_ref().is_some_and(|m| m.block && m.start == 2));
        if let Some(m) = m {
            assert_eq!(comment_bounds(line, &m), (36, 38));
        }
        assert_eq!(
            marker(" * routelint-ignore: x -- y", Style::Slash),
            Some((1, 19, true))
        );
        assert_eq!(marker(" * routelint-ignore: x -- y", Style::Hash), None);
    }

    #[test]
    fn a_comment_covers_its_line_or_the_next_line_of_code() {
        let text = "a(); // routelint-ignore: x -- y\n\
                    // routelint-ignore: x -- y\n\
                    // another comment\n\
                    b();\n\
                    /* routelint-ignore: x -- y */ c();\n\
                    // routelint-ignore: x -- y\n\
                    \n\
                    d();\n\
                    // routelint-ignore: x -- y";
        let lines = lines(text);
        let covered: Vec<(usize, bool)> = [0, 1, 4, 5, 8]
            .iter()
            .filter_map(|&i| {
                let m = find_marker(lines[i].text, Style::Slash)?;
                let (_, end) = comment_bounds(lines[i].text, &m);
                Some(covered_line(&lines, i, (m.start, end), Style::Slash))
            })
            .collect();
        // A blank line is not a comment: the comment above it covers it, not `d();`.
        assert_eq!(
            covered,
            [(0, true), (3, false), (4, true), (6, false), (9, false)]
        );
    }

    #[test]
    fn tokens_split_on_commas_and_blanks() {
        assert_eq!(
            tokens(" missing-prefix,RL104  x "),
            [(1, "missing-prefix"), (16, "RL104"), (23, "x")]
        );
        assert!(tokens(" , ").is_empty());
    }

    #[test]
    fn styles_follow_the_file_name() {
        assert_eq!(style_of("web/src/a.tsx"), Style::Slash);
        assert_eq!(style_of("k8s/a.YAML"), Style::Hash);
        assert_eq!(style_of("spec/openapi.json"), Style::None);
        assert_eq!(style_of("api-gateway/go.mod"), Style::Slash);
        assert_eq!(style_of("nginx/default"), Style::Both);
    }
}
