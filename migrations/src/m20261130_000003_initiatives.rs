//! Initiatives and what belongs to them: own-strength contributions, budget
//! lines, photos, co-initiators, and the append-only event log from which
//! every timeline, audit view and "days to decision" figure is computed.

use crate::{
    drop_tables, fk, index_on,
    m20261130_000001_accounts::Users,
    m20261130_000002_funds::{Funds, Neighbourhoods},
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
                    .table(Initiatives::Table)
                    .col(big_pk_auto(Initiatives::Id))
                    .col(string_len(Initiatives::Kind, 16))
                    .col(string(Initiatives::Title))
                    .col(text(Initiatives::Description))
                    .col(text(Initiatives::Beneficiaries))
                    .col(integer_null(Initiatives::ParticipantsExpected))
                    .col(big_integer_null(Initiatives::NeighbourhoodId))
                    .col(big_integer_null(Initiatives::FundId))
                    .col(date_null(Initiatives::StartsOn))
                    .col(date_null(Initiatives::EndsOn))
                    .col(string_len(Initiatives::State, 24))
                    .col(string_len(Initiatives::WizardStep, 24).default("idea"))
                    .col(big_integer(Initiatives::AmountAskedCents).default(0))
                    .col(big_integer(Initiatives::OwnContributionCents).default(0))
                    .col(big_integer_null(Initiatives::AmountApprovedCents))
                    .col(text_null(Initiatives::ApprovalConditions))
                    .col(big_integer(Initiatives::InitiatorId))
                    .col(big_integer_null(Initiatives::CoachId))
                    .col(big_integer_null(Initiatives::ApprovedBy))
                    .col(boolean(Initiatives::IsPublic).default(false))
                    .col(timestamp_with_time_zone_null(Initiatives::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Initiatives::DecidedAt))
                    .col(timestamp_with_time_zone_null(Initiatives::FundedAt))
                    .col(timestamp_with_time_zone(Initiatives::CreatedAt))
                    .col(timestamp_with_time_zone(Initiatives::UpdatedAt))
                    .check(Expr::col(Initiatives::AmountAskedCents).gte(0))
                    .foreign_key(&mut fk(
                        Initiatives::Table,
                        Initiatives::NeighbourhoodId,
                        Neighbourhoods::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Initiatives::Table,
                        Initiatives::FundId,
                        Funds::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Initiatives::Table,
                        Initiatives::InitiatorId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Initiatives::Table,
                        Initiatives::CoachId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        Initiatives::Table,
                        Initiatives::ApprovedBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_initiatives_state", vec![Initiatives::State]),
            (
                "idx_initiatives_neighbourhood_state",
                vec![Initiatives::NeighbourhoodId, Initiatives::State],
            ),
            ("idx_initiatives_initiator", vec![Initiatives::InitiatorId]),
            ("idx_initiatives_coach", vec![Initiatives::CoachId]),
            ("idx_initiatives_funded_at", vec![Initiatives::FundedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Initiatives::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OwnStrengthLines::Table)
                    .col(big_pk_auto(OwnStrengthLines::Id))
                    .col(big_integer(OwnStrengthLines::InitiativeId))
                    .col(string(OwnStrengthLines::Who))
                    .col(string_len(OwnStrengthLines::ContributionKind, 16))
                    .col(text(OwnStrengthLines::Description))
                    .col(big_integer_null(OwnStrengthLines::ValueCents))
                    .col(integer(OwnStrengthLines::Position))
                    .foreign_key(&mut fk(
                        OwnStrengthLines::Table,
                        OwnStrengthLines::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_own_strength_initiative",
            OwnStrengthLines::Table,
            OwnStrengthLines::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(BudgetLines::Table)
                    .col(big_pk_auto(BudgetLines::Id))
                    .col(big_integer(BudgetLines::InitiativeId))
                    .col(string(BudgetLines::Item))
                    .col(big_integer(BudgetLines::Cents))
                    .col(integer(BudgetLines::Position))
                    .check(Expr::col(BudgetLines::Cents).gte(0))
                    .foreign_key(&mut fk(
                        BudgetLines::Table,
                        BudgetLines::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_budget_lines_initiative",
            BudgetLines::Table,
            BudgetLines::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Photos::Table)
                    .col(big_pk_auto(Photos::Id))
                    .col(big_integer(Photos::InitiativeId))
                    .col(big_integer_null(Photos::ReportId))
                    .col(string(Photos::StorageKey))
                    .col(string(Photos::ThumbnailKey))
                    .col(string_len(Photos::ContentType, 32))
                    .col(big_integer(Photos::ByteSize))
                    .col(integer(Photos::Width))
                    .col(integer(Photos::Height))
                    .col(string(Photos::AltText))
                    .col(integer(Photos::Position))
                    .col(timestamp_with_time_zone(Photos::CreatedAt))
                    .foreign_key(&mut fk(
                        Photos::Table,
                        Photos::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_photos_initiative",
            Photos::Table,
            Photos::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CoInitiators::Table)
                    .col(big_pk_auto(CoInitiators::Id))
                    .col(big_integer(CoInitiators::InitiativeId))
                    .col(string(CoInitiators::Email))
                    .col(big_integer_null(CoInitiators::UserId))
                    .col(timestamp_with_time_zone(CoInitiators::InvitedAt))
                    .col(timestamp_with_time_zone_null(CoInitiators::AcceptedAt))
                    .foreign_key(&mut fk(
                        CoInitiators::Table,
                        CoInitiators::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CoInitiators::Table,
                        CoInitiators::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_co_initiators_unique")
                    .table(CoInitiators::Table)
                    .col(CoInitiators::InitiativeId)
                    .col(CoInitiators::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Id))
                    .col(big_integer(Events::InitiativeId))
                    .col(big_integer_null(Events::ActorId))
                    .col(string_len(Events::Action, 24))
                    .col(string_len_null(Events::FromState, 24))
                    .col(string_len(Events::ToState, 24))
                    .col(big_integer_null(Events::AmountCents))
                    .col(text_null(Events::Reason))
                    .col(timestamp_with_time_zone(Events::At))
                    .foreign_key(&mut fk(
                        Events::Table,
                        Events::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Events::Table,
                        Events::ActorId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_events_initiative",
            Events::Table,
            Events::InitiativeId,
        )
        .await?;
        index_on(manager, "idx_events_at", Events::Table, Events::At).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Events::Table.into_iden(),
                CoInitiators::Table.into_iden(),
                Photos::Table.into_iden(),
                BudgetLines::Table.into_iden(),
                OwnStrengthLines::Table.into_iden(),
                Initiatives::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub(crate) enum Initiatives {
    Table,
    Id,
    Kind,
    Title,
    Description,
    Beneficiaries,
    ParticipantsExpected,
    NeighbourhoodId,
    FundId,
    StartsOn,
    EndsOn,
    State,
    WizardStep,
    AmountAskedCents,
    OwnContributionCents,
    AmountApprovedCents,
    ApprovalConditions,
    InitiatorId,
    CoachId,
    ApprovedBy,
    IsPublic,
    SubmittedAt,
    DecidedAt,
    FundedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum OwnStrengthLines {
    Table,
    Id,
    InitiativeId,
    Who,
    ContributionKind,
    Description,
    ValueCents,
    Position,
}

#[derive(DeriveIden, Clone)]
enum BudgetLines {
    Table,
    Id,
    InitiativeId,
    Item,
    Cents,
    Position,
}

#[derive(DeriveIden, Clone)]
pub(crate) enum Photos {
    Table,
    Id,
    InitiativeId,
    ReportId,
    StorageKey,
    ThumbnailKey,
    ContentType,
    ByteSize,
    Width,
    Height,
    AltText,
    Position,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum CoInitiators {
    Table,
    Id,
    InitiativeId,
    Email,
    UserId,
    InvitedAt,
    AcceptedAt,
}

#[derive(DeriveIden, Clone)]
enum Events {
    Table,
    Id,
    InitiativeId,
    ActorId,
    Action,
    FromState,
    ToState,
    AmountCents,
    Reason,
    At,
}
