//! What is really deployed: kustomizations rendered as kustomize renders them, which of them
//! the repository's CD deploys, which code each deployed Service runs, and the environment its
//! containers render their envsubst templates with.

pub mod cd;
pub mod envsubst;
pub mod kustomize;
pub mod patch;
pub mod workloads;
