//! `routelint graph`: components and the routes between them as Mermaid or Graphviz DOT.
//! (Being written.)

use crate::check::Analysis;
use crate::cli::GraphArgs;

pub fn run(_args: &GraphArgs, _analysis: &Analysis) -> u8 {
    crate::run::EXIT_USAGE
}
