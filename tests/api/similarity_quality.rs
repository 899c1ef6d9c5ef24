//! Scores repeated-claim matching against the hand-labelled pairs in
//! `tests/fixtures/similarity/pairs.json` and fails below the floors.
//! Run `cargo test --test api similarity_quality -- --nocapture` for the
//! figures and the pairs it gets wrong (held-out sets print figures only).

use claimdesk::domain::extract::analyse;
use claimdesk::domain::similarity::{Fingerprint, SAME_CLAIM, SAME_REVIEWED, TermCounts};
use serde::Deserialize;

const PRECISION_FLOOR: f64 = 0.90;
const RECALL_FLOOR: f64 = 0.80;

/// The sets nobody has tuned on: only their aggregate figures are ever
/// printed, and `SIMILARITY_TUNING_ONLY=1` leaves them out. The older
/// held-out sets (`claimreviewed_holdout.json` to `_holdout3.json`) were
/// read after the rounds they judged and are tuning sets now.
const FRESH: [&str; 4] = [
    "holdout.json",
    "claimreviewed_holdout4.json",
    "claimreviewed_holdout5.json",
    "claimreviewed_holdout6.json",
];

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

/// The cosine of each pair's sentence embeddings.
fn cosines(pairs: &[Pair]) -> Vec<f64> {
    let semantic = crate::support::semantic();
    let encoder = semantic.encoder().expect("the model is loaded");
    let texts: Vec<&str> = pairs
        .iter()
        .flat_map(|p| [p.a.text.as_str(), p.b.text.as_str()])
        .collect();
    let vectors: Vec<Vec<f32>> = texts.chunks(32).flat_map(|c| encoder.embed_many(c)).collect();
    vectors
        .chunks_exact(2)
        .map(|v| f64::from(embedding::cosine(&v[0], &v[1])))
        .collect()
}

