//! `/webhooks`: endpoints integrations register to be told of changes, and
//! their delivery log. Editors and admins only.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, ManageWebhooks};
use super::error::{AppError, Problem};
use super::extract::{Created, Json, Path, Precondition, Query, Versioned, not_null, nullable};
use crate::domain::DomainError;
use crate::domain::error::Errors;
use crate::domain::page::Limit;
use crate::domain::webhook::{Delivery, DeliveryStatus, Webhook, WebhookFields, WebhookPatch};
use crate::service::webhooks;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(replay_delivery))
        .routes(routes!(test_webhook))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://cms.newsroom.example/hooks/claimdesk", "description": "Flag stories", "events": ["claim.verified", "claim.transitioned"]}))]
pub struct CreateWebhook {
    /// An absolute https (or http) URL on a public address.
    #[schema(max_length = 2048)]
    pub url: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Event types to receive, or `["*"]` for all. `claim.transitioned`
    /// includes `claim.verified`.
    #[schema(min_items = 1, max_items = 32)]
    pub events: Vec<String>,
    /// Defaults to true.
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct UpdateWebhook {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String, max_length = 2048)]
    pub url: Option<Option<String>>,
    /// null clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<String>, min_items = 1, max_items = 32)]
    pub events: Option<Option<Vec<String>>>,
    /// Enabling an endpoint the server disabled clears the reason.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub enabled: Option<Option<bool>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: Uuid,
    pub url: String,
    #[schema(required = true)]
    pub description: Option<String>,
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why the server disabled it (a 410 answer, or 3 days of failures).
    #[schema(required = true)]
    pub disabled_reason: Option<String>,
    /// When its current run of failed deliveries began.
    #[schema(required = true)]
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when deliveries also carry the previous secret's signature.
    #[schema(required = true)]
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Webhook> for WebhookResponse {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id,
            url: w.content.url,
            description: w.content.description,
            events: w.content.events,
            enabled: w.content.enabled,
            disabled_reason: w.disabled_reason,
            failing_since: w.failing_since,
            previous_secret_until: w.previous_secret_until,
            created_by: w.created_by.0,
            created_at: w.created_at,
            updated_at: w.updated_at,
            version: w.version,
        }
    }
}

/// An endpoint with its signing secret, shown only when it is issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// `whsec_` and base64: the key for verifying `webhook-signature`
    /// (Standard Webhooks). Shown this once.
    pub secret: String,
}

