//! The OpenAPI document: its top-level description here, every operation
//! next to its handler.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::claims::{ExportSort, SortKey};
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
        (name = "webhooks", description = "Endpoints told of every change, signed (Standard Webhooks v1)"),
        (name = "events", description = "Every change in commit order, for integrations that pull"),
        (name = "fact-checks", description = "Other publishers' fact-checks (ClaimReview), imported and matched against claims"),
        (name = "health", description = "Probes for load balancers"),
        (name = "meta", description = "This document"),
    ),
    servers((url = "http://127.0.0.1:8080", description = "A claimdesk on this machine, as `claimdesk serve` starts it by default")),
    components(schemas(Problem, ProblemField, SortKey, ExportSort)),
    modifiers(&BearerAuth),
    security(("bearerAuth" = []))
)]
pub struct ApiDoc;

/// The error responses that follow from an operation's shape rather than
/// from what it does, added to every operation of the assembled document in
/// this one place so that no handler can forget them. A handler that lists
/// one of these codes itself keeps its own, more specific description.
///
/// - 400: malformed JSON, id or query parameter (when it has any of them);
/// - 401 with `WWW-Authenticate`: when it needs a bearer token;
/// - 403: secured writes (a role too low, or an API token where a person
///   must act);
/// - 412: when it takes `If-Match`;
/// - 408, 413, 415, 422: when it takes a JSON body;
/// - 503: whenever it touches the database (all but the liveness probe and
///   this document).
///
/// Applied to the assembled document (the routes are not in `ApiDoc` yet
/// when its own modifiers run).
pub struct CommonResponses;

/// How every `If-Match` parameter is described.
const IF_MATCH: &str = "The ETag you last read (`\"5\"`), or the bare `version` of the resource \
    (`5`); a list matches if any of its tags is current. Left out, the change applies to \
    whatever version is current.";

fn problem_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::{Parameter, ParameterIn};
        let www_authenticate = HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .description(Some("Bearer realm=\"claimdesk\""))
            .build();
        let global_security = openapi.security.as_ref().is_some_and(|s| !s.is_empty());
        for (path, item) in openapi.paths.paths.iter_mut() {
            let probe_or_document = path == "/healthz" || path.ends_with("/openapi.json");
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.patch, true),
                (&mut item.put, true),
                (&mut item.delete, true),
            ];
            for (operation, writes) in operations {
                let Some(operation) = operation else {
                    continue;
                };
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = parameter
                        && p.name.eq_ignore_ascii_case("if-match")
                    {
                        p.description = Some(IF_MATCH.into());
                        // A header is absent or a string, never null.
                        p.schema = Some(ObjectBuilder::new().schema_type(Type::String).into());
                    }
                }
                let params: Vec<&Parameter> = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) => Some(p),
                        RefOr::Ref(_) => None,
                    })
                    .collect();
                let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
                let if_match = params.iter().any(|p| p.name.eq_ignore_ascii_case("if-match"));
                let body = operation.request_body.is_some();
                let secured = match &operation.security {
                    // `security(())` in a handler: an empty requirement, open to all.
                    Some(requirements) => requirements.iter().any(|r| {
                        serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                    }),
                    None => global_security,
                };
                let mut malformed = Vec::new();
                if body {
                    malformed.push("JSON");
                }
                if has(ParameterIn::Path) {
                    malformed.push("id");
                }
                if has(ParameterIn::Query) {
                    malformed.push("query parameter");
                }
                let mut add = |code: &str, response: ResponseBuilder| {
                    operation
                        .responses
                        .responses
                        .entry(code.into())
                        .or_insert_with(|| response.build().into());
                };
                if !malformed.is_empty() {
                    add(
                        "400",
                        problem_response(&format!("Malformed {}", malformed.join(" or "))),
                    );
                }
                if secured {
                    add(
                        "401",
                        problem_response("Not signed in, or the token is invalid or expired")
                            .header("WWW-Authenticate", www_authenticate.clone()),
                    );
                    if writes {
                        add(
                            "403",
                            problem_response("Your role may not do this, or an API token may not"),
                        );
                    }
                }
                if if_match {
                    add(
                        "412",
                        problem_response(
                            "Changed since you read it: read it again and resend with its new ETag",
                        ),
                    );
                }
                if body {
                    add(
                        "408",
                        problem_response("The body did not arrive within the server's body timeout"),
                    );
                    add("413", problem_response("Body too large"));
                    add(
                        "415",
                        problem_response("Not JSON: send Content-Type: application/json"),
                    );
                    add(
                        "422",
                        problem_response("Invalid fields: every broken rule is listed in `errors`"),
                    );
                }
                if !probe_or_document {
                    add(
                        "503",
                        problem_response(
                            "The database is not answering, or the request ran past the server's deadline; try again shortly",
                        )
                        .header(
                            "Retry-After",
                            HeaderBuilder::new()
                                .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                                .description(Some("Seconds to wait"))
                                .build(),
                        ),
                    );
                }
                // Every 401 carries the challenge, also where a handler
                // describes its own 401 (a failed sign-in).
                if let Some(RefOr::T(unauthorized)) = operation.responses.responses.get_mut("401") {
                    unauthorized
                        .headers
                        .entry("WWW-Authenticate".into())
                        .or_insert_with(|| www_authenticate.clone().into());
                }
            }
        }
    }
}

/// Pages (`Paged_<Item>`) refer to their item's schema instead of copying
/// it, so each item type has one definition that generated clients share.
pub struct PagesReferToItems;

