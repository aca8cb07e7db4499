//! Kotlin sources (tree-sitter-kotlin-ng): Spring `@RestController` / `@Controller` classes and
//! their mappings, joined and emitted exactly as the Java reader does
//! ([`crate::sources::service::spring_mvc::emit`]). The `RouteLocatorBuilder` Kotlin DSL is not
//! read.

use tree_sitter::Node;

use crate::model::method::Method;
use crate::source_file::Span;
use crate::sources::service::spring_mvc::{Handler, emit, is_reactive, simple_name};
use crate::sources::syntax::{named_nodes, short};
use crate::sources::{facts::Facts, facts::Framework, input::Input};

/// How deep a constant may refer to other constants.
const MAX_DEPTH: usize = 16;

/// Whether a Kotlin file may declare routes or an error handler (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    crate::sources::jvm::java::sniff(text)
}

/// Reads the controller endpoints of one Kotlin file.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    let Some(tree) =
        crate::sources::syntax::parse(&tree_sitter_kotlin_ng::LANGUAGE.into(), input.text)
    else {
        return facts;
    };
    let root = tree.root_node();
    facts
        .problems
        .extend(crate::sources::syntax::problem(root, input, "Kotlin"));
    let cx = Cx {
        input,
        constants: constants(root, input.text),
        framework: if is_reactive(input.text) {
            Framework::SpringWebflux
        } else {
            Framework::SpringMvc
        },
    };
    for n in named_nodes(root).filter(|n| n.kind() == "class_declaration") {
        cx.class(n, &mut facts);
    }
    facts
}

struct Cx<'a> {
    input: Input<'a>,
    /// `const val BASE = "/api"` and other `val`s initialised with a string, by name.
    constants: Vec<(String, String)>,
    framework: Framework,
}

/// A mapping annotation's paths (with their spans) and methods.
struct Mapping {
    paths: Vec<(String, Span)>,
    methods: Vec<Method>,
}

