//! Published ClaimReviews, kept exactly as they were published.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::entities::claim_reviews::{self, Column, Entity};
use super::{Sql, StoreResult};
use crate::domain::ids::ClaimId;
use crate::domain::page::{Cursor, Limit};

/// The ClaimReview published for a claim, as its bytes.
pub async fn published(conn: &impl ConnectionTrait, claim: ClaimId) -> StoreResult<Option<String>> {
    Ok(Entity::find_by_id(claim.0).one(conn).await?.map(|r| r.body))
}

/// Stores what was published for a claim. With `replace`, a new verdict's
/// ClaimReview takes the place of the last one; without, an existing one is
/// kept (two readers back-filling the same claim store one).
pub async fn publish(
    conn: &impl ConnectionTrait,
    claim: ClaimId,
    body: String,
    at: DateTime<Utc>,
    replace: bool,
) -> StoreResult<()> {
    let row = claim_reviews::ActiveModel {
        claim_id: Set(claim.0),
        body: Set(body),
        published_at: Set(at),
    };
    let mut on_conflict = OnConflict::column(Column::ClaimId);
    if replace {
        on_conflict.update_columns([Column::Body, Column::PublishedAt]);
    } else {
        on_conflict.do_nothing();
    }
    Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// One entry of the ClaimReview feed: a verified claim's published review.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub claim_id: ClaimId,
    /// The ClaimReview JSON as published.
    pub body: String,
    pub published_at: DateTime<Utc>,
}

/// Published reviews of live verified claims, newest first: those published
/// after `since`, after the cursor, `limit` and one more.
pub async fn feed(
    conn: &impl ConnectionTrait,
    since: Option<DateTime<Utc>>,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Vec<FeedEntry>> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push(
        "SELECT r.claim_id, r.body, r.published_at FROM claim_reviews r JOIN claims c ON c.id = r.claim_id \
         WHERE c.status = 'verified' AND c.deleted_at IS NULL",
    );
    if let Some(since) = since {
        sql.push(" AND r.published_at > ").bind(since);
    }
    if let Some(c) = after {
        sql.push(" AND (r.published_at < ")
            .bind(c.created_at)
            .push(" OR (r.published_at = ")
            .bind(c.created_at)
            .push(" AND r.claim_id < ")
            .bind(c.id)
            .push("))");
    }
    sql.push(" ORDER BY r.published_at DESC, r.claim_id DESC LIMIT ")
        .bind(limit.get() as i64 + 1);
    sql.all(conn)
        .await?
        .iter()
        .map(|row| {
            Ok(FeedEntry {
                claim_id: ClaimId(row.try_get("", "claim_id")?),
                body: row.try_get("", "body")?,
                published_at: row.try_get("", "published_at")?,
            })
        })
        .collect()
}

/// Up to `max` live verified claims with no published review kept (verified
/// before reviews were kept).
pub async fn unpublished(conn: &impl ConnectionTrait, max: u64) -> StoreResult<Vec<ClaimId>> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push(
        "SELECT c.id FROM claims c WHERE c.status = 'verified' AND c.deleted_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM claim_reviews r WHERE r.claim_id = c.id) LIMIT ",
    )
    .bind(max as i64);
    sql.all(conn)
        .await?
        .iter()
        .map(|row| Ok(ClaimId(row.try_get("", "id")?)))
        .collect()
}
