//! Search and repeated-claim lookup latency at scale, over HTTP against the
//! real app, on SQLite and PostgreSQL.
//!
//!     cargo bench --bench tracking                     # 10,000 and 1,000,000 claims
//!     cargo bench --bench tracking -- --claims 20000   # other sizes
//!     cargo bench --bench tracking -- --only postgres --rounds 5
//!
//! PostgreSQL is measured when BENCH_POSTGRES_URL points at a server
//! (`postgres://postgres@127.0.0.1:5432`); each size gets a database of its
//! own, `claimdesk_bench_<claims>`. SQLite files go to `target/bench-data/`.
//! Seeded databases are kept and reused by later runs (seeding a million
//! claims takes minutes); delete them to start over.
//!
//! For each database and size it seeds with `claimdesk seed`'s generator,
//! samples claims spread over the table, then times, one request at a time:
//! `GET /claims?q=` with two words of a sampled claim (its place and its
//! unit), and `GET /claims/{id}/similar` for the sampled claim. It does this
//! `--rounds` times (3 by default) and prints the median over the rounds of
//! each figure — the 50th and 95th percentile of each kind of request — and
//! how much slower the largest size is than the smallest.

mod support;

use std::net::SocketAddr;
use std::time::Instant;

use claimdesk::domain::role::Role;
use claimdesk::domain::user::NewUser;
use claimdesk::http::{self, Settings};
use claimdesk::service::auth::{AuthSettings, Keys};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const SAMPLES: usize = 200;
const WARMUP: usize = 20;
const EMAIL: &str = "bench@claimdesk.invalid";
const PASSWORD: &str = "benchmark password, not a secret";

struct Figures {
    database: &'static str,
    claims: usize,
    search: (f64, f64),
    similar: (f64, f64),
}

#[tokio::main]
async fn main() {
    let mut sizes = vec![10_000, 1_000_000];
    let mut rounds = 3;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--claims" => {
                let list = args.next().expect("--claims needs a list, e.g. 10000,1000000");
                sizes = list
                    .split(',')
                    .map(|n| n.parse().expect("--claims: numbers"))
                    .collect();
            }
            "--only" => only = args.next(),
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--rounds needs a number")
            }
            _ => {}
        }
    }
    let mut figures = Vec::new();
    for &claims in &sizes {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-data");
        std::fs::create_dir_all(dir).expect("bench-data directory");
        let url = format!("sqlite://{dir}/claims-{claims}.db");
        if only.as_deref().is_none_or(|o| o == "sqlite") {
            figures.push(median_of(rounds, || measure("sqlite", &url, claims)).await);
        }
        if let Ok(server) = std::env::var("BENCH_POSTGRES_URL")
            && only.as_deref().is_none_or(|o| o == "postgres")
        {
            let url = support::postgres_database(&server, &format!("claimdesk_bench_{claims}"), false).await;
            figures.push(median_of(rounds, || measure("postgres", &url, claims)).await);
        }
    }
    println!();
    println!("median of {rounds} rounds");
    println!(
        "{:<9} {:>9}  {:>22}  {:>22}",
        "database", "claims", "search p50 / p95 (ms)", "similar p50 / p95 (ms)"
    );
    for f in &figures {
        println!(
            "{:<9} {:>9}  {:>10.2} / {:>9.2}  {:>10.2} / {:>9.2}",
            f.database, f.claims, f.search.0, f.search.1, f.similar.0, f.similar.1
        );
    }
    for database in ["sqlite", "postgres"] {
        let of: Vec<&Figures> = figures.iter().filter(|f| f.database == database).collect();
        if let (Some(small), Some(large)) = (of.first(), of.last())
            && of.len() > 1
        {
            println!(
                "{database}: {} vs {} claims: search p95 x{:.2}, similar p95 x{:.2}",
                large.claims,
                small.claims,
                large.search.1 / small.search.1,
                large.similar.1 / small.similar.1
            );
        }
    }
}

