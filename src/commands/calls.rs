//! `routelint calls`: every client call routelint read, with its method, path template,
//! location and client, and why it could not be resolved when it could not. Text or JSON.
//!
//! This module only lists what the extractors found: it never traces or judges a call.

use serde_json::{Value, json};

use crate::check::Analysis;
use crate::cli::{CallsArgs, ViewFormat};
use crate::run::{EXIT_OK, emit};
use crate::sources::{facts::CallFact, facts::CallUrl};

/// One call as listed.
struct Row {
    file: String,
    line: usize,
    column: usize,
    method: String,
    /// `/blog/api/posts/{id}`, with the origin of absolute URLs.
    url: Option<String>,
    client: String,
    unresolved: Option<String>,
}

/// Prints the calls.
pub fn run(args: &CallsArgs, analysis: &Analysis) -> u8 {
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

fn rows(analysis: &Analysis) -> Vec<Row> {
    let mut facts: Vec<&CallFact> = analysis.graph.calls.iter().map(|c| &c.fact).collect();
    facts.sort_by_key(|c| {
        (
            analysis.sources.display(c.span.file).to_owned(),
            c.span.start,
        )
    });
    facts
        .into_iter()
        .map(|c| {
            let at = analysis.sources.line_col(c.span);
            let (url, unresolved) = match &c.url {
                CallUrl::Resolved { origin, path } => (
                    Some(format!("{}{path}", origin.as_deref().unwrap_or_default())),
                    None,
                ),
                CallUrl::Unresolved { why } => (None, Some(why.clone())),
            };
            Row {
                file: analysis.sources.display(c.span.file).to_owned(),
                line: at.line,
                column: at.column,
                method: c.method.map_or_else(|| "*".to_owned(), |m| m.to_string()),
                url,
                client: c.client.clone(),
                unresolved,
            }
        })
        .collect()
}

/// `file:line:col  METHOD  /path  (client)`, one call a line, in file order; unresolved calls
/// say why.
pub fn render_human(analysis: &Analysis) -> String {
    let rows = rows(analysis);
    let locs: Vec<String> = rows
        .iter()
        .map(|r| format!("{}:{}:{}", r.file, r.line, r.column))
        .collect();
    let width = locs.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (row, loc) in rows.iter().zip(&locs) {
        let what = match (&row.url, &row.unresolved) {
            (Some(url), _) => url.clone(),
            (None, Some(why)) => format!("? ({why})"),
            (None, None) => "?".to_owned(),
        };
        out.push_str(&format!(
            "{loc:<width$}  {:<7} {what}  [{}]\n",
            row.method, row.client
        ));
    }
    let unresolved = rows.iter().filter(|r| r.unresolved.is_some()).count();
    out.push_str(&format!(
        "{} calls, {} unresolved\n",
        rows.len(),
        unresolved
    ));
    out
}

pub fn render_json(analysis: &Analysis) -> Value {
    let calls: Vec<Value> = rows(analysis)
        .into_iter()
        .map(|r| {
            json!({
                "file": r.file,
                "line": r.line,
                "column": r.column,
                "method": r.method,
                "url": r.url,
                "client": r.client,
                "unresolved": r.unresolved,
            })
        })
        .collect();
    json!({ "calls": calls })
}
