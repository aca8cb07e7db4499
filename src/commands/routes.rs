//! `routelint routes`: every component's route table in match order. (Being written.)

use crate::check::Analysis;
use crate::cli::RoutesArgs;

pub fn run(_args: &RoutesArgs, _analysis: &Analysis) -> u8 {
    crate::run::EXIT_USAGE
}
