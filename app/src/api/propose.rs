//! The propose wizard: one question per screen, the draft saved on the
//! server at every step so that nothing typed is lost, then a review and
//! the submission. The same functions edit an initiative the coach sent back
//! with questions (`changes_requested`).
//!
//! The forms and limits here are shared: the server validates with them, the
//! pages show the same limits next to the fields.

// A plain form's fields are a server function's arguments: a step that is
// one form (the helpers and what the resident brings) has eight.
#![allow(clippy::too_many_arguments)]

use super::accounts::{field_errors, FieldError};
use super::forms::FormFeedback;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

/// The steps, in order. The stored `wizard_step` is one of these.
pub const STEPS: [&str; 8] = [
    "idea", "people", "place", "strength", "budget", "photos", "team", "review",
];

/// The step after `step` (the review is the last).
pub fn next_step(step: &str) -> &'static str {
    let i = STEPS.iter().position(|s| *s == step).unwrap_or(0);
    STEPS[(i + 1).min(STEPS.len() - 1)]
}

/// The step before `step`, if any.
pub fn previous_step(step: &str) -> Option<&'static str> {
    let i = STEPS.iter().position(|s| *s == step)?;
    i.checked_sub(1).map(|p| STEPS[p])
}

/// Whether `step` is a step of the wizard.
pub fn is_step(step: &str) -> bool {
    STEPS.contains(&step)
}

pub const KINDS: [&str; 3] = ["course", "activity", "other"];
pub const CONTRIBUTION_KINDS: [&str; 5] = ["time", "materials", "space", "money", "knowledge"];

pub const TITLE_MIN: u64 = 3;
pub const TITLE_MAX: u64 = 100;
pub const DESCRIPTION_MIN: u64 = 20;
pub const DESCRIPTION_MAX: u64 = 4_000;
pub const BENEFICIARIES_MIN: u64 = 5;
pub const BENEFICIARIES_MAX: u64 = 1_000;
pub const PARTICIPANTS_MAX: i64 = 100_000;
pub const WHO_MAX: u64 = 80;
pub const LINE_DESCRIPTION_MAX: u64 = 300;
pub const OWN_INPUT_MIN: u64 = 10;
pub const OWN_INPUT_MAX: u64 = 2_000;
pub const ITEM_MAX: u64 = 100;
pub const ALT_MAX: u64 = 200;
pub const MAX_STRENGTH_LINES: usize = 15;
pub const MAX_BUDGET_LINES: usize = 25;
pub const MAX_PHOTOS: usize = 5;
pub const MAX_CO_INITIATORS: usize = 10;
/// The largest photo accepted, in bytes.
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;

fn known_kind(kind: &str) -> Result<(), ValidationError> {
    if KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(ValidationError::new("kind_unknown"))
    }
}

fn known_contribution(kind: &str) -> Result<(), ValidationError> {
    if CONTRIBUTION_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(ValidationError::new("contribution_kind_unknown"))
    }
}

/// Step 1: what kind of initiative, its title, what and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct IdeaForm {
    #[validate(custom(function = "known_kind"))]
    pub kind: String,
    #[validate(length(min = 3, max = 100, code = "title_length"))]
    pub title: String,
    #[validate(length(min = 20, max = 4000, code = "description_length"))]
    pub description: String,
}

/// Step 2: who benefits, and about how many people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct PeopleForm {
    #[validate(length(min = 5, max = 1000, code = "beneficiaries_length"))]
    pub beneficiaries: String,
    #[validate(range(min = 1, max = 100_000, code = "participants_range"))]
    pub participants: i64,
}

/// Step 4: one person or group from the resident's network and what they bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct StrengthLineForm {
    #[validate(length(min = 1, max = 80, code = "who_length"))]
    pub who: String,
    #[validate(custom(function = "known_contribution"))]
    pub contribution_kind: String,
    #[validate(length(min = 1, max = 300, code = "line_description_length"))]
    pub description: String,
}

/// Step 4: what the resident brings themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct OwnInputForm {
    #[validate(length(min = 10, max = 2000, code = "own_input_length"))]
    pub own_input: String,
}

/// Step 5: one budget line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct BudgetLineForm {
    #[validate(length(min = 1, max = 100, code = "item_length"))]
    pub item: String,
}

