//! Server-side sessions and CSRF tokens.
//!
//! A session is a random token in an HttpOnly, SameSite=Lax cookie; the
//! database keeps only its SHA-256, so a leaked table gives no way in. A new
//! session is made at every sign-in (the old one is dropped), and all of a
//! person's sessions end when their password is reset.
//!
//! CSRF: a random token in the `bf_csrf` cookie must come back with every
//! state-changing request, in the `csrf_token` form field, the `csrf_token`
//! query parameter or the `X-CSRF-Token` header (double submit). Another site
//! can make a browser send the cookie, but cannot read it to fill the field.

use crate::domain::Role;
use crate::ssr::entities::{sessions, users};
use crate::ssr::error::ServiceError;
use crate::ssr::services::now;
use base64::Engine;
use chrono::Duration;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "bf_session";
pub const CSRF_COOKIE: &str = "bf_csrf";
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 14;

/// This request's CSRF token, put into the request's extensions by the CSRF
/// middleware so that pages can render it into their forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

/// The signed-in person, as every server function sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
}

/// A new random token: 32 bytes, URL-safe base64.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, hex: what the database stores.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two tokens in constant time.
pub fn tokens_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Starts a session for `user_id` and returns its token (for the cookie).
///
/// # Errors
/// A database error.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    user_agent: Option<String>,
) -> Result<String, ServiceError> {
    let token = new_token();
    let at = now();
    sessions::Entity::insert(sessions::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(user_id),
        csrf_token: Set(new_token().chars().take(64).collect()),
        created_at: Set(at),
        last_seen_at: Set(at),
        expires_at: Set(at + Duration::days(SESSION_DAYS)),
        user_agent: Set(user_agent.map(|u| u.chars().take(200).collect())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// The person behind a session token, if the session exists and has not expired.
///
/// # Errors
/// A database error.
pub async fn find_user<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<CurrentUser>, ServiceError> {
    let Some((session, Some(user))) = sessions::Entity::find_by_id(hash_token(token))
        .find_also_related(users::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at < now() || user.erased_at.is_some() {
        return Ok(None);
    }
    Ok(Some(CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: Role::parse(&user.role).unwrap_or(Role::Resident),
        verified: user.verified_at.is_some(),
    }))
}

/// Ends one session.
///
/// # Errors
/// A database error.
pub async fn destroy<C: ConnectionTrait>(db: &C, token: &str) -> Result<(), ServiceError> {
    sessions::Entity::delete_by_id(hash_token(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a person (after a password reset).
///
/// # Errors
/// A database error.
pub async fn destroy_all<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), ServiceError> {
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value. `secure` adds `Secure` (served over HTTPS).
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    http_only: bool,
    secure: bool,
) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_eq!(hash_token("x").len(), 64);
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &new_token()));
        assert!(!tokens_match("short", "longer"));
    }

    #[test]
    fn cookies_are_read_and_written() {
        assert_eq!(
            cookie_value("a=1; bf_session=abc; c=3", SESSION_COOKIE),
            Some("abc")
        );
        assert_eq!(cookie_value("a=1", SESSION_COOKIE), None);
        let c = set_cookie(SESSION_COOKIE, "t", 60, true, true);
        assert_eq!(
            c,
            "bf_session=t; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure"
        );
    }
}
