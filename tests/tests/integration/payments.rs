//! Money through Stripe, against the fake Stripe server (`tests/src/fake_stripe.rs`)
//! with the real client: payout accounts, payouts (also after a lost answer),
//! gifts with the fund's match, refunds, cancellation, webhooks (signature,
//! idempotency, order) and reconciliation.

use app::domain::ledger::AccountKey;
use app::domain::Action;
use app::ssr::entities::{donations, notifications, payouts, stripe_events};
use app::ssr::services::{ledger, payments};
use buurtfonds_tests::fake_stripe::{FakeStripe, SECRET_KEY, WEBHOOK_SECRET};
use buurtfonds_tests::{location, spawn_app, spawn_app_configured, Backend, TestApp};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

const HUISWERK: &str = "Huiswerkklas in de Vogelbuurt";
const MARIA: &str = "maria@buurtfonds.test";
const JORIS: &str = "joris.coach@buurtfonds.test";

/// A server with the demo data whose Stripe is the fake; webhooks are
/// delivered to it unless `deliver` is false (then the test delivers them).
async fn stripe_app(backend: Backend, deliver: bool) -> Option<(TestApp, FakeStripe)> {
    let fake = FakeStripe::start().await;
    let base = fake.url.clone();
    let app = spawn_app_configured(backend, |s| {
        s.stripe_secret_key = Some(SECRET_KEY.into());
        s.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        s.stripe_api_base = Some(base);
    })
    .await?;
    fake.deliver_to(&format!("{}/webhooks/stripe", app.address));
    if !deliver {
        fake.hold_deliveries();
    }
    app.seed_demo().await;
    Some((app, fake))
}

async fn balance(app: &TestApp, key: AccountKey) -> i64 {
    ledger::balance(&app.db, key).await.unwrap().0
}

/// Gives `euros` to initiative `id` as an anonymous visitor, up to Stripe's
/// Checkout page; returns the Checkout Session's id.
async fn start_gift(app: &TestApp, id: i64, euros: &str, name: &str) -> String {
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/initiatives/{id}/give", app.address))
        .form(&[("amount", euros), ("name", name)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.contains("/checkout/cs_test_"), "to Checkout, not {to}");
    to.rsplit('/').next().unwrap().to_string()
}

async fn give(app: &TestApp, fake: &FakeStripe, id: i64, euros: &str, name: &str) {
    let session = start_gift(app, id, euros, name).await;
    let back = fake.pay(&session).await;
    assert!(
        back.ends_with(&format!("/initiatives/{id}?gift=thanks")),
        "{back}"
    );
}

/// Connects Maria's payout account through the onboarding, as she would.
async fn onboard(app: &TestApp, fake: &FakeStripe, id: i64) -> String {
    app.sign_in(MARIA).await;
    let resp = app
        .post_form("/me/payout-account", &[("initiative", &id.to_string())])
        .await;
    assert_eq!(resp.status(), 303);
    let link = location(&resp);
    assert!(
        link.starts_with(&format!("{}/connect/onboarding/acct_", fake.url)),
        "{link}"
    );
    let account = link
        .split("/connect/onboarding/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // Stripe sends an expired link's visitor to the refresh address: a new link, same account.
    let refreshed = app
        .get(&format!("/me/payout-account?initiative={id}"))
        .await;
    assert_eq!(refreshed.status(), 303);
    assert!(location(&refreshed).contains(&format!("/connect/onboarding/{account}")));
    let page = app.text(&format!("/me/initiatives/{id}")).await;
    assert!(
        page.contains("Stripe heeft nog niet alle gegevens"),
        "pending before onboarding"
    );
    fake.finish_onboarding(&account).await;
    let page = app.text(&format!("/me/initiatives/{id}")).await;
    assert!(
        page.contains("Je uitbetaalrekening is klaar"),
        "ready after account.updated"
    );
    app.switch_to(JORIS).await;
    account
}

async fn stripe_payout(app: &TestApp, id: i64) -> String {
    let resp = app
        .post_form(&format!("/coach/initiatives/{id}/stripe-payout"), &[])
        .await;
    assert_eq!(resp.status(), 303);
    location(&resp)
}

async fn reconcile(app: &TestApp) -> Vec<payments::Difference> {
    let state = app.state();
    payments::reconcile(&app.db, state.stripe.as_ref().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn without_keys_payments_say_so_and_manual_payouts_still_work() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let id = app.initiative(HUISWERK).await.id;
    let page = app.text(&format!("/initiatives/{id}")).await;
    assert!(page.contains("Online geven is hier nog niet ingericht"));
    let resp = app
        .client
        .post(format!("{}/initiatives/{id}/give", app.address))
        .form(&[("amount", "10"), ("name", "")])
        .send()
        .await
        .unwrap();
    assert!(location(&resp).contains("gift_error=off"));
    assert_eq!(donations::Entity::find().count(&app.db).await.unwrap(), 0);
    let hook = app
        .client
        .post(format!("{}/webhooks/stripe", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(hook.status(), 503);

    app.sign_in(MARIA).await;
    let mine = app.text(&format!("/me/initiatives/{id}")).await;
    assert!(mine.contains("Online betalen is nog niet ingericht"));
    app.switch_to(JORIS).await;
    let coach = app.text(&format!("/coach/initiatives/{id}")).await;
    assert!(coach.contains("Online betalen is nog niet ingericht"));
    assert!(location(
        &app.post_form(&format!("/coach/initiatives/{id}/stripe-payout"), &[])
            .await
    )
    .ends_with("payout=off"));
    app.enter_bank_account(id, "Maria de Vries", None).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let resp = app
        .post_form(
            "/sf/record_payout",
            &[
                ("id", &id.to_string()),
                ("reference", "NL-2026-77"),
                ("transferred_on", &today),
            ],
        )
        .await;
    assert!(
        location(&resp).contains("notice=step_done"),
        "{}",
        location(&resp)
    );
    assert_eq!(app.initiative(HUISWERK).await.state, "funded");
    assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 90_000);
}

#[tokio::test]
async fn a_payout_whose_answer_was_lost_is_unknown_until_checked_and_pays_exactly_once() {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        let account = onboard(&app, &fake, id).await;

        fake.lose_next_transfer_answer();
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        assert_eq!(
            fake.transfers().len(),
            1,
            "{backend:?}: Stripe made the transfer"
        );
        assert_eq!(
            app.initiative(HUISWERK).await.state,
            "approved",
            "not booked yet"
        );
        assert_eq!(payout_states(&app, id).await, ["unknown"], "{backend:?}");
        let coach_page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(coach_page.contains("De uitkomst van een uitbetaling via Stripe is onbekend"));
        assert!(coach_page.contains("Opnieuw controleren bij Stripe"));
        assert!(
            !coach_page.contains("/stripe-payout\""),
            "{backend:?}: no pay button while the outcome is unknown"
        );
        // Paying again (an old tab, a script) is refused: it would not ask Stripe first.
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        assert_eq!(fake.transfers().len(), 1, "{backend:?}: nothing sent again");
        // A bank transfer now could pay twice: refused, with the reason.
        let today = chrono::Utc::now().date_naive().to_string();
        let manual = app
            .post_form(
                "/sf/record_payout",
                &[
                    ("id", &id.to_string()),
                    ("reference", "X-1"),
                    ("transferred_on", &today),
                ],
            )
            .await;
        assert!(manual.status().is_redirection());
        let refused = app.text(&location(&manual)).await;
        assert!(
            refused.contains("Er loopt een uitbetaling via Stripe"),
            "{backend:?}: says why"
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "approved");
        // Cancelling now would give the fund back money Stripe may have sent.
        let granted = balance(&app, AccountKey::InitiativeGranted(id)).await;
        let cancel = app
            .post_form(
                "/sf/coach_step",
                &[
                    ("id", &id.to_string()),
                    ("step", "cancel"),
                    ("reason", "Gaat niet door"),
                ],
            )
            .await;
        assert!(cancel.status().is_redirection(), "{backend:?}");
        let refused = app.text(&location(&cancel)).await;
        assert!(
            refused.contains("Annuleren kan nu niet"),
            "{backend:?}: says why"
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "approved");
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            granted,
            "{backend:?}: nothing released"
        );

        // Checking again finds the transfer at Stripe and books it.
        let checked = check_payout(&app, id).await;
        assert!(checked.ends_with("payout=paid"), "{backend:?}: {checked}");
        // A double click afterwards changes nothing either.
        assert!(stripe_payout(&app, id).await.ends_with("payout=paid"));
        assert_eq!(
            location(
                &app.post_form(&format!("/coach/initiatives/{id}/check-payout"), &[])
                    .await
            ),
            format!("/coach/initiatives/{id}")
        );
        let transfers = fake.transfers();
        assert_eq!(transfers.len(), 1, "{backend:?}: exactly one transfer");
        assert_eq!(transfers[0]["destination"], json!(account));
        assert_eq!(transfers[0]["amount"], json!(90_000));
        let done = app.initiative(HUISWERK).await;
        assert_eq!(done.state, "funded");
        assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 90_000);
        assert_eq!(balance(&app, AccountKey::InitiativeGranted(id)).await, 0);
        let rows = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, "paid");
        assert_eq!(
            rows[0].stripe_transfer_id.as_ref(),
            transfers[0]["id"].as_str().map(String::from).as_ref()
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );
    }
}

