//! The authorization matrix: every server function and route that reads or
//! changes an initiative, a fund or an account, called by every kind of
//! person, checked against one table. Refused means 403 or 404 for people
//! who are signed in, a redirect to sign in for visitors — and nothing
//! changed in the database.

use app::ssr::entities::{
    budget_lines, co_initiators, coach_mandates, coach_neighbourhoods, events, initiatives,
    ledger_entries, messages, neighbourhoods, payouts,
};
use app::ssr::services::now;
use buurtfonds_tests::{spawn_app, TestApp};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, QueryOrder};

/// The kinds of person, each a demo account chosen per initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Visitor,
    Owner,
    OtherResident,
    CoInitiator,
    /// A coach of the initiative's neighbourhood (its claiming coach once claimed).
    CoachOwn,
    /// A coach of another neighbourhood.
    CoachOther,
    Admin,
    /// A staff member who is on the team: a coach of every neighbourhood,
    /// with a mandate above every amount, who co-initiates every initiative
    /// of the table. Every decision is refused to them.
    StaffOnTeam,
}

use Who::*;

const EVERYONE: [Who; 8] = [
    Visitor,
    Owner,
    OtherResident,
    CoInitiator,
    CoachOwn,
    CoachOther,
    Admin,
    StaffOnTeam,
];

const FEMKE: &str = "femke.coach@buurtfonds.test";
/// A coach of every neighbourhood, off every team: someone to hand an initiative to.
const NINA: &str = "nina.coach@buurtfonds.test";

/// The initiative a row is about, and who is who for it.
#[derive(Debug, Clone, Copy)]
struct Case {
    title: &'static str,
    owner: &'static str,
    other: &'static str,
    co: &'static str,
    coach_own: &'static str,
    coach_other: &'static str,
}

const SANNE: &str = "sanne.coach@buurtfonds.test";
const JORIS: &str = "joris.coach@buurtfonds.test";

/// Draft in Centrum (Sanne's after the fixture).
const DRAFT: Case = Case {
    title: "Computercursus voor beginners",
    owner: "kees@buurtfonds.test",
    other: "ahmed@buurtfonds.test",
    co: "lotte@buurtfonds.test",
    coach_own: SANNE,
    coach_other: JORIS,
};
/// Submitted in the Rivierenwijk (Sanne's), not claimed yet.
const SUBMITTED: Case = Case {
    title: "Taalcafé in de bibliotheek",
    owner: "maria@buurtfonds.test",
    other: "ahmed@buurtfonds.test",
    co: "kees@buurtfonds.test",
    coach_own: SANNE,
    coach_other: JORIS,
};
/// In review in Centrum, claimed by Sanne.
const IN_REVIEW: Case = Case {
    title: "Burendag met barbecue op het plein",
    owner: "ahmed@buurtfonds.test",
    other: "kees@buurtfonds.test",
    co: "lotte@buurtfonds.test",
    coach_own: SANNE,
    coach_other: JORIS,
};
/// Awaiting a co-signature in the Rivierenwijk, approved by Sanne.
const AWAITING: Case = Case {
    title: "Opleiding fietsenmaker volgen",
    owner: "ahmed@buurtfonds.test",
    other: "kees@buurtfonds.test",
    co: "lotte@buurtfonds.test",
    coach_own: SANNE,
    coach_other: JORIS,
};
/// Approved in the Vogelbuurt, claimed by Joris.
const APPROVED: Case = Case {
    title: "Huiswerkklas in de Vogelbuurt",
    owner: "maria@buurtfonds.test",
    other: "ahmed@buurtfonds.test",
    co: "kees@buurtfonds.test",
    coach_own: JORIS,
    coach_other: SANNE,
};

impl Case {
    fn email(&self, who: Who) -> Option<&'static str> {
        match who {
            Visitor => None,
            Owner => Some(self.owner),
            OtherResident => Some(self.other),
            CoInitiator => Some(self.co),
            CoachOwn => Some(self.coach_own),
            CoachOther => Some(self.coach_other),
            Admin => Some("admin@buurtfonds.test"),
            StaffOnTeam => Some(FEMKE),
        }
    }
}

