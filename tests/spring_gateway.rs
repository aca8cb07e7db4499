//! Spring Cloud Gateway (routes in `application.yml`), its Zuul predecessor, and the
//! `strip-prefix-count` rule, through `routelint routes`, `trace` and `check` over
//! spring-petclinic-shaped fixtures.

mod common;

use common::{check_json, findings_of, fixture, routelint, routes_of, trace_of};

const GW: &str = "spring-petclinic-api-gateway/src/main/resources";

#[test]
fn petclinic_gateway_routes_are_read_in_order_with_their_strip_prefix() {
    assert_eq!(
        routes_of("spring-petclinic"),
        [
            format!(
                "api-gateway | any | /api/vet/{{path...}} | StripPrefix=2 | vets-service | {GW}/application.yml:22"
            ),
            format!(
                "api-gateway | any | /api/visit/{{path...}} | StripPrefix=1 | visits-service | {GW}/application.yml:28"
            ),
            format!(
                "api-gateway | any | /api/customer/{{path...}} | StripPrefix=2 | customers-service | {GW}/application.yml:34"
            ),
            format!(
                "api-gateway | any | /api/genai/{{path...}} | StripPrefix=2 | genai-service | {GW}/application.yml:40"
            ),
        ]
    );
}

#[test]
fn strip_prefix_two_reaches_the_customers_service() {
    let (code, out) = trace_of("spring-petclinic", "GET", "/api/customer/owners/7");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("/api/customer/owners/7 → /owners/7"), "{out}");
    assert!(
        out.contains("reached customers-service GET /owners/{ownerId}"),
        "{out}"
    );
}

#[test]
fn petclinic_findings_are_the_strip_count_and_the_missing_route() {
    let (code, f) = findings_of("spring-petclinic");
    assert_eq!(code, 1);
    let js = format!("{GW}/static/scripts/api/petclinic-api.js");
    assert_eq!(
        f,
        [
            // genai-service (Spring MVC, read from code) answers Spring Boot's JSON error; the
            // gateway's own 404 is an empty body.
            format!("gateway-error-shape - {GW}/application.yml:19:11"),
            format!(
                "strip-prefix-count 404 {js}:19:16 GET /api/visit/owners/{{ownerId}}/pets/{{petId}}/visits"
            ),
            // The chat client is at /chatclient; `/api/gateway/owners/{id}` is served by the
            // gateway's own controller (no finding).
            format!("no-route 404 {js}:33:16 POST /api/genai/chat/stream"),
        ]
    );
    let run = routelint(&["check", fixture("spring-petclinic").to_str().unwrap_or("")]);
    assert!(
        run.stdout
            .contains("help: use `StripPrefix=2` in that route's filters"),
        "{}",
        run.stdout
    );
    // 8 fetch calls and the AngularJS `$http` call (relative to `<base href="/">`); the
    // gateway's controller endpoint is one of the 12 endpoints.
    assert!(
        run.stdout.contains("9 calls, 4 routes, 12 endpoints"),
        "{}",
        run.stdout
    );
    // pom.xml pins the release train: no version assumption.
    let routes = routelint(&["routes", fixture("spring-petclinic").to_str().unwrap_or("")]);
    assert!(!routes.stdout.contains("assumed 4.x"), "{}", routes.stdout);
}

/// The table without locations: what routes there are, not where they are written.
fn normalized(rel: &str) -> Vec<String> {
    routes_of(rel)
        .into_iter()
        .map(|l| l.rsplit_once(" | ").map(|(a, _)| a.to_owned()).unwrap_or(l))
        .collect()
}

#[test]
fn zuul_routes_give_the_same_table_and_findings_as_the_gateway() {
    assert_eq!(normalized("zuul-gateway"), normalized("spring-petclinic"));
    // The same calls fail the same way; the gateway-level finding points at each file's own
    // route list.
    let calls = |rel: &str| -> Vec<String> {
        findings_of(rel)
            .1
            .into_iter()
            .filter(|f| !f.starts_with("gateway-error-shape"))
            .collect()
    };
    assert_eq!(calls("zuul-gateway"), calls("spring-petclinic"));
    let run = routelint(&["check", fixture("zuul-gateway").to_str().unwrap_or("")]);
    assert!(
        run.stdout.contains("make the Zuul route strip 2 segments"),
        "{}",
        run.stdout
    );
}

#[test]
fn strip_prefix_count_triggers_on_one_segment_too_many_and_is_silent_when_right() {
    let (code, f) = findings_of("rules/strip-prefix-count/triggers");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["strip-prefix-count 404 ui/orders.js:1:39 GET /api/orders/{id}"]
    );
    let run = routelint(&[
        "check",
        fixture("rules/strip-prefix-count/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(
        run.stdout.contains("too many: one segment"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("use `StripPrefix=1`"), "{}", run.stdout);
    // Without a build file the gateway version is assumed, and `routes` says so.
    let routes = routelint(&[
        "routes",
        fixture("rules/strip-prefix-count/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(routes.stdout.contains("assumed 4.x"), "{}", routes.stdout);
    // A RouteLocatorBuilder bean, one segment too few; the help speaks Java.
    let (code, f) = findings_of("rules/strip-prefix-count/triggers-java");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["strip-prefix-count 404 ui/orders.js:1:39 GET /shop/api/orders/{id}"]
    );
    let run = routelint(&[
        "check",
        fixture("rules/strip-prefix-count/triggers-java")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(
        run.stdout
            .contains("use `.filters(f -> f.stripPrefix(2))` in that route"),
        "{}",
        run.stdout
    );
    let (code, f) = findings_of("rules/strip-prefix-count/silent");
    assert_eq!((code, f), (0, Vec::<String>::new()));
}

#[test]
fn explain_prints_the_rule_documentation() {
    let run = routelint(&["explain", "RL114"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("strip-prefix-count"), "{}", run.stdout);
    assert!(run.stdout.contains("## Fix"), "{}", run.stdout);
}

#[test]
fn a_config_servers_shared_files_configure_the_applications_they_are_named_after() {
    // `config/.../shared/gateway.yml` holds the gateway's Zuul routes and
    // `shared/account-service.yml` the account service's context path: each belongs to the
    // application of that `spring.application.name`, not to the config server.
    let (code, f) = findings_of("spring-config-server");
    assert_eq!(
        f,
        [
            // The account service's Feign client to the auth service (`/users/current`).
            "missing-prefix 404 account-service/src/main/java/com/example/account/client/AuthServiceClient.java:12:14 GET /uaa/user/current",
            "no-route 404 gateway/src/main/resources/static/js/main.js:20:17 GET /accounts/settings",
        ]
    );
    assert_eq!(code, 1);
    let (_, v) = check_json(&fixture("spring-config-server"));
    // Four from the page (the form with two fields and no submit control is not a request),
    // two from the Feign client.
    assert_eq!(v["summary"]["calls"], 6, "{}", v["summary"]);
    assert_eq!(v["summary"]["unresolved"], 0);
    // @EnableAuthorizationServer serves /oauth/token under the auth service's /uaa.
    let (code, out) = trace_of("spring-config-server", "POST", "/uaa/oauth/token");
    assert_eq!(code, 0, "{out}");
    let (code, out) = trace_of("spring-config-server", "PUT", "/accounts/current");
    assert_eq!(code, 0, "{out}");
}
