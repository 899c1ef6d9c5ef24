//! Exchanging fact-checks: claims exported as CSV, the ClaimReview feed,
//! and other publishers' fact-checks imported and matched against claims.

use std::io::Write;
use std::process::{Command, Stdio};

use claimdesk::domain::role::Role;

use super::*;
use crate::tracking::verify;

/// Parses CSV with Python's `csv` module (the reader spreadsheets and
/// scripts use) and returns its rows.
fn python_csv(text: &str) -> Vec<Vec<String>> {
    let script = "import csv, io, json, sys\n\
                  rows = list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')))\n\
                  json.dump(rows, sys.stdout)";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed to check the CSV export");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A CSV download: status, content type and body text.
async fn csv(app: &TestApp, token: Option<&str>, path: &str, accept: Option<&str>) -> (u16, String, String) {
    let caller = match token {
        Some(t) => app.as_user(t),
        None => app.as_user(&app.token),
    };
    let mut request = caller.request(reqwest::Method::GET, path);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// Every claim id a JSON listing returns for `query`, all pages.
async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/claims?limit=200&{query}&cursor={c}"),
            None => format!("/api/v1/claims?limit=200&{query}"),
        };
        let page = app.get(&path).await.expect(200).clone();
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

const TRICKY: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"click\") says 4 ministers resigned",
    "+44 calls were logged, the police said",
    "-5 degrees was the coldest night, forecasters said",
    "@mayor claimed 12 new parks opened",
    "The \"official\" count, with commas, was 1,204, said the agency",
    "Café prices rose 8% in Zürich — the index said\nacross two lines",
];

