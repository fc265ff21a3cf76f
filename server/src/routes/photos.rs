//! Photos: the upload of the wizard's photo step, `POST /propose/{id}/upload`
//! (a multipart form, so it works without JavaScript; the CSRF token travels
//! in the query string), and serving a photo or its thumbnail to whoever may see it.

use super::viewer;
use app::api::forms::FormFeedback;
use app::ssr::error::ServiceError;
use app::ssr::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// `POST /propose/{id}/upload`: fields `alt` and `photo`.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let back = format!("/propose/{id}/photos");
    let Some(user) = viewer(&state, &headers).await else {
        return Redirect::to(&format!("/login?next={}", urlencoding::encode(&back)))
            .into_response();
    };
    let mut alt = String::new();
    let mut photo: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let Ok(bytes) = field.bytes().await else {
                    return refused(&back, &alt, "photo", "photo_too_large");
                };
                match name.as_str() {
                    "alt" => alt = String::from_utf8_lossy(&bytes).into_owned(),
                    "photo" => photo = Some(bytes.to_vec()),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return refused(&back, &alt, "photo", "photo_too_large"),
        }
    }
    let Some(photo) = photo.filter(|p| !p.is_empty()) else {
        return refused(&back, &alt, "photo", "photo_missing");
    };
    match app::ssr::services::photos::add(&state.db, &state.uploads, user.id, id, &alt, photo).await
    {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(ServiceError::Invalid { field, message }) => refused(&back, &alt, field, &message),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_server_error() {
                tracing::error!(error = %e, "photo upload failed");
            }
            status.into_response()
        }
    }
}

/// Back to the photo step with the message next to the field.
fn refused(back: &str, alt: &str, field: &str, code: &str) -> Response {
    let feedback = FormFeedback::new("photo")
        .with_value("alt", alt.trim())
        .with_error(field, code);
    let mut response = Redirect::to(back).into_response();
    if let Some(cookie) = app::ssr::flash::keep_cookie(&feedback) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /photos/{id}` and `GET /photos/{id}/thumb`.
pub async fn full(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    serve(&state, &headers, id, false).await
}

pub async fn thumb(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    serve(&state, &headers, id, true).await
}

async fn serve(state: &AppState, headers: &HeaderMap, id: i64, thumbnail: bool) -> Response {
    let who = viewer(state, headers).await;
    match app::ssr::services::photos::open(&state.db, &state.uploads, who.as_ref(), id, thumbnail)
        .await
    {
        Ok((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => StatusCode::from_u16(e.status_code())
            .unwrap_or(StatusCode::NOT_FOUND)
            .into_response(),
    }
}
