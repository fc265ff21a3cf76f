//! Test helpers: [`spawn_app`] starts the real server on port 0 with its own
//! fresh database — a temporary SQLite file, or a freshly created PostgreSQL
//! database — and returns a client to drive it over HTTP.
//!
//! PostgreSQL is looked for at `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it cannot be reached
//! the PostgreSQL tests print that they were skipped, unless
//! `REQUIRE_POSTGRES=1`, which makes them fail.

pub mod fake_stripe;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use server::config::{LogFormat, Settings};
use server::startup::Application;
use std::path::PathBuf;
use tokio::sync::oneshot;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Both backends, for tests that must hold on each.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// A client that keeps cookies and does not follow redirects.
    pub client: reqwest::Client,
    /// A connection to the same database the server uses.
    pub db: DatabaseConnection,
    pub backend: Backend,
    state: app::ssr::AppState,
    stop: Option<oneshot::Sender<()>>,
    /// The server's data directory; mail lands in `outbox/` below it.
    pub dir: tempfile::TempDir,
    pg_database: Option<String>,
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// Where a redirect points (empty when it is none).
pub fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The directory of the built site (`target/site`), when it exists.
pub fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site")
}

/// Starts a server on SQLite.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite)
        .await
        .expect("SQLite is always available")
}

/// Starts a server on `backend`. Returns `None` (after saying so) when
/// PostgreSQL is not reachable and not required.
///
/// # Panics
/// When the server cannot start, or PostgreSQL is required but unreachable.
pub async fn spawn_app_on(backend: Backend) -> Option<TestApp> {
    spawn_app_configured(backend, |_| {}).await
}

/// [`spawn_app_on`] with settings adjusted by `configure` before the start.
///
/// # Panics
/// As [`spawn_app_on`].
pub async fn spawn_app_configured(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (url, pg_database) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!("bf_test_{}", rand::random::<u64>());
            let admin_url = postgres_admin_url();
            match Database::connect(&admin_url).await {
                Ok(admin) => {
                    admin
                        .execute_unprepared(&format!("CREATE DATABASE {name}"))
                        .await
                        .expect("create test database");
                    let _ = admin.close().await;
                }
                Err(e) => {
                    assert!(
                        !postgres_required(),
                        "REQUIRE_POSTGRES=1 but PostgreSQL at {admin_url} is unreachable: {e}"
                    );
                    eprintln!("SKIPPED (PostgreSQL): not reachable at {admin_url}: {e}");
                    return None;
                }
            }
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            (format!("{base}/{name}"), Some(name))
        }
    };
    let mut settings = Settings {
        database_url: Some(SecretString::from(url)),
        listen_addr: "127.0.0.1:0".parse().expect("address"),
        site_root: site_root(),
        data_dir: dir.path().to_path_buf(),
        log_format: LogFormat::Pretty,
        public_url: "http://buurtfonds.test".into(),
        smtp_url: None,
        mail_from: "Buurtfonds <noreply@buurtfonds.test>".into(),
        max_db_connections: 10,
        auth_attempts_per_ip: 1_000,
        auth_attempts_per_account: 1_000,
        queue_target_days: 10,
        cosign_flag_days: 5,
        // Tests change data and read it back at once; the cache's own test turns it on.
        public_cache_ms: 0,
        stripe_secret_key: None,
        stripe_webhook_secret: None,
        stripe_api_base: None,
        // A key of its own per test, as a production setup configures one.
        bank_account_key: Some(SecretString::from(
            app::ssr::sealing::SealingKey::generate_base64(),
        )),
        bank_account_retention_days: 7 * 365 + 2,
    };
    configure(&mut settings);
    let app = Application::build(&settings).await.expect("server starts");
    let address = format!("http://{}", app.address());
    let db = app.db.clone();
    let state = app.state.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        // A request that never answers fails its test instead of stalling the run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    Some(TestApp {
        address,
        client,
        db,
        backend,
        state,
        stop: Some(stop),
        dir,
        pg_database,
    })
}

impl TestApp {
    /// GET a path on this server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }

