//! The public side: lists, search and neighbourhood figures. Only public
//! initiatives (approved and later) and only public fields leave here.

use crate::api::public::{
    Browse, InitiativeList, ListedInitiative, MonthFigures, NeighbourhoodDetail, NeighbourhoodFund,
    NeighbourhoodSummary, StatusCount,
};
use crate::domain::ledger::AccountKey;
use crate::ssr::entities::{
    fund_neighbourhoods, funds, initiatives, ledger_accounts, ledger_entries, ledger_transactions,
    neighbourhoods, users,
};
use crate::ssr::error::ServiceError;
use crate::ssr::services::{coach::median, ledger};
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// What identifies the state of the money and the decisions: the newest
/// ledger transaction and event, the month (the chart ends at the current
/// one), which funds cover which neighbourhoods, and the funds' last change.
type Version = (i64, i64, String, Vec<(i64, i64)>, Vec<String>);

/// Neighbourhood figures computed from the whole ledger, kept until the
/// ledger or the event log changes — so they stay exact and live, and are
/// computed once per change rather than once per visitor.
#[derive(Clone, Debug, Default)]
pub struct FiguresCache(std::sync::Arc<std::sync::Mutex<Figures>>);

#[derive(Debug, Default)]
struct Figures {
    version: Option<Version>,
    summaries: Option<Vec<NeighbourhoodSummary>>,
    details: HashMap<i64, NeighbourhoodDetail>,
}

impl FiguresCache {
    /// The kept figures, emptied first when `version` moved on.
    fn with<T>(&self, version: &Version, f: impl FnOnce(&mut Figures) -> T) -> Option<T> {
        let mut figures = self.0.lock().ok()?;
        if figures.version.as_ref() != Some(version) {
            *figures = Figures {
                version: Some(version.clone()),
                ..Figures::default()
            };
        }
        Some(f(&mut figures))
    }
}

async fn version<C: ConnectionTrait>(db: &C) -> Result<Version, ServiceError> {
    use crate::ssr::entities::events;
    let ledger: Option<i64> = ledger_transactions::Entity::find()
        .select_only()
        .column_as(ledger_transactions::Column::Id.max(), "v")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let events: Option<i64> = events::Entity::find()
        .select_only()
        .column_as(events::Column::Id.max(), "v")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    let links: Vec<(i64, i64)> = fund_neighbourhoods::Entity::find()
        .order_by_asc(fund_neighbourhoods::Column::FundId)
        .order_by_asc(fund_neighbourhoods::Column::NeighbourhoodId)
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.fund_id, l.neighbourhood_id))
        .collect();
    let funds_changed: Vec<String> = funds::Entity::find()
        .order_by_asc(funds::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.updated_at.to_rfc3339())
        .collect();
    Ok((
        ledger.unwrap_or(0),
        events.unwrap_or(0),
        Utc::now().format("%Y-%m").to_string(),
        links,
        funds_changed,
    ))
}

/// At most this many words of a search are used.
const SEARCH_MAX_WORDS: usize = 8;
/// Characters of the description shown on a card.
const SUMMARY_CHARS: usize = 200;