impl From<Webhook> for WebhookWithSecret {
    fn from(w: Webhook) -> Self {
        let secret = w.secret.clone();
        Self {
            webhook: w.into(),
            secret,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookResponse>,
}

/// `pending`: waiting for its first or next attempt; `delivered`: a 2xx
/// answer came; `failed`: every attempt failed, or the endpoint was
/// disabled or deleted.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatusName {
    Pending,
    Delivered,
    Failed,
}

impl From<DeliveryStatus> for DeliveryStatusName {
    fn from(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::Pending,
            DeliveryStatus::Delivered => Self::Delivered,
            DeliveryStatus::Failed => Self::Failed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    /// The `webhook-id` header: the same on every attempt.
    pub id: String,
    pub webhook_id: Uuid,
    /// The feed event it carries; null for a ping.
    #[schema(required = true)]
    pub event_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub event_type: String,
    pub status: DeliveryStatusName,
    pub attempts: i32,
    /// The HTTP status of the last answer; null when there was none.
    #[schema(required = true)]
    pub last_status: Option<i32>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[schema(required = true)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When it will be tried next (pending only).
    #[schema(required = true)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryResponse {
    fn from(d: Delivery) -> Self {
        let pending = d.status == DeliveryStatus::Pending;
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status.into(),
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: pending.then_some(d.next_attempt_at),
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryResponse>,
    /// Pass as `cursor` for older deliveries; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// Register a webhook endpoint
///
/// Events of the chosen types are POSTed to `url`, signed per Standard
/// Webhooks v1 with the `secret` in this answer (shown only here). URLs that
/// resolve to loopback, private or link-local addresses are refused.
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", security(("bearerAuth" = [])), request_body = CreateWebhook,
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = WebhookWithSecret,
            headers(("Location" = String, description = "URL of the endpoint"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "The desk has the most endpoints it may have (50)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_webhook(
    auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Json(req): Json<CreateWebhook>,
) -> Result<Created<WebhookWithSecret>, AppError> {
    let fields = WebhookFields {
        url: req.url,
        description: req.description,
        events: req.events,
        enabled: req.enabled,
    };
    let webhook = webhooks::create(&state.db, auth.principal.user_id, fields, &state.webhooks).await?;
    Ok(Created {
        location: format!("/api/v1/webhooks/{}", webhook.id),
        version: webhook.version,
        body: webhook.into(),
    })
}

/// List webhook endpoints
#[utoipa::path(get, path = "/webhooks", tag = "webhooks", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Every endpoint, oldest first", body = WebhookList),
        (status = 403, description = "Editors and admins only", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_webhooks(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
) -> Result<Json<WebhookList>, AppError> {
    let items = webhooks::list(&state.db).await?;
    Ok(Json(WebhookList {
        items: items.into_iter().map(WebhookResponse::from).collect(),
    }))
}

/// Get a webhook endpoint
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookResponse, headers(("ETag" = String, description = "Its version"))),
        (status = 403, description = "Editors and admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_webhook(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Versioned<WebhookResponse>, AppError> {
    let webhook = webhooks::get(&state.db, id).await?;
    Ok(Versioned {
        version: webhook.version,
        body: webhook.into(),
    })
}

/// Change a webhook endpoint
///
/// Change its URL, description or events, or disable or enable it.
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "webhooks", security(("bearerAuth" = [])), request_body = UpdateWebhook,
    params(("id" = Uuid, Path, description = "Webhook id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The changed endpoint", body = WebhookResponse, headers(("ETag" = String, description = "Its new version"))),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_webhook(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
    Json(req): Json<UpdateWebhook>,
) -> Result<Versioned<WebhookResponse>, AppError> {
    let mut errors = Errors::default();
    let patch = WebhookPatch {
        url: not_null(&mut errors, "url", req.url),
        description: req.description,
        events: not_null(&mut errors, "events", req.events),
        enabled: not_null(&mut errors, "enabled", req.enabled),
    };
    errors.into_result()?;
    let webhook = webhooks::update(&state.db, id, &if_match, patch, &state.webhooks).await?;
    Ok(Versioned {
        version: webhook.version,
        body: webhook.into(),
    })
}

/// Delete a webhook endpoint
///
/// Its pending deliveries are dropped.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id"), ("If-Match" = Option<String>, Header)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
async fn delete_webhook(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Precondition(if_match): Precondition,
) -> Result<StatusCode, AppError> {
    webhooks::delete(&state.db, id, &if_match).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate the signing secret
///
/// Issues a new secret (shown this once). For 24 hours deliveries carry
/// signatures with both the new and the old secret, space-separated.
#[utoipa::path(post, path = "/webhooks/{id}/rotate-secret", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The endpoint with its new secret", body = WebhookWithSecret),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed by someone else meanwhile; try again", body = Problem, content_type = "application/problem+json"),
    ))]
async fn rotate_secret(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<WebhookWithSecret>, AppError> {
    Ok(Json(webhooks::rotate_secret(&state.db, id).await?.into()))
}

/// An endpoint's deliveries
///
/// Newest first: what was sent, how often, and how the endpoint answered.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id"), DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = DeliveryPage),
        (status = 403, description = "Editors and admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_deliveries(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    Query(query): Query<DeliveryQuery>,
) -> Result<Json<DeliveryPage>, AppError> {
    let limit = Limit::parse(query.limit).map_err(|m| DomainError::invalid("limit", m))?;
    let before = match query.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            DomainError::invalid("cursor", "pass next_cursor from the previous page unchanged")
        })?),
    };
    let mut items = webhooks::deliveries(&state.db, id, limit.get() + 1, before).await?;
    let more = items.len() as u64 > limit.get();
    items.truncate(limit.get() as usize);
    let next_cursor = more.then(|| items.last().map(|d| d.seq.to_string())).flatten();
    Ok(Json(DeliveryPage {
        items: items.into_iter().map(DeliveryResponse::from).collect(),
        next_cursor,
    }))
}

/// Send a delivery again
///
/// Queues it at once with the same `webhook-id` (receivers that already
/// processed it can tell).
#[utoipa::path(post, path = "/webhooks/{id}/deliveries/{delivery_id}/replay", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id"), ("delivery_id" = String, Path, description = "Delivery id (msg_...)")),
    responses(
        (status = 202, description = "Queued", body = DeliveryResponse),
        (status = 404, description = "No such endpoint or delivery", body = Problem, content_type = "application/problem+json"),
    ))]
async fn replay_delivery(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path((id, delivery)): Path<(Uuid, String)>,
) -> Result<(StatusCode, Json<DeliveryResponse>), AppError> {
    let replayed = webhooks::replay(&state.db, id, &delivery).await?;
    Ok((StatusCode::ACCEPTED, Json(replayed.into())))
}

/// Send a test event
///
/// Queues a `ping` delivery to the endpoint.
#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "webhooks", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "Queued", body = DeliveryResponse),
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    ))]
async fn test_webhook(
    _auth: AuthUser<ManageWebhooks>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<DeliveryResponse>), AppError> {
    let queued = webhooks::ping(&state.db, id).await?;
    Ok((StatusCode::ACCEPTED, Json(queued.into())))
}