/// One request of the matrix. `{id}` in the path or a field is the case's
/// initiative, `{sanne}` Sanne's user id.
struct Row {
    method: &'static str,
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
    case: Case,
    allowed: &'static [Who],
    /// Whether an allowed call changes something (then only the first allowed one is made, last).
    changes: bool,
}

const fn get(path: &'static str, case: Case, allowed: &'static [Who]) -> Row {
    Row {
        method: "GET",
        path,
        fields: &[],
        case,
        allowed,
        changes: false,
    }
}

const fn post(
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
    case: Case,
    allowed: &'static [Who],
) -> Row {
    Row {
        method: "POST",
        path,
        fields,
        case,
        allowed,
        changes: true,
    }
}

const SIGNED_IN: &[Who] = &[
    Owner,
    OtherResident,
    CoInitiator,
    CoachOwn,
    CoachOther,
    Admin,
    StaffOnTeam,
];

fn table() -> Vec<Row> {
    vec![
        get("/me", SUBMITTED, SIGNED_IN),
        get("/me/export.json", SUBMITTED, SIGNED_IN),
        get(
            "/sf/my_initiative?id={id}",
            SUBMITTED,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        get(
            "/me/initiatives/{id}",
            SUBMITTED,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        get(
            "/sf/load_draft?id={id}",
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        get(
            "/propose/{id}/budget",
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        get(
            "/sf/coach_queue",
            SUBMITTED,
            &[CoachOwn, CoachOther, Admin, StaffOnTeam],
        ),
        get(
            "/sf/coach_initiative?id={id}",
            IN_REVIEW,
            &[CoachOwn, Admin],
        ),
        get(
            "/sf/coach_initiative?id={id}",
            AWAITING,
            &[CoachOwn, CoachOther, Admin],
        ),
        get("/sf/admin_overview", SUBMITTED, &[Admin]),
        get("/admin/audit", SUBMITTED, &[Admin]),
        get("/admin", SUBMITTED, &[Admin]),
        get(
            "/coach",
            SUBMITTED,
            &[CoachOwn, CoachOther, Admin, StaffOnTeam],
        ),
        get("/admin/audit.csv", SUBMITTED, &[Admin]),
        post(
            "/sf/save_people",
            &[
                ("id", "{id}"),
                ("beneficiaries", "Buren uit de straat"),
                ("participants", "9"),
            ],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/save_budget",
            &[
                ("id", "{id}"),
                ("item", "Koffie"),
                ("amount", "12"),
                ("intent", "add"),
            ],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/invite_co_initiator",
            &[("id", "{id}"), ("email", "nieuw@example.org")],
            DRAFT,
            &[Owner],
        ),
        post("/sf/submit_initiative", &[("id", "{id}")], DRAFT, &[Owner]),
        post(
            "/sf/withdraw_initiative",
            &[("id", "{id}"), ("confirm", "yes")],
            SUBMITTED,
            &[Owner],
        ),
        post(
            "/sf/send_message",
            &[("initiative_id", "{id}"), ("body", "Een vraag")],
            SUBMITTED,
            &[Owner, CoInitiator, Admin, StaffOnTeam],
        ),
        post(
            "/sf/coach_message",
            &[("id", "{id}"), ("body", "Een antwoord")],
            IN_REVIEW,
            &[Owner, CoInitiator, CoachOwn, Admin, StaffOnTeam],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "claim")],
            SUBMITTED,
            &[CoachOwn],
        ),
        post(
            "/sf/coach_step",
            &[
                ("id", "{id}"),
                ("step", "ask_changes"),
                ("reason", "Waarom?"),
            ],
            IN_REVIEW,
            &[CoachOwn],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "approve"), ("amount", "100")],
            IN_REVIEW,
            &[CoachOwn],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "reject"), ("reason", "Past niet")],
            IN_REVIEW,
            &[CoachOwn],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "co_sign")],
            AWAITING,
            &[Admin, CoachOther],
        ),
        post(
            "/sf/coach_step",
            &[
                ("id", "{id}"),
                ("step", "decline_cosign"),
                ("reason", "Eerst een offerte"),
            ],
            AWAITING,
            &[Admin, CoachOther],
        ),
        post(
            "/sf/coach_step",
            &[
                ("id", "{id}"),
                ("step", "cosign_question"),
                ("reason", "Is er een offerte?"),
            ],
            AWAITING,
            &[Admin, CoachOther],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "release")],
            IN_REVIEW,
            &[CoachOwn],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "reassign"), ("coach_id", "{nina}")],
            IN_REVIEW,
            &[Admin],
        ),
        post(
            "/sf/coach_step",
            &[("id", "{id}"), ("step", "reassign"), ("coach_id", "{nina}")],
            APPROVED,
            &[Admin],
        ),
        post(
            "/sf/coach_step",
            &[
                ("id", "{id}"),
                ("step", "cancel"),
                ("reason", "Gaat niet door"),
            ],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/sf/record_payout",
            &[
                ("id", "{id}"),
                ("reference", "NL-1"),
                ("transferred_on", "2026-11-01"),
            ],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/coach/initiatives/{id}/stripe-payout",
            &[],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/coach/initiatives/{id}/check-payout",
            &[],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/coach/initiatives/{id}/top-up",
            &[],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/sf/record_top_up",
            &[
                ("id", "{id}"),
                ("reference", "NL-2"),
                ("transferred_on", "2026-11-01"),
            ],
            APPROVED,
            &[CoachOwn, Admin],
        ),
        post(
            "/me/payout-account",
            &[("initiative", "{id}")],
            APPROVED,
            &[Owner],
        ),
        post(
            "/initiatives/{id}/give",
            &[("amount", "5")],
            APPROVED,
            &EVERYONE,
        ),
        get("/admin/reconcile", SUBMITTED, &[Admin]),
        get("/sf/reconcile", SUBMITTED, &[Admin]),
        post(
            "/sf/save_neighbourhood",
            &[("slug", "nieuw"), ("name", "Nieuw"), ("description", "")],
            SUBMITTED,
            &[Admin],
        ),
        post(
            "/sf/set_mandate",
            &[("coach_id", "{sanne}"), ("mandate", "1")],
            SUBMITTED,
            &[Admin],
        ),
        post(
            "/sf/toggle_coach_neighbourhood",
            &[("coach_id", "{sanne}"), ("neighbourhood_id", "{nbh}")],
            SUBMITTED,
            &[Admin],
        ),
        post(
            "/sf/save_idea",
            &[
                ("id", "{id}"),
                ("kind", "other"),
                ("title", "Een andere titel"),
                (
                    "description",
                    "Een andere uitleg van het plan, lang genoeg.",
                ),
            ],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/save_strength",
            &[
                ("id", "{id}"),
                ("intent", "add"),
                ("own_input", ""),
                ("who", "Buurman"),
                ("contribution_kind", "time"),
                ("line_description", "Helpt"),
                ("value", ""),
            ],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/save_budget",
            &[("id", "{id}"), ("intent", "remove:{line}")],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/save_budget",
            &[
                ("id", "{id}"),
                ("own_contribution", "0"),
                ("amount_asked", "50"),
                ("intent", "next"),
            ],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/continue_to",
            &[("id", "{id}"), ("step", "team")],
            DRAFT,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        post(
            "/sf/remove_co_initiator",
            &[("id", "{id}"), ("co_initiator_id", "{coid}")],
            DRAFT,
            &[Owner],
        ),
        get("/initiatives/{id}", APPROVED, &EVERYONE),
        // The public side and open data: for everyone, changing nothing.
        get("/initiatives?q=repair&kind=course", APPROVED, &EVERYONE),
        get("/neighbourhoods", APPROVED, &EVERYONE),
        get("/sf/browse_initiatives", APPROVED, &EVERYONE),
        get("/sf/neighbourhood_choices", APPROVED, &EVERYONE),
        get("/api/v1/initiatives/{id}", APPROVED, &EVERYONE),
        get("/api/v1/neighbourhoods", APPROVED, &EVERYONE),
        get("/initiatives.csv", APPROVED, &EVERYONE),
        get("/feed.xml", APPROVED, &EVERYONE),
        post(
            "/sf/save_fund",
            &[
                ("name", "Nieuw fonds"),
                ("period_start", "2027-01-01"),
                ("period_end", "2027-12-31"),
                ("budget", "1000"),
                ("max_grant", "100"),
                ("match_percent", "0"),
                ("match_cap", "0"),
            ],
            SUBMITTED,
            &[Admin],
        ),
        post(
            "/sf/toggle_fund_neighbourhood",
            &[("fund_id", "{fund}"), ("neighbourhood_id", "{nbh}")],
            SUBMITTED,
            &[Admin],
        ),
        post(
            "/sf/invite_coach",
            &[
                ("display_name", "Nieuwe coach"),
                ("email", "coach2@example.org"),
            ],
            SUBMITTED,
            &[Admin],
        ),
    ]
}

