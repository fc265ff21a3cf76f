//! `buurtfonds seed demo`: a small, realistic neighbourhood fund with people
//! in every role and initiatives in every state of the lifecycle. Every state
//! is reached through the real lifecycle service, so the event log, the
//! ledger and the timelines are exactly what real use would produce.

use super::{create_fund, create_neighbourhood};
use app::domain::{Action, Cents, Role};
use app::ssr::auth::hash_password;
use app::ssr::entities::{
    budget_lines, co_initiators, coach_mandates, coach_neighbourhoods, initiatives, messages,
    own_strength_lines, payouts, reports, users,
};
use app::ssr::error::ServiceError;
use app::ssr::services::lifecycle::{perform_at, record_created};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::prelude::DateTimeWithTimeZone;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "buurtfonds-demo";

/// The demo accounts: e-mail, name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 7] = [
    ("admin@buurtfonds.test", "Fatima El Amrani", Role::Admin),
    ("sanne.coach@buurtfonds.test", "Sanne de Vries", Role::Coach),
    ("joris.coach@buurtfonds.test", "Joris Bakker", Role::Coach),
    ("ahmed@buurtfonds.test", "Ahmed Yilmaz", Role::Resident),
    ("maria@buurtfonds.test", "Maria Jansen", Role::Resident),
    ("kees@buurtfonds.test", "Kees Visser", Role::Resident),
    ("lotte@buurtfonds.test", "Lotte Smit", Role::Resident),
];

/// What `seed demo` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Seeded { initiatives: usize },
    AlreadyHasData,
}

/// Fills an empty database with demo data. With `only_if_empty`, a database
/// that already has users is left alone.
///
/// # Errors
/// A database error; `seed demo` on a database with data is refused unless `only_if_empty`.
pub async fn seed(db: &DatabaseConnection, only_if_empty: bool) -> Result<Outcome, ServiceError> {
    if users::Entity::find().count(db).await? > 0 {
        return if only_if_empty {
            Ok(Outcome::AlreadyHasData)
        } else {
            Err(ServiceError::Invalid {
                field: "database",
                message: "already has data; demo data goes into an empty database".into(),
            })
        };
    }
    let mut d = Demo::new(db);
    d.run().await?;
    Ok(Outcome::Seeded {
        initiatives: d.created,
    })
}

/// Prints the demo accounts and their password.
pub fn print_accounts() {
    println!("Demo accounts (password for all: {DEMO_PASSWORD}):");
    for (email, name, role) in DEMO_ACCOUNTS {
        println!("  {:<9} {email:<30} {name}", role.as_str());
    }
}

struct Demo<'a> {
    db: &'a DatabaseConnection,
    created: usize,
    fund: i64,
    /// The moment the story starts: eight weeks ago.
    start: DateTimeWithTimeZone,
}

/// One own-strength line: who, kind, what, value in euros.
type Strength = (&'static str, &'static str, &'static str, Option<i64>);

struct Idea {
    initiator: i64,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    beneficiaries: &'static str,
    participants: i32,
    neighbourhood: i64,
    strength: &'static [Strength],
    budget: &'static [(&'static str, i64)],
}

