//! Finding quantities in a sentence: numbers with their hedges, scale,
//! unit and proportions, leaving out years, dates, times, ordinals and
//! numbers that are part of names.

use super::lexicon::{self, Qualifier};
use super::sentences::Range;
use super::tokens::{Kind, Token};

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub value_max: Option<f64>,
    pub of: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: Qualifier,
    /// Byte range of the whole expression ("more than 24 hours").
    pub range: Range,
}

/// The core number found at a token position.
struct Core {
    value: f64,
    /// Token index just past the number.
    next: usize,
    /// Money unit fixed by a symbol or suffix.
    currency: Option<&'static str>,
    /// Vague amounts ("thousands") and fractions imply their own qualifier.
    qualifier: Option<Qualifier>,
    /// "half", "a third": a share of what follows "of".
    fraction: bool,
}

pub fn find(text: &str, tokens: &[Token]) -> Vec<Quantity> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !lexicon::may_start_quantity(text, &tokens[i]) {
            i += 1;
            continue;
        }
        match quantity_at(text, tokens, i) {
            Some((found, next)) => {
                out.extend(found);
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    out
}

fn word<'a>(text: &'a str, tokens: &[Token], i: usize) -> Option<&'a str> {
    tokens.get(i).filter(|t| t.is_word()).map(|t| t.text(text))
}

fn is_word(text: &str, tokens: &[Token], i: usize, expected: &str) -> bool {
    word(text, tokens, i).is_some_and(|w| w.eq_ignore_ascii_case(expected))
}

/// A quantity starting at token `i` (with its hedge), and the index after it.
fn quantity_at(text: &str, tokens: &[Token], i: usize) -> Option<(Vec<Quantity>, usize)> {
    let start = tokens[i].range.start;
    let (qualifier, mut j) = lexicon::hedge(text, tokens, i).unwrap_or((Qualifier::Exact, i));
    let between = is_word(text, tokens, j, "between");
    if between {
        j += 1;
    }
    let core = core_at(text, tokens, j)?;
    let mut k = core.next;
    let mut value_max = None;
    let mut of = None;

    // Ranges: "between 40 and 60", "40 to 60 percent", "40-60".
    let joiner = if between { "and" } else { "to" };
    let dash = tokens
        .get(k)
        .is_some_and(|t| (t.is_punct('-') || t.is_punct('–')) && !t.spaced);
    if (is_word(text, tokens, k, joiner) || dash)
        && let Some(upper) = core_at(text, tokens, k + 1)
    {
        // A range ascends; "won 3-1" or "a 2-2 draw" is a score: two numbers.
        if dash && core.value <= 20.0 && upper.value <= 20.0 && upper.value <= core.value {
            let number = |value: f64, from: usize, to: usize| Quantity {
                value,
                value_max: None,
                of: None,
                unit: None,
                qualifier,
                range: Range {
                    start: tokens[from].range.start,
                    end: tokens[to - 1].range.end,
                },
            };
            return Some((
                vec![number(core.value, j, k), number(upper.value, k + 1, upper.next)],
                upper.next,
            ));
        }
        if upper.value > core.value && (between || dash || unit_after(text, tokens, upper.next).is_some()) {
            value_max = Some(upper.value);
            k = upper.next;
        }
    }
    // Proportions: "four of the five", "one in five".
    if value_max.is_none() && !core.fraction {
        let mut p = k;
        if is_word(text, tokens, p, "of") || is_word(text, tokens, p, "in") {
            p = skip_owner(text, tokens, p + 1);
            if let Some(whole) =
                core_at(text, tokens, p).filter(|w| w.value > core.value && w.currency.is_none())
            {
                of = Some(whole.value);
                k = whole.next;
            }
        }
    }
    let mut unit = core.currency.map(str::to_owned);
    let mut end = tokens[k - 1].range.end;
    if unit.is_none() {
        if let Some((u, next)) = unit_after(text, tokens, k) {
            unit = Some(u);
            end = tokens[next - 1].range.end;
            k = next;
        } else if core.fraction || core.qualifier.is_some() || of.is_some() {
            // "a third of voters", "thousands of people".
            // "half of the city's 212 bus stops": the unit is the noun; the
            // number in between is a quantity of its own, found next.
            let mut p = k;
            if is_word(text, tokens, p, "of")
                || (core.fraction && word(text, tokens, p).is_some_and(lexicon::is_determiner))
            {
                if is_word(text, tokens, p, "of") {
                    p += 1;
                }
                p = skip_owner(text, tokens, p);
                if let Some(number) = core_at(text, tokens, p) {
                    p = number.next;
                }
                if let Some((u, next)) = noun_phrase(text, tokens, p) {
                    unit = Some(u);
                    end = tokens[next - 1].range.end;
                }
            }
        }
    } else if let Some(next) = currency_word_after(text, tokens, k) {
        end = tokens[next - 1].range.end;
        k = next;
    }
    let qualifier = if qualifier == Qualifier::Exact {
        core.qualifier.unwrap_or(qualifier)
    } else {
        qualifier
    };
    let q = Quantity {
        value: core.value,
        value_max,
        of,
        unit,
        qualifier,
        range: Range { start, end },
    };
    Some((vec![q], k))
}

