//! `/`: what Buurtfonds is, recently funded initiatives, and the way in.

use crate::api::initiatives::{recent_funded, InitiativeCard};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let recent = Resource::new(|| (), |_| recent_funded());

    view! {
        <Title text=format!("{} — {}", t.site_name, t.tagline)/>
        <section class="hero">
            <h1>{t.hero_title}</h1>
            <p>{t.hero_text}</p>
            <a class="button primary" href="/propose">{t.start_initiative}</a>
        </section>
        <section class="how" aria-labelledby="how-title">
            <h2 id="how-title">{t.how_title}</h2>
            <ol class="steps">
                {t.how_steps.iter().map(|(title, text)| view! {
                    <li><strong>{*title}</strong><span>{*text}</span></li>
                }).collect_view()}
            </ol>
        </section>
        <section class="recent" aria-labelledby="recent-title">
            <h2 id="recent-title">{t.recent_title}</h2>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || recent.get().map(|result| match result {
                    Ok(cards) if cards.is_empty() => view! { <p>{t.recent_empty}</p> }.into_any(),
                    Ok(cards) => view! {
                        <ul class="cards">
                            {cards.into_iter().map(|c| view! { <Card card=c/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(_) => view! { <p role="alert">{t.recent_error}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Card(card: InitiativeCard) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <li class="card">
            <p class="card-meta">
                <span class="tag">{t.kind(&card.kind)}</span>
                " "
                <span>{card.neighbourhood.clone()}</span>
            </p>
            <h3 class="card-title"><a href=format!("/initiatives/{}", card.id)>{card.title.clone()}</a></h3>
            {card.public_name.clone().map(|n| view! { <p class="byline">{(t.by_name)(&n)}</p> })}
            <p class="amount">
                <span class="label">{t.granted}": "</span>
                <strong>{lang.money(Cents(card.granted_cents))}</strong>
            </p>
            <p class="card-date">{(t.funded_on)(&lang.date(&card.funded_on))}</p>
        </li>
    }
}
