//! Spring MVC / WebFlux controllers: the endpoints `@RestController` and `@Controller` classes
//! declare with `@RequestMapping` and `@GetMapping`… Reads one Java file; constants used in
//! the annotations are resolved within that file only.
//!
//! Semantics (Spring Framework 6, `PathPatternParser`):
//! - the class-level `@RequestMapping` paths prefix every method-level path (each class path
//!   with each method path); a path without a leading `/` gets one; a method mapping without
//!   a path serves the class path;
//! - `*` is one segment (or a wildcard within one: `*.json`), `**` and `{*rest}` the rest of
//!   the path, `{id}` and `{id:regex}` one segment;
//! - a mapping without `method` (plain `@RequestMapping`) answers every method: it becomes one
//!   endpoint per method of [`Method::ANY_HANDLED`];
//! - controllers in a file that uses Reactor (`Mono`, `Flux`) or `org.springframework.web.reactive`
//!   are WebFlux; the others Spring MVC. Both answer a method miss with 405.
//!
//! The client side of the same annotations: a Spring Cloud OpenFeign interface
//! (`@FeignClient(name = "statistics-service", path = "/api")`) sends each method's mapping to
//! the service of that name (or its `url`), path as written: one call per mapping.
//!
//! Not read: Kotlin controllers (no Kotlin grammar in the build), mappings inherited from an
//! interface or a superclass, custom meta-annotations, functional `RouterFunction` routes.

use crate::sources::syntax::{named_nodes, short};
use tree_sitter::Node;

use crate::model::method::Method;
use crate::model::path::ReqPath;
use crate::model::path::{PatSeg, Pattern};
use crate::source_file::Span;
use crate::sources::{
    facts::CallFact, facts::CallUrl, facts::Dialect, facts::EndpointFact, facts::Facts,
    facts::Framework, facts::Owner, input::Input,
};

/// Reads the controller endpoints of one Java file.
pub fn extract(input: Input<'_>) -> Facts {
    crate::sources::jvm::java::read_with(input, &[read])
}

/// Reads the controller endpoints of one parsed Java file.
pub fn read(input: Input<'_>, root: Node<'_>, facts: &mut Facts) {
    let cx = Ctx {
        input,
        constants: constants(root, input.text),
        classes: class_names(root, input.text),
        framework: if is_reactive(input.text) {
            Framework::SpringWebflux
        } else {
            Framework::SpringMvc
        },
    };
    for n in named_nodes(root) {
        match n.kind() {
            "class_declaration" => cx.class(n, facts),
            "interface_declaration" => cx.feign_client(n, facts),
            _ => {}
        }
    }
}

/// Whether the file uses Reactor or the reactive web stack (then it is a WebFlux app).
pub(crate) fn is_reactive(text: &str) -> bool {
    text.contains("import reactor.core.publisher")
        || text.contains("import org.springframework.web.reactive")
}

struct Ctx<'a> {
    input: Input<'a>,
    /// `static final String BASE = "/api";` (and any other String field or local with a
    /// constant initializer), by simple name: (initializer node's text range).
    constants: Vec<(String, (usize, usize))>,
    /// Names of the classes and interfaces the file declares.
    classes: Vec<String>,
    framework: Framework,
}

/// What a mapping annotation says.
struct Mapping<'t> {
    /// Paths with the node they came from (the annotation itself when there is none).
    paths: Vec<(String, Node<'t>)>,
    /// Empty: every method.
    methods: Vec<Method>,
}

