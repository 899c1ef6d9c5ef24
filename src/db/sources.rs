use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

use super::entities::sources::{self, Column, Entity};
use super::{StoreError, StoreResult};
use crate::domain::DomainError;
use crate::domain::evidence::{Source, SourceContent, Stance};
use crate::domain::ids::{ClaimId, SourceId, UserId};
use crate::domain::page::{Cursor, Limit, Page};

fn to_domain(row: sources::Model) -> StoreResult<Source> {
    Ok(Source {
        id: SourceId(row.id),
        claim_id: ClaimId(row.claim_id),
        content: SourceContent {
            url: row.url,
            normalized_url: row.normalized_url,
            title: row.title,
            publisher: row.publisher,
            stance: Stance::parse(&row.stance)
                .ok_or_else(|| StoreError::Database(DbErr::Type(format!("source {}: bad stance", row.id))))?,
            note: row.note,
        },
        created_by: UserId(row.created_by),
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    })
}

fn duplicate(err: DbErr) -> StoreError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        DomainError::Conflict("this claim already has a source with that URL".into()).into()
    } else {
        err.into()
    }
}

pub async fn insert(conn: &impl ConnectionTrait, source: &Source) -> StoreResult<()> {
    let c = &source.content;
    let row = sources::ActiveModel {
        id: Set(source.id.0),
        claim_id: Set(source.claim_id.0),
        url: Set(c.url.clone()),
        normalized_url: Set(c.normalized_url.clone()),
        title: Set(c.title.clone()),
        publisher: Set(c.publisher.clone()),
        stance: Set(c.stance.as_str().to_owned()),
        note: Set(c.note.clone()),
        created_by: Set(source.created_by.0),
        created_at: Set(source.created_at),
        updated_at: Set(source.updated_at),
        version: Set(source.version),
    };
    Entity::insert(row)
        .exec_without_returning(conn)
        .await
        .map_err(duplicate)?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: SourceId) -> StoreResult<Option<Source>> {
    Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(to_domain)
        .transpose()
}

/// Every source of a claim, oldest first (for publishing its ClaimReview).
pub async fn all_for_claim(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<Vec<Source>> {
    Entity::find()
        .filter(Column::ClaimId.eq(claim.0))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

pub async fn count_for_claim(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<u64> {
    Ok(Entity::find()
        .filter(Column::ClaimId.eq(claim.0))
        .count(conn)
        .await?)
}

pub async fn list(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Source>> {
    let query = Entity::find().filter(Column::ClaimId.eq(claim.0));
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows.into_iter().map(to_domain).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |s: &Source| Cursor {
        created_at: s.created_at,
        id: s.id.0,
    }))
}

pub async fn update(
    conn: &impl ConnectionTrait,
    id: SourceId,
    expected: i64,
    c: &SourceContent,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::Url, Expr::value(c.url.clone()))
        .col_expr(Column::NormalizedUrl, Expr::value(c.normalized_url.clone()))
        .col_expr(Column::Title, Expr::value(c.title.clone()))
        .col_expr(Column::Publisher, Expr::value(c.publisher.clone()))
        .col_expr(Column::Stance, Expr::value(c.stance.as_str()))
        .col_expr(Column::Note, Expr::value(c.note.clone()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .exec(conn)
        .await
        .map_err(duplicate)?;
    Ok(result.rows_affected == 1)
}

/// Removes a source; the claim's history keeps what it was.
pub async fn delete(conn: &impl ConnectionTrait, id: SourceId, expected: i64) -> StoreResult<bool> {
    let result = Entity::delete_many()
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
