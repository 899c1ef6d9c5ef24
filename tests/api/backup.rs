//! `claimdesk export` and `claimdesk import`, run as the real binary: a desk
//! moved SQLite → PostgreSQL → SQLite (and PostgreSQL → SQLite → PostgreSQL)
//! answers every GET exactly as before (bodies byte for byte, ETags, status),
//! keeps its passwords, tokens and history, and an import that is refused or
//! fails changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

use claimdesk::domain::role::Role;
use sea_orm::ConnectionTrait;

use super::*;
use crate::cli::{Server, login, sqlite_url};
use crate::support::PASSWORD;

const BIN: &str = env!("CARGO_BIN_EXE_claimdesk");

const BUSES: &str = "The transport ministry said 1,200 new buses entered service in March. \
Commuters in Lisbon waited more than 40 minutes on average, according to a passenger survey.";
const PORT: &str = "Mayor Ana Silva said 1,200 new buses entered service in March in Lisbon. \
The port handled 12 million containers last year, the harbour authority said.";

/// What one GET answered: status, the headers a client acts on, and the
/// body exactly as sent.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    etag: Option<String>,
    content_type: Option<String>,
    body: String,
}

type Snapshot = BTreeMap<String, Answer>;

fn run(args: &[&str], database_url: &str) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run claimdesk")
}

#[track_caller]
fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[track_caller]
fn failed_with(out: &Output, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure; stderr: {stderr}");
    assert!(stderr.contains(words), "{words:?} not in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn export(database_url: &str, file: &Path) {
    succeeded(&run(
        &["export", "--output", file.to_str().unwrap()],
        database_url,
    ));
    assert!(!PathBuf::from(format!("{}.partial", file.display())).exists());
}

fn import(database_url: &str, file: &Path) {
    let out = run(&["import", file.to_str().unwrap()], database_url);
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported"));
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "claimdesk-{name}-{}.ndjson",
        uuid::Uuid::now_v7().simple()
    ))
}

async fn new_database(postgres: bool) -> String {
    if postgres && let Some(url) = TestApp::postgres_url_for_new_schema().await {
        return url;
    }
    sqlite_url().0
}

/// Rows per table, and the tables with rows, read straight from a database.
async fn rows(database_url: &str) -> (BTreeMap<&'static str, i64>, Vec<&'static str>) {
    let db = claimdesk::db::connect(database_url).await.expect("connect");
    claimdesk::db::migrate(&db).await.expect("migrate");
    let mut counts = BTreeMap::new();
    for table in claimdesk::db::dump::TABLES {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.insert(*table, row.try_get::<i64>("", "n").unwrap());
    }
    let nonempty = claimdesk::db::dump::nonempty_tables(&db).await.unwrap();
    db.close().await.ok();
    (counts, nonempty)
}

