//! Administration: neighbourhoods, funds and their budgets in the ledger,
//! coaches' mandates and neighbourhoods, and the audit log.

use super::{coach, ledger, now};
use crate::api::admin::{AdminData, AuditFilter, AuditRow, CoachRow, FundRow, NeighbourhoodRow};
use crate::domain::{ledger::LedgerTransaction, Cents, Role, TransitionError};
use crate::ssr::entities::{
    coach_mandates, coach_neighbourhoods, events, fund_neighbourhoods, funds, initiatives,
    neighbourhoods, users,
};
use crate::ssr::error::ServiceError;
use crate::ssr::session::CurrentUser;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

fn invalid(field: &'static str, code: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: code.into(),
    }
}

/// Only admins.
///
/// # Errors
/// 403 for anyone else.
pub fn require_admin(user: &CurrentUser) -> Result<(), ServiceError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(TransitionError::Forbidden.into())
    }
}

/// Everything `/admin` shows.
///
/// # Errors
/// A database error.
pub async fn overview(
    db: &DatabaseConnection,
    cosign_flag_days: i64,
) -> Result<AdminData, ServiceError> {
    let (cosign_waiting, cosign_waiting_total) =
        coach::cosign_waiting(db, cosign_flag_days).await?;
    let areas = neighbourhoods::Entity::find()
        .order_by_asc(neighbourhoods::Column::Name)
        .all(db)
        .await?;
    let fund_links = fund_neighbourhoods::Entity::find().all(db).await?;
    let coach_links = coach_neighbourhoods::Entity::find().all(db).await?;
    let mandates: HashMap<i64, i64> = coach_mandates::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.coach_id, m.max_cents))
        .collect();
    let funds = funds::Entity::find()
        .order_by_desc(funds::Column::PeriodStart)
        .all(db)
        .await?
        .into_iter()
        .map(|f| FundRow {
            id: f.id,
            neighbourhood_ids: fund_links
                .iter()
                .filter(|l| l.fund_id == f.id)
                .map(|l| l.neighbourhood_id)
                .collect(),
            name: f.name,
            period_start: f.period_start.to_string(),
            period_end: f.period_end.to_string(),
            budget_cents: f.budget_cents,
            max_grant_cents: f.max_grant_cents,
            match_percent: f.match_percent,
            match_cap_cents: f.match_cap_cents,
        })
        .collect();
    let coaches = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Coach.as_str()))
        .filter(users::Column::ErasedAt.is_null())
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| CoachRow {
            id: u.id,
            mandate_cents: mandates.get(&u.id).copied(),
            neighbourhood_ids: coach_links
                .iter()
                .filter(|l| l.coach_id == u.id)
                .map(|l| l.neighbourhood_id)
                .collect(),
            active: u.password_hash.is_some(),
            name: u.display_name,
            email: u.email,
        })
        .collect();
    Ok(AdminData {
        neighbourhoods: areas
            .into_iter()
            .map(|n| NeighbourhoodRow {
                id: n.id,
                slug: n.slug,
                name: n.name,
                description: n.description,
            })
            .collect(),
        funds,
        coaches,
        budgets: coach::budgets(db, None).await?,
        cosign_waiting,
        cosign_waiting_total,
        cosign_flag_days,
    })
}

/// Creates or changes a neighbourhood. The slug (its address) is fixed once made.
///
/// # Errors
/// `slug`, `name`, `description` for bad or taken values; a database error.
pub async fn save_neighbourhood(
    db: &DatabaseConnection,
    id: Option<i64>,
    slug: &str,
    name: &str,
    description: &str,
) -> Result<(), ServiceError> {
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(invalid("name", "neighbourhood_name_length"));
    }
    if description.chars().count() > 500 {
        return Err(invalid("description", "description_too_long"));
    }
    match id {
        Some(id) => {
            let mut n: neighbourhoods::ActiveModel = neighbourhoods::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(ServiceError::NotFound)?
                .into();
            n.name = Set(name.into());
            n.description = Set(description.into());
            n.update(db).await?;
        }
        None => {
            let ok = (2..=40).contains(&slug.len())
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(invalid("slug", "slug_invalid"));
            }
            let taken = neighbourhoods::Entity::find()
                .filter(neighbourhoods::Column::Slug.eq(slug))
                .one(db)
                .await?
                .is_some();
            if taken {
                return Err(invalid("slug", "slug_taken"));
            }
            neighbourhoods::Entity::insert(neighbourhoods::ActiveModel {
                slug: Set(slug.into()),
                name: Set(name.into()),
                description: Set(description.into()),
                created_at: Set(now()),
                ..Default::default()
            })
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}

