//! Deciding which sentences are claims, of what kind, and who asserts them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::ClaimKind;
use super::lexicon;
use super::quantities::{self, Quantity};
use super::sentences::{self, Range, Sentence};
use super::tokens::{self, Token};
use super::words::{
    BIO_OPENINGS, BOILERPLATE, COMPARISON, OPINION_PHRASES, OPINION_WORDS, PAST_IRREGULAR, PHRASE_TRIGGERS,
    SAYING,
};

/// A claim in byte offsets.
pub struct Found {
    pub range: Range,
    pub kind: ClaimKind,
    pub checkworthiness: f64,
    pub claimant: Option<Range>,
    pub quantities: Vec<Quantity>,
}

/// Sentences longer than this many words are split at semicolons.
const LONG_SENTENCE: usize = 35;
/// Unterminated lines this short are headings.
const HEADING_WORDS: usize = 12;
/// Checkworthiness (0..1) by the number of quantities a claim carries…
const SCORE_NO_QUANTITY: f64 = 0.45;
const SCORE_ONE_QUANTITY: f64 = 0.6;
const SCORE_TWO_QUANTITIES: f64 = 0.7;
const SCORE_MORE_QUANTITIES: f64 = 0.8;
/// …raised for a named claimant, a comparison and named actors…
const BONUS_CLAIMANT: f64 = 0.15;
const BONUS_COMPARISON: f64 = 0.1;
const BONUS_NAMED_ACTOR: f64 = 0.05;
/// …and lowered for opinion words.
const PENALTY_OPINION: f64 = 0.2;
/// An unterminated line with fewer words than this is not a sentence.
const FRAGMENT_WORDS: usize = 4;
/// A speaker's name or role is at most this many tokens.
const MAX_CLAIMANT_TOKENS: usize = 8;

/// Judges a text given as one claim (typed in by hand): its kind and
/// checkworthiness if the rules find it check-worthy, and its quantities.
pub fn single(text: &str) -> (Option<Found>, Vec<Quantity>) {
    let range = Range {
        start: 0,
        end: text.len(),
    };
    let tokens = tokens::tokenize(text, range);
    let quantities = quantities::find(text, &tokens);
    (judge(text, range, &tokens), quantities)
}

pub fn claims(text: &str) -> Vec<Found> {
    let sentences = sentences::split(text);
    let last_paragraph = sentences.last().map_or(0, |s| s.paragraph);
    let bio_paragraphs = bio_paragraphs(text, &sentences, last_paragraph);
    let mut out = Vec::new();
    for sentence in &sentences {
        if bio_paragraphs.contains(&sentence.paragraph) {
            continue;
        }
        let tokens = tokens::tokenize(text, sentence.range);
        let words = tokens.iter().filter(|t| t.is_word()).count();
        if !sentence.terminated && (sentence.alone && words <= HEADING_WORDS || words < FRAGMENT_WORDS) {
            continue;
        }
        for (range, clause) in clauses(&tokens, sentence.range, words) {
            if let Some(found) = judge(text, range, clause) {
                out.push(found);
            }
        }
    }
    out
}

/// Paragraphs at the end that are about the author, not the news.
fn bio_paragraphs(text: &str, sentences: &[Sentence], last: usize) -> Vec<usize> {
    let mut bios = Vec::new();
    for paragraph in [last.saturating_sub(1), last] {
        let first = sentences.iter().find(|s| s.paragraph == paragraph);
        if let Some(s) = first
            && is_bio(&text[s.range.start..s.range.end])
        {
            bios.push(paragraph);
        }
    }
    bios
}

fn is_bio(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let name_len = words
        .iter()
        .take_while(|w| w.starts_with(char::is_uppercase))
        .count();
    let rest = words.get(name_len..).unwrap_or_default().join(" ").to_lowercase();
    (1..=3).contains(&name_len) && BIO_OPENINGS.iter().any(|p| rest.starts_with(p))
}

/// The sentence itself, or its clauses when it is long and has semicolons.
fn clauses(tokens: &[Token], range: Range, words: usize) -> Vec<(Range, &[Token])> {
    if words <= LONG_SENTENCE {
        return vec![(range, tokens)];
    }
    let mut out = Vec::new();
    let mut from = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct(';') && i > from {
            out.push((from, i));
            from = i + 1;
        }
    }
    if out.is_empty() {
        return vec![(range, tokens)];
    }
    out.push((from, tokens.len()));
    out.into_iter()
        .filter(|(a, b)| b > a)
        .map(|(a, b)| {
            let r = Range {
                start: tokens[a].range.start,
                end: tokens[b - 1].range.end,
            };
            (r, &tokens[a..b])
        })
        .collect()
}

const COMPARATIVE: u8 = 1;
const OPINION: u8 = 2;
const PHRASE_TRIGGER: u8 = 4;
const PAST: u8 = 8;
const REPORTING: u8 = 16;

