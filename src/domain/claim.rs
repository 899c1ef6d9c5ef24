use chrono::{DateTime, Utc};

use super::error::{DomainError, Errors};
use super::extract::Analysis;
use super::ids::{ArticleId, ClaimId, FactCheckId, UserId};
use super::page;
use super::search::SearchQuery;
use super::text;
use super::workflow::Rating;

pub const TEXT_MAX: usize = 2000;
pub const CLAIMANT_MAX: usize = 200;

/// The words of a claim, exactly as they appear in the source (never trimmed,
/// so that offsets into the article keep selecting them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimText(String);

impl ClaimText {
    pub fn parse(value: String) -> Result<Self, String> {
        text::required(value, TEXT_MAX, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimStatus {
    Unverified,
    InProgress,
    InReview,
    Verified,
    Dismissed,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 5] = [
        Self::Unverified,
        Self::InProgress,
        Self::InReview,
        Self::Verified,
        Self::Dismissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::InProgress => "in_progress",
            Self::InReview => "in_review",
            Self::Verified => "verified",
            Self::Dismissed => "dismissed",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|s| s.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }
}

/// Code-point offsets into an article body, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: ClaimId,
    pub article_id: Option<ArticleId>,
    pub content: ClaimContent,
    pub status: ClaimStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Who created it; `None` for records from before accounts existed.
    pub created_by: Option<UserId>,
    /// What the extractor makes of its text.
    pub analysis: Analysis,
    /// The checker working on it.
    pub assignee: Option<UserId>,
    /// The current verdict: proposed, and approved once verified.
    pub verdict: Option<VerdictRecord>,
    /// The closest repeat of this claim, found in another article, that
    /// already carries an approved verdict.
    pub similar_verified: Option<VerifiedMatch>,
    /// The best of other publishers' fact-checks that the claim repeats.
    pub similar_external: Option<ExternalMatch>,
}

/// A repeat of a claim that has already been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedMatch {
    pub claim_id: ClaimId,
    pub score: f64,
    pub rating: Rating,
    pub summary: String,
    pub approved_at: DateTime<Utc>,
}

/// Another publisher's fact-check of a claim this one repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalMatch {
    pub fact_check_id: FactCheckId,
    pub score: f64,
    pub publisher: String,
    pub review_url: String,
    pub claim_reviewed: String,
    /// The publisher's verdict in its own words, when it gives them.
    pub rating: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRecord {
    pub rating: Rating,
    pub summary: String,
    pub proposed_by: UserId,
    pub proposed_at: DateTime<Utc>,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// What a person may edit on a claim, after every rule has passed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimContent {
    pub text: ClaimText,
    /// Where the text sits in its article; `None` when standalone or when the
    /// article no longer contains it.
    pub span: Option<Span>,
    pub claimant: Option<String>,
}

/// Which claims a listing returns, and in what order.
#[derive(Debug, Default, Clone)]
pub struct ClaimFilter {
    pub article_id: Option<ArticleId>,
    pub status: Option<ClaimStatus>,
    pub assignee: Option<UserId>,
    pub rating: Option<Rating>,
    /// Full-text search over the text, claimant and article title.
    pub search: Option<SearchQuery>,
    /// Only claims created or last changed inside these bounds (each
    /// exclusive).
    pub times: TimeRange,
    pub order: ClaimOrder,
}

/// Bounds on when claims were created and last changed; each is exclusive
/// and any may be absent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub updated_after: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
}

impl TimeRange {
    /// Refuses bounds that no claim could meet, naming the query parameter.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut errors = Errors::default();
        for (at, field) in [
            (self.created_after, "created_after"),
            (self.created_before, "created_before"),
            (self.updated_after, "updated_after"),
            (self.updated_before, "updated_before"),
        ] {
            if at.is_some_and(|at| !page::storable(&at)) {
                errors.add(field, page::STORABLE_RANGE);
            }
        }
        for (after, before, field) in [
            (self.created_after, self.created_before, "created_before"),
            (self.updated_after, self.updated_before, "updated_before"),
        ] {
            if let (Some(after), Some(before)) = (after, before)
                && after >= before
            {
                let bound = field.replace("before", "after");
                errors.add(field, format!("must be later than {bound}"));
            }
        }
        errors.into_result()
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOrder {
    /// Newest first by creation.
    #[default]
    Created,
    /// Newest first by last change.
    Updated,
    /// Best match for the search first.
    Relevance,
}

impl ClaimOrder {
    /// The order asked for, or relevance when searching and nothing was asked.
    pub fn choose(asked: Option<ClaimOrder>, searching: bool) -> Result<Self, String> {
        match (asked, searching) {
            (Some(ClaimOrder::Relevance), false) => Err("relevance needs a search: give q as well".into()),
            (Some(order), _) => Ok(order),
            (None, true) => Ok(ClaimOrder::Relevance),
            (None, false) => Ok(ClaimOrder::Created),
        }
    }
}

/// A new claim as a client sent it. `start`/`end` are optional: when an
/// article is named and they are left out, the text is looked up in the body.
#[derive(Debug, Default)]
pub struct ClaimFields {
    pub text: String,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub claimant: Option<String>,
}

/// A partial update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ClaimPatch {
    pub text: Option<String>,
    pub start: Option<Option<i64>>,
    pub end: Option<Option<i64>>,
    pub claimant: Option<Option<String>>,
}

