//! Persistence: connecting, migrating, and repositories that map rows to
//! domain types. Nothing above this module sees a sea-orm model.

pub mod articles;
pub mod claims;
pub mod comments;
mod direct;
pub mod dump;
pub mod entities;
pub mod events;
pub mod fact_checks;
pub mod history;
pub mod links;
pub mod matching;
pub mod reviews;
pub mod search;
pub mod security;
pub mod sources;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod webhooks;
mod write;

pub use write::{WriteTransaction, Writes, begin_write};

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ColumnTrait, Condition, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect, Select, SqlErr, Statement, Value,
};

use crate::domain::DomainError;
use crate::domain::page::{Cursor, Limit};

/// Turns on SQLite's query planner stability guarantee for a new connection.
///
/// Without it SQLite (3.50) lets some plans depend on a bound value, and
/// marks the statement to be prepared again whenever that value is bound
/// anew. Every `LIMIT ?` is such a value (sea-orm binds one for `.one()` and
/// for every page), so the cached prepared statement was parsed and planned
/// again on every run: on `GET /claims/{id}` each request re-prepared its
/// statement, and the parser and planner were the largest part of SQLite's
/// time in a profile. With the guarantee, a plan never depends on bound
/// values and the statement cache does its work. Nothing here relied on a
/// value-dependent plan (no `LIKE ?` on an index; text search is FTS5).
fn stable_plans(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    _: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> futures_util::future::BoxFuture<'_, Result<(), sea_orm::sqlx::Error>> {
    Box::pin(async move {
        let mut handle = conn.lock_handle().await?;
        let db = handle.as_raw_handle().as_ptr();
        // SAFETY: `lock_handle` keeps the connection's worker thread off the
        // handle for this call, and SQLITE_DBCONFIG_ENABLE_QPSG takes an
        // int (1: on) and an optional int pointer for the new setting.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_db_config(
                db,
                libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                1 as std::ffi::c_int,
                std::ptr::null_mut::<std::ffi::c_int>(),
            )
        };
        if rc == libsqlite3_sys::SQLITE_OK {
            Ok(())
        } else {
            Err(sea_orm::sqlx::Error::Configuration(
                format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
            ))
        }
    })
}

/// A failed store operation: either a rule the data broke (reported to the
/// client) or a database fault (logged, never shown).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("database error: {0}")]
    Database(DbErr),
    /// The database cannot be reached or is shutting down, restarting or
    /// overloaded: worth trying again shortly (503, not 500).
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if unavailable(&err) {
            return StoreError::Unavailable(err);
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Domain(DomainError::Conflict(
                "a record with the same unique value already exists".into(),
            )),
            _ => StoreError::Database(err),
        }
    }
}

