//! `routelint trace`: the seed's endpoint table, hop by hop, on the fixed and broken platform.

mod common;

use common::{fixture, routelint};

/// One hop as `component location path_in → path_out`.
fn hops(method: &str, url: &str, repo: &str) -> (i32, Vec<String>, String) {
    let run = routelint(&[
        "trace",
        method,
        url,
        fixture(repo).to_str().unwrap_or(""),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let hops = v["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| {
            let loc = match h["matched"]["location"].as_object() {
                Some(l) => format!("{}:{}", l["path"].as_str().unwrap_or(""), l["line"]),
                None => "-".to_owned(),
            };
            let out = h["path_out"]
                .as_str()
                .map(|o| format!(" → {o}"))
                .unwrap_or_default();
            format!(
                "{} {loc} {}{out}",
                h["component"].as_str().unwrap_or(""),
                h["path_in"].as_str().unwrap_or("")
            )
        })
        .collect();
    (
        run.code,
        hops,
        v["outcome"]["status"].as_str().unwrap_or("").to_owned(),
    )
}

/// The seed's endpoint table: request, and the OpenAPI line of the endpoint it must reach.
const SEED: &[(&str, &str, &str, &str)] = &[
    (
        "POST",
        "/blog/api/login",
        "/login",
        "blog-service/openapi.yaml:9",
    ),
    (
        "POST",
        "/blog/api/register",
        "/register",
        "blog-service/openapi.yaml:15",
    ),
    (
        "GET",
        "/blog/api/posts",
        "/posts",
        "blog-service/openapi.yaml:25",
    ),
    (
        "GET",
        "/blog/api/posts/5",
        "/posts/5",
        "blog-service/openapi.yaml:36",
    ),
    (
        "POST",
        "/blog/api/posts",
        "/posts",
        "blog-service/openapi.yaml:25",
    ),
    (
        "PATCH",
        "/blog/api/posts/5",
        "/posts/5",
        "blog-service/openapi.yaml:36",
    ),
    (
        "DELETE",
        "/blog/api/posts/5",
        "/posts/5",
        "blog-service/openapi.yaml:36",
    ),
    (
        "GET",
        "/blog/api/categories",
        "/categories",
        "blog-service/openapi.yaml:20",
    ),
];

#[test]
fn every_seed_request_reaches_blog_service_on_the_fixed_platform() {
    for (method, url, stripped, endpoint) in SEED {
        let (code, got, status) = hops(method, url, "blog-platform-fixed");
        assert_eq!(code, 0, "{method} {url}");
        assert_eq!(status, "200", "{method} {url}");
        assert_eq!(
            got,
            [
                format!("blog-gateway deploy/istio/virtualservice.yaml:15 {url} → {url}"),
                format!("api-gateway api-gateway/main.go:46 {url} → {stripped}"),
                format!("blog-service {endpoint} {stripped}"),
            ],
            "{method} {url}"
        );
    }
}

#[test]
fn every_seed_request_dies_at_blog_service_on_the_broken_platform() {
    for (method, url, _, _) in SEED {
        let (code, got, status) = hops(method, url, "blog-platform-broken");
        assert_eq!(code, 1, "{method} {url}");
        assert_eq!(status, "404", "{method} {url}");
        assert_eq!(
            got,
            [
                format!("blog-gateway deploy/istio/virtualservice.yaml:15 {url} → {url}"),
                format!("api-gateway api-gateway/main.go:46 {url} → {url}"),
                format!("blog-service - {url}"),
            ],
            "{method} {url}"
        );
    }
}

#[test]
fn the_old_client_path_stops_at_the_edge_with_its_near_misses() {
    let run = routelint(&[
        "trace",
        "GET",
        "/api/posts?category=k8s",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("trace_old_path_broken", run.stdout);
}

#[test]
fn patch_on_the_broken_platform_names_the_missing_strip() {
    let run = routelint(&[
        "trace",
        "PATCH",
        "https://blog.example.com/blog/api/posts/5",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("trace_patch_broken", run.stdout);
}

#[test]
fn from_starts_at_a_named_component() {
    let (code, got, status) = hops("GET", "/posts", "blog-platform-broken");
    assert_eq!((code, status.as_str()), (1, "404"));
    assert_eq!(got, ["blog-gateway - /posts"]);
    let run = routelint(&[
        "trace",
        "GET",
        "/posts",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
        "--from",
        "blog-service",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("reached blog-service GET /posts"),
        "{}",
        run.stdout
    );
    let run = routelint(&[
        "trace",
        "GET",
        "/posts",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
        "--from",
        "blog-servic",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `blog-service`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_gateway_handler_serves_the_request_itself() {
    let run = routelint(&[
        "trace",
        "GET",
        "/healthz",
        fixture("blog-platform-fixed").to_str().unwrap_or(""),
        "--from",
        "api-gateway",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("served by api-gateway itself (handler healthz"),
        "{}",
        run.stdout
    );
}