enum SpanRequest {
    Keep,
    Locate,
    Clear,
    At(i64, i64),
}

impl ClaimContent {
    /// `body` is the body of the claim's article, or `None` for a standalone claim.
    pub fn parse(fields: ClaimFields, body: Option<&str>) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let text = errors.check("text", ClaimText::parse(fields.text));
        let claimant = errors.check("claimant", text::optional(fields.claimant, CLAIMANT_MAX));
        let request = errors.check("end", span_request(fields.start, fields.end, SpanRequest::Locate));
        let span = match (&text, request) {
            (Some(text), Some(request)) => errors.check("start", resolve_span(body, text, request, None)),
            _ => None,
        };
        match (text, claimant, span) {
            (Some(text), Some(claimant), Some(span)) => Ok(Self { text, span, claimant }),
            _ => Err(errors.into_error()),
        }
    }

    /// The content after applying `patch`. Changing the text of a claim in an
    /// article re-anchors it unless new offsets are given.
    pub fn patched(&self, patch: ClaimPatch, body: Option<&str>) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let text = match patch.text {
            Some(t) => errors.check("text", ClaimText::parse(t)),
            None => Some(self.text.clone()),
        };
        let claimant = match patch.claimant {
            Some(c) => errors.check("claimant", text::optional(c, CLAIMANT_MAX)),
            None => Some(self.claimant.clone()),
        };
        let request = if patch.start.is_some() || patch.end.is_some() {
            let current = |side: fn(&Span) -> usize| self.span.as_ref().map(|s| side(s) as i64);
            let start = patch.start.unwrap_or_else(|| current(|s| s.start));
            let end = patch.end.unwrap_or_else(|| current(|s| s.end));
            errors.check("end", span_request(start, end, SpanRequest::Clear))
        } else if text.as_ref() != Some(&self.text) {
            Some(SpanRequest::Locate)
        } else {
            Some(SpanRequest::Keep)
        };
        let span = match (&text, request) {
            (Some(text), Some(request)) => {
                errors.check("start", resolve_span(body, text, request, self.span))
            }
            _ => None,
        };
        match (text, claimant, span) {
            (Some(text), Some(claimant), Some(span)) => Ok(Self { text, span, claimant }),
            _ => Err(errors.into_error()),
        }
    }

    /// Finds the claim again after its article's body changed: the same
    /// offsets if they still select the text, else its first occurrence, else
    /// nowhere. The claim itself is never dropped.
    pub fn reanchored(&self, body: &str) -> Option<Span> {
        let still_there = self
            .span
            .filter(|s| text::slice_chars(body, s.start, s.end) == Some(self.text.as_str()));
        still_there.or_else(|| locate(body, &self.text))
    }
}

fn span_request(
    start: Option<i64>,
    end: Option<i64>,
    when_absent: SpanRequest,
) -> Result<SpanRequest, String> {
    match (start, end) {
        (Some(start), Some(end)) => Ok(SpanRequest::At(start, end)),
        (None, None) => Ok(when_absent),
        _ => Err("start and end must be given together".into()),
    }
}

fn locate(body: &str, text: &ClaimText) -> Option<Span> {
    text::find_chars(body, text.as_str()).map(|start| Span {
        start,
        end: start + text::char_len(text.as_str()),
    })
}

