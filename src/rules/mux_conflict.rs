//! `mux-conflict`: two Go 1.22 ServeMux patterns that conflict, so registration panics.

use crate::finding::{Finding, Label};
use crate::model::method::{Method, MethodSet};
use crate::model::path::{PatSeg, PathMatch, Pattern};
use crate::rules::{context::Context, rule::Check, rule::declare_rule};
use crate::sources::facts::Dialect;

declare_rule! {
    /// ## What it finds
    /// Two patterns registered on one Go 1.22+ `http.ServeMux` that both match some request
    /// while neither is more specific than the other (`GET /posts/{id}` and `GET /{x}/latest`
    /// both match `/posts/latest`), or the same pattern registered twice (`/a/{x}` and
    /// `/a/{y}` are the same pattern).
    ///
    /// ## Why it breaks requests
    /// ServeMux refuses such a pair: the second `Handle`/`HandleFunc` panics with "pattern …
    /// conflicts with pattern …", so the gateway does not start and every request through it
    /// fails. Go decides it by comparing methods, hosts and paths segment by segment (its
    /// `pattern.conflictsWith`): one pattern is more specific when it matches a strict subset of
    /// the other's requests.
    ///
    /// ## Example
    /// ```go
    /// mux.HandleFunc("GET /posts/{id}", getPost)
    /// mux.HandleFunc("GET /{section}/latest", latest)   // panics at start-up
    /// ```
    ///
    /// ## Fix
    /// Make one pattern strictly more specific (`GET /posts/latest` as its own route), or move
    /// one of them under a different literal prefix; remove duplicate registrations.
    pub struct MuxConflict {
        name: "mux-conflict",
        code: "RL111",
        severity: Error,
        status: None,
        title: "ServeMux patterns conflict: registration panics at start-up",
    }
}

impl Check for MuxConflict {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let routes: Vec<_> = cx
            .graph
            .routes
            .iter()
            .filter(|r| r.fact.dialect == Dialect::GoServeMux { modern: true })
            .filter_map(|r| match &r.fact.matcher {
                PathMatch::Template { pattern, .. } => Some((
                    r,
                    GoPattern::of(
                        &r.fact.methods,
                        r.fact.hosts.first().map(String::as_str),
                        pattern,
                    ),
                )),
                _ => None,
            })
            .collect();
        for (i, (a, pa)) in routes.iter().enumerate() {
            for (b, pb) in routes.iter().skip(i + 1) {
                if a.component != b.component || a.fact.table != b.fact.table {
                    continue;
                }
                // One registration read under two call sites is not a conflict with itself.
                if a.fact.rule_span == b.fact.rule_span {
                    continue;
                }
                let Some(rel) = pa.conflict(pb) else {
                    continue;
                };
                let (first, second) = (a, b);
                let what = if rel == Rel::Equivalent {
                    "registers the same pattern again"
                } else {
                    "conflicts with an earlier pattern: neither is more specific"
                };
                let mut f = cx.place_finding(
                    &Self::META,
                    Label {
                        span: second.fact.rule_span,
                        message: format!("`{}` {what}", pb.text),
                    },
                    format!(
                        "`{}` conflicts with `{}` on {}: http.ServeMux panics at start-up",
                        pb.text, pa.text, first.fact.table
                    ),
                    format!(
                        "Both patterns match {}; Go 1.22+ ServeMux rejects a pair where neither is more specific, and the second registration panics.",
                        pa.example(pb)
                    ),
                );
                f.related.push(Label {
                    span: first.fact.rule_span,
                    message: format!("`{}` registered here", pa.text),
                });
                f.help = Some(
                    "make one pattern strictly more specific, or give one a different literal prefix"
                        .to_owned(),
                );
                out.push(f);
            }
        }
    }
}

/// How two patterns' request sets relate (Go's `relationship`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Equivalent,
    MoreGeneral,
    MoreSpecific,
    Overlaps,
    Disjoint,
}

impl Rel {
    fn inverse(self) -> Rel {
        match self {
            Rel::MoreGeneral => Rel::MoreSpecific,
            Rel::MoreSpecific => Rel::MoreGeneral,
            r => r,
        }
    }
}

