//! What every server function needs: the shared state, who is signed in,
//! and how to answer a form that went wrong — with and without JavaScript.

use crate::api::forms::FormFeedback;
use crate::ssr::session::CurrentUser;
use crate::ssr::AppState;
use leptos::prelude::*;

/// The server's shared state.
///
/// # Errors
/// Only when called outside a request, which is a bug.
pub fn state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>().ok_or_else(|| ServerFnError::new("server state missing"))
}

/// The signed-in person. A visitor is sent to sign in, and back to `here`
/// after: a page being rendered or a plain form post gets the redirect, a
/// script calling the function gets 401 (and the redirect to follow).
///
/// # Errors
/// "sign in first" for visitors.
pub async fn signed_in(here: &str) -> Result<CurrentUser, ServerFnError> {
    if let Some(user) = crate::ssr::request::current_user().await {
        return Ok(user);
    }
    leptos_axum::redirect(&format!("/login?next={}", urlencoding::encode(here)));
    let script_call =
        crate::ssr::request::is_server_fn_call() && !crate::ssr::flash::is_plain_form_post();
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(if script_call {
            http::StatusCode::UNAUTHORIZED
        } else {
            http::StatusCode::FOUND
        });
    }
    Err(ServerFnError::new("sign in first"))
}

/// Answers a form that went wrong: directly to a script, or through the
/// one-request cookie and a redirect back to `back_to` for a plain form post.
pub fn refuse(feedback: FormFeedback, back_to: &str) -> FormFeedback {
    if crate::ssr::flash::is_plain_form_post() {
        crate::ssr::flash::keep_and_redirect(&feedback, back_to);
    }
    feedback
}

/// Answers a save that worked but leaves something typed on the page that
/// was not saved (a helper being typed while another was removed): shown
/// again, directly to a script or through the one-request cookie and a
/// redirect back to `back_to` for a plain form post.
pub fn keep_typed(mut feedback: FormFeedback, back_to: &str) -> FormFeedback {
    feedback.kept = true;
    if crate::ssr::flash::is_plain_form_post() {
        crate::ssr::flash::keep_and_redirect(&feedback, back_to);
    }
    feedback
}

/// Logs an unexpected failure and answers with an opaque error.
pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "server function failed");
    ServerFnError::new("internal error")
}

/// Sets (or, with an empty token and age 0, clears) the session cookie.
pub fn session_cookie(token: &str, max_age: i64, secure: bool) {
    use crate::ssr::session::{set_cookie, SESSION_COOKIE};
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) =
            http::HeaderValue::from_str(&set_cookie(SESSION_COOKIE, token, max_age, true, secure))
        {
            resp.append_header(http::header::SET_COOKIE, v);
        }
    }
}
