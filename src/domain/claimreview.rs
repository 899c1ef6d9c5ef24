//! Publishing a verdict as schema.org ClaimReview (the markup fact-check
//! search features read).

use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::ToSchema;

use super::DomainError;
use super::article::Article;
use super::claim::{Claim, ClaimStatus};
use super::evidence::Source;

/// Who publishes the fact-checks.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub url: String,
    /// The public URL of a fact-check, with `{id}` standing for the claim id.
    pub review_url_template: String,
}

/// A schema.org `ClaimReview`: one fact-check's verdict on one claim, as
/// search engines and fact-check aggregators read it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClaimReview {
    #[serde(rename = "@context")]
    pub context: SchemaOrg,
    #[serde(rename = "@type")]
    pub kind: ClaimReviewType,
    /// The public page of the fact-check.
    #[schema(format = "uri")]
    pub url: String,
    /// The claim, in the words it was recorded in.
    pub claim_reviewed: String,
    /// When the verdict was approved (RFC 3339).
    #[schema(format = "date-time")]
    pub date_published: String,
    /// The desk that published the fact-check.
    pub author: Organization,
    pub review_rating: Rating,
    /// The verdict's summary.
    pub review_body: String,
    pub item_reviewed: ReviewedClaim,
    /// The sources the verdict rests on.
    pub citation: Vec<Citation>,
}

/// Always `https://schema.org`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum SchemaOrg {
    #[serde(rename = "https://schema.org")]
    SchemaOrg,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum ClaimReviewType {
    ClaimReview,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum OrganizationType {
    Organization,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum RatingType {
    Rating,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum ClaimType {
    Claim,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub enum CreativeWorkType {
    CreativeWork,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Organization {
    #[serde(rename = "@type")]
    pub kind: OrganizationType,
    pub name: String,
    /// Present for the publishing desk; absent for a claimant.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, format = "uri")]
    pub url: Option<String>,
}

/// The verdict. A rating on the 1–5 truth scale (false … true) also has
/// `ratingValue`, `bestRating` 5 and `worstRating` 1; the others
/// (misleading, unproven) have only their name.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    #[serde(rename = "@type")]
    pub kind: RatingType,
    /// The verdict's label, e.g. "Mostly false".
    pub alternate_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    pub rating_value: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub best_rating: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub worst_rating: Option<u8>,
}

/// The claim reviewed: who made it, and where and when it appeared (when
/// its article says).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedClaim {
    #[serde(rename = "@type")]
    pub kind: ClaimType,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub author: Option<Organization>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, format = "date-time")]
    pub date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub appearance: Option<Appearance>,
}

/// The article the claim appeared in.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Appearance {
    #[serde(rename = "@type")]
    pub kind: CreativeWorkType,
    #[schema(format = "uri")]
    pub url: String,
    pub headline: String,
}

/// A source the verdict cites.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Citation {
    #[serde(rename = "@type")]
    pub kind: CreativeWorkType,
    #[schema(format = "uri")]
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub publisher: Option<Organization>,
}

fn organization(name: &str, url: Option<&str>) -> Organization {
    Organization {
        kind: OrganizationType::Organization,
        name: name.to_owned(),
        url: url.map(str::to_owned),
    }
}

/// The ClaimReview of a verified claim, citing its sources; a claim without
/// an approved verdict has none (409).
pub fn claim_review(
    claim: &Claim,
    article: Option<&Article>,
    sources: &[Source],
    publisher: &Publisher,
) -> Result<ClaimReview, DomainError> {
    let verdict = claim
        .verdict
        .as_ref()
        .filter(|v| claim.status == ClaimStatus::Verified && v.approved_at.is_some())
        .ok_or_else(|| {
            DomainError::Conflict(format!(
                "the claim is {}; only a verified claim has a ClaimReview",
                claim.status.as_str()
            ))
        })?;
    let approved_at = verdict.approved_at.unwrap_or(verdict.proposed_at);
    let score = verdict.rating.score();
    let rating = Rating {
        kind: RatingType::Rating,
        alternate_name: verdict.rating.label().to_owned(),
        rating_value: score,
        best_rating: score.map(|_| 5),
        worst_rating: score.map(|_| 1),
    };
    let item = ReviewedClaim {
        kind: ClaimType::Claim,
        author: claim.content.claimant.as_deref().map(|c| organization(c, None)),
        date_published: article
            .and_then(|a| a.content.published_at)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        appearance: article.and_then(|a| {
            a.content.url.as_ref().map(|url| Appearance {
                kind: CreativeWorkType::CreativeWork,
                url: url.clone(),
                headline: a.content.title.clone(),
            })
        }),
    };
    let citation = sources
        .iter()
        .map(|source| Citation {
            kind: CreativeWorkType::CreativeWork,
            url: source.content.url.clone(),
            name: source.content.title.clone(),
            publisher: source.content.publisher.as_deref().map(|p| organization(p, None)),
        })
        .collect();
    Ok(ClaimReview {
        context: SchemaOrg::SchemaOrg,
        kind: ClaimReviewType::ClaimReview,
        url: publisher
            .review_url_template
            .replace("{id}", &claim.id.to_string()),
        claim_reviewed: claim.content.text.as_str().to_owned(),
        date_published: approved_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        author: organization(&publisher.name, Some(&publisher.url)),
        review_rating: rating,
        review_body: verdict.summary.clone(),
        item_reviewed: item,
        citation,
    })
}

/// Serialises JSON-LD so that it can be pasted inside an HTML `<script>`
/// element as it is: `<`, `>` and `&` (which could close the element or
/// start markup) and U+2028/U+2029 (line ends to older JavaScript parsers)
/// are written as `\uXXXX` escapes, which mean the same to a JSON reader.
pub fn to_script_safe_json(value: &impl Serialize) -> String {
    // Serialising plain data with string keys cannot fail.
    let plain = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(plain.len() + 16);
    for c in plain.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn script_safe_json_escapes_markup_and_line_separators() {
        let value = json!({"author": "</script><script>alert(1)</script> & co\u{2028}\u{2029}"});
        let text = to_script_safe_json(&value);
        for raw in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(raw), "{text}");
        }
        assert!(text.contains("\\u003c/script\\u003e"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "escapes mean the same to a JSON reader");
    }
}
