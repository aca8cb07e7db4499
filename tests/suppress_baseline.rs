//! Inline suppressions and baselines, through the binary: what a `routelint-ignore` comment
//! silences and what it reports about itself (`unused-suppression`), and that a baseline hides
//! the recorded findings across edits that move code while still reporting new ones.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, fixture, routelint, summarize};
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Replaces `from` by `to` in a file, once; the test is wrong if `from` is not there.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).expect("write");
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `rule path:line:col message` of each finding of a rule.
fn messages(v: &Value, rule: &str) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{} {}",
                f["instance"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// What the suppressions fixture reports: the four suppressed calls, the parse error and the
/// dead route are gone; the comments that do nothing are reported.
const SUPPRESSED: [&str; 6] = [
    "unused-suppression - web/src/cart.ts:16:3",
    "missing-prefix 404 web/src/cart.ts:17:27 GET /api/cart/count",
    "unused-suppression - web/src/cart.ts:22:24",
    "missing-prefix 404 web/src/cart.ts:23:22 DELETE /api/cart/items/{sku}",
    "unused-suppression - web/src/cart.ts:27:3",
    "unused-suppression - web/src/cart.ts:37:40",
];

#[test]
fn suppressions_silence_their_line_and_report_what_does_nothing() {
    let (code, v) = check_json(&fixture("suppressions"));
    assert_eq!(summarize(&v), SUPPRESSED);
    assert_eq!(code, 1, "the unsuppressed calls still fail the check");
    assert_eq!(
        messages(&v, "unused-suppression"),
        [
            "web/src/cart.ts:16:3 suppression needs a reason: `-- why`",
            "web/src/cart.ts:22:24 no rule named `missing-prefx`: did you mean `missing-prefix`?",
            "web/src/cart.ts:27:3 suppression of `trailing-slash` matches no finding",
            "web/src/cart.ts:37:40 `case-mismatch` in this suppression matches no finding",
        ]
    );
    let unused = &v["findings"][4];
    assert_eq!(unused["code"], "RL002");
    assert_eq!(unused["severity"], "warning");
    assert_eq!(
        (
            unused["location"]["column"].as_u64(),
            unused["location"]["end_column"].as_u64()
        ),
        (Some(3), Some(71)),
        "the span runs from the marker to the end of the comment"
    );
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["fingerprint"].as_str().is_some_and(|p| p.len() == 16)),
        "every finding has a fingerprint"
    );
}

#[test]
fn without_the_comments_every_finding_comes_back() {
    let dir = scratch("suppress-removed");
    copy_dir(&fixture("suppressions"), &dir);
    for file in ["web/src/cart.ts", "k8s/shop.yaml", "k8s/promotions.yaml"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replace("routelint-ignore", "note")).expect("write");
    }
    let run = routelint(&["check", "--coverage", "--format", "json", s(&dir)]);
    let v: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        summarize(&v),
        [
            "parse-error - k8s/promotions.yaml:10:5",
            "dead-route - k8s/shop.yaml:34:9",
            "missing-prefix 404 web/src/cart.ts:7:27 GET /api/cart",
            "missing-prefix 404 web/src/cart.ts:12:20 POST /api/cart/items",
            "missing-prefix 404 web/src/cart.ts:17:27 GET /api/cart/count",
            "missing-prefix 404 web/src/cart.ts:23:22 DELETE /api/cart/items/{sku}",
            "missing-prefix 404 web/src/cart.ts:33:15 POST /api/cart/checkout",
            "missing-prefix 404 web/src/cart.ts:38:15 POST /api/cart/share",
        ]
    );
}

#[test]
fn a_yaml_comment_silences_a_coverage_finding_on_its_route() {
    // The dead-route suppression is not reported as unused in a normal run (the rule did not
    // run), and silences the finding when coverage is asked for.
    let run = routelint(&[
        "check",
        "--coverage",
        "--format",
        "json",
        s(&fixture("suppressions")),
    ]);
    let v: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(summarize(&v), SUPPRESSED);
}

