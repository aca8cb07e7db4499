//! GitHub Actions output: one workflow command per finding,
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=TITLE::MESSAGE`, which the
//! runner turns into an annotation on the pull request's diff. `warning` for warnings, `notice`
//! for info findings. Values are escaped as the runner unescapes them: `%`, CR and LF
//! everywhere, and also `:` and `,` in properties.

use crate::finding::{Finding, Severity};
use crate::source_file::{LineCol, SourceMap, Span};

/// Renders one workflow command per finding, in the order given.
pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    findings.iter().map(|f| command(sources, f)).collect()
}

/// The workflow command of one finding, with its line ending.
fn command(sources: &SourceMap, f: &Finding) -> String {
    let (start, end) = range(sources, f.primary.span);
    let mut props = vec![
        ("file", sources.display(f.primary.span.file).to_owned()),
        ("line", start.line.to_string()),
    ];
    // Columns mean something to GitHub only on a one-line range.
    if start.line == end.line {
        props.push(("col", start.column.to_string()));
    }
    props.push(("endLine", end.line.to_string()));
    if start.line == end.line {
        props.push(("endColumn", end.column.to_string()));
    }
    props.push(("title", title(f)));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{} {}::{}\n",
        level(f.severity),
        props.join(","),
        escape_data(&message(f))
    )
}

/// The annotation level of a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `routelint: missing-prefix (404)`; without the status for rules that predict none.
fn title(f: &Finding) -> String {
    match f.status {
        Some(s) => format!("routelint: {} ({s})", f.rule),
        None => format!("routelint: {}", f.rule),
    }
}

/// The headline, then the detail and the help on lines of their own.
fn message(f: &Finding) -> String {
    let mut text = f.message.clone();
    if !f.detail.is_empty() {
        text.push('\n');
        text.push_str(&f.detail);
    }
    if let Some(h) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    text
}

/// Start and end (1-based, the end never before the start) of a span.
fn range(sources: &SourceMap, span: Span) -> (LineCol, LineCol) {
    let start = sources.line_col(span);
    let end = sources
        .get(span.file)
        .map(|f| f.line_col(span.end))
        .unwrap_or(start);
    (start, end.max(start))
}

/// Escapes the message of a workflow command: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command: as [`escape_data`], and also `:` and `,`,
/// which would otherwise end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("routelint: a,b 100%\n"),
            "routelint%3A a%2Cb 100%25%0A"
        );
    }

    #[test]
    fn percent_is_escaped_first() {
        // `%3A` in the input must survive as text, not turn into a colon.
        assert_eq!(escape_property("%3A"), "%253A");
    }
}