async fn check_payout(app: &TestApp, id: i64) -> String {
    let resp = app
        .post_form(&format!("/coach/initiatives/{id}/check-payout"), &[])
        .await;
    assert_eq!(resp.status(), 303);
    location(&resp)
}

async fn payout_states(app: &TestApp, id: i64) -> Vec<String> {
    payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(id))
        .order_by_asc(payouts::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.state)
        .collect()
}

/// Makes every payout of initiative `id` look first sent `hours` ago, and
/// moves the fake Stripe's clock as far (it then forgets their keys).
async fn age_payouts(app: &TestApp, fake: &FakeStripe, id: i64, hours: i64) {
    use sea_orm::sea_query::Expr;
    let then = chrono::Utc::now().fixed_offset() - chrono::Duration::hours(hours);
    payouts::Entity::update_many()
        .col_expr(payouts::Column::CreatedAt, Expr::value(then))
        .filter(payouts::Column::InitiativeId.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    fake.advance_clock(hours * 3600);
}

#[tokio::test]
async fn the_fake_stripe_forgets_keys_after_a_day_so_a_reused_key_would_pay_twice() {
    let fake = FakeStripe::start().await;
    let http = reqwest::Client::new();
    let account = {
        let r: Value = http
            .post(format!("{}/v1/accounts", fake.url))
            .bearer_auth(SECRET_KEY)
            .form(&[("type", "express")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["id"].as_str().unwrap().to_string()
    };
    fake.finish_onboarding(&account).await;
    let send = || async {
        http.post(format!("{}/v1/transfers", fake.url))
            .bearer_auth(SECRET_KEY)
            .header("Idempotency-Key", "payout-key-1")
            .form(&[
                ("amount", "500"),
                ("currency", "eur"),
                ("destination", &account),
            ])
            .send()
            .await
            .unwrap()
            .status()
    };
    assert!(send().await.is_success());
    assert!(send().await.is_success());
    assert_eq!(
        fake.transfers().len(),
        1,
        "within a day the key answers again"
    );
    fake.advance_clock(25 * 3600);
    assert!(send().await.is_success());
    assert_eq!(
        fake.transfers().len(),
        2,
        "after a day the same key runs as a new request"
    );
}

#[tokio::test]
async fn an_unknown_payout_is_looked_up_at_stripe_and_never_paid_twice_even_a_day_later() {
    for backend in Backend::ALL {
        // The transfer was made, its answer lost, and nobody checked for 25
        // hours: Stripe has forgotten the key, so sending again would pay
        // twice. The lookup finds the transfer instead.
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        onboard(&app, &fake, id).await;
        fake.lose_next_transfer_answer();
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        age_payouts(&app, &fake, id, 25).await;
        assert!(
            check_payout(&app, id).await.ends_with("payout=paid"),
            "{backend:?}"
        );
        assert_eq!(fake.transfers().len(), 1, "{backend:?}: paid once");
        assert_eq!(payout_states(&app, id).await, ["paid"]);
        assert_eq!(app.initiative(HUISWERK).await.state, "funded");
        assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 90_000);
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);

        // The request never reached Stripe; checked within the day, it is
        // sent again with the same key and pays once.
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        onboard(&app, &fake, id).await;
        fake.lose_next_transfer_request();
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        assert!(fake.transfers().is_empty());
        let key = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .idempotency_key;
        assert!(
            check_payout(&app, id).await.ends_with("payout=paid"),
            "{backend:?}"
        );
        assert_eq!(fake.transfers().len(), 1, "{backend:?}");
        let rows = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "{backend:?}: the same payout, the same key");
        assert_eq!(rows[0].idempotency_key, key);
        assert_eq!(rows[0].state, "paid");

        // The request never reached Stripe and 25 hours passed: it is closed
        // as not sent (never resent with a forgotten key); a new payout, with
        // a new key, then pays once.
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        onboard(&app, &fake, id).await;
        fake.lose_next_transfer_request();
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        age_payouts(&app, &fake, id, 25).await;
        assert!(
            check_payout(&app, id).await.ends_with("payout=not_sent"),
            "{backend:?}"
        );
        assert!(fake.transfers().is_empty(), "{backend:?}: nothing sent");
        assert_eq!(payout_states(&app, id).await, ["failed"]);
        let page = app
            .text(&format!("/coach/initiatives/{id}?payout=not_sent"))
            .await;
        assert!(
            page.contains("Stripe heeft dit geld niet overgemaakt"),
            "{backend:?}"
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "approved");
        assert!(stripe_payout(&app, id).await.ends_with("payout=paid"));
        assert_eq!(fake.transfers().len(), 1, "{backend:?}");
        assert_eq!(payout_states(&app, id).await, ["failed", "paid"]);
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn only_who_may_pay_out_may_check_a_payout() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, true).await else {
        return;
    };
    let id = app.initiative(HUISWERK).await.id;
    onboard(&app, &fake, id).await;
    fake.lose_next_transfer_answer();
    assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
    // The initiator herself, and a visitor.
    app.switch_to(MARIA).await;
    let resp = app
        .post_form(&format!("/coach/initiatives/{id}/check-payout"), &[])
        .await;
    assert!(
        [403, 404].contains(&resp.status().as_u16()),
        "a resident may not: {}",
        resp.status()
    );
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = visitor
        .post(format!(
            "{}/coach/initiatives/{id}/check-payout",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error() || location(&resp).starts_with("/login"));
    assert_eq!(
        payout_states(&app, id).await,
        ["unknown"],
        "nothing checked"
    );
}

#[tokio::test]
async fn a_refused_and_a_reversed_transfer_are_booked_back_and_shown() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, true).await else {
        return;
    };
    let id = app.initiative(HUISWERK).await.id;
    onboard(&app, &fake, id).await;
    let maria = app.user_id(MARIA).await;

    fake.refuse_next_transfer("Your platform balance is too low.");
    assert!(stripe_payout(&app, id).await.ends_with("payout=failed"));
    let page = app
        .text(&format!("/coach/initiatives/{id}?payout=failed"))
        .await;
    assert!(
        page.contains("Your platform balance is too low."),
        "the coach sees why"
    );
    assert_eq!(app.initiative(HUISWERK).await.state, "approved");
    assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 0);
    let told = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(maria))
        .filter(notifications::Column::Kind.eq("payout_failed"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 1, "the resident hears of the failure");

    // A new attempt (a new key) pays.
    assert!(stripe_payout(&app, id).await.ends_with("payout=paid"));
    assert_eq!(fake.transfers().len(), 1);
    let transfer = fake.transfers()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(app.initiative(HUISWERK).await.state, "funded");

    // The platform reverses the transfer: booked back, shown to both.
    fake.reverse_transfer(&transfer).await;
    assert_eq!(app.initiative(HUISWERK).await.state, "approved");
    assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 0);
    assert_eq!(
        balance(&app, AccountKey::InitiativeGranted(id)).await,
        90_000
    );
    let page = app.text(&format!("/coach/initiatives/{id}")).await;
    assert!(
        page.contains("Een uitbetaling is teruggeboekt"),
        "the coach sees it"
    );
    app.switch_to(MARIA).await;
    let page = app.text(&format!("/me/initiatives/{id}")).await;
    assert!(
        page.contains("Een uitbetaling is teruggeboekt"),
        "the resident sees it"
    );
    assert!(
        page.contains("Uitbetaling teruggeboekt"),
        "and it is in the timeline"
    );
    assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    assert!(
        reconcile(&app).await.is_empty(),
        "{:?}",
        reconcile(&app).await
    );
}

