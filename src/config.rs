//! `routelint.toml`: what the repository cannot say about itself. Unknown keys and wrong types
//! are errors that point at the TOML line.
//!
//! Every key is kebab-case:
//!
//! - `fail-on`: lowest severity that makes `check` exit 1.
//! - `include`, `exclude`: globs over root-relative, `/`-separated paths; `exclude` wins, an
//!   empty `include` reads everything. A glob that matches a directory covers what is in it.
//! - `[client]`: `entry` (where client requests enter), `page-base` (the path the app is served
//!   under), `origins` (the app's own origins), `env` (values of env-based base URLs),
//!   `read-tests` (read test files' calls too).
//! - `[components.NAME]`: `hosts` and `aliases` (other names for it), `paths` (its files),
//!   `source` (`openapi`, `code` or `both`: what describes its endpoints).
//! - `[rules]`: a rule name or code → `error`, `warning`, `info` or `off`.
//! - `[versions]`: `go`, `spring-cloud-gateway`, `ingress-nginx`, assumed where the repository
//!   does not say (`"1.21"`, `"4.1.2"`).
//!
//! Shape errors come from the TOML deserializer with its span; what it cannot see (an unknown
//! rule, a rule set twice) is checked by [`Config::parse`] with the span of the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer};
use toml::Spanned;

use crate::finding::{Finding, Severity};
use crate::model::settings::{ComponentSettings, EndpointSource, GraphSettings};

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Lowest severity that makes `check` exit 1 (`error`, `warning`, `info`).
    #[serde(default, deserialize_with = "de_fail_on")]
    pub fail_on: Option<String>,
    /// Only files whose root-relative path matches one of these globs are read (empty: all).
    #[serde(default, deserialize_with = "de_globs")]
    pub include: Vec<String>,
    /// Files whose root-relative path matches one of these globs are not read; wins over
    /// `include`.
    #[serde(default, deserialize_with = "de_globs")]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub client: ClientConfig,
    /// Components the repository does not name clearly enough.
    #[serde(default)]
    pub components: BTreeMap<String, ComponentConfig>,
    /// Per-rule severities, keyed by rule name or code as written (validated by
    /// [`Config::parse`]); read them with [`Config::rule_level`].
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleLevel>,
    /// Versions assumed where the repository does not say.
    #[serde(default)]
    pub versions: VersionsConfig,
    /// Error-shape policy: `"problem-details"` turns on `not-problem-details`.
    #[serde(default)]
    pub errors: Option<ErrorPolicy>,
    /// How much work one input may cost.
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// `[limits]`: bounds on the work one input may cost; past one, the input is a `parse-error`
/// that names the key to raise.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    /// Largest file read, in MB (MiB); default [`LimitsConfig::DEFAULT_FILE_SIZE_MB`].
    pub file_size_mb: Option<u64>,
}

impl LimitsConfig {
    pub const DEFAULT_FILE_SIZE_MB: u64 = 64;

    /// The largest file read, in bytes.
    pub fn file_size_bytes(&self) -> u64 {
        self.file_size_mb
            .unwrap_or(Self::DEFAULT_FILE_SIZE_MB)
            .saturating_mul(1 << 20)
    }
}

/// What the system's error responses must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorPolicy {
    /// RFC 9457 `application/problem+json` with `type`, `title`, `status`.
    ProblemDetails,
}

/// Where client requests come from and how the app builds its URLs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientConfig {
    /// The component where client requests enter (an Istio Gateway name, a gateway directory).
    pub entry: Option<String>,
    /// The path the app's pages are served under (`/app/`): relative URLs resolve against it.
    #[serde(default, deserialize_with = "de_page_base")]
    pub page_base: Option<String>,
    /// The app's own origins (`https://blog.example.com`): absolute URLs with one of them are
    /// same-origin requests. Stored without a trailing slash.
    #[serde(default, deserialize_with = "de_origins")]
    pub origins: Vec<String>,
    /// Values of the environment variables base URLs are built from
    /// (`VITE_API_URL = "/blog/api"`).
    #[serde(default, deserialize_with = "de_env")]
    pub env: BTreeMap<String, String>,
    /// Read the calls of test files and end-to-end suites too (`*.test.*`, `*.spec.*`,
    /// `__tests__/`, `e2e/`, `cypress/`), which are skipped by default.
    #[serde(default)]
    pub read_tests: bool,
}

