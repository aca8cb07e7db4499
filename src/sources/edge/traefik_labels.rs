//! Traefik's Docker provider: the `traefik.*` labels of a compose service are the same dynamic
//! configuration as the file provider's, flattened into dotted keys
//! (`traefik.http.routers.api.rule=PathPrefix(`/api`)`). They are unflattened into a tree and
//! read by the file provider's reader, with the Docker provider's defaults:
//! - a service's server is the container itself: `loadbalancer.server.port=8000` is
//!   `http://<compose service>:8000`;
//! - a router that names no service gets the container's one service (the only one its labels
//!   define, else one named after the container, at the port it exposes);
//! - `traefik.enable=false` turns the container off; names may carry `@docker`.
//!
//! Compose interpolation in label values: `${VAR:-default}` and `${VAR-default}` take the
//! default (the host's environment is not seen); a bare `${VAR}` stays as written.

use super::traefik::MwEntry;
use crate::sources::{facts::Facts, input::Input};

use crate::tree::{Node, Range, Value};

/// Options that are lists in the dynamic configuration, comma-separated in a label.
const LIST_FIELDS: &[&str] = &[
    "middlewares",
    "entryPoints",
    "prefixes",
    "regex",
    "sourceRange",
];

/// Reads the Traefik labels of a compose file's services (`(service, labels:)`, each a
/// mapping or a list of `key=value`). The Docker provider is one namespace: a router of one
/// container may use a middleware another container's labels define, in this compose file
/// or in another one beside it (`shared`).
pub(crate) fn read_all(
    input: Input<'_>,
    containers: &[(&str, &Node)],
    shared: &[MwEntry],
    facts: &mut Facts,
) {
    if let Some(root) = tree(input, containers) {
        super::traefik::file_provider_with(input, &root, facts, shared);
    }
}

/// The middlewares a compose file's labels define, for the files beside it.
pub(crate) fn middlewares(input: Input<'_>, containers: &[(&str, &Node)]) -> Vec<MwEntry> {
    tree(input, containers).map_or_else(Vec::new, |root| {
        super::traefik::middlewares_of(input, &root)
    })
}

/// The labels of a compose file's services as one dynamic-configuration tree.
fn tree(input: Input<'_>, containers: &[(&str, &Node)]) -> Option<Node> {
    let trees: Vec<Node> = containers
        .iter()
        .filter_map(|(name, labels)| container_tree(input, name, labels))
        .collect();
    let first = trees.first()?;
    let mut root = Node {
        value: Value::Map(Vec::new()),
        range: first.range,
    };
    for tree in &trees {
        for section in ["routers", "middlewares", "services"] {
            let Some(Value::Map(entries)) = child(tree, &["http", section]).map(|n| &n.value)
            else {
                continue;
            };
            for (k, v) in entries {
                if let Some(name) = k.as_str() {
                    insert(&mut root, &["http", section, name], v.clone());
                }
            }
        }
    }
    Some(root)
}

/// One container's labels as a dynamic-configuration tree, `None` when it has no Traefik
/// labels or turns Traefik off.
fn container_tree(input: Input<'_>, container: &str, labels: &Node) -> Option<Node> {
    let pairs = label_pairs(input, labels);
    if pairs.is_empty() {
        return None;
    }
    let enabled = pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("traefik.enable"))
        .and_then(|(_, v)| v.as_str())
        .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    if !enabled {
        return None;
    }
    let mut root = Node {
        value: Value::Map(Vec::new()),
        range: labels.range,
    };
    let mut services: Vec<String> = Vec::new();
    for (key, value) in &pairs {
        let Some(path) = key.strip_prefix("traefik.") else {
            continue;
        };
        let parts: Vec<&str> = path.split('.').collect();
        if parts.first() != Some(&"http") {
            continue;
        }
        match parts.as_slice() {
            // The container is the server: `http://<container>:<port>`.
            ["http", "services", name, lb, "server", "port"]
                if lb.eq_ignore_ascii_case("loadbalancer") =>
            {
                let port = value.scalar_text().unwrap_or_default();
                let url = Node {
                    value: Value::Str(format!("http://{container}:{}", port.trim())),
                    range: value.range,
                };
                let server = map(vec![(key_node("url", value.range), url)], value.range);
                let servers = Node {
                    value: Value::Seq(vec![server]),
                    range: value.range,
                };
                insert(
                    &mut root,
                    &["http", "services", name, "loadBalancer", "servers"],
                    servers,
                );
                if !services.iter().any(|s| s == name) {
                    services.push((*name).to_owned());
                }
            }
            ["http", "routers", _, field] if field.eq_ignore_ascii_case("service") => {
                let mut v = value.clone();
                if let Value::Str(s) = &mut v.value
                    && let Some(bare) = s.strip_suffix("@docker")
                {
                    *s = bare.to_owned();
                }
                insert(&mut root, &parts, v);
            }
            // List options are comma-separated in a label (`middlewares=a,b`).
            [.., last] if LIST_FIELDS.iter().any(|f| last.eq_ignore_ascii_case(f)) => {
                let items = value
                    .as_str()
                    .map(|s| {
                        s.split(',')
                            .map(|x| Node {
                                value: Value::Str(x.trim().to_owned()),
                                range: value.range,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let list = Node {
                    value: Value::Seq(items),
                    range: value.range,
                };
                insert(&mut root, &parts, list);
            }
            _ => insert(&mut root, &parts, value.clone()),
        }
    }
    // Routers without a service get the container's.
    let default_service = match services.as_slice() {
        [one] => one.clone(),
        _ => {
            let implicit = container.to_owned();
            let url = Node {
                value: Value::Str(format!("http://{container}")),
                range: labels.range,
            };
            let server = map(vec![(key_node("url", labels.range), url)], labels.range);
            insert(
                &mut root,
                &["http", "services", &implicit, "loadBalancer", "servers"],
                Node {
                    value: Value::Seq(vec![server]),
                    range: labels.range,
                },
            );
            implicit
        }
    };
    if let Some(routers) = child_mut(&mut root, &["http", "routers"])
        && let Value::Map(entries) = &mut routers.value
    {
        for (_, router) in entries.iter_mut() {
            let has_service = router.get("service").is_some()
                || matches!(&router.value, Value::Map(m) if m.iter().any(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case("service"))));
            if !has_service && let Value::Map(fields) = &mut router.value {
                fields.push((
                    key_node("service", router.range),
                    Node {
                        value: Value::Str(default_service.clone()),
                        range: router.range,
                    },
                ));
            }
        }
    }
    Some(root)
}

fn child<'n>(root: &'n Node, path: &[&str]) -> Option<&'n Node> {
    let mut node = root;
    for part in path {
        let Value::Map(entries) = &node.value else {
            return None;
        };
        node = entries
            .iter()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(part)))
            .map(|(_, v)| v)?;
    }
    Some(node)
}

