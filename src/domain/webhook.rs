//! Webhook endpoints and the rules their deliveries follow (Standard
//! Webhooks v1): what may be subscribed, where a delivery may go, and when a
//! failed one is tried again.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::error::{DomainError, Errors};
use super::history::EVENT_TYPES;
use super::ids::UserId;
use super::text;

pub const DESCRIPTION_MAX: usize = 500;
pub const EVENTS_MAX: usize = 32;
/// Secrets are `whsec_` and the base64 of this many random bytes.
pub const SECRET_BYTES: usize = 32;
pub const SECRET_PREFIX: &str = "whsec_";
/// How long deliveries carry the old secret's signature after a rotation.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);
/// An endpoint that has failed for this long without a success is disabled.
pub const DISABLE_AFTER: Duration = Duration::days(3);
/// How long one attempt may take.
pub const ATTEMPT_TIMEOUT_SECS: u64 = 10;

/// Waits before each retry: the first retry about 5 s after the first
/// attempt, the last about 42 hours after it.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: Uuid,
    pub content: WebhookContent,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Why the server disabled it (410, or failing for 3 days).
    pub disabled_reason: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Webhook {
    /// The secrets deliveries are signed with at `now`: the current one,
    /// and for a day after a rotation the previous one too.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_until)
            && until > now
        {
            secrets.push(previous);
        }
        secrets
    }

    pub fn wants(&self, event_type: &str) -> bool {
        self.content.enabled
            && self
                .content
                .events
                .iter()
                .any(|s| super::history::subscription_covers(s, event_type))
    }
}

/// What an integration chooses about its endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookContent {
    /// Normalised (see `weburl::parse`).
    pub url: String,
    pub description: Option<String>,
    /// Event types, or `["*"]` for all.
    pub events: Vec<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct WebhookFields {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

fn parse_events(events: Vec<String>) -> Result<Vec<String>, String> {
    if events.is_empty() {
        return Err("list at least one event type, or [\"*\"] for all".into());
    }
    if events.len() > EVENTS_MAX {
        return Err(format!("at most {EVENTS_MAX} event types"));
    }
    let mut out: Vec<String> = Vec::new();
    for event in events {
        if event != "*" && !EVENT_TYPES.contains(&event.as_str()) {
            return Err(format!(
                "\"{event}\" is not an event type; use \"*\" or some of: {}",
                EVENT_TYPES.join(", ")
            ));
        }
        if !out.contains(&event) {
            out.push(event);
        }
    }
    Ok(out)
}

fn parse_url(url: &str) -> Result<String, String> {
    super::weburl::parse(url).map(String::from)
}

impl WebhookContent {
    pub fn parse(fields: WebhookFields) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let url = errors.check("url", parse_url(&fields.url));
        let description = errors.check("description", text::optional(fields.description, DESCRIPTION_MAX));
        let events = errors.check("events", parse_events(fields.events));
        errors.into_result()?;
        match (url, description, events) {
            (Some(url), Some(description), Some(events)) => Ok(Self {
                url,
                description,
                events,
                enabled: fields.enabled.unwrap_or(true),
            }),
            _ => Err(DomainError::invalid("url", "invalid")),
        }
    }

    /// The content with the patch applied, held to the same rules as new
    /// content (what is kept passed them already).
    pub fn patched(&self, patch: WebhookPatch) -> Result<Self, DomainError> {
        Self::parse(WebhookFields {
            url: patch.url.unwrap_or_else(|| self.url.clone()),
            description: patch.description.unwrap_or_else(|| self.description.clone()),
            events: patch.events.unwrap_or_else(|| self.events.clone()),
            enabled: Some(patch.enabled.unwrap_or(self.enabled)),
        })
    }
}

