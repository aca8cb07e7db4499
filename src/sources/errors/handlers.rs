//! Error handlers in application code that decide what a component answers its own 404/405
//! with: a Spring `ErrorWebExceptionHandler` or `@RestControllerAdvice`, Spring Boot's
//! `problemdetails` switch, a FastAPI/Starlette `exception_handler`, a Go router's NotFound
//! handler, an Express 404 middleware. Each reader looks at one file and returns the shapes it
//! installs; none of them decides whether a shape is right.

use regex::Regex;
use std::sync::LazyLock;

use crate::sources::{
    facts::ErrorBody, facts::ErrorShapeFact, facts::ErrorShapeKind, facts::ShapeOwner, input::Input,
};

/// RFC 9457 members Spring's `ProblemDetail` always writes.
const PROBLEM_MEMBERS: [&str; 3] = ["status", "title", "type"];

fn problem() -> ErrorBody {
    ErrorBody {
        media_type: Some("application/problem+json".to_owned()),
        members: PROBLEM_MEMBERS.iter().map(|m| (*m).to_owned()).collect(),
    }
}

fn json(members: Vec<String>) -> ErrorBody {
    let mut members = members;
    members.sort();
    members.dedup();
    ErrorBody {
        media_type: Some("application/json".to_owned()),
        members,
    }
}

fn fact(input: Input<'_>, body: ErrorBody, start: usize, end: usize) -> ErrorShapeFact {
    ErrorShapeFact {
        kind: ErrorShapeKind::MissHandler,
        body,
        status: None,
        span: input.span(start, end),
        owner: ShapeOwner::File,
    }
}

/// The body a handler's source text writes: problem details when it builds a `ProblemDetail`
/// or names `application/problem+json`; JSON with the members of the first object literal it
/// writes (`{"message": …}`, `gin.H{"error": …}`, `content={"detail": …}`) when it writes JSON;
/// `None` when the text shows no body format.
fn body_of(text: &str) -> Option<ErrorBody> {
    if text.contains("ProblemDetail") || text.contains("application/problem+json") {
        return Some(problem());
    }
    let writes_json = [
        "APPLICATION_JSON",
        "application/json",
        "JSONResponse",
        "ObjectMapper",
        "writeValueAsBytes",
        "json.NewEncoder",
        "json.Marshal",
        ".JSON(",
        ".json(",
        "ErrorResponse",
        "bodyValue(",
    ]
    .iter()
    .any(|t| text.contains(t));
    if !writes_json {
        return None;
    }
    Some(json(literal_keys(text)))
}

/// The keys of the first object/dict/map literal in a handler's text.
fn literal_keys(text: &str) -> Vec<String> {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:gin\.H|echo\.Map|map\[string\](?:any|interface\{\}|string)|content\s*=|\.json\(|\.send\()\s*\{"#)
            .expect("valid regex")
    });
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:^|[{,]\s*)(?:"([A-Za-z_][\w-]*)"|'([A-Za-z_][\w-]*)'|([A-Za-z_]\w*))\s*:"#)
            .expect("valid regex")
    });
    let Some(m) = OPEN.find(text) else {
        return Vec::new();
    };
    // The literal up to its matching brace.
    let body = &text[m.end()..];
    let mut depth = 1usize;
    let mut end = body.len();
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = &body[..end];
    // Only top-level keys: drop nested literals first.
    let mut flat = String::new();
    let mut d = 0usize;
    for c in inner.chars() {
        match c {
            '{' | '[' | '(' => d += 1,
            '}' | ']' | ')' => d = d.saturating_sub(1),
            _ if d == 0 => flat.push(c),
            _ => {}
        }
    }
    let flat = format!("{{{flat}");
    KEY.captures_iter(&flat)
        .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)))
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// The text from `start` to the end of the balanced `{…}` block that begins at or after it.
fn block_from(text: &str, start: usize) -> &str {
    let Some(open) = text[start..].find('{').map(|i| start + i) else {
        return &text[start..];
    };
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..open + i + 1];
                }
            }
            _ => {}
        }
    }
    &text[start..]
}

