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
        for tag in ["2", "\"one\"", "W/\"2\"", "\"\"", "-1", "1.0", "\"1"] {
            app.patch(&path, json!({"title": "x"}), Some(tag)).await.problem(412);
        }
        assert_eq!(app.patch(&path, json!({"title": "x"}), Some("\"7\", \"1\"")).await.status, 200);
        assert_eq!(app.patch(&path, json!({"title": "y"}), Some("W/\"2\"")).await.status, 200);
        // The bare version, as a client builds it from `version`, means the same.
        let bare = app.patch(&path, json!({"title": "z"}), Some("3")).await;
        assert_eq!(bare.expect(200)["version"], 4);
        let stale = app.patch(&path, json!({"title": "w"}), Some("3"));
        assert_eq!(stale.await.problem(412)["current_version"], 4);
        assert_eq!(app.get(&path).await.expect(200)["title"], "z");
    }

    // A body of the wrong shape is reported like every other invalid
    // field: a 422 listing the field and what is wrong, and nothing written.
    async fn wrong_shapes_are_listed_by_field(app: TestApp) {
        let article = app.article("Shapes", "The council built 12 schools in 2025.").await;
        let claim = app.post("/api/v1/claims", json!({"text": "The council built 12 schools"})).await;
        let claim_path = format!("/api/v1/claims/{}", claim.expect(201)["id"].as_str().unwrap());
        let cases = [
            ("/api/v1/articles", json!({"title": 5, "body": "b"}), "title", "invalid type"),
            ("/api/v1/articles", json!({"body": "b"}), "title", "missing field"),
            ("/api/v1/articles", json!({"title": "t", "body": "b", "colour": 1}), "colour", "unknown field"),
            ("/api/v1/claims", json!({"text": "x", "start": "ten"}), "start", "invalid type"),
            (&format!("{claim_path}/transitions"), json!({"to": "done"}), "to", "unknown variant"),
            (&format!("{claim_path}/transitions"), json!({"to": "in_review", "verdict": {"summary": "s"}}),
             "verdict.rating", "missing field"),
            (&format!("{claim_path}/sources"), json!({"url": "https://a.example/x", "stance": "maybe"}), "stance",
             "unknown variant"),
            ("/api/v1/webhooks", json!({"url": "https://hooks.example/x", "events": ["claim.created", 5]}),
             "events[1]", "invalid type"),
        ];
        for (path, body, field, message) in cases {
            let answer = app.post(path, body.clone()).await;
            let problem = answer.problem(422);
            assert_eq!(answer.error_fields(), vec![field.to_owned()], "{path} {body}: {problem}");
            let text = problem["errors"][0]["message"].as_str().unwrap();
            assert!(text.starts_with(message) && !text.contains(" at line "), "{text}");
        }
        assert_eq!(app.count("articles").await, 1);
        assert_eq!(app.count("claims").await, 1);
        assert_eq!(app.count("sources").await, 0);
        let _ = article;
    }

    // `null` clears a field that can be cleared; for one that cannot, it is
    // a 422 naming every such field, and nothing changes.
    async fn null_for_a_field_that_cannot_be_cleared_is_refused(app: TestApp) {
        let claim = app.post("/api/v1/claims", json!({"text": "Ferries carried 2 million passengers"})).await;
        let claim_id = claim.expect(201)["id"].as_str().unwrap().to_owned();
        let source = app
            .post(&format!("/api/v1/claims/{claim_id}/sources"), json!({"url": "https://ports.example/report", "title": "Port report", "stance": "supports"}))
            .await;
        let path = format!("/api/v1/sources/{}", source.expect(201)["id"].as_str().unwrap());
        let refused = app.patch(&path, json!({"url": null, "stance": null, "title": "New"}), None).await;
        refused.problem(422);
        assert_eq!(refused.error_fields(), vec!["url".to_owned(), "stance".to_owned()]);
        let kept = app.get(&format!("/api/v1/claims/{claim_id}/sources")).await;
        let kept = &kept.expect(200)["items"][0];
        assert_eq!(kept["url"], "https://ports.example/report");
        assert_eq!(kept["title"], "Port report");
        assert_eq!(kept["version"], 1);
        let cleared = app.patch(&path, json!({"title": null}), None).await;
        assert_eq!(cleared.expect(200)["title"], serde_json::Value::Null);

        let me = app.get("/api/v1/me").await.expect(200)["id"].as_str().unwrap().to_owned();
        let user = app.patch(&format!("/api/v1/users/{me}"), json!({"role": null, "display_name": ""}), None).await;
        user.problem(422);
        assert_eq!(user.error_fields(), vec!["role".to_owned(), "display_name".to_owned()]);
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
