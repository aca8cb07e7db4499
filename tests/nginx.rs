//! nginx as the front of a repository: its locations, proxy_pass slash arithmetic,
//! `limit_except` and the `proxy-pass-slash` rule, through the binary.

mod common;

use common::{check_json, findings_of, fixture, routelint, routes_of, summarize, trace_of};

#[test]
fn nginx_front_route_table_joins_the_conf_d_snippet_into_the_server() {
    assert_eq!(
        routes_of("nginx-front"),
        [
            "nginx | any | exact /healthz | - | return 200 | nginx/conf.d/api.conf:19",
            "nginx | GET,HEAD | prefix /api/catalog/admin/ | rewrite to /admin/ | catalog | nginx/conf.d/api.conf:12",
            "nginx | any | prefix /api/accounts/ | rewrite to /v1 | accounts | nginx/conf.d/api.conf:3",
            "nginx | any | prefix /api/catalog/ | rewrite to / | catalog | nginx/nginx.conf:56",
            "nginx | any | prefix /api/reports | rewrite to /reports | catalog | nginx/conf.d/api.conf:8",
            "nginx | any | prefix /api/orders | rewrite to / | orders | nginx/nginx.conf:61",
            "nginx | any | prefix / | - | static files | nginx/nginx.conf:52",
            "nginx | any | regex \\.(?:css|js|png|svg|woff2?)$ | - | static files | nginx/nginx.conf:66",
        ]
    );
}

#[test]
fn nginx_front_findings_two_slash_mismatches_and_a_limit_except_miss() {
    let (code, f) = findings_of("nginx-front");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "method-not-allowed 403 web/src/api.js:18:17 POST /api/catalog/admin/items",
            "proxy-pass-slash 404 web/src/api.js:31:27 GET /api/orders/{id}",
            "proxy-pass-slash 404 web/src/api.js:35:27 GET /api/accounts/me",
        ]
    );
}

#[test]
fn the_correct_pairs_reach_their_endpoints() {
    let (code, out) = trace_of("nginx-front", "GET", "/api/reports/daily");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/reports/daily → /reports/daily"), "{out}");
    assert!(out.contains("reached catalog GET /reports/{name}"), "{out}");
    let (_, out) = trace_of("nginx-front", "GET", "/api/catalog/items/42");
    assert!(out.contains("/api/catalog/items/42 → /items/42"), "{out}");
    assert!(out.contains("reached catalog GET /items/{id}"), "{out}");
    let (_, out) = trace_of("nginx-front", "GET", "/api/orders");
    assert!(out.contains("reached orders GET /"), "{out}");
}

#[test]
fn the_broken_pairs_send_double_slash_and_glued_paths() {
    let (_, out) = trace_of("nginx-front", "GET", "/api/orders/42");
    assert!(out.contains("/api/orders/42 → //42"), "{out}");
    let (_, out) = trace_of("nginx-front", "GET", "/api/accounts/me");
    assert!(out.contains("/api/accounts/me → /v1me"), "{out}");
}

#[test]
fn a_bare_prefix_of_a_proxied_slash_location_is_redirected() {
    let (_, out) = trace_of("nginx-front", "GET", "/api/catalog");
    assert!(
        out.contains("nginx redirects to /api/catalog/: 301"),
        "{out}"
    );
}

#[test]
fn regex_locations_come_after_a_non_caret_prefix_and_static_files_are_served() {
    let (_, out) = trace_of("nginx-front", "GET", "/assets/app.js");
    assert!(out.contains("regex \\.(?:css|js|png|svg|woff2?)$"), "{out}");
    let (_, out) = trace_of("nginx-front", "GET", "/healthz");
    assert!(out.contains("exact /healthz"), "{out}");
}