/// Go's `combineRelationships`.
fn combine(r1: Rel, r2: Rel) -> Rel {
    match r1 {
        Rel::Equivalent => r2,
        Rel::Disjoint => Rel::Disjoint,
        Rel::Overlaps => {
            if r2 == Rel::Disjoint {
                Rel::Disjoint
            } else {
                Rel::Overlaps
            }
        }
        Rel::MoreGeneral | Rel::MoreSpecific => {
            if r2 == Rel::Equivalent {
                r1
            } else if r2 == r1.inverse() {
                Rel::Overlaps
            } else {
                r2
            }
        }
    }
}

/// A segment as Go's `pattern` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Lit(String),
    /// `{name}`.
    Wild,
    /// `{name...}` or a trailing `/`.
    Multi,
    /// `{$}`: the path ends with a slash here.
    End,
}

/// A Go 1.22 pattern: method (empty: any), host (empty: any) and segments.
#[derive(Clone, Debug)]
pub struct GoPattern {
    method: String,
    host: String,
    segs: Vec<Seg>,
    text: String,
}

impl GoPattern {
    pub fn of(methods: &MethodSet, host: Option<&str>, p: &Pattern) -> GoPattern {
        let method = match methods {
            MethodSet::Any => String::new(),
            // `GET` registers GET and HEAD.
            MethodSet::Only(l) if l.contains(&Method::Get) => "GET".to_owned(),
            MethodSet::Only(l) => l.first().map(|m| m.as_str().to_owned()).unwrap_or_default(),
        };
        let mut segs: Vec<Seg> = p
            .segs
            .iter()
            .map(|s| match s {
                PatSeg::Lit(l) | PatSeg::Glob(l) => Seg::Lit(l.clone()),
                PatSeg::Param(_) => Seg::Wild,
                PatSeg::Rest(_) => Seg::Multi,
            })
            .collect();
        if p.subtree {
            segs.push(Seg::Multi);
        } else if p.trailing_slash {
            segs.push(Seg::End);
        }
        let host = host.unwrap_or("").to_owned();
        let text = format!(
            "{}{}{host}{p}",
            method,
            if method.is_empty() { "" } else { " " }
        );
        GoPattern {
            method,
            host,
            segs,
            text,
        }
    }

    fn compare_methods(&self, o: &GoPattern) -> Rel {
        if self.method == o.method {
            Rel::Equivalent
        } else if self.method.is_empty() {
            Rel::MoreGeneral
        } else if o.method.is_empty() {
            Rel::MoreSpecific
        } else if self.method == "GET" && o.method == "HEAD" {
            Rel::MoreGeneral
        } else if self.method == "HEAD" && o.method == "GET" {
            Rel::MoreSpecific
        } else {
            Rel::Disjoint
        }
    }

    fn compare_paths(&self, o: &GoPattern) -> Rel {
        let multi = |p: &GoPattern| p.segs.last() == Some(&Seg::Multi);
        if self.segs.len() != o.segs.len() && !multi(self) && !multi(o) {
            return Rel::Disjoint;
        }
        let mut rel = Rel::Equivalent;
        let n = self.segs.len().min(o.segs.len());
        for (a, b) in self.segs.iter().zip(&o.segs) {
            rel = combine(rel, compare_segments(a, b));
            if rel == Rel::Disjoint {
                return rel;
            }
        }
        if self.segs.len() == n && o.segs.len() == n {
            return rel;
        }
        if self.segs.len() < o.segs.len() && multi(self) {
            return combine(rel, Rel::MoreGeneral);
        }
        if o.segs.len() < self.segs.len() && multi(o) {
            return combine(rel, Rel::MoreSpecific);
        }
        Rel::Disjoint
    }

    /// `Some(rel)` when the two patterns conflict (Go's `conflictsWith`): same host, and the
    /// methods and paths together are equivalent or overlap.
    pub fn conflict(&self, o: &GoPattern) -> Option<Rel> {
        if self.host != o.host {
            return None;
        }
        let m = self.compare_methods(o);
        if m == Rel::Disjoint {
            return None;
        }
        let rel = combine(m, self.compare_paths(o));
        matches!(rel, Rel::Equivalent | Rel::Overlaps).then_some(rel)
    }

