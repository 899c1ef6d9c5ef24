use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// `claims.extras`: which of a claim's optional parts may exist, so that
/// reading a claim costs PostgreSQL one plain row when it has none (issue 12).
///
/// Bits: 1, rows in `claim_matches` for it (repeats); 2, rows in
/// `claim_fact_checks` (external fact-checks); 4, rows in `claim_links` on
/// either side. Triggers on the three tables set a bit when such a row is
/// inserted, whoever inserts it (this binary, an older replica still
/// running during an upgrade, an import); a bit is never cleared, so it
/// may outlive the rows, but a row never exists without its bit. The
/// column is derived: exports leave it out, and importing the rows sets it.
///
/// Before it, `GET /claims/{id}` asked for a claim's quantities, its best
/// verified repeat, its best external fact-check and its links in one
/// statement with four subqueries. PostgreSQL sets up every subquery on each
/// run even when the claim has none of these: on the load benchmark's
/// database, with `pgbench -M prepared -c 8`, that statement ran at 17,800–
/// 23,000 a second against 30,000–34,700 for the plain row.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Adds the column and sets it from the rows already there.
const COLUMN: &[&str] = &[
    "ALTER TABLE claims ADD COLUMN extras INTEGER NOT NULL DEFAULT 0",
    "UPDATE claims SET extras = \
     (CASE WHEN EXISTS (SELECT 1 FROM claim_matches m WHERE m.claim_id = claims.id) THEN 1 ELSE 0 END) \
     + (CASE WHEN EXISTS (SELECT 1 FROM claim_fact_checks f WHERE f.claim_id = claims.id) THEN 2 ELSE 0 END) \
     + (CASE WHEN EXISTS (SELECT 1 FROM claim_links l WHERE l.claim_id = claims.id OR l.other_id = claims.id) \
     THEN 4 ELSE 0 END) \
     WHERE EXISTS (SELECT 1 FROM claim_matches m WHERE m.claim_id = claims.id) \
     OR EXISTS (SELECT 1 FROM claim_fact_checks f WHERE f.claim_id = claims.id) \
     OR EXISTS (SELECT 1 FROM claim_links l WHERE l.claim_id = claims.id OR l.other_id = claims.id)",
];

/// The bit each table sets, and the claims its rows name. A row whose
/// claims have the bit already rewrites nothing.
const SETS: [(&str, u8, &str); 3] = [
    ("claim_matches", 1, "id = NEW.claim_id"),
    ("claim_fact_checks", 2, "id = NEW.claim_id"),
    ("claim_links", 4, "id IN (NEW.claim_id, NEW.other_id)"),
];

fn update(bit: u8, which: &str) -> String {
    format!("UPDATE claims SET extras = (extras | {bit}) WHERE {which} AND (extras & {bit}) = 0;")
}

fn up_statements(backend: DbBackend) -> Vec<String> {
    let mut statements: Vec<String> = COLUMN.iter().map(|s| (*s).to_owned()).collect();
    for (table, bit, which) in SETS {
        let update = update(bit, which);
        match backend {
            DbBackend::Postgres => {
                statements.push(format!(
                    "CREATE FUNCTION {table}_extras() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {update} RETURN NULL; END $$"
                ));
                statements.push(format!(
                    "CREATE TRIGGER {table}_extras AFTER INSERT ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION {table}_extras()"
                ));
            }
            _ => statements.push(format!(
                "CREATE TRIGGER {table}_extras AFTER INSERT ON {table} BEGIN {update} END"
            )),
        }
    }
    statements
}

fn down_statements(backend: DbBackend) -> Vec<String> {
    let mut statements = Vec::new();
    for (table, _, _) in SETS {
        statements.push(format!(
            "DROP TRIGGER {table}_extras{}",
            match backend {
                DbBackend::Postgres => format!(" ON {table}"),
                _ => String::new(),
            }
        ));
        if backend == DbBackend::Postgres {
            statements.push(format!("DROP FUNCTION {table}_extras()"));
        }
    }
    statements.push("ALTER TABLE claims DROP COLUMN extras".to_owned());
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in up_statements(manager.get_database_backend()) {
            manager.get_connection().execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in down_statements(manager.get_database_backend()) {
            manager.get_connection().execute_unprepared(&statement).await?;
        }
        Ok(())
    }
}
