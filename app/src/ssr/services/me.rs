//! A resident's view of their own initiatives.

use crate::api::me::{MessageItem, OwnInitiative, OwnInitiativeView, TimelineItem};
use crate::domain::{Action, State};
use crate::ssr::entities::{co_initiators, events, initiatives, messages, users};
use crate::ssr::error::ServiceError;
use crate::ssr::services::{lifecycle, now};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// The ids of initiatives `user_id` started or joined as co-initiator.
async fn mine(db: &DatabaseConnection, user_id: i64) -> Result<Vec<i64>, ServiceError> {
    let joined: Vec<i64> = co_initiators::Entity::find()
        .select_only()
        .column(co_initiators::Column::InitiativeId)
        .filter(co_initiators::Column::UserId.eq(user_id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let started: Vec<i64> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::Id)
        .filter(initiatives::Column::InitiatorId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(started.into_iter().chain(joined).collect())
}

async fn names(
    db: &DatabaseConnection,
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

fn summary(i: &initiatives::Model, names: &HashMap<i64, String>) -> OwnInitiative {
    OwnInitiative {
        id: i.id,
        title: i.title.clone(),
        state: i.state.clone(),
        coach_name: i.coach_id.and_then(|c| names.get(&c).cloned()),
        amount_asked_cents: i.amount_asked_cents,
        amount_approved_cents: i.amount_approved_cents,
        updated_on: i.updated_at.date_naive().to_string(),
    }
}

/// My initiatives, most recently changed first.
///
/// # Errors
/// A database error.
pub async fn list(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Vec<OwnInitiative>, ServiceError> {
    let ids = mine(db, user_id).await?;
    let rows = initiatives::Entity::find()
        .filter(initiatives::Column::Id.is_in(ids))
        .order_by_desc(initiatives::Column::UpdatedAt)
        .all(db)
        .await?;
    let names = names(db, rows.iter().filter_map(|r| r.coach_id).collect()).await?;
    Ok(rows.iter().map(|r| summary(r, &names)).collect())
}

/// One of my initiatives with its timeline and messages; anyone else's is "not found".
///
/// # Errors
/// [`ServiceError::NotFound`] when it is not mine, or a database error.
pub async fn detail(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
) -> Result<OwnInitiativeView, ServiceError> {
    if !mine(db, user_id).await?.contains(&id) {
        return Err(ServiceError::NotFound);
    }
    let initiative = initiatives::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut history = History::load(db, id, user_id).await?;
    let names = history.names_with(db, initiative.coach_id).await?;
    let can_message = initiative.state != "draft";
    let may = |action: Action| {
        let initiative = &initiative;
        async move {
            lifecycle::check(db, initiative, Some(user_id), &action)
                .await
                .is_ok()
        }
    };
    let can_edit = may(Action::Edit).await;
    let can_withdraw = may(Action::Withdraw).await;
    let payout_account = if initiative.initiator_id == user_id && initiative.state == "approved" {
        Some(
            match super::payments::account_status(db, user_id).await? {
                super::payments::AccountStatus::None => "none",
                super::payments::AccountStatus::Pending => "pending",
                super::payments::AccountStatus::Ready => "ready",
            }
            .to_string(),
        )
    } else {
        None
    };
    let payout_returned = initiative.state == "approved"
        && crate::ssr::entities::payouts::Entity::find()
            .filter(crate::ssr::entities::payouts::Column::InitiativeId.eq(initiative.id))
            .filter(crate::ssr::entities::payouts::Column::State.eq("reversed"))
            .one(db)
            .await?
            .is_some();
    let money = match State::parse(&initiative.state) {
        Some(state) if state.holds_grant() => {
            use crate::domain::ledger::AccountKey as A;
            let id = initiative.id;
            let of = |key| super::ledger::balance(db, key);
            let (held, gifts_paid) = (
                of(A::InitiativeCofunded(id)).await?,
                of(A::InitiativeGiftsPaid(id)).await?,
            );
            let (granted, paid) = (
                of(A::InitiativeGranted(id)).await?,
                of(A::InitiativePaid(id)).await?,
            );
            Some(crate::api::me::OwnMoney {
                gifts_cents: (held + gifts_paid).0,
                paid_cents: (paid + gifts_paid).0,
                // Before the payout all of it goes with the payout itself.
                still_to_pay_cents: if state == State::Approved {
                    0
                } else {
                    (granted + held).0
                },
            })
        }
        _ => None,
    };
    Ok(OwnInitiativeView {
        money,
        payout_account,
        stripe_on: false,
        payout_returned,
        bank_account: None,
        initiative: summary(&initiative, &names),
        timeline: history.team_timeline(),
        messages: history.messages(),
        can_message,
        can_edit,
        can_withdraw,
    })
}

/// An initiative's history (the event log) and its message thread, with
/// the names of everyone in them: what `/me` and the coach's page both show.
pub(crate) struct History {
    log: Vec<events::Model>,
    thread: Vec<messages::Model>,
    names: HashMap<i64, String>,
    viewer: i64,
}

impl History {
    /// Loads the log and thread of initiative `id`, as `viewer` reads them.
    pub(crate) async fn load(
        db: &DatabaseConnection,
        id: i64,
        viewer: i64,
    ) -> Result<History, ServiceError> {
        let log = events::Entity::find()
            .filter(events::Column::InitiativeId.eq(id))
            .order_by_asc(events::Column::Id)
            .all(db)
            .await?;
        let thread = messages::Entity::find()
            .filter(messages::Column::InitiativeId.eq(id))
            .order_by_asc(messages::Column::Id)
            .all(db)
            .await?;
        Ok(History {
            log,
            thread,
            names: HashMap::new(),
            viewer,
        })
    }

    /// Looks up the names of everyone in the history and of `others`; returns them too.
    pub(crate) async fn names_with(
        &mut self,
        db: &DatabaseConnection,
        others: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, String>, ServiceError> {
        let mut people: Vec<i64> = self.log.iter().filter_map(|e| e.actor_id).collect();
        people.extend(self.thread.iter().filter_map(|m| m.author_id));
        people.extend(others);
        self.names = names(db, people).await?;
        Ok(self.names.clone())
    }

    /// The lifecycle steps (edits, messages and the bank account's audit lines are not steps), as staff read them.
    pub(crate) fn timeline(&self) -> Vec<TimelineItem> {
        self.steps(false)
    }

    /// The lifecycle steps as the initiative's team reads them: what the
    /// co-signer and the coaches say to each other stays among them (a
    /// question to the approver is not listed; the reason of a declined
    /// co-signature, a released claim or a hand-over is not shown).
    pub(crate) fn team_timeline(&self) -> Vec<TimelineItem> {
        self.steps(true)
    }

    fn steps(&self, for_team: bool) -> Vec<TimelineItem> {
        const STAFF_ONLY: [&str; 1] = ["cosign_question"];
        const STAFF_REASON: [&str; 3] = ["decline_cosign", "release", "reassign"];
        self.log
            .iter()
            .filter(|e| e.action != "message" && e.action != "edit")
            .filter(|e| !(for_team && STAFF_ONLY.contains(&e.action.as_str())))
            .filter(|e| !super::bank_accounts::AUDIT_ONLY.contains(&e.action.as_str()))
            .map(|e| TimelineItem {
                on: e.at.date_naive().to_string(),
                action: e.action.clone(),
                to_state: e.to_state.clone(),
                actor_name: e.actor_id.and_then(|a| self.names.get(&a).cloned()),
                amount_cents: e.amount_cents,
                reason: e
                    .reason
                    .clone()
                    .filter(|_| !(for_team && STAFF_REASON.contains(&e.action.as_str()))),
            })
            .collect()
    }

    /// The message thread, oldest first.
    pub(crate) fn messages(&self) -> Vec<MessageItem> {
        self.thread
            .iter()
            .map(|m| MessageItem {
                at: m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                author_name: m
                    .author_id
                    .and_then(|a| self.names.get(&a).cloned())
                    .unwrap_or_default(),
                mine: m.author_id == Some(self.viewer),
                body: m.body.clone(),
            })
            .collect()
    }
}

/// Adds a message to an initiative's thread, if the lifecycle allows this person to write.
///
/// # Errors
/// A refused transition (403/409), [`ServiceError::NotFound`], or a database error.
pub async fn send_message(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    body: &str,
) -> Result<(), ServiceError> {
    let initiative = initiatives::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    lifecycle::check(db, &initiative, Some(user_id), &Action::Message).await?;
    messages::Entity::insert(messages::ActiveModel {
        initiative_id: Set(id),
        author_id: Set(Some(user_id)),
        body: Set(body.to_string()),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The public-name choice of a person.
///
/// # Errors
/// [`ServiceError::NotFound`] or a database error.
pub async fn privacy(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<crate::api::me::Privacy, ServiceError> {
    let u = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(crate::api::me::Privacy {
        public_name: u.public_name.unwrap_or_default(),
        consent: u.public_name_consent,
    })
}

/// Stores the public-name choice; without consent no name is shown anywhere.
///
/// # Errors
/// A database error.
pub async fn save_privacy(
    db: &DatabaseConnection,
    user_id: i64,
    public_name: &str,
    consent: bool,
) -> Result<(), ServiceError> {
    use sea_orm::sea_query::Expr;
    let name = (!public_name.is_empty()).then(|| public_name.to_string());
    users::Entity::update_many()
        .col_expr(users::Column::PublicName, Expr::value(name))
        .col_expr(users::Column::PublicNameConsent, Expr::value(consent))
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
