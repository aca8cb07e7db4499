//! `routelint graph`: the components and the routes between them, as a Mermaid flowchart or a
//! Graphviz DOT digraph. One node per component that holds routes or endpoints (or that
//! something routes to), a `browser` node when the repository has client calls, and one edge
//! per (component → destination) labelled with the matchers and rewrites that lead there.
//! Jumps between tables of one component are folded into it; hosts no component answers to are
//! dashed `? host` nodes.
//!
//! This module only draws the graph: it never judges a route, never runs the simulator, and
//! prints nothing except from [`run`]. Output is deterministic (graph order throughout).

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::check::Analysis;
use crate::cli::{GraphArgs, GraphFormat};
use crate::model::graph::{Component, ComponentId, Dest, Graph, Role, Route};
use crate::model::method::MethodSet;
use crate::run::{EXIT_OK, emit};

/// At most this many route descriptions on one edge; the rest become `… +N more`.
const MAX_EDGE_LINES: usize = 3;
/// Longest route description on an edge, in characters, before it is cut with `…`.
const MAX_LINE_CHARS: usize = 60;

/// Words that cannot be bare node ids in Mermaid or DOT (compared case-insensitively).
const RESERVED_IDS: &[&str] = &[
    "node",
    "edge",
    "graph",
    "digraph",
    "subgraph",
    "strict",
    "end",
    "flowchart",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "direction",
    "default",
    "call",
    "href",
];

/// Prints the graph in the chosen format. Always exit 0.
pub fn run(args: &GraphArgs, analysis: &Analysis) -> u8 {
    let text = match args.format {
        GraphFormat::Mermaid => render_mermaid(analysis),
        GraphFormat::Dot => render_dot(analysis),
    };
    emit(&text);
    EXIT_OK
}

/// The graph as a Mermaid `flowchart LR`.
pub fn render_mermaid(analysis: &Analysis) -> String {
    let d = Drawing::of(&analysis.graph);
    let mut out = String::from("flowchart LR\n");
    for n in &d.nodes {
        let label = mermaid_label(&n.lines);
        let shape = match n.kind {
            NodeKind::Browser => format!("([{label}])"),
            NodeKind::Component | NodeKind::Unlinked => format!("[{label}]"),
        };
        out.push_str(&format!("  {}{shape}\n", n.id));
    }
    for e in &d.edges {
        let arrow = if e.dashed { "-.->" } else { "-->" };
        let label = if e.lines.is_empty() {
            String::new()
        } else {
            format!("|{}|", mermaid_label(&e.lines))
        };
        out.push_str(&format!(
            "  {} {arrow}{label} {}\n",
            d.nodes[e.from].id, d.nodes[e.to].id
        ));
    }
    let unlinked: Vec<&str> = d
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Unlinked)
        .map(|n| n.id.as_str())
        .collect();
    if !unlinked.is_empty() {
        out.push_str("  classDef unlinked stroke-dasharray: 5 5\n");
        out.push_str(&format!("  class {} unlinked\n", unlinked.join(",")));
    }
    out
}

/// The graph as a Graphviz `digraph`.
pub fn render_dot(analysis: &Analysis) -> String {
    let d = Drawing::of(&analysis.graph);
    let mut out = String::from("digraph routelint {\n");
    out.push_str("  rankdir=LR;\n");
    out.push_str("  node [shape=box, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for n in &d.nodes {
        let extra = match n.kind {
            NodeKind::Browser => ", shape=ellipse",
            NodeKind::Component => "",
            NodeKind::Unlinked => ", style=dashed",
        };
        out.push_str(&format!(
            "  {} [label={}{extra}];\n",
            n.id,
            dot_label(&n.lines)
        ));
    }
    for e in &d.edges {
        let mut attrs: Vec<String> = Vec::new();
        if !e.lines.is_empty() {
            attrs.push(format!("label={}", dot_label(&e.lines)));
        }
        if e.dashed {
            attrs.push("style=dashed".to_owned());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!(
            "  {} -> {}{attrs};\n",
            d.nodes[e.from].id, d.nodes[e.to].id
        ));
    }
    out.push_str("}\n");
    out
}

// ---------------------------------------------------------------------------------------------
// The drawing, independent of the format.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Browser,
    Component,
    Unlinked,
}

