//! Small parsers and word tests the extractor's rules are written in; the
//! word lists themselves are in `words`.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::tokens::Token;
use super::words::*;

/// Lower-case, without allocating: a word that already is lower-case is
/// borrowed, a short ASCII word is lowered on the stack, and only longer or
/// non-ASCII words go to the heap. The rules call this for most tokens, so
/// it must stay cheap.
pub fn lc(w: &str) -> Lower<'_> {
    let bytes = w.as_bytes();
    if bytes
        .iter()
        .all(|&b| b.is_ascii_lowercase() || !b.is_ascii_alphabetic() && b.is_ascii())
    {
        Lower::Borrowed(w)
    } else if bytes.len() <= INLINE_WORD && w.is_ascii() {
        let mut buf = arrayvec::ArrayString::new();
        buf.push_str(w);
        buf.make_ascii_lowercase();
        Lower::Inline(buf)
    } else {
        Lower::Owned(w.to_lowercase())
    }
}

/// Words up to this many bytes are lowered on the stack.
const INLINE_WORD: usize = 22;

/// A lower-cased word (see [`lc`]); reads as a `&str`.
#[derive(Debug, Clone)]
pub enum Lower<'a> {
    Borrowed(&'a str),
    Inline(arrayvec::ArrayString<INLINE_WORD>),
    Owned(String),
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Lower::Borrowed(w) => w,
            Lower::Inline(w) => w,
            Lower::Owned(w) => w,
        }
    }
}

impl Lower<'_> {
    pub fn into_owned(self) -> String {
        match self {
            Lower::Owned(w) => w,
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for Lower<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq<&str> for Lower<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl PartialEq<str> for Lower<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    Exact,
    Approx,
    MoreThan,
    LessThan,
    AtLeast,
    AtMost,
    UpTo,
}

impl Qualifier {
    pub const ALL: [Qualifier; 7] = [
        Qualifier::Exact,
        Qualifier::Approx,
        Qualifier::MoreThan,
        Qualifier::LessThan,
        Qualifier::AtLeast,
        Qualifier::AtMost,
        Qualifier::UpTo,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::MoreThan => "more_than",
            Qualifier::LessThan => "less_than",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
            Qualifier::UpTo => "up_to",
        }
    }
}

/// A hedge phrase starting at token `i`: its qualifier and the index after it.
pub fn hedge(text: &str, tokens: &[Token], i: usize) -> Option<(Qualifier, usize)> {
    let first = tokens.get(i).filter(|t| t.is_word())?.text(text);
    let lower = lc(first);
    let lower: &str = &lower;
    if !starts_hedge(lower) {
        return None;
    }
    // Only the hedges that start with this word are read further.
    HEDGES
        .iter()
        .filter(|(words, _)| words[0] == lower)
        .find_map(|(words, q)| {
            let matches = words.iter().enumerate().all(|(k, w)| {
                tokens
                    .get(i + k)
                    .is_some_and(|t| t.is_word() && t.text(text).eq_ignore_ascii_case(w))
            });
            matches.then_some((*q, i + words.len()))
        })
}

/// The first word of some hedge.
fn starts_hedge(w: &str) -> bool {
    // Kept as a `match` (not a scan of HEDGES): it runs for nearly every word.
    matches!(
        w,
        "no" | "more"
            | "greater"
            | "less"
            | "fewer"
            | "at"
            | "up"
            | "close"
            | "an"
            | "just"
            | "well"
            | "about"
            | "around"
            | "roughly"
            | "approximately"
            | "nearly"
            | "almost"
            | "some"
            | "estimated"
            | "over"
            | "above"
            | "exceeding"
            | "under"
            | "below"
    )
}

/// The qualifier of a one-word hedge.
pub fn hedge_word(w: &str) -> Option<Qualifier> {
    HEDGES
        .iter()
        .find(|(words, _)| words.len() == 1 && words[0] == w)
        .map(|(_, q)| *q)
}

/// Words that end a noun phrase ("300,000 troops last week" → troops).
pub fn is_stop(w: &str) -> bool {
    STOP_SET.contains(w)
}

pub fn is_determiner(w: &str) -> bool {
    matches!(
        &*lc(w),
        "the" | "a" | "an" | "its" | "their" | "his" | "her" | "our" | "this" | "these" | "those" | "all"
    )
}

