//! Unit tests of the graph builder: host reduction, component naming, context paths, Spring
//! builds and version semantics.

use super::*;

#[test]
fn hosts_reduce_to_service_names() {
    assert_eq!(
        host_candidates("api-gateway.blog.svc.cluster.local"),
        [
            "api-gateway.blog.svc.cluster.local",
            "api-gateway.blog",
            "api-gateway"
        ]
    );
    assert_eq!(
        host_candidates("http://blog-service:8005"),
        ["blog-service"]
    );
}

#[test]
fn spring_gateway_5_drops_the_trailing_slash_leniency() {
    use crate::sources::jvm::spring_config;
    let text = "spring.cloud.gateway.routes:\n  - id: a\n    uri: lb://a\n    predicates:\n      - Path=/a/{x}\n";
    let facts =
        spring_config::extract(crate::sources::testing::test_input("application.yml", text));
    let lenient = |version: Option<(u32, u32)>| {
        let mut r = facts.routes[0].clone();
        let mut b = Builder {
            config: &GraphSettings::default(),
            graph: Graph::default(),
            known: BTreeSet::new(),
            project_names: BTreeMap::new(),
            component_dirs: Vec::new(),
            names: Default::default(),
        };
        let id = b.component("gw", Role::Gateway);
        spring_gateway_for_version(&mut r, &mut b.graph.components[id.0], version);
        let PathMatch::Template { pattern, .. } = &r.matcher else {
            return (None, 0);
        };
        (
            Some(pattern.lenient_slash),
            b.graph.components[id.0].assumptions.len(),
        )
    };
    // (version, matches `/a/1/`, assumption notes)
    assert_eq!(lenient(Some((3, 1))), (Some(true), 0));
    assert_eq!(lenient(Some((4, 1))), (Some(true), 0));
    assert_eq!(lenient(Some((5, 0))), (Some(false), 0));
    assert_eq!(lenient(None), (Some(true), 1));
}

#[test]
fn go_versions_apply_to_files_below_their_go_mod() {
    let mods = vec![
        ("api-gateway".to_owned(), (1, 21)),
        (String::new(), (1, 22)),
    ];
    assert_eq!(go_version_for(&mods, "api-gateway/main.go"), Some((1, 21)));
    assert_eq!(go_version_for(&mods, "other/main.go"), Some((1, 22)));
}

use crate::model::method::Method;
use crate::sim::{Outcome, Request, Sim};
use crate::source_file::Span;
use crate::sources::facts::EndpointFact;

fn span() -> Span {
    Span::new(FileId(0), 0, 1)
}

fn file(display: &str, project: &str, facts: Facts) -> FileFacts {
    FileFacts {
        file: FileId(0),
        display: display.to_owned(),
        project: Some(project.to_owned()),
        facts,
    }
}

fn endpoint(method: Method, path: &str, dialect: Dialect) -> EndpointFact {
    EndpointFact {
        owner: Owner::File,
        method,
        pattern: Pattern::openapi(path),
        span: span(),
        method_span: span(),
        operation_id: None,
        dialect,
    }
}

const MVC: Dialect = Dialect::Framework(Framework::SpringMvc);

fn spring_service(context: Option<&str>, versions: &[(&str, (u32, u32))]) -> Vec<FileFacts> {
    let yml = Facts {
        context_path: context.map(|c| (c.to_owned(), span())),
        ..Facts::default()
    };
    let pom = Facts {
        versions: versions
            .iter()
            .map(|(n, v)| ((*n).to_owned(), *v))
            .collect(),
        ..Facts::default()
    };
    let java = Facts {
        endpoints: vec![endpoint(Method::Get, "/owners/{ownerId}", MVC)],
        ..Facts::default()
    };
    let spec = Facts {
        endpoints: vec![endpoint(Method::Get, "/owners", Dialect::OpenApi)],
        ..Facts::default()
    };
    vec![
        file("customers-service/pom.xml", "customers-service", pom),
        file(
            "customers-service/src/main/resources/application.yml",
            "customers-service",
            yml,
        ),
        file(
            "customers-service/src/main/java/owner/OwnerResource.java",
            "customers-service",
            java,
        ),
        file(
            "customers-service/src/main/resources/openapi.yaml",
            "customers-service",
            spec,
        ),
    ]
}

