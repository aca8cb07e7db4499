//! Command-line definitions (clap). No behaviour here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "routelint",
    version,
    about = "Finds the requests that will get 404 or 405 between your frontend, edge routers, gateways and services.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a repository: trace every client call through every routing layer.
    Check(CheckArgs),
    /// Print a rule's documentation (`routelint explain missing-prefix`).
    Explain {
        /// Rule name or code (`missing-prefix`, `RL101`).
        rule: String,
    },
    /// List every rule with its code, severity and predicted status.
    Rules,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Configuration file (default: routelint.toml at the checked root).
    #[arg(long, env = "ROUTELINT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Also list the calls routelint could not check, and why.
    #[arg(long)]
    pub show_unresolved: bool,
    /// When to use colors (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
