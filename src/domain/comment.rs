use chrono::{DateTime, Utc};

use super::ids::{ClaimId, CommentId, UserId};
use super::text;

pub const BODY_MAX: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: CommentId,
    pub claim_id: ClaimId,
    pub author_id: UserId,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

pub fn parse_body(body: String) -> Result<String, String> {
    text::required(body, BODY_MAX, true)
}
