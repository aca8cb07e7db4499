//! Links the facts of every file into one [`Graph`]: which component owns which file, which
//! component a route's destination host names, where client requests enter. Decides nothing
//! about correctness.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use super::errors::{AnswerOrigin, MissAnswer};
use super::graph::{
    Call, Component, ComponentId, Dest, Endpoint, Graph, MissBehavior, Policy, Role, Route, RouteId,
};
use super::path::{PatSeg, PathMatch, Pattern, Rewrite};
use crate::model::method::MethodSet;
use crate::model::settings::{EndpointSource, GraphSettings};
use crate::source_file::FileId;
use crate::sources::{
    facts::CallUrl, facts::ComponentKind, facts::Dialect, facts::ErrorShapeKind, facts::Facts,
    facts::Framework, facts::Owner, facts::RouteFact, facts::ShapeOwner, facts::Target,
};

/// The facts of one file, with where they came from.
#[derive(Debug)]
pub struct FileFacts {
    pub file: FileId,
    pub display: String,
    /// The project directory holding the file (nearest `package.json`, `pom.xml`, `go.mod`…).
    pub project: Option<String>,
    pub facts: Facts,
}

/// Directory names that say nothing about which component a file belongs to.
const GENERIC_DIRS: &[&str] = &[
    "src",
    "api",
    "apis",
    "cmd",
    "internal",
    "pkg",
    "docs",
    "doc",
    "spec",
    "specs",
    "openapi",
    "swagger",
    "config",
    "configs",
    "deploy",
    "k8s",
    "kubernetes",
    "manifests",
    "server",
    "app",
    "main",
    "resources",
    "static",
    "public",
    "lib",
    "base",
    "overlays",
    "service",
    "services",
    // nginx include directories: the instance is the directory above them.
    "conf.d",
    "sites-available",
    "sites-enabled",
];

/// Reduces a destination host to the names components are known by:
/// `http://api-gateway.blog.svc.cluster.local:8000` → `api-gateway.blog.svc.cluster.local`,
/// `api-gateway.blog`, `api-gateway`.
pub fn host_candidates(host: &str) -> Vec<String> {
    let h = host
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_start_matches("lb://");
    let h = h.split(['/', '?', '#']).next().unwrap_or(h);
    let h = h.rsplit_once('@').map_or(h, |(_, host)| host);
    let h = match h.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => h,
    };
    let h = h.to_ascii_lowercase();
    let mut out = vec![h.clone()];
    for suffix in [".svc.cluster.local", ".svc"] {
        if let Some(s) = h.strip_suffix(suffix)
            && !out.contains(&s.to_owned())
        {
            out.push(s.to_owned());
        }
    }
    if let Some(first) = h.split('.').next()
        && !out.contains(&first.to_owned())
    {
        out.push(first.to_owned());
    }
    out
}

struct Builder<'a> {
    config: &'a GraphSettings,
    graph: Graph,
    /// Names a file's directory may be matched against.
    known: BTreeSet<String>,
    /// Project-wide names (`spring.application.name`) by project directory.
    project_names: BTreeMap<String, Vec<String>>,
    /// Directories named by docker-compose `build` contexts: (directory, component).
    component_dirs: Vec<(String, String)>,
    names: crate::model::graph::NameIndex,
}

