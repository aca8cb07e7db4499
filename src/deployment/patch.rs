//! Kustomize patches, applied to the documents a kustomization renders: JSON 6902 operation
//! lists and strategic-merge documents, selected by `target:` or by the patch's own identity.
//!
//! What kustomize does, and so what this does (kubectl.docs.kubernetes.io, kustomization
//! `patches`; kustomize issues #316, #972, #1082, fixed in v2.1.0 by #1183; the transformer
//! order of `KustTarget.configureBuiltinTransformers` in kustomize's api/internal/target:
//! PatchStrategicMerge, Patch, Namespace, Prefix, Suffix, Labels, Annotations, PatchJson6902):
//! - a kustomization's patches apply to everything it renders (its resources and what its bases
//!   render, bases' own patches applied first), in the order `patchesStrategicMerge`,
//!   `patches`, then, after the names are prefixed, `patchesJson6902`;
//! - a target's `name` (and `namespace`) is an anchored regular expression matched against the
//!   name as written in the manifest, before any `namePrefix`/`nameSuffix`, or against the name
//!   the bases gave it: `titanium-vs` finds the VirtualService an overlay with `namePrefix:
//!   prod-` renders as `prod-titanium-vs`. A patch never renames its target (no
//!   `allowNameChange`): its own `metadata.name` is ignored when it has a target;
//! - strategic merge: maps merge, `null` deletes a key, `$patch: delete` deletes the object (or
//!   a list item), `$patch: replace` replaces a map. Lists are replaced, as a JSON merge patch
//!   does for custom resources (Istio, Gateway API), except the lists built-in kinds merge by
//!   key: containers, init containers, env, volumes by `name`, volume mounts by `mountPath`,
//!   ports by `containerPort` (a container's) or `port` (a Service's). Ingress rules are atomic
//!   in Kubernetes too: replaced.
//!
//! A patch that cannot apply (a pointer to nothing, a target nothing matches, a file that is
//! not there) is a problem at the patch, and the objects are checked as they are without it.
//! Values a patch brings keep the patch's offsets ([`Node::relocate`]): findings on them point
//! at the patch.

use crate::source_file::{FileId, Span};
use crate::sources::facts::{PatchEntry, PatchTarget, Problem};
use crate::tree::{Node, Value};

/// One object a kustomization renders, as patched so far.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Which manifest (index into the deployment's files) and which document of it.
    pub manifest: usize,
    pub doc: usize,
    pub node: Node,
    /// `metadata.name`/`namespace` as written, and as the bases renamed them.
    pub orig_name: Option<String>,
    pub orig_namespace: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub deleted: bool,
    pub changed: bool,
}

impl Resource {
    pub fn new(manifest: usize, doc: usize, node: Node) -> Resource {
        let text = |path: &[&str]| node.at(path).and_then(Node::as_str).map(str::to_owned);
        let name = text(&["metadata", "name"]);
        let namespace = text(&["metadata", "namespace"]);
        Resource {
            manifest,
            doc,
            orig_name: name.clone(),
            orig_namespace: namespace.clone(),
            name,
            namespace,
            node,
            deleted: false,
            changed: false,
        }
    }

    fn api_version(&self) -> &str {
        self.node
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or("")
    }

    fn kind(&self) -> &str {
        self.node.get("kind").and_then(Node::as_str).unwrap_or("")
    }

    /// A kind Kubernetes itself defines (core, apps, batch, `networking.k8s.io`): its lists
    /// merge by key. Custom resources merge as JSON merge patches do.
    fn builtin(&self) -> bool {
        let group = self.api_version().rsplit_once('/').map_or("", |(g, _)| g);
        !group.contains('.') || group == "networking.k8s.io"
    }
}

/// A patch read from its entry: what it does, and what it targets.
#[derive(Debug)]
pub struct Patch {
    body: Body,
    target: Option<PatchTarget>,
    /// The entry in the kustomization.
    span: Span,
    /// The patch's own text (its file, or its inline value).
    at: Span,
}

#[derive(Debug)]
enum Body {
    Ops(Vec<Op>),
    Merge(Vec<Node>),
}

#[derive(Debug)]
struct Op {
    op: String,
    path: String,
    from: Option<String>,
    value: Option<Node>,
    /// The op's `path:` value.
    span: Span,
}