db_test! {
    async fn csv_export_round_trips_through_python(app: TestApp) {
        let editor = app.user("second-editor@test.example", Role::Editor).await;
        let reporter = app.user("reporter@test.example", Role::Reporter).await;
        let article = app.article("Budget, \"round two\"", "The council said it would build 300 homes.").await;
        let article_id = article["id"].as_str().unwrap();
        let mut ids = Vec::new();
        for text in TRICKY {
            let created = app.post("/api/v1/claims", json!({"text": text, "claimant": "=cmd|' /C calc'!A0"})).await;
            ids.push(created.expect(201)["id"].as_str().unwrap().to_owned());
        }
        let in_article = app
            .post("/api/v1/claims", json!({"text": "300 homes", "article_id": article_id}))
            .await;
        let in_article = in_article.expect(201)["id"].as_str().unwrap().to_owned();
        verify(&app, &in_article, &editor).await;

        // Everything, through both doors, as any signed-in reporter.
        let (status, content_type, all) = csv(&app, Some(&reporter), "/api/v1/claims/export.csv", None).await;
        assert_eq!(status, 200);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let (_, negotiated_type, negotiated) =
            csv(&app, Some(&reporter), "/api/v1/claims", Some("text/csv")).await;
        assert!(negotiated_type.starts_with("text/csv"));
        assert_eq!(negotiated, all, "Accept: text/csv answers like export.csv");
        assert!(all.starts_with("id,article_id,article_title,text,claimant,kind,status,rating,verdict_summary,assignee_email,source_urls,created_at,updated_at,verified_at\r\n"));

        let rows = python_csv(&all);
        assert_eq!(rows.len(), 1 + TRICKY.len() + 1, "a header and one row a claim");
        let (id, text, claimant) = (column(&rows, "id"), column(&rows, "text"), column(&rows, "claimant"));
        let exported: Vec<&str> = rows[1..].iter().map(|r| r[id].as_str()).collect();
        assert_eq!(exported, listed(&app, "").await, "the same claims as the JSON list, newest first");

        // Cells a spreadsheet would run are text; the rest are exact.
        for row in &rows[1..] {
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} would run as a formula");
            }
        }
        for (n, original) in TRICKY.iter().enumerate() {
            let row = rows.iter().find(|r| r[id] == ids[n]).unwrap();
            let expected = if original.starts_with(['=', '+', '-', '@']) {
                format!("'{original}")
            } else {
                (*original).to_owned()
            };
            assert_eq!(row[text], expected);
            assert_eq!(row[claimant], "'=cmd|' /C calc'!A0");
        }

        // The verified claim carries its article, verdict, assignee and sources.
        let row = rows.iter().find(|r| r[id] == in_article).unwrap();
        let claim = app.get(&format!("/api/v1/claims/{in_article}")).await.expect(200).clone();
        assert_eq!(row[column(&rows, "article_id")], article_id);
        assert_eq!(row[column(&rows, "article_title")], "Budget, \"round two\"");
        assert_eq!(row[column(&rows, "status")], "verified");
        assert_eq!(row[column(&rows, "rating")], "false");
        assert_eq!(row[column(&rows, "verdict_summary")], "Only 150,000 were called up.");
        assert_eq!(row[column(&rows, "assignee_email")], "admin@test.example");
        assert_eq!(row[column(&rows, "source_urls")], "https://stats.example.gov/reserves");
        assert!(!row[column(&rows, "verified_at")].is_empty());
        let created_at = chrono::DateTime::parse_from_rfc3339(&row[column(&rows, "created_at")]).unwrap();
        let listed_at = chrono::DateTime::parse_from_rfc3339(claim["created_at"].as_str().unwrap()).unwrap();
        assert_eq!(created_at, listed_at);

        // Filters select the same claims as the JSON list does.
        let first_created = rows.iter().find(|r| r[id] == ids[0]).unwrap()[column(&rows, "created_at")].clone();
        let after = urlencode(&first_created);
        for query in [
            "status=verified".to_owned(),
            "status=unverified&q=said&sort=created_at".to_owned(),
            format!("created_after={after}"),
            format!("created_before={after}"),
            format!("updated_after={after}&sort=updated_at"),
            "rating=false".to_owned(),
            "assignee=me".to_owned(),
        ] {
            let (status, _, text) = csv(&app, None, &format!("/api/v1/claims/export.csv?{query}"), None).await;
            assert_eq!(status, 200, "{query}: {text}");
            let rows = python_csv(&text);
            let got: Vec<&str> = rows[1..].iter().map(|r| r[id].as_str()).collect();
            assert_eq!(got, listed(&app, &query).await, "{query}");
        }
        let (_, _, text) = csv(&app, None, "/api/v1/claims/export.csv?status=dismissed", None).await;
        assert_eq!(python_csv(&text).len(), 1, "no match is a header row alone");

        // Bad filters are refused before anything streams.
        let bad = app.get(&format!("/api/v1/claims/export.csv?created_after={after}&created_before={after}")).await;
        assert_eq!(bad.problem(422)["errors"][0]["field"], "created_before");
        app.get("/api/v1/claims/export.csv?sort=relevance").await.problem(400);
        app.get("/api/v1/claims/export.csv?limit=5").await.problem(400);
        app.anonymous().get("/api/v1/claims/export.csv").await.problem(401);
        // JSON stays the default.
        assert_eq!(app.get("/api/v1/claims").await.expect(200)["items"].as_array().unwrap().len(), 7);
    }

    async fn csv_export_reads_in_batches_past_the_first(app: TestApp) {
        // Two articles of 600 numbered sentences each: 1,200 claims, more than
        // one batch of the export.
        for part in 0..2 {
            let body: String = (0..600)
                .map(|i| format!("Depot {part} reported {} buses in service on day {i}. ", 100 + i))
                .collect();
            app.post("/api/v1/articles", json!({"title": format!("Fleet {part}"), "body": body}))
                .await
                .expect(201);
        }
        let (status, _, text) = csv(&app, None, "/api/v1/claims/export.csv", None).await;
        assert_eq!(status, 200);
        let rows = python_csv(&text);
        let id = column(&rows, "id");
        let exported: Vec<&str> = rows[1..].iter().map(|r| r[id].as_str()).collect();
        assert_eq!(exported.len(), 1200);
        assert_eq!(exported, listed(&app, "").await);
    }
}

/// Percent-encodes a query value (RFC 3339 times hold `+` and `:`).
fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A ClaimReview as another fact-checker publishes it.
pub(crate) fn review(n: usize, claim: &str, rating: &str) -> serde_json::Value {
    json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("https://checker.example/checks/{n}"),
        "claimReviewed": claim,
        "datePublished": "2022-10-01",
        "author": {"@type": "Organization", "name": "Other Checker", "url": "https://checker.example"},
        "reviewRating": {"@type": "Rating", "alternateName": rating, "ratingValue": "2", "bestRating": 5, "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A minister"},
            "appearance": {"@type": "CreativeWork", "url": "https://news.example/story"}}
    })
}

