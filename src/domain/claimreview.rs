//! Publishing a verdict as schema.org ClaimReview (the markup fact-check
//! search features read).

use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

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

/// The ClaimReview of a verified claim, citing its sources; a claim without
/// an approved verdict has none (409).
pub fn claim_review(
    claim: &Claim,
    article: Option<&Article>,
    sources: &[Source],
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

    let citations: Vec<Value> = sources
        .iter()
        .map(|source| {
            let mut cited = Map::new();
            cited.insert("@type".into(), json!("CreativeWork"));
            cited.insert("url".into(), json!(source.content.url));
            if let Some(title) = &source.content.title {
                cited.insert("name".into(), json!(title));
            }
            if let Some(publisher) = &source.content.publisher {
                cited.insert(
                    "publisher".into(),
                    json!({"@type": "Organization", "name": publisher}),
                );
            }
            Value::Object(cited)
        })
        .collect();

    Ok(json!({
        "@context": "https://schema.org",
        "citation": citations,
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

/// Serialises JSON-LD so that it can be pasted inside an HTML `<script>`
/// element as it is: `<`, `>` and `&` (which could close the element or
/// start markup) and U+2028/U+2029 (line ends to older JavaScript parsers)
/// are written as `\uXXXX` escapes, which mean the same to a JSON reader.
pub fn to_script_safe_json(value: &Value) -> String {
    let plain = value.to_string();
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
