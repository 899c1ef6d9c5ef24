//! `/fact-checks`: other publishers' fact-checks, imported as ClaimReview
//! and matched against this desk's claims.

use axum::extract::{DefaultBodyLimit, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, ImportFactChecks, Read};
use super::error::{AppError, Problem};
use super::extract::{Json, JsonFile, Path, Query};
use super::paging::{Paged, page_request};
use crate::domain::DomainError;
use crate::domain::factcheck::{ExternalRating, FactCheck};
use crate::domain::ids::FactCheckId;
use crate::domain::page::Cursor;
use crate::domain::search::SearchQuery;
use crate::domain::text;
use crate::service::fact_checks::{self, ImportReport};

/// The largest import a request may carry; bigger files go through
/// `claimdesk import-fact-checks FILE`.
pub const IMPORT_LIMIT: usize = 5 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_fact_checks))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(list_fact_checks))
                .routes(routes!(get_fact_check)),
        )
}

/// A publisher's verdict, on its own scale.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExternalRatingWire {
    /// The verdict in the publisher's words (`alternateName`), e.g. "False".
    #[schema(required = true)]
    pub alternate_name: Option<String>,
    #[schema(required = true)]
    pub rating_value: Option<f64>,
    #[schema(required = true)]
    pub best_rating: Option<f64>,
    #[schema(required = true)]
    pub worst_rating: Option<f64>,
}

impl From<ExternalRating> for ExternalRatingWire {
    fn from(r: ExternalRating) -> Self {
        Self {
            alternate_name: r.name,
            rating_value: r.value,
            best_rating: r.best,
            worst_rating: r.worst,
        }
    }
}

/// Another publisher's fact-check.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactCheckResponse {
    pub id: Uuid,
    /// The fact-check's page (one fact-check per page).
    #[schema(format = "uri")]
    pub review_url: String,
    /// The fact-checker (`author.name`).
    pub publisher: String,
    #[schema(required = true, format = "uri")]
    pub publisher_url: Option<String>,
    /// The claim as the fact-checker stated it.
    pub claim_reviewed: String,
    /// Who made the claim (`itemReviewed.author.name`).
    #[schema(required = true)]
    pub claimant: Option<String>,
    pub rating: ExternalRatingWire,
    #[schema(required = true)]
    pub date_published: Option<DateTime<Utc>>,
    /// Where the claim appeared.
    #[schema(required = true, format = "uri")]
    pub appearance_url: Option<String>,
    /// The ClaimReview as it was imported.
    #[schema(value_type = Object)]
    pub claim_review: Value,
    /// First imported.
    pub created_at: DateTime<Utc>,
    /// Last imported.
    pub updated_at: DateTime<Utc>,
}

