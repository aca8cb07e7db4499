//! `routelint routes`: every component's route table in the order its router matches, as
//! aligned text or JSON. Rows come from the simulator's own tables in its own precedence
//! ([`Sim::match_order`]): declaration order for first-match routers, most specific first for
//! the others.
//!
//! This module only shows the graph: it never judges a route (that is the rules' job), never
//! re-orders what the simulator uses, and prints nothing except from [`run`].

use serde_json::{Value, json};

use crate::check::Analysis;
use crate::cli::{RoutesArgs, ViewFormat};
use crate::model::graph::{Component, ComponentId, Dest, Graph, Policy, Role};
use crate::model::method::{Method, MethodSet};
use crate::run::{EXIT_OK, EXIT_USAGE, emit};
use crate::sim::{Sim, Step};
use crate::source_file::{SourceMap, Span};
use crate::sources::{facts::RouteFact, facts::Target};

/// Prints the route tables; exit 2 when `--component` names no component.
pub fn run(args: &RoutesArgs, analysis: &Analysis) -> u8 {
    let component = args.component.as_deref();
    let out = match args.format {
        ViewFormat::Human => render_human(analysis, component),
        ViewFormat::Json => render_json(analysis, component).map(|v| {
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }),
    };
    match out {
        Ok(text) => {
            emit(&text);
            EXIT_OK
        }
        Err(message) => {
            eprintln!("routelint: error: {message}");
            EXIT_USAGE
        }
    }
}

/// The route tables as aligned text. `Err` says that `component` names no component (with a
/// suggestion when one is close).
pub fn render_human(analysis: &Analysis, component: Option<&str>) -> Result<String, String> {
    let views = component_views(analysis, component)?;
    let mut out = String::new();
    let head = crate::commands::deployments::shown_line(analysis);
    for v in &views {
        if !out.is_empty() {
            out.push('\n');
        }
        human_component(&mut out, v, &analysis.sources);
    }
    if component.is_none() {
        let groups = unbound_groups(&analysis.graph);
        if !groups.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            human_unbound(&mut out, &groups, &analysis.sources);
        }
    }
    if out.is_empty() {
        out.push_str("no routes or endpoints found\n");
    }
    if let Some(head) = head {
        out.insert_str(0, &head);
    }
    Ok(out)
}

/// The route tables as JSON: `{"components": [...], "unbound": [...]}`. `Err` as in
/// [`render_human`].
pub fn render_json(analysis: &Analysis, component: Option<&str>) -> Result<Value, String> {
    let views = component_views(analysis, component)?;
    let sources = &analysis.sources;
    let components: Vec<Value> = views.iter().map(|v| json_component(v, sources)).collect();
    let unbound: Vec<Value> = if component.is_none() {
        unbound_groups(&analysis.graph)
            .iter()
            .map(|g| json_unbound(g, sources))
            .collect()
    } else {
        Vec::new()
    };
    let mut doc = json!({ "components": components, "unbound": unbound });
    if let Some(d) = crate::commands::deployments::shown_json(analysis) {
        doc["deployment"] = d;
    }
    Ok(doc)
}

// ---------------------------------------------------------------------------------------------
// The view: what is shown, independent of the format.

/// One component as shown.
struct ComponentView<'a> {
    component: &'a Component,
    tables: Vec<TableView>,
}

/// One routing table of a component, its rows in match order.
struct TableView {
    /// `None` for a service's implicit table of endpoints.
    name: Option<String>,
    entry: bool,
    rows: Vec<Row>,
}

/// One route or endpoint.
struct Row {
    /// 1-based position in its table.
    index: usize,
    is_endpoint: bool,
    matcher: String,
    /// `None`: any method.
    methods: Option<Vec<Method>>,
    rewrite: Option<String>,
    dest: Destination,
    span: Span,
}

/// Where a row sends a request.
enum Destination {
    Component(String),
    Table(String),
    Serve(String),
    Opaque(String),
    Unlinked(String),
    /// A host named by a route that is bound to nothing (not resolved to the graph).
    Host(String),
    /// The row is an endpoint: the component answers it.
    Endpoint {
        operation_id: Option<String>,
    },
}

/// Unbound routes of one VirtualService, with the gateways it names.
struct UnboundGroup {
    origin: String,
    gateways: Vec<String>,
    rows: Vec<Row>,
}