fn problem(span: Span, message: String) -> Problem {
    Problem { span, message }
}

/// Reads a patch entry. `text` is the patch file's text and id, when the entry names a file.
pub fn read(entry: &PatchEntry, file: Option<(FileId, &str, &str)>) -> Result<Patch, Problem> {
    let (docs, at) = match (&entry.inline, &entry.path, file) {
        (Some(inline), _, _) => {
            let lines = inline.lines.clone();
            let map = move |o: usize| {
                let i = lines.partition_point(|(t, _)| *t <= o).saturating_sub(1);
                lines.get(i).map_or(0, |(t, f)| f + (o - t))
            };
            let mut docs = parse(&inline.text, false)
                .map_err(|m| problem(entry.span, format!("inline kustomize patch {m}")))?;
            for d in &mut docs {
                d.relocate(entry.span.file, &map);
            }
            (docs, entry.span)
        }
        (None, Some((path, span)), Some((id, display, text))) => {
            let mut docs = parse(text, display.to_ascii_lowercase().ends_with(".json"))
                .map_err(|m| problem(*span, format!("kustomize patch `{path}` {m}")))?;
            for d in &mut docs {
                d.relocate(id, &|o| o);
            }
            (docs, Span::new(id, 0, 0))
        }
        (None, Some((path, span)), None) => {
            return Err(problem(
                *span,
                format!(
                    "kustomize patch `{path}` is not in the repository: the objects it patches are checked unpatched"
                ),
            ));
        }
        (None, None, _) => {
            return Err(problem(
                entry.span,
                "kustomize patch has neither `path` nor `patch`: nothing to apply".to_owned(),
            ));
        }
    };
    let ops = entry.json6902 || docs.first().is_some_and(|d| d.as_seq().is_some());
    let body = if ops {
        let list = docs.first().and_then(Node::as_seq).unwrap_or_default();
        let mut out = Vec::new();
        for item in list {
            let field = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_owned);
            let (Some(op), Some(path)) = (field("op"), field("path")) else {
                return Err(problem(
                    span_of(item, at),
                    "JSON 6902 patch operation needs `op` and `path`".to_owned(),
                ));
            };
            out.push(Op {
                op,
                path,
                from: field("from"),
                value: item.get("value").cloned(),
                span: span_of(item.get("path").unwrap_or(item), at),
            });
        }
        Body::Ops(out)
    } else {
        Body::Merge(docs.into_iter().filter(|d| d.as_map().is_some()).collect())
    };
    Ok(Patch {
        body,
        target: entry.target.clone(),
        span: entry.span,
        at,
    })
}

/// The documents of a patch text (parse failures are the patch's problem).
fn parse(text: &str, json: bool) -> Result<Vec<Node>, String> {
    if json {
        return crate::tree::parse_json(text)
            .map(|n| vec![n])
            .map_err(|e| format!("does not parse: {}", e.message));
    }
    crate::tree::parse_yaml(text)
        .into_iter()
        .map(|d| {
            d.result
                .map_err(|e| format!("does not parse: {}", e.message))
        })
        .collect()
}

/// The span of a relocated node (an offset without origin falls back to the patch).
fn span_of(node: &Node, fallback: Span) -> Span {
    match crate::tree::origin_of(node.range.start) {
        Some((file, start)) => {
            let end = crate::tree::origin_of(node.range.end).map_or(start, |(_, e)| e);
            Span::new(file, start, end)
        }
        None => fallback,
    }
}