impl Builder<'_> {
    fn component(&mut self, name: &str, role: Role) -> ComponentId {
        if let Some(id) = self.names.find(name) {
            let c = &mut self.graph.components[id.0];
            if role < c.role {
                c.role = role;
            }
            return id;
        }
        let mut aliases = Vec::new();
        if let Some(cfg) = self.config.components.get(name) {
            aliases.extend(cfg.hosts.iter().cloned());
        }
        let at = self.graph.components.len();
        self.names.add(name, at);
        aliases.iter().for_each(|a| self.names.add(a, at));
        self.graph.components.push(Component {
            name: name.to_owned(),
            role,
            aliases,
            kind: String::new(),
            tables: IndexMap::new(),
            entry_tables: Vec::new(),
            endpoints: Vec::new(),
            policy: Policy::MostSpecific,
            miss: MissBehavior {
                method_miss: 405,
                method_miss_note: "",
                subtree_redirect: None,
            },
            span: None,
            assumptions: Vec::new(),
            errors: Default::default(),
            unresolved_endpoints: Vec::new(),
            opaque_mounts: Vec::new(),
        });
        ComponentId(self.graph.components.len() - 1)
    }

    /// The application a Spring Cloud Config server's file configures: `shared/gateway.yml`
    /// or `gateway-prod.properties` in another project, named after the
    /// `spring.application.name` of the application that fetches it at startup.
    fn config_server_file(&self, f: &FileFacts) -> Option<&str> {
        let file = f.display.rsplit('/').next()?;
        let stem = [".yml", ".yaml", ".properties"]
            .iter()
            .find_map(|ext| file.strip_suffix(ext))?;
        let apps = || {
            self.project_names
                .iter()
                .filter(|(project, _)| f.project.as_ref() != Some(*project))
                .flat_map(|(_, names)| names)
        };
        // `account-service` whole first, then `account-service` of `account-service-prod`.
        let mut candidates = vec![stem];
        candidates.extend(stem.rmatch_indices('-').map(|(i, _)| &stem[..i]));
        candidates
            .into_iter()
            .find_map(|c| apps().find(|n| n.as_str() == c))
            .map(String::as_str)
    }

    /// The component that owns a file: configuration, then a binding that names a known
    /// component, then the nearest directory named like one, then the nearest telling directory.
    fn owner_of(&self, f: &FileFacts) -> String {
        let display = f.display.as_str();
        if let Some(name) = self.config.component_for_path(display) {
            return name.to_owned();
        }
        if let Some(name) = self.config_server_file(f) {
            return name.to_owned();
        }
        if let Some((_, name)) = self
            .component_dirs
            .iter()
            .find(|(d, _)| d.is_empty() || display.starts_with(&format!("{d}/")))
        {
            return name.clone();
        }
        let project_bindings = f
            .project
            .as_ref()
            .and_then(|p| self.project_names.get(p))
            .into_iter()
            .flatten();
        for name in f
            .facts
            .bindings
            .iter()
            .map(|b| &b.name)
            .chain(project_bindings.clone())
        {
            for cand in host_candidates(name) {
                if self.known.contains(&cand) {
                    return cand;
                }
            }
        }
        // A project-wide name (`spring.application.name`) names the project even when nothing
        // forwards to it yet.
        if let Some(name) = project_bindings.clone().next() {
            return name.clone();
        }
        let dirs: Vec<&str> = display.split('/').rev().skip(1).collect();
        if let Some(d) = dirs.iter().find(|d| self.known.contains(**d)) {
            return (*d).to_owned();
        }
        // The project directory (where its package.json, pom.xml, go.mod is) names it.
        if let Some(p) = &f.project
            && let Some(last) = p.rsplit('/').next()
            && !last.is_empty()
            && !GENERIC_DIRS.contains(&last.to_ascii_lowercase().as_str())
        {
            return last.to_owned();
        }
        if let Some(d) = dirs
            .iter()
            .find(|d| !GENERIC_DIRS.contains(&d.to_ascii_lowercase().as_str()))
        {
            return (*d).to_owned();
        }
        let file = display.rsplit('/').next().unwrap_or(display);
        file.split('.').next().unwrap_or(file).to_owned()
    }
}

