//! One Go file indexed for the evaluator ([`Ctx`]): its imports, top-level functions,
//! function scopes, assignments (to names, package-level variables and struct fields), calls
//! and composite literals, in one iterative pass over the tree; plus the lookups over that
//! index (package paths, enclosing scopes, parameters, lines). Reads the tree only: following
//! values is [`super::eval`]'s.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::source_file::Span;
use crate::sources::go::budget::Budget;
use crate::sources::go::tree::{Loc, named_children, param_list_names, params, string_value};
use crate::sources::input::Input;

/// An assignment `name = rhs` (or `:=`, `var`, `const`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Assign<'t> {
    /// End of the statement: the value is visible to uses after it.
    pub(crate) pos: usize,
    pub(crate) rhs: Option<Node<'t>>,
    /// `:=`, `var` or `const` (declares); `=` assigns an existing variable.
    pub(crate) declares: bool,
}

/// A function body (declaration, method or literal) and the one around it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'t> {
    pub(crate) node: Node<'t>,
    pub(crate) parent: Option<usize>,
}

/// The indexed file; the evaluator over it is in [`super::eval`].
pub(crate) struct Ctx<'t> {
    pub(crate) input: Input<'t>,
    pub(crate) src: &'t str,
    /// Local package name → import path.
    pub(crate) imports: HashMap<String, String>,
    pub(crate) imported_paths: HashSet<String>,
    /// Top-level `func name(...)` declarations.
    pub(crate) funcs: HashMap<&'t str, Node<'t>>,
    /// Function-like nodes in source order.
    pub(crate) scopes: Vec<Scope<'t>>,
    /// Assignments to plain names by (name, scope index; `None` is package level).
    pub(crate) assigns: HashMap<(&'t str, Option<usize>), Vec<Assign<'t>>>,
    /// Assignments to plain names inside functions, by name (for package-level variables).
    pub(crate) inner_assigns: HashMap<&'t str, Vec<Assign<'t>>>,
    /// Assignments to struct fields by selector text (`s.mux`), file-wide.
    pub(crate) field_assigns: HashMap<&'t str, Vec<Assign<'t>>>,
    /// Package-level variables declared without a value (assigned inside functions).
    pub(crate) globals: HashSet<&'t str>,
    /// Calls of a plain identifier, by name.
    pub(crate) call_sites: HashMap<&'t str, Vec<Node<'t>>>,
    pub(crate) calls: Vec<Node<'t>>,
    pub(crate) composites: Vec<Node<'t>>,
    /// Byte offsets where lines start.
    pub(crate) line_starts: Vec<usize>,
    /// The step budget of the questions asked about this file.
    pub(crate) budget: Budget,
}

impl<'t> Ctx<'t> {
    /// Indexes the file whose tree is `root`.
    pub(crate) fn new(input: Input<'t>, root: Node<'t>) -> Ctx<'t> {
        let mut ctx = Ctx {
            input,
            src: input.text,
            imports: HashMap::new(),
            imported_paths: HashSet::new(),
            funcs: HashMap::new(),
            scopes: Vec::new(),
            assigns: HashMap::new(),
            inner_assigns: HashMap::new(),
            field_assigns: HashMap::new(),
            globals: HashSet::new(),
            call_sites: HashMap::new(),
            calls: Vec::new(),
            composites: Vec::new(),
            line_starts: std::iter::once(0)
                .chain(input.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            budget: Budget::default(),
        };
        ctx.index(root);
        ctx
    }

