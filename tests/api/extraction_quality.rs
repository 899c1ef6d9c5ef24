//! Scores the claim extractor against hand-labelled articles and fails below
//! the quality floors. Two sets, reported and judged separately:
//! - the tuning set, `tests/fixtures/extraction/*.json`, written alongside the
//!   rules (they may be tuned on it);
//! - the blind set, `tests/fixtures/extraction/blind/*.json`, written and
//!   labelled by people who never saw the rules. Never tune on it: only the
//!   aggregate figures printed here may be looked at.
//!
//! Run `cargo test --test api extraction_quality -- --nocapture` for the
//! tables. With `EXTRACTION_DIFF=1` the tuning set (never the blind set) also
//! prints every missed or spurious claim and quantity, and every wrong
//! claimant or qualifier.

use claimdesk::domain::extract::{self, ExtractedClaim, ExtractedQuantity};
use serde::Deserialize;

const TUNING_CLAIM_F1_FLOOR: f64 = 0.85;
const TUNING_QUANTITY_F1_FLOOR: f64 = 0.90;
// The blind floors the desk wants are claim F1 0.90, quantity F1 0.90 and
// claimant accuracy 0.85 (issue 16), and all three are met: claim F1 0.922,
// quantity F1 0.902 since round 10 (a thin margin), claimant accuracy 0.858
// since round 12 (217 of 253 matched claims; two claims above the floor).
// The constants must only ever rise (see the README's rounds).
const BLIND_CLAIM_F1_FLOOR: f64 = 0.90;
const BLIND_QUANTITY_F1_FLOOR: f64 = 0.90;
const BLIND_CLAIMANT_ACCURACY_FLOOR: f64 = 0.85;
/// A predicted claim matches a labelled one when their spans overlap this much (Jaccard).
const SPAN_OVERLAP: f64 = 0.5;
/// A predicted quantity matches a labelled one within this relative distance (and the same unit).
const VALUE_TOLERANCE: f64 = 0.005;

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
    claimant: Option<String>,
    quantities: Vec<Quantity>,
}

#[derive(Deserialize)]
struct Quantity {
    value: f64,
    unit: Option<String>,
    qualifier: String,
    text: String,
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
        ratio(self.matched, self.predicted)
    }
    fn recall(self) -> f64 {
        ratio(self.matched, self.gold)
    }
    fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

/// Agreement on matched items: how many were compared and how many agreed.
#[derive(Default, Clone, Copy)]
struct Agreement {
    compared: usize,
    agreed: usize,
}