/// The bank account a grant is paid to: only the initiator enters it; the
/// approved initiative's page (with the payout form) for its coach and admins.
/// Its own table, so each test stays well within the time a test may take.
fn bank_table() -> Vec<Row> {
    vec![
        post(
            "/sf/save_bank_account",
            &[
                ("id", "{id}"),
                ("holder", "Iemand Anders"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
            ],
            SUBMITTED,
            &[Owner],
        ),
        post(
            "/sf/save_bank_account",
            &[
                ("id", "{id}"),
                ("holder", "Iemand Anders"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
            ],
            APPROVED,
            &[Owner],
        ),
        get(
            "/me/initiatives/{id}",
            APPROVED,
            &[Owner, CoInitiator, StaffOnTeam],
        ),
        get("/sf/coach_initiative?id={id}", APPROVED, &[CoachOwn, Admin]),
    ]
}

/// Demo data, with Joris no longer coaching Centrum, a co-initiator on
/// every initiative of the table and Femke, a coach of every neighbourhood
/// with a large mandate, on every team too; Nina coaches every
/// neighbourhood, on no team.
async fn fixture(app: &TestApp) {
    app.seed_demo().await;
    app.add_coach(FEMKE, "Femke", 100_000).await;
    app.add_coach(NINA, "Nina", 0).await;
    let joris = app.user_id(JORIS).await;
    let centrum = app.initiative(DRAFT.title).await.neighbourhood_id.unwrap();
    coach_neighbourhoods::Entity::delete_by_id((joris, centrum))
        .exec(&app.db)
        .await
        .unwrap();
    for case in [DRAFT, SUBMITTED, IN_REVIEW, AWAITING, APPROVED] {
        let id = app.initiative(case.title).await.id;
        for member in [case.co, FEMKE] {
            co_initiators::Entity::insert(co_initiators::ActiveModel {
                initiative_id: Set(id),
                email: Set(member.into()),
                user_id: Set(Some(app.user_id(member).await)),
                invited_at: Set(now()),
                accepted_at: Set(Some(now())),
                token_hash: Set(None),
                ..Default::default()
            })
            .exec_without_returning(&app.db)
            .await
            .unwrap();
        }
    }
    // The approved one has a bank account to pay to.
    let approved = app.initiative(APPROVED.title).await.id;
    app.enter_bank_account(approved, "Stichting Huiswerk", Some(MARIA_IBAN))
        .await;
}

/// The approved initiative's bank account (a valid Dutch IBAN).
const MARIA_IBAN: &str = "NL02 ABNA 0123 4567 89";

/// Everything a refused call could have changed.
async fn fingerprint(app: &TestApp) -> String {
    let db = &app.db;
    let states: Vec<(i64, String, Option<i64>, String)> = initiatives::Entity::find()
        .order_by_asc(initiatives::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.state, i.coach_id, i.beneficiaries))
        .collect();
    format!(
        "{states:?} events={} messages={} ledger={} payouts={} co={} nbh={} mandates={:?} links={} budget={} strength={} funds={} fund_links={} steps={:?} bank={:?}",
        events::Entity::find().count(db).await.unwrap(),
        messages::Entity::find().count(db).await.unwrap(),
        ledger_entries::Entity::find().count(db).await.unwrap(),
        payouts::Entity::find().count(db).await.unwrap(),
        co_initiators::Entity::find().count(db).await.unwrap(),
        neighbourhoods::Entity::find().count(db).await.unwrap(),
        coach_mandates::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.max_cents)
            .collect::<Vec<_>>(),
        coach_neighbourhoods::Entity::find()
            .count(db)
            .await
            .unwrap(),
        budget_lines::Entity::find().count(db).await.unwrap(),
        app::ssr::entities::own_strength_lines::Entity::find()
            .count(db)
            .await
            .unwrap(),
        app::ssr::entities::funds::Entity::find()
            .count(db)
            .await
            .unwrap(),
        app::ssr::entities::fund_neighbourhoods::Entity::find()
            .count(db)
            .await
            .unwrap(),
        initiatives::Entity::find()
            .order_by_asc(initiatives::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| (i.wizard_step, i.kind, i.amount_asked_cents))
            .collect::<Vec<_>>(),
        app::ssr::entities::bank_accounts::Entity::find()
            .order_by_asc(app::ssr::entities::bank_accounts::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|b| (b.initiative_id, b.revision, b.sealed))
            .collect::<Vec<_>>(),
    )
}

