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

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, ExecResult, QueryResult, QueryTrait, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;

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

/// The queue of each SQLite file this process writes to.
static QUEUES: LazyLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Default::default);

/// Waits for this process's turn to write to `db`, when it is SQLite.
async fn turn(db: &DatabaseConnection) -> Option<OwnedMutexGuard<()>> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_string_lossy()
        .into_owned();
    // Each in-memory database is its own: they share no lock.
    if file == ":memory:" {
        return None;
    }
    let queue = {
        let mut queues = QUEUES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        queues.entry(file).or_default().clone()
    };
    // A writer that waits this long goes on without its turn, to SQLite's
    // own lock and busy timeout: a transaction that (wrongly) began another
    // while it held its own gets SQLite's "database is locked", not a hang.
    tokio::time::timeout(LONGEST_TURN_WAIT, queue.lock_owned())
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
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await;
    metrics::histogram!("claimdesk_db_begin_write_seconds").record(started.elapsed().as_secs_f64());
    Ok(WriteTransaction {
        txn: txn?,
        _turn: turn,
    })
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
    pub async fn run(self, conn: &impl ConnectionTrait) -> Result<(), DbErr> {
        if self.backend == DbBackend::Sqlite && self.statements.len() > 1 {
            // SQLite takes several statements sent as one and binds each its
            // own values in turn: one hand-over to the connection's worker
            // thread, and one wake-up of this task, instead of one per
            // statement while the write lock is held.
            let mut sql = String::new();
            let mut values = Vec::new();
            for statement in self.statements {
                sql.push_str(&statement.sql);
                sql.push_str(";\n");
                values.extend(statement.values.map(|v| v.0).unwrap_or_default());
            }
            conn.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values))
                .await?;
            return Ok(());
        }
        for statement in self.statements {
            conn.execute_raw(statement).await?;
        }
        Ok(())
    }
}
