//! Places and money pots: neighbourhoods, funds per period, which
//! neighbourhoods a fund covers, and each coach's mandate and neighbourhoods.

use crate::{drop_tables, fk, m20261130_000001_accounts::Users};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Neighbourhoods::Table)
                    .col(big_pk_auto(Neighbourhoods::Id))
                    .col(string_len_uniq(Neighbourhoods::Slug, 80))
                    .col(string(Neighbourhoods::Name))
                    .col(text(Neighbourhoods::Description).default(""))
                    .col(timestamp_with_time_zone(Neighbourhoods::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Funds::Table)
                    .col(big_pk_auto(Funds::Id))
                    .col(string(Funds::Name))
                    .col(date(Funds::PeriodStart))
                    .col(date(Funds::PeriodEnd))
                    .col(big_integer(Funds::BudgetCents))
                    .col(big_integer(Funds::MaxGrantCents))
                    .col(integer(Funds::MatchPercent).default(0))
                    .col(big_integer(Funds::MatchCapCents).default(0))
                    .col(timestamp_with_time_zone(Funds::CreatedAt))
                    .col(timestamp_with_time_zone(Funds::UpdatedAt))
                    .check(Expr::col(Funds::BudgetCents).gte(0))
                    .check(Expr::col(Funds::MaxGrantCents).gte(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FundNeighbourhoods::Table)
                    .col(big_integer(FundNeighbourhoods::FundId))
                    .col(big_integer(FundNeighbourhoods::NeighbourhoodId))
                    .primary_key(
                        Index::create()
                            .col(FundNeighbourhoods::FundId)
                            .col(FundNeighbourhoods::NeighbourhoodId),
                    )
                    .foreign_key(&mut fk(
                        FundNeighbourhoods::Table,
                        FundNeighbourhoods::FundId,
                        Funds::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        FundNeighbourhoods::Table,
                        FundNeighbourhoods::NeighbourhoodId,
                        Neighbourhoods::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoachMandates::Table)
                    .col(big_integer(CoachMandates::CoachId).primary_key())
                    .col(big_integer(CoachMandates::MaxCents))
                    .col(big_integer_null(CoachMandates::SetBy))
                    .col(timestamp_with_time_zone(CoachMandates::UpdatedAt))
                    .check(Expr::col(CoachMandates::MaxCents).gte(0))
                    .foreign_key(&mut fk(
                        CoachMandates::Table,
                        CoachMandates::CoachId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CoachMandates::Table,
                        CoachMandates::SetBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoachNeighbourhoods::Table)
                    .col(big_integer(CoachNeighbourhoods::CoachId))
                    .col(big_integer(CoachNeighbourhoods::NeighbourhoodId))
                    .primary_key(
                        Index::create()
                            .col(CoachNeighbourhoods::CoachId)
                            .col(CoachNeighbourhoods::NeighbourhoodId),
                    )
                    .foreign_key(&mut fk(
                        CoachNeighbourhoods::Table,
                        CoachNeighbourhoods::CoachId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CoachNeighbourhoods::Table,
                        CoachNeighbourhoods::NeighbourhoodId,
                        Neighbourhoods::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                CoachNeighbourhoods::Table.into_iden(),
                CoachMandates::Table.into_iden(),
                FundNeighbourhoods::Table.into_iden(),
                Funds::Table.into_iden(),
                Neighbourhoods::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub(crate) enum Neighbourhoods {
    Table,
    Id,
    Slug,
    Name,
    Description,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
pub(crate) enum Funds {
    Table,
    Id,
    Name,
    PeriodStart,
    PeriodEnd,
    BudgetCents,
    MaxGrantCents,
    /// Euro cents the fund adds per 100 cents given by neighbours (100 = one for one).
    MatchPercent,
    /// The most the fund adds by matching to one initiative.
    MatchCapCents,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum FundNeighbourhoods {
    Table,
    FundId,
    NeighbourhoodId,
}

#[derive(DeriveIden, Clone)]
enum CoachMandates {
    Table,
    CoachId,
    MaxCents,
    SetBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum CoachNeighbourhoods {
    Table,
    CoachId,
    NeighbourhoodId,
}
