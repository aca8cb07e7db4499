//! `routelint.toml` end to end: the README's example parses, `include`/`exclude` change which
//! files are read, `[rules]` turns rules off and changes severities, mistakes exit 2 pointing
//! at the TOML line, and `routelint init` writes a file that changes nothing and never
//! overwrites one silently.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, fixture, routelint};
use routelint::config::{Config, RuleLevel};
use routelint::finding::Severity;
use routelint::model::settings::EndpointSource;
use serde_json::Value;

/// The example in README.md, section "Configuration": every key there is.
const EXAMPLE: &str = r#"# Lowest severity that fails the run: "error" (default), "warning" or "info".
fail-on = "error"

# Which files are read: globs over paths relative to the checked root, `/`-separated.
# An empty `include` (the default) reads everything; `exclude` wins over `include`.
# A glob that matches a directory covers everything below it.
include = ["deploy/**", "frontend/**", "api-gateway/**", "*-service/**"]
exclude = ["**/testdata/**", "deploy/legacy"]

[client]
# Where client requests enter, when the repository has several edges.
entry = "blog-gateway"
# The app's own origins: absolute URLs with them are same-origin requests (not read yet).
origins = ["https://blog.example.com"]
# The path the app's pages are served under (not read yet).
page-base = "/app/"
# Values of the environment variables base URLs are built from (not read yet).
env = { VITE_API_URL = "/blog/api" }

# Components the repository does not name clearly enough.
[components.blog-service]
hosts = ["blog.internal", "blog-svc"]   # names other layers use for it
aliases = ["blog"]                      # more names: the same as hosts
paths = ["blog-service/**"]             # files that belong to it
source = "openapi"                      # "openapi", "code" or "both"; only OpenAPI is read today

# Per-rule severity, by rule name or code: "error", "warning", "info" or "off".
[rules]
missing-prefix = "warning"
unresolved-call = "off"
RL109 = "info"                          # prefix-overmatch

# Versions assumed where the repository does not say.
[versions]
go = "1.22"                             # when no go.mod says: ServeMux pattern syntax
spring-cloud-gateway = "4.1"            # not read yet
ingress-nginx = "1.9"                   # not read yet
"#;

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("config-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let dest = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A scratch copy of a fixture with a routelint.toml holding `config`.
fn fixture_with_config(name: &str, rel: &str, config: &str) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&fixture(rel), &dir);
    std::fs::write(dir.join("routelint.toml"), config).expect("write config");
    dir
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn severities(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["rule"], f["severity"]).replace('"', ""))
        .collect()
}

#[test]
fn the_readme_example_parses_and_is_used() {
    let c = Config::parse(Path::new("routelint.toml"), EXAMPLE).expect("the example parses");
    assert_eq!(c.fail_on.as_deref(), Some("error"));
    assert_eq!(c.include.len(), 4);
    assert_eq!(c.exclude, ["**/testdata/**", "deploy/legacy"]);
    assert_eq!(c.client.entry.as_deref(), Some("blog-gateway"));
    assert!(c.graph_settings().is_own_origin("https://blog.example.com"));
    assert_eq!(c.client.page_base.as_deref(), Some("/app/"));
    assert_eq!(c.client.env["VITE_API_URL"], "/blog/api");
    let blog = &c.components["blog-service"];
    assert_eq!(blog.hosts, ["blog.internal", "blog-svc", "blog"]);
    assert_eq!(blog.source, Some(EndpointSource::Openapi));
    assert_eq!(
        c.rule_level("missing-prefix", "RL101"),
        Some(RuleLevel::Severity(Severity::Warning))
    );
    assert_eq!(
        c.rule_level("unresolved-call", "RL901"),
        Some(RuleLevel::Off)
    );
    assert_eq!(
        c.rule_level("prefix-overmatch", "RL109"),
        Some(RuleLevel::Severity(Severity::Info))
    );
    assert_eq!(c.versions.go_version(), Some((1, 22)));
    assert_eq!(
        c.versions.ingress_nginx.map(|v| v.to_string()).as_deref(),
        Some("1.9")
    );

    // And the binary reads it on the repository it describes.
    let dir = fixture_with_config("readme-example", "blog-platform-broken", EXAMPLE);
    let (code, v) = check_json(&dir);
    assert_eq!(code, 1, "{v}");
    let sev = severities(&v);
    assert!(
        sev.contains(&"missing-prefix warning".to_owned()),
        "{sev:?}"
    );
    assert!(
        !sev.iter().any(|s| s.starts_with("unresolved-call")),
        "{sev:?}"
    );
    assert!(!sev.contains(&"missing-prefix error".to_owned()), "{sev:?}");
}

