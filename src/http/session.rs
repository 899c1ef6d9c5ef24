//! `/auth` and `/me`: signing in and out, and who you are.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::auth::{AuthUser, ClientAddr, Read};
use super::error::{AppError, Problem};
use super::extract::Json;
use super::users::UserResponse;
use crate::service::auth::{self, TokenPair};
use crate::service::users;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@localhost", "password": "the password from the first-run log"}))]
pub struct LoginRequest {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(format = Password, max_length = 256)]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "cdr_hB8Xq2mN0pL5vR7tY1wZ3cE6gJ9kU4aS2dF5hK8nQ0"}))]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh.
    #[schema(max_length = 200)]
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always "Bearer".
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Trade it for a new pair at `/auth/refresh`. It works once.
    pub refresh_token: String,
}

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            token_type: "Bearer".into(),
            expires_in: p.expires_in,
            refresh_token: p.refresh_token,
        }
    }
}

/// Sign in
///
/// A wrong email and a wrong password get the same answer. Every attempt is
/// counted before the password is checked: more than 5 for one account from
/// one client address, or more than 20 from one address in all, within 15
/// minutes get 429 with `Retry-After`. A success takes its attempt back.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-in attempts from this address (for this account, or in all), or the server is busy checking passwords", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(req): Json<LoginRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let pair = auth::login(&state.db, &state.keys, &req.email, req.password, &client).await?;
    Ok(Json(pair.into()))
}

/// Refresh the access token
///
/// Each refresh token works once. Presenting one that was already used
/// revokes every token of that sign-in (it may have been stolen).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest, security(()),
    responses(
        (status = 200, description = "A new pair", body = TokenResponse),
        (status = 401, description = "Unknown, used, revoked or expired refresh token", body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let pair = auth::refresh(&state.db, &state.keys, &req.refresh_token).await?;
    Ok(Json(pair.into()))
}

/// Sign out
///
/// Revokes the refresh token and every token rotated from the same sign-in.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest, security(()),
    responses(
        (status = 204, description = "Signed out"),
    ))]
async fn logout(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> Result<StatusCode, AppError> {
    auth::logout(&state.db, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I
///
/// The signed-in user (for an API token: its owner).
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = UserResponse),
    ))]
async fn me(auth: AuthUser<Read>, State(state): State<AppState>) -> Result<Json<UserResponse>, AppError> {
    Ok(Json(users::get(&state.db, auth.principal.user_id).await?.into()))
}
