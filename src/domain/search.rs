//! Full-text search queries as a person types them. Only the words are kept:
//! the databases' own query syntaxes never see the raw string, so no input
//! can make a query fail to parse.

pub const QUERY_MAX: usize = 500;
pub const WORDS_MAX: usize = 16;
pub const WORD_MAX: usize = 100;

/// The words of a search, lower-cased, in order, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery(Vec<String>);

impl SearchQuery {
    pub fn parse(value: &str) -> Result<Self, String> {
        let length = value.chars().count();
        if length > QUERY_MAX {
            return Err(format!("must be at most {QUERY_MAX} characters (got {length})"));
        }
        let mut words: Vec<String> = Vec::new();
        for word in value.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            if word.is_empty() || words.contains(&word) {
                continue;
            }
            if word.chars().count() > WORD_MAX {
                return Err(format!("has a word longer than {WORD_MAX} characters"));
            }
            words.push(word);
        }
        match words.len() {
            0 => Err("must contain at least one word (letters or digits)".into()),
            n if n > WORDS_MAX => Err(format!("must have at most {WORDS_MAX} words (got {n})")),
            _ => Ok(Self(words)),
        }
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_words() {
        let q = SearchQuery::parse("  Arson attacks: \"17\" OFFICES!! arson ").unwrap();
        assert_eq!(q.words(), ["arson", "attacks", "17", "offices"]);
        assert_eq!(SearchQuery::parse("Kyiv's").unwrap().words(), ["kyiv", "s"]);
        assert_eq!(SearchQuery::parse("Zürich").unwrap().words(), ["zürich"]);
    }

    #[test]
    fn refuses_what_cannot_be_a_search() {
        for junk in ["", "   ", "!!!", "\"*:()&|'", "--"] {
            assert!(SearchQuery::parse(junk).is_err(), "{junk:?}");
        }
        assert!(SearchQuery::parse(&"x".repeat(QUERY_MAX + 1)).is_err());
        assert!(SearchQuery::parse(&"y".repeat(WORD_MAX + 1)).is_err());
        let many: Vec<String> = (0..=WORDS_MAX).map(|i| format!("w{i}")).collect();
        assert!(SearchQuery::parse(&many.join(" ")).is_err());
    }
}
