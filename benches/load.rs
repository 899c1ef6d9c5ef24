//! Throughput under load, side by side with the machine's ceiling.
//!
//!     cargo bench --bench load                          # 1,000 claims
//!     cargo bench --bench load -- --large 1000000       # and again at 1,000,000
//!     cargo bench --bench load -- --only sqlite --duration 10
//!     cargo bench --bench load -- --what "GET /claims/"   # one kind of request
//!     BENCH_CLAIMDESK_BIN=/tmp/claimdesk-main cargo bench --bench load   # another build
//!
//! PostgreSQL is measured when BENCH_POSTGRES_URL points at a server
//! (`postgres://postgres@127.0.0.1:5432`). Needs `wrk` (Debian package
//! `wrk`; installed with apt-get when missing and running as root).
//!
//! For each database it starts, one after the other on the same machine:
//! - the ceiling: a bare axum + sqlx server answering one primary-key row of
//!   a 1,000-row table as JSON, with no authentication;
//! - claimdesk itself (the release binary), on a database seeded with
//!   `--claims` generated claims (kept and reused under `target/bench-data`
//!   and `claimdesk_load_<N>` on PostgreSQL),
//!
//! and drives each with wrk (2 threads, 64 connections, a warm-up, then
//! `--duration` seconds): the ceiling's row, `GET /api/v1/claims/{id}` with a
//! JWT, `GET /api/v1/claims?limit=50`, and `POST /api/v1/articles` with a
//! ~500-word article (extraction and matching on; every request's numbers
//! differ). It prints req/s, p50, p99, errors (non-2xx answers and socket
//! errors, timeouts included), the ratio to the ceiling on the same
//! database, and claimdesk's resident memory after its run.

mod support;

use std::process::Command;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::get;
use sea_orm::sqlx::{self, Row};
use sea_orm::{ConnectionTrait, Statement};

use support::{bench_dir, database_url, login, rss_mb, start_claimdesk};
const CONNECTIONS: usize = 64;

struct Options {
    claims: usize,
    large: Option<usize>,
    duration: u64,
    only: Option<String>,
    /// Only the requests whose name contains this (e.g. "GET /claims/").
    what: Option<String>,
}

#[derive(Debug, Clone)]
struct Run {
    database: &'static str,
    claims: usize,
    what: &'static str,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
    ceiling_rps: f64,
}

fn main() {
    let mut options = Options {
        claims: 1000,
        large: None,
        duration: 15,
        only: None,
        what: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match arg.as_str() {
            "--claims" => options.claims = value().parse().expect("--claims N"),
            "--large" => options.large = Some(value().parse().expect("--large N")),
            "--duration" => options.duration = value().parse().expect("--duration seconds"),
            "--only" => options.only = Some(value()),
            "--what" => options.what = Some(value()),
            _ => {}
        }
    }
    ensure_wrk();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut runs = Vec::new();
    let mut sizes = vec![options.claims];
    sizes.extend(options.large);
    for database in ["sqlite", "postgres"] {
        if options.only.as_deref().is_some_and(|o| o != database) {
            continue;
        }
        let server = std::env::var("BENCH_POSTGRES_URL").ok();
        if database == "postgres" && server.is_none() {
            eprintln!("BENCH_POSTGRES_URL is not set: PostgreSQL is not measured");
            continue;
        }
        let ceiling = runtime.block_on(ceiling_rate(database, server.as_deref(), options.duration));
        for &claims in &sizes {
            let url = runtime.block_on(database_url(database, server.as_deref(), claims));
            runs.extend(measure(&runtime, database, &url, claims, ceiling, &options));
        }
    }
    print_table(&runs);
}

fn ensure_wrk() {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return;
    }
    eprintln!("wrk is missing; installing the Debian package");
    let _ = Command::new("apt-get").arg("update").arg("-qq").status();
    let status = Command::new("apt-get")
        .args(["install", "-y", "-qq", "wrk"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "install wrk (apt-get install wrk) and run again"
    );
}

/// Runs wrk against `url` after a warm-up; `script` is a Lua file for POSTs.
fn wrk(url: &str, token: Option<&str>, script: Option<&str>, seconds: u64) -> (f64, f64, f64, u64) {
    let mut args: Vec<String> = vec![
        "-t2".into(),
        format!("-c{CONNECTIONS}"),
        "--latency".into(),
        "--timeout".into(),
        "5s".into(),
    ];
    if let Some(token) = token {
        args.push("-H".into());
        args.push(format!("Authorization: Bearer {token}"));
    }
    if let Some(script) = script {
        args.push("-s".into());
        args.push(script.into());
    }
    let run = |seconds: u64| {
        let output = Command::new("wrk")
            .args(&args)
            .arg(format!("-d{seconds}s"))
            .arg(url)
            .output()
            .expect("run wrk");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(3);
    parse_wrk(&run(seconds))
}

/// (req/s, p50 ms, p99 ms, errors) from wrk's report.
fn parse_wrk(report: &str) -> (f64, f64, f64, u64) {
    let ms = |value: &str| -> f64 {
        let value = value.trim();
        let (number, unit) = value.split_at(
            value
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(value.len()),
        );
        let n: f64 = number.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => n / 1000.0,
            "s" => n * 1000.0,
            "m" => n * 60_000.0,
            _ => n,
        }
    };
    let mut rps = 0.0;
    let (mut p50, mut p99) = (f64::NAN, f64::NAN);
    let mut errors = 0;
    for line in report.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => rps = n.parse().unwrap_or(0.0),
            ["50%", v] => p50 = ms(v),
            ["99%", v] => p99 = ms(v),
            ["Non-2xx", "or", "3xx", "responses:", n] => errors += n.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    (rps, p50, p99, errors)
}