/// Spring: a class that implements `ErrorWebExceptionHandler` (or extends Spring's abstract or
/// default one), or a `@ControllerAdvice`/`@RestControllerAdvice` with an `@ExceptionHandler`
/// for the exceptions a routing miss raises (`NoHandlerFoundException`,
/// `NoResourceFoundException`, `ResponseStatusException`, `ErrorResponseException`,
/// `Exception`), or one that extends `ResponseEntityExceptionHandler` (problem details).
pub fn java(input: Input<'_>) -> Vec<ErrorShapeFact> {
    static CLASS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)class\s+(\w+)[^{]*?(?:implements\s+[^{]*\bErrorWebExceptionHandler\b|extends\s+(?:Abstract|Default)ErrorWebExceptionHandler\b|extends\s+ResponseEntityExceptionHandler\b|\)?\s*:\s*[^{]*\b(?:(?:Abstract|Default)?ErrorWebExceptionHandler|ResponseEntityExceptionHandler)\b)")
            .expect("valid regex")
    });
    static ADVICE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"@(?:Rest)?ControllerAdvice\b").expect("valid regex"));
    static MISS_HANDLER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"@ExceptionHandler\s*\(\s*(?:value\s*=\s*)?\{?[^)]*\b(?:NoHandlerFoundException|NoResourceFoundException|ResponseStatusException|ErrorResponseException|Exception|Throwable)\.class")
            .expect("valid regex")
    });
    let text = input.text;
    let mut out = Vec::new();
    if let Some(c) = CLASS.captures(text) {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        let name = c.get(1).map_or(whole.clone(), |m| m.range());
        let block = block_from(text, whole.start);
        let body = if whole
            .as_range_text(text)
            .contains("ResponseEntityExceptionHandler")
        {
            Some(problem())
        } else {
            body_of(block).map(|b| match record_members(text, block) {
                Some(members)
                    if b.members.is_empty()
                        && b.media_type.as_deref() == Some("application/json") =>
                {
                    json(members)
                }
                _ => b,
            })
        };
        // A handler whose body routelint cannot read still answers JSON in Spring's
        // convention; say so with no members (compatible with any JSON shape).
        let body = body.unwrap_or_else(|| json(Vec::new()));
        out.push(fact(input, body, name.start, name.end));
        return out;
    }
    if let Some(advice) = ADVICE.find(text)
        && let Some(h) = MISS_HANDLER.find(&text[advice.start()..])
    {
        let at = advice.start() + h.start();
        let block = block_from(text, at);
        let body = body_of(block).unwrap_or_else(|| json(Vec::new()));
        out.push(fact(input, body, advice.start(), advice.end()));
    }
    out
}

/// The components of the Java record a handler instantiates (`new ErrorResponse(…)` with
/// `record ErrorResponse(String message, int status)` in the file): its JSON members.
fn record_members(text: &str, block: &str) -> Option<Vec<String>> {
    static NEW: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"new\s+([A-Z]\w*)\s*\(").expect("valid regex"));
    for c in NEW.captures_iter(block) {
        let name = c.get(1)?.as_str();
        let Some(at) = text.find(&format!("record {name}(")) else {
            continue;
        };
        let params = &text[at + "record ".len() + name.len() + 1..];
        let params = &params[..params.find(')')?];
        let members: Vec<String> = params
            .split(',')
            .filter_map(|p| p.split_whitespace().last())
            .map(str::to_owned)
            .collect();
        if !members.is_empty() {
            return Some(members);
        }
    }
    None
}

trait RangeText {
    fn as_range_text<'t>(&self, text: &'t str) -> &'t str;
}

impl RangeText for std::ops::Range<usize> {
    fn as_range_text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.clone()).unwrap_or("")
    }
}

/// Spring Boot configuration: `spring.mvc.problemdetails.enabled=true` (or the WebFlux one)
/// makes Spring's own 404/405 answers problem details. YAML nesting or a properties key.
pub fn spring_config(input: Input<'_>) -> Vec<ErrorShapeFact> {
    static FLAT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^\s*spring\.(?:mvc|webflux)\.problemdetails\.enabled\s*[=:]\s*true\b")
            .expect("valid regex")
    });
    static NESTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^\s*problemdetails:\s*\n\s*enabled:\s*true\b|^\s*problemdetails\.enabled:\s*true\b")
            .expect("valid regex")
    });
    let m = FLAT.find(input.text).or_else(|| {
        let m = NESTED.find(input.text)?;
        // Only under spring.mvc / spring.webflux.
        let before = &input.text[..m.start()];
        (before.contains("mvc:") || before.contains("webflux:")).then_some(m)
    });
    m.map(|m| vec![fact(input, problem(), m.start(), m.end())])
        .unwrap_or_default()
}

/// FastAPI/Starlette: `@app.exception_handler(404)`, `(StarletteHTTPException)`,
/// `(HTTPException)` or `(Exception)`, and `app.add_exception_handler(...)` with one of them;
/// the body is what the handler returns (`JSONResponse(content={...})`, a problem+json media
/// type).
pub fn python(input: Input<'_>) -> Vec<ErrorShapeFact> {
    static HANDLER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)@\w+\.exception_handler\(\s*(?:404|405|status\.HTTP_404_NOT_FOUND|(?:\w+\.)?(?:StarletteHTTPException|HTTPException|Exception))\s*\)")
            .expect("valid regex")
    });
    let text = input.text;
    let Some(m) = HANDLER.find(text) else {
        return Vec::new();
    };
    // The decorated function: up to the next top-level statement.
    let rest = &text[m.end()..];
    let mut end = rest.len();
    let mut seen_def = false;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_start().starts_with("def ") || line.trim_start().starts_with("async def ") {
            seen_def = true;
        } else if seen_def
            && !line.trim().is_empty()
            && !line.starts_with(' ')
            && !line.starts_with('\t')
        {
            end = offset;
            break;
        }
        offset += line.len();
    }
    let body = body_of(&rest[..end]).unwrap_or_else(|| json(vec!["detail".to_owned()]));
    vec![fact(input, body, m.start(), m.end())]
}

