//! `/events`: every change, in commit order, for integrations that pull.

use std::time::Duration;

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::auth::{AuthUser, Read};
use super::error::AppError;
use super::extract::{Json, Query};
use crate::domain::DomainError;
use crate::domain::history::{EVENT_TYPES, EventData, FeedEvent};
use crate::domain::page::Limit;
use crate::service::events;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events))
}

/// The longest a request may wait for new events.
const WAIT_MAX: u64 = 30;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// `next_cursor` from the previous answer; leave out to start from the
    /// first event.
    pub after: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Comma-separated event types to keep (e.g. `claim.verified,source.added`).
    pub types: Option<String>,
    /// Seconds (0–30) to wait for an event when there is none newer yet
    /// (long polling).
    #[param(minimum = 0, maximum = 30)]
    pub wait: Option<i64>,
}

/// One change, as the feed and webhook payloads carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEventResponse {
    pub id: Uuid,
    /// Its place in commit order.
    pub position: i64,
    /// The integration type, e.g. `claim.verified`.
    #[serde(rename = "type")]
    pub event_type: String,
    #[schema(required = true)]
    pub claim_id: Option<Uuid>,
    #[schema(required = true)]
    pub article_id: Option<Uuid>,
    #[schema(required = true)]
    pub actor_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub event: EventData,
}

impl From<FeedEvent> for FeedEventResponse {
    fn from(e: FeedEvent) -> Self {
        Self {
            id: e.id,
            position: e.position.unwrap_or(0),
            event_type: e.data.event_type().to_owned(),
            claim_id: e.claim_id.map(|c| c.0),
            article_id: e.article_id,
            actor_id: e.actor_id.map(|a| a.0),
            at: e.at,
            event: e.data,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<FeedEventResponse>,
    /// Pass as `after` next time. Always present: when there was nothing
    /// new it is the cursor you sent, so you can keep polling with it.
    pub next_cursor: String,
}

/// The event feed
///
/// Every change, oldest first, in commit order: paging with `next_cursor`
/// never skips or repeats an event, even one whose transaction committed
/// after a later one began. Events appear here within a fraction of a
/// second of their commit. With `wait`, an empty answer is held until an
/// event arrives or the wait ends.
#[utoipa::path(get, path = "/events", tag = "events", security(("bearerAuth" = [])), params(EventQuery),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 422, description = "Bad after, limit, types or wait", body = super::error::Problem, content_type = "application/problem+json"),
    ))]
async fn list_events(
    _auth: AuthUser<Read>,
    State(state): State<AppState>,
    Query(query): Query<EventQuery>,
) -> Result<Json<EventPage>, AppError> {
    let mut errors = crate::domain::error::Errors::default();
    let limit = errors.check("limit", Limit::parse(query.limit));
    let after = match query.after.as_deref() {
        None | Some("") => Some(0),
        Some(c) => errors.check(
            "after",
            c.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| "pass next_cursor from the previous answer unchanged".to_owned()),
        ),
    };
    let wait = match query.wait {
        None => Some(0),
        Some(w) if (0..=WAIT_MAX as i64).contains(&w) => Some(w as u64),
        Some(_) => errors.check("wait", Err(format!("must be 0 to {WAIT_MAX} seconds"))),
    };
    let types: Vec<String> = query
        .types
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let mut types = types;
    if types.iter().any(|t| t == "claim.transitioned") && !types.iter().any(|t| t == "claim.verified") {
        // As for webhooks: a transition to verified is a transition too.
        types.push("claim.verified".into());
    }
    if let Some(unknown) = types
        .iter()
        .find(|t| !EVENT_TYPES.contains(&t.as_str()) || t.as_str() == "ping")
    {
        errors.add(
            "types",
            format!(
                "\"{unknown}\" is not an event type; use some of: {}",
                EVENT_TYPES.join(", ")
            ),
        );
    }
    errors.into_result()?;
    let (Some(limit), Some(after), Some(wait)) = (limit, after, wait) else {
        return Err(DomainError::invalid("limit", "invalid").into());
    };
    // An empty answer comes back before the server's request deadline.
    let wait = Duration::from_secs(wait).min(state.request_timeout.saturating_sub(Duration::from_secs(2)));
    let found = events::feed(&state.db, after, limit.get(), &types, wait).await?;
    let next_cursor = found.last().and_then(|e| e.position).unwrap_or(after).to_string();
    Ok(Json(EventPage {
        items: found.into_iter().map(FeedEventResponse::from).collect(),
        next_cursor,
    }))
}
