//! Bad input never crashes routelint: each broken file is a `parse-error` finding with a
//! location (or is ignored), and the rest of the repository is still checked.

mod common;

use std::path::{Path, PathBuf};

use common::{check_json, summarize};

/// A scratch repository under the target directory, removed first if it exists.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(p, bytes).expect("write");
}

fn alias_bomb() -> String {
    let mut s = String::from(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: bomb\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in 'b'..='m' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        s.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    s
}

#[test]
fn every_kind_of_broken_file_is_a_finding_and_the_good_call_is_still_checked() {
    let dir = scratch("bad-input");
    // One good path through the repository: the call must still be checked.
    write(&dir, "svc/openapi.yaml", b"openapi: 3.0.0\ninfo: {title: svc, version: '1'}\npaths:\n  /ok:\n    get: {responses: {'200': {description: ok}}}\n");
    write(
        &dir,
        "web/ok.js",
        b"export const ok = () => fetch('/ok');\nexport const missing = () => fetch('/nope');\n",
    );
    // The bad ones.
    write(
        &dir,
        "deploy/malformed.yaml",
        b"apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n  http: [\n",
    );
    write(&dir, "deploy/wrong-types.yaml", b"apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  http:\n  - match: {uri: 7}\n    route: \"nowhere\"\n");
    write(&dir, "deploy/bomb.yaml", alias_bomb().as_bytes());
    write(&dir, "spec/list.yaml", b"- openapi: 3.0.0\n- paths: {}\n");
    write(
        &dir,
        "web/broken.js",
        b"export function f( {\n  fetch('/x'\n",
    );
    write(&dir, "gw/main.go", b"package main\nimport \"net/http\"\nfunc main() {\n  mux := http.NewServeMux(\n  mux.Handle(\"/a/\", nil\n");
    write(
        &dir,
        "deploy/binary.yaml",
        b"apiVersion: v1\nkind: Service\n\x00\x01\x02\xff\xfe",
    );
    write(
        &dir,
        "deploy/latin1.yaml",
        b"apiVersion: v1\nkind: Service\nmetadata:\n  name: caf\xe9\n",
    );
    write(&dir, "deploy/empty.yaml", b"");
    write(&dir, "web/empty.ts", b"");
    write(&dir, "spec/empty.json", b"");

    let (code, v) = check_json(&dir);
    assert_eq!(code, 1, "the unknown /nope call is an error");
    let got = summarize(&v);
    assert_eq!(
        got,
        [
            "parse-error - deploy/binary.yaml:3:4",
            "parse-error - deploy/bomb.yaml:10:14",
            "parse-error - deploy/latin1.yaml:4:12",
            "parse-error - deploy/malformed.yaml:4:9",
            "parse-error - deploy/wrong-types.yaml:6:12",
            "parse-error - deploy/wrong-types.yaml:7:12",
            "parse-error - gw/main.go:3:13",
            "parse-error - spec/list.yaml:1:1",
            "parse-error - web/broken.js:2:8",
            "no-route 404 web/ok.js:2:36 GET /nope",
        ]
    );
}

#[test]
fn a_binary_yaml_without_any_routing_words_is_ignored() {
    let dir = scratch("binary-ignored");
    write(&dir, "blob.yaml", &[0u8, 159, 146, 150, 0, 1, 2, 3]);
    write(
        &dir,
        "svc/openapi.yaml",
        b"openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n",
    );
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0);
    assert_eq!(summarize(&v), Vec::<String>::new());
}