pub fn is_verb(w: &str) -> bool {
    VERB_SET.contains(w)
}

/// Words that may open the phrase after a number without being its head:
/// "two earlier sessions", "300 more troops".
pub fn is_skippable_modifier(w: &str) -> bool {
    matches!(
        w,
        "earlier" | "later" | "more" | "additional" | "extra" | "further" | "other" | "fewer" | "less"
    )
}

/// A possessive such as "Karsovia's" or "the region’s": it names the owner,
/// not the thing counted.
pub fn is_possessive(w: &str) -> bool {
    w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'") || w.ends_with("s’")
}

/// An -ed or -ing form, which after a counted noun is usually the clause's verb.
pub fn looks_like_participle(w: &str) -> bool {
    (w.len() > 4 && (w.ends_with("ed") || w.ends_with("ing"))) || VERBS_ONLY_SET.contains(w)
}

pub fn is_month(w: &str) -> bool {
    MONTH_SET.contains(w)
}

pub fn is_month_or_day(w: &str) -> bool {
    // "may" is far more often a verb; it stops a phrase either way.
    is_month(w) || is_day(w)
}

pub fn is_day(w: &str) -> bool {
    DAY_SET.contains(w)
}

pub fn is_year_preposition(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "by"
            | "until"
            | "from"
            | "before"
            | "after"
            | "during"
            | "of"
            | "early"
            | "late"
            | "mid"
            | "spring"
            | "summer"
            | "autumn"
            | "fall"
            | "winter"
            | "through"
            | "between"
            | "and"
            | "to"
            | "the"
            | "fiscal"
            | "year"
            | "season"
            | "census"
            | "election"
    )
}

pub fn is_ordinal_suffix(s: &str) -> bool {
    matches!(s, "st" | "nd" | "rd" | "th")
}

pub fn scale_suffix(s: &str) -> Option<f64> {
    match s {
        "k" => Some(1e3),
        "m" | "mn" | "mln" => Some(1e6),
        "b" | "bn" | "bln" => Some(1e9),
        "tn" | "trn" => Some(1e12),
        _ => None,
    }
}

pub fn scale_word(w: &str) -> Option<f64> {
    match w {
        "hundred" => Some(1e2),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

pub fn vague_amount(w: &str) -> Option<f64> {
    VAGUE_AMOUNTS.iter().find(|(v, _)| *v == w).map(|(_, n)| *n)
}

pub fn fraction_word(w: &str) -> Option<f64> {
    match w {
        "half" | "halves" => Some(0.5),
        "third" | "thirds" => Some(1.0 / 3.0),
        "quarter" | "quarters" | "fourth" | "fourths" => Some(0.25),
        "fifth" | "fifths" => Some(0.2),
        "tenth" | "tenths" => Some(0.1),
        _ => None,
    }
}

pub fn small_number(w: &str) -> Option<f64> {
    SMALL_NUMBERS
        .iter()
        .find(|(n, _)| *n == w)
        .map(|(_, v)| f64::from(*v))
}

fn tens(w: &str) -> Option<f64> {
    TENS.iter().find(|(n, _)| *n == w).map(|(_, v)| f64::from(*v))
}

/// "seventeen", "forty", "twenty-four".
pub fn compound_number(w: &str) -> Option<f64> {
    if let Some(n) = small_number(w).or_else(|| tens(w)) {
        return Some(n);
    }
    let (t, u) = split_hyphen(w)?;
    Some(tens(t)? + small_number(u).filter(|n| *n < 10.0)?)
}

/// `w.split_once('-')`, by a plain byte loop: words are short, and a
/// `memchr` set-up costs more than the search.
fn split_hyphen(w: &str) -> Option<(&str, &str)> {
    let at = w.bytes().position(|b| b == b'-')?;
    Some((&w[..at], &w[at + 1..]))
}

pub fn currency_symbol(c: char) -> Option<&'static str> {
    match c {
        '$' => Some("usd"),
        '€' => Some("eur"),
        '£' => Some("gbp"),
        '¥' => Some("jpy"),
        _ => None,
    }
}

pub fn currency_word(w: &str) -> Option<&'static str> {
    match w {
        "dollar" | "dollars" | "usd" => Some("usd"),
        "euro" | "euros" | "eur" => Some("eur"),
        "pound" | "pounds" | "gbp" => Some("gbp"),
        "yen" | "jpy" => Some("jpy"),
        _ => None,
    }
}