    /// The source text of a node (`""` if the range is not in the file).
    pub(crate) fn text(&self, n: Node<'t>) -> &'t str {
        self.src.get(n.byte_range()).unwrap_or("")
    }

    /// A byte range of this file as a span of its input.
    pub(crate) fn span(&self, loc: Loc) -> Span {
        self.input.span(loc.start, loc.end)
    }

    /// One iterative pass over the tree (no recursion, so any nesting depth is fine).
    fn index(&mut self, root: Node<'t>) {
        let mut stack: Vec<(Node<'t>, Option<usize>)> = vec![(root, None)];
        while let Some((n, scope)) = stack.pop() {
            let mut inner = scope;
            match n.kind() {
                "import_spec" => self.index_import(n),
                "function_declaration" | "method_declaration" | "func_literal" => {
                    if n.kind() == "function_declaration"
                        && let Some(name) = n.child_by_field_name("name")
                    {
                        self.funcs.entry(self.text(name)).or_insert(n);
                    }
                    self.scopes.push(Scope {
                        node: n,
                        parent: scope,
                    });
                    inner = Some(self.scopes.len() - 1);
                }
                "short_var_declaration" => self.index_assign(n, scope, true),
                "assignment_statement" => {
                    let op = n.child_by_field_name("operator").map(|o| self.text(o));
                    if op == Some("=") {
                        self.index_assign(n, scope, false);
                    }
                }
                "var_spec" | "const_spec" => self.index_spec(n, scope),
                "call_expression" => {
                    self.calls.push(n);
                    if let Some(f) = n.child_by_field_name("function")
                        && f.kind() == "identifier"
                    {
                        self.call_sites.entry(self.text(f)).or_default().push(n);
                    }
                }
                "composite_literal" => self.composites.push(n),
                _ => {}
            }
            let mut cursor = n.walk();
            let kids: Vec<Node<'t>> = n.children(&mut cursor).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, inner));
            }
        }
    }

    fn index_import(&mut self, n: Node<'t>) {
        let Some(path) = n
            .child_by_field_name("path")
            .and_then(|p| string_value(self.text(p)))
        else {
            return;
        };
        let local = match n.child_by_field_name("name") {
            Some(name) => self.text(name),
            // `github.com/go-chi/chi/v5` is package `chi`: a major-version suffix is not
            // the package name.
            None => {
                let mut parts = path.rsplit('/');
                let last = parts.next().unwrap_or("");
                let versioned = last.len() > 1
                    && last.starts_with('v')
                    && last[1..].chars().all(|c| c.is_ascii_digit());
                match parts.next() {
                    Some(prev) if versioned => prev,
                    _ => last,
                }
            }
        };
        if !local.is_empty() && local != "_" && local != "." {
            self.imports.insert(local.to_owned(), path.clone());
        }
        self.imported_paths.insert(path);
    }

    fn index_assign(&mut self, n: Node<'t>, scope: Option<usize>, declares: bool) {
        let lhs = named_children(n.child_by_field_name("left"));
        let rhs = named_children(n.child_by_field_name("right"));
        self.add_assigns(&lhs, &rhs, n.end_byte(), scope, declares);
    }

    fn index_spec(&mut self, n: Node<'t>, scope: Option<usize>) {
        let mut cursor = n.walk();
        let names: Vec<Node<'t>> = n.children_by_field_name("name", &mut cursor).collect();
        let value = n.child_by_field_name("value");
        if value.is_none() {
            if scope.is_none() && n.kind() == "var_spec" {
                for name in names {
                    self.globals.insert(self.text(name));
                }
            }
            return;
        }
        let rhs = named_children(value);
        self.add_assigns(&names, &rhs, n.end_byte(), scope, true);
    }

    fn add_assigns(
        &mut self,
        lhs: &[Node<'t>],
        rhs: &[Node<'t>],
        pos: usize,
        scope: Option<usize>,
        declares: bool,
    ) {
        for (i, l) in lhs.iter().enumerate() {
            if !matches!(l.kind(), "identifier" | "selector_expression") {
                continue;
            }
            let key = self.text(*l);
            if key == "_" || key.is_empty() {
                continue;
            }
            let value = if lhs.len() == rhs.len() {
                rhs.get(i).copied()
            } else if i == 0 && rhs.len() == 1 {
                // `u, err := url.Parse(...)`: the first result.
                rhs.first().copied()
            } else {
                None
            };
            let a = Assign {
                pos,
                rhs: value,
                declares,
            };
            if l.kind() == "selector_expression" {
                self.field_assigns.entry(key).or_default().push(a);
                continue;
            }
            if scope.is_some() {
                self.inner_assigns.entry(key).or_default().push(a);
            }
            self.assigns.entry((key, scope)).or_default().push(a);
        }
    }

    /// The import path of a package name used in this file. Without an import (a fragment
    /// that does not parse), the standard names are assumed.
    pub(crate) fn pkg_path(&self, name: &str) -> Option<&str> {
        if let Some(p) = self.imports.get(name) {
            return Some(p.as_str());
        }
        let std = match name {
            "http" => "net/http",
            "httputil" => "net/http/httputil",
            "url" => "net/url",
            "os" => "os",
            "strings" => "strings",
            _ => return None,
        };
        (!self.imported_paths.contains(std)).then_some(std)
    }

    /// `pkg.Name` as (import path, name) when `n` is a selector on a package.
    pub(crate) fn qualified(&self, n: Node<'t>) -> Option<(&str, &'t str)> {
        if n.kind() != "selector_expression" {
            return None;
        }
        let operand = n.child_by_field_name("operand")?;
        if operand.kind() != "identifier" {
            return None;
        }
        let field = n.child_by_field_name("field")?;
        let path = self.pkg_path(self.text(operand))?;
        Some((path, self.text(field)))
    }

    /// The function-like scopes around byte `pos`, innermost first.
    pub(crate) fn enclosing(&self, pos: usize) -> Vec<usize> {
        let idx = self.scopes.partition_point(|s| s.node.start_byte() <= pos);
        let mut out = Vec::new();
        let mut cur = idx.checked_sub(1);
        while let Some(i) = cur {
            let Some(s) = self.scopes.get(i) else { break };
            if s.node.start_byte() <= pos && pos < s.node.end_byte() {
                out.push(i);
            }
            cur = s.parent;
        }
        out
    }

    /// The parameter of scope `s` named `name`: its node and its position among the
    /// parameters (`None` for receivers and named results).
    pub(crate) fn param_named(&self, s: Node<'t>, name: &str) -> Option<(Node<'t>, Option<usize>)> {
        if let Some(i) = params(s).iter().position(|p| self.text(*p) == name) {
            return params(s).get(i).map(|p| (*p, Some(i)));
        }
        for field in ["receiver", "result"] {
            let Some(list) = s.child_by_field_name(field) else {
                continue;
            };
            if list.kind() != "parameter_list" {
                continue;
            }
            if let Some(p) = param_list_names(list)
                .into_iter()
                .find(|p| self.text(*p) == name)
            {
                return Some((p, None));
            }
        }
        None
    }

    /// The 1-based line of byte `pos`.
    pub(crate) fn line_of(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= pos).max(1)
    }
}