impl Cx<'_> {
    fn text(&self, n: Node<'_>) -> &str {
        self.input.text.get(n.byte_range()).unwrap_or("")
    }

    fn span(&self, n: Node<'_>) -> Span {
        self.input.span(n.start_byte(), n.end_byte())
    }

    fn class(&self, class: Node<'_>, facts: &mut Facts) {
        let annotations = annotations_of(class);
        if !annotations
            .iter()
            .any(|a| matches!(self.name(*a), "RestController" | "Controller"))
        {
            return;
        }
        let class_mapping = match annotations
            .iter()
            .find(|a| self.name(**a) == "RequestMapping")
        {
            Some(a) => match self.mapping(*a, None) {
                Ok(m) => m,
                Err(why) => {
                    facts.unresolved_endpoints.push((self.span(*a), why));
                    return;
                }
            },
            None => Mapping {
                paths: vec![(String::new(), self.span(class))],
                methods: Vec::new(),
            },
        };
        let class_paths: Vec<String> = class_mapping.paths.iter().map(|(p, _)| p.clone()).collect();
        let mut cursor = class.walk();
        let Some(body) = class
            .named_children(&mut cursor)
            .find(|c| c.kind() == "class_body")
        else {
            return;
        };
        let mut cursor = body.walk();
        for f in body
            .named_children(&mut cursor)
            .filter(|f| f.kind() == "function_declaration")
        {
            let operation = f
                .child_by_field_name("name")
                .map(|n| self.text(n).to_owned());
            for a in annotations_of(f) {
                let fixed = match self.name(a) {
                    "RequestMapping" => None,
                    "GetMapping" => Some(Method::Get),
                    "PostMapping" => Some(Method::Post),
                    "PutMapping" => Some(Method::Put),
                    "PatchMapping" => Some(Method::Patch),
                    "DeleteMapping" => Some(Method::Delete),
                    _ => continue,
                };
                match self.mapping(a, fixed) {
                    Ok(m) => emit(
                        &Handler {
                            class_paths: &class_paths,
                            class_methods: &class_mapping.methods,
                            paths: &m.paths,
                            methods: &m.methods,
                            operation: operation.clone(),
                            method_span: self.span(a),
                            framework: self.framework,
                        },
                        facts,
                    ),
                    Err(why) => facts.unresolved_endpoints.push((self.span(a), why)),
                }
            }
        }
    }

    /// The simple name of an annotation (`RestController`, `GetMapping`).
    fn name(&self, a: Node<'_>) -> &str {
        let ty = first_of(a, "user_type").or_else(|| {
            first_of(a, "constructor_invocation").and_then(|c| first_of(c, "user_type"))
        });
        simple_name(ty.map(|t| self.text(t)).unwrap_or(""))
    }

    /// The paths and methods of a mapping annotation; `fixed`: a shortcut's method.
    fn mapping(&self, a: Node<'_>, fixed: Option<Method>) -> Result<Mapping, String> {
        let mut paths = Vec::new();
        let mut methods: Vec<Method> = fixed.into_iter().collect();
        let mut has_path = false;
        let args =
            first_of(a, "constructor_invocation").and_then(|c| first_of(c, "value_arguments"));
        if let Some(args) = args {
            let mut cursor = args.walk();
            for arg in args
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "value_argument")
            {
                // `name = value`, or a positional value.
                let parts: Vec<Node<'_>> = {
                    let mut c = arg.walk();
                    arg.named_children(&mut c).collect()
                };
                let named = arg.children(&mut arg.walk()).any(|c| self.text(c) == "=");
                let (key, value) = match (named, parts.as_slice()) {
                    (true, [k, v]) => (self.text(*k), *v),
                    (false, [v]) => ("value", *v),
                    _ => continue,
                };
                match key {
                    "value" | "path" => {
                        has_path = true;
                        for v in items(value) {
                            paths.push((self.string(v, 0)?, self.span(v)));
                        }
                    }
                    "method" if fixed.is_none() => {
                        for v in items(value) {
                            let name = self.text(v).rsplit('.').next().unwrap_or("");
                            methods.push(Method::parse(name).ok_or_else(|| {
                                format!("`{}` is not a RequestMethod", short(self.text(v)))
                            })?);
                        }
                    }
                    _ => {}
                }
            }
        }
        if !has_path {
            paths.push((String::new(), self.span(a)));
        }
        Ok(Mapping { paths, methods })
    }

    /// A constant string: a literal (with `$NAME` / `${NAME}` templates of file constants),
    /// a constant's name, or `A + B`.
    fn string(&self, v: Node<'_>, depth: usize) -> Result<String, String> {
        let unresolved = || {
            format!(
                "`{}` is not a string constant this file defines",
                short(self.text(v))
            )
        };
        if depth > MAX_DEPTH {
            return Err(unresolved());
        }
        match v.kind() {
            "string_literal" => {
                let raw = self.text(v);
                let inner = raw
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .ok_or_else(unresolved)?;
                self.template(inner, depth).ok_or_else(unresolved)
            }
            "identifier" => {
                let name = self.text(v);
                let value = self
                    .constants
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, s)| s.clone())
                    .ok_or_else(unresolved)?;
                self.template(&value, depth + 1).ok_or_else(unresolved)
            }
            "parenthesized_expression" => match v.named_child(0) {
                Some(inner) => self.string(inner, depth + 1),
                None => Err(unresolved()),
            },
            "additive_expression" => {
                let mut cursor = v.walk();
                let kids: Vec<Node<'_>> = v.named_children(&mut cursor).collect();
                match kids.as_slice() {
                    [l, r] if self.text(v).contains('+') => {
                        Ok(self.string(*l, depth + 1)? + &self.string(*r, depth + 1)?)
                    }
                    _ => Err(unresolved()),
                }
            }
            _ => Err(unresolved()),
        }
    }

    /// A string literal's content with its `$NAME` / `${NAME}` parts replaced by file
    /// constants; `None` when one is not a constant (or the literal has escapes).
    fn template(&self, s: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH || s.contains('\\') {
            return None;
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, tail) = if let Some(b) = after.strip_prefix('{') {
                let end = b.find('}')?;
                (&b[..end], &b[end + 1..])
            } else {
                let end = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            let value = &self.constants.iter().find(|(n, _)| n == name)?.1;
            out.push_str(&self.template(value, depth + 1)?);
            rest = tail;
        }
        out.push_str(rest);
        Some(out)
    }
}

/// The first named child of a kind.
fn first_of<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor).find(|c| c.kind() == kind)
}

