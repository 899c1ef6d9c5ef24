//! `/claimreview/feed`: every published verdict as one schema.org
//! `DataFeed` of ClaimReview, for fact-check aggregators to pull.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{AuthUser, Read};
use super::error::{AppError, Problem};
use super::extract::Query;
use super::paging::page_request;
use crate::domain::claimreview::{ClaimReview, SchemaOrg, to_script_safe_json};
use crate::domain::error::DomainError;
use crate::domain::export::rfc3339_micros;
use crate::domain::page::{self, Cursor};
use crate::service::claims;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(claim_review_feed))
}

/// Anyone when the feed is public (`CLAIMDESK_PUBLIC_FEED=true`), else a
/// signed-in user.
pub struct FeedReader;

impl FromRequestParts<AppState> for FeedReader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if !state.public_feed {
            AuthUser::<Read>::from_request_parts(parts, state).await?;
        }
        Ok(Self)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only reviews published (or re-published) after this time (RFC 3339,
    /// exclusive): pass the `dateModified` of the newest element you hold.
    #[serde(default, deserialize_with = "super::time::query_option")]
    pub since: Option<DateTime<Utc>>,
    /// Elements per page.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// From the `next` link of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum DataFeedType {
    DataFeed,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum DataFeedItemType {
    DataFeedItem,
}

/// A schema.org `DataFeed` of ClaimReview.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClaimReviewFeed<Item> {
    #[serde(rename = "@context")]
    pub context: SchemaOrg,
    #[serde(rename = "@type")]
    pub kind: DataFeedType,
    /// "<publisher> fact-checks".
    pub name: String,
    /// The publisher's home page.
    #[schema(format = "uri")]
    pub url: String,
    /// When the newest element was published (now, for an empty page).
    #[schema(format = "date-time")]
    pub date_modified: String,
    /// Newest first.
    pub data_feed_element: Vec<FeedElement<Item>>,
}

/// One verified claim's published ClaimReview.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedElement<Item> {
    #[serde(rename = "@type")]
    pub kind: DataFeedItemType,
    /// When this review was published (again, if the claim was re-verified).
    #[schema(format = "date-time")]
    pub date_modified: String,
    /// The ClaimReview exactly as `GET /claims/{id}/claimreview` serves it.
    pub item: Item,
}

/// The ClaimReview feed
///
/// Every verified claim's published ClaimReview as a schema.org `DataFeed`
/// (JSON-LD), newest first; each element is byte for byte what
/// `GET /claims/{id}/claimreview` serves (with `<`, `>` and `&` escaped, so
/// it can be embedded in HTML as is). The next page is in the `Link` header
/// (`rel="next"`), absent on the last page. For incremental pulls, pass
/// `since` = the newest `dateModified` you already hold. A claim that is
/// reopened or deleted leaves the feed. Public when the server runs with
/// `CLAIMDESK_PUBLIC_FEED=true`; otherwise any signed-in user may read it.
#[utoipa::path(get, path = "/claimreview/feed", tag = "workflow", security(("bearerAuth" = []), ()), params(FeedQuery),
    responses(
        (status = 200, description = "A page of the feed", content_type = "application/ld+json", body = ClaimReviewFeed<ClaimReview>,
            headers(("Link" = String, description = "<URL of the next page>; rel=\"next\", on every page but the last"))),
        (status = 422, description = "Bad since, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn claim_review_feed(
    _reader: FeedReader,
    State(state): State<AppState>,
    Query(query): Query<FeedQuery>,
) -> Result<Response, AppError> {
    let (limit, cursor) = page_request::<Cursor>(query.limit, query.cursor.as_deref())?;
    if query.since.is_some_and(|since| !page::storable(&since)) {
        return Err(DomainError::invalid("since", page::STORABLE_RANGE).into());
    }
    let page = claims::feed(&state.db, &state.publisher, query.since, limit, cursor).await?;
    let mut elements = Vec::with_capacity(page.items.len());
    for entry in &page.items {
        elements.push(FeedElement {
            kind: DataFeedItemType::DataFeedItem,
            date_modified: rfc3339_micros(entry.published_at),
            item: RawValue::from_string(entry.body.clone()).map_err(|e| {
                tracing::error!(claim = %entry.claim_id, error = %e, "a published ClaimReview is not JSON");
                AppError::Internal
            })?,
        });
    }
    let feed = ClaimReviewFeed {
        context: SchemaOrg::SchemaOrg,
        kind: DataFeedType::DataFeed,
        name: format!("{} fact-checks", state.publisher.name),
        url: state.publisher.url.clone(),
        date_modified: rfc3339_micros(page.items.first().map_or_else(Utc::now, |e| e.published_at)),
        data_feed_element: elements,
    };
    let mut response = (
        [(header::CONTENT_TYPE, "application/ld+json")],
        to_script_safe_json(&feed),
    )
        .into_response();
    if let Some(next) = page.next {
        let mut link = format!(
            "/api/v1/claimreview/feed?cursor={}&limit={}",
            next.encode(),
            limit.get()
        );
        if let Some(since) = query.since {
            link.push_str(&format!("&since={}", urlencode(&rfc3339_micros(since))));
        }
        if let Ok(value) = HeaderValue::from_str(&format!("<{link}>; rel=\"next\"")) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// Percent-encodes what a query value may not hold as is (`+` and `:` of a
/// time).
fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
