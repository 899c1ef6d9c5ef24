//! Full-text search queries as a person types them. Only the words are kept:
//! the databases' own query syntaxes never see the raw string, so no input
//! can make a query fail to parse.

pub const QUERY_MAX: usize = 500;
pub const WORDS_MAX: usize = 16;
pub const WORD_MAX: usize = 100;

/// Words too common to search by: PostgreSQL's `english` configuration
/// (the Snowball list it ships, 127 words) drops them from texts and
/// queries, so they are dropped here for both databases; SQLite's FTS5
/// would otherwise require them and find fewer (or, for "the" alone,
/// other) claims than PostgreSQL.
const STOP_WORDS: [&str; 127] = [
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// The words of a search, lower-cased, in order, without repeats or
/// `STOP_WORDS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery(Vec<String>);

impl SearchQuery {
    pub fn parse(value: &str) -> Result<Self, String> {
        let length = value.chars().count();
        if length > QUERY_MAX {
            return Err(format!("must be at most {QUERY_MAX} characters (got {length})"));
        }
        let mut words: Vec<String> = Vec::new();
        let mut common = false;
        for word in value.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            if word.is_empty() || words.contains(&word) {
                continue;
            }
            if STOP_WORDS.contains(&word.as_str()) {
                common = true;
                continue;
            }
            if word.chars().count() > WORD_MAX {
                return Err(format!("has a word longer than {WORD_MAX} characters"));
            }
            words.push(word);
        }
        match words.len() {
            0 if common => Err(
                "must contain a word other than the ones every text has (\"the\", \"is\", \"of\" …)".into(),
            ),
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
        assert_eq!(SearchQuery::parse("Kyiv's").unwrap().words(), ["kyiv"]);
        assert_eq!(
            SearchQuery::parse("It is the ferries").unwrap().words(),
            ["ferries"]
        );
        assert_eq!(SearchQuery::parse("Zürich").unwrap().words(), ["zürich"]);
    }

    #[test]
    fn refuses_what_cannot_be_a_search() {
        for junk in ["", "   ", "!!!", "\"*:()&|'", "--", "the", "it is"] {
            assert!(SearchQuery::parse(junk).is_err(), "{junk:?}");
        }
        assert!(SearchQuery::parse(&"x".repeat(QUERY_MAX + 1)).is_err());
        assert!(SearchQuery::parse(&"y".repeat(WORD_MAX + 1)).is_err());
        let many: Vec<String> = (0..=WORDS_MAX).map(|i| format!("w{i}")).collect();
        assert!(SearchQuery::parse(&many.join(" ")).is_err());
    }
}
