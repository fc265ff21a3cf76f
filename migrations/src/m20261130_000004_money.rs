//! Money: a double-entry ledger in integer cents (accounts, transactions whose
//! entries sum to zero), payouts with idempotency keys, donations, and the
//! Stripe events already processed.

use crate::{
    drop_tables, fk, index_on, m20261130_000001_accounts::Users, m20261130_000002_funds::Funds,
    m20261130_000003_initiatives::Initiatives,
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
                    .table(LedgerAccounts::Table)
                    .col(big_pk_auto(LedgerAccounts::Id))
                    .col(string_len_uniq(LedgerAccounts::Key, 64))
                    .col(string_len(LedgerAccounts::Kind, 32))
                    .col(big_integer_null(LedgerAccounts::FundId))
                    .col(big_integer_null(LedgerAccounts::InitiativeId))
                    .foreign_key(&mut fk(
                        LedgerAccounts::Table,
                        LedgerAccounts::FundId,
                        Funds::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        LedgerAccounts::Table,
                        LedgerAccounts::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_ledger_accounts_fund",
            LedgerAccounts::Table,
            LedgerAccounts::FundId,
        )
        .await?;
        index_on(
            manager,
            "idx_ledger_accounts_initiative",
            LedgerAccounts::Table,
            LedgerAccounts::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerTransactions::Table)
                    .col(big_pk_auto(LedgerTransactions::Id))
                    .col(string_len(LedgerTransactions::Kind, 32))
                    .col(big_integer_null(LedgerTransactions::InitiativeId))
                    .col(big_integer_null(LedgerTransactions::EventId))
                    .col(text(LedgerTransactions::Memo).default(""))
                    .col(timestamp_with_time_zone(LedgerTransactions::At))
                    .foreign_key(&mut fk(
                        LedgerTransactions::Table,
                        LedgerTransactions::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(big_pk_auto(LedgerEntries::Id))
                    .col(big_integer(LedgerEntries::TransactionId))
                    .col(big_integer(LedgerEntries::AccountId))
                    .col(big_integer(LedgerEntries::Cents))
                    .foreign_key(&mut fk(
                        LedgerEntries::Table,
                        LedgerEntries::TransactionId,
                        LedgerTransactions::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        LedgerEntries::Table,
                        LedgerEntries::AccountId,
                        LedgerAccounts::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_ledger_entries_account",
            LedgerEntries::Table,
            LedgerEntries::AccountId,
        )
        .await?;
        index_on(
            manager,
            "idx_ledger_entries_transaction",
            LedgerEntries::Table,
            LedgerEntries::TransactionId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Payouts::Table)
                    .col(big_pk_auto(Payouts::Id))
                    .col(big_integer(Payouts::InitiativeId))
                    .col(big_integer(Payouts::Cents))
                    .col(string_len(Payouts::Method, 16))
                    .col(string_null(Payouts::Reference))
                    .col(date_null(Payouts::TransferredOn))
                    .col(string_len_uniq(Payouts::IdempotencyKey, 64))
                    .col(string_len(Payouts::State, 16))
                    .col(string_null(Payouts::StripeTransferId))
                    .col(text_null(Payouts::FailureReason))
                    .col(big_integer_null(Payouts::CreatedBy))
                    .col(timestamp_with_time_zone(Payouts::CreatedAt))
                    .col(timestamp_with_time_zone(Payouts::UpdatedAt))
                    .check(Expr::col(Payouts::Cents).gt(0))
                    .foreign_key(&mut fk(
                        Payouts::Table,
                        Payouts::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Payouts::Table,
                        Payouts::CreatedBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_payouts_initiative",
            Payouts::Table,
            Payouts::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Donations::Table)
                    .col(big_pk_auto(Donations::Id))
                    .col(big_integer(Donations::InitiativeId))
                    .col(big_integer(Donations::Cents))
                    .col(big_integer(Donations::MatchCents).default(0))
                    .col(string_null(Donations::DisplayName))
                    .col(string_len(Donations::State, 16))
                    .col(string_null(Donations::StripeCheckoutSessionId).unique_key())
                    .col(string_null(Donations::StripePaymentIntentId))
                    .col(timestamp_with_time_zone(Donations::CreatedAt))
                    .col(timestamp_with_time_zone(Donations::UpdatedAt))
                    .check(Expr::col(Donations::Cents).gt(0))
                    .foreign_key(&mut fk(
                        Donations::Table,
                        Donations::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_donations_initiative",
            Donations::Table,
            Donations::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(string_len(StripeEvents::Id, 255).primary_key())
                    .col(string(StripeEvents::EventType))
                    .col(big_integer(StripeEvents::StripeCreated))
                    .col(text(StripeEvents::Payload))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .col(timestamp_with_time_zone_null(StripeEvents::ProcessedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                StripeEvents::Table.into_iden(),
                Donations::Table.into_iden(),
                Payouts::Table.into_iden(),
                LedgerEntries::Table.into_iden(),
                LedgerTransactions::Table.into_iden(),
                LedgerAccounts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum LedgerAccounts {
    Table,
    Id,
    /// Stable natural key such as `fund_available:3`: one account per kind and owner.
    Key,
    Kind,
    FundId,
    InitiativeId,
}

#[derive(DeriveIden, Clone)]
enum LedgerTransactions {
    Table,
    Id,
    Kind,
    InitiativeId,
    EventId,
    Memo,
    At,
}

#[derive(DeriveIden, Clone)]
enum LedgerEntries {
    Table,
    Id,
    TransactionId,
    AccountId,
    Cents,
}

#[derive(DeriveIden, Clone)]
enum Payouts {
    Table,
    Id,
    InitiativeId,
    Cents,
    Method,
    Reference,
    TransferredOn,
    IdempotencyKey,
    State,
    StripeTransferId,
    FailureReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Donations {
    Table,
    Id,
    InitiativeId,
    Cents,
    MatchCents,
    DisplayName,
    State,
    StripeCheckoutSessionId,
    StripePaymentIntentId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum StripeEvents {
    Table,
    Id,
    EventType,
    StripeCreated,
    Payload,
    ReceivedAt,
    ProcessedAt,
}
