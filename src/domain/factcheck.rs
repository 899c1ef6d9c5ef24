//! Other publishers' fact-checks: schema.org ClaimReview as fact-checkers
//! publish it (one by one, in a `DataFeed`, or as a JSON array), read into
//! external fact-checks that repeated-claim matching compares claims with.
//! Reading is lenient where publishers differ (a name or an object, a value
//! or a list, a number or a numeric string) and strict where a desk relies
//! on the value (URLs, dates, the claim and the rating).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::claim::TEXT_MAX;
use super::evidence::normalize_url;
use super::ids::FactCheckId;
use super::page;
use super::text;

/// The longest publisher name, claimant or rating label kept.
pub const NAME_MAX: usize = 500;

/// What a ClaimReview says, once read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FactCheckContent {
    /// The review's page, normalised.
    pub review_url: String,
    /// `review_url` without its fragment: one fact-check per key.
    pub review_url_key: String,
    pub publisher_name: String,
    pub publisher_url: Option<String>,
    /// The claim as the fact-checker stated it.
    pub claim_reviewed: String,
    /// Who made the claim (`itemReviewed.author.name`).
    pub claimant: Option<String>,
    pub rating: ExternalRating,
    pub date_published: Option<DateTime<Utc>>,
    /// Where the claim appeared (`itemReviewed.appearance` or
    /// `firstAppearance`).
    pub appearance_url: Option<String>,
    /// The ClaimReview as it was given, compact JSON.
    pub body: String,
}

/// A publisher's verdict, on its own scale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExternalRating {
    /// The verdict's words (`alternateName`), e.g. "False".
    pub name: Option<String>,
    pub value: Option<f64>,
    pub best: Option<f64>,
    pub worst: Option<f64>,
}

/// An external fact-check as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FactCheck {
    pub id: FactCheckId,
    pub content: FactCheckContent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One ClaimReview found in an import, where it was, and what it says or
/// why it was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Its position among the elements of the feed or array.
    pub index: usize,
    /// Its place in the document, as a JSON Pointer.
    pub pointer: String,
    pub read: Result<FactCheckContent, String>,
}

/// The elements of an import document: a `DataFeed` (its
/// `dataFeedElement`), a JSON array, or a single ClaimReview. Anything else
/// is refused whole, with what to send instead.
/// Each element comes with its index and JSON Pointer, made as it is
/// reached: a 5 MB array holds millions of elements, and nothing is kept
/// for each of them.
pub fn elements(document: &Value) -> Result<impl Iterator<Item = (usize, String, &Value)>, String> {
    let (prefix, items): (Option<&str>, &[Value]) = match document {
        Value::Array(items) => (Some(""), items),
        Value::Object(map) => {
            if let Some(items) = map.get("dataFeedElement") {
                let Value::Array(items) = items else {
                    return Err("dataFeedElement must be an array".into());
                };
                (Some("/dataFeedElement"), items)
            } else if has_type(document, "ClaimReview") {
                (None, std::slice::from_ref(document))
            } else {
                return Err("send a schema.org DataFeed with a dataFeedElement array, a JSON array of ClaimReview, or one ClaimReview".into());
            }
        }
        _ => {
            return Err(
                "send a schema.org DataFeed with a dataFeedElement array, or a JSON array of ClaimReview"
                    .into(),
            );
        }
    };
    Ok(items.iter().enumerate().map(move |(i, v)| {
        let pointer = prefix.map(|p| format!("{p}/{i}")).unwrap_or_default();
        (i, pointer, v)
    }))
}

/// Reads one element of a feed or array: a ClaimReview, or a
/// `DataFeedItem` whose `item` is one (or a list holding ClaimReviews, or a
/// `Claim` whose `review` is one). Each ClaimReview found is one entry.
pub fn read_element(index: usize, pointer: &str, element: &Value) -> Vec<Element> {
    let mut found = Vec::new();
    collect(element, pointer.to_owned(), &mut found, 0);
    if found.is_empty() {
        return vec![Element {
            index,
            pointer: pointer.to_owned(),
            read: Err("is not a ClaimReview (its @type must be \"ClaimReview\", or a DataFeedItem whose item is one)".into()),
        }];
    }
    found
        .into_iter()
        .map(|(pointer, review)| Element {
            index,
            read: read_claim_review(review),
            pointer,
        })
        .collect()
}

