//! People and their sessions: users with a role, server-side sessions, and
//! single-use tokens for e-mail verification, password reset and invitations.

use crate::{drop_tables, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_uniq(Users::Email))
                    .col(string_null(Users::PasswordHash))
                    .col(string(Users::DisplayName))
                    .col(string_null(Users::PublicName))
                    .col(boolean(Users::PublicNameConsent).default(false))
                    .col(string_len(Users::Role, 16))
                    .col(string_len(Users::Locale, 8).default("nl"))
                    .col(string_null(Users::Phone))
                    .col(text_null(Users::Address))
                    .col(string_null(Users::Iban))
                    .col(string_null(Users::StripeAccountId))
                    .col(boolean(Users::StripePayoutsEnabled).default(false))
                    .col(timestamp_with_time_zone_null(Users::VerifiedAt))
                    .col(timestamp_with_time_zone_null(Users::ErasedAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(big_integer(Sessions::UserId))
                    .col(string_len(Sessions::CsrfToken, 64))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_null(Sessions::UserAgent))
                    .foreign_key(&mut fk(
                        Sessions::Table,
                        Sessions::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuthTokens::Table)
                    .col(big_pk_auto(AuthTokens::Id))
                    .col(big_integer(AuthTokens::UserId))
                    .col(string_len(AuthTokens::Purpose, 32))
                    .col(string_len_uniq(AuthTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(AuthTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AuthTokens::UsedAt))
                    .col(timestamp_with_time_zone(AuthTokens::CreatedAt))
                    .foreign_key(&mut fk(
                        AuthTokens::Table,
                        AuthTokens::UserId,
                        Users::Table,
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
                AuthTokens::Table.into_iden(),
                Sessions::Table.into_iden(),
                Users::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    PublicName,
    PublicNameConsent,
    Role,
    Locale,
    Phone,
    Address,
    Iban,
    StripeAccountId,
    StripePayoutsEnabled,
    VerifiedAt,
    ErasedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Sessions {
    Table,
    Id,
    UserId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    UserAgent,
}

#[derive(DeriveIden, Clone)]
enum AuthTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}
