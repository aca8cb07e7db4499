//! Which deployments the repository's CD deploys: each CD source's path matched to the
//! kustomizations, and the default deployment chosen from them. Works on facts; reads no file.
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
