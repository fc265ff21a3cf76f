//! A local stand-in for Stripe, for tests: it speaks the part of Stripe's
//! HTTP API that Buurtfonds uses (form-encoded requests, Stripe's JSON
//! objects and error format, the `Idempotency-Key` header), serves the hosted
//! pages (Connect onboarding, Checkout) as plain HTML forms, keeps a balance
//! history, and delivers webhooks signed the way Stripe signs them
//! (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 over `t.payload`).
//!
//! Control for tests: [`FakeStripe`]'s methods in-process, or `/_fake/…`
//! over HTTP (the browser tests run it as the `fake-stripe` binary).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The webhook signing secret the tests share with the server.
pub const WEBHOOK_SECRET: &str = "whsec_buurtfonds_test";
/// The secret key the tests give the server (the fake accepts any `sk_test_…`).
pub const SECRET_KEY: &str = "sk_test_buurtfonds";

#[derive(Default)]
struct Inner {
    base: String,
    webhook_url: Option<String>,
    /// Events go out as they happen (as at Stripe); off, tests deliver them.
    hold_deliveries: bool,
    counter: u64,
    accounts: BTreeMap<String, Value>,
    transfers: BTreeMap<String, Value>,
    sessions: BTreeMap<String, Value>,
    charges: BTreeMap<String, Value>,
    /// payment intent id → charge id
    intent_charge: HashMap<String, String>,
    refunds: BTreeMap<String, Value>,
    disputes: BTreeMap<String, Value>,
    /// oldest first
    balance: Vec<Value>,
    events: Vec<Value>,
    /// idempotency key → (request fingerprint, status, body, first seen at)
    idempotent: HashMap<String, (String, u16, Value, i64)>,
    /// Seconds the fake's clock runs ahead of the real one ([`FakeStripe::advance_clock`]).
    clock_offset: i64,
    /// Creates the next transfer but never answers (a lost response).
    drop_next_transfer_answer: bool,
    /// Fails the next transfer request before making anything (a request
    /// lost on the way there).
    drop_next_transfer_request: bool,
    /// Refuses the next transfer with this message.
    refuse_next_transfer: Option<String>,
}

impl Inner {
    /// The fake's clock: real time plus [`FakeStripe::advance_clock`].
    fn now(&self) -> i64 {
        now() + self.clock_offset
    }