    /// The body of a GET of `path` (whatever its status).
    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("a body")
    }

    /// The CSRF token of this client's cookie, as a form on `/login` carries it.
    pub async fn csrf_token(&self) -> String {
        let html = self.get("/login").await.text().await.expect("login page");
        let marker = r#"name="csrf_token" value=""#;
        let start = html.find(marker).expect("a CSRF field") + marker.len();
        html[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    }

    /// POSTs a form the way a browser without JavaScript does (asking for
    /// HTML, with the CSRF token), without following the redirect.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.address))
            .header("accept", "text/html")
            .header("referer", format!("{}/", self.address))
            .form(&all)
            .send()
            .await
            .expect("request")
    }

    /// Uploads a photo to draft `id` the way the photo step's form does
    /// (multipart, the CSRF token in the query string unless `csrf` is false).
    pub async fn upload_photo(
        &self,
        id: i64,
        alt: &str,
        file_name: &str,
        bytes: Vec<u8>,
        csrf: bool,
    ) -> reqwest::Response {
        let token = if csrf {
            self.csrf_token().await
        } else {
            String::new()
        };
        let form = reqwest::multipart::Form::new()
            .text("alt", alt.to_string())
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
            );
        self.client
            .post(format!(
                "{}/propose/{id}/upload?csrf_token={token}",
                self.address
            ))
            .header("accept", "text/html")
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Signs out and in again as `email` (demo password).
    pub async fn switch_to(&self, email: &str) {
        self.post_form("/sf/sign_out", &[]).await;
        self.sign_in(email).await;
    }

    /// Signs this client in (demo password unless given), like a browser without JavaScript.
    ///
    /// # Panics
    /// When the sign-in does not succeed.
    pub async fn sign_in(&self, email: &str) {
        let resp = self
            .post_form(
                "/sf/sign_in",
                &[
                    ("email", email),
                    ("password", "buurtfonds-demo"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(resp.headers()["location"], "/", "signed in as {email}");
    }

    /// Every mail written to the outbox so far, as raw `.eml` text, oldest first.
    pub fn outbox(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.path().join("outbox")) else {
            return Vec::new();
        };
        // Files are named after their outbox row, so the name sorts them in sending order.
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .into_iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    /// The state the server functions see (database, mailer, public URL).
    pub fn state(&self) -> app::ssr::AppState {
        self.state.clone()
    }

    /// The id of the user with `email`.
    ///
    /// # Panics
    /// When there is no such user.
    pub async fn user_id(&self, email: &str) -> i64 {
        use app::ssr::entities::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .expect("query")
            .expect("user exists")
            .id
    }

    /// The initiative titled `title`, as stored now.
    ///
    /// # Panics
    /// When there is no such initiative.
    pub async fn initiative(&self, title: &str) -> app::ssr::entities::initiatives::Model {
        use app::ssr::entities::initiatives;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        initiatives::Entity::find()
            .filter(initiatives::Column::Title.eq(title))
            .one(&self.db)
            .await
            .expect("query")
            .expect("initiative exists")
    }

    /// Adds a coach `email` (demo password) with a mandate of `euros` who
    /// coaches every neighbourhood there is; returns their id.
    ///
    /// # Panics
    /// Without the demo data (its password hash is copied from Sanne).
    pub async fn add_coach(&self, email: &str, name: &str, euros: i64) -> i64 {
        use app::ssr::entities::{coach_mandates, coach_neighbourhoods, neighbourhoods, users};
        use sea_orm::{ActiveValue::Set, EntityTrait};
        let sanne = users::Entity::find_by_id(self.user_id("sanne.coach@buurtfonds.test").await)
            .one(&self.db)
            .await
            .expect("query")
            .expect("Sanne");
        let at = app::ssr::services::now();
        let id = users::Entity::insert(users::ActiveModel {
            email: Set(email.into()),
            password_hash: Set(sanne.password_hash),
            display_name: Set(name.into()),
            public_name_consent: Set(false),
            role: Set("coach".into()),
            locale: Set("nl".into()),
            stripe_payouts_enabled: Set(false),
            verified_at: Set(Some(at)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .exec(&self.db)
        .await
        .expect("insert coach")
        .last_insert_id;
        coach_mandates::Entity::insert(coach_mandates::ActiveModel {
            coach_id: Set(id),
            max_cents: Set(euros * 100),
            set_by: Set(None),
            updated_at: Set(at),
        })
        .exec_without_returning(&self.db)
        .await
        .expect("mandate");
        for n in neighbourhoods::Entity::find()
            .all(&self.db)
            .await
            .expect("neighbourhoods")
        {
            coach_neighbourhoods::Entity::insert(coach_neighbourhoods::ActiveModel {
                coach_id: Set(id),
                neighbourhood_id: Set(n.id),
            })
            .exec_without_returning(&self.db)
            .await
            .expect("coach neighbourhood");
        }
        id
    }

    /// Enters a bank account for initiative `id` as its initiator would (a
    /// valid Dutch IBAN unless `iban` is given), without going through a page.
    ///
    /// # Panics
    /// When the account is not accepted.
    pub async fn enter_bank_account(&self, id: i64, holder: &str, iban: Option<&str>) {
        use app::ssr::entities::initiatives;
        use sea_orm::EntityTrait;
        let initiator = initiatives::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .expect("query")
            .expect("initiative exists")
            .initiator_id;
        let account = app::domain::bank_account::BankAccount::parse(
            holder,
            iban.unwrap_or("NL91 ABNA 0417 1643 00"),
        )
        .expect("a valid bank account");
        app::ssr::services::bank_accounts::save(&self.state, initiator, id, &account)
            .await
            .expect("bank account saved");
    }

    /// Fills the database with the demo data.
    pub async fn seed_demo(&self) {
        server::seed::demo::seed(&self.db, false)
            .await
            .expect("demo data");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(name) = self.pg_database.take() {
            // Best effort: drop the test database from a thread of its own.
            let admin_url = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}
