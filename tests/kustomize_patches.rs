//! Kustomize patches (issue #15): an overlay's JSON 6902 and strategic-merge patches change
//! what it deploys before it is checked, and a patch that cannot apply is a problem at it.

mod common;

use common::{check_json, fixture, routelint, summarize};

const KUSTOMIZATION: &str = "deploy/overlays/gcp/kustomization.yaml";

/// The fixture copied to a scratch directory, its overlay's kustomization edited by `edit`.
fn variant(name: &str, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        for entry in std::fs::read_dir(from).expect("read dir").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                std::fs::create_dir_all(&target).expect("mkdir");
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    copy_dir(&fixture("kustomize-patches"), &dir);
    let k = dir.join(KUSTOMIZATION);
    let text = std::fs::read_to_string(&k).expect("kustomization");
    std::fs::write(&k, edit(&text)).expect("write kustomization");
    dir
}

/// Where each finding points: `rule path:line:column`.
fn locations(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let l = &f["location"];
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap_or(""),
                l["path"].as_str().unwrap_or(""),
                l["line"],
                l["column"]
            )
        })
        .collect()
}

#[test]
fn an_overlays_json_patch_repairs_the_gateway_reference_its_name_prefix_broke() {
    // namePrefix renames the Gateway to prod-blog-gateway but not the VirtualService's
    // `gateways:` (a custom resource): the overlay's JSON 6902 patch replaces it, and the
    // strategic-merge patch moves the routes under /blog/api/. Both calls reach blog-service.
    let (code, v) = check_json(&fixture("kustomize-patches"));
    assert_eq!(code, 0, "{v}");
    assert_eq!(summarize(&v), Vec::<String>::new());
    let run = routelint(&[
        "trace",
        "GET",
        "/blog/api/posts",
        fixture("kustomize-patches").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // The route the trace follows is the patch's, where the patch writes it.
    assert!(
        run.stdout.contains(
            "prod-blog-gateway deploy/overlays/gcp/patches/routes.yaml:9 prefix /blog/api/"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn without_the_json_patch_the_virtual_service_is_unbound() {
    let dir = variant("kpatch-no-json", |k| {
        let at = k
            .find("  # namePrefix renames the Gateway")
            .expect("the JSON patch");
        k[..at].to_owned()
    });
    let (code, v) = check_json(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        summarize(&v),
        [
            "unbound-route 404 deploy/overlays/gcp/patches/routes.yaml:9:13",
            "no-route 404 frontend/src/api.js:1:34 GET /blog/api/posts",
            "no-route 404 frontend/src/api.js:3:39 GET /blog/api/categories",
        ]
    );
}

#[test]
fn without_the_strategic_merge_patch_the_routes_keep_their_old_prefix() {
    let dir = variant("kpatch-no-merge", |k| {
        k.replace(
            "  # The blog's routes moved under /blog/api/.\n  - path: patches/routes.yaml\n",
            "",
        )
    });
    let (code, v) = check_json(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        summarize(&v),
        [
            "missing-prefix 404 frontend/src/api.js:1:34 GET /blog/api/posts",
            "missing-prefix 404 frontend/src/api.js:3:39 GET /blog/api/categories",
        ]
    );
}

#[test]
fn a_patch_that_cannot_apply_is_a_problem_at_it_and_the_rest_is_checked() {
    let dir = variant("kpatch-bad", |k| {
        format!(
            "{k}  # No search-vs is deployed here.
  - patch: |-
      - op: add
        path: /spec/http/0/timeout
        value: 5s
    target:
      kind: VirtualService
      name: search-vs
  - patch: |-
      - op: replace
        path: /spec/tcp/0/route
        value: []
    target:
      kind: VirtualService
      name: blog-vs
  - path: patches/timeouts.yaml
"
        )
    });
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        locations(&v),
        [
            "parse-error deploy/overlays/gcp/kustomization.yaml:27:13",
            "parse-error deploy/overlays/gcp/kustomization.yaml:30:15",
            "parse-error deploy/overlays/gcp/kustomization.yaml:35:11",
        ]
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "cannot read deploy/overlays/gcp/kustomization.yaml: kustomize patch targets VirtualService search-vs, which this kustomization does not render: nothing is patched",
            "cannot read deploy/overlays/gcp/kustomization.yaml: kustomize patch cannot apply to VirtualService blog-vs: `replace /spec/tcp/0/route`: it does not exist; it is checked unpatched",
            "cannot read deploy/overlays/gcp/kustomization.yaml: kustomize patch `patches/timeouts.yaml` is not in the repository: the objects it patches are checked unpatched",
        ]
    );
}

#[test]
fn legacy_patch_fields_apply_the_same_patches() {
    // `patchesStrategicMerge` names the merge patch file; `patchesJson6902` a JSON operations
    // file (no manifest: read only because the kustomization names it), applied after the
    // names are prefixed and still found by the name as written.
    let dir = variant("kpatch-legacy", |k| {
        let at = k.find("patches:\n").expect("patches");
        format!(
            "{}patchesStrategicMerge:\n  - patches/routes.yaml\npatchesJson6902:\n  - target:\n      group: networking.istio.io\n      version: v1beta1\n      kind: VirtualService\n      name: blog-vs\n    path: patches/gateways.yaml\n",
            &k[..at]
        )
    });
    std::fs::write(
        dir.join("deploy/overlays/gcp/patches/gateways.yaml"),
        "- op: replace\n  path: /spec/gateways/0\n  value: prod-blog-gateway\n",
    )
    .expect("write ops");
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0, "{v}");
    assert_eq!(summarize(&v), Vec::<String>::new());
    // A pointer to nothing in the operations file is reported in that file.
    std::fs::write(
        dir.join("deploy/overlays/gcp/patches/gateways.yaml"),
        "- op: replace\n  path: /spec/gateways/3\n  value: prod-blog-gateway\n",
    )
    .expect("write ops");
    let (_, v) = check_json(&dir);
    assert_eq!(
        locations(&v),
        [
            "parse-error deploy/overlays/gcp/patches/gateways.yaml:2:9",
            "unbound-route deploy/overlays/gcp/patches/routes.yaml:9:13",
            "no-route frontend/src/api.js:1:34",
            "no-route frontend/src/api.js:3:39",
        ]
    );
}

#[test]
fn a_components_patches_apply_to_what_the_kustomization_listing_it_renders() {
    // The JSON patch moved into a kustomize Component the overlay lists: it patches the
    // overlay's VirtualService, and the component is no deployment of its own.
    let dir = variant("kpatch-component", |k| {
        let at = k
            .find("  # namePrefix renames the Gateway")
            .expect("the JSON patch");
        format!(
            "{}components:\n  - ../../components/gateway-fix\n",
            &k[..at]
        )
    });
    std::fs::create_dir_all(dir.join("deploy/components/gateway-fix")).expect("mkdir");
    std::fs::write(
        dir.join("deploy/components/gateway-fix/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - patch: |-\n      - op: replace\n        path: /spec/gateways\n        value: [prod-blog-gateway]\n    target:\n      kind: VirtualService\n      name: blog-vs\n",
    )
    .expect("write component");
    let (code, v) = check_json(&dir);
    assert_eq!(code, 0, "{v}");
    assert_eq!(summarize(&v), Vec::<String>::new());
    let run = routelint(&["deployments", dir.to_str().unwrap_or("")]);
    assert!(run.stdout.ends_with("1 deployment\n"), "{}", run.stdout);
}
