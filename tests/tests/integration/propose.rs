//! The propose wizard over HTTP, the way a browser without JavaScript uses
//! it: every step saves, bad input stores nothing, the fund's maximum grant
//! holds, photos are checked by content and cleaned, someone else's draft is
//! out of reach, co-initiators join by mail, and submitting tells the coaches.

use app::ssr::entities::{
    budget_lines, co_initiators, events, initiatives, mail_outbox, notifications, photos, users,
};
use buurtfonds_tests::{spawn_app, spawn_app_on, Backend, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const AHMED: &str = "ahmed@buurtfonds.test";

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn in_days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

async fn neighbourhood(app: &TestApp, slug: &str) -> i64 {
    use app::ssr::entities::neighbourhoods;
    neighbourhoods::Entity::find()
        .filter(neighbourhoods::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Starts a draft (step 1) and returns its id.
async fn start(app: &TestApp, title: &str) -> i64 {
    let resp = app
        .post_form(
            "/sf/save_idea",
            &[
                ("kind", "course"),
                ("title", title),
                (
                    "description",
                    "Ik wil leren naaien, zodat ik kleding voor de buurt kan repareren.",
                ),
            ],
        )
        .await;
    let to = location(&resp);
    assert!(to.ends_with("/people"), "on to step 2, not {to}");
    to.trim_start_matches("/propose/")
        .trim_end_matches("/people")
        .parse()
        .expect("the draft's id in the address")
}

/// Fills steps 2 to 4 of draft `id` and adds the budget lines.
async fn fill_until_budget(app: &TestApp, id: i64, lines: &[(&str, &str)]) {
    let id_s = id.to_string();
    fill_until_strength(app, id).await;
    // (server function, its fields, the step it leads to)
    type Step<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let steps: Vec<Step> = vec![
        // A helper filled in but not added is saved on going on, with what
        // the resident brings, in one post.
        (
            "/sf/save_strength",
            vec![
                ("who", "Buurvrouw Els".into()),
                ("contribution_kind", "materials".into()),
                ("line_description", "Leent haar naaimachine uit".into()),
                ("value", "150".into()),
                (
                    "own_input",
                    "Ik oefen elke week en repareer daarna kleding.".into(),
                ),
                ("intent", "next".into()),
            ],
            "budget",
        ),
    ];
    for (path, fields, next) in steps {
        let mut all: Vec<(&str, &str)> = vec![("id", id_s.as_str())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let resp = app.post_form(path, &all).await;
        assert_eq!(
            location(&resp),
            format!("/propose/{id}/{next}"),
            "{path} saved"
        );
    }
    for (item, amount) in lines {
        let resp = app
            .post_form(
                "/sf/save_budget",
                &[
                    ("id", &id_s),
                    ("item", item),
                    ("amount", amount),
                    ("intent", "add"),
                ],
            )
            .await;
        assert_eq!(location(&resp), format!("/propose/{id}/budget"));
    }
}

#[tokio::test]
async fn a_resident_proposes_step_by_step_resumes_and_submits_on_both_databases() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        app.sign_in(AHMED).await;
        let id = start(&app, "Naailes voor beginners").await;
        let stored = app.initiative("Naailes voor beginners").await;
        assert_eq!(
            (stored.state.as_str(), stored.wizard_step.as_str()),
            ("draft", "people")
        );

        // Coming back resumes at the furthest step reached.
        let resume = app.get(&format!("/propose/{id}")).await;
        assert_eq!(location(&resume), format!("/propose/{id}/people"));

        fill_until_budget(
            &app,
            id,
            &[("Cursusgeld", "240"), ("Stof en garen", "45,50")],
        )
        .await;
        let resume = app.get(&format!("/propose/{id}")).await;
        assert_eq!(
            location(&resume),
            format!("/propose/{id}/budget"),
            "{backend:?}"
        );
        let page = app
            .get(&format!("/propose/{id}/budget"))
            .await
            .text()
            .await
            .unwrap();
        let total = app::domain::Cents(28_550).format_nl();
        assert!(
            page.contains(&format!("Totaal: {total}")),
            "running total: {backend:?}"
        );

        let id_s = id.to_string();
        let resp = app
            .post_form(
                "/sf/save_budget",
                &[
                    ("id", &id_s),
                    ("own_contribution", "25"),
                    ("amount_asked", "260,50"),
                    ("intent", "next"),
                ],
            )
            .await;
        assert_eq!(location(&resp), format!("/propose/{id}/photos"));
        for step in ["team", "review"] {
            let resp = app
                .post_form("/sf/continue_to", &[("id", &id_s), ("step", step)])
                .await;
            assert_eq!(location(&resp), format!("/propose/{id}/{step}"));
        }
        let review = app
            .get(&format!("/propose/{id}/review"))
            .await
            .text()
            .await
            .unwrap();
        let asked = app::domain::Cents(26_050).format_nl();
        assert!(review.contains("Buurvrouw Els") && review.contains(&asked));
        assert!(!review.contains("Dit ontbreekt nog"), "nothing missing");

        let resp = app
            .post_form("/sf/submit_initiative", &[("id", &id_s)])
            .await;
        assert_eq!(
            location(&resp),
            format!("/me/initiatives/{id}?notice=submitted")
        );
        let stored = app.initiative("Naailes voor beginners").await;
        assert_eq!(stored.state, "submitted");
        assert_eq!(
            (stored.amount_asked_cents, stored.own_contribution_cents),
            (26_050, 2_500)
        );
        assert!(stored.submitted_at.is_some());
        let log: Vec<String> = events::Entity::find()
            .filter(events::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(log, ["create", "submit"]);

        // The coach of Lombok hears of it, in the app and by mail.
        let joris = app.user_id("joris.coach@buurtfonds.test").await;
        let told = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(joris))
            .filter(notifications::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(told, 1, "{backend:?}");
        let mails = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::ToAddress.eq("joris.coach@buurtfonds.test"))
            .all(&app.db)
            .await
            .unwrap();
        assert!(mails
            .iter()
            .any(|m| m.subject.contains("Naailes voor beginners")));

        // Submitted, it can no longer be changed.
        let resp = app
            .post_form(
                "/sf/save_people",
                &[
                    ("id", &id_s),
                    ("beneficiaries", "Iemand anders"),
                    ("participants", "3"),
                ],
            )
            .await;
        assert!(resp.status().is_client_error(), "{}", resp.status());
        assert_eq!(
            app.initiative("Naailes voor beginners")
                .await
                .participants_expected,
            Some(12)
        );
    }
}

#[tokio::test]
async fn bad_input_gets_a_message_next_to_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let before = initiatives::Entity::find().count(&app.db).await.unwrap();
    let resp = app
        .post_form(
            "/sf/save_idea",
            &[("kind", "feest"), ("title", "Na"), ("description", "kort")],
        )
        .await;
    assert_eq!(location(&resp), "/propose");
    assert_eq!(
        initiatives::Entity::find().count(&app.db).await.unwrap(),
        before
    );
    let page = app.get("/propose").await.text().await.unwrap();
    assert!(page.contains(r#"id="title-error""#));
    assert!(page.contains("Geef een titel van 3 tot 100 tekens."));
    assert!(page.contains("Kies wat voor initiatief het is."));
    assert!(page.contains(r#"value="Na""#), "what was typed comes back");

    // A budget line without a usable amount, and a date that is not one.
    let id = start(&app, "Buurtmaaltijd").await;
    let id_s = id.to_string();
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("item", "Boodschappen"),
                ("amount", "twaalf"),
                ("intent", "add"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/budget"));
    assert_eq!(
        budget_lines::Entity::find()
            .filter(budget_lines::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let page = app
        .get(&format!("/propose/{id}/budget"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Geef een bedrag in euro"));
    let resp = app
        .post_form(
            "/sf/save_place",
            &[
                ("id", &id_s),
                ("neighbourhood_id", "999999"),
                ("starts_on", "morgen"),
                ("ends_on", ""),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/place"));
    assert!(app
        .initiative("Buurtmaaltijd")
        .await
        .neighbourhood_id
        .is_none());

    // A script gets the same field errors as data.
    let token = app.csrf_token().await;
    let json: serde_json::Value = app
        .client
        .post(format!("{}/sf/save_people", app.address))
        .header("x-csrf-token", &token)
        .form(&[
            ("csrf_token", token.as_str()),
            ("id", id_s.as_str()),
            ("beneficiaries", ""),
            ("participants", "0"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields: Vec<&str> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["beneficiaries", "participants"]);
}

#[tokio::test]
async fn the_amount_asked_stays_within_the_funds_maximum_grant_and_the_budget() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let id = start(&app, "Grote buurtkeuken").await;
    fill_until_budget(&app, id, &[("Keukenapparatuur", "4000")]).await;
    let id_s = id.to_string();
    for (own, asked, message) in [
        (
            "0",
            "3000",
            "Dit is meer dan de hoogste bijdrage van het fonds in je buurt.",
        ),
        (
            "2000",
            "2500",
            "Je vraagt meer dan het totaal min wat je zelf betaalt.",
        ),
        (
            "5000",
            "100",
            "Wat je zelf betaalt, is meer dan het totaal.",
        ),
    ] {
        let resp = app
            .post_form(
                "/sf/save_budget",
                &[
                    ("id", &id_s),
                    ("own_contribution", own),
                    ("amount_asked", asked),
                    ("intent", "next"),
                ],
            )
            .await;
        assert_eq!(location(&resp), format!("/propose/{id}/budget"));
        let page = app
            .get(&format!("/propose/{id}/budget"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(message), "{message}");
        assert_eq!(
            app.initiative("Grote buurtkeuken").await.amount_asked_cents,
            0,
            "nothing stored"
        );
    }
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("own_contribution", "1500"),
                ("amount_asked", "2500"),
                ("intent", "next"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/photos"));
    assert_eq!(
        app.initiative("Grote buurtkeuken").await.amount_asked_cents,
        250_000
    );
}

/// A JPEG with an EXIF block that holds a made-up location.
fn jpeg_with_exif() -> Vec<u8> {
    let mut plain = Vec::new();
    let picture = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut plain),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    // TIFF header (big-endian), one IFD entry: Orientation = 1; then the "location".
    let mut exif =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x01\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(b"GPSLatitude 52.0907 N GPSLongitude 5.1214 E");
    let len = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1, len[0], len[1]];
    out.extend_from_slice(&exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn photos_are_checked_by_content_and_size_and_stored_without_metadata() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let id = start(&app, "Fotoclub").await;
    let count = || async {
        photos::Entity::find()
            .filter(photos::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap()
    };

    let upload = jpeg_with_exif();
    assert!(contains(&upload, b"Exif") && contains(&upload, b"GPSLatitude"));
    let resp = app
        .upload_photo(id, "Onze eerste foto", "IMG_0001.JPG", upload, true)
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/photos"));
    let photo = photos::Entity::find()
        .filter(photos::Column::InitiativeId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(
        (photo.content_type.as_str(), photo.width, photo.height),
        ("image/jpeg", 64, 48)
    );
    let stored = std::fs::read(app.dir.path().join("uploads").join(&photo.storage_key)).unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]));
    assert!(
        !contains(&stored, b"Exif") && !contains(&stored, b"GPSLatitude"),
        "metadata stripped"
    );
    let thumb = app.get(&format!("/photos/{}/thumb", photo.id)).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let thumb = thumb.bytes().await.unwrap();
    let small = image::load_from_memory(&thumb).unwrap();
    assert!(small.width() <= 320 && small.height() <= 320);

    // A text file called .jpg is refused for what it is.
    let resp = app
        .upload_photo(
            id,
            "Geen foto",
            "vakantie.jpg",
            b"Dit is geen foto.\n".repeat(20),
            true,
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/photos"));
    assert_eq!(count().await, 1);
    let page = app
        .get(&format!("/propose/{id}/photos"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Dit is geen JPEG-, PNG- of WebP-foto."));

    // Too large, even when it starts like a JPEG.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(9 * 1024 * 1024, 0);
    let resp = app
        .upload_photo(id, "Te groot", "groot.jpg", big, true)
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/photos"));
    assert_eq!(count().await, 1);
    let page = app
        .get(&format!("/propose/{id}/photos"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Deze foto is te groot."));

    // Without the CSRF token nothing is stored.
    let resp = app
        .upload_photo(id, "Zonder token", "a.jpg", jpeg_with_exif(), false)
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(count().await, 1);

    // At most five.
    for n in 2..=5 {
        app.upload_photo(id, &format!("Foto {n}"), "b.jpg", jpeg_with_exif(), true)
            .await;
    }
    assert_eq!(count().await, 5);
    app.upload_photo(id, "Foto 6", "c.jpg", jpeg_with_exif(), true)
        .await;
    assert_eq!(count().await, 5);

    // A draft's photos are not public.
    app.post_form("/sf/sign_out", &[]).await;
    assert_eq!(
        app.get(&format!("/photos/{}", photo.id)).await.status(),
        404
    );
}

#[tokio::test]
async fn another_residents_draft_is_out_of_reach_and_unchanged() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let id = start(&app, "Geheim plan").await;
    fill_until_budget(&app, id, &[("Verf", "80")]).await;
    app.upload_photo(id, "Schets", "s.jpg", jpeg_with_exif(), true)
        .await;
    let photo = photos::Entity::find()
        .filter(photos::Column::InitiativeId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let line = budget_lines::Entity::find()
        .filter(budget_lines::Column::InitiativeId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let before = app.initiative("Geheim plan").await;

    app.switch_to("kees@buurtfonds.test").await;
    for path in [
        format!("/propose/{id}"),
        format!("/propose/{id}/idea"),
        format!("/propose/{id}/review"),
        format!("/me/initiatives/{id}"),
        format!("/sf/load_draft?id={id}"),
        format!("/photos/{}", photo.id),
    ] {
        let resp = app.get(&path).await;
        assert_eq!(resp.status(), 404, "{path}");
        let body = resp.text().await.unwrap();
        assert!(!body.contains("Geheim plan"), "{path} shows nothing");
    }
    let id_s = id.to_string();
    let line_s = line.id.to_string();
    let remove_line = format!("remove:{line_s}");
    let photo_s = photo.id.to_string();
    for (path, fields) in [
        (
            "/sf/save_idea",
            vec![
                ("id", id_s.as_str()),
                ("kind", "other"),
                ("title", "Overgenomen"),
                ("description", "Dit is nu van mij, dacht ik zo."),
            ],
        ),
        (
            "/sf/save_budget",
            vec![("id", id_s.as_str()), ("intent", remove_line.as_str())],
        ),
        (
            "/sf/save_strength",
            vec![
                ("id", id_s.as_str()),
                ("own_input", "Dit breng ik mee, dacht ik zo."),
                ("who", "Ik"),
                ("contribution_kind", "time"),
                ("line_description", "Overgenomen"),
                ("value", ""),
                ("intent", "next"),
            ],
        ),
        (
            "/sf/remove_photo",
            vec![("id", id_s.as_str()), ("photo_id", photo_s.as_str())],
        ),
        ("/sf/submit_initiative", vec![("id", id_s.as_str())]),
        (
            "/sf/withdraw_initiative",
            vec![("id", id_s.as_str()), ("confirm", "yes")],
        ),
        (
            "/sf/invite_co_initiator",
            vec![("id", id_s.as_str()), ("email", "kees2@example.org")],
        ),
    ] {
        let resp = app.post_form(path, &fields).await;
        assert!(
            matches!(resp.status().as_u16(), 403 | 404),
            "{path}: {}",
            resp.status()
        );
    }
    let resp = app
        .upload_photo(id, "Ingebroken", "x.jpg", jpeg_with_exif(), true)
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(app.initiative("Geheim plan").await, before, "unchanged");
    assert_eq!(
        photos::Entity::find()
            .filter(photos::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    assert!(budget_lines::Entity::find_by_id(line.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        co_initiators::Entity::find()
            .filter(co_initiators::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_co_initiator_joins_by_mail_and_may_edit_but_not_submit() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let id = start(&app, "Samen koken").await;
    let id_s = id.to_string();
    let resp = app
        .post_form(
            "/sf/invite_co_initiator",
            &[("id", &id_s), ("email", "Lotte@Buurtfonds.test")],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/team"));
    // The same address twice is refused.
    app.post_form(
        "/sf/invite_co_initiator",
        &[("id", &id_s), ("email", "lotte@buurtfonds.test")],
    )
    .await;
    assert_eq!(
        co_initiators::Entity::find()
            .filter(co_initiators::Column::InitiativeId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    let mail = app.outbox().pop().expect("an invitation");
    assert!(mail.contains("To: lotte@buurtfonds.test"));
    let mail = mail.replace("=\r\n", "").replace("=3D", "=");
    let start_at = mail.find("/invites?token=").expect("a link") + "/invites?token=".len();
    let token: String = mail[start_at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();

    app.switch_to("lotte@buurtfonds.test").await;
    let page = app
        .get(&format!("/invites?token={token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Samen koken") && page.contains("Ahmed"));
    let resp = app
        .post_form("/sf/accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(
        location(&resp),
        format!("/me/initiatives/{id}?notice=joined")
    );
    // The link works once.
    let again = app
        .post_form("/sf/accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(again.status(), 404);

    assert_eq!(app.get(&format!("/propose/{id}/idea")).await.status(), 200);
    let resp = app
        .post_form(
            "/sf/save_people",
            &[
                ("id", &id_s),
                ("beneficiaries", "Ouderen uit de straat"),
                ("participants", "20"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/place"));
    assert_eq!(
        app.initiative("Samen koken").await.beneficiaries,
        "Ouderen uit de straat"
    );
    let resp = app
        .post_form("/sf/submit_initiative", &[("id", &id_s)])
        .await;
    assert!(
        resp.status().is_client_error(),
        "only the initiator submits"
    );
    assert_eq!(app.initiative("Samen koken").await.state, "draft");
}

#[tokio::test]
async fn a_resident_withdraws_with_confirmation_and_the_coach_hears_of_it() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("lotte@buurtfonds.test").await;
    // One of Lotte's demo initiatives is with a coach, waiting for a decision.
    let mine = initiatives::Entity::find()
        .filter(initiatives::Column::InitiatorId.eq(app.user_id("lotte@buurtfonds.test").await))
        .filter(initiatives::Column::CoachId.is_not_null())
        .filter(initiatives::Column::State.is_in(["in_review", "changes_requested"]))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an initiative in review");
    let id_s = mine.id.to_string();
    let resp = app
        .post_form("/sf/withdraw_initiative", &[("id", &id_s)])
        .await;
    assert_eq!(location(&resp), format!("/me/initiatives/{}", mine.id));
    assert_eq!(app.initiative(&mine.title).await.state, mine.state);

    let resp = app
        .post_form(
            "/sf/withdraw_initiative",
            &[("id", &id_s), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        location(&resp),
        format!("/me/initiatives/{}?notice=withdrawn", mine.id)
    );
    assert_eq!(app.initiative(&mine.title).await.state, "withdrawn");
    let coach = mine.coach_id.unwrap();
    let note = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(coach))
        .filter(notifications::Column::Kind.eq("withdraw"))
        .one(&app.db)
        .await
        .unwrap();
    assert!(note.is_some(), "the coach is notified");

    // The coach finds it among the notifications on /me.
    app.switch_to("joris.coach@buurtfonds.test").await;
    let me = app.get("/me").await.text().await.unwrap();
    assert!(me.contains("Meldingen") && me.contains(&mine.title));
}

#[tokio::test]
async fn erasing_an_account_removes_personal_data_and_keeps_the_public_record() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("maria@buurtfonds.test").await;
    let maria = app.user_id("maria@buurtfonds.test").await;
    let resp = app
        .post_form("/sf/erase_account", &[("erase_password", "niet goed")])
        .await;
    assert_eq!(location(&resp), "/me#erase");
    assert!(users::Entity::find_by_id(maria)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .erased_at
        .is_none());

    let public_before = initiatives::Entity::find()
        .filter(initiatives::Column::InitiatorId.eq(maria))
        .filter(initiatives::Column::IsPublic.eq(true))
        .count(&app.db)
        .await
        .unwrap();
    assert!(public_before > 0, "the demo gives Maria public initiatives");
    let resp = app
        .post_form(
            "/sf/erase_account",
            &[("erase_password", "buurtfonds-demo")],
        )
        .await;
    assert_eq!(location(&resp), "/?notice=account_erased");

    let gone = users::Entity::find_by_id(maria)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(gone.erased_at.is_some());
    assert!(!gone.email.contains("maria"));
    assert_eq!(gone.display_name, "");
    assert!(gone.password_hash.is_none() && gone.public_name.is_none());
    assert_eq!(
        initiatives::Entity::find()
            .filter(initiatives::Column::InitiatorId.eq(maria))
            .filter(initiatives::Column::IsPublic.eq(true))
            .count(&app.db)
            .await
            .unwrap(),
        public_before,
        "public initiatives stay"
    );
    let open = initiatives::Entity::find()
        .filter(initiatives::Column::InitiatorId.eq(maria))
        .filter(initiatives::Column::State.is_in(["draft", "submitted", "in_review"]))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(open, 0, "open initiatives are withdrawn");
    // Signed out everywhere, and the old password opens nothing.
    assert_eq!(app.get("/me").await.status(), 302);
    let resp = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "maria@buurtfonds.test"),
                ("password", "buurtfonds-demo"),
                ("next", "/"),
            ],
        )
        .await;
    assert_ne!(location(&resp), "/");
}

#[tokio::test]
async fn after_questions_the_resident_edits_and_resubmits_and_the_coach_hears_of_it() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("lotte@buurtfonds.test").await;
    let title = "Zadenbibliotheek in de buurtmoestuin";
    let asked = app.initiative(title).await;
    assert_eq!(asked.state, "changes_requested");
    let id_s = asked.id.to_string();

    let page = app
        .get(&format!("/me/initiatives/{}", asked.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Aanvraag aanpassen"), "a way to edit");
    let resp = app
        .post_form(
            "/sf/save_people",
            &[
                ("id", &id_s),
                (
                    "beneficiaries",
                    "Tuinierende buren; Rob houdt de uitleen bij.",
                ),
                ("participants", "40"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{}/place", asked.id));
    let review = app
        .get(&format!("/propose/{}/review", asked.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(review.contains("Opnieuw versturen"));
    let resp = app
        .post_form("/sf/submit_initiative", &[("id", &id_s)])
        .await;
    assert_eq!(
        location(&resp),
        format!("/me/initiatives/{}?notice=submitted", asked.id)
    );
    let now = app.initiative(title).await;
    assert_eq!(now.state, "submitted");
    assert_eq!(now.coach_id, asked.coach_id, "the same coach stays");
    let joris = app.user_id("joris.coach@buurtfonds.test").await;
    assert!(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(joris))
        .filter(notifications::Column::Kind.eq("submit"))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
    assert!(app
        .outbox()
        .iter()
        .any(|m| m.contains("To: joris.coach@buurtfonds.test") && m.contains("Zadenbibliotheek")));
}

/// Brings draft `id` to step 4 ("Wie helpt er").
async fn fill_until_strength(app: &TestApp, id: i64) {
    let id_s = id.to_string();
    let nbh = neighbourhood(app, "lombok").await.to_string();
    let resp = app
        .post_form(
            "/sf/save_people",
            &[
                ("id", &id_s),
                ("beneficiaries", "Buren die kleding willen laten maken"),
                ("participants", "12"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/place"));
    let resp = app
        .post_form(
            "/sf/save_place",
            &[
                ("id", &id_s),
                ("neighbourhood_id", &nbh),
                ("starts_on", &in_days(30)),
                ("ends_on", ""),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/strength"));
}

/// The helpers of draft `id`, in order: (who, description).
async fn helpers(app: &TestApp, id: i64) -> Vec<(String, String)> {
    use app::ssr::entities::own_strength_lines;
    use sea_orm::QueryOrder;
    own_strength_lines::Entity::find()
        .filter(own_strength_lines::Column::InitiativeId.eq(id))
        .order_by_asc(own_strength_lines::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.who, l.description))
        .collect()
}

/// Step 4 is one form: adding a helper keeps what the resident brings,
/// "Bewaren en verder" saves a helper filled in but not added (or stops with
/// a message and stores nothing), removing a helper keeps the one being
/// typed — without JavaScript, as here, and with it (the same functions).
#[tokio::test]
async fn the_strength_step_keeps_everything_typed_whichever_button_is_pressed() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        app.sign_in(AHMED).await;
        let id = start(&app, "Naailes voor beginners").await;
        let id_s = id.to_string();
        fill_until_strength(&app, id).await;
        let own = "Ik oefen elke week en repareer daarna kleding.";
        let post = |fields: Vec<(&'static str, String)>| {
            let id_s = id_s.clone();
            let app = &app;
            async move {
                let mut all: Vec<(&str, &str)> = vec![("id", id_s.as_str())];
                all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                app.post_form("/sf/save_strength", &all).await
            }
        };
        let helper = |who: &str, what: &str| {
            vec![
                ("who", who.to_string()),
                ("contribution_kind", "materials".to_string()),
                ("line_description", what.to_string()),
                ("value", String::new()),
            ]
        };

        // "Helper toevoegen" with "Wat breng je zelf mee?" typed: both saved.
        let mut fields = helper("Buurvrouw Els", "Leent haar naaimachine uit");
        fields.extend([("own_input", own.to_string()), ("intent", "add".into())]);
        let resp = post(fields).await;
        assert_eq!(location(&resp), format!("/propose/{id}/strength"));
        let page = app.text(&format!("/propose/{id}/strength")).await;
        assert!(
            page.contains(own),
            "what the resident brings is still there"
        );
        assert_eq!(
            app.initiative("Naailes voor beginners")
                .await
                .own_input
                .as_deref(),
            Some(own)
        );

        // A half-filled helper on "Bewaren en verder": stopped, with a
        // message next to the field, everything typed back, nothing stored.
        let mut fields = helper("Buurman Piet", "");
        fields.extend([
            ("own_input", "Ik doe ook de boodschappen.".to_string()),
            ("intent", "next".into()),
        ]);
        let resp = post(fields).await;
        assert_eq!(location(&resp), format!("/propose/{id}/strength"));
        let page = app.text(&format!("/propose/{id}/strength")).await;
        assert!(page.contains(r#"id="line_description-error""#), "{page}");
        assert!(page.contains(r#"value="Buurman Piet""#));
        assert!(page.contains("Ik doe ook de boodschappen."));
        assert_eq!(helpers(&app, id).await.len(), 1);
        let stored = app.initiative("Naailes voor beginners").await;
        assert_eq!(
            (stored.own_input.as_deref(), stored.wizard_step.as_str()),
            (Some(own), "strength")
        );

        // Removing a helper while another is typed: the typed one stays.
        let els = {
            use app::ssr::entities::own_strength_lines;
            own_strength_lines::Entity::find()
                .filter(own_strength_lines::Column::InitiativeId.eq(id))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let mut fields = helper("Buurman Piet", "Sjouwt de tafels");
        fields.extend([
            ("own_input", own.to_string()),
            ("intent", format!("remove:{els}")),
        ]);
        let resp = post(fields).await;
        assert_eq!(location(&resp), format!("/propose/{id}/strength"));
        assert!(helpers(&app, id).await.is_empty());
        let page = app.text(&format!("/propose/{id}/strength")).await;
        assert!(page.contains(r#"value="Buurman Piet""#), "{page}");
        assert!(page.contains(r#"value="Sjouwt de tafels""#));
        assert!(
            !page.contains(r#"id="who-error""#),
            "no error for a removal"
        );

        // A filled-in helper that was never added is saved on going on.
        let mut fields = helper("Buurman Piet", "Sjouwt de tafels");
        fields.extend([("own_input", own.to_string()), ("intent", "next".into())]);
        let resp = post(fields).await;
        assert_eq!(location(&resp), format!("/propose/{id}/budget"));
        assert_eq!(
            helpers(&app, id).await,
            vec![("Buurman Piet".to_string(), "Sjouwt de tafels".to_string())]
        );

        // Another initiative's helper cannot be removed through this one.
        let other = start(&app, "Buurtmaaltijd").await;
        fill_until_strength(&app, other).await;
        let piet = {
            use app::ssr::entities::own_strength_lines;
            own_strength_lines::Entity::find()
                .filter(own_strength_lines::Column::InitiativeId.eq(id))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let other_s = other.to_string();
        let resp = app
            .post_form(
                "/sf/save_strength",
                &[
                    ("id", &other_s),
                    ("own_input", ""),
                    ("who", ""),
                    ("line_description", ""),
                    ("value", ""),
                    ("intent", &format!("remove:{piet}")),
                ],
            )
            .await;
        assert_eq!(resp.status(), 404);
        assert_eq!(helpers(&app, id).await.len(), 1);
    }
}

/// Step 5 is one form too: adding a line keeps the amounts typed, a line
/// filled in but not added is saved on going on (or stops with a message
/// and stores nothing), removing a line keeps the one being typed.
#[tokio::test]
async fn the_budget_step_keeps_everything_typed_whichever_button_is_pressed() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(AHMED).await;
    let id = start(&app, "Naailes voor beginners").await;
    fill_until_budget(&app, id, &[("Cursusgeld", "240")]).await;
    let id_s = id.to_string();
    let page = format!("/propose/{id}/budget");
    let lines = || async {
        budget_lines::Entity::find()
            .filter(budget_lines::Column::InitiativeId.eq(id))
            .all(&app.db)
            .await
            .unwrap()
    };
    // Adding a line with the amounts typed: both saved.
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("item", "Stof"),
                ("amount", "40"),
                ("own_contribution", "30"),
                ("amount_asked", "250"),
                ("intent", "add"),
            ],
        )
        .await;
    assert_eq!(location(&resp), page);
    let stored = app.initiative("Naailes voor beginners").await;
    assert_eq!(
        (stored.own_contribution_cents, stored.amount_asked_cents),
        (3_000, 25_000)
    );
    assert_eq!(lines().await.len(), 2);
    // A half line on going on: stopped, everything back, nothing stored.
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("item", "Garen"),
                ("amount", ""),
                ("own_contribution", "30"),
                ("amount_asked", "260"),
                ("intent", "next"),
            ],
        )
        .await;
    assert_eq!(location(&resp), page);
    let text = app.text(&page).await;
    assert!(text.contains(r#"id="amount-error""#));
    assert!(text.contains(r#"value="Garen""#) && text.contains(r#"value="260""#));
    assert_eq!(lines().await.len(), 2);
    assert_eq!(
        app.initiative("Naailes voor beginners")
            .await
            .amount_asked_cents,
        25_000
    );
    // Removing a line while another is typed: the typed one stays.
    let stof = lines()
        .await
        .into_iter()
        .find(|l| l.item == "Stof")
        .unwrap();
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("item", "Garen"),
                ("amount", "5"),
                ("own_contribution", "30"),
                ("amount_asked", "210"),
                ("intent", &format!("remove:{}", stof.id)),
            ],
        )
        .await;
    assert_eq!(location(&resp), page);
    assert_eq!(lines().await.len(), 1);
    let text = app.text(&page).await;
    assert!(text.contains(r#"value="Garen""#) && text.contains(r#"value="5""#));
    // Going on with it filled in: added, and on to the photos.
    let resp = app
        .post_form(
            "/sf/save_budget",
            &[
                ("id", &id_s),
                ("item", "Garen"),
                ("amount", "5"),
                ("own_contribution", "30"),
                ("amount_asked", "215"),
                ("intent", "next"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/photos"));
    let items: Vec<String> = lines().await.into_iter().map(|l| l.item).collect();
    assert_eq!(items, ["Cursusgeld", "Garen"]);
}

/// Sends an invitation from draft `id` to `email`; returns the token in the mail.
async fn invite_and_read_token(app: &TestApp, id: i64, email: &str) -> String {
    let resp = app
        .post_form(
            "/sf/invite_co_initiator",
            &[("id", &id.to_string()), ("email", email)],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/team"));
    let mail = app.outbox().pop().expect("an invitation");
    let mail = mail.replace("=\r\n", "").replace("=3D", "=");
    let start_at = mail.find("/invites?token=").expect("a link") + "/invites?token=".len();
    mail[start_at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn team_size(app: &TestApp, id: i64) -> usize {
    co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap()
        .len()
}

/// The invitation attacks of the four-eyes issue: a link is bound to the
/// address it was sent to, lasts seven days, works only while the initiative
/// can be edited (a coach who claimed it cannot join its team), is sent only
/// by verified accounts, five a day at most, with no inviter's text in the
/// mail's subject.
#[tokio::test]
async fn invitations_are_bound_to_their_address_expire_and_close_with_the_draft() {
    use sea_orm::ActiveValue::Set;
    let app = spawn_app().await;
    app.seed_demo().await;
    // The inviter's own name is free text: it must stay out of the subject.
    let ahmed = app.user_id(AHMED).await;
    users::Entity::update(users::ActiveModel {
        id: Set(ahmed),
        display_name: Set("Gratis geld: klik hier".into()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    app.sign_in(AHMED).await;
    let id = start(&app, "Samen koken").await;
    let token = invite_and_read_token(&app, id, "kees@buurtfonds.test").await;
    let mail = app.outbox().pop().unwrap();
    let subject = mail
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap()
        .to_string();
    assert!(!subject.contains("klik hier"), "{subject}");

    // Someone else who got hold of the link cannot use it.
    app.switch_to("lotte@buurtfonds.test").await;
    let resp = app
        .post_form("/sf/accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(location(&resp), format!("/invites?token={token}"));
    let page = app.text(&format!("/invites?token={token}")).await;
    assert!(
        page.contains("Deze uitnodiging is voor een ander e-mailadres"),
        "{page}"
    );
    assert_eq!(team_size(&app, id).await, 0);

    // Once the initiative is sent to the coaches, nobody joins any more.
    let claim = co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    initiatives::Entity::update(initiatives::ActiveModel {
        id: Set(id),
        state: Set("in_review".into()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    app.switch_to("kees@buurtfonds.test").await;
    let resp = app
        .post_form("/sf/accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(team_size(&app, id).await, 0);
    initiatives::Entity::update(initiatives::ActiveModel {
        id: Set(id),
        state: Set("draft".into()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();

    // After seven days the link no longer works.
    co_initiators::Entity::update(co_initiators::ActiveModel {
        id: Set(claim.id),
        invited_at: Set(app::ssr::services::now() - chrono::Duration::days(8)),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let resp = app
        .post_form("/sf/accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(team_size(&app, id).await, 0);

    // Five invitations a day per initiative; the sixth is refused.
    app.switch_to(AHMED).await;
    for n in 0..5 {
        invite_and_read_token(&app, id, &format!("buur{n}@example.org")).await;
    }
    let resp = app
        .post_form(
            "/sf/invite_co_initiator",
            &[("id", &id.to_string()), ("email", "buur5@example.org")],
        )
        .await;
    assert_eq!(location(&resp), format!("/propose/{id}/team"));
    assert!(app
        .text(&format!("/propose/{id}/team"))
        .await
        .contains("Je hebt vandaag al 5 uitnodigingen verstuurd"));

    // An account that has not confirmed its address sends none.
    users::Entity::update(users::ActiveModel {
        id: Set(ahmed),
        verified_at: Set(None),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let other = start(&app, "Buurtborrel").await;
    let before = co_initiators::Entity::find().count(&app.db).await.unwrap();
    app.post_form(
        "/sf/invite_co_initiator",
        &[("id", &other.to_string()), ("email", "nieuw@example.org")],
    )
    .await;
    assert_eq!(
        co_initiators::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}
