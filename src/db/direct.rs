//! Reads on SQLite that skip sqlx's worker threads.
//!
//! sqlx runs each SQLite connection on a thread of its own and passes every
//! statement and every row between that thread and the request's task. For a
//! page of claims those hand-overs (futex wake-ups, task switches, a copy of
//! every value) cost more than SQLite's own work: a profile of `GET /claims`
//! under load showed half the server's CPU on sqlx's worker threads and most
//! of the rest moving and re-parsing what they sent. Here a read runs on the
//! request's own thread, on a read-only connection of a small per-file pool,
//! with its prepared statement kept on that connection.
//!
//! It is only an optimisation: whenever it does not apply (PostgreSQL, an
//! in-memory database, a bound value it does not know how to pass) or fails
//! (the file busy, a value it cannot read), the caller reads through sqlx as
//! before. A read from a page that SQLite has cached takes tens of
//! microseconds, short enough to run without leaving the async thread. What
//! would hold that thread longer is cut short and handed to sqlx instead: a
//! reader that would wait on the file's lock gives up after `BUSY`, and a
//! read still running after `LONGEST` (a filter no index serves, a cold
//! cache) is interrupted.
//!
//! Each connection sees the last committed state when its read starts (WAL
//! mode), exactly as sqlx's pooled connections do. Reads inside a
//! transaction never come here: they must see its own writes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};
use sea_orm::{DatabaseConnection, Statement, Value};

/// Connections kept idle per database file. Reads run on the async threads
/// without yielding, so no more are ever in use at once than there are such
/// threads.
const IDLE: usize = 8;

/// How long a reader waits for a lock on the file before giving up (and the
/// caller reading through sqlx, which waits on its own thread). Readers of
/// a WAL database rarely wait at all.
const BUSY: Duration = Duration::from_millis(10);

/// How long a read may run on the async thread before it is interrupted
/// and left to sqlx.
const LONGEST: Duration = Duration::from_millis(20);

/// SQLite's virtual machine instructions between two looks at the clock.
const CHECK_EVERY: std::ffi::c_int = 20_000;

/// Prepared statements kept per connection.
const STATEMENTS: usize = 32;

/// The direct readers of one database file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Readers per database file, process-wide (one server may open a file
/// through several pools, as the tests do).
static READERS: LazyLock<Mutex<HashMap<PathBuf, Arc<Readers>>>> = LazyLock::new(Default::default);

/// The direct readers of `db`'s database, or None where they do not apply:
/// PostgreSQL, or a SQLite database that is not a file on disk.
pub(crate) fn readers(db: &DatabaseConnection) -> Option<Arc<Readers>> {
    let path = super::sqlite_file(db)?;
    let mut readers = READERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = readers.get(&path) {
        return Some(found.clone());
    }
    // In-memory databases have names that are no file; each connection to
    // one would see an empty database of its own.
    if !path.is_file() {
        return None;
    }
    let new = Arc::new(Readers {
        path: path.clone(),
        idle: Mutex::new(Vec::new()),
    });
    readers.insert(path, new.clone());
    Some(new)
}

