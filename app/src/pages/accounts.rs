//! Account pages: sign up, sign in, confirm the e-mail address, forgot
//! password, choose a new password. Plain HTML forms that post to server
//! functions, so they work without JavaScript; hydrated, they show errors
//! without a page load.

use crate::api::accounts::{
    ForgotPassword, ResetPassword, SignIn, SignUp, VerifyEmail, NAME_MAX, PASSWORD_MAX,
    PASSWORD_MIN,
};
use crate::components::form::{feedback_for, CsrfField, ErrorSummary, Field, Notice};
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn query(name: &'static str) -> Memo<String> {
    let q = use_query_map();
    Memo::new(move |_| q.read().get(name).unwrap_or_default())
}

/// `path` with `?next=` when there is somewhere to go back to.
fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() || next == "/" {
        path.to_string()
    } else {
        format!("{path}?next={}", urlencoding::encode(next))
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SignUp>::new();
    let feedback = feedback_for("sign_up", action);
    let next = query("next");
    let login = move || with_next("/login", &next.get());
    view! {
        <Title text=t.signup_title/>
        <section class="narrow">
            <h1>{t.signup_title}</h1>
            <p>{t.signup_intro}</p>
            <Suspense>
                <ErrorSummary feedback/>
                <ActionForm action attr:novalidate=true attr:class="stack">
                    <CsrfField/>
                    <input type="hidden" name="next" value=move || {
                        let n = next.get();
                        if n.is_empty() { feedback.get().value("next") } else { n }
                    }/>
                    <Field name="display_name" label=t.field_display_name hint=t.display_name_hint.to_string()
                        autocomplete="name" maxlength=NAME_MAX feedback/>
                    <Field name="email" label=t.field_email kind="email" autocomplete="email" feedback/>
                    <Field name="password" label=t.field_password kind="password" autocomplete="new-password"
                        hint=(t.password_hint)(PASSWORD_MIN) minlength=PASSWORD_MIN maxlength=PASSWORD_MAX
                        refill=false feedback/>
                    <button type="submit" class="button primary">{t.signup_submit}</button>
                </ActionForm>
            </Suspense>
            <p><a href=login>{t.have_account}</a></p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SignIn>::new();
    let feedback = feedback_for("sign_in", action);
    let notice = query("notice");
    let next = query("next");
    view! {
        <Title text=t.login_title/>
        <section class="narrow">
            <h1>{t.login_title}</h1>
            {move || t.notice(&notice.get()).map(|text| view! { <Notice text/> })}
            <Suspense>
                <ErrorSummary feedback/>
                <ActionForm action attr:novalidate=true attr:class="stack">
                    <CsrfField/>
                    <input type="hidden" name="next" value=move || {
                        let n = next.get();
                        if n.is_empty() { feedback.get().value("next") } else { n }
                    }/>
                    <Field name="email" label=t.field_email kind="email" autocomplete="email" feedback/>
                    <Field name="password" label=t.field_password kind="password"
                        autocomplete="current-password" refill=false feedback/>
                    <button type="submit" class="button primary">{t.login_submit}</button>
                </ActionForm>
            </Suspense>
            <p><a href="/forgot">{t.forgot_link}</a></p>
            <p><a href=move || with_next("/signup", &next.get())>{t.no_account}</a></p>
        </section>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<VerifyEmail>::new();
    let feedback = feedback_for("verify", action);
    let token = query("token");
    let next = query("next");
    view! {
        <Title text=t.verify_title/>
        <section class="narrow">
            <h1>{t.verify_title}</h1>
            <Suspense>
                {move || feedback.get().error("token").map(|code| view! {
                    <div class="error-summary" role="alert"><p>{t.error_message(&code)}</p></div>
                })}
                <p>{t.verify_intro}</p>
                <ActionForm action attr:class="stack">
                    <CsrfField/>
                    <input type="hidden" name="token" value=move || token.get()/>
                    <input type="hidden" name="next" value=move || next.get()/>
                    <button type="submit" class="button primary">{t.verify_submit}</button>
                </ActionForm>
            </Suspense>
        </section>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ForgotPassword>::new();
    let feedback = feedback_for("forgot", action);
    view! {
        <Title text=t.forgot_title/>
        <section class="narrow">
            <h1>{t.forgot_title}</h1>
            <p>{t.forgot_intro}</p>
            <Suspense>
                <ErrorSummary feedback/>
                <ActionForm action attr:novalidate=true attr:class="stack">
                    <CsrfField/>
                    <Field name="email" label=t.field_email kind="email" autocomplete="email" feedback/>
                    <button type="submit" class="button primary">{t.forgot_submit}</button>
                </ActionForm>
            </Suspense>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ResetPassword>::new();
    let feedback = feedback_for("reset", action);
    let token = query("token");
    view! {
        <Title text=t.reset_title/>
        <section class="narrow">
            <h1>{t.reset_title}</h1>
            <Suspense>
                {move || feedback.get().error("token").map(|code| view! {
                    <div class="error-summary" role="alert">
                        <p>{t.error_message(&code)}" "<a href="/forgot">{t.forgot_title}</a></p>
                    </div>
                })}
                <ActionForm action attr:novalidate=true attr:class="stack">
                    <CsrfField/>
                    <input type="hidden" name="token" value=move || token.get()/>
                    <Field name="password" label=t.field_new_password kind="password" autocomplete="new-password"
                        hint=(t.password_hint)(PASSWORD_MIN) minlength=PASSWORD_MIN maxlength=PASSWORD_MAX
                        refill=false feedback/>
                    <button type="submit" class="button primary">{t.reset_submit}</button>
                </ActionForm>
            </Suspense>
        </section>
    }
}
