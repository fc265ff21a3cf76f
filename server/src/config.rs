//! Configuration in layers: built-in defaults, then an optional TOML file,
//! then environment variables (12-factor). Secrets sit in [`SecretString`],
//! which never prints.

use app::ssr::sealing::SealingKey;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`; without it, an embedded SQLite
    /// database in `data_dir`.
    pub database_url: Option<SecretString>,
    /// Where to listen; port 0 picks a free port.
    pub listen_addr: SocketAddr,
    /// The built site: `pkg/` with the wasm and JS, the CSS and public files.
    pub site_root: PathBuf,
    /// Where the embedded database lives (and, later, uploads and the mail outbox).
    pub data_dir: PathBuf,
    /// The address people use to reach the site, for links in e-mails;
    /// `https://…` also makes cookies `Secure`.
    pub public_url: String,
    /// `smtp://…` or `smtps://user:pass@host:port`; without it, mail is
    /// written as `.eml` files into `data_dir/outbox`.
    pub smtp_url: Option<SecretString>,
    /// The sender of every mail.
    pub mail_from: String,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// Sign-in, sign-up and reset attempts a minute from one IP address.
    pub auth_attempts_per_ip: u32,
    /// Sign-in, sign-up and reset attempts a minute for one account.
    pub auth_attempts_per_account: u32,
    /// Upper bound of pooled database connections.
    pub max_db_connections: u32,
    /// Days an initiative may wait in a coach's queue before it is flagged.
    pub queue_target_days: i64,
    /// Days an approval may wait for its second signature before it is
    /// flagged on the coach's and the admin's pages.
    pub cosign_flag_days: i64,
    /// Milliseconds a visitor's public page or open-data answer is served
    /// from memory (0 turns the cache off).
    pub public_cache_ms: u64,
    /// Stripe's secret API key (`STRIPE_SECRET_KEY`); without it, online
    /// payments are off and say so, and manual payouts still work.
    #[serde(default)]
    pub stripe_secret_key: Option<SecretString>,
    /// The signing secret of the webhook endpoint (`STRIPE_WEBHOOK_SECRET`).
    #[serde(default)]
    pub stripe_webhook_secret: Option<SecretString>,
    /// Another base URL for Stripe's API (`STRIPE_API_BASE`), for a local
    /// stand-in; without it, Stripe itself.
    #[serde(default)]
    pub stripe_api_base: Option<String>,
    /// The key that seals bank accounts at rest: 32 bytes in base64
    /// (`openssl rand -base64 32`). Required for a production setup (an
    /// `https://` public URL or PostgreSQL); without it a local setup keeps
    /// a generated key in `data_dir/bank-account.key`. See [`Settings::sealing_key`].
    #[serde(default)]
    pub bank_account_key: Option<SecretString>,
    /// Days the bank account of a closed initiative, and the account copy on
    /// a bank payout, are kept before they are purged (the fund's retention
    /// period; 7 years by default, as for the bookkeeping).
    pub bank_account_retention_days: i64,
}

/// The name of the key file a local setup keeps in its data directory.
pub const KEY_FILE: &str = "bank-account.key";

/// Where the sealing key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `BUURTFONDS_BANK_ACCOUNT_KEY` (or the TOML file).
    Configured,
    /// The local key file, read.
    File(PathBuf),
    /// The local key file, made just now.
    Generated(PathBuf),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Stripe's configuration, when payments are set up.
#[derive(Debug, Clone, Copy)]
pub struct StripeKeys<'a> {
    pub secret_key: &'a str,
    pub webhook_secret: &'a str,
    /// `None`: Stripe itself.
    pub api_base: Option<&'a str>,
}

