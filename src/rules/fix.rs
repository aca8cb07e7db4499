//! The text of fixes rules suggest: a client path replaced inside the source of its URL
//! argument. Knows no rule.

/// Replaces a client path inside the source text of a URL argument, when the argument spells
/// the old path literally (`'/api/posts'`, `` `/api/posts/${id}` ``). `None` otherwise.
pub fn replace_in_source(source: &str, old_head: &str, new_head: &str) -> Option<String> {
    let quote = source
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let inner = &source[quote.len_utf8()..];
    let rest = inner.strip_prefix(old_head)?;
    Some(format!("{quote}{new_head}{rest}"))
}
