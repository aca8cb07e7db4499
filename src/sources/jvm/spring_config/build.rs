//! Build files (`pom.xml`, `build.gradle(.kts)`): the Spring Cloud Gateway version a project
//! builds with, from the version it pins, its Spring Cloud release train, or (weakest) its
//! Spring Boot version. Text search, no XML or Groovy parser: what it does not find stays
//! unknown.

/// The library name versions are recorded under.
pub const GATEWAY: &str = "spring-cloud-gateway";

/// The gateway version of a Spring Cloud release train (`2023.0.1`, `Hoxton.SR12`).
pub fn train_to_gateway(train: &str) -> Option<(u32, u32)> {
    let t = train.trim();
    let named = [
        ("Finchley", (2, 0)),
        ("Greenwich", (2, 1)),
        ("Hoxton", (2, 2)),
        ("Ilford", (3, 0)),
        ("Jubilee", (3, 1)),
        ("Kilburn", (4, 0)),
        ("Leyton", (4, 1)),
        ("Moorgate", (4, 2)),
        ("Northfields", (4, 3)),
        ("Oakwood", (5, 0)),
    ];
    if let Some((_, v)) = named.iter().find(|(n, _)| t.starts_with(n)) {
        return Some(*v);
    }
    let mut it = t.split(['.', '-']);
    let year: u32 = it.next()?.parse().ok()?;
    let minor: u32 = it.next()?.parse().ok()?;
    Some(match (year, minor) {
        (2020, _) => (3, 0),
        (2021, _) => (3, 1),
        (2022, _) => (4, 0),
        (2023, _) => (4, 1),
        (2024, _) => (4, 2),
        (2025, 0) => (4, 3),
        (2025, _) => (5, 0),
        (y, _) if y > 2025 => (5, 0),
        _ => return None,
    })
}

/// The gateway version of the release train that supports a Spring Boot version.
pub fn boot_to_gateway(boot: &str) -> Option<(u32, u32)> {
    let (major, minor) = major_minor(boot)?;
    Some(match (major, minor) {
        (2, 0) => (2, 0),
        (2, 1) => (2, 1),
        (2, 2) | (2, 3) => (2, 2),
        (2, 4) | (2, 5) => (3, 0),
        (2, 6) | (2, 7) => (3, 1),
        (3, 0) | (3, 1) => (4, 0),
        (3, 2) | (3, 3) => (4, 1),
        (3, 4) => (4, 2),
        (3, 5) => (4, 3),
        (m, _) if m >= 4 => (5, 0),
        _ => return None,
    })
}

fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().split(['.', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The Spring Boot version a build file pins (the `spring-boot-starter-parent` parent, the
/// Gradle plugin), for the Spring MVC trailing-slash rules.
pub fn boot_version(text: &str) -> Option<(u32, u32)> {
    let props = properties(text);
    let v = version_after(text, "spring-boot-starter-parent")
        .or_else(|| version_after(text, "spring-boot-dependencies"))
        .or_else(|| version_after(text, "org.springframework.boot\" version"))
        .or_else(|| version_after(text, "org.springframework.boot' version"))
        .or_else(|| version_after(text, "org.springframework.boot\") version"))?;
    let v = v.trim();
    let v = match v.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
        Some(name) => props.iter().find(|(k, _)| k == name)?.1.clone(),
        None => v.to_owned(),
    };
    major_minor(&v)
}

/// Finds the gateway version a build file implies.
pub fn gateway_version(text: &str) -> Option<(u32, u32)> {
    let props = properties(text);
    let resolve = |v: &str| -> String {
        let v = v.trim();
        let name = v
            .strip_prefix("${")
            .and_then(|s| s.strip_suffix('}'))
            .or_else(|| v.strip_prefix('$'));
        match name {
            Some(n) => props
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, x)| x.clone())
                .unwrap_or_default(),
            None => v.to_owned(),
        }
    };
    // 1. A gateway artifact with an explicit version.
    for artifact in [
        "spring-cloud-starter-gateway-server-webflux",
        "spring-cloud-starter-gateway-server-webmvc",
        "spring-cloud-starter-gateway-mvc",
        "spring-cloud-starter-gateway",
        "spring-cloud-gateway-server",
    ] {
        if let Some(v) = version_after(text, artifact).map(|v| resolve(&v))
            && let Some(mm) = major_minor(&v)
        {
            return Some(mm);
        }
    }
    // 2. The release train: spring-cloud-dependencies' version or a springCloudVersion
    //    property.
    let train = version_after(text, "spring-cloud-dependencies")
        .map(|v| resolve(&v))
        .filter(|v| !v.is_empty())
        .or_else(|| {
            props
                .iter()
                .find(|(k, _)| k == "spring-cloud.version" || k == "springCloudVersion")
                .map(|(_, v)| v.clone())
        });
    if let Some(v) = train.as_deref().and_then(train_to_gateway) {
        return Some(v);
    }
    // 3. The Spring Boot version (parent POM or Gradle plugin).
    let boot = version_after(text, "spring-boot-starter-parent")
        .or_else(|| version_after(text, "org.springframework.boot\" version"))
        .or_else(|| version_after(text, "org.springframework.boot' version"))
        .or_else(|| version_after(text, "org.springframework.boot\") version"))
        .map(|v| resolve(&v))?;
    boot_to_gateway(&boot)
}

