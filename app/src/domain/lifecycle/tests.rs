//! The authorization table of DESIGN.md, written out independently of
//! [`apply`], and checked for every action × state × kind of person.

use super::*;
use crate::domain::ledger::{AccountKey, Ledger, LedgerError, LedgerTransaction};
use proptest::prelude::*;
use State as S;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Visitor,
    Stranger,
    Initiator,
    CoInitiator,
    /// The coach who claimed the initiative and approved it.
    ClaimingCoach,
    /// Another coach of the same neighbourhood, with a large mandate.
    NeighbourhoodCoach,
    /// A coach of another neighbourhood, with a large mandate.
    OtherCoach,
    Admin,
    /// A coach of the neighbourhood, with a large mandate, who is a co-initiator.
    CoachOnTeam,
    /// An admin who is a co-initiator.
    AdminOnTeam,
}

const EVERYONE: [Who; 10] = [
    Who::Visitor,
    Who::Stranger,
    Who::Initiator,
    Who::CoInitiator,
    Who::ClaimingCoach,
    Who::NeighbourhoodCoach,
    Who::OtherCoach,
    Who::Admin,
    Who::CoachOnTeam,
    Who::AdminOnTeam,
];

/// The team of every initiative in these tests: the initiator (1) and the co-initiators.
const TEAM: [i64; 4] = [1, 2, 13, 21];

fn actor(who: Who) -> Actor {
    let person = |id: i64, role: Role| Actor {
        user_id: Some(id),
        role: Some(role),
        mandate: None,
        coaches_neighbourhood: false,
        system: false,
    };
    let coach = |id: i64, nbh: bool| Actor {
        user_id: Some(id),
        role: Some(Role::Coach),
        mandate: Some(Cents::euros(1_000)),
        coaches_neighbourhood: nbh,
        system: false,
    };
    match who {
        Who::Visitor => Actor::visitor(),
        Who::Stranger => person(3, Role::Resident),
        Who::Initiator => person(1, Role::Resident),
        Who::CoInitiator => person(2, Role::Resident),
        Who::ClaimingCoach => coach(10, true),
        Who::NeighbourhoodCoach => coach(11, true),
        Who::OtherCoach => coach(12, false),
        Who::Admin => person(20, Role::Admin),
        Who::CoachOnTeam => coach(13, true),
        Who::AdminOnTeam => person(21, Role::Admin),
    }
}

fn facts() -> Facts {
    Facts {
        initiator_id: 1,
        co_initiator_ids: TEAM[1..].to_vec(),
        coach_id: Some(10),
        approver_id: Some(10),
        amount_asked: Cents::euros(500),
        amount_approved: Some(Cents::euros(400)),
        // Match that arrived after a payout: something to top up.
        unpaid: Cents::euros(10),
        new_coach: Some(NewCoach {
            user_id: 11,
            coaches_neighbourhood: true,
        }),
        ..Facts::default()
    }
}

const NOT_DRAFT: [State; 11] = [
    S::Submitted,
    S::InReview,
    S::ChangesRequested,
    S::AwaitingCosign,
    S::Approved,
    S::Funded,
    S::Reporting,
    S::Completed,
    S::Rejected,
    S::Cancelled,
    S::Withdrawn,
];

/// One row: the action, the states it is allowed in, who may take it, and
/// where it leads (`None`: it stays in the same state).
type Row = (Action, Vec<State>, Vec<Who>, Option<State>);