/// A component the repository does not name clearly enough.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComponentConfig {
    /// Host names other layers use for it (`blog.internal`, `blog-svc`). After
    /// [`Config::parse`] this also holds the `aliases`.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Other names for it, with the same effect as `hosts` (`blog`, `blog-api`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Files that belong to it, as globs relative to the root (`services/blog/**`).
    #[serde(default, deserialize_with = "de_globs")]
    pub paths: Vec<String>,
    /// What describes its endpoints: `openapi` (its OpenAPI documents), `code` (its handlers,
    /// such as Spring controllers) or `both` (the union, the default). Also spelled
    /// `endpoints = "…"`.
    #[serde(alias = "endpoints")]
    pub source: Option<EndpointSource>,
}

impl ComponentConfig {
    /// Every name the component is known by besides its own: `hosts`, then `aliases`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.hosts.iter().chain(&self.aliases).map(String::as_str)
    }
}

/// Versions assumed where the repository does not say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VersionsConfig {
    /// Go, for `ServeMux` pattern semantics, when no `go.mod` says (`"1.21"`).
    pub go: Option<Version>,
    /// Spring Cloud Gateway, where no build file of the gateway says (trailing-slash matching).
    pub spring_cloud_gateway: Option<Version>,
    /// ingress-nginx (stored; not read yet).
    pub ingress_nginx: Option<Version>,
}

impl VersionsConfig {
    /// The assumed Go version as `(major, minor)`, the shape `go.mod` versions take.
    pub fn go_version(&self) -> Option<(u32, u32)> {
        self.go.map(|v| (v.major, v.minor))
    }
}

/// A version written `N.N` or `N.N.N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

