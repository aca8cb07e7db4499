//! Small readers of the tree-sitter Go tree that every Go reader uses: byte ranges, named
//! children and call arguments, parameter names, and the value of a string literal. Pure
//! functions of the tree; nothing here evaluates or knows what a router is.

use tree_sitter::Node;

/// A byte range in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Loc {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Loc {
    pub(crate) fn of(n: Node<'_>) -> Loc {
        Loc {
            start: n.start_byte(),
            end: n.end_byte(),
        }
    }
}

/// The named children of `n` that are not comments (none without `n`).
pub(crate) fn named_children(n: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(n) = n else { return Vec::new() };
    let mut cursor = n.walk();
    n.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The arguments of a call expression.
pub(crate) fn named_args(call: Node<'_>) -> Vec<Node<'_>> {
    named_children(call.child_by_field_name("arguments"))
}

/// `literal_element` wraps keys and values of composite literals.
pub(crate) fn unwrap_element(n: Node<'_>) -> Option<Node<'_>> {
    if n.kind() == "literal_element" {
        n.named_child(0)
    } else {
        Some(n)
    }
}

/// Parameter names of a function-like node, in order.
pub(crate) fn params(f: Node<'_>) -> Vec<Node<'_>> {
    f.child_by_field_name("parameters")
        .map(param_list_names)
        .unwrap_or_default()
}

/// The names declared by a parameter list, in order.
pub(crate) fn param_list_names(list: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for decl in named_children(Some(list)) {
        let mut cursor = decl.walk();
        out.extend(decl.children_by_field_name("name", &mut cursor));
    }
    out
}

/// The value of a Go string literal: `"…"` with escapes, or raw `` `…` ``.
pub(crate) fn string_value(lit: &str) -> Option<String> {
    if let Some(raw) = lit.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        return Some(raw.replace('\r', ""));
    }
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            'a' => Some(0x07),
            'b' => Some(0x08),
            'f' => Some(0x0c),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(0x0b),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        match e {
            'x' => {
                let h: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&h, 16).ok()?);
            }
            '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&format!("{e}{rest}"), 8).ok()?;
                out.push(u8::try_from(v).ok()?);
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let h: String = chars.by_ref().take(n).collect();
                let c = char::from_u32(u32::from_str_radix(&h, 16).ok()?)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_decode_escapes() {
        let table = [
            (r#""/a\tb""#, Some("/a\tb")),
            (r#""\x2fapi""#, Some("/api")),
            (r#""\u00e9""#, Some("é")),
            (r#""\057x""#, Some("/x")),
            (r#""\q""#, None),
            ("`raw\\n`", Some("raw\\n")),
            (r#""unterminated"#, None),
        ];
        for (lit, want) in table {
            assert_eq!(string_value(lit).as_deref(), want, "{lit}");
        }
    }
}