/// The form's text fields, checked with `validator`: the errors per field.
pub fn check<F: Validate>(form: &F) -> Vec<FieldError> {
    field_errors(form.validate())
}

/// A line of own strength.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrengthLine {
    pub id: i64,
    pub who: String,
    pub contribution_kind: String,
    pub description: String,
    pub value_cents: Option<i64>,
}

/// A line of the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub id: i64,
    pub item: String,
    pub cents: i64,
}

/// A photo of the initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoItem {
    pub id: i64,
    pub alt: String,
}

/// Someone invited to start the initiative together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoInitiatorItem {
    pub id: i64,
    pub email: String,
    pub accepted: bool,
}

/// A neighbourhood to choose, with the maximum grant of its current fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourhoodChoice {
    pub id: i64,
    pub name: String,
    pub max_grant_cents: Option<i64>,
}

/// Everything the wizard shows of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: i64,
    pub state: String,
    /// The step the resident reached.
    pub step: String,
    /// Whether this person may change it now.
    pub editable: bool,
    /// Only the initiator submits and invites.
    pub is_initiator: bool,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub beneficiaries: String,
    pub participants: Option<i64>,
    pub neighbourhood_id: Option<i64>,
    pub neighbourhood_name: Option<String>,
    /// ISO dates.
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub own_input: String,
    pub strength: Vec<StrengthLine>,
    pub budget: Vec<BudgetLine>,
    pub own_contribution_cents: i64,
    pub amount_asked_cents: i64,
    pub photos: Vec<PhotoItem>,
    pub co_initiators: Vec<CoInitiatorItem>,
    pub max_grant_cents: Option<i64>,
    pub neighbourhoods: Vec<NeighbourhoodChoice>,
    /// What is still missing before it can be submitted (field, code).
    pub missing: Vec<FieldError>,
}

impl Draft {
    /// The sum of the budget lines.
    pub fn budget_total(&self) -> i64 {
        self.budget.iter().map(|l| l.cents).sum()
    }
}

#[cfg(feature = "ssr")]
mod helpers {
    use crate::api::forms::FormFeedback;
    use crate::ssr::error::ServiceError;
    pub use crate::ssr::serverfn::{keep_typed, refuse, signed_in, state};
    use leptos::prelude::ServerFnError;

    /// The address of a wizard step.
    pub fn step_url(id: i64, step: &str) -> String {
        format!("/propose/{id}/{step}")
    }

    /// Goes on to `step` after a save that worked.
    pub fn go(id: i64, step: &str, form: &str) -> FormFeedback {
        leptos_axum::redirect(&step_url(id, step));
        FormFeedback::new(form)
    }

    /// A service's answer to a save: field problems go back to the form,
    /// anything else (not found, not allowed) is an error with its status.
    pub fn answer(
        result: Result<(), ServiceError>,
        feedback: FormFeedback,
        back: &str,
        then: impl FnOnce() -> FormFeedback,
    ) -> Result<FormFeedback, ServerFnError> {
        match result {
            Ok(()) => Ok(then()),
            Err(ServiceError::Invalid { field, message }) => {
                Ok(refuse(feedback.with_error(field, &message), back))
            }
            Err(e) => Err(e.into_server_error()),
        }
    }
}

/// One draft (or an initiative sent back with questions) for the wizard.
/// Another person's draft answers 404, as if it did not exist.
#[server(prefix = "/sf", endpoint = "load_draft", input = server_fn::codec::GetUrl)]
pub async fn load_draft(id: i64) -> Result<Draft, ServerFnError> {
    use helpers::*;
    let user = signed_in(&format!("/propose/{id}")).await?;
    let state = state()?;
    crate::ssr::services::propose::load(&state.db, user.id, id)
        .await
        .map_err(|e| e.into_server_error())
}

/// The neighbourhoods one can choose, for a new idea (and to sign in first).
#[server(prefix = "/sf", endpoint = "propose_start", input = server_fn::codec::GetUrl)]
pub async fn propose_start() -> Result<Vec<super::me::OwnInitiative>, ServerFnError> {
    use helpers::*;
    let user = signed_in("/propose").await?;
    let state = state()?;
    let mine = crate::ssr::services::me::list(&state.db, user.id)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(mine
        .into_iter()
        .filter(|i| i.state == "draft" || i.state == "changes_requested")
        .collect())
}

