//! The path/method model: paths and matchers, the component graph, and how layers link.

pub mod errors;
pub mod graph;
pub mod method;
pub mod path;
pub mod settings;
pub mod topology;
