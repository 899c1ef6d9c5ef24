use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::StoreResult;
use super::entities::comments::{self, Column, Entity};
use crate::domain::comment::Comment;
use crate::domain::ids::{ClaimId, CommentId, UserId};
use crate::domain::page::{Cursor, Limit, Page};

fn to_domain(row: comments::Model) -> Comment {
    Comment {
        id: CommentId(row.id),
        claim_id: ClaimId(row.claim_id),
        author_id: UserId(row.author_id),
        body: row.body,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    }
}

pub async fn insert(conn: &impl ConnectionTrait, comment: &Comment) -> StoreResult<()> {
    let row = comments::ActiveModel {
        id: Set(comment.id.0),
        claim_id: Set(comment.claim_id.0),
        author_id: Set(comment.author_id.0),
        body: Set(comment.body.clone()),
        created_at: Set(comment.created_at),
        updated_at: Set(comment.updated_at),
        version: Set(comment.version),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

pub async fn find(conn: &impl ConnectionTrait, id: CommentId) -> StoreResult<Option<Comment>> {
    Ok(Entity::find_by_id(id.0).one(conn).await?.map(to_domain))
}

pub async fn list(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Comment>> {
    let query = Entity::find().filter(Column::ClaimId.eq(claim.0));
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows.into_iter().map(to_domain).collect();
    Ok(Page::from_rows(items, limit, |c: &Comment| Cursor {
        created_at: c.created_at,
        id: c.id.0,
    }))
}

pub async fn update(
    conn: &impl ConnectionTrait,
    id: CommentId,
    expected: i64,
    body: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::Body, Expr::value(body))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
