//! `routelint test FILE [PATHS]`: route-test files run against the blog platform. The fixed
//! platform meets every expectation; the broken one fails them with diffs, traces and near
//! misses; a test file with mistakes is a usage error (exit 2) that points at the mistake.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary from the crate root, so that paths (and snapshots) are relative and stable.
fn routelint(args: &[&str]) -> Run {
    let out = Command::cargo_bin("routelint")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run routelint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const FIXED_TESTS: &str = "fixtures/route-tests/blog-fixed.yaml";
const BROKEN_TESTS: &str = "fixtures/route-tests/blog-broken.yaml";
const MALFORMED_TESTS: &str = "fixtures/route-tests/malformed.yaml";
const FIXED: &str = "fixtures/blog-platform-fixed";
const BROKEN: &str = "fixtures/blog-platform-broken";

/// A test file written for one test, under the target directory.
fn scratch_file(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("route-test");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

fn json_run(file: &str, repo: &str) -> (i32, Value) {
    let run = routelint(&["test", file, repo, "--format", "json"]);
    assert_ne!(run.code, 101, "routelint panicked: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, v)
}

fn case<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no case named {name}"))
}

fn hop_components(case: &Value) -> Vec<&str> {
    case["trace"]
        .as_array()
        .expect("trace")
        .iter()
        .map(|h| h["component"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn the_fixed_platform_passes_every_route_test() {
    let run = routelint(&["test", FIXED_TESTS, FIXED]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let (last, cases) = lines.split_last().expect("output");
    assert_eq!(*last, "route tests: 11 passed, 0 failed");
    assert_eq!(cases.len(), 11, "{}", run.stdout);
    assert!(
        cases.iter().all(|l| l.starts_with("PASS ")),
        "{}",
        run.stdout
    );
    assert_eq!(
        cases[..8],
        [
            "PASS log in",
            "PASS register",
            "PASS list posts",
            "PASS read a post",
            "PASS create a post",
            "PASS update a post",
            "PASS delete a post",
            "PASS list categories",
        ]
    );
}

#[test]
fn the_broken_platform_fails_them_with_diffs_traces_and_near_misses() {
    let run = routelint(&["test", BROKEN_TESTS, BROKEN]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout.lines().last(),
        Some("route tests: 1 passed, 10 failed")
    );
    insta::assert_snapshot!("route_test_broken_human", run.stdout);
}

#[test]
fn the_broken_platform_in_json() {
    let (code, v) = json_run(BROKEN_TESTS, BROKEN);
    assert_eq!(code, 1);
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(10))
    );
    insta::assert_json_snapshot!("route_test_broken_json", v);
}

#[test]
fn a_failure_names_each_mismatched_key() {
    let (_, v) = json_run(BROKEN_TESTS, BROKEN);
    let list = case(&v, "list posts");
    assert_eq!(list["passed"], false);
    let keys: Vec<&str> = list["mismatches"]
        .as_array()
        .expect("mismatches")
        .iter()
        .map(|m| m["key"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(keys, ["status", "endpoint", "rewritten.api-gateway"]);
    assert_eq!(list["mismatches"][2]["expected"], "/posts");
    assert_eq!(list["mismatches"][2]["actual"], "/blog/api/posts");
    assert_eq!(
        list["near_miss"][0],
        "missing-strip-prefix: strip /blog/api at api-gateway (blog-service receives /blog/api/posts, serves /posts)"
    );
}

#[test]
fn an_absolute_url_enters_where_its_origin_says() {
    let (code, v) = json_run(FIXED_TESTS, FIXED);
    assert_eq!(code, 0);
    let update = case(&v, "update a post");
    assert_eq!(
        update["request"]["url"],
        "https://blog.example.com/blog/api/posts/5"
    );
    assert_eq!(
        hop_components(update),
        ["blog-gateway", "api-gateway", "blog-service"]
    );
    assert_eq!(update["outcome"]["endpoint"], "PATCH /posts/{id}");

    // An in-cluster URL enters at the service it names, past every gateway.
    let file = scratch_file(
        "in-cluster.yaml",
        "tests:\n  - name: in-cluster delete\n    request: {method: DELETE, url: 'http://blog-service:8005/posts/9?x=1'}\n    expect: {status: 200, component: blog-service, endpoint: 'DELETE /posts/{id}', rewritten: {blog-service: /posts/9}}\n",
    );
    let (code, v) = json_run(file.to_str().expect("utf-8 path"), FIXED);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        hop_components(case(&v, "in-cluster delete")),
        ["blog-service"]
    );
}

#[test]
fn from_starts_the_request_at_a_named_component() {
    let (_, v) = json_run(FIXED_TESTS, FIXED);
    let direct = case(
        &v,
        "the API gateway strips its prefix when entered directly",
    );
    assert_eq!(direct["passed"], true);
    assert_eq!(direct["request"]["from"], "api-gateway");
    assert_eq!(hop_components(direct), ["api-gateway", "blog-service"]);
    assert_eq!(direct["trace"][0]["path_out"], "/posts/5");

    let file = scratch_file(
        "from-healthz.yaml",
        "tests:\n  - name: health\n    request: {url: /healthz, from: api-gateway}\n    expect: {status: 200, endpoint: handler healthz}\n  - name: health by POST\n    request: {method: POST, url: /healthz, from: api-gateway}\n    expect: {status: 405, component: api-gateway}\n",
    );
    let run = routelint(&["test", file.to_str().expect("utf-8 path"), FIXED]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "PASS health\nPASS health by POST\nroute tests: 2 passed, 0 failed\n"
    );
}

#[test]
fn a_malformed_test_file_is_a_usage_error_at_the_bad_key() {
    let run = routelint(&["test", MALFORMED_TESTS, FIXED]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "no test runs");
    assert!(
        run.stderr
            .contains("fixtures/route-tests/malformed.yaml:7:15: `status` must be an HTTP status"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "fixtures/route-tests/malformed.yaml:11:14: unknown key `stauts` in `expect` (did you mean `status`?)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_components_and_unparsable_yaml_are_usage_errors() {
    let file = scratch_file(
        "unknown-component.yaml",
        "tests:\n  - name: x\n    request: {url: /blog/api/posts, from: api-gatway}\n    expect:\n      rewritten: {blog-servic: /posts}\n",
    );
    let path = file.to_str().expect("utf-8 path");
    let run = routelint(&["test", path, FIXED]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{path}:3:43: no component named `api-gatway` in this repository (did you mean `api-gateway`?)"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("{path}:5:19: no component named `blog-servic`")),
        "{}",
        run.stderr
    );

    let file = scratch_file("broken-yaml.yaml", "tests:\n  - name: x\n   request: [\n");
    let path = file.to_str().expect("utf-8 path");
    let run = routelint(&["test", path, FIXED]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&format!("{path}:3:")) && run.stderr.contains("invalid YAML"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_test_file_is_a_usage_error() {
    let run = routelint(&["test", "fixtures/route-tests/nope.yaml", FIXED]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fixtures/route-tests/nope.yaml"),
        "{}",
        run.stderr
    );
}
