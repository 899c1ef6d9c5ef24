//! Background work every replica runs beside its requests (the event
//! sequencer, webhook deliveries), and the signal that stops it on shutdown.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::events::{self, ClaimView};
use super::semantic::Semantic;
use super::tracking;
use super::webhooks::{self, WebhookSettings};

/// How often idle loops look for work.
const IDLE: Duration = Duration::from_millis(200);

/// How often SQLite's write-ahead log is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Checkpoints SQLite's write-ahead log every `every` until `stop` fires
/// (see `db::checkpoint`); returns at once on PostgreSQL.
async fn run_checkpointer(db: DatabaseConnection, every: Duration, stop: Stop) {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    loop {
        if let Err(err) = crate::db::checkpoint(&db).await {
            tracing::warn!(error = %err, "a WAL checkpoint failed; the next one will try again");
        }
        if stop.wait_or_stopped(every).await {
            return;
        }
    }
}

/// The background loops of one replica.
pub struct Background {
    stop: StopHandle,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the event sequencer, the webhook sender, the matcher (comparing
/// by meaning when `semantic` has the model, `matching_tasks` claims at
/// once, 0 for one per core) and (on SQLite) the WAL checkpointer.
pub fn start(
    db: DatabaseConnection,
    view: ClaimView,
    settings: WebhookSettings,
    semantic: Semantic,
    matching_tasks: usize,
) -> Background {
    let matching_tasks = tracking::matching_tasks(matching_tasks);
    let (handle, stop) = stop_signal();
    let tasks = vec![
        tokio::spawn(events::run_sequencer(db.clone(), view, IDLE, stop.clone())),
        tokio::spawn(webhooks::run_sender(db.clone(), settings, IDLE, stop.clone())),
        tokio::spawn(tracking::run_matcher(
            db.clone(),
            semantic,
            matching_tasks,
            IDLE,
            stop.clone(),
        )),
        tokio::spawn(run_checkpointer(db, CHECKPOINT_EVERY, stop)),
    ];
    Background { stop: handle, tasks }
}

impl Background {
    /// Stops the loops, letting attempts under way finish for up to `grace`.
    /// What is cut short is retried later: leases run out, rows stay.
    pub async fn shutdown(self, grace: Duration) {
        self.stop.stop();
        let all = futures_util::future::join_all(self.tasks);
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!(
                "background work did not finish within the grace period; it resumes on the next start"
            );
        }
    }
}

/// Tells background loops to stop.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

pub struct StopHandle(watch::Sender<bool>);

pub fn stop_signal() -> (StopHandle, Stop) {
    let (tx, rx) = watch::channel(false);
    (StopHandle(tx), Stop(rx))
}

impl StopHandle {
    pub fn stop(&self) {
        let _ = self.0.send(true);
    }
}

impl Stop {
    /// Sleeps for `pause`; true when told to stop meanwhile (or before).
    pub async fn wait_or_stopped(&self, pause: Duration) -> bool {
        let mut rx = self.0.clone();
        if *rx.borrow() {
            return true;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => *rx.borrow(),
            changed = rx.changed() => changed.is_err() || *rx.borrow(),
        }
    }
}

/// One queue of background work, as the metrics show it.
#[derive(Debug, Clone)]
pub struct Queue {
    pub name: &'static str,
    /// Items waiting (ready now or later).
    pub depth: u64,
    /// How long the oldest has waited.
    pub oldest_age: Duration,
}

/// The matching jobs and webhook deliveries waiting, across all replicas.
pub async fn queues(db: &DatabaseConnection) -> crate::db::StoreResult<Vec<Queue>> {
    let now = chrono::Utc::now();
    let age = |oldest: Option<chrono::DateTime<chrono::Utc>>| {
        oldest.map_or(Duration::ZERO, |at| (now - at).to_std().unwrap_or_default())
    };
    let (matching, matching_oldest) = crate::db::matching::backlog(db).await?;
    let (deliveries, deliveries_oldest) = crate::db::webhooks::backlog(db).await?;
    Ok(vec![
        Queue {
            name: "matching",
            depth: matching,
            oldest_age: age(matching_oldest),
        },
        Queue {
            name: "webhook_deliveries",
            depth: deliveries,
            oldest_age: age(deliveries_oldest),
        },
    ])
}

/// How the connection pool stands, for the metrics.
pub fn pool(db: &DatabaseConnection) -> Option<crate::db::PoolStats> {
    crate::db::pool_stats(db)
}
