//! Repeated-claim matching: whether two claims assert the same thing.
//!
//! A claim is reduced to a [`Fingerprint`]: its stemmed key terms, the names
//! in it, its amounts (value and unit, numbers already normalised by the
//! extractor), the direction it reports and its claimant. Two fingerprints
//! are compared by the rarity-weighted overlap of their terms, lifted by a
//! shared amount and pulled down by a contradiction — another number for the
//! same unit, another place or name, the opposite direction — because the
//! near-misses a desk cares about differ in exactly one such fact.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::claim::Claim;
use super::extract::{ExtractedQuantity, Qualifier};

mod contrasts;
mod lexicon;
mod words;
use lexicon::{KINDS, LEXICON, spelled_unit};
use words::{
    DEMONYMS, DOWN, MORE_DOWN, MORE_UP, NAME_FORMS, NOT_NAMES, ORDINALS, STOP_WORDS, TERM_SYNONYMS,
    UNIT_SYNONYMS, UP, WEEKDAYS,
};

/// Score from which two claims count as the same claim.
pub const SAME_CLAIM: f64 = 0.5;

/// Score from which a claim repeats a fact-checker's statement
/// (`compare_reviewed`). 0.4 finds more repeats on the tuning pairs
/// (`tests/fixtures/similarity/claimreviewed.json`: recall 0.86 → 0.93) but
/// lost precision on the held-out pairs (0.90 → 0.84); a wrong verdict shown
/// on a claim costs a desk more than a missed one, so it stays at 0.5.
pub const SAME_REVIEWED: f64 = 0.5;

/// Below this a candidate is not worth showing at all.
pub const RELEVANT: f64 = 0.2;

/// Longer "words" are identifiers or junk, not terms.
const WORD_MAX: usize = 40;

#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: f64,
    /// Singular, lower-cased, with synonyms folded ("soldiers" → "troop");
    /// `CALENDAR_YEAR` for a year written in a date ("in 2023"), which is
    /// not a number of years.
    pub unit: Option<String>,
    /// How the number was hedged ("more than", "about").
    pub qualifier: Qualifier,
}

/// The unit of a year written in digits in a date.
pub const CALENDAR_YEAR: &str = "calendar year";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    /// Stemmed content words of the text, stop words and numbers left out.
    pub terms: BTreeSet<String>,
    /// A word of the text for each term, as a full-text index would take it.
    words: BTreeMap<String, String>,
    /// Stems of capitalised content words: places, people, months (and
    /// the odd sentence-initial noun, which the other claim usually has too).
    names: BTreeSet<String>,
    /// Stems of names written in capitals of at most four letters ("EU",
    /// "US", "NATO"), which stand for longer names.
    acronyms: BTreeSet<String>,
    /// The first word's stem when it is a capitalised content word: a name
    /// as often as not in a fact-checker's terse statement ("France pledged
    /// …"), which a sentence's first word alone cannot tell.
    opening: Option<String>,
    /// Ordinal words in the text ("first", "fourth").
    ordinals: BTreeSet<String>,
    pub amounts: Vec<Amount>,
    /// Every number written in digits, years included.
    numbers: Vec<f64>,
    /// Every word's stem in order, and whether it is a content word.
    sequence: Vec<Word>,
    direction: Option<Direction>,
    /// The direction by a longer list of verbs (`MORE_UP`, `MORE_DOWN`),
    /// "more than" and "fewer than" not counted: read only against a
    /// fact-checker's statement.
    reviewed_direction: Option<Direction>,
    /// The direction of the verbs that move to or by a number ("rose to
    /// 6.5%", "fell by 3%"), whatever else the sentence says moved ("as
    /// hiring slowed"): read only against a fact-checker's statement.
    number_direction: Option<Direction>,
    /// Years that follow "since" ("the lowest since 1969"): a point of
    /// reference, not when the claim happened.
    reference_years: Vec<f64>,
    /// Stems of the names in who-said-it clauses ("according to the Home
    /// Office", ", Nationwide said."): the source, not the claim.
    sources: BTreeSet<String>,
    claimant: Option<String>,
    /// For each group of `CONTRASTS` the text names kinds of, the kinds it
    /// names (bit k for kind k), by group.
    kinds: Vec<(usize, u64)>,
    /// Whether it speaks of the whole (`WHOLE`: "nationwide").
    whole: bool,
}

/// How many claims use each term: the rarity that weighs shared terms.
#[derive(Debug, Default, Clone)]
pub struct TermCounts {
    pub claims: u64,
    pub by_term: HashMap<String, u64>,
}

impl TermCounts {
    pub fn of<'a>(fingerprints: impl IntoIterator<Item = &'a Fingerprint>) -> Self {
        let mut counts = Self::default();
        for f in fingerprints {
            counts.claims += 1;
            for t in &f.terms {
                *counts.by_term.entry(t.clone()).or_default() += 1;
            }
        }
        counts
    }

    fn using(&self, term: &str) -> u64 {
        self.by_term.get(term).copied().unwrap_or(0).max(1)
    }

    /// ln(1 + claims / claims using the term): a term every claim uses
    /// weighs little, one a handful use weighs a lot.
    pub fn weight(&self, term: &str) -> f64 {
        (1.0 + self.claims.max(1) as f64 / self.using(term) as f64).ln()
    }
}

