//! A bank account to pay to: the account holder and IBAN a resident gives
//! for the bank payout of their initiative, one per initiative.
//!
//! The holder and the IBAN are stored only sealed (`sealed`: AES-256-GCM
//! with a key from the configuration, a random nonce per value, bound to the
//! initiative); `masked` is the form that may be shown anywhere
//! (`NL** **** **** **43 00`). `revision` counts changes, so a payout form
//! can tell that the account changed after it was shown.
//!
//! A bank payout records which account it went to: the masked IBAN and the
//! holder, copied onto the payout row. That copy stays when the account is
//! erased (the bookkeeping needs it) and is purged after the retention period.
//!
//! The old plain `users.iban` column was never written by any version; it is
//! left alone here (the running version still reads it) and can be dropped
//! by a later contract migration.

use crate::{
    fk, index_on, m20261130_000001_accounts::Users, m20261130_000003_initiatives::Initiatives,
};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BankAccounts::Table)
                    .col(big_pk_auto(BankAccounts::Id))
                    .col(big_integer_uniq(BankAccounts::InitiativeId))
                    .col(big_integer(BankAccounts::UserId))
                    .col(text(BankAccounts::Sealed))
                    .col(string_len(BankAccounts::Masked, 64))
                    .col(big_integer(BankAccounts::Revision).default(1))
                    .col(timestamp_with_time_zone(BankAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(BankAccounts::UpdatedAt))
                    .foreign_key(&mut fk(
                        BankAccounts::Table,
                        BankAccounts::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        BankAccounts::Table,
                        BankAccounts::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_bank_accounts_user",
            BankAccounts::Table,
            BankAccounts::UserId,
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [
            string_len_null(Payouts::AccountMasked, 64).to_owned(),
            string_len_null(Payouts::AccountHolder, 140).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Payouts::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Payouts::AccountHolder, Payouts::AccountMasked] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Payouts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(BankAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum BankAccounts {
    Table,
    Id,
    InitiativeId,
    UserId,
    Sealed,
    Masked,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Payouts {
    Table,
    AccountMasked,
    AccountHolder,
}
