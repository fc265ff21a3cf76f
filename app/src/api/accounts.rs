//! Account forms, shared by the server (which validates) and the browser
//! (which shows the same limits next to the fields).

use serde::{Deserialize, Serialize};
use validator::Validate;

/// The limits the forms show and the server enforces.
pub const PASSWORD_MIN: u64 = 10;
pub const PASSWORD_MAX: u64 = 128;
pub const NAME_MAX: u64 = 80;
pub const EMAIL_MAX: u64 = 254;

/// Signing up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SignupForm {
    #[validate(
        email(code = "email_invalid"),
        length(max = 254, code = "email_too_long")
    )]
    pub email: String,
    #[validate(length(min = 10, max = 128, code = "password_length"))]
    pub password: String,
    #[validate(length(min = 1, max = 80, code = "name_length"))]
    pub display_name: String,
}

/// Choosing a new password with a reset link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct NewPasswordForm {
    #[validate(length(min = 1, code = "token_missing"))]
    pub token: String,
    #[validate(length(min = 10, max = 128, code = "password_length"))]
    pub password: String,
}

/// One problem with one field: the field's name and a message code that the
/// i18n layer turns into a sentence in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

/// The field errors of a validated form, sorted by field.
pub fn field_errors(result: Result<(), validator::ValidationErrors>) -> Vec<FieldError> {
    let Err(errors) = result else {
        return Vec::new();
    };
    let mut out: Vec<FieldError> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errs)| {
            errs.iter().map(move |e| FieldError {
                field: field.to_string(),
                code: e.code.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signup_fields_are_checked_with_codes() {
        let bad = SignupForm {
            email: "not-mail".into(),
            password: "short".into(),
            display_name: String::new(),
        };
        let errors = field_errors(bad.validate());
        let codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("display_name", "name_length"),
                ("email", "email_invalid"),
                ("password", "password_length")
            ]
        );
        let good = SignupForm {
            email: "maria@example.org".into(),
            password: "a long enough password".into(),
            display_name: "Maria".into(),
        };
        assert!(field_errors(good.validate()).is_empty());
    }
}
