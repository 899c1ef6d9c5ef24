//! The committed `openapi/openapi.json` must be exactly what the code generates,
//! so the contract integrators read cannot drift from the server.

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_openapi_matches_the_code() {
    let generated = claimdesk::http::openapi_document()
        .to_pretty_json()
        .expect("render OpenAPI");
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
