//! Reads the `go` directive of a `go.mod` (the language version, which decides how ServeMux
//! reads its patterns). A file reader: nothing else of the file, and no other file, is read.

use crate::sources::facts::Facts;
use crate::sources::input::Input;

/// Reads the `go 1.22` (or `go 1.22.3`) directive of a `go.mod` into [`Facts::go_version`].
/// Nothing else is read; a file without a readable directive gives empty facts.
pub fn extract_go_mod(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    for line in input.text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("go") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let mut parts = rest.trim().split('.');
        let major = parts.next().and_then(leading_number);
        let minor = parts.next().and_then(leading_number);
        if let (Some(major), Some(minor)) = (major, minor) {
            facts.go_version = Some((major, minor));
        }
        break;
    }
    facts
}

/// The number a string starts with (`22rc1` → 22).
fn leading_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_file::FileId;

    #[test]
    fn go_mod_directive_gives_the_language_version() {
        let table = [
            ("module x\n\ngo 1.22\n", Some((1, 22))),
            (
                "module x\ngo 1.22.3 // pinned\ntoolchain go1.23.1\n",
                Some((1, 22)),
            ),
            ("module x\ngo 1.21rc2\n", Some((1, 21))),
            ("module x\n", None),
            ("gopher 1.22\n", None),
            ("go banana\n", None),
            ("", None),
            ("\u{0}\u{1}go 1.\u{7f}", None),
        ];
        for (text, want) in table {
            let f = extract_go_mod(Input {
                file: FileId(1),
                path: "go.mod",
                text,
            });
            assert_eq!(f.go_version, want, "{text:?}");
            assert!(f.problems.is_empty() && f.routes.is_empty());
        }
    }
}
