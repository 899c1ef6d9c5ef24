use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::entities::claims::{self, Column, Entity};
use super::{StoreError, StoreResult};
use crate::domain::claim::{Claim, ClaimContent, ClaimFilter, ClaimStatus, ClaimText, Span};
use crate::domain::ids::{ArticleId, ClaimId, UserId};
use crate::domain::page::{Cursor, Limit, Page};

fn to_domain(row: claims::Model) -> StoreResult<Claim> {
    // Rows only ever hold values the domain wrote; anything else is corruption.
    let corrupt =
        |what: &str| StoreError::Database(sea_orm::DbErr::Type(format!("claim {}: bad {what}", row.id)));
    let span = match (row.span_start, row.span_end) {
        (Some(start), Some(end)) if start >= 0 && end >= start => Some(Span {
            start: start as usize,
            end: end as usize,
        }),
        (None, None) => None,
        _ => return Err(corrupt("span")),
    };
    Ok(Claim {
        id: ClaimId(row.id),
        article_id: row.article_id.map(ArticleId),
        status: ClaimStatus::parse(&row.status).map_err(|_| corrupt("status"))?,
        content: ClaimContent {
            text: ClaimText::parse(row.text).map_err(|_| corrupt("text"))?,
            span,
            claimant: row.claimant,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        created_by: row.created_by.map(UserId),
    })
}

fn span_columns(span: Option<Span>) -> (Option<i32>, Option<i32>) {
    // Article bodies are capped far below i32::MAX code points.
    match span {
        Some(s) => (Some(s.start as i32), Some(s.end as i32)),
        None => (None, None),
    }
}

pub async fn insert(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
    content: ClaimContent,
    created_by: UserId,
    now: DateTime<Utc>,
) -> StoreResult<Claim> {
    let claim = Claim {
        id: ClaimId::generate(),
        article_id,
        content,
        status: ClaimStatus::Unverified,
        created_at: now,
        updated_at: now,
        version: 1,
        created_by: Some(created_by),
    };
    let (span_start, span_end) = span_columns(claim.content.span);
    let row = claims::ActiveModel {
        id: Set(claim.id.0),
        article_id: Set(article_id.map(|a| a.0)),
        text: Set(claim.content.text.as_str().to_owned()),
        span_start: Set(span_start),
        span_end: Set(span_end),
        claimant: Set(claim.content.claimant.clone()),
        status: Set(claim.status.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        version: Set(1),
        created_by: Set(Some(created_by.0)),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(claim)
}

/// A claim that has not been deleted.
pub async fn find(conn: &impl ConnectionTrait, id: ClaimId) -> StoreResult<Option<Claim>> {
    let row = Entity::find_by_id(id.0)
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?;
    row.map(to_domain).transpose()
}

/// Claims matching `filter`, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Claim>> {
    let mut query = Entity::find().filter(Column::DeletedAt.is_null());
    if let Some(article) = filter.article_id {
        query = query.filter(Column::ArticleId.eq(article.0));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    if let Some(needle) = &filter.text_contains {
        let pattern = format!("%{}%", escape_like(&needle.to_lowercase()));
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(Column::Text))).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows.into_iter().map(to_domain).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |c: &Claim| Cursor {
        created_at: c.created_at,
        id: c.id.0,
    }))
}

/// Every claim of one article, for re-anchoring after its body changes.
pub async fn all_of_article(conn: &impl ConnectionTrait, article_id: ArticleId) -> StoreResult<Vec<Claim>> {
    Entity::find()
        .filter(Column::ArticleId.eq(article_id.0))
        .filter(Column::DeletedAt.is_null())
        .order_by_asc(Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Writes new content if the stored version is still `expected`; returns
/// false when someone else wrote first.
pub async fn update(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    expected: i64,
    content: &ClaimContent,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let (span_start, span_end) = span_columns(content.span);
    let result = Entity::update_many()
        .col_expr(Column::Text, Expr::value(content.text.as_str()))
        .col_expr(Column::SpanStart, Expr::value(span_start))
        .col_expr(Column::SpanEnd, Expr::value(span_end))
        .col_expr(Column::Claimant, Expr::value(content.claimant.clone()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .filter(Column::DeletedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Soft-deletes the claim if the stored version is still `expected`: it
/// disappears from the API but its row (and later its history) stays.
pub async fn delete(
    conn: &impl ConnectionTrait,
    id: ClaimId,
    expected: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::DeletedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .filter(Column::DeletedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// `%`, `_` and the escape character itself match literally.
fn escape_like(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
