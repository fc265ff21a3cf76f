//! The public side over HTTP: the list with filters, search and keyset
//! pages (pages, CSV and JSON agree), neighbourhood figures equal to the
//! ledger, the OpenAPI document, the feed and the sitemap, 400s that name
//! the parameter — and no private field anywhere the public can look.

use app::domain::ledger::AccountKey;
use app::ssr::entities::{
    events, initiatives, ledger_accounts, messages, neighbourhoods, own_strength_lines, users,
};
use app::ssr::services::{ledger, now};
use buurtfonds_tests::{spawn_app, spawn_app_configured, spawn_app_on, Backend, TestApp};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let resp = app.get(path).await;
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: not JSON: {body}")),
    )
}

/// Public initiative ids, newest first, straight from the database.
async fn public_ids(app: &TestApp) -> Vec<i64> {
    initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .order_by_desc(initiatives::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn lists_filter_search_and_page_on(app: &TestApp) {
    app.seed_demo().await;
    let all = public_ids(app).await;
    assert!(all.len() >= 4, "the demo has public initiatives: {all:?}");

    // Everything public, nothing else, newest first.
    let (status, list) = json(app, "/api/v1/initiatives").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), all);
    assert_eq!(list["next"], Value::Null);

    // Keyset pages of one, followed to the end, give the same list.
    let mut seen = Vec::new();
    let mut path = "/api/v1/initiatives?limit=1".to_string();
    loop {
        let (_, page) = json(app, &path).await;
        seen.extend(ids(&page));
        match page["next"].as_i64() {
            Some(next) => path = format!("/api/v1/initiatives?limit=1&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, all);

    // A neighbourhood.
    let lombok = neighbourhoods::Entity::find()
        .filter(neighbourhoods::Column::Slug.eq("lombok"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let in_lombok: Vec<i64> = initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .filter(initiatives::Column::NeighbourhoodId.eq(lombok.id))
        .order_by_desc(initiatives::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert!(!in_lombok.is_empty());
    let (_, list) = json(app, "/api/v1/initiatives?neighbourhood=lombok").await;
    assert_eq!(ids(&list), in_lombok);

    // Kind and status filters keep only what matches.
    let (_, list) = json(app, "/api/v1/initiatives?kind=course&status=funded").await;
    for item in list["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "course");
        assert_eq!(item["status"], "funded");
    }

    // Full-text search: the start of a word, in any case, in the title or
    // the description; every hit holds the word, and the one we look for is there.
    let target = app.initiative("Repair café Lombok").await;
    assert!(target.is_public);
    let (_, found) = json(app, "/api/v1/initiatives?q=REPAI").await;
    let hits = ids(&found);
    assert!(hits.contains(&target.id), "{found}");
    for id in &hits {
        let i = initiatives::Entity::find_by_id(*id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let text = format!("{} {}", i.title, i.description).to_lowercase();
        assert!(text.contains("repai"), "{}", i.title);
    }
    // Two words must both match.
    let (_, both) = json(app, "/api/v1/initiatives?q=repair%20lombok").await;
    assert!(ids(&both).contains(&target.id));
    let (_, other) = json(app, "/api/v1/initiatives?q=repair%20xylofoon").await;
    assert!(ids(&other).is_empty());
    let (_, none) = json(app, "/api/v1/initiatives?q=xylofoonorkest").await;
    assert!(ids(&none).is_empty());
    // Search syntax is not passed through: quotes, stars and operators are words or nothing.
    let (status, _) = json(
        app,
        "/api/v1/initiatives?q=%22OR%22%20*%20NEAR(a%20b)%20%26%20!",
    )
    .await;
    assert_eq!(status, 200);

    // The page: filters in the URL, results, and a clear word when nothing matches.
    let page = app.get("/initiatives?q=repair").await.text().await.unwrap();
    assert!(page.contains("Repair café Lombok"), "{page}");
    let page = app
        .get("/initiatives?q=xylofoonorkest")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Niets gevonden"), "{page}");

    // CSV: the same rows as the API.
    let resp = app.get("/initiatives.csv?neighbourhood=lombok").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let csv_ids: Vec<i64> = reader
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    assert_eq!(csv_ids, in_lombok);
}

#[tokio::test]
async fn the_public_list_filters_searches_and_pages_on_sqlite() {
    let app = spawn_app().await;
    lists_filter_search_and_page_on(&app).await;
}

#[tokio::test]
async fn the_public_list_filters_searches_and_pages_on_postgres() {
    if let Some(app) = spawn_app_on(Backend::Postgres).await {
        lists_filter_search_and_page_on(&app).await;
    }
}

#[tokio::test]
async fn bad_parameters_get_a_400_naming_them_and_the_page_says_so_in_dutch() {
    let app = spawn_app().await;
    app.seed_demo().await;
    for (query, param) in [
        ("year=twee", "year"),
        ("year=1850", "year"),
        ("kind=feest", "kind"),
        ("status=draft", "status"),
        ("status=rejected", "status"),
        ("neighbourhood=Lombok%21", "neighbourhood"),
        ("after=-1", "after"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("sort=title", "sort"),
        ("q=a&q=b", "q"),
    ] {
        for path in ["/api/v1/initiatives", "/initiatives.csv"] {
            let (status, body) = json(&app, &format!("{path}?{query}")).await;
            assert_eq!(status, 400, "{path}?{query}");
            assert_eq!(body["param"], param, "{path}?{query}: {body}");
            assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
    }
    let (status, body) = json(&app, "/api/v1/initiatives/abc").await;
    assert_eq!((status, body["param"].as_str()), (400, Some("id")));
    let (status, body) = json(&app, "/api/v1/initiatives/999999").await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not found")));
    let draft = app.initiative("Computercursus voor beginners").await;
    let (status, _) = json(&app, &format!("/api/v1/initiatives/{}", draft.id)).await;
    assert_eq!(status, 404, "a draft is not public");
    let (status, _) = json(&app, "/api/v1/neighbourhoods/nergens").await;
    assert_eq!(status, 404);
    let (status, body) = json(&app, "/api/v1/neighbourhoods/NERGENS!").await;
    assert_eq!((status, body["param"].as_str()), (400, Some("slug")));

    // The page keeps what was typed and explains next to the field.
    let resp = app.get("/initiatives?year=twee").await;
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(page.contains("id=\"year-error\""), "{page}");
    assert!(page.contains("Vul een jaar in"), "{page}");
    assert!(page.contains("aria-invalid=\"true\""));
    let page = app
        .get("/initiatives?kind=feest")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"kind-error\""));
}

#[tokio::test]
async fn neighbourhood_figures_equal_the_ledger() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let (status, list) = json(&app, "/api/v1/neighbourhoods").await;
    assert_eq!(status, 200);
    let areas = neighbourhoods::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), areas.len());
    for area in &areas {
        // What the ledger says this neighbourhood's initiatives hold.
        let mut committed = 0;
        let mut paid = 0;
        for i in initiatives::Entity::find()
            .filter(initiatives::Column::NeighbourhoodId.eq(area.id))
            .all(&app.db)
            .await
            .unwrap()
        {
            committed += ledger::balance(&app.db, AccountKey::InitiativeGranted(i.id))
                .await
                .unwrap()
                .0;
            paid += ledger::balance(&app.db, AccountKey::InitiativePaid(i.id))
                .await
                .unwrap()
                .0;
        }
        let summary = list
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["slug"] == area.slug.as_str())
            .unwrap();
        assert_eq!(summary["committed_cents"], committed, "{}", area.slug);
        assert_eq!(summary["paid_cents"], paid, "{}", area.slug);

        let (status, detail) = json(&app, &format!("/api/v1/neighbourhoods/{}", area.slug)).await;
        assert_eq!(status, 200);
        assert_eq!(detail["committed_cents"], committed);
        assert_eq!(detail["paid_cents"], paid);
        let budget = detail["budget_cents"].as_i64().unwrap();
        let remaining = detail["remaining_cents"].as_i64().unwrap();
        assert!(remaining <= budget);
        // This year's last month holds what the ledger holds now.
        let last = detail["months"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["drawn_cents"], committed + paid, "{}", area.slug);
        assert_eq!(last["paid_cents"], paid);

        let page = app
            .get(&format!("/neighbourhoods/{}", area.slug))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&area.name));
        assert!(page.contains("<svg"), "a chart");
        assert!(page.contains("<table"), "its text alternative");
    }
    assert!(detail_has_a_decision_pace(&app).await);
    let resp = app.get("/neighbourhoods/nergens").await;
    assert_eq!(resp.status(), 404);
    let resp = app.get("/neighbourhoods.csv").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap().lines().count(), areas.len() + 1);
}