#[tokio::test]
async fn gifts_are_matched_within_the_cap_and_refunds_are_booked_back() {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let i = app.initiative(HUISWERK).await;
        let (id, fund) = (i.id, i.fund_id.unwrap());
        let before = ledger::fund_figures(&app.db, fund).await.unwrap();

        // Bad input: a message next to the field, nothing stored.
        for (amount, name, problem) in [
            ("tien", "", "gift_error=amount"),
            ("0,50", "", "gift_error=amount"),
            ("1000,01", "", "gift_error=amount"),
            ("10", &"x".repeat(61) as &str, "gift_error=name"),
        ] {
            let resp = app
                .client
                .post(format!("{}/initiatives/{id}/give", app.address))
                .form(&[("amount", amount), ("name", name)])
                .send()
                .await
                .unwrap();
            let to = location(&resp);
            assert!(to.contains(problem), "{amount:?}: {to}");
            let page = app.text(&to).await;
            assert!(
                page.contains("aria-invalid=\"true\""),
                "{amount:?}: marked next to the field"
            );
        }
        assert_eq!(donations::Entity::find().count(&app.db).await.unwrap(), 0);

        // One euro per euro, up to 500 euros per initiative (the demo fund).
        give(&app, &fake, id, "300", "Buurvrouw Els").await;
        give(&app, &fake, id, "400", "").await;
        give(&app, &fake, id, "50,25", "Bakkerij").await;
        assert_eq!(
            balance(&app, AccountKey::InitiativeCofunded(id)).await,
            75_025
        );
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            90_000 + 50_000,
            "{backend:?}: the match stops at the cap"
        );
        let gifts = donations::Entity::find()
            .filter(donations::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap();
        let matches: Vec<i64> = gifts.iter().map(|d| d.match_cents).collect();
        assert_eq!(matches, vec![30_000, 20_000, 0]);
        let after = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(after.committed.0, before.committed.0 + 50_000);
        assert_eq!(after.remaining.0, before.remaining.0 - 50_000);
        assert_eq!(after.remaining, after.budget - after.committed - after.paid);
        let page = app.text(&format!("/initiatives/{id}")).await;
        assert!(
            page.contains("Buurvrouw Els") && page.contains("Anoniem") && page.contains("Bakkerij")
        );
        assert!(page.contains("Bijgelegd door het fonds"));

        // The second giver is refunded half (from Stripe's dashboard).
        let intent = gifts[1].stripe_payment_intent_id.clone().unwrap();
        let refund = reqwest::Client::new()
            .post(format!("{}/v1/refunds", fake.url))
            .bearer_auth(SECRET_KEY)
            .form(&[("payment_intent", intent.as_str()), ("amount", "20000")])
            .send()
            .await
            .unwrap();
        assert_eq!(refund.status(), 200);
        assert_eq!(
            balance(&app, AccountKey::InitiativeCofunded(id)).await,
            55_025
        );
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            90_000 + 40_000,
            "half of that gift's match went back to the fund"
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );

        // A payout now pays the grant, the match and the gifts.
        onboard(&app, &fake, id).await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(
            page.contains("Daarvan gegeven door buren: €\u{a0}550,25"),
            "{backend:?}"
        );
        assert!(stripe_payout(&app, id).await.ends_with("payout=paid"));
        assert_eq!(fake.transfers()[0]["amount"], json!(130_000 + 55_025));
        assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 130_000);
        assert_eq!(
            balance(&app, AccountKey::InitiativeGiftsPaid(id)).await,
            55_025,
            "{backend:?}: the gifts reached the initiator"
        );
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        let fund = app.initiative(HUISWERK).await.fund_id.unwrap();
        let figures = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(
            figures.remaining,
            figures.budget - figures.committed - figures.paid,
            "{backend:?}: gifts are not the fund's money"
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
        assert!(
            reconcile(&app).await.is_empty(),
            "{:?}",
            reconcile(&app).await
        );
    }
}

