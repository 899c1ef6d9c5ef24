//! A claim's history: every change, appended in the same transaction as the
//! change itself, never edited or deleted. Each kind of change has its own
//! typed fields (`EventData`); history, the event feed and webhooks all use
//! these types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::ids::{ClaimId, EventId, UserId};

/// One field that changed, with its value before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    pub name: String,
    /// The value before (any JSON value; null when it was empty).
    pub old: Value,
    /// The value after.
    pub new: Value,
}

/// Reads `fields` as a list of changes, or as the `{name: {old, new}}` map
/// that rows written before typed events hold.
fn field_changes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<FieldChange>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        List(Vec<FieldChange>),
        Map(serde_json::Map<String, Value>),
    }
    Ok(match Stored::deserialize(deserializer)? {
        Stored::List(list) => list,
        Stored::Map(map) => map
            .into_iter()
            .map(|(name, change)| FieldChange {
                name,
                old: change.get("old").cloned().unwrap_or(Value::Null),
                new: change.get("new").cloned().unwrap_or(Value::Null),
            })
            .collect(),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimCreated {
    pub text: String,
    #[schema(required = true)]
    pub article_id: Option<Uuid>,
    #[schema(required = true)]
    pub start: Option<usize>,
    #[schema(required = true)]
    pub end: Option<usize>,
    #[schema(required = true)]
    pub claimant: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimEdited {
    #[serde(deserialize_with = "field_changes")]
    pub fields: Vec<FieldChange>,
    /// Why the system made the change, when no person did (re-anchoring).
    #[serde(default)]
    #[schema(required = true)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimAssigned {
    #[schema(required = true)]
    pub from: Option<Uuid>,
    #[schema(required = true)]
    pub to: Option<Uuid>,
}

/// A verdict as it stood after a transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VerdictSnapshot {
    pub rating: String,
    pub summary: String,
    pub proposed_by: Uuid,
    #[schema(required = true)]
    pub approved_by: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimTransitioned {
    pub from: String,
    pub to: String,
    #[schema(required = true)]
    pub note: Option<String>,
    #[schema(required = true)]
    pub verdict: Option<VerdictSnapshot>,
    /// The assignee after the change.
    #[serde(default)]
    #[schema(required = true)]
    pub assignee: Option<Uuid>,
}

/// A source as it stood at the event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceSnapshot {
    pub url: String,
    #[schema(required = true)]
    pub title: Option<String>,
    #[schema(required = true)]
    pub publisher: Option<String>,
    pub stance: String,
    #[schema(required = true)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceAdded {
    pub source_id: Uuid,
    pub source: SourceSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceChanged {
    pub source_id: Uuid,
    pub old: SourceSnapshot,
    pub new: SourceSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceRemoved {
    pub source_id: Uuid,
    pub source: SourceSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentAdded {
    pub comment_id: Uuid,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentEdited {
    pub comment_id: Uuid,
    pub old: String,
    pub new: String,
}

/// A link to another claim, made or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimLinkChange {
    /// The other claim.
    pub claim_id: Uuid,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimDeleted {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ArticleEdited {
    pub article_id: Uuid,
    /// The body is reported by length only (`{"chars": n}`).
    #[serde(deserialize_with = "field_changes")]
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ArticleCreated {
    pub article_id: Uuid,
    pub title: String,
    #[schema(required = true)]
    pub url: Option<String>,
    /// How many claims extraction stored with it.
    pub claims: usize,
}

/// What happened, by kind. Serialised as `{"kind": "...", "data": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum EventData {
    Created(ClaimCreated),
    Edited(ClaimEdited),
    Assigned(ClaimAssigned),
    Transitioned(ClaimTransitioned),
    SourceAdded(SourceAdded),
    SourceChanged(SourceChanged),
    SourceRemoved(SourceRemoved),
    CommentAdded(CommentAdded),
    CommentEdited(CommentEdited),
    Linked(ClaimLinkChange),
    Unlinked(ClaimLinkChange),
    Deleted(ClaimDeleted),
    /// The claim's article changed (any field); recorded on each of its claims.
    ArticleEdited(ArticleEdited),
    /// An article was stored (not part of any claim's history; in the event
    /// feed and webhooks only).
    ArticleCreated(ArticleCreated),
}

impl EventData {
    /// The `kind` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::Created(_) => "created",
            EventData::Edited(_) => "edited",
            EventData::Assigned(_) => "assigned",
            EventData::Transitioned(_) => "transitioned",
            EventData::SourceAdded(_) => "source_added",
            EventData::SourceChanged(_) => "source_changed",
            EventData::SourceRemoved(_) => "source_removed",
            EventData::CommentAdded(_) => "comment_added",
            EventData::CommentEdited(_) => "comment_edited",
            EventData::Linked(_) => "linked",
            EventData::Unlinked(_) => "unlinked",
            EventData::Deleted(_) => "deleted",
            EventData::ArticleEdited(_) => "article_edited",
            EventData::ArticleCreated(_) => "article_created",
        }
    }

    /// The event's type for integrations (the event feed and webhooks): a
    /// dotted name for what changed. A transition to `verified` is
    /// `claim.verified`; subscribers to `claim.transitioned` receive it too.
    pub fn event_type(&self) -> &'static str {
        match self {
            EventData::Created(_) => "claim.created",
            EventData::Edited(_) => "claim.edited",
            EventData::Assigned(_) => "claim.assigned",
            EventData::Transitioned(t) if t.to == "verified" => "claim.verified",
            EventData::Transitioned(_) => "claim.transitioned",
            EventData::SourceAdded(_) => "source.added",
            EventData::SourceChanged(_) => "source.updated",
            EventData::SourceRemoved(_) => "source.removed",
            EventData::CommentAdded(_) => "comment.added",
            EventData::CommentEdited(_) => "comment.edited",
            EventData::Linked(_) => "claim.linked",
            EventData::Unlinked(_) => "claim.unlinked",
            EventData::Deleted(_) => "claim.deleted",
            EventData::ArticleEdited(_) => "article.updated",
            EventData::ArticleCreated(_) => "article.created",
        }
    }

    /// The stored form: the `kind` tag and the fields, apart.
    pub fn to_parts(&self) -> (&'static str, Value) {
        let mut tagged = serde_json::to_value(self).unwrap_or(Value::Null);
        (
            self.kind(),
            tagged.get_mut("data").map(Value::take).unwrap_or(Value::Null),
        )
    }

    /// Reads the stored form back; `None` for a kind or fields that do not
    /// fit (a corrupt row).
    pub fn from_parts(kind: &str, data: Value) -> Option<Self> {
        serde_json::from_value(serde_json::json!({"kind": kind, "data": data})).ok()
    }
}

/// Every type an integration can subscribe to, `*` aside.
pub const EVENT_TYPES: [&str; 16] = [
    "claim.created",
    "claim.edited",
    "claim.assigned",
    "claim.transitioned",
    "claim.verified",
    "claim.linked",
    "claim.unlinked",
    "claim.deleted",
    "source.added",
    "source.updated",
    "source.removed",
    "comment.added",
    "comment.edited",
    "article.created",
    "article.updated",
    "ping",
];

/// Whether a subscription to `subscribed` covers an event of `event_type`.
pub fn subscription_covers(subscribed: &str, event_type: &str) -> bool {
    subscribed == "*"
        || subscribed == event_type
        || (subscribed == "claim.transitioned" && event_type == "claim.verified")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub claim_id: ClaimId,
    /// `None` for changes the system made (re-anchoring after an article edit).
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
    pub data: EventData,
}

impl Event {
    pub fn new(claim_id: ClaimId, actor_id: Option<UserId>, at: DateTime<Utc>, data: EventData) -> Self {
        Self {
            id: EventId::generate(),
            claim_id,
            actor_id,
            at,
            data,
        }
    }
}

/// An entry of the event feed (the outbox): a claim's history event, or an
/// article's. `position` is given once the event is sequenced, in commit
/// order.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEvent {
    pub id: Uuid,
    pub position: Option<i64>,
    pub claim_id: Option<ClaimId>,
    pub article_id: Option<Uuid>,
    pub actor_id: Option<UserId>,
    pub at: DateTime<Utc>,
    pub data: EventData,
}

impl FeedEvent {
    /// The feed entry of a claim's history event.
    pub fn of_claim(event: &Event) -> Self {
        Self {
            id: event.id.0,
            position: None,
            claim_id: Some(event.claim_id),
            article_id: None,
            actor_id: event.actor_id,
            at: event.at,
            data: event.data.clone(),
        }
    }

    /// Deliveries of events with the same key go out in order: per claim,
    /// or per article for article events.
    pub fn ordering_key(&self) -> String {
        match (self.claim_id, self.article_id) {
            (Some(claim), _) => format!("claim:{claim}"),
            (None, Some(article)) => format!("article:{article}"),
            (None, None) => format!("event:{}", self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_events_read_back_as_their_variant() {
        let edited = EventData::from_parts(
            "edited",
            json!({"fields": {"claimant": {"old": null, "new": "the ministry"}}, "reason": "x"}),
        )
        .unwrap();
        let EventData::Edited(e) = &edited else { panic!() };
        assert_eq!(e.fields[0].name, "claimant");
        assert_eq!(e.fields[0].new, "the ministry");
        let (kind, data) = edited.to_parts();
        assert_eq!(kind, "edited");
        assert_eq!(EventData::from_parts(kind, data), Some(edited));
        assert_eq!(
            EventData::from_parts("deleted", json!({})),
            Some(EventData::Deleted(ClaimDeleted {}))
        );
        assert!(EventData::from_parts("exploded", json!({})).is_none());
        assert!(EventData::from_parts("assigned", json!({"from": 7})).is_none());
    }

    #[test]
    fn subscriptions() {
        assert!(subscription_covers("*", "claim.created"));
        assert!(subscription_covers("claim.transitioned", "claim.verified"));
        assert!(!subscription_covers("claim.verified", "claim.transitioned"));
        assert!(!subscription_covers("claim.created", "claim.edited"));
    }
}
