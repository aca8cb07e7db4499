//! One client call and what became of it: its request, its trace and, when it fails, the
//! diagnosis. Data only; [`crate::rules::context`] computes it.

use crate::model::graph::CallId;
use crate::rules::diagnose::Diagnosis;
use crate::sim::{Request, Trace};

/// One client call and what became of it.
#[derive(Debug)]
pub struct CallResult {
    pub call: CallId,
    pub request: Option<Request>,
    pub trace: Option<Trace>,
    pub diagnosis: Option<Diagnosis>,
    /// Why the call could not be checked, when it could not.
    pub unresolved: Option<String>,
}
