//! Issue #9: what body a client gets for each predicted 404/405 (`answered_by`), services that
//! declare different error shapes, gateways whose own misses differ from them, and the
//! problem-details policy.

mod common;

use common::{check_json, findings_of, fixture, routelint};

#[test]
fn gateways_and_a_divergent_service_are_reported_with_exact_locations() {
    let (code, f) = findings_of("error-shapes");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "gateway-error-shape - deploy/istio/gateway.yaml:4:9",
            "gateway-error-shape - deploy/k8s/services.yaml:3:18",
            "error-shape-divergence - media-service/openapi.yaml:12:9",
            "no-route 404 web/src/api.js:15:42 GET /shop/api/post/{id}",
        ]
    );
}

#[test]
fn a_404_finding_says_which_hop_answers_and_with_what_body() {
    let (_, v) = check_json(&fixture("error-shapes"));
    let no_route = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "no-route")
        .expect("no-route finding");
    insta::assert_json_snapshot!(no_route["answered_by"], @r#"
    {
      "component": "api-gateway",
      "kind": "Go ServeMux",
      "status": 404,
      "media_type": "text/plain",
      "members": [],
      "shape": "a text/plain body (no JSON)",
      "source": "Go's http.NotFound writes `404 page not found` as text/plain"
    }
    "#);
    assert!(
        no_route["detail"]
            .as_str()
            .unwrap_or("")
            .ends_with("The 404 is answered by api-gateway: a text/plain body (no JSON)."),
        "{}",
        no_route["detail"]
    );
    // Findings about places, not requests, carry no answer.
    let divergence = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "error-shape-divergence")
        .expect("divergence");
    assert!(divergence.get("answered_by").is_none());
}

#[test]
fn the_gateway_finding_names_the_platform_default_and_how_to_align_it() {
    let run = routelint(&["check", fixture("error-shapes").to_str().unwrap_or("")]);
    assert!(
        run.stdout.contains(
            "help: add an `EnvoyFilter` with `local_reply_config.mappers` matching 404/405"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the platform default: Go's http.NotFound writes `404 page not found`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("1 checked call already fails here and gets this answer"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_problem_details_policy_turns_on_not_problem_details() {
    let (code, f) = findings_of("error-shapes-policy");
    assert_eq!(code, 0, "warnings and infos do not fail the run");
    assert_eq!(
        f,
        [
            "error-shape-divergence - billing-service/openapi.yaml:11:13",
            "not-problem-details - billing-service/openapi.yaml:11:13",
        ]
    );
}

#[test]
fn without_the_policy_not_problem_details_stays_off() {
    // error-shapes has services answering application/json {message}: no info without the policy.
    let (_, f) = findings_of("error-shapes");
    assert!(
        !f.iter().any(|l| l.starts_with("not-problem-details")),
        "{f:?}"
    );
}

#[test]
fn services_that_agree_and_gateways_that_declare_nothing_give_no_error_shape_finding() {
    // blog-platform-fixed: its services declare error responses without bodies, so no shape
    // is known and nothing is compared.
    let (code, f) = findings_of("blog-platform-fixed");
    assert_eq!((code, f), (0, Vec::<String>::new()));
}

#[test]
fn an_envoy_filter_local_reply_aligns_the_istio_gateway_and_the_repository_is_clean() {
    let (code, f) = findings_of("error-shapes-aligned");
    assert_eq!(code, 0);
    assert_eq!(f, ["unresolved-call - web/src/api.js:3:27"]);
}

#[test]
fn a_go_gateway_answering_text_in_front_of_fastapi_services() {
    // FastAPI services without an OpenAPI file answer {"detail": …}; the Go gateway's misses
    // are http.NotFound's text/plain.
    let (code, f) = findings_of("errors-fastapi-go");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "gateway-error-shape - gateway/main.go:21:2",
            "no-route 404 web/src/books.js:13:37 GET /api/authors/{id}",
        ]
    );
    let (_, v) = check_json(&fixture("errors-fastapi-go"));
    let answered = &v["findings"][1]["answered_by"];
    assert_eq!(answered["component"], "gateway");
    assert_eq!(answered["media_type"], "text/plain");
}

#[test]
fn the_spring_cloud_gateway_seed_case_without_and_with_a_global_handler() {
    // Services answer {message, status, errors, code}; Spring Cloud Gateway's own 404 is an
    // empty body unless an ErrorWebExceptionHandler is registered.
    let (code, f) = findings_of("errors-spring-gateway/no-handler");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "gateway-error-shape - api-gateway/src/main/resources/application.yml:9:11",
            "no-route 404 web/src/api.js:14:27 GET /api/coupons/{code}",
        ]
    );
    let (_, v) = check_json(&fixture("errors-spring-gateway/no-handler"));
    assert_eq!(
        v["findings"][1]["answered_by"]["shape"],
        "an empty body (no JSON)"
    );

    // The handler writes the services' record: the gateway's 404 is their JSON.
    let (code, f) = findings_of("errors-spring-gateway/with-handler");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["no-route 404 web/src/api.js:14:27 GET /api/coupons/{code}"]
    );
    let (_, v) = check_json(&fixture("errors-spring-gateway/with-handler"));
    let answered = &v["findings"][0]["answered_by"];
    assert_eq!(answered["media_type"], "application/json");
    assert_eq!(
        answered["members"],
        serde_json::json!(["code", "errors", "message", "status"])
    );
    assert!(
        answered["source"]
            .as_str()
            .unwrap_or("")
            .starts_with("handler at api-gateway/src/main/java/com/example/shop/gateway/GlobalExceptionHandler.java:"),
        "{answered}"
    );
}