/// The unit right after a number: percent, a currency word, a hyphenated
/// unit ("24-hour" → hours) or the head noun of the following noun phrase.
fn unit_after(text: &str, tokens: &[Token], k: usize) -> Option<(String, usize)> {
    let t = tokens.get(k)?;
    if t.is_punct('%') && !t.spaced {
        return Some(("percent".into(), k + 1));
    }
    if t.is_punct('-') && !t.spaced {
        let w = word(text, tokens, k + 1)?;
        if tokens[k + 1].spaced {
            return None;
        }
        let head = w.split('-').next().unwrap_or(w).to_lowercase();
        if !head.chars().all(char::is_alphabetic) || lexicon::is_stop(&head) {
            return None;
        }
        // "45-year-old" describes an age, not a count of years; "24-hour waits" is 24 hours.
        let mut next = k + 2;
        if w.contains('-') || is_word(text, tokens, next, "old") {
            next = (k + 2).min(tokens.len());
        }
        return Some((lexicon::plural(&head), next));
    }
    let w = word(text, tokens, k)?;
    let lower = lexicon::lc(w);
    if lower == "percent" || lower == "pc" {
        return Some(("percent".into(), k + 1));
    }
    if lower == "per" && is_word(text, tokens, k + 1, "cent") {
        return Some(("percent".into(), k + 2));
    }
    if lower == "percentage" && is_word(text, tokens, k + 1, "points") {
        return Some(("percentage points".into(), k + 2));
    }
    if let Some(code) = lexicon::currency_word(&lower) {
        return Some((code.into(), k + 1));
    }
    noun_phrase(text, tokens, k)
}

fn currency_word_after(text: &str, tokens: &[Token], k: usize) -> Option<usize> {
    word(text, tokens, k)
        .filter(|w| lexicon::currency_word(&lexicon::lc(w)).is_some())
        .map(|_| k + 1)
}

/// The head noun of the noun phrase starting at `k`: the last of up to five
/// content words, skipping a parenthesised abbreviation, stopping at
/// function words, verbs and punctuation.
fn noun_phrase(text: &str, tokens: &[Token], k: usize) -> Option<(String, usize)> {
    let mut words: Vec<(String, usize)> = Vec::new();
    let mut p = k;
    while p < tokens.len() && words.len() < 5 {
        let t = &tokens[p];
        if t.is_punct('(') {
            // "(EU)": skip a short parenthesis inside the phrase.
            let close = (p + 1..tokens.len().min(p + 4)).find(|&q| tokens[q].is_punct(')'));
            match close {
                Some(q) if !words.is_empty() => {
                    p = q + 1;
                    continue;
                }
                _ => break,
            }
        }
        let Some(w) = word(text, tokens, p) else { break };
        let lower = lexicon::lc(w);
        if words.is_empty() && lexicon::is_skippable_modifier(&lower) && word(text, tokens, p + 1).is_some() {
            p += 1;
            continue;
        }
        // "hip and knee replacements": a singular noun joined to the next.
        if lower == "and" || lower == "or" {
            let joins = words.last().is_some_and(|(w, _)| !w.ends_with('s'))
                && word(text, tokens, p + 1).is_some_and(|n| !lexicon::is_stop(&lexicon::lc(n)));
            if joins {
                p += 1;
                continue;
            }
            break;
        }
        if lexicon::is_stop(&lower)
            || lexicon::is_month_or_day(&lower)
            || w.chars().any(|c| c.is_ascii_digit())
        {
            break;
        }
        // A verb after the noun ends the phrase: "17 offices torched", "councillors spoke".
        if (lexicon::is_verb(&lower) || lexicon::looks_like_participle(&lower)) && !words.is_empty() {
            break;
        }
        words.push((lower.into_owned(), p + 1));
        p += 1;
    }
    let (head, next) = words.last().cloned()?;
    if words.len() == 1 && lexicon::looks_like_participle(&head) {
        return None;
    }
    let head = head
        .trim_end_matches("’s")
        .trim_end_matches("'s")
        .trim_end_matches(['’', '\''])
        .to_owned();
    Some((head, next))
}