impl Ctx<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        self.input.text.get(n.byte_range()).unwrap_or("")
    }

    fn class(&self, class: Node<'_>, facts: &mut Facts) {
        let annotations = annotations_of(class);
        if let Some(a) = annotations
            .iter()
            .find(|a| simple_name(self.annotation_name(**a)) == "EnableAuthorizationServer")
        {
            self.authorization_server(*a, facts);
        }
        let is_controller = annotations.iter().any(|a| {
            matches!(
                simple_name(self.annotation_name(*a)),
                "RestController" | "Controller"
            )
        });
        if !is_controller {
            return;
        }
        let class_mapping = match annotations
            .iter()
            .find(|a| simple_name(self.annotation_name(**a)) == "RequestMapping")
        {
            Some(a) => match self.mapping(*a, None) {
                Ok(m) => m,
                Err(why) => {
                    facts
                        .unresolved_endpoints
                        .push((self.input.span(a.start_byte(), a.end_byte()), why));
                    return;
                }
            },
            None => Mapping {
                paths: vec![(String::new(), class)],
                methods: Vec::new(),
            },
        };
        let Some(body) = class.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            if m.kind() == "method_declaration" {
                self.handler(m, &class_mapping, facts);
            }
        }
    }

    fn handler(&self, method: Node<'_>, class: &Mapping<'_>, facts: &mut Facts) {
        let name = method
            .child_by_field_name("name")
            .map(|n| self.text(n).to_owned());
        for a in annotations_of(method) {
            let fixed = match simple_name(self.annotation_name(a)) {
                "RequestMapping" => None,
                "GetMapping" => Some(Method::Get),
                "PostMapping" => Some(Method::Post),
                "PutMapping" => Some(Method::Put),
                "PatchMapping" => Some(Method::Patch),
                "DeleteMapping" => Some(Method::Delete),
                _ => continue,
            };
            let span = self.input.span(a.start_byte(), a.end_byte());
            let mapping = match self.mapping(a, fixed) {
                Ok(m) => m,
                Err(why) => {
                    facts.unresolved_endpoints.push((span, why));
                    continue;
                }
            };
            let class_paths: Vec<String> = class.paths.iter().map(|(p, _)| p.clone()).collect();
            let paths: Vec<(String, Span)> = mapping
                .paths
                .iter()
                .map(|(p, at)| (p.clone(), self.input.span(at.start_byte(), at.end_byte())))
                .collect();
            emit(
                &Handler {
                    class_paths: &class_paths,
                    class_methods: &class.methods,
                    paths: &paths,
                    methods: &mapping.methods,
                    operation: name.clone(),
                    method_span: span,
                    framework: self.framework,
                },
                facts,
            );
        }
    }

    /// A `@FeignClient` interface: each mapped method is a request to the named service.
    fn feign_client(&self, iface: Node<'_>, facts: &mut Facts) {
        let Some(a) = annotations_of(iface)
            .into_iter()
            .find(|a| simple_name(self.annotation_name(*a)) == "FeignClient")
        else {
            return;
        };
        let attr = |keys: &[&str]| -> Option<Result<String, String>> {
            let args = a.child_by_field_name("arguments")?;
            let mut cursor = args.walk();
            let found = args.named_children(&mut cursor).find_map(|arg| {
                if arg.kind() == "element_value_pair" {
                    let key = arg.child_by_field_name("key").map(|k| self.text(k))?;
                    keys.contains(&key)
                        .then(|| arg.child_by_field_name("value"))
                        .flatten()
                } else if keys.contains(&"value") && !arg.kind().ends_with("comment") {
                    Some(arg)
                } else {
                    None
                }
            });
            found.map(|v| self.string(v, 0))
        };
        let span = |n: Node<'_>| self.input.span(n.start_byte(), n.end_byte());
        let origin = match attr(&["url"]).or_else(|| attr(&["name", "value"])) {
            Some(Ok(o)) if o.contains("://") => Ok(o.trim_end_matches('/').to_owned()),
            Some(Ok(o)) if !o.is_empty() && !o.contains("${") => Ok(format!("http://{o}")),
            Some(Ok(o)) => Err(format!("the Feign client's service `{o}` is a placeholder")),
            Some(Err(why)) => Err(why),
            None => Err("the Feign client names no service".to_owned()),
        };
        let prefix = match attr(&["path"]) {
            Some(Ok(p)) => Ok(p),
            Some(Err(why)) => Err(why),
            None => Ok(String::new()),
        };
        let Some(body) = iface.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            if m.kind() != "method_declaration" {
                continue;
            }
            for ann in annotations_of(m) {
                let fixed = match simple_name(self.annotation_name(ann)) {
                    "RequestMapping" => None,
                    "GetMapping" => Some(Method::Get),
                    "PostMapping" => Some(Method::Post),
                    "PutMapping" => Some(Method::Put),
                    "PatchMapping" => Some(Method::Patch),
                    "DeleteMapping" => Some(Method::Delete),
                    _ => continue,
                };
                let mapping = self.mapping(ann, fixed);
                let paths = match &mapping {
                    Ok(m) => m.paths.iter().map(|(p, at)| (p.clone(), *at)).collect(),
                    Err(_) => vec![(String::new(), ann)],
                };
                for (path, at) in paths {
                    let url = match (&origin, &prefix, &mapping) {
                        (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => {
                            CallUrl::Unresolved { why: why.clone() }
                        }
                        (Ok(o), Ok(p), Ok(_)) => CallUrl::Resolved {
                            origin: Some(o.clone()),
                            path: ReqPath::parse(&join(p, &path)),
                        },
                    };
                    // One method, or none named: then every method is accepted.
                    let method = match &mapping {
                        Ok(m) if m.methods.len() == 1 => Some(m.methods[0]),
                        _ => fixed,
                    };
                    facts.calls.push(CallFact {
                        method,
                        url,
                        span: span(at),
                        client: "Feign".into(),
                        duplicated: None,
                    });
                }
            }
        }
    }

    /// `@EnableAuthorizationServer` (spring-security-oauth2) installs its endpoints: the
    /// token endpoint answers POST (its GET mapping answers 405 unless configured), the others
    /// any method, and `/oauth/token_key` GET.
    fn authorization_server(&self, a: Node<'_>, facts: &mut Facts) {
        let span = self.input.span(a.start_byte(), a.end_byte());
        let any = Method::ANY_HANDLED.to_vec();
        let table: [(&str, Vec<Method>); 6] = [
            ("/oauth/token", vec![Method::Post]),
            ("/oauth/authorize", any.clone()),
            ("/oauth/check_token", any.clone()),
            ("/oauth/token_key", vec![Method::Get]),
            ("/oauth/confirm_access", any.clone()),
            ("/oauth/error", any),
        ];
        for (path, methods) in table {
            emit(
                &Handler {
                    class_paths: &[String::new()],
                    class_methods: &[],
                    paths: &[(path.to_owned(), span)],
                    methods: &methods,
                    operation: Some("EnableAuthorizationServer".to_owned()),
                    method_span: span,
                    framework: self.framework,
                },
                facts,
            );
        }
    }

    fn annotation_name(&self, a: Node<'_>) -> &str {
        a.child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("")
    }

    /// The paths and methods of a mapping annotation. `fixed`: the method of a
    /// `@GetMapping`-style shortcut.
    fn mapping<'t>(&self, a: Node<'t>, fixed: Option<Method>) -> Result<Mapping<'t>, String> {
        let mut paths = Vec::new();
        let mut methods: Vec<Method> = fixed.into_iter().collect();
        let mut has_path = false;
        if let Some(args) = a.child_by_field_name("arguments") {
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                if arg.kind() == "element_value_pair" {
                    let key = arg
                        .child_by_field_name("key")
                        .map(|k| self.text(k))
                        .unwrap_or("");
                    let Some(value) = arg.child_by_field_name("value") else {
                        continue;
                    };
                    match key {
                        "value" | "path" => {
                            has_path = true;
                            paths.extend(self.strings(value)?);
                        }
                        "method" if fixed.is_none() => methods.extend(self.methods(value)?),
                        _ => {}
                    }
                } else if arg.kind() != "line_comment" && arg.kind() != "block_comment" {
                    has_path = true;
                    paths.extend(self.strings(arg)?);
                }
            }
        }
        if !has_path {
            paths.push((String::new(), a));
        }
        Ok(Mapping { paths, methods })
    }

    /// The strings of an annotation value: a literal, an array of them, a constant, `A + B`.
    fn strings<'t>(&self, v: Node<'t>) -> Result<Vec<(String, Node<'t>)>, String> {
        if v.kind() == "element_value_array_initializer" {
            let mut out = Vec::new();
            let mut cursor = v.walk();
            for item in v.named_children(&mut cursor) {
                if !item.kind().ends_with("comment") {
                    out.extend(self.strings(item)?);
                }
            }
            return Ok(out);
        }
        Ok(vec![(self.string(v, 0)?, v)])
    }

    /// One constant string expression, resolved within the file.
    fn string(&self, v: Node<'_>, depth: usize) -> Result<String, String> {
        let unresolved = || {
            format!(
                "`{}` is not a string constant this file defines",
                short(self.text(v))
            )
        };
        if depth > 16 {
            return Err(unresolved());
        }
        match v.kind() {
            "string_literal" => string_value(self.text(v)).ok_or_else(unresolved),
            "parenthesized_expression" => match v.named_child(0) {
                Some(inner) => self.string(inner, depth + 1),
                None => Err(unresolved()),
            },
            "binary_expression" => {
                let op = v
                    .child_by_field_name("operator")
                    .map(|o| self.text(o))
                    .unwrap_or("");
                let (Some(l), Some(r)) = (
                    v.child_by_field_name("left"),
                    v.child_by_field_name("right"),
                ) else {
                    return Err(unresolved());
                };
                if op != "+" {
                    return Err(unresolved());
                }
                Ok(self.string(l, depth + 1)? + &self.string(r, depth + 1)?)
            }
            "identifier" | "field_access" => {
                let name = match v.kind() {
                    "identifier" => self.text(v),
                    // `C.BASE`, `this.BASE`: only a class this file declares.
                    _ => {
                        let object = v
                            .child_by_field_name("object")
                            .map(|o| simple_name(self.text(o)))
                            .unwrap_or("");
                        if object != "this" && !self.classes.iter().any(|c| c == object) {
                            return Err(unresolved());
                        }
                        v.child_by_field_name("field")
                            .map(|f| self.text(f))
                            .unwrap_or("")
                    }
                };
                let (_, (start, end)) = self
                    .constants
                    .iter()
                    .find(|(n, _)| n == name)
                    .ok_or_else(unresolved)?;
                let init = find_node(v, *start, *end).ok_or_else(unresolved)?;
                self.string(init, depth + 1)
            }
            _ => Err(unresolved()),
        }
    }

    /// `RequestMethod.GET`, `GET` (static import) or an array of them.
    fn methods(&self, v: Node<'_>) -> Result<Vec<Method>, String> {
        match v.kind() {
            "element_value_array_initializer" => {
                let mut out = Vec::new();
                let mut cursor = v.walk();
                for item in v.named_children(&mut cursor) {
                    if !item.kind().ends_with("comment") {
                        out.extend(self.methods(item)?);
                    }
                }
                Ok(out)
            }
            "field_access" | "identifier" => {
                let name = match v.kind() {
                    "identifier" => self.text(v),
                    _ => v
                        .child_by_field_name("field")
                        .map(|f| self.text(f))
                        .unwrap_or(""),
                };
                Method::parse(name)
                    .map(|m| vec![m])
                    .ok_or_else(|| format!("`{}` is not a RequestMethod", short(self.text(v))))
            }
            _ => Err(format!("`{}` is not a RequestMethod", short(self.text(v)))),
        }
    }
}

