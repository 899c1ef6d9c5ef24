//! Webhook endpoints and their deliveries.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entities::{webhook_deliveries as deliveries, webhooks};
use super::{Sql, StoreError, StoreResult};
use crate::domain::ids::UserId;
use crate::domain::webhook::{Delivery, DeliveryStatus, Webhook, WebhookContent};

fn corrupt(what: String) -> StoreError {
    StoreError::Database(DbErr::Type(what))
}

fn webhook(row: webhooks::Model) -> StoreResult<Webhook> {
    let events: Vec<String> =
        serde_json::from_str(&row.events).map_err(|_| corrupt(format!("webhook {}: bad events", row.id)))?;
    Ok(Webhook {
        id: row.id,
        content: WebhookContent {
            url: row.url,
            description: row.description,
            events,
            enabled: row.enabled,
        },
        secret: row.secret,
        previous_secret: row.previous_secret,
        previous_secret_until: row.previous_secret_until,
        disabled_reason: row.disabled_reason,
        failing_since: row.failing_since,
        created_by: UserId(row.created_by),
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    })
}

fn delivery(row: deliveries::Model) -> StoreResult<Delivery> {
    Ok(Delivery {
        seq: row.seq,
        status: DeliveryStatus::parse(&row.status)
            .ok_or_else(|| corrupt(format!("delivery {}: bad status", row.id)))?,
        id: row.id,
        webhook_id: row.webhook_id,
        event_id: row.event_id,
        event_type: row.event_type,
        ordering_key: row.ordering_key,
        payload: row.payload,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_status: row.last_status,
        last_error: row.last_error,
        last_attempt_at: row.last_attempt_at,
        created_at: row.created_at,
    })
}

