use super::*;
use claimdesk::domain::extract;

fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/extraction/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    json["text"].as_str().unwrap().to_owned()
}

fn slice(text: &str, start: &serde_json::Value, end: &serde_json::Value) -> String {
    let (s, e) = (start.as_u64().unwrap() as usize, end.as_u64().unwrap() as usize);
    text.chars().skip(s).take(e - s).collect()
}

db_test! {
    async fn creating_an_article_stores_its_claims(app: TestApp) {
        let body = fixture_text("weather");
        let created = app.post("/api/v1/articles", json!({"title": "Storm", "body": body})).await;
        let claims = created.expect(201)["claims"].as_array().unwrap().clone();
        assert_eq!(claims.len(), extract::extract(&body).len());
        assert!(claims.len() >= 15);
        for claim in &claims {
            assert_eq!(slice(&body, &claim["start"], &claim["end"]), claim["text"].as_str().unwrap());
            assert_eq!(claim["status"], "unverified");
            assert!(claim["kind"].is_string());
            for q in claim["quantities"].as_array().unwrap() {
                let text = claim["text"].as_str().unwrap();
                assert_eq!(slice(text, &q["start"], &q["end"]), q["text"].as_str().unwrap(), "quantity offsets are within the claim text");
            }
        }
        let id = created.body["id"].as_str().unwrap();
        let listed = app.get(&format!("/api/v1/claims?article_id={id}&limit=200")).await;
        assert_eq!(listed.expect(200)["items"].as_array().unwrap().len(), claims.len());
        let stored_quantities: usize = claims.iter().map(|c| c["quantities"].as_array().unwrap().len()).sum();
        assert_eq!(app.count("claim_quantities").await as usize, stored_quantities);
        let one = app.get(&format!("/api/v1/claims/{}", claims[0]["id"].as_str().unwrap())).await;
        assert_eq!(one.expect(200)["quantities"], claims[0]["quantities"]);

        let skipped = app.post("/api/v1/articles?extract=false", json!({"title": "Storm", "body": body})).await;
        assert_eq!(skipped.expect(201)["claims"], json!([]));
        app.post("/api/v1/articles?extract=maybe", json!({"title": "Storm", "body": body})).await.problem(400);
        let german = app.post("/api/v1/articles", json!({"title": "Sturm", "body": "Der Sturm kostete 12 Millionen Euro.", "language": "de"})).await;
        assert!(german.problem(422)["errors"][0]["message"].as_str().unwrap().contains("English"));
        let quiet = app.post("/api/v1/articles", json!({"title": "Note", "body": "Hello there, everyone"})).await;
        assert_eq!(quiet.expect(201)["claims"], json!([]));
    }

    async fn extracting_again_keeps_what_exists(app: TestApp) {
        let body = "The council approved 12 new schools on Tuesday. The mayor said the work starts in spring.";
        let created = app.post("/api/v1/articles", json!({"title": "Schools", "body": body})).await.expect(201).clone();
        let id = created["id"].as_str().unwrap();
        let first = created["claims"][0].clone();
        // Someone works on a claim; a second run must not disturb it.
        let path = format!("/api/v1/claims/{}", first["id"].as_str().unwrap());
        app.patch(&path, json!({"claimant": "the council"}), None).await.expect(200);
        let manual = app.post("/api/v1/claims", json!({"text": "12 new schools", "article_id": id})).await.expect(201).clone();

        let again = app.post(&format!("/api/v1/articles/{id}/extract"), json!({})).await;
        assert_eq!(again.expect(200)["created"], json!([]));
        assert_eq!(again.body["kept"].as_array().unwrap().len(), 2);
        assert_eq!(app.get(&path).await.body["claimant"], "the council");

        let longer = format!("{body} Police said 40 officers will patrol the new sites.");
        app.patch(&format!("/api/v1/articles/{id}"), json!({"body": longer}), None).await.expect(200);
        let third = app.post(&format!("/api/v1/articles/{id}/extract"), json!({})).await;
        let created_now = third.expect(200)["created"].as_array().unwrap().clone();
        assert_eq!(created_now.len(), 1);
        assert_eq!(created_now[0]["text"], "Police said 40 officers will patrol the new sites.");
        assert_eq!(created_now[0]["claimant"], "Police");
        assert_eq!(third.body["kept"].as_array().unwrap().len(), 2);
        // Nothing was removed, the hand-made claim included.
        assert_eq!(app.get(&format!("/api/v1/claims/{}", manual["id"].as_str().unwrap())).await.status, 200);
        assert_eq!(app.get(&format!("/api/v1/claims?article_id={id}")).await.body["items"].as_array().unwrap().len(), 4);
        app.post("/api/v1/articles/00000000-0000-7000-8000-000000000000/extract", json!({})).await.problem(404);
    }

    async fn hand_made_claims_are_analysed_too(app: TestApp) {
        let claim = app.post("/api/v1/claims", json!({"text": "Nearly 40 flights were cancelled, the airport said."})).await;
        assert_eq!(claim.expect(201)["kind"], "quantity");
        assert_eq!(claim.body["quantities"][0]["value"], 40.0);
        assert_eq!(claim.body["quantities"][0]["qualifier"], "approx");
        let path = format!("/api/v1/claims/{}", claim.body["id"].as_str().unwrap());
        let edited = app.patch(&path, json!({"text": "More than 55 flights were cancelled."}), None).await;
        assert_eq!(edited.expect(200)["quantities"][0]["value"], 55.0);
        assert_eq!(edited.body["quantities"][0]["qualifier"], "more_than");
        assert_eq!(app.count("claim_quantities").await, 1, "old quantities are replaced");
        let opinion = app.post("/api/v1/claims", json!({"text": "What a wonderful idea"})).await;
        assert_eq!(opinion.expect(201)["kind"], json!(null));
        assert_eq!(opinion.body["quantities"], json!([]));
    }

    async fn the_extract_endpoint_stores_nothing(app: TestApp) {
        let r = app.post("/api/v1/extract", json!({"text": "Prices rose 3.7% in March, the statistics office said."})).await;
        let claims = r.expect(200)["claims"].as_array().unwrap().clone();
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0]["claimant"], "the statistics office");
        assert_eq!(claims[0]["quantities"][0]["unit"], "percent");
        assert_eq!(app.count("claims").await, 0);

        assert_eq!(app.post("/api/v1/extract", json!({"text": "Hello."})).await.expect(200)["claims"], json!([]));
        app.post("/api/v1/extract", json!({"text": ""})).await.problem(422);
        app.post("/api/v1/extract", json!({"text": "  \n "})).await.problem(422);
        app.post("/api/v1/extract", json!({"text": "Hola 12 casas.", "language": "es"})).await.problem(422);
        app.post("/api/v1/extract", json!({"text": "x", "extra": 1})).await.problem(422);
        app.anonymous().post("/api/v1/extract", json!({"text": "x"})).await.problem(401);
        // Hostile Unicode: RTL, emoji, combining marks, escaped lone surrogates.
        let odd = "\u{202e}Officials said 12 schools 👩🏽‍⚕️ closed.\u{202c} Zoë paid e\u{301} $4.5bn.";
        let r = app.post("/api/v1/extract", json!({"text": odd})).await;
        for c in r.expect(200)["claims"].as_array().unwrap() {
            assert_eq!(slice(odd, &c["start"], &c["end"]), c["text"].as_str().unwrap());
        }
        let surrogate = app.send(
            app.as_user(&app.token).request(reqwest::Method::POST, "/api/v1/extract")
                .header("content-type", "application/json")
                .body(r#"{"text": "bad \ud800 surrogate"}"#),
        ).await;
        surrogate.problem(400);
    }
}

#[tokio::test]
async fn oversized_extraction_is_413() {
    let app = TestApp::sqlite_with(claimdesk::http::Settings {
        body_limit: 32 * 1024,
        ..Default::default()
    })
    .await;
    app.post(
        "/api/v1/extract",
        json!({"text": "The council approved 12 schools. ".repeat(2000)}),
    )
    .await
    .problem(413);
}

#[test]
fn the_command_line_extracts_from_a_file_or_stdin() {
    use std::io::Write;
    let bin = env!("CARGO_BIN_EXE_claimdesk");
    let file = std::env::temp_dir().join(format!("claimdesk-extract-{}.txt", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, "Thousands of people were arrested after the protests.").unwrap();
    let out = std::process::Command::new(bin)
        .arg("extract")
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_file(&file).ok();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["claims"][0]["quantities"][0]["unit"], "people");

    let mut child = std::process::Command::new(bin)
        .arg("extract")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"No numbers here at all")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        json!({"claims": []})
    );
}
