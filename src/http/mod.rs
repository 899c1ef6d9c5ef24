//! HTTP: one module per resource (routes, handlers and wire types), the
//! extractors, the error type and the OpenAPI assembly.

pub mod articles;
pub mod auth;
pub mod claims;
pub mod comments;
pub mod error;
pub mod extract;
pub mod extraction;
pub mod health;
pub mod openapi;
pub mod paging;
pub mod session;
pub mod sources;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod workflow;

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::domain::claimreview::Publisher;
use crate::service::auth::Keys;
use error::AppError;

/// What every handler can reach. Replicas share nothing but the database.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Signing keys for access tokens; the same on every replica.
    pub keys: Arc<Keys>,
    /// Who publishes the fact-checks, for ClaimReview.
    pub publisher: Arc<Publisher>,
    /// Whether `X-Forwarded-For` names the client (behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The OpenAPI document, rendered once at start-up.
    pub openapi_json: Arc<String>,
}

/// Knobs that change how the app handles requests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Who publishes the fact-checks, named in every ClaimReview.
    pub publisher: Publisher,
    /// Take the client address for sign-in rate limits from `X-Forwarded-For`.
    /// Only safe behind a proxy that sets it; otherwise clients could forge it.
    pub trust_forwarded_for: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            trust_forwarded_for: false,
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
                .merge(sources::router())
                .merge(comments::router())
                .merge(tracking::router())
                .merge(extraction::router()),
        )
}

/// The OpenAPI document, generated from the same routes the server runs.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut document = api().into_openapi();
    openapi::DatabaseDown.modify(&mut document);
    document
}

/// The whole application, ready to serve.
pub fn app(db: DatabaseConnection, keys: Keys, settings: &Settings) -> Router {
    let (router, mut document) = api().split_for_parts();
    openapi::DatabaseDown.modify(&mut document);
    let state = AppState {
        db,
        keys: Arc::new(keys),
        publisher: Arc::new(settings.publisher.clone()),
        trust_forwarded_for: settings.trust_forwarded_for,
        openapi_json: Arc::new(document.to_pretty_json().unwrap_or_default()),
    };
    // The reference page: Swagger UI served from assets built into the
    // binary (no CDN), reading the same document as /api/v1/openapi.json.
    let docs = SwaggerUi::new("/docs").config(Config::from("/api/v1/openapi.json"));
    router
        .merge(docs)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(settings.body_limit))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
