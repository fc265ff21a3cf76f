//! `/admin`: funds with their budgets and neighbourhoods, neighbourhoods,
//! coaches with mandate and neighbourhoods, invitations; `/admin/audit`:
//! the event log, filtered, with a CSV download. Plain forms throughout.

use crate::api::admin::{
    admin_overview, audit_log, AdminData, AuditFilter, CoachRow, FundRow, InviteCoach,
    NeighbourhoodRow, SaveFund, SaveNeighbourhood, SetMandate, ToggleCoachNeighbourhood,
    ToggleFundNeighbourhood, AUDIT_PAGE,
};
use crate::components::form::{page_feedback, CsrfField, ErrorSummary, Field, KeptFeedback};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use crate::pages::coach::Budget;
use crate::pages::propose::{plain_euros, QueryNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Copy)]
struct Actions {
    neighbourhood: ServerAction<SaveNeighbourhood>,
    fund: ServerAction<SaveFund>,
    fund_area: ServerAction<ToggleFundNeighbourhood>,
    invite: ServerAction<InviteCoach>,
    mandate: ServerAction<SetMandate>,
    coach_area: ServerAction<ToggleCoachNeighbourhood>,
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = use_texts();
    let a = t.admin;
    let actions = Actions {
        neighbourhood: ServerAction::new(),
        fund: ServerAction::new(),
        fund_area: ServerAction::new(),
        invite: ServerAction::new(),
        mandate: ServerAction::new(),
        coach_area: ServerAction::new(),
    };
    KeptFeedback::provide(|| ());
    let data = Resource::new_blocking(
        move || {
            actions.neighbourhood.version().get()
                + actions.fund.version().get()
                + actions.fund_area.version().get()
                + actions.invite.version().get()
                + actions.mandate.version().get()
                + actions.coach_area.version().get()
        },
        |_| admin_overview(),
    );
    view! {
        <Title text=a.title/>
        <h1>{a.title}</h1>
        <QueryNotice/>
        <p><a href="/admin/audit">{a.audit_title}</a>" · "<a href="/admin/reconcile">{t.payments.reconcile_title}</a>" · "<a href="/coach">{t.coach.title}</a></p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || data.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(d) => view! { <Overview d actions/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Overview(d: AdminData, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let a = t.admin;
    let areas = d.neighbourhoods.clone();
    let c = t.coach;
    let lang = use_lang();
    let more = d
        .cosign_waiting_total
        .saturating_sub(d.cosign_waiting.len() as u64);
    let flag = d.cosign_flag_days;
    view! {
        <section id="cosign-waiting" aria-labelledby="cosign-waiting-title">
            <h2 id="cosign-waiting-title">{c.cosign_waiting_title}</h2>
            {if d.cosign_waiting.is_empty() {
                view! { <p>{c.cosign_waiting_empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards queue">
                        {d.cosign_waiting.into_iter().map(|i| view! {
                            <li class="card" class:overdue=i.cosign_late>
                                <p class="card-meta">{i.neighbourhood.clone()}{i.coach_name.clone().map(|n| format!(" · {n}"))}</p>
                                <h3 class="card-title"><a href=format!("/coach/initiatives/{}", i.id)>{i.title.clone()}</a></h3>
                                <p>{t.amount_approved}": "{lang.money(Cents(i.amount_approved_cents.unwrap_or(0)))}</p>
                                <crate::pages::coach::CosignWait days=i.cosign_days late=i.cosign_late flag/>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="hint">{(c.queue_more)(more)}</p> })}
                }.into_any()
            }}
        </section>
        <section id="funds" aria-labelledby="funds-title">
            <h2 id="funds-title">{a.funds_title}</h2>
            {d.budgets.into_iter().map(|b| view! { <Budget budget=b/> }).collect_view()}
            {d.funds.into_iter().map(|f| view! { <FundForm fund=Some(f) areas=areas.clone() actions/> }).collect_view()}
            <h3>{a.new_fund}</h3>
            <FundForm fund=None areas=areas.clone() actions/>
        </section>
        <section id="neighbourhoods" aria-labelledby="neighbourhoods-title">
            <h2 id="neighbourhoods-title">{a.neighbourhoods_title}</h2>
            {d.neighbourhoods.into_iter().map(|n| view! { <NeighbourhoodForm area=Some(n) actions/> }).collect_view()}
            <h3>{a.new_neighbourhood}</h3>
            <NeighbourhoodForm area=None actions/>
        </section>
        <section id="coaches" aria-labelledby="coaches-title">
            <h2 id="coaches-title">{a.coaches_title}</h2>
            {d.coaches.into_iter().map(|c| view! { <CoachForm coach=c areas=areas.clone() actions/> }).collect_view()}
            <InviteForm actions/>
        </section>
    }
}

/// A form's name for a row: `{kind}_{id}`, or `{kind}_new` (as the server names it).
fn form_name(kind: &str, id: Option<i64>) -> String {
    id.map_or_else(|| format!("{kind}_new"), |id| format!("{kind}_{id}"))
}

#[component]
fn FundForm(
    fund: Option<FundRow>,
    areas: Vec<NeighbourhoodRow>,
    actions: Actions,
) -> impl IntoView {
    let t = use_texts();
    let a = t.admin;
    let lang = use_lang();
    let id = fund.as_ref().map(|f| f.id);
    let form = form_name("fund", id);
    let feedback = page_feedback(form.clone(), actions.fund);
    let value = {
        let fund = fund.clone();
        move |f: &dyn Fn(&FundRow) -> String| fund.as_ref().map(f).unwrap_or_default()
    };
    let heading = fund.as_ref().map(|f| f.name.clone());
    let covered = fund
        .as_ref()
        .map(|f| f.neighbourhood_ids.clone())
        .unwrap_or_default();
    view! {
        <article class="boxed">
            {heading.map(|h| view! { <h3>{h}</h3> })}
            <ErrorSummary feedback/>
            <ActionForm action=actions.fund attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
                <LabeledField field="name" row=form.clone() label=a.fund_name initial=value(&|f| f.name.clone()) feedback/>
                <LabeledField field="period_start" row=form.clone() label=a.period_start kind="date" initial=value(&|f| f.period_start.clone()) feedback/>
                <LabeledField field="period_end" row=form.clone() label=a.period_end kind="date" initial=value(&|f| f.period_end.clone()) feedback/>
                <LabeledField field="budget" row=form.clone() label=a.budget initial=value(&|f| plain_euros(f.budget_cents, lang)) feedback/>
                <LabeledField field="max_grant" row=form.clone() label=a.max_grant initial=value(&|f| plain_euros(f.max_grant_cents, lang)) feedback/>
                <LabeledField field="match_percent" row=form.clone() label=a.match_percent hint=a.match_percent_hint
                    initial=value(&|f| f.match_percent.to_string()) feedback/>
                <LabeledField field="match_cap" row=form.clone() label=a.match_cap initial=value(&|f| plain_euros(f.match_cap_cents, lang)) feedback/>
                <button type="submit" class="button primary">{if id.is_some() { a.save } else { a.create }}</button>
            </ActionForm>
            {id.map(|fund_id| view! {
                <h4>{a.covers}</h4>
                <ul class="lines">
                    {areas.clone().into_iter().map(|n| {
                        let on = covered.contains(&n.id);
                        view! {
                            <li>
                                <span>{n.name.clone()}{on.then_some(" ✓")}</span>
                                <ActionForm action=actions.fund_area attr:class="inline">
                                    <CsrfField/>
                                    <input type="hidden" name="fund_id" value=fund_id/>
                                    <input type="hidden" name="neighbourhood_id" value=n.id/>
                                    <button type="submit" class="link-button">{if on { a.take_off } else { a.add }}
                                        <span class="visually-hidden">": "{n.name.clone()}</span></button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {fund.as_ref().map(|f| view! { <p class="hint">{t.coach.budget}": "{lang.money(Cents(f.budget_cents))}</p> })}
        </article>
    }
}

/// A field whose element id is unique per row, while its name is the plain field name.
#[component]
fn LabeledField(
    field: &'static str,
    /// Makes the element ids unique on a page with many rows.
    #[prop(into)]
    row: String,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] initial: Option<String>,
    #[prop(into)] feedback: Signal<crate::api::forms::FormFeedback>,
) -> impl IntoView {
    let t = use_texts();
    let id = format!("{field}-{row}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = move || feedback.get().error(field).map(|c| t.error_message(&c));
    let value = move || {
        let f = feedback.get();
        if f.is_ok() {
            initial.clone().unwrap_or_default()
        } else {
            f.value(field)
        }
    };
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
            <input id=id name=field type=kind aria-invalid=move || error().map(|_| "true")
                aria-describedby=described prop:value=value.clone() value=value/>
        </div>
    }
}

#[component]
fn NeighbourhoodForm(area: Option<NeighbourhoodRow>, actions: Actions) -> impl IntoView {
    let a = use_texts().admin;
    let id = area.as_ref().map(|n| n.id);
    let form = form_name("neighbourhood", id);
    let feedback = page_feedback(form.clone(), actions.neighbourhood);
    view! {
        <article class="boxed">
            {area.as_ref().map(|n| view! { <h3>{n.name.clone()}" "<span class="hint">"/"{n.slug.clone()}</span></h3> })}
            <ErrorSummary feedback/>
            <ActionForm action=actions.neighbourhood attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                {match &area {
                    Some(n) => view! {
                        <input type="hidden" name="id" value=n.id/>
                        <input type="hidden" name="slug" value=n.slug.clone()/>
                    }.into_any(),
                    None => view! {
                        <LabeledField field="slug" row=form.clone() label=a.slug hint=a.slug_hint feedback/>
                    }.into_any(),
                }}
                <LabeledField field="name" row=form.clone() label=a.name initial=area.as_ref().map(|n| n.name.clone()).unwrap_or_default() feedback/>
                <LabeledField field="description" row=form.clone() label=a.description
                    initial=area.as_ref().map(|n| n.description.clone()).unwrap_or_default() feedback/>
                <button type="submit" class="button">{if id.is_some() { a.save } else { a.create }}</button>
            </ActionForm>
        </article>
    }
}

#[component]
fn CoachForm(coach: CoachRow, areas: Vec<NeighbourhoodRow>, actions: Actions) -> impl IntoView {
    let a = use_texts().admin;
    let lang = use_lang();
    let form = form_name("mandate", Some(coach.id));
    let feedback = page_feedback(form.clone(), actions.mandate);
    let coach_id = coach.id;
    view! {
        <article class="boxed">
            <h3>{coach.name.clone()}</h3>
            <p>{coach.email.clone()}{(!coach.active).then(|| view! { " · "<em>{a.not_active}</em> })}
                " · "{coach.mandate_cents.map_or_else(|| a.no_mandate.to_string(), |m| lang.money(Cents(m)))}</p>
            <ErrorSummary feedback/>
            <ActionForm action=actions.mandate attr:class="stack" attr:novalidate=true>
                <CsrfField/>
                <input type="hidden" name="coach_id" value=coach_id/>
                <LabeledField field="mandate" row=form.clone() label=a.mandate
                    initial=coach.mandate_cents.map(|m| plain_euros(m, lang)).unwrap_or_default() feedback/>
                <button type="submit" class="button">{a.save}</button>
            </ActionForm>
            <h4>{a.neighbourhoods_of_coach}</h4>
            <ul class="lines">
                {areas.into_iter().map(|n| {
                    let on = coach.neighbourhood_ids.contains(&n.id);
                    let coach_name = coach.name.clone();
                    view! {
                        <li>
                            <span>{n.name.clone()}{on.then_some(" ✓")}</span>
                            <ActionForm action=actions.coach_area attr:class="inline">
                                <CsrfField/>
                                <input type="hidden" name="coach_id" value=coach_id/>
                                <input type="hidden" name="neighbourhood_id" value=n.id/>
                                <button type="submit" class="link-button">{if on { a.take_off } else { a.add }}
                                    <span class="visually-hidden">": "{n.name.clone()}" — "{coach_name}</span></button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </article>
    }
}

#[component]
fn InviteForm(actions: Actions) -> impl IntoView {
    let t = use_texts();
    let a = t.admin;
    let feedback = page_feedback("invite_coach", actions.invite);
    view! {
        <h3>{a.invite_title}</h3>
        <ErrorSummary feedback/>
        <ActionForm action=actions.invite attr:class="stack boxed" attr:novalidate=true>
            <CsrfField/>
            <Field name="display_name" label=t.field_display_name autocomplete="off" feedback/>
            <Field name="email" label=t.field_email kind="email" autocomplete="off" feedback/>
            <button type="submit" class="button primary">{a.invite_submit}</button>
        </ActionForm>
    }
}

/// `/admin/audit`: the event log with filters (a GET form) and a CSV link.
#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_texts();
    let a = t.admin;
    let lang = use_lang();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        AuditFilter {
            initiative: q.get("initiative"),
            person: q.get("person"),
            kind: q.get("kind"),
            from: q.get("from"),
            to: q.get("to"),
        }
    });
    let rows = Resource::new_blocking(move || filter.get(), audit_log);
    let value = move |get: fn(&AuditFilter) -> Option<String>| {
        move || get(&filter.get()).unwrap_or_default()
    };
    let kinds = crate::domain::lifecycle::candidate_actions(&Default::default());
    view! {
        <Title text=a.audit_title/>
        <p><a href="/admin">{a.title}</a></p>
        <h1>{a.audit_title}</h1>
        <p>{a.audit_intro}</p>
        <form method="get" action="/admin/audit" class="stack boxed filters">
            <div class="field"><label for="initiative">{a.filter_initiative}</label>
                <input id="initiative" name="initiative" inputmode="numeric" value=value(|f| f.initiative.clone()) prop:value=value(|f| f.initiative.clone())/></div>
            <div class="field"><label for="person">{a.filter_person}</label>
                <input id="person" name="person" value=value(|f| f.person.clone()) prop:value=value(|f| f.person.clone())/></div>
            <div class="field"><label for="kind">{a.filter_kind}</label>
                <select id="kind" name="kind">
                    <option value="">{a.filter_any}</option>
                    {std::iter::once("create").chain(kinds.iter().map(|k| k.name())).chain(crate::domain::bank_account::AUDIT_ONLY).map(|k| {
                        view! { <option value=k selected=move || filter.get().kind.as_deref() == Some(k)>{t.action(k)}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="from">{a.filter_from}</label>
                <input id="from" name="from" type="date" value=value(|f| f.from.clone()) prop:value=value(|f| f.from.clone())/></div>
            <div class="field"><label for="to">{a.filter_to}</label>
                <input id="to" name="to" type="date" value=value(|f| f.to.clone()) prop:value=value(|f| f.to.clone())/></div>
            <button type="submit" class="button primary">{a.filter_submit}</button>
        </form>
        <p><a href=move || format!("/admin/audit.csv?{}", filter.get().query()) rel="external" download="buurtfonds-logboek.csv">{a.csv}</a></p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || rows.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p>{a.audit_empty}</p> }.into_any(),
                Ok(rows) => {
                    let shown = rows.len();
                    view! {
                        {(shown as u64 >= AUDIT_PAGE).then(|| view! { <p class="hint">{(a.audit_limited)(shown, AUDIT_PAGE)}</p> })}
                        <div class="table-wrap">
                            <table>
                                <caption class="visually-hidden">{a.audit_title}</caption>
                                <thead><tr>
                                    <th scope="col">{a.col_when}</th>
                                    <th scope="col">{a.col_initiative}</th>
                                    <th scope="col">{a.col_who}</th>
                                    <th scope="col">{a.col_step}</th>
                                    <th scope="col">{a.col_amount}</th>
                                    <th scope="col">{a.col_reason}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.at.get(..16).unwrap_or_default().replace('T', " ")}</td>
                                            <td><a href=format!("/coach/initiatives/{}", e.initiative_id)>"#"{e.initiative_id}" "{e.initiative_title}</a></td>
                                            <td>{e.actor}</td>
                                            <td>{t.action(&e.action)}</td>
                                            <td>{e.amount_cents.map(|c| lang.money(Cents(c)))}</td>
                                            <td>{e.reason}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// `/admin/reconcile`: the ledger against Stripe's balance history.
#[component]
pub fn ReconcilePage() -> impl IntoView {
    let t = use_texts();
    let g = t.payments;
    let lang = use_lang();
    let report = Resource::new_blocking(|| (), |_| crate::api::admin::reconcile());
    let money = move |c: Option<i64>| c.map_or_else(|| "—".to_string(), |c| lang.money(Cents(c)));
    view! {
        <Title text=g.reconcile_title/>
        <p><a href="/admin">{t.admin.title}</a></p>
        <h1>{g.reconcile_title}</h1>
        <p>{g.reconcile_intro}</p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || report.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(crate::api::admin::Reconciliation::Off) => view! { <p>{g.payments_off}</p> }.into_any(),
                Ok(crate::api::admin::Reconciliation::Unreachable) => view! { <p class="error">{g.reconcile_failed}</p> }.into_any(),
                Ok(crate::api::admin::Reconciliation::Done { differences, owed, disputes }) => view! {
                    {if differences.is_empty() {
                        view! { <p class="notice" role="status">{g.reconcile_none}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr>
                                        <th scope="col">{g.reconcile_what}</th>
                                        <th scope="col">{g.reconcile_ledger}</th>
                                        <th scope="col">{g.reconcile_stripe}</th>
                                    </tr></thead>
                                    <tbody>
                                        {differences.into_iter().map(|(what, ledger, stripe)| view! {
                                            <tr><td>{what}</td><td>{money(ledger)}</td><td>{money(stripe)}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }}
                    {(!disputes.is_empty()).then(|| view! {
                        <h2>{g.disputes_title}</h2>
                        <p>{g.disputes_intro}</p>
                        <ul>
                            {disputes.into_iter().map(|(dispute, id, title, cents, outcome)| view! {
                                <li>
                                    <a href=format!("/coach/initiatives/{id}")>{title}</a>": "
                                    {lang.money(Cents(cents))}" — "{(g.dispute_outcome)(&outcome)}
                                    " ("{dispute}")"
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!owed.is_empty()).then(|| view! {
                        <h2>{g.owed_title}</h2>
                        <p>{g.owed_intro}</p>
                        <ul>
                            {owed.into_iter().map(|(id, title, cents)| view! {
                                <li><a href=format!("/coach/initiatives/{id}")>{title}</a>": "{lang.money(Cents(cents))}</li>
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any(),
            })}
        </Suspense>
    }
}
