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

criterion_group!(benches, bench, bench_synthetic);
criterion_main!(benches);
