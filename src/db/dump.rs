//! The whole database as one stream of NDJSON, and back: `claimdesk export`
//! and `claimdesk import`, for backups and for moving between SQLite and
//! PostgreSQL.
//!
//! The file is one JSON document a line:
//! - a header: `{"format":"claimdesk-export","version":1,"schema":"<latest
//!   migration>","exported_at":…,"database":"sqlite"|"postgres","tables":[…]}`;
//! - one line a row, `{"table":"claims","row":{…}}`, each table's rows
//!   together, ordered by primary key, tables parents first (`TABLES`);
//! - a trailer, `{"end":true,"counts":{"claims":…,…}}`: a file without it
//!   was cut short and is refused.
//!
//! Every table that holds state is written, derived ones too (term counts,
//! stored matches, the matching queue, the event feed with its positions,
//! the JWT secret), so the copy answers exactly like the original without a
//! rebuild. What each database derives by itself is not written: the
//! full-text indexes (SQLite FTS5 tables, PostgreSQL `search` columns), which
//! the triggers of migration 000006 fill as the rows go in.
//!
//! Values keep their exact form across databases: uuids and timestamps (to
//! the microsecond; the application writes no finer) as text, floats in the
//! shortest form that reads back to the same bits (serde_json with
//! `float_roundtrip`).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, IsolationLevel, Iterable, Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::entities::*;

pub const FORMAT: &str = "claimdesk-export";
/// The version of the file layout (not of the schema, which the header
/// names separately).
pub const VERSION: u32 = 1;

/// `term_stats` has no entity elsewhere: the repositories reach it by SQL.
mod term_stats {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "term_stats")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub term: String,
        pub claims: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Why an export or import stopped. An import that stops has changed
/// nothing: its transaction is rolled back.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// The file is not a complete export this binary can read.
    #[error("{0}")]
    File(String),
    /// The database is not one this can work on (schema, contents).
    #[error("{0}")]
    Refused(String),
}

fn file_error(line: u64, message: impl std::fmt::Display) -> DumpError {
    DumpError::File(format!("line {line}: {message}"))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    /// The latest migration applied to the database exported.
    pub schema: String,
    pub exported_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub tables: Vec<String>,
}

#[derive(Serialize)]
struct Record<'a, T> {
    table: &'a str,
    row: &'a T,
}

#[derive(Serialize)]
struct Trailer<'a> {
    end: bool,
    counts: &'a BTreeMap<String, u64>,
}

/// A line after the header: a row or the trailer.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    table: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    row: Option<&'a RawValue>,
    #[serde(default)]
    end: bool,
    #[serde(default)]
    counts: Option<BTreeMap<String, u64>>,
}

/// Rows inserted per statement: within SQLite's 32,766 and PostgreSQL's
/// 65,535 bound parameters for every table here (the widest, claims, has 22 columns).
const BATCH_PARAMETERS: usize = 30_000;
const BATCH_ROWS: usize = 1_000;

macro_rules! tables {
    ($($table:ident),* $(,)?) => {
        /// Every table exported, parents before children: the order rows
        /// are written and inserted in, so foreign keys hold at every step.
        pub const TABLES: &[&str] = &[$(stringify!($table)),*];

        async fn export_tables<W: Write>(
            txn: &DatabaseTransaction,
            out: &mut W,
        ) -> Result<BTreeMap<String, u64>, DumpError> {
            let mut counts = BTreeMap::new();
            $(
                let n = export_table::<$table::Entity, W>(txn, stringify!($table), out).await?;
                tracing::info!("exported {n} rows of {}", stringify!($table));
                counts.insert(stringify!($table).to_owned(), n);
            )*
            Ok(counts)
        }

        /// Inserts rows, as the file holds them, into `table`.
        async fn insert_rows(
            txn: &DatabaseTransaction,
            table: &str,
            rows: &[Box<RawValue>],
            first_line: u64,
        ) -> Result<(), DumpError> {
            match table {
                $(stringify!($table) => insert_table::<$table::Entity>(txn, rows, first_line).await,)*
                other => Err(file_error(first_line, format!("unknown table {other:?}"))),
            }
        }

        /// How many columns `table` has.
        fn columns(table: &str) -> usize {
            match table {
                $(stringify!($table) => <$table::Column as Iterable>::iter().count(),)*
                _ => 1,
            }
        }
    };
}

