//! Sources: evidence links for and against a claim.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, Read, WriteClaims};
use super::error::{AppError, Problem};
use super::extract::{Created, Json, Path, Precondition, Query, Versioned, not_null, nullable};
use super::paging::{Paged, page_request};
use super::workflow::PageQuery;
use crate::domain::error::Errors;
use crate::domain::evidence::{Source, SourceFields, SourcePatch, Stance};
use crate::domain::ids::{ClaimId, SourceId};
use crate::service::sources;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources, add_source))
        .routes(routes!(update_source, remove_source))
}

/// How a source bears on the claim.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StanceName {
    Supports,
    Refutes,
    Context,
}

impl From<StanceName> for Stance {
    fn from(s: StanceName) -> Self {
        match s {
            StanceName::Supports => Stance::Supports,
            StanceName::Refutes => Stance::Refutes,
            StanceName::Context => Stance::Context,
        }
    }
}

impl From<Stance> for StanceName {
    fn from(s: Stance) -> Self {
        match s {
            Stance::Supports => StanceName::Supports,
            Stance::Refutes => StanceName::Refutes,
            Stance::Context => StanceName::Context,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://stats.example.gov/report-2026", "title": "Annual report", "publisher": "Statistics Office", "stance": "refutes", "note": "Table 4 gives 120,000."}))]
pub struct AddSource {
    /// An absolute http(s) URL.
    #[schema(format = "uri", max_length = 2048)]
    pub url: String,
    #[schema(max_length = 500)]
    pub title: Option<String>,
    #[schema(max_length = 200)]
    pub publisher: Option<String>,
    pub stance: StanceName,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// Fields to change; leave a field out to keep it, send `null` to clear an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"stance": "context", "note": "An older figure, superseded in April."}))]
pub struct UpdateSource {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, format = "uri", max_length = 2048)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub publisher: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = StanceName)]
    pub stance: Option<Option<StanceName>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceResponse {
    pub id: Uuid,
    pub claim_id: Uuid,
    /// As given.
    #[schema(format = "uri")]
    pub url: String,
    /// Scheme and host lower-cased, default port and fragment dropped.
    #[schema(format = "uri")]
    pub normalized_url: String,
    #[schema(required = true)]
    pub title: Option<String>,
    #[schema(required = true)]
    pub publisher: Option<String>,
    pub stance: StanceName,
    #[schema(required = true)]
    pub note: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Source> for SourceResponse {
    fn from(s: Source) -> Self {
        Self {
            id: s.id.0,
            claim_id: s.claim_id.0,
            url: s.content.url,
            normalized_url: s.content.normalized_url,
            title: s.content.title,
            publisher: s.content.publisher,
            stance: s.content.stance.into(),
            note: s.content.note,
            created_by: s.created_by.0,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

/// List a claim's sources
///
/// The evidence collected for the claim, newest first.
#[utoipa::path(get, path = "/claims/{id}/sources", tag = "sources", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), PageQuery),
    responses(
        (status = 200, description = "A page of sources, newest first", body = Paged<SourceResponse>),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_sources(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<Json<Paged<SourceResponse>>, AppError> {
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = sources::list(&state.db, ClaimId(id), limit, cursor).await?;
    Ok(Json(Paged::from_page(page, SourceResponse::from)))
}

/// Add a source to a claim
///
/// The same normalised URL twice on one claim is 409.
#[utoipa::path(post, path = "/claims/{id}/sources", tag = "sources", security(("bearerAuth" = [])),
    request_body = AddSource, params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 201, description = "Added", body = SourceResponse,
            headers(("Location" = String, description = "URL of the source"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The claim already has this URL, or it is in review or verified (its sources are frozen)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_source(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(req): Json<AddSource>,
) -> Result<Created<SourceResponse>, AppError> {
    let fields = SourceFields {
        url: req.url,
        title: req.title,
        publisher: req.publisher,
        stance: req.stance.into(),
        note: req.note,
    };
    let source = sources::add(&state.db, auth.principal.user_id, ClaimId(id), fields).await?;
    Ok(Created {
        location: format!("/api/v1/sources/{}", source.id),
        version: source.version,
        body: source.into(),
    })
}

/// Update a source
///
/// Change its URL, title, publisher, stance or note; recorded in the claim's history.
#[utoipa::path(patch, path = "/sources/{id}", tag = "sources", security(("bearerAuth" = [])), request_body = UpdateSource,
    params(("id" = Uuid, Path, description = "Source id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The updated source", body = SourceResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The claim already has this URL, or it is in review or verified (its sources are frozen)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_source(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<UpdateSource>,
) -> Result<Versioned<SourceResponse>, AppError> {
    let mut errors = Errors::default();
    let patch = SourcePatch {
        url: not_null(&mut errors, "url", req.url),
        title: req.title,
        publisher: req.publisher,
        stance: not_null(&mut errors, "stance", req.stance).map(Stance::from),
        note: req.note,
    };
    errors.into_result()?;
    let source = sources::update(&state.db, auth.principal.user_id, SourceId(id), &if_match, patch).await?;
    Ok(Versioned {
        version: source.version,
        body: source.into(),
    })
}

/// Remove a source
///
/// The claim's history keeps what it was.
#[utoipa::path(delete, path = "/sources/{id}", tag = "sources", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Source id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The claim is in review or verified (its sources are frozen)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_source(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
) -> Result<StatusCode, AppError> {
    sources::remove(&state.db, auth.principal.user_id, SourceId(id), &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}
