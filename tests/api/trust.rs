//! The verification record holds: what a verdict was judged on cannot be
//! rewritten behind the desk's back, the published ClaimReview is a stable,
//! script-safe snapshot, and credentials stop working when they should.

use super::*;
use claimdesk::domain::role::Role;
use futures_util::future::join_all;
use support::{PASSWORD, Resp};

const ARTICLE: &str = "The harbour authority said 2,400 containers were stranded at the port in May. \
Dock workers in Valletta said they waited more than 36 hours for cranes to be repaired.";

struct Desk {
    reporter: String,
    checker: String,
    editor: String,
}

async fn desk(app: &TestApp) -> Desk {
    Desk {
        reporter: app.user("reporter@test.example", Role::Reporter).await,
        checker: app.user("checker@test.example", Role::Checker).await,
        editor: app.user("editor@test.example", Role::Editor).await,
    }
}

struct Verified {
    article: String,
    claim: String,
    source: String,
}

/// An article with a claim that a checker researched and proposed and an
/// editor approved: `verified`, with one source.
async fn verified_claim(app: &TestApp, d: &Desk, claimant: Option<&str>) -> Verified {
    let created = app
        .post(
            "/api/v1/articles",
            json!({"title": "Port delays", "body": ARTICLE, "url": "https://news.example.org/port",
                   "published_at": "2026-11-20T08:00:00Z"}),
        )
        .await;
    let article = format!("/api/v1/articles/{}", created.expect(201)["id"].as_str().unwrap());
    let claim = format!(
        "/api/v1/claims/{}",
        created.body["claims"][0]["id"].as_str().unwrap()
    );
    let checker = app.as_user(&d.checker);
    if let Some(claimant) = claimant {
        checker
            .patch(&claim, json!({"claimant": claimant}), None)
            .await
            .expect(200);
    }
    let transitions = format!("{claim}/transitions");
    checker
        .post(&transitions, json!({"to": "in_progress"}))
        .await
        .expect(200);
    let source = checker
        .post(
            &format!("{claim}/sources"),
            json!({"url": "https://stats.example.gov/port-may", "title": "Port statistics", "stance": "refutes"}),
        )
        .await;
    let source = format!("/api/v1/sources/{}", source.expect(201)["id"].as_str().unwrap());
    checker
        .post(
            &transitions,
            json!({"to": "in_review", "verdict": {"rating": "false", "summary": "The port logged 900 stranded containers."}}),
        )
        .await
        .expect(200);
    let approved = app
        .as_user(&d.editor)
        .post(&transitions, json!({"to": "verified"}))
        .await;
    assert_eq!(approved.expect(200)["status"], "verified");
    Verified {
        article,
        claim,
        source,
    }
}

