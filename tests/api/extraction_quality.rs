//! Scores the claim extractor against the hand-labelled articles in
//! `tests/fixtures/extraction/` and fails below the quality floors.
//! Run `cargo test --test api extraction_quality -- --nocapture` for the table.

use claimdesk::domain::extract::{self, ExtractedQuantity};
use serde::Deserialize;

const CLAIM_F1_FLOOR: f64 = 0.85;
const QUANTITY_F1_FLOOR: f64 = 0.90;

#[derive(Deserialize)]
struct Article {
    domain: String,
    text: String,
    claims: Vec<Claim>,
}

#[derive(Deserialize)]
struct Claim {
    start: usize,
    end: usize,
    quantities: Vec<Quantity>,
}

#[derive(Deserialize)]
struct Quantity {
    value: f64,
    unit: Option<String>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    predicted: usize,
    gold: usize,
    matched: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.predicted += other.predicted;
        self.gold += other.gold;
        self.matched += other.matched;
    }
    fn precision(self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.matched as f64 / self.predicted as f64
        }
    }
    fn recall(self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.matched as f64 / self.gold as f64
        }
    }
    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

fn jaccard(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// One-to-one matching, each prediction taking the first unmatched gold item it fits.
fn match_count<P, G>(predicted: &[P], gold: &[G], fits: impl Fn(&P, &G) -> bool) -> usize {
    let mut used = vec![false; gold.len()];
    let mut matched = 0;
    for p in predicted {
        if let Some(i) = (0..gold.len()).find(|&i| !used[i] && fits(p, &gold[i])) {
            used[i] = true;
            matched += 1;
        }
    }
    matched
}

fn same_quantity(p: &ExtractedQuantity, g: &Quantity) -> bool {
    let close = if g.value == 0.0 {
        p.value == 0.0
    } else {
        ((p.value - g.value) / g.value).abs() <= 0.005
    };
    close && p.unit == g.unit
}

/// The baseline: split at sentence punctuation and line breaks, and call every
/// sentence with a digit in it a claim.
fn baseline(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..=chars.len() {
        let end_here = i == chars.len()
            || chars[i] == '\n'
            || (matches!(chars[i], '.' | '!' | '?') && chars.get(i + 1).is_none_or(|c| c.is_whitespace()));
        if end_here {
            let end = if i < chars.len() && chars[i] != '\n' {
                i + 1
            } else {
                i
            };
            if chars[start..end].iter().any(char::is_ascii_digit) {
                out.push((start, end));
            }
            start = i + 1;
        }
    }
    out
}

fn load() -> Vec<(String, Article)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/extraction");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let article: Article = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (name, article)
        })
        .collect()
}

#[test]
fn extractor_meets_the_quality_floors() {
    let articles = load();
    assert!(
        articles.len() >= 10,
        "the labelled set needs at least 10 articles, found {}",
        articles.len()
    );
    let (mut claims, mut quantities, mut base) = (Counts::default(), Counts::default(), Counts::default());
    println!(
        "\n{:<14} {:<11} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}",
        "article", "domain", "words", "gold", "found", "claimP", "claimR", "qtyP", "qtyR"
    );
    for (name, article) in &articles {
        let words = article.text.split_whitespace().count();
        assert!(words >= 350, "{name} has only {words} words");
        let predicted = extract::extract(&article.text);
        let gold_spans: Vec<(usize, usize)> = article.claims.iter().map(|c| (c.start, c.end)).collect();
        let spans: Vec<(usize, usize)> = predicted.iter().map(|c| (c.start, c.end)).collect();
        let c = Counts {
            predicted: spans.len(),
            gold: gold_spans.len(),
            matched: match_count(&spans, &gold_spans, |p, g| jaccard(*p, *g) >= 0.5),
        };
        let gold_q: Vec<&Quantity> = article.claims.iter().flat_map(|c| &c.quantities).collect();
        let pred_q: Vec<&ExtractedQuantity> = predicted.iter().flat_map(|c| &c.quantities).collect();
        let q = Counts {
            predicted: pred_q.len(),
            gold: gold_q.len(),
            matched: match_count(&pred_q, &gold_q, |p, g| same_quantity(p, g)),
        };
        let b_spans = baseline(&article.text);
        let b = Counts {
            predicted: b_spans.len(),
            gold: gold_spans.len(),
            matched: match_count(&b_spans, &gold_spans, |p, g| jaccard(*p, *g) >= 0.5),
        };
        println!(
            "{name:<14} {:<11} {words:>6} {:>6} {:>6} {:>6.2} {:>7.2} {:>7.2} {:>7.2}",
            article.domain,
            c.gold,
            c.predicted,
            c.precision(),
            c.recall(),
            q.precision(),
            q.recall()
        );
        claims.add(c);
        quantities.add(q);
        base.add(b);
    }
    println!(
        "\nclaims:     precision {:.3} recall {:.3} F1 {:.3}  ({} labelled, {} found)",
        claims.precision(),
        claims.recall(),
        claims.f1(),
        claims.gold,
        claims.predicted
    );
    println!(
        "quantities: precision {:.3} recall {:.3} F1 {:.3}  ({} labelled, {} found)",
        quantities.precision(),
        quantities.recall(),
        quantities.f1(),
        quantities.gold,
        quantities.predicted
    );
    println!(
        "baseline (every sentence with a digit): claim precision {:.3} recall {:.3} F1 {:.3}",
        base.precision(),
        base.recall(),
        base.f1()
    );
    assert!(
        claims.f1() >= CLAIM_F1_FLOOR,
        "claim F1 {:.3} is below {CLAIM_F1_FLOOR}",
        claims.f1()
    );
    assert!(
        quantities.f1() >= QUANTITY_F1_FLOOR,
        "quantity F1 {:.3} is below {QUANTITY_F1_FLOOR}",
        quantities.f1()
    );
}