impl Version {
    /// Parses `N.N` or `N.N.N`.
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = s.split('.');
        let mut num = || -> Option<u32> {
            let p = parts.next()?;
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let major = num()?;
        let minor = num()?;
        let rest: Vec<&str> = parts.collect();
        let patch = match rest.as_slice() {
            [] => None,
            [p] if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => Some(p.parse().ok()?),
            _ => return None,
        };
        Some(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Version;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a version string such as \"1.21\" or \"4.1.2\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Version, E> {
                Version::parse(s).ok_or_else(|| {
                    E::custom(format!(
                        "\"{s}\" is not a version: write it N.N or N.N.N (\"1.21\", \"4.1.2\")"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// What `[rules]` says about a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    /// The rule reports nothing.
    Off,
    /// The rule's findings get this severity.
    Severity(Severity),
}

impl<'de> Deserialize<'de> for RuleLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = RuleLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"error\", \"warning\", \"info\" or \"off\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RuleLevel, E> {
                match s {
                    "off" => Ok(RuleLevel::Off),
                    _ => Severity::parse(s).map(RuleLevel::Severity).ok_or_else(|| {
                        E::custom(format!(
                            "a rule's level is \"error\", \"warning\", \"info\" or \"off\", not \"{s}\""
                        ))
                    }),
                }
            }
        }
        d.deserialize_str(V)
    }
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
        // A FIFO would block the read forever.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::other("not a regular file"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Parses and validates configuration text; `path` only names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let invalid =
            |message: String, span: Option<std::ops::Range<usize>>| ConfigError::Invalid {
                path: path.to_path_buf(),
                text: text.to_owned(),
                message,
                span,
            };
        let mut config: Config =
            toml::from_str(text).map_err(|e| invalid(e.message().trim().to_owned(), e.span()))?;
        let mut seen: BTreeMap<&'static str, &str> = BTreeMap::new();
        for key in config.rules.keys() {
            let written = key.get_ref().as_str();
            let Some(rule) = crate::rules::find_rule(written) else {
                return Err(invalid(unknown_rule_message(written), Some(key.span())));
            };
            let name = rule.meta().name;
            if let Some(first) = seen.insert(name, written) {
                return Err(invalid(
                    format!("rule `{name}` is set twice in [rules] (as `{first}` and `{written}`)"),
                    Some(key.span()),
                ));
            }
        }
        // `aliases` mean what `hosts` mean: the graph reads one list.
        for c in config.components.values_mut() {
            for a in std::mem::take(&mut c.aliases) {
                if !c.hosts.contains(&a) {
                    c.hosts.push(a.clone());
                }
                c.aliases.push(a);
            }
        }
        Ok(config)
    }

    /// What the graph builder needs of this configuration.
    pub fn graph_settings(&self) -> GraphSettings {
        GraphSettings {
            components: self
                .components
                .iter()
                .map(|(name, c)| {
                    let settings = ComponentSettings {
                        hosts: c.hosts.clone(),
                        paths: c.paths.clone(),
                        source: c.source,
                    };
                    (name.clone(), settings)
                })
                .collect(),
            entry: self.client.entry.clone(),
            origins: self.client.origins.clone(),
            go_version: self.versions.go_version(),
            spring_cloud_gateway: self
                .versions
                .spring_cloud_gateway
                .map(|v| (v.major, v.minor)),
        }
    }

    /// What `[rules]` says about a rule, given its name and code; `None` keeps its default.
    pub fn rule_level(&self, rule_name: &str, code: &str) -> Option<RuleLevel> {
        self.rules.iter().find_map(|(k, level)| {
            let k = k.get_ref();
            (k == rule_name || k.eq_ignore_ascii_case(code)).then_some(*level)
        })
    }

    /// Applies `[rules]`: drops the findings of rules turned off and gives the others their
    /// configured severity.
    pub fn apply_rule_levels(&self, findings: Vec<Finding>) -> Vec<Finding> {
        if self.rules.is_empty() {
            return findings;
        }
        findings
            .into_iter()
            .filter_map(|mut f| match self.rule_level(f.rule, f.code) {
                Some(RuleLevel::Off) => None,
                Some(RuleLevel::Severity(s)) => {
                    f.severity = s;
                    Some(f)
                }
                None => Some(f),
            })
            .collect()
    }

    /// Whether a file (by its root-relative display path) is read: it matches `include` (or
    /// `include` is empty) and does not match `exclude`.
    pub fn reads(&self, display: &str) -> bool {
        path_selected(display, &self.include, &self.exclude)
    }
}

/// "unknown rule `x`", with the closest rule name or code when one is close.
fn unknown_rule_message(written: &str) -> String {
    let mut message = format!("unknown rule `{written}` in [rules]");
    let best = crate::rules::RULES
        .iter()
        .flat_map(|r| [r.meta().name, r.meta().code])
        .map(|n| {
            (
                strsim::jaro_winkler(&written.to_ascii_lowercase(), &n.to_ascii_lowercase()),
                n,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((score, name)) = best
        && score > 0.8
    {
        message.push_str(&format!(": did you mean `{name}`?"));
    } else {
        message.push_str(" (`routelint rules` lists them)");
    }
    message
}

/// Whether a root-relative path is selected by include/exclude globs. A glob that matches one
/// of the path's directories covers the path too (`**/generated` excludes what is in it).
pub fn path_selected(display: &str, include: &[String], exclude: &[String]) -> bool {
    let matches_any = |globs: &[String]| {
        let mut p = display;
        loop {
            if crate::glob::any_matches(globs, p) {
                return true;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent,
                None => return false,
            }
        }
    };
    if !exclude.is_empty() && matches_any(exclude) {
        return false;
    }
    include.is_empty() || matches_any(include)
}

fn de_fail_on<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let f = String::deserialize(d)?;
    if matches!(f.as_str(), "error" | "warning" | "info") {
        Ok(Some(f))
    } else {
        Err(de::Error::custom(format!(
            "`fail-on` must be \"error\", \"warning\" or \"info\", not \"{f}\""
        )))
    }
}

/// Globs: non-empty and relative to the root (paths are matched root-relative).
fn de_globs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let globs = Vec::<String>::deserialize(d)?;
    for g in &globs {
        if g.trim().is_empty() {
            return Err(de::Error::custom("a glob cannot be empty"));
        }
        if g.starts_with('/') || g.contains('\\') || g.get(1..2) == Some(":") {
            return Err(de::Error::custom(format!(
                "`{g}`: globs are relative to the checked root and `/`-separated (`services/blog/**`)"
            )));
        }
    }
    Ok(globs)
}

fn de_page_base<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let base = String::deserialize(d)?;
    if !base.starts_with('/') || base.contains(['?', '#']) || base.contains("://") {
        return Err(de::Error::custom(format!(
            "`page-base` is a path starting with `/` (\"/app/\"), not \"{base}\""
        )));
    }
    Ok(Some(base))
}

/// Origins: `scheme://host[:port]`, nothing after but an optional `/`.
fn de_origins<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let origins = Vec::<String>::deserialize(d)?;
    origins
        .into_iter()
        .map(|o| {
            let trimmed = o.strip_suffix('/').unwrap_or(&o);
            let valid = trimmed.split_once("://").is_some_and(|(scheme, host)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    && !host.is_empty()
                    && !host.contains(['/', '?', '#', ' ', '@'])
            });
            if valid {
                Ok(trimmed.to_owned())
            } else {
                Err(de::Error::custom(format!(
                    "`{o}` is not an origin: write scheme and host, without a path (\"https://blog.example.com\")"
                )))
            }
        })
        .collect()
}

