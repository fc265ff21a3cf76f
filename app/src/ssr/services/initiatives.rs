//! Reading initiatives for the public.

use crate::api::initiatives::InitiativeCard;
use crate::ssr::entities::{initiatives, neighbourhoods, users};
use crate::ssr::error::ServiceError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The `limit` most recently funded public initiatives, newest first, as
/// cards for the home page.
///
/// # Errors
/// A database error.
pub async fn recent_funded<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<InitiativeCard>, ServiceError> {
    Ok(super::public::recently_funded(db, limit)
        .await?
        .into_iter()
        .map(|(i, _)| InitiativeCard {
            id: i.id,
            neighbourhood: i.neighbourhood,
            public_name: i.public_name,
            title: i.title,
            kind: i.kind,
            granted_cents: i.granted_cents,
            funded_on: i.funded_on.unwrap_or_default(),
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
        // What the co-signer asks the approver stays among staff.
        .filter(events::Column::Action.is_not_in(["message", "edit", "cosign_question"]))
        .filter(events::Column::Action.is_not_in(super::bank_accounts::AUDIT_ONLY))
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
    let gifts = super::payments::gifts(db, id).await?;
    let takes_gifts = matches!(i.state.as_str(), "approved" | "funded");
    let match_rule = match i.fund_id {
        Some(f) => crate::ssr::entities::funds::Entity::find_by_id(f)
            .one(db)
            .await?
            .filter(|f| f.match_percent > 0 && f.match_cap_cents > 0)
            .map(|f| (f.match_percent, f.match_cap_cents)),
        None => None,
    };
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
        // Paid out to the initiator: the grant's part and neighbours' gifts.
        paid_cents: ledger::balance(db, AccountKey::InitiativePaid(id)).await?.0
            + ledger::balance(db, AccountKey::InitiativeGiftsPaid(id))
                .await?
                .0,
        // Given by neighbours: still held, plus paid out with a payout or top-up.
        cofunded_cents: ledger::balance(db, AccountKey::InitiativeCofunded(id))
            .await?
            .0
            + ledger::balance(db, AccountKey::InitiativeGiftsPaid(id))
                .await?
                .0,
        funded_on: i.funded_at.map(|d| d.date_naive().to_string()),
        photos: pictures,
        timeline,
        result,
        receipts,
        gifts: gifts
            .iter()
            .filter(|g| g.cents > 0)
            .map(|g| (g.name.clone(), g.cents))
            .collect(),
        matched_cents: gifts.iter().map(|g| g.match_cents).sum(),
        match_rule,
        takes_gifts,
        online_giving: false,
    })
}
