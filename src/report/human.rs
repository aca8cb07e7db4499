//! rustc-style human output: the call as the primary snippet, every hop that decided the outcome
//! as a secondary snippet, a one-line trace and a help line. Knows findings and source text only.

use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use crate::finding::{Finding, Label, Severity};
use crate::report::summary::Summary;
use crate::source_file::SourceMap;

/// Rendering options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub color: bool,
    /// Show info findings (unresolved calls).
    pub show_info: bool,
    /// List what was not read, and why.
    pub show_skipped: bool,
}

struct Styles {
    error: Style,
    warning: Style,
    info: Style,
    bold: Style,
    blue: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        if color {
            Styles {
                error: Style::new().red().bold(),
                warning: Style::new().yellow().bold(),
                info: Style::new().cyan().bold(),
                bold: Style::new().bold(),
                blue: Style::new().blue().bold(),
            }
        } else {
            Styles {
                error: Style::new(),
                warning: Style::new(),
                info: Style::new(),
                bold: Style::new(),
                blue: Style::new(),
            }
        }
    }

    fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Renders findings and the summary line.
pub fn render(
    findings: &[Finding],
    sources: &SourceMap,
    summary: &Summary,
    opts: Options,
) -> String {
    let st = Styles::new(opts.color);
    let mut out = String::new();
    for f in findings {
        if f.severity == Severity::Info && !opts.show_info {
            continue;
        }
        render_finding(&mut out, f, sources, &st);
        out.push('\n');
    }
    if opts.show_skipped {
        for (path, reason) in &summary.skipped {
            let path = if path.is_empty() { "." } else { path };
            let _ = writeln!(out, "{}: {path}: {reason}", "skipped".style(st.bold));
        }
    }
    out.push_str(&summary_line(summary, opts, &st));
    out.push('\n');
    out
}

