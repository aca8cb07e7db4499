//! `routelint.toml`: what the repository cannot say about itself. Unknown keys and wrong types
//! are errors that point at the TOML line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Lowest severity that makes `check` exit 1 (`error`, `warning`, `info`).
    pub fail_on: Option<String>,
    #[serde(default)]
    pub client: ClientConfig,
    /// Components the repository does not name clearly enough.
    #[serde(default)]
    pub components: BTreeMap<String, ComponentConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientConfig {
    /// The component where client requests enter (an Istio Gateway name, a gateway directory).
    pub entry: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComponentConfig {
    /// Host names other layers use for it (`blog.internal`, `blog-svc`).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Files that belong to it, as globs relative to the root (`services/blog/**`).
    #[serde(default)]
    pub paths: Vec<String>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{message}")]
    Invalid {
        path: PathBuf,
        text: String,
        message: String,
        span: Option<std::ops::Range<usize>>,
    },
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            text: text.to_owned(),
            message: e.message().trim().to_owned(),
            span: e.span(),
        })?;
        if let Some(f) = &config.fail_on
            && !matches!(f.as_str(), "error" | "warning" | "info")
        {
            let span = text.find("fail-on").map(|s| s..s + "fail-on".len());
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                text: text.to_owned(),
                message: format!(
                    "`fail-on` must be \"error\", \"warning\" or \"info\", not \"{f}\""
                ),
                span,
            });
        }
        Ok(config)
    }

    /// The configured component whose `paths` globs match a file's display path.
    pub fn component_for_path(&self, display: &str) -> Option<&str> {
        self.components.iter().find_map(|(name, c)| {
            c.paths
                .iter()
                .any(|g| glob_match(g, display))
                .then_some(name.as_str())
        })
    }
}

/// Minimal glob: `*` within a segment, `**` across segments, `?` one character. A pattern
/// without wildcards matches the path itself and everything below it.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    if !pattern.contains(['*', '?']) {
        return path == pattern || path.starts_with(&format!("{pattern}/"));
    }
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
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_gitignore_users_expect() {
        let table = [
            ("services/blog/**", "services/blog/openapi.yaml", true),
            ("services/blog/**", "services/blogs/openapi.yaml", false),
            ("services/blog", "services/blog/api/openapi.yaml", true),
            ("**/openapi.yaml", "a/b/openapi.yaml", true),
            ("**/openapi.yaml", "openapi.yaml", true),
            ("*.yaml", "a/x.yaml", false),
        ];
        for (g, p, want) in table {
            assert_eq!(glob_match(g, p), want, "{g} vs {p}");
        }
    }

    #[test]
    fn unknown_keys_point_at_the_line() {
        let err =
            Config::parse(Path::new("routelint.toml"), "[client]\nentri = \"x\"\n").unwrap_err();
        match err {
            ConfigError::Invalid { message, span, .. } => {
                assert!(message.contains("unknown field"), "{message}");
                assert_eq!(span, Some(9..14));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_full_config_reads() {
        let c = Config::parse(
            Path::new("routelint.toml"),
            "fail-on = \"warning\"\n[client]\nentry = \"blog-gateway\"\n[components.blog-service]\nhosts = [\"blog.internal\"]\npaths = [\"services/blog/**\"]\n",
        )
        .unwrap();
        assert_eq!(
            c.component_for_path("services/blog/openapi.yaml"),
            Some("blog-service")
        );
        assert_eq!(c.client.entry.as_deref(), Some("blog-gateway"));
    }
}