/// `<name>value</name>` pairs (Maven properties) and `name = "value"` / `set("name", "value")`
/// (Gradle).
fn properties(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(start) = text.find("<properties>") {
        let end = text[start..]
            .find("</properties>")
            .map(|e| start + e)
            .unwrap_or(text.len());
        let mut rest = &text[start + "<properties>".len()..end];
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('>') else { break };
            let name = &after[..close];
            let body = &after[close + 1..];
            let end_tag = format!("</{name}>");
            match body.find(&end_tag) {
                Some(e) if !name.starts_with(['/', '!', '?']) => {
                    out.push((name.to_owned(), body[..e].trim().to_owned()));
                    rest = &body[e + end_tag.len()..];
                }
                _ => rest = body,
            }
        }
    }
    // Gradle: `springCloudVersion = '…'`, `set("springCloudVersion", "…")`,
    // `extra["springCloudVersion"] = "…"`.
    if let Ok(re) = regex::Regex::new(
        r#"["']?([A-Za-z][\w.\-]*)["']?\]?\s*[=,]\s*["']([0-9A-Za-z][\w.\-]*)["']"#,
    ) {
        for c in re.captures_iter(text) {
            out.push((c[1].to_owned(), c[2].to_owned()));
        }
    }
    out
}

/// The version written after an artifact name: Maven `<artifactId>a</artifactId>` followed by
/// `<version>v</version>` within the same dependency, or a Gradle coordinate `a:v` / plugin
/// `"a" version "v"`.
fn version_after(text: &str, artifact: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = text[from..].find(artifact) {
        let at = from + i + artifact.len();
        from = at;
        let rest = &text[at..];
        if let Some(r) = rest.strip_prefix("</artifactId>") {
            let block_end = r
                .find("</dependency>")
                .or_else(|| r.find("</parent>"))
                .unwrap_or(r.len());
            let block = &r[..block_end];
            if let Some(v) = block.find("<version>") {
                let after = &block[v + "<version>".len()..];
                if let Some(e) = after.find("</version>") {
                    return Some(after[..e].trim().to_owned());
                }
            }
            continue;
        }
        if let Some(r) = rest.strip_prefix(':') {
            let v: String = r
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ')' | ':' | '@') && !c.is_whitespace())
                .collect();
            if !v.is_empty() {
                return Some(v);
            }
        }
        // Gradle plugin: `id("org.springframework.boot") version "3.2.0"` (artifact includes
        // the quote and `version`).
        if artifact.ends_with("version") {
            let v: String = rest
                .trim_start()
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\''))
                .collect();
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_files_give_the_gateway_version() {
        let table = [
            (
                "<properties><spring-cloud.version>2023.0.1</spring-cloud.version></properties>\n<artifactId>spring-cloud-dependencies</artifactId>\n<version>${spring-cloud.version}</version>",
                Some((4, 1)),
            ),
            (
                "<parent><artifactId>spring-boot-starter-parent</artifactId><version>3.4.1</version></parent>",
                Some((4, 2)),
            ),
            (
                "<dependency><artifactId>spring-cloud-starter-gateway</artifactId><version>3.1.9</version></dependency>",
                Some((3, 1)),
            ),
            (
                "ext { set('springCloudVersion', \"2025.1.0\") }\nmavenBom \"org.springframework.cloud:spring-cloud-dependencies:${springCloudVersion}\"",
                Some((5, 0)),
            ),
            (
                "implementation(platform(\"org.springframework.cloud:spring-cloud-dependencies:2022.0.4\"))",
                Some((4, 0)),
            ),
            (
                "id 'org.springframework.boot' version '2.7.18'",
                Some((3, 1)),
            ),
            ("ext { springCloudVersion = 'Hoxton.SR12' }", Some((2, 2))),
            ("<project></project>", None),
        ];
        for (text, want) in table {
            assert_eq!(gateway_version(text), want, "{text}");
        }
    }

    #[test]
    fn build_files_give_the_spring_boot_version() {
        let table = [
            (
                "<parent><artifactId>spring-boot-starter-parent</artifactId><version>3.2.4</version></parent>",
                Some((3, 2)),
            ),
            (
                "id 'org.springframework.boot' version '2.7.18'",
                Some((2, 7)),
            ),
            (
                "plugins { id(\"org.springframework.boot\") version \"3.3.0\" }",
                Some((3, 3)),
            ),
            (
                "<properties><boot.version>3.1.2</boot.version></properties><artifactId>spring-boot-dependencies</artifactId><version>${boot.version}</version>",
                Some((3, 1)),
            ),
            // A module whose parent is the aggregator POM: the version is the parent's.
            (
                "<parent><artifactId>spring-petclinic-microservices</artifactId><version>3.2.4</version></parent>",
                None,
            ),
        ];
        for (text, want) in table {
            assert_eq!(boot_version(text), want, "{text}");
        }
    }
}