/// Applies a patch to the objects a kustomization renders; what cannot apply is a problem.
pub fn apply(patch: &Patch, resources: &mut [Resource], problems: &mut Vec<Problem>) {
    match &patch.body {
        Body::Ops(ops) => {
            let Some(target) = &patch.target else {
                problems.push(problem(
                    patch.span,
                    "a JSON 6902 kustomize patch needs a `target`: nothing to apply it to"
                        .to_owned(),
                ));
                return;
            };
            let Some(chosen) = select(target, resources, problems) else {
                return;
            };
            if chosen.is_empty() {
                problems.push(no_match(target.span, &describe(target)));
                return;
            }
            for i in chosen {
                let r = &mut resources[i];
                let mut node = r.node.clone();
                match ops.iter().try_for_each(|op| json6902(&mut node, op)) {
                    Ok(()) => {
                        r.node = node;
                        r.changed = true;
                    }
                    Err((span, message)) => problems.push(problem(
                        span,
                        format!(
                            "kustomize patch cannot apply to {} {}: {message}; it is checked unpatched",
                            r.kind(),
                            r.orig_name.as_deref().unwrap_or("(unnamed)")
                        ),
                    )),
                }
            }
        }
        Body::Merge(docs) => {
            for doc in docs {
                let chosen = match &patch.target {
                    Some(t) => select(t, resources, problems),
                    None => Some(own_target(doc, resources)),
                };
                let Some(chosen) = chosen else {
                    return;
                };
                if chosen.is_empty() {
                    let (span, what) = match &patch.target {
                        Some(t) => (t.span, describe(t)),
                        None => (
                            doc.at(&["metadata", "name"])
                                .map_or(patch.at, |n| span_of(n, patch.at)),
                            describe_doc(doc),
                        ),
                    };
                    problems.push(no_match(span, &what));
                    continue;
                }
                for i in chosen {
                    let r = &mut resources[i];
                    if directive(doc) == Some("delete") {
                        r.deleted = true;
                        r.changed = true;
                        continue;
                    }
                    let builtin = r.builtin();
                    let mut patch = doc.clone();
                    // The target keeps its identity: the patch's own name is ignored.
                    if let Value::Map(entries) = &mut patch.value {
                        entries.retain(|(k, _)| !matches!(k.as_str(), Some("apiVersion" | "kind")));
                        for (k, v) in entries.iter_mut() {
                            if k.as_str() == Some("metadata")
                                && let Value::Map(meta) = &mut v.value
                            {
                                meta.retain(|(k, _)| {
                                    !matches!(k.as_str(), Some("name" | "namespace"))
                                });
                            }
                        }
                    }
                    merge(&mut r.node, &patch, builtin, "");
                    r.changed = true;
                }
            }
        }
    }
}

fn no_match(span: Span, what: &str) -> Problem {
    problem(
        span,
        format!(
            "kustomize patch targets {what}, which this kustomization does not render: nothing is patched"
        ),
    )
}

fn describe(t: &PatchTarget) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &t.kind {
        parts.push(k.clone());
    }
    if let Some(n) = &t.name {
        parts.push(n.clone());
    }
    if let Some(ns) = &t.namespace {
        parts.push(format!("in namespace {ns}"));
    }
    if let Some(l) = &t.label_selector {
        parts.push(format!("with labels {l}"));
    }
    if parts.is_empty() {
        "every object".to_owned()
    } else {
        parts.join(" ")
    }
}

