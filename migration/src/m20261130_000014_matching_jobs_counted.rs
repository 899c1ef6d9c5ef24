use sea_orm_migration::prelude::*;

/// An index on `matching_jobs (counted, seq)`, for the matcher's three
/// questions: is any job waiting to be counted, which are they (oldest
/// first), and which counted jobs are free to lease (oldest first).
///
/// Without it each was a scan of the whole table, whose rows carry the
/// jobs' term lists. After the load benchmark's 10-second write run
/// (~117,000 jobs waiting on SQLite) the look for an uncounted job read
/// every row on every round, the lease took up to 1.4 s, and the matcher
/// worked 13 claims a second; a server restarted on a copy of that database
/// worked 350.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_matching_jobs_counted")
                    .table(Alias::new("matching_jobs"))
                    .col(Alias::new("counted"))
                    .col(Alias::new("seq"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_matching_jobs_counted")
                    .table(Alias::new("matching_jobs"))
                    .to_owned(),
            )
            .await
    }
}
