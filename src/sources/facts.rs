//! What readers say about a file: routes, endpoints, calls, components and the rest, with byte
//! spans. Facts are data; no reader decides here whether anything is wrong.

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PathMatch, Pattern, ReqPath, Rewrite};
use crate::source_file::Span;

/// Which component a fact belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The component that owns the file; topology decides it from the file's location,
    /// bindings and `routelint.toml`.
    File,
    /// A component named in the file itself (an Istio Gateway a VirtualService binds to).
    Named(String),
}

/// The router semantics a route or endpoint follows. Decides match order and miss statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Envoy under Istio: first match in order; no route (method included) is 404.
    Istio,
    /// Gateway API HTTPRoute: most specific match across every route of a Gateway; a miss,
    /// method included, is 404.
    GatewayApi,
    /// Kubernetes Ingress: Exact before the longest prefix; no methods; a miss is 404.
    Ingress,
    /// Kong (declarative config or Kong Ingress Controller CRDs): routes ranked by the
    /// priority the source computes; no route (method included) is 404.
    Kong,
    /// Traefik (file provider or IngressRoute CRDs): priority (rule length unless set); 404.
    Traefik,
    /// Envoy route configuration: routes in order, first match; 404.
    Envoy,
    /// APISIX: routes ranked by the priority the source computes; 404.
    Apisix,
    /// Go `net/http.ServeMux`; `modern` is Go 1.22+ (methods, wildcards, 405 with Allow).
    GoServeMux { modern: bool },
    /// Endpoints from an OpenAPI document: the framework behind it is not known; a method
    /// miss is assumed to be 405 as most frameworks answer.
    OpenApi,
    /// Spring Cloud Gateway (and Zuul, which routes alike): routes by `order`, then
    /// declaration order (the source sets `priority` to `-order`); a miss, method included, is
    /// 404.
    SpringGateway,
    /// nginx `location` selection (exact, longest prefix, `^~`, regexes in order).
    Nginx,
    /// Routes or endpoints declared in an application framework's code.
    Framework(Framework),
}

/// An application framework whose routes routelint reads from code. Decides how the component
/// answers a miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framework {
    FastApi,
    Flask,
    Express,
    /// koa-router; `allowed_methods`: `router.allowedMethods()` is used (then a method miss
    /// is 405, else 404).
    Koa {
        allowed_methods: bool,
    },
    Fastify,
    Nest,
    NextJs,
    Nuxt,
    SpringMvc,
    SpringWebflux,
    Gorilla,
    Chi,
    /// gin; `method_not_allowed`: `HandleMethodNotAllowed = true` (405, else 404).
    Gin {
        method_not_allowed: bool,
    },
    Echo,
}

/// How a framework answers a request it has no handler for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameworkMiss {
    pub label: &'static str,
    /// Status when the path matches a route of another method.
    pub method_miss: u16,
    pub method_miss_note: &'static str,
}

impl Framework {
    pub fn miss(self) -> FrameworkMiss {
        let (label, method_miss, method_miss_note) = match self {
            Framework::FastApi => (
                "FastAPI",
                405,
                "Starlette answers 405 when the path matches a route of another method",
            ),
            Framework::Flask => (
                "Flask",
                405,
                "Werkzeug answers 405 when the path matches a rule of another method",
            ),
            Framework::Express => (
                "Express",
                404,
                "Express has no 405: a method miss falls through to the 404 handler",
            ),
            Framework::Koa {
                allowed_methods: true,
            } => (
                "koa-router",
                405,
                "router.allowedMethods() answers 405 for a method miss",
            ),
            Framework::Koa {
                allowed_methods: false,
            } => (
                "koa-router",
                404,
                "koa-router without allowedMethods() answers a method miss with 404",
            ),
            Framework::Fastify => (
                "Fastify",
                404,
                "Fastify answers 404 when no route has the method",
            ),
            Framework::Nest => (
                "NestJS",
                404,
                "NestJS on Express answers a method miss with 404",
            ),
            Framework::NextJs => (
                "Next.js",
                405,
                "a Next.js route handler without the method's export answers 405",
            ),
            Framework::Nuxt => (
                "Nuxt/Nitro",
                405,
                "Nitro answers 405 for a route file whose method suffix differs",
            ),
            Framework::SpringMvc => (
                "Spring MVC",
                405,
                "Spring answers 405 when the path matches a mapping of another method",
            ),
            Framework::SpringWebflux => (
                "Spring WebFlux",
                405,
                "Spring answers 405 when the path matches a mapping of another method",
            ),
            Framework::Gorilla => (
                "gorilla/mux",
                405,
                "gorilla/mux answers 405 when a route matches the path but not `.Methods`",
            ),
            Framework::Chi => (
                "chi",
                405,
                "chi answers 405 when the path has handlers for other methods",
            ),
            Framework::Gin {
                method_not_allowed: true,
            } => ("gin", 405, "gin with HandleMethodNotAllowed answers 405"),
            Framework::Gin {
                method_not_allowed: false,
            } => (
                "gin",
                404,
                "gin answers a method miss with 404 unless HandleMethodNotAllowed is set",
            ),
            Framework::Echo => (
                "echo",
                405,
                "echo answers 405 when the path matches a route of another method",
            ),
        };
        FrameworkMiss {
            label,
            method_miss,
            method_miss_note,
        }
    }
}

