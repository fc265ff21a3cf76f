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
    ledger::{AccountKey, LedgerTransaction},
    lifecycle::{apply, MoneyEffect, NewCoach},
    Action, Actor, Cents, Facts, PayoutMethod, PayoutState, Role, State, Transition,
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

/// Pays out by bank transfer — the grant's payout (`PayOut`) or a top-up of
/// what arrived after it (`TopUp`) — with its payout record (and the account
/// it went to) in one transaction. The payout's idempotency key is derived
/// from the initiative and the round, so a double click or a retry can
/// never record a second one.
///
/// # Errors
/// As [`perform`]; a refused step for any other action.
pub async fn pay_manually(
    db: &DatabaseConnection,
    initiative_id: i64,
    actor_id: i64,
    action: Action,
    payout: ManualPayout,
) -> Result<Performed, ServiceError> {
    if !matches!(action, Action::PayOut | Action::TopUp) {
        return Err(ServiceError::Conflict);
    }
    perform_recording(
        db,
        initiative_id,
        Some(actor_id),
        action,
        Some(payout.reference.clone()),
        now(),
        Some(payout),
    )
    .await
}

/// The round a new top-up of the initiative gets: one after the last paid.
///
/// # Errors
/// A database error.
pub async fn next_round<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<i32, ServiceError> {
    Ok(payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(initiative_id))
        .filter(payouts::Column::State.eq(PayoutState::Paid.as_str()))
        .all(db)
        .await?
        .iter()
        .map(|p| p.round)
        .max()
        .map_or(0, |r| r + 1))
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
    let mut result =
        perform_step(&txn, initiative_id, actor_id, &action, reason, at, "", None).await;
    if result.is_ok() && matches!(action, Action::Cancel) {
        // The step above holds the initiative's row lock, so a Stripe payout
        // cannot start now (it re-checks the state under that lock); one
        // already started, whose outcome is unknown, may have paid: then the
        // money is not the fund's to take back.
        match super::payments::unsettled_payout(&txn, initiative_id).await {
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
        let gift_cents = match done.transition.money {
            Some(MoneyEffect::PayOut { gifts, .. }) => gifts.0,
            _ => 0,
        };
        // The grant's payout is round 0; a top-up the next round. The
        // step above holds the initiative's row lock, so two top-ups queue.
        let round = if matches!(action, Action::TopUp) {
            next_round(&txn, initiative_id).await?
        } else {
            0
        };
        let key = if round == 0 {
            format!("payout-{initiative_id}")
        } else {
            format!("payout-{initiative_id}-round-{round}")
        };
        let inserted = payouts::Entity::insert(payouts::ActiveModel {
            initiative_id: Set(initiative_id),
            cents: Set(cents),
            gift_cents: Set(gift_cents),
            round: Set(round),
            method: Set(PayoutMethod::Bank.as_str().into()),
            reference: Set(Some(payout.reference)),
            transferred_on: Set(Some(payout.transferred_on)),
            idempotency_key: Set(key),
            state: Set(PayoutState::Paid.as_str().into()),
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
/// `fixed` books a payout's (or its return's) own amounts instead of those
/// the step would compute now: a Stripe payout's amount is fixed when it is
/// sent, and a gift or match that arrived meanwhile stays for a top-up. It
/// must be of the step's kind and within what the step could move.
///
/// # Errors
/// As [`perform`]; [`ServiceError::Conflict`] for a `fixed` amount the
/// initiative does not hold.
pub async fn perform_in_txn<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: &Action,
    reason: Option<String>,
    memo: &str,
    fixed: Option<MoneyEffect>,
) -> Result<Performed, ServiceError> {
    perform_step(
        txn,
        initiative_id,
        actor_id,
        action,
        reason,
        now(),
        memo,
        fixed,
    )
    .await
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
    fixed: Option<MoneyEffect>,
) -> Result<Performed, ServiceError> {
    perform_step(
        txn,
        initiative_id,
        SYSTEM,
        action,
        reason,
        now(),
        memo,
        fixed,
    )
    .await
}

/// `fixed` in place of the money `transition` would move, when it is of the
/// same kind and no more than it (see [`perform_in_txn`]).
fn with_fixed(mut transition: Transition, fixed: MoneyEffect) -> Result<Transition, ServiceError> {
    let fits = match (transition.money, fixed) {
        (
            Some(MoneyEffect::PayOut { grant, gifts }),
            MoneyEffect::PayOut { grant: g, gifts: f },
        ) => g <= grant && f <= gifts,
        (Some(MoneyEffect::Unpay { grant, .. }), MoneyEffect::Unpay { grant: g, .. }) => g <= grant,
        _ => false,
    };
    if !fits {
        tracing::error!(
            ?transition,
            ?fixed,
            "a fixed payout amount the initiative does not hold"
        );
        return Err(ServiceError::Conflict);
    }
    transition.money = Some(fixed);
    transition.amount = Some(fixed.total());
    Ok(transition)
}

/// The actor id that stands for Buurtfonds itself (never a user's id).
const SYSTEM: Option<i64> = Some(-1);

#[expect(
    clippy::too_many_arguments,
    reason = "one private step function, its callers name every argument"
)]
async fn perform_step<C: ConnectionTrait>(
    txn: &C,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: &Action,
    reason: Option<String>,
    at: DateTimeWithTimeZone,
    memo: &str,
    fixed: Option<MoneyEffect>,
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
    let facts = load_facts(txn, &initiative, action).await?;
    let mut transition = apply(state, action, &actor, &facts)?;
    if let Some(fixed) = fixed {
        transition = with_fixed(transition, fixed)?;
    }
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
        // Back to the coach who approved: the approval is undone, the coach stays.
        Action::DeclineCosign => update
            .col_expr(
                initiatives::Column::AmountApprovedCents,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                initiatives::Column::ApprovedBy,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                initiatives::Column::ApprovalConditions,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                initiatives::Column::DecidedAt,
                Expr::value(Option::<DateTimeWithTimeZone>::None),
            ),
        Action::Release => update.col_expr(
            initiatives::Column::CoachId,
            Expr::value(Option::<i64>::None),
        ),
        Action::Reassign { to } => {
            update.col_expr(initiatives::Column::CoachId, Expr::value(Some(*to)))
        }
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
    let facts = load_facts(db, initiative, action).await?;
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

/// The coach `to`, as [`Action::Reassign`] needs to know them: whether they
/// coach the neighbourhood now (a coach by role, not erased, linked to it).
async fn new_coach<C: ConnectionTrait>(
    db: &C,
    to: i64,
    neighbourhood_id: Option<i64>,
) -> Result<NewCoach, ServiceError> {
    let is_coach = users::Entity::find_by_id(to)
        .one(db)
        .await?
        .is_some_and(|u| u.role == Role::Coach.as_str() && u.erased_at.is_none());
    let linked = match neighbourhood_id {
        Some(n) => coach_neighbourhoods::Entity::find_by_id((to, n))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    Ok(NewCoach {
        user_id: to,
        coaches_neighbourhood: is_coach && linked,
    })
}

async fn load_facts<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
    action: &Action,
) -> Result<Facts, ServiceError> {
    let new_coach = match action {
        Action::Reassign { to } => Some(new_coach(db, *to, initiative.neighbourhood_id).await?),
        _ => None,
    };
    let co_initiator_ids = co_initiator_ids(db, initiative.id).await?;
    let matched: i64 = donations::Entity::find()
        .filter(donations::Column::InitiativeId.eq(initiative.id))
        .all(db)
        .await?
        .iter()
        .map(|d| d.match_cents - d.match_returned_cents)
        .sum();
    Ok(Facts {
        gifts: ledger::balance(db, AccountKey::InitiativeCofunded(initiative.id)).await?,
        unpaid: ledger::balance(db, AccountKey::InitiativeGranted(initiative.id)).await?,
        matched: Cents(matched),
        initiator_id: initiative.initiator_id,
        co_initiator_ids,
        coach_id: initiative.coach_id,
        approver_id: initiative.approved_by,
        amount_asked: Cents(initiative.amount_asked_cents),
        amount_approved: initiative.amount_approved_cents.map(Cents),
        new_coach,
    })
}