fn resolve_span(
    body: Option<&str>,
    text: &ClaimText,
    request: SpanRequest,
    current: Option<Span>,
) -> Result<Option<Span>, String> {
    let Some(body) = body else {
        return match request {
            SpanRequest::At(..) => Err(
                "start and end need an article_id: a claim without an article has no text to point into"
                    .into(),
            ),
            _ => Ok(None),
        };
    };
    match request {
        SpanRequest::Keep => Ok(current),
        SpanRequest::Clear => Ok(None),
        SpanRequest::Locate => Ok(locate(body, text)),
        SpanRequest::At(start, end) => {
            let len = text::char_len(body);
            if start < 0 || end <= start || end as u64 > len as u64 {
                return Err(format!(
                    "start and end must satisfy 0 <= start < end <= {len} (the article body's length in code points); got {start}..{end}"
                ));
            }
            let (start, end) = (start as usize, end as usize);
            let selected = text::slice_chars(body, start, end).unwrap_or_default();
            if selected != text.as_str() {
                let shown: String = selected.chars().take(80).collect();
                return Err(format!(
                    "offsets {start}..{end} select \"{shown}\" in the article body, which is not the claim text; offsets count Unicode code points"
                ));
            }
            Ok(Some(Span { start, end }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Officials said 17 offices were torched. Café owners counted 300,000 troops.";

    fn fields(text: &str, start: Option<i64>, end: Option<i64>) -> ClaimFields {
        ClaimFields {
            text: text.into(),
            start,
            end,
            claimant: None,
        }
    }

    #[test]
    fn exact_offsets_are_accepted() {
        let c = ClaimContent::parse(fields("17 offices", Some(15), Some(25)), Some(BODY)).unwrap();
        assert_eq!(c.span, Some(Span { start: 15, end: 25 }));
    }

    #[test]
    fn offsets_count_code_points() {
        // "é" is two bytes but one code point.
        let start = BODY.chars().position(|c| c == 'C').unwrap() as i64;
        let c = ClaimContent::parse(fields("Café", Some(start), Some(start + 4)), Some(BODY)).unwrap();
        assert_eq!(c.span.unwrap().end - c.span.unwrap().start, 4);
    }

    #[test]
    fn wrong_or_impossible_offsets_are_rejected() {
        for (s, e) in [(14, 24), (-1, 3), (5, 5), (0, 10_000), (10, 2)] {
            let r = ClaimContent::parse(fields("17 offices", Some(s), Some(e)), Some(BODY));
            assert!(matches!(r, Err(DomainError::Invalid(_))), "{s}..{e}");
        }
        let half = ClaimContent::parse(fields("17 offices", Some(15), None), Some(BODY));
        assert!(half.is_err());
        let standalone = ClaimContent::parse(fields("17 offices", Some(15), Some(25)), None);
        assert!(standalone.is_err());
    }

    #[test]
    fn missing_offsets_are_located() {
        let c = ClaimContent::parse(fields("300,000 troops", None, None), Some(BODY)).unwrap();
        let s = c.span.unwrap();
        assert_eq!(text::slice_chars(BODY, s.start, s.end), Some("300,000 troops"));
        let elsewhere = ClaimContent::parse(fields("not in the body", None, None), Some(BODY)).unwrap();
        assert_eq!(elsewhere.span, None);
    }

    #[test]
    fn patching_text_reanchors_and_clearing_offsets_unanchors() {
        let c = ClaimContent::parse(fields("17 offices", None, None), Some(BODY)).unwrap();
        let moved = c
            .patched(
                ClaimPatch {
                    text: Some("300,000 troops".into()),
                    ..Default::default()
                },
                Some(BODY),
            )
            .unwrap();
        assert_eq!(
            text::slice_chars(BODY, moved.span.unwrap().start, moved.span.unwrap().end),
            Some("300,000 troops")
        );
        let cleared = c
            .patched(
                ClaimPatch {
                    start: Some(None),
                    end: Some(None),
                    ..Default::default()
                },
                Some(BODY),
            )
            .unwrap();
        assert_eq!(cleared.span, None);
        let bad = c.patched(
            ClaimPatch {
                start: Some(Some(0)),
                ..Default::default()
            },
            Some(BODY),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn reanchoring_follows_the_text() {
        let c = ClaimContent::parse(fields("17 offices", None, None), Some(BODY)).unwrap();
        let edited = format!("Update: {BODY}");
        let span = c.reanchored(&edited).unwrap();
        assert_eq!(
            text::slice_chars(&edited, span.start, span.end),
            Some("17 offices")
        );
        assert_eq!(c.reanchored("nothing here"), None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(s.as_str()), Ok(s));
        }
        assert!(ClaimStatus::parse("done").is_err());
    }
}
