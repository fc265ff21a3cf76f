//! "Download all my data": everything Buurtfonds holds about one person, as JSON.

use crate::ssr::entities::{
    budget_lines, co_initiators, events, initiatives, messages, notifications, own_strength_lines,
    payouts, users,
};
use crate::ssr::error::ServiceError;
use crate::ssr::sealing::SealingKey;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

/// The person's account, their initiatives (started or joined) with lines,
/// history and payouts, the bank accounts they entered (in full: opening
/// them is written to the audit log), the messages they wrote, and their
/// notifications.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown user, a database error, or a
/// bank account that cannot be opened.
pub async fn my_data(
    db: &DatabaseConnection,
    key: &SealingKey,
    user_id: i64,
) -> Result<Value, ServiceError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let joined: Vec<i64> = co_initiators::Entity::find()
        .filter(co_initiators::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.initiative_id)
        .collect();
    let own = initiatives::Entity::find()
        .filter(
            Condition::any()
                .add(initiatives::Column::InitiatorId.eq(user_id))
                .add(initiatives::Column::Id.is_in(joined)),
        )
        .order_by_asc(initiatives::Column::Id)
        .all(db)
        .await?;
    let mut list = Vec::new();
    for i in own {
        let strength = own_strength_lines::Entity::find()
            .filter(own_strength_lines::Column::InitiativeId.eq(i.id))
            .order_by_asc(own_strength_lines::Column::Position)
            .all(db)
            .await?;
        let budget = budget_lines::Entity::find()
            .filter(budget_lines::Column::InitiativeId.eq(i.id))
            .order_by_asc(budget_lines::Column::Position)
            .all(db)
            .await?;
        let history = events::Entity::find()
            .filter(events::Column::InitiativeId.eq(i.id))
            .order_by_asc(events::Column::Id)
            .all(db)
            .await?;
        // What was paid out, and to which account (masked), for initiatives I started.
        let paid = if i.initiator_id == user_id {
            payouts::Entity::find()
                .filter(payouts::Column::InitiativeId.eq(i.id))
                .order_by_asc(payouts::Column::Id)
                .all(db)
                .await?
        } else {
            Vec::new()
        };
        list.push(json!({
            "id": i.id,
            "role": if i.initiator_id == user_id { "initiator" } else { "co_initiator" },
            "kind": i.kind,
            "title": i.title,
            "description": i.description,
            "beneficiaries": i.beneficiaries,
            "own_input": i.own_input,
            "starts_on": i.starts_on.map(|d| d.to_string()),
            "ends_on": i.ends_on.map(|d| d.to_string()),
            "state": i.state,
            "amount_asked_cents": i.amount_asked_cents,
            "amount_approved_cents": i.amount_approved_cents,
            "created_at": i.created_at.to_rfc3339(),
            "own_strength": strength.iter().map(|s| json!({
                "who": s.who, "kind": s.contribution_kind, "description": s.description, "value_cents": s.value_cents,
            })).collect::<Vec<_>>(),
            "budget_lines": budget.iter().map(|b| json!({ "item": b.item, "cents": b.cents })).collect::<Vec<_>>(),
            "payouts": paid.iter().map(|p| json!({
                "cents": p.cents, "method": p.method, "state": p.state,
                "reference": p.reference, "transferred_on": p.transferred_on.map(|d| d.to_string()),
                "account_holder": p.account_holder, "account_masked": p.account_masked,
            })).collect::<Vec<_>>(),
            "history": history.iter().map(|e| json!({
                "at": e.at.to_rfc3339(), "action": e.action, "to_state": e.to_state,
                "amount_cents": e.amount_cents, "reason": e.reason,
            })).collect::<Vec<_>>(),
        }));
    }
    let written = messages::Entity::find()
        .filter(messages::Column::AuthorId.eq(user_id))
        .order_by_asc(messages::Column::Id)
        .all(db)
        .await?;
    let notes = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .order_by_asc(notifications::Column::Id)
        .all(db)
        .await?;
    let bank_accounts = super::bank_accounts::export_for_user(db, key, user_id).await?;
    Ok(json!({
        "exported_at": chrono::Utc::now().to_rfc3339(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "public_name": user.public_name,
            "public_name_consent": user.public_name_consent,
            "role": user.role,
            "language": user.locale,
            "phone": user.phone,
            "address": user.address,
            "verified_at": user.verified_at.map(|d| d.to_rfc3339()),
            "created_at": user.created_at.to_rfc3339(),
        },
        "initiatives": list,
        "bank_accounts": bank_accounts,
        "messages_written": written.iter().map(|m| json!({
            "initiative_id": m.initiative_id, "at": m.created_at.to_rfc3339(), "body": m.body,
        })).collect::<Vec<_>>(),
        "notifications": notes.iter().map(|n| json!({
            "kind": n.kind, "initiative_id": n.initiative_id, "at": n.created_at.to_rfc3339(),
            "read_at": n.read_at.map(|d| d.to_rfc3339()),
        })).collect::<Vec<_>>(),
    }))
}
