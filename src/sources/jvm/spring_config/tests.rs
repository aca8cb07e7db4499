use super::*;

fn read(path: &str, text: &str) -> Facts {
    extract(crate::sources::testing::test_input(path, text))
}

/// `match | methods | rewrite | target | origin | span text`.
fn table(path: &str, text: &str) -> Vec<String> {
    let f = read(path, text);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    f.routes
        .iter()
        .map(|r| {
            let target = match &r.target {
                Target::Forward { host, .. } => host.clone(),
                Target::Serve { handler } => format!("serve {handler}"),
                Target::Opaque { .. } => "opaque".to_owned(),
                Target::Table(t) => t.clone(),
            };
            let methods = match &r.methods {
                crate::model::method::MethodSet::Any => "any".to_owned(),
                crate::model::method::MethodSet::Only(m) => m
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            format!(
                "{} | {methods} | {} | {target} | {} | {:?} | {}{}",
                r.matcher,
                r.rewrite
                    .as_ref()
                    .map(|x| x.to_string())
                    .unwrap_or("-".into()),
                r.origin,
                r.priority,
                &text[r.span.start as usize..r.span.end as usize],
                if r.conditional { " | conditional" } else { "" },
            )
        })
        .collect()
}

const YAML: &str = "\
spring:
  application:
    name: api-gateway
  cloud:
    gateway:
      default-filters:
        - AddResponseHeader=X-Gw, 1
      routes:
        - id: customers
          uri: lb://customers-service
          predicates:
            - Path=/api/customer/**, /api/owners/**
            - Method=GET,POST
          filters:
            - StripPrefix=2
        - id: visits
          uri: http://visits-service:8082/ignored
          order: -1
          predicates:
            - name: Path
              args:
                patterns: ['/api/visit/{id}']
                matchTrailingSlash: false
            - Header=X-Beta, true
          filters:
            - name: RewritePath
              args:
                regexp: /api/visit/(?<id>.*)
                replacement: /visits/$\\{id}
        - id: fallback
          uri: forward:/fallback
          predicates:
            - Path=/fallback
        - short=lb://short-service, Path=/short/**
---
spring.config.activate.on-profile: prod
spring.cloud.gateway.routes:
  - id: prod-only
    uri: ${PROD_URI}
    predicates:
      - Path=/prod/{*rest}
    filters:
      - SetPath=/x{rest}
";

#[test]
fn yaml_routes_with_shortcut_expanded_and_profile_documents() {
    assert_eq!(
        table("gw/src/main/resources/application.yml", YAML),
        [
            "/api/customer/{path...} | GET,POST | StripPrefix=2 | customers-service | Spring Cloud Gateway route customers | Some(0) | /api/customer/**",
            "/api/owners/{path...} | GET,POST | StripPrefix=2 | customers-service | Spring Cloud Gateway route customers | Some(0) | /api/owners/**",
            "/api/visit/{id} | any | RewritePath=/api/visit/(?<id>.*), /visits/$\\{id} | visits-service | Spring Cloud Gateway route visits | Some(1) | /api/visit/{id} | conditional",
            "/fallback | any | - | serve forward:/fallback | Spring Cloud Gateway route fallback | Some(0) | /fallback",
            "/short/{path...} | any | - | short-service | Spring Cloud Gateway route short | Some(0) | short=lb://short-service, Path=/short/**",
            "/prod/{rest...} | any | SetPath=/x{rest} | opaque | Spring Cloud Gateway route prod-only (profile prod) | Some(0) | /prod/{*rest}",
        ]
    );
    let f = read("gw/application.yml", YAML);
    assert_eq!(f.bindings.len(), 1);
    assert!(f.bindings[0].project_wide);
    assert_eq!(f.bindings[0].name, "api-gateway");
}

#[test]
fn properties_read_like_yaml() {
    let text = "\
spring.application.name=api-gateway
server.servlet.context-path=/ctx
spring.cloud.gateway.routes[0].id=customers
spring.cloud.gateway.routes[0].uri=lb://customers-service
spring.cloud.gateway.routes[0].predicates[0]=Path=/api/customer/**
spring.cloud.gateway.routes[0].filters[0]=StripPrefix=2
spring.cloud.gateway.mvc.routes[0].id=mvc
spring.cloud.gateway.mvc.routes[0].uri=http://mvc-service
spring.cloud.gateway.mvc.routes[0].predicates[0]=Path=/m/**
spring.cloud.gateway.mvc.routes[0].predicates[1]=Method=\\
  DELETE
";
    assert_eq!(
        table("gw/application-dev.properties", text),
        [
            "/ctx/m/{path...} | DELETE | - | mvc-service | Spring Cloud Gateway route mvc (profile dev) | Some(0) | /m/**",
            "/api/customer/{path...} | any | StripPrefix=2 | customers-service | Spring Cloud Gateway route customers (profile dev) | Some(0) | /api/customer/**",
        ]
    );
    let f = read("gw/application-dev.properties", text);
    assert_eq!(f.context_path.map(|c| c.0).as_deref(), Some("/ctx"));
}

#[test]
fn dotted_yaml_keys_and_webflux_server_layout() {
    let text = "\
spring.cloud.gateway.server.webflux:
  routes:
    - id: a
      uri: lb://a
      predicates: [Path=/a/**]
spring:
  webflux:
    base-path: /gw
";
    assert_eq!(
        table("application.yaml", text),
        ["/gw/a/{path...} | any | - | a | Spring Cloud Gateway route a | Some(0) | /a/**"]
    );
}

#[test]
fn zuul_routes_strip_their_prefixes() {
    let text = "\
zuul:
  prefix: /api
  routes:
    customers:
      path: /customer/**
      serviceId: customers-service
    visits:
      path: /visit/**
      url: http://visits-service:8082/v1
    vets:
      path: /vet/**
      service-id: vets-service
      strip-prefix: false
    legacy: /legacy/**
";
    assert_eq!(
        table("zuul/application.yml", text),
        [
            "/api/customer/{path...} | any | StripPrefix=2 | customers-service | Zuul route customers | Some(0) | /customer/**",
            "/api/visit/{path...} | any | replace prefix /api/visit with /v1 | visits-service | Zuul route visits | Some(0) | /visit/**",
            "/api/vet/{path...} | any | StripPrefix=1 | vets-service | Zuul route vets | Some(0) | /vet/**",
            "/api/legacy/{path...} | any | StripPrefix=2 | legacy | Zuul route legacy | Some(0) | /legacy/**",
        ]
    );
}

#[test]
fn bad_input_is_a_problem_not_a_panic() {
    let cases = [
        "spring.cloud.gateway.routes: 5",
        "spring.cloud.gateway.routes:\n  - 7\n",
        "spring.cloud.gateway.routes:\n  - id: x\n    uri: lb://x\n    predicates: [Path=/a/**/b]\n",
        "spring.cloud.gateway.routes:\n  - id: x\n    order: soon\n",
        "spring.cloud.gateway.routes:\n  - id: x\n    predicates: [{args: {}}]\n",
        "spring: [",
    ];
    for c in cases {
        let f = read("application.yml", c);
        assert!(!f.problems.is_empty(), "{c}");
    }
    for c in ["k=\\u12", "\\", "=\\\n", "a[=b", "a]]=1", "a[0]=1\na.b=2"] {
        let _ = read("application.properties", c);
    }
}

