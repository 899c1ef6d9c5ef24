//! Deciding which sentences are claims, of what kind, and who asserts them.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::ClaimKind;
use super::lexicon::{self, Fnv};
use super::quantities::{self, Quantity};
use super::sentences::{self, Range, Sentence};
use super::tokens::{self, Token};
use super::words::{
    BE_VERBS, BIO_OPENINGS, BOILERPLATE, CALL_TO_ACTION_MODALS, COMPARISON, DAYS, FIRST_PERSON_WORDS,
    INDEFINITES, MONTHS, OPINION_PHRASES, OPINION_WORDS, PAST_IRREGULAR, PHRASE_TRIGGERS, PLATFORMS,
    RELATIVE_DAYS, RELEASE_PARTICIPLES, SAYING, SCHEDULE_WORDS, STATEMENT_NOUNS, VERDICT_VERBS, WHEN_ENDS,
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
/// A "he said" refers back to a speaker named at most this many sentences before.
const PRONOUN_REACH: usize = 2;
/// A comparison alone ("Others were less patient.") needs this many words to be a claim.
const MIN_COMPARISON_WORDS: usize = 6;
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
/// A speaker's name or role is at most this many tokens…
const MAX_CLAIMANT_TOKENS: usize = 8;
/// …or this many when it is a proper name ("the International Federation of
/// Red Cross and Red Crescent Societies").
const LONG_NAME_TOKENS: usize = 14;

/// Judges a text given as one claim (typed in by hand): its kind and
/// checkworthiness if the rules find it check-worthy, and its quantities.
pub fn single(text: &str) -> (Option<Found>, Vec<Quantity>) {
    let range = Range {
        start: 0,
        end: text.len(),
    };
    let tokens = tokens::tokenize(text, range);
    let quantities = quantities::find(text, &tokens);
    let mut scratch = Scratch::default();
    (judge(text, range, &tokens, &mut scratch).found, quantities)
}

pub fn claims(text: &str) -> Vec<Found> {
    let sentences = sentences::split(text);
    let last_paragraph = sentences.last().map_or(0, |s| s.paragraph);
    let bio_paragraphs = bio_paragraphs(text, &sentences, last_paragraph);
    let mut out = Vec::new();
    // The last speaker or person named, and the index of its sentence, for
    // "…,” she said." a sentence or two later.
    let mut recent: Option<(Range, usize)> = None;
    // The last capitalised word alone as a subject ("Brandt crashed twice …",
    // "Tennant won 52 percent …"), its sentence, and whether a role set off
    // by commas followed it; whether it is a name is decided only when a
    // "she said" needs it.
    let mut lone: Option<(Range, usize, bool)> = None;
    let mut tokens = Vec::new();
    let mut scratch = Scratch::default();
    for (index, sentence) in sentences.iter().enumerate() {
        if bio_paragraphs.contains(&sentence.paragraph) {
            continue;
        }
        tokens::tokenize_into(text, sentence.range, &mut tokens);
        let words = tokens.iter().filter(|t| t.is_word()).count();
        // The first line, when it stands alone unpunctuated, is the title, however long.
        let title = index == 0 && sentence.alone;
        if !sentence.terminated
            && (title || sentence.alone && words <= HEADING_WORDS || words < FRAGMENT_WORDS)
        {
            continue;
        }
        for (range, clause) in clauses(&tokens, sentence.range, words) {
            let judged = judge(text, range, clause, &mut scratch);
            let claimant = match judged.speaker {
                Some(Speaker::Named(r)) => {
                    recent = Some((r, index));
                    Some(r)
                }
                // A run of "she said" keeps its speaker alive from one
                // sentence to the next.
                Some(Speaker::Pronoun) => {
                    let reach = |at: usize| index - at <= PRONOUN_REACH;
                    let named = recent.filter(|&(_, at)| reach(at));
                    // The word alone is the person meant when it is the
                    // latest subject and a name: with its role ("Brenner, the
                    // opposition's employment spokesman, voted …") or the
                    // surname of someone named before ("… from Lena Brandt.
                    // Brandt crashed twice …"). Else, as a last resort, when
                    // nobody else was named within reach.
                    let surname = lone.filter(|&(name, at, role)| {
                        reach(at)
                            && named.is_none_or(|(_, before)| at > before)
                            && (role || named_before(&text[..name.start], &text[name.start..name.end]))
                    });
                    let r = surname
                        .map(|(name, _, _)| name)
                        .or(named.map(|(r, _)| r))
                        .or(lone.filter(|&(_, at, _)| reach(at)).map(|(name, _, _)| name));
                    if let Some(r) = r {
                        recent = Some((r, index));
                    }
                    r
                }
                // "“He did 14 sessions a week.”": a quotation standing on its own
                // names nobody, and the guide names a claimant only when the
                // sentence says so (round 9; rounds 4–8 gave it the speaker of
                // the sentence before). A "she said" after it still reaches back
                // to the speaker it continues.
                None if judged.quote_only => {
                    if let Some((r, at)) = recent
                        && index - at == 1
                    {
                        recent = Some((r, index));
                    }
                    None
                }
                None => {
                    if let Some(subject) = judged.subject {
                        recent = Some((subject, index));
                    } else if let Some((name, role)) = judged.lone_name {
                        lone = Some((name, index, role));
                    }
                    None
                }
            };
            if let Some(mut found) = judged.found {
                found.claimant = claimant;
                out.push(found);
            }
        }
    }
    out
}

/// How far back (in bytes) a full name is looked for: about a long article.
const NAME_WINDOW: usize = 6000;

/// Whether `before` names someone with the surname `word` within the last
/// `NAME_WINDOW` bytes: "Lena Brandt", "Councillor Derek Hume" (a
/// capitalised word, not a stop word, before it).
fn named_before(before: &str, word: &str) -> bool {
    let mut from = before.len().saturating_sub(NAME_WINDOW);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let before = &before[from..];
    before.match_indices(word).any(|(at, _)| {
        let after = before[at + word.len()..].chars().next();
        let Some(head) = before[..at].strip_suffix(' ') else {
            return false;
        };
        let previous = head.rsplit([' ', '\n']).next().unwrap_or_default();
        !after.is_some_and(char::is_alphanumeric)
            && previous.len() > 1
            && previous.starts_with(char::is_uppercase)
            && !lexicon::is_stop(&lexicon::lc(previous))
    })
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
    (1..=3).contains(&name_len)
        && !words.first().is_some_and(|w| lexicon::is_stop(&w.to_lowercase()))
        && BIO_OPENINGS.iter().any(|p| rest.starts_with(p))
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

const COMPARATIVE: u16 = 1;
const OPINION: u16 = 1 << 1;
const PHRASE_TRIGGER: u16 = 1 << 2;
const PAST: u16 = 1 << 3;
const REPORTING: u16 = 1 << 4;
const CALENDAR: u16 = 1 << 5;
const SCHEDULE: u16 = 1 << 6;
const FIRST_PERSON: u16 = 1 << 7;
const INDEFINITE: u16 = 1 << 8;
const BE: u16 = 1 << 9;
const VERDICT: u16 = 1 << 10;
const MODAL: u16 = 1 << 11;
const RELEASE: u16 = 1 << 12;
const WHEN_END: u16 = 1 << 13;
/// `lexicon::QUANTITY_STARTER` (bit 15) and `lexicon::NUMBER_WORD` (bit 14)
/// are on the tokens too, but not in the classes the rules below read.
const RULE_CLASSES: u16 = !(lexicon::QUANTITY_STARTER | lexicon::NUMBER_WORD);

/// The lists a word is on (`lc` lowers it on the stack); `tokenize` calls it
/// once per word and keeps it on the token.
pub(super) fn class_of(word: &str) -> u16 {
    let table = &*CLASS_TABLE;
    if !table.shapes.may_contain(word.as_bytes()) {
        return 0;
    }
    if word.is_ascii() {
        return table.get_ascii(word.as_bytes());
    }
    WORD_CLASSES
        .get(lexicon::lc(word).as_bytes())
        .copied()
        .unwrap_or(0)
}

/// `WORD_CLASSES` again, for ASCII words: an open-addressing table whose
/// hash folds case as it goes, so a word is looked up without lowering it
/// first. Only lower-case ASCII keys are in it, the only ones an ASCII word
/// lowered can equal.
struct ClassTable {
    shapes: lexicon::Shapes,
    mask: usize,
    /// An empty key is a free slot.
    slots: Vec<(&'static [u8], u16)>,
}

impl ClassTable {
    fn new() -> Self {
        let keys: Vec<(&'static [u8], u16)> = WORD_CLASSES
            .iter()
            .filter(|(k, _)| !k.is_empty() && k.iter().all(|b| b.is_ascii() && !b.is_ascii_uppercase()))
            .map(|(k, c)| (*k, *c))
            .collect();
        let size = (keys.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(&[][..], 0); size];
        for (key, class) in keys {
            let mut i = Self::hash(key) & (size - 1);
            while !slots[i].0.is_empty() {
                i = (i + 1) & (size - 1);
            }
            slots[i] = (key, class);
        }
        Self {
            shapes: lexicon::Shapes::new(WORD_CLASSES.keys().copied()),
            mask: size - 1,
            slots,
        }
    }

    /// A multiply-and-rotate hash over the bytes eight at a time, each byte
    /// with its 0x20 bit set: that lowers an ASCII letter and leaves a digit,
    /// an apostrophe, a hyphen or a full stop as it is, so a word hashes as
    /// its lower case does, without lowering it first. (Bytes it changes
    /// otherwise change alike on both sides; `get_ascii` compares exactly.)
    fn hash(word: &[u8]) -> usize {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut hash = word.len() as u64;
        for chunk in word.chunks(8) {
            let lanes = chunk
                .iter()
                .rev()
                .fold(0u64, |lanes, &b| (lanes << 8) | u64::from(b | 0x20));
            hash = (hash ^ lanes).wrapping_mul(K).rotate_left(29);
        }
        (hash ^ (hash >> 32)) as usize
    }

    fn get_ascii(&self, word: &[u8]) -> u16 {
        let mut i = Self::hash(word) & self.mask;
        loop {
            let (key, class) = self.slots[i];
            if key.is_empty() {
                return 0;
            }
            if key.len() == word.len() && key.eq_ignore_ascii_case(word) {
                return class;
            }
            i = (i + 1) & self.mask;
        }
    }
}

static CLASS_TABLE: LazyLock<ClassTable> = LazyLock::new(ClassTable::new);

/// Which of the word lists above each word is on.
static WORD_CLASSES: LazyLock<HashMap<&'static [u8], u16, BuildHasherDefault<Fnv>>> = LazyLock::new(|| {
    let mut classes = HashMap::default();
    for (list, class) in [
        (COMPARISON, COMPARATIVE),
        (OPINION_WORDS, OPINION),
        (PHRASE_TRIGGERS, PHRASE_TRIGGER),
        (PAST_IRREGULAR, PAST),
        (SAYING, REPORTING),
        (MONTHS, CALENDAR),
        (DAYS, CALENDAR),
        (RELATIVE_DAYS, CALENDAR),
        (SCHEDULE_WORDS, SCHEDULE),
        (FIRST_PERSON_WORDS, FIRST_PERSON),
        (INDEFINITES, INDEFINITE),
        (BE_VERBS, BE),
        (VERDICT_VERBS, VERDICT),
        (CALL_TO_ACTION_MODALS, MODAL),
        (RELEASE_PARTICIPLES, RELEASE),
        (WHEN_ENDS, WHEN_END),
        (PLATFORMS, WHEN_END),
        (STATEMENT_NOUNS, WHEN_END),
    ] {
        for word in list {
            *classes.entry(word.as_bytes()).or_insert(0) |= class;
        }
    }
    for word in lexicon::quantity_starters() {
        *classes.entry(word.as_bytes()).or_insert(0) |= lexicon::QUANTITY_STARTER;
    }
    for word in lexicon::number_words() {
        *classes.entry(word.as_bytes()).or_insert(0) |= lexicon::NUMBER_WORD;
    }
    classes
});

/// What one sentence (or clause) yields: the claim, if it is one, and who
/// speaks in it, which later sentences may refer back to.
struct Judged {
    found: Option<Found>,
    speaker: Option<Speaker>,
    /// A person named as the sentence's subject ("Governor Ilir Mavrak
    /// addressed …"), for a "he said" in the next sentence.
    subject: Option<Range>,
    /// The sentence is a quotation and nothing else.
    quote_only: bool,
    /// One capitalised word opening the sentence before its verb
    /// ("Brandt crashed …", "Kovalenko, 26, covered …"), and whether a role
    /// set off by commas follows it ("Brenner, the opposition's spokesman, voted").
    lone_name: Option<(Range, bool)>,
}

/// Who asserts a sentence.
#[derive(Clone, Copy)]
enum Speaker {
    Named(Range),
    /// Only a pronoun ("…,” she said."): the speaker named just before.
    Pronoun,
}

/// Buffers `judge` reuses from one sentence to the next, so that a text
/// costs a few allocations, not a few per sentence.
#[derive(Default)]
struct Scratch {
    classes: Vec<u16>,
    lower: String,
}

/// `s.to_lowercase()` into `out` (cleared first), reusing its allocation.
/// Char by char is what `str::to_lowercase` does, except for a capital
/// sigma, whose lower case depends on its neighbours: then it is asked.
fn lowercase_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else if s.contains('Σ') {
        out.push_str(&s.to_lowercase());
    } else {
        out.reserve(s.len());
        for c in s.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

fn judge(text: &str, range: Range, tokens: &[Token], scratch: &mut Scratch) -> Judged {
    let mut judged = Judged {
        found: None,
        speaker: None,
        subject: None,
        quote_only: is_quote_only(tokens),
        lone_name: None,
    };
    let sentence = &text[range.start..range.end];
    let last = sentence
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .chars()
        .last();
    if last == Some('?') || last == Some(':') {
        return judged;
    }
    let words = || {
        tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_word())
            .map(|(i, t)| (i, t.text(text)))
    };
    // One look-up per word tells which word lists the sentence touches.
    let classes = &mut scratch.classes;
    classes.clear();
    classes.extend(tokens.iter().map(|t| t.class & RULE_CLASSES));
    let classes = &classes[..];
    let seen = classes.iter().fold(0u16, |seen, c| seen | c);
    let has = |class: u16| seen & class != 0;
    // Phrase searches are the slow part of this function: run them only when
    // one of their words is present.
    let lower = &mut scratch.lower;
    if has(PHRASE_TRIGGER) {
        lowercase_into(sentence, lower);
    } else {
        lower.clear();
    }
    let lower = &lower[..];
    if BOILERPLATE_SEARCH.is_match(lower) || (has(MODAL) && call_to_action(text, tokens)) {
        return judged;
    }
    let opinion = has(OPINION) || contains_phrase(&OPINION_SEARCH, lower);

    let quantities = quantities::find(text, tokens);
    judged.speaker = if has(REPORTING) || has(VERDICT) || has(RELEASE) || lower.contains("according to") {
        speaker(text, tokens, classes)
    } else {
        None
    };
    if judged.speaker.is_none() {
        judged.subject = person_subject(text, tokens);
        if judged.subject.is_none() {
            judged.lone_name = lone_name(text, tokens, classes);
        }
    }
    // A quotation with nothing checkable in it is colour, whoever says it:
    // "“We did not take this lightly,” she said."
    if quantities.is_empty()
        && let Some((a, b)) = leading_quote(tokens)
        && !checkable_quote(text, &tokens[a..b], &classes[a..b])
    {
        return judged;
    }
    let attributed = judged.speaker.is_some();
    let comparison = has(COMPARATIVE);
    let named = named_actor(text, tokens);
    // Numbers left once quantities are taken are years, dates or times.
    let dated = has(CALENDAR)
        || tokens
            .iter()
            .any(|t| matches!(t.kind, tokens::Kind::Number { .. }));
    let past = has(PAST) || words().any(|(_, w)| w.len() > 4 && w.ends_with("ed"));
    let scheduled = has(SCHEDULE);
    // "Voters we spoke to on Friday were divided": the reporter's own voice is colour.
    let first_person = has(FIRST_PERSON);
    // "Others were less patient.", "Nobody who saw it will forget it.",
    // "A few supporters lingered outside.": scene-setting around nobody in particular.
    let mut lead = words();
    let (first, second) = (lead.next(), lead.next());
    let indefinite = first.is_some_and(|(i, _)| classes[i] & INDEFINITE != 0)
        || first
            .zip(second)
            .is_some_and(|((_, a), (_, b))| a.eq_ignore_ascii_case("a") && b.eq_ignore_ascii_case("few"));
    let kind = if !quantities.is_empty() {
        ClaimKind::Quantity
    } else if attributed {
        ClaimKind::Attribution
    } else if indefinite {
        return judged;
    } else if comparison && !opinion && !first_person && (named || words().count() >= MIN_COMPARISON_WORDS) {
        ClaimKind::Comparison
    } else if !opinion
        && ((named && (past || dated))
            || (dated && (past || scheduled) && !first_person)
            || (has(BE) && reported_event(text, tokens, classes)))
    {
        ClaimKind::Event
    } else {
        return judged;
    };
    let mut score: f64 = match quantities.len() {
        0 => SCORE_NO_QUANTITY,
        1 => SCORE_ONE_QUANTITY,
        2 => SCORE_TWO_QUANTITIES,
        _ => SCORE_MORE_QUANTITIES,
    };
    if attributed {
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
    judged.found = Some(Found {
        range,
        kind,
        checkworthiness: (score.clamp(0.0, 1.0) * 100.0).round() / 100.0,
        claimant: match judged.speaker {
            Some(Speaker::Named(r)) => Some(r),
            _ => None,
        },
        quantities,
    });
    judged
}

/// "Residents who are worried can call the housing team on …", "Anyone with
/// information should contact police": what readers are told to do.
fn call_to_action(text: &str, tokens: &[Token]) -> bool {
    let lower = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| lexicon::lc(t.text(text)))
    };
    let Some(start) = tokens.iter().position(|t| t.is_word()) else {
        return false;
    };
    let addressed = lower(start).is_some_and(|w| lexicon::is_call_to_action_subject(&w));
    (start + 1..tokens.len()).any(|m| {
        lower(m).is_some_and(|w| lexicon::is_call_to_action_modal(&w))
            && lower(m + 1).is_some_and(|w| lexicon::is_call_to_action_verb(&w))
            && (addressed || (start + 1..m).any(|k| tokens[k].text(text) == "who"))
    })
}

/// "was said to be upset", "were reported to have asked", "have been filmed in":
/// an event reported at second hand, a claim even without numbers or names.
fn reported_event(text: &str, tokens: &[Token], classes: &[u16]) -> bool {
    let lower = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| lexicon::lc(t.text(text)))
    };
    let skip_adverb = |k: usize| {
        if lower(k).is_some_and(|a| lexicon::is_adverb(&a)) {
            k + 1
        } else {
            k
        }
    };
    // Only the words after a form of "to be" are looked at.
    (0..tokens.len()).filter(|&i| classes[i] & BE != 0).any(|i| {
        let v = skip_adverb(i + 1);
        if tokens[i].text(text).eq_ignore_ascii_case("been") {
            lower(v).is_some_and(|v| lexicon::is_witness_participle(&v))
        } else {
            lower(v).is_some_and(|v| lexicon::is_report_participle(&v))
                && lower(v + 1).as_deref() == Some("to")
        }
    })
}

