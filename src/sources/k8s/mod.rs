//! Reads Kubernetes manifests (multi-document YAML, `kind: List`) and hands each object to the
//! reader of its kind: Istio resources to [`crate::sources::edge::istio`], Services here.
//! Knows nothing about other files.

pub mod cd;
pub mod object;

use crate::sources::edge::{gateway_api, ingress, istio, kong, traefik};
use crate::sources::facts::{
    ComponentFact, ComponentKind, Facts, InlinePatch, PatchEntry, PatchTarget, SelectorFact,
    WorkloadFact,
};
use crate::sources::input::Input;
use crate::tree::Node;
use object::Object;

/// Extracts every object of a manifest file.
pub fn extract(input: Input<'_>) -> Facts {
    let mut facts = Facts::default();
    input.for_each_document(&mut facts, |node, facts| visit(input, node, facts, 0));
    facts
}

fn visit(input: Input<'_>, node: &Node, facts: &mut Facts, depth: usize) {
    // kustomize accepts a kustomization.yaml without apiVersion and kind.
    let named_kustomization = input.path.rsplit('/').next().is_some_and(|n| {
        matches!(
            n,
            "kustomization.yaml" | "kustomization.yml" | "Kustomization"
        )
    });
    // A Flux `Kustomization` is a CD object, not a kustomization.
    let flux = node
        .get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| v.starts_with("kustomize.toolkit.fluxcd.io/"));
    if depth == 0
        && !flux
        && (named_kustomization || node.get("kind").and_then(Node::as_str) == Some("Kustomization"))
    {
        kustomization(input, node, facts);
        return;
    }
    let Some(obj) = Object::new(node) else {
        return;
    };
    if obj.kind == "List" && depth < 4 {
        for item in node.get("items").and_then(Node::as_seq).unwrap_or_default() {
            visit(input, item, facts, depth + 1);
        }
        return;
    }
    if cd::is_cd_object(&obj) {
        cd::read(input, &obj, facts);
        return;
    }
    if let Some(known) = unknown_version(&obj) {
        let at = node.get("apiVersion").unwrap_or(node);
        facts.problem(
            input.node_span(at),
            format!(
                "{} with apiVersion `{}`: routelint reads {known}",
                obj.kind, obj.api_version
            ),
        );
        return;
    }
    if obj.api_version.starts_with("networking.istio.io/") {
        match obj.kind {
            "VirtualService" => istio::virtual_service(input, &obj, facts),
            "Gateway" => istio::gateway(input, &obj, facts),
            "EnvoyFilter" => istio::envoy_filter(input, &obj, facts),
            _ => {}
        }
    } else if obj.api_version.starts_with("gateway.networking.k8s.io/") {
        match obj.kind {
            "HTTPRoute" => gateway_api::http_route(input, &obj, facts),
            "Gateway" => gateway_api::gateway(input, &obj, facts),
            _ => {}
        }
    } else if obj.kind == "Ingress"
        && matches!(
            obj.api_version,
            "networking.k8s.io/v1" | "networking.k8s.io/v1beta1" | "extensions/v1beta1"
        )
    {
        ingress::ingress(input, &obj, facts);
    } else if obj.api_version.starts_with("configuration.konghq.com/") {
        kong::crd(input, &obj, facts);
    } else if obj.api_version.starts_with("traefik.io/")
        || obj.api_version.starts_with("traefik.containo.us/")
    {
        traefik::crd(input, &obj, facts);
    } else if obj.api_version == "v1" && obj.kind == "Service" {
        service(input, &obj, facts);
    } else if (obj.api_version == "apps/v1"
        && matches!(obj.kind, "Deployment" | "StatefulSet" | "DaemonSet"))
        || (obj.api_version.starts_with("argoproj.io/") && obj.kind == "Rollout")
    {
        workload(input, &obj, facts);
    }
}