/// Finds ClaimReviews in an element, descending through `item` and `review`
/// at most a few levels.
fn collect<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>, depth: usize) {
    if depth > 5 {
        return;
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{pointer}/{i}"), out, depth + 1);
            }
        }
        Value::Object(map) => {
            if has_type(value, "ClaimReview") {
                out.push((pointer, value));
                return;
            }
            for key in ["item", "review"] {
                if let Some(inner) = map.get(key) {
                    collect(inner, format!("{pointer}/{key}"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// Whether `@type` is `kind` (or a list holding it), with or without a
/// schema.org prefix.
fn has_type(value: &Value, kind: &str) -> bool {
    let is = |t: &Value| {
        t.as_str().is_some_and(|t| {
            let t = t.trim();
            t == kind
                || t.strip_prefix("http://schema.org/") == Some(kind)
                || t.strip_prefix("https://schema.org/") == Some(kind)
                || t.strip_prefix("schema:") == Some(kind)
        })
    };
    match value.get("@type") {
        Some(Value::Array(types)) => types.iter().any(is),
        Some(t) => is(t),
        None => false,
    }
}

/// The first object of a value that may be an object or a list of them.
fn first_object(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Array(items) => items.iter().find(|v| v.is_object()),
        v @ Value::Object(_) => Some(v),
        _ => None,
    }
}

/// A text field: a string, or an object's `name`.
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        v @ Value::Object(_) => text_of(v.get("name")),
        Value::Array(items) => items.iter().find_map(|v| text_of(Some(v))),
        _ => None,
    }
}

/// A number, or a string holding one ("4", "4.5").
fn number_of(value: Option<&Value>, field: &str) -> Result<Option<f64>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{field} must be a number (got {:?})", shown(s))),
        Some(other) => Err(format!(
            "{field} must be a number (got {})",
            shown(&other.to_string())
        )),
    }
}

/// A date or date-time as ClaimReview carries it: RFC 3339, or a plain date
/// (taken as midnight UTC).
fn date_of(value: Option<&Value>, field: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(text) = text_of(value) else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(&text)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .and_then(|day| day.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        });
    match at {
        Some(at) if page::storable(&at) => return Ok(Some(at)),
        Some(_) => {
            return Err(format!(
                "{field} {} (got {:?})",
                page::STORABLE_RANGE,
                shown(&text)
            ));
        }
        None => {}
    }
    Err(format!(
        "{field} must be a date (YYYY-MM-DD) or an RFC 3339 date-time (got {:?})",
        shown(&text)
    ))
}

/// A value quoted back in a refusal.
fn shown(value: &str) -> String {
    text::shown(value, 60)
}

fn bounded(value: Option<String>, field: &str, max: usize) -> Result<Option<String>, String> {
    text::optional(value, max).map_err(|m| format!("{field} {m}"))
}

fn url_of(value: Option<&Value>, field: &str) -> Result<Option<String>, String> {
    let Some(url) = value.and_then(|v| match v {
        Value::String(s) => Some(s.as_str()),
        Value::Object(_) => v.get("url").and_then(Value::as_str),
        _ => None,
    }) else {
        return Ok(None);
    };
    normalize_url(url)
        .map(|(shown, _)| Some(shown))
        .map_err(|m| format!("{field} {m}"))
}

/// Reads one ClaimReview object.
pub fn read_claim_review(review: &Value) -> Result<FactCheckContent, String> {
    let url = match review.get("url") {
        None | Some(Value::Null) => return Err("url (the review's page) is required".into()),
        Some(Value::String(url)) => url,
        Some(_) => return Err("url (the review's page) must be a string".into()),
    };
    let (review_url, review_url_key) = normalize_url(url).map_err(|m| format!("url {m}"))?;
    let claim_reviewed = text_of(review.get("claimReviewed")).ok_or("claimReviewed is required")?;
    let claim_reviewed =
        text::required(claim_reviewed, TEXT_MAX, true).map_err(|m| format!("claimReviewed {m}"))?;
    let author = first_object(review.get("author")).or(review.get("author"));
    let publisher_name = bounded(text_of(author), "author.name", NAME_MAX)?
        .ok_or("author (the publishing fact-checker, with a name) is required")?;
    let publisher_url = match author.filter(|a| a.is_object()) {
        Some(a) => url_of(a.get("url"), "author.url")?,
        None => None,
    };
    let rating = match first_object(review.get("reviewRating")) {
        Some(r) => ExternalRating {
            name: bounded(
                text_of(r.get("alternateName")),
                "reviewRating.alternateName",
                NAME_MAX,
            )?,
            value: number_of(r.get("ratingValue"), "reviewRating.ratingValue")?,
            best: number_of(r.get("bestRating"), "reviewRating.bestRating")?,
            worst: number_of(r.get("worstRating"), "reviewRating.worstRating")?,
        },
        None => return Err("reviewRating is required".into()),
    };
    if rating.name.is_none() && rating.value.is_none() {
        return Err("reviewRating needs an alternateName or a ratingValue".into());
    }
    let item = first_object(review.get("itemReviewed"));
    let claimant = bounded(
        item.and_then(|i| text_of(i.get("author"))),
        "itemReviewed.author.name",
        NAME_MAX,
    )?;
    let appearance = item.and_then(|i| {
        first_object(i.get("appearance"))
            .or(i.get("appearance"))
            .or(first_object(i.get("firstAppearance")).or(i.get("firstAppearance")))
    });
    let appearance_url = url_of(appearance, "itemReviewed.appearance.url")?;
    let date_published = date_of(review.get("datePublished"), "datePublished")?;
    let body = serde_json::to_string(review).unwrap_or_default();
    if body.len() > REVIEW_MAX_BYTES {
        return Err(format!(
            "is {} KB as JSON; a ClaimReview is kept whole, and may be at most {} KB",
            body.len() / 1024,
            REVIEW_MAX_BYTES / 1024
        ));
    }
    Ok(FactCheckContent {
        review_url,
        review_url_key,
        publisher_name,
        publisher_url,
        claim_reviewed,
        claimant,
        rating,
        date_published,
        appearance_url,
        body,
    })
}