/// FNV-1a: far cheaper than the default SipHash for short words, and the
/// keys are our own word lists, so there is nothing to defend against.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// The lists a word is on, lower-cased on the stack: every listed word is
/// short ASCII, so anything else is on none.
fn class_of(word: &str) -> u8 {
    let mut buf = [0u8; 16];
    if word.len() > buf.len() || !word.is_ascii() {
        return 0;
    }
    for (lower, byte) in buf.iter_mut().zip(word.bytes()) {
        *lower = byte.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..word.len()])
        .ok()
        .and_then(|w| WORD_CLASSES.get(w).copied())
        .unwrap_or(0)
}

/// Which of the word lists above each word is on.
static WORD_CLASSES: LazyLock<HashMap<&'static str, u8, BuildHasherDefault<Fnv>>> = LazyLock::new(|| {
    let mut classes = HashMap::default();
    for (list, class) in [
        (COMPARISON, COMPARATIVE),
        (OPINION_WORDS, OPINION),
        (PHRASE_TRIGGERS, PHRASE_TRIGGER),
        (PAST_IRREGULAR, PAST),
        (SAYING, REPORTING),
    ] {
        for word in list {
            *classes.entry(*word).or_insert(0) |= class;
        }
    }
    classes
});

fn judge(text: &str, range: Range, tokens: &[Token]) -> Option<Found> {
    let sentence = &text[range.start..range.end];
    let last = sentence
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .chars()
        .last();
    if last == Some('?') || last == Some(':') {
        return None;
    }
    let words: Vec<(usize, &str)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_word())
        .map(|(i, t)| (i, t.text(text)))
        .collect();
    // One look-up per word tells which word lists the sentence touches.
    let classes: Vec<u8> = tokens
        .iter()
        .map(|t| if t.is_word() { class_of(t.text(text)) } else { 0 })
        .collect();
    let seen = classes.iter().fold(0u8, |seen, c| seen | c);
    let has = |class: u8| seen & class != 0;
    // Phrase searches are the slow part of this function: run them only when
    // one of their words is present.
    let lower = if has(PHRASE_TRIGGER) {
        sentence.to_lowercase()
    } else {
        String::new()
    };
    if BOILERPLATE.iter().any(|b| lower.contains(b)) {
        return None;
    }
    let opinion = has(OPINION) || OPINION_PHRASES.iter().any(|o| contains_phrase(&lower, o));

    let quantities = quantities::find(text, tokens);
    let claimant = if has(REPORTING) || lower.contains("according to") {
        claimant(text, tokens, &classes)
    } else {
        None
    };
    let comparison = has(COMPARATIVE);
    let named = named_actor(text, tokens);
    let dated = words.iter().any(|(_, w)| {
        let l = lexicon::lc(w);
        lexicon::is_day(&l) || lexicon::is_month(&l) || matches!(&*l, "yesterday" | "today" | "tonight")
    }) || tokens
        .iter()
        .any(|t| matches!(t.kind, tokens::Kind::Number { .. }));
    let past = has(PAST) || words.iter().any(|(_, w)| w.len() > 4 && w.ends_with("ed"));

    let kind = if !quantities.is_empty() {
        ClaimKind::Quantity
    } else if claimant.is_some() {
        ClaimKind::Attribution
    } else if comparison && !opinion {
        ClaimKind::Comparison
    } else if named && (past || dated) && !opinion {
        ClaimKind::Event
    } else {
        return None;
    };
    let mut score: f64 = match quantities.len() {
        0 => SCORE_NO_QUANTITY,
        1 => SCORE_ONE_QUANTITY,
        2 => SCORE_TWO_QUANTITIES,
        _ => SCORE_MORE_QUANTITIES,
    };
    if claimant.is_some() {
        score += BONUS_CLAIMANT;
    }
    if comparison {
        score += BONUS_COMPARISON;
    }
    if named {
        score += BONUS_NAMED_ACTOR;
    }
    if opinion {
        score -= PENALTY_OPINION;
    }
    Some(Found {
        range,
        kind,
        checkworthiness: (score.clamp(0.0, 1.0) * 100.0).round() / 100.0,
        claimant,
        quantities,
    })
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    haystack.match_indices(phrase).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// A capitalised word that is not the sentence's first word (or the first
/// inside a quotation): a person, place or organisation.
fn named_actor(text: &str, tokens: &[Token]) -> bool {
    let mut first = true;
    for t in tokens {
        if !t.is_word() {
            if t.is_punct('“') || t.is_punct('"') || t.is_punct('‘') || t.is_punct(':') {
                first = true;
            }
            continue;
        }
        let w = t.text(text);
        if !first
            && w.starts_with(char::is_uppercase)
            && w != "I"
            && !lexicon::is_month_or_day(&lexicon::lc(w))
        {
            return true;
        }
        first = false;
    }
    false
}

