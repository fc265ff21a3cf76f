//! `/me`: my initiatives, and one initiative with its timeline (from the
//! event log), my coach, and the message thread.

use crate::api::bank::{OwnBankAccount, SaveBankAccount};
use crate::api::forms::{take_form_feedback, FormFeedback};
use crate::api::me::{
    my_initiative, my_initiatives, my_notifications, my_privacy, EraseAccount,
    MarkNotificationsRead, OwnInitiative, SavePrivacy, SendMessage, MESSAGE_MAX, PUBLIC_NAME_MAX,
};
use crate::api::propose::WithdrawInitiative;
use crate::components::form::{feedback_for, CsrfField, ErrorSummary, Field};
use crate::components::thread::{MessageList, Timeline};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use crate::pages::propose::QueryNotice;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn MePage() -> impl IntoView {
    let t = use_texts();
    let list = Resource::new_blocking(|| (), |_| my_initiatives());
    view! {
        <Title text=t.me_title/>
        <h1>{t.me_title}</h1>
        <QueryNotice/>
        <Notifications/>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || list.get().map(|r| match r {
                Ok(items) if items.is_empty() => view! {
                    <p>{t.me_empty}</p>
                    <p><a class="button primary" href="/propose">{t.start_initiative}</a></p>
                }.into_any(),
                Ok(items) => view! {
                    <ul class="cards">
                        {items.into_iter().map(|i| view! { <Summary item=i/> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(_) => view! { <p><a href="/login?next=%2Fme">{t.nav_sign_in}</a></p> }.into_any(),
            })}
        </Suspense>
        <PrivacyForm/>
        <p><a href="/me/export.json" rel="external" download="buurtfonds-mijn-gegevens.json">{t.export_my_data}</a></p>
        <EraseForm/>
    }
}

/// My latest notifications, the unread ones marked.
#[component]
fn Notifications() -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let lang = use_lang();
    let read = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new_blocking(move || read.version().get(), |_| my_notifications());
    view! {
        <section id="notifications" aria-labelledby="notifications-title">
            <h2 id="notifications-title">{w.notifications_title}</h2>
            <Suspense>
                {move || list.get().and_then(Result::ok).map(|items| {
                    let any_unread = items.iter().any(|n| n.unread);
                    if items.is_empty() {
                        return view! { <p>{w.notifications_empty}</p> }.into_any();
                    }
                    view! {
                        <ul class="notifications">
                            {items.into_iter().map(|n| {
                                let href = n.href.clone();
                                view! {
                                    <li class:unread=n.unread>
                                        {n.unread.then(|| view! { <span class="tag">{w.new_label}</span>" " })}
                                        <span class="when">{lang.date(&n.on)}</span>" "
                                        <a href=href>{n.initiative_title}</a>": "{t.action(&n.kind)}
                                        {(!n.detail.is_empty()).then(|| view! { <p class="reason">{n.detail}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {any_unread.then(|| view! {
                            <ActionForm action=read attr:class="inline">
                                <CsrfField/>
                                <button type="submit" class="link-button">{w.mark_read}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// Erase my account, confirmed with my password.
#[component]
fn EraseForm() -> impl IntoView {
    let w = use_texts().wizard;
    let erase = ServerAction::<EraseAccount>::new();
    let feedback = feedback_for("erase", erase);
    view! {
        <section id="erase" aria-labelledby="erase-title" class="danger-zone">
            <h2 id="erase-title">{w.erase_title}</h2>
            <p>{w.erase_intro}</p>
            <Suspense>
                <ErrorSummary feedback/>
                <ActionForm action=erase attr:class="stack" attr:novalidate=true>
                    <CsrfField/>
                    <Field name="erase_password" label=w.erase_password kind="password"
                        autocomplete="current-password" refill=false feedback/>
                    <button type="submit" class="button danger">{w.erase_submit}</button>
                </ActionForm>
            </Suspense>
        </section>
    }
}

/// Whether the public sees my first name or group name with my initiatives.
#[component]
fn PrivacyForm() -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<SavePrivacy>::new();
    let current = Resource::new_blocking(move || save.version().get(), |_| my_privacy());
    let kept = Resource::new_blocking(|| (), |_| take_form_feedback("privacy".into()));
    let feedback = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::ok)
            .filter(|f| !f.is_ok())
            .or_else(|| kept.get().and_then(Result::ok).flatten())
            .unwrap_or_else(|| FormFeedback::new("privacy"))
    });
    let notice = leptos_router::hooks::use_query_map();
    view! {
        <section class="privacy" aria-labelledby="privacy-title">
            <h2 id="privacy-title">{t.privacy_title}</h2>
            {move || (notice.read().get("notice").as_deref() == Some("privacy_saved"))
                .then(|| view! { <crate::components::form::Notice text=t.privacy_saved/> })}
            <Suspense>
                {move || current.get().and_then(Result::ok).map(|p| {
                    let error = move || feedback.get().error("public_name").map(|c| t.error_message(&c));
                    let value = {
                        let saved = p.public_name.clone();
                        move || { let typed = feedback.get().value("public_name"); if typed.is_empty() { saved.clone() } else { typed } }
                    };
                    view! {
                        <ActionForm action=save attr:class="stack">
                            <CsrfField/>
                            <div class="check">
                                <input type="checkbox" id="consent" name="consent" value="yes" checked=p.consent/>
                                <label for="consent">{t.privacy_consent}</label>
                            </div>
                            <div class="field" class:has-error=move || error().is_some()>
                                <label for="public_name">{t.privacy_name}</label>
                                <p class="hint" id="public_name-hint">{t.privacy_hint}</p>
                                {move || error().map(|e| view! { <p class="error" id="public_name-error">{e}</p> })}
                                <input id="public_name" name="public_name" type="text" maxlength=PUBLIC_NAME_MAX
                                    autocomplete="given-name" value=value
                                    aria-invalid=move || error().map(|_| "true")
                                    aria-describedby=move || if error().is_some() { "public_name-hint public_name-error" } else { "public_name-hint" }/>
                            </div>
                            <button type="submit" class="button">{t.privacy_submit}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Summary(item: OwnInitiative) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <li class="card">
            <p class="card-meta"><span class="tag">{t.state(&item.state)}</span></p>
            <h2 class="card-title"><a href=format!("/me/initiatives/{}", item.id)>{item.title.clone()}</a></h2>
            <p>{t.your_coach}": "{item.coach_name.clone().unwrap_or_else(|| "—".into())}</p>
            <p>{t.amount_asked}": "{lang.money(Cents(item.amount_asked_cents))}</p>
            {item.amount_approved_cents.map(|c| view! { <p>{t.amount_approved}": "<strong>{lang.money(Cents(c))}</strong></p> })}
            <p class="card-date">{t.last_change}": "{lang.date(&item.updated_on)}</p>
        </li>
    }
}

#[component]
pub fn MyInitiativePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let send = ServerAction::<SendMessage>::new();
    let withdraw = ServerAction::<WithdrawInitiative>::new();
    let withdraw_feedback = feedback_for("withdraw", withdraw);
    let save_account = ServerAction::<SaveBankAccount>::new();
    let account_feedback = feedback_for("bank_account", save_account);
    let detail = Resource::new_blocking(
        move || {
            (
                id.get(),
                send.version().get(),
                withdraw.version().get() + save_account.version().get(),
            )
        },
        |(id, _, _)| my_initiative(id),
    );
    let kept = Resource::new_blocking(|| (), |_| take_form_feedback("message".into()));
    let feedback = Signal::derive(move || {
        send.value()
            .get()
            .and_then(Result::ok)
            .filter(|f| !f.is_ok())
            .or_else(|| kept.get().and_then(Result::ok).flatten())
            .unwrap_or_else(|| FormFeedback::new("message"))
    });

    view! {
        <p><a href="/me">{t.back_to_me}</a></p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || detail.get().map(|r| match r {
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
                Ok(d) => {
                    let i = d.initiative.clone();
                    view! {
                        <Title text=i.title.clone()/>
                        <h1>{i.title.clone()}</h1>
                        <QueryNotice/>
                        <p><span class="tag">{t.state(&i.state)}</span></p>
                        {d.can_edit.then(|| view! {
                            <p><a class="button primary" href=format!("/propose/{}", i.id)>{t.wizard.edit_initiative}</a></p>
                        })}
                        <p>
                            {match i.coach_name.clone() {
                                Some(name) => view! { {t.your_coach}": "<strong>{name}</strong> }.into_any(),
                                None => view! { {t.no_coach_yet} }.into_any(),
                            }}
                        </p>
                        <PayoutAccount d=d.clone()/>
                        {d.money.clone().map(|m| {
                            let g = t.payments;
                            let lang = use_lang();
                            view! {
                                <section aria-labelledby="money-title">
                                    <h2 id="money-title">{g.my_money_title}</h2>
                                    <dl class="figures">
                                        <div><dt>{g.my_gifts}</dt><dd>{lang.money(Cents(m.gifts_cents))}</dd></div>
                                        <div><dt>{g.my_paid}</dt><dd>{lang.money(Cents(m.paid_cents))}</dd></div>
                                        {(m.still_to_pay_cents > 0).then(|| view! {
                                            <div><dt>{g.my_still_to_pay}</dt><dd>{lang.money(Cents(m.still_to_pay_cents))}</dd></div>
                                        })}
                                    </dl>
                                </section>
                            }
                        })}
                        {d.bank_account.clone().map(|account| view! {
                            <BankAccountForm id=i.id account action=save_account feedback=account_feedback/>
                        })}
                        <section aria-labelledby="timeline-title">
                            <h2 id="timeline-title">{t.timeline_title}</h2>
                            <Timeline items=d.timeline.clone()/>
                        </section>
                        <section id="messages" aria-labelledby="messages-title">
                            <h2 id="messages-title">{t.messages_title}</h2>
                            <MessageList messages=d.messages.clone()/>
                            {if d.can_message {
                                view! {
                                    <ErrorSummary feedback/>
                                    <ActionForm action=send attr:class="stack">
                                        <CsrfField/>
                                        <input type="hidden" name="initiative_id" value=i.id/>
                                        <div class="field" class:has-error=move || feedback.get().error("body").is_some()>
                                            <label for="body">{t.message_label}</label>
                                            {move || feedback.get().error("body").map(|c| view! {
                                                <p class="error" id="body-error">{t.error_message(&c)}</p>
                                            })}
                                            <textarea id="body" name="body" rows="4" required=true maxlength=MESSAGE_MAX
                                                aria-invalid=move || feedback.get().error("body").map(|_| "true")
                                                aria-describedby=move || feedback.get().error("body").map(|_| "body-error")
                                            >{move || feedback.get().value("body")}</textarea>
                                        </div>
                                        <button type="submit" class="button primary">{t.message_submit}</button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! { <p>{t.messages_after_submit}</p> }.into_any()
                            }}
                        </section>
                        {d.can_withdraw.then(|| view! { <WithdrawForm id=i.id action=withdraw feedback=withdraw_feedback/> })}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// Withdraw an initiative, with a checkbox to confirm (works without JavaScript).
#[component]
fn WithdrawForm(
    id: i64,
    action: ServerAction<WithdrawInitiative>,
    feedback: Signal<FormFeedback>,
) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let error = move || feedback.get().error("confirm").map(|c| t.error_message(&c));
    view! {
        <section aria-labelledby="withdraw-title" class="danger-zone">
            <h2 id="withdraw-title">{w.withdraw_title}</h2>
            <ActionForm action attr:class="stack">
                <CsrfField/>
                <input type="hidden" name="id" value=id/>
                {move || error().map(|e| view! { <p class="error" id="confirm-error">{e}</p> })}
                <div class="check">
                    <input type="checkbox" id="confirm" name="confirm" value="yes"
                        aria-invalid=move || error().map(|_| "true")
                        aria-describedby=move || error().map(|_| "confirm-error")/>
                    <label for="confirm">{w.withdraw_confirm}</label>
                </div>
                <button type="submit" class="button danger">{w.withdraw_submit}</button>
            </ActionForm>
        </section>
    }
}

/// Connecting a payout account through Stripe's onboarding (a plain form to
/// `/me/payout-account`, which sends me to Stripe and Stripe back here).
#[component]
fn PayoutAccount(d: crate::api::me::OwnInitiativeView) -> impl IntoView {
    let g = use_texts().payments;
    let query = leptos_router::hooks::use_query_map();
    let came_back = query
        .read_untracked()
        .get("payout_account")
        .unwrap_or_default();
    let id = d.initiative.id;
    let returned = d
        .payout_returned
        .then(|| view! { <p class="notice">{g.payout_returned}</p> });
    let section = d.payout_account.clone().map(|status| {
        let text = match status.as_str() {
            "ready" => g.account_ready,
            "pending" => g.account_pending,
            _ => g.account_none,
        };
        let notice = match came_back.as_str() {
            "returned" if status != "ready" => Some(g.account_returned),
            "error" => Some(g.account_error),
            "off" => Some(g.payments_off),
            _ => None,
        };
        view! {
            <section aria-labelledby="payout-account-title">
                <h2 id="payout-account-title">{g.account_title}</h2>
                {notice.map(|n| view! { <div class="notice" role="status"><p>{n}</p></div> })}
                {if d.stripe_on {
                    view! {
                        <p>{text}</p>
                        {(status != "ready").then(|| view! {
                            <form method="post" action="/me/payout-account" class="stack">
                                <CsrfField/>
                                <input type="hidden" name="initiative" value=id/>
                                <button type="submit" class="button primary">
                                    {if status == "none" { g.account_connect } else { g.account_continue }}
                                </button>
                            </form>
                        })}
                    }.into_any()
                } else {
                    view! { <p>{g.payments_off}</p> }.into_any()
                }}
            </section>
        }
    });
    view! { {returned} {section} }
}

/// The bank account for a bank payout: what is on record (masked), and the
/// form to enter or change it. Only the initiator sees this.
#[component]
fn BankAccountForm(
    id: i64,
    account: OwnBankAccount,
    action: ServerAction<SaveBankAccount>,
    feedback: Signal<FormFeedback>,
) -> impl IntoView {
    use crate::domain::bank_account::{HOLDER_MAX, IBAN_INPUT_MAX};
    let b = use_texts().bank;
    let current = match (&account.masked, &account.holder) {
        (Some(masked), Some(holder)) => (b.current)(masked, holder),
        (Some(masked), None) => (b.current_unreadable)(masked),
        _ => b.none_yet.to_string(),
    };
    let holder = account.holder.clone().unwrap_or_default();
    view! {
        <section id="bank-account" aria-labelledby="bank-account-title">
            <h2 id="bank-account-title">{b.title}</h2>
            <p>{b.intro}</p>
            <p class="current-account">{current}</p>
            {if account.may_edit {
                view! {
                    <ErrorSummary feedback/>
                    <ActionForm action attr:class="stack boxed" attr:novalidate=true>
                        <CsrfField/>
                        <input type="hidden" name="id" value=id/>
                        <Field name="holder" label=b.holder_label hint=b.holder_hint.to_string()
                            autocomplete="name" maxlength=HOLDER_MAX as u64 initial=holder feedback/>
                        <Field name="iban" label=b.iban_label hint=b.iban_hint.to_string()
                            autocomplete="off" maxlength=IBAN_INPUT_MAX as u64 feedback/>
                        <button type="submit" class="button primary">{b.submit}</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p>{b.locked}</p> }.into_any()
            }}
        </section>
    }
}
