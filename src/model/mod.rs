//! The path/method model: paths and matchers, the component graph, and how layers link.

pub mod method;
pub mod path;
