//! Kong (decK declarative configuration) and Apache APISIX (standalone `apisix.yaml`) as edge
//! routers, through `routelint routes` (the routes extracted, in the order the router tries
//! them), `routelint trace` (the path each hop forwards) and `routelint check` (the findings).

mod common;

use common::{findings_of, fixture, routelint, routes_of, trace_of};

#[test]
fn kong_routes_rank_regex_first_and_carry_strip_path_and_the_service_path() {
    assert_eq!(
        routes_of("kong"),
        [
            // Kong 3 get_priority: same number of fields (paths, methods), the regex first;
            // the orders route sets paths only, so it comes last.
            r"kong | GET | regex /api/v\d+/ | strip_path ~/api/v\d+/ | catalog-service | gateway/kong.yaml:29",
            "kong | GET,POST,PATCH | prefix /api/users | strip_path /api/users, then service path /users | users-service | gateway/kong.yaml:11",
            "kong | any | prefix /api/orders | - | orders-service | gateway/kong.yaml:21",
        ]
    );
}

#[test]
fn kong_strips_the_matched_part_and_joins_the_service_path() {
    let (code, out) = trace_of("kong", "GET", "/api/users/7");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/users/7 → /users/7"), "{out}");
    // The upstream `catalog-upstream` resolves to its first target.
    let (code, out) = trace_of("kong", "GET", "/api/v2/items/abc");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/v2/items/abc → /items/abc"), "{out}");
    assert!(
        out.contains("reached catalog-service GET /items/{sku}"),
        "{out}"
    );
}

#[test]
fn kong_findings_are_the_unstripped_prefix_and_the_method_miss() {
    let (code, f) = findings_of("kong");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "missing-strip-prefix 404 web/src/api.ts:2:35 GET /api/orders",
            "method-not-allowed 404 web/src/api.ts:5:9 POST /api/v2/items",
        ]
    );
    let run = routelint(&["check", fixture("kong").to_str().unwrap_or("")]);
    assert!(
        run.stdout
            .contains("Kong answers 404 when no route matches, the method included"),
        "{}",
        run.stdout
    );
}

#[test]
fn apisix_routes_rank_exact_then_longest_prefix_then_priority() {
    assert_eq!(
        routes_of("apisix"),
        [
            "apisix | GET | exact /profiles/api/me | set path /me | profile-service | gateway/apisix.yaml:28",
            "apisix | any | prefix /notifications/ | - | notification-service | gateway/apisix.yaml:51",
            "apisix | any | prefix /profiles/api/ | regex_uri ^/profiles/api/(.*) → /$1 | profile-service | gateway/apisix.yaml:21",
            // Same uri: `priority: 10` before the legacy route declared first.
            "apisix | GET | prefix /billing/ | regex_uri ^/billing/(.*) → /$1 | billing-service | gateway/apisix.yaml:44",
            "apisix | GET | prefix /billing/ | - | billing-legacy | gateway/apisix.yaml:36",
        ]
    );
}

#[test]
fn apisix_priority_and_proxy_rewrite_decide_where_requests_land() {
    let (code, out) = trace_of("apisix", "GET", "/billing/invoices/42");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/billing/invoices/42 → /invoices/42"), "{out}");
    assert!(out.contains("reached billing-service"), "{out}");
    // The exact route wins over the `/profiles/api/*` prefix.
    let (code, out) = trace_of("apisix", "GET", "/profiles/api/me");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/profiles/api/me → /me"), "{out}");
    let (code, out) = trace_of("apisix", "GET", "/profiles/api/users/9");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/profiles/api/users/9 → /users/9"), "{out}");
}

#[test]
fn apisix_findings_are_the_method_miss_and_the_unstripped_prefix() {
    let (code, f) = findings_of("apisix");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "method-not-allowed 404 web/src/members.js:6:51 POST /billing/invoices",
            "missing-strip-prefix 404 web/src/members.js:8:9 POST /notifications/send",
        ]
    );
}

#[test]
fn the_kong_and_apisix_corpus_folders_check_without_a_crash() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !dir.join("MANIFEST.tsv").is_file() {
        eprintln!("corpus not found: skipped");
        return;
    }
    for system in ["kong", "apisix"] {
        let run = routelint(&[
            "check",
            "--format",
            "json",
            dir.join(system).to_str().unwrap_or(""),
        ]);
        assert!(
            matches!(run.code, 0 | 1),
            "{system}: exit {}: {}",
            run.code,
            run.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        assert!(v["summary"]["files"].as_u64().unwrap_or(0) > 5, "{system}");
    }
}
