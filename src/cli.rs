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
    /// Follow one request hop by hop: which route of which file catches it, and what path it
    /// leaves with (`routelint trace PATCH /blog/api/posts/5`).
    Trace(TraceArgs),
    /// Print every component's route table in the order its router matches.
    Routes(RoutesArgs),
    /// List every client call read from frontend code: method, path template, location,
    /// client, and why when it could not be resolved.
    Calls(CallsArgs),
    /// Draw the components and the routes between them (Mermaid or Graphviz DOT).
    Graph(GraphArgs),
    /// Which routes no client call reaches, and which endpoints nothing from the edge reaches.
    Coverage(CoverageArgs),
    /// Run a YAML file of requests with expected outcomes against the repository's routes.
    Test(TestArgs),
    /// Write a starter routelint.toml with what routelint infers from the repository.
    Init(InitArgs),
    /// List the deployments (kustomize overlays), how each was found, which CD object deploys
    /// it, and which is the default.
    Deployments(DeploymentsArgs),
}

#[derive(Debug, clap::Args)]
pub struct DeploymentsArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The repository root (default: the current directory); routelint.toml is written there.
    pub path: Option<PathBuf>,
    /// Overwrite an existing routelint.toml.
    #[arg(long)]
    pub force: bool,
}

/// The repository to read: shared by every command that builds the graph.
#[derive(Debug, Clone, clap::Args)]
pub struct RepoArgs {
    /// Files or directories to read (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Configuration file (default: routelint.toml at the checked root).
    #[arg(long, env = "ROUTELINT_CONFIG")]
    pub config: Option<PathBuf>,
    /// The deployment to check and show (its directory, the path of it, its last directory
    /// name, or the CD object that deploys it; default: the one the repository's CD deploys).
    /// `routelint deployments` lists them.
    #[arg(long, value_name = "NAME|PATH")]
    pub deployment: Option<String>,
}

/// Text or JSON, for the commands that show the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// HTTP method (`GET`, `PATCH`, …).
    pub method: String,
    /// Path or URL (`/blog/api/posts/5?x=1`, `https://blog.example.com/blog/api/posts`).
    pub url: String,
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Start at this component instead of the edge.
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub struct RoutesArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Only this component.
    #[arg(long)]
    pub component: Option<String>,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub struct CallsArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Exit 1 when route or endpoint coverage is below this percentage.
    #[arg(long, value_name = "PCT")]
    pub fail_under: Option<f64>,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The route-test file (YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub repo: RepoArgs,
    #[arg(long, value_enum, default_value_t = ViewFormat::Human)]
    pub format: ViewFormat,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Also report dead routes and unreachable endpoints (info), with coverage percentages.
    #[arg(long)]
    pub coverage: bool,
    /// With --coverage: exit 1 when route or endpoint coverage is below this percentage.
    #[arg(long, value_name = "PCT", requires = "coverage")]
    pub fail_under: Option<f64>,
    /// Exit 1 only for findings that predict one of these statuses (`404,405`).
    #[arg(long, value_delimiter = ',', value_name = "STATUS,...")]
    pub fail_on_status: Vec<u16>,
    /// Also list the calls routelint could not check, and why.
    #[arg(long)]
    pub show_unresolved: bool,
    /// Also list what was not read and why: FIFOs, sockets and devices, symbolic links,
    /// unreadable files and directories, files over the size limit.
    #[arg(long)]
    pub show_skipped: bool,
    /// When to use colors (`auto`: on a terminal, unless NO_COLOR; CLICOLOR_FORCE forces them).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to FILE instead of standard output (atomically).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print only the findings: no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print how many findings each rule has, instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Report only findings that touch files changed in git (staged, unstaged or untracked);
    /// the whole repository is still analysed.
    #[arg(long)]
    pub changed: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
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
