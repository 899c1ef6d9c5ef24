use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::claim_events::{self, Column, Entity};
use super::{StoreError, StoreResult};
use crate::domain::history::{Event, EventKind};
use crate::domain::ids::{ClaimId, EventId, UserId};
use crate::domain::page::{Cursor, Limit, Page};

/// Appends an event. There is deliberately no update or delete here.
pub async fn append(conn: &impl ConnectionTrait, event: &Event) -> StoreResult<()> {
    let row = claim_events::ActiveModel {
        id: Set(event.id.0),
        claim_id: Set(event.claim_id.0),
        actor_id: Set(event.actor_id.map(|a| a.0)),
        kind: Set(event.kind.as_str().to_owned()),
        at: Set(event.at),
        data: Set(event.data.to_string()),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
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
    let corrupt = |id| StoreError::Database(DbErr::Type(format!("event {id}: bad row")));
    let events = rows
        .into_iter()
        .map(|r| {
            Ok(Event {
                id: EventId(r.id),
                claim_id: ClaimId(r.claim_id),
                actor_id: r.actor_id.map(UserId),
                kind: EventKind::parse(&r.kind).ok_or_else(|| corrupt(r.id))?,
                at: r.at,
                data: serde_json::from_str(&r.data).map_err(|_| corrupt(r.id))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(events, limit, |e: &Event| Cursor {
        created_at: e.at,
        id: e.id.0,
    }))
}
