//! Claim extraction throughput over the labelled articles, on one core,
//! with the server's allocator.
//! Run with `cargo bench --bench extract`; criterion prints MiB/s.
//! `EXTRACT_BENCH_DIR=/some/dir` reads the articles from another folder, so
//! that two versions of the extractor can be compared on the same text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// The server's allocator (see `src/main.rs`), so that the figure is the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn articles() -> String {
    let dir = std::env::var("EXTRACT_BENCH_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extraction").to_owned());
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json");
            json["text"].as_str().expect("text").to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn bench(c: &mut Criterion) {
    let text = articles();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("labelled articles", |b| {
        b.iter(|| claimdesk::domain::extract::extract(black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
