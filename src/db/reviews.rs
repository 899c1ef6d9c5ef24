//! Published ClaimReviews, kept exactly as they were published.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::StoreResult;
use super::entities::claim_reviews::{self, Column, Entity};
use crate::domain::ids::ClaimId;

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