impl StripeKeys<'_> {
    /// The gateway these keys open.
    ///
    /// # Errors
    /// The client cannot be built.
    pub fn gateway(&self) -> Result<app::ssr::stripe_gateway::Gateway, String> {
        app::ssr::stripe_gateway::Gateway::new(self.secret_key, self.webhook_secret, self.api_base)
    }
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
            .set_default("listen_addr", "127.0.0.1:3000")?
            .set_default("site_root", "target/site")?
            .set_default("data_dir", "data")?
            .set_default("log_format", "pretty")?
            .set_default("public_url", "http://127.0.0.1:3000")?
            .set_default("mail_from", "Buurtfonds <noreply@buurtfonds.local>")?
            .set_default("max_db_connections", 10)?
            .set_default("auth_attempts_per_ip", 30)?
            .set_default("auth_attempts_per_account", 5)?
            .set_default("queue_target_days", 10)?
            .set_default("cosign_flag_days", 5)?
            .set_default("public_cache_ms", 1000)?
            .set_default("bank_account_retention_days", 7 * 365 + 2)?;
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile(path.to_path_buf()));
            }
            builder = builder.add_source(config::File::from(path).required(true));
        }
        for (var, key) in [
            ("DATABASE_URL", "database_url"),
            ("STRIPE_SECRET_KEY", "stripe_secret_key"),
            ("STRIPE_WEBHOOK_SECRET", "stripe_webhook_secret"),
            ("STRIPE_API_BASE", "stripe_api_base"),
        ] {
            if let Ok(value) = std::env::var(var) {
                if !value.is_empty() {
                    builder = builder.set_override(key, value)?;
                }
            }
        }
        builder =
            builder.add_source(config::Environment::with_prefix("BUURTFONDS").try_parsing(true));
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        if settings.database_url.is_none() {
            let path = settings.data_dir.join("buurtfonds.db");
            settings.database_url = Some(SecretString::from(format!(
                "sqlite://{}?mode=rwc",
                path.display()
            )));
        }
        Ok(settings)
    }

    /// The database URL, for the one place that connects.
    pub fn database_url(&self) -> &str {
        self.database_url
            .as_ref()
            .map_or("sqlite://data/buurtfonds.db?mode=rwc", |u| {
                u.expose_secret()
            })
    }

    /// Stripe's key, webhook secret and base URL when payments are set up;
    /// `None` when neither key is given.
    ///
    /// # Errors
    /// Only one of the two secrets is given.
    pub fn stripe(&self) -> Result<Option<StripeKeys<'_>>, String> {
        match (&self.stripe_secret_key, &self.stripe_webhook_secret) {
            (None, None) => Ok(None),
            (Some(key), Some(hook)) => Ok(Some(StripeKeys {
                secret_key: key.expose_secret(),
                webhook_secret: hook.expose_secret(),
                api_base: self.stripe_api_base.as_deref(),
            })),
            (Some(_), None) => {
                Err("STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not".into())
            }
            (None, Some(_)) => {
                Err("STRIPE_WEBHOOK_SECRET is set but STRIPE_SECRET_KEY is not".into())
            }
        }
    }

    /// Whether this looks like a production setup: served over HTTPS, or on
    /// PostgreSQL (which any number of app servers share, so a key kept on
    /// one of them would not open on the others).
    pub fn production_like(&self) -> bool {
        self.public_url.starts_with("https://") || self.database_url().starts_with("postgres")
    }

    /// The key that seals bank accounts: the configured one; else, for a
    /// local setup only, the one in `data_dir/bank-account.key` (made on the
    /// first start, readable by this user only).
    ///
    /// # Errors
    /// A configured key that is not 32 bytes of base64; no key in a
    /// production setup (the server must not start and seal with a key
    /// nobody backs up); a key file that cannot be read or written.
    pub fn sealing_key(&self) -> Result<(SealingKey, KeySource), String> {
        if let Some(key) = &self.bank_account_key {
            let key = SealingKey::from_base64(key.expose_secret())
                .map_err(|e| format!("BUURTFONDS_BANK_ACCOUNT_KEY: {e}"))?;
            return Ok((key, KeySource::Configured));
        }
        if self.production_like() {
            return Err(
                "BUURTFONDS_BANK_ACCOUNT_KEY is not set. Bank accounts are encrypted \
                 with it, and a production setup (an https:// public URL or PostgreSQL) \
                 must take it from its configuration and keep a copy safe: make one with \
                 `openssl rand -base64 32`"
                    .into(),
            );
        }
        let path = self.data_dir.join(KEY_FILE);
        let read = |path: &std::path::Path| -> Result<SealingKey, String> {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            SealingKey::from_base64(&text).map_err(|e| format!("{}: {e}", path.display()))
        };
        if path.exists() {
            return Ok((read(&path)?, KeySource::File(path)));
        }
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(SealingKey::generate_base64().as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok((read(&path)?, KeySource::Generated(path)))
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Ok((read(&path)?, KeySource::File(path)))
            }
            Err(e) => Err(format!("cannot create {}: {e}", path.display())),
        }
    }

    /// The SMTP URL, for the one place that builds the mailer.
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url.as_ref().map(|u| u.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_an_embedded_database_in_the_data_directory_on_port_3000() {
        let s = Settings::load(None).unwrap();
        assert_eq!(s.listen_addr.port(), 3000);
        if std::env::var("DATABASE_URL").is_err() && std::env::var("BUURTFONDS_DATA_DIR").is_err() {
            assert_eq!(s.database_url(), "sqlite://data/buurtfonds.db?mode=rwc");
        }
        assert!(
            !format!("{s:?}").contains("sqlite://"),
            "the database URL never prints"
        );
    }

    fn local(dir: &std::path::Path) -> Settings {
        let mut s = Settings::load(None).unwrap();
        s.data_dir = dir.to_path_buf();
        s.database_url = Some(SecretString::from(format!(
            "sqlite://{}/b.db?mode=rwc",
            dir.display()
        )));
        s.public_url = "http://127.0.0.1:3000".into();
        s.bank_account_key = None;
        s
    }

    #[test]
    fn a_local_setup_without_a_key_makes_one_in_the_data_directory_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = local(dir.path());
        let (first, source) = s.sealing_key().unwrap();
        let path = dir.path().join(KEY_FILE);
        assert_eq!(source, KeySource::Generated(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only its owner may read the key file");
        }
        // The next start reads the same key: what was sealed still opens.
        let sealed = first.seal(b"NL91ABNA0417164300", "t").unwrap();
        let (again, source) = s.sealing_key().unwrap();
        assert_eq!(source, KeySource::File(path));
        assert_eq!(again.open(&sealed, "t").unwrap(), b"NL91ABNA0417164300");
    }

    #[test]
    fn a_production_setup_without_a_key_does_not_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut https = local(dir.path());
        https.public_url = "https://buurtfonds.example.org".into();
        let err = https.sealing_key().unwrap_err();
        assert!(err.contains("BUURTFONDS_BANK_ACCOUNT_KEY"), "{err}");
        let mut postgres = local(dir.path());
        postgres.database_url = Some(SecretString::from("postgres://db/buurtfonds".to_string()));
        assert!(postgres.sealing_key().is_err());
        assert!(!dir.path().join(KEY_FILE).exists(), "no key file was made");

        // With a configured key it starts; a wrong one is named.
        https.bank_account_key = Some(SecretString::from(SealingKey::generate_base64()));
        assert_eq!(https.sealing_key().unwrap().1, KeySource::Configured);
        https.bank_account_key = Some(SecretString::from("too-short".to_string()));
        assert!(https
            .sealing_key()
            .unwrap_err()
            .contains("BUURTFONDS_BANK_ACCOUNT_KEY"));
    }

    #[test]
    fn a_missing_file_is_named() {
        let err =
            Settings::load(Some(std::path::Path::new("/nonexistent/buurtfonds.toml"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/buurtfonds.toml"));
    }
}
