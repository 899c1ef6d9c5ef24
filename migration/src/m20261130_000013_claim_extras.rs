use sea_orm_migration::prelude::*;

/// `claims.extras`: which of a claim's optional parts may exist, so that
/// reading a claim costs PostgreSQL one plain row when it has none (issue 12).
///
/// Bits: 1, rows in `claim_matches` for it (repeats); 2, rows in
/// `claim_fact_checks` (external fact-checks); 4, rows in `claim_links` on
/// either side. A bit is set in the transaction that writes such a row and
/// is never cleared, so it may outlive the rows; a row never exists without
/// its bit. The column is derived: exports leave it out and an import
/// recomputes it.
///
/// Before it, `GET /claims/{id}` asked for a claim's quantities, its best
/// verified repeat, its best external fact-check and its links in one
/// statement with four subqueries. PostgreSQL sets up every subquery on each
/// run even when the claim has none of these: on the load benchmark's
/// database, with `pgbench -M prepared -c 8`, that statement ran at 17,800–
/// 23,000 a second against 30,000–34,700 for the plain row.
#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for statement in UP {
            manager.get_connection().execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE claims DROP COLUMN extras")
            .await?;
        Ok(())
    }
}
