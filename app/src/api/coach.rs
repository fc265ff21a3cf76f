//! The neighbourhood coach's side: the queue, one initiative with
//! everything needed to decide, the decisions themselves (within the
//! mandate, or waiting for a co-signature above it), the manual payout, and
//! the budgets. Admins see and may do what coaches do, and co-sign.

use super::forms::FormFeedback;
use super::me::{MessageItem, TimelineItem};
use super::propose::{BudgetLine, PhotoItem, StrengthLine};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest reason or condition.
pub const REASON_MAX: usize = 2_000;
/// The longest bank reference.
pub const REFERENCE_MAX: usize = 100;

/// One line of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: i64,
    pub title: String,
    pub neighbourhood: String,
    pub state: String,
    pub amount_asked_cents: i64,
    pub amount_approved_cents: Option<i64>,
    /// Whole days since it was submitted (or last changed state).
    pub days_waiting: i64,
    /// Past the target of the queue.
    pub overdue: bool,
    pub coach_name: Option<String>,
    /// Whole days it has waited for a second signature (only while it does).
    pub cosign_days: Option<i64>,
    /// Waiting for a second signature longer than the setting allows.
    pub cosign_late: bool,
}

/// Budget, committed, paid and remaining of a fund, with its neighbourhoods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundBudget {
    pub fund_id: i64,
    pub name: String,
    /// ISO dates.
    pub period_start: String,
    pub period_end: String,
    pub budget_cents: i64,
    pub committed_cents: i64,
    pub paid_cents: i64,
    pub remaining_cents: i64,
    pub max_grant_cents: i64,
    /// Initiatives per state (state, count).
    pub per_state: Vec<(String, i64)>,
    /// Median whole days from submission to decision, when any were decided.
    pub median_days_to_decision: Option<f64>,
    pub neighbourhoods: Vec<NeighbourhoodBudget>,
}

/// What a neighbourhood drew from a fund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighbourhoodBudget {
    pub name: String,
    pub committed_cents: i64,
    pub paid_cents: i64,
    pub initiatives: i64,
    pub median_days_to_decision: Option<f64>,
}

/// The coach's page: what waits for a coach, what is mine, what waits for
/// my co-signature, and the budgets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    /// The first page of each part; the totals count all of it.
    pub waiting: Vec<QueueItem>,
    pub mine: Vec<QueueItem>,
    pub cosign: Vec<QueueItem>,
    pub waiting_total: u64,
    pub mine_total: u64,
    pub cosign_total: u64,
    pub target_days: i64,
    /// Days a co-signature may wait before it is flagged.
    pub cosign_flag_days: i64,
    /// The largest grant I may approve alone (admins: none, they co-sign).
    pub mandate_cents: Option<i64>,
    pub budgets: Vec<FundBudget>,
}

