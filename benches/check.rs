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

criterion_group!(benches, bench);
criterion_main!(benches);
