use sea_orm_migration::{prelude::*, schema::*};

/// Integrations are told:
/// - `events` is the outbox and the event feed: one row per change, written
///   in the change's own transaction. `position` is given later, in commit
///   order, by one sequencer at a time, so a reader paging by position never
///   skips an event that committed after a later-numbered one.
/// - `webhooks` are the endpoints integrations registered.
/// - `webhook_deliveries` are the sends still to make or already made, one
///   per (event, endpoint), created by the sequencer from `events`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Position,
    EventType,
    ClaimId,
    ArticleId,
    ActorId,
    At,
    Kind,
    Data,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Description,
    Events,
    Enabled,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    DisabledReason,
    FailingSince,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Seq,
    Id,
    WebhookId,
    EventId,
    EventType,
    OrderingKey,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastStatus,
    LastError,
    LastAttemptAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(uuid(Events::Id).primary_key())
                    .col(big_integer_null(Events::Position).unique_key())
                    .col(string_len(Events::EventType, 40))
                    .col(uuid_null(Events::ClaimId))
                    .col(uuid_null(Events::ArticleId))
                    .col(uuid_null(Events::ActorId))
                    .col(timestamp_with_time_zone(Events::At))
                    .col(string_len(Events::Kind, 40))
                    .col(text(Events::Data))
                    .to_owned(),
            )
            .await?;
        // The sequencer's queue: only events not yet given a position, so
        // finding them costs nothing however long the feed grows.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_events_unsequenced ON events (at, id) WHERE position IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(uuid(Webhooks::Id).primary_key())
                    .col(string_len(Webhooks::Url, 2048))
                    .col(string_len_null(Webhooks::Description, 500))
                    .col(text(Webhooks::Events))
                    .col(boolean(Webhooks::Enabled))
                    .col(string_len(Webhooks::Secret, 200))
                    .col(string_len_null(Webhooks::PreviousSecret, 200))
                    .col(timestamp_with_time_zone_null(Webhooks::PreviousSecretUntil))
                    .col(string_len_null(Webhooks::DisabledReason, 500))
                    .col(timestamp_with_time_zone_null(Webhooks::FailingSince))
                    .col(uuid(Webhooks::CreatedBy))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .col(timestamp_with_time_zone(Webhooks::UpdatedAt))
                    .col(big_integer(Webhooks::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_integer(WebhookDeliveries::Seq).auto_increment().primary_key())
                    .col(string_len(WebhookDeliveries::Id, 64).unique_key())
                    .col(uuid(WebhookDeliveries::WebhookId))
                    .col(uuid_null(WebhookDeliveries::EventId))
                    .col(string_len(WebhookDeliveries::EventType, 40))
                    .col(string_len(WebhookDeliveries::OrderingKey, 80))
                    .col(text(WebhookDeliveries::Payload))
                    .col(string_len(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LockedUntil))
                    .col(integer_null(WebhookDeliveries::LastStatus))
                    .col(string_len_null(WebhookDeliveries::LastError, 500))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LastAttemptAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // What the sender looks for: pending deliveries that are due.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_order")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::OrderingKey)
                    .col(WebhookDeliveries::Seq)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
