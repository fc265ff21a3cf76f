//! `buurtfonds seed bench --initiatives N`: N realistic initiatives spread
//! over 20 neighbourhoods, for benchmarks. Rows are built in memory with
//! explicit ids and written in large multi-row inserts inside one
//! transaction, so 100,000 initiatives (about 1.5 million rows with their
//! events, lines and ledger entries) seed in seconds on SQLite.

use app::domain::ledger::{AccountKey, LedgerTransaction};
use app::domain::lifecycle::MoneyEffect;
use app::domain::{Cents, State};
use app::ssr::auth::hash_password;
use app::ssr::entities::{
    budget_lines, coach_mandates, coach_neighbourhoods, events, fund_neighbourhoods, funds,
    initiatives, ledger_accounts, ledger_entries, ledger_transactions, neighbourhoods,
    own_strength_lines, payouts, users,
};
use app::ssr::error::ServiceError;
use chrono::{Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    EntityTrait, Iterable, PaginatorTrait, TransactionTrait,
};

const NEIGHBOURHOODS: [&str; 20] = [
    "Centrum",
    "Rivierenwijk",
    "De Vogelbuurt",
    "Lombok",
    "Oosterpark",
    "Transvaal",
    "Zuilen",
    "Overvecht",
    "Kanaleneiland",
    "Hoograven",
    "Tuinwijk",
    "Wittevrouwen",
    "Dichterswijk",
    "Lunetten",
    "Ondiep",
    "Pijlsweerd",
    "Oog in Al",
    "Majellapark",
    "Voordorp",
    "De Bilt-West",
];

const COURSE: [&str; 8] = [
    "Cursus Nederlands op B1-niveau",
    "EHBO-diploma halen",
    "Opleiding fietsenmaker",
    "Cursus digitale vaardigheden",
    "Training buurtbemiddelaar",
    "Kookcursus gezond en goedkoop",
    "Cursus naaien en repareren",
    "Opleiding sportleider jeugd",
];
const ACTIVITY: [&str; 10] = [
    "Burendag",
    "Repair café",
    "Huiswerkklas",
    "Taalcafé",
    "Buurtkoor",
    "Straatvoetbaltoernooi",
    "Kinderdisco",
    "Buurtmoestuin",
    "Filmavond",
    "Wandelclub voor ouderen",
];
const OTHER: [&str; 6] = [
    "Zadenbibliotheek",
    "Minibieb bij de speeltuin",
    "Gereedschapsuitleen",
    "Buurtkrant",
    "Muurschildering bij het trapveldje",
    "Deelbakfiets",
];
const ITEMS: [&str; 10] = [
    "Materiaal",
    "Huur zaal",
    "Koffie en thee",
    "Lesgeld",
    "Gereedschap",
    "Flyers en posters",
    "Boodschappen",
    "Vervoer",
    "Verzekering",
    "Muziek en geluid",
];
const STRENGTH: [(&str, &str, &str); 5] = [
    (
        "Buren uit de straat",
        "time",
        "Helpen met opbouwen en opruimen",
    ),
    (
        "Het buurthuis",
        "space",
        "Een ruimte om bij elkaar te komen",
    ),
    ("De bakker op de hoek", "materials", "Brood en koffie"),
    (
        "Een gepensioneerde docent",
        "knowledge",
        "Geeft uitleg en begeleidt",
    ),
    ("Wijzelf", "money", "Een eigen bijdrage uit de pot"),
];

/// What `seed bench` wrote.
#[derive(Debug)]
pub struct Seeded {
    pub initiatives: usize,
    pub rows: usize,
}

/// Rows waiting to be written, per table, flushed in chunks that stay under
/// the databases' limits on bound parameters.
struct Batches {
    rows: usize,
}

async fn flush<C, A>(db: &C, rows: &mut Vec<A>, written: &mut usize) -> Result<(), ServiceError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    if rows.is_empty() {
        return Ok(());
    }
    *written += rows.len();
    // Stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = 30_000 / columns;
    let all = std::mem::take(rows);
    let mut iter = all.into_iter().peekable();
    while iter.peek().is_some() {
        let chunk: Vec<A> = iter.by_ref().take(per_statement).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Pushes `row` and flushes when the chunk (sized by `columns`) is full.
async fn push<C, A>(
    db: &C,
    rows: &mut Vec<A>,
    row: A,
    columns: usize,
    written: &mut usize,
) -> Result<(), ServiceError>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    rows.push(row);
    if rows.len() * columns >= 30_000 {
        flush(db, rows, written).await?;
    }
    Ok(())
}