/// The largest ClaimReview kept (as compact JSON). One with a long
/// `reviewBody` is a few tens of KB; without a bound, one element could
/// take a whole 5 MB request, and a page of 200 of them a gigabyte.
pub const REVIEW_MAX_BYTES: usize = 100 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn review() -> Value {
        json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "https://checker.example/checks/reservists#top",
            "claimReviewed": "Russia called up 300,000 reservists in September 2022",
            "author": {"@type": "Organization", "name": "Checker", "url": "https://checker.example"},
            "reviewRating": {"@type": "Rating", "alternateName": "True", "ratingValue": "5", "bestRating": 5, "worstRating": 1},
            "datePublished": "2022-10-01",
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A minister"},
                "appearance": [{"@type": "CreativeWork", "url": "https://news.example/a"}]}
        })
    }

    #[test]
    fn a_claim_review_is_read() {
        let read = read_claim_review(&review()).unwrap();
        assert_eq!(read.review_url, "https://checker.example/checks/reservists#top");
        assert_eq!(read.review_url_key, "https://checker.example/checks/reservists");
        assert_eq!(read.publisher_name, "Checker");
        assert_eq!(read.publisher_url.as_deref(), Some("https://checker.example/"));
        assert_eq!(read.claimant.as_deref(), Some("A minister"));
        assert_eq!(read.rating.name.as_deref(), Some("True"));
        assert_eq!(read.rating.value, Some(5.0));
        assert_eq!(read.appearance_url.as_deref(), Some("https://news.example/a"));
        assert_eq!(
            read.date_published.unwrap().to_rfc3339(),
            "2022-10-01T00:00:00+00:00"
        );
    }

    #[test]
    fn what_a_desk_relies_on_is_checked() {
        for (field, value, words) in [
            ("url", json!("javascript:alert(1)"), "url"),
            ("url", Value::Null, "url"),
            ("claimReviewed", json!("  "), "claimReviewed"),
            ("author", json!({"url": "https://x.example"}), "author"),
            ("reviewRating", json!({"bestRating": 5}), "alternateName"),
            ("reviewRating", json!({"ratingValue": "five"}), "ratingValue"),
            ("datePublished", json!("last Tuesday"), "datePublished"),
            ("datePublished", json!("-4713-11-23"), "0001 to 9999"),
            ("url", json!(123), "must be a string"),
            (
                "reviewBody",
                json!("x".repeat(REVIEW_MAX_BYTES)),
                "at most 100 KB",
            ),
        ] {
            let mut r = review();
            r[field] = value;
            let err = read_claim_review(&r).unwrap_err();
            assert!(err.contains(words), "{field}: {err}");
        }
    }

    #[test]
    fn refusals_do_not_echo_long_values() {
        let mut r = review();
        r["datePublished"] = json!("x".repeat(100_000));
        let err = read_claim_review(&r).unwrap_err();
        assert!(err.len() < 200, "{}", err.len());
    }

    #[test]
    fn feeds_arrays_and_items_are_unwrapped() {
        let feed = json!({"@type": "DataFeed", "dataFeedElement": [
            {"@type": "DataFeedItem", "item": review()},
            {"@type": "DataFeedItem", "item": [{"@type": "Claim", "review": [review()]}]},
            {"@type": "Thing"},
        ]});
        let found: Vec<_> = elements(&feed).unwrap().collect();
        assert_eq!(found.len(), 3);
        let read: Vec<Element> = found
            .iter()
            .flat_map(|(i, p, v)| read_element(*i, p, v))
            .collect();
        assert_eq!(read.len(), 3);
        assert!(read[0].read.is_ok());
        assert_eq!(read[1].pointer, "/dataFeedElement/1/item/0/review/0");
        assert!(read[1].read.is_ok());
        assert!(read[2].read.is_err());
        assert!(elements(&json!("text")).is_err());
        assert!(elements(&json!({"@type": "Thing"})).is_err());
        let array: Vec<_> = elements(&json!([review()])).unwrap().map(|(_, p, _)| p).collect();
        assert_eq!(array, ["/0"]);
        let single: Vec<_> = elements(&review()).unwrap().map(|(_, p, _)| p).collect();
        assert_eq!(single, [""]);
    }
}
