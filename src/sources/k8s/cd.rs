//! Reads the objects that say which directory of the repository is deployed: ArgoCD
//! `Application` and `ApplicationSet`, Flux `Kustomization`, skaffold `Config`. Records each
//! source's path as written (normalised); which deployment it names is decided later.
//!
//! ArgoCD and Flux paths are relative to the repository root, skaffold's to the skaffold file.
//! A source that deploys a Helm chart from a registry (`chart:`) names no directory and is not
//! recorded; an `ApplicationSet` path is recorded only when it is literal once a list element
//! or a git directory generator entry is put in.

use crate::sources::facts::{CdSource, CdTool, Facts};
use crate::sources::input::Input;
use crate::tree::Node;

use super::object::Object;

/// Whether the object is one this reader reads (the caller then reads nothing else of it).
pub fn is_cd_object(obj: &Object<'_>) -> bool {
    let group = obj.api_version.split('/').next().unwrap_or("");
    matches!(
        (group, obj.kind),
        ("argoproj.io", "Application" | "ApplicationSet")
            | ("kustomize.toolkit.fluxcd.io", "Kustomization")
            | ("skaffold", "Config")
    )
}

pub fn read(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let group = obj.api_version.split('/').next().unwrap_or("");
    match (group, obj.kind) {
        ("argoproj.io", "Application") => application(input, obj, facts),
        ("argoproj.io", "ApplicationSet") => application_set(input, obj, facts),
        ("kustomize.toolkit.fluxcd.io", "Kustomization") => flux(input, obj, facts),
        ("skaffold", "Config") => skaffold(input, obj, facts),
        _ => {}
    }
}

/// `./k8s/overlays/prod/` → `k8s/overlays/prod`; `.` and `./` → ``.
pub fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.trim().split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn text(node: Option<&Node>) -> String {
    node.and_then(Node::as_str).unwrap_or_default().to_owned()
}

fn source(
    input: Input<'_>,
    tool: CdTool,
    name: &str,
    src: &Node,
    path: &str,
    path_node: &Node,
) -> CdSource {
    let kustomize = src.get("kustomize");
    CdSource {
        tool,
        name: name.to_owned(),
        path: normalise(path),
        exclude: Vec::new(),
        span: input.node_span(path_node),
        name_prefix: text(kustomize.and_then(|k| k.get("namePrefix"))),
        name_suffix: text(kustomize.and_then(|k| k.get("nameSuffix"))),
        namespace: kustomize
            .and_then(|k| k.get("namespace"))
            .and_then(Node::as_str)
            .map(str::to_owned),
        values_files: src
            .at(&["helm", "valueFiles"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    }
}

/// `spec.source` and `spec.sources[]` of an Application (or an ApplicationSet's template).
fn sources_of(spec: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = spec.get("source").into_iter().collect();
    out.extend(
        spec.get("sources")
            .and_then(Node::as_seq)
            .unwrap_or_default(),
    );
    out.into_iter()
        .filter(|s| s.get("chart").is_none() && s.get("path").and_then(Node::as_str).is_some())
        .collect()
}

fn application(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(spec) = obj.node.get("spec") else {
        return;
    };
    for src in sources_of(spec) {
        let Some(path_node) = src.get("path") else {
            continue;
        };
        let path = path_node.as_str().unwrap_or_default();
        if path.contains("{{") {
            continue;
        }
        facts.cd_sources.push(source(
            input,
            CdTool::ArgoApplication,
            obj.display_name(),
            src,
            path,
            path_node,
        ));
    }
}

/// `{{key}}`, `{{ key }}`, `{{.key}}` replaced by the values given; `None` while a placeholder
/// remains (a path routelint cannot know).
fn fill(template: &str, values: &[(String, String)]) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..].find("}}")? + start;
        let key = rest[start + 2..end].trim().trim_start_matches('.');
        let (_, value) = values.iter().find(|(k, _)| k == key)?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

fn application_set(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(spec) = obj.node.get("spec") else {
        return;
    };
    let Some(template) = spec.at(&["template", "spec"]) else {
        return;
    };
    let generators = spec
        .get("generators")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for src in sources_of(template) {
        let Some(path_node) = src.get("path") else {
            continue;
        };
        let path = path_node.as_str().unwrap_or_default();
        let push = |facts: &mut Facts, p: String, exclude: Vec<String>| {
            let mut s = source(
                input,
                CdTool::ArgoApplicationSet,
                obj.display_name(),
                src,
                &p,
                path_node,
            );
            s.exclude = exclude;
            facts.cd_sources.push(s);
        };
        if !path.contains("{{") {
            push(facts, path.to_owned(), Vec::new());
            continue;
        }
        for g in generators {
            // List generator: each element's string values fill the template.
            for el in g
                .at(&["list", "elements"])
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                let values: Vec<(String, String)> = el
                    .as_map()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.scalar_text()?)))
                    .collect();
                if let Some(p) = fill(path, &values) {
                    push(facts, p, Vec::new());
                }
            }
            // Git directory generator: `{{path}}` (`{{.path.path}}` in Go templates) is each
            // directory matching an entry that is not excluded.
            let dirs = g
                .at(&["git", "directories"])
                .and_then(Node::as_seq)
                .unwrap_or_default();
            let excluded: Vec<String> = dirs
                .iter()
                .filter(|d| d.get("exclude").and_then(Node::as_bool) == Some(true))
                .filter_map(|d| d.get("path").and_then(Node::as_str).map(normalise))
                .collect();
            for d in dirs {
                if d.get("exclude").and_then(Node::as_bool) == Some(true) {
                    continue;
                }
                let Some(dir) = d.get("path").and_then(Node::as_str) else {
                    continue;
                };
                let values = [
                    ("path".to_owned(), dir.to_owned()),
                    ("path.path".to_owned(), dir.to_owned()),
                ];
                if let Some(p) = fill(path, &values) {
                    push(facts, p, excluded.clone());
                }
            }
        }
    }
}