/// Imports `feed`, then writes an article of `body` and waits for
/// matching; returns the article's claims as listed.
pub(crate) async fn import_then_extract(
    app: &TestApp,
    feed: serde_json::Value,
    body: &str,
) -> Vec<serde_json::Value> {
    app.post("/api/v1/fact-checks/import", feed).await.expect(200);
    let article = app
        .post("/api/v1/articles", json!({"title": "Repeats", "body": body}))
        .await
        .expect(201)
        .clone();
    app.settled().await;
    app.get(&format!(
        "/api/v1/claims?article_id={}",
        article["id"].as_str().unwrap()
    ))
    .await
    .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) fn feed_of(elements: Vec<serde_json::Value>) -> serde_json::Value {
    let items: Vec<serde_json::Value> = elements
        .into_iter()
        .map(|item| json!({"@type": "DataFeedItem", "item": item}))
        .collect();
    json!({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items})
}

/// An ld+json GET: status, Link header and body text.
async fn ld(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Option<String>, String) {
    let request = match token {
        Some(t) => app.as_user(t).request(reqwest::Method::GET, path),
        None => app.anonymous().request(reqwest::Method::GET, path),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/ld+json"
        );
    }
    let link = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, link, response.text().await.unwrap())
}

/// The path of a `Link: <...>; rel="next"` header.
fn next_path(link: &str) -> String {
    let (url, rel) = link.split_once(';').unwrap();
    assert_eq!(rel.trim(), "rel=\"next\"");
    url.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

/// Every field Google's and Data Commons' readers need of a ClaimReview.
#[track_caller]
fn assert_claim_review(item: &serde_json::Value) {
    assert_eq!(item["@context"], "https://schema.org");
    assert_eq!(item["@type"], "ClaimReview");
    for field in ["url", "claimReviewed", "datePublished"] {
        assert!(
            item[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}: {item}"
        );
    }
    assert!(item["author"]["name"].is_string(), "{item}");
    assert_eq!(item["reviewRating"]["@type"], "Rating");
    assert!(item["reviewRating"]["alternateName"].is_string());
}

db_test! {
    async fn the_feed_holds_every_published_review_and_pages_with_since(app: TestApp) {
        let editor = app.user("second-editor@test.example", Role::Editor).await;
        let reporter = app.user("reporter@test.example", Role::Reporter).await;
        let mut ids = Vec::new();
        for text in [
            "Officials said 300,000 reservists were called up </script><script>alert(1)</script>",
            "The port handled 12 million containers last year",
            "Turnout reached 71 percent, the commission said",
        ] {
            let id = app.post("/api/v1/claims", json!({"text": text})).await.expect(201)["id"]
                .as_str()
                .unwrap()
                .to_owned();
            verify(&app, &id, &editor).await;
            ids.push(id);
        }
        // One claim is not verified and stays out.
        app.post("/api/v1/claims", json!({"text": "Unchecked: 5 new bridges"})).await.expect(201);

        // Signed in only (the feed is not public by default).
        assert_eq!(ld(&app, None, "/api/v1/claimreview/feed").await.0, 401);
        let (status, link, text) = ld(&app, Some(&reporter), "/api/v1/claimreview/feed").await;
        assert_eq!(status, 200);
        assert!(link.is_none(), "one page holds all three");
        assert!(!text.contains('<'), "the feed can be pasted into HTML as it is");
        let feed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(feed["@context"], "https://schema.org");
        assert_eq!(feed["@type"], "DataFeed");
        let elements = feed["dataFeedElement"].as_array().unwrap();
        assert_eq!(elements.len(), 3);
        assert_eq!(feed["dateModified"], elements[0]["dateModified"]);
        // Newest first, each the very snapshot the claim serves.
        let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
        for (element, id) in elements.iter().zip(&newest_first) {
            assert_eq!(element["@type"], "DataFeedItem");
            assert_claim_review(&element["item"]);
            let (_, _, single) = ld(&app, Some(&reporter), &format!("/api/v1/claims/{id}/claimreview")).await;
            assert!(text.contains(&single), "the feed embeds the published bytes of {id}");
            assert_eq!(element["item"], serde_json::from_str::<serde_json::Value>(&single).unwrap());
        }

        // Paging by cursor, two at a time.
        let (_, link, first) = ld(&app, Some(&reporter), "/api/v1/claimreview/feed?limit=2").await;
        let first: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert_eq!(first["dataFeedElement"].as_array().unwrap().len(), 2);
        let (_, last_link, second) = ld(&app, Some(&reporter), &next_path(&link.unwrap())).await;
        let second: serde_json::Value = serde_json::from_str(&second).unwrap();
        assert_eq!(second["dataFeedElement"].as_array().unwrap().len(), 1);
        assert_eq!(second["dataFeedElement"][0], elements[2]);
        assert!(last_link.is_none());

        // Incremental pulls: only what was published after `since`.
        let since = urlencode(elements[1]["dateModified"].as_str().unwrap());
        let (_, _, newer) = ld(&app, Some(&reporter), &format!("/api/v1/claimreview/feed?since={since}")).await;
        let newer: serde_json::Value = serde_json::from_str(&newer).unwrap();
        assert_eq!(newer["dataFeedElement"].as_array().unwrap().clone(), vec![elements[0].clone()]);
        let since = urlencode(elements[0]["dateModified"].as_str().unwrap());
        let (_, _, none) = ld(&app, Some(&reporter), &format!("/api/v1/claimreview/feed?since={since}")).await;
        let none: serde_json::Value = serde_json::from_str(&none).unwrap();
        assert_eq!(none["dataFeedElement"], json!([]));

        // A reopened claim leaves the feed.
        app.post(&format!("/api/v1/claims/{}/transitions", ids[0]), json!({"to": "in_progress", "note": "new evidence"}))
            .await
            .expect(200);
        let (_, _, after) = ld(&app, Some(&reporter), "/api/v1/claimreview/feed").await;
        let after: serde_json::Value = serde_json::from_str(&after).unwrap();
        assert_eq!(after["dataFeedElement"].as_array().unwrap().len(), 2);

        app.get("/api/v1/claimreview/feed?cursor=nonsense").await.problem(422);
        app.get("/api/v1/claimreview/feed?since=yesterday").await.problem(400);
    }
}

db_test_with! {
    claimdesk::http::Settings { public_feed: true, ..Default::default() };
    async fn a_public_feed_needs_no_sign_in(app: TestApp) {
        let (status, link, text) = ld(&app, None, "/api/v1/claimreview/feed").await;
        assert_eq!(status, 200);
        assert!(link.is_none());
        let feed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(feed["dataFeedElement"], json!([]));
        // Only the feed is public.
        app.anonymous().get("/api/v1/claims").await.problem(401);
    }
}

db_test! {
    async fn importing_a_feed_twice_keeps_one_fact_check_per_review(app: TestApp) {
        let editor = app.user("editor@test.example", Role::Editor).await;
        let checker = app.user("checker@test.example", Role::Checker).await;
        let mut bad_url = review(90, "Broken", "False");
        bad_url["url"] = json!("javascript:alert(1)");
        let mut no_rating = review(91, "Unrated claim", "False");
        no_rating.as_object_mut().unwrap().remove("reviewRating");
        let feed = feed_of(vec![
            review(1, "Russia called up 300,000 reservists in September 2022", "True"),
            review(2, "The port handled 12 million containers in 2023", "Mostly false"),
            bad_url,
            review(3, "Says <b>turnout</b> was 71% in the 2024 election", "False"),
            no_rating,
            json!({"@type": "Thing", "name": "not a review"}),
        ]);
        app.as_user(&checker).post("/api/v1/fact-checks/import", feed.clone()).await.problem(403);
        let first = app.as_user(&editor).post("/api/v1/fact-checks/import", feed.clone()).await;
        let first = first.expect(200).clone();
        assert_eq!((first["created"].as_u64(), first["updated"].as_u64(), first["refused"].as_u64()), (Some(3), Some(0), Some(3)));
        let refusals = first["refusals"].as_array().unwrap();
        let indexes: Vec<u64> = refusals.iter().map(|r| r["index"].as_u64().unwrap()).collect();
        assert_eq!(indexes, [2, 4, 5]);
        assert!(refusals[0]["reason"].as_str().unwrap().starts_with("url"), "{first}");
        assert!(refusals[1]["reason"].as_str().unwrap().contains("reviewRating"));
        assert_eq!(refusals[0]["pointer"], "/dataFeedElement/2/item");

        let again = app.as_user(&editor).post("/api/v1/fact-checks/import", feed).await;
        let again = again.expect(200).clone();
        assert_eq!((again["created"].as_u64(), again["updated"].as_u64(), again["refused"].as_u64()), (Some(0), Some(3), Some(3)));
        assert_eq!(app.count("fact_checks").await, 3);

        // A plain array works too; an updated review replaces the old one.
        let changed = vec![review(2, "The port handled 12 million containers in 2023", "False")];
        let array = app.as_user(&editor).post("/api/v1/fact-checks/import", json!(changed)).await;
        assert_eq!(array.expect(200)["updated"], 1);

        let list = app.get("/api/v1/fact-checks").await.expect(200).clone();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["rating"]["alternate_name"], "False", "the latest import first");
        assert_eq!(items[0]["publisher"], "Other Checker");
        assert_eq!(items[0]["rating"]["rating_value"], 2.0);
        assert_eq!(items[0]["claimant"], "A minister");
        assert_eq!(items[0]["appearance_url"], "https://news.example/story");
        assert_eq!(items[0]["date_published"], "2022-10-01T00:00:00Z");
        let id = items[0]["id"].as_str().unwrap();
        let one = app.get(&format!("/api/v1/fact-checks/{id}")).await;
        assert_eq!(one.expect(200)["review_url"], "https://checker.example/checks/2");
        assert_eq!(one.body["claim_review"]["@type"], "ClaimReview");
        app.get(&format!("/api/v1/fact-checks/{}", uuid::Uuid::now_v7())).await.problem(404);

        let found = app.get("/api/v1/fact-checks?q=reservists").await.expect(200).clone();
        assert_eq!(found["items"].as_array().unwrap().len(), 1);
        let by_publisher = app.get("/api/v1/fact-checks?publisher=other%20checker").await;
        assert_eq!(by_publisher.expect(200)["items"].as_array().unwrap().len(), 3);
        let nobody = app.get("/api/v1/fact-checks?publisher=Nobody").await;
        assert_eq!(nobody.expect(200)["items"], json!([]));

        // What is not a feed changes nothing.
        for body in [json!("text"), json!({"@type": "Thing"}), json!({"dataFeedElement": 5})] {
            app.as_user(&editor).post("/api/v1/fact-checks/import", body).await.problem(422);
        }
        assert_eq!(app.count("fact_checks").await, 3);
        // Over 5 MB is refused before it is read.
        let huge: Vec<serde_json::Value> =
            (0..30_000).map(|n| review(1000 + n, &"x".repeat(150), "False")).collect();
        app.as_user(&editor).post("/api/v1/fact-checks/import", json!(huge)).await.problem(413);
        assert_eq!(app.count("fact_checks").await, 3);
    }

    async fn an_extracted_claim_shows_the_fact_check_it_repeats(app: TestApp) {
        let feed = feed_of(vec![
            review(1, "Russia called up 300,000 reservists in September 2022", "True"),
            review(2, "The port of Lisbon handled 12 million containers in 2023", "False"),
        ]);
        let body = "Russia's defence ministry said 300,000 reservists had been called up in September 2022. \
                    Separately, the city opened 4 new libraries on Monday.";
        let claims = import_then_extract(&app, feed, body).await;
        let repeat = claims.iter().find(|c| c["text"].as_str().unwrap().contains("reservists")).unwrap();
        let other = claims.iter().find(|c| c["text"].as_str().unwrap().contains("libraries")).unwrap();
        assert_eq!(other["similar_external"], json!(null));
        let id = repeat["id"].as_str().unwrap();
        let shown = app.get(&format!("/api/v1/claims/{id}")).await.expect(200).clone();
        let external = &shown["similar_external"];
        assert_eq!(external["publisher"], "Other Checker", "{shown}");
        assert_eq!(external["rating"], "True");
        assert_eq!(external["review_url"], "https://checker.example/checks/1");
        assert!(external["score"].as_f64().unwrap() >= 0.5);
        app.assert_listed_as_shown("/api/v1/claims").await;

        let similar = app.get(&format!("/api/v1/claims/{id}/similar")).await.expect(200).clone();
        let found = similar["external"].as_array().unwrap();
        assert_eq!(found[0]["source"], "external");
        assert_eq!(found[0]["claim_reviewed"], "Russia called up 300,000 reservists in September 2022");
        assert_eq!(found[0]["same_claim"], true);
        assert!(found.iter().all(|f| f["claim_reviewed"] != "The port of Lisbon handled 12 million containers in 2023"
            || f["same_claim"] == false));
    }
}

