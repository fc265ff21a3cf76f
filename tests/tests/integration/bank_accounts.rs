//! The bank account a grant is paid to, over HTTP on both databases: the
//! resident enters it (a wrong IBAN is told next to the field and nothing is
//! stored), it is sealed at rest, masked everywhere but on the payout form of
//! whoever pays (and that view is in the audit log), never public, erased
//! with the account except the masked copy on the payout, purged after the
//! retention period, in the owner's export; a change after the approval is
//! told to the coach; a bank payout without an account is refused.

use app::ssr::entities::{bank_accounts, events, notifications, payouts};
use app::ssr::services::bank_accounts::{purge_expired, VIEWED};
use buurtfonds_tests::{location, spawn_app_on, Backend, TestApp};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};

const HUISWERK: &str = "Huiswerkklas in de Vogelbuurt";
const TAALCAFE: &str = "Taalcafé in de bibliotheek";
const MARIA: &str = "maria@buurtfonds.test";
const JORIS: &str = "joris.coach@buurtfonds.test";
const HOLDER: &str = "Stichting Huiswerk Vogelbuurt";
/// A valid Dutch IBAN, as printed and in its electronic form, and masked.
const IBAN: &str = "NL02 ABNA 0123 4567 89";
const IBAN_ELECTRONIC: &str = "NL02ABNA0123456789";
const MASKED: &str = "NL** **** **** **67 89";
/// The same IBAN with one digit wrong: the check digits no longer match.
const TYPO: &str = "NL02 ABNA 0123 4567 88";

async fn count_accounts(app: &TestApp) -> u64 {
    bank_accounts::Entity::find().count(&app.db).await.unwrap()
}

