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

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/initiatives?page=2"), "/initiatives?page=2");
        assert_eq!(safe_next("/propose"), "/propose");
        assert_eq!(safe_next("/me#notifications"), "/me#notifications");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            // Browsers drop tabs and newlines: these are `//evil.example/x`.
            "/\t/evil.example/x",
            "/\n/evil.example/x",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\\/evil.example",
            "https:evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil}");
        }
    }
}

// ---- server functions ----

use super::forms::FormFeedback;
use leptos::prelude::*;

/// The signed-in person as the pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub role: crate::domain::Role,
    pub verified: bool,
    /// Notifications not yet read.
    pub unread: u64,
}

/// Who is signed in, if anyone.
#[server(prefix = "/sf", endpoint = "who_am_i", input = server_fn::codec::GetUrl)]
pub async fn who_am_i() -> Result<Option<Me>, ServerFnError> {
    let Some(u) = crate::ssr::request::current_user().await else {
        return Ok(None);
    };
    let state = ssr_helpers::state()?;
    let unread = crate::ssr::services::notify::unread(&state.db, u.id)
        .await
        .map_err(|e| e.into_server_error())?;
    Ok(Some(Me {
        display_name: u.display_name,
        role: u.role,
        verified: u.verified,
        unread,
    }))
}

/// Only paths on this site may be `next`.
///
/// Read the way a browser reads it (WHATWG URL parsing, the `url` crate):
/// browsers drop tabs and newlines anywhere in a URL and take `\` for `/`,
/// so `/\t/evil.example` is `//evil.example`, another site. The address is
/// resolved against this site and kept only if it stays here; what comes
/// back is its normalised path, query and fragment.
pub fn safe_next(next: &str) -> String {
    let base = url::Url::parse("https://buurtfonds.invalid/").expect("a valid base");
    match base.join(next) {
        Ok(joined) if joined.origin() == base.origin() && next.starts_with('/') => {
            joined[url::Position::BeforePath..].to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(feature = "ssr")]
mod ssr_helpers {
    pub use crate::ssr::serverfn::{internal, refuse, session_cookie, state};
    use crate::ssr::services::accounts::MailContext;
    use crate::ssr::AppState;

    pub fn mail_context(state: &AppState) -> MailContext<'_> {
        MailContext {
            mailer: &state.mailer,
            public_url: &state.public_url,
            lang: crate::ssr::request::lang(),
        }
    }
}

/// Signs up; on success the browser goes to the sign-in page with a "check your mail" notice.
#[server(prefix = "/sf", endpoint = "sign_up")]
pub async fn sign_up(
    csrf_token: String,
    email: String,
    password: String,
    display_name: String,
    // Where the person was going (an invitation): back there after verifying.
    next: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::{self, AccountError};
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    let next = safe_next(next.as_deref().unwrap_or("/"));
    let feedback = FormFeedback::new("sign_up")
        .with_value("email", &email)
        .with_value("display_name", &display_name)
        .with_value("next", &next);
    let form = SignupForm {
        email,
        password,
        display_name,
    };
    let with_next = |path: &str| {
        if next == "/" {
            path.to_string()
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}next={}", urlencoding::encode(&next))
        }
    };
    match accounts::sign_up_returning_to(&state.db, form, &mail_context(&state), &next).await {
        Ok(()) => {
            leptos_axum::redirect(&with_next("/login?notice=check_mail"));
            Ok(FormFeedback::new("sign_up"))
        }
        Err(AccountError::Invalid(errors)) => Ok(refuse(
            FormFeedback { errors, ..feedback },
            &with_next("/signup"),
        )),
        Err(e) => Err(internal(e)),
    }
}