#[tokio::test]
async fn cancelling_refunds_the_givers_and_returns_the_match_to_the_fund() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, true).await else {
        return;
    };
    let i = app.initiative(HUISWERK).await;
    let (id, fund) = (i.id, i.fund_id.unwrap());
    let before = ledger::fund_figures(&app.db, fund).await.unwrap();
    give(&app, &fake, id, "100", "Els").await;
    give(&app, &fake, id, "25", "").await;
    let joris = app.user_id(JORIS).await;
    app::ssr::services::notify::perform(
        &app.state(),
        id,
        Some(joris),
        Action::Cancel,
        Some("Geen begeleiders meer".into()),
    )
    .await
    .unwrap();
    assert_eq!(
        fake.refunds().len(),
        2,
        "every giver is refunded through Stripe"
    );
    let gifts = donations::Entity::find().all(&app.db).await.unwrap();
    assert!(gifts.iter().all(|d| d.state == "refunded"), "{gifts:?}");
    assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
    assert_eq!(balance(&app, AccountKey::InitiativeGranted(id)).await, 0);
    let after = ledger::fund_figures(&app.db, fund).await.unwrap();
    assert_eq!(
        after.remaining.0,
        before.remaining.0 + 90_000,
        "the grant and the whole match are back in the fund"
    );
    assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    assert!(
        reconcile(&app).await.is_empty(),
        "{:?}",
        reconcile(&app).await
    );
}

async fn post_event(app: &TestApp, payload: &str, signature: Option<String>) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/webhooks/stripe", app.address))
        .header("content-type", "application/json")
        .body(payload.to_string());
    if let Some(s) = signature {
        req = req.header("Stripe-Signature", s);
    }
    req.send().await.unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How many rows `sql` returns.
