//! How the browser code reaches the page.
//!
//! Leptos' `HydrationScripts` preloads the JavaScript glue and the wasm from
//! the `<head>`, so on a slow phone connection the 600 KB of wasm compete with
//! the page's own HTML and CSS for the first paint (Lighthouse counts it that
//! way too: a preloaded wasm that arrives before the first paint delays the
//! simulated LCP to when the wasm has arrived). Every page here works without
//! JavaScript, so the content comes first: the script below starts loading the
//! code only after the first paint, and hydrates in a task of its own after
//! the wasm is instantiated, which keeps each main-thread task short.

use leptos::prelude::*;

/// The module script that loads the wasm after the first paint and hydrates.
#[component]
pub fn HydrationScripts(options: LeptosOptions) -> impl IntoView {
    // The page's CSP nonce (only the server renders this component).
    #[cfg(feature = "ssr")]
    let nonce = leptos::nonce::use_nonce();
    #[cfg(not(feature = "ssr"))]
    let nonce = None::<String>;
    // `LEPTOS_OUTPUT_NAME` is set at build time (.cargo/config.toml), so the
    // JavaScript and the wasm carry the output name without a `_bg` suffix.
    let base = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let script = format!(
        "const start = () => import({js:?}).then((m) => m.default({{ module_or_path: {wasm:?} }}).then(() => setTimeout(m.hydrate, 0)));\
         requestAnimationFrame(() => setTimeout(start, 0));",
        js = format!("{base}.js"),
        wasm = format!("{base}.wasm"),
    );
    view! { <script type="module" nonce=nonce>{script}</script> }
}
