//! Use cases. Each public function is one unit of work: it opens at most one
//! transaction, so the changes it makes land together or not at all.

pub mod articles;
pub mod auth;
pub mod background;
pub mod backup;
pub mod claims;
pub mod comments;
pub mod events;
pub mod fact_checks;
pub mod seed;
pub mod semantic;
pub mod sources;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod webhooks;

use crate::db::{StoreError, StoreResult, WriteTransaction};
use crate::domain::DomainError;

/// Reports a lost race: a conditional write found that another writer got in
/// after this transaction read the row. `current` is the version that won.
fn stale(entity: &'static str, current: Option<i64>) -> StoreError {
    match current {
        Some(current) => DomainError::StaleVersion { entity, current }.into(),
        None => DomainError::NotFound(entity).into(),
    }
}

async fn commit<T>(txn: WriteTransaction, value: T) -> StoreResult<T> {
    txn.commit().await?;
    Ok(value)
}
