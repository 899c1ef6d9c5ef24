use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::claim_events::{self, Column, Entity};
use super::{StoreError, StoreResult, Writes};
use crate::domain::history::{Event, EventData, FeedEvent};
use crate::domain::ids::{ClaimId, EventId, UserId};
use crate::domain::page::{Cursor, Limit, Page};

/// Appends an event to its claim's history and, with `to_feed`, to the event
/// feed (the outbox integrations are told from). There is deliberately no
/// update or delete here.
pub async fn append(conn: &impl ConnectionTrait, event: &Event, to_feed: bool) -> StoreResult<()> {
    Entity::insert(row(event)).exec_without_returning(conn).await?;
    if to_feed {
        super::events::insert(conn, &FeedEvent::of_claim(event)).await?;
    }
    Ok(())
}

/// An event as its history row.
fn row(event: &Event) -> claim_events::ActiveModel {
    let (kind, data) = event.data.to_parts();
    claim_events::ActiveModel {
        id: Set(event.id.0),
        claim_id: Set(event.claim_id.0),
        actor_id: Set(event.actor_id.map(|a| a.0)),
        kind: Set(kind.to_owned()),
        at: Set(event.at),
        data: Set(data.to_string()),
    }
}

/// Appends many events (of claims written together) in a few statements,
/// each to its claim's history and to the event feed: built here, run
/// later in the caller's transaction.
pub fn append_many_into(writes: &mut Writes, events: &[Event]) {
    for chunk in events.chunks(1000) {
        writes.insert(chunk.iter().map(row));
        let feed: Vec<FeedEvent> = chunk.iter().map(FeedEvent::of_claim).collect();
        super::events::insert_many_into(writes, &feed);
    }
}

/// A claim's events, oldest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Event>> {
    let mut query = Entity::find().filter(Column::ClaimId.eq(claim.0));
    if let Some(c) = after {
        query = query.filter(
            sea_orm::Condition::any().add(Column::At.gt(c.created_at)).add(
                sea_orm::Condition::all()
                    .add(Column::At.eq(c.created_at))
                    .add(Column::Id.gt(c.id)),
            ),
        );
    }
    let rows = query
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .limit(limit.get() + 1)
        .all(conn)
        .await?;
    let events = rows
        .into_iter()
        .map(|r| {
            let data = serde_json::from_str(&r.data)
                .ok()
                .and_then(|d| EventData::from_parts(&r.kind, d))
                .ok_or_else(|| StoreError::Database(DbErr::Type(format!("event {}: bad row", r.id))))?;
            Ok(Event {
                id: EventId(r.id),
                claim_id: ClaimId(r.claim_id),
                actor_id: r.actor_id.map(UserId),
                at: r.at,
                data,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(events, limit, |e: &Event| Cursor {
        created_at: e.at,
        id: e.id.0,
    }))
}
