//! `/propose`: the wizard. One question per screen; every step is a plain
//! form that saves into the draft on the server and goes on to the next
//! step, so closing the tab loses nothing and `/propose/:id` resumes at the
//! furthest step reached. Hydrated, the forms post without a page load and
//! the budget shows its running total while typing.

use crate::api::forms::FormFeedback;
use crate::api::propose::{
    is_step, load_draft, load_invitation, previous_step, propose_start, AcceptInvitation,
    ContinueTo, Draft, Intent, InviteCoInitiator, RemoveCoInitiator, RemovePhoto, SaveBudget,
    SaveIdea, SavePeople, SavePlace, SaveStrength, SubmitInitiative, ALT_MAX, BENEFICIARIES_MAX,
    CONTRIBUTION_KINDS, DESCRIPTION_MAX, ITEM_MAX, KINDS, LINE_DESCRIPTION_MAX, MAX_PHOTOS,
    OWN_INPUT_MAX, PHOTO_MAX_BYTES, STEPS, TITLE_MAX, WHO_MAX,
};
use crate::components::form::{
    csrf_token, feedback_for, kept_feedback, page_feedback, CsrfField, ErrorSummary, Field,
    KeptFeedback, Notice, TextArea,
};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use leptos::either::{EitherOf3, EitherOf8};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Every form of the wizard, so that the page reloads its draft after any of them.
#[derive(Clone, Copy)]
struct Actions {
    idea: ServerAction<SaveIdea>,
    people: ServerAction<SavePeople>,
    place: ServerAction<SavePlace>,
    strength: ServerAction<SaveStrength>,
    budget: ServerAction<SaveBudget>,
    remove_photo: ServerAction<RemovePhoto>,
    go_on: ServerAction<ContinueTo>,
    invite: ServerAction<InviteCoInitiator>,
    remove_invite: ServerAction<RemoveCoInitiator>,
    submit: ServerAction<SubmitInitiative>,
}

impl Actions {
    fn new() -> Actions {
        Actions {
            idea: ServerAction::new(),
            people: ServerAction::new(),
            place: ServerAction::new(),
            strength: ServerAction::new(),
            budget: ServerAction::new(),
            remove_photo: ServerAction::new(),
            go_on: ServerAction::new(),
            invite: ServerAction::new(),
            remove_invite: ServerAction::new(),
            submit: ServerAction::new(),
        }
    }

    /// Changes whenever any form was sent.
    fn version(&self) -> usize {
        [
            self.idea.version().get(),
            self.people.version().get(),
            self.place.version().get(),
            self.strength.version().get(),
            self.budget.version().get(),
            self.remove_photo.version().get(),
            self.go_on.version().get(),
            self.invite.version().get(),
            self.remove_invite.version().get(),
            self.submit.version().get(),
        ]
        .iter()
        .sum()
    }
}