async fn detail_has_a_decision_pace(app: &TestApp) -> bool {
    let (_, detail) = json(app, "/api/v1/neighbourhoods/lombok").await;
    detail["median_days_to_decision"].as_f64().is_some()
}

#[tokio::test]
async fn openapi_feed_sitemap_and_opengraph_describe_the_public_data() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let (status, doc) = json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/initiatives",
        "/api/v1/initiatives/{id}",
        "/api/v1/neighbourhoods",
        "/api/v1/neighbourhoods/{slug}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    let params: Vec<&str> = doc["paths"]["/api/v1/initiatives"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for p in [
        "q",
        "neighbourhood",
        "kind",
        "status",
        "year",
        "after",
        "limit",
    ] {
        assert!(params.contains(&p), "{p} in {params:?}");
    }
    assert!(doc["components"]["schemas"]["OpenInitiative"].is_object());

    let funded: Vec<initiatives::Model> = initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .filter(initiatives::Column::FundedAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(!funded.is_empty());
    let resp = app.get("/feed.xml").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let feed = atom_syndication::Feed::read_from(resp.text().await.unwrap().as_bytes())
        .expect("a valid Atom feed");
    assert_eq!(feed.entries().len(), funded.len());
    for i in &funded {
        assert!(
            feed.entries().iter().any(|e| e.title().as_str() == i.title
                && e.links()[0]
                    .href()
                    .ends_with(&format!("/initiatives/{}", i.id))),
            "{} in the feed",
            i.title
        );
    }

    let index = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(index.contains("<sitemapindex"));
    assert!(index.contains("/sitemaps/pages.xml"));
    assert!(index.contains("/sitemaps/initiatives-0.xml"));
    let pages = app.get("/sitemaps/pages.xml").await.text().await.unwrap();
    assert!(pages.contains("/neighbourhoods/lombok</loc>"));
    let list = app
        .get("/sitemaps/initiatives-0.xml")
        .await
        .text()
        .await
        .unwrap();
    for id in public_ids(&app).await {
        assert!(list.contains(&format!("/initiatives/{id}</loc>")), "{id}");
    }
    assert_eq!(app.get("/sitemaps/initiatives-7.xml").await.status(), 404);
    // A page number whose offset overflows a u64 is simply not there (it panicked).
    for huge in ["461168601842738", "18446744073709551615"] {
        let resp = app.get(&format!("/sitemaps/initiatives-{huge}.xml")).await;
        assert_eq!(resp.status(), 404, "{huge}");
    }

    let one = &funded[0];
    let page = app
        .get(&format!("/initiatives/{}", one.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("property=\"og:title\""), "{page}");
    assert!(page.contains("property=\"og:url\""));
    assert!(page.contains(&format!("/initiatives/{}\"", one.id)));
}

/// Every page, API answer, feed and download a visitor can reach (of the
/// data in the database now).
pub(crate) async fn public_paths(app: &TestApp) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/",
        "/initiatives",
        "/neighbourhoods",
        "/api/v1/initiatives?limit=100",
        "/api/v1/neighbourhoods",
        "/api/v1/openapi.json",
        "/initiatives.csv",
        "/neighbourhoods.csv",
        "/feed.xml",
        "/sitemap.xml",
        "/sitemaps/pages.xml",
        "/sitemaps/initiatives-0.xml",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for id in public_ids(app).await {
        paths.push(format!("/initiatives/{id}"));
        paths.push(format!("/api/v1/initiatives/{id}"));
        paths.push(format!("/sf/load_public_initiative?id={id}"));
    }
    for n in neighbourhoods::Entity::find().all(&app.db).await.unwrap() {
        paths.push(format!("/neighbourhoods/{}", n.slug));
        paths.push(format!("/api/v1/neighbourhoods/{}", n.slug));
        paths.push(format!("/initiatives?neighbourhood={}", n.slug));
    }
    paths.push("/sf/recent_funded".into());
    paths.push("/sf/list_neighbourhoods".into());
    paths
}

