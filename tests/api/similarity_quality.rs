//! Scores repeated-claim matching against the hand-labelled pairs in
//! `tests/fixtures/similarity/pairs.json` and fails below the floors.
//! Run `cargo test --test api similarity_quality -- --nocapture` for the
//! figures and the pairs it gets wrong.

use claimdesk::domain::extract::analyse;
use claimdesk::domain::similarity::{Fingerprint, SAME_CLAIM, TermCounts};
use serde::Deserialize;

const PRECISION_FLOOR: f64 = 0.90;
const RECALL_FLOOR: f64 = 0.80;

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

/// Precision and recall of "same claim" over one pair set, printing the
/// pairs judged wrong.
fn measure(file: &str) -> (f64, f64) {
    let raw = std::fs::read_to_string(format!(
        "{}/tests/fixtures/similarity/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let set: PairSet = serde_json::from_str(&raw).unwrap();
    let prints: Vec<(Fingerprint, Fingerprint)> = set
        .pairs
        .iter()
        .map(|p| (fingerprint(&p.a), fingerprint(&p.b)))
        .collect();
    // Term rarity as the service sees it: counted over every claim stored.
    let counts = TermCounts::of(prints.iter().flat_map(|(a, b)| [a, b]));

    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (pair, (a, b)) in set.pairs.iter().zip(&prints) {
        let similarity = a.compare(b, &counts);
        let predicted = similarity.score >= SAME_CLAIM;
        let entry = by_kind.entry(pair.kind.as_str()).or_default();
        entry.0 += 1;
        if predicted == pair.same {
            entry.1 += 1;
        } else {
            println!(
                "WRONG {} score {:.2}\n  a: {}\n  b: {}\n  {:?}",
                pair.kind, similarity.score, pair.a.text, pair.b.text, similarity.reasons
            );
        }
        match (predicted, pair.same) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!("{file}: {} pairs, threshold {SAME_CLAIM}", set.pairs.len());
    for (kind, (n, right)) in &by_kind {
        println!("  {kind:<10} {right:>3}/{n:<3} judged right");
    }
    println!("  same claim: precision {precision:.3} recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_})");
    assert!(set.pairs.len() >= 100, "{file} is too small to measure anything");
    (precision, recall)
}

/// `pairs.json` is the set the matcher was tuned on; `holdout.json` was
/// written separately, by someone who never saw the matcher, and was not
/// used to tune it. Both must meet the floors.
#[test]
fn same_claim_precision_and_recall_meet_the_floors() {
    for file in ["pairs.json", "holdout.json"] {
        let (precision, recall) = measure(file);
        assert!(
            precision >= PRECISION_FLOOR,
            "{file}: precision {precision:.3} < {PRECISION_FLOOR}"
        );
        assert!(
            recall >= RECALL_FLOOR,
            "{file}: recall {recall:.3} < {RECALL_FLOOR}"
        );
    }
}
