//! JUnit XML output, for CI systems that show test reports: one test case per client call
//! routelint checked (a call with findings fails, one it could not resolve is skipped), and one
//! more per finding that is not about a call (a file that does not parse, a dead route).

use std::fmt::Write;

use crate::finding::Finding;
use crate::source_file::{SourceMap, Span};

/// The rule whose findings a skipped test case already stands for.
const UNRESOLVED_RULE: &str = "unresolved-call";

/// One `<testcase>`.
struct Case<'a> {
    classname: String,
    name: String,
    file: String,
    line: usize,
    skipped: Option<String>,
    failures: Vec<&'a Finding>,
}

/// A client call routelint checked, as a test case shows it.
pub struct CheckedCall {
    /// The call in its source.
    pub span: Span,
    /// The request it sends (`GET /blog/api/posts`), when its URL resolved.
    pub request: Option<String>,
    /// The client that sends it (`fetch`, `axios`), named when the URL did not resolve.
    pub client: String,
    /// Why it could not be checked, when it could not.
    pub unresolved: Option<String>,
}

/// Renders the checked calls and the findings as a JUnit XML document.
pub fn render(sources: &SourceMap, calls: &[CheckedCall], findings: &[Finding]) -> String {
    let (mut cases, claimed) = call_cases(sources, calls, findings);
    cases.extend(
        findings
            .iter()
            .zip(&claimed)
            .filter(|(_, claimed)| !**claimed)
            .map(|(f, _)| place_case(sources, f)),
    );
    document(sources, &cases)
}

/// A test case per client call, sorted by location, and which findings they claimed.
fn call_cases<'a>(
    sources: &SourceMap,
    calls: &[CheckedCall],
    findings: &'a [Finding],
) -> (Vec<Case<'a>>, Vec<bool>) {
    let mut claimed = vec![false; findings.len()];
    let mut calls: Vec<(Span, &CheckedCall)> = calls.iter().map(|c| (c.span, c)).collect();
    calls.sort_by(|a, b| {
        sources
            .display(a.0.file)
            .cmp(sources.display(b.0.file))
            .then(a.0.start.cmp(&b.0.start))
            .then(a.0.end.cmp(&b.0.end))
    });
    let cases = calls
        .into_iter()
        .map(|(span, r)| {
            let mut case = call_case(sources, span, r);
            for (i, f) in findings.iter().enumerate() {
                if f.primary.span == span {
                    claimed[i] = true;
                    if f.rule != UNRESOLVED_RULE {
                        case.failures.push(f);
                    }
                }
            }
            if !case.failures.is_empty() {
                case.skipped = None;
            }
            case
        })
        .collect();
    (cases, claimed)
}

/// `GET /blog/api/posts (frontend/src/api.js:5)`, skipped when it could not be checked.
fn call_case<'a>(sources: &SourceMap, span: Span, r: &CheckedCall) -> Case<'a> {
    let file = sources.display(span.file).to_owned();
    let line = sources.line_col(span).line;
    let what = match &r.request {
        Some(q) => q.clone(),
        None => format!("{} call with an unresolved URL", r.client),
    };
    Case {
        classname: file.clone(),
        name: format!("{what} ({file}:{line})"),
        file,
        line,
        skipped: r.unresolved.clone(),
        failures: Vec::new(),
    }
}

/// A test case for a finding about a place: `parse-error (deploy/broken.yaml:10)`.
fn place_case<'a>(sources: &SourceMap, f: &'a Finding) -> Case<'a> {
    let file = sources.display(f.primary.span.file).to_owned();
    let line = sources.line_col(f.primary.span).line;
    Case {
        classname: file.clone(),
        name: format!("{} ({file}:{line})", f.rule),
        file,
        line,
        skipped: None,
        failures: vec![f],
    }
}

/// The whole document: one suite holding every case.
fn document(sources: &SourceMap, cases: &[Case<'_>]) -> String {
    let tests = cases.len();
    let failures = cases.iter().filter(|c| !c.failures.is_empty()).count();
    let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
    let counts = format!(r#"tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}""#);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, r#"<testsuites name="routelint" {counts}>"#);
    let _ = writeln!(out, r#"  <testsuite name="routelint" {counts}>"#);
    for c in cases {
        case(&mut out, sources, c);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// One `<testcase>` with its `<skipped>` or `<failure>` elements.
fn case(out: &mut String, sources: &SourceMap, c: &Case<'_>) {
    let _ = write!(
        out,
        r#"    <testcase classname="{}" name="{}" file="{}" line="{}""#,
        attr(&c.classname),
        attr(&c.name),
        attr(&c.file),
        c.line
    );
    if c.skipped.is_none() && c.failures.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some(why) = &c.skipped {
        let _ = writeln!(out, r#"      <skipped message="{}"/>"#, attr(why));
    }
    for f in &c.failures {
        let _ = writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            attr(&f.message),
            attr(f.rule),
            text(&failure_text(sources, f))
        );
    }
    out.push_str("    </testcase>\n");
}

/// The body of a `<failure>`: where, why, the trace, the notes and the help.
fn failure_text(sources: &SourceMap, f: &Finding) -> String {
    let at = sources.line_col(f.primary.span);
    let mut lines = vec![format!(
        "{}[{}] at {}:{}:{}",
        f.severity,
        f.rule,
        sources.display(f.primary.span.file),
        at.line,
        at.column
    )];
    if !f.detail.is_empty() {
        lines.push(f.detail.clone());
    }
    for l in &f.related {
        let lc = sources.line_col(l.span);
        lines.push(format!(
            "see {}:{}:{}: {}",
            sources.display(l.span.file),
            lc.line,
            lc.column,
            l.message
        ));
    }
    if let Some(t) = &f.trace {
        lines.push(format!("trace: {t}"));
    }
    lines.extend(f.notes.iter().map(|n| format!("note: {n}")));
    if let Some(h) = &f.help {
        lines.push(format!("help: {h}"));
    }
    lines.join("\n")
}

/// Whether XML 1.0 allows a character at all (`Char` of the XML 1.0 grammar).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data: markup characters become entities, characters XML 1.0 forbids are
/// dropped.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value: as [`text`], and also quotes and whitespace that attribute
/// normalisation would otherwise turn into spaces.
pub fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\t' if in_attr => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attr, text};

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            text(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn forbidden_characters_are_dropped() {
        assert_eq!(text("a\u{0}b\u{1b}c\u{FFFE}d\u{7f}"), "abcd\u{7f}");
        assert_eq!(text("tab\tline\n"), "tab\tline\n");
    }

    #[test]
    fn attribute_whitespace_survives_normalisation() {
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
    }
}
