//! The fund administrator's side: neighbourhoods, funds (period, budget,
//! neighbourhoods, maximum grant, match rule), coaches (invitation, mandate,
//! neighbourhoods) and the audit log. Every function here is for admins only.

// A plain form's fields are a server function's arguments: the fund form has nine.
#![allow(clippy::too_many_arguments)]

use super::coach::FundBudget;
use super::forms::FormFeedback;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourhoodRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundRow {
    pub id: i64,
    pub name: String,
    /// ISO dates.
    pub period_start: String,
    pub period_end: String,
    pub budget_cents: i64,
    pub max_grant_cents: i64,
    /// Euro cents of match per euro given, as a percentage (100 = one for one).
    pub match_percent: i32,
    pub match_cap_cents: i64,
    pub neighbourhood_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// Whether they chose a password (accepted the invitation).
    pub active: bool,
    pub mandate_cents: Option<i64>,
    pub neighbourhood_ids: Vec<i64>,
}

/// Everything on `/admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminData {
    pub neighbourhoods: Vec<NeighbourhoodRow>,
    pub funds: Vec<FundRow>,
    pub coaches: Vec<CoachRow>,
    pub budgets: Vec<FundBudget>,
    /// Approvals waiting for a second signature, longest waiting first (a page).
    pub cosign_waiting: Vec<crate::api::coach::QueueItem>,
    /// How many wait in all.
    pub cosign_waiting_total: u64,
    /// Days a co-signature may wait before it is flagged.
    pub cosign_flag_days: i64,
}

/// One event of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub initiative_id: i64,
    pub initiative_title: String,
    pub actor: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub amount_cents: Option<i64>,
    pub reason: Option<String>,
}

