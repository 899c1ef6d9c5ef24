use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

/// Exchanging fact-checks: other publishers' ClaimReviews kept as external
/// fact-checks (one per review URL), searchable by their words on each
/// database's own engine, and the best of them stored per claim by
/// matching; published reviews indexed by time for the feed.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FactChecks {
    Table,
    Id,
    ReviewUrl,
    ReviewUrlKey,
    PublisherName,
    PublisherUrl,
    ClaimReviewed,
    Claimant,
    RatingName,
    RatingValue,
    BestRating,
    WorstRating,
    DatePublished,
    AppearanceUrl,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClaimFactChecks {
    Table,
    ClaimId,
    FactCheckId,
    Score,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ClaimReviews {
    Table,
    PublishedAt,
    ClaimId,
}

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE fact_checks ADD COLUMN search tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('english', claim_reviewed), 'A')
       || setweight(to_tsvector('english', coalesce(claimant, '')), 'B')
       || setweight(to_tsvector('english', publisher_name), 'C')
     ) STORED",
    "CREATE INDEX idx_fact_checks_search ON fact_checks USING GIN (search)",
];

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE fact_checks_fts USING fts5(claim_reviewed, claimant, publisher,
       tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fact_checks_fts_insert AFTER INSERT ON fact_checks BEGIN
       INSERT INTO fact_checks_fts (rowid, claim_reviewed, claimant, publisher)
         VALUES (new.rowid, new.claim_reviewed, coalesce(new.claimant, ''), new.publisher_name);
     END",
    "CREATE TRIGGER fact_checks_fts_update AFTER UPDATE OF claim_reviewed, claimant, publisher_name ON fact_checks BEGIN
       UPDATE fact_checks_fts SET claim_reviewed = new.claim_reviewed, claimant = coalesce(new.claimant, ''),
         publisher = new.publisher_name WHERE rowid = new.rowid;
     END",
    "CREATE TRIGGER fact_checks_fts_delete AFTER DELETE ON fact_checks BEGIN
       DELETE FROM fact_checks_fts WHERE rowid = old.rowid;
     END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER fact_checks_fts_delete",
    "DROP TRIGGER fact_checks_fts_update",
    "DROP TRIGGER fact_checks_fts_insert",
    "DROP TABLE fact_checks_fts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FactChecks::Table)
                    .col(uuid(FactChecks::Id).primary_key())
                    .col(text(FactChecks::ReviewUrl))
                    .col(text(FactChecks::ReviewUrlKey).unique_key())
                    .col(text(FactChecks::PublisherName))
                    .col(text_null(FactChecks::PublisherUrl))
                    .col(text(FactChecks::ClaimReviewed))
                    .col(text_null(FactChecks::Claimant))
                    .col(text_null(FactChecks::RatingName))
                    .col(double_null(FactChecks::RatingValue))
                    .col(double_null(FactChecks::BestRating))
                    .col(double_null(FactChecks::WorstRating))
                    .col(timestamp_with_time_zone_null(FactChecks::DatePublished))
                    .col(text_null(FactChecks::AppearanceUrl))
                    .col(text(FactChecks::Body))
                    .col(timestamp_with_time_zone(FactChecks::CreatedAt))
                    .col(timestamp_with_time_zone(FactChecks::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_fact_checks_newest")
                    .table(FactChecks::Table)
                    .col(FactChecks::UpdatedAt)
                    .col(FactChecks::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_fact_checks_publisher")
                    .table(FactChecks::Table)
                    .col(FactChecks::PublisherName)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaimFactChecks::Table)
                    .col(uuid(ClaimFactChecks::ClaimId))
                    .col(uuid(ClaimFactChecks::FactCheckId))
                    .col(double(ClaimFactChecks::Score))
                    .primary_key(
                        Index::create()
                            .col(ClaimFactChecks::ClaimId)
                            .col(ClaimFactChecks::FactCheckId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClaimFactChecks::Table, ClaimFactChecks::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClaimFactChecks::Table, ClaimFactChecks::FactCheckId)
                            .to(FactChecks::Table, FactChecks::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_fact_checks_fact_check")
                    .table(ClaimFactChecks::Table)
                    .col(ClaimFactChecks::FactCheckId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_reviews_published")
                    .table(ClaimReviews::Table)
                    .col(ClaimReviews::PublishedAt)
                    .col(ClaimReviews::ClaimId)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            let db = manager.get_connection();
            for statement in SQLITE_DOWN {
                db.execute_unprepared(statement).await?;
            }
        }
        manager
            .drop_index(Index::drop().name("idx_claim_reviews_published").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ClaimFactChecks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(FactChecks::Table).to_owned())
            .await
    }
}
