//! The payment routes: Stripe's webhook, giving (to Checkout and back),
//! connecting a payout account (to Connect onboarding and back), and a coach
//! paying out through Stripe. Plain forms and redirects: no JavaScript needed.

use app::domain::Cents;
use app::i18n::{Lang, LANG_COOKIE};
use app::ssr::error::ServiceError;
use app::ssr::services::payments::{self, PayoutOutcome, Receipt, WebhookRefusal};
use app::ssr::stripe_gateway::GatewayError;
use app::ssr::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;

/// A 303 to `location` (also an address outside this site: Stripe's pages).
fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(loc) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `POST /webhooks/stripe`: 200 once stored (processed, a duplicate,
/// ignored or waiting), 400 for a bad signature or payload, 503 when
/// payments are off, 500 when processing failed (Stripe retries; nothing
/// was booked).
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match payments::receive(&state, &body, signature).await {
        Ok(receipt) => {
            let result = match receipt {
                Receipt::Processed => "processed",
                Receipt::Duplicate => "duplicate",
                Receipt::Ignored => "ignored",
                Receipt::Waiting => "waiting",
            };
            (
                StatusCode::OK,
                Json(json!({"received": true, "result": result})),
            )
                .into_response()
        }
        Err(WebhookRefusal::Rejected(why)) => {
            tracing::warn!(reason = %why, "Stripe webhook refused");
            (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response()
        }
        Err(WebhookRefusal::Off) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "online payments are not set up"})),
        )
            .into_response(),
        Err(WebhookRefusal::Failed(e)) => {
            tracing::error!(error = %e, "Stripe webhook processing failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "processing failed; nothing was booked"})),
            )
                .into_response()
        }
    }
}

fn english(headers: &HeaderMap) -> bool {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| app::ssr::session::cookie_value(c, LANG_COOKIE))
        .and_then(Lang::parse)
        .is_some_and(|l| l == Lang::En)
}

#[derive(Deserialize)]
pub struct GiftForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    name: String,
}

/// `POST /initiatives/{id}/give`: starts a gift and sends the giver to
/// Checkout; a problem goes back to the form with its message. It acts with
/// no one's session, so it needs no CSRF token (and the public page it sits
/// on stays cacheable).
pub async fn give(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<GiftForm>,
) -> Response {
    let back = |problem: &str| {
        see_other(&format!(
            "/initiatives/{id}?gift_error={problem}&amount={}&name={}#geven",
            urlencoding::encode(&form.amount),
            urlencoding::encode(&form.name)
        ))
    };
    let Ok(cents) = Cents::parse_euros(&form.amount) else {
        return back("amount");
    };
    let name = Some(form.name.clone()).filter(|n| !n.trim().is_empty());
    match payments::start_gift(&state, id, cents.0, name, english(&headers)).await {
        Ok(url) => see_other(&url),
        Err(ServiceError::Invalid { field, .. }) => {
            back(if field == "name" { "name" } else { "amount" })
        }
        Err(ServiceError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(ServiceError::PaymentsOff) => back("off"),
        Err(ServiceError::Transition(_)) => back("closed"),
        Err(e) => {
            tracing::error!(error = %e, "gift could not start");
            back("unavailable")
        }
    }
}

#[derive(Deserialize)]
pub struct InitiativeForm {
    initiative: i64,
}

/// `POST /me/payout-account` (the button) and `GET /me/payout-account`
/// (Stripe's refresh address, when a link expired): to Stripe's onboarding.
pub async fn payout_account(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<InitiativeForm>,
) -> Response {
    onboarding(&state, &headers, q.initiative).await
}

pub async fn payout_account_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<InitiativeForm>,
) -> Response {
    onboarding(&state, &headers, form.initiative).await
}

