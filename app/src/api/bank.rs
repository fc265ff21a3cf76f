//! The bank account a grant is paid to: the resident enters the account
//! holder and IBAN on their initiative's page; the coach or admin who pays
//! by bank sees them in full on the payout form (and that view is logged).
//! Everywhere else only the masked IBAN is shown.

use super::forms::FormFeedback;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The bank account of my initiative, as I (its initiator) see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnBankAccount {
    /// Whether I may enter or change it now (from submission until the report is accepted).
    pub may_edit: bool,
    /// The account holder's name, once entered.
    pub holder: Option<String>,
    /// The masked IBAN (`NL** **** **** **43 00`), once entered.
    pub masked: Option<String>,
}

/// The account to transfer to, on the payout form of whoever pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAccount {
    pub holder: String,
    /// The full IBAN in groups of four.
    pub iban: String,
    /// Which version of the account this is: the payout form sends it back,
    /// so a payout is never recorded against an account changed meanwhile.
    pub revision: i64,
}

/// Enters or changes the bank account of initiative `id` (its initiator
/// only). A wrong holder or IBAN is told next to its field and nothing is stored.
#[server(prefix = "/sf", endpoint = "save_bank_account")]
pub async fn save_bank_account(
    csrf_token: String,
    id: i64,
    holder: String,
    iban: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::domain::bank_account::{BankAccount, HOLDER_MAX, IBAN_INPUT_MAX};
    let _ = csrf_token; // checked by the CSRF middleware
    let back = format!("/me/initiatives/{id}");
    let user = crate::ssr::serverfn::signed_in(&back).await?;
    let state = crate::ssr::serverfn::state()?;
    // What was typed comes back to the form; an absurdly long value is cut, not echoed.
    let typed = |s: &str, max: usize| s.trim().chars().take(max * 2).collect::<String>();
    let mut feedback = FormFeedback::new("bank_account")
        .with_value("holder", &typed(&holder, HOLDER_MAX))
        .with_value("iban", &typed(&iban, IBAN_INPUT_MAX));
    let account = match BankAccount::parse(&holder, &iban) {
        Ok(account) => account,
        Err(errors) => {
            for e in errors {
                feedback = feedback.with_error(e.field(), e.code());
            }
            return Ok(crate::ssr::serverfn::refuse(feedback, &back));
        }
    };
    crate::ssr::services::bank_accounts::save(&state, user.id, id, &account)
        .await
        .map_err(|e| e.into_server_error())?;
    leptos_axum::redirect(&format!("{back}?notice=bank_account_saved#bank-account"));
    Ok(FormFeedback::new("bank_account"))
}