#[test]
fn proxy_pass_slash_triggers_once_per_call_and_not_as_double_slash() {
    let (code, f) = findings_of("rules/proxy-pass-slash/triggers");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "proxy-pass-slash 404 app/gallery.js:1:36 GET /media/photos/{id}",
            "proxy-pass-slash - app/gallery.js:2:33 GET /files/logo.png",
            "unresolved-call - app/gallery.js:2:33 GET /files/logo.png",
        ]
    );
    let (code, f) = findings_of("rules/proxy-pass-slash/silent");
    assert_eq!(f, Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn unbalanced_nginx_config_is_a_parse_error_and_the_rest_is_still_read() {
    let dir = std::env::temp_dir().join(format!("routelint-nginx-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nginx")).expect("dir");
    std::fs::write(
        dir.join("nginx/nginx.conf"),
        "http {\n  server {\n    location /api/ { proxy_pass http://api/; }\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("nginx/extra.conf"),
        "location /x/ { proxy_pass \"http://x/;\n}\n",
    )
    .expect("write");
    let (_, v) = common::check_json(&dir);
    let f = common::summarize(&v);
    assert_eq!(
        f,
        [
            "parse-error - nginx/extra.conf:1:27",
            "parse-error - nginx/nginx.conf:1:1",
            "parse-error - nginx/nginx.conf:2:3",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn human_output_of_the_nginx_front() {
    let run = routelint(&["check", fixture("nginx-front").to_str().unwrap_or("")]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("nginx_front_human", run.stdout);
}

#[test]
fn human_output_of_proxy_pass_slash_triggers() {
    let run = routelint(&[
        "check",
        fixture("rules/proxy-pass-slash/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("proxy_pass_slash_triggers_human", run.stdout);
}

#[test]
fn an_envsubst_template_is_read_and_a_library_router_leaves_its_subtree_unknown() {
    // `app.conf.template.dev` (with `${DOMAIN}` in server_name) strips /api through a regex
    // location's rewrite; the FastAPI app mounts two routers built by a library, at /auth/db
    // and /users, whose routes cannot be read.
    let (code, v) = check_json(&fixture("nginx-template-fastapi"));
    assert_eq!(
        summarize(&v),
        [
            "unresolved-endpoint - backend/app/main.py:12:16",
            "unresolved-endpoint - backend/app/main.py:17:16",
            // `location /` sends every other request to the web server: nginx answers no
            // 404 of its own, so no gateway-error-shape.
            "unresolved-call - web/src/api.ts:10:16 GET /api/users/me",
            "unresolved-call - web/src/api.ts:14:16 POST /api/auth/db/logout",
            // Under no mount: a real 404.
            "no-route 404 web/src/api.ts:18:16 DELETE /api/items/{id}/attempts",
        ]
    );
    assert_eq!(code, 1);
    // GET /api/users/me and POST /api/auth/db/logout may be served by the library routers.
    assert_eq!(v["summary"]["unresolved"], 2, "{}", v["summary"]);
    assert_eq!(v["summary"]["calls"], 5);
    let (code, out) = trace_of("nginx-template-fastapi", "GET", "/api/users/me");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("mounts a router routelint cannot read at /users"),
        "{out}"
    );
    let (code, out) = trace_of("nginx-template-fastapi", "POST", "/api/items");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_template_is_rendered_with_the_images_env_and_the_compose_override() {
    // web/Dockerfile `ENV CATALOGUE_HOST=catalogue USER_HOST=user`; docker-compose gives the
    // web service `USER_HOST: users`, the user service's compose name.
    let (code, f) = findings_of("nginx-envsubst-image");
    assert_eq!(
        f,
        ["no-route 404 web/static/js/controller.js:10:20 GET /api/catalogue/product-list"]
    );
    assert_eq!(code, 1);
    let (code, out) = trace_of("nginx-envsubst-image", "POST", "/api/user/login");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("users"), "{out}");
    let (code, out) = trace_of("nginx-envsubst-image", "GET", "/api/catalogue/products");
    assert_eq!(code, 0, "{out}");
}
