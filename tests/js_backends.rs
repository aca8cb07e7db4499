//! Server routes read from JavaScript/TypeScript code (Express, NestJS, Next.js) and the
//! frontend calls checked against them: `routelint routes` lists the endpoints each framework
//! serves, `routelint check` reports the calls they do not answer, with each framework's own
//! miss status (Express and NestJS answer a method miss with 404, Next.js with 405).

mod common;

use common::{endpoints_of, findings_of, routes_of};

#[test]
fn express_bff_endpoints_carry_their_mount_prefixes_across_modules() {
    assert_eq!(
        endpoints_of("express-bff"),
        [
            "bff | GET /api/posts/{postId}/comments | bff/src/routes/comments.js:5",
            "bff | HEAD /api/posts/{postId}/comments | bff/src/routes/comments.js:5",
            "bff | POST /api/posts/{postId}/comments | bff/src/routes/comments.js:6",
            "bff | GET /api/posts/{id} | bff/src/routes/posts.js:8",
            "bff | HEAD /api/posts/{id} | bff/src/routes/posts.js:8",
            "bff | DELETE /api/posts/{id} | bff/src/routes/posts.js:9",
            "bff | GET /api/users/{id} | bff/src/routes/users.cjs:10",
            "bff | HEAD /api/users/{id} | bff/src/routes/users.cjs:10",
            "bff | PUT /api/users/{id} | bff/src/routes/users.cjs:10",
            "bff | GET /api/search/{term} | bff/src/routes/users.cjs:14",
            "bff | HEAD /api/search/{term} | bff/src/routes/users.cjs:14",
            "bff | GET /api/posts | bff/src/routes/posts.js:6",
            "bff | HEAD /api/posts | bff/src/routes/posts.js:6",
            "bff | POST /api/posts | bff/src/routes/posts.js:7",
            "bff | GET /api/users | bff/src/routes/users.cjs:5",
            "bff | HEAD /api/users | bff/src/routes/users.cjs:5",
            "bff | GET /api/search | bff/src/routes/users.cjs:14",
            "bff | HEAD /api/search | bff/src/routes/users.cjs:14",
            "bff | GET /healthz | bff/src/app.js:13",
            "bff | HEAD /healthz | bff/src/app.js:13",
            "orders | GET /{id} | orders/openapi.yaml:11",
            "orders | GET / | orders/openapi.yaml:6",
        ]
    );
}

#[test]
fn express_bff_forwards_through_http_proxy_middleware() {
    assert_eq!(
        routes_of("express-bff"),
        [
            "bff | any | path prefix /api/orders (any case) | replace prefix /api/orders with \"\" | orders | bff/src/app.js:17",
        ]
    );
}

#[test]
fn express_bff_findings_are_the_missing_route_and_the_404_method_miss() {
    let (code, f) = findings_of("express-bff");
    assert_eq!(code, 1);
    // `GET /api/users/{id}/` is served: Express routing ignores the trailing slash.
    assert_eq!(
        f,
        [
            "no-route 404 web/src/api.js:7:27 GET /api/profile",
            "method-not-allowed 404 web/src/api.js:12:16 PATCH /api/posts/{id}",
            "no-route 404 web/src/api.js:29:16 POST /api/orders/{id}/cancel",
        ]
    );
}

#[test]
fn nest_endpoints_take_the_global_prefix_and_the_uri_version() {
    assert_eq!(
        endpoints_of("nestjs-app"),
        [
            "pets-api | GET /api/v1/cats/{id} | pets-api/src/cats/cats.controller.ts:14",
            "pets-api | HEAD /api/v1/cats/{id} | pets-api/src/cats/cats.controller.ts:14",
            "pets-api | DELETE /api/v1/cats/{id} | pets-api/src/cats/cats.controller.ts:24",
            "pets-api | GET /api/v1/cats | pets-api/src/cats/cats.controller.ts:9",
            "pets-api | HEAD /api/v1/cats | pets-api/src/cats/cats.controller.ts:9",
            "pets-api | POST /api/v1/cats | pets-api/src/cats/cats.controller.ts:19",
            "pets-api | GET /api/users/{id} | pets-api/src/users/users.controller.ts:13",
            "pets-api | HEAD /api/users/{id} | pets-api/src/users/users.controller.ts:13",
            "pets-api | PATCH /api/users/{id} | pets-api/src/users/users.controller.ts:18",
            "pets-api | GET /api/users | pets-api/src/users/users.controller.ts:8",
            "pets-api | HEAD /api/users | pets-api/src/users/users.controller.ts:8",
        ]
    );
}

#[test]
fn nest_findings_are_the_forgotten_global_prefix_and_the_404_method_miss() {
    let (code, f) = findings_of("nestjs-app");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        [
            "missing-prefix 404 frontend/src/api.ts:9:50 GET /users/{id}",
            "method-not-allowed 404 frontend/src/api.ts:12:13 PUT /api/users/{id}",
        ]
    );
}

#[test]
fn next_endpoints_come_from_route_files_and_their_exports() {
    // HEAD (from GET) and OPTIONS are answered by Next.js when a route file does not export
    // them; a pages/api handler takes every method.
    assert_eq!(
        endpoints_of("nextjs-app"),
        [
            "blog | GET /api/posts/{id} | blog/app/api/posts/[id]/route.ts:6",
            "blog | DELETE /api/posts/{id} | blog/app/api/posts/[id]/route.ts:19",
            "blog | HEAD /api/posts/{id} | blog/app/api/posts/[id]/route.ts:6",
            "blog | OPTIONS /api/posts/{id} | blog/app/api/posts/[id]/route.ts:6",
            "blog | GET /api/search/{filters...} | blog/app/api/search/[[...filters]]/route.ts:3",
            "blog | HEAD /api/search/{filters...} | blog/app/api/search/[[...filters]]/route.ts:3",
            "blog | OPTIONS /api/search/{filters...} | blog/app/api/search/[[...filters]]/route.ts:3",
            "blog | GET /api/posts | blog/app/api/posts/route.ts:4",
            "blog | POST /api/posts | blog/app/api/posts/route.ts:9",
            "blog | HEAD /api/posts | blog/app/api/posts/route.ts:4",
            "blog | OPTIONS /api/posts | blog/app/api/posts/route.ts:4",
            "blog | GET /api/health | blog/pages/api/health.ts:3",
            "blog | HEAD /api/health | blog/pages/api/health.ts:3",
            "blog | POST /api/health | blog/pages/api/health.ts:3",
            "blog | PUT /api/health | blog/pages/api/health.ts:3",
            "blog | PATCH /api/health | blog/pages/api/health.ts:3",
            "blog | DELETE /api/health | blog/pages/api/health.ts:3",
            "blog | OPTIONS /api/health | blog/pages/api/health.ts:3",
            "blog | POST /newsletter | blog/app/(marketing)/newsletter/route.ts:3",
            "blog | OPTIONS /newsletter | blog/app/(marketing)/newsletter/route.ts:3",
        ]
    );
}

#[test]
fn next_findings_are_the_unexported_method_only() {
    let (code, f) = findings_of("nextjs-app");
    assert_eq!(code, 1);
    assert_eq!(
        f,
        ["method-not-allowed 405 blog/app/(site)/page.tsx:42:41 PATCH /api/posts/{id}"]
    );
}
