//! The values the Go evaluator knows an expression to have ([`Val`]): string constants, URLs,
//! reverse proxies, `StripPrefix` wraps, muxes, functions; where a handler value sends a
//! request ([`Routed`]); and the URL syntax those values are read from. Data and pure
//! functions only: evaluating the tree is [`super::eval`]'s.

use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::Node;

use crate::model::path::Rewrite;
use crate::sources::facts::Target;
use crate::sources::go::tree::Loc;

/// Table name of the mux behind the package-level `http.Handle` / `http.HandleFunc`.
pub(crate) const DEFAULT_MUX: &str = "http.DefaultServeMux";

/// An http(s) URL a proxy sends to, with the literal it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Url {
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    /// The path part (`""` when there is none).
    pub(crate) path: String,
    pub(crate) loc: Loc,
}

/// Parameter bindings of the helper call being followed, by parameter node id.
pub(crate) type Env<'t> = Rc<HashMap<usize, Val<'t>>>;

/// A function value: a function declared in this file or a func literal with the parameters
/// it captured.
#[derive(Clone, Debug)]
pub(crate) struct Func<'t> {
    pub(crate) node: Node<'t>,
    pub(crate) env: Env<'t>,
    pub(crate) name: String,
}

/// What an expression is known to evaluate to.
#[derive(Clone, Debug)]
pub(crate) enum Val<'t> {
    /// A string constant and the literal (or expression) it came from.
    Str(String, Loc),
    /// A `*url.URL`.
    Url(Url),
    /// A reverse proxy to a URL.
    Proxy(Url),
    /// `http.StripPrefix(prefix, inner)`; `loc` is the call.
    Strip {
        prefix: String,
        loc: Loc,
        inner: Box<Val<'t>>,
    },
    /// `http.NewServeMux()` not yet bound to a name.
    NewMux,
    /// A named ServeMux (the routing table).
    Mux(String),
    Func(Func<'t>),
    /// A handler known only by name that answers by itself (`http.FileServer`).
    Named(String),
    /// An environment lookup without a default (`os.Getenv("X")`).
    Env,
    Nil,
    /// Cannot be followed; the reason reads as a sentence (`` `x` is defined outside this file``).
    Unknown(String),
}

impl Val<'_> {
    /// Whether the value says something (an unknown, an env lookup or nil does not).
    pub(crate) fn known(&self) -> bool {
        !matches!(self, Val::Unknown(_) | Val::Env | Val::Nil)
    }

    /// A comparison key: two values with the same key behave the same.
    pub(crate) fn key(&self) -> String {
        match self {
            Val::Str(s, _) => format!("str:{s}"),
            Val::Url(u) => format!("url:{}:{:?}:{}", u.host, u.port, u.path),
            Val::Proxy(u) => format!("proxy:{}:{:?}:{}", u.host, u.port, u.path),
            Val::Strip { prefix, inner, .. } => format!("strip:{prefix}:{}", inner.key()),
            Val::NewMux => "newmux".to_owned(),
            Val::Mux(n) => format!("mux:{n}"),
            Val::Func(f) => format!("func:{}", f.node.id()),
            Val::Named(n) => format!("named:{n}"),
            Val::Env => "env".to_owned(),
            Val::Nil => "nil".to_owned(),
            Val::Unknown(w) => format!("unknown:{w}"),
        }
    }
}

/// Where a handler sends the request, and how it changes the path on the way.
#[derive(Clone, Debug)]
pub(crate) struct Routed {
    pub(crate) target: Target,
    pub(crate) rewrite: Option<(Rewrite, Loc)>,
}

impl Routed {
    /// Sends to `target` with the path unchanged.
    pub(crate) fn plain(target: Target) -> Routed {
        Routed {
            target,
            rewrite: None,
        }
    }

    /// Cannot be followed, for the reason given.
    pub(crate) fn opaque(why: impl Into<String>) -> Routed {
        let why = why.into();
        // Reasons about a bare expression (`` `x` is defined outside this file``) read better
        // with the role in front.
        let why = if why.starts_with('`') {
            format!("handler {why}")
        } else {
            why
        };
        Routed::plain(Target::Opaque { why })
    }

    /// Forwards somewhere (a host or another table): what a middleware passes through.
    pub(crate) fn routes_on(&self) -> bool {
        matches!(self.target, Target::Forward { .. } | Target::Table(_))
    }

    /// A comparison key: two handlers with the same key route the same.
    pub(crate) fn key(&self) -> String {
        let rw = self
            .rewrite
            .as_ref()
            .map(|(r, _)| r.to_string())
            .unwrap_or_default();
        match &self.target {
            Target::Forward { host, port, .. } => format!("fwd:{host}:{port:?}:{rw}"),
            Target::Table(t) => format!("table:{t}:{rw}"),
            Target::Serve { handler } => format!("serve:{handler}:{rw}"),
            Target::Opaque { why } => format!("opaque:{why}"),
        }
    }
}

/// The values agree: the common one. Unknowns and env lookups are left out.
pub(crate) fn agree(vals: Vec<Val<'_>>) -> Option<Val<'_>> {
    let mut known = vals.into_iter().filter(Val::known);
    let first = known.next()?;
    let k = first.key();
    known.all(|v| v.key() == k).then_some(first)
}

/// `http://blog-service:8005/base` → host, port, path; only http(s) URLs with a host.
pub(crate) fn parse_url(s: &str, loc: Loc) -> Option<Url> {
    let (scheme, rest) = s.trim().split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let after = rest.get(end..)?;
    let path = after.split(['?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = parse_host_port(hostport)?;
    Some(Url {
        host,
        port,
        path: path.to_owned(),
        loc,
    })
}

/// `blog-service:8005` → (`blog-service`, 8005); `[::1]:80` → (`::1`, 80).
pub(crate) fn parse_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':');
    if host.is_empty() || !host.chars().all(ok_char) {
        return None;
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    Some((host.to_owned(), port))
}

/// `host:port`, or the host alone without a port.
pub(crate) fn host_port(u: &Url) -> String {
    match u.port {
        Some(p) => format!("{}:{p}", u.host),
        None => u.host.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_port_and_path() {
        let l = Loc { start: 0, end: 0 };
        type Want<'a> = Option<(&'a str, Option<u16>, &'a str)>;
        let table: Vec<(&str, Want)> = vec![
            (
                "http://blog-service:8005",
                Some(("blog-service", Some(8005), "")),
            ),
            ("https://x", Some(("x", None, ""))),
            (
                "http://svc.ns.svc.cluster.local:80/api/?q=1",
                Some(("svc.ns.svc.cluster.local", Some(80), "/api/")),
            ),
            ("http://user:pw@host:1/", Some(("host", Some(1), "/"))),
            ("http://[::1]:8080", Some(("::1", Some(8080), ""))),
            ("ftp://x", None),
            ("http://%s:80", None),
            ("http://x:99999", None),
            ("blog-service:8005", None),
        ];
        for (s, want) in table {
            let got = parse_url(s, l).map(|u| (u.host, u.port, u.path));
            let want = want.map(|(h, p, path)| (h.to_owned(), p, path.to_owned()));
            assert_eq!(got, want, "{s}");
        }
    }
}
