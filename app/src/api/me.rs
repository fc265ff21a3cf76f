//! A resident's own initiatives: the list, one initiative with its timeline
//! (built from the event log) and the message thread with the coach.

use super::forms::FormFeedback;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The longest message.
pub const MESSAGE_MAX: usize = 2_000;

/// One of my initiatives, as listed on `/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnInitiative {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub coach_name: Option<String>,
    pub amount_asked_cents: i64,
    pub amount_approved_cents: Option<i64>,
    /// ISO date of the last change.
    pub updated_on: String,
}

/// One step in an initiative's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// ISO date.
    pub on: String,
    pub action: String,
    pub to_state: String,
    pub actor_name: Option<String>,
    pub amount_cents: Option<i64>,
    pub reason: Option<String>,
}

/// One message in the thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageItem {
    /// ISO date and time (minutes).
    pub at: String,
    pub author_name: String,
    pub mine: bool,
    pub body: String,
}

/// One of my initiatives with its history and messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnInitiativeView {
    pub initiative: OwnInitiative,
    pub timeline: Vec<TimelineItem>,
    pub messages: Vec<MessageItem>,
    /// Whether I may write in the thread now (not while it is a draft).
    pub can_message: bool,
    /// Whether I may change it now (a draft, or changes were asked).
    pub can_edit: bool,
    /// Whether I may withdraw it now (until a decision).
    pub can_withdraw: bool,
    /// My payout account, while I may connect one (I started it and it is
    /// approved): `none`, `pending` or `ready`.
    pub payout_account: Option<String>,
    /// Online payments are set up on this server.
    pub stripe_on: bool,
    /// A payout came back (failed or reversed) and waits to be paid again.
    pub payout_returned: bool,
    /// Once approved: what neighbours gave (net of refunds), what was paid
    /// out to the initiator in all, and what came after the payout and is
    /// still to be paid out (gifts and match, for a top-up).
    pub money: Option<OwnMoney>,
    /// The bank account for a bank payout: only for the initiator, from submission on.
    #[serde(default)]
    pub bank_account: Option<super::bank::OwnBankAccount>,
}

/// The money of one's own initiative, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnMoney {
    pub gifts_cents: i64,
    pub paid_cents: i64,
    pub still_to_pay_cents: i64,
}

/// My initiatives, newest first. Sends visitors to the sign-in page.
#[server(prefix = "/sf", endpoint = "my_initiatives", input = server_fn::codec::GetUrl)]
pub async fn my_initiatives() -> Result<Vec<OwnInitiative>, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::me::list(&state.db, user.id)
        .await
        .map_err(|e| e.into_server_error())
}

/// One of my initiatives. Someone else's answers 404, as if it did not exist.
#[server(prefix = "/sf", endpoint = "my_initiative", input = server_fn::codec::GetUrl)]
pub async fn my_initiative(id: i64) -> Result<OwnInitiativeView, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in(&format!("/me/initiatives/{id}")).await?;
    let state = crate::ssr::serverfn::state()?;
    let mut view = crate::ssr::services::me::detail(&state.db, user.id, id)
        .await
        .map_err(|e| e.into_server_error())?;
    view.stripe_on = state.stripe.is_some();
    view.bank_account = crate::ssr::services::bank_accounts::for_owner(&state, user.id, id)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(view)
}

/// Writes a message to the coach in an initiative's thread.
#[server(prefix = "/sf", endpoint = "send_message")]
pub async fn send_message(
    csrf_token: String,
    initiative_id: i64,
    body: String,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/me/initiatives/{initiative_id}");
    let user = crate::ssr::serverfn::signed_in(&back).await?;
    let state = crate::ssr::serverfn::state()?;
    let body = body.trim().to_string();
    if body.is_empty() || body.chars().count() > MESSAGE_MAX {
        let feedback = FormFeedback::new("message")
            .with_value("body", &body)
            .with_error("body", "message_length");
        return Ok(crate::ssr::serverfn::refuse(feedback, &back));
    }
    crate::ssr::services::me::send_message(&state.db, user.id, initiative_id, &body)
        .await
        .map_err(|e| e.into_server_error())?;
    if let Err(e) =
        crate::ssr::services::notify::tell(&state, initiative_id, Some(user.id), "message", None)
            .await
    {
        tracing::error!(error = %e, "message notification failed");
    }
    leptos_axum::redirect(&format!("{back}#messages"));
    Ok(FormFeedback::new("message"))
}

