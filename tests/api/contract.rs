//! The committed `openapi/openapi.json` must be exactly what the code generates,
//! so the contract integrators read cannot drift from the server.

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_openapi_matches_the_code() {
    let generated = claimdesk::http::openapi_json();
    let committed = COMMITTED.trim_end();
    if generated != committed {
        let diff = similar::TextDiff::from_lines(committed, &generated);
        panic!(
            "openapi/openapi.json is out of date. Regenerate it with:\n\n    cargo run -- openapi > openapi/openapi.json\n\n{}",
            diff.unified_diff()
                .context_radius(3)
                .header("committed", "generated")
        );
    }
}

/// The responses every operation can give follow from its shape, so none
/// can be forgotten by a handler.
#[test]
fn common_error_responses_are_documented_everywhere() {
    let document: serde_json::Value = serde_json::from_str(COMMITTED).expect("valid JSON");
    assert!(
        document["servers"].as_array().is_some_and(|s| !s.is_empty()),
        "the document names a server"
    );
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let has = |code: &str| responses.contains_key(code);
            let public = operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(|o| o.is_empty())));
            let at = format!("{method} {path}");
            if operation.get("requestBody").is_some() {
                for code in ["400", "413", "415", "422"] {
                    assert!(has(code), "{at} takes a body but does not list {code}");
                }
            }
            if !public {
                assert!(has("401"), "{at} needs a token but does not list 401");
                let header = &responses["401"]["headers"]["WWW-Authenticate"];
                assert!(header.is_object(), "{at}: 401 documents WWW-Authenticate");
                if method != "get" {
                    assert!(has("403"), "{at} writes but does not list 403");
                }
            }
            if path != "/healthz" && !path.ends_with("openapi.json") {
                assert!(has("503"), "{at} does not list 503");
            }
            assert!(
                responses.keys().any(|c| c.starts_with('4')) || public,
                "{at} lists no 4xx"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "{checked}");
    let patch_claim = &document["paths"]["/api/v1/claims/{id}"]["patch"]["responses"];
    for code in ["403", "409", "412"] {
        assert!(
            patch_claim.get(code).is_some(),
            "PATCH /claims/{{id}} lists {code}"
        );
    }
}

/// Every `$ref`'d schema name reachable from `value`, following references.
fn reachable(
    document: &serde_json::Value,
    value: &serde_json::Value,
    found: &mut std::collections::BTreeSet<String>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && found.insert(name.to_owned())
            {
                reachable(document, &document["components"]["schemas"][name], found);
            }
            for v in map.values() {
                reachable(document, v, found);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| reachable(document, v, found)),
        _ => {}
    }
}

/// What the server sends is typed exactly: a field it always sends (null
/// when empty) is `required`; a field it may leave out is never `null`. So
/// a generated client sees `T | null` or `T | undefined`, never both.
#[test]
fn response_fields_are_required_or_never_null() {
    let document: serde_json::Value = serde_json::from_str(COMMITTED).expect("valid JSON");
    let (mut sent, mut received) = Default::default();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            reachable(&document, &operation["responses"], &mut sent);
            reachable(&document, &operation["requestBody"], &mut received);
            reachable(&document, &operation["parameters"], &mut received);
        }
    }
    for delivery in document["webhooks"]
        .as_object()
        .into_iter()
        .flat_map(|w| w.values())
    {
        reachable(&document, delivery, &mut sent);
    }
    assert!(
        sent.contains("ClaimReview") && sent.contains("ClaimResponse"),
        "{sent:?}"
    );
    let mut checked = 0;
    for name in sent.difference(&received) {
        let schema = &document["components"]["schemas"][name.as_str()];
        let variants = schema["oneOf"].as_array().into_iter().flatten();
        for schema in std::iter::once(schema).chain(variants) {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            for (field, property) in schema["properties"].as_object().into_iter().flatten() {
                let nullable = property["type"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == "null"))
                    || property["oneOf"]
                        .as_array()
                        .is_some_and(|o| o.iter().any(|s| s["type"] == "null"));
                assert!(
                    required.contains(&field.as_str()) || !nullable,
                    "{name}.{field} may be null but is not required: the server always sends it, so mark it \
                 #[schema(required = true)] (or, if it is left out when empty, #[schema(nullable = false)])"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

/// Fields a PATCH cannot clear are not `null` in the contract, and the
/// discriminated and literal types generated clients narrow on are enums.
#[test]
fn patch_fields_and_literals_are_exact() {
    let document: serde_json::Value = serde_json::from_str(COMMITTED).expect("valid JSON");
    let schemas = &document["components"]["schemas"];
    for (schema, field) in [
        ("UpdateSource", "url"),
        ("UpdateSource", "stance"),
        ("UpdateUser", "role"),
        ("UpdateUser", "disabled"),
        ("UpdateWebhook", "url"),
        ("UpdateWebhook", "events"),
        ("UpdateClaim", "text"),
        ("UpdateArticle", "title"),
    ] {
        let property = &schemas[schema]["properties"][field];
        assert!(property.is_object(), "{schema}.{field}");
        assert!(
            !property.to_string().contains("\"null\""),
            "{schema}.{field} cannot be cleared, so null is not allowed: {property}"
        );
    }
    assert!(
        schemas["ReasonKind"]["enum"]
            .as_array()
            .is_some_and(|e| e.len() == 8)
    );
    assert_eq!(
        schemas["MatchReason"]["properties"]["kind"]["$ref"],
        "#/components/schemas/ReasonKind"
    );
    assert_eq!(
        schemas["ClaimReviewType"]["enum"],
        serde_json::json!(["ClaimReview"])
    );
    let review = &document["paths"]["/api/v1/claims/{id}/claimreview"]["get"]["responses"]["200"];
    assert_eq!(
        review["content"]["application/ld+json"]["schema"]["$ref"],
        "#/components/schemas/ClaimReview"
    );
}
