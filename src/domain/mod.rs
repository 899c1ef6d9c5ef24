//! Pure business rules: parsed inputs, identifiers and errors. No I/O, no web
//! or database types, so every rule here is testable with plain unit tests.

pub mod article;
pub mod claim;
pub mod error;
pub mod extract;
pub mod ids;
pub mod page;
pub mod role;
pub mod text;
pub mod token;
pub mod user;
pub mod version;

pub use error::{DomainError, FieldError};
