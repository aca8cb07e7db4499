//! Edge routers beyond Istio: Kubernetes Ingress (ingress-nginx) and Gateway API, through
//! `routelint check` (the findings) and `routelint routes` (the routes extracted).

mod common;

use common::{findings_of, fixture, routelint, routes_of};

#[test]
fn ingress_nginx_routes_keep_their_regex_and_rewrite_target() {
    assert_eq!(
        routes_of("ingress-nginx"),
        [
            // Most specific first: the longer literal prefix wins.
            "ingress-nginx | any | regex /orders-api | rewrite-target / | orders | k8s/ingress.yaml:36",
            "ingress-nginx | any | regex /users-api(/|$)(.*) | rewrite-target /$2 | users | k8s/ingress.yaml:15",
        ]
    );
}

#[test]
fn rewrite_target_without_capture_groups_sends_every_path_to_root() {
    let (code, f) = findings_of("ingress-nginx");
    assert_eq!(code, 1);
    assert_eq!(f, ["no-route 404 web/api.ts:2:35 GET /orders-api/orders"]);
    let run = routelint(&["check", fixture("ingress-nginx").to_str().unwrap_or("")]);
    assert!(
        run.stdout
            .contains("a rewrite-target without capture groups replaces the whole path"),
        "{}",
        run.stdout
    );
}

#[test]
fn gateway_api_routes_are_bound_to_their_gateway_and_rewrite_whole_segments() {
    assert_eq!(
        routes_of("gateway-api"),
        [
            // The longest prefix first, across every HTTPRoute of the Gateway.
            "public | GET | path prefix /store/reviews | replace prefix /store/reviews with /reviews | reviews | apps/routes.yaml:27",
            "public | any | path prefix /store/api | replace prefix /store/api with / | store | apps/routes.yaml:14",
        ]
    );
    let run = routelint(&[
        "trace",
        "GET",
        "/store/api/items/42",
        fixture("gateway-api").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("/store/api/items/42 → /items/42"),
        "{}",
        run.stdout
    );
}

#[test]
fn gateway_api_method_miss_is_404_and_a_route_on_a_missing_gateway_is_unbound() {
    let (code, f) = findings_of("gateway-api");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            // ReplacePrefixMatch `/`: right by the spec, `//` in some implementations.
            "double-slash - apps/routes.yaml:20:11",
            "unbound-route 404 apps/routes.yaml:50:13",
            "method-not-allowed 404 web/src/store.ts:7:9 POST /store/reviews/{sku}",
        ]
    );
}

#[test]
fn a_kong_ingress_override_strips_the_prefix_and_limits_the_methods() {
    // KongIngress orders-read-only (strip_path, GET only), named by the Ingress's
    // konghq.com/override: the GET reaches /orders, the POST gets 404 from Kong.
    let (code, f) = findings_of("kong-ingress");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["method-not-allowed 404 web/orders.ts:2:46 POST /api/orders"]
    );
    let run = routelint(&[
        "trace",
        "GET",
        "/api/orders",
        fixture("kong-ingress").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("/api/orders → /orders"),
        "{}",
        run.stdout
    );
    // A KongPlugin request-transformer named in konghq.com/plugins rewrites the old URL.
    let run = routelint(&[
        "trace",
        "GET",
        "/daily-report.html",
        fixture("kong-ingress").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("/daily-report.html → /reports/daily"),
        "{}",
        run.stdout
    );
}