/// Each figure's median over `rounds` measurements: this machine is shared,
/// and one round can be slowed by something else running.
async fn median_of<F: Future<Output = Figures>>(rounds: usize, mut measure: impl FnMut() -> F) -> Figures {
    let mut all = Vec::new();
    for _ in 0..rounds.max(1) {
        all.push(measure().await);
    }
    let median = |pick: fn(&Figures) -> f64| {
        let mut values: Vec<f64> = all.iter().map(pick).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Figures {
        database: all[0].database,
        claims: all[0].claims,
        search: (median(|f| f.search.0), median(|f| f.search.1)),
        similar: (median(|f| f.similar.0), median(|f| f.similar.1)),
    }
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("count")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

async fn measure(database: &'static str, url: &str, claims: usize) -> Figures {
    let db = claimdesk::db::connect(url).await.expect("connect");
    claimdesk::db::migrate(&db).await.expect("migrate");
    let stored = count(&db, "SELECT count(*) FROM claims").await as usize;
    if stored < claims {
        eprintln!(
            "{database}: seeding {} claims (kept for later runs)...",
            claims - stored
        );
        let started = Instant::now();
        claimdesk::service::seed::seed(&db, claims - stored, 1 + stored as u64, |_| {})
            .await
            .expect("seed");
        eprintln!("{database}: seeded in {:.0} s", started.elapsed().as_secs_f64());
    }
    if database == "postgres" {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }

    let (keys, _) = Keys::load(&db, None, AuthSettings::default())
        .await
        .expect("keys");
    let new = NewUser::parse(EMAIL, "bench".into(), PASSWORD.into(), Role::Reporter).expect("user");
    claimdesk::service::users::create(&db, new).await.ok();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = http::app(db.clone(), keys, &Settings::default());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await
    });
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let token = login["access_token"].as_str().expect("a token").to_owned();

    // Claims spread evenly over the table, by creation order.
    let mut sample = Vec::new();
    let stride = (claims / (SAMPLES + WARMUP)).max(1);
    for i in 0..SAMPLES + WARMUP {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT id, text FROM claims ORDER BY created_at, id LIMIT 1 OFFSET {}",
                    i * stride
                ),
            ))
            .await
            .expect("sample")
            .expect("a claim");
        let id: uuid::Uuid = row.try_get("", "id").expect("id");
        let text: String = row.try_get("", "text").expect("text");
        sample.push((id, search_words(&text)));
    }

    let time = |path: String| {
        let (client, token, base) = (client.clone(), token.clone(), base.clone());
        async move {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("request");
            assert!(response.status().is_success(), "{path}: {}", response.status());
            response.bytes().await.expect("body");
            started.elapsed().as_secs_f64() * 1000.0
        }
    };
    let (mut search, mut similar) = (Vec::new(), Vec::new());
    for (i, (id, words)) in sample.iter().enumerate() {
        let s = time(format!("/api/v1/claims?q={words}&limit=20")).await;
        let m = time(format!("/api/v1/claims/{id}/similar")).await;
        if i >= WARMUP {
            search.push(s);
            similar.push(m);
        }
    }
    db.close().await.ok();
    let figures = Figures {
        database,
        claims,
        search: percentiles(&mut search),
        similar: percentiles(&mut similar),
    };
    eprintln!(
        "{database} {claims}: search p50 {:.2} ms p95 {:.2} ms; similar p50 {:.2} ms p95 {:.2} ms",
        figures.search.0, figures.search.1, figures.similar.0, figures.similar.1
    );
    figures
}

/// What a person would type to find a claim again: its place and the last
/// word before "were" (the unit), e.g. "Kyiv offices".
fn search_words(text: &str) -> String {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let place = words
        .iter()
        .skip(1)
        .find(|w| w.chars().next().is_some_and(char::is_uppercase))
        .copied()
        .unwrap_or("police");
    let unit = words
        .iter()
        .position(|w| *w == "were" || *w == "had")
        .and_then(|i| i.checked_sub(1))
        .map_or("said", |i| words[i]);
    format!("{place}%20{unit}")
}

fn percentiles(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.95))
}
