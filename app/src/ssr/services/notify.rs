//! Tells the other party: at every lifecycle step and every message, each
//! person on the other side gets an in-app notification and an e-mail in
//! their own language.
//!
//! The other party of an initiative's people is its coach (or, while no
//! coach has claimed it, every coach of its neighbourhood); the other party
//! of a coach or admin is the initiator with the co-initiators. Whoever acts
//! is never told about their own step.

use super::{lifecycle, now};
use crate::domain::{Action, State};
use crate::i18n::Lang;
use crate::ssr::entities::{
    co_initiators, coach_neighbourhoods, initiatives, notifications, users,
};
use crate::ssr::error::ServiceError;
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeSet;

/// Performs a lifecycle step (see [`lifecycle::perform`]) and tells the other party.
/// A failure to notify is logged; the step stands.
///
/// # Errors
/// As [`lifecycle::perform`].
pub async fn perform(
    state: &AppState,
    initiative_id: i64,
    actor_id: Option<i64>,
    action: Action,
    reason: Option<String>,
) -> Result<lifecycle::Performed, ServiceError> {
    let mut name = action.name();
    let cancel = matches!(action, Action::Cancel);
    // Handed to another coach: the one who had it hears of it too.
    let coach_before = match action {
        Action::Reassign { .. } => find_initiative(&state.db, initiative_id)
            .await
            .ok()
            .and_then(|i| i.coach_id),
        _ => None,
    };
    let done = lifecycle::perform(
        &state.db,
        initiative_id,
        actor_id,
        action.clone(),
        reason.clone(),
    )
    .await?;
    if cancel && state.stripe.is_some() {
        if let Err(e) = super::payments::request_refunds(state, Some(initiative_id)).await {
            tracing::error!(error = %e, initiative_id, "refunds after cancellation failed");
        }
    }
    let awaits_cosign = done.transition.to == State::AwaitingCosign;
    if awaits_cosign && matches!(action, Action::Approve { .. }) {
        // Approved above the coach's mandate: not approved yet, and the
        // resident is told so; whoever may co-sign is asked to.
        name = "approve_pending";
        if let Err(e) = ask_cosigners(state, initiative_id, actor_id).await {
            tracing::error!(error = %e, initiative_id, "asking co-signers failed");
        }
    }
    let told: Result<(), ServiceError> = async {
        match action {
            // Only now is it approved: the resident hears it once, here.
            Action::CoSign => tell(state, initiative_id, actor_id, "cosigned", None).await,
            // Between the co-signer and the coach who approved: the coach
            // reads the reason or the question; the team only that it is
            // back with the coach (never "approved").
            Action::DeclineCosign => {
                tell_coach(state, initiative_id, name, reason.as_deref()).await?;
                tell_team(state, initiative_id, "decline_cosign_team", None).await
            }
            Action::AskCosignQuestion => {
                tell_coach(state, initiative_id, name, reason.as_deref()).await
            }
            Action::Reassign { to } => {
                let new_name = users::Entity::find_by_id(to)
                    .one(&state.db)
                    .await?
                    .map(|u| u.display_name);
                let initiative = find_initiative(&state.db, initiative_id).await?;
                let mut people = other_party(&state.db, &initiative, actor_id).await?;
                people.extend(coach_before);
                deliver(state, &initiative, people, name, new_name.as_deref()).await
            }
            _ => tell(state, initiative_id, actor_id, name, reason.as_deref()).await,
        }
    }
    .await;
    if let Err(e) = told {
        tracing::error!(error = %e, initiative_id, "notification failed");
    }
    Ok(done)
}

/// Tells the initiative's team (initiator and co-initiators) of a step named `kind`.
async fn tell_team(
    state: &AppState,
    initiative_id: i64,
    kind: &str,
    detail: Option<&str>,
) -> Result<(), ServiceError> {
    let initiative = find_initiative(&state.db, initiative_id).await?;
    let people: BTreeSet<i64> = team(&state.db, &initiative).await?.into_iter().collect();
    deliver(state, &initiative, people, kind, detail).await
}

/// The people to tell about a step by `actor_id` on `initiative`.
async fn other_party<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
    actor_id: Option<i64>,
) -> Result<BTreeSet<i64>, ServiceError> {
    let team = team(db, initiative).await?;
    let acted_for_initiative = actor_id.is_some_and(|a| team.contains(&a));
    let mut people = BTreeSet::new();
    if acted_for_initiative {
        match initiative.coach_id {
            Some(coach) => {
                people.insert(coach);
            }
            None if initiative.state == State::Submitted.as_str() => {
                if let Some(nbh) = initiative.neighbourhood_id {
                    let coaches: Vec<i64> = coach_neighbourhoods::Entity::find()
                        .filter(coach_neighbourhoods::Column::NeighbourhoodId.eq(nbh))
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|c| c.coach_id)
                        .collect();
                    people.extend(coaches);
                }
            }
            None => {}
        }
        // The rest of the team hears of it too.
        people.extend(team.iter().copied());
    } else {
        people.extend(team.iter().copied());
        // A co-signature also concerns the coach who approved.
        people.extend(initiative.coach_id);
    }
    if let Some(actor) = actor_id {
        people.remove(&actor);
    }
    Ok(people)
}

/// Notifies (in-app and by e-mail) the other party of a step named `kind`.
///
/// # Errors
/// A database error.
pub async fn tell(
    state: &AppState,
    initiative_id: i64,
    actor_id: Option<i64>,
    kind: &str,
    detail: Option<&str>,
) -> Result<(), ServiceError> {
    let db = &state.db;
    let initiative = find_initiative(db, initiative_id).await?;
    let people = other_party(db, &initiative, actor_id).await?;
    deliver(state, &initiative, people, kind, detail).await
}