/// The plural of a unit word from a compound ("24-hour" → "hours").
pub fn plural(w: &str) -> String {
    if w.ends_with('s') {
        w.to_owned()
    } else if w.ends_with('y') && !w.ends_with("ay") && !w.ends_with("ey") {
        format!("{}ies", &w[..w.len() - 1])
    } else {
        format!("{w}s")
    }
}

/// A cheap first look: can a quantity start at this token at all? Most
/// tokens are ordinary words, and this spares them the full parse.
#[inline]
pub fn may_start_quantity(_text: &str, token: &Token) -> bool {
    match token.kind {
        super::tokens::Kind::Number { .. } => true,
        super::tokens::Kind::Punct(c) => currency_symbol(c).is_some(),
        // `tokenize` worked it out (`word_may_start_quantity`).
        super::tokens::Kind::Word => token.class & QUANTITY_STARTER != 0,
    }
}

/// Whether a quantity may start at a word: `tokenize` asks it of words
/// that are not plain ASCII letters and digits, whose `QUANTITY_STARTER`
/// class bit may not be exact.
pub fn word_may_start_quantity(word: &str) -> bool {
    // Shapes fold case, so most words are turned away before lowering;
    // a hyphenated number ("twenty-one") has a shape of its own.
    let hyphenated = word.bytes().any(|b| b == b'-');
    if !hyphenated && !QUANTITY_STARTERS.shapes.may_contain(word.as_bytes()) {
        return false;
    }
    let w = lc(word);
    QUANTITY_STARTERS.contains(&w)
        || split_hyphen(&w).is_some_and(|(a, b)| compound_number(a).is_some() && !b.is_empty())
}

/// The class bit (see `classify::class_of`) of words that may open a
/// quantity.
pub const QUANTITY_STARTER: u16 = 1 << 15;

/// Every word that may open a quantity, lower-case.
pub fn quantity_starters() -> impl Iterator<Item = &'static str> {
    QUANTITY_STARTERS.words.iter().copied()
}

/// The class bit (see `classify::class_of`) of words `quantities` may read
/// as a number on their own: most words a quantity may start at are hedges
/// ("about", "over", "at"), and most words after a hedge are no number,
/// so the number-word parse is skipped for words without it. `tokenize`
/// sets it on every word that is not plain ASCII ("twenty-one").
pub const NUMBER_WORD: u16 = 1 << 14;

/// Every plain word that may be read as a number, lower-case: "a" and "an"
/// ("a dozen", "a third"), "half", "dozen", vague amounts, multipliers and
/// number words. Hyphenated numbers ("twenty-one", "two-thirds") are not
/// plain words.
pub fn number_words() -> impl Iterator<Item = &'static str> {
    ["a", "an", "half", "dozen"]
        .into_iter()
        .chain(VAGUE_AMOUNTS.iter().map(|(w, _)| *w))
        .chain(MULTIPLIER_WORDS.iter().map(|(w, _)| *w))
        .chain(SMALL_NUMBERS.iter().map(|(w, _)| *w))
        .chain(TENS.iter().map(|(w, _)| *w))
}

/// The unit of ages.
pub const AGE_UNIT: &str = "years";
/// The unit of "a decade", "a century".
pub const YEAR_SPAN_UNIT: &str = "years";
/// The unit of race and result times.
pub const DURATION_UNIT: &str = "seconds";
/// A number set off by commas after a name is an age up to this.
pub const MAX_AGE: f64 = 120.0;

pub fn is_person_noun(w: &str) -> bool {
    PERSON_NOUNS_SET.contains(w)
}

/// "father of four" → children; "grandmother of nine" → grandchildren.
pub fn parent_of(w: &str) -> Option<&'static str> {
    if PARENTS.contains(&w) {
        Some("children")
    } else if GRANDPARENTS.contains(&w) {
        Some("grandchildren")
    } else {
        None
    }
}

pub fn is_time_unit(w: &str) -> bool {
    TIME_UNITS.contains(&w)
}