/// The raw bytes of a response, with its status and content type.
async fn raw(app: &TestApp, token: &str, path: &str) -> (u16, String, String) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn history_kinds(app: &TestApp, claim: &str) -> Vec<String> {
    app.get(&format!("{claim}/history?limit=100")).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn frozen(r: &Resp) {
    let detail = r.problem(409)["detail"].as_str().unwrap();
    assert!(
        detail.contains("verified") || detail.contains("review"),
        "the answer names the status: {detail}"
    );
}

db_test! {
    async fn a_reporter_cannot_rewrite_a_verified_claim(app: TestApp) {
        let d = desk(&app).await;
        let v = verified_claim(&app, &d, None).await;
        let review_path = format!("{}/claimreview", v.claim);
        let (status, content_type, before) = raw(&app, &d.reporter, &review_path).await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "application/ld+json");
        let review: serde_json::Value = serde_json::from_str(&before).unwrap();
        assert_eq!(review["citation"][0]["url"], "https://stats.example.gov/port-may");
        assert_eq!(review["itemReviewed"]["appearance"]["url"], "https://news.example.org/port");
        let claim_before = app.get(&v.claim).await.body.clone();
        let article_before = app.get(&v.article).await.body.clone();

        // The rewrite sequence from the report, every step refused.
        let reporter = app.as_user(&d.reporter);
        frozen(&reporter.patch(&v.claim, json!({"text": "The mayor said"}), None).await);
        frozen(&reporter.patch(&v.claim, json!({"claimant": "The mayor"}), None).await);
        frozen(&reporter.patch(&v.article, json!({"url": "https://elsewhere.example/"}), None).await);
        frozen(&reporter.patch(&v.article, json!({"title": "Another story"}), None).await);
        frozen(&reporter.patch(&v.article, json!({"published_at": "2020-01-01T00:00:00Z"}), None).await);
        let moved = reporter
            .patch(&v.article, json!({"body": format!("An added first sentence. {ARTICLE}")}), None)
            .await;
        frozen(&moved);
        assert!(moved.body["detail"].as_str().unwrap().contains(v.claim.rsplit('/').next().unwrap()), "the frozen claim is named");
        let removed = reporter.patch(&v.article, json!({"body": "Nothing is left of it."}), None).await;
        frozen(&removed);
        frozen(&reporter.delete(&v.source, None).await);
        frozen(&reporter.patch(&v.source, json!({"stance": "supports"}), None).await);
        frozen(&reporter.post(&format!("{}/sources", v.claim), json!({"url": "https://other.example/x", "stance": "supports"})).await);
        // Even an editor goes through the workflow.
        frozen(&app.as_user(&d.editor).patch(&v.claim, json!({"text": "The harbour authority said"}), None).await);

        let (_, _, after) = raw(&app, &d.reporter, &review_path).await;
        assert_eq!(after, before, "the published ClaimReview is unchanged, byte for byte");
        assert_eq!(app.get(&v.claim).await.body, claim_before);
        assert_eq!(app.get(&v.article).await.body, article_before);
        assert_eq!(app.get(&format!("{}/sources", v.claim)).await.body["items"].as_array().unwrap().len(), 1);

        // Discussion and links stay open, and an edit that leaves the
        // claim's text where it was is allowed and recorded on the claim.
        reporter.post(&format!("{}/comments", v.claim), json!({"body": "Readers ask about June."})).await.expect(201);
        let kept = reporter.patch(&v.article, json!({"body": format!("{ARTICLE} Cranes were back in service by June."), "outlet": "Harbour Daily"}), None).await;
        kept.expect(200);
        let kinds = history_kinds(&app, &v.claim).await;
        assert_eq!(kinds.last().map(String::as_str), Some("article_edited"));
        let (_, _, still) = raw(&app, &d.reporter, &review_path).await;
        assert_eq!(still, before);

        // The way out: an editor reopens it; then it can change, and a new
        // approval publishes a new snapshot.
        let transitions = format!("{}/transitions", v.claim);
        app.as_user(&d.editor).post(&transitions, json!({"to": "in_progress", "note": "The port revised its figures."})).await.expect(200);
        app.get(&review_path).await.problem(409);
        app.as_user(&d.checker).patch(&v.claim, json!({"claimant": "The harbour authority"}), None).await.expect(200);
        app.as_user(&d.checker).post(&transitions, json!({"to": "in_review", "verdict": {"rating": "mostly_false", "summary": "Revised: 1,100."}})).await.expect(200);
        app.as_user(&d.editor).post(&transitions, json!({"to": "verified"})).await.expect(200);
        let (_, _, republished) = raw(&app, &d.reporter, &review_path).await;
        assert_ne!(republished, before);
        let review: serde_json::Value = serde_json::from_str(&republished).unwrap();
        assert_eq!(review["reviewRating"]["alternateName"], "Mostly false");
        assert_eq!(review["itemReviewed"]["author"]["name"], "The harbour authority");
    }

    async fn a_claim_under_review_is_frozen_too(app: TestApp) {
        let d = desk(&app).await;
        let created = app.post("/api/v1/articles", json!({"title": "Port", "body": ARTICLE})).await;
        let claim = format!("/api/v1/claims/{}", created.expect(201)["claims"][0]["id"].as_str().unwrap());
        let checker = app.as_user(&d.checker);
        checker.post(&format!("{claim}/transitions"), json!({"to": "in_progress"})).await.expect(200);
        checker.post(&format!("{claim}/sources"), json!({"url": "https://stats.example.gov/a", "stance": "refutes"})).await.expect(201);
        checker.post(&format!("{claim}/transitions"), json!({"to": "in_review", "verdict": {"rating": "false", "summary": "No."}})).await.expect(200);
        let refused = app.as_user(&d.reporter).patch(&claim, json!({"text": "The harbour authority said"}), None).await;
        assert!(refused.problem(409)["detail"].as_str().unwrap().contains("in_review"));
        // Assignment is not part of the record and stays open to editors.
        let editor_id = app.as_user(&d.editor).get("/api/v1/me").await.body["id"].clone();
        app.as_user(&d.editor).patch(&claim, json!({"assignee_id": editor_id}), None).await.expect(200);
        // Sent back, it can change again.
        app.as_user(&d.editor).post(&format!("{claim}/transitions"), json!({"to": "in_progress", "note": "More sources."})).await.expect(200);
        app.as_user(&d.reporter).patch(&claim, json!({"claimant": "The harbour authority"}), None).await.expect(200);
    }

    async fn every_article_edit_is_in_its_claims_history(app: TestApp) {
        let created = app.post("/api/v1/articles", json!({"title": "Port", "body": ARTICLE})).await;
        let article = format!("/api/v1/articles/{}", created.expect(201)["id"].as_str().unwrap());
        let claims: Vec<String> = created.body["claims"].as_array().unwrap().iter()
            .map(|c| format!("/api/v1/claims/{}", c["id"].as_str().unwrap())).collect();
        assert!(claims.len() >= 2, "{}", created.body);
        app.patch(&article, json!({"title": "Port delays", "url": "https://news.example.org/p"}), None).await.expect(200);
        for claim in &claims {
            let history = app.get(&format!("{claim}/history")).await;
            let last = history.expect(200)["items"].as_array().unwrap().last().unwrap().clone();
            assert_eq!(last["kind"], "article_edited");
            let field = |name: &str| last["data"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).cloned().unwrap();
            assert_eq!(field("title")["new"], "Port delays");
            assert_eq!(field("url")["old"], json!(null));
            assert!(last["actor_id"].is_string());
        }
    }

    async fn claimreview_is_safe_inside_a_script_element(app: TestApp) {
        let d = desk(&app).await;
        let claimant = "</script><script>alert(1)</script> & Co\u{2028}Ltd\u{2029}Group";
        let v = verified_claim(&app, &d, Some(claimant)).await;
        let (status, _, text) = raw(&app, &d.reporter, &format!("{}/claimreview", v.claim)).await;
        assert_eq!(status, 200);
        for raw_char in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(raw_char), "{raw_char:?} must be escaped: {text}");
        }
        assert!(text.contains("\\u003c/script\\u003e"));
        let review: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(review["itemReviewed"]["author"]["name"], claimant, "a JSON reader sees the text unchanged");
    }

    async fn urls_are_parsed_not_prefix_checked(app: TestApp) {
        for bad in [
            "https://x\"onmouseover=alert(1)",
            "https://news.example@evil.example/",
            "https://user:secret@news.example/",
            "javascript:alert(1)",
            "https://exa<mple.org/",
            "ftp://news.example/",
        ] {
            let r = app.post("/api/v1/articles?extract=false", json!({"title": "T", "body": "B", "url": bad})).await;
            assert_eq!(r.problem(422).clone()["errors"][0]["field"], "url", "{bad}");
        }
        let long = format!("https://news.example/{}", "a".repeat(2100));
        app.post("/api/v1/articles?extract=false", json!({"title": "T", "body": "B", "url": long})).await.problem(422);
        // A look-alike host is stored and shown in its ASCII form.
        let homograph = app.post("/api/v1/articles?extract=false", json!({"title": "T", "body": "B", "url": "https://ex\u{0430}mple.org/news"})).await;
        let stored = homograph.expect(201)["url"].as_str().unwrap().to_owned();
        assert!(stored.starts_with("https://xn--"), "{stored}");

        let claim = app.post("/api/v1/claims", json!({"text": "Prices rose 4% in May"})).await;
        let sources = format!("/api/v1/claims/{}/sources", claim.expect(201)["id"].as_str().unwrap());
        for bad in ["https://news.example@evil.example/", "https://x\"onmouseover=alert(1)"] {
            app.post(&sources, json!({"url": bad, "stance": "supports"})).await.problem(422);
        }
        let source = app.post(&sources, json!({"url": "https://ex\u{0430}mple.org/a?q=\"x\"", "stance": "supports"})).await;
        let url = source.expect(201)["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("https://xn--") && !url.contains('"'), "{url}");
        assert_eq!(app.count("sources").await, 1);
    }

    async fn a_checker_cannot_take_another_checkers_claim(app: TestApp) {
        let d = desk(&app).await;
        let other = app.user("checker2@test.example", Role::Checker).await;
        let created = app.post("/api/v1/articles", json!({"title": "Port", "body": ARTICLE})).await;
        let claim = format!("/api/v1/claims/{}", created.expect(201)["claims"][0]["id"].as_str().unwrap());
        let first = app.as_user(&d.checker);
        let started = first.post(&format!("{claim}/transitions"), json!({"to": "in_progress"})).await;
        let first_id = started.expect(200)["assignee_id"].clone();
        let second = app.as_user(&other);
        let second_id = second.get("/api/v1/me").await.body["id"].clone();
        second.patch(&claim, json!({"assignee_id": second_id}), None).await.problem(403);
        second.patch(&claim, json!({"assignee_id": null}), None).await.problem(403);
        second.post(&format!("{claim}/transitions"), json!({"to": "dismissed", "note": "Not checkable."})).await.problem(403);
        let now = app.get(&claim).await;
        assert_eq!(now.body["assignee_id"], first_id);
        assert_eq!(now.body["status"], "in_progress");
        // An editor may move it; the first checker may let it go.
        app.as_user(&d.editor).patch(&claim, json!({"assignee_id": second_id}), None).await.expect(200);
        first.patch(&claim, json!({"assignee_id": first_id}), None).await.problem(403);
        second.patch(&claim, json!({"assignee_id": null}), None).await.expect(200);
        first.patch(&claim, json!({"assignee_id": first_id}), None).await.expect(200);
    }

    async fn parallel_wrong_passwords_cannot_pass_the_limit(app: TestApp) {
        let attempts = (0..20).map(|_| app.login("admin@test.example", "wrong password!!"));
        let statuses: Vec<u16> = join_all(attempts).await.iter().map(|r| r.status).collect();
        let tried = statuses.iter().filter(|s| **s == 401).count();
        let limited = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!((tried, limited), (5, 15), "{statuses:?}");
        app.login("admin@test.example", PASSWORD).await.problem(429);
    }

    async fn old_credentials_stop_when_they_should(app: TestApp) {
        let checker = app.user("carla@test.example", Role::Checker).await;
        let me = app.as_user(&checker).get("/api/v1/me").await.body.clone();
        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        let api_token = app.as_user(&checker).post("/api/v1/tokens", json!({"name": "bot", "role": "checker"})).await;
        let api_token = api_token.expect(201)["token"].as_str().unwrap().to_owned();

        // A lower role: the old access token stops at once, a new sign-in works.
        app.patch(&path, json!({"role": "reporter"}), None).await.expect(200);
        let r = app.as_user(&checker).get("/api/v1/me").await;
        assert_eq!(r.problem(401)["detail"], "invalid or expired token");
        let fresh = app.login("carla@test.example", PASSWORD).await.expect(200)["access_token"].as_str().unwrap().to_owned();
        assert_eq!(app.as_user(&fresh).get("/api/v1/me").await.body["role"], "reporter");
        assert_eq!(app.as_user(&api_token).get("/api/v1/me").await.status, 200, "a demoted user's token acts with the lower role");

        // A password reset: access and API tokens stop.
        app.patch(&path, json!({"password": "a brand new passphrase"}), None).await.expect(200);
        app.as_user(&fresh).get("/api/v1/me").await.problem(401);
        app.as_user(&api_token).get("/api/v1/me").await.problem(401);
        let after_reset = app.login("carla@test.example", "a brand new passphrase").await.expect(200)["access_token"].as_str().unwrap().to_owned();
        let second_token = app.as_user(&after_reset).post("/api/v1/tokens", json!({"name": "bot 2", "role": "reporter"})).await;
        let second_token = second_token.expect(201)["token"].as_str().unwrap().to_owned();

        // Disabling and enabling again revives nothing issued before.
        app.patch(&path, json!({"disabled": true}), None).await.expect(200);
        app.patch(&path, json!({"disabled": false}), None).await.expect(200);
        app.as_user(&after_reset).get("/api/v1/me").await.problem(401);
        app.as_user(&second_token).get("/api/v1/me").await.problem(401);
        assert_eq!(app.login("carla@test.example", "a brand new passphrase").await.status, 200);
    }

    async fn account_changes_need_a_person_not_an_api_token(app: TestApp) {
        let admin_token = app.post("/api/v1/tokens", json!({"name": "integration", "role": "admin"})).await;
        let admin_token = admin_token.expect(201)["token"].as_str().unwrap().to_owned();
        let bot = app.as_user(&admin_token);
        let created = bot.post("/api/v1/users", json!({"email": "evil@test.example", "display_name": "Evil", "password": "long enough pass", "role": "admin"})).await;
        assert!(created.problem(403)["detail"].as_str().unwrap().contains("signed in with a password"));
        let me = app.get("/api/v1/me").await.body.clone();
        let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
        bot.patch(&path, json!({"password": "taken over now!"}), None).await.problem(403);
        bot.patch(&path, json!({"role": "reporter"}), None).await.problem(403);
        bot.post("/api/v1/tokens", json!({"name": "child", "role": "admin"})).await.problem(403);
        // Reading is still an integration's business.
        assert_eq!(bot.get("/api/v1/users").await.status, 200);
        assert_eq!(app.count("users").await, 1);
        assert_eq!(app.login("admin@test.example", PASSWORD).await.status, 200);
    }

    async fn token_rejections_say_little(app: TestApp) {
        for token in ["not-a-token", "abc.def.ghi"] {
            let r = app.as_user(token).get("/api/v1/me").await;
            assert_eq!(r.problem(401)["detail"], "invalid or expired token");
        }
    }

    async fn an_article_with_too_many_claims_is_refused_whole(app: TestApp) {
        let body: String = (0..1001)
            .map(|i| format!("The ministry said {} new nurses joined hospitals in district {i}. ", 100 + i))
            .collect();
        let before = (app.count("articles").await, app.count("claims").await, app.count("claim_events").await);
        let refused = app.post("/api/v1/articles", json!({"title": "Nurses", "body": body})).await;
        assert_eq!(refused.problem(422)["errors"][0]["field"], "body");
        assert!(refused.body["errors"][0]["message"].as_str().unwrap().contains("1000"));
        let after = (app.count("articles").await, app.count("claims").await, app.count("claim_events").await);
        assert_eq!(after, before, "nothing is stored");
    }

    async fn a_deleted_claims_sources_and_comments_are_read_only(app: TestApp) {
        let claim = app.post("/api/v1/claims", json!({"text": "Prices rose 4% in May"})).await;
        let claim = format!("/api/v1/claims/{}", claim.expect(201)["id"].as_str().unwrap());
        let source = app.post(&format!("{claim}/sources"), json!({"url": "https://stats.example.gov/p", "stance": "supports"})).await;
        let source = format!("/api/v1/sources/{}", source.expect(201)["id"].as_str().unwrap());
        let comment = app.post(&format!("{claim}/comments"), json!({"body": "Checking."})).await;
        let comment = format!("/api/v1/comments/{}", comment.expect(201)["id"].as_str().unwrap());
        assert_eq!(app.delete(&claim, None).await.status, 204);
        app.patch(&source, json!({"stance": "refutes"}), None).await.problem(404);
        app.delete(&source, None).await.problem(404);
        app.patch(&comment, json!({"body": "Edited."}), None).await.problem(404);
        assert_eq!(app.count("sources").await, 1);
    }

    async fn every_response_is_nosniff_and_sign_in_is_not_cached(app: TestApp) {
        for r in [
            app.get("/api/v1/me").await,
            app.get("/api/v1/nothing-here").await,
            app.anonymous().get("/api/v1/articles").await,
            app.get("/healthz").await,
        ] {
            assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{}", r.status);
        }
        let login = app.login("admin@test.example", PASSWORD).await;
        assert_eq!(login.header("cache-control"), Some("no-store"));
        let failed = app.login("admin@test.example", "wrong password!!").await;
        assert_eq!(failed.header("cache-control"), Some("no-store"));
        assert_eq!(app.get("/api/v1/me").await.header("cache-control"), None);
    }
}

