//! The event feed, which is also the outbox webhooks are sent from.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::entities::events::{self, Column, Entity};
use super::{StoreError, StoreResult, Writes};
use crate::domain::history::{EventData, FeedEvent};
use crate::domain::ids::{ClaimId, UserId};

fn to_domain(row: events::Model) -> StoreResult<FeedEvent> {
    let data = serde_json::from_str(&row.data)
        .ok()
        .and_then(|d| EventData::from_parts(&row.kind, d))
        .ok_or_else(|| StoreError::Database(DbErr::Type(format!("feed event {}: bad row", row.id))))?;
    Ok(FeedEvent {
        id: row.id,
        position: row.position,
        claim_id: row.claim_id.map(ClaimId),
        article_id: row.article_id,
        actor_id: row.actor_id.map(UserId),
        at: row.at,
        data,
    })
}

fn row(event: &FeedEvent) -> events::ActiveModel {
    let (kind, data) = event.data.to_parts();
    events::ActiveModel {
        id: Set(event.id),
        position: Set(None),
        event_type: Set(event.data.event_type().to_owned()),
        claim_id: Set(event.claim_id.map(|c| c.0)),
        article_id: Set(event.article_id),
        actor_id: Set(event.actor_id.map(|a| a.0)),
        at: Set(event.at),
        kind: Set(kind.to_owned()),
        data: Set(data.to_string()),
    }
}

/// Writes an event to the feed, unsequenced, in the caller's transaction.
pub async fn insert(conn: &impl ConnectionTrait, event: &FeedEvent) -> StoreResult<()> {
    Entity::insert(row(event)).exec_without_returning(conn).await?;
    Ok(())
}

/// Writes many events in one statement (the caller keeps it under a
/// thousand rows): built here, run later in the caller's transaction.
pub fn insert_many_into(writes: &mut Writes, events: &[FeedEvent]) {
    writes.insert(events.iter().map(row));
}

/// Whether any committed event waits for a position (a cheap read, so an
/// idle sequencer takes no write lock).
pub async fn any_unsequenced(conn: &impl ConnectionTrait) -> StoreResult<bool> {
    Ok(Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Position.is_null())
        .into_tuple::<Uuid>()
        .one(conn)
        .await?
        .is_some())
}

/// Gives the next `max` committed, unsequenced events their positions, in
/// the order they were written, and returns them. The caller must be the
/// only sequencer for the length of its transaction.
pub async fn sequence(conn: &impl ConnectionTrait, max: u64) -> StoreResult<Vec<FeedEvent>> {
    let pending = Entity::find()
        .filter(Column::Position.is_null())
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .limit(max)
        .all(conn)
        .await?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let last: Option<Option<i64>> = Entity::find()
        .select_only()
        .column_as(Column::Position.max(), "last")
        .into_tuple()
        .one(conn)
        .await?;
    let first = last.flatten().unwrap_or(0) + 1;
    // One statement for the batch (`position = CASE WHEN id = … THEN … END`): a
    // statement per event held SQLite's write lock through 200 round trips
    // to sqlx's thread, and after a burst of articles the sequencer's turns
    // kept the matcher and the article writes waiting for tens of seconds.
    let mut positions = sea_orm::sea_query::CaseStatement::new();
    let mut sequenced = Vec::with_capacity(pending.len());
    for (position, mut row) in (first..).zip(pending) {
        positions = positions.case(Column::Id.eq(row.id), Expr::value(position));
        row.position = Some(position);
        sequenced.push(to_domain(row)?);
    }
    Entity::update_many()
        .col_expr(Column::Position, positions.into())
        .filter(Column::Id.is_in(sequenced.iter().map(|e| e.id)))
        .exec(conn)
        .await?;
    Ok(sequenced)
}

/// Sequenced events after `after`, oldest first, optionally of some types.
pub async fn list(
    conn: &impl ConnectionTrait,
    after: i64,
    limit: u64,
    types: &[String],
) -> StoreResult<Vec<FeedEvent>> {
    let mut query = Entity::find().filter(Column::Position.gt(after));
    if !types.is_empty() {
        query = query.filter(Column::EventType.is_in(types.iter().cloned()));
    }
    query
        .order_by_asc(Column::Position)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The feed entry with this id, sequenced or not.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<FeedEvent>> {
    Entity::find_by_id(id).one(conn).await?.map(to_domain).transpose()
}
