//! The globs of `routelint.toml` (`include`, `exclude`, component `paths`), matched the way
//! gitignore users expect. Knows no configuration.

/// Minimal glob: `*` within a segment, `**` across segments, `?` one character. A pattern
/// without wildcards matches the path itself and everything below it.
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    if !pattern.contains(['*', '?']) {
        return path
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    }
    COMPILED.with_borrow_mut(|cache| {
        if let Some(re) = cache.get(pattern) {
            return re.as_ref().is_some_and(|r| r.is_match(path));
        }
        let re = compile(pattern);
        let hit = re.as_ref().is_some_and(|r| r.is_match(path));
        if cache.len() < MAX_CACHED {
            cache.insert(pattern.to_owned(), re);
        }
        hit
    })
}

/// The regex of a glob with wildcards.
fn compile(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(&source(pattern)?).ok()
}

/// The regex source of a glob with wildcards.
fn source(pattern: &str) -> Option<String> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Some(re)
}

/// Most compiled globs a thread keeps.
const MAX_CACHED: usize = 100_000;

thread_local! {
    /// Each glob's program, compiled once per thread: `routelint.toml` may hold thousands of
    /// globs, each matched against every path and its parents.
    static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// A list of globs compiled once into one program: literal patterns by prefix, the others as
/// one `RegexSet` (each glob alone when the set would be too large to build).
struct Compiled {
    literals: Vec<String>,
    set: Option<regex::RegexSet>,
    singles: Vec<String>,
}

impl Compiled {
    fn new(patterns: &[String]) -> Compiled {
        let mut literals = Vec::new();
        let mut wild = Vec::new();
        for p in patterns {
            let p = p.trim_start_matches("./").trim_end_matches('/');
            if p.contains(['*', '?']) {
                wild.push(p.to_owned());
            } else {
                literals.push(p.to_owned());
            }
        }
        let sources: Vec<String> = wild.iter().filter_map(|p| source(p)).collect();
        let set = regex::RegexSetBuilder::new(&sources)
            .size_limit(256 << 20)
            .build()
            .ok();
        let singles = if set.is_some() { Vec::new() } else { wild };
        Compiled {
            literals,
            set,
            singles,
        }
    }

    fn is_match(&self, path: &str) -> bool {
        self.literals.iter().any(|l| {
            path.strip_prefix(l.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        }) || self.set.as_ref().is_some_and(|s| s.is_match(path))
            || self.singles.iter().any(|g| matches(g, path))
    }
}

/// The compiled lists by a hash of their patterns.
static SETS: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<u64, std::sync::Arc<Compiled>>>,
> = std::sync::LazyLock::new(Default::default);

/// Whether any of `patterns` matches `path`, as [`matches`] says of each; the list is compiled
/// once for the process, so thousands of `exclude` globs cost one pass per path.
pub fn any_matches(patterns: &[String], path: &str) -> bool {
    if patterns.len() <= 4 {
        return patterns.iter().any(|g| matches(g, path));
    }
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        patterns.hash(&mut h);
        h.finish()
    };
    let found = SETS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    let compiled = match found {
        Some(c) => c,
        None => {
            let c = std::sync::Arc::new(Compiled::new(patterns));
            let mut sets = SETS.lock().unwrap_or_else(|e| e.into_inner());
            if sets.len() > 64 {
                sets.clear();
            }
            sets.insert(key, c.clone());
            c
        }
    };
    compiled.is_match(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compiled_list_answers_as_each_glob_does() {
        let mut globs: Vec<String> = (0..5_000).map(|i| format!("gen{i}/**/*.js")).collect();
        globs.extend(["web/*.ts", "./docs/", "a?c/x", "**/generated"].map(String::from));
        let paths = [
            "gen7/a/b.js",
            "gen7/b.ts",
            "web/x.ts",
            "web/sub/x.ts",
            "docs",
            "docs/a.md",
            "docsx/a.md",
            "abc/x",
            "q/generated",
            "generated",
            "other.js",
        ];
        for p in paths {
            let each = globs.iter().any(|g| matches(g, p));
            assert_eq!(any_matches(&globs, p), each, "{p}");
        }
        assert!(any_matches(&globs, "gen4999/x.js"));
        assert!(!any_matches(&globs, "gen5000/x.js"));
    }
}