/// Why two claims were judged alike or apart.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    SharedQuantity(String),
    SharedTerms(Vec<String>),
    SameClaimant(String),
    DifferentQuantity(String),
    DifferentNames(Vec<String>),
    /// Near-identical wording with a word or two replaced.
    DifferentDetail(Vec<String>),
    OppositeDirection,
    /// The cosine similarity of the two texts' sentence embeddings.
    SimilarMeaning(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    /// 0..1.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

impl Similarity {
    pub fn same_claim(&self) -> bool {
        self.score >= SAME_CLAIM
    }
}

/// A lower-cased word as claims' terms hold it: synonyms folded
/// (`TERM_SYNONYMS`), then stemmed.
fn term_stem(stemmer: &Stemmer, lower: &str) -> String {
    let folded = TERM_SYNONYMS
        .iter()
        .find(|(word, _)| *word == lower)
        .map_or(lower, |(_, canonical)| canonical);
    stemmer.stem(folded).into_owned()
}

/// Words of one kind that name different things on the two sides
/// (`CONTRASTS`: "exports" and "imports", "nurses" and "doctors"): for each
/// group both name kinds of but no kind in common, the words each side
/// names them by. And a statement that speaks of the whole ("nationwide",
/// "all age groups") where the claim does not (`WHOLE`).
fn contrasts(ours: &Fingerprint, theirs: &Fingerprint) -> Vec<(Vec<String>, Vec<String>)> {
    let mut found = Vec::new();
    for &(group, a) in &ours.kinds {
        let b = theirs
            .kinds
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, bits)| *bits);
        if let Some(b) = b.filter(|b| a & b == 0) {
            found.push((ours.kind_words(group, a), theirs.kind_words(group, b)));
        }
    }
    if theirs.whole && !ours.whole {
        let whole = theirs.sequence.iter().filter(|(s, _)| KINDS.whole(s));
        let mut whole: Vec<String> = whole.map(|(s, _)| s.clone()).collect();
        whole.sort_unstable();
        whole.dedup();
        found.push((vec!["a part".to_owned()], whole));
    }
    found
}

fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// The unit in singular form, lower-cased, synonyms folded: "Reservists" →
/// "troop", "offices" → "office", "casualties" → "casualty".
pub fn unit_key(unit: &str) -> String {
    let lower = unit.trim().to_lowercase();
    // Multi-word units ("arson attacks") are keyed by their last word.
    let (head, last) = match lower.rsplit_once(' ') {
        Some((head, last)) if !UNIT_SYNONYMS.iter().any(|(s, _)| *s == lower) => (Some(head), last),
        _ => (None, lower.as_str()),
    };
    let single = singular(last);
    let word = UNIT_SYNONYMS
        .iter()
        .find(|(s, _)| *s == single || *s == last)
        .map_or(single.clone(), |(_, key)| (*key).to_owned());
    match head {
        Some(head) => format!("{head} {word}"),
        None => word,
    }
}

fn singular(word: &str) -> String {
    match word {
        "people" => "person".into(),
        "children" => "child".into(),
        "men" => "man".into(),
        "women" => "woman".into(),
        "personnel" | "series" | "news" | "species" => word.into(),
        _ if word.ends_with("ies") && word.len() > 4 => format!("{}y", &word[..word.len() - 3]),
        _ if ["ches", "shes", "sses", "xes", "zes"]
            .iter()
            .any(|e| word.ends_with(e)) =>
        {
            word[..word.len() - 2].into()
        }
        _ if word.ends_with('s')
            && !word.ends_with("ss")
            && !word.ends_with("us")
            && !word.ends_with("is") =>
        {
            word[..word.len() - 1].into()
        }
        _ => word.into(),
    }
}

/// A word's stem, and whether it is a content word.
type Word = (String, bool);

/// Numbers written in digits, with thousands separators and decimals:
/// "300,000" → 300000, "32.7m" → 32.7.
fn numbers(text: &str) -> Vec<f64> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let joins =
            (c == ',' || c == '.') && !current.is_empty() && chars.peek().is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            current.push(c);
        } else if joins {
            if c == '.' {
                current.push('.');
            }
        } else if !current.is_empty() {
            found.extend(current.parse::<f64>().ok());
            current.clear();
        }
    }
    found.extend(current.parse::<f64>().ok());
    found
}

/// Whether two name stems are one name in two forms: "ukrain"/"ukrainian",
/// "sudan"/"sudanes"; against a fact-checker's statement also "nov"/
/// "novemb", "english"/"england" (`NAME_FORMS`).
fn same_name(a: &str, b: &str, mode: Mode) -> bool {
    let usual = |n: &'static [(&'static str, &'static str)], stem: &str| {
        n.iter().find(|(form, _)| *form == stem).map(|(_, u)| *u)
    };
    let form = |stem| {
        usual(DEMONYMS, stem)
            .or_else(|| usual(NAME_FORMS, stem).filter(|_| mode == Mode::Reviewed))
            .unwrap_or(stem)
    };
    let (a, b) = (form(a), form(b));
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    a == b || common >= 5 || (common >= 4 && common == a.chars().count().min(b.chars().count()))
}

/// Stems of the words of rising and of falling, folded as terms are.
static MOVEMENT: LazyLock<(BTreeSet<String>, BTreeSet<String>)> = LazyLock::new(|| {
    let stems = |words: &[&[&str]]| -> BTreeSet<String> {
        let stemmer = stemmer();
        words
            .iter()
            .flat_map(|w| w.iter())
            .map(|w| term_stem(&stemmer, w))
            .collect()
    };
    (stems(&[UP, MORE_UP]), stems(&[DOWN, MORE_DOWN]))
});

/// Whether two replaced stretches are words of one direction only, the
/// same on both sides ("shrank" and "fell").
fn same_movement(a: &[String], b: &[String]) -> bool {
    let (up, down) = &*MOVEMENT;
    let all_in = |side: &[String], set: &BTreeSet<String>| side.iter().all(|s| set.contains(s));
    (all_in(a, up) && all_in(b, up)) || (all_in(a, down) && all_in(b, down))
}

/// Whether a stem is a word of rising or falling (which the direction
/// already weighs).
fn movement_word(stem: &str) -> bool {
    let (up, down) = &*MOVEMENT;
    up.contains(stem) || down.contains(stem)
}

/// Whether a replaced stretch says the same in other words (WordNet): each
/// of the statement's words is one of the claim's, or a word of one sense
/// with it, or a more general word for it ("purchased" and "bought"), or
/// a unit written out.
fn same_meaning(ours: &[String], theirs: &[String]) -> bool {
    let set = |side: &[String]| side.iter().cloned().collect::<BTreeSet<String>>();
    let (ours, theirs) = (set(ours), set(theirs));
    // Not the same words in another order ("record September").
    if ours == theirs {
        return false;
    }
    // Units written out: "km²" for "square kilometres".
    let (ours, theirs) = (LEXICON.spelled_out(&ours), LEXICON.spelled_out(&theirs));
    theirs
        .iter()
        .all(|t| ours.iter().any(|s| s == t || LEXICON.covers(s, t)))
}

