//! BERT's uncased tokenizer: clean-up, lower case without accents, words
//! split at spaces and punctuation (each CJK character a word), and each
//! word cut into the longest pieces in the vocabulary (`##` marks a piece
//! that continues a word). It follows Hugging Face `tokenizers` (0.23, the
//! model's `tokenizer.json`), with two known differences: `[CLS]`, `[SEP]`
//! and the other special tokens typed in a text are plain words here (no
//! one can inject them), and characters newer than `tokenizers`' Unicode
//! tables (about 700, in rare scripts) are classed by current Unicode.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::Error;

/// A word longer than this is one unknown token.
const WORD_MAX_CHARS: usize = 100;

pub struct WordPiece {
    ids: HashMap<String, u32>,
    cls: u32,
    sep: u32,
    unk: u32,
}

impl WordPiece {
    /// `vocab` is `vocab.txt`: one token a line, its id the line number.
    pub fn new(vocab: &str) -> Result<Self, Error> {
        let ids: HashMap<String, u32> = vocab
            .lines()
            .enumerate()
            .map(|(i, token)| (token.to_owned(), i as u32))
            .collect();
        let id = |token: &'static str| ids.get(token).copied().ok_or(Error::Vocab(token));
        Ok(WordPiece {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            unk: id("[UNK]")?,
            ids,
        })
    }

    /// `[CLS]`, the pieces of `text`, `[SEP]`: at most `max` ids.
    pub fn encode(&self, text: &str, max: usize) -> Vec<u32> {
        let mut out = vec![self.cls];
        let limit = max.saturating_sub(1);
        // Each word is at least one token, so no more are needed.
        'words: for word in words(text, limit) {
            for id in self.pieces(&word) {
                if out.len() >= limit {
                    break 'words;
                }
                out.push(id);
            }
        }
        out.push(self.sep);
        out
    }

    fn pieces(&self, word: &str) -> Vec<u32> {
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        if chars.len() > WORD_MAX_CHARS {
            return vec![self.unk];
        }
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut key = String::new();
        while start < chars.len() {
            let from = chars[start].0;
            let found = (start + 1..=chars.len()).rev().find_map(|end| {
                let to = chars.get(end).map_or(word.len(), |c| c.0);
                key.clear();
                if start > 0 {
                    key.push_str("##");
                }
                key.push_str(&word[from..to]);
                self.ids.get(&key).map(|id| (end, *id))
            });
            match found {
                Some((end, id)) => {
                    pieces.push(id);
                    start = end;
                }
                None => return vec![self.unk],
            }
        }
        pieces
    }
}

/// The text's first `max` words after BERT's clean-up, lower-casing and
/// accent stripping, split at punctuation.
fn words(text: &str, max: usize) -> Vec<String> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else if is_space(c) {
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    let mut words = Vec::new();
    for token in cleaned.split(' ').filter(|t| !t.is_empty()) {
        if words.len() >= max {
            break;
        }
        // Accents off, then lower case one character at a time, as
        // `tokenizers` does (`str::to_lowercase` would write a final
        // sigma, which the vocabulary does not have).
        let plain: String = token
            .nfd()
            .filter(|c| c.general_category() != GeneralCategory::NonspacingMark)
            .flat_map(char::to_lowercase)
            .collect();
        let mut word = String::new();
        for c in plain.chars() {
            if is_punctuation(c) {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                words.push(c.to_string());
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// Control characters are dropped before this is asked.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Format, control, surrogate and private-use characters, but not
/// unassigned ones (`tokenizers` keeps those, as unknown tokens).
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r')
        && c.general_category_group() == GeneralCategoryGroup::Other
        && c.general_category() != GeneralCategory::Unassigned
}

/// ASCII symbols count as punctuation too ("$", "^", "`"), as in BERT.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        // Not 0x2B820: `tokenizers` has this typo, and it is the reference.
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}
