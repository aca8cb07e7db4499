//! Readers, by layer: [`edge`] routers, [`gateway`]s, [`service`]s, [`client`]s, the
//! Kubernetes object dispatcher ([`k8s`]), the JVM languages ([`jvm`]), Go's project reader and
//! evaluator ([`go`]) and the error-shape readers ([`errors`]). Two shapes, both pure and neither deciding whether anything is wrong:
//! a file reader turns one file's text into [`Facts`] with byte spans; a project reader (JS/TS,
//! Go, Python) reads a language's files together, over their module graph. This module is the
//! dispatcher: [`SourceKind`] says which reader reads a file; readers never import it.

pub mod client;
pub mod compose;
pub mod dockerfile;
pub mod edge;
pub mod errors;
pub mod facts;
pub mod gateway;
pub mod go;
pub mod input;
pub mod jvm;
pub mod k8s;
pub mod service;
pub mod syntax;
#[cfg(test)]
pub(crate) mod testing;

use rayon::prelude::*;

use facts::{ErrorShapeFact, Facts};
use input::{ClientSettings, Input, Keep, Module};

/// The kinds of file routelint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// Kubernetes manifests: Istio resources, Services (YAML).
    Kubernetes,
    OpenApi,
    Go,
    GoMod,
    JavaScript,
    /// Kong declarative configuration (decK, `_format_version`).
    Kong,
    /// Traefik file provider (YAML or TOML `http.routers`).
    Traefik,
    /// Envoy static or xDS route configuration.
    Envoy,
    /// APISIX standalone `apisix.yaml` / Admin API JSON.
    Apisix,
    /// nginx configuration (`nginx.conf`, `conf.d/*.conf`, `sites-*/*`, templates).
    Nginx,
    /// Spring Boot `application*.yml|yaml|properties` (Spring Cloud Gateway, Zuul, context
    /// paths, the application name).
    SpringConfig,
    /// Build files (`pom.xml`, `build.gradle(.kts)`): library versions.
    BuildFile,
    /// Java sources (Spring controllers, `RouteLocatorBuilder` routes).
    Java,
    /// Python sources (FastAPI, Flask).
    Python,
    /// Kotlin sources (Spring controllers).
    Kotlin,
    /// docker-compose files: service names for the directories they build.
    Compose,
    /// Dockerfiles: the environment an image gives its build directory's files.
    Dockerfile,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::OpenApi => "openapi",
            SourceKind::Go => "go",
            SourceKind::GoMod => "go.mod",
            SourceKind::JavaScript => "js/ts",
            SourceKind::Kong => "kong",
            SourceKind::Traefik => "traefik",
            SourceKind::Envoy => "envoy",
            SourceKind::Apisix => "apisix",
            SourceKind::Nginx => "nginx",
            SourceKind::SpringConfig => "spring-config",
            SourceKind::BuildFile => "build-file",
            SourceKind::Java => "java",
            SourceKind::Python => "python",
            SourceKind::Kotlin => "kotlin",
            SourceKind::Compose => "compose",
            SourceKind::Dockerfile => "dockerfile",
        }
    }

    /// Runs the extractor for this kind, with the error handlers the file installs.
    pub fn extract(self, input: Input<'_>) -> Facts {
        let mut facts = self.extract_routes(input);
        facts.error_shapes.extend(self.error_handlers(input));
        facts
    }

    /// [`SourceKind::extract`] of a file as the deployment renders it: an nginx template
    /// with the environment its container gives it ([`crate::deployment::envsubst`]).
    pub fn extract_rendered(
        self,
        input: Input<'_>,
        env: &std::collections::BTreeMap<String, String>,
    ) -> Facts {
        if self != SourceKind::Nginx || env.is_empty() {
            return self.extract(input);
        }
        let mut facts = gateway::nginx::extract_with_env(input, env);
        facts.error_shapes.extend(self.error_handlers(input));
        facts
    }

    /// The error handlers a file of this kind installs ([`errors::handlers`]).
    fn error_handlers(self, input: Input<'_>) -> Vec<ErrorShapeFact> {
        match self {
            SourceKind::Java | SourceKind::Kotlin => errors::handlers::java(input),
            SourceKind::SpringConfig => errors::handlers::spring_config(input),
            SourceKind::Python => errors::handlers::python(input),
            SourceKind::Go => errors::handlers::go(input),
            SourceKind::JavaScript => errors::handlers::express(input),
            SourceKind::Nginx => errors::nginx::shapes(input),
            _ => Vec::new(),
        }
    }

    fn extract_routes(self, input: Input<'_>) -> Facts {
        match self {
            SourceKind::Kubernetes => k8s::extract(input),
            SourceKind::OpenApi => service::openapi::extract(input),
            SourceKind::Go => go::project::extract(input),
            SourceKind::GoMod => go::go_mod::extract_go_mod(input),
            SourceKind::JavaScript => client::js_calls::extract(input),
            SourceKind::Kong => edge::kong::extract(input),
            SourceKind::Traefik => edge::traefik::extract(input),
            SourceKind::Envoy => edge::envoy::extract(input),
            SourceKind::Apisix => edge::apisix::extract(input),
            SourceKind::Nginx => gateway::nginx::extract(input),
            SourceKind::SpringConfig => jvm::spring_config::extract(input),
            SourceKind::BuildFile => jvm::spring_config::extract_build(input),
            SourceKind::Java => jvm::extract_java(input),
            SourceKind::Python => service::python::extract(input),
            SourceKind::Kotlin => jvm::kotlin::extract(input),
            SourceKind::Compose => compose::extract(input),
            SourceKind::Dockerfile => dockerfile::extract(input),
        }
    }

    /// Runs the extractor over every file of this kind at once, one `Facts` per input in
    /// order. Languages whose names cross files (imports, packages, routers included from
    /// another module) resolve them here; the other kinds read each file alone, in parallel.
    pub fn extract_set(self, inputs: &[Input<'_>]) -> Vec<Facts> {
        self.extract_set_with(inputs, &ClientSettings::default())
    }

    /// [`SourceKind::extract_set`] with the configuration's client settings.
    pub fn extract_set_with(self, inputs: &[Input<'_>], client: &ClientSettings) -> Vec<Facts> {
        if !self.cross_file() {
            return inputs.par_iter().map(|i| self.extract(*i)).collect();
        }
        let mut out = self.extract_set_routes(inputs, client);
        out.par_iter_mut()
            .zip(inputs.par_iter())
            .for_each(|(facts, input)| facts.error_shapes.extend(self.error_handlers(*input)));
        out
    }

    fn extract_set_routes(self, inputs: &[Input<'_>], client: &ClientSettings) -> Vec<Facts> {
        match self {
            SourceKind::Go => go::project::extract_set(inputs),
            SourceKind::Python => service::python::extract_set(inputs),
            SourceKind::Compose => compose::extract_set(inputs),
            SourceKind::JavaScript => {
                let calls = client::js_calls::extract_set_with(inputs, client);
                let routes = service::js_routes::extract_set(inputs);
                calls
                    .into_iter()
                    .zip(routes)
                    .map(|(mut c, r)| {
                        c.merge(r);
                        c
                    })
                    .collect()
            }
            _ => inputs.par_iter().map(|i| self.extract_routes(*i)).collect(),
        }
    }

    /// What the read phase keeps of a file of this kind.
    pub fn keep(self, path: &str, text: &str) -> Keep {
        match self {
            SourceKind::JavaScript => client::js_calls::keep(path, text),
            _ => Keep::Text,
        }
    }

    /// Of the files of this kind (`(display path, what was kept)`), those whose text the
    /// extractors need; the others need not be read.
    pub fn needed(self, modules: &[(&str, Module<'_>)], client: &ClientSettings) -> Vec<bool> {
        match self {
            SourceKind::JavaScript => client::js_calls::needed(modules, client.read_tests),
            _ => vec![true; modules.len()],
        }
    }

    /// Whether [`SourceKind::extract_set`] reads the files together.
    pub fn cross_file(self) -> bool {
        matches!(
            self,
            SourceKind::Go | SourceKind::Python | SourceKind::JavaScript | SourceKind::Compose
        )
    }
}