/// Whether an error says the database is out of reach rather than that the
/// statement was wrong: lost or refused connections, an exhausted pool,
/// PostgreSQL shutting down or starting (SQLSTATE classes 08, 53, 57P), a
/// PostgreSQL deadlock or serialization failure (40P01, 40001: the
/// transaction was rolled back, and trying again succeeds) and SQLite's
/// lock timeout.
pub fn unavailable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    match sqlx.as_ref() {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::Protocol(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed
        | Sqlx::BeginFailed => true,
        Sqlx::Database(db) => {
            let code = db.code().unwrap_or_default();
            // SQLite: SQLITE_BUSY (5) and its extended codes.
            // PostgreSQL: a deadlock victim (40P01) or a serialization
            // failure (40001) was rolled back whole and can simply be
            // tried again.
            code.starts_with("08")
                || code == "40P01"
                || code == "40001"
                || code.starts_with("53")
                || code.starts_with("57P")
                || code == "5"
                || code == "517"
                || code == "261"
        }
        _ => false,
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// How long a SQLite writer waits for another's transaction to end.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a pool. SQLite is set up for a server: WAL so readers never block the
/// writer, foreign keys enforced, and a busy timeout so concurrent writers
/// wait their turn instead of failing with "database is locked".
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    // A request that cannot get a connection soon is told to come back
    // (503 with Retry-After) rather than held: under overload, queueing
    // longer only makes every answer late.
    // A connection used in the last 30 s is handed out without a ping: a ping
    // on every checkout was a round trip per statement (a connection that
    // died meanwhile fails its statement, which is answered 503).
    options
        .acquire_timeout(Duration::from_secs(2))
        .connect_timeout(Duration::from_secs(5))
        .test_before_acquire_if_idle_for(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        options
            .max_connections(8)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    // A server copies the log into the database in the
                    // background (`checkpoint`); a commit does it only when
                    // the log has grown this far (pages of 4 KB), which
                    // bounds it for commands run without a server.
                    .pragma("wal_autocheckpoint", "10000")
            })
            .map_sqlx_sqlite_pool_opts(|o| o.after_connect(stable_plans));
    } else {
        // Prepared statements keep PostgreSQL's default plan caching: after
        // five runs it may reuse a generic plan, which saves planning on
        // every run (half of PostgreSQL's time on `GET /claims/{id}` when
        // every run was planned anew). Full-text queries, whose best plan
        // depends on how common their words are, write their words into
        // the statement instead (`Sql::search_words`), so they are always
        // planned with them.
        options.max_connections(32);
    }
    let mut db = Database::connect(options).await?;
    // Every statement's time and failures, for the metrics (a no-op until
    // `serve` installs a recorder).
    db.set_metric_callback(|info| {
        metrics::histogram!("claimdesk_db_statement_seconds").record(info.elapsed.as_secs_f64());
        if info.failed {
            metrics::counter!("claimdesk_db_statement_failures_total").increment(1);
        }
    });
    Ok(db)
}

/// The file of a SQLite database, as its pool opens it; None on PostgreSQL.
/// (An in-memory database has a name that is no file on disk.) What this
/// process keeps per SQLite file, its writers' turn (`write`) and its direct
/// readers (`direct`), is keyed by it.
fn sqlite_file(db: &DatabaseConnection) -> Option<std::path::PathBuf> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    Some(
        db.get_sqlite_connection_pool()
            .connect_options()
            .get_filename()
            .to_path_buf(),
    )
}

/// Copies what SQLite's write-ahead log holds into the database file, as
/// far as readers allow, without waiting for or holding up any reader or
/// writer (PASSIVE). Left to SQLite, the commit that grows the log past
/// 1,000 pages does it, before that commit returns: with writers taking
/// turns (`begin_write`), every writer behind it waited too. Nothing to do
/// on PostgreSQL.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await?;
    }
    Ok(())
}

/// How the connection pool stands.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    /// Connections open, in use or idle.
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

pub fn pool_stats(db: &DatabaseConnection) -> Option<PoolStats> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some(PoolStats {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some(PoolStats {
                open: pool.size(),
                idle: pool.num_idle() as u32,
                max: pool.options().get_max_connections(),
            })
        }
        _ => None,
    }
}

/// Applies pending migrations in one transaction. On PostgreSQL an advisory
/// lock makes replicas that start together migrate one after another.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236042155)")
            .await?;
    }
    Migrator::up(&*txn, None).await?;
    txn.commit().await
}

/// Each migration's name and whether it has been applied.
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    let applied: Vec<String> = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| (m.name().to_owned(), applied.iter().any(|a| a == m.name())))
        .collect())
}

/// Runs a listing query as one keyset page: newest first by (created_at, id),
/// strictly after `after`, with one extra row that tells whether more follow
/// (see `Page::from_rows`).
async fn newest_first<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    query: Select<E>,
    created_at: E::Column,
    id: E::Column,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Vec<E::Model>> {
    let query = newest_first_query(query, created_at, id, limit, after);
    let statement = with_written_limit(query, limit.get() + 1, conn.get_database_backend());
    Ok(E::find().from_raw_sql(statement).all(conn).await?)
}

