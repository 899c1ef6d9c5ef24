//! Extractors whose rejections are our problem+json, and response wrappers
//! that carry the version as an ETag.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::AppError;
use crate::domain::error::Errors;
use crate::domain::version::IfMatch;

/// A JSON body. Rejections become problem+json (400, 413, 415 or 422).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A JSON body that may start with a UTF-8 byte-order mark, as files
/// saved by Windows tools do (fact-checkers' feeds among them); otherwise
/// exactly `Json`, rejections included.
pub struct JsonFile<T>(pub T);

/// The byte-order mark of UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for JsonFile<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        // The route's body limit travels in the extensions.
        let extensions = request.extensions().clone();
        // Read as bytes first (the route's body limit applies), then hand
        // the body without its mark to `Json`, which checks the content
        // type and parses as for every other route.
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::from(axum::extract::rejection::JsonRejection::from(e)))?;
        let body = match bytes.strip_prefix(BOM) {
            Some(_) => bytes.slice(BOM.len()..),
            None => bytes,
        };
        let mut again = axum::extract::Request::new(axum::body::Body::from(body));
        *again.headers_mut() = headers;
        *again.extensions_mut() = extensions;
        let axum::Json(value) = axum::Json::<T>::from_request(again, state).await?;
        Ok(Self(value))
    }
}

/// Path parameters; a malformed id is a 400 problem.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// Query parameters; unknown or malformed ones are a 400 problem.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// The `If-Match` precondition. Entity tags are our versions in quotes;
/// the bare version (`5`, as a client builds it from `version`) means the
/// same. A tag that is not one of ours can never match, so it fails with 412.
pub struct Precondition(pub IfMatch);

impl<S: Send + Sync> FromRequestParts<S> for Precondition {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Precondition(parse_if_match(&parts.headers)))
    }
}

fn parse_if_match(headers: &HeaderMap) -> IfMatch {
    let mut versions = Vec::new();
    let mut present = false;
    for value in headers.get_all(header::IF_MATCH) {
        present = true;
        let Ok(value) = value.to_str() else { continue };
        for tag in value.split(',').map(str::trim) {
            if tag == "*" {
                return IfMatch::Any;
            }
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            let tag = tag
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(tag);
            if let Some(version) = tag.parse().ok().filter(|v: &i64| *v >= 0) {
                versions.push(version);
            }
        }
    }
    if present {
        IfMatch::OneOf(versions)
    } else {
        IfMatch::Any
    }
}

pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// One resource with its version as the ETag.
pub struct Versioned<T> {
    pub version: i64,
    pub body: T,
}

impl<T: Serialize> IntoResponse for Versioned<T> {
    fn into_response(self) -> Response {
        ([(header::ETAG, etag(self.version))], Json(self.body)).into_response()
    }
}

/// A resource just created: 201 with its `Location` and ETag.
pub struct Created<T> {
    pub location: String,
    pub version: i64,
    pub body: T,
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        let location = HeaderValue::from_str(&self.location).unwrap_or(HeaderValue::from_static("/"));
        (
            StatusCode::CREATED,
            [(header::LOCATION, location), (header::ETAG, etag(self.version))],
            Json(self.body),
        )
            .into_response()
    }
}

/// Distinguishes a field left out (`None`) from one sent as `null`
/// (`Some(None)`) in PATCH bodies.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// A PATCH field that cannot be cleared: left out it keeps its value, and
/// `null` is recorded as an error with the request's other field errors
/// (never taken silently as "leave it").
pub fn not_null<T>(errors: &mut Errors, field: &str, value: Option<Option<T>>) -> Option<T> {
    match value {
        Some(None) => {
            errors.add(field, "cannot be null; leave it out to keep the current value");
            None
        }
        other => other.flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn parses_if_match() {
        assert_eq!(parse_if_match(&with(&[])), IfMatch::Any);
        assert_eq!(parse_if_match(&with(&["*"])), IfMatch::Any);
        assert_eq!(parse_if_match(&with(&["\"3\""])), IfMatch::OneOf(vec![3]));
        assert_eq!(
            parse_if_match(&with(&["W/\"3\", \"4\""])),
            IfMatch::OneOf(vec![3, 4])
        );
        assert_eq!(parse_if_match(&with(&["3"])), IfMatch::OneOf(vec![3]));
        assert_eq!(parse_if_match(&with(&["3, \"4\""])), IfMatch::OneOf(vec![3, 4]));
        for never in ["\"x\"", "-1", "\"3", "3.0", ""] {
            assert_eq!(parse_if_match(&with(&[never])), IfMatch::OneOf(vec![]), "{never}");
        }
    }
}
