//! Reads one OpenAPI document (Swagger 2.0, OpenAPI 3.0/3.1/3.2; YAML or JSON) into the
//! endpoints it declares and the server hosts that name its component. Knows nothing about other
//! files: it never follows an external `$ref` and never judges whether an endpoint is reachable.

use std::net::IpAddr;

use crate::model::method::Method;
use crate::model::path::Pattern;
use crate::sources::{
    facts::Binding, facts::Dialect, facts::EndpointFact, facts::Facts, facts::Owner, input::Input,
};
use crate::tree::{self, Node, Range, resolve_pointer};

/// How many `$ref` hops a path item may take before routelint gives up (cycles, long chains).
const MAX_REF_HOPS: usize = 16;

/// Reads the endpoints and server bindings of one OpenAPI file.
///
/// A file that is not an OpenAPI document (a mapping with neither `openapi` nor `swagger`)
/// gives no facts; a file that cannot be read gives a problem at the place that is wrong.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    let Some(root) = parse(input, &mut facts) else {
        return facts;
    };
    let Some(spec) = Spec::new(input, &root, &mut facts) else {
        return facts;
    };
    spec.bind_hosts(&mut facts);
    spec.read_paths(&mut facts);
    crate::sources::errors::openapi::read(input, &root, &mut facts);
    facts
}

// ---------------------------------------------------------------------------------------------
// Parsing

/// Parses the file as JSON (by extension) or YAML (first non-empty document). `None` when the
/// file is empty or does not parse (the problem is recorded).
fn parse(input: Input<'_>, facts: &mut Facts) -> Option<Node> {
    if input.text.trim_start_matches('\u{feff}').trim().is_empty() {
        return None;
    }
    let result = if is_json_path(input.path) {
        tree::parse_json(input.text)
    } else {
        tree::parse_yaml(input.text)
            .into_iter()
            .map(|doc| doc.result)
            .find(|r| !matches!(r, Ok(node) if node.is_null()))?
    };
    match result {
        Ok(node) => Some(node),
        Err(failure) => {
            facts.problem(
                span(input, failure.range),
                format!("OpenAPI document does not parse: {}", failure.message),
            );
            None
        }
    }
}

fn is_json_path(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("json"))
}

fn span(input: Input<'_>, range: Range) -> crate::source_file::Span {
    input.span(range.start, range.end)
}

/// The span of a node to point a problem at. Block collections in YAML come with an empty
/// range at their first character: widen it to the rest of that line so there is text to show.
fn node_span(input: Input<'_>, node: &Node) -> crate::source_file::Span {
    let Range { start, end } = node.range;
    if start < end {
        return input.span(start, end);
    }
    let line_end = input
        .text
        .get(start..)
        .and_then(|rest| rest.find(['\n', '\r']))
        .map_or(input.text.len(), |i| start + i);
    input.span(start, line_end.max(start))
}

// ---------------------------------------------------------------------------------------------
// The document

/// Which specification the document follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// Swagger 2.0: `host` + `basePath`.
    Swagger2,
    /// OpenAPI 3.x: `servers`; `minor` decides whether `query` is an operation (3.2).
    OpenApi3 { minor: u32 },
}

/// A parsed OpenAPI document and what applies to all of its paths.
struct Spec<'a> {
    input: Input<'a>,
    root: &'a Node,
    version: Version,
    /// Path prefix of the document (`basePath`, or the first server's path).
    base: String,
}

