//! Shared server secrets and the failed sign-in log: state that every
//! replica must see, so it lives in the database, not in memory.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::StoreResult;
use super::entities::{login_failures, server_secrets};

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

/// How many failures `key` has had since `since`, and when the oldest was.
pub async fn failures_since(
    conn: &impl ConnectionTrait,
    key: &str,
    since: DateTime<Utc>,
) -> StoreResult<(u64, Option<DateTime<Utc>>)> {
    use login_failures::Column;
    let recent = login_failures::Entity::find()
        .filter(Column::Key.eq(key))
        .filter(Column::At.gt(since));
    let count = recent.clone().count(conn).await?;
    let oldest = recent.order_by_asc(Column::At).one(conn).await?.map(|f| f.at);
    Ok((count, oldest))
}

pub async fn record_failure(conn: &impl ConnectionTrait, key: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let row = login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(key.to_owned()),
        at: Set(at),
    };
    login_failures::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Forgets failures of `key`, or (with `before`) only those that have aged out.
pub async fn clear_failures(
    conn: &impl ConnectionTrait,
    key: &str,
    before: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    use login_failures::Column;
    let mut delete = login_failures::Entity::delete_many().filter(Column::Key.eq(key));
    if let Some(before) = before {
        delete = delete.filter(Column::At.lte(before));
    }
    delete.exec(conn).await?;
    Ok(())
}
