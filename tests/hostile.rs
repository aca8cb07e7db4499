//! Hostile inputs never crash or hang routelint: a very deep input in each reader is a clean
//! `parse-error` (or is read as far as it is safe), never a stack overflow; every run here
//! has a deadline, so a hang fails the test instead of stalling the suite. Inputs are
//! generated, not committed.

mod common;

use std::path::{Path, PathBuf};

use common::run_with_deadline;

use serde_json::Value;

/// Levels of nesting: far beyond any limit, and deep enough to overflow an unbounded
/// recursion on any stack routelint's threads have.
const DEEP: usize = 30_000;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(p, text).expect("write");
}

/// `check --format json` on `dir`: exits normally (no abort, no panic) with JSON.
fn check(dir: &Path) -> Value {
    let (code, stdout, stderr) = run_with_deadline(
        &["check", "--format", "json", dir.to_str().unwrap()],
        None,
        120,
    );
    assert!(
        code == 0 || code == 1,
        "routelint exited {code} (134 is a stack overflow, 101 a panic): {stderr}"
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"))
}

/// `rule instance` of each finding, and the start of its detail.
fn findings(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let detail: String = f["detail"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect();
            format!(
                "{} {} {detail}",
                f["rule"].as_str().unwrap_or(""),
                f["instance"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Each finding starts with the expected text, in order.
#[track_caller]
fn assert_findings(v: &Value, want: &[&str]) {
    let got = findings(v);
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.starts_with(w), "{g:?} does not start with {w:?}");
    }
}

fn open(n: usize, s: &str) -> String {
    s.repeat(n)
}

#[test]
fn deep_properties_indexes_and_dotted_keys_are_a_parse_error() {
    for (name, key) in [
        (
            "indexes",
            format!("spring.cloud.gateway.routes[0]{}", open(DEEP, "[0]")),
        ),
        (
            "dotted",
            format!("spring.cloud.gateway.{}", vec!["a"; DEEP].join(".")),
        ),
    ] {
        let dir = scratch(&format!("properties-{name}"));
        write(
            &dir,
            "application.properties",
            &format!("server.port=8080\n{key}=x\n"),
        );
        assert_findings(
            &check(&dir),
            &[
                "parse-error application.properties:2:1 properties key nested more than 256 levels deep: it",
            ],
        );
    }
}

#[test]
fn deep_yaml_and_json_are_a_parse_error() {
    let dir = scratch("yaml-json");
    write(
        &dir,
        "deploy/vs.yaml",
        &format!(
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: x}}\nspec:\n  http: {}{}\n",
            open(DEEP, "["),
            open(DEEP, "]")
        ),
    );
    write(
        &dir,
        "spec/openapi.json",
        &format!(
            "{{\"openapi\":\"3.0.0\",\"paths\":{}{}}}",
            open(DEEP, "["),
            open(DEEP, "]")
        ),
    );
    assert_findings(
        &check(&dir),
        &[
            "parse-error deploy/vs.yaml:5:264 YAML does not parse: recursion limit exceeded. The rest",
            "parse-error spec/openapi.json:1:539 OpenAPI document does not parse: JSON nested too deep",
        ],
    );
}

#[test]
fn deep_nginx_and_traefik_are_a_parse_error() {
    let dir = scratch("nginx-traefik");
    write(
        &dir,
        "nginx.conf",
        &format!(
            "http {{ server {{ listen 80; {}{} }} }}\n",
            open(DEEP, "location /a { "),
            open(DEEP, "}")
        ),
    );
    write(
        &dir,
        "traefik.toml",
        &format!(
            "[http.routers.r]\nrule = \"PathPrefix(`/a`)\"\nx = {}1{}\n",
            open(DEEP, "{a="),
            open(DEEP, "}")
        ),
    );
    write(
        &dir,
        "dyn/traefik.yml",
        &format!(
            "http:\n  routers:\n    r:\n      rule: \"{}PathPrefix(`/a`){}\"\n      service: s\n",
            open(DEEP, "("),
            open(DEEP, ")")
        ),
    );
    assert_findings(
        &check(&dir),
        &[
            "parse-error dyn/traefik.yml:4:79 Traefik router `r`: rule `(((((((((((((((((((((((((((((",
            "parse-error nginx.conf:1:908 blocks nested too deeply. The rest of the repository is",
            "parse-error traefik.toml:3:245 TOML does not parse: cannot recurse further; max recur",
        ],
    );
}

#[test]
fn deep_code_in_every_language_does_not_crash() {
    let dir = scratch("code");
    let parens = |inner: &str| format!("{}{inner}{}", open(DEEP, "("), open(DEEP, ")"));
    write(
        &dir,
        "gw/main.go",
        &format!(
            "package main\nimport \"net/http\"\nfunc main() {{\n http.HandleFunc(\"/a\", nil)\n x := {}\n _ = x\n}}\n",
            parens("1")
        ),
    );
    write(
        &dir,
        "java/src/main/java/A.java",
        &format!(
            "@RestController class A {{ @GetMapping(\"/a\") int f() {{ return {}; }} }}\n",
            parens("1")
        ),
    );
    write(
        &dir,
        "kt/src/main/kotlin/A.kt",
        &format!(
            "@RestController class A {{ @GetMapping(\"/a\") fun f() = {} }}\n",
            parens("1")
        ),
    );
    write(
        &dir,
        "py/app.py",
        &format!(
            "from flask import Flask\napp = Flask(__name__)\n@app.route('/a')\ndef f():\n    return {}\n",
            parens("1")
        ),
    );
    write(
        &dir,
        "web/a.js",
        &format!("fetch('/a' + {});\n", parens("'b'")),
    );
    let v = check(&dir);
    let kinds = &v["summary"]["files_by_kind"];
    for kind in ["go", "java", "kotlin", "python", "js/ts"] {
        assert_eq!(kinds[kind], 1, "{kind} file read: {kinds}");
    }
}

/// Services and the Deployments they select, `n` of each, as one multi-document YAML.
fn services(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: dep-{i}}}\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dep-{i}\nspec:\n  selector:\n    matchLabels: {{app: dep-{i}}}\n  template:\n    metadata:\n      labels: {{app: dep-{i}}}\n    spec:\n      containers:\n      - name: c\n        image: dep-{i}:1\n---\n"
        ));
    }
    s
}

