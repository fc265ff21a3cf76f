//! One-request memory for forms posted without JavaScript: the feedback
//! travels in a short-lived HttpOnly cookie from the failed post to the form
//! page that shows it, which then clears it.

use crate::api::forms::FormFeedback;
use crate::ssr::session::{cookie_value, set_cookie};
use base64::Engine;
use leptos::prelude::*;

const COOKIE: &str = "bf_form";

fn engine() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// Whether the current request is a plain HTML form post (no JavaScript):
/// the browser then asks for HTML, where a server-function call asks for data.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The `Set-Cookie` value that keeps `feedback` for the next request.
pub fn keep_cookie(feedback: &FormFeedback) -> Option<http::HeaderValue> {
    let json = serde_json::to_vec(feedback).ok()?;
    http::HeaderValue::from_str(&set_cookie(
        COOKIE,
        &engine().encode(json),
        120,
        true,
        false,
    ))
    .ok()
}

/// Keeps `feedback` for the next request and sends the browser to `back_to`.
pub fn keep_and_redirect(feedback: &FormFeedback, back_to: &str) {
    if let (Some(cookie), Some(resp)) = (
        keep_cookie(feedback),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        resp.append_header(http::header::SET_COOKIE, cookie);
    }
    leptos_axum::redirect(back_to);
}

/// The feedback kept for `form` (`*`: for any form), if any; clears it.
pub fn take(form: &str) -> Option<FormFeedback> {
    let parts = use_context::<http::request::Parts>()?;
    let raw = parts
        .headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| cookie_value(c, COOKIE))?
        .to_string();
    let feedback: FormFeedback = engine()
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())?;
    if form != "*" && feedback.form != form {
        return None;
    }
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&set_cookie(COOKIE, "", 0, true, false)) {
            resp.append_header(http::header::SET_COOKIE, v);
        }
    }
    Some(feedback)
}
