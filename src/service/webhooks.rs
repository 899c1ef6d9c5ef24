//! Webhooks: endpoints integrations register, and the sender that delivers
//! events to them (Standard Webhooks v1) with retries, in every replica.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;
use uuid::Uuid;

use super::background::Stop;
use crate::db::{self, StoreResult, webhooks};
use crate::domain::DomainError;
use crate::domain::ids::UserId;
use crate::domain::page::now;
use crate::domain::version::IfMatch;
use crate::domain::webhook::{
    ATTEMPT_TIMEOUT_SECS, DISABLE_AFTER, Delivery, DeliveryStatus, RETRY_SCHEDULE, ROTATION_OVERLAP,
    SECRET_BYTES, SECRET_PREFIX, Webhook, WebhookContent, WebhookFields, WebhookPatch, is_public,
    next_attempt,
};

const ENTITY: &str = "webhook";
/// Every event is sent to every endpoint that wants it: the number of
/// endpoints bounds how much one change can make the server send.
pub const MAX_WEBHOOKS: usize = 50;

/// How deliveries may be sent.
#[derive(Debug, Clone, Default)]
pub struct WebhookSettings {
    /// Allow endpoints on loopback and private networks (for tests and
    /// single-network set-ups). Off by default: an integration must not make
    /// the server reach into its own network.
    pub allow_private: bool,
    /// Waits before each retry; empty means `RETRY_SCHEDULE` (tests shorten
    /// it so that a retry takes milliseconds, not minutes).
    pub retry_schedule: Vec<Duration>,
    /// When not empty, the only hosts webhooks may go to (an egress
    /// allow-list); others are refused before any DNS look-up.
    pub allowed_hosts: Vec<String>,
}

impl WebhookSettings {
    fn schedule(&self) -> &[Duration] {
        if self.retry_schedule.is_empty() {
            &RETRY_SCHEDULE
        } else {
            &self.retry_schedule
        }
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// 422 unless `url`'s host is allowed and every address it resolves to may
/// be reached.
async fn check_reachable(url: &str, settings: &WebhookSettings) -> Result<(), DomainError> {
    let parsed = url::Url::parse(url).map_err(|e| DomainError::invalid("url", e.to_string()))?;
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_owned();
    if !settings.allowed_hosts.is_empty()
        && !settings
            .allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&host))
    {
        return Err(DomainError::invalid(
            "url",
            format!(
                "webhooks may go only to {} on this server (CLAIMDESK_WEBHOOKS_ALLOWED_HOSTS)",
                settings.allowed_hosts.join(", ")
            ),
        ));
    }
    if settings.allow_private {
        return Ok(());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses = resolve_public(&host, port)
        .await
        .map_err(|m| DomainError::invalid("url", m))?;
    if addresses.is_empty() {
        return Err(DomainError::invalid("url", format!("{host} does not resolve")));
    }
    Ok(())
}

/// The addresses of `host`, refusing any that is not public.
async fn resolve_public(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} cannot be resolved ({e})"))?
            .collect(),
    };
    // The address itself is not echoed: that would let callers read the
    // server's internal DNS.
    if addresses.iter().any(|a| !is_public(a.ip())) {
        return Err(format!(
            "{host} resolves to a loopback, private or link-local address; webhooks go to public addresses only"
        ));
    }
    Ok(addresses)
}

pub async fn create(
    db: &DatabaseConnection,
    actor: UserId,
    fields: WebhookFields,
    settings: &WebhookSettings,
) -> StoreResult<Webhook> {
    let content = WebhookContent::parse(fields)?;
    check_reachable(&content.url, settings).await?;
    let at = now();
    let webhook = Webhook {
        id: Uuid::now_v7(),
        content,
        secret: new_secret(),
        previous_secret: None,
        previous_secret_until: None,
        disabled_reason: None,
        failing_since: None,
        created_by: actor,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let txn = db::begin_write(db).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Parallel registrations must not pass the limit together.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236042158)")
            .await?;
    }
    if webhooks::all(&txn).await?.len() >= MAX_WEBHOOKS {
        return Err(DomainError::Conflict(format!(
            "there are {MAX_WEBHOOKS} webhook endpoints already, the most a desk may have (each event is sent to each); delete one first"
        ))
        .into());
    }
    webhooks::insert(&txn, &webhook).await?;
    super::commit(txn, webhook).await
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> StoreResult<Webhook> {
    webhooks::find(db, id)
        .await?
        .ok_or(DomainError::NotFound(ENTITY).into())
}

