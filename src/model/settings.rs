//! What the graph builder is told from outside the repository's files (`routelint.toml`, passed
//! in by the caller): names, hosts and file globs of components, where client requests enter,
//! the app's own origins, assumed versions. The model reads no configuration itself.

use std::collections::BTreeMap;

use serde::Deserialize;

/// What the graph builder is told besides the facts.
#[derive(Debug, Default, Clone)]
pub struct GraphSettings {
    /// Components the repository does not name clearly enough, by name.
    pub components: BTreeMap<String, ComponentSettings>,
    /// The component where client requests enter (an Istio Gateway name, a gateway directory).
    pub entry: Option<String>,
    /// The app's own origins: absolute URLs with one of them are the app's own requests.
    pub origins: Vec<String>,
    /// Go, for `ServeMux` pattern semantics, when no `go.mod` says.
    pub go_version: Option<(u32, u32)>,
    /// Spring Cloud Gateway, where no build file of the gateway says.
    pub spring_cloud_gateway: Option<(u32, u32)>,
}

/// A component as the settings name it.
#[derive(Debug, Default, Clone)]
pub struct ComponentSettings {
    /// Host names other layers use for it, aliases included.
    pub hosts: Vec<String>,
    /// Files that belong to it, as globs relative to the root.
    pub paths: Vec<String>,
    /// What describes its endpoints (`None`: both).
    pub source: Option<EndpointSource>,
}

impl GraphSettings {
    /// The component whose `paths` globs match a file's display path.
    pub fn component_for_path(&self, display: &str) -> Option<&str> {
        self.components.iter().find_map(|(name, c)| {
            c.paths
                .iter()
                .any(|g| crate::glob::matches(g, display))
                .then_some(name.as_str())
        })
    }

    /// Whether an absolute URL's origin is one of the app's own: scheme and host compared
    /// case-insensitively, a trailing slash ignored.
    pub fn is_own_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }
}

/// What describes a component's endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointSource {
    /// Its OpenAPI documents.
    Openapi,
    /// Its handlers in code.
    Code,
    /// Both: the union.
    Both,
}