#[test]
fn suppression_reports_render_with_the_comment() {
    let run = routelint(&["check", s(&fixture("suppressions"))]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("suppressions_human", run.stdout);
}

#[test]
fn unused_suppression_is_a_documented_rule() {
    let rules = routelint(&["rules"]);
    assert!(
        rules
            .stdout
            .lines()
            .any(|l| l
                .split_whitespace()
                .take(3)
                .eq(["RL002", "unused-suppression", "warning"])),
        "{}",
        rules.stdout
    );
    for name in ["unused-suppression", "RL002"] {
        let explain = routelint(&["explain", name]);
        assert_eq!(explain.code, 0);
        assert!(
            explain
                .stdout
                .starts_with("unused-suppression (RL002): Suppression comment matches no finding"),
            "{}",
            explain.stdout
        );
    }
}

/// A copy of the broken blog platform and a baseline path outside it.
fn blog_copy(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let repo = dir.join("repo");
    copy_dir(&fixture("blog-platform-broken"), &repo);
    (repo, dir.join("baseline.json"))
}

fn write_baseline(repo: &Path, baseline: &Path) {
    let run = routelint(&["check", "--write-baseline", s(baseline), s(repo)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("recorded 15 findings"),
        "{}",
        run.stderr
    );
}

/// `check --baseline` in human and JSON form: exit code, the note, the kept findings.
fn check_against(repo: &Path, baseline: &Path) -> (i32, String, Vec<String>) {
    let human = routelint(&["check", "--baseline", s(baseline), s(repo)]);
    let note = human
        .stdout
        .lines()
        .find(|l| l.starts_with("baseline: "))
        .unwrap_or("")
        .to_owned();
    let json = routelint(&[
        "check",
        "--format",
        "json",
        "--baseline",
        s(baseline),
        s(repo),
    ]);
    assert_eq!(human.code, json.code);
    let v: Value = serde_json::from_str(&json.stdout).expect("json");
    (human.code, note, summarize(&v))
}

#[test]
fn a_baseline_records_every_finding_once_sorted_by_fingerprint() {
    let (repo, baseline) = blog_copy("baseline-file");
    write_baseline(&repo, &baseline);
    let text = std::fs::read_to_string(&baseline).expect("baseline written");
    let v: Value = serde_json::from_str(&text).expect("baseline is JSON");
    assert_eq!(v["routelint_baseline"], 1);
    let entries = v["findings"].as_array().expect("findings");
    let recorded: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = recorded.clone();
    sorted.sort_unstable();
    assert_eq!(recorded, sorted);
    let (_, findings) = check_json(&repo);
    let mut expected: Vec<&str> = findings["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or(""))
        .collect();
    expected.sort_unstable();
    assert_eq!(recorded, expected);
    for e in entries {
        let keys: Vec<&str> = e
            .as_object()
            .expect("entry")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["fingerprint", "rule", "request", "path"]);
    }
    assert!(
        entries
            .iter()
            .any(|e| e["rule"] == "missing-prefix" && e["request"] == "GET /api/posts"),
        "{text}"
    );
    assert_eq!(
        text.lines().count(),
        15 + 5,
        "one line per finding:\n{text}"
    );
}

#[test]
fn a_baseline_hides_old_findings_across_edits_and_reports_new_ones() {
    let (repo, baseline) = blog_copy("baseline-edits");
    write_baseline(&repo, &baseline);
    let (code, note, kept) = check_against(&repo, &baseline);
    assert_eq!(
        (code, note.as_str()),
        (
            0,
            "baseline: 15 baselined, 0 baseline entries no longer occur"
        )
    );
    assert!(kept.is_empty(), "{kept:?}");

    // Move code around and change what does not identify a finding.
    let api = repo.join("frontend/src/api.js");
    edit(
        &api,
        "// API client",
        "// Moved by a refactoring.\n\n/* A block\n   comment. */\n\n// API client",
    );
    edit(
        &api,
        "const res = await fetch('/api/categories');",
        "const res = await fetch(\n    '/api/categories',\n  );",
    );
    edit(
        &api,
        "getPost(id) {\n  const res = await fetch(`/api/posts/${id}`);",
        "getPost(postId) {\n  const res = await fetch(`/api/posts/${postId}`);",
    );
    edit(
        &repo.join("blog-service/openapi.yaml"),
        "{description: categories}",
        "{description: every category}",
    );
    let (code, note, kept) = check_against(&repo, &baseline);
    assert_eq!(
        (code, note.as_str()),
        (
            0,
            "baseline: 15 baselined, 0 baseline entries no longer occur"
        )
    );
    assert!(kept.is_empty(), "{kept:?}");

    // A new broken call is reported; fixing an old one (the comment route now allows DELETE)
    // leaves a stale entry.
    edit(
        &api,
        "export async function listCategories",
        "export async function listDrafts() {\n  const res = await fetch('/api/posts?draft=1', { method: 'PUT' });\n  return res.json();\n}\n\nexport async function listCategories",
    );
    edit(
        &repo.join("deploy/istio/virtualservice.yaml"),
        "regex: \"GET|POST\"",
        "regex: \"GET|POST|DELETE\"",
    );
    let (code, note, kept) = check_against(&repo, &baseline);
    assert_eq!(
        kept,
        ["missing-prefix 404 frontend/src/api.js:52:27 PUT /api/posts"]
    );
    assert_eq!(
        (code, note.as_str()),
        (
            1,
            "baseline: 14 baselined, 1 baseline entry no longer occurs"
        )
    );
}

#[test]
fn a_baseline_entry_covers_one_finding() {
    let (repo, baseline) = blog_copy("baseline-multiset");
    write_baseline(&repo, &baseline);
    // The same call twice in the same file: the same fingerprint, one entry.
    edit(
        &repo.join("frontend/src/api.js"),
        "export async function listCategories() {",
        "export async function listCategories() {\n  await fetch('/api/categories');",
    );
    let (code, note, kept) = check_against(&repo, &baseline);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].contains("GET /api/categories"), "{kept:?}");
    assert_eq!(
        (code, note.as_str()),
        (
            1,
            "baseline: 15 baselined, 0 baseline entries no longer occur"
        )
    );
}