/// What the public may see of me.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privacy {
    /// A first name or group name.
    pub public_name: String,
    /// Whether that name is shown with my public initiatives.
    pub consent: bool,
}

/// The longest public name.
pub const PUBLIC_NAME_MAX: usize = 40;

/// My privacy choice.
#[server(prefix = "/sf", endpoint = "my_privacy", input = server_fn::codec::GetUrl)]
pub async fn my_privacy() -> Result<Privacy, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::me::privacy(&state.db, user.id)
        .await
        .map_err(|e| e.into_server_error())
}

/// Saves whether (and which) first or group name the public sees.
#[server(prefix = "/sf", endpoint = "save_privacy")]
pub async fn save_privacy(
    csrf_token: String,
    public_name: String,
    consent: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    let name = public_name.trim().to_string();
    let consent = consent.is_some();
    let too_long = name.chars().count() > PUBLIC_NAME_MAX;
    if too_long || (consent && name.is_empty()) {
        let feedback = FormFeedback::new("privacy")
            .with_value("public_name", &name)
            .with_error("public_name", "public_name_length");
        return Ok(crate::ssr::serverfn::refuse(feedback, "/me"));
    }
    crate::ssr::services::me::save_privacy(&state.db, user.id, &name, consent)
        .await
        .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect("/me?notice=privacy_saved");
    Ok(FormFeedback::new("privacy"))
}

/// One notification on `/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub initiative_id: Option<i64>,
    /// Where it leads: the person's own initiative page, or the coach's page
    /// of it for staff who hear of it as coach or co-signer.
    pub href: Option<String>,
    pub initiative_title: String,
    /// The step (an action name) or `message`.
    pub kind: String,
    pub detail: String,
    /// ISO date.
    pub on: String,
    pub unread: bool,
}

/// My latest notifications, newest first.
#[server(prefix = "/sf", endpoint = "my_notifications", input = server_fn::codec::GetUrl)]
pub async fn my_notifications() -> Result<Vec<NotificationItem>, ServerFnError> {
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    let items = crate::ssr::services::notify::latest(&state.db, user.id, 20)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(items
        .into_iter()
        .map(|n| NotificationItem {
            href: n.initiative_id.map(|id| {
                let staff = matches!(
                    user.role,
                    crate::domain::Role::Coach | crate::domain::Role::Admin
                );
                if n.on_team || !staff {
                    format!("/me/initiatives/{id}")
                } else {
                    format!("/coach/initiatives/{id}")
                }
            }),
            initiative_id: n.initiative_id,
            initiative_title: n.initiative_title,
            kind: n.kind,
            detail: n.detail,
            on: n.at.date_naive().to_string(),
            unread: n.unread,
        })
        .collect())
}

/// Marks all my notifications as read.
#[server(prefix = "/sf", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(csrf_token: String) -> Result<(), ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::notify::mark_read(&state.db, user.id)
        .await
        .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect("/me#notifications");
    Ok(())
}

/// Erases my account, after I confirm with my password.
#[server(prefix = "/sf", endpoint = "erase_account")]
pub async fn erase_account(
    csrf_token: String,
    erase_password: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::AccountError;
    let _ = csrf_token; // checked by the CSRF middleware
    let user = crate::ssr::serverfn::signed_in("/me").await?;
    let state = crate::ssr::serverfn::state()?;
    match crate::ssr::services::accounts::erase(&state, user.id, &erase_password).await {
        Ok(()) => {
            crate::ssr::serverfn::session_cookie("", 0, state.secure_cookies);
            leptos_axum::redirect("/?notice=account_erased");
            Ok(FormFeedback::new("erase"))
        }
        Err(AccountError::BadCredentials) => {
            let feedback = FormFeedback::new("erase").with_error("erase_password", "bad_password");
            Ok(crate::ssr::serverfn::refuse(feedback, "/me#erase"))
        }
        Err(e) => Err(crate::ssr::serverfn::internal(e)),
    }
}
