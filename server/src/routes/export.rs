//! `GET /me/export.json`: a signed-in person downloads all their data.

use app::ssr::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn my_data(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(user) = super::viewer(&state, &headers).await else {
        return Redirect::to("/login?next=%2Fme%2Fexport.json").into_response();
    };
    match app::ssr::services::export::my_data(&state.db, &state.sealing, user.id).await {
        Ok(data) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"buurtfonds-mijn-gegevens.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "data export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
