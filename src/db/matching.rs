//! Matching jobs: what a claim write leaves for background matching to do.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entities::matching_jobs::{self, Column, Entity};
use super::{Sql, StoreError, StoreResult, Writes};
use crate::domain::ids::ClaimId;

/// One claim's change to term counts, and whether its repeats must be
/// found again.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchingJob {
    pub seq: i64,
    pub claim_id: ClaimId,
    pub add: BTreeSet<String>,
    pub remove: BTreeSet<String>,
    pub rematch: bool,
    pub attempts: i32,
}

fn terms(text: &str, seq: i64) -> StoreResult<BTreeSet<String>> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Database(DbErr::Type(format!("matching job {seq}: bad terms"))))
}

/// Records jobs in the caller's transaction, in one statement per thousand.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    jobs: &[MatchingJob],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut writes = Writes::new(conn.get_database_backend());
    enqueue_into(&mut writes, jobs, now);
    Ok(writes.run(conn).await?)
}

/// `enqueue`'s statements, built to run later.
pub fn enqueue_into(writes: &mut Writes, jobs: &[MatchingJob], now: DateTime<Utc>) {
    for chunk in jobs.chunks(1000) {
        let rows = chunk.iter().map(|job| matching_jobs::ActiveModel {
            seq: sea_orm::NotSet,
            claim_id: Set(job.claim_id.0),
            add_terms: Set(serde_json::to_string(&job.add).unwrap_or_else(|_| "[]".into())),
            remove_terms: Set(serde_json::to_string(&job.remove).unwrap_or_else(|_| "[]".into())),
            rematch: Set(job.rematch),
            counted: Set(false),
            locked_until: Set(None),
            attempts: Set(0),
            last_error: Set(None),
            created_at: Set(now),
        });
        writes.insert(rows);
    }
}

/// Whether any job waits to be counted, or counted and ready to match (a
/// cheap read, so an idle matcher takes no write lock).
pub async fn any_ready(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<(bool, bool)> {
    let uncounted = Entity::find()
        .select_only()
        .column(Column::Seq)
        .filter(Column::Counted.eq(false))
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some();
    let to_match = Entity::find()
        .select_only()
        .column(Column::Seq)
        .filter(Column::Counted.eq(true))
        .filter(
            sea_orm::Condition::any()
                .add(Column::LockedUntil.is_null())
                .add(Column::LockedUntil.lt(now)),
        )
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some();
    Ok((uncounted, to_match))
}

/// Up to `max` jobs not counted yet, oldest first, locked for the caller's
/// transaction (PostgreSQL skips rows another replica is counting).
pub async fn uncounted(conn: &impl ConnectionTrait, max: u64) -> StoreResult<Vec<MatchingJob>> {
    let mut query = Entity::find()
        .filter(Column::Counted.eq(false))
        .order_by_asc(Column::Seq)
        .limit(max);
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        query = query.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    query.all(conn).await?.into_iter().map(job).collect()
}

/// Marks jobs counted; those with nothing left to do are removed.
pub async fn mark_counted(conn: &impl ConnectionTrait, jobs: &[MatchingJob]) -> StoreResult<()> {
    let (rematch, done): (Vec<&MatchingJob>, Vec<&MatchingJob>) = jobs.iter().partition(|j| j.rematch);
    for chunk in rematch.chunks(1000) {
        Entity::update_many()
            .col_expr(Column::Counted, Expr::value(true))
            .filter(Column::Seq.is_in(chunk.iter().map(|j| j.seq)))
            .exec(conn)
            .await?;
    }
    let done: Vec<i64> = done.iter().map(|j| j.seq).collect();
    finish(conn, &done).await
}

fn job(row: matching_jobs::Model) -> StoreResult<MatchingJob> {
    Ok(MatchingJob {
        seq: row.seq,
        claim_id: ClaimId(row.claim_id),
        add: terms(&row.add_terms, row.seq)?,
        remove: terms(&row.remove_terms, row.seq)?,
        rematch: row.rematch,
        attempts: row.attempts,
    })
}

/// Leases up to `max` counted jobs, oldest first, that no other worker
/// holds. On PostgreSQL rows another replica is leasing are skipped, not
/// waited for.
pub async fn lease(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    max: u64,
) -> StoreResult<Vec<MatchingJob>> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push("UPDATE matching_jobs SET locked_until = ")
        .bind(now + lease)
        .push(" WHERE seq IN (SELECT seq FROM matching_jobs WHERE counted = ")
        .bind(true)
        .push(" AND (locked_until IS NULL OR locked_until < ")
        .bind(now)
        .push(")")
        .push(" ORDER BY seq LIMIT ")
        .push(&max.to_string());
    let seqs = sql.lease(conn).await?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::Seq.is_in(seqs))
        .order_by_asc(Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(job)
        .collect()
}

/// Removes done jobs, in the transaction that did them.
pub async fn finish(conn: &impl ConnectionTrait, seqs: &[i64]) -> StoreResult<()> {
    for chunk in seqs.chunks(1000) {
        Entity::delete_many()
            .filter(Column::Seq.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Gives leased jobs back undone, for any worker to take at once.
pub async fn release(conn: &impl ConnectionTrait, seqs: &[i64]) -> StoreResult<()> {
    for chunk in seqs.chunks(1000) {
        Entity::update_many()
            .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(Column::Seq.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Records a failed try; the job is tried again once `retry_at` passes.
pub async fn failed(
    conn: &impl ConnectionTrait,
    seqs: &[i64],
    error: &str,
    retry_at: DateTime<Utc>,
) -> StoreResult<()> {
    let error: String = error.chars().take(500).collect();
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LastError, Expr::value(error))
        .col_expr(Column::LockedUntil, Expr::value(retry_at))
        .filter(Column::Seq.is_in(seqs.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// How many jobs wait, and since when the oldest has waited.
pub async fn backlog(conn: &impl ConnectionTrait) -> StoreResult<(u64, Option<DateTime<Utc>>)> {
    let row: Option<(i64, Option<DateTime<Utc>>)> = Entity::find()
        .select_only()
        .column_as(Column::Seq.count(), "n")
        .column_as(Column::CreatedAt.min(), "oldest")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(row.map_or((0, None), |(n, oldest)| (u64::try_from(n).unwrap_or(0), oldest)))
}
