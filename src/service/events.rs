//! Recording what happens: each change appends a typed event to its claim's
//! history and to the event feed in the change's own transaction (so the
//! feed is an outbox: a change that rolls back leaves no event, one that
//! commits always has one). A sequencer then numbers committed events in
//! commit order and fans them out to webhook deliveries.

use std::time::Duration as StdDuration;

use chrono::SecondsFormat;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use serde_json::{Value, json};

use super::background::Stop;
use crate::db::{self, StoreResult, claims, events, history, webhooks};
use crate::domain::claim::Claim;
use crate::domain::history::{Event, EventData, FeedEvent};
use crate::domain::ids::{ClaimId, UserId};
use crate::domain::page::now;
use crate::domain::webhook::{Delivery, DeliveryStatus};

/// How the API shows a claim, for the `claim` in webhook payloads: the
/// HTTP layer hands in its own view, so payloads carry exactly what
/// `GET /claims/{id}` returns.
pub type ClaimView = fn(&Claim) -> Value;

/// Appends an event to a claim's history and to the event feed, in the
/// caller's transaction.
pub async fn record(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    actor: Option<UserId>,
    data: EventData,
) -> StoreResult<()> {
    // A claim's copy of an article edit stays in its history; the feed
    // carries the article's own event once.
    let to_feed = !matches!(data, EventData::ArticleEdited(_));
    history::append(conn, &Event::new(claim, actor, now(), data), to_feed).await
}

/// Appends an article's event to the feed, in the caller's transaction.
pub async fn record_article(
    conn: &impl ConnectionTrait,
    article: uuid::Uuid,
    actor: Option<UserId>,
    data: EventData,
) -> StoreResult<()> {
    events::insert(conn, &article_event(article, actor, data)).await
}

/// `record_article`'s statement, built to run later in the transaction.
pub fn record_article_into(
    writes: &mut db::Writes,
    article: uuid::Uuid,
    actor: Option<UserId>,
    data: EventData,
) {
    events::insert_many_into(writes, &[article_event(article, actor, data)]);
}

fn article_event(article: uuid::Uuid, actor: Option<UserId>, data: EventData) -> FeedEvent {
    FeedEvent {
        id: uuid::Uuid::now_v7(),
        position: None,
        claim_id: None,
        article_id: Some(article),
        actor_id: actor,
        at: now(),
        data,
    }
}

/// At most this many events are sequenced in one transaction.
const SEQUENCE_BATCH: u64 = 200;
/// Only one sequencer at a time may number events (PostgreSQL; SQLite's
/// write transactions already exclude each other).
const SEQUENCER_LOCK: i64 = 7_236_042_157;

/// Numbers the committed events that have no position yet, in the order
/// they were written, and creates a delivery for every enabled webhook that
/// wants each, all in one transaction. Returns how many events it numbered.
/// Runs in every replica; replicas take turns.
pub async fn sequence(db: &DatabaseConnection, view: ClaimView) -> StoreResult<usize> {
    if !events::any_unsequenced(db).await? {
        return Ok(0);
    }
    let txn = db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        let row = txn
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_try_advisory_xact_lock({SEQUENCER_LOCK}) AS locked"),
            ))
            .await?;
        let locked = row.is_some_and(|r| r.try_get::<bool>("", "locked").unwrap_or(false));
        if !locked {
            return Ok(0);
        }
    }
    let sequenced = events::sequence(&txn, SEQUENCE_BATCH).await?;
    if !sequenced.is_empty() {
        let endpoints = webhooks::all(&txn).await?;
        for event in &sequenced {
            let event_type = event.data.event_type();
            let wanted: Vec<_> = endpoints.iter().filter(|w| w.wants(event_type)).collect();
            if wanted.is_empty() {
                continue;
            }
            let payload = payload(&txn, event, view).await?;
            for endpoint in wanted {
                let delivery = Delivery {
                    seq: 0,
                    id: Delivery::new_id(),
                    webhook_id: endpoint.id,
                    event_id: Some(event.id),
                    event_type: event_type.to_owned(),
                    ordering_key: event.ordering_key(),
                    payload: payload.clone(),
                    status: DeliveryStatus::Pending,
                    attempts: 0,
                    next_attempt_at: now(),
                    last_status: None,
                    last_error: None,
                    last_attempt_at: None,
                    created_at: now(),
                };
                webhooks::insert_delivery(&txn, &delivery).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(sequenced.len())
}

/// The body of a delivery: `{type, timestamp, data}`, where `data` holds the
/// event (`id`, `position`, `kind`, its typed `data`, who and when) and, for
/// claim events, the claim as the API shows it when the event is sequenced.
async fn payload(conn: &impl ConnectionTrait, event: &FeedEvent, view: ClaimView) -> StoreResult<String> {
    let mut data = feed_json(event);
    data["claim"] = match event.claim_id {
        Some(claim) => claims::find_any(conn, claim)
            .await?
            .map_or(Value::Null, |c| view(&c)),
        None => Value::Null,
    };
    Ok(json!({
        "type": event.data.event_type(),
        "timestamp": event.at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string())
}

/// An event as the feed and payloads show it.
pub fn feed_json(event: &FeedEvent) -> Value {
    let mut value = serde_json::to_value(&event.data).unwrap_or(Value::Null);
    value["id"] = json!(event.id);
    value["position"] = json!(event.position);
    value["type"] = json!(event.data.event_type());
    value["claim_id"] = json!(event.claim_id.map(|c| c.0));
    value["article_id"] = json!(event.article_id);
    value["actor_id"] = json!(event.actor_id.map(|a| a.0));
    value["at"] = json!(event.at.to_rfc3339_opts(SecondsFormat::Millis, true));
    value
}

/// Sequenced events after `after`, oldest first. With `wait`, when there
/// are none yet, checks again every quarter second until some arrive or
/// the wait is over (long polling).
pub async fn feed(
    db: &DatabaseConnection,
    after: i64,
    limit: u64,
    types: &[String],
    wait: StdDuration,
) -> StoreResult<Vec<FeedEvent>> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let found = events::list(db, after, limit, types).await?;
        if !found.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(found);
        }
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }
}

/// Runs the sequencer until `stop` fires: right away while there is work,
/// every `idle` otherwise. Errors are logged and retried.
pub async fn run_sequencer(db: DatabaseConnection, view: ClaimView, idle: StdDuration, stop: Stop) {
    loop {
        let pause = match sequence(&db, view).await {
            Ok(n) if n as u64 == SEQUENCE_BATCH => StdDuration::ZERO,
            Ok(_) => idle,
            Err(err) => {
                tracing::warn!(error = %err, "the event sequencer failed; retrying");
                metrics::counter!("claimdesk_background_failures_total", "worker" => "sequencer")
                    .increment(1);
                idle * 4
            }
        };
        if stop.wait_or_stopped(pause).await {
            return;
        }
    }
}