fn table() -> Vec<Row> {
    use Who::*;
    vec![
        (
            Action::Edit,
            vec![S::Draft, S::ChangesRequested],
            vec![Initiator, CoInitiator, CoachOnTeam, AdminOnTeam],
            None,
        ),
        (Action::Delete, vec![S::Draft], vec![Initiator], None),
        (
            Action::Submit,
            vec![S::Draft, S::ChangesRequested],
            vec![Initiator],
            Some(S::Submitted),
        ),
        (
            Action::Withdraw,
            vec![
                S::Draft,
                S::Submitted,
                S::InReview,
                S::ChangesRequested,
                S::AwaitingCosign,
            ],
            vec![Initiator],
            Some(S::Withdrawn),
        ),
        // Already claimed by coach 10: only that coach takes it back into review.
        (
            Action::Claim,
            vec![S::Submitted],
            vec![ClaimingCoach],
            Some(S::InReview),
        ),
        (
            Action::Message,
            NOT_DRAFT.to_vec(),
            vec![
                Initiator,
                CoInitiator,
                ClaimingCoach,
                Admin,
                CoachOnTeam,
                AdminOnTeam,
            ],
            None,
        ),
        (
            Action::AskChanges,
            vec![S::InReview],
            vec![ClaimingCoach],
            Some(S::ChangesRequested),
        ),
        (
            Action::Reject,
            vec![S::InReview],
            vec![ClaimingCoach],
            Some(S::Rejected),
        ),
        (
            Action::Approve {
                amount: Cents::euros(400),
            },
            vec![S::InReview],
            vec![ClaimingCoach],
            Some(S::Approved),
        ),
        (
            Action::CoSign,
            vec![S::AwaitingCosign],
            vec![NeighbourhoodCoach, OtherCoach, Admin],
            Some(S::Approved),
        ),
        (
            Action::DeclineCosign,
            vec![S::AwaitingCosign],
            vec![NeighbourhoodCoach, OtherCoach, Admin],
            Some(S::InReview),
        ),
        (
            Action::AskCosignQuestion,
            vec![S::AwaitingCosign],
            vec![NeighbourhoodCoach, OtherCoach, Admin],
            None,
        ),
        (
            Action::Release,
            vec![S::InReview],
            vec![ClaimingCoach],
            Some(S::Submitted),
        ),
        // To coach 11, of the neighbourhood and off the team.
        (
            Action::Reassign { to: 11 },
            vec![
                S::InReview,
                S::ChangesRequested,
                S::AwaitingCosign,
                S::Approved,
                S::Funded,
                S::Reporting,
            ],
            vec![Admin],
            None,
        ),
        (
            Action::PayOut,
            vec![S::Approved],
            vec![ClaimingCoach, Admin],
            Some(S::Funded),
        ),
        (
            Action::TopUp,
            vec![S::Funded, S::Reporting, S::Completed],
            vec![ClaimingCoach, Admin],
            None,
        ),
        (
            Action::Cancel,
            vec![S::Approved],
            vec![ClaimingCoach, Admin],
            Some(S::Cancelled),
        ),
        (
            Action::SubmitReport,
            vec![S::Funded],
            vec![Initiator],
            Some(S::Reporting),
        ),
        (
            Action::AcceptReport,
            vec![S::Reporting],
            vec![ClaimingCoach],
            Some(S::Completed),
        ),
        (
            Action::AskMoreReport,
            vec![S::Reporting],
            vec![ClaimingCoach],
            Some(S::Funded),
        ),
        (
            Action::Give {
                amount: Cents(2_500),
            },
            vec![S::Approved, S::Funded],
            EVERYONE.to_vec(),
            None,
        ),
        // Only Buurtfonds itself, on a verified payment event.
        (
            Action::ReturnPayout,
            vec![S::Funded, S::Reporting],
            vec![],
            Some(S::Approved),
        ),
    ]
}

#[test]
fn a_returned_payout_is_buurtfonds_own_step_and_includes_the_match() {
    let f = Facts {
        matched: Cents::euros(50),
        ..facts()
    };
    let t = apply(S::Funded, &Action::ReturnPayout, &Actor::system(), &f).unwrap();
    assert_eq!(t.to, S::Approved);
    assert_eq!(
        t.money,
        Some(MoneyEffect::Unpay {
            grant: Cents::euros(450),
            gifts: Cents::ZERO
        })
    );
    let paid = apply(S::Approved, &Action::PayOut, &actor(Who::ClaimingCoach), &f).unwrap();
    assert_eq!(
        paid.money,
        Some(MoneyEffect::PayOut {
            grant: Cents::euros(450),
            gifts: Cents::ZERO
        })
    );
    assert_eq!(
        apply(S::Funded, &Action::ReturnPayout, &actor(Who::Admin), &f),
        Err(TransitionError::Forbidden)
    );
}

