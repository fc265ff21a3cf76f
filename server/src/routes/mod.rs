//! Routes that are not Leptos pages or server functions.

pub mod csrf;
pub mod export;
pub mod health;
pub mod lang;
pub mod rate_limit;
pub mod security;

use crate::startup::ServerState;
use axum::routing::get;
use axum::Router;

/// The plain axum routes.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/lang/{code}", get(lang::switch))
        .route("/me/export.json", get(export::my_data))
}
