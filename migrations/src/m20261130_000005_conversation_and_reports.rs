//! After the decision: receipts and result reports; throughout: messages
//! between resident and coach, in-app notifications, and the mail outbox.

use crate::{
    drop_tables, fk, index_on, m20261130_000001_accounts::Users,
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
                    .table(Receipts::Table)
                    .col(big_pk_auto(Receipts::Id))
                    .col(big_integer(Receipts::InitiativeId))
                    .col(string(Receipts::StorageKey))
                    .col(string_len(Receipts::ContentType, 64))
                    .col(big_integer(Receipts::ByteSize))
                    .col(big_integer(Receipts::Cents))
                    .col(string(Receipts::Description))
                    .col(big_integer_null(Receipts::UploadedBy))
                    .col(timestamp_with_time_zone(Receipts::CreatedAt))
                    .foreign_key(&mut fk(
                        Receipts::Table,
                        Receipts::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Receipts::Table,
                        Receipts::UploadedBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_receipts_initiative",
            Receipts::Table,
            Receipts::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(big_pk_auto(Reports::Id))
                    .col(big_integer_uniq(Reports::InitiativeId))
                    .col(text(Reports::Story))
                    .col(integer(Reports::Participants))
                    .col(big_integer(Reports::SpentCents))
                    .col(timestamp_with_time_zone(Reports::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Reports::AcceptedAt))
                    .col(text_null(Reports::CoachFeedback))
                    .foreign_key(&mut fk(
                        Reports::Table,
                        Reports::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(big_pk_auto(Messages::Id))
                    .col(big_integer(Messages::InitiativeId))
                    .col(big_integer_null(Messages::AuthorId))
                    .col(text(Messages::Body))
                    .col(timestamp_with_time_zone(Messages::CreatedAt))
                    .foreign_key(&mut fk(
                        Messages::Table,
                        Messages::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Messages::Table,
                        Messages::AuthorId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_messages_initiative",
            Messages::Table,
            Messages::InitiativeId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk_auto(Notifications::Id))
                    .col(big_integer(Notifications::UserId))
                    .col(big_integer_null(Notifications::InitiativeId))
                    .col(string_len(Notifications::Kind, 32))
                    .col(text(Notifications::Detail).default(""))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .foreign_key(&mut fk(
                        Notifications::Table,
                        Notifications::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Notifications::Table,
                        Notifications::InitiativeId,
                        Initiatives::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on(
            manager,
            "idx_notifications_user",
            Notifications::Table,
            Notifications::UserId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(string(MailOutbox::ToAddress))
                    .col(string(MailOutbox::Subject))
                    .col(text(MailOutbox::BodyText))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(text_null(MailOutbox::LastError))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                MailOutbox::Table.into_iden(),
                Notifications::Table.into_iden(),
                Messages::Table.into_iden(),
                Reports::Table.into_iden(),
                Receipts::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Receipts {
    Table,
    Id,
    InitiativeId,
    StorageKey,
    ContentType,
    ByteSize,
    Cents,
    Description,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Reports {
    Table,
    Id,
    InitiativeId,
    Story,
    Participants,
    SpentCents,
    SubmittedAt,
    AcceptedAt,
    CoachFeedback,
}

#[derive(DeriveIden, Clone)]
enum Messages {
    Table,
    Id,
    InitiativeId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Notifications {
    Table,
    Id,
    UserId,
    InitiativeId,
    Kind,
    Detail,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden, Clone)]
enum MailOutbox {
    Table,
    Id,
    ToAddress,
    Subject,
    BodyText,
    CreatedAt,
    SentAt,
    Attempts,
    LastError,
}
