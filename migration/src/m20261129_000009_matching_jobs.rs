use sea_orm_migration::{prelude::*, schema::*};

/// Matching moves off the request path: a claim write records what its
/// term counts change by and whether its repeats must be found again as a
/// job, in the write's own transaction; background work in every replica
/// does the jobs in batches (so no crash leaves a claim unmatched, and no
/// request waits on the shared term counts). Counting comes first, for
/// every waiting job (`counted`), so matching judges rarity by current
/// counts even when many claims wait.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MatchingJobs {
    Table,
    Seq,
    ClaimId,
    AddTerms,
    RemoveTerms,
    Rematch,
    Counted,
    LockedUntil,
    Attempts,
    LastError,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MatchingJobs::Table)
                    .col(big_integer(MatchingJobs::Seq).auto_increment().primary_key())
                    .col(uuid(MatchingJobs::ClaimId))
                    .col(text(MatchingJobs::AddTerms))
                    .col(text(MatchingJobs::RemoveTerms))
                    .col(boolean(MatchingJobs::Rematch))
                    .col(boolean(MatchingJobs::Counted).default(false))
                    .col(timestamp_with_time_zone_null(MatchingJobs::LockedUntil))
                    .col(integer(MatchingJobs::Attempts).default(0))
                    .col(string_len_null(MatchingJobs::LastError, 500))
                    .col(timestamp_with_time_zone(MatchingJobs::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MatchingJobs::Table).to_owned())
            .await
    }
}