/// The values the table's placeholders stand for.
struct Ids {
    id: i64,
    sanne: i64,
    nbh: i64,
    line: i64,
    coid: i64,
    fund: i64,
    nina: i64,
}

impl Ids {
    async fn of(app: &TestApp, case: &Case) -> Ids {
        use sea_orm::{ColumnTrait, QueryFilter};
        let initiative = app.initiative(case.title).await;
        let line = budget_lines::Entity::find()
            .filter(budget_lines::Column::InitiativeId.eq(initiative.id))
            .one(&app.db)
            .await
            .unwrap()
            .map_or(0, |l| l.id);
        let coid = co_initiators::Entity::find()
            .filter(co_initiators::Column::InitiativeId.eq(initiative.id))
            .one(&app.db)
            .await
            .unwrap()
            .map_or(0, |c| c.id);
        Ids {
            id: initiative.id,
            sanne: app.user_id(SANNE).await,
            nbh: app
                .initiative(SUBMITTED.title)
                .await
                .neighbourhood_id
                .unwrap(),
            line,
            coid,
            fund: initiative.fund_id.unwrap_or(0),
            nina: app.user_id(NINA).await,
        }
    }

    fn fill(&self, v: &str) -> String {
        v.replace("{id}", &self.id.to_string())
            .replace("{sanne}", &self.sanne.to_string())
            .replace("{nbh}", &self.nbh.to_string())
            .replace("{line}", &self.line.to_string())
            .replace("{coid}", &self.coid.to_string())
            .replace("{fund}", &self.fund.to_string())
            .replace("{nina}", &self.nina.to_string())
    }
}