async fn onboarding(state: &AppState, headers: &HeaderMap, initiative: i64) -> Response {
    let page = format!("/me/initiatives/{initiative}");
    let Some(user) = super::viewer(state, headers).await else {
        return see_other(&format!("/login?next={}", urlencoding::encode(&page)));
    };
    match payments::payout_account_link(state, &user, initiative).await {
        Ok(url) => see_other(&url),
        Err(ServiceError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(ServiceError::PaymentsOff) => see_other(&format!("{page}?payout_account=off")),
        Err(e) => {
            tracing::error!(error = %e, "payout account link failed");
            see_other(&format!("{page}?payout_account=error"))
        }
    }
}

/// `POST /coach/initiatives/{id}/stripe-payout`: a coach (or admin) pays
/// out through Stripe; the page says how it went.
pub async fn stripe_payout(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let page = format!("/coach/initiatives/{id}");
    let Some(user) = super::viewer(&state, &headers).await else {
        return see_other(&format!("/login?next={}", urlencoding::encode(&page)));
    };
    let outcome = app::ssr::services::coach::pay_out_with_stripe(&state, &user, id).await;
    payout_answer(&page, id, outcome, false)
}

/// `POST /coach/initiatives/{id}/top-up`: a coach (or admin) pays out
/// through Stripe what arrived after the payout; the page says how it went.
pub async fn stripe_top_up(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let page = format!("/coach/initiatives/{id}");
    let Some(user) = super::viewer(&state, &headers).await else {
        return see_other(&format!("/login?next={}", urlencoding::encode(&page)));
    };
    let outcome = app::ssr::services::coach::top_up_with_stripe(&state, &user, id).await;
    payout_answer(&page, id, outcome, true)
}

/// Where a Stripe payout or top-up sends the coach back to, saying how it went.
fn payout_answer(
    page: &str,
    id: i64,
    outcome: Result<PayoutOutcome, ServiceError>,
    is_top_up: bool,
) -> Response {
    match outcome {
        Ok(PayoutOutcome::Paid { .. }) => see_other(&format!("{page}?payout=paid")),
        Ok(PayoutOutcome::NotSent) => see_other(&format!("{page}?payout=not_sent")),
        Err(ServiceError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        // Nothing arrived to top up (or no payout yet to top up).
        Err(ServiceError::Transition(
            app::domain::TransitionError::InvalidAmount
            | app::domain::TransitionError::WrongState(app::domain::State::Approved),
        )) if is_top_up => see_other(&format!("{page}?payout=nothing")),
        // Not theirs to pay (not the claiming coach, on the team, …) or not now.
        Err(e @ ServiceError::Transition(_)) => refused(&e),
        Err(ServiceError::PaymentsOff) => see_other(&format!("{page}?payout=off")),
        // Another payout of this initiative is active or done (a bank payout).
        Err(ServiceError::Conflict) => see_other(&format!("{page}?payout=exists")),
        // One whose outcome is unknown: check it, don't pay again.
        Err(ServiceError::Invalid {
            field: "payout", ..
        }) => see_other(&format!("{page}?payout=unknown")),
        Err(ServiceError::Invalid { .. }) => see_other(&format!("{page}?payout=not_ready")),
        Err(ServiceError::Gateway(GatewayError::Refused(_))) => {
            see_other(&format!("{page}?payout=failed"))
        }
        Err(ServiceError::Gateway(GatewayError::Unreachable(e))) => {
            tracing::warn!(error = %e, initiative = id, "Stripe payout outcome unknown");
            see_other(&format!("{page}?payout=unknown"))
        }
        Err(e) => {
            tracing::error!(error = %e, initiative = id, "Stripe payout failed");
            see_other(&format!("{page}?payout=unknown"))
        }
    }
}

/// `POST /coach/initiatives/{id}/check-payout`: a coach (or admin) asks
/// Stripe again about a payout whose outcome is unknown; the page says what
/// came of it.
pub async fn check_payout(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let page = format!("/coach/initiatives/{id}");
    let Some(user) = super::viewer(&state, &headers).await else {
        return see_other(&format!("/login?next={}", urlencoding::encode(&page)));
    };
    match app::ssr::services::coach::check_stripe_payout(&state, &user, id).await {
        // Nothing to check (already settled), or being sent right now.
        Err(ServiceError::Invalid { message, .. }) if message == "payout_not_unknown" => {
            see_other(&page)
        }
        outcome => payout_answer(&page, id, outcome, false),
    }
}

/// The status of a refused lifecycle step (403 for who asks, 409 for when).
fn refused(e: &ServiceError) -> Response {
    StatusCode::from_u16(e.status_code())
        .unwrap_or(StatusCode::FORBIDDEN)
        .into_response()
}
