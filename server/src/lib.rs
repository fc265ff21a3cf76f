//! The Buurtfonds server: configuration, database, the axum application and
//! the routes that are not server functions (health, webhooks, feeds, API).

pub mod config;
pub mod db;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod telemetry;