const CREATE: &str = "CREATE TABLE IF NOT EXISTS claimdesk_ceiling (id TEXT PRIMARY KEY, text TEXT NOT NULL, status TEXT NOT NULL, version BIGINT NOT NULL)";

/// The ceiling's 1,000 rows; returns the id of one.
macro_rules! fill {
    ($pool:expr, $insert:expr) => {{
        sqlx::query(CREATE).execute($pool).await.expect("create");
        let mut last = String::new();
        for i in 0..1000 {
            last = uuid::Uuid::now_v7().to_string();
            sqlx::query($insert)
                .bind(last.clone())
                .bind(format!("The council said {i} new homes were built in ward {i}."))
                .bind("unverified")
                .execute($pool)
                .await
                .expect("insert");
        }
        last
    }};
}

/// The ceiling: one row by primary key, as JSON, from a bare axum + sqlx
/// server in this process.
async fn ceiling_rate(database: &'static str, server: Option<&str>, seconds: u64) -> f64 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let id = match database {
        "sqlite" => {
            let dir = bench_dir();
            let file = format!("{dir}/ceiling.db");
            let _ = std::fs::remove_file(&file);
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&file)
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .expect("ceiling sqlite");
            let id = fill!(
                &pool,
                "INSERT INTO claimdesk_ceiling (id, text, status, version) VALUES (?, ?, ?, 1)"
            );
            let app = axum::Router::new()
                .route("/rows/{id}", get(row_sqlite))
                .with_state(pool);
            tokio::spawn(async move { axum::serve(listener, app).await });
            id
        }
        _ => {
            let url = format!("{}/postgres", server.expect("server").trim_end_matches('/'));
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(32)
                .connect(&url)
                .await
                .expect("ceiling postgres");
            sqlx::query("DROP TABLE IF EXISTS claimdesk_ceiling")
                .execute(&pool)
                .await
                .expect("drop");
            let id = fill!(
                &pool,
                "INSERT INTO claimdesk_ceiling (id, text, status, version) VALUES ($1, $2, $3, 1)"
            );
            let app = axum::Router::new()
                .route("/rows/{id}", get(row_postgres))
                .with_state(pool);
            tokio::spawn(async move { axum::serve(listener, app).await });
            id
        }
    };
    let url = format!("http://{addr}/rows/{id}");
    let (rps, p50, p99, errors) = tokio::task::spawn_blocking(move || wrk(&url, None, None, seconds))
        .await
        .expect("wrk");
    eprintln!("{database} ceiling: {rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms, {errors} errors");
    rps
}