/// `(key, value)` of every `traefik.*` label, the value's range inside the label text.
fn label_pairs(input: Input<'_>, labels: &Node) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    match &labels.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                if let Some(key) = k.as_str().filter(|k| k.starts_with("traefik.")) {
                    let mut v = v.clone();
                    if let Value::Str(s) = &mut v.value {
                        *s = interpolate(s);
                    }
                    out.push((key.to_owned(), v));
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                let Some(text) = item.as_str() else { continue };
                let Some((key, value)) = text.split_once('=') else {
                    continue;
                };
                if !key.trim().starts_with("traefik.") {
                    continue;
                }
                // Where the value starts in the file: after the key, `=` and an opening quote.
                let raw = input
                    .text
                    .get(item.range.start..item.range.end)
                    .unwrap_or("");
                let quote = usize::from(raw.starts_with(['"', '\'']));
                let start = item.range.start + quote + key.len() + 1;
                let range = Range {
                    start,
                    end: (start + value.len()).min(item.range.end.max(start)),
                };
                out.push((
                    key.trim().to_owned(),
                    Node {
                        value: Value::Str(interpolate(value)),
                        range,
                    },
                ));
            }
        }
        _ => {}
    }
    out
}

/// Compose's `${VAR:-default}` / `${VAR-default}` with their defaults.
fn interpolate(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = &after[..end];
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, op) = inner.split_at(name_end);
        match op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
            Some(default) => out.push_str(default),
            // `${VAR}`, `${VAR:?error}`: the host's value, not seen here.
            None => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn key_node(name: &str, range: Range) -> Node {
    Node {
        value: Value::Str(name.to_owned()),
        range,
    }
}

fn map(entries: Vec<(Node, Node)>, range: Range) -> Node {
    Node {
        value: Value::Map(entries),
        range,
    }
}

/// Sets `path` in the tree (creating maps on the way), the last key to `value`.
fn insert(root: &mut Node, path: &[&str], value: Node) {
    let mut node = root;
    for (i, part) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Value::Map(entries) = &mut node.value else {
            return;
        };
        let idx = match entries
            .iter()
            .position(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(part)))
        {
            Some(i) => i,
            None => {
                entries.push((key_node(part, value.range), map(Vec::new(), value.range)));
                entries.len() - 1
            }
        };
        if last {
            entries[idx].1 = value;
            return;
        }
        node = &mut entries[idx].1;
    }
}

fn child_mut<'n>(root: &'n mut Node, path: &[&str]) -> Option<&'n mut Node> {
    let mut node = root;
    for part in path {
        let Value::Map(entries) = &mut node.value else {
            return None;
        };
        node = entries
            .iter_mut()
            .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(part)))
            .map(|(_, v)| v)?;
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_defaults_are_interpolated() {
        assert_eq!(
            interpolate("Host(`${DOMAIN:-localhost}`)"),
            "Host(`localhost`)"
        );
        assert_eq!(
            interpolate("Host(`api.${DOMAIN-x.io}`)"),
            "Host(`api.x.io`)"
        );
        assert_eq!(interpolate("Host(`${DOMAIN}`)"), "Host(`${DOMAIN}`)");
        assert_eq!(
            interpolate("Host(`api.${DOMAIN:?Variable not set}`)"),
            "Host(`api.${DOMAIN}`)"
        );
    }
}
