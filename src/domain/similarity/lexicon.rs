//! Word meaning from WordNet 3.0, read only when a claim is compared with a
//! fact-checker's statement: words of one sense ("buy"/"purchase"), a more
//! general word for a specific one ("factory" → "plant", "murderer" →
//! "killer"), and antonyms ("acquit"/"convict", "export"/"import"). The
//! table (`wordnet.txt`) is written by `tools/wordnet_lexicon.py` from
//! WordNet alone, frequent first senses only; it was not written from the
//! pair sets the matcher is measured on. WordNet 3.0 Copyright 2006 by
//! Princeton University (licence in `WORDNET_LICENSE`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use super::contrasts::{CONTRASTS, WHOLE};
use super::words::{TERM_SYNONYMS, UNIT_SPELLINGS};
use super::{singular, stemmer, term_stem};

const TABLE: &str = include_str!("wordnet.txt");

/// Stems the table relates, folded as `Fingerprint::of` folds words.
#[derive(Debug, Default)]
pub(super) struct Lexicon {
    /// (claim stem, statement stem): the statement's word is the claim's
    /// in other words, or a more general word for it.
    covers: HashSet<(String, String)>,
    /// Antonyms, both ways round.
    opposite: HashSet<(String, String)>,
    /// A unit's abbreviation and the stems of the words it stands for
    /// ("twh" → "terawatt", "hour"): `UNIT_SPELLINGS`.
    spelled: HashMap<String, Vec<String>>,
}

impl Lexicon {
    /// Whether a statement's `theirs` says what a claim's `ours` says.
    pub(super) fn covers(&self, ours: &str, theirs: &str) -> bool {
        self.covers.contains(&(ours.to_owned(), theirs.to_owned()))
    }

    pub(super) fn opposite(&self, a: &str, b: &str) -> bool {
        self.opposite.contains(&(a.to_owned(), b.to_owned()))
    }

    /// Terms with unit abbreviations written out ("twh" → "terawatt",
    /// "hour").
    pub(super) fn spelled_out(&self, terms: &BTreeSet<String>) -> BTreeSet<String> {
        terms
            .iter()
            .flat_map(|t| match self.spelled.get(t) {
                Some(words) => words.clone(),
                None => vec![t.clone()],
            })
            .collect()
    }
}

/// An amount's unit with abbreviations written out and words singular,
/// "square" left out: "TWh" and "terawatt-hours" are "terawatt hour", "km²"
/// and "kilometres" are "kilometre".
pub(super) fn spelled_unit(unit: &str) -> String {
    let lower = unit.to_lowercase().replace('-', " ");
    let spelled = |w: &str| -> String {
        UNIT_SPELLINGS
            .iter()
            .find(|(abbreviation, _)| *abbreviation == w)
            .map_or_else(|| singular(w), |(_, words)| (*words).to_owned())
    };
    let words: Vec<String> = lower
        .split_whitespace()
        .flat_map(|w| spelled(w).split(' ').map(str::to_owned).collect::<Vec<_>>())
        .filter(|w| w != "square")
        .collect();
    if words.is_empty() { lower } else { words.join(" ") }
}

pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| parse(TABLE));

/// `CONTRASTS` and `WHOLE` as stems, folded as claims' words are.
pub(super) struct Kinds {
    /// Each stem's places in `CONTRASTS`, (group, kind), and whether it is
    /// a word of `WHOLE`. Read for every word of every text compared, so a
    /// fast hash.
    by_stem: foldhash::HashMap<String, Place>,
}

/// Where a stem stands in `CONTRASTS` and `WHOLE`.
#[derive(Default)]
pub(super) struct Place {
    pub(super) kinds: Vec<(usize, usize)>,
    pub(super) whole: bool,
}

impl Kinds {
    /// Where a stem stands; `None` for most.
    pub(super) fn of(&self, stem: &str) -> Option<&Place> {
        self.by_stem.get(stem)
    }

    /// Whether a stem names a kind of some group.
    pub(super) fn names_a_kind(&self, stem: &str) -> bool {
        self.of(stem).is_some_and(|p| !p.kinds.is_empty())
    }

    /// Whether a stem is a word of `WHOLE`.
    pub(super) fn whole(&self, stem: &str) -> bool {
        self.of(stem).is_some_and(|p| p.whole)
    }
}