async fn get_status(base: &str, path: &str, token: &str) -> u16 {
    crate::support::http_client()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A served database's process, killed when dropped, so that a failing
/// assertion never leaves a server running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `claimdesk serve` on a database: its address, and the process. Its log
/// is read in the background from the start (a full pipe would stall it).
fn serve(database_url: &str) -> (String, Running) {
    let server = Server::start_with(database_url, &[], None);
    let base = server.base.clone();
    (base, Running(server.drain_log()))
}

fn stop(server: Running) {
    drop(server);
}

/// Everything the desk can read, answered by the server at `base`.
async fn snapshot(base: &str, token: &str) -> Snapshot {
    let client = crate::support::http_client();
    let get = |path: String| {
        let request = client.get(format!("{base}{path}")).bearer_auth(token);
        async move {
            let response = request.send().await.expect("request");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            let (etag, content_type) = (header("etag"), header("content-type"));
            let status = response.status().as_u16();
            let mut body = response.text().await.expect("body");
            // A problem names the request it answers; that id is new each time.
            if content_type.as_deref() == Some("application/problem+json") {
                let mut problem: serde_json::Value = serde_json::from_str(&body).expect("problem JSON");
                assert!(problem.as_object_mut().unwrap().remove("request_id").is_some());
                body = problem.to_string();
            }
            Answer {
                status,
                etag,
                content_type,
                body,
            }
        }
    };
    let mut paths: Vec<String> = [
        "/api/v1/me",
        "/api/v1/users?limit=200",
        "/api/v1/tokens?limit=200",
        "/api/v1/articles?limit=200",
        "/api/v1/claims?limit=200",
        "/api/v1/claims?limit=200&status=verified",
        "/api/v1/claims?q=buses%20service",
        "/api/v1/claims?q=lisbon",
        "/api/v1/articles?q=buses",
        "/api/v1/events?limit=200",
        "/api/v1/webhooks",
    ]
    .map(str::to_owned)
    .into();
    let ids = |answer: &Answer| -> Vec<String> {
        let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let users = get("/api/v1/users?limit=200".into()).await;
    let articles = get("/api/v1/articles?limit=200".into()).await;
    let claims = get("/api/v1/claims?limit=200".into()).await;
    let webhooks = get("/api/v1/webhooks".into()).await;
    for id in ids(&users) {
        paths.push(format!("/api/v1/users/{id}"));
    }
    for id in ids(&articles) {
        paths.push(format!("/api/v1/articles/{id}"));
    }
    for id in ids(&claims) {
        for tail in [
            "",
            "/history",
            "/sources",
            "/comments",
            "/links",
            "/similar",
            "/claimreview",
        ] {
            paths.push(format!("/api/v1/claims/{id}{tail}"));
        }
    }
    for id in ids(&webhooks) {
        paths.push(format!("/api/v1/webhooks/{id}"));
        paths.push(format!("/api/v1/webhooks/{id}/deliveries"));
    }
    let mut snapshot = Snapshot::new();
    for path in paths {
        let answer = get(path.clone()).await;
        snapshot.insert(path, answer);
    }
    snapshot
}

/// Search ranks are each engine's own (FTS5's bm25, PostgreSQL's ts_rank):
/// between databases, a search finds the same items, in an order and with
/// ranks of its own.
fn without_ranks(snapshot: &Snapshot) -> Snapshot {
    snapshot
        .iter()
        .map(|(path, answer)| {
            let mut body = answer.body.clone();
            if path.contains("q=") {
                let mut value: serde_json::Value = serde_json::from_str(&body).unwrap();
                let items = value["items"].as_array_mut().unwrap();
                for item in items.iter_mut() {
                    item.as_object_mut().unwrap().remove("rank");
                }
                items.sort_by_key(|i| i["id"].as_str().unwrap().to_owned());
                value.as_object_mut().unwrap().remove("next_cursor");
                body = value.to_string();
            }
            let answer = Answer {
                status: answer.status,
                etag: answer.etag.clone(),
                content_type: answer.content_type.clone(),
                body,
            };
            (path.clone(), answer)
        })
        .collect()
}

#[track_caller]
fn assert_same(expected: &Snapshot, got: &Snapshot, leg: &str) {
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "{leg}: different resources"
    );
    for (path, answer) in expected {
        assert_eq!(answer, &got[path], "{leg}: GET {path} answers differently");
    }
}

/// A desk with every kind of record, made through the API. Returns the
/// admin's access token and an API token's secret.
async fn fill(app: &TestApp) -> (String, String) {
    let checker = app.user("checker@test.example", Role::Checker).await;
    let editor = app.user("editor@test.example", Role::Editor).await;
    let second = app.user("editor2@test.example", Role::Editor).await;
    let reporter = app.user("reporter@test.example", Role::Reporter).await;
    let api_token = app
        .as_user(&editor)
        .post(
            "/api/v1/tokens",
            json!({"name": "CMS plug-in", "role": "reporter"}),
        )
        .await
        .expect(201)["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let first = app
        .post(
            "/api/v1/articles",
            json!({"title": "Buses", "body": BUSES, "url": "https://news.example.org/buses",
                   "outlet": "Daily Example", "published_at": "2026-11-20T08:00:00.123456Z"}),
        )
        .await
        .expect(201)
        .clone();
    let second_article = app
        .post(
            "/api/v1/articles",
            json!({"title": "Port and buses", "body": PORT}),
        )
        .await
        .expect(201)
        .clone();
    let article_path = format!("/api/v1/articles/{}", first["id"].as_str().unwrap());
    app.patch(&article_path, json!({"author": "Rita Reporter"}), Some("\"1\""))
        .await
        .expect(200);
    let claim = first["claims"][0]["id"].as_str().unwrap().to_owned();
    let repeat = second_article["claims"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/claims/{claim}");
    let transitions = format!("{path}/transitions");

    // Verified, with evidence, a verdict by one editor approved by another.
    let (checker_c, editor_c, second_c) = (app.as_user(&checker), app.as_user(&editor), app.as_user(&second));
    checker_c
        .post(&transitions, json!({"to": "in_progress"}))
        .await
        .expect(200);
    checker_c
        .post(
            &format!("{path}/sources"),
            json!({"url": "https://stats.example.gov/fleet", "title": "Fleet report", "stance": "refutes",
                   "note": "Table 2"}),
        )
        .await
        .expect(201);
    app.as_user(&reporter)
        .post(
            &format!("{path}/comments"),
            json!({"body": "Readers ask about March."}),
        )
        .await
        .expect(201);
    checker_c
        .post(
            &format!("{path}/comments"),
            json!({"body": "Ministry called back: 800."}),
        )
        .await
        .expect(201);
    editor_c
        .post(
            &transitions,
            json!({"to": "in_review", "verdict": {"rating": "mostly_false", "summary": "The fleet grew by 800, not 1,200."}}),
        )
        .await
        .expect(200);
    let etag = second_c.get(&path).await.header("etag").unwrap().to_owned();
    let approval = second_c
        .request(reqwest::Method::POST, &transitions)
        .header("if-match", etag)
        .json(&json!({"to": "verified"}));
    app.send(approval).await.expect(200);
    checker_c
        .post(
            &format!("{path}/links"),
            json!({"claim_id": repeat, "relation": "same_as"}),
        )
        .await
        .expect(201);
    app.settled().await;
    // Last, so no delivery is under way while the desk is copied.
    app.as_user(&editor)
        .post(
            "/api/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/claimdesk", "events": ["claim.verified"], "description": "Site"}),
        )
        .await
        .expect(201);
    app.settled().await;
    (app.token.clone(), api_token)
}

/// Moves a desk from `source` to the other kind of database and back, and
/// checks that every answer stays the same.
async fn round_trip(source: String) {
    let from_postgres = source.starts_with("postgres");
    // The webhook goes to this machine, so no name needs resolving.
    let settings = claimdesk::http::Settings {
        webhooks: claimdesk::service::webhooks::WebhookSettings {
            allow_private: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = TestApp::start(&source, settings).await;
    let (token, api_token) = fill(&app).await;
    let original = snapshot(&app.base, &token).await;
    assert!(original.len() > 40, "{} answers only", original.len());
    let verified_review = original
        .iter()
        .find(|(p, a)| p.ends_with("/claimreview") && a.status == 200)
        .expect("a published ClaimReview");
    assert_eq!(
        verified_review.1.content_type.as_deref(),
        Some("application/ld+json")
    );
    // The answers compared are not empty ones.
    let items = |path: &str| -> usize {
        let body: serde_json::Value = serde_json::from_str(&original[path].body).unwrap();
        body["items"].as_array().map_or(0, Vec::len)
    };
    let verified = verified_review.0.trim_end_matches("/claimreview");
    assert!(items("/api/v1/claims?q=buses%20service") >= 2);
    assert!(items("/api/v1/articles?q=buses") == 2);
    assert!(items(&format!("{verified}/similar")) >= 1);
    assert!(items(&format!("{verified}/history")) >= 5);
    assert!(items(&format!("{verified}/links")) == 1);
    assert!(items(&format!("{verified}/comments")) == 2);
    assert!(items("/api/v1/events?limit=200") >= 10);
    assert!(items("/api/v1/tokens?limit=200") == 1);
    // The claim as shown carries its link: on PostgreSQL, links are read
    // only when `claims.extras` says so, and an import must work that
    // column out again.
    let detail: serde_json::Value = serde_json::from_str(&original[verified].body).unwrap();
    assert_eq!(detail["links"].as_array().map_or(0, Vec::len), 1);

    // Out of the source, into the other kind of database.
    let file = temp_file("export");
    export(&source, &file);
    let (source_rows, _) = rows(&source).await;
    let middle = new_database(!from_postgres).await;
    import(&middle, &file);
    let (middle_rows, _) = rows(&middle).await;
    assert_eq!(source_rows, middle_rows);
    assert!(middle_rows["claim_events"] > 0 && middle_rows["claim_reviews"] == 1);
    let (base, server) = serve(&middle);
    let moved = snapshot(&base, &token).await;
    let cross = middle.starts_with("postgres") != from_postgres;
    if cross {
        assert_same(
            &without_ranks(&original),
            &without_ranks(&moved),
            "after the first move",
        );
    } else {
        assert_same(&original, &moved, "after the first move");
    }
    // Refused: a database that is not empty, even with --force once it has
    // history; nothing changes.
    failed_with(&run(&["import", file.to_str().unwrap()], &middle), "not empty");
    failed_with(
        &run(&["import", "--force", file.to_str().unwrap()], &middle),
        "append-only",
    );
    assert_eq!(rows(&middle).await.0, middle_rows);
    assert_same(&moved, &snapshot(&base, &token).await, "after the refusals");

    // And back to the first kind, from the copy.
    let second_file = temp_file("export-again");
    export(&middle, &second_file);
    // Passwords, API tokens and sign-in keep working (after the export: a
    // token's last use is part of what the desk shows).
    assert_eq!(login(&base, "checker@test.example", PASSWORD).await, 200);
    assert_eq!(
        login(&base, "checker@test.example", "not the password").await,
        401
    );
    assert_eq!(get_status(&base, "/api/v1/articles", &api_token).await, 200);
    stop(server);

    let back = new_database(from_postgres).await;
    import(&back, &second_file);
    assert_eq!(rows(&back).await.0, source_rows);
    let (base, server) = serve(&back);
    let returned = snapshot(&base, &token).await;
    let original_after = snapshot(&app.base, &token).await;
    assert_same(&original, &original_after, "the source, untouched by exporting");
    assert_same(&original, &returned, "after the round trip");
    assert_eq!(login(&base, "editor2@test.example", PASSWORD).await, 200);
    assert_eq!(get_status(&base, "/api/v1/claims", &api_token).await, 200);
    stop(server);

    for f in [file, second_file] {
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn round_trip_sqlite_postgres_sqlite() {
    round_trip(sqlite_url().0).await;
}

#[tokio::test]
async fn round_trip_postgres_sqlite_postgres() {
    if let Some(url) = TestApp::postgres_url_for_new_schema().await {
        round_trip(url).await;
    }
}

/// A desk's export, and the database it came from.
async fn small_export() -> (PathBuf, String) {
    let (url, _) = sqlite_url();
    succeeded(&run(&["seed", "--claims", "120"], &url));
    let file = temp_file("small");
    export(&url, &file);
    (file, url)
}

async fn broken_files_change_nothing(postgres: bool) {
    let (file, _) = small_export().await;
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("\"format\":\"claimdesk-export\""));
    assert!(lines.last().unwrap().starts_with("{\"end\":true"));
    let write = |name: &str, content: String| {
        let path = temp_file(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let cut_mid_line = write("cut", text[..text.len() * 2 / 3].to_owned());
    let no_trailer = write("no-trailer", lines[..lines.len() - 1].join("\n") + "\n");
    let of_table = |table: &str| {
        let prefix = format!("{{\"table\":\"{table}\"");
        lines.iter().rposition(|l| l.starts_with(&prefix)).unwrap()
    };
    // A claim with an id that is no uuid: its articles are in by then.
    let mut garbled: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let claim = of_table("claims");
    garbled[claim] = garbled[claim].replacen("\"id\":\"", "\"id\":\"not-a-uuid", 1);
    let garbled = write("garbled", garbled.join("\n") + "\n");
    // A row missing that the trailer counts (one nothing depends on).
    let mut miscounted: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    miscounted.remove(of_table("term_stats"));
    let miscounted = write("miscounted", miscounted.join("\n") + "\n");
    let future = write(
        "future",
        text.replacen("\"schema\":\"m2026", "\"schema\":\"m2099", 1),
    );
    let not_export = write("not-export", "hello\n".into());

    for (path, words) in [
        (&cut_mid_line, "incomplete"),
        (&no_trailer, "incomplete"),
        (&garbled, "line"),
        (&miscounted, "the trailer counts"),
        (&future, "newer than this binary"),
        (&not_export, "not a claimdesk export"),
    ] {
        let target = new_database(postgres).await;
        failed_with(&run(&["import", path.to_str().unwrap()], &target), words);
        let (counts, nonempty) = rows(&target).await;
        assert!(nonempty.is_empty(), "{words}: rows left in {nonempty:?}");
        assert_eq!(
            counts["term_stats"], 1,
            "{words}: the migration's own row is back"
        );
        let _ = std::fs::remove_file(path);
    }

    // A good file still goes in after all that, and --force replaces a
    // database without history.
    let target = new_database(postgres).await;
    let added = Command::new(BIN)
        .args([
            "user",
            "add",
            "--email",
            "x@test.example",
            "--role",
            "admin",
            "--password-env",
            "PW",
        ])
        .env("DATABASE_URL", &target)
        .env("PW", PASSWORD)
        .output()
        .unwrap();
    succeeded(&added);
    failed_with(
        &run(&["import", file.to_str().unwrap()], &target),
        "not empty (rows in users)",
    );
    succeeded(&run(&["import", "--force", file.to_str().unwrap()], &target));
    let (counts, _) = rows(&target).await;
    assert_eq!((counts["claims"], counts["users"]), (120, 0));
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn broken_files_change_nothing_sqlite() {
    broken_files_change_nothing(false).await;
}

#[tokio::test]
async fn broken_files_change_nothing_postgres() {
    if std::env::var("TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        broken_files_change_nothing(true).await;
    }
}