/// One initiative as a coach (or co-signer) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachView {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub description: String,
    pub beneficiaries: String,
    pub participants: Option<i64>,
    pub neighbourhood: String,
    /// ISO dates.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub initiator_name: String,
    pub coach_name: Option<String>,
    pub approver_name: Option<String>,
    pub own_input: String,
    pub strength: Vec<StrengthLine>,
    pub budget: Vec<BudgetLine>,
    pub own_contribution_cents: i64,
    pub amount_asked_cents: i64,
    pub amount_approved_cents: Option<i64>,
    pub approval_conditions: Option<String>,
    pub photos: Vec<PhotoItem>,
    pub timeline: Vec<TimelineItem>,
    pub messages: Vec<MessageItem>,
    /// What I may do now: `claim`, `message`, `ask_changes`, `approve`,
    /// `reject`, `co_sign`, `decline_cosign`, `cosign_question`, `release`,
    /// `reassign`, `pay_out`, `cancel`.
    pub allowed: Vec<String>,
    /// The coaches an admin may hand the initiative to: (id, name).
    pub coach_choices: Vec<(i64, String)>,
    /// Whole days it has waited for a second signature (only while it does).
    pub cosign_waiting_days: Option<i64>,
    /// Waiting for a second signature longer than `cosign_flag_days`.
    pub cosign_late: bool,
    pub cosign_flag_days: i64,
    pub mandate_cents: Option<i64>,
    pub fund_remaining_cents: Option<i64>,
    /// The bank payout, once recorded: (reference, ISO date).
    pub payout: Option<(String, String)>,
    /// Every payout attempt, oldest first.
    pub payouts: Vec<PayoutLine>,
    /// What a payout pays now: the grant and what the fund added to match gifts.
    /// What a payout would transfer now: grant, match and gifts.
    pub payout_cents: i64,
    /// Of that, neighbours' gifts.
    pub payout_gift_cents: i64,
    /// What a top-up would transfer now (after the payout), and its gifts.
    pub top_up_cents: i64,
    pub top_up_gift_cents: i64,
    /// Online payments are set up on this server.
    pub stripe_on: bool,
    /// The initiator's payout account can receive transfers.
    pub account_ready: bool,
    /// A Stripe payout's outcome is not known yet (try again: it never pays twice).
    pub stripe_pending: bool,
    /// Today on the server (ISO date): the default payout date. The browser
    /// has no clock the app may rely on.
    pub today: String,
    /// The masked IBAN of the account the resident entered for the payout.
    #[serde(default)]
    pub bank_account_masked: Option<String>,
    /// The full account to transfer to: only for whoever may pay out now,
    /// and every time it is shown it is written to the audit log.
    #[serde(default)]
    pub payout_account: Option<super::bank::PayoutAccount>,
}

/// One payout attempt as the coach sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutLine {
    /// `stripe` or `bank`
    pub method: String,
    /// `pending`, `paid`, `failed`, `reversed`
    pub state: String,
    pub cents: i64,
    /// The Stripe transfer or the bank reference.
    pub reference: String,
    pub failure: Option<String>,
    /// A bank payout's account: the holder and the masked IBAN.
    #[serde(default)]
    pub account: Option<String>,
}

/// The coach's queue. Residents get 403, visitors go to sign in.
#[server(prefix = "/sf", endpoint = "coach_queue", input = server_fn::codec::GetUrl)]
pub async fn coach_queue() -> Result<Queue, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in("/coach").await?;
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::coach::queue(
        &state.db,
        &user,
        state.queue_target_days,
        state.cosign_flag_days,
    )
    .await
    .map_err(|e| e.into_server_error())
}

/// One initiative for its coaches and admins; anyone else gets 404.
#[server(prefix = "/sf", endpoint = "coach_initiative", input = server_fn::codec::GetUrl)]
pub async fn coach_initiative(id: i64) -> Result<CoachView, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in(&format!("/coach/initiatives/{id}")).await?;
    let state = crate::ssr::serverfn::state()?;
    let mut view =
        crate::ssr::services::coach::detail(&state.db, &user, id, state.cosign_flag_days)
            .await
            .map_err(|e| e.into_server_error())?;
    view.stripe_on = state.stripe.is_some();
    // The full account only on the payout (or top-up) form: while a Stripe payout's
    // outcome is unknown no bank payout can be made, so nothing is opened.
    let pays = view.allowed.iter().any(|a| a == "pay_out" || a == "top_up");
    if pays && !view.stripe_pending {
        view.payout_account =
            crate::ssr::services::bank_accounts::reveal_for_payout(&state, &user, id)
                .await
                .map_err(|e| e.into_server_error())?;
        if view.payout_account.is_some() {
            // A page or answer with a full IBAN is kept by no cache.
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.insert_header(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-store"),
                );
            }
        }
    }
    Ok(view)
}

