//! Arbitrary text fed to every extractor: no panic, and every span stays inside the text.

use proptest::prelude::*;
use routelint::source_file::FileId;
use routelint::sources::{SourceKind, facts::Facts, input::Input};

const KINDS: [(SourceKind, &str); 18] = [
    (SourceKind::Kubernetes, "deploy/x.yaml"),
    (SourceKind::Kubernetes, "deploy/kustomization.yaml"),
    (SourceKind::OpenApi, "spec/openapi.yaml"),
    (SourceKind::OpenApi, "spec/openapi.json"),
    (SourceKind::Go, "gw/main.go"),
    (SourceKind::GoMod, "gw/go.mod"),
    (SourceKind::JavaScript, "web/app.tsx"),
    (SourceKind::Kong, "kong/kong.yaml"),
    (SourceKind::Traefik, "traefik/dynamic.toml"),
    (SourceKind::Traefik, "traefik/dynamic.yml"),
    (SourceKind::Envoy, "envoy/envoy.json"),
    (SourceKind::Apisix, "apisix/apisix.yaml"),
    (SourceKind::Python, "svc/app/main.py"),
    (SourceKind::Java, "svc/src/main/java/A.java"),
    (SourceKind::Kotlin, "svc/src/main/kotlin/A.kt"),
    (SourceKind::Nginx, "nginx/nginx.conf"),
    (
        SourceKind::SpringConfig,
        "gw/src/main/resources/application.yml",
    ),
    (SourceKind::Compose, "docker-compose.yml"),
];

fn spans_in_bounds(facts: &Facts, len: usize) -> bool {
    let ok = |s: routelint::source_file::Span| {
        (s.start as usize) <= (s.end as usize) && (s.end as usize) <= len
    };
    facts.problems.iter().all(|p| ok(p.span))
        && facts.routes.iter().all(|r| ok(r.span) && ok(r.rule_span))
        && facts
            .endpoints
            .iter()
            .all(|e| ok(e.span) && ok(e.method_span))
        && facts.calls.iter().all(|c| ok(c.span))
        && facts.components.iter().all(|c| ok(c.span))
        && facts.unresolved_endpoints.iter().all(|(s, _)| ok(*s))
}

/// Text that looks like the formats: their keywords, punctuation and paths, shuffled.
fn format_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "apiVersion: networking.istio.io/v1\n",
        "kind: VirtualService\n",
        "kind: Gateway\n",
        "spec:\n",
        "  http:\n",
        "  - match:\n",
        "    - uri: {prefix: /api/}\n",
        "    rewrite: {uri: /}\n",
        "    route: [{destination: {host: a}}]\n",
        "---\n",
        "openapi: 3.1.0\n",
        "swagger: '2.0'\n",
        "paths:\n",
        "  /x/{id}:\n",
        "    get: {}\n",
        "servers: [{url: 'http://{h}/v1'}]\n",
        "&a ",
        "*a ",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\"",
        "'",
        "`",
        "${id}",
        "fetch(",
        "axios.get(",
        ")",
        ";",
        "\n",
        "mux.Handle(\"/a/\", ",
        "http.StripPrefix(\"/a\", ",
        "httputil.NewSingleHostReverseProxy(u)",
        "func main() {",
        "package main\n",
        "import \"net/http\"\n",
        "const API = '/blog/api';\n",
        "\u{0}",
        "\u{feff}",
        "é",
        "\t",
        "  ",
        "/",
        "//",
        "?q=1",
        "#",
        "{{ .Values.x }}",
        "_format_version: \"3.0\"\n",
        "services:\n",
        "  - url: http://a\n",
        "    routes: [{paths: [~/x]}]\n",
        "[http.routers.r]\n",
        "rule = \"PathPrefix(`/a`) && Method(`GET`)\"\n",
        "http:\n  routers:\n",
        "static_resources:\n",
        "virtual_hosts: [{routes: [{match: {prefix: /}}]}]\n",
        "routes:\n  - uri: /a/*\n    upstream: {nodes: {\"a:1\": 1}}\n#END\n",
        "kind: Ingress\n",
        "apiVersion: networking.k8s.io/v1\n",
        "kind: HTTPRoute\n",
        "apiVersion: gateway.networking.k8s.io/v1\n",
        "resources: [../base]\nnamePrefix: x-\n",
        "from fastapi import FastAPI, APIRouter\n",
        "from .routers import users\n",
        "app = FastAPI()\nr = APIRouter(prefix=\"/r\")\n",
        "@app.get(\"/a/{p:path}\")\n",
        "@r.api_route(f\"{P}/<int:x>\", methods=[\"GET\"])\n",
        "def h(): ...\n",
        "app.include_router(users.router, prefix=P)\n",
        "bp = Blueprint(\"b\", __name__, url_prefix=\"/b\")\n",
        "app.register_blueprint(bp)\nP = \"/v1\" + P\n",
        "    ",
        "(",
    ]);
    prop::collection::vec(tokens, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_read_without_a_panic(text in any::<String>()) {
        for (kind, path) in KINDS {
            let facts = kind.extract(Input { file: FileId(0), path, text: &text });
            prop_assert!(spans_in_bounds(&facts, text.len()), "{kind:?}");
        }
    }

    #[test]
    fn format_like_text_is_read_without_a_panic(text in format_soup()) {
        for (kind, path) in KINDS {
            let facts = kind.extract(Input { file: FileId(0), path, text: &text });
            prop_assert!(spans_in_bounds(&facts, text.len()), "{kind:?}");
        }
    }
}
