//! `routelint coverage`: the coverage numbers and the routes and endpoints behind them. Prints;
//! decides only whether `--fail-under` is met.

use crate::check::Analysis;
use crate::cli::{CoverageArgs, ViewFormat};
use crate::coverage::Coverage;
use crate::finding::Severity;
use crate::report;
use crate::run::{EXIT_FINDINGS, EXIT_OK, emit};

/// Whether either percentage is below `pct` (an unmeasurable one does not count).
pub fn below(cov: &Coverage, pct: f64) -> bool {
    cov.route_percent().is_some_and(|p| p < pct) || cov.endpoint_percent().is_some_and(|p| p < pct)
}

pub fn run(args: &CoverageArgs, analysis: &Analysis) -> u8 {
    let Some(cov) = &analysis.coverage else {
        return EXIT_OK;
    };
    let findings: Vec<_> = analysis
        .findings
        .iter()
        .filter(|f| matches!(f.rule, "dead-route" | "unreachable-endpoint"))
        .cloned()
        .collect();
    match args.format {
        ViewFormat::Json => {
            let mut v = report::json::coverage_json(cov);
            v["findings"] = serde_json::Value::Array(
                findings
                    .iter()
                    .map(|f| report::json::finding(f, &analysis.sources))
                    .collect(),
            );
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        ViewFormat::Human => {
            let mut summary = analysis.summary.clone();
            summary.errors = 0;
            summary.warnings = 0;
            summary.infos = findings
                .iter()
                .filter(|f| f.severity == Severity::Info)
                .count();
            let text = report::human::render(
                &findings,
                &analysis.sources,
                &summary,
                report::human::Options {
                    color: crate::run::auto_color(),
                    show_info: true,
                    show_skipped: false,
                },
            );
            emit(&text);
            emit(&format!("{}\n", cov.line()));
        }
    }
    match args.fail_under {
        Some(pct) if below(cov, pct) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
