use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

/// Each claim's quantities, also kept on its row as the JSON a claim is
/// shown with, so that a page of claims reads them with the row instead of
/// aggregating `claim_quantities` for every claim (most of what a page
/// cost PostgreSQL to run). `claim_quantities` stays the record the matcher
/// searches; rows written before this migration, or restored from an older
/// dump, may hold NULL here and are then read from it.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Claims {
    Table,
    QuantitiesJson,
}

const POSTGRES_FILL: &str = "UPDATE claims SET quantities_json = (
    SELECT coalesce(json_agg(json_build_object('value', q.value, 'value_max', q.value_max, 'of', q.of_value,
      'unit', q.unit, 'qualifier', q.qualifier, 'text', q.text, 'start', q.span_start, 'end', q.span_end)
      ORDER BY q.position), '[]')::text
    FROM claim_quantities q WHERE q.claim_id = claims.id)";

const SQLITE_FILL: &str = "UPDATE claims SET quantities_json = (
    SELECT json_group_array(json_object('value', q.value, 'value_max', q.value_max, 'of', q.of_value,
      'unit', q.unit, 'qualifier', q.qualifier, 'text', q.text, 'start', q.span_start, 'end', q.span_end))
    FROM (SELECT * FROM claim_quantities WHERE claim_id = claims.id ORDER BY position) q)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .add_column(text_null(Claims::QuantitiesJson))
                    .to_owned(),
            )
            .await?;
        let fill = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_FILL,
            _ => SQLITE_FILL,
        };
        manager.get_connection().execute_unprepared(fill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Claims::Table)
                    .drop_column(Claims::QuantitiesJson)
                    .to_owned(),
            )
            .await
    }
}