#[test]
fn a_baseline_that_cannot_be_read_is_a_usage_error() {
    let dir = scratch("baseline-bad");
    let repo = fixture("blog-platform-broken");
    let cases = [
        ("missing.json", None, "no such file"),
        (
            "invalid.json",
            Some("{\"routelint_baseline\": 1,"),
            "invalid JSON",
        ),
        ("list.json", Some("[]"), "not a routelint baseline"),
        (
            "version.json",
            Some("{\"routelint_baseline\": 7, \"findings\": []}"),
            "unsupported version 7",
        ),
        (
            "shape.json",
            Some("{\"routelint_baseline\": 1, \"findings\": [{\"rule\": \"x\"}]}"),
            "finding 1 has no \"fingerprint\"",
        ),
    ];
    for (name, text, says) in cases {
        let path = dir.join(name);
        if let Some(text) = text {
            std::fs::write(&path, text).expect("write");
        }
        let run = routelint(&["check", "--baseline", s(&path), s(&repo)]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("cannot read baseline"),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}: {}", run.stdout);
    }
    let run = routelint(&["check", "--baseline", s(&dir), s(&repo)]);
    assert_eq!(run.code, 2, "a directory: {}", run.stderr);
    let run = routelint(&[
        "check",
        "--write-baseline",
        s(&dir.join("no/such/dir/b.json")),
        s(&repo),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot write baseline"),
        "{}",
        run.stderr
    );
}
