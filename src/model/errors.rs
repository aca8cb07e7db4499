//! Error profiles: what body a component answers its own 404/405 with, and which error shapes
//! its API declares. A handler found in the repository wins; otherwise the platform's default,
//! each with the source that documents it. Decides nothing about whether shapes agree beyond
//! [`compatible`].

use crate::source_file::Span;
use crate::sources::facts::ErrorBody;

/// Where a component's miss answer comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerOrigin {
    /// A handler in the repository installs it.
    Handler(Span),
    /// The platform's default, with the documentation or behaviour it rests on.
    Default(&'static str),
}

/// The body a component answers a routing miss (404 or 405) with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissAnswer {
    pub body: ErrorBody,
    pub origin: AnswerOrigin,
}

/// A component's errors: its declared API error shapes and its own miss answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorProfile {
    /// Error bodies the component's API declares, each at its first declaration.
    pub declared: Vec<(ErrorBody, Span)>,
    /// How the component answers requests it cannot route; `None` when unknown.
    pub miss: Option<MissAnswer>,
}

fn body(media_type: Option<&str>, members: &[&str]) -> ErrorBody {
    ErrorBody {
        media_type: media_type.map(str::to_owned),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
    }
}

/// The default miss answer of a component kind (the `kind` label topology gives it), from
/// each platform's documentation and source. `None` where the platform's default is not known
/// (an OpenAPI-described service whose framework is not known).
pub fn platform_default(kind: &str) -> Option<MissAnswer> {
    let (b, source) = match kind {
        "Istio gateway" | "Istio sidecar routing" | "Envoy" => (
            body(None, &[]),
            "Envoy answers a request no route matches with `404` and an empty body (route not found, NR flag)",
        ),
        "Gateway API gateway" => (
            body(None, &[]),
            "assumed Envoy-based (Istio, Envoy Gateway, Contour): `404` with an empty body",
        ),
        "Spring Cloud Gateway" => (
            body(None, &[]),
            "Spring Cloud Gateway answers an unrouted request with `404` and `content-length: 0` unless an ErrorWebExceptionHandler is registered",
        ),
        "Go ServeMux" | "gorilla/mux" | "chi" | "gin" => (
            body(Some("text/plain"), &[]),
            "Go's http.NotFound writes `404 page not found` as text/plain",
        ),
        "Traefik" => (
            body(Some("text/plain"), &[]),
            "Traefik answers `404 page not found` as text/plain",
        ),
        "nginx" | "Ingress controller" => (
            body(Some("text/html"), &[]),
            "nginx (and ingress-nginx's default backend) answers with its built-in HTML error page",
        ),
        "Kong" => (
            body(Some("application/json"), &["message"]),
            "Kong answers `{\"message\":\"no Route matched with those values\"}`",
        ),
        "APISIX" => (
            body(Some("application/json"), &["error_msg"]),
            "APISIX answers `{\"error_msg\":\"404 Route Not Found\"}`",
        ),
        "FastAPI" => (
            body(Some("application/json"), &["detail"]),
            "Starlette/FastAPI answer `{\"detail\":\"Not Found\"}`",
        ),
        "Flask" => (
            body(Some("text/html"), &[]),
            "Werkzeug answers with an HTML error page",
        ),
        "Express" => (
            body(Some("text/html"), &[]),
            "Express's final handler answers `Cannot GET /x` as text/html",
        ),
        "NestJS" | "Fastify" => (
            body(
                Some("application/json"),
                &["error", "message", "statusCode"],
            ),
            "NestJS and Fastify answer `{statusCode, message, error}` JSON",
        ),
        "Spring MVC" | "Spring WebFlux" => (
            body(
                Some("application/json"),
                &["error", "path", "status", "timestamp"],
            ),
            "Spring Boot's error controller answers `{timestamp, status, error, path}` JSON",
        ),
        "Zuul" => (
            body(
                Some("application/json"),
                &["error", "path", "status", "timestamp"],
            ),
            "Zuul runs in a Spring Boot MVC app, whose error controller answers an unrouted request with `{timestamp, status, error, path}` JSON",
        ),
        "echo" => (
            body(Some("application/json"), &["message"]),
            "echo answers `{\"message\":\"Not Found\"}`",
        ),
        _ => return None,
    };
    Some(MissAnswer {
        body: b,
        origin: AnswerOrigin::Default(source),
    })
}

/// "empty body", "text/plain", "application/json {detail}".
pub fn describe(b: &ErrorBody) -> String {
    match &b.media_type {
        None => "an empty body (no JSON)".to_owned(),
        Some(mt) if mt.ends_with("json") && b.members.is_empty() => mt.clone(),
        Some(mt) if !mt.ends_with("json") => format!("a {mt} body (no JSON)"),
        Some(mt) => format!("{mt} {{{}}}", b.members.join(", ")),
    }
}

/// Whether a client written against `a` can read `b`: both JSON with a member in common (or
/// one of them without known members), or the same non-JSON media type. An empty body reads
/// like nothing else.
pub fn compatible(a: &ErrorBody, b: &ErrorBody) -> bool {
    match (&a.media_type, &b.media_type) {
        (None, None) => true,
        (None, _) | (_, None) => false,
        (Some(x), Some(y)) => {
            let (xj, yj) = (x.ends_with("json"), y.ends_with("json"));
            if xj != yj {
                return false;
            }
            if !xj {
                return x == y;
            }
            a.members.is_empty()
                || b.members.is_empty()
                || a.members.iter().any(|m| b.members.contains(m))
        }
    }
}

/// RFC 9457: `application/problem+json` with `type`, `title` and `status`.
pub fn is_problem_details(b: &ErrorBody) -> bool {
    b.media_type.as_deref() == Some("application/problem+json")
        && ["status", "title", "type"]
            .iter()
            .all(|m| b.members.iter().any(|x| x == m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_by_media_type_and_common_members() {
        let empty = body(None, &[]);
        let text = body(Some("text/plain"), &[]);
        let err = body(Some("application/json"), &["code", "message", "status"]);
        let problem = body(
            Some("application/problem+json"),
            &["status", "title", "type"],
        );
        let detail = body(Some("application/json"), &["detail"]);
        let table = [
            (&empty, &empty, true),
            (&empty, &err, false),
            (&text, &err, false),
            (&text, &text, true),
            (&err, &problem, true),
            (&err, &detail, false),
            (&problem, &problem, true),
        ];
        for (a, b, want) in table {
            assert_eq!(compatible(a, b), want, "{a:?} vs {b:?}");
            assert_eq!(compatible(b, a), want, "{b:?} vs {a:?}");
        }
        assert!(is_problem_details(&problem));
        assert!(!is_problem_details(&err));
    }
}