impl<'a> Spec<'a> {
    /// Checks the root and the version field. `None` when there is nothing to read.
    fn new(input: Input<'a>, root: &'a Node, facts: &mut Facts) -> Option<Spec<'a>> {
        if root.as_map().is_none() {
            facts.problem(
                node_span(input, root),
                format!(
                    "an OpenAPI document must be a mapping, found {}",
                    root.type_name()
                ),
            );
            return None;
        }
        let version = read_version(input, root, facts)?;
        let mut spec = Spec {
            input,
            root,
            version,
            base: String::from("/"),
        };
        spec.base = match version {
            Version::Swagger2 => swagger_base_path(root),
            Version::OpenApi3 { .. } => spec
                .servers_base(root.get("servers"), facts)
                .unwrap_or_else(|| String::from("/")),
        };
        Some(spec)
    }

    /// Pushes a binding for every named host the document says it is served on.
    fn bind_hosts(&self, facts: &mut Facts) {
        match self.version {
            Version::Swagger2 => {
                if let Some(host) = self.root.get("host")
                    && let Some(text) = host.as_str()
                {
                    self.bind(facts, authority_host(text), host);
                }
            }
            Version::OpenApi3 { .. } => {
                let servers = self
                    .root
                    .get("servers")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                for server in servers {
                    let Some(url) = server.get("url") else {
                        continue;
                    };
                    let Some(text) = url.as_str() else { continue };
                    let full = substitute(text, server.get("variables"));
                    self.bind(facts, url_host(&full), url);
                }
            }
        }
    }

    fn bind(&self, facts: &mut Facts, host: Option<&str>, at: &Node) {
        if let Some(name) = host.and_then(binding_name) {
            facts.bindings.push(Binding {
                project_wide: false,
                name,
                span: span(self.input, at.range),
            });
        }
    }

    /// Reads every path item of `paths`.
    fn read_paths(&self, facts: &mut Facts) {
        let Some(paths) = self.root.get("paths") else {
            return;
        };
        if paths.is_null() {
            return;
        }
        let Some(entries) = paths.as_map() else {
            self.wrong_type(facts, paths, "`paths`", "a mapping");
            return;
        };
        for (key, item) in entries {
            let Some(path) = key.as_str() else { continue };
            if path.starts_with('/') {
                self.read_path_item(facts, key, path, item);
            }
        }
    }

    /// Reads the operations of one path item (following a local `$ref`).
    fn read_path_item(&self, facts: &mut Facts, key: &Node, path: &str, item: &'a Node) {
        if item.is_null() {
            return;
        }
        if item.as_map().is_none() {
            self.wrong_type(facts, item, &format!("path item `{path}`"), "a mapping");
            return;
        }
        let target = item
            .get("$ref")
            .and_then(|reference| self.follow_ref(facts, reference));
        if let Some(node) = target
            && node.as_map().is_none()
        {
            self.wrong_type(facts, node, &format!("path item `{path}`"), "a mapping");
            return;
        }
        let mut at = PathAt {
            key,
            path,
            base: self.item_base(facts, item, target),
            seen: Vec::new(),
        };
        for source in std::iter::once(item).chain(target) {
            self.read_operations(facts, &mut at, source);
        }
    }

    /// The base path that applies to a path item: its own `servers`, those of the item its
    /// `$ref` points to, or the document's.
    fn item_base(&self, facts: &mut Facts, item: &Node, target: Option<&Node>) -> String {
        if self.version == Version::Swagger2 {
            return self.base.clone();
        }
        self.servers_base(item.get("servers"), facts)
            .or_else(|| self.servers_base(target.and_then(|t| t.get("servers")), facts))
            .unwrap_or_else(|| self.base.clone())
    }

    /// Emits an endpoint for every operation of `item` whose method is not in `at.seen` yet.
    fn read_operations(&self, facts: &mut Facts, at: &mut PathAt<'_>, item: &Node) {
        let Some(entries) = item.as_map() else { return };
        for (method_key, operation) in entries {
            let Some(name) = method_key.as_str() else {
                continue;
            };
            if name == "additionalOperations" {
                self.read_additional(facts, at, operation);
            } else if let Some(method) = self.operation_method(name) {
                self.push_endpoint(facts, at, method, method_key, operation);
            }
        }
    }

    /// OpenAPI 3.2 `additionalOperations`: methods outside the fixed fields (`COPY`, `LINK`).
    /// Only those routelint has a [`Method`] for are kept.
    fn read_additional(&self, facts: &mut Facts, at: &mut PathAt<'_>, operations: &Node) {
        if !self.has_query() {
            return;
        }
        let Some(entries) = operations.as_map() else {
            return;
        };
        for (method_key, operation) in entries {
            if let Some(method) = method_key.as_str().and_then(Method::parse) {
                self.push_endpoint(facts, at, method, method_key, operation);
            }
        }
    }

    /// Whether the document is OpenAPI 3.2 or later (`query`, `additionalOperations`).
    fn has_query(&self) -> bool {
        matches!(self.version, Version::OpenApi3 { minor } if minor >= 2)
    }

    /// The method of a fixed operation field (`get`, `post`, …; `query` from 3.2 on).
    fn operation_method(&self, name: &str) -> Option<Method> {
        let method = match name {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            "query" if self.has_query() => Method::Query,
            _ => return None,
        };
        Some(method)
    }

    /// Records one operation as an endpoint, unless its method was already seen on this path.
    fn push_endpoint(
        &self,
        facts: &mut Facts,
        at: &mut PathAt<'_>,
        method: Method,
        method_key: &Node,
        operation: &Node,
    ) {
        if at.seen.contains(&method) {
            return;
        }
        at.seen.push(method);
        if operation.as_map().is_none() {
            let what = format!(
                "operation `{} {}`",
                method_key.as_str().unwrap_or("?"),
                at.path
            );
            self.wrong_type(facts, operation, &what, "a mapping");
            return;
        }
        let own_base = match self.version {
            Version::Swagger2 => None,
            Version::OpenApi3 { .. } => self.servers_base(operation.get("servers"), facts),
        };
        let full = join(own_base.as_deref().unwrap_or(&at.base), at.path);
        facts.endpoints.push(EndpointFact {
            owner: Owner::File,
            method,
            pattern: Pattern::openapi(&full),
            span: span(self.input, at.key.range),
            method_span: span(self.input, method_key.range),
            operation_id: operation
                .get("operationId")
                .and_then(Node::as_str)
                .map(str::to_owned),
            dialect: Dialect::OpenApi,
        });
    }

    /// The path part of the first server of a `servers` list. `None` when the list is absent
    /// or empty, or its first entry has no usable `url`.
    fn servers_base(&self, servers: Option<&Node>, facts: &mut Facts) -> Option<String> {
        let servers = servers?;
        if servers.is_null() {
            return None;
        }
        let Some(list) = servers.as_seq() else {
            self.wrong_type(facts, servers, "`servers`", "a list");
            return None;
        };
        let first = list.first()?;
        let url = first.get("url").and_then(Node::as_str)?;
        let full = substitute(url, first.get("variables"));
        Some(url_path(&full))
    }

    /// Follows a path item's `$ref` within this document. `None` for a reference to another
    /// file (skipped silently) and for a dangling, looping or malformed one (reported).
    fn follow_ref(&self, facts: &mut Facts, reference: &'a Node) -> Option<&'a Node> {
        let mut current = reference;
        for _ in 0..MAX_REF_HOPS {
            let Some(text) = current.as_str() else {
                self.wrong_type(facts, current, "`$ref`", "a string");
                return None;
            };
            let Some(pointer) = text.strip_prefix('#') else {
                // Another file: not this extractor's business.
                return None;
            };
            let Some(node) = resolve_pointer(self.root, pointer) else {
                facts.problem(
                    span(self.input, current.range),
                    format!("`$ref` `{text}` does not point to anything in this document"),
                );
                return None;
            };
            match node.get("$ref") {
                Some(next) => current = next,
                None => return Some(node),
            }
        }
        facts.problem(
            span(self.input, reference.range),
            "`$ref` chain is too long or loops back on itself",
        );
        None
    }

    fn wrong_type(&self, facts: &mut Facts, node: &Node, what: &str, expected: &str) {
        facts.problem(
            node_span(self.input, node),
            format!("{what} must be {expected}, found {}", node.type_name()),
        );
    }
}