async fn row_sqlite(
    State(pool): State<sqlx::SqlitePool>,
    Path(id): Path<String>,
) -> axum::Json<serde_json::Value> {
    let row = sqlx::query("SELECT id, text, status, version FROM claimdesk_ceiling WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("row");
    axum::Json(
        serde_json::json!({"id": row.get::<String, _>(0), "text": row.get::<String, _>(1), "status": row.get::<String, _>(2), "version": row.get::<i64, _>(3)}),
    )
}

async fn row_postgres(
    State(pool): State<sqlx::PgPool>,
    Path(id): Path<String>,
) -> axum::Json<serde_json::Value> {
    let row = sqlx::query("SELECT id, text, status, version FROM claimdesk_ceiling WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("row");
    axum::Json(
        serde_json::json!({"id": row.get::<String, _>(0), "text": row.get::<String, _>(1), "status": row.get::<String, _>(2), "version": row.get::<i64, _>(3)}),
    )
}

fn measure(
    runtime: &tokio::runtime::Runtime,
    database: &'static str,
    url: &str,
    claims: usize,
    ceiling_rps: f64,
    options: &Options,
) -> Vec<Run> {
    let seconds = options.duration;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = start_claimdesk(url, port);
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let (token, claim_id) = runtime.block_on(async {
        let client = support::client();
        let token = login(&client, &base).await;
        let page: serde_json::Value = client
            .get(format!("{base}/claims?limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("page");
        (
            token,
            page["items"][0]["id"].as_str().expect("a claim").to_owned(),
        )
    });
    let script = format!("{}/post-article.lua", bench_dir());
    std::fs::write(&script, POST_ARTICLE).expect("lua script");
    let mut runs = Vec::new();
    for (what, path, lua) in [
        ("GET /claims/{id}", format!("{base}/claims/{claim_id}"), None),
        ("GET /claims?limit=50", format!("{base}/claims?limit=50"), None),
        (
            "POST /articles",
            format!("{base}/articles"),
            Some(script.as_str()),
        ),
    ] {
        if options.what.as_deref().is_some_and(|w| !what.contains(w)) {
            continue;
        }
        let (rps, p50_ms, p99_ms, errors) = wrk(&path, Some(&token), lua, seconds);
        eprintln!(
            "{database} {claims} {what}: {rps:.0} req/s, p50 {p50_ms:.1} ms, p99 {p99_ms:.1} ms, {errors} errors"
        );
        runs.push(Run {
            database,
            claims,
            what,
            rps,
            p50_ms,
            p99_ms,
            errors,
            ceiling_rps,
        });
    }
    eprintln!(
        "{database} {claims}: claimdesk RSS after the run {:.0} MB",
        rss_mb(child.id())
    );
    // Matching runs behind the writes: how far behind, and how fast it
    // catches up. Term counting runs ahead of matching, so it is timed on
    // its own first; then the matching rate is taken over 10 s.
    // One pool for every count: the wait below asks every 100 ms.
    let db = runtime.block_on(claimdesk::db::connect(url)).expect("connect");
    let count = |sql: &'static str| {
        runtime.block_on(async {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
                .await
                .expect("count")
                .expect("row");
            row.try_get_by_index::<i64>(0).expect("count")
        })
    };
    const ALL: &str = "SELECT count(*) FROM matching_jobs";
    const UNCOUNTED: &str = "SELECT count(*) FROM matching_jobs WHERE NOT counted";
    let waiting = count(ALL);
    let started = std::time::Instant::now();
    while count(UNCOUNTED) > 0 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let counting = started.elapsed();
    let before = count(ALL);
    std::thread::sleep(Duration::from_secs(10));
    let after = count(ALL);
    eprintln!(
        "{database} {claims}: matching jobs waiting after the write run: {waiting}; counted in {:.1} s; \
         then matched in 10 s: {} ({:.0} claims/s)",
        counting.as_secs_f64(),
        before - after,
        (before - after) as f64 / 10.0
    );
    let _ = child.kill();
    let _ = child.wait();
    runs
}

fn print_table(runs: &[Run]) {
    println!();
    println!(
        "{:<9} {:>9}  {:<22} {:>9} {:>8} {:>9} {:>9} {:>8}",
        "database", "claims", "request", "req/s", "ceiling", "p50 ms", "p99 ms", "errors"
    );
    for r in runs {
        println!(
            "{:<9} {:>9}  {:<22} {:>9.0} {:>7.1}% {:>9.2} {:>9.2} {:>8}",
            r.database,
            r.claims,
            r.what,
            r.rps,
            100.0 * r.rps / r.ceiling_rps,
            r.p50_ms,
            r.p99_ms,
            r.errors
        );
    }
    for r in runs {
        if let Some(small) = runs
            .iter()
            .find(|s| s.database == r.database && s.what == r.what && s.claims < r.claims)
        {
            println!(
                "{} {} at {} claims: {:.2}x the rate at {}",
                r.database,
                r.what,
                r.claims,
                r.rps / small.rps,
                small.claims
            );
        }
    }
}

/// wrk script: POST a ~500-word article whose numbers change with every
/// request, so every article is new text (written for this benchmark).
const POST_ARTICLE: &str = r#"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local paragraph = "The regional transport authority said NUM new buses entered service across the valley in March, " ..
  "according to figures published on Tuesday. Officials said average waiting times fell by NUM2 minutes on the busiest routes. " ..
  "The opposition spokesperson, a former engineer, said the authority had promised NUM3 buses and delivered fewer than half. " ..
  "Drivers' union leaders said more than NUM4 drivers were still needed to run the timetable. " ..
  "Passenger numbers rose 12 percent in the first quarter, the authority said, while fares stayed unchanged for a second year. " ..
  "Commuters in the northern districts said they waited more than 40 minutes for connections during the evening peak. " ..
  "The authority said it would spend 3.5 million euros on new shelters and real-time displays before the winter. " ..
  "Critics said the money would be better spent on maintenance, after 27 breakdowns were reported in February. "
request = function()
  counter = counter + 1
  local text = ""
  for i = 1, 5 do
    local p = paragraph:gsub("NUM4", tostring(counter % 900 + 100 + i)):gsub("NUM3", tostring(counter % 700 + 300 + i))
    p = p:gsub("NUM2", tostring(counter % 9 + 1)):gsub("NUM", tostring(counter * 7 + i))
    text = text .. p
  end
  local body = '{"title": "Transport report ' .. counter .. '", "body": "' .. text .. '"}'
  return wrk.format(nil, nil, nil, body)
end
"#;
