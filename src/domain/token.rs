use chrono::{DateTime, Utc};

use super::error::{DomainError, Errors};
use super::ids::{TokenId, UserId};
use super::page;
use super::role::Role;
use super::text;

pub const NAME_MAX: usize = 100;

/// A credential for an integration: carries its own role, never more than
/// its owner's.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: TokenId,
    pub owner_id: UserId,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// A requested API token, checked against the rules and the caller's role.
#[derive(Debug)]
pub struct NewApiToken {
    pub name: String,
    pub role: Role,
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiToken {
    pub fn parse(
        name: String,
        role: Role,
        expires_at: Option<DateTime<Utc>>,
        caller_role: Role,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = errors.check("name", text::required(name, NAME_MAX, true));
        if !caller_role.includes(role) {
            errors.add(
                "role",
                format!("cannot exceed your own role ({})", caller_role.as_str()),
            );
        }
        if expires_at.is_some_and(|e| e <= now) {
            errors.add("expires_at", "must be in the future");
        } else if expires_at.is_some_and(|e| !page::storable(&e)) {
            errors.add("expires_at", page::STORABLE_RANGE);
        }
        match name {
            Some(name) if errors.is_empty() => Ok(Self {
                name,
                role,
                expires_at,
            }),
            _ => Err(errors.into_error()),
        }
    }
}

/// A refresh token's record. The token itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshToken {
    pub id: TokenId,
    /// Every token rotated from the same sign-in shares a family; reusing
    /// any spent one revokes the whole family.
    pub family_id: TokenId,
    pub user_id: UserId,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn token_role_is_capped_by_the_caller() {
        let now = Utc::now();
        assert!(NewApiToken::parse("bot".into(), Role::Checker, None, Role::Editor, now).is_ok());
        assert!(NewApiToken::parse("bot".into(), Role::Editor, None, Role::Editor, now).is_ok());
        let Err(DomainError::Invalid(errors)) =
            NewApiToken::parse("bot".into(), Role::Admin, None, Role::Editor, now)
        else {
            panic!()
        };
        assert_eq!(errors[0].field, "role");
    }

    #[test]
    fn expiry_must_be_in_the_future() {
        let now = Utc::now();
        let past = NewApiToken::parse(
            "bot".into(),
            Role::Reporter,
            Some(now - Duration::seconds(1)),
            Role::Admin,
            now,
        );
        assert!(past.is_err());
        let t = ApiToken {
            id: TokenId::generate(),
            owner_id: UserId::generate(),
            name: "bot".into(),
            role: Role::Reporter,
            created_at: now,
            expires_at: Some(now + Duration::hours(1)),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(t.is_usable(now));
        assert!(!t.is_usable(now + Duration::hours(2)));
        assert!(
            !ApiToken {
                revoked_at: Some(now),
                ..t
            }
            .is_usable(now)
        );
    }
}
