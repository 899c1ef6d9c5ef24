//! Transactions that write, and (on SQLite) the queue writers wait in.
//!
//! SQLite lets one transaction write at a time. A writer that finds the
//! lock taken waits in SQLite's busy handler, which sleeps 1 ms, then 2, 5,
//! 10 ... up to 100 ms between tries, holding a pooled connection all the
//! while: under many concurrent writers the lock sat free for most of those
//! sleeps, and the pool's connections were held by sleeping writers. So the
//! writers of one process take turns in a first-come, first-served queue
//! before they take a connection; SQLite's own lock (and its busy timeout)
//! still orders this process against any other.
//!
//! Writes built ahead (`Writes`) are also committed in groups on SQLite:
//! whoever gets the turn commits every group of writes waiting at that
//! moment in one transaction. Much of a transaction's cost is paid once per
//! commit whatever it holds (the full-text index writes a new segment, the
//! log is appended and its index updated): replayed on a copy of the load
//! benchmark's database, an article's statements took 5.5 ms alone, 3.9 ms
//! each in fours and 3.3 ms each in eights.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, ExecResult, QueryResult, QueryTrait, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;
use tokio::sync::oneshot::error::TryRecvError;

/// A transaction that will write: use it as any connection, then `commit`.
/// Dropped without a commit, it rolls back.
pub struct WriteTransaction {
    txn: DatabaseTransaction,
    /// This process's turn to write to a SQLite file, given up when the
    /// transaction ends (it is dropped after `txn`).
    _turn: Option<OwnedMutexGuard<()>>,
}

