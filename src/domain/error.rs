/// One problem with one input field, phrased for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    /// The input breaks one or more rules; every broken rule is listed.
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The client edited a version that is no longer current.
    #[error("the {entity} was changed by someone else (current version {current})")]
    StaleVersion { entity: &'static str, current: i64 },
    #[error("{0}")]
    Conflict(String),
    /// No usable credentials: missing, malformed, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but the role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-ins; try again after this many seconds.
    #[error("too many failed sign-ins; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// The server has no capacity for this now; try again after this many seconds.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Collects every field error of one request so the client can fix them all
/// in one round trip instead of discovering them one at a time.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value when it parsed, records the message when it did not.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|message| self.add(field, message)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The outcome of a further check, with these errors listed first: all
    /// field errors of a request reach the client in one answer.
    pub fn and<T>(self, checked: Result<T, DomainError>) -> Result<T, DomainError> {
        match checked {
            _ if self.is_empty() => checked,
            Err(DomainError::Invalid(more)) => {
                let mut all = self.0;
                all.extend(more);
                Err(DomainError::Invalid(all))
            }
            _ => Err(self.into_error()),
        }
    }

    pub fn into_error(self) -> DomainError {
        DomainError::Invalid(self.0)
    }
}
