//! Java sources: Spring controllers ([`super::spring_mvc`]) and Spring Cloud Gateway
//! `RouteLocatorBuilder` routes ([`super::spring_dsl`]).

use tree_sitter::Node;

use super::{Facts, Input};

/// A reader of a parsed Java file.
pub type Reader = fn(Input<'_>, Node<'_>, &mut Facts);

/// Reads one Java file with every Java reader, parsed once.
pub fn extract(input: Input<'_>) -> Facts {
    read_with(input, &[super::spring_mvc::read, super::spring_dsl::read])
}

/// Parses a Java file once, reports its first syntax error (the readers still get what
/// parsed), and hands the tree to each reader.
pub fn read_with(input: Input<'_>, readers: &[Reader]) -> Facts {
    let mut facts = Facts::default();
    let Some(tree) = super::syntax::parse(&tree_sitter_java::LANGUAGE.into(), input.text) else {
        return facts;
    };
    let root = tree.root_node();
    facts
        .problems
        .extend(super::syntax::problem(root, input, "Java"));
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
    ]
    .iter()
    .any(|t| text.contains(t))
}
