//! `parse-error`: a file of a known kind that could not be read.

use crate::finding::{Finding, Label};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};

declare_rule! {
    /// ## What it finds
    /// A file routelint recognised as routing configuration, an API description or client
    /// code, which does not parse or has fields of the wrong type: broken YAML, a
    /// VirtualService whose `http` is not a list, an OpenAPI document that is a list, a Go or
    /// JavaScript file with a syntax error. Also a kustomize patch that cannot apply: its
    /// target matches nothing the kustomization renders, its JSON pointer leads nowhere, or
    /// its file is not there (reported at the patch; the objects are checked unpatched).
    ///
    /// ## Why it matters
    /// What routelint cannot read, it cannot check: routes in that file are missing from the
    /// graph. The rest of the repository is still checked.
    ///
    /// ## Fix
    /// Fix the syntax at the location shown, or exclude the file if it is not meant to be
    /// read (a template, a fixture of another tool). For a patch, make its target or pointer
    /// name what the kustomization really renders, or remove the patch.
    pub struct ParseError {
        name: "parse-error",
        code: "RL001",
        severity: Warning,
        status: None,
        title: "File could not be read",
    }
}

impl Check for ParseError {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for p in cx.problems {
            let file = cx.sources.display(p.span.file).to_owned();
            out.push(cx.place_finding(
                &Self::META,
                Label {
                    span: p.span,
                    message: "here".to_owned(),
                },
                format!("cannot read {file}: {}", p.message),
                format!(
                    "{}. The rest of the repository is still checked.",
                    p.message
                ),
            ));
        }
    }
}
