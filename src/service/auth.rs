//! Credentials: password hashing, JWT access tokens, rotating refresh
//! tokens, API tokens, and sign-in rate limiting.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::db::{self, StoreError, StoreResult, security, tokens, users};
use crate::domain::DomainError;
use crate::domain::ids::{TokenId, UserId};
use crate::domain::page::now;
use crate::domain::role::Role;
use crate::domain::token::{ApiToken, RefreshToken};
use crate::domain::user::{Credential, Email, Password, Principal, User};

/// API tokens start with this, so they are told apart from JWTs at a glance
/// (and by secret scanners).
pub const API_TOKEN_PREFIX: &str = "cdk_";
const REFRESH_TOKEN_PREFIX: &str = "cdr_";
const JWT_SECRET_NAME: &str = "jwt_hs256";
pub const MIN_SECRET_BYTES: usize = 32;

/// Sign-in throttling. Every attempt is counted before the password is
/// checked, in a fixed window: at most this many per account from one client
/// address, and per client address over all accounts. Limiting by account
/// and address together means an attacker elsewhere cannot lock a person
/// out; limiting by address bounds guessing across accounts.
const ATTEMPT_WINDOW: Duration = Duration::minutes(15);
pub const MAX_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
pub const MAX_ATTEMPTS_PER_ADDRESS: i64 = 20;

/// How long a sign-in waits for a turn at password hashing before it is
/// told to come back (429).
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Password hashing is deliberately slow and memory-hungry; at most two per
/// core run at once in this process, so a burst of sign-ins cannot starve
/// every other request.
static HASHING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(2 * cores))
});

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
    /// The user's session generation when the token was issued; tokens of
    /// an older generation are refused.
    #[serde(default, rename = "gen")]
    generation: i64,
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

/// A turn at password hashing, or 429 when none comes free in time.
async fn hashing_turn() -> StoreResult<OwnedSemaphorePermit> {
    match tokio::time::timeout(HASHING_WAIT, HASHING.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(DomainError::Busy { retry_after_secs: 1 }.into()),
    }
}

/// Argon2id with the crate's recommended parameters. CPU-heavy: runs off the
/// async threads, a bounded number at a time.
pub async fn hash_password(password: Password) -> StoreResult<String> {
    let permit = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
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

async fn password_matches(password: String, hash: Option<String>) -> StoreResult<bool> {
    let permit = hashing_turn().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let hash = hash.unwrap_or_else(|| DECOY_HASH.clone());
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false))
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
        generation: user.session_generation,
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