pub fn is_share_after(w: &str) -> bool {
    SHARE_AFTER.contains(&w)
}

pub fn is_rate_period(w: &str) -> bool {
    RATE_PERIODS.contains(&w)
}

/// The two words before a bare number contrast it with a neighbour: "up from".
pub fn is_share_contrast(before2: &str, before1: &str) -> bool {
    SHARE_CONTRASTS.contains(&(before2, before1)) || SHARE_CONTRAST_WORDS.contains(&before1)
}

pub fn is_conjunction(w: &str) -> bool {
    CONJUNCTIONS.contains(&w)
}

pub fn is_tally_verb(w: &str) -> bool {
    TALLY_VERBS.contains(&w)
}

pub fn is_change_verb(w: &str) -> bool {
    CHANGE_VERBS.contains(&w)
}

pub fn is_clock_preposition(w: &str) -> bool {
    CLOCK_PREPOSITIONS.contains(&w)
}

pub fn is_clock_suffix(w: &str) -> bool {
    CLOCK_SUFFIXES.contains(&w)
}

pub fn is_result_cue(w: &str) -> bool {
    RESULT_CUES_SET.contains(w)
}

pub fn is_race_noun(w: &str) -> bool {
    RACE_NOUNS.contains(&w)
}

/// Stop words that, right after a number and before a plural noun, describe
/// it: "four smaller towns", "five away matches".
pub fn is_adjective_before_noun(w: &str) -> bool {
    ADJECTIVES_BEFORE_NOUN_SET.contains(w)
}

/// A plural-looking noun: "posts", "departments"; not "business", "'s".
pub fn looks_plural(w: &str) -> bool {
    (w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !is_possessive(w))
        || IRREGULAR_PLURALS.contains(&w)
}

/// "six months or older" → at least; "or younger" → at most.
pub fn trailing_hedge(w: &str) -> Option<Qualifier> {
    match w {
        "older" | "more" | "over" | "above" | "longer" | "higher" => Some(Qualifier::AtLeast),
        "younger" | "less" | "fewer" | "under" | "below" | "shorter" | "lower" => Some(Qualifier::AtMost),
        _ => None,
    }
}

pub fn is_name_number_prefix(w: &str) -> bool {
    NAME_NUMBER_PREFIXES_SET.contains(w)
}

pub fn is_duration_preposition(w: &str) -> bool {
    DURATION_PREPOSITIONS.contains(&w)
}

pub fn is_be_verb(w: &str) -> bool {
    BE_VERBS.contains(&w)
}

pub fn is_pronoun(w: &str) -> bool {
    PRONOUNS.contains(&w)
}

pub fn is_adverb(w: &str) -> bool {
    REPORT_ADVERBS.contains(&w)
}

pub fn is_report_participle(w: &str) -> bool {
    REPORT_PARTICIPLES.contains(&w)
}

pub fn is_witness_participle(w: &str) -> bool {
    WITNESS_PARTICIPLES.contains(&w)
}

pub fn is_accusation(w: &str) -> bool {
    ACCUSATIONS_SET.contains(w)
}

pub fn is_clause_opener(w: &str) -> bool {
    CLAUSE_OPENERS.contains(&w)
}

pub fn is_source_document(w: &str) -> bool {
    SOURCE_DOCUMENTS_SET.contains(w)
}

/// Reporting participles that are not speech in a passive: "was found by a walker".
pub fn is_not_passive_speech(w: &str) -> bool {
    NOT_PASSIVE_SPEECH.contains(&w)
}

pub fn is_speech_verb(w: &str) -> bool {
    SPEECH_VERBS.contains(&w)
}

/// What follows "called" when it gives a verdict: "called it …", "called the rise …".
pub fn is_verdict_object(w: &str) -> bool {
    VERDICT_OBJECTS.contains(&w)
}

/// Nouns after "called the" that make it a summons, not a verdict: "called the police".
pub fn is_summoned(w: &str) -> bool {
    SUMMONED.contains(&w)
}

/// Nouns for what a speaker disputes: "a claim the trust denied".
pub fn is_disputed_thing(w: &str) -> bool {
    DISPUTED_THINGS.contains(&w)
}