/// Signs in and starts a fresh session; the browser goes to `next`.
#[server(prefix = "/sf", endpoint = "sign_in")]
pub async fn sign_in(
    csrf_token: String,
    email: String,
    password: String,
    next: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::{self, AccountError};
    use crate::ssr::session;
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    let next = safe_next(&next);
    match accounts::sign_in(&state.db, &email, &password).await {
        Ok(user) => {
            // A new session at every sign-in; the old one ends.
            if let Some(old) = crate::ssr::request::session_token() {
                session::destroy(&state.db, &old).await.map_err(internal)?;
            }
            let token = session::create(&state.db, user.id, crate::ssr::request::user_agent())
                .await
                .map_err(internal)?;
            session_cookie(
                &token,
                session::SESSION_DAYS * 24 * 3600,
                state.secure_cookies,
            );
            leptos_axum::redirect(&next);
            Ok(FormFeedback::new("sign_in"))
        }
        Err(AccountError::BadCredentials) => {
            let feedback = FormFeedback::new("sign_in")
                .with_value("email", &email)
                .with_value("next", &next)
                .with_error("email", "bad_credentials");
            Ok(refuse(
                feedback,
                &format!("/login?next={}", urlencoding::encode(&next)),
            ))
        }
        Err(e) => Err(internal(e)),
    }
}

/// Ends the session.
#[server(prefix = "/sf", endpoint = "sign_out")]
pub async fn sign_out(csrf_token: String) -> Result<(), ServerFnError> {
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    if let Some(token) = crate::ssr::request::session_token() {
        crate::ssr::session::destroy(&state.db, &token)
            .await
            .map_err(internal)?;
    }
    session_cookie("", 0, state.secure_cookies);
    leptos_axum::redirect("/");
    Ok(())
}

/// Confirms an e-mail address with the token from the mail.
#[server(prefix = "/sf", endpoint = "verify_email")]
pub async fn verify_email(
    csrf_token: String,
    token: String,
    // Where the person was going when they signed up (an invitation).
    next: Option<String>,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::{self, AccountError};
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    let next = safe_next(next.as_deref().unwrap_or("/"));
    match accounts::verify_email(&state.db, &token).await {
        Ok(user_id) => {
            // Signed in as the person who verified: straight on; anyone
            // else signs in first and then goes on.
            let signed_in = crate::ssr::request::current_user()
                .await
                .is_some_and(|u| u.id == user_id);
            if signed_in {
                leptos_axum::redirect(&next);
            } else if next == "/" {
                leptos_axum::redirect("/login?notice=verified");
            } else {
                leptos_axum::redirect(&format!(
                    "/login?notice=verified&next={}",
                    urlencoding::encode(&next)
                ));
            }
            Ok(FormFeedback::new("verify"))
        }
        Err(AccountError::BadToken) => Ok(refuse(
            FormFeedback::new("verify").with_error("token", "bad_token"),
            &format!("/verify?token={}", urlencoding::encode(&token)),
        )),
        Err(e) => Err(internal(e)),
    }
}

/// Mails a reset link (when the address has an account; the answer is the same).
#[server(prefix = "/sf", endpoint = "forgot_password")]
pub async fn forgot_password(
    csrf_token: String,
    email: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts;
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    let check = SignupForm {
        email: email.trim().to_string(),
        password: "x".repeat(10),
        display_name: "x".into(),
    };
    if let Some(code) = field_errors(check.validate())
        .into_iter()
        .find(|e| e.field == "email")
    {
        let feedback = FormFeedback::new("forgot")
            .with_value("email", &email)
            .with_error("email", &code.code);
        return Ok(refuse(feedback, "/forgot"));
    }
    accounts::request_password_reset(&state.db, &email, &mail_context(&state))
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/login?notice=reset_sent");
    Ok(FormFeedback::new("forgot"))
}

/// Sets a new password with the token from the reset mail.
#[server(prefix = "/sf", endpoint = "reset_password")]
pub async fn reset_password(
    csrf_token: String,
    token: String,
    password: String,
) -> Result<FormFeedback, ServerFnError> {
    use crate::ssr::services::accounts::{self, AccountError};
    use ssr_helpers::*;
    let _ = csrf_token; // checked by the CSRF middleware
    let state = state()?;
    let back = format!("/reset?token={}", urlencoding::encode(&token));
    match accounts::reset_password(&state.db, NewPasswordForm { token, password }).await {
        Ok(_) => {
            leptos_axum::redirect("/login?notice=password_changed");
            Ok(FormFeedback::new("reset"))
        }
        Err(AccountError::Invalid(errors)) => Ok(refuse(
            FormFeedback {
                errors,
                ..FormFeedback::new("reset")
            },
            &back,
        )),
        Err(AccountError::BadToken) => Ok(refuse(
            FormFeedback::new("reset").with_error("token", "bad_token"),
            &back,
        )),
        Err(e) => Err(internal(e)),
    }
}
