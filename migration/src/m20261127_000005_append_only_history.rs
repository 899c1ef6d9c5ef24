use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Makes the claim history append-only in the database itself: an UPDATE or
/// DELETE on `claim_events` fails, whoever sends it.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION claim_events_append_only() RETURNS trigger AS $$
                     BEGIN RAISE EXCEPTION 'claim history is append-only'; END;
                     $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events
                     FOR EACH ROW EXECUTE FUNCTION claim_events_append_only()",
                )
                .await?;
            }
            _ => {
                for action in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER claim_events_no_{} BEFORE {action} ON claim_events
                         BEGIN SELECT RAISE(ABORT, 'claim history is append-only'); END",
                        action.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER claim_events_append_only ON claim_events")
                    .await?;
                db.execute_unprepared("DROP FUNCTION claim_events_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER claim_events_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER claim_events_no_delete")
                    .await?;
            }
        }
        Ok(())
    }
}
