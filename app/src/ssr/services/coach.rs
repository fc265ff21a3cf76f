//! The coach's queue, the view of one initiative, decisions and payouts,
//! and the budget figures coaches and admins work with.

use super::{ledger, lifecycle, notify, now};
use crate::api::coach::{CoachView, FundBudget, NeighbourhoodBudget, Queue, QueueItem};
use crate::domain::{
    ledger::LedgerError, lifecycle::MoneyEffect, Action, PayoutState, Role, State, TransitionError,
};
use crate::ssr::entities::{
    co_initiators, coach_mandates, coach_neighbourhoods, fund_neighbourhoods, funds, initiatives,
    neighbourhoods, payouts, users,
};
use crate::ssr::error::ServiceError;
use crate::ssr::session::CurrentUser;
use crate::ssr::AppState;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Only coaches and admins work here.
fn require_staff(user: &CurrentUser) -> Result<(), ServiceError> {
    if matches!(user.role, Role::Coach | Role::Admin) {
        Ok(())
    } else {
        Err(TransitionError::Forbidden.into())
    }
}

async fn mandate<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
) -> Result<Option<i64>, ServiceError> {
    if user.role != Role::Coach {
        return Ok(None);
    }
    Ok(coach_mandates::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .map(|m| m.max_cents))
}

async fn my_neighbourhoods<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
) -> Result<Vec<i64>, ServiceError> {
    if user.role == Role::Admin {
        return Ok(neighbourhoods::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|n| n.id)
            .collect());
    }
    Ok(coach_neighbourhoods::Entity::find()
        .filter(coach_neighbourhoods::Column::CoachId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.neighbourhood_id)
        .collect())
}

async fn names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

fn days_between(
    from: chrono::DateTime<chrono::FixedOffset>,
    to: chrono::DateTime<chrono::FixedOffset>,
) -> i64 {
    (to - from).num_days().max(0)
}

/// The median of `values`, if there are any.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    #[allow(clippy::cast_precision_loss)] // days: far below 2^52
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    } else {
        values[mid] as f64
    })
}

/// How many initiatives each part of the queue lists; the rest is counted.
pub const QUEUE_PAGE: u64 = 50;

/// One part of the queue: the first [`QUEUE_PAGE`] rows in order, and how many there are.
async fn queue_part<C: ConnectionTrait>(
    db: &C,
    select: sea_orm::Select<initiatives::Entity>,
) -> Result<(Vec<initiatives::Model>, u64), ServiceError> {
    let total = select.clone().count(db).await?;
    let rows = select.limit(QUEUE_PAGE).all(db).await?;
    Ok((rows, total))
}

