//! What the tree-sitter readers (Go, Java, Kotlin, Python) share: parsing a file, and for one
//! that does not parse, the first ERROR or MISSING node as a range on its first line and a
//! sentence.

use tree_sitter::{Language, Node, Parser, Tree};

use crate::sources::facts::Problem;
use crate::sources::input::Input;

/// Every named node of a tree from `root` (itself first), in document order.
pub fn named_nodes(root: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    let mut stack = vec![root];
    std::iter::from_fn(move || {
        let n = stack.pop()?;
        let mut cursor = n.walk();
        let kids: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
        stack.extend(kids.into_iter().rev());
        Some(n)
    })
}

/// A file parsed with a grammar (`None` when the grammar does not load).
pub fn parse(language: &Language, text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    parser.parse(text, None)
}

/// The first syntax error of a parsed file as a problem (`Java syntax error: missing `)``);
/// the readers still use what did parse.
pub fn problem(root: Node<'_>, input: Input<'_>, language: &str) -> Option<Problem> {
    if !root.has_error() {
        return None;
    }
    let (start, end, what) = first_error(root, input.text)?;
    Some(Problem {
        span: input.span(start, end),
        message: format!("{language} syntax error: {what}"),
    })
}

/// The first ERROR or MISSING node of a tree, depth first: its byte range (an error's first
/// line) and what it is (`missing `)``, ``cannot parse `x := ``).
pub fn first_error(root: Node<'_>, src: &str) -> Option<(usize, usize, String)> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            return Some((
                n.start_byte(),
                n.end_byte(),
                format!("missing `{}`", n.kind()),
            ));
        }
        if n.is_error() {
            let text = src.get(n.byte_range()).unwrap_or("");
            let first_line = text.lines().next().unwrap_or("");
            let what = if first_line.trim().is_empty() {
                "unexpected input".to_owned()
            } else {
                format!("cannot parse `{}`", short(first_line))
            };
            return Some((n.start_byte(), n.start_byte() + first_line.len(), what));
        }
        let mut cursor = n.walk();
        let kids: Vec<Node<'_>> = n.children(&mut cursor).filter(|k| k.has_error()).collect();
        stack.extend(kids.into_iter().rev());
    }
    None
}

/// The first line of a snippet, at most 60 characters, `…` when cut.
pub fn short(s: &str) -> String {
    let line = s.trim().lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 || s.trim().lines().nth(1).is_some() {
        out.push('…');
    }
    out
}
