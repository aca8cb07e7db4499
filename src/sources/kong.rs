//! Reads kong configuration into edge routes. (Being written.)

use super::k8s::Object;
use super::{Facts, Input};

/// Extracts the routes of one file.
pub fn extract(_input: Input<'_>) -> Facts {
    Facts::default()
}

/// Reads one Kubernetes custom resource of this router.
pub fn crd(_input: Input<'_>, _obj: &Object<'_>, _facts: &mut Facts) {}
