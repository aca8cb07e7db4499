//! Java sources: Spring controllers ([`super::spring_mvc`]) and Spring Cloud Gateway
//! `RouteLocatorBuilder` routes ([`super::spring_dsl`]).

use tree_sitter::{Node, Parser};

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
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_java::LANGUAGE.into())
        .is_err()
    {
        return facts;
    }
    let Some(tree) = parser.parse(input.text, None) else {
        return facts;
    };
    let root = tree.root_node();
    if root.has_error()
        && let Some((start, end, what)) = super::syntax::first_error(root, input.text)
    {
        facts.problem(input.span(start, end), format!("Java syntax error: {what}"));
    }
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