impl<'a> Demo<'a> {
    fn new(db: &'a DatabaseConnection) -> Demo<'a> {
        Demo {
            db,
            created: 0,
            fund: 0,
            start: (Utc::now() - Duration::weeks(8)).fixed_offset(),
        }
    }

    fn day(&self, n: i64) -> DateTimeWithTimeZone {
        self.start + Duration::days(n)
    }

    async fn user(&self, index: usize, public_name: Option<&str>) -> Result<i64, ServiceError> {
        let (email, name, role) = DEMO_ACCOUNTS[index];
        let hash = hash_password(DEMO_PASSWORD).map_err(|e| ServiceError::Invalid {
            field: "password",
            message: e.to_string(),
        })?;
        Ok(users::Entity::insert(users::ActiveModel {
            email: Set(email.into()),
            password_hash: Set(Some(hash)),
            display_name: Set(name.into()),
            public_name: Set(public_name.map(Into::into)),
            public_name_consent: Set(public_name.is_some()),
            role: Set(role.as_str().into()),
            locale: Set("nl".into()),
            stripe_payouts_enabled: Set(false),
            verified_at: Set(Some(self.day(0))),
            created_at: Set(self.day(0)),
            updated_at: Set(self.day(0)),
            ..Default::default()
        })
        .exec(self.db)
        .await?
        .last_insert_id)
    }

    async fn coach(
        &self,
        index: usize,
        mandate: Cents,
        neighbourhoods: &[i64],
        admin: i64,
    ) -> Result<i64, ServiceError> {
        let id = self.user(index, None).await?;
        coach_mandates::Entity::insert(coach_mandates::ActiveModel {
            coach_id: Set(id),
            max_cents: Set(mandate.0),
            set_by: Set(Some(admin)),
            updated_at: Set(self.day(0)),
        })
        .exec_without_returning(self.db)
        .await?;
        let links: Vec<_> = neighbourhoods
            .iter()
            .map(|n| coach_neighbourhoods::ActiveModel {
                coach_id: Set(id),
                neighbourhood_id: Set(*n),
            })
            .collect();
        coach_neighbourhoods::Entity::insert_many(links)
            .exec_without_returning(self.db)
            .await?;
        Ok(id)
    }

    async fn idea(&mut self, idea: &Idea, day: i64) -> Result<i64, ServiceError> {
        let at = self.day(day);
        let asked: i64 = idea.budget.iter().map(|(_, e)| e * 100).sum();
        let own: i64 = idea
            .strength
            .iter()
            .filter(|(_, kind, ..)| *kind == "money")
            .filter_map(|(.., v)| v.map(|e| e * 100))
            .sum();
        let id = initiatives::Entity::insert(initiatives::ActiveModel {
            kind: Set(idea.kind.into()),
            title: Set(idea.title.into()),
            description: Set(idea.description.into()),
            beneficiaries: Set(idea.beneficiaries.into()),
            participants_expected: Set(Some(idea.participants)),
            neighbourhood_id: Set(Some(idea.neighbourhood)),
            fund_id: Set(Some(self.fund)),
            starts_on: Set(Some((Utc::now() + Duration::weeks(3)).date_naive())),
            ends_on: Set(Some((Utc::now() + Duration::weeks(12)).date_naive())),
            state: Set("draft".into()),
            wizard_step: Set("review".into()),
            amount_asked_cents: Set(asked),
            own_contribution_cents: Set(own),
            initiator_id: Set(idea.initiator),
            is_public: Set(false),
            own_input: Set(Some(
                "Ik regel de afspraken, nodig de buren uit en help zelf mee op de dag.".into(),
            )),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .exec(self.db)
        .await?
        .last_insert_id;
        record_created(self.db, id, idea.initiator, at).await?;
        let strength: Vec<_> = idea
            .strength
            .iter()
            .enumerate()
            .map(
                |(i, (who, kind, what, value))| own_strength_lines::ActiveModel {
                    initiative_id: Set(id),
                    who: Set((*who).into()),
                    contribution_kind: Set((*kind).into()),
                    description: Set((*what).into()),
                    value_cents: Set(value.map(|e| e * 100)),
                    position: Set(i as i32),
                    ..Default::default()
                },
            )
            .collect();
        own_strength_lines::Entity::insert_many(strength)
            .exec_without_returning(self.db)
            .await?;
        let lines: Vec<_> = idea
            .budget
            .iter()
            .enumerate()
            .map(|(i, (item, euros))| budget_lines::ActiveModel {
                initiative_id: Set(id),
                item: Set((*item).into()),
                cents: Set(euros * 100),
                position: Set(i as i32),
                ..Default::default()
            })
            .collect();
        budget_lines::Entity::insert_many(lines)
            .exec_without_returning(self.db)
            .await?;
        self.created += 1;
        Ok(id)
    }

    async fn step(
        &self,
        id: i64,
        actor: i64,
        action: Action,
        reason: Option<&str>,
        day: i64,
    ) -> Result<(), ServiceError> {
        perform_at(
            self.db,
            id,
            Some(actor),
            action,
            reason.map(Into::into),
            self.day(day),
        )
        .await?;
        Ok(())
    }

    async fn message(
        &self,
        id: i64,
        author: i64,
        body: &str,
        day: i64,
    ) -> Result<(), ServiceError> {
        messages::Entity::insert(messages::ActiveModel {
            initiative_id: Set(id),
            author_id: Set(Some(author)),
            body: Set(body.into()),
            created_at: Set(self.day(day)),
            ..Default::default()
        })
        .exec_without_returning(self.db)
        .await?;
        Ok(())
    }

    async fn pay_by_bank(
        &self,
        id: i64,
        coach: i64,
        cents: i64,
        day: i64,
    ) -> Result<(), ServiceError> {
        self.step(id, coach, Action::PayOut, Some("Overgemaakt per bank"), day)
            .await?;
        payouts::Entity::insert(payouts::ActiveModel {
            initiative_id: Set(id),
            cents: Set(cents),
            method: Set("bank".into()),
            reference: Set(Some(format!("BF-2026-{id:05}"))),
            transferred_on: Set(Some(self.day(day).date_naive())),
            idempotency_key: Set(format!("payout-{id}-1")),
            state: Set("paid".into()),
            created_by: Set(Some(coach)),
            created_at: Set(self.day(day)),
            updated_at: Set(self.day(day)),
            ..Default::default()
        })
        .exec_without_returning(self.db)
        .await?;
        Ok(())
    }

    async fn report(
        &self,
        id: i64,
        initiator: i64,
        story: &str,
        participants: i32,
        spent: i64,
        day: i64,
    ) -> Result<(), ServiceError> {
        reports::Entity::insert(reports::ActiveModel {
            initiative_id: Set(id),
            story: Set(story.into()),
            participants: Set(participants),
            spent_cents: Set(spent),
            submitted_at: Set(self.day(day)),
            ..Default::default()
        })
        .exec_without_returning(self.db)
        .await?;
        self.step(id, initiator, Action::SubmitReport, None, day)
            .await
    }

    #[expect(clippy::too_many_lines, reason = "one story, told in order")]
    async fn run(&mut self) -> Result<(), ServiceError> {
        let centrum = create_neighbourhood(
            self.db,
            "centrum",
            "Centrum",
            "Het oude centrum rond de markt.",
        )
        .await?;
        let rivieren = create_neighbourhood(
            self.db,
            "rivierenwijk",
            "Rivierenwijk",
            "Woonwijk langs de rivier, veel gezinnen.",
        )
        .await?;
        let vogel = create_neighbourhood(
            self.db,
            "vogelbuurt",
            "De Vogelbuurt",
            "Jaren-zestigwijk met veel groen.",
        )
        .await?;
        let lombok = create_neighbourhood(
            self.db,
            "lombok",
            "Lombok",
            "Levendige wijk met veel kleine winkels.",
        )
        .await?;
        let year = Utc::now()
            .date_naive()
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap_or(2026);
        let period = (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
        );
        self.fund = create_fund(
            self.db,
            &format!("Buurtfonds {year}"),
            period,
            Cents::euros(40_000),
            Cents::euros(2_500),
            (100, Cents::euros(500)),
            &[centrum, rivieren, vogel, lombok],
        )
        .await?;

        let admin = self.user(0, None).await?;
        let sanne = self
            .coach(1, Cents::euros(1_000), &[centrum, rivieren], admin)
            .await?;
        let joris = self
            .coach(2, Cents::euros(2_500), &[vogel, lombok, centrum], admin)
            .await?;
        let ahmed = self.user(3, Some("Ahmed")).await?;
        let maria = self.user(4, Some("Maria")).await?;
        let kees = self.user(5, None).await?;
        let lotte = self.user(6, Some("Buurtmoestuin Lombok")).await?;

        // draft
        self.idea(&Idea {
            initiator: kees, kind: "course", title: "Computercursus voor beginners",
            description: "Ik wil leren werken met e-mail en DigiD, zodat ik mijn zaken zelf kan regelen.",
            beneficiaries: "Ikzelf, en daarna help ik twee buren op leeftijd.", participants: 3, neighbourhood: centrum,
            strength: &[("Mijn buurman Henk", "knowledge", "Helpt me oefenen op zijn laptop", None)],
            budget: &[("Cursus bij de bibliotheek (8 lessen)", 95)],
        }, 50).await?;

        // submitted
        let taal = self.idea(&Idea {
            initiator: maria, kind: "activity", title: "Taalcafé in de bibliotheek",
            description: "Elke woensdag een uur Nederlands praten met koffie, voor nieuwe buurtbewoners.",
            beneficiaries: "Nieuwkomers in de Rivierenwijk, ongeveer 15 per week.", participants: 15, neighbourhood: rivieren,
            strength: &[("Bibliotheek Rivierenwijk", "space", "Gratis zaal op woensdagmiddag", Some(400)), ("Drie vrijwilligers", "time", "Gespreksleiders, elke week", None)],
            budget: &[("Koffie, thee en koekjes (40 weken)", 320), ("Lesmateriaal en spelletjes", 180)],
        }, 48).await?;
        self.step(taal, maria, Action::Submit, None, 49).await?;

        // in_review
        let bbq = self
            .idea(
                &Idea {
                    initiator: ahmed,
                    kind: "activity",
                    title: "Burendag met barbecue op het plein",
                    description:
                        "Een middag samen eten en kennismaken, met spelletjes voor de kinderen.",
                    beneficiaries: "Alle bewoners rond het Marktplein, ongeveer 80 mensen.",
                    participants: 80,
                    neighbourhood: centrum,
                    strength: &[
                        ("Bakkerij Yilmaz", "materials", "Brood en tafels", Some(150)),
                        (
                            "Buren van nummer 2 tot 20",
                            "time",
                            "Opbouwen en opruimen",
                            None,
                        ),
                    ],
                    budget: &[
                        ("Vlees, groente en vegetarische burgers", 350),
                        ("Huur springkussen", 120),
                    ],
                },
                40,
            )
            .await?;
        self.step(bbq, ahmed, Action::Submit, None, 41).await?;
        self.step(bbq, sanne, Action::Claim, None, 47).await?;

        // changes_requested
        let zaden = self
            .idea(
                &Idea {
                    initiator: lotte,
                    kind: "other",
                    title: "Zadenbibliotheek in de buurtmoestuin",
                    description:
                        "Een kast waar buren zaden kunnen lenen en terugbrengen na de oogst.",
                    beneficiaries: "Tuinierende buren in Lombok.",
                    participants: 40,
                    neighbourhood: lombok,
                    strength: &[
                        ("Buurtmoestuin Lombok", "space", "Plek in de schuur", None),
                        ("Timmerman Rob", "time", "Bouwt de kast", Some(200)),
                    ],
                    budget: &[
                        ("Hout en scharnieren", 160),
                        ("Zaden om mee te beginnen", 90),
                        ("Potjes en etiketten", 45),
                    ],
                },
                30,
            )
            .await?;
        self.step(zaden, lotte, Action::Submit, None, 31).await?;
        self.step(zaden, joris, Action::Claim, None, 33).await?;
        self.message(zaden, joris, "Mooi idee! Kun je laten zien hoe de kast eruit komt te zien, en wie de uitleen bijhoudt?", 33).await?;
        self.step(
            zaden,
            joris,
            Action::AskChanges,
            Some("Graag een schets van de kast en wie de uitleen bijhoudt."),
            33,
        )
        .await?;

        // awaiting_cosign: above Sanne's mandate
        let fiets = self.idea(&Idea {
            initiator: ahmed, kind: "course", title: "Opleiding fietsenmaker volgen",
            description: "Ik volg de basisopleiding fietstechniek en start daarna een gratis fietsenwerkplaats voor de buurt.",
            beneficiaries: "Buren die hun fiets niet zelf kunnen laten maken.", participants: 60, neighbourhood: rivieren,
            strength: &[("Ikzelf", "time", "Elke zaterdag de werkplaats open", None), ("Woningcorporatie", "space", "Een berging als werkplaats", Some(600))],
            budget: &[("Opleiding fietstechniek", 1_450), ("Gereedschapskist", 350)],
        }, 20).await?;
        self.step(fiets, ahmed, Action::Submit, None, 21).await?;
        self.step(fiets, sanne, Action::Claim, None, 22).await?;
        self.step(
            fiets,
            sanne,
            Action::Approve {
                amount: Cents::euros(1_800),
            },
            Some("Goed plan; werkplaats minstens een jaar open."),
            24,
        )
        .await?;

        // approved
        let huiswerk = self
            .idea(
                &Idea {
                    initiator: maria,
                    kind: "activity",
                    title: "Huiswerkklas in de Vogelbuurt",
                    description:
                        "Twee middagen per week huiswerkbegeleiding door studenten uit de buurt.",
                    beneficiaries: "Kinderen van groep 7 tot de tweede klas, ongeveer 20.",
                    participants: 20,
                    neighbourhood: vogel,
                    strength: &[
                        (
                            "Vier studenten",
                            "time",
                            "Begeleiden twee middagen per week",
                            None,
                        ),
                        ("Buurthuis De Merel", "space", "Lokaal en wifi", Some(500)),
                    ],
                    budget: &[
                        ("Schriften, rekenmachines en boeken", 450),
                        ("Fruit en drinken", 450),
                    ],
                },
                25,
            )
            .await?;
        self.step(huiswerk, maria, Action::Submit, None, 26).await?;
        self.step(huiswerk, joris, Action::Claim, None, 27).await?;
        self.step(
            huiswerk,
            joris,
            Action::Approve {
                amount: Cents::euros(900),
            },
            None,
            29,
        )
        .await?;

        // funded, with a co-initiator
        let repair = self.idea(&Idea {
            initiator: lotte, kind: "activity", title: "Repair café Lombok",
            description: "Eén zaterdag per maand repareren we samen kapotte spullen in plaats van ze weg te gooien.",
            beneficiaries: "Iedereen in Lombok; we verwachten 30 bezoekers per keer.", participants: 30, neighbourhood: lombok,
            strength: &[("Zes handige buren", "knowledge", "Repareren elektra, kleding en fietsen", None), ("Wijkcentrum", "space", "Zaal op zaterdag", Some(600)), ("Wijzelf", "money", "Opbrengst koffiepot", Some(100))],
            budget: &[("Gereedschap en soldeerstation", 650), ("Onderdelen en naaigaren", 350), ("Flyers en poster", 200)],
        }, 15).await?;
        co_initiators::Entity::insert(co_initiators::ActiveModel {
            initiative_id: Set(repair),
            email: Set(DEMO_ACCOUNTS[4].0.into()),
            user_id: Set(Some(maria)),
            invited_at: Set(self.day(15)),
            accepted_at: Set(Some(self.day(16))),
            ..Default::default()
        })
        .exec_without_returning(self.db)
        .await?;
        self.step(repair, lotte, Action::Submit, None, 16).await?;
        self.step(repair, joris, Action::Claim, None, 17).await?;
        self.step(
            repair,
            joris,
            Action::Approve {
                amount: Cents::euros(1_100),
            },
            Some("Flyers mogen goedkoper; €1.100 toegekend."),
            19,
        )
        .await?;
        self.pay_by_bank(repair, joris, 110_000, 20).await?;

        // reporting
        let voetbal = self
            .idea(
                &Idea {
                    initiator: ahmed,
                    kind: "activity",
                    title: "Straatvoetbaltoernooi voor de jeugd",
                    description: "Een toernooi op het Cruyff Court met teams uit alle straten.",
                    beneficiaries: "Jongeren van 10 tot 16 jaar, ongeveer 60.",
                    participants: 60,
                    neighbourhood: centrum,
                    strength: &[
                        (
                            "Voetbalvereniging",
                            "materials",
                            "Doeltjes en ballen",
                            Some(250),
                        ),
                        ("Ouders", "time", "Scheidsrechters en EHBO", None),
                    ],
                    budget: &[
                        ("Medailles en beker", 250),
                        ("Drinken en fruit", 200),
                        ("T-shirts per team", 200),
                    ],
                },
                5,
            )
            .await?;
        self.step(voetbal, ahmed, Action::Submit, None, 6).await?;
        self.step(voetbal, sanne, Action::Claim, None, 7).await?;
        self.step(
            voetbal,
            sanne,
            Action::Approve {
                amount: Cents::euros(650),
            },
            None,
            8,
        )
        .await?;
        self.pay_by_bank(voetbal, sanne, 65_000, 9).await?;
        self.report(
            voetbal,
            ahmed,
            "Twaalf teams deden mee. Het was een zonnige dag en de buurt kwam kijken.",
            72,
            63_500,
            40,
        )
        .await?;

        // completed
        let ehbo = self.idea(&Idea {
            initiator: maria, kind: "course", title: "EHBO-diploma halen",
            description: "Ik haal mijn EHBO-diploma, zodat er bij buurtactiviteiten altijd iemand is die eerste hulp kan geven.",
            beneficiaries: "Bezoekers van activiteiten in de Rivierenwijk.", participants: 200, neighbourhood: rivieren,
            strength: &[("Ikzelf", "time", "Ik ben EHBO'er bij elke buurtactiviteit", None), ("Ikzelf", "money", "Ik betaal het examen zelf", Some(45))],
            budget: &[("EHBO-cursus (6 avonden)", 240)],
        }, 1).await?;
        self.step(ehbo, maria, Action::Submit, None, 1).await?;
        self.step(ehbo, sanne, Action::Claim, None, 2).await?;
        self.step(
            ehbo,
            sanne,
            Action::Approve {
                amount: Cents::euros(240),
            },
            None,
            3,
        )
        .await?;
        self.pay_by_bank(ehbo, sanne, 24_000, 4).await?;
        self.report(
            ehbo,
            maria,
            "Geslaagd! Ik was al EHBO'er bij de burendag en het voetbaltoernooi.",
            1,
            24_000,
            35,
        )
        .await?;
        self.step(
            ehbo,
            sanne,
            Action::AcceptReport,
            Some("Dank je wel, Maria!"),
            37,
        )
        .await?;

        // completed, above the mandate and co-signed by the admin
        let koor = self.idea(&Idea {
            initiator: ahmed, kind: "activity", title: "Buurtkoor Rivierenwijk",
            description: "Een koor voor alle leeftijden dat oefent in het buurthuis en optreedt bij de kerstmarkt.",
            beneficiaries: "Zangers uit de wijk, ongeveer 25, en het publiek.", participants: 25, neighbourhood: rivieren,
            strength: &[("Dirigent Els", "knowledge", "Leidt het koor zonder vergoeding", Some(1_200)), ("Buurthuis", "space", "Oefenruimte op dinsdag", Some(800))],
            budget: &[("Bladmuziek", 300), ("Piano stemmen en huur", 700), ("Optreden kerstmarkt", 500)],
        }, 2).await?;
        self.step(koor, ahmed, Action::Submit, None, 2).await?;
        self.step(koor, sanne, Action::Claim, None, 4).await?;
        self.step(
            koor,
            sanne,
            Action::Approve {
                amount: Cents::euros(1_500),
            },
            None,
            6,
        )
        .await?;
        self.step(koor, admin, Action::CoSign, Some("Meegetekend."), 7)
            .await?;
        self.pay_by_bank(koor, sanne, 150_000, 8).await?;
        self.report(
            koor,
            ahmed,
            "Het koor heeft nu 28 leden en trad twee keer op.",
            28,
            150_000,
            45,
        )
        .await?;
        self.step(koor, sanne, Action::AcceptReport, None, 46)
            .await?;

        // rejected
        let tv = self
            .idea(
                &Idea {
                    initiator: kees,
                    kind: "other",
                    title: "Nieuwe televisie voor de buurtzaal",
                    description: "Een grote tv om samen voetbal te kijken.",
                    beneficiaries: "Bezoekers van de buurtzaal.",
                    participants: 30,
                    neighbourhood: centrum,
                    strength: &[("Ikzelf", "time", "Ophangen", None)],
                    budget: &[("Televisie 75 inch", 1_200)],
                },
                10,
            )
            .await?;
        self.step(tv, kees, Action::Submit, None, 11).await?;
        self.step(tv, sanne, Action::Claim, None, 12).await?;
        self.step(tv, sanne, Action::Reject, Some("Het fonds steunt activiteiten en cursussen, geen losse apparaten. Een filmavond met geleende beamer kan wel."), 14).await?;

        // cancelled: the money returns to the fund
        let markt = self
            .idea(
                &Idea {
                    initiator: lotte,
                    kind: "activity",
                    title: "Rommelmarkt op het Lombokplein",
                    description: "Een rommelmarkt waar buren spullen ruilen en verkopen.",
                    beneficiaries: "Alle buren van Lombok.",
                    participants: 150,
                    neighbourhood: lombok,
                    strength: &[("Winkeliersvereniging", "materials", "Kramen", Some(300))],
                    budget: &[("Vergunning en afzetting", 250), ("Muziek", 150)],
                },
                12,
            )
            .await?;
        self.step(markt, lotte, Action::Submit, None, 12).await?;
        self.step(markt, joris, Action::Claim, None, 13).await?;
        self.step(
            markt,
            joris,
            Action::Approve {
                amount: Cents::euros(400),
            },
            None,
            14,
        )
        .await?;
        self.step(
            markt,
            joris,
            Action::Cancel,
            Some("De gemeente gaf geen vergunning voor deze datum."),
            18,
        )
        .await?;

        // withdrawn
        let gitaar = self
            .idea(
                &Idea {
                    initiator: kees,
                    kind: "course",
                    title: "Gitaarles volgen",
                    description:
                        "Ik wil gitaar leren spelen en daarna meespelen bij het buurtkoor.",
                    beneficiaries: "Ikzelf en het buurtkoor.",
                    participants: 1,
                    neighbourhood: centrum,
                    strength: &[("Mijn nicht", "materials", "Leent me haar gitaar", Some(150))],
                    budget: &[("Tien gitaarlessen", 300)],
                },
                20,
            )
            .await?;
        self.step(gitaar, kees, Action::Submit, None, 21).await?;
        self.step(
            gitaar,
            kees,
            Action::Withdraw,
            Some("Ik kan nu toch les krijgen van de dirigent."),
            23,
        )
        .await?;

        Ok(())
    }
}