async fn rows(app: &TestApp, sql: &str) -> usize {
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn webhooks_are_verified_booked_once_and_end_the_same_in_any_order() {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, false).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        // A gift, then a full refund, while no event reaches the server.
        let session = start_gift(&app, id, "40", "Els").await;
        fake.pay(&session).await;
        let intent = fake
            .sessions()
            .into_iter()
            .find(|s| s["id"] == json!(session))
            .unwrap()["payment_intent"]
            .as_str()
            .unwrap()
            .to_string();
        reqwest::Client::new()
            .post(format!("{}/v1/refunds", fake.url))
            .bearer_auth(SECRET_KEY)
            .form(&[("payment_intent", intent.as_str())])
            .send()
            .await
            .unwrap();
        let events = fake.events();
        let completed = events
            .iter()
            .find(|e| e["type"] == json!("checkout.session.completed"))
            .unwrap();
        let refunded = events
            .iter()
            .find(|e| e["type"] == json!("charge.refunded"))
            .unwrap();

        // Forged, stale, missing signatures: 400, nothing stored or booked.
        let payload = completed.to_string();
        let forged =
            stripe_webhook::Webhook::generate_test_header(&payload, "whsec_wrong", Some(now()));
        assert_eq!(post_event(&app, &payload, Some(forged)).await.status(), 400);
        let stale = FakeStripe::sign(&payload, now() - 600);
        assert_eq!(post_event(&app, &payload, Some(stale)).await.status(), 400);
        assert_eq!(post_event(&app, &payload, None).await.status(), 400);
        let tampered = payload.replace("\"amount_total\":4000", "\"amount_total\":400000");
        assert_ne!(tampered, payload);
        let signed_original = FakeStripe::sign(&payload, now());
        assert_eq!(
            post_event(&app, &tampered, Some(signed_original))
                .await
                .status(),
            400
        );
        assert_eq!(
            stripe_events::Entity::find().count(&app.db).await.unwrap(),
            0
        );
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);

        // Reverse order: the refund first waits for the payment, then both book.
        let first = post_event(
            &app,
            &refunded.to_string(),
            Some(FakeStripe::sign(&refunded.to_string(), now())),
        )
        .await;
        assert_eq!(first.status(), 200);
        assert_eq!(
            first.json::<Value>().await.unwrap()["result"],
            json!("waiting")
        );
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        // The payment's event, ten times (a few at once): booked once.
        for round in 0..5 {
            let a = fake.deliver(completed);
            let b = fake.deliver(completed);
            let (a, b) = tokio::join!(a, b);
            assert_eq!((a, b), (200, 200), "{backend:?} round {round}");
        }
        let gift = donations::Entity::find()
            .filter(donations::Column::InitiativeId.eq(id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            gift.state, "refunded",
            "{backend:?}: the waiting refund was booked"
        );
        assert_eq!(gift.refunded_cents, 4_000);
        assert_eq!(gift.match_cents, 4_000);
        assert_eq!(gift.match_returned_cents, 4_000);
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            90_000
        );
        assert_eq!(balance(&app, AccountKey::DonationsClearing).await, 0);
        assert_eq!(
            rows(
                &app,
                "SELECT id FROM ledger_transactions WHERE kind = 'gift'"
            )
            .await,
            1,
            "{backend:?}: the gift is booked once"
        );
        // And the refund's event again: nothing more.
        assert_eq!(fake.deliver(refunded).await, 200);
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);

        // An event type Buurtfonds does not know: acknowledged and ignored.
        let unknown = json!({"id": "evt_unknown_1", "object": "event", "created": now(), "livemode": false,
            "pending_webhooks": 1, "type": "buurtfonds.future_thing.happened", "data": {"object": {"id": "x_1", "object": "future_thing"}}});
        let resp = post_event(
            &app,
            &unknown.to_string(),
            Some(FakeStripe::sign(&unknown.to_string(), now())),
        )
        .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.json::<Value>().await.unwrap()["result"],
            json!("ignored")
        );
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );
    }
}

#[tokio::test]
async fn a_processing_failure_answers_5xx_books_nothing_and_a_retry_books() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, false).await else {
        return;
    };
    let id = app.initiative(HUISWERK).await.id;
    let session = start_gift(&app, id, "20", "").await;
    fake.pay(&session).await;
    let completed = fake.events().pop().unwrap();
    // The ledger's entries cannot be written: the booking fails halfway.
    app.db
        .execute_unprepared("ALTER TABLE ledger_entries RENAME TO ledger_entries_away")
        .await
        .unwrap();
    assert_eq!(fake.deliver(&completed).await, 500);
    app.db
        .execute_unprepared("ALTER TABLE ledger_entries_away RENAME TO ledger_entries")
        .await
        .unwrap();
    let gift = donations::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gift.state, "pending", "nothing half done");
    let headers = rows(&app, "SELECT id FROM ledger_transactions").await;
    // Stripe retries: now it books.
    assert_eq!(fake.deliver(&completed).await, 200);
    let gift = donations::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gift.state, "paid");
    assert_eq!(
        balance(&app, AccountKey::InitiativeCofunded(id)).await,
        2_000
    );
    let after = rows(&app, "SELECT id FROM ledger_transactions").await;
    assert_eq!(after, headers + 2, "the gift and its match, once");
}