/// Every private field of every initiative and person gets a marker; no
/// marker may appear on any page, API answer, feed or download the public
/// can reach.
#[tokio::test]
async fn no_private_field_reaches_any_public_place() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let marker = |what: &str, id: i64| format!("PRIVATE{what}{id}X");
    let mut markers = Vec::new();

    for u in users::Entity::find().all(&app.db).await.unwrap() {
        let id = u.id;
        let consented = u.public_name_consent;
        let mut m = u.into_active_model();
        m.email = Set(format!("{}@example.test", marker("MAIL", id)));
        m.phone = Set(Some(marker("PHONE", id)));
        m.address = Set(Some(marker("ADDRESS", id)));
        m.iban = Set(Some(marker("IBAN", id)));
        m.stripe_account_id = Set(Some(marker("STRIPE", id)));
        // A full name is private; the coach's first name is public.
        m.display_name = Set(format!("Voornaam {}", marker("SURNAME", id)));
        if !consented {
            m.public_name = Set(Some(marker("NOCONSENT", id)));
        }
        m.update(&app.db).await.unwrap();
        for what in ["MAIL", "PHONE", "ADDRESS", "IBAN", "STRIPE", "SURNAME"] {
            markers.push(marker(what, id));
        }
        if !consented {
            markers.push(marker("NOCONSENT", id));
        }
    }
    for i in initiatives::Entity::find().all(&app.db).await.unwrap() {
        let id = i.id;
        let public = i.is_public;
        messages::ActiveModel {
            initiative_id: Set(id),
            author_id: Set(Some(i.initiator_id)),
            body: Set(marker("MESSAGE", id)),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        events::ActiveModel {
            initiative_id: Set(id),
            actor_id: Set(i.coach_id),
            action: Set("message".into()),
            from_state: Set(Some(i.state.clone())),
            to_state: Set(i.state.clone()),
            reason: Set(Some(marker("REASON", id))),
            at: Set(now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        markers.push(marker("MESSAGE", id));
        markers.push(marker("REASON", id));
        let mut m = i.into_active_model();
        m.approval_conditions = Set(Some(marker("CONDITIONS", id)));
        if !public {
            // Nothing of a non-public initiative is public, its title included.
            m.title = Set(marker("HIDDENTITLE", id));
            m.description = Set(marker("HIDDENTEXT", id));
            markers.push(marker("HIDDENTITLE", id));
            markers.push(marker("HIDDENTEXT", id));
        }
        m.update(&app.db).await.unwrap();
        markers.push(marker("CONDITIONS", id));
    }
    for line in own_strength_lines::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
    {
        let id = line.id;
        let mut m = line.into_active_model();
        m.who = Set(marker("HELPER", id));
        m.update(&app.db).await.unwrap();
        markers.push(marker("HELPER", id));
    }
    // Gifts: the payment's ids never show, nor the name on a gift not paid.
    for i in initiatives::Entity::find().all(&app.db).await.unwrap() {
        let id = i.id;
        for (state, name) in [("paid", None), ("pending", Some(marker("UNPAIDGIFT", id)))] {
            app::ssr::entities::donations::ActiveModel {
                initiative_id: Set(id),
                cents: Set(1_000),
                match_cents: Set(0),
                display_name: Set(name),
                state: Set(state.into()),
                stripe_checkout_session_id: Set(Some(marker(&format!("CHECKOUT{state}"), id))),
                stripe_payment_intent_id: Set(Some(marker(&format!("INTENT{state}"), id))),
                stripe_charge_id: Set(Some(marker(&format!("CHARGE{state}"), id))),
                created_at: Set(now()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            for what in ["CHECKOUT", "INTENT", "CHARGE"] {
                markers.push(marker(&format!("{what}{state}"), id));
            }
        }
        markers.push(marker("UNPAIDGIFT", id));
    }
    assert!(ledger_accounts::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .is_some());

    // Everything a visitor can reach.
    let paths = public_paths(&app).await;
    let mut checked = 0;
    for path in &paths {
        let resp = app.get(path).await;
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        let body = resp.text().await.unwrap();
        for m in &markers {
            assert!(!body.contains(m.as_str()), "{m} leaked on {path}");
        }
        checked += 1;
    }
    assert!(checked > 20);
    // The coach's first name is public, their surname is not.
    let funded = initiatives::Entity::find()
        .filter(initiatives::Column::IsPublic.eq(true))
        .filter(initiatives::Column::CoachId.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let page = app
        .get(&format!("/initiatives/{}", funded.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.replace("<!>", "").contains("Buurtcoach: Voornaam"),
        "{page}"
    );
}

/// The nonce in a response's CSP header.
fn csp_nonce(resp: &reqwest::Response) -> String {
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_string()
}

#[tokio::test]
async fn visitors_are_served_from_a_short_cache_with_a_fresh_nonce_and_signed_in_people_never() {
    let app = spawn_app_configured(Backend::Sqlite, |s| s.public_cache_ms = 800)
        .await
        .unwrap();
    app.seed_demo().await;
    let funded = app.initiative("Repair café Lombok").await;
    let path = format!("{}/initiatives/{}", app.address, funded.id);
    let visitor = reqwest::Client::new();

    let first = visitor.get(&path).send().await.unwrap();
    let first_nonce = csp_nonce(&first);
    let first_body = first.text().await.unwrap();
    assert!(first_body.contains(&first_nonce));

    // Renamed in the database: visitors see the kept page for a moment, each
    // time with the nonce of their own response.
    let mut m = funded.clone().into_active_model();
    m.title = Set("Repair café Lombok vernieuwd".into());
    m.update(&app.db).await.unwrap();
    let second = visitor.get(&path).send().await.unwrap();
    let second_nonce = csp_nonce(&second);
    let second_body = second.text().await.unwrap();
    assert_ne!(first_nonce, second_nonce);
    assert!(second_body.contains(&second_nonce));
    assert!(!second_body.contains(&first_nonce), "no nonce is reused");
    assert!(!second_body.contains("vernieuwd"), "served from the cache");
    assert_eq!(
        second_body.replace(&second_nonce, "N"),
        first_body.replace(&first_nonce, "N")
    );

    // Signed-in people always get a fresh page.
    app.sign_in("kees@buurtfonds.test").await;
    let own = app.get(&format!("/initiatives/{}", funded.id)).await;
    assert!(own.text().await.unwrap().contains("vernieuwd"));

    // And after the time to live, visitors too.
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    let later = visitor
        .get(&path)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(later.contains("vernieuwd"));

    // Not cached: a page that is not public.
    let login = format!("{}/login", app.address);
    let a = visitor.get(&login).send().await.unwrap();
    let b = visitor.get(&login).send().await.unwrap();
    assert_ne!(a.headers().get("set-cookie"), None);
    assert_ne!(csp_nonce(&a), csp_nonce(&b));
}

/// CSV formula injection: a public name or a title that starts like a
/// formula (`=HYPERLINK(…)`) reaches the open-data CSV and the admin's audit
/// CSV as text — with a leading `'` — never as something a spreadsheet runs.
#[tokio::test]
async fn csv_downloads_never_carry_a_formula() {
    use sea_orm::ActiveValue::Set;
    let app = spawn_app().await;
    app.seed_demo().await;
    let evil = "=HYPERLINK(\"https://evil.example\",\"klik\")";
    let funded = initiatives::Entity::find()
        .filter(initiatives::Column::State.eq("funded"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    users::Entity::update(users::ActiveModel {
        id: Set(funded.initiator_id),
        public_name: Set(Some(evil.into())),
        public_name_consent: Set(true),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    initiatives::Entity::update(initiatives::ActiveModel {
        id: Set(funded.id),
        title: Set("+31 buren helpen elkaar".into()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let body = app.text("/initiatives.csv").await;
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| r[0] == funded.id.to_string())
        .expect("the funded initiative is in the file");
    assert_eq!(&row[1], "'+31 buren helpen elkaar");
    assert_eq!(&row[9], format!("'{evil}"));
    for record in csv::Reader::from_reader(body.as_bytes()).records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }

    // The audit log: draft titles of any resident reach the admin's file.
    app.sign_in("admin@buurtfonds.test").await;
    let audit = app.text("/admin/audit.csv").await;
    for record in csv::Reader::from_reader(audit.as_bytes()).records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
    assert!(audit.contains("'+31 buren helpen elkaar"), "{audit}");
}
