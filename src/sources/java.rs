//! Java sources: Spring controllers ([`super::spring_mvc`]) and Spring Cloud Gateway
//! `RouteLocatorBuilder` routes ([`super::spring_dsl`]).

use super::{Facts, Input};

/// Reads one Java file with every Java reader.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = super::spring_mvc::extract(input);
    facts.merge(super::spring_dsl::extract(input));
    facts
}

/// Whether a Java file may declare routes (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "Mapping",
        "@RestController",
        "@Controller",
        "RouteLocator",
        "ErrorWebExceptionHandler",
        "ControllerAdvice",
        "ResponseEntityExceptionHandler",
    ]
    .iter()
    .any(|t| text.contains(t))
}