/// Builds the graph from every file's facts.
pub fn build(files: &[FileFacts], config: &GraphSettings) -> Graph {
    let mut b = Builder {
        config,
        graph: Graph::default(),
        known: BTreeSet::new(),
        project_names: BTreeMap::new(),
        names: Default::default(),
        component_dirs: files
            .iter()
            .flat_map(|f| &f.facts.component_dirs)
            .map(|d| (d.dir.clone(), d.name.clone()))
            .collect(),
    };
    // The deepest directory wins.
    b.component_dirs.sort_by_key(|(d, _)| {
        std::cmp::Reverse(d.matches('/').count() + usize::from(!d.is_empty()))
    });
    for f in files {
        if let Some(p) = &f.project {
            for bd in f.facts.bindings.iter().filter(|b| b.project_wide) {
                let names = b.project_names.entry(p.clone()).or_default();
                if !names.contains(&bd.name) {
                    names.push(bd.name.clone());
                }
            }
        }
    }
    // 1. Names: Kubernetes Services, Gateways, destination hosts, configured components.
    for f in files {
        for c in &f.facts.components {
            b.known.insert(c.name.clone());
        }
        for r in &f.facts.routes {
            if let Target::Forward { host, .. } = &r.target {
                b.known.extend(host_candidates(host));
            }
        }
    }
    b.known.extend(config.components.keys().cloned());

    // 2. Declared components.
    for f in files {
        for c in &f.facts.components {
            let role = match c.kind {
                ComponentKind::Edge | ComponentKind::GatewayApi | ComponentKind::Ingress => {
                    Role::Edge
                }
                ComponentKind::Service => Role::Service,
            };
            let id = b.component(&c.name, role);
            c.aliases.iter().for_each(|a| b.names.add(a, id.0));
            let comp = &mut b.graph.components[id.0];
            for a in &c.aliases {
                if !comp.aliases.contains(a) {
                    comp.aliases.push(a.clone());
                }
            }
            if c.kind == ComponentKind::Edge {
                comp.kind = "Istio gateway".to_owned();
                comp.policy = Policy::FirstMatch;
                comp.miss = istio_miss();
                comp.span = Some(c.span);
            } else if c.kind == ComponentKind::Ingress {
                comp.kind = "Ingress controller".to_owned();
                comp.policy = Policy::MostSpecific;
                comp.miss = MissBehavior {
                    method_miss: 404,
                    method_miss_note: "an Ingress has no method matching",
                    subtree_redirect: None,
                };
                if comp.span.is_none() {
                    comp.span = Some(c.span);
                }
            } else if c.kind == ComponentKind::GatewayApi {
                comp.kind = "Gateway API gateway".to_owned();
                comp.policy = Policy::MostSpecific;
                comp.miss = MissBehavior {
                    method_miss: 404,
                    method_miss_note: "a Gateway API gateway answers 404 when no route matches, the method included",
                    subtree_redirect: None,
                };
                comp.span = Some(c.span);
            } else if comp.span.is_none() {
                comp.span = Some(c.span);
            }
        }
    }

    // 3. Go versions by directory.
    let go_mods: Vec<(String, (u32, u32))> = files
        .iter()
        .filter_map(|f| {
            f.facts.go_version.map(|v| {
                let dir = f.display.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                (dir.to_owned(), v)
            })
        })
        .collect();

    // 4. Routes and endpoints. A Spring context path applies to its project's controllers;
    // one a config server serves for the application wins (remote properties override local).
    // Spring Boot 1 binds only `server.context-path`, Boot 2 and later only
    // `server.servlet.context-path`; with the version unknown, either.
    let spring_builds = spring_builds(files);
    let mut context_paths: BTreeMap<String, String> = BTreeMap::new();
    let mut remote: Vec<(String, String)> = Vec::new();
    for f in files {
        let app = b.config_server_file(f);
        let project = match app {
            Some(app) => b
                .project_names
                .iter()
                .find(|(_, names)| names.iter().any(|n| n == app))
                .map(|(p, _)| p.as_str()),
            None => f.project.as_deref(),
        };
        let boot = project.and_then(|p| {
            inherited(&spring_builds, p, |b| b.boot_major.is_some()).and_then(|b| b.boot_major)
        });
        let chosen = match boot {
            Some(1) => f.facts.boot1_context_path.as_ref(),
            Some(_) => f.facts.context_path.as_ref(),
            None => f
                .facts
                .context_path
                .as_ref()
                .or(f.facts.boot1_context_path.as_ref()),
        };
        let Some((path, _)) = chosen else {
            continue;
        };
        if let Some(app) = app {
            remote.extend(
                b.project_names
                    .iter()
                    .filter(|(_, names)| names.iter().any(|n| n == app))
                    .map(|(p, _)| (p.clone(), path.clone())),
            );
        } else if let Some(p) = &f.project {
            context_paths.insert(p.clone(), path.clone());
        }
    }
    context_paths.extend(remote);
    // Spring Cloud Gateway versions by project (from its pom.xml / build.gradle).
    let gateway_versions: BTreeMap<String, (u32, u32)> = files
        .iter()
        .filter_map(|f| {
            let v = f
                .facts
                .versions
                .iter()
                .find(|(lib, _)| lib == "spring-cloud-gateway")?;
            Some((f.project.clone()?, v.1))
        })
        .collect();
    for f in files {
        let owner = b.owner_of(f);
        for r in &f.facts.routes {
            match r.dialect {
                Dialect::Istio | Dialect::GatewayApi => place_gateway_route(&mut b, r),
                Dialect::Ingress
                | Dialect::Kong
                | Dialect::Traefik
                | Dialect::Envoy
                | Dialect::Apisix => {
                    let name = match &r.owner {
                        Owner::Named(n) => n.clone(),
                        Owner::File => owner.clone(),
                    };
                    let id = b.component(&name, Role::Edge);
                    configure_edge(&mut b.graph.components[id.0], r.dialect);
                    let mut r = r.clone();
                    r.table = "http".to_owned();
                    add_route(&mut b.graph, id, r);
                }
                Dialect::GoServeMux { .. } => {
                    let name = match &r.owner {
                        Owner::Named(n) => n.clone(),
                        Owner::File => owner.clone(),
                    };
                    let id = b.component(&name, Role::Gateway);
                    let version = go_version_for(&go_mods, &f.display).or(config.go_version);
                    let r = go_route_for_version(r, version);
                    configure_go(&mut b.graph.components[id.0], version);
                    add_route(&mut b.graph, id, r);
                }
                Dialect::OpenApi => {
                    let id = b.component(&owner, Role::Service);
                    add_route(&mut b.graph, id, r.clone());
                }
                Dialect::SpringGateway | Dialect::Nginx | Dialect::Framework(_) => {
                    let name = match &r.owner {
                        Owner::Named(n) => n.clone(),
                        Owner::File => owner.clone(),
                    };
                    let id = b.component(&name, Role::Gateway);
                    configure_gateway(&mut b.graph.components[id.0], r.dialect);
                    // Zuul routes like Spring Cloud Gateway but runs in a Spring MVC app,
                    // which answers its misses itself.
                    if r.origin.starts_with("Zuul route") {
                        b.graph.components[id.0].kind = "Zuul".to_owned();
                    }
                    let mut r = r.clone();
                    if r.dialect == Dialect::SpringGateway {
                        let version = f
                            .project
                            .as_ref()
                            .and_then(|p| inherited(&gateway_versions, p, |_| true).copied())
                            .or(config.spring_cloud_gateway);
                        spring_gateway_for_version(&mut r, &mut b.graph.components[id.0], version);
                    }
                    add_route(&mut b.graph, id, r);
                }
            }
        }
        let source = config
            .components
            .get(&owner)
            .and_then(|c| c.source)
            .unwrap_or(EndpointSource::Both);
        let wanted = |d: Dialect| match source {
            EndpointSource::Both => true,
            EndpointSource::Openapi => !matches!(d, Dialect::Framework(_)),
            EndpointSource::Code => d != Dialect::OpenApi,
        };
        if f.facts.endpoints.iter().any(|e| wanted(e.dialect)) {
            let id = b.component(&owner, Role::Service);
            let context = f.project.as_ref().and_then(|p| context_paths.get(p));
            // A module's build inherits its parent's (a Maven multi-module parent POM).
            let spring = f
                .project
                .as_ref()
                .map(|p| SpringBuild {
                    pre_6: inherited(&spring_builds, p, |b| b.pre_6.is_some())
                        .and_then(|b| b.pre_6),
                    boot_major: None,
                    webflux: spring_builds.get(p).is_some_and(|b| b.webflux),
                })
                .unwrap_or_default();
            for e in f.facts.endpoints.iter().filter(|e| wanted(e.dialect)) {
                let mut fact = e.clone();
                let is_spring = matches!(
                    e.dialect,
                    Dialect::Framework(Framework::SpringMvc | Framework::SpringWebflux)
                );
                if is_spring {
                    if let Some(prefix) = context {
                        fact.pattern = fact.pattern.under(prefix);
                    }
                    if spring.webflux {
                        fact.dialect = Dialect::Framework(Framework::SpringWebflux);
                    }
                    // Spring 5 (Boot 2) matched `/x/` to `/x`; Spring 6 (Boot 3) does not.
                    fact.pattern.lenient_slash = spring.pre_6 == Some(true);
                }
                let dialect = fact.dialect;
                b.graph.endpoints.push(Endpoint {
                    fact,
                    component: id,
                });
                let eid = super::graph::EndpointId(b.graph.endpoints.len() - 1);
                let c = &mut b.graph.components[id.0];
                c.endpoints.push(eid);
                if is_spring && spring.pre_6.is_none() {
                    let note = "Spring Boot version unknown (no pom.xml or build.gradle version): assumed Boot 3 / Spring 6, where `/x/` does not match `/x`".to_owned();
                    if !c.assumptions.contains(&note) {
                        c.assumptions.push(note);
                    }
                }
                if let Dialect::Framework(fw) = dialect {
                    // Code says which framework answers: it decides the misses, unless the
                    // component routes too (a gateway's own controllers): then its routes'
                    // dialect does.
                    if c.tables.is_empty() {
                        configure_gateway(c, dialect);
                    }
                    if c.role == Role::Service {
                        c.kind = fw.miss().label.to_owned();
                    }
                } else if c.kind.is_empty() {
                    c.kind = "OpenAPI".to_owned();
                    c.miss = MissBehavior {
                        method_miss: 405,
                        method_miss_note: "assumed: most frameworks answer a method miss with 405 (Express answers 404); the OpenAPI document does not say which framework serves it",
                        subtree_redirect: None,
                    };
                }
            }
        }
        if !f.facts.unresolved_endpoints.is_empty() || !f.facts.opaque_mounts.is_empty() {
            let id = b
                .names
                .find(&owner)
                .unwrap_or_else(|| b.component(&owner, Role::Service));
            let c = &mut b.graph.components[id.0];
            c.unresolved_endpoints
                .extend(f.facts.unresolved_endpoints.iter().cloned());
            c.opaque_mounts
                .extend(f.facts.opaque_mounts.iter().cloned());
        }
        for t in &f.facts.entry_tables {
            let id = b.component(&owner, Role::Gateway);
            let c = &mut b.graph.components[id.0];
            if !c.entry_tables.contains(t) {
                c.entry_tables.push(t.clone());
            }
        }
        for c in &f.facts.calls {
            let mut fact = c.clone();
            // An absolute URL to the app's own origin is a same-origin request: it enters at
            // the edge like a relative one.
            if let CallUrl::Resolved { origin, .. } = &mut fact.url
                && origin.as_deref().is_some_and(|o| config.is_own_origin(o))
            {
                *origin = None;
            }
            b.graph.calls.push(Call {
                fact,
                owner: owner.clone(),
            });
        }
    }

    // 4a. Kong Ingress Controller: a KongIngress named by an Ingress's konghq.com/override.
    apply_kong_overrides(&mut b.graph, files);

    // 4b. ingress-nginx: regex paths on one Ingress make every path of that host a regex.
    apply_regex_host_effect(&mut b.graph);

    // 5. Destinations.
    for i in 0..b.graph.routes.len() {
        let from = b.graph.component(b.graph.routes[i].component).role;
        let dest = match &b.graph.routes[i].fact.target {
            Target::Forward { host, .. } => {
                let cands = host_candidates(host);
                // Requests sent by in-mesh workloads pass the mesh VirtualServices of the host
                // first; the edge and the mesh routes themselves go straight to the service.
                let via_mesh = match from {
                    Role::Gateway | Role::Service => cands.iter().find_map(|h| {
                        b.graph
                            .mesh_hosts
                            .iter()
                            .find(|(m, _)| m == h)
                            .map(|(_, c)| *c)
                    }),
                    Role::Edge | Role::Mesh => None,
                };
                via_mesh
                    .or_else(|| cands.iter().find_map(|h| b.names.find(h)))
                    .map(Dest::Component)
                    .unwrap_or_else(|| Dest::Unlinked(host.clone()))
            }
            Target::Table(t) => Dest::Table(t.clone()),
            Target::Serve { handler } => Dest::Serve(handler.clone()),
            Target::Opaque { why } => Dest::Opaque(why.clone()),
        };
        b.graph.routes[i].dest = dest;
    }

    // 6. Error answers: a handler found in the repository, else the platform's default.
    for f in files {
        if f.facts.error_shapes.is_empty() {
            continue;
        }
        let owner = b.owner_of(f);
        for shape in &f.facts.error_shapes {
            let ids: Vec<ComponentId> = match &shape.owner {
                ShapeOwner::File => vec![
                    b.names
                        .find(&owner)
                        .unwrap_or_else(|| b.component(&owner, Role::Service)),
                ],
                ShapeOwner::EveryIstioProxy => (0..b.graph.components.len())
                    .map(ComponentId)
                    .filter(|c| b.graph.component(*c).kind.starts_with("Istio"))
                    .collect(),
                ShapeOwner::Named(n) => b.names.find(n).into_iter().collect(),
            };
            for id in ids {
                let errors = &mut b.graph.components[id.0].errors;
                match shape.kind {
                    ErrorShapeKind::Declared => {
                        if !errors.declared.iter().any(|(b, _)| *b == shape.body) {
                            errors.declared.push((shape.body.clone(), shape.span));
                        }
                    }
                    ErrorShapeKind::MissHandler => {
                        errors.miss.get_or_insert(MissAnswer {
                            body: shape.body.clone(),
                            origin: AnswerOrigin::Handler(shape.span),
                        });
                    }
                }
            }
        }
    }
    for c in &mut b.graph.components {
        if c.errors.miss.is_none() {
            c.errors.miss = super::errors::platform_default(&c.kind);
        }
    }
    // A service read from its code, with no API document declaring its errors, answers errors
    // the way its framework (or its handler) does: that is its declared shape.
    for i in 0..b.graph.components.len() {
        let c = &b.graph.components[i];
        if c.role != Role::Service || !c.errors.declared.is_empty() {
            continue;
        }
        let from_code = c
            .endpoints
            .iter()
            .any(|e| matches!(b.graph.endpoints[e.0].fact.dialect, Dialect::Framework(_)));
        let Some(miss) = c.errors.miss.clone().filter(|_| from_code) else {
            continue;
        };
        let span = match miss.origin {
            AnswerOrigin::Handler(span) => span,
            AnswerOrigin::Default(_) => match c.endpoints.first() {
                Some(e) => b.graph.endpoints[e.0].fact.span,
                None => continue,
            },
        };
        b.graph.components[i]
            .errors
            .declared
            .push((miss.body, span));
    }

    // 7. Entries.
    b.graph.entries = entries(&b.graph, config);
    b.graph
}

