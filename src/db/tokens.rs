//! API tokens and refresh tokens. Only hashes of tokens are stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

use super::entities::{api_tokens, refresh_tokens};
use super::{StoreError, StoreResult};
use crate::domain::ids::{TokenId, UserId};
use crate::domain::page::{Cursor, Limit, Page};
use crate::domain::role::Role;
use crate::domain::token::{ApiToken, RefreshToken};

fn api_to_domain(row: api_tokens::Model) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: TokenId(row.id),
        owner_id: UserId(row.owner_id),
        role: Role::parse(&row.role)
            .map_err(|_| StoreError::Database(DbErr::Type(format!("api token {}: bad role", row.id))))?,
        name: row.name,
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    })
}

pub async fn insert_api(conn: &impl ConnectionTrait, token: &ApiToken, hash: String) -> StoreResult<()> {
    let row = api_tokens::ActiveModel {
        id: Set(token.id.0),
        owner_id: Set(token.owner_id.0),
        name: Set(token.name.clone()),
        role: Set(token.role.as_str().to_owned()),
        token_hash: Set(hash),
        created_at: Set(token.created_at),
        expires_at: Set(token.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    };
    api_tokens::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn find_api_by_hash(conn: &impl ConnectionTrait, hash: &str) -> StoreResult<Option<ApiToken>> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash))
        .one(conn)
        .await?
        .map(api_to_domain)
        .transpose()
}

pub async fn find_api(conn: &impl ConnectionTrait, id: TokenId) -> StoreResult<Option<ApiToken>> {
    api_tokens::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(api_to_domain)
        .transpose()
}

/// Tokens newest first: one owner's, or everyone's when `owner` is `None`.
pub async fn list_api(
    conn: &impl ConnectionTrait,
    owner: Option<UserId>,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<ApiToken>> {
    use api_tokens::Column;
    let mut query = api_tokens::Entity::find();
    if let Some(owner) = owner {
        query = query.filter(Column::OwnerId.eq(owner.0));
    }
    let rows = super::newest_first(conn, query, Column::CreatedAt, Column::Id, limit, after).await?;
    let items = rows
        .into_iter()
        .map(api_to_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |t: &ApiToken| Cursor {
        created_at: t.created_at,
        id: t.id.0,
    }))
}

pub async fn revoke_api(conn: &impl ConnectionTrait, id: TokenId, now: DateTime<Utc>) -> StoreResult<()> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(now))
        .filter(api_tokens::Column::Id.eq(id.0))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Revokes every live API token a user owns.
pub async fn revoke_api_of_user(
    conn: &impl ConnectionTrait,
    owner: UserId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(now))
        .filter(api_tokens::Column::OwnerId.eq(owner.0))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Records use, at most once a minute per token so that a busy integration
/// does not turn every read into a write.
pub async fn touch_api(conn: &impl ConnectionTrait, id: TokenId, now: DateTime<Utc>) -> StoreResult<()> {
    use api_tokens::Column;
    api_tokens::Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(now))
        .filter(Column::Id.eq(id.0))
        .filter(
            Condition::any()
                .add(Column::LastUsedAt.is_null())
                .add(Column::LastUsedAt.lt(now - chrono::Duration::seconds(60))),
        )
        .exec(conn)
        .await?;
    Ok(())
}

fn refresh_to_domain(row: refresh_tokens::Model) -> RefreshToken {
    RefreshToken {
        id: TokenId(row.id),
        family_id: TokenId(row.family_id),
        user_id: UserId(row.user_id),
        expires_at: row.expires_at,
        used_at: row.used_at,
        revoked_at: row.revoked_at,
    }
}

pub async fn insert_refresh(
    conn: &impl ConnectionTrait,
    token: &RefreshToken,
    hash: String,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = refresh_tokens::ActiveModel {
        id: Set(token.id.0),
        family_id: Set(token.family_id.0),
        user_id: Set(token.user_id.0),
        token_hash: Set(hash),
        created_at: Set(now),
        expires_at: Set(token.expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
    };
    refresh_tokens::Entity::insert(row)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub async fn find_refresh_by_hash(
    conn: &impl ConnectionTrait,
    hash: &str,
) -> StoreResult<Option<RefreshToken>> {
    Ok(refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash))
        .one(conn)
        .await?
        .map(refresh_to_domain))
}

/// Spends a refresh token; false if it was already spent or revoked (a
/// concurrent refresh got there first).
pub async fn spend_refresh(
    conn: &impl ConnectionTrait,
    id: TokenId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    use refresh_tokens::Column;
    let result = refresh_tokens::Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(id.0))
        .filter(Column::UsedAt.is_null())
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn revoke_refresh_family(
    conn: &impl ConnectionTrait,
    family: TokenId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use refresh_tokens::Column;
    refresh_tokens::Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::FamilyId.eq(family.0))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Signs a user out everywhere (after a password change, say).
pub async fn revoke_refresh_of_user(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use refresh_tokens::Column;
    refresh_tokens::Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::UserId.eq(user.0))
        .filter(Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
