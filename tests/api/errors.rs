use super::*;

db_test! {
    async fn malformed_requests_get_problems_and_write_nothing(app: TestApp) {
        let raw = |body: &'static str, content_type: Option<&'static str>| {
            let mut r = app.as_user(&app.token).request(reqwest::Method::POST, "/api/v1/articles").body(body);
            if let Some(ct) = content_type {
                r = r.header("content-type", ct);
            }
            r
        };
        app.send(raw("{\"title\": \"x\", ", Some("application/json"))).await.problem(400);
        app.send(raw("", Some("application/json"))).await.problem(400);
        app.send(raw("[1, 2]", Some("application/json"))).await.problem(422);
        app.send(raw("{\"title\":\"x\",\"body\":\"y\"}", Some("text/plain"))).await.problem(415);
        app.send(raw("{\"title\":\"x\",\"body\":\"y\"}", None)).await.problem(415);
        app.send(raw("{\"title\":\"x\",\"body\":\"y\",\"extra\":true}", Some("application/json"))).await.problem(422);
        // Lone surrogates cannot become text: rejected as bad JSON, not stored mangled.
        app.send(raw("{\"title\":\"x\",\"body\":\"\\ud800\"}", Some("application/json"))).await.problem(400);
        assert_eq!(app.count("articles").await, 0);
        assert_eq!(app.count("claims").await, 0);
    }

    async fn unknown_routes_methods_and_ids(app: TestApp) {
        let missing = app.get("/api/v1/nothing-here").await;
        assert!(missing.problem(404)["detail"].as_str().unwrap().contains("/api/v1/nothing-here"));
        app.get("/").await.problem(404);
        app.send(app.client.put(app.url("/api/v1/articles"))).await.problem(405);
        app.get("/api/v1/articles/not-a-uuid").await.problem(400);
        app.get("/api/v1/claims/123").await.problem(400);
        app.delete("/api/v1/claims/00000000-0000-0000-0000-00000000000g", None).await.problem(400);
        app.get("/api/v1/articles/00000000-0000-7000-8000-000000000000").await.problem(404);
        app.get("/api/v1/claims/00000000-0000-7000-8000-000000000000").await.problem(404);
    }

    async fn if_match_that_is_not_ours_never_matches(app: TestApp) {
        let article = app.article("T", "B").await;
        let path = format!("/api/v1/articles/{}", article["id"].as_str().unwrap());
        for tag in ["1", "\"one\"", "W/\"2\"", "\"\""] {
            app.patch(&path, json!({"title": "x"}), Some(tag)).await.problem(412);
        }
        assert_eq!(app.patch(&path, json!({"title": "x"}), Some("\"7\", \"1\"")).await.status, 200);
        assert_eq!(app.patch(&path, json!({"title": "y"}), Some("W/\"2\"")).await.status, 200);
    }
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::sqlite_with(claimdesk::http::Settings {
        body_limit: 64 * 1024,
        ..Default::default()
    })
    .await;
    let body = "word ".repeat(20_000);
    let r = app
        .post("/api/v1/articles", json!({"title": "Big", "body": body}))
        .await;
    r.problem(413);
    let ok = app
        .post(
            "/api/v1/articles",
            json!({"title": "Small", "body": "word ".repeat(1000)}),
        )
        .await;
    assert_eq!(ok.status, 201);
    assert_eq!(app.count("articles").await, 1);
}

#[tokio::test]
async fn default_limit_is_two_mebibytes() {
    let app = TestApp::sqlite().await;
    let r = app
        .post(
            "/api/v1/articles",
            json!({"title": "Huge", "body": "x".repeat(2 * 1024 * 1024 + 1)}),
        )
        .await;
    r.problem(413);
}
