//! Each rule has fixtures that trigger it and fixtures that must stay silent
//! (`fixtures/rules/<rule>/{triggers,silent}`), with the exact findings asserted.

mod common;

use common::{findings_of, fixture, routelint};

fn silent(rule: &str) {
    let (code, findings) = findings_of(&format!("rules/{rule}/silent"));
    assert_eq!(
        findings,
        Vec::<String>::new(),
        "{rule}/silent must produce no finding"
    );
    assert_eq!(code, 0);
}

#[test]
fn missing_prefix_client_calls_the_old_api_path() {
    let (code, f) = findings_of("rules/missing-prefix/triggers");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "missing-prefix 404 web/src/cart.ts:6:27 GET /api/cart",
            "missing-prefix 404 web/src/cart.ts:11:20 POST /api/cart/items",
        ]
    );
    silent("missing-prefix");
}

#[test]
fn missing_strip_prefix_gateway_forwards_v1_to_a_service_without_it() {
    let (_, f) = findings_of("rules/missing-strip-prefix/triggers");
    assert_eq!(
        f,
        ["missing-strip-prefix 404 ui/orders.js:1:44 GET /v1/orders/{orderId}"]
    );
    silent("missing-strip-prefix");
}

#[test]
fn unwanted_strip_prefix_kong_strips_the_prefix_the_service_serves_under() {
    // Kong's default `strip_path: true` sends `/orders/{id}` as `/{id}` and `/orders` as `/`;
    // the service serves both under `/orders`. `/{id}` maybe-matches the POST-only `/orders`
    // only if id were `orders`: that decides nothing, so the GET is a 404, not a 405.
    let (code, f) = findings_of("rules/unwanted-strip-prefix/triggers");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "unwanted-strip-prefix 404 web/src/orders.js:3:43 GET /orders/{id}",
            "unwanted-strip-prefix 404 web/src/orders.js:4:50 POST /orders",
        ]
    );
    let run = routelint(&[
        "check",
        fixture("rules/unwanted-strip-prefix/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    for want in [
        "kong strips /orders and forwards /orders/{id} to orders as /{id}; orders serves /orders/{id} but not /{id}.",
        "kong strips /orders and forwards /orders to orders as /; orders serves /orders but not /.",
        "help: set `strip_path: false` on that Kong route so the service receives the path as the client sends it, or keep the strip and give the service the prefix back: `url: http://orders:8080/orders`",
        "note: `{id}` would match orders POST /orders only if id were `orders`",
    ] {
        assert!(run.stdout.contains(want), "{want}\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("405"), "{}", run.stdout);
    // `strip_path: false`: both requests reach the service.
    silent("unwanted-strip-prefix");
}

#[test]
fn unwanted_strip_prefix_in_each_routers_syntax() {
    // The Kong example with the strip written for other routers; the help keeps the prefix
    // in that router's syntax. Spring Cloud Gateway's segment count is strip-prefix-count's.
    let get = "404 web/src/orders.js:3:43 GET /orders/{id}";
    let post = "404 web/src/orders.js:4:50 POST /orders";
    let table: [(&str, Vec<String>, &str); 4] = [
        (
            "traefik",
            vec![
                format!("unwanted-strip-prefix {get}"),
                format!("unwanted-strip-prefix {post}"),
            ],
            "help: remove /orders from the `stripPrefix` middleware's `prefixes` (or the middleware from that router's `middlewares`)",
        ),
        (
            // `prefix: /orders/` does not match the bare `/orders`: the POST misses at Istio.
            "istio",
            vec![
                format!("unwanted-strip-prefix {get}"),
                format!("trailing-slash {post}"),
            ],
            "help: remove the `rewrite` from that rule: the service serves the path with /orders",
        ),
        (
            // The mux redirects the bare `/orders` to `/orders/` before any strip.
            "go",
            vec![
                format!("unwanted-strip-prefix {get}"),
                "redirect-drops-method 301 web/src/orders.js:4:50 POST /orders".to_owned(),
            ],
            "mux.Handle(\"/orders/\", newProxy(\"http://orders:8080\"))",
        ),
        (
            "spring",
            vec![
                format!("strip-prefix-count {get}"),
                format!("strip-prefix-count {post}"),
            ],
            "help: remove `StripPrefix=1` from that route's filters",
        ),
    ];
    for (router, want, help) in table {
        let rel = format!("unwanted-strip-prefix/{router}");
        let (_, f) = findings_of(&rel);
        assert_eq!(f, want, "{router}");
        let run = routelint(&["check", fixture(&rel).to_str().unwrap_or("")]);
        assert!(
            run.stdout.contains(help),
            "{router}: {help}\n{}",
            run.stdout
        );
    }
}

#[test]
fn trailing_slash_404_at_the_service_and_a_body_dropping_redirect_at_the_mux() {
    // The redirected POST is one finding, of redirect-drops-method.
    let (_, f) = findings_of("rules/trailing-slash/triggers");
    assert_eq!(
        f,
        [
            "trailing-slash 404 app/client.js:2:23 GET /users-api/users/",
            "redirect-drops-method 301 app/client.js:8:16 POST /upload",
        ]
    );
    silent("trailing-slash");
}

#[test]
fn case_mismatch_capital_letter_in_a_jsx_component() {
    let (_, f) = findings_of("rules/case-mismatch/triggers");
    assert_eq!(
        f,
        ["case-mismatch 404 storefront/src/Products.jsx:6:11 GET /Catalog/products"]
    );
    silent("case-mismatch");
}

#[test]
fn double_slash_from_an_istio_prefix_rewritten_to_root() {
    let (_, f) = findings_of("rules/double-slash/triggers");
    assert_eq!(
        f,
        ["double-slash 404 web/stock.mjs:2:27 GET /inventory/stock/{sku}"]
    );
    silent("double-slash");
}

#[test]
fn double_slash_also_covers_a_strip_that_takes_the_leading_slash() {
    let (code, f) = findings_of("rules/double-slash/triggers-strip");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["double-slash 404 web/reports.js:1:34 GET /reports/daily"]
    );
    let (code, f) = findings_of("rules/double-slash/silent-strip");
    assert_eq!((code, f), (0, Vec::<String>::new()));
}

#[test]
fn method_not_allowed_is_405_at_go_and_404_at_istio() {
    let (_, f) = findings_of("rules/method-not-allowed/triggers");
    assert_eq!(
        f,
        [
            "method-not-allowed 405 web/notes.ts:4:9 PATCH /notes/{id}",
            "method-not-allowed 404 web/notes.ts:6:39 POST /archive",
        ]
    );
    silent("method-not-allowed");
}

#[test]
fn no_route_without_a_near_miss_suggests_the_closest_path() {
    let (_, f) = findings_of("rules/no-route/triggers");
    assert_eq!(
        f,
        [
            "no-route 404 web/billing.js:5:37 GET /api/v4/receipts",
            "no-route 404 web/billing.js:6:41 GET /api/v4/invoice/{id}",
        ]
    );
    let run = routelint(&[
        "check",
        "--format",
        "json",
        fixture("rules/no-route/triggers").to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(
        v["findings"][0].get("help"),
        None,
        "nothing is close to /receipts"
    );
    assert_eq!(
        v["findings"][1]["help"],
        "did you mean billing GET /api/v4/invoices/{id}?"
    );
    silent("no-route");
}

#[test]
fn unbound_route_virtual_service_names_a_renamed_gateway() {
    let (code, f) = findings_of("rules/unbound-route/triggers");
    assert_eq!(code, 1);
    assert_eq!(f, ["unbound-route 404 deploy/istio.yaml:20:14"]);
    silent("unbound-route");
}

#[test]
fn prefix_overmatch_string_prefix_catches_a_longer_segment() {
    let (code, f) = findings_of("rules/prefix-overmatch/triggers");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "prefix-overmatch - mesh/routes.yaml:18:13",
            "no-route 404 web/account.js:2:34 GET /api/usersettings/theme",
        ]
    );
    silent("prefix-overmatch");
}

#[test]
fn regex_case_insensitive_use_regex_on_one_ingress_changes_the_whole_host() {
    let (code, f) = findings_of("rules/regex-case-insensitive/triggers");
    assert_eq!(code, 0, "a warning does not fail the default threshold");
    assert_eq!(f, ["regex-case-insensitive - k8s/ingresses.yaml:29:15"]);
    silent("regex-case-insensitive");
}

#[test]
fn unresolved_calls_are_info_and_do_not_fail_the_run() {
    let (code, f) = findings_of("rules/unresolved-call/triggers");
    assert_eq!(
        f,
        [
            "unresolved-call - web/src/profile.ts:4:23",
            "unresolved-call - web/src/profile.ts:8:16",
        ]
    );
    assert_eq!(code, 0, "info findings do not fail the default threshold");
    let run = routelint(&[
        "check",
        "--fail-on",
        "info",
        fixture("rules/unresolved-call/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("info[unresolved-call]"),
        "{}",
        run.stdout
    );
    silent("unresolved-call");
}

#[test]
fn parse_errors_are_warnings_with_locations() {
    let (code, f) = findings_of("rules/parse-error/triggers");
    assert_eq!(
        f,
        [
            "parse-error - deploy/broken.yaml:10:10",
            "parse-error - deploy/wrong-types.yaml:9:5",
            "parse-error - svc/openapi.yaml:1:1",
        ]
    );
    assert_eq!(code, 0, "warnings do not fail the default threshold");
    let run = routelint(&[
        "check",
        "--fail-on",
        "warning",
        fixture("rules/parse-error/triggers").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    silent("parse-error");
}

#[test]
fn every_rule_has_documentation_for_explain() {
    let run = routelint(&["rules"]);
    assert_eq!(run.code, 0);
    for line in run.stdout.lines() {
        let name = line.split_whitespace().nth(1).unwrap_or("");
        let explain = routelint(&["explain", name]);
        assert_eq!(explain.code, 0, "{name}");
        assert!(
            explain.stdout.contains("## What it finds"),
            "{name}: {}",
            explain.stdout
        );
        assert!(explain.stdout.contains("## Fix"), "{name}");
    }
}

#[test]
fn explain_prints_the_rule_documentation() {
    let run = routelint(&["explain", "missing-strip-prefix"]);
    insta::assert_snapshot!("explain_missing_strip_prefix", run.stdout);
    let run = routelint(&["explain", "missing-prefx"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `missing-prefix`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn mux_conflict_wildcards_neither_more_specific_and_a_duplicate_pattern() {
    let (code, f) = findings_of("rules/mux-conflict/triggers");
    assert_eq!(
        f,
        [
            "mux-conflict - gateway/main.go:8:2",
            "mux-conflict - gateway/main.go:10:2",
        ]
    );
    assert_eq!(code, 1);
    silent("mux-conflict");
}

#[test]
fn redirect_drops_method_post_to_a_servemux_subtree_without_its_slash() {
    let (_, f) = findings_of("rules/redirect-drops-method/triggers");
    assert_eq!(
        f,
        ["redirect-drops-method 301 app/client.js:4:16 POST /upload"]
    );
    silent("redirect-drops-method");
}