/// Skips determiners, possessives and a few ordering words after "of":
/// "of the region's", "of their last", "of Karsovia's".
fn skip_owner(text: &str, tokens: &[Token], mut p: usize) -> usize {
    while let Some(w) = word(text, tokens, p) {
        let lower = lexicon::lc(w);
        if lexicon::is_determiner(&lower)
            || lexicon::is_possessive(&lower)
            || matches!(
                &*lower,
                "last" | "first" | "next" | "past" | "remaining" | "this" | "year's" | "year’s"
            )
        {
            p += 1;
        } else {
            break;
        }
    }
    p
}

/// The number at token `i`, if it is a quantity and not a year, date,
/// ordinal, time or part of a name.
fn core_at(text: &str, tokens: &[Token], i: usize) -> Option<Core> {
    let t = tokens.get(i)?;
    let mut currency = None;
    let mut i = i;
    if let Kind::Punct(c) = t.kind {
        currency = lexicon::currency_symbol(c);
        currency?;
        i += 1;
    } else if t.is_word()
        && matches!(t.text(text), "US" | "A" | "C" | "HK")
        && tokens.get(i + 1).is_some_and(|n| n.is_punct('$') && !n.spaced)
    {
        currency = Some("usd");
        i += 2;
    }
    let t = tokens.get(i)?;
    match t.kind {
        Kind::Number { suffix_start } => {
            let digits = &text[t.range.start..suffix_start];
            let suffix = text[suffix_start..t.range.end].to_lowercase();
            if !digits_are_quantity(text, tokens, i, digits, &suffix, currency.is_some()) {
                return None;
            }
            let mut value: f64 = digits.replace(',', "").parse().ok()?;
            let mut next = i + 1;
            match lexicon::scale_suffix(&suffix) {
                Some(scale) => value *= scale,
                None if suffix.is_empty() => {}
                None => return None,
            }
            if suffix.is_empty()
                && let Some(scale) =
                    word(text, tokens, next).and_then(|w| lexicon::scale_word(&lexicon::lc(w)))
            {
                value *= scale;
                next += 1;
            }
            // Absurdly long digit runs overflow to infinity, which JSON cannot carry.
            value.is_finite().then_some(Core {
                value,
                next,
                currency,
                qualifier: None,
                fraction: false,
            })
        }
        Kind::Word if currency.is_none() => word_number(text, tokens, i),
        _ => None,
    }
}

fn digits_are_quantity(
    text: &str,
    tokens: &[Token],
    i: usize,
    digits: &str,
    suffix: &str,
    money: bool,
) -> bool {
    if lexicon::is_ordinal_suffix(suffix) || suffix == "s" || suffix == "am" || suffix == "pm" {
        return false;
    }
    let next = tokens.get(i + 1);
    // Clock times "10:30", "9 a.m.".
    if next.is_some_and(|n| n.is_punct(':') && !n.spaced)
        || word(text, tokens, i + 1)
            .is_some_and(|w| matches!(&*lexicon::lc(w), "a.m" | "p.m" | "am" | "pm" | "gmt" | "utc"))
    {
        return false;
    }
    let prev = i.checked_sub(1).map(|p| &tokens[p]);
    if prev.is_some_and(|p| p.is_punct(':') && !tokens[i].spaced) {
        return false;
    }
    // Glued to a word by a hyphen: "COVID-19", "F-35".
    if let Some(p) = prev
        && p.is_punct('-')
        && !p.spaced
        && !tokens[i].spaced
        && i >= 2
        && tokens[i - 2].is_word()
    {
        return false;
    }
    let prev_word = i.checked_sub(1).and_then(|p| word(text, tokens, p));
    let next_word = word(text, tokens, i + 1);
    // Dates: "March 3", "Jan. 5", "3 March".
    let prev_month = prev_word.is_some_and(|w| lexicon::is_month(&lexicon::lc(w)))
        || (prev.is_some_and(|p| p.is_punct('.'))
            && i >= 2
            && word(text, tokens, i - 2).is_some_and(|w| lexicon::is_month(&lexicon::lc(w))));
    if prev_month || next_word.is_some_and(|w| lexicon::is_month(&lexicon::lc(w))) {
        return false;
    }
    // Numbers in names: "No. 10", "Route 66", "Chapter 11".
    if prev.is_some_and(|p| p.is_punct('.'))
        && i >= 2
        && word(text, tokens, i - 2).is_some_and(|w| w.eq_ignore_ascii_case("no"))
    {
        return false;
    }
    if !money
        && let Some(w) = prev_word
        && w.starts_with(char::is_uppercase)
        && !w.ends_with("’s")
        && !w.ends_with("'s")
        && lexicon::hedge_word(&lexicon::lc(w)).is_none()
        && !lexicon::is_stop(&lexicon::lc(w))
        && (!opens_sentence(tokens, i - 1) || !counts_something(next_word))
    {
        return false;
    }
    // Years: "in 2022", "since 1998", "2022 was".
    let plain = !digits.contains(',') && !digits.contains('.') && digits.len() == 4 && suffix.is_empty();
    if plain && !money && (1800..=2100).contains(&digits.parse::<u32>().unwrap_or(0)) {
        let counted = next_word.is_some_and(|w| {
            let lower = lexicon::lc(w);
            !lexicon::is_stop(&lower) && !lexicon::is_verb(&lower) && w.starts_with(char::is_lowercase)
        });
        let year_context = prev_word.is_some_and(|w| lexicon::is_year_preposition(&lexicon::lc(w)));
        if year_context || !counted {
            return false;
        }
    }
    true
}

