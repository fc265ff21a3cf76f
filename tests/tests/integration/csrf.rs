//! Every state-changing request must bring the CSRF token of its cookie back.

use buurtfonds_tests::spawn_app;

#[tokio::test]
async fn a_post_without_the_token_is_refused_and_with_it_passes() {
    let app = spawn_app().await;
    // The first page view hands out the token cookie.
    let home = app.get("/").await;
    let set_cookie = home.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.starts_with("bf_csrf=") && set_cookie.contains("SameSite=Lax"));
    let token = set_cookie
        .trim_start_matches("bf_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(
        app.get("/").await.headers().get("set-cookie").is_none(),
        "handed out once"
    );

    let url = format!("{}/sf/sign_out", app.address);
    let without = app
        .client
        .post(&url)
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 403);
    assert!(without.text().await.unwrap().contains("The form expired"));

    let wrong = app
        .client
        .post(&url)
        .form(&[("csrf_token", "x".repeat(43))])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);

    let in_form = app
        .client
        .post(&url)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        in_form.status().is_success() || in_form.status().is_redirection(),
        "{:?}",
        in_form.status()
    );

    let in_header = app
        .client
        .post(&url)
        .header("x-csrf-token", &token)
        .header("content-type", "application/x-www-form-urlencoded")
        // The header is what counts; the function still takes its (unchecked) field.
        .body("csrf_token=from-header")
        .send()
        .await
        .unwrap();
    assert!(in_header.status().is_success() || in_header.status().is_redirection());

    // Another client without the cookie cannot use a stolen token value alone.
    let stranger = reqwest::Client::new()
        .post(&url)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 403);
}

#[tokio::test]
async fn reads_are_plain_gets_that_need_no_token() {
    let app = spawn_app().await;
    let me = app.get("/sf/who_am_i").await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.text().await.unwrap(), "null");
    assert_eq!(app.get("/sf/recent_funded").await.status(), 200);
}
