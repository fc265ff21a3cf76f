//! Performs lifecycle steps: decides with the pure [`apply`], then changes
//! state, appends the event and books any money in one database transaction.
//!
//! The first statement of the transaction writes to the initiative row, so
//! concurrent steps on one initiative queue up (a row lock on PostgreSQL, the
//! write lock on SQLite); the state update is guarded by the state that was
//! read, so two people racing cannot both win. A commit of fund money first
//! writes to the fund row, which serialises every commit against that fund:
//! the budget check and the booking see the same balance.

use super::{ledger, now};
use crate::domain::{
    ledger::LedgerTransaction,
    lifecycle::{apply, MoneyEffect},
    Action, Actor, Cents, Facts, Role, State, Transition,
};
use crate::ssr::entities::{
    co_initiators, coach_mandates, coach_neighbourhoods, donations, events, funds, initiatives,
    payouts, users,
};
use crate::ssr::error::ServiceError;
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};

/// The result of a step that was performed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Performed {
    pub transition: Transition,
    pub event_id: i64,
}

/// Performs `action` on initiative `initiative_id` for the user `actor_id`
/// (`None` for a visitor), with an optional free-text `reason`.
///
/// # Errors
/// [`ServiceError::NotFound`], a refused transition, an exhausted fund,
/// [`ServiceError::Conflict`] when the state changed meanwhile, or a database error.
/// On any error nothing is changed.
pub async fn perform(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: Action,
    reason: Option<String>,
) -> Result<Performed, ServiceError> {
    perform_at(db, initiative_id, actor_id, action, reason, now()).await
}

/// [`perform`] with the moment recorded in the log given explicitly (demo
/// data with a realistic history; imports).
///
/// # Errors
/// As [`perform`].
pub async fn perform_at(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: Action,
    reason: Option<String>,
    at: DateTimeWithTimeZone,
) -> Result<Performed, ServiceError> {
    perform_recording(db, initiative_id, actor_id, action, reason, at, None).await
}

/// A manual payout to record together with the `PayOut` step.
#[derive(Debug, Clone)]
pub struct ManualPayout {
    /// The bank transfer's reference.
    pub reference: String,
    pub transferred_on: chrono::NaiveDate,
    /// The bank account it went to (the revision the payer saw); the step
    /// is refused if the account changed since.
    pub account: super::bank_accounts::AccountCopy,
}

/// Pays out by bank transfer: the `PayOut` step and the payout record (with
/// the account it went to) in one transaction. The payout's idempotency key
/// is derived from the initiative, so a double click or a retry can never
/// record a second payout.
///
/// # Errors
/// As [`perform`].
pub async fn pay_out_manually(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: i64,
    payout: ManualPayout,
) -> Result<Performed, ServiceError> {
    perform_recording(
        db,
        initiative_id,
        Some(actor_id),
        Action::PayOut,
        Some(payout.reference.clone()),
        now(),
        Some(payout),
    )
    .await
}

