//! The CI output formats of `check`: concise, SARIF, GitHub workflow commands, JUnit XML and
//! GitLab Code Quality. Snapshots of each on the broken blog platform; the SARIF log validated
//! by Microsoft's SARIF Multitool (the validator GitHub's ingestion rules ship in), the JUnit
//! document by xmllint; escaping and fingerprint uniqueness checked on fixtures built here.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_json, fixture, routelint};
use routelint::rules::RULES;
use serde_json::{Value, json};

/// Runs `check --format FORMAT` on a directory and returns its standard output.
fn check(format: &str, dir: &Path) -> String {
    let run = routelint(&["check", "--format", format, path_str(dir)]);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    run.stdout
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A fresh directory for a fixture built by a test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formats")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write fixture file");
}

/// Whether CI runs this (then a missing validator is a failure, not a skip).
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

// ---- concise ----

#[test]
fn concise_snapshot() {
    let out = check("concise", &fixture("blog-platform-broken"));
    insta::assert_snapshot!("concise_blog_platform_broken", out);
}

#[test]
fn concise_has_one_line_per_finding() {
    let dir = fixture("blog-platform-broken");
    let (_, v) = check_json(&dir);
    let out = check("concise", &dir);
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(out.lines().count(), findings.len());
    for (line, f) in out.lines().zip(findings) {
        let want = format!(
            "{}: {}[{}] {}",
            f["instance"].as_str().unwrap_or(""),
            f["severity"].as_str().unwrap_or(""),
            f["rule"].as_str().unwrap_or(""),
            f["message"].as_str().unwrap_or("")
        );
        assert_eq!(line, want);
    }
}

// ---- GitHub workflow commands ----

#[test]
fn github_snapshot() {
    let out = check("github", &fixture("blog-platform-broken"));
    insta::assert_snapshot!("github_blog_platform_broken", out);
}

/// Undoes the runner's escaping of a property value or of the message.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Splits `::level k=v,k=v::message` into its level, properties and message, as the runner
/// does: the properties end at the first `::`, each ends at the next `,`.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("has a message");
    let (level, props) = head.split_once(' ').expect("has properties");
    let props = props
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_owned(), v.to_owned())
        })
        .collect();
    (level.to_owned(), props, message.to_owned())
}

#[test]
fn github_escapes_percent_colon_comma_and_newlines() {
    // A file whose name holds `%`, `,` and `:` and whose parse error spans lines of message.
    let dir = scratch("github-escaping");
    let broken = std::fs::read_to_string(fixture("rules/parse-error/triggers/deploy/broken.yaml"))
        .expect("read fixture");
    write(&dir, "deploy/100%,a:b.yaml", &broken);
    let (_, v) = check_json(&dir);
    let finding = &v["findings"][0];
    assert_eq!(finding["rule"], "parse-error", "{v:#}");
    let out = check("github", &dir);
    assert_eq!(out.lines().count(), 1, "{out}");
    let line = out.lines().next().unwrap_or_default();
    assert!(!line.contains('\r'));
    assert!(
        line.contains("file=deploy/100%25%2Ca%3Ab.yaml,"),
        "file not escaped: {line}"
    );
    assert!(line.contains("title=routelint%3A parse-error::"), "{line}");

    let (level, props, message) = parse_command(line);
    assert_eq!(level, "warning");
    let prop = |k: &str| {
        props
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| unescape(v))
            .unwrap_or_else(|| panic!("no {k} in {line}"))
    };
    assert_eq!(prop("file"), "deploy/100%,a:b.yaml");
    assert_eq!(prop("title"), "routelint: parse-error");
    let location = finding["location"].clone();
    assert_eq!(prop("line"), location["line"].to_string());
    assert_eq!(prop("col"), location["column"].to_string());
    assert_eq!(prop("endLine"), location["end_line"].to_string());
    assert_eq!(prop("endColumn"), location["end_column"].to_string());
    let want = format!(
        "{}\n{}",
        finding["message"].as_str().unwrap_or(""),
        finding["detail"].as_str().unwrap_or("")
    );
    assert!(want.contains("100%,a:b.yaml") && want.contains('\n'));
    assert_eq!(unescape(&message), want);
}

