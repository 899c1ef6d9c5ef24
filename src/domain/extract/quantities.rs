//! Finding quantities in a sentence: numbers with their hedges, scale,
//! unit and proportions, leaving out years, dates, times, ordinals and
//! numbers that are part of names.

use std::borrow::Cow;

use super::lexicon::{self, Qualifier};
use super::sentences::Range;
use super::tokens::{Kind, Token, is_word};

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    pub value_max: Option<f64>,
    pub of: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: Qualifier,
    /// Byte range of the whole expression ("more than 24 hours").
    pub range: Range,
    /// A plain count with no unit of its own ("up from 12"), which may take
    /// the unit written once for a neighbour.
    pub bare: bool,
}

/// The core number found at a token position.
struct Core {
    value: f64,
    /// Token index just past the number.
    next: usize,
    /// Unit fixed by the number's own form: money by a symbol, seconds by a
    /// race time ("2:05:41").
    fixed_unit: Option<Cow<'static, str>>,
    /// Vague amounts ("thousands") and fractions imply their own qualifier.
    qualifier: Option<Qualifier>,
    /// "half", "a third": a share of what follows "of".
    fraction: bool,
}

pub fn find(text: &str, tokens: &[Token]) -> Vec<Quantity> {
    // Each quantity with the index of its first token and the index after it.
    let mut found: Vec<(Quantity, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !lexicon::may_start_quantity(text, &tokens[i]) {
            i += 1;
            continue;
        }
        match quantity_at(text, tokens, i, &mut found) {
            Some(next) => i = next.max(i + 1),
            None => i += 1,
        }
    }
    for (q, first, next) in &mut found {
        person_unit(text, tokens, *first, *next, q);
    }
    // "£1.8 million over five years": "over" right after a quantity means during.
    for k in 1..found.len() {
        let (first, previous_end) = (found[k].1, found[k - 1].2);
        if first == previous_end
            && is_word(text, tokens, first, "over")
            && found[k].0.unit.as_deref().is_some_and(lexicon::is_time_unit)
        {
            found[k].0.qualifier = Qualifier::Exact;
        }
    }
    // "stealing £1.8 million from residents' savings over six years": "over"
    // after a noun is "during" too (not "for over six years", "women over 50").
    for (q, first, _) in &mut found {
        let prev = first
            .checked_sub(1)
            .and_then(|p| word(text, tokens, p))
            .map(lexicon::lc);
        if q.qualifier == Qualifier::MoreThan
            && is_word(text, tokens, *first, "over")
            && q.unit.as_deref().is_some_and(lexicon::is_time_unit)
            && prev.as_deref().is_some_and(|w| {
                !lexicon::is_stop(w)
                    && !lexicon::is_verb(w)
                    && !lexicon::is_over_as_more_than(w)
                    && !lexicon::is_person_noun(w)
                    && !w.ends_with("ed")
            })
        {
            q.qualifier = Qualifier::Exact;
        }
    }
    share_units(text, tokens, &mut found);
    found.into_iter().map(|(q, _, _)| q).collect()
}

/// Units that come from who a number describes rather than from a noun
/// after it: ages ("aged 16", "Ms Adeyemi, 52,", "children under five") and
/// children ("a father of four").
fn person_unit(text: &str, tokens: &[Token], first: usize, next: usize, q: &mut Quantity) {
    let before = |k: usize| {
        first
            .checked_sub(k)
            .and_then(|p| word(text, tokens, p))
            .map(lexicon::lc)
    };
    let prev = before(1);
    // "adults over 65 walk fewer steps": an age even when a word follows it.
    let hedged_age = matches!(q.qualifier, Qualifier::LessThan | Qualifier::MoreThan)
        && prev.as_deref().is_some_and(lexicon::is_person_noun)
        && q.value <= lexicon::MAX_AGE
        && !q
            .unit
            .as_deref()
            .is_some_and(|u| lexicon::looks_plural(u) || u == "percent");
    if !(q.bare || hedged_age) || first == 0 {
        return;
    }
    let mut unit = None;
    let mut start = None;
    // "two children aged 4 and 9": the second number is an age too.
    let second_age = matches!(prev.as_deref(), Some("and" | "or"))
        && first >= 3
        && matches!(tokens[first - 2].kind, Kind::Number { .. })
        && before(3).as_deref() == Some("aged");
    if prev.as_deref() == Some("aged") {
        unit = Some(lexicon::AGE_UNIT);
        start = Some(tokens[first - 1].range.start);
    } else if second_age {
        unit = Some(lexicon::AGE_UNIT);
    } else if prev.as_deref() == Some("of")
        && let Some(children) = before(2).and_then(|w| lexicon::parent_of(&w))
    {
        unit = Some(children);
        start = Some(tokens[first - 2].range.start);
    } else if matches!(q.qualifier, Qualifier::LessThan | Qualifier::MoreThan)
        && prev.is_some_and(|w| lexicon::is_person_noun(&w))
    {
        // "children under five", "women over 50".
        unit = Some(lexicon::AGE_UNIT);
    } else if is_age_apposition(text, tokens, first, next, q) {
        unit = Some(lexicon::AGE_UNIT);
    }
    if let Some(unit) = unit {
        q.unit = Some(unit.to_owned());
        q.bare = false;
        if let Some(start) = start {
            q.range.start = start;
        }
    }
}

