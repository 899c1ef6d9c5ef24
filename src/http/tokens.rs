//! `/tokens`: API tokens for integrations (a CMS plug-in, a monitoring bot).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, CreateTokens, ManageOwnTokens};
use super::error::{AppError, Problem};
use super::extract::{Json, Path, Query};
use super::paging::{Paged, page_request};
use super::users::RoleName;
use crate::domain::ids::TokenId;
use crate::domain::page::now;
use crate::domain::token::{ApiToken, NewApiToken};
use crate::service::tokens;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "CMS plug-in", "role": "reporter", "expires_at": "2027-06-30T00:00:00Z"}))]
pub struct CreateToken {
    /// What the token is for.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// At most your own role.
    pub role: RoleName,
    /// When it stops working; never, if left out.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    pub role: RoleName,
    pub owner_id: Uuid,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_used_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenInfo {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.0,
            name: t.name,
            role: t.role.into(),
            owner_id: t.owner_id.0,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: TokenInfo,
    /// The token itself. Shown only now: store it safely.
    pub token: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListTokens {
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List API tokens
///
/// Your tokens; an admin sees everyone's. Secrets are never shown again.
#[utoipa::path(get, path = "/tokens", tag = "tokens", params(ListTokens), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of tokens, newest first", body = Paged<TokenInfo>),
        (status = 400, description = "Unknown or malformed query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_tokens(
    auth: AuthUser<ManageOwnTokens>,
    State(state): State<AppState>,
    Query(query): Query<ListTokens>,
) -> Result<Json<Paged<TokenInfo>>, AppError> {
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = tokens::list(&state.db, &auth.principal, limit, cursor).await?;
    Ok(Json(Paged::from_page(page, TokenInfo::from)))
}

/// Create an API token
///
/// Send it as `Authorization: Bearer <token>`. It acts with its own role,
/// never more than its owner's. Only a signed-in person can create one.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = CreateToken, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created; the token is in the body, shown this once", body = CreatedToken),
        (status = 403, description = "Called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a role above your own", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_token(
    auth: AuthUser<CreateTokens>,
    State(state): State<AppState>,
    Json(req): Json<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let new = NewApiToken::parse(
        req.name,
        req.role.into(),
        req.expires_at,
        auth.principal.role,
        now(),
    )?;
    let (token, secret) = tokens::create(&state.db, &auth.principal, new).await?;
    let body = CreatedToken {
        info: token.into(),
        token: secret,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

/// Revoke an API token
///
/// It stops working at once. Your own tokens; an admin may revoke any.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens", params(("id" = Uuid, Path, description = "Token id")), security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token of yours", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_token(
    auth: AuthUser<ManageOwnTokens>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    tokens::revoke(&state.db, &auth.principal, TokenId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
