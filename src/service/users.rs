//! Accounts: created and managed by admins, never deleted.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};

use super::auth;
use crate::db::{self, StoreResult, tokens, users};
use crate::domain::DomainError;
use crate::domain::ids::UserId;
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::role::Role;
use crate::domain::user::{Email, NewUser, Password, User, UserChanges};
use crate::domain::version::IfMatch;

const ENTITY: &str = "user";
pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

pub async fn create(db: &DatabaseConnection, new: NewUser) -> StoreResult<User> {
    let hash = auth::hash_password(new.password).await?;
    let txn = db::begin_write(db).await?;
    let user = users::insert(&txn, new.email, new.display_name, new.role, hash, now()).await?;
    super::commit(txn, user).await
}

pub async fn get(db: &DatabaseConnection, id: UserId) -> StoreResult<User> {
    users::find(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(db: &DatabaseConnection, limit: Limit, after: Option<Cursor>) -> StoreResult<Page<User>> {
    users::list(db, limit, after).await
}

/// Changes an account. The last active admin can be neither demoted nor
/// disabled; a new password signs the user out of every session.
pub async fn update(
    db: &DatabaseConnection,
    id: UserId,
    if_match: &IfMatch,
    changes: UserChanges,
) -> StoreResult<User> {
    let password_hash = match changes.password.clone() {
        Some(password) => Some(auth::hash_password(password).await?),
        None => None,
    };
    let txn = db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Two admins demoting each other at once must not both succeed.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236042156)")
            .await?;
    }
    let current = users::find(&txn, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY))?;
    if_match.check(ENTITY, current.version)?;
    if current.is_active_admin()
        && !changes.keeps_active_admin(&current)
        && users::count_active_admins(&txn).await? <= 1
    {
        return Err(DomainError::Conflict(
            "this is the last active admin: make another user admin before demoting or disabling this one"
                .into(),
        )
        .into());
    }
    let at = now();
    let end_sessions = changes.ends_sessions(&current);
    if !users::update(
        &txn,
        id,
        current.version,
        &changes,
        password_hash,
        end_sessions,
        at,
    )
    .await?
    {
        return Err(super::stale(
            ENTITY,
            users::find(db, id).await?.map(|u| u.version),
        ));
    }
    if end_sessions {
        tokens::revoke_refresh_of_user(&txn, id, at).await?;
    }
    // A new password or a disabled account means the person's credentials
    // may be in the wrong hands: their API tokens are revoked for good, and
    // re-enabling the account does not bring them back.
    if changes.password.is_some() || changes.disabled == Some(true) {
        tokens::revoke_api_of_user(&txn, id, at).await?;
    }
    let updated = User {
        session_generation: current.session_generation + i64::from(end_sessions),
        display_name: changes.display_name.unwrap_or(current.display_name),
        role: changes.role.unwrap_or(current.role),
        disabled: changes.disabled.unwrap_or(current.disabled),
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    txn.commit().await?;
    auth::forget_credentials();
    Ok(updated)
}

/// On a database with no users, creates `admin@localhost` with a random
/// password and returns that password (to be shown once). Replicas starting
/// together race on the unique email; the losers create nothing.
pub async fn bootstrap_admin(db: &DatabaseConnection) -> StoreResult<Option<String>> {
    if users::count(db).await? > 0 {
        return Ok(None);
    }
    let password = auth::new_password();
    let new = NewUser {
        email: Email::parse(FIRST_ADMIN_EMAIL).map_err(|m| DomainError::invalid("email", m))?,
        display_name: "Administrator".into(),
        password: Password::parse(password.clone()).map_err(|m| DomainError::invalid("password", m))?,
        role: Role::Admin,
    };
    match create(db, new).await {
        Ok(_) => Ok(Some(password)),
        Err(db::StoreError::Domain(DomainError::Conflict(_))) => Ok(None),
        Err(err) => Err(err),
    }
}