/// The annotations of a class or method declaration.
fn annotations_of(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = decl.walk();
    for child in decl.named_children(&mut cursor) {
        match child.kind() {
            "modifiers" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|a| matches!(a.kind(), "annotation" | "marker_annotation")),
                );
            }
            "annotation" | "marker_annotation" => out.push(child),
            _ => {}
        }
    }
    out
}

/// `org.springframework.web.bind.annotation.GetMapping` → `GetMapping`.
pub(crate) fn simple_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name).trim()
}

/// Every `String` field or local variable of the file with an initializer, by name, first
/// declaration first.
fn constants(root: Node<'_>, text: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    for n in named_nodes(root) {
        if matches!(n.kind(), "field_declaration" | "local_variable_declaration")
            && n.child_by_field_name("type")
                .and_then(|t| text.get(t.byte_range()))
                .is_some_and(|t| t == "String" || t == "java.lang.String")
        {
            let mut cursor = n.walk();
            for d in n.children_by_field_name("declarator", &mut cursor) {
                if let (Some(name), Some(value)) = (
                    d.child_by_field_name("name"),
                    d.child_by_field_name("value"),
                ) && let Some(name) = text.get(name.byte_range())
                    && !out.iter().any(|(x, _): &(String, _)| x == name)
                {
                    out.push((name.to_owned(), (value.start_byte(), value.end_byte())));
                }
            }
        }
    }
    out
}

