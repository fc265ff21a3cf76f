//! The page for addresses that do not exist; answers with status 404.

use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    // 404, unless the request already has a more telling answer: a redirect
    // to sign in (a visitor), or 403 (someone who may not see this).
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        let decided = resp
            .0
            .read()
            .ok()
            .and_then(|parts| parts.status)
            .is_some_and(|s| !s.is_success());
        if !decided {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let t = use_texts();
    view! {
        <Title text=t.not_found_title/>
        <section class="not-found">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_text}</p>
            <p><a href="/">{t.back_home}</a></p>
        </section>
    }
}
