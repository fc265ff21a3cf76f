//! CSRF protection for every state-changing request (double submit).
//!
//! Every response to a visitor without a `bf_csrf` cookie sets one, and the
//! token is handed to the page being rendered through the request's
//! extensions. A POST, PUT, PATCH or DELETE must bring the same token back in
//! the `X-CSRF-Token` header, the `csrf_token` query parameter (multipart
//! uploads) or the `csrf_token` field of a URL-encoded form — the way both
//! plain HTML forms and server functions called from the browser post.
//! Stripe's webhooks are exempt: their signature is verified instead. So is
//! starting a gift (`/initiatives/{id}/give`): it acts with nobody's session
//! and moves no money until the giver pays on Stripe's own page.

use app::ssr::session::{
    cookie_value, new_token, set_cookie, tokens_match, CsrfToken, CSRF_COOKIE,
};
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest URL-encoded form body read for the token (larger forms use the header).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Paths that authenticate themselves another way.
fn exempt(path: &str) -> bool {
    path.starts_with("/webhooks/")
        || path
            .strip_prefix("/initiatives/")
            .and_then(|rest| rest.strip_suffix("/give"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

pub async fn protect(request: Request, next: Next) -> Response {
    let cookie = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| cookie_value(c, CSRF_COOKIE))
        .filter(|t| t.len() >= 32)
        .map(str::to_string);
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );

    let mut request = request;
    if unsafe_method && !exempt(request.uri().path()) {
        let (checked, req) = check(request, cookie.as_deref()).await;
        let Some(req) = req else {
            return checked.into_response();
        };
        if checked != StatusCode::OK {
            return refused();
        }
        request = req;
    }

    let (token, fresh) = match cookie {
        Some(t) => (t, false),
        None => (new_token(), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        // Readable by the page's own script (which must send it back); SameSite keeps it home.
        if let Ok(v) = HeaderValue::from_str(&set_cookie(
            CSRF_COOKIE,
            &token,
            60 * 60 * 24 * 365,
            false,
            false,
        )) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Checks the token; gives the request back (its body restored) when it could be read.
async fn check(request: Request, cookie: Option<&str>) -> (StatusCode, Option<Request>) {
    let Some(cookie) = cookie else {
        return (StatusCode::FORBIDDEN, Some(request));
    };
    if let Some(h) = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return (verdict(tokens_match(h, cookie)), Some(request));
    }
    if let Some(q) = request.uri().query() {
        if let Some((_, v)) = form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "csrf_token")
        {
            return (verdict(tokens_match(&v, cookie)), Some(request));
        }
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (StatusCode::FORBIDDEN, Some(request));
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, None);
    };
    let ok = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf_token")
        .is_some_and(|(_, v)| tokens_match(&v, cookie));
    let request = Request::from_parts(parts, Body::from(bytes));
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        },
        Some(request),
    )
}

fn verdict(ok: bool) -> StatusCode {
    if ok {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    }
}

fn refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Het formulier is verlopen of kwam niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.\n\
         The form expired or did not come from this site. Go back, reload the page and try again.\n",
    )
        .into_response()
}