/// Notifies (in-app and by e-mail) the claiming coach of `initiative_id`
/// only, of `kind` — a step meant for them (a co-signer's decline or
/// question), or a change they must know before they act (the bank account
/// they are about to transfer to). Nobody is told while no coach has claimed it.
///
/// # Errors
/// A database error.
pub async fn tell_coach(
    state: &AppState,
    initiative_id: i64,
    kind: &str,
    detail: Option<&str>,
) -> Result<(), ServiceError> {
    let initiative = find_initiative(&state.db, initiative_id).await?;
    let people: BTreeSet<i64> = initiative.coach_id.into_iter().collect();
    deliver(state, &initiative, people, kind, detail).await
}

async fn find_initiative<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<initiatives::Model, ServiceError> {
    initiatives::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The people of `initiative`'s team: the initiator and the co-initiators who accepted.
async fn team<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
) -> Result<Vec<i64>, ServiceError> {
    let mut team = lifecycle::co_initiator_ids(db, initiative.id).await?;
    team.push(initiative.initiator_id);
    Ok(team)
}

/// Asks everyone who may co-sign `initiative_id` (admins, and coaches whose
/// mandate covers the approved amount) to do so — never the approver, never
/// anyone on the initiative's team.
async fn ask_cosigners(
    state: &AppState,
    initiative_id: i64,
    approver: Option<i64>,
) -> Result<(), ServiceError> {
    use crate::ssr::entities::coach_mandates;
    let db = &state.db;
    let initiative = find_initiative(db, initiative_id).await?;
    let amount = initiative.amount_approved_cents.unwrap_or(i64::MAX);
    let admins = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Role.eq("admin"))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    // A mandate row outlives a role change: only people who coach now.
    let coaches = coach_mandates::Entity::find()
        .select_only()
        .column(coach_mandates::Column::CoachId)
        .filter(coach_mandates::Column::MaxCents.gte(amount))
        .filter(
            coach_mandates::Column::CoachId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(users::Column::Id)
                    .from(users::Entity)
                    .and_where(users::Column::Role.eq("coach"))
                    .and_where(users::Column::ErasedAt.is_null())
                    .to_owned(),
            ),
        )
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let on_team = team(db, &initiative).await?;
    let people: BTreeSet<i64> = admins
        .into_iter()
        .chain(coaches)
        .filter(|p| Some(*p) != approver && !on_team.contains(p))
        .collect();
    deliver(state, &initiative, people, "cosign_requested", None).await
}

/// Writes the notification `kind` for each of `people` and mails them.
async fn deliver(
    state: &AppState,
    initiative: &initiatives::Model,
    people: BTreeSet<i64>,
    kind: &str,
    detail: Option<&str>,
) -> Result<(), ServiceError> {
    let db = &state.db;
    let initiative_id = initiative.id;
    let recipients = users::Entity::find()
        .filter(users::Column::Id.is_in(people))
        .filter(users::Column::ErasedAt.is_null())
        .all(db)
        .await?;
    for person in recipients {
        notifications::Entity::insert(notifications::ActiveModel {
            user_id: Set(person.id),
            initiative_id: Set(Some(initiative_id)),
            kind: Set(kind.to_string()),
            detail: Set(detail.unwrap_or_default().to_string()),
            created_at: Set(now()),
            read_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
        let t = Lang::parse(&person.locale).unwrap_or_default().texts();
        let link = if person.role == "resident" {
            format!("{}/me/initiatives/{initiative_id}", state.public_url)
        } else {
            format!("{}/coach/initiatives/{initiative_id}", state.public_url)
        };
        let subject = (t.mail_step_subject)(&initiative.title, t.action(kind));
        let body = (t.mail_step_body)(
            &person.display_name,
            &initiative.title,
            t.action(kind),
            t.state(&initiative.state),
            detail.unwrap_or_default(),
            &link,
        );
        if let Err(e) = state.mailer.send(db, &person.email, &subject, &body).await {
            tracing::warn!(error = %e, "notification mail not sent");
        }
    }
    Ok(())
}

/// One notification, as `/me` lists it.
#[derive(Debug, Clone)]
pub struct Item {
    pub initiative_id: Option<i64>,
    pub initiative_title: String,
    pub kind: String,
    pub detail: String,
    pub at: sea_orm::prelude::DateTimeWithTimeZone,
    pub unread: bool,
    /// Whether the person is on the initiative's team (else they hear of it as staff).
    pub on_team: bool,
}

/// The latest notifications of `user_id`, newest first.
///
/// # Errors
/// A database error.
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    limit: u64,
) -> Result<Vec<Item>, ServiceError> {
    let rows = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .order_by_desc(notifications::Column::Id)
        .limit(limit)
        .find_also_related(initiatives::Entity)
        .all(db)
        .await?;
    let co_initiating: BTreeSet<i64> = co_initiators::Entity::find()
        .select_only()
        .column(co_initiators::Column::InitiativeId)
        .filter(co_initiators::Column::UserId.eq(user_id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(n, i)| Item {
            initiative_id: n.initiative_id,
            on_team: i
                .as_ref()
                .is_some_and(|i| i.initiator_id == user_id || co_initiating.contains(&i.id)),
            initiative_title: i.map(|i| i.title).unwrap_or_default(),
            kind: n.kind,
            detail: n.detail,
            at: n.created_at,
            unread: n.read_at.is_none(),
        })
        .collect())
}

/// How many notifications `user_id` has not read.
///
/// # Errors
/// A database error.
pub async fn unread<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<u64, ServiceError> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks every notification of `user_id` as read.
///
/// # Errors
/// A database error.
pub async fn mark_read<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), ServiceError> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Some(now())))
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
