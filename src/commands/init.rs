//! `routelint init`. (Being written.)

use crate::cli::InitArgs;

pub fn run(_args: &InitArgs) -> u8 {
    crate::run::EXIT_USAGE
}