/// `claimdesk import-fact-checks FILE` reads a feed of any size one element
/// at a time; running it twice leaves the same fact-checks.
async fn import_file_on(url: String) {
    let file = std::env::temp_dir().join(format!("claimdesk-feed-{}.json", uuid::Uuid::now_v7().simple()));
    let mut elements: Vec<serde_json::Value> = (0..1_200)
        .map(|n| review(n, &format!("Claim number {n} about 12 ferries"), "False"))
        .collect();
    elements.push(json!({"@type": "ClaimReview", "url": "https://checker.example/no-claim"}));
    let json = serde_json::to_vec(&feed_of(elements)).unwrap();
    for (round, expected) in [
        (1, "1200 created, 0 updated, 1 refused"),
        (2, "0 created, 1200 updated, 1 refused"),
    ] {
        // The second time as a Windows tool saves it, after a byte-order mark.
        let bom: &[u8] = if round == 2 { b"\xEF\xBB\xBF" } else { b"" };
        std::fs::write(&file, [bom, &json].concat()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_claimdesk"))
            .args(["import-fact-checks", file.to_str().unwrap()])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.trim(), expected, "round {round}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refused /dataFeedElement/1200/item"));
    }
    std::fs::write(&file, b"{\"@type\": \"DataFeed\"}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_claimdesk"))
        .args(["import-fact-checks", file.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("dataFeedElement"));
    std::fs::remove_file(&file).ok();
    let app = TestApp::start(&url, claimdesk::http::Settings::default()).await;
    assert_eq!(app.count("fact_checks").await, 1_200);
}