/// The state of initiative number `i`: a fixed mix resembling a fund in use.
fn state_for(r: u32) -> State {
    match r {
        0..=4 => State::Draft,
        5..=9 => State::Submitted,
        10..=13 => State::InReview,
        14..=15 => State::ChangesRequested,
        16..=17 => State::AwaitingCosign,
        18..=29 => State::Approved,
        30..=59 => State::Funded,
        60..=69 => State::Reporting,
        70..=91 => State::Completed,
        92..=95 => State::Rejected,
        96..=97 => State::Cancelled,
        _ => State::Withdrawn,
    }
}

/// Seeds `n` initiatives into an empty database.
///
/// # Errors
/// A database error, or a database that already has data.
#[expect(
    clippy::too_many_lines,
    reason = "one pass that builds every table's rows"
)]
pub async fn seed(db: &DatabaseConnection, n: usize) -> Result<Seeded, ServiceError> {
    if users::Entity::find().count(db).await? > 0 {
        return Err(ServiceError::Invalid {
            field: "database",
            message: "already has data; bench data goes into an empty database".into(),
        });
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let now = Utc::now().fixed_offset();
    let txn = db.begin().await?;
    let mut b = Batches { rows: 0 };
    let w = &mut b.rows;

    // Neighbourhoods, one fund covering them all, with room for every grant.
    let mut nbh = Vec::new();
    for (i, name) in NEIGHBOURHOODS.iter().enumerate() {
        nbh.push(neighbourhoods::ActiveModel {
            id: Set(i as i64 + 1),
            slug: Set(slug(name)),
            name: Set((*name).into()),
            description: Set(format!("De wijk {name}.")),
            created_at: Set(now),
        });
    }
    flush(&txn, &mut nbh, w).await?;
    let budget = Cents::euros(n as i64 * 2_500 + 1_000_000);
    let year = now
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026);
    let fund = 1i64;
    funds::Entity::insert(funds::ActiveModel {
        id: Set(fund),
        name: Set(format!("Buurtfonds {year}")),
        period_start: Set(NaiveDate::from_ymd_opt(year - 2, 1, 1).unwrap_or_default()),
        period_end: Set(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()),
        budget_cents: Set(budget.0),
        max_grant_cents: Set(Cents::euros(2_500).0),
        match_percent: Set(100),
        match_cap_cents: Set(Cents::euros(500).0),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let mut links: Vec<_> = (1..=20)
        .map(|i| fund_neighbourhoods::ActiveModel {
            fund_id: Set(fund),
            neighbourhood_id: Set(i),
        })
        .collect();
    flush(&txn, &mut links, w).await?;

    // People: two coaches per neighbourhood and one resident per four initiatives.
    let hash = hash_password("buurtfonds-bench").map_err(|e| ServiceError::Invalid {
        field: "password",
        message: e.to_string(),
    })?;
    let coaches = 40i64;
    let residents = (n as i64 / 4).max(10);
    let mut people = Vec::new();
    let mut mandates = Vec::new();
    let mut coach_links = Vec::new();
    for id in 1..=coaches + residents {
        let coach = id <= coaches;
        let first = [
            "Anna", "Bram", "Chaima", "Daan", "Eva", "Fatma", "Gijs", "Hanna", "Ilias", "Jet",
        ][id as usize % 10];
        push(
            &txn,
            &mut people,
            users::ActiveModel {
                id: Set(id),
                email: Set(format!(
                    "{}{id}@bench.buurtfonds.test",
                    if coach { "coach" } else { "bewoner" }
                )),
                password_hash: Set(Some(hash.clone())),
                display_name: Set(format!("{first} {id}")),
                public_name: Set(Some(first.into())),
                public_name_consent: Set(id % 3 != 0),
                role: Set(if coach { "coach" } else { "resident" }.into()),
                locale: Set("nl".into()),
                phone: Set(None),
                address: Set(None),
                iban: Set(None),
                stripe_account_id: Set(None),
                stripe_payouts_enabled: Set(false),
                stripe_account_event_at: Set(0),
                verified_at: Set(Some(now)),
                erased_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            },
            17,
            w,
        )
        .await?;
        if coach {
            mandates.push(coach_mandates::ActiveModel {
                coach_id: Set(id),
                max_cents: Set(Cents::euros(1_500).0),
                set_by: Set(None),
                updated_at: Set(now),
            });
            coach_links.push(coach_neighbourhoods::ActiveModel {
                coach_id: Set(id),
                neighbourhood_id: Set((id - 1) % 20 + 1),
            });
        }
    }
    flush(&txn, &mut people, w).await?;
    flush(&txn, &mut mandates, w).await?;
    flush(&txn, &mut coach_links, w).await?;

    // The ledger: the fund's two accounts and its budget.
    let mut account_id = 0i64;
    let mut accounts = Vec::new();
    let mut new_account = |key: AccountKey, accounts: &mut Vec<ledger_accounts::ActiveModel>| {
        account_id += 1;
        accounts.push(ledger_accounts::ActiveModel {
            id: Set(account_id),
            key: Set(key.key()),
            kind: Set(key.kind().into()),
            fund_id: Set(key.fund_id()),
            initiative_id: Set(key.initiative_id()),
        });
        account_id
    };
    let source = new_account(AccountKey::FundSource(fund), &mut accounts);
    let available = new_account(AccountKey::FundAvailable(fund), &mut accounts);
    let mut tx_id = 0i64;
    let mut entry_id = 0i64;
    let mut txs = Vec::new();
    let mut entries = Vec::new();
    let mut book = |kind: &str,
                    initiative: Option<i64>,
                    at: DateTimeWithTimeZone,
                    lines: [(i64, i64); 2],
                    txs: &mut Vec<ledger_transactions::ActiveModel>,
                    entries: &mut Vec<ledger_entries::ActiveModel>| {
        debug_assert_eq!(lines[0].1 + lines[1].1, 0);
        tx_id += 1;
        txs.push(ledger_transactions::ActiveModel {
            id: Set(tx_id),
            kind: Set(kind.into()),
            initiative_id: Set(initiative),
            event_id: Set(None),
            memo: Set(String::new()),
            at: Set(at),
        });
        for (account, cents) in lines {
            entry_id += 1;
            entries.push(ledger_entries::ActiveModel {
                id: Set(entry_id),
                transaction_id: Set(tx_id),
                account_id: Set(account),
                cents: Set(cents),
            });
        }
    };
    let budget_tx = LedgerTransaction::fund_budget(fund, budget)?;
    book(
        "fund_budget",
        None,
        now,
        [
            (source, budget_tx.entries()[0].cents.0),
            (available, budget.0),
        ],
        &mut txs,
        &mut entries,
    );

    let mut rows_i = Vec::new();
    let mut rows_b = Vec::new();
    let mut rows_s = Vec::new();
    let mut rows_e = Vec::new();
    let mut rows_p = Vec::new();
    let (mut budget_id, mut strength_id, mut event_id) = (0i64, 0i64, 0i64);
    let mut seq = 0usize;
    for i in 1..=n as i64 {
        let state = state_for(rng.random_range(0..100));
        let kind = ["course", "activity", "other"][i as usize % 3];
        let base = match kind {
            "course" => COURSE[rng.random_range(0..COURSE.len())],
            "activity" => ACTIVITY[rng.random_range(0..ACTIVITY.len())],
            _ => OTHER[rng.random_range(0..OTHER.len())],
        };
        let nb = (i - 1) % 20 + 1;
        let nb_name = NEIGHBOURHOODS[(nb - 1) as usize];
        let initiator = coaches + 1 + rng.random_range(0..residents);
        let coach = (nb - 1) % 20 + 1 + if rng.random_bool(0.5) { 20 } else { 0 };
        let created = now - Duration::minutes(rng.random_range(60..3 * 365 * 24 * 60));
        let lines: Vec<(&str, i64)> = (0..2)
            .map(|_| {
                (
                    ITEMS[rng.random_range(0..ITEMS.len())],
                    rng.random_range(40..1_200) * 100,
                )
            })
            .collect();
        let asked: i64 = lines.iter().map(|l| l.1).sum();
        let approved = (asked * rng.random_range(70..=100) / 100 / 100 * 100).max(100);

        // The path through the lifecycle that leads to `state`.
        use State as S;
        let mut path: Vec<(&str, Option<S>, S, Option<i64>)> =
            vec![("create", None, S::Draft, None)];
        let add = |action: &'static str, to: S, amount: Option<i64>, path: &mut Vec<_>| {
            let from = path.last().map(|p: &(&str, Option<S>, S, Option<i64>)| p.2);
            path.push((action, from, to, amount));
        };
        if state != S::Draft {
            add("submit", S::Submitted, None, &mut path);
        }
        if matches!(
            state,
            S::InReview
                | S::ChangesRequested
                | S::AwaitingCosign
                | S::Approved
                | S::Funded
                | S::Reporting
                | S::Completed
                | S::Rejected
                | S::Cancelled
        ) {
            add("claim", S::InReview, None, &mut path);
        }
        match state {
            S::ChangesRequested => add("ask_changes", S::ChangesRequested, None, &mut path),
            S::AwaitingCosign => add("approve", S::AwaitingCosign, Some(approved), &mut path),
            S::Rejected => add("reject", S::Rejected, None, &mut path),
            S::Withdrawn => add("withdraw", S::Withdrawn, None, &mut path),
            _ => {}
        }
        let granted = matches!(
            state,
            S::Approved | S::Funded | S::Reporting | S::Completed | S::Cancelled
        );
        if granted {
            add("approve", S::Approved, Some(approved), &mut path);
        }
        if matches!(state, S::Funded | S::Reporting | S::Completed) {
            add("pay_out", S::Funded, Some(approved), &mut path);
        }
        if matches!(state, S::Reporting | S::Completed) {
            add("submit_report", S::Reporting, None, &mut path);
        }
        if state == S::Completed {
            add("accept_report", S::Completed, None, &mut path);
        }
        if state == S::Cancelled {
            add("cancel", S::Cancelled, Some(approved), &mut path);
        }

        let mut at = created;
        let mut submitted_at = None;
        let mut decided_at = None;
        let mut funded_at = None;
        for (action, from, to, amount) in &path {
            let actor = match *action {
                "create" | "submit" | "withdraw" | "submit_report" => initiator,
                _ => coach,
            };
            event_id += 1;
            rows_e.push(events::ActiveModel {
                id: Set(event_id),
                initiative_id: Set(i),
                actor_id: Set(Some(actor)),
                action: Set((*action).into()),
                from_state: Set(from.map(|s| s.as_str().to_string())),
                to_state: Set(to.as_str().into()),
                amount_cents: Set(*amount),
                reason: Set(None),
                at: Set(at),
            });
            match *action {
                "submit" => submitted_at = Some(at),
                "approve" | "reject" => decided_at = Some(at),
                "pay_out" => funded_at = Some(at),
                _ => {}
            }
            if let Some(cents) = amount {
                let effect = match *action {
                    "approve" if *to == S::Approved => Some(MoneyEffect::Commit(Cents(*cents))),
                    "pay_out" => Some(MoneyEffect::PayOut {
                        grant: Cents(*cents),
                        gifts: Cents::ZERO,
                    }),
                    "cancel" => Some(MoneyEffect::Release(Cents(*cents))),
                    _ => None,
                };
                if let Some(effect) = effect {
                    let tx = LedgerTransaction::for_effect(effect, fund, i)?;
                    let mut ids = [0i64; 2];
                    for (k, e) in tx.entries().iter().enumerate() {
                        ids[k] = match e.account {
                            AccountKey::FundAvailable(_) => available,
                            key => new_account_cached(key, &mut accounts, &mut new_account),
                        };
                    }
                    book(
                        action,
                        Some(i),
                        at,
                        [
                            (ids[0], tx.entries()[0].cents.0),
                            (ids[1], tx.entries()[1].cents.0),
                        ],
                        &mut txs,
                        &mut entries,
                    );
                }
                if *action == "pay_out" {
                    rows_p.push(payouts::ActiveModel {
                        id: Set(i),
                        initiative_id: Set(i),
                        cents: Set(*cents),
                        method: Set("bank".into()),
                        reference: Set(Some(format!("BF-{i:06}"))),
                        transferred_on: Set(Some(at.date_naive())),
                        idempotency_key: Set(format!("payout-{i}-1")),
                        state: Set("paid".into()),
                        stripe_transfer_id: Set(None),
                        failure_reason: Set(None),
                        created_by: Set(Some(coach)),
                        created_at: Set(at),
                        updated_at: Set(at),
                        round: Set(0),
                        gift_cents: Set(0),
                        // Bench residents enter no bank accounts.
                        account_masked: Set(None),
                        account_holder: Set(None),
                    });
                }
            }
            at += Duration::hours(rng.random_range(2..24 * 12));
        }

        seq += 1;
        let title = format!("{base} {nb_name} #{seq}");
        let visible = state.is_public();
        rows_i.push(initiatives::ActiveModel {
            id: Set(i),
            kind: Set(kind.into()),
            title: Set(title),
            description: Set(format!(
                "{base} in {nb_name}: buren organiseren dit samen. We zoeken hulp bij {} en {}, en brengen zelf tijd en spullen mee.",
                lines[0].0.to_lowercase(), lines[1].0.to_lowercase()
            )),
            beneficiaries: Set(format!("Bewoners van {nb_name}")),
            participants_expected: Set(Some(rng.random_range(5..120))),
            neighbourhood_id: Set(Some(nb)),
            fund_id: Set(Some(fund)),
            starts_on: Set(Some(created.date_naive() + Duration::days(30))),
            ends_on: Set(Some(created.date_naive() + Duration::days(90))),
            state: Set(state.as_str().into()),
            wizard_step: Set("review".into()),
            amount_asked_cents: Set(asked),
            own_contribution_cents: Set(rng.random_range(0..200) * 100),
            amount_approved_cents: Set(path.iter().find(|p| p.0 == "approve").and_then(|p| p.3)),
            approval_conditions: Set(None),
            initiator_id: Set(initiator),
            coach_id: Set((state != S::Draft && state != S::Submitted && state != S::Withdrawn).then_some(coach)),
            approved_by: Set(path.iter().any(|p| p.0 == "approve").then_some(coach)),
            is_public: Set(visible),
            submitted_at: Set(submitted_at),
            decided_at: Set(decided_at),
            funded_at: Set(funded_at),
            created_at: Set(created),
            updated_at: Set(at),
            own_input: Set(Some("Ik regel de planning en breng zelf koffie en thee mee.".into())),
        });
        for (k, (item, cents)) in lines.iter().enumerate() {
            budget_id += 1;
            rows_b.push(budget_lines::ActiveModel {
                id: Set(budget_id),
                initiative_id: Set(i),
                item: Set((*item).into()),
                cents: Set(*cents),
                position: Set(k as i32),
            });
        }
        for k in 0..2 {
            let (who, ck, what) = STRENGTH[rng.random_range(0..STRENGTH.len())];
            strength_id += 1;
            rows_s.push(own_strength_lines::ActiveModel {
                id: Set(strength_id),
                initiative_id: Set(i),
                who: Set(who.into()),
                contribution_kind: Set(ck.into()),
                description: Set(what.into()),
                value_cents: Set(Some(rng.random_range(10..500) * 100)),
                position: Set(k),
            });
        }
        // Parents before children: initiatives, then what refers to them.
        if rows_i.len() >= 1_000 || i == n as i64 {
            flush(&txn, &mut rows_i, w).await?;
            flush(&txn, &mut rows_b, w).await?;
            flush(&txn, &mut rows_s, w).await?;
            flush(&txn, &mut rows_e, w).await?;
            flush(&txn, &mut rows_p, w).await?;
        }
    }
    flush(&txn, &mut accounts, w).await?;
    flush(&txn, &mut txs, w).await?;
    flush(&txn, &mut entries, w).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        for table in [
            "neighbourhoods",
            "funds",
            "users",
            "initiatives",
            "budget_lines",
            "own_strength_lines",
            "events",
            "payouts",
            "ledger_accounts",
            "ledger_transactions",
            "ledger_entries",
        ] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(Seeded {
        initiatives: n,
        rows: b.rows,
    })
}

/// Creates an initiative account once: the bench writes each at its first use.
fn new_account_cached(
    key: AccountKey,
    accounts: &mut Vec<ledger_accounts::ActiveModel>,
    new_account: &mut impl FnMut(AccountKey, &mut Vec<ledger_accounts::ActiveModel>) -> i64,
) -> i64 {
    // Initiative accounts are created in order of first use; look back a few.
    let natural = key.key();
    for a in accounts.iter().rev().take(4) {
        if let sea_orm::ActiveValue::Set(k) = &a.key {
            if *k == natural {
                if let sea_orm::ActiveValue::Set(id) = a.id {
                    return id;
                }
            }
        }
    }
    new_account(key, accounts)
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
