//! The public side: `/initiatives/:id`, one initiative — its story, what the
//! neighbourhood brings itself, every euro, the timeline and what came of it.

use crate::api::forms::FormFeedback;
use crate::api::initiatives::load_public_initiative;
use crate::components::form::{ErrorSummary, Field};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn InitiativePage() -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    let w = t.wizard;
    let lang = use_lang();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let initiative = Resource::new_blocking(id, load_public_initiative);
    let money = move |c: i64| lang.money(Cents(c));
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || initiative.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(i) => view! {
                    <Title text=i.title.clone()/>
                    <Meta name="description" content=summary(&i.description)/>
                    <Meta property="og:type" content="article"/>
                    <Meta property="og:site_name" content=t.site_name/>
                    <Meta property="og:title" content=i.title.clone()/>
                    <Meta property="og:description" content=summary(&i.description)/>
                    <Meta property="og:url" content=i.url.clone()/>
                    <Meta property="og:locale" content=lang.og_locale()/>
                    {i.photos.first().map(|(photo, alt)| {
                        let base = i.url.trim_end_matches(&format!("/initiatives/{}", i.id)).to_string();
                        view! {
                            <Meta property="og:image" content=format!("{base}/photos/{photo}")/>
                            <Meta property="og:image:alt" content=alt.clone()/>
                        }
                    })}
                    <article class="initiative">
                        <p class="card-meta"><span class="tag">{t.kind(&i.kind)}</span>" "
                            <span class="tag state">{t.state(&i.state)}</span>" "{i.neighbourhood.clone()}</p>
                        <h1>{i.title.clone()}</h1>
                        {i.public_name.clone().map(|n| view! { <p class="byline">{(t.by_name)(&n)}</p> })}
                        {i.coach.clone().map(|c| view! { <p class="byline">{p.coach}": "{c}</p> })}
                        {i.funded_on.clone().map(|d| view! { <p class="card-date">{(t.funded_on)(&lang.date(&d))}</p> })}
                        <ul class="photos">
                            {i.photos.iter().map(|(id, alt)| view! {
                                <li><img src=format!("/photos/{id}") alt=alt.clone() width="320"/></li>
                            }).collect_view()}
                        </ul>
                        <section aria-labelledby="story-title">
                            <h2 id="story-title">{p.story_title}</h2>
                            <p>{i.description.clone()}</p>
                            <p><strong>{p.for_whom}": "</strong>{i.beneficiaries.clone()}
                                {i.participants.map(|n| format!(" — {}", (w.participants_value)(n)))}</p>
                            {i.starts_on.clone().map(|s| view! {
                                <p><strong>{p.when}": "</strong>{lang.date(&s)}{i.ends_on.clone().map(|e| format!(" – {}", lang.date(&e)))}</p>
                            })}
                        </section>
                        <div class="side-by-side">
                            <section aria-labelledby="strength-title">
                                <h2 id="strength-title">{p.own_strength_title}</h2>
                                <p>{i.own_input.clone()}</p>
                                <ul>
                                    {i.strength.iter().map(|(kind, what, value)| view! {
                                        <li>{w.contribution(kind)}": "{what.clone()}{value.map(|v| format!(" ({})", money(v)))}</li>
                                    }).collect_view()}
                                </ul>
                            </section>
                            <section aria-labelledby="money-title">
                                <h2 id="money-title">{p.money_title}</h2>
                                <ul>
                                    {i.budget.iter().map(|(item, cents)| view! { <li>{item.clone()}": "{money(*cents)}</li> }).collect_view()}
                                </ul>
                                <dl class="figures">
                                    <div><dt>{p.total_cost}</dt><dd>{money(i.budget.iter().map(|(_, c)| c).sum())}</dd></div>
                                    <div><dt>{p.own_contribution}</dt><dd>{money(i.own_contribution_cents)}</dd></div>
                                    <div><dt>{p.asked}</dt><dd>{money(i.amount_asked_cents)}</dd></div>
                                    {i.granted_cents.map(|g| view! { <div><dt>{p.granted}</dt><dd><strong>{money(g)}</strong></dd></div> })}
                                    <div><dt>{p.paid}</dt><dd>{money(i.paid_cents)}</dd></div>
                                    <div><dt>{p.cofunded}</dt><dd>{money(i.cofunded_cents)}</dd></div>
                                </dl>
                            </section>
                        </div>
                        <Giving i=i.clone()/>
                        <section aria-labelledby="result-title">
                            <h2 id="result-title">{p.result_title}</h2>
                            {match i.result.clone() {
                                Some((story, n, spent)) => view! {
                                    <p>{story}</p>
                                    <p>{(p.result_figures)(n, &money(spent))}</p>
                                }.into_any(),
                                None => view! { <p>{p.result_pending}</p> }.into_any(),
                            }}
                            {(i.receipts.0 > 0).then(|| view! { <p>{(p.receipts)(i.receipts.0, &money(i.receipts.1))}</p> })}
                        </section>
                        <section aria-labelledby="timeline-title">
                            <h2 id="timeline-title">{p.timeline_title}</h2>
                            <ol class="timeline">
                                {i.timeline.iter().map(|(on, step)| view! {
                                    <li><span class="when">{lang.date(on)}</span>" "<strong>{t.action(step)}</strong></li>
                                }).collect_view()}
                            </ol>
                        </section>
                    </article>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// Gifts received and, while the initiative takes gifts, the form to give
/// (a plain form: it works without JavaScript).
#[component]
fn Giving(i: crate::api::initiatives::PublicInitiative) -> impl IntoView {
    let t = use_texts();
    let g = t.payments;
    let lang = use_lang();
    let money = move |c: i64| lang.money(Cents(c));
    let query = use_query_map();
    let q = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let outcome = q("gift");
    let problem = q("gift_error");
    let mut feedback = FormFeedback::new("give")
        .with_value("amount", &q("amount"))
        .with_value("name", &q("name"));
    match problem.as_str() {
        "amount" => feedback = feedback.with_error("amount", "gift_amount"),
        "name" => feedback = feedback.with_error("name", "gift_name"),
        _ => {}
    }
    let feedback = Signal::stored(feedback);
    let notice = match (outcome.as_str(), problem.as_str()) {
        ("thanks", _) => Some(g.give_thanks),
        ("cancelled", _) => Some(g.give_cancelled),
        (_, "off") => Some(g.give_off),
        (_, "unavailable") => Some(g.give_unavailable),
        (_, "closed") => Some(g.give_closed),
        _ => None,
    };
    let show = i.takes_gifts || !i.gifts.is_empty();
    show.then(|| view! {
        <section aria-labelledby="give-title" id="geven">
            <h2 id="give-title">{g.give_title}</h2>
            {notice.map(|n| view! { <div class="notice" role="status"><p>{n}</p></div> })}
            {(i.matched_cents > 0).then(|| view! { <p>{g.matched}": "{money(i.matched_cents)}</p> })}
            {(!i.gifts.is_empty()).then(|| view! {
                <h3>{g.gifts_title}</h3>
                <ul class="gifts">
                    {i.gifts.iter().map(|(name, cents)| view! {
                        <li>{name.clone().unwrap_or_else(|| g.anonymous.to_string())}": "{money(*cents)}</li>
                    }).collect_view()}
                </ul>
            })}
            {match (i.takes_gifts, i.online_giving) {
                (false, _) => ().into_any(),
                (true, false) => view! { <p>{g.give_off}</p> }.into_any(),
                (true, true) => view! {
                    <p>{g.give_intro}</p>
                    {i.match_rule.map(|(percent, cap)| view! { <p>{(g.give_match)(percent, &money(cap))}</p> })}
                    <ErrorSummary feedback=feedback/>
                    <form method="post" action=format!("/initiatives/{}/give", i.id) class="give-form" novalidate>
                        <Field name="amount" id="gift-amount" label=g.give_amount hint=g.give_amount_hint.to_string()
                            inputmode="decimal" autocomplete="transaction-amount" feedback=feedback/>
                        <Field name="name" id="gift-name" label=g.give_name hint=g.give_name_hint.to_string()
                            required=false maxlength=60 autocomplete="nickname" feedback=feedback/>
                        <button type="submit">{g.give_button}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    })
}

/// The first sentences of a description, for previews (at most 200 characters).
fn summary(text: &str) -> String {
    let mut out: String = text.chars().take(200).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}
