use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Title,
    Body,
    Url,
    Outlet,
    Author,
    PublishedAt,
    Language,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
    Version,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    ArticleId,
    Text,
    SpanStart,
    SpanEnd,
    Claimant,
    Status,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(uuid(Articles::Id).primary_key())
                    .col(text(Articles::Title))
                    .col(text(Articles::Body))
                    .col(text_null(Articles::Url))
                    .col(text_null(Articles::Outlet))
                    .col(text_null(Articles::Author))
                    .col(timestamp_with_time_zone_null(Articles::PublishedAt))
                    .col(string_len(Articles::Language, 35))
                    .col(timestamp_with_time_zone(Articles::CreatedAt))
                    .col(timestamp_with_time_zone(Articles::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Articles::ArchivedAt))
                    .col(big_integer(Articles::Version))
                    .to_owned(),
            )
            .await?;
        // Backs the newest-first keyset listing.
        manager
            .create_index(
                Index::create()
                    .name("idx_articles_created")
                    .table(Articles::Table)
                    .col(Articles::CreatedAt)
                    .col(Articles::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Claims::Table)
                    .col(uuid(Claims::Id).primary_key())
                    .col(uuid_null(Claims::ArticleId))
                    .col(text(Claims::Text))
                    .col(integer_null(Claims::SpanStart))
                    .col(integer_null(Claims::SpanEnd))
                    .col(text_null(Claims::Claimant))
                    .col(string_len(Claims::Status, 20))
                    .col(timestamp_with_time_zone(Claims::CreatedAt))
                    .col(timestamp_with_time_zone(Claims::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Claims::DeletedAt))
                    .col(big_integer(Claims::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claims_article")
                            .from(Claims::Table, Claims::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // Each listing filter gets an index that ends in the keyset columns.
        for (name, first) in [
            ("idx_claims_created", None),
            ("idx_claims_article", Some(Claims::ArticleId)),
            ("idx_claims_status", Some(Claims::Status)),
        ] {
            let mut index = Index::create();
            index.name(name).table(Claims::Table);
            if let Some(column) = first {
                index.col(column);
            }
            manager
                .create_index(index.col(Claims::CreatedAt).col(Claims::Id).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Claims::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Articles::Table).to_owned())
            .await
    }
}
