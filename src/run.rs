//! Runs a parsed command line: loads the configuration, calls the library, prints, and says
//! which exit code the result deserves. The binary maps that to the process exit.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::baseline;
use crate::check::Analysis;
use crate::check::{self, CheckError, Options};
use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, RepoArgs};
use crate::commands;
use crate::config::{Config, ConfigError};
use crate::finding::{Finding, Meta, Severity};
use crate::report::junit::CheckedCall;
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
        Command::Calls(args) => with_repo(&args.repo, false, |a| commands::calls::run(&args, a)),
        Command::Graph(args) => with_repo(&args.repo, false, |a| commands::graph::run(&args, a)),
        Command::Coverage(args) => {
            with_repo(&args.repo, true, |a| commands::coverage::run(&args, a))
        }
        Command::Init(args) => commands::init::run(&args),
        Command::Deployments(args) => {
            with_repo(&args.repo, false, |a| commands::deployments::run(&args, a))
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
        deployment: repo.deployment.clone(),
    };
    match check::check(&opts) {
        Ok(a) => Ok((a, opts.config)),
        Err(
            e @ (CheckError::MissingRoot(_)
            | CheckError::NoInputs(_)
            | CheckError::Unreadable(_)
            | CheckError::UnknownDeployment { .. }),
        ) => {
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

/// Colors on a terminal; never when `NO_COLOR` is set (non-empty); always when
/// `CLICOLOR_FORCE` is set to anything but `0`.
pub fn auto_color() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if set("CLICOLOR_FORCE") && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    std::io::stdout().is_terminal()
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn run_check(mut args: CheckArgs) -> u8 {
    // Files given as paths (pre-commit passes them) are a focus, not the whole repository:
    // the graph still needs every layer, so the directory around them is read.
    let focus = split_focus(&mut args.repo);
    let (mut analysis, config) = match load(&args.repo, args.coverage) {
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
    let mut focus = focus;
    if args.changed {
        match git_changed(&analysis.base) {
            Ok(files) => focus.get_or_insert_with(Vec::new).extend(files),
            Err(e) => {
                eprintln!("routelint: error: --changed needs git: {e}");
                return EXIT_USAGE;
            }
        }
    }
    let mut findings = std::mem::take(&mut analysis.findings);
    if let Some(files) = &focus {
        findings.retain(|f| touches(f, &analysis.sources, files));
    }
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &findings, &analysis.sources) {
            Ok(()) => {
                eprintln!(
                    "routelint: recorded {} finding{} in {}",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" },
                    path.display()
                );
                EXIT_OK
            }
            Err(e) => {
                eprintln!("routelint: error: {e}");
                EXIT_USAGE
            }
        };
    }
    let mut baseline_note = None;
    if let Some(path) = &args.baseline {
        let base = match baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("routelint: error: {e}");
                return EXIT_USAGE;
            }
        };
        let filtered = baseline::filter(findings, &base);
        baseline_note = Some(format!(
            "{} baselined, {} baseline entr{} no longer occur{}",
            filtered.baselined,
            filtered.stale,
            if filtered.stale == 1 { "y" } else { "ies" },
            if filtered.stale == 1 { "s" } else { "" }
        ));
        findings = filtered.kept;
    }
    analysis.summary.recount(&findings);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(),
    };
    let mut text = if args.statistics {
        statistics(&findings)
    } else {
        render(&args, &analysis, &findings, color, fail_on)
    };
    if args.format == Format::Human && !args.quiet {
        if let Some(cov) = &analysis.coverage {
            text.push_str(&format!("{}\n", cov.line()));
        }
        if let Some(note) = &baseline_note {
            text.push_str(&format!("baseline: {note}\n"));
        }
    }
    match &args.output {
        Some(path) => {
            if let Err(e) = crate::atomic_write::write(path, text.as_bytes()) {
                eprintln!("routelint: error: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => emit(&text),
    }
    if let (Some(cov), Some(pct)) = (&analysis.coverage, args.fail_under)
        && commands::coverage::below(cov, pct)
    {
        return EXIT_FINDINGS;
    }
    let failing = if args.fail_on_status.is_empty() {
        findings.iter().any(|f| f.severity >= fail_on)
    } else {
        findings
            .iter()
            .any(|f| f.status.is_some_and(|s| args.fail_on_status.contains(&s)))
    };
    if failing { EXIT_FINDINGS } else { EXIT_OK }
}

fn render(
    args: &CheckArgs,
    analysis: &Analysis,
    findings: &[Finding],
    color: bool,
    fail_on: Severity,
) -> String {
    match args.format {
        Format::Human => {
            let mut text = report::human::render(
                findings,
                &analysis.sources,
                &analysis.summary,
                report::human::Options {
                    color,
                    show_info: args.show_unresolved || fail_on == Severity::Info || args.coverage,
                    show_skipped: args.show_skipped,
                },
            );
            if args.quiet {
                // Findings only: drop the summary line.
                if let Some(i) = text.trim_end_matches('\n').rfind('\n') {
                    text.truncate(i + 1);
                } else {
                    text.clear();
                }
            }
            text
        }
        Format::Json => report::json::render(
            findings,
            &analysis.sources,
            &analysis.summary,
            analysis.coverage.as_ref(),
        ),
        Format::Concise => report::concise::render(&analysis.sources, findings),
        Format::Sarif => {
            let rules: Vec<&Meta> = crate::rules::RULES.iter().map(|r| r.meta()).collect();
            report::sarif::render(&analysis.sources, &analysis.base, &rules, findings)
        }
        Format::Github => report::github::render(&analysis.sources, findings),
        Format::Junit => {
            let calls: Vec<CheckedCall> = analysis
                .results
                .iter()
                .map(|r| CheckedCall {
                    span: analysis.graph.call(r.call).fact.span,
                    request: r.request.as_ref().map(ToString::to_string),
                    client: analysis.graph.call(r.call).fact.client.to_string(),
                    unresolved: r.unresolved.clone(),
                })
                .collect();
            report::junit::render(&analysis.sources, &calls, findings)
        }
        Format::Gitlab => report::gitlab::render(&analysis.sources, findings),
    }
}

/// `--statistics`: findings per rule, most first.
fn statistics(findings: &[Finding]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for f in findings {
        *counts.entry((f.code, f.rule)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.iter()
        .map(|((code, rule), n)| format!("{n:>5}  {code:<6} {rule}\n"))
        .collect()
}

/// Takes the regular files out of the paths: they become the focus, and their directory (or
/// the current one) is what is read.
fn split_focus(repo: &mut RepoArgs) -> Option<Vec<PathBuf>> {
    let (files, dirs): (Vec<PathBuf>, Vec<PathBuf>) =
        repo.paths.iter().cloned().partition(|p| p.is_file());
    if files.is_empty() {
        return None;
    }
    repo.paths = if dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        dirs
    };
    let abs = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    // `..` and links resolved: `here/../there/b.js` is not under `here`.
    let real = |p: &PathBuf| std::fs::canonicalize(p).unwrap_or_else(|_| abs(p));
    let roots: Vec<PathBuf> = repo.paths.iter().map(real).collect();
    let files: Vec<PathBuf> = files.iter().map(abs).collect();
    // A file outside what is read would focus on nothing: say so rather than report nothing.
    for f in &files {
        if !roots.iter().any(|r| real(f).starts_with(r)) {
            let shown: Vec<String> = repo.paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!(
                "routelint: note: {} is outside the checked directory ({}): it is not read and no finding can point at it; give its directory to check it",
                f.display(),
                shown.join(", ")
            );
        }
    }
    Some(files)
}

/// Files git reports as changed: staged, unstaged and untracked (absolute paths).
fn git_changed(base: &std::path::Path) -> Result<Vec<PathBuf>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(base)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?.trim());
    let mut files = Vec::new();
    for args in [
        &["diff", "--name-only", "--cached"][..],
        &["diff", "--name-only"][..],
        &["ls-files", "--others", "--exclude-standard"][..],
    ] {
        files.extend(
            git(args)?
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| top.join(l)),
        );
    }
    Ok(files)
}

/// Whether a finding's primary or related locations are in one of the files.
fn touches(f: &Finding, sources: &crate::source_file::SourceMap, files: &[PathBuf]) -> bool {
    std::iter::once(&f.primary).chain(&f.related).any(|l| {
        sources.get(l.span.file).is_some_and(|sf| {
            let abs = std::path::absolute(&sf.path).unwrap_or_else(|_| sf.path.clone());
            files.contains(&abs)
        })
    })
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
