use super::*;
use claimdesk::domain::role::Role;
use futures_util::future::join_all;
use sea_orm::ConnectionTrait;

const ARTICLE: &str = "The transport ministry said 1,200 new buses entered service in March. \
Commuters in Lisbon waited more than 40 minutes on average, according to a passenger survey.";

struct Desk {
    checker: String,
    editor: String,
    second_editor: String,
    reporter: String,
}

async fn desk(app: &TestApp) -> Desk {
    Desk {
        checker: app.user("checker@test.example", Role::Checker).await,
        editor: app.user("editor@test.example", Role::Editor).await,
        second_editor: app.user("editor2@test.example", Role::Editor).await,
        reporter: app.user("reporter@test.example", Role::Reporter).await,
    }
}

async fn first_claim(app: &TestApp) -> (String, String) {
    let created = app
        .post(
            "/api/v1/articles",
            json!({"title": "Buses", "body": ARTICLE, "url": "https://news.example.org/buses", "published_at": "2026-11-20T08:00:00Z"}),
        )
        .await;
    let claim = &created.expect(201)["claims"][0];
    (
        claim["id"].as_str().unwrap().to_owned(),
        format!("/api/v1/claims/{}", claim["id"].as_str().unwrap()),
    )
}

fn to(status: &str) -> serde_json::Value {
    json!({"to": status})
}