#[test]
fn github_escape_functions() {
    use routelint::report::github::{escape_data, escape_property};
    let nasty = "50% done: a,b\r\nnext %0A line";
    assert_eq!(escape_data(nasty), "50%25 done: a,b%0D%0Anext %250A line");
    assert_eq!(
        escape_property(nasty),
        "50%25 done%3A a%2Cb%0D%0Anext %250A line"
    );
    assert_eq!(unescape(&escape_property(nasty)), nasty);
}

#[test]
fn github_levels_follow_severity() {
    let out = check("github", &fixture("blog-platform-broken"));
    let levels: Vec<String> = out.lines().map(|l| parse_command(l).0).collect();
    assert!(levels.iter().any(|l| l == "error"));
    assert!(levels.iter().any(|l| l == "notice"), "{out}");
    let out = check("github", &fixture("rules/parse-error/triggers"));
    assert!(out.lines().all(|l| l.starts_with("::warning ")), "{out}");
}

// ---- JUnit XML ----

#[test]
fn junit_snapshot() {
    let out = check("junit", &fixture("blog-platform-broken"));
    insta::assert_snapshot!("junit_blog_platform_broken", out);
}

/// The attribute `name` of the first element `tag` in `xml`.
fn attribute(xml: &str, tag: &str, name: &str) -> Option<usize> {
    let start = xml.find(&format!("<{tag} "))?;
    let element = &xml[start..start + xml[start..].find('>')?];
    let key = format!(" {name}=\"");
    let at = element.find(&key)? + key.len();
    let len = element[at..].find('"')?;
    element[at..at + len].parse().ok()
}

/// A small well-formedness check: tags balance, attributes are quoted, every `&` starts an
/// entity, and no character XML 1.0 forbids appears.
fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("XML declaration");
    for c in body.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'),
            "forbidden character {c:?}"
        );
    }
    for (i, _) in body.match_indices('&') {
        let entity = &body[i..body[i..].find(';').map_or(body.len(), |e| i + e + 1)];
        assert!(
            [
                "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#10;", "&#9;", "&#13;"
            ]
            .contains(&entity),
            "bad entity {entity}"
        );
    }
    let mut open: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let gt = rest[lt..].find('>').expect("unclosed tag") + lt;
        let tag = &rest[lt + 1..gt];
        assert!(!tag.contains('<'), "`<` inside a tag: {tag}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            open.push(tag.split(' ').next().unwrap_or(tag));
        }
        rest = &rest[gt + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    assert!(!rest.contains('>'), "stray `>` after the root element");
}

