//! Administration over HTTP: only admins get in; neighbourhoods, funds
//! (budgets booked in the ledger), coaches invited by mail with a mandate and
//! neighbourhoods, and the audit log with filters and a CSV export.

use app::domain::Cents;
use app::ssr::entities::{
    coach_mandates, coach_neighbourhoods, fund_neighbourhoods, funds, neighbourhoods, users,
};
use app::ssr::services::ledger;
use buurtfonds_tests::spawn_app;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const ADMIN: &str = "admin@buurtfonds.test";

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn only_admins_get_in_and_nothing_changes_for_anyone_else() {
    let app = spawn_app().await;
    app.seed_demo().await;
    assert_eq!(location(&app.get("/admin").await), "/login?next=%2Fadmin");
    assert_eq!(
        location(&app.get("/admin/audit.csv").await),
        "/login?next=%2Fadmin%2Faudit"
    );
    let before = neighbourhoods::Entity::find().count(&app.db).await.unwrap();
    for who in ["kees@buurtfonds.test", "sanne.coach@buurtfonds.test"] {
        app.sign_in(who).await;
        assert_eq!(app.get("/sf/admin_overview").await.status(), 403, "{who}");
        assert_eq!(app.get("/admin/audit.csv").await.status(), 403, "{who}");
        let resp = app
            .post_form(
                "/sf/save_neighbourhood",
                &[
                    ("slug", "stiekem"),
                    ("name", "Stiekem"),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(resp.status(), 403, "{who}");
        app.post_form("/sf/sign_out", &[]).await;
    }
    assert_eq!(
        neighbourhoods::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}

#[tokio::test]
async fn an_admin_sets_up_a_neighbourhood_and_a_fund_whose_budget_is_in_the_ledger() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(ADMIN).await;
    let resp = app
        .post_form(
            "/sf/save_neighbourhood",
            &[
                ("slug", "Oude West!"),
                ("name", "Oude West"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/admin#neighbourhoods");
    assert!(app
        .get("/admin")
        .await
        .text()
        .await
        .unwrap()
        .contains("kleine letters, cijfers of streepjes"));
    let resp = app
        .post_form(
            "/sf/save_neighbourhood",
            &[
                ("slug", "oude-west"),
                ("name", "Oude West"),
                ("description", "Rond het park"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/admin?notice=saved#neighbourhoods");
    let nbh = neighbourhoods::Entity::find()
        .filter(neighbourhoods::Column::Slug.eq("oude-west"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("created");
    // The same address twice is refused.
    app.post_form(
        "/sf/save_neighbourhood",
        &[
            ("slug", "oude-west"),
            ("name", "Dubbel"),
            ("description", ""),
        ],
    )
    .await;
    assert_eq!(
        neighbourhoods::Entity::find()
            .filter(neighbourhoods::Column::Slug.eq("oude-west"))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );

    let fund_fields = |budget: &'static str, max: &'static str| {
        vec![
            ("name", "Buurtfonds Oude West 2027"),
            ("period_start", "2027-01-01"),
            ("period_end", "2027-12-31"),
            ("budget", budget),
            ("max_grant", max),
            ("match_percent", "100"),
            ("match_cap", "250"),
        ]
    };
    // A maximum grant above the budget is refused.
    app.post_form("/sf/save_fund", &fund_fields("1000", "2000"))
        .await;
    assert_eq!(
        funds::Entity::find()
            .filter(funds::Column::Name.eq("Buurtfonds Oude West 2027"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let resp = app
        .post_form("/sf/save_fund", &fund_fields("20.000", "1.500"))
        .await;
    assert_eq!(location(&resp), "/admin?notice=saved#funds");
    let fund = funds::Entity::find()
        .filter(funds::Column::Name.eq("Buurtfonds Oude West 2027"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("fund");
    assert_eq!(
        (
            fund.budget_cents,
            fund.max_grant_cents,
            fund.match_percent,
            fund.match_cap_cents
        ),
        (2_000_000, 150_000, 100, 25_000)
    );
    let f = ledger::fund_figures(&app.db, fund.id).await.unwrap();
    assert_eq!(
        (f.budget, f.remaining),
        (Cents::euros(20_000), Cents::euros(20_000))
    );

    // Raising and lowering the budget books the difference.
    let id = fund.id.to_string();
    let mut fields = fund_fields("25000", "1500");
    fields.push(("id", &id));
    app.post_form("/sf/save_fund", &fields).await;
    assert_eq!(
        ledger::fund_figures(&app.db, fund.id)
            .await
            .unwrap()
            .remaining,
        Cents::euros(25_000)
    );
    let mut fields = fund_fields("18000", "1500");
    fields.push(("id", &id));
    app.post_form("/sf/save_fund", &fields).await;
    let f = ledger::fund_figures(&app.db, fund.id).await.unwrap();
    assert_eq!(
        (f.budget, f.remaining),
        (Cents::euros(18_000), Cents::euros(18_000))
    );
    assert_eq!(ledger::total(&app.db).await.unwrap(), 0);

    let resp = app
        .post_form(
            "/sf/toggle_fund_neighbourhood",
            &[("fund_id", &id), ("neighbourhood_id", &nbh.id.to_string())],
        )
        .await;
    assert_eq!(location(&resp), "/admin?notice=saved#funds");
    assert!(fund_neighbourhoods::Entity::find_by_id((fund.id, nbh.id))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());

    // A budget below what is committed is refused, and nothing is booked.
    let demo_fund = app.initiative("Repair café Lombok").await.fund_id.unwrap();
    let demo = funds::Entity::find_by_id(demo_fund)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let demo_id = demo_fund.to_string();
    let resp = app
        .post_form(
            "/sf/save_fund",
            &[
                ("id", demo_id.as_str()),
                ("name", demo.name.as_str()),
                ("period_start", &demo.period_start.to_string()),
                ("period_end", &demo.period_end.to_string()),
                ("budget", "10"),
                ("max_grant", "10"),
                ("match_percent", "0"),
                ("match_cap", "0"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/admin#funds");
    assert_eq!(
        funds::Entity::find_by_id(demo_fund)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .budget_cents,
        demo.budget_cents
    );
    let page = app.get("/admin").await.text().await.unwrap();
    assert!(page.contains("Zoveel is niet meer vrij"));
}

#[tokio::test]
async fn an_invited_coach_chooses_a_password_and_works_within_mandate_and_neighbourhoods() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(ADMIN).await;
    let resp = app
        .post_form(
            "/sf/invite_coach",
            &[
                ("display_name", "Noor Amrani"),
                ("email", "Noor@Example.org"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/admin?notice=coach_invited#coaches");
    let noor = users::Entity::find()
        .filter(users::Column::Email.eq("noor@example.org"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("invited");
    assert_eq!(noor.role, "coach");
    assert!(noor.password_hash.is_none());

    let resp = app
        .post_form(
            "/sf/set_mandate",
            &[("coach_id", &noor.id.to_string()), ("mandate", "750")],
        )
        .await;
    assert_eq!(location(&resp), "/admin?notice=saved#coaches");
    assert_eq!(
        coach_mandates::Entity::find_by_id(noor.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .max_cents,
        75_000
    );
    let lombok = app
        .initiative("Repair café Lombok")
        .await
        .neighbourhood_id
        .unwrap();
    app.post_form(
        "/sf/toggle_coach_neighbourhood",
        &[
            ("coach_id", &noor.id.to_string()),
            ("neighbourhood_id", &lombok.to_string()),
        ],
    )
    .await;
    assert!(coach_neighbourhoods::Entity::find_by_id((noor.id, lombok))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
    // A resident is no coach: no mandate for them.
    let kees = app.user_id("kees@buurtfonds.test").await;
    let resp = app
        .post_form(
            "/sf/set_mandate",
            &[("coach_id", &kees.to_string()), ("mandate", "750")],
        )
        .await;
    assert_eq!(resp.status(), 404);

    let mail = app
        .outbox()
        .pop()
        .unwrap()
        .replace("=\r\n", "")
        .replace("=3D", "=");
    assert!(mail.contains("To: noor@example.org"));
    let at = mail.find("/reset?token=").expect("a link") + "/reset?token=".len();
    let token: String = mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    app.post_form("/sf/sign_out", &[]).await;
    let resp = app
        .post_form(
            "/sf/reset_password",
            &[("token", &token), ("password", "een goed wachtwoord")],
        )
        .await;
    assert!(location(&resp).starts_with("/login"), "{}", location(&resp));
    let resp = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "noor@example.org"),
                ("password", "een goed wachtwoord"),
                ("next", "/coach"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/coach");
    let queue = app.get("/coach").await.text().await.unwrap();
    assert!(
        queue.contains("Wachtrij") && queue.contains("750"),
        "the queue with the mandate"
    );
}

#[tokio::test]
async fn the_audit_log_filters_and_exports_every_step_as_csv() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in(ADMIN).await;
    let zaden = app
        .initiative("Zadenbibliotheek in de buurtmoestuin")
        .await
        .id;
    let all = app.get("/admin/audit").await.text().await.unwrap();
    assert!(all.contains("Zadenbibliotheek") && all.contains("Burendag"));

    let only = app
        .get(&format!("/admin/audit?initiative={zaden}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(only.contains("Zadenbibliotheek") && !only.contains("Burendag"));
    let asked = app
        .get("/admin/audit?kind=ask_changes")
        .await
        .text()
        .await
        .unwrap();
    assert!(asked.contains("Zadenbibliotheek") && !asked.contains("Burendag"));
    let by = app
        .get("/admin/audit?person=joris")
        .await
        .text()
        .await
        .unwrap();
    assert!(by.contains("Joris Bakker") && !by.contains("Sanne de Vries"));
    let future = app
        .get("/admin/audit?from=2999-01-01")
        .await
        .text()
        .await
        .unwrap();
    assert!(future.contains("Geen stappen gevonden."));

    let resp = app
        .get(&format!("/admin/audit.csv?initiative={zaden}"))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let body = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header[..6],
        ["id", "at", "initiative_id", "initiative", "actor", "action"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let actions: Vec<&str> = rows.iter().map(|r| &r[5]).collect();
    assert_eq!(
        actions,
        ["ask_changes", "claim", "submit", "create"],
        "newest first, every step"
    );
    assert!(rows.iter().all(|r| &r[2] == zaden.to_string().as_str()));
    assert!(rows[0][9].contains("schets"), "the reason, quoted as CSV");
}
