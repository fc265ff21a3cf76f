//! The ledger in the database: accounts found by their natural key,
//! transactions whose entries sum to zero (checked by the domain type before
//! anything is written), and balances derived by summing entries.

use crate::domain::{
    ledger::{AccountKey, FundFigures, LedgerError, LedgerTransaction},
    Cents,
};
use crate::ssr::entities::{ledger_accounts, ledger_entries, ledger_transactions};
use crate::ssr::error::ServiceError;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationTrait,
};

/// The id of the account with `key`, creating it when it does not exist yet.
///
/// # Errors
/// A database error.
pub async fn account_id<C: ConnectionTrait>(db: &C, key: AccountKey) -> Result<i64, ServiceError> {
    let natural = key.key();
    if let Some(a) = ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::Key.eq(&natural))
        .one(db)
        .await?
    {
        return Ok(a.id);
    }
    ledger_accounts::Entity::insert(ledger_accounts::ActiveModel {
        key: Set(natural.clone()),
        kind: Set(key.kind().to_string()),
        fund_id: Set(key.fund_id()),
        initiative_id: Set(key.initiative_id()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(ledger_accounts::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    ledger_accounts::Entity::find()
        .filter(ledger_accounts::Column::Key.eq(&natural))
        .one(db)
        .await?
        .map(|a| a.id)
        .ok_or(ServiceError::NotFound)
}

/// Writes a balanced transaction. Call inside the database transaction that
/// also changes the state the money belongs to.
///
/// # Errors
/// A database error.
pub async fn book<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    initiative_id: Option<i64>,
    event_id: Option<i64>,
    memo: &str,
    tx: &LedgerTransaction,
) -> Result<i64, ServiceError> {
    let header = ledger_transactions::Entity::insert(ledger_transactions::ActiveModel {
        kind: Set(kind.to_string()),
        initiative_id: Set(initiative_id),
        event_id: Set(event_id),
        memo: Set(memo.to_string()),
        at: Set(super::now()),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let mut rows = Vec::with_capacity(tx.entries().len());
    for e in tx.entries() {
        rows.push(ledger_entries::ActiveModel {
            transaction_id: Set(header),
            account_id: Set(account_id(db, e.account).await?),
            cents: Set(e.cents.0),
            ..Default::default()
        });
    }
    ledger_entries::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(header)
}

/// The balance of one account: the sum of its entries.
///
/// # Errors
/// A database error.
pub async fn balance<C: ConnectionTrait>(db: &C, key: AccountKey) -> Result<Cents, ServiceError> {
    sum_where(db, ledger_accounts::Column::Key.eq(key.key())).await
}

/// The balance that transactions with `memo` moved onto account `key`.
///
/// # Errors
/// A database error.
pub async fn sum_for_memo<C: ConnectionTrait>(
    db: &C,
    memo: &str,
    key: AccountKey,
) -> Result<Cents, ServiceError> {
    use crate::ssr::entities::ledger_transactions;
    sum_where(
        db,
        sea_orm::Condition::all()
            .add(ledger_accounts::Column::Key.eq(key.key()))
            .add(
                ledger_entries::Column::TransactionId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(ledger_transactions::Column::Id)
                        .from(ledger_transactions::Entity)
                        .and_where(ledger_transactions::Column::Memo.eq(memo))
                        .to_owned(),
                ),
            ),
    )
    .await
}

async fn sum_where<C: ConnectionTrait>(
    db: &C,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> Result<Cents, ServiceError> {
    let sum: Option<Option<i64>> = ledger_entries::Entity::find()
        .select_only()
        .column_as(
            // PostgreSQL sums BIGINT into NUMERIC; cast back so both databases agree.
            Expr::from(Func::cast_as(
                Func::sum(Expr::col((
                    ledger_entries::Entity,
                    ledger_entries::Column::Cents,
                ))),
                "BIGINT",
            )),
            "total",
        )
        .join(
            JoinType::InnerJoin,
            ledger_entries::Relation::LedgerAccounts.def(),
        )
        .filter(condition)
        .into_tuple()
        .one(db)
        .await?;
    Ok(Cents(sum.flatten().unwrap_or(0)))
}

/// Refuses a commit of `amount` when the fund has less available.
///
/// # Errors
/// [`LedgerError::FundExhausted`] with what is left, or a database error.
pub async fn ensure_available<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
    amount: Cents,
) -> Result<(), ServiceError> {
    let available = balance(db, AccountKey::FundAvailable(fund_id)).await?;
    if available < amount {
        return Err(LedgerError::FundExhausted {
            available,
            needed: amount,
        }
        .into());
    }
    Ok(())
}

/// Budget, committed, paid and remaining of a fund, live from the ledger.
///
/// # Errors
/// A database error.
pub async fn fund_figures<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
) -> Result<FundFigures, ServiceError> {
    use crate::ssr::entities::initiatives;
    let of_fund_initiatives = |kind: &'static str| {
        sea_orm::Condition::all()
            .add(ledger_accounts::Column::Kind.eq(kind))
            .add(
                ledger_accounts::Column::InitiativeId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(initiatives::Column::Id)
                        .from(initiatives::Entity)
                        .and_where(initiatives::Column::FundId.eq(fund_id))
                        .to_owned(),
                ),
            )
    };
    let budget = balance(db, AccountKey::FundSource(fund_id)).await?;
    Ok(FundFigures {
        budget: Cents(-budget.0),
        committed: sum_where(db, of_fund_initiatives("initiative_granted")).await?,
        paid: sum_where(db, of_fund_initiatives("initiative_paid")).await?,
        remaining: balance(db, AccountKey::FundAvailable(fund_id)).await?,
    })
}

/// What the initiatives of `fund_id` in `neighbourhood_id` hold: still
/// committed (granted, not yet paid) and paid out.
///
/// # Errors
/// A database error.
pub async fn drawn_by_neighbourhood<C: ConnectionTrait>(
    db: &C,
    fund_id: i64,
    neighbourhood_id: i64,
) -> Result<(Cents, Cents), ServiceError> {
    use crate::ssr::entities::initiatives;
    let of = |kind: &'static str| {
        sea_orm::Condition::all()
            .add(ledger_accounts::Column::Kind.eq(kind))
            .add(
                ledger_accounts::Column::InitiativeId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(initiatives::Column::Id)
                        .from(initiatives::Entity)
                        .and_where(initiatives::Column::FundId.eq(fund_id))
                        .and_where(initiatives::Column::NeighbourhoodId.eq(neighbourhood_id))
                        .to_owned(),
                ),
            )
    };
    Ok((
        sum_where(db, of("initiative_granted")).await?,
        sum_where(db, of("initiative_paid")).await?,
    ))
}

/// The sum of every entry in the ledger: zero when it is sound.
///
/// # Errors
/// A database error.
pub async fn total<C: ConnectionTrait>(db: &C) -> Result<i64, ServiceError> {
    Ok(sum_where(db, sea_orm::Condition::all()).await?.0)
}
