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
