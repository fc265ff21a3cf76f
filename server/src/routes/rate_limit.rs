//! Rate limits on signing in, signing up, password resets, submitting,
//! invitations and starting a payment (a gift's Checkout, a payout account's
//! onboarding, which each ask Stripe for something): per client IP and per account (the e-mail address or token
//! in the form), so that neither one address nor one account can be
//! hammered. Refusals answer 429 with `Retry-After`.
//!
//! Being held up is said where the person is: a plain form post (no
//! JavaScript) gets a page of its own in the site's style and language, with
//! the wait and a link back to the form; the page's own call (hydrated)
//! gets the form's feedback, so the message stands next to the e-mail field
//! and what was typed stays.

use app::api::accounts::safe_next;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

/// The server functions that are limited: the account steps, and the steps
/// that send mail to others or put work in a coach's queue.
const LIMITED: [&str; 7] = [
    "/sf/sign_in",
    "/sf/sign_up",
    "/sf/forgot_password",
    "/sf/reset_password",
    "/sf/submit_initiative",
    "/sf/invite_co_initiator",
    "/sf/accept_invitation",
];

/// The limiters, shared by all requests.
#[derive(Clone)]
pub struct AuthLimits {
    by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_account: Arc<DefaultKeyedRateLimiter<String>>,
}

impl AuthLimits {
    /// `per_ip` and `per_account` attempts a minute (each at least 1).
    pub fn new(per_ip: u32, per_account: u32) -> AuthLimits {
        let quota =
            |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        AuthLimits {
            by_ip: Arc::new(RateLimiter::keyed(quota(per_ip))),
            by_account: Arc::new(RateLimiter::keyed(quota(per_account))),
        }
    }

    /// Seconds to wait, when `ip` or any of `accounts` is over its limit.
    fn check(&self, ip: IpAddr, accounts: &[String]) -> Option<u64> {
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| {
            not_until.wait_time_from(clock.now()).as_secs().max(1)
        };
        if let Err(n) = self.by_ip.check_key(&ip) {
            return Some(wait(n));
        }
        // Each named account is charged, so none escapes by being named second.
        let mut longest = None;
        for account in accounts {
            if let Err(n) = self.by_account.check_key(account) {
                longest = longest.max(Some(wait(n)));
            }
        }
        if longest.is_some() {
            return longest;
        }
        self.by_ip.retain_recent();
        self.by_account.retain_recent();
        None
    }
}

/// Whether POSTs to `path` count against the limits.
fn limited(path: &str) -> bool {
    LIMITED.contains(&path)
        || path == "/me/payout-account"
        || (path.starts_with("/initiatives/") && path.ends_with("/give"))
}

pub async fn limit(State(limits): State<AuthLimits>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !limited(request.uri().path()) {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 256 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    // Every account the form names counts: a decoy `token` placed before the
    // `email` must not give each attempt a fresh bucket of its own.
    let mut accounts: Vec<String> = form_urlencoded::parse(&bytes)
        .filter(|(k, _)| k == "email" || k == "token")
        .map(|(k, v)| format!("{k}:{}", v.trim().to_lowercase()))
        .take(8)
        .collect();
    accounts.sort();
    accounts.dedup();
    if let Some(seconds) = limits.check(ip, &accounts) {
        tracing::warn!(%ip, path = %parts.uri.path(), "rate limit reached");
        let email = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "email")
            .map(|(_, v)| v.trim().to_string());
        return too_many(&parts, seconds, email.as_deref());
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The form a limited path belongs to, and its page.
fn form_of(path: &str) -> (&'static str, &'static str) {
    match path {
        "/sf/sign_in" => ("sign_in", "/login"),
        "/sf/sign_up" => ("sign_up", "/signup"),
        "/sf/forgot_password" => ("forgot", "/forgot"),
        "/sf/reset_password" => ("reset", "/reset"),
        _ => ("", "/"),
    }
}

fn too_many(parts: &axum::http::request::Parts, seconds: u64, email: Option<&str>) -> Response {
    let header_of = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let lang = app::i18n::Lang::from_cookie_header(header_of(header::COOKIE));
    let t = lang.texts();
    let (form, page) = form_of(parts.uri.path());
    let plain_post = header_of(header::ACCEPT).contains("text/html");
    let mut resp = if plain_post {
        // Back to the page the form was on (only a local one).
        let back = header_of(header::REFERER)
            .parse::<axum::http::Uri>()
            .ok()
            .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
            .map_or_else(|| page.to_string(), |p| safe_next(&p));
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · Buurtfonds</title>\
             <link rel=\"stylesheet\" href=\"/pkg/buurtfonds.css\"></head>\
             <body><main id=\"main\"><section class=\"narrow\">\
             <h1>{title}</h1><div class=\"error-summary\" role=\"alert\"><p>{text}</p></div>\
             <p><a class=\"button\" href=\"{back}\">{again}</a></p>\
             </section></main></body></html>\n",
            lang = lang.code(),
            title = t.too_many_title,
            text = (t.too_many_wait)(seconds),
            back = html_escape(&back),
            again = t.too_many_back,
        );
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    } else if !form.is_empty() {
        // The page's own call: its form's feedback, shown next to the field.
        let mut feedback =
            app::api::forms::FormFeedback::new(form).with_error("email", "too_many_attempts");
        if let Some(email) = email {
            feedback = feedback.with_value("email", email);
        }
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&feedback).unwrap_or_default(),
        )
            .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", (t.too_many_wait)(seconds)),
        )
            .into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// `text` safe inside an HTML attribute.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
