//! The counts of a check (files by kind, calls, routes, endpoints, findings by severity,
//! unresolved calls), for the summary line and the JSON `summary`. Counts only.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};

/// Counts for the summary line and the JSON `summary`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub files: usize,
    pub files_by_kind: BTreeMap<&'static str, usize>,
    pub templated: usize,
    /// What was not read that a user may expect read, and why (display path, reason):
    /// non-regular files, symbolic links, unreadable entries, files over the size limit.
    pub skipped: Vec<(String, String)>,
    pub calls: usize,
    pub routes: usize,
    pub endpoints: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub unresolved: usize,
    /// Endpoints declared in code whose path could not be resolved statically.
    pub unresolved_endpoints: usize,
    /// Kustomize deployments checked separately (0 when the repository is one deployment).
    pub deployments: usize,
    /// The deployment the counts are of, when the repository's CD says which is deployed.
    pub default_deployment: Option<String>,
}

impl Summary {
    /// Recounts findings by severity after some were filtered out (focus, baseline).
    pub fn recount(&mut self, findings: &[Finding]) {
        self.errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
        self.infos = findings
            .iter()
            .filter(|f| f.severity == Severity::Info)
            .count();
    }
}
