//! Helpers shared by the integration tests: run the binary over a fixture and read its findings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn routelint(args: &[&str]) -> Run {
    let out = Command::cargo_bin("routelint")
        .expect("binary")
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

/// Runs `check --format json` on a path.
pub fn check_json(path: &Path) -> (i32, Value) {
    let run = routelint(&[
        "check",
        "--format",
        "json",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_ne!(run.code, 101, "routelint panicked: {}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, v)
}

/// One line per finding: `rule status path:line:col METHOD /path`.
pub fn summarize(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let status = f["status"]
                .as_u64()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".to_owned());
            let req = match f.get("request") {
                Some(r) => format!(
                    " {} {}",
                    r["method"].as_str().unwrap_or("*"),
                    r["path"].as_str().unwrap_or("")
                ),
                None => String::new(),
            };
            format!(
                "{} {} {}{}",
                f["rule"].as_str().unwrap_or(""),
                status,
                f["instance"].as_str().unwrap_or(""),
                req
            )
        })
        .collect()
}

/// The findings of a fixture, summarised.
pub fn findings_of(rel: &str) -> (i32, Vec<String>) {
    let (code, v) = check_json(&fixture(rel));
    (code, summarize(&v))
}

/// `routelint routes --format json` over a fixture.
fn routes_json(rel: &str) -> Value {
    let run = routelint(&[
        "routes",
        "--format",
        "json",
        fixture(rel).to_str().unwrap_or(""),
    ]);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// The routes `routelint routes --format json` extracts from a fixture, one line each:
/// `component | methods | match | rewrite | destination | path:line` (endpoints left out).
pub fn routes_of(rel: &str) -> Vec<String> {
    let v = routes_json(rel);
    let mut out = Vec::new();
    for c in v["components"].as_array().expect("components") {
        for r in c["routes"].as_array().expect("routes") {
            if r["kind"] != "route" {
                continue;
            }
            let methods = match r["methods"].as_array() {
                None => "any".to_owned(),
                Some(m) if m.is_empty() => "none".to_owned(),
                Some(m) => m
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            let dest = &r["destination"];
            out.push(format!(
                "{} | {methods} | {} | {} | {} | {}:{}",
                c["name"].as_str().unwrap_or(""),
                r["match"].as_str().unwrap_or(""),
                r["rewrite"].as_str().unwrap_or("-"),
                dest["name"]
                    .as_str()
                    .or(dest["handler"].as_str())
                    .or(dest["why"].as_str())
                    .unwrap_or(""),
                r["location"]["path"].as_str().unwrap_or(""),
                r["location"]["line"]
            ));
        }
    }
    out
}

/// `routelint trace METHOD PATH FIXTURE`: exit code and output.
pub fn trace_of(rel: &str, method: &str, path: &str) -> (i32, String) {
    let run = routelint(&["trace", method, path, fixture(rel).to_str().unwrap_or("")]);
    (run.code, run.stdout)
}

/// The endpoints `routelint routes --format json` finds in a fixture, one line each:
/// `component | METHOD /path | path:line`, in the order the command lists them.
pub fn endpoints_of(rel: &str) -> Vec<String> {
    let v = routes_json(rel);
    let mut out = Vec::new();
    for c in v["components"].as_array().expect("components") {
        for r in c["routes"].as_array().expect("routes") {
            if r["kind"] != "endpoint" {
                continue;
            }
            let methods: Vec<&str> = r["methods"]
                .as_array()
                .map(|m| m.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            out.push(format!(
                "{} | {} {} | {}:{}",
                c["name"].as_str().unwrap_or(""),
                methods.join(","),
                r["match"].as_str().unwrap_or(""),
                r["location"]["path"].as_str().unwrap_or(""),
                r["location"]["line"]
            ));
        }
    }
    out
}

/// Runs routelint with `args` (in `cwd` when given), killed after `secs` so a hang fails the
/// test: (exit code, stdout, stderr).
pub fn run_with_deadline(args: &[&str], cwd: Option<&Path>, secs: u64) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_routelint"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().expect("spawn routelint");
    // Read both pipes while waiting: a full pipe would stall the child.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|s| Box::new(s) as _));
    let stderr = drain(child.stderr.take().map(|s| Box::new(s) as _));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("routelint {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    (
        status.code().unwrap_or(-1),
        stdout.join().expect("stdout"),
        stderr.join().expect("stderr"),
    )
}