async fn count_events(app: &TestApp, action: &str) -> u64 {
    events::Entity::find()
        .filter(events::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

async fn save(app: &TestApp, id: i64, holder: &str, iban: &str) -> reqwest::Response {
    app.post_form(
        "/sf/save_bank_account",
        &[("id", &id.to_string()), ("holder", holder), ("iban", iban)],
    )
    .await
}

async fn record_payout(app: &TestApp, id: i64, revision: Option<i64>) -> reqwest::Response {
    let today = chrono::Utc::now().date_naive().to_string();
    let revision = revision.map(|r| r.to_string());
    let mut fields = vec![
        ("id", id.to_string()),
        ("reference", "BF-2026-0001".to_string()),
        ("transferred_on", today),
    ];
    if let Some(r) = revision {
        fields.push(("account_revision", r));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form("/sf/record_payout", &pairs).await
}

async fn payouts_of(app: &TestApp, id: i64) -> u64 {
    payouts::Entity::find()
        .filter(payouts::Column::InitiativeId.eq(id))
        .count(&app.db)
        .await
        .unwrap()
}

async fn revision(app: &TestApp, id: i64) -> i64 {
    bank_accounts::Entity::find()
        .filter(bank_accounts::Column::InitiativeId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an account")
        .revision
}

#[tokio::test]
async fn a_wrong_iban_is_told_next_to_the_field_and_nothing_is_stored() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        app.sign_in(MARIA).await;
        let page = app.text(&format!("/me/initiatives/{id}")).await;
        assert!(page.contains("Rekening voor de uitbetaling"), "{backend:?}");
        assert!(page.contains("Je hebt nog geen rekening ingevuld."));

        for (holder, iban, field, says) in [
            (HOLDER, TYPO, "iban", "Dit IBAN klopt niet"),
            (HOLDER, "12345", "iban", "Dit is geen IBAN"),
            (
                HOLDER,
                "TR33 0006 1005 1978 6457 8413 26",
                "iban",
                "SEPA-land",
            ),
            (HOLDER, "", "iban", "Vul je IBAN in"),
            ("", IBAN, "holder", "Vul de naam van de rekeninghouder in"),
        ] {
            let resp = save(&app, id, holder, iban).await;
            assert_eq!(
                location(&resp),
                format!("/me/initiatives/{id}"),
                "{backend:?} {iban}: back to the form"
            );
            let again = app.text(&location(&resp)).await;
            assert!(
                again.contains(&format!("id=\"{field}-error\"")),
                "{backend:?} {iban}: the message is next to {field}"
            );
            assert!(again.contains(says), "{backend:?} {iban}: says {says}");
            assert!(
                again.contains("aria-invalid=\"true\""),
                "{backend:?}: marked invalid"
            );
            if !iban.is_empty() && field == "iban" {
                assert!(again.contains(iban), "{backend:?}: what was typed stays");
            }
            assert_eq!(count_accounts(&app).await, 0, "{backend:?}: nothing stored");
        }
        // A script gets the same errors as data, both fields at once.
        let token = app.csrf_token().await;
        let json: serde_json::Value = app
            .client
            .post(format!("{}/sf/save_bank_account", app.address))
            .header("x-csrf-token", &token)
            .form(&[
                ("csrf_token", token.as_str()),
                ("id", &id.to_string()),
                ("holder", " "),
                ("iban", TYPO),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let codes: Vec<(&str, &str)> = json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            codes,
            [("holder", "holder_length"), ("iban", "iban_checksum")],
            "{backend:?}"
        );
        assert_eq!(count_accounts(&app).await, 0);
        assert_eq!(count_events(&app, "bank_account_set").await, 0);

        // In English too.
        app.get("/lang/en?next=/").await;
        let resp = save(&app, id, HOLDER, TYPO).await;
        let english = app.text(&location(&resp)).await;
        assert!(
            english.contains("This IBAN does not add up"),
            "{backend:?}: English"
        );
        app.get("/lang/nl?next=/").await;

        // The right one is stored, and shown masked with its holder.
        let resp = save(&app, id, HOLDER, &IBAN.to_lowercase()).await;
        assert!(
            location(&resp).contains("notice=bank_account_saved"),
            "{backend:?}: {}",
            location(&resp)
        );
        assert_eq!(count_accounts(&app).await, 1);
        let page = app.text(&location(&resp)).await;
        assert!(page.contains("Je rekening is opgeslagen."));
        assert!(page.contains(MASKED), "{backend:?}: masked on my page");
        assert!(page.contains(HOLDER));
        assert!(
            !page.contains(IBAN) && !page.contains(IBAN_ELECTRONIC),
            "{backend:?}: never in full on my page"
        );
        assert_eq!(count_events(&app, "bank_account_set").await, 1);
    }
}

/// What the database holds is sealed: neither the IBAN nor the holder can be
/// read in any row — nor, on SQLite, anywhere in the database's files.
#[tokio::test]
async fn the_stored_account_is_sealed_and_never_plaintext_in_the_database() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        app.enter_bank_account(id, HOLDER, Some(IBAN)).await;
        let row = bank_accounts::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(row.sealed.starts_with("v1."), "{backend:?}");
        assert_eq!(row.masked, MASKED);
        let digits = "0123456789";
        for text in [&row.sealed, &row.masked] {
            assert!(!text.contains(digits) && !text.contains("Stichting"));
        }
        // Every text of every table, as the database returns it.
        let dump_sql = match backend {
            Backend::Sqlite => "SELECT group_concat(sealed || masked) AS t FROM bank_accounts \
                 UNION ALL SELECT group_concat(coalesce(reason, '')) FROM events"
                .to_string(),
            Backend::Postgres => "SELECT string_agg(t::text, ' ') AS t FROM \
                 (SELECT row_to_json(x)::text AS t FROM bank_accounts x \
                  UNION ALL SELECT row_to_json(e)::text FROM events e \
                  UNION ALL SELECT row_to_json(u)::text FROM users u \
                  UNION ALL SELECT row_to_json(p)::text FROM payouts p) all_rows"
                .to_string(),
        };
        let rows = app
            .db
            .query_all_raw(Statement::from_string(
                app.db.get_database_backend(),
                dump_sql,
            ))
            .await
            .unwrap();
        for r in rows {
            let text: Option<String> = r.try_get("", "t").unwrap_or(None);
            let text = text.unwrap_or_default();
            assert!(
                !text.contains(IBAN_ELECTRONIC) && !text.contains(digits) && !text.contains(HOLDER),
                "{backend:?}: plaintext in the database"
            );
        }
        if backend == Backend::Sqlite {
            // The file and its write-ahead log, byte for byte.
            for name in ["test.db", "test.db-wal"] {
                let Ok(bytes) = std::fs::read(app.dir.path().join(name)) else {
                    continue;
                };
                for needle in [IBAN_ELECTRONIC, digits, HOLDER] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                        "{name} holds {needle} in plain text"
                    );
                }
            }
        }
    }
}

