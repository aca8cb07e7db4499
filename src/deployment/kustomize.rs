//! Deployments: which manifests each kustomize overlay renders, and under which names.
//!
//! semantics.md: a manifest that a kustomization lists exists only as that kustomization renders
//! it — `namePrefix`, `nameSuffix` and `namespace` applied to the objects' names (kustomize's
//! built-in name references follow into Ingress backends, but not into Istio `gateways:`,
//! VirtualService destinations or Gateway API `parentRefs`, which are custom resources); a
//! manifest outside every kustomization's folder is applied as written; each top-level kustomization (one no
//! other kustomization includes) is its own deployment. A manifest in a kustomization's folder
//! that no kustomization lists (a stale file, a patch) is not deployed: it only lends objects
//! nothing deployed is named like. A kustomization's patches ([`crate::deployment::patch`])
//! apply to the documents it renders before its own renaming; a manifest a patch changes is
//! read again from its patched documents. Works on extracted facts and the texts already read;
//! reads no file.

use std::collections::{BTreeMap, BTreeSet};

use crate::deployment::patch::{self, Resource};
use crate::model::topology::FileFacts;
use crate::source_file::{FileId, SourceMap, Span};
use crate::sources::facts::{CdSource, CdTool, ComponentKind, Dialect, Problem, Target};
use crate::tree::Node;

/// One deployment: its name (the top kustomization's directory) and the facts as deployed.
#[derive(Debug)]
pub struct Deployment {
    /// `None`: the repository is one deployment, as written.
    pub name: Option<String>,
    pub files: Vec<FileFacts>,
    /// The kustomization it renders (`None`: manifests as written).
    pub kustomization: Option<FileId>,
    /// The CD objects (and skaffold configs) that deploy it.
    pub deployed_by: Vec<DeployedBy>,
    /// Objects lent by manifests no kustomization lists: assumed applied by hand.
    pub assumed: Vec<Assumed>,
    /// Files in a kustomization's folder that no kustomization of it lists.
    pub unlisted: BTreeSet<FileId>,
    /// Whether it deploys anything that routes or serves (not only other CD objects).
    pub has_content: bool,
}

/// A CD object's source that deploys a deployment.
#[derive(Clone, Debug)]
pub struct DeployedBy {
    pub tool: CdTool,
    pub name: String,
    /// The source's `path` value.
    pub span: Span,
}

/// An object that only a manifest no kustomization lists declares, kept because something
/// deployed names it.
#[derive(Clone, Debug)]
pub struct Assumed {
    pub name: String,
    pub kind: ComponentKind,
    pub span: Span,
}

impl Assumed {
    /// "Istio Gateway", "Service": what the object is, for notes.
    pub fn what(&self) -> &'static str {
        match self.kind {
            ComponentKind::Edge => "Istio Gateway",
            ComponentKind::GatewayApi => "Gateway",
            ComponentKind::Ingress => "ingress controller",
            ComponentKind::Service => "Service",
        }
    }
}

/// The deployments of a repository, and which one its CD deploys.
#[derive(Debug)]
pub struct Deployments {
    pub list: Vec<Deployment>,
    /// The index of the default deployment.
    pub default: usize,
    /// The CD source that makes it the default, when the repository says.
    pub default_by: Option<DeployedBy>,
    /// CD sources whose path is no kustomization of the repository.
    pub unmatched: Vec<CdSource>,
    /// Patches that cannot apply, at the patch (each once, whichever deployments render it).
    pub problems: Vec<Problem>,
}

/// A deployment to render: its top kustomization, how each manifest it lists is renamed, what
/// deploys it, and whether its name says what deploys it.
type Plan = (usize, BTreeMap<usize, Rename>, Vec<DeployedBy>, bool);

/// How a kustomization chain renames an object.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Rename {
    prefix: String,
    suffix: String,
    namespace: Option<String>,
}

impl Rename {
    fn name(&self, n: &str) -> String {
        format!("{}{n}{}", self.prefix, self.suffix)
    }

    fn is_identity(&self) -> bool {
        self.prefix.is_empty() && self.suffix.is_empty() && self.namespace.is_none()
    }
}