db_test! {
    async fn a_claim_through_its_whole_life(app: TestApp) {
        let d = desk(&app).await;
        let (_, path) = first_claim(&app).await;
        let transitions = format!("{path}/transitions");
        let (checker, editor, second) = (app.as_user(&d.checker), app.as_user(&d.editor), app.as_user(&d.second_editor));
        let checker_id = checker.get("/api/v1/me").await.body["id"].clone();

        let started = checker.post(&transitions, to("in_progress")).await;
        assert_eq!(started.expect(200)["status"], "in_progress");
        assert_eq!(started.body["assignee_id"], checker_id, "starting takes the claim");

        // A verdict needs evidence.
        let early = checker.post(&transitions, json!({"to": "in_review", "verdict": {"rating": "false", "summary": "No."}})).await;
        assert_eq!(early.problem(422)["errors"][0]["field"], "sources");

        let sources = format!("{path}/sources");
        let source = checker.post(&sources, json!({"url": "HTTPS://Stats.Example.GOV:443/fleet#table-2", "title": "Fleet report", "stance": "refutes"})).await;
        assert_eq!(source.expect(201)["normalized_url"], "https://stats.example.gov/fleet");
        checker.post(&sources, json!({"url": "https://stats.example.gov/fleet", "stance": "context"})).await.problem(409);
        checker.post(&sources, json!({"url": "javascript:alert(1)", "stance": "refutes"})).await.problem(422);
        checker.post(&sources, json!({"url": "https://ok.example", "stance": "maybe"})).await.problem(422);
        let second_source = checker.post(&sources, json!({"url": "https://press.example.org/buses", "stance": "supports"})).await.expect(201).clone();
        let source_path = format!("/api/v1/sources/{}", second_source["id"].as_str().unwrap());
        checker.patch(&source_path, json!({"stance": "context", "note": "Older figure"}), Some("\"1\"")).await.expect(200);
        checker.patch(&source_path, json!({"stance": "refutes"}), Some("\"1\"")).await.problem(412);
        assert_eq!(checker.delete(&source_path, Some("\"2\"")).await.status, 204);
        assert_eq!(checker.get(&sources).await.body["items"].as_array().unwrap().len(), 1);

        // The editor proposes the verdict, so the editor cannot approve it.
        let proposed = editor.post(&transitions, json!({"to": "in_review", "verdict": {"rating": "mostly_false", "summary": "The fleet grew by 800, not 1,200."}})).await;
        assert_eq!(proposed.expect(200)["status"], "in_review");
        assert_eq!(proposed.body["verdict"]["rating"], "mostly_false");
        assert_eq!(proposed.body["verdict"]["approved_by"], json!(null));
        let own = editor.post(&transitions, to("verified")).await;
        assert!(own.problem(403)["detail"].as_str().unwrap().contains("second editor"));
        checker.post(&transitions, to("verified")).await.problem(403);
        app.get(&format!("{path}/claimreview")).await.problem(409);

        let etag = second.get(&path).await.header("etag").unwrap().to_owned();
        let approval = second.request(reqwest::Method::POST, &transitions).header("if-match", &etag).json(&to("verified"));
        assert_eq!(app.send(approval).await.expect(200)["status"], "verified");
        let verified = second.get(&path).await;
        assert!(verified.body["verdict"]["approved_at"].is_string());
        assert_ne!(verified.header("etag").unwrap(), etag);

        let review = app.send(app.as_user(&d.reporter).request(reqwest::Method::GET, &format!("{path}/claimreview"))).await;
        assert_eq!(review.expect(200)["@type"], "ClaimReview");
        assert_eq!(review.header("content-type"), Some("application/ld+json"));
        let r = &review.body;
        assert_eq!(r["@context"], "https://schema.org");
        assert_eq!(r["claimReviewed"], verified.body["text"]);
        assert_eq!(r["reviewRating"]["ratingValue"], 2);
        assert_eq!(r["reviewRating"]["bestRating"], 5);
        assert_eq!(r["reviewRating"]["worstRating"], 1);
        assert_eq!(r["reviewRating"]["alternateName"], "Mostly false");
        assert_eq!(r["itemReviewed"]["@type"], "Claim");
        assert_eq!(r["itemReviewed"]["author"]["name"], "The transport ministry");
        assert_eq!(r["itemReviewed"]["appearance"]["url"], "https://news.example.org/buses");
        assert_eq!(r["itemReviewed"]["datePublished"], "2026-11-20T08:00:00Z");
        assert!(r["url"].as_str().unwrap().ends_with(verified.body["id"].as_str().unwrap()));
        assert!(r["author"]["name"].is_string() && r["datePublished"].is_string());

        // Reopening needs a note; the old verdict stays in history.
        editor.post(&transitions, to("in_progress")).await.problem(422);
        let reopened = editor.post(&transitions, json!({"to": "in_progress", "note": "New ministry data"})).await;
        assert_eq!(reopened.expect(200)["verdict"], json!(null));
        app.get(&format!("{path}/claimreview")).await.problem(409);
        let stale = reopened.header("etag").unwrap().replace('"', "");
        let stale_tag = format!("\"{}\"", stale.parse::<i64>().unwrap() - 1);
        app.send(checker.request(reqwest::Method::POST, &transitions).header("if-match", stale_tag).json(&json!({"to": "unverified"}))).await.problem(412);

        checker.post(&transitions, json!({"to": "in_review", "verdict": {"rating": "false", "summary": "Revised: 600 buses."}})).await.expect(200);
        let approved = app.send(second.request(reqwest::Method::POST, &transitions).header("if-match", second.get(&path).await.header("etag").unwrap()).json(&to("verified"))).await;
        assert_eq!(approved.expect(200)["verdict"]["rating"], "false");
        assert_eq!(app.get(&format!("{path}/claimreview")).await.body["reviewRating"]["ratingValue"], 1);

        let history = app.get(&format!("{path}/history")).await;
        let kinds: Vec<String> = history.expect(200)["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect();
        assert_eq!(
            kinds,
            ["created", "transitioned", "source_added", "source_added", "source_changed", "source_removed", "transitioned", "transitioned", "transitioned", "transitioned", "transitioned"]
        );
        let events = history.body["items"].as_array().unwrap();
        let moves: Vec<(String, String)> = events
            .iter()
            .filter(|e| e["kind"] == "transitioned")
            .map(|e| (e["data"]["from"].as_str().unwrap().to_owned(), e["data"]["to"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [("unverified", "in_progress"), ("in_progress", "in_review"), ("in_review", "verified"), ("verified", "in_progress"), ("in_progress", "in_review"), ("in_review", "verified")];
        assert_eq!(moves, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
        assert_eq!(events[8]["data"]["note"], "New ministry data");
        assert_eq!(events[6]["data"]["verdict"]["rating"], "mostly_false", "the first verdict is kept in history");
        assert!(events.iter().all(|e| e["actor_id"].is_string()));
    }

    async fn refusals_name_what_is_possible(app: TestApp) {
        let d = desk(&app).await;
        let (_, path) = first_claim(&app).await;
        let transitions = format!("{path}/transitions");
        let checker = app.as_user(&d.checker);
        let wrong = checker.post(&transitions, to("verified")).await;
        let detail = wrong.problem(409)["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("unverified") && detail.contains("in_progress, dismissed"), "{detail}");
        app.as_user(&d.reporter).post(&transitions, to("in_progress")).await.problem(403);
        checker.post(&transitions, to("dismissed")).await.problem(422);
        assert_eq!(checker.post(&transitions, json!({"to": "dismissed", "note": "Not checkable"})).await.expect(200)["status"], "dismissed");
        checker.post(&transitions, json!({"to": "unverified", "note": "Back"})).await.problem(403);
        assert_eq!(app.as_user(&d.editor).post(&transitions, json!({"to": "unverified", "note": "Worth a look"})).await.expect(200)["status"], "unverified");
        checker.post(&transitions, json!({"to": "flying"})).await.problem(422);
        checker.post(&transitions, json!({"to": "in_progress", "status": "x"})).await.problem(422);
        checker.post(&transitions, json!({"to": "in_review", "verdict": {"rating": "pants_on_fire", "summary": "x"}})).await.problem(422);
        checker.post("/api/v1/claims/00000000-0000-7000-8000-000000000000/transitions", to("in_progress")).await.problem(404);
        // Someone else's claim in progress: only its assignee or an editor may move it.
        checker.post(&transitions, to("in_progress")).await.expect(200);
        let other = app.user("checker2@test.example", Role::Checker).await;
        app.as_user(&other).post(&transitions, to("unverified")).await.problem(403);
        assert_eq!(checker.post(&transitions, to("unverified")).await.expect(200)["assignee_id"], json!(null));
    }

    async fn racing_starts_let_one_checker_win(app: TestApp) {
        let (_, path) = first_claim(&app).await;
        let mut tokens = Vec::new();
        for i in 0..4 {
            tokens.push(app.user(&format!("racer{i}@test.example"), Role::Checker).await);
        }
        let transitions = format!("{path}/transitions");
        let attempts = tokens.iter().map(|t| {
            let caller = app.as_user(t);
            let transitions = transitions.clone();
            async move { caller.post(&transitions, to("in_progress")).await.status }
        });
        let statuses = join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| [200, 409, 412].contains(s)), "{statuses:?}");
        let history = app.get(&format!("{path}/history")).await;
        let moves = history.body["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "transitioned").count();
        assert_eq!(moves, 1);
    }

    async fn assignment_and_queues(app: TestApp) {
        let d = desk(&app).await;
        let (_, path) = first_claim(&app).await;
        let checker = app.as_user(&d.checker);
        let checker_id = checker.get("/api/v1/me").await.body["id"].clone();
        let reporter_id = app.as_user(&d.reporter).get("/api/v1/me").await.body["id"].clone();
        let second_checker = app.user("other-checker@test.example", Role::Checker).await;
        let second_id = app.as_user(&second_checker).get("/api/v1/me").await.body["id"].clone();

        app.as_user(&d.reporter).patch(&path, json!({"assignee_id": reporter_id}), None).await.problem(403);
        checker.patch(&path, json!({"assignee_id": second_id}), None).await.problem(403);
        assert_eq!(checker.patch(&path, json!({"assignee_id": checker_id}), None).await.expect(200)["assignee_id"], checker_id);
        let mine = checker.get("/api/v1/claims?assignee=me").await;
        assert_eq!(mine.expect(200)["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.get("/api/v1/claims?assignee=me").await.body["items"], json!([]));
        app.get("/api/v1/claims?assignee=someone").await.problem(422);
        let editor = app.as_user(&d.editor);
        editor.patch(&path, json!({"assignee_id": reporter_id}), None).await.problem(422);
        editor.patch(&path, json!({"assignee_id": "00000000-0000-7000-8000-000000000000"}), None).await.problem(422);
        assert_eq!(editor.patch(&path, json!({"assignee_id": second_id}), None).await.expect(200)["assignee_id"], second_id);
        checker.patch(&path, json!({"assignee_id": null}), None).await.problem(403);
        assert_eq!(app.as_user(&second_checker).patch(&path, json!({"assignee_id": null}), None).await.expect(200)["assignee_id"], json!(null));
        let history = app.get(&format!("{path}/history")).await;
        let assigned = history.body["items"].as_array().unwrap().iter().filter(|e| e["kind"] == "assigned").count();
        assert_eq!(assigned, 3);

        // Sorting by last change puts the edited claim first.
        let all = app.get("/api/v1/claims?sort=updated_at").await;
        assert_eq!(all.expect(200)["items"][0]["id"], app.get(&path).await.body["id"]);
        app.get("/api/v1/claims?sort=title").await.problem(400);
        assert_eq!(app.get("/api/v1/claims?rating=false").await.expect(200)["items"], json!([]));
        app.get("/api/v1/claims?rating=wrong").await.problem(400);
    }

    async fn comments_and_edits_are_recorded(app: TestApp) {
        let d = desk(&app).await;
        let (_, path) = first_claim(&app).await;
        let reporter = app.as_user(&d.reporter);
        let comment = reporter.post(&format!("{path}/comments"), json!({"body": "The ministry revised this in April."})).await;
        comment.expect(201);
        let comment_path = comment.header("location").unwrap().to_owned();
        reporter.post(&format!("{path}/comments"), json!({"body": "  "})).await.problem(422);
        app.as_user(&d.editor).patch(&comment_path, json!({"body": "Not mine"}), None).await.problem(403);
        reporter.patch(&comment_path, json!({"body": "Revised in May."}), Some("\"7\"")).await.problem(412);
        assert_eq!(reporter.patch(&comment_path, json!({"body": "Revised in May."}), Some("\"1\"")).await.expect(200)["body"], "Revised in May.");
        assert_eq!(app.get(&format!("{path}/comments")).await.body["items"][0]["body"], "Revised in May.");
        reporter.patch(&path, json!({"claimant": "the ministry"}), None).await.expect(200);

        let history = app.get(&format!("{path}/history?limit=2")).await;
        assert_eq!(history.expect(200)["items"].as_array().unwrap().len(), 2);
        let rest = app.get(&format!("{path}/history?limit=10&cursor={}", history.body["next_cursor"].as_str().unwrap())).await;
        let kinds: Vec<&str> = history.body["items"].as_array().unwrap().iter().chain(rest.body["items"].as_array().unwrap()).map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["created", "comment_added", "comment_edited", "edited"]);
        let edited = &rest.body["items"][1];
        assert_eq!(edited["data"]["fields"][0]["name"], "claimant");
        assert_eq!(edited["data"]["fields"][0]["new"], "the ministry");
        assert_eq!(rest.body["items"][0]["data"]["old"], "The ministry revised this in April.");
        app.get("/api/v1/claims/00000000-0000-7000-8000-000000000000/history").await.problem(404);
    }

    async fn archive_edits_reanchor_with_a_system_event(app: TestApp) {
        let (_, path) = first_claim(&app).await;
        let article_id = app.get(&path).await.body["article_id"].as_str().unwrap().to_owned();
        app.patch(&format!("/api/v1/articles/{article_id}"), json!({"body": format!("Update: {ARTICLE}")}), None).await.expect(200);
        let history = app.get(&format!("{path}/history")).await;
        let last = history.body["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["kind"], "edited");
        assert_eq!(last["actor_id"], json!(null));
        let start = last["data"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == "start").unwrap();
        assert_eq!(start["new"], 8);
        assert_eq!(last["data"]["reason"], "the article body changed");
    }
}

db_test! {
    async fn history_cannot_be_rewritten_even_in_sql(app: TestApp) {
        let (_, path) = first_claim(&app).await;
        assert_eq!(app.get(&format!("{path}/history")).await.body["items"].as_array().unwrap().len(), 1);
        let before = app.count("claim_events").await;
        let backend = app.db.get_database_backend();
        for sql in ["UPDATE claim_events SET kind = 'deleted'", "DELETE FROM claim_events"] {
            let result = app.db.execute_raw(sea_orm::Statement::from_string(backend, sql)).await;
            let err = result.expect_err(sql).to_string();
            assert!(err.contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(app.count("claim_events").await, before);
    }
}
