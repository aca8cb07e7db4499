//! The command line as users and CI meet it: exit codes, configuration errors, colors,
//! fingerprints that survive edits.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, fixture, routelint};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let run = routelint(&["check", "/definitely/not/here"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_directory_with_nothing_to_check_exits_2() {
    let dir = scratch("nothing");
    std::fs::write(dir.join("README.md"), "# hello\n").expect("write");
    let run = routelint(&["check", dir.to_str().unwrap_or("")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nothing to check"), "{}", run.stderr);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    assert_eq!(routelint(&["check", "--frobnicate"]).code, 2);
}

#[test]
fn an_unknown_config_key_points_at_the_toml_line() {
    let dir = scratch("bad-config");
    copy_dir(&fixture("rules/missing-prefix/triggers"), &dir);
    std::fs::write(
        dir.join("routelint.toml"),
        "[client]\nentry = \"shop-gateway\"\nentri = \"typo\"\n",
    )
    .expect("write");
    let run = routelint(&["check", dir.to_str().unwrap_or("")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown field `entri`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("routelint.toml:3:1"), "{}", run.stderr);
}

#[test]
fn config_fail_on_warning_makes_parse_errors_fail_the_run() {
    let dir = scratch("fail-on-config");
    copy_dir(&fixture("rules/parse-error/triggers"), &dir);
    std::fs::write(dir.join("routelint.toml"), "fail-on = \"warning\"\n").expect("write");
    assert_eq!(routelint(&["check", dir.to_str().unwrap_or("")]).code, 1);
    // The flag wins over the file.
    assert_eq!(
        routelint(&["check", "--fail-on", "error", dir.to_str().unwrap_or("")]).code,
        0
    );
}

#[test]
fn configured_hosts_link_a_destination_routelint_could_not_name() {
    let dir = scratch("config-hosts");
    copy_dir(&fixture("rules/missing-prefix/silent"), &dir);
    // Rename the service's folder: nothing links `cart-service` to it any more...
    std::fs::rename(dir.join("cart-service"), dir.join("carts")).expect("rename");
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["unresolved"], 2, "unknown is not wrong: {v}");
    // ...until the config says which files are cart-service.
    std::fs::write(
        dir.join("routelint.toml"),
        "[components.cart-service]\npaths = [\"carts/**\"]\n",
    )
    .expect("write");
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["unresolved"], 0, "{v}");
}