    /// Forgets idempotency keys older than 24 hours, as Stripe does: a
    /// pruned key runs as a new request.
    fn prune_keys(&mut self) {
        let cutoff = self.now() - 24 * 60 * 60;
        self.idempotent.retain(|_, (_, _, _, at)| *at > cutoff);
    }

    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}_fake{:06}", self.counter)
    }

    fn balance_line(&mut self, kind: &str, category: &str, source: &str, amount: i64) {
        let id = self.id("txn");
        let t = now();
        self.balance.push(json!({
            "id": id, "object": "balance_transaction", "amount": amount,
            "available_on": t, "balance_type": "payments", "created": t, "currency": "eur",
            "description": null, "exchange_rate": null, "fee": 0, "fee_details": [],
            "net": amount, "reporting_category": category, "source": source,
            "status": "available", "type": kind
        }));
    }

    /// A charge, refund, transfer or transfer reversal by its id.
    fn object(&self, id: &str) -> Option<Value> {
        self.charges
            .get(id)
            .or_else(|| self.refunds.get(id))
            .or_else(|| self.transfers.get(id))
            .cloned()
            .or_else(|| {
                self.transfers.values().find_map(|t| {
                    t["reversals"]["data"]
                        .as_array()?
                        .iter()
                        .find(|r| r["id"] == json!(id))
                        .cloned()
                })
            })
    }

    fn event(&mut self, kind: &str, object: Value) -> Value {
        let id = self.id("evt");
        let event = json!({
            "id": id, "object": "event", "created": now(), "livemode": false,
            "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
            "type": kind, "data": {"object": object}
        });
        self.events.push(event.clone());
        event
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A running fake Stripe.
#[derive(Clone)]
pub struct FakeStripe {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    inner: Arc<Mutex<Inner>>,
    http: reqwest::Client,
}

type Shared = (Arc<Mutex<Inner>>, reqwest::Client);

impl FakeStripe {
    /// Starts the fake on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no port can be bound.
    pub async fn start() -> FakeStripe {
        FakeStripe::start_on("127.0.0.1:0").await
    }

    /// Starts the fake on `addr`.
    ///
    /// # Panics
    /// When `addr` cannot be bound.
    pub async fn start_on(addr: &str) -> FakeStripe {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind the fake Stripe");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let inner = Arc::new(Mutex::new(Inner {
            base: url.clone(),
            ..Inner::default()
        }));
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        let router = Router::new()
            .route("/v1/accounts", post(create_account))
            .route("/v1/accounts/{id}", get(get_account))
            .route("/v1/account_links", post(create_account_link))
            .route("/v1/transfers", post(create_transfer).get(list_transfers))
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/checkout/sessions/{id}", get(get_session))
            .route("/v1/refunds", post(create_refund))
            .route("/v1/balance_transactions", get(list_balance))
            .route(
                "/connect/onboarding/{id}",
                get(onboarding_page).post(onboarding_done),
            )
            .route("/checkout/{id}", get(checkout_page))
            .route("/checkout/{id}/pay", post(checkout_pay))
            .route("/_fake/webhook", post(control_webhook))
            .route("/_fake/events", get(control_events))
            .with_state((inner.clone(), http.clone()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeStripe { url, inner, http }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where events are delivered (the server's `/webhooks/stripe`).
    pub fn deliver_to(&self, url: &str) {
        self.lock().webhook_url = Some(url.to_string());
    }

    /// Events are kept instead of sent: the test delivers them itself, in
    /// any order and as often as it likes.
    pub fn hold_deliveries(&self) {
        self.lock().hold_deliveries = true;
    }

    /// The next transfer is made, but its answer is lost on the way back.
    pub fn lose_next_transfer_answer(&self) {
        self.lock().drop_next_transfer_answer = true;
    }

    /// The next transfer request fails before anything is made (Stripe never
    /// saw it), and the client hears nothing useful back.
    pub fn lose_next_transfer_request(&self) {
        self.lock().drop_next_transfer_request = true;
    }

    /// Moves the fake's clock `seconds` ahead: idempotency keys older than
    /// 24 hours by that clock are forgotten, as Stripe forgets them.
    pub fn advance_clock(&self, seconds: i64) {
        self.lock().clock_offset += seconds;
    }

    /// The next transfer is refused with `message`.
    pub fn refuse_next_transfer(&self, message: &str) {
        self.lock().refuse_next_transfer = Some(message.to_string());
    }

    /// Every transfer made.
    pub fn transfers(&self) -> Vec<Value> {
        self.lock().transfers.values().cloned().collect()
    }

    /// Every Checkout Session.
    pub fn sessions(&self) -> Vec<Value> {
        self.lock().sessions.values().cloned().collect()
    }

    /// Every refund.
    pub fn refunds(&self) -> Vec<Value> {
        self.lock().refunds.values().cloned().collect()
    }

    /// Every event, oldest first.
    pub fn events(&self) -> Vec<Value> {
        self.lock().events.clone()
    }

    /// An account's current state.
    pub fn account(&self, id: &str) -> Option<Value> {
        self.lock().accounts.get(id).cloned()
    }

    /// A Stripe-Signature header for `payload` at Unix time `t`.
    pub fn sign(payload: &str, t: i64) -> String {
        stripe_webhook::Webhook::generate_test_header(payload, WEBHOOK_SECRET, Some(t))
    }

    /// Delivers `event` (signed now) to the webhook address; returns the
    /// status the server answered.
    ///
    /// # Panics
    /// When no webhook address is set or the server cannot be reached.
    pub async fn deliver(&self, event: &Value) -> u16 {
        let url = self.lock().webhook_url.clone().expect("a webhook address");
        deliver(&self.http, &url, event).await
    }

    /// Completes a Checkout Session as a payer would (returns where the
    /// payer is sent next).
    ///
    /// # Panics
    /// When the session does not exist.
    pub async fn pay(&self, session_id: &str) -> String {
        pay(&(self.inner.clone(), self.http.clone()), session_id)
            .await
            .expect("the session exists")
    }

    /// Finishes a resident's onboarding (as on the hosted page).
    pub async fn finish_onboarding(&self, account: &str) {
        finish_onboarding(&(self.inner.clone(), self.http.clone()), account).await;
    }

    /// Reverses a transfer in full, as the platform could in Stripe's dashboard.
    pub async fn reverse_transfer(&self, transfer: &str) {
        let event = {
            let mut s = self.lock();
            let rid = s.id("trr");
            let Some(t) = s.transfers.get_mut(transfer) else {
                return;
            };
            let amount = t["amount"].as_i64().unwrap_or(0);
            let reversal = json!({
                "id": rid, "object": "transfer_reversal", "amount": amount, "created": now(),
                "currency": "eur", "transfer": transfer, "metadata": {}
            });
            t["amount_reversed"] = json!(amount);
            t["reversed"] = json!(true);
            if let Some(list) = t["reversals"]["data"].as_array_mut() {
                list.push(reversal);
            }
            let object = t.clone();
            s.balance_line("transfer_refund", "transfer_reversal", &rid, amount);
            s.event("transfer.reversed", object)
        };
        self.deliver_if_set(&event).await;
    }

    /// The giver's bank disputes the payment `payment_intent` (all of it):
    /// Stripe takes the amount from the balance and sends
    /// `charge.dispute.created`. Returns the dispute's id.
    pub async fn dispute(&self, payment_intent: &str) -> String {
        let (id, event) = {
            let mut s = self.lock();
            let id = s.id("du");
            let charge_id = s
                .intent_charge
                .get(payment_intent)
                .cloned()
                .unwrap_or_default();
            let amount = s
                .charges
                .get(&charge_id)
                .and_then(|c| c["amount"].as_i64())
                .unwrap_or(0);
            let dispute = json!({
                "id": id, "object": "dispute", "amount": amount, "balance_transactions": [],
                "charge": charge_id, "created": s.now(), "currency": "eur",
                "enhanced_eligibility_types": [], "evidence": {"enhanced_evidence": {}},
                "evidence_details": {"due_by": null, "enhanced_eligibility": {}, "has_evidence": false,
                    "past_due": false, "submission_count": 0},
                "is_charge_refundable": false, "livemode": false, "metadata": {},
                "payment_intent": payment_intent, "reason": "fraudulent", "status": "needs_response"
            });
            if let Some(c) = s.charges.get_mut(&charge_id) {
                c["disputed"] = json!(true);
            }
            s.balance_line("adjustment", "dispute", &id, -amount);
            s.disputes.insert(id.clone(), dispute.clone());
            (id, s.event("charge.dispute.created", dispute))
        };
        self.deliver_if_set(&event).await;
        id
    }

    /// The bank decides dispute `id`: won (the money comes back to the
    /// balance) or lost. Stripe sends `charge.dispute.closed`.
    pub async fn close_dispute(&self, id: &str, won: bool) {
        let event = {
            let mut s = self.lock();
            let Some(d) = s.disputes.get_mut(id) else {
                return;
            };
            d["status"] = json!(if won { "won" } else { "lost" });
            let (amount, object) = (d["amount"].as_i64().unwrap_or(0), d.clone());
            if won {
                s.balance_line("adjustment", "dispute_reversal", id, amount);
            }
            s.event("charge.dispute.closed", object)
        };
        self.deliver_if_set(&event).await;
    }

    async fn deliver_if_set(&self, event: &Value) {
        let url = {
            let s = self.lock();
            s.webhook_url.clone().filter(|_| !s.hold_deliveries)
        };
        if let Some(url) = url {
            deliver(&self.http, &url, event).await;
        }
    }
}

async fn deliver(http: &reqwest::Client, url: &str, event: &Value) -> u16 {
    let payload = event.to_string();
    let signature = FakeStripe::sign(&payload, now());
    match http
        .post(url)
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(payload)
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

async fn deliver_shared(shared: &Shared, event: &Value) {
    let url = {
        let s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        s.webhook_url.clone().filter(|_| !s.hold_deliveries)
    };
    if let Some(url) = url {
        deliver(&shared.1, &url, event).await;
    }
}

// ------------------------------------------------------------ request helpers

/// A Stripe-style form: `a[b][c]=v` keys kept flat.
fn form(body: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn metadata(f: &BTreeMap<String, String>) -> Value {
    let m: serde_json::Map<String, Value> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|r| r.strip_suffix(']'))
                .map(|k| (k.to_string(), json!(v)))
        })
        .collect();
    Value::Object(m)
}

fn error(
    status: StatusCode,
    kind: &str,
    code: &str,
    message: &str,
    param: Option<&str>,
) -> Response {
    (
        status,
        Json(json!({"error": {"type": kind, "code": code, "message": message, "param": param}})),
    )
        .into_response()
}

/// The refusal for a request without a test secret key, if it has none.
fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    let ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer sk_test_"));
    (!ok).then(|| {
        error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "api_key_invalid",
            "Invalid API Key provided",
            None,
        )
    })
}