/// Replaced stretches of two nearly identical wordings, each side's content
/// stems: "drones hit" / "missiles hit" gives (["drone"], ["missil"]). Empty
/// when the wordings are not near-identical (most real rewrites are not).
fn substitutions(a: &[Word], b: &[Word]) -> Vec<(Vec<String>, Vec<String>)> {
    const MAX_SIDE: usize = 3;
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].0 == b[j].0 {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    if (lcs[0][0] as f64) < NEAR_IDENTICAL * n.max(m) as f64 {
        return Vec::new();
    }
    let mut hunks = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut ours, mut theirs): (Vec<&Word>, Vec<&Word>) = (Vec::new(), Vec::new());
    let mut flush = |ours: &mut Vec<&Word>, theirs: &mut Vec<&Word>| {
        let content = |side: &[&Word]| -> Vec<String> {
            side.iter().filter(|(_, c)| *c).map(|(s, _)| s.clone()).collect()
        };
        let (x, y) = (content(ours), content(theirs));
        if !x.is_empty() && !y.is_empty() && ours.len() <= MAX_SIDE && theirs.len() <= MAX_SIDE {
            hunks.push((x, y));
        }
        ours.clear();
        theirs.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i].0 == b[j].0 {
            flush(&mut ours, &mut theirs);
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            ours.push(&a[i]);
            i += 1;
        } else {
            theirs.push(&b[j]);
            j += 1;
        }
    }
    flush(&mut ours, &mut theirs);
    // Who did what to whom: the same words in another order ("Serbia
    // accused Kosovo" / "Kosovo accused Serbia") are another claim.
    let first_at = |seq: &[Word], stem: &str| seq.iter().position(|(s, c)| *c && s == stem);
    let shared: Vec<(usize, usize, &String)> = a
        .iter()
        .filter(|(_, c)| *c)
        .filter_map(|(s, _)| Some((first_at(a, s)?, first_at(b, s)?, s)))
        .collect();
    if let Some((x, y)) = shared
        .iter()
        .flat_map(|x| shared.iter().map(move |y| (x, y)))
        .find(|(x, y)| x.0 < y.0 && x.1 > y.1)
    {
        hunks.push((vec![x.2.clone(), y.2.clone()], vec![y.2.clone(), x.2.clone()]));
    }
    hunks
}