/// What a project's build file says about its Spring web stack.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SpringBuild {
    /// `Some(true)`: Spring Boot before 3 (Spring Framework before 6); `None`: not known.
    pre_6: Option<bool>,
    /// Spring Boot's major version, when a build file pins it.
    boot_major: Option<u32>,
    /// `spring-boot-starter-webflux` (or `spring-webflux`) is a dependency.
    webflux: bool,
}

/// The Spring build facts of every project, from its build file's `versions`.
/// The entry of the nearest project at or above `project` that satisfies `has`: a module
/// inherits what its parent build pins.
fn inherited<'m, T>(
    map: &'m BTreeMap<String, T>,
    project: &str,
    has: impl Fn(&T) -> bool,
) -> Option<&'m T> {
    let mut dir = project;
    loop {
        if let Some(v) = map.get(dir).filter(|v| has(v)) {
            return Some(v);
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    }
}

fn spring_builds(files: &[FileFacts]) -> BTreeMap<String, SpringBuild> {
    let mut out: BTreeMap<String, SpringBuild> = BTreeMap::new();
    for f in files {
        let Some(p) = &f.project else { continue };
        for (name, v) in &f.facts.versions {
            let pre_6 = match name.as_str() {
                "spring-boot"
                | "spring-boot-starter-parent"
                | "spring-boot-starter-web"
                | "spring-boot-starter-webflux" => Some(*v < (3, 0)),
                "spring-framework" | "spring-web" | "spring-webmvc" | "spring-webflux" => {
                    Some(*v < (6, 0))
                }
                _ => None,
            };
            let e = out.entry(p.clone()).or_default();
            if name.starts_with("spring-boot") {
                e.boot_major = Some(v.0);
            }
            if pre_6.is_some() {
                e.pre_6 = pre_6;
            }
            if matches!(
                name.as_str(),
                "spring-boot-starter-webflux" | "spring-webflux"
            ) {
                e.webflux = true;
            }
        }
    }
    out
}