#[test]
fn every_action_state_and_person_matches_the_table() {
    let facts = facts();
    let mut checked = 0;
    for (action, states, whos, to) in table() {
        for state in State::ALL {
            for who in EVERYONE {
                let result = apply(state, &action, &actor(who), &facts);
                let expected = states.contains(&state) && whos.contains(&who);
                assert_eq!(
                    result.is_ok(),
                    expected,
                    "{action:?} in {state:?} by {who:?}: got {result:?}"
                );
                if let Ok(t) = result {
                    assert_eq!(t.from, state);
                    assert_eq!(t.to, to.unwrap_or(state), "{action:?} in {state:?}");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 22 * 12 * EVERYONE.len());
}

#[test]
fn the_table_covers_every_action() {
    let listed: Vec<&str> = table().iter().map(|(a, ..)| a.name()).collect();
    for action in candidate_actions(&facts()) {
        assert!(listed.contains(&action.name()), "{} missing", action.name());
    }
}

#[test]
fn an_unclaimed_initiative_is_claimed_by_a_coach_of_its_neighbourhood() {
    let unclaimed = Facts {
        coach_id: None,
        approver_id: None,
        ..facts()
    };
    for (who, ok) in [
        (Who::ClaimingCoach, true),
        (Who::NeighbourhoodCoach, true),
        (Who::OtherCoach, false),
        (Who::Admin, false),
        (Who::Initiator, false),
        (Who::Visitor, false),
    ] {
        assert_eq!(
            apply(S::Submitted, &Action::Claim, &actor(who), &unclaimed).is_ok(),
            ok,
            "{who:?}"
        );
    }
}

#[test]
fn a_coach_never_claims_their_own_initiative() {
    let own = Facts {
        initiator_id: 11,
        coach_id: None,
        ..facts()
    };
    assert_eq!(
        apply(
            S::Submitted,
            &Action::Claim,
            &actor(Who::NeighbourhoodCoach),
            &own
        ),
        Err(TransitionError::OwnInitiative)
    );
}

#[test]
fn nobody_on_the_team_decides_also_a_coach_who_joined_after_claiming() {
    // Coach 10 claimed it, then accepted an invitation to the team.
    let joined = Facts {
        co_initiator_ids: vec![2, 10],
        ..facts()
    };
    let claiming = actor(Who::ClaimingCoach);
    for (state, action) in [
        (S::Submitted, Action::Claim),
        (S::InReview, Action::AskChanges),
        (S::InReview, Action::Reject),
        (
            S::InReview,
            Action::Approve {
                amount: Cents::euros(400),
            },
        ),
        (S::Approved, Action::PayOut),
        (S::Approved, Action::Cancel),
        (S::Reporting, Action::AcceptReport),
        (S::Reporting, Action::AskMoreReport),
    ] {
        assert!(
            apply(state, &action, &claiming, &facts()).is_ok(),
            "{action:?}"
        );
        assert_eq!(
            apply(state, &action, &claiming, &joined),
            Err(TransitionError::OwnInitiative),
            "{action:?}"
        );
    }
    // A coach or an admin on the team never co-signs, whatever the mandate.
    for who in [Who::CoachOnTeam, Who::AdminOnTeam] {
        let mut a = actor(who);
        a.mandate = Some(Cents::euros(100_000));
        assert_eq!(
            apply(S::AwaitingCosign, &Action::CoSign, &a, &facts()),
            Err(TransitionError::OwnInitiative),
            "{who:?}"
        );
    }
    // A coach who proposed it never co-signs it either.
    let coach_proposed = Facts {
        initiator_id: 11,
        ..facts()
    };
    assert_eq!(
        apply(
            S::AwaitingCosign,
            &Action::CoSign,
            &actor(Who::NeighbourhoodCoach),
            &coach_proposed
        ),
        Err(TransitionError::OwnInitiative)
    );
    // They still take part as residents: edit, message.
    assert!(apply(S::Draft, &Action::Edit, &actor(Who::CoachOnTeam), &facts()).is_ok());
    assert!(apply(
        S::InReview,
        &Action::Message,
        &actor(Who::AdminOnTeam),
        &facts()
    )
    .is_ok());
}

#[test]
fn approval_above_the_mandate_waits_for_a_cosigner() {
    let f = Facts {
        amount_asked: Cents::euros(2_000),
        ..facts()
    };
    let t = apply(
        S::InReview,
        &Action::Approve {
            amount: Cents::euros(1_500),
        },
        &actor(Who::ClaimingCoach),
        &f,
    )
    .unwrap();
    assert_eq!(t.to, S::AwaitingCosign);
    assert_eq!(t.amount, Some(Cents::euros(1_500)));
    assert_eq!(
        t.money, None,
        "nothing is committed before the co-signature"
    );

    let at_mandate = apply(
        S::InReview,
        &Action::Approve {
            amount: Cents::euros(1_000),
        },
        &actor(Who::ClaimingCoach),
        &f,
    )
    .unwrap();
    assert_eq!(at_mandate.to, S::Approved);
    assert_eq!(
        at_mandate.money,
        Some(MoneyEffect::Commit(Cents::euros(1_000)))
    );
}

#[test]
fn partial_approval_is_allowed_but_not_more_than_asked_or_nothing() {
    let coach = actor(Who::ClaimingCoach);
    let f = facts();
    let partial = apply(
        S::InReview,
        &Action::Approve {
            amount: Cents::euros(250),
        },
        &coach,
        &f,
    )
    .unwrap();
    assert_eq!(partial.money, Some(MoneyEffect::Commit(Cents::euros(250))));
    for bad in [Cents(0), Cents(-1), Cents::euros(500) + Cents(1)] {
        assert_eq!(
            apply(S::InReview, &Action::Approve { amount: bad }, &coach, &f),
            Err(TransitionError::InvalidAmount)
        );
    }
}

#[test]
fn the_approver_never_cosigns_and_cosigners_need_enough_mandate() {
    let f = Facts {
        approver_id: Some(11),
        amount_approved: Some(Cents::euros(900)),
        ..facts()
    };
    assert_eq!(
        apply(
            S::AwaitingCosign,
            &Action::CoSign,
            &actor(Who::NeighbourhoodCoach),
            &f
        ),
        Err(TransitionError::SelfCosign)
    );
    let small = Actor {
        mandate: Some(Cents::euros(800)),
        ..actor(Who::OtherCoach)
    };
    assert_eq!(
        apply(S::AwaitingCosign, &Action::CoSign, &small, &f),
        Err(TransitionError::AboveMandate)
    );
    let t = apply(S::AwaitingCosign, &Action::CoSign, &actor(Who::Admin), &f).unwrap();
    assert_eq!(t.money, Some(MoneyEffect::Commit(Cents::euros(900))));
    // An admin who somehow approved may not co-sign either.
    let admin_approved = Facts {
        approver_id: Some(20),
        ..f
    };
    assert_eq!(
        apply(
            S::AwaitingCosign,
            &Action::CoSign,
            &actor(Who::Admin),
            &admin_approved
        ),
        Err(TransitionError::SelfCosign)
    );
}

#[test]
fn a_cosigner_may_decline_or_ask_but_never_the_approver_nor_the_team() {
    let f = facts();
    // Declined: back in review with the same coach, nothing committed.
    let t = apply(
        S::AwaitingCosign,
        &Action::DeclineCosign,
        &actor(Who::Admin),
        &f,
    )
    .unwrap();
    assert_eq!((t.to, t.money), (S::InReview, None));
    assert_eq!(t.amount, Some(Cents::euros(400)));
    let asked = apply(
        S::AwaitingCosign,
        &Action::AskCosignQuestion,
        &actor(Who::NeighbourhoodCoach),
        &f,
    )
    .unwrap();
    assert_eq!((asked.to, asked.money), (S::AwaitingCosign, None));
    for action in [Action::DeclineCosign, Action::AskCosignQuestion] {
        // The approver (coach 10) declining or questioning their own approval.
        assert_eq!(
            apply(S::AwaitingCosign, &action, &actor(Who::ClaimingCoach), &f),
            Err(TransitionError::SelfCosign),
            "{action:?}"
        );
        let small = Actor {
            mandate: Some(Cents::euros(399)),
            ..actor(Who::OtherCoach)
        };
        assert_eq!(
            apply(S::AwaitingCosign, &action, &small, &f),
            Err(TransitionError::AboveMandate),
            "{action:?}"
        );
        for who in [Who::CoachOnTeam, Who::AdminOnTeam, Who::Initiator] {
            assert_eq!(
                apply(S::AwaitingCosign, &action, &actor(who), &f),
                Err(TransitionError::OwnInitiative),
                "{action:?} {who:?}"
            );
        }
        assert_eq!(
            apply(S::AwaitingCosign, &action, &actor(Who::Stranger), &f),
            Err(TransitionError::Forbidden)
        );
        assert_eq!(
            apply(S::Approved, &action, &actor(Who::Admin), &f),
            Err(TransitionError::WrongState(S::Approved))
        );
    }
}

#[test]
fn a_claim_is_released_by_its_coach_only_back_to_the_open_queue() {
    let f = facts();
    let t = apply(
        S::InReview,
        &Action::Release,
        &actor(Who::ClaimingCoach),
        &f,
    )
    .unwrap();
    assert_eq!((t.to, t.money), (S::Submitted, None));
    for who in [Who::NeighbourhoodCoach, Who::Admin, Who::Initiator] {
        assert_eq!(
            apply(S::InReview, &Action::Release, &actor(who), &f),
            Err(TransitionError::Forbidden),
            "{who:?}"
        );
    }
    // A coach who turns out to be on the team may step back (it is no decision).
    let on_team = Facts {
        coach_id: Some(13),
        ..facts()
    };
    assert!(apply(
        S::InReview,
        &Action::Release,
        &actor(Who::CoachOnTeam),
        &on_team
    )
    .is_ok());
    assert_eq!(
        apply(
            S::AwaitingCosign,
            &Action::Release,
            &actor(Who::ClaimingCoach),
            &f
        ),
        Err(TransitionError::WrongState(S::AwaitingCosign))
    );
}

#[test]
fn an_admin_hands_an_initiative_only_to_a_coach_of_its_neighbourhood_off_the_team() {
    let admin = actor(Who::Admin);
    let to = |id: i64, nbh: bool| Facts {
        new_coach: Some(NewCoach {
            user_id: id,
            coaches_neighbourhood: nbh,
        }),
        ..facts()
    };
    let t = apply(
        S::InReview,
        &Action::Reassign { to: 11 },
        &admin,
        &to(11, true),
    )
    .unwrap();
    assert_eq!((t.to, t.money), (S::InReview, None));
    // To a co-initiator (also one who coaches the neighbourhood).
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 13 },
            &admin,
            &to(13, true)
        ),
        Err(TransitionError::NewCoachOnTeam)
    );
    assert_eq!(
        apply(
            S::Approved,
            &Action::Reassign { to: 1 },
            &admin,
            &to(1, true)
        ),
        Err(TransitionError::NewCoachOnTeam)
    );
    // To a coach of another neighbourhood.
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 12 },
            &admin,
            &to(12, false)
        ),
        Err(TransitionError::NotNeighbourhoodCoach)
    );
    // The server found nobody by that id.
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 99 },
            &admin,
            &to(11, true)
        ),
        Err(TransitionError::NotNeighbourhoodCoach)
    );
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 10 },
            &admin,
            &to(10, true)
        ),
        Err(TransitionError::SameCoach)
    );
    // Only an admin, never one on the team, never before a claim or after the end.
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 11 },
            &actor(Who::AdminOnTeam),
            &to(11, true)
        ),
        Err(TransitionError::OwnInitiative)
    );
    assert_eq!(
        apply(
            S::InReview,
            &Action::Reassign { to: 11 },
            &actor(Who::ClaimingCoach),
            &to(11, true)
        ),
        Err(TransitionError::Forbidden)
    );
    for state in [S::Submitted, S::Completed, S::Rejected, S::Cancelled] {
        assert_eq!(
            apply(state, &Action::Reassign { to: 11 }, &admin, &to(11, true)),
            Err(TransitionError::WrongState(state))
        );
    }
}

