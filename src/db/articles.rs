use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::entities::articles::{self, Column, Entity};
use super::{StoreResult, Writes};
use crate::domain::article::{Article, ArticleContent};
use crate::domain::ids::{ArticleId, UserId};
use crate::domain::page::{Cursor, Limit, Page, RankCursor};
use crate::domain::search::SearchQuery;
use uuid::Uuid;

fn to_domain(row: articles::Model) -> Article {
    Article {
        id: ArticleId(row.id),
        content: ArticleContent {
            title: row.title,
            body: row.body,
            url: row.url,
            outlet: row.outlet,
            author: row.author,
            published_at: row.published_at,
            language: row.language,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        created_by: row.created_by.map(UserId),
    }
}

/// A new article, not yet stored.
pub fn new_article(content: ArticleContent, created_by: UserId, now: DateTime<Utc>) -> Article {
    Article {
        id: ArticleId::generate(),
        content,
        created_at: now,
        updated_at: now,
        version: 1,
        created_by: Some(created_by),
    }
}

/// Stores a new article: the statement, built here, run later in the
/// caller's transaction.
pub fn insert_into(writes: &mut Writes, article: &Article) {
    writes.insert([row(article)]);
}

/// Stores many new articles, a statement per few hundred (for seeding).
pub async fn insert_many(conn: &impl ConnectionTrait, articles: &[Article]) -> StoreResult<()> {
    for chunk in articles.chunks(500) {
        Entity::insert_many(chunk.iter().map(row))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

fn row(article: &Article) -> articles::ActiveModel {
    let c = &article.content;
    articles::ActiveModel {
        id: Set(article.id.0),
        title: Set(c.title.clone()),
        body: Set(c.body.clone()),
        url: Set(c.url.clone()),
        outlet: Set(c.outlet.clone()),
        author: Set(c.author.clone()),
        published_at: Set(c.published_at),
        language: Set(c.language.clone()),
        created_at: Set(article.created_at),
        updated_at: Set(article.updated_at),
        archived_at: Set(None),
        version: Set(article.version),
        created_by: Set(article.created_by.map(|u| u.0)),
    }
}

/// An article that has not been archived.
pub async fn find_live(conn: &impl ConnectionTrait, id: ArticleId) -> StoreResult<Option<Article>> {
    let row = Entity::find_by_id(id.0)
        .filter(Column::ArchivedAt.is_null())
        .one(conn)
        .await?;
    Ok(row.map(to_domain))
}

/// Any article, archived or not.
pub async fn find_any(conn: &impl ConnectionTrait, id: ArticleId) -> StoreResult<Option<Article>> {
    Ok(Entity::find_by_id(id.0).one(conn).await?.map(to_domain))
}

/// The body of any article, archived or not: its claims still point into it.
pub async fn find_body(conn: &impl ConnectionTrait, id: ArticleId) -> StoreResult<Option<String>> {
    let row = Entity::find_by_id(id.0).one(conn).await?;
    Ok(row.map(|r| r.body))
}

/// Live articles, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Article>> {
    let query = Entity::find().filter(Column::ArchivedAt.is_null());
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows.into_iter().map(to_domain).collect();
    Ok(Page::from_rows(items, limit, |a: &Article| Cursor {
        created_at: a.created_at,
        id: a.id.0,
    }))
}

/// Live articles matching `query`, best match first.
pub async fn search(
    conn: &impl ConnectionTrait,
    query: &SearchQuery,
    limit: Limit,
    after: Option<RankCursor>,
) -> StoreResult<Page<Article, RankCursor>> {
    let ranked = super::search::articles(conn, query, limit, after).await?;
    let rank: HashMap<Uuid, (usize, f64)> = ranked
        .iter()
        .enumerate()
        .map(|(i, (id, r))| (*id, (i, *r)))
        .collect();
    let mut rows = Entity::find()
        .filter(Column::Id.is_in(rank.keys().copied()))
        .all(conn)
        .await?;
    rows.sort_by_key(|r| rank[&r.id].0);
    let items = rows.into_iter().map(to_domain).collect();
    Ok(Page::from_rows(items, limit, |a: &Article| RankCursor {
        rank: rank[&a.id.0].1,
        id: a.id.0,
    }))
}

/// Writes new content if the stored version is still `expected`; returns
/// false when someone else wrote first.
pub async fn update(
    conn: &impl ConnectionTrait,
    id: ArticleId,
    expected: i64,
    content: &ArticleContent,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::Title, Expr::value(content.title.clone()))
        .col_expr(Column::Body, Expr::value(content.body.clone()))
        .col_expr(Column::Url, Expr::value(content.url.clone()))
        .col_expr(Column::Outlet, Expr::value(content.outlet.clone()))
        .col_expr(Column::Author, Expr::value(content.author.clone()))
        .col_expr(Column::PublishedAt, Expr::value(content.published_at))
        .col_expr(Column::Language, Expr::value(content.language.clone()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .filter(Column::ArchivedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Archives the article if the stored version is still `expected`.
pub async fn archive(
    conn: &impl ConnectionTrait,
    id: ArticleId,
    expected: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::ArchivedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1))
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .filter(Column::ArchivedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