/// Stems of the capitalised words in a text's attribution clauses: one
/// that opens with "according to", or a short trailing clause that ends in
/// a verb of saying (", the statistics office said on Tuesday.").
fn attribution_names(text: &str, stemmer: &Stemmer) -> BTreeSet<String> {
    const SAYING: &[&str] = &[
        "said",
        "says",
        "reported",
        "reports",
        "announced",
        "told",
        "estimated",
        "showed",
        "shows",
        "stated",
        "confirmed",
        "noted",
        "added",
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut clauses: Vec<String> = vec![String::new()];
    for (i, c) in chars.iter().enumerate() {
        let between_digits =
            i > 0 && chars[i - 1].is_ascii_digit() && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if matches!(c, ',' | ';' | ':' | '(' | ')' | '.' | '—') && !between_digits {
            clauses.push(String::new());
        } else if let Some(last) = clauses.last_mut() {
            last.push(*c);
        }
    }
    let mut names = BTreeSet::new();
    for (n, clause) in clauses.iter().enumerate() {
        let words: Vec<&str> = clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let according = lower.len() >= 2 && lower[0] == "according" && lower[1] == "to";
        let trailing =
            n > 0 && words.len() <= 8 && lower.iter().rev().take(4).any(|w| SAYING.contains(&w.as_str()));
        if !(according || trailing) {
            continue;
        }
        for (word, lower) in words.iter().zip(&lower) {
            if word.chars().next().is_some_and(char::is_uppercase) && !STOP_WORDS.contains(&lower.as_str()) {
                let folded = TERM_SYNONYMS
                    .iter()
                    .find(|(w, _)| w == lower)
                    .map_or(lower.as_str(), |(_, c)| c);
                names.insert(stemmer.stem(folded).into_owned());
            }
        }
    }
    names
}

/// Hours, minutes and seconds written apart ("2 hours, 0 minutes and 35
/// seconds") as one time in seconds, as "2:00:35" is read.
fn with_duration(amounts: Vec<Amount>) -> Vec<Amount> {
    let part = |unit: &str| {
        amounts
            .iter()
            .find(|a| a.unit.as_deref() == Some(unit))
            .map(|a| a.value)
    };
    let (hours, minutes, seconds) = (part("hour"), part("minute"), part("second"));
    if hours.is_none() || (minutes.is_none() && seconds.is_none()) {
        return amounts;
    }
    let total = hours.unwrap_or(0.0) * 3600.0 + minutes.unwrap_or(0.0) * 60.0 + seconds.unwrap_or(0.0);
    let mut amounts = amounts;
    amounts.push(Amount {
        value: total,
        unit: Some("second".into()),
        qualifier: Qualifier::Exact,
    });
    amounts
}

/// The unit of a span of time in days (`with_period`).
const PERIOD_DAYS: &str = "days of a period";

/// Spans of days, weeks, months and years ("the past 12 months", "five
/// years") also as days, so that spans written in different units meet
/// ("36 months" and "three years") and differ ("12 months" and "five
/// years").
fn with_period(amounts: Vec<Amount>) -> Vec<Amount> {
    let days = |unit: &str| match unit {
        "day" => Some(1.0),
        "week" => Some(7.0),
        "month" => Some(365.25 / 12.0),
        "year" => Some(365.25),
        "decade" => Some(3652.5),
        _ => None,
    };
    let periods: Vec<Amount> = amounts
        .iter()
        .filter_map(|a| {
            let per = days(a.unit.as_deref()?)?;
            Some(Amount {
                value: (a.value * per).round(),
                unit: Some(PERIOD_DAYS.into()),
                qualifier: a.qualifier,
            })
        })
        .collect();
    let mut amounts = amounts;
    amounts.extend(periods);
    amounts
}

/// The same number bounded on opposite sides ("more than 2,000 animals"
/// and "fewer than 2,000 lynxes"), whatever each counts, when no other
/// mention of it on the claim's side agrees.
fn bounds_clash(ours: &[Amount], theirs: &[Amount]) -> Option<(Amount, Amount)> {
    theirs.iter().find_map(|b| {
        let same: Vec<&Amount> = ours.iter().filter(|a| same_value(a.value, b.value)).collect();
        let clash = !same.is_empty() && same.iter().all(|a| opposite_bounds(a, b));
        clash.then(|| ((*same[0]).clone(), b.clone()))
    })
}

fn direction(up: bool, down: bool) -> Option<Direction> {
    match (up, down) {
        (true, false) => Some(Direction::Up),
        (false, true) => Some(Direction::Down),
        _ => None,
    }
}

fn is_year(word: &str) -> Option<f64> {
    let value: u32 = word.parse().ok().filter(|_| word.len() == 4)?;
    (1900..=2099).contains(&value).then_some(value as f64)
}

fn normalise_claimant(claimant: &str) -> Option<String> {
    let words: Vec<String> = claimant
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !["the", "a", "an", "s"].contains(&w.as_str()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl Fingerprint {
    /// A stored claim's fingerprint, from its text, claimant and analysis.
    pub fn of_claim(claim: &Claim) -> Self {
        Self::of(
            claim.content.text.as_str(),
            claim.content.claimant.as_deref(),
            &claim.analysis.quantities,
        )
    }

    /// `quantities` are the extractor's reading of `text`.
    pub fn of(text: &str, claimant: Option<&str>, quantities: &[ExtractedQuantity]) -> Self {
        let stemmer = stemmer();
        let mut terms = BTreeSet::new();
        let mut words = BTreeMap::new();
        let mut names = BTreeSet::new();
        let mut acronyms = BTreeSet::new();
        let mut opening = None;
        let mut ordinals = BTreeSet::new();
        let mut sequence = Vec::new();
        let mut amounts: Vec<Amount> = quantities
            .iter()
            .map(|q| Amount {
                value: q.value,
                unit: q.unit.as_deref().map(unit_key),
                qualifier: q.qualifier,
            })
            .collect();
        let (mut up, mut down) = (false, false);
        let (mut more_up, mut more_down) = (false, false);
        let (mut number_up, mut number_down) = (false, false);
        let mut reference_years = Vec::new();
        let all: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for (i, word) in all.iter().copied().enumerate() {
            let lower = word.to_lowercase();
            let before = i.checked_sub(1).map(|j| all[j].to_lowercase());
            let after = all.get(i + 1).map(|w| w.to_lowercase());
            // "a third", "two fifths" are fractions and "first-time" is
            // not a rank: neither is an ordinal that tells claims apart.
            let fraction = !["first", "second"].contains(&lower.as_str())
                && before
                    .as_deref()
                    .is_some_and(|b| ["a", "an", "one", "two", "three", "four"].contains(&b));
            let time = after.as_deref() == Some("time");
            if ORDINALS.contains(&lower.as_str()) && !fraction && !time {
                ordinals.insert(lower.clone());
            }
            let (rises, falls) = (UP.contains(&lower.as_str()), DOWN.contains(&lower.as_str()));
            up |= rises;
            down |= falls;
            // Against a fact-checker's statement: more verbs, and "more
            // than", "fewer than" are hedges on a number, not a movement.
            let hedge = after.as_deref() == Some("than");
            let (rises_more, falls_more) = (
                MORE_UP.contains(&lower.as_str()),
                MORE_DOWN.contains(&lower.as_str()),
            );
            more_up |= rises_more || (rises && !hedge);
            more_down |= falls_more || (falls && !hedge);
            let to_number = matches!(after.as_deref(), Some("to" | "by"))
                && all
                    .get(i + 2)
                    .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
            if to_number {
                number_up |= rises || rises_more;
                number_down |= falls || falls_more;
            }
            if let Some(year) = is_year(word) {
                if before.as_deref() == Some("since") {
                    reference_years.push(year);
                }
                amounts.push(Amount {
                    value: year,
                    unit: Some(CALENDAR_YEAR.into()),
                    qualifier: Qualifier::Exact,
                });
            }
            let content = (2..=WORD_MAX).contains(&lower.chars().count())
                && !lower.chars().any(|c| c.is_ascii_digit())
                && !STOP_WORDS.contains(&lower.as_str());
            let stem = term_stem(&stemmer, &lower);
            sequence.push((stem.clone(), content));
            if !content {
                continue;
            }
            // A sentence's first word is capitalised whatever it is.
            if word.chars().next().is_some_and(char::is_uppercase) {
                if i > 0 {
                    names.insert(stem.clone());
                } else {
                    opening = Some(stem.clone());
                }
            }
            // "EU", "NATO", and plurals ("EVs").
            let letters = word
                .strip_suffix('s')
                .filter(|w| w.chars().count() >= 2)
                .unwrap_or(word);
            if letters.chars().count() <= 4 && letters.chars().all(char::is_uppercase) {
                acronyms.insert(stem.clone());
            }
            words.entry(stem.clone()).or_insert(lower);
            terms.insert(stem);
        }
        let mut kinds: Vec<(usize, u64)> = Vec::new();
        let mut whole = false;
        for place in sequence.iter().filter_map(|(stem, _)| KINDS.of(stem)) {
            whole |= place.whole;
            for &(group, kind) in &place.kinds {
                match kinds.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, bits)) => *bits |= 1 << kind,
                    None => kinds.push((group, 1 << kind)),
                }
            }
        }
        Self {
            terms,
            words,
            names,
            acronyms,
            opening,
            ordinals,
            amounts,
            numbers: numbers(text),
            sequence,
            direction: direction(up, down),
            reviewed_direction: direction(more_up, more_down),
            number_direction: direction(number_up, number_down),
            reference_years,
            sources: attribution_names(text, &stemmer),
            claimant: claimant.and_then(normalise_claimant),
            kinds,
            whole,
        }
    }

    /// The stems by which the text names the kinds `bits` of `group`.
    fn kind_words(&self, group: usize, bits: u64) -> Vec<String> {
        let named = |s: &String| {
            KINDS
                .of(s)
                .is_some_and(|p| p.kinds.iter().any(|&(g, k)| g == group && bits & (1 << k) != 0))
        };
        let mut words: Vec<String> = self
            .sequence
            .iter()
            .map(|(s, _)| s)
            .filter(|s| named(s))
            .cloned()
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    }

    /// Words of the `n` rarest terms, rarest first: what to look other
    /// claims up by. Terms used by more than `max_claims` claims are left
    /// out: their postings are too long to read per request.
    pub fn rare_words(&self, counts: &TermCounts, n: usize, max_claims: u64) -> Vec<&str> {
        let mut rare: Vec<(&String, u64)> = self
            .terms
            .iter()
            .map(|t| (t, counts.using(t)))
            .filter(|(_, used)| *used <= max_claims)
            .collect();
        rare.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        rare.into_iter()
            .take(n)
            .filter_map(|(t, _)| self.words.get(t).map(String::as_str))
            .collect()
    }

    /// The word of the text behind a stem, for people to read.
    fn surface(&self, stem: &str) -> String {
        self.words.get(stem).cloned().unwrap_or_else(|| stem.to_owned())
    }

    fn surfaces(&self, stems: &[String]) -> String {
        stems
            .iter()
            .map(|s| self.surface(s))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// How alike two claims are, and why.
    pub fn compare(&self, other: &Fingerprint, rarity: &TermCounts) -> Similarity {
        self.compare_as(other, rarity, Mode::Claims, None)
    }

    /// How well `self`, a claim, repeats `reviewed`, the terse
    /// `claimReviewed` of another publisher's fact-check. Fact-checkers state
    /// a claim in few words, round its numbers and name a country for its
    /// ministry, so: the overlap counts mostly how much of the reviewed
    /// statement the claim covers; a rounded number agrees with the precise
    /// one it rounds ("more than 2 million" with 2.05 million), but not
    /// a bound on the other side ("fewer than 600" and "more than 600");
    /// acronyms, weekdays and the source a report names ("according to
    /// the Home Office", ", Nationwide said") are not names that
    /// contradict; a year of reference on one side only ("the lowest since
    /// 1969") is not another date; "a third" is a fraction, not an ordinal;
    /// more verbs tell a rise from a fall ("contracted", "added"),
    /// "more than" being a hedge, not a rise; words of one sense and more
    /// general words (WordNet, `lexicon`) count as shared and antonyms as
    /// a contradiction; and unit abbreviations are written out ("TWh").
    pub fn compare_reviewed(&self, reviewed: &Fingerprint, rarity: &TermCounts) -> Similarity {
        self.compare_as(reviewed, rarity, Mode::Reviewed, None)
    }

    /// `compare_reviewed` with the two texts' meaning: `cosine` is the
    /// cosine similarity of their sentence embeddings (`embedding`), which
    /// then takes the place of the word overlap (see `meaning_score`);
    /// amounts and contradictions count as before.
    pub fn compare_reviewed_meaning(
        &self,
        reviewed: &Fingerprint,
        rarity: &TermCounts,
        cosine: f64,
    ) -> Similarity {
        self.compare_as(reviewed, rarity, Mode::Reviewed, Some(cosine))
    }

    /// The word score of `reviewed` when it could be a repeat at some
    /// cosine; `None` when a contradiction (another number, detail, name or
    /// direction) keeps the score under `SAME_REVIEWED` however alike the
    /// two texts' meaning. Embeddings are only worth computing for the
    /// others, best by words first. (This relies on `rule_score` rising
    /// with the term score, so that a cosine of 1 is the best any can do.)
    pub fn reviewed_prospect(&self, reviewed: &Fingerprint, rarity: &TermCounts) -> Option<f64> {
        let (signals, _) = self.signals(reviewed, rarity, Mode::Reviewed);
        (signals.rule_score(Mode::Reviewed, Some(1.0)) >= SAME_REVIEWED)
            .then(|| signals.rule_score(Mode::Reviewed, None).clamp(0.0, 1.0))
    }

    fn compare_as(
        &self,
        other: &Fingerprint,
        rarity: &TermCounts,
        mode: Mode,
        cosine: Option<f64>,
    ) -> Similarity {
        let (signals, mut reasons) = self.signals(other, rarity, mode);
        let score = signals.rule_score(mode, cosine);
        if let Some(cosine) = cosine {
            reasons.push(Reason::SimilarMeaning(cosine));
        }
        if score <= 0.0 {
            reasons.retain(|r| !matches!(r, Reason::SameClaimant(_)));
        }
        Similarity {
            score: score.clamp(0.0, 1.0),
            reasons,
        }
    }

    /// Everything the comparison weighs, and the reasons to show for it.
    fn signals(&self, other: &Fingerprint, rarity: &TermCounts, mode: Mode) -> (Signals, Vec<Reason>) {
        let mut reasons = Vec::new();
        let mut signals = Signals::default();
        let weight = |terms: &BTreeSet<String>| terms.iter().map(|t| rarity.weight(t)).sum::<f64>();
        // Against a fact-checker's statement, unit abbreviations are
        // written out ("TWh" as "terawatt hour").
        let (our_terms, their_terms) = match mode {
            Mode::Claims => (Cow::Borrowed(&self.terms), Cow::Borrowed(&other.terms)),
            Mode::Reviewed => (
                Cow::Owned(LEXICON.spelled_out(&self.terms)),
                Cow::Owned(LEXICON.spelled_out(&other.terms)),
            ),
        };
        let (our_terms, their_terms): (&BTreeSet<String>, &BTreeSet<String>) = (&our_terms, &their_terms);
        let mut shared: BTreeSet<String> = our_terms.intersection(their_terms).cloned().collect();
        // Against a fact-checker's statement, a word of the statement the
        // claim says in other words (WordNet: "purchase" for "buy", "killer"
        // for "murderer") counts as shared.
        let ours_only: Vec<&String> = our_terms.difference(their_terms).collect();
        let theirs_only: Vec<&String> = their_terms.difference(our_terms).collect();
        if mode == Mode::Reviewed {
            for t in &theirs_only {
                if ours_only.iter().any(|s| LEXICON.covers(s, t)) {
                    shared.insert((*t).clone());
                }
            }
        }
        let total = weight(our_terms) + weight(their_terms);
        signals.dice = if total > 0.0 {
            2.0 * weight(&shared) / total
        } else {
            0.0
        };
        let theirs = weight(their_terms);
        signals.coverage = if theirs > 0.0 {
            weight(&shared) / theirs
        } else {
            0.0
        };
        if !shared.is_empty() {
            let mut key: Vec<&String> = shared.iter().collect();
            key.sort_by(|a, b| rarity.weight(b).total_cmp(&rarity.weight(a)).then(a.cmp(b)));
            reasons.push(Reason::SharedTerms(
                key.into_iter()
                    .take(6)
                    .map(|t| match self.terms.contains(t) {
                        true => self.surface(t),
                        false => other.surface(t),
                    })
                    .collect(),
            ));
        }

        let agree: fn(f64, f64) -> bool = match mode {
            Mode::Claims => same_value,
            Mode::Reviewed => same_or_rounded,
        };
        let amounts_agree: fn(&Amount, &Amount) -> bool = match mode {
            Mode::Claims => |a, b| same_value(a.value, b.value),
            // A year is never rounded: 2040 is not 2035 "rounded".
            Mode::Reviewed => |a, b| {
                let year = [a, b].iter().any(|x| x.unit.as_deref() == Some(CALENDAR_YEAR));
                let close = match year {
                    true => same_value(a.value, b.value),
                    false => same_or_rounded(a.value, b.value) || within(a, b) || within(b, a),
                };
                close && !opposite_bounds(a, b)
            },
        };
        // Against a fact-checker's statement, a year of reference on one
        // side only ("the lowest since 1969" and "in January 2023") is
        // not another date for the claim.
        let dated = |f: &Fingerprint, g: &Fingerprint| -> Vec<Amount> {
            f.amounts
                .iter()
                .filter(|a| {
                    mode == Mode::Claims
                        || !g.reference_years.is_empty()
                        || a.unit.as_deref() != Some(CALENDAR_YEAR)
                        || !f.reference_years.iter().any(|y| same_value(*y, a.value))
                })
                .cloned()
                // "TWh" and "terawatt-hours" are one unit.
                .map(|mut a| {
                    if mode == Mode::Reviewed {
                        a.unit = a.unit.as_deref().map(spelled_unit);
                    }
                    a
                })
                .collect()
        };
        let (mut ours, mut theirs) = (dated(self, other), dated(other, self));
        if mode == Mode::Reviewed {
            ours = with_period(with_duration(ours));
            theirs = with_period(with_duration(theirs));
        }
        let (matched, mut conflict) = compare_amounts(&ours, &theirs, amounts_agree);
        if mode == Mode::Reviewed && conflict.is_none() {
            conflict = bounds_clash(&ours, &theirs);
        }
        if let Some(amount) = &matched {
            signals.shared_amount = 1.0;
            reasons.push(Reason::SharedQuantity(describe(amount)));
        }
        if let Some((ours, theirs)) = &conflict {
            if ours.unit.as_deref() == Some(CALENDAR_YEAR) {
                signals.different_year = 1.0;
            } else {
                signals.different_quantity = 1.0;
            }
            reasons.push(Reason::DifferentQuantity(format!(
                "{} vs {}",
                describe(ours),
                describe(theirs)
            )));
        }
        if matched.is_none() && conflict.is_none() {
            // Numbers the extractor did not read as amounts still differ.
            let values = |f: &Fingerprint| -> Vec<f64> {
                f.numbers
                    .iter()
                    .copied()
                    .chain(f.amounts.iter().map(|a| a.value))
                    .collect()
            };
            let (ours, theirs) = (&self.numbers, &other.numbers);
            let shared = values(self)
                .iter()
                .any(|a| values(other).iter().any(|b| agree(*a, *b)));
            if !ours.is_empty() && !theirs.is_empty() && !shared {
                signals.different_number = 1.0;
                reasons.push(Reason::DifferentQuantity(format!("{} vs {}", ours[0], theirs[0])));
            }
        }
        let unexplained = |f: &Fingerprint, other: &BTreeSet<String>| -> Vec<String> {
            let opening = f.opening.iter().filter(|_| mode == Mode::Reviewed);
            // Against a fact-checker's statement, names in their other
            // forms ("Nov" for "November", "English" for "England") are
            // one name; words a group of kinds judges ("Covid", "Ebola")
            // and capitalised units ("Celsius") are no names.
            f.names
                .iter()
                .chain(opening)
                .filter(|n| !other.iter().any(|t| same_name(n, t, mode)))
                .filter(|n| {
                    mode == Mode::Claims
                        || !(f.acronyms.contains(*n)
                            || WEEKDAYS.contains(&n.as_str())
                            || f.sources.contains(*n)
                            || NOT_NAMES.contains(&n.as_str())
                            || KINDS.names_a_kind(n))
                })
                .cloned()
                .collect()
        };
        let only_ours = unexplained(self, &other.terms);
        let only_theirs = unexplained(other, &self.terms);
        let mut swapped = substitutions(&self.sequence, &other.sequence);
        if mode == Mode::Reviewed {
            // "shrank to" for "fell to": one movement in other words.
            // "purchased" for "bought": one thing in other words.
            swapped.retain(|(a, b)| !same_movement(a, b) && !same_meaning(a, b));
            // Antonyms anywhere ("acquitted" and "convicted"), the words
            // of rising and falling left to the direction.
            for s in &ours_only {
                for t in &theirs_only {
                    let opposite = LEXICON.opposite(s, t) && !movement_word(s) && !movement_word(t);
                    if opposite && !shared.contains(*t) {
                        swapped.push((vec![(*s).clone()], vec![(*t).clone()]));
                    }
                }
            }
        }
        if mode == Mode::Reviewed {
            // "exports" and "imports", "nurses" and "doctors", however
            // alike the rest of the sentences: another claim.
            swapped.extend(contrasts(self, other));
        }
        if !swapped.is_empty() {
            signals.different_detail = 1.0;
        }
        if mode == Mode::Reviewed
            && !self.ordinals.is_empty()
            && !other.ordinals.is_empty()
            && self.ordinals.is_disjoint(&other.ordinals)
        {
            signals.different_ordinal = 1.0;
            let list = |o: &BTreeSet<String>| o.iter().cloned().collect::<Vec<_>>();
            swapped.push((list(&self.ordinals), list(&other.ordinals)));
        }
        if !swapped.is_empty() {
            reasons.push(Reason::DifferentDetail(
                swapped
                    .into_iter()
                    .map(|(a, b)| format!("{} vs {}", self.surfaces(&a), other.surfaces(&b)))
                    .collect(),
            ));
        } else if !only_ours.is_empty() && !only_theirs.is_empty() {
            signals.different_names = 1.0;
            reasons.push(Reason::DifferentNames(vec![
                self.surfaces(&only_ours),
                other.surfaces(&only_theirs),
            ]));
        }
        let direction = |f: &Fingerprint| match mode {
            Mode::Claims => f.direction,
            Mode::Reviewed => f.reviewed_direction,
        };
        let moved_apart = |f: &Fingerprint, g: &Fingerprint| matches!((f.number_direction, g.number_direction), (Some(a), Some(b)) if a != b);
        let opposite = matches!((direction(self), direction(other)), (Some(a), Some(b)) if a != b)
            || (mode == Mode::Reviewed && moved_apart(self, other));
        if opposite {
            signals.opposite_direction = 1.0;
            reasons.push(Reason::OppositeDirection);
        }
        if let (Some(a), Some(b)) = (&self.claimant, &other.claimant)
            && a == b
        {
            signals.same_claimant = true;
            reasons.push(Reason::SameClaimant(a.clone()));
        }
        (signals, reasons)
    }
}

/// What a comparison weighs, each 0..1 (flags are 0 or 1), scored by
/// hand-set rules (`rule_score`). A logistic model over these and four more
/// signals was tried in round 5 and found fewer repeats than the rules (see
/// docs/exchange.md; its tooling is in commit 393223c).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// Share of the statement's term weight the claim has.
    pub coverage: f64,
    /// Two-way rarity-weighted overlap (Dice).
    pub dice: f64,
    /// An amount both state (rounded or hedged counts).
    pub shared_amount: f64,
    /// Another number for the same unit.
    pub different_quantity: f64,
    /// Another year in a date.
    pub different_year: f64,
    /// Numbers the extractor did not read as amounts, none in common.
    pub different_number: f64,
    /// Near-identical wording with a word or two replaced, or reordered.
    pub different_detail: f64,
    /// Different ordinals ("first" and "fourth" quarter).
    pub different_ordinal: f64,
    /// Names on both sides the other does not have (when no detail swap).
    pub different_names: f64,
    /// One reports a rise, the other a fall.
    pub opposite_direction: f64,
    pub same_claimant: bool,
}