fn flux(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(spec) = obj.node.get("spec") else {
        return;
    };
    let Some(path_node) = spec.get("path") else {
        return;
    };
    let Some(path) = path_node.as_str() else {
        return;
    };
    facts.cd_sources.push(CdSource {
        tool: CdTool::Flux,
        name: obj.display_name().to_owned(),
        path: normalise(path),
        exclude: Vec::new(),
        span: input.node_span(path_node),
        name_prefix: text(spec.get("namePrefix")),
        name_suffix: text(spec.get("nameSuffix")),
        namespace: spec
            .get("targetNamespace")
            .and_then(Node::as_str)
            .map(str::to_owned),
        values_files: Vec::new(),
    });
}

/// `manifests.kustomize.paths` (skaffold v2+) and `deploy.kustomize.paths` (v1), of the
/// config and of each profile; relative to the skaffold file's directory.
fn skaffold(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let dir = input.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let config_name = obj.name.unwrap_or("skaffold");
    let read = |node: &Node, name: &str, facts: &mut Facts| {
        for key in ["manifests", "deploy"] {
            for p in node
                .at(&[key, "kustomize", "paths"])
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                let Some(path) = p.as_str() else {
                    continue;
                };
                facts.cd_sources.push(CdSource {
                    tool: CdTool::Skaffold,
                    name: name.to_owned(),
                    path: normalise(&format!("{dir}/{path}")),
                    exclude: Vec::new(),
                    span: input.node_span(p),
                    name_prefix: String::new(),
                    name_suffix: String::new(),
                    namespace: None,
                    values_files: Vec::new(),
                });
            }
        }
    };
    read(obj.node, config_name, facts);
    for profile in obj
        .node
        .get("profiles")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let name = profile
            .get("name")
            .and_then(Node::as_str)
            .map(|n| format!("{config_name} profile {n}"))
            .unwrap_or_else(|| config_name.to_owned());
        read(profile, &name, facts);
    }
}

#[cfg(test)]
mod tests {
    use crate::sources::facts::CdTool;

    fn run(path: &str, text: &str) -> Vec<(CdTool, String, String)> {
        crate::sources::k8s::extract(crate::sources::testing::test_input(path, text))
            .cd_sources
            .into_iter()
            .map(|s| (s.tool, s.name, s.path))
            .collect()
    }

    #[test]
    fn an_application_names_its_source_paths_and_not_its_charts() {
        let got = run(
            "argocd/app.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop-prod}\nspec:\n  source:\n    repoURL: https://example.com/shop.git\n    path: ./deploy/overlays/prod/\n  sources:\n  - {repoURL: https://charts.example.com, chart: loki}\n  - {repoURL: https://example.com/shop.git, path: deploy/extra}\n",
        );
        assert_eq!(
            got,
            [
                (
                    CdTool::ArgoApplication,
                    "shop-prod".to_owned(),
                    "deploy/overlays/prod".to_owned()
                ),
                (
                    CdTool::ArgoApplication,
                    "shop-prod".to_owned(),
                    "deploy/extra".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn application_set_generators_fill_the_template_path() {
        let got = run(
            "argocd/set.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: envs}\nspec:\n  generators:\n  - list:\n      elements:\n      - {env: prod}\n      - {env: staging}\n  - git:\n      directories:\n      - path: apps/*\n      - {path: apps/legacy, exclude: true}\n  template:\n    metadata: {name: '{{env}}'}\n    spec:\n      source: {repoURL: x, path: 'deploy/overlays/{{env}}'}\n",
        );
        assert_eq!(
            got.iter().map(|g| g.2.as_str()).collect::<Vec<_>>(),
            ["deploy/overlays/prod", "deploy/overlays/staging"],
            "the git entries do not fill `{{{{env}}}}`"
        );
        let got = run(
            "argocd/set.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: dirs}\nspec:\n  generators:\n  - git:\n      directories:\n      - path: apps/*\n  template:\n    spec:\n      source: {repoURL: x, path: '{{path}}'}\n",
        );
        assert_eq!(got[0].2, "apps/*");
    }

    #[test]
    fn flux_kustomizations_and_skaffold_profiles_name_directories() {
        let got = run(
            "clusters/prod/apps.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec:\n  path: ./deploy/overlays/prod\n  sourceRef: {kind: GitRepository, name: shop}\n",
        );
        assert_eq!(
            got,
            [(
                CdTool::Flux,
                "apps".to_owned(),
                "deploy/overlays/prod".to_owned()
            )]
        );
        let got = run(
            "dev/skaffold.yaml",
            "apiVersion: skaffold/v4beta13\nkind: Config\nmanifests:\n  kustomize:\n    paths: [../deploy/overlays/local]\nprofiles:\n- name: prod\n  manifests:\n    kustomize:\n      paths: [../deploy/overlays/prod]\n",
        );
        assert_eq!(
            got,
            [
                (
                    CdTool::Skaffold,
                    "skaffold".to_owned(),
                    "deploy/overlays/local".to_owned()
                ),
                (
                    CdTool::Skaffold,
                    "skaffold profile prod".to_owned(),
                    "deploy/overlays/prod".to_owned()
                ),
            ]
        );
    }
}