impl Modify for PagesReferToItems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{ArrayBuilder, Schema};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in &names {
            let Some(item) = name.strip_prefix("Paged_") else {
                continue;
            };
            if !names.iter().any(|n| n == item) {
                continue;
            }
            if let Some(RefOr::T(Schema::Object(page))) = components.schemas.get_mut(name) {
                page.properties.insert(
                    "items".into(),
                    ArrayBuilder::new()
                        .items(Ref::from_schema_name(item))
                        .build()
                        .into(),
                );
            }
        }
    }
}

/// Event schemas as generated clients read them best. A history entry or a
/// feed event is `{…common fields, kind, data}` with `data` typed by `kind`;
/// utoipa writes that as `allOf` of the common fields and the `EventData`
/// `oneOf`, which generators cannot merge. Here each becomes a `oneOf` of
/// whole objects, one per kind, each with `kind` fixed to its value.
/// Then the top-level `webhooks` section is added: every delivery type with
/// its payload schema, so integrations can generate types for what they
/// receive.
pub fn events_for_clients(document: &mut serde_json::Value) {
    use crate::domain::history::EVENT_TYPES;
    use serde_json::{Value, json};
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // History is recorded by the domain, which knows no wire types: its
    // statuses, ratings, stances and relations are the strings of these enums.
    for (schema, field, wire) in [
        ("ClaimTransitioned", "from", "Status"),
        ("ClaimTransitioned", "to", "Status"),
        ("VerdictSnapshot", "rating", "RatingName"),
        ("SourceSnapshot", "stance", "StanceName"),
        ("ClaimLinkChange", "relation", "RelationName"),
    ] {
        if let Some(property) = schemas
            .get_mut(schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
        {
            *property = json!({"$ref": format!("#/components/schemas/{wire}")});
        }
    }
    let Some(variants) = schemas
        .remove("EventData")
        .and_then(|d| d.get("oneOf").and_then(Value::as_array).cloned())
    else {
        return;
    };
    let flatten = |schema: &Value, extra: &Value| -> Value {
        let base = schema["allOf"]
            .as_array()
            .and_then(|parts| parts.iter().find(|p| p["type"] == "object"))
            .cloned()
            .unwrap_or_else(|| json!({"type": "object"}));
        let one_of: Vec<Value> = variants
            .iter()
            .map(|variant| {
                let mut properties = base["properties"].as_object().cloned().unwrap_or_default();
                properties.extend(variant["properties"].as_object().cloned().unwrap_or_default());
                properties.extend(extra.as_object().cloned().unwrap_or_default());
                let mut required: Vec<Value> = base["required"].as_array().cloned().unwrap_or_default();
                required.extend(variant["required"].as_array().cloned().unwrap_or_default());
                json!({"type": "object", "required": required, "properties": properties})
            })
            .collect();
        json!({"description": schema["description"], "oneOf": one_of})
    };
    for name in ["EventResponse", "FeedEventResponse"] {
        if let Some(schema) = schemas.get(name).cloned() {
            schemas.insert(name.into(), flatten(&schema, &json!({})));
        }
    }
    if let Some(feed) = schemas.get("FeedEventResponse").cloned() {
        let claim = json!({"claim": {
            "description": "For claim events: the claim as `GET /claims/{id}` showed it when the event was numbered (normally well under a second after the change); null for article events",
            "oneOf": [{"$ref": "#/components/schemas/ClaimResponse"}, {"type": "null"}]
        }});
        let mut event = feed.clone();
        if let Some(variants) = event["oneOf"].as_array_mut() {
            for variant in variants {
                if let Some(properties) = variant["properties"].as_object_mut() {
                    properties.extend(claim.as_object().cloned().unwrap_or_default());
                }
                if let Some(required) = variant["required"].as_array_mut() {
                    required.push(json!("claim"));
                }
            }
        }
        event["description"] = json!(
            "The event carried by a webhook delivery: the feed event and, for claim events, the claim."
        );
        schemas.insert("WebhookEvent".into(), event);
    }
    let envelope = |types: Value, data: Value| {
        json!({
            "type": "object",
            "description": "The body of a webhook delivery (Standard Webhooks v1). Verify `webhook-signature` over `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's secret before trusting it; `webhook-id` is the same on every retry.",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "enum": types},
                "timestamp": {"type": "string", "format": "date-time", "description": "When the change happened"},
                "data": data,
            }
        })
    };
    let event_types: Vec<&str> = EVENT_TYPES.iter().copied().filter(|t| *t != "ping").collect();
    schemas.insert(
        "WebhookPayload".into(),
        envelope(
            json!(event_types),
            json!({"$ref": "#/components/schemas/WebhookEvent"}),
        ),
    );
    schemas.insert(
        "PingPayload".into(),
        envelope(
            json!(["ping"]),
            json!({"type": "object", "required": ["webhook_id", "message"], "properties": {
                "webhook_id": {"type": "string", "format": "uuid"}, "message": {"type": "string"}}}),
        ),
    );
    let mut webhooks = serde_json::Map::new();
    for event_type in EVENT_TYPES {
        let schema = if event_type == "ping" {
            "PingPayload"
        } else {
            "WebhookPayload"
        };
        webhooks.insert(
            event_type.into(),
            json!({"post": {
                "summary": format!("{event_type} delivery"),
                "operationId": format!("webhook_{}", event_type.replace('.', "_")),
                "tags": ["webhooks"],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                "responses": {
                    "200": {"description": "Any 2xx acknowledges the delivery"},
                    "410": {"description": "Disables the endpoint at once"},
                    "429": {"description": "Retried later; `Retry-After` is honoured"}
                }
            }}),
        );
    }
    document["webhooks"] = Value::Object(webhooks);
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