async fn call(app: &TestApp, row: &Row, ids: &Ids) -> reqwest::Response {
    let fill = |v: &str| ids.fill(v);
    let path = fill(row.path);
    if row.method == "GET" {
        return app
            .client
            .get(format!("{}{path}", app.address))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
    }
    let values: Vec<(String, String)> = row
        .fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), fill(v)))
        .collect();
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_form(&path, &pairs).await
}

async fn become_(app: &TestApp, email: Option<&str>) {
    app.post_form("/sf/sign_out", &[]).await;
    if let Some(email) = email {
        app.sign_in(email).await;
    }
}

/// The table in four parts, one test each, so that no test runs for
/// minutes on a busy machine (each row starts its own server).
const PARTS: usize = 4;

#[tokio::test]
async fn the_table_part_1_of_4_holds() {
    answers_as_the_table_says(part(0)).await;
}

#[tokio::test]
async fn the_table_part_2_of_4_holds() {
    answers_as_the_table_says(part(1)).await;
}

#[tokio::test]
async fn the_table_part_3_of_4_holds() {
    answers_as_the_table_says(part(2)).await;
}

#[tokio::test]
async fn the_table_part_4_of_4_holds() {
    answers_as_the_table_says(part(3)).await;
}

#[tokio::test]
async fn the_bank_account_functions_answer_each_kind_of_person_as_the_table_says() {
    answers_as_the_table_says(bank_table()).await;
}

/// Part `n` of the table.
fn part(n: usize) -> Vec<Row> {
    table().into_iter().skip(n).step_by(PARTS).collect()
}