/// `xmllint --noout`, when it is installed (CI installs it; there a missing one fails).
fn xmllint(xml: &str, name: &str) {
    let file = scratch(&format!("xmllint-{name}")).join("report.xml");
    std::fs::write(&file, xml).expect("write report");
    match Command::new("xmllint").arg("--noout").arg(&file).output() {
        Ok(out) => assert!(
            out.status.success(),
            "xmllint rejects the report: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) if in_ci() => panic!("xmllint is needed in CI: {e}"),
        Err(e) => eprintln!("skipping xmllint ({e}): apt-get install libxml2-utils"),
    }
}

#[test]
fn junit_is_xml_and_counts_match_the_summary() {
    for (name, rel) in [
        ("broken", "blog-platform-broken"),
        ("parse-error", "rules/parse-error/triggers"),
    ] {
        let dir = fixture(rel);
        let xml = check("junit", &dir);
        assert_well_formed(&xml);
        xmllint(&xml, name);

        let (_, v) = check_json(&dir);
        let summary = &v["summary"];
        let findings = v["findings"].as_array().expect("findings");
        let n = |v: &Value| usize::try_from(v.as_u64().expect("count")).expect("usize");
        // Findings about a call carry its request, and one call has one finding; the rest
        // (parse errors, dead routes) are test cases of their own. An unresolved call is
        // skipped, which stands for its unresolved-call finding.
        let call_failures = findings
            .iter()
            .filter(|f| f["rule"] != "unresolved-call" && f.get("request").is_some())
            .map(|f| f["instance"].as_str().unwrap_or(""))
            .collect::<HashSet<_>>()
            .len();
        let places = findings
            .iter()
            .filter(|f| f["rule"] != "unresolved-call" && f.get("request").is_none())
            .count();
        let tests = n(&summary["calls"]) + places;
        for tag in ["testsuites", "testsuite"] {
            assert_eq!(attribute(&xml, tag, "tests"), Some(tests), "{rel} {tag}");
            assert_eq!(
                attribute(&xml, tag, "failures"),
                Some(call_failures + places),
                "{rel} {tag}"
            );
            assert_eq!(
                attribute(&xml, tag, "skipped"),
                Some(n(&summary["unresolved"])),
                "{rel} {tag}"
            );
            assert_eq!(attribute(&xml, tag, "errors"), Some(0));
        }
        assert_eq!(xml.matches("<testcase ").count(), tests, "{rel}");
        assert_eq!(
            xml.matches("<skipped ").count(),
            n(&summary["unresolved"]),
            "{rel}"
        );
    }
}

#[test]
fn junit_escapes_markup_in_file_names() {
    let dir = scratch("junit-escaping");
    let broken = std::fs::read_to_string(fixture("rules/parse-error/triggers/deploy/broken.yaml"))
        .expect("read fixture");
    write(&dir, "deploy/a&b<'c'>\".yaml", &broken);
    let xml = check("junit", &dir);
    assert_well_formed(&xml);
    xmllint(&xml, "escaping");
    assert!(
        xml.contains(r#"classname="deploy/a&amp;b&lt;&apos;c&apos;&gt;&quot;.yaml""#),
        "{xml}"
    );
}

// ---- GitLab Code Quality ----

#[test]
fn gitlab_snapshot() {
    let out = check("gitlab", &fixture("blog-platform-broken"));
    insta::assert_snapshot!("gitlab_blog_platform_broken", out);
}

fn gitlab_issues(dir: &Path) -> Vec<Value> {
    let out = check("gitlab", dir);
    let v: Value = serde_json::from_str(&out).expect("gitlab report is JSON");
    v.as_array().expect("an array").clone()
}

fn assert_gitlab_shape(issues: &[Value]) {
    let mut seen = HashSet::new();
    for i in issues {
        let fp = i["fingerprint"].as_str().expect("fingerprint");
        assert!(
            !fp.is_empty() && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{fp}"
        );
        assert!(seen.insert(fp.to_owned()), "duplicate fingerprint {fp}");
        assert!(
            ["blocker", "critical", "major", "minor", "info"]
                .contains(&i["severity"].as_str().unwrap_or("")),
            "{i}"
        );
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(i["check_name"].as_str().is_some());
        assert!(i["location"]["path"].as_str().is_some());
        let begin = i["location"]["lines"]["begin"].as_u64().expect("begin");
        let end = i["location"]["lines"]["end"].as_u64().expect("end");
        assert!(begin >= 1 && end >= begin, "{i}");
        assert_eq!(i["type"], "issue");
        assert_eq!(i["categories"], json!(["Bug Risk"]));
    }
}

#[test]
fn gitlab_fingerprints_are_unique() {
    let dir = fixture("blog-platform-broken");
    let issues = gitlab_issues(&dir);
    let (_, v) = check_json(&dir);
    assert_eq!(issues.len(), v["findings"].as_array().map_or(0, Vec::len));
    assert_gitlab_shape(&issues);
    for (i, f) in issues
        .iter()
        .zip(v["findings"].as_array().into_iter().flatten())
    {
        let want = match f["severity"].as_str() {
            Some("error") => "major",
            Some("warning") => "minor",
            _ => "info",
        };
        assert_eq!(i["severity"], want);
        assert_eq!(i["check_name"], f["rule"]);
        assert_eq!(i["fingerprint"], f["fingerprint"]);
    }
}

#[test]
fn gitlab_fingerprints_stay_unique_for_repeated_calls() {
    // The same wrong call three times in one file: one finding fingerprint, three issues.
    let dir = scratch("gitlab-duplicates");
    let spec = std::fs::read_to_string(fixture("rules/no-route/triggers/billing/openapi.yaml"))
        .expect("read fixture");
    write(&dir, "billing/openapi.yaml", &spec);
    let call = "fetch('/api/v4/receipts');\n";
    write(&dir, "web/billing.js", &call.repeat(3));
    let (_, v) = check_json(&dir);
    let fps: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["fingerprint"].as_str())
        .collect();
    assert_eq!(fps.len(), 3, "{v:#}");
    assert_eq!(
        fps.iter().collect::<HashSet<_>>().len(),
        1,
        "findings share one"
    );
    let issues = gitlab_issues(&dir);
    assert_eq!(issues.len(), 3);
    assert_gitlab_shape(&issues);
    assert_eq!(issues[0]["fingerprint"], fps[0]);
    // Deterministic: the same run gives the same fingerprints.
    assert_eq!(issues, gitlab_issues(&dir));
}

// ---- SARIF ----

/// The SARIF log of a directory, parsed.
fn sarif(dir: &Path) -> Value {
    serde_json::from_str(&check("sarif", dir)).expect("SARIF is JSON")
}

/// The rule documentation as `routelint explain` prints it.
fn dedent(docs: &str) -> String {
    docs.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

#[test]
fn sarif_snapshot() {
    let dir = fixture("blog-platform-broken");
    let mut log = sarif(&dir);
    let run = &mut log["runs"][0];
    // The base is the one absolute path in the log: check it, then redact it.
    let base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
        .as_str()
        .expect("SRCROOT uri")
        .to_owned();
    assert!(base.starts_with("file:///"), "{base}");
    assert!(base.ends_with("/fixtures/blog-platform-broken/"), "{base}");
    run["originalUriBaseIds"]["SRCROOT"]["uri"] = json!("[SRCROOT]");
    // The rules come from the registry (checked in `sarif_lists_every_rule`), and so does
    // each result's index into them; the snapshot keeps to this fixture's results.
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .clone();
    for r in run["results"].as_array_mut().expect("results") {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        r["ruleIndex"] = json!("[index of ruleId]");
    }
    run["tool"]["driver"]["rules"] = json!("[every rule of the registry]");
    insta::assert_json_snapshot!("sarif_blog_platform_broken", log);
}

#[test]
fn sarif_lists_every_rule() {
    let log = sarif(&fixture("blog-platform-broken"));
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "routelint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), RULES.len());
    for (r, rule) in rules.iter().zip(RULES) {
        let m = rule.meta();
        assert_eq!(r["id"], m.name);
        let pascal: String = m
            .name
            .split('-')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        assert_eq!(r["name"], pascal);
        assert_eq!(r["shortDescription"]["text"], m.title);
        assert_eq!(
            r["helpUri"],
            format!("https://routelint.dev/rules/{}", m.name)
        );
        let docs = dedent(m.docs);
        assert_eq!(r["help"]["text"], docs);
        assert_eq!(r["help"]["markdown"], docs);
        let full = r["fullDescription"]["text"]
            .as_str()
            .expect("fullDescription");
        assert!(
            !full.is_empty() && !full.contains(['\n', '`', '#']),
            "{full}"
        );
        let words: Vec<&str> = docs.split_whitespace().collect();
        let first = full.split_whitespace().next().unwrap_or("");
        assert!(words.contains(&first), "{full}");
        let level = match m.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(r["defaultConfiguration"]["level"], level);
        assert_eq!(r["properties"]["code"], m.code);
        assert_eq!(
            r["properties"].get("status").cloned(),
            m.status.map(|s| json!(s))
        );
    }
}

#[test]
fn sarif_regions_are_valid() {
    for rel in ["blog-platform-broken", "rules/parse-error/triggers"] {
        let log = sarif(&fixture(rel));
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        for r in run["results"].as_array().expect("results") {
            let locations = r["locations"]
                .as_array()
                .into_iter()
                .chain(r["relatedLocations"].as_array())
                .flatten();
            for l in locations {
                let p = &l["physicalLocation"];
                let uri = p["artifactLocation"]["uri"].as_str().expect("uri");
                assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
                assert_eq!(p["artifactLocation"]["uriBaseId"], "SRCROOT");
                let g = |k: &str| p["region"][k].as_u64().expect(k);
                assert!(g("startLine") >= 1 && g("startColumn") >= 1, "{p}");
                assert!(
                    (g("endLine"), g("endColumn")) >= (g("startLine"), g("startColumn")),
                    "{p}"
                );
            }
            assert!(
                r["partialFingerprints"]["routelint/v1"]
                    .as_str()
                    .is_some_and(|f| f.len() == 16)
            );
        }
    }
}

/// Where `.ci/run` installs Microsoft's SARIF Multitool: the native binary of its npm package
/// for this platform (the package's `bin` wrapper runs it through a shell, which would split
/// `;`-separated options). `SARIF_MULTITOOL` overrides.
fn multitool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let (platform, exe) = match std::env::consts::OS {
        "linux" => ("linux", "Sarif.Multitool"),
        "macos" => ("darwin", "Sarif.Multitool"),
        "windows" => ("win32", "Sarif.Multitool.exe"),
        _ => return None,
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools/node_modules/@microsoft")
        .join(format!("sarif-multitool-{platform}"))
        .join(exe);
    path.is_file().then_some(path)
}

/// Validates a SARIF file with the SARIF rules and GitHub's ingestion rules; returns the
/// validator's errors and prints its warnings.
fn validate(tool: &Path, file: &Path) -> Vec<String> {
    let report = file.with_extension("validation.sarif");
    let out = Command::new(tool)
        .arg("validate")
        .arg(file)
        .args(["--rule-kind", "Sarif;Gh", "--level", "Error;Warning"])
        .args(["--log", "ForceOverwrite"])
        .arg("--output")
        .arg(&report)
        .output()
        .expect("run the SARIF Multitool");
    let console = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "multitool failed: {console}");
    let text = std::fs::read_to_string(&report).expect("validation report");
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("JSON");
    let run = &v["runs"][0];
    assert_eq!(
        run["invocations"][0]["executionSuccessful"], true,
        "{console}"
    );
    let mut errors = Vec::new();
    let results = run["results"].as_array().into_iter().flatten();
    let notifications = [
        "toolExecutionNotifications",
        "toolConfigurationNotifications",
    ]
    .iter()
    .flat_map(|k| run["invocations"][0][k].as_array().into_iter().flatten());
    for r in results.chain(notifications) {
        let level = r["level"].as_str().unwrap_or("warning");
        let text = format!(
            "{level} {}: {}",
            r["ruleId"]
                .as_str()
                .or(r["descriptor"]["id"].as_str())
                .unwrap_or("?"),
            r["message"]
        );
        match level {
            "error" => errors.push(text),
            _ => eprintln!("{}: {text}", file.display()),
        }
    }
    errors
}

#[test]
fn sarif_passes_the_multitool_validator() {
    let Some(tool) = multitool() else {
        let msg = "the SARIF Multitool is missing: \
                   npm install --prefix target/tools @microsoft/sarif-multitool";
        assert!(!in_ci(), "{msg}");
        eprintln!("skipping: {msg}");
        return;
    };
    let out_dir = scratch("sarif-validate");
    for (name, rel) in [
        ("blog-platform-broken", "blog-platform-broken"),
        ("parse-error", "rules/parse-error/triggers"),
    ] {
        let file = out_dir.join(format!("{name}.sarif"));
        let run = routelint(&[
            "check",
            "--format",
            "sarif",
            "--output",
            path_str(&file),
            path_str(&fixture(rel)),
        ]);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        assert!(file.is_file(), "no SARIF written: {}", run.stderr);
        let errors = validate(&tool, &file);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn sarif_validator_catches_a_broken_log() {
    // The validation above proves something only if the validator does reject bad logs.
    let Some(tool) = multitool() else {
        assert!(!in_ci(), "the SARIF Multitool is missing");
        return;
    };
    let mut log = sarif(&fixture("blog-platform-broken"));
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    log["runs"][0]["results"][0]["ruleIndex"] = json!(999);
    let file = scratch("sarif-validate-broken").join("broken.sarif");
    std::fs::write(&file, log.to_string()).expect("write");
    let errors = validate(&tool, &file);
    assert!(errors.iter().any(|e| e.contains("JSON1008")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("SARIF1009")),
        "{errors:#?}"
    );
}
