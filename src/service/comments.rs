//! Discussion on a claim. Anyone may comment; only the author may edit.

use sea_orm::DatabaseConnection;

use super::events::record;
use crate::db::{self, StoreResult, comments};
use crate::domain::DomainError;
use crate::domain::comment::{Comment, parse_body};
use crate::domain::history::{CommentAdded, CommentEdited, EventData};
use crate::domain::ids::{ClaimId, CommentId, UserId};
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::version::IfMatch;

const ENTITY: &str = "comment";

pub async fn add(
    db: &DatabaseConnection,
    actor: UserId,
    claim: ClaimId,
    body: String,
) -> StoreResult<Comment> {
    let body = parse_body(body).map_err(|m| DomainError::invalid("body", m))?;
    let txn = db::begin_write(db).await?;
    super::claims::require_live(&txn, claim).await?;
    let at = now();
    let comment = Comment {
        id: CommentId::generate(),
        claim_id: claim,
        author_id: actor,
        body,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    comments::insert(&txn, &comment).await?;
    record(
        &txn,
        claim,
        Some(actor),
        EventData::CommentAdded(CommentAdded {
            comment_id: comment.id.0,
            body: comment.body.clone(),
        }),
    )
    .await?;
    super::commit(txn, comment).await
}

pub async fn list(
    db: &DatabaseConnection,
    claim: ClaimId,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<Comment>> {
    super::claims::require_live(db, claim).await?;
    comments::list(db, claim, limit, after).await
}

pub async fn edit(
    db: &DatabaseConnection,
    actor: UserId,
    id: CommentId,
    if_match: &IfMatch,
    body: String,
) -> StoreResult<Comment> {
    let body = parse_body(body).map_err(|m| DomainError::invalid("body", m))?;
    let txn = db::begin_write(db).await?;
    let current = comments::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    // Comments of a deleted claim are read-only.
    super::claims::require_live(&txn, current.claim_id).await?;
    if current.author_id != actor {
        return Err(DomainError::Forbidden("only the author may edit a comment".into()).into());
    }
    if_match.check(ENTITY, current.version)?;
    let at = now();
    if !comments::update(&txn, id, current.version, &body, at).await? {
        return Err(super::stale(
            ENTITY,
            comments::find(db, id).await?.map(|c| c.version),
        ));
    }
    let data = EventData::CommentEdited(CommentEdited {
        comment_id: id.0,
        old: current.body.clone(),
        new: body.clone(),
    });
    record(&txn, current.claim_id, Some(actor), data).await?;
    let updated = Comment {
        body,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, updated).await
}
