//! Every integration test in one binary: each spawns the real server on port 0
//! with a fresh database and drives it over HTTP. One binary instead of one per
//! file links the server once, which saves minutes and gigabytes of `target/`.

mod account_pages;
mod accounts;
mod admin;
mod authorization;
mod bank_accounts;
mod coach;
mod cosign;
mod csrf;
mod invite_signup;
mod ledger_and_lifecycle;
mod me;
mod migrations;
mod pages;
mod payments;
mod propose;
mod public;
