//! Tracking claims across articles: full-text search, repeated-claim
//! matching with `similar_verified`, and links with `same_as` groups.

use super::*;
use claimdesk::domain::role::Role;
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Statement};
use support::Resp;

fn ids(r: &Resp) -> Vec<String> {
    r.expect(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn claim(app: &TestApp, text: &str, claimant: Option<&str>) -> String {
    let created = app
        .post("/api/v1/claims", json!({"text": text, "claimant": claimant}))
        .await;
    created.expect(201)["id"].as_str().unwrap().to_owned()
}

/// Takes a claim to `verified` with a `false` rating: a source, a verdict
/// proposed by the admin, approved by a second editor.
pub(crate) async fn verify(app: &TestApp, id: &str, editor: &str) {
    let path = format!("/api/v1/claims/{id}");
    let transitions = format!("{path}/transitions");
    app.post(&transitions, json!({"to": "in_progress"}))
        .await
        .expect(200);
    app.post(
        &format!("{path}/sources"),
        json!({"url": "https://stats.example.gov/reserves", "stance": "refutes"}),
    )
    .await
    .expect(201);
    app.post(
        &transitions,
        json!({"to": "in_review", "verdict": {"rating": "false", "summary": "Only 150,000 were called up."}}),
    )
    .await
    .expect(200);
    app.as_user(editor)
        .post(&transitions, json!({"to": "verified"}))
        .await
        .expect(200);
}

/// How many claims `term_stats` says use `term` ("" for all claims).
async fn term_count(app: &TestApp, term: &str) -> i64 {
    let sql = format!("SELECT claims FROM term_stats WHERE term = '{term}'");
    let row = app
        .db
        .query_one_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .unwrap();
    row.map_or(0, |r| r.try_get::<i64>("", "claims").unwrap())
}

db_test! {
    async fn term_counts_stay_exact_under_concurrent_writes(app: TestApp) {
        // Every article shares words with every other, so their writers
        // contend for the same term rows; none may fail or be lost.
        let creates = (0..10).map(|i| {
            app.post("/api/v1/articles", json!({"title": format!("Call-up {i}"), "body": format!(
                "The ministry said {} reservists were called up in Lviv. Officials said {} reservists reported for duty.",
                1000 + i, 2000 + i
            )}))
        });
        for created in join_all(creates).await {
            assert_eq!(created.expect(201)["claims"].as_array().unwrap().len(), 2);
        }
        // Counting happens in the background, moments after each write.
        app.settled().await;
        assert_eq!(term_count(&app, "").await, 20);
        assert_eq!(term_count(&app, "reservist").await, 20);
        assert_eq!(term_count(&app, "lviv").await, 10);

        // A rewording moves the counts; a deletion takes the claim out.
        let claim = claim(&app, "Lviv opened 3 new bridges", None).await;
        app.settled().await;
        assert_eq!(term_count(&app, "lviv").await, 11);
        let path = format!("/api/v1/claims/{claim}");
        app.patch(&path, json!({"text": "Odesa opened 3 new bridges"}), Some("\"1\"")).await.expect(200);
        app.settled().await;
        assert_eq!(term_count(&app, "lviv").await, 10);
        assert_eq!(term_count(&app, "odesa").await, 1);
        app.delete(&path, Some("\"2\"")).await;
        app.settled().await;
        assert_eq!(term_count(&app, "odesa").await, 0);
        assert_eq!(term_count(&app, "").await, 20);
    }

    async fn long_claims_match_without_hitting_parameter_limits(app: TestApp) {
        // 300 distinct words each: the term lookups run to hundreds of values.
        let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
        let words: Vec<String> = (0..300).map(|i| format!("{}{}ton", letter(i), letter(i / 26))).collect();
        let text = words.join(" ");
        let first = claim(&app, &text, None).await;
        let second = claim(&app, &format!("{text} again"), None).await;
        let similar = app.get(&format!("/api/v1/claims/{first}/similar")).await;
        let top = &similar.expect(200)["items"][0];
        assert_eq!(top["claim_id"], second.as_str());
        assert_eq!(top["same_claim"], true);
    }

    async fn search_matches_word_forms_ranks_and_pages(app: TestApp) {
        let arson = app.article("Night of fires", "Police said 17 offices were torched in arson attacks overnight. \
            The mayor said insurance would cover the damage.").await;
        let arson_id = arson["id"].as_str().unwrap().to_owned();
        app.article("Budget day", "The council approved a budget of 4 million euros for street lighting.").await;
        let in_text = claim(&app, "Investigators linked the arson attack to a local gang", None).await;
        let in_title = app
            .post("/api/v1/claims", json!({"text": "The mayor said insurance would cover the damage.", "article_id": arson_id}))
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // "arson attack" finds "arson attacks", in the text or, weaker, in the article title.
        let found = app.get("/api/v1/claims?q=arson%20attack").await;
        assert_eq!(ids(&found), [in_text.as_str()]);
        let by_title = ids(&app.get("/api/v1/claims?q=fires").await);
        assert_eq!(by_title, [in_title.as_str()], "the article title is searched");
        let both = ids(&app.get("/api/v1/claims?q=mayor").await);
        assert_eq!(both, [in_title.as_str()]);
        let articles = app.get("/api/v1/articles?q=ARSON%20attack").await;
        assert_eq!(articles.expect(200)["items"][0]["id"], arson_id.as_str());
        assert_eq!(articles.body["items"].as_array().unwrap().len(), 1);

        // Ranked by relevance: a claim with the word twice and in its text
        // comes before one that has it once.
        let strong = claim(&app, "Flood defences failed; flood water reached 300 homes", None).await;
        let weak = claim(&app, "Insurers paid 2 million euros after the flood", None).await;
        assert_eq!(ids(&app.get("/api/v1/claims?q=flood").await), [strong.clone(), weak.clone()]);
        // Other filters still apply, and an explicit time order replaces the ranking.
        assert_eq!(ids(&app.get("/api/v1/claims?q=flood&status=verified").await).len(), 0);
        assert_eq!(ids(&app.get("/api/v1/claims?q=flood&sort=created_at").await), [weak.clone(), strong.clone()]);
        app.get("/api/v1/claims?sort=relevance").await.problem(422);

        // Paging through ranked results one at a time sees each match once.
        for n in 0..5 {
            claim(&app, &format!("Ferry service {n} carried {} passengers", 100 + n), None).await;
        }
        let mut seen = Vec::new();
        let mut next = Some("/api/v1/claims?q=ferry%20passengers&limit=2".to_owned());
        while let Some(path) = next {
            let page = app.get(&path).await;
            seen.extend(ids(&page));
            next = page.body["next_cursor"].as_str().map(|c| format!("/api/v1/claims?q=ferry%20passengers&limit=2&cursor={c}"));
        }
        assert_eq!(seen.len(), 5);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 5, "no page repeats a match");
        // A cursor from a time-ordered list is not one of a ranked search.
        let time_cursor = app.get("/api/v1/claims?limit=1").await.body["next_cursor"].as_str().unwrap().to_owned();
        app.get(&format!("/api/v1/claims?q=ferry&cursor={time_cursor}")).await.problem(422);

        // Junk never reaches the engines as syntax.
        for junk in ["%22%22%22", "!!!", "%00", "-"] {
            app.get(&format!("/api/v1/claims?q={junk}")).await.problem(422);
            app.get(&format!("/api/v1/articles?q={junk}")).await.problem(422);
        }
        app.get(&format!("/api/v1/claims?q={}", "%7C".repeat(1000))).await.problem(422);
        app.get(&format!("/api/v1/articles?q={}", "x".repeat(1000))).await.problem(422);
        for hostile in ["NEAR(arson%20gang)", "arson*", "text%3Aarson", "'%3B%20DROP%20TABLE%20claims%3B%20--", "arson%20OR%20flood", "%5E%22arson"] {
            app.get(&format!("/api/v1/claims?q={hostile}")).await.expect(200);
            app.get(&format!("/api/v1/articles?q={hostile}")).await.expect(200);
        }
    }

    async fn search_stays_in_step_with_every_write(app: TestApp) {
        let article = app.article("Harbour report", "Dockers said 900 containers were stranded at the harbour.").await;
        let article_path = format!("/api/v1/articles/{}", article["id"].as_str().unwrap());
        let id = claim(&app, "Dockers said 900 containers were stranded", Some("the dockers union")).await;
        let path = format!("/api/v1/claims/{id}");
        assert_eq!(ids(&app.get("/api/v1/claims?q=union").await), [id.as_str()], "the claimant is searched");

        app.patch(&path, json!({"text": "Dockers said 900 lorries were stranded"}), Some("\"1\"")).await.expect(200);
        assert!(ids(&app.get("/api/v1/claims?q=containers").await).is_empty(), "no stale hit after an edit");
        assert_eq!(ids(&app.get("/api/v1/claims?q=lorry").await), [id.as_str()]);

        app.patch(&article_path, json!({"title": "Port strike"}), Some("\"1\"")).await.expect(200);
        assert_eq!(ids(&app.get("/api/v1/articles?q=strike").await).len(), 1);
        assert!(ids(&app.get("/api/v1/articles?q=harbour%20report").await).is_empty());
        app.patch(&article_path, json!({"body": "Dockers said 900 lorries were stranded at the port."}), Some("\"2\"")).await.expect(200);
        assert!(ids(&app.get("/api/v1/articles?q=harbour").await).is_empty());
        assert_eq!(ids(&app.get("/api/v1/articles?q=lorries").await).len(), 1);

        app.delete(&article_path, None).await;
        assert!(ids(&app.get("/api/v1/articles?q=lorries").await).is_empty(), "no hit after archiving");
        app.delete(&path, Some("\"2\"")).await;
        assert!(ids(&app.get("/api/v1/claims?q=lorry").await).is_empty(), "no hit after deleting");
    }

    async fn a_repeat_of_a_verified_claim_shows_its_verdict(app: TestApp) {
        let second_editor = app.user("editor2@test.example", Role::Editor).await;
        let monday = app
            .post("/api/v1/articles", json!({"title": "Call-up", "body": "The defence ministry said 300,000 reservists had been called up. \
                Trains to the border were full on Sunday."}))
            .await;
        let original = monday.expect(201)["claims"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(monday.body["claims"][0]["similar_verified"], json!(null));
        verify(&app, &original, &second_editor).await;

        // Thursday's op-ed words it differently; extraction finds it and the
        // verdict shows moments later (matching runs in the background).
        app.settled().await;
        let thursday = app
            .post("/api/v1/articles", json!({"title": "Opinion", "body": "Some 0.3 million troops were called up, the defence ministry said. \
                The call-up has divided families. The ministry said 200,000 reservists had been called up in Kharkiv region."}))
            .await;
        let thursday_id = thursday.expect(201)["id"].as_str().unwrap().to_owned();
        let began = std::time::Instant::now();
        let claims = loop {
            let listed = app.get(&format!("/api/v1/claims?article_id={thursday_id}")).await.expect(200)["items"].as_array().unwrap().clone();
            let shown = listed.iter().any(|c| c["text"].as_str().unwrap().starts_with("Some 0.3 million") && c["similar_verified"].is_object());
            if shown || began.elapsed() > std::time::Duration::from_secs(2) {
                break listed;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        };
        assert!(began.elapsed() <= std::time::Duration::from_secs(2), "the verdict shows within 2 s");
        let repeat = claims.iter().find(|c| c["text"].as_str().unwrap().starts_with("Some 0.3 million")).unwrap();
        let shown = &repeat["similar_verified"];
        assert_eq!(shown["claim_id"], original.as_str(), "{repeat}");
        assert_eq!(shown["rating"], "false");
        assert_eq!(shown["summary"], "Only 150,000 were called up.");
        assert!(shown["score"].as_f64().unwrap() >= 0.5);
        let repeat_id = repeat["id"].as_str().unwrap();
        let near_miss = claims.iter().find(|c| c["text"].as_str().unwrap().contains("200,000")).unwrap();
        assert_eq!(near_miss["similar_verified"], json!(null), "another number is another claim");

        // The list and the detail show it too, without a second request.
        let listed = app.get(&format!("/api/v1/claims?article_id={}", thursday.body["id"].as_str().unwrap())).await;
        let in_list = listed.expect(200)["items"].as_array().unwrap().iter().find(|c| c["id"] == repeat_id).unwrap().clone();
        assert_eq!(in_list["similar_verified"]["claim_id"], original.as_str());
        assert_eq!(app.get(&format!("/api/v1/claims/{repeat_id}")).await.expect(200)["similar_verified"]["rating"], "false");
        // Every field reads the same in a page as on its own, verdicts,
        // assignees and quantities included.
        app.assert_listed_as_shown("/api/v1/claims?limit=200").await;
        // The original shows nothing: its repeat has no verdict.
        assert_eq!(app.get(&format!("/api/v1/claims/{original}")).await.expect(200)["similar_verified"], json!(null));

        // /similar ranks and explains.
        let similar = app.get(&format!("/api/v1/claims/{repeat_id}/similar")).await;
        let top = &similar.expect(200)["items"][0];
        assert_eq!(top["claim_id"], original.as_str());
        assert_eq!(top["same_claim"], true);
        assert_eq!(top["status"], "verified");
        let reasons: Vec<&str> = top["reasons"].as_array().unwrap().iter().map(|r| r["description"].as_str().unwrap()).collect();
        assert!(reasons.contains(&"shared quantity 300000 troop"), "{reasons:?}");
        let near = app.get(&format!("/api/v1/claims/{}/similar", near_miss["id"].as_str().unwrap())).await;
        for item in near.expect(200)["items"].as_array().unwrap() {
            assert_eq!(item["same_claim"], false, "{item}");
        }
        assert_eq!(similar.body["same_claim_threshold"], 0.5);
        // Claims of the same article are never matched with each other.
        let own_article = similar.body["items"].as_array().unwrap().iter().filter(|i| i["article_id"] == thursday.body["id"]).count();
        assert_eq!(own_article, 0);

        // Rewording a claim finds its repeats afresh.
        let standalone = claim(&app, "Inflation in the region reached 9 percent last month", None).await;
        let etag = "\"1\"";
        let reworded = app.patch(&format!("/api/v1/claims/{standalone}"), json!({"text": "The defence ministry said 300,000 reservists were called up"}), Some(etag)).await;
        reworded.expect(200);
        app.settled().await;
        assert_eq!(app.get(&format!("/api/v1/claims/{standalone}")).await.body["similar_verified"]["claim_id"], original.as_str());

        // Bad requests.
        app.get(&format!("/api/v1/claims/{repeat_id}/similar?limit=0")).await.problem(422);
        app.get(&format!("/api/v1/claims/{repeat_id}/similar?limit=51")).await.problem(422);
        app.get(&format!("/api/v1/claims/{repeat_id}/similar?limt=5")).await.problem(400);
        app.get("/api/v1/claims/not-a-uuid/similar").await.problem(400);
        app.get("/api/v1/claims/00000000-0000-7000-8000-000000000000/similar").await.problem(404);
    }

    async fn links_form_groups_that_share_a_verdict(app: TestApp) {
        let second_editor = app.user("editor2@test.example", Role::Editor).await;
        let reporter = app.user("reporter@test.example", Role::Reporter).await;
        let checker = app.user("checker@test.example", Role::Checker).await;
        let a = claim(&app, "The port handled 12 million containers last year", None).await;
        let b = claim(&app, "Twelve million containers passed through the port last year", None).await;
        let c = claim(&app, "Container traffic at the port hit 12 million boxes", None).await;
        let d = claim(&app, "The port handled only 9 million containers last year", None).await;
        let links = |id: &str| format!("/api/v1/claims/{id}/links");
        let history_kinds = |r: &Resp| -> Vec<String> {
            r.expect(200)["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
        };

        let made = app.as_user(&checker).post(&links(&a), json!({"claim_id": b, "relation": "same_as"})).await;
        assert_eq!(made.expect(201)["claim_id"], b.as_str());
        assert_eq!(made.body["relation"], "same_as");
        assert_eq!(made.header("location"), Some(format!("/api/v1/claims/{a}/links/{b}").as_str()));
        app.post(&links(&c), json!({"claim_id": b, "relation": "same_as"})).await.expect(201);
        app.post(&links(&a), json!({"claim_id": d, "relation": "contradicts"})).await.expect(201);

        // Symmetric: seen from b, the link points at a.
        let from_b = app.get(&links(&b)).await;
        let ends: Vec<&str> = from_b.expect(200)["items"].as_array().unwrap().iter().map(|l| l["claim_id"].as_str().unwrap()).collect();
        assert_eq!(ends, [a.as_str(), c.as_str()]);

        // Transitive: c's group holds a, b and c (not d), with no verdict yet.
        let detail = app.get(&format!("/api/v1/claims/{c}")).await;
        let mut members: Vec<String> = detail.expect(200)["group"]["claim_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        members.sort();
        let mut expected = vec![a.clone(), b.clone(), c.clone()];
        expected.sort();
        assert_eq!(members, expected);
        assert_eq!(detail.body["group"]["verdict"], json!(null));
        assert_eq!(app.get(&format!("/api/v1/claims/{d}")).await.expect(200)["group"], json!(null));

        // A verdict on a reaches c through the group.
        verify(&app, &a, &second_editor).await;
        let detail = app.get(&format!("/api/v1/claims/{c}")).await;
        assert_eq!(detail.expect(200)["group"]["verdict"]["claim_id"], a.as_str());
        assert_eq!(detail.body["group"]["verdict"]["rating"], "false");

        // Refusals: twice, reversed, to itself, contradicting its own group,
        // to nothing, an unknown relation, a reporter.
        let twice = app.post(&links(&b), json!({"claim_id": a, "relation": "related"})).await;
        assert!(twice.problem(409)["detail"].as_str().unwrap().contains("same_as"));
        app.post(&links(&a), json!({"claim_id": c, "relation": "contradicts"})).await.problem(409);
        app.post(&links(&a), json!({"claim_id": c, "relation": "same_as"})).await.problem(409);
        app.post(&links(&a), json!({"claim_id": a, "relation": "related"})).await.problem(422);
        app.post(&links(&a), json!({"claim_id": "00000000-0000-7000-8000-000000000000", "relation": "related"})).await.problem(422);
        app.post(&links(&a), json!({"claim_id": b, "relation": "same"})).await.problem(422);
        app.post(&links(&a), json!({"claim_id": b})).await.problem(422);
        app.post("/api/v1/claims/00000000-0000-7000-8000-000000000000/links", json!({"claim_id": a, "relation": "related"})).await.problem(404);
        app.as_user(&reporter).post(&links(&a), json!({"claim_id": d, "relation": "related"})).await.problem(403);
        assert_eq!(app.count("claim_links").await, 3, "refusals change nothing");

        // Removing b's link to c splits c off; history records both ends.
        assert_eq!(app.as_user(&checker).delete(&format!("{}/{c}", links(&b)), None).await.status, 204);
        app.delete(&format!("{}/{c}", links(&b)), None).await.problem(404);
        assert_eq!(app.get(&format!("/api/v1/claims/{c}")).await.expect(200)["group"], json!(null));
        assert_eq!(app.get(&format!("/api/v1/claims/{b}")).await.expect(200)["group"]["claim_ids"].as_array().unwrap().len(), 2);
        let c_history = history_kinds(&app.get(&format!("/api/v1/claims/{c}/history")).await);
        assert_eq!(c_history, ["created", "linked", "unlinked"]);
        let b_history = history_kinds(&app.get(&format!("/api/v1/claims/{b}/history")).await);
        assert_eq!(b_history, ["created", "linked", "linked", "unlinked"]);
        app.delete(&format!("{}/not-a-uuid", links(&b)), None).await.problem(400);
        app.delete(&format!("{}/{b}", links(&b)), None).await.problem(422);
    }
}
