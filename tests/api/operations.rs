//! What operators rely on, tried on the real binary: Prometheus metrics
//! (scraped and parsed), JSON logs whose lines carry the request ids clients
//! see, no secret in any log line, request and body deadlines, and a
//! shutdown that drains what is in flight.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use openmetrics_parser::prometheus::parse_prometheus;
use openmetrics_parser::{MetricsExposition, PrometheusType, PrometheusValue};
use sea_orm::{ConnectionTrait, TransactionTrait};

use serde_json::Value;

use super::cli::{self, Server};
use super::support::http_client;
use super::*;

/// POSTs JSON with a bearer token and returns the JSON answer.
async fn post_json(client: &reqwest::Client, url: &str, token: &str, body: Value) -> Value {
    let answer = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    answer.json().await.unwrap()
}

/// GETs with a bearer token and returns the JSON answer.
async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> Value {
    let answer = client.get(url).bearer_auth(token).send().await.unwrap();
    answer.json().await.unwrap()
}

/// A SQLite file, and a fresh PostgreSQL schema when `TEST_POSTGRES_URL` is set.
async fn databases() -> Vec<String> {
    let mut urls = vec![cli::sqlite_url().0];
    urls.extend(TestApp::postgres_url_for_new_schema().await);
    urls
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str, password: &str) -> Value {
    let answer = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

type Exposition = MetricsExposition<PrometheusType, PrometheusValue>;

async fn scrape(client: &reqwest::Client, port: u16) -> Exposition {
    let answer = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.text().await.unwrap();
    parse_prometheus(&text).unwrap_or_else(|e| panic!("not a valid Prometheus exposition ({e:?}):\n{text}"))
}

/// A server started with `env`, its base URL, a client and the first
/// admin's access token.
async fn signed_in(url: &str, env: &[(&str, &str)]) -> (Server, String, reqwest::Client, String) {
    let server = Server::start_with(url, env, None);
    let password = server.first_run_password();
    let base = server.base.clone();
    let client = http_client();
    let token = sign_in(&client, &base, "admin@localhost", &password).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (server, base, client, token)
}

/// The samples of a family with these labels.
fn samples<'a>(
    exposition: &'a Exposition,
    name: &str,
    labels: &'a [(&str, &str)],
) -> impl Iterator<Item = &'a PrometheusValue> {
    exposition
        .families
        .get(name)
        .into_iter()
        .flat_map(|family| family.iter_samples())
        .filter(move |sample| {
            let set = sample.get_labelset().unwrap();
            labels.iter().all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|sample| &sample.value)
}

/// The value of a counter or gauge with these labels; 0 when absent.
fn value(exposition: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    samples(exposition, name, labels)
        .map(|v| match v {
            PrometheusValue::Counter(c) => c.value.as_f64(),
            PrometheusValue::Gauge(n) | PrometheusValue::Unknown(n) => n.as_f64(),
            other => panic!("{name} is not a counter or gauge: {other:?}"),
        })
        .fold(0.0, |a, b| a + b)
}

/// How many observations a histogram with these labels has.
fn observations(exposition: &Exposition, name: &str, labels: &[(&str, &str)]) -> f64 {
    samples(exposition, name, labels)
        .map(|v| match v {
            PrometheusValue::Histogram(h) => h.count.unwrap_or_default() as f64,
            other => panic!("{name} is not a histogram: {other:?}"),
        })
        .fold(0.0, |a, b| a + b)
}

