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
