//! Traefik (file provider and IngressRoute CRDs) and Envoy (static bootstrap) as edge routers,
//! through `routelint routes` (the routes extracted) and `routelint check` (the findings).

mod common;

use common::{findings_of, fixture, routelint, routes_of, trace_of};

#[test]
fn traefik_routers_from_both_providers_are_ranked_by_rule_length() {
    assert_eq!(
        routes_of("traefik"),
        [
            // Highest priority first: `len(rule)` unless a router sets `priority`. The
            // host-qualified catalog rule (54) outranks the more specific search rule (33).
            "traefik | any | prefix /api/catalog | stripPrefix /api | catalog | traefik/dynamic.yml:5",
            "traefik | any | prefix /api/users/ | stripPrefix /api/users | users | k8s/users.yaml:20",
            "traefik | GET | prefix /api/reviews/ | stripPrefix /api | reviews | traefik/dynamic.yml:19",
            "traefik | any | prefix /api/catalog/search | - | search | traefik/dynamic.yml:11",
            "traefik | any | prefix /api/orders/ | - | orders | traefik/dynamic.yml:15",
        ]
    );
}

#[test]
fn traefik_strip_prefix_keeps_a_leading_slash() {
    let (code, out) = trace_of("traefik", "GET", "/api/catalog/items");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/catalog/items → /catalog/items"), "{out}");
    // The IngressRoute's Middleware lives in the same file as the route that names it.
    let (code, out) = trace_of("traefik", "GET", "/api/users/me");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/users/me → /me"), "{out}");
}

#[test]
fn traefik_missing_strip_prefix_method_miss_and_priority_shadowing() {
    let (code, f) = findings_of("traefik");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "missing-strip-prefix 404 web/src/api.ts:5:44 GET /api/orders/{id}",
            "method-not-allowed 404 web/src/api.ts:7:9 POST /api/reviews/{sku}",
            "no-route 404 web/src/api.ts:8:35 GET /api/catalog/search",
        ]
    );
    let run = routelint(&["check", fixture("traefik").to_str().unwrap_or("")]);
    assert!(
        run.stdout
            .contains("add a `stripPrefix` middleware with `prefixes: [/api]` to that router"),
        "{}",
        run.stdout
    );
    // The search call is taken by the longer catalog rule and rewritten for catalog.
    assert!(
        run.stdout
            .contains("Traefik router catalog rewrites /api/catalog/search to /catalog/search"),
        "{}",
        run.stdout
    );
}

#[test]
fn envoy_routes_keep_declaration_order_and_rewrites() {
    assert_eq!(
        routes_of("envoy"),
        [
            "edge | any | exact /healthz | - | direct_response | envoy/envoy.yaml:18",
            "edge | GET | path prefix /api/accounts | rewrite to /accounts | accounts | envoy/envoy.yaml:23",
            "edge | any | prefix /api/inventory | rewrite to / | inventory | envoy/envoy.yaml:30",
        ]
    );
    let (code, out) = trace_of("envoy", "GET", "/api/accounts/42");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/accounts/42 → /accounts/42"), "{out}");
    let (code, out) = trace_of("envoy", "GET", "/healthz");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("direct_response"), "{out}");
}

#[test]
fn envoy_prefix_rewrite_double_slash_and_method_miss() {
    let (code, f) = findings_of("envoy");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "double-slash 404 web/src/client.js:3:34 GET /api/inventory/items",
            "method-not-allowed 404 web/src/client.js:5:9 POST /api/accounts",
        ]
    );
    let (_, out) = trace_of("envoy", "GET", "/api/inventory/items");
    assert!(out.contains("/api/inventory/items → //items"), "{out}");
}

#[test]
fn compose_traefik_labels_route_and_a_host_rule_decides_only_with_a_known_host() {
    let (code, f) = findings_of("compose-traefik-labels");
    assert_eq!(
        f,
        [
            "no-route 404 frontend/src/api.js:2:36 GET /api/item",
            "unresolved-call - frontend/src/api.js:3:34 GET /admin/stats",
        ]
    );
    assert_eq!(code, 1);
    let (code, out) = trace_of("compose-traefik-labels", "GET", "/api/items/");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("backend"), "{out}");
    // Same origin: admin's on admin.localhost, web's on any other host.
    let (_, out) = trace_of("compose-traefik-labels", "GET", "/admin/stats");
    assert!(out.contains("it depends on the request's host"), "{out}");
    let (code, out) = trace_of(
        "compose-traefik-labels",
        "GET",
        "http://admin.localhost/admin/stats",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("admin"), "{out}");
    // The worker's labels say `traefik.enable=false`: no router for it.
    let routes = routes_of("compose-traefik-labels");
    assert!(routes.iter().all(|r| !r.contains("worker")), "{routes:?}");
}
