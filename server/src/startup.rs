//! Builds the application: database, router, middleware and listener.
//! Binding port 0 works, which is how the tests start one server each.

use crate::config::Settings;
use crate::routes;
use app::ssr::mail::Mailer;
use app::ssr::AppState;
use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// The router's state: what the Leptos integration and our own routes need.
#[derive(Clone, Debug)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> LeptosOptions {
        s.leptos_options.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(s: &ServerState) -> AppState {
        s.app.clone()
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    /// Days bank accounts are kept after their initiative closed.
    retention_days: i64,
    pub db: DatabaseConnection,
    /// What server functions and handlers see.
    pub state: AppState,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] crate::db::DbSetupError),
    #[error("mail: {0}")]
    Mail(#[from] app::ssr::mail::MailSetupError),
    #[error("stripe: {0}")]
    Stripe(String),
    #[error("bank account key: {0}")]
    Sealing(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

impl Application {
    /// Connects to and migrates the database, builds the router and binds the listener.
    ///
    /// # Errors
    /// [`StartError`] when the database cannot be used or the address cannot be bound.
    pub async fn build(settings: &Settings) -> Result<Application, StartError> {
        let db = crate::db::connect(settings).await?;
        crate::db::migrate(&db).await?;
        let app = Self::build_with_db(settings, db).await?;
        // The retention period ends at start too (and daily while serving).
        app.purge_expired().await;
        Ok(app)
    }

    /// Removes the bank accounts and payout account copies past the
    /// retention period; a failure is logged and tried again next time.
    async fn purge_expired(&self) {
        let at = app::ssr::services::now();
        if let Err(e) =
            app::ssr::services::bank_accounts::purge_expired(&self.db, self.retention_days, at)
                .await
        {
            tracing::error!(error = %e, "purging expired bank accounts failed");
        }
    }

    /// Like [`Application::build`], with a database that is already connected and migrated.
    ///
    /// # Errors
    /// [`StartError::Bind`] when the address cannot be bound.
    pub async fn build_with_db(
        settings: &Settings,
        db: DatabaseConnection,
    ) -> Result<Application, StartError> {
        let listener = TcpListener::bind(settings.listen_addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: settings.listen_addr,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            addr: settings.listen_addr,
            source,
        })?;
        let (sealing, source) = settings.sealing_key().map_err(StartError::Sealing)?;
        match source {
            crate::config::KeySource::Configured => {}
            crate::config::KeySource::File(path) | crate::config::KeySource::Generated(path) => {
                tracing::warn!(
                    key_file = %path.display(),
                    "BUURTFONDS_BANK_ACCOUNT_KEY is not set: bank accounts are sealed with the \
                     key in this file (fine for a local setup; losing it loses the accounts)"
                );
            }
        }
        let mailer = match settings.smtp_url() {
            Some(url) => Mailer::smtp(url, &settings.mail_from)?,
            None => Mailer::to_directory(settings.data_dir.join("outbox"), &settings.mail_from)?,
        };
        let app_state = AppState {
            db: db.clone(),
            mailer,
            public_url: settings.public_url.trim_end_matches('/').to_string(),
            secure_cookies: settings.public_url.starts_with("https://"),
            uploads: settings.data_dir.join("uploads"),
            queue_target_days: settings.queue_target_days,
            cosign_flag_days: settings.cosign_flag_days,
            figures: app::ssr::services::public::FiguresCache::default(),
            stripe: match settings.stripe().map_err(StartError::Stripe)? {
                Some(keys) => Some(keys.gateway().map_err(StartError::Stripe)?),
                None => None,
            },
            sealing,
        };
        let router = router(settings, app_state.clone(), address);
        Ok(Application {
            listener,
            router,
            address,
            retention_days: settings.bank_account_retention_days,
            db,
            state: app_state,
        })
    }

    /// The address actually bound (the real port when 0 was asked).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    /// The signal handlers are in place before "listening" is announced.
    ///
    /// # Errors
    /// An I/O error from the server or from installing the signal handlers.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let shutdown = shutdown_signal()?;
        // Once a day the retention period ends for what has grown old since.
        let (db, days) = (self.db.clone(), self.retention_days);
        tokio::spawn(async move {
            let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
            daily.tick().await; // the first tick is now: done at start already
            loop {
                daily.tick().await;
                let at = app::ssr::services::now();
                if let Err(e) =
                    app::ssr::services::bank_accounts::purge_expired(&db, days, at).await
                {
                    tracing::error!(error = %e, "purging expired bank accounts failed");
                }
            }
        });
        tracing::info!("listening on http://{}", self.address);
        println!("Buurtfonds is listening on http://{}", self.address);
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }

    /// Serves until `stop` resolves (used by tests).
    ///
    /// # Errors
    /// An I/O error from the server.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await
    }
}

fn router(settings: &Settings, app_state: AppState, address: SocketAddr) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("buurtfonds")
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(address)
        .build();
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state,
    };
    let app_state = state.app.clone();
    let context = move || {
        provide_context(app_state.clone());
        // The nonce the CSP middleware made for this request (see `routes::security::page_csp`).
        let nonce = use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<routes::security::CspNonce>().cloned());
        match nonce {
            Some(n) => provide_context(leptos::nonce::Nonce::from_value(n.0)),
            None => leptos::nonce::provide_nonce(),
        }
    };
    let routes = generate_route_list(App);

    let router = Router::new()
        .merge(routes::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .with_state(state);
    let limits = routes::rate_limit::AuthLimits::new(
        settings.auth_attempts_per_ip,
        settings.auth_attempts_per_account,
    );
    routes::security::apply(router)
        // Inside the CSP and CSRF layers: it needs this request's nonce and token.
        .layer(axum::middleware::from_fn_with_state(
            routes::page_cache::PageCache::new(std::time::Duration::from_millis(
                settings.public_cache_ms,
            )),
            routes::page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            match settings.stripe() {
                Ok(Some(keys)) => routes::security::FormTargets::stripe(keys.api_base),
                _ => routes::security::FormTargets::default(),
            },
            routes::security::page_csp,
        ))
        .layer(axum::middleware::from_fn_with_state(
            limits,
            routes::rate_limit::limit,
        ))
        .layer(axum::middleware::from_fn(routes::csrf::protect))
        // Brotli's best quality is far too slow for a multi-megabyte debug wasm;
        // level 4 keeps most of the gain at a fraction of the time.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(4)))
        .layer(TraceLayer::new_for_http())
}

/// Installs the SIGTERM and Ctrl-C handlers now; the future resolves on either.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        #[cfg(unix)]
        let terminate = async move {
            terminate.recv().await;
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                if result.is_err() {
                    std::future::pending::<()>().await;
                }
            },
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}
