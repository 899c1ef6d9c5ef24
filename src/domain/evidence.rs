//! Sources: the evidence for and against a claim.

use chrono::{DateTime, Utc};

use super::error::{DomainError, Errors};
use super::ids::{ClaimId, SourceId, UserId};
use super::text;

pub use super::weburl::URL_MAX;
pub const TITLE_MAX: usize = 500;
pub const PUBLISHER_MAX: usize = 200;
pub const NOTE_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Supports,
    Refutes,
    Context,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Supports => "supports",
            Stance::Refutes => "refutes",
            Stance::Context => "context",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Stance::Supports, Stance::Refutes, Stance::Context]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: SourceId,
    pub claim_id: ClaimId,
    pub content: SourceContent,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceContent {
    /// As given (trimmed).
    pub url: String,
    /// Scheme and host lower-cased, default port and fragment dropped: two
    /// spellings of one page compare equal.
    pub normalized_url: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub stance: Stance,
    pub note: Option<String>,
}

/// A source as a client sent it.
#[derive(Debug)]
pub struct SourceFields {
    pub url: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub stance: Stance,
    pub note: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct SourcePatch {
    pub url: Option<String>,
    pub title: Option<Option<String>>,
    pub publisher: Option<Option<String>>,
    pub stance: Option<Stance>,
    pub note: Option<Option<String>>,
}

impl SourceContent {
    pub fn parse(fields: SourceFields) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let urls = errors.check("url", normalize_url(&fields.url));
        let title = errors.check("title", text::optional(fields.title, TITLE_MAX));
        let publisher = errors.check("publisher", text::optional(fields.publisher, PUBLISHER_MAX));
        let note = errors.check("note", text::optional(fields.note, NOTE_MAX));
        match (urls, title, publisher, note) {
            (Some((url, normalized_url)), Some(title), Some(publisher), Some(note)) => Ok(Self {
                url,
                normalized_url,
                title,
                publisher,
                stance: fields.stance,
                note,
            }),
            _ => Err(errors.into_error()),
        }
    }

    pub fn patched(&self, patch: SourcePatch) -> Result<Self, DomainError> {
        let current = self.clone();
        Self::parse(SourceFields {
            url: patch.url.unwrap_or(current.url),
            title: patch.title.unwrap_or(current.title),
            publisher: patch.publisher.unwrap_or(current.publisher),
            stance: patch.stance.unwrap_or(current.stance),
            note: patch.note.unwrap_or(current.note),
        })
    }
}

/// Checks an evidence URL and returns it as stored and shown (normalised by
/// `weburl::parse`), and without its fragment, for spotting duplicates.
pub fn normalize_url(value: &str) -> Result<(String, String), String> {
    let mut parsed = super::weburl::parse(value)?;
    let shown = parsed.to_string();
    parsed.set_fragment(None);
    Ok((shown, parsed.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised() {
        let norm = |u: &str| normalize_url(u).map(|(_, n)| n);
        assert_eq!(
            norm("HTTPS://Example.ORG:443/Report?id=7#page2").unwrap(),
            "https://example.org/Report?id=7"
        );
        assert_eq!(norm("http://example.org:80").unwrap(), "http://example.org/");
        assert_eq!(
            norm("http://example.org:8080/x").unwrap(),
            "http://example.org:8080/x"
        );
        for bad in [
            "javascript:alert(1)",
            "report",
            "ftp://example.org/x",
            "https://",
            "",
            "mailto:a@b.c",
        ] {
            assert!(normalize_url(bad).is_err(), "{bad}");
        }
        assert!(normalize_url(&format!("https://example.org/{}", "a".repeat(2048))).is_err());
    }
}
