use super::*;

const BODY: &str = "Ministers said 40,000 homes were built in 2025. Café owners 🍰 reported 3 closures.";

fn offsets(body: &str, text: &str) -> (usize, usize) {
    let byte = body.find(text).unwrap();
    let start = body[..byte].chars().count();
    (start, start + text.chars().count())
}

db_test! {
    async fn an_edit_replaces_the_quantities_a_claim_is_shown_with(app: TestApp) {
        let created = app.post("/api/v1/claims", json!({"text": "Exports rose 4% in March"})).await.expect(201).clone();
        let path = format!("/api/v1/claims/{}", created["id"].as_str().unwrap());
        assert_eq!(created["quantities"][0]["value"], json!(4.0));
        app.patch(&path, json!({"text": "Exports rose 9% in March and 12% in April"}), Some("\"1\"")).await.expect(200);
        let shown = app.get(&path).await.expect(200).clone();
        let values: Vec<f64> = shown["quantities"].as_array().unwrap().iter().map(|q| q["value"].as_f64().unwrap()).collect();
        assert_eq!(values, vec![9.0, 12.0], "{shown}");
        assert_eq!(app.get("/api/v1/claims").await.expect(200)["items"][0]["quantities"], shown["quantities"]);
    }

    async fn quantities_read_the_same_from_rows_written_before_they_were_kept_as_json(app: TestApp) {
        let article = app
            .post("/api/v1/articles", json!({"title": "Budget", "body": "The council said it would spend 4.5 million euros on 12 new bridges by 2028."}))
            .await
            .expect(201)
            .clone();
        let id = article["claims"][0]["id"].as_str().unwrap().to_owned();
        let before = app.get(&format!("/api/v1/claims/{id}")).await.expect(200).clone();
        assert!(before["quantities"].as_array().unwrap().len() >= 2, "{before}");
        let listed = app.get("/api/v1/claims").await.expect(200)["items"][0].clone();
        // A row as migrated from before the column, or restored from an
        // older dump: no JSON on it, only `claim_quantities`.
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared("UPDATE claims SET quantities_json = NULL").await.unwrap();
        assert_eq!(app.get(&format!("/api/v1/claims/{id}")).await.expect(200), &before);
        assert_eq!(app.get("/api/v1/claims").await.expect(200)["items"][0], listed);
        assert_eq!(listed["quantities"], before["quantities"]);
    }

    // A link stored by another program (a replica of the previous release
    // during an upgrade, say) is shown all the same: the database's trigger
    // marks the claim as linked (`claims.extras`), not this release's code.
    async fn a_link_stored_without_this_release_is_shown(app: TestApp) {
        use claimdesk::db::entities::claim_links;
        use sea_orm::{ActiveModelTrait, Set};
        let a = app.post("/api/v1/claims", json!({"text": "The ferry carried 2 million people in 2025"})).await.expect(201)["id"].as_str().unwrap().to_owned();
        let b = app.post("/api/v1/claims", json!({"text": "Two million passengers took the ferry in 2025"})).await.expect(201)["id"].as_str().unwrap().to_owned();
        let me = app.get("/api/v1/me").await.expect(200)["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/claims/{a}");
        assert_eq!(app.get(&path).await.expect(200)["links"], json!([]));
        let uuid = |s: &str| uuid::Uuid::parse_str(s).unwrap();
        let (low, high) = if uuid(&a) < uuid(&b) { (&a, &b) } else { (&b, &a) };
        claim_links::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            claim_id: Set(uuid(low)),
            other_id: Set(uuid(high)),
            relation: Set("same_as".into()),
            created_by: Set(uuid(&me)),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(&app.db)
        .await
        .unwrap();
        for (id, other) in [(&a, &b), (&b, &a)] {
            let shown = app.get(&format!("/api/v1/claims/{id}")).await.expect(200).clone();
            assert_eq!(shown["links"][0]["claim_id"], json!(other), "{shown}");
        }
    }

    async fn standalone_claim_lifecycle(app: TestApp) {
        let created = app
            .post("/api/v1/claims", json!({"text": "Unemployment fell to 3.9% last quarter", "claimant": "the minister"}))
            .await;
        let claim = created.expect(201).clone();
        let id = claim["id"].as_str().unwrap();
        assert_eq!(created.header("location"), Some(format!("/api/v1/claims/{id}").as_str()));
        assert_eq!(claim["status"], "unverified");
        assert_eq!(claim["article_id"], json!(null));
        assert_eq!(claim["anchored"], false);
        assert_eq!(claim["start"], json!(null));
        assert_eq!(claim["version"], 1);

        let path = format!("/api/v1/claims/{id}");
        let read = app.get(&path).await;
        let mut detail = read.expect(200).clone();
        let detail = detail.as_object_mut().unwrap();
        assert_eq!(detail.remove("links"), Some(json!([])), "the detail adds links");
        assert_eq!(detail.remove("group"), Some(json!(null)), "and the same_as group");
        assert_eq!(&json!(detail), &claim);
        assert_eq!(claim["similar_verified"], json!(null));
        assert_eq!(read.header("etag"), Some("\"1\""));

        let edited = app.patch(&path, json!({"claimant": null, "text": "Unemployment fell to 3.8%"}), Some("\"1\"")).await;
        assert_eq!(edited.expect(200)["claimant"], json!(null));
        assert_eq!(edited.body["text"], "Unemployment fell to 3.8%");
        assert_eq!(edited.body["version"], 2);
        app.patch(&path, json!({"text": "again"}), Some("\"1\"")).await.problem(412);
        app.patch(&path, json!({"status": "verified"}), None).await.problem(422);
        app.patch(&path, json!({"text": null}), None).await.problem(422);
        app.patch(&path, json!({"start": 0, "end": 3}), None).await.problem(422);

        app.delete(&path, Some("\"1\"")).await.problem(412);
        assert_eq!(app.delete(&path, Some("\"2\"")).await.status, 204);
        app.get(&path).await.problem(404);
        assert_eq!(app.get("/api/v1/claims").await.body["items"], json!([]));
    }

    async fn offsets_must_select_the_text(app: TestApp) {
        let article = app.article("Housing", BODY).await;
        let article_id = article["id"].as_str().unwrap();
        let (start, end) = offsets(BODY, "3 closures");
        let good = app
            .post("/api/v1/claims", json!({"text": "3 closures", "article_id": article_id, "start": start, "end": end}))
            .await;
        assert_eq!(good.expect(201)["start"], start);
        assert_eq!(good.body["end"], end);
        assert_eq!(good.body["anchored"], true);
        // Byte offsets (what a careless client might send) are wrong past the emoji and "é".
        let byte = BODY.find("3 closures").unwrap();
        let bytes = app
            .post("/api/v1/claims", json!({"text": "3 closures", "article_id": article_id, "start": byte, "end": byte + 10}))
            .await;
        bytes.problem(422);
        assert_eq!(bytes.error_fields(), ["start"]);
        for (s, e) in [(-1, 5), (5, 5), (10, 2), (0, 10_000)] {
            let r = app.post("/api/v1/claims", json!({"text": "40,000 homes", "article_id": article_id, "start": s, "end": e})).await;
            r.problem(422);
        }
        let half = app.post("/api/v1/claims", json!({"text": "40,000 homes", "article_id": article_id, "start": 15})).await;
        assert_eq!(half.problem(422)["errors"][0]["field"], "end");
        let no_article = app.post("/api/v1/claims", json!({"text": "40,000 homes", "start": 15, "end": 27})).await;
        no_article.problem(422);
        let unknown = app
            .post("/api/v1/claims", json!({"text": "x", "article_id": "00000000-0000-7000-8000-000000000000"}))
            .await;
        assert_eq!(unknown.problem(422)["errors"][0]["field"], "article_id");
        app.post("/api/v1/claims", json!({"text": "", "article_id": article_id})).await.problem(422);
        app.post("/api/v1/claims", json!({"text": "x".repeat(2001)})).await.problem(422);
        app.post("/api/v1/claims", json!({"text": "x", "article_id": "not-a-uuid"})).await.problem(422);
        assert_eq!(app.count("claims").await, 1, "failed requests wrote nothing");
    }

    async fn text_is_located_when_offsets_are_left_out(app: TestApp) {
        let article = app.article("Housing", BODY).await;
        let article_id = article["id"].as_str().unwrap();
        let located = app.post("/api/v1/claims", json!({"text": "Café owners", "article_id": article_id})).await;
        let (start, end) = offsets(BODY, "Café owners");
        assert_eq!(located.expect(201)["start"], start);
        assert_eq!(located.body["end"], end);
        let elsewhere = app.post("/api/v1/claims", json!({"text": "Not in the article", "article_id": article_id})).await;
        assert_eq!(elsewhere.expect(201)["anchored"], false);
    }

    async fn editing_the_body_reanchors_claims(app: TestApp) {
        let article = app.article("Housing", BODY).await;
        let id = article["id"].as_str().unwrap();
        let moving = app.post("/api/v1/claims", json!({"text": "3 closures", "article_id": id})).await.expect(201).clone();
        let vanishing = app.post("/api/v1/claims", json!({"text": "40,000 homes", "article_id": id})).await.expect(201).clone();

        let new_body = format!("UPDATE: figures revised. {}", BODY.replace("40,000 homes", "38,500 homes"));
        app.patch(&format!("/api/v1/articles/{id}"), json!({"body": new_body}), None).await.expect(200);

        let moved = app.get(&format!("/api/v1/claims/{}", moving["id"].as_str().unwrap())).await;
        let (start, end) = offsets(&new_body, "3 closures");
        assert_eq!(moved.expect(200)["start"], start);
        assert_eq!(moved.body["end"], end);
        assert_eq!(moved.body["version"], 2);

        let gone = app.get(&format!("/api/v1/claims/{}", vanishing["id"].as_str().unwrap())).await;
        assert_eq!(gone.expect(200)["anchored"], false);
        assert_eq!(gone.body["start"], json!(null));
        assert_eq!(gone.body["text"], "40,000 homes", "the claim keeps its text");
    }

    async fn archiving_an_article_keeps_its_claims(app: TestApp) {
        let article = app.article("Housing", BODY).await;
        let id = article["id"].as_str().unwrap();
        let claim = app.post("/api/v1/claims", json!({"text": "40,000 homes", "article_id": id})).await.expect(201).clone();
        assert_eq!(app.delete(&format!("/api/v1/articles/{id}"), None).await.status, 204);

        let kept = app.get(&format!("/api/v1/claims/{}", claim["id"].as_str().unwrap())).await;
        assert_eq!(kept.expect(200)["article_id"], id);
        assert_eq!(kept.body["anchored"], true);
        let listed = app.get(&format!("/api/v1/claims?article_id={id}")).await;
        assert_eq!(listed.expect(200)["items"].as_array().unwrap().len(), 1);
        // The claim can still be edited against the archived text...
        let path = format!("/api/v1/claims/{}", claim["id"].as_str().unwrap());
        app.patch(&path, json!({"claimant": "ministers"}), None).await.expect(200);
        // ...but no new claim can be filed under an archived article.
        app.post("/api/v1/claims", json!({"text": "3 closures", "article_id": id})).await.problem(422);
    }

    async fn list_filters(app: TestApp) {
        let a = app.article("A", BODY).await;
        let b = app.article("B", "Turnout reached 61.2% of 100_000 voters.").await;
        let a_id = a["id"].as_str().unwrap();
        let b_id = b["id"].as_str().unwrap();
        app.post("/api/v1/claims", json!({"text": "40,000 homes", "article_id": a_id})).await.expect(201);
        app.post("/api/v1/claims", json!({"text": "Café owners 🍰 reported 3 closures", "article_id": a_id})).await.expect(201);
        app.post("/api/v1/claims", json!({"text": "61.2% of 100_000 voters", "article_id": b_id})).await.expect(201);

        let texts = |r: &support::Resp| -> Vec<String> {
            r.body["items"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(texts(&app.get(&format!("/api/v1/claims?article_id={b_id}")).await), ["61.2% of 100_000 voters"]);
        assert_eq!(texts(&app.get("/api/v1/claims?q=HOMES").await), ["40,000 homes"]);
        assert_eq!(texts(&app.get("/api/v1/claims?q=%25%20voters").await), ["61.2% of 100_000 voters"], "punctuation is not a word");
        assert_eq!(texts(&app.get("/api/v1/claims?q=closure").await), ["Café owners 🍰 reported 3 closures"], "word forms match");
        assert!(texts(&app.get("/api/v1/claims?q=homes%20voters").await).is_empty(), "every word must match");
        assert_eq!(texts(&app.get(&format!("/api/v1/claims?article_id={a_id}&q=caf%C3%A9")).await).len(), 1);
        assert!(texts(&app.get(&format!("/api/v1/claims?article_id={b_id}&q=homes")).await).is_empty());
        assert_eq!(texts(&app.get("/api/v1/claims?status=unverified").await).len(), 3);
        assert!(texts(&app.get("/api/v1/claims?status=verified").await).is_empty());
        app.get("/api/v1/claims?status=done").await.problem(400);
        app.get("/api/v1/claims?article_id=nope").await.problem(400);
        app.get("/api/v1/claims?stauts=verified").await.problem(400);
        app.get(&format!("/api/v1/claims?q={}", "x ".repeat(251))).await.problem(422);
        app.get("/api/v1/claims?q=%00").await.problem(422);
        app.get("/api/v1/claims?q=!!!").await.problem(422);
        // Newest first.
        let all = texts(&app.get("/api/v1/claims").await);
        assert_eq!(all[0], "61.2% of 100_000 voters");
    }
}