impl Signals {
    /// The hand-set rules: the term score lifted by a shared amount and
    /// cut by each contradiction.
    /// Against a fact-checker's statement with the texts' `cosine` known,
    /// the term score is the cosine's (`meaning_score`).
    fn rule_score(&self, mode: Mode, cosine: Option<f64>) -> f64 {
        let mut score = match (mode, cosine) {
            (Mode::Claims, _) => self.dice,
            (Mode::Reviewed, Some(cosine)) => meaning_score(cosine),
            (Mode::Reviewed, None) => {
                REVIEWED_COVERAGE_SHARE * self.coverage + (1.0 - REVIEWED_COVERAGE_SHARE) * self.dice
            }
        };
        if self.shared_amount > 0.0 {
            let floor = match mode {
                Mode::Claims => SHARED_AMOUNT_FLOOR,
                Mode::Reviewed => REVIEWED_AMOUNT_FLOOR,
            };
            score = floor + (1.0 - floor) * score;
        }
        if self.different_quantity > 0.0 || self.different_year > 0.0 || self.different_number > 0.0 {
            score *= DIFFERENT_QUANTITY;
        }
        if self.different_detail > 0.0 || self.different_ordinal > 0.0 {
            score *= DIFFERENT_DETAIL;
        } else if self.different_names > 0.0 {
            score *= DIFFERENT_NAMES;
        }
        if self.opposite_direction > 0.0 {
            score *= OPPOSITE_DIRECTION;
        }
        if self.same_claimant && score > 0.0 {
            score = (score + SAME_CLAIMANT_BONUS).min(1.0);
        }
        score
    }
}