/// The quotation a sentence opens with: the token range inside the marks,
/// when words follow it ("“…,” she said.").
fn leading_quote(tokens: &[Token]) -> Option<(usize, usize)> {
    let first = tokens.first()?;
    if !(first.is_punct('“') || first.is_punct('"') || first.is_punct('‘')) {
        return None;
    }
    let close = (1..tokens.len()).find(|&k| tokens[k].is_punct('”') || tokens[k].is_punct('"'))?;
    tokens[close + 1..]
        .iter()
        .any(|t| t.is_word())
        .then_some((1, close))
}

/// A sentence that is one quotation: “…”
fn is_quote_only(tokens: &[Token]) -> bool {
    let opens = tokens.first().is_some_and(|t| t.is_punct('“') || t.is_punct('"'));
    let closes = tokens.last().is_some_and(|t| t.is_punct('”') || t.is_punct('"'));
    opens
        && closes
        && tokens.len() > 2
        && !tokens[1..tokens.len() - 1]
            .iter()
            .any(|t| t.is_punct('”') || t.is_punct('"'))
}

/// Whether a quotation asserts something checkable: a name, a comparison or
/// an accusation ("“Foreign agents are paying young men to burn cars,”").
fn checkable_quote(text: &str, tokens: &[Token], classes: &[u16]) -> bool {
    named_actor(text, tokens)
        || classes.iter().any(|c| c & COMPARATIVE != 0)
        || tokens
            .iter()
            .any(|t| t.is_word() && lexicon::is_accusation(&lexicon::lc(t.text(text))))
}