/// Go routers: `r.NotFoundHandler = …` / `r.MethodNotAllowedHandler = …` (gorilla),
/// `r.NotFound(…)` / `r.MethodNotAllowed(…)` (chi), `r.NoRoute(…)` / `r.NoMethod(…)` (gin),
/// `e.HTTPErrorHandler = …` (echo). The body is what the handler (a literal, or a function of
/// this file) writes.
pub fn go(input: Input<'_>) -> Vec<ErrorShapeFact> {
    static SET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\.(?:NotFoundHandler\s*=|NotFound\(|NoRoute\(|HTTPErrorHandler\s*=)\s*([A-Za-z_][\w.]*)?")
            .expect("valid regex")
    });
    let text = input.text;
    let Some(c) = SET.captures(text) else {
        return Vec::new();
    };
    let whole = c.get(0).map_or(0..0, |m| m.range());
    // A named handler: its function body in this file; else the literal that follows.
    let handler_text = c
        .get(1)
        .map(|m| m.as_str().rsplit('.').next().unwrap_or(m.as_str()))
        .filter(|name| *name != "func" && *name != "http")
        .and_then(|name| text.find(&format!("func {name}(")))
        .map(|at| block_from(text, at))
        .unwrap_or_else(|| block_from(text, whole.end));
    let body = body_of(handler_text).unwrap_or(ErrorBody {
        media_type: Some("text/plain".to_owned()),
        members: Vec::new(),
    });
    vec![fact(input, body, whole.start, whole.end)]
}

/// Whether a JS/TS file may hold [`express`]'s handler: a cheap byte test.
pub fn express_sniff(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find(bytes, b".use(").is_some() && memchr::memmem::find(bytes, b"404").is_some()
}

