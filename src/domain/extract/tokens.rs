//! Words, numbers and punctuation of one sentence, with byte ranges.

use super::lexicon;
use super::sentences::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters, with inner apostrophes, hyphens or digits ("Putin’s", "long-range", "G7").
    Word,
    /// Digits with inner group commas or a decimal point; `suffix` holds
    /// letters glued to the end ("4.5bn", "1st", "10am", "1990s").
    Number { suffix_start: usize },
    /// Any other single character.
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: Kind,
    pub range: Range,
    /// White space separates it from the previous token.
    pub spaced: bool,
    /// The word lists a word is on (`classify::class_of`), looked up once.
    pub class: u16,
}

impl Token {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.range.start..self.range.end]
    }

    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct(c)
    }
}

/// Whether token `i` is the word `expected` (ASCII), in any case: for an
/// ASCII word that is the same as lowering the token and comparing, without
/// lowering it.
pub fn is_word(text: &str, tokens: &[Token], i: usize, expected: &str) -> bool {
    tokens
        .get(i)
        .is_some_and(|t| t.is_word() && t.text(text).eq_ignore_ascii_case(expected))
}

pub fn tokenize(text: &str, within: Range) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, within, &mut tokens);
    tokens
}

/// `tokenize` into a buffer that is cleared first, so that one allocation
/// serves every sentence of a text.
pub fn tokenize_into(text: &str, within: Range, tokens: &mut Vec<Token>) {
    let s = &text[within.start..within.end];
    tokens.clear();
    // About one token per five bytes of news text: one allocation, no regrowth.
    tokens.reserve(s.len() / 4 + 4);
    let mut spaced = true;
    let mut plain = false;
    let mut i = 0;
    while let Some(c) = char_at(s, i) {
        let start = i;
        i += c.len_utf8();
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let kind = if c.is_ascii_digit() {
            let mut end = i;
            // Digits, with "," before exactly three digits and "." before a digit.
            while let Some(d) = char_at(s, end) {
                let next_is_digit = s
                    .as_bytes()
                    .get(end + d.len_utf8())
                    .is_some_and(u8::is_ascii_digit);
                let part_of_number = d.is_ascii_digit()
                    || (d == ',' && group_follows(&s[end + 1..]))
                    || (d == '.' && next_is_digit);
                if !part_of_number {
                    break;
                }
                end += 1;
            }
            let suffix_start = end;
            while let Some(d) = char_at(s, end).filter(|d| d.is_alphabetic()) {
                end += d.len_utf8();
            }
            i = end;
            Kind::Number {
                suffix_start: within.start + suffix_start,
            }
        } else if c.is_alphabetic() {
            let mut end = i;
            // ASCII, with no hyphen: its class is exact (see below).
            plain = c.is_ascii();
            let bytes = s.as_bytes();
            loop {
                // ASCII letters and digits, the bulk of a word, go straight on.
                while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                    end += 1;
                }
                let Some(d) = char_at(s, end) else {
                    break;
                };
                let after = end + d.len_utf8();
                let joins = || {
                    matches!(d, '\'' | '’' | '-' | '.')
                        && char_at(s, after).is_some_and(|x| x.is_alphabetic())
                        && (d != '.' || s[start..end].chars().all(|x| x.is_alphabetic()) && end - start <= 2)
                };
                if d.is_alphanumeric() || joins() {
                    plain &= d.is_ascii() && d != '-';
                    end = after;
                } else {
                    break;
                }
            }
            i = end;
            Kind::Word
        } else {
            Kind::Punct(c)
        };
        tokens.push(Token {
            kind,
            range: Range {
                start: within.start + start,
                end: within.start + i,
            },
            spaced,
            class: if kind == Kind::Word {
                word_class(&s[start..i], plain)
            } else {
                0
            },
        });
        spaced = false;
    }
}

/// A word's classes, with the quantity-starter bit made exact: for plain
/// ASCII words the look-up gives it; others ("twenty-one", "Ökonom") are
/// asked again, and may all be number words.
fn word_class(word: &str, plain: bool) -> u16 {
    let class = super::classify::class_of(word);
    if plain {
        class
    } else if lexicon::word_may_start_quantity(word) {
        class | lexicon::QUANTITY_STARTER | lexicon::NUMBER_WORD
    } else {
        (class & !lexicon::QUANTITY_STARTER) | lexicon::NUMBER_WORD
    }
}

/// The character starting at byte `i` of `s`, ASCII without decoding.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    match *s.as_bytes().get(i)? {
        b if b.is_ascii() => Some(char::from(b)),
        _ => s[i..].chars().next(),
    }
}

fn group_follows(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit) && !b.get(3).is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let text = "About 300,000 troops, 3.7% and $4.5bn in 24-hour waits; Putin’s G7 1st.";
        let toks = tokenize(
            text,
            Range {
                start: 0,
                end: text.len(),
            },
        );
        let got: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
        assert_eq!(
            got,
            [
                "About",
                "300,000",
                "troops",
                ",",
                "3.7",
                "%",
                "and",
                "$",
                "4.5bn",
                "in",
                "24",
                "-",
                "hour",
                "waits",
                ";",
                "Putin’s",
                "G7",
                "1st",
                "."
            ]
        );
    }
}
