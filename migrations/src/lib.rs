//! Database migrations for Buurtfonds.
//!
//! One file per change, never importing entities: a migration describes the
//! schema as it was at that moment, so later entity changes cannot rewrite history.
//! Changes follow expand/contract: add, backfill, then constrain.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_accounts;
mod m20261130_000002_funds;
mod m20261130_000003_initiatives;
mod m20261130_000004_money;
mod m20261130_000005_conversation_and_reports;
mod m20261130_000006_append_only_log;
mod m20261130_000007_wizard;
mod m20261130_000008_public_search;
mod m20261130_000009_payments;
mod m20261201_000010_one_active_payout;
mod m20261202_000011_payout_states;
mod m20261202_000012_bank_accounts;

/// Applies every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_accounts::Migration),
            Box::new(m20261130_000002_funds::Migration),
            Box::new(m20261130_000003_initiatives::Migration),
            Box::new(m20261130_000004_money::Migration),
            Box::new(m20261130_000005_conversation_and_reports::Migration),
            Box::new(m20261130_000006_append_only_log::Migration),
            Box::new(m20261130_000007_wizard::Migration),
            Box::new(m20261130_000008_public_search::Migration),
            Box::new(m20261130_000009_payments::Migration),
            Box::new(m20261201_000010_one_active_payout::Migration),
            Box::new(m20261202_000011_payout_states::Migration),
            Box::new(m20261202_000012_bank_accounts::Migration),
        ]
    }
}

/// A foreign key from `from_table.from_col` to `to_table.id`.
pub(crate) fn fk(
    from_table: impl IntoTableRef,
    from_col: impl IntoIden,
    to_table: impl IntoTableRef,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .take()
}

/// Creates a plain index on one column.
pub(crate) async fn index_on<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    col: C,
) -> Result<(), DbErr>
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
{
    manager
        .create_index(Index::create().name(name).table(table).col(col).to_owned())
        .await
}

/// Drops `tables` in the order given (children before parents).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: Vec<DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}