/// A person named as the subject: two or more capitalised words opening the
/// sentence and followed by a lower-case word ("Governor Ilir Mavrak addressed").
fn person_subject(text: &str, tokens: &[Token]) -> Option<Range> {
    let first = tokens.first().filter(|t| t.is_word())?;
    let w = lexicon::lc(first.text(text));
    if lexicon::is_stop(&w) || lexicon::is_month_or_day(&w) {
        return None;
    }
    let run = tokens
        .iter()
        .take_while(|t| (t.is_word() && t.text(text).starts_with(char::is_uppercase)) || t.is_punct('.'))
        .count();
    let names = tokens[..run].iter().filter(|t| t.is_word()).count();
    let next_lower = tokens
        .get(run)
        .is_some_and(|t| t.is_punct(',') || t.is_word() && t.text(text).starts_with(char::is_lowercase));
    (names >= 2 && next_lower).then(|| Range {
        start: first.range.start,
        end: tokens[run - 1].range.end,
    })
}

/// One capitalised word opening the sentence as its subject: followed by a
/// verb ("Hume won his seat"), by an age or a relative clause set off by
/// commas and then a verb ("Kovalenko, 26, covered", "Brandt, who won the
/// race in 2023, had led"), or by a role set off by commas ("Brenner, the
/// opposition's employment spokesman, voted" — the flag).
fn lone_name(text: &str, tokens: &[Token], classes: &[u16]) -> Option<(Range, bool)> {
    let first = tokens.first().filter(|t| t.is_word())?;
    let w = first.text(text);
    if !w.starts_with(char::is_uppercase) || lexicon::is_acronym(w) || classes[0] != 0 {
        return None;
    }
    let lower = lexicon::lc(w);
    if lexicon::is_stop(&lower) || lexicon::is_month_or_day(&lower) || lexicon::is_pronoun(&lower) {
        return None;
    }
    let verb = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            t.is_word()
                && t.text(text).starts_with(char::is_lowercase)
                && (classes[k] & PAST != 0 || lexicon::is_finite_verb(&lexicon::lc(t.text(text))))
        })
    };
    let next = tokens.get(1)?;
    let (ok, appositive) = if next.is_punct(',') {
        let close = (2..tokens.len().min(2 + LONG_NAME_TOKENS)).find(|&k| tokens[k].is_punct(','))?;
        let opener = tokens[2].is_word() && {
            let o = lexicon::lc(tokens[2].text(text));
            lexicon::is_determiner(&o) || lexicon::is_possessive(&o)
        };
        (verb(close + 1), opener)
    } else {
        (verb(1), false)
    };
    ok.then_some((first.range, appositive))
}

