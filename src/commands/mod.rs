//! Commands that show the graph rather than judge it: `trace`, `routes`, `graph`, `coverage`,
//! `test`, `deployments`. Each renders from the same analysis `check` builds.

pub mod calls;
pub mod coverage;
pub mod deployments;
pub mod graph;
pub mod init;
pub mod route_test;
pub mod routes;
pub mod trace;