/// Stripe's idempotency: the same key with the same request answers the
/// first answer again; with another request, an error.
fn replay(s: &mut Inner, headers: &HeaderMap, fingerprint: &str) -> Option<Response> {
    s.prune_keys();
    let key = headers.get("idempotency-key")?.to_str().ok()?;
    let (seen, status, body, _) = s.idempotent.get(key)?;
    if seen != fingerprint {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "idempotency_error",
            "idempotency_key_in_use",
            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            None,
        ));
    }
    Some(
        (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::OK),
            Json(body.clone()),
        )
            .into_response(),
    )
}

/// What identifies a request for idempotency: its path and its parameters
/// (in any order, as Stripe compares them).
fn fingerprint(path: &str, f: &BTreeMap<String, String>) -> String {
    format!("{path}?{f:?}")
}

fn remember(s: &mut Inner, headers: &HeaderMap, fingerprint: &str, status: u16, body: &Value) {
    if let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) {
        let at = s.now();
        s.idempotent.insert(
            key.to_string(),
            (fingerprint.to_string(), status, body.clone(), at),
        );
    }
}

fn ok(body: Value) -> Response {
    Json(body).into_response()
}

/// Stripe's answer to a missing parameter.
fn missing(key: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        "parameter_missing",
        &format!("Missing required param: {key}."),
        Some(key),
    )
}

