use sea_orm_migration::{prelude::*, schema::*};

/// Trust in the verification record and in credentials:
/// - `claim_reviews` keeps the ClaimReview exactly as it was published when
///   an editor approved the verdict, so later edits cannot change it;
/// - `users.session_generation` is written into every access token, and
///   raised when a password changes, a user is disabled or demoted, so
///   tokens issued before that stop working at once;
/// - `sign_in_attempts` counts sign-in attempts per key in a fixed window,
///   with one atomic upsert, before the password is checked (it replaces the
///   failure log, which was counted after the check and could be raced).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClaimReviews {
    Table,
    ClaimId,
    Body,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    SessionGeneration,
}

#[derive(DeriveIden)]
enum SignInAttempts {
    Table,
    Key,
    WindowStartedAt,
    Attempts,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClaimReviews::Table)
                    .col(uuid(ClaimReviews::ClaimId).primary_key())
                    .col(text(ClaimReviews::Body))
                    .col(timestamp_with_time_zone(ClaimReviews::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClaimReviews::Table, ClaimReviews::ClaimId)
                            .to(Claims::Table, Claims::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer(Users::SessionGeneration).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInAttempts::Table)
                    .col(string_len(SignInAttempts::Key, 600).primary_key())
                    .col(timestamp_with_time_zone(SignInAttempts::WindowStartedAt))
                    .col(big_integer(SignInAttempts::Attempts))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignInAttempts::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::SessionGeneration)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ClaimReviews::Table).to_owned())
            .await?;
        // The failure log comes back empty.
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(uuid(Alias::new("id")).primary_key())
                    .col(string_len(Alias::new("key"), 300))
                    .col(timestamp_with_time_zone(Alias::new("at")))
                    .to_owned(),
            )
            .await
    }
}