/// What a gateway or framework router of a dialect is: its label, how it picks a route, how
/// it misses.
fn configure_gateway(c: &mut Component, dialect: Dialect) {
    let (kind, policy, method_miss, note) = match dialect {
        Dialect::SpringGateway => (
            "Spring Cloud Gateway",
            Policy::Priority,
            404,
            "Spring Cloud Gateway answers 404 when no route's predicates match, `Method=` included",
        ),
        Dialect::Nginx => (
            "nginx",
            Policy::Nginx,
            403,
            "nginx answers 403 where `limit_except` denies the method (`deny all`)",
        ),
        Dialect::Framework(fw) => {
            let m = fw.miss();
            (
                m.label,
                Policy::MostSpecific,
                m.method_miss,
                m.method_miss_note,
            )
        }
        _ => return,
    };
    c.kind = kind.to_owned();
    c.policy = policy;
    c.miss = MissBehavior {
        method_miss,
        method_miss_note: note,
        subtree_redirect: None,
    };
}

/// What an edge router of a dialect is: its label, how it picks a route, how it misses.
fn configure_edge(c: &mut Component, dialect: Dialect) {
    let (kind, policy, note) = match dialect {
        Dialect::Ingress => (
            "Ingress controller",
            Policy::MostSpecific,
            "an Ingress has no method matching",
        ),
        Dialect::Kong => (
            "Kong",
            Policy::Priority,
            "Kong answers 404 when no route matches, the method included",
        ),
        Dialect::Traefik => (
            "Traefik",
            Policy::Priority,
            "Traefik answers 404 when no router matches, the method included",
        ),
        Dialect::Envoy => (
            "Envoy",
            Policy::FirstMatch,
            "Envoy answers 404 when no route matches, the method included",
        ),
        Dialect::Apisix => (
            "APISIX",
            Policy::Priority,
            "APISIX answers 404 when no route matches, the method included",
        ),
        _ => return,
    };
    if c.kind.is_empty() || c.kind == "Ingress controller" {
        c.kind = kind.to_owned();
    }
    c.policy = policy;
    c.miss = MissBehavior {
        method_miss: 404,
        method_miss_note: note,
        subtree_redirect: None,
    };
}

