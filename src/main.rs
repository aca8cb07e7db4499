//! The `routelint` binary: parse arguments, run, exit with the code the run asks for.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = routelint::cli::Cli::parse();
    ExitCode::from(routelint::run::run(cli))
}