/// Where a route sends a matching request.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// Proxies to a host (a component name, short or FQDN, possibly with a port).
    Forward {
        host: String,
        port: Option<u16>,
        span: Span,
    },
    /// Continues in another routing table of the same component (a Go mux mounted in a mux).
    Table(String),
    /// The component answers the request itself (a gateway's own handler).
    Serve { handler: String },
    /// A handler routelint cannot follow: requests that reach it are unknown, never 404.
    Opaque { why: String },
}

/// A routing rule of an edge router or gateway.
#[derive(Clone, Debug)]
pub struct RouteFact {
    pub owner: Owner,
    /// Routing table the route belongs to (the mux variable, the VirtualService name).
    pub table: String,
    /// Human name of where it is declared: `VirtualService blog-virtualservice`.
    pub origin: String,
    /// Declaration order within the file.
    pub order: u32,
    pub matcher: PathMatch,
    pub methods: MethodSet,
    pub rewrite: Option<Rewrite>,
    pub rewrite_span: Option<Span>,
    pub target: Target,
    /// The match itself (`prefix: /blog/api/`, `"/blog/api/"`).
    pub span: Span,
    /// The whole rule or registration (for "forwards the path unchanged" snippets).
    pub rule_span: Span,
    /// Hosts the route answers for (Istio VirtualService `hosts`); empty means any.
    pub hosts: Vec<String>,
    /// Istio `gateways:` the route binds to (`mesh` when empty).
    pub gateways: Vec<String>,
    pub dialect: Dialect,
    /// Explicit precedence for routers that rank routes by a number (Kong, Traefik, APISIX):
    /// higher first. `None` where order or specificity decides.
    pub priority: Option<i64>,
    /// The route also requires headers or query parameters that a client call's text does not
    /// show: it matches only maybe, so a route without such conditions wins over it, and when
    /// it is the only match the request is not called a 404 either.
    pub conditional: bool,
}

/// An operation a service answers.
#[derive(Clone, Debug)]
pub struct EndpointFact {
    pub owner: Owner,
    pub method: Method,
    pub pattern: Pattern,
    /// The path key (`/posts/{id}:`).
    pub span: Span,
    /// The method key (`patch:`).
    pub method_span: Span,
    pub operation_id: Option<String>,
    pub dialect: Dialect,
}

/// The URL of a client call.
#[derive(Clone, Debug, PartialEq)]
pub enum CallUrl {
    Resolved {
        /// `http://blog-service:8005` for absolute URLs; `None` for same-origin paths.
        origin: Option<String>,
        path: ReqPath,
    },
    /// The URL could not be resolved statically; `why` says which part.
    Unresolved { why: String },
}

/// A request a client sends.
#[derive(Clone, Debug)]
pub struct CallFact {
    /// `None` when the method could not be resolved (then every method is accepted).
    pub method: Option<Method>,
    pub url: CallUrl,
    /// The URL argument.
    pub span: Span,
    /// `fetch`, `axios.patch`, `api.get` (an axios instance).
    pub client: String,
    /// A prefix the client's base or a wrapper puts in front of a URL that already starts
    /// with it (`/api` + `/api/posts`): the prefix and where it is added.
    pub duplicated: Option<(String, Span)>,
}

