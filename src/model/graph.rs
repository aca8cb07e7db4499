//! The component graph: components (client apps, edge routers, gateways, services), their
//! routing tables and endpoints, and the client calls. Built by [`super::topology`]; read by
//! the simulator and the rules. Holds data only.

use indexmap::IndexMap;

use crate::source_file::Span;
use crate::sources::{facts::CallFact, facts::EndpointFact, facts::RouteFact};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ComponentId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndpointId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub usize);

/// What a component does in the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Edge,
    Gateway,
    Service,
    /// Istio sidecar routing: a VirtualService bound to `mesh`, applied to requests that
    /// in-mesh workloads send to its hosts.
    Mesh,
}

/// How a component picks among matching routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// The first matching route in order wins (Istio/Envoy).
    FirstMatch,
    /// The most specific matching route wins (Go ServeMux, OpenAPI-described services).
    MostSpecific,
    /// The matching route with the highest priority wins, then the first declared (Kong,
    /// Traefik, APISIX: their sources compute the priority with the router's own rules).
    Priority,
    /// nginx location selection: an exact (`=`) location wins; else the longest prefix is
    /// remembered, and wins at once when it is `^~` (the source marks it `priority: Some(1)`);
    /// else the first regex location in file order; else the remembered prefix. Methods do not
    /// take part in the choice: `limit_except` answers the other methods of the chosen location.
    Nginx,
}

/// How a component answers a request it cannot route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissBehavior {
    /// Status when a path matches but no route allows the method.
    pub method_miss: u16,
    /// Why: "Envoy has no 405", "Go 1.22+ ServeMux answers 405 with Allow".
    pub method_miss_note: &'static str,
    /// Whether `/x` is redirected to a registered `/x/` subtree (Go ServeMux), and with which status.
    pub subtree_redirect: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub name: String,
    pub role: Role,
    /// Names other layers may use for it.
    pub aliases: Vec<String>,
    /// What it is, for traces: "Istio gateway", "Go ServeMux", "OpenAPI".
    pub kind: String,
    /// Routing tables in declaration order; the first entry of `entry_tables` (else the first
    /// table) receives the component's traffic.
    pub tables: IndexMap<String, Vec<RouteId>>,
    pub entry_tables: Vec<String>,
    pub endpoints: Vec<EndpointId>,
    pub policy: Policy,
    pub miss: MissBehavior,
    /// Where it is declared (a Gateway's name, a Service), if anywhere.
    pub span: Option<Span>,
    /// Assumptions made about it, said in traces ("Go version unknown: assumed 1.22+").
    pub assumptions: Vec<String>,
    /// Its declared error shapes and how it answers its own misses.
    pub errors: super::errors::ErrorProfile,
    /// Endpoints its code registers at paths routelint cannot read (where, why): it may
    /// answer more than its endpoints say.
    pub unresolved_endpoints: Vec<(crate::source_file::Span, String)>,
    /// Routers its code mounts whose routes routelint cannot read: a miss under one is unknown.
    pub opaque_mounts: Vec<crate::sources::facts::OpaqueMount>,
}

impl Component {
    pub fn entry_table(&self) -> Option<&str> {
        self.entry_tables
            .iter()
            .find(|t| self.tables.contains_key(t.as_str()))
            .map(String::as_str)
            .or_else(|| self.tables.keys().next().map(String::as_str))
    }

    pub fn is_empty(&self) -> bool {
        self.tables.values().all(Vec::is_empty) && self.endpoints.is_empty()
    }
}

/// Where a route sends a request, resolved to the graph.
#[derive(Clone, Debug, PartialEq)]
pub enum Dest {
    Component(ComponentId),
    Table(String),
    Serve(String),
    Opaque(String),
    /// A destination host no component answers to.
    Unlinked(String),
}

#[derive(Clone, Debug)]
pub struct Route {
    pub fact: RouteFact,
    pub component: ComponentId,
    pub dest: Dest,
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub fact: EndpointFact,
    pub component: ComponentId,
}

#[derive(Clone, Debug)]
pub struct Call {
    pub fact: CallFact,
    /// The component whose code sends it (by its file), which may have no routes itself.
    pub owner: String,
}

/// The whole repository as one path/method graph.
#[derive(Debug, Default)]
pub struct Graph {
    pub components: Vec<Component>,
    pub routes: Vec<Route>,
    pub endpoints: Vec<Endpoint>,
    pub calls: Vec<Call>,
    /// Where client requests enter (an edge router, else the front gateways, else services).
    pub entries: Vec<ComponentId>,
    /// Routes bound to no component (an Istio `gateways:` name that does not exist).
    pub unbound_routes: Vec<RouteFact>,
    /// Hosts of mesh VirtualServices and the component holding their routes.
    pub mesh_hosts: Vec<(String, ComponentId)>,
    /// Ingress routes ingress-nginx turned into case-insensitive regexes because another
    /// Ingress of the same host uses regex paths: (the route changed, the route that caused it).
    pub regex_host_effect: Vec<(RouteId, RouteId)>,
}

impl Graph {
    pub fn component(&self, id: ComponentId) -> &Component {
        &self.components[id.0]
    }
    pub fn route(&self, id: RouteId) -> &Route {
        &self.routes[id.0]
    }
    pub fn endpoint(&self, id: EndpointId) -> &Endpoint {
        &self.endpoints[id.0]
    }
    pub fn call(&self, id: CallId) -> &Call {
        &self.calls[id.0]
    }
    pub fn find(&self, name: &str) -> Option<ComponentId> {
        self.components
            .iter()
            .position(|c| c.name == name || c.aliases.iter().any(|a| a == name))
            .map(ComponentId)
    }
}

/// The first component each name or alias names, as [`Graph::find`] answers, for the graph's
/// builder: thousands of Services cost no scan of every component per lookup.
#[derive(Debug, Default)]
pub struct NameIndex(std::collections::HashMap<String, usize>);

impl NameIndex {
    pub fn find(&self, name: &str) -> Option<ComponentId> {
        self.0.get(name).map(|&i| ComponentId(i))
    }

    /// Records that component `i` answers to `name`.
    pub fn add(&mut self, name: &str, i: usize) {
        match self.0.get_mut(name) {
            Some(at) => *at = (*at).min(i),
            None => {
                self.0.insert(name.to_owned(), i);
            }
        }
    }
}