/// The path item being read: its key, the base path that applies, and the methods already
/// recorded (a `$ref`'d item adds only methods the referring item does not declare).
struct PathAt<'n> {
    key: &'n Node,
    path: &'n str,
    base: String,
    seen: Vec<Method>,
}

/// Reads `openapi` / `swagger`. `None` when the document is neither (not OpenAPI at all).
/// An unsupported value is reported and the document read as best it can be.
fn read_version(input: Input<'_>, root: &Node, facts: &mut Facts) -> Option<Version> {
    if let Some(value) = root.get("openapi") {
        let minor = match value.as_str() {
            Some(text) => {
                let minor = openapi3_minor(text);
                if minor.is_none() {
                    facts.problem(
                        span(input, value.range),
                        format!(
                            "unsupported OpenAPI version `{text}`: routelint reads 3.0, 3.1 and 3.2"
                        ),
                    );
                }
                minor
            }
            None => {
                facts.problem(
                    span(input, value.range),
                    format!(
                        "`openapi` must be a version string such as \"3.1.0\", found {}",
                        value.type_name()
                    ),
                );
                value.scalar_text().and_then(|t| openapi3_minor(&t))
            }
        };
        return Some(Version::OpenApi3 {
            minor: minor.unwrap_or(0),
        });
    }
    let value = root.get("swagger")?;
    match value.as_str() {
        Some("2.0") => {}
        Some(text) => facts.problem(
            span(input, value.range),
            format!("unsupported Swagger version `{text}`: routelint reads 2.0"),
        ),
        None => facts.problem(
            span(input, value.range),
            format!(
                "`swagger` must be the string \"2.0\", found {}",
                value.type_name()
            ),
        ),
    }
    Some(Version::Swagger2)
}

