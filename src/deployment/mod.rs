//! What is really deployed: kustomizations rendered as kustomize renders them, which of them
//! the repository's CD deploys, and which code each deployed Service runs.

pub mod cd;
pub mod kustomize;
pub mod workloads;
