//! The lifecycle of an initiative as one pure function.
//!
//! [`apply`] holds the whole authorization table of DESIGN.md: which role may
//! do what in which state, the coach's mandate and the four-eyes rule. The
//! server uses it to decide (inside a transaction, guarded by the state it
//! read) and the UI uses it to show only the actions that are allowed.

use super::money::Cents;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an initiative stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    InReview,
    ChangesRequested,
    AwaitingCosign,
    Approved,
    Funded,
    Reporting,
    Completed,
    Rejected,
    Cancelled,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 12] = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::ChangesRequested,
        State::AwaitingCosign,
        State::Approved,
        State::Funded,
        State::Reporting,
        State::Completed,
        State::Rejected,
        State::Cancelled,
        State::Withdrawn,
    ];

    /// The name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::InReview => "in_review",
            State::ChangesRequested => "changes_requested",
            State::AwaitingCosign => "awaiting_cosign",
            State::Approved => "approved",
            State::Funded => "funded",
            State::Reporting => "reporting",
            State::Completed => "completed",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
            State::Withdrawn => "withdrawn",
        }
    }

    /// Reads a stored state name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether the public may see an initiative in this state: approved and later.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            State::Approved | State::Funded | State::Reporting | State::Completed
        )
    }

    /// Whether grant money is committed from the fund in this state.
    pub fn holds_grant(self) -> bool {
        matches!(
            self,
            State::Approved | State::Funded | State::Reporting | State::Completed
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role a signed-in person has on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Visitor,
    Resident,
    Coach,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Visitor => "visitor",
            Role::Resident => "resident",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Visitor, Role::Resident, Role::Coach, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Who is asking, seen from one initiative.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub role: Option<Role>,
    /// The largest grant this person may approve alone (coaches only).
    pub mandate: Option<Cents>,
    /// Whether this person coaches the initiative's neighbourhood.
    pub coaches_neighbourhood: bool,
    /// Buurtfonds itself, acting on what the payment provider reported.
    pub system: bool,
}

impl Actor {
    pub fn visitor() -> Actor {
        Actor::default()
    }

    /// Buurtfonds itself (a verified payment provider event).
    pub fn system() -> Actor {
        Actor {
            system: true,
            ..Actor::default()
        }
    }

    fn role(&self) -> Role {
        self.role.unwrap_or(Role::Visitor)
    }
}

/// What the server knows about the initiative when deciding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    pub initiator_id: i64,
    pub co_initiator_ids: Vec<i64>,
    pub coach_id: Option<i64>,
    /// Who approved the pending or granted amount.
    pub approver_id: Option<i64>,
    pub amount_asked: Cents,
    /// The approved amount, set once approval has been given (also while awaiting co-sign).
    pub amount_approved: Option<Cents>,
    /// What the fund committed on top, matching neighbours' gifts (and did not take back).
    pub matched: Cents,
    /// Neighbours' gifts received and not refunded that have not been paid
    /// out yet (what a payout or a top-up carries on top of the grant).
    pub gifts: Cents,
    /// Grant and match committed and not paid out yet (after the payout:
    /// match that came later, for a top-up).
    pub unpaid: Cents,
    /// The coach an admin hands the initiative to, as the server found them
    /// (only when deciding [`Action::Reassign`]).
    pub new_coach: Option<NewCoach>,
}

/// A coach an initiative may be handed to, as the server knows them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewCoach {
    pub user_id: i64,
    /// A current coach (not erased) of the initiative's neighbourhood.
    pub coaches_neighbourhood: bool,
}

impl Facts {
    /// What the fund holds for the initiative once approved: the grant and
    /// the match of neighbours' gifts. A payout pays it, a cancellation or a
    /// returned payout moves all of it.
    fn committed(&self) -> Result<Cents, TransitionError> {
        Ok(self.amount_approved.ok_or(TransitionError::InvalidAmount)? + self.matched)
    }

    fn is_initiator(&self, a: &Actor) -> bool {
        a.user_id == Some(self.initiator_id)
    }
    fn is_co_initiator(&self, a: &Actor) -> bool {
        a.user_id
            .is_some_and(|id| self.co_initiator_ids.contains(&id))
    }
    fn is_on_team(&self, id: i64) -> bool {
        id == self.initiator_id || self.co_initiator_ids.contains(&id)
    }
    fn is_claiming_coach(&self, a: &Actor) -> bool {
        a.role == Some(Role::Coach) && a.user_id.is_some() && a.user_id == self.coach_id
    }
}

