//! Outgoing mail. Every message is recorded in `mail_outbox`, then delivered
//! through SMTP (lettre) when configured, or written as an `.eml` file into
//! the outbox directory — the local default, which tests read. The file is
//! named after the outbox row (`0000000042.eml`), so files sort in sending order.

use crate::ssr::entities::mail_outbox;
use crate::ssr::error::ServiceError;
use crate::ssr::services::now;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::path::PathBuf;

/// Where mail goes.
#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
}

/// Sends mail and keeps a record of it.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transport::Smtp(_) => "smtp".to_string(),
            Transport::File(dir) => format!("file:{}", dir.display()),
        };
        f.debug_struct("Mailer").field("transport", &kind).finish()
    }
}

/// Why the mailer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("invalid sender address {0}")]
    From(String),
    #[error("invalid SMTP URL: {0}")]
    Smtp(String),
    #[error("cannot create the mail outbox {0}: {1}")]
    Outbox(String, std::io::Error),
}

impl Mailer {
    /// Writes every message as an `.eml` file into `dir` (created when missing).
    ///
    /// # Errors
    /// [`MailSetupError`] for a bad sender or a directory that cannot be created.
    pub fn to_directory(dir: PathBuf, from: &str) -> Result<Mailer, MailSetupError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailSetupError::Outbox(dir.display().to_string(), e))?;
        Ok(Mailer {
            transport: Transport::File(dir),
            from: from
                .parse()
                .map_err(|_| MailSetupError::From(from.into()))?,
        })
    }

    /// Sends through SMTP, from a URL such as `smtps://user:pass@smtp.example.org:465`.
    ///
    /// # Errors
    /// [`MailSetupError`] for a bad sender or URL.
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, MailSetupError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailSetupError::Smtp(e.to_string()))?
            .build();
        Ok(Mailer {
            transport: Transport::Smtp(transport),
            from: from
                .parse()
                .map_err(|_| MailSetupError::From(from.into()))?,
        })
    }

    /// Records and sends a plain-text message. A delivery failure is logged and
    /// kept in the outbox row; it does not fail the caller's action.
    ///
    /// # Errors
    /// [`ServiceError::Invalid`] for an address that is not an e-mail address, or a database error.
    pub async fn send<C: ConnectionTrait>(
        &self,
        db: &C,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), ServiceError> {
        let mailbox: Mailbox = to.parse().map_err(|_| ServiceError::Invalid {
            field: "email",
            message: "not an e-mail address".into(),
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(mailbox)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| ServiceError::Invalid {
                field: "email",
                message: e.to_string(),
            })?;
        let id = mail_outbox::Entity::insert(mail_outbox::ActiveModel {
            to_address: Set(to.into()),
            subject: Set(subject.into()),
            body_text: Set(body.into()),
            created_at: Set(now()),
            attempts: Set(1),
            ..Default::default()
        })
        .exec(db)
        .await?
        .last_insert_id;
        let result = match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::File(dir) => {
                tokio::fs::write(dir.join(format!("{id:010}.eml")), message.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        };
        let update = mail_outbox::Entity::update_many().filter(mail_outbox::Column::Id.eq(id));
        match result {
            Ok(()) => {
                tracing::info!(to = %redact(to), %subject, "mail sent");
                update
                    .col_expr(mail_outbox::Column::SentAt, Expr::value(Some(now())))
                    .exec(db)
                    .await?;
            }
            Err(e) => {
                tracing::warn!(to = %redact(to), %subject, error = %e, "mail not delivered");
                update
                    .col_expr(mail_outbox::Column::LastError, Expr::value(Some(e)))
                    .exec(db)
                    .await?;
            }
        }
        Ok(())
    }
}

/// `a***@example.org`: enough to follow a log, not enough to harvest addresses.
fn redact(address: &str) -> String {
    match address.split_once('@') {
        Some((user, domain)) => format!("{}***@{domain}", user.chars().next().unwrap_or('?')),
        None => "***".into(),
    }
}