/// Counts this attempt against each (key, limit); 429 once one is over.
/// Committed before the password is looked at, so parallel attempts see
/// each other's counts.
async fn count_attempt(
    db: &DatabaseConnection,
    keys: [(&str, i64); 2],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let txn = db::begin_write(db).await?;
    for (key, max) in keys {
        let (attempts, started) = security::count_attempt(&txn, key, at, at - ATTEMPT_WINDOW).await?;
        if attempts > max {
            txn.commit().await?;
            let retry_after_secs = (started + ATTEMPT_WINDOW - at).num_seconds().max(1) as u64;
            metrics::counter!("claimdesk_sign_in_rate_limited_total").increment(1);
            return Err(DomainError::RateLimited { retry_after_secs }.into());
        }
    }
    txn.commit().await?;
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
    let address_key = format!("address:{client}");
    let account_key = format!(
        "account:{}|{address_key}",
        email.as_ref().map_or("", |e| e.as_str())
    );
    count_attempt(
        db,
        [
            (&account_key, MAX_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS),
            (&address_key, MAX_ATTEMPTS_PER_ADDRESS),
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
    let matches = password_matches(password, hash).await?;
    match user {
        Some(user) if matches && !user.disabled => {
            // A success takes its attempt back: the person's own count starts
            // again, and the address keeps only its failures.
            let txn = db::begin_write(db).await?;
            security::uncount_attempt(&txn, &account_key, true).await?;
            security::uncount_attempt(&txn, &address_key, false).await?;
            let pair = issue_pair(&txn, keys, &user, TokenId::generate(), at).await?;
            txn.commit().await?;
            Ok(pair)
        }
        _ => {
            metrics::counter!("claimdesk_sign_in_failures_total").increment(1);
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
    let user = users::find_locked(&txn, record.user_id)
        .await?
        .filter(|u| !u.disabled);
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

/// How long a replica trusts what it last read of a user or an API token.
/// A change made through this replica takes effect at once (it clears the
/// cache); one made through another replica, within this long.
pub const CREDENTIAL_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// Entries kept at most; past that the cache starts over.
const CREDENTIAL_CACHE_MAX: usize = 10_000;

/// Users and API tokens read in the last `CREDENTIAL_CACHE_TTL`, so a busy
/// client does not cost a lookup on every request.
struct CredentialCache<K, V> {
    entries: std::sync::Mutex<std::collections::HashMap<K, (std::time::Instant, V)>>,
}

impl<K: std::hash::Hash + Eq, V: Clone> CredentialCache<K, V> {
    fn new() -> Self {
        Self {
            entries: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < CREDENTIAL_CACHE_TTL)
            .map(|(_, value)| value.clone())
    }

    fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CREDENTIAL_CACHE_MAX {
                entries.clear();
            }
            entries.insert(key, (std::time::Instant::now(), value));
        }
    }

    fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

static USERS: LazyLock<CredentialCache<UserId, Option<User>>> = LazyLock::new(CredentialCache::new);
static API_TOKENS: LazyLock<CredentialCache<String, Option<ApiToken>>> = LazyLock::new(CredentialCache::new);

/// Forgets every cached user and token: called after any change to either,
/// so this replica sees it at once.
pub fn forget_credentials() {
    USERS.clear();
    API_TOKENS.clear();
}

async fn cached_user(db: &DatabaseConnection, id: UserId) -> StoreResult<Option<User>> {
    if let Some(user) = USERS.get(&id) {
        return Ok(user);
    }
    let user = users::find(db, id).await?;
    USERS.put(id, user.clone());
    Ok(user)
}

async fn cached_api_token(db: &DatabaseConnection, hash: String) -> StoreResult<Option<ApiToken>> {
    if let Some(token) = API_TOKENS.get(&hash) {
        return Ok(token);
    }
    let token = tokens::find_api_by_hash(db, &hash).await?;
    API_TOKENS.put(hash, token.clone());
    Ok(token)
}

/// What a refused bearer credential is told. The reason is logged, not sent:
/// it would tell an attacker which part of a forged token to fix.
const INVALID_TOKEN: &str = "invalid or expired token";

/// Who a bearer credential belongs to. Checked against the database on every
/// request, so disabling a user or revoking a token takes effect at once.
pub async fn authenticate(db: &DatabaseConnection, keys: &Keys, bearer: &str) -> StoreResult<Principal> {
    let at = now();
    let rejected = |why: &str| StoreError::from(DomainError::Unauthenticated(why.to_owned()));
    let (user_id, token_role, credential, generation) = if bearer.starts_with(API_TOKEN_PREFIX) {
        let hash = token_hash(bearer);
        let token = cached_api_token(db, hash.clone())
            .await?
            .filter(|t| t.is_usable(at))
            .ok_or_else(|| rejected("the API token is unknown, revoked or expired"))?;
        // Use is recorded at most once a minute, so reads stay reads.
        if token
            .last_used_at
            .is_none_or(|last| at - last > Duration::seconds(60))
        {
            tokens::touch_api(db, token.id, at).await?;
            API_TOKENS.put(
                hash,
                Some(ApiToken {
                    last_used_at: Some(at),
                    ..token.clone()
                }),
            );
        }
        (token.owner_id, token.role, Credential::ApiToken(token.id), None)
    } else {
        let claims = jsonwebtoken::decode::<Claims>(bearer, &keys.decoding, &keys.validation)
            .map_err(|e| {
                tracing::info!(reason = %e, "access token refused");
                rejected(INVALID_TOKEN)
            })?
            .claims;
        let user_id = claims.sub.parse().map(UserId).map_err(|_| {
            tracing::info!("access token refused: its subject is not a user id");
            rejected(INVALID_TOKEN)
        })?;
        let role = Role::parse(&claims.role).map_err(|_| {
            tracing::info!("access token refused: it names no role");
            rejected(INVALID_TOKEN)
        })?;
        (user_id, role, Credential::Session, Some(claims.generation))
    };
    let user = cached_user(db, user_id).await?.ok_or_else(|| {
        tracing::info!(user = %user_id, "credential refused: no such user");
        rejected("invalid token")
    })?;
    if user.disabled {
        return Err(rejected("the account is disabled"));
    }
    if generation.is_some_and(|g| g != user.session_generation) {
        tracing::info!(user = %user_id, "access token refused: issued before a password, status or role change");
        return Err(rejected(INVALID_TOKEN));
    }
    Ok(Principal {
        user_id,
        // A demotion takes effect at once; a promotion with the next token.
        role: token_role.min(user.role),
        credential,
    })
}
