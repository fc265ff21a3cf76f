//! Configuration in layers: built-in defaults, then an optional TOML file,
//! then environment variables (12-factor). Secrets sit in [`SecretString`],
//! which never prints.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://…` (default, embedded) or `postgres://…`.
    pub database_url: SecretString,
    /// Where to listen; port 0 picks a free port.
    pub listen_addr: SocketAddr,
    /// The built site: `pkg/` with the wasm and JS, the CSS and public files.
    pub site_root: PathBuf,
    /// Where the embedded database, uploads and the mail outbox live.
    pub data_dir: PathBuf,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// The address people use to reach the site, for links in e-mails.
    pub public_url: String,
    /// Upper bound of pooled database connections.
    pub max_db_connections: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(#[from] config::ConfigError),
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
}

impl Settings {
    /// Reads defaults, then `file` (when given), then the environment.
    ///
    /// Environment variables: `DATABASE_URL`, and `BUURTFONDS_<FIELD>` for every
    /// field (for example `BUURTFONDS_LISTEN_ADDR=0.0.0.0:8080`).
    ///
    /// # Errors
    /// [`ConfigError`] names the file or the value that is wrong.
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
        let mut builder = config::Config::builder()
            .set_default("database_url", "sqlite://data/buurtfonds.db?mode=rwc")?
            .set_default("listen_addr", "127.0.0.1:3000")?
            .set_default("site_root", "target/site")?
            .set_default("data_dir", "data")?
            .set_default("log_format", "pretty")?
            .set_default("public_url", "http://127.0.0.1:3000")?
            .set_default("max_db_connections", 10)?;
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile(path.to_path_buf()));
            }
            builder = builder.add_source(config::File::from(path).required(true));
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_override("database_url", url)?;
        }
        builder =
            builder.add_source(config::Environment::with_prefix("BUURTFONDS").try_parsing(true));
        Ok(builder.build()?.try_deserialize()?)
    }

    /// The database URL, for the one place that connects.
    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.database_url().starts_with("postgres")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_an_embedded_database_on_port_3000() {
        let s = Settings::load(None).unwrap();
        assert_eq!(s.listen_addr.port(), 3000);
        assert!(s.database_url().starts_with("sqlite://") || std::env::var("DATABASE_URL").is_ok());
        assert!(
            !format!("{s:?}").contains("sqlite://"),
            "the database URL never prints"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let err =
            Settings::load(Some(std::path::Path::new("/nonexistent/buurtfonds.toml"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/buurtfonds.toml"));
    }
}