pub fn is_relative(w: &str) -> bool {
    RELATIVES.contains(&w)
}

pub fn is_indefinite(w: &str) -> bool {
    INDEFINITES.contains(&w)
}

/// Prepositions that start what follows the head of a long subject.
pub fn is_post_modifier(w: &str) -> bool {
    matches!(
        w,
        "of" | "involving" | "from" | "with" | "at" | "in" | "on" | "for"
    )
}

/// Words after a participle that say when or where a document came out.
pub fn is_publication_detail(w: &str) -> bool {
    matches!(
        w,
        "on" | "in" | "at" | "last" | "this" | "earlier" | "yesterday" | "today"
    )
}

/// A finite verb ending a subject: "has", "was", "disputed", "opened".
pub fn is_finite_verb(w: &str) -> bool {
    is_be_verb(w)
        || matches!(w, "has" | "have" | "had" | "did" | "does")
        || is_verb(w)
        || (w.len() > 4 && w.ends_with("ed"))
}

/// Units written onto a number: "96mm", "130km", "5kg".
pub fn unit_suffix(s: &str) -> Option<&'static str> {
    UNIT_SUFFIXES.iter().find(|u| **u == s).copied()
}

pub fn is_race_event(w: &str) -> bool {
    RACE_EVENTS_SET.contains(w)
}

/// Verbs of speech that, with a count as the object, report an action:
/// "admitted 63 people", "found about 2,000 people", "have conceded 58 goals",
/// "the economy added 150,000 jobs".
pub fn is_count_taking(w: &str) -> bool {
    matches!(
        w,
        "admitted" | "admits" | "found" | "conceded" | "concedes" | "added"
    )
}

/// Auxiliaries and verbs a lone fraction may lead into a clause with:
/// "two-thirds had delayed", "half said", "a third were".
pub fn is_share_verb(w: &str) -> bool {
    is_be_verb(w)
        || matches!(
            w,
            "had" | "have" | "has" | "said" | "say" | "would" | "could" | "did"
        )
}

/// Where someone speaks "on": "on Telegram", "on social media", "on state television".
pub fn is_platform(w: &str) -> bool {
    PLATFORMS.contains(&w)
}

/// What can "read" as a speaker: "the statement read", "a notice reads".
pub fn is_statement_noun(w: &str) -> bool {
    STATEMENT_NOUNS.contains(&w)
}

/// What "conceded" takes when it is not speech: "conceded defeat".
pub fn is_conceded_thing(w: &str) -> bool {
    CONCEDED_THINGS.contains(&w)
}

pub fn needs_that(w: &str) -> bool {
    NEEDS_THAT.contains(&w)
}

/// FNV-1a: far cheaper than the default SipHash for short words, and the
/// keys are our own word lists, so there is nothing to defend against.
#[derive(Default)]
pub struct Fnv(u64);

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

/// A first test, cheaper than hashing, of whether a word may be on a list:
/// which lengths occur for each pair of first and last letter (case
/// folded). Most words of a text are on no list and fail it.
pub struct Shapes([u32; 27 * 27]);

impl Shapes {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut shapes = Shapes([0; 27 * 27]);
        for word in words {
            if let Some((slot, length)) = Self::key(word) {
                shapes.0[slot] |= length;
            }
        }
        shapes
    }

    pub fn may_contain(&self, word: &[u8]) -> bool {
        Self::key(word).is_some_and(|(slot, length)| self.0[slot] & length != 0)
    }

    fn key(word: &[u8]) -> Option<(usize, u32)> {
        let letter = |b: u8| {
            if b.is_ascii_alphabetic() {
                usize::from(b.to_ascii_lowercase() - b'a')
            } else {
                26
            }
        };
        let (first, last) = (*word.first()?, *word.last()?);
        Some((letter(first) * 27 + letter(last), 1 << word.len().min(31)))
    }
}

/// A word list for look-ups of lower-case words.
struct WordSet {
    shapes: Shapes,
    words: HashSet<&'static str, BuildHasherDefault<Fnv>>,
}

impl WordSet {
    fn contains(&self, word: &str) -> bool {
        self.shapes.may_contain(word.as_bytes()) && self.words.contains(word)
    }
}

