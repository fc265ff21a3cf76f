//! Thin server functions with fixed endpoints under `/sf/`: check who asks,
//! call a service, map errors. The types they return are shared with the browser.

pub mod accounts;
pub mod admin;
pub mod bank;
pub mod coach;
pub mod forms;
pub mod initiatives;
pub mod me;
pub mod propose;
pub mod public;

/// The URL prefix of every server function.
pub const PREFIX: &str = "/sf";