/// The names of every class, interface and enum the file declares.
fn class_names(root: Node<'_>, text: &str) -> Vec<String> {
    named_nodes(root)
        .filter(|n| {
            matches!(
                n.kind(),
                "class_declaration" | "interface_declaration" | "enum_declaration"
            )
        })
        .filter_map(|n| text.get(n.child_by_field_name("name")?.byte_range()))
        .map(str::to_owned)
        .collect()
}

/// The node spanning exactly `start..end` in the tree of `any`.
fn find_node(any: Node<'_>, start: usize, end: usize) -> Option<Node<'_>> {
    let mut root = any;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut n = root.descendant_for_byte_range(start, end)?;
    // The smallest node may be a child spanning the same bytes; any of them evaluates alike,
    // but climb to the outermost one so `"a" + B` is read whole.
    while let Some(p) = n.parent() {
        if p.start_byte() == start && p.end_byte() == end {
            n = p;
        } else {
            break;
        }
    }
    (n.start_byte() == start && n.end_byte() == end).then_some(n)
}

/// The value of a Java string literal (`"…"` with the common escapes). Text blocks are not
/// read.
fn string_value(lit: &str) -> Option<String> {
    if lit.starts_with("\"\"\"") {
        return None;
    }
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            c @ ('\\' | '"' | '\'') => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

/// A handler method's mapping, read from Java or Kotlin, with its class's.
pub struct Handler<'h> {
    pub class_paths: &'h [String],
    pub class_methods: &'h [Method],
    /// The method mapping's paths, each with where it is written.
    pub paths: &'h [(String, Span)],
    pub methods: &'h [Method],
    pub operation: Option<String>,
    /// The mapping annotation.
    pub method_span: Span,
    pub framework: Framework,
}

/// The endpoints of a handler: every class path joined with every method path, for the union
/// of the class's and the method's methods (every method when neither names one), as Spring
/// combines them.
pub fn emit(h: &Handler<'_>, facts: &mut Facts) {
    let mut methods = h.class_methods.to_vec();
    for m in h.methods {
        if !methods.contains(m) {
            methods.push(*m);
        }
    }
    if methods.is_empty() {
        methods = Method::ANY_HANDLED.to_vec();
    }
    for cp in h.class_paths {
        for (mp, at) in h.paths {
            let full = join(cp, mp);
            let pattern = match pattern(&full) {
                Ok(p) => p,
                Err(why) => {
                    facts.unresolved_endpoints.push((h.method_span, why));
                    continue;
                }
            };
            for m in &methods {
                facts.endpoints.push(EndpointFact {
                    owner: Owner::File,
                    method: *m,
                    pattern: pattern.clone(),
                    span: *at,
                    method_span: h.method_span,
                    operation_id: h.operation.clone(),
                    dialect: Dialect::Framework(h.framework),
                });
            }
        }
    }
}

/// Joins a class-level and a method-level path as Spring combines them: each gets a leading
/// `/`; an empty side leaves the other; one slash between them.
pub fn join(class: &str, method: &str) -> String {
    let lead = |p: &str| {
        let p = p.trim();
        if p.is_empty() || p.starts_with('/') {
            p.to_owned()
        } else {
            format!("/{p}")
        }
    };
    let (c, m) = (lead(class), lead(method));
    match (c.is_empty(), m.is_empty()) {
        (true, true) => "/".to_owned(),
        (true, false) => m,
        (false, true) => c,
        (false, false) => format!("{}{m}", c.trim_end_matches('/')),
    }
}

/// A Spring `PathPattern` as a [`Pattern`]. `Err` for what Spring 6 rejects at start-up
/// (`**` or `{*rest}` before the end).
pub fn pattern(path: &str) -> Result<Pattern, String> {
    let trailing_slash = path.len() > 1 && path.ends_with('/');
    let raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut segs = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let last = i + 1 == raw.len();
        let seg = if *s == "**" {
            PatSeg::Rest("**".to_owned())
        } else if let Some(name) = s.strip_prefix("{*").and_then(|r| r.strip_suffix('}')) {
            PatSeg::Rest(name.to_owned())
        } else if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}'))
            && let name = inner.split(':').next().unwrap_or(inner)
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            PatSeg::Param(name.to_owned())
        } else if s.contains(['*', '?', '{']) {
            PatSeg::Glob(glob_of(s))
        } else {
            PatSeg::Lit((*s).to_owned())
        };
        if matches!(seg, PatSeg::Rest(_)) && !last {
            return Err(format!(
                "`{path}`: Spring 6 rejects `**` or `{{*…}}` before the end of a pattern"
            ));
        }
        segs.push(seg);
    }
    Ok(Pattern {
        segs,
        trailing_slash,
        ..Pattern::default()
    })
}