/// Step 1. Without `id` this starts a new draft.
#[server(prefix = "/sf", endpoint = "save_idea")]
pub async fn save_idea(
    csrf_token: String,
    id: Option<i64>,
    kind: Option<String>,
    title: String,
    description: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = id.map_or_else(|| "/propose".to_string(), |id| step_url(id, "idea"));
    let user = signed_in(&back).await?;
    let state = state()?;
    let form = IdeaForm {
        kind: kind.unwrap_or_default(),
        title: title.trim().to_string(),
        description: description.trim().to_string(),
    };
    let mut feedback = FormFeedback::new("idea")
        .with_value("kind", &form.kind)
        .with_value("title", &form.title)
        .with_value("description", &form.description);
    feedback.errors = check(&form);
    if !feedback.is_ok() {
        return Ok(refuse(feedback, &back));
    }
    match crate::ssr::services::propose::save_idea(&state.db, user.id, id, &form).await {
        Ok(id) => Ok(go(id, "people", "idea")),
        Err(e) => answer(Err(e), feedback, &back, || FormFeedback::new("idea")),
    }
}

/// Step 2.
#[server(prefix = "/sf", endpoint = "save_people")]
pub async fn save_people(
    csrf_token: String,
    id: i64,
    beneficiaries: String,
    participants: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "people");
    let user = signed_in(&back).await?;
    let state = state()?;
    let mut feedback = FormFeedback::new("people")
        .with_value("beneficiaries", beneficiaries.trim())
        .with_value("participants", participants.trim());
    let form = PeopleForm {
        beneficiaries: beneficiaries.trim().to_string(),
        participants: participants.trim().parse().unwrap_or(0),
    };
    feedback.errors = check(&form);
    if !feedback.is_ok() {
        return Ok(refuse(feedback, &back));
    }
    let result = crate::ssr::services::propose::save_people(&state.db, user.id, id, &form).await;
    answer(result, feedback, &back, || go(id, "place", "people"))
}

/// Step 3: the neighbourhood (and with it the fund) and when.
#[server(prefix = "/sf", endpoint = "save_place")]
pub async fn save_place(
    csrf_token: String,
    id: i64,
    neighbourhood_id: Option<String>,
    starts_on: String,
    ends_on: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "place");
    let user = signed_in(&back).await?;
    let state = state()?;
    let neighbourhood = neighbourhood_id.unwrap_or_default();
    let mut feedback = FormFeedback::new("place")
        .with_value("neighbourhood_id", &neighbourhood)
        .with_value("starts_on", starts_on.trim())
        .with_value("ends_on", ends_on.trim());
    let nbh = neighbourhood.trim().parse::<i64>().ok();
    if nbh.is_none() {
        feedback = feedback.with_error("neighbourhood_id", "neighbourhood_missing");
    }
    let date = |v: &str| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
    let starts = date(&starts_on);
    let ends = date(&ends_on);
    if starts.is_none() {
        feedback = feedback.with_error("starts_on", "date_invalid");
    }
    if !ends_on.trim().is_empty() && ends.is_none() {
        feedback = feedback.with_error("ends_on", "date_invalid");
    }
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            feedback = feedback.with_error("ends_on", "ends_before_start");
        }
    }
    if let Some(s) = starts {
        if s < chrono::Utc::now().date_naive() {
            feedback = feedback.with_error("starts_on", "date_in_past");
        }
    }
    let (Some(nbh), Some(starts), true) = (nbh, starts, feedback.is_ok()) else {
        return Ok(refuse(feedback, &back));
    };
    let result =
        crate::ssr::services::propose::save_place(&state.db, user.id, id, nbh, starts, ends).await;
    answer(result, feedback, &back, || go(id, "strength", "place"))
}

/// What a button of a step that is one form asks for: `add` a line,
/// `remove:<id>` one, or (`next`, also when no button was named) go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Add,
    Remove(i64),
    Next,
}

impl Intent {
    /// The intent a submitted `intent` field names; anything unknown goes on.
    pub fn parse(intent: Option<&str>) -> Intent {
        match intent.map(str::trim) {
            Some("add") => Intent::Add,
            Some(other) => other
                .strip_prefix("remove:")
                .and_then(|id| id.parse().ok())
                .map_or(Intent::Next, Intent::Remove),
            None => Intent::Next,
        }
    }

