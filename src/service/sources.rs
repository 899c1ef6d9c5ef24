//! Evidence for and against claims.

use sea_orm::DatabaseConnection;

use super::events::record;
use crate::db::{self, StoreResult, sources};
use crate::domain::DomainError;
use crate::domain::evidence::{Source, SourceContent, SourceFields, SourcePatch};
use crate::domain::history::{EventData, SourceAdded, SourceChanged, SourceRemoved, SourceSnapshot};
use crate::domain::ids::{ClaimId, SourceId, UserId};
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::version::IfMatch;

const ENTITY: &str = "source";
const SOURCES: &str = "sources";

fn summary(content: &SourceContent) -> SourceSnapshot {
    SourceSnapshot {
        url: content.url.clone(),
        title: content.title.clone(),
        publisher: content.publisher.clone(),
        stance: content.stance.as_str().to_owned(),
        note: content.note.clone(),
    }
}

pub async fn add(
    db: &DatabaseConnection,
    actor: UserId,
    claim: ClaimId,
    fields: SourceFields,
) -> StoreResult<Source> {
    let content = SourceContent::parse(fields)?;
    let txn = db::begin_write(db).await?;
    super::claims::require_editable(&txn, claim, SOURCES).await?;
    let at = now();
    let source = Source {
        id: SourceId::generate(),
        claim_id: claim,
        content,
        created_by: actor,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    sources::insert(&txn, &source).await?;
    let data = EventData::SourceAdded(SourceAdded {
        source_id: source.id.0,
        source: summary(&source.content),
    });
    record(&txn, claim, Some(actor), data).await?;
    super::commit(txn, source).await
}

pub async fn list(
    db: &DatabaseConnection,
    claim: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Source>> {
    super::claims::require_live(db, claim).await?;
    sources::list(db, claim, limit, after).await
}

pub async fn update(
    db: &DatabaseConnection,
    actor: UserId,
    id: SourceId,
    if_match: &IfMatch,
    patch: SourcePatch,
) -> StoreResult<Source> {
    let txn = db::begin_write(db).await?;
    let current = sources::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    // A deleted claim's sources are read-only, and so are a frozen claim's.
    super::claims::require_editable(&txn, current.claim_id, SOURCES).await?;
    if_match.check(ENTITY, current.version)?;
    let content = current.content.patched(patch)?;
    if content == current.content {
        return super::commit(txn, current).await;
    }
    let at = now();
    if !sources::update(&txn, id, current.version, &content, at).await? {
        return Err(super::stale(
            ENTITY,
            sources::find(db, id).await?.map(|s| s.version),
        ));
    }
    let data = EventData::SourceChanged(SourceChanged {
        source_id: id.0,
        old: summary(&current.content),
        new: summary(&content),
    });
    record(&txn, current.claim_id, Some(actor), data).await?;
    let updated = Source {
        content,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
}

pub async fn remove(
    db: &DatabaseConnection,
    actor: UserId,
    id: SourceId,
    if_match: &IfMatch,
) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let current = sources::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    // A deleted claim's sources are read-only, and so are a frozen claim's.
    super::claims::require_editable(&txn, current.claim_id, SOURCES).await?;
    if_match.check(ENTITY, current.version)?;
    if !sources::delete(&txn, id, current.version).await? {
        return Err(super::stale(
            ENTITY,
            sources::find(db, id).await?.map(|s| s.version),
        ));
    }
    let data = EventData::SourceRemoved(SourceRemoved {
        source_id: id.0,
        source: summary(&current.content),
    });
    record(&txn, current.claim_id, Some(actor), data).await?;
    super::commit(txn, ()).await
}