fn dir_of(display: &str) -> &str {
    display.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// `a/b` + `../c/x.yaml` → `a/c/x.yaml`.
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.split('/') {
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

/// Splits the repository into deployments. Without kustomizations there is one, as written.
/// A kustomization is a deployment when no other includes it, or when a CD object deploys it
/// (then as that object renders it: ArgoCD's `kustomize.namePrefix` around its own).
pub fn deployments(files: Vec<FileFacts>, sources: &SourceMap) -> Deployments {
    let kusts: BTreeMap<String, usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.facts.kustomization.is_some())
        .map(|(i, f)| (dir_of(&f.display).to_owned(), i))
        .collect();
    let cd_sources: Vec<CdSource> = files
        .iter()
        .flat_map(|f| f.facts.cd_sources.iter().cloned())
        .collect();
    if kusts.is_empty() {
        // The manifests as written: a CD source naming a directory that holds some deploys it.
        let (named, unmatched): (Vec<CdSource>, Vec<CdSource>) =
            cd_sources.into_iter().partition(|s| {
                files
                    .iter()
                    .any(|f| is_manifest(f) && is_under(&f.display, &s.path))
            });
        let deployed_by: Vec<DeployedBy> = named
            .into_iter()
            .map(|s| DeployedBy {
                tool: s.tool,
                name: s.name,
                span: s.span,
            })
            .collect();
        let default_by = deployed_by.first().cloned();
        let mut files = files;
        crate::deployment::workloads::link_code(&mut files);
        return Deployments {
            list: vec![Deployment {
                name: None,
                files,
                kustomization: None,
                deployed_by,
                assumed: Vec::new(),
                unlisted: BTreeSet::new(),
                has_content: true,
            }],
            default: 0,
            default_by,
            unmatched,
            problems: Vec::new(),
        };
    }
    let by_display: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.display.as_str(), i))
        .collect();
    // Which kustomizations and manifests each kustomization lists directly.
    let mut children: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (dir, &ki) in &kusts {
        let Some(k) = &files[ki].facts.kustomization else {
            continue;
        };
        let mut subs = Vec::new();
        let mut manifests = Vec::new();
        for (res, _) in &k.resources {
            if res.contains("://") || res.starts_with("github.com/") {
                continue;
            }
            let path = join(dir, res);
            if let Some(&sub) = kusts.get(&path) {
                subs.push(sub);
            } else if let Some(&m) = by_display.get(path.as_str()) {
                manifests.push(m);
            }
        }
        // Components render inside the kustomization that lists them.
        for (c, _) in &k.components {
            if let Some(&sub) = kusts.get(&join(dir, c)) {
                subs.push(sub);
            }
        }
        children.insert(ki, (subs, manifests));
    }
    // Patch files are patches, not objects: they lend nothing.
    let patches: BTreeSet<usize> = kusts
        .iter()
        .filter_map(|(dir, &ki)| Some((dir, files[ki].facts.kustomization.as_ref()?)))
        .flat_map(|(dir, k)| k.patches.iter().map(move |p| join(dir, p)))
        .filter_map(|p| by_display.get(p.as_str()).copied())
        .collect();
    let included: BTreeSet<usize> = children
        .values()
        .flat_map(|(s, _)| s.iter().copied())
        .collect();
    // The roots: each kustomization a CD source names, as it renders it; each top-level one
    // nothing names, as written.
    let (targets, unmatched) = crate::deployment::cd::targets(&cd_sources, &kusts);
    let mut roots: BTreeMap<(&str, Rename), (usize, Vec<DeployedBy>)> = BTreeMap::new();
    for (dir, k, src) in targets {
        let rename = Rename {
            prefix: src.name_prefix.clone(),
            suffix: src.name_suffix.clone(),
            namespace: src.namespace.clone(),
        };
        roots
            .entry((dir, rename))
            .or_insert((k, Vec::new()))
            .1
            .push(DeployedBy {
                tool: src.tool,
                name: src.name.clone(),
                span: src.span,
            });
    }
    let named: BTreeMap<usize, usize> = roots.values().fold(BTreeMap::new(), |mut m, (k, _)| {
        *m.entry(*k).or_default() += 1;
        m
    });
    for (dir, &top) in &kusts {
        if !included.contains(&top) && !named.contains_key(&top) {
            roots.insert((dir.as_str(), Rename::default()), (top, Vec::new()));
        }
    }
    let mut covered = BTreeSet::new();
    let mut plans: Vec<Plan> = Vec::new();
    for ((_, outer), (top, by)) in roots {
        let mut out = BTreeMap::new();
        collect(&files, &children, top, &outer, &mut out, 0);
        covered.extend(out.keys().copied());
        // A kustomization rendered several ways is told apart by what deploys it.
        let tell_by = named.get(&top).is_some_and(|n| *n > 1);
        plans.push((top, out, by, tell_by));
    }
    // A manifest in a kustomization's folder that no kustomization lists (a stale file, a
    // patch) is not deployed by it.
    let unlisted: BTreeSet<usize> = files
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            !covered.contains(i)
                && f.facts.kustomization.is_none()
                && is_manifest(f)
                && kusts.keys().any(|d| is_under(&f.display, d))
        })
        .map(|(i, _)| i)
        .collect();
    let one_as_written = plans.len() <= 1
        && plans
            .iter()
            .all(|(_, m, _, _)| m.values().all(Rename::is_identity));
    let texts: BTreeMap<&str, (FileId, &str)> = sources
        .files()
        .iter()
        .map(|f| (f.display.as_str(), (f.id, f.text.as_str())))
        .collect();
    let mut problems: Vec<Problem> = Vec::new();
    let list: Vec<Deployment> = plans
        .into_iter()
        .map(|(top, renames, deployed_by, tell_by)| {
            let patched = patched(&files, &children, top, &texts, &mut problems);
            // The kustomizations this one renders: the others' files are none of its
            // business (each in every deployment cost memory in the square of the overlays).
            let mut own_kusts = BTreeSet::new();
            let mut stack = vec![top];
            while let Some(k) = stack.pop() {
                if own_kusts.insert(k)
                    && let Some((subs, _)) = children.get(&k)
                {
                    stack.extend(subs.iter().copied());
                }
            }
            let mut deployed: Vec<FileFacts> = files
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    if f.facts.kustomization.is_some() && !own_kusts.contains(i) {
                        return false;
                    }
                    (!covered.contains(i) && !unlisted.contains(i)) || renames.contains_key(i)
                })
                .map(|(i, f)| {
                    let f = match patched.get(&i) {
                        Some(docs) => reread(f, docs, &texts, &mut problems),
                        None => clone_facts(f),
                    };
                    match renames.get(&i) {
                        Some(r) => rendered(&f, r),
                        None => f,
                    }
                })
                .collect();
            let has_content = renames.keys().any(|&i| {
                let f = &files[i].facts;
                !f.routes.is_empty() || !f.components.is_empty() || !f.workloads.is_empty()
            });
            let names: BTreeSet<String> = deployed
                .iter()
                .flat_map(|f| &f.facts.components)
                .flat_map(|c| std::iter::once(&c.name).chain(&c.aliases))
                .cloned()
                .collect();
            let lent: Vec<FileFacts> = unlisted
                .iter()
                .filter(|i| !patches.contains(i))
                .filter_map(|&i| fallback(&files[i], &names))
                .collect();
            let assumed = lent
                .iter()
                .flat_map(|f| &f.facts.components)
                .map(|c| Assumed {
                    name: c.name.clone(),
                    kind: c.kind,
                    span: c.span,
                })
                .collect();
            deployed.extend(lent);
            crate::deployment::workloads::link_code(&mut deployed);
            let dir = Some(dir_of(&files[top].display).to_owned())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| ".".to_owned());
            Deployment {
                name: if one_as_written {
                    None
                } else if tell_by {
                    let by: Vec<&str> = deployed_by.iter().map(|b| b.name.as_str()).collect();
                    Some(format!("{dir} ({})", by.join(", ")))
                } else {
                    Some(dir)
                },
                files: deployed,
                kustomization: Some(files[top].file),
                deployed_by,
                assumed,
                unlisted: unlisted.iter().map(|&i| files[i].file).collect(),
                has_content,
            }
        })
        .collect();
    let (default, default_by) = crate::deployment::cd::default_of(&list);
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert((p.span, p.message.clone())));
    Deployments {
        list,
        default,
        default_by,
        unmatched,
        problems,
    }
}

