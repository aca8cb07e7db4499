//! What is really deployed: kustomizations rendered as kustomize renders them.

pub mod kustomize;
