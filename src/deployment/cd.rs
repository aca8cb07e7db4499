//! Which deployments the repository's CD deploys: each CD source's path matched to the
//! kustomizations, the default deployment chosen from them, and the one `--deployment` names.
//! Works on facts; reads no file (a `--deployment` path is only made relative to the root).
//!
//! A continuous-delivery object (ArgoCD, Flux) says what a cluster runs; skaffold says what a
//! developer runs, so it decides only when no CD object does. A deployment that deploys only
//! other CD objects (an app of apps) is not the default while one that routes or serves is.
//! Among several, the one whose directory or CD object says production (`prod`,
//! `production`) is the default, else the first by directory.

use std::collections::BTreeMap;

use super::kustomize::{DeployedBy, Deployment};
use crate::sources::facts::CdSource;

/// Each CD source's kustomizations (directory, file index), and the sources that name none.
pub fn targets<'a>(
    sources: &'a [CdSource],
    kusts: &'a BTreeMap<String, usize>,
) -> (Vec<(&'a str, usize, &'a CdSource)>, Vec<CdSource>) {
    let mut found = Vec::new();
    let mut unmatched = Vec::new();
    for src in sources {
        let hits: Vec<(&str, usize)> = if src.path.contains(['*', '?']) {
            kusts
                .iter()
                .filter(|(dir, _)| whole_match(&src.path, dir))
                .filter(|(dir, _)| !src.exclude.iter().any(|x| whole_match(x, dir)))
                .map(|(d, &k)| (d.as_str(), k))
                .collect()
        } else {
            kusts
                .get_key_value(&src.path)
                .map(|(d, &k)| (d.as_str(), k))
                .into_iter()
                .collect()
        };
        if hits.is_empty() {
            unmatched.push(src.clone());
        }
        found.extend(hits.into_iter().map(|(d, k)| (d, k, src)));
    }
    (found, unmatched)
}

/// A glob matching the whole directory (not a directory below it).
fn whole_match(pattern: &str, dir: &str) -> bool {
    if pattern.contains(['*', '?']) {
        crate::glob::matches(pattern, dir)
    } else {
        pattern == dir
    }
}

/// Whether a directory or an object's name says production.
fn says_production(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "prod" | "production" | "prd"
        )
    })
}

/// One rank of deciders: the source that deploys a deployment, if it decides at this rank.
type Tier = dyn Fn(&Deployment) -> Option<DeployedBy>;

/// The default deployment and the CD source that makes it so (none: the repository does not
/// say, and the first deployment is the default).
pub fn default_of(list: &[Deployment]) -> (usize, Option<DeployedBy>) {
    let tiers: [&Tier; 3] = [
        &|d| {
            d.deployed_by
                .iter()
                .find(|b| b.tool.is_cd())
                .filter(|_| d.has_content)
                .cloned()
        },
        &|d| {
            let by = d.deployed_by.iter().filter(|b| !b.tool.is_cd());
            // skaffold's own paths before its profiles'.
            let mut by: Vec<&DeployedBy> = by.collect();
            by.sort_by_key(|b| b.name.contains(" profile "));
            by.first().filter(|_| d.has_content).map(|b| (*b).clone())
        },
        &|d| d.deployed_by.iter().find(|b| b.tool.is_cd()).cloned(),
    ];
    for tier in tiers {
        let picked: Vec<(usize, DeployedBy)> = list
            .iter()
            .enumerate()
            .filter_map(|(i, d)| tier(d).map(|b| (i, b)))
            .collect();
        let prod = picked.iter().find(|(i, b)| {
            says_production(list[*i].name.as_deref().unwrap_or(""))
                || list[*i]
                    .deployed_by
                    .iter()
                    .any(|b| says_production(&b.name))
                || says_production(&b.name)
        });
        if let Some((i, b)) = prod.or(picked.first()) {
            return (*i, Some(b.clone()));
        }
    }
    (0, None)
}

/// The deployment `--deployment` names: its directory (or the path of it or of its
/// kustomization, from the current directory), its last directory name, or the name of a CD
/// object that deploys it. Exactly one must answer; else the names of them all.
pub fn select(
    list: &[Deployment],
    wanted: &str,
    base: &std::path::Path,
) -> Result<usize, Vec<String>> {
    // A path on disk, made relative to the checked root.
    let as_path = std::path::absolute(wanted)
        .ok()
        .filter(|p| p.exists())
        .and_then(|p| {
            let base = std::path::absolute(base).ok()?;
            let rel = p.strip_prefix(&base).ok()?.to_path_buf();
            let rel = if p.is_file() {
                rel.parent().map(|r| r.to_path_buf()).unwrap_or_default()
            } else {
                rel
            };
            Some(rel.to_string_lossy().replace('\\', "/"))
        });
    let norm = crate::sources::k8s::cd::normalise(wanted);
    let norm = norm
        .strip_suffix("/kustomization.yaml")
        .unwrap_or(&norm)
        .to_owned();
    let dir_of = |d: &Deployment| -> Option<String> {
        let dir = match d.name.as_deref() {
            Some(n) => n.split(" (").next().unwrap_or(n).to_owned(),
            // The one deployment of the repository goes by its kustomization's directory.
            None => {
                let k = d.files.iter().find(|f| Some(f.file) == d.kustomization)?;
                k.display
                    .rsplit_once('/')
                    .map(|(d, _)| d)
                    .unwrap_or(".")
                    .to_owned()
            }
        };
        Some(if dir == "." { String::new() } else { dir })
    };
    let known: Vec<String> = list
        .iter()
        .map(|d| match (&d.name, dir_of(d)) {
            (Some(n), _) => n.clone(),
            (None, Some(dir)) if !dir.is_empty() => dir,
            _ => ".".to_owned(),
        })
        .collect();
    let exact: Vec<usize> = (0..list.len())
        .filter(|&i| {
            let d = &list[i];
            d.name.as_deref() == Some(wanted)
                || dir_of(d)
                    .is_some_and(|dir| dir == norm || as_path.as_deref() == Some(dir.as_str()))
                || d.deployed_by.iter().any(|b| b.name == wanted)
        })
        .collect();
    let loose: Vec<usize> = (0..list.len())
        .filter(|&i| dir_of(&list[i]).is_some_and(|dir| dir.rsplit('/').next() == Some(wanted)))
        .collect();
    match (exact.as_slice(), loose.as_slice()) {
        ([one], _) | ([], [one]) => Ok(*one),
        _ => Err(known),
    }
}

#[cfg(test)]
mod tests {
    use super::says_production;

    #[test]
    fn production_is_a_word_of_the_name() {
        assert!(says_production("k8s/overlays/prod"));
        assert!(says_production("titanium-prod"));
        assert!(says_production("deploy/production"));
        assert!(!says_production("k8s/overlays/products"));
        assert!(!says_production("k8s/overlays/solid-cloud"));
    }
}