/// A component declared in a file: an Istio Gateway, a Kubernetes Service.
#[derive(Clone, Debug)]
pub struct ComponentFact {
    pub name: String,
    pub kind: ComponentKind,
    /// Other names that refer to it (`ns/name`, FQDNs, selector labels).
    pub aliases: Vec<String>,
    /// Hosts it serves (Istio Gateway `servers[].hosts`).
    pub hosts: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComponentKind {
    /// Entry point of outside traffic (Istio Gateway).
    Edge,
    /// A Gateway API `Gateway`.
    GatewayApi,
    /// An ingress controller (one per ingress class).
    Ingress,
    /// A Kubernetes Service: a name other layers forward to.
    Service,
}

/// A name that identifies the component owning this file (an OpenAPI `servers` host).
#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub span: Span,
    /// The name identifies every file of the file's project (the directory holding its
    /// pom.xml, package.json, go.mod…), not only this file: Spring `spring.application.name`.
    pub project_wide: bool,
}

/// A directory whose files belong to a named component (a docker-compose service's `build`
/// context).
#[derive(Clone, Debug)]
pub struct ComponentDir {
    /// Relative to the checked root, `/`-separated.
    pub dir: String,
    pub name: String,
    pub span: Span,
}

/// The environment a container is given, for the files of a directory or a single file: a
/// Dockerfile's `ENV` for its build directory, a compose service's `environment` for its build
/// context and the host paths it mounts. envsubst templates (nginx `*.conf.template`) are
/// rendered with it.
#[derive(Clone, Debug, PartialEq)]
pub struct DirEnv {
    /// Relative to the checked root, `/`-separated (`""` for the root).
    pub dir: String,
    /// Literal values only (a value interpolated from the host's environment is left out).
    pub vars: Vec<(String, String)>,
    /// Later layers override earlier ones: 0 for an image's `ENV`, 1 for the runtime's.
    pub layer: u8,
}

/// A Kubernetes workload (Deployment, StatefulSet, DaemonSet, Argo Rollout): the labels of the
/// pods it runs and their container images.
#[derive(Clone, Debug)]
pub struct WorkloadFact {
    pub name: String,
    /// `spec.template.metadata.labels`.
    pub labels: Vec<(String, String)>,
    /// `spec.template.spec.containers[].image`, as written (`registry/name:tag`).
    pub images: Vec<String>,
    pub span: Span,
}

/// A Kubernetes Service's `spec.selector`: the pods (so the workloads) it sends traffic to.
#[derive(Clone, Debug)]
pub struct SelectorFact {
    pub service: String,
    pub labels: Vec<(String, String)>,
}

/// A kustomization: which manifests it renders and how it renames them.
#[derive(Clone, Debug, Default)]
pub struct Kustomization {
    /// `resources:` (and legacy `bases:`) entries, relative to the kustomization's directory.
    pub resources: Vec<(String, Span)>,
    /// Patch files (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`),
    /// relative to the kustomization's directory: patches, not objects.
    pub patches: Vec<String>,
    /// Every patch entry, in the order kustomize applies them: `patchesStrategicMerge`, then
    /// `patches`, then `patchesJson6902`.
    pub patch_entries: Vec<PatchEntry>,
    /// `components:` entries, relative to the kustomization's directory.
    pub components: Vec<(String, Span)>,
    /// A `kind: Component` (kustomize.config.k8s.io/v1alpha1): its resources and patches apply
    /// inside the kustomization that lists it under `components:`.
    pub component: bool,
    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: Option<String>,
}

/// One patch of a kustomization: where its text is (a file, or inline), what it targets.
#[derive(Clone, Debug)]
pub struct PatchEntry {
    /// `path:` (or a `patchesStrategicMerge` string that names a file), relative to the
    /// kustomization's directory, with the span of that value.
    pub path: Option<(String, Span)>,
    /// An inline patch: its text, and where each of its lines starts in the kustomization
    /// (offset in the text, offset in the file), so its values point into the file.
    pub inline: Option<InlinePatch>,
    pub target: Option<PatchTarget>,
    /// From `patchesJson6902`: a JSON 6902 operations list, whatever it looks like.
    pub json6902: bool,
    /// The entry itself (where a patch that cannot apply is reported without a better place).
    pub span: Span,
}

