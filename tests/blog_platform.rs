//! The scenario routelint started from: the blog platform with a frontend on old `/api` paths,
//! an Istio edge and a Go gateway that only route `/blog/api/`, and a gateway that forgets to
//! strip the prefix. The broken repository must produce exactly these findings; the fixed one
//! none.

mod common;

use common::{check_json, findings_of, fixture, routelint, summarize};

#[test]
fn broken_blog_platform_reports_every_failing_request_at_its_call() {
    let (code, findings) = findings_of("blog-platform-broken");
    assert_eq!(code, 1, "errors fail the run");
    assert_eq!(
        findings,
        [
            "missing-prefix 404 frontend/src/api.js:5:27 POST /api/login",
            "missing-prefix 404 frontend/src/api.js:14:27 POST /api/register",
            "missing-prefix 404 frontend/src/api.js:19:27 GET /api/posts",
            "missing-prefix 404 frontend/src/api.js:24:27 GET /api/posts/{id}",
            "missing-prefix 404 frontend/src/api.js:29:27 POST /api/posts",
            "missing-prefix 404 frontend/src/api.js:34:27 PATCH /api/posts/{id}",
            "missing-prefix 404 frontend/src/api.js:43:15 DELETE /api/posts/{id}",
            "missing-prefix 404 frontend/src/api.js:47:27 GET /api/categories",
            "method-not-allowed 404 frontend/src/comments/comments.js:18:15 DELETE /blog/comment-api/comments/{id}",
            "double-slash 404 frontend/src/comments/comments.js:22:16 GET /blog/media/images/{name}",
            "unresolved-call - frontend/src/comments/comments.js:27:16",
            "missing-strip-prefix 404 frontend/src/posts/editor.js:12:16 PATCH /blog/api/posts/{id}",
            "trailing-slash 404 frontend/src/posts/editor.js:20:35 GET /blog/api/categories/",
            "case-mismatch 404 frontend/src/posts/editor.js:25:36 GET /Blog/api/posts",
            "no-route 404 frontend/src/posts/editor.js:30:35 GET /blog/api/tags",
        ]
    );
}

fn finding<'a>(v: &'a serde_json::Value, instance: &str) -> &'a serde_json::Value {
    v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["instance"] == instance))
        .unwrap_or_else(|| panic!("no finding at {instance}"))
}

fn related(f: &serde_json::Value) -> Vec<String> {
    f["related"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    format!(
                        "{}:{}:{} {}",
                        r["path"].as_str().unwrap_or(""),
                        r["line"],
                        r["column"],
                        r["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn client_calls_without_blog_prefix_get_404_at_the_edge_with_the_corrected_path() {
    let (_, v) = check_json(&fixture("blog-platform-broken"));
    let f = finding(&v, "frontend/src/api.js:19:27");
    assert_eq!(
        f["message"],
        "GET /api/posts will get 404 at the Istio gateway blog-gateway"
    );
    assert_eq!(
        related(f),
        [
            "deploy/istio/virtualservice.yaml:15:9 the routes that would catch it start with /blog/api",
            "blog-service/openapi.yaml:25:3 blog-service GET /posts serves it",
        ]
    );
    assert_eq!(
        f["help"],
        "call '/blog/api/posts' instead (it reaches blog-service GET /posts once the rest is fixed too)"
    );
    assert_eq!(
        f["fix"]["replacement"],
        "`/blog/api/posts?category=${encodeURIComponent(category)}`"
    );
    assert_eq!(f["type"], "https://routelint.dev/rules/missing-prefix");
    assert_eq!(f["code"], "RL101");
    assert_eq!(f["severity"], "error");
}

#[test]
fn gateway_without_strip_prefix_points_at_the_registration_and_the_endpoint() {
    let (_, v) = check_json(&fixture("blog-platform-broken"));
    let f = finding(&v, "frontend/src/posts/editor.js:12:16");
    assert_eq!(
        related(f),
        [
            "api-gateway/main.go:46:2 forwards the path unchanged",
            "blog-service/openapi.yaml:36:3 blog-service serves /posts/{id}, not /blog/api/posts/{id}",
        ]
    );
    assert_eq!(
        f["help"],
        "strip the prefix in the gateway:\nmux.Handle(\"/blog/api/\", http.StripPrefix(\"/blog/api\", authProxy))"
    );
}

#[test]
fn istio_method_miss_is_a_404_not_a_405() {
    let (_, v) = check_json(&fixture("blog-platform-broken"));
    let f = finding(&v, "frontend/src/comments/comments.js:18:15");
    assert_eq!(f["status"], 404);
    assert!(
        f["detail"].as_str().unwrap_or("").contains("it has no 405"),
        "{}",
        f["detail"]
    );
}

#[test]
fn fixed_blog_platform_has_no_findings_and_exits_0() {
    let (code, v) = check_json(&fixture("blog-platform-fixed"));
    assert_eq!(summarize(&v), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["calls"], 15);
    assert_eq!(v["summary"]["unresolved"], 0);
}

#[test]
fn human_output_of_the_broken_platform() {
    let run = routelint(&[
        "check",
        "--show-unresolved",
        fixture("blog-platform-broken").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("blog_platform_broken_human", run.stdout);
}

#[test]
fn json_output_of_the_broken_platform() {
    let (_, v) = check_json(&fixture("blog-platform-broken"));
    insta::assert_json_snapshot!("blog_platform_broken_json", v);
}

#[test]
fn quiet_on_success_one_summary_line() {
    let run = routelint(&[
        "check",
        fixture("blog-platform-fixed").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("blog_platform_fixed_human", run.stdout);
}

#[test]
fn checking_several_roots_keeps_paths_relative_to_their_common_parent() {
    let root = fixture("blog-platform-broken");
    let args: Vec<String> = ["frontend", "deploy", "api-gateway", "blog-service"]
        .iter()
        .map(|d| root.join(d).to_string_lossy().into_owned())
        .collect();
    let mut argv = vec!["check", "--format", "json"];
    argv.extend(args.iter().map(String::as_str));
    let run = routelint(&argv);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let first = &v["findings"][0];
    assert_eq!(first["instance"], "frontend/src/api.js:5:27");
    assert_eq!(first["rule"], "missing-prefix");
}
