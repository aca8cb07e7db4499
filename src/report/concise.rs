//! Concise output: one line per finding, `path:line:col: severity[rule] message`, the shape
//! compilers print and editors' problem matchers read. No colour, no summary line: the caller
//! has already chosen which findings to show.

use crate::finding::Finding;
use crate::source_file::SourceMap;

/// Renders one line per finding, in the order given.
pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    findings.iter().map(|f| line(sources, f)).collect()
}

/// `frontend/src/api.js:5:27: error[missing-prefix] POST /api/login will get 404 at …`, with
/// its line ending.
fn line(sources: &SourceMap, f: &Finding) -> String {
    let at = sources.line_col(f.primary.span);
    format!(
        "{}:{}:{}: {}[{}] {}\n",
        sources.display(f.primary.span.file),
        at.line,
        at.column,
        f.severity,
        f.rule,
        one_line(&f.message)
    )
}

/// Keeps a finding on one line: line breaks (and other control characters) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
    }
}