/// The queue of `user` (a coach or an admin), asked of the database part by
/// part: what waits in my neighbourhoods, what I coach, what waits for my
/// co-signature. Each part is a query with its own filter, order and limit,
/// so the page costs the same at 100 initiatives and at 100,000; nothing
/// of the person's own team is listed (they may not decide about it).
///
/// # Errors
/// 403 for residents; a database error.
pub async fn queue(
    db: &DatabaseConnection,
    user: &CurrentUser,
    target_days: i64,
    cosign_flag_days: i64,
) -> Result<Queue, ServiceError> {
    use initiatives::Column as I;
    use sea_orm::sea_query::{Expr, Query};
    require_staff(user)?;
    let admin = user.role == Role::Admin;
    let mandate_cents = mandate(db, user).await?;
    let areas = my_neighbourhoods(db, user).await?;
    // Not of my own team: neither my own initiatives nor those I co-initiate.
    let off_my_team = |select: sea_orm::Select<initiatives::Entity>| {
        select.filter(I::InitiatorId.ne(user.id)).filter(
            I::Id.not_in_subquery(
                Query::select()
                    .column(co_initiators::Column::InitiativeId)
                    .from(co_initiators::Entity)
                    .and_where(co_initiators::Column::UserId.eq(user.id))
                    .and_where(co_initiators::Column::AcceptedAt.is_not_null())
                    .to_owned(),
            ),
        )
    };
    let mut waiting = initiatives::Entity::find()
        .filter(I::State.eq(State::Submitted.as_str()))
        .order_by_asc(I::SubmittedAt)
        .order_by_asc(I::Id);
    waiting = if admin {
        waiting.filter(I::NeighbourhoodId.is_not_null())
    } else {
        waiting
            .filter(I::NeighbourhoodId.is_in(areas.clone()))
            .filter(
                sea_orm::Condition::any()
                    .add(I::CoachId.is_null())
                    .add(I::CoachId.eq(user.id)),
            )
    };
    let (waiting_rows, waiting_total) = queue_part(db, off_my_team(waiting)).await?;
    let open_claimed = [
        State::InReview,
        State::ChangesRequested,
        State::AwaitingCosign,
        State::Approved,
        State::Funded,
        State::Reporting,
    ]
    .map(State::as_str);
    let mine = initiatives::Entity::find()
        .filter(I::CoachId.eq(user.id))
        .filter(I::State.is_in(open_claimed))
        // Longest waiting first: the oldest change on top.
        .order_by_asc(I::UpdatedAt)
        .order_by_asc(I::Id);
    let (mine_rows, mine_total) = queue_part(db, mine).await?;
    let mut cosign = initiatives::Entity::find()
        .filter(I::State.eq(State::AwaitingCosign.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(I::ApprovedBy.is_null())
                .add(I::ApprovedBy.ne(user.id)),
        )
        .order_by_asc(Expr::col(I::DecidedAt))
        .order_by_asc(I::Id);
    if !admin {
        // Within my mandate only; without one, nothing to co-sign.
        cosign = cosign.filter(I::AmountApprovedCents.lte(mandate_cents.unwrap_or(-1)));
    }
    let (cosign_rows, cosign_total) = queue_part(db, off_my_team(cosign)).await?;

    let coach_ids: Vec<i64> = waiting_rows
        .iter()
        .chain(&mine_rows)
        .chain(&cosign_rows)
        .filter_map(|r| r.coach_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let people = names(db, coach_ids).await?;
    let area_names: HashMap<i64, String> = neighbourhoods::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let at = now();
    let item = |i: &initiatives::Model, since: chrono::DateTime<chrono::FixedOffset>| {
        let days = days_between(since, at);
        let cosign_days = (i.state == State::AwaitingCosign.as_str())
            .then(|| days_between(i.decided_at.unwrap_or(i.updated_at), at));
        QueueItem {
            cosign_days,
            cosign_late: cosign_days.is_some_and(|d| d > cosign_flag_days),
            id: i.id,
            title: i.title.clone(),
            neighbourhood: i
                .neighbourhood_id
                .and_then(|n| area_names.get(&n).cloned())
                .unwrap_or_default(),
            state: i.state.clone(),
            amount_asked_cents: i.amount_asked_cents,
            amount_approved_cents: i.amount_approved_cents,
            days_waiting: days,
            overdue: days > target_days,
            coach_name: i.coach_id.and_then(|c| people.get(&c).cloned()),
        }
    };
    Ok(Queue {
        waiting: waiting_rows
            .iter()
            .map(|i| item(i, i.submitted_at.unwrap_or(i.created_at)))
            .collect(),
        mine: mine_rows.iter().map(|i| item(i, i.updated_at)).collect(),
        cosign: cosign_rows
            .iter()
            .map(|i| item(i, i.decided_at.unwrap_or(i.updated_at)))
            .collect(),
        waiting_total,
        mine_total,
        cosign_total,
        target_days,
        cosign_flag_days,
        mandate_cents,
        budgets: budgets(db, if admin { None } else { Some(&areas) }).await?,
    })
}

/// Every approval waiting for a second signature, longest waiting first:
/// the first [`QUEUE_PAGE`] and how many there are (the admin's page flags
/// those waiting longer than `cosign_flag_days`).
///
/// # Errors
/// A database error.
pub async fn cosign_waiting<C: ConnectionTrait>(
    db: &C,
    cosign_flag_days: i64,
) -> Result<(Vec<QueueItem>, u64), ServiceError> {
    use initiatives::Column as I;
    let (rows, total) = queue_part(
        db,
        initiatives::Entity::find()
            .filter(I::State.eq(State::AwaitingCosign.as_str()))
            .order_by_asc(I::DecidedAt)
            .order_by_asc(I::Id),
    )
    .await?;
    let people = names(db, rows.iter().filter_map(|r| r.coach_id).collect()).await?;
    let area_names: HashMap<i64, String> = neighbourhoods::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let at = now();
    let items = rows
        .into_iter()
        .map(|i| {
            let days = days_between(i.decided_at.unwrap_or(i.updated_at), at);
            QueueItem {
                id: i.id,
                neighbourhood: i
                    .neighbourhood_id
                    .and_then(|n| area_names.get(&n).cloned())
                    .unwrap_or_default(),
                state: i.state,
                amount_asked_cents: i.amount_asked_cents,
                amount_approved_cents: i.amount_approved_cents,
                days_waiting: days,
                overdue: false,
                coach_name: i.coach_id.and_then(|c| people.get(&c).cloned()),
                cosign_days: Some(days),
                cosign_late: days > cosign_flag_days,
                title: i.title,
            }
        })
        .collect();
    Ok((items, total))
}

/// The budgets of the funds that cover `areas` (every fund for `None`).
///
/// # Errors
/// A database error.
pub async fn budgets<C: ConnectionTrait>(
    db: &C,
    areas: Option<&[i64]>,
) -> Result<Vec<FundBudget>, ServiceError> {
    let links = fund_neighbourhoods::Entity::find().all(db).await?;
    let area_names: HashMap<i64, String> = neighbourhoods::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let mut out = Vec::new();
    for fund in funds::Entity::find()
        .order_by_desc(funds::Column::PeriodStart)
        .order_by_asc(funds::Column::Name)
        .all(db)
        .await?
    {
        let covered: Vec<i64> = links
            .iter()
            .filter(|l| l.fund_id == fund.id)
            .map(|l| l.neighbourhood_id)
            .collect();
        if let Some(areas) = areas {
            if !covered.iter().any(|n| areas.contains(n)) {
                continue;
            }
        }
        let figures = ledger::fund_figures(db, fund.id).await?;
        let rows = initiatives::Entity::find()
            .filter(initiatives::Column::FundId.eq(fund.id))
            .all(db)
            .await?;
        let mut per_state: Vec<(String, i64)> = Vec::new();
        for state in State::ALL {
            let n = rows.iter().filter(|i| i.state == state.as_str()).count();
            if n > 0 {
                per_state.push((
                    state.as_str().to_string(),
                    i64::try_from(n).unwrap_or(i64::MAX),
                ));
            }
        }
        let decision_days = |filter: &dyn Fn(&initiatives::Model) -> bool| {
            let mut days: Vec<i64> = rows
                .iter()
                .filter(|i| filter(i))
                .filter_map(|i| Some(days_between(i.submitted_at?, i.decided_at?)))
                .collect();
            median(&mut days)
        };
        let mut neighbourhoods_out = Vec::new();
        for n in &covered {
            let (committed, paid) = ledger::drawn_by_neighbourhood(db, fund.id, *n).await?;
            neighbourhoods_out.push(NeighbourhoodBudget {
                name: area_names.get(n).cloned().unwrap_or_default(),
                committed_cents: committed.0,
                paid_cents: paid.0,
                initiatives: i64::try_from(
                    rows.iter()
                        .filter(|i| {
                            i.neighbourhood_id == Some(*n) && i.state != State::Draft.as_str()
                        })
                        .count(),
                )
                .unwrap_or(i64::MAX),
                median_days_to_decision: decision_days(&|i| i.neighbourhood_id == Some(*n)),
            });
        }
        neighbourhoods_out.sort_by(|a, b| a.name.cmp(&b.name));
        out.push(FundBudget {
            fund_id: fund.id,
            name: fund.name,
            period_start: fund.period_start.to_string(),
            period_end: fund.period_end.to_string(),
            budget_cents: figures.budget.0,
            committed_cents: figures.committed.0,
            paid_cents: figures.paid.0,
            remaining_cents: figures.remaining.0,
            max_grant_cents: fund.max_grant_cents,
            per_state,
            median_days_to_decision: decision_days(&|_| true),
            neighbourhoods: neighbourhoods_out,
        });
    }
    Ok(out)
}

/// Whether `user` may see `initiative` as staff: admins always; coaches of
/// its neighbourhood, its own coach, and — while it waits for a
/// co-signature — any coach whose mandate covers the amount.
async fn may_see<C: ConnectionTrait>(
    db: &C,
    user: &CurrentUser,
    i: &initiatives::Model,
) -> Result<bool, ServiceError> {
    match user.role {
        Role::Admin => Ok(true),
        Role::Coach => {
            if i.state == State::Draft.as_str() {
                return Ok(false);
            }
            if i.coach_id == Some(user.id) {
                return Ok(true);
            }
            if let Some(n) = i.neighbourhood_id {
                if coach_neighbourhoods::Entity::find_by_id((user.id, n))
                    .one(db)
                    .await?
                    .is_some()
                {
                    return Ok(true);
                }
            }
            let covers = mandate(db, user)
                .await?
                .zip(i.amount_approved_cents)
                .is_some_and(|(m, a)| m >= a);
            Ok(i.state == State::AwaitingCosign.as_str() && covers)
        }
        Role::Resident | Role::Visitor => Ok(false),
    }
}

/// One initiative for a coach or admin, with what they may do now.
///
/// # Errors
/// [`ServiceError::NotFound`] for anyone else (and for drafts); a database error.
pub async fn detail(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i64,
    cosign_flag_days: i64,
) -> Result<CoachView, ServiceError> {
    let i = initiatives::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !may_see(db, user, &i).await? {
        return Err(ServiceError::NotFound);
    }
    // Nobody works on their own initiative as staff: the team reads it on
    // /me (without what the co-signer and the coach say to each other).
    if i.initiator_id == user.id
        || lifecycle::co_initiator_ids(db, i.id)
            .await?
            .contains(&user.id)
    {
        return Err(ServiceError::NotFound);
    }
    let mut history = super::me::History::load(db, id, user.id).await?;
    let names = history
        .names_with(
            db,
            [Some(i.initiator_id), i.coach_id, i.approved_by]
                .into_iter()
                .flatten(),
        )
        .await?;
    let mut allowed = Vec::new();
    let asked = crate::domain::Cents(i.amount_asked_cents.max(1));
    for (name, action) in [
        ("claim", Action::Claim),
        ("message", Action::Message),
        ("ask_changes", Action::AskChanges),
        ("approve", Action::Approve { amount: asked }),
        ("reject", Action::Reject),
        ("co_sign", Action::CoSign),
        ("decline_cosign", Action::DeclineCosign),
        ("cosign_question", Action::AskCosignQuestion),
        ("release", Action::Release),
        ("pay_out", Action::PayOut),
        ("top_up", Action::TopUp),
        ("cancel", Action::Cancel),
    ] {
        // Above the mandate an approval is allowed too: it then waits for a co-signature.
        if lifecycle::check(db, &i, Some(user.id), &action)
            .await
            .is_ok()
        {
            allowed.push(name.to_string());
        }
    }
    // Who an admin may hand it to: the coaches of its neighbourhood the
    // lifecycle accepts (off the team, not the coach it has).
    let mut coach_choices = Vec::new();
    if user.role == Role::Admin {
        if let Some(n) = i.neighbourhood_id {
            let linked: Vec<i64> = coach_neighbourhoods::Entity::find()
                .filter(coach_neighbourhoods::Column::NeighbourhoodId.eq(n))
                .all(db)
                .await?
                .into_iter()
                .map(|c| c.coach_id)
                .collect();
            let people = users::Entity::find()
                .filter(users::Column::Id.is_in(linked))
                .order_by_asc(users::Column::DisplayName)
                .all(db)
                .await?;
            for p in people {
                if lifecycle::check(db, &i, Some(user.id), &Action::Reassign { to: p.id })
                    .await
                    .is_ok()
                {
                    coach_choices.push((p.id, p.display_name));
                }
            }
        }
        if !coach_choices.is_empty() {
            allowed.push("reassign".to_string());
        }
    }
    let cosign_waiting_days = (i.state == State::AwaitingCosign.as_str())
        .then(|| days_between(i.decided_at.unwrap_or(i.updated_at), now()));
    let parts = super::propose::Parts::load(db, id).await?;
    let neighbourhood = match i.neighbourhood_id {
        Some(n) => neighbourhoods::Entity::find_by_id(n)
            .one(db)
            .await?
            .map(|n| n.name),
        None => None,
    };
    let fund_remaining_cents = match i.fund_id {
        Some(f) => Some(ledger::fund_figures(db, f).await?.remaining.0),
        None => None,
    };
    let attempts = payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(id))
        .order_by_asc(payouts::Column::Id)
        .all(db)
        .await?;
    let payout = attempts
        .iter()
        .find(|p| p.method == "bank" && p.state == "paid")
        .map(|p| {
            (
                p.reference.clone().unwrap_or_default(),
                p.transferred_on.map(|d| d.to_string()).unwrap_or_default(),
            )
        });
    let stripe_pending = attempts
        .iter()
        .any(|p| PayoutState::parse(&p.state).is_some_and(PayoutState::is_unsettled));
    let payouts = attempts
        .into_iter()
        .map(|p| crate::api::coach::PayoutLine {
            account: match (p.account_holder, p.account_masked) {
                (Some(holder), Some(masked)) => Some(format!("{holder}, {masked}")),
                (None, Some(masked)) => Some(masked),
                _ => None,
            },
            reference: p.stripe_transfer_id.or(p.reference).unwrap_or_default(),
            method: p.method,
            state: p.state,
            cents: p.cents,
            failure: p.failure_reason,
        })
        .collect();
    let account_ready = users::Entity::find_by_id(i.initiator_id)
        .one(db)
        .await?
        .is_some_and(|u| u.stripe_account_id.is_some() && u.stripe_payouts_enabled);
    // What each kind of payout would move now (zero where it is not allowed).
    let amounts = |step: Result<crate::domain::Transition, ServiceError>| match step
        .ok()
        .and_then(|t| t.money)
    {
        Some(MoneyEffect::PayOut { grant, gifts }) => ((grant + gifts).0, gifts.0),
        _ => (0, 0),
    };
    let (payout_cents, payout_gift_cents) =
        amounts(lifecycle::check(db, &i, Some(user.id), &Action::PayOut).await);
    let (top_up_cents, top_up_gift_cents) =
        amounts(lifecycle::check(db, &i, Some(user.id), &Action::TopUp).await);
    Ok(CoachView {
        id,
        title: i.title,
        kind: i.kind,
        state: i.state,
        description: i.description,
        beneficiaries: i.beneficiaries,
        participants: i.participants_expected.map(i64::from),
        neighbourhood: neighbourhood.unwrap_or_default(),
        starts_on: i.starts_on.map(|d| d.to_string()),
        ends_on: i.ends_on.map(|d| d.to_string()),
        initiator_name: names.get(&i.initiator_id).cloned().unwrap_or_default(),
        coach_name: i.coach_id.and_then(|c| names.get(&c).cloned()),
        approver_name: i.approved_by.and_then(|c| names.get(&c).cloned()),
        own_input: i.own_input.unwrap_or_default(),
        strength: parts.strength,
        budget: parts.budget,
        own_contribution_cents: i.own_contribution_cents,
        amount_asked_cents: i.amount_asked_cents,
        amount_approved_cents: i.amount_approved_cents,
        approval_conditions: i.approval_conditions,
        photos: parts.photos,
        timeline: history.timeline(),
        messages: history.messages(),
        allowed,
        coach_choices,
        cosign_waiting_days,
        cosign_late: cosign_waiting_days.is_some_and(|d| d > cosign_flag_days),
        cosign_flag_days,
        mandate_cents: mandate(db, user).await?,
        fund_remaining_cents,
        payout,
        payouts,
        payout_cents,
        payout_gift_cents,
        top_up_cents,
        top_up_gift_cents,
        stripe_on: false,
        account_ready,
        stripe_pending,
        today: chrono::Utc::now().date_naive().to_string(),
        bank_account_masked: super::bank_accounts::masked(db, id).await?,
        payout_account: None,
    })
}

/// Why a step was not taken.
#[derive(Debug)]
pub enum StepError {
    /// A problem to show next to a field: (field, message code).
    Field(&'static str, &'static str),
    Service(ServiceError),
}

impl From<ServiceError> for StepError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Ledger(LedgerError::FundExhausted { .. }) => {
                StepError::Field("amount", "fund_exhausted")
            }
            ServiceError::Transition(TransitionError::InvalidAmount) => {
                StepError::Field("amount", "amount_above_asked")
            }
            ServiceError::Invalid { field, message } if message == "payout_unknown_cancel" => {
                StepError::Field(field, "payout_unknown_cancel")
            }
            ServiceError::Transition(TransitionError::NewCoachOnTeam) => {
                StepError::Field("coach_id", "coach_on_team")
            }
            ServiceError::Transition(TransitionError::NotNeighbourhoodCoach) => {
                StepError::Field("coach_id", "coach_not_of_neighbourhood")
            }
            ServiceError::Transition(TransitionError::SameCoach) => {
                StepError::Field("coach_id", "coach_same")
            }
            other => StepError::Service(other),
        }
    }
}

