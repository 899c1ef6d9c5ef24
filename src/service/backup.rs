//! Backups, and moving a desk from one database to another (SQLite to
//! PostgreSQL and back): `claimdesk export` and `claimdesk import`. The file
//! format and its guarantees are described in `db::dump`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};

use sea_orm::DatabaseConnection;

use crate::db;
use crate::db::dump::{self, DumpError, Existing, Header};

const BUFFER: usize = 1 << 20;

/// Writes the whole database to `output`, or to standard output when it is
/// `None` or `-`. A file is written under `<output>.partial` and renamed when
/// complete, so a failed export never leaves a file that looks whole.
/// Returns the rows written per table.
pub async fn export(
    db: &DatabaseConnection,
    output: Option<&Path>,
) -> Result<BTreeMap<String, u64>, DumpError> {
    let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
        let mut out = BufWriter::with_capacity(BUFFER, std::io::stdout());
        return dump::export(db, &mut out).await;
    };
    let mut partial = OsString::from(path.as_os_str());
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = File::create(&partial).map_err(|e| {
        DumpError::Io(std::io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", partial.display()),
        ))
    })?;
    let mut out = BufWriter::with_capacity(BUFFER, file);
    let written = match dump::export(db, &mut out).await {
        Ok(counts) => finish(out).map(|()| counts),
        Err(e) => Err(e),
    };
    match written {
        Ok(counts) => {
            std::fs::rename(&partial, path)?;
            Ok(counts)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Flushes and syncs the file, so a backup reported written is on disk.
fn finish(out: BufWriter<File>) -> Result<(), DumpError> {
    let file = out.into_inner().map_err(|e| DumpError::Io(e.into_error()))?;
    file.sync_all()?;
    Ok(())
}

/// Loads an export (a file, or standard input for `-`) into the database:
/// checks the file's header first, migrates the database, then loads every
/// row in one transaction and checks the counts. Anything wrong leaves the
/// database as it was. `force` replaces the rows of a database that is not
/// empty, unless it holds claim history (see `Existing::Replace`).
pub async fn import(
    db: &DatabaseConnection,
    input: &Path,
    force: bool,
) -> Result<(Header, BTreeMap<String, u64>), DumpError> {
    let mut reader: Box<dyn BufRead> = if input.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(BUFFER, std::io::stdin()))
    } else {
        let file = File::open(input).map_err(|e| {
            DumpError::Io(std::io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", input.display()),
            ))
        })?;
        Box::new(BufReader::with_capacity(BUFFER, file))
    };
    let header = dump::read_header(&mut reader)?;
    db::migrate(db).await?;
    let existing = if force {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    let counts = dump::import(db, &mut reader, existing).await?;
    Ok((header, counts))
}
