//! The one error type handlers return, rendered as RFC 9457
//! `application/problem+json`. Database details are logged, never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::StoreError;
use crate::domain::{DomainError, FieldError};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub enum AppError {
    Domain(DomainError),
    /// A fault on our side; the cause has been logged.
    Internal,
    /// The request itself is unusable (bad JSON, bad path, unknown route...).
    Request {
        status: StatusCode,
        detail: String,
    },
    /// The database does not answer.
    Unavailable,
    /// The request ran past the server's deadline and was abandoned (its
    /// transaction, if any, rolled back).
    TimedOut(std::time::Duration),
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:claimdesk:problem:validation-failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "the request has invalid fields",
    "errors": [{"field": "title", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(format = "uri")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, and how to fix it.
    pub detail: String,
    /// Every field that broke a rule (a 422 always lists at least one);
    /// empty for other problems.
    pub errors: Vec<ProblemField>,
    /// For 412: the version the resource is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub current_version: Option<i64>,
    /// The request's id, as in its `x-request-id` header and the server's
    /// log: quote it when you report a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field, as named in the request.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            message: e.message,
        }
    }
}

impl AppError {
    pub fn request(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::Request {
            status,
            detail: detail.into(),
        }
    }

    fn problem(self) -> Problem {
        let mut errors = Vec::new();
        let mut current_version = None;
        let (status, slug, detail) = match self {
            AppError::Domain(err) => {
                let (status, slug) = domain_status(&err);
                let mut detail = err.to_string();
                match err {
                    DomainError::Invalid(fields) => errors = fields,
                    DomainError::StaleVersion { current, .. } => {
                        detail = format!(
                            "{detail}; fetch it again and reapply your change with If-Match: \"{current}\""
                        );
                        current_version = Some(current);
                    }
                    _ => {}
                }
                (status, slug, detail)
            }
            AppError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on our side; it has been logged".to_owned(),
            ),
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database is not answering; try again shortly".to_owned(),
            ),
            AppError::TimedOut(limit) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "timed-out",
                format!(
                    "the request took longer than {} s and was abandoned; whatever it had not committed was rolled back, so read the resource again before you retry a change",
                    limit.as_secs_f64()
                ),
            ),
            AppError::Request { status, detail } => (status, request_slug(status), detail),
        };
        Problem {
            kind: format!("urn:claimdesk:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors: errors.into_iter().map(ProblemField::from).collect(),
            current_version,
            request_id: super::observe::current_request_id(),
        }
    }
}

fn domain_status(err: &DomainError) -> (StatusCode, &'static str) {
    match err {
        DomainError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation-failed"),
        DomainError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
        DomainError::StaleVersion { .. } => (StatusCode::PRECONDITION_FAILED, "stale-version"),
        DomainError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        DomainError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        DomainError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        DomainError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate-limited"),
        DomainError::Busy { .. } => (StatusCode::TOO_MANY_REQUESTS, "busy"),
    }
}

fn request_slug(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::REQUEST_TIMEOUT => "body-timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "validation-failed",
        _ => "bad-request",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            AppError::Domain(
                DomainError::RateLimited { retry_after_secs } | DomainError::Busy { retry_after_secs },
            ) => Some(*retry_after_secs),
            _ => None,
        };
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"claimdesk\""),
            );
        }
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(1));
        }
        response
    }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        AppError::Domain(err)
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Domain(err) => AppError::Domain(err),
            StoreError::Unavailable(err) => {
                tracing::warn!(error = %err, "database unavailable");
                metrics::counter!("claimdesk_db_unavailable_total").increment(1);
                AppError::Unavailable
            }
            StoreError::Database(err) => {
                tracing::error!(error = %err, "database error");
                AppError::Internal
            }
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "send the body as JSON with the header Content-Type: application/json".to_owned()
            }
            JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                "the request body is larger than this server accepts".to_owned()
            }
            JsonRejection::BytesRejection(err)
                if cause::<tower_http::timeout::TimeoutError>(err).is_some() =>
            {
                return AppError::request(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time; send it whole and promptly",
                );
            }
            JsonRejection::JsonDataError(err) => {
                if let Some(field) = data_error_field(err) {
                    return AppError::Domain(DomainError::Invalid(vec![field]));
                }
                rejection.body_text()
            }
            _ => rejection.body_text(),
        };
        AppError::request(rejection.status(), detail)
    }
}

/// The first cause of type `E` in the chain of causes of `err`.
fn cause<'a, E: std::error::Error + 'static>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a E> {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        cause = e.source();
    }
    None
}

/// A body that is JSON but not of the expected shape (a wrong type, an
/// unknown enum value, a missing or unknown field) as the field it concerns
/// and what is wrong, so that it is reported like every other 422.
fn data_error_field(err: &(dyn std::error::Error + 'static)) -> Option<FieldError> {
    cause::<serde_path_to_error::Error<serde_json::Error>>(err)
        .map(|e| describe_data_error(&e.path().to_string(), &e.inner().to_string()))
}

/// `path` is serde_path_to_error's (`.` for the top level, `verdict.rating`,
/// `events[2]`); `message` is serde_json's, ending in its position.
fn describe_data_error(path: &str, message: &str) -> FieldError {
    let message = message
        .rsplit_once(" at line ")
        .map_or(message, |(text, _)| text)
        .to_owned();
    let parent = if path == "." { "" } else { path };
    // A missing field is named in the message; the path ends at the object
    // that lacks it.
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    let field = match named {
        Some(name) if parent.is_empty() => name.to_owned(),
        Some(name) => format!("{parent}.{name}"),
        None if parent.is_empty() => "body".to_owned(),
        None => parent.to_owned(),
    };
    FieldError::new(field, message)
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        // The rejection quotes the path segment; a hostile one can be as
        // long as the request line allows, and is not echoed whole.
        let shown = crate::domain::text::shown(&rejection.body_text(), 200);
        AppError::request(
            StatusCode::BAD_REQUEST,
            format!("{shown}; ids are UUIDs such as 0192e4a4-7b1c-7cc0-8f3e-6d2b9c1a5e10"),
        )
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::request(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_the_field() {
        let cases = [
            (
                ".",
                "missing field `title` at line 1 column 2",
                "title",
                "missing field `title`",
            ),
            (
                "verdict",
                "missing field `rating` at line 1 column 30",
                "verdict.rating",
                "missing field `rating`",
            ),
            (
                "colour",
                "unknown field `colour`, expected one of `a`, `b` at line 1 column 9",
                "colour",
                "unknown field `colour`, expected one of `a`, `b`",
            ),
            (
                "to",
                "unknown variant `done`, expected `verified` at line 1 column 12",
                "to",
                "unknown variant `done`, expected `verified`",
            ),
            (
                "events[1]",
                "invalid type: integer `5`, expected a string at line 1 column 20",
                "events[1]",
                "invalid type: integer `5`, expected a string",
            ),
            (
                ".",
                "invalid type: integer `5`, expected struct X at line 1 column 1",
                "body",
                "invalid type: integer `5`, expected struct X",
            ),
        ];
        for (path, message, field, text) in cases {
            let e = describe_data_error(path, message);
            assert_eq!((e.field.as_str(), e.message.as_str()), (field, text));
        }
    }
}
