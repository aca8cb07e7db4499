//! The Go project reader: groups Go files into packages (one directory, one package), parses
//! each file once, indexes it ([`Ctx`]) and runs the Go readers over it: the `net/http`
//! ServeMux reader file by file ([`go_mux`]) and the framework routers reader across the
//! package ([`go_routers`]). This is the one place that decides which reader reads what; the
//! readers never import it. Every fact stays with the file where it is written.

use tree_sitter::Parser;

use crate::sources::facts::Facts;
use crate::sources::gateway::{go_mux, go_routers};
use crate::sources::go::index::Ctx;
use crate::sources::input::Input;

/// Reads every Go file together: the files of one directory are one package, whose
/// router registrations may sit in helper functions of another file (`registerRoutes(api)`).
/// Each file is parsed once; every fact stays with the file where it is written.
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    use rayon::prelude::*;
    let mut packages: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, input) in inputs.iter().enumerate() {
        let dir = input.path.rsplit_once('/').map_or("", |(d, _)| d);
        packages.entry(dir).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = packages.into_values().collect();
    let done: Vec<Vec<(usize, Facts)>> = groups
        .par_iter()
        .map(|group| {
            let files: Vec<Input<'_>> = group
                .iter()
                .filter_map(|i| inputs.get(*i).copied())
                .collect();
            group.iter().copied().zip(extract_package(&files)).collect()
        })
        .collect();
    let mut out: Vec<Facts> = inputs.iter().map(|_| Facts::default()).collect();
    for (i, f) in done.into_iter().flatten() {
        if let Some(slot) = out.get_mut(i) {
            *slot = f;
        }
    }
    out
}

/// Reads one Go file alone, as a package of that one file. A file that does not parse
/// cleanly gets one problem at its first syntax error; what the rest of the tree shows is
/// still read.
pub fn extract(input: Input<'_>) -> Facts {
    extract_package(&[input]).pop().unwrap_or_default()
}

/// Reads the files of one package: ServeMux registrations and entry tables file by file
/// ([`go_mux::read`]), framework routers (gorilla/mux, chi, gin, echo) across the package
/// ([`go_routers::extract`]). One `Facts` per file, in order.
fn extract_package(inputs: &[Input<'_>]) -> Vec<Facts> {
    let mut facts: Vec<Facts> = inputs.iter().map(|_| Facts::default()).collect();
    let mut parser = Parser::new();
    if parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .is_err()
    {
        return facts;
    }
    let trees: Vec<Option<tree_sitter::Tree>> =
        inputs.iter().map(|i| parser.parse(i.text, None)).collect();
    let mut ctxs: Vec<Ctx<'_>> = Vec::new();
    let mut slots: Vec<usize> = Vec::new();
    for (i, (input, tree)) in inputs.iter().zip(&trees).enumerate() {
        let (Some(tree), Some(f)) = (tree, facts.get_mut(i)) else {
            continue;
        };
        let root = tree.root_node();
        f.problems
            .extend(crate::sources::syntax::problem(root, *input, "Go"));
        let ctx = Ctx::new(*input, root);
        go_mux::read(&ctx, f);
        ctxs.push(ctx);
        slots.push(i);
    }
    let mut pkg_facts: Vec<Facts> = ctxs.iter().map(|_| Facts::default()).collect();
    go_routers::extract(&ctxs, &mut pkg_facts);
    for (slot, extra) in slots.into_iter().zip(pkg_facts) {
        if let Some(f) = facts.get_mut(slot) {
            f.merge(extra);
        }
    }
    facts
}
