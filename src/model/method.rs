//! HTTP methods and method sets as routers restrict them.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Trace,
    Connect,
    Query,
}

impl Method {
    pub const ALL: [Method; 10] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
        Method::Trace,
        Method::Connect,
        Method::Query,
    ];

    /// The methods a handler registered for every method is listed with (Express `app.all`,
    /// a Spring mapping without `method =`, a Next.js API route): TRACE and CONNECT are left
    /// out (servers refuse TRACE by default; CONNECT is not sent to an application), and so is
    /// QUERY, which frameworks do not route yet.
    pub const ANY_HANDLED: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Options,
    ];

    /// Parses a method name, case-insensitively (`get`, `GET`, `Get`).
    pub fn parse(s: &str) -> Option<Method> {
        let m = match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "CONNECT" => Method::Connect,
            "QUERY" => Method::Query,
            _ => return None,
        };
        Some(m)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
            Method::Query => "QUERY",
        }
    }

    /// Methods whose redirect (301/302) many clients replay as a GET without the body.
    pub fn loses_body_on_redirect(self) -> bool {
        !matches!(self, Method::Get | Method::Head)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `GET, POST` (or `no method` for an empty list), for messages.
pub fn list(methods: &[Method]) -> String {
    if methods.is_empty() {
        return "no method".to_owned();
    }
    methods
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The methods a route accepts: any, or a list.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum MethodSet {
    #[default]
    Any,
    Only(Vec<Method>),
}

impl MethodSet {
    pub fn only(methods: impl IntoIterator<Item = Method>) -> MethodSet {
        let mut v: Vec<Method> = methods.into_iter().collect();
        v.sort();
        v.dedup();
        MethodSet::Only(v)
    }

    /// Whether a request with `method` passes. `None` (a method routelint could not resolve)
    /// passes everywhere: unknown is not wrong.
    pub fn allows(&self, method: Option<Method>) -> bool {
        match (self, method) {
            (MethodSet::Any, _) | (_, None) => true,
            (MethodSet::Only(list), Some(m)) => list.contains(&m),
        }
    }

    pub fn is_any(&self) -> bool {
        matches!(self, MethodSet::Any)
    }

    pub fn list(&self) -> &[Method] {
        match self {
            MethodSet::Any => &[],
            MethodSet::Only(v) => v,
        }
    }
}

impl fmt::Display for MethodSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MethodSet::Any => f.write_str("any method"),
            MethodSet::Only(v) => {
                let names: Vec<&str> = v.iter().map(|m| m.as_str()).collect();
                f.write_str(&names.join(", "))
            }
        }
    }
}
