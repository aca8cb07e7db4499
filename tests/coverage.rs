//! Coverage: one dead route and one orphan endpoint in `fixtures/coverage`, exactly.

mod common;

use common::{fixture, routelint, summarize};

fn repo() -> String {
    fixture("coverage").to_string_lossy().into_owned()
}

#[test]
fn coverage_reports_the_dead_route_and_the_orphan_endpoint() {
    let run = routelint(&["coverage", &repo(), "--format", "json"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["routes"]["total"], 2);
    assert_eq!(v["routes"]["used"], 1);
    assert_eq!(v["routes"]["percent"], 50.0);
    assert_eq!(v["endpoints"]["total"], 4);
    assert_eq!(v["endpoints"]["reachable"], 3);
    assert_eq!(v["endpoints"]["percent"], 75.0);
    assert_eq!(
        summarize(&v),
        [
            "dead-route - istio/shop.yaml:25:13",
            "unreachable-endpoint - metrics/openapi.yaml:5:3",
        ]
    );
}

#[test]
fn coverage_human_output() {
    let run = routelint(&["coverage", &repo()]);
    insta::assert_snapshot!("coverage_human", run.stdout);
}

#[test]
fn fail_under_fails_below_the_threshold() {
    assert_eq!(
        routelint(&["coverage", &repo(), "--fail-under", "50"]).code,
        0
    );
    assert_eq!(
        routelint(&["coverage", &repo(), "--fail-under", "80"]).code,
        1
    );
    assert_eq!(
        routelint(&["check", "--coverage", "--fail-under", "80", &repo()]).code,
        1
    );
}

#[test]
fn check_coverage_adds_info_findings_and_the_coverage_line() {
    let run = routelint(&["check", "--coverage", &repo()]);
    assert_eq!(run.code, 0, "info findings do not fail the run");
    assert!(run.stdout.contains("info[dead-route]"), "{}", run.stdout);
    assert!(
        run.stdout.contains("info[unreachable-endpoint]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("coverage: routes 1/2 (50%) reached by client calls · endpoints 3/4 (75%) reachable from the edge\n"),
        "{}",
        run.stdout
    );
    // Without --coverage, nothing about coverage.
    let run = routelint(&["check", &repo()]);
    assert!(!run.stdout.contains("dead-route"));
}

#[test]
fn the_fixed_blog_platform_reaches_every_endpoint() {
    let run = routelint(&[
        "coverage",
        fixture("blog-platform-fixed").to_str().unwrap_or(""),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["endpoints"]["reachable"], v["endpoints"]["total"]);
}
