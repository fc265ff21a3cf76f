//! The footer, with the language switch: a plain link that works without
//! JavaScript and brings the reader back to the same page.

use crate::i18n::{use_lang, use_texts, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Footer() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let other = if lang == Lang::Nl { Lang::En } else { Lang::Nl };
    let location = use_location();
    let href = move || {
        format!(
            "/lang/{}?next={}",
            other.code(),
            urlencoding::encode(&location.pathname.get())
        )
    };
    view! {
        <footer class="site-footer">
            <p>{t.footer_text}</p>
            <p>
                <a href=href hreflang=other.code() lang=other.code() rel="external">
                    {t.switch_language_label}
                </a>
            </p>
        </footer>
    }
}