/// Whether token `i` is the first word of its sentence (possibly after an
/// opening quote or bracket), where every word is capitalised.
fn opens_sentence(tokens: &[Token], i: usize) -> bool {
    tokens[..i]
        .iter()
        .all(|t| !t.is_word() && !matches!(t.kind, Kind::Number { .. }))
}

/// Whether the word after a number reads as what it counts ("40 percent",
/// "300 troops") rather than as the verb of a name ("Route 66 reopened",
/// "Apollo 11 is").
fn counts_something(next_word: Option<&str>) -> bool {
    next_word.is_some_and(|w| {
        let lower = lexicon::lc(w);
        w.starts_with(char::is_lowercase)
            && !lexicon::is_stop(&lower)
            && !lexicon::is_verb(&lower)
            && !lower.ends_with("ed")
    })
}

/// Number words: "seventeen", "twenty-four", "a dozen", "two hundred",
/// "thousands", "a third", "two-thirds", "half".
fn word_number(text: &str, tokens: &[Token], i: usize) -> Option<Core> {
    let w = word(text, tokens, i)?.to_lowercase();
    let core = |value: f64, next: usize| Core {
        value,
        next,
        currency: None,
        qualifier: None,
        fraction: false,
    };
    if w == "a" || w == "an" {
        let next = word(text, tokens, i + 1)?.to_lowercase();
        if next == "dozen" {
            return Some(core(12.0, i + 2));
        }
        if let Some(scale) = lexicon::scale_word(&next).filter(|s| *s >= 100.0) {
            return Some(core(scale, i + 2));
        }
        // "a third of voters"; without "of" it is an ordinal ("a third attempt").
        if let Some(f) = lexicon::fraction_word(&next).filter(|_| is_word(text, tokens, i + 2, "of")) {
            return Some(Core {
                fraction: true,
                ..core(f, i + 2)
            });
        }
        return None;
    }
    if w == "half" {
        let shared = ["of", "the", "a", "an", "their", "its"]
            .iter()
            .any(|n| is_word(text, tokens, i + 1, n));
        return shared.then(|| Core {
            fraction: true,
            ..core(0.5, i + 1)
        });
    }
    if let Some((count, f)) = w
        .split_once('-')
        .and_then(|(a, b)| Some((lexicon::small_number(a)?, lexicon::fraction_word(b)?)))
    {
        return Some(Core {
            fraction: true,
            ..core(count * f, i + 1)
        });
    }
    if let Some(v) = lexicon::vague_amount(&w) {
        let mut next = i + 1;
        let mut value = v;
        // "hundreds of thousands", "tens of millions".
        if is_word(text, tokens, next, "of")
            && let Some(inner) =
                word(text, tokens, next + 1).and_then(|n| lexicon::vague_amount(&lexicon::lc(n)))
        {
            value *= inner;
            next += 2;
        }
        return Some(Core {
            qualifier: Some(Qualifier::Approx),
            ..core(value, next)
        });
    }
    if w == "dozen" {
        return Some(core(12.0, i + 1));
    }
    let value = lexicon::compound_number(&w)?;
    if value == 1.0 {
        // "one" is far more often a pronoun than a count; keep it only in
        // proportions: "one in five", "one of the 12".
        let mut p = i + 1;
        if !(is_word(text, tokens, p, "in") || is_word(text, tokens, p, "of")) {
            return None;
        }
        p += 1;
        if is_word(text, tokens, p, "the") {
            p += 1;
        }
        core_at(text, tokens, p)?;
    }
    let mut next = i + 1;
    let mut value = value;
    if let Some(f) = word(text, tokens, next).and_then(|n| lexicon::fraction_word(&lexicon::lc(n))) {
        return Some(Core {
            fraction: true,
            ..core(value * f, next + 1)
        });
    }
    if let Some(scale) = word(text, tokens, next).and_then(|n| lexicon::scale_word(&lexicon::lc(n))) {
        value *= scale;
        next += 1;
    } else if is_word(text, tokens, next, "dozen") {
        value *= 12.0;
        next += 1;
    }
    Some(core(value, next))
}