pub async fn insert(conn: &impl ConnectionTrait, w: &Webhook) -> StoreResult<()> {
    let row = webhooks::ActiveModel {
        id: Set(w.id),
        url: Set(w.content.url.clone()),
        description: Set(w.content.description.clone()),
        events: Set(serde_json::to_string(&w.content.events).unwrap_or_else(|_| "[]".into())),
        enabled: Set(w.content.enabled),
        secret: Set(w.secret.clone()),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_by: Set(w.created_by.0),
        created_at: Set(w.created_at),
        updated_at: Set(w.updated_at),
        version: Set(w.version),
    };
    webhooks::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<Webhook>> {
    webhooks::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(webhook)
        .transpose()
}

/// Every endpoint, oldest first (for listing and for fanning events out).
pub async fn all(conn: &impl ConnectionTrait) -> StoreResult<Vec<Webhook>> {
    webhooks::Entity::find()
        .order_by_asc(webhooks::Column::CreatedAt)
        .order_by_asc(webhooks::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(webhook)
        .collect()
}

/// Writes new content if the stored version is still `expected`. Enabling
/// clears the reason the server had disabled it for.
pub async fn update(
    conn: &impl ConnectionTrait,
    id: Uuid,
    expected: i64,
    c: &WebhookContent,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    use webhooks::Column;
    let mut update = webhooks::Entity::update_many()
        .col_expr(Column::Url, Expr::value(c.url.clone()))
        .col_expr(Column::Description, Expr::value(c.description.clone()))
        .col_expr(
            Column::Events,
            Expr::value(serde_json::to_string(&c.events).unwrap_or_else(|_| "[]".into())),
        )
        .col_expr(Column::Enabled, Expr::value(c.enabled))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1));
    if c.enabled {
        update = update
            .col_expr(Column::DisabledReason, Expr::value(Option::<String>::None))
            .col_expr(Column::FailingSince, Expr::value(Option::<DateTime<Utc>>::None));
    }
    let result = update
        .filter(Column::Id.eq(id))
        .filter(Column::Version.eq(expected))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A new secret; the old one keeps signing until `previous_until`.
pub async fn rotate_secret(
    conn: &impl ConnectionTrait,
    current: &Webhook,
    secret: &str,
    previous_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    use webhooks::Column;
    let result = webhooks::Entity::update_many()
        .col_expr(Column::Secret, Expr::value(secret))
        .col_expr(Column::PreviousSecret, Expr::value(current.secret.clone()))
        .col_expr(Column::PreviousSecretUntil, Expr::value(previous_until))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(current.version + 1))
        .filter(Column::Id.eq(current.id))
        .filter(Column::Version.eq(current.version))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes an endpoint and its deliveries.
pub async fn delete(conn: &impl ConnectionTrait, id: Uuid, expected: i64) -> StoreResult<bool> {
    deliveries::Entity::delete_many()
        .filter(deliveries::Column::WebhookId.eq(id))
        .exec(conn)
        .await?;
    let result = webhooks::Entity::delete_many()
        .filter(webhooks::Column::Id.eq(id))
        .filter(webhooks::Column::Version.eq(expected))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records how the endpoint answered: a success clears its failing streak;
/// a failure starts one if none is running; `disable` turns it off with a
/// reason and fails its pending deliveries.
pub async fn record_outcome(
    conn: &impl ConnectionTrait,
    id: Uuid,
    success: bool,
    disable: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use webhooks::Column;
    let mut update = webhooks::Entity::update_many().filter(Column::Id.eq(id));
    if success {
        update = update.col_expr(Column::FailingSince, Expr::value(Option::<DateTime<Utc>>::None));
    } else {
        update = update.col_expr(Column::FailingSince, Expr::col(Column::FailingSince).if_null(now));
    }
    if let Some(reason) = disable {
        update = update
            .col_expr(Column::Enabled, Expr::value(false))
            .col_expr(Column::DisabledReason, Expr::value(reason))
            .col_expr(Column::Version, Expr::col(Column::Version).add(1))
            .col_expr(Column::UpdatedAt, Expr::value(now));
    }
    update.exec(conn).await?;
    if disable.is_some() {
        deliveries::Entity::update_many()
            .col_expr(
                deliveries::Column::Status,
                Expr::value(DeliveryStatus::Failed.as_str()),
            )
            .col_expr(
                deliveries::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(deliveries::Column::WebhookId.eq(id))
            .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_delivery(conn: &impl ConnectionTrait, d: &Delivery) -> StoreResult<()> {
    let row = deliveries::ActiveModel {
        seq: sea_orm::NotSet,
        id: Set(d.id.clone()),
        webhook_id: Set(d.webhook_id),
        event_id: Set(d.event_id),
        event_type: Set(d.event_type.clone()),
        ordering_key: Set(d.ordering_key.clone()),
        payload: Set(d.payload.clone()),
        status: Set(d.status.as_str().to_owned()),
        attempts: Set(d.attempts),
        next_attempt_at: Set(d.next_attempt_at),
        locked_until: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        last_attempt_at: Set(None),
        created_at: Set(d.created_at),
    };
    deliveries::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Leases up to `max` deliveries that are due, for `lease`: pending, not
/// leased by another sender, and the oldest pending one of their ordering
/// key (so one claim's deliveries go out in order). Deliveries of a disabled
/// endpoint are failed when they come up.
/// On PostgreSQL, rows another replica is leasing right now are skipped,
/// not waited for.
pub async fn lease_due(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    max: u64,
) -> StoreResult<Vec<Delivery>> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push("UPDATE webhook_deliveries SET locked_until = ")
        .bind(now + lease)
        .push(" WHERE seq IN (SELECT d.seq FROM webhook_deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= ")
        .bind(now)
        .push(" AND (d.locked_until IS NULL OR d.locked_until < ")
        .bind(now)
        .push(
            ") AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
             AND e.ordering_key = d.ordering_key AND e.status = 'pending' AND e.seq < d.seq) \
             ORDER BY d.seq LIMIT ",
        )
        .push(&max.to_string());
    let seqs = sql.lease(conn).await?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    deliveries::Entity::find()
        .filter(deliveries::Column::Seq.is_in(seqs))
        .order_by_asc(deliveries::Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(delivery)
        .collect()
}

/// Records one attempt: its answer (HTTP status, or an error), and the
/// delivery's new status and next attempt.
#[allow(clippy::too_many_arguments)]
pub async fn record_attempt(
    conn: &impl ConnectionTrait,
    seq: i64,
    status: DeliveryStatus,
    http_status: Option<i32>,
    error: Option<&str>,
    next_attempt_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use deliveries::Column;
    // The column holds 500 characters; an error names at most that much.
    let error: Option<String> = error.map(|e| e.chars().take(500).collect());
    deliveries::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LastStatus, Expr::value(http_status))
        .col_expr(Column::LastError, Expr::value(error))
        .col_expr(Column::LastAttemptAt, Expr::value(now))
        .col_expr(Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Seq.eq(seq))
        .exec(conn)
        .await?;
    Ok(())
}

/// An endpoint's deliveries, newest first, after the cursor `before_seq`.
pub async fn deliveries_of(
    conn: &impl ConnectionTrait,
    webhook: Uuid,
    limit: u64,
    before_seq: Option<i64>,
) -> StoreResult<Vec<Delivery>> {
    let mut query = deliveries::Entity::find().filter(deliveries::Column::WebhookId.eq(webhook));
    if let Some(before) = before_seq {
        query = query.filter(deliveries::Column::Seq.lt(before));
    }
    query
        .order_by_desc(deliveries::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(delivery)
        .collect()
}

pub async fn find_delivery(
    conn: &impl ConnectionTrait,
    webhook: Uuid,
    id: &str,
) -> StoreResult<Option<Delivery>> {
    deliveries::Entity::find()
        .filter(deliveries::Column::WebhookId.eq(webhook))
        .filter(deliveries::Column::Id.eq(id))
        .one(conn)
        .await?
        .map(delivery)
        .transpose()
}

/// Sends a delivery again from now, keeping its id (receivers deduplicate),
/// with a fresh set of retries. One that is being sent right now is left to
/// that attempt.
pub async fn replay(conn: &impl ConnectionTrait, seq: i64, now: DateTime<Utc>) -> StoreResult<()> {
    use deliveries::Column;
    deliveries::Entity::update_many()
        .col_expr(Column::Status, Expr::value(DeliveryStatus::Pending.as_str()))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::value(0))
        .filter(Column::Seq.eq(seq))
        .filter(
            sea_orm::Condition::any()
                .add(Column::LockedUntil.is_null())
                .add(Column::LockedUntil.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// Locks an endpoint's row for the rest of the transaction (taken first by
/// every attempt's bookkeeping, so two attempts never lock in opposite
/// orders).
pub async fn lock(conn: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    webhooks::Entity::find_by_id(id)
        .select_only()
        .column(webhooks::Column::Id)
        .lock_exclusive()
        .into_tuple::<Uuid>()
        .one(conn)
        .await?;
    Ok(())
}

/// Whether any delivery is due (a cheap read, so idle senders take no
/// write lock).
pub async fn any_due(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(deliveries::Entity::find()
        .select_only()
        .column(deliveries::Column::Seq)
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .filter(deliveries::Column::NextAttemptAt.lte(now))
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some())
}

/// How many deliveries wait, and since when the oldest has waited.
pub async fn backlog(conn: &impl ConnectionTrait) -> StoreResult<(u64, Option<DateTime<Utc>>)> {
    let row: Option<(i64, Option<DateTime<Utc>>)> = deliveries::Entity::find()
        .select_only()
        .column_as(deliveries::Column::Seq.count(), "n")
        .column_as(deliveries::Column::CreatedAt.min(), "oldest")
        .filter(deliveries::Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(row.map_or((0, None), |(n, oldest)| (u64::try_from(n).unwrap_or(0), oldest)))
}