/// Something a person asks to do to an initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    Edit,
    Delete,
    Submit,
    Withdraw,
    Claim,
    Message,
    AskChanges,
    Reject,
    Approve {
        amount: Cents,
    },
    CoSign,
    /// The co-signer declines: back to the claiming coach, in review, the approval cleared.
    DeclineCosign,
    /// The co-signer asks the approving coach a question; the state stays.
    AskCosignQuestion,
    /// The claiming coach gives the claim back: to the open queue, no coach.
    Release,
    /// An admin hands the initiative to another coach.
    Reassign {
        to: i64,
    },
    PayOut,
    Cancel,
    SubmitReport,
    AcceptReport,
    AskMoreReport,
    Give {
        amount: Cents,
    },
    /// The payment provider reported that a payout failed or was reversed.
    ReturnPayout,
    /// After the payout: pay out what arrived since (gifts, their match).
    TopUp,
}

impl Action {
    /// Whether this is a decision about the initiative, which nobody on its
    /// team may take.
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            Action::Claim
                | Action::AskChanges
                | Action::Reject
                | Action::Approve { .. }
                | Action::CoSign
                | Action::DeclineCosign
                | Action::AskCosignQuestion
                | Action::Reassign { .. }
                | Action::PayOut
                | Action::TopUp
                | Action::Cancel
                | Action::AcceptReport
                | Action::AskMoreReport
        )
    }

    /// The name stored in the event log.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::Claim => "claim",
            Action::Message => "message",
            Action::AskChanges => "ask_changes",
            Action::Reject => "reject",
            Action::Approve { .. } => "approve",
            Action::CoSign => "co_sign",
            Action::DeclineCosign => "decline_cosign",
            Action::AskCosignQuestion => "cosign_question",
            Action::Release => "release",
            Action::Reassign { .. } => "reassign",
            Action::PayOut => "pay_out",
            Action::Cancel => "cancel",
            Action::SubmitReport => "submit_report",
            Action::AcceptReport => "accept_report",
            Action::AskMoreReport => "ask_more_report",
            Action::Give { .. } => "give",
            Action::ReturnPayout => "return_payout",
            Action::TopUp => "top_up",
        }
    }
}

/// What the fund's money does as part of a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoneyEffect {
    /// Commit this amount from the fund to the initiative (approval, co-sign).
    Commit(Cents),
    /// Return the committed amount to the fund (cancel).
    Release(Cents),
    /// Pay out to the initiator: `grant` (grant and match, from what the
    /// fund committed) and `gifts` (neighbours' gifts received).
    PayOut { grant: Cents, gifts: Cents },
    /// A neighbour's gift to the initiative.
    Gift(Cents),
    /// A payout came back (failed or reversed): its grant part is committed
    /// again, its gift part received again.
    Unpay { grant: Cents, gifts: Cents },
}

impl MoneyEffect {
    /// The whole amount that moves.
    pub fn total(self) -> Cents {
        match self {
            MoneyEffect::Commit(c) | MoneyEffect::Release(c) | MoneyEffect::Gift(c) => c,
            MoneyEffect::PayOut { grant, gifts } | MoneyEffect::Unpay { grant, gifts } => {
                grant + gifts
            }
        }
    }
}

/// An allowed step: the state it leaves, the state it reaches, and any money it moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: State,
    pub to: State,
    pub amount: Option<Cents>,
    pub money: Option<MoneyEffect>,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("not allowed for this person")]
    Forbidden,
    #[error("not possible in state {0}")]
    WrongState(State),
    #[error("amount must be more than zero and at most the amount asked")]
    InvalidAmount,
    #[error("the approver cannot co-sign their own approval")]
    SelfCosign,
    #[error("nobody decides about an initiative they are on the team of")]
    OwnInitiative,
    #[error("the amount exceeds the co-signer's mandate")]
    AboveMandate,
    #[error("the new coach does not coach the initiative's neighbourhood")]
    NotNeighbourhoodCoach,
    #[error("the new coach is on the initiative's team")]
    NewCoachOnTeam,
    #[error("this coach already coaches the initiative")]
    SameCoach,
}

