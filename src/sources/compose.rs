//! docker-compose files (`docker-compose*.yml`, `compose*.yaml`): each service that is built
//! from a directory names the component whose code lives there (`build: ./orders` →
//! `orders-service`), and its aliases (`container_name`, network `aliases`) are names other
//! layers may forward to. Each service's literal `environment` is recorded for its build
//! context and the host paths it mounts (the values its envsubst templates are rendered
//! with). Reads one file; links nothing itself.

use crate::sources::edge::traefik::MwEntry;
use crate::sources::{
    facts::ComponentDir, facts::ComponentFact, facts::ComponentKind, facts::DirEnv, facts::Facts,
    input::Input,
};
use crate::tree::Node;

/// Whether a YAML file is a compose file, by its name.
pub fn sniff(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.starts_with("docker-compose") || n.starts_with("compose"))
        && (n.ends_with(".yml") || n.ends_with(".yaml"))
}

/// Reads the services of one compose file.
pub fn extract(input: Input<'_>) -> Facts {
    extract_with(input, &[])
}

/// Reads every compose file, each knowing the Traefik middlewares the compose files of its
/// directory define (the Docker provider sees every container's labels: a proxy stack in
/// `docker-compose.traefik.yml` defines the `https-redirect` the app's routers use).
pub(crate) fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    let dir = |i: &Input<'_>| i.path.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
    let defined: Vec<(String, Vec<MwEntry>)> = inputs
        .iter()
        .map(|i| (dir(i), labelled_middlewares(*i)))
        .collect();
    inputs
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let here = dir(i);
            let shared: Vec<MwEntry> = defined
                .iter()
                .enumerate()
                .filter(|(m, (d, _))| *m != n && *d == here)
                .flat_map(|(_, (_, e))| e.iter().cloned())
                .collect();
            extract_with(*i, &shared)
        })
        .collect()
}

/// The Traefik middlewares a compose file's labels define.
fn labelled_middlewares(input: Input<'_>) -> Vec<MwEntry> {
    let mut out = Vec::new();
    for doc in crate::tree::parse_yaml(input.text) {
        let Ok(root) = doc.result else { continue };
        let Some(entries) = root.get("services").and_then(Node::as_map) else {
            continue;
        };
        let labelled: Vec<(&str, &Node)> = entries
            .iter()
            .filter_map(|(k, s)| Some((k.as_str()?, s.get("labels")?)))
            .collect();
        out.extend(crate::sources::edge::traefik_labels::middlewares(
            input, &labelled,
        ));
    }
    out
}

fn extract_with(input: Input<'_>, shared: &[MwEntry]) -> Facts {
    let mut facts = Facts::default();
    let base = input.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    input.for_each_document(&mut facts, |root, facts| {
        let Some(services) = root.get("services") else {
            return;
        };
        let Some(entries) = services.as_map() else {
            if !services.is_null() {
                facts.problem(
                    input.node_span(services),
                    format!(
                        "compose: `services` must be a mapping, found {}",
                        services.type_name()
                    ),
                );
            }
            return;
        };
        let mut labelled: Vec<(&str, &Node)> = Vec::new();
        for (key, service) in entries {
            let Some(name) = key.as_str() else { continue };
            let mut aliases: Vec<String> = Vec::new();
            if let Some(c) = service.get("container_name").and_then(Node::as_str) {
                aliases.push(c.to_owned());
            }
            if let Some(nets) = service.get("networks").and_then(Node::as_map) {
                for (_, net) in nets {
                    for a in net
                        .get("aliases")
                        .and_then(Node::as_seq)
                        .into_iter()
                        .flatten()
                        .filter_map(Node::as_str)
                    {
                        aliases.push(a.to_owned());
                    }
                }
            }
            let context = match service.get("build") {
                Some(b) => b
                    .as_str()
                    .or_else(|| b.get("context").and_then(Node::as_str)),
                None => None,
            };
            if let Some(labels) = service.get("labels") {
                labelled.push((name, labels));
            }
            let vars = environment(service);
            if !vars.is_empty() {
                let dirs = context
                    .into_iter()
                    .chain(mounted(service))
                    .filter_map(|c| join(base, c));
                for dir in dirs {
                    facts.dir_env.push(DirEnv {
                        dir,
                        vars: vars.clone(),
                        layer: 1,
                    });
                }
            }
            // Only services built from a directory are components of this repository (an
            // `image: redis` service has no code here).
            let Some(dir) = context.and_then(|c| join(base, c)) else {
                continue;
            };
            facts.components.push(ComponentFact {
                name: name.to_owned(),
                kind: ComponentKind::Service,
                aliases,
                hosts: Vec::new(),
                span: input.node_span(key),
            });
            facts.component_dirs.push(ComponentDir {
                dir,
                name: name.to_owned(),
                span: input.node_span(key),
            });
        }
        crate::sources::edge::traefik_labels::read_all(input, &labelled, shared, facts);
    });
    facts
}

