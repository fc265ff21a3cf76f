//! The account pages as a browser without JavaScript uses them: plain form
//! posts, errors next to the fields after the redirect, sessions in cookies,
//! CSRF and rate limits.

use app::ssr::entities::{sessions, users};
use buurtfonds_tests::{spawn_app, spawn_app_configured, Backend, TestApp};
use sea_orm::{EntityTrait, PaginatorTrait};

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// The link of `path` in the newest mail.
fn link(app: &TestApp, path: &str) -> String {
    let mail = app.outbox().pop().expect("a mail");
    let unfolded = mail.replace("=\r\n", "").replace("=3D", "=");
    let start = unfolded
        .find(&format!("http://buurtfonds.test{path}?"))
        .expect("link");
    unfolded[start + "http://buurtfonds.test".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn bad_sign_up_input_comes_back_next_to_the_fields_and_stores_nothing() {
    let app = spawn_app().await;
    let resp = app
        .post_form(
            "/sf/sign_up",
            &[
                ("email", "noor-at-home"),
                ("password", "kort"),
                ("display_name", "Noor"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 302);
    assert_eq!(location(&resp), "/signup");

    let html = app.get("/signup").await.text().await.unwrap();
    assert!(html.contains("Er klopt iets niet"), "error summary");
    let error_at = html
        .find(r#"id="email-error""#)
        .expect("an error tied to the e-mail field");
    assert!(
        html[error_at..]
            .starts_with(r#"id="email-error" class="error">Vul een geldig e-mailadres in"#)
            || html[..error_at].ends_with(r#"class="error" "#)
    );
    assert!(html.contains("Vul een geldig e-mailadres in"));
    assert!(html.contains(r#"aria-invalid="true""#));
    assert!(html.contains(r#"aria-describedby="password-hint password-error""#));
    assert!(
        html.contains(r#"value="noor-at-home""#),
        "typed values come back"
    );
    assert!(
        !html.contains(r#"value="kort""#),
        "passwords never come back"
    );
    assert_eq!(users::Entity::find().count(&app.db).await.unwrap(), 0);

    let again = app.get("/signup").await.text().await.unwrap();
    assert!(!again.contains("Er klopt iets niet"), "shown once");
}

#[tokio::test]
async fn sign_up_verify_sign_in_and_out_without_javascript() {
    let app = spawn_app().await;
    let signup = app
        .post_form(
            "/sf/sign_up",
            &[
                ("email", "noor@example.org"),
                ("password", "een lang wachtwoord"),
                ("display_name", "Noor"),
            ],
        )
        .await;
    assert_eq!(location(&signup), "/login?notice=check_mail");
    let login_page = app
        .get("/login?notice=check_mail")
        .await
        .text()
        .await
        .unwrap();
    assert!(login_page.contains("We hebben je een mail gestuurd"));

    let verify = link(&app, "/verify");
    let page = app.get(&verify).await.text().await.unwrap();
    assert!(page.contains("Bevestig mijn e-mailadres"));
    let token = verify.split("token=").nth(1).unwrap().to_string();
    let confirmed = app
        .post_form("/sf/verify_email", &[("token", &token)])
        .await;
    assert_eq!(location(&confirmed), "/login?notice=verified");
    let reused = app
        .post_form("/sf/verify_email", &[("token", &token)])
        .await;
    assert!(location(&reused).starts_with("/verify?token="));
    assert!(app
        .get(&location(&reused))
        .await
        .text()
        .await
        .unwrap()
        .contains("Deze link werkt niet"));

    let wrong = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "noor@example.org"),
                ("password", "verkeerd wachtwoord"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(location(&wrong), "/login?next=%2F");
    assert!(app
        .get("/login")
        .await
        .text()
        .await
        .unwrap()
        .contains("Het e-mailadres of het wachtwoord klopt niet"));
    assert_eq!(sessions::Entity::find().count(&app.db).await.unwrap(), 0);

    let ok = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "Noor@Example.org"),
                ("password", "een lang wachtwoord"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(location(&ok), "/");
    let cookie = ok.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("bf_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    assert!(!cookie.contains("Secure"), "plain http in tests");
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Ingelogd als Noor"));

    // Signing in again rotates the session: still one.
    app.post_form(
        "/sf/sign_in",
        &[
            ("email", "noor@example.org"),
            ("password", "een lang wachtwoord"),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(sessions::Entity::find().count(&app.db).await.unwrap(), 1);

    let out = app.post_form("/sf/sign_out", &[]).await;
    assert_eq!(location(&out), "/");
    assert_eq!(sessions::Entity::find().count(&app.db).await.unwrap(), 0);
    assert!(!app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Ingelogd als"));
}

#[tokio::test]
async fn next_never_leaves_the_site() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let resp = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "maria@buurtfonds.test"),
                ("password", "buurtfonds-demo"),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/");
}

#[tokio::test]
async fn sign_in_without_a_csrf_token_is_refused_and_starts_nothing() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let resp = app
        .client
        .post(format!("{}/sf/sign_in", app.address))
        .header("accept", "text/html")
        .form(&[
            ("email", "maria@buurtfonds.test"),
            ("password", "buurtfonds-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap().starts_with("bf_session")));
    assert_eq!(sessions::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn too_many_attempts_for_one_account_get_429_with_retry_after() {
    let app = spawn_app_configured(Backend::Sqlite, |s| s.auth_attempts_per_account = 3)
        .await
        .unwrap();
    app.seed_demo().await;
    for _ in 0..3 {
        let r = app
            .post_form(
                "/sf/sign_in",
                &[
                    ("email", "maria@buurtfonds.test"),
                    ("password", "raden raden"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status(), 302);
    }
    let limited = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "MARIA@buurtfonds.test"),
                ("password", "buurtfonds-demo"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    // Without JavaScript: a page in the site's style, with the wait and the way back.
    assert!(limited.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = limited.text().await.unwrap();
    assert!(
        page.contains("Te veel pogingen") && page.contains("seconden"),
        "{page}"
    );
    assert!(page.contains(r#"<link rel="stylesheet" href="/pkg/buurtfonds.css">"#));
    assert!(page.contains(r#"href="/""#) && page.contains("Terug naar het formulier"));
    // The hydrated page's own call: the form's feedback, the address kept.
    let token = app.csrf_token().await;
    let called = app
        .client
        .post(format!("{}/sf/sign_in", app.address))
        .header("referer", format!("{}/login", app.address))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "maria@buurtfonds.test"),
            ("password", "buurtfonds-demo"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(called.headers().contains_key("retry-after"));
    let feedback: app::api::forms::FormFeedback = called.json().await.unwrap();
    assert_eq!(
        feedback.error("email").as_deref(),
        Some("too_many_attempts")
    );
    assert_eq!(feedback.value("email"), "maria@buurtfonds.test");
    assert_eq!(
        sessions::Entity::find().count(&app.db).await.unwrap(),
        0,
        "not even the right password gets in"
    );

    // Another account from the same address is not held up by Maria's limit.
    let other = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "ahmed@buurtfonds.test"),
                ("password", "buurtfonds-demo"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(other.status(), 302);
}

/// The decoy bypass: a fresh random `token` field placed before `email`
/// gave every attempt a bucket of its own. Every account a form names counts.
#[tokio::test]
async fn a_decoy_token_before_the_address_does_not_escape_the_limit() {
    let app = spawn_app_configured(Backend::Sqlite, |s| s.auth_attempts_per_account = 3)
        .await
        .unwrap();
    app.seed_demo().await;
    for n in 0..3 {
        let decoy = format!("decoy-{n}");
        let r = app
            .post_form(
                "/sf/sign_in",
                &[
                    ("token", &decoy),
                    ("email", "maria@buurtfonds.test"),
                    ("password", "raden raden"),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status(), 302);
    }
    let limited = app
        .post_form(
            "/sf/sign_in",
            &[
                ("token", "decoy-last"),
                ("email", "maria@buurtfonds.test"),
                ("password", "buurtfonds-demo"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(limited.status(), 429);
    assert_eq!(sessions::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn too_many_attempts_from_one_address_get_429() {
    let app = spawn_app_configured(Backend::Sqlite, |s| s.auth_attempts_per_ip = 2)
        .await
        .unwrap();
    for email in ["a@example.org", "b@example.org"] {
        let r = app
            .post_form("/sf/forgot_password", &[("email", email)])
            .await;
        assert_eq!(r.status(), 302);
    }
    let limited = app
        .post_form("/sf/forgot_password", &[("email", "c@example.org")])
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_password_reset_through_the_pages() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let asked = app
        .post_form("/sf/forgot_password", &[("email", "lotte@buurtfonds.test")])
        .await;
    assert_eq!(location(&asked), "/login?notice=reset_sent");
    let reset = link(&app, "/reset");
    assert!(app
        .get(&reset)
        .await
        .text()
        .await
        .unwrap()
        .contains("Nieuw wachtwoord kiezen"));
    let token = reset.split("token=").nth(1).unwrap().to_string();

    let short = app
        .post_form(
            "/sf/reset_password",
            &[("token", &token), ("password", "kort")],
        )
        .await;
    assert!(location(&short).starts_with("/reset?token="));
    assert!(app
        .get(&location(&short))
        .await
        .text()
        .await
        .unwrap()
        .contains("Kies een wachtwoord van 10 tot 128 tekens"));

    let done = app
        .post_form(
            "/sf/reset_password",
            &[("token", &token), ("password", "mijn nieuwe wachtwoord")],
        )
        .await;
    assert_eq!(location(&done), "/login?notice=password_changed");
    let twice = app
        .post_form(
            "/sf/reset_password",
            &[("token", &token), ("password", "nog een ander wachtwoord")],
        )
        .await;
    assert!(app
        .get(&location(&twice))
        .await
        .text()
        .await
        .unwrap()
        .contains("Deze link werkt niet"));
    let signed_in = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "lotte@buurtfonds.test"),
                ("password", "mijn nieuwe wachtwoord"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(location(&signed_in), "/");
}
