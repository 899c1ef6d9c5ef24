//! The OpenAPI document: its top-level description here, every operation
//! next to its handler.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "claimdesk",
        description = "Fact-claim tracking for newsroom verification desks: store articles, \
            record the check-worthy claims in them with their exact place in the text, and \
            track each claim from `unverified` to a published verdict.\n\n\
            Every error is `application/problem+json` (RFC 9457). Lists are paged with an \
            opaque `cursor`. Single resources carry an `ETag`; send it back in `If-Match` \
            when you change them, and a concurrent edit gets 412 instead of being overwritten.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "claimdesk maintainers")
    ),
    tags(
        (name = "articles", description = "News articles, the texts claims are found in"),
        (name = "claims", description = "Check-worthy claims"),
        (name = "health", description = "Probes for load balancers"),
        (name = "meta", description = "This document"),
    ),
    components(schemas(Problem, ProblemField))
)]
pub struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// The OpenAPI document
///
/// This API's contract, as OpenAPI 3.1 JSON.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.as_str().to_owned(),
    )
}