/// Whether one of the searcher's phrases stands in `haystack` as whole words.
fn contains_phrase(phrases: &AhoCorasick, haystack: &str) -> bool {
    phrases.find_overlapping_iter(haystack).any(|m| {
        let before = haystack[..m.start()].chars().next_back();
        let after = haystack[m.end()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// One pass over a sentence finds any of the boilerplate phrases…
static BOILERPLATE_SEARCH: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(BOILERPLATE).expect("boilerplate phrases"));
/// …or of the opinion phrases.
static OPINION_SEARCH: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(OPINION_PHRASES).expect("opinion phrases"));

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

/// Who asserts the sentence: "X said …", "according to X", "…, said X.",
/// "…, X said.", "X, the union's leader, said", "…,” she said."
/// `classes` holds each token's word classes (see `class_of`).
fn speaker(text: &str, tokens: &[Token], classes: &[u16]) -> Option<Speaker> {
    let lower = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| lexicon::lc(t.text(text)))
    };
    let is = |i: usize, w: &str| tokens::is_word(text, tokens, i, w);
    // "an estimated", "was found unsealed", "wrote to the company" are not the speaker's verb.
    let saying = |i: usize| {
        // Only a listed word can be a verb of speech: the checks below look
        // at its neighbours, so they run for those words alone.
        if !classes
            .get(i)
            .is_some_and(|c| c & REPORTING != 0 || (c & VERDICT != 0 && verdict_verb(text, tokens, i)))
        {
            return false;
        }
        let word = lower(i);
        let word = word.as_deref().unwrap_or_default();
        let after_article_or_be = || {
            i.checked_sub(1)
                .and_then(lower)
                .is_some_and(|p| lexicon::is_determiner(&p) || lexicon::is_be_verb(&p) || p == "that")
        };
        let wrote_to = || is(i, "wrote") && is(i + 1, "to");
        // "the cuts, first reported by the Gazette": a passive, its speaker after "by".
        let passive = || is(i + 1, "by");
        // "cut its growth forecast to 1.1 percent": a noun, not a verb.
        let noun_use = || {
            lower(i)
                .zip(lower(i + 1))
                .is_some_and(|(w, n)| lexicon::is_reporting_noun_before(&w, &n))
        };
        // "ruled that …", not "ruled the country".
        let that_missing = || {
            lower(i).is_some_and(|w| lexicon::needs_that(&w)) && !is(i + 1, "that")
            // "posted on Facebook that …", "posted on social media", not
            // "posted a loss" or "a video posted on the operator's website".
            || matches!(word, "posted" | "posts")
                && !is(i + 1, "that")
                && !(is(i + 1, "on")
                    && (is(i + 2, "social")
                        || tokens
                            .get(i + 2)
                            .is_some_and(|t| t.is_word() && t.text(text).starts_with(char::is_uppercase))))
        };
        // "Court records show …", "…, court records show.", "figures show
        // that": not "the standings now show Natt on 143 points".
        let shown = || {
            !is(i, "show")
            || tokens.get(i + 1).is_none_or(|n| !n.is_word())
            || is(i + 1, "that")
            || i.checked_sub(1)
                .and_then(lower)
                .is_some_and(|p| lexicon::is_source_document(&p))
            // "Figures released by the statistics office on Tuesday show …"
            || (i.saturating_sub(MAX_CLAIMANT_TOKENS)..i).any(|k| {
                lower(k).is_some_and(|p| {
                    lexicon::is_source_document(&p) && !matches!(&*p, "a" | "the" | "new" | "latest" | "official")
                }) && classes.get(k + 1).is_some_and(|c| c & RELEASE != 0)
            })
        };
        // "Hospitals admitted 63 people", "teams found about 2,000 people":
        // a count as the object is what was done, not what was said.
        let counted_object = || {
            lower(i).is_some_and(|w| lexicon::is_count_taking(&w))
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| lexicon::may_start_quantity(text, n))
        };
        // Speech only in one use: "…, the statement read." (not "read 40
        // books"); "…,” she replied." / "she continued." (not "replied through
        // Lindqvist", "continued to fall"); "pointed out that" (not "pointed to").
        let other_use = || match word {
            "read" | "reads" => !i
                .checked_sub(1)
                .and_then(lower)
                .is_some_and(|p| lexicon::is_statement_noun(&p)),
            "replied" | "continued" | "answered" => tokens.get(i + 1).is_some_and(|n| n.is_word()),
            "pointed" => !is(i + 1, "out"),
            _ => false,
        };
        // "Mayhew conceded defeat", "conceded the race", "Hale claimed
        // victory": a concession or a win, not speech.
        let conceded_thing = || match word {
            "conceded" | "concedes" => {
                lower(i + 1).is_some_and(|n| lexicon::is_conceded_thing(&n) || lexicon::is_determiner(&n))
            }
            // "The storm claimed 12 lives".
            "claimed" | "claims" => {
                lower(i + 1).is_some_and(|n| lexicon::is_conceded_thing(&n)) || is(i + 2, "lives")
            }
            _ => false,
        };
        // Each test only when the ones before it pass, cheapest first.
        !passive()
            && !wrote_to()
            && !other_use()
            && !conceded_thing()
            && !after_article_or_be()
            && !noun_use()
            && !that_missing()
            && !counted_object()
            && shown()
    };
    // "The agency also said", "Police have said": the speaker without its
    // adverbs and auxiliaries.
    let span = |a: usize, mut b: usize| {
        while b > a + 1 && lower(b - 1).is_some_and(|w| lexicon::is_speaker_trailer(&w)) {
            b -= 1;
        }
        (a < b).then(|| Range {
            start: tokens[a].range.start,
            end: tokens[b - 1].range.end,
        })
    };
    let pronoun = |a: usize, b: usize| b == a + 1 && lower(a).is_some_and(|w| lexicon::is_pronoun(&w));
    let phrase_ok = |a: usize, b: usize| phrase_ok(text, tokens, a, b);
    let mut verbs: Vec<usize> = (0..tokens.len()).filter(|&i| saying(i)).collect();
    // "“We found the same fault …,” Vang told NRT.": a verb inside the
    // quotation is the speaker's own words, not who speaks, when a verb
    // outside it names the speaker.
    if verbs.iter().any(|&v| !inside_quotation(tokens, v)) {
        verbs.retain(|&v| !inside_quotation(tokens, v));
    }
    let start = tokens.iter().position(|t| t.is_word()).unwrap_or(0);
    // "GENEVA — The World Health Organization said …", "KYIV, Ukraine (AP) —
    // The governor said …": a dateline is not part of the sentence's speaker.
    let start = dateline_end(text, tokens, start).unwrap_or(start);
    // "But the ministry said …", "As the IMF has noted, …": a conjunction
    // opening the sentence is not part of its speaker.
    let opened = lower(start)
        .is_some_and(|w| matches!(&*w, "but" | "and" | "as" | "yet" | "so" | "while" | "or"))
        && tokens.get(start + 1).is_some_and(|t| t.is_word());
    let start = if opened { start + 1 } else { start };
    // "Business groups were less calm: the chamber said that …": after a
    // colon before the first speech verb, the clause names its speaker.
    let start = verbs
        .first()
        .and_then(|&v| {
            (start..v)
                .rev()
                .find(|&k| tokens[k].is_punct(':'))
                .map(|k| (k + 1, v))
        })
        .filter(|&(s, v)| {
            s < v
                && tokens[s].is_word()
                && (tokens[s].text(text).starts_with(char::is_uppercase) || is(s, "the"))
                && phrase_ok(s, v)
        })
        .map_or(start, |(s, _)| s);

    // "The governor was quoted as saying …", "State media quoted the governor
    // as saying …": who is quoted speaks.
    if let Some(&v) = verbs
        .iter()
        .find(|&&v| v > start + 1 && is(v, "saying") && is(v - 1, "as"))
        && let Some(q) = (start..v - 1).rev().find(|&k| is(k, "quoted"))
    {
        let be = (q > start).then(|| q - 1).filter(|&k| classes[k] & BE != 0);
        if let Some(be) = be
            && phrase_ok(start, be)
        {
            return span(start, be).map(Speaker::Named);
        }
        if be.is_none() && phrase_ok(q + 1, v - 1) {
            return span(q + 1, v - 1).map(Speaker::Named);
        }
    }

    // "Farmers reported losing lambs, and the association estimated losses
    // at 2,000 animals": of two speakers joined by ", and", the one whose
    // clause carries the numbers asserts them.
    let number = |k: usize| {
        matches!(tokens[k].kind, tokens::Kind::Number { .. })
            || lower(k).is_some_and(|w| {
                lexicon::compound_number(&w).is_some() || lexicon::vague_amount(&w).is_some()
            })
    };
    if let [first, second, ..] = verbs[..]
        && let Some(comma) = (first + 1..second).rev().find(|&k| tokens[k].is_punct(','))
        && is(comma + 1, "and")
        && comma + 2 < second
        && (tokens[comma + 2].text(text).starts_with(char::is_uppercase) || is(comma + 2, "the"))
        && phrase_ok(comma + 2, second)
        && !(start..comma).any(number)
        && (second + 1..tokens.len()).any(number)
    {
        return span(comma + 2, second).map(Speaker::Named);
    }

    // "Vineyards expect their best vintage …, the cooperative said.": a
    // closing "…, X said." names the speaker over a weaker verb before it.
    // "…, the bank's chief economist told reporters." closes a sentence too.
    let closing_said = verbs.iter().skip(1).any(|&v| {
        lower(v).is_some_and(|w| match &*w {
            "said" | "says" => tokens.get(v + 1).is_none_or(|n| !n.is_word()),
            "told" | "tells" => {
                tokens.len() - v <= 6
                    && tokens.get(v + 1).is_some_and(|n| n.is_word())
                    && tokens[v + 1..].iter().all(|t| t.is_word() || t.is_punct('.'))
            }
            _ => false,
        }) && (v.saturating_sub(MAX_CLAIMANT_TOKENS + 1)..v).any(|k| tokens[k].is_punct(','))
    }) && verbs
        .first()
        .and_then(|&v| lower(v))
        .is_some_and(|w| !matches!(&*w, "said" | "says" | "told" | "tells"));
    // "The ministry said …", "She said …", "Ms. Várez disputed that and said …";
    // after a semicolon a clause may open in lower case: "…; the United Nations said …".
    if let Some(&verb) = verbs.first()
        && verb > start
        && !closing_said
        && (tokens[start].text(text).starts_with(char::is_uppercase)
            || lower(start).is_some_and(|w| w == "the")
            || opened)
    {
        if pronoun(start, verb) {
            return Some(Speaker::Pronoun);
        }
        // "Figures released by the statistics office on Tuesday show …",
        // "Data compiled by Reuters show …": the source behind the document.
        // ("A UN report published on Monday said" → "A UN report".)
        // (Only a subject with a "released"-like participle is looked at.)
        let (a, z) = if classes[start..verb].iter().any(|c| c & RELEASE != 0) {
            document_source(text, tokens, start, verb)
        } else {
            (start, verb)
        };
        if (a > start
            || z < verb
                && lower(z - 1).is_some_and(|w| {
                    lexicon::is_source_document(&w)
                        && !matches!(&*w, "a" | "the" | "new" | "latest" | "official")
                }))
            && phrase_ok(a, z)
        {
            return span(a, z).map(Speaker::Named);
        }
        // "The company raised its revenue forecast": a verb with its object is not a speaker.
        let has_verb = (start + 1..verb).any(|k| {
            lower(k).is_some_and(|w| w.len() > 4 && w.ends_with("ed"))
                && lower(k + 1).is_some_and(|n| lexicon::is_determiner(&n) || lexicon::is_possessive(&n))
        });
        // "Police on Sunday said": the speaker without when or how it spoke.
        let end = when_start(text, tokens, classes, start, verb);
        if phrase_ok(start, end) && !has_verb {
            return span(start, end).map(Speaker::Named);
        }
        // "A 2019 analysis of 15 studies involving 50,000 people found …": the
        // head of a long subject, up to its first preposition.
        if verb - start > MAX_CLAIMANT_TOKENS
            && is(verb + 1, "that")
            && tokens[start..verb].iter().all(|t| !t.is_punct(','))
            && let Some(p) =
                (start + 1..verb).find(|&k| lower(k).is_some_and(|w| lexicon::is_post_modifier(&w)))
            && phrase_ok(start, p)
            && !(start + 1..p).any(|k| lower(k).is_some_and(|w| lexicon::is_finite_verb(&w)))
            // "Shares in Kestrel Foods fell 4.2p … after the grocer warned that":
            // a subject with its own past-tense verb is a clause, not a speaker.
            && !(p..verb).any(|k| classes[k] & PAST != 0)
        {
            return span(start, p).map(Speaker::Named);
        }
        // "Ms. Várez disputed that estimate and said …", "The agency has opened
        // 12 clinics, and said …" (not "… and reported sales").
        if is(verb - 1, "and")
            && lower(verb).is_some_and(|v| lexicon::is_speech_verb(&v))
            && let Some(k) =
                (start + 1..verb).find(|&k| lower(k).is_some_and(|w| lexicon::is_finite_verb(&w)))
        {
            if phrase_ok(start, k) {
                return span(start, k).map(Speaker::Named);
            }
            // "The company's chief executive, Tor Hagen, apologised … and said":
            // a role and a name before the first verb.
            if tokens[k - 1].is_punct(',')
                && let Some(name) = appositive_speaker(text, tokens, start, k - 1, k, &phrase_ok)
            {
                return Some(Speaker::Named(name));
            }
        }
    }
    if let Some(source) = according_to(text, tokens, &phrase_ok) {
        return Some(Speaker::Named(source));
    }
    for &said in &verbs {
        // "Vit's spokesman, Lukas Perl, later told": the speaker ends before
        // the adverbs and auxiliaries in front of the verb.
        let mut verb = said;
        while verb > start + 1
            && lower(verb - 1).is_some_and(|w| {
                lexicon::is_speaker_trailer(&w) && !matches!(&*w, "has" | "have" | "had" | "will" | "would")
            })
        {
            verb -= 1;
        }
        // "The governor …, Oleh Syn, on Telegram said".
        let verb = when_start(text, tokens, classes, start, verb);
        let boundary = (0..verb).rev().find(
            |&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if matches!(c, ',' | '”' | '"' | ';')),
        );
        let Some(b) = boundary else { continue };
        // "The office also revised its estimate …, putting the number at 3.41
        // million", "Police fired tear gas, saying …": a participle after a
        // comma speaks for the subject of the clause before it.
        if b + 1 == verb
            && tokens[b].is_punct(',')
            && lower(verb).is_some_and(|w| w.ends_with("ing"))
            && (tokens[start].text(text).starts_with(char::is_uppercase) || is(start, "the"))
            && let Some(k) = (start + 1..b)
                .find(|&k| classes[k] & PAST != 0 || lower(k).is_some_and(|w| lexicon::is_finite_verb(&w)))
            && phrase_ok(start, k)
        {
            return span(start, k).map(Speaker::Named);
        }
        if let Some(name) = appositive_speaker(text, tokens, start, b, verb, &phrase_ok) {
            return Some(Speaker::Named(name));
        }
        // "A former finance manager, Ruth Adebayo, 36, told": the age set off
        // by commas is not part of who speaks.
        if b + 1 == verb
            && b >= 2
            && tokens[b].is_punct(',')
            && matches!(tokens[b - 1].kind, tokens::Kind::Number { .. })
            && tokens[b - 2].is_punct(',')
        {
            if let Some(name) = appositive_speaker(text, tokens, start, b - 2, b - 1, &phrase_ok) {
                return Some(Speaker::Named(name));
            }
            // "“Turnout was 61 percent,” Kandel, 58, told supporters.": the
            // name right before the age.
            let from = (start..b - 2)
                .rev()
                .find(|&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if matches!(c, ',' | ';' | '“' | '”' | '"')))
                .map_or(start, |k| k + 1);
            if phrase_ok(from, b - 2) && tokens[from].text(text).starts_with(char::is_uppercase) {
                return span(from, b - 2).map(Speaker::Named);
            }
        }
        // "Porter Dennis Akande, 58, who has worked there for 31 years, said":
        // the name before the first comma.
        if b + 1 == verb
            && tokens[b].is_punct(',')
            && tokens[start].text(text).starts_with(char::is_uppercase)
            && let Some(comma) = (start..b).find(|&k| tokens[k].is_punct(','))
            && comma < b
            && phrase_ok(start, comma)
        {
            return span(start, comma).map(Speaker::Named);
        }
        // "…, the mayor said.", "…, with activist groups saying", "…, which the company says".
        // "…, a student who his family said": the speaker follows the relative word.
        let mut from = (b + 1..verb)
            .rev()
            .find(|&k| {
                lower(k).is_some_and(|w| lexicon::is_relative(&w))
                    && !lexicon::is_acronym(tokens[k].text(text))
            })
            .map_or(b + 1, |k| k + 1);
        // "In Geneva, WHO spokesman … said": an acronym opens a name, not a clause.
        while lower(from).is_some_and(|w| lexicon::is_clause_opener(&w))
            && !tokens
                .get(from)
                .is_some_and(|t| lexicon::is_acronym(t.text(text)))
            && from + 1 < verb
        {
            from += 1;
        }
        if pronoun(from, verb) {
            return Some(Speaker::Pronoun);
        }
        if phrase_ok(from, verb) {
            return span(from, verb).map(Speaker::Named);
        }
        // "…, said Dr. Amara Osei." / "…,” said Léa Moreau, the Greens' lead candidate."
        // ("…, Kandel told supporters": what follows "told" is who was told.)
        if b + 1 == verb && verb == said && !lower(verb).is_some_and(|w| matches!(&*w, "told" | "tells")) {
            let mut end = (verb + 1..tokens.len())
                .find(|&k| tokens[k].is_punct(','))
                .unwrap_or(tokens.len());
            // "Dr." keeps its full stop: only trailing sentence punctuation goes.
            while end > verb + 1 && matches!(tokens[end - 1].kind, tokens::Kind::Punct(_)) {
                end -= 1;
            }
            if pronoun(verb + 1, end) {
                return Some(Speaker::Pronoun);
            }
            // "…,” said one inspector, Ana Lopez.": a role, then the name
            // closing the sentence (the comma convention: the name).
            if tokens.get(end).is_some_and(|t| t.is_punct(','))
                && tokens[verb + 1].text(text).starts_with(char::is_lowercase)
                && phrase_ok(verb + 1, end)
            {
                let mut last = tokens.len();
                while last > end + 1 && matches!(tokens[last - 1].kind, tokens::Kind::Punct(_)) {
                    last -= 1;
                }
                if last > end + 1
                    && phrase_ok(end + 1, last)
                    && tokens[end + 1..last]
                        .iter()
                        .filter(|t| t.is_word())
                        .all(|t| t.text(text).starts_with(char::is_uppercase))
                {
                    return span(end + 1, last).map(Speaker::Named);
                }
            }
            if phrase_ok(verb + 1, end) {
                return span(verb + 1, end).map(Speaker::Named);
            }
        }
    }
    passive_source(text, tokens, classes, &phrase_ok).map(Speaker::Named)
}