fn word_set(lists: &[&[&'static str]]) -> WordSet {
    let words: HashSet<_, _> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    WordSet {
        shapes: Shapes::new(words.iter().map(|w| w.as_bytes())),
        words,
    }
}

/// The long lists, looked up once per word on most words of a text.
static STOP_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[STOP]));
static VERB_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[VERBS, PAST_IRREGULAR]));
static VERBS_ONLY_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[VERBS]));
/// Lists of a dozen or more words that rules test many words against.
static PERSON_NOUNS_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[PERSON_NOUNS]));
static RESULT_CUES_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[RESULT_CUES]));
static ADJECTIVES_BEFORE_NOUN_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[ADJECTIVES_BEFORE_NOUN]));
static NAME_NUMBER_PREFIXES_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[NAME_NUMBER_PREFIXES]));
static ACCUSATIONS_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[ACCUSATIONS]));
static SOURCE_DOCUMENTS_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[SOURCE_DOCUMENTS]));
static RACE_EVENTS_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[RACE_EVENTS]));
static SPEAKER_TRAILERS_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[SPEAKER_TRAILERS]));
static MONTH_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[MONTHS]));
static DAY_SET: LazyLock<WordSet> = LazyLock::new(|| word_set(&[DAYS]));
/// Every word that may open a quantity (`may_start_quantity`): the first
/// words of hedges, number words, vague amounts, multipliers and the other
/// openers.
static QUANTITY_STARTERS: LazyLock<WordSet> = LazyLock::new(|| {
    let words = HEDGES
        .iter()
        .map(|(words, _)| words[0])
        .chain(QUANTITY_OPENERS.iter().copied())
        .chain(MULTIPLIER_WORDS.iter().map(|(w, _)| *w))
        .chain(VAGUE_AMOUNTS.iter().map(|(w, _)| *w))
        .chain(SMALL_NUMBERS.iter().map(|(w, _)| *w))
        .chain(TENS.iter().map(|(w, _)| *w))
        .collect::<Vec<_>>();
    word_set(&[&words])
});

/// Words between a speaker and the verb that are not part of the speaker's name.
pub fn is_speaker_trailer(w: &str) -> bool {
    SPEAKER_TRAILERS_SET.contains(w)
}

pub fn is_one_counted(w: &str) -> bool {
    ONE_COUNTED.contains(&w)
}

pub fn is_one_hedge(w: &str) -> bool {
    ONE_HEDGES.contains(&w)
}

pub fn is_kin_noun(w: &str) -> bool {
    KIN_NOUNS.contains(&w)
}

/// "decade" → 10 (years), "century" → 100.
pub fn year_span(w: &str) -> Option<f64> {
    YEAR_SPANS.iter().find(|(s, _)| *s == w).map(|(_, v)| *v)
}

pub fn is_year_span_hedge(w: &str) -> bool {
    YEAR_SPAN_HEDGES.contains(&w)
}

/// "twice" → 2.
pub fn multiplier_word(w: &str) -> Option<f64> {
    MULTIPLIER_WORDS.iter().find(|(m, _)| *m == w).map(|(_, v)| *v)
}

/// "forecast to", "estimate of": a reporting word used as a noun.
pub fn is_reporting_noun_before(w: &str, next: &str) -> bool {
    REPORTING_NOUNS.contains(&w) && NOUN_PREPOSITIONS.contains(&next)
}

pub fn is_multiplier_compared(w: &str) -> bool {
    MULTIPLIER_COMPARED.contains(&w)
}

pub fn is_over_as_more_than(w: &str) -> bool {
    OVER_AS_MORE_THAN.contains(&w)
}

pub fn is_call_to_action_subject(w: &str) -> bool {
    CALL_TO_ACTION_SUBJECTS.contains(&w)
}

pub fn is_call_to_action_modal(w: &str) -> bool {
    CALL_TO_ACTION_MODALS.contains(&w)
}

pub fn is_call_to_action_verb(w: &str) -> bool {
    CALL_TO_ACTION_VERBS.contains(&w)
}

/// An acronym written in capitals ("WHO", "UNHCR", "US"): a name, even when
/// its lower-case spelling is a common word.
pub fn is_acronym(w: &str) -> bool {
    w.len() >= 2 && w.bytes().all(|b| b.is_ascii_uppercase())
}
