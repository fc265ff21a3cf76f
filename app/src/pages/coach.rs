//! `/coach`: the queue with waiting times, my initiatives, what waits for my
//! co-signature, and the budgets; `/coach/initiatives/:id`: everything
//! needed to decide — the plan, own strength next to the money, the
//! conversation, the history — and the decisions as plain forms.

use crate::api::coach::{
    coach_initiative, coach_queue, CoachMessage, CoachStep, CoachView, FundBudget, QueueItem,
    RecordPayout, RecordTopUp, REASON_MAX, REFERENCE_MAX,
};
use crate::api::forms::FormFeedback;
use crate::components::form::{
    page_feedback, CsrfField, ErrorSummary, Field, KeptFeedback, TextArea,
};
use crate::components::thread::{MessageList, Timeline};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use crate::pages::propose::QueryNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CoachPage() -> impl IntoView {
    let t = use_texts();
    let c = t.coach;
    let lang = use_lang();
    let queue = Resource::new_blocking(|| (), |_| coach_queue());
    view! {
        <Title text=c.title/>
        <h1>{c.title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || queue.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(q) => view! {
                    {q.mandate_cents.map(|m| view! { <p>{(c.mandate)(&lang.money(Cents(m)))}</p> })}
                    <QueueSection title=c.waiting_title empty=c.waiting_empty items=q.waiting.clone() total=q.waiting_total target=q.target_days cosign_flag=q.cosign_flag_days id="waiting"/>
                    <QueueSection title=c.mine_title empty=c.mine_empty items=q.mine.clone() total=q.mine_total target=q.target_days cosign_flag=q.cosign_flag_days id="mine"/>
                    <QueueSection title=c.cosign_title empty=c.cosign_empty items=q.cosign.clone() total=q.cosign_total target=q.target_days cosign_flag=q.cosign_flag_days id="cosign"/>
                    <section aria-labelledby="budgets-title">
                        <h2 id="budgets-title">{c.budgets_title}</h2>
                        {q.budgets.into_iter().map(|b| view! { <Budget budget=b/> }).collect_view()}
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn QueueSection(
    title: &'static str,
    empty: &'static str,
    items: Vec<QueueItem>,
    /// How many there are in all; `items` is the first page.
    total: u64,
    target: i64,
    /// Days a co-signature may wait before it is flagged.
    cosign_flag: i64,
    id: &'static str,
) -> impl IntoView {
    let more = total.saturating_sub(items.len() as u64);
    let t = use_texts();
    let c = t.coach;
    let lang = use_lang();
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {if items.is_empty() {
                view! { <p>{empty}</p> }.into_any()
            } else {
                view! {
                    <ul class="cards queue">
                        {items.into_iter().map(|i| view! {
                            <li class="card" class:overdue=i.overdue>
                                <p class="card-meta">
                                    <span class="tag">{t.state(&i.state)}</span>" "{i.neighbourhood.clone()}
                                </p>
                                <h3 class="card-title"><a href=format!("/coach/initiatives/{}", i.id)>{i.title.clone()}</a></h3>
                                <p>{t.amount_asked}": "{lang.money(Cents(i.amount_asked_cents))}
                                    {i.amount_approved_cents.map(|a| view! { " · "{t.amount_approved}": "{lang.money(Cents(a))} })}</p>
                                <p>{(c.days_waiting)(i.days_waiting)}
                                    {i.overdue.then(|| view! { " "<strong class="warning">{(c.overdue)(target)}</strong> })}
                                    {i.coach_name.clone().map(|n| view! { " · "{n} })}</p>
                                <CosignWait days=i.cosign_days late=i.cosign_late flag=cosign_flag/>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="hint">{(c.queue_more)(more)}</p> })}
                }.into_any()
            }}
        </section>
    }
}

/// How long an approval has waited for its second signature, flagged past
/// the setting (nothing when it does not wait for one).
#[component]
pub fn CosignWait(days: Option<i64>, late: bool, flag: i64) -> impl IntoView {
    let c = use_texts().coach;
    days.map(|d| {
        view! {
            <p class="cosign-wait">{(c.cosign_waiting)(d)}
                {late.then(|| view! { " "<strong class="warning">{(c.cosign_late)(flag)}</strong> })}</p>
        }
    })
}

/// One fund's figures, with its neighbourhoods.
#[component]
pub fn Budget(budget: FundBudget) -> AnyView {
    let t = use_texts();
    let c = t.coach;
    let lang = use_lang();
    let money = move |cents: i64| lang.money(Cents(cents));
    let days = move |d: Option<f64>| {
        d.map_or_else(|| c.no_decisions_yet.to_string(), |d| format!("{d:.1}"))
    };
    view! {
        <article class="budget">
            <h3>{budget.name.clone()}</h3>
            <p class="hint">{(c.period)(&lang.date(&budget.period_start), &lang.date(&budget.period_end))}</p>
            <dl class="figures">
                <div><dt>{c.budget}</dt><dd>{money(budget.budget_cents)}</dd></div>
                <div><dt>{c.committed}</dt><dd>{money(budget.committed_cents)}</dd></div>
                <div><dt>{c.paid}</dt><dd>{money(budget.paid_cents)}</dd></div>
                <div><dt>{c.remaining}</dt><dd><strong>{money(budget.remaining_cents)}</strong></dd></div>
                <div><dt>{c.max_grant}</dt><dd>{money(budget.max_grant_cents)}</dd></div>
                <div><dt>{c.median_days}</dt><dd>{days(budget.median_days_to_decision)}</dd></div>
            </dl>
            <p>{c.per_state}": "
                {budget.per_state.iter().map(|(s, n)| format!("{} {n}", t.state(s))).collect::<Vec<_>>().join(" · ")}</p>
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">{budget.name.clone()}</caption>
                    <thead><tr>
                        <th scope="col">{c.neighbourhood}</th>
                        <th scope="col">{c.committed}</th>
                        <th scope="col">{c.paid}</th>
                        <th scope="col">{c.initiatives}</th>
                        <th scope="col">{c.median_days}</th>
                    </tr></thead>
                    <tbody>
                        {budget.neighbourhoods.into_iter().map(|n| view! {
                            <tr>
                                <th scope="row">{n.name}</th>
                                <td>{money(n.committed_cents)}</td>
                                <td>{money(n.paid_cents)}</td>
                                <td>{n.initiatives}</td>
                                <td>{days(n.median_days_to_decision)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
    .into_any()
}

/// Every form of the initiative page, so that it reloads after any of them.
#[derive(Clone, Copy)]
struct Actions {
    step: ServerAction<CoachStep>,
    payout: ServerAction<RecordPayout>,
    top_up: ServerAction<RecordTopUp>,
    message: ServerAction<CoachMessage>,
}

#[component]
pub fn CoachInitiativePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let actions = Actions {
        step: ServerAction::new(),
        payout: ServerAction::new(),
        top_up: ServerAction::new(),
        message: ServerAction::new(),
    };
    KeptFeedback::provide(move || id.get());
    let detail = Resource::new_blocking(
        move || {
            (
                id.get(),
                actions.step.version().get()
                    + actions.payout.version().get()
                    + actions.top_up.version().get()
                    + actions.message.version().get(),
            )
        },
        |(id, _)| coach_initiative(id),
    );
    view! {
        <p><a href="/coach">{t.coach.back_to_queue}</a></p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || detail.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(d) => view! { <Detail d actions/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: CoachView, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let c = t.coach;
    let w = t.wizard;
    let lang = use_lang();
    let money = move |cents: i64| lang.money(Cents(cents));
    view! {
        <Title text=d.title.clone()/>
        <h1>{d.title.clone()}</h1>
        <QueryNotice/>
        <p><span class="tag">{t.state(&d.state)}</span>" "{t.kind(&d.kind)}" · "{d.neighbourhood.clone()}</p>
        <p>{c.initiator}": "<strong>{d.initiator_name.clone()}</strong>
            {d.coach_name.clone().map(|n| view! { " · "{t.your_coach}": "{n} })}</p>
        <section aria-labelledby="story-title">
            <h2 id="story-title">{c.story_title}</h2>
            <p>{d.description.clone()}</p>
            <p>{w.beneficiaries_label}" "{d.beneficiaries.clone()}
                {d.participants.map(|p| format!(" — {}", (w.participants_value)(p)))}</p>
            <p>{d.starts_on.as_deref().map(|s| lang.date(s))}{d.ends_on.as_deref().map(|e| format!(" – {}", lang.date(e)))}</p>
            <ul class="photos">
                {d.photos.iter().map(|p| view! {
                    <li><a href=format!("/photos/{}", p.id) rel="external"><img src=format!("/photos/{}/thumb", p.id) alt=p.alt.clone() width="160"/></a></li>
                }).collect_view()}
            </ul>
        </section>
        <div class="side-by-side">
            <section aria-labelledby="own-strength-title">
                <h2 id="own-strength-title">{w.own_strength_title}</h2>
                <p>{d.own_input.clone()}</p>
                <ul>
                    {d.strength.iter().map(|l| view! {
                        <li><strong>{l.who.clone()}</strong>" · "{w.contribution(&l.contribution_kind)}": "{l.description.clone()}
                            {l.value_cents.map(|v| format!(" ({})", money(v)))}</li>
                    }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="money-title">
                <h2 id="money-title">{w.grant_title}</h2>
                <ul>
                    {d.budget.iter().map(|l| view! { <li>{l.item.clone()}": "{money(l.cents)}</li> }).collect_view()}
                </ul>
                <p>{(w.total)(&money(d.budget.iter().map(|l| l.cents).sum()))}</p>
                <p>{w.own_contribution_label}" "{money(d.own_contribution_cents)}</p>
                <p><strong>{t.amount_asked}": "{money(d.amount_asked_cents)}</strong></p>
                {d.amount_approved_cents.map(|a| view! { <p><strong>{t.amount_approved}": "{money(a)}</strong></p> })}
                {d.approver_name.clone().map(|n| view! { <p>{c.approved_by}": "{n}</p> })}
                {d.approval_conditions.clone().map(|x| view! { <p>{c.conditions}": "{x}</p> })}
                {d.fund_remaining_cents.map(|r| view! { <p>{c.fund_remaining}": "{money(r)}</p> })}
                <p>{t.bank.coach_label}": "
                    {match d.bank_account_masked.clone() {
                        Some(masked) => view! { <span class="iban">{masked}</span> }.into_any(),
                        None => view! { <span>{t.bank.coach_none}</span> }.into_any(),
                    }}</p>
            </section>
        </div>
        <Decisions d=d.clone() actions/>
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t.timeline_title}</h2>
            <Timeline items=d.timeline.clone()/>
        </section>
        <Conversation d actions/>
    }
}

/// The decisions this person may take now, each a plain form.
#[component]
fn Decisions(d: CoachView, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let c = t.coach;
    let lang = use_lang();
    let may = |name: &str| d.allowed.iter().any(|a| a == name);
    let id = d.id;
    let asked = lang.money(Cents(d.amount_asked_cents));
    let mandate = lang.money(Cents(d.mandate_cents.unwrap_or(0)));
    let approve_value = crate::pages::propose::plain_euros(d.amount_asked_cents, lang);
    let any = [
        "claim",
        "ask_changes",
        "approve",
        "reject",
        "co_sign",
        "decline_cosign",
        "cosign_question",
        "release",
        "reassign",
        "pay_out",
        "cancel",
    ]
    .iter()
    .any(|a| may(a));
    view! {
        <section aria-labelledby="decide-title">
            <h2 id="decide-title">{c.decide_title}</h2>
            {d.payout.clone().map(|(reference, on)| view! { <p>{(c.payout_done)(&reference, &lang.date(&on))}</p> })}
            <StripePayouts d=d.clone()/>
            <CosignWait days=d.cosign_waiting_days late=d.cosign_late flag=d.cosign_flag_days/>
            {(!any).then(|| view! { <p>{c.nothing_to_decide}</p> })}
            {may("claim").then(|| view! {
                <StepForm id step="claim" label=c.claim action=actions.step>
                    <p class="hint">{c.claim_hint}</p>
                </StepForm>
            })}
            {may("approve").then(|| {
                let feedback = page_feedback("step_approve", actions.step);
                view! {
                    <StepForm id step="approve" label=c.approve action=actions.step primary=true>
                        <Field name="amount" id="approve-amount" label=c.approve_amount inputmode="decimal"
                            hint=(c.approve_hint)(&asked, &mandate) initial=approve_value.clone() feedback/>
                        <TextArea name="reason" id="approve-reason" label=c.approve_conditions maxlength=REASON_MAX as u64 rows=2 feedback/>
                    </StepForm>
                }
            })}
            {may("co_sign").then(|| view! {
                <CosignSummary d=d.clone()/>
                <StepForm id step="co_sign" label=c.co_sign action=actions.step primary=true>
                    <p class="hint">{(c.co_sign_hint)(&lang.money(Cents(d.amount_approved_cents.unwrap_or(0))))}</p>
                </StepForm>
            })}
            {may("decline_cosign").then(|| {
                let feedback = page_feedback("step_decline_cosign", actions.step);
                view! {
                    <StepForm id step="decline_cosign" label=c.decline_cosign action=actions.step danger=true>
                        <TextArea name="reason" id="decline_cosign-reason" label=c.decline_cosign_label
                            hint=c.decline_cosign_hint maxlength=REASON_MAX as u64 rows=3 feedback/>
                    </StepForm>
                }
            })}
            {may("cosign_question").then(|| {
                let feedback = page_feedback("step_cosign_question", actions.step);
                view! {
                    <StepForm id step="cosign_question" label=c.cosign_question action=actions.step>
                        <TextArea name="reason" id="cosign_question-reason" label=c.cosign_question_label
                            hint=c.cosign_question_hint maxlength=REASON_MAX as u64 rows=3 feedback/>
                    </StepForm>
                }
            })}
            {may("release").then(|| view! {
                <StepForm id step="release" label=c.release action=actions.step>
                    <p class="hint">{c.release_hint}</p>
                </StepForm>
            })}
            {may("reassign").then(|| {
                let feedback = page_feedback("step_reassign", actions.step);
                view! {
                    <StepForm id step="reassign" label=c.reassign action=actions.step>
                        <CoachChoice choices=d.coach_choices.clone() feedback/>
                    </StepForm>
                }
            })}
            {may("ask_changes").then(|| {
                let feedback = page_feedback("step_ask_changes", actions.step);
                view! {
                    <StepForm id step="ask_changes" label=c.ask_changes action=actions.step>
                        <TextArea name="reason" id="ask_changes-reason" label=c.ask_changes_label maxlength=REASON_MAX as u64 rows=3 feedback/>
                    </StepForm>
                }
            })}
            {may("reject").then(|| {
                let feedback = page_feedback("step_reject", actions.step);
                view! {
                    <StepForm id step="reject" label=c.reject action=actions.step danger=true>
                        <TextArea name="reason" id="reject-reason" label=c.reject_label maxlength=REASON_MAX as u64 rows=3 feedback/>
                    </StepForm>
                }
            })}
            {may("pay_out").then(|| {
                let feedback = page_feedback("payout", actions.payout);
                let today = d.today.clone();
                let b = t.bank;
                let account_error = move || feedback.get().error("account").map(|code| view! {
                    <p class="error" id="account-error">{t.error_message(&code)}</p>
                });
                view! {
                    <h3>{c.payout_title}</h3>
                    <TransferAmount cents=d.payout_cents gift_cents=d.payout_gift_cents/>
                    <ErrorSummary feedback/>
                    {match d.payout_account.clone() {
                        Some(account) => view! {
                            <ActionForm action=actions.payout attr:class="stack boxed" attr:novalidate=true>
                                <CsrfField/>
                                <input type="hidden" name="id" value=id/>
                                <input type="hidden" name="account_revision" value=account.revision/>
                                <div class="transfer" id="account">
                                    <p><strong>{b.transfer_title}</strong></p>
                                    {account_error}
                                    <dl class="figures">
                                        <div><dt>{b.transfer_holder}</dt><dd class="holder">{account.holder}</dd></div>
                                        <div><dt>{b.transfer_iban}</dt><dd class="iban">{account.iban}</dd></div>
                                        <div><dt>{b.transfer_amount}</dt><dd>{lang.money(Cents(d.payout_cents))}</dd></div>
                                    </dl>
                                    <p class="hint">{b.transfer_logged}</p>
                                </div>
                                <Field name="reference" label=c.payout_reference maxlength=REFERENCE_MAX as u64 feedback/>
                                <Field name="transferred_on" label=c.payout_date kind="date" initial=today feedback/>
                                <button type="submit" class="button primary">{c.payout_submit}</button>
                            </ActionForm>
                        }.into_any(),
                        None => {
                            // No form to show the other fields' errors next to: shown here.
                            let others = move || feedback.get().errors.into_iter()
                                .filter(|e| e.field != "account")
                                .map(|e| view! { <p class="error">{t.error_message(&e.code)}</p> })
                                .collect_view();
                            let why = if d.stripe_pending { t.payments.manual_blocked } else { b.transfer_missing };
                            view! {
                                {account_error}
                                {others}
                                <p class="notice" id="account">{why}</p>
                            }.into_any()
                        }
                    }}
                }
            })}
            {may("top_up").then(|| {
                let feedback = page_feedback("top_up", actions.top_up);
                let today = d.today.clone();
                let g = t.payments;
                let stripe_ready = d.stripe_on && d.account_ready && !d.stripe_pending;
                view! {
                    <h3>{g.top_up_title}</h3>
                    <p>{g.top_up_intro}</p>
                    <TransferAmount cents=d.top_up_cents gift_cents=d.top_up_gift_cents/>
                    {stripe_ready.then(|| view! {
                        <form method="post" action=format!("/coach/initiatives/{id}/top-up") class="stack">
                            <CsrfField/>
                            <button type="submit" class="button primary">{g.top_up_stripe}</button>
                        </form>
                    })}
                    <h4>{g.top_up_bank}</h4>
                    <ErrorSummary feedback/>
                    <ActionForm action=actions.top_up attr:class="stack boxed" attr:novalidate=true>
                        <CsrfField/>
                        <input type="hidden" name="id" value=id/>
                        {d.payout_account.clone().map(|account| {
                            let b = t.bank;
                            view! {
                                <dl class="figures transfer">
                                    <div><dt>{b.transfer_holder}</dt><dd class="holder">{account.holder}</dd></div>
                                    <div><dt>{b.transfer_iban}</dt><dd class="iban">{account.iban}</dd></div>
                                </dl>
                            }
                        })}
                        <Field name="reference" id="top_up-reference" label=c.payout_reference maxlength=REFERENCE_MAX as u64 feedback/>
                        <Field name="transferred_on" id="top_up-transferred_on" label=c.payout_date kind="date" initial=today feedback/>
                        <button type="submit" class="button">{g.top_up_bank_submit}</button>
                    </ActionForm>
                }
            })}
            {may("cancel").then(|| {
                let feedback = page_feedback("step_cancel", actions.step);
                view! {
                    <StepForm id step="cancel" label=c.cancel action=actions.step danger=true>
                        <TextArea name="reason" id="cancel-reason" label=c.cancel_label maxlength=REASON_MAX as u64 rows=2 feedback/>
                    </StepForm>
                }
            })}
        </section>
    }
}

/// What a payout or top-up transfers, and how much of it neighbours gave.
#[component]
fn TransferAmount(cents: i64, gift_cents: i64) -> impl IntoView {
    let g = use_texts().payments;
    let lang = use_lang();
    view! {
        <p class="transfer-amount">
            <strong>{(g.transfer_total)(&lang.money(Cents(cents)))}</strong>
            {(gift_cents > 0).then(|| view! {
                <br/>{(g.transfer_gifts)(&lang.money(Cents(gift_cents)))}
            })}
        </p>
    }
}

/// What the co-signer signs, in one place above the buttons: the amounts,
/// who approved and why, and the budget lines.
#[component]
fn CosignSummary(d: CoachView) -> impl IntoView {
    let t = use_texts();
    let c = t.coach;
    let lang = use_lang();
    let money = move |cents: i64| lang.money(Cents(cents));
    view! {
        <div class="boxed cosign-summary">
            <h3>{c.cosign_summary_title}</h3>
            <dl class="figures">
                <div><dt>{t.amount_asked}</dt><dd>{money(d.amount_asked_cents)}</dd></div>
                <div><dt>{t.amount_approved}</dt><dd><strong>{money(d.amount_approved_cents.unwrap_or(0))}</strong></dd></div>
                <div><dt>{c.approved_by}</dt><dd>{d.approver_name.clone().unwrap_or_default()}</dd></div>
            </dl>
            <p>{c.conditions}": "{d.approval_conditions.clone().unwrap_or_else(|| c.no_conditions.to_string())}</p>
            <ul>
                {d.budget.iter().map(|l| view! { <li>{l.item.clone()}": "{money(l.cents)}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// The coach to hand an initiative to: a plain select with its label and error.
#[component]
fn CoachChoice(choices: Vec<(i64, String)>, feedback: Signal<FormFeedback>) -> impl IntoView {
    let t = use_texts();
    let c = t.coach;
    let error = move || {
        feedback
            .get()
            .error("coach_id")
            .map(|code| t.error_message(&code))
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for="reassign-coach">{c.reassign_label}</label>
            <p class="hint" id="reassign-coach-hint">{c.reassign_hint}</p>
            {move || error().map(|e| view! { <p class="error" id="reassign-coach-error">{e}</p> })}
            <select id="reassign-coach" name="coach_id"
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=move || if error().is_some() { "reassign-coach-hint reassign-coach-error" } else { "reassign-coach-hint" }>
                {choices.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// A form for one step, with its fields as children.
#[component]
fn StepForm(
    id: i64,
    step: &'static str,
    label: &'static str,
    action: ServerAction<CoachStep>,
    #[prop(optional)] primary: bool,
    #[prop(optional)] danger: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let feedback: Signal<FormFeedback> = {
        let form: &'static str = match step {
            "approve" => "step_approve",
            "ask_changes" => "step_ask_changes",
            "reject" => "step_reject",
            "cancel" => "step_cancel",
            "co_sign" => "step_co_sign",
            "decline_cosign" => "step_decline_cosign",
            "cosign_question" => "step_cosign_question",
            "release" => "step_release",
            "reassign" => "step_reassign",
            _ => "step_claim",
        };
        page_feedback(form, action)
    };
    let class = if primary {
        "button primary"
    } else if danger {
        "button danger"
    } else {
        "button"
    };
    view! {
        <ErrorSummary feedback/>
        <ActionForm action attr:class="stack boxed" attr:novalidate=true>
            <CsrfField/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="step" value=step/>
            {children.map(|c| c())}
            <button type="submit" class=class>{label}</button>
        </ActionForm>
    }
}

#[component]
fn Conversation(d: CoachView, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let feedback = page_feedback("coach_message", actions.message);
    let may = d.allowed.iter().any(|a| a == "message");
    view! {
        <section id="messages" aria-labelledby="messages-title">
            <h2 id="messages-title">{t.messages_title}</h2>
            <MessageList messages=d.messages.clone()/>
            {may.then(|| view! {
                <ErrorSummary feedback/>
                <ActionForm action=actions.message attr:class="stack">
                    <CsrfField/>
                    <input type="hidden" name="id" value=d.id/>
                    <TextArea name="body" label=t.coach.message_label maxlength=crate::api::me::MESSAGE_MAX as u64 rows=4 feedback/>
                    <button type="submit" class="button primary">{t.message_submit}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// Payouts through Stripe: how the last attempt went, the history of
/// attempts, and (when allowed) the button that pays out. A plain form.
#[component]
fn StripePayouts(d: CoachView) -> impl IntoView {
    let t = use_texts();
    let g = t.payments;
    let lang = use_lang();
    let query = use_query_map();
    let outcome = query.read_untracked().get("payout").unwrap_or_default();
    let last_failure = d
        .payouts
        .iter()
        .rev()
        .find(|p| p.state == "failed")
        .and_then(|p| p.failure.clone())
        .unwrap_or_default();
    let notice = match outcome.as_str() {
        "paid" => Some(g.payout_paid.to_string()),
        "failed" => Some(format!("{} {last_failure}", g.payout_failed)),
        "unknown" => Some(g.payout_unknown.to_string()),
        "not_sent" => Some(g.payout_not_sent.to_string()),
        "nothing" => Some(g.nothing_to_top_up.to_string()),
        "not_ready" => Some(g.stripe_payout_not_ready.to_string()),
        "exists" => Some(g.payout_exists.to_string()),
        "off" => Some(g.payments_off.to_string()),
        _ => None,
    };
    let returned = d.payouts.iter().any(|p| p.state == "reversed") && d.state == "approved";
    let may = |name: &str| d.allowed.iter().any(|a| a == name);
    // The payout button; or, while a payout or top-up's outcome is unknown,
    // the button that checks it.
    let may_pay = may("pay_out") || (d.stripe_pending && may("top_up"));
    let id = d.id;
    view! {
        {notice.map(|n| view! { <div class="notice" role="status"><p>{n}</p></div> })}
        {returned.then(|| view! { <p class="notice">{g.payout_returned}</p> })}
        {(!d.payouts.is_empty()).then(|| view! {
            <h3>{g.payout_history}</h3>
            <ul class="payouts">
                {d.payouts.iter().map(|p| view! {
                    <li>
                        {lang.money(Cents(p.cents))}" — "
                        {if p.method == "stripe" { "Stripe" } else { t.coach.payout_title }}" — "
                        <strong>{(g.payout_state)(&p.state)}</strong>
                        {(!p.reference.is_empty()).then(|| format!(" ({})", p.reference))}
                        {p.account.clone().map(|a| view! { " — "<span class="iban">{a}</span> })}
                        {p.failure.clone().map(|f| format!(": {f}"))}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {may_pay.then(|| view! {
            <h3>{g.stripe_payout_title}</h3>
            {match (d.stripe_on, d.account_ready) {
                (false, _) => view! { <p>{g.payments_off}</p> }.into_any(),
                // The outcome of a payout is unknown: ask Stripe, never pay again.
                (true, _) if d.stripe_pending => view! {
                    <p class="notice">{g.stripe_payout_pending}</p>
                    <form method="post" action=format!("/coach/initiatives/{id}/check-payout") class="stack boxed">
                        <CsrfField/>
                        <button type="submit" class="button primary">{g.stripe_payout_check}</button>
                    </form>
                }.into_any(),
                (true, false) => view! { <p>{g.stripe_payout_not_ready}</p> }.into_any(),
                (true, true) => view! {
                    <form method="post" action=format!("/coach/initiatives/{id}/stripe-payout") class="stack boxed">
                        <CsrfField/>
                        <p>{lang.money(Cents(d.payout_cents))}</p>
                        <button type="submit" class="button primary">{g.stripe_payout_button}</button>
                    </form>
                }.into_any(),
            }}
        })}
    }
}
