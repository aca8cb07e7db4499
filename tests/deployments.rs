//! Which deployment is checked and shown: the one the repository's CD deploys (an ArgoCD
//! Application naming one of two overlays), `--deployment` to pick another, `routelint
//! deployments` to list them; and objects only unlisted manifests declare, assumed applied by
//! hand.

mod common;

use common::{check_json, fixture, routelint, summarize};

fn notes(f: &serde_json::Value) -> Vec<String> {
    f["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_argocd_application_makes_its_overlay_the_default_and_the_other_still_reports() {
    // ArgoCD deploys overlays/solid-cloud, where the VirtualService names the prefixed Gateway:
    // healthy. overlays/local (skaffold's, first in alphabetical order) still names
    // `shop-gateway`, which `namePrefix: local-` renamed: its findings are reported, each saying
    // it concerns local only and which deployment ArgoCD deploys.
    let (code, v) = check_json(&fixture("argocd-overlays"));
    assert_eq!(code, 1);
    assert_eq!(
        summarize(&v),
        [
            "unbound-route 404 k8s-manifests/overlays/local/istio/gateway.yaml:19:7",
            "no-route 404 web/src/api.js:1:37 GET /api/catalog/products",
            "no-route 404 web/src/api.js:3:38 GET /api/catalog/products/{id}",
        ]
    );
    for f in v["findings"].as_array().expect("findings") {
        assert_eq!(
            notes(f).last().map(String::as_str),
            Some(
                "only in the kustomize deployment k8s-manifests/overlays/local (argocd Application shop-prod deploys k8s-manifests/overlays/solid-cloud)"
            ),
            "{f}"
        );
    }
    assert_eq!(v["summary"]["deployments"], 2);
    assert_eq!(
        v["summary"]["default_deployment"],
        "k8s-manifests/overlays/solid-cloud"
    );
    // The counts are the deployed overlay's: its one route, both calls checked.
    assert_eq!(v["summary"]["routes"], 1);
    assert_eq!(v["summary"]["unresolved"], 0);
}

#[test]
fn trace_and_routes_show_the_deployment_argocd_deploys() {
    let root = fixture("argocd-overlays");
    let root = root.to_str().unwrap_or("");
    let run = routelint(&["trace", "GET", "/api/catalog/products/5", root]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "deployment k8s-manifests/overlays/solid-cloud (the default: argocd Application shop-prod deploys it; `routelint deployments` lists all 2)"
    );
    assert_eq!(
        lines.last().copied(),
        Some("  → reached prod-catalog-service GET /products/{id} (catalog/openapi.yaml:6): 200")
    );
    let run = routelint(&["routes", "--format", "json", root]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["deployment"], "k8s-manifests/overlays/solid-cloud");
    let names: Vec<&str> = v["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["prod-catalog-service", "prod-shop-gateway"]);
}

#[test]
fn deployment_flag_picks_another_by_directory_last_name_path_or_cd_object() {
    let root = fixture("argocd-overlays");
    let root_s = root.to_str().unwrap_or("");
    let local_path = root.join("k8s-manifests/overlays/local");
    for pick in [
        "k8s-manifests/overlays/local",
        "./k8s-manifests/overlays/local/",
        "local",
        local_path.to_str().unwrap_or(""),
    ] {
        let run = routelint(&[
            "trace",
            "GET",
            "/api/catalog/products/5",
            root_s,
            "--deployment",
            pick,
        ]);
        assert_eq!(run.code, 1, "{pick}: {}", run.stdout);
        assert_eq!(
            run.stdout.lines().next(),
            Some(
                "deployment k8s-manifests/overlays/local (picked with --deployment; `routelint deployments` lists all 2)"
            ),
            "{pick}"
        );
        assert!(
            run.stdout.contains(
                "→ no route or endpoint of local-shop-gateway matches /api/catalog/products/5: 404"
            ),
            "{pick}: {}",
            run.stdout
        );
    }
    let run = routelint(&[
        "trace",
        "GET",
        "/api/catalog/products/5",
        root_s,
        "--deployment",
        "shop-prod",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // `check --deployment` checks only that one: no note says which, it is the only one.
    let run = routelint(&[
        "check",
        "--format",
        "json",
        root_s,
        "--deployment",
        "solid-cloud",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(summarize(&v), Vec::<String>::new());
    let run = routelint(&["check", "--format", "json", root_s, "--deployment", "local"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(summarize(&v).len(), 3);
    assert!(
        notes(&v["findings"][0])
            .iter()
            .all(|n| !n.starts_with("only in"))
    );
    let run = routelint(&["routes", root_s, "--deployment", "overlays"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim_end(),
        "routelint: error: no single deployment named `overlays`; deployments: k8s-manifests/overlays/local, k8s-manifests/overlays/solid-cloud (`routelint deployments` lists them)"
    );
}

#[test]
fn deployments_lists_each_with_its_kustomization_cd_object_and_findings() {
    let run = routelint(&[
        "deployments",
        fixture("argocd-overlays").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "  k8s-manifests/overlays/local
    kustomization  k8s-manifests/overlays/local/kustomization.yaml
    deployed by    skaffold shop at skaffold.yaml:12
    findings       3 errors
* k8s-manifests/overlays/solid-cloud (default)
    kustomization  k8s-manifests/overlays/solid-cloud/kustomization.yaml
    deployed by    argocd Application shop-prod at argocd/applications/shop-app.yaml:11
    findings       none
2 deployments; the default is k8s-manifests/overlays/solid-cloud: argocd Application shop-prod at argocd/applications/shop-app.yaml:11 deploys it
`--deployment NAME|PATH` checks and shows another
"
    );
    let run = routelint(&[
        "deployments",
        "--format",
        "json",
        fixture("argocd-overlays").to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["default"], "k8s-manifests/overlays/solid-cloud");
    assert_eq!(v["default_by"]["path"], "argocd/applications/shop-app.yaml");
    assert_eq!(v["default_by"]["line"], 11);
    assert_eq!(v["deployments"][0]["deployed_by"][0]["tool"], "skaffold");
    assert_eq!(v["deployments"][0]["findings"]["errors"], 3);
}

#[test]
fn an_unlisted_gateway_lends_itself_to_the_listed_virtual_service_and_a_stale_one_is_not_deployed()
{
    // The kustomization lists istio/virtualservice.yaml, not istio/gateway.yaml nor
    // istio/virtualservice-old.yaml. The stale VirtualService's routes (bound to a
    // `legacy-gateway` that does not exist) are not deployed: no unbound-route. The Gateway
    // is what the listed VirtualService binds to: what passes through it says it is assumed
    // applied by hand, and the finding on the Gateway alone stays a warning.
    let (code, v) = check_json(&fixture("kustomize-unlisted"));
    assert_eq!(code, 1);
    assert_eq!(
        summarize(&v),
        [
            "gateway-error-shape - deploy/istio/gateway.yaml:4:9",
            "no-route 404 frontend/src/api.js:3:33 GET /blog/api/tags",
            "missing-prefix 404 frontend/src/api.js:5:40 GET /api/posts",
        ]
    );
    let assumed = "Istio Gateway blog-gateway is declared only in deploy/istio/gateway.yaml, which no kustomization lists: assumed applied by hand";
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings[0]["severity"], "warning");
    assert!(
        notes(&findings[0]).contains(
            &"deploy/istio/gateway.yaml is listed by no kustomization: assumed applied by hand, so at most a warning"
                .to_owned()
        ),
        "{}",
        findings[0]
    );
    for f in &findings[1..] {
        assert_eq!(f["severity"], "error");
        assert_eq!(notes(f).last().map(String::as_str), Some(assumed), "{f}");
    }
    let run = routelint(&[
        "trace",
        "GET",
        "/blog/api/posts",
        fixture("kustomize-unlisted").to_str().unwrap_or(""),
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.ends_with(&format!("    assumed: {assumed}\n")),
        "{}",
        run.stdout
    );
    let run = routelint(&[
        "deployments",
        fixture("kustomize-unlisted").to_str().unwrap_or(""),
    ]);
    assert_eq!(
        run.stdout,
        "* deploy (default)
    kustomization  deploy/kustomization.yaml
    deployed by    no CD object of the repository
    assumed        Istio Gateway blog-gateway at deploy/istio/gateway.yaml:4: no kustomization lists the file, assumed applied by hand
    findings       2 errors, 1 warning
1 deployment
"
    );
}

fn scratch_copy(name: &str, from: &str) -> std::path::PathBuf {
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
    copy_dir(&fixture(from), &dir);
    dir
}

/// The default deployment `routelint deployments --format json` names, and what decided it.
fn default_of(dir: &std::path::Path) -> (serde_json::Value, serde_json::Value) {
    let run = routelint(&[
        "deployments",
        "--format",
        "json",
        dir.to_str().unwrap_or(""),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    (v["default"].clone(), v["default_by"].clone())
}

#[test]
fn a_flux_kustomization_or_an_application_set_says_which_overlay_is_deployed() {
    // Flux deploying overlays/local makes it the default (and is not read as a kustomization).
    let dir = scratch_copy("deploy-flux", "argocd-overlays");
    std::fs::remove_file(dir.join("argocd/applications/shop-app.yaml")).expect("rm");
    std::fs::create_dir_all(dir.join("clusters/dev")).expect("mkdir");
    std::fs::write(
        dir.join("clusters/dev/shop.yaml"),
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: shop-dev\nspec:\n  interval: 10m\n  path: ./k8s-manifests/overlays/local\n  prune: true\n  sourceRef: {kind: GitRepository, name: shop}\n",
    )
    .expect("write");
    let (default, by) = default_of(&dir);
    assert_eq!(default, "k8s-manifests/overlays/local");
    assert_eq!(by["tool"], "flux Kustomization");
    assert_eq!(by["path"], "clusters/dev/shop.yaml");
    let run = routelint(&["check", "--format", "json", dir.to_str().unwrap_or("")]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(v["summary"]["deployments"], 2, "two overlays, no third");

    // An ApplicationSet over the overlays' directories, excluding local: solid-cloud.
    let dir = scratch_copy("deploy-appset", "argocd-overlays");
    std::fs::write(
        dir.join("argocd/applications/shop-app.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: shop-envs\nspec:\n  generators:\n  - git:\n      repoURL: https://github.com/example/shop.git\n      revision: main\n      directories:\n      - path: k8s-manifests/overlays/*\n      - path: k8s-manifests/overlays/local\n        exclude: true\n  template:\n    metadata:\n      name: 'shop-{{path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://github.com/example/shop.git\n        targetRevision: main\n        path: '{{path}}'\n      destination: {server: https://kubernetes.default.svc, namespace: shop}\n",
    )
    .expect("write");
    let (default, by) = default_of(&dir);
    assert_eq!(default, "k8s-manifests/overlays/solid-cloud");
    assert_eq!(by["tool"], "argocd ApplicationSet");
    assert_eq!(by["name"], "shop-envs");
}
