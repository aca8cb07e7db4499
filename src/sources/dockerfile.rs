//! Dockerfiles: the `ENV` values an image gives the files of its build directory (the
//! environment its envsubst templates are rendered with). Reads one file; links nothing.

use crate::sources::{facts::DirEnv, facts::Facts, input::Input};

/// Whether a file is a Dockerfile, by its name (`Dockerfile`, `Dockerfile.prod`,
/// `web.Dockerfile`).
pub fn sniff(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "dockerfile" || n.starts_with("dockerfile.") || n.ends_with(".dockerfile")
}

/// Reads the `ENV` instructions of one Dockerfile. The last stage's values are the image's
/// (a multi-stage build runs only its final stage), so each `FROM` starts afresh.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    let dir = input.path.rsplit_once('/').map_or("", |(d, _)| d);
    let mut vars: Vec<(String, String)> = Vec::new();
    for line in instructions(input.text) {
        let (op, rest) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
        match op.to_ascii_uppercase().as_str() {
            "FROM" => vars.clear(),
            "ENV" => {
                for (k, v) in env_pairs(rest.trim()) {
                    vars.retain(|(n, _)| *n != k);
                    // A value built from another variable is not known here.
                    if !v.contains('$') {
                        vars.push((k, v));
                    }
                }
            }
            _ => {}
        }
    }
    if !vars.is_empty() {
        facts.dir_env.push(DirEnv {
            dir: dir.to_owned(),
            vars,
            layer: 0,
        });
    }
    facts
}

/// The instructions of a Dockerfile: comments dropped, `\` continuations joined.
fn instructions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let t = line.trim();
        if cur.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(part) => {
                cur.push_str(part);
                cur.push(' ');
            }
            None => {
                cur.push_str(t);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `K=V K2="v 2"`, or the legacy `K value with spaces`.
fn env_pairs(rest: &str) -> Vec<(String, String)> {
    let first = rest.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        return match rest.split_once(char::is_whitespace) {
            Some((k, v)) => vec![(k.to_owned(), unquote(v.trim()))],
            None => Vec::new(),
        };
    }
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if key.is_empty() || chars.next() != Some('=') {
            break;
        }
        let mut value = String::new();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.peek().copied() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => value.push(c),
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                None => value.push(c),
            }
            chars.next();
        }
        out.push((key.trim().to_owned(), value));
    }
    out
}

fn unquote(v: &str) -> String {
    let q = |c: char| v.len() >= 2 && v.starts_with(c) && v.ends_with(c);
    if q('"') || q('\'') {
        v[1..v.len() - 1].to_owned()
    } else {
        v.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_of_the_final_stage_for_the_build_directory() {
        let text = "FROM node AS build\nENV NODE_ENV=production\nFROM nginx:1.21\n# the hosts\nENV CATALOGUE_HOST=catalogue \\\n    USER_HOST=user \\\n    GREETING=\"hello world\" BASE=$HOME/x\nENV LEGACY_HOST legacy-host\n";
        let f = extract(crate::sources::testing::test_input("web/Dockerfile", text));
        assert_eq!(
            f.dir_env,
            [DirEnv {
                dir: "web".to_owned(),
                vars: vec![
                    ("CATALOGUE_HOST".to_owned(), "catalogue".to_owned()),
                    ("USER_HOST".to_owned(), "user".to_owned()),
                    ("GREETING".to_owned(), "hello world".to_owned()),
                    ("LEGACY_HOST".to_owned(), "legacy-host".to_owned()),
                ],
                layer: 0,
            }]
        );
        assert!(sniff("Dockerfile") && sniff("Dockerfile.prod") && sniff("web.dockerfile"));
        assert!(!sniff("dockerfile-lint.json"));
    }
}
