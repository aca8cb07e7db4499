//! `routelint test FILE`: requests with expected outcomes, run against the graph. (Being written.)

use crate::check::Analysis;
use crate::cli::TestArgs;

pub fn run(_args: &TestArgs, _analysis: &Analysis) -> u8 {
    crate::run::EXIT_USAGE
}