/// An inline `patch:` (or a `patchesStrategicMerge` entry that is a document, not a file).
#[derive(Clone, Debug)]
pub struct InlinePatch {
    pub text: String,
    /// (offset in `text`, offset in the kustomization file) of each line of `text`.
    pub lines: Vec<(usize, usize)>,
}

/// A patch's `target:` selector. `name` and `namespace` are anchored regular expressions.
#[derive(Clone, Debug, Default)]
pub struct PatchTarget {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
    /// The target's `name`, else the `target:` mapping.
    pub span: Span,
}

/// Which tool says a directory of the repository is deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CdTool {
    /// An ArgoCD `Application`.
    ArgoApplication,
    /// An ArgoCD `ApplicationSet` (its template, per generator entry).
    ArgoApplicationSet,
    /// A Flux `Kustomization` (kustomize.toolkit.fluxcd.io).
    Flux,
    /// A skaffold `Config` (its kustomize paths, or a profile's).
    Skaffold,
}

impl CdTool {
    /// "argocd Application", "flux Kustomization", "skaffold".
    pub fn label(self) -> &'static str {
        match self {
            CdTool::ArgoApplication => "argocd Application",
            CdTool::ArgoApplicationSet => "argocd ApplicationSet",
            CdTool::Flux => "flux Kustomization",
            CdTool::Skaffold => "skaffold",
        }
    }

    /// A continuous-delivery tool (what a cluster really runs), not a developer's loop.
    pub fn is_cd(self) -> bool {
        self != CdTool::Skaffold
    }
}

/// A CD object's source: the directory of the repository it deploys, and how it renders it.
#[derive(Clone, Debug)]
pub struct CdSource {
    pub tool: CdTool,
    /// The object's name (`titanium-prod`), a skaffold profile's name, or the config's.
    pub name: String,
    /// The directory, relative to the checked root, `/`-separated, without `./` or a trailing
    /// slash (`""` is the root). May hold `*` (an ApplicationSet git directory generator).
    pub path: String,
    /// Paths an ApplicationSet git generator excludes (`exclude: true`).
    pub exclude: Vec<String>,
    /// The `path` value.
    pub span: Span,
    /// ArgoCD `kustomize.namePrefix`/`nameSuffix`/`namespace`, Flux `namePrefix`/`nameSuffix`/
    /// `targetNamespace`: applied around the kustomization's own.
    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: Option<String>,
    /// ArgoCD `helm.valueFiles`, as written.
    pub values_files: Vec<String>,
}

/// A Kong `KongIngress` or path-changing `KongPlugin` (Kong Ingress Controller): settings an
/// Ingress naming it in `konghq.com/override` or `konghq.com/plugins` takes on.
#[derive(Clone, Debug)]
pub struct KongOverride {
    pub name: String,
    pub strip_path: Option<bool>,
    pub methods: Option<MethodSet>,
    /// `proxy.path`: the path the upstream request starts with.
    pub path: Option<String>,
    /// A `KongPlugin` `request-transformer` with `config.replace.uri`: the upstream path.
    pub replace_uri: Option<String>,
    pub span: Span,
}

/// The body of an error answer: its media type (`None`: an empty body) and the members a
/// client can count on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorBody {
    /// `application/problem+json`, `application/json`, `text/plain`, `text/html`; `None` for
    /// an empty body.
    pub media_type: Option<String>,
    /// Required members of a JSON body (or its properties when none are required), sorted.
    pub members: Vec<String>,
}

/// Where an error shape comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorShapeKind {
    /// Error responses the component's API declares (OpenAPI 4xx/5xx/`default`).
    Declared,
    /// A handler that answers the component's own routing misses (404/405): a Spring
    /// `ErrorWebExceptionHandler`, an nginx `error_page`, a Go `NotFound` handler.
    MissHandler,
}

