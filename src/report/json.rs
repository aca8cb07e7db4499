//! JSON output: each finding an RFC 9457 problem-details object with routelint's extension
//! members. The shape is documented in the README and kept stable.

use serde_json::{Value, json};

use crate::finding::{Finding, Label};
use crate::report::summary::Summary;
use crate::source_file::SourceMap;

/// Base of every finding's `type` URI.
pub const TYPE_BASE: &str = "https://routelint.dev/rules/";

fn location(sources: &SourceMap, l: &Label) -> Value {
    let start = sources.line_col(l.span);
    let end = sources
        .get(l.span.file)
        .map(|f| f.line_col(l.span.end))
        .unwrap_or(start);
    json!({
        "path": sources.display(l.span.file),
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
    })
}

pub fn finding(f: &Finding, sources: &SourceMap) -> Value {
    let loc = location(sources, &f.primary);
    let mut obj = serde_json::Map::new();
    obj.insert("type".into(), json!(format!("{TYPE_BASE}{}", f.rule)));
    obj.insert("title".into(), json!(f.title));
    if let Some(s) = f.status {
        obj.insert("status".into(), json!(s));
    }
    obj.insert("detail".into(), json!(f.detail));
    obj.insert(
        "instance".into(),
        json!(format!(
            "{}:{}:{}",
            loc["path"].as_str().unwrap_or(""),
            loc["line"],
            loc["column"]
        )),
    );
    obj.insert("rule".into(), json!(f.rule));
    obj.insert("code".into(), json!(f.code));
    obj.insert("severity".into(), json!(f.severity.as_str()));
    obj.insert("message".into(), json!(f.message));
    if let Some(r) = &f.request {
        obj.insert(
            "request".into(),
            json!({"method": r.method.map(|m| m.as_str()), "path": r.path}),
        );
    }
    if let Some(a) = &f.answered_by {
        obj.insert(
            "answered_by".into(),
            json!({
                "component": a.component,
                "kind": a.kind,
                "status": a.status,
                "media_type": a.media_type,
                "members": a.members,
                "shape": a.shape,
                "source": a.source,
            }),
        );
    }
    obj.insert("location".into(), loc);
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|l| {
            let mut v = location(sources, l);
            v["message"] = json!(l.message);
            v
        })
        .collect();
    obj.insert("related".into(), json!(related));
    if let Some(t) = &f.trace {
        obj.insert("trace".into(), json!(t));
    }
    if let Some(h) = &f.help {
        obj.insert("help".into(), json!(h));
    }
    if !f.notes.is_empty() {
        obj.insert("notes".into(), json!(f.notes));
    }
    if let Some(fix) = &f.fix {
        obj.insert(
            "fix".into(),
            json!({"description": fix.description, "replacement": fix.replacement}),
        );
    }
    obj.insert("fingerprint".into(), json!(f.fingerprint));
    Value::Object(obj)
}

pub fn render(
    findings: &[Finding],
    sources: &SourceMap,
    summary: &Summary,
    coverage: Option<&crate::coverage::Coverage>,
) -> String {
    let mut doc = json!({
        "tool": "routelint",
        "version": env!("CARGO_PKG_VERSION"),
        "summary": {
            "files": summary.files,
            "files_by_kind": summary.files_by_kind,
            "calls": summary.calls,
            "routes": summary.routes,
            "endpoints": summary.endpoints,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "unresolved": summary.unresolved,
            "unresolved_endpoints": summary.unresolved_endpoints,
            "deployments": summary.deployments,
        },
        "findings": findings.iter().map(|f| finding(f, sources)).collect::<Vec<_>>(),
    });
    if !summary.skipped.is_empty() {
        doc["summary"]["skipped"] = summary
            .skipped
            .iter()
            .map(|(path, reason)| json!({"path": path, "reason": reason}))
            .collect();
    }
    if let Some(d) = &summary.default_deployment {
        doc["summary"]["default_deployment"] = json!(d);
    }
    if let Some(c) = coverage {
        doc["coverage"] = coverage_json(c);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The coverage numbers: totals, counts and percentages (`null` when not measurable).
pub fn coverage_json(c: &crate::coverage::Coverage) -> Value {
    json!({
        "routes": {"total": c.routes_total, "used": c.routes_used, "percent": c.route_percent()},
        "endpoints": {"total": c.endpoints_total, "reachable": c.endpoints_reachable, "percent": c.endpoint_percent()},
    })
}