/// Express: a final middleware that answers 404 itself
/// (`app.use((req, res) => res.status(404).json({...}))`).
pub fn express(input: Input<'_>) -> Vec<ErrorShapeFact> {
    static NOT_FOUND: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\.use\(\s*(?:async\s*)?(?:function\s*\w*)?\(\s*\w+\s*,\s*\w+\s*(?:,\s*\w+\s*)?\)\s*(?:=>)?\s*\{?[^}]*?\.status\(\s*404\s*\)")
            .expect("valid regex")
    });
    let text = input.text;
    if !express_sniff(text) {
        return Vec::new();
    }
    let Some(m) = NOT_FOUND.find(text) else {
        return Vec::new();
    };
    let tail = block_from(text, m.end().saturating_sub(1).max(m.start()));
    let window = &text[m.start()..(m.end() + tail.len()).min(text.len())];
    let body = body_of(window).unwrap_or(ErrorBody {
        media_type: Some("text/html".to_owned()),
        members: Vec::new(),
    });
    vec![fact(input, body, m.start(), m.start() + ".use(".len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = fn(Input<'_>) -> Vec<ErrorShapeFact>;

    fn one(read: Read, text: &str) -> Option<(Option<String>, Vec<String>, String)> {
        let input = crate::sources::testing::test_input("x", text);
        read(input).into_iter().next().map(|f| {
            (
                f.body.media_type,
                f.body.members,
                text[f.span.start as usize..f.span.end as usize].to_owned(),
            )
        })
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn spring_error_web_exception_handler_writing_the_services_json() {
        let text = r#"
@Component
@Order(-2)
public class GlobalExceptionHandler implements ErrorWebExceptionHandler {
    private final ObjectMapper objectMapper;
    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
        ErrorResponse body = new ErrorResponse("404 NOT_FOUND", 404, List.of(), "C001");
        return exchange.getResponse().writeWith(Mono.just(buffer(objectMapper.writeValueAsBytes(body))));
    }
}"#;
        assert_eq!(
            one(java, text),
            Some((
                Some("application/json".into()),
                vec![],
                "GlobalExceptionHandler".into()
            ))
        );
        let with_record = format!(
            "{text}\nrecord ErrorResponse(String message, int status, List<FieldError> errors, String code) {{}}"
        );
        assert_eq!(
            one(java, &with_record).map(|x| x.1),
            Some(s(&["code", "errors", "message", "status"]))
        );
    }

    #[test]
    fn the_seeds_kotlin_error_web_exception_handler() {
        let text = "@Component\n@Order(-2)\nclass GlobalExceptionHandler(\n    private val objectMapper: ObjectMapper\n) : ErrorWebExceptionHandler {\n    override fun handle(exchange: ServerWebExchange, ex: Throwable): Mono<Void> {\n        exchange.response.headers.contentType = MediaType.APPLICATION_JSON\n        return exchange.response.writeWith(Jackson2JsonEncoder(objectMapper).encode(...))\n    }\n}";
        assert_eq!(
            one(java, text).map(|x| (x.0, x.2)),
            Some((
                Some("application/json".into()),
                "GlobalExceptionHandler".into()
            ))
        );
    }

    #[test]
    fn spring_advice_for_misses_and_problem_details() {
        let text = "@RestControllerAdvice\nclass Errors {\n  @ExceptionHandler(NoResourceFoundException.class)\n  ProblemDetail notFound(NoResourceFoundException e) { return ProblemDetail.forStatus(404); }\n}";
        assert_eq!(
            one(java, text),
            Some((
                Some("application/problem+json".into()),
                s(&["status", "title", "type"]),
                "@RestControllerAdvice".into()
            ))
        );
        // An advice for validation errors only does not answer misses.
        let other = "@RestControllerAdvice\nclass V {\n  @ExceptionHandler(MethodArgumentNotValidException.class)\n  Map<String,String> bad() { return Map.of(); }\n}";
        assert_eq!(one(java, other), None);
        let base =
            "@ControllerAdvice\npublic class ApiErrors extends ResponseEntityExceptionHandler {}";
        assert_eq!(
            one(java, base).map(|x| x.0),
            Some(Some("application/problem+json".into()))
        );
    }

    #[test]
    fn spring_problemdetails_switch_in_yaml_and_properties() {
        assert!(one(spring_config, "spring.mvc.problemdetails.enabled=true\n").is_some());
        assert!(
            one(
                spring_config,
                "spring:\n  webflux:\n    problemdetails:\n      enabled: true\n"
            )
            .is_some()
        );
        assert!(
            one(
                spring_config,
                "spring:\n  mvc:\n    problemdetails:\n      enabled: false\n"
            )
            .is_none()
        );
    }

    #[test]
    fn fastapi_exception_handler_returning_problem_details_or_a_dict() {
        let text = "from fastapi import FastAPI\napp = FastAPI()\n\n@app.exception_handler(StarletteHTTPException)\nasync def http_error(request, exc):\n    return JSONResponse(status_code=exc.status_code, content={\"code\": exc.status_code, \"message\": exc.detail})\n\n@app.get('/x')\ndef x(): ...\n";
        assert_eq!(
            one(python, text),
            Some((
                Some("application/json".into()),
                s(&["code", "message"]),
                "@app.exception_handler(StarletteHTTPException)".into()
            ))
        );
        let pd = "@app.exception_handler(404)\nasync def nf(request, exc):\n    return JSONResponse({'type': 'about:blank', 'title': 'Not Found', 'status': 404}, media_type='application/problem+json')\n";
        assert_eq!(
            one(python, pd).map(|x| x.0),
            Some(Some("application/problem+json".into()))
        );
    }

    #[test]
    fn go_not_found_handlers_of_each_router() {
        let gorilla = "r := mux.NewRouter()\nr.NotFoundHandler = http.HandlerFunc(notFound)\n\nfunc notFound(w http.ResponseWriter, r *http.Request) {\n\tw.Header().Set(\"Content-Type\", \"application/json\")\n\tjson.NewEncoder(w).Encode(map[string]string{\"error\": \"not found\", \"code\": \"E404\"})\n}\n";
        assert_eq!(
            one(go, gorilla).map(|x| (x.0, x.1)),
            Some((Some("application/json".into()), s(&["code", "error"])))
        );
        let gin =
            "r.NoRoute(func(c *gin.Context) { c.JSON(404, gin.H{\"message\": \"no route\"}) })";
        assert_eq!(one(go, gin).map(|x| x.1), Some(s(&["message"])));
        let chi = "r.NotFound(func(w http.ResponseWriter, r *http.Request) { http.Error(w, \"gone\", 404) })";
        assert_eq!(one(go, chi).map(|x| x.0), Some(Some("text/plain".into())));
        assert_eq!(one(go, "mux.HandleFunc(\"/\", index)"), None);
    }

    #[test]
    fn express_final_404_middleware() {
        let text = "app.use('/api', api);\napp.use((req, res) => {\n  res.status(404).json({ error: 'Not Found', path: req.path });\n});\n";
        assert_eq!(
            one(express, text).map(|x| (x.0, x.1)),
            Some((Some("application/json".into()), s(&["error", "path"])))
        );
        assert_eq!(one(express, "app.use(express.json());"), None);
    }
}
