//! All user-facing text, in Dutch (the default) and English.
//!
//! Each language is one [`Texts`] value: a missing translation is a compile
//! error, so English is always complete. Components read the language from
//! context with [`use_lang`] and the strings with [`use_texts`].

mod admin;
mod bank;
mod coach;
mod en;
mod nl;
mod payments;
mod public;
mod wizard;

pub use admin::AdminTexts;
pub use bank::BankTexts;
pub use coach::CoachTexts;
pub use payments::PaymentTexts;
pub use public::PublicTexts;
pub use wizard::WizardTexts;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A language the product speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The BCP 47 code, as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The OpenGraph locale (`og:locale`).
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::Nl => "nl_NL",
            Lang::En => "en_GB",
        }
    }

    /// Reads a language code; anything unknown is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language chosen in a `Cookie` header, else Dutch.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::parse(value))
            .unwrap_or_default()
    }

    /// This language's texts.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nl => &nl::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }

    /// A date (`YYYY-MM-DD`) as readers of this language write it: `25 oktober 2026`,
    /// `25 October 2026`. Anything else is returned as it is.
    pub fn date(self, iso: &str) -> String {
        const NL: [&str; 12] = [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let Ok(d) = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") else {
            return iso.to_string();
        };
        use chrono::Datelike;
        let months = if self == Lang::Nl { NL } else { EN };
        format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
    }

    /// Formats an amount of cents the way readers of this language expect.
    pub fn money(self, cents: crate::domain::Cents) -> String {
        match self {
            Lang::Nl => cents.format_nl(),
            Lang::En => cents.format_en(),
        }
    }
}

/// The language of the current request (server) or page (browser).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The texts in the current language.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

/// Every user-facing string. Functions take the values they show.
pub struct Texts {
    pub lang_name: &'static str,
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub main_navigation: &'static str,
    pub menu: &'static str,
    pub nav_home: &'static str,
    pub nav_initiatives: &'static str,
    pub nav_propose: &'static str,
    pub nav_sign_in: &'static str,
    pub switch_language_label: &'static str,
    pub hero_title: &'static str,
    pub hero_text: &'static str,
    pub start_initiative: &'static str,
    pub how_title: &'static str,
    pub how_steps: [(&'static str, &'static str); 3],
    pub recent_title: &'static str,
    pub recent_empty: &'static str,
    pub recent_error: &'static str,
    pub loading: &'static str,
    pub granted: &'static str,
    pub funded_on: fn(&str) -> String,
    pub by_name: fn(&str) -> String,
    pub kind_course: &'static str,
    pub kind_activity: &'static str,
    pub kind_other: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub footer_text: &'static str,
    pub signup_title: &'static str,
    pub signup_intro: &'static str,
    pub signup_submit: &'static str,
    pub have_account: &'static str,
    pub login_title: &'static str,
    pub login_submit: &'static str,
    pub no_account: &'static str,
    pub forgot_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_submit: &'static str,
    pub reset_title: &'static str,
    pub reset_submit: &'static str,
    pub verify_title: &'static str,
    pub verify_intro: &'static str,
    pub verify_submit: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: fn(&str) -> String,
    pub field_email: &'static str,
    pub field_password: &'static str,
    pub field_new_password: &'static str,
    /// (minimum length)
    pub password_hint: fn(u64) -> String,
    pub field_display_name: &'static str,
    pub display_name_hint: &'static str,
    pub notice_check_mail: &'static str,
    pub notice_verified: &'static str,
    pub notice_reset_sent: &'static str,
    pub notice_password_changed: &'static str,
    pub error_summary: &'static str,
    pub err_email_invalid: &'static str,
    pub err_email_too_long: &'static str,
    /// (minimum, maximum)
    pub err_password_length: fn(u64, u64) -> String,
    pub err_name_length: &'static str,
    pub err_bad_credentials: &'static str,
    /// Next to the e-mail field when too many attempts were made.
    pub err_too_many: &'static str,
    /// The page a plain form post gets when held up: title, the wait, the way back.
    pub too_many_title: &'static str,
    pub too_many_wait: fn(u64) -> String,
    pub too_many_back: &'static str,
    pub err_bad_token: &'static str,
    pub err_generic: &'static str,
    pub nav_me: &'static str,
    pub me_title: &'static str,
    pub me_empty: &'static str,
    pub your_coach: &'static str,
    pub no_coach_yet: &'static str,
    pub amount_asked: &'static str,
    pub amount_approved: &'static str,
    pub last_change: &'static str,
    pub timeline_title: &'static str,
    pub messages_title: &'static str,
    pub messages_empty: &'static str,
    pub messages_after_submit: &'static str,
    pub message_label: &'static str,
    pub message_submit: &'static str,
    pub err_message_length: &'static str,
    pub back_to_me: &'static str,
    pub export_my_data: &'static str,
    pub privacy_title: &'static str,
    pub privacy_consent: &'static str,
    pub privacy_name: &'static str,
    pub privacy_hint: &'static str,
    pub privacy_submit: &'static str,
    pub privacy_saved: &'static str,
    pub err_public_name_length: &'static str,
    /// Names of the lifecycle states, by their stored name.
    pub states: [(&'static str, &'static str); 12],
    /// Names of the steps in a timeline, by action.
    pub actions: [(&'static str, &'static str); 31],
    pub mail_verify_subject: &'static str,
    /// (name, link)
    pub mail_verify_body: fn(&str, &str) -> String,
    pub mail_exists_subject: &'static str,
    /// (name, link to reset the password)
    pub mail_exists_body: fn(&str, &str) -> String,
    pub mail_reset_subject: &'static str,
    /// (name, link)
    pub mail_reset_body: fn(&str, &str) -> String,
    /// (number of unread notifications)
    pub unread_count: fn(u64) -> String,
    /// (initiative title, step)
    pub mail_step_subject: fn(&str, &str) -> String,
    /// (name, initiative title, step, new state, reason or empty, link)
    pub mail_step_body: fn(&str, &str, &str, &str, &str, &str) -> String,
    /// (inviter)
    pub mail_invite_subject: &'static str,
    /// (inviter, initiative title, link)
    pub mail_invite_body: fn(&str, &str, &str) -> String,
    /// The propose wizard and what belongs to an initiative's life.
    pub wizard: &'static WizardTexts,
    /// The coach's pages.
    pub coach: &'static CoachTexts,
    /// The administration pages.
    pub admin: &'static AdminTexts,
    /// The public pages.
    pub public: &'static PublicTexts,
    /// Online payments.
    pub payments: &'static PaymentTexts,
    /// The bank account a grant is paid to.
    pub bank: &'static BankTexts,
}

