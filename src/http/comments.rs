//! Comments: discussion on a claim.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, Read, WriteClaims};
use super::error::{AppError, Problem};
use super::extract::{Created, Json, Path, Precondition, Query, Versioned};
use super::paging::{Paged, page_request};
use super::workflow::PageQuery;
use crate::domain::comment::Comment;
use crate::domain::ids::{ClaimId, CommentId};
use crate::service::comments;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_comments, add_comment))
        .routes(routes!(edit_comment))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "The ministry's 2025 report has a different figure."}))]
pub struct CommentRequest {
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Comment> for CommentResponse {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id.0,
            claim_id: c.claim_id.0,
            author_id: c.author_id.0,
            body: c.body,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// List a claim's comments
///
/// Newest first, a page at a time.
#[utoipa::path(get, path = "/claims/{id}/comments", tag = "comments", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Claim id"), PageQuery),
    responses(
        (status = 200, description = "A page of comments, newest first", body = Paged<CommentResponse>),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_comments(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<Json<Paged<CommentResponse>>, AppError> {
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = comments::list(&state.db, ClaimId(id), limit, cursor).await?;
    Ok(Json(Paged::from_page(page, CommentResponse::from)))
}

/// Comment on a claim
///
/// Any signed-in user may comment; the comment is recorded in the claim's history.
#[utoipa::path(post, path = "/claims/{id}/comments", tag = "comments", security(("bearerAuth" = [])),
    request_body = CommentRequest, params(("id" = Uuid, Path, description = "Claim id")),
    responses(
        (status = 201, description = "Added", body = CommentResponse,
            headers(("Location" = String, description = "URL of the comment"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "No such claim", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_comment(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Json(req): Json<CommentRequest>,
) -> Result<Created<CommentResponse>, AppError> {
    let comment = comments::add(&state.db, auth.principal.user_id, ClaimId(id), req.body).await?;
    Ok(Created {
        location: format!("/api/v1/comments/{}", comment.id),
        version: comment.version,
        body: comment.into(),
    })
}

/// Edit your comment
///
/// Only the author may edit; the old text stays in the claim's history.
#[utoipa::path(patch, path = "/comments/{id}", tag = "comments", security(("bearerAuth" = [])), request_body = CommentRequest,
    params(("id" = Uuid, Path, description = "Comment id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The edited comment", body = CommentResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 403, description = "Not your comment", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    ))]
async fn edit_comment(
    auth: AuthUser<WriteClaims>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<CommentRequest>,
) -> Result<Versioned<CommentResponse>, AppError> {
    let comment = comments::edit(
        &state.db,
        auth.principal.user_id,
        CommentId(id),
        &if_match,
        req.body,
    )
    .await?;
    Ok(Versioned {
        version: comment.version,
        body: comment.into(),
    })
}
