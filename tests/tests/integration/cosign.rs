//! The co-signature flows and the hand-over of an initiative: the co-signer
//! sees what they sign and co-signs, declines with a reason (back to the
//! claiming coach, who is told) or asks the approver a question; a coach
//! releases a claim; an admin hands an initiative to another coach of its
//! neighbourhood who is not on its team. Misuse first, on both databases.

use app::domain::Cents;
use app::ssr::entities::{co_initiators, coach_neighbourhoods, events, mail_outbox, notifications};
use app::ssr::services::{ledger, now};
use buurtfonds_tests::{location, spawn_app_configured, spawn_app_on, Backend, TestApp};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

const SANNE: &str = "sanne.coach@buurtfonds.test";
const JORIS: &str = "joris.coach@buurtfonds.test";
const ADMIN: &str = "admin@buurtfonds.test";
const AHMED: &str = "ahmed@buurtfonds.test";
/// Awaiting a co-signature: Sanne approved € 1.800 above her mandate, 32 days ago.
const FIETS: &str = "Opleiding fietsenmaker volgen";
/// In review in Centrum, claimed by Sanne.
const BBQ: &str = "Burendag met barbecue op het plein";

/// Posts a step of the coach's page with `fields`.
async fn step(app: &TestApp, id: i64, step: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let id = id.to_string();
    let mut all = vec![("id", id.as_str()), ("step", step)];
    all.extend_from_slice(fields);
    app.post_form("/sf/coach_step", &all).await
}

/// The notifications `email` has for initiative `id`: (kind, detail).
async fn notified(app: &TestApp, email: &str, id: i64) -> Vec<(String, String)> {
    let user = app.user_id(email).await;
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::InitiativeId.eq(id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.detail))
        .collect()
}

fn kinds(list: &[(String, String)]) -> Vec<&str> {
    list.iter().map(|(k, _)| k.as_str()).collect()
}

/// The events of initiative `id` named `action`.
async fn logged(app: &TestApp, id: i64, action: &str) -> Vec<events::Model> {
    events::Entity::find()
        .filter(events::Column::InitiativeId.eq(id))
        .filter(events::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
}

async fn event_count(app: &TestApp) -> u64 {
    events::Entity::find().count(&app.db).await.unwrap()
}

/// The last mail sent to `email`.
async fn last_mail_to(app: &TestApp, email: &str) -> String {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq(email))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .last()
        .map(|m| m.body_text)
        .unwrap_or_default()
}

/// Puts `email` on the team of `initiative` as a co-initiator who accepted.
async fn join_team(app: &TestApp, initiative: i64, email: &str) -> i64 {
    co_initiators::Entity::insert(co_initiators::ActiveModel {
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
    .unwrap()
    .last_insert_id
}

async fn leave_team(app: &TestApp, row: i64) {
    co_initiators::Entity::delete_by_id(row)
        .exec(&app.db)
        .await
        .unwrap();
}

/// The four-eyes misuse of a decline, a question and a co-signature: the
/// approver on her own approval, the resident, a coach whose mandate does
/// not cover it, a coach on the team — each refused, nothing changed.
#[tokio::test]
async fn nobody_but_a_cosigner_declines_co_signs_or_questions_an_approval_on_both_databases() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let fiets = app.initiative(FIETS).await;
        assert_eq!(fiets.state, "awaiting_cosign");
        // Femke coaches everywhere with a large mandate, and co-initiates it.
        app.add_coach("femke.coach@buurtfonds.test", "Femke", 100_000)
            .await;
        join_team(&app, fiets.id, "femke.coach@buurtfonds.test").await;
        // Ruud coaches everywhere too, with a mandate below the € 1.800.
        app.add_coach("ruud.coach@buurtfonds.test", "Ruud", 1_000)
            .await;
        let before = event_count(&app).await;
        for (who, expected) in [
            // The approver declining (or questioning) her own approval.
            (SANNE, 403),
            (AHMED, 403),
            ("femke.coach@buurtfonds.test", 403),
            ("ruud.coach@buurtfonds.test", 404),
        ] {
            app.switch_to(who).await;
            for (what, fields) in [
                ("decline_cosign", vec![("reason", "Niet nodig")]),
                ("cosign_question", vec![("reason", "Waarom?")]),
                ("co_sign", vec![]),
            ] {
                let resp = step(&app, fiets.id, what, &fields).await;
                let status = resp.status().as_u16();
                // A coach who may not see it gets 404, as for anyone who may not.
                assert!(
                    status == expected || (expected == 404 && status == 403),
                    "{who} {what}: {status}"
                );
            }
        }
        let now_fiets = app.initiative(FIETS).await;
        assert_eq!(now_fiets.state, "awaiting_cosign");
        assert_eq!(now_fiets.amount_approved_cents, fiets.amount_approved_cents);
        assert_eq!(event_count(&app).await, before);
        assert!(kinds(&notified(&app, SANNE, fiets.id).await)
            .iter()
            .all(|k| !k.starts_with("decline") && *k != "cosign_question"));
        // The team's coach does not even see the staff page of it.
        app.switch_to("femke.coach@buurtfonds.test").await;
        assert_eq!(
            app.get(&format!("/sf/coach_initiative?id={}", fiets.id))
                .await
                .status(),
            404
        );
    }
}

