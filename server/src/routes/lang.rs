//! `/lang/{code}?next=/path`: remembers the chosen language in a cookie and
//! sends the reader back. A plain link, so it works without JavaScript.

use app::api::accounts::safe_next;
use app::i18n::{Lang, LANG_COOKIE};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn switch(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let next = safe_next(q.next.as_deref().unwrap_or("/"));
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut resp = StatusCode::SEE_OTHER.into_response();
    let headers = resp.headers_mut();
    if let (Ok(loc), Ok(c)) = (HeaderValue::from_str(&next), HeaderValue::from_str(&cookie)) {
        headers.insert(header::LOCATION, loc);
        headers.insert(header::SET_COOKIE, c);
    }
    resp
}
