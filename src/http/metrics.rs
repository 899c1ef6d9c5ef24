//! `GET /metrics` in the Prometheus text format, served on an address of
//! its own (`CLAIMDESK_METRICS_BIND`) so it is never public by accident.
//!
//! Counters and histograms are recorded where things happen (requests in
//! `observe`, extraction, transitions, sign-ins, statements, background
//! work) through the `metrics` facade; the pool and the queues are read at
//! each scrape. Each replica reports its own counters; the queue gauges are
//! the same on every replica (they count rows in the shared database).

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;

use crate::service;

/// Histogram buckets, in seconds: from a fast statement to a slow request.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How long a scrape may spend counting the queues.
const QUEUE_QUERY_LIMIT: Duration = Duration::from_secs(2);

/// Installs the process's metrics recorder; until this runs, recording is a
/// no-op. Fails if a recorder is installed already.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .map_err(|e| format!("metrics buckets: {e}"))?
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    metrics::gauge!("claimdesk_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    describe();
    Ok(handle)
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "http_requests_total",
        "Requests answered, by method, route template and status"
    );
    describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer, by method and route template"
    );
    describe_gauge!("claimdesk_build_info", "1, labelled with the running version");
    describe_gauge!(
        "claimdesk_db_pool_connections",
        "Pool connections by state (in_use, idle) and the pool's max"
    );
    describe_histogram!(
        "claimdesk_db_begin_write_seconds",
        Unit::Seconds,
        "Wait for a connection and a write transaction"
    );
    describe_histogram!(
        "claimdesk_db_statement_seconds",
        Unit::Seconds,
        "Time of each SQL statement"
    );
    describe_counter!(
        "claimdesk_db_statement_failures_total",
        "SQL statements that failed"
    );
    describe_counter!(
        "claimdesk_db_unavailable_total",
        "Requests answered 503 because the database did not answer or the pool was exhausted"
    );
    describe_counter!(
        "claimdesk_extraction_texts_total",
        "Texts run through claim extraction"
    );
    describe_counter!(
        "claimdesk_extraction_bytes_total",
        Unit::Bytes,
        "Bytes of text extracted from"
    );
    describe_counter!("claimdesk_extraction_claims_total", "Claims extraction found");
    describe_counter!("claimdesk_claims_exported_total", "Claims written to CSV exports");
    describe_counter!(
        "claimdesk_fact_checks_imported_total",
        "Other publishers' fact-checks imported, by outcome"
    );
    describe_histogram!(
        "claimdesk_extraction_duration_seconds",
        Unit::Seconds,
        "Time to extract one text"
    );
    describe_counter!(
        "claimdesk_workflow_transitions_total",
        "Claims moved through the workflow, by from and to status"
    );
    describe_counter!(
        "claimdesk_sign_in_failures_total",
        "Sign-ins refused for a wrong email or password or a disabled account"
    );
    describe_counter!(
        "claimdesk_sign_in_rate_limited_total",
        "Sign-ins refused with 429 for too many attempts"
    );
    describe_histogram!(
        "claimdesk_db_write_group_size",
        "How many writes (each an article with its claims) shared one SQLite transaction"
    );
    describe_counter!(
        "claimdesk_sqlite_direct_reads_total",
        "Claim reads on SQLite run on the request's thread (result=read) or handed back to the pool's worker threads (result=fell_back: busy file, unexpected value)"
    );
    describe_counter!(
        "claimdesk_embeddings_computed_total",
        "Sentence embeddings computed for matching by meaning (not counting those cached)"
    );
    describe_histogram!(
        "claimdesk_embedding_batch_seconds",
        Unit::Seconds,
        "Time to compute one batch of sentence embeddings (a claim and the fact-checks it is compared with)"
    );
    describe_gauge!("claimdesk_queue_depth", "Background work waiting, by queue");
    describe_gauge!(
        "claimdesk_queue_oldest_age_seconds",
        Unit::Seconds,
        "How long the oldest waiting item has waited, by queue"
    );
    describe_counter!(
        "claimdesk_matching_job_failures_total",
        "Matching jobs that failed and wait to be tried again"
    );
    describe_counter!(
        "claimdesk_webhook_attempts_total",
        "Webhook delivery attempts, by outcome"
    );
    describe_counter!(
        "claimdesk_background_failures_total",
        "Failed rounds of a background worker"
    );
}

/// The metrics listener's routes.
pub fn router(db: DatabaseConnection, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((db, handle))
}

async fn scrape(State((db, handle)): State<(DatabaseConnection, PrometheusHandle)>) -> Response {
    if let Some(pool) = service::background::pool(&db) {
        let idle = f64::from(pool.idle);
        metrics::gauge!("claimdesk_db_pool_connections", "state" => "in_use")
            .set(f64::from(pool.open) - idle);
        metrics::gauge!("claimdesk_db_pool_connections", "state" => "idle").set(idle);
        metrics::gauge!("claimdesk_db_pool_connections", "state" => "max").set(f64::from(pool.max));
    }
    // A database too busy to count is no reason to fail the scrape: the
    // queue gauges keep their last values.
    match tokio::time::timeout(QUEUE_QUERY_LIMIT, service::background::queues(&db)).await {
        Ok(Ok(queues)) => {
            for queue in queues {
                metrics::gauge!("claimdesk_queue_depth", "queue" => queue.name).set(queue.depth as f64);
                metrics::gauge!("claimdesk_queue_oldest_age_seconds", "queue" => queue.name)
                    .set(queue.oldest_age.as_secs_f64());
            }
        }
        Ok(Err(err)) => tracing::warn!(error = %err, "cannot count the background queues for /metrics"),
        Err(_) => tracing::warn!("counting the background queues for /metrics took too long"),
    }
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response()
}