fn render_finding(out: &mut String, f: &Finding, sources: &SourceMap, st: &Styles) {
    let sev = st.severity(f.severity);
    let _ = writeln!(
        out,
        "{}{}",
        format!("{}[{}]", f.severity, f.rule).style(sev),
        format!(": {}", f.message).style(st.bold)
    );
    let labels: Vec<&Label> = std::iter::once(&f.primary).chain(&f.related).collect();
    let width = labels
        .iter()
        .map(|l| sources.line_col(l.span).line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    for (i, label) in labels.iter().enumerate() {
        let lc = sources.line_col(label.span);
        let file = sources.display(label.span.file);
        let arrow = if i == 0 { "-->" } else { ":::" };
        if i > 0 {
            let _ = writeln!(out, "{pad} {}", "|".style(st.blue));
        }
        let _ = writeln!(
            out,
            "{pad}{} {file}:{}:{}",
            arrow.style(st.blue),
            lc.line,
            lc.column
        );
        let _ = writeln!(out, "{pad} {}", "|".style(st.blue));
        snippet(out, label, i == 0, sources, width, sev, st);
    }
    let _ = writeln!(out, "{pad} {}", "|".style(st.blue));
    let eq = "=".style(st.blue).to_string();
    if !f.detail.is_empty() {
        let _ = writeln!(
            out,
            "{pad} {eq} {}: {}",
            "note".style(st.bold),
            indent(&f.detail, width)
        );
    }
    if let Some(t) = &f.trace {
        let _ = writeln!(out, "{pad} {eq} {}: {}", "trace".style(st.bold), t);
    }
    for n in &f.notes {
        let _ = writeln!(
            out,
            "{pad} {eq} {}: {}",
            "note".style(st.bold),
            indent(n, width)
        );
    }
    if let Some(h) = &f.help {
        let _ = writeln!(
            out,
            "{pad} {eq} {}: {}",
            "help".style(st.bold),
            indent(h, width)
        );
    }
}

/// Continuation lines of a multi-line note line up under its first character.
fn indent(text: &str, width: usize) -> String {
    let pad = " ".repeat(width + 9);
    text.lines().collect::<Vec<_>>().join(&format!("\n{pad}"))
}

fn snippet(
    out: &mut String,
    label: &Label,
    primary: bool,
    sources: &SourceMap,
    width: usize,
    sev: Style,
    st: &Styles,
) {
    let Some(file) = sources.get(label.span.file) else {
        return;
    };
    let start = file.line_col(label.span.start);
    let end = file.line_col(label.span.end.max(label.span.start));
    let line_idx = start.line - 1;
    let raw = file.line_text(line_idx);
    // Tabs widen to four columns; control characters (binary files) print as `�`.
    let text: String = raw
        .chars()
        .map(|c| match c {
            '\t' => "    ".to_owned(),
            c if c.is_control() => char::REPLACEMENT_CHARACTER.to_string(),
            c => c.to_string(),
        })
        .collect();
    let _ = writeln!(
        out,
        "{:>width$} {} {}",
        start.line.style(st.blue),
        "|".style(st.blue),
        text
    );
    // Columns are in characters; tabs widen to four.
    let col_of = |c: usize| -> usize {
        raw.chars()
            .take(c.saturating_sub(1))
            .map(|ch| if ch == '\t' { 4 } else { 1 })
            .sum()
    };
    let from = col_of(start.column);
    let to = if end.line == start.line {
        col_of(end.column)
    } else {
        text.chars().count()
    };
    let len = to.saturating_sub(from).max(1);
    let mark = if primary { "^" } else { "-" };
    let style = if primary { sev } else { st.blue };
    let _ = writeln!(
        out,
        "{} {} {}{} {}",
        " ".repeat(width),
        "|".style(st.blue),
        " ".repeat(from),
        mark.repeat(len).style(style),
        label.message.style(style)
    );
}

/// `routelint: 14 files (…) · 12 calls, 9 routes, 8 endpoints · 5 errors, 1 warning · 2 calls unresolved`.
fn summary_line(s: &Summary, opts: Options, st: &Styles) -> String {
    let show_info = opts.show_info;
    let kinds: Vec<String> = s
        .files_by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "routelint: {} ({}) · {}, {}, {}",
        plural(s.files, "file", "files"),
        kinds.join(", "),
        plural(s.calls, "call", "calls"),
        plural(s.routes, "route", "routes"),
        plural(s.endpoints, "endpoint", "endpoints"),
    );
    let mut counts = Vec::new();
    if s.errors > 0 {
        counts.push(
            plural(s.errors, "error", "errors")
                .style(st.error)
                .to_string(),
        );
    }
    if s.warnings > 0 {
        counts.push(
            plural(s.warnings, "warning", "warnings")
                .style(st.warning)
                .to_string(),
        );
    }
    if show_info && s.infos > 0 {
        counts.push(plural(s.infos, "info", "infos").style(st.info).to_string());
    }
    if counts.is_empty() {
        counts.push("no problems".to_owned());
    }
    line.push_str(" · ");
    line.push_str(&counts.join(", "));
    if s.unresolved > 0 {
        line.push_str(&format!(
            " · {} unresolved{}",
            plural(s.unresolved, "call", "calls"),
            if show_info {
                ""
            } else {
                " (--show-unresolved)"
            }
        ));
    }
    if s.unresolved_endpoints > 0 {
        // Paths a service registers that cannot be read statically: it may answer more.
        line.push_str(&format!(
            " · {} unresolved",
            plural(s.unresolved_endpoints, "endpoint", "endpoints")
        ));
    }
    if s.deployments > 0 {
        line.push_str(&format!(" · {} kustomize deployments", s.deployments));
        if let Some(d) = &s.default_deployment {
            line.push_str(&format!(" (default {d})"));
        }
    }
    if s.templated > 0 {
        line.push_str(&format!(
            " · {} templated skipped",
            plural(s.templated, "file", "files")
        ));
    }
    if !s.skipped.is_empty() {
        line.push_str(&format!(
            " · {} not read{}",
            plural(s.skipped.len(), "entry", "entries"),
            if opts.show_skipped {
                ""
            } else {
                " (--show-skipped)"
            }
        ));
    }
    line
}
