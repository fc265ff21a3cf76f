//! Buurtfonds: the Leptos application, compiled twice — with feature `ssr`
//! for the server and `hydrate` for the browser.

// The server's HTML and the browser's hydration must come from the same view
// code; a build without the flag from .cargo/config.toml (say, a RUSTFLAGS of
// one's own) would hydrate against different HTML and fail in the browser.
#[cfg(not(erase_components))]
compile_error!(
    "build with `--cfg erase_components` (set in .cargo/config.toml; keep it in your own RUSTFLAGS)"
);

pub mod api;
pub mod components;
pub mod domain;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::{hydration::HydrationScripts, Footer, Header};
use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};
use pages::accounts::{ForgotPage, LoginPage, ResetPage, SignupPage, VerifyPage};
use pages::admin::{AdminPage, AuditPage, ReconcilePage};
use pages::browse::BrowsePage;
use pages::coach::{CoachInitiativePage, CoachPage};
use pages::me::{MePage, MyInitiativePage};
use pages::neighbourhoods::{NeighbourhoodPage, NeighbourhoodsPage};
use pages::propose::{InvitePage, ProposePage, ResumeDraftPage, WizardPage};
use pages::public::InitiativePage;
use pages::{home::HomePage, not_found::NotFound};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let lang = ssr_shell::request_lang();
    #[cfg(not(feature = "ssr"))]
    let lang = Lang::default();
    provide_context(lang);

    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header, routes, footer.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = use_context::<Lang>().unwrap_or_else(document_lang);
    provide_context(lang);

    view! {
        <Stylesheet id="leptos" href="/pkg/buurtfonds.css"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot") view=ForgotPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset") view=ResetPage ssr=SsrMode::Async/>
                    <Route path=path!("/me") view=MePage ssr=SsrMode::Async/>
                    <Route path=path!("/me/initiatives/:id") view=MyInitiativePage ssr=SsrMode::Async/>
                    <Route path=path!("/propose") view=ProposePage ssr=SsrMode::Async/>
                    <Route path=path!("/propose/:id") view=ResumeDraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/propose/:id/:step") view=WizardPage ssr=SsrMode::Async/>
                    <Route path=path!("/invites") view=InvitePage ssr=SsrMode::Async/>
                    <Route path=path!("/initiatives") view=BrowsePage ssr=SsrMode::Async/>
                    <Route path=path!("/initiatives/:id") view=InitiativePage ssr=SsrMode::Async/>
                    <Route path=path!("/neighbourhoods") view=NeighbourhoodsPage ssr=SsrMode::Async/>
                    <Route path=path!("/neighbourhoods/:slug") view=NeighbourhoodPage ssr=SsrMode::Async/>
                    <Route path=path!("/coach") view=CoachPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/reconcile") view=ReconcilePage ssr=SsrMode::Async/>
                    <Route path=path!("/coach/initiatives/:id") view=CoachInitiativePage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// The language the server rendered the page in, read from `<html lang>`.
fn document_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Lang::default()
}

#[cfg(feature = "ssr")]
mod ssr_shell {
    use super::Lang;
    use leptos::prelude::*;

    /// The language chosen by the `lang` cookie of the current request.
    pub fn request_lang() -> Lang {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
}

/// The browser's entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
