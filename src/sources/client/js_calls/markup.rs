//! The script inside markup files (`.vue`, `.svelte`, `.astro`, `.html`), their `<form>`s, the
//! values of `.env` files, and which files are not read (minified bundles, tests).
//!
//! A markup file's script is read in place: everything outside its `<script>` blocks (and an
//! Astro frontmatter) is replaced by spaces, newlines kept, so spans point into the file.

use std::collections::HashMap;

use super::{Part, finish};
use crate::model::method::Method;
use crate::sources::{facts::CallFact, input::Input};

/// Lines longer than this mark a minified bundle.
const MINIFIED_LINE: usize = 5_000;

pub(crate) fn is_env(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == ".env" || name.starts_with(".env.")
}

pub(crate) fn is_markup(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".vue", ".svelte", ".astro", ".html", ".htm"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Files not read for calls: minified bundles, and tests and end-to-end suites unless
/// `tests` (`[client] read-tests`).
pub(crate) fn skipped(path: &str, text: &str, tests: bool) -> bool {
    (!tests && is_test(path)) || minified(text)
}

/// A test file or a file of a test suite, by its path.
fn is_test(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let test_name = name.contains(".test.") || name.contains(".spec.") || name.contains(".cy.");
    let test_dir = ["__tests__", "e2e", "cypress", "__mocks__"]
        .iter()
        .any(|d| path.split('/').any(|seg| seg == *d));
    test_name || test_dir
}

/// Why a minified file is not read, for `--show-skipped`.
pub(crate) fn minified_note() -> String {
    format!("a minified bundle (a line over {MINIFIED_LINE} bytes): not read for calls")
}

/// Whether a line of the text is longer than [`MINIFIED_LINE`] bytes: from each line start,
/// the last newline within the next `MINIFIED_LINE + 1` bytes starts the next window, so a
/// file of short lines takes a step per window, not per line.
pub(crate) fn minified(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut start = 0;
    while bytes.len() - start > MINIFIED_LINE {
        match memchr::memrchr(b'\n', &bytes[start..=start + MINIFIED_LINE]) {
            Some(i) => start += i + 1,
            None => return true,
        }
    }
    false
}

/// The script of a markup file, blanked in place, and the path to parse it as; `None` for
/// scripts (read as they are) and `.env` files.
pub(crate) fn script_of(path: &str, text: &str) -> Option<(String, String)> {
    if !is_markup(path) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let mut keep: Vec<(usize, usize)> = Vec::new();
    let mut ts = false;
    if path.ends_with(".astro")
        && let Some(rest) = text.strip_prefix("---")
        && let Some(end) = rest.find("\n---")
    {
        keep.push((3, 3 + end));
        ts = true;
    }
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| i + at) {
        let Some(tag_end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        let tag = &lower[open..tag_end];
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        let code = !tag.contains(" src=")
            && (!tag.contains("type=")
                || tag.contains("module")
                || tag.contains("javascript")
                || tag.contains("typescript"));
        if code {
            keep.push((tag_end + 1, close));
            ts |= tag.contains("lang=\"ts\"")
                || tag.contains("lang='ts'")
                || tag.contains("lang=\"tsx\"");
        }
        at = close;
    }
    let mut out: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' { b'\n' } else { b' ' })
        .collect();
    for (start, end) in keep {
        if let (Some(dst), Some(src)) = (out.get_mut(start..end), text.as_bytes().get(start..end)) {
            dst.copy_from_slice(src);
        }
    }
    let script = String::from_utf8(out).ok()?;
    let as_path = format!("{path}.{}", if ts { "ts" } else { "js" });
    Some((as_path, script))
}

/// `<form method action>` of a markup file (a static `action` only).
pub(crate) fn forms(input: Input<'_>) -> Vec<CallFact> {
    let text = input.text;
    let lower = text.to_ascii_lowercase();
    let mut calls = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<form").map(|i| i + at) {
        let Some(end) = lower[open..].find('>').map(|i| i + open) else {
            break;
        };
        at = end;
        if !lower[open + 5..].starts_with([' ', '\n', '\t', '\r', '>']) {
            continue;
        }
        let Some((action, a_start, a_end)) = attribute(text, open, end, "action") else {
            continue;
        };
        let method = attribute(text, open, end, "method")
            .and_then(|(m, _, _)| Method::parse(&m.to_ascii_uppercase()))
            .unwrap_or(Method::Get);
        if action.contains("{{") || action.contains("${") {
            continue;
        }
        let body_end = lower[end..].find("</form").map_or(lower.len(), |i| i + end);
        if !submittable(&lower[end..body_end]) && !lower.contains("submit()") {
            continue;
        }
        // A server-rendered template's page URL is the controller's, not its file's: a
        // relative action (`.`, `save`) resolves against a URL routelint does not know.
        let relative =
            !(action.starts_with('/') || action.starts_with('#') || action.contains("://"));
        let template = input.path.starts_with("templates/") || input.path.contains("/templates/");
        let url = if relative && template {
            crate::sources::facts::CallUrl::Unresolved {
                why: format!(
                    "the form's action `{action}` is relative to the URL of the page the server renders this template at, which the template does not say; an absolute action (`/orders/`) can be checked"
                ),
            }
        } else {
            let Some(url) = finish(vec![Part::Lit(action)]) else {
                continue;
            };
            url
        };
        calls.push(CallFact {
            method: Some(method),
            url,
            span: input.span(a_start, a_end),
            client: "form".into(),
            duplicated: None,
        });
    }
    calls
}