impl From<FactCheck> for FactCheckResponse {
    fn from(f: FactCheck) -> Self {
        let c = f.content;
        Self {
            id: f.id.0,
            review_url: c.review_url,
            publisher: c.publisher_name,
            publisher_url: c.publisher_url,
            claim_reviewed: c.claim_reviewed,
            claimant: c.claimant,
            rating: c.rating.into(),
            date_published: c.date_published,
            appearance_url: c.appearance_url,
            claim_review: serde_json::from_str(&c.body).unwrap_or(Value::Null),
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

/// An import document: a schema.org `DataFeed` whose `dataFeedElement`
/// holds ClaimReviews (or `DataFeedItem`s whose `item` is one), or a JSON
/// array of ClaimReviews.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ImportDocument {
    Feed(ImportFeed),
    List(Vec<std::collections::HashMap<String, Value>>),
}

/// A schema.org `DataFeed` of ClaimReview.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ImportFeed {
    /// ClaimReviews, or `DataFeedItem`s whose `item` is one.
    #[serde(rename = "dataFeedElement")]
    #[schema(value_type = Vec<Object>)]
    pub data_feed_element: Vec<Value>,
}

/// An element that was not imported.
#[derive(Debug, Serialize, ToSchema)]
pub struct Refused {
    /// Its position in `dataFeedElement` (or in the array).
    pub index: usize,
    /// Where the ClaimReview sits in the document, as a JSON Pointer.
    pub pointer: String,
    /// What is wrong with it.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    /// Fact-checks new to this desk.
    pub created: u64,
    /// Fact-checks already here (by review URL), now replaced by this import.
    pub updated: u64,
    /// Elements that were not imported.
    pub refused: u64,
    /// Why each refused element was refused, for the first 100 of them
    /// (`refused` counts them all).
    pub refusals: Vec<Refused>,
}

impl From<ImportReport> for ImportResponse {
    fn from(r: ImportReport) -> Self {
        Self {
            created: r.created,
            updated: r.updated,
            refused: r.refused,
            refusals: r
                .refusals
                .into_iter()
                .map(|x| Refused {
                    index: x.index,
                    pointer: x.pointer,
                    reason: x.reason,
                })
                .collect(),
        }
    }
}

/// Import other publishers' fact-checks
///
/// Takes schema.org ClaimReview as fact-checkers publish it — a `DataFeed`
/// (its `dataFeedElement`), a JSON array, or one ClaimReview — up to 5 MB a
/// request (`claimdesk import-fact-checks FILE` reads bigger files). Each
/// ClaimReview needs `url`, `claimReviewed`, `author.name` and a
/// `reviewRating` with `alternateName` or `ratingValue`. One fact-check is
/// kept per review URL: importing it again replaces it, never duplicates
/// it. Valid elements are kept even when others are refused; the answer
/// says how many were created, updated and refused, and why each refusal.
/// New claims that repeat an imported fact-check show it in
/// `similar_external`.
#[utoipa::path(post, path = "/fact-checks/import", tag = "fact-checks", security(("bearerAuth" = [])),
    request_body(content = ImportDocument, description = "A DataFeed of ClaimReview, or an array of ClaimReview"),
    responses(
        (status = 200, description = "What was imported and what was refused", body = ImportResponse),
        (status = 422, description = "The body is neither a DataFeed nor an array of ClaimReview", body = Problem, content_type = "application/problem+json"),
    ))]
async fn import_fact_checks(
    _auth: AuthUser<ImportFactChecks>,
    State(state): State<AppState>,
    JsonFile(document): JsonFile<Value>,
) -> Result<Json<ImportResponse>, AppError> {
    let report = fact_checks::import_document(&state.db, &document).await?;
    Ok(Json(report.into()))
}

/// The longest `publisher` a list may be filtered by.
const PUBLISHER_QUERY_MAX: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListFactChecks {
    /// Words that must all appear in the claim reviewed, the claimant or
    /// the publisher (words every text has, such as "the", are left out).
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Only this publisher's fact-checks: its name as imported, ASCII
    /// letters in any case.
    #[param(max_length = 500)]
    pub publisher: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List other publishers' fact-checks
///
/// Most recently imported first; `q` searches their words, `publisher`
/// picks one fact-checker.
#[utoipa::path(get, path = "/fact-checks", tag = "fact-checks", security(("bearerAuth" = [])), params(ListFactChecks),
    responses(
        (status = 200, description = "A page of fact-checks", body = Paged<FactCheckResponse>),
        (status = 422, description = "Bad q, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_fact_checks(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Query(query): Query<ListFactChecks>,
) -> Result<Json<Paged<FactCheckResponse>>, AppError> {
    let search = match query.q.as_deref() {
        Some(q) => Some(SearchQuery::parse(q).map_err(|m| DomainError::invalid("q", m))?),
        None => None,
    };
    let (limit, cursor) = page_request::<Cursor>(query.limit, query.cursor.as_deref())?;
    // Blank is no filter; NUL (which PostgreSQL's text cannot hold) and
    // overlong names are refused.
    let publisher = text::optional(query.publisher, PUBLISHER_QUERY_MAX)
        .map_err(|m| DomainError::invalid("publisher", m))?;
    let page = fact_checks::list(&state.db, search.as_ref(), publisher.as_deref(), limit, cursor).await?;
    Ok(Json(Paged::from_page(page, FactCheckResponse::from)))
}

/// Get another publisher's fact-check
#[utoipa::path(get, path = "/fact-checks/{id}", tag = "fact-checks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Fact-check id")),
    responses(
        (status = 200, description = "The fact-check", body = FactCheckResponse),
        (status = 404, description = "No such fact-check", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_fact_check(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<FactCheckResponse>, AppError> {
    Ok(Json(fact_checks::get(&state.db, FactCheckId(id)).await?.into()))
}
