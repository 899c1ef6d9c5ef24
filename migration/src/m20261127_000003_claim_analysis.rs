use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    Kind,
    Checkworthiness,
}

#[derive(DeriveIden)]
enum ClaimQuantities {
    Table,
    Id,
    ClaimId,
    Position,
    Value,
    ValueMax,
    OfValue,
    Unit,
    Qualifier,
    Text,
    SpanStart,
    SpanEnd,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // What the extractor makes of each claim; null when it finds the
        // claim not check-worthy (or for claims from before extraction).
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .add_column(string_len_null(Claims::Kind, 16))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .add_column(double_null(Claims::Checkworthiness))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaimQuantities::Table)
                    .col(uuid(ClaimQuantities::Id).primary_key())
                    .col(uuid(ClaimQuantities::ClaimId))
                    .col(integer(ClaimQuantities::Position))
                    .col(double(ClaimQuantities::Value))
                    .col(double_null(ClaimQuantities::ValueMax))
                    .col(double_null(ClaimQuantities::OfValue))
                    .col(string_len_null(ClaimQuantities::Unit, 100))
                    .col(string_len(ClaimQuantities::Qualifier, 16))
                    .col(text(ClaimQuantities::Text))
                    .col(integer(ClaimQuantities::SpanStart))
                    .col(integer(ClaimQuantities::SpanEnd))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claim_quantities_claim")
                            .from(ClaimQuantities::Table, ClaimQuantities::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_quantities_claim")
                    .table(ClaimQuantities::Table)
                    .col(ClaimQuantities::ClaimId)
                    .col(ClaimQuantities::Position)
                    .to_owned(),
            )
            .await?;
        // Finding claims that state the same amount of the same thing.
        manager
            .create_index(
                Index::create()
                    .name("idx_claim_quantities_unit_value")
                    .table(ClaimQuantities::Table)
                    .col(ClaimQuantities::Unit)
                    .col(ClaimQuantities::Value)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClaimQuantities::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .drop_column(Claims::Checkworthiness)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .drop_column(Claims::Kind)
                    .to_owned(),
            )
            .await
    }
}
