//! Output formats: one file each, all fed the same findings and source text.

pub mod human;
pub mod json;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}
