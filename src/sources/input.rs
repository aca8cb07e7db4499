//! What a reader is given: one file (its path, text and id), or a project's files as the read
//! phase kept them, and the `[client]` settings of `routelint.toml`.

use crate::source_file::{FileId, Span};
use crate::sources::facts::Facts;

/// What an extractor is given: one file.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub file: FileId,
    /// Display path relative to the checked root, `/`-separated (`api-gateway/main.go`).
    pub path: &'a str,
    pub text: &'a str,
}

impl Input<'_> {
    /// A span from byte offsets within this file.
    /// Offsets of nodes a kustomize patch brought in carry their file above 32 bits
    /// ([`crate::tree::ORIGIN_SHIFT`]): such a span points into the patch.
    pub fn span(&self, start: usize, end: usize) -> Span {
        match crate::tree::origin_of(start) {
            Some((file, start)) => {
                let end = crate::tree::origin_of(end)
                    .filter(|(f, _)| *f == file)
                    .map_or(start, |(_, e)| e);
                Span::new(file, start, end)
            }
            None => Span::new(self.file, start, end),
        }
    }

    /// The span of a node of this file's document tree.
    pub fn node_span(&self, node: &crate::tree::Node) -> Span {
        self.span(node.range.start, node.range.end)
    }

    /// A list field (`node` is the value looked up for `key`): absent or null is `None`, a
    /// value of another type is a problem at it and `None` too.
    pub fn list_field<'a>(
        &self,
        facts: &mut Facts,
        what: &str,
        key: &str,
        node: Option<&'a crate::tree::Node>,
    ) -> Option<&'a [crate::tree::Node]> {
        let node = node.filter(|n| !n.is_null())?;
        let items = node.as_seq();
        if items.is_none() {
            facts.problem(
                self.node_span(node),
                format!("{what}: `{key}` must be a list, found {}", node.type_name()),
            );
        }
        items
    }

    /// `parent[key]` as a list; absent, null or of another type (a problem) reads as empty.
    pub fn list<'a>(
        &self,
        facts: &mut Facts,
        what: &str,
        parent: &'a crate::tree::Node,
        key: &str,
    ) -> &'a [crate::tree::Node] {
        self.list_field(facts, what, key, parent.get(key))
            .unwrap_or_default()
    }

    /// Parses the file as JSON (by its `.json` extension) or as a YAML stream, hands every
    /// document that parses to `read`, and records every one that does not as a problem.
    pub fn for_each_document(
        &self,
        facts: &mut Facts,
        mut read: impl FnMut(&crate::tree::Node, &mut Facts),
    ) {
        if self.path.to_ascii_lowercase().ends_with(".json") {
            if self.text.trim().is_empty() {
                return;
            }
            match crate::tree::parse_json(self.text) {
                Ok(node) => read(&node, facts),
                Err(e) => facts.problem(
                    self.span(e.range.start, e.range.end),
                    format!("JSON does not parse: {}", e.message),
                ),
            }
            return;
        }
        for doc in crate::tree::parse_yaml(self.text) {
            match doc.result {
                Ok(node) => read(&node, facts),
                Err(e) => facts.problem(
                    self.span(e.range.start, e.range.end),
                    format!("YAML does not parse: {}", e.message),
                ),
            }
        }
    }
}

/// What `routelint.toml` tells the client-call reader (`[client]`): used only where the
/// repository itself says nothing (no `.env` value, no `<base href>`).
#[derive(Clone, Debug, Default)]
pub struct ClientSettings {
    /// Values of environment variables base URLs are built from.
    pub env: std::collections::BTreeMap<String, String>,
    /// The path the app's pages are served under: relative URLs resolve against it.
    pub page_base: Option<String>,
    /// Read test files and end-to-end suites too (skipped by default).
    pub read_tests: bool,
}

/// What the read phase keeps of a file once it is classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keep {
    /// Its text: an extractor reads it.
    Text,
    /// Only the module specifiers it imports. Nothing in the file is read unless a module
    /// that is read needs it ([`SourceKind::needed`]); then it is read again from disk. Most
    /// modules of a large frontend are such: holding every text would cost more than
    /// reading the few needed twice.
    Imports(Vec<String>),
}

/// A file of a kind read across files, as the read phase left it.
#[derive(Debug, Clone, Copy)]
pub enum Module<'a> {
    Text(&'a str),
    Imports(&'a [String]),
}