#[test]
fn money_moves_only_where_the_design_says() {
    let f = facts();
    let coach = actor(Who::ClaimingCoach);
    assert_eq!(
        apply(S::Approved, &Action::PayOut, &coach, &f)
            .unwrap()
            .money,
        Some(MoneyEffect::PayOut {
            grant: Cents::euros(400),
            gifts: Cents::ZERO
        })
    );
    assert_eq!(
        apply(S::Approved, &Action::Cancel, &coach, &f)
            .unwrap()
            .money,
        Some(MoneyEffect::Release(Cents::euros(400)))
    );
    assert_eq!(
        apply(
            S::Funded,
            &Action::Give { amount: Cents(0) },
            &Actor::visitor(),
            &f
        ),
        Err(TransitionError::InvalidAmount)
    );
    for (state, action) in [
        (S::Draft, Action::Submit),
        (S::InReview, Action::Reject),
        (S::Funded, Action::SubmitReport),
    ] {
        let who = if action == Action::Reject {
            Who::ClaimingCoach
        } else {
            Who::Initiator
        };
        assert_eq!(apply(state, &action, &actor(who), &f).unwrap().money, None);
    }
}

#[test]
fn allowed_actions_lists_what_the_ui_may_show() {
    let f = facts();
    let names = |state, who| -> Vec<&'static str> {
        allowed_actions(state, &actor(who), &f)
            .iter()
            .map(Action::name)
            .collect()
    };
    assert_eq!(
        names(S::Draft, Who::Initiator),
        vec!["edit", "delete", "submit", "withdraw"]
    );
    assert_eq!(
        names(S::InReview, Who::ClaimingCoach),
        vec!["message", "ask_changes", "reject", "approve", "release"]
    );
    assert_eq!(names(S::Funded, Who::Visitor), vec!["give"]);
    assert!(names(S::Completed, Who::Stranger).is_empty());
}

