//! The server over HTTP: health, the home page in both languages, the
//! language switch, the 404 page, security headers and compression.

use buurtfonds_tests::{spawn_app, spawn_app_on, Backend};

#[tokio::test]
async fn healthz_answers_200_while_the_database_answers_and_503_after() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let ok = app.get("/healthz").await;
        assert_eq!(ok.status(), 200, "{backend:?}");
        assert_eq!(
            ok.json::<serde_json::Value>().await.unwrap()["database"],
            "ok"
        );

        app.db.close_by_ref().await.unwrap();
        let down = app.get("/healthz").await;
        assert_eq!(down.status(), 503, "{backend:?}");
        assert_eq!(
            down.json::<serde_json::Value>().await.unwrap()["status"],
            "unavailable"
        );
    }
}

#[tokio::test]
async fn the_home_page_shows_recently_funded_initiatives_from_the_database() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let empty = app.get("/").await.text().await.unwrap();
        assert!(
            empty.contains("Er zijn nog geen gesteunde initiatieven."),
            "{backend:?}"
        );

        app.seed_demo().await;
        let resp = app.get("/").await;
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.unwrap();
        assert!(html.contains(r#"<html lang="nl">"#));
        // Funded, reporting and completed initiatives, newest payout first …
        for title in [
            "Repair café Lombok",
            "Straatvoetbaltoernooi voor de jeugd",
            "EHBO-diploma halen",
            "Buurtkoor Rivierenwijk",
        ] {
            assert!(html.contains(title), "{backend:?}: {title} missing");
        }
        assert!(html.find("Repair café Lombok") < html.find("Buurtkoor Rivierenwijk"));
        // … but nothing that was not funded, and names only with consent.
        for hidden in [
            "Taalcafé",
            "Nieuwe televisie",
            "Computercursus",
            "Huiswerkklas",
            "Kees",
        ] {
            assert!(
                !html.contains(hidden),
                "{backend:?}: {hidden} must not be on the home page"
            );
        }
        assert!(html.contains("door Buurtmoestuin Lombok"));
        assert!(html.contains("€\u{a0}1.100,00"), "Dutch money format");
        assert!(
            !html.contains("@buurtfonds.test"),
            "no e-mail address is public"
        );
    }
}

#[tokio::test]
async fn english_is_complete_and_chosen_with_a_link_that_works_without_javascript() {
    let app = spawn_app().await;
    app.seed_demo().await;

    let dutch = app.get("/").await.text().await.unwrap();
    assert!(dutch.contains(r#"href="/lang/en?next=%2F""#));

    let switch = app.get("/lang/en?next=/").await;
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/");
    let cookie = switch.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"));

    let english = app.get("/").await.text().await.unwrap();
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("Recently funded"));
    assert!(english.contains("Start an initiative"));
    assert!(english.contains("€1,100.00"), "English money format");
    assert!(!english.contains("Net gesteund"));

    // A browser drops the tab (and newlines) and lands on //evil.example/x.
    for next in [
        "//evil.example",
        "/%09/evil.example/x",
        "/%0A/evil.example/x",
        "/%5C/evil.example/x",
    ] {
        let evil = app.get(&format!("/lang/nl?next={next}")).await;
        assert_eq!(
            evil.headers()["location"],
            "/",
            "only local paths are followed: {next}"
        );
    }
    assert_eq!(app.get("/lang/xx").await.status(), 404);
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_helpful_page() {
    let app = spawn_app().await;
    let resp = app.get("/does-not-exist").await;
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Deze pagina bestaat niet"));
    assert!(html.contains(r#"href="/""#));
}

#[tokio::test]
async fn every_response_carries_security_headers_and_pages_a_nonce_csp() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    let h = page.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert!(!csp.contains("unsafe-inline"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page CSP has a nonce")
        .to_string();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)),
        "the hydration script carries the nonce"
    );

    let second = app.get("/").await;
    assert_ne!(
        second.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
        csp,
        "a fresh nonce per response"
    );

    let health = app.get("/healthz").await;
    assert!(health.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(health.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_ask() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(format!("{}/", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-encoding"], "gzip");
}