#[test]
fn no_color_when_piped_and_color_when_asked() {
    let plain = routelint(&[
        "check",
        fixture("rules/case-mismatch/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(!plain.stdout.contains('\u{1b}'));
    let colored = routelint(&[
        "check",
        "--color",
        "always",
        fixture("rules/case-mismatch/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(colored.stdout.contains("\u{1b}["));
}

#[test]
fn fingerprints_survive_moving_the_call_and_rewording() {
    let dir = scratch("fingerprint");
    copy_dir(&fixture("rules/missing-prefix/triggers"), &dir);
    let (_, before) = check_json(&dir);
    let path = dir.join("web/src/cart.ts");
    let text = std::fs::read_to_string(&path).expect("read");
    // Move the code down, reformat the call, rename the parameter in the path.
    let moved = format!(
        "// a new header comment\n\n\n{}",
        text.replace("fetch('/api/cart')", "fetch(\n    '/api/cart',\n  )")
    );
    std::fs::write(&path, moved).expect("write");
    let (_, after) = check_json(&dir);
    let fp = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_ne!(
        before["findings"][0]["location"],
        after["findings"][0]["location"]
    );
    assert_eq!(fp(&before), fp(&after));
    // A different request is a different fingerprint.
    let fps = fp(&before);
    assert_ne!(fps[0], fps[1]);
}

#[test]
fn output_is_the_same_bytes_on_every_run() {
    let a = routelint(&[
        "check",
        "--format",
        "json",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
    ]);
    let b = routelint(&[
        "check",
        "--format",
        "json",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn output_writes_the_report_to_a_file_and_nothing_to_stdout() {
    let dir = scratch("output");
    let out = dir.join("report.json");
    let run = routelint(&[
        "check",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap_or(""),
        fixture("rules/case-mismatch/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report")).expect("json");
    assert_eq!(v["findings"][0]["rule"], "case-mismatch");
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.json"]);
}

#[test]
fn quiet_prints_findings_without_the_summary_and_statistics_counts_per_rule() {
    let broken = fixture("blog-platform-broken");
    let quiet = routelint(&["check", "--quiet", broken.to_str().unwrap_or("")]);
    assert!(
        quiet.stdout.starts_with("error[missing-prefix]"),
        "{}",
        quiet.stdout
    );
    assert!(!quiet.stdout.contains("routelint: "), "{}", quiet.stdout);
    let clean = routelint(&[
        "check",
        "--quiet",
        fixture("blog-platform-fixed").to_str().unwrap_or(""),
    ]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
    let stats = routelint(&["check", "--statistics", broken.to_str().unwrap_or("")]);
    assert_eq!(
        stats.stdout,
        "    8  RL101  missing-prefix\n    1  RL102  missing-strip-prefix\n    1  RL103  trailing-slash\n    1  RL104  case-mismatch\n    1  RL105  double-slash\n    1  RL106  method-not-allowed\n    1  RL107  no-route\n    1  RL901  unresolved-call\n"
    );
    assert_eq!(stats.code, 1);
}

#[test]
fn fail_on_status_fails_only_for_the_listed_statuses() {
    let mna = fixture("rules/method-not-allowed/triggers");
    // The fixture predicts one 405 (Go) and one 404 (Istio).
    assert_eq!(
        routelint(&[
            "check",
            "--fail-on-status",
            "405",
            mna.to_str().unwrap_or("")
        ])
        .code,
        1
    );
    assert_eq!(
        routelint(&[
            "check",
            "--fail-on-status",
            "404,405",
            mna.to_str().unwrap_or("")
        ])
        .code,
        1
    );
    let cm = fixture("rules/case-mismatch/triggers");
    assert_eq!(
        routelint(&[
            "check",
            "--fail-on-status",
            "405",
            cm.to_str().unwrap_or("")
        ])
        .code,
        0
    );
}

#[test]
fn files_given_as_paths_focus_the_report_but_the_whole_repository_is_analysed() {
    let root = fixture("blog-platform-broken");
    let file = root.join("frontend/src/posts/editor.js");
    let run = routelint(&[
        "check",
        "--format",
        "json",
        file.to_str().unwrap_or(""),
        root.to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let got = common::summarize(&v);
    assert_eq!(
        got,
        [
            "missing-strip-prefix 404 frontend/src/posts/editor.js:12:16 PATCH /blog/api/posts/{id}",
            "trailing-slash 404 frontend/src/posts/editor.js:20:35 GET /blog/api/categories/",
            "case-mismatch 404 frontend/src/posts/editor.js:25:36 GET /Blog/api/posts",
            "no-route 404 frontend/src/posts/editor.js:30:35 GET /blog/api/tags",
        ]
    );
    // A file that only appears as a related location (the gateway) focuses the findings that
    // point at it.
    let gw = root.join("api-gateway/main.go");
    let run = routelint(&[
        "check",
        "--format",
        "json",
        gw.to_str().unwrap_or(""),
        root.to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 2, "{v}");
}

#[test]
fn changed_reports_only_findings_touching_files_changed_in_git() {
    let dir = scratch("changed");
    copy_dir(&fixture("blog-platform-fixed"), &dir);
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .output()
            .expect("git")
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init"]);
    let api = dir.join("frontend/src/api.js");
    let text = std::fs::read_to_string(&api).expect("read");
    std::fs::write(
        &api,
        text.replace("'/blog/api/categories'", "'/api/categories'"),
    )
    .expect("write");
    let run = routelint(&[
        "check",
        "--changed",
        "--format",
        "json",
        dir.to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        common::summarize(&v),
        ["missing-prefix 404 frontend/src/api.js:47:27 GET /api/categories"]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn configured_own_origins_make_absolute_urls_same_origin() {
    let dir = scratch("own-origins");
    copy_dir(&fixture("rules/missing-prefix/silent"), &dir);
    std::fs::write(
        dir.join("web/src/absolute.ts"),
        "export const cart = () => fetch('https://www.shop.example/shop/api/cart');\n",
    )
    .expect("write");
    let (_, v) = check_json(&dir);
    assert_eq!(
        v["summary"]["unresolved"], 1,
        "an unknown origin is not checked: {v}"
    );
    std::fs::write(
        dir.join("routelint.toml"),
        "[client]\norigins = [\"https://www.shop.example\"]\n",
    )
    .expect("write");
    let (code, v) = check_json(&dir);
    assert_eq!(
        (code, v["summary"]["unresolved"].as_u64()),
        (0, Some(0)),
        "{v}"
    );
}
