//! `routelint routes` and `routelint graph` through the binary: snapshots of the blog platform,
//! the `--component` filter and its error, a repository with mounted muxes, unbound and
//! unlinked routes, and the DOT and Mermaid outputs checked for validity (DOT with the real
//! Graphviz, Mermaid structurally).

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, fixture, routelint};
use serde_json::Value;

fn broken() -> String {
    fixture("blog-platform-broken").display().to_string()
}

/// Runs routelint and asserts it neither panicked nor failed.
fn ok(args: &[&str]) -> Run {
    let run = routelint(args);
    assert_eq!(run.code, 0, "routelint {args:?} failed: {}", run.stderr);
    run
}

fn json_of(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// A fresh directory under the test target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A repository with what the blog platform lacks: a mux mounted in a mux (two tables of one
/// component), an opaque handler, hosts no component answers to, a VirtualService bound to a
/// Gateway that does not exist, and a matcher with a quote and braces in it. Each test passes
/// its own `tag`: tests run in parallel and must not rewrite each other's directory.
fn odd_repo(tag: &str) -> PathBuf {
    let dir = scratch(&format!("graph-routes-odd-{tag}"));
    write(
        &dir,
        "gw/main.go",
        r#"package main

import (
	"net/http"
	"net/http/httputil"
	"net/url"
)

var api = http.NewServeMux()

func main() {
	u, _ := url.Parse("http://users-svc:8080")
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", api))
	root.Handle("/plugin/", plugins.Handler())
	api.Handle("/users/", httputil.NewSingleHostReverseProxy(u))
	api.Handle("/ghost/", httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: "ghost:1"}))
	http.ListenAndServe(":80", root)
}
"#,
    );
    write(
        &dir,
        "deploy/istio.yaml",
        r#"apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: edge
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["x.example.com"]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: main
spec:
  hosts: ["x.example.com"]
  gateways: [edge]
  http:
  - match:
    - uri: {prefix: "/a\"b/{x}"}
    route:
    - destination: {host: gw}
  - match:
    - uri: {regex: "/r/[0-9]+"}
    route:
    - destination: {host: gw}
  - route:
    - destination: {host: nowhere}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: stray
spec:
  hosts: ["x.example.com"]
  gateways: [prod-edge]
  http:
  - match:
    - uri: {prefix: /stray/}
    route:
    - destination: {host: gw}
---
apiVersion: v1
kind: Service
metadata:
  name: gw
spec:
  selector: {app: gw}
  ports: [{port: 80}]
"#,
    );
    write(
        &dir,
        "users/openapi.yaml",
        r#"openapi: 3.0.0
info: {title: users, version: "1"}
servers: [{url: "http://users-svc:8080"}]
paths:
  /users/{id}:
    get: {operationId: getUser, responses: {"200": {description: ok}}}
"#,
    );
    write(&dir, "web/app.js", "fetch('/api/users/1');\n");
    dir
}

// ---------------------------------------------------------------------------------------------
// routes

#[test]
fn routes_human_for_the_broken_blog_platform() {
    let run = ok(&["routes", &broken()]);
    insta::assert_snapshot!("routes_blog_platform_broken_human", run.stdout);
}

#[test]
fn routes_json_for_the_broken_blog_platform() {
    let run = ok(&["routes", "--format", "json", &broken()]);
    insta::assert_json_snapshot!("routes_blog_platform_broken_json", json_of(&run));
}

#[test]
fn routes_component_shows_only_that_component() {
    let run = ok(&["routes", "--component", "blog-service", &broken()]);
    assert!(
        run.stdout.starts_with("blog-service  OpenAPI"),
        "{}",
        run.stdout
    );
    for other in [
        "blog-gateway",
        "api-gateway",
        "comment-service",
        "media-service",
    ] {
        assert!(
            !run.stdout.contains(other),
            "{other} shown:\n{}",
            run.stdout
        );
    }
    let v = json_of(&ok(&[
        "routes",
        "--format",
        "json",
        "--component",
        "blog-service",
        &broken(),
    ]));
    let names: Vec<&str> = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["blog-service"]);
}

#[test]
fn routes_component_accepts_an_alias() {
    let run = ok(&[
        "routes",
        "--component",
        "blog-service.blog.svc.cluster.local",
        &broken(),
    ]);
    assert!(run.stdout.starts_with("blog-service  "), "{}", run.stdout);
}

