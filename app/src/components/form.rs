//! Form pieces: the CSRF field every form carries, labelled fields with
//! their hint and error tied to the input (aria-describedby, aria-invalid),
//! an error summary, and notices.
//!
//! A form's feedback is a memo: it changes only when the answer does. The
//! fields set their value from it (`prop:value`), so a signal that merely
//! fires again — the kept feedback arriving after hydration, equal to what
//! the server rendered — must not write the field again and wipe what the
//! person typed meanwhile.

use crate::api::forms::{take_form_feedback, FormFeedback};
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The feedback to show: the last answer of `action` (with JavaScript), else
/// what a plain form post left for this page.
pub fn feedback_for<S>(form: &'static str, action: ServerAction<S>) -> Signal<FormFeedback>
where
    S: ServerFn<Output = FormFeedback> + Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let kept = Resource::new_blocking(move || form, |form| take_form_feedback(form.to_string()));
    Memo::new(move |_| {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| kept.get().and_then(Result::ok).flatten())
            .unwrap_or_else(|| FormFeedback::new(form))
    })
    .into()
}

/// What a plain form post left for a page with several forms, loaded once
/// by the page (resources belong at the page's top, not inside a
/// `Suspense` that re-renders) and handed to its forms through context.
#[derive(Clone, Copy)]
pub struct KeptFeedback(pub Signal<Option<FormFeedback>>);

impl KeptFeedback {
    /// Loads the kept feedback again whenever `key` changes (a new page).
    pub fn provide<K>(key: impl Fn() -> K + Send + Sync + 'static)
    where
        K: PartialEq + Clone + Send + Sync + 'static,
    {
        let kept = Resource::new_blocking(key, |_| take_form_feedback("*".into()));
        provide_context(KeptFeedback(Signal::derive(move || {
            kept.get().and_then(Result::ok).flatten()
        })));
    }

    /// What was kept for `form`, if anything.
    fn for_form(form: String) -> Signal<Option<FormFeedback>> {
        let kept = use_context::<KeptFeedback>();
        Signal::derive(move || kept.and_then(|k| k.0.get()).filter(|f| f.form == form))
    }
}

/// Like [`feedback_for`], for a form on a page that called [`KeptFeedback::provide`].
pub fn page_feedback<S>(form: impl Into<String>, action: ServerAction<S>) -> Signal<FormFeedback>
where
    S: ServerFn<Output = FormFeedback> + Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let form: String = form.into();
    let kept = KeptFeedback::for_form(form.clone());
    Memo::new(move |_| {
        action
            .value()
            .get()
            .and_then(Result::ok)
            // With several forms on one action, only this form's answer counts.
            .filter(|f| f.form == form)
            .or_else(|| kept.get())
            .unwrap_or_else(|| FormFeedback::new(&form))
    })
    .into()
}

/// The feedback a plain form post without a server action (an upload) left
/// for `form`, on a page that called [`KeptFeedback::provide`].
pub fn kept_feedback(form: &'static str) -> Signal<FormFeedback> {
    let kept = KeptFeedback::for_form(form.to_string());
    Memo::new(move |_| kept.get().unwrap_or_else(|| FormFeedback::new(form))).into()
}

/// The hidden CSRF token field. The server renders the token of this
/// request; in the browser it is read from the same cookie.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=csrf_token()/> }
}

/// The CSRF token of this page (for a form that must carry it in its URL).
pub fn csrf_token() -> String {
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
    /// The form field's name, also the element id unless `id` is given.
    name: &'static str,
    /// The element id, when a page has several fields of this name.
    #[prop(optional)]
    id: Option<&'static str>,
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
    /// The saved value, shown until the form comes back with errors.
    #[prop(optional, into)]
    initial: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let t = use_texts();
    let error = move || {
        feedback
            .get()
            .error(name)
            .map(|code| t.error_message(&code))
    };
    let element_id = id.unwrap_or(name);
    let hint_id = format!("{element_id}-hint");
    let error_id = format!("{element_id}-error");
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
        let f = feedback.get();
        if !refill {
            String::new()
        } else if f.shows_typed() {
            f.value(name)
        } else {
            initial.clone().unwrap_or_default()
        }
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=element_id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
            <input
                id=element_id
                name=name
                type=kind
                inputmode=inputmode
                autocomplete=autocomplete
                required=required
                minlength=minlength
                maxlength=maxlength
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described
                prop:value=value.clone()
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

/// A labelled text area, like [`Field`].
#[component]
pub fn TextArea(
    name: &'static str,
    /// The element id, when a page has several fields of this name.
    #[prop(optional)]
    id: Option<&'static str>,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u64>,
    #[prop(default = 5)] rows: u32,
    #[prop(into)] feedback: Signal<FormFeedback>,
    #[prop(optional, into)] initial: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let error = move || {
        feedback
            .get()
            .error(name)
            .map(|code| t.error_message(&code))
    };
    let element_id = id.unwrap_or(name);
    let hint_id = format!("{element_id}-hint");
    let error_id = format!("{element_id}-error");
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
        let f = feedback.get();
        if f.shows_typed() {
            f.value(name)
        } else {
            initial.clone().unwrap_or_default()
        }
    };
    let text = value.clone();
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=element_id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
            <textarea
                id=element_id
                name=name
                rows=rows
                maxlength=maxlength
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described
                prop:value=value
            >{text}</textarea>
        </div>
    }
}
