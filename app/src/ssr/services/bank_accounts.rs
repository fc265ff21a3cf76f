//! The bank account a grant is paid to, one per initiative, entered by its
//! initiator from submission on.
//!
//! The holder and the IBAN are stored sealed (see [`crate::ssr::sealing`]),
//! bound to their initiative; next to them only the masked IBAN, which may
//! be shown anywhere. The full IBAN is opened in three places only: on the
//! payout form of the coach or admin who may pay out now, in its owner's data
//! export, and when a bank payout is recorded (to copy the holder onto the
//! payout). The first two are written to the audit log (the event log) as
//! `bank_account_viewed`; every change is logged as `bank_account_set` or
//! `bank_account_changed`, and one after the approval is told to the coach.
//!
//! Erasing an account removes its bank accounts; what stays is the masked
//! copy with the holder on payout records, which the bookkeeping needs. The
//! retention period (a setting) then ends both: [`purge_expired`] removes the
//! bank accounts of initiatives closed longer ago and the copies on payouts
//! older than that. The server runs it at start and once a day.

use super::now;
use crate::api::bank::{OwnBankAccount, PayoutAccount};
use crate::domain::bank_account::BankAccount;
pub use crate::domain::bank_account::{AUDIT_ONLY, CHANGED, SET, VIEWED};
use crate::domain::{Action, State, TransitionError};
use crate::ssr::entities::{bank_accounts, events, initiatives, payouts};
use crate::ssr::error::ServiceError;
use crate::ssr::sealing::SealingKey;
use crate::ssr::session::CurrentUser;
use crate::ssr::AppState;
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};

/// The states in which the initiator may enter or change the account: from
/// submission until the report is accepted (a top-up payout can still follow).
pub const EDITABLE: [State; 7] = [
    State::Submitted,
    State::InReview,
    State::ChangesRequested,
    State::AwaitingCosign,
    State::Approved,
    State::Funded,
    State::Reporting,
];

/// The states after the approval, in which a change is told to the coach.
const APPROVED: [State; 3] = [State::Approved, State::Funded, State::Reporting];

/// The states in which an initiative is closed: its retention period runs.
const CLOSED: [State; 4] = [
    State::Completed,
    State::Cancelled,
    State::Rejected,
    State::Withdrawn,
];

/// What is sealed: the holder and the IBAN (electronic form).
#[derive(Serialize, Deserialize)]
struct Sealed {
    holder: String,
    iban: String,
}

/// The associated data that binds a sealed account to its initiative.
fn context(initiative_id: i64) -> String {
    format!("bank_account:{initiative_id}")
}

fn unreadable(initiative_id: i64, e: &impl std::fmt::Display) -> ServiceError {
    tracing::error!(initiative_id, error = %e, "a bank account cannot be opened");
    ServiceError::Invalid {
        field: "account",
        message: "bank_account_unreadable".into(),
    }
}

