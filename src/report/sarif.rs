//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers: one run whose driver
//! lists every rule of the registry with its documentation, and one result per finding.
//! Locations are relative to the checked root, which `originalUriBaseIds.SRCROOT` names; columns
//! count Unicode code points, as routelint's do.

use serde_json::{Map, Value, json};

use crate::finding::{Finding, Label, Meta, Severity};
use crate::source_file::{SourceMap, Span};

/// The schema the log declares.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id every artifact location is relative to.
pub const SRCROOT: &str = "SRCROOT";
/// The key of routelint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "routelint/v1";
const HOME: &str = "https://routelint.dev";

/// Renders the findings as a pretty-printed SARIF log; `rules` is the registry, in code order,
/// and `base` the checked root.
pub fn render(
    sources: &SourceMap,
    base: &std::path::Path,
    rules: &[&Meta],
    findings: &[Finding],
) -> String {
    let results: Vec<Value> = findings.iter().map(|f| result(sources, rules, f)).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver(rules)},
            "originalUriBaseIds": {SRCROOT: {"uri": base_uri(base)}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

/// `tool.driver`: routelint and every rule it has.
fn driver(registry: &[&Meta]) -> Value {
    let rules: Vec<Value> = registry.iter().map(|m| rule(m)).collect();
    json!({
        "name": "routelint",
        "fullName": concat!("routelint ", env!("CARGO_PKG_VERSION")),
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": HOME,
        "rules": rules,
    })
}

/// A `reportingDescriptor` for one rule.
fn rule(m: &Meta) -> Value {
    let docs = dedent(m.docs);
    let mut props = Map::new();
    props.insert("code".into(), json!(m.code));
    if let Some(s) = m.status {
        props.insert("status".into(), json!(s));
    }
    json!({
        "id": m.name,
        "name": pascal_case(m.name),
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": first_paragraph(&docs)},
        "help": {"text": docs, "markdown": docs},
        "helpUri": format!("{HOME}/rules/{}", m.name),
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": props,
    })
}

/// A `result` for one finding.
fn result(sources: &SourceMap, rules: &[&Meta], f: &Finding) -> Value {
    let mut obj = Map::new();
    obj.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rules.iter().position(|m| m.name == f.rule) {
        obj.insert("ruleIndex".into(), json!(i));
    }
    obj.insert("level".into(), json!(level(f.severity)));
    obj.insert("message".into(), json!({"text": message(f)}));
    obj.insert(
        "locations".into(),
        json!([{"physicalLocation": physical(sources, f.primary.span)}]),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| related(sources, i, l))
            .collect();
        obj.insert("relatedLocations".into(), json!(related));
    }
    if let Some(fix) = fix(sources, f) {
        obj.insert("fixes".into(), json!([fix]));
    }
    obj.insert(
        "partialFingerprints".into(),
        json!({FINGERPRINT_KEY: f.fingerprint}),
    );
    let props = properties(f);
    if !props.is_empty() {
        obj.insert("properties".into(), Value::Object(props));
    }
    Value::Object(obj)
}

/// The headline, then the detail.
fn message(f: &Finding) -> String {
    if f.detail.is_empty() {
        f.message.clone()
    } else {
        format!("{}\n{}", f.message, f.detail)
    }
}

/// A related location: its index as `id`, and what it says.
fn related(sources: &SourceMap, i: usize, l: &Label) -> Value {
    json!({
        "id": i,
        "physicalLocation": physical(sources, l.span),
        "message": {"text": l.message},
    })
}

/// The certain fix, when there is one that replaces the primary span's text.
fn fix(sources: &SourceMap, f: &Finding) -> Option<Value> {
    let fix = f.fix.as_ref()?;
    let replacement = fix.replacement.as_ref()?;
    Some(json!({
        "description": {"text": fix.description},
        "artifactChanges": [{
            "artifactLocation": artifact(sources, f.primary.span),
            "replacements": [{
                "deletedRegion": region(sources, f.primary.span),
                "insertedContent": {"text": replacement},
            }],
        }],
    }))
}

