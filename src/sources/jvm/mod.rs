//! The JVM languages: Java and Kotlin sources dispatched to their readers, and Spring Boot
//! configuration.

pub mod java;
pub mod kotlin;
pub mod spring_config;

use crate::sources::facts::Facts;
use crate::sources::gateway::spring_dsl;
use crate::sources::input::Input;
use crate::sources::service::spring_mvc;

/// Reads one Java file with every Java reader (Spring controllers, Spring Cloud Gateway
/// `RouteLocatorBuilder` routes), parsed once.
pub fn extract_java(input: Input<'_>) -> Facts {
    java::read_with(input, &[spring_mvc::read, spring_dsl::read])
}
