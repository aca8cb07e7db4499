//! Go routers beyond ServeMux: a chi gateway in front of gin and OpenAPI services, and a
//! gorilla/mux service whose routes are registered from another file of its package.

mod common;

use common::{endpoints_of, findings_of, routes_of, trace_of};

#[test]
fn chi_gateway_mounts_proxies_inside_nested_route_groups() {
    assert_eq!(
        routes_of("chi-gateway"),
        [
            "gateway | any | /api/v1/products/{*...} | - | catalog | gateway/main.go:22",
            "gateway | any | /api/v1/users/{*...} | - | users | gateway/main.go:23",
        ]
    );
    assert_eq!(
        endpoints_of("chi-gateway"),
        [
            "catalog | GET /api/v1/products/{id} | catalog/main.go:11",
            "catalog | GET /api/v1/products | catalog/main.go:10",
            "catalog | POST /api/v1/products | catalog/main.go:12",
            "gateway | GET /healthz | gateway/main.go:15",
            "users | GET /api/v1/users/{id} | users/openapi.yaml:8",
        ]
    );
}

#[test]
fn chi_gateway_call_without_the_outer_group_prefix_gets_404() {
    let (code, f) = findings_of("chi-gateway");
    assert_eq!(
        f,
        ["missing-prefix 404 web/api.js:6:23 GET /v1/products/{id}"]
    );
    assert_eq!(code, 1);
    let (_, out) = trace_of("chi-gateway", "GET", "/api/v1/products/7");
    assert!(out.contains("catalog"), "{out}");
}

#[test]
fn gorilla_service_routes_come_from_a_helper_in_another_file() {
    assert_eq!(
        endpoints_of("gorilla-service"),
        [
            "orders | POST /api/orders/{id}/cancel | orders/routes.go:14",
            "orders | GET /api/orders/{id} | orders/routes.go:13",
            "orders | GET /api/orders | orders/routes.go:11",
            "orders | POST /api/orders | orders/routes.go:12",
            "orders | GET /healthz | orders/main.go:12",
        ]
    );
}

#[test]
fn gorilla_service_post_to_a_get_route_is_405_and_a_trailing_slash_404() {
    let (code, f) = findings_of("gorilla-service");
    assert_eq!(
        f,
        [
            "method-not-allowed 405 frontend/orders.js:14:16 POST /api/orders/{id}",
            "trailing-slash 404 frontend/orders.js:18:23 GET /api/orders/",
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn a_trailing_slash_finding_says_the_router_does_not_redirect() {
    let run = common::routelint(&[
        "check",
        common::fixture("gorilla-service").to_str().unwrap_or(""),
    ]);
    assert!(
        run.stdout
            .contains("note: gorilla/mux without `StrictSlash(true)` does not redirect"),
        "{}",
        run.stdout
    );
}
