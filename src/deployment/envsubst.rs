//! The environment an envsubst template is rendered with: the `ENV` of the image built from
//! its directory, overridden by the runtime's (`environment` of the compose service that
//! builds or mounts it). nginx's official image renders `*.template` files this way at
//! start, and many images run `envsubst` in their entrypoint.

use std::collections::BTreeMap;

use crate::sources::facts::DirEnv;

/// The values of the environments that reach the file at `path` (display path): those of
/// its directory or an ancestor, or of the file itself; the runtime's over the image's, a
/// nearer directory's over a farther one's.
pub fn for_file<'a>(
    envs: impl IntoIterator<Item = &'a DirEnv>,
    path: &str,
) -> BTreeMap<String, String> {
    let mut reaching: Vec<&DirEnv> = envs
        .into_iter()
        .filter(|e| e.dir.is_empty() || path == e.dir || path.starts_with(&format!("{}/", e.dir)))
        .collect();
    reaching.sort_by_key(|e| (e.layer, e.dir.len()));
    let mut out = BTreeMap::new();
    for e in reaching {
        for (k, v) in &e.vars {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(dir: &str, layer: u8, vars: &[(&str, &str)]) -> DirEnv {
        DirEnv {
            dir: dir.to_owned(),
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            layer,
        }
    }

    #[test]
    fn the_runtime_overrides_the_image_and_other_directories_do_not_reach() {
        let envs = [
            env(
                "web",
                0,
                &[("CATALOGUE_HOST", "catalogue"), ("USER_HOST", "user")],
            ),
            env("web", 1, &[("USER_HOST", "users")]),
            env("api", 1, &[("CATALOGUE_HOST", "elsewhere")]),
            env(
                "deploy/nginx/app.conf.template",
                1,
                &[("DOMAIN", "localhost")],
            ),
        ];
        let got = for_file(&envs, "web/default.conf.template");
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            [
                ("CATALOGUE_HOST".to_owned(), "catalogue".to_owned()),
                ("USER_HOST".to_owned(), "users".to_owned()),
            ]
        );
        let got = for_file(&envs, "deploy/nginx/app.conf.template");
        assert_eq!(got.get("DOMAIN").map(String::as_str), Some("localhost"));
        assert!(for_file(&envs, "webapp/default.conf.template").is_empty());
    }
}