#[test]
fn states_round_trip_through_their_names() {
    for s in State::ALL {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
    assert_eq!(State::parse("paid"), None);
    assert_eq!(Role::parse("coach"), Some(Role::Coach));
}

// ---- property test: random actions by random people on a small world ----

/// A little world: one fund, three initiatives with their states and facts,
/// and the reference ledger. It applies the lifecycle exactly as the server does.
struct World {
    ledger: Ledger,
    states: Vec<State>,
    facts: Vec<Facts>,
    approved_ever: Vec<bool>,
    budget: Cents,
}

const FUND: i64 = 1;

impl World {
    fn new(budget: Cents) -> World {
        let mut ledger = Ledger::default();
        ledger
            .book(LedgerTransaction::fund_budget(FUND, budget).unwrap())
            .unwrap();
        let f = |i: i64| Facts {
            initiator_id: 1,
            co_initiator_ids: TEAM[1..].to_vec(),
            coach_id: None,
            approver_id: None,
            amount_asked: Cents::euros(300 + 400 * i),
            amount_approved: None,
            ..Facts::default()
        };
        World {
            ledger,
            states: vec![S::Draft; 3],
            facts: (0..3).map(f).collect(),
            approved_ever: vec![false; 3],
            budget,
        }
    }

    fn step(&mut self, initiative: usize, action: &Action, who: &Actor) {
        let state = self.states[initiative];
        // The server finds the new coach; here every candidate coaches the
        // neighbourhood, and 13 is on the team.
        self.facts[initiative].new_coach = match action {
            Action::Reassign { to } => Some(NewCoach {
                user_id: *to,
                coaches_neighbourhood: true,
            }),
            _ => None,
        };
        let Ok(t) = apply(state, action, who, &self.facts[initiative]) else {
            return;
        };
        if let Some(effect) = t.money {
            let tx = LedgerTransaction::for_effect(effect, FUND, initiative as i64).unwrap();
            assert_eq!(tx.entries().iter().map(|e| e.cents.0).sum::<i64>(), 0);
            match self.ledger.book(tx) {
                Ok(()) => {}
                Err(LedgerError::FundExhausted { .. }) => return, // refused: nothing changes
                Err(e) => panic!("unexpected ledger error {e}"),
            }
        }
        let f = &mut self.facts[initiative];
        if action.is_decision() {
            let id = who.user_id.expect("a decision is somebody's");
            assert!(!TEAM.contains(&id), "{action:?} by {id}, on the team");
        }
        match action {
            Action::Claim => f.coach_id = who.user_id,
            Action::Approve { amount } => {
                f.approver_id = who.user_id;
                f.amount_approved = Some(*amount);
            }
            Action::CoSign => {
                assert_ne!(who.user_id, f.approver_id, "the approver co-signed");
            }
            Action::DeclineCosign => {
                assert_ne!(who.user_id, f.approver_id, "the approver declined");
                f.approver_id = None;
                f.amount_approved = None;
            }
            Action::Release => f.coach_id = None,
            Action::Reassign { to } => f.coach_id = Some(*to),
            _ => {}
        }
        if let Some(coach) = f.coach_id {
            assert!(!TEAM.contains(&coach), "coached by {coach}, on the team");
        }
        if t.to == S::Approved {
            self.approved_ever[initiative] = true;
        }
        if t.to == S::Funded {
            assert!(self.approved_ever[initiative], "funded without approval");
        }
        self.states[initiative] = t.to;
    }
}

fn arb_actor() -> impl Strategy<Value = Actor> {
    (0usize..EVERYONE.len(), prop::option::of(0i64..2_000)).prop_map(|(i, mandate)| {
        let mut a = actor(EVERYONE[i]);
        if a.role == Some(Role::Coach) {
            a.mandate = mandate.map(Cents::euros);
        }
        a
    })
}

fn arb_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Edit),
        Just(Action::Submit),
        Just(Action::Withdraw),
        Just(Action::Claim),
        Just(Action::AskChanges),
        Just(Action::Reject),
        (0i64..1_500).prop_map(|e| Action::Approve {
            amount: Cents::euros(e)
        }),
        Just(Action::CoSign),
        Just(Action::DeclineCosign),
        Just(Action::AskCosignQuestion),
        Just(Action::Release),
        prop_oneof![Just(11i64), Just(12), Just(13)].prop_map(|to| Action::Reassign { to }),
        Just(Action::PayOut),
        Just(Action::Cancel),
        Just(Action::SubmitReport),
        Just(Action::AcceptReport),
        Just(Action::AskMoreReport),
        (1i64..5_000).prop_map(|c| Action::Give { amount: Cents(c) }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_sequences_keep_every_invariant(
        budget in 100i64..2_500,
        steps in prop::collection::vec((0usize..3, arb_action(), arb_actor()), 1..80),
    ) {
        let mut world = World::new(Cents::euros(budget));
        for (initiative, action, who) in &steps {
            world.step(*initiative, action, who);

            let ids = [0, 1, 2];
            let figures = world.ledger.fund_figures(FUND, &ids);
            prop_assert!(figures.committed + figures.paid <= world.budget, "overspent: {figures:?}");
            prop_assert!(figures.remaining.0 >= 0);
            prop_assert_eq!(figures.remaining, figures.budget - figures.committed - figures.paid);
            prop_assert_eq!(world.ledger.total(), 0);
            for tx in world.ledger.transactions() {
                prop_assert_eq!(tx.entries().iter().map(|e| e.cents.0).sum::<i64>(), 0);
            }
            for (i, state) in world.states.iter().enumerate() {
                let granted = world.ledger.balance(AccountKey::InitiativeGranted(i as i64));
                let paid = world.ledger.balance(AccountKey::InitiativePaid(i as i64));
                if matches!(state, S::Funded | S::Reporting | S::Completed) {
                    prop_assert!(world.approved_ever[i]);
                    prop_assert!(paid.0 > 0, "funded without payment");
                }
                if *state == S::Approved {
                    prop_assert_eq!(Some(granted), world.facts[i].amount_approved);
                }
                if !state.holds_grant() {
                    prop_assert_eq!(granted, Cents::ZERO, "money held in state {:?}", state);
                    prop_assert_eq!(paid, Cents::ZERO);
                }
            }
        }
    }
}