#[tokio::test]
async fn reconciliation_lists_what_stripe_has_and_the_ledger_does_not() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, true).await else {
        return;
    };
    let id = app.initiative(HUISWERK).await.id;
    give(&app, &fake, id, "15", "").await;
    assert!(reconcile(&app).await.is_empty());
    // A payment made outside Buurtfonds (another integration, a test in the dashboard).
    let session: Value = reqwest::Client::new()
        .post(format!("{}/v1/checkout/sessions", fake.url))
        .bearer_auth(SECRET_KEY)
        .form(&[
            ("mode", "payment"),
            ("line_items[0][price_data][currency]", "eur"),
            ("line_items[0][price_data][unit_amount]", "777"),
            (
                "line_items[0][price_data][product_data][name]",
                "Iets anders",
            ),
            ("line_items[0][quantity]", "1"),
            ("success_url", "http://elders.test/ok"),
            ("cancel_url", "http://elders.test/no"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    fake.pay(session["id"].as_str().unwrap()).await;
    let differences = reconcile(&app).await;
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(differences[0].stripe_cents, Some(777));
    assert_eq!(differences[0].ledger_cents, None);

    // The same through the command line and the admin page.
    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("buurtfonds");
    let mut command = std::process::Command::new(&bin);
    command
        .arg("reconcile")
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                app.dir.path().join("test.db").display()
            ),
        )
        .env("STRIPE_SECRET_KEY", SECRET_KEY)
        .env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("STRIPE_API_BASE", &fake.url)
        .env("BUURTFONDS_DATA_DIR", app.dir.path());
    // The fake answers on this test's runtime: wait for the command off it.
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{printed}");
    assert!(
        printed.contains("1 difference") && printed.contains("777"),
        "{printed}"
    );

    app.sign_in("admin@buurtfonds.test").await;
    let page = app.text("/admin/reconcile").await;
    assert!(
        page.contains("unknown to the ledger"),
        "the admin page lists it"
    );
    app.switch_to(JORIS).await;
    assert_eq!(
        app.get("/admin/reconcile").await.status(),
        403,
        "admins only"
    );
}

#[tokio::test]
async fn an_older_account_update_arriving_late_does_not_undo_a_newer_one() {
    let Some((app, fake)) = stripe_app(Backend::Sqlite, true).await else {
        return;
    };
    let id = app.initiative(HUISWERK).await.id;
    let account = onboard(&app, &fake, id).await;
    let newer = fake
        .events()
        .into_iter()
        .rfind(|e| e["type"] == json!("account.updated"))
        .unwrap();
    // The state before onboarding, sent earlier but delivered last.
    let mut older = newer.clone();
    older["id"] = json!("evt_older_account_state");
    older["created"] = json!(newer["created"].as_i64().unwrap() - 120);
    older["data"]["object"]["payouts_enabled"] = json!(false);
    older["data"]["object"]["charges_enabled"] = json!(false);
    assert_eq!(fake.deliver(&older).await, 200);
    let maria = app.user_id(MARIA).await;
    let person = app::ssr::entities::users::Entity::find_by_id(maria)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.stripe_account_id.as_deref(), Some(account.as_str()));
    assert!(person.stripe_payouts_enabled, "the newer state stands");
}

