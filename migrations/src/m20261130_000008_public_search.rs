//! The public side at scale: full-text search over an initiative's title and
//! description (SQLite FTS5 kept in step by triggers; on PostgreSQL a
//! generated `tsvector` column with a GIN index), and indexes that let the
//! public list, filtered by neighbourhood, walk newest first by id.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE initiatives_fts USING fts5(title, description, \
     content='initiatives', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER initiatives_fts_insert AFTER INSERT ON initiatives BEGIN \
     INSERT INTO initiatives_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER initiatives_fts_delete AFTER DELETE ON initiatives BEGIN \
     INSERT INTO initiatives_fts(initiatives_fts, rowid, title, description) \
     VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER initiatives_fts_update AFTER UPDATE OF title, description ON initiatives BEGIN \
     INSERT INTO initiatives_fts(initiatives_fts, rowid, title, description) \
     VALUES ('delete', old.id, old.title, old.description); \
     INSERT INTO initiatives_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "INSERT INTO initiatives_fts(initiatives_fts) VALUES ('rebuild')",
];
const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS initiatives_fts_update",
    "DROP TRIGGER IF EXISTS initiatives_fts_delete",
    "DROP TRIGGER IF EXISTS initiatives_fts_insert",
    "DROP TABLE IF EXISTS initiatives_fts",
];
const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE initiatives ADD COLUMN search tsvector GENERATED ALWAYS AS \
     (to_tsvector('dutch', coalesce(title, '') || ' ' || coalesce(description, ''))) STORED",
    "CREATE INDEX idx_initiatives_search ON initiatives USING GIN (search)",
];
const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_initiatives_search",
    "ALTER TABLE initiatives DROP COLUMN IF EXISTS search",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run(manager, SQLITE_UP).await?,
            DatabaseBackend::Postgres => run(manager, POSTGRES_UP).await?,
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
        for (name, cols) in [
            (
                "idx_initiatives_public_id",
                vec![Initiatives::IsPublic, Initiatives::Id],
            ),
            (
                "idx_initiatives_neighbourhood_public_id",
                vec![
                    Initiatives::NeighbourhoodId,
                    Initiatives::IsPublic,
                    Initiatives::Id,
                ],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Initiatives::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_initiatives_neighbourhood_public_id",
            "idx_initiatives_public_id",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Initiatives::Table)
                        .to_owned(),
                )
                .await?;
        }
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => run(manager, SQLITE_DOWN).await,
            DatabaseBackend::Postgres => run(manager, POSTGRES_DOWN).await,
            other => Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
    }
}

#[derive(DeriveIden)]
enum Initiatives {
    Table,
    Id,
    IsPublic,
    NeighbourhoodId,
}