/// A segment with wildcards or variables inside it (`{name}.{ext}`, `file?.txt`): variables
/// become `*`.
fn glob_of(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push('*');
                }
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Facts {
        extract(crate::sources::testing::test_input(
            "src/main/java/x/Controller.java",
            text,
        ))
    }

    /// `METHOD /path` per endpoint, the methods of one mapping joined (`GET,POST /x`).
    fn endpoints(text: &str) -> Vec<String> {
        let f = read(text);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for e in &f.endpoints {
            let key = format!("{} {}", e.pattern, e.operation_id.as_deref().unwrap_or("-"));
            let key = format!("{key}@{}", e.span.start);
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ms)) => ms.push(e.method.to_string()),
                None => out.push((key, vec![e.method.to_string()])),
            }
        }
        out.into_iter()
            .map(|(k, ms)| {
                let path = k.split(' ').next().unwrap_or("").to_owned();
                let ms = if ms.len() == Method::ANY_HANDLED.len() {
                    "ANY".to_owned()
                } else {
                    ms.join(",")
                };
                format!("{ms} {path}")
            })
            .collect()
    }

    fn controller(class_ann: &str, body: &str) -> String {
        format!(
            "package x;\nimport org.springframework.web.bind.annotation.*;\n\n@RestController\n{class_ann}\nclass C {{\n{body}\n}}\n"
        )
    }

    #[test]
    fn mapping_annotations_become_endpoints() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("", "@GetMapping(\"/owners\") void a() {}", &["GET /owners"]),
            (
                "@RequestMapping(\"/api\")",
                "@GetMapping(\"/{id}\") void a() {}",
                &["GET /api/{id}"],
            ),
            // No path on the method: the class path.
            (
                "@RequestMapping(\"/owners\")",
                "@PostMapping void a() {}",
                &["POST /owners"],
            ),
            // Without a leading slash, joined with one.
            (
                "@RequestMapping(\"api/\")",
                "@PutMapping(value = \"x\") void a() {}",
                &["PUT /api/x"],
            ),
            (
                "@RequestMapping(value = {\"/a\", \"/b\"})",
                "@DeleteMapping(path = {\"/x\", \"/y\"}) void a() {}",
                &["DELETE /a/x", "DELETE /a/y", "DELETE /b/x", "DELETE /b/y"],
            ),
            (
                "@RequestMapping(path = \"/v\")",
                "@RequestMapping(value = \"/r\", method = RequestMethod.GET) void a() {}",
                &["GET /v/r"],
            ),
            (
                "",
                "@RequestMapping(value = \"/r\", method = {RequestMethod.GET, RequestMethod.POST}) void a() {}",
                &["GET,POST /r"],
            ),
            // No method: every method.
            ("", "@RequestMapping(\"/any\") void a() {}", &["ANY /any"]),
            ("", "@PatchMapping(\"/p/\") void a() {}", &["PATCH /p/"]),
            (
                "",
                "@GetMapping(\"/owners/*/pets/{petId}\") void a() {}",
                &["GET /owners/*/pets/{petId}"],
            ),
            (
                "",
                "@GetMapping(\"/files/**\") void a() {}",
                &["GET /files/{**...}"],
            ),
            (
                "",
                "@GetMapping(\"/files/{*rest}\") void a() {}",
                &["GET /files/{rest...}"],
            ),
            (
                "",
                "@GetMapping(\"/v/{id:\\\\d+}\") void a() {}",
                &["GET /v/{id}"],
            ),
            (
                "",
                "@GetMapping(\"/f/{name}.{ext}\") void a() {}",
                &["GET /f/*.*"],
            ),
            // Class-level `method` combines with the method's.
            (
                "@RequestMapping(value = \"/c\", method = RequestMethod.GET)",
                "@PostMapping(\"/x\") void a() {}",
                &["GET,POST /c/x"],
            ),
            // Qualified annotations.
            (
                "",
                "@org.springframework.web.bind.annotation.GetMapping(\"/q\") void a() {}",
                &["GET /q"],
            ),
            ("", "@GetMapping void a() {}", &["GET /"]),
        ];
        for (class_ann, body, want) in cases {
            assert_eq!(
                endpoints(&controller(class_ann, body)),
                *want,
                "{class_ann} {body}"
            );
        }
    }

    #[test]
    fn constants_of_the_file_resolve_and_others_stay_unresolved() {
        let text = "package x;\n@RestController\n@RequestMapping(C.BASE)\nclass C {\n  static final String BASE = \"/api\";\n  private static final String OWNERS = BASE + \"/owners\";\n  @GetMapping(OWNERS + \"/{id}\") void a() {}\n  @GetMapping(Paths.BASE) void b() {}\n}\n";
        let f = read(text);
        let got: Vec<String> = f
            .endpoints
            .iter()
            .map(|e| format!("{} {}", e.method, e.pattern))
            .collect();
        // `Paths.BASE` is another class's constant, even if this file has a `BASE` too.
        assert_eq!(got, ["GET /api/api/owners/{id}"]);
        assert_eq!(f.unresolved_endpoints.len(), 1);
        assert_eq!(
            f.unresolved_endpoints[0].1,
            "`Paths.BASE` is not a string constant this file defines"
        );
        assert_eq!(
            &text[f.unresolved_endpoints[0].0.start as usize..][..11],
            "@GetMapping"
        );
    }

    #[test]
    fn feign_clients_send_their_mappings_to_the_named_service() {
        let text = "package x;\n@FeignClient(name = \"statistics-service\", path = \"/api\")\ninterface S {\n  @RequestMapping(method = RequestMethod.PUT, value = \"/statistics/{accountName}\")\n  void put(String a);\n  @GetMapping(\"/rates\") String rates();\n  @RequestMapping(\"/any\") String any();\n}\n@FeignClient(value = \"rates\", url = \"https://api.example.com/\")\ninterface R { @GetMapping(\"/latest\") String latest(); }\n@FeignClient(name = \"${svc.name}\")\ninterface P { @GetMapping(\"/p\") String p(); }\ninterface NotFeign { @GetMapping(\"/x\") String x(); }\n";
        let f = read(text);
        let got: Vec<String> = f
            .calls
            .iter()
            .map(|c| {
                let m = c.method.map_or("ANY", |m| m.as_str());
                match &c.url {
                    CallUrl::Resolved { origin, path } => {
                        format!("{m} {}{path}", origin.as_deref().unwrap_or(""))
                    }
                    CallUrl::Unresolved { why } => format!("{m} ? {why}"),
                }
            })
            .collect();
        assert_eq!(
            got,
            [
                "PUT http://statistics-service/api/statistics/{accountName}",
                "GET http://statistics-service/api/rates",
                "ANY http://statistics-service/api/any",
                "GET https://api.example.com/latest",
                "GET ? the Feign client's service `${svc.name}` is a placeholder",
            ]
        );
        assert!(f.endpoints.is_empty());
    }

    #[test]
    fn only_controllers_declare_endpoints() {
        let text = "@Service\nclass S { @GetMapping(\"/x\") void a() {} }\n@Controller\nclass W { @GetMapping(\"/page\") String p() { return \"v\"; } }\ninterface I { @GetMapping(\"/i\") void i(); }\n";
        let f = read(text);
        let got: Vec<String> = f.endpoints.iter().map(|e| e.pattern.to_string()).collect();
        assert_eq!(got, ["/page"]);
    }

    #[test]
    fn reactor_imports_make_a_webflux_controller() {
        let text = "import reactor.core.publisher.Mono;\n@RestController\nclass C { @GetMapping(\"/m\") Mono<String> m() { return null; } }\n";
        let f = read(text);
        assert_eq!(
            f.endpoints[0].dialect,
            Dialect::Framework(Framework::SpringWebflux)
        );
        let f =
            read("@RestController\nclass C { @GetMapping(\"/m\") String m() { return null; } }\n");
        assert_eq!(
            f.endpoints[0].dialect,
            Dialect::Framework(Framework::SpringMvc)
        );
    }

    #[test]
    fn a_double_star_before_the_end_is_unresolved() {
        let f = read("@RestController\nclass C { @GetMapping(\"/a/**/b\") void m() {} }\n");
        assert!(f.endpoints.is_empty());
        assert_eq!(
            f.unresolved_endpoints[0].1,
            "`/a/**/b`: Spring 6 rejects `**` or `{*…}` before the end of a pattern"
        );
    }

    #[test]
    fn unparseable_java_is_a_problem_at_the_first_error_and_the_rest_is_read() {
        let text =
            "@RestController\nclass C {\n  @GetMapping(\"/ok\") void a() {}\n  void b( {\n}\n";
        let f = read(text);
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!(f.problems[0].message.starts_with("Java syntax error"));
        assert!(f.problems[0].span.end as usize <= text.len());
        for junk in [
            "",
            "@",
            "@RestController class",
            "class { @GetMapping(",
            "\"\\",
        ] {
            let f = read(junk);
            assert!(f.problems.iter().all(|p| p.span.end as usize <= junk.len()));
        }
    }

    #[test]
    fn paths_join_as_spring_combines_them() {
        let cases = [
            ("", "", "/"),
            ("/api", "", "/api"),
            ("", "x", "/x"),
            ("/api/", "/x", "/api/x"),
            ("api", "/", "/api/"),
            ("/api", "/x/", "/api/x/"),
        ];
        for (c, m, want) in cases {
            assert_eq!(join(c, m), want, "{c:?} + {m:?}");
        }
    }

    proptest::proptest! {
        /// Java-shaped token soup: no panic, every span inside the text.
        #[test]
        fn any_java_soup_reads_without_a_panic(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "@RestController\n", "@Controller ", "@RequestMapping(", "@GetMapping(",
                "@PostMapping", "value = ", "path = ", "method = ", "RequestMethod.GET",
                "{", "}", "(", ")", ",", "\"/a/{id}\"", "\"*\"", "\"/**\"", "\"{*r}\"",
                "BASE", " + ", "C.BASE", "static final String BASE = \"/b\";", "class C ",
                "void m() {}", "\"\\", "\"\"\"", ";", "\n", "interface I ",
            ]),
            0..40,
        )) {
            let text = parts.concat();
            let f = read(&text);
            let ok = |s: crate::source_file::Span| s.start <= s.end && s.end as usize <= text.len();
            proptest::prop_assert!(f.problems.iter().all(|p| ok(p.span)));
            proptest::prop_assert!(f.endpoints.iter().all(|e| ok(e.span) && ok(e.method_span)));
            proptest::prop_assert!(f.unresolved_endpoints.iter().all(|(s, _)| ok(*s)));
        }
    }
}
