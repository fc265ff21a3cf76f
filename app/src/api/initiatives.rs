//! Public reads of initiatives.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A funded initiative as the public sees it on a card: no private data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeCard {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub neighbourhood: String,
    pub granted_cents: i64,
    /// ISO date (YYYY-MM-DD) of the payout.
    pub funded_on: String,
    /// The initiator's first or group name, only with their consent.
    pub public_name: Option<String>,
}

/// The most recently funded initiatives, newest first. Anyone may ask.
#[server(prefix = "/sf", endpoint = "recent_funded", input = server_fn::codec::GetUrl)]
pub async fn recent_funded() -> Result<Vec<InitiativeCard>, ServerFnError> {
    use crate::ssr::services;
    let state = crate::ssr::serverfn::state()?;
    services::initiatives::recent_funded(&state.db, 6)
        .await
        .map_err(|e| e.into_server_error())
}
