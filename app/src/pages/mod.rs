//! One file per page.

pub mod accounts;
pub mod admin;
pub mod browse;
pub mod coach;
pub mod home;
pub mod me;
pub mod neighbourhoods;
pub mod not_found;
pub mod propose;
pub mod public;
