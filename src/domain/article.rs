use chrono::{DateTime, Utc};

use super::error::{DomainError, Errors};
use super::ids::{ArticleId, UserId};
use super::page;
use super::text;

pub const TITLE_MAX: usize = 500;
pub const BODY_MAX: usize = 1_000_000;
pub use super::weburl::URL_MAX;
pub const NAME_MAX: usize = 200;

/// An article as stored: its content plus bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: ArticleId,
    pub content: ArticleContent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Who created it; `None` for records from before accounts existed.
    pub created_by: Option<UserId>,
}

/// The fields of an article as a client sent them, before any rule is checked.
#[derive(Debug, Default)]
pub struct ArticleFields {
    pub title: String,
    pub body: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub language: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub body: Option<String>,
    pub url: Option<Option<String>>,
    pub outlet: Option<Option<String>>,
    pub author: Option<Option<String>>,
    pub published_at: Option<Option<DateTime<Utc>>>,
    pub language: Option<String>,
}

/// Article content that has passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleContent {
    pub title: String,
    /// Kept byte for byte as sent: claim offsets point into it.
    pub body: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub language: String,
}

impl ArticleContent {
    pub fn parse(fields: ArticleFields) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let title = errors.check("title", text::required(fields.title, TITLE_MAX, true));
        let body = errors.check("body", text::required(fields.body, BODY_MAX, false));
        let url = errors.check("url", fields.url.map(parse_url).transpose());
        let outlet = errors.check("outlet", text::optional(fields.outlet, NAME_MAX));
        let author = errors.check("author", text::optional(fields.author, NAME_MAX));
        let published_at = errors.check(
            "published_at",
            match fields.published_at {
                Some(at) if !page::storable(&at) => Err(page::STORABLE_RANGE.to_owned()),
                at => Ok(at),
            },
        );
        let language = errors.check(
            "language",
            supported_language(fields.language.as_deref().unwrap_or("en")),
        );
        match (title, body, url, outlet, author, published_at, language) {
            (
                Some(title),
                Some(body),
                Some(url),
                Some(outlet),
                Some(author),
                Some(published_at),
                Some(language),
            ) => Ok(Self {
                title,
                body,
                url,
                outlet,
                author,
                published_at,
                language,
            }),
            _ => Err(errors.into_error()),
        }
    }

    /// The content after applying `patch`, checked as a whole.
    pub fn patched(&self, patch: ArticlePatch) -> Result<Self, DomainError> {
        let current = self.clone();
        Self::parse(ArticleFields {
            title: patch.title.unwrap_or(current.title),
            body: patch.body.unwrap_or(current.body),
            url: patch.url.unwrap_or(current.url),
            outlet: patch.outlet.unwrap_or(current.outlet),
            author: patch.author.unwrap_or(current.author),
            published_at: patch.published_at.unwrap_or(current.published_at),
            language: Some(patch.language.unwrap_or(current.language)),
        })
    }
}

impl ArticleContent {
    /// The names of the fields that differ from `other`.
    pub fn changed_fields(&self, other: &ArticleContent) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("title", self.title != other.title);
        check("body", self.body != other.body);
        check("url", self.url != other.url);
        check("outlet", self.outlet != other.outlet);
        check("author", self.author != other.author);
        check("published_at", self.published_at != other.published_at);
        check("language", self.language != other.language);
        changed
    }
}

/// The article fields a published ClaimReview carries (the claim's
/// appearance: where and when it was made).
pub const PUBLISHED_FIELDS: [&str; 3] = ["title", "url", "published_at"];

/// An absolute http(s) URL, normalised (see `weburl::parse`).
fn parse_url(value: String) -> Result<String, String> {
    super::weburl::parse(&value).map(String::from)
}

/// Claim extraction reads English only, so articles must be in English
/// (any regional variant).
pub fn supported_language(value: &str) -> Result<String, String> {
    let tag = parse_language(value)?;
    if tag == "en" || tag.starts_with("en-") {
        Ok(tag)
    } else {
        Err(format!(
            "\"{value}\" is not supported yet: claimdesk reads English (\"en\") only"
        ))
    }
}

/// A BCP 47 style tag such as `en` or `en-GB`, stored lower-case.
fn parse_language(value: &str) -> Result<String, String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(value.to_ascii_lowercase())
    } else {
        Err("must be a language tag such as \"en\" or \"en-GB\"".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ArticleFields {
        ArticleFields {
            title: " Budget vote ".into(),
            body: "The council approved 12 schools.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_and_defaults_language() {
        let a = ArticleContent::parse(fields()).unwrap();
        assert_eq!(a.title, "Budget vote");
        assert_eq!(a.language, "en");
    }

    #[test]
    fn reports_every_bad_field() {
        let bad = ArticleFields {
            title: "".into(),
            body: "\0".into(),
            url: Some("javascript:alert(1)".into()),
            language: Some("english!".into()),
            ..Default::default()
        };
        let Err(DomainError::Invalid(errors)) = ArticleContent::parse(bad) else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body", "url", "language"]);
    }

    #[test]
    fn urls() {
        assert!(parse_url("https://example.org/a?b#c".into()).is_ok());
        assert!(parse_url("HTTP://Example.org".into()).is_ok());
        for bad in [
            "example.org",
            "ftp://x",
            "https://",
            "https://a b",
            "https:///path",
        ] {
            assert!(parse_url(bad.into()).is_err(), "{bad}");
        }
    }

    #[test]
    fn patch_clears_and_keeps() {
        let mut f = fields();
        f.outlet = Some("Daily".into());
        let a = ArticleContent::parse(f).unwrap();
        let p = a
            .patched(ArticlePatch {
                outlet: Some(None),
                title: Some("New".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(p.outlet, None);
        assert_eq!(p.title, "New");
        assert_eq!(p.body, a.body);
    }
}
