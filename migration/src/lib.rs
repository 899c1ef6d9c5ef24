//! Schema migrations, one file each. A migration that has landed is never
//! edited: change the schema with a new file.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_articles_and_claims;
mod m20261127_000002_accounts;
mod m20261127_000003_claim_analysis;
mod m20261127_000004_workflow;
mod m20261127_000005_append_only_history;
mod m20261127_000006_claim_tracking;
mod m20261129_000007_trust;
mod m20261129_000008_webhooks;
mod m20261129_000009_matching_jobs;
mod m20261130_000010_fact_checks;
mod m20261130_000011_claim_quantities_json;
mod m20261130_000012_lighter_claim_indexes;
mod m20261130_000013_claim_extras;
mod m20261130_000014_matching_jobs_counted;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_articles_and_claims::Migration),
            Box::new(m20261127_000002_accounts::Migration),
            Box::new(m20261127_000003_claim_analysis::Migration),
            Box::new(m20261127_000004_workflow::Migration),
            Box::new(m20261127_000005_append_only_history::Migration),
            Box::new(m20261127_000006_claim_tracking::Migration),
            Box::new(m20261129_000007_trust::Migration),
            Box::new(m20261129_000008_webhooks::Migration),
            Box::new(m20261129_000009_matching_jobs::Migration),
            Box::new(m20261130_000010_fact_checks::Migration),
            Box::new(m20261130_000011_claim_quantities_json::Migration),
            Box::new(m20261130_000012_lighter_claim_indexes::Migration),
            Box::new(m20261130_000013_claim_extras::Migration),
            Box::new(m20261130_000014_matching_jobs_counted::Migration),
        ]
    }
}
