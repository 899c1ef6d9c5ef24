//! Repeated-claim comparison throughput on one core, by words alone (no
//! embedding model): `Fingerprint::of` over the texts of the claimReviewed
//! tuning pairs, and `compare_reviewed` and `compare` over the pairs.
//! Run with `cargo bench --bench matching`; criterion prints elements
//! (texts or pairs) per second. The held-out sets are not read.

use claimdesk::domain::extract::analyse;
use claimdesk::domain::similarity::{Fingerprint, Similarity, TermCounts};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SETS: [&str; 5] = [
    "claimreviewed.json",
    "claimreviewed_tuning.json",
    "claimreviewed_tuning2.json",
    "claimreviewed_tuning3.json",
    "claimreviewed_tuning4.json",
];

/// Each pair's two texts: the article's sentence, the fact-checker's statement.
fn pairs() -> Vec<(String, String)> {
    SETS.iter()
        .flat_map(|file| {
            let path = format!("{}/tests/fixtures/similarity/{file}", env!("CARGO_MANIFEST_DIR"));
            let set: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
            set["pairs"]
                .as_array()
                .expect("pairs")
                .iter()
                .map(|p| {
                    let text = |side: &str| p[side]["text"].as_str().expect("text").to_owned();
                    (text("a"), text("b"))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn print(text: &str) -> Fingerprint {
    Fingerprint::of(text, None, &analyse(text).quantities)
}

fn bench(c: &mut Criterion) {
    let pairs = pairs();
    let texts: Vec<&str> = pairs.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
    let quantities: Vec<_> = texts.iter().map(|t| analyse(t).quantities).collect();
    let prints: Vec<(Fingerprint, Fingerprint)> = pairs.iter().map(|(a, b)| (print(a), print(b))).collect();
    let counts = TermCounts::of(prints.iter().flat_map(|(a, b)| [a, b]));

    let mut group = c.benchmark_group("matching");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("fingerprint texts", |b| {
        b.iter(|| {
            texts
                .iter()
                .zip(&quantities)
                .map(|(t, q)| Fingerprint::of(black_box(t), None, q))
                .collect::<Vec<_>>()
        })
    });
    group.throughput(Throughput::Elements(prints.len() as u64));
    type Compare = fn(&Fingerprint, &Fingerprint, &TermCounts) -> Similarity;
    let comparisons: [(&str, Compare); 2] = [
        ("compare_reviewed pairs", Fingerprint::compare_reviewed),
        ("compare pairs", Fingerprint::compare),
    ];
    for (name, compare) in comparisons {
        group.bench_function(name, |b| {
            b.iter(|| {
                prints
                    .iter()
                    .map(|(a, r)| compare(a, black_box(r), &counts).score)
                    .sum::<f64>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