#[test]
fn sniff_by_name_and_content() {
    assert!(sniff("application.yml", ""));
    assert!(sniff("bootstrap-dev.properties", ""));
    assert!(!sniff("applicationset.yaml", "kind: ApplicationSet"));
    assert!(sniff("gateway.yml", "spring:\n  cloud:\n    gateway:\n"));
    assert!(!sniff(
        "svc.yml",
        "apiVersion: v1\nkind: Service\nspring: x\ngateway: y\n"
    ));
}

#[test]
fn the_corpus_reads_without_problems() {
    let read = crate::sources::testing::corpus::check("spring-cloud-gateway", false, |c| {
        let name = c.name.rsplit("__").next().unwrap_or(&c.name).to_owned();
        extract(crate::sources::testing::test_input(&name, &c.text))
    });
    if read.is_empty() {
        return;
    }
    assert_eq!(read.len(), 22);
    let routes: usize = read.iter().map(|(_, f)| f.routes.len()).sum();
    assert!(routes > 50, "{routes}");
}

mod soup {
    use super::*;
    use proptest::prelude::*;

    fn in_bounds(f: &Facts, len: usize) -> bool {
        let ok = |s: Span| s.start <= s.end && (s.end as usize) <= len;
        f.problems.iter().all(|p| ok(p.span))
            && f.routes.iter().all(|r| {
                ok(r.span)
                    && ok(r.rule_span)
                    && r.rewrite_span.is_none_or(ok)
                    && match &r.target {
                        Target::Forward { span, .. } => ok(*span),
                        _ => true,
                    }
            })
            && f.bindings.iter().all(|b| ok(b.span))
            && f.context_path.as_ref().is_none_or(|c| ok(c.1))
    }