/// A service's `environment` (a mapping, or a list of `NAME=value`), literal values only:
/// compose interpolates `$NAME` from the host, which routelint does not see.
fn environment(service: &Node) -> Vec<(String, String)> {
    let Some(env) = service.get("environment") else {
        return Vec::new();
    };
    let pairs: Vec<(String, String)> = match (env.as_map(), env.as_seq()) {
        (Some(map), _) => map
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.scalar_text()?)))
            .collect(),
        (_, Some(seq)) => seq
            .iter()
            .filter_map(|item| {
                let (k, v) = item.as_str()?.split_once('=')?;
                Some((k.trim().to_owned(), v.to_owned()))
            })
            .collect(),
        _ => Vec::new(),
    };
    pairs
        .into_iter()
        .filter(|(_, v)| !v.contains('$'))
        .collect()
}

/// The host paths a service bind-mounts (`./nginx:/etc/nginx/conf.d`, `{type: bind, source}`),
/// relative ones only.
fn mounted(service: &Node) -> impl Iterator<Item = &str> {
    service
        .get("volumes")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|v| match v.as_str() {
            Some(short) => short.split(':').next(),
            None => v.get("source").and_then(Node::as_str),
        })
        .filter(|host| host.starts_with('.'))
}

/// A build context relative to the compose file's directory, `/`-separated, without `./`;
/// `None` for a URL or a path that leaves the checked tree.
fn join(base: &str, context: &str) -> Option<String> {
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in context.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_services_literal_environment_reaches_its_build_context_and_mounts() {
        let text = "services:
  nginx:
    image: nginx:1.23
    environment:
      - DOMAIN=localhost
      - SECRET=${SECRET}
    volumes:
      - ./data/nginx:/etc/nginx/conf.d
      - logs:/var/log/nginx
  web:
    build: ./web
    environment:
      USER_HOST: users
";
        let f = extract(crate::sources::testing::test_input(
            "deployment/docker-compose.yml",
            text,
        ));
        let got: Vec<(&str, Vec<(&str, &str)>)> = f
            .dir_env
            .iter()
            .map(|e| {
                (
                    e.dir.as_str(),
                    e.vars
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("deployment/data/nginx", vec![("DOMAIN", "localhost")]),
                ("deployment/web", vec![("USER_HOST", "users")]),
            ]
        );
    }

    #[test]
    fn built_services_name_their_directories() {
        let text = "services:
  orders-service:
    build: ./orders
    container_name: orders
  users:
    build:
      context: ../services/users
      dockerfile: Dockerfile
    networks:
      backend:
        aliases: [users-api]
  redis:
    image: redis:7
";
        let f = extract(crate::sources::testing::test_input(
            "deploy/docker-compose.yml",
            text,
        ));
        let dirs: Vec<(&str, &str)> = f
            .component_dirs
            .iter()
            .map(|d| (d.dir.as_str(), d.name.as_str()))
            .collect();
        assert_eq!(
            dirs,
            [
                ("deploy/orders", "orders-service"),
                ("services/users", "users")
            ]
        );
        let comps: Vec<(&str, Vec<String>)> = f
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.aliases.clone()))
            .collect();
        assert_eq!(
            comps,
            [
                ("orders-service", vec!["orders".to_owned()]),
                ("users", vec!["users-api".to_owned()]),
            ]
        );
        assert!(f.problems.is_empty());
    }

    #[test]
    fn odd_compose_files_are_problems_or_nothing() {
        let run = |text: &str| extract(crate::sources::testing::test_input("compose.yaml", text));
        assert_eq!(run("services: [a, b]\n").problems.len(), 1);
        assert!(run("version: '3'\n").is_empty());
        assert!(
            run("services:\n  x:\n    build: https://github.com/a/b.git\n")
                .component_dirs
                .is_empty()
        );
        assert!(
            run("services:\n  x:\n    build: ../../../outside\n")
                .component_dirs
                .is_empty()
        );
    }
}
