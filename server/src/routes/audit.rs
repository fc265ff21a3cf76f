//! `GET /admin/audit.csv`: the audit log as CSV, with the filters of the
//! audit page in the query string. Admins only.

use app::api::admin::AuditFilter;
use app::domain::Role;
use app::ssr::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let Some(user) = super::viewer(&state, &headers).await else {
        return Redirect::to("/login?next=%2Fadmin%2Faudit").into_response();
    };
    if user.role != Role::Admin {
        return StatusCode::FORBIDDEN.into_response();
    }
    match app::ssr::services::admin::audit_csv(&state.db, &filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"buurtfonds-logboek.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "audit export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