/// Who asserts the sentence: "according to X", "X said …", "…, said X.",
/// "…, X said."
/// `classes` holds each token's word classes (see `class_of`).
fn claimant(text: &str, tokens: &[Token], classes: &[u8]) -> Option<Range> {
    let is = |i: usize, w: &str| {
        tokens
            .get(i)
            .is_some_and(|t| t.is_word() && t.text(text).eq_ignore_ascii_case(w))
    };
    let saying = |i: usize| classes.get(i).is_some_and(|c| c & REPORTING != 0);
    let span = |a: usize, b: usize| {
        (a < b).then(|| Range {
            start: tokens[a].range.start,
            end: tokens[b - 1].range.end,
        })
    };
    let phrase_ok = |a: usize, b: usize| {
        let passive = tokens[a..b.max(a)].iter().any(|t| {
            t.is_word()
                && matches!(
                    &*lexicon::lc(t.text(text)),
                    "was" | "were" | "is" | "are" | "been" | "be" | "being"
                )
        });
        b > a
            && !passive
            && b - a <= MAX_CLAIMANT_TOKENS
            && tokens[a..b].iter().all(|t| {
                t.is_word() || t.is_punct('.') || t.is_punct('’') || t.is_punct('\'') || t.is_punct('-')
            })
            && tokens[a..b]
                .iter()
                .any(|t| t.is_word() && !lexicon::is_stop(&lexicon::lc(t.text(text))))
            && !tokens[a..b].iter().any(|t| {
                t.is_word()
                    && matches!(
                        &*lexicon::lc(t.text(text)),
                        "it" | "he" | "she" | "they" | "we" | "i" | "you" | "this" | "that"
                    )
            })
    };

    // "according to the union's figures," → up to the next comma or end.
    for i in 0..tokens.len() {
        if is(i, "according") && is(i + 1, "to") {
            let from = i + 2;
            let to = (from..tokens.len()).find(|&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if c != '.' && c != '’' && c != '\'' && c != '-')).unwrap_or(tokens.len());
            let to = if to == tokens.len() && tokens.last().is_some_and(|t| t.is_punct('.')) {
                to - 1
            } else {
                to
            };
            if phrase_ok(from, to) {
                return span(from, to);
            }
        }
    }
    let verb = (0..tokens.len()).find(|&i| saying(i))?;
    // "The ministry said …": the phrase from the start (after an opening quote).
    let start = tokens.iter().position(|t| t.is_word()).unwrap_or(0);
    if verb > start && phrase_ok(start, verb) && tokens[start].text(text).starts_with(char::is_uppercase) {
        return span(start, verb);
    }
    // "…, the mayor said." / "…,” Ms. Reyes said."
    let boundary = (0..verb)
        .rev()
        .find(|&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if matches!(c, ',' | '”' | '"' | ';')));
    if let Some(name) = boundary.and_then(|b| appositive_speaker(text, tokens, start, b, verb, &phrase_ok)) {
        return Some(name);
    }
    if let Some(b) = boundary {
        // "…, with activist groups saying" → "activist groups".
        let from = if is(b + 1, "with") { b + 2 } else { b + 1 };
        if phrase_ok(from, verb) {
            return span(from, verb);
        }
    }
    // "…, said Dr. Amara Osei." → after the verb to the end.
    if boundary.is_some_and(|b| b + 1 == verb) {
        let mut end = tokens.len();
        while end > verb + 1 && matches!(tokens[end - 1].kind, tokens::Kind::Punct(_)) {
            end -= 1;
        }
        // "Dr." keeps its full stop: only trailing sentence punctuation goes.
        if phrase_ok(verb + 1, end) {
            return span(verb + 1, end);
        }
    }
    None
}

/// A speaker named twice, by role and by name, just before the verb: "The
/// opposition spokesperson, Maria Lindqvist, said …" or "Maria Lindqvist,
/// the opposition spokesperson, said …" → the name, the shortest span that
/// names the speaker. `b` is the comma right before the verb at `verb`.
fn appositive_speaker(
    text: &str,
    tokens: &[Token],
    start: usize,
    b: usize,
    verb: usize,
    phrase_ok: &dyn Fn(usize, usize) -> bool,
) -> Option<Range> {
    if b + 1 != verb || !tokens[b].is_punct(',') {
        return None;
    }
    let inner = (start..b).rev().find(|&k| tokens[k].is_punct(','))?;
    let outer = (start..inner)
        .rev()
        .find(
            |&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if matches!(c, ',' | ';' | '“' | '"' | '”')),
        )
        .map_or(start, |k| k + 1);
    let is_name = |a: usize, z: usize| {
        phrase_ok(a, z)
            && tokens[a..z]
                .iter()
                .filter(|t| t.is_word())
                .all(|t| t.text(text).starts_with(char::is_uppercase))
            && !lexicon::is_stop(&lexicon::lc(tokens[a].text(text)))
    };
    let span = |a: usize, z: usize| Range {
        start: tokens[a].range.start,
        end: tokens[z - 1].range.end,
    };
    if is_name(inner + 1, b) && phrase_ok(outer, inner) {
        return Some(span(inner + 1, b));
    }
    if is_name(outer, inner) && phrase_ok(inner + 1, b) {
        return Some(span(outer, inner));
    }
    None
}