#[tokio::test]
async fn metrics_are_exposed_on_their_own_address_and_move() {
    for url in databases().await {
        let metrics_port = cli::free_port();
        let bind = format!("127.0.0.1:{metrics_port}");
        let server = Server::start_with(&url, &[("CLAIMDESK_METRICS_BIND", &bind)], None);
        let password = server.first_run_password();
        let base = server.base.clone();
        let client = http_client();
        // Not on the API's address.
        assert_eq!(
            client
                .get(format!("{base}/metrics"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let before = scrape(&client, metrics_port).await;
        assert_eq!(
            value(
                &before,
                "claimdesk_build_info",
                &[("version", env!("CARGO_PKG_VERSION"))]
            ),
            1.0
        );
        assert!(value(&before, "claimdesk_db_pool_connections", &[("state", "max")]) >= 1.0);
        for queue in ["matching", "webhook_deliveries"] {
            assert_eq!(
                value(&before, "claimdesk_queue_depth", &[("queue", queue)]),
                0.0,
                "{url}"
            );
        }

        let token = sign_in(&client, &base, "admin@localhost", &password).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let bad = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "admin@localhost", "password": "not the password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 401);
        let created = post_json(&client, &format!("{base}/api/v1/articles"), &token, json!({"title": "Port", "body": "The port handled 4.2 million containers last year, officials said. Ferries carried 300,000 cars."})).await;
        let claims = created["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{created}");
        let mut ids = Vec::new();
        for claim in claims {
            let id = claim["id"].as_str().unwrap();
            ids.push(id.to_owned());
            let read = client
                .get(format!("{base}/api/v1/claims/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(read.status(), 200);
        }
        let taken = client
            .post(format!("{base}/api/v1/claims/{}/transitions", ids[0]))
            .bearer_auth(&token)
            .json(&json!({"to": "in_progress"}))
            .send()
            .await
            .unwrap();
        assert_eq!(taken.status(), 200);
        // Pages one claim long, then a filtered page: the time bound, the
        // cursor and the status are bound values that a direct SQLite read
        // must pass as sqlx would.
        let list = |query: String| {
            let (client, token) = (client.clone(), token.clone());
            let url = format!("{base}/api/v1/claims?{query}");
            async move {
                let page = get_json(&client, &url, &token).await;
                let ids: Vec<String> = page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["id"].as_str().unwrap().to_owned())
                    .collect();
                (ids, page["next_cursor"].as_str().map(str::to_owned))
            }
        };
        let (mut seen, cursor) = list("limit=1&updated_after=2000-01-01T00:00:00Z".into()).await;
        let (more, last) = list(format!(
            "limit=1&updated_after=2000-01-01T00:00:00Z&cursor={}",
            cursor.unwrap()
        ))
        .await;
        seen.extend(more);
        seen.sort();
        let mut all = ids.clone();
        all.sort();
        assert_eq!((seen, last.is_none()), (all, true), "{url}");
        assert_eq!(
            list("status=unverified".into()).await.0,
            [ids[1].clone()],
            "{url}"
        );

        for invented in ["BREW", "WHEN", "XYZZY"] {
            let method = reqwest::Method::from_bytes(invented.as_bytes()).unwrap();
            let answer = client
                .request(method, format!("{base}/api/v1/claims"))
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 405);
        }

        let after = scrape(&client, metrics_port).await;
        // On SQLite, claims were read on the request's thread, and none fell
        // back to sqlx (`db::direct`); PostgreSQL never reads that way.
        let direct = |result| {
            value(
                &after,
                "claimdesk_sqlite_direct_reads_total",
                &[("result", result)],
            )
        };
        let sqlite = url.starts_with("sqlite:");
        assert_eq!(
            (direct("read") >= 5.0, direct("fell_back")),
            (sqlite, 0.0),
            "{url}"
        );
        // Invented methods share one label value.
        assert_eq!(
            value(
                &after,
                "http_requests_total",
                &[("method", "other"), ("status", "405")]
            ),
            3.0
        );
        assert_eq!(value(&after, "http_requests_total", &[("method", "BREW")]), 0.0);
        let route = "/api/v1/claims/{id}";
        assert_eq!(
            value(
                &after,
                "http_requests_total",
                &[("method", "GET"), ("route", route), ("status", "200")]
            ),
            2.0,
            "{url}"
        );
        assert_eq!(
            observations(
                &after,
                "http_request_duration_seconds",
                &[("method", "GET"), ("route", route)]
            ),
            2.0
        );
        assert_eq!(
            value(
                &after,
                "http_requests_total",
                &[("route", "/api/v1/auth/login"), ("status", "401")]
            ),
            1.0
        );
        // Ids never reach a label: routes are templates.
        for family in after.families.values() {
            for sample in family.iter_samples() {
                let set = sample.get_labelset().unwrap();
                for name in family.get_label_names() {
                    let label = set.get_label_value(name).unwrap_or_default();
                    assert!(
                        !ids.iter().any(|id| label.contains(id.as_str())),
                        "{} {name}={label}",
                        family.family_name
                    );
                }
            }
        }
        assert_eq!(value(&after, "claimdesk_sign_in_failures_total", &[]), 1.0);
        assert_eq!(value(&after, "claimdesk_extraction_texts_total", &[]), 1.0);
        assert_eq!(value(&after, "claimdesk_extraction_claims_total", &[]), 2.0);
        assert!(value(&after, "claimdesk_extraction_bytes_total", &[]) > 90.0);
        assert_eq!(
            observations(&after, "claimdesk_extraction_duration_seconds", &[]),
            1.0
        );
        assert_eq!(
            value(
                &after,
                "claimdesk_workflow_transitions_total",
                &[("from", "unverified"), ("to", "in_progress")]
            ),
            1.0
        );
        assert!(
            observations(&after, "claimdesk_db_statement_seconds", &[])
                > observations(&before, "claimdesk_db_statement_seconds", &[])
        );
        assert!(observations(&after, "claimdesk_db_begin_write_seconds", &[]) >= 3.0);
        for documented in [
            "http_requests_total",
            "claimdesk_queue_depth",
            "claimdesk_workflow_transitions_total",
        ] {
            assert!(
                !after.families[documented].help.is_empty(),
                "{documented} has HELP"
            );
        }
        let _ = server.terminate();
    }
}

/// Reads a finished server's log: every line must be one JSON object.
fn json_log(server: Server) -> Vec<Value> {
    let (_, rest) = server.terminate();
    rest.iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

#[tokio::test]
async fn json_logs_tie_requests_to_their_ids_and_keep_secrets_out() {
    for url in databases().await {
        let server = Server::start_with(&url, &[("CLAIMDESK_LOG_FORMAT", "json")], None);
        for line in &server.startup_log {
            let entry: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(
                entry["timestamp"].is_string() && entry["level"].is_string() && entry["target"].is_string()
            );
        }
        let password = server.first_run_password();
        let base = server.base.clone();
        let client = http_client();
        let admin = sign_in(&client, &base, "admin@localhost", &password).await;
        let token = admin["access_token"].as_str().unwrap().to_owned();
        let refresh = admin["refresh_token"].as_str().unwrap().to_owned();
        let secret_password = "correct horse battery staple 4417";
        let user = post_json(&client, &format!("{base}/api/v1/users"), &token, json!({"email": "ops@test.example", "display_name": "Ops", "password": secret_password, "role": "editor"})).await;
        let editor = sign_in(&client, &base, "ops@test.example", secret_password).await;
        let editor_token = editor["access_token"].as_str().unwrap().to_owned();
        let api_token = post_json(
            &client,
            &format!("{base}/api/v1/tokens"),
            &editor_token,
            json!({"name": "cms", "role": "reporter"}),
        )
        .await;
        let api_token = api_token["token"].as_str().unwrap().to_owned();
        let listed = client
            .get(format!("{base}/api/v1/articles"))
            .bearer_auth(&api_token)
            .header("x-request-id", "cms-sync-0042")
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200);
        assert_eq!(listed.headers()["x-request-id"], "cms-sync-0042");
        // A missing claim: the problem names the request it answers.
        let missing = client
            .get(format!(
                "{base}/api/v1/claims/00000000-0000-7000-8000-000000000000"
            ))
            .bearer_auth(&api_token)
            .header("x-request-id", "<script>alert(1)</script>")
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        let generated = missing.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(
            uuid::Uuid::parse_str(&generated).is_ok(),
            "an unsafe id is replaced: {generated}"
        );
        let problem: Value = missing.json().await.unwrap();
        assert_eq!(problem["request_id"], generated.as_str());
        let refreshed = client
            .post(format!("{base}/api/v1/auth/refresh"))
            .json(&json!({"refresh_token": refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(refreshed.status(), 200);
        let wrong = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "ops@test.example", "password": "a wrong guess 8812"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);

        let log = json_log(server);
        let access: Vec<&Value> = log
            .iter()
            .filter(|l| l["target"] == "claimdesk::access")
            .collect();
        let line = access
            .iter()
            .find(|l| l["request_id"] == "cms-sync-0042")
            .expect("the request's log line");
        assert_eq!(line["method"], "GET");
        assert_eq!(line["route"], "/api/v1/articles");
        assert_eq!(line["status"], 200);
        assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
        assert_eq!(line["user_id"], user["id"], "the signed-in user, not the token");
        let line = access
            .iter()
            .find(|l| l["request_id"] == generated.as_str())
            .expect("the 404's log line");
        assert_eq!(
            (&line["route"], &line["status"]),
            (&json!("/api/v1/claims/{id}"), &json!(404))
        );
        assert!(access.len() >= 8, "{access:?}");

        let text: String = log.iter().map(|l| format!("{l}\n")).collect();
        let renewed: Value = refreshed.json().await.unwrap();
        for secret in [
            secret_password,
            "a wrong guess 8812",
            &token,
            &editor_token,
            &refresh,
            &api_token,
            renewed["access_token"].as_str().unwrap(),
            renewed["refresh_token"].as_str().unwrap(),
        ] {
            assert!(!text.contains(secret), "{url}: a secret reached the log");
        }
        for header in ["authorization", "Bearer "] {
            assert!(
                !text.to_lowercase().contains(&header.to_lowercase()),
                "{header} reached the log"
            );
        }
    }
}

db_test_with! {
    claimdesk::http::Settings { request_timeout: Duration::from_secs(1), body_timeout: Duration::from_millis(400), ..claimdesk::http::Settings::default() };

    // A write stuck behind a lock is abandoned at the deadline with a 503
    // problem, and nothing of it is kept.
    async fn a_request_past_its_deadline_is_503_and_writes_nothing(app: TestApp) {
        let blocker = app.db.begin_with_options(sea_orm::TransactionOptions {
            sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        }).await.unwrap();
        if blocker.get_database_backend() == sea_orm::DbBackend::Postgres {
            blocker.execute_unprepared("LOCK TABLE articles IN EXCLUSIVE MODE").await.unwrap();
        }
        let started = Instant::now();
        let late = app.post("/api/v1/articles", json!({"title": "Late", "body": "The council hired 40 drivers."})).await;
        let waited = started.elapsed();
        let problem = late.problem(503);
        assert_eq!(problem["type"], "urn:claimdesk:problem:timed-out");
        assert!(late.header("retry-after").is_some());
        assert!(problem["request_id"].is_string());
        assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(5), "{waited:?}");
        blocker.rollback().await.unwrap();
        assert_eq!(app.count("articles").await, 0);
        assert_eq!(app.count("claims").await, 0);
        // Reads and writes work again once the lock is gone.
        app.post("/api/v1/articles", json!({"title": "On time", "body": "The council hired 40 drivers."})).await.expect(201);
        // A long poll ends before the deadline instead of running into it.
        let polled = app.get("/api/v1/events?wait=30").await;
        assert_eq!(polled.status, 200);
    }

    // A client that stops sending its body is answered 408.
    async fn a_body_that_stalls_is_408(app: TestApp) {
        let address = app.base.trim_start_matches("http://").to_owned();
        let token = app.token.clone();
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            write!(
                stream,
                "POST /api/v1/articles HTTP/1.1\r\nhost: test\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{{\"title\": \"Slow\","
            )
            .unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut answer = vec![0; 4096];
            let n = stream.read(&mut answer).unwrap();
            String::from_utf8_lossy(&answer[..n]).into_owned()
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
        assert_eq!(app.count("articles").await, 0);
    }
}

/// On SIGTERM a request in flight still gets its answer; one that would
/// outlast the grace period is cut off, and the process exits on time.
#[tokio::test]
async fn shutdown_drains_in_flight_requests_within_the_grace_period() {
    let (url, _) = cli::sqlite_url();
    let (server, base, client, token) = signed_in(&url, &[("CLAIMDESK_SHUTDOWN_GRACE", "3s")]).await;
    let poll = |wait: u32| {
        let request = client
            .get(format!("{base}/api/v1/events?wait={wait}"))
            .bearer_auth(&token);
        tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
    };
    let short = poll(1);
    let long = poll(25);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let pid = server.child.id().to_string();
    let mut child = server.drain_log();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert_eq!(short.await.unwrap().unwrap(), 200, "the short poll is answered");
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(
        took < Duration::from_secs(8),
        "exited {took:?} after SIGTERM with a 3 s grace"
    );
    assert!(
        long.await.unwrap().is_err(),
        "the long poll was cut off at the end of the grace"
    );
}

/// `serve --embedding-model` (here `CLAIMDESK_EMBEDDING_MODEL`) loads the
/// model, matches a fact-check by meaning, and counts and times the
/// embeddings it computes; a directory without the model stops the start
/// with a message naming the file.
#[tokio::test]
async fn the_server_matches_by_meaning_with_the_model_and_counts_the_work() {
    let model = crate::support::model_dir();
    let model = model.to_str().unwrap();
    for url in databases().await {
        let metrics_port = cli::free_port();
        let bind = format!("127.0.0.1:{metrics_port}");
        let (server, base, client, token) = signed_in(
            &url,
            &[
                ("CLAIMDESK_METRICS_BIND", &bind),
                ("CLAIMDESK_EMBEDDING_MODEL", model),
            ],
        )
        .await;
        let feed = json!([{
            "@type": "ClaimReview",
            "url": "https://checker.example/ferries",
            "claimReviewed": "Ferries carried 300,000 cars across the strait last year",
            "author": {"@type": "Organization", "name": "Checker"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"}
        }]);
        let imported = post_json(
            &client,
            &format!("{base}/api/v1/fact-checks/import"),
            &token,
            feed,
        )
        .await;
        assert_eq!(imported["created"], 1, "{imported}");
        let created = post_json(
            &client,
            &format!("{base}/api/v1/articles"),
            &token,
            json!({"title": "Strait", "body": "Officials said ferries carried 300,000 cars across the strait last year."}),
        )
        .await;
        let id = created["claims"][0]["id"].as_str().unwrap().to_owned();
        let deadline = Instant::now() + Duration::from_secs(5);
        let shown = loop {
            let claim = get_json(&client, &format!("{base}/api/v1/claims/{id}"), &token).await;
            if !claim["similar_external"].is_null() || Instant::now() > deadline {
                break claim;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(
            shown["similar_external"]["review_url"], "https://checker.example/ferries",
            "{shown}"
        );
        let after = scrape(&client, metrics_port).await;
        assert!(
            value(&after, "claimdesk_embeddings_computed_total", &[]) >= 2.0,
            "{url}"
        );
        assert!(
            observations(&after, "claimdesk_embedding_batch_seconds", &[]) >= 1.0,
            "{url}"
        );
        let (clean, log) = server.terminate();
        assert!(clean, "{log:#?}");
    }

    let (url, _file) = cli::sqlite_url();
    let empty = std::env::temp_dir().join(format!("claimdesk-no-model-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&empty).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimdesk"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .env("CLAIMDESK_EMBEDDING_MODEL", &empty)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot load the embedding model") && stderr.contains("model.safetensors"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&empty).ok();
}