// ------------------------------------------------------------------ accounts

async fn create_account(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let f = form(&body);
    let fp = fingerprint("accounts", &f);
    let mut s = inner.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = replay(&mut s, &headers, &fp) {
        return r;
    }
    let id = s.id("acct");
    let account = json!({
        "id": id, "object": "account", "type": f.get("type").cloned().unwrap_or("express".into()),
        "country": f.get("country").cloned().unwrap_or("NL".into()),
        "email": f.get("email"), "charges_enabled": false, "payouts_enabled": false,
        "details_submitted": false, "capabilities": {"transfers": "inactive"},
        "metadata": metadata(&f), "created": now(), "default_currency": "eur"
    });
    s.accounts.insert(id, account.clone());
    remember(&mut s, &headers, &fp, 200, &account);
    ok(account)
}

async fn get_account(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    retrieve(&headers, s.accounts.get(&id), "account", &id)
}

/// `GET /v1/<kind>s/{id}`: the object, or Stripe's `resource_missing`.
fn retrieve(headers: &HeaderMap, found: Option<&Value>, kind: &str, id: &str) -> Response {
    if let Some(r) = unauthorized(headers) {
        return r;
    }
    match found {
        Some(x) => ok(x.clone()),
        None => error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "resource_missing",
            &format!("No such {kind}: '{id}'"),
            Some("id"),
        ),
    }
}

async fn create_account_link(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let f = form(&body);
    for key in ["account", "return_url", "refresh_url"] {
        if !f.contains_key(key) {
            return missing(key);
        }
    }
    let (account, return_url, refresh_url) = (&f["account"], &f["return_url"], &f["refresh_url"]);
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    if !s.accounts.contains_key(account) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "resource_missing",
            &format!("No such account: '{account}'"),
            Some("account"),
        );
    }
    let url = format!(
        "{}/connect/onboarding/{account}?return_url={}&refresh_url={}",
        s.base,
        urlencoding::encode(return_url),
        urlencoding::encode(refresh_url)
    );
    ok(json!({"object": "account_link", "created": now(), "expires_at": now() + 300, "url": url}))
}

#[derive(serde::Deserialize)]
struct Onboarding {
    return_url: String,
}