fn describe_doc(doc: &Node) -> String {
    let kind = doc
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or("(no kind)");
    let name = doc
        .at(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("(unnamed)");
    format!("{kind} {name}")
}

/// A strategic-merge patch without a target patches the object of its own kind and name.
fn own_target(doc: &Node, resources: &[Resource]) -> Vec<usize> {
    let text = |path: &[&str]| doc.at(path).and_then(Node::as_str);
    let kind = text(&["kind"]);
    let name = text(&["metadata", "name"]);
    let ns = text(&["metadata", "namespace"]);
    let group = text(&["apiVersion"]).map(|v| v.rsplit_once('/').map_or("", |(g, _)| g));
    resources
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.deleted)
        .filter(|(_, r)| kind.is_some_and(|k| k == r.kind()))
        .filter(|(_, r)| {
            group.is_none_or(|g| g == r.api_version().rsplit_once('/').map_or("", |(g, _)| g))
        })
        .filter(|(_, r)| {
            name.is_some_and(|n| r.orig_name.as_deref() == Some(n) || r.name.as_deref() == Some(n))
        })
        .filter(|(_, r)| {
            ns.is_none_or(|n| {
                r.orig_namespace.as_deref() == Some(n) || r.namespace.as_deref() == Some(n)
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The objects a target selects; `None` (with a problem) when the selector cannot be read.
fn select(
    t: &PatchTarget,
    resources: &[Resource],
    problems: &mut Vec<Problem>,
) -> Option<Vec<usize>> {
    let anchored = |re: &Option<String>, what: &str, problems: &mut Vec<Problem>| match re {
        None => Some(None),
        Some(re) => match regex::Regex::new(&format!("^(?:{re})$")) {
            Ok(r) => Some(Some(r)),
            Err(_) => {
                problems.push(problem(
                    t.span,
                    format!("kustomize patch target {what} `{re}` is no regular expression: nothing is patched"),
                ));
                None
            }
        },
    };
    let name = anchored(&t.name, "name", problems)?;
    let namespace = anchored(&t.namespace, "namespace", problems)?;
    let labels = match &t.label_selector {
        None => None,
        Some(s) => Some(selector(s).or_else(|| {
            problems.push(problem(
                t.span,
                format!("kustomize patch target labelSelector `{s}` is not one routelint reads (key=value, key!=value, key, !key): nothing is patched"),
            ));
            None
        })?),
    };
    let annotations = match &t.annotation_selector {
        None => None,
        Some(s) => Some(selector(s).or_else(|| {
            problems.push(problem(
                t.span,
                format!("kustomize patch target annotationSelector `{s}` is not one routelint reads (key=value, key!=value, key, !key): nothing is patched"),
            ));
            None
        })?),
    };
    let chosen = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.deleted)
        .filter(|(_, r)| {
            let (group, version) = r
                .api_version()
                .rsplit_once('/')
                .unwrap_or(("", r.api_version()));
            t.kind.as_deref().is_none_or(|k| k == r.kind())
                && t.group.as_deref().is_none_or(|g| g == group)
                && t.version.as_deref().is_none_or(|v| v == version)
                && name.as_ref().is_none_or(|re| {
                    [&r.orig_name, &r.name]
                        .iter()
                        .any(|n| n.as_deref().is_some_and(|n| re.is_match(n)))
                })
                && namespace.as_ref().is_none_or(|re| {
                    [&r.orig_namespace, &r.namespace]
                        .iter()
                        .any(|n| re.is_match(n.as_deref().unwrap_or("default")))
                })
                && labels
                    .as_ref()
                    .is_none_or(|s| matches(s, r.node.at(&["metadata", "labels"])))
                && annotations
                    .as_ref()
                    .is_none_or(|s| matches(s, r.node.at(&["metadata", "annotations"])))
        })
        .map(|(i, _)| i)
        .collect();
    Some(chosen)
}

/// A label selector's requirements: (key, Some(value) / None for existence, wanted).
type Selector = Vec<(String, Option<String>, bool)>;

fn selector(s: &str) -> Option<Selector> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.contains(['(', ')', ' ']) {
            return None;
        }
        if let Some((k, v)) = part.split_once("!=") {
            out.push((k.trim().to_owned(), Some(v.trim().to_owned()), false));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            out.push((k.trim().to_owned(), Some(v.trim().to_owned()), true));
        } else if let Some(k) = part.strip_prefix('!') {
            out.push((k.trim().to_owned(), None, false));
        } else {
            out.push((part.to_owned(), None, true));
        }
    }
    Some(out)
}

fn matches(s: &Selector, labels: Option<&Node>) -> bool {
    s.iter().all(|(k, v, wanted)| {
        let have = labels.and_then(|l| l.get(k)).and_then(Node::scalar_text);
        match v {
            None => have.is_some() == *wanted,
            Some(v) => (have.as_deref() == Some(v.as_str())) == *wanted,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// JSON 6902

type OpError = (Span, String);

fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    Some(
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn child_mut<'a>(node: &'a mut Node, token: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(token))
            .map(|(_, v)| v),
        Value::Seq(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    }
}

fn get<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, t| match &n.value {
        Value::Seq(items) => t.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => n.get(t),
    })
}

fn get_mut<'a>(node: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    path.iter().try_fold(node, |n, t| child_mut(n, t))
}

fn add(root: &mut Node, path: &[String], value: Node) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *root = value;
        return Ok(());
    };
    let parent = get_mut(root, parent).ok_or_else(|| "its parent does not exist".to_owned())?;
    match &mut parent.value {
        Value::Map(entries) => {
            match entries.iter_mut().find(|(k, _)| k.as_str() == Some(last)) {
                Some((_, v)) => *v = value,
                None => entries.push((
                    Node {
                        value: Value::Str(last.clone()),
                        range: value.range,
                    },
                    value,
                )),
            }
            Ok(())
        }
        Value::Seq(items) => {
            let i = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| format!("index {last} is outside a list of {}", items.len()))?
            };
            items.insert(i, value);
            Ok(())
        }
        _ => Err("its parent is neither a mapping nor a list".to_owned()),
    }
}

