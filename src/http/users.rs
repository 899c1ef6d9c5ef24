//! `/users`: accounts, managed by admins. Users are never deleted, so their
//! names stay on the history they wrote; disable them instead.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, ChangeUsers, ManageUsers};
use super::error::{AppError, Problem};
use super::extract::{Created, Json, Path, Precondition, Query, Versioned, not_null, nullable};
use super::paging::{Paged, page_request};
use crate::domain::error::Errors;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::user::{NewUser, User, UserChanges};
use crate::service::users;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
}

/// A role; each includes everything the ones before it may do.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Reporter,
    Checker,
    Editor,
    Admin,
}

impl From<Role> for RoleName {
    fn from(r: Role) -> Self {
        match r {
            Role::Reporter => RoleName::Reporter,
            Role::Checker => RoleName::Checker,
            Role::Editor => RoleName::Editor,
            Role::Admin => RoleName::Admin,
        }
    }
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Self {
        match r {
            RoleName::Reporter => Role::Reporter,
            RoleName::Checker => Role::Checker,
            RoleName::Editor => Role::Editor,
            RoleName::Admin => Role::Admin,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    #[schema(format = Email)]
    pub email: String,
    pub display_name: String,
    pub role: RoleName,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        Self {
            id: u.id.0,
            email: u.email.as_str().to_owned(),
            display_name: u.display_name,
            role: u.role.into(),
            disabled: u.disabled,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "sam@newsroom.example", "display_name": "Sam Ortiz", "password": "a long passphrase", "role": "checker"}))]
pub struct CreateUser {
    /// Unique regardless of case.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    #[schema(min_length = 12, max_length = 256, format = Password)]
    pub password: String,
    pub role: RoleName,
}

/// Fields to change; leave a field out to keep it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "editor"}))]
pub struct UpdateUser {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 1, max_length = 100)]
    pub display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = RoleName)]
    pub role: Option<Option<RoleName>>,
    /// A disabled user cannot sign in, and their tokens stop working at once.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub disabled: Option<Option<bool>>,
    /// A new password also signs the user out of every session and revokes
    /// their API tokens.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, min_length = 12, max_length = 256, format = Password)]
    pub password: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsers {
    /// Page size.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// List users
///
/// Every account, newest first (admins only).
#[utoipa::path(get, path = "/users", tag = "users", params(ListUsers), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of users, newest first", body = Paged<UserResponse>),
        (status = 400, description = "Unknown or malformed query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_users(
    _auth: AuthUser<ManageUsers>,
    State(state): State<AppState>,
    Query(query): Query<ListUsers>,
) -> Result<Json<Paged<UserResponse>>, AppError> {
    let (limit, cursor) = page_request(query.limit, query.cursor.as_deref())?;
    let page = users::list(&state.db, limit, cursor).await?;
    Ok(Json(Paged::from_page(page, UserResponse::from)))
}

/// Create a user
///
/// Admins only. Emails are unique regardless of case; passwords need 12 characters or more.
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUser, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created", body = UserResponse,
            headers(("Location" = String, description = "URL of the new user"), ("ETag" = String, description = "Its version"))),
        (status = 403, description = "Not an admin, or called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already taken", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The server is busy hashing passwords; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn create_user(
    _auth: AuthUser<ChangeUsers>,
    State(state): State<AppState>,
    Json(req): Json<CreateUser>,
) -> Result<Created<UserResponse>, AppError> {
    let new = NewUser::parse(&req.email, req.display_name, req.password, req.role.into())?;
    let user = users::create(&state.db, new).await?;
    Ok(Created {
        location: format!("/api/v1/users/{}", user.id),
        version: user.version,
        body: user.into(),
    })
}

/// Get a user
///
/// One account with its ETag (admins only).
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = Uuid, Path, description = "User id")), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The user", body = UserResponse, headers(("ETag" = String, description = "Its version"))),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_user(
    _auth: AuthUser<ManageUsers>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Versioned<UserResponse>, AppError> {
    let user = users::get(&state.db, UserId(id)).await?;
    Ok(Versioned {
        version: user.version,
        body: user.into(),
    })
}

/// Update a user
///
/// Change the name, role or password, or disable the account. The last
/// active admin can be neither demoted nor disabled (409). A new password,
/// disabling or a lower role makes every access token the user holds fail
/// at once; a new password or disabling also revokes their API tokens for
/// good. Needs an admin signed in with a password, not an API token.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", request_body = UpdateUser, security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "User id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The updated user", body = UserResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 403, description = "Not an admin, or called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no active admin", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The server is busy hashing passwords; retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
async fn update_user(
    _auth: AuthUser<ChangeUsers>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<UpdateUser>,
) -> Result<Versioned<UserResponse>, AppError> {
    let mut errors = Errors::default();
    let display_name = not_null(&mut errors, "display_name", req.display_name);
    let role = not_null(&mut errors, "role", req.role).map(Role::from);
    let disabled = not_null(&mut errors, "disabled", req.disabled);
    let password = not_null(&mut errors, "password", req.password);
    let changes = errors.and(UserChanges::parse(display_name, role, disabled, password))?;
    let user = users::update(&state.db, UserId(id), &if_match, changes).await?;
    Ok(Versioned {
        version: user.version,
        body: user.into(),
    })
}
