//! Payout states of their own, and rounds for top-ups.
//!
//! `pending` meant two things: a payout being sent right now, and one whose
//! answer was lost. They are `sending` and `unknown` now (an old `pending`
//! row's outcome is not known: it becomes `unknown`, to be checked at Stripe).
//!
//! A payout records how much of it is neighbours' gifts (`gift_cents`; the
//! rest is grant and match), so that a payout sent back returns each part to
//! where it came from.
//!
//! A payout has a `round`: 0 for the grant's payout, 1, 2, … for top-ups of
//! what arrived after it (gifts, their match). The unique index of
//! migration 10 (`idx_payouts_one_active`) becomes `idx_payouts_one_active_per_round`: one active payout (sending, unknown or paid) per
//! initiative *and round*, for both methods: two payouts of one round can
//! never both succeed, and two top-ups racing for the next round neither.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("payouts"))
                    .add_column(
                        ColumnDef::new(Alias::new("round"))
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("payouts"))
                    .add_column(
                        ColumnDef::new(Alias::new("gift_cents"))
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE payouts SET state = 'unknown' WHERE state = 'pending'")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_payouts_one_active")
                    .table(Alias::new("payouts"))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_payouts_one_active_per_round ON payouts (initiative_id, round) \
             WHERE state IN ('sending', 'unknown', 'paid')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_payouts_one_active_per_round")
            .await?;
        db.execute_unprepared(
            "UPDATE payouts SET state = 'pending' WHERE state IN ('sending', 'unknown')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_payouts_one_active ON payouts (initiative_id) \
             WHERE state IN ('pending', 'paid')",
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("payouts"))
                    .drop_column(Alias::new("round"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("payouts"))
                    .drop_column(Alias::new("gift_cents"))
                    .to_owned(),
            )
            .await
    }
}
