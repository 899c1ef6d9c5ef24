use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::db::{self, StoreResult, articles, claims};
use crate::domain::DomainError;
use crate::domain::claim::{Claim, ClaimContent, ClaimFields, ClaimFilter, ClaimPatch};
use crate::domain::extract;
use crate::domain::ids::{ArticleId, ClaimId, UserId};
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::version::IfMatch;

const ENTITY: &str = "claim";

pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    article_id: Option<ArticleId>,
    fields: ClaimFields,
) -> StoreResult<Claim> {
    let txn = db::begin_write(db).await?;
    let body = match article_id {
        Some(id) => Some(
            articles::find_live(&txn, id)
                .await?
                .ok_or_else(|| {
                    DomainError::invalid("article_id", "no article has this id (or it was archived)")
                })?
                .content
                .body,
        ),
        None => None,
    };
    let content = ClaimContent::parse(fields, body.as_deref())?;
    let analysis = extract::analyse(content.text.as_str());
    let claim = claims::insert(&txn, article_id, content, analysis, actor, now()).await?;
    super::commit(txn, claim).await
}

pub async fn get(db: &DatabaseConnection, id: ClaimId) -> StoreResult<Claim> {
    claims::find(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &ClaimFilter,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Claim>> {
    claims::list(db, filter, limit, after).await
}

pub async fn update(
    db: &DatabaseConnection,
    id: ClaimId,
    if_match: &IfMatch,
    patch: ClaimPatch,
) -> StoreResult<Claim> {
    let txn = db::begin_write(db).await?;
    let current = claims::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    let body = article_body(&txn, current.article_id).await?;
    let content = current.content.patched(patch, body.as_deref())?;
    if content == current.content {
        return super::commit(txn, current).await;
    }
    let at = now();
    let analysis = if content.text == current.content.text {
        current.analysis.clone()
    } else {
        extract::analyse(content.text.as_str())
    };
    if !claims::update(&txn, id, current.version, &content, &analysis, at).await? {
        return Err(super::stale(
            ENTITY,
            claims::find(db, id).await?.map(|c| c.version),
        ));
    }
    let updated = Claim {
        content,
        analysis,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
}

pub async fn delete(db: &DatabaseConnection, id: ClaimId, if_match: &IfMatch) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let current = claims::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if !claims::delete(&txn, id, current.version, now()).await? {
        return Err(super::stale(
            ENTITY,
            claims::find(db, id).await?.map(|c| c.version),
        ));
    }
    super::commit(txn, ()).await
}

async fn article_body(
    conn: &impl ConnectionTrait,
    article_id: Option<ArticleId>,
) -> StoreResult<Option<String>> {
    match article_id {
        Some(id) => articles::find_body(conn, id).await,
        None => Ok(None),
    }
}