/// `/propose`: start a new idea, or continue a draft.
#[component]
pub fn ProposePage() -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let drafts = Resource::new_blocking(|| (), |_| propose_start());
    let idea = ServerAction::<SaveIdea>::new();
    KeptFeedback::provide(|| ());
    view! {
        <Title text=w.title/>
        <section class="narrow">
            <h1>{w.title}</h1>
            <p>{w.intro}</p>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || drafts.get().map(|r| match r {
                    // Reached by a click while signed out: sign in first, as a
                    // direct load does (the server redirects that one).
                    Err(_) => view! {
                        <Redirect path="/login?next=%2Fpropose"/>
                        <p><a href="/login?next=%2Fpropose">{t.nav_sign_in}</a></p>
                    }.into_any(),
                    Ok(list) => view! {
                        {(!list.is_empty()).then(|| view! {
                            <section aria-labelledby="continue-title">
                                <h2 id="continue-title">{w.continue_title}</h2>
                                <ul class="plain-list">
                                    {list.into_iter().map(|d| view! {
                                        <li>
                                            <a href=format!("/propose/{}", d.id)>{d.title}</a>
                                            " "<span class="tag">{t.state(&d.state)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                        <h2>{w.new_title}</h2>
                        <p class="progress">{(w.step_of)(1, STEPS.len(), w.steps[0])}</p>
                        <IdeaStep draft=None action=idea/>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// `/propose/:id`: back to the furthest step reached.
#[component]
pub fn ResumeDraftPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let draft = Resource::new_blocking(id, load_draft);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || draft.get().map(|r| match r {
                Ok(d) => view! { <Redirect path=format!("/propose/{}/{}", d.id, d.step)/> }.into_any(),
                Err(_) => view! { <crate::pages::not_found::NotFound/> }.into_any(),
            })}
        </Suspense>
    }
}

/// `/propose/:id/:step`: one step of a draft.
#[component]
pub fn WizardPage() -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let params = use_params_map();
    let actions = Actions::new();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let step = Memo::new(move |_| params.read().get("step").unwrap_or_default());
    KeptFeedback::provide(move || (id.get(), step.get()));
    let draft = Resource::new_blocking(
        move || (id.get(), step.get(), actions.version()),
        |(id, _, _)| load_draft(id),
    );
    view! {
        <section class="narrow wizard">
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || draft.get().map(|r| {
                    let step = step.get();
                    // Each kind of page is its own branch, so moving between
                    // them replaces the view instead of patching one into the
                    // other (see `step_view`).
                    match r {
                        Err(_) => EitherOf3::A(view! { <crate::pages::not_found::NotFound/> }),
                        Ok(_) if !is_step(&step) => EitherOf3::A(view! { <crate::pages::not_found::NotFound/> }),
                        Ok(d) if !d.editable => EitherOf3::B(view! {
                            <Title text=d.title.clone()/>
                            <h1>{d.title.clone()}</h1>
                            <p>{w.not_editable}</p>
                            <p><a href=format!("/me/initiatives/{}", d.id)>{w.to_initiative}</a></p>
                        }),
                        Ok(d) => {
                            let n = STEPS.iter().position(|s| *s == step).unwrap_or(0) + 1;
                            let name = w.step(&step);
                            let back = previous_step(&step).map(|p| format!("/propose/{}/{p}", d.id));
                            EitherOf3::C(view! {
                                <Title text=format!("{name} · {}", w.title)/>
                                <p class="progress">{(w.step_of)(n, STEPS.len(), name)}</p>
                                <h1>{name}</h1>
                                {step_view(&step, d, actions)}
                                <p class="hint">{w.saved_note}</p>
                                {back.map(|href| view! { <p><a href=href>{w.back}</a></p> })}
                            })
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One step's form. Each step is its own branch: going to the next step
/// replaces the view, while a change within a step (a line added) patches it.
/// With type-erased views every step has the same type, and patching one
/// step's fragment into another's of a different length panics in tachys
/// 0.2.19 ("could not find parent element"); the branch avoids that patch.
fn step_view(
    step: &str,
    d: Draft,
    a: Actions,
) -> EitherOf8<AnyView, AnyView, AnyView, AnyView, AnyView, AnyView, AnyView, AnyView> {
    match step {
        "idea" => EitherOf8::A(view! { <IdeaStep draft=Some(d) action=a.idea/> }.into_any()),
        "people" => EitherOf8::B(view! { <PeopleStep draft=d action=a.people/> }.into_any()),
        "place" => EitherOf8::C(view! { <PlaceStep draft=d action=a.place/> }.into_any()),
        "strength" => EitherOf8::D(view! { <StrengthStep draft=d actions=a/> }.into_any()),
        "budget" => EitherOf8::E(view! { <BudgetStep draft=d actions=a/> }.into_any()),
        "photos" => EitherOf8::F(view! { <PhotosStep draft=d actions=a/> }.into_any()),
        "team" => EitherOf8::G(view! { <TeamStep draft=d actions=a/> }.into_any()),
        _ => EitherOf8::H(view! { <ReviewStep draft=d actions=a/> }.into_any()),
    }
}

/// An amount as a person would type it again: `12,50` in Dutch, `12.50` in English.
pub(crate) fn plain_euros(cents: i64, lang: crate::i18n::Lang) -> String {
    let sep = if lang == crate::i18n::Lang::Nl {
        ','
    } else {
        '.'
    };
    format!("{}{sep}{:02}", cents / 100, cents % 100)
}

/// The hidden field with the draft's id.
#[component]
fn DraftId(id: i64) -> impl IntoView {
    view! { <input type="hidden" name="id" value=id/> }
}

#[component]
fn IdeaStep(draft: Option<Draft>, action: ServerAction<SaveIdea>) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let feedback = page_feedback("idea", action);
    let saved_kind = draft.as_ref().map(|d| d.kind.clone()).unwrap_or_default();
    let kind = move || {
        let f = feedback.get();
        if f.is_ok() {
            saved_kind.clone()
        } else {
            f.value("kind")
        }
    };
    let kind_error = move || feedback.get().error("kind").map(|c| t.error_message(&c));
    view! {
        <ErrorSummary feedback/>
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <CsrfField/>
            {draft.as_ref().map(|d| view! { <DraftId id=d.id/> })}
            <fieldset class="choices" aria-describedby=move || kind_error().map(|_| "kind-error")>
                <legend>{w.kind_legend}</legend>
                {move || kind_error().map(|e| view! { <p class="error" id="kind-error">{e}</p> })}
                {KINDS.iter().zip(w.kind_hints).map(|(k, label)| {
                    let id = format!("kind-{k}");
                    let kind = kind.clone();
                    view! {
                        <div class="check">
                            <input type="radio" id=id.clone() name="kind" value=*k
                                checked=move || kind() == *k/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Field name="title" label=w.title_label hint=w.title_hint.to_string() maxlength=TITLE_MAX
                initial=draft.as_ref().map(|d| d.title.clone()).unwrap_or_default() feedback/>
            <TextArea name="description" label=w.description_label hint=w.description_hint
                maxlength=DESCRIPTION_MAX rows=6
                initial=draft.as_ref().map(|d| d.description.clone()).unwrap_or_default() feedback/>
            <button type="submit" class="button primary">{w.next}</button>
        </ActionForm>
    }
}

#[component]
fn PeopleStep(draft: Draft, action: ServerAction<SavePeople>) -> impl IntoView {
    let w = use_texts().wizard;
    let feedback = page_feedback("people", action);
    view! {
        <ErrorSummary feedback/>
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <CsrfField/>
            <DraftId id=draft.id/>
            <TextArea name="beneficiaries" label=w.beneficiaries_label hint=w.beneficiaries_hint
                maxlength=BENEFICIARIES_MAX rows=3 initial=draft.beneficiaries.clone() feedback/>
            <Field name="participants" label=w.participants_label hint=w.participants_hint.to_string()
                kind="number" inputmode="numeric"
                initial=draft.participants.map(|p| p.to_string()).unwrap_or_default() feedback/>
            <button type="submit" class="button primary">{w.next}</button>
        </ActionForm>
    }
}

#[component]
fn PlaceStep(draft: Draft, action: ServerAction<SavePlace>) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let lang = use_lang();
    let feedback = page_feedback("place", action);
    let saved = draft
        .neighbourhood_id
        .map(|n| n.to_string())
        .unwrap_or_default();
    let chosen = move || {
        let f = feedback.get();
        if f.is_ok() {
            saved.clone()
        } else {
            f.value("neighbourhood_id")
        }
    };
    let error = move || {
        feedback
            .get()
            .error("neighbourhood_id")
            .map(|c| t.error_message(&c))
    };
    let max_note = draft
        .max_grant_cents
        .map(|c| (w.max_grant_note)(&lang.money(Cents(c))));
    view! {
        <ErrorSummary feedback/>
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <CsrfField/>
            <DraftId id=draft.id/>
            <div class="field" class:has-error=move || error().is_some()>
                <label for="neighbourhood_id">{w.neighbourhood_label}</label>
                <p class="hint" id="neighbourhood_id-hint">{w.neighbourhood_hint}" "{max_note}</p>
                {move || error().map(|e| view! { <p class="error" id="neighbourhood_id-error">{e}</p> })}
                <select id="neighbourhood_id" name="neighbourhood_id"
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby=move || if error().is_some() { "neighbourhood_id-hint neighbourhood_id-error" } else { "neighbourhood_id-hint" }>
                    <option value="">{w.choose}</option>
                    {draft.neighbourhoods.iter().map(|n| {
                        let value = n.id.to_string();
                        let label = match n.max_grant_cents {
                            Some(_) => n.name.clone(),
                            None => format!("{} {}", n.name, w.no_fund_now),
                        };
                        let chosen = chosen.clone();
                        let v = value.clone();
                        view! { <option value=value selected=move || chosen() == v>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <Field name="starts_on" label=w.starts_on_label kind="date"
                initial=draft.starts_on.clone().unwrap_or_default() feedback/>
            <Field name="ends_on" label=w.ends_on_label kind="date" hint=w.ends_on_hint.to_string() required=false
                initial=draft.ends_on.clone().unwrap_or_default() feedback/>
            <button type="submit" class="button primary">{w.next}</button>
        </ActionForm>
    }
}

/// Step 4, "Wie helpt er": one form, so that every button (remove a helper,
/// add one, go on) saves everything typed on the page.
#[component]
fn StrengthStep(draft: Draft, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let lang = use_lang();
    let feedback = page_feedback("strength", actions.strength);
    let chosen = move || feedback.get().value("contribution_kind");
    let kind_error = move || {
        feedback
            .get()
            .error("contribution_kind")
            .map(|c| t.error_message(&c))
    };
    let id = draft.id;
    view! {
        <p>{w.strength_intro}</p>
        <ErrorSummary feedback/>
        <ActionForm action=actions.strength attr:class="stack" attr:novalidate=true>
            <CsrfField/>
            <DraftId id/>
            // Enter in a helper's field adds the helper: the first submit
            // button of a form is the one Enter presses.
            <DefaultButton intent=Intent::Add label=w.add_helper/>
            <h2>{w.strength_lines_title}</h2>
            {if draft.strength.is_empty() {
                view! { <p>{w.strength_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="lines">
                        {draft.strength.clone().into_iter().map(|l| view! {
                            <li>
                                <span><strong>{l.who.clone()}</strong>" · "{w.contribution(&l.contribution_kind)}
                                    ": "{l.description.clone()}
                                    {l.value_cents.map(|c| format!(" ({})", lang.money(Cents(c))))}</span>
                                <button type="submit" name="intent" value=Intent::Remove(l.id).value() class="link-button">
                                    {w.remove}<span class="visually-hidden">": "{l.who.clone()}</span>
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="stack boxed">
                <Field name="who" label=w.who_label hint=w.who_hint.to_string() maxlength=WHO_MAX required=false feedback/>
                <div class="field" class:has-error=move || kind_error().is_some()>
                    <label for="contribution_kind">{w.contribution_label}</label>
                    {move || kind_error().map(|e| view! { <p class="error" id="contribution_kind-error">{e}</p> })}
                    <select id="contribution_kind" name="contribution_kind"
                        aria-invalid=move || kind_error().map(|_| "true")
                        aria-describedby=move || kind_error().map(|_| "contribution_kind-error")>
                        {CONTRIBUTION_KINDS.iter().zip(w.contribution_kinds).map(|(k, label)| {
                            view! { <option value=*k selected=move || chosen() == *k>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Field name="line_description" label=w.line_description_label maxlength=LINE_DESCRIPTION_MAX required=false feedback/>
                <Field name="value" label=w.value_label hint=w.value_hint.to_string() inputmode="decimal" required=false feedback/>
                <button type="submit" name="intent" value=Intent::Add.value() class="button">{w.add_helper}</button>
            </div>
            <TextArea name="own_input" label=w.own_input_label hint=w.own_input_hint maxlength=OWN_INPUT_MAX
                rows=4 initial=draft.own_input.clone() feedback/>
            <p class="hint">{w.helper_saved_on_next}</p>
            <button type="submit" name="intent" value=Intent::Next.value() class="button primary">{w.next}</button>
        </ActionForm>
    }
}

/// The button that Enter presses in a form with several: first in the form,
/// out of sight and out of the tab order (the visible button does the same).
#[component]
fn DefaultButton(intent: Intent, label: &'static str) -> impl IntoView {
    view! {
        <button type="submit" name="intent" value=intent.value() class="visually-hidden"
            tabindex="-1" aria-hidden="true">{label}</button>
    }
}

/// Step 5, the budget: one form, so that every button (remove a line, add
/// one, go on) saves everything typed on the page.
#[component]
fn BudgetStep(draft: Draft, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let lang = use_lang();
    let feedback = page_feedback("budget", actions.budget);
    let id = draft.id;
    let total = draft.budget_total();
    let (typed, set_typed) = signal(String::new());
    let with_new = move || {
        Cents::parse_euros(&typed.get())
            .ok()
            .filter(|c| c.0 > 0)
            .map(|c| (w.total_with_new)(&lang.money(Cents(total + c.0))))
    };
    let amount_error = move || feedback.get().error("amount").map(|c| t.error_message(&c));
    let typed_amount = move || {
        let f = feedback.get();
        if f.shows_typed() {
            f.value("amount")
        } else {
            String::new()
        }
    };
    let asked_hint = match draft.max_grant_cents {
        Some(max) => (w.amount_asked_hint)(&lang.money(Cents(max))),
        None => w.amount_asked_hint_no_fund.to_string(),
    };
    let euros = move |cents: i64| {
        if cents == 0 {
            String::new()
        } else {
            plain_euros(cents, lang)
        }
    };
    view! {
        <p>{w.budget_intro}</p>
        <ErrorSummary feedback/>
        <ActionForm action=actions.budget attr:class="stack" attr:novalidate=true>
            <CsrfField/>
            <DraftId id/>
            // Enter in the new line's fields adds the line.
            <DefaultButton intent=Intent::Add label=w.add_line/>
            <h2>{w.budget_lines_title}</h2>
            {if draft.budget.is_empty() {
                view! { <p>{w.budget_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="lines">
                        {draft.budget.clone().into_iter().map(|l| view! {
                            <li>
                                <span>{l.item.clone()}": "<strong>{lang.money(Cents(l.cents))}</strong></span>
                                <button type="submit" name="intent" value=Intent::Remove(l.id).value() class="link-button">
                                    {w.remove}<span class="visually-hidden">": "{l.item.clone()}</span>
                                </button>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="total"><strong>{(w.total)(&lang.money(Cents(total)))}</strong></p>
            <div class="stack boxed">
                <Field name="item" label=w.item_label maxlength=ITEM_MAX required=false feedback/>
                <div class="field" class:has-error=move || amount_error().is_some()>
                    <label for="amount">{w.amount_label}</label>
                    <p class="hint" id="amount-hint">{w.amount_hint}</p>
                    {move || amount_error().map(|e| view! { <p class="error" id="amount-error">{e}</p> })}
                    <input id="amount" name="amount" type="text" inputmode="decimal"
                        aria-invalid=move || amount_error().map(|_| "true")
                        aria-describedby=move || if amount_error().is_some() { "amount-hint amount-error running-total" } else { "amount-hint running-total" }
                        // Both: the attribute for the server's HTML (without
                        // JavaScript), the property once hydrated.
                        value=typed_amount prop:value=typed_amount
                        on:input=move |ev| set_typed.set(event_target_value(&ev))/>
                    <p class="hint" id="running-total" aria-live="polite">{with_new}</p>
                </div>
                <button type="submit" name="intent" value=Intent::Add.value() class="button">{w.add_line}</button>
            </div>
            <Field name="own_contribution" label=w.own_contribution_label hint=w.own_contribution_hint.to_string()
                inputmode="decimal" required=false initial=euros(draft.own_contribution_cents) feedback/>
            <Field name="amount_asked" label=w.amount_asked_label hint=asked_hint inputmode="decimal"
                initial=euros(draft.amount_asked_cents) feedback/>
            <p class="hint">{w.line_saved_on_next}</p>
            <button type="submit" name="intent" value=Intent::Next.value() class="button primary">{w.next}</button>
        </ActionForm>
    }
}

/// "Go on to `step`" for steps without a question of their own.
#[component]
fn ContinueButton(id: i64, step: &'static str, action: ServerAction<ContinueTo>) -> impl IntoView {
    let w = use_texts().wizard;
    view! {
        <ActionForm action attr:class="stack">
            <CsrfField/>
            <DraftId id/>
            <input type="hidden" name="step" value=step/>
            <button type="submit" class="button primary">{w.next}</button>
        </ActionForm>
    }
}

#[component]
fn PhotosStep(draft: Draft, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let feedback = kept_feedback("photo");
    let id = draft.id;
    let full = draft.photos.len() >= MAX_PHOTOS;
    let upload_url = format!(
        "/propose/{id}/upload?csrf_token={}",
        urlencoding::encode(&csrf_token())
    );
    let photo_error = move || feedback.get().error("photo").map(|c| t.error_message(&c));
    view! {
        <p>{w.photos_intro}</p>
        {(!draft.photos.is_empty()).then(|| view! {
            <ul class="photos">
                {draft.photos.clone().into_iter().map(|p| view! {
                    <li>
                        <img src=format!("/photos/{}/thumb", p.id) alt=p.alt.clone() width="160"/>
                        <ActionForm action=actions.remove_photo attr:class="inline">
                            <CsrfField/>
                            <DraftId id/>
                            <input type="hidden" name="photo_id" value=p.id/>
                            <button type="submit" class="link-button">{w.remove}<span class="visually-hidden">": "{p.alt.clone()}</span></button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {if full {
            view! { <p>{w.photos_full}</p> }.into_any()
        } else {
            view! {
                <ErrorSummary feedback/>
                <form method="post" enctype="multipart/form-data" action=upload_url class="stack boxed" novalidate>
                    <div class="field" class:has-error=move || photo_error().is_some()>
                        <label for="photo">{w.photo_label}</label>
                        <p class="hint" id="photo-hint">{(w.photo_hint)(MAX_PHOTOS, PHOTO_MAX_BYTES / 1024 / 1024)}</p>
                        {move || photo_error().map(|e| view! { <p class="error" id="photo-error">{e}</p> })}
                        <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"
                            aria-invalid=move || photo_error().map(|_| "true")
                            aria-describedby=move || if photo_error().is_some() { "photo-hint photo-error" } else { "photo-hint" }/>
                    </div>
                    <Field name="alt" label=w.alt_label hint=w.alt_hint.to_string() maxlength=ALT_MAX feedback/>
                    <button type="submit" class="button">{w.upload}</button>
                </form>
            }.into_any()
        }}
        <ContinueButton id step="team" action=actions.go_on/>
    }
}

#[component]
fn TeamStep(draft: Draft, actions: Actions) -> impl IntoView {
    let w = use_texts().wizard;
    let feedback = page_feedback("invite", actions.invite);
    let id = draft.id;
    view! {
        <p>{w.team_intro}</p>
        {if draft.co_initiators.is_empty() {
            view! { <p>{w.team_none}</p> }.into_any()
        } else {
            view! {
                <ul class="lines">
                    {draft.co_initiators.clone().into_iter().map(|c| view! {
                        <li>
                            <span>{c.email.clone()}" · "{if c.accepted { w.joined } else { w.invited }}</span>
                            {draft.is_initiator.then(|| view! {
                                <ActionForm action=actions.remove_invite attr:class="inline">
                                    <CsrfField/>
                                    <DraftId id/>
                                    <input type="hidden" name="co_initiator_id" value=c.id/>
                                    <button type="submit" class="link-button">{w.remove}<span class="visually-hidden">": "{c.email.clone()}</span></button>
                                </ActionForm>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {draft.is_initiator.then(|| view! {
            <ErrorSummary feedback/>
            <ActionForm action=actions.invite attr:class="stack boxed" attr:novalidate=true>
                <CsrfField/>
                <DraftId id/>
                <Field name="email" label=w.invite_email_label kind="email" autocomplete="off" feedback/>
                <button type="submit" class="button">{w.invite_submit}</button>
            </ActionForm>
        })}
        <ContinueButton id step="review" action=actions.go_on/>
    }
}

#[component]
fn ReviewStep(draft: Draft, actions: Actions) -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let lang = use_lang();
    let feedback = page_feedback("submit", actions.submit);
    let id = draft.id;
    let change = move |step: &str| {
        view! { <a class="change" href=format!("/propose/{id}/{step}")>{w.change}<span class="visually-hidden">": "{w.step(step)}</span></a> }
    };
    let missing = draft.missing.clone();
    let refused = move || {
        let f = feedback.get();
        (!f.is_ok()).then_some(f.errors)
    };
    let resubmit = draft.state == "changes_requested";
    view! {
        <p>{w.review_intro}</p>
        {(!missing.is_empty()).then(|| view! {
            <div class="error-summary" role="status">
                <p>{w.review_missing}</p>
                <ul>
                    {missing.iter().map(|m| view! {
                        <li><a href=format!("/propose/{id}/{}", m.field)>{t.error_message(&m.code)}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <dl class="review">
            <dt>{w.steps[0]}{change("idea")}</dt>
            <dd><strong>{draft.title.clone()}</strong>" ("{t.kind(&draft.kind)}")"<br/>{draft.description.clone()}</dd>
            <dt>{w.steps[1]}{change("people")}</dt>
            <dd>{draft.beneficiaries.clone()}{draft.participants.map(|p| format!(" — {}", (w.participants_value)(p)))}</dd>
            <dt>{w.steps[2]}{change("place")}</dt>
            <dd>{draft.neighbourhood_name.clone().unwrap_or_default()}" "{draft.starts_on.as_deref().map(|d| lang.date(d))}
                {draft.ends_on.as_deref().map(|d| format!(" – {}", lang.date(d)))}</dd>
            <dt>{w.steps[5]}{change("photos")}</dt>
            <dd>
                <ul class="photos">
                    {draft.photos.clone().into_iter().map(|p| view! {
                        <li><img src=format!("/photos/{}/thumb", p.id) alt=p.alt.clone() width="120"/></li>
                    }).collect_view()}
                </ul>
            </dd>
            <dt>{w.steps[6]}{change("team")}</dt>
            <dd>{draft.co_initiators.clone().into_iter().map(|c| c.email.clone()).collect::<Vec<_>>().join(", ")}</dd>
        </dl>
        <div class="side-by-side">
            <section aria-labelledby="own-strength-title">
                <h2 id="own-strength-title">{w.own_strength_title}{change("strength")}</h2>
                <p>{draft.own_input.clone()}</p>
                <ul>
                    {draft.strength.clone().into_iter().map(|l| view! {
                        <li><strong>{l.who.clone()}</strong>" · "{w.contribution(&l.contribution_kind)}": "{l.description.clone()}
                            {l.value_cents.map(|c| format!(" ({})", lang.money(Cents(c))))}</li>
                    }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="grant-title">
                <h2 id="grant-title">{w.grant_title}{change("budget")}</h2>
                <ul>
                    {draft.budget.clone().into_iter().map(|l| view! {
                        <li>{l.item.clone()}": "{lang.money(Cents(l.cents))}</li>
                    }).collect_view()}
                </ul>
                <p>{(w.total)(&lang.money(Cents(draft.budget_total())))}</p>
                <p>{w.own_contribution_label}" "{lang.money(Cents(draft.own_contribution_cents))}</p>
                <p><strong>{w.amount_asked_label}" "{lang.money(Cents(draft.amount_asked_cents))}</strong></p>
            </section>
        </div>
        {move || refused().map(|errors| view! {
            <div class="error-summary" role="alert">
                <p>{t.error_summary}</p>
                <ul>{errors.into_iter().map(|e| view! { <li>{t.error_message(&e.code)}</li> }).collect_view()}</ul>
            </div>
        })}
        {draft.is_initiator.then(|| view! {
            <ActionForm action=actions.submit attr:class="stack">
                <CsrfField/>
                <DraftId id/>
                <button type="submit" class="button primary">{if resubmit { w.resubmit } else { w.submit }}</button>
            </ActionForm>
        })}
    }
}

/// `/invites?token=…`: join an initiative as co-initiator.
#[component]
pub fn InvitePage() -> impl IntoView {
    let t = use_texts();
    let w = t.wizard;
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let invitation = Resource::new_blocking(move || token.get(), load_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    let feedback: Signal<FormFeedback> = feedback_for("invitation", accept);
    view! {
        <Title text=w.invitation_title/>
        <section class="narrow">
            <h1>{w.invitation_title}</h1>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || invitation.get().map(|r| match r {
                    Err(_) => view! { <p>{w.invitation_gone}</p> }.into_any(),
                    Ok(i) => view! {
                        <p>{(w.invitation_text)(&i.invited_by, &i.initiative_title)}</p>
                        <ErrorSummary feedback/>
                        {move || feedback.get().error("token").map(|c| view! { <p class="error" id="token-error">{t.error_message(&c)}</p> })}
                        <ActionForm action=accept attr:class="stack">
                            <CsrfField/>
                            <input type="hidden" name="token" value=token.get()/>
                            <button type="submit" class="button primary">{w.invitation_accept}</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// A notice for `?notice=` on a page, if it is one we know.
#[component]
pub fn QueryNotice() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    move || {
        query
            .read()
            .get("notice")
            .and_then(|code| t.notice(&code))
            .map(|text| view! { <Notice text/> })
    }
}