/// The minor version of a supported OpenAPI 3 version string (`3.1.0` → 1).
fn openapi3_minor(text: &str) -> Option<u32> {
    let rest = text.trim().strip_prefix("3.")?;
    let digits = rest.split(['.', '-', '+']).next()?;
    let minor: u32 = digits.parse().ok()?;
    (minor <= 2).then_some(minor)
}

// ---------------------------------------------------------------------------------------------
// Base paths and hosts

/// Swagger 2.0 `basePath`, `/` when absent.
fn swagger_base_path(root: &Node) -> String {
    match root.get("basePath").and_then(Node::as_str).map(str::trim) {
        Some(p) if p.starts_with('/') => p.to_owned(),
        Some(p) if !p.is_empty() => format!("/{p}"),
        _ => String::from("/"),
    }
}

/// `base` + `path` with the base's trailing slash dropped (`/v1/` + `/pets` → `/v1/pets`).
fn join(base: &str, path: &str) -> String {
    let mut out = String::with_capacity(base.len() + path.len());
    out.push_str(base.trim_end_matches('/'));
    out.push_str(path);
    out
}

/// Replaces every `{name}` of a server URL with `variables.name.default`; a variable without
/// a default stays `{name}` (it becomes a parameter segment).
fn substitute(url: &str, variables: Option<&Node>) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        out.push_str(&rest[..open]);
        match variables
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"))
            .and_then(Node::scalar_text)
        {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Splits a server URL into its authority (host and port, if it has one) and its path.
fn split_url(url: &str) -> (Option<&str>, &str) {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let after_scheme = match url.find("://") {
        Some(i) if !url[..i].contains('/') => Some(&url[i + 3..]),
        _ => url.strip_prefix("//"),
    };
    if let Some(rest) = after_scheme {
        return match rest.find('/') {
            Some(slash) => (Some(&rest[..slash]), &rest[slash..]),
            None => (Some(rest), ""),
        };
    }
    // `{server}/v1` with no default for `server`: the leading variable is the origin.
    if url.starts_with('{')
        && let Some(close) = url.find('}')
    {
        let rest = &url[close + 1..];
        if rest.is_empty() || rest.starts_with('/') {
            return (Some(&url[..=close]), rest);
        }
    }
    (None, url)
}

/// The path part of a server URL: `https://api.example.com/v1` → `/v1`; relative URLs are
/// taken as relative to the root (the document's own location is not known).
fn url_path(url: &str) -> String {
    let (_, path) = split_url(url);
    if path.is_empty() || path.starts_with('/') {
        return path.to_owned();
    }
    crate::model::path::rooted(path)
}

/// The host of a server URL, without user info and port.
fn url_host(url: &str) -> Option<&str> {
    split_url(url).0.and_then(authority_host)
}

/// The host of an authority (`user@host:8080` → `host`). Also accepts a whole URL, as some
/// Swagger `host` fields are written.
fn authority_host(authority: &str) -> Option<&str> {
    let authority = authority.trim();
    let authority = match split_url(authority) {
        (Some(a), _) => a,
        (None, rest) => rest.split('/').next().unwrap_or(rest),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.starts_with('[') {
        // An IPv6 literal.
        return None;
    }
    let host = host.split(':').next().unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The component name a host gives, unless it is a template, `localhost` or an IP address.
fn binding_name(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    if host.is_empty() || host.contains(['{', '}']) || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return None;
    }
    Some(host)
}

// ---------------------------------------------------------------------------------------------
#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_file::Span;

    fn run(path: &str, text: &str) -> Facts {
        extract(crate::sources::testing::test_input(path, text))
    }

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("<bad span>")
    }

    /// `(METHOD, pattern)` of every endpoint, in document order.
    fn routes(facts: &Facts) -> Vec<(String, String)> {
        facts
            .endpoints
            .iter()
            .map(|e| (e.method.to_string(), e.pattern.to_string()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect()
    }

    fn bindings(facts: &Facts) -> Vec<&str> {
        facts.bindings.iter().map(|b| b.name.as_str()).collect()
    }

    fn problems(facts: &Facts) -> Vec<&str> {
        facts.problems.iter().map(|p| p.message.as_str()).collect()
    }

    const BLOG: &str = "\
openapi: 3.0.3
info:
  title: blog-service
  version: '1.0'
servers:
  - url: http://blog-service:8005/
paths:
  /login:
    post:
      operationId: login
      responses: {'200': {description: ok}}
  /register:
    post:
      responses: {'200': {description: ok}}
  /categories:
    get:
      responses: {'200': {description: ok}}
  /posts:
    get:
      responses: {'200': {description: ok}}
    post:
      responses: {'201': {description: created}}
  /posts/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    summary: one post
    get:
      responses: {'200': {description: ok}}
    put:
      responses: {'200': {description: ok}}
    delete:
      responses: {'204': {description: gone}}
";

    #[test]
    fn blog_service_3_0_yaml_declares_eight_operations_on_five_paths() {
        let facts = run("blog/openapi.yaml", BLOG);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(
            routes(&facts),
            pairs(&[
                ("POST", "/login"),
                ("POST", "/register"),
                ("GET", "/categories"),
                ("GET", "/posts"),
                ("POST", "/posts"),
                ("GET", "/posts/{id}"),
                ("PUT", "/posts/{id}"),
                ("DELETE", "/posts/{id}"),
            ])
        );
        let put = &facts.endpoints[6];
        assert_eq!(slice(BLOG, put.span), "/posts/{id}");
        assert_eq!(slice(BLOG, put.method_span), "put");
        assert_eq!(put.owner, Owner::File);
        assert_eq!(put.dialect, Dialect::OpenApi);
        assert_eq!(facts.endpoints[0].operation_id.as_deref(), Some("login"));
        assert_eq!(facts.endpoints[1].operation_id, None);
        assert_eq!(bindings(&facts), ["blog-service"]);
        assert_eq!(
            slice(BLOG, facts.bindings[0].span),
            "http://blog-service:8005/"
        );
    }

    #[test]
    fn swagger_2_base_path_prefixes_every_path_and_host_binds_without_port() {
        let text = "\
swagger: '2.0'
info: {title: uber, version: '1'}
host: api.uber.com:443
basePath: /v1
paths:
  /products:
    get:
      operationId: listProducts
      responses: {'200': {description: ok}}
  /estimates/price:
    get:
      responses: {'200': {description: ok}}
";
        let facts = run("uber.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(
            routes(&facts),
            pairs(&[("GET", "/v1/products"), ("GET", "/v1/estimates/price")])
        );
        assert_eq!(slice(text, facts.endpoints[0].span), "/products");
        assert_eq!(bindings(&facts), ["api.uber.com"]);
        assert_eq!(slice(text, facts.bindings[0].span), "api.uber.com:443");
    }

    #[test]
    fn swagger_2_without_base_path_serves_paths_at_the_root() {
        let text = "swagger: '2.0'\npaths:\n  /pets:\n    get: {}\n";
        assert_eq!(routes(&run("s.yaml", text)), pairs(&[("GET", "/pets")]));
    }

    #[test]
    fn openapi_3_1_json_spans_point_at_the_quoted_keys() {
        let text = r#"{
  "openapi": "3.1.0",
  "info": {"title": "pets", "version": "1"},
  "servers": [{"url": "https://pets.example.com/api/v2"}],
  "paths": {
    "/pets": {"get": {"operationId": "listPets"}, "post": {}},
    "/pets/{petId}": {"delete": {}}
  }
}"#;
        let facts = run("spec/pets.JSON", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(
            routes(&facts),
            pairs(&[
                ("GET", "/api/v2/pets"),
                ("POST", "/api/v2/pets"),
                ("DELETE", "/api/v2/pets/{petId}"),
            ])
        );
        assert_eq!(slice(text, facts.endpoints[2].span), r#""/pets/{petId}""#);
        assert_eq!(slice(text, facts.endpoints[1].method_span), r#""post""#);
        assert_eq!(facts.endpoints[0].operation_id.as_deref(), Some("listPets"));
        assert_eq!(bindings(&facts), ["pets.example.com"]);
    }

    #[test]
    fn server_variables_take_their_defaults_and_a_missing_default_becomes_a_parameter() {
        let text = "\
openapi: 3.0.0
servers:
  - url: '{scheme}://{host}/api/{version}'
    variables:
      scheme: {default: https}
      host: {default: api.example.com}
      version: {default: v3, enum: [v2, v3]}
  - url: https://{region}.example.org/{tenant}
paths:
  /items:
    get: {}
";
        let facts = run("vars.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(routes(&facts), pairs(&[("GET", "/api/v3/items")]));
        // The second server's host is a template: it names no component.
        assert_eq!(bindings(&facts), ["api.example.com"]);

        let text = "\
openapi: 3.0.0
servers:
  - url: https://api.example.com/{tenant}/v1
paths:
  /items:
    get: {}
";
        assert_eq!(
            routes(&run("vars.yaml", text)),
            pairs(&[("GET", "/{tenant}/v1/items")])
        );
    }

    #[test]
    fn path_level_servers_override_the_document_and_operation_level_override_both() {
        let text = "\
openapi: 3.0.0
servers:
  - url: https://api.example.com/v1
paths:
  /users:
    get: {}
  /files:
    servers:
      - url: https://files.example.com/storage
      - url: https://ignored.example.com/other
    get: {}
    post:
      servers:
        - url: /upload
  /health:
    get:
      servers: []
";
        let facts = run("o.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(
            routes(&facts),
            pairs(&[
                ("GET", "/v1/users"),
                ("GET", "/storage/files"),
                ("POST", "/upload/files"),
                ("GET", "/v1/health"),
            ])
        );
        // Only document-level servers say which component this file is.
        assert_eq!(bindings(&facts), ["api.example.com"]);
    }

    #[test]
    fn ref_path_item_to_components_is_read_with_the_span_of_the_referring_key() {
        let text = "\
openapi: 3.1.0
paths:
  /pets:
    $ref: '#/components/pathItems/Pets'
  /pets/{id}:
    $ref: '#/components/pathItems/Pet'
    delete: {}
  /remote:
    $ref: 'other.yaml#/paths/~1remote'
components:
  pathItems:
    Pets:
      get: {operationId: listPets}
      post: {}
    Pet:
      servers: [{url: /v9}]
      get: {}
      delete: {operationId: shadowed}
";
        let facts = run("r.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(
            routes(&facts),
            pairs(&[
                ("GET", "/pets"),
                ("POST", "/pets"),
                ("DELETE", "/v9/pets/{id}"),
                ("GET", "/v9/pets/{id}"),
            ])
        );
        assert_eq!(slice(text, facts.endpoints[0].span), "/pets");
        assert_eq!(facts.endpoints[0].operation_id.as_deref(), Some("listPets"));
        assert_eq!(slice(text, facts.endpoints[3].span), "/pets/{id}");
        assert_eq!(facts.endpoints[2].operation_id, None);
    }

    #[test]
    fn dangling_and_looping_local_refs_are_problems_not_panics() {
        let text = "\
openapi: 3.1.0
paths:
  /a:
    $ref: '#/components/pathItems/Missing'
  /b:
    $ref: '#/components/pathItems/Loop'
  /c:
    get: {}
components:
  pathItems:
    Loop:
      $ref: '#/components/pathItems/Loop'
";
        let facts = run("r.yaml", text);
        assert_eq!(routes(&facts), pairs(&[("GET", "/c")]));
        assert_eq!(facts.problems.len(), 2);
        assert_eq!(
            slice(text, facts.problems[0].span),
            "'#/components/pathItems/Missing'"
        );
    }

    #[test]
    fn a_list_document_is_a_problem_at_the_root() {
        let text = "- openapi: 3.0.0\n- paths: {}\n";
        let facts = run("list.yaml", text);
        assert!(facts.endpoints.is_empty());
        assert_eq!(
            problems(&facts),
            ["an OpenAPI document must be a mapping, found a list"]
        );
        assert_eq!(
            slice(text, facts.problems[0].span),
            "- openapi: 3.0.0\n- paths: {}"
        );
    }

    #[test]
    fn paths_as_a_list_is_a_problem_at_it_and_declares_nothing() {
        let text = "openapi: 3.0.0\npaths:\n  - /posts\n  - /users\n";
        let facts = run("p.yaml", text);
        assert!(facts.endpoints.is_empty());
        assert_eq!(
            problems(&facts),
            ["`paths` must be a mapping, found a list"]
        );
        assert_eq!(slice(text, facts.problems[0].span), "- /posts\n  - /users");
    }

    #[test]
    fn wrong_path_item_and_operation_types_are_reported_and_the_rest_is_read() {
        let text = "\
openapi: 3.0.0
paths:
  /a: [get]
  /b:
    get: yes please
    post: {}
  /c:
    put: {}
";
        let facts = run("w.yaml", text);
        assert_eq!(routes(&facts), pairs(&[("POST", "/b"), ("PUT", "/c")]));
        assert_eq!(
            problems(&facts),
            [
                "path item `/a` must be a mapping, found a list",
                "operation `get /b` must be a mapping, found a string",
            ]
        );
        assert_eq!(slice(text, facts.problems[1].span), "yes please");
    }

    #[test]
    fn malformed_yaml_is_a_parse_problem() {
        let text = "openapi: 3.0.0\npaths:\n  /a: {get: [\n";
        let facts = run("bad.yaml", text);
        assert!(facts.endpoints.is_empty());
        assert_eq!(facts.problems.len(), 1);
        assert!(
            facts.problems[0]
                .message
                .starts_with("OpenAPI document does not parse: "),
            "{:?}",
            facts.problems
        );
        let facts = run("bad.json", "{\"openapi\": \"3.0.0\", \"paths\": {");
        assert_eq!(facts.problems.len(), 1);
        assert!(
            facts.problems[0]
                .message
                .starts_with("OpenAPI document does not parse")
        );
    }

    #[test]
    fn empty_files_give_no_facts() {
        for (path, text) in [
            ("e.yaml", ""),
            ("e.yaml", "\n\n   \n"),
            ("e.yaml", "# only a comment\n---\n"),
            ("e.yml", "~\n"),
            ("e.json", ""),
            ("e.json", "  \n"),
            ("e.json", "\u{feff}\n"),
        ] {
            let facts = run(path, text);
            assert!(facts.is_empty(), "{path} {text:?}: {facts:?}");
        }
    }

    #[test]
    fn binary_garbage_and_invalid_text_do_not_panic() {
        let garbage: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let lossy = String::from_utf8_lossy(&garbage).into_owned();
        let inputs = [
            lossy.as_str(),
            "\u{0}\u{1}\u{2}PNG\r\n\u{1a}\n",
            "openapi: 3.0.0\npaths:\n  /a:\n    get: {\n",
            "{{{{}}}}",
            "openapi: [3.0.0\n",
            "%YAML 9.9\n---\nfoo",
            "openapi: 3.0.0\nservers: {url: /x}\npaths:\n  /a: {get: {servers: 5}}\n",
            "swagger: 2.0\nhost: '[::1]:80'\nbasePath: 7\npaths:\n  /a: {get: {}}\n",
            "openapi: 3.0.0\nservers: [{url: 'http://{h'}, {url: '://'}, 5]\npaths: {}\n",
            "openapi: 3.0.0\npaths:\n  /x: {$ref: '#/%zz/~2/0/99'}\n",
            "openapi: 3.0.0\npaths:\n  /x: {$ref: 5}\n",
        ];
        for text in inputs {
            for path in ["g.yaml", "g.json"] {
                let _ = run(path, text);
            }
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_document() {
        for path in ["bom.yaml", "bom.json"] {
            let text = "\u{feff}{\"openapi\": \"3.0.0\", \"paths\": {\"/a\": {\"get\": {}}}}";
            let facts = run(path, text);
            assert_eq!(problems(&facts), Vec::<&str>::new(), "{path}");
            assert_eq!(routes(&facts), pairs(&[("GET", "/a")]), "{path}");
            assert_eq!(slice(text, facts.endpoints[0].span), "\"/a\"", "{path}");
        }
    }

    #[test]
    fn a_mapping_without_openapi_or_swagger_is_not_an_openapi_document() {
        let text =
            "apiVersion: v1\nkind: Service\nmetadata: {name: blog}\npaths:\n  /a: {get: {}}\n";
        assert!(run("svc.yaml", text).is_empty());
    }

    #[test]
    fn unsupported_versions_are_reported_at_the_value_and_paths_still_read() {
        let text = "openapi: 4.0.0\npaths:\n  /a:\n    get: {}\n";
        let facts = run("v.yaml", text);
        assert_eq!(routes(&facts), pairs(&[("GET", "/a")]));
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(slice(text, facts.problems[0].span), "4.0.0");

        let text = "openapi: 3.0\npaths:\n  /a:\n    get: {}\n";
        let facts = run("v.yaml", text);
        assert_eq!(routes(&facts), pairs(&[("GET", "/a")]));
        assert_eq!(
            problems(&facts),
            ["`openapi` must be a version string such as \"3.1.0\", found a number"]
        );
        assert_eq!(slice(text, facts.problems[0].span), "3.0");

        let text = "swagger: '1.2'\nbasePath: /v0\npaths:\n  /a:\n    get: {}\n";
        let facts = run("v.yaml", text);
        assert_eq!(routes(&facts), pairs(&[("GET", "/v0/a")]));
        assert_eq!(slice(text, facts.problems[0].span), "'1.2'");
    }

    #[test]
    fn localhost_ip_and_template_hosts_name_no_component() {
        let text = "\
openapi: 3.0.0
servers:
  - url: http://localhost:8080/api
  - url: http://127.0.0.1:8080
  - url: http://[::1]:8080
  - url: '{host}/api'
  - url: https://user@Posts.Example.com.:8443/x
  - url: /relative
paths: {}
";
        let facts = run("h.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(bindings(&facts), ["posts.example.com"]);
    }

    #[test]
    fn query_is_an_operation_only_from_openapi_3_2() {
        let item = "paths:\n  /search:\n    query: {}\n    additionalOperations:\n      COPY: {}\n      CONNECT: {}\n";
        let facts = run("q.yaml", &format!("openapi: 3.2.0\n{item}"));
        assert_eq!(
            routes(&facts),
            pairs(&[("QUERY", "/search"), ("CONNECT", "/search")])
        );
        let facts = run("q.yaml", &format!("openapi: 3.1.0\n{item}"));
        assert!(facts.endpoints.is_empty());
    }

    #[test]
    fn extension_keys_and_non_paths_are_ignored() {
        let text = "\
openapi: 3.0.0
paths:
  x-internal:
    get: {}
  relative:
    get: {}
  /a:
    x-handler: foo
    parameters: []
    description: text
    servers: [{url: /base}]
    get: {}
";
        let facts = run("x.yaml", text);
        assert_eq!(problems(&facts), Vec::<&str>::new());
        assert_eq!(routes(&facts), pairs(&[("GET", "/base/a")]));
    }

    #[test]
    fn relative_server_urls_are_taken_from_the_root() {
        assert_eq!(url_path("./v1"), "/v1");
        assert_eq!(url_path("."), "/");
        assert_eq!(url_path("/v1/"), "/v1/");
        assert_eq!(url_path("https://h.example.com"), "");
        assert_eq!(url_path("//h.example.com/a?x=1#f"), "/a");
        assert_eq!(join("/v1/", "/pets"), "/v1/pets");
        assert_eq!(join("/", "/pets"), "/pets");
    }

    /// Reads every OpenAPI file of the shared corpus: none may panic, and the documents the
    /// manifest calls valid (or only semantically wrong) must read without a problem.
    #[test]
    fn every_corpus_spec_reads_and_valid_ones_without_problems() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/openapi");
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/MANIFEST.tsv");
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("corpus not found at {dir}: skipped");
            return;
        };
        let statuses = corpus_statuses(manifest);
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut failures = Vec::new();
        for name in &names {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let status = statuses
                .iter()
                .find(|(file, _)| file == &format!("openapi/{name}"))
                .map_or("unlisted", |(_, s)| s.as_str());
            let outcome = std::panic::catch_unwind(|| run(name, &text));
            match outcome {
                Err(_) => failures.push(format!("{name}: panicked")),
                Ok(facts) => {
                    eprintln!(
                        "{status:>14} {name}: {} endpoints, {} problems",
                        facts.endpoints.len(),
                        facts.problems.len()
                    );
                    let clean = matches!(status, "valid" | "semantic-error");
                    if clean && !facts.problems.is_empty() {
                        failures.push(format!("{name} ({status}): {:?}", problems(&facts)));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
        assert_corpus_routes(
            dir,
            "OAI__OpenAPI-Specification__examples__v3.0__uspto.json",
            &[
                ("GET", "/ds-api/"),
                ("GET", "/ds-api/{dataset}/{version}/fields"),
                ("POST", "/ds-api/{dataset}/{version}/records"),
            ],
        );
        assert_corpus_routes(
            dir,
            "OAI__OpenAPI-Specification__examples__v2.0__json__petstore-expanded.json",
            &[
                ("GET", "/api/pets"),
                ("POST", "/api/pets"),
                ("GET", "/api/pets/{id}"),
                ("DELETE", "/api/pets/{id}"),
            ],
        );
        assert_corpus_routes(
            dir,
            "OAI__OpenAPI-Specification__tests__schema__pass__path-item-object-example.yaml",
            &[("GET", "/pets/{id}"), ("QUERY", "/pets/{id}")],
        );
    }

    /// Pins the endpoints of one corpus file, when it is there.
    fn assert_corpus_routes(dir: &str, name: &str, want: &[(&str, &str)]) {
        let Ok(text) = std::fs::read_to_string(format!("{dir}/{name}")) else {
            return;
        };
        assert_eq!(routes(&run(name, &text)), pairs(want), "{name}");
    }

    /// `(file, first word of the note)` for every manifest row.
    fn corpus_statuses(manifest: &str) -> Vec<(String, String)> {
        let text = std::fs::read_to_string(manifest).unwrap_or_default();
        text.lines()
            .skip(1)
            .filter_map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                let file = cols.get(1)?;
                let note = cols.last()?;
                let status = note.split([':', ' ']).next()?;
                Some(((*file).to_owned(), status.to_owned()))
            })
            .collect()
    }
}
