//! The practice set's runner (`benches/real/run`) scored on a tiny fake case: a git repository
//! made by the test from the blog-platform fixture (a broken commit and a half-fixed one), and a
//! case file whose every kind of entry has a known verdict. The real cases need network clones
//! and are a bench, not a test; this keeps the scoring they rely on honest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sh(dir: &Path, cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A bare clone of a repository whose first commit is blog-platform-broken and whose second
/// fixes only the frontend's `/api` prefix (the gateway's missing strip stays), laid out as
/// `<repos>/example+blog.git`. Returns (repos dir, broken commit, half-fixed commit).
fn make_repos(tmp: &Path) -> (PathBuf, String, String) {
    let src = tmp.join("src");
    copy_dir(&root().join("fixtures/blog-platform-broken"), &src);
    sh(&src, "git", &["init", "-q", "-b", "main"]);
    sh(&src, "git", &["add", "-A"]);
    sh(&src, "git", &["commit", "-q", "-m", "broken"]);
    let broken = sh(&src, "git", &["rev-parse", "HEAD"]);
    fs::copy(
        root().join("fixtures/blog-platform-fixed/frontend/src/api.js"),
        src.join("frontend/src/api.js"),
    )
    .expect("copy api.js");
    sh(&src, "git", &["commit", "-q", "-am", "call /blog/api"]);
    let fixed = sh(&src, "git", &["rev-parse", "HEAD"]);
    let repos = tmp.join("repos");
    fs::create_dir_all(&repos).expect("mkdir repos");
    sh(
        &repos,
        "git",
        &[
            "clone",
            "-q",
            "--bare",
            src.to_str().expect("utf-8"),
            "example+blog.git",
        ],
    );
    (repos, broken, fixed)
}

const CASE: &str = r#"
repo = "example/blog"
commit = "BROKEN"
kind = "bug"
fixed = "FIXED"

# found: routelint says 404 here
[[call]]
at = "frontend/src/api.js:19"
method = "GET"
path = "/api/posts"
outcome = "expect"
status = 404
hop = "deploy/istio/virtualservice.yaml:15"
why = "no rule of the VirtualService matches /api"

# wrong status: routelint says 404, the case says 405
[[call]]
at = "frontend/src/api.js:5"
method = "POST"
path = "/api/login"
outcome = "expect"
status = 405
hop = "deploy/istio/virtualservice.yaml:15"
why = "(made up for the test)"

# missed: routelint finds nothing here
[[call]]
at = "frontend/src/comments/comments.js:9"
method = "POST"
path = "/blog/comment-api/comments"
outcome = "expect"
status = 404
hop = "deploy/istio/virtualservice.yaml:20"
why = "(made up for the test)"

# found, one line off and with another parameter name; still reported at the half fix
[[call]]
at = "frontend/src/posts/editor.js:13"
method = "PATCH"
path = "/blog/api/posts/{slug}"
outcome = "expect"
status = 404
hop = "api-gateway/main.go:46"
why = "no StripPrefix"

# checked
[[call]]
at = "frontend/src/comments/comments.js:4"
method = "GET"
path = "/blog/comment-api/comments"
outcome = "ok"
why = "(test)"

# unresolved: routelint reads the call but not its URL
[[call]]
at = "frontend/src/comments/comments.js:27"
method = "POST"
path = "/analytics"
outcome = "ok"
why = "(test)"

# checked, and the no-route error on it is a false alarm
[[call]]
at = "frontend/src/posts/editor.js:30"
method = "GET"
path = "/blog/api/tags"
outcome = "ok"
why = "(test)"

# misread: routelint reads GET there; its double-slash error is a false alarm
[[call]]
at = "frontend/src/comments/comments.js:22"
method = "POST"
path = "/blog/media/images/{name}"
outcome = "ok"
why = "(test)"

# unread: nothing there
[[call]]
at = "frontend/src/api.js:200"
method = "GET"
path = "/nothing"
outcome = "ok"
why = "(test)"

# out of scope: its case-mismatch error is a false alarm
[[call]]
at = "frontend/src/posts/editor.js:25"
method = "GET"
path = "/Blog/api/posts"
outcome = "out_of_scope"
why = "(test)"
"#;

#[test]
fn practice_runner_scores_every_kind_of_entry_of_a_fake_bug_case() {
    let tmp = std::env::temp_dir().join(format!("routelint-practice-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let (repos, broken, fixed) = make_repos(&tmp);
    let cases = tmp.join("cases");
    fs::create_dir_all(&cases).expect("mkdir cases");
    fs::write(
        cases.join("fake.toml"),
        CASE.replace("BROKEN", &broken).replace("FIXED", &fixed),
    )
    .expect("write case");
    let out = Command::new("python3")
        .arg(root().join("benches/real/run"))
        .args(["--repos", repos.to_str().expect("utf-8")])
        .args(["--cases", cases.to_str().expect("utf-8")])
        .args(["--routelint", env!("CARGO_BIN_EXE_routelint")])
        .args(["--work", tmp.join("work").to_str().expect("utf-8")])
        .args(["--json", tmp.join("score.json").to_str().expect("utf-8")])
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let score: Value =
        serde_json::from_str(&fs::read_to_string(tmp.join("score.json")).expect("score.json"))
            .expect("JSON");
    let s = &score["cases"]["fake"];
    let get = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{k} in {s}"));
    assert_eq!(s["error"], Value::Null, "{s}");
    // 4 expected calls: 2 found, 1 wrong status, 1 missed.
    assert_eq!(
        (get("expect"), get("found"), get("wrong_status")),
        (4, 2, 1)
    );
    // 14 error findings; 3 belong to expected calls (2 found, 1 wrong status).
    assert_eq!(get("false_alarms"), 11);
    assert_eq!(
        (
            get("ok"),
            get("checked"),
            get("unresolved"),
            get("misread"),
            get("unread")
        ),
        (5, 2, 1, 1, 1)
    );
    assert_eq!(get("out_of_scope"), 1);
    // At the half fix, the PATCH still gets its missing-strip-prefix; the old /api paths are gone.
    assert_eq!(get("oracle_still"), 1);
    assert_eq!(s["passes"], Value::Bool(false));
    assert!(
        stdout.contains("total: 1 cases (1 bugs), 0 pass · recall 2/4 (50%)"),
        "{stdout}"
    );
    let _ = fs::remove_dir_all(&tmp);
}

#[test]
fn practice_cases_are_well_formed() {
    let out = Command::new("python3")
        .arg(root().join("benches/real/run"))
        .arg("--lint")
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