/// A coach pays out by bank: the payout form shows the holder and the full
/// IBAN (and the audit log says who saw it); a payout against an account
/// that changed since the form was shown is refused; the payout records the
/// account it went to.
#[tokio::test]
async fn the_coach_pays_to_the_account_shown_and_the_payout_records_it() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        app.enter_bank_account(id, HOLDER, Some(IBAN)).await;
        app.sign_in(JORIS).await;
        let viewed = count_events(&app, VIEWED).await;
        let resp = app.get(&format!("/coach/initiatives/{id}")).await;
        assert_eq!(
            resp.headers()["cache-control"],
            "no-store",
            "{backend:?}: no cache keeps a page with a full IBAN"
        );
        let page = resp.text().await.unwrap();
        assert!(page.contains("Overmaken naar"), "{backend:?}");
        assert!(
            page.contains(IBAN),
            "{backend:?}: the full IBAN to transfer to"
        );
        assert!(page.contains(HOLDER));
        assert!(page.contains("staat in het logboek"));
        assert!(
            count_events(&app, VIEWED).await > viewed,
            "{backend:?}: the view is logged"
        );
        let shown = revision(&app, id).await;

        // Meanwhile the resident changes it: the form's account is out of date.
        app.enter_bank_account(id, "Maria Jansen", Some("DE89 3704 0044 0532 0130 00"))
            .await;
        let resp = record_payout(&app, id, Some(shown)).await;
        assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
        let refused = app.text(&location(&resp)).await;
        assert!(
            refused.contains("De bewoner heeft de rekening net veranderd"),
            "{backend:?}: says why"
        );
        assert!(
            refused.contains("DE89 3704 0044 0532 0130 00"),
            "the new one shown"
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "approved");
        assert_eq!(payouts_of(&app, id).await, 0, "{backend:?}: no payout");

        let resp = record_payout(&app, id, Some(revision(&app, id).await)).await;
        assert!(
            location(&resp).contains("notice=step_done"),
            "{backend:?}: {}",
            location(&resp)
        );
        assert_eq!(app.initiative(HUISWERK).await.state, "funded");
        let paid = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paid.method, "bank");
        assert_eq!(
            paid.account_masked.as_deref(),
            Some("DE** **** **** **** **30 00")
        );
        assert_eq!(paid.account_holder.as_deref(), Some("Maria Jansen"));
        let after = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(
            after.contains("Maria Jansen, DE** **** **** **** **30 00"),
            "{backend:?}: the payout names its account"
        );
        assert!(
            !after.contains("DE89 3704 0044 0532 0130 00"),
            "{backend:?}: nothing to pay any more, so no full IBAN"
        );
    }
}

#[tokio::test]
async fn a_bank_payout_without_a_bank_account_is_refused_with_a_clear_message() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        app.sign_in(JORIS).await;
        let page = app.text(&format!("/coach/initiatives/{id}")).await;
        assert!(
            page.contains("De bewoner heeft nog geen rekening ingevuld"),
            "{backend:?}: the payout form says what is missing"
        );
        assert!(
            !page.contains("Uitbetaling vastleggen"),
            "no form to submit"
        );
        let resp = record_payout(&app, id, None).await;
        assert_eq!(location(&resp), format!("/coach/initiatives/{id}"));
        let refused = app.text(&location(&resp)).await;
        assert!(
            refused.contains("Maak nooit over naar een nummer uit een chat"),
            "{backend:?}: says why, next to the account"
        );
        assert!(refused.contains("id=\"account-error\""));
        assert_eq!(app.initiative(HUISWERK).await.state, "approved");
        assert_eq!(payouts_of(&app, id).await, 0, "{backend:?}: no payout");
    }
}

