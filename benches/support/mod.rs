//! What the benchmarks share.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};

/// The account the benchmarks sign in as (an editor).
pub const EMAIL: &str = "load@claimdesk.invalid";
pub const PASSWORD: &str = "load benchmark password, not a secret";

/// An HTTP client (TLS by rustls on ring, as the service itself uses).
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Signs in at `base` (`http://host:port/api/v1`) and returns an access token.
pub async fn login(client: &reqwest::Client, base: &str) -> String {
    let login: serde_json::Value = client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    login["access_token"].as_str().expect("access token").to_owned()
}

/// The URL of database `name` on the PostgreSQL `server`, created if it is
/// missing; with `fresh`, dropped and created anew.
pub async fn postgres_database(server: &str, name: &str, fresh: bool) -> String {
    let server = server.trim_end_matches('/');
    let admin = claimdesk::db::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL");
    if fresh {
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop the bench database");
    }
    let exists = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("list databases")
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the bench database");
    }
    format!("{server}/{name}")
}

pub fn bench_dir() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-data");
    std::fs::create_dir_all(dir).expect("bench-data directory");
    dir.to_owned()
}

/// Sizes up to this are seeded afresh on every run (it takes a moment), so
/// that what an earlier run wrote (its articles, and matching still to do)
/// does not weigh on this one. Larger ones are kept and reused.
const FRESH_UP_TO: usize = 20_000;

/// A seeded database of `claims` claims.
pub async fn database_url(database: &str, server: Option<&str>, claims: usize) -> String {
    let fresh = claims <= FRESH_UP_TO;
    let url = match database {
        "sqlite" => {
            let file = format!("{}/load-{claims}.db", bench_dir());
            if fresh {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{file}{suffix}"));
                }
            }
            format!("sqlite://{file}")
        }
        _ => {
            let server = server.expect("server");
            postgres_database(server, &format!("claimdesk_load_{claims}"), fresh).await
        }
    };
    let db = claimdesk::db::connect(&url).await.expect("connect");
    claimdesk::db::migrate(&db).await.expect("migrate");
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) FROM claims".to_owned(),
        ))
        .await
        .expect("count")
        .expect("row");
    let stored = row.try_get_by_index::<i64>(0).expect("count") as usize;
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
    let new = claimdesk::domain::user::NewUser::parse(
        EMAIL,
        "load".into(),
        PASSWORD.into(),
        claimdesk::domain::role::Role::Editor,
    )
    .expect("user");
    claimdesk::service::users::create(&db, new).await.ok();
    if database == "postgres" {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    url
}

/// Starts the release binary on `url` and waits until it listens.
pub fn start_claimdesk(url: &str, port: u16) -> Child {
    // `BENCH_CLAIMDESK_BIN` measures another build (say, main's, kept
    // aside) on the same database, to compare two versions side by side.
    let binary =
        std::env::var("BENCH_CLAIMDESK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_claimdesk").to_owned());
    let mut child = Command::new(binary)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env(
            "CLAIMDESK_JWT_SECRET",
            "a load benchmark signing secret of 32+ bytes",
        )
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start claimdesk");
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("ERROR") {
                eprintln!("claimdesk: {line}");
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "claimdesk did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

pub fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