#[tokio::test]
async fn import_fact_checks_from_a_file_sqlite() {
    import_file_on(crate::cli::sqlite_url().0).await;
}

#[tokio::test]
async fn import_fact_checks_from_a_file_postgres() {
    if let Some(url) = TestApp::postgres_url_for_new_schema().await {
        import_file_on(url).await;
    }
}

// Among many imported statements that share a place or a subject with a
// claim, the one that shares all its rare words is found, however many
// others were imported before it.
db_test! {
    async fn the_statement_sharing_every_rare_word_is_found_among_many_alike(app: TestApp) {
        let mut elements: Vec<serde_json::Value> = (0..25)
            .flat_map(|n| {
                [
                    review(n, &format!("Oman bought {} wind turbines in 2023", 500 + n), "False"),
                    review(100 + n, &format!("Chile lost {} wind turbines in 2023", 500 + n), "False"),
                ]
            })
            .collect();
        elements.push(review(999, "Oman lost 450 wind turbines in 2023", "True"));
        let claims = import_then_extract(&app, feed_of(elements), "Oman lost 450 wind turbines in 2023, the ministry said.").await;
        let shown = &claims[0]["similar_external"];
        assert_eq!(shown["review_url"], "https://checker.example/checks/999", "{claims:?}");
    }
}