tables! {
    users,
    server_secrets,
    sign_in_attempts,
    refresh_tokens,
    api_tokens,
    articles,
    claims,
    claim_quantities,
    term_stats,
    claim_matches,
    claim_links,
    sources,
    comments,
    claim_events,
    claim_reviews,
    fact_checks,
    claim_fact_checks,
    events,
    webhooks,
    webhook_deliveries,
    matching_jobs,
}

/// Tables whose primary key a PostgreSQL sequence fills: after rows come in
/// with their own keys, the sequence must be moved past them.
const SERIAL_TABLES: &[(&str, &str)] = &[("webhook_deliveries", "seq"), ("matching_jobs", "seq")];

/// Append-only (migration 000005): its rows are never deleted, so an import
/// can never clear it.
const HISTORY: &str = "claim_events";

/// How many rows go in one INSERT for `table`.
fn batch_rows(table: &str) -> usize {
    BATCH_ROWS.min(BATCH_PARAMETERS / columns(table).max(1))
}

/// Migrations after which an export holds the same rows as before: they
/// change only indexes, or add a column derived from other rows, which an
/// export leaves out and the database's triggers set again as an import
/// loads those rows (`claims.extras`, migration 13). Migration 14 adds an
/// index.
const ROWS_UNCHANGED: &[&str] = &[
    "m20261130_000012_lighter_claim_indexes",
    "m20261130_000013_claim_extras",
    "m20261130_000014_matching_jobs_counted",
];

/// The schema an export's rows follow, named in its header: the newest
/// migration that changed the rows. A file written before a migration in
/// `ROWS_UNCHANGED` still imports after it.
pub fn rows_schema() -> String {
    Migrator::migrations()
        .iter()
        .rev()
        .map(|m| m.name().to_owned())
        .find(|name| !ROWS_UNCHANGED.contains(&name.as_str()))
        .unwrap_or_default()
}

/// The name of the newest migration this binary knows.
pub fn latest_schema() -> String {
    Migrator::migrations()
        .last()
        .map(|m| m.name().to_owned())
        .unwrap_or_default()
}

fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

async fn export_table<E, W>(txn: &DatabaseTransaction, table: &str, out: &mut W) -> Result<u64, DumpError>
where
    E: EntityTrait,
    E::Model: Serialize + Send + Sync,
    W: Write,
{
    let mut rows = E::find().order_by_id_asc().stream(txn).await?;
    let mut n = 0;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut *out, &Record { table, row: &row }).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        n += 1;
    }
    Ok(n)
}

async fn insert_table<E>(
    txn: &DatabaseTransaction,
    rows: &[Box<RawValue>],
    first_line: u64,
) -> Result<(), DumpError>
where
    E: EntityTrait,
    E::Model: for<'de> Deserialize<'de> + IntoActiveModel<E::ActiveModel>,
{
    let mut models = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let model: E::Model =
            serde_json::from_str(row.get()).map_err(|e| file_error(first_line + i as u64, e))?;
        models.push(model.into_active_model());
    }
    E::insert_many(models).exec_without_returning(txn).await?;
    Ok(())
}

/// The migrations applied to a database, oldest first.
async fn applied_migrations(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    rows.iter().map(|r| r.try_get::<String>("", "version")).collect()
}

fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// Writes the whole database to `out` as it stood at one moment: everything
/// is read in one transaction (on PostgreSQL REPEATABLE READ, READ ONLY; on
/// SQLite a read transaction, one snapshot of the WAL), row by row, so memory
/// stays flat whatever the size. Returns the rows written per table.
pub async fn export<W: Write>(
    db: &DatabaseConnection,
    out: &mut W,
) -> Result<BTreeMap<String, u64>, DumpError> {
    let backend = db.get_database_backend();
    // SQLite has neither setting (and warns when given them): its read
    // transaction is already a snapshot, and this one never writes.
    let txn = match backend {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?
        }
        _ => db.begin().await?,
    };
    // The first read fixes the snapshot, on SQLite too.
    let applied = applied_migrations(&txn).await.map_err(|e| {
        DumpError::Refused(format!(
            "cannot read the schema version (is this a claimdesk database?): {e}"
        ))
    })?;
    if applied != known_migrations() {
        return Err(DumpError::Refused(format!(
            "the database's schema ({}) is not this binary's ({}): run `claimdesk migrate` \
             with this binary first, or export with the binary that matches the database",
            applied.last().map_or("none", String::as_str),
            latest_schema()
        )));
    }
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        schema: rows_schema(),
        exported_at: crate::domain::page::now(),
        database: backend_name(backend).to_owned(),
        tables: TABLES.iter().map(|t| (*t).to_owned()).collect(),
    };
    serde_json::to_writer(&mut *out, &header).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    let counts = export_tables(&txn, out).await?;
    serde_json::to_writer(
        &mut *out,
        &Trailer {
            end: true,
            counts: &counts,
        },
    )
    .map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()?;
    txn.commit().await?;
    Ok(counts)
}

/// Reads and checks the header line of an export.
pub fn read_header<R: BufRead>(input: &mut R) -> Result<Header, DumpError> {
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Err(DumpError::File("the file is empty".into()));
    }
    let header: Header = serde_json::from_str(&line)
        .map_err(|e| file_error(1, format!("not a claimdesk export header ({e})")))?;
    if header.format != FORMAT {
        return Err(file_error(
            1,
            format!("format {:?} is not {FORMAT:?}", header.format),
        ));
    }
    if header.version != VERSION {
        return Err(file_error(
            1,
            format!(
                "file layout version {} is not {VERSION}, the one this binary reads",
                header.version
            ),
        ));
    }
    let known = known_migrations();
    if header.schema != rows_schema() {
        let message = if known.contains(&header.schema) {
            format!(
                "the file has the older schema {}; this binary writes {}: import it with the \
                 claimdesk version that exported it, then upgrade that database",
                header.schema,
                rows_schema()
            )
        } else {
            format!(
                "the file has schema {}, newer than this binary knows (its newest is {}): \
                 import it with a newer claimdesk",
                header.schema,
                rows_schema()
            )
        };
        return Err(DumpError::Refused(message));
    }
    Ok(header)
}

/// What `import` does with a database that already holds rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Existing {
    /// Refuse it: import only into an empty database.
    #[default]
    Refuse,
    /// Delete its rows first, in the import's transaction, unless it has
    /// claim history (append-only: never deleted).
    Replace,
}