/// Takes a step on an initiative as `user`, and tells the other party.
///
/// # Errors
/// [`StepError::Field`] for an amount that does not fit or an exhausted
/// fund; otherwise the refused transition (403/409), not found, a database error.
pub async fn step(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
    reason: Option<String>,
) -> Result<(), StepError> {
    require_staff(user)?;
    let i = initiatives::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(ServiceError::from)?
        .ok_or(ServiceError::NotFound)?;
    if !may_see(&state.db, user, &i).await? {
        return Err(ServiceError::NotFound.into());
    }
    notify::perform(state, id, Some(user.id), action, reason).await?;
    Ok(())
}

/// Records a manual payout (bank transfer) to the bank account the resident
/// entered — `account_revision` is the version of it the payout form showed
/// — and tells the resident.
///
/// # Errors
/// The refused transition (403/409), not found, [`ServiceError::Invalid`]
/// on `account` when no account was entered or it changed since the form
/// was shown, a database error.
pub async fn pay_out(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    reference: String,
    transferred_on: chrono::NaiveDate,
    account_revision: Option<i64>,
) -> Result<(), ServiceError> {
    let transfer = (reference, transferred_on);
    pay_by_bank(state, user, id, Action::PayOut, transfer, account_revision).await
}

/// Records a top-up paid by bank transfer (what arrived after the payout,
/// to the account the resident entered now) and tells the resident.
///
/// # Errors
/// The refused step ([`TransitionError::InvalidAmount`]: nothing to top
/// up), no account (`account`), not found, a database error.
pub async fn top_up_by_bank(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    reference: String,
    transferred_on: chrono::NaiveDate,
) -> Result<(), ServiceError> {
    let transfer = (reference, transferred_on);
    pay_by_bank(state, user, id, Action::TopUp, transfer, None).await
}

