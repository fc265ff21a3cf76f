//! Someone invited who has no account yet signs up from the invitation and,
//! after verifying their address, comes back to it: through sign-in when
//! they were not signed in, straight on when they were. Only paths of this
//! site are followed.

use app::ssr::entities::co_initiators;
use buurtfonds_tests::{location, spawn_app_on, Backend, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const KEES: &str = "kees@buurtfonds.test";
/// Kees's draft in the demo data.
const DRAFT: &str = "Computercursus voor beginners";

/// Text of the newest mail, with quoted-printable soft breaks undone.
fn last_mail(app: &TestApp) -> String {
    app.outbox()
        .pop()
        .expect("a mail")
        .replace("=\r\n", "")
        .replace("=3D", "=")
}

/// The value following `marker` in `text`, up to whitespace or a quote.
fn after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len();
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect()
}

/// Kees invites `email` to his draft; returns the invitation's path.
async fn invite(app: &TestApp, email: &str) -> String {
    app.switch_to(KEES).await;
    let id = app.initiative(DRAFT).await.id;
    let resp = app
        .post_form(
            "/sf/invite_co_initiator",
            &[("id", &id.to_string()), ("email", email)],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/team"));
    let token = after(&last_mail(app), "/invites?token=");
    app.post_form("/sf/sign_out", &[]).await;
    format!("/invites?token={token}")
}

/// Signs `email` up from the sign-up page reached with `next`; returns the
/// verification link's path and query from the mail.
async fn sign_up(app: &TestApp, email: &str, next: &str) -> (reqwest::Response, String) {
    let resp = app
        .post_form(
            "/sf/sign_up",
            &[
                ("email", email),
                ("password", "een lang wachtwoord"),
                ("display_name", "Noor"),
                ("next", next),
            ],
        )
        .await;
    let link = after(&last_mail(app), "http://buurtfonds.test/verify?");
    (resp, format!("/verify?{link}"))
}

fn query_value(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn joined(app: &TestApp, email: &str) -> bool {
    co_initiators::Entity::find()
        .filter(co_initiators::Column::Email.eq(email))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn someone_who_signs_up_from_an_invitation_comes_back_to_it_after_verifying_on_both_databases(
) {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let invitation = invite(&app, "noor@example.org").await;
        let encoded = urlencoding::encode(&invitation).into_owned();

        // A visitor opening the invitation is sent to sign in, and from
        // there to sign up, both carrying where they were going.
        let resp = app.get(&invitation).await;
        assert_eq!(location(&resp), format!("/login?next={encoded}"));
        let login = app.text(&format!("/login?next={encoded}")).await;
        assert!(
            login.contains(&format!(r#"href="/signup?next={encoded}""#)),
            "the sign-up link keeps next"
        );
        let signup = app.text(&format!("/signup?next={encoded}")).await;
        assert!(signup.contains(&format!(r#"name="next" value="{invitation}""#)));

        // Signed up: to sign in with a "check your mail", and the mail's
        // link carries the invitation.
        let (resp, link) = sign_up(&app, "noor@example.org", &invitation).await;
        assert_eq!(
            location(&resp),
            format!("/login?notice=check_mail&next={encoded}")
        );
        assert_eq!(
            query_value(&link, "next").as_deref(),
            Some(invitation.as_str())
        );
        let verify = app.text(&link).await;
        assert!(verify.contains(&format!(r#"name="next" value="{invitation}""#)));

        // Not signed in when verifying: through sign-in and back.
        let token = query_value(&link, "token").unwrap();
        let resp = app
            .post_form(
                "/sf/verify_email",
                &[("token", &token), ("next", &invitation)],
            )
            .await;
        assert_eq!(
            location(&resp),
            format!("/login?notice=verified&next={encoded}")
        );
        let resp = app
            .post_form(
                "/sf/sign_in",
                &[
                    ("email", "noor@example.org"),
                    ("password", "een lang wachtwoord"),
                    ("next", &invitation),
                ],
            )
            .await;
        assert_eq!(location(&resp), invitation);
        let token = invitation.trim_start_matches("/invites?token=");
        let resp = app
            .post_form("/sf/accept_invitation", &[("token", token)])
            .await;
        assert!(resp.status().is_redirection());
        assert!(joined(&app, "noor@example.org").await);

        // Signed in (not yet verified) when verifying: straight on to it.
        let second = invite(&app, "sam@example.org").await;
        let (_, link) = sign_up(&app, "sam@example.org", &second).await;
        let resp = app
            .post_form(
                "/sf/sign_in",
                &[
                    ("email", "sam@example.org"),
                    ("password", "een lang wachtwoord"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(location(&resp), "/");
        let token = query_value(&link, "token").unwrap();
        let resp = app
            .post_form("/sf/verify_email", &[("token", &token), ("next", &second)])
            .await;
        assert_eq!(location(&resp), second);
        let token = second.trim_start_matches("/invites?token=");
        let resp = app
            .post_form("/sf/accept_invitation", &[("token", token)])
            .await;
        assert!(resp.status().is_redirection());
        assert!(joined(&app, "sam@example.org").await);

        // Another site is never followed: not in the mail, not after verifying.
        app.post_form("/sf/sign_out", &[]).await;
        let (resp, link) = sign_up(&app, "evi@example.org", "https://evil.example/x").await;
        assert_eq!(location(&resp), "/login?notice=check_mail");
        assert_eq!(query_value(&link, "next"), None);
        let token = query_value(&link, "token").unwrap();
        let resp = app
            .post_form(
                "/sf/verify_email",
                &[("token", &token), ("next", "/\t/evil.example/x")],
            )
            .await;
        assert_eq!(location(&resp), "/login?notice=verified");
    }
}
