//! A span-carrying document tree for YAML and JSON, the common input of every config and spec
//! extractor. YAML is read with serde-saphyr (budgeted against alias bombs), one document at a
//! time so that a broken document does not hide the others; JSON with a small hand-written
//! reader that keeps byte offsets. Knows nothing about what the documents mean.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A byte range relative to the start of the text that was parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A value with the byte range of the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub range: Range,
}

/// A parse failure: a message and where it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseFailure {
    pub message: String,
    pub range: Range,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key` in a mapping (to point at `key:` itself).
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (strings, numbers and booleans), as YAML users write ports and versions.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s == "true" => Some(true),
            Value::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A short name of the node's type, for "expected a list, found a string" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    fn shift(&mut self, by: usize) {
        self.range.start += by;
        self.range.end += by;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(by)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift(by);
                v.shift(by);
            }),
            _ => {}
        }
    }
}

/// Nodes a kustomize patch brings into another file's document carry the patch file's id
/// above this bit of their offsets (plus one, so that zero means "this file").
pub const ORIGIN_SHIFT: u32 = 32;

/// The file and offset an offset encodes when it came from another file.
pub fn origin_of(offset: usize) -> Option<(crate::source_file::FileId, usize)> {
    let wide = offset as u64;
    let id = wide >> ORIGIN_SHIFT;
    (id > 0).then(|| {
        (
            crate::source_file::FileId(u32::try_from(id - 1).unwrap_or(u32::MAX)),
            (wide & ((1u64 << ORIGIN_SHIFT) - 1)) as usize,
        )
    })
}

impl Node {
    /// Marks every offset of the tree as one of `file` (see [`ORIGIN_SHIFT`]); `map` first
    /// turns each offset into one of that file.
    pub fn relocate(&mut self, file: crate::source_file::FileId, map: &dyn Fn(usize) -> usize) {
        let base = (u64::from(file.0) + 1) << ORIGIN_SHIFT;
        let at = |o: usize| usize::try_from(base + map(o) as u64).unwrap_or(o);
        self.range = Range {
            start: at(self.range.start),
            end: at(self.range.end),
        };
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.relocate(file, map)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.relocate(file, map);
                v.relocate(file, map);
            }),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Intermediate value that serde-saphyr fills; every child is wrapped in `Spanned`.
struct RawValue(Value);

struct RawNode(Node);

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<RawValue>::deserialize(d)?;
        let loc = s.referenced;
        let span = loc.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        let mut range = Range {
            start,
            end: start + len,
        };
        // Block collections come with an empty range: cover their children instead.
        let last_end = match &s.value.0 {
            Value::Seq(items) => items.last().map(|n| n.range.end),
            Value::Map(entries) => entries.last().map(|(_, v)| v.range.end),
            _ => None,
        };
        if let Some(end) = last_end {
            range.end = range.end.max(end);
        }
        Ok(RawNode(Node {
            value: s.value.0,
            range,
        }))
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue(match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Str(v.to_string()),
        }))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue(Value::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawValue, E> {
        Ok(RawValue(Value::Str(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(RawNode(n)) = seq.next_element::<RawNode>()? {
            items.push(n);
        }
        Ok(RawValue(Value::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(RawNode(k)) = map.next_key::<RawNode>()? {
            let RawNode(v) = map.next_value::<RawNode>()?;
            entries.push((k, v));
        }
        Ok(RawValue(Value::Map(entries)))
    }
}

/// One YAML document of a stream: its parsed tree or why it failed.
#[derive(Debug)]
pub struct YamlDoc {
    /// Byte range of the document's text in the file.
    pub range: Range,
    pub result: Result<Node, ParseFailure>,
}

fn yaml_options() -> serde_saphyr::Options {
    // The default budget bounds events, aliases and nesting: an alias bomb is rejected
    // long before it expands. Tighten what a routing config never needs.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = budget.max_depth.min(256);
    budget.max_aliases = budget.max_aliases.min(10_000);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    options
}

/// Splits a YAML stream into documents at `---` / `...` marker lines, keeping byte offsets.
fn split_documents(text: &str) -> Vec<Range> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker = trimmed == "---"
            || trimmed.starts_with("--- ")
            || trimmed.starts_with("---\t")
            || trimmed == "...";
        if is_marker {
            docs.push(Range { start, end: pos });
            // `--- value` starts the next document on the marker line itself.
            start = if trimmed.len() > 3 && trimmed.starts_with("---") {
                pos + 4
            } else {
                pos + line.len()
            };
        }
        pos += line.len();
    }
    docs.push(Range {
        start,
        end: text.len(),
    });
    docs.retain(|r| {
        text[r.start..r.end].lines().any(|l| {
            !l.trim().is_empty() && !l.trim_start().starts_with('#') && !l.starts_with('%')
        })
    });
    docs
}

/// Parses a (multi-document) YAML text. Empty documents are skipped.
pub fn parse_yaml(text: &str) -> Vec<YamlDoc> {
    split_documents(text)
        .into_iter()
        .map(|range| {
            let sub = &text[range.start..range.end];
            let result = match serde_saphyr::from_str_with_options::<RawNode>(sub, yaml_options()) {
                Ok(RawNode(mut node)) => {
                    close_empty_collections(&mut node, sub);
                    node.shift(range.start);
                    Ok(node)
                }
                Err(e) => {
                    let at =
                        e.location()
                            .and_then(|l| {
                                l.span().byte_offset().map(|o| o as usize).or_else(|| {
                                    offset_of(sub, l.line() as usize, l.column() as usize)
                                })
                            })
                            .map(|o| range.start + o)
                            .unwrap_or(range.start)
                            .min(text.len());
                    let mut message = first_line(&e.to_string());
                    if message.contains("budget breached") {
                        message = format!(
                            "YAML exceeds routelint's parsing budget (an alias bomb, or an enormous document): {message}"
                        );
                    }
                    Err(ParseFailure {
                        message,
                        range: Range {
                            start: at,
                            end: (at + 1).min(text.len()).max(at),
                        },
                    })
                }
            };
            YamlDoc { range, result }
        })
        .collect()
}

/// Empty flow collections (`{}`, `[]`) come with an empty range: cover their brackets, then
/// let every parent cover its last child.
fn close_empty_collections(node: &mut Node, text: &str) {
    let last_end = match &mut node.value {
        Value::Seq(items) => {
            items
                .iter_mut()
                .for_each(|n| close_empty_collections(n, text));
            items.last().map(|n| n.range.end)
        }
        Value::Map(entries) => {
            entries
                .iter_mut()
                .for_each(|(_, v)| close_empty_collections(v, text));
            entries.last().map(|(_, v)| v.range.end)
        }
        _ => return,
    };
    if let Some(end) = last_end {
        node.range.end = node.range.end.max(end);
    } else {
        let rest = text.get(node.range.start..).unwrap_or("");
        let close = match rest.chars().next() {
            Some('{') => Some('}'),
            Some('[') => Some(']'),
            _ => None,
        };
        if let Some(c) = close
            && let Some(i) = rest[1..].find(|ch: char| !ch.is_whitespace())
            && rest[1 + i..].starts_with(c)
        {
            node.range.end = node.range.end.max(node.range.start + 1 + i + 1);
        }
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(l.trim_end_matches(['\n', '\r']).len());
            return Some(start + col);
        }
        start += l.len();
    }
    None
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    // The location is shown by the finding itself.
    let line = match line.find(" at line ") {
        Some(i) if line[i..].contains(", column ") => &line[..i],
        _ => line,
    };
    if line.len() > 200 {
        let mut end = 200;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &line[..end])
    } else {
        line.to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// Parses JSON into a span-carrying tree. Iterative over nesting depth is not needed: depth is
/// capped, so a hostile `[[[[...` fails with a message instead of overflowing the stack.
pub fn parse_json(text: &str) -> Result<Node, ParseFailure> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    if p.s.starts_with(b"\xEF\xBB\xBF") {
        p.pos = 3;
        p.skip_ws();
    }
    let node = p.value()?;
    p.skip_ws();
    if p.pos < p.s.len() {
        return Err(p.fail("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

const MAX_JSON_DEPTH: usize = 512;

impl JsonParser<'_> {
    fn fail(&self, message: &str) -> ParseFailure {
        let at = self.pos.min(self.s.len());
        ParseFailure {
            message: message.to_owned(),
            range: Range {
                start: at,
                end: (at + 1).min(self.s.len()).max(at),
            },
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.s.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Node, ParseFailure> {
        self.skip_ws();
        let start = self.pos;
        let Some(&b) = self.s.get(self.pos) else {
            return Err(self.fail("unexpected end of JSON"));
        };
        let value = match b {
            b'{' => self.object()?,
            b'[' => self.array()?,
            b'"' => Value::Str(self.string()?),
            b't' => self.literal("true", Value::Bool(true))?,
            b'f' => self.literal("false", Value::Bool(false))?,
            b'n' => self.literal("null", Value::Null)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.fail("expected a JSON value")),
        };
        Ok(Node {
            value,
            range: Range {
                start,
                end: self.pos,
            },
        })
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseFailure> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.fail("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, ParseFailure> {
        let start = self.pos;
        while let Some(b) = self.s.get(self.pos) {
            if matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let t = &self.text[start..self.pos];
        if let Ok(i) = t.parse::<i64>() {
            Ok(Value::Int(i))
        } else if let Ok(f) = t.parse::<f64>() {
            Ok(Value::Float(f))
        } else {
            self.pos = start;
            Err(self.fail("invalid number"))
        }
    }

    fn string(&mut self) -> Result<String, ParseFailure> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(&b) = self.s.get(self.pos) else {
                return Err(self.fail("unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    let Some(&e) = self.s.get(self.pos) else {
                        return Err(self.fail("unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            out.push(c);
                        }
                        _ => return Err(self.fail("invalid escape in string")),
                    }
                    run = self.pos;
                }
                0..=0x1f => return Err(self.fail("control character in string")),
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseFailure> {
        let Some(h) = self.text.get(self.pos..self.pos + 4) else {
            return Err(self.fail("invalid \\u escape"));
        };
        let v = u32::from_str_radix(h, 16).map_err(|_| self.fail("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, ParseFailure> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.pos..].starts_with(b"\\u") {
            self.pos += 2;
            let lo = self.hex4()?;
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
            return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn enter(&mut self) -> Result<(), ParseFailure> {
        self.depth += 1;
        if self.depth > MAX_JSON_DEPTH {
            return Err(self.fail("JSON nested too deeply"));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value, ParseFailure> {
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.s.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Seq(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.fail("expected ',' or ']'")),
            }
        }
        self.depth -= 1;
        Ok(Value::Seq(items))
    }

    fn object(&mut self) -> Result<Value, ParseFailure> {
        self.enter()?;
        self.pos += 1;
        let mut entries = Vec::new();
        self.skip_ws();
        if self.s.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Map(entries));
        }
        loop {
            self.skip_ws();
            if self.s.get(self.pos) != Some(&b'"') {
                return Err(self.fail("expected a string key"));
            }
            let kstart = self.pos;
            let key = self.string()?;
            let knode = Node {
                value: Value::Str(key),
                range: Range {
                    start: kstart,
                    end: self.pos,
                },
            };
            self.skip_ws();
            if self.s.get(self.pos) != Some(&b':') {
                return Err(self.fail("expected ':'"));
            }
            self.pos += 1;
            let v = self.value()?;
            entries.push((knode, v));
            self.skip_ws();
            match self.s.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.fail("expected ',' or '}'")),
            }
        }
        self.depth -= 1;
        Ok(Value::Map(entries))
    }
}

// JSON pointers

/// Resolves a JSON pointer (the part of a `$ref` after `#`) against the document root.
pub fn resolve_pointer<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    if pointer.is_empty() {
        return Some(root);
    }
    let pointer = pointer.strip_prefix('/')?;
    pointer.split('/').try_fold(root, |node, token| {
        let token = unescape_token(token);
        match node.as_seq() {
            Some(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            None => node.get(&token),
        }
    })
}

/// Decodes one pointer token: URI percent-escapes, then `~1` → `/` and `~0` → `~`.
fn unescape_token(token: &str) -> String {
    let decoded = percent_decode(token);
    decoded.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes.get(i), hex) {
            (Some(b'%'), Some(b)) => {
                out.push(b);
                i += 3;
            }
            (Some(&b), _) => {
                out.push(b);
                i += 1;
            }
            (None, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nodes_carry_byte_ranges() {
        let text = "a: 1\n---\nkind: X\nlist:\n  - /api\n";
        let docs = parse_yaml(text);
        assert_eq!(docs.len(), 2);
        let d = docs[1].result.as_ref().unwrap();
        let item = &d.get("list").unwrap().as_seq().unwrap()[0];
        assert_eq!(item.as_str(), Some("/api"));
        assert_eq!(&text[item.range.start..item.range.end], "/api");
        let kind = d.key("kind").unwrap();
        assert_eq!(&text[kind.range.start..kind.range.end], "kind");
    }

    #[test]
    fn block_collections_cover_their_children() {
        let text = "rule:\n  match:\n  - uri: {prefix: /a}\n  route: x\n";
        let docs = parse_yaml(text);
        let d = docs[0].result.as_ref().unwrap();
        let rule = d.get("rule").unwrap();
        assert_eq!(
            &text[rule.range.start..rule.range.end],
            "match:\n  - uri: {prefix: /a}\n  route: x"
        );
    }

    #[test]
    fn broken_document_does_not_hide_the_others() {
        let text = "a: [1\n---\nb: 2\n";
        let docs = parse_yaml(text);
        assert_eq!(docs.len(), 2);
        assert!(docs[0].result.is_err());
        assert_eq!(
            docs[1].result.as_ref().unwrap().get("b").unwrap().as_i64(),
            Some(2)
        );
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut text =
            String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            text.push_str(&format!(
                "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = c;
        }
        let docs = parse_yaml(&text);
        assert!(docs[0].result.is_err());
    }

    #[test]
    fn json_keeps_ranges_and_escapes() {
        let text = r#"{"paths": {"/a\u0062": {"get": {}}}, "n": [1, 2.5, true, null]}"#;
        let n = parse_json(text).unwrap();
        let (k, _) = &n.get("paths").unwrap().as_map().unwrap()[0];
        assert_eq!(k.as_str(), Some("/ab"));
        assert_eq!(&text[k.range.start..k.range.end], r#""/a\u0062""#);
        assert!(parse_json("[1,").is_err());
        assert!(parse_json(&"[".repeat(10_000)).is_err());
    }
}
