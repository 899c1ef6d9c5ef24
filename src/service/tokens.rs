//! API tokens for integrations.

use sea_orm::DatabaseConnection;

use super::auth;
use crate::db::{self, StoreResult, tokens};
use crate::domain::DomainError;
use crate::domain::ids::TokenId;
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::role::Action;
use crate::domain::token::{ApiToken, NewApiToken};
use crate::domain::user::{Credential, Principal};

/// Creates a token owned by the caller and returns it with its secret, which
/// is shown this once and stored only as a hash.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Principal,
    new: NewApiToken,
) -> StoreResult<(ApiToken, String)> {
    if caller.credential != Credential::Session {
        return Err(DomainError::Forbidden(
            "API tokens cannot create API tokens; sign in as a person to create one".into(),
        )
        .into());
    }
    let secret = auth::new_opaque_token(auth::API_TOKEN_PREFIX);
    let token = ApiToken {
        id: TokenId::generate(),
        owner_id: caller.user_id,
        name: new.name,
        role: new.role,
        created_at: now(),
        expires_at: new.expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    let txn = db::begin_write(db).await?;
    tokens::insert_api(&txn, &token, auth::token_hash(&secret)).await?;
    txn.commit().await?;
    Ok((token, secret))
}

/// The caller's tokens; an admin sees everyone's.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Principal,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<ApiToken>> {
    let owner = (!caller.role.includes(Action::SeeAllTokens.least_role())).then_some(caller.user_id);
    tokens::list_api(db, owner, limit, after).await
}

/// Revokes a token of the caller's (an admin may revoke anyone's). Another
/// user's token is reported as not found rather than forbidden, so ids of
/// other people's tokens cannot be probed.
pub async fn revoke(db: &DatabaseConnection, caller: &Principal, id: TokenId) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    let token = tokens::find_api(&txn, id)
        .await?
        .filter(|t| t.owner_id == caller.user_id || caller.role.includes(Action::SeeAllTokens.least_role()))
        .ok_or(DomainError::NotFound("API token"))?;
    tokens::revoke_api(&txn, token.id, now()).await?;
    txn.commit().await?;
    auth::forget_credentials();
    Ok(())
}