fn remove(root: &mut Node, path: &[String]) -> Result<Node, String> {
    let Some((last, parent)) = path.split_last() else {
        return Err("the whole object cannot be removed".to_owned());
    };
    let parent = get_mut(root, parent).ok_or_else(|| "it does not exist".to_owned())?;
    match &mut parent.value {
        Value::Map(entries) => {
            let i = entries
                .iter()
                .position(|(k, _)| k.as_str() == Some(last))
                .ok_or_else(|| "it does not exist".to_owned())?;
            Ok(entries.remove(i).1)
        }
        Value::Seq(items) => {
            let i = last
                .parse::<usize>()
                .ok()
                .filter(|i| *i < items.len())
                .ok_or_else(|| "it does not exist".to_owned())?;
            Ok(items.remove(i))
        }
        _ => Err("it does not exist".to_owned()),
    }
}

fn json6902(root: &mut Node, op: &Op) -> Result<(), OpError> {
    let fail = |m: String| (op.span, format!("`{} {}`: {m}", op.op, op.path));
    let path = tokens(&op.path).ok_or_else(|| fail("a JSON pointer starts with `/`".to_owned()))?;
    let value = || {
        op.value
            .clone()
            .ok_or_else(|| fail("the operation has no `value`".to_owned()))
    };
    match op.op.as_str() {
        "add" => add(root, &path, value()?).map_err(fail),
        "remove" => remove(root, &path).map(|_| ()).map_err(fail),
        "replace" => {
            let v = value()?;
            let slot = get_mut(root, &path).ok_or_else(|| fail("it does not exist".to_owned()))?;
            *slot = v;
            Ok(())
        }
        "move" | "copy" => {
            let from = op
                .from
                .as_deref()
                .and_then(tokens)
                .ok_or_else(|| fail("the operation has no `from` pointer".to_owned()))?;
            let v = if op.op == "move" {
                remove(root, &from).map_err(|m| fail(format!("`from` {m}")))?
            } else {
                get(root, &from)
                    .cloned()
                    .ok_or_else(|| fail("`from` does not exist".to_owned()))?
            };
            add(root, &path, v).map_err(fail)
        }
        "test" => {
            let want = value()?;
            match get(root, &path) {
                Some(have) if same(have, &want) => Ok(()),
                _ => Err(fail("the test fails".to_owned())),
            }
        }
        other => Err(fail(format!("`{other}` is no JSON 6902 operation"))),
    }
}

/// Equal values, wherever they were written.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| same(k, k2) && same(v, v2)))
        }
        (x, y) => x == y,
    }
}

// ---------------------------------------------------------------------------------------------
// Strategic merge

fn directive(node: &Node) -> Option<&str> {
    node.get("$patch").and_then(Node::as_str)
}

/// A patch value without its directives (`$patch`, `$setElementOrder/…`, `$retainKeys`).
fn clean(node: &Node) -> Node {
    let mut out = node.clone();
    match &mut out.value {
        Value::Map(entries) => {
            entries.retain(|(k, _)| !k.as_str().is_some_and(|k| k.starts_with('$')));
            for (_, v) in entries.iter_mut() {
                *v = clean(v);
            }
        }
        Value::Seq(items) => {
            items.retain(|i| directive(i) != Some("delete"));
            for i in items.iter_mut() {
                *i = clean(i);
            }
        }
        _ => {}
    }
    out
}

/// The key a built-in kind's list merges its items by, when it has one.
fn merge_key(field: &str, item: &Node) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" | "volumeDevices" => Some("mountPath"),
        "ports" if item.get("containerPort").is_some() => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