/// "Porter, 52, is", "his mother, 79.": a small whole number set off by
/// commas right after a name or a relative.
fn is_age_apposition(text: &str, tokens: &[Token], first: usize, next: usize, q: &Quantity) -> bool {
    let plain_digits = matches!(tokens[first].kind, Kind::Number { suffix_start } if suffix_start == tokens[first].range.end)
        && tokens[first].text(text).bytes().all(|b| b.is_ascii_digit());
    plain_digits
        && next == first + 1
        && q.qualifier == Qualifier::Exact
        && (1.0..=lexicon::MAX_AGE).contains(&q.value)
        && first >= 2
        && tokens[first - 1].is_punct(',')
        && word(text, tokens, first - 2)
            .is_some_and(|w| w.starts_with(char::is_uppercase) || lexicon::is_kin_noun(&lexicon::lc(w)))
        && tokens.get(next).is_some_and(|t| {
            t.is_punct(',')
                || t.is_punct(')')
                // "…, said Pavel Rudenko, 71.", "cared for his mother, 79."
                || t.is_punct('.') && tokens[next + 1..].iter().all(|c| !c.is_word() && !c.is_punct('.'))
        })
}

/// Most tokens a unit may reach across to a number that shares it.
const SHARE_REACH: usize = 15;
/// How many words back from a bare number that closes its clause a
/// conjunction may join it to its neighbour ("90 beds last week and now we
/// have 160,"); otherwise only the last two words.
const CONJUNCTION_REACH_CLOSING: usize = 4;
/// Closer reach for a number joined to its neighbour only by a conjunction
/// or a verb of winning and losing.
const SHARE_REACH_NEAR: usize = 10;

/// A unit written once for two numbers belongs to both: "took 48,112 votes
/// to the challenger's 47,950", "31 schools, up from 12", "killed 23
/// civilians and wounded dozens more", "1.6 million policyholders, 420,000
/// in coastal postcodes". A bare number takes the unit of the
/// nearest number before it with a noun unit (not a duration or an age),
/// when the words between or after say the two count the same thing.
fn share_units(text: &str, tokens: &[Token], found: &mut [(Quantity, usize, usize)]) {
    for r in 0..found.len() {
        if !found[r].0.bare {
            continue;
        }
        let donor = (0..r).rev().find(|&d| {
            found[d]
                .0
                .unit
                .as_deref()
                .is_some_and(|u| !lexicon::is_time_unit(u))
        });
        let Some(d) = donor else { continue };
        let (_, first, next) = found[r];
        let gap = first.saturating_sub(found[d].2);
        if shares_unit(text, tokens, found[d].2, first, next, gap) {
            found[r].0.unit = found[d].0.unit.clone();
            found[r].0.bare = false;
        }
    }
}

