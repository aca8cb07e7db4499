//! Java sources parsed once with tree-sitter and handed to the Java readers (Spring controllers,
//! `RouteLocatorBuilder` routes); which readers those are, [`super::extract_java`] says. Reads
//! no routes itself.

use tree_sitter::Node;

use crate::sources::{facts::Facts, input::Input, syntax};

/// A reader of a parsed Java file.
pub type Reader = fn(Input<'_>, Node<'_>, &mut Facts);

/// Parses a Java file once, reports its first syntax error (the readers still get what
/// parsed), and hands the tree to each reader.
pub fn read_with(input: Input<'_>, readers: &[Reader]) -> Facts {
    let mut facts = Facts::default();
    let Some(tree) = syntax::parse(&tree_sitter_java::LANGUAGE.into(), input.text) else {
        return facts;
    };
    let root = tree.root_node();
    facts.problems.extend(syntax::problem(root, input, "Java"));
    for read in readers {
        read(input, root, &mut facts);
    }
    facts
}

/// Whether a Java file may declare routes (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "Mapping",
        "@RestController",
        "@Controller",
        "RouteLocator",
        "ErrorWebExceptionHandler",
        "ControllerAdvice",
        "ResponseEntityExceptionHandler",
        "@EnableAuthorizationServer",
    ]
    .iter()
    .any(|t| text.contains(t))
}
