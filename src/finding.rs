//! The finding: what every rule produces and every report format renders. Holds spans, not
//! rendered text; the report layer turns spans into snippets.

use std::fmt;

use crate::model::method::Method;
use crate::source_file::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A location with what to say about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A fix routelint is certain of.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub description: String,
    /// Text that replaces the primary span.
    pub replacement: Option<String>,
}

/// The request a finding is about, as the client sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestInfo {
    pub method: Option<Method>,
    /// Parameters as `{name}`.
    pub path: String,
}

/// The hop that answers a failing request, and with what (`answered_by` in JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct AnsweredBy {
    pub component: String,
    /// "Istio gateway", "Go ServeMux", "FastAPI".
    pub kind: String,
    pub status: u16,
    /// `None`: an empty body.
    pub media_type: Option<String>,
    /// Members of a JSON body a client can count on.
    pub members: Vec<String>,
    /// "an empty body", "application/json {detail}".
    pub shape: String,
    /// Where the shape comes from: a handler's location, or the platform default's source.
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub code: &'static str,
    pub severity: Severity,
    /// Predicted HTTP status the user gets, if any.
    pub status: Option<u16>,
    /// The rule's one-line title (RFC 9457 `title`: the same for every finding of the rule).
    pub title: &'static str,
    /// This finding's headline: "GET /api/posts will get 404 at the Istio gateway blog-gateway".
    pub message: String,
    /// One or two sentences naming the request and the hop.
    pub detail: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// One line: `browser → blog-gateway (prefix /blog/api/) → api-gateway → blog-service: 404`.
    pub trace: Option<String>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
    pub request: Option<RequestInfo>,
    /// For a predicted 404/405: which hop answers it, and with what body.
    pub answered_by: Option<AnsweredBy>,
    /// Stable across line moves and rewording: rule + method + normalised path + files.
    pub fingerprint: String,
}

impl Finding {
    /// Computes the fingerprint from the rule, the request and the files involved.
    pub fn with_fingerprint(mut self, sources: &SourceMap) -> Finding {
        let mut files: Vec<&str> = std::iter::once(&self.primary)
            .chain(&self.related)
            .map(|l| sources.display(l.span.file))
            .collect();
        files.sort_unstable();
        files.dedup();
        let mut key = String::from(self.rule);
        key.push('\0');
        match &self.request {
            Some(r) => {
                key.push_str(r.method.map(Method::as_str).unwrap_or("*"));
                key.push(' ');
                key.push_str(&normalise_path(&r.path));
            }
            // Not about a request: the primary text identifies it.
            None => key.push_str(
                sources
                    .get(self.primary.span.file)
                    .map(|f| f.slice(self.primary.span))
                    .unwrap_or(""),
            ),
        }
        for f in files {
            key.push('\0');
            key.push_str(f);
        }
        self.fingerprint = format!("{:016x}", fnv1a(key.as_bytes()));
        self
    }
}

/// Parameter names do not matter to a fingerprint: `/posts/{id}` and `/posts/{postId}` are the
/// same request.
fn normalise_path(p: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in p.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            c => out.push(c),
        }
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What a rule is: its name, code, default severity, predicted status and documentation.
#[derive(Debug)]
pub struct Meta {
    pub name: &'static str,
    pub code: &'static str,
    pub severity: Severity,
    pub status: Option<u16>,
    /// One line, the same for every finding (RFC 9457 `title`).
    pub title: &'static str,
    /// The rule's doc comment: what `routelint explain` prints.
    pub docs: &'static str,
}
