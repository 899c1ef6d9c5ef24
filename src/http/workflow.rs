//! The verification workflow on a claim: status changes, its history and the
//! published ClaimReview.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, Read, TransitionClaims};
use super::claims::{ClaimResponse, RatingName, Status};
use super::error::{AppError, Problem};
use super::extract::{Json, Path, Precondition, Query, Versioned};
use super::paging::{Paged, page_request};
use crate::domain::claim::ClaimStatus;
use crate::domain::claimreview::ClaimReview;
use crate::domain::history::{Event, EventData};
use crate::domain::ids::ClaimId;
use crate::domain::workflow::{Request, Verdict};
use crate::service::claims;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(transition_claim))
        .routes(routes!(claim_history))
        .routes(routes!(claim_review))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    pub rating: RatingName,
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "in_review", "verdict": {"rating": "false", "summary": "The ministry's own figures show 120,000."}}))]
pub struct TransitionRequest {
    /// The status to move to.
    pub to: Status,
    /// Why; required to dismiss, send back, reopen or restore.
    #[schema(max_length = 4000)]
    pub note: Option<String>,
    /// Required to propose a verdict (in_progress → in_review).
    pub verdict: Option<VerdictRequest>,
}

/// Move a claim through the workflow
///
/// unverified → in_progress (checker+, takes the claim if unassigned) or
/// dismissed (checker+, note); in_progress → unverified (assignee or editor,
/// releases it), in_review (assignee or editor; a verdict and at least one
/// source) or dismissed (assignee or editor, note); in_review → verified
/// (an editor who did not propose the verdict) or in_progress (editor, note);
/// verified → in_progress (editor, note; reopens); dismissed → unverified
/// (editor, note). Anything else is 409 naming what is possible.
#[utoipa::path(post, path = "/claims/{id}/transitions", tag = "workflow", security(("bearerAuth" = [])),
    request_body = TransitionRequest,
    params(("id" = Uuid, Path, description = "Claim id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The claim after the change", body = ClaimResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 403, description = "Your role, or not being the assignee, does not allow this change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a change the workflow has from the current status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A requirement is missing (note, verdict, source)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn transition_claim(
    auth: AuthUser<TransitionClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<TransitionRequest>,
) -> Result<Versioned<ClaimResponse>, AppError> {
    let verdict = req
        .verdict
        .map(|v| Verdict::parse(v.rating.into(), v.summary))
        .transpose()?;
    let request = Request {
        to: ClaimStatus::from(req.to),
        note: req.note,
        verdict,
    };
    let claim = claims::transition(
        &state.db,
        &auth.principal,
        ClaimId(id),
        &if_match,
        request,
        &state.publisher,
    )
    .await?;
    Ok(Versioned {
        version: claim.version,
        body: claim.into(),
    })
}

/// One entry of a claim's history: who, when, and what changed, as
/// `kind` and that kind's typed `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    pub id: Uuid,
    pub claim_id: Uuid,
    /// Who made the change; null for changes the system made.
    #[schema(required = true)]
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: EventData,
}

impl From<Event> for EventResponse {
    fn from(e: Event) -> Self {
        Self {
            id: e.id.0,
            claim_id: e.claim_id.0,
            actor_id: e.actor_id.map(|a| a.0),
            at: e.at,
            event: e.data,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A claim's history
///
/// Every change to the claim, oldest first. Events are never edited or deleted.
#[utoipa::path(get, path = "/claims/{id}/history", tag = "workflow", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), PageQuery),
    responses(
        (status = 200, description = "A page of events, oldest first", body = Paged<EventResponse>),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn claim_history(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<Json<Paged<EventResponse>>, AppError> {
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = claims::history(&state.db, ClaimId(id), limit, cursor).await?;
    Ok(Json(Paged::from_page(page, EventResponse::from)))
}

/// The published verdict as ClaimReview
///
/// schema.org ClaimReview JSON-LD for a verified claim, ready to embed in
/// the fact-check page. 409 for a claim that is not verified.
#[utoipa::path(get, path = "/claims/{id}/claimreview", tag = "workflow", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 200, description = "ClaimReview JSON-LD, as it was published when the verdict was approved", content_type = "application/ld+json", body = ClaimReview),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The claim is not verified", body = Problem, content_type = "application/problem+json"),
    ))]
async fn claim_review(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<impl IntoResponse, AppError> {
    let review = claims::claim_review(&state.db, ClaimId(id), &state.publisher).await?;
    Ok(([(header::CONTENT_TYPE, "application/ld+json")], review))
}