/// `status`, `request`, `trace` and `help`, when the finding has them.
fn properties(f: &Finding) -> Map<String, Value> {
    let mut props = Map::new();
    if let Some(s) = f.status {
        props.insert("status".into(), json!(s));
    }
    if let Some(r) = &f.request {
        props.insert(
            "request".into(),
            json!({"method": r.method.map(|m| m.as_str()), "path": r.path}),
        );
    }
    if let Some(t) = &f.trace {
        props.insert("trace".into(), json!(t));
    }
    if let Some(h) = &f.help {
        props.insert("help".into(), json!(h));
    }
    props
}

fn physical(sources: &SourceMap, span: Span) -> Value {
    json!({
        "artifactLocation": artifact(sources, span),
        "region": region(sources, span),
    })
}

fn artifact(sources: &SourceMap, span: Span) -> Value {
    json!({"uri": encode(sources.display(span.file), false), "uriBaseId": SRCROOT})
}

/// Start and end of a span, 1-based, the end never before the start (SARIF's `endColumn` is
/// the column after the last character).
fn region(sources: &SourceMap, span: Span) -> Value {
    let start = sources.line_col(span);
    let end = sources
        .get(span.file)
        .map(|f| f.line_col(span.end))
        .unwrap_or(start)
        .max(start);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// SARIF's level for a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `missing-prefix` → `MissingPrefix`.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// A rule's documentation without the space each doc-comment line starts with.
fn dedent(docs: &str) -> String {
    docs.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// The first paragraph of prose (not a heading, not code), as plain text on one line.
fn first_paragraph(markdown: &str) -> String {
    let mut in_code = false;
    let mut para: Vec<&str> = Vec::new();
    for line in markdown.lines().map(str::trim) {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let prose = !in_code && !line.is_empty() && !line.starts_with('#');
        if prose {
            para.push(line);
        } else if !para.is_empty() {
            break;
        }
    }
    para.join(" ").replace('`', "")
}

/// The `file:` URI of a directory, with the trailing slash a base URI needs.
fn base_uri(dir: &std::path::Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.starts_with('/') {
        // `C:/work` on Windows.
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{}", encode(&path, true))
}

/// Percent-encodes a `/`-separated path for a URI: every byte but unreserved characters, `/`
/// and the sub-delimiters that need no escaping in a path. A `:` is kept only in an absolute
/// path: in a relative reference it would read as the end of a scheme.
fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            )
            || (keep_colon && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_become_pascal_case() {
        assert_eq!(pascal_case("missing-strip-prefix"), "MissingStripPrefix");
        assert_eq!(pascal_case("no-route"), "NoRoute");
    }

    #[test]
    fn first_paragraph_skips_headings_and_code() {
        let md = "## What it finds\nA call `GET /a`\nthat fails.\n\n## Why\nBecause.";
        assert_eq!(first_paragraph(md), "A call GET /a that fails.");
        assert_eq!(first_paragraph("```js\nx\n```\nText."), "Text.");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            encode("deploy/a b%c:d#é.yaml", false),
            "deploy/a%20b%25c%3Ad%23%C3%A9.yaml"
        );
    }

    #[test]
    fn base_uri_ends_with_a_slash() {
        assert_eq!(
            base_uri(std::path::Path::new("/work/my repo")),
            "file:///work/my%20repo/"
        );
        assert_eq!(base_uri(std::path::Path::new("/")), "file:///");
        assert_eq!(
            base_uri(std::path::Path::new("C:\\work")),
            "file:///C:/work/"
        );
    }

    #[test]
    fn every_rule_has_a_description() {
        for r in crate::rules::RULES {
            let docs = dedent(r.meta().docs);
            assert!(!first_paragraph(&docs).is_empty(), "{}", r.meta().name);
        }
    }
}