    /// A path both patterns match (for the message).
    fn example(&self, o: &GoPattern) -> String {
        let mut out = String::new();
        let n = self.segs.len().max(o.segs.len());
        for i in 0..n {
            let seg = match (self.segs.get(i), o.segs.get(i)) {
                (Some(Seg::Lit(l)), _) | (_, Some(Seg::Lit(l))) => l.clone(),
                (Some(Seg::End), _) | (_, Some(Seg::End)) => {
                    out.push('/');
                    break;
                }
                (Some(Seg::Multi), Some(Seg::Multi))
                | (Some(Seg::Multi), None)
                | (None, Some(Seg::Multi)) => {
                    if out.is_empty() {
                        out.push('/');
                    }
                    break;
                }
                _ => "x".to_owned(),
            };
            out.push('/');
            out.push_str(&seg);
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// Go's `compareSegments`.
fn compare_segments(a: &Seg, b: &Seg) -> Rel {
    match (a, b) {
        (Seg::Multi, Seg::Multi) => Rel::Equivalent,
        (Seg::Multi, _) => Rel::MoreGeneral,
        (_, Seg::Multi) => Rel::MoreSpecific,
        (Seg::Wild, Seg::Wild) => Rel::Equivalent,
        (Seg::Wild, Seg::End) | (Seg::End, Seg::Wild) => Rel::Disjoint,
        (Seg::Wild, _) => Rel::MoreGeneral,
        (_, Seg::Wild) => Rel::MoreSpecific,
        (x, y) if x == y => Rel::Equivalent,
        _ => Rel::Disjoint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> GoPattern {
        let (m, rest) = match s.split_once(' ') {
            Some((m, r)) => (Some(m), r),
            None => (None, s),
        };
        let slash = rest.find('/').unwrap_or(0);
        let (host, path) = rest.split_at(slash);
        let methods = match m.and_then(Method::parse) {
            Some(Method::Get) => MethodSet::only([Method::Get, Method::Head]),
            Some(x) => MethodSet::only([x]),
            None => MethodSet::Any,
        };
        let mut p = Pattern::default();
        let mut segs: Vec<&str> = path.split('/').skip(1).collect();
        if segs.last() == Some(&"") {
            segs.pop();
            p.subtree = true;
        }
        for s in segs {
            p.segs.push(match s {
                "{$}" => {
                    p.trailing_slash = true;
                    continue;
                }
                s if s.ends_with("...}") => PatSeg::Rest(s.to_owned()),
                s if s.starts_with('{') => PatSeg::Param(s.to_owned()),
                s => PatSeg::Lit(s.to_owned()),
            });
        }
        GoPattern::of(&methods, (!host.is_empty()).then_some(host), &p)
    }

    /// Pairs from Go's net/http pattern_test.go (TestConflictsWith) and the ServeMux docs.
    #[test]
    fn conflicts_as_go_decides_them() {
        let cases: &[(&str, &str, bool)] = &[
            ("/a", "/a", true),
            ("/a", "/b", false),
            ("/a/{x}", "/a/{y}", true),
            ("/a/{x}", "/a/b", false),
            ("/a/{x}/b", "/a/b/{y}", true),
            ("GET /posts/{id}", "GET /{x}/latest", true),
            ("GET /posts/{id}", "POST /{x}/latest", false),
            ("GET /a", "/a", false),
            ("GET /a", "HEAD /a", false),
            ("/a/", "/a/{x...}", true),
            ("/a/", "/a/b/", false),
            ("/", "/{x...}", true),
            ("/a/{$}", "/a/{x}", false),
            ("/a/{x}/{y...}", "/a/b/{y...}", false),
            ("/{x}/b", "/a/{y}", true),
            ("example.com/a", "/a", false),
            ("a.com/{x}", "a.com/{y}", true),
            ("/a/{x...}", "/{y}/b", true),
        ];
        for (a, b, want) in cases {
            assert_eq!(pat(a).conflict(&pat(b)).is_some(), *want, "{a} vs {b}");
            assert_eq!(pat(b).conflict(&pat(a)).is_some(), *want, "{b} vs {a}");
        }
    }
}
