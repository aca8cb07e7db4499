//! A client parameter where a route has a literal segment (`/{id}` against `/orders`) matches
//! only if the value were that word: under every router's status rules such a match decides
//! nothing (no success, no 405 or 403, no precedence, no redirect) and is kept as a `maybe`
//! note on the hop. Other maybes (a regex class, header conditions) still count. One table per
//! status rule, over `fixtures/maybe-matches` (`routelint trace --from COMPONENT`).

mod common;

use common::{fixture, routelint};
use serde_json::Value;

/// `status | maybe notes of the last hop`, from `routelint trace --format json --from`.
fn trace(from: &str, method: &str, path: &str) -> String {
    let dir = fixture("maybe-matches");
    let run = routelint(&[
        "trace",
        "--format",
        "json",
        "--from",
        from,
        method,
        path,
        dir.to_str().unwrap_or(""),
    ]);
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    let status = v["outcome"]["status"].as_str().unwrap_or("").to_owned();
    let notes: Vec<String> = v["hops"]
        .as_array()
        .and_then(|h| h.last())
        .and_then(|h| h["maybe"].as_array())
        .map(|m| {
            m.iter()
                .filter_map(|n| n.as_str())
                .map(|n| n.split(" (not counted").next().unwrap_or(n).to_owned())
                .collect()
        })
        .unwrap_or_default();
    if notes.is_empty() {
        status
    } else {
        format!("{status} | {}", notes.join("; "))
    }
}

fn check(from: &str, table: &[(&str, &str, &str)]) {
    for (method, path, want) in table {
        assert_eq!(trace(from, method, path), *want, "{from}: {method} {path}");
    }
}

#[test]
fn go_servemux_405_and_subtree_redirect_need_definite_matches() {
    // Go 1.22+: a method miss is 405 with Allow; `/files/` redirects `/files` with 301.
    check(
        "go-svc",
        &[
            // Was 405 (POST /orders "matched"): 404 for every id but `orders`.
            (
                "GET",
                "/{id}",
                "404 | `{id}` would match ServeMux mux POST /orders only if id were `orders`",
            ),
            // Was a success at POST /orders.
            (
                "POST",
                "/{id}",
                "404 | `{id}` would match ServeMux mux POST /orders only if id were `orders`",
            ),
            // Precedence: `/users/me` (GET) is more specific, but only `/users/{id}` matches
            // definitely, and it allows DELETE.
            (
                "GET",
                "/users/{id}",
                "405 | `{id}` would match ServeMux mux GET, HEAD /users/me only if id were `me`",
            ),
            (
                "DELETE",
                "/users/{id}",
                "200 | `{id}` would match ServeMux mux GET, HEAD /users/me only if id were `me`",
            ),
            ("GET", "/users/me", "200"),
            // No redirect to `/{dir}/` on the strength of `/files/`.
            (
                "GET",
                "/{dir}",
                "404 | `{dir}` would match ServeMux mux POST /orders only if dir were `orders`",
            ),
            ("GET", "/files", "301"),
            ("GET", "/files/{name}", "200"),
        ],
    );
}

#[test]
fn fastapi_405_needs_a_definite_path_match() {
    check(
        "fastapi-svc",
        &[
            (
                "GET",
                "/{id}",
                "404 | `{id}` would match fastapi-svc POST /orders only if id were `orders`",
            ),
            (
                "POST",
                "/{id}",
                "404 | `{id}` would match fastapi-svc POST /orders only if id were `orders`",
            ),
            (
                "GET",
                "/users/{id}",
                "405 | `{id}` would match fastapi-svc GET /users/me only if id were `me`",
            ),
            ("GET", "/orders/{id}", "200"),
            ("POST", "/orders", "200"),
        ],
    );
}

#[test]
fn express_method_miss_is_404_and_needs_a_definite_path_match() {
    check(
        "express-svc",
        &[
            (
                "POST",
                "/{id}",
                "404 | `{id}` would match express-svc POST /orders only if id were `orders`",
            ),
            // Express answers a method miss with 404; the miss is still a method miss of
            // `/users/{id}` alone.
            (
                "GET",
                "/users/{id}",
                "404 | `{id}` would match express-svc GET, HEAD /users/me only if id were `me`",
            ),
            (
                "DELETE",
                "/users/{id}",
                "200 | `{id}` would match express-svc GET, HEAD /users/me only if id were `me`",
            ),
        ],
    );
}

#[test]
fn kong_prefixes_regexes_and_header_conditions() {
    // Kong: routes by priority, string-prefix paths; no route, method included, is 404.
    let beta = "`{id}` would match Kong route beta prefix /beta only if id began with `beta`";
    let orders = "`{id}` would match Kong route create-order POST prefix /orders only if id began with `orders`";
    check(
        "kong",
        &[
            // Was forwarded by the `/orders` prefix route (POST) or the `/beta` one.
            ("POST", "/{id}", &format!("404 | {orders}; {beta}")),
            ("GET", "/{id}", &format!("404 | {orders}; {beta}")),
            // A parameter in a regex class is a maybe that counts: forwarded (to a host
            // outside the fixture, so unresolved), not 404.
            ("GET", "/items/{id}", "unresolved"),
            // Header conditions the call does not show: still forwarded.
            ("GET", "/beta", "unresolved"),
        ],
    );
}

#[test]
fn nginx_exact_location_and_limit_except_need_a_definite_match() {
    // nginx: `location = /orders` with `limit_except POST` answers GET with 403; a path that
    // could only coincide with it is no location's and gets 404.
    let notes = "`{id}` would match location = /orders only if id were `orders`; `{id}` would match location /api/ only if id were `api`";
    check(
        "nginx",
        &[
            ("GET", "/{id}", &format!("404 | {notes}")),
            ("POST", "/{id}", &format!("404 | {notes}")),
            ("GET", "/orders", "403"),
            ("POST", "/orders", "unresolved"),
            ("GET", "/api/{id}", "unresolved"),
        ],
    );
}

#[test]
fn spring_gateway_controllers_decide_first_only_on_a_definite_match() {
    // Spring asks the gateway's own controllers before its routes, and a method miss there is
    // 405; a path that could only coincide with `/fallback` goes on to the `/**` route.
    let note = "`{x}` would match spring-gw GET /fallback only if x were `fallback`";
    check(
        "spring-gw",
        &[
            // Was 405 (the controller "matched" and allows only GET).
            ("POST", "/{x}", &format!("unresolved | {note}")),
            // Was answered by the controller.
            ("GET", "/{x}", &format!("unresolved | {note}")),
            ("GET", "/fallback", "200"),
            ("POST", "/fallback", "405"),
        ],
    );
}

#[test]
fn istio_first_match_and_method_miss_404() {
    // Istio: rules in order, the first whose every condition holds; no route, method
    // included, is 404.
    let note = "`{x}` would match VirtualService orders POST exact /orders only if x were `orders`";
    check(
        "mesh-edge",
        &[
            // Was forwarded by `exact: /orders`.
            ("POST", "/{x}", &format!("404 | {note}")),
            // Was a method miss of `/orders` (404 either way; now no rule's path matches).
            ("GET", "/{x}", &format!("404 | {note}")),
            ("GET", "/orders", "404"),
            ("POST", "/orders", "unresolved"),
            // A regex class: the maybe counts.
            ("GET", "/items/{id}", "unresolved"),
        ],
    );
}