struct Node {
    /// A safe identifier in both formats, unique in the drawing.
    id: String,
    /// Label lines, unescaped.
    lines: Vec<String>,
    kind: NodeKind,
}

struct Edge {
    /// Indexes into `Drawing::nodes`.
    from: usize,
    to: usize,
    /// Label lines, unescaped (already truncated).
    lines: Vec<String>,
    dashed: bool,
}

/// Where an aggregated edge goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum To {
    Component(ComponentId),
    Unlinked(String),
}

#[derive(Default)]
struct Drawing {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Drawing {
    fn of(graph: &Graph) -> Drawing {
        let mut d = Drawing::default();
        let mut ids = Ids::default();
        let browser = (!graph.calls.is_empty()).then(|| {
            d.push_node(
                &mut ids,
                "browser",
                vec!["browser".to_owned()],
                NodeKind::Browser,
            )
        });
        let links = links(graph);
        let shown = shown_components(graph, &links);
        let mut component_node: IndexMap<ComponentId, usize> = IndexMap::new();
        for id in shown {
            let c = graph.component(id);
            let n = d.push_node(&mut ids, &c.name, component_lines(c), NodeKind::Component);
            component_node.insert(id, n);
        }
        if let Some(b) = browser {
            for e in &graph.entries {
                if let Some(&to) = component_node.get(e) {
                    d.edges.push(Edge {
                        from: b,
                        to,
                        lines: Vec::new(),
                        dashed: false,
                    });
                }
            }
        }
        let mut unlinked_node: IndexMap<String, usize> = IndexMap::new();
        for ((from, to), labels) in links {
            let Some(&from) = component_node.get(&from) else {
                continue;
            };
            let (to, dashed) = match to {
                To::Component(c) => match component_node.get(&c) {
                    Some(&n) => (n, false),
                    None => continue,
                },
                To::Unlinked(host) => {
                    let n = match unlinked_node.get(&host) {
                        Some(&n) => n,
                        None => {
                            let lines = vec![format!("? {host}")];
                            let n = d.push_node(
                                &mut ids,
                                &format!("unlinked {host}"),
                                lines,
                                NodeKind::Unlinked,
                            );
                            unlinked_node.insert(host, n);
                            n
                        }
                    };
                    (n, true)
                }
            };
            d.edges.push(Edge {
                from,
                to,
                lines: edge_lines(&labels),
                dashed,
            });
        }
        d
    }

