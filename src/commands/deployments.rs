//! `routelint deployments`: each deployment of the repository (kustomize overlays), how it was
//! found (its kustomization, the CD objects that deploy it, at file:line), its findings, and
//! which one is the default. Text or JSON. Lists what `check` computed; decides nothing.

use serde_json::{Value, json};

use crate::check::{Analysis, DeploymentInfo};
use crate::cli::{DeploymentsArgs, ViewFormat};
use crate::deployment::kustomize::DeployedBy;
use crate::run::{EXIT_OK, emit};
use crate::source_file::Span;

pub fn run(args: &DeploymentsArgs, analysis: &Analysis) -> u8 {
    let out = match args.format {
        ViewFormat::Human => render_human(analysis),
        ViewFormat::Json => {
            let mut s = serde_json::to_string_pretty(&render_json(analysis)).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    emit(&out);
    EXIT_OK
}

/// Its name; the one deployment of a repository has none, and goes by its kustomization's
/// directory.
fn name(analysis: &Analysis, d: &DeploymentInfo) -> String {
    if let Some(n) = &d.name {
        return n.clone();
    }
    match d.kustomization {
        Some(k) => {
            let shown = analysis.sources.display(k);
            match shown.rsplit_once('/') {
                Some((dir, _)) => dir.to_owned(),
                None => ".".to_owned(),
            }
        }
        None => "(the manifests as written)".to_owned(),
    }
}

fn at(analysis: &Analysis, span: Span) -> String {
    let lc = analysis.sources.line_col(span);
    format!("{}:{}", analysis.sources.display(span.file), lc.line)
}

fn by(analysis: &Analysis, b: &DeployedBy) -> String {
    format!("{} {} at {}", b.tool.label(), b.name, at(analysis, b.span))
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

fn counts(d: &DeploymentInfo) -> String {
    if !d.checked {
        return "not checked (--deployment picks another)".to_owned();
    }
    let [e, w, i] = d.counts;
    let parts: Vec<String> = [(e, "error"), (w, "warning"), (i, "info")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| {
            if what == "info" {
                format!("{n} info")
            } else {
                plural(n, what)
            }
        })
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn render_human(analysis: &Analysis) -> String {
    let list = &analysis.deployments;
    let mut out = String::new();
    for d in list {
        let mark = if d.shown { "*" } else { " " };
        let mut tags = Vec::new();
        if d.default {
            tags.push("default");
        }
        if d.shown && !d.default {
            tags.push("shown");
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", tags.join(", "))
        };
        out.push_str(&format!("{mark} {}{tags}\n", name(analysis, d)));
        if let Some(k) = d.kustomization {
            out.push_str(&format!(
                "    kustomization  {}\n",
                analysis.sources.display(k)
            ));
        }
        if d.deployed_by.is_empty() {
            out.push_str("    deployed by    no CD object of the repository\n");
        }
        for b in &d.deployed_by {
            out.push_str(&format!("    deployed by    {}\n", by(analysis, b)));
        }
        for a in &d.assumed {
            out.push_str(&format!(
                "    assumed        {} {} at {}: no kustomization lists the file, assumed applied by hand\n",
                a.what(),
                a.name,
                at(analysis, a.span)
            ));
        }
        out.push_str(&format!("    findings       {}\n", counts(d)));
    }
    if !analysis.unmatched_cd.is_empty() {
        out.push_str("CD sources that name no kustomization of the repository (their manifests, if here, are read as written):\n");
        for s in &analysis.unmatched_cd {
            let path = if s.path.is_empty() { "." } else { &s.path };
            let values = if s.values_files.is_empty() {
                String::new()
            } else {
                format!(" (helm values files: {})", s.values_files.join(", "))
            };
            out.push_str(&format!(
                "  {} {} → {path} at {}{values}\n",
                s.tool.label(),
                s.name,
                at(analysis, s.span)
            ));
        }
    }
    let default = list.iter().find(|d| d.default);
    match (default, &analysis.default_by) {
        (Some(d), Some(b)) => out.push_str(&format!(
            "{}; the default is {}: {} deploys it{}\n",
            plural(list.len(), "deployment"),
            name(analysis, d),
            by(analysis, b),
            if b.tool.is_cd() {
                ""
            } else {
                " (no CD object of the repository names a deployment)"
            }
        )),
        (Some(d), None) if list.len() > 1 => out.push_str(&format!(
            "{}; the default is the first, {}: no CD object of the repository says which is deployed\n",
            plural(list.len(), "deployment"),
            name(analysis, d)
        )),
        _ => out.push_str("1 deployment\n"),
    }
    if list.len() > 1 {
        out.push_str("`--deployment NAME|PATH` checks and shows another\n");
    }
    out
}

fn by_json(analysis: &Analysis, b: &DeployedBy) -> Value {
    let lc = analysis.sources.line_col(b.span);
    json!({
        "tool": b.tool.label(),
        "name": b.name,
        "path": analysis.sources.display(b.span.file),
        "line": lc.line,
    })
}

fn render_json(analysis: &Analysis) -> Value {
    let deployments: Vec<Value> = analysis
        .deployments
        .iter()
        .map(|d| {
            let [e, w, i] = d.counts;
            json!({
                "name": name(analysis, d),
                "default": d.default,
                "shown": d.shown,
                "kustomization": d.kustomization.map(|k| analysis.sources.display(k)),
                "deployed_by": d.deployed_by.iter().map(|b| by_json(analysis, b)).collect::<Vec<_>>(),
                "assumed": d.assumed.iter().map(|a| {
                    let lc = analysis.sources.line_col(a.span);
                    json!({"kind": a.what(), "name": a.name, "path": analysis.sources.display(a.span.file), "line": lc.line})
                }).collect::<Vec<_>>(),
                "findings": if d.checked {
                    json!({"errors": e, "warnings": w, "infos": i})
                } else {
                    Value::Null
                },
            })
        })
        .collect();
    let unmatched: Vec<Value> = analysis
        .unmatched_cd
        .iter()
        .map(|s| {
            let lc = analysis.sources.line_col(s.span);
            json!({
                "tool": s.tool.label(),
                "name": s.name,
                "source_path": s.path,
                "values_files": s.values_files,
                "path": analysis.sources.display(s.span.file),
                "line": lc.line,
            })
        })
        .collect();
    json!({
        "default": analysis.deployments.iter().find(|d| d.default).map(|d| name(analysis, d)),
        "default_by": analysis.default_by.as_ref().map(|b| by_json(analysis, b)),
        "deployments": deployments,
        "unmatched": unmatched,
    })
}

/// The line the route views start with when the repository has several deployments: which one
/// they show, and why.
pub fn shown_line(analysis: &Analysis) -> Option<String> {
    let list = &analysis.deployments;
    if list.len() < 2 {
        return None;
    }
    let d = list.iter().find(|d| d.shown)?;
    let why = match (&analysis.default_by, d.default) {
        (_, false) => "picked with --deployment".to_owned(),
        (Some(b), true) => format!("the default: {} {} deploys it", b.tool.label(), b.name),
        (None, true) => "the default: the first; no CD object says which is deployed".to_owned(),
    };
    Some(format!(
        "deployment {} ({why}; `routelint deployments` lists all {})\n",
        name(analysis, d),
        list.len()
    ))
}

/// The shown deployment's name for JSON views, when there are several.
pub fn shown_json(analysis: &Analysis) -> Option<Value> {
    if analysis.deployments.len() < 2 {
        return None;
    }
    let d = analysis.deployments.iter().find(|d| d.shown)?;
    Some(json!(d.name))
}
