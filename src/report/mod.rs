//! Output formats: one file each, all fed the same findings and source text.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod summary;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style, with snippets from both ends (default).
    Human,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
    /// RFC 9457 problem details.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML: one test case per checked call.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}
