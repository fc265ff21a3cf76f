//! The lifecycle service and the ledger on real databases: the demo data
//! reaches every state through it, the ledger balances, and races have one winner.

use app::domain::ledger::AccountKey;
use app::domain::{Action, Cents, State};
use app::ssr::entities::{events, initiatives};
use app::ssr::error::ServiceError;
use app::ssr::services::{ledger, lifecycle};
use buurtfonds_tests::{spawn_app_on, Backend};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn demo_data_has_every_state_a_sound_ledger_and_a_full_event_log() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;

        let all = initiatives::Entity::find().all(&app.db).await.unwrap();
        for state in State::ALL {
            assert!(
                all.iter().any(|i| i.state == state.as_str()),
                "{backend:?}: no initiative in {state}"
            );
        }
        for i in &all {
            let log = events::Entity::find()
                .filter(events::Column::InitiativeId.eq(i.id))
                .all(&app.db)
                .await
                .unwrap();
            assert_eq!(log.first().unwrap().action, "create");
            assert_eq!(
                log.last().unwrap().to_state,
                i.state,
                "{backend:?}: log and state agree for {}",
                i.title
            );
        }

        assert_eq!(
            ledger::total(&app.db).await.unwrap(),
            0,
            "{backend:?}: the ledger sums to zero"
        );
        let fund = all[0].fund_id.unwrap();
        let f = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(f.budget, Cents::euros(40_000));
        // approved: 900 (huiswerk); paid: 1100 + 650 + 240 + 1500; the cancelled 400 went back.
        assert_eq!(f.committed, Cents::euros(900), "{backend:?}");
        assert_eq!(
            f.paid,
            Cents::euros(1_100 + 650 + 240 + 1_500),
            "{backend:?}"
        );
        assert_eq!(f.remaining, f.budget - f.committed - f.paid, "{backend:?}");
    }
}

#[tokio::test]
async fn a_refused_step_changes_nothing() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let kees = app.user_id("kees@buurtfonds.test").await;
        let taal = app.initiative("Taalcafé in de bibliotheek").await;
        let events_before = events::Entity::find().count(&app.db).await.unwrap();

        let err = lifecycle::perform(&app.db, taal.id, Some(kees), Action::Withdraw, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Transition(app::domain::TransitionError::Forbidden)
            ),
            "{err:?}"
        );
        let visitor = lifecycle::perform(&app.db, taal.id, None, Action::Claim, None)
            .await
            .unwrap_err();
        assert_eq!(visitor.status_code(), 403);
        let missing = lifecycle::perform(&app.db, 999_999, Some(kees), Action::Submit, None)
            .await
            .unwrap_err();
        assert!(matches!(missing, ServiceError::NotFound));

        assert_eq!(
            app.initiative("Taalcafé in de bibliotheek").await.state,
            "submitted"
        );
        assert_eq!(
            events::Entity::find().count(&app.db).await.unwrap(),
            events_before,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn two_coaches_racing_to_claim_have_exactly_one_winner() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        // Joris coaches Centrum too; Sanne and Joris both try to claim a fresh submission.
        let sanne = app.user_id("sanne.coach@buurtfonds.test").await;
        let joris = app.user_id("joris.coach@buurtfonds.test").await;
        let kees = app.user_id("kees@buurtfonds.test").await;
        let draft = app.initiative("Computercursus voor beginners").await;
        lifecycle::perform(&app.db, draft.id, Some(kees), Action::Submit, None)
            .await
            .unwrap();

        let (a, b) = tokio::join!(
            lifecycle::perform(&app.db, draft.id, Some(sanne), Action::Claim, None),
            lifecycle::perform(&app.db, draft.id, Some(joris), Action::Claim, None),
        );
        assert_eq!(
            a.is_ok() as u8 + b.is_ok() as u8,
            1,
            "{backend:?}: {a:?} / {b:?}"
        );
        let after = app.initiative("Computercursus voor beginners").await;
        assert_eq!(after.state, "in_review");
        let winner = if a.is_ok() { sanne } else { joris };
        assert_eq!(after.coach_id, Some(winner));
        let claims = events::Entity::find()
            .filter(events::Column::InitiativeId.eq(draft.id))
            .filter(events::Column::Action.eq("claim"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(claims, 1);
    }
}

#[tokio::test]
async fn approval_commits_from_the_fund_in_the_same_step_and_never_beyond_it() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let joris = app.user_id("joris.coach@buurtfonds.test").await;
        let lotte = app.user_id("lotte@buurtfonds.test").await;
        let zaden = app.initiative("Zadenbibliotheek in de buurtmoestuin").await;
        let fund = zaden.fund_id.unwrap();
        let before = ledger::fund_figures(&app.db, fund).await.unwrap();

        lifecycle::perform(&app.db, zaden.id, Some(lotte), Action::Submit, None)
            .await
            .unwrap();
        lifecycle::perform(&app.db, zaden.id, Some(joris), Action::Claim, None)
            .await
            .unwrap();
        let done = lifecycle::perform(
            &app.db,
            zaden.id,
            Some(joris),
            Action::Approve {
                amount: Cents::euros(250),
            },
            None,
        )
        .await
        .unwrap();
        assert_eq!(done.transition.to, State::Approved);
        let after = ledger::fund_figures(&app.db, fund).await.unwrap();
        assert_eq!(
            after.committed,
            before.committed + Cents::euros(250),
            "{backend:?}"
        );
        assert_eq!(after.remaining, before.remaining - Cents::euros(250));
        assert_eq!(
            ledger::balance(&app.db, AccountKey::InitiativeGranted(zaden.id))
                .await
                .unwrap(),
            Cents::euros(250)
        );
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);

        // Drain the fund by hand, then a commit beyond it is refused and changes nothing.
        let huiswerk = app.initiative("Huiswerkklas in de Vogelbuurt").await;
        let remaining = ledger::fund_figures(&app.db, fund).await.unwrap().remaining;
        let drain = app::domain::ledger::LedgerTransaction::for_effect(
            app::domain::lifecycle::MoneyEffect::Commit(remaining),
            fund,
            huiswerk.id,
        )
        .unwrap();
        ledger::book(&app.db, "test_drain", Some(huiswerk.id), None, "", &drain)
            .await
            .unwrap();
        let fiets = app.initiative("Opleiding fietsenmaker volgen").await;
        let admin = app.user_id("admin@buurtfonds.test").await;
        let err = lifecycle::perform(&app.db, fiets.id, Some(admin), Action::CoSign, None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ServiceError::Ledger(app::domain::ledger::LedgerError::FundExhausted { .. })
            ),
            "{err:?}"
        );
        assert_eq!(
            app.initiative("Opleiding fietsenmaker volgen").await.state,
            "awaiting_cosign"
        );
        assert_eq!(
            ledger::fund_figures(&app.db, fund).await.unwrap().remaining,
            Cents::ZERO
        );
    }
}

