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

/// One public initiative: the story, what it cost and what came of it. No
/// private data; the initiator's name only with consent; helpers unnamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicInitiative {
    pub id: i64,
    /// The page's absolute address (for sharing and OpenGraph).
    pub url: String,
    /// The first name of the neighbourhood coach.
    pub coach: Option<String>,
    pub title: String,
    pub kind: String,
    pub state: String,
    pub description: String,
    pub beneficiaries: String,
    pub participants: Option<i64>,
    pub neighbourhood: String,
    pub neighbourhood_slug: String,
    /// ISO dates.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub public_name: Option<String>,
    pub own_input: String,
    /// (kind of contribution, description, value in cents)
    pub strength: Vec<(String, String, Option<i64>)>,
    /// (item, cents)
    pub budget: Vec<(String, i64)>,
    pub own_contribution_cents: i64,
    pub amount_asked_cents: i64,
    pub granted_cents: Option<i64>,
    pub paid_cents: i64,
    pub cofunded_cents: i64,
    /// ISO date of the payout.
    pub funded_on: Option<String>,
    /// (photo id, alternative text)
    pub photos: Vec<(i64, String)>,
    /// (ISO date, step)
    pub timeline: Vec<(String, String)>,
    /// What came of it, once reported: (story, participants, spent cents).
    pub result: Option<(String, i64, i64)>,
    /// Receipts: how many, and their total.
    pub receipts: (i64, i64),
    /// Gifts received, newest first: (the name the giver chose to show, cents).
    pub gifts: Vec<(Option<String>, i64)>,
    /// What the fund added to match gifts.
    pub matched_cents: i64,
    /// The fund's match rule: (cents per euro given, cap per initiative in cents).
    pub match_rule: Option<(i32, i64)>,
    /// The initiative takes gifts in its state.
    pub takes_gifts: bool,
    /// Online payments are set up on this server.
    pub online_giving: bool,
}

/// A public initiative; anything not public answers 404.
#[server(prefix = "/sf", endpoint = "load_public_initiative", input = server_fn::codec::GetUrl)]
pub async fn load_public_initiative(id: i64) -> Result<PublicInitiative, ServerFnError> {
    let state = crate::ssr::serverfn::state()?;
    let mut found = crate::ssr::services::initiatives::public(&state.db, &state.public_url, id)
        .await
        .map_err(|e| e.into_server_error())?;
    found.online_giving = state.stripe.is_some();
    Ok(found)
}