/// The words of a search, lower-cased, without punctuation.
fn search_words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(SEARCH_MAX_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// A condition matching initiatives whose title or description contains
/// every word of `q` (as a word or the start of one). Words hold only
/// letters and digits, so they cannot change the query syntax; the whole
/// query is still passed as a bound value.
fn search_condition(backend: DbBackend, q: &str) -> Option<Expr> {
    let words = search_words(q);
    if words.is_empty() {
        return None;
    }
    match backend {
        DbBackend::Postgres => {
            let query = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            // sea-query numbers `$1` among the statement's other values.
            Some(Expr::cust_with_values(
                r#""initiatives"."search" @@ to_tsquery('dutch', $1)"#,
                [query],
            ))
        }
        _ => {
            let query = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            Some(Expr::cust_with_values(
                r#""initiatives"."id" IN (SELECT rowid FROM initiatives_fts WHERE initiatives_fts MATCH ?)"#,
                [query],
            ))
        }
    }
}

fn year_start(year: i32) -> DateTimeWithTimeZone {
    let day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .fixed_offset()
}

/// One page of public initiatives matching `f`, newest first.
///
/// # Errors
/// A database error.
pub async fn browse<C: ConnectionTrait>(
    db: &C,
    f: &Browse,
    limit: u64,
) -> Result<InitiativeList, ServiceError> {
    let mut query = initiatives::Entity::find().filter(initiatives::Column::IsPublic.eq(true));
    if let Some(slug) = &f.neighbourhood {
        let Some(n) = neighbourhoods::Entity::find()
            .filter(neighbourhoods::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
        else {
            return Ok(InitiativeList {
                items: Vec::new(),
                next: None,
            });
        };
        query = query.filter(initiatives::Column::NeighbourhoodId.eq(n.id));
    }
    if let Some(kind) = &f.kind {
        query = query.filter(initiatives::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = &f.status {
        query = query.filter(initiatives::Column::State.eq(status.as_str()));
    }
    if let Some(year) = f.year {
        query = query
            .filter(initiatives::Column::DecidedAt.gte(year_start(year)))
            .filter(initiatives::Column::DecidedAt.lt(year_start(year + 1)));
    }
    if let Some(after) = f.after {
        query = query.filter(initiatives::Column::Id.lt(after));
    }
    if let Some(cond) =
        f.q.as_deref()
            .and_then(|q| search_condition(db.get_database_backend(), q))
    {
        query = query.filter(cond);
    }
    let mut rows = query
        .order_by_desc(initiatives::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(InitiativeList {
        items: listed(db, rows).await?,
        next,
    })
}

/// Public cards for `rows` (all public), in the same order.
///
/// # Errors
/// A database error.
pub async fn listed<C: ConnectionTrait>(
    db: &C,
    rows: Vec<initiatives::Model>,
) -> Result<Vec<ListedInitiative>, ServiceError> {
    let areas: HashMap<i64, neighbourhoods::Model> = neighbourhoods::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let mut initiator_ids: Vec<i64> = rows.iter().map(|r| r.initiator_id).collect();
    initiator_ids.sort_unstable();
    initiator_ids.dedup();
    let names = public_names(db, initiator_ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let area = r.neighbourhood_id.and_then(|n| areas.get(&n));
            ListedInitiative {
                id: r.id,
                summary: r.description.chars().take(SUMMARY_CHARS).collect(),
                title: r.title,
                kind: r.kind,
                status: r.state,
                neighbourhood: area.map(|a| a.name.clone()).unwrap_or_default(),
                neighbourhood_slug: area.map(|a| a.slug.clone()).unwrap_or_default(),
                granted_cents: r.amount_approved_cents.unwrap_or(0),
                decided_on: r.decided_at.map(|d| d.date_naive().to_string()),
                funded_on: r.funded_at.map(|d| d.date_naive().to_string()),
                public_name: names.get(&r.initiator_id).cloned(),
            }
        })
        .collect())
}

/// The `limit` most recently paid-out public initiatives, newest first,
/// each with the moment of its payout.
///
/// # Errors
/// A database error.
pub async fn recently_funded<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<(ListedInitiative, DateTimeWithTimeZone)>, ServiceError> {
    let rows = initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .filter(initiatives::Column::FundedAt.is_not_null())
        .order_by_desc(initiatives::Column::FundedAt)
        .order_by_desc(initiatives::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let at: Vec<DateTimeWithTimeZone> = rows
        .iter()
        .map(|r| r.funded_at.unwrap_or(r.updated_at))
        .collect();
    Ok(listed(db, rows).await?.into_iter().zip(at).collect())
}

/// Ids of public initiatives, by id, one slice of `size` (for the sitemap),
/// and how many there are in all.
///
/// # Errors
/// A database error.
pub async fn public_ids<C: ConnectionTrait>(
    db: &C,
    page: u64,
    size: u64,
) -> Result<(Vec<i64>, u64), ServiceError> {
    use sea_orm::PaginatorTrait;
    let base = initiatives::Entity::find().filter(initiatives::Column::IsPublic.eq(true));
    let total = base.clone().count(db).await?;
    // A page number from the address can be anything: past the end (or
    // beyond what a u64 holds) there is nothing to ask the database for.
    let Some(skip) = page.checked_mul(size).filter(|s| *s < total.max(1)) else {
        return Ok((Vec::new(), total));
    };
    let ids = base
        .select_only()
        .column(initiatives::Column::Id)
        .order_by_asc(initiatives::Column::Id)
        .offset(skip)
        .limit(size)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok((ids, total))
}

/// The public names of `ids`: only of people who consented and were not erased.
///
/// # Errors
/// A database error.
pub async fn public_names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .filter(users::Column::PublicNameConsent.eq(true))
        .filter(users::Column::ErasedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|u| u.public_name.map(|n| (u.id, n)))
        .collect())
}

/// Every neighbourhood as (slug, name), by name.
///
/// # Errors
/// A database error.
pub async fn choices<C: ConnectionTrait>(db: &C) -> Result<Vec<(String, String)>, ServiceError> {
    Ok(neighbourhoods::Entity::find()
        .order_by_asc(neighbourhoods::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.slug, n.name))
        .collect())
}

/// Sums of one kind of initiative account, per neighbourhood.
async fn drawn_per_neighbourhood<C: ConnectionTrait>(
    db: &C,
    kind: &str,
) -> Result<HashMap<i64, i64>, ServiceError> {
    let rows: Vec<(Option<i64>, Option<i64>)> = ledger_entries::Entity::find()
        .select_only()
        .column(initiatives::Column::NeighbourhoodId)
        .column_as(
            Expr::cust(r#"CAST(SUM("ledger_entries"."cents") AS BIGINT)"#),
            "total",
        )
        .join(
            JoinType::InnerJoin,
            ledger_entries::Relation::LedgerAccounts.def(),
        )
        .join(
            JoinType::InnerJoin,
            ledger_accounts::Relation::Initiatives.def(),
        )
        .filter(ledger_accounts::Column::Kind.eq(kind))
        .group_by(initiatives::Column::NeighbourhoodId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(n, total)| Some((n?, total.unwrap_or(0))))
        .collect())
}

/// Every neighbourhood with what its initiatives hold, by name.
///
/// # Errors
/// A database error.
pub async fn neighbourhoods<C: ConnectionTrait>(
    db: &C,
    cache: &FiguresCache,
) -> Result<Vec<NeighbourhoodSummary>, ServiceError> {
    let v = version(db).await?;
    if let Some(Some(kept)) = cache.with(&v, |f| f.summaries.clone()) {
        return Ok(kept);
    }
    let fresh = compute_neighbourhoods(db).await?;
    cache.with(&v, |f| f.summaries = Some(fresh.clone()));
    Ok(fresh)
}

async fn compute_neighbourhoods<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<NeighbourhoodSummary>, ServiceError> {
    let committed = drawn_per_neighbourhood(db, AccountKey::InitiativeGranted(0).kind()).await?;
    let paid = drawn_per_neighbourhood(db, AccountKey::InitiativePaid(0).kind()).await?;
    let counts: HashMap<i64, i64> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::NeighbourhoodId)
        .column_as(initiatives::Column::Id.count(), "n")
        .filter(initiatives::Column::IsPublic.eq(true))
        .group_by(initiatives::Column::NeighbourhoodId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(n, c)| Some((n?, c)))
        .collect();
    Ok(neighbourhoods::Entity::find()
        .order_by_asc(neighbourhoods::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|n| NeighbourhoodSummary {
            committed_cents: committed.get(&n.id).copied().unwrap_or(0),
            paid_cents: paid.get(&n.id).copied().unwrap_or(0),
            initiatives: counts.get(&n.id).copied().unwrap_or(0),
            slug: n.slug,
            name: n.name,
        })
        .collect())
}