    /// Spring-shaped tokens: keys, predicates, filters, escapes, Java DSL calls.
    fn spring_soup() -> impl Strategy<Value = String> {
        let tokens = prop::sample::select(vec![
            "spring:\n",
            "  cloud:\n",
            "    gateway:\n",
            "      routes:\n",
            "spring.cloud.gateway.routes",
            "[0]",
            ".predicates[1]",
            "=",
            ": ",
            "- id: a\n",
            "  uri: lb://a\n",
            "uri: ${x}\n",
            "  predicates:\n",
            "  - Path=/a/**,/b/{id}\n",
            "  - Path=/a/**/b\n",
            "- Method=GET\n",
            "  filters:\n",
            "  - StripPrefix=2\n",
            "  - StripPrefix=x\n",
            "- RewritePath=/a/(?<s>.*), /$\\{s}\n",
            "- SetPath=/{s}\n",
            "- name: Path\n  args:\n    patterns: [/x]\n",
            "order: -1\n",
            "zuul:\n  routes:\n    a:\n      path: /a/**\n",
            "zuul.prefix=/api\n",
            "---\n",
            "#---\n",
            "\\",
            "\\u00",
            "\\u0041",
            "\\\n",
            "#",
            "!",
            "{",
            "}",
            "[",
            "]",
            "'",
            "\"",
            "é",
            "\u{0}",
            "\n",
            " ",
            "/",
            "*",
            "**",
            "?",
            "{*rest}",
            "<version>",
            "</version>",
            "<artifactId>spring-cloud-dependencies</artifactId>",
            "springCloudVersion = '2023.0.1'",
            ".route(\"a\", r -> r.path(\"/a/**\").filters(f -> f.stripPrefix(1)).uri(\"lb://a\"))",
            "builder.routes()",
            ".build();",
            "r -> r.order(",
            "-",
            "1",
            ")",
        ]);
        prop::collection::vec(tokens, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn spring_like_text_is_read_without_a_panic(text in spring_soup()) {
            for path in ["application.yml", "application-prod.properties"] {
                let f = extract(crate::sources::testing::test_input(path, &text));
                prop_assert!(in_bounds(&f, text.len()), "{path}");
            }
            let f = extract_build(crate::sources::testing::test_input("pom.xml", &text));
            prop_assert!(in_bounds(&f, text.len()));
            let java = crate::sources::testing::test_input("G.java", &text);
            let f = crate::sources::gateway::spring_dsl::extract(java);
            prop_assert!(in_bounds(&f, text.len()));
        }

        #[test]
        fn any_text_is_read_without_a_panic(text in any::<String>()) {
            let f = extract(crate::sources::testing::test_input("application.properties", &text));
            prop_assert!(in_bounds(&f, text.len()));
            let f = extract(crate::sources::testing::test_input("application.yml", &text));
            prop_assert!(in_bounds(&f, text.len()));
        }
    }
}