/// `query` as SQL with its limit replaced by `limit` written into the text
/// rather than bound. PostgreSQL plans a prepared statement anew on every
/// execution while its generic plan looks dearer than a custom one, and
/// with `LIMIT $1` it always does (the generic plan guesses a tenth of the
/// table): planning a page of claims cost about as much as running it.
/// With the limit written in, the few page sizes in use are each prepared
/// and planned once per connection.
fn with_written_limit<E: EntityTrait>(mut query: Select<E>, limit: u64, backend: DbBackend) -> Statement {
    use sea_orm::QueryTrait;
    QueryTrait::query(&mut query).reset_limit();
    let mut statement = query.build(backend);
    statement.sql.push_str(&format!(" LIMIT {limit}"));
    statement
}

/// The query `newest_first` runs, for callers that read its rows their own
/// way.
fn newest_first_query<E: EntityTrait>(
    mut query: Select<E>,
    created_at: E::Column,
    id: E::Column,
    limit: Limit,
    after: Option<Cursor>,
) -> Select<E> {
    if let Some(c) = after {
        query = query.filter(
            Condition::any()
                .add(created_at.lt(c.created_at))
                .add(Condition::all().add(created_at.eq(c.created_at)).add(id.lt(c.id))),
        );
    }
    query
        .order_by_desc(created_at)
        .order_by_desc(id)
        .limit(limit.get() + 1)
}

/// Whether the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

/// Hand-written SQL for what the query builder cannot say (full-text search,
/// recursive queries), with placeholders in the backend's own style.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    fn postgres(&self) -> bool {
        self.backend == DbBackend::Postgres
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.postgres() {
            let n = self.values.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    /// Appends `words` as a string literal written into the statement, not
    /// bound: for PostgreSQL full-text queries, whose plan must see the
    /// words (a generic plan, made without them, would read a rare word's
    /// rows by scanning the table). Only letters, digits, spaces and `:`
    /// (for `word:A`) are kept, so the literal needs no escaping under any
    /// server setting; search words hold nothing else.
    fn search_words(&mut self, words: &str) -> &mut Self {
        let kept: String = words
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == ':')
            .collect();
        self.text.push('\'');
        self.text.push_str(&kept);
        self.text.push('\'');
        self
    }

    /// Appends `(?, ?, ...)` bound to `values`.
    fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    async fn all(self, conn: &impl ConnectionTrait) -> Result<Vec<QueryResult>, DbErr> {
        conn.query_all_raw(Statement::from_sql_and_values(
            self.backend,
            self.text,
            self.values,
        ))
        .await
    }

    /// Finishes a lease — `UPDATE <queue> SET locked_until = … WHERE seq IN
    /// (SELECT seq … LIMIT n` — and runs it: rows another replica holds are
    /// skipped on PostgreSQL (SQLite's writers already take turns). Returns
    /// the leased `seq`s.
    async fn lease(mut self, conn: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
        if self.postgres() {
            self.push(" FOR UPDATE SKIP LOCKED");
        }
        self.push(") RETURNING seq");
        self.all(conn)
            .await?
            .iter()
            .map(|row| row.try_get::<i64>("", "seq"))
            .collect()
    }

    async fn execute(self, conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
        let result = conn
            .execute_raw(Statement::from_sql_and_values(
                self.backend,
                self.text,
                self.values,
            ))
            .await?;
        Ok(result.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_written_in_with_nothing_that_could_end_the_literal() {
        let mut sql = Sql::new(DbBackend::Postgres);
        sql.push("to_tsquery('english', ")
            .search_words("kyiv's x'); DROP TABLE claims; --\\ épée:A")
            .push(")");
        assert_eq!(
            sql.text,
            "to_tsquery('english', 'kyivs x DROP TABLE claims  épée:A')"
        );
        assert!(sql.values.is_empty());
    }
}
