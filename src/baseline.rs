//! Baselines: the findings of an accepted state, recorded by fingerprint, so that later runs
//! report only new ones.
//!
//! The file is JSON, stable and diffable: one line per finding, sorted by fingerprint,
//!
//! ```json
//! {
//!   "routelint_baseline": 1,
//!   "findings": [
//!     {"fingerprint": "e57e889e2de21872", "rule": "missing-prefix", "request": "GET /api/posts", "path": "frontend/src/api.js"}
//!   ]
//! }
//! ```
//!
//! An entry covers one finding: two findings sharing a fingerprint are two entries. Only the
//! fingerprint is read back; the rule, request and path are for the people reviewing the file.
//! This module reads, writes (atomically) and filters; it prints nothing and does not decide
//! exit codes.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::finding::Finding;
use crate::model::method::Method;
use crate::source_file::SourceMap;

/// The `routelint_baseline` version this build reads and writes.
pub const VERSION: u64 = 1;

/// What filtering against a baseline did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Filtered {
    pub kept: Vec<Finding>,
    /// Findings the baseline already records.
    pub baselined: usize,
    /// Baseline entries that no longer occur.
    pub stale: usize,
}

/// A baseline file's entries.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Baseline {
    pub fingerprints: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write baseline {path}: {message}")]
    Write { path: String, message: String },
}

/// Reads a baseline file. A missing or unreadable file, invalid JSON or JSON that is not a
/// version-1 baseline is an error that says which.
pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
    let error = |message: String| BaselineError::Read {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        error(match e.kind() {
            std::io::ErrorKind::NotFound => {
                "no such file (record one with --write-baseline)".to_owned()
            }
            _ => e.to_string(),
        })
    })?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| error(format!("invalid JSON: {e}")))?;
    parse(&json).map_err(|m| error(format!("not a routelint baseline: {m}")))
}

/// The fingerprints of a parsed baseline document, or what is wrong with its shape.
fn parse(json: &Value) -> Result<Baseline, String> {
    let Some(doc) = json.as_object() else {
        return Err("expected an object with \"routelint_baseline\" and \"findings\"".to_owned());
    };
    match doc.get("routelint_baseline") {
        None => return Err("it has no \"routelint_baseline\" version".to_owned()),
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "unsupported version {v} (this routelint reads version {VERSION})"
            ));
        }
    }
    let Some(entries) = doc.get("findings").and_then(Value::as_array) else {
        return Err("\"findings\" must be a list".to_owned());
    };
    let fingerprints = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.get("fingerprint")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("finding {} has no \"fingerprint\" string", i + 1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Baseline { fingerprints })
}

pub fn write(path: &Path, findings: &[Finding], sources: &SourceMap) -> Result<(), BaselineError> {
    let entries = findings
        .iter()
        .map(|f| Entry::of(f, Some(sources.display(f.primary.span.file))))
        .collect();
    write_entries(path, entries)
}

fn write_entries(path: &Path, entries: Vec<Entry>) -> Result<(), BaselineError> {
    crate::atomic_write::write(path, render(entries).as_bytes()).map_err(|e| BaselineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// One recorded finding.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    fingerprint: String,
    rule: String,
    /// `GET /api/posts`; `None` for findings that are not about a request.
    request: Option<String>,
    /// The primary location's file, as displayed.
    path: Option<String>,
}

impl Entry {
    fn of(f: &Finding, path: Option<&str>) -> Entry {
        Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.to_owned(),
            request: f
                .request
                .as_ref()
                .map(|r| format!("{} {}", r.method.map(Method::as_str).unwrap_or("*"), r.path)),
            path: path.map(str::to_owned),
        }
    }

    /// The entry as one line of JSON, fields in a fixed order.
    fn line(&self) -> String {
        let text = |s: &str| Value::from(s).to_string();
        let maybe = |s: &Option<String>| s.as_deref().map(text).unwrap_or("null".to_owned());
        format!(
            "{{\"fingerprint\": {}, \"rule\": {}, \"request\": {}, \"path\": {}}}",
            text(&self.fingerprint),
            text(&self.rule),
            maybe(&self.request),
            maybe(&self.path)
        )
    }
}

/// The file's text: entries sorted by fingerprint, one per line.
fn render(mut entries: Vec<Entry>) -> String {
    entries.sort();
    let mut out = format!("{{\n  \"routelint_baseline\": {VERSION},\n  \"findings\": [");
    for (i, e) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(&e.line());
    }
    out.push_str(if entries.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

/// Keeps the findings the baseline does not record. Each entry covers one finding with its
/// fingerprint; entries that cover nothing are counted as stale.
pub fn filter(findings: Vec<Finding>, baseline: &Baseline) -> Filtered {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for f in &baseline.fingerprints {
        *left.entry(f.as_str()).or_default() += 1;
    }
    let mut baselined = 0;
    let kept = findings
        .into_iter()
        .filter(|f| match left.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                baselined += 1;
                false
            }
            _ => true,
        })
        .collect();
    Filtered {
        kept,
        baselined,
        stale: left.values().sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fingerprint: &str, request: Option<&str>) -> Entry {
        Entry {
            fingerprint: fingerprint.to_owned(),
            rule: "missing-prefix".to_owned(),
            request: request.map(str::to_owned),
            path: None,
        }
    }

    #[test]
    fn renders_one_sorted_line_per_entry() {
        let text = render(vec![entry("b", None), entry("a", Some("GET /x\"y"))]);
        assert_eq!(
            text,
            "{\n  \"routelint_baseline\": 1,\n  \"findings\": [\n    \
             {\"fingerprint\": \"a\", \"rule\": \"missing-prefix\", \"request\": \"GET /x\\\"y\", \"path\": null},\n    \
             {\"fingerprint\": \"b\", \"rule\": \"missing-prefix\", \"request\": null, \"path\": null}\n  ]\n}\n"
        );
        let back = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
        assert_eq!(
            back.and_then(|v| parse(&v)).map(|b| b.fingerprints),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            render(Vec::new()),
            "{\n  \"routelint_baseline\": 1,\n  \"findings\": []\n}\n"
        );
    }

    #[test]
    fn rejects_other_shapes() {
        let parsed = |s: &str| {
            serde_json::from_str::<Value>(s)
                .map_err(|e| e.to_string())
                .and_then(|v| parse(&v))
        };
        assert!(parsed("[]").is_err());
        assert!(parsed("{\"findings\": []}").is_err());
        assert!(parsed("{\"routelint_baseline\": 2, \"findings\": []}").is_err());
        assert!(parsed("{\"routelint_baseline\": 1, \"findings\": {}}").is_err());
        assert!(parsed("{\"routelint_baseline\": 1, \"findings\": [{\"rule\": \"x\"}]}").is_err());
        assert!(parsed("{\"routelint_baseline\": 1, \"findings\": []}").is_ok());
    }
}