#[tokio::test]
async fn starting_gifts_from_one_address_is_rate_limited() {
    let fake = FakeStripe::start().await;
    let base = fake.url.clone();
    let app = spawn_app_configured(Backend::Sqlite, |s| {
        s.stripe_secret_key = Some(SECRET_KEY.into());
        s.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        s.stripe_api_base = Some(base);
        s.auth_attempts_per_ip = 3;
    })
    .await
    .unwrap();
    app.seed_demo().await;
    let id = app.initiative(HUISWERK).await.id;
    for _ in 0..3 {
        start_gift(&app, id, "5", "").await;
    }
    let limited = app
        .client
        .post(format!("{}/initiatives/{id}/give", app.address))
        .form(&[("amount", "5"), ("name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        fake.sessions().len(),
        3,
        "no Checkout Session for the refused one"
    );
}

/// The attack of the money issue: a Stripe payout (coach) and a bank payout
/// of the same grant fired at the same moment, twenty at once in both
/// kinds. The database allows one active payout per initiative
/// (`idx_payouts_one_active_per_round`), so exactly one goes through: one transfer or
/// one bank payout, never both; the ledger sums to zero and the fund's
/// figures add up. The PostgreSQL run is the one that proves it (SQLite
/// serialises writers anyway).
#[tokio::test]
async fn twenty_concurrent_payouts_of_both_kinds_pay_exactly_once_on_both_databases() {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        onboard(&app, &fake, id).await;
        // The bank payouts have an account to go to: they really race.
        app.enter_bank_account(id, "Maria de Vries", None).await;
        let fund = app.initiative(HUISWERK).await.fund_id.unwrap();
        let before = ledger::fund_figures(&app.db, fund).await.unwrap();
        let id_s = id.to_string();
        let today = chrono::Utc::now().date_naive().to_string();
        let attempts = (0..20).map(|i| {
            let (app, id_s, today) = (&app, id_s.clone(), today.clone());
            async move {
                if i % 2 == 0 {
                    let resp = app
                        .post_form(&format!("/coach/initiatives/{id_s}/stripe-payout"), &[])
                        .await;
                    format!("stripe {} {}", resp.status(), location(&resp))
                } else {
                    let reference = format!("BANK-{i}");
                    let resp = app
                        .post_form(
                            "/sf/record_payout",
                            &[
                                ("id", &id_s),
                                ("reference", &reference),
                                ("transferred_on", &today),
                            ],
                        )
                        .await;
                    format!("bank {} {}", resp.status(), location(&resp))
                }
            }
        });
        let answers = futures_util::future::join_all(attempts).await;
        for answer in &answers {
            assert!(!answer.contains(" 500 "), "{backend:?}: {answer}");
        }
        let rows = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap();
        let active: Vec<_> = rows
            .iter()
            .filter(|p| ["sending", "unknown", "paid"].contains(&p.state.as_str()))
            .collect();
        assert_eq!(active.len(), 1, "{backend:?}: {rows:?}\n{answers:#?}");
        let transfers = fake.transfers();
        let bank_paid = rows
            .iter()
            .filter(|p| p.method == "bank" && p.state == "paid")
            .count();
        assert_eq!(
            transfers.len() + bank_paid,
            1,
            "{backend:?}: one transfer or one bank payout, never both: {rows:?}"
        );
        let done = app.initiative(HUISWERK).await;
        assert_eq!(done.state, "funded", "{backend:?}");
        assert_eq!(balance(&app, AccountKey::InitiativePaid(id)).await, 90_000);
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
        let after = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(after.paid.0, before.paid.0 + 90_000, "{backend:?}");
        assert_eq!(after.remaining, after.budget - after.committed - after.paid);
    }
}

#[tokio::test]
async fn gifts_reach_the_initiator_with_the_payout_and_what_comes_later_as_a_top_up() {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        onboard(&app, &fake, id).await;
        // €100 given and matched one to one.
        give(&app, &fake, id, "100", "Buurman Piet").await;
        // The payout is sent; its answer is lost. Meanwhile a gift arrives
        // (and its match): it must not strand the payout.
        fake.lose_next_transfer_answer();
        assert!(stripe_payout(&app, id).await.ends_with("payout=unknown"));
        give(&app, &fake, id, "50", "Buurvrouw An").await;
        assert!(
            check_payout(&app, id).await.ends_with("payout=paid"),
            "{backend:?}"
        );
        let transfers = fake.transfers();
        assert_eq!(transfers.len(), 1);
        assert_eq!(
            transfers[0]["amount"],
            json!(90_000 + 10_000 + 10_000),
            "{backend:?}: grant, match and gift, as fixed when it was sent"
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "funded");
        // What came after: the second gift and its match.
        assert_eq!(
            balance(&app, AccountKey::InitiativeCofunded(id)).await,
            5_000
        );
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            5_000
        );
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(page.contains("Aanvulling uitbetalen"), "{backend:?}");
        assert!(page.contains("Over te maken: €\u{a0}100,00"), "{backend:?}");
        assert!(page.contains("Daarvan gegeven door buren: €\u{a0}50,00"));
        // Two clicks at once: one top-up.
        let top_up_path = format!("/coach/initiatives/{id}/top-up");
        let (a, b) = tokio::join!(
            app.post_form(&top_up_path, &[]),
            app.post_form(&top_up_path, &[])
        );
        let answers = [location(&a), location(&b)];
        assert!(
            answers.iter().any(|l| l.ends_with("payout=paid")),
            "{backend:?}: {answers:?}"
        );
        let transfers = fake.transfers();
        assert_eq!(transfers.len(), 2, "{backend:?}: {answers:?}");
        assert!(transfers.iter().any(|t| t["amount"] == json!(10_000)));
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        assert_eq!(balance(&app, AccountKey::InitiativeGranted(id)).await, 0);
        assert_eq!(
            balance(&app, AccountKey::InitiativeGiftsPaid(id)).await,
            15_000
        );
        assert_eq!(
            balance(&app, AccountKey::InitiativePaid(id)).await,
            90_000 + 15_000
        );
        // Nothing more to top up.
        let again = app
            .post_form(&format!("/coach/initiatives/{id}/top-up"), &[])
            .await;
        assert!(location(&again).ends_with("payout=nothing"), "{backend:?}");
        assert_eq!(fake.transfers().len(), 2);
        // The resident and the public see what neighbours gave and what was paid.
        give(&app, &fake, id, "5", "").await;
        app.switch_to(MARIA).await;
        let own = app.text(&format!("/me/initiatives/{id}")).await;
        assert!(own.contains("Gegeven door buren"), "{backend:?}");
        assert!(
            own.contains("€\u{a0}155,00"),
            "{backend:?}: the gifts given"
        );
        assert!(
            own.contains("€\u{a0}1.200,00"),
            "{backend:?}: paid out to her"
        );
        assert!(own.contains("Nog uit te betalen"), "{backend:?}");
        assert!(
            own.contains("€\u{a0}10,00"),
            "{backend:?}: the last gift and its match"
        );
        app.switch_to(JORIS).await;
        let public = app.text(&format!("/initiatives/{id}")).await;
        assert!(public.contains("Gegeven door buren"));
        assert!(
            public.contains("€\u{a0}155,00"),
            "{backend:?}: the gifts given"
        );
        assert!(
            public.contains("€\u{a0}1.200,00"),
            "{backend:?}: paid out in all"
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
        assert!(
            reconcile(&app).await.is_empty(),
            "{:?}",
            reconcile(&app).await
        );

        // By bank: the coach sees the total to transfer; the gifts, held on
        // the platform's Stripe balance, are owed to the fund's bank.
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let id = app.initiative(HUISWERK).await.id;
        app.enter_bank_account(id, "Maria de Vries", None).await;
        give(&app, &fake, id, "20", "").await;
        app.sign_in(JORIS).await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(page.contains("Over te maken: €\u{a0}940,00"), "{backend:?}");
        let today = chrono::Utc::now().date_naive().to_string();
        let id_s = id.to_string();
        let paid = app
            .post_form(
                "/sf/record_payout",
                &[
                    ("id", &id_s),
                    ("reference", "BANK-1"),
                    ("transferred_on", &today),
                ],
            )
            .await;
        assert!(
            location(&paid).contains("notice=step_done"),
            "{}",
            location(&paid)
        );
        let owed = payments::owed_to_fund_bank(&app.db).await.unwrap();
        assert_eq!(owed.len(), 1);
        assert_eq!((owed[0].initiative_id, owed[0].cents), (id, 2_000));
        give(&app, &fake, id, "10", "").await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(page.contains("Aanvulling uitbetalen"), "{backend:?}");
        assert!(
            page.contains("class=\"iban\"") && page.contains("Maria de Vries"),
            "{backend:?}: the top-up form shows where to transfer to"
        );
        let top_up = app
            .post_form(
                "/sf/record_top_up",
                &[
                    ("id", &id_s),
                    ("reference", "BANK-2"),
                    ("transferred_on", &today),
                ],
            )
            .await;
        assert!(
            location(&top_up).contains("notice=step_done"),
            "{backend:?}"
        );
        let rows = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .order_by_asc(payouts::Column::Id)
            .all(&app.db)
            .await
            .unwrap();
        let summary: Vec<_> = rows
            .iter()
            .map(|p| (p.round, p.cents, p.gift_cents, p.method.as_str()))
            .collect();
        assert_eq!(
            summary,
            [(0, 94_000, 2_000, "bank"), (1, 2_000, 1_000, "bank")],
            "{backend:?}"
        );
        assert_eq!(
            payments::owed_to_fund_bank(&app.db).await.unwrap()[0].cents,
            3_000
        );
        let nothing = app
            .post_form(
                "/sf/record_top_up",
                &[
                    ("id", &id_s),
                    ("reference", "BANK-3"),
                    ("transferred_on", &today),
                ],
            )
            .await;
        assert!(
            location(&nothing).ends_with("payout=nothing"),
            "{}",
            location(&nothing)
        );
        let refused = app.text(&location(&nothing)).await;
        assert!(
            refused.contains("Er is na de uitbetaling niets meer binnengekomen"),
            "{backend:?}"
        );
        assert_eq!(
            payouts::Entity::find()
                .filter(payouts::Column::InitiativeId.eq(id))
                .count(&app.db)
                .await
                .unwrap(),
            2
        );
        // The admin's reconciliation page lists what is owed.
        app.switch_to("admin@buurtfonds.test").await;
        let page = app.text("/admin/reconcile").await;
        assert!(
            page.contains("Giften die per bank zijn doorbetaald"),
            "{backend:?}"
        );
        assert!(page.contains("€\u{a0}30,00"));
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    }
}

