//! Writes, as CSV on standard output, what `compare_reviewed` weighs for
//! each pair of the given claimReviewed pair sets: the training data of
//! `tools/train_reviewed.py`. Held-out sets are refused: they are never
//! tuned on.
//!
//! `cargo run --example reviewed_features -- tests/fixtures/similarity/claimreviewed.json ...`

use claimdesk::domain::extract::analyse;
use claimdesk::domain::similarity::{Fingerprint, SIGNAL_NAMES, TermCounts};
use serde::Deserialize;

#[derive(Deserialize)]
struct PairSet {
    pairs: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    kind: String,
    same: bool,
    a: Side,
    b: Side,
}

#[derive(Deserialize)]
struct Side {
    text: String,
    claimant: Option<String>,
}

fn fingerprint(side: &Side) -> Fingerprint {
    Fingerprint::of(
        &side.text,
        side.claimant.as_deref(),
        &analyse(&side.text).quantities,
    )
}

fn main() {
    println!("set,index,kind,same,score,{}", SIGNAL_NAMES.join(","));
    for path in std::env::args().skip(1) {
        assert!(
            !path.contains("holdout"),
            "{path}: held-out sets are never tuned on"
        );
        let set: PairSet = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let prints: Vec<(Fingerprint, Fingerprint)> = set
            .pairs
            .iter()
            .map(|p| (fingerprint(&p.a), fingerprint(&p.b)))
            .collect();
        // Term rarity over the set, as `tests/api/similarity_quality.rs` counts it.
        let counts = TermCounts::of(prints.iter().flat_map(|(a, b)| [a, b]));
        let name = path.rsplit('/').next().unwrap_or(&path);
        for (i, (pair, (a, b))) in set.pairs.iter().zip(&prints).enumerate() {
            let features = a.reviewed_signals(b, &counts).features();
            let score = a.compare_reviewed(b, &counts).score;
            let features: Vec<String> = features.iter().map(|x| format!("{x:.6}")).collect();
            println!(
                "{name},{i},{},{},{score:.6},{}",
                pair.kind,
                pair.same,
                features.join(",")
            );
        }
    }
}
