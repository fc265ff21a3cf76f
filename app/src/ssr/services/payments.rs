//! Money through Stripe: gifts through Checkout (with the fund's match),
//! payout accounts through Connect onboarding, payouts as transfers, refunds,
//! the webhook events that confirm all of it, and reconciliation.
//!
//! Rules that hold throughout:
//! - Stripe is called outside database transactions; what it reports is
//!   booked inside one transaction together with the record it belongs to.
//! - Every call that moves money carries an idempotency key derived from a
//!   database record, so a retry returns the first result.
//! - A webhook event is stored by its id and processed once: the transaction
//!   that books it also marks it processed, so a failure leaves nothing half
//!   done and the event is processed again when Stripe retries.

use super::{ledger, lifecycle, notify, now};
use crate::domain::{
    ledger::{match_for, AccountKey, LedgerTransaction},
    lifecycle::MoneyEffect,
    payout::{recheck, Recheck, SENDING_STALE_SECONDS},
    Action, Cents, PayoutMethod, PayoutState, State,
};
use crate::ssr::entities::{donations, funds, initiatives, payouts, stripe_events, users};
use crate::ssr::error::ServiceError;
use crate::ssr::session::CurrentUser;
use crate::ssr::stripe_gateway::{CheckoutRequest, Gateway, GatewayError};
use crate::ssr::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use stripe_webhook::EventObject;

/// The smallest gift: one euro.
pub const MIN_GIFT: Cents = Cents(100);
/// The largest gift: one thousand euros.
pub const MAX_GIFT: Cents = Cents(100_000);
/// The longest name a giver may show.
pub const MAX_GIFT_NAME: usize = 60;

fn gateway(state: &AppState) -> Result<&Gateway, ServiceError> {
    state.stripe.as_ref().ok_or(ServiceError::PaymentsOff)
}

// ---------------------------------------------------------------- gifts

/// Starts a gift of `cents` to initiative `initiative_id`: records it as
/// pending and returns the address of Stripe's Checkout page.
///
/// # Errors
/// Payments off, an amount out of range (`amount`), a name too long
/// (`name`), an initiative that does not take gifts, or Stripe failing.
pub async fn start_gift(
    state: &AppState,
    initiative_id: i64,
    cents: i64,
    name: Option<String>,
    english: bool,
) -> Result<String, ServiceError> {
    let gateway = gateway(state)?;
    if !(MIN_GIFT.0..=MAX_GIFT.0).contains(&cents) {
        return Err(ServiceError::Invalid {
            field: "amount",
            message: format!(
                "between {} and {}",
                MIN_GIFT.format_en(),
                MAX_GIFT.format_en()
            ),
        });
    }
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if name
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_GIFT_NAME)
    {
        return Err(ServiceError::Invalid {
            field: "name",
            message: format!("at most {MAX_GIFT_NAME} characters"),
        });
    }
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(&state.db)
        .await?
        .filter(|i| i.is_public)
        .ok_or(ServiceError::NotFound)?;
    lifecycle::check(
        &state.db,
        &initiative,
        None,
        &Action::Give {
            amount: Cents(cents),
        },
    )
    .await?;
    let at = now();
    let donation_id = donations::Entity::insert(donations::ActiveModel {
        initiative_id: Set(initiative_id),
        cents: Set(cents),
        match_cents: Set(0),
        display_name: Set(name),
        state: Set("pending".into()),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .exec(&state.db)
    .await?
    .last_insert_id;
    let page = format!("{}/initiatives/{initiative_id}", state.public_url);
    let checkout = gateway
        .checkout(CheckoutRequest {
            donation_id,
            initiative_id,
            title: &initiative.title,
            cents,
            success_url: format!("{page}?gift=thanks"),
            cancel_url: format!("{page}?gift=cancelled"),
            locale_en: english,
        })
        .await;
    let checkout = match checkout {
        Ok(c) => c,
        Err(e) => {
            donations::Entity::update_many()
                .col_expr(donations::Column::State, Expr::value("failed"))
                .col_expr(donations::Column::UpdatedAt, Expr::value(now()))
                .filter(donations::Column::Id.eq(donation_id))
                .exec(&state.db)
                .await?;
            return Err(e.into());
        }
    };
    donations::Entity::update_many()
        .col_expr(
            donations::Column::StripeCheckoutSessionId,
            Expr::value(Some(checkout.id)),
        )
        .filter(donations::Column::Id.eq(donation_id))
        .exec(&state.db)
        .await?;
    Ok(checkout.url)
}

/// A gift as the public page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownGift {
    pub name: Option<String>,
    pub cents: i64,
    pub match_cents: i64,
}

/// The received gifts of an initiative (net of refunds), newest first.
///
/// # Errors
/// A database error.
pub async fn gifts<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<Vec<ShownGift>, ServiceError> {
    Ok(donations::Entity::find()
        .filter(donations::Column::InitiativeId.eq(initiative_id))
        .filter(donations::Column::State.eq("paid"))
        .order_by_desc(donations::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| ShownGift {
            name: d.display_name,
            cents: d.cents - d.refunded_cents,
            match_cents: d.match_cents - d.match_returned_cents,
        })
        .collect())
}

// ---------------------------------------------------------- payout accounts

/// The address of Stripe's onboarding for the payout account of `user`,
/// who must be the initiator of the approved initiative `initiative_id`.
/// Opens the Express account on first use.
///
/// # Errors
/// Payments off, not found (not the initiator), a wrong state, Stripe failing.
pub async fn payout_account_link(
    state: &AppState,
    user: &CurrentUser,
    initiative_id: i64,
) -> Result<String, ServiceError> {
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(&state.db)
        .await?
        .filter(|i| i.initiator_id == user.id)
        .ok_or(ServiceError::NotFound)?;
    let gateway = gateway(state)?;
    if initiative.state != State::Approved.as_str() {
        return Err(crate::domain::TransitionError::WrongState(
            State::parse(&initiative.state).unwrap_or(State::Draft),
        )
        .into());
    }
    let person = users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let account = match person.stripe_account_id {
        Some(a) => a,
        None => {
            let a = gateway.create_account(user.id, &person.email).await?;
            users::Entity::update_many()
                .col_expr(users::Column::StripeAccountId, Expr::value(Some(a.clone())))
                .col_expr(users::Column::UpdatedAt, Expr::value(now()))
                .filter(users::Column::Id.eq(user.id))
                .exec(&state.db)
                .await?;
            a
        }
    };
    let base = &state.public_url;
    Ok(gateway
        .onboarding_link(
            &account,
            &format!("{base}/me/payout-account?initiative={initiative_id}"),
            &format!("{base}/me/initiatives/{initiative_id}?payout_account=returned"),
        )
        .await?)
}

/// Whether a person's payout account exists and can receive transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    None,
    Pending,
    Ready,
}

/// The payout account status of `user_id`.
///
/// # Errors
/// A database error.
pub async fn account_status<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<AccountStatus, ServiceError> {
    let u = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(match (u.stripe_account_id, u.stripe_payouts_enabled) {
        (None, _) => AccountStatus::None,
        (Some(_), false) => AccountStatus::Pending,
        (Some(_), true) => AccountStatus::Ready,
    })
}

