//! Accounts: sign-up with e-mail verification, sign-in, and password reset by
//! a link that expires and works once. Tokens are random; only their SHA-256
//! is stored.

use crate::api::accounts::{field_errors, FieldError, NewPasswordForm, SignupForm};
use crate::domain::Role;
use crate::i18n::Lang;
use crate::ssr::auth::{hash_password, verify_password};
use crate::ssr::entities::{auth_tokens, users};
use crate::ssr::error::ServiceError;
use crate::ssr::mail::Mailer;
use crate::ssr::services::now;
use crate::ssr::session::{self, hash_token, new_token, CurrentUser};
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use validator::Validate;

/// How long a verification link works.
pub const VERIFY_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;

const VERIFY: &str = "verify_email";
const RESET: &str = "reset_password";

/// Why an account step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Fields to correct, with message codes.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Wrong e-mail address or wrong password: deliberately the same answer.
    #[error("e-mail address or password is wrong")]
    BadCredentials,
    /// The link is unknown, used or expired.
    #[error("this link does not work (any more)")]
    BadToken,
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(e: sea_orm::DbErr) -> Self {
        AccountError::Service(e.into())
    }
}

/// Where links in e-mails point, and in which language the mail is written.
#[derive(Debug, Clone)]
pub struct MailContext<'a> {
    pub mailer: &'a Mailer,
    pub public_url: &'a str,
    pub lang: Lang,
}

fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Signs a resident up and mails a verification link. When the address
/// already has an account, that account's owner gets a mail instead and the
/// answer is the same, so nobody learns who has an account.
///
/// # Errors
/// [`AccountError::Invalid`] with the fields to correct, or a service error.
pub async fn sign_up(
    db: &DatabaseConnection,
    form: SignupForm,
    mail: &MailContext<'_>,
) -> Result<(), AccountError> {
    sign_up_returning_to(db, form, mail, "/").await
}