/// The co-signer sees what they sign, asks the approver a question (the
/// state stays), declines with a reason (required; a double click declines
/// once) — back in review with the same coach and the approval cleared, the
/// coach told in-app and by mail — the coach approves again and the second
/// signature is given. The resident hears "approved" only at the end, and
/// never reads what the co-signer and the coach said to each other.
#[tokio::test]
async fn a_co_signature_declined_with_a_reason_asked_again_and_given_on_both_databases() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let fiets = app.initiative(FIETS).await;
        let id = fiets.id;
        let sanne = app.user_id(SANNE).await;
        assert_eq!(fiets.coach_id, Some(sanne));

        // What the admin signs: amounts, the approver, the conditions, the budget.
        app.sign_in(ADMIN).await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        for shown in [
            "Waar je voor tekent",
            "1.800",
            "Sanne",
            "Goed plan; werkplaats minstens een jaar open.",
            "Opleiding fietstechniek",
            "Gereedschapskist",
            "Niet mee ondertekenen",
            "Vraag stellen aan de buurtcoach",
            "Mee ondertekenen",
        ] {
            assert!(page.contains(shown), "{shown}");
        }

        // A decline needs a reason: refused next to the field, nothing changed.
        let before = event_count(&app).await;
        let resp = step(&app, id, "decline_cosign", &[("reason", "  ")]).await;
        assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(
            page.contains("Schrijf erbij waarom je niet meetekent"),
            "the message next to the field"
        );
        let resp = step(&app, id, "cosign_question", &[]).await;
        assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
        assert_eq!(app.initiative(FIETS).await.state, "awaiting_cosign");
        assert_eq!(event_count(&app).await, before);

        // A question to the approver: recorded, the coach told, the state stays.
        let resp = step(
            &app,
            id,
            "cosign_question",
            &[("reason", "Is er een offerte van de opleiding?")],
        )
        .await;
        assert_eq!(
            location(&resp),
            format!("/coach/initiatives/{id}?notice=coach_told")
        );
        assert_eq!(app.initiative(FIETS).await.state, "awaiting_cosign");
        let asked = logged(&app, id, "cosign_question").await;
        assert_eq!(asked.len(), 1);
        assert_eq!(
            asked[0].reason.as_deref(),
            Some("Is er een offerte van de opleiding?")
        );
        let told = notified(&app, SANNE, id).await;
        assert!(
            told.contains(&(
                "cosign_question".into(),
                "Is er een offerte van de opleiding?".into()
            )),
            "{told:?}"
        );
        assert!(last_mail_to(&app, SANNE)
            .await
            .contains("Is er een offerte van de opleiding?"));
        assert!(!kinds(&notified(&app, AHMED, id).await).contains(&"cosign_question"));

        // Declined with a reason: back to Sanne, in review, approval cleared.
        let reason = "Eerst een offerte van de opleiding, dan teken ik.";
        let resp = step(&app, id, "decline_cosign", &[("reason", reason)]).await;
        assert_eq!(
            location(&resp),
            format!("/coach/initiatives/{id}?notice=coach_told")
        );
        let declined = app.initiative(FIETS).await;
        assert_eq!(declined.state, "in_review");
        assert_eq!(declined.coach_id, Some(sanne));
        assert_eq!(declined.amount_approved_cents, None);
        assert_eq!(declined.approved_by, None);
        assert_eq!(declined.approval_conditions, None);
        // A double click declines once.
        let again = step(&app, id, "decline_cosign", &[("reason", reason)]).await;
        assert!(again.status().is_client_error(), "{}", again.status());
        let log = logged(&app, id, "decline_cosign").await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].reason.as_deref(), Some(reason));
        assert_eq!(log[0].to_state, "in_review");
        let told = notified(&app, SANNE, id).await;
        assert_eq!(
            told.iter()
                .filter(|(k, d)| k == "decline_cosign" && d == reason)
                .count(),
            1,
            "{told:?}"
        );
        assert!(last_mail_to(&app, SANNE).await.contains(reason));

        // The resident: back with the coach, not approved, and nothing of
        // what the co-signer and the coach said.
        app.switch_to(AHMED).await;
        let ahmed = kinds(&notified(&app, AHMED, id).await)
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        assert!(
            ahmed.contains(&"decline_cosign_team".to_string()),
            "{ahmed:?}"
        );
        assert!(!ahmed.iter().any(|k| k == "approve" || k == "cosigned"));
        let mine = app.text(&format!("/me/initiatives/{id}")).await;
        assert!(!mine.contains(reason) && !mine.contains("offerte van de opleiding?"));

        // Sanne approves again (above her mandate): waits again.
        app.switch_to(SANNE).await;
        let resp = step(
            &app,
            id,
            "approve",
            &[("amount", "1800"), ("reason", "Offerte ontvangen.")],
        )
        .await;
        assert!(resp.status().is_redirection());
        let waiting = app.initiative(FIETS).await;
        assert_eq!(waiting.state, "awaiting_cosign");
        assert_eq!(waiting.approved_by, Some(sanne));
        let ahmed = notified(&app, AHMED, id).await;
        assert!(!kinds(&ahmed).contains(&"cosigned"));
        assert!(kinds(&notified(&app, ADMIN, id).await).contains(&"cosign_requested"));

        // The second signature: approved, committed, and only now "approved".
        app.switch_to(ADMIN).await;
        let fund = waiting.fund_id.unwrap();
        let figures = ledger::fund_figures(&app.db, fund).await.unwrap();
        let resp = step(&app, id, "co_sign", &[]).await;
        assert!(resp.status().is_redirection());
        assert_eq!(app.initiative(FIETS).await.state, "approved");
        let after = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(after.committed, figures.committed + Cents::euros(1_800));
        let ahmed = notified(&app, AHMED, id).await;
        assert_eq!(
            kinds(&ahmed).iter().filter(|k| **k == "cosigned").count(),
            1,
            "{ahmed:?}"
        );
        assert!(last_mail_to(&app, AHMED).await.contains("Goedgekeurd"));
    }
}