async fn onboarding_page(Path(id): Path<String>, Query(q): Query<Onboarding>) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Fake Stripe onboarding</title></head>\
         <body><main><h1>Stripe onboarding (test)</h1><p>Account {id}</p>\
         <form method=\"post\" action=\"/connect/onboarding/{id}\">\
         <input type=\"hidden\" name=\"return_url\" value=\"{}\">\
         <button type=\"submit\">Finish onboarding</button></form></main></body></html>",
        html_escape(&q.return_url)
    ))
}

async fn onboarding_done(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let f = form(&body);
    finish_onboarding(&shared, &id).await;
    Redirect::to(f.get("return_url").map_or("/", String::as_str)).into_response()
}

async fn finish_onboarding(shared: &Shared, id: &str) {
    let event = {
        let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        let Some(a) = s.accounts.get_mut(id) else {
            return;
        };
        a["charges_enabled"] = json!(true);
        a["payouts_enabled"] = json!(true);
        a["details_submitted"] = json!(true);
        a["capabilities"] = json!({"transfers": "active"});
        let object = a.clone();
        s.event("account.updated", object)
    };
    deliver_shared(shared, &event).await;
}

// ----------------------------------------------------------------- transfers

async fn create_transfer(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let f = form(&body);
    let fp = fingerprint("transfers", &f);
    let mut s = inner.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = replay(&mut s, &headers, &fp) {
        return r;
    }
    if std::mem::take(&mut s.drop_next_transfer_request) {
        return (StatusCode::SERVICE_UNAVAILABLE, "connection lost").into_response();
    }
    let Some(destination) = f.get("destination").cloned() else {
        return missing("destination");
    };
    let amount: i64 = f.get("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
    if amount <= 0 {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "parameter_invalid_integer",
            "Invalid positive integer",
            Some("amount"),
        );
    }
    let ready = s
        .accounts
        .get(&destination)
        .is_some_and(|a| a["payouts_enabled"] == json!(true));
    let refusal = s.refuse_next_transfer.take();
    if !ready || refusal.is_some() {
        let message = refusal.unwrap_or_else(|| {
            format!("The destination account {destination} cannot receive transfers yet.")
        });
        let body = json!({"error": {"type": "invalid_request_error", "code": "account_invalid", "message": message, "param": "destination"}});
        remember(&mut s, &headers, &fp, 400, &body);
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let id = s.id("tr");
    let transfer = json!({
        "id": id, "object": "transfer", "amount": amount, "amount_reversed": 0,
        "balance_transaction": null, "created": now(), "currency": "eur",
        "description": f.get("description"), "destination": destination, "livemode": false,
        "metadata": metadata(&f),
        "reversals": {"object": "list", "data": [], "has_more": false, "url": format!("/v1/transfers/{id}/reversals")},
        "reversed": false, "transfer_group": f.get("transfer_group")
    });
    s.transfers.insert(id.clone(), transfer.clone());
    s.balance_line("transfer", "transfer", &id, -amount);
    remember(&mut s, &headers, &fp, 200, &transfer);
    if std::mem::take(&mut s.drop_next_transfer_answer) {
        drop(s);
        // The transfer exists; the answer never arrives.
        return (StatusCode::SERVICE_UNAVAILABLE, "connection lost").into_response();
    }
    ok(transfer)
}

#[derive(serde::Deserialize)]
struct TransferQuery {
    transfer_group: Option<String>,
    limit: Option<usize>,
}

/// `GET /v1/transfers`: newest first, filtered by `transfer_group`.
async fn list_transfers(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<TransferQuery>,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    let limit = q.limit.unwrap_or(10).clamp(1, 100);
    let matching: Vec<Value> = s
        .transfers
        .values()
        .rev()
        .filter(|t| {
            q.transfer_group
                .as_ref()
                .is_none_or(|g| t["transfer_group"] == json!(g))
        })
        .cloned()
        .collect();
    let has_more = matching.len() > limit;
    let data: Vec<Value> = matching.into_iter().take(limit).collect();
    ok(json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/transfers"}))
}

// ------------------------------------------------------------------ checkout

async fn create_session(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let f = form(&body);
    let fp = fingerprint("checkout/sessions", &f);
    let mut s = inner.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = replay(&mut s, &headers, &fp) {
        return r;
    }
    let unit: i64 = f
        .get("line_items[0][price_data][unit_amount]")
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let quantity: i64 = f
        .get("line_items[0][quantity]")
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let (Some(success), Some(cancel)) = (f.get("success_url"), f.get("cancel_url")) else {
        return missing("success_url");
    };
    if unit <= 0
        || f.get("line_items[0][price_data][currency]")
            .map(String::as_str)
            != Some("eur")
    {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "parameter_invalid",
            "A line item needs a positive unit_amount in eur.",
            Some("line_items"),
        );
    }
    let methods: Vec<&String> = f
        .iter()
        .filter(|(k, _)| k.starts_with("allowed_payment_method_types"))
        .map(|(_, v)| v)
        .collect();
    let id = s.id("cs_test");
    let session = json!({
        "id": id, "object": "checkout.session", "amount_subtotal": unit * quantity,
        "amount_total": unit * quantity, "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "cancel_url": cancel, "client_reference_id": f.get("client_reference_id"),
        "created": now(), "currency": "eur", "custom_fields": [], "custom_text": {},
        "expires_at": now() + 86_400, "livemode": false, "locale": f.get("locale"),
        "metadata": metadata(&f), "mode": f.get("mode").cloned().unwrap_or("payment".into()),
        "payment_intent": null, "payment_method_types": methods, "payment_status": "unpaid",
        "shipping_options": [], "status": "open", "success_url": success,
        "url": format!("{}/checkout/{id}", s.base),
        "product_name": f.get("line_items[0][price_data][product_data][name]"),
        "intent_metadata": f.iter().filter_map(|(k, v)| k.strip_prefix("payment_intent_data[metadata][").and_then(|r| r.strip_suffix(']')).map(|k| (k.to_string(), v.clone()))).collect::<BTreeMap<_, _>>()
    });
    s.sessions.insert(id, session.clone());
    remember(&mut s, &headers, &fp, 200, &session);
    ok(session)
}

async fn get_session(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    retrieve(&headers, s.sessions.get(&id), "checkout.session", &id)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn checkout_page(State((inner, _)): State<Shared>, Path(id): Path<String>) -> Response {
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    let Some(session) = s.sessions.get(&id) else {
        return (StatusCode::NOT_FOUND, "No such checkout session").into_response();
    };
    let cents = session["amount_total"].as_i64().unwrap_or(0);
    let name = session["product_name"].as_str().unwrap_or_default();
    let cancel = session["cancel_url"].as_str().unwrap_or("/");
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Fake Stripe Checkout</title></head>\
         <body><main><h1>Pay €{},{:02}</h1><p>{}</p>\
         <form method=\"post\" action=\"/checkout/{id}/pay\">\
         <button type=\"submit\" name=\"method\" value=\"ideal\">Pay with iDEAL</button>\
         <button type=\"submit\" name=\"method\" value=\"card\">Pay with card</button></form>\
         <p><a href=\"{}\">Back</a></p></main></body></html>",
        cents / 100,
        cents % 100,
        html_escape(name),
        html_escape(cancel)
    ))
    .into_response()
}

