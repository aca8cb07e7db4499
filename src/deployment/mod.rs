//! What is really deployed: kustomizations rendered as kustomize renders them, and which code
//! each deployed Service runs.

pub mod envsubst;
pub mod kustomize;
pub mod workloads;
