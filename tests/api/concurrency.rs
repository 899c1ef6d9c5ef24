use super::*;
use futures_util::future::join_all;

db_test! {
    async fn racing_edits_with_the_same_etag_let_exactly_one_win(app: TestApp) {
        let claim = app.post("/api/v1/claims", json!({"text": "Exports rose 12%"})).await.expect(201).clone();
        let path = format!("/api/v1/claims/{}", claim["id"].as_str().unwrap());
        let edits = (0..8).map(|i| {
            let path = path.clone();
            let app = &app;
            async move { app.patch(&path, json!({"claimant": format!("editor {i}")}), Some("\"1\"")).await }
        });
        let results = join_all(edits).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 7, "{statuses:?}");
        let winner = results.iter().find(|r| r.status == 200).unwrap();
        let stored = app.get(&path).await;
        assert_eq!(stored.body["claimant"], winner.body["claimant"]);
        assert_eq!(stored.body["version"], 2);
    }

    async fn concurrent_writes_never_see_a_locked_database(app: TestApp) {
        let article = app.article("Busy day", "Many edits at once.").await;
        let article_id = article["id"].as_str().unwrap().to_owned();
        let writes = (0..40).map(|i| {
            let app = &app;
            let article_id = article_id.clone();
            async move {
                if i % 2 == 0 {
                    app.post("/api/v1/claims", json!({"text": format!("claim {i}"), "article_id": article_id})).await.status
                } else {
                    app.post("/api/v1/articles", json!({"title": format!("a{i}"), "body": "b"})).await.status
                }
            }
        });
        let statuses = join_all(writes).await;
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        assert_eq!(app.count("claims").await, 20);
        assert_eq!(app.count("articles").await, 21);
    }
}