pub(super) static KINDS: LazyLock<Kinds> = LazyLock::new(|| {
    let stemmer = stemmer();
    let mut by_stem: foldhash::HashMap<String, Place> = foldhash::HashMap::default();
    for (group, kinds) in CONTRASTS.iter().enumerate() {
        assert!(
            kinds.len() <= 64,
            "a group of CONTRASTS has more kinds than a u64 has bits"
        );
        for (kind, words) in kinds.iter().enumerate() {
            for word in *words {
                let place = by_stem.entry(term_stem(&stemmer, word)).or_default();
                if !place.kinds.contains(&(group, kind)) {
                    place.kinds.push((group, kind));
                }
            }
        }
    }
    for word in WHOLE {
        by_stem.entry(term_stem(&stemmer, word)).or_default().whole = true;
    }
    Kinds { by_stem }
});

fn parse(table: &str) -> Lexicon {
    let stemmer = stemmer();
    let stem = |word: &str| term_stem(&stemmer, word);
    let rows: Vec<(&str, &str, &str)> = table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            Some((fields.next()?, fields.next()?, fields.next()?))
        })
        .collect();
    // Each word's stems: its own and its irregular forms' ("bought").
    let mut forms: HashMap<&str, Vec<String>> = HashMap::new();
    for (kind, form, word) in &rows {
        if *kind == "@" {
            forms.entry(word).or_default().push(stem(form));
        }
    }
    // A word's stems: its own, its irregular forms', and those of its
    // regular forms that `TERM_SYNONYMS` folds into another word
    // ("convicted" → "guilty").
    let stems = |word: &str| -> Vec<String> {
        let mut all = vec![stem(word)];
        all.extend(forms.get(word).into_iter().flatten().cloned());
        let base = word.strip_suffix('e').unwrap_or(word);
        for form in [
            format!("{word}s"),
            format!("{word}es"),
            format!("{word}d"),
            format!("{word}ed"),
            format!("{base}ing"),
        ] {
            if TERM_SYNONYMS.iter().any(|(w, _)| *w == form) {
                all.push(stem(&form));
            }
        }
        all.sort();
        all.dedup();
        all
    };
    let mut lexicon = Lexicon::default();
    for (abbreviation, words) in UNIT_SPELLINGS {
        let key = stem(abbreviation);
        let words: Vec<String> = words.split(' ').map(stem).collect();
        if words != [key.clone()] {
            lexicon.spelled.insert(key, words);
        }
    }
    for (kind, a, b) in rows {
        for x in stems(a) {
            for y in stems(b) {
                if x == y {
                    continue;
                }
                match kind {
                    "=" => {
                        lexicon.covers.insert((x.clone(), y.clone()));
                        lexicon.covers.insert((y, x.clone()));
                    }
                    ">" => {
                        lexicon.covers.insert((x.clone(), y));
                    }
                    "!" => {
                        lexicon.opposite.insert((x.clone(), y.clone()));
                        lexicon.opposite.insert((y, x.clone()));
                    }
                    _ => {}
                }
            }
        }
    }
    lexicon
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relates_stems_of_words_and_their_forms() {
        let lexicon = &*LEXICON;
        assert!(lexicon.covers("purchas", "buy"));
        assert!(lexicon.covers("buy", "purchas"));
        assert!(lexicon.covers("robber", "thief"));
        assert!(!lexicon.covers("thief", "robber"));
        assert!(lexicon.opposite("acquit", "convict"));
        assert!(lexicon.opposite("convict", "acquit"));
        // "convicted" is folded into "guilty" before stemming.
        assert!(lexicon.opposite("guilti", "acquit"));
        assert!(!lexicon.opposite("buy", "purchas"));
        let terms = |words: &[&str]| words.iter().map(|w| (*w).to_owned()).collect::<BTreeSet<_>>();
        assert_eq!(
            lexicon.spelled_out(&terms(&["twh", "wind"])),
            terms(&["terawatt", "hour", "wind"])
        );
    }

    #[test]
    fn spells_out_units() {
        assert_eq!(spelled_unit("TWh"), "terawatt hour");
        assert_eq!(spelled_unit("terawatt-hours"), "terawatt hour");
        assert_eq!(spelled_unit("km²"), "kilometre");
        assert_eq!(spelled_unit("square km"), "kilometre");
        assert_eq!(spelled_unit("km"), "kilometre");
        assert_eq!(spelled_unit("mph"), "mile per hour");
        assert_eq!(spelled_unit("calendar year"), "calendar year");
    }
}