#[test]
fn a_file_over_the_size_limit_is_a_parse_error_naming_the_limit() {
    let dir = scratch("too-large");
    // 2 MB of Kubernetes objects against a 1 MB limit; a 2 MB script that routelint would not
    // read anyway is only a note.
    let big = services(6_000);
    assert!(big.len() > 2 << 20 && big.len() < 3 << 20, "{}", big.len());
    write(&dir, "deploy/all.yaml", &big);
    write(&dir, "web/bundle.js", &"var x = 1;\n".repeat(200_000));
    write(&dir, "web/ok.js", "fetch('/a');\n");
    write(&dir, "routelint.toml", "[limits]\nfile-size-mb = 1\n");
    let v = check(&dir);
    assert_findings(
        &v,
        &[
            "parse-error deploy/all.yaml:1:1 too large: 3 MB, limit 1 MB; raise it with `[limits] file-size-mb` in routelint.toml",
            "unresolved-call web/ok.js:1:7 the repository has no routes or endpoints",
        ],
    );
    assert_eq!(
        v["summary"]["skipped"],
        serde_json::json!([{"path": "web/bundle.js", "reason": "too large: 3 MB, limit 1 MB; raise it with `[limits] file-size-mb` in routelint.toml"}])
    );
    // Raised, the file is read.
    write(&dir, "routelint.toml", "[limits]\nfile-size-mb = 8\n");
    let v = check(&dir);
    assert!(
        findings(&v).iter().all(|f| !f.starts_with("parse-error")),
        "{:?}",
        findings(&v)
    );
    assert_eq!(v["summary"]["files_by_kind"]["kubernetes"], 1);
}

#[test]
fn an_unknown_limit_is_a_config_error() {
    let dir = scratch("bad-limit");
    write(&dir, "web/ok.js", "fetch('/a');\n");
    write(&dir, "routelint.toml", "[limits]\nfile-size = 1\n");
    let (code, _, stderr) = run_with_deadline(&["check", dir.to_str().unwrap()], None, 60);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown field `file-size`"), "{stderr}");
}

#[test]
fn a_byte_order_mark_hides_nothing_and_shifts_no_column() {
    let dir = scratch("bom");
    let bom = "\u{feff}";
    write(
        &dir,
        "kong/kong.yaml",
        &format!(
            "{bom}_format_version: \"3.0\"\nservices:\n- name: api\n  url: http://api:8080\n  routes:\n  - name: r\n    paths: [/api]\n"
        ),
    );
    write(
        &dir,
        "traefik/dynamic.toml",
        &format!(
            "{bom}[http.routers.r]\nrule = \"PathPrefix(`/t`)\"\nservice = \"s\"\n[http.services.s.loadBalancer]\n[[http.services.s.loadBalancer.servers]]\nurl = \"http://t:80\"\n"
        ),
    );
    write(&dir, "web/a.js", &format!("{bom}fetch('/nowhere');\n"));
    let v = check(&dir);
    let kinds = &v["summary"]["files_by_kind"];
    assert_eq!(kinds["kong"], 1, "{kinds}");
    assert_eq!(kinds["traefik"], 1, "{kinds}");
    assert_eq!(v["summary"]["routes"], 2);
    // The call's URL is at column 7 of line 1, as an editor shows it.
    let f = findings(&v);
    assert!(f.iter().any(|f| f.contains(" web/a.js:1:7 ")), "{f:?}");
}
