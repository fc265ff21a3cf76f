//! What the Stripe payments need beyond the first money schema: how much of a
//! gift was refunded and how much of its match went back to the fund, the
//! charge a gift was paid with, when a refund was asked for, and the moment of
//! the newest `account.updated` event applied to a payout account (so events
//! arriving out of order cannot turn a newer state back), and the signature
//! an event came with, so an event kept for later is verified again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            big_integer(Donations::RefundedCents).default(0).to_owned(),
            big_integer(Donations::MatchReturnedCents)
                .default(0)
                .to_owned(),
            string_null(Donations::StripeChargeId).to_owned(),
            timestamp_with_time_zone_null(Donations::RefundRequestedAt).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Donations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_donations_payment_intent")
                    .table(Donations::Table)
                    .col(Donations::StripePaymentIntentId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer(Users::StripeAccountEventAt).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StripeEvents::Table)
                    .add_column(text_null(StripeEvents::Signature))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_stripe_account")
                    .table(Users::Table)
                    .col(Users::StripeAccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StripeEvents::Table)
                    .drop_column(StripeEvents::Signature)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_stripe_account")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::StripeAccountEventAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_donations_payment_intent")
                    .table(Donations::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Donations::RefundRequestedAt,
            Donations::StripeChargeId,
            Donations::MatchReturnedCents,
            Donations::RefundedCents,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Donations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Donations {
    Table,
    RefundedCents,
    MatchReturnedCents,
    StripeChargeId,
    StripePaymentIntentId,
    RefundRequestedAt,
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Signature,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    StripeAccountId,
    StripeAccountEventAt,
}
