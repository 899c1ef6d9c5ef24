//! Credentials: password hashing, JWT access tokens, rotating refresh
//! tokens, API tokens, and sign-in rate limiting.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{self, StoreError, StoreResult, security, tokens, users};
use crate::domain::DomainError;
use crate::domain::ids::{TokenId, UserId};
use crate::domain::page::now;
use crate::domain::role::Role;
use crate::domain::token::RefreshToken;
use crate::domain::user::{Credential, Email, Password, Principal, User};

/// API tokens start with this, so they are told apart from JWTs at a glance
/// (and by secret scanners).
pub const API_TOKEN_PREFIX: &str = "cdk_";
const REFRESH_TOKEN_PREFIX: &str = "cdr_";
const JWT_SECRET_NAME: &str = "jwt_hs256";
pub const MIN_SECRET_BYTES: usize = 32;

/// Sign-in throttling: this many failures within the window block further
/// attempts until the oldest failure ages out.
const FAILURE_WINDOW: Duration = Duration::minutes(15);
const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
const MAX_FAILURES_PER_ADDRESS: u64 = 20;

const BAD_LOGIN: &str = "the email or password is wrong";

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            issuer: "claimdesk".into(),
            audience: "claimdesk-api".into(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
        }
    }
}

/// The signing keys and the rules access tokens are checked against.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub settings: AuthSettings,
}

/// Where the signing secret came from, so start-up can say so.
#[derive(Debug, PartialEq, Eq)]
pub enum SecretSource {
    Environment,
    Database,
}

impl Keys {
    /// Uses `configured` (from CLAIMDESK_JWT_SECRET) when given; otherwise the
    /// secret kept in the database, generated on first start, so that every
    /// replica on one database signs and checks with the same key.
    pub async fn load(
        db: &DatabaseConnection,
        configured: Option<String>,
        settings: AuthSettings,
    ) -> Result<(Self, SecretSource), String> {
        let (secret, source) = match configured {
            Some(secret) if secret.len() >= MIN_SECRET_BYTES => (secret, SecretSource::Environment),
            Some(_) => {
                return Err(format!(
                    "CLAIMDESK_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
                ));
            }
            None => {
                let candidate = URL_SAFE_NO_PAD.encode(random_bytes::<48>());
                let stored = security::secret_or_insert(db, JWT_SECRET_NAME, candidate, now())
                    .await
                    .map_err(|e| format!("cannot read the signing secret from the database: {e}"))?;
                if stored.len() < MIN_SECRET_BYTES {
                    return Err("the signing secret stored in the database is too short".into());
                }
                (stored, SecretSource::Database)
            }
        };
        Ok((Self::from_secret(secret.as_bytes(), settings), source))
    }

    pub fn from_secret(secret: &[u8], settings: AuthSettings) -> Self {
        // Pinned to HS256: a token claiming any other algorithm, `none`
        // included, fails before its signature is even looked at.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            settings,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
    jti: String,
}

/// What a successful sign-in or refresh hands out.
#[derive(Debug)]
pub struct TokenPair {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing is unrecoverable; nothing safe can be issued.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    bytes
}

/// A new opaque token: a prefix and 256 random bits.
pub fn new_opaque_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// Tokens are stored only as this hash. They carry 256 random bits, so a
/// fast hash suffices (no salt or stretching needed, unlike passwords).
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random password for the first administrator.
pub fn new_password() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<18>())
}

/// Argon2id with the crate's recommended parameters. CPU-heavy: runs off the
/// async threads.
pub async fn hash_password(password: Password) -> StoreResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.expose().as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| format!("password hashing failed: {e}"))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r)
    .map_err(|e| StoreError::Database(sea_orm::DbErr::Custom(e)))
}

/// A hash of a password nobody knows, checked when the email is unknown so
/// that a wrong email takes as long as a wrong password.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(&random_bytes::<16>())
        .map(|h| h.to_string())
        .unwrap_or_default()
});

async fn password_matches(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| DECOY_HASH.clone());
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