/// Loads an export into a migrated database, in one transaction: either every
/// row goes in and the counts match the file's trailer and the tables, or
/// nothing changes. `input` is past its header (see `read_header`).
pub async fn import<R: BufRead>(
    db: &DatabaseConnection,
    input: &mut R,
    existing: Existing,
) -> Result<BTreeMap<String, u64>, DumpError> {
    let backend = db.get_database_backend();
    let applied = applied_migrations(db).await?;
    if applied != known_migrations() {
        return Err(DumpError::Refused(
            "the target database is not at this binary's schema: run `claimdesk migrate` first".into(),
        ));
    }
    let txn = super::begin_write(db).await?;
    if backend == DbBackend::Postgres {
        // Two imports into one database wait for each other; so does a
        // migration.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7236042155)")
            .await?;
    }
    clear_or_refuse(&txn, existing).await?;

    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut trailer: Option<BTreeMap<String, u64>> = None;
    let mut current: Option<&'static str> = None;
    let mut batch: Vec<Box<RawValue>> = Vec::new();
    let mut batch_line = 2;
    let mut line = String::new();
    let mut number = 1u64;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        number += 1;
        if !line.ends_with('\n') {
            return Err(file_error(
                number,
                "the last line is cut short: the file is incomplete",
            ));
        }
        if line.trim().is_empty() {
            continue;
        }
        if trailer.is_some() {
            return Err(file_error(number, "rows after the end of the export"));
        }
        let parsed: Line = serde_json::from_str(&line).map_err(|e| file_error(number, e))?;
        if parsed.end {
            trailer = Some(
                parsed
                    .counts
                    .ok_or_else(|| file_error(number, "the trailer has no counts"))?,
            );
            continue;
        }
        let (Some(table), Some(row)) = (parsed.table, parsed.row) else {
            return Err(file_error(number, "neither a row nor the trailer"));
        };
        if current != Some(&*table) {
            let Some(known) = TABLES.iter().copied().find(|t| *t == &*table) else {
                return Err(file_error(number, format!("unknown table {table:?}")));
            };
            if counts.contains_key(known) {
                return Err(file_error(
                    number,
                    format!("the rows of {known} are not together"),
                ));
            }
            if let Some(done) = current {
                flush(&txn, done, &mut batch, batch_line).await?;
                tracing::info!("imported {} rows of {done}", counts[done]);
            }
            current = Some(known);
            counts.insert(known.to_owned(), 0);
        }
        let table = current.unwrap_or_default();
        if batch.is_empty() {
            batch_line = number;
        }
        batch.push(row.to_owned());
        *counts.entry(table.to_owned()).or_default() += 1;
        if batch.len() >= batch_rows(table) {
            flush(&txn, table, &mut batch, batch_line).await?;
        }
    }
    if let Some(done) = current {
        flush(&txn, done, &mut batch, batch_line).await?;
        tracing::info!("imported {} rows of {done}", counts[done]);
    }
    let Some(expected) = trailer else {
        return Err(DumpError::File(
            "the file ends before its trailer: it is incomplete (was the export cut short?)".into(),
        ));
    };
    for table in TABLES {
        let want = expected.get(*table).copied().unwrap_or(0);
        let read = counts.get(*table).copied().unwrap_or(0);
        if want != read {
            return Err(DumpError::File(format!(
                "{table}: the trailer counts {want} rows, the file holds {read}"
            )));
        }
        let stored = count(&txn, table).await?;
        if stored != want {
            return Err(DumpError::File(format!(
                "{table}: {want} rows in the file, {stored} in the database after loading"
            )));
        }
        counts.insert((*table).to_owned(), want);
    }
    if let Some(extra) = expected.keys().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(DumpError::File(format!(
            "the trailer counts an unknown table {extra:?}"
        )));
    }
    if backend == DbBackend::Postgres {
        for (table, column) in SERIAL_TABLES {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(counts)
}

async fn flush(
    txn: &DatabaseTransaction,
    table: &str,
    batch: &mut Vec<Box<RawValue>>,
    first_line: u64,
) -> Result<(), DumpError> {
    if !batch.is_empty() {
        insert_rows(txn, table, batch, first_line)
            .await
            .map_err(|e| match e {
                DumpError::Database(e) => DumpError::Database(DbErr::Custom(format!(
                    "inserting {table} rows from line {first_line} on: {e}"
                ))),
                other => other,
            })?;
        batch.clear();
    }
    Ok(())
}

async fn count(conn: &impl ConnectionTrait, table: &str) -> Result<u64, DbErr> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("no count for {table}")))?;
    Ok(row.try_get::<i64>("", "n")? as u64)
}