/// The term score a cosine of sentence embeddings gives: 0 at
/// `MEANING_NONE`, 1 at `MEANING_FULL`, linear between. Chosen on the
/// tuning sets only, each set in turn left out and scored with the values
/// the others chose (docs/exchange.md, round 7); the word overlap is then
/// not needed at all (a share of it kept did no better).
fn meaning_score(cosine: f64) -> f64 {
    if !cosine.is_finite() {
        return 0.0;
    }
    ((cosine - MEANING_NONE) / (MEANING_FULL - MEANING_NONE)).clamp(0.0, 1.0)
}

/// The cosine at which two texts' embeddings say nothing in common
/// (`all-MiniLM-L6-v2` puts unrelated news sentences at 0-0.3, texts on one
/// topic at 0.4-0.7 and restatements at 0.7-0.95).
const MEANING_NONE: f64 = 0.4;
/// The cosine at which two texts mean the same, as far as embeddings tell.
const MEANING_FULL: f64 = 0.9;

/// Which comparison: two claims, or a claim and a fact-checker's terse
/// statement of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Claims,
    Reviewed,
}

/// Two wordings are near-identical when their longest common subsequence
/// of words covers this share of the longer one. (Measured against a
/// fact-checker's shorter statement instead, it takes paraphrases for
/// swapped details: tried, and recall fell from 0.86 to 0.55.)
const NEAR_IDENTICAL: f64 = 0.6;
/// A shared amount lifts the score to at least this.
const SHARED_AMOUNT_FLOOR: f64 = 0.35;
/// What a contradiction leaves of the score: another number for the same
/// unit, a word or two swapped in near-identical wording, other names, the
/// opposite direction.
const DIFFERENT_QUANTITY: f64 = 0.3;
const DIFFERENT_DETAIL: f64 = 0.35;
const DIFFERENT_NAMES: f64 = 0.4;
const OPPOSITE_DIRECTION: f64 = 0.4;
/// Added when both name the same claimant.
const SAME_CLAIMANT_BONUS: f64 = 0.05;
/// For a fact-checker's statement, how much of the term score is the share
/// of the statement the claim covers (the rest is the two-way overlap).
const REVIEWED_COVERAGE_SHARE: f64 = 0.8;
/// A shared amount lifts a fact-checker's statement less: near-misses
/// (the same figure for another period, measure or actor) share theirs.
const REVIEWED_AMOUNT_FLOOR: f64 = 0.2;
/// How far a rounded number may sit from the precise one it rounds.
const ROUNDING_TOLERANCE: f64 = 0.05;

