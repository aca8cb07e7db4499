//! docker-compose names the components it builds: a gateway forwarding to `catalog` reaches the
//! FastAPI app in the directory the compose service `catalog` is built from.

mod common;

use common::{findings_of, trace_of};

#[test]
fn a_compose_service_name_links_the_gateway_to_its_build_directory() {
    let (code, out) = trace_of("compose-stack", "GET", "/api/books/1");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("reached catalog GET /books/{book_id} (services/catalog-api/app/main.py:6)"),
        "{out}"
    );
}

#[test]
fn compose_stack_findings() {
    let (code, f) = findings_of("compose-stack");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            // The Go gateway's own 404s are text/plain; FastAPI answers {detail} JSON.
            "gateway-error-shape - docker-compose.yml:2:3",
            "method-not-allowed 405 web/src/catalog.js:2:41 DELETE /api/books/{id}",
        ]
    );
}
