//! What a form needs back from the server when something is wrong: errors
//! per field (as message codes) and the values to fill in again. Never a
//! password.
//!
//! With JavaScript the server function returns this directly. Without
//! JavaScript the server keeps it for one request in a short-lived cookie
//! and sends the browser back to the form, which reads it with
//! [`take_form_feedback`] while rendering — so both ways show the same messages
//! next to the same fields.

use super::accounts::FieldError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Errors and values of one form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form this belongs to (`sign_in`, `sign_up`, …).
    pub form: String,
    pub errors: Vec<FieldError>,
    pub values: Vec<(String, String)>,
    /// The values are to be shown again although nothing went wrong (a
    /// save that left something typed on the page unsaved).
    #[serde(default)]
    pub kept: bool,
}

impl FormFeedback {
    pub fn new(form: &str) -> FormFeedback {
        FormFeedback {
            form: form.into(),
            ..FormFeedback::default()
        }
    }

    /// The message code for `field`, if it has an error.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.clone())
    }

    /// The value typed into `field`, to fill it in again.
    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Whether the form shows these values rather than what is saved:
    /// after an error, or when they were kept on purpose.
    pub fn shows_typed(&self) -> bool {
        !self.is_ok() || self.kept
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn with_error(mut self, field: &str, code: &str) -> FormFeedback {
        self.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
        });
        self
    }

    pub fn with_value(mut self, field: &str, value: &str) -> FormFeedback {
        self.values.push((field.into(), value.into()));
        self
    }
}

/// The feedback left for form `form` (`*`: for whichever form) by the
/// previous request (no-JavaScript form posts), read once.
#[server(prefix = "/sf", endpoint = "take_form_feedback", input = server_fn::codec::GetUrl)]
pub async fn take_form_feedback(form: String) -> Result<Option<FormFeedback>, ServerFnError> {
    Ok(crate::ssr::flash::take(&form))
}