async fn perform_recording(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: Action,
    reason: Option<String>,
    at: DateTimeWithTimeZone,
    payout: Option<ManualPayout>,
) -> Result<Performed, ServiceError> {
    let txn = db.begin().await?;
    let mut result = perform_step(&txn, initiative_id, actor_id, &action, reason, at, "").await;
    if result.is_ok() && matches!(action, Action::Cancel) {
        // The step above holds the initiative's row lock, so a Stripe payout
        // cannot start now (it re-checks the state under that lock); one
        // already started, whose outcome is unknown, may have paid: then the
        // money is not the fund's to take back.
        match super::payments::pending_payout(&txn, initiative_id).await {
            Ok(Some(_)) => {
                result = Err(ServiceError::Invalid {
                    field: "reason",
                    message: "payout_unknown_cancel".into(),
                });
            }
            Ok(None) => {}
            Err(e) => result = Err(e),
        }
    }
    if result.is_ok() && matches!(action, Action::Cancel) {
        // Gifts go back to their givers; the release above returned the match.
        if let Err(e) = super::payments::mark_refunds_for_cancellation(&txn, initiative_id).await {
            result = Err(e);
        }
    }
    if let (Ok(_), Some(payout)) = (&result, &payout) {
        // The account the payer saw must still be the one on record.
        if let Err(e) =
            super::bank_accounts::still_at(&txn, initiative_id, payout.account.revision).await
        {
            result = Err(e);
        }
    }
    if let (Ok(done), Some(payout)) = (&result, payout) {
        let cents = done.transition.amount.map_or(0, |c| c.0);
        let inserted = payouts::Entity::insert(payouts::ActiveModel {
            initiative_id: Set(initiative_id),
            cents: Set(cents),
            method: Set("bank".into()),
            reference: Set(Some(payout.reference)),
            transferred_on: Set(Some(payout.transferred_on)),
            idempotency_key: Set(format!("payout-{initiative_id}")),
            state: Set("paid".into()),
            stripe_transfer_id: Set(None),
            failure_reason: Set(None),
            created_by: Set(actor_id),
            created_at: Set(at),
            updated_at: Set(at),
            account_masked: Set(Some(payout.account.masked)),
            account_holder: Set(Some(payout.account.holder)),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await;
        match inserted {
            Ok(_) => {}
            // Another payout of this initiative is active (a Stripe payout
            // being sent): the unique index allows one, and this step rolls back.
            Err(e) if crate::ssr::error::is_unique_violation(&e) => {
                result = Err(ServiceError::Invalid {
                    field: "reference",
                    message: "stripe_payout_pending".into(),
                });
            }
            Err(e) => result = Err(e.into()),
        }
    }
    match result {
        Ok(done) => {
            txn.commit().await?;
            Ok(done)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

/// Performs `action` inside the caller's transaction `txn`, with `memo` on
/// the ledger transaction it books (which record the money belongs to).
///
/// # Errors
/// As [`perform`].
pub async fn perform_in_txn<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: &Action,
    reason: Option<String>,
    memo: &str,
) -> Result<Performed, ServiceError> {
    perform_step(txn, initiative_id, actor_id, action, reason, now(), memo).await
}

/// Performs `action` as Buurtfonds itself (on a verified payment provider
/// event) inside the caller's transaction `txn`, so the step commits or
/// rolls back together with the caller's own writes.
///
/// # Errors
/// As [`perform`].
pub async fn perform_as_system_in<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
    action: &Action,
    reason: Option<String>,
    memo: &str,
) -> Result<Performed, ServiceError> {
    perform_step(txn, initiative_id, SYSTEM, action, reason, now(), memo).await
}

/// The actor id that stands for Buurtfonds itself (never a user's id).
const SYSTEM: Option<i64> = Some(-1);

async fn perform_step<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: &Action,
    reason: Option<String>,
    at: DateTimeWithTimeZone,
    memo: &str,
) -> Result<Performed, ServiceError> {
    // Write first: this takes the lock that queues concurrent steps.
    let touched = initiatives::Entity::update_many()
        .col_expr(initiatives::Column::UpdatedAt, Expr::value(at))
        .filter(initiatives::Column::Id.eq(initiative_id))
        .exec(txn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let state = State::parse(&initiative.state).ok_or(ServiceError::Invalid {
        field: "state",
        message: format!("unknown stored state {}", initiative.state),
    })?;
    let actor = if actor_id == SYSTEM {
        crate::domain::Actor::system()
    } else {
        load_actor(txn, actor_id, initiative.neighbourhood_id).await?
    };
    let facts = load_facts(txn, &initiative).await?;
    let transition = apply(state, action, &actor, &facts)?;
    // The log names no person for Buurtfonds' own steps.
    let actor_id = if actor_id == SYSTEM { None } else { actor_id };

    // Money first checks, then moves, inside this same transaction.
    let fund_id = initiative.fund_id;
    if let Some(effect) = transition.money {
        let fund_id = fund_id.ok_or(ServiceError::Invalid {
            field: "fund_id",
            message: "the initiative has no fund".into(),
        })?;
        if let MoneyEffect::Commit(amount) = effect {
            funds::Entity::update_many()
                .col_expr(funds::Column::UpdatedAt, Expr::value(at))
                .filter(funds::Column::Id.eq(fund_id))
                .exec(txn)
                .await?;
            ledger::ensure_available(txn, fund_id, amount).await?;
        }
    }

    let mut update = initiatives::Entity::update_many()
        .col_expr(
            initiatives::Column::State,
            Expr::value(transition.to.as_str()),
        )
        .filter(initiatives::Column::Id.eq(initiative_id))
        .filter(initiatives::Column::State.eq(state.as_str()));
    update = match action {
        Action::Claim => update.col_expr(initiatives::Column::CoachId, Expr::value(actor_id)),
        Action::Submit => update.col_expr(initiatives::Column::SubmittedAt, Expr::value(Some(at))),
        Action::Approve { amount } => update
            .col_expr(
                initiatives::Column::AmountApprovedCents,
                Expr::value(Some(amount.0)),
            )
            .col_expr(initiatives::Column::ApprovedBy, Expr::value(actor_id))
            .col_expr(
                initiatives::Column::ApprovalConditions,
                Expr::value(reason.clone()),
            )
            .col_expr(initiatives::Column::DecidedAt, Expr::value(Some(at))),
        Action::Reject => update.col_expr(initiatives::Column::DecidedAt, Expr::value(Some(at))),
        Action::PayOut => update.col_expr(initiatives::Column::FundedAt, Expr::value(Some(at))),
        Action::ReturnPayout => update.col_expr(
            initiatives::Column::FundedAt,
            Expr::value(Option::<DateTimeWithTimeZone>::None),
        ),
        _ => update,
    };
    if transition.to.is_public() {
        update = update.col_expr(initiatives::Column::IsPublic, Expr::value(true));
    } else if matches!(
        transition.to,
        State::Cancelled | State::Withdrawn | State::Rejected
    ) {
        update = update.col_expr(initiatives::Column::IsPublic, Expr::value(false));
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Conflict);
    }

    let event_id = events::Entity::insert(events::ActiveModel {
        initiative_id: Set(initiative_id),
        actor_id: Set(actor_id),
        action: Set(action.name().to_string()),
        from_state: Set(Some(transition.from.as_str().to_string())),
        to_state: Set(transition.to.as_str().to_string()),
        amount_cents: Set(transition.amount.map(|c| c.0)),
        reason: Set(reason),
        at: Set(at),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id;

    if let (Some(effect), Some(fund_id)) = (transition.money, fund_id) {
        let tx = LedgerTransaction::for_effect(effect, fund_id, initiative_id)?;
        ledger::book(
            txn,
            action.name(),
            Some(initiative_id),
            Some(event_id),
            memo,
            &tx,
        )
        .await?;
    }
    Ok(Performed {
        transition,
        event_id,
    })
}

/// Whether `actor_id` may take `action` on `initiative` now, without doing it
/// (for actions that change no state, such as writing a message).
///
/// # Errors
/// The refused transition, or a database error.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
    actor_id: Option<i64>,
    action: &Action,
) -> Result<Transition, ServiceError> {
    let state = State::parse(&initiative.state).ok_or(ServiceError::NotFound)?;
    let actor = load_actor(db, actor_id, initiative.neighbourhood_id).await?;
    let facts = load_facts(db, initiative).await?;
    Ok(apply(state, action, &actor, &facts)?)
}

/// Records the creation of an initiative as the first event of its log.
///
/// # Errors
/// A database error.
pub async fn record_created<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
    actor_id: i64,
    at: DateTimeWithTimeZone,
) -> Result<i64, ServiceError> {
    Ok(events::Entity::insert(events::ActiveModel {
        initiative_id: Set(initiative_id),
        actor_id: Set(Some(actor_id)),
        action: Set("create".into()),
        from_state: Set(None),
        to_state: Set(State::Draft.as_str().into()),
        amount_cents: Set(None),
        reason: Set(None),
        at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

async fn load_actor<C: ConnectionTrait>(
    db: &C,
    actor_id: Option<i64>,
    neighbourhood_id: Option<i64>,
) -> Result<Actor, ServiceError> {
    let Some(id) = actor_id else {
        return Ok(Actor::visitor());
    };
    let Some(user) = users::Entity::find_by_id(id).one(db).await? else {
        return Ok(Actor::visitor());
    };
    if user.erased_at.is_some() {
        return Ok(Actor::visitor());
    }
    let role = Role::parse(&user.role);
    let mut actor = Actor {
        user_id: Some(id),
        role,
        ..Actor::default()
    };
    if role == Some(Role::Coach) {
        actor.mandate = coach_mandates::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| Cents(m.max_cents));
        if let Some(nbh) = neighbourhood_id {
            actor.coaches_neighbourhood = coach_neighbourhoods::Entity::find_by_id((id, nbh))
                .one(db)
                .await?
                .is_some();
        }
    }
    Ok(actor)
}

/// The co-initiators of an initiative who accepted: with its initiator, its
/// team (the people who may not decide about it, and who hear of its steps).
///
/// # Errors
/// A database error.
pub(crate) async fn co_initiator_ids<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<Vec<i64>, ServiceError> {
    Ok(co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(initiative_id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| c.user_id)
        .collect())
}

async fn load_facts<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
) -> Result<Facts, ServiceError> {
    let co_initiator_ids = co_initiator_ids(db, initiative.id).await?;
    let matched: i64 = donations::Entity::find()
        .filter(donations::Column::InitiativeId.eq(initiative.id))
        .all(db)
        .await?
        .iter()
        .map(|d| d.match_cents - d.match_returned_cents)
        .sum();
    Ok(Facts {
        matched: Cents(matched),
        initiator_id: initiative.initiator_id,
        co_initiator_ids,
        coach_id: initiative.coach_id,
        approver_id: initiative.approved_by,
        amount_asked: Cents(initiative.amount_asked_cents),
        amount_approved: initiative.amount_approved_cents.map(Cents),
    })
}