/// Decides whether `actor` may take `action` on an initiative in `state`.
///
/// # Errors
/// [`TransitionError`] says why the step is refused; nothing may change then.
pub fn apply(
    state: State,
    action: &Action,
    actor: &Actor,
    facts: &Facts,
) -> Result<Transition, TransitionError> {
    use State as S;
    let role = actor.role();
    let signed_in = actor.user_id.is_some() && role != Role::Visitor;
    let initiator = signed_in && facts.is_initiator(actor);
    let co_initiator = signed_in && facts.is_co_initiator(actor);
    let claiming_coach = facts.is_claiming_coach(actor);
    let admin = signed_in && role == Role::Admin;
    // Nobody decides about their own initiative: the initiator and every
    // co-initiator (also a coach or an admin, also one who joined after the
    // claim) may not claim, judge, approve, co-sign, pay out, cancel or judge
    // the report. Staff may propose; their initiatives go to someone else.
    if signed_in && (initiator || co_initiator) && action.is_decision() {
        return Err(TransitionError::OwnInitiative);
    }

    let stay = |amount: Option<Cents>, money: Option<MoneyEffect>| Transition {
        from: state,
        to: state,
        amount,
        money,
    };
    let go = |to: State| Transition {
        from: state,
        to,
        amount: None,
        money: None,
    };
    let require = |allowed_states: &[State], who: bool| -> Result<(), TransitionError> {
        if !who {
            Err(TransitionError::Forbidden)
        } else if !allowed_states.contains(&state) {
            Err(TransitionError::WrongState(state))
        } else {
            Ok(())
        }
    };

    // Who may co-sign (and so decline or ask the approver a question): an
    // admin, or another coach whose mandate covers the approved amount;
    // never the approver. Gives the approved amount.
    let may_cosign = || -> Result<Cents, TransitionError> {
        let coach = signed_in && role == Role::Coach;
        require(&[S::AwaitingCosign], admin || coach)?;
        if actor.user_id.is_some() && actor.user_id == facts.approver_id {
            return Err(TransitionError::SelfCosign);
        }
        let amount = facts
            .amount_approved
            .ok_or(TransitionError::InvalidAmount)?;
        if !admin && actor.mandate.unwrap_or(Cents::ZERO) < amount {
            return Err(TransitionError::AboveMandate);
        }
        Ok(amount)
    };

    match action {
        Action::Edit => {
            require(&[S::Draft, S::ChangesRequested], initiator || co_initiator)?;
            Ok(stay(None, None))
        }
        Action::Delete => {
            require(&[S::Draft], initiator)?;
            Ok(stay(None, None))
        }
        Action::Submit => {
            require(&[S::Draft, S::ChangesRequested], initiator)?;
            Ok(go(S::Submitted))
        }
        Action::Withdraw => {
            require(
                &[
                    S::Draft,
                    S::Submitted,
                    S::InReview,
                    S::ChangesRequested,
                    S::AwaitingCosign,
                ],
                initiator,
            )?;
            Ok(go(S::Withdrawn))
        }
        Action::Claim => {
            // A coach of the neighbourhood; once claimed, the same coach stays the
            // single contact. Nobody coaches their own initiative.
            let may = signed_in
                && role == Role::Coach
                && actor.coaches_neighbourhood
                && (facts.coach_id.is_none() || claiming_coach);
            require(&[S::Submitted], may)?;
            Ok(go(S::InReview))
        }
        Action::Message => {
            let may = initiator || co_initiator || claiming_coach || admin;
            if !may {
                return Err(TransitionError::Forbidden);
            }
            if state == S::Draft {
                return Err(TransitionError::WrongState(state));
            }
            Ok(stay(None, None))
        }
        Action::AskChanges => {
            require(&[S::InReview], claiming_coach)?;
            Ok(go(S::ChangesRequested))
        }
        Action::Reject => {
            require(&[S::InReview], claiming_coach)?;
            Ok(go(S::Rejected))
        }
        Action::Approve { amount } => {
            require(&[S::InReview], claiming_coach)?;
            if amount.0 <= 0 || *amount > facts.amount_asked {
                return Err(TransitionError::InvalidAmount);
            }
            let mandate = actor.mandate.unwrap_or(Cents::ZERO);
            if *amount <= mandate {
                Ok(Transition {
                    from: state,
                    to: S::Approved,
                    amount: Some(*amount),
                    money: Some(MoneyEffect::Commit(*amount)),
                })
            } else {
                Ok(Transition {
                    from: state,
                    to: S::AwaitingCosign,
                    amount: Some(*amount),
                    money: None,
                })
            }
        }
        Action::CoSign => {
            let amount = may_cosign()?;
            Ok(Transition {
                from: state,
                to: S::Approved,
                amount: Some(amount),
                money: Some(MoneyEffect::Commit(amount)),
            })
        }
        Action::DeclineCosign => {
            // Back to the coach who approved: in review, the approval cleared.
            let amount = may_cosign()?;
            Ok(Transition {
                from: state,
                to: S::InReview,
                amount: Some(amount),
                money: None,
            })
        }
        Action::AskCosignQuestion => {
            may_cosign()?;
            Ok(stay(None, None))
        }
        Action::Release => {
            // Not a decision: a coach who finds they are on the team may
            // (and should) step back.
            require(&[S::InReview], claiming_coach)?;
            Ok(go(S::Submitted))
        }
        Action::Reassign { to } => {
            require(
                &[
                    S::InReview,
                    S::ChangesRequested,
                    S::AwaitingCosign,
                    S::Approved,
                    S::Funded,
                    S::Reporting,
                ],
                admin,
            )?;
            let new = facts
                .new_coach
                .filter(|n| n.user_id == *to)
                .ok_or(TransitionError::NotNeighbourhoodCoach)?;
            if facts.is_on_team(new.user_id) {
                return Err(TransitionError::NewCoachOnTeam);
            }
            if !new.coaches_neighbourhood {
                return Err(TransitionError::NotNeighbourhoodCoach);
            }
            if facts.coach_id == Some(new.user_id) {
                return Err(TransitionError::SameCoach);
            }
            Ok(stay(None, None))
        }
        Action::PayOut => {
            require(&[S::Approved], claiming_coach || admin)?;
            let grant = facts.committed()?;
            let gifts = facts.gifts;
            Ok(Transition {
                from: state,
                to: S::Funded,
                amount: Some(grant + gifts),
                money: Some(MoneyEffect::PayOut { grant, gifts }),
            })
        }
        Action::TopUp => {
            require(
                &[S::Funded, S::Reporting, S::Completed],
                claiming_coach || admin,
            )?;
            let (grant, gifts) = (facts.unpaid, facts.gifts);
            if (grant + gifts).0 <= 0 {
                return Err(TransitionError::InvalidAmount);
            }
            Ok(stay(
                Some(grant + gifts),
                Some(MoneyEffect::PayOut { grant, gifts }),
            ))
        }
        Action::Cancel => {
            require(&[S::Approved], claiming_coach || admin)?;
            let amount = facts.committed()?;
            Ok(Transition {
                from: state,
                to: S::Cancelled,
                amount: Some(amount),
                money: Some(MoneyEffect::Release(amount)),
            })
        }
        Action::SubmitReport => {
            require(&[S::Funded], initiator)?;
            Ok(go(S::Reporting))
        }
        Action::AcceptReport => {
            require(&[S::Reporting], claiming_coach)?;
            Ok(go(S::Completed))
        }
        Action::AskMoreReport => {
            require(&[S::Reporting], claiming_coach)?;
            Ok(go(S::Funded))
        }
        Action::Give { amount } => {
            require(&[S::Approved, S::Funded], true)?;
            if amount.0 <= 0 {
                return Err(TransitionError::InvalidAmount);
            }
            Ok(stay(Some(*amount), Some(MoneyEffect::Gift(*amount))))
        }
        Action::ReturnPayout => {
            require(&[S::Funded, S::Reporting], actor.system)?;
            // The grant part; the service books the payout's own split.
            let grant = facts.committed()?;
            Ok(Transition {
                from: state,
                to: S::Approved,
                amount: Some(grant),
                money: Some(MoneyEffect::Unpay {
                    grant,
                    gifts: Cents::ZERO,
                }),
            })
        }
    }
}

/// Every action a person could try, for listing what the UI may offer.
pub fn candidate_actions(facts: &Facts) -> Vec<Action> {
    let asked = facts.amount_asked;
    vec![
        Action::Edit,
        Action::Delete,
        Action::Submit,
        Action::Withdraw,
        Action::Claim,
        Action::Message,
        Action::AskChanges,
        Action::Reject,
        Action::Approve { amount: asked },
        Action::CoSign,
        Action::DeclineCosign,
        Action::AskCosignQuestion,
        Action::Release,
        Action::Reassign {
            to: facts.new_coach.map_or(0, |n| n.user_id),
        },
        Action::PayOut,
        Action::TopUp,
        Action::Cancel,
        Action::SubmitReport,
        Action::AcceptReport,
        Action::AskMoreReport,
        Action::Give { amount: Cents(100) },
    ]
}

/// The actions `actor` may take now: what the UI shows.
pub fn allowed_actions(state: State, actor: &Actor, facts: &Facts) -> Vec<Action> {
    candidate_actions(facts)
        .into_iter()
        .filter(|a| apply(state, a, actor, facts).is_ok())
        .collect()
}

#[cfg(test)]
mod tests;