/// An error shape stated in a file.
#[derive(Clone, Debug)]
pub struct ErrorShapeFact {
    pub kind: ErrorShapeKind,
    pub body: ErrorBody,
    /// The status it answers (`404`); `None` for `default`, a range (`4XX`) or every error.
    pub status: Option<u16>,
    /// The media type key or handler that states it.
    pub span: Span,
    pub owner: ShapeOwner,
}

/// Which components an error shape belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeOwner {
    /// The component that owns the file.
    File,
    /// A component the file names (an `EnvoyFilter` selecting `istio: ingressgateway` names
    /// `istio-ingressgateway`, an alias of the Istio Gateway with that selector).
    Named(String),
    /// Every Istio proxy: an `EnvoyFilter` without a workload selector.
    EveryIstioProxy,
}

/// A file (or part of one) that could not be read.
#[derive(Clone, Debug)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

/// Everything one file says.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub routes: Vec<RouteFact>,
    pub endpoints: Vec<EndpointFact>,
    pub calls: Vec<CallFact>,
    pub components: Vec<ComponentFact>,
    pub bindings: Vec<Binding>,
    pub problems: Vec<Problem>,
    /// Routing tables that receive the component's traffic (the mux given to
    /// `http.ListenAndServe`). Empty: the first table declared.
    pub entry_tables: Vec<String>,
    /// Go language version from `go.mod` (`go 1.22` → `(1, 22)`).
    pub go_version: Option<(u32, u32)>,
    /// The file is a kustomization.
    pub kustomization: Option<Kustomization>,
    /// `KongIngress` objects of this file.
    pub kong_overrides: Vec<KongOverride>,
    /// Ingress routes that name a `KongIngress` (`konghq.com/override`): (route origin, name).
    pub kong_override_refs: Vec<(String, String)>,
    /// A path every framework endpoint of the file's project is served under (Spring
    /// `server.servlet.context-path` + `spring.mvc.servlet.path`, FastAPI `root_path`).
    pub context_path: Option<(String, Span)>,
    /// Spring Boot 1's `server.context-path`, which Boot 2 no longer binds (it became
    /// `server.servlet.context-path`): applied only where the project's Boot version allows.
    pub boot1_context_path: Option<(String, Span)>,
    /// Library versions a build file pins (`spring-cloud-gateway` → (4, 1)), for semantics
    /// that change between major versions; they apply to the build file's project.
    pub versions: Vec<(String, (u32, u32))>,
    /// Error shapes the file declares or installs (one per distinct body).
    pub error_shapes: Vec<ErrorShapeFact>,
    /// Directories the file assigns to named components (docker-compose `build` contexts).
    pub component_dirs: Vec<ComponentDir>,
    /// Endpoints declared in code whose path or method routelint cannot resolve statically (a
    /// prefix from settings, an annotation naming a constant of another file, a router built by
    /// a function, a regex path): not guessed, counted. The span is the unresolved expression;
    /// the string says why. The service may answer more than its endpoints say.
    pub unresolved_endpoints: Vec<(Span, String)>,
    /// Routers mounted at a known prefix whose own routes routelint cannot read (FastAPI
    /// `include_router(library_router(), prefix="/auth")`): a request under the prefix may be
    /// answered by one of them, so a miss there is unknown, not a 404.
    pub opaque_mounts: Vec<OpaqueMount>,
    /// Environments containers give the files of a directory ([`DirEnv`]).
    pub dir_env: Vec<DirEnv>,
    /// Kubernetes workloads of this file.
    pub workloads: Vec<WorkloadFact>,
    /// Kubernetes Service selectors of this file.
    pub selectors: Vec<SelectorFact>,
    /// Directories CD objects (and skaffold) of this file deploy.
    pub cd_sources: Vec<CdSource>,
    /// Why the file was passed over whole though its kind is read (a minified bundle):
    /// listed by `--show-skipped`.
    pub not_read: Option<String>,
}

/// A router mounted at `prefix` (`/`-separated, `""` for the root) whose routes routelint
/// cannot read; `why` says what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct OpaqueMount {
    pub span: Span,
    pub prefix: String,
    pub why: String,
}