/// Kong Ingress Controller docs (KongIngress): `route.strip_path`, `route.methods` and
/// `proxy.path` of a KongIngress apply to the routes of every Ingress that names it in
/// `konghq.com/override`. Kong joins the service path and the stripped remainder.
fn apply_kong_overrides(graph: &mut Graph, files: &[FileFacts]) {
    let overrides: Vec<&crate::sources::facts::KongOverride> =
        files.iter().flat_map(|f| &f.facts.kong_overrides).collect();
    for (origin, name) in files.iter().flat_map(|f| &f.facts.kong_override_refs) {
        let Some(o) = overrides.iter().find(|o| &o.name == name) else {
            continue;
        };
        for r in graph.routes.iter_mut().filter(|r| &r.fact.origin == origin) {
            if let Some(uri) = &o.replace_uri {
                // request-transformer: the upstream path is replaced; a `$(…)` template
                // depends on the request and is not guessed.
                r.fact.rewrite = Some(if uri.contains("$(") {
                    Rewrite::Unknown(format!("request-transformer replace.uri {uri}"))
                } else {
                    Rewrite::ReplaceFull(uri.clone())
                });
                r.fact.rewrite_span = Some(o.span);
                continue;
            }
            if let Some(m) = &o.methods {
                r.fact.methods = m.clone();
            }
            let strip = o
                .strip_path
                .unwrap_or(matches!(r.fact.rewrite, Some(Rewrite::ReplaceMatched(_))));
            let prefix_match = matches!(
                r.fact.matcher,
                PathMatch::StringPrefix { .. } | PathMatch::SegmentPrefix { .. }
            );
            r.fact.rewrite = match (&o.path, strip && prefix_match) {
                (Some(p), true) => {
                    Some(Rewrite::ReplaceMatched(p.trim_end_matches('/').to_owned()))
                }
                (Some(p), false) => Some(Rewrite::PrefixPath(p.clone())),
                (None, true) => Some(Rewrite::ReplaceMatched(String::new())),
                (None, false) => None,
            };
            r.fact.rewrite_span = Some(o.span);
        }
    }
}