/// One neighbourhood: its money live from the ledger, its funds, its pace,
/// a month-by-month account of this year, and its newest initiatives.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown slug; a database error.
pub async fn neighbourhood<C: ConnectionTrait>(
    db: &C,
    cache: &FiguresCache,
    slug: &str,
) -> Result<NeighbourhoodDetail, ServiceError> {
    let area = neighbourhoods::Entity::find()
        .filter(neighbourhoods::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The newest initiatives are cheap and show public names, whose consent
    // can change without the ledger moving: always fresh.
    let recent = browse(
        db,
        &Browse {
            neighbourhood: Some(area.slug.clone()),
            ..Browse::default()
        },
        10,
    )
    .await?
    .items;
    let v = version(db).await?;
    let kept = cache
        .with(&v, |f| f.details.get(&area.id).cloned())
        .flatten();
    let mut detail = match kept {
        Some(d) => d,
        None => {
            let fresh = compute_neighbourhood(db, &area).await?;
            cache.with(&v, |f| f.details.insert(area.id, fresh.clone()));
            fresh
        }
    };
    detail.slug = area.slug;
    detail.name = area.name;
    detail.recent = recent;
    Ok(detail)
}

async fn compute_neighbourhood<C: ConnectionTrait>(
    db: &C,
    area: &neighbourhoods::Model,
) -> Result<NeighbourhoodDetail, ServiceError> {
    let links = fund_neighbourhoods::Entity::find().all(db).await?;
    let fund_ids: Vec<i64> = links
        .iter()
        .filter(|l| l.neighbourhood_id == area.id)
        .map(|l| l.fund_id)
        .collect();
    let mut funds_out = Vec::new();
    for fund in funds::Entity::find()
        .filter(funds::Column::Id.is_in(fund_ids))
        .order_by_desc(funds::Column::PeriodStart)
        .order_by_asc(funds::Column::Name)
        .all(db)
        .await?
    {
        let (committed, paid) = ledger::drawn_by_neighbourhood(db, fund.id, area.id).await?;
        funds_out.push(NeighbourhoodFund {
            budget_cents: -ledger::balance(db, AccountKey::FundSource(fund.id))
                .await?
                .0,
            remaining_cents: ledger::balance(db, AccountKey::FundAvailable(fund.id))
                .await?
                .0,
            neighbourhoods: i64::try_from(links.iter().filter(|l| l.fund_id == fund.id).count())
                .unwrap_or(i64::MAX),
            committed_cents: committed.0,
            paid_cents: paid.0,
            name: fund.name,
            period_start: fund.period_start.to_string(),
            period_end: fund.period_end.to_string(),
        });
    }

    let mut days: Vec<i64> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::SubmittedAt)
        .column(initiatives::Column::DecidedAt)
        .filter(initiatives::Column::NeighbourhoodId.eq(area.id))
        .filter(initiatives::Column::SubmittedAt.is_not_null())
        .filter(initiatives::Column::DecidedAt.is_not_null())
        .into_tuple::<(Option<DateTimeWithTimeZone>, Option<DateTimeWithTimeZone>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(s, d)| Some((d? - s?).num_days().max(0)))
        .collect();

    let per_status: HashMap<String, i64> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::State)
        .column_as(initiatives::Column::Id.count(), "n")
        .filter(initiatives::Column::NeighbourhoodId.eq(area.id))
        .filter(initiatives::Column::IsPublic.eq(true))
        .group_by(initiatives::Column::State)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let year = Utc::now().year();
    let months = month_by_month(db, area.id, year).await?;

    Ok(NeighbourhoodDetail {
        budget_cents: funds_out.iter().map(|f| f.budget_cents).sum(),
        committed_cents: funds_out.iter().map(|f| f.committed_cents).sum(),
        paid_cents: funds_out.iter().map(|f| f.paid_cents).sum(),
        remaining_cents: funds_out.iter().map(|f| f.remaining_cents).sum(),
        funds: funds_out,
        median_days_to_decision: median(&mut days),
        per_status: crate::api::public::public_states()
            .map(|s| StatusCount {
                status: s.as_str().to_string(),
                count: per_status.get(s.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        year,
        months,
        recent: Vec::new(),
        slug: area.slug.clone(),
        name: area.name.clone(),
    })
}

/// What the neighbourhood's initiatives had drawn (committed + paid) and
/// been paid at the end of each month of `year`, up to the current month.
async fn month_by_month<C: ConnectionTrait>(
    db: &C,
    neighbourhood_id: i64,
    year: i32,
) -> Result<Vec<MonthFigures>, ServiceError> {
    let granted = AccountKey::InitiativeGranted(0).kind();
    let paid = AccountKey::InitiativePaid(0).kind();
    let entries: Vec<(DateTimeWithTimeZone, String, i64)> = ledger_entries::Entity::find()
        .select_only()
        .column(ledger_transactions::Column::At)
        .column(ledger_accounts::Column::Kind)
        .column(ledger_entries::Column::Cents)
        .join(
            JoinType::InnerJoin,
            ledger_entries::Relation::LedgerAccounts.def(),
        )
        .join(
            JoinType::InnerJoin,
            ledger_entries::Relation::LedgerTransactions.def(),
        )
        .filter(ledger_accounts::Column::Kind.is_in([granted, paid]))
        .filter(
            ledger_accounts::Column::InitiativeId.in_subquery(
                Query::select()
                    .column(initiatives::Column::Id)
                    .from(initiatives::Entity)
                    .and_where(initiatives::Column::NeighbourhoodId.eq(neighbourhood_id))
                    .to_owned(),
            ),
        )
        .filter(ledger_transactions::Column::At.lt(year_start(year + 1)))
        .into_tuple()
        .all(db)
        .await?;
    let today = Utc::now();
    let last_month = if today.year() == year {
        today.month()
    } else {
        12
    };
    Ok((1..=last_month)
        .map(|month| {
            let end = if month == 12 {
                year_start(year + 1)
            } else {
                let day = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or_default();
                Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
                    .fixed_offset()
            };
            let sum = |kinds: &[&str]| -> i64 {
                entries
                    .iter()
                    .filter(|(at, kind, _)| *at < end && kinds.contains(&kind.as_str()))
                    .map(|(_, _, c)| c)
                    .sum()
            };
            MonthFigures {
                month: format!("{year}-{month:02}"),
                drawn_cents: sum(&[granted, paid]),
                paid_cents: sum(&[paid]),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_drop_punctuation_and_cannot_inject() {
        assert_eq!(
            search_words("Repair-café \"OR\" *  x:*"),
            vec!["repair", "café", "or", "x"]
        );
        assert!(search_words("  ~!@ ").is_empty());
        assert_eq!(search_words(&"a ".repeat(50)).len(), SEARCH_MAX_WORDS);
    }
}
