//! Test support for readers: an input from a path and a text, and the corpus check every reader
//! is held to.

use crate::source_file::FileId;
use crate::sources::input::Input;

/// One file as a test hands it to an extractor.
#[cfg(test)]
pub(crate) fn test_input<'a>(path: &'a str, text: &'a str) -> Input<'a> {
    Input {
        file: FileId(0),
        path,
        text,
    }
}

/// The inputs of a set of `(path, text)` files, numbered in order: what the set-extractor tests
/// hand to `extract_set`.
#[cfg(test)]
pub(crate) fn test_inputs<'a>(files: &'a [(&'a str, &'a str)]) -> Vec<Input<'a>> {
    files
        .iter()
        .enumerate()
        .map(|(i, (path, text))| Input {
            file: FileId(i as u32),
            path,
            text,
        })
        .collect()
}

/// The real-world corpus beside the repository (`../shared/corpus`), for the sources' tests.
#[cfg(test)]
pub(crate) mod corpus {
    /// One corpus file of a system: its name as the MANIFEST gives it, its status (the note's
    /// first word: valid, invalid, semantic-error, empty, templated) and its text.
    pub struct File {
        pub name: String,
        pub status: String,
        pub text: String,
    }

    /// Reads every corpus file of `system` with `read` and holds it to the corpus README: no
    /// span outside the text, no problem on a valid, semantic-error or empty file, a problem on
    /// an invalid one (unless `silent_invalid` allows an invalid file that yields no routes).
    /// Returns what was read, for the caller's own checks.
    pub fn check(
        system: &str,
        silent_invalid: bool,
        read: impl Fn(&File) -> crate::sources::facts::Facts,
    ) -> Vec<(File, crate::sources::facts::Facts)> {
        let mut failures = Vec::new();
        let mut out = Vec::new();
        for c in files(system) {
            let f = read(&c);
            if f.problems
                .iter()
                .any(|p| p.span.end as usize > c.text.len())
            {
                failures.push(format!("{}: a span outside the text", c.name));
            }
            let ok = match c.status.as_str() {
                "valid" | "semantic-error" | "empty" => f.problems.is_empty(),
                "invalid" => !f.problems.is_empty() || (silent_invalid && f.routes.is_empty()),
                _ => true,
            };
            if !ok {
                failures.push(format!("{} ({}): {:?}", c.name, c.status, f.problems));
            }
            out.push((c, f));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        out
    }

    /// Every corpus file of `system` (`kong`, `envoy`, …); empty when the corpus is absent.
    pub fn files(system: &str) -> Vec<File> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
            eprintln!("corpus not found: skipped");
            return Vec::new();
        };
        manifest
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                if *cols.first()? != system {
                    return None;
                }
                let name = (*cols.get(1)?).to_owned();
                let status = cols.get(6)?.split([':', ' ']).next()?.to_owned();
                let text = std::fs::read_to_string(dir.join(&name)).ok()?;
                Some(File { name, status, text })
            })
            .collect()
    }
}