#[tokio::test]
async fn a_change_after_the_approval_is_told_to_the_coach_and_one_before_is_not() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let joris = app.user_id(JORIS).await;
        let told = |kind: &'static str| {
            let app = &app;
            async move {
                notifications::Entity::find()
                    .filter(notifications::Column::UserId.eq(joris))
                    .filter(notifications::Column::Kind.eq(kind))
                    .count(&app.db)
                    .await
                    .unwrap()
            }
        };
        app.sign_in(MARIA).await;
        // Submitted, not decided: nobody is told.
        let taal = app.initiative(TAALCAFE).await.id;
        let mails = app.outbox().len();
        save(&app, taal, HOLDER, IBAN).await;
        assert_eq!(
            app.outbox().len(),
            mails,
            "{backend:?}: no mail before approval"
        );

        // Approved: the first account, then a change, each told to the coach.
        let id = app.initiative(HUISWERK).await.id;
        let resp = save(&app, id, HOLDER, IBAN).await;
        assert!(location(&resp).contains("bank_account_saved"));
        assert_eq!(told("bank_account_set").await, 1, "{backend:?}");
        let resp = save(&app, id, HOLDER, "BE68 5390 0754 7034").await;
        assert!(location(&resp).contains("bank_account_saved"));
        assert_eq!(told("bank_account_changed").await, 1, "{backend:?}");
        let mail = app
            .outbox()
            .last()
            .cloned()
            .unwrap_or_default()
            .replace("=\r\n", "")
            .replace("=3D", "=");
        assert!(mail.contains("joris.coach@buurtfonds.test"), "{backend:?}");
        assert!(
            mail.contains("Rekening voor de uitbetaling veranderd"),
            "{backend:?}: {mail}"
        );
        assert!(
            !mail.contains("5390"),
            "{backend:?}: never the number in a mail"
        );
        // The admin's audit log has both, masked.
        app.switch_to("admin@buurtfonds.test").await;
        let audit = app.text(&format!("/admin/audit.csv?initiative={id}")).await;
        assert!(audit.contains("bank_account_changed"), "{backend:?}");
        assert!(
            audit.contains("BE** **** **** 7034"),
            "{backend:?}: {audit}"
        );
        assert!(!audit.contains("5390 0754"));
    }
}

/// Erasing the account removes its bank accounts; the bank payout keeps the
/// holder and masked IBAN it went to.
#[tokio::test]
async fn erasure_removes_the_accounts_but_the_payout_keeps_its_masked_copy() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        let taal = app.initiative(TAALCAFE).await.id;
        app.enter_bank_account(id, HOLDER, Some(IBAN)).await;
        app.enter_bank_account(taal, HOLDER, Some(IBAN)).await;
        app.sign_in(JORIS).await;
        let resp = record_payout(&app, id, Some(revision(&app, id).await)).await;
        assert!(location(&resp).contains("notice=step_done"), "{backend:?}");

        app.switch_to(MARIA).await;
        let resp = app
            .post_form(
                "/sf/erase_account",
                &[("erase_password", "buurtfonds-demo")],
            )
            .await;
        assert!(location(&resp).contains("account_erased"), "{backend:?}");
        assert_eq!(count_accounts(&app).await, 0, "{backend:?}: erased");
        let paid = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paid.account_masked.as_deref(), Some(MASKED));
        assert_eq!(paid.account_holder.as_deref(), Some(HOLDER));
    }
}

/// The owner's data export has the account in full (that too is logged).
#[tokio::test]
async fn the_owners_export_includes_the_account() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let id = app.initiative(HUISWERK).await.id;
        app.enter_bank_account(id, HOLDER, Some(IBAN)).await;
        app.sign_in(MARIA).await;
        let viewed = count_events(&app, VIEWED).await;
        let export: serde_json::Value =
            serde_json::from_str(&app.text("/me/export.json").await).unwrap();
        let accounts = export["bank_accounts"].as_array().unwrap();
        assert_eq!(accounts.len(), 1, "{backend:?}");
        assert_eq!(accounts[0]["initiative_id"], id);
        assert_eq!(accounts[0]["iban"], IBAN_ELECTRONIC);
        assert_eq!(accounts[0]["holder"], HOLDER);
        assert_eq!(count_events(&app, VIEWED).await, viewed + 1, "{backend:?}");
        // Someone else's export has none of it.
        app.switch_to("kees@buurtfonds.test").await;
        let other = app.text("/me/export.json").await;
        assert!(!other.contains(IBAN_ELECTRONIC) && !other.contains(HOLDER));
    }
}

