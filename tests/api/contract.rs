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