#[test]
fn routes_unknown_component_is_a_usage_error_with_a_suggestion() {
    let run = routelint(&["routes", "--component", "blog-servce", &broken()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("routelint: error: no component named `blog-servce`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `blog-service`?"),
        "{}",
        run.stderr
    );
    let far = routelint(&[
        "routes",
        "--component",
        "zzz",
        "--format",
        "json",
        &broken(),
    ]);
    assert_eq!(far.code, 2);
    assert!(
        far.stderr.contains("components: blog-gateway"),
        "{}",
        far.stderr
    );
}

#[test]
fn routes_shows_tables_unbound_unlinked_and_opaque_routes() {
    let dir = odd_repo("routes");
    let run = ok(&["routes", dir.to_str().expect("utf-8 path")]);
    let out = &run.stdout;
    for want in [
        "gw  Go ServeMux · most specific wins (listed most specific first) · method miss: 405",
        "table root (entry)",
        "table api",
        "strip /api  → table api",
        "→ ? ghost (no component)",
        "→ ? nowhere (no component)",
        "opaque: ",
        "prefix /a\"b/{x}",
        "unbound (no such Gateway)",
        "VirtualService stray · gateways: prod-edge",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    // The entry table comes before the table mounted in it.
    let root = out.find("table root").unwrap_or(usize::MAX);
    let api = out.find("table api\n").unwrap_or(0);
    assert!(root < api, "{out}");

    let v = json_of(&ok(&[
        "routes",
        "--format",
        "json",
        dir.to_str().expect("utf-8 path"),
    ]));
    let unbound = v["unbound"].as_array().expect("unbound");
    assert_eq!(unbound.len(), 1);
    assert_eq!(unbound[0]["gateways"], serde_json::json!(["prod-edge"]));
    let types: HashSet<&str> = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .flat_map(|c| c["routes"].as_array().into_iter().flatten())
        .filter_map(|r| r["destination"]["type"].as_str())
        .collect();
    for t in ["component", "table", "opaque", "unlinked"] {
        assert!(types.contains(t), "no {t} destination: {types:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// graph

#[test]
fn graph_mermaid_for_the_broken_blog_platform() {
    let run = ok(&["graph", "--format", "mermaid", &broken()]);
    insta::assert_snapshot!("graph_blog_platform_broken_mermaid", run.stdout);
}

#[test]
fn graph_dot_for_the_broken_blog_platform() {
    let run = ok(&["graph", "--format", "dot", &broken()]);
    insta::assert_snapshot!("graph_blog_platform_broken_dot", run.stdout);
}

#[test]
fn graph_folds_tables_and_dashes_unlinked_hosts() {
    let dir = odd_repo("graph");
    let path = dir.to_str().expect("utf-8 path");
    let dot = ok(&["graph", "--format", "dot", path]).stdout;
    assert!(
        !dot.contains("gw -> gw"),
        "a table jump became an edge:\n{dot}"
    );
    assert!(dot.contains("gw -> users_svc [label=\"/users/\"]"), "{dot}");
    assert!(
        dot.contains("unlinked_ghost [label=\"? ghost\", style=dashed]"),
        "{dot}"
    );
    // `edge` is a DOT keyword: the node id must not be it.
    assert!(
        dot.contains("edge_ [label=\"edge\\nIstio gateway\"]"),
        "{dot}"
    );
    assert!(dot.contains("prefix /a\\\"b/{x}"), "{dot}");
    let mermaid = ok(&["graph", path]).stdout;
    assert!(
        mermaid.contains("prefix /a#quot;b/#123;x#125;"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("gw -.->|\"/ghost/\"| unlinked_ghost"),
        "{mermaid}"
    );
}

/// Whether Graphviz is installed. Under CI (`CI` set) its absence fails the test: `.ci/run`
/// installs it, so a missing `dot` there is a broken pipeline, not a reason to skip.
fn graphviz_available() -> bool {
    let found = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not installed, and CI is set: .ci/run should have installed it"
        );
        eprintln!("skipping: Graphviz `dot` is not installed (apt-get install graphviz)");
    }
    found
}

/// Renders DOT text to SVG with the real Graphviz; panics with its error when it refuses.
fn dot_to_svg(dot: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dot");
    child
        .stdin
        .take()
        .expect("dot stdin")
        .write_all(dot.as_bytes())
        .expect("write to dot");
    let out = child.wait_with_output().expect("wait for dot");
    assert!(
        out.status.success(),
        "dot rejected the output: {}\n{dot}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Names of the components `routes` lists for a repository.
fn component_names(path: &str) -> Vec<String> {
    let v = json_of(&ok(&["routes", "--format", "json", path]));
    v["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn graph_dot_is_valid_graphviz() {
    if !graphviz_available() {
        return;
    }
    let odd = odd_repo("dot").display().to_string();
    // The quote and braces of a matcher survive DOT escaping and Graphviz.
    let dot = ok(&["graph", "--format", "dot", &odd]).stdout;
    let texts = svg_texts(&dot_to_svg(&dot));
    assert!(texts.iter().any(|t| t == "prefix /a\"b/{x}"), "{texts:?}");
    for path in [broken(), odd] {
        let dot = ok(&["graph", "--format", "dot", &path]).stdout;
        let texts = svg_texts(&dot_to_svg(&dot));
        let names = component_names(&path);
        assert!(!names.is_empty());
        for name in names {
            assert!(
                texts.contains(&name),
                "{name} not drawn in the SVG of {path}: {texts:?}"
            );
        }
    }
}

/// The contents of an SVG's `<text>` elements, XML entities decoded (Graphviz writes `-` as
/// `&#45;`).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(xml_unescape(&body[..body.find("</text>")?]))
        })
        .collect()
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';') else {
            out.push_str(&rest[amp..]);
            return out;
        };
        let entity = &after[..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&rest[amp..amp + semi + 2]),
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    out
}

// The Mermaid CLI (mmdc) renders through a headless Chromium it downloads on install, which
// this network forbids; so the Mermaid text is checked structurally instead: declared nodes,
// edges between declared nodes only, every label quoted with nothing inside that could end it.

/// A quoted label at the start of `s`: its content and the rest of `s`.
fn quoted(s: &str) -> (&str, &str) {
    let body = s
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("label not quoted: {s}"));
    let end = body
        .find('"')
        .unwrap_or_else(|| panic!("label not closed: {s}"));
    (&body[..end], &body[end + 1..])
}

fn assert_clean_label(label: &str, line: &str) {
    for bad in ['{', '}', '|', '`', '\n'] {
        assert!(
            !label.contains(bad),
            "unescaped {bad:?} in label of: {line}"
        );
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s != "end"
}

/// Checks a Mermaid flowchart as routelint writes it; returns (nodes, edges).
fn check_mermaid(text: &str) -> (usize, usize) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut nodes: HashSet<String> = HashSet::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    for line in lines {
        let l = line.trim();
        if l.starts_with("classDef ") {
            continue;
        }
        if let Some(rest) = l.strip_prefix("class ") {
            let (ids, _) = rest.split_once(' ').expect("class line");
            for id in ids.split(',') {
                assert!(nodes.contains(id), "class of undeclared {id}: {line}");
            }
            continue;
        }
        let id_end = l
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(l.len());
        let (id, rest) = l.split_at(id_end);
        assert!(is_id(id), "unsafe id {id:?}: {line}");
        if let Some(arrow) = rest.strip_prefix(' ') {
            let rest = arrow
                .strip_prefix("-->")
                .or_else(|| arrow.strip_prefix("-.->"))
                .unwrap_or_else(|| panic!("bad arrow: {line}"));
            let to = match rest.strip_prefix('|') {
                Some(labelled) => {
                    let (label, after) = quoted(labelled);
                    assert_clean_label(label, line);
                    after.strip_prefix("| ").expect("label end")
                }
                None => rest.strip_prefix(' ').expect("space before target"),
            };
            assert!(is_id(to), "unsafe target {to:?}: {line}");
            edges.push((id.to_owned(), to.to_owned()));
            continue;
        }
        let inner = rest
            .strip_prefix("([")
            .and_then(|s| s.strip_suffix("])"))
            .or_else(|| rest.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
            .unwrap_or_else(|| panic!("bad shape: {line}"));
        let (label, after) = quoted(inner);
        assert!(after.is_empty(), "text after label: {line}");
        assert_clean_label(label, line);
        assert!(nodes.insert(id.to_owned()), "{id} declared twice");
    }
    for (from, to) in &edges {
        assert!(nodes.contains(from), "edge from undeclared {from}");
        assert!(nodes.contains(to), "edge to undeclared {to}");
    }
    (nodes.len(), edges.len())
}

#[test]
fn graph_mermaid_is_well_formed() {
    let (nodes, edges) = check_mermaid(&ok(&["graph", &broken()]).stdout);
    // browser, blog-gateway, api-gateway, three services, frontend.
    assert_eq!((nodes, edges), (7, 6));
    let odd = odd_repo("mermaid");
    let (nodes, _) = check_mermaid(&ok(&["graph", odd.to_str().expect("utf-8 path")]).stdout);
    assert!(nodes >= 6, "{nodes}");
}
