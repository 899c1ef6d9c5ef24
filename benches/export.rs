//! Memory of a streamed CSV export: the server's resident memory while it
//! sends every claim of a database, at two sizes side by side in one run.
//!
//!     cargo bench --bench export                       # 10,000 and 100,000 claims
//!     cargo bench --bench export -- --sizes 10000,1000000 --only sqlite
//!
//! For each size (SQLite, and PostgreSQL when BENCH_POSTGRES_URL is set), it
//! seeds a database (kept under `target/bench-data` / `claimdesk_load_<N>`
//! for later runs, shared with the load benchmark), starts the release
//! binary, reads `GET /api/v1/claims/export.csv` to the end while sampling
//! the server's resident set every 20 ms, and prints rows, bytes, time,
//! the resident set before the export and its peak during it. Flat memory
//! means the peak does not grow with the number of rows.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::{database_url, login, rss_mb, start_claimdesk};

struct Row {
    database: &'static str,
    claims: usize,
    rows: u64,
    megabytes: f64,
    seconds: f64,
    rss_before: f64,
    rss_peak: f64,
}

fn main() {
    let mut sizes = vec![10_000, 100_000];
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let value = args.next().expect("--sizes N,M");
                sizes = value.split(',').map(|n| n.parse().expect("a number")).collect();
            }
            "--only" => only = args.next(),
            _ => {}
        }
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut rows = Vec::new();
    for database in ["sqlite", "postgres"] {
        if only.as_deref().is_some_and(|o| o != database) {
            continue;
        }
        let server = std::env::var("BENCH_POSTGRES_URL").ok();
        if database == "postgres" && server.is_none() {
            eprintln!("BENCH_POSTGRES_URL is not set: PostgreSQL is not measured");
            continue;
        }
        for &claims in &sizes {
            let url = runtime.block_on(database_url(database, server.as_deref(), claims));
            rows.push(runtime.block_on(export(database, &url, claims)));
        }
    }
    println!(
        "\n{:<9} {:>9} {:>9} {:>8} {:>8} {:>9} {:>12} {:>12}",
        "database", "claims", "rows", "MB", "seconds", "rows/s", "RSS before", "RSS peak"
    );
    for r in &rows {
        println!(
            "{:<9} {:>9} {:>9} {:>8.1} {:>8.1} {:>9.0} {:>9.1} MB {:>9.1} MB",
            r.database,
            r.claims,
            r.rows,
            r.megabytes,
            r.seconds,
            r.rows as f64 / r.seconds,
            r.rss_before,
            r.rss_peak
        );
    }
}

async fn export(database: &'static str, url: &str, claims: usize) -> Row {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = start_claimdesk(url, port);
    let pid = child.id();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = support::client();
    let token = login(&client, &base).await;
    // Settle after start-up (migrations, the first connections).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = rss_mb(pid);
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak: f64 = 0.0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb(pid));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };
    let started = Instant::now();
    let response = client
        .get(format!("{base}/claims/export.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    let (mut bytes, mut lines) = (0u64, 0u64);
    let mut response = response;
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let rss_peak = sampler.join().expect("sampler");
    child.kill().ok();
    child.wait().ok();
    Row {
        database,
        claims,
        // Line ends inside quoted cells count too; seeded claims have none.
        rows: lines.saturating_sub(1),
        megabytes: bytes as f64 / 1e6,
        seconds,
        rss_before,
        rss_peak,
    }
}
