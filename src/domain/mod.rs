//! Pure business rules: parsed inputs, identifiers and errors. No I/O, no web
//! or database types, so every rule here is testable with plain unit tests.

pub mod article;
pub mod claim;
pub mod claimreview;
pub mod comment;
pub mod error;
pub mod evidence;
pub mod export;
pub mod extract;
pub mod factcheck;
pub mod history;
pub mod ids;
pub mod link;
pub mod page;
pub mod role;
pub mod search;
pub mod similarity;
pub mod text;
pub mod token;
pub mod user;
pub mod version;
pub mod webhook;
pub mod weburl;
pub mod workflow;

pub use error::{DomainError, FieldError};