#[tokio::test]
async fn bench_seeding_writes_realistic_consistent_data() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        let done = server::seed::bench::seed(&app.db, 2_000).await.unwrap();
        assert_eq!(done.initiatives, 2_000);
        assert_eq!(
            initiatives::Entity::find().count(&app.db).await.unwrap(),
            2_000
        );
        let neighbourhoods = app::ssr::entities::neighbourhoods::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(neighbourhoods, 20);
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0, "{backend:?}");
        let f = ledger::fund_figures(&app.db, 1).await.unwrap();
        assert!(f.paid > Cents::ZERO && f.committed > Cents::ZERO);
        assert_eq!(f.remaining, f.budget - f.committed - f.paid);
        for i in initiatives::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .take(300)
        {
            let last = events::Entity::find()
                .filter(events::Column::InitiativeId.eq(i.id))
                .all(&app.db)
                .await
                .unwrap();
            assert_eq!(last.last().unwrap().to_state, i.state);
        }
        // New rows after the bench seed get fresh ids (PostgreSQL sequences were moved on).
        let next = server::seed::create_neighbourhood(&app.db, "nieuw", "Nieuw", "")
            .await
            .unwrap();
        assert_eq!(next, 21, "{backend:?}");
    }
}

#[tokio::test]
async fn the_event_log_and_the_ledger_refuse_updates_and_deletes() {
    use sea_orm::ConnectionTrait;
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        for sql in [
            "UPDATE events SET to_state = 'approved'",
            "DELETE FROM events",
            "UPDATE ledger_entries SET cents = 0",
            "DELETE FROM ledger_entries",
            "DELETE FROM ledger_transactions",
        ] {
            let err = app.db.execute_unprepared(sql).await.unwrap_err();
            assert!(
                err.to_string().contains("append-only"),
                "{backend:?}: {sql}: {err}"
            );
        }
        assert_eq!(ledger::total(&app.db).await.unwrap(), 0);
    }
}
