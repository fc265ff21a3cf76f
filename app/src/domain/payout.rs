//! Payouts as pure rules: the states a payout moves through, and what to do
//! with one whose outcome is unknown.
//!
//! A payout row is written and committed (`Sending`) before Stripe is asked
//! to transfer; Stripe's answer makes it `Paid` or `Failed`. Without an
//! answer (a timeout, a crash) it is `Unknown`: Stripe may or may not have
//! transferred. At most one payout per initiative and round is active
//! (sending, unknown or paid) — a unique index in the database says so.
//!
//! Checking an unknown payout again first looks the transfer up at Stripe.
//! Only when Stripe has none may it be sent again, and only with the same
//! idempotency key while Stripe still remembers that key: Stripe prunes keys
//! after 24 hours, and a pruned key runs as a new request — which would pay
//! twice if the first one had in fact gone through but was not yet listed.
//! After that window the payout is closed as not sent, and a new payout
//! (a new key) may be started.

use serde::{Deserialize, Serialize};

/// How long Stripe remembers an idempotency key (24 hours).
pub const IDEMPOTENCY_KEY_SECONDS: i64 = 24 * 60 * 60;

/// A `Sending` payout older than this was left by a request that never
/// finished (a crash, a killed process): it counts as unknown.
pub const SENDING_STALE_SECONDS: i64 = 120;

/// Where a payout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    /// Written, the transfer being asked for right now.
    Sending,
    /// Asked for, no answer: Stripe may have transferred.
    Unknown,
    Paid,
    Failed,
    /// Paid, then sent back (a reversed transfer).
    Reversed,
}

impl PayoutState {
    pub const ALL: [PayoutState; 5] = [
        PayoutState::Sending,
        PayoutState::Unknown,
        PayoutState::Paid,
        PayoutState::Failed,
        PayoutState::Reversed,
    ];

    /// The name stored in `payouts.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutState::Sending => "sending",
            PayoutState::Unknown => "unknown",
            PayoutState::Paid => "paid",
            PayoutState::Failed => "failed",
            PayoutState::Reversed => "reversed",
        }
    }

    /// Reads a stored state name.
    pub fn parse(s: &str) -> Option<PayoutState> {
        PayoutState::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether the payout blocks another one of the same round (the unique
    /// index `idx_payouts_one_active_per_round` counts these).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            PayoutState::Sending | PayoutState::Unknown | PayoutState::Paid
        )
    }

    /// Whether its outcome is not known: nothing that could pay twice, or
    /// give back money that may have gone, may happen meanwhile.
    pub fn is_unsettled(self) -> bool {
        matches!(self, PayoutState::Sending | PayoutState::Unknown)
    }
}

/// How a payout is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutMethod {
    Stripe,
    Bank,
}

impl PayoutMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutMethod::Stripe => "stripe",
            PayoutMethod::Bank => "bank",
        }
    }

    pub fn parse(s: &str) -> Option<PayoutMethod> {
        [PayoutMethod::Stripe, PayoutMethod::Bank]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// What checking an unsettled payout again does, once Stripe was asked
/// whether it holds a transfer for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recheck {
    /// Stripe has the transfer: book it.
    Book,
    /// Stripe has none and still knows the key: send again with the same
    /// key (if the first request is still being processed, Stripe answers
    /// with its outcome instead of transferring again).
    Resend,
    /// Stripe has none and has forgotten the key: close the payout as not
    /// sent; a new payout with a new key may follow.
    CloseNotSent,
}

/// Decides what to do with an unsettled payout first sent `age_seconds`
/// ago, given whether Stripe lists a transfer for it.
pub fn recheck(transfer_found: bool, age_seconds: i64) -> Recheck {
    if transfer_found {
        Recheck::Book
    } else if age_seconds < IDEMPOTENCY_KEY_SECONDS {
        Recheck::Resend
    } else {
        Recheck::CloseNotSent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_only_sending_unknown_paid_are_active() {
        for s in PayoutState::ALL {
            assert_eq!(PayoutState::parse(s.as_str()), Some(s));
        }
        assert_eq!(PayoutState::parse("pending"), None);
        let active: Vec<_> = PayoutState::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(
            active,
            [
                PayoutState::Sending,
                PayoutState::Unknown,
                PayoutState::Paid
            ]
        );
        assert!(!PayoutState::Paid.is_unsettled());
        assert!(PayoutState::Unknown.is_unsettled());
    }

    #[test]
    fn a_found_transfer_is_booked_whatever_its_age() {
        assert_eq!(recheck(true, 0), Recheck::Book);
        assert_eq!(recheck(true, 25 * 3600), Recheck::Book);
    }

    #[test]
    fn the_same_key_is_sent_again_only_while_stripe_remembers_it() {
        assert_eq!(recheck(false, 60), Recheck::Resend);
        assert_eq!(recheck(false, IDEMPOTENCY_KEY_SECONDS - 1), Recheck::Resend);
        assert_eq!(
            recheck(false, IDEMPOTENCY_KEY_SECONDS),
            Recheck::CloseNotSent
        );
        assert_eq!(recheck(false, 25 * 3600), Recheck::CloseNotSent);
    }

    #[test]
    fn methods_round_trip() {
        for m in [PayoutMethod::Stripe, PayoutMethod::Bank] {
            assert_eq!(PayoutMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(PayoutMethod::parse("cash"), None);
    }
}
