//! What operators see of each request: an id that ties the client's answer
//! to the log, one access-log line, the request metrics, and the deadline
//! every request is held to.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;
use uuid::Uuid;

use super::error::AppError;

pub const REQUEST_ID: &str = "x-request-id";

/// The longest request id taken from a client; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

tokio::task_local! {
    /// The id of the request being handled, for the problem documents of
    /// its errors.
    static CURRENT: String;
}

/// The id of the request this task is handling, if any.
pub fn current_request_id() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Filled in by the authentication step, read by the access log.
#[derive(Clone, Default)]
pub struct SignedIn(Arc<OnceLock<Uuid>>);

impl SignedIn {
    pub fn set(&self, user: Uuid) {
        let _ = self.0.set(user);
    }
}

/// The client's id when it is one we can log and echo safely: 1 to 128
/// characters of letters, digits and `-_.:`; otherwise a new one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_REQUEST_ID
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| Uuid::now_v7().to_string(), str::to_owned)
}

/// Gives every request an id (echoed in `x-request-id` and in problem
/// documents), a deadline (503 when it passes), one access-log line and its
/// metrics. The route is the template (`/api/v1/claims/{id}`), never the raw
/// path, so ids cannot blow up the metrics' label sets.
pub async fn observe(State(timeout): State<Duration>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    // Methods a client invents become `other`: a label value per made-up
    // method would let any client grow the metrics without bound.
    let method = match *request.method() {
        Method::GET
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::HEAD
        | Method::OPTIONS => request.method().as_str(),
        _ => "other",
    }
    .to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let signed_in = SignedIn::default();
    request.extensions_mut().insert(signed_in.clone());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let handled = CURRENT.scope(id.clone(), async {
        match tokio::time::timeout(timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(timeout_secs = timeout.as_secs_f64(), "request timed out");
                AppError::TimedOut(timeout).into_response()
            }
        }
    });
    let mut response = handled.instrument(span).await;
    let status = response.status();
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let user_id = signed_in.0.get().map(Uuid::to_string);
    let latency_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
    if status.is_server_error() {
        tracing::warn!(target: "claimdesk::access", request_id = %id, method = %method, route = %route,
            status = status.as_u16(), latency_ms, user_id, "request");
    } else {
        tracing::info!(target: "claimdesk::access", request_id = %id, method = %method, route = %route,
            status = status.as_u16(), latency_ms, user_id, "request");
    }
    metrics::histogram!("http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(elapsed.as_secs_f64());
    metrics::counter!("http_requests_total", "method" => method, "route" => route, "status" => status.as_u16().to_string())
        .increment(1);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn with(id: &str) -> Request {
        Request::builder()
            .header(REQUEST_ID, id)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn sane_client_ids_are_kept_and_others_replaced() {
        for kept in ["abc-123", "01a2:b3.c4_d", &"x".repeat(128)] {
            assert_eq!(request_id(&with(kept)), kept);
        }
        for replaced in ["", "has space", "<script>", &"x".repeat(129), "é"] {
            let id = request_id(
                &Request::builder()
                    .header(REQUEST_ID, HeaderValue::from_bytes(replaced.as_bytes()).unwrap())
                    .body(Body::empty())
                    .unwrap(),
            );
            assert_ne!(id, replaced);
            assert!(Uuid::parse_str(&id).is_ok(), "{id}");
        }
        assert!(Uuid::parse_str(&request_id(&Request::new(Body::empty()))).is_ok());
    }
}
