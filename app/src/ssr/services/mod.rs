//! Queries and mutations, each mutation in one database transaction.

pub mod accounts;
pub mod admin;
pub mod bank_accounts;
pub mod coach;
pub mod export;
pub mod initiatives;
pub mod invites;
pub mod ledger;
pub mod lifecycle;
pub mod me;
pub mod notify;
pub mod payments;
pub mod photos;
pub mod propose;
pub mod public;

/// Now, in the type the entities store.
pub fn now() -> sea_orm::prelude::DateTimeWithTimeZone {
    chrono::Utc::now().fixed_offset()
}