/// The payment of the newest gift to initiative `id`.
async fn last_payment(app: &TestApp, id: i64) -> String {
    donations::Entity::find()
        .filter(donations::Column::InitiativeId.eq(id))
        .order_by_desc(donations::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .stripe_payment_intent_id
        .unwrap()
}

#[tokio::test]
async fn a_disputed_gift_is_held_a_lost_one_reversed_with_its_match_and_reconciliation_lists_the_rest(
) {
    for backend in Backend::ALL {
        let Some((app, fake)) = stripe_app(backend, true).await else {
            continue;
        };
        let i = app.initiative(HUISWERK).await;
        let (id, fund) = (i.id, i.fund_id.unwrap());
        app.sign_in(JORIS).await;
        give(&app, &fake, id, "100", "Onbekende").await;
        let first = last_payment(&app, id).await;
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            100_000
        );
        let dispute = fake.dispute(&first).await;
        // Held: no payout carries it while the bank decides.
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        assert_eq!(
            balance(&app, AccountKey::InitiativeDisputed(id)).await,
            10_000
        );
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(
            page.contains("Over te maken: €\u{a0}1.000,00"),
            "{backend:?}: grant and match, not the held gift"
        );
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );
        // The same event twice books once.
        let events = fake.events();
        let created = events
            .iter()
            .rev()
            .find(|e| e["type"] == json!("charge.dispute.created"))
            .unwrap()
            .clone();
        let payload = created.to_string();
        let t = chrono::Utc::now().timestamp();
        let resp = post_event(&app, &payload, Some(FakeStripe::sign(&payload, t))).await;
        assert!(resp.status().is_success());
        assert_eq!(
            balance(&app, AccountKey::InitiativeDisputed(id)).await,
            10_000
        );

        // Lost: the gift went back to the giver, the match back to the fund.
        let before = ledger::fund_figures(&app.db, fund).await.unwrap();
        fake.close_dispute(&dispute, false).await;
        assert_eq!(balance(&app, AccountKey::InitiativeDisputed(id)).await, 0);
        assert_eq!(
            balance(&app, AccountKey::InitiativeGranted(id)).await,
            90_000,
            "{backend:?}"
        );
        let after = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(after.remaining.0, before.remaining.0 + 10_000);
        assert_eq!(after.remaining, after.budget - after.committed - after.paid);
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );

        // Won: the held gift is the initiative's again.
        give(&app, &fake, id, "30", "").await;
        let second = fake.dispute(&last_payment(&app, id).await).await;
        assert_eq!(balance(&app, AccountKey::InitiativeCofunded(id)).await, 0);
        fake.close_dispute(&second, true).await;
        assert_eq!(
            balance(&app, AccountKey::InitiativeCofunded(id)).await,
            3_000
        );
        assert_eq!(balance(&app, AccountKey::InitiativeDisputed(id)).await, 0);
        assert!(
            reconcile(&app).await.is_empty(),
            "{backend:?}: {:?}",
            reconcile(&app).await
        );

        // Reconciliation lists both: one lost, one won, each with what it held.
        let listed = payments::disputed_gifts(&app.db).await.unwrap();
        let mut seen: Vec<_> = listed
            .iter()
            .map(|d| (d.dispute.clone(), d.held_cents, d.outcome))
            .collect();
        seen.sort();
        let mut expected = vec![
            (dispute.clone(), 10_000, "lost"),
            (second.clone(), 3_000, "won"),
        ];
        expected.sort();
        assert_eq!(seen, expected, "{backend:?}");
        app.switch_to("admin@buurtfonds.test").await;
        let page = app.text("/admin/reconcile").await;
        assert!(page.contains("Betwiste giften"), "{backend:?}");
        assert!(page.contains("verloren: terug naar de gever") && page.contains("gewonnen"));
        app.switch_to(JORIS).await;

        // Disputed after it was paid out: nothing left to hold, so
        // reconciliation lists what Stripe took.
        onboard(&app, &fake, id).await;
        assert!(stripe_payout(&app, id).await.ends_with("payout=paid"));
        let third = fake.dispute(&last_payment(&app, id).await).await;
        let listed = reconcile(&app).await;
        assert!(
            listed
                .iter()
                .any(|d| d.what == format!("dispute {third}") && d.stripe_cents == Some(-3_000)),
            "{backend:?}: {listed:?}"
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    }
}
