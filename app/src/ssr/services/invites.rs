//! Co-initiators: the initiator invites people by e-mail; the link in the
//! mail carries a random token (only its SHA-256 is stored) that the invitee
//! accepts once. An invitation is bound to the address it was sent to (the
//! invitee accepts signed in with that address, verified), lasts
//! [`INVITE_DAYS`] days and only while the initiative can be edited (a draft,
//! or sent back with questions) — so nobody joins the team of an initiative
//! that is being decided. Only verified accounts invite, at most
//! [`INVITES_PER_DAY`] a day per initiative, and the mail's subject carries
//! no text of the inviter's.

use super::{now, propose};
use crate::api::propose::{Invitation, MAX_CO_INITIATORS};
use crate::domain::State;
use crate::ssr::entities::{co_initiators, initiatives, users};
use crate::ssr::error::ServiceError;
use crate::ssr::session::{hash_token, new_token, CurrentUser};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// How many invitations one initiative may send in 24 hours.
pub const INVITES_PER_DAY: u64 = 5;

fn invalid(field: &'static str, code: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: code.into(),
    }
}

/// Invites `email` to start initiative `id` together with `inviter`, and mails the link.
///
/// # Errors
/// `email`: already invited, the inviter's own address, or the list is full;
/// not found / not allowed (only the initiator invites); a database error.
pub async fn invite(
    state: &AppState,
    inviter: &CurrentUser,
    id: i64,
    email: &str,
) -> Result<(), ServiceError> {
    let initiative = propose::editable(&state.db, inviter.id, id).await?;
    if initiative.initiator_id != inviter.id {
        return Err(crate::domain::TransitionError::Forbidden.into());
    }
    if !inviter.verified {
        return Err(invalid("email", "verify_first"));
    }
    if email == inviter.email.to_lowercase() {
        return Err(invalid("email", "invite_self"));
    }
    let day_ago = now() - chrono::Duration::hours(24);
    let today = co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .filter(co_initiators::Column::InvitedAt.gt(day_ago))
        .count(&state.db)
        .await?;
    if today >= INVITES_PER_DAY {
        return Err(invalid("email", "invites_per_day"));
    }
    let existing = co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .all(&state.db)
        .await?;
    if existing.iter().any(|c| c.email == email) {
        return Err(invalid("email", "already_invited"));
    }
    if existing.len() >= MAX_CO_INITIATORS {
        return Err(invalid("email", "too_many_invites"));
    }
    let token = new_token();
    co_initiators::Entity::insert(co_initiators::ActiveModel {
        initiative_id: Set(id),
        email: Set(email.to_string()),
        user_id: Set(None),
        invited_at: Set(now()),
        accepted_at: Set(None),
        token_hash: Set(Some(hash_token(&token))),
        ..Default::default()
    })
    .exec_without_returning(&state.db)
    .await?;
    // The invitee's language is unknown: the inviter's is the best guess.
    let lang = crate::ssr::request::lang();
    let t = lang.texts();
    let link = format!(
        "{}/invites?token={}",
        state.public_url,
        urlencoding::encode(&token)
    );
    state
        .mailer
        .send(
            &state.db,
            email,
            t.mail_invite_subject,
            &(t.mail_invite_body)(&inviter.display_name, &initiative.title, &link),
        )
        .await
}

/// Takes back an invitation or removes a co-initiator (the initiator only).
///
/// # Errors
/// Not found / not allowed; a database error.
pub async fn remove(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    co_initiator_id: i64,
) -> Result<(), ServiceError> {
    let initiative = propose::editable(db, user_id, id).await?;
    if initiative.initiator_id != user_id {
        return Err(crate::domain::TransitionError::Forbidden.into());
    }
    let removed = co_initiators::Entity::delete_many()
        .filter(co_initiators::Column::Id.eq(co_initiator_id))
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

async fn open(
    db: &DatabaseConnection,
    token: &str,
) -> Result<(co_initiators::Model, initiatives::Model), ServiceError> {
    let invite = co_initiators::Entity::find()
        .filter(co_initiators::Column::TokenHash.eq(hash_token(token.trim())))
        .filter(co_initiators::Column::AcceptedAt.is_null())
        .filter(co_initiators::Column::InvitedAt.gt(now() - chrono::Duration::days(INVITE_DAYS)))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let initiative = initiatives::Entity::find_by_id(invite.initiative_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Joining is for the plan, not for the decision about it.
    let open = [State::Draft.as_str(), State::ChangesRequested.as_str()];
    if !open.contains(&initiative.state.as_str()) {
        return Err(ServiceError::NotFound);
    }
    Ok((invite, initiative))
}

/// What an invitation link is about.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown or used link; a database error.
pub async fn find(db: &DatabaseConnection, token: &str) -> Result<Invitation, ServiceError> {
    let (_, initiative) = open(db, token).await?;
    let inviter = users::Entity::find_by_id(initiative.initiator_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(Invitation {
        initiative_title: initiative.title,
        invited_by: inviter.display_name,
    })
}

/// Accepts an invitation for `user`; returns the initiative's id. Works once.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown, used or expired link (or an
/// initiative no longer open to join); `token` when the person's address is
/// not verified, is not the invited one, or is already on the team; a
/// database error.
pub async fn accept(
    db: &DatabaseConnection,
    user: &CurrentUser,
    token: &str,
) -> Result<i64, ServiceError> {
    let user_id = user.id;
    let (invite, initiative) = open(db, token).await?;
    if !user.verified {
        return Err(invalid("token", "verify_first"));
    }
    if user.email.to_lowercase() != invite.email.to_lowercase() {
        return Err(invalid("token", "invite_other_address"));
    }
    let already = initiative.initiator_id == user_id
        || co_initiators::Entity::find()
            .filter(co_initiators::Column::InitiativeId.eq(initiative.id))
            .filter(co_initiators::Column::UserId.eq(user_id))
            .count(db)
            .await?
            > 0;
    if already {
        return Err(invalid("token", "already_on_team"));
    }
    let accepted = co_initiators::Entity::update_many()
        .col_expr(co_initiators::Column::UserId, Expr::value(Some(user_id)))
        .col_expr(co_initiators::Column::AcceptedAt, Expr::value(Some(now())))
        .col_expr(
            co_initiators::Column::TokenHash,
            Expr::value(Option::<String>::None),
        )
        .filter(co_initiators::Column::Id.eq(invite.id))
        .filter(co_initiators::Column::AcceptedAt.is_null())
        .exec(db)
        .await?;
    if accepted.rows_affected != 1 {
        return Err(ServiceError::NotFound);
    }
    Ok(initiative.id)
}