/// A decision or step on an initiative: `claim`, `release`, `ask_changes`,
/// `approve` (with `amount`, optional conditions in `reason`), `reject`,
/// `co_sign`, `decline_cosign`, `cosign_question`, `reassign` (with
/// `coach_id`), `cancel`. Asking for changes, rejecting and cancelling need
/// a reason the resident sees; declining a co-signature a reason and a
/// question its text, which the approving coach reads.
#[server(prefix = "/sf", endpoint = "coach_step")]
pub async fn coach_step(
    csrf_token: String,
    id: i64,
    step: String,
    amount: Option<String>,
    reason: Option<String>,
    coach_id: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use crate::domain::{Action, Cents};
    use crate::ssr::services::coach::StepError;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/coach/initiatives/{id}");
    let user = crate::ssr::serverfn::signed_in(&back).await?;
    let state = crate::ssr::serverfn::state()?;
    let reason = reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let form = format!("step_{step}");
    let mut feedback = FormFeedback::new(&form)
        .with_value("reason", reason.as_deref().unwrap_or_default())
        .with_value("amount", amount.as_deref().unwrap_or_default())
        .with_value("coach_id", coach_id.as_deref().unwrap_or_default());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > REASON_MAX)
    {
        feedback = feedback.with_error("reason", "reason_too_long");
    }
    let action = match step.as_str() {
        "claim" => Some(Action::Claim),
        "ask_changes" | "reject" => {
            if reason.is_none() {
                feedback = feedback.with_error("reason", "reason_missing");
            }
            Some(if step == "reject" {
                Action::Reject
            } else {
                Action::AskChanges
            })
        }
        "approve" => match Cents::parse_euros(amount.as_deref().unwrap_or_default()) {
            Ok(c) if c.0 > 0 => Some(Action::Approve { amount: c }),
            _ => {
                feedback = feedback.with_error("amount", "amount_invalid");
                None
            }
        },
        "co_sign" => Some(Action::CoSign),
        "release" => Some(Action::Release),
        "decline_cosign" | "cosign_question" => {
            if reason.is_none() {
                let code = if step == "decline_cosign" {
                    "decline_reason_missing"
                } else {
                    "question_missing"
                };
                feedback = feedback.with_error("reason", code);
            }
            Some(if step == "decline_cosign" {
                Action::DeclineCosign
            } else {
                Action::AskCosignQuestion
            })
        }
        "reassign" => match coach_id
            .as_deref()
            .map(str::trim)
            .and_then(|c| c.parse().ok())
        {
            Some(to) => Some(Action::Reassign { to }),
            None => {
                feedback = feedback.with_error("coach_id", "coach_missing");
                None
            }
        },
        "cancel" => {
            if reason.is_none() {
                feedback = feedback.with_error("reason", "reason_missing");
            }
            Some(Action::Cancel)
        }
        _ => None,
    };
    let Some(action) = action.filter(|_| feedback.is_ok()) else {
        if feedback.is_ok() {
            return Err(crate::ssr::error::ServiceError::NotFound.into_server_error());
        }
        return Ok(crate::ssr::serverfn::refuse(feedback, &back));
    };
    // Between the co-signer and the approving coach: the coach is told, not the resident.
    let notice = if matches!(action, Action::DeclineCosign | Action::AskCosignQuestion) {
        "coach_told"
    } else {
        "step_done"
    };
    match crate::ssr::services::coach::step(&state, &user, id, action, reason).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{back}?notice={notice}"));
            Ok(FormFeedback::new(&form))
        }
        Err(StepError::Field(field, code)) => Ok(crate::ssr::serverfn::refuse(
            feedback.with_error(field, code),
            &back,
        )),
        Err(StepError::Service(e)) => Err(e.into_server_error()),
    }
}

/// Records a payout by bank transfer (reference and date) to the account the
/// resident entered (`account_revision`: the version the form showed): the
/// initiative is funded.
#[server(prefix = "/sf", endpoint = "record_payout")]
pub async fn record_payout(
    csrf_token: String,
    id: i64,
    reference: String,
    transferred_on: String,
    account_revision: Option<i64>,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    record_bank_transfer(
        id,
        reference,
        transferred_on,
        BankTransfer::Payout(account_revision),
    )
    .await
}

/// Records a top-up by bank transfer (reference and date): what arrived
/// after the payout — gifts, their match — paid out too.
#[server(prefix = "/sf", endpoint = "record_top_up")]
pub async fn record_top_up(
    csrf_token: String,
    id: i64,
    reference: String,
    transferred_on: String,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    record_bank_transfer(id, reference, transferred_on, BankTransfer::TopUp).await
}