impl OpaqueMount {
    /// Whether a request path may be under the mount: its segments start with the prefix's
    /// words. A parameter of the request is a value, not the prefix's word (issue #24: a
    /// client parameter that could equal a literal decides nothing), so it does not reach in.
    pub fn may_cover(&self, segments: &[Option<&str>]) -> bool {
        let prefix: Vec<&str> = self.prefix.split('/').filter(|s| !s.is_empty()).collect();
        prefix.len() <= segments.len() && prefix.iter().zip(segments).all(|(p, s)| *s == Some(*p))
    }
}

impl Facts {
    pub fn problem(&mut self, span: Span, message: impl Into<String>) {
        self.problems.push(Problem {
            span,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
            && self.endpoints.is_empty()
            && self.calls.is_empty()
            && self.components.is_empty()
            && self.bindings.is_empty()
            && self.problems.is_empty()
            && self.go_version.is_none()
            && self.kustomization.is_none()
            && self.kong_overrides.is_empty()
            && self.kong_override_refs.is_empty()
            && self.context_path.is_none()
            && self.boot1_context_path.is_none()
            && self.versions.is_empty()
            && self.error_shapes.is_empty()
            && self.component_dirs.is_empty()
            && self.unresolved_endpoints.is_empty()
            && self.opaque_mounts.is_empty()
            && self.dir_env.is_empty()
            && self.workloads.is_empty()
            && self.selectors.is_empty()
            && self.cd_sources.is_empty()
            && self.not_read.is_none()
    }

    /// Appends another extractor's facts for the same file.
    pub fn merge(&mut self, other: Facts) {
        let Facts {
            routes,
            endpoints,
            calls,
            components,
            bindings,
            problems,
            entry_tables,
            go_version,
            kustomization,
            kong_overrides,
            kong_override_refs,
            context_path,
            boot1_context_path,
            versions,
            error_shapes,
            component_dirs,
            unresolved_endpoints,
            opaque_mounts,
            dir_env,
            workloads,
            selectors,
            cd_sources,
            not_read,
        } = other;
        self.not_read = self.not_read.take().or(not_read);
        self.routes.extend(routes);
        self.endpoints.extend(endpoints);
        self.calls.extend(calls);
        self.components.extend(components);
        self.bindings.extend(bindings);
        self.problems.extend(problems);
        self.entry_tables.extend(entry_tables);
        self.go_version = self.go_version.or(go_version);
        self.kustomization = self.kustomization.take().or(kustomization);
        self.kong_overrides.extend(kong_overrides);
        self.kong_override_refs.extend(kong_override_refs);
        self.context_path = self.context_path.take().or(context_path);
        self.boot1_context_path = self.boot1_context_path.take().or(boot1_context_path);
        self.versions.extend(versions);
        self.error_shapes.extend(error_shapes);
        self.component_dirs.extend(component_dirs);
        self.unresolved_endpoints.extend(unresolved_endpoints);
        self.opaque_mounts.extend(opaque_mounts);
        self.dir_env.extend(dir_env);
        self.workloads.extend(workloads);
        self.selectors.extend(selectors);
        self.cd_sources.extend(cd_sources);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opaque_mount_may_cover_paths_under_its_prefix_only() {
        let mount = |prefix: &str| OpaqueMount {
            span: Span::default(),
            prefix: prefix.to_owned(),
            why: String::new(),
        };
        let table: &[(&str, &[Option<&str>], bool)] = &[
            ("/users", &[Some("users"), Some("me")], true),
            ("/users", &[Some("users")], true),
            ("/users", &[Some("items"), Some("me")], false),
            // A parameter is a value, not the prefix's word.
            ("/users", &[None, Some("me")], false),
            (
                "/auth/db",
                &[Some("auth"), Some("db"), Some("logout")],
                true,
            ),
            ("/auth/db", &[Some("auth"), Some("google")], false),
            ("/auth/db", &[Some("auth")], false),
            // Mounted at the root: anything.
            ("", &[Some("items")], true),
            ("/", &[], true),
        ];
        for (prefix, segs, want) in table {
            assert_eq!(mount(prefix).may_cover(segs), *want, "{prefix} {segs:?}");
        }
    }
}