async fn has_rows(conn: &impl ConnectionTrait, table: &str) -> Result<bool, DbErr> {
    Ok(conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT 1 AS one FROM {table} LIMIT 1"),
        ))
        .await?
        .is_some())
}

/// The tables of a database that hold rows, leaving out `term_stats`, whose
/// one row after migrating ("no claims") says nothing.
pub async fn nonempty_tables(conn: &impl ConnectionTrait) -> Result<Vec<&'static str>, DbErr> {
    let mut found = Vec::new();
    for table in TABLES.iter().filter(|t| **t != "term_stats") {
        if has_rows(conn, table).await? {
            found.push(*table);
        }
    }
    Ok(found)
}

async fn clear_or_refuse(txn: &DatabaseTransaction, existing: Existing) -> Result<(), DumpError> {
    let nonempty = nonempty_tables(txn).await?;
    if !nonempty.is_empty() {
        if existing == Existing::Refuse {
            return Err(DumpError::Refused(format!(
                "the target database is not empty (rows in {}): import into an empty database, \
                 or pass --force to replace its contents",
                nonempty.join(", ")
            )));
        }
        if nonempty.contains(&HISTORY) {
            return Err(DumpError::Refused(
                "the target database has claim history, which is append-only and never deleted, \
                 not even by --force: import into a new, empty database"
                    .into(),
            ));
        }
        tracing::warn!("--force: deleting the rows of {}", nonempty.join(", "));
    }
    // Children before parents. term_stats always: migrating leaves a row.
    for table in TABLES.iter().rev() {
        if *table == "term_stats" || nonempty.contains(table) {
            txn.execute_unprepared(&format!("DELETE FROM {table}")).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index-only or derived-column migration leaves the rows, and so the
    /// export's header, as they were: files written before it still import.
    #[test]
    fn migrations_that_leave_the_rows_do_not_change_the_rows_schema() {
        let known = known_migrations();
        for name in ROWS_UNCHANGED {
            assert!(known.iter().any(|k| k == name), "{name} is not a migration");
        }
        assert_eq!(rows_schema(), "m20261130_000011_claim_quantities_json");
        assert_ne!(rows_schema(), latest_schema());
    }

    #[test]
    fn tables_are_listed_once_each_and_history_is_among_them() {
        let mut sorted = TABLES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), TABLES.len());
        assert!(TABLES.contains(&HISTORY));
        assert_eq!(TABLES.len(), 21);
    }

    #[test]
    fn a_batch_fits_the_bound_parameter_limits() {
        for table in TABLES {
            assert!(columns(table) > 1, "{table}");
            assert!(batch_rows(table) >= 1);
            assert!(batch_rows(table) * columns(table) <= 32_766, "{table}");
        }
        assert_eq!(columns("claims"), 22);
    }

    #[test]
    fn floats_and_timestamps_read_back_to_the_same_value() {
        let row = claim_quantities::Model {
            id: uuid::Uuid::now_v7(),
            claim_id: uuid::Uuid::now_v7(),
            position: 0,
            value: 0.1 + 0.2,
            value_max: Some(1.0 / 3.0),
            of_value: Some(f64::MIN_POSITIVE * 3.0),
            unit: None,
            unit_key: Some("bus".into()),
            qualifier: "exact".into(),
            text: "ünïcode \"quoted\" \n".into(),
            span_start: 1,
            span_end: 2,
        };
        let text = serde_json::to_string(&row).unwrap();
        let back: claim_quantities::Model = serde_json::from_str(&text).unwrap();
        assert_eq!(back, row);
        for value in [
            0.30000000000000004,
            2.2250738585072014e-308,
            1e300,
            0.7234567890123457,
        ] {
            let back: f64 = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
            assert_eq!(back.to_bits(), f64::to_bits(value));
        }
        let at = DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap();
        let back: DateTime<Utc> = serde_json::from_str(&serde_json::to_string(&at).unwrap()).unwrap();
        assert_eq!(back, at);
    }
}
