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

/// The nonce of one response, made before the page renders: the page puts
/// it on its inline scripts, [`page_csp`] puts it in the header.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// Where forms may lead besides this site: the payment provider's hosted
/// pages (Checkout, Connect onboarding), which a gift or a payout-account
/// form redirects to. Empty when payments are off.
#[derive(Debug, Clone, Default)]
pub struct FormTargets(pub std::sync::Arc<str>);

impl FormTargets {
    /// Stripe's hosted pages, or the origin of a stand-in at `api_base`.
    pub fn stripe(api_base: Option<&str>) -> FormTargets {
        let targets = match api_base {
            Some(base) => origin(base),
            None => "https://checkout.stripe.com https://connect.stripe.com".to_string(),
        };
        FormTargets(std::sync::Arc::from(format!(" {targets}")))
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// Gives every request a fresh nonce and every HTML response the strict
/// policy with that nonce (pages render inline hydration scripts). Set here
/// rather than from inside the render, so no page can end up without it.
pub async fn page_csp(
    axum::extract::State(targets): axum::extract::State<FormTargets>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        // Under `cargo leptos watch` the page reloads itself over a websocket on another port.
        let live_reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
            " ws:"
        } else {
            ""
        };
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'{live_reload}; font-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'{}; frame-ancestors 'none'",
            targets.0
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_may_lead_to_stripe_or_its_stand_in_only() {
        assert_eq!(
            &*FormTargets::stripe(None).0,
            " https://checkout.stripe.com https://connect.stripe.com"
        );
        assert_eq!(
            &*FormTargets::stripe(Some("http://127.0.0.1:4242/")).0,
            " http://127.0.0.1:4242"
        );
        assert_eq!(&*FormTargets::default().0, "");
    }
}
