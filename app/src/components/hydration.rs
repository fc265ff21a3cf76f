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
//!
//! **What was typed before hydration is kept.** A page is usable before the
//! wasm arrives, so on a slow phone a person may well be typing into a form
//! when hydration starts. Hydrating sets every `prop:value` (and `checked`,
//! `selected`) to what the server rendered, which would wipe that text. So the
//! script notes, right before `hydrate()`, every field whose state differs
//! from the server's HTML (its `defaultValue`, `defaultChecked`,
//! `defaultSelected`), and puts it back after hydration has set it — right
//! after `hydrate()`, and again a few times within the next second, because
//! what sits under `<Suspense>` hydrates in later tasks. A field is put back
//! only while it holds the server's value (or nothing): text typed after
//! hydration is never overwritten. Each field put back gets an `input` and a
//! `change` event, so reactive code that listens (a running total) sees the
//! text as if it had been typed after hydration; focus and the caret stay
//! where they were. Hydration keeps the server's elements (it adopts them),
//! so the noted elements are the ones on the page afterwards.

use leptos::prelude::*;

/// Notes the fields a person changed before hydration and puts them back
/// after it (`keep(hydrate)`); see the module documentation.
const KEEP_TYPED: &str = r#"const keep = (hydrate) => {
  const state = (el) => el.tagName === 'SELECT' ? [...el.options].map((o) => o.selected).join()
    : (el.type === 'checkbox' || el.type === 'radio') ? el.checked : el.value;
  const served = (el) => el.tagName === 'SELECT' ? [...el.options].map((o) => o.defaultSelected).join()
    : (el.type === 'checkbox' || el.type === 'radio') ? el.defaultChecked : el.defaultValue;
  const changed = [];
  for (const el of document.querySelectorAll('input, textarea, select')) {
    if (el.type === 'hidden' || el.type === 'file') continue;
    const now = state(el), server = served(el);
    if (now !== server) {
      const picked = el.tagName === 'SELECT' ? [...el.options].map((o) => o.selected) : null;
      changed.push({ el, now, server, picked });
    }
  }
  const focused = document.activeElement;
  let caret = null;
  try { caret = [focused.selectionStart, focused.selectionEnd, focused.selectionDirection]; } catch (_) {}
  const restore = () => {
    for (const c of changed) {
      const el = c.el, now = state(el);
      // Put back only what hydration reset to the server's state (or
      // emptied): anything else was typed since, and stays.
      if (!el.isConnected || now === c.now || (now !== c.server && now !== '')) continue;
      if (c.picked) c.picked.forEach((p, i) => { el.options[i].selected = p; });
      else if (el.type === 'checkbox' || el.type === 'radio') el.checked = c.now;
      else el.value = c.now;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      if (el === focused && caret && caret[0] !== null) {
        try { el.setSelectionRange(caret[0], caret[1], caret[2]); } catch (_) {}
      }
    }
    if (focused && focused !== document.body && focused.isConnected && document.activeElement === document.body) focused.focus();
  };
  hydrate();
  // Parts of the page under <Suspense> hydrate a little later, in tasks of
  // their own, and set their fields then: look again after those.
  restore();
  for (const ms of [0, 50, 250, 1000]) setTimeout(restore, ms);
};
"#;

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
        "{KEEP_TYPED}const start = () => import({js:?}).then((m) => m.default({{ module_or_path: {wasm:?} }}).then(() => setTimeout(() => keep(m.hydrate), 0)));\
         requestAnimationFrame(() => setTimeout(start, 0));",
        js = format!("{base}.js"),
        wasm = format!("{base}.wasm"),
    );
    view! { <script type="module" nonce=nonce>{script}</script> }
}
