//! HTTP: one module per resource (routes, handlers and wire types), the
//! extractors, the error type and the OpenAPI assembly.

pub mod articles;
pub mod auth;
pub mod claims;
pub mod comments;
pub mod error;
pub mod events;
pub mod export;
pub mod extract;
pub mod extraction;
pub mod fact_checks;
pub mod feed;
pub mod health;
pub mod metrics;
pub mod observe;
pub mod openapi;
pub mod paging;
pub mod session;
pub mod sources;
mod time;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod webhooks;
pub mod workflow;

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::domain::claim::Claim;
use crate::domain::claimreview::Publisher;
use crate::service::auth::Keys;
use crate::service::semantic::Semantic;
use crate::service::webhooks::WebhookSettings;
use error::AppError;

/// What every handler can reach. Replicas share nothing but the database.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Signing keys for access tokens; the same on every replica.
    pub keys: Arc<Keys>,
    /// Who publishes the fact-checks, for ClaimReview.
    pub publisher: Arc<Publisher>,
    /// How many proxies of ours stand in front of the server; the client is
    /// the address that many hops from the right of `X-Forwarded-For`.
    pub trusted_proxies: usize,
    /// The most claims one article may have.
    pub max_claims_per_article: usize,
    /// Where webhooks may be sent.
    pub webhooks: WebhookSettings,
    /// The OpenAPI document, rendered once at start-up.
    pub openapi_json: Arc<String>,
    /// How long a request may take (long polls end before it).
    pub request_timeout: Duration,
    /// Whether anyone may read the ClaimReview feed without signing in.
    pub public_feed: bool,
    /// Sentence embeddings for matching other publishers' fact-checks.
    pub semantic: Semantic,
}

/// Knobs that change how the app handles requests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Who publishes the fact-checks, named in every ClaimReview.
    pub publisher: Publisher,
    /// How many reverse proxies of ours sit in front of the server, each
    /// appending the address it was reached from to `X-Forwarded-For`. The
    /// client is then the address this many places from the right; what
    /// stands further left was written by the client and is ignored. 0 (the
    /// default) trusts no header: the socket's peer is the client.
    pub trusted_proxies: usize,
    /// The most claims one article may have; extraction that finds more is
    /// refused whole.
    pub max_claims_per_article: usize,
    /// Where webhooks may be sent.
    pub webhooks: WebhookSettings,
    /// How long a request may take before it is abandoned with 503.
    pub request_timeout: Duration,
    /// How long a client may take to send its request body (408 after).
    pub body_timeout: Duration,
    /// Whether anyone may read the ClaimReview feed without signing in.
    pub public_feed: bool,
    /// Sentence embeddings for matching other publishers' fact-checks
    /// (off: by words alone).
    pub semantic: Semantic,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
            public_feed: false,
            trusted_proxies: 0,
            max_claims_per_article: 1000,
            webhooks: WebhookSettings::default(),
            semantic: Semantic::off(),
            publisher: Publisher {
                name: "claimdesk".into(),
                url: "https://claimdesk.example".into(),
                review_url_template: "https://claimdesk.example/fact-checks/{id}".into(),
            },
        }
    }
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health::router())
        .nest(
            "/api/v1",
            OpenApiRouter::new()
                .merge(openapi::router())
                .merge(session::router())
                .merge(users::router())
                .merge(tokens::router())
                .merge(articles::router())
                .merge(claims::router())
                .merge(workflow::router())
                .merge(feed::router())
                .merge(fact_checks::router())
                .merge(sources::router())
                .merge(comments::router())
                .merge(tracking::router())
                .merge(extraction::router())
                .merge(webhooks::router())
                .merge(events::router()),
        )
}

/// A claim as `GET /claims/{id}` shows it, for webhook payloads.
pub fn claim_view(claim: &Claim) -> serde_json::Value {
    serde_json::to_value(claims::ClaimResponse::from(claim.clone())).unwrap_or_default()
}

/// The routes and their finished OpenAPI document: what the routes say,
/// plus what holds for every operation (see `openapi`).
fn assembled() -> (Router<AppState>, serde_json::Value) {
    let (router, mut document) = api().split_for_parts();
    openapi::CommonResponses.modify(&mut document);
    openapi::PagesReferToItems.modify(&mut document);
    // The last steps work on the JSON: utoipa's types cannot say everything
    // OpenAPI 3.1 can (see `events_for_clients`).
    let mut json = serde_json::to_value(&document).unwrap_or_default();
    openapi::events_for_clients(&mut json);
    (router, json)
}

/// The OpenAPI document, generated from the same routes the server runs.
pub fn openapi_document() -> serde_json::Value {
    assembled().1
}

/// The OpenAPI document as the server serves it and the repository keeps it.
pub fn openapi_json() -> String {
    serde_json::to_string_pretty(&openapi_document()).unwrap_or_default()
}

/// The whole application, ready to serve.
pub fn app(db: DatabaseConnection, keys: Keys, settings: &Settings) -> Router {
    let (router, document) = assembled();
    let state = AppState {
        db,
        keys: Arc::new(keys),
        publisher: Arc::new(settings.publisher.clone()),
        trusted_proxies: settings.trusted_proxies,
        max_claims_per_article: settings.max_claims_per_article,
        webhooks: settings.webhooks.clone(),
        openapi_json: Arc::new(serde_json::to_string_pretty(&document).unwrap_or_default()),
        request_timeout: settings.request_timeout,
        public_feed: settings.public_feed,
        semantic: settings.semantic.clone(),
    };
    // The reference page: Swagger UI served from assets built into the
    // binary (no CDN), reading the same document as /api/v1/openapi.json.
    let docs = SwaggerUi::new("/docs").config(Config::from("/api/v1/openapi.json"));
    router
        .merge(docs)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(settings.body_limit))
        .layer(RequestBodyTimeoutLayer::new(settings.body_timeout))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            settings.request_timeout,
            observe::observe,
        ))
        .with_state(state)
}

/// Headers every response carries: `nosniff`, so a browser never reads a
/// JSON answer as HTML or script; and on the sign-in routes `no-store`, so
/// tokens are kept by no cache.
async fn security_headers(request: Request, next: Next) -> Response {
    let credentials = request.uri().path().starts_with("/api/v1/auth/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if credentials {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn not_found(uri: Uri) -> AppError {
    AppError::request(
        StatusCode::NOT_FOUND,
        format!("there is no resource at {}", uri.path()),
    )
}

async fn method_not_allowed(uri: Uri) -> AppError {
    AppError::request(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} does not support this method; see /api/v1/openapi.json",
            uri.path()
        ),
    )
}

fn panicked(cause: Box<dyn Any + Send + 'static>) -> Response {
    let message = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause");
    tracing::error!(panic = message, "handler panicked");
    AppError::Internal.into_response()
}