/// Environment variables: names of letters, digits and `_`, not starting with a digit.
fn de_env<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let env = BTreeMap::<String, String>::deserialize(d)?;
    for k in env.keys() {
        let ok = k.chars().next().is_some_and(|c| !c.is_ascii_digit())
            && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(de::Error::custom(format!(
                "`{k}` is not an environment variable name (letters, digits and `_`)"
            )));
        }
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, (String, Option<std::ops::Range<usize>>)> {
        Config::parse(Path::new("routelint.toml"), text).map_err(|e| match e {
            ConfigError::Invalid { message, span, .. } => (message, span),
            e => panic!("{e:?}"),
        })
    }

    /// The error message and the text its span covers.
    fn error(text: &str) -> (String, String) {
        let (message, span) = parse(text).expect_err("should not parse");
        let at = span.map(|s| text[s].to_owned()).unwrap_or_default();
        (message, at)
    }

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
            assert_eq!(crate::glob::matches(g, p), want, "{g} vs {p}");
        }
    }

    #[test]
    fn include_and_exclude_select_paths_and_exclude_wins() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let table: &[(&[&str], &[&str], &str, bool)] = &[
            (&[], &[], "a/b.yaml", true),
            (&["deploy/**"], &[], "deploy/k8s/x.yaml", true),
            (&["deploy/**"], &[], "frontend/x.js", false),
            (
                &["deploy"],
                &["deploy/istio"],
                "deploy/istio/vs.yaml",
                false,
            ),
            (&[], &["**/generated"], "a/generated/b/c.yaml", false),
            (&[], &["**/*.json"], "a/openapi.json", false),
            (&[], &["**/*.json"], "a/openapi.yaml", true),
            (&["*/openapi.yaml"], &[], "blog/openapi.yaml", true),
        ];
        for (inc, exc, path, want) in table {
            assert_eq!(
                path_selected(path, &s(inc), &s(exc)),
                *want,
                "{inc:?} {exc:?} {path}"
            );
        }
    }

    #[test]
    fn unknown_keys_point_at_the_line() {
        let (message, span) = parse("[client]\nentri = \"x\"\n").expect_err("unknown key");
        assert!(message.contains("unknown field"), "{message}");
        assert_eq!(span, Some(9..14));
    }

    #[test]
    fn a_full_config_reads() {
        let c = parse(
            "fail-on = \"warning\"\ninclude = [\"services/**\"]\nexclude = [\"**/testdata/**\"]\n\
             [client]\nentry = \"blog-gateway\"\npage-base = \"/app/\"\n\
             origins = [\"https://blog.example.com/\"]\nenv = { VITE_API_URL = \"/blog/api\" }\n\
             read-tests = true\n\
             [components.blog-service]\nhosts = [\"blog.internal\"]\naliases = [\"blog\"]\n\
             paths = [\"services/blog/**\"]\nsource = \"both\"\n\
             [rules]\nmissing-prefix = \"warning\"\nRL901 = \"off\"\n\
             [versions]\ngo = \"1.21\"\nspring-cloud-gateway = \"4.1.2\"\ningress-nginx = \"1.9\"\n",
        )
        .expect("parses");
        assert_eq!(
            c.graph_settings()
                .component_for_path("services/blog/openapi.yaml"),
            Some("blog-service")
        );
        assert_eq!(c.client.entry.as_deref(), Some("blog-gateway"));
        assert_eq!(c.client.page_base.as_deref(), Some("/app/"));
        assert!(c.client.read_tests);
        assert!(c.graph_settings().is_own_origin("HTTPS://blog.example.com"));
        assert!(
            !c.graph_settings()
                .is_own_origin("https://other.example.com")
        );
        assert_eq!(c.client.env["VITE_API_URL"], "/blog/api");
        let blog = &c.components["blog-service"];
        assert_eq!(blog.hosts, ["blog.internal", "blog"], "aliases join hosts");
        assert_eq!(blog.aliases, ["blog"]);
        assert_eq!(blog.source, Some(EndpointSource::Both));
        assert_eq!(
            c.rule_level("missing-prefix", "RL101"),
            Some(RuleLevel::Severity(Severity::Warning))
        );
        assert_eq!(
            c.rule_level("unresolved-call", "RL901"),
            Some(RuleLevel::Off)
        );
        assert_eq!(c.rule_level("no-route", "RL999"), None);
        assert_eq!(c.versions.go_version(), Some((1, 21)));
        assert_eq!(
            c.versions.spring_cloud_gateway.map(|v| v.to_string()),
            Some("4.1.2".to_owned())
        );
        assert!(c.reads("services/blog/openapi.yaml"));
        assert!(!c.reads("services/blog/testdata/x.yaml"));
        assert!(!c.reads("frontend/api.js"));
    }

    #[test]
    fn an_unknown_rule_points_at_its_key_and_suggests_the_closest() {
        let (message, at) = error("[rules]\nmissing-prefx = \"off\"\n");
        assert_eq!(at, "missing-prefx");
        assert!(
            message.contains("unknown rule `missing-prefx`")
                && message.contains("did you mean `missing-prefix`?"),
            "{message}"
        );
        let (message, _) = error("[rules]\nzzzz = \"off\"\n");
        assert!(message.contains("routelint rules"), "{message}");
    }

    #[test]
    fn a_rule_set_twice_by_name_and_code_is_an_error() {
        let (message, at) = error("[rules]\nmissing-prefix = \"off\"\nrl101 = \"warning\"\n");
        assert_eq!(at, "rl101");
        assert!(message.contains("set twice"), "{message}");
    }

    #[test]
    fn values_are_validated_where_they_are_written() {
        let table = [
            ("fail-on = \"fatal\"\n", "\"fatal\"", "`fail-on` must be"),
            ("[rules]\nno-route = \"loud\"\n", "\"loud\"", "not \"loud\""),
            ("[rules]\nno-route = 1\n", "1", "invalid type"),
            ("[versions]\ngo = \"1.x\"\n", "\"1.x\"", "not a version"),
            ("[versions]\ngo = \"1\"\n", "\"1\"", "not a version"),
            ("[versions]\ngo = 1.21\n", "1.21", "invalid type"),
            ("[versions]\nnode = \"20.1\"\n", "node", "unknown field"),
            (
                "[client]\npage-base = \"app/\"\n",
                "\"app/\"",
                "starting with `/`",
            ),
            (
                "[client]\norigins = [\"https://x.example.com/api\"]\n",
                "[\"https://x.example.com/api\"]",
                "not an origin",
            ),
            (
                "[client]\nenv = { \"1X\" = \"/a\" }\n",
                "{ \"1X\" = \"/a\" }",
                "environment variable",
            ),
            (
                "[components.a]\nsource = \"java\"\n",
                "\"java\"",
                "unknown variant",
            ),
            ("exclude = [\"/abs/**\"]\n", "[\"/abs/**\"]", "relative"),
            ("include = \"a/**\"\n", "\"a/**\"", "invalid type"),
        ];
        for (text, want_at, want_message) in table {
            let (message, at) = error(text);
            assert!(message.contains(want_message), "{text}: {message}");
            assert_eq!(at, want_at, "{text}: {message}");
        }
    }

    #[test]
    fn versions_have_two_or_three_numbers() {
        assert_eq!(
            Version::parse("1.21"),
            Some(Version {
                major: 1,
                minor: 21,
                patch: None
            })
        );
        assert_eq!(Version::parse("4.1.2").map(|v| v.patch), Some(Some(2)));
        for bad in ["", "1", "1.", ".1", "1.2.3.4", "v1.2", "1.2-rc1"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn rule_levels_change_and_drop_findings() {
        let c = parse("[rules]\nmissing-prefix = \"off\"\nno-route = \"info\"\n").expect("parses");
        assert_eq!(
            c.rule_level("missing-prefix", "RL101"),
            Some(RuleLevel::Off)
        );
        assert_eq!(
            c.rule_level("no-route", "RL107"),
            Some(RuleLevel::Severity(Severity::Info))
        );
        let finding = |rule: &'static str, code: &'static str| Finding {
            rule,
            code,
            severity: Severity::Error,
            status: Some(404),
            title: "",
            message: String::new(),
            detail: String::new(),
            primary: crate::finding::Label {
                span: crate::source_file::Span::new(crate::source_file::FileId(0), 0, 0),
                message: String::new(),
            },
            related: Vec::new(),
            trace: None,
            help: None,
            notes: Vec::new(),
            fix: None,
            request: None,
            answered_by: None,
            fingerprint: String::new(),
        };
        let out = c.apply_rule_levels(vec![
            finding("missing-prefix", "RL101"),
            finding("no-route", "RL107"),
            finding("trailing-slash", "RL103"),
        ]);
        let got: Vec<(&str, Severity)> = out.iter().map(|f| (f.rule, f.severity)).collect();
        assert_eq!(
            got,
            [
                ("no-route", Severity::Info),
                ("trailing-slash", Severity::Error)
            ]
        );
    }
}