/// For a routing kind routelint reads, the versions it knows when this object has another
/// (`networking.istio.io/v2 VirtualService`): reading it as a known version would be a guess.
fn unknown_version(obj: &Object<'_>) -> Option<&'static str> {
    let (group, version) = obj.api_version.rsplit_once('/')?;
    let (kinds, versions, known): (&[&str], &[&str], &'static str) = match group {
        "networking.istio.io" => (
            &["VirtualService", "Gateway"],
            &["v1alpha3", "v1beta1", "v1"],
            "networking.istio.io v1alpha3, v1beta1 and v1",
        ),
        "gateway.networking.k8s.io" => (
            &["HTTPRoute", "Gateway"],
            &["v1alpha2", "v1beta1", "v1"],
            "gateway.networking.k8s.io v1alpha2, v1beta1 and v1",
        ),
        "networking.k8s.io" => (
            &["Ingress"],
            &["v1", "v1beta1"],
            "networking.k8s.io/v1 and v1beta1 (and extensions/v1beta1)",
        ),
        _ => return None,
    };
    (kinds.contains(&obj.kind) && !versions.contains(&version)).then_some(known)
}

/// `resources`, `bases`, `components`, the patches, `namePrefix`, `nameSuffix`, `namespace` of
/// a kustomization.
fn kustomization(input: Input<'_>, node: &Node, facts: &mut Facts) {
    let mut k = crate::sources::facts::Kustomization::default();
    for key in ["resources", "bases", "components"] {
        match node.get(key) {
            None => {}
            Some(list) => match list.as_seq() {
                Some(items) => {
                    let listed = items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| (s.to_owned(), input.node_span(i))));
                    if key == "components" {
                        k.components.extend(listed);
                    } else {
                        k.resources.extend(listed);
                    }
                }
                None if list.is_null() => {}
                None => facts.problem(
                    input.node_span(list),
                    format!(
                        "kustomization: `{key}` must be a list, found {}",
                        list.type_name()
                    ),
                ),
            },
        }
    }
    // kustomize applies `patchesStrategicMerge`, then `patches`, then (after the names are
    // prefixed) `patchesJson6902`.
    for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
        for p in node.get(key).and_then(Node::as_seq).unwrap_or_default() {
            // A file name, or an entry whose `path` names one (inline `patch:` is no file).
            let path = match p.as_str() {
                // A `patchesStrategicMerge` entry may be the patch itself.
                Some(s) if s.contains('\n') => None,
                Some(_) => Some(p),
                None => p.get("path").filter(|n| n.as_str().is_some()),
            };
            if let Some(path) = path.and_then(Node::as_str) {
                k.patches.push(path.to_owned());
            }
            let inline = match p.as_str() {
                Some(s) if s.contains('\n') => Some(p),
                Some(_) => None,
                None => p.get("patch").filter(|n| n.as_str().is_some()),
            };
            let target = p.get("target").filter(|t| t.as_map().is_some());
            k.patch_entries.push(PatchEntry {
                path: path.and_then(|n| Some((n.as_str()?.to_owned(), input.node_span(n)))),
                inline: inline.and_then(|n| Some(inline_patch(input.text, n.as_str()?, n))),
                target: target.map(|t| patch_target(input, t)),
                json6902: key == "patchesJson6902",
                span: input.node_span(p),
            });
        }
    }
    let text = |key: &str| node.get(key).and_then(Node::as_str).map(str::to_owned);
    k.component = text("kind").as_deref() == Some("Component");
    k.name_prefix = text("namePrefix").unwrap_or_default();
    k.name_suffix = text("nameSuffix").unwrap_or_default();
    k.namespace = text("namespace");
    facts.kustomization = Some(k);
}

/// A `target:` selector.
fn patch_target(input: Input<'_>, t: &Node) -> PatchTarget {
    let text = |key: &str| t.get(key).and_then(Node::scalar_text);
    PatchTarget {
        group: text("group"),
        version: text("version"),
        kind: text("kind"),
        name: text("name"),
        namespace: text("namespace"),
        label_selector: text("labelSelector"),
        annotation_selector: text("annotationSelector"),
        // Where a target that matches nothing is reported: its name, the selector else.
        span: input.node_span(t.get("name").unwrap_or(t)),
    }
}

/// An inline patch's text, with where each of its lines sits in the kustomization: a block
/// scalar's lines are the file's lines without their indentation, found in order.
fn inline_patch(file: &str, text: &str, node: &Node) -> InlinePatch {
    let mut lines = Vec::new();
    let mut cursor = node.range.start.min(file.len());
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let found = if content.trim().is_empty() {
            None
        } else {
            file.get(cursor..)
                .and_then(|rest| rest.find(content))
                .map(|i| cursor + i)
        };
        match found {
            Some(pos) => {
                lines.push((at, pos));
                cursor = pos + content.len();
            }
            None => lines.push((at, cursor)),
        }
        at += line.len();
    }
    InlinePatch {
        text: text.to_owned(),
        lines,
    }
}

/// Extracts the objects of already parsed (and patched) documents of a manifest: what a
/// kustomization renders from it.
pub fn extract_documents(input: Input<'_>, docs: &[Node]) -> Facts {
    let mut facts = Facts::default();
    for doc in docs {
        visit(input, doc, &mut facts, 0);
    }
    facts
}

