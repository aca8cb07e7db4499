//! `routelint trace METHOD URL`. (Being written.)

use crate::check::Analysis;
use crate::cli::TraceArgs;

pub fn run(_args: &TraceArgs, _analysis: &Analysis) -> u8 {
    crate::run::EXIT_USAGE
}
