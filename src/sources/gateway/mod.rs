//! API gateways: routers that sit between the edge and the services and strip, rewrite and forward.

pub mod go_mux;
pub mod go_routers;
pub mod nginx;
pub mod spring_dsl;