/// The annotations in a declaration's `modifiers`.
fn annotations_of(decl: Node<'_>) -> Vec<Node<'_>> {
    let Some(mods) = first_of(decl, "modifiers") else {
        return Vec::new();
    };
    let mut cursor = mods.walk();
    mods.named_children(&mut cursor)
        .filter(|a| a.kind() == "annotation")
        .collect()
}

/// The elements of an annotation value: a collection literal `[a, b]`, `arrayOf(a, b)`, or
/// the value itself.
fn items(v: Node<'_>) -> Vec<Node<'_>> {
    let list = match v.kind() {
        "collection_literal" => Some(v),
        "call_expression" => first_of(v, "value_arguments"),
        _ => None,
    };
    let Some(list) = list else {
        return vec![v];
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .map(|c| {
            if c.kind() == "value_argument" {
                c.named_child(c.named_child_count().saturating_sub(1))
                    .unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// `val NAME = "literal"` anywhere in the file (top level, objects, companion objects),
/// keeping the literal's content unexpanded.
fn constants(root: Node<'_>, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for n in named_nodes(root) {
        if n.kind() == "property_declaration"
            && let (Some(var), Some(lit)) = (
                first_of(n, "variable_declaration"),
                first_of(n, "string_literal"),
            )
            && let Some(name) = first_of(var, "identifier")
            && let Some(lit) = text.get(lit.byte_range())
            && let Some(inner) = lit.strip_prefix('"').and_then(|l| l.strip_suffix('"'))
            && let Some(name) = text.get(name.byte_range())
        {
            out.push((name.to_owned(), inner.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(text: &str) -> Vec<String> {
        let f = extract(crate::sources::testing::test_input(
            "OwnerResource.kt",
            text,
        ));
        let mut out: Vec<String> = f
            .endpoints
            .iter()
            .map(|e| {
                format!(
                    "{} {} @{}",
                    e.method.as_str(),
                    e.pattern,
                    &text[e.span.start as usize..e.span.end as usize]
                )
            })
            .collect();
        out.extend(
            f.unresolved_endpoints
                .iter()
                .map(|(_, why)| format!("? {why}")),
        );
        out.extend(f.problems.iter().map(|p| format!("! {}", p.message)));
        out
    }

    #[test]
    fn kotlin_controllers_join_class_and_method_mappings() {
        let text = r#"package org.example.customers

const val API = "/api"

@RestController
@RequestMapping("$API/owners", produces = ["application/json"])
class OwnerResource(private val repo: OwnerRepository) {

    @GetMapping("/{ownerId}")
    fun find(@PathVariable ownerId: Int): Owner = repo.find(ownerId)

    @PostMapping
    fun create(@RequestBody owner: Owner) = repo.save(owner)

    @RequestMapping(value = ["/a", "/b"], method = [RequestMethod.PUT])
    fun update() {}

    @DeleteMapping(path = ["${API}x/{id}"])
    fun remove(@PathVariable id: Int) {}

    @GetMapping(Other.PATH)
    fun other() {}

    fun helper() = 1
}

class NotAController {
    @GetMapping("/ignored")
    fun x() {}
}
"#;
        assert_eq!(
            endpoints(text),
            [
                "GET /api/owners/{ownerId} @\"/{ownerId}\"",
                "POST /api/owners @@PostMapping",
                "PUT /api/owners/a @\"/a\"",
                "PUT /api/owners/b @\"/b\"",
                "DELETE /api/owners/apix/{id} @\"${API}x/{id}\"",
                "? `Other.PATH` is not a string constant this file defines",
            ]
        );
    }

    #[test]
    fn unparseable_kotlin_is_a_problem_and_what_parsed_is_read() {
        let text = "@RestController\nclass A {\n  @GetMapping(\"/x\")\n  fun x() {}\n}\nclass B { fun ( }\n";
        let got = endpoints(text);
        assert_eq!(got.first().map(String::as_str), Some("GET /x @\"/x\""));
        assert!(
            got.iter().any(|l| l.starts_with("! Kotlin syntax error")),
            "{got:?}"
        );
        assert!(endpoints("").is_empty());
        assert!(
            endpoints("\u{0}\u{1}@@@ class {{{{")
                .iter()
                .all(|l| l.starts_with('!'))
        );
    }
}