pub async fn list(db: &DatabaseConnection) -> StoreResult<Vec<Webhook>> {
    webhooks::all(db).await
}

pub async fn update(
    db: &DatabaseConnection,
    id: Uuid,
    if_match: &IfMatch,
    patch: WebhookPatch,
    settings: &WebhookSettings,
) -> StoreResult<Webhook> {
    let current = get(db, id).await?;
    if_match.check(ENTITY, current.version)?;
    let content = current.content.patched(patch)?;
    if content.url != current.content.url {
        check_reachable(&content.url, settings).await?;
    }
    let txn = db::begin_write(db).await?;
    let at = now();
    if !webhooks::update(&txn, id, current.version, &content, at).await? {
        return Err(super::stale(
            ENTITY,
            webhooks::find(db, id).await?.map(|w| w.version),
        ));
    }
    let enabled = content.enabled;
    let updated = Webhook {
        content,
        updated_at: at,
        version: current.version + 1,
        disabled_reason: if enabled {
            None
        } else {
            current.disabled_reason.clone()
        },
        failing_since: if enabled { None } else { current.failing_since },
        ..current
    };
    super::commit(txn, updated).await
}

pub async fn delete(db: &DatabaseConnection, id: Uuid, if_match: &IfMatch) -> StoreResult<()> {
    let current = get(db, id).await?;
    if_match.check(ENTITY, current.version)?;
    let txn = db::begin_write(db).await?;
    if !webhooks::delete(&txn, id, current.version).await? {
        return Err(super::stale(
            ENTITY,
            webhooks::find(db, id).await?.map(|w| w.version),
        ));
    }
    super::commit(txn, ()).await
}

/// A new signing secret; for a day deliveries are signed with both.
pub async fn rotate_secret(db: &DatabaseConnection, id: Uuid) -> StoreResult<Webhook> {
    let current = get(db, id).await?;
    let at = now();
    let secret = new_secret();
    let txn = db::begin_write(db).await?;
    if !webhooks::rotate_secret(&txn, &current, &secret, at + ROTATION_OVERLAP, at).await? {
        return Err(super::stale(
            ENTITY,
            webhooks::find(db, id).await?.map(|w| w.version),
        ));
    }
    let rotated = Webhook {
        previous_secret: Some(current.secret.clone()),
        previous_secret_until: Some(at + ROTATION_OVERLAP),
        secret,
        updated_at: at,
        version: current.version + 1,
        ..current
    };
    super::commit(txn, rotated).await
}

/// An endpoint's deliveries, newest first.
pub async fn deliveries(
    db: &DatabaseConnection,
    id: Uuid,
    limit: u64,
    before_seq: Option<i64>,
) -> StoreResult<Vec<Delivery>> {
    get(db, id).await?;
    webhooks::deliveries_of(db, id, limit, before_seq).await
}

/// Sends a delivery again, with the same id.
pub async fn replay(db: &DatabaseConnection, id: Uuid, delivery: &str) -> StoreResult<Delivery> {
    get(db, id).await?;
    let txn = db::begin_write(db).await?;
    let found = webhooks::find_delivery(&txn, id, delivery)
        .await?
        .ok_or(DomainError::NotFound("delivery"))?;
    webhooks::replay(&txn, found.seq, now()).await?;
    let replayed = webhooks::find_delivery(&txn, id, delivery).await?;
    txn.commit().await?;
    replayed.ok_or(DomainError::NotFound("delivery").into())
}