fn merge(target: &mut Node, patch: &Node, builtin: bool, field: &str) {
    match (&mut target.value, &patch.value) {
        (Value::Map(entries), Value::Map(changes)) if directive(patch) != Some("replace") => {
            for (k, v) in changes {
                let Some(key) = k.as_str() else { continue };
                if key.starts_with('$') {
                    continue;
                }
                let at = entries.iter().position(|(k, _)| k.as_str() == Some(key));
                match (at, &v.value) {
                    (Some(i), Value::Null) => {
                        entries.remove(i);
                    }
                    (None, Value::Null) => {}
                    (Some(_), Value::Map(_)) if directive(v) == Some("delete") => {
                        entries.retain(|(k, _)| k.as_str() != Some(key));
                    }
                    (Some(i), _) => merge(&mut entries[i].1, v, builtin, key),
                    (None, _) => entries.push((k.clone(), clean(v))),
                }
            }
        }
        (Value::Seq(items), Value::Seq(changes)) if builtin => {
            let key = changes.first().and_then(|c| merge_key(field, c));
            let keyed = key.is_some_and(|k| changes.iter().all(|c| c.get(k).is_some()));
            match key.filter(|_| keyed) {
                Some(key) => {
                    for c in changes {
                        let id = c.get(key).and_then(Node::scalar_text);
                        let at = items
                            .iter()
                            .position(|i| i.get(key).and_then(Node::scalar_text) == id);
                        match (at, directive(c)) {
                            (Some(i), Some("delete")) => {
                                items.remove(i);
                            }
                            (None, Some("delete")) => {}
                            (Some(i), _) => merge(&mut items[i], c, builtin, field),
                            (None, _) => items.push(clean(c)),
                        }
                    }
                }
                None => *target = clean(patch),
            }
        }
        _ => *target = clean(patch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node {
        crate::tree::parse_yaml(text)
            .remove(0)
            .result
            .expect("parses")
    }

    fn op(op: &str, path: &str, value: Option<&str>) -> Op {
        Op {
            op: op.to_owned(),
            path: path.to_owned(),
            from: None,
            value: value.map(node),
            span: Span::default(),
        }
    }

    #[test]
    fn json6902_adds_appends_replaces_and_removes_with_escaped_pointers() {
        let mut doc =
            node("spec:\n  gateways: [a]\n  http: []\nmetadata:\n  annotations:\n    a/b: x\n");
        json6902(&mut doc, &op("add", "/spec/gateways/-", Some("b"))).expect("append");
        json6902(&mut doc, &op("add", "/spec/gateways/0", Some("z"))).expect("insert");
        json6902(
            &mut doc,
            &op("replace", "/metadata/annotations/a~1b", Some("y")),
        )
        .expect("escaped");
        json6902(&mut doc, &op("remove", "/spec/http", None)).expect("remove");
        assert!(same(
            &doc,
            &node("spec:\n  gateways: [z, a, b]\nmetadata:\n  annotations:\n    a/b: y\n")
        ));
        let err =
            json6902(&mut doc, &op("replace", "/spec/nope/0", Some("x"))).expect_err("bad pointer");
        assert_eq!(err.1, "`replace /spec/nope/0`: it does not exist");
    }

    #[test]
    fn strategic_merge_replaces_crd_lists_and_merges_builtin_ones_by_key() {
        let mut vs = node(
            "spec:\n  http:\n  - match: [{uri: {prefix: /a}}]\n  - route: []\n  hosts: ['*']\n",
        );
        merge(
            &mut vs,
            &node("spec:\n  http:\n  - match: [{uri: {prefix: /b}}]\n  hosts: null\n"),
            false,
            "",
        );
        assert!(same(
            &vs,
            &node("spec:\n  http:\n  - match: [{uri: {prefix: /b}}]\n")
        ));
        let mut svc = node("spec:\n  ports:\n  - {port: 80, targetPort: 8080}\n  - {port: 90}\n");
        merge(
            &mut svc,
            &node(
                "spec:\n  ports:\n  - {port: 80, targetPort: 9090}\n  - {port: 90, $patch: delete}\n",
            ),
            true,
            "",
        );
        assert!(same(
            &svc,
            &node("spec:\n  ports:\n  - {port: 80, targetPort: 9090}\n")
        ));
    }

    #[test]
    fn label_selectors_read_equality_and_existence() {
        let labels = node("app: blog\ntier: web\n");
        let s = selector("app=blog,tier!=db,!canary").expect("reads");
        assert!(matches(&s, Some(&labels)));
        assert!(!matches(
            &selector("app==auth").expect("reads"),
            Some(&labels)
        ));
        assert!(selector("app in (a,b)").is_none());
    }
}
