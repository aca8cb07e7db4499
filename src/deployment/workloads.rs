//! Which code serves each deployed Kubernetes Service: Service → selector → workload → image →
//! the directory the image is built from. Works on one deployment's facts; reads no file.
//!
//! A Service reaches the pods its selector picks (namePrefix renames Services and workloads,
//! never labels). The pods run images; an image is built from a directory: a docker-compose
//! service's `build` context, or a project directory named like the image. Without a match the
//! selector's label values and the workload's name are tried the same way. The Service, its
//! workload and the code are one component: the code's directory is assigned to the Service's
//! name, and a compose service built from the same directory becomes an alias of it.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::topology::FileFacts;
use crate::sources::facts::{ComponentDir, ComponentKind, WorkloadFact};

/// `registry.example.com:5000/team/api-gateway:v1.0@sha256:…` → `api-gateway`.
fn image_name(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split(':').next().unwrap_or(last)
}

/// The names the code of a Service may go by, most telling first.
fn candidates(selector: &[(String, String)], picked: &[&WorkloadFact]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: &str| {
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    };
    for w in picked {
        for i in &w.images {
            push(image_name(i));
        }
    }
    for (_, v) in selector {
        push(v);
    }
    for w in picked {
        push(&w.name);
        for suffix in ["-deployment", "-statefulset", "-daemonset", "-rollout"] {
            if let Some(n) = w.name.strip_suffix(suffix) {
                push(n);
            }
        }
    }
    out
}

/// Assigns each deployed Service the directory of the code its workload runs.
pub fn link_code(files: &mut [FileFacts]) {
    let workloads: Vec<WorkloadFact> = files
        .iter()
        .flat_map(|f| f.facts.workloads.iter().cloned())
        .collect();
    if workloads.is_empty() {
        return;
    }
    // Compose services built from a directory: name → directory.
    let compose: BTreeMap<String, String> = files
        .iter()
        .flat_map(|f| &f.facts.component_dirs)
        .map(|d| (d.name.clone(), d.dir.clone()))
        .collect();
    // Project directories (package.json, go.mod, Dockerfile…) by their last segment; a name
    // two directories share says nothing.
    let mut projects: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files.iter() {
        if let Some(p) = &f.project
            && let Some(last) = p.rsplit('/').next()
            && !last.is_empty()
        {
            projects
                .entry(last.to_owned())
                .or_default()
                .insert(p.clone());
        }
    }
    let dir_for = |name: &str| -> Option<String> {
        if let Some(d) = compose.get(name) {
            return Some(d.clone());
        }
        let dirs = projects.get(name)?;
        (dirs.len() == 1)
            .then(|| dirs.iter().next().cloned())
            .flatten()
    };
    // The workloads carrying each label, in order: a selector is matched against those of
    // its rarest label only, so thousands of Services cost no Services × workloads scan.
    let mut by_label: std::collections::HashMap<&(String, String), Vec<usize>> =
        std::collections::HashMap::new();
    for (i, w) in workloads.iter().enumerate() {
        for l in &w.labels {
            let list = by_label.entry(l).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let all: Vec<usize> = (0..workloads.len()).collect();
    // (file, Service, directory), in file order.
    let mut links: Vec<(usize, String, String)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        for sel in &f.facts.selectors {
            // An empty selector picks every workload.
            let pool: &[usize] = match sel
                .labels
                .iter()
                .map(|l| by_label.get(l).map_or(&[][..], Vec::as_slice))
                .min_by_key(|list| list.len())
            {
                Some(list) => list,
                None => &all,
            };
            let picked: Vec<&WorkloadFact> = pool
                .iter()
                .map(|&i| &workloads[i])
                .filter(|w| sel.labels.iter().all(|l| w.labels.contains(l)))
                .collect();
            if picked.is_empty() {
                continue;
            }
            if let Some(dir) = candidates(&sel.labels, &picked)
                .iter()
                .find_map(|c| dir_for(c))
            {
                links.push((fi, sel.service.clone(), dir));
            }
        }
    }
    // The first Service of a directory names the component; later ones and compose services
    // built from it become its aliases.
    let mut owner_of_dir: BTreeMap<String, String> = BTreeMap::new();
    let mut alias_of: BTreeMap<String, String> = BTreeMap::new();
    for (fi, service, dir) in links {
        match owner_of_dir.get(&dir) {
            Some(owner) if *owner != service => {
                alias_of.insert(service, owner.clone());
            }
            Some(_) => {}
            None => {
                owner_of_dir.insert(dir.clone(), service.clone());
                let span = files[fi]
                    .facts
                    .components
                    .iter()
                    .find(|c| c.name == service)
                    .map(|c| c.span);
                if let Some(span) = span {
                    files[fi].facts.component_dirs.push(ComponentDir {
                        dir,
                        name: service,
                        span,
                    });
                }
            }
        }
    }
    for f in files.iter_mut() {
        for d in &mut f.facts.component_dirs {
            if let Some(owner) = owner_of_dir.get(&d.dir)
                && d.name != *owner
            {
                alias_of.insert(d.name.clone(), owner.clone());
                d.name = owner.clone();
            }
        }
    }
    if alias_of.is_empty() {
        return;
    }
    for f in files.iter_mut() {
        for c in &mut f.facts.components {
            if c.kind != ComponentKind::Service {
                continue;
            }
            if let Some(owner) = alias_of.get(&c.name) {
                let old = std::mem::replace(&mut c.name, owner.clone());
                if !c.aliases.contains(&old) {
                    c.aliases.push(old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn image_names_drop_registry_tag_and_digest() {
        for (image, name) in [
            ("dongju101/api-gateway:v1.0", "api-gateway"),
            ("api-gateway", "api-gateway"),
            ("registry.example.com:5000/team/web:1.2@sha256:ab", "web"),
            ("ghcr.io/org/store-front:latest", "store-front"),
        ] {
            assert_eq!(image_name(image), name, "{image}");
        }
    }
}
