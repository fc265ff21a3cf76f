//! Security headers on every response. Pages set a stricter CSP with a
//! per-response nonce; this default covers everything else.

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response of `router`.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let headers: [(HeaderName, &'static str, bool); 5] = [
        (header::CONTENT_SECURITY_POLICY, DEFAULT_CSP, false),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff", true),
        (
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
            true,
        ),
        (header::X_FRAME_OPTIONS, "DENY", true),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
            true,
        ),
    ];
    headers
        .into_iter()
        .fold(router, |r, (name, value, overriding)| {
            let value = HeaderValue::from_static(value);
            if overriding {
                r.layer(SetResponseHeaderLayer::overriding(name, value))
            } else {
                r.layer(SetResponseHeaderLayer::if_not_present(name, value))
            }
        })
}
