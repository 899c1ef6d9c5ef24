//! Words, numbers and punctuation of one sentence, with byte ranges.

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

pub fn tokenize(text: &str, within: Range) -> Vec<Token> {
    let s = &text[within.start..within.end];
    // About one token per five bytes of news text: one allocation, no regrowth.
    let mut tokens = Vec::with_capacity(s.len() / 4 + 4);
    let mut iter = s.char_indices().peekable();
    let mut spaced = true;
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let start = i;
        let kind = if c.is_ascii_digit() {
            let mut end = i + 1;
            // Digits, with "," before exactly three digits and "." before a digit.
            while let Some(&(j, d)) = iter.peek() {
                let next_is_digit = s[j + d.len_utf8()..].starts_with(|x: char| x.is_ascii_digit());
                let part_of_number = d.is_ascii_digit()
                    || (d == ',' && group_follows(&s[j + 1..]))
                    || (d == '.' && next_is_digit);
                if !part_of_number {
                    break;
                }
                end = j + 1;
                iter.next();
            }
            let suffix_start = end;
            while let Some(&(j, d)) = iter.peek() {
                if d.is_alphabetic() {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            tokens.push(Token {
                kind: Kind::Number {
                    suffix_start: within.start + suffix_start,
                },
                range: Range {
                    start: within.start + start,
                    end: within.start + end,
                },
                spaced,
            });
            spaced = false;
            continue;
        } else if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                let joins = || {
                    matches!(d, '\'' | '’' | '-' | '.')
                        && s[j + d.len_utf8()..].starts_with(|x: char| x.is_alphabetic())
                        && (d != '.' || s[start..j].chars().all(|x| x.is_alphabetic()) && j - start <= 2)
                };
                if d.is_alphanumeric() || joins() {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            tokens.push(Token {
                kind: Kind::Word,
                range: Range {
                    start: within.start + start,
                    end: within.start + end,
                },
                spaced,
            });
            spaced = false;
            continue;
        } else {
            Kind::Punct(c)
        };
        tokens.push(Token {
            kind,
            range: Range {
                start: within.start + start,
                end: within.start + start + c.len_utf8(),
            },
            spaced,
        });
        spaced = false;
    }
    tokens
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