/// The first word after a dateline opening the sentence: a place in capitals,
/// perhaps with a region, a date and a news agency in brackets, then a dash
/// ("GENEVA —", "KYIV, Ukraine (AP) —", "LONDON, March 3, 2026 -").
fn dateline_end(text: &str, tokens: &[Token], start: usize) -> Option<usize> {
    let first = tokens.get(start)?;
    if !(first.is_word() && lexicon::is_acronym(first.text(text))) {
        return None;
    }
    let dash = (start + 1..tokens.len().min(start + 12)).find(|&k| {
        matches!(tokens[k].kind, tokens::Kind::Punct('—' | '–'))
            || tokens[k].is_punct('-') && tokens[k].spaced
    })?;
    let dateline = tokens[start..dash].iter().all(|t| match t.kind {
        tokens::Kind::Word => t.text(text).starts_with(char::is_uppercase),
        tokens::Kind::Number { .. } => true,
        tokens::Kind::Punct(c) => matches!(c, ',' | '(' | ')' | '.'),
    });
    (dateline && tokens.get(dash + 1).is_some_and(|t| t.is_word())).then_some(dash + 1)
}

/// Where a when-or-how phrase between a speaker and the verb starts ("Police
/// on Sunday said", "The ministry in a statement said", "Oleh Syn, on
/// Telegram said", "The bank last week said"): the first `k` in `a+1..verb`
/// from which only such phrases run up to the verb, or `verb`.
fn when_start(text: &str, tokens: &[Token], classes: &[u16], a: usize, verb: usize) -> usize {
    // Most speakers end in a name or a noun no such phrase ends in: one look
    // at the word classes.
    let ends_when = verb > a + 1
        && (classes[verb - 1] & (CALENDAR | WHEN_END) != 0
            || matches!(tokens[verb - 1].kind, tokens::Kind::Number { .. }));
    if !ends_when {
        return verb;
    }
    (a + 1..verb)
        .find(|&k| {
            let mut at = k;
            while at < verb {
                match when_unit(text, tokens, at) {
                    Some(next) if next <= verb => at = next,
                    _ => return false,
                }
            }
            true
        })
        .unwrap_or(verb)
}