/// What the audit log is filtered by (empty: no filter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub initiative: Option<String>,
    pub person: Option<String>,
    pub kind: Option<String>,
    /// ISO dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl AuditFilter {
    /// The filter as a query string, for the CSV link.
    pub fn query(&self) -> String {
        let pairs = [
            ("initiative", &self.initiative),
            ("person", &self.person),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", urlencoding::encode(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The most rows the audit page shows (the CSV has them all).
pub const AUDIT_PAGE: u64 = 200;

#[cfg(feature = "ssr")]
mod helpers {
    use crate::api::forms::FormFeedback;
    use crate::ssr::error::ServiceError;
    pub use crate::ssr::serverfn::{refuse, signed_in, state};
    use crate::ssr::session::CurrentUser;
    use leptos::prelude::ServerFnError;

    /// The signed-in admin; anyone else is refused (403) or sent to sign in.
    pub async fn admin(here: &str) -> Result<CurrentUser, ServerFnError> {
        let user = signed_in(here).await?;
        crate::ssr::services::admin::require_admin(&user)
            .map_err(ServiceError::into_server_error)?;
        Ok(user)
    }

    /// A save's answer: field problems back to the form, else on to `/admin`.
    pub fn answer(
        result: Result<(), ServiceError>,
        feedback: FormFeedback,
        anchor: &str,
    ) -> Result<FormFeedback, ServerFnError> {
        match result {
            Ok(()) => {
                leptos_axum::redirect(&format!("/admin?notice=saved#{anchor}"));
                Ok(FormFeedback::new(&feedback.form))
            }
            Err(ServiceError::Invalid { field, message }) => Ok(refuse(
                feedback.with_error(field, &message),
                &format!("/admin#{anchor}"),
            )),
            Err(e) => Err(e.into_server_error()),
        }
    }
}

/// Everything on `/admin`.
#[server(prefix = "/sf", endpoint = "admin_overview", input = server_fn::codec::GetUrl)]
pub async fn admin_overview() -> Result<AdminData, ServerFnError> {
    let _admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    crate::ssr::services::admin::overview(&state.db, state.cosign_flag_days)
        .await
        .map_err(|e| e.into_server_error())
}

/// Creates (without `id`) or renames a neighbourhood.
#[server(prefix = "/sf", endpoint = "save_neighbourhood")]
pub async fn save_neighbourhood(
    csrf_token: String,
    id: Option<i64>,
    slug: String,
    name: String,
    description: String,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let _admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    let form = id.map_or_else(
        || "neighbourhood_new".to_string(),
        |id| format!("neighbourhood_{id}"),
    );
    let feedback = FormFeedback::new(&form)
        .with_value("slug", slug.trim())
        .with_value("name", name.trim())
        .with_value("description", description.trim());
    let result = crate::ssr::services::admin::save_neighbourhood(
        &state.db,
        id,
        slug.trim(),
        name.trim(),
        description.trim(),
    )
    .await;
    helpers::answer(result, feedback, "neighbourhoods")
}

/// Creates (without `id`) or changes a fund. Amounts in euros.
#[server(prefix = "/sf", endpoint = "save_fund")]
pub async fn save_fund(
    csrf_token: String,
    id: Option<i64>,
    name: String,
    period_start: String,
    period_end: String,
    budget: String,
    max_grant: String,
    match_percent: String,
    match_cap: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::admin::FundInput;
    let _ = csrf_token; // checked by the CSRF middleware
    let admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    let form = id.map_or_else(|| "fund_new".to_string(), |id| format!("fund_{id}"));
    let mut feedback = FormFeedback::new(&form)
        .with_value("name", name.trim())
        .with_value("period_start", period_start.trim())
        .with_value("period_end", period_end.trim())
        .with_value("budget", budget.trim())
        .with_value("max_grant", max_grant.trim())
        .with_value("match_percent", match_percent.trim())
        .with_value("match_cap", match_cap.trim());
    let date = |v: &str| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
    let euros = |v: &str| crate::domain::Cents::parse_euros(v).ok().map(|c| c.0);
    let start = date(&period_start);
    let end = date(&period_end);
    let budget = euros(&budget).filter(|c| *c > 0);
    let max_grant = euros(&max_grant).filter(|c| *c > 0);
    let percent = match_percent.trim();
    let percent = if percent.is_empty() {
        Some(0)
    } else {
        percent
            .parse::<i32>()
            .ok()
            .filter(|p| (0..=500).contains(p))
    };
    let cap = if match_cap.trim().is_empty() {
        Some(0)
    } else {
        euros(&match_cap)
    };
    for (field, ok, code) in [
        ("period_start", start.is_some(), "date_invalid"),
        ("period_end", end.is_some(), "date_invalid"),
        ("budget", budget.is_some(), "amount_invalid"),
        ("max_grant", max_grant.is_some(), "amount_invalid"),
        ("match_percent", percent.is_some(), "match_percent_range"),
        ("match_cap", cap.is_some(), "amount_invalid"),
    ] {
        if !ok {
            feedback = feedback.with_error(field, code);
        }
    }
    let (Some(start), Some(end), Some(budget), Some(max_grant), Some(percent), Some(cap), true) = (
        start,
        end,
        budget,
        max_grant,
        percent,
        cap,
        feedback.is_ok(),
    ) else {
        return Ok(helpers::refuse(feedback, "/admin#funds"));
    };
    let input = FundInput {
        name: name.trim().to_string(),
        period: (start, end),
        budget_cents: budget,
        max_grant_cents: max_grant,
        match_percent: percent,
        match_cap_cents: cap,
    };
    let result = crate::ssr::services::admin::save_fund(&state.db, admin.id, id, input).await;
    helpers::answer(result, feedback, "funds")
}

/// Adds a neighbourhood to a fund, or takes it off.
#[server(prefix = "/sf", endpoint = "toggle_fund_neighbourhood")]
pub async fn toggle_fund_neighbourhood(
    csrf_token: String,
    fund_id: i64,
    neighbourhood_id: i64,
) -> Result<(), ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let _admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    crate::ssr::services::admin::toggle_fund_neighbourhood(&state.db, fund_id, neighbourhood_id)
        .await
        .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect("/admin?notice=saved#funds");
    Ok(())
}

/// Invites a neighbourhood coach by e-mail.
#[server(prefix = "/sf", endpoint = "invite_coach")]
pub async fn invite_coach(
    csrf_token: String,
    email: String,
    display_name: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::{AccountError, MailContext};
    let _ = csrf_token; // checked by the CSRF middleware
    let _admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    let mut feedback = FormFeedback::new("invite_coach")
        .with_value("email", email.trim())
        .with_value("display_name", display_name.trim());
    let mail = MailContext {
        mailer: &state.mailer,
        public_url: &state.public_url,
        lang: crate::ssr::request::lang(),
    };
    match crate::ssr::services::accounts::invite_coach(&state.db, &email, &display_name, &mail)
        .await
    {
        Ok(_) => {
            leptos_axum::redirect("/admin?notice=coach_invited#coaches");
            Ok(FormFeedback::new("invite_coach"))
        }
        Err(AccountError::Invalid(errors)) => {
            feedback.errors = errors;
            Ok(helpers::refuse(feedback, "/admin#coaches"))
        }
        Err(e) => Err(crate::ssr::serverfn::internal(e)),
    }
}

/// Sets a coach's mandate: the largest grant they approve alone (euros).
#[server(prefix = "/sf", endpoint = "set_mandate")]
pub async fn set_mandate(
    csrf_token: String,
    coach_id: i64,
    mandate: String,
) -> Result<FormFeedback, ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    let feedback =
        FormFeedback::new(&format!("mandate_{coach_id}")).with_value("mandate", mandate.trim());
    let Ok(cents) = crate::domain::Cents::parse_euros(&mandate) else {
        return Ok(helpers::refuse(
            feedback.with_error("mandate", "amount_invalid"),
            "/admin#coaches",
        ));
    };
    let result =
        crate::ssr::services::admin::set_mandate(&state.db, admin.id, coach_id, cents.0).await;
    helpers::answer(result, feedback, "coaches")
}