fn endpoint_lines(g: &Graph) -> Vec<String> {
    g.endpoints
        .iter()
        .map(|e| {
            format!(
                "{} {} {}{}",
                g.component(e.component).name,
                e.fact.method,
                e.fact.pattern,
                if e.fact.pattern.lenient_slash {
                    " (lenient slash)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

#[test]
fn spring_controllers_are_served_under_the_context_path_and_the_spec_is_not() {
    let g = build(
        &spring_service(Some("/api"), &[]),
        &GraphSettings::default(),
    );
    assert_eq!(
        endpoint_lines(&g),
        [
            "customers-service GET /api/owners/{ownerId}",
            "customers-service GET /owners",
        ]
    );
    let c = &g.components[0];
    assert_eq!(c.kind, "Spring MVC");
    assert_eq!(
        c.assumptions,
        [
            "Spring Boot version unknown (no pom.xml or build.gradle version): assumed Boot 3 / Spring 6, where `/x/` does not match `/x`"
        ]
    );
}

#[test]
fn the_boot_1_context_path_key_binds_only_under_boot_1() {
    let with_boot1_key = |versions: &[(&str, (u32, u32))]| {
        let mut files = spring_service(None, versions);
        files[1].facts.boot1_context_path = Some(("/accounts".to_owned(), span()));
        endpoint_lines(&build(&files, &GraphSettings::default()))
    };
    // Boot 2 renamed it to `server.servlet.context-path`: the old key is ignored.
    assert_eq!(
        with_boot1_key(&[("spring-boot", (2, 0))]),
        [
            "customers-service GET /owners/{ownerId} (lenient slash)",
            "customers-service GET /owners",
        ]
    );
    assert_eq!(
        with_boot1_key(&[("spring-boot", (1, 5))]),
        [
            "customers-service GET /accounts/owners/{ownerId} (lenient slash)",
            "customers-service GET /owners",
        ]
    );
    // Version unknown: either key.
    assert_eq!(
        with_boot1_key(&[])[0],
        "customers-service GET /accounts/owners/{ownerId}"
    );
}

#[test]
fn spring_boot_2_matches_a_trailing_slash_and_webflux_comes_from_the_build() {
    let files = spring_service(
        None,
        &[
            ("spring-boot", (2, 7)),
            ("spring-boot-starter-webflux", (2, 7)),
        ],
    );
    let g = build(&files, &GraphSettings::default());
    assert_eq!(
        endpoint_lines(&g),
        [
            "customers-service GET /owners/{ownerId} (lenient slash)",
            "customers-service GET /owners",
        ]
    );
    assert!(g.components[0].assumptions.is_empty());
    assert_eq!(
        g.endpoints[0].fact.dialect,
        Dialect::Framework(Framework::SpringWebflux)
    );
    let g = build(
        &spring_service(None, &[("spring-boot", (3, 2))]),
        &GraphSettings::default(),
    );
    assert!(!g.endpoints[0].fact.pattern.lenient_slash);
}

#[test]
fn a_component_can_take_its_endpoints_from_one_source() {
    let files = spring_service(None, &[]);
    let cases = [
        ("code", vec!["customers-service GET /owners/{ownerId}"]),
        ("openapi", vec!["customers-service GET /owners"]),
        (
            "both",
            vec![
                "customers-service GET /owners/{ownerId}",
                "customers-service GET /owners",
            ],
        ),
    ];
    for (source, want) in cases {
        let text = format!("[components.customers-service]\nendpoints = \"{source}\"\n");
        let config = crate::config::Config::parse(std::path::Path::new("routelint.toml"), &text)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            endpoint_lines(&build(&files, &config.graph_settings())),
            want,
            "{source}"
        );
    }
}

/// spring-petclinic's api-gateway: Spring Cloud Gateway routes and its own
/// `@RestController` in one project.
fn gateway(java_first: bool) -> Vec<FileFacts> {
    let route = |prefix: &str, order: u32, target: &str| RouteFact {
        owner: Owner::File,
        table: "spring.cloud.gateway.routes".to_owned(),
        origin: format!("route {prefix}"),
        order,
        matcher: match prefix {
            "/**" => PathMatch::Any,
            p => PathMatch::SegmentPrefix {
                prefix: p.to_owned(),
                ignore_case: false,
            },
        },
        methods: MethodSet::Any,
        rewrite: None,
        rewrite_span: None,
        target: Target::Forward {
            host: target.to_owned(),
            port: None,
            span: span(),
        },
        span: span(),
        rule_span: span(),
        hosts: Vec::new(),
        gateways: Vec::new(),
        dialect: Dialect::SpringGateway,
        priority: Some(0),
        conditional: false,
    };
    let yml = Facts {
        routes: vec![
            route("/api/customer", 0, "customers-service"),
            route("/**", 1, "ui-service"),
        ],
        ..Facts::default()
    };
    let java = Facts {
        endpoints: vec![endpoint(
            Method::Get,
            "/api/gateway/owners/{ownerId}",
            Dialect::Framework(Framework::SpringWebflux),
        )],
        ..Facts::default()
    };
    let yml = file(
        "api-gateway/src/main/resources/application.yml",
        "api-gateway",
        yml,
    );
    let java = file(
        "api-gateway/src/main/java/gateway/ApiGatewayController.java",
        "api-gateway",
        java,
    );
    if java_first {
        vec![java, yml]
    } else {
        vec![yml, java]
    }
}

#[test]
fn a_gateway_answers_its_own_controllers_before_its_routes_and_keeps_its_semantics() {
    for java_first in [false, true] {
        let g = build(&gateway(java_first), &GraphSettings::default());
        let id = g.find("api-gateway").expect("api-gateway");
        let c = g.component(id);
        assert_eq!(c.kind, "Spring Cloud Gateway", "java first: {java_first}");
        assert_eq!(c.policy, Policy::Priority);
        assert_eq!(c.miss.method_miss, 404);
        let sim = Sim::new(&g);
        let trace = |m: Method, p: &str| {
            sim.trace(
                id,
                &Request {
                    method: Some(m),
                    path: crate::model::path::ReqPath::parse(p),
                    host: None,
                },
            )
            .outcome
        };
        // The catch-all `/**` route does not shadow the controller.
        assert_eq!(
            trace(Method::Get, "/api/gateway/owners/7"),
            Outcome::Reached(crate::model::graph::EndpointId(0))
        );
        // Only the controller matches the path: Spring answers the method miss with 405.
        assert!(matches!(
            trace(Method::Delete, "/api/gateway/owners/7"),
            Outcome::MethodNotAllowed { status: 405, .. }
        ));
        // The routes still forward what the controllers do not serve.
        assert!(matches!(
            trace(Method::Get, "/api/customer/owners"),
            Outcome::Unknown(_)
        ));
        // The controller's endpoint is reachable: no coverage finding for it.
        let cov = crate::coverage::compute(&g, &sim, &[]);
        assert_eq!(cov.orphans, []);
        assert_eq!(cov.endpoints_reachable, 1);
    }
}
