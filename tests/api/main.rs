//! Integration tests: the real app over a real socket, on SQLite and (when
//! `TEST_POSTGRES_URL` is set) PostgreSQL. One binary, one link.

mod support;

mod access;
mod articles;
mod auth;
mod backup;
mod claims;
mod cli;
mod concurrency;
mod contract;
mod errors;
mod exchange;
mod extraction;
mod extraction_quality;
mod health;
mod operations;
mod pagination;
mod semantic;
mod similarity_quality;
mod tracking;
mod trust;
mod webhooks;
mod workflow;

pub use serde_json::json;
pub use support::TestApp;