/// Queues a `ping` to the endpoint.
pub async fn ping(db: &DatabaseConnection, id: Uuid) -> StoreResult<Delivery> {
    let endpoint = get(db, id).await?;
    let at = now();
    let body = json!({
        "type": "ping",
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": {"webhook_id": endpoint.id, "message": "claimdesk can reach this endpoint"},
    });
    let delivery = Delivery {
        seq: 0,
        id: Delivery::new_id(),
        webhook_id: id,
        event_id: None,
        event_type: "ping".into(),
        ordering_key: format!("ping:{}", Uuid::now_v7()),
        payload: body.to_string(),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: at,
        last_status: None,
        last_error: None,
        last_attempt_at: None,
        created_at: at,
    };
    let txn = db::begin_write(db).await?;
    webhooks::insert_delivery(&txn, &delivery).await?;
    let stored = webhooks::find_delivery(&txn, id, &delivery.id).await?;
    txn.commit().await?;
    stored.ok_or(DomainError::NotFound("delivery").into())
}

/// Resolves host names for deliveries, refusing private addresses (checked
/// again at send time: DNS may have changed since the endpoint was saved).
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = resolve_public(&host, 0)
                .await
                .map_err(|m| -> Box<dyn std::error::Error + Send + Sync> { m.into() })?;
            let addrs: Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// A lease outlasts the longest attempt, so no two senders make the same
/// attempt.
const LEASE: Duration = Duration::seconds(60);
const BATCH: u64 = 16;

/// Sends due deliveries until `stop` fires. Runs in every replica; leases
/// keep each attempt to one sender.
pub async fn run_sender(db: DatabaseConnection, settings: WebhookSettings, idle: StdDuration, stop: Stop) {
    // The database drivers already use ring; TLS for deliveries uses it too.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // No proxy: a proxy would resolve the host itself, past the check below.
    let mut client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(StdDuration::from_secs(ATTEMPT_TIMEOUT_SECS))
        .user_agent(concat!("claimdesk-webhooks/", env!("CARGO_PKG_VERSION")));
    if !settings.allow_private {
        client = client.dns_resolver(Arc::new(PublicOnly));
    }
    let client = match client.build() {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "cannot build the webhook HTTP client; webhooks will not be sent");
            return;
        }
    };
    let sender = Sender { db, client, settings };
    loop {
        let pause = match sender.send_due().await {
            Ok(n) if n as u64 == BATCH => StdDuration::ZERO,
            Ok(_) => idle,
            Err(err) => {
                tracing::warn!(error = %err, "webhook sender failed; retrying");
                idle * 4
            }
        };
        if stop.wait_or_stopped(pause).await {
            return;
        }
    }
}

struct Sender {
    db: DatabaseConnection,
    client: reqwest::Client,
    settings: WebhookSettings,
}

/// How one attempt went.
struct Outcome {
    http_status: Option<u16>,
    error: Option<String>,
    retry_after: Option<Duration>,
}

impl Sender {
    async fn send_due(&self) -> StoreResult<usize> {
        if !webhooks::any_due(&self.db, now()).await? {
            return Ok(0);
        }
        let due = webhooks::lease_due(&self.db, now(), LEASE, BATCH).await?;
        let count = due.len();
        let attempts = due.into_iter().map(|d| self.attempt(d));
        for result in futures_util::future::join_all(attempts).await {
            result?;
        }
        Ok(count)
    }