/// ingress-nginx docs ("Ingress Path Matching"): when `use-regex` or `rewrite-target` is set
/// on any Ingress of a host, the paths of EVERY Ingress of that host are rendered as
/// case-insensitive regex locations (`location ~* "^/path"`): a `Prefix` `/api` then also
/// matches `/apix` and `/API`.
fn apply_regex_host_effect(graph: &mut Graph) {
    let ingress: Vec<usize> = (0..graph.routes.len())
        .filter(|i| graph.routes[*i].fact.dialect == Dialect::Ingress)
        .collect();
    let same_host = |a: &RouteFact, b: &RouteFact| {
        a.hosts.is_empty() || b.hosts.is_empty() || a.hosts.iter().any(|h| b.hosts.contains(h))
    };
    let mut changes = Vec::new();
    for &i in &ingress {
        let r = &graph.routes[i];
        if matches!(r.fact.matcher, PathMatch::Regex { .. } | PathMatch::Any) {
            continue;
        }
        let cause = ingress.iter().copied().find(|&j| {
            let c = &graph.routes[j];
            c.component == r.component
                && c.fact.origin != r.fact.origin
                && matches!(c.fact.matcher, PathMatch::Regex { .. })
                && same_host(&c.fact, &r.fact)
                && !c.fact.hosts.is_empty()
        });
        let Some(cause) = cause else { continue };
        let (path, exact) = match &r.fact.matcher {
            PathMatch::Exact { path, .. } => (path.clone(), true),
            PathMatch::StringPrefix { prefix, .. } | PathMatch::SegmentPrefix { prefix, .. } => {
                (prefix.clone(), false)
            }
            _ => continue,
        };
        let pattern = format!(
            "(?i)^(?:{}){}",
            regex::escape(&path),
            if exact { "$" } else { "" }
        );
        if let Ok(re) = regex::Regex::new(&pattern) {
            changes.push((i, cause, PathMatch::Regex { source: path, re }));
        }
    }
    for (i, cause, matcher) in changes {
        graph.routes[i].fact.matcher = matcher;
        graph.regex_host_effect.push((RouteId(i), RouteId(cause)));
    }
}

fn istio_miss() -> MissBehavior {
    MissBehavior {
        method_miss: 404,
        method_miss_note: "Envoy answers 404 when no route matches, the method included: it has no 405",
        subtree_redirect: None,
    }
}

/// Places an Istio VirtualService or Gateway API HTTPRoute route on the gateways it names;
/// a route whose gateways do not exist binds nothing.
fn place_gateway_route(b: &mut Builder<'_>, r: &RouteFact) {
    let mut placed = false;
    for gw in &r.gateways {
        if gw == "mesh" && r.dialect == Dialect::Istio {
            place_mesh_route(b, r);
            continue;
        }
        let name = gw.rsplit('/').next().unwrap_or(gw);
        let id = b.names.find(gw).or_else(|| {
            b.names
                .find(name)
                .filter(|id| b.graph.component(*id).role == Role::Edge)
        });
        if let Some(id) = id.filter(|id| b.graph.component(*id).role == Role::Edge) {
            add_route(&mut b.graph, id, r.clone());
            placed = true;
        }
    }
    if !placed && r.gateways.iter().any(|g| g != "mesh") {
        b.graph.unbound_routes.push(r.clone());
    }
}

/// A VirtualService bound to `mesh` routes what sidecars send to its hosts; the ingress
/// gateway does not apply it (semantics.md, Istio).
fn place_mesh_route(b: &mut Builder<'_>, r: &RouteFact) {
    let name = format!("{} (mesh)", r.table);
    let id = match b.graph.components.iter().position(|c| c.name == name) {
        Some(i) => ComponentId(i),
        None => {
            let id = b.component(&name, Role::Mesh);
            let c = &mut b.graph.components[id.0];
            c.kind = "Istio sidecar routing".to_owned();
            c.policy = Policy::FirstMatch;
            c.miss = istio_miss();
            id
        }
    };
    for h in &r.hosts {
        for cand in host_candidates(h) {
            if !b
                .graph
                .mesh_hosts
                .iter()
                .any(|(x, c)| *x == cand && *c == id)
            {
                b.graph.mesh_hosts.push((cand, id));
            }
        }
    }
    add_route(&mut b.graph, id, r.clone());
}

fn add_route(graph: &mut Graph, id: ComponentId, fact: RouteFact) {
    // Istio merges every VirtualService bound to a gateway into one ordered list; a Gateway
    // API gateway ranks the rules of all its HTTPRoutes together.
    let table = match fact.dialect {
        Dialect::Istio | Dialect::GatewayApi => "http".to_owned(),
        _ => fact.table.clone(),
    };
    graph.routes.push(Route {
        fact,
        component: id,
        dest: Dest::Opaque(String::new()),
    });
    let rid = RouteId(graph.routes.len() - 1);
    graph.components[id.0]
        .tables
        .entry(table)
        .or_default()
        .push(rid);
}

