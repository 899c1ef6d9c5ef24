//! claimdesk: a fact-claim tracking service.
//!
//! Dependencies point one way: `http → service → {domain, db}`, `db → domain`.
//! `domain` is pure logic with no I/O.

pub mod db;
pub mod domain;
pub mod http;
pub mod service;