/// A bank transfer of `action` (`PayOut` or `TopUp`), with its reference
/// and date, to the account the resident entered (`account_revision`: the
/// version the form showed, if it said).
async fn pay_by_bank(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
    (reference, transferred_on): (String, chrono::NaiveDate),
    account_revision: Option<i64>,
) -> Result<(), ServiceError> {
    let initiative = staff_initiative(state, user, id).await?;
    if super::payments::unsettled_payout(&state.db, id)
        .await?
        .is_some()
    {
        // Its outcome is unknown: a bank transfer now could pay twice.
        return Err(ServiceError::Invalid {
            field: "reference",
            message: "stripe_payout_pending".into(),
        });
    }
    // Who may not pay out learns nothing about the account.
    lifecycle::check(&state.db, &initiative, Some(user.id), &action).await?;
    let account =
        super::bank_accounts::copy_for_payout(&state.db, &state.sealing, id, account_revision)
            .await?;
    let what = action.name();
    lifecycle::pay_manually(
        &state.db,
        id,
        user.id,
        action,
        lifecycle::ManualPayout {
            reference: reference.clone(),
            transferred_on,
            account,
        },
    )
    .await?;
    if let Err(e) = notify::tell(state, id, Some(user.id), what, Some(&reference)).await {
        tracing::error!(error = %e, "payout notification failed");
    }
    Ok(())
}

