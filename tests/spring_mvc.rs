//! Spring MVC controllers read from Java (`routelint routes`), the frontend calls traced to
//! them (`routelint check`, `routelint trace`), and `spec-drift` between a component's
//! OpenAPI document and its controllers.

mod common;

use common::{endpoints_of, findings_of, trace_of};

const OWNERS: &str = "customers-service/src/main/java/org/springframework/samples/petclinic/customers/web/OwnerResource.java";
const PETS: &str = "customers-service/src/main/java/org/springframework/samples/petclinic/customers/web/PetResource.java";
const SPEC: &str = "customers-service/src/main/resources/openapi.yaml";

#[test]
fn controllers_and_the_openapi_document_are_both_endpoints_of_customers_service() {
    let want: Vec<String> = [
        ("GET /customers/owners/*/pets/{petId}", PETS, 42),
        ("PUT /customers/owners/{ownerId}/pets/{petId}", PETS, 36),
        ("GET /customers/owners/{ownerId}/pets/{petId}", SPEC, 40),
        ("POST /customers/owners/{ownerId}/pets", PETS, 30),
        ("POST /customers/owners/{ownerId}/pets", SPEC, 33),
        ("GET /customers/owners/{ownerId}", OWNERS, 38),
        ("PUT /customers/owners/{ownerId}", OWNERS, 54),
        ("GET /customers/owners/{ownerId}", SPEC, 17),
        ("PUT /customers/owners/{ownerId}", SPEC, 17),
        // `@PostMapping` without a path serves the class path.
        ("POST /customers/owners", OWNERS, 29),
        ("GET /customers/owners", OWNERS, 46),
        ("GET /customers/petTypes", PETS, 25),
        ("GET /customers/owners", SPEC, 8),
        ("POST /customers/owners", SPEC, 8),
        ("GET /customers/petTypes", SPEC, 28),
    ]
    .iter()
    .map(|(e, file, line)| format!("customers-service | {e} | {file}:{line}"))
    .collect();
    assert_eq!(endpoints_of("spring-customers-service"), want);
}

#[test]
fn deleting_an_owner_gets_405_and_the_spec_misses_the_pet_update() {
    let (code, f) = findings_of("spring-customers-service");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            format!("spec-drift - {PETS}:36:5"),
            "method-not-allowed 405 frontend/src/owners.js:27:15 DELETE /customers/owners/{ownerId}"
                .to_owned(),
        ]
    );
}

#[test]
fn a_wildcard_owner_segment_reaches_the_controller() {
    let (code, out) = trace_of(
        "spring-customers-service",
        "GET",
        "/customers/owners/3/pets/7",
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("reached customers-service GET /customers/owners/*/pets/{petId}"),
        "{out}"
    );
    // Spring 6: `/customers/owners/` is not `/customers/owners`.
    let (code, out) = trace_of("spring-customers-service", "GET", "/customers/owners/");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no route or endpoint of customers-service matches /customers/owners/: 404"),
        "{out}"
    );
    // The pom pins Spring Boot 3.2: nothing is assumed.
    assert!(!out.contains("assumed Boot 3"), "{out}");
}

#[test]
fn spec_drift_both_ways_and_silent_when_the_shapes_agree() {
    let (code, f) = findings_of("rules/spec-drift/triggers");
    assert_eq!(code, 0, "information only");
    let java = "orders-service/src/main/java/com/example/orders/OrderController.java";
    assert_eq!(
        f,
        [
            format!("spec-drift - {java}:20:5"),
            format!("spec-drift - {java}:24:5"),
            "spec-drift - orders-service/src/main/resources/openapi.yaml:7:3".to_owned(),
        ]
    );
    // Information is printed when it counts (`--fail-on info`).
    let run = common::routelint(&[
        "check",
        "--fail-on",
        "info",
        common::fixture("rules/spec-drift/triggers")
            .to_str()
            .unwrap_or(""),
    ]);
    for headline in [
        "info[spec-drift]: PATCH /orders/{id} is handled in the code of orders-service but missing from its OpenAPI document",
        "info[spec-drift]: /orders/export (every method) is handled in the code of orders-service but missing from its OpenAPI document",
        "info[spec-drift]: DELETE /orders/{orderId} is in the OpenAPI document of orders-service but no handler in its code serves it",
    ] {
        assert!(run.stdout.contains(headline), "{}", run.stdout);
    }
    let (code, f) = findings_of("rules/spec-drift/silent");
    assert_eq!(f, Vec::<String>::new());
    assert_eq!(code, 0);
}

#[test]
fn kotlin_controllers_are_endpoints_too() {
    const CTRL: &str = "orders-service/src/main/kotlin/com/example/orders/OrderController.kt";
    assert_eq!(
        endpoints_of("kotlin-orders"),
        [
            format!("orders-service | PUT /api/orders/{{id}}/status | {CTRL}:17"),
            format!("orders-service | GET /api/orders/{{id}} | {CTRL}:11"),
            format!("orders-service | POST /api/orders | {CTRL}:14"),
        ]
    );
    let (code, f) = findings_of("kotlin-orders");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["method-not-allowed 405 web/src/orders.js:5:42 DELETE /api/orders/{id}"]
    );
}
