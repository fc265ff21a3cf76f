//! An initiative's message thread and its history, as residents and
//! coaches both see them.

use crate::api::me::{MessageItem, TimelineItem};
use crate::domain::Cents;
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;

/// The messages, oldest first, mine marked; or a line saying there are none.
#[component]
pub fn MessageList(messages: Vec<MessageItem>) -> impl IntoView {
    let t = use_texts();
    if messages.is_empty() {
        return view! { <p>{t.messages_empty}</p> }.into_any();
    }
    view! {
        <ol class="messages">
            {messages.into_iter().map(|m| view! {
                <li class:mine=m.mine>
                    <p class="meta">{m.author_name}" · "{m.at}</p>
                    <p>{m.body}</p>
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// The steps of the lifecycle, with who took them, amounts and reasons.
#[component]
pub fn Timeline(items: Vec<TimelineItem>) -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <ol class="timeline">
            {items.into_iter().map(|e| view! {
                <li>
                    <span class="when">{lang.date(&e.on)}</span>" "
                    <strong>{t.action(&e.action)}</strong>
                    {e.actor_name.map(|n| view! { " — "{n} })}
                    {e.amount_cents.map(|c| view! { " ("{lang.money(Cents(c))}")" })}
                    {e.reason.map(|r| view! { <p class="reason">{r}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
}
