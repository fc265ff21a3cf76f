//! One error type for services. Internal causes are logged, never shown.

use crate::domain::{ledger::LedgerError, TransitionError};
use leptos::prelude::ServerFnError;

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Someone else changed the initiative between reading and writing.
    #[error("the initiative was changed by someone else; reload and try again")]
    Conflict,
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    /// No Stripe keys are configured.
    #[error("online payments are not set up")]
    PaymentsOff,
    /// Stripe refused or could not be reached.
    #[error(transparent)]
    Gateway(#[from] crate::ssr::stripe_gateway::GatewayError),
}

/// Whether `e` is the database refusing a second row where a unique index
/// allows one (a concurrent request got there first).
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

impl ServiceError {
    /// The HTTP status that fits.
    pub fn status_code(&self) -> u16 {
        match self {
            ServiceError::NotFound => 404,
            // Who may not do this: never the approver co-signing, never above a
            // mandate, never a member of the initiative's own team.
            ServiceError::Transition(
                TransitionError::Forbidden
                | TransitionError::SelfCosign
                | TransitionError::AboveMandate
                | TransitionError::OwnInitiative,
            ) => 403,
            ServiceError::Transition(_) | ServiceError::Conflict => 409,
            ServiceError::Ledger(_) | ServiceError::Invalid { .. } => 422,
            ServiceError::Database(_) => 500,
            ServiceError::PaymentsOff => 503,
            ServiceError::Gateway(_) => 502,
        }
    }

    /// Logs internal causes, sets the response status, and returns an error
    /// safe to show: internal failures get an opaque message.
    pub fn into_server_error(self) -> ServerFnError {
        if let ServiceError::Database(e) = &self {
            tracing::error!(error = %e, "database error in a server function");
        }
        if let Some(resp) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(
                http::StatusCode::from_u16(self.status_code())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        match self {
            ServiceError::Database(_) => ServerFnError::new("internal error"),
            other => ServerFnError::new(other.to_string()),
        }
    }
}
