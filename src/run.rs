//! Runs a parsed command line: loads the configuration, calls the library, prints, and says
//! which exit code the result deserves. The binary maps that to the process exit.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::check::Analysis;
use crate::check::{self, CheckError, Options};
use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, RepoArgs};
use crate::commands;
use crate::config::{Config, ConfigError};
use crate::finding::Severity;
use crate::report::{self, Format};
use crate::rules::{RULES, find_rule};

/// Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage/config/no input.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Trace(args) => with_repo(&args.repo, false, |a| commands::trace::run(&args, a)),
        Command::Routes(args) => with_repo(&args.repo, false, |a| commands::routes::run(&args, a)),
        Command::Graph(args) => with_repo(&args.repo, false, |a| commands::graph::run(&args, a)),
        Command::Coverage(args) => {
            with_repo(&args.repo, true, |a| commands::coverage::run(&args, a))
        }
        Command::Test(args) => {
            with_repo(&args.repo, false, |a| commands::route_test::run(&args, a))
        }
        Command::Explain { rule } => match find_rule(&rule) {
            Some(r) => {
                let m = r.meta();
                let status = m
                    .status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "none".to_owned());
                println!("{} ({}): {}", m.name, m.code, m.title);
                println!(
                    "default severity: {} · predicted status: {status}\n",
                    m.severity
                );
                print!(
                    "{}",
                    m.docs
                        .lines()
                        .map(|l| l.strip_prefix(' ').unwrap_or(l))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                println!();
                EXIT_OK
            }
            None => {
                let names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
                let best = names.iter().max_by(|a, b| {
                    strsim::jaro_winkler(&rule, a).total_cmp(&strsim::jaro_winkler(&rule, b))
                });
                eprintln!("error: no rule named `{rule}`");
                if let Some(b) = best.filter(|b| strsim::jaro_winkler(&rule, b) > 0.8) {
                    eprintln!("help: did you mean `{b}`?");
                }
                eprintln!("rules: {}", names.join(", "));
                EXIT_USAGE
            }
        },
        Command::Rules => {
            for r in RULES {
                let m = r.meta();
                let status = m
                    .status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".to_owned());
                println!(
                    "{:<7} {:<22} {:<8} {:<4} {}",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    status,
                    m.title
                );
            }
            EXIT_OK
        }
    }
}

/// Reads the repository (configuration included) or says why not, with exit code 2.
pub fn load(repo: &RepoArgs, coverage: bool) -> Result<(Analysis, Config), u8> {
    let roots: Vec<PathBuf> = if repo.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        repo.paths.clone()
    };
    let config = match load_config(repo, &roots) {
        Ok(c) => c,
        Err(e) => {
            report_config_error(e);
            return Err(EXIT_USAGE);
        }
    };
    let opts = Options {
        roots,
        config,
        coverage,
    };
    match check::check(&opts) {
        Ok(a) => Ok((a, opts.config)),
        Err(e @ (CheckError::MissingRoot(_) | CheckError::NoInputs(_))) => {
            eprintln!("routelint: error: {e}");
            Err(EXIT_USAGE)
        }
    }
}

fn with_repo(repo: &RepoArgs, coverage: bool, f: impl FnOnce(&Analysis) -> u8) -> u8 {
    match load(repo, coverage) {
        Ok((a, _)) => f(&a),
        Err(code) => code,
    }
}

/// Colors when stdout is a terminal and `NO_COLOR` is unset or empty.
pub fn auto_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn run_check(args: CheckArgs) -> u8 {
    let (analysis, config) = match load(&args.repo, args.coverage) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let fail_on = match (args.fail_on, config.fail_on.as_deref()) {
        (Some(FailOn::Error), _) => Severity::Error,
        (Some(FailOn::Warning), _) => Severity::Warning,
        (Some(FailOn::Info), _) => Severity::Info,
        (None, Some(s)) => Severity::parse(s).unwrap_or(Severity::Error),
        (None, None) => Severity::Error,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(),
    };
    let text = match args.format {
        Format::Human => report::human::render(
            &analysis.findings,
            &analysis.sources,
            &analysis.summary,
            report::human::Options {
                color,
                show_info: args.show_unresolved || fail_on == Severity::Info || args.coverage,
            },
        ),
        Format::Json => report::json::render(
            &analysis.findings,
            &analysis.sources,
            &analysis.summary,
            analysis.coverage.as_ref(),
        ),
    };
    emit(&text);
    if let Some(cov) = &analysis.coverage
        && args.format == Format::Human
    {
        emit(&format!("{}\n", cov.line()));
    }
    if let (Some(cov), Some(pct)) = (&analysis.coverage, args.fail_under)
        && commands::coverage::below(cov, pct)
    {
        return EXIT_FINDINGS;
    }
    if analysis.findings.iter().any(|f| f.severity >= fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn load_config(repo: &RepoArgs, roots: &[PathBuf]) -> Result<Config, ConfigError> {
    if let Some(p) = &repo.config {
        return Config::load(p);
    }
    let base = crate::discover::base_of(roots);
    let default = base.join("routelint.toml");
    if default.is_file() {
        Config::load(&default)
    } else {
        Ok(Config::default())
    }
}

fn report_config_error(e: ConfigError) {
    match e {
        ConfigError::Read { .. } => eprintln!("routelint: error: {e}"),
        ConfigError::Invalid {
            path,
            text,
            message,
            span,
        } => {
            let report = miette::miette!(
                labels = span
                    .map(|s| vec![miette::LabeledSpan::at(s, message.clone())])
                    .unwrap_or_default(),
                "invalid configuration: {message}"
            )
            .with_source_code(miette::NamedSource::new(path.display().to_string(), text));
            eprintln!("{report:?}");
        }
    }
}