/// Which bank transfer a coach records.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
enum BankTransfer {
    /// The grant's payout, to the account revision the form showed.
    Payout(Option<i64>),
    TopUp,
}

#[cfg(feature = "ssr")]
async fn record_bank_transfer(
    id: i64,
    reference: String,
    transferred_on: String,
    kind: BankTransfer,
) -> Result<FormFeedback, ServerFnError> {
    let form = match kind {
        BankTransfer::Payout(_) => "payout",
        BankTransfer::TopUp => "top_up",
    };
    let back = format!("/coach/initiatives/{id}");
    let user = crate::ssr::serverfn::signed_in(&back).await?;
    let state = crate::ssr::serverfn::state()?;
    let reference = reference.trim().to_string();
    let mut feedback = FormFeedback::new(form)
        .with_value("reference", &reference)
        .with_value("transferred_on", transferred_on.trim());
    if reference.is_empty() || reference.chars().count() > REFERENCE_MAX {
        feedback = feedback.with_error("reference", "reference_length");
    }
    let on = chrono::NaiveDate::parse_from_str(transferred_on.trim(), "%Y-%m-%d").ok();
    match on {
        None => feedback = feedback.with_error("transferred_on", "date_invalid"),
        Some(d) if d > chrono::Utc::now().date_naive() => {
            feedback = feedback.with_error("transferred_on", "date_in_future");
        }
        Some(_) => {}
    }
    let (Some(on), true) = (on, feedback.is_ok()) else {
        return Ok(crate::ssr::serverfn::refuse(feedback, &back));
    };
    let done = match kind {
        BankTransfer::Payout(account_revision) => {
            crate::ssr::services::coach::pay_out(&state, &user, id, reference, on, account_revision)
                .await
        }
        BankTransfer::TopUp => {
            crate::ssr::services::coach::top_up_by_bank(&state, &user, id, reference, on).await
        }
    };
    match done {
        Ok(()) => {}
        // A second click after the top-up went (or before any payout):
        // nothing to top up, and no form to show the message at, so the
        // page says it.
        Err(crate::ssr::error::ServiceError::Transition(
            crate::domain::TransitionError::InvalidAmount
            | crate::domain::TransitionError::WrongState(_),
        )) if matches!(kind, BankTransfer::TopUp) => {
            leptos_axum::redirect(&format!("{back}?payout=nothing"));
            return Ok(FormFeedback::new(form));
        }
        Err(crate::ssr::error::ServiceError::Invalid { field, message }) => {
            return Ok(crate::ssr::serverfn::refuse(
                feedback.with_error(field, &message),
                &back,
            ));
        }
        Err(e) => return Err(e.into_server_error()),
    }
    leptos_axum::redirect(&format!("{back}?notice=step_done"));
    Ok(FormFeedback::new(form))
}

/// Writes to the resident in the initiative's thread.
#[server(prefix = "/sf", endpoint = "coach_message")]
pub async fn coach_message(
    csrf_token: String,
    id: i64,
    body: String,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/coach/initiatives/{id}");
    let user = crate::ssr::serverfn::signed_in(&back).await?;
    let state = crate::ssr::serverfn::state()?;
    let body = body.trim().to_string();
    if body.is_empty() || body.chars().count() > super::me::MESSAGE_MAX {
        let feedback = FormFeedback::new("coach_message")
            .with_value("body", &body)
            .with_error("body", "message_length");
        return Ok(crate::ssr::serverfn::refuse(feedback, &back));
    }
    crate::ssr::services::me::send_message(&state.db, user.id, id, &body)
        .await
        .map_err(|e| e.into_server_error())?;
    if let Err(e) =
        crate::ssr::services::notify::tell(&state, id, Some(user.id), "message", None).await
    {
        tracing::error!(error = %e, "message notification failed");
    }
    leptos_axum::redirect(&format!("{back}#messages"));
    Ok(FormFeedback::new("coach_message"))
}