fn at_most_five_claims() -> claimdesk::http::Settings {
    claimdesk::http::Settings {
        max_claims_per_article: 5,
        ..Default::default()
    }
}

db_test_with! {
    at_most_five_claims();

    async fn the_claim_limit_is_exact_and_covers_reextraction(app: TestApp) {
        let sentence = |i: usize| format!("The council said {} homes were built in ward {i}. ", 20 + i);
        let five: String = (0..5).map(sentence).collect();
        let six: String = (0..6).map(sentence).collect();
        app.post("/api/v1/articles", json!({"title": "Homes", "body": six})).await.problem(422);
        assert_eq!(app.count("claims").await, 0);
        let created = app.post("/api/v1/articles", json!({"title": "Homes", "body": five})).await;
        assert_eq!(created.expect(201)["claims"].as_array().unwrap().len(), 5);
        // Extracting again after the body grew would pass the limit.
        let article = format!("/api/v1/articles/{}", created.body["id"].as_str().unwrap());
        app.patch(&article, json!({"body": format!("{five}{}", sentence(6))}), None).await.expect(200);
        app.post(&format!("{article}/extract"), json!({})).await.problem(422);
        assert_eq!(app.count("claims").await, 5);
        // Nor can a claim be added to it by hand.
        let by_hand = app.post("/api/v1/claims", json!({"text": "A sixth claim", "article_id": created.body["id"]})).await;
        assert_eq!(by_hand.problem(422)["errors"][0]["field"], "article_id");
        assert_eq!(app.count("claims").await, 5);
    }
}