    /// The value of the button that asks for this.
    pub fn value(self) -> String {
        match self {
            Intent::Add => "add".into(),
            Intent::Remove(id) => format!("remove:{id}"),
            Intent::Next => "next".into(),
        }
    }
}

/// Step 4, "Wie helpt er": one form with the helpers, a helper to add and
/// what the resident brings, so no button loses what was typed elsewhere on
/// the page. `intent` says which button was pressed ([`Intent`]). A helper
/// filled in but not added is added on "next" (or the resident is stopped
/// with a message next to its fields); a removal keeps the helper being typed.
#[server(prefix = "/sf", endpoint = "save_strength")]
pub async fn save_strength(
    csrf_token: String,
    id: i64,
    own_input: String,
    #[server(default)] who: String,
    contribution_kind: Option<String>,
    #[server(default)] line_description: String,
    #[server(default)] value: String,
    intent: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "strength");
    let user = signed_in(&back).await?;
    let state = state()?;
    let intent = Intent::parse(intent.as_deref());
    let own_input = own_input.trim().to_string();
    let line = StrengthLineForm {
        who: who.trim().to_string(),
        contribution_kind: contribution_kind.unwrap_or_default(),
        description: line_description.trim().to_string(),
    };
    let value = value.trim().to_string();
    let helper_typed = !line.who.is_empty() || !line.description.is_empty() || !value.is_empty();
    let mut feedback = FormFeedback::new("strength")
        .with_value("own_input", &own_input)
        .with_value("who", &line.who)
        .with_value("contribution_kind", &line.contribution_kind)
        .with_value("line_description", &line.description)
        .with_value("value", &value);
    // What the resident brings is required to go on; before that it is
    // saved as far as typed, within its maximum.
    if intent == Intent::Next || !own_input.is_empty() {
        feedback.errors = check(&OwnInputForm {
            own_input: own_input.clone(),
        });
    }
    let add = intent == Intent::Add || (intent == Intent::Next && helper_typed);
    let mut value_cents = None;
    if add {
        feedback
            .errors
            .extend(check(&line).into_iter().map(|mut e| {
                if e.field == "description" {
                    e.field = "line_description".into();
                }
                e
            }));
        if !value.is_empty() {
            match crate::domain::Cents::parse_euros(&value) {
                Ok(c) => value_cents = Some(c.0),
                Err(_) => feedback = feedback.with_error("value", "amount_invalid"),
            }
        }
    }
    if !feedback.is_ok() {
        return Ok(refuse(feedback, &back));
    }
    let change = crate::ssr::services::propose::StrengthChange {
        own_input: own_input.clone(),
        add: add.then_some((line, value_cents)),
        remove: match intent {
            Intent::Remove(line_id) => Some(line_id),
            _ => None,
        },
        next: intent == Intent::Next,
    };
    let result = crate::ssr::services::propose::save_strength(&state.db, user.id, id, change).await;
    answer(result, feedback.clone(), &back, || match intent {
        Intent::Next => go(id, "budget", "strength"),
        Intent::Add => go(id, "strength", "strength"),
        // The helper being typed is not added by a removal: it stays typed.
        Intent::Remove(_) => keep_typed(feedback, &back),
    })
}

