use super::*;

db_test! {
    async fn create_read_update_archive(app: TestApp) {
        let created = app
            .post(
                "/api/v1/articles",
                json!({
                    "title": "  Harbour bridge reopens  ",
                    "body": "The bridge reopened after 14 months of repairs costing $31m.",
                    "url": "https://news.example.org/bridge",
                    "outlet": "Example Post",
                    "published_at": "2026-11-20T08:00:00+02:00"
                }),
            )
            .await;
        let mut article = created.expect(201).clone();
        // Created articles come back with the claims extracted from them.
        let claims = article.as_object_mut().unwrap().remove("claims").unwrap();
        assert_eq!(claims[0]["text"], "The bridge reopened after 14 months of repairs costing $31m.");
        assert_eq!(claims[0]["quantities"][1]["unit"], "usd");
        let id = article["id"].as_str().unwrap();
        assert_eq!(created.header("location"), Some(format!("/api/v1/articles/{id}").as_str()));
        assert_eq!(created.header("etag"), Some("\"1\""));
        assert_eq!(article["title"], "Harbour bridge reopens");
        assert_eq!(article["language"], "en");
        assert_eq!(article["published_at"], "2026-11-20T06:00:00Z");
        assert_eq!(article["version"], 1);

        let read = app.get(created.header("location").unwrap()).await;
        assert_eq!(read.expect(200), &article);
        assert_eq!(read.header("etag"), Some("\"1\""));

        let updated = app
            .patch(&format!("/api/v1/articles/{id}"), json!({"title": "Bridge reopens", "outlet": null}), Some("\"1\""))
            .await;
        assert_eq!(updated.expect(200)["title"], "Bridge reopens");
        assert_eq!(updated.body["outlet"], json!(null));
        assert_eq!(updated.body["version"], 2);
        assert_eq!(updated.header("etag"), Some("\"2\""));
        assert_eq!(updated.body["created_at"], article["created_at"]);
        assert_ne!(updated.body["updated_at"], article["updated_at"]);

        // A stale tag changes nothing.
        let stale = app.patch(&format!("/api/v1/articles/{id}"), json!({"title": "Lost edit"}), Some("\"1\"")).await;
        assert_eq!(stale.problem(412)["current_version"], 2);
        assert_eq!(app.delete(&format!("/api/v1/articles/{id}"), Some("\"1\"")).await.status, 412);
        assert_eq!(app.get(&format!("/api/v1/articles/{id}")).await.body["title"], "Bridge reopens");

        assert_eq!(app.delete(&format!("/api/v1/articles/{id}"), Some("\"2\"")).await.status, 204);
        app.get(&format!("/api/v1/articles/{id}")).await.problem(404);
        app.patch(&format!("/api/v1/articles/{id}"), json!({"title": "x"}), None).await.problem(404);
        app.delete(&format!("/api/v1/articles/{id}"), None).await.problem(404);
        let list = app.get("/api/v1/articles").await;
        assert_eq!(list.expect(200)["items"], json!([]));
        // Archived, not deleted.
        assert_eq!(app.count("articles").await, 1);
    }

    async fn patch_rules(app: TestApp) {
        let article = app.article("Rates", "The bank held rates at 4.25%.").await;
        let path = format!("/api/v1/articles/{}", article["id"].as_str().unwrap());

        let same = app.patch(&path, json!({}), None).await;
        assert_eq!(same.expect(200)["version"], 1, "an empty patch is not a new version");

        let nulls = app.patch(&path, json!({"title": null, "body": null}), None).await;
        nulls.problem(422);
        assert_eq!(nulls.error_fields(), ["title", "body"]);

        let blank = app.patch(&path, json!({"title": "   ", "url": "ftp://x"}), None).await;
        blank.problem(422);
        assert_eq!(blank.error_fields(), ["title", "url"]);

        let star = app.patch(&path, json!({"author": "K. Lee"}), Some("*")).await;
        assert_eq!(star.expect(200)["author"], "K. Lee");
        assert_eq!(app.get(&path).await.body["version"], 2);
    }

    async fn create_validation_lists_every_field(app: TestApp) {
        let long_title = "t".repeat(501);
        let bad = app
            .post(
                "/api/v1/articles",
                json!({"title": long_title, "body": "a\u{0}b", "url": "javascript:alert(1)", "language": "english!", "outlet": "o".repeat(201)}),
            )
            .await;
        bad.problem(422);
        assert_eq!(bad.error_fields(), ["title", "body", "url", "outlet", "language"]);
        let empty = app.post("/api/v1/articles", json!({"title": "", "body": " \n "})).await;
        empty.problem(422);
        assert_eq!(empty.error_fields(), ["title", "body"]);
        let missing = app.post("/api/v1/articles", json!({"title": "No body"})).await;
        missing.problem(422);
        assert_eq!(missing.error_fields(), ["body"]);
        let wrong_type = app.post("/api/v1/articles", json!({"title": 5, "body": "x"})).await;
        wrong_type.problem(422);
        assert_eq!(wrong_type.error_fields(), ["title"]);
        let bad_date = app.post("/api/v1/articles", json!({"title": "x", "body": "y", "published_at": "yesterday"})).await;
        bad_date.problem(422);
        assert_eq!(bad_date.error_fields(), ["published_at"]);
        assert_eq!(app.count("articles").await, 0);
    }

    async fn unicode_is_kept_exactly(app: TestApp) {
        let body = "مرحبا 👋🏽 e\u{301}\r\n  Tabs\tand trailing space ";
        let article = app.article("Ünïcode ✓", body).await;
        assert_eq!(article["body"], body);
        let read = app.get(&format!("/api/v1/articles/{}", article["id"].as_str().unwrap())).await;
        assert_eq!(read.body["body"], body);
        assert_eq!(read.body["title"], "Ünïcode ✓");
    }
}
