//! A `.properties` reader for Spring Boot configuration: `key=value`, `key: value`, `key value`,
//! `\` line continuations, `\uXXXX` and other escapes, `#`/`!` comments, and `#---`
//! multi-document separators. Keys become a document tree (`a.b[0].c`) with the byte ranges
//! of their values, so the YAML reader's code reads both. Never panics on odd escapes.

use crate::tree::{Node, Range, Value};

/// One `key=value` line (continuations joined): the unescaped key and value, with the ranges
/// of the key and of the value as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub key_range: Range,
    pub value_range: Range,
}

/// Splits the text into documents (`#---` or `!---` alone on a line) and reads each one's
/// entries.
pub fn documents(text: &str) -> Vec<Vec<Entry>> {
    let mut docs = vec![Vec::new()];
    let mut pos = 0;
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .map(|l| {
            let at = pos;
            pos += l.len();
            (at, l)
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        i += 1;
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed == "#---" || trimmed == "!---" {
            docs.push(Vec::new());
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        // Logical line: physical lines joined while one ends with an odd number of `\`.
        let mut logical: Vec<(usize, &str)> = vec![(at + (content.len() - trimmed.len()), trimmed)];
        let mut cur = content;
        while ends_with_continuation(cur) && i < lines.len() {
            let (nat, nline) = lines[i];
            i += 1;
            let ncontent = nline.trim_end_matches(['\n', '\r']);
            let nt = ncontent.trim_start();
            logical.push((nat + (ncontent.len() - nt.len()), nt));
            cur = ncontent;
        }
        if let Some(e) = entry(&logical)
            && let Some(d) = docs.last_mut()
        {
            d.push(e);
        }
    }
    docs
}

fn ends_with_continuation(s: &str) -> bool {
    s.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

/// Reads one logical line: `(offset, text)` of each physical part.
fn entry(parts: &[(usize, &str)]) -> Option<Entry> {
    // Characters with their byte offsets in the file, continuation backslashes removed.
    let mut chars: Vec<(usize, char)> = Vec::new();
    for (n, (at, text)) in parts.iter().enumerate() {
        let body = if n + 1 < parts.len() {
            &text[..text.len().saturating_sub(1)]
        } else {
            text
        };
        chars.extend(body.char_indices().map(|(i, c)| (at + i, c)));
    }
    let end_of = |k: usize| -> usize {
        chars
            .get(k)
            .map(|(o, _)| *o)
            .unwrap_or_else(|| chars.last().map(|(o, c)| o + c.len_utf8()).unwrap_or(0))
    };
    // Key: up to an unescaped `=`, `:` or whitespace.
    let mut k = 0;
    let mut key = String::new();
    while k < chars.len() {
        let c = chars[k].1;
        if c == '\\' {
            let (s, used) = unescape(&chars[k..]);
            key.push_str(&s);
            k += used;
            continue;
        }
        if c == '=' || c == ':' || c.is_whitespace() {
            break;
        }
        key.push(c);
        k += 1;
    }
    let key_range = Range {
        start: chars.first()?.0,
        end: end_of(k),
    };
    // Separator: whitespace, then at most one `=` or `:`, then whitespace.
    while k < chars.len() && chars[k].1.is_whitespace() {
        k += 1;
    }
    if k < chars.len() && matches!(chars[k].1, '=' | ':') {
        k += 1;
    }
    while k < chars.len() && chars[k].1.is_whitespace() {
        k += 1;
    }
    let vstart = end_of(k);
    let mut value = String::new();
    while k < chars.len() {
        if chars[k].1 == '\\' {
            let (s, used) = unescape(&chars[k..]);
            value.push_str(&s);
            k += used;
        } else {
            value.push(chars[k].1);
            k += 1;
        }
    }
    let vend = end_of(chars.len()).max(vstart);
    Some(Entry {
        key,
        value,
        key_range,
        value_range: Range {
            start: vstart,
            end: vend,
        },
    })
}

/// One escape at the start of `cs` (which begins with `\`): its text and how many chars it used.
fn unescape(cs: &[(usize, char)]) -> (String, usize) {
    let Some((_, c)) = cs.get(1) else {
        return (String::new(), 1);
    };
    match c {
        't' => ("\t".into(), 2),
        'n' => ("\n".into(), 2),
        'r' => ("\r".into(), 2),
        'f' => ("\u{c}".into(), 2),
        'u' => {
            let hex: String = cs.iter().skip(2).take(4).map(|(_, c)| *c).collect();
            match u32::from_str_radix(&hex, 16)
                .ok()
                .filter(|_| hex.len() == 4)
            {
                Some(v) => (char::from_u32(v).map(String::from).unwrap_or_default(), 6),
                // A malformed `\u` (Java throws): kept as written.
                None => ("u".into(), 2),
            }
        }
        other => (other.to_string(), 2),
    }
}

/// The most parts (`a`, `.b`, `[0]`) a key may have: as deep as a YAML document may nest.
/// Deeper keys are reported and left out, so no walk of the tree can overflow the stack.
pub const MAX_KEY_PARTS: usize = 256;

/// Builds one document tree from the entries: `a.b[0].c=v` → `{a: {b: [{c: v}]}}`; `a[x.y]`
/// keeps `x.y` as one key. Keys of more than [`MAX_KEY_PARTS`] parts are left out; their
/// ranges are returned so that the caller reports each.
pub fn tree(entries: &[Entry]) -> (Node, Vec<Range>) {
    let mut root = Build::Map(Vec::new(), Range::default());
    let mut too_deep = Vec::new();
    for e in entries {
        let path = split_key(&e.key);
        if path.is_empty() {
            continue;
        }
        if path.len() > MAX_KEY_PARTS {
            too_deep.push(e.key_range);
            continue;
        }
        insert(&mut root, &path, e);
    }
    (root.into_node(), too_deep)
}

enum Build {
    Leaf(Node),
    Map(Vec<(String, Range, Build)>, Range),
    Seq(Vec<(usize, Build)>, Range),
}

#[derive(Debug, PartialEq)]
enum Part {
    Key(String),
    Index(usize),
}

fn split_key(key: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push(Part::Key(std::mem::take(&mut cur)));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(Part::Key(std::mem::take(&mut cur)));
                }
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    inner.push(d);
                }
                match inner.trim().parse::<usize>() {
                    Ok(i) => out.push(Part::Index(i)),
                    Err(_) => out.push(Part::Key(inner)),
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(Part::Key(cur));
    }
    out
}

fn join(a: Range, b: Range) -> Range {
    if a == Range::default() {
        return b;
    }
    Range {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

fn insert(node: &mut Build, path: &[Part], e: &Entry) {
    let whole = Range {
        start: e.key_range.start,
        end: e.value_range.end.max(e.key_range.end),
    };
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let child_new = || {
        if rest.is_empty() {
            Build::Leaf(Node {
                value: Value::Str(e.value.clone()),
                range: e.value_range,
            })
        } else if matches!(rest.first(), Some(Part::Index(_))) {
            Build::Seq(Vec::new(), Range::default())
        } else {
            Build::Map(Vec::new(), Range::default())
        }
    };
    // A key used both as a value and as a parent: the later one wins.
    match (node, first) {
        (Build::Map(entries, r), Part::Key(k)) => {
            *r = join(*r, whole);
            let at = entries.iter().position(|(x, _, _)| x == k);
            let i = match at {
                Some(i) => i,
                None => {
                    entries.push((k.clone(), e.key_range, child_new()));
                    entries.len() - 1
                }
            };
            descend(&mut entries[i].2, rest, e, child_new);
        }
        (Build::Seq(items, r), Part::Index(n)) => {
            *r = join(*r, whole);
            let at = items.iter().position(|(x, _)| x == n);
            let i = match at {
                Some(i) => i,
                None => {
                    items.push((*n, child_new()));
                    items.len() - 1
                }
            };
            descend(&mut items[i].1, rest, e, child_new);
        }
        (node, _) => {
            // Shape clash (`a=1` then `a[0]=2`): the newer shape replaces the older.
            *node = match first {
                Part::Key(_) => Build::Map(Vec::new(), Range::default()),
                Part::Index(_) => Build::Seq(Vec::new(), Range::default()),
            };
            insert(node, path, e);
        }
    }
}

fn descend(child: &mut Build, rest: &[Part], e: &Entry, new: impl Fn() -> Build) {
    if rest.is_empty() {
        *child = new();
        return;
    }
    if let Build::Leaf(_) = child {
        *child = new();
    }
    insert(child, rest, e);
}

impl Build {
    fn into_node(self) -> Node {
        match self {
            Build::Leaf(n) => n,
            Build::Map(entries, range) => Node {
                value: Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, kr, v)| {
                            (
                                Node {
                                    value: Value::Str(k),
                                    range: kr,
                                },
                                v.into_node(),
                            )
                        })
                        .collect(),
                ),
                range,
            },
            Build::Seq(mut items, range) => {
                items.sort_by_key(|(i, _)| *i);
                Node {
                    value: Value::Seq(items.into_iter().map(|(_, b)| b.into_node()).collect()),
                    range,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, value, value as written)
    type Row = (String, String, String);

    fn one(text: &str) -> Vec<Row> {
        documents(text)
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e.key,
                    e.value,
                    text[e.value_range.start..e.value_range.end].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn lines_continuations_escapes_and_comments() {
        let t = |k: &str, v: &str, raw: &str| (k.to_owned(), v.to_owned(), raw.to_owned());
        let table: Vec<(&str, Vec<Row>)> = vec![
            ("a=b", vec![t("a", "b", "b")]),
            ("a : b c", vec![t("a", "b c", "b c")]),
            ("a b", vec![t("a", "b", "b")]),
            ("# c\n! c\n  x=1\r\n", vec![t("x", "1", "1")]),
            (
                "a=one,\\\n    two",
                vec![t("a", "one,two", "one,\\\n    two")],
            ),
            ("k\\=x=\\u0041\\tB", vec![t("k=x", "A\tB", "\\u0041\\tB")]),
            ("k=\\uZZ", vec![t("k", "uZZ", "\\uZZ")]),
            ("k=\\", vec![t("k", "", "\\")]),
            ("k=", vec![t("k", "", "")]),
            ("é=ü", vec![t("é", "ü", "ü")]),
        ];
        for (text, want) in table {
            assert_eq!(one(text), want, "{text:?}");
        }
        assert_eq!(documents("a=1\n#---\nb=2\n").len(), 2);
    }

    #[test]
    fn keys_become_a_tree() {
        let text = "spring.cloud.gateway.routes[0].id=x\nspring.cloud.gateway.routes[0].predicates[0]=Path=/api/**\nspring.cloud.gateway.routes[1].id=y\nm[a.b]=1\n";
        let docs = documents(text);
        let (root, too_deep) = tree(&docs[0]);
        assert!(too_deep.is_empty());
        let routes = root.at(&["spring", "cloud", "gateway", "routes"]).unwrap();
        let items = routes.as_seq().unwrap();
        assert_eq!(items.len(), 2);
        let p = items[0].at(&["predicates"]).unwrap().as_seq().unwrap();
        assert_eq!(p[0].as_str(), Some("Path=/api/**"));
        assert_eq!(&text[p[0].range.start..p[0].range.end], "Path=/api/**");
        assert_eq!(root.at(&["m", "a.b"]).and_then(|n| n.as_str()), Some("1"));
    }

    #[test]
    fn a_key_deeper_than_the_limit_is_left_out_and_reported() {
        let deep = format!("a{}", "[0]".repeat(30_000));
        let text = format!("ok.x=1\n{deep}=v\n");
        // On a thread with the default 2 MiB stack: the limit, not a large stack, keeps it safe.
        let (root, too_deep) = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let docs = documents(&text);
                tree(&docs[0])
            })
            .expect("thread")
            .join()
            .expect("no overflow");
        assert_eq!(root.at(&["ok", "x"]).and_then(|n| n.as_str()), Some("1"));
        assert!(root.get("a").is_none());
        assert_eq!(
            too_deep,
            vec![Range {
                start: 7,
                end: 7 + deep.len()
            }]
        );
    }
}
