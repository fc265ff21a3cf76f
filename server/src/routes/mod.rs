//! Routes that are not Leptos pages or server functions.

pub mod audit;
pub mod csrf;
pub mod export;
pub mod health;
pub mod lang;
pub mod open_data;
pub mod page_cache;
pub mod payments;
pub mod photos;
pub mod rate_limit;
pub mod security;

use crate::startup::ServerState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

/// The plain axum routes.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/webhooks/stripe", post(payments::webhook))
        .route("/initiatives/{id}/give", post(payments::give))
        .route(
            "/me/payout-account",
            get(payments::payout_account).post(payments::payout_account_post),
        )
        .route(
            "/coach/initiatives/{id}/stripe-payout",
            post(payments::stripe_payout),
        )
        .route(
            "/coach/initiatives/{id}/check-payout",
            post(payments::check_payout),
        )
        .route(
            "/coach/initiatives/{id}/top-up",
            post(payments::stripe_top_up),
        )
        .route("/lang/{code}", get(lang::switch))
        .route("/me/export.json", get(export::my_data))
        .route("/admin/audit.csv", get(audit::csv))
        .route(
            "/propose/{id}/upload",
            // Room above the photo limit, so that a too large photo gets a
            // message next to the field rather than a bare 413.
            post(photos::upload).layer(DefaultBodyLimit::max(
                2 * app::api::propose::PHOTO_MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/photos/{id}", get(photos::full))
        .route("/photos/{id}/thumb", get(photos::thumb))
        .route("/api/v1/initiatives", get(open_data::list_initiatives))
        .route("/api/v1/initiatives/{id}", get(open_data::one_initiative))
        .route(
            "/api/v1/neighbourhoods",
            get(open_data::list_neighbourhoods),
        )
        .route(
            "/api/v1/neighbourhoods/{slug}",
            get(open_data::one_neighbourhood),
        )
        .route("/api/v1/openapi.json", get(open_data::openapi))
        .route("/initiatives.csv", get(open_data::initiatives_csv))
        .route("/neighbourhoods.csv", get(open_data::neighbourhoods_csv))
        .route("/feed.xml", get(open_data::feed))
        .route("/sitemap.xml", get(open_data::sitemap_index))
        .route("/sitemaps/pages.xml", get(open_data::sitemap_pages))
        .route("/sitemaps/{file}", get(open_data::sitemap_initiatives))
}

/// The signed-in person behind a request's session cookie, for the plain
/// routes (server functions use `app::ssr::request::current_user`).
pub async fn viewer(
    state: &app::ssr::AppState,
    headers: &axum::http::HeaderMap,
) -> Option<app::ssr::session::CurrentUser> {
    let token = headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| app::ssr::session::cookie_value(c, app::ssr::session::SESSION_COOKIE))?
        .to_string();
    app::ssr::session::find_user(&state.db, &token)
        .await
        .ok()
        .flatten()
}
