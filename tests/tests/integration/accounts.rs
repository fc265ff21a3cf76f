//! Accounts on real databases: sign-up with a verification mail in the
//! outbox, sign-in that tells nothing about who has an account, and reset
//! links that expire and work once.

use app::api::accounts::{NewPasswordForm, SignupForm};
use app::i18n::Lang;
use app::ssr::entities::{auth_tokens, users};
use app::ssr::services::accounts::{self, AccountError, MailContext};
use app::ssr::session;
use buurtfonds_tests::{spawn_app_on, Backend, TestApp};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn form(email: &str) -> SignupForm {
    SignupForm {
        email: email.into(),
        password: "een lang wachtwoord".into(),
        display_name: "Noor".into(),
    }
}

/// The link of `path` (`/verify` or `/reset`) in the newest mail.
fn link_in_last_mail(app: &TestApp, path: &str) -> String {
    let mail = app.outbox().pop().expect("a mail in the outbox");
    let unfolded = mail.replace("=\r\n", "").replace("=3D", "=");
    let start = unfolded
        .find(&format!("http://buurtfonds.test{path}?token="))
        .expect("link in mail");
    unfolded[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn sign_up_mails_a_verification_link_that_works_once() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let state = app.state();
        let mail = MailContext {
            mailer: &state.mailer,
            public_url: &state.public_url,
            lang: Lang::Nl,
        };

        accounts::sign_up(&app.db, form("  Noor@Example.org "), &mail)
            .await
            .unwrap();
        let user = users::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(
            user.email, "noor@example.org",
            "addresses are stored trimmed and lower-case"
        );
        assert!(user.verified_at.is_none());
        assert!(user.password_hash.unwrap().starts_with("$argon2id$"));
        let eml = app.outbox().pop().unwrap();
        assert!(eml.contains("To: noor@example.org"));
        assert!(eml.contains("Bevestig je e-mailadres"));

        let token = token_of(&link_in_last_mail(&app, "/verify"));
        assert_eq!(
            accounts::verify_email(&app.db, &token).await.unwrap(),
            user.id
        );
        let verified = users::Entity::find_by_id(user.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(verified.verified_at.is_some(), "{backend:?}");
        assert!(
            matches!(
                accounts::verify_email(&app.db, &token).await,
                Err(AccountError::BadToken)
            ),
            "used once"
        );
        assert!(matches!(
            accounts::verify_email(&app.db, "made-up").await,
            Err(AccountError::BadToken)
        ));
    }
}

#[tokio::test]
async fn bad_sign_up_input_names_the_fields_and_stores_nothing() {
    let app = spawn_app_on(Backend::Sqlite).await.unwrap();
    let state = app.state();
    let mail = MailContext {
        mailer: &state.mailer,
        public_url: &state.public_url,
        lang: Lang::En,
    };
    let bad = SignupForm {
        email: "noor-at-example".into(),
        password: "kort".into(),
        display_name: " ".into(),
    };
    let Err(AccountError::Invalid(errors)) = accounts::sign_up(&app.db, bad, &mail).await else {
        panic!("expected field errors");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["display_name", "email", "password"]);
    assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 0);
    assert!(app.outbox().is_empty());
}

#[tokio::test]
async fn signing_up_twice_reveals_nothing_and_mails_the_owner() {
    let app = spawn_app_on(Backend::Sqlite).await.unwrap();
    let state = app.state();
    let mail = MailContext {
        mailer: &state.mailer,
        public_url: &state.public_url,
        lang: Lang::En,
    };
    accounts::sign_up(&app.db, form("noor@example.org"), &mail)
        .await
        .unwrap();
    accounts::sign_up(&app.db, form("NOOR@example.org"), &mail)
        .await
        .unwrap();
    assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 1);
    let last = app.outbox().pop().unwrap();
    assert!(last.contains("You already have a Buurtfonds account"));
}

#[tokio::test]
async fn a_wrong_address_and_a_wrong_password_get_the_same_answer() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let ok = accounts::sign_in(&app.db, "Maria@buurtfonds.test", "buurtfonds-demo")
            .await
            .unwrap();
        assert_eq!(ok.display_name, "Maria Jansen");
        let wrong_password = accounts::sign_in(&app.db, "maria@buurtfonds.test", "raden")
            .await
            .unwrap_err();
        let wrong_address = accounts::sign_in(&app.db, "nobody@buurtfonds.test", "buurtfonds-demo")
            .await
            .unwrap_err();
        assert_eq!(wrong_password.to_string(), wrong_address.to_string());
        assert!(matches!(wrong_password, AccountError::BadCredentials));
        assert!(matches!(wrong_address, AccountError::BadCredentials));
    }
}

#[tokio::test]
async fn a_reset_link_works_once_ends_every_session_and_expires() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let state = app.state();
        let mail = MailContext {
            mailer: &state.mailer,
            public_url: &state.public_url,
            lang: Lang::Nl,
        };
        let maria = accounts::sign_in(&app.db, "maria@buurtfonds.test", "buurtfonds-demo")
            .await
            .unwrap();
        let session_token = session::create(&app.db, maria.id, None).await.unwrap();
        assert!(session::find_user(&app.db, &session_token)
            .await
            .unwrap()
            .is_some());

        accounts::request_password_reset(&app.db, "nobody@buurtfonds.test", &mail)
            .await
            .unwrap();
        assert!(
            app.outbox().is_empty(),
            "no mail for an address without an account"
        );

        accounts::request_password_reset(&app.db, "maria@buurtfonds.test", &mail)
            .await
            .unwrap();
        let token = token_of(&link_in_last_mail(&app, "/reset"));
        let new = NewPasswordForm {
            token: token.clone(),
            password: "een nieuw wachtwoord".into(),
        };
        assert_eq!(
            accounts::reset_password(&app.db, new.clone())
                .await
                .unwrap(),
            maria.id
        );
        assert!(
            accounts::sign_in(&app.db, "maria@buurtfonds.test", "een nieuw wachtwoord")
                .await
                .is_ok()
        );
        assert!(
            accounts::sign_in(&app.db, "maria@buurtfonds.test", "buurtfonds-demo")
                .await
                .is_err()
        );
        assert!(
            session::find_user(&app.db, &session_token)
                .await
                .unwrap()
                .is_none(),
            "{backend:?}: sessions ended"
        );
        assert!(
            matches!(
                accounts::reset_password(&app.db, new).await,
                Err(AccountError::BadToken)
            ),
            "works once"
        );

        // An expired link does nothing.
        accounts::request_password_reset(&app.db, "maria@buurtfonds.test", &mail)
            .await
            .unwrap();
        let token = token_of(&link_in_last_mail(&app, "/reset"));
        auth_tokens::Entity::update_many()
            .col_expr(
                auth_tokens::Column::ExpiresAt,
                Expr::value(chrono::Utc::now().fixed_offset() - chrono::Duration::minutes(1)),
            )
            .filter(auth_tokens::Column::UsedAt.is_null())
            .exec(&app.db)
            .await
            .unwrap();
        let late = NewPasswordForm {
            token,
            password: "nog een wachtwoord".into(),
        };
        assert!(matches!(
            accounts::reset_password(&app.db, late).await,
            Err(AccountError::BadToken)
        ));
        assert!(
            accounts::sign_in(&app.db, "maria@buurtfonds.test", "een nieuw wachtwoord")
                .await
                .is_ok()
        );
    }
}