#[test]
fn include_and_exclude_change_which_files_are_read() {
    let (_, all) = check_json(&fixture("blog-platform-broken"));
    assert_eq!(all["summary"]["files"], 13, "{}", all["summary"]);

    let dir = fixture_with_config(
        "exclude",
        "blog-platform-broken",
        "exclude = [\"frontend\"]\n",
    );
    let (_, v) = check_json(&dir);
    assert_eq!(v["summary"]["files"], 10, "{}", v["summary"]);
    assert_eq!(v["summary"]["calls"], 0, "{}", v["summary"]);

    let dir = fixture_with_config(
        "include",
        "blog-platform-broken",
        "include = [\"deploy/**\", \"*-service/openapi.yaml\"]\nexclude = [\"**/media-*\"]\n",
    );
    let (_, v) = check_json(&dir);
    // deploy: 5 Kubernetes files, less media-virtualservice.yaml; two of three services.
    assert_eq!(v["summary"]["files"], 6, "{}", v["summary"]);
    assert_eq!(
        v["summary"]["files_by_kind"],
        serde_json::json!({"kubernetes": 4, "openapi": 2})
    );

    // Nothing left to read is the usual "nothing to check".
    let dir = fixture_with_config(
        "include-nothing",
        "blog-platform-broken",
        "include = [\"docs/**\"]\n",
    );
    let run = routelint(&["check", path_arg(&dir)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to check"), "{}", run.stderr);
}

#[test]
fn rules_can_be_turned_off_or_given_another_severity() {
    let triggers = "rules/missing-prefix/triggers";
    let (code, v) = check_json(&fixture(triggers));
    assert_eq!(code, 1);
    assert_eq!(
        severities(&v),
        ["missing-prefix error", "missing-prefix error"]
    );

    let dir = fixture_with_config(
        "rules-warning",
        triggers,
        "[rules]\nmissing-prefix = \"warning\"\n",
    );
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0, "warnings do not fail the run");
    assert_eq!(
        severities(&v),
        ["missing-prefix warning", "missing-prefix warning"]
    );
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 2);

    // By code, and `fail-on` still applies to the new severity.
    let dir = fixture_with_config(
        "rules-code",
        triggers,
        "fail-on = \"warning\"\n[rules]\nRL101 = \"warning\"\n",
    );
    assert_eq!(check_json(&dir).0, 1);

    let dir = fixture_with_config("rules-off", triggers, "[rules]\nmissing-prefix = \"off\"\n");
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(severities(&v), Vec::<String>::new());
    assert_eq!(v["summary"]["errors"], 0);
    let human = routelint(&["check", path_arg(&dir)]);
    assert_eq!(human.code, 0);
    assert!(!human.stdout.contains("missing-prefix"), "{}", human.stdout);
}

