//! `/lang/{code}?next=/path`: remembers the chosen language in a cookie and
//! sends the reader back. A plain link, so it works without JavaScript.

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
    let next = q
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into());
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

/// Only paths on this site: no `//host`, no scheme, no backslashes.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.contains("://")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/initiatives?page=2"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/\\evil.example"));
    }
}
