//! Seeding: realistic demo data for trying Buurtfonds out, and large data
//! sets for benchmarks.

pub mod bench;
pub mod demo;

use app::domain::ledger::LedgerTransaction;
use app::domain::Cents;
use app::ssr::entities::{fund_neighbourhoods, funds, neighbourhoods};
use app::ssr::error::ServiceError;
use app::ssr::services::{ledger, now};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

/// Creates a fund covering `neighbourhood_ids` and books its budget.
///
/// # Errors
/// A database error.
pub async fn create_fund<C: ConnectionTrait>(
    db: &C,
    name: &str,
    period: (NaiveDate, NaiveDate),
    budget: Cents,
    max_grant: Cents,
    match_rule: (i32, Cents),
    neighbourhood_ids: &[i64],
) -> Result<i64, ServiceError> {
    let id = funds::Entity::insert(funds::ActiveModel {
        name: Set(name.into()),
        period_start: Set(period.0),
        period_end: Set(period.1),
        budget_cents: Set(budget.0),
        max_grant_cents: Set(max_grant.0),
        match_percent: Set(match_rule.0),
        match_cap_cents: Set(match_rule.1 .0),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let links: Vec<_> = neighbourhood_ids
        .iter()
        .map(|n| fund_neighbourhoods::ActiveModel {
            fund_id: Set(id),
            neighbourhood_id: Set(*n),
        })
        .collect();
    fund_neighbourhoods::Entity::insert_many(links)
        .exec_without_returning(db)
        .await?;
    let tx = LedgerTransaction::fund_budget(id, budget)?;
    ledger::book(db, "fund_budget", None, None, name, &tx).await?;
    Ok(id)
}

/// Creates a neighbourhood.
///
/// # Errors
/// A database error.
pub async fn create_neighbourhood<C: ConnectionTrait>(
    db: &C,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<i64, ServiceError> {
    Ok(neighbourhoods::Entity::insert(neighbourhoods::ActiveModel {
        slug: Set(slug.into()),
        name: Set(name.into()),
        description: Set(description.into()),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}
