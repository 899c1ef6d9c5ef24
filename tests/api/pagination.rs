use super::*;
use std::collections::HashSet;

async fn walk(app: &TestApp, first: &str, between_pages: impl AsyncFn(usize)) -> Vec<String> {
    let mut seen = Vec::new();
    let mut url = first.to_owned();
    for page in 0.. {
        let resp = app.get(&url).await;
        let items = resp.expect(200)["items"].as_array().unwrap().clone();
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match resp.body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(!items.is_empty(), "a page with a cursor must have items");
                between_pages(page).await;
                let sep = if first.contains('?') { '&' } else { '?' };
                url = format!("{first}{sep}cursor={cursor}");
            }
            None => break,
        }
    }
    seen
}

db_test! {
    async fn articles_pages_are_stable_under_inserts(app: TestApp) {
        let mut original = Vec::new();
        for i in 0..7 {
            original.push(app.article(&format!("Article {i}"), "Body with 3 numbers.").await["id"].as_str().unwrap().to_owned());
        }
        let seen = walk(&app, "/api/v1/articles?limit=3", async |page| {
            app.article(&format!("Inserted after page {page}"), "Late news.").await;
        })
        .await;
        // Newest first, every original exactly once, nothing inserted later shows up behind the cursor.
        let expected: Vec<String> = original.iter().rev().cloned().collect();
        assert_eq!(seen, expected);
        let full = walk(&app, "/api/v1/articles?limit=200", async |_| {}).await;
        assert_eq!(full.len(), 9);
        assert_eq!(full.iter().collect::<HashSet<_>>().len(), 9);
    }

    async fn claims_pages_respect_filters(app: TestApp) {
        let a = app.article("A", "Alpha.").await;
        let a_id = a["id"].as_str().unwrap().to_owned();
        let mut mine = Vec::new();
        for i in 0..5 {
            mine.push(app.post("/api/v1/claims", json!({"text": format!("claim {i}"), "article_id": a_id})).await.expect(201)["id"].as_str().unwrap().to_owned());
            app.post("/api/v1/claims", json!({"text": format!("other {i}")})).await.expect(201);
        }
        let seen = walk(&app, &format!("/api/v1/claims?article_id={a_id}&limit=2"), async |_| {
            app.post("/api/v1/claims", json!({"text": "late", "article_id": a_id})).await.expect(201);
        })
        .await;
        mine.reverse();
        assert_eq!(seen, mine);
    }

    async fn exact_page_boundary_has_no_empty_page(app: TestApp) {
        for i in 0..4 {
            app.article(&format!("A{i}"), "x").await;
        }
        let first = app.get("/api/v1/articles?limit=4").await;
        assert_eq!(first.expect(200)["items"].as_array().unwrap().len(), 4);
        assert_eq!(first.body["next_cursor"], json!(null));
        let two = app.get("/api/v1/articles?limit=2").await;
        let cursor = two.body["next_cursor"].as_str().unwrap().to_owned();
        let last = app.get(&format!("/api/v1/articles?limit=2&cursor={cursor}")).await;
        assert_eq!(last.expect(200)["items"].as_array().unwrap().len(), 2);
        assert_eq!(last.body["next_cursor"], json!(null));
    }

    async fn bad_paging_parameters(app: TestApp) {
        for (query, status) in [
            ("limit=0", 422),
            ("limit=201", 422),
            ("limit=-1", 422),
            ("limit=abc", 400),
            ("limit=99999999999999999999", 400),
            ("cursor=garbage", 422),
            ("cursor=", 422),
            ("offset=10", 400),
        ] {
            for resource in ["articles", "claims"] {
                let r = app.get(&format!("/api/v1/{resource}?{query}")).await;
                r.problem(status);
            }
        }
        let both = app.get("/api/v1/articles?limit=0&cursor=zz").await;
        assert_eq!(both.error_fields(), ["limit", "cursor"]);
        assert_eq!(app.get("/api/v1/articles?limit=200").await.status, 200);
        assert_eq!(app.get("/api/v1/articles?limit=1").await.status, 200);
    }
}