/// Whether deliveries may go to this address: not loopback, private,
/// link-local, unique-local, unspecified, multicast, broadcast or
/// documentation space (an integration must not make the server reach into
/// its own network).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            let o = v6.octets();
            // Addresses that carry an IPv4 address inside: NAT64 (64:ff9b::/96
            // and 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32,
            // whose client address is stored inverted). Judge the one inside.
            let embedded = if s[0] == 0x64 && s[1] == 0xff9b {
                Some(std::net::Ipv4Addr::new(o[12], o[13], o[14], o[15]))
            } else if s[0] == 0x2002 {
                Some(std::net::Ipv4Addr::new(o[2], o[3], o[4], o[5]))
            } else if s[0] == 0x2001 && s[1] == 0 {
                Some(std::net::Ipv4Addr::new(!o[12], !o[13], !o[14], !o[15]))
            } else {
                None
            };
            if let Some(v4) = embedded {
                return is_public(IpAddr::V4(v4));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] == 0x2001 && s[1] == 0x0db8)) // documentation
        }
    }
}

/// When to try a delivery again after `attempts` failed attempts, or `None`
/// when it has had them all. `schedule` is the wait before each retry
/// (`RETRY_SCHEDULE` unless a test shortens it); `retry_after` (from a 429
/// or 503) is honoured when longer; `jitter` in [0, 1) spreads retries by up
/// to ±10%.
pub fn next_attempt(
    schedule: &[Duration],
    attempts: u32,
    retry_after: Option<Duration>,
    jitter: f64,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let base = *schedule.get((attempts as usize).checked_sub(1)?)?;
    let spread = (base.num_milliseconds() as f64 * (jitter.clamp(0.0, 1.0) - 0.5) * 0.2) as i64;
    let wait = base + Duration::milliseconds(spread);
    let wait = match retry_after {
        Some(asked) if asked > wait => asked.min(Duration::days(1)),
        _ => wait,
    };
    Some(now + wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_checked() {
        let fields = |events: &[&str]| WebhookFields {
            url: "https://hooks.example.org/claimdesk".into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            ..Default::default()
        };
        assert!(WebhookContent::parse(fields(&["*"])).is_ok());
        let parsed = WebhookContent::parse(fields(&["claim.verified", "claim.verified"])).unwrap();
        assert_eq!(parsed.events, ["claim.verified"]);
        assert!(WebhookContent::parse(fields(&[])).is_err());
        assert!(WebhookContent::parse(fields(&["claim.exploded"])).is_err());
        let mut bad_url = fields(&["*"]);
        bad_url.url = "ftp://x".into();
        assert!(WebhookContent::parse(bad_url).is_err());
    }

    #[test]
    fn private_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_follow_the_schedule() {
        let now = Utc::now();
        assert_eq!(next_attempt(&RETRY_SCHEDULE, 0, None, 0.5, now), None);
        assert_eq!(
            next_attempt(&RETRY_SCHEDULE, 1, None, 0.5, now),
            Some(now + Duration::seconds(5))
        );
        assert_eq!(
            next_attempt(&RETRY_SCHEDULE, 7, None, 0.5, now),
            Some(now + Duration::hours(10))
        );
        assert_eq!(
            next_attempt(&RETRY_SCHEDULE, 8, None, 0.5, now),
            None,
            "after the last retry, give up"
        );
        let jittered = next_attempt(&RETRY_SCHEDULE, 2, None, 0.99, now).unwrap() - now;
        assert!(jittered > Duration::minutes(5) && jittered < Duration::minutes(6));
        assert_eq!(
            next_attempt(&RETRY_SCHEDULE, 1, Some(Duration::seconds(60)), 0.5, now),
            Some(now + Duration::seconds(60)),
            "Retry-After is honoured"
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed, or the endpoint was disabled or deleted.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One event to send to one endpoint, and how sending it has gone.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Commit order among deliveries.
    pub seq: i64,
    /// The `webhook-id` header, the same on every attempt: the receiver's
    /// idempotency key.
    pub id: String,
    pub webhook_id: Uuid,
    pub event_id: Option<Uuid>,
    pub event_type: String,
    pub ordering_key: String,
    /// The body, fixed when the delivery was created.
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Delivery {
    /// A delivery id: `msg_` and a time-ordered UUID.
    pub fn new_id() -> String {
        format!("msg_{}", Uuid::now_v7().simple())
    }
}
