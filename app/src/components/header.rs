//! The site header: name, main navigation and, once the page is interactive,
//! a menu button that folds the navigation away on small screens.
//!
//! Without JavaScript the navigation simply stays open: every link works.
//! Hydration leaves it open too (the button only appears, in room the header
//! already has), so nothing on the page moves when the script arrives.

use crate::api::accounts::{who_am_i, SignOut};
use crate::components::form::CsrfField;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let t = use_texts();
    // Effects run only in the browser: `enhanced` turns true once hydrated.
    let (enhanced, set_enhanced) = signal(false);
    let (open, set_open) = signal(true);
    Effect::new(move |_| set_enhanced.set(true));
    let location = use_location();
    let sign_out = ServerAction::<SignOut>::new();
    // Asked again after every navigation and sign-out, so the header follows sign-in state.
    let me = Resource::new(
        move || (location.pathname.get(), sign_out.version().get()),
        |_| who_am_i(),
    );

    view! {
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="header-bar">
                <a class="brand" href="/">
                    <span class="brand-name">{t.site_name}</span>
                    <span class="brand-tagline">{t.tagline}</span>
                </a>
                <Show when=move || enhanced.get()>
                    <button
                        type="button"
                        class="menu-toggle"
                        aria-controls="site-nav"
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| set_open.update(|o| *o = !*o)
                    >
                        {t.menu}
                    </button>
                </Show>
            </div>
            <nav
                id="site-nav"
                class="site-nav"
                class:folded=move || enhanced.get() && !open.get()
                aria-label=t.main_navigation
            >
                <ul>
                    <li><a href="/">{t.nav_home}</a></li>
                    <li><a href="/initiatives">{t.nav_initiatives}</a></li>
                    <li><a href="/neighbourhoods">{t.public.neighbourhoods_title}</a></li>
                    <li><a href="/propose">{t.nav_propose}</a></li>
                    <Transition>
                        {move || me.get().map(|r| match r.ok().flatten() {
                            Some(user) => view! {
                                {matches!(user.role, crate::domain::Role::Coach | crate::domain::Role::Admin).then(|| view! {
                                    <li><a href="/coach">{t.coach.nav}</a></li>
                                })}
                                {(user.role == crate::domain::Role::Admin).then(|| view! {
                                    <li><a href="/admin">{t.admin.nav}</a></li>
                                })}
                                <li>
                                    <a href="/me">
                                        {t.nav_me}
                                        {(user.unread > 0).then(|| view! {
                                            " "<span class="badge">{(t.unread_count)(user.unread)}</span>
                                        })}
                                    </a>
                                </li>
                                <li class="account">
                                    <span class="who">{(t.signed_in_as)(&user.display_name)}</span>
                                    <ActionForm action=sign_out attr:class="inline">
                                        <CsrfField/>
                                        <button type="submit" class="link-button">{t.sign_out}</button>
                                    </ActionForm>
                                </li>
                            }.into_any(),
                            None => view! { <li><a href="/login">{t.nav_sign_in}</a></li> }.into_any(),
                        })}
                    </Transition>
                </ul>
            </nav>
        </header>
    }
}