// ------------------------------------------------------------------ payouts

/// How a Stripe payout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutOutcome {
    /// Transferred and booked (now, or by an earlier attempt).
    Paid { transfer: String },
    /// Checked again: Stripe made no transfer for it and no longer knows its
    /// idempotency key, so it is closed as not sent; a new payout may start.
    NotSent,
}

/// A payout of the initiative whose outcome is not known: being sent, or
/// sent without an answer (any method; only Stripe payouts get there).
///
/// # Errors
/// A database error.
pub async fn unsettled_payout<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<Option<payouts::Model>, ServiceError> {
    Ok(payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(initiative_id))
        .filter(
            payouts::Column::State
                .is_in([PayoutState::Sending.as_str(), PayoutState::Unknown.as_str()]),
        )
        .one(db)
        .await?)
}

/// The refusal while a payout's outcome is unknown: nothing may pay again
/// until it is checked.
fn outcome_unknown() -> ServiceError {
    ServiceError::Invalid {
        field: "payout",
        message: "payout_unknown".into(),
    }
}

/// Pays initiative `initiative_id` out with a Stripe transfer to the
/// initiator's payout account, on behalf of the coach or admin `actor_id`
/// (already checked to see the initiative).
///
/// The payout record is written and committed first (`sending`), under the
/// unique index that allows one active payout per initiative; its
/// idempotency key goes with the transfer, outside any transaction. When the
/// answer is lost it becomes `unknown`: then nothing pays again until
/// [`check_payout`] has asked Stripe.
///
/// # Errors
/// Payments off, the step not allowed, no ready payout account
/// (`payout_account`), a payout whose outcome is unknown (`payout`), Stripe
/// refusing (the payout is marked failed) or unreachable (it is marked
/// unknown).
pub async fn pay_out(
    state: &AppState,
    actor_id: i64,
    initiative_id: i64,
) -> Result<PayoutOutcome, ServiceError> {
    let db = &state.db;
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(done) = payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(initiative_id))
        .filter(payouts::Column::State.eq(PayoutState::Paid.as_str()))
        .filter(payouts::Column::Method.eq(PayoutMethod::Stripe.as_str()))
        .one(db)
        .await?
        .filter(|_| initiative.state != State::Approved.as_str())
    {
        // A double click after the first one finished.
        return Ok(PayoutOutcome::Paid {
            transfer: done.stripe_transfer_id.unwrap_or_default(),
        });
    }
    let step = lifecycle::check(db, &initiative, Some(actor_id), &Action::PayOut).await?;
    // Who may not pay out hears that, not whether payments are set up.
    let gateway = gateway(state)?;
    if unsettled_payout(db, initiative_id).await?.is_some() {
        return Err(outcome_unknown());
    }
    let account = ready_account(db, initiative.initiator_id).await?;
    let payout = new_payout(db, initiative_id, actor_id, step.money, 0).await?;
    // Still approved, asked under the initiative's row lock: a cancellation
    // that committed meanwhile wins, and nothing is sent (a cancellation
    // that comes after this sees the unsettled payout and is refused).
    let still_approved = initiatives::Entity::update_many()
        .col_expr(initiatives::Column::UpdatedAt, Expr::value(now()))
        .filter(initiatives::Column::Id.eq(initiative_id))
        .filter(initiatives::Column::State.eq(State::Approved.as_str()))
        .exec(db)
        .await?;
    if still_approved.rows_affected == 0 {
        settle(
            db,
            &payout,
            PayoutState::Failed,
            Some("the initiative is no longer approved"),
        )
        .await?;
        return Err(ServiceError::Conflict);
    }
    send(state, gateway, actor_id, &payout, &account).await
}