/// After the retention period the accounts of closed initiatives and the
/// copies on old payouts are gone; an open initiative keeps its account.
#[tokio::test]
async fn the_retention_period_ends_in_a_purge() {
    for backend in Backend::ALL {
        let Some(app) = spawn_app_on(backend).await else {
            continue;
        };
        app.seed_demo().await;
        let open = app.initiative(HUISWERK).await.id;
        let taal = app.initiative(TAALCAFE).await.id;
        app.enter_bank_account(open, HOLDER, Some(IBAN)).await;
        app.enter_bank_account(taal, HOLDER, Some(IBAN)).await;
        // The Taalcafé is withdrawn (closed); the Huiswerkklas is paid by bank.
        app.sign_in(MARIA).await;
        app.post_form(
            "/sf/withdraw_initiative",
            &[("id", &taal.to_string()), ("confirm", "yes")],
        )
        .await;
        assert_eq!(app.initiative(TAALCAFE).await.state, "withdrawn");
        app.switch_to(JORIS).await;
        let resp = record_payout(&app, open, Some(revision(&app, open).await)).await;
        assert!(location(&resp).contains("notice=step_done"), "{backend:?}");

        let now = app::ssr::services::now();
        let nothing = purge_expired(&app.db, 365, now).await.unwrap();
        assert_eq!(
            nothing.accounts + nothing.payout_copies,
            0,
            "{backend:?}: too young"
        );
        assert_eq!(count_accounts(&app).await, 2);

        let later = now + chrono::Duration::days(366);
        let purged = purge_expired(&app.db, 365, later).await.unwrap();
        assert_eq!(purged.accounts, 1, "{backend:?}: the closed one");
        assert_eq!(
            purged.payout_copies, 1,
            "{backend:?}: the old payout's copy"
        );
        let left: Vec<i64> = bank_accounts::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.initiative_id)
            .collect();
        assert_eq!(left, [open], "{backend:?}: the funded one is not closed");
        let paid = payouts::Entity::find()
            .filter(payouts::Column::InitiativeId.eq(open))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((paid.account_masked, paid.account_holder), (None, None));
        assert_eq!(paid.cents, 90_000, "the payout itself stays");
    }
}

/// Marker IBANs on every initiative, one paid out by bank: no public page,
/// API answer, feed or download shows any of them, full or masked, nor a holder.
#[tokio::test]
async fn no_bank_account_reaches_any_public_place() {
    let Some(app) = spawn_app_on(Backend::Sqlite).await else {
        return;
    };
    app.seed_demo().await;
    let mut markers = Vec::new();
    let rows = app::ssr::entities::initiatives::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    for (n, i) in rows.iter().enumerate() {
        let state = app::domain::State::parse(&i.state).unwrap();
        if !app::ssr::services::bank_accounts::EDITABLE.contains(&state) {
            continue;
        }
        let iban = valid_dutch_iban(&format!("{:010}", 4_200_000_000_u64 + n as u64));
        let holder = format!("Rekeninghouder{}X", i.id);
        app.enter_bank_account(i.id, &holder, Some(&iban)).await;
        let account = app::domain::bank_account::BankAccount::parse(&holder, &iban).unwrap();
        markers.push(account.iban().to_string());
        markers.push(account.iban_printed());
        markers.push(account.masked());
        markers.push(holder);
    }
    assert!(markers.len() >= 16, "accounts on many initiatives");
    let id = app.initiative(HUISWERK).await.id;
    app.sign_in(JORIS).await;
    let resp = record_payout(&app, id, Some(revision(&app, id).await)).await;
    assert!(location(&resp).contains("notice=step_done"));
    app.post_form("/sf/sign_out", &[]).await;

    let paths = crate::public::public_paths(&app).await;
    assert!(paths.len() > 20);
    for path in &paths {
        let resp = app.get(path).await;
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        let body = resp.text().await.unwrap();
        for m in &markers {
            assert!(!body.contains(m.as_str()), "{m} leaked on {path}");
        }
    }
}

/// `NL`, check digits, `ABNA` and the ten digits given: a valid Dutch IBAN.
fn valid_dutch_iban(digits: &str) -> String {
    let bban = format!("ABNA{digits}");
    // ISO 13616: the BBAN, the country and 00, letters as numbers, mod 97.
    let numeric: String = format!("{bban}NL00")
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    let rest = numeric
        .chars()
        .fold(0_u32, |acc, c| (acc * 10 + c.to_digit(10).unwrap()) % 97);
    format!("NL{:02}{bban}", 98 - rest)
}

#[test]
fn the_marker_ibans_are_valid() {
    assert_eq!(valid_dutch_iban("0123456789"), IBAN_ELECTRONIC);
    assert!(
        app::domain::bank_account::BankAccount::parse("x y", &valid_dutch_iban("4200000007"))
            .is_ok()
    );
}
