//! `/initiatives`: every approved initiative, searchable and filterable. The
//! filters are a plain GET form, so the state lives in the URL and the page
//! works without JavaScript; pages go on with a keyset (`after`).

use crate::api::public::{
    browse_initiatives, neighbourhood_choices, public_states, BadParam, Browse, InitiativeList,
    ListedInitiative, SEARCH_MAX_CHARS,
};
use crate::domain::types::InitiativeKind;
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PARAMS: [&str; 6] = ["q", "neighbourhood", "kind", "status", "year", "after"];

#[component]
pub fn BrowsePage() -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    let query = use_query_map();
    let parsed: Memo<Result<Browse, BadParam>> = Memo::new(move |_| {
        let q = query.read();
        let pairs: Vec<(&'static str, String)> = PARAMS
            .iter()
            .flat_map(|k| {
                q.get_all(k)
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |v| (*k, v))
            })
            .collect();
        Browse::parse(pairs.iter().map(|(k, v)| (*k, v.as_str())), &[])
    });
    let filter = Memo::new(move |_| parsed.get().unwrap_or_default());
    let bad = Memo::new(move |_| parsed.get().err());
    let list = Resource::new_blocking(
        move || parsed.get().ok(),
        |f| async move {
            match f {
                Some(f) => browse_initiatives(f).await.ok(),
                None => None,
            }
        },
    );
    let choices = Resource::new_blocking(|| (), |_| neighbourhood_choices());
    let error_for = move |param: &'static str| {
        move || {
            bad.get()
                .filter(|b| b.param == param)
                .map(|_| view! { <p class="error" id=format!("{param}-error")>{(p.bad_param)(param)}</p> })
        }
    };
    let invalid = move |param: &'static str| move || bad.get().is_some_and(|b| b.param == param);
    let described = move |param: &'static str| {
        move || {
            bad.get()
                .filter(|b| b.param == param)
                .map(|_| format!("{param}-error"))
        }
    };

    view! {
        <Title text=p.browse_title/>
        <h1>{p.browse_title}</h1>
        <p>{p.browse_intro}</p>
        {move || bad.get().filter(|b| b.param == "after").map(|_| view! {
            <p class="error-summary" role="alert">{(p.bad_param)("after")}" "<a href="/initiatives">{p.first_page}</a></p>
        })}
        <form method="get" action="/initiatives" class="stack boxed filters" role="search" aria-labelledby="filters-title">
            <h2 id="filters-title" class="visually-hidden">{p.filters_title}</h2>
            <div class="field" class:has-error=invalid("q")>
                <label for="q">{p.search_label}</label>
                <input id="q" name="q" type="search" maxlength=SEARCH_MAX_CHARS.to_string()
                    aria-invalid=move || invalid("q")().then_some("true") aria-describedby=described("q")
                    value=move || filter.get().q.unwrap_or_default()
                    prop:value=move || filter.get().q.unwrap_or_default()/>
                {error_for("q")}
            </div>
            <div class="field" class:has-error=invalid("neighbourhood")>
                <label for="neighbourhood">{p.filter_neighbourhood}</label>
                <Suspense>
                    {move || choices.get().map(|r| view! {
                        <select id="neighbourhood" name="neighbourhood" aria-describedby=described("neighbourhood")>
                            <option value="">{p.any}</option>
                            {r.unwrap_or_default().into_iter().map(|(slug, name)| {
                                let chosen = slug.clone();
                                view! { <option value=slug selected=move || filter.get().neighbourhood.as_deref() == Some(chosen.as_str())>{name}</option> }
                            }).collect_view()}
                        </select>
                    })}
                </Suspense>
                {error_for("neighbourhood")}
            </div>
            <div class="field" class:has-error=invalid("kind")>
                <label for="kind">{p.filter_kind}</label>
                <select id="kind" name="kind" aria-describedby=described("kind")>
                    <option value="">{p.any}</option>
                    {InitiativeKind::ALL.into_iter().map(|k| {
                        let k = k.as_str();
                        view! { <option value=k selected=move || filter.get().kind.as_deref() == Some(k)>{t.kind(k)}</option> }
                    }).collect_view()}
                </select>
                {error_for("kind")}
            </div>
            <div class="field" class:has-error=invalid("status")>
                <label for="status">{p.filter_status}</label>
                <select id="status" name="status" aria-describedby=described("status")>
                    <option value="">{p.any}</option>
                    {public_states().map(|s| {
                        let s = s.as_str();
                        view! { <option value=s selected=move || filter.get().status.as_deref() == Some(s)>{t.state(s)}</option> }
                    }).collect_view()}
                </select>
                {error_for("status")}
            </div>
            <div class="field" class:has-error=invalid("year")>
                <label for="year">{p.filter_year}</label>
                <input id="year" name="year" inputmode="numeric" maxlength="4" autocomplete="off"
                    aria-invalid=move || invalid("year")().then_some("true") aria-describedby=described("year")
                    // What was typed stays, also when it was refused. The
                    // attribute serves the first render (and no JavaScript),
                    // the property every navigation after it.
                    value=move || query.read().get("year").unwrap_or_default()
                    prop:value=move || query.read().get("year").unwrap_or_default()/>
                {error_for("year")}
            </div>
            <div class="actions">
                <button type="submit" class="button primary">{p.apply}</button>
                " "
                {move || filter.get().is_filtered().then(|| view! { <a href="/initiatives">{p.clear}</a> })}
            </div>
        </form>
        <p class="downloads">
            <a href=move || format!("/initiatives.csv?{}", filter.get().to_query(None)) rel="external" download="buurtfonds-initiatieven.csv">{p.download_csv}</a>
            " · "
            <a href=move || format!("/api/v1/initiatives?{}", filter.get().to_query(None)) rel="external">{p.open_data}</a>
        </p>
        <section aria-labelledby="results-title">
            <h2 id="results-title">{p.results_title}</h2>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || list.get().map(|r| match r {
                    None => view! { <p role="status">{p.nothing_found}</p> }.into_any(),
                    Some(l) => view! { <Results list=l filter=filter.get()/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Results(list: InitiativeList, filter: Browse) -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    if list.items.is_empty() {
        let text = if filter.is_filtered() || filter.after.is_some() {
            p.nothing_found
        } else {
            p.nothing_yet
        };
        return view! { <p role="status">{text}</p> }.into_any();
    }
    let next = list
        .next
        .map(|after| format!("/initiatives?{}", filter.to_query(Some(after))));
    view! {
        <ul class="cards">
            {list.items.into_iter().map(|c| view! { <ListedCard card=c/> }).collect_view()}
        </ul>
        <nav class="pager" aria-label=p.results_title>
            {filter.after.is_some().then(|| view! {
                <a href=format!("/initiatives?{}", filter.to_query(None))>{p.first_page}</a>
            })}
            {next.map(|href| view! { <a class="button" rel="next" href=href>{p.next_page}</a> })}
        </nav>
    }
    .into_any()
}

/// An initiative on a public list.
#[component]
pub fn ListedCard(card: ListedInitiative) -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    let lang = use_lang();
    view! {
        <li class="card">
            <p class="card-meta">
                <span class="tag">{t.kind(&card.kind)}</span>" "
                <span class="tag state">{t.state(&card.status)}</span>" "
                <a href=format!("/neighbourhoods/{}", card.neighbourhood_slug)>{card.neighbourhood.clone()}</a>
            </p>
            <h3 class="card-title"><a href=format!("/initiatives/{}", card.id)>{card.title.clone()}</a></h3>
            {card.public_name.clone().map(|n| view! { <p class="byline">{(t.by_name)(&n)}</p> })}
            <p class="summary">{card.summary.clone()}</p>
            <p class="amount">
                <span class="label">{t.granted}": "</span>
                <strong>{lang.money(Cents(card.granted_cents))}</strong>
            </p>
            {match (card.funded_on.clone(), card.decided_on.clone()) {
                (Some(f), _) => Some(view! { <p class="card-date">{(t.funded_on)(&lang.date(&f))}</p> }.into_any()),
                (None, Some(d)) => Some(view! { <p class="card-date">{(p.decided_on)(&lang.date(&d))}</p> }.into_any()),
                (None, None) => None,
            }}
        </li>
    }
}