/// The initiator's Stripe account, when it can receive transfers.
async fn ready_account(db: &DatabaseConnection, initiator_id: i64) -> Result<String, ServiceError> {
    let initiator = users::Entity::find_by_id(initiator_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match (
        initiator.stripe_account_id,
        initiator.stripe_payouts_enabled,
    ) {
        (Some(a), true) => Ok(a),
        _ => Err(ServiceError::Invalid {
            field: "payout_account",
            message: "the initiator has no payout account that is ready".into(),
        }),
    }
}

/// Asks Stripe for the transfer of `payout` (outside any transaction) and
/// records what came back: paid and booked, failed, or unknown.
async fn send(
    state: &AppState,
    gateway: &Gateway,
    actor_id: i64,
    payout: &payouts::Model,
    account: &str,
) -> Result<PayoutOutcome, ServiceError> {
    let db = &state.db;
    match gateway
        .transfer(
            &payout.idempotency_key,
            account,
            payout.cents,
            payout.initiative_id,
            payout.id,
        )
        .await
    {
        Ok(transfer) => {
            book_payout(state, actor_id, payout, &transfer).await?;
            Ok(PayoutOutcome::Paid { transfer })
        }
        Err(GatewayError::Refused(reason)) => {
            settle(db, payout, PayoutState::Failed, Some(&reason)).await?;
            if let Err(e) = notify::tell(
                state,
                payout.initiative_id,
                None,
                "payout_failed",
                Some(&reason),
            )
            .await
            {
                tracing::error!(error = %e, "payout failure notification failed");
            }
            Err(GatewayError::Refused(reason).into())
        }
        Err(unknown) => {
            settle(db, payout, PayoutState::Unknown, None).await?;
            Err(unknown.into())
        }
    }
}

/// Moves an unsettled payout to `to` (failed or unknown), with a reason.
async fn settle<C: ConnectionTrait>(
    db: &C,
    payout: &payouts::Model,
    to: PayoutState,
    reason: Option<&str>,
) -> Result<(), ServiceError> {
    let mut update = payouts::Entity::update_many()
        .col_expr(payouts::Column::State, Expr::value(to.as_str()))
        .col_expr(payouts::Column::UpdatedAt, Expr::value(now()))
        .filter(payouts::Column::Id.eq(payout.id))
        .filter(
            payouts::Column::State
                .is_in([PayoutState::Sending.as_str(), PayoutState::Unknown.as_str()]),
        );
    if let Some(reason) = reason {
        update = update.col_expr(
            payouts::Column::FailureReason,
            Expr::value(Some(reason.to_string())),
        );
    }
    update.exec(db).await?;
    Ok(())
}

/// Checks a payout whose outcome is unknown, for the coach or admin
/// `actor_id` who may pay the initiative out: asks Stripe whether it made
/// the transfer (by the initiative's transfer group and the payout's id)
/// and books it if so; otherwise sends it again with the same idempotency
/// key while Stripe still remembers that key (24 hours), or — later —
/// closes it as not sent, so that a new payout (a new key) can follow.
/// Never sends with a key Stripe may have forgotten: that could pay twice.
///
/// # Errors
/// Payments off, the step not allowed, no unsettled payout (`payout`),
/// Stripe refusing a resend (marked failed) or unreachable (stays unknown).
pub async fn check_payout(
    state: &AppState,
    actor_id: i64,
    initiative_id: i64,
) -> Result<PayoutOutcome, ServiceError> {
    let db = &state.db;
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unsettled = unsettled_payout(db, initiative_id).await?;
    // Who may send this payout (or top-up) may check it; asked first, so
    // that nobody else learns anything (not even whether payments are on).
    let action = match &unsettled {
        Some(p) if p.round == 0 => Action::PayOut,
        None if initiative.state == State::Approved.as_str() => Action::PayOut,
        _ => Action::TopUp,
    };
    if let Err(e) = lifecycle::check(db, &initiative, Some(actor_id), &action).await {
        // A top-up's amount may be zero now that the payout itself is
        // pending (or already booked); only who asks matters here.
        if !matches!(
            e,
            ServiceError::Transition(crate::domain::TransitionError::InvalidAmount)
        ) {
            return Err(e);
        }
    }
    let Some(payout) = unsettled else {
        // Nothing to check (a double click after it was settled).
        return Err(ServiceError::Invalid {
            field: "payout",
            message: "payout_not_unknown".into(),
        });
    };
    let gateway = gateway(state)?;
    let age = (now() - payout.created_at).num_seconds();
    if payout.state == PayoutState::Sending.as_str() && age < SENDING_STALE_SECONDS {
        // Another request is sending it right now.
        return Err(outcome_unknown());
    }
    let found = match gateway.find_transfer(initiative_id, payout.id).await {
        Ok(found) => found,
        Err(e) => {
            settle(db, &payout, PayoutState::Unknown, None).await?;
            return Err(e.into());
        }
    };
    match (recheck(found.is_some(), age), found) {
        (Recheck::Book, Some(transfer)) => {
            book_payout(state, actor_id, &payout, &transfer).await?;
            Ok(PayoutOutcome::Paid { transfer })
        }
        (Recheck::CloseNotSent, _) => {
            settle(
                db,
                &payout,
                PayoutState::Failed,
                Some("Stripe made no transfer; the attempt expired, so it was closed as not sent"),
            )
            .await?;
            Ok(PayoutOutcome::NotSent)
        }
        (Recheck::Resend | Recheck::Book, _) => {
            let account = ready_account(db, initiative.initiator_id).await?;
            send(state, gateway, actor_id, &payout, &account).await
        }
    }
}

/// Pays out through Stripe what arrived after the payout (neighbours' gifts
/// and their match): a top-up, a payout of its own round with its own
/// idempotency key, under the same rules as the payout — one active per
/// round, nothing while another's outcome is unknown, written before
/// Stripe is asked.
///
/// # Errors
/// As [`pay_out`]; the step refused with [`crate::domain::TransitionError::InvalidAmount`]
/// when nothing arrived.
pub async fn top_up(
    state: &AppState,
    actor_id: i64,
    initiative_id: i64,
) -> Result<PayoutOutcome, ServiceError> {
    let db = &state.db;
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let step = lifecycle::check(db, &initiative, Some(actor_id), &Action::TopUp).await?;
    let gateway = gateway(state)?;
    if unsettled_payout(db, initiative_id).await?.is_some() {
        return Err(outcome_unknown());
    }
    let account = ready_account(db, initiative.initiator_id).await?;
    let round = lifecycle::next_round(db, initiative_id).await?;
    let payout = new_payout(db, initiative_id, actor_id, step.money, round).await?;
    send(state, gateway, actor_id, &payout, &account).await
}

async fn new_payout(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: i64,
    money: Option<MoneyEffect>,
    round: i32,
) -> Result<payouts::Model, ServiceError> {
    let Some(MoneyEffect::PayOut { grant, gifts }) = money else {
        return Err(ServiceError::Conflict);
    };
    let attempt = payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(initiative_id))
        .count(db)
        .await?
        + 1;
    let at = now();
    let key = format!("stripe-payout-{initiative_id}-{attempt}");
    // Two clicks at once insert the same key, or (with another payout of
    // this round active: a bank payout, a concurrent Stripe click) collide
    // on `idx_payouts_one_active_per_round`: one row wins, the other is refused and
    // Stripe is never asked for a second transfer.
    let inserted = payouts::Entity::insert(payouts::ActiveModel {
        initiative_id: Set(initiative_id),
        cents: Set((grant + gifts).0),
        gift_cents: Set(gifts.0),
        round: Set(round),
        method: Set(PayoutMethod::Stripe.as_str().into()),
        reference: Set(None),
        transferred_on: Set(None),
        idempotency_key: Set(key.clone()),
        state: Set(PayoutState::Sending.as_str().into()),
        stripe_transfer_id: Set(None),
        failure_reason: Set(None),
        created_by: Set(Some(actor_id)),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await;
    match inserted {
        Ok(done) => payouts::Entity::find_by_id(done.last_insert_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound),
        Err(e) if crate::ssr::error::is_unique_violation(&e) => Err(ServiceError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// Books a transfer Stripe made: the `PayOut` step and the payout record in
/// one transaction. A second booking of the same payout changes nothing.
async fn book_payout(
    state: &AppState,
    actor_id: i64,
    payout: &payouts::Model,
    transfer: &str,
) -> Result<(), ServiceError> {
    let txn = state.db.begin().await?;
    // The initiative's row first, as every step takes it: a bank payout that
    // holds it and inserts its payout row would otherwise wait on this
    // payout's new row while this waits on the initiative (a deadlock on
    // PostgreSQL, seen as a 500 when both kinds race).
    initiatives::Entity::update_many()
        .col_expr(initiatives::Column::UpdatedAt, Expr::value(now()))
        .filter(initiatives::Column::Id.eq(payout.initiative_id))
        .exec(&txn)
        .await?;
    let claimed = payouts::Entity::update_many()
        .col_expr(payouts::Column::State, Expr::value("paid"))
        .col_expr(
            payouts::Column::StripeTransferId,
            Expr::value(Some(transfer.to_string())),
        )
        .col_expr(
            payouts::Column::TransferredOn,
            Expr::value(Some(chrono::Utc::now().date_naive())),
        )
        .col_expr(payouts::Column::UpdatedAt, Expr::value(now()))
        .filter(payouts::Column::Id.eq(payout.id))
        .filter(
            payouts::Column::State
                .is_in([PayoutState::Sending.as_str(), PayoutState::Unknown.as_str()]),
        )
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        // Booked by a concurrent attempt.
        txn.commit().await?;
        return Ok(());
    }
    // The amounts fixed when it was sent: a gift or match that arrived
    // since stays for a top-up, and never strands the payout.
    let (action, what) = if payout.round == 0 {
        (Action::PayOut, "pay_out")
    } else {
        (Action::TopUp, "top_up")
    };
    let fixed = MoneyEffect::PayOut {
        grant: Cents(payout.cents - payout.gift_cents),
        gifts: Cents(payout.gift_cents),
    };
    let step = lifecycle::perform_in_txn(
        &txn,
        payout.initiative_id,
        Some(actor_id),
        &action,
        Some(format!("Stripe {transfer}")),
        &format!("payout:{}", payout.id),
        Some(fixed),
    )
    .await;
    match step {
        Ok(_) => txn.commit().await?,
        Err(e) => {
            txn.rollback().await?;
            tracing::error!(payout = payout.id, error = %e, "a transfer Stripe made could not be booked");
            return Err(e);
        }
    }
    if let Err(e) = notify::tell(
        state,
        payout.initiative_id,
        Some(actor_id),
        what,
        Some(transfer),
    )
    .await
    {
        tracing::error!(error = %e, "payout notification failed");
    }
    Ok(())
}

// ------------------------------------------------------------------ refunds

/// Marks every received gift of a cancelled initiative for a refund and its
/// match as returned (the cancellation released it with the grant). Call in
/// the cancellation's transaction.
///
/// # Errors
/// A database error.
pub async fn mark_refunds_for_cancellation<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
) -> Result<(), ServiceError> {
    donations::Entity::update_many()
        .col_expr(
            donations::Column::MatchReturnedCents,
            Expr::col(donations::Column::MatchCents),
        )
        .col_expr(
            donations::Column::RefundRequestedAt,
            Expr::value(Some(now())),
        )
        .col_expr(donations::Column::UpdatedAt, Expr::value(now()))
        .filter(donations::Column::InitiativeId.eq(initiative_id))
        .filter(donations::Column::State.eq("paid"))
        .exec(txn)
        .await?;
    Ok(())
}

/// Asks Stripe to refund every gift marked for a refund and not yet
/// refunded in full (of one initiative, or of all). The refunds are booked
/// when Stripe reports them (`charge.refunded`). Returns how many were asked.
///
/// # Errors
/// Payments off or a database error; a refund Stripe does not take is
/// logged and left for the next run.
pub async fn request_refunds(
    state: &AppState,
    initiative_id: Option<i64>,
) -> Result<usize, ServiceError> {
    let gateway = gateway(state)?;
    let mut query = donations::Entity::find()
        .filter(donations::Column::RefundRequestedAt.is_not_null())
        .filter(donations::Column::State.eq("paid"))
        .filter(donations::Column::StripePaymentIntentId.is_not_null());
    if let Some(id) = initiative_id {
        query = query.filter(donations::Column::InitiativeId.eq(id));
    }
    let mut asked = 0;
    for d in query.all(&state.db).await? {
        let left = d.cents - d.refunded_cents;
        let Some(intent) = d.stripe_payment_intent_id.as_deref() else {
            continue;
        };
        if left <= 0 {
            continue;
        }
        match gateway
            .refund(&format!("refund-donation-{}", d.id), intent, left, d.id)
            .await
        {
            Ok(_) => asked += 1,
            Err(e) => tracing::error!(error = %e, donation = d.id, "refund not taken"),
        }
    }
    Ok(asked)
}

// ----------------------------------------------------------------- webhooks

/// Why a webhook delivery was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    /// Missing or wrong signature, stale timestamp, or not an event: 400.
    #[error("{0}")]
    Rejected(String),
    /// Payments are not set up here: 503.
    #[error("online payments are not set up")]
    Off,
    /// Processing failed; nothing was booked and Stripe should retry: 500.
    #[error(transparent)]
    Failed(#[from] ServiceError),
}

/// What became of a delivered event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receipt {
    Processed,
    /// The same event was processed before.
    Duplicate,
    /// A type Buurtfonds does not act on, or an object it does not know.
    Ignored,
    /// It concerns a gift whose payment is not known yet; kept and
    /// processed after the payment's own event.
    Waiting,
}

/// Receives one webhook delivery: verifies its signature, stores the event
/// by id and processes it once.
///
/// # Errors
/// [`WebhookRefusal`].
pub async fn receive(
    state: &AppState,
    payload: &str,
    signature: Option<&str>,
) -> Result<Receipt, WebhookRefusal> {
    let gateway = state.stripe.as_ref().ok_or(WebhookRefusal::Off)?;
    let signature =
        signature.ok_or_else(|| WebhookRefusal::Rejected("no Stripe-Signature header".into()))?;
    let event = gateway
        .verify(payload, signature)
        .map_err(|e| WebhookRefusal::Rejected(e.to_string()))?;
    let id = event.id.to_string();
    stripe_events::Entity::insert(stripe_events::ActiveModel {
        id: Set(id.clone()),
        event_type: Set(event.type_.as_str().to_string()),
        stripe_created: Set(event.created),
        payload: Set(payload.to_string()),
        received_at: Set(now()),
        processed_at: Set(None),
        signature: Set(Some(signature.to_string())),
    })
    .on_conflict(
        OnConflict::column(stripe_events::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&state.db)
    .await
    .map_err(ServiceError::from)?;
    let receipt = process(state, &id, &event).await?;
    if receipt == Receipt::Processed
        && matches!(event.data.object, EventObject::CheckoutSessionCompleted(_))
    {
        process_waiting(state, gateway).await;
    }
    Ok(receipt)
}

/// Processes the events that waited for a payment, verifying each again
/// with the signature it came with.
async fn process_waiting(state: &AppState, gateway: &Gateway) {
    let waiting = match stripe_events::Entity::find()
        .filter(stripe_events::Column::ProcessedAt.is_null())
        .order_by_asc(stripe_events::Column::StripeCreated)
        .all(&state.db)
        .await
    {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(error = %e, "cannot read waiting Stripe events");
            return;
        }
    };
    for row in waiting {
        let Some(signature) = row.signature.as_deref() else {
            continue;
        };
        let Some(t) = signature_time(signature) else {
            continue;
        };
        let event = match gateway.verify_at(&row.payload, signature, t) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, event = row.id, "stored event does not verify");
                continue;
            }
        };
        if let Err(e) = process(state, &row.id, &event).await {
            tracing::error!(error = %e, event = row.id, "waiting event failed again");
        }
    }
}