async fn checkout_pay(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match pay(&shared, &id).await {
        Some(next) => Redirect::to(&next).into_response(),
        None => (StatusCode::NOT_FOUND, "No such checkout session").into_response(),
    }
}

async fn pay(shared: &Shared, id: &str) -> Option<String> {
    let (event, next) = {
        let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        let session = s.sessions.get(id)?.clone();
        let next = session["success_url"].as_str().unwrap_or("/").to_string();
        if session["payment_status"] == json!("paid") {
            return Some(next);
        }
        let amount = session["amount_total"].as_i64().unwrap_or(0);
        let pi = s.id("pi");
        let ch = s.id("ch");
        let charge = json!({
            "id": ch, "object": "charge", "amount": amount, "amount_captured": amount,
            "amount_refunded": 0, "billing_details": {"address": null, "email": null, "name": null, "phone": null},
            "captured": true, "created": now(), "currency": "eur", "disputed": false,
            "livemode": false, "metadata": {}, "paid": true, "payment_intent": pi,
            "refunded": false, "status": "succeeded"
        });
        s.charges.insert(ch.clone(), charge);
        s.intent_charge.insert(pi.clone(), ch.clone());
        s.balance_line("charge", "charge", &ch, amount);
        let updated = {
            let x = s.sessions.get_mut(id)?;
            x["payment_status"] = json!("paid");
            x["status"] = json!("complete");
            x["payment_intent"] = json!(pi);
            x.clone()
        };
        let mut object = updated;
        if let Some(o) = object.as_object_mut() {
            o.remove("product_name");
            o.remove("intent_metadata");
        }
        (s.event("checkout.session.completed", object), next)
    };
    deliver_shared(shared, &event).await;
    Some(next)
}

