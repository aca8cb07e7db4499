//! Nothing is skipped without a word, and nothing hangs: FIFOs (even one named `.gitignore`),
//! symbolic links and unreadable entries are passed over with a note under `--show-skipped`.
//! Every run has a deadline, so a hang fails the test. Inputs are generated.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::run_with_deadline;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("skipped")
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

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn fifos_named_like_ignore_files_do_not_hang_and_are_listed() {
    let dir = scratch("fifo");
    write(&dir, "web/a.js", "fetch('/a');\n");
    write(&dir, "web/.gitignore", "ignored.js\n");
    write(&dir, "web/ignored.js", "fetch('/ignored');\n");
    write(&dir, "api/b.js", "fetch('/b');\n");
    write(&dir, "api/deeper/c.js", "fetch('/c');\n");
    write(&dir, "top/d.js", "fetch('/d');\n");
    mkfifo(&dir.join("api/.gitignore"));
    mkfifo(&dir.join("api/deeper/.ignore"));
    mkfifo(&dir.join("web/pipe.js"));
    std::os::unix::fs::symlink("a.js", dir.join("web/link.js")).expect("symlink");
    let note = "not a regular file (a FIFO, socket or device): not read";
    let (code, stdout, stderr) =
        run_with_deadline(&["check", "--show-skipped", "."], Some(&dir), 60);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec![
            // `api` is walked reading no ignore file, `api/deeper/.ignore` included.
            format!("skipped: api/.gitignore: {note}, so no ignore file applies in `api` and below"),
            "skipped: web/link.js: a symbolic link: not followed (routelint reads regular files only)".to_owned(),
            format!("skipped: web/pipe.js: {note}"),
            // a.js, b.js, c.js and d.js: web/.gitignore is a regular file and still applies.
            "routelint: 4 files (4 js/ts) · 4 calls, 0 routes, 0 endpoints · no problems · 4 calls unresolved (--show-unresolved) · 3 entries not read".to_owned(),
        ]
    );
    // One at the root: no ignore file applies anywhere (ignored.js is read).
    mkfifo(&dir.join(".routelintignore"));
    let (code, stdout, stderr) =
        run_with_deadline(&["check", "--show-skipped", "."], Some(&dir), 60);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec![
            format!("skipped: .routelintignore: {note}, so no ignore file applies in `.` and below"),
            "skipped: web/link.js: a symbolic link: not followed (routelint reads regular files only)".to_owned(),
            format!("skipped: web/pipe.js: {note}"),
            "routelint: 5 files (5 js/ts) · 5 calls, 0 routes, 0 endpoints · no problems · 5 calls unresolved (--show-unresolved) · 3 entries not read".to_owned(),
        ]
    );
    // Without the flag, the count only.
    let (_, stdout, _) = run_with_deadline(&["check", "."], Some(&dir), 60);
    assert!(
        stdout.ends_with(
            "5 calls unresolved (--show-unresolved) · 3 entries not read (--show-skipped)\n"
        ),
        "{stdout}"
    );
    // A FIFO given as the file to check is not opened either.
    let (code, _, stderr) = run_with_deadline(&["check", "web/pipe.js"], Some(&dir), 60);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        format!("routelint: error: pipe.js: {note}; nothing else to check under web/pipe.js\n")
    );
}

#[test]
fn an_unreadable_root_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    write(&dir, "repo/a.js", "fetch('/a');\n");
    let repo = dir.join("repo");
    std::fs::set_permissions(&repo, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = std::fs::read_dir(&repo).is_ok();
    let (code, _, stderr) = run_with_deadline(&["check", "repo"], Some(&dir), 60);
    std::fs::set_permissions(&repo, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    if readable {
        // Running as root: permissions do not apply, nothing to test.
        eprintln!("skipped: permissions do not apply to this user");
        return;
    }
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("permission denied"), "{stderr}");
}

#[test]
fn a_file_argument_outside_the_checked_directory_gets_a_note() {
    let dir = scratch("outside");
    write(&dir, "here/a.js", "fetch('/a');\n");
    write(&dir, "there/b.js", "fetch('/b');\n");
    let (code, _, stderr) =
        run_with_deadline(&["check", "../there/b.js"], Some(&dir.join("here")), 60);
    assert_eq!(code, 0, "{stderr}");
    let b = std::path::absolute(dir.join("here/../there/b.js")).expect("absolute");
    assert_eq!(
        stderr,
        format!(
            "routelint: note: {} is outside the checked directory (.): it is not read and no finding can point at it; give its directory to check it\n",
            b.display()
        )
    );
}

#[test]
fn a_minified_bundle_is_listed_as_not_read() {
    let dir = scratch("minified");
    // 3,000-deep JS on one line reads as a minified bundle: listed, not silently dropped.
    write(
        &dir,
        "web/app.js",
        &format!(
            "fetch('/a');\nconst x = {}{};\n",
            "[".repeat(3000),
            "]".repeat(3000)
        ),
    );
    write(&dir, "web/ok.js", "fetch('/b');\n");
    let (code, stdout, stderr) =
        run_with_deadline(&["check", "--show-skipped", "."], Some(&dir), 60);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec![
            "skipped: web/app.js: a minified bundle (a line over 5000 bytes): not read for calls",
            "routelint: 2 files (2 js/ts) · 1 call, 0 routes, 0 endpoints · no problems · 1 call unresolved (--show-unresolved) · 1 entry not read",
        ]
    );
}
