use std::fmt;

use chrono::{DateTime, Utc};

use super::error::{DomainError, Errors};
use super::ids::UserId;
use super::role::Role;
use super::text;

pub const PASSWORD_MIN: usize = 12;
/// Long enough for any passphrase, short enough that hashing stays cheap.
pub const PASSWORD_MAX: usize = 256;
pub const EMAIL_MAX: usize = 254;
pub const DISPLAY_NAME_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Written into every access token issued to the user; a token from an
    /// older generation no longer works (see `UserChanges::ends_sessions`).
    pub session_generation: i64,
}

impl User {
    pub fn is_active_admin(&self) -> bool {
        self.role == Role::Admin && !self.disabled
    }
}

/// Who is making a request, and with what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    /// The role in force for this request: the user's own, or less for an
    /// API token created with a lesser role.
    pub role: Role,
    pub credential: Credential,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A person signed in with a password (a JWT access token).
    Session,
    /// An integration's API token.
    ApiToken(super::ids::TokenId),
}

/// An email address, lower-cased: addresses are unique regardless of case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim().to_lowercase();
        let valid = value.len() <= EMAIL_MAX
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.starts_with('.') && !domain.ends_with('.')
            })
            && value.matches('@').count() == 1
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(value))
        } else {
            Err("must be an email address such as name@example.org".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the rules. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(value: String) -> Result<Self, String> {
        let len = text::char_len(&value);
        if len < PASSWORD_MIN {
            return Err(format!("must be at least {PASSWORD_MIN} characters"));
        }
        if len > PASSWORD_MAX {
            return Err(format!("must be at most {PASSWORD_MAX} characters"));
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A new account, checked.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub password: Password,
    pub role: Role,
}

impl NewUser {
    pub fn parse(
        email: &str,
        display_name: String,
        password: String,
        role: Role,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let email = errors.check("email", Email::parse(email));
        let display_name = errors.check(
            "display_name",
            text::required(display_name, DISPLAY_NAME_MAX, true),
        );
        let password = errors.check("password", Password::parse(password));
        match (email, display_name, password) {
            (Some(email), Some(display_name), Some(password)) => Ok(Self {
                email,
                display_name,
                password,
                role,
            }),
            _ => Err(errors.into_error()),
        }
    }
}

/// Changes to an account, checked. `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<Password>,
}

impl UserChanges {
    pub fn parse(
        display_name: Option<String>,
        role: Option<Role>,
        disabled: Option<bool>,
        password: Option<String>,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let display_name = display_name
            .and_then(|d| errors.check("display_name", text::required(d, DISPLAY_NAME_MAX, true)));
        let password = password.and_then(|p| errors.check("password", Password::parse(p)));
        errors.into_result()?;
        Ok(Self {
            display_name,
            role,
            disabled,
            password,
        })
    }

    /// Whether applying these changes must sign `user` out everywhere: a new
    /// password (the old one may be known to someone else), disabling, or a
    /// lower role (tokens must not keep the rights they were issued with).
    pub fn ends_sessions(&self, user: &User) -> bool {
        self.password.is_some()
            || (self.disabled == Some(true) && !user.disabled)
            || self.role.is_some_and(|role| role < user.role)
    }

    /// Whether applying these changes leaves `user` an active admin.
    pub fn keeps_active_admin(&self, user: &User) -> bool {
        self.role.unwrap_or(user.role) == Role::Admin && !self.disabled.unwrap_or(user.disabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.ORG ").unwrap().as_str(),
            "ann@example.org"
        );
        for bad in ["", "ann", "@x.org", "ann@", "a@b@c", "ann @x.org", "ann@.org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_have_bounds_and_never_print() {
        assert!(Password::parse("short".into()).is_err());
        assert!(Password::parse("x".repeat(257)).is_err());
        let p = Password::parse("correct horse battery".into()).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn new_user_lists_every_bad_field() {
        let Err(DomainError::Invalid(errors)) =
            NewUser::parse("nope", " ".into(), "short".into(), Role::Reporter)
        else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "password"]);
    }

    #[test]
    fn what_ends_sessions() {
        let now = chrono::Utc::now();
        let user = User {
            id: UserId::generate(),
            email: Email::parse("ann@example.org").unwrap(),
            display_name: "Ann".into(),
            role: Role::Editor,
            disabled: false,
            created_at: now,
            updated_at: now,
            version: 1,
            session_generation: 0,
        };
        let change = |role: Option<Role>, disabled: Option<bool>, password: Option<&str>| {
            UserChanges::parse(None, role, disabled, password.map(str::to_owned))
                .unwrap()
                .ends_sessions(&user)
        };
        assert!(change(None, None, Some("a new long password")));
        assert!(change(None, Some(true), None));
        assert!(change(Some(Role::Checker), None, None));
        assert!(!change(Some(Role::Editor), None, None));
        assert!(!change(Some(Role::Admin), None, None));
        assert!(!change(None, Some(false), None));
        assert!(!change(None, None, None));
    }
}