    async fn attempt(&self, delivery: Delivery) -> StoreResult<()> {
        let Some(endpoint) = webhooks::find(&self.db, delivery.webhook_id).await? else {
            return Ok(()); // deleted meanwhile, with its deliveries
        };
        let at = now();
        if !endpoint.content.enabled {
            webhooks::record_attempt(
                &self.db,
                delivery.seq,
                DeliveryStatus::Failed,
                None,
                Some("the endpoint is disabled"),
                at,
                at,
            )
            .await?;
            return Ok(());
        }
        let outcome = self.send(&endpoint, &delivery, at).await;
        let done = now();
        let delivered = outcome.http_status.is_some_and(|code| (200..300).contains(&code));
        metrics::counter!("claimdesk_webhook_attempts_total",
            "outcome" => if delivered { "delivered" } else { "failed" })
        .increment(1);
        let txn = db::begin_write(&self.db).await?;
        webhooks::lock(&txn, endpoint.id).await?;
        let (status, disable) = match outcome.http_status {
            Some(code) if (200..300).contains(&code) => (DeliveryStatus::Delivered, None),
            Some(410) => (
                DeliveryStatus::Failed,
                Some("the endpoint answered 410 Gone; it was disabled at once".to_owned()),
            ),
            _ => {
                let failing_since = endpoint.failing_since.unwrap_or(done);
                if done - failing_since >= DISABLE_AFTER {
                    (
                        DeliveryStatus::Failed,
                        Some(format!(
                            "every delivery failed since {failing_since}; it was disabled after 3 days"
                        )),
                    )
                } else {
                    let jitter = {
                        let mut b = [0u8; 4];
                        getrandom::fill(&mut b).ok();
                        f64::from(u32::from_le_bytes(b)) / f64::from(u32::MAX)
                    };
                    match next_attempt(
                        self.settings.schedule(),
                        (delivery.attempts + 1) as u32,
                        outcome.retry_after,
                        jitter,
                        done,
                    ) {
                        Some(next) => {
                            webhooks::record_attempt(
                                &txn,
                                delivery.seq,
                                DeliveryStatus::Pending,
                                outcome.http_status.map(i32::from),
                                outcome.error.as_deref(),
                                next,
                                done,
                            )
                            .await?;
                            webhooks::record_outcome(&txn, endpoint.id, false, None, done).await?;
                            txn.commit().await?;
                            return Ok(());
                        }
                        None => (DeliveryStatus::Failed, None),
                    }
                }
            }
        };
        webhooks::record_attempt(
            &txn,
            delivery.seq,
            status,
            outcome.http_status.map(i32::from),
            outcome.error.as_deref(),
            done,
            done,
        )
        .await?;
        webhooks::record_outcome(
            &txn,
            endpoint.id,
            status == DeliveryStatus::Delivered,
            disable.as_deref(),
            done,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    async fn send(&self, endpoint: &Webhook, delivery: &Delivery, at: DateTime<Utc>) -> Outcome {
        let failed = |error: String| Outcome {
            http_status: None,
            error: Some(error),
            retry_after: None,
        };
        // Checked again at send time: settings or DNS may have changed since
        // the endpoint was saved. (Host names are resolved by `PublicOnly`.)
        let literal_ip = url::Url::parse(&endpoint.content.url)
            .is_ok_and(|u| matches!(u.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))));
        if (literal_ip || !self.settings.allowed_hosts.is_empty())
            && let Err(refused) = check_reachable(&endpoint.content.url, &self.settings).await
        {
            return failed(refused.to_string());
        }
        let timestamp = at.timestamp();
        let mut signatures = Vec::new();
        for secret in endpoint.signing_secrets(at) {
            match standardwebhooks::Webhook::new(secret)
                .and_then(|w| w.sign(&delivery.id, timestamp, delivery.payload.as_bytes()))
            {
                Ok(signature) => signatures.push(signature),
                Err(err) => return failed(format!("cannot sign: {err}")),
            }
        }
        let response = self
            .client
            .post(&endpoint.content.url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(delivery.payload.clone())
            .send()
            .await;
        match response {
            Ok(response) => {
                let code = response.status().as_u16();
                let retry_after = matches!(code, 429 | 503)
                    .then(|| response.headers().get("retry-after"))
                    .flatten()
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .map(|s| Duration::seconds(s.clamp(0, 86_400)));
                Outcome {
                    http_status: Some(code),
                    error: (!(200..300).contains(&code)).then(|| format!("the endpoint answered {code}")),
                    retry_after,
                }
            }
            Err(err) => failed(if err.is_timeout() {
                format!("no answer within {ATTEMPT_TIMEOUT_SECS} s")
            } else {
                format!("cannot reach the endpoint: {}", err.without_url())
            }),
        }
    }
}
