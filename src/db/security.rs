//! Shared server secrets and the sign-in attempt counters: state that every
//! replica must see, so it lives in the database, not in memory.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use super::entities::{server_secrets, sign_in_attempts};
use super::{Sql, StoreResult};

/// The secret stored under `name`, storing `candidate` first if there is none.
/// Replicas starting together all end up with the same value.
pub async fn secret_or_insert(
    conn: &impl ConnectionTrait,
    name: &str,
    candidate: String,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let row = server_secrets::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(candidate),
        created_at: Set(now),
    };
    server_secrets::Entity::insert(row)
        .on_conflict_do_nothing_on([server_secrets::Column::Name])
        .exec_without_returning(conn)
        .await?;
    let stored = server_secrets::Entity::find_by_id(name.to_owned())
        .one(conn)
        .await?;
    Ok(stored.map(|s| s.value).unwrap_or_default())
}

/// Counts one sign-in attempt for `key` and returns how many it has had in
/// its current window, and when that window started. A window that started
/// at or before `expired_before` is over: the count starts again at 1. One
/// atomic upsert, so parallel attempts can never all read the same count.
pub async fn count_attempt(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    expired_before: DateTime<Utc>,
) -> StoreResult<(i64, DateTime<Utc>)> {
    let mut sql = Sql::new(conn.get_database_backend());
    sql.push(r#"INSERT INTO sign_in_attempts ("key", window_started_at, attempts) VALUES ("#)
        .bind(key)
        .push(", ")
        .bind(now)
        .push(", 1) ON CONFLICT (\"key\") DO UPDATE SET attempts = CASE WHEN sign_in_attempts.window_started_at <= ")
        .bind(expired_before)
        .push(" THEN 1 ELSE sign_in_attempts.attempts + 1 END, window_started_at = CASE WHEN sign_in_attempts.window_started_at <= ")
        .bind(expired_before)
        .push(" THEN excluded.window_started_at ELSE sign_in_attempts.window_started_at END")
        .push(" RETURNING attempts, window_started_at");
    let row = sql
        .all(conn)
        .await?
        .pop()
        .ok_or_else(|| DbErr::RecordNotFound("the attempt counter returned no row".into()))?;
    Ok((
        row.try_get::<i64>("", "attempts")?,
        row.try_get::<DateTime<Utc>>("", "window_started_at")?,
    ))
}

/// Takes back one counted attempt of `key` (a sign-in that succeeded), or,
/// with `forget`, its whole count.
pub async fn uncount_attempt(conn: &impl ConnectionTrait, key: &str, forget: bool) -> StoreResult<()> {
    use sign_in_attempts::Column;
    if forget {
        sign_in_attempts::Entity::delete_many()
            .filter(Column::Key.eq(key))
            .exec(conn)
            .await?;
    } else {
        sign_in_attempts::Entity::update_many()
            .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
            .filter(Column::Key.eq(key))
            .filter(Column::Attempts.gt(0))
            .exec(conn)
            .await?;
    }
    Ok(())
}