/// A cursor as a client could forge one: base64 of "micros|uuid".
fn forged_cursor(micros: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{micros}|{}", uuid::Uuid::now_v7()))
}

db_test! {
    async fn what_a_database_cannot_hold_is_refused_alike_on_both(app: TestApp) {
        let editor = app.user("editor@test.example", Role::Editor).await;
        // PostgreSQL stores no year before 4713 BC, and SQLite compares
        // times as text, where year 10000 sorts before 2026: times outside
        // the years 0001-9999 are refused before they reach either.
        let mut ancient = review(1, "The bridge opened in the year 4713 BC", "False");
        ancient["datePublished"] = json!("-4713-11-23");
        let mut numeric_url = review(2, "The canal carried 9 million tonnes", "False");
        numeric_url["url"] = json!(123);
        let feed = feed_of(vec![ancient, review(3, "The harbour froze for 40 days", "True"), numeric_url]);
        let report = app.as_user(&editor).post("/api/v1/fact-checks/import", feed).await;
        let report = report.expect(200).clone();
        assert_eq!((report["created"].as_u64(), report["refused"].as_u64()), (Some(1), Some(2)), "{report}");
        let reasons: Vec<&str> = report["refusals"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
        assert!(reasons[0].contains("0001 to 9999"), "{reasons:?}");
        assert!(reasons[1].contains("must be a string"), "{reasons:?}");

        for (path, field) in [
            ("/api/v1/claimreview/feed?since=-4800-01-01T00:00:00Z", "since"),
            ("/api/v1/claimreview/feed?since=%2B10000-01-01T00:00:00Z", "since"),
            ("/api/v1/claims?created_after=-4800-01-01T00:00:00Z", "created_after"),
            ("/api/v1/claims?updated_before=%2B10000-01-01T00:00:00Z", "updated_before"),
        ] {
            let refused = app.get(path).await;
            refused.problem(422);
            assert_eq!(refused.error_fields(), [field], "{path}");
        }
        // The export answers a filter the database could not run before
        // its status line, not with a 200 cut short.
        for accept in [None, Some("text/csv")] {
            let path = match accept {
                None => "/api/v1/claims/export.csv?created_after=-4800-01-01T00:00:00Z",
                Some(_) => "/api/v1/claims?created_after=-4800-01-01T00:00:00Z",
            };
            let (status, content_type, _) = csv(&app, None, path, accept).await;
            assert_eq!((status, content_type.as_str()), (422, "application/problem+json"), "{path}");
        }
        let malformed = app.get("/api/v1/claims?created_after=2026-13-01").await;
        let detail = malformed.problem(400)["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains("RFC 3339"), "{detail}");
        for micros in [-250_000_000_000_000_000, 300_000_000_000_000_000] {
            let cursor = forged_cursor(micros);
            for path in ["/api/v1/fact-checks", "/api/v1/claimreview/feed", "/api/v1/claims"] {
                app.get(&format!("{path}?cursor={cursor}")).await.problem(422);
            }
        }
        let article = json!({"title": "Old news", "body": "The bridge opened long ago.", "published_at": "-4713-11-23T00:00:00Z"});
        let refused = app.post("/api/v1/articles", article).await;
        refused.problem(422);
        assert_eq!(refused.error_fields(), ["published_at"]);
        assert_eq!(app.count("articles").await, 0);

        // A publisher filter PostgreSQL's text cannot hold, or longer than
        // any name, is refused; a name outside ASCII is found alike on both.
        app.get("/api/v1/fact-checks?publisher=a%00b").await.problem(422);
        let long = "x".repeat(501);
        app.get(&format!("/api/v1/fact-checks?publisher={long}")).await.problem(422);
        let mut accented = review(4, "The ferry sank in 1994", "True");
        accented["author"]["name"] = json!("Éditions Öko");
        app.as_user(&editor).post("/api/v1/fact-checks/import", json!([accented])).await.expect(200);
        for name in ["%C3%89ditions%20%C3%96ko", "%C3%89DITIONS%20%C3%96KO", "%20%C3%89ditions%20%C3%96ko%20"] {
            let found = app.get(&format!("/api/v1/fact-checks?publisher={name}")).await;
            let items = found.expect(200)["items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 1, "{name}");
            assert_eq!(items[0]["publisher"], "Éditions Öko");
        }

        // Words every text has are left out of a search on both
        // databases (PostgreSQL's stop words); a search of nothing else is
        // refused rather than matching everything on one and nothing on
        // the other.
        let found = app.get("/api/v1/fact-checks?q=it%20is%20the%20harbour").await;
        assert_eq!(found.expect(200)["items"].as_array().unwrap().len(), 1);
        app.get("/api/v1/fact-checks?q=the").await.problem(422);
        app.get("/api/v1/claims?q=it%20is").await.problem(422);

        // A body saved with a byte-order mark is read as JSON all the same.
        let marked = [&b"\xEF\xBB\xBF"[..], &serde_json::to_vec(&json!([review(5, "The dam burst in 1979", "True")])).unwrap()].concat();
        let response = app
            .as_user(&editor)
            .request(reqwest::Method::POST, "/api/v1/fact-checks/import")
            .header("content-type", "application/json")
            .body(marked)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["created"], 1, "{body}");

        // Millions of bad elements in 5 MB are counted, and the first
        // hundred described: the answer is not hundreds of times the body.
        // (2.4 MB: past the 2 MB other routes take, within this one's 5 MB.)
        let zeros = vec![0; 1_200_000];
        let report = app.as_user(&editor).post("/api/v1/fact-checks/import", json!(zeros)).await;
        let report = report.expect(200);
        assert_eq!(report["refused"], 1_200_000);
        assert_eq!(report["refusals"].as_array().unwrap().len(), 100);
        assert_eq!(app.count("fact_checks").await, 3);

        // An id as long as the request line allows is not echoed whole.
        let bad = app.get(&format!("/api/v1/fact-checks/{}", "x".repeat(20_000))).await;
        let detail = bad.problem(400)["detail"].as_str().unwrap().to_owned();
        assert!(detail.len() < 600, "{} bytes", detail.len());
    }
}
