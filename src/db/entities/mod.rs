//! Table definitions in sea-orm's entity format, one file per table, kept
//! apart from the hand-written repositories that map rows to domain types.
//! They mirror `migration/`; change both together.

pub mod api_tokens;
pub mod articles;
pub mod claim_events;
pub mod claim_fact_checks;
pub mod claim_links;
pub mod claim_matches;
pub mod claim_quantities;
pub mod claim_reviews;
pub mod claims;
pub mod comments;
pub mod events;
pub mod fact_checks;
pub mod matching_jobs;
pub mod refresh_tokens;
pub mod server_secrets;
pub mod sign_in_attempts;
pub mod sources;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