/// A co-signature waiting longer than the setting is flagged on the coach's
/// queue and on the admin's page; under it, not.
#[tokio::test]
async fn a_co_signature_waiting_too_long_is_flagged_for_the_coach_and_the_admin_on_both_databases()
{
    for backend in Backend::ALL {
        for (days, flagged) in [(5, true), (60, false)] {
            let Some(app) = spawn_app_configured(backend, |s| s.cosign_flag_days = days).await
            else {
                continue;
            };
            app.seed_demo().await;
            let flag = format!("Langer dan {days} dagen: teken mee of vraag iemand anders.");
            app.sign_in(SANNE).await;
            let queue = app.text("/coach").await;
            assert!(queue.contains("dagen op een tweede handtekening"));
            assert_eq!(queue.contains(&flag), flagged, "coach, {days} days");
            app.switch_to(ADMIN).await;
            let admin = app.text("/admin").await;
            assert!(admin.contains("Wacht op een tweede handtekening"));
            assert!(admin.contains(FIETS));
            assert_eq!(admin.contains(&flag), flagged, "admin, {days} days");
            let detail = app
                .text(&format!(
                    "/coach/initiatives/{}",
                    app.initiative(FIETS).await.id
                ))
                .await;
            assert_eq!(detail.contains(&flag), flagged, "detail, {days} days");
        }
    }
}