/// The components to show: all non-empty ones, or the one `--component` names.
fn component_views<'a>(
    analysis: &'a Analysis,
    component: Option<&str>,
) -> Result<Vec<ComponentView<'a>>, String> {
    let graph = &analysis.graph;
    let sim = Sim::new(graph);
    let ids: Vec<ComponentId> = match component {
        Some(name) => vec![
            graph
                .find(name)
                .ok_or_else(|| unknown_component(graph, name))?,
        ],
        None => (0..graph.components.len())
            .map(ComponentId)
            .filter(|id| !graph.component(*id).is_empty())
            .collect(),
    };
    Ok(ids
        .into_iter()
        .map(|id| ComponentView {
            component: graph.component(id),
            tables: table_views(&sim, id),
        })
        .collect())
}

/// "no component named X", with the closest name or alias when one is close enough.
fn unknown_component(graph: &Graph, name: &str) -> String {
    let mut message = format!("no component named `{name}`");
    let candidates = graph
        .components
        .iter()
        .flat_map(|c| std::iter::once(&c.name).chain(&c.aliases));
    let best = candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => message.push_str(&format!("\nhelp: did you mean `{c}`?")),
        None => {
            let names: Vec<&str> = graph
                .components
                .iter()
                .filter(|c| !c.is_empty())
                .map(|c| c.name.as_str())
                .collect();
            message.push_str(&format!("\ncomponents: {}", names.join(", ")));
        }
    }
    message
}

/// A component's tables, the entry table first, then the others in declaration order; a
/// service without tables gets one unnamed table of its endpoints.
fn table_views(sim: &Sim<'_>, id: ComponentId) -> Vec<TableView> {
    let c = sim.graph.component(id);
    let entry = c.entry_table().map(str::to_owned);
    let mut names: Vec<Option<String>> = Vec::new();
    if let Some(e) = &entry {
        names.push(Some(e.clone()));
    }
    names.extend(
        c.tables
            .keys()
            .filter(|t| Some(*t) != entry.as_ref())
            .map(|t| Some(t.clone())),
    );
    if names.is_empty() {
        names.push(None);
    }
    names
        .into_iter()
        .map(|name| {
            let steps = sim.match_order(id, Some(name.as_deref().unwrap_or("")));
            TableView {
                entry: name == entry,
                rows: steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| step_row(sim.graph, i + 1, *s))
                    .collect(),
                name,
            }
        })
        .filter(|t| !t.rows.is_empty())
        .collect()
}

fn step_row(graph: &Graph, index: usize, step: Step) -> Row {
    match step {
        Step::Route(r) => {
            let route = graph.route(r);
            let mut row = fact_row(index, &route.fact);
            row.dest = destination(graph, &route.dest);
            row
        }
        Step::Endpoint(e) => {
            let fact = &graph.endpoint(e).fact;
            Row {
                index,
                is_endpoint: true,
                matcher: fact.pattern.to_string(),
                methods: Some(vec![fact.method]),
                rewrite: None,
                dest: Destination::Endpoint {
                    operation_id: fact.operation_id.clone(),
                },
                span: fact.span,
            }
        }
    }
}

/// A row from a route fact, its destination taken from the fact's own target (not resolved).
fn fact_row(index: usize, fact: &RouteFact) -> Row {
    Row {
        index,
        is_endpoint: false,
        matcher: fact.matcher.to_string(),
        methods: match &fact.methods {
            MethodSet::Any => None,
            MethodSet::Only(v) => Some(v.clone()),
        },
        rewrite: fact.rewrite.as_ref().map(ToString::to_string),
        dest: match &fact.target {
            Target::Forward { host, .. } => Destination::Host(host.clone()),
            Target::Table(t) => Destination::Table(t.clone()),
            Target::Serve { handler } => Destination::Serve(handler.clone()),
            Target::Opaque { why } => Destination::Opaque(why.clone()),
        },
        span: fact.span,
    }
}

fn destination(graph: &Graph, dest: &Dest) -> Destination {
    match dest {
        Dest::Component(id) => Destination::Component(graph.component(*id).name.clone()),
        Dest::Table(t) => Destination::Table(t.clone()),
        Dest::Serve(h) => Destination::Serve(h.clone()),
        Dest::Opaque(why) => Destination::Opaque(why.clone()),
        Dest::Unlinked(h) => Destination::Unlinked(h.clone()),
    }
}

