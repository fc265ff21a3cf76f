//! One payout per grant, guaranteed by the database: at most one payout of
//! an initiative may be active — being sent to Stripe with its outcome not
//! known yet (`pending`) or done (`paid`) — whatever its method. A bank
//! payout and a Stripe payout fired at the same moment can then never both
//! go through: the second insert fails on this index, and its transaction
//! (for a bank payout, the payout step itself) rolls back. Failed and
//! reversed payouts do not count, so a returned payout can be paid again.
//!
//! A partial unique index, written the same in SQLite and PostgreSQL. On a
//! database that already holds two active payouts of one initiative the
//! migration stops: that is a double payment to sort out by hand first.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_payouts_one_active ON payouts (initiative_id) \
                 WHERE state IN ('pending', 'paid')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_payouts_one_active")
                    .table(Alias::new("payouts"))
                    .to_owned(),
            )
            .await
    }
}