/// A coach gives a claim back to the open queue; an admin hands an
/// initiative to another coach of its neighbourhood — never to someone on
/// its team, never to a coach of another neighbourhood; both recorded in the
/// log and told to the resident (and to the coaches concerned).
#[tokio::test]
async fn a_coach_releases_a_claim_and_an_admin_hands_it_to_another_coach_on_both_databases() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let bbq = app.initiative(BBQ).await;
        let id = bbq.id;
        let (sanne, joris) = (app.user_id(SANNE).await, app.user_id(JORIS).await);
        assert_eq!(
            (bbq.state.as_str(), bbq.coach_id),
            ("in_review", Some(sanne))
        );
        let centrum = bbq.neighbourhood_id.unwrap();
        assert!(coach_neighbourhoods::Entity::find_by_id((joris, centrum))
            .one(&app.db)
            .await
            .unwrap()
            .is_some());

        // Release: only the claiming coach.
        let before = event_count(&app).await;
        for who in [AHMED, JORIS, ADMIN] {
            app.switch_to(who).await;
            let resp = step(&app, id, "release", &[]).await;
            assert!(resp.status().is_client_error(), "{who}: {}", resp.status());
        }
        assert_eq!(app.initiative(BBQ).await.coach_id, Some(sanne));
        assert_eq!(event_count(&app).await, before);
        app.switch_to(SANNE).await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(page.contains("Teruggeven aan de wachtrij"));
        let resp = step(&app, id, "release", &[]).await;
        assert!(resp.status().is_redirection());
        let released = app.initiative(BBQ).await;
        assert_eq!(
            (released.state.as_str(), released.coach_id),
            ("submitted", None)
        );
        assert_eq!(logged(&app, id, "release").await.len(), 1);
        assert!(kinds(&notified(&app, AHMED, id).await).contains(&"release"));
        // Back in the open queue: Joris picks it up.
        app.switch_to(JORIS).await;
        let queue: app::api::coach::Queue = app.get("/sf/coach_queue").await.json().await.unwrap();
        assert!(queue.waiting.iter().any(|i| i.id == id));
        assert!(step(&app, id, "claim", &[]).await.status().is_redirection());
        assert_eq!(app.initiative(BBQ).await.coach_id, Some(joris));

        // Reassign: never by a coach.
        let sanne_s = sanne.to_string();
        let resp = step(&app, id, "reassign", &[("coach_id", &sanne_s)]).await;
        assert!(resp.status().is_client_error(), "{}", resp.status());
        // Ruud coaches another neighbourhood only.
        let ruud = app.add_coach("ruud.coach@buurtfonds.test", "Ruud", 0).await;
        coach_neighbourhoods::Entity::delete_by_id((ruud, centrum))
            .exec(&app.db)
            .await
            .unwrap();
        app.switch_to(ADMIN).await;
        let before = event_count(&app).await;
        let kees = app.user_id("kees@buurtfonds.test").await.to_string();
        let joris_s = joris.to_string();
        // Someone the form can offer, so that it is shown with its messages.
        app.add_coach("nina.coach@buurtfonds.test", "Nina", 0).await;
        let ruud_s = ruud.to_string();
        // Sanne on the team now: not to her.
        let row = join_team(&app, id, SANNE).await;
        for (to, message) in [
            (
                sanne_s.as_str(),
                "Deze buurtcoach zit in het team van het initiatief",
            ),
            (
                ruud_s.as_str(),
                "Deze persoon is geen buurtcoach van deze buurt",
            ),
            (
                kees.as_str(),
                "Deze persoon is geen buurtcoach van deze buurt",
            ),
            (joris_s.as_str(), "Deze buurtcoach heeft het initiatief al"),
            ("", "Kies een buurtcoach"),
        ] {
            let resp = step(&app, id, "reassign", &[("coach_id", to)]).await;
            assert_eq!(location(&resp), format!("/coach/initiatives/{id}"), "{to}");
            let page = app.text(&format!("/coach/initiatives/{id}")).await;
            assert!(page.contains(message), "{to}: {message}");
        }
        leave_team(&app, row).await;
        // The admin on the team: not at all.
        let row = join_team(&app, id, ADMIN).await;
        let resp = step(&app, id, "reassign", &[("coach_id", &sanne_s)]).await;
        assert_eq!(resp.status(), 403);
        leave_team(&app, row).await;
        assert_eq!(app.initiative(BBQ).await.coach_id, Some(joris));
        assert_eq!(event_count(&app).await, before);

        // Joris is away: the admin hands it back to Sanne.
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(page.contains("Overdragen aan een andere buurtcoach"));
        let resp = step(&app, id, "reassign", &[("coach_id", &sanne_s)]).await;
        assert_eq!(
            location(&resp),
            format!("/coach/initiatives/{id}?notice=step_done")
        );
        let handed = app.initiative(BBQ).await;
        assert_eq!(
            (handed.state.as_str(), handed.coach_id),
            ("in_review", Some(sanne))
        );
        assert_eq!(logged(&app, id, "reassign").await.len(), 1);
        for who in [AHMED, SANNE, JORIS] {
            assert!(
                kinds(&notified(&app, who, id).await).contains(&"reassign"),
                "{who}"
            );
        }
        assert!(notified(&app, AHMED, id)
            .await
            .iter()
            .any(|(k, d)| k == "reassign" && d.contains("Sanne")));
        let audit = app.text(&format!("/admin/audit?initiative={id}")).await;
        // Once as a choice of the filter, once as the row of the log.
        for label in [
            "Overgedragen aan een andere buurtcoach",
            "Teruggezet in de wachtrij: een andere buurtcoach pakt het op",
        ] {
            assert_eq!(audit.matches(label).count(), 2, "{label}");
        }
        // Sanne decides again; an initiative in state approved can be handed over too.
        app.switch_to(SANNE).await;
        assert!(step(&app, id, "approve", &[("amount", "100")])
            .await
            .status()
            .is_redirection());
        app.switch_to(ADMIN).await;
        assert!(step(&app, id, "reassign", &[("coach_id", &joris_s)])
            .await
            .status()
            .is_redirection());
        let approved = app.initiative(BBQ).await;
        assert_eq!(
            (approved.state.as_str(), approved.coach_id),
            ("approved", Some(joris))
        );
    }
}
