//! `/me`: a resident's own initiatives, their timelines and the thread with
//! the coach — and nobody else's.

use app::ssr::entities::messages;
use buurtfonds_tests::spawn_app;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn visitors_are_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    let resp = app.get("/me").await;
    assert_eq!(resp.status(), 302);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fme");
    let detail = app.get("/me/initiatives/1").await;
    assert_eq!(
        detail.headers()["location"],
        "/login?next=%2Fme%2Finitiatives%2F1"
    );
}

#[tokio::test]
async fn a_resident_sees_their_initiatives_with_timeline_and_coach() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("maria@buurtfonds.test").await;
    let html = app.get("/me").await.text().await.unwrap();
    for title in [
        "Taalcafé in de bibliotheek",
        "Huiswerkklas in de Vogelbuurt",
        "EHBO-diploma halen",
        "Repair café Lombok",
    ] {
        assert!(
            html.contains(title),
            "{title}: own and co-initiated initiatives"
        );
    }
    assert!(!html.contains("Burendag"), "someone else's");
    assert!(
        html.contains("Afgerond") && html.contains("Ingediend"),
        "states in plain Dutch"
    );

    let ehbo = app.initiative("EHBO-diploma halen").await.id;
    let page = app
        .get(&format!("/me/initiatives/{ehbo}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sanne de Vries"), "the coach by name");
    for step in [
        "Concept gemaakt",
        "Ingediend",
        "Opgepakt door buurtcoach",
        "Goedgekeurd",
        "Uitbetaald",
        "Verslag goedgekeurd",
    ] {
        assert!(page.contains(step), "timeline step {step}");
    }
    assert!(
        page.contains("Dank je wel, Maria!"),
        "the coach's words in the timeline"
    );
}

#[tokio::test]
async fn another_residents_initiative_is_not_found_and_unchanged() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("kees@buurtfonds.test").await;
    let bbq = app
        .initiative("Burendag met barbecue op het plein")
        .await
        .id;
    let resp = app.get(&format!("/me/initiatives/{bbq}")).await;
    assert_eq!(resp.status(), 404);
    let before = messages::Entity::find().count(&app.db).await.unwrap();
    let post = app
        .post_form(
            "/sf/send_message",
            &[
                ("initiative_id", &bbq.to_string()),
                ("body", "Mag ik meedoen?"),
            ],
        )
        .await;
    assert_eq!(post.status(), 403);
    assert_eq!(
        messages::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}

#[tokio::test]
async fn a_resident_writes_to_their_coach() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("lotte@buurtfonds.test").await;
    let zaden = app
        .initiative("Zadenbibliotheek in de buurtmoestuin")
        .await
        .id;
    let page = app
        .get(&format!("/me/initiatives/{zaden}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Kun je laten zien hoe de kast eruit komt te zien"),
        "the coach's question"
    );

    let sent = app
        .post_form(
            "/sf/send_message",
            &[
                ("initiative_id", &zaden.to_string()),
                ("body", "Ik stuur vanavond een schets!"),
            ],
        )
        .await;
    assert_eq!(
        sent.headers()["location"],
        format!("/me/initiatives/{zaden}#messages")
    );
    let page = app
        .get(&format!("/me/initiatives/{zaden}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ik stuur vanavond een schets!"));

    let too_long = "x".repeat(2_001);
    let refused = app
        .post_form(
            "/sf/send_message",
            &[("initiative_id", &zaden.to_string()), ("body", &too_long)],
        )
        .await;
    assert_eq!(
        refused.headers()["location"],
        format!("/me/initiatives/{zaden}")
    );
    let page = app
        .get(&format!("/me/initiatives/{zaden}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Schrijf een bericht van hoogstens 2000 tekens."));
    let count = messages::Entity::find()
        .filter(messages::Column::InitiativeId.eq(zaden))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 2, "the coach's question and one answer");
}

#[tokio::test]
async fn no_messages_on_a_draft() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("kees@buurtfonds.test").await;
    let draft = app.initiative("Computercursus voor beginners").await.id;
    let page = app
        .get(&format!("/me/initiatives/{draft}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Je kunt berichten sturen zodra je je idee hebt ingediend."));
    let post = app
        .post_form(
            "/sf/send_message",
            &[("initiative_id", &draft.to_string()), ("body", "Hallo?")],
        )
        .await;
    assert_eq!(post.status(), 409);
}

#[tokio::test]
async fn a_resident_downloads_all_their_data_and_only_theirs() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let visitor = app.get("/me/export.json").await;
    assert_eq!(visitor.status(), 303);
    assert_eq!(
        visitor.headers()["location"],
        "/login?next=%2Fme%2Fexport.json"
    );

    app.sign_in("maria@buurtfonds.test").await;
    let resp = app.get("/me/export.json").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let data: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(data["account"]["email"], "maria@buurtfonds.test");
    let titles: Vec<&str> = data["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Taalcafé in de bibliotheek"));
    assert!(titles.contains(&"Repair café Lombok"), "co-initiated too");
    assert!(
        !titles.contains(&"Burendag met barbecue op het plein"),
        "not someone else's"
    );
    let repair = data["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Repair café Lombok")
        .unwrap();
    assert_eq!(repair["role"], "co_initiator");
    assert!(!repair["history"].as_array().unwrap().is_empty());
    assert!(
        !data.to_string().contains("lotte@buurtfonds.test"),
        "no other person's address"
    );
}

#[tokio::test]
async fn the_public_sees_a_name_only_with_consent() {
    let app = spawn_app().await;
    app.seed_demo().await;
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("door Maria"));

    app.sign_in("maria@buurtfonds.test").await;
    let me = app.get("/me").await.text().await.unwrap();
    assert!(me.contains(r#"value="Maria""#) && me.contains("checked"));
    let saved = app
        .post_form("/sf/save_privacy", &[("public_name", "Maria")])
        .await;
    assert_eq!(saved.headers()["location"], "/me?notice=privacy_saved");
    assert!(
        !app.get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("door Maria"),
        "no consent, no name"
    );

    let refused = app
        .post_form(
            "/sf/save_privacy",
            &[("public_name", " "), ("consent", "yes")],
        )
        .await;
    assert_eq!(refused.headers()["location"], "/me");
    assert!(app
        .get("/me")
        .await
        .text()
        .await
        .unwrap()
        .contains("Vul een voornaam of groepsnaam in"));

    app.post_form(
        "/sf/save_privacy",
        &[("public_name", "Maria J."), ("consent", "yes")],
    )
    .await;
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("door Maria J."));
}