/// Whether a form's body (lowercased) lets the user send it: a submit button or image, or
/// exactly one field that submits on Enter (HTML's implicit submission). A form without
/// either is sent only by a script, which the script's own calls show.
fn submittable(body: &str) -> bool {
    const IMPLICIT: &[&str] = &[
        "text",
        "search",
        "url",
        "tel",
        "email",
        "password",
        "date",
        "month",
        "week",
        "time",
        "datetime-local",
        "number",
    ];
    let mut fields = 0;
    let mut at = 0;
    while let Some(open) = body[at..].find('<').map(|i| i + at) {
        let end = body[open..].find('>').map_or(body.len(), |i| i + open);
        at = end.max(open + 1);
        let tag = &body[open..end];
        let kind = |name: &str| {
            attribute(body, open, end, "type")
                .map(|(t, _, _)| t)
                .unwrap_or_else(|| name.to_owned())
        };
        if tag.starts_with("<button") && !matches!(kind("submit").as_str(), "button" | "reset") {
            return true;
        }
        if tag.starts_with("<input") {
            let t = kind("text");
            if t == "submit" || t == "image" {
                return true;
            }
            if IMPLICIT.contains(&t.as_str()) {
                fields += 1;
            }
        }
    }
    fields == 1
}

/// A quoted attribute of the tag `text[open..end]`: its value and span.
fn attribute(text: &str, open: usize, end: usize, name: &str) -> Option<(String, usize, usize)> {
    let tag = text.get(open..end)?;
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let before = lower[..i].chars().last();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value_start = end - tag.len() + (tag.len() - rest.len()) + 1;
        let len = rest[1..].find(quote)?;
        return Some((rest[1..1 + len].to_owned(), value_start, value_start + len));
    }
    None
}

/// The `href` of a page's `<base>` when it is a path other than `/`.
pub(crate) fn base_href(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<base")?;
    let end = lower[open..].find('>')? + open;
    let (href, _, _) = attribute(text, open, end, "href")?;
    (href.starts_with('/') && href != "/").then_some(href)
}

/// Values of the `.env` files: `.env` first, then `.env.production` and local overrides;
/// development and test files fill only what the others leave unset.
pub(crate) fn env_vars(inputs: &[Input<'_>]) -> HashMap<String, String> {
    let rank = |name: &str| match name {
        ".env" => Some(0),
        ".env.local" => Some(1),
        ".env.production" => Some(2),
        ".env.production.local" => Some(3),
        _ => None,
    };
    let mut files: Vec<(i32, &Input<'_>)> = inputs
        .iter()
        .filter(|i| is_env(i.path))
        .map(|i| {
            let name = i.path.rsplit('/').next().unwrap_or(i.path);
            (rank(name).unwrap_or(-1), i)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.path.cmp(b.1.path)));
    let mut vars = HashMap::new();
    for (_, input) in files {
        for line in input.text.lines() {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            if line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            vars.insert(key.trim().to_owned(), value.to_owned());
        }
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_action_of_a_server_template_is_unresolved() {
        let page = "<form action=\".\" method=\"post\"><button>Add</button></form>\n<form action=\"/order/line\" method=\"post\"><button>Line</button></form>\n";
        let got: Vec<String> = forms(crate::sources::testing::test_input(
            "order/src/main/resources/templates/orderForm.html",
            page,
        ))
        .into_iter()
        .map(|c| match c.url {
            crate::sources::facts::CallUrl::Resolved { path, .. } => path.to_string(),
            crate::sources::facts::CallUrl::Unresolved { why } => why,
        })
        .collect();
        assert_eq!(
            got,
            [
                "the form's action `.` is relative to the URL of the page the server renders this template at, which the template does not say; an absolute action (`/orders/`) can be checked",
                "/order/line",
            ]
        );
    }

    #[test]
    fn a_form_is_a_request_only_when_the_user_can_send_it() {
        let table: &[(&str, bool)] = &[
            ("<button>Save</button>", true),
            ("<button type=\"submit\">Save</button>", true),
            ("<button type=\"button\">Save</button>", false),
            ("<input type=\"submit\" value=\"Go\">", true),
            ("<input type=\"image\" src=\"go.png\">", true),
            // One field submits on Enter (implicit submission); two do not.
            ("<input name=\"email\">", true),
            (
                "<input type=\"text\" name=\"u\"><input type=\"password\" name=\"p\">",
                false,
            ),
            (
                "<input type=\"checkbox\"><input type=\"hidden\" name=\"x\">",
                false,
            ),
            ("", false),
        ];
        for (body, want) in table {
            assert_eq!(submittable(body), *want, "{body}");
        }
    }

    #[test]
    fn a_minified_bundle_is_a_file_with_one_line_over_the_limit() {
        let line = |n: usize| "x".repeat(n);
        let table: &[(String, bool)] = &[
            (line(MINIFIED_LINE), false),
            (line(MINIFIED_LINE + 1), true),
            ("ab\n".repeat(4 * MINIFIED_LINE), false),
            (
                format!("{}\n{}", "a\n".repeat(10), line(MINIFIED_LINE)),
                false,
            ),
            (
                format!("{}\n{}", "a\n".repeat(10), line(MINIFIED_LINE + 1)),
                true,
            ),
            (
                format!("{}\n{}\nshort\n", line(10), line(MINIFIED_LINE + 1)),
                true,
            ),
            (
                format!("{}\n{}\n", line(MINIFIED_LINE), line(MINIFIED_LINE)),
                false,
            ),
            (format!("{}\r\n", line(MINIFIED_LINE - 1)).repeat(3), false),
        ];
        for (i, (text, want)) in table.iter().enumerate() {
            assert_eq!(minified(text), *want, "row {i}");
            let naive = text.split('\n').any(|l| l.len() > MINIFIED_LINE);
            assert_eq!(naive, *want, "row {i} (by lines)");
        }
    }
}
