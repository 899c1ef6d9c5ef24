use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::entities::claim_links::{self, Column, Entity};
use super::{Sql, StoreError, StoreResult};
use crate::domain::ids::{ClaimId, UserId};
use crate::domain::link::{Link, Pair, Relation};

fn to_domain(row: claim_links::Model) -> StoreResult<Link> {
    let corrupt = || StoreError::Database(DbErr::Type(format!("claim link {}: bad row", row.id)));
    Ok(Link {
        pair: Pair::new(ClaimId(row.claim_id), ClaimId(row.other_id)).map_err(|_| corrupt())?,
        relation: Relation::parse(&row.relation).ok_or_else(corrupt)?,
        created_by: UserId(row.created_by),
        created_at: row.created_at,
    })
}

/// Stores a link; a link between the same two claims already there is a
/// conflict (the unique index decides, so concurrent requests agree).
pub async fn insert(conn: &impl ConnectionTrait, link: &Link) -> StoreResult<()> {
    let row = claim_links::ActiveModel {
        id: Set(Uuid::now_v7()),
        claim_id: Set(link.pair.low().0),
        other_id: Set(link.pair.high().0),
        relation: Set(link.relation.as_str().to_owned()),
        created_by: Set(link.created_by.0),
        created_at: Set(link.created_at),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, pair: Pair) -> StoreResult<Option<Link>> {
    Entity::find()
        .filter(Column::ClaimId.eq(pair.low().0))
        .filter(Column::OtherId.eq(pair.high().0))
        .one(conn)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn delete(conn: &impl ConnectionTrait, pair: Pair) -> StoreResult<bool> {
    let result = Entity::delete_many()
        .filter(Column::ClaimId.eq(pair.low().0))
        .filter(Column::OtherId.eq(pair.high().0))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every link of a claim, oldest first.
pub async fn of_claim(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<Vec<Link>> {
    Entity::find()
        .filter(
            Condition::any()
                .add(Column::ClaimId.eq(claim.0))
                .add(Column::OtherId.eq(claim.0)),
        )
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The claims joined to `claim` by `same_as` links, directly or through
/// others, `claim` included.
pub async fn same_as_group(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<Vec<ClaimId>> {
    let mut sql = Sql::new(conn.get_database_backend());
    // PostgreSQL must be told the type of a bare parameter.
    let (open, close) = if sql.postgres() {
        ("SELECT CAST(", " AS uuid)")
    } else {
        ("SELECT (", ")")
    };
    sql.push("WITH RECURSIVE grp(id) AS (")
        .push(open)
        .bind(claim.0)
        .push(close)
        .push(
            " UNION SELECT CASE WHEN l.claim_id = g.id THEN l.other_id ELSE l.claim_id END \
             FROM claim_links l JOIN grp g ON l.claim_id = g.id OR l.other_id = g.id \
             WHERE l.relation = 'same_as') SELECT id FROM grp",
        );
    sql.all(conn)
        .await?
        .iter()
        .map(|row| Ok(ClaimId(row.try_get("", "id")?)))
        .collect()
}