/// Whether one number is the other, or the other rounded to its own
/// significant digits ("2 million" for 2.05 million, "1,300" for 1,340,
/// "102 million" for 101.9 million), within `ROUNDING_TOLERANCE`.
fn same_or_rounded(a: f64, b: f64) -> bool {
    if same_value(a, b) {
        return true;
    }
    let (precise, round) = if significant_digits(a) >= significant_digits(b) {
        (a, b)
    } else {
        (b, a)
    };
    if round == 0.0 || ((precise - round) / round).abs() > ROUNDING_TOLERANCE {
        return false;
    }
    let digits = significant_digits(round);
    let magnitude = round.abs().log10().floor() as i32 - digits as i32 + 1;
    let unit = 10f64.powi(magnitude);
    same_value((precise / unit).round() * unit, round)
}

/// Whether `x` lies within what a hedged `bound` allows: "more than 45,000"
/// holds 45,700, "nearly 3,000" holds 2,946, "about a quarter" 0.26 (each
/// within `HEDGE_REACH` of the bound).
fn within(x: &Amount, bound: &Amount) -> bool {
    let (v, b) = (x.value, bound.value);
    if b <= 0.0 {
        return false;
    }
    match bound.qualifier {
        Qualifier::MoreThan | Qualifier::AtLeast => v >= b && v <= b * (1.0 + HEDGE_REACH),
        Qualifier::LessThan | Qualifier::AtMost | Qualifier::UpTo => v <= b && v >= b * (1.0 - HEDGE_REACH),
        Qualifier::Approx => ((v - b) / b).abs() <= HEDGE_REACH,
        Qualifier::Exact => false,
    }
}