/// Tops up through Stripe (see [`super::payments::top_up`]) for a coach or
/// admin who may see the initiative.
///
/// # Errors
/// As [`super::payments::top_up`]; not found for anyone else.
pub async fn top_up_with_stripe(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<super::payments::PayoutOutcome, ServiceError> {
    staff_initiative(state, user, id).await?;
    super::payments::top_up(state, user.id, id).await
}

/// Pays out through Stripe (see [`super::payments::pay_out`]) for a coach
/// or admin who may see the initiative.
///
/// # Errors
/// As [`super::payments::pay_out`]; not found for anyone else.
pub async fn pay_out_with_stripe(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<super::payments::PayoutOutcome, ServiceError> {
    staff_initiative(state, user, id).await?;
    super::payments::pay_out(state, user.id, id).await
}

/// Checks a Stripe payout whose outcome is unknown (see
/// [`super::payments::check_payout`]) for a coach or admin who may see the
/// initiative.
///
/// # Errors
/// As [`super::payments::check_payout`]; not found for anyone else.
pub async fn check_stripe_payout(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<super::payments::PayoutOutcome, ServiceError> {
    staff_initiative(state, user, id).await?;
    super::payments::check_payout(state, user.id, id).await
}

/// Initiative `id` for a coach or admin who may see it; not found for anyone else.
async fn staff_initiative(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<initiatives::Model, ServiceError> {
    require_staff(user)?;
    let i = initiatives::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if may_see(&state.db, user, &i).await? {
        Ok(i)
    } else {
        Err(ServiceError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_days() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [1, 2, 3, 10]), Some(2.5));
    }
}
