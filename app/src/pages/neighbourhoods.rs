//! `/neighbourhoods` and `/neighbourhoods/:slug`: every euro per
//! neighbourhood, live from the ledger, with a chart drawn on the server (an
//! SVG that needs no script) and the same figures as a table.

use crate::api::public::{
    list_neighbourhoods, load_neighbourhood, MonthFigures, NeighbourhoodDetail,
};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use crate::pages::browse::ListedCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NeighbourhoodsPage() -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    let lang = use_lang();
    let all = Resource::new_blocking(|| (), |_| list_neighbourhoods());
    view! {
        <Title text=p.neighbourhoods_title/>
        <h1>{p.neighbourhoods_title}</h1>
        <p>{p.neighbourhoods_intro}</p>
        <p class="downloads">
            <a href="/neighbourhoods.csv" rel="external" download="buurtfonds-buurten.csv">{p.download_csv}</a>
            " · "
            <a href="/api/v1/neighbourhoods" rel="external">{p.open_data}</a>
        </p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || all.get().map(|r| match r {
                Err(_) => view! { <p role="alert">{t.recent_error}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="cards">
                        {list.into_iter().map(|n| view! {
                            <li class="card">
                                <h2 class="card-title"><a href=format!("/neighbourhoods/{}", n.slug)>{n.name.clone()}</a></h2>
                                <p class="card-meta">{(p.initiatives_count)(n.initiatives)}</p>
                                <dl class="figures">
                                    <div><dt>{p.committed}</dt><dd>{lang.money(Cents(n.committed_cents))}</dd></div>
                                    <div><dt>{p.paid}</dt><dd>{lang.money(Cents(n.paid_cents))}</dd></div>
                                </dl>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn NeighbourhoodPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let detail = Resource::new_blocking(slug, load_neighbourhood);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || detail.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(n) => view! { <Detail n/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Detail(n: NeighbourhoodDetail) -> impl IntoView {
    let t = use_texts();
    let p = t.public;
    let lang = use_lang();
    let money = move |c: i64| lang.money(Cents(c));
    let all_href = format!("/initiatives?neighbourhood={}", n.slug);
    view! {
        <Title text=n.name.clone()/>
        <p><a href="/neighbourhoods">{p.neighbourhoods_title}</a></p>
        <h1>{n.name.clone()}</h1>
        <dl class="figures big">
            <div><dt>{p.budget}</dt><dd>{money(n.budget_cents)}</dd></div>
            <div><dt>{p.committed}</dt><dd>{money(n.committed_cents)}</dd></div>
            <div><dt>{p.paid}</dt><dd>{money(n.paid_cents)}</dd></div>
            <div><dt>{p.remaining}</dt><dd>{money(n.remaining_cents)}</dd></div>
        </dl>
        <section aria-labelledby="chart-title">
            <h2 id="chart-title">{(p.chart_title)(n.year)}</h2>
            <p id="chart-desc" class="hint">{p.chart_desc}</p>
            <Chart months=n.months.clone() budget=n.budget_cents/>
            <div class="table-wrap">
                <table>
                    <caption>{(p.chart_title)(n.year)}</caption>
                    <thead><tr>
                        <th scope="col">{p.chart_month}</th>
                        <th scope="col">{p.chart_drawn}</th>
                        <th scope="col">{p.paid}</th>
                    </tr></thead>
                    <tbody>
                        {n.months.iter().map(|m| view! {
                            <tr>
                                <th scope="row">{month_label(p.months, &m.month)}</th>
                                <td>{money(m.drawn_cents)}</td>
                                <td>{money(m.paid_cents)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="funds-title">
            <h2 id="funds-title">{p.funds_title}</h2>
            {n.funds.is_empty().then(|| view! { <p>{p.no_funds}</p> })}
            <ul class="plain-list">
                {n.funds.iter().map(|f| view! {
                    <li class="boxed">
                        <h3>{f.name.clone()}</h3>
                        <p class="hint">{(p.period)(&lang.date(&f.period_start), &lang.date(&f.period_end))}</p>
                        {(f.neighbourhoods > 1).then(|| view! { <p>{(p.shared_fund)(f.neighbourhoods)}</p> })}
                        <dl class="figures">
                            <div><dt>{p.budget}</dt><dd>{money(f.budget_cents)}</dd></div>
                            <div><dt>{p.committed}</dt><dd>{money(f.committed_cents)}</dd></div>
                            <div><dt>{p.paid}</dt><dd>{money(f.paid_cents)}</dd></div>
                            <div><dt>{p.remaining}</dt><dd>{money(f.remaining_cents)}</dd></div>
                        </dl>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="pace-title">
            <h2 id="pace-title">{p.pace_title}</h2>
            <p>{match n.median_days_to_decision {
                Some(d) => (p.median_days)(d),
                None => p.no_decisions.to_string(),
            }}</p>
            <h3>{p.per_status_title}</h3>
            <ul class="plain-list">
                {n.per_status.iter().map(|s| view! {
                    <li>{t.state(&s.status)}": "{s.count}</li>
                }).collect_view()}
            </ul>
        </section>
        <section aria-labelledby="recent-in-title">
            <h2 id="recent-in-title">{p.recent_in}</h2>
            {n.recent.is_empty().then(|| view! { <p>{p.nothing_yet}</p> })}
            <ul class="cards">
                {n.recent.into_iter().map(|c| view! { <ListedCard card=c/> }).collect_view()}
            </ul>
            <p><a href=all_href>{(p.all_in)(&n.name)}</a></p>
        </section>
    }
}

fn month_label(names: [&'static str; 12], month: &str) -> &'static str {
    month
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| names.get(m.wrapping_sub(1)).copied())
        .unwrap_or("")
}

const CHART_W: i64 = 640;
const CHART_H: i64 = 240;
const CHART_BOTTOM: i64 = 24;
const CHART_TOP: i64 = 8;

/// Where `cents` sits on the chart's y axis, scaled to `max`.
fn y_of(cents: i64, max: i64) -> i64 {
    let span = CHART_H - CHART_BOTTOM - CHART_TOP;
    CHART_H - CHART_BOTTOM - cents.clamp(0, max) * span / max.max(1)
}

fn x_of(month_index: usize) -> i64 {
    // Twelve slots, each point in the middle of its slot.
    let slot = CHART_W / 12;
    i64::try_from(month_index).unwrap_or(0) * slot + slot / 2
}

fn points(months: &[MonthFigures], max: i64, value: fn(&MonthFigures) -> i64) -> String {
    months
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{},{}", x_of(i), y_of(value(m), max)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The year so far as lines: drawn (committed and paid), paid, and the
/// budget. Described by the heading and text before it; the table after it
/// holds the same figures.
#[component]
fn Chart(months: Vec<MonthFigures>, budget: i64) -> impl IntoView {
    let p = use_texts().public;
    let max = months
        .iter()
        .map(|m| m.drawn_cents)
        .chain(std::iter::once(budget))
        .max()
        .unwrap_or(0)
        .max(1);
    let budget_y = y_of(budget, max);
    let base_y = CHART_H - CHART_BOTTOM;
    view! {
        <svg class="chart" viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img"
            aria-labelledby="chart-title chart-desc" focusable="false">
            <line x1="0" x2=CHART_W.to_string() y1=base_y.to_string() y2=base_y.to_string() class="line-axis"/>
            {(budget > 0).then(|| view! {
                <line x1="0" x2=CHART_W.to_string() y1=budget_y.to_string() y2=budget_y.to_string() class="line-budget"/>
            })}
            <polyline points=points(&months, max, |m| m.drawn_cents) class="line-drawn"/>
            <polyline points=points(&months, max, |m| m.paid_cents) class="line-paid"/>
            {(0..12).map(|i| view! {
                <text x=x_of(i).to_string() y=(CHART_H - 6).to_string() text-anchor="middle">{p.months[i]}</text>
            }).collect_view()}
        </svg>
        <p class="legend">
            <span class="key line-drawn"></span>{p.chart_drawn}" "
            <span class="key line-paid"></span>{p.paid}" "
            <span class="key line-budget"></span>{p.budget}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_scales_into_its_box() {
        assert_eq!(y_of(0, 100), CHART_H - CHART_BOTTOM);
        assert_eq!(y_of(100, 100), CHART_TOP);
        assert_eq!(y_of(500, 100), CHART_TOP, "clamped to the top");
        assert_eq!(
            y_of(-5, 100),
            CHART_H - CHART_BOTTOM,
            "never below the axis"
        );
        assert_eq!(
            y_of(10, 0),
            CHART_H - CHART_BOTTOM,
            "an empty scale stays on the axis"
        );
        assert_eq!(x_of(0), CHART_W / 24);
        assert_eq!(
            month_label(
                ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"],
                "2026-03"
            ),
            "c"
        );
        assert_eq!(month_label(["a"; 12], "bad"), "");
    }
}