// ------------------------------------------------------------------- refunds

async fn create_refund(State(shared): State<Shared>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let f = form(&body);
    let fp = fingerprint("refunds", &f);
    let (refund, event) = {
        let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = replay(&mut s, &headers, &fp) {
            return r;
        }
        let charge_id = match f
            .get("payment_intent")
            .and_then(|pi| s.intent_charge.get(pi).cloned())
            .or_else(|| f.get("charge").cloned())
        {
            Some(c) if s.charges.contains_key(&c) => c,
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "resource_missing",
                    "No such payment_intent or charge.",
                    Some("payment_intent"),
                )
            }
        };
        let charge = s.charges.get(&charge_id).cloned().unwrap_or_default();
        let total = charge["amount"].as_i64().unwrap_or(0);
        let done = charge["amount_refunded"].as_i64().unwrap_or(0);
        let amount: i64 = f
            .get("amount")
            .and_then(|a| a.parse().ok())
            .unwrap_or(total - done);
        if amount <= 0 || done + amount > total {
            let body = json!({"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                "message": format!("Refund amount ({amount}) is greater than unrefunded amount on charge ({})", total - done),
                "param": "amount"}});
            remember(&mut s, &headers, &fp, 400, &body);
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
        let id = s.id("re");
        let refund = json!({
            "id": id, "object": "refund", "amount": amount, "charge": charge_id, "created": now(),
            "currency": "eur", "metadata": metadata(&f), "payment_intent": charge["payment_intent"],
            "status": "succeeded"
        });
        s.refunds.insert(id.clone(), refund.clone());
        s.balance_line("refund", "refund", &id, -amount);
        let updated = {
            let c = s.charges.get_mut(&charge_id).expect("charge");
            c["amount_refunded"] = json!(done + amount);
            c["refunded"] = json!(done + amount == total);
            c.clone()
        };
        remember(&mut s, &headers, &fp, 200, &refund);
        let event = s.event("charge.refunded", updated);
        (refund, event)
    };
    deliver_shared(&shared, &event).await;
    ok(refund)
}

// ------------------------------------------------------------ balance history

#[derive(serde::Deserialize)]
struct Page {
    limit: Option<usize>,
    starting_after: Option<String>,
}

async fn list_balance(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Query(page): Query<Page>,
    uri: axum::http::Uri,
) -> Response {
    if let Some(r) = unauthorized(&headers) {
        return r;
    }
    let s = inner.lock().unwrap_or_else(|e| e.into_inner());
    let limit = page.limit.unwrap_or(10).clamp(1, 100);
    let expand = uri.query().is_some_and(|q| q.contains("data.source"));
    // Newest first, as Stripe lists.
    let newest_first: Vec<&Value> = s.balance.iter().rev().collect();
    let start = match &page.starting_after {
        Some(after) => newest_first
            .iter()
            .position(|b| b["id"] == json!(after))
            .map_or(newest_first.len(), |p| p + 1),
        None => 0,
    };
    let data: Vec<Value> = newest_first
        .iter()
        .skip(start)
        .take(limit)
        .map(|b| {
            let mut b = (*b).clone();
            if expand {
                let source = b["source"].as_str().unwrap_or_default().to_string();
                if let Some(object) = s.object(&source) {
                    b["source"] = object;
                }
            }
            b
        })
        .collect();
    let has_more = start + data.len() < newest_first.len();
    ok(
        json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/balance_transactions"}),
    )
}

// ------------------------------------------------------------------- control

#[derive(serde::Deserialize)]
struct WebhookTarget {
    url: String,
}

async fn control_webhook(
    State((inner, _)): State<Shared>,
    Json(target): Json<WebhookTarget>,
) -> StatusCode {
    inner.lock().unwrap_or_else(|e| e.into_inner()).webhook_url = Some(target.url);
    StatusCode::NO_CONTENT
}

async fn control_events(State((inner, _)): State<Shared>) -> Json<Vec<Value>> {
    Json(
        inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .events
            .clone(),
    )
}