impl Agreement {
    fn add(&mut self, other: Agreement) {
        self.compared += other.compared;
        self.agreed += other.agreed;
    }
    fn accuracy(self) -> f64 {
        ratio(self.agreed, self.compared)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

#[derive(Default)]
struct Scores {
    claims: Counts,
    quantities: Counts,
    qualifiers: Agreement,
    claimants: Agreement,
    baseline: Counts,
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

/// One-to-one matching, each prediction taking the first unmatched gold item
/// it fits: the (prediction, gold) index pairs.
fn match_pairs<P, G>(predicted: &[P], gold: &[G], fits: impl Fn(&P, &G) -> bool) -> Vec<(usize, usize)> {
    let mut used = vec![false; gold.len()];
    let mut pairs = Vec::new();
    for (p, item) in predicted.iter().enumerate() {
        if let Some(g) = (0..gold.len()).find(|&g| !used[g] && fits(item, &gold[g])) {
            used[g] = true;
            pairs.push((p, g));
        }
    }
    pairs
}

fn same_quantity(p: &ExtractedQuantity, g: &Quantity) -> bool {
    let close = if g.value == 0.0 {
        p.value == 0.0
    } else {
        ((p.value - g.value) / g.value).abs() <= VALUE_TOLERANCE
    };
    close && p.unit == g.unit
}

fn same_claimant(predicted: Option<&str>, gold: Option<&str>) -> bool {
    predicted.map(str::trim) == gold.map(str::trim)
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

fn load(subdir: &str) -> Vec<(String, Article)> {
    let dir = format!(
        "{}/tests/fixtures/extraction/{subdir}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let article: Article = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, article)
        })
        .collect()
}

/// Scores one article; `diff` prints what differs from the labels.
fn score_article(article: &Article, diff: bool) -> Scores {
    let predicted = extract::extract(&article.text);
    let gold_spans: Vec<(usize, usize)> = article.claims.iter().map(|c| (c.start, c.end)).collect();
    let spans: Vec<(usize, usize)> = predicted.iter().map(|c| (c.start, c.end)).collect();
    let claim_pairs = match_pairs(&spans, &gold_spans, |p, g| jaccard(*p, *g) >= SPAN_OVERLAP);
    let mut claimants = Agreement::default();
    for &(p, g) in &claim_pairs {
        let (found, label) = (
            predicted[p].claimant.as_deref(),
            article.claims[g].claimant.as_deref(),
        );
        claimants.compared += 1;
        if same_claimant(found, label) {
            claimants.agreed += 1;
        } else if diff {
            println!("  claimant {found:?} != {label:?}  in {:?}", predicted[p].text);
        }
    }
    let gold_q: Vec<&Quantity> = article.claims.iter().flat_map(|c| &c.quantities).collect();
    let pred_q: Vec<&ExtractedQuantity> = predicted.iter().flat_map(|c| &c.quantities).collect();
    let quantity_pairs = match_pairs(&pred_q, &gold_q, |p, g| same_quantity(p, g));
    let mut qualifiers = Agreement::default();
    for &(p, g) in &quantity_pairs {
        qualifiers.compared += 1;
        if pred_q[p].qualifier.as_str() == gold_q[g].qualifier {
            qualifiers.agreed += 1;
        } else if diff {
            println!(
                "  qualifier {} != {}  for {:?}",
                pred_q[p].qualifier.as_str(),
                gold_q[g].qualifier,
                gold_q[g].text
            );
        }
    }
    if diff {
        print_unmatched(
            article,
            &predicted,
            &claim_pairs,
            &pred_q,
            &gold_q,
            &quantity_pairs,
        );
    }
    let b_spans = baseline(&article.text);
    Scores {
        claims: Counts {
            predicted: spans.len(),
            gold: gold_spans.len(),
            matched: claim_pairs.len(),
        },
        quantities: Counts {
            predicted: pred_q.len(),
            gold: gold_q.len(),
            matched: quantity_pairs.len(),
        },
        qualifiers,
        claimants,
        baseline: Counts {
            predicted: b_spans.len(),
            gold: gold_spans.len(),
            matched: match_pairs(&b_spans, &gold_spans, |p, g| jaccard(*p, *g) >= SPAN_OVERLAP).len(),
        },
    }
}

fn print_unmatched(
    article: &Article,
    predicted: &[ExtractedClaim],
    claim_pairs: &[(usize, usize)],
    pred_q: &[&ExtractedQuantity],
    gold_q: &[&Quantity],
    quantity_pairs: &[(usize, usize)],
) {
    let chars: Vec<char> = article.text.chars().collect();
    for (g, c) in article.claims.iter().enumerate() {
        if !claim_pairs.iter().any(|&(_, x)| x == g) {
            let text: String = chars[c.start..c.end].iter().collect();
            println!("  missed claim: {text:?}");
        }
    }
    for (p, c) in predicted.iter().enumerate() {
        if !claim_pairs.iter().any(|&(x, _)| x == p) {
            println!("  spurious claim: {:?}", c.text);
        }
    }
    for (g, q) in gold_q.iter().enumerate() {
        if !quantity_pairs.iter().any(|&(_, x)| x == g) {
            println!("  missed quantity: {} {:?} {:?}", q.value, q.unit, q.text);
        }
    }
    for (p, q) in pred_q.iter().enumerate() {
        if !quantity_pairs.iter().any(|&(x, _)| x == p) {
            println!("  spurious quantity: {} {:?} {:?}", q.value, q.unit, q.text);
        }
    }
}

/// Scores a set, printing one line per article and the totals.
fn score_set(label: &str, articles: &[(String, Article)], may_diff: bool) -> Scores {
    let diff = may_diff && std::env::var_os("EXTRACTION_DIFF").is_some();
    println!(
        "\n{label}\n{:<16} {:<11} {:>6} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9}",
        "article",
        "domain",
        "words",
        "gold",
        "found",
        "claimP",
        "claimR",
        "qtyP",
        "qtyR",
        "qualif",
        "claimant"
    );
    let mut total = Scores::default();
    for (name, article) in articles {
        let words = article.text.split_whitespace().count();
        assert!(words >= 350, "{name} has only {words} words");
        if diff {
            println!("{name}:");
        }
        let s = score_article(article, diff);
        println!(
            "{name:<16} {:<11} {words:>6} {:>5} {:>6} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>6.2} {:>9.2}",
            article.domain,
            s.claims.gold,
            s.claims.predicted,
            s.claims.precision(),
            s.claims.recall(),
            s.quantities.precision(),
            s.quantities.recall(),
            s.qualifiers.accuracy(),
            s.claimants.accuracy(),
        );
        total.claims.add(s.claims);
        total.quantities.add(s.quantities);
        total.qualifiers.add(s.qualifiers);
        total.claimants.add(s.claimants);
        total.baseline.add(s.baseline);
    }
    let (c, q) = (total.claims, total.quantities);
    println!(
        "claims:     P {:.3} R {:.3} F1 {:.3}  ({} labelled, {} found)",
        c.precision(),
        c.recall(),
        c.f1(),
        c.gold,
        c.predicted
    );
    println!(
        "quantities: P {:.3} R {:.3} F1 {:.3}  ({} labelled, {} found)",
        q.precision(),
        q.recall(),
        q.f1(),
        q.gold,
        q.predicted
    );
    println!(
        "qualifier accuracy {:.3} ({} matched quantities); claimant accuracy {:.3} ({} matched claims)",
        total.qualifiers.accuracy(),
        total.qualifiers.compared,
        total.claimants.accuracy(),
        total.claimants.compared
    );
    println!(
        "baseline (every sentence with a digit): claim P {:.3} R {:.3} F1 {:.3}",
        total.baseline.precision(),
        total.baseline.recall(),
        total.baseline.f1()
    );
    println!(
        "| {label} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
        c.precision(),
        c.recall(),
        c.f1(),
        q.precision(),
        q.recall(),
        q.f1(),
        total.qualifiers.accuracy(),
        total.claimants.accuracy()
    );
    total
}

fn floor(label: &str, what: &str, value: f64, floor: f64) {
    assert!(value >= floor, "{label}: {what} {value:.3} is below {floor}");
}

#[test]
fn tuning_set_meets_its_floors() {
    let articles = load("");
    assert!(
        articles.len() >= 15,
        "the tuning set needs at least 15 articles, found {}",
        articles.len()
    );
    let s = score_set("tuning set", &articles, true);
    floor("tuning set", "claim F1", s.claims.f1(), TUNING_CLAIM_F1_FLOOR);
    floor(
        "tuning set",
        "quantity F1",
        s.quantities.f1(),
        TUNING_QUANTITY_F1_FLOOR,
    );
}

#[test]
fn blind_set_meets_its_floors() {
    let articles = load("blind");
    assert!(
        articles.len() >= 15,
        "the blind set needs at least 15 articles, found {}",
        articles.len()
    );
    // Never print per-claim differences for the blind set: aggregate figures only.
    let s = score_set("blind set", &articles, false);
    floor("blind set", "claim F1", s.claims.f1(), BLIND_CLAIM_F1_FLOOR);
    floor(
        "blind set",
        "quantity F1",
        s.quantities.f1(),
        BLIND_QUANTITY_F1_FLOOR,
    );
    floor(
        "blind set",
        "claimant accuracy",
        s.claimants.accuracy(),
        BLIND_CLAIMANT_ACCURACY_FLOOR,
    );
}