fn issue_access(keys: &Keys, user: &User, at: DateTime<Utc>) -> Result<(String, i64), StoreError> {
    let ttl = keys.settings.access_ttl;
    let claims = Claims {
        sub: user.id.to_string(),
        role: user.role.as_str().to_owned(),
        iat: at.timestamp(),
        exp: (at + ttl).timestamp(),
        iss: keys.settings.issuer.clone(),
        aud: keys.settings.audience.clone(),
        jti: uuid::Uuid::now_v7().to_string(),
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
        .map_err(|e| StoreError::Database(sea_orm::DbErr::Custom(format!("cannot sign a token: {e}"))))?;
    Ok((token, ttl.num_seconds()))
}

/// Issues an access token and a refresh token in `family` (a new family for
/// a new sign-in).
async fn issue_pair(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &Keys,
    user: &User,
    family: TokenId,
    at: DateTime<Utc>,
) -> StoreResult<TokenPair> {
    let (access_token, expires_in) = issue_access(keys, user, at)?;
    let refresh_token = new_opaque_token(REFRESH_TOKEN_PREFIX);
    let record = RefreshToken {
        id: TokenId::generate(),
        family_id: family,
        user_id: user.id,
        expires_at: at + keys.settings.refresh_ttl,
        used_at: None,
        revoked_at: None,
    };
    tokens::insert_refresh(conn, &record, token_hash(&refresh_token), at).await?;
    Ok(TokenPair {
        access_token,
        expires_in,
        refresh_token,
    })
}

/// Checks that neither the account nor the client address is locked out.
async fn check_throttle(
    db: &DatabaseConnection,
    keys: [(&str, u64); 2],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    for (key, max) in keys {
        let (count, oldest) = security::failures_since(db, key, at - FAILURE_WINDOW).await?;
        if count >= max {
            let free_at = oldest.unwrap_or(at) + FAILURE_WINDOW;
            let retry_after_secs = (free_at - at).num_seconds().max(1) as u64;
            return Err(DomainError::RateLimited { retry_after_secs }.into());
        }
    }
    Ok(())
}

/// Signs a person in with email and password.
pub async fn login(
    db: &DatabaseConnection,
    keys: &Keys,
    email: &str,
    password: String,
    client: &str,
) -> StoreResult<TokenPair> {
    let at = now();
    let email = Email::parse(email).ok();
    let account_key = format!("account:{}", email.as_ref().map_or("", |e| e.as_str()));
    let address_key = format!("address:{client}");
    check_throttle(
        db,
        [
            (&account_key, MAX_FAILURES_PER_ACCOUNT),
            (&address_key, MAX_FAILURES_PER_ADDRESS),
        ],
        at,
    )
    .await?;

    let found = match &email {
        Some(email) => users::find_for_login(db, email).await?,
        None => None,
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = password_matches(password, hash).await;
    let txn = db::begin_write(db).await?;
    match user {
        Some(user) if matches && !user.disabled => {
            security::clear_failures(&txn, &account_key, None).await?;
            let pair = issue_pair(&txn, keys, &user, TokenId::generate(), at).await?;
            txn.commit().await?;
            Ok(pair)
        }
        _ => {
            for key in [&account_key, &address_key] {
                security::clear_failures(&txn, key, Some(at - FAILURE_WINDOW)).await?;
                security::record_failure(&txn, key, at).await?;
            }
            txn.commit().await?;
            Err(DomainError::Unauthenticated(BAD_LOGIN.into()).into())
        }
    }
}

/// Trades a refresh token for a new pair. Each refresh token works once:
/// presenting a spent one means it was copied, so the whole family is revoked.
pub async fn refresh(db: &DatabaseConnection, keys: &Keys, refresh_token: &str) -> StoreResult<TokenPair> {
    let at = now();
    let txn = db::begin_write(db).await?;
    let rejected = |why: &str| StoreError::from(DomainError::Unauthenticated(why.to_owned()));
    let Some(record) = tokens::find_refresh_by_hash(&txn, &token_hash(refresh_token)).await? else {
        return Err(rejected("the refresh token is not valid; sign in again"));
    };
    if record.revoked_at.is_some() {
        return Err(rejected("the refresh token was revoked; sign in again"));
    }
    if record.used_at.is_some() || !tokens::spend_refresh(&txn, record.id, at).await? {
        tokens::revoke_refresh_family(&txn, record.family_id, at).await?;
        txn.commit().await?;
        tracing::warn!(user = %record.user_id, "a spent refresh token was presented again; its session was revoked");
        return Err(rejected(
            "the refresh token was already used, so it may have been copied; every session from it is now signed out; sign in again",
        ));
    }
    if record.expires_at <= at {
        return Err(rejected("the refresh token has expired; sign in again"));
    }
    let user = users::find(&txn, record.user_id).await?.filter(|u| !u.disabled);
    let Some(user) = user else {
        return Err(rejected("the account is disabled"));
    };
    let pair = issue_pair(&txn, keys, &user, record.family_id, at).await?;
    txn.commit().await?;
    Ok(pair)
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored:
/// signing out twice is not an error.
pub async fn logout(db: &DatabaseConnection, refresh_token: &str) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    if let Some(record) = tokens::find_refresh_by_hash(&txn, &token_hash(refresh_token)).await? {
        tokens::revoke_refresh_family(&txn, record.family_id, now()).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Who a bearer credential belongs to. Checked against the database on every
/// request, so disabling a user or revoking a token takes effect at once.
pub async fn authenticate(db: &DatabaseConnection, keys: &Keys, bearer: &str) -> StoreResult<Principal> {
    let at = now();
    let rejected = |why: &str| StoreError::from(DomainError::Unauthenticated(why.to_owned()));
    let (user_id, token_role, credential) = if bearer.starts_with(API_TOKEN_PREFIX) {
        let token = tokens::find_api_by_hash(db, &token_hash(bearer))
            .await?
            .filter(|t| t.is_usable(at))
            .ok_or_else(|| rejected("the API token is unknown, revoked or expired"))?;
        tokens::touch_api(db, token.id, at).await?;
        (token.owner_id, token.role, Credential::ApiToken(token.id))
    } else {
        let claims = jsonwebtoken::decode::<Claims>(bearer, &keys.decoding, &keys.validation)
            .map_err(|e| {
                rejected(&format!(
                    "the access token is not valid ({e}); sign in or refresh"
                ))
            })?
            .claims;
        let user_id = claims
            .sub
            .parse()
            .map(UserId)
            .map_err(|_| rejected("the access token names no user"))?;
        let role = Role::parse(&claims.role).map_err(|_| rejected("the access token names no role"))?;
        (user_id, role, Credential::Session)
    };
    let user = users::find(db, user_id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| rejected("the account is disabled"))?;
    Ok(Principal {
        user_id,
        // A demotion takes effect at once; a promotion with the next token.
        role: token_role.min(user.role),
        credential,
    })
}
