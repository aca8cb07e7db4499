//! `docs/rules/` is generated from the rule registry: one page per rule (`docs/rules/NAME.md`)
//! and an index (`docs/rules/README.md`). This test regenerates them in memory and fails when
//! the files differ; `UPDATE_DOCS=1 cargo test --test docs` writes them instead.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use routelint::finding::Meta;
use routelint::rules::RULES;

const OUT_OF_DATE: &str = "docs/rules is out of date: run UPDATE_DOCS=1 cargo test --test docs";

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules")
}

/// `404`, or `none` for rules that predict no status.
fn status(m: &Meta) -> String {
    m.status
        .map(|s| s.to_string())
        .unwrap_or_else(|| "none".to_owned())
}

/// One rule's page: heading, default severity and predicted status, then its documentation
/// (the doc comment, without the space after `///`).
fn rule_page(m: &Meta) -> String {
    let docs: Vec<&str> = m
        .docs
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let mut page = format!(
        "# {} ({})\n\n\
         {}.\n\n\
         Default severity: **{}** · predicted status: **{}**\n\n",
        m.name,
        m.code,
        m.title,
        m.severity,
        status(m),
    );
    page.push_str(docs.join("\n").trim());
    page.push_str(
        "\n\n<!-- Generated from the rule's doc comment by tests/docs.rs: edit the rule, then run\n     \
         UPDATE_DOCS=1 cargo test --test docs -->\n",
    );
    page
}

/// The index: every rule in registry order.
fn index(metas: &[&Meta]) -> String {
    let mut page = String::from(
        "# Rules\n\n\
         Every rule routelint runs, in the order `routelint rules` lists them. The severity is\n\
         the default; `[rules]` in `routelint.toml` changes it or turns the rule off (by name or\n\
         code). The status is what the request is predicted to get.\n\n\
         | Code | Rule | Severity | Status | What it finds |\n\
         |------|------|----------|--------|---------------|\n",
    );
    for m in metas {
        page.push_str(&format!(
            "| {} | [{}]({}.md) | {} | {} | {} |\n",
            m.code,
            m.name,
            m.name,
            m.severity,
            status(m),
            m.title
        ));
    }
    page.push_str(
        "\n<!-- Generated from the rule registry by tests/docs.rs: run\n     \
         UPDATE_DOCS=1 cargo test --test docs -->\n",
    );
    page
}

/// Every generated file, by file name.
fn generate() -> BTreeMap<String, String> {
    let metas: Vec<&Meta> = RULES.iter().map(|r| r.meta()).collect();
    let mut files: BTreeMap<String, String> = metas
        .iter()
        .map(|m| (format!("{}.md", m.name), rule_page(m)))
        .collect();
    files.insert("README.md".to_owned(), index(&metas));
    files
}

/// The `.md` files present in `docs/rules`, by file name.
fn on_disk() -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(docs_dir()) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            std::fs::read_to_string(e.path()).ok().map(|t| (name, t))
        })
        .collect()
}

#[test]
fn rule_docs_are_up_to_date() {
    let want = generate();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| !v.is_empty() && v != "0") {
        let dir = docs_dir();
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for stale in on_disk().keys().filter(|k| !want.contains_key(*k)) {
            std::fs::remove_file(dir.join(stale)).expect("remove a stale page");
        }
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).expect("write a page");
        }
        return;
    }
    let have = on_disk();
    let mut problems = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => problems.push(format!("missing: docs/rules/{name}")),
            Some(t) if t != text => problems.push(format!("differs: docs/rules/{name}")),
            Some(_) => {}
        }
    }
    for name in have.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("no rule: docs/rules/{name}"));
    }
    assert!(
        problems.is_empty(),
        "{OUT_OF_DATE}\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_rule_page_has_the_sections_explain_prints() {
    for r in RULES {
        let m = r.meta();
        let page = rule_page(m);
        assert!(
            page.contains(&format!("# {} ({})", m.name, m.code)),
            "{page}"
        );
        assert!(
            !page.lines().any(|l| l.starts_with(" ## ")),
            "{}: leading space left",
            m.name
        );
    }
}