/// Opens a stored account.
fn open(key: &SealingKey, row: &bank_accounts::Model) -> Result<Sealed, ServiceError> {
    let bytes = key
        .open(&row.sealed, &context(row.initiative_id))
        .map_err(|e| unreadable(row.initiative_id, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| unreadable(row.initiative_id, &e))
}

async fn find<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<Option<bank_accounts::Model>, ServiceError> {
    Ok(bank_accounts::Entity::find()
        .filter(bank_accounts::Column::InitiativeId.eq(initiative_id))
        .one(db)
        .await?)
}

/// Writes one line to the audit log (never the IBAN itself).
async fn log<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
    actor_id: i64,
    action: &str,
    reason: Option<String>,
) -> Result<(), ServiceError> {
    events::Entity::insert(events::ActiveModel {
        initiative_id: Set(initiative.id),
        actor_id: Set(Some(actor_id)),
        action: Set(action.to_string()),
        from_state: Set(Some(initiative.state.clone())),
        to_state: Set(initiative.state.clone()),
        amount_cents: Set(None),
        reason: Set(reason),
        at: Set(now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn state_of(initiative: &initiatives::Model) -> Option<State> {
    State::parse(&initiative.state)
}

/// The bank account part of `/me/initiatives/:id` for `user_id`: only its
/// initiator sees it (co-initiators and everyone else: `None`), from submission on.
///
/// # Errors
/// A database error, or an account that cannot be opened.
pub async fn for_owner(
    state: &AppState,
    user_id: i64,
    initiative_id: i64,
) -> Result<Option<OwnBankAccount>, ServiceError> {
    let Some(initiative) = initiatives::Entity::find_by_id(initiative_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if initiative.initiator_id != user_id || initiative.state == State::Draft.as_str() {
        return Ok(None);
    }
    let may_edit = state_of(&initiative).is_some_and(|s| EDITABLE.contains(&s));
    let Some(row) = find(&state.db, initiative_id).await? else {
        // Nothing to show once it can no longer be entered.
        return Ok(may_edit.then(|| OwnBankAccount {
            may_edit,
            ..OwnBankAccount::default()
        }));
    };
    let holder = match open(&state.sealing, &row) {
        Ok(sealed) => Some(sealed.holder),
        // Shown as not readable: entering it again fixes it.
        Err(_) => None,
    };
    Ok(Some(OwnBankAccount {
        may_edit,
        holder,
        masked: Some(row.masked),
    }))
}

/// Enters or changes the bank account of initiative `initiative_id` for its
/// initiator `user_id`, logs it, and — after the approval — tells the coach.
///
/// # Errors
/// [`ServiceError::NotFound`] for anyone who is not on the initiative's team
/// (nobody learns it exists); [`TransitionError::Forbidden`] for a
/// co-initiator or outside [`EDITABLE`]; [`ServiceError::Conflict`] when a
/// change raced another one; a database error. On any error nothing is stored.
pub async fn save(
    state: &AppState,
    user_id: i64,
    initiative_id: i64,
    account: &BankAccount,
) -> Result<(), ServiceError> {
    let txn = state.db.begin().await?;
    let initiative = initiatives::Entity::find_by_id(initiative_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if initiative.initiator_id != user_id {
        let team = super::lifecycle::co_initiator_ids(&txn, initiative_id).await?;
        return Err(if team.contains(&user_id) {
            TransitionError::Forbidden.into()
        } else {
            ServiceError::NotFound
        });
    }
    let current = state_of(&initiative);
    if !current.is_some_and(|s| EDITABLE.contains(&s)) {
        return Err(TransitionError::Forbidden.into());
    }
    let plain = serde_json::to_vec(&Sealed {
        holder: account.holder().to_string(),
        iban: account.iban().to_string(),
    })
    .map_err(|e| ServiceError::Invalid {
        field: "iban",
        message: e.to_string(),
    })?;
    let sealed = state
        .sealing
        .seal(&plain, &context(initiative_id))
        .map_err(|e| ServiceError::Invalid {
            field: "iban",
            message: e.to_string(),
        })?;
    let masked = account.masked();
    let at = now();
    let action = match find(&txn, initiative_id).await? {
        Some(old) => {
            // Guarded by the revision read: of two changes racing, one wins.
            let done = bank_accounts::Entity::update_many()
                .col_expr(bank_accounts::Column::Sealed, Expr::value(sealed))
                .col_expr(bank_accounts::Column::Masked, Expr::value(masked.clone()))
                .col_expr(bank_accounts::Column::UserId, Expr::value(user_id))
                .col_expr(
                    bank_accounts::Column::Revision,
                    Expr::value(old.revision + 1),
                )
                .col_expr(bank_accounts::Column::UpdatedAt, Expr::value(at))
                .filter(bank_accounts::Column::Id.eq(old.id))
                .filter(bank_accounts::Column::Revision.eq(old.revision))
                .exec(&txn)
                .await?;
            if done.rows_affected != 1 {
                return Err(ServiceError::Conflict);
            }
            CHANGED
        }
        None => {
            let inserted = bank_accounts::Entity::insert(bank_accounts::ActiveModel {
                initiative_id: Set(initiative_id),
                user_id: Set(user_id),
                sealed: Set(sealed),
                masked: Set(masked.clone()),
                revision: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            })
            .exec_without_returning(&txn)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if crate::ssr::error::is_unique_violation(&e) => {
                    return Err(ServiceError::Conflict)
                }
                Err(e) => return Err(e.into()),
            }
            SET
        }
    };
    log(&txn, &initiative, user_id, action, Some(masked)).await?;
    txn.commit().await?;
    if current.is_some_and(|s| APPROVED.contains(&s)) {
        // The coach may be about to transfer: they must know the account changed.
        if let Err(e) = super::notify::tell_coach(state, initiative_id, action, None).await {
            tracing::error!(error = %e, initiative_id, "bank account notification failed");
        }
    }
    Ok(())
}

/// The full account for the payout form of `user`, who may pay out
/// initiative `initiative_id` now; the view is written to the audit log
/// before anything is shown. `None` when no account was entered, or when
/// `user` may not pay out.
///
/// # Errors
/// A database error (then nothing is shown), or an account that cannot be opened.
pub async fn reveal_for_payout(
    state: &AppState,
    user: &CurrentUser,
    initiative_id: i64,
) -> Result<Option<PayoutAccount>, ServiceError> {
    let Some(initiative) = initiatives::Entity::find_by_id(initiative_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // Who may pay it out now, or pay out a top-up after the payout.
    let may_pay = super::lifecycle::check(&state.db, &initiative, Some(user.id), &Action::PayOut)
        .await
        .is_ok()
        || super::lifecycle::check(&state.db, &initiative, Some(user.id), &Action::TopUp)
            .await
            .is_ok();
    if !may_pay {
        return Ok(None);
    }
    let Some(row) = find(&state.db, initiative_id).await? else {
        return Ok(None);
    };
    let sealed = open(&state.sealing, &row)?;
    log(
        &state.db,
        &initiative,
        user.id,
        VIEWED,
        Some(row.masked.clone()),
    )
    .await?;
    let printed = BankAccount::parse(&sealed.holder, &sealed.iban)
        .map(|a| a.iban_printed())
        .unwrap_or(sealed.iban);
    Ok(Some(PayoutAccount {
        holder: sealed.holder,
        iban: printed,
        revision: row.revision,
    }))
}

/// What a bank payout records about the account it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCopy {
    pub revision: i64,
    pub masked: String,
    pub holder: String,
}

/// The account a bank payout of `initiative_id` goes to, as the payout
/// records it; `shown` is the revision the payout form showed.
///
/// # Errors
/// [`ServiceError::Invalid`] on the field `account`: `bank_account_missing`
/// (nothing entered), `bank_account_changed` (changed since the form was
/// shown), `bank_account_unreadable`; or a database error.
pub async fn copy_for_payout<C: ConnectionTrait>(
    db: &C,
    key: &SealingKey,
    initiative_id: i64,
    shown: Option<i64>,
) -> Result<AccountCopy, ServiceError> {
    let row = find(db, initiative_id)
        .await?
        .ok_or_else(|| ServiceError::Invalid {
            field: "account",
            message: "bank_account_missing".into(),
        })?;
    if shown.is_some_and(|r| r != row.revision) {
        return Err(ServiceError::Invalid {
            field: "account",
            message: "bank_account_changed".into(),
        });
    }
    let sealed = open(key, &row)?;
    Ok(AccountCopy {
        revision: row.revision,
        masked: row.masked,
        holder: sealed.holder,
    })
}

/// Whether the account of `initiative_id` is still at `revision` (inside
/// the payout's transaction).
///
/// # Errors
/// As [`copy_for_payout`].
pub async fn still_at<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
    revision: i64,
) -> Result<(), ServiceError> {
    match find(db, initiative_id).await? {
        None => Err(ServiceError::Invalid {
            field: "account",
            message: "bank_account_missing".into(),
        }),
        Some(row) if row.revision != revision => Err(ServiceError::Invalid {
            field: "account",
            message: "bank_account_changed".into(),
        }),
        Some(_) => Ok(()),
    }
}

/// The masked IBAN of `initiative_id`'s account, if one was entered.
///
/// # Errors
/// A database error.
pub async fn masked<C: ConnectionTrait>(
    db: &C,
    initiative_id: i64,
) -> Result<Option<String>, ServiceError> {
    Ok(find(db, initiative_id).await?.map(|r| r.masked))
}

/// Removes every bank account `user_id` entered or that belongs to an
/// initiative they started (account erasure), inside the caller's
/// transaction. The masked copies on payout records stay.
///
/// # Errors
/// A database error.
pub async fn erase_for_user<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<u64, ServiceError> {
    let done = bank_accounts::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(bank_accounts::Column::UserId.eq(user_id))
                .add(
                    bank_accounts::Column::InitiativeId.in_subquery(
                        Query::select()
                            .column(initiatives::Column::Id)
                            .from(initiatives::Entity)
                            .and_where(initiatives::Column::InitiatorId.eq(user_id))
                            .to_owned(),
                    ),
                ),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The bank accounts of `user_id`'s initiatives in full, for their data
/// export; each is written to the audit log as viewed.
///
/// # Errors
/// A database error, or an account that cannot be opened.
pub async fn export_for_user(
    db: &DatabaseConnection,
    key: &SealingKey,
    user_id: i64,
) -> Result<Vec<serde_json::Value>, ServiceError> {
    let rows = bank_accounts::Entity::find()
        .filter(bank_accounts::Column::UserId.eq(user_id))
        .order_by_asc(bank_accounts::Column::InitiativeId)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let sealed = open(key, &row)?;
        if let Some(initiative) = initiatives::Entity::find_by_id(row.initiative_id)
            .one(db)
            .await?
        {
            log(db, &initiative, user_id, VIEWED, Some(row.masked.clone())).await?;
        }
        out.push(serde_json::json!({
            "initiative_id": row.initiative_id,
            "holder": sealed.holder,
            "iban": sealed.iban,
            "entered_at": row.created_at.to_rfc3339(),
            "changed_at": row.updated_at.to_rfc3339(),
        }));
    }
    Ok(out)
}

/// What [`purge_expired`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Bank accounts of initiatives closed before the retention period.
    pub accounts: u64,
    /// Payout records whose account copy was cleared.
    pub payout_copies: u64,
}

/// Ends the retention period: removes the bank accounts of initiatives that
/// were closed (completed, cancelled, rejected, withdrawn) more than
/// `retention_days` before `at`, and clears the account copy (masked IBAN
/// and holder) of payouts recorded before then.
///
/// # Errors
/// A database error.
pub async fn purge_expired(
    db: &DatabaseConnection,
    retention_days: i64,
    at: DateTimeWithTimeZone,
) -> Result<Purged, ServiceError> {
    let cutoff = at - chrono::Duration::days(retention_days.max(0));
    let closed = CLOSED.map(State::as_str);
    // Closed, and nothing happened to it since the cutoff.
    let expired: Vec<i64> = initiatives::Entity::find()
        .filter(initiatives::Column::State.is_in(closed))
        .filter(
            initiatives::Column::Id.in_subquery(
                Query::select()
                    .column(bank_accounts::Column::InitiativeId)
                    .from(bank_accounts::Entity)
                    .to_owned(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut purged = Purged::default();
    for id in expired {
        let last = events::Entity::find()
            .filter(events::Column::InitiativeId.eq(id))
            .filter(events::Column::Action.is_not_in(AUDIT_ONLY))
            .order_by_desc(events::Column::At)
            .one(db)
            .await?
            .map(|e| e.at);
        if last.is_some_and(|last| last < cutoff) {
            purged.accounts += bank_accounts::Entity::delete_many()
                .filter(bank_accounts::Column::InitiativeId.eq(id))
                .exec(db)
                .await?
                .rows_affected;
        }
    }
    purged.payout_copies = payouts::Entity::update_many()
        .col_expr(
            payouts::Column::AccountMasked,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            payouts::Column::AccountHolder,
            Expr::value(Option::<String>::None),
        )
        .filter(payouts::Column::CreatedAt.lt(cutoff))
        .filter(
            sea_orm::Condition::any()
                .add(payouts::Column::AccountMasked.is_not_null())
                .add(payouts::Column::AccountHolder.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected;
    if purged != Purged::default() {
        tracing::info!(
            accounts = purged.accounts,
            payout_copies = purged.payout_copies,
            retention_days,
            "bank accounts past their retention period purged"
        );
    }
    Ok(purged)
}