/// The documents of each manifest a deployment renders that its kustomizations' patches
/// change (the others render as written). Empty when no kustomization of it patches.
fn patched(
    files: &[FileFacts],
    children: &BTreeMap<usize, (Vec<usize>, Vec<usize>)>,
    top: usize,
    texts: &BTreeMap<&str, (FileId, &str)>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<usize, Vec<Node>> {
    fn patches_below(
        files: &[FileFacts],
        children: &BTreeMap<usize, (Vec<usize>, Vec<usize>)>,
        k: usize,
        depth: usize,
    ) -> bool {
        let own = files[k]
            .facts
            .kustomization
            .as_ref()
            .is_some_and(|k| !k.patch_entries.is_empty());
        own || (depth < 16
            && children.get(&k).is_some_and(|(subs, _)| {
                subs.iter()
                    .any(|&s| patches_below(files, children, s, depth + 1))
            }))
    }
    if !patches_below(files, children, top, 0) {
        return BTreeMap::new();
    }
    let mut resources = Vec::new();
    render_into(
        files,
        children,
        top,
        texts,
        problems,
        0,
        None,
        &mut resources,
    );
    let changed: BTreeSet<usize> = resources
        .iter()
        .filter(|r| r.changed)
        .map(|r| r.manifest)
        .collect();
    let mut out: BTreeMap<usize, Vec<(usize, Node)>> = BTreeMap::new();
    for r in resources {
        if changed.contains(&r.manifest) && !r.deleted {
            out.entry(r.manifest).or_default().push((r.doc, r.node));
        }
    }
    for m in &changed {
        out.entry(*m).or_default();
    }
    out.into_iter()
        .map(|(m, mut docs)| {
            docs.sort_by_key(|(d, _)| *d);
            (m, docs.into_iter().map(|(_, n)| n).collect())
        })
        .collect()
}

/// Adds to `out` everything kustomization `k` renders (its resources, its bases', then its
/// components'), with its patches applied. A kustomization's patches and renaming apply to
/// what it renders; a component's (`listed_in`: where the listing kustomization's objects
/// start in `out`) to everything the kustomization listing it renders so far, as kustomize
/// applies them. The names it tracks are only to match targets: facts are renamed afterwards
/// ([`rendered`]).
#[allow(clippy::too_many_arguments)]
fn render_into(
    files: &[FileFacts],
    children: &BTreeMap<usize, (Vec<usize>, Vec<usize>)>,
    k: usize,
    texts: &BTreeMap<&str, (FileId, &str)>,
    problems: &mut Vec<Problem>,
    depth: usize,
    listed_in: Option<usize>,
    out: &mut Vec<Resource>,
) {
    let (Some(kust), Some((subs, manifests))) = (&files[k].facts.kustomization, children.get(&k))
    else {
        return;
    };
    let own = out.len();
    for &m in manifests {
        let Some((_, text)) = texts.get(files[m].display.as_str()) else {
            continue;
        };
        let docs: Vec<Node> = if files[m].display.to_ascii_lowercase().ends_with(".json") {
            crate::tree::parse_json(text).into_iter().collect()
        } else {
            crate::tree::parse_yaml(text)
                .into_iter()
                .filter_map(|d| d.result.ok())
                .collect()
        };
        out.extend(
            docs.into_iter()
                .enumerate()
                .map(|(d, n)| Resource::new(m, d, n)),
        );
    }
    if depth < 16 {
        // Bases first, then components (which see what the bases render).
        let is_component = |s: usize| {
            files[s]
                .facts
                .kustomization
                .as_ref()
                .is_some_and(|k| k.component)
        };
        for &s in subs.iter().filter(|&&s| !is_component(s)) {
            render_into(files, children, s, texts, problems, depth + 1, None, out);
        }
        for &s in subs.iter().filter(|&&s| is_component(s)) {
            render_into(
                files,
                children,
                s,
                texts,
                problems,
                depth + 1,
                Some(own),
                out,
            );
        }
    }
    // A component nothing lists patches nothing: it is no deployment of its own to kustomize.
    let scope = match (kust.component, listed_in) {
        (true, Some(start)) => start,
        (true, None) => return,
        (false, _) => own,
    };
    let dir = dir_of(&files[k].display);
    let mut renamed = false;
    let rename = |out: &mut [Resource]| {
        for r in out.iter_mut() {
            r.name = r
                .name
                .as_ref()
                .map(|n| format!("{}{n}{}", kust.name_prefix, kust.name_suffix));
            if kust.namespace.is_some() {
                r.namespace = kust.namespace.clone();
            }
        }
    };
    for entry in &kust.patch_entries {
        // `patchesJson6902` runs after the names are prefixed.
        if entry.json6902 && !renamed {
            rename(&mut out[scope..]);
            renamed = true;
        }
        let file = entry.path.as_ref().and_then(|(p, _)| {
            let path = join(dir, p);
            texts
                .get_key_value(path.as_str())
                .map(|(d, (id, t))| (*id, *d, *t))
        });
        match patch::read(entry, file) {
            Ok(p) => patch::apply(&p, &mut out[scope..], problems),
            Err(p) => problems.push(p),
        }
    }
    if !renamed {
        rename(&mut out[scope..]);
    }
}

/// A manifest's facts read again from its patched documents. Problems the patched values
/// raise are the patches'; the file's own were reported when it was read.
fn reread(
    f: &FileFacts,
    docs: &[Node],
    texts: &BTreeMap<&str, (FileId, &str)>,
    problems: &mut Vec<Problem>,
) -> FileFacts {
    let text = texts.get(f.display.as_str()).map_or("", |(_, t)| t);
    let input = crate::sources::input::Input {
        file: f.file,
        path: &f.display,
        text,
    };
    let mut facts = crate::sources::k8s::extract_documents(input, docs);
    problems.extend(facts.problems.drain(..).filter(|p| p.span.file != f.file));
    facts.problems = f.facts.problems.clone();
    FileFacts {
        file: f.file,
        display: f.display.clone(),
        project: f.project.clone(),
        facts,
    }
}

/// Whether `display` lies in directory `dir` or below it.
fn is_under(display: &str, dir: &str) -> bool {
    dir.is_empty() || display.starts_with(&format!("{dir}/"))
}

/// A Kubernetes manifest (not a compose file, nor code): what a kustomization may list.
fn is_manifest(f: &FileFacts) -> bool {
    let name = f.display.rsplit('/').next().unwrap_or(&f.display);
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json");
    let routes_k8s = f.facts.routes.iter().all(|r| {
        matches!(
            r.dialect,
            Dialect::Istio
                | Dialect::GatewayApi
                | Dialect::Ingress
                | Dialect::Kong
                | Dialect::Traefik
        )
    });
    yaml && !crate::sources::compose::sniff(name)
        && f.facts.endpoints.is_empty()
        && f.facts.calls.is_empty()
        && routes_k8s
}

/// What an unlisted manifest still lends a deployment: the objects it declares that nothing
/// deployed is named like, so references to them resolve (assumed applied by hand). Its routes
/// and workloads are not deployed.
fn fallback(f: &FileFacts, deployed: &BTreeSet<String>) -> Option<FileFacts> {
    let mut out = clone_facts(f);
    out.facts.routes.clear();
    out.facts.workloads.clear();
    out.facts.kong_overrides.clear();
    out.facts.kong_override_refs.clear();
    out.facts.error_shapes.clear();
    out.facts.components.retain(|c| !deployed.contains(&c.name));
    let kept: BTreeSet<String> = out
        .facts
        .components
        .iter()
        .map(|c| c.name.clone())
        .collect();
    out.facts.selectors.retain(|s| kept.contains(&s.service));
    (!out.facts.components.is_empty()).then_some(out)
}

fn collect(
    files: &[FileFacts],
    children: &BTreeMap<usize, (Vec<usize>, Vec<usize>)>,
    k: usize,
    outer: &Rename,
    out: &mut BTreeMap<usize, Rename>,
    depth: usize,
) {
    let Some(kust) = &files[k].facts.kustomization else {
        return;
    };
    if depth > 16 {
        return;
    }
    // This kustomization's renaming, inside the overlays around it. At the top, `outer` is
    // what the CD object sets, which replaces the kustomization's own (ArgoCD runs
    // `kustomize edit set nameprefix`; Flux is taken to do the same).
    let here = if depth == 0 {
        let or = |cd: &str, own: &str| if cd.is_empty() { own } else { cd }.to_owned();
        Rename {
            prefix: or(&outer.prefix, &kust.name_prefix),
            suffix: or(&outer.suffix, &kust.name_suffix),
            namespace: outer.namespace.clone().or_else(|| kust.namespace.clone()),
        }
    } else {
        Rename {
            prefix: format!("{}{}", outer.prefix, kust.name_prefix),
            suffix: format!("{}{}", kust.name_suffix, outer.suffix),
            namespace: outer.namespace.clone().or_else(|| kust.namespace.clone()),
        }
    };
    let Some((subs, manifests)) = children.get(&k) else {
        return;
    };
    for &m in manifests {
        out.insert(m, here.clone());
    }
    for &s in subs {
        collect(files, children, s, &here, out, depth + 1);
    }
}

fn clone_facts(f: &FileFacts) -> FileFacts {
    FileFacts {
        file: f.file,
        display: f.display.clone(),
        project: f.project.clone(),
        facts: f.facts.clone(),
    }
}

/// The facts of a manifest as a kustomization renders it.
fn rendered(f: &FileFacts, r: &Rename) -> FileFacts {
    let mut out = clone_facts(f);
    if r.is_identity() {
        return out;
    }
    for c in &mut out.facts.components {
        let old = c.name.clone();
        c.name = r.name(&old);
        c.aliases = c
            .aliases
            .iter()
            .map(|a| match a.split_once('/') {
                // `ns/name` forms of gateways.
                Some((ns, n)) if n == old => {
                    format!("{}/{}", r.namespace.as_deref().unwrap_or(ns), c.name)
                }
                // `name.ns[.svc[.cluster.local]]` forms of Services.
                None if a.starts_with(&format!("{old}.")) => {
                    let rest = &a[old.len() + 1..];
                    let rest = match (&r.namespace, rest.split_once('.')) {
                        (Some(ns), Some((_, tail))) => format!("{ns}.{tail}"),
                        (Some(ns), None) => ns.clone(),
                        (None, _) => rest.to_owned(),
                    };
                    format!("{}.{rest}", c.name)
                }
                _ => a.clone(),
            })
            .collect();
        if c.kind == ComponentKind::Service
            && c.aliases.is_empty()
            && let Some(ns) = &r.namespace
        {
            c.aliases.push(format!("{}.{ns}.svc.cluster.local", c.name));
        }
    }
    // namePrefix renames Services and workloads, never labels: selectors keep matching.
    for sel in &mut out.facts.selectors {
        sel.service = r.name(&sel.service);
    }
    for route in &mut out.facts.routes {
        // kustomize's built-in name references follow Ingress backends to their Services.
        if route.dialect == Dialect::Ingress
            && let Target::Forward { host, .. } = &mut route.target
        {
            *host = r.name(host);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_paths_join_like_kustomize() {
        assert_eq!(join("deploy/overlays/prod", "../../base"), "deploy/base");
        assert_eq!(join("deploy", "./istio/vs.yaml"), "deploy/istio/vs.yaml");
        assert_eq!(join("", "k8s"), "k8s");
    }

    #[test]
    fn each_overlay_holds_only_its_own_files() {
        let mut texts: Vec<(String, String)> = vec![
            ("base/kustomization.yaml".into(), "resources:\n- svc.yaml\n".into()),
            (
                "base/svc.yaml".into(),
                "apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: api}}\n".into(),
            ),
        ];
        for i in 0..300 {
            texts.push((
                format!("overlays/o{i}/kustomization.yaml"),
                "resources:\n- ../../base\n".into(),
            ));
        }
        let mut sources = SourceMap::default();
        let files: Vec<FileFacts> = texts
            .iter()
            .map(|(path, text)| {
                let id = sources.add(
                    path.clone(),
                    std::path::Path::new(path),
                    std::sync::Arc::new(text.clone()),
                );
                FileFacts {
                    file: id,
                    display: path.clone(),
                    project: None,
                    facts: crate::sources::k8s::extract(crate::sources::testing::test_input(
                        path, text,
                    )),
                }
            })
            .collect();
        let d = deployments(files, &sources);
        assert_eq!(d.list.len(), 300);
        for dep in &d.list {
            // Its kustomization, the base's and the Service: not the 299 other overlays.
            let shown: Vec<&str> = dep.files.iter().map(|f| f.display.as_str()).collect();
            let own = format!("{}/kustomization.yaml", dep.name.as_deref().unwrap_or(""));
            assert_eq!(
                shown,
                vec!["base/kustomization.yaml", "base/svc.yaml", own.as_str()]
            );
        }
    }
}
