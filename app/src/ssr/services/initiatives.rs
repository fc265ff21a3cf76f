//! Reading initiatives for the public.

use crate::api::initiatives::InitiativeCard;
use crate::domain::State;
use crate::ssr::entities::{initiatives, neighbourhoods, users};
use crate::ssr::error::ServiceError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// The `limit` most recently funded public initiatives, newest first.
///
/// # Errors
/// A database error.
pub async fn recent_funded<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<InitiativeCard>, ServiceError> {
    let rows = initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .filter(initiatives::Column::State.is_in([
            State::Funded.as_str(),
            State::Reporting.as_str(),
            State::Completed.as_str(),
        ]))
        .filter(initiatives::Column::FundedAt.is_not_null())
        .order_by_desc(initiatives::Column::FundedAt)
        .order_by_desc(initiatives::Column::Id)
        .limit(limit)
        .all(db)
        .await?;

    let nbh_ids: Vec<i64> = rows.iter().filter_map(|r| r.neighbourhood_id).collect();
    let names: HashMap<i64, String> = neighbourhoods::Entity::find()
        .filter(neighbourhoods::Column::Id.is_in(nbh_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
    let user_ids: Vec<i64> = rows.iter().map(|r| r.initiator_id).collect();
    let public_names: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(user_ids))
        .filter(users::Column::PublicNameConsent.eq(true))
        .filter(users::Column::ErasedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.public_name.map(|n| (u.id, n)))
        .collect();

    Ok(rows
        .into_iter()
        .map(|r| InitiativeCard {
            id: r.id,
            neighbourhood: r
                .neighbourhood_id
                .and_then(|n| names.get(&n).cloned())
                .unwrap_or_default(),
            public_name: public_names.get(&r.initiator_id).cloned(),
            title: r.title,
            kind: r.kind,
            granted_cents: r.amount_approved_cents.unwrap_or(0),
            funded_on: r
                .funded_at
                .map(|d| d.date_naive().to_string())
                .unwrap_or_default(),
        })
        .collect())
}

/// One public initiative as anyone may see it.
///
/// # Errors
/// [`ServiceError::NotFound`] when it is not public; a database error.
pub async fn public<C: ConnectionTrait>(
    db: &C,
    public_url: &str,
    id: i64,
) -> Result<crate::api::initiatives::PublicInitiative, ServiceError> {
    use crate::domain::ledger::AccountKey;
    use crate::ssr::entities::{
        budget_lines, events, own_strength_lines, photos, receipts, reports,
    };
    use crate::ssr::services::ledger;
    let i = initiatives::Entity::find_by_id(id)
        .filter(initiatives::Column::IsPublic.eq(true))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let area = match i.neighbourhood_id {
        Some(n) => neighbourhoods::Entity::find_by_id(n).one(db).await?,
        None => None,
    };
    let public_name = users::Entity::find_by_id(i.initiator_id)
        .filter(users::Column::PublicNameConsent.eq(true))
        .filter(users::Column::ErasedAt.is_null())
        .one(db)
        .await?
        .and_then(|u| u.public_name);
    let coach = match i.coach_id {
        Some(c) => users::Entity::find_by_id(c)
            .filter(users::Column::ErasedAt.is_null())
            .one(db)
            .await?
            .and_then(|u| u.display_name.split_whitespace().next().map(str::to_string)),
        None => None,
    };
    let strength = own_strength_lines::Entity::find()
        .filter(own_strength_lines::Column::InitiativeId.eq(id))
        .order_by_asc(own_strength_lines::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.contribution_kind, l.description, l.value_cents))
        .collect();
    let budget = budget_lines::Entity::find()
        .filter(budget_lines::Column::InitiativeId.eq(id))
        .order_by_asc(budget_lines::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.item, l.cents))
        .collect();
    let pictures = photos::Entity::find()
        .filter(photos::Column::InitiativeId.eq(id))
        .order_by_asc(photos::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.alt_text))
        .collect();
    let timeline = events::Entity::find()
        .filter(events::Column::InitiativeId.eq(id))
        .filter(events::Column::Action.is_not_in(["message", "edit"]))
        .order_by_asc(events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.at.date_naive().to_string(), e.action))
        .collect();
    let result = reports::Entity::find()
        .filter(reports::Column::InitiativeId.eq(id))
        .filter(reports::Column::AcceptedAt.is_not_null())
        .one(db)
        .await?
        .map(|r| (r.story, i64::from(r.participants), r.spent_cents));
    let receipt_rows = receipts::Entity::find()
        .filter(receipts::Column::InitiativeId.eq(id))
        .all(db)
        .await?;
    let receipts = (
        i64::try_from(receipt_rows.len()).unwrap_or(i64::MAX),
        receipt_rows.iter().map(|r| r.cents).sum(),
    );
    Ok(crate::api::initiatives::PublicInitiative {
        id,
        url: format!("{}/initiatives/{id}", public_url.trim_end_matches('/')),
        coach,
        title: i.title,
        kind: i.kind,
        state: i.state,
        description: i.description,
        beneficiaries: i.beneficiaries,
        participants: i.participants_expected.map(i64::from),
        neighbourhood: area.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        neighbourhood_slug: area.map(|a| a.slug).unwrap_or_default(),
        starts_on: i.starts_on.map(|d| d.to_string()),
        ends_on: i.ends_on.map(|d| d.to_string()),
        public_name,
        own_input: i.own_input.unwrap_or_default(),
        strength,
        budget,
        own_contribution_cents: i.own_contribution_cents,
        amount_asked_cents: i.amount_asked_cents,
        granted_cents: i.amount_approved_cents,
        paid_cents: ledger::balance(db, AccountKey::InitiativePaid(id)).await?.0,
        cofunded_cents: ledger::balance(db, AccountKey::InitiativeCofunded(id))
            .await?
            .0,
        funded_on: i.funded_at.map(|d| d.date_naive().to_string()),
        photos: pictures,
        timeline,
        result,
        receipts,
    })
}
