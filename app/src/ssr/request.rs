//! Who is asking, and in which language: read from the current request by
//! server functions and pages.

use crate::i18n::Lang;
use crate::ssr::session::{
    cookie_value, find_user, CsrfToken, CurrentUser, CSRF_COOKIE, SESSION_COOKIE,
};
use crate::ssr::AppState;
use leptos::prelude::*;

fn cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    cookie_value(header, name).map(str::to_string)
}

/// The session token of this request, if any.
pub fn session_token() -> Option<String> {
    cookie(SESSION_COOKIE).filter(|t| !t.is_empty())
}

/// The signed-in person, if any.
pub async fn current_user() -> Option<CurrentUser> {
    let token = session_token()?;
    let state = use_context::<AppState>()?;
    match find_user(&state.db, &token).await {
        Ok(user) => user,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            None
        }
    }
}

/// The language of this request (the `lang` cookie, else Dutch).
pub fn lang() -> Lang {
    cookie(crate::i18n::LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .unwrap_or_default()
}

/// The CSRF token for this request's forms.
pub fn csrf_token() -> String {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<CsrfToken>().map(|t| t.0.clone()))
        .or_else(|| cookie(CSRF_COOKIE))
        .unwrap_or_default()
}

/// The `User-Agent` of this request, for the session list.
pub fn user_agent() -> Option<String> {
    use_context::<http::request::Parts>()?
        .headers
        .get(http::header::USER_AGENT)?
        .to_str()
        .ok()
        .map(str::to_string)
}

/// Whether this request calls a server function over HTTP (rather than
/// rendering a page that calls it in-process).
pub fn is_server_fn_call() -> bool {
    use_context::<http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/sf/"))
}
