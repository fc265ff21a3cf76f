//! The one place that connects to the database and migrates it.

use crate::config::Settings;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot reach the database ({0})")]
    Connect(DbErr),
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
}

/// Connects with a pool sized for the settings. For SQLite the data directory
/// is created first and the file is created when missing.
///
/// # Errors
/// [`DbSetupError`] names what failed; the URL itself (which may hold a password) is never shown.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbSetupError> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_file(url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|source| DbSetupError::DataDir {
                        path: dir.display().to_string(),
                        source,
                    })?;
                }
            }
        }
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(settings.max_db_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(DbSetupError::Connect)?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
        ] {
            db.execute_unprepared(pragma)
                .await
                .map_err(DbSetupError::Connect)?;
        }
    }
    Ok(db)
}

/// Applies every pending migration.
///
/// # Errors
/// [`DbSetupError::Migrate`] when a migration fails.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None).await.map_err(DbSetupError::Migrate)
}

/// The file path of a `sqlite://path?opts` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_paths_are_found() {
        assert_eq!(
            sqlite_file("sqlite://data/b.db?mode=rwc").as_deref(),
            Some("data/b.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