/// A `Service` is a name other layers forward to: `blog-service`, `blog-service.blog`,
/// `blog-service.blog.svc.cluster.local`.
fn service(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(name) = obj.name else {
        return;
    };
    let anchor = obj.anchor();
    let mut aliases = Vec::new();
    if let Some(ns) = obj.namespace {
        aliases.push(format!("{name}.{ns}"));
        aliases.push(format!("{name}.{ns}.svc"));
        aliases.push(format!("{name}.{ns}.svc.cluster.local"));
    }
    let selector = labels(obj.node.at(&["spec", "selector"]));
    if !selector.is_empty() {
        facts.selectors.push(SelectorFact {
            service: name.to_owned(),
            labels: selector,
        });
    }
    facts.components.push(ComponentFact {
        name: name.to_owned(),
        kind: ComponentKind::Service,
        aliases,
        hosts: Vec::new(),
        span: input.span(anchor.range.start, anchor.range.end),
    });
}

/// The string pairs of a label mapping (`app: blog-service`); other values are skipped.
fn labels(node: Option<&Node>) -> Vec<(String, String)> {
    node.and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.scalar_text()?)))
        .collect()
}

/// A workload: the labels of its pods (what a Service's selector picks) and its images (what
/// code runs there). Its `metadata.name` says nothing about routing but names it.
fn workload(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let Some(name) = obj.name else {
        return;
    };
    let template = obj.node.at(&["spec", "template"]);
    let images = template
        .and_then(|t| t.at(&["spec", "containers"]))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.get("image").and_then(Node::as_str).map(str::to_owned))
        .collect();
    let anchor = obj.anchor();
    facts.workloads.push(WorkloadFact {
        name: name.to_owned(),
        labels: labels(template.and_then(|t| t.at(&["metadata", "labels"]))),
        images,
        span: input.span(anchor.range.start, anchor.range.end),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Facts {
        extract(crate::sources::testing::test_input("deploy/x.yaml", text))
    }

    #[test]
    fn services_become_components_with_their_dns_names() {
        let f = run(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: blog-service\n  namespace: blog\nspec:\n  ports: [{port: 8005}]\n",
        );
        assert_eq!(f.components.len(), 1);
        assert_eq!(f.components[0].name, "blog-service");
        assert!(
            f.components[0]
                .aliases
                .contains(&"blog-service.blog.svc.cluster.local".to_owned())
        );
    }

    #[test]
    fn services_keep_their_selector_and_workloads_their_pod_labels_and_images() {
        let f = run(
            "apiVersion: v1\nkind: Service\nmetadata: {name: api-gateway-service}\nspec:\n  selector: {app: api-gateway}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api-gateway-deployment}\nspec:\n  template:\n    metadata:\n      labels: {app: api-gateway, version: v1}\n    spec:\n      containers:\n      - name: c\n        image: example/api-gateway:v1.0\n",
        );
        assert_eq!(f.selectors.len(), 1);
        assert_eq!(f.selectors[0].service, "api-gateway-service");
        assert_eq!(
            f.selectors[0].labels,
            vec![("app".to_owned(), "api-gateway".to_owned())]
        );
        assert_eq!(f.workloads.len(), 1);
        assert_eq!(f.workloads[0].name, "api-gateway-deployment");
        assert_eq!(f.workloads[0].labels.len(), 2);
        assert_eq!(
            f.workloads[0].images,
            vec!["example/api-gateway:v1.0".to_owned()]
        );
    }

    #[test]
    fn list_items_are_read() {
        let f = run(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n",
        );
        assert_eq!(f.components.len(), 2);
    }

    #[test]
    fn broken_yaml_is_a_problem_and_other_documents_still_count() {
        let f = run(
            "apiVersion: v1\nkind: Service\nmetadata: {name: [\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n",
        );
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.components.len(), 1);
    }

    #[test]
    fn unknown_api_versions_of_routing_kinds_are_problems() {
        let text = "apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata: {name: x}\nspec: {http: []}\n---\napiVersion: networking.k8s.io/v9\nkind: Ingress\nmetadata: {name: y}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: z}\n";
        let f = run(text);
        assert_eq!(f.problems.len(), 2, "{:?}", f.problems);
        assert_eq!(
            &text[f.problems[0].span.start as usize..f.problems[0].span.end as usize],
            "networking.istio.io/v2"
        );
    }

    #[test]
    fn non_kubernetes_yaml_is_ignored() {
        assert!(run("name: CI\non: [push]\n").is_empty());
        assert!(run("").is_empty());
        assert!(run("- a\n- b\n").is_empty());
    }
}