/// Gives a coach a neighbourhood, or takes it away.
#[server(prefix = "/sf", endpoint = "toggle_coach_neighbourhood")]
pub async fn toggle_coach_neighbourhood(
    csrf_token: String,
    coach_id: i64,
    neighbourhood_id: i64,
) -> Result<(), ServerFnError> {
    let _ = csrf_token; // checked by the CSRF middleware
    let _admin = helpers::admin("/admin").await?;
    let state = helpers::state()?;
    crate::ssr::services::admin::toggle_coach_neighbourhood(&state.db, coach_id, neighbourhood_id)
        .await
        .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect("/admin?notice=saved#coaches");
    Ok(())
}

/// The audit log, newest first, filtered.
#[server(prefix = "/sf", endpoint = "audit_log", input = server_fn::codec::GetUrl)]
pub async fn audit_log(
    // An empty filter has no fields in the URL at all: it must still arrive.
    #[server(default)] filter: AuditFilter,
) -> Result<Vec<AuditRow>, ServerFnError> {
    let _admin = helpers::admin("/admin/audit").await?;
    let state = helpers::state()?;
    crate::ssr::services::admin::audit(&state.db, &filter, Some(AUDIT_PAGE))
        .await
        .map_err(|e| e.into_server_error())
}

/// The outcome of comparing the ledger with Stripe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reconciliation {
    /// Online payments are not set up.
    Off,
    /// Stripe could not be asked.
    Unreachable,
    /// Every difference: (what, ledger cents, Stripe cents); empty when they
    /// agree. And the gifts paid out by bank, owed from the Stripe balance to
    /// the fund's bank: (initiative id, title, cents).
    Done {
        differences: Vec<(String, Option<i64>, Option<i64>)>,
        owed: Vec<(i64, String, i64)>,
        /// Disputed gifts: (dispute id, initiative id, title, cents held, outcome).
        disputes: Vec<(String, i64, String, i64, String)>,
    },
}

/// Compares the ledger with Stripe's balance transactions (admins only).
#[server(prefix = "/sf", endpoint = "reconcile", input = server_fn::codec::GetUrl)]
pub async fn reconcile() -> Result<Reconciliation, ServerFnError> {
    helpers::admin("/admin/reconcile").await?;
    let state = helpers::state()?;
    let Some(gateway) = state.stripe.as_ref() else {
        return Ok(Reconciliation::Off);
    };
    let owed = crate::ssr::services::payments::owed_to_fund_bank(&state.db)
        .await
        .map_err(|e| e.into_server_error())?
        .into_iter()
        .map(|o| (o.initiative_id, o.title, o.cents))
        .collect();
    let disputes = crate::ssr::services::payments::disputed_gifts(&state.db)
        .await
        .map_err(|e| e.into_server_error())?
        .into_iter()
        .map(|d| {
            (
                d.dispute,
                d.initiative_id,
                d.title,
                d.held_cents,
                d.outcome.to_string(),
            )
        })
        .collect();
    match crate::ssr::services::payments::reconcile(&state.db, gateway).await {
        Ok(list) => Ok(Reconciliation::Done {
            differences: list
                .into_iter()
                .map(|d| (d.what, d.ledger_cents, d.stripe_cents))
                .collect(),
            owed,
            disputes,
        }),
        Err(crate::ssr::error::ServiceError::Gateway(e)) => {
            tracing::warn!(error = %e, "reconciliation could not reach Stripe");
            Ok(Reconciliation::Unreachable)
        }
        Err(e) => Err(e.into_server_error()),
    }
}