/// One phrase of when or how someone spoke, starting at token `k`: the index
/// after it ("on Tuesday", "late on Friday", "last week", "earlier this
/// month", "yesterday", "in a statement", "on Telegram", "on state television").
fn when_unit(text: &str, tokens: &[Token], k: usize) -> Option<usize> {
    let lower = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| lexicon::lc(t.text(text)))
    };
    let w = lower(k)?;
    let period = |i: usize| {
        lower(i).is_some_and(|p| {
            lexicon::is_month_or_day(&p)
                || matches!(
                    &*p,
                    "week" | "month" | "year" | "weekend" | "morning" | "afternoon" | "evening" | "night"
                )
        })
    };
    let date_end = |i: usize| {
        // "on March 3": the day's number goes with the month.
        if tokens
            .get(i)
            .is_some_and(|t| matches!(t.kind, tokens::Kind::Number { .. }))
        {
            i + 1
        } else {
            i
        }
    };
    match &*w {
        "yesterday" | "today" | "tonight" => Some(k + 1),
        "late" | "early" | "earlier" | "later" => {
            if lower(k + 1).is_some_and(|n| matches!(&*n, "on" | "this" | "last" | "in")) {
                when_unit(text, tokens, k + 1)
            } else {
                None
            }
        }
        "last" | "this" | "next" => period(k + 1).then_some(k + 2),
        "on" => {
            let n = lower(k + 1)?;
            if lexicon::is_month_or_day(&n) {
                Some(date_end(k + 2))
            } else if lexicon::is_platform(&n) {
                Some(k + 2)
            } else if matches!(&*n, "social" | "state")
                && lower(k + 2).is_some_and(|m| lexicon::is_platform(&m))
            {
                Some(k + 3)
            } else {
                None
            }
        }
        "in" => {
            let n = lower(k + 1)?;
            if matches!(&*n, "a" | "an")
                && lower(k + 2)
                    .is_some_and(|m| lexicon::is_statement_noun(&m) || matches!(&*m, "interview" | "speech"))
            {
                Some(k + 3)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether token `i` lies inside a quotation opened in the same sentence.
fn inside_quotation(tokens: &[Token], i: usize) -> bool {
    let (mut depth, mut straight) = (0i32, false);
    for t in &tokens[..i] {
        match t.kind {
            tokens::Kind::Punct('“') => depth += 1,
            tokens::Kind::Punct('”') => depth -= 1,
            tokens::Kind::Punct('"') => straight = !straight,
            _ => {}
        }
    }
    depth > 0 || straight
}

/// Who is named as the source of a passive or of a relative clause:
/// "The arrests were confirmed by the interior ministry", "… was confirmed in
/// October by the audit office", "… was supplied by the German firm
/// Stellwerk Systems, which said …".
fn passive_source(
    text: &str,
    tokens: &[Token],
    classes: &[u16],
    phrase_ok: &dyn Fn(usize, usize) -> bool,
) -> Option<Range> {
    let is = |i: usize, w: &str| tokens::is_word(text, tokens, i, w);
    let reporting = |i: usize| classes.get(i).is_some_and(|c| c & REPORTING != 0);
    let name_punct = |t: &Token| matches!(t.kind, tokens::Kind::Punct('.' | '’' | '\'' | '-' | '&'));
    (0..tokens.len()).filter(|&k| is(k, "by")).find_map(|by| {
        // The agent runs to the next punctuation, without when or where it spoke.
        let mut end = (by + 1..tokens.len())
            .find(|&k| !tokens[k].is_word() && !name_punct(&tokens[k]))
            .unwrap_or(tokens.len());
        if end == tokens.len() && tokens.last().is_some_and(|t| t.is_punct('.')) {
            end -= 1;
        }
        // ("in parliament", "on Tuesday", "in a statement"; not "the port
        // authority in Gdynia").
        if let Some(cut) = (by + 2..end).find(|&k| {
            is(k, "at")
                || is(k, "as")
                || is(k, "after")
                || is(k, "before")
                || is(k, "because")
                || is(k, "amid")
                // "by the audit office and found 12 failings" (not "the
                // Department for Work and Pensions").
                || is(k, "and") && tokens.get(k + 1).is_some_and(|n| n.is_word() && n.text(text).starts_with(char::is_lowercase) && (classes[k + 1] & (REPORTING | PAST) != 0 || lexicon::lc(n.text(text)).ends_with("ed")))
                || is(k, "to")
                || is(k, "that")
                || (is(k, "on") || is(k, "in"))
                    && tokens.get(k + 1).is_some_and(|n| {
                        n.is_word() && {
                            let w = lexicon::lc(n.text(text));
                            lexicon::is_determiner(&w)
                                || lexicon::is_month_or_day(&w)
                                || n.text(text).starts_with(char::is_lowercase)
                        }
                    })
        }) {
            end = cut;
        }
        // "was confirmed (in October) by": a reporting participle after a form
        // of "to be", a few words before "by" ("was found by a walker" is not speech).
        let passive = (by.saturating_sub(4)..by).any(|j| {
            reporting(j)
                // "…, as confirmed by the ministry."
                && (j >= 1 && (classes[j - 1] & BE != 0 || is(j - 1, "as"))
                    || j >= 2 && classes[j - 2] & BE != 0)
                && !lexicon::is_not_passive_speech(&lexicon::lc(tokens[j].text(text)))
                && tokens[j + 1..by].iter().all(|t| t.is_word())
        });
        // "The quarterly figures were released by the statistics office": a
        // document put out by someone (not "the man was released by police").
        // ("The report was released on Monday by the audit office".)
        let released = (by.saturating_sub(4).max(2)..by).any(|j| {
            classes[j] & RELEASE != 0
                && classes[j - 1] & BE != 0
                && tokens[j - 2].is_word()
                && {
                    let w = lexicon::lc(tokens[j - 2].text(text));
                    lexicon::is_source_document(&w) && !matches!(&*w, "a" | "the" | "new" | "latest" | "official")
                }
                && tokens[j + 1..by].iter().all(|t| {
                    t.is_word() && {
                        let w = lexicon::lc(t.text(text));
                        lexicon::is_month_or_day(&w) || matches!(&*w, "on" | "in" | "last" | "this" | "earlier")
                    }
                })
        });
        // "by the German firm Stellwerk Systems, which said": the relative's speaker.
        let relative = tokens.get(end).is_some_and(|t| t.is_punct(','))
            && (is(end + 1, "which") || is(end + 1, "who"))
            && (reporting(end + 2) || reporting(end + 3) && lower_is_trailer(text, tokens, end + 2));
        ((passive || released || relative) && phrase_ok(by + 1, end)).then(|| Range {
            start: tokens[by + 1].range.start,
            end: tokens[end - 1].range.end,
        })
    })
}

fn lower_is_trailer(text: &str, tokens: &[Token], i: usize) -> bool {
    tokens
        .get(i)
        .is_some_and(|t| t.is_word() && lexicon::is_speaker_trailer(&lexicon::lc(t.text(text))))
}

/// Verbs that give a speaker's figure or verdict without a verb of speech:
/// "put the cost at £1.2m", "called it an elegant piece of work", "called
/// the figure conservative" (not "called for", "called the police").
fn verdict_verb(text: &str, tokens: &[Token], i: usize) -> bool {
    let lower = |k: usize| {
        tokens
            .get(k)
            .filter(|t| t.is_word())
            .map(|t| lexicon::lc(t.text(text)))
    };
    let Some(w) = lower(i) else { return false };
    match &*w {
        "put" | "puts" | "putting" => (i + 2..(i + 9).min(tokens.len())).any(|k| {
            lower(k).is_some_and(|a| a == "at")
                && tokens.get(k + 1).is_some_and(|n| {
                    lexicon::may_start_quantity(text, n)
                        && (!n.is_word()
                            || lexicon::hedge(text, tokens, k + 1).is_some()
                            || !matches!(&*lexicon::lc(n.text(text)), "a" | "an"))
                })
        }),
        "called" | "calls" => {
            lower(i + 1).is_some_and(|o| lexicon::is_verdict_object(&o))
                && !lower(i + 2).is_some_and(|n| lexicon::is_summoned(&n))
        }
        _ => false,
    }
}

/// A speaker's words: a short run of words (with the dots, apostrophes,
/// hyphens and ampersands of names), not a pronoun, with no verb "to be".
/// It runs for many spans of a sentence with a speech verb: its shape is
/// checked first, then each word is lowered once for all the word tests.
fn phrase_ok(text: &str, tokens: &[Token], a: usize, b: usize) -> bool {
    // "the UN Office for the Coordination of Humanitarian Affairs (OCHA)":
    // a proper name may run longer than a role.
    let long_name = || {
        b - a <= LONG_NAME_TOKENS
            && tokens[a..b].iter().filter(|t| t.is_word()).all(|t| {
                let w = t.text(text);
                w.starts_with(char::is_uppercase)
                    || ["of", "for", "the", "and", "on", "in"]
                        .iter()
                        .any(|s| w.eq_ignore_ascii_case(s))
            })
    };
    if b <= a || b - a > MAX_CLAIMANT_TOKENS && !long_name() {
        return false;
    }
    // "…, Tor Hagen, apologised to passengers and said": a clause, not a name.
    let last = tokens[b - 1].text(text);
    if ["and", "or", "but"].iter().any(|c| last.eq_ignore_ascii_case(c)) {
        return false;
    }
    // A year may describe the speaker: "A 2019 analysis".
    let year = |t: &Token| matches!(t.kind, tokens::Kind::Number { .. }) && t.text(text).len() == 4;
    // "The UN's World Food Programme (WFP) said": an acronym in brackets.
    let bracketed = |k: usize| {
        (tokens[k].is_punct('(') && tokens.get(k + 2).is_some_and(|t| t.is_punct(')')) && k + 2 < b)
            || (tokens[k].is_punct(')') && k >= a + 2 && tokens[k - 2].is_punct('('))
    };
    // "the 29-year-old said": a number in a compound adjective.
    let compound = |k: usize| {
        matches!(tokens[k].kind, tokens::Kind::Number { .. }) && k + 1 < b && tokens[k + 1].is_punct('-')
    };
    let shaped = (a..b).all(|k| {
        let t = &tokens[k];
        t.is_word()
            || year(t)
            || compound(k)
            || matches!(t.kind, tokens::Kind::Punct('.' | '’' | '\'' | '-' | '&'))
            || bracketed(k)
    });
    if !shaped {
        return false;
    }
    // Some word that is not a stop word, or an acronym ("The WHO said": an
    // acronym is a name, whatever its lower case spells).
    let mut named = false;
    let mut article = false;
    for (n, t) in tokens[a..b].iter().filter(|t| t.is_word()).enumerate() {
        let lower = lexicon::lc(t.text(text));
        let w: &str = &lower;
        // "None of the authors reported links": nobody in particular.
        if n == 0 && (lexicon::is_indefinite(w) || w == "none" || w == "no") {
            return false;
        }
        // "…, a claim the trust denied": what is disputed, not who speaks.
        if n == 0 {
            article = matches!(w, "a" | "an");
        } else if n == 1 && article && lexicon::is_disputed_thing(w) {
            return false;
        }
        let acronym = lexicon::is_acronym(t.text(text));
        named |= acronym || !lexicon::is_stop(w);
        if !acronym && (lexicon::is_be_verb(w) || lexicon::is_pronoun(w) || matches!(w, "this" | "that")) {
            return false;
        }
    }
    named
}

/// "according to the union's figures," → up to the next comma or the end;
/// "according to figures released by the ministry on Tuesday" → the ministry.
fn according_to(text: &str, tokens: &[Token], phrase_ok: &dyn Fn(usize, usize) -> bool) -> Option<Range> {
    let is = |i: usize, w: &str| tokens::is_word(text, tokens, i, w);
    let i = (0..tokens.len()).find(|&i| is(i, "according") && is(i + 1, "to"))?;
    let from = i + 2;
    let mut to = (from..tokens.len())
        .find(|&k| matches!(tokens[k].kind, tokens::Kind::Punct(c) if !matches!(c, '.' | '’' | '\'' | '-' | '&')))
        .unwrap_or(tokens.len());
    if to == tokens.len() && tokens.last().is_some_and(|t| t.is_punct('.')) {
        to -= 1;
    }
    let (from, to) = document_source(text, tokens, from, to);
    if !phrase_ok(from, to) {
        return None;
    }
    // "according to the council's housing director, Tom Okonjo-Reid.": a
    // name closing the sentence after the role is the speaker.
    if tokens.get(to).is_some_and(|t| t.is_punct(',')) {
        let mut end = tokens.len();
        while end > to + 1 && matches!(tokens[end - 1].kind, tokens::Kind::Punct(_)) {
            end -= 1;
        }
        let name = &tokens[to + 1..end];
        if end > to + 1
            && phrase_ok(to + 1, end)
            && name
                .iter()
                .filter(|t| t.is_word())
                .all(|t| t.text(text).starts_with(char::is_uppercase))
        {
            return Some(Range {
                start: name[0].range.start,
                end: name[name.len() - 1].range.end,
            });
        }
    }
    Some(Range {
        start: tokens[from].range.start,
        end: tokens[to - 1].range.end,
    })
}

/// The source behind a document named in `from..to`, without when or where
/// it came out: "figures released on Wednesday by the statistics office" →
/// "the statistics office"; "a study published on Wednesday in …" → "a study".
fn document_source(text: &str, tokens: &[Token], mut from: usize, mut to: usize) -> (usize, usize) {
    let is = |i: usize, w: &str| tokens::is_word(text, tokens, i, w);
    // ("figures released on Wednesday by the statistics office": when they
    // came out may stand before "by".)
    if let Some(by) = (from..to).find(|&k| is(k, "by") || is(k, "from"))
        && tokens[from..by].iter().all(|t| {
            t.is_word() && {
                let w = lexicon::lc(t.text(text));
                lexicon::is_source_document(&w)
                    || lexicon::is_month_or_day(&w)
                    || matches!(&*w, "on" | "in" | "last" | "this" | "earlier" | "week" | "month")
            } || is_participle(text, t)
        })
        && by + 1 < to
    {
        from = by + 1;
    }
    // "a study published on Wednesday in …": the document, not where or when it came out.
    if let Some(p) = (from + 1..to).find(|&k| {
        is_participle(text, &tokens[k])
            && tokens
                .get(k + 1)
                .is_some_and(|t| t.is_word() && lexicon::is_publication_detail(&lexicon::lc(t.text(text))))
    }) {
        to = p;
    }
    if let Some(on) = (from + 1..to).find(|&k| {
        is(k, "on")
            && tokens
                .get(k + 1)
                .is_some_and(|t| t.is_word() && lexicon::is_month_or_day(&lexicon::lc(t.text(text))))
    }) {
        to = on;
    }
    (from, to)
}

fn is_participle(text: &str, t: &Token) -> bool {
    t.is_word() && lexicon::looks_like_participle(&lexicon::lc(t.text(text)))
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
    // A name, perhaps after "the": "the Civic Front".
    let is_name = |a: usize, z: usize| {
        let a = if a < z && lexicon::lc(tokens[a].text(text)) == "the" {
            a + 1
        } else {
            a
        };
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
    // The role may run longer than a name: "The head of the regional health
    // authority's emergency department, Dr. Lena Varga, said".
    let role_ok = |a: usize, z: usize| {
        phrase_ok(a, z)
            || z > a + MAX_CLAIMANT_TOKENS
                && z - a <= 2 * MAX_CLAIMANT_TOKENS
                && phrase_ok(a, a + MAX_CLAIMANT_TOKENS)
                && phrase_ok(z - MAX_CLAIMANT_TOKENS, z)
    };
    if is_name(inner + 1, b) && role_ok(outer, inner) {
        return Some(span(inner + 1, b));
    }
    if is_name(outer, inner) && role_ok(inner + 1, b) {
        return Some(span(outer, inner));
    }
    None
}
