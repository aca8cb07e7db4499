//! The pre-commit hook, with the real `pre-commit` from PyPI: the manifest validates, a commit
//! that breaks a call is rejected with the finding shown, and a clean commit passes.
//!
//! The hook under test is `.pre-commit-hooks.yaml` itself (its entry arguments and file
//! pattern), run as a `language: system` hook on the binary this test suite built, so the test
//! does not spend minutes on the `cargo install` that `language: rust` would do for users.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `pre-commit` in a virtualenv under target/, installed from PyPI on first use.
fn pre_commit() -> Option<PathBuf> {
    let venv = root().join("target/tools/precommit-venv");
    let bin = venv.join("bin/pre-commit");
    if bin.is_file() {
        return Some(bin);
    }
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "pre-commit"])
            .status()
            .is_ok_and(|s| s.success());
    if ok && bin.is_file() {
        return Some(bin);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "pre-commit could not be installed from PyPI in CI"
    );
    eprintln!("pre-commit not available: skipped");
    None
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn git(repo: &Path, args: &[&str]) -> (bool, String) {
    run(Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("NO_COLOR", "1"))
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

/// The hook's `entry` and `files` from the manifest.
fn manifest_hook() -> (String, String) {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("manifest");
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{k}: ")))
            .map(|v| v.trim().trim_matches('\'').to_owned())
            .unwrap_or_else(|| panic!("no {k} in the manifest"))
    };
    (field("entry"), field("files"))
}

#[test]
fn hook_rejects_a_commit_that_breaks_a_call_and_accepts_a_clean_one() {
    let Some(pc) = pre_commit() else { return };
    let (ok, out) = run(Command::new(&pc)
        .arg("validate-manifest")
        .arg(root().join(".pre-commit-hooks.yaml")));
    assert!(ok, "the manifest does not validate: {out}");

    let repo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precommit-repo");
    let _ = std::fs::remove_dir_all(&repo);
    copy_dir(&root().join("fixtures/blog-platform-fixed"), &repo);
    let (entry, files) = manifest_hook();
    let entry = entry.replacen("routelint", env!("CARGO_BIN_EXE_routelint"), 1);
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: routelint\n        name: routelint\n        entry: {entry}\n        language: system\n        pass_filenames: false\n        files: '{files}'\n"
        ),
    )
    .expect("config");
    assert!(git(&repo, &["init", "-q", "-b", "main"]).0);
    assert!(git(&repo, &["add", "-A"]).0);
    assert!(git(&repo, &["commit", "-q", "-m", "the fixed platform"]).0);
    let home = repo.with_extension("cache");
    let (ok, out) = run(Command::new(&pc)
        .arg("install")
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", &home));
    assert!(ok, "{out}");

    // Break one call: the commit is rejected and the finding is shown.
    let api = repo.join("frontend/src/api.js");
    let text = std::fs::read_to_string(&api).expect("api.js");
    std::fs::write(
        &api,
        text.replace("fetch('/blog/api/categories')", "fetch('/api/categories')"),
    )
    .expect("write");
    assert!(git(&repo, &["add", "-A"]).0);
    let (ok, out) = run(Command::new("git")
        .args(["commit", "-m", "use the old path"])
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", &home)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("NO_COLOR", "1"));
    assert!(!ok, "the broken commit went through:\n{out}");
    assert!(
        out.contains("error[missing-prefix]: GET /api/categories will get 404"),
        "{out}"
    );
    assert!(out.contains("frontend/src/api.js:47:27"), "{out}");

    // Put the right path back, with a comment: the commit passes, the hook having checked it.
    std::fs::write(
        &api,
        format!("{text}// Categories are cached by the CDN for an hour.\n"),
    )
    .expect("write");
    assert!(git(&repo, &["add", "-A"]).0);
    let (ok, out) = run(Command::new("git")
        .args(["commit", "-m", "a comment-only change"])
        .current_dir(&repo)
        .env("PRE_COMMIT_HOME", &home)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid"));
    assert!(ok, "the clean commit was rejected:\n{out}");
    assert!(
        out.contains("routelint") && out.contains("Passed"),
        "the hook did not run: {out}"
    );
}
