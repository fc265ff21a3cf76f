//! Form pieces: the CSRF field every form carries, labelled fields with
//! their hint and error tied to the input (aria-describedby, aria-invalid),
//! an error summary, and notices.

use crate::api::forms::FormFeedback;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// The hidden CSRF token field. The server renders the token of this
/// request; in the browser it is read from the same cookie.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=csrf_token()/> }
}

fn csrf_token() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::request::csrf_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser_cookie(CSRF_COOKIE).unwrap_or_default()
    }
}

/// The CSRF cookie's name (the server's `ssr::session::CSRF_COOKIE`).
#[cfg(not(feature = "ssr"))]
const CSRF_COOKIE: &str = "bf_csrf";

#[cfg(not(feature = "ssr"))]
fn browser_cookie(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let cookies = web_sys::window()?
            .document()?
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?
            .cookie()
            .ok()?;
        cookies
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// A labelled input with an optional hint and the error from `feedback`.
#[component]
pub fn Field(
    /// The form field's name, also the element id.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] minlength: Option<u64>,
    #[prop(optional)] maxlength: Option<u64>,
    #[prop(into)] feedback: Signal<FormFeedback>,
    /// Keep what was typed (never for passwords).
    #[prop(default = true)]
    refill: bool,
) -> impl IntoView {
    let t = use_texts();
    let error = move || {
        feedback
            .get()
            .error(name)
            .map(|code| t.error_message(&code))
    };
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let value = move || {
        if refill {
            feedback.get().value(name)
        } else {
            String::new()
        }
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                minlength=minlength
                maxlength=maxlength
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described
                prop:value=value
                value=value
            />
        </div>
    }
}

/// "Something is not right" above a form with errors, announced to screen readers.
#[component]
pub fn ErrorSummary(#[prop(into)] feedback: Signal<FormFeedback>) -> impl IntoView {
    let t = use_texts();
    move || {
        (!feedback.get().is_ok()).then(
            || view! { <div class="error-summary" role="alert"><p>{t.error_summary}</p></div> },
        )
    }
}

/// A notice after a redirect, such as "check your mail".
#[component]
pub fn Notice(text: &'static str) -> impl IntoView {
    view! { <div class="notice" role="status"><p>{text}</p></div> }
}