/// For what takes the transaction itself (migrations, the dump's loader).
impl std::ops::Deref for WriteTransaction {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTransaction {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

/// The writers of one SQLite file in this process.
#[derive(Default)]
struct FileWriters {
    /// Whose turn it is to write.
    turn: Arc<tokio::sync::Mutex<()>>,
    /// Writes waiting to be committed together (`Writes::commit`).
    waiting: Mutex<VecDeque<Waiting>>,
}

/// Writes waiting for a transaction, and who waits for their outcome.
struct Waiting {
    id: u64,
    writes: Writes,
    done: tokio::sync::oneshot::Sender<Result<(), DbErr>>,
}

/// The writers of each SQLite file this process writes to.
static FILES: LazyLock<Mutex<HashMap<std::path::PathBuf, Arc<FileWriters>>>> =
    LazyLock::new(Default::default);

/// The writers of `db`'s file; None on PostgreSQL and for an in-memory
/// database, which is its own and shares no lock.
fn file_writers(db: &DatabaseConnection) -> Option<Arc<FileWriters>> {
    let file = super::sqlite_file(db)?;
    let mut files = FILES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Some(files.entry(file).or_default().clone())
}

/// Waits for this process's turn to write to `db`, when it is SQLite.
async fn turn(db: &DatabaseConnection) -> Option<OwnedMutexGuard<()>> {
    let writers = file_writers(db)?;
    // A writer that waits this long goes on without its turn, to SQLite's
    // own lock and busy timeout: a transaction that (wrongly) began another
    // while it held its own gets SQLite's "database is locked", not a hang.
    tokio::time::timeout(LONGEST_TURN_WAIT, writers.turn.clone().lock_owned())
        .await
        .ok()
}

/// How long a writer waits for its turn: SQLite's busy timeout.
const LONGEST_TURN_WAIT: std::time::Duration = super::SQLITE_BUSY_TIMEOUT;

/// Starts a transaction that will write. On SQLite it waits its turn (see
/// the module), then takes the write lock at BEGIN (IMMEDIATE): a deferred
/// transaction that reads first and writes later can fail to upgrade its
/// lock, which the busy timeout cannot fix.
///
/// The wait for the turn, a connection and the write lock is measured as
/// `claimdesk_db_begin_write_seconds`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction, DbErr> {
    let started = std::time::Instant::now();
    let turn = turn(db).await;
    let txn = begin_immediate(db).await;
    metrics::histogram!("claimdesk_db_begin_write_seconds").record(started.elapsed().as_secs_f64());
    Ok(WriteTransaction {
        txn: txn?,
        _turn: turn,
    })
}

/// BEGIN IMMEDIATE on SQLite (see `begin_write`), BEGIN on PostgreSQL.
async fn begin_immediate(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The answer to a write whose writer stopped before telling its outcome
/// (it panicked): its transaction was rolled back, so nothing was written.
fn abandoned() -> DbErr {
    DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed)
}

/// At most this many groups of writes share one transaction.
const GROUP_MAX: usize = 16;

/// Numbers the waiting writes, to find one's own.
static NEXT_WAITING: AtomicU64 = AtomicU64::new(0);

/// Takes a waiting write out of the queue if it is still there (its caller
/// gave up), so that it is never written after its caller was answered.
struct Enqueued {
    writers: Arc<FileWriters>,
    id: u64,
}

impl Enqueued {
    /// True when it was still waiting and is now withdrawn.
    fn withdraw(&self) -> bool {
        let mut waiting = self.writers.waiting.lock().unwrap_or_else(|e| e.into_inner());
        match waiting.iter().position(|w| w.id == self.id) {
            Some(at) => waiting.remove(at).is_some(),
            None => false,
        }
    }
}

impl Drop for Enqueued {
    fn drop(&mut self) {
        self.withdraw();
    }
}

/// Commits every waiting write, `batch`, in one transaction, and tells each
/// waiter the outcome. If that transaction fails, each is written again in
/// a transaction of its own, so one bad write fails alone.
async fn write_group(db: DatabaseConnection, batch: Vec<Waiting>) {
    // Callers that went away while they waited (their deadline passed, the
    // client hung up) were answered already: theirs is not written.
    let batch: Vec<Waiting> = batch.into_iter().filter(|w| !w.done.is_closed()).collect();
    if batch.is_empty() {
        return;
    }
    metrics::histogram!("claimdesk_db_write_group_size").record(batch.len() as f64);
    let together = async {
        let txn = begin_immediate(&db).await?;
        for waiting in &batch {
            waiting.writes.run(&txn).await?;
        }
        txn.commit().await
    }
    .await;
    match together {
        Ok(()) => {
            for waiting in batch {
                let _ = waiting.done.send(Ok(()));
            }
        }
        // The database out of reach (no connection, the file locked by
        // another process): every write would fail the same way, after as
        // long a wait again. Each is told at once.
        Err(e) if batch.len() == 1 || super::unavailable(&e) => {
            for waiting in batch {
                let _ = waiting.done.send(Err(e.clone()));
            }
        }
        Err(_) => {
            for waiting in batch {
                if waiting.done.is_closed() {
                    continue;
                }
                let alone = async {
                    let txn = begin_immediate(&db).await?;
                    waiting.writes.run(&txn).await?;
                    txn.commit().await
                }
                .await;
                let _ = waiting.done.send(alone);
            }
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}

/// Statements built before the transaction that runs them begins. Turning
/// rows into SQL and bound values is CPU work: done inside the transaction,
/// it lengthened the time SQLite's one write lock was held (for an
/// article's 40 claims, their events and matching jobs, about 2 of its 6
/// ms).
pub struct Writes {
    backend: DbBackend,
    statements: Vec<Statement>,
}

impl Writes {
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            statements: Vec::new(),
        }
    }

    /// Adds one INSERT of `rows`, or nothing when there are none.
    pub(crate) fn insert<A: ActiveModelTrait>(&mut self, rows: impl IntoIterator<Item = A>) {
        let mut rows = rows.into_iter().peekable();
        if rows.peek().is_none() {
            return;
        }
        let statement = <A::Entity as EntityTrait>::insert_many(rows).build(self.backend);
        self.statements.push(statement);
    }

    /// Runs the statements, in the order they were added.
    pub async fn run(&self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        if self.backend == DbBackend::Sqlite && self.statements.len() > 1 {
            // SQLite takes several statements sent as one and binds each its
            // own values in turn: one hand-over to the connection's worker
            // thread, and one wake-up of this task, instead of one per
            // statement while the write lock is held.
            let mut sql = String::new();
            let mut values = Vec::new();
            for statement in &self.statements {
                sql.push_str(&statement.sql);
                sql.push_str(";\n");
                values.extend(statement.values.iter().flat_map(|v| v.0.iter().cloned()));
            }
            conn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values))
                .await?;
            return Ok(());
        }
        for statement in &self.statements {
            conn.execute_raw(statement.clone()).await?;
        }
        Ok(())
    }

    /// Runs the statements in a transaction of their own and commits it. On
    /// a SQLite file they may share it with other writes committed at the
    /// same moment (see the module): each caller still learns its own
    /// writes' outcome, and nothing of a failed one is kept.
    pub async fn commit(self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let Some(writers) = file_writers(db) else {
            let txn = begin_write(db).await?;
            self.run(&txn).await?;
            return txn.commit().await;
        };
        let started = std::time::Instant::now();
        let (done, mut outcome) = tokio::sync::oneshot::channel();
        let id = NEXT_WAITING.fetch_add(1, Ordering::Relaxed);
        writers
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(Waiting {
                id,
                writes: self,
                done,
            });
        let enqueued = Enqueued {
            writers: writers.clone(),
            id,
        };
        let deadline = tokio::time::Instant::now() + LONGEST_TURN_WAIT;
        loop {
            // Either a writer with the turn writes ours along with theirs,
            // or this caller gets the turn and writes what is waiting.
            let turn = tokio::select! {
                biased;
                result = &mut outcome => return result.unwrap_or_else(|_| Err(abandoned())),
                turn = tokio::time::timeout_at(deadline, writers.turn.clone().lock_owned()) => turn,
            };
            match outcome.try_recv() {
                Ok(result) => return result,
                Err(TryRecvError::Closed) => return Err(abandoned()),
                Err(TryRecvError::Empty) => {}
            }
            let Ok(turn) = turn else {
                // Waited as long as SQLite's busy timeout: give up (503),
                // unless a writer has taken ours already; then wait for it.
                if enqueued.withdraw() {
                    return Err(DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout));
                }
                return outcome.await.unwrap_or_else(|_| Err(abandoned()));
            };
            let batch: Vec<Waiting> = {
                let mut waiting = writers.waiting.lock().unwrap_or_else(|e| e.into_inner());
                let n = waiting.len().min(GROUP_MAX);
                waiting.drain(..n).collect()
            };
            if batch.is_empty() {
                continue;
            }
            metrics::histogram!("claimdesk_db_begin_write_seconds").record(started.elapsed().as_secs_f64());
            // Written by a task of its own, holding the turn, so that this
            // caller going away (a client that hung up) cannot cut short
            // the others' writes. Its own outcome is then read at the top.
            let db = db.clone();
            let _ = tokio::spawn(async move {
                write_group(db, batch).await;
                drop(turn);
            })
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new SQLite file with one table, `t`.
    async fn scratch() -> (DatabaseConnection, std::path::PathBuf) {
        let file = std::env::temp_dir().join(format!("claimdesk-writes-{}.db", uuid::Uuid::now_v7()));
        let db = super::super::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .await
            .unwrap();
        (db, file)
    }

    /// The ids in `t`, in order; then the file is closed and removed.
    async fn ids_and_close(db: DatabaseConnection, file: std::path::PathBuf) -> Vec<i64> {
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT id FROM t ORDER BY id",
            ))
            .await
            .unwrap();
        let ids = rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
        db.close().await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        ids
    }

    fn insert(id: i64, v: Option<&str>) -> Statement {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (id, v) VALUES (?, ?)",
            [id.into(), v.map(str::to_owned).into()],
        )
    }

    /// Forty writers queued behind a held turn are committed in groups; the
    /// two that fail (one on its only statement, one on its second) fail
    /// alone, and nothing of theirs is kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn grouped_writes_fail_alone_and_leave_nothing_behind() {
        let (db, file) = scratch().await;
        let held = turn(&db).await.expect("a file has a turn");
        let mut tasks = Vec::new();
        for id in 0..40 {
            let mut writes = Writes::new(DbBackend::Sqlite);
            match id {
                17 => writes.statements.push(insert(id, None)),
                23 => writes
                    .statements
                    .extend([insert(1000, Some("kept?")), insert(id, None)]),
                _ => writes.statements.push(insert(id, Some("x"))),
            }
            let db = db.clone();
            tasks.push(tokio::spawn(async move { writes.commit(&db).await }));
        }
        let writers = file_writers(&db).unwrap();
        while writers.waiting.lock().unwrap().len() < 40 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        drop(held);
        let mut failed = Vec::new();
        for (id, task) in tasks.into_iter().enumerate() {
            if task.await.unwrap().is_err() {
                failed.push(id);
            }
        }
        assert_eq!(failed, [17, 23]);
        let expected: Vec<i64> = (0..40).filter(|id| ![17, 23].contains(id)).collect();
        assert_eq!(ids_and_close(db, file).await, expected);
    }

    /// A writer that gives up while waiting is taken out of the queue: its
    /// writes are never committed after it was answered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_that_gives_up_is_never_written() {
        let (db, file) = scratch().await;
        let held = turn(&db).await.unwrap();
        let mut writes = Writes::new(DbBackend::Sqlite);
        writes.statements.push(insert(1, Some("abandoned")));
        let gone = tokio::time::timeout(std::time::Duration::from_millis(50), writes.commit(&db)).await;
        assert!(gone.is_err(), "the write cannot finish while the turn is held");
        let mut writes = Writes::new(DbBackend::Sqlite);
        writes.statements.push(insert(2, Some("kept")));
        let db2 = db.clone();
        let kept = tokio::spawn(async move { writes.commit(&db2).await });
        drop(held);
        kept.await.unwrap().unwrap();
        assert_eq!(ids_and_close(db, file).await, [2]);
    }
}
