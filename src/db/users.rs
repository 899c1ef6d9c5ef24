use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set, SqlErr,
};

use super::entities::users::{self, Column, Entity};
use super::{StoreError, StoreResult};
use crate::domain::DomainError;
use crate::domain::ids::UserId;
use crate::domain::page::{Cursor, Limit, Page};
use crate::domain::role::Role;
use crate::domain::user::{Email, User, UserChanges};

fn to_domain(row: users::Model) -> StoreResult<User> {
    let corrupt = |what: &str| StoreError::Database(DbErr::Type(format!("user {}: bad {what}", row.id)));
    Ok(User {
        id: UserId(row.id),
        email: Email::parse(&row.email).map_err(|_| corrupt("email"))?,
        role: Role::parse(&row.role).map_err(|_| corrupt("role"))?,
        display_name: row.display_name,
        disabled: row.disabled,
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
        session_generation: row.session_generation,
    })
}

/// Stores a new account; a taken email is a conflict, not a fault.
pub async fn insert(
    conn: &impl ConnectionTrait,
    email: Email,
    display_name: String,
    role: Role,
    password_hash: String,
    now: DateTime<Utc>,
) -> StoreResult<User> {
    let user = User {
        id: UserId::generate(),
        email,
        display_name,
        role,
        disabled: false,
        created_at: now,
        updated_at: now,
        version: 1,
        session_generation: 0,
    };
    let row = users::ActiveModel {
        id: Set(user.id.0),
        email: Set(user.email.as_str().to_owned()),
        display_name: Set(user.display_name.clone()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        session_generation: Set(0),
    };
    match Entity::insert(row).exec_without_returning(conn).await {
        Ok(_) => Ok(user),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(DomainError::Conflict(format!(
                "a user with the email {} already exists",
                user.email.as_str()
            ))
            .into())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn find(conn: &impl ConnectionTrait, id: UserId) -> StoreResult<Option<User>> {
    Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(to_domain)
        .transpose()
}

/// A user, with the row share-locked until the transaction ends (PostgreSQL),
/// so a concurrent password change, disabling or demotion waits for the
/// caller's tokens to be written, and then revokes them too.
pub async fn find_locked(conn: &impl ConnectionTrait, id: UserId) -> StoreResult<Option<User>> {
    Entity::find_by_id(id.0)
        .lock_shared()
        .one(conn)
        .await?
        .map(to_domain)
        .transpose()
}

/// The account and its password hash, for signing in.
pub async fn find_for_login(
    conn: &impl ConnectionTrait,
    email: &Email,
) -> StoreResult<Option<(User, String)>> {
    match Entity::find()
        .filter(Column::Email.eq(email.as_str()))
        .one(conn)
        .await?
    {
        Some(row) => {
            let hash = row.password_hash.clone();
            Ok(Some((to_domain(row)?, hash)))
        }
        None => Ok(None),
    }
}

pub async fn list(
    conn: &impl ConnectionTrait,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<User>> {
    let query = Entity::find();
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows.into_iter().map(to_domain).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |u: &User| Cursor {
        created_at: u.created_at,
        id: u.id.0,
    }))
}

pub async fn count(conn: &impl ConnectionTrait) -> StoreResult<u64> {
    Ok(Entity::find().count(conn).await?)
}

pub async fn count_active_admins(conn: &impl ConnectionTrait) -> StoreResult<u64> {
    Ok(Entity::find()
        .filter(Column::Role.eq(Role::Admin.as_str()))
        .filter(Column::Disabled.eq(false))
        .count(conn)
        .await?)
}

/// Applies `changes` if the stored version is still `expected`; with
/// `end_sessions`, every access token issued so far stops working.
pub async fn update(
    conn: &impl ConnectionTrait,
    id: UserId,
    expected: i64,
    changes: &UserChanges,
    password_hash: Option<String>,
    end_sessions: bool,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let mut update = Entity::update_many()
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Version, Expr::value(expected + 1));
    if end_sessions {
        update = update.col_expr(
            Column::SessionGeneration,
            Expr::col(Column::SessionGeneration).add(1),
        );
    }
    if let Some(name) = &changes.display_name {
        update = update.col_expr(Column::DisplayName, Expr::value(name.clone()));
    }
    if let Some(role) = changes.role {
        update = update.col_expr(Column::Role, Expr::value(role.as_str()));
    }
    if let Some(disabled) = changes.disabled {
        update = update.col_expr(Column::Disabled, Expr::value(disabled));
    }
    if let Some(hash) = password_hash {
        update = update.col_expr(Column::PasswordHash, Expr::value(hash));
    }
    let result = update
        .filter(Column::Id.eq(id.0))
        .filter(Column::Version.eq(expected))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
