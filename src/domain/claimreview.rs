//! Publishing a verdict as schema.org ClaimReview (the markup fact-check
//! search features read).

use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use super::DomainError;
use super::article::Article;
use super::claim::{Claim, ClaimStatus};

/// Who publishes the fact-checks.
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub url: String,
    /// The public URL of a fact-check, with `{id}` standing for the claim id.
    pub review_url_template: String,
}

/// The ClaimReview of a verified claim; a claim without an approved verdict
/// has none (409).
pub fn claim_review(
    claim: &Claim,
    article: Option<&Article>,
    publisher: &Publisher,
) -> Result<Value, DomainError> {
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

    let mut rating = Map::new();
    rating.insert("@type".into(), json!("Rating"));
    rating.insert("alternateName".into(), json!(verdict.rating.label()));
    if let Some(score) = verdict.rating.score() {
        rating.insert("ratingValue".into(), json!(score));
        rating.insert("bestRating".into(), json!(5));
        rating.insert("worstRating".into(), json!(1));
    }

    let mut item = Map::new();
    item.insert("@type".into(), json!("Claim"));
    if let Some(claimant) = &claim.content.claimant {
        item.insert(
            "author".into(),
            json!({"@type": "Organization", "name": claimant}),
        );
    }
    if let Some(article) = article {
        if let Some(published) = article.content.published_at {
            item.insert(
                "datePublished".into(),
                json!(published.to_rfc3339_opts(SecondsFormat::Secs, true)),
            );
        }
        if let Some(url) = &article.content.url {
            item.insert(
                "appearance".into(),
                json!({"@type": "CreativeWork", "url": url, "headline": article.content.title}),
            );
        }
    }

    Ok(json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.review_url_template.replace("{id}", &claim.id.to_string()),
        "claimReviewed": claim.content.text.as_str(),
        "datePublished": approved_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": rating,
        "reviewBody": verdict.summary,
        "itemReviewed": item,
    }))
}