/// Unbound routes grouped by the VirtualService that declares them, in declaration order.
fn unbound_groups(graph: &Graph) -> Vec<UnboundGroup> {
    let mut groups: Vec<UnboundGroup> = Vec::new();
    for fact in &graph.unbound_routes {
        let pos = groups
            .iter()
            .position(|g| g.origin == fact.origin && g.gateways == fact.gateways);
        let i = match pos {
            Some(i) => i,
            None => {
                groups.push(UnboundGroup {
                    origin: fact.origin.clone(),
                    gateways: fact.gateways.clone(),
                    rows: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.rows.push(fact_row(g.rows.len() + 1, fact));
    }
    groups
}

// ---------------------------------------------------------------------------------------------
// Human output.

fn policy_text(p: Policy) -> &'static str {
    match p {
        Policy::FirstMatch => "first match wins",
        Policy::MostSpecific => "most specific wins (listed most specific first)",
        Policy::Priority => "highest priority wins (listed by priority)",
        Policy::Nginx => "nginx: exact, then longest prefix (^~ stops), then regexes in order",
    }
}

fn role_text(r: Role) -> &'static str {
    match r {
        Role::Edge => "edge",
        Role::Gateway => "gateway",
        Role::Service => "service",
        Role::Mesh => "mesh",
    }
}

/// What a component is: its kind, else its role.
fn kind_text(c: &Component) -> &str {
    if c.kind.is_empty() {
        role_text(c.role)
    } else {
        &c.kind
    }
}

fn policy_key(p: Policy) -> &'static str {
    match p {
        Policy::FirstMatch => "first-match",
        Policy::MostSpecific => "most-specific",
        Policy::Priority => "priority",
        Policy::Nginx => "nginx",
    }
}

fn methods_text(m: &Option<Vec<Method>>) -> String {
    match m {
        None => "any".to_owned(),
        // A route whose method conditions can never all hold (`Method(GET) && Method(POST)`).
        Some(v) if v.is_empty() => "none".to_owned(),
        Some(v) => v.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(","),
    }
}

fn dest_text(d: &Destination) -> String {
    match d {
        Destination::Component(n) | Destination::Host(n) => format!("→ {n}"),
        Destination::Table(t) => format!("→ table {t}"),
        Destination::Serve(h) => format!("serves (handler {h})"),
        Destination::Opaque(why) => format!("opaque: {why}"),
        Destination::Unlinked(h) => format!("→ ? {h} (no component)"),
        Destination::Endpoint { .. } => "endpoint".to_owned(),
    }
}

fn location_text(sources: &SourceMap, span: Span) -> String {
    format!(
        "{}:{}",
        sources.display(span.file),
        sources.line_col(span).line
    )
}

/// The cells of a row: index, methods, match, rewrite, destination, location. Endpoints leave
/// the rewrite empty (an endpoint answers, it does not rewrite).
fn cells(row: &Row, sources: &SourceMap) -> [String; 6] {
    let rewrite = match (&row.rewrite, row.is_endpoint) {
        (Some(r), _) => r.clone(),
        (None, true) => String::new(),
        (None, false) => "-".to_owned(),
    };
    [
        row.index.to_string(),
        methods_text(&row.methods),
        row.matcher.clone(),
        rewrite,
        dest_text(&row.dest),
        location_text(sources, row.span),
    ]
}

/// Rows as aligned lines, indented; columns empty in every row are left out.
fn aligned(rows: &[[String; 6]], indent: &str) -> Vec<String> {
    let mut widths = [0usize; 6];
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    rows.iter()
        .map(|r| {
            let parts: Vec<String> = r
                .iter()
                .zip(widths)
                .enumerate()
                .filter(|(_, (_, w))| *w > 0)
                .map(|(i, (c, w))| {
                    if i == 0 {
                        format!("{c:>w$}")
                    } else {
                        format!("{c:<w$}")
                    }
                })
                .collect();
            format!("{indent}{}", parts.join("  ").trim_end())
        })
        .collect()
}

fn human_component(out: &mut String, v: &ComponentView<'_>, sources: &SourceMap) {
    let c = v.component;
    out.push_str(&format!(
        "{}  {} · {} · method miss: {}\n",
        c.name,
        kind_text(c),
        policy_text(c.policy),
        c.miss.method_miss
    ));
    if !c.aliases.is_empty() {
        out.push_str(&format!("  aliases: {}\n", c.aliases.join(", ")));
    }
    for a in &c.assumptions {
        out.push_str(&format!("  assumes: {a}\n"));
    }
    if v.tables.is_empty() {
        out.push_str("  (no routes or endpoints)\n");
        return;
    }
    // One alignment for the whole component, so its tables line up with each other.
    let all: Vec<Vec<[String; 6]>> = v
        .tables
        .iter()
        .map(|t| t.rows.iter().map(|r| cells(r, sources)).collect())
        .collect();
    let flat: Vec<[String; 6]> = all.iter().flatten().cloned().collect();
    let mut lines = aligned(&flat, "  ").into_iter();
    let titled = v.tables.len() > 1;
    for (t, rows) in v.tables.iter().zip(&all) {
        if titled {
            let name = t.name.as_deref().unwrap_or("");
            let entry = if t.entry { " (entry)" } else { "" };
            out.push_str(&format!("  table {name}{entry}\n"));
        }
        for line in lines.by_ref().take(rows.len()) {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

fn human_unbound(out: &mut String, groups: &[UnboundGroup], sources: &SourceMap) {
    out.push_str("unbound (no such Gateway)\n");
    for g in groups {
        out.push_str(&format!(
            "  {} · gateways: {}\n",
            g.origin,
            g.gateways.join(", ")
        ));
        let rows: Vec<[String; 6]> = g.rows.iter().map(|r| cells(r, sources)).collect();
        for line in aligned(&rows, "  ") {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON output.

fn json_location(sources: &SourceMap, span: Span) -> Value {
    let lc = sources.line_col(span);
    json!({
        "path": sources.display(span.file),
        "line": lc.line,
        "column": lc.column,
    })
}

fn json_destination(d: &Destination) -> Value {
    match d {
        Destination::Component(n) => json!({"type": "component", "name": n}),
        Destination::Table(t) => json!({"type": "table", "name": t}),
        Destination::Serve(h) => json!({"type": "serve", "name": h}),
        Destination::Opaque(why) => json!({"type": "opaque", "why": why}),
        Destination::Unlinked(h) => json!({"type": "unlinked", "name": h}),
        Destination::Host(h) => json!({"type": "host", "name": h}),
        Destination::Endpoint { .. } => Value::Null,
    }
}

fn json_row(row: &Row, table: Option<&str>, sources: &SourceMap) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert("index".into(), json!(row.index));
    obj.insert(
        "kind".into(),
        json!(if row.is_endpoint { "endpoint" } else { "route" }),
    );
    obj.insert("table".into(), json!(table));
    obj.insert("match".into(), json!(row.matcher));
    obj.insert(
        "methods".into(),
        json!(
            row.methods
                .as_ref()
                .map(|v| v.iter().map(|m| m.as_str()).collect::<Vec<_>>())
        ),
    );
    obj.insert("rewrite".into(), json!(row.rewrite));
    obj.insert("destination".into(), json_destination(&row.dest));
    if let Destination::Endpoint { operation_id } = &row.dest {
        obj.insert("operation_id".into(), json!(operation_id));
    }
    obj.insert("location".into(), json_location(sources, row.span));
    Value::Object(obj)
}

fn json_component(v: &ComponentView<'_>, sources: &SourceMap) -> Value {
    let c = v.component;
    let routes: Vec<Value> = v
        .tables
        .iter()
        .flat_map(|t| {
            t.rows
                .iter()
                .map(|r| json_row(r, t.name.as_deref(), sources))
        })
        .collect();
    json!({
        "name": c.name,
        "role": role_text(c.role),
        "kind": kind_text(c),
        "policy": policy_key(c.policy),
        "method_miss": c.miss.method_miss,
        "aliases": c.aliases,
        "assumptions": c.assumptions,
        "routes": routes,
    })
}

fn json_unbound(g: &UnboundGroup, sources: &SourceMap) -> Value {
    let routes: Vec<Value> = g.rows.iter().map(|r| json_row(r, None, sources)).collect();
    json!({
        "origin": g.origin,
        "gateways": g.gateways,
        "routes": routes,
    })
}