/// Spring Cloud Gateway 3.x/4.x `Path` predicates match an extra trailing slash
/// (`matchTrailingSlash`, default true; the source reads it as a lenient slash); 5.x (Spring
/// Framework 7) no longer does. Without a version, 4.x is assumed and said.
fn spring_gateway_for_version(r: &mut RouteFact, c: &mut Component, version: Option<(u32, u32)>) {
    if version.is_some_and(|v| v.0 >= 5)
        && let PathMatch::Template { pattern, .. } = &mut r.matcher
    {
        pattern.lenient_slash = false;
    }
    if version.is_none() && !r.origin.starts_with("Zuul") {
        let note = "Spring Cloud Gateway version unknown (no pom.xml or build.gradle names it): assumed 4.x, where Path patterns also match a trailing slash".to_owned();
        if !c.assumptions.contains(&note) {
            c.assumptions.push(note);
        }
    }
}

fn go_version_for(go_mods: &[(String, (u32, u32))], display: &str) -> Option<(u32, u32)> {
    go_mods
        .iter()
        .filter(|(dir, _)| dir.is_empty() || display.starts_with(&format!("{dir}/")))
        .max_by_key(|(dir, _)| dir.len())
        .map(|(_, v)| *v)
}

fn configure_go(c: &mut Component, version: Option<(u32, u32)>) {
    let modern = version.is_none_or(|v| v >= (1, 22));
    c.kind = "Go ServeMux".to_owned();
    c.policy = Policy::MostSpecific;
    let redirect = if version.is_some_and(|v| v >= (1, 26)) {
        307
    } else {
        301
    };
    c.miss = if modern {
        MissBehavior {
            method_miss: 405,
            method_miss_note: "Go 1.22+ ServeMux answers 405 with an Allow header",
            subtree_redirect: Some(redirect),
        }
    } else {
        MissBehavior {
            method_miss: 404,
            method_miss_note: "ServeMux before Go 1.22 has no method patterns",
            subtree_redirect: Some(redirect),
        }
    };
    let note = match version {
        None => "Go version unknown (no go.mod): assumed 1.22+ pattern syntax".to_owned(),
        Some((a, b)) if !modern => format!(
            "go.mod says go {a}.{b}: patterns are literal paths, without methods or wildcards"
        ),
        Some(_) => return,
    };
    if !c.assumptions.contains(&note) {
        c.assumptions.push(note);
    }
}

/// Before Go 1.22 a pattern has no method and `{id}` is literal text.
fn go_route_for_version(r: &RouteFact, version: Option<(u32, u32)>) -> RouteFact {
    let mut r = r.clone();
    if version.is_some_and(|v| v < (1, 22)) {
        r.methods = MethodSet::Any;
        r.dialect = Dialect::GoServeMux { modern: false };
        if let PathMatch::Template {
            pattern,
            ignore_case,
        } = &r.matcher
        {
            let segs = pattern
                .segs
                .iter()
                .map(|s| match s {
                    PatSeg::Lit(l) => PatSeg::Lit(l.clone()),
                    PatSeg::Param(p) => PatSeg::Lit(format!("{{{p}}}")),
                    PatSeg::Rest(p) => PatSeg::Lit(format!("{{{p}...}}")),
                    PatSeg::Glob(g) => PatSeg::Lit(g.clone()),
                })
                .collect();
            r.matcher = PathMatch::Template {
                pattern: Pattern {
                    segs,
                    ..pattern.clone()
                },
                ignore_case: *ignore_case,
            };
        }
    }
    r
}

fn entries(graph: &Graph, config: &GraphSettings) -> Vec<ComponentId> {
    if let Some(entry) = &config.entry
        && let Some(id) = graph.find(entry)
    {
        return vec![id];
    }
    let non_empty = |c: &&Component| !c.is_empty();
    let edges: Vec<ComponentId> = graph
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::Edge)
        .filter(|(_, c)| non_empty(c))
        .map(|(i, _)| ComponentId(i))
        .collect();
    if !edges.is_empty() {
        return edges;
    }
    // Routes meant for a gateway that does not exist: the declared gateways are still where
    // clients enter, and with nothing bound they answer 404.
    if !graph.unbound_routes.is_empty() {
        let declared: Vec<ComponentId> = graph
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.role == Role::Edge && c.span.is_some())
            .map(|(i, _)| ComponentId(i))
            .collect();
        if !declared.is_empty() {
            return declared;
        }
    }
    let targeted: BTreeSet<ComponentId> = graph
        .routes
        .iter()
        .filter_map(|r| match r.dest {
            Dest::Component(c) => Some(c),
            _ => None,
        })
        .collect();
    let gateways: Vec<ComponentId> = graph
        .components
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            c.role == Role::Gateway && non_empty(c) && !targeted.contains(&ComponentId(*i))
        })
        .map(|(i, _)| ComponentId(i))
        .collect();
    if !gateways.is_empty() {
        return gateways;
    }
    graph
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.endpoints.is_empty())
        .map(|(i, _)| ComponentId(i))
        .collect()
}

#[cfg(test)]
mod tests;