impl Texts {
    /// The sentence for an error code from the server, in this language.
    pub fn error_message(&self, code: &str) -> String {
        use crate::api::accounts::{PASSWORD_MAX, PASSWORD_MIN};
        match code {
            "email_invalid" => self.err_email_invalid.into(),
            "email_too_long" => self.err_email_too_long.into(),
            "password_length" => (self.err_password_length)(PASSWORD_MIN, PASSWORD_MAX),
            "name_length" => self.err_name_length.into(),
            "bad_credentials" => self.err_bad_credentials.into(),
            "too_many_attempts" => self.err_too_many.into(),
            "bad_token" | "token_missing" => self.err_bad_token.into(),
            "message_length" => self.err_message_length.into(),
            "public_name_length" => self.err_public_name_length.into(),
            other => self
                .wizard
                .error(other)
                .or_else(|| self.coach.error(other))
                .or_else(|| self.admin.error(other))
                .or_else(|| self.payments.error(other))
                .or_else(|| self.bank.error(other))
                .map_or_else(|| self.err_generic.into(), Into::into),
        }
    }

    /// The name of a lifecycle state.
    pub fn state(&self, state: &str) -> &'static str {
        self.states
            .iter()
            .find(|(k, _)| *k == state)
            .map_or("", |(_, v)| v)
    }

    /// The name of a step in the timeline.
    pub fn action(&self, action: &str) -> &'static str {
        self.actions
            .iter()
            .find(|(k, _)| *k == action)
            .map_or("", |(_, v)| v)
    }

    /// The text of a notice shown after a redirect (`?notice=…`).
    pub fn notice(&self, code: &str) -> Option<&'static str> {
        match code {
            "check_mail" => Some(self.notice_check_mail),
            "verified" => Some(self.notice_verified),
            "reset_sent" => Some(self.notice_reset_sent),
            "password_changed" => Some(self.notice_password_changed),
            "submitted" => Some(self.wizard.notice_submitted),
            "withdrawn" => Some(self.wizard.notice_withdrawn),
            "joined" => Some(self.wizard.notice_joined),
            "account_erased" => Some(self.wizard.notice_account_erased),
            "step_done" => Some(self.coach.notice_step_done),
            "coach_told" => Some(self.coach.notice_coach_told),
            "saved" => Some(self.admin.notice_saved),
            "coach_invited" => Some(self.admin.notice_coach_invited),
            "bank_account_saved" => Some(self.bank.saved),
            _ => None,
        }
    }

    /// The name of an initiative kind (`course`, `activity`, `other`).
    pub fn kind(&self, kind: &str) -> &'static str {
        match kind {
            "course" => self.kind_course,
            "activity" => self.kind_activity,
            _ => self.kind_other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_out_per_language() {
        assert_eq!(Lang::Nl.date("2026-10-25"), "25 oktober 2026");
        assert_eq!(Lang::En.date("2026-03-01"), "1 March 2026");
        assert_eq!(Lang::Nl.date("soon"), "soon");
    }

    #[test]
    fn the_cookie_chooses_the_language_and_dutch_is_the_default() {
        assert_eq!(Lang::from_cookie_header("a=b; lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=xx"), Lang::Nl);
        assert_eq!(Lang::from_cookie_header(""), Lang::Nl);
    }

    #[test]
    fn no_text_is_empty_in_any_language() {
        for lang in Lang::ALL {
            let t = lang.texts();
            for s in [
                t.site_name,
                t.tagline,
                t.skip_to_content,
                t.menu,
                t.nav_home,
                t.hero_title,
                t.hero_text,
                t.start_initiative,
                t.recent_title,
                t.recent_empty,
                t.not_found_title,
            ] {
                assert!(!s.trim().is_empty(), "{lang:?}");
            }
            assert!((t.funded_on)("1 mei").contains("1 mei"));
        }
        assert_ne!(Lang::Nl.texts().hero_title, Lang::En.texts().hero_title);
        for lang in Lang::ALL {
            let t = lang.texts();
            for state in crate::domain::State::ALL {
                assert!(!t.state(state.as_str()).is_empty(), "{lang:?} {state}");
            }
            for action in crate::domain::lifecycle::candidate_actions(&Default::default()) {
                assert!(
                    !t.action(action.name()).is_empty(),
                    "{lang:?} {}",
                    action.name()
                );
            }
            assert!(!t.action("create").is_empty());
        }
    }
}