    fn push_node(
        &mut self,
        ids: &mut Ids,
        name: &str,
        lines: Vec<String>,
        kind: NodeKind,
    ) -> usize {
        self.nodes.push(Node {
            id: ids.alloc(name),
            lines,
            kind,
        });
        self.nodes.len() - 1
    }
}

/// Every (component → destination) pair with the distinct descriptions of the routes that lead
/// there, in graph order. Table jumps, own handlers and opaque handlers are not edges.
fn links(graph: &Graph) -> IndexMap<(ComponentId, To), Vec<String>> {
    let mut out: IndexMap<(ComponentId, To), Vec<String>> = IndexMap::new();
    for (ci, c) in graph.components.iter().enumerate() {
        for rid in c.tables.values().flatten() {
            let route = graph.route(*rid);
            let to = match &route.dest {
                Dest::Component(d) => To::Component(*d),
                Dest::Unlinked(host) => To::Unlinked(host.clone()),
                Dest::Table(_) | Dest::Serve(_) | Dest::Opaque(_) => continue,
            };
            let labels = out.entry((ComponentId(ci), to)).or_default();
            let label = route_label(route);
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    out
}

/// Components drawn: those with routes or endpoints, the entries, and every component a route
/// leads to, in graph order.
fn shown_components(
    graph: &Graph,
    links: &IndexMap<(ComponentId, To), Vec<String>>,
) -> Vec<ComponentId> {
    let targets: HashSet<ComponentId> = links
        .keys()
        .filter_map(|(_, to)| match to {
            To::Component(c) => Some(*c),
            To::Unlinked(_) => None,
        })
        .collect();
    (0..graph.components.len())
        .map(ComponentId)
        .filter(|id| {
            !graph.component(*id).is_empty() || graph.entries.contains(id) || targets.contains(id)
        })
        .collect()
}

/// A route as an edge line: `GET,POST prefix /blog/comment-api/ · rewrite to /`.
fn route_label(route: &Route) -> String {
    let f = &route.fact;
    let mut s = String::new();
    if let MethodSet::Only(list) = &f.methods {
        let names: Vec<&str> = list.iter().map(|m| m.as_str()).collect();
        s.push_str(&names.join(","));
        s.push(' ');
    }
    s.push_str(&f.matcher.to_string());
    if let Some(rw) = &f.rewrite {
        s.push_str(&format!(" · {rw}"));
    }
    truncate(&s, MAX_LINE_CHARS)
}

/// At most [`MAX_EDGE_LINES`] lines, then `… +N more`.
fn edge_lines(labels: &[String]) -> Vec<String> {
    if labels.len() <= MAX_EDGE_LINES {
        return labels.to_vec();
    }
    let mut lines: Vec<String> = labels[..MAX_EDGE_LINES].to_vec();
    lines.push(format!("… +{} more", labels.len() - MAX_EDGE_LINES));
    lines
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// A component's label: its name, then what it is (`OpenAPI · 8 endpoints`, or
/// `service · routes unknown` for a component only known as a destination).
fn component_lines(c: &Component) -> Vec<String> {
    let mut what = if c.kind.is_empty() {
        match c.role {
            Role::Edge => "edge",
            Role::Gateway => "gateway",
            Role::Service => "service",
            Role::Mesh => "mesh",
        }
        .to_owned()
    } else {
        c.kind.clone()
    };
    if c.is_empty() {
        what.push_str(" · routes unknown");
    }
    match c.endpoints.len() {
        0 => {}
        1 => what.push_str(" · 1 endpoint"),
        n => what.push_str(&format!(" · {n} endpoints")),
    }
    vec![c.name.clone(), what]
}

/// Hands out node ids: ASCII letters, digits and `_`, never starting with a digit, never a
/// keyword of either format, never twice.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
}

impl Ids {
    fn alloc(&mut self, name: &str) -> String {
        let base = sanitize(name);
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }
}

/// `blog-service` → `blog_service`, `ratings (mesh)` → `ratings_mesh`, `9lives` → `n_9lives`,
/// `edge` → `edge_`.
fn sanitize(name: &str) -> String {
    let mut id = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            id.push(ch);
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    while id.ends_with('_') {
        id.pop();
    }
    if id.is_empty() {
        id.push('n');
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert_str(0, "n_");
    }
    if RESERVED_IDS.iter().any(|r| r.eq_ignore_ascii_case(&id)) {
        id.push('_');
    }
    id
}

// ---------------------------------------------------------------------------------------------
// Escaping.

/// A quoted Mermaid label: lines joined by `<br/>`, every character that could end the string
/// or be read as markup written as a Mermaid entity (`#quot;`, `#123;`).
fn mermaid_label(lines: &[String]) -> String {
    let body: Vec<String> = lines.iter().map(|l| mermaid_escape(l)).collect();
    format!("\"{}\"", body.join("<br/>"))
}

fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A quoted DOT label: lines joined by `\n`, backslashes and quotes escaped.
fn dot_label(lines: &[String]) -> String {
    let body: Vec<String> = lines.iter().map(|l| dot_escape(l)).collect();
    format!("\"{}\"", body.join("\\n"))
}

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.alloc("blog-service"), "blog_service");
        assert_eq!(ids.alloc("blog_service"), "blog_service_2");
        assert_eq!(ids.alloc("ratings (mesh)"), "ratings_mesh");
        assert_eq!(ids.alloc("9lives"), "n_9lives");
        assert_eq!(ids.alloc("edge"), "edge_");
        assert_eq!(ids.alloc("END"), "END_");
        assert_eq!(ids.alloc("---"), "n");
    }

    #[test]
    fn labels_are_escaped_per_format() {
        let lines = vec!["a\"b".to_owned(), "/posts/{id} \\d".to_owned()];
        assert_eq!(
            mermaid_label(&lines),
            "\"a#quot;b<br/>/posts/#123;id#125; \\d\""
        );
        assert_eq!(dot_label(&lines), "\"a\\\"b\\n/posts/{id} \\\\d\"");
    }

    #[test]
    fn long_edges_are_cut() {
        let labels: Vec<String> = (0..6).map(|i| format!("exact /{i}")).collect();
        let lines = edge_lines(&labels);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3], "… +3 more");
    }
}