#[test]
fn a_payout_carries_the_gifts_and_a_top_up_what_came_after() {
    let f = Facts {
        matched: Cents::euros(50),
        gifts: Cents::euros(30),
        ..facts()
    };
    let coach = actor(Who::ClaimingCoach);
    let paid = apply(S::Approved, &Action::PayOut, &coach, &f).unwrap();
    assert_eq!(
        paid.money,
        Some(MoneyEffect::PayOut {
            grant: Cents::euros(450),
            gifts: Cents::euros(30)
        })
    );
    assert_eq!(paid.amount, Some(Cents::euros(480)));
    // After the payout: what arrived since, grant (match) and gifts.
    let later = Facts {
        unpaid: Cents::euros(5),
        gifts: Cents::euros(10),
        ..f.clone()
    };
    for state in [S::Funded, S::Reporting, S::Completed] {
        let t = apply(state, &Action::TopUp, &coach, &later).unwrap();
        assert_eq!(t.to, state, "a top-up changes no state");
        assert_eq!(t.amount, Some(Cents::euros(15)));
        assert_eq!(
            apply(state, &Action::TopUp, &actor(Who::Admin), &later)
                .unwrap()
                .money,
            Some(MoneyEffect::PayOut {
                grant: Cents::euros(5),
                gifts: Cents::euros(10)
            })
        );
    }
    let nothing = Facts {
        unpaid: Cents::ZERO,
        gifts: Cents::ZERO,
        ..f.clone()
    };
    assert_eq!(
        apply(S::Funded, &Action::TopUp, &coach, &nothing),
        Err(TransitionError::InvalidAmount),
        "nothing to top up"
    );
    assert!(apply(S::Approved, &Action::TopUp, &coach, &later).is_err());
    assert!(apply(S::Funded, &Action::TopUp, &actor(Who::Initiator), &later).is_err());
    assert!(apply(S::Funded, &Action::TopUp, &actor(Who::OtherCoach), &later).is_err());
}