/// [`sign_up`] for someone on their way to `next` (a path on this site,
/// such as an invitation): the verification link carries it, so that
/// after confirming the address they come back there.
///
/// # Errors
/// As [`sign_up`].
pub async fn sign_up_returning_to(
    db: &DatabaseConnection,
    form: SignupForm,
    mail: &MailContext<'_>,
    next: &str,
) -> Result<(), AccountError> {
    let form = SignupForm {
        email: normalise_email(&form.email),
        display_name: form.display_name.trim().to_string(),
        password: form.password,
    };
    let errors = field_errors(form.validate());
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let t = mail.lang.texts();
    if let Some(existing) = users::Entity::find()
        .filter(users::Column::Email.eq(&form.email))
        .one(db)
        .await?
    {
        let link = format!("{}/forgot", mail.public_url);
        mail.mailer
            .send(
                db,
                &existing.email,
                t.mail_exists_subject,
                &(t.mail_exists_body)(&existing.display_name, &link),
            )
            .await?;
        return Ok(());
    }
    let hash = hash_password(&form.password).map_err(|e| ServiceError::Invalid {
        field: "password",
        message: e.to_string(),
    })?;
    let txn = db.begin().await?;
    let at = now();
    let user_id = users::Entity::insert(users::ActiveModel {
        email: Set(form.email.clone()),
        password_hash: Set(Some(hash)),
        display_name: Set(form.display_name.clone()),
        public_name_consent: Set(false),
        role: Set(Role::Resident.as_str().into()),
        locale: Set(mail.lang.code().into()),
        stripe_payouts_enabled: Set(false),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let token = issue_token(&txn, user_id, VERIFY, Duration::hours(VERIFY_HOURS)).await?;
    let mut link = format!("{}/verify?token={token}", mail.public_url);
    let next = crate::api::accounts::safe_next(next);
    if next != "/" {
        link.push_str(&format!("&next={}", urlencoding::encode(&next)));
    }
    mail.mailer
        .send(
            &txn,
            &form.email,
            t.mail_verify_subject,
            &(t.mail_verify_body)(&form.display_name, &link),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks the address behind a verification link as verified.
///
/// # Errors
/// [`AccountError::BadToken`] for an unknown, used or expired link.
pub async fn verify_email(db: &DatabaseConnection, token: &str) -> Result<i64, AccountError> {
    let txn = db.begin().await?;
    let user_id = use_token(&txn, token, VERIFY).await?;
    users::Entity::update_many()
        .col_expr(users::Column::VerifiedAt, Expr::value(Some(now())))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::VerifiedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Checks an e-mail address and password. A wrong address and a wrong
/// password take the same time and get the same answer.
///
/// # Errors
/// [`AccountError::BadCredentials`], or a service error.
pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<CurrentUser, AccountError> {
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(normalise_email(email)))
        .filter(users::Column::ErasedAt.is_null())
        .one(db)
        .await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    // Verify against a real hash even for unknown addresses, so timing tells nothing.
    let ok = match &hash {
        Some(h) => verify_password(password, h),
        None => {
            let _ = verify_password(password, &DUMMY_HASH);
            false
        }
    };
    match user {
        Some(u) if ok => Ok(CurrentUser {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            role: Role::parse(&u.role).unwrap_or(Role::Resident),
            verified: u.verified_at.is_some(),
        }),
        _ => Err(AccountError::BadCredentials),
    }
}

/// A real argon2id hash of a random password, for refusals that take as long as checks.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&new_token()).unwrap_or_default());

/// Mails a reset link when the address has an account; answers the same either way.
///
/// # Errors
/// A service error.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    email: &str,
    mail: &MailContext<'_>,
) -> Result<(), AccountError> {
    let Some(user) = users::Entity::find()
        .filter(users::Column::Email.eq(normalise_email(email)))
        .filter(users::Column::ErasedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let txn = db.begin().await?;
    let token = issue_token(&txn, user.id, RESET, Duration::hours(RESET_HOURS)).await?;
    let t = mail.lang.texts();
    let link = format!("{}/reset?token={token}", mail.public_url);
    mail.mailer
        .send(
            &txn,
            &user.email,
            t.mail_reset_subject,
            &(t.mail_reset_body)(&user.display_name, &link),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with a reset link, which then stops working; every
/// session of the account ends.
///
/// # Errors
/// [`AccountError::Invalid`] for a too short or long password,
/// [`AccountError::BadToken`] for an unknown, used or expired link.
pub async fn reset_password(
    db: &DatabaseConnection,
    form: NewPasswordForm,
) -> Result<i64, AccountError> {
    let errors = field_errors(form.validate());
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let hash = hash_password(&form.password).map_err(|e| ServiceError::Invalid {
        field: "password",
        message: e.to_string(),
    })?;
    let txn = db.begin().await?;
    let user_id = use_token(&txn, &form.token, RESET).await?;
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    // The link came by mail: that proves the address (an invited coach's first password).
    users::Entity::update_many()
        .col_expr(users::Column::VerifiedAt, Expr::value(Some(now())))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::VerifiedAt.is_null())
        .exec(&txn)
        .await?;
    // The bank accounts go; the masked copies on payout records stay.
    super::bank_accounts::erase_for_user(&txn, user_id).await?;
    session::destroy_all(&txn, user_id).await?;
    txn.commit().await?;
    Ok(user_id)
}

async fn issue_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    purpose: &str,
    valid_for: Duration,
) -> Result<String, ServiceError> {
    let token = new_token();
    auth_tokens::Entity::insert(auth_tokens::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.into()),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now() + valid_for),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// Marks a token used, once: the guarded update lets exactly one use win.
async fn use_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: &str,
) -> Result<i64, AccountError> {
    let hash = hash_token(token.trim());
    let Some(row) = auth_tokens::Entity::find()
        .filter(auth_tokens::Column::TokenHash.eq(&hash))
        .filter(auth_tokens::Column::Purpose.eq(purpose))
        .one(db)
        .await?
    else {
        return Err(AccountError::BadToken);
    };
    if row.expires_at < now() {
        return Err(AccountError::BadToken);
    }
    let used = auth_tokens::Entity::update_many()
        .col_expr(auth_tokens::Column::UsedAt, Expr::value(Some(now())))
        .filter(auth_tokens::Column::Id.eq(row.id))
        .filter(auth_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if used.rows_affected != 1 {
        return Err(AccountError::BadToken);
    }
    Ok(row.user_id)
}

/// How long the link in a coach's invitation works.
pub const COACH_INVITE_DAYS: i64 = 7;

/// Invites `email` as neighbourhood coach: a new account without a password
/// (or an existing resident made coach) and a mail with a link to choose a
/// password. Admins stay admins.
///
/// # Errors
/// [`AccountError::Invalid`] for a bad address or name, or a service error.
pub async fn invite_coach(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    mail: &MailContext<'_>,
) -> Result<i64, AccountError> {
    let email = normalise_email(email);
    let mut errors = Vec::new();
    if !validator::ValidateEmail::validate_email(&email) || email.len() > 254 {
        errors.push(FieldError {
            field: "email".into(),
            code: "email_invalid".into(),
        });
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(FieldError {
            field: "display_name".into(),
            code: "name_length".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let txn = db.begin().await?;
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .filter(users::Column::ErasedAt.is_null())
        .one(&txn)
        .await?;
    let id = match existing {
        Some(u) => {
            if u.role == Role::Resident.as_str() {
                users::Entity::update_many()
                    .col_expr(users::Column::Role, Expr::value(Role::Coach.as_str()))
                    .col_expr(users::Column::UpdatedAt, Expr::value(now()))
                    .filter(users::Column::Id.eq(u.id))
                    .exec(&txn)
                    .await?;
            }
            u.id
        }
        None => {
            users::Entity::insert(users::ActiveModel {
                email: Set(email.clone()),
                password_hash: Set(None),
                display_name: Set(name.to_string()),
                public_name_consent: Set(false),
                role: Set(Role::Coach.as_str().into()),
                locale: Set(mail.lang.code().into()),
                stripe_payouts_enabled: Set(false),
                created_at: Set(now()),
                updated_at: Set(now()),
                ..Default::default()
            })
            .exec(&txn)
            .await?
            .last_insert_id
        }
    };
    let token = issue_token(&txn, id, RESET, Duration::days(COACH_INVITE_DAYS)).await?;
    let t = mail.lang.texts();
    let link = format!("{}/reset?token={token}", mail.public_url);
    mail.mailer
        .send(
            &txn,
            &email,
            t.admin.mail_coach_subject,
            &(t.admin.mail_coach_body)(name, &link),
        )
        .await?;
    txn.commit().await?;
    Ok(id)
}

/// Erases an account after the password is confirmed. Personal data goes:
/// e-mail address, name, contact and bank details, sessions, tokens,
/// notifications, team memberships. Open initiatives are withdrawn first
/// (their coach hears of it). What must stay stays, without a name: the
/// texts of public initiatives, the event log and every money record — a
/// bank payout keeps the holder and masked IBAN it went to, until the
/// retention period ends (see `bank_accounts::purge_expired`).
///
/// # Errors
/// [`AccountError::BadCredentials`] for a wrong password, or a service error.
pub async fn erase(
    state: &crate::ssr::AppState,
    user_id: i64,
    password: &str,
) -> Result<(), AccountError> {
    use crate::domain::{Action, State};
    use crate::ssr::entities::{co_initiators, initiatives, notifications};
    let db = &state.db;
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.erased_at.is_none())
        .ok_or(AccountError::BadCredentials)?;
    let ok = user
        .password_hash
        .as_deref()
        .is_some_and(|h| verify_password(password, h));
    if !ok {
        return Err(AccountError::BadCredentials);
    }
    let open = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::ChangesRequested,
        State::AwaitingCosign,
    ]
    .map(|s| s.as_str());
    let to_withdraw: Vec<i64> = initiatives::Entity::find()
        .filter(initiatives::Column::InitiatorId.eq(user_id))
        .filter(initiatives::Column::State.is_in(open))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    for id in to_withdraw {
        super::notify::perform(state, id, Some(user_id), Action::Withdraw, None).await?;
    }
    let txn = db.begin().await?;
    let at = now();
    users::Entity::update_many()
        .col_expr(
            users::Column::Email,
            Expr::value(format!("erased-{user_id}@erased.invalid")),
        )
        .col_expr(
            users::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::DisplayName, Expr::value(String::new()))
        .col_expr(
            users::Column::PublicName,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::PublicNameConsent, Expr::value(false))
        .col_expr(users::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(users::Column::Address, Expr::value(Option::<String>::None))
        .col_expr(users::Column::Iban, Expr::value(Option::<String>::None))
        .col_expr(
            users::Column::StripeAccountId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(users::Column::ErasedAt, Expr::value(Some(at)))
        .col_expr(users::Column::UpdatedAt, Expr::value(at))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    // The bank accounts go; the masked copies on payout records stay.
    super::bank_accounts::erase_for_user(&txn, user_id).await?;
    session::destroy_all(&txn, user_id).await?;
    auth_tokens::Entity::delete_many()
        .filter(auth_tokens::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    notifications::Entity::delete_many()
        .filter(notifications::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    co_initiators::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(co_initiators::Column::UserId.eq(user_id))
                .add(co_initiators::Column::Email.eq(user.email.clone())),
        )
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(user_id, "account erased");
    Ok(())
}