/// Precision and recall of "same claim" over one pair set, printing the
/// pairs judged wrong (except for held-out sets). Claims are compared with
/// fact-checkers' statements by meaning too (sentence embeddings), as a
/// server with the model does; the figures by words alone are printed
/// beside them.
fn measure(file: &str) -> (f64, f64) {
    let raw = std::fs::read_to_string(format!(
        "{}/tests/fixtures/similarity/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let set: PairSet = serde_json::from_str(&raw).unwrap();
    // A held-out set is only ever seen as its aggregate figures: printing
    // its pairs would let them leak into tuning.
    let held_out = FRESH.contains(&file);
    let prints: Vec<(Fingerprint, Fingerprint)> = set
        .pairs
        .iter()
        .map(|p| (fingerprint(&p.a), fingerprint(&p.b)))
        .collect();
    // Term rarity as the service sees it: counted over every claim stored.
    let counts = TermCounts::of(prints.iter().flat_map(|(a, b)| [a, b]));

    let reviewed = file.starts_with("claimreviewed");
    let cosines = if reviewed { cosines(&set.pairs) } else { Vec::new() };
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut words_tp, mut words_fp, mut words_fn) = (0usize, 0usize, 0usize);
    let mut by_kind: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (i, (pair, (a, b))) in set.pairs.iter().zip(&prints).enumerate() {
        // In the claimReviewed sets, `b` is the fact-checker's statement.
        let similarity = if reviewed {
            let by_words = a.compare_reviewed(b, &counts);
            let words = by_words.score >= SAME_REVIEWED;
            match (words, pair.same) {
                (true, true) => words_tp += 1,
                (true, false) => words_fp += 1,
                (false, true) => words_fn += 1,
                (false, false) => {}
            }
            let by_meaning = a.compare_reviewed_meaning(b, &counts, cosines[i]);
            // `SIMILARITY_DUMP=FILE` appends each tuning pair's figures as
            // a JSON line, for studying the comparison outside the test.
            if let (Some(dump), false) = (std::env::var_os("SIMILARITY_DUMP"), held_out) {
                use std::io::Write;
                let line = serde_json::json!({
                    "file": file, "index": i, "same": pair.same,
                    "score": by_meaning.score, "words": by_words.score, "cosine": cosines[i],
                    "reasons": format!("{:?}", by_meaning.reasons),
                });
                let mut out = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(dump)
                    .unwrap();
                writeln!(out, "{line}").unwrap();
            }
            by_meaning
        } else {
            a.compare(b, &counts)
        };
        let threshold = if file.starts_with("claimreviewed") {
            SAME_REVIEWED
        } else {
            SAME_CLAIM
        };
        let predicted = similarity.score >= threshold;
        let entry = by_kind.entry(pair.kind.as_str()).or_default();
        entry.0 += 1;
        if predicted == pair.same {
            entry.1 += 1;
        } else if !held_out {
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
    println!("{file}: {} pairs", set.pairs.len());
    for (kind, (n, right)) in &by_kind {
        println!("  {kind:<10} {right:>3}/{n:<3} judged right");
    }
    println!("  same claim: precision {precision:.3} recall {recall:.3} (tp {tp}, fp {fp}, fn {fn_})");
    if reviewed {
        println!(
            "  by words alone (no model): precision {:.3} recall {:.3} (tp {words_tp}, fp {words_fp}, fn {words_fn})",
            words_tp as f64 / (words_tp + words_fp).max(1) as f64,
            words_tp as f64 / (words_tp + words_fn).max(1) as f64,
        );
    }
    let least = if file.starts_with("claimreviewed") {
        50
    } else {
        100
    };
    assert!(
        set.pairs.len() >= least,
        "{file} is too small to measure anything"
    );
    (precision, recall)
}

/// `pairs.json` is the set the matcher was tuned on; `holdout.json` was
/// written separately, by someone who never saw the matcher, and was not
/// used to tune it. The `claimreviewed*.json` sets pair article sentences
/// with the terse `claimReviewed` of other publishers' fact-checks, each
/// written by someone who never saw the matcher. The tuning sets
/// (`claimreviewed.json`, `_tuning.json` to `_tuning4.json`) were tuned on;
/// so, from round 8, were the first three held-out sets, whose figures
/// had been read after the rounds they judged. `claimreviewed_holdout4` and
/// `_holdout5` (written blind, 100 pairs each, 45 of them hard near-misses)
/// were measured once, when round 8 was done, and `_holdout6` (the same
/// kind, written during round 8) once on 2026-12-01 with the round-8
/// matcher; only their aggregate figures are printed (see
/// docs/exchange.md).
#[test]
fn same_claim_precision_and_recall_meet_the_floors() {
    let files = [
        "pairs.json",
        "holdout.json",
        "claimreviewed.json",
        "claimreviewed_tuning.json",
        "claimreviewed_tuning2.json",
        "claimreviewed_tuning3.json",
        "claimreviewed_tuning4.json",
        "claimreviewed_holdout.json",
        "claimreviewed_holdout2.json",
        "claimreviewed_holdout3.json",
        "claimreviewed_holdout4.json",
        "claimreviewed_holdout5.json",
        "claimreviewed_holdout6.json",
    ];
    // While tuning, `SIMILARITY_TUNING_ONLY=1` leaves the held-out sets
    // out altogether: not even their figures or a failed floor show.
    let tuning_only = std::env::var_os("SIMILARITY_TUNING_ONLY").is_some();
    // Every set is measured (and printed) before any floor is checked.
    let measured: Vec<(&str, f64, f64)> = files
        .iter()
        .filter(|file| !(tuning_only && FRESH.contains(file)))
        .map(|file| {
            let (precision, recall) = measure(file);
            (*file, precision, recall)
        })
        .collect();
    for (file, precision, recall) in measured {
        // Matching against fact-checkers' terse statements does not reach
        // the floors yet (see docs/exchange.md); these guard what it does.
        let (precision_floor, recall_floor) = match file {
            "claimreviewed.json" => (0.93, 0.97),
            "claimreviewed_tuning.json" => (0.97, 0.82),
            "claimreviewed_tuning2.json" => (0.92, 0.88),
            "claimreviewed_tuning3.json" => (0.86, 0.94),
            "claimreviewed_tuning4.json" => (0.90, 0.92),
            "claimreviewed_holdout.json" => (0.97, 0.83),
            "claimreviewed_holdout2.json" => (0.93, 0.90),
            "claimreviewed_holdout3.json" => (0.82, 0.78),
            "claimreviewed_holdout4.json" => (0.78, 0.87),
            "claimreviewed_holdout5.json" => (0.77, 0.89),
            "claimreviewed_holdout6.json" => (0.68, 0.90),
            _ => (PRECISION_FLOOR, RECALL_FLOOR),
        };
        assert!(
            precision >= precision_floor,
            "{file}: precision {precision:.3} < {precision_floor}"
        );
        assert!(
            recall >= recall_floor,
            "{file}: recall {recall:.3} < {recall_floor}"
        );
    }
}