/// "More than 600" and "fewer than 600": bounds on opposite sides.
fn opposite_bounds(a: &Amount, b: &Amount) -> bool {
    let side = |q: Qualifier| match q {
        Qualifier::MoreThan | Qualifier::AtLeast => Some(Direction::Up),
        Qualifier::LessThan | Qualifier::AtMost | Qualifier::UpTo => Some(Direction::Down),
        Qualifier::Approx | Qualifier::Exact => None,
    };
    matches!((side(a.qualifier), side(b.qualifier)), (Some(x), Some(y)) if x != y)
}

/// How far past a hedged number ("more than", "nearly", "about") the
/// precise figure may lie.
const HEDGE_REACH: f64 = 0.1;

/// How many significant digits a number has as written (trailing zeros of a
/// whole number do not count: 1,300 has two).
fn significant_digits(x: f64) -> u32 {
    let mut digits = format!("{}", x.abs());
    if digits.contains('.') {
        digits = digits.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    let digits = if x.fract() == 0.0 {
        digits.trim_end_matches('0')
    } else {
        digits
    };
    digits.len().max(1) as u32
}

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A shared amount (same value, units that agree or one unit unknown), and
/// a contradiction: a unit both claims count, with no value in common.
fn compare_amounts(
    ours: &[Amount],
    theirs: &[Amount],
    agree: fn(&Amount, &Amount) -> bool,
) -> (Option<Amount>, Option<(Amount, Amount)>) {
    let matched = ours
        .iter()
        .find(|a| {
            theirs
                .iter()
                .any(|b| agree(a, b) && (a.unit == b.unit || a.unit.is_none() || b.unit.is_none()))
        })
        .cloned();
    let conflict = ours.iter().find_map(|a| {
        let same_unit: Vec<&Amount> = theirs.iter().filter(|b| b.unit == a.unit).collect();
        let agreed = ours
            .iter()
            .filter(|x| x.unit == a.unit)
            .any(|x| same_unit.iter().any(|b| agree(x, b)));
        match same_unit.first() {
            Some(b) if !agreed => Some((a.clone(), (*b).clone())),
            _ => None,
        }
    });
    (matched, conflict)
}

fn describe(amount: &Amount) -> String {
    let value = if amount.value.fract() == 0.0 && amount.value.abs() < 1e15 {
        format!("{}", amount.value as i64)
    } else {
        format!("{}", amount.value)
    };
    match &amount.unit {
        Some(unit) => format!("{value} {unit}"),
        None => value,
    }
}

impl Reason {
    /// A sentence for people reading the match.
    pub fn describe(&self) -> String {
        match self {
            Reason::SharedQuantity(q) => format!("shared quantity {q}"),
            Reason::SharedTerms(t) => format!("shared key terms: {}", t.join(", ")),
            Reason::SameClaimant(c) => format!("same claimant: {c}"),
            Reason::DifferentQuantity(q) => format!("different quantity: {q}"),
            Reason::DifferentNames(n) => format!("different names: {}", n.join(" vs ")),
            Reason::DifferentDetail(d) => format!("same wording, different detail: {}", d.join("; ")),
            Reason::OppositeDirection => "one reports a rise, the other a fall".into(),
            Reason::SimilarMeaning(cosine) => format!("similar meaning: cosine {cosine:.2}"),
        }
    }
}

#[cfg(test)]
mod tests;
