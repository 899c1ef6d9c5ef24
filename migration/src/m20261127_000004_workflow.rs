use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    AssigneeId,
    VerdictRating,
    VerdictSummary,
    VerdictProposedBy,
    VerdictProposedAt,
    VerdictApprovedBy,
    VerdictApprovedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    ClaimId,
    Url,
    NormalizedUrl,
    Title,
    Publisher,
    Stance,
    Note,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum ClaimEvents {
    Table,
    Id,
    ClaimId,
    ActorId,
    Kind,
    At,
    Data,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ClaimId,
    AuthorId,
    Body,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            uuid_null(Claims::AssigneeId),
            string_len_null(Claims::VerdictRating, 16),
            text_null(Claims::VerdictSummary),
            uuid_null(Claims::VerdictProposedBy),
            timestamp_with_time_zone_null(Claims::VerdictProposedAt),
            uuid_null(Claims::VerdictApprovedBy),
            timestamp_with_time_zone_null(Claims::VerdictApprovedAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Claims::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, first) in [
            ("idx_claims_assignee", Claims::AssigneeId),
            ("idx_claims_rating", Claims::VerdictRating),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Claims::Table)
                        .col(first)
                        .col(Alias::new("created_at"))
                        .col(Claims::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_claims_updated")
                    .table(Claims::Table)
                    .col(Claims::UpdatedAt)
                    .col(Claims::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sources::Table)
                    .col(uuid(Sources::Id).primary_key())
                    .col(uuid(Sources::ClaimId))
                    .col(text(Sources::Url))
                    .col(string_len(Sources::NormalizedUrl, 2048))
                    .col(text_null(Sources::Title))
                    .col(text_null(Sources::Publisher))
                    .col(string_len(Sources::Stance, 16))
                    .col(text_null(Sources::Note))
                    .col(uuid(Sources::CreatedBy))
                    .col(timestamp_with_time_zone(Sources::CreatedAt))
                    .col(timestamp_with_time_zone(Sources::UpdatedAt))
                    .col(big_integer(Sources::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sources_claim")
                            .from(Sources::Table, Sources::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The same evidence twice on one claim is a conflict, not a duplicate row.
        manager
            .create_index(
                Index::create()
                    .name("uq_sources_claim_url")
                    .table(Sources::Table)
                    .col(Sources::ClaimId)
                    .col(Sources::NormalizedUrl)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Append-only: the application never updates or deletes a row here.
        manager
            .create_table(
                Table::create()
                    .table(ClaimEvents::Table)
                    .col(uuid(ClaimEvents::Id).primary_key())
                    .col(uuid(ClaimEvents::ClaimId))
                    .col(uuid_null(ClaimEvents::ActorId))
                    .col(string_len(ClaimEvents::Kind, 32))
                    .col(timestamp_with_time_zone(ClaimEvents::At))
                    .col(text(ClaimEvents::Data))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_events_claim")
                            .from(ClaimEvents::Table, ClaimEvents::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_events_claim")
                    .table(ClaimEvents::Table)
                    .col(ClaimEvents::ClaimId)
                    .col(ClaimEvents::At)
                    .col(ClaimEvents::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(uuid(Comments::Id).primary_key())
                    .col(uuid(Comments::ClaimId))
                    .col(uuid(Comments::AuthorId))
                    .col(text(Comments::Body))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .col(timestamp_with_time_zone(Comments::UpdatedAt))
                    .col(big_integer(Comments::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_claim")
                            .from(Comments::Table, Comments::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_comments_claim")
                    .table(Comments::Table)
                    .col(Comments::ClaimId)
                    .col(Comments::CreatedAt)
                    .col(Comments::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Comments::Table.into_iden(),
            ClaimEvents::Table.into_iden(),
            Sources::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [
            Claims::VerdictApprovedAt,
            Claims::VerdictApprovedBy,
            Claims::VerdictProposedAt,
            Claims::VerdictProposedBy,
            Claims::VerdictSummary,
            Claims::VerdictRating,
            Claims::AssigneeId,
        ] {
            manager
                .alter_table(Table::alter().table(Claims::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
