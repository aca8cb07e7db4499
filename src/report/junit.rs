//! junit output. (Being written.)

use crate::check::Analysis;
use crate::finding::Finding;

/// Renders the findings of an analysis.
pub fn render(_analysis: &Analysis, _findings: &[Finding]) -> String {
    String::new()
}
