//! Whole-repository scenarios beyond the blog platform: how layers link.

mod common;

use common::findings_of;

#[test]
fn mesh_virtual_service_applies_to_requests_from_in_mesh_gateways() {
    // The GET reaches /v2/ratings/{bookId} only through the mesh rewrite; the POST is refused
    // by the sidecar route's method match, and Envoy answers that with 404.
    let (code, f) = findings_of("istio-mesh");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["method-not-allowed 404 web/ratings.js:3:9 POST /api/ratings/{bookId}"]
    );
}

#[test]
fn a_kustomize_name_prefix_that_renames_the_gateway_breaks_only_that_overlay() {
    // Staging's namePrefix renames the Gateway to staging-edge; kustomize does not rewrite the
    // VirtualService's `gateways: [edge]`, so in staging the route binds to nothing. Prod, which
    // renders the base as written, is fine: the findings say which deployment they concern.
    let (code, f) = findings_of("kustomize-overlays");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "unbound-route 404 deploy/base/virtualservice.yaml:7:14",
            "no-route 404 web/catalog.js:1:37 GET /catalog/products",
        ]
    );
    let (_, v) = common::check_json(&common::fixture("kustomize-overlays"));
    assert_eq!(v["summary"]["deployments"], 2);
    for finding in v["findings"].as_array().expect("findings") {
        assert_eq!(
            finding["notes"]
                .as_array()
                .and_then(|n| n.last())
                .and_then(|n| n.as_str()),
            Some("only in the kustomize deployment deploy/overlays/staging"),
            "{finding}"
        );
    }
}

#[test]
fn a_header_only_canary_rule_does_not_catch_browser_calls() {
    // The canary rule also needs `x-canary: "1"`, which the call does not send: it reaches the
    // stable rule. Routing it down the canary (to an API without /items) would be a false 404.
    let (code, f) = findings_of("istio-header-canary");
    assert_eq!((code, f), (0, Vec::<String>::new()));
    let run = common::routelint(&[
        "trace",
        "GET",
        "/items/5",
        common::fixture("istio-header-canary")
            .to_str()
            .unwrap_or(""),
    ]);
    assert!(
        run.stdout.contains("reached items-v1 GET /items/{id}"),
        "{}",
        run.stdout
    );
}