/// Step 5, the budget: one form with the lines, a line to add and the
/// amounts, so no button loses what was typed elsewhere on the page (see
/// [`save_strength`]). A line filled in but not added is added on "next"
/// (or the resident is stopped with a message next to its fields).
#[server(prefix = "/sf", endpoint = "save_budget")]
pub async fn save_budget(
    csrf_token: String,
    id: i64,
    #[server(default)] item: String,
    #[server(default)] amount: String,
    own_contribution: Option<String>,
    amount_asked: Option<String>,
    intent: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use crate::domain::Cents;
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "budget");
    let user = signed_in(&back).await?;
    let state = state()?;
    let intent = Intent::parse(intent.as_deref());
    let line = BudgetLineForm {
        item: item.trim().to_string(),
    };
    // A field not sent at all is left as it is; one sent empty is cleared.
    let own_sent = own_contribution.is_some();
    let asked_sent = amount_asked.is_some();
    let own_contribution = own_contribution.unwrap_or_default();
    let amount_asked = amount_asked.unwrap_or_default();
    let (amount, own, asked) = (amount.trim(), own_contribution.trim(), amount_asked.trim());
    let mut feedback = FormFeedback::new("budget")
        .with_value("item", &line.item)
        .with_value("amount", amount)
        .with_value("own_contribution", own)
        .with_value("amount_asked", asked);
    let line_typed = !line.item.is_empty() || !amount.is_empty();
    let add = intent == Intent::Add || (intent == Intent::Next && line_typed);
    let mut cents = 0;
    if add {
        feedback.errors = check(&line);
        match Cents::parse_euros(amount) {
            Ok(c) if c.0 > 0 => cents = c.0,
            _ => feedback = feedback.with_error("amount", "amount_invalid"),
        }
    }
    // The amounts are saved as far as typed; going on needs the amount asked.
    let own_cents = if !own_sent {
        None
    } else if own.is_empty() {
        Some(0)
    } else {
        let parsed = Cents::parse_euros(own).ok().map(|c| c.0);
        if parsed.is_none() {
            feedback = feedback.with_error("own_contribution", "amount_invalid");
        }
        parsed
    };
    let asked_cents = match Cents::parse_euros(asked) {
        Ok(c) if c.0 > 0 => Some(c.0),
        _ if !asked_sent || (asked.is_empty() && intent != Intent::Next) => None,
        _ => {
            feedback = feedback.with_error("amount_asked", "amount_invalid");
            None
        }
    };
    if !feedback.is_ok() {
        return Ok(refuse(feedback, &back));
    }
    let change = crate::ssr::services::propose::BudgetChange {
        own_contribution: own_cents,
        amount_asked: asked_cents,
        add: add.then(|| (line.item.clone(), cents)),
        remove: match intent {
            Intent::Remove(line_id) => Some(line_id),
            _ => None,
        },
        next: intent == Intent::Next,
    };
    let result = crate::ssr::services::propose::save_budget(&state.db, user.id, id, change).await;
    answer(result, feedback.clone(), &back, || match intent {
        Intent::Next => go(id, "photos", "budget"),
        Intent::Add => go(id, "budget", "budget"),
        // The line being typed is not added by a removal: it stays typed.
        Intent::Remove(_) => keep_typed(feedback, &back),
    })
}

/// Steps without a question of their own (photos, team): goes on to `step`.
#[server(prefix = "/sf", endpoint = "continue_to")]
pub async fn continue_to(
    csrf_token: String,
    id: i64,
    step: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let user = signed_in(&step_url(id, &step)).await?;
    let state = state()?;
    if !is_step(&step) {
        return Err(crate::ssr::error::ServiceError::NotFound.into_server_error());
    }
    crate::ssr::services::propose::reach_step(&state.db, user.id, id, &step)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(go(id, &step, "continue"))
}

/// Removes a photo.
#[server(prefix = "/sf", endpoint = "remove_photo")]
pub async fn remove_photo(
    csrf_token: String,
    id: i64,
    photo_id: i64,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let user = signed_in(&step_url(id, "photos")).await?;
    let state = state()?;
    crate::ssr::services::photos::remove(&state.db, &state.uploads, user.id, id, photo_id)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(go(id, "photos", "photo"))
}

/// Step 7: invites a co-initiator by e-mail.
#[server(prefix = "/sf", endpoint = "invite_co_initiator")]
pub async fn invite_co_initiator(
    csrf_token: String,
    id: i64,
    email: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "team");
    let user = signed_in(&back).await?;
    let state = state()?;
    let email = email.trim().to_lowercase();
    let feedback = FormFeedback::new("invite").with_value("email", &email);
    if !validator::ValidateEmail::validate_email(&email) || email.len() > 254 {
        return Ok(refuse(feedback.with_error("email", "email_invalid"), &back));
    }
    let result = crate::ssr::services::invites::invite(&state, &user, id, &email).await;
    answer(result, feedback, &back, || go(id, "team", "invite"))
}

/// Step 7: takes back an invitation or removes a co-initiator.
#[server(prefix = "/sf", endpoint = "remove_co_initiator")]
pub async fn remove_co_initiator(
    csrf_token: String,
    id: i64,
    co_initiator_id: i64,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let user = signed_in(&step_url(id, "team")).await?;
    let state = state()?;
    crate::ssr::services::invites::remove(&state.db, user.id, id, co_initiator_id)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(go(id, "team", "invite"))
}

