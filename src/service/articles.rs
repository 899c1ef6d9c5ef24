use sea_orm::DatabaseConnection;

use crate::db::{self, StoreResult, articles, claims};
use crate::domain::DomainError;
use crate::domain::article::{Article, ArticleContent, ArticleFields, ArticlePatch};
use crate::domain::ids::{ArticleId, UserId};
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::version::IfMatch;

const ENTITY: &str = "article";

pub async fn create(db: &DatabaseConnection, actor: UserId, fields: ArticleFields) -> StoreResult<Article> {
    let content = ArticleContent::parse(fields)?;
    let txn = db::begin_write(db).await?;
    let article = articles::insert(&txn, content, actor, now()).await?;
    super::commit(txn, article).await
}

pub async fn get(db: &DatabaseConnection, id: ArticleId) -> StoreResult<Article> {
    articles::find_live(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(
    db: &DatabaseConnection,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Article>> {
    articles::list(db, limit, after).await
}

/// Applies a patch. A new body re-anchors the article's claims in the same
/// transaction: a claim whose text is gone keeps everything but its offsets.
pub async fn update(
    db: &DatabaseConnection,
    id: ArticleId,
    if_match: &IfMatch,
    patch: ArticlePatch,
) -> StoreResult<Article> {
    let txn = db::begin_write(db).await?;
    let current = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    let content = current.content.patched(patch)?;
    if content == current.content {
        return super::commit(txn, current).await;
    }
    let at = now();
    if !articles::update(&txn, id, current.version, &content, at).await? {
        return Err(super::stale(
            ENTITY,
            articles::find_live(db, id).await?.map(|a| a.version),
        ));
    }
    if content.body != current.content.body {
        for claim in claims::all_of_article(&txn, id).await? {
            let span = claim.content.reanchored(&content.body);
            if span != claim.content.span {
                let moved = crate::domain::claim::ClaimContent {
                    span,
                    ..claim.content
                };
                claims::update(&txn, claim.id, claim.version, &moved, &claim.analysis, at).await?;
            }
        }
    }
    let updated = Article {
        content,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
}

/// Archives: the article leaves every listing, its claims stay.
pub async fn archive(db: &DatabaseConnection, id: ArticleId, if_match: &IfMatch) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let current = articles::find_live(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if !articles::archive(&txn, id, current.version, now()).await? {
        return Err(super::stale(
            ENTITY,
            articles::find_live(db, id).await?.map(|a| a.version),
        ));
    }
    super::commit(txn, ()).await
}
