//! `routelint coverage`. (Being written.)

use crate::check::Analysis;
use crate::cli::CoverageArgs;

pub fn run(_args: &CoverageArgs, _analysis: &Analysis) -> u8 {
    crate::run::EXIT_USAGE
}
