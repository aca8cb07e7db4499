//! Edge routers: what the first hop into the cluster (a mesh, an ingress, an edge proxy) matches and where it sends it.

pub mod apisix;
pub mod envoy;
pub mod gateway_api;
pub mod ingress;
pub mod istio;
pub mod kong;
pub mod traefik;
pub mod traefik_labels;