impl Readers {
    /// Runs `statement` and maps each row with `row`; None when it cannot
    /// (see the module's documentation), and the caller should read through
    /// sqlx instead.
    /// `columns` finds, once per read, where each column the rows are
    /// mapped from stands.
    pub(crate) fn query<C, T>(
        &self,
        statement: &Statement,
        columns: impl FnOnce(&Columns<'_>) -> Option<C>,
        mut row: impl FnMut(&C, &rusqlite::Row<'_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let params = match &statement.values {
            Some(values) => values.0.iter().map(parameter).collect::<Option<Vec<_>>>(),
            None => Some(Vec::new()),
        };
        // A value it cannot pass costs no connection.
        let Some((params, conn)) = params.and_then(|p| Some((p, self.connection()?))) else {
            metrics::counter!("claimdesk_sqlite_direct_reads_total", "result" => "fell_back").increment(1);
            return None;
        };
        let deadline = std::time::Instant::now() + LONGEST;
        conn.progress_handler(CHECK_EVERY, Some(move || std::time::Instant::now() > deadline))
            .ok()?;
        let result = (|| {
            let mut prepared = conn.prepare_cached(&statement.sql).ok()?;
            let names: Vec<String> = prepared.column_names().into_iter().map(str::to_owned).collect();
            let columns = columns(&Columns { names: &names })?;
            let mut rows = prepared.query(rusqlite::params_from_iter(params)).ok()?;
            let mut out = Vec::new();
            while let Some(found) = rows.next().ok()? {
                out.push(row(&columns, found)?);
            }
            Some(out)
        })();
        // A connection whose read failed is closed, not kept.
        if result.is_some() {
            self.give_back(conn);
            metrics::counter!("claimdesk_sqlite_direct_reads_total", "result" => "read").increment(1);
        } else {
            metrics::counter!("claimdesk_sqlite_direct_reads_total", "result" => "fell_back").increment(1);
        }
        result
    }

    fn connection(&self) -> Option<Connection> {
        if let Some(conn) = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop() {
            return Some(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(&self.path, flags) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "SQLite direct reader: cannot open the database");
                return None;
            }
        };
        conn.busy_timeout(BUSY).ok()?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        // As on sqlx's connections (`stable_plans`): a plan never depends
        // on bound values, so a cached statement is not prepared again.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .ok()?;
        Some(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < IDLE {
            idle.push(conn);
        }
    }
}

/// The column names of a result, for finding a column's position once per
/// read rather than by name on every row.
pub(crate) struct Columns<'a> {
    names: &'a [String],
}

impl Columns<'_> {
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// A bound value as sqlx passes it to SQLite, so that comparisons with what
/// sqlx wrote match: UUIDs as 16-byte blobs, times as RFC 3339 text with as
/// many fractional digits as needed. None for a kind this module does not
/// pass.
fn parameter(value: &Value) -> Option<SqlValue> {
    use chrono::SecondsFormat;
    Some(match value {
        Value::Bool(v) => v.map_or(SqlValue::Null, |v| SqlValue::Integer(v.into())),
        Value::Int(v) => v.map_or(SqlValue::Null, |v| SqlValue::Integer(v.into())),
        Value::BigInt(v) => v.map_or(SqlValue::Null, SqlValue::Integer),
        Value::Unsigned(v) => v.map_or(SqlValue::Null, |v| SqlValue::Integer(v.into())),
        Value::BigUnsigned(v) => match v {
            Some(v) => SqlValue::Integer(i64::try_from(*v).ok()?),
            None => SqlValue::Null,
        },
        Value::Double(v) => v.map_or(SqlValue::Null, SqlValue::Real),
        Value::String(v) => v.clone().map_or(SqlValue::Null, SqlValue::Text),
        Value::Uuid(v) => v.map_or(SqlValue::Null, |v| SqlValue::Blob(v.as_bytes().to_vec())),
        Value::ChronoDateTimeUtc(v) => v.map_or(SqlValue::Null, |v| {
            SqlValue::Text(v.to_rfc3339_opts(SecondsFormat::AutoSi, false))
        }),
        _ => return None,
    })
}

/// A UUID as sqlx stores it (a 16-byte blob).
pub(crate) fn uuid(row: &rusqlite::Row<'_>, at: usize) -> Option<Option<uuid::Uuid>> {
    match row.get_ref(at).ok()? {
        rusqlite::types::ValueRef::Null => Some(None),
        rusqlite::types::ValueRef::Blob(bytes) => uuid::Uuid::from_slice(bytes).ok().map(Some),
        _ => None,
    }
}

/// A time as sqlx stores it (RFC 3339 text).
pub(crate) fn time(row: &rusqlite::Row<'_>, at: usize) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
    match row.get_ref(at).ok()? {
        rusqlite::types::ValueRef::Null => Some(None),
        rusqlite::types::ValueRef::Text(text) => {
            let text = std::str::from_utf8(text).ok()?;
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| Some(t.with_timezone(&chrono::Utc)))
        }
        _ => None,
    }
}