/// Every function and route of `rows` answers each kind of person as the
/// table says.
async fn answers_as_the_table_says(rows: Vec<Row>) {
    for row in rows {
        let app = spawn_app().await;
        fixture(&app).await;
        let ids = Ids::of(&app, &row.case).await;
        let what = format!("{} {} ({})", row.method, row.path, row.case.title);
        for who in EVERYONE.into_iter().filter(|w| !row.allowed.contains(w)) {
            become_(&app, row.case.email(who)).await;
            let before = fingerprint(&app).await;
            let resp = call(&app, &row, &ids).await;
            let status = resp.status().as_u16();
            let to = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            if who == Visitor {
                assert!(
                    (matches!(status, 302 | 303) && to.starts_with("/login")) || status == 401,
                    "{what}: a visitor is sent to sign in, got {status} {to}"
                );
            } else {
                assert!(
                    status == 403 || status == 404,
                    "{what}: {who:?} is refused, got {status} {to}"
                );
            }
            assert_eq!(
                fingerprint(&app).await,
                before,
                "{what}: {who:?} changed nothing"
            );
        }
        let allowed: Vec<Who> = if row.changes {
            row.allowed.iter().copied().take(1).collect()
        } else {
            row.allowed.to_vec()
        };
        for who in allowed {
            become_(&app, row.case.email(who)).await;
            let resp = call(&app, &row, &ids).await;
            let status = resp.status().as_u16();
            let to = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            assert!(
                status == 200 || (matches!(status, 302 | 303) && !to.starts_with("/login")),
                "{what}: {who:?} is allowed, got {status} {to}"
            );
        }
    }
}

#[tokio::test]
async fn a_second_coach_with_enough_mandate_may_co_sign_but_the_approver_may_not() {
    let app = spawn_app().await;
    fixture(&app).await;
    let id = app.initiative(AWAITING.title).await.id.to_string();
    become_(&app, Some(SANNE)).await;
    let resp = app
        .post_form("/sf/coach_step", &[("id", &id), ("step", "co_sign")])
        .await;
    assert!(resp.status().is_client_error());
    assert_eq!(
        app.initiative(AWAITING.title).await.state,
        "awaiting_cosign"
    );
    become_(&app, Some(JORIS)).await;
    let resp = app
        .post_form("/sf/coach_step", &[("id", &id), ("step", "co_sign")])
        .await;
    assert_eq!(resp.status(), 302);
    assert_eq!(app.initiative(AWAITING.title).await.state, "approved");
}

/// The full IBAN is opened only for whoever may pay out now — the claiming
/// coach and admins — on every page and function of the initiative a person
/// can reach, and every time it is, the audit log says who. The masked IBAN
/// is for them and the initiator; co-initiators, other residents, other
/// coaches and visitors see no trace of the account.
#[tokio::test]
async fn only_who_may_pay_out_sees_the_full_iban_and_every_view_is_logged() {
    use sea_orm::{ColumnTrait, QueryFilter};
    let app = spawn_app().await;
    fixture(&app).await;
    let ids = Ids::of(&app, &APPROVED).await;
    let electronic = "NL02ABNA0123456789";
    let masked = "NL** **** **** **67 89";
    let views = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            events::Entity::find()
                .filter(events::Column::Action.eq("bank_account_viewed"))
                .all(&db)
                .await
                .unwrap()
        }
    };
    for who in EVERYONE {
        become_(&app, APPROVED.email(who)).await;
        let before = views(&app).await.len();
        let mut seen = String::new();
        for path in [
            "/me/initiatives/{id}",
            "/sf/my_initiative?id={id}",
            "/coach/initiatives/{id}",
            "/sf/coach_initiative?id={id}",
            "/initiatives/{id}",
            "/sf/load_public_initiative?id={id}",
            "/api/v1/initiatives/{id}",
            "/me",
            "/coach",
        ] {
            seen.push_str(&app.text(&ids.fill(path)).await);
        }
        let pays = matches!(who, CoachOwn | Admin);
        assert_eq!(seen.contains(MARIA_IBAN), pays, "{who:?}: the full IBAN");
        assert!(
            !seen.contains(electronic),
            "{who:?}: shown in groups of four only"
        );
        assert_eq!(
            seen.contains(masked),
            pays || who == Owner,
            "{who:?}: the masked IBAN"
        );
        assert_eq!(
            seen.contains("Stichting Huiswerk"),
            pays || who == Owner,
            "{who:?}: the holder"
        );
        let after = views(&app).await;
        if pays {
            assert!(after.len() > before, "{who:?}: the view is logged");
            let me = app.user_id(APPROVED.email(who).unwrap()).await;
            assert!(after[before..].iter().all(|e| e.actor_id == Some(me)
                && e.initiative_id == ids.id
                && e.reason.as_deref() == Some(masked)));
        } else {
            assert_eq!(after.len(), before, "{who:?}: nothing was opened");
        }
    }
}
