//! The OpenAPI document: its top-level description here, every operation
//! next to its handler.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::claims::SortKey;
use super::error::{Problem, ProblemField};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "claimdesk",
        description = "Fact-claim tracking for newsroom verification desks: store articles, \
            record the check-worthy claims in them with their exact place in the text, and \
            track each claim from `unverified` to a published verdict.\n\n\
            The workflow: a checker takes a claim (`unverified` → `in_progress`), collects \
            sources and proposes a verdict (`in_review`); an editor who did not propose it \
            approves it (`verified`), and the verdict is published as schema.org ClaimReview. \
            Claims can be dismissed, sent back and reopened; every change is kept in the \
            claim's history.\n\n\
            Every error is `application/problem+json` (RFC 9457). Lists are paged with an \
            opaque `cursor`. Single resources carry an `ETag`; send it back in `If-Match` \
            when you change them, and a concurrent edit gets 412 instead of being overwritten.\n\n\
            Every route but the probes, the sign-in routes and this document needs \
            `Authorization: Bearer <token>`. Roles: reporter < checker < editor < admin.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "claimdesk maintainers")
    ),
    tags(
        (name = "articles", description = "News articles, the texts claims are found in"),
        (name = "claims", description = "Check-worthy claims"),
        (name = "workflow", description = "Statuses, verdicts, history and ClaimReview"),
        (name = "sources", description = "Evidence for and against claims"),
        (name = "comments", description = "Discussion on claims"),
        (name = "extraction", description = "The claim extractor on its own"),
        (name = "auth", description = "Signing in and out"),
        (name = "users", description = "Accounts (admins only)"),
        (name = "tokens", description = "API tokens for integrations"),
        (name = "health", description = "Probes for load balancers"),
        (name = "meta", description = "This document"),
    ),
    components(schemas(Problem, ProblemField, SortKey)),
    modifiers(&BearerAuth),
    security(("bearerAuth" = []))
)]
pub struct ApiDoc;

/// Every operation that reads or writes the database answers 503 while the
/// database is unreachable; documenting it once here keeps the handlers short.
/// Applied to the assembled document (the routes are not in `ApiDoc` yet
/// when its own modifiers run).
pub struct DatabaseDown;

impl Modify for DatabaseDown {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let response = ResponseBuilder::new()
            .description("The database is not answering; try again shortly")
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path == "/healthz" || path.ends_with("/openapi.json") {
                continue;
            }
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("503".into())
                    .or_insert_with(|| response.clone().into());
            }
        }
    }
}

/// Declares the `bearerAuth` scheme: a JWT access token from `/auth/login`,
/// or an API token from `/tokens`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from /api/v1/auth/login, or an API token (cdk_...) from /api/v1/tokens"))
                    .build(),
            ),
        );
    }
}

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