/// Step 8: submits (or, after questions, resubmits) the initiative.
#[server(prefix = "/sf", endpoint = "submit_initiative")]
pub async fn submit_initiative(csrf_token: String, id: i64) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = step_url(id, "review");
    let user = signed_in(&back).await?;
    let state = state()?;
    match crate::ssr::services::propose::submit(&state, user.id, id).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("/me/initiatives/{id}?notice=submitted"));
            Ok(FormFeedback::new("submit"))
        }
        Err(crate::ssr::services::propose::SubmitError::Incomplete(missing)) => {
            let mut feedback = FormFeedback::new("submit");
            feedback.errors = missing;
            Ok(refuse(feedback, &back))
        }
        Err(crate::ssr::services::propose::SubmitError::Service(e)) => Err(e.into_server_error()),
    }
}

/// Withdraws an initiative (until a decision is made). The checkbox must be ticked.
#[server(prefix = "/sf", endpoint = "withdraw_initiative")]
pub async fn withdraw_initiative(
    csrf_token: String,
    id: i64,
    confirm: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/me/initiatives/{id}");
    let user = signed_in(&back).await?;
    let state = state()?;
    if confirm.is_none() {
        let feedback = FormFeedback::new("withdraw").with_error("confirm", "confirm_missing");
        return Ok(refuse(feedback, &back));
    }
    crate::ssr::services::notify::perform(
        &state,
        id,
        Some(user.id),
        crate::domain::Action::Withdraw,
        None,
    )
    .await
    .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect(&format!("{back}?notice=withdrawn"));
    Ok(FormFeedback::new("withdraw"))
}

/// An invitation to start an initiative together, as its link shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub initiative_title: String,
    pub invited_by: String,
}

/// The invitation behind a link, for the person signed in.
#[server(prefix = "/sf", endpoint = "load_invitation", input = server_fn::codec::GetUrl)]
pub async fn load_invitation(token: String) -> Result<Invitation, ServerFnError> {
    use helpers::*;
    let _user = signed_in(&format!("/invites?token={}", urlencoding::encode(&token))).await?;
    let state = state()?;
    crate::ssr::services::invites::find(&state.db, &token)
        .await
        .map_err(|e| e.into_server_error())
}

/// Accepts an invitation: the signed-in person becomes co-initiator.
#[server(prefix = "/sf", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    csrf_token: String,
    token: String,
) -> Result<FormFeedback, ServerFnError> {
    use helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/invites?token={}", urlencoding::encode(&token));
    let user = signed_in(&back).await?;
    let state = state()?;
    match crate::ssr::services::invites::accept(&state.db, &user, &token).await {
        Ok(id) => {
            leptos_axum::redirect(&format!("/me/initiatives/{id}?notice=joined"));
            Ok(FormFeedback::new("invitation"))
        }
        // Said on the invitation page, next to the button.
        Err(crate::ssr::error::ServiceError::Invalid { field, message }) => Ok(refuse(
            FormFeedback::new("invitation").with_error(field, &message),
            &back,
        )),
        Err(e) => Err(e.into_server_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_go_forward_and_back() {
        assert_eq!(next_step("idea"), "people");
        assert_eq!(next_step("team"), "review");
        assert_eq!(next_step("review"), "review");
        assert_eq!(previous_step("idea"), None);
        assert_eq!(previous_step("budget"), Some("strength"));
        assert!(is_step("photos") && !is_step("../etc"));
    }

    #[test]
    fn idea_fields_are_checked_with_codes() {
        let bad = IdeaForm {
            kind: "party".into(),
            title: "Hi".into(),
            description: "short".into(),
        };
        let codes: Vec<(String, String)> =
            check(&bad).into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("description".into(), "description_length".into()),
                ("kind".into(), "kind_unknown".into()),
                ("title".into(), "title_length".into()),
            ]
        );
        let good = IdeaForm {
            kind: "course".into(),
            title: "Naailes".into(),
            description: "Ik wil leren naaien om kleding te repareren.".into(),
        };
        assert!(check(&good).is_empty());
    }
}
