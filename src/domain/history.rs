//! A claim's history: every change, appended in the same transaction as the
//! change itself, never edited or deleted.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::ids::{ClaimId, EventId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Edited,
    Assigned,
    Transitioned,
    SourceAdded,
    SourceChanged,
    SourceRemoved,
    CommentAdded,
    CommentEdited,
    Linked,
    Unlinked,
    Deleted,
    /// The claim's article changed (any field); recorded on each of its claims.
    ArticleEdited,
}

impl EventKind {
    pub const ALL: [EventKind; 13] = [
        EventKind::Created,
        EventKind::Edited,
        EventKind::Assigned,
        EventKind::Transitioned,
        EventKind::SourceAdded,
        EventKind::SourceChanged,
        EventKind::SourceRemoved,
        EventKind::CommentAdded,
        EventKind::CommentEdited,
        EventKind::Linked,
        EventKind::Unlinked,
        EventKind::Deleted,
        EventKind::ArticleEdited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Edited => "edited",
            EventKind::Assigned => "assigned",
            EventKind::Transitioned => "transitioned",
            EventKind::SourceAdded => "source_added",
            EventKind::SourceChanged => "source_changed",
            EventKind::SourceRemoved => "source_removed",
            EventKind::CommentAdded => "comment_added",
            EventKind::CommentEdited => "comment_edited",
            EventKind::Linked => "linked",
            EventKind::Unlinked => "unlinked",
            EventKind::Deleted => "deleted",
            EventKind::ArticleEdited => "article_edited",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub claim_id: ClaimId,
    /// `None` for changes the system made (re-anchoring after an article edit).
    pub actor_id: Option<UserId>,
    pub kind: EventKind,
    pub at: DateTime<Utc>,
    /// What changed, by kind: edited fields as {field: {old, new}}, a
    /// transition's from/to/note/verdict, a source or comment.
    pub data: Value,
}

impl Event {
    pub fn new(
        claim_id: ClaimId,
        actor_id: Option<UserId>,
        kind: EventKind,
        at: DateTime<Utc>,
        data: Value,
    ) -> Self {
        Self {
            id: EventId::generate(),
            claim_id,
            actor_id,
            kind,
            at,
            data,
        }
    }
}
