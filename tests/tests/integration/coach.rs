//! The coach's side: the queue, decisions within the mandate and with four
//! eyes above it, the manual payout — and a fund that is never overspent,
//! also when many coaches approve at the same moment.

use app::domain::{Action, Cents};
use app::ssr::entities::{
    coach_mandates, coach_neighbourhoods, events, initiatives, notifications, payouts, users,
};
use app::ssr::error::ServiceError;
use app::ssr::services::{ledger, lifecycle, now};
use buurtfonds_tests::{spawn_app, spawn_app_on, Backend, TestApp};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn location(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A coach with `mandate` for a new neighbourhood whose fund has `budget`,
/// and `count` initiatives of `asked` each, claimed by that coach.
async fn crowded_fund(
    app: &TestApp,
    budget: Cents,
    count: usize,
    asked: Cents,
) -> (i64, i64, Vec<i64>) {
    let db = &app.db;
    let nbh = server::seed::create_neighbourhood(db, "druk", "Drukke buurt", "")
        .await
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    let fund = server::seed::create_fund(
        db,
        "Krap fonds",
        (
            today - chrono::Duration::days(30),
            today + chrono::Duration::days(300),
        ),
        budget,
        asked,
        (0, Cents::ZERO),
        &[nbh],
    )
    .await
    .unwrap();
    let person = |email: &str, role: &str| users::ActiveModel {
        email: Set(email.into()),
        password_hash: Set(None),
        display_name: Set(email.into()),
        public_name: Set(None),
        public_name_consent: Set(false),
        role: Set(role.into()),
        locale: Set("nl".into()),
        stripe_payouts_enabled: Set(false),
        verified_at: Set(Some(now())),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    };
    let coach = users::Entity::insert(person("drukke.coach@example.org", "coach"))
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
    let resident = users::Entity::insert(person("bewoner@example.org", "resident"))
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
    coach_mandates::Entity::insert(coach_mandates::ActiveModel {
        coach_id: Set(coach),
        max_cents: Set(asked.0),
        set_by: Set(None),
        updated_at: Set(now()),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    coach_neighbourhoods::Entity::insert(coach_neighbourhoods::ActiveModel {
        coach_id: Set(coach),
        neighbourhood_id: Set(nbh),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..count {
        let id = initiatives::Entity::insert(initiatives::ActiveModel {
            kind: Set("activity".into()),
            title: Set(format!("Buurtactiviteit {n}")),
            description: Set("Samen iets doen in de buurt.".into()),
            beneficiaries: Set("Buren".into()),
            neighbourhood_id: Set(Some(nbh)),
            fund_id: Set(Some(fund)),
            state: Set("draft".into()),
            wizard_step: Set("review".into()),
            amount_asked_cents: Set(asked.0),
            initiator_id: Set(resident),
            created_at: Set(now()),
            updated_at: Set(now()),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap()
        .last_insert_id;
        lifecycle::record_created(db, id, resident, now())
            .await
            .unwrap();
        lifecycle::perform(db, id, Some(resident), Action::Submit, None)
            .await
            .unwrap();
        lifecycle::perform(db, id, Some(coach), Action::Claim, None)
            .await
            .unwrap();
        ids.push(id);
    }
    (fund, coach, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_approvals_never_overspend_a_fund_with_room_for_fifty() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let (fund, coach, ids) =
            crowded_fund(&app, Cents::euros(5_000), 200, Cents::euros(100)).await;
        let tasks: Vec<_> = ids
            .iter()
            .map(|&id| {
                let db = app.db.clone();
                tokio::spawn(async move {
                    lifecycle::perform(
                        &db,
                        id,
                        Some(coach),
                        Action::Approve {
                            amount: Cents::euros(100),
                        },
                        None,
                    )
                    .await
                })
            })
            .collect();
        let mut approved = 0;
        let mut exhausted = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => approved += 1,
                Err(ServiceError::Ledger(app::domain::ledger::LedgerError::FundExhausted {
                    ..
                })) => exhausted += 1,
                Err(other) => panic!("{backend:?}: unexpected {other:?}"),
            }
        }
        assert_eq!((approved, exhausted), (50, 150), "{backend:?}");
        let states: Vec<String> = initiatives::Entity::find()
            .filter(initiatives::Column::FundId.eq(fund))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.state)
            .collect();
        assert_eq!(states.iter().filter(|s| *s == "approved").count(), 50);
        assert_eq!(
            states.iter().filter(|s| *s == "in_review").count(),
            150,
            "the refused ones are unchanged"
        );
        let approvals = events::Entity::find()
            .filter(events::Column::Action.eq("approve"))
            .filter(events::Column::InitiativeId.is_in(ids.clone()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(approvals, 50);
        assert_eq!(
            ledger::total(&app.db).await.unwrap(),
            0,
            "the ledger sums to zero"
        );
        let f = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(f.committed, Cents::euros(5_000));
        assert_eq!(f.remaining, Cents::ZERO);
        assert_eq!(f.remaining, f.budget - f.committed - f.paid, "to the cent");
    }
}

const JORIS: &str = "joris.coach@buurtfonds.test";
const SANNE: &str = "sanne.coach@buurtfonds.test";

#[tokio::test]
async fn residents_and_visitors_cannot_use_the_queue() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let resp = app.get("/coach").await;
    assert_eq!(location(&resp), "/login?next=%2Fcoach");
    app.sign_in("kees@buurtfonds.test").await;
    assert_eq!(app.get("/sf/coach_queue").await.status(), 403);
    let id = app
        .initiative("Zadenbibliotheek in de buurtmoestuin")
        .await
        .id;
    assert_eq!(
        app.get(&format!("/sf/coach_initiative?id={id}"))
            .await
            .status(),
        404
    );
    let resp = app
        .post_form(
            "/sf/coach_step",
            &[
                ("id", &id.to_string()),
                ("step", "reject"),
                ("reason", "Nee"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(
        app.initiative("Zadenbibliotheek in de buurtmoestuin")
            .await
            .state,
        "changes_requested"
    );
}

#[tokio::test]
async fn a_coach_claims_asks_approves_above_the_mandate_an_admin_cosigns_and_the_payout_is_recorded(
) {
    let app = spawn_app().await;
    app.seed_demo().await;
    // Kees submits his computer course in Centrum, where Sanne coaches.
    app.sign_in("kees@buurtfonds.test").await;
    let course = app.initiative("Computercursus voor beginners").await;
    let id = course.id;
    let id_s = id.to_string();
    let resp = app
        .post_form("/sf/submit_initiative", &[("id", &id_s)])
        .await;
    assert_eq!(
        location(&resp),
        format!("/me/initiatives/{id}?notice=submitted")
    );

    app.switch_to(SANNE).await;
    let queue = app.get("/coach").await.text().await.unwrap();
    assert!(
        queue.contains("Computercursus voor beginners"),
        "in Sanne's queue"
    );
    let step = |step: &'static str, extra: Vec<(&'static str, String)>| {
        let id_s = id_s.clone();
        let app = &app;
        async move {
            let mut fields: Vec<(&str, String)> = vec![("id", id_s), ("step", step.into())];
            fields.extend(extra);
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/sf/coach_step", &pairs).await
        }
    };
    let resp = step("claim", vec![]).await;
    assert_eq!(
        location(&resp),
        format!("/coach/initiatives/{id}?notice=step_done")
    );
    assert_eq!(
        app.initiative(&course.title).await.coach_id,
        Some(app.user_id(SANNE).await)
    );

    // Asking for changes needs a reason the resident sees.
    let resp = step("ask_changes", vec![]).await;
    assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
    assert_eq!(app.initiative(&course.title).await.state, "in_review");
    step(
        "ask_changes",
        vec![("reason", "Welke cursus precies, en waar?".into())],
    )
    .await;
    assert_eq!(
        app.initiative(&course.title).await.state,
        "changes_requested"
    );
    let kees = app.user_id("kees@buurtfonds.test").await;
    assert!(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(kees))
        .filter(notifications::Column::Kind.eq("ask_changes"))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());

    app.switch_to("kees@buurtfonds.test").await;
    let page = app
        .get(&format!("/me/initiatives/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Welke cursus precies, en waar?"),
        "the resident sees the question"
    );
    app.post_form("/sf/submit_initiative", &[("id", &id_s)])
        .await;
    assert_eq!(app.initiative(&course.title).await.state, "submitted");

    app.switch_to(SANNE).await;
    step("claim", vec![]).await;
    // More than asked is refused next to the amount.
    let asked = app.initiative(&course.title).await.amount_asked_cents;
    let too_much = Cents(asked + 100)
        .format_nl()
        .replace("€", "")
        .trim()
        .to_string();
    step("approve", vec![("amount", too_much)]).await;
    assert_eq!(app.initiative(&course.title).await.state, "in_review");
    // Above Sanne's mandate the approval waits for a second person.
    let sanne = app.user_id(SANNE).await;
    let mut mandate: coach_mandates::ActiveModel = coach_mandates::Entity::find_by_id(sanne)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    mandate.max_cents = Set(asked - 1);
    sea_orm::ActiveModelTrait::update(mandate, &app.db)
        .await
        .unwrap();
    let amount = format!("{}", asked / 100);
    step(
        "approve",
        vec![
            ("amount", amount),
            ("reason", "Na de cursus een verslag.".into()),
        ],
    )
    .await;
    let waiting = app.initiative(&course.title).await;
    assert_eq!(waiting.state, "awaiting_cosign");
    let fund = waiting.fund_id.unwrap();
    let before = ledger::fund_figures(&app.db, fund).await.unwrap();
    // Never the approver.
    let resp = step("co_sign", vec![]).await;
    assert!(resp.status().is_client_error());
    assert_eq!(app.initiative(&course.title).await.state, "awaiting_cosign");

    app.switch_to("admin@buurtfonds.test").await;
    let view = app
        .get(&format!("/coach/initiatives/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        view.contains("Na de cursus een verslag."),
        "the co-signer sees the conditions"
    );
    step("co_sign", vec![]).await;
    let approved = app.initiative(&course.title).await;
    assert_eq!(approved.state, "approved");
    let after = ledger::fund_figures(&app.db, fund).await.unwrap();
    assert_eq!(
        after.committed,
        before.committed + Cents(asked),
        "committed on co-signing"
    );

    app.enter_bank_account(id, "Kees Jansen", None).await;
    app.switch_to(SANNE).await;
    let pay = |reference: &'static str| {
        let id_s = id_s.clone();
        let app = &app;
        async move {
            let today = chrono::Utc::now().date_naive().to_string();
            app.post_form(
                "/sf/record_payout",
                &[
                    ("id", &id_s),
                    ("reference", reference),
                    ("transferred_on", &today),
                ],
            )
            .await
        }
    };
    let resp = pay("").await;
    assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
    assert_eq!(app.initiative(&course.title).await.state, "approved");
    let resp = pay("NL-2026-0042").await;
    assert_eq!(
        location(&resp),
        format!("/coach/initiatives/{id}?notice=step_done")
    );
    assert_eq!(app.initiative(&course.title).await.state, "funded");
    // A second click records nothing more.
    let again = pay("NL-2026-0042").await;
    assert!(again.status().is_client_error());
    let recorded = payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].cents, asked);
    assert_eq!(recorded[0].reference.as_deref(), Some("NL-2026-0042"));
    let f = ledger::fund_figures(&app.db, fund).await.unwrap();
    assert_eq!(f.remaining, f.budget - f.committed - f.paid);
    assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn a_coach_of_another_neighbourhood_cannot_claim_or_see() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.sign_in("kees@buurtfonds.test").await;
    let course = app.initiative("Computercursus voor beginners").await;
    app.post_form("/sf/submit_initiative", &[("id", &course.id.to_string())])
        .await;
    // Centrum is Sanne's and Joris's; a coach with only Lombok would be refused.
    // Joris covers Centrum too, so take his Centrum link away.
    let joris = app.user_id(JORIS).await;
    coach_neighbourhoods::Entity::delete_by_id((joris, course.neighbourhood_id.unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    app.switch_to(JORIS).await;
    assert!(!app
        .get("/coach")
        .await
        .text()
        .await
        .unwrap()
        .contains("Computercursus voor beginners"));
    assert_eq!(
        app.get(&format!("/coach/initiatives/{}", course.id))
            .await
            .status(),
        404
    );
    let resp = app
        .post_form(
            "/sf/coach_step",
            &[("id", &course.id.to_string()), ("step", "claim")],
        )
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(app.initiative(&course.title).await.state, "submitted");
}

#[tokio::test]
async fn an_exhausted_fund_says_so_next_to_the_amount_and_changes_nothing() {
    let app = spawn_app().await;
    let (_fund, coach, ids) = crowded_fund(&app, Cents::euros(100), 2, Cents::euros(100)).await;
    lifecycle::perform(
        &app.db,
        ids[0],
        Some(coach),
        Action::Approve {
            amount: Cents::euros(100),
        },
        None,
    )
    .await
    .unwrap();
    // Give the coach a password to sign in with.
    let hash = app::ssr::auth::hash_password("buurtfonds-demo").unwrap();
    let mut c: users::ActiveModel = users::Entity::find_by_id(coach)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into();
    c.password_hash = Set(Some(hash));
    sea_orm::ActiveModelTrait::update(c, &app.db).await.unwrap();
    app.sign_in("drukke.coach@example.org").await;
    let id = ids[1];
    let resp = app
        .post_form(
            "/sf/coach_step",
            &[
                ("id", &id.to_string()),
                ("step", "approve"),
                ("amount", "100"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
    let page = app
        .get(&format!("/coach/initiatives/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Het fonds is op"), "a clear message");
    let i = initiatives::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(i.state, "in_review");
    assert_eq!(i.amount_approved_cents, None);
}

#[tokio::test]
async fn cancelling_an_approved_initiative_returns_its_money_to_the_fund() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let approved = app.initiative("Huiswerkklas in de Vogelbuurt").await;
    let fund = approved.fund_id.unwrap();
    let before = ledger::fund_figures(&app.db, fund).await.unwrap();
    app.sign_in(JORIS).await;
    let id = approved.id.to_string();
    // A reason is needed.
    let resp = app
        .post_form("/sf/coach_step", &[("id", &id), ("step", "cancel")])
        .await;
    assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
    assert_eq!(app.initiative(&approved.title).await.state, "approved");
    app.post_form(
        "/sf/coach_step",
        &[
            ("id", &id),
            ("step", "cancel"),
            ("reason", "De school stopt met het lokaal."),
        ],
    )
    .await;
    let after = app.initiative(&approved.title).await;
    assert_eq!(after.state, "cancelled");
    assert!(!after.is_public);
    let f = ledger::fund_figures(&app.db, fund).await.unwrap();
    let granted = Cents(approved.amount_approved_cents.unwrap());
    assert_eq!(f.remaining, before.remaining + granted, "the money is back");
    assert_eq!(f.committed, before.committed - granted);
    assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    let maria = app.user_id("maria@buurtfonds.test").await;
    assert!(notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(maria))
        .filter(notifications::Column::Kind.eq("cancel"))
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
}

/// Gives coach `email` a mandate of `euros`; returns their id.
async fn give_mandate(app: &TestApp, email: &str, euros: i64) -> i64 {
    let coach = app.user_id(email).await;
    coach_mandates::Entity::update(coach_mandates::ActiveModel {
        coach_id: Set(coach),
        max_cents: Set(Cents::euros(euros).0),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    coach
}

/// Puts `email` on the team of `initiative` as a co-initiator who accepted.
async fn join_team(app: &TestApp, initiative: i64, email: &str) -> i64 {
    use app::ssr::entities::co_initiators;
    let res = co_initiators::Entity::insert(co_initiators::ActiveModel {
        initiative_id: Set(initiative),
        email: Set(email.into()),
        user_id: Set(Some(app.user_id(email).await)),
        invited_at: Set(now()),
        accepted_at: Set(Some(now())),
        token_hash: Set(None),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    res.last_insert_id
}

async fn leave_team(app: &TestApp, row: i64) {
    use app::ssr::entities::co_initiators;
    co_initiators::Entity::delete_by_id(row)
        .exec(&app.db)
        .await
        .unwrap();
}

/// The attacks of the four-eyes issue, on the demo data: a coach co-signs an
/// initiative they proposed, an admin one they co-initiate, a coach approves
/// one whose team they joined after claiming it. Each is refused (403,
/// nothing changed); the same step by someone off the team goes through.
#[tokio::test]
async fn nobody_on_an_initiatives_team_decides_about_it_on_both_databases() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let joris = give_mandate(&app, "joris.coach@buurtfonds.test", 5_000).await;
        let step = |id: i64, step: &'static str, amount: &'static str| {
            let app = &app;
            async move {
                let id = id.to_string();
                app.post_form(
                    "/sf/coach_step",
                    &[
                        ("id", &id),
                        ("step", step),
                        ("amount", amount),
                        ("reason", ""),
                    ],
                )
                .await
            }
        };

        // Awaiting a co-signature (Sanne approved € 1.800 above her mandate).
        let fiets = app.initiative("Opleiding fietsenmaker volgen").await;
        assert_eq!(fiets.state, "awaiting_cosign");
        let ahmed = fiets.initiator_id;
        // Joris proposed it himself: he may not co-sign it.
        initiatives::Entity::update(initiatives::ActiveModel {
            id: Set(fiets.id),
            initiator_id: Set(joris),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
        app.sign_in("joris.coach@buurtfonds.test").await;
        let events_before = events::Entity::find().count(&app.db).await.unwrap();
        assert_eq!(step(fiets.id, "co_sign", "").await.status(), 403);
        // The admin, on the team as a co-initiator: neither.
        let row = join_team(&app, fiets.id, "admin@buurtfonds.test").await;
        app.switch_to("admin@buurtfonds.test").await;
        assert_eq!(step(fiets.id, "co_sign", "").await.status(), 403);
        assert_eq!(
            app.initiative("Opleiding fietsenmaker volgen").await.state,
            "awaiting_cosign"
        );
        assert_eq!(
            events::Entity::find().count(&app.db).await.unwrap(),
            events_before
        );
        // Off the team, with Ahmed its initiator again, Joris co-signs.
        leave_team(&app, row).await;
        initiatives::Entity::update(initiatives::ActiveModel {
            id: Set(fiets.id),
            initiator_id: Set(ahmed),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
        app.switch_to("joris.coach@buurtfonds.test").await;
        let resp = step(fiets.id, "co_sign", "").await;
        assert!(resp.status().is_redirection(), "{}", resp.status());
        assert_eq!(
            app.initiative("Opleiding fietsenmaker volgen").await.state,
            "approved"
        );

        // In review, claimed by Sanne, who then joined its team.
        let bbq = app.initiative("Burendag met barbecue op het plein").await;
        assert_eq!(bbq.state, "in_review");
        let row = join_team(&app, bbq.id, "sanne.coach@buurtfonds.test").await;
        app.switch_to("sanne.coach@buurtfonds.test").await;
        for (what, amount) in [("approve", "100"), ("ask_changes", ""), ("reject", "")] {
            let resp = app
                .post_form(
                    "/sf/coach_step",
                    &[
                        ("id", &bbq.id.to_string()),
                        ("step", what),
                        ("amount", amount),
                        ("reason", "Een reden"),
                    ],
                )
                .await;
            assert_eq!(resp.status(), 403, "{what}");
        }
        assert_eq!(
            app.initiative("Burendag met barbecue op het plein")
                .await
                .state,
            "in_review"
        );
        leave_team(&app, row).await;
        let resp = step(bbq.id, "approve", "100").await;
        assert!(resp.status().is_redirection(), "{}", resp.status());
        assert_eq!(
            app.initiative("Burendag met barbecue op het plein")
                .await
                .state,
            "approved"
        );
    }
}

/// The queue is asked of the database part by part, each with a limit: with
/// thousands of open initiatives a coach's queue lists the first page of
/// each part and counts the rest, and the counts are right. (At 100,000
/// initiatives the old queue loaded every open one and answered 500.)
#[tokio::test]
async fn the_queue_lists_a_page_of_each_part_and_counts_the_rest() {
    use app::api::coach::Queue;
    use app::ssr::services::coach::QUEUE_PAGE;
    let app = spawn_app().await;
    server::seed::bench::seed(&app.db, 5_000).await.unwrap();
    let resp = app
        .post_form(
            "/sf/sign_in",
            &[
                ("email", "coach1@bench.buurtfonds.test"),
                ("password", "buurtfonds-bench"),
                ("next", "/coach"),
            ],
        )
        .await;
    assert_eq!(location(&resp), "/coach");
    let page = app.get("/coach").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let queue: Queue = app.get("/sf/coach_queue").await.json().await.unwrap();
    let coach = app.user_id("coach1@bench.buurtfonds.test").await;
    let mine_open = initiatives::Entity::find()
        .filter(initiatives::Column::CoachId.eq(coach))
        .filter(initiatives::Column::State.is_in([
            "in_review",
            "changes_requested",
            "awaiting_cosign",
            "approved",
            "funded",
            "reporting",
        ]))
        .count(&app.db)
        .await
        .unwrap();
    assert!(
        mine_open > QUEUE_PAGE,
        "the seed gives coach 1 more than a page: {mine_open}"
    );
    assert_eq!(queue.mine_total, mine_open);
    assert_eq!(queue.mine.len() as u64, QUEUE_PAGE);
    assert!(queue.waiting.len() as u64 <= QUEUE_PAGE);
    assert!(queue.cosign.len() as u64 <= QUEUE_PAGE);
    assert!(queue.waiting_total >= queue.waiting.len() as u64);
    assert!(page.contains(&format!("En nog {} initiatieven", mine_open - QUEUE_PAGE)));
    // Longest waiting first.
    let days: Vec<i64> = queue.mine.iter().map(|i| i.days_waiting).collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
}

/// The kinds of the notifications `email` has for initiative `id`.
async fn notified(app: &TestApp, email: &str, id: i64) -> Vec<String> {
    let user = app.user_id(email).await;
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::InitiativeId.eq(id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

/// Approval above the mandate is not approval yet: the resident hears that
/// a second signature is awaited (never "approved"), and everyone who may
/// co-sign — admins, coaches whose mandate covers it — is asked, in-app and
/// by mail with a link to the initiative; never the approver.
#[tokio::test]
async fn a_co_signature_is_asked_of_everyone_who_may_give_it() {
    use app::ssr::entities::mail_outbox;
    let app = spawn_app().await;
    app.seed_demo().await;
    give_mandate(&app, "joris.coach@buurtfonds.test", 5_000).await;
    // A former coach, now a resident, whose mandate row stayed: not asked.
    coach_mandates::Entity::insert(coach_mandates::ActiveModel {
        coach_id: Set(app.user_id("kees@buurtfonds.test").await),
        max_cents: Set(Cents::euros(5_000).0),
        set_by: Set(None),
        updated_at: Set(now()),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    let bbq = app.initiative("Burendag met barbecue op het plein").await;
    initiatives::Entity::update(initiatives::ActiveModel {
        id: Set(bbq.id),
        amount_asked_cents: Set(Cents::euros(1_500).0),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    app.sign_in("sanne.coach@buurtfonds.test").await;
    let resp = app
        .post_form(
            "/sf/coach_step",
            &[
                ("id", &bbq.id.to_string()),
                ("step", "approve"),
                ("amount", "1500"),
                ("reason", ""),
            ],
        )
        .await;
    assert!(resp.status().is_redirection());
    assert_eq!(
        app.initiative("Burendag met barbecue op het plein")
            .await
            .state,
        "awaiting_cosign"
    );
    let ahmed = notified(&app, "ahmed@buurtfonds.test", bbq.id).await;
    assert!(ahmed.contains(&"approve_pending".to_string()), "{ahmed:?}");
    assert!(!ahmed.contains(&"approve".to_string()), "{ahmed:?}");
    for asked in ["admin@buurtfonds.test", "joris.coach@buurtfonds.test"] {
        assert!(
            notified(&app, asked, bbq.id)
                .await
                .contains(&"cosign_requested".to_string()),
            "{asked}"
        );
        let mail = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::ToAddress.eq(asked))
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
        assert!(
            mail.body_text
                .contains(&format!("/coach/initiatives/{}", bbq.id)),
            "{}",
            mail.body_text
        );
    }
    for not_asked in ["sanne.coach@buurtfonds.test", "kees@buurtfonds.test"] {
        assert!(
            !notified(&app, not_asked, bbq.id)
                .await
                .contains(&"cosign_requested".to_string()),
            "{not_asked}"
        );
    }
    let page = app.text("/me").await;
    assert!(
        !page.contains("Goedgekeurd door de buurtcoach; wacht"),
        "Sanne's own /me"
    );
    app.switch_to("ahmed@buurtfonds.test").await;
    let page = app.text("/me").await;
    assert!(
        page.contains("Goedgekeurd door de buurtcoach; wacht op een tweede handtekening"),
        "the resident reads that a second signature is awaited"
    );
}
