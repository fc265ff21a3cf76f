//! What the propose wizard needs beyond the first schema: the text in which
//! a resident says what they bring themselves, and the (hashed) token of an
//! invitation to become co-initiator.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Initiatives::Table)
                    .add_column(text_null(Initiatives::OwnInput))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CoInitiators::Table)
                    .add_column(string_len_null(CoInitiators::TokenHash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_co_initiators_token")
                    .table(CoInitiators::Table)
                    .col(CoInitiators::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_co_initiators_token")
                    .table(CoInitiators::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CoInitiators::Table)
                    .drop_column(CoInitiators::TokenHash)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Initiatives::Table)
                    .drop_column(Initiatives::OwnInput)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Initiatives {
    Table,
    OwnInput,
}

#[derive(DeriveIden)]
enum CoInitiators {
    Table,
    TokenHash,
}