/// A fund as an admin enters it.
#[derive(Debug, Clone)]
pub struct FundInput {
    pub name: String,
    pub period: (chrono::NaiveDate, chrono::NaiveDate),
    pub budget_cents: i64,
    pub max_grant_cents: i64,
    pub match_percent: i32,
    pub match_cap_cents: i64,
}

/// Creates a fund (its budget booked in the ledger) or changes one; a
/// changed budget is booked as the difference, and may not fall below what
/// is already committed and paid.
///
/// # Errors
/// Field problems (`name`, `period_end`, `max_grant`, `budget`); a database error.
pub async fn save_fund(
    db: &DatabaseConnection,
    admin_id: i64,
    id: Option<i64>,
    input: FundInput,
) -> Result<(), ServiceError> {
    if input.name.chars().count() < 2 || input.name.chars().count() > 100 {
        return Err(invalid("name", "fund_name_length"));
    }
    if input.period.1 < input.period.0 {
        return Err(invalid("period_end", "ends_before_start"));
    }
    if input.max_grant_cents > input.budget_cents {
        return Err(invalid("max_grant", "max_grant_above_budget"));
    }
    let txn = db.begin().await?;
    let at = now();
    match id {
        None => {
            let id = funds::Entity::insert(funds::ActiveModel {
                name: Set(input.name.clone()),
                period_start: Set(input.period.0),
                period_end: Set(input.period.1),
                budget_cents: Set(input.budget_cents),
                max_grant_cents: Set(input.max_grant_cents),
                match_percent: Set(input.match_percent),
                match_cap_cents: Set(input.match_cap_cents),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            let tx = LedgerTransaction::fund_budget(id, Cents(input.budget_cents))?;
            ledger::book(
                &txn,
                "fund_budget",
                None,
                None,
                &format!("by {admin_id}"),
                &tx,
            )
            .await?;
        }
        Some(id) => {
            // Write the fund row first: this serialises with approvals on the same fund.
            let touched = funds::Entity::update_many()
                .col_expr(funds::Column::UpdatedAt, Expr::value(at))
                .filter(funds::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            if touched.rows_affected == 0 {
                return Err(ServiceError::NotFound);
            }
            let fund = funds::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let diff = input.budget_cents - fund.budget_cents;
            if diff > 0 {
                let tx = LedgerTransaction::fund_budget(id, Cents(diff))?;
                ledger::book(
                    &txn,
                    "fund_budget",
                    None,
                    None,
                    &format!("by {admin_id}"),
                    &tx,
                )
                .await?;
            } else if diff < 0 {
                let available =
                    ledger::balance(&txn, crate::domain::ledger::AccountKey::FundAvailable(id))
                        .await?;
                if available.0 < -diff {
                    return Err(invalid("budget", "budget_below_committed"));
                }
                let tx = LedgerTransaction::fund_budget_cut(id, Cents(-diff))?;
                ledger::book(
                    &txn,
                    "fund_budget_cut",
                    None,
                    None,
                    &format!("by {admin_id}"),
                    &tx,
                )
                .await?;
            }
            let mut f: funds::ActiveModel = fund.into();
            f.name = Set(input.name);
            f.period_start = Set(input.period.0);
            f.period_end = Set(input.period.1);
            f.budget_cents = Set(input.budget_cents);
            f.max_grant_cents = Set(input.max_grant_cents);
            f.match_percent = Set(input.match_percent);
            f.match_cap_cents = Set(input.match_cap_cents);
            f.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Adds `neighbourhood_id` to `fund_id`, or takes it off.
///
/// # Errors
/// Not found; a database error.
pub async fn toggle_fund_neighbourhood(
    db: &DatabaseConnection,
    fund_id: i64,
    neighbourhood_id: i64,
) -> Result<(), ServiceError> {
    funds::Entity::find_by_id(fund_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    neighbourhoods::Entity::find_by_id(neighbourhood_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let removed = fund_neighbourhoods::Entity::delete_by_id((fund_id, neighbourhood_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        fund_neighbourhoods::Entity::insert(fund_neighbourhoods::ActiveModel {
            fund_id: Set(fund_id),
            neighbourhood_id: Set(neighbourhood_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

async fn coach_user(db: &DatabaseConnection, coach_id: i64) -> Result<users::Model, ServiceError> {
    users::Entity::find_by_id(coach_id)
        .filter(users::Column::Role.eq(Role::Coach.as_str()))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Sets a coach's mandate.
///
/// # Errors
/// Not found (not a coach); a database error.
pub async fn set_mandate(
    db: &DatabaseConnection,
    admin_id: i64,
    coach_id: i64,
    cents: i64,
) -> Result<(), ServiceError> {
    coach_user(db, coach_id).await?;
    let row = coach_mandates::ActiveModel {
        coach_id: Set(coach_id),
        max_cents: Set(cents),
        set_by: Set(Some(admin_id)),
        updated_at: Set(now()),
    };
    if coach_mandates::Entity::find_by_id(coach_id)
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        coach_mandates::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Gives a coach `neighbourhood_id`, or takes it away.
///
/// # Errors
/// Not found; a database error.
pub async fn toggle_coach_neighbourhood(
    db: &DatabaseConnection,
    coach_id: i64,
    neighbourhood_id: i64,
) -> Result<(), ServiceError> {
    coach_user(db, coach_id).await?;
    neighbourhoods::Entity::find_by_id(neighbourhood_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let removed = coach_neighbourhoods::Entity::delete_by_id((coach_id, neighbourhood_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        coach_neighbourhoods::Entity::insert(coach_neighbourhoods::ActiveModel {
            coach_id: Set(coach_id),
            neighbourhood_id: Set(neighbourhood_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The audit log, newest first, filtered; at most `limit` rows.
///
/// # Errors
/// A database error.
pub async fn audit(
    db: &DatabaseConnection,
    filter: &AuditFilter,
    limit: Option<u64>,
) -> Result<Vec<AuditRow>, ServiceError> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let mut query = events::Entity::find().order_by_desc(events::Column::Id);
    if let Some(id) = text(&filter.initiative) {
        query = query.filter(events::Column::InitiativeId.eq(id.parse::<i64>().unwrap_or(-1)));
    }
    if let Some(kind) = text(&filter.kind) {
        query = query.filter(events::Column::Action.eq(kind));
    }
    let day = |v: &Option<String>| {
        text(v).and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    };
    if let Some(from) = day(&filter.from) {
        let start = from
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .fixed_offset();
        query = query.filter(events::Column::At.gte(start));
    }
    if let Some(to) = day(&filter.to) {
        let end = (to + chrono::Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .fixed_offset();
        query = query.filter(events::Column::At.lt(end));
    }
    if let Some(person) = text(&filter.person) {
        let like = format!("%{}%", person.to_lowercase());
        let who: Vec<i64> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(
                Condition::any()
                    .add(
                        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                            users::Column::DisplayName,
                        )))
                        .like(like.as_str()),
                    )
                    .add(
                        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                            users::Column::Email,
                        )))
                        .like(like.as_str()),
                    ),
            )
            .into_tuple()
            .all(db)
            .await?;
        query = query.filter(events::Column::ActorId.is_in(who));
    }
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let rows = query.all(db).await?;
    let titles: HashMap<i64, String> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::Id)
        .column(initiatives::Column::Title)
        .filter(
            initiatives::Column::Id.is_in(rows.iter().map(|e| e.initiative_id).collect::<Vec<_>>()),
        )
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<i64, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rows.iter().filter_map(|e| e.actor_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: e.at.to_rfc3339(),
            initiative_title: titles.get(&e.initiative_id).cloned().unwrap_or_default(),
            initiative_id: e.initiative_id,
            actor: e
                .actor_id
                .and_then(|a| names.get(&a).cloned())
                .unwrap_or_default(),
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            amount_cents: e.amount_cents,
            reason: e.reason,
        })
        .collect())
}

/// The audit log as CSV (every matching row).
///
/// # Errors
/// A database error, or a CSV write error (as [`ServiceError::Invalid`]).
pub async fn audit_csv(
    db: &DatabaseConnection,
    filter: &AuditFilter,
) -> Result<String, ServiceError> {
    let rows = audit(db, filter, None).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ServiceError::Invalid {
        field: "csv",
        message: e.to_string(),
    };
    out.write_record([
        "id",
        "at",
        "initiative_id",
        "initiative",
        "actor",
        "action",
        "from_state",
        "to_state",
        "amount_cents",
        "reason",
    ])
    .map_err(failed)?;
    for r in rows {
        // What people typed (titles, names, reasons) cannot run as a formula.
        let cell = |s: &str| crate::ssr::export::cell(s).into_owned();
        out.write_record([
            r.id.to_string(),
            r.at,
            r.initiative_id.to_string(),
            cell(&r.initiative_title),
            cell(&r.actor),
            r.action,
            r.from_state.unwrap_or_default(),
            r.to_state,
            r.amount_cents.map(|c| c.to_string()).unwrap_or_default(),
            cell(&r.reason.unwrap_or_default()),
        ])
        .map_err(failed)?;
    }
    let bytes = out.into_inner().map_err(|e| ServiceError::Invalid {
        field: "csv",
        message: e.to_string(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
