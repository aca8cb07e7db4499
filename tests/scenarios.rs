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
