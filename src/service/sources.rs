//! Evidence for and against claims.

use sea_orm::DatabaseConnection;
use serde_json::json;

use super::claims::record;
use crate::db::{self, StoreResult, sources};
use crate::domain::DomainError;
use crate::domain::evidence::{Source, SourceContent, SourceFields, SourcePatch};
use crate::domain::history::EventKind;
use crate::domain::ids::{ClaimId, SourceId, UserId};
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::version::IfMatch;

const ENTITY: &str = "source";
const SOURCES: &str = "sources";

fn summary(content: &SourceContent) -> serde_json::Value {
    json!({
        "url": content.url,
        "title": content.title,
        "publisher": content.publisher,
        "stance": content.stance.as_str(),
        "note": content.note,
    })
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
    let data = json!({"source_id": source.id.0, "source": summary(&source.content)});
    record(&txn, claim, Some(actor), EventKind::SourceAdded, data).await?;
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
    let data = json!({"source_id": id.0, "old": summary(&current.content), "new": summary(&content)});
    record(
        &txn,
        current.claim_id,
        Some(actor),
        EventKind::SourceChanged,
        data,
    )
    .await?;
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
    let data = json!({"source_id": id.0, "source": summary(&current.content)});
    record(
        &txn,
        current.claim_id,
        Some(actor),
        EventKind::SourceRemoved,
        data,
    )
    .await?;
    super::commit(txn, ()).await
}