/// The `t=` of a `Stripe-Signature` header.
fn signature_time(header: &str) -> Option<i64> {
    header
        .split(',')
        .find_map(|part| part.strip_prefix("t="))
        .and_then(|t| t.parse().ok())
}

async fn process(
    state: &AppState,
    id: &str,
    event: &stripe_webhook::Event,
) -> Result<Receipt, ServiceError> {
    let txn = state.db.begin().await?;
    // Claim the event: only one delivery gets past this, the others wait for
    // its transaction and then find it processed.
    let claimed = stripe_events::Entity::update_many()
        .col_expr(stripe_events::Column::ProcessedAt, Expr::value(Some(now())))
        .filter(stripe_events::Column::Id.eq(id))
        .filter(stripe_events::Column::ProcessedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        txn.commit().await?;
        return Ok(Receipt::Duplicate);
    }
    let handled = match &event.data.object {
        EventObject::CheckoutSessionCompleted(session) => checkout_completed(&txn, session).await,
        EventObject::ChargeRefunded(charge) => charge_refunded(&txn, charge).await,
        EventObject::AccountUpdated(account) => account_updated(&txn, account, event.created).await,
        EventObject::TransferReversed(transfer) => transfer_reversed(&txn, transfer).await,
        EventObject::ChargeDisputeCreated(dispute) => dispute_created(&txn, dispute).await,
        EventObject::ChargeDisputeClosed(dispute) => dispute_closed(&txn, dispute).await,
        _ => Ok(Handled::Ignored),
    };
    match handled {
        Ok(Handled::Waiting) => {
            // Not processed yet: keep it for after the payment's own event.
            txn.rollback().await?;
            Ok(Receipt::Waiting)
        }
        Ok(done) => {
            txn.commit().await?;
            after_commit(state, &done).await;
            Ok(match done {
                Handled::Ignored => Receipt::Ignored,
                _ => Receipt::Processed,
            })
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

/// What a handler did, for what follows its commit.
#[derive(Debug)]
enum Handled {
    Done,
    Ignored,
    Waiting,
    /// A gift arrived for an initiative that no longer takes gifts.
    RefundNeeded(i64),
    /// A payout came back.
    PayoutReturned {
        initiative_id: i64,
        reason: String,
    },
}

async fn after_commit(state: &AppState, done: &Handled) {
    match done {
        Handled::RefundNeeded(initiative_id) => {
            if let Err(e) = request_refunds(state, Some(*initiative_id)).await {
                tracing::error!(error = %e, "refund request failed");
            }
        }
        Handled::PayoutReturned {
            initiative_id,
            reason,
        } => {
            if let Err(e) =
                notify::tell(state, *initiative_id, None, "return_payout", Some(reason)).await
            {
                tracing::error!(error = %e, "payout notification failed");
            }
        }
        _ => {}
    }
}

async fn checkout_completed<C: ConnectionTrait>(
    txn: &C,
    session: &stripe_shared::CheckoutSession,
) -> Result<Handled, ServiceError> {
    use stripe_shared::CheckoutSessionPaymentStatus as Paid;
    if session.payment_status != Paid::Paid {
        return Ok(Handled::Ignored);
    }
    let Some(donation) = donations::Entity::find()
        .filter(donations::Column::StripeCheckoutSessionId.eq(session.id.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(Handled::Ignored);
    };
    if donation.state == "paid" || donation.state == "refunded" {
        return Ok(Handled::Done);
    }
    let cents = session.amount_total.unwrap_or(donation.cents);
    let intent = session.payment_intent.as_ref().map(|p| p.id().to_string());
    let initiative = initiatives::Entity::find_by_id(donation.initiative_id)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ledger::book(
        txn,
        "gift",
        Some(initiative.id),
        None,
        &format!("donation:{}", donation.id),
        &LedgerTransaction::for_effect(MoneyEffect::Gift(Cents(cents)), 0, initiative.id)?,
    )
    .await?;
    let takes_gifts = lifecycle::check(
        txn,
        &initiative,
        None,
        &Action::Give {
            amount: Cents(cents),
        },
    )
    .await
    .is_ok();
    // Matched while the initiative takes money: approved, or funded (then
    // the match goes out with a top-up).
    let matchable = [State::Approved.as_str(), State::Funded.as_str()];
    let match_cents = if takes_gifts && matchable.contains(&initiative.state.as_str()) {
        commit_match(txn, &initiative, donation.id, Cents(cents)).await?
    } else {
        Cents::ZERO
    };
    donations::Entity::update_many()
        .col_expr(donations::Column::State, Expr::value("paid"))
        .col_expr(donations::Column::Cents, Expr::value(cents))
        .col_expr(donations::Column::MatchCents, Expr::value(match_cents.0))
        .col_expr(
            donations::Column::StripePaymentIntentId,
            Expr::value(intent),
        )
        .col_expr(
            donations::Column::RefundRequestedAt,
            Expr::value((!takes_gifts).then(now)),
        )
        .col_expr(donations::Column::UpdatedAt, Expr::value(now()))
        .filter(donations::Column::Id.eq(donation.id))
        .exec(txn)
        .await?;
    Ok(if takes_gifts {
        Handled::Done
    } else {
        Handled::RefundNeeded(initiative.id)
    })
}

/// Commits the fund's match for a gift: never beyond the per-initiative cap
/// or what the fund has left (the fund row is written first, which queues
/// every other commitment against this fund behind this one).
async fn commit_match<C: ConnectionTrait>(
    txn: &C,
    initiative: &initiatives::Model,
    donation_id: i64,
    gift: Cents,
) -> Result<Cents, ServiceError> {
    let Some(fund_id) = initiative.fund_id else {
        return Ok(Cents::ZERO);
    };
    // A Stripe payout under way has its amount fixed: a match committed
    // now stays with the initiative and goes out with a top-up.
    funds::Entity::update_many()
        .col_expr(funds::Column::UpdatedAt, Expr::value(now()))
        .filter(funds::Column::Id.eq(fund_id))
        .exec(txn)
        .await?;
    let Some(fund) = funds::Entity::find_by_id(fund_id).one(txn).await? else {
        return Ok(Cents::ZERO);
    };
    let so_far: i64 = donations::Entity::find()
        .filter(donations::Column::InitiativeId.eq(initiative.id))
        .all(txn)
        .await?
        .iter()
        .map(|d| d.match_cents - d.match_returned_cents)
        .sum();
    let available = ledger::balance(txn, AccountKey::FundAvailable(fund_id)).await?;
    let m = match_for(
        gift,
        fund.match_percent,
        Cents(fund.match_cap_cents),
        Cents(so_far),
        available,
    );
    if m.0 > 0 {
        ledger::book(
            txn,
            "match",
            Some(initiative.id),
            None,
            &format!("donation:{donation_id}"),
            &LedgerTransaction::for_effect(MoneyEffect::Commit(m), fund_id, initiative.id)?,
        )
        .await?;
    }
    Ok(m)
}

async fn charge_refunded<C: ConnectionTrait>(
    txn: &C,
    charge: &stripe_shared::Charge,
) -> Result<Handled, ServiceError> {
    let Some(intent) = charge.payment_intent.as_ref().map(|p| p.id().to_string()) else {
        return Ok(Handled::Ignored);
    };
    let Some(donation) = donations::Entity::find()
        .filter(donations::Column::StripePaymentIntentId.eq(intent))
        .one(txn)
        .await?
    else {
        // The payment's own event has not been processed yet.
        return Ok(Handled::Waiting);
    };
    let refunded = charge.amount_refunded.min(donation.cents);
    let more = refunded - donation.refunded_cents;
    if more <= 0 {
        // An older state of the charge, or one already booked.
        return Ok(Handled::Done);
    }
    ledger::book(
        txn,
        "gift_refund",
        Some(donation.initiative_id),
        None,
        &format!("donation:{}", donation.id),
        &LedgerTransaction::gift_refund(donation.initiative_id, Cents(more))?,
    )
    .await?;
    // The match goes back to the fund in proportion, while it is still
    // committed (not yet paid out).
    let target = donation.match_cents * refunded / donation.cents;
    let mut returned = donation.match_returned_cents;
    let back = target - returned;
    if back > 0 {
        let initiative = initiatives::Entity::find_by_id(donation.initiative_id)
            .one(txn)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let (Some(fund_id), true) = (
            initiative.fund_id,
            initiative.state == State::Approved.as_str(),
        ) {
            ledger::book(
                txn,
                "match_return",
                Some(initiative.id),
                None,
                &format!("donation:{}", donation.id),
                &LedgerTransaction::for_effect(
                    MoneyEffect::Release(Cents(back)),
                    fund_id,
                    initiative.id,
                )?,
            )
            .await?;
            returned = target;
        }
    }
    donations::Entity::update_many()
        .col_expr(donations::Column::RefundedCents, Expr::value(refunded))
        .col_expr(donations::Column::MatchReturnedCents, Expr::value(returned))
        .col_expr(
            donations::Column::State,
            Expr::value(if refunded >= donation.cents {
                "refunded"
            } else {
                "paid"
            }),
        )
        .col_expr(
            donations::Column::StripeChargeId,
            Expr::value(Some(charge.id.to_string())),
        )
        .col_expr(donations::Column::UpdatedAt, Expr::value(now()))
        .filter(donations::Column::Id.eq(donation.id))
        .exec(txn)
        .await?;
    Ok(Handled::Done)
}

/// The memo of a dispute's bookings: one hold, then one outcome.
fn dispute_memo(dispute: &stripe_shared::Dispute) -> String {
    format!("dispute:{}", dispute.id.as_str())
}

/// The gift a dispute is about (by its payment), if Buurtfonds knows it.
async fn disputed_gift<C: ConnectionTrait>(
    txn: &C,
    dispute: &stripe_shared::Dispute,
) -> Result<Option<donations::Model>, ServiceError> {
    let Some(intent) = dispute.payment_intent.as_ref().map(|p| p.id().to_string()) else {
        return Ok(None);
    };
    Ok(donations::Entity::find()
        .filter(donations::Column::StripePaymentIntentId.eq(intent))
        .one(txn)
        .await?)
}

/// What was booked for a dispute so far, by kind (`dispute_hold`, …).
async fn dispute_bookings<C: ConnectionTrait>(
    txn: &C,
    memo: &str,
) -> Result<Vec<String>, ServiceError> {
    use crate::ssr::entities::ledger_transactions;
    Ok(ledger_transactions::Entity::find()
        .filter(ledger_transactions::Column::Memo.eq(memo))
        .all(txn)
        .await?
        .into_iter()
        .map(|t| t.kind)
        .collect())
}

/// `charge.dispute.created`: a giver's bank disputes a gift. What of it the
/// initiative still holds is held apart, so no payout or top-up carries it
/// while the bank decides. A gift already paid out cannot be held: the
/// shortfall shows in reconciliation.
async fn dispute_created<C: ConnectionTrait>(
    txn: &C,
    dispute: &stripe_shared::Dispute,
) -> Result<Handled, ServiceError> {
    let Some(gift) = disputed_gift(txn, dispute).await? else {
        return Ok(Handled::Waiting);
    };
    let memo = dispute_memo(dispute);
    if !dispute_bookings(txn, &memo).await?.is_empty() {
        return Ok(Handled::Done);
    }
    let held = ledger::balance(txn, AccountKey::InitiativeCofunded(gift.initiative_id)).await?;
    let hold = Cents(
        dispute
            .amount
            .min(gift.cents - gift.refunded_cents)
            .min(held.0),
    );
    if hold.0 > 0 {
        ledger::book(
            txn,
            "dispute_hold",
            Some(gift.initiative_id),
            None,
            &memo,
            &LedgerTransaction::dispute_hold(gift.initiative_id, hold)?,
        )
        .await?;
    }
    Ok(Handled::Done)
}

/// `charge.dispute.closed`: won, the held gift is the initiative's again;
/// lost, it went back to the giver and the fund takes its match back (while
/// it is not paid out).
async fn dispute_closed<C: ConnectionTrait>(
    txn: &C,
    dispute: &stripe_shared::Dispute,
) -> Result<Handled, ServiceError> {
    use stripe_shared::DisputeStatus;
    let Some(gift) = disputed_gift(txn, dispute).await? else {
        return Ok(Handled::Waiting);
    };
    let memo = dispute_memo(dispute);
    let booked = dispute_bookings(txn, &memo).await?;
    if booked
        .iter()
        .any(|k| k == "dispute_won" || k == "dispute_lost")
    {
        return Ok(Handled::Done);
    }
    let held: i64 = if booked.iter().any(|k| k == "dispute_hold") {
        ledger::sum_for_memo(
            txn,
            &memo,
            AccountKey::InitiativeDisputed(gift.initiative_id),
        )
        .await?
        .0
    } else {
        0
    };
    let initiative = gift.initiative_id;
    match dispute.status {
        DisputeStatus::Won | DisputeStatus::WarningClosed if held > 0 => {
            ledger::book(
                txn,
                "dispute_won",
                Some(initiative),
                None,
                &memo,
                &LedgerTransaction::dispute_won(initiative, Cents(held))?,
            )
            .await?;
        }
        DisputeStatus::Lost => {
            if held > 0 {
                ledger::book(
                    txn,
                    "dispute_lost",
                    Some(initiative),
                    None,
                    &memo,
                    &LedgerTransaction::dispute_lost(initiative, Cents(held))?,
                )
                .await?;
            }
            // The match of the lost gift goes back while it is committed.
            let back = (gift.match_cents - gift.match_returned_cents).min(
                ledger::balance(txn, AccountKey::InitiativeGranted(initiative))
                    .await?
                    .0,
            );
            let row = initiatives::Entity::find_by_id(initiative)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            if let (Some(fund_id), true) = (row.fund_id, back > 0) {
                ledger::book(
                    txn,
                    "match_return",
                    Some(initiative),
                    None,
                    &memo,
                    &LedgerTransaction::for_effect(
                        MoneyEffect::Release(Cents(back)),
                        fund_id,
                        initiative,
                    )?,
                )
                .await?;
                donations::Entity::update_many()
                    .col_expr(
                        donations::Column::MatchReturnedCents,
                        Expr::value(gift.match_returned_cents + back),
                    )
                    .col_expr(donations::Column::UpdatedAt, Expr::value(now()))
                    .filter(donations::Column::Id.eq(gift.id))
                    .exec(txn)
                    .await?;
            }
        }
        // Still open (an update), or won with nothing held.
        _ => return Ok(Handled::Done),
    }
    Ok(Handled::Done)
}

async fn account_updated<C: ConnectionTrait>(
    txn: &C,
    account: &stripe_shared::Account,
    created: i64,
) -> Result<Handled, ServiceError> {
    let ready = account.payouts_enabled.unwrap_or(false);
    // Only a newer state than the one applied counts.
    let changed = users::Entity::update_many()
        .col_expr(users::Column::StripePayoutsEnabled, Expr::value(ready))
        .col_expr(users::Column::StripeAccountEventAt, Expr::value(created))
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::StripeAccountId.eq(account.id.as_str()))
        .filter(users::Column::StripeAccountEventAt.lte(created))
        .exec(txn)
        .await?;
    Ok(if changed.rows_affected == 0 {
        Handled::Ignored
    } else {
        Handled::Done
    })
}

async fn transfer_reversed<C: ConnectionTrait>(
    txn: &C,
    transfer: &stripe_shared::Transfer,
) -> Result<Handled, ServiceError> {
    let Some(payout) = payouts::Entity::find()
        .filter(payouts::Column::StripeTransferId.eq(transfer.id.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(Handled::Ignored);
    };
    if payout.state != PayoutState::Paid.as_str() || transfer.amount_reversed < payout.cents {
        return Ok(Handled::Done);
    }
    let reason = format!("Stripe {}: reversed", transfer.id.as_str());
    payouts::Entity::update_many()
        .col_expr(
            payouts::Column::State,
            Expr::value(PayoutState::Reversed.as_str()),
        )
        .col_expr(
            payouts::Column::FailureReason,
            Expr::value(Some(reason.clone())),
        )
        .col_expr(payouts::Column::UpdatedAt, Expr::value(now()))
        .filter(payouts::Column::Id.eq(payout.id))
        .exec(txn)
        .await?;
    let back = MoneyEffect::Unpay {
        grant: Cents(payout.cents - payout.gift_cents),
        gifts: Cents(payout.gift_cents),
    };
    if payout.round == 0 {
        lifecycle::perform_as_system_in(
            txn,
            payout.initiative_id,
            &Action::ReturnPayout,
            Some(reason.clone()),
            &format!("payout:{}", payout.id),
            Some(back),
        )
        .await?;
    } else {
        // A top-up sent back: its money is there to top up again; the
        // initiative stays funded.
        ledger::book(
            txn,
            "return_top_up",
            Some(payout.initiative_id),
            None,
            &format!("payout:{}", payout.id),
            &LedgerTransaction::for_effect(back, 0, payout.initiative_id)?,
        )
        .await?;
    }
    Ok(Handled::PayoutReturned {
        initiative_id: payout.initiative_id,
        reason,
    })
}

// ----------------------------------------------------------- reconciliation

/// One disagreement between the ledger and Stripe's balance history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// What is compared: `gift donation:7 (pi_…)`, `payout payout:3 (tr_…)`,
    /// `stripe charge ch_…`, …
    pub what: String,
    /// Net cents in the ledger (`None`: the ledger does not know it).
    pub ledger_cents: Option<i64>,
    /// Net cents at Stripe (`None`: Stripe does not list it).
    pub stripe_cents: Option<i64>,
}

/// Gifts that reached an initiator with a bank payout: the fund's bank
/// transferred them, while the money itself came in through Stripe and sits
/// on the platform's Stripe balance — owed to the fund's bank account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OwedToFund {
    pub initiative_id: i64,
    pub title: String,
    pub cents: i64,
}

/// Every initiative whose gifts were paid out by bank, with the amount the
/// platform's Stripe balance owes the fund's bank for them.
///
/// # Errors
/// A database error.
pub async fn owed_to_fund_bank(db: &DatabaseConnection) -> Result<Vec<OwedToFund>, ServiceError> {
    use std::collections::BTreeMap;
    let mut owed: BTreeMap<i64, i64> = BTreeMap::new();
    for p in payouts::Entity::find()
        .filter(payouts::Column::Method.eq(PayoutMethod::Bank.as_str()))
        .filter(payouts::Column::State.eq(PayoutState::Paid.as_str()))
        .filter(payouts::Column::GiftCents.gt(0))
        .all(db)
        .await?
    {
        *owed.entry(p.initiative_id).or_default() += p.gift_cents;
    }
    let titles: BTreeMap<i64, String> = initiatives::Entity::find()
        .filter(initiatives::Column::Id.is_in(owed.keys().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect();
    Ok(owed
        .into_iter()
        .map(|(initiative_id, cents)| OwedToFund {
            initiative_id,
            title: titles.get(&initiative_id).cloned().unwrap_or_default(),
            cents,
        })
        .collect())
}

/// A disputed gift as the ledger has booked it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisputedGift {
    /// Stripe's dispute id (`du_…`).
    pub dispute: String,
    pub initiative_id: i64,
    pub title: String,
    /// What was held apart when it opened.
    pub held_cents: i64,
    /// `open`, `won` or `lost`.
    pub outcome: &'static str,
}

/// Every dispute the ledger has booked, newest first: open (held), won or
/// lost. A gift disputed after it was paid out had nothing left to hold;
/// [`reconcile`] lists that one as a difference with Stripe.
///
/// # Errors
/// A database error.
pub async fn disputed_gifts(db: &DatabaseConnection) -> Result<Vec<DisputedGift>, ServiceError> {
    use crate::ssr::entities::ledger_transactions;
    use std::collections::BTreeMap;
    let mut by_dispute: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for t in ledger_transactions::Entity::find()
        .filter(ledger_transactions::Column::Memo.starts_with("dispute:"))
        .filter(ledger_transactions::Column::Kind.is_in([
            "dispute_hold",
            "dispute_won",
            "dispute_lost",
        ]))
        .all(db)
        .await?
    {
        let entry = by_dispute
            .entry(t.memo.trim_start_matches("dispute:").to_string())
            .or_insert((t.initiative_id.unwrap_or_default(), Vec::new()));
        entry.1.push(t.kind);
    }
    let titles: BTreeMap<i64, String> = initiatives::Entity::find()
        .filter(initiatives::Column::Id.is_in(by_dispute.values().map(|(i, _)| *i)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect();
    let mut list = Vec::with_capacity(by_dispute.len());
    for (dispute, (initiative_id, kinds)) in by_dispute.into_iter().rev() {
        let held = ledger::sum_for_memo(
            db,
            &format!("dispute:{dispute}"),
            AccountKey::InitiativeDisputed(initiative_id),
        )
        .await?;
        let outcome = if kinds.iter().any(|k| k == "dispute_lost") {
            "lost"
        } else if kinds.iter().any(|k| k == "dispute_won") {
            "won"
        } else {
            "open"
        };
        // Open: what is held now; settled: what was held when it opened.
        let held_cents = if outcome == "open" {
            held.0
        } else {
            ledger_hold(db, &dispute).await?
        };
        list.push(DisputedGift {
            dispute,
            initiative_id,
            title: titles.get(&initiative_id).cloned().unwrap_or_default(),
            held_cents,
            outcome,
        });
    }
    Ok(list)
}

/// What the hold of dispute `dispute` put apart.
async fn ledger_hold(db: &DatabaseConnection, dispute: &str) -> Result<i64, ServiceError> {
    use crate::ssr::entities::{ledger_entries, ledger_transactions};
    let Some(hold) = ledger_transactions::Entity::find()
        .filter(ledger_transactions::Column::Memo.eq(format!("dispute:{dispute}")))
        .filter(ledger_transactions::Column::Kind.eq("dispute_hold"))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    // The hold moves cofunded → disputed: its one positive entry is what it held.
    Ok(ledger_entries::Entity::find()
        .filter(ledger_entries::Column::TransactionId.eq(hold.id))
        .filter(ledger_entries::Column::Cents.gt(0))
        .all(db)
        .await?
        .iter()
        .map(|e| e.cents)
        .sum())
}

/// Compares the ledger with Stripe's balance transactions, per object:
/// every gift (charge minus refunds, by payment) and every Stripe payout
/// (transfer minus reversals). Lists every difference; none when they agree.
///
/// # Errors
/// Stripe unreachable, or a database error.
pub async fn reconcile(
    db: &DatabaseConnection,
    gateway: &Gateway,
) -> Result<Vec<Difference>, ServiceError> {
    use crate::ssr::entities::{ledger_accounts, ledger_entries, ledger_transactions};
    use std::collections::BTreeMap;

    let lines = gateway.balance_history().await?;
    // Stripe's side, net per payment and per transfer.
    let mut stripe_gifts: BTreeMap<String, i64> = BTreeMap::new();
    let mut stripe_payouts: BTreeMap<String, i64> = BTreeMap::new();
    // Disputes: what Stripe took from the balance (and gave back when won).
    let mut stripe_disputes: BTreeMap<String, i64> = BTreeMap::new();
    let mut differences = Vec::new();
    for line in &lines {
        match (line.kind.as_str(), &line.payment_intent, &line.transfer) {
            ("charge" | "payment" | "refund" | "payment_refund", Some(pi), _) => {
                *stripe_gifts.entry(pi.clone()).or_default() += line.cents;
            }
            (
                "transfer" | "transfer_refund" | "transfer_cancel" | "transfer_failure",
                _,
                Some(tr),
            ) => {
                // Money leaving the balance is a payout: count it positive.
                *stripe_payouts.entry(tr.clone()).or_default() -= line.cents;
            }
            ("adjustment", _, _)
                if line.source.as_deref().is_some_and(|s| s.starts_with("du_")) =>
            {
                let du = line.source.clone().unwrap_or_default();
                *stripe_disputes.entry(du).or_default() += line.cents;
            }
            _ => differences.push(Difference {
                what: format!(
                    "stripe {} {}",
                    line.kind,
                    line.source.clone().unwrap_or_else(|| line.id.clone())
                ),
                ledger_cents: None,
                stripe_cents: Some(line.cents),
            }),
        }
    }

    // The ledger's side: the transactions booked for gifts and payouts.
    let kinds: BTreeMap<i64, String> = ledger_accounts::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.kind))
        .collect();
    let txs: BTreeMap<i64, String> = ledger_transactions::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(ledger_transactions::Column::Memo.starts_with("donation:"))
                .add(ledger_transactions::Column::Memo.starts_with("payout:"))
                .add(ledger_transactions::Column::Memo.starts_with("dispute:")),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.memo))
        .collect();
    let mut ledger_by_memo: BTreeMap<String, i64> = BTreeMap::new();
    if !txs.is_empty() {
        for e in ledger_entries::Entity::find()
            .filter(ledger_entries::Column::TransactionId.is_in(txs.keys().copied()))
            .all(db)
            .await?
        {
            let memo = &txs[&e.transaction_id];
            let kind = kinds.get(&e.account_id).map(String::as_str);
            let counted = match kind {
                // Gifts in, refunds out: the clearing account mirrors the payments.
                Some("donations_clearing") if memo.starts_with("donation:") => -e.cents,
                // A dispute: held apart, or gone back to the giver's bank —
                // as Stripe takes it from the balance when the dispute opens.
                Some("initiative_disputed" | "donations_clearing")
                    if memo.starts_with("dispute:") =>
                {
                    -e.cents
                }
                // A payout's grant part and its gift part.
                Some("initiative_paid" | "initiative_gifts_paid")
                    if memo.starts_with("payout:") =>
                {
                    e.cents
                }
                _ => 0,
            };
            *ledger_by_memo.entry(memo.clone()).or_default() += counted;
        }
    }

    for d in donations::Entity::find()
        .filter(donations::Column::StripePaymentIntentId.is_not_null())
        .all(db)
        .await?
    {
        let Some(pi) = d.stripe_payment_intent_id.clone() else {
            continue;
        };
        let memo = format!("donation:{}", d.id);
        let ledger = ledger_by_memo.remove(&memo);
        let stripe = stripe_gifts.remove(&pi);
        if ledger.unwrap_or(0) != stripe.unwrap_or(0) || ledger.is_some() != stripe.is_some() {
            differences.push(Difference {
                what: format!("gift {memo} ({pi})"),
                ledger_cents: ledger,
                stripe_cents: stripe,
            });
        }
    }
    for p in payouts::Entity::find()
        .filter(payouts::Column::Method.eq("stripe"))
        .filter(payouts::Column::StripeTransferId.is_not_null())
        .all(db)
        .await?
    {
        let Some(tr) = p.stripe_transfer_id.clone() else {
            continue;
        };
        let memo = format!("payout:{}", p.id);
        let ledger = ledger_by_memo.remove(&memo);
        let stripe = stripe_payouts.remove(&tr);
        if ledger.unwrap_or(0) != stripe.unwrap_or(0) || ledger.is_some() != stripe.is_some() {
            differences.push(Difference {
                what: format!("payout {memo} ({tr})"),
                ledger_cents: ledger,
                stripe_cents: stripe,
            });
        }
    }
    // Payouts whose outcome is unknown: a transfer Stripe made for one is
    // listed above as unknown to the ledger until it is checked again.
    let pending: Vec<String> = payouts::Entity::find()
        .filter(
            payouts::Column::State
                .is_in([PayoutState::Sending.as_str(), PayoutState::Unknown.as_str()]),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| format!("payout:{} {}", p.id, p.state))
        .collect();
    for (du, stripe) in stripe_disputes {
        let ledger = ledger_by_memo.remove(&format!("dispute:{du}"));
        if ledger.unwrap_or(0) != stripe {
            // Typically a gift disputed after it was paid out: it could not
            // be held, and the difference is a loss to recover.
            differences.push(Difference {
                what: format!("dispute {du}"),
                ledger_cents: ledger,
                stripe_cents: Some(stripe),
            });
        }
    }
    for (pi, cents) in stripe_gifts {
        differences.push(Difference {
            what: format!("stripe payment {pi} unknown to the ledger"),
            ledger_cents: None,
            stripe_cents: Some(cents),
        });
    }
    for (tr, cents) in stripe_payouts {
        differences.push(Difference {
            what: format!("stripe transfer {tr} unknown to the ledger"),
            ledger_cents: None,
            stripe_cents: Some(cents),
        });
    }
    for (memo, cents) in ledger_by_memo {
        if cents != 0 {
            differences.push(Difference {
                what: format!("{memo} booked without a Stripe record"),
                ledger_cents: Some(cents),
                stripe_cents: None,
            });
        }
    }
    for p in pending {
        differences.push(Difference {
            what: format!("{p}: outcome unknown, check it again to finish it"),
            ledger_cents: None,
            stripe_cents: None,
        });
    }
    Ok(differences)
}