#[test]
fn an_unknown_rule_exits_2_at_its_line_with_a_suggestion() {
    let dir = fixture_with_config(
        "unknown-rule",
        "rules/missing-prefix/triggers",
        "fail-on = \"error\"\n[rules]\nmissing-prefx = \"warning\"\n",
    );
    let run = routelint(&["check", path_arg(&dir)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown rule `missing-prefx`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `missing-prefix`?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("routelint.toml:3:1"), "{}", run.stderr);
}

#[test]
fn wrong_types_and_values_exit_2_at_their_line() {
    let table = [
        (
            "[rules]\nno-route = 1\n",
            "invalid type",
            "routelint.toml:2:12",
        ),
        (
            "[rules]\nno-route = \"loud\"\n",
            "\"loud\"",
            "routelint.toml:2:12",
        ),
        (
            "include = \"deploy/**\"\n",
            "invalid type",
            "routelint.toml:1:11",
        ),
        (
            "[versions]\ngo = \"go1.22\"\n",
            "not a version",
            "routelint.toml:2:6",
        ),
        (
            "[components.x]\nsource = \"java\"\n",
            "unknown variant",
            "routelint.toml:2:10",
        ),
        (
            "[client]\npage-base = \"app\"\n",
            "starting with `/`",
            "routelint.toml:2:13",
        ),
    ];
    for (i, (config, message, at)) in table.iter().enumerate() {
        let dir = fixture_with_config(
            &format!("wrong-{i}"),
            "rules/missing-prefix/triggers",
            config,
        );
        let run = routelint(&["check", path_arg(&dir)]);
        assert_eq!(run.code, 2, "{config}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{config}: {}", run.stderr);
        assert!(run.stderr.contains(at), "{config}: {}", run.stderr);
    }
}

/// The findings of `check --format json`, as JSON text.
fn findings_json(dir: &Path) -> String {
    let (_, v) = check_json(dir);
    v["findings"].to_string()
}

#[test]
fn init_writes_a_config_that_parses_and_changes_no_finding() {
    let dir = scratch("init-roundtrip");
    copy_dir(&fixture("blog-platform-broken"), &dir);
    let before = findings_json(&dir);

    let run = routelint(&["init", path_arg(&dir)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("routelint: wrote"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("note:"),
        "nothing left commented out: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let text = std::fs::read_to_string(dir.join("routelint.toml")).expect("written");
    let config = Config::parse(&dir.join("routelint.toml"), &text).expect("parses back");
    assert_eq!(config.fail_on.as_deref(), Some("error"));
    assert_eq!(config.client.entry.as_deref(), Some("blog-gateway"));
    for name in [
        "api-gateway",
        "blog-gateway",
        "blog-service",
        "comment-service",
        "media-service",
    ] {
        assert!(
            config.components.contains_key(name),
            "{name} missing:\n{text}"
        );
    }
    assert_eq!(config.components["blog-service"].paths, ["blog-service/**"]);
    assert_eq!(
        config
            .graph_settings()
            .component_for_path("api-gateway/main.go"),
        Some("api-gateway")
    );
    assert!(text.contains("# [rules]"), "{text}");
    assert!(text.contains("# exclude = ["), "{text}");

    assert_eq!(
        findings_json(&dir),
        before,
        "the written config changed the findings"
    );
    insta::assert_snapshot!("init_blog_platform_broken", text);
}

#[test]
fn init_never_overwrites_without_force() {
    let dir = scratch("init-force");
    copy_dir(&fixture("rules/missing-prefix/triggers"), &dir);
    std::fs::write(dir.join("routelint.toml"), "# mine\n").expect("write");

    let run = routelint(&["init", path_arg(&dir)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("routelint.toml")).expect("read"),
        "# mine\n"
    );

    let run = routelint(&["init", "--force", path_arg(&dir)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join("routelint.toml")).expect("read");
    assert!(text.contains("[components.cart-service]"), "{text}");
    Config::parse(Path::new("routelint.toml"), &text).expect("parses back");
}

#[test]
fn init_on_nothing_to_check_exits_2_and_writes_nothing() {
    let dir = scratch("init-empty");
    std::fs::write(dir.join("README.md"), "# nothing\n").expect("write");
    let run = routelint(&["init", path_arg(&dir)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nothing to check"), "{}", run.stderr);
    assert!(!dir.join("routelint.toml").exists());
}