fn shares_unit(
    text: &str,
    tokens: &[Token],
    gap_start: usize,
    first: usize,
    next: usize,
    gap: usize,
) -> bool {
    let lower = |k: Option<usize>| k.and_then(|k| word(text, tokens, k)).map(lexicon::lc);
    let prev1 = lower(first.checked_sub(1));
    let prev2 = lower(first.checked_sub(2));
    let (after1, after2) = (lower(Some(next)), lower(Some(next + 1)));
    let (p1, p2) = (prev1.as_deref().unwrap_or(""), prev2.as_deref().unwrap_or(""));
    let (a1, a2) = (after1.as_deref().unwrap_or(""), after2.as_deref().unwrap_or(""));
    // "… dozens more", "two short", "about 3,300 a day".
    let after = lexicon::is_share_after(a1)
        || (matches!(a1, "a" | "an" | "per") && lexicon::is_rate_period(a2))
        || (a1 == "of" && matches!(a2, "them" | "those" | "whom"));
    // "up from 12", "compared with 2,650", "not 430"; "63 people, of whom nine".
    let contrast = lexicon::is_share_contrast(p2, p1) || (p2 == "of" && matches!(p1, "whom" | "which"));
    // "started and 30,870 finished", "but lost four", "having taken 27,440", "slipped to 15".
    let gap_words = || {
        (gap_start..first)
            .filter_map(|k| word(text, tokens, k))
            .map(lexicon::lc)
    };
    let gap_list = gap_words().collect::<Vec<_>>();
    // "We had 90 beds last week and now we have 160,": further back, when
    // the number closes its clause.
    let closes_clause = tokens
        .get(next)
        .is_none_or(|t| matches!(t.kind, Kind::Punct('.' | ',' | ';' | '”' | '"')));
    let conjunction = gap_list
        .iter()
        .rev()
        .take(if closes_clause {
            CONJUNCTION_REACH_CLOSING
        } else {
            2
        })
        .any(|w| lexicon::is_conjunction(w));
    let tally = lexicon::is_tally_verb(p1) || (p1 == "to" && lexicon::is_change_verb(p2));
    // "votes to 24", "votes to the challenger's 47,950", "shots to Felling's nine".
    let versus = (p1 == "to" && first == gap_start + 1)
        || (lexicon::is_possessive(p1)
            && (gap_start..first).rev().take(6).any(|k| {
                lower(Some(k)).is_some_and(|w| matches!(&*w, "to" | "against" | "than" | "versus"))
            }));
    // "1.6 million policyholders, 420,000 in coastal postcodes": a bare number
    // right after the comma that ends its neighbour, then a place or a pause.
    let listed = first == gap_start + 1
        && tokens.get(gap_start).is_some_and(|t| t.is_punct(','))
        && (matches!(a1, "in" | "on" | "at" | "from" | "across" | "outside" | "inside")
            || tokens
                .get(next)
                .is_some_and(|t| matches!(t.kind, Kind::Punct('.' | ',' | ';'))));
    ((after || contrast || listed) && gap <= SHARE_REACH)
        || ((conjunction || tally || versus) && gap <= SHARE_REACH_NEAR)
}

fn word<'a>(text: &'a str, tokens: &[Token], i: usize) -> Option<&'a str> {
    tokens.get(i).filter(|t| t.is_word()).map(|t| t.text(text))
}

