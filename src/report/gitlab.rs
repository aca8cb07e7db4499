//! GitLab Code Quality output: a JSON array of Code Climate issues, which GitLab shows in the
//! merge request widget and on the diff. Each issue needs a fingerprint unique in the report;
//! the finding's fingerprint is used, and a repeated one is derived anew, deterministically.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::finding::{Finding, Severity};
use crate::source_file::SourceMap;

/// Renders the findings as a pretty-printed JSON array.
pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let fingerprints = unique_fingerprints(findings);
    let issues: Vec<Value> = findings
        .iter()
        .zip(fingerprints)
        .map(|(f, fp)| issue(sources, f, fp))
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

/// One Code Quality issue.
fn issue(sources: &SourceMap, f: &Finding, fingerprint: String) -> Value {
    let start = sources.line_col(f.primary.span);
    let end = sources
        .get(f.primary.span.file)
        .map(|file| file.line_col(f.primary.span.end))
        .unwrap_or(start)
        .max(start);
    json!({
        "description": f.message,
        "check_name": f.rule,
        "fingerprint": fingerprint,
        "severity": severity(f.severity),
        "location": {
            "path": sources.display(f.primary.span.file),
            "lines": {"begin": start.line, "end": end.line},
        },
        "content": {"body": body(f)},
        "categories": ["Bug Risk"],
        "type": "issue",
    })
}

/// GitLab's severity for a finding's.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The longer explanation (Markdown): the detail, the trace and the help.
fn body(f: &Finding) -> String {
    let mut parts = vec![f.detail.clone()];
    if let Some(t) = &f.trace {
        parts.push(format!("Trace: `{t}`"));
    }
    parts.extend(f.notes.iter().map(|n| format!("Note: {n}")));
    if let Some(h) = &f.help {
        parts.push(format!("Help: {h}"));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n\n")
}

/// One fingerprint per finding, all distinct: the finding's own the first time it occurs; a
/// repeat is hashed with its occurrence number until it is new, so the same findings always get
/// the same fingerprints.
fn unique_fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        let mut fp = f.fingerprint.clone();
        let mut n: u64 = 1;
        while !seen.insert(fp.clone()) {
            n += 1;
            fp = format!(
                "{:016x}",
                fnv1a(format!("{}\0{n}", f.fingerprint).as_bytes())
            );
        }
        out.push(fp);
    }
    out
}

/// 64-bit FNV-1a, as the finding fingerprints use.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Label;
    use crate::source_file::Span;

    fn finding(fingerprint: &str) -> Finding {
        Finding {
            rule: "no-route",
            code: "RL107",
            severity: Severity::Error,
            status: Some(404),
            title: "t",
            message: "m".to_owned(),
            detail: String::new(),
            primary: Label {
                span: Span::default(),
                message: String::new(),
            },
            related: Vec::new(),
            trace: None,
            help: None,
            notes: Vec::new(),
            fix: None,
            request: None,
            answered_by: None,
            fingerprint: fingerprint.to_owned(),
        }
    }

    #[test]
    fn repeated_fingerprints_become_distinct_and_stable() {
        let fs = [finding("aa"), finding("bb"), finding("aa"), finding("aa")];
        let a = unique_fingerprints(&fs);
        assert_eq!(a[0], "aa");
        assert_eq!(a[1], "bb");
        let set: HashSet<&String> = a.iter().collect();
        assert_eq!(set.len(), 4);
        assert_eq!(a, unique_fingerprints(&fs));
        assert!(a[2].chars().all(|c| c.is_ascii_hexdigit()));
    }
}
