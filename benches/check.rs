//! Benchmarks of the whole pipeline: the bundled broken fixture, and the 13 MB GitHub REST
//! OpenAPI description when `benches/fetch-octokit.sh` has fetched it.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use routelint::check::{Options, check};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bench(c: &mut Criterion) {
    let fixture = root().join("fixtures/blog-platform-broken");
    c.bench_function("check blog-platform-broken", |b| {
        b.iter(|| {
            let a = check(&Options {
                roots: vec![fixture.clone()],
                ..Options::default()
            })
            .expect("fixture");
            assert!(!a.findings.is_empty());
        })
    });
    let octokit = root().join("target/bench-data/octokit");
    if octokit.join("api.github.com.json").is_file() {
        let mut g = c.benchmark_group("octokit");
        g.sample_size(10);
        g.bench_function("check api.github.com.json (13 MB)", |b| {
            b.iter(|| {
                let a = check(&Options {
                    roots: vec![octokit.clone()],
                    ..Options::default()
                })
                .expect("spec");
                assert!(a.summary.endpoints > 800);
            })
        });
        g.finish();
    } else {
        eprintln!("octokit spec not fetched: run benches/fetch-octokit.sh to include it");
    }
}

/// A generated repository: 20 services of 100 endpoints behind one Istio gateway, and 4,000
/// client calls of which a quarter use a stale prefix (so diagnosis runs for them too).
fn synthetic_repo() -> PathBuf {
    let dir = root().join("target/bench-data/synthetic");
    if dir.join("web/calls.js").is_file() {
        return dir;
    }
    let mut vs = String::from(
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: edge}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: all}\nspec:\n  hosts: ['*']\n  gateways: [edge]\n  http:\n",
    );
    let mut calls = String::new();
    for s in 0..20 {
        vs.push_str(&format!(
            "  - match: [{{uri: {{prefix: /svc{s}/}}}}]\n    rewrite: {{uri: /}}\n    route: [{{destination: {{host: svc{s}}}}}]\n"
        ));
        let mut spec = format!("openapi: 3.0.3\ninfo: {{title: svc{s}, version: '1'}}\npaths:\n");
        for e in 0..100 {
            spec.push_str(&format!(
                "  /things{e}/{{id}}:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n    patch: {{responses: {{'200': {{description: ok}}}}}}\n"
            ));
        }
        let svc = dir.join(format!("svc{s}"));
        std::fs::create_dir_all(&svc).expect("bench dir");
        std::fs::write(svc.join("openapi.yaml"), spec).expect("bench spec");
    }
    for c in 0..4000 {
        let (s, e) = (c % 20, c % 100);
        let prefix = if c % 4 == 0 { "/old" } else { "" };
        calls.push_str(&format!(
            "export const c{c} = (id) => fetch(`{prefix}/svc{s}/things{e}/${{id}}`, {{ method: 'PATCH' }});\n"
        ));
    }
    std::fs::create_dir_all(dir.join("deploy")).expect("bench dir");
    std::fs::create_dir_all(dir.join("web")).expect("bench dir");
    std::fs::write(dir.join("deploy/vs.yaml"), vs).expect("bench vs");
    std::fs::write(dir.join("web/calls.js"), calls).expect("bench calls");
    dir
}

fn bench_synthetic(c: &mut Criterion) {
    let repo = synthetic_repo();
    let mut g = c.benchmark_group("synthetic");
    g.sample_size(10);
    g.bench_function("check 2,000 endpoints × 4,000 calls", |b| {
        b.iter(|| {
            let a = check(&Options {
                roots: vec![repo.clone()],
                ..Options::default()
            })
            .expect("synthetic");
            assert_eq!(a.summary.calls, 4000);
            assert_eq!(a.summary.errors, 1000);
        })
    });
    g.finish();
}

/// A rendered chart: one multi-document YAML of `n` Services and the Deployments they select
/// (issue #23: 60 MB of these took over 300 s while Services × workloads were scanned).
fn chart_repo(n: usize) -> PathBuf {
    let dir = root().join(format!("target/bench-data/chart-{n}"));
    if dir.join("all.yaml").is_file() {
        return dir;
    }
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: dep-{i}}}\n  ports:\n  - port: 80\n    targetPort: 8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dep-{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: dep-{i}}}\n  template:\n    metadata:\n      labels: {{app: dep-{i}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.25\n        ports:\n        - containerPort: 8080\n---\n"
        ));
    }
    std::fs::create_dir_all(&dir).expect("bench dir");
    std::fs::write(dir.join("all.yaml"), s).expect("chart");
    dir
}

/// The chart at two sizes: the time should double with the size, not quadruple.
fn bench_chart(c: &mut Criterion) {
    let mut g = c.benchmark_group("chart");
    g.sample_size(10);
    for n in [2_500, 5_000] {
        let dir = chart_repo(n);
        let mb = std::fs::metadata(dir.join("all.yaml")).map_or(0, |m| m.len()) >> 20;
        g.bench_function(format!("check {n} Services + Deployments ({mb} MB)"), |b| {
            b.iter(|| {
                let a = check(&Options {
                    roots: vec![dir.clone()],
                    ..Options::default()
                })
                .expect("chart");
                assert_eq!(a.summary.files, 1);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, bench_synthetic, bench_chart);
criterion_main!(benches);