/// A quantity starting at token `i` (with its hedge), pushed onto `found`
/// with `i` and the index after it (two for a score, "won 3-1"), so that
/// no vector is made per quantity; returns the index after it.
fn quantity_at(
    text: &str,
    tokens: &[Token],
    i: usize,
    found: &mut Vec<(Quantity, usize, usize)>,
) -> Option<usize> {
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
    let mut range_unit = None;

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
                bare: false,
            };
            found.push((number(core.value, j, k), i, upper.next));
            found.push((number(upper.value, k + 1, upper.next), i, upper.next));
            return Some(upper.next);
        }
        let aged = i > 0 && is_word(text, tokens, i - 1, "aged");
        // "arriving at a rate of 2,000 to 3,000 a day" (not "rose from 2,000 to 3,000 a day").
        let rate = word(text, tokens, upper.next)
            .is_some_and(|w| matches!(&*lexicon::lc(w), "a" | "an" | "per"))
            && word(text, tokens, upper.next + 1).is_some_and(|w| lexicon::is_rate_period(&lexicon::lc(w)))
            && !(i > 0 && is_word(text, tokens, i - 1, "from"));
        // "fell 4.2p to 310p", "rose £2 to £31": a change, then the level it
        // reached, each with its unit written on; not a range.
        let change_then_level = core.fixed_unit.is_some()
            && upper.fixed_unit.is_some()
            && i.checked_sub(1)
                .and_then(|p| word(text, tokens, p))
                .is_some_and(|w| lexicon::is_change_verb(&lexicon::lc(w)));
        if upper.value > core.value
            && !change_then_level
            && (between
                || dash
                || aged
                || rate
                || upper.fixed_unit.is_some()
                || unit_after(text, tokens, upper.next).is_some())
        {
            value_max = Some(upper.value);
            k = upper.next;
            // "40 to 60mm": the unit written on the upper end is the range's.
            range_unit = upper.fixed_unit;
        }
    }
    // "twice" counts times: never a proportion ("twice in the first 20
    // minutes") nor a neighbour's unit.
    let multiplier =
        word(text, tokens, j).is_some_and(|w| lexicon::multiplier_word(&lexicon::lc(w)).is_some());
    // Proportions: "four of the five", "one in five".
    if value_max.is_none() && !core.fraction && !multiplier {
        let mut p = k;
        if is_word(text, tokens, p, "out") && is_word(text, tokens, p + 1, "of") {
            p += 1;
        }
        if is_word(text, tokens, p, "of") || is_word(text, tokens, p, "in") {
            p = skip_owner(text, tokens, p + 1);
            if let Some(whole) =
                core_at(text, tokens, p).filter(|w| w.value > core.value && w.fixed_unit.is_none())
            {
                of = Some(whole.value);
                k = whole.next;
            }
        }
    }
    let mut unit = core.fixed_unit.or(range_unit).map(Cow::into_owned);
    let mut end = tokens[k - 1].range.end;
    if unit.is_none() {
        if let Some((u, next)) = unit_after(text, tokens, k) {
            unit = Some(u);
            end = tokens[next - 1].range.end;
            k = next;
        } else if is_word(text, tokens, k, "of")
            && word(text, tokens, k + 1).is_some_and(|w| matches!(&*lexicon::lc(w), "them" | "those"))
            && let Some(noun) = word(text, tokens, k + 2)
                .map(lexicon::lc)
                .filter(|w| lexicon::looks_plural(w) && !lexicon::is_stop(w) && !lexicon::is_verb(w))
        {
            // "dozens injured, 14 of them children": the unit is the noun after "them".
            unit = Some(noun.into_owned());
            end = tokens[k + 2].range.end;
            k += 3;
        } else if core.fraction
            || core.qualifier.is_some()
            || of.is_some()
            || (is_word(text, tokens, k, "of") && plural_after_owner(text, tokens, k + 1))
        {
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
    let mut qualifier = if qualifier == Qualifier::Exact {
        core.qualifier.unwrap_or(qualifier)
    } else {
        qualifier
    };
    // "six months or older", "40 or more".
    if qualifier == Qualifier::Exact
        && is_word(text, tokens, k, "or")
        && let Some(q) = word(text, tokens, k + 1).and_then(|w| lexicon::trailing_hedge(&lexicon::lc(w)))
    {
        qualifier = q;
        end = tokens[k + 1].range.end;
        k += 2;
    }
    // "half of the growers had cut spending and two-thirds had delayed …": a
    // fraction with nothing after it is a share of a unit written before it
    // (not "a third less than last year", "two-thirds of it").
    let lone_fraction = core.fraction
        && word(text, tokens, k).is_some_and(|w| {
            let w = lexicon::lc(w);
            w != "of" && !lexicon::is_share_after(&w) && lexicon::is_share_verb(&w)
        });
    let bare = unit.is_none() && of.is_none() && (!core.fraction || lone_fraction) && !multiplier;
    let q = Quantity {
        value: core.value,
        value_max,
        of,
        unit,
        qualifier,
        range: Range { start, end },
        bare,
    };
    found.push((q, i, k));
    Some(k)
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
    if (lower == "percentage" || lower == "basis") && is_word(text, tokens, k + 1, "points") {
        return Some((format!("{lower} points"), k + 2));
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

/// Most content words a noun phrase after a number is read to.
const PHRASE_WORDS: usize = 5;

/// The head noun of the noun phrase starting at `k`: the last of up to five
/// content words, skipping a parenthesised abbreviation, stopping at
/// function words, verbs and punctuation.
fn noun_phrase(text: &str, tokens: &[Token], k: usize) -> Option<(String, usize)> {
    // Token indices of the phrase's words (the first `n`), on the stack;
    // only the head is lower-cased at the end.
    let mut words = [0usize; PHRASE_WORDS];
    let mut n = 0;
    let mut p = k;
    while p < tokens.len() && n < PHRASE_WORDS {
        let t = &tokens[p];
        if t.is_punct('(') {
            // "(EU)": skip a short parenthesis inside the phrase.
            let close = (p + 1..tokens.len().min(p + 4)).find(|&q| tokens[q].is_punct(')'));
            match close {
                Some(q) if n > 0 => {
                    p = q + 1;
                    continue;
                }
                _ => break,
            }
        }
        let Some(w) = word(text, tokens, p) else { break };
        let lower = lexicon::lc(w);
        // "one second quicker": after "one", "second" is the unit, not an
        // ordinal or modifier.
        if n == 0
            && lower == "second"
            && p == k
            && k.checked_sub(1)
                .and_then(|b| word(text, tokens, b))
                .is_some_and(|b| b.eq_ignore_ascii_case("one"))
        {
            return Some((lower.into_owned(), p + 1));
        }
        // "some 30 km north-east of": a written-out unit abbreviation is the
        // whole unit.
        if n == 0 && p == k && lexicon::unit_suffix(&lower).is_some() {
            // "140 km/h" written with a space.
            let per_hour = tokens.get(p + 1).is_some_and(|t| t.is_punct('/') && !t.spaced)
                && tokens
                    .get(p + 2)
                    .is_some_and(|t| !t.spaced && t.is_word() && t.text(text).eq_ignore_ascii_case("h"));
            if per_hour {
                return Some((format!("{lower}/h"), p + 3));
            }
            return Some((lower.into_owned(), p + 1));
        }
        if n == 0 && lexicon::is_skippable_modifier(&lower) && word(text, tokens, p + 1).is_some() {
            p += 1;
            continue;
        }
        // "four smaller towns", "five away matches": an adjective that is
        // otherwise a stop word, before a plural noun.
        if n == 0
            && lexicon::is_adjective_before_noun(&lower)
            && word(text, tokens, p + 1).is_some_and(|n| {
                let n = lexicon::lc(n);
                lexicon::looks_plural(&n) && !lexicon::is_stop(&n)
            })
        {
            p += 1;
            continue;
        }
        // "hip and knee replacements": a singular noun joined to the next.
        if lower == "and" || lower == "or" {
            let joins = words[..n]
                .last()
                .is_some_and(|&h| !tokens[h].text(text).ends_with(['s', 'S']))
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
        let next_word = word(text, tokens, p + 1).map(lexicon::lc);
        let next_plural = next_word
            .as_deref()
            .is_some_and(|n| lexicon::looks_plural(n) && !lexicon::is_stop(n) && !lexicon::is_verb(n));
        // A verb after the noun ends the phrase: "17 offices torched", "councillors spoke";
        // but "430 vacant nursing posts": an -ing word before a plural noun describes it.
        let modifier = lower.ends_with("ing") && next_plural;
        // "of its total cost": after an owner and one singular modifier, a
        // word that could be a verb is the noun when no object follows it.
        let owned_noun = !lower.ends_with("ed")
            && n == 1
            && !lexicon::looks_plural(&lexicon::lc(tokens[words[0]].text(text)))
            && words[0]
                .checked_sub(1)
                .and_then(|b| word(text, tokens, b))
                .is_some_and(|b| {
                    let b = lexicon::lc(b);
                    lexicon::is_possessive(&b)
                        || matches!(&*b, "the" | "its" | "their" | "his" | "her" | "our")
                })
            && next_word.as_deref().is_none_or(|n| {
                lexicon::is_stop(n) && !lexicon::is_determiner(n) && !lexicon::is_possessive(n)
            });
        if (lexicon::is_verb(&lower) || lexicon::looks_like_participle(&lower))
            && n > 0
            && !modifier
            && !owned_noun
        {
            break;
        }
        let plural = lexicon::looks_plural(&lower);
        words[n] = p;
        n += 1;
        p += 1;
        // "14 emergency departments open", "430 posts mean": a plural noun
        // followed by a word that is not one ends the phrase.
        if plural && next_word.as_deref().is_some_and(|n| !lexicon::looks_plural(n)) {
            break;
        }
    }
    let last = *words[..n].last()?;
    let (head, next) = (lexicon::lc(tokens[last].text(text)), last + 1);
    if n == 1 && lexicon::looks_like_participle(&head) {
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
        Kind::Number { .. }
            if currency.is_none()
                && tokens.get(i + 1).is_some_and(|n| n.is_punct(':'))
                && let Some(time) = race_time(text, tokens, i) =>
        {
            Some(time)
        }
        Kind::Number { suffix_start } => {
            let digits = &text[t.range.start..suffix_start];
            let suffix = lexicon::lc(&text[suffix_start..t.range.end]);
            if !digits_are_quantity(text, tokens, i, digits, &suffix, currency.is_some()) {
                return None;
            }
            // Group commas out, on the heap only when there are some.
            let mut value: f64 = if digits.contains(',') {
                digits.replace(',', "").parse().ok()?
            } else {
                digits.parse().ok()?
            };
            let mut next = i + 1;
            let mut suffix_unit = None;
            if currency.is_none()
                && let Some((unit, after)) = temperature_unit(text, tokens, i)
            {
                if is_minus_sign(tokens, i) {
                    value = -value;
                }
                return Some(Core {
                    value,
                    next: after,
                    fixed_unit: Some(Cow::Borrowed(unit)),
                    qualifier: None,
                    fraction: false,
                });
            }
            match lexicon::scale_suffix(&suffix) {
                // "the 200m freestyle", "the 400m": an event's name, not 200 million.
                Some(_) if suffix == "m" && currency.is_none() && is_event_name(text, tokens, i) => {
                    return None;
                }
                Some(scale) => value *= scale,
                None if suffix.is_empty() => {}
                // "fell 4.2p to 310p": pence, in pounds sterling.
                None if suffix == "p" && currency.is_none() => {
                    value /= 100.0;
                    suffix_unit = Some(Cow::Borrowed("gbp"));
                }
                None => {
                    // "96mm", "130km/h": a unit written onto the number.
                    let unit = lexicon::unit_suffix(&suffix)?;
                    let per_hour = tokens.get(next).is_some_and(|t| t.is_punct('/') && !t.spaced)
                        && tokens.get(next + 1).is_some_and(|t| {
                            !t.spaced && t.is_word() && t.text(text).eq_ignore_ascii_case("h")
                        });
                    suffix_unit = Some(if per_hour {
                        next += 2;
                        Cow::Owned(format!("{unit}/h"))
                    } else {
                        Cow::Borrowed(unit)
                    });
                }
            }
            if suffix.is_empty()
                && let Some(f) = and_a_fraction(text, tokens, next)
            {
                value += f;
                next += 3;
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
                fixed_unit: currency.map(Cow::Borrowed).or(suffix_unit),
                qualifier: None,
                fraction: false,
            })
        }
        Kind::Word if currency.is_none() => word_number(text, tokens, i),
        _ => None,
    }
}

/// A temperature written onto the number, kept as written: "12C" → "c",
/// "-3°C" → "°c" (and the same in Fahrenheit). Returns the unit and the index
/// after it.
fn temperature_unit(text: &str, tokens: &[Token], i: usize) -> Option<(&'static str, usize)> {
    let t = tokens.get(i)?;
    let Kind::Number { suffix_start } = t.kind else {
        return None;
    };
    match &text[suffix_start..t.range.end] {
        "C" => return Some(("c", i + 1)),
        "F" => return Some(("f", i + 1)),
        "" => {}
        _ => return None,
    }
    if !tokens.get(i + 1).is_some_and(|d| d.is_punct('°') && !d.spaced) {
        return None;
    }
    let scale = tokens.get(i + 2).filter(|s| s.is_word() && !s.spaced)?;
    let unit = match scale.text(text) {
        "C" => "°c",
        "F" => "°f",
        _ => return None,
    };
    Some((unit, i + 3))
}

/// A minus sign glued to the number and standing apart from any word before
/// it: "-3°C", "fell to −11C" (not "F-35").
fn is_minus_sign(tokens: &[Token], i: usize) -> bool {
    let Some(p) = i.checked_sub(1) else {
        return false;
    };
    (tokens[p].is_punct('-') || tokens[p].is_punct('−'))
        && !tokens[i].spaced
        && (p == 0 || tokens[p].spaced || !tokens[p - 1].is_word())
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
    if !money && is_phone_number(text, tokens, i) {
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
    // Numbers in names: "No. 10", "Route 66", "Chapter 11", "the number 14 bus".
    if prev_word.is_some_and(|w| lexicon::is_name_number_prefix(&lexicon::lc(w))) {
        return false;
    }
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
        && !is_score(tokens, i)
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
        // "a 2019 analysis", "the 2022 election": a year describing one thing.
        let year_context = prev_word.is_some_and(|w| lexicon::is_year_preposition(&lexicon::lc(w)))
            || (prev_word.is_some_and(|w| matches!(&*lexicon::lc(w), "a" | "an" | "its" | "their"))
                && next_word.is_some_and(|w| !lexicon::looks_plural(&lexicon::lc(w))));
        if year_context || !counted {
            return false;
        }
    }
    true
}

/// Phone numbers: digit groups led by a zero ("01632 960 418", "0800 123 4567").
fn is_phone_number(text: &str, tokens: &[Token], i: usize) -> bool {
    let plain = |k: usize| {
        matches!(tokens[k].kind, Kind::Number { suffix_start } if suffix_start == tokens[k].range.end)
            && tokens[k].text(text).bytes().all(|b| b.is_ascii_digit())
    };
    if !plain(i) {
        return false;
    }
    let mut first = i;
    while first > 0 && tokens[first].spaced && plain(first - 1) {
        first -= 1;
    }
    let lead = tokens[first].text(text);
    lead.len() >= 3 && lead.starts_with('0')
}

/// Whether the number at token `i` opens a score such as "27-19" or "3–1":
/// "beat Fenwick 27-19" is a result, not a number in a name.
fn is_score(tokens: &[Token], i: usize) -> bool {
    let dash = tokens
        .get(i + 1)
        .is_some_and(|d| (d.is_punct('-') || d.is_punct('–')) && !d.spaced);
    dash && tokens
        .get(i + 2)
        .is_some_and(|n| matches!(n.kind, Kind::Number { .. }) && !n.spaced)
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
    // Most words are no number word: one bit from `tokenize` tells.
    if tokens.get(i).is_none_or(|t| t.class & lexicon::NUMBER_WORD == 0) {
        return None;
    }
    let lower = lexicon::lc(word(text, tokens, i)?);
    let w: &str = &lower;
    let core = |value: f64, next: usize| Core {
        value,
        next,
        fixed_unit: None,
        qualifier: None,
        fraction: false,
    };
    if w == "a" || w == "an" {
        let next = lexicon::lc(word(text, tokens, i + 1)?);
        let next: &str = &next;
        if next == "dozen" {
            return Some(core(12.0, i + 2));
        }
        if let Some(scale) = lexicon::scale_word(next).filter(|s| *s >= 100.0) {
            return Some(core(scale, i + 2));
        }
        // "more than a decade", "nearly a century": a span of years after a
        // hedge ("over a decade" only as "in over a decade", not "$4.5bn over
        // a decade").
        if let Some(years) = lexicon::year_span(next) {
            let before = |k: usize| {
                i.checked_sub(k)
                    .and_then(|p| word(text, tokens, p))
                    .map(lexicon::lc)
            };
            let hedged = before(1).is_some_and(|w| lexicon::is_year_span_hedge(&w))
                || (before(1).as_deref() == Some("over")
                    && before(2).is_some_and(|w| lexicon::is_over_as_more_than(&w)));
            return hedged.then(|| Core {
                fixed_unit: Some(Cow::Borrowed(lexicon::YEAR_SPAN_UNIT)),
                ..core(years, i + 2)
            });
        }
        // "a third of voters"; without "of" it is an ordinal ("a third attempt").
        // "grew by almost a quarter," (nothing counted after it) is a fraction too.
        // Without a hedge or "by" before it, "added a third from the spot" is an ordinal.
        // Most words after "a" are no fraction: they end here, before the look-around.
        let f = lexicon::fraction_word(next)?;
        let after = word(text, tokens, i + 2).map(lexicon::lc);
        let hedged = i
            .checked_sub(1)
            .and_then(|p| word(text, tokens, p))
            .is_some_and(|w| {
                matches!(&*lexicon::lc(w), "by" | "than") || lexicon::hedge_word(&lexicon::lc(w)).is_some()
            });
        // "a third less than last year", "a quarter more": a share by comparison.
        let compared = after
            .as_deref()
            .is_some_and(|a| matches!(a, "less" | "more" | "fewer"))
            && is_word(text, tokens, i + 3, "than");
        let share = after.as_deref() == Some("of")
            || compared
            || (hedged && after.as_deref().is_none_or(lexicon::is_stop));
        return share.then(|| Core {
            fraction: true,
            ..core(f, i + 2)
        });
    }
    if w == "half" {
        // "half a billion euros", "half a million": the scale halved.
        if matches!(
            word(text, tokens, i + 1).map(lexicon::lc).as_deref(),
            Some("a" | "an")
        ) && let Some(scale) = word(text, tokens, i + 2)
            .and_then(|n| lexicon::scale_word(&lexicon::lc(n)))
            .filter(|s| *s >= 1000.0)
        {
            return Some(core(0.5 * scale, i + 3));
        }
        let shared = ["of", "the", "a", "an", "their", "its"]
            .iter()
            .any(|n| is_word(text, tokens, i + 1, n));
        // "cut its bill by nearly half,", "more than half voted": a share of
        // nothing written after it.
        let hedged = i
            .checked_sub(1)
            .and_then(|p| word(text, tokens, p))
            .is_some_and(|w| {
                let w = lexicon::lc(w);
                matches!(&*w, "by" | "than") || lexicon::hedge_word(&w).is_some()
            });
        let alone = word(text, tokens, i + 1).is_none_or(|n| lexicon::is_stop(&lexicon::lc(n)));
        return (shared || hedged && alone).then(|| Core {
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
    // "a two-tonne van", "a three-day strike", "a five-year-old": the unit in the plural.
    if let Some((number, rest)) = w.split_once('-')
        && let Some(value) = lexicon::compound_number(number).filter(|v| *v > 1.0)
        && lexicon::fraction_word(rest).is_none()
    {
        // "one-off", "one-sided", "two-way" are idioms, not counts.
        let head = rest.split('-').next().unwrap_or(rest);
        let unit_like = head.len() > 1
            && head.chars().all(|c| c.is_ascii_alphabetic())
            && !lexicon::is_stop(head)
            && lexicon::compound_number(head).is_none()
            && !matches!(head, "way" | "fold" | "sided");
        if unit_like {
            return Some(Core {
                fixed_unit: Some(Cow::Owned(lexicon::plural(head))),
                ..core(value, i + 1)
            });
        }
    }
    if let Some(v) = lexicon::vague_amount(w) {
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
    // "scored twice", "lost only twice since October": a count of times
    // with no unit of its own; "twice as strong" compares, it counts nothing.
    if let Some(value) = lexicon::multiplier_word(w) {
        let compared =
            word(text, tokens, i + 1).is_some_and(|n| lexicon::is_multiplier_compared(&lexicon::lc(n)));
        return (!compared).then(|| core(value, i + 1));
    }
    let mut value = lexicon::compound_number(w)?;
    let mut next = i + 1;
    // "two and a half hours", "one and a half million".
    if let Some(f) = and_a_fraction(text, tokens, next) {
        value += f;
        next += 3;
    }
    // "for one week", "within one year": a duration.
    let one_period = i > 0
        && word(text, tokens, i - 1).is_some_and(|w| lexicon::is_duration_preposition(&lexicon::lc(w)))
        && word(text, tokens, next).is_some_and(|w| lexicon::is_time_unit(&lexicon::plural(&lexicon::lc(w))));
    // "one point clear", "one person died", "one second quicker": a count
    // of a singular measured or counted noun; "at least one adult", "more
    // than one vehicle": after a hedge, of any noun.
    let one_counted = word(text, tokens, next).is_some_and(lexicon::is_one_counted)
        || (i > 0
            && word(text, tokens, i - 1).is_some_and(|w| lexicon::is_one_hedge(&lexicon::lc(w)))
            && counts_something(word(text, tokens, next)));
    if value == 1.0 && !one_period && !one_counted {
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

/// "and a half" (or quarter, third) after a whole number: the fraction.
fn and_a_fraction(text: &str, tokens: &[Token], k: usize) -> Option<f64> {
    if !is_word(text, tokens, k, "and")
        || !(is_word(text, tokens, k + 1, "a") || is_word(text, tokens, k + 1, "an"))
    {
        return None;
    }
    word(text, tokens, k + 2).and_then(|w| lexicon::fraction_word(&lexicon::lc(w)))
}

/// A race or result time, "2:05:41" or "in 3:58", as a duration in seconds.
/// Clock times ("at 10:30", "10:30 a.m.", "from 9:00") are left out: an
/// h:mm:ss reading is a duration unless a clock word is next to it, an m:ss
/// one only when a word before or after says it is a result.
fn race_time(text: &str, tokens: &[Token], i: usize) -> Option<Core> {
    let part = |k: usize, first: bool| -> Option<f64> {
        let t = tokens.get(k)?;
        let Kind::Number { suffix_start } = t.kind else {
            return None;
        };
        let digits = t.text(text);
        // "1:55.42": hundredths on the last part.
        let whole = digits.split_once('.').map_or(digits, |(w, _)| w);
        let ok = suffix_start == t.range.end
            && whole.bytes().all(|b| b.is_ascii_digit())
            && (if first {
                digits.len() <= 2
            } else {
                whole.len() == 2 && !t.spaced
            });
        ok.then(|| digits.parse().ok()).flatten()
    };
    let decimal = |k: usize| tokens.get(k).is_some_and(|t| t.text(text).contains('.'));
    let colon = |k: usize| tokens.get(k).is_some_and(|t| t.is_punct(':') && !t.spaced);
    let first = part(i, true)?;
    if !colon(i + 1) {
        return None;
    }
    let second = part(i + 2, false)?;
    let (seconds, next, long) = match (colon(i + 3), part(i + 4, false)) {
        (true, Some(third)) => (first * 3600.0 + second * 60.0 + third, i + 5, true),
        _ => (first * 60.0 + second, i + 3, false),
    };
    if second >= 60.0 || colon(next) {
        return None;
    }
    let before = i
        .checked_sub(1)
        .and_then(|p| word(text, tokens, p))
        .map(lexicon::lc);
    let after = word(text, tokens, next).map(lexicon::lc);
    if before.as_deref().is_some_and(lexicon::is_clock_preposition)
        || after.as_deref().is_some_and(lexicon::is_clock_suffix)
    {
        return None;
    }
    // Clock times have no hundredths.
    let result = long
        || decimal(next - 1)
        || before.as_deref().is_some_and(lexicon::is_result_cue)
        || after.as_deref().is_some_and(lexicon::is_race_noun);
    result.then_some(Core {
        value: seconds,
        next,
        fixed_unit: Some(Cow::Borrowed(lexicon::DURATION_UNIT)),
        qualifier: None,
        fraction: false,
    })
}

/// "all 640 of its vans": a plural noun after "of" and its owner.
fn plural_after_owner(text: &str, tokens: &[Token], p: usize) -> bool {
    let p = skip_owner(text, tokens, p);
    word(text, tokens, p).is_some_and(|w| {
        let w = lexicon::lc(w);
        lexicon::looks_plural(&w) && !lexicon::is_stop(&w)
    })
}

/// "the 200m freestyle", "the 400m": a race's name.
fn is_event_name(text: &str, tokens: &[Token], i: usize) -> bool {
    let next = word(text, tokens, i + 1).map(lexicon::lc);
    let the = i > 0 && is_word(text, tokens, i - 1, "the");
    next.as_deref().is_some_and(lexicon::is_race_event)
        || (the && next.as_deref().is_none_or(lexicon::is_stop))
}
