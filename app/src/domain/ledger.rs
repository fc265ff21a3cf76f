//! The double-entry ledger, as pure rules.
//!
//! Every money movement is one [`LedgerTransaction`] whose entries sum to zero.
//! Accounts (balances are debit-positive):
//!
//! | account | balance means |
//! | --- | --- |
//! | `fund_source(f)` | minus the fund's total budget (where the money came from) |
//! | `fund_available(f)` | what the fund can still commit: budget − committed − paid |
//! | `initiative_granted(i)` | committed to the initiative, not yet paid |
//! | `initiative_paid(i)` | paid out to the initiator |
//! | `initiative_cofunded(i)` | neighbours' gifts received, not refunded and not paid out yet |
//! | `initiative_gifts_paid(i)` | neighbours' gifts paid out to the initiator (with a payout or top-up) |
//! | `initiative_disputed(i)` | gifts held while their payment is disputed at the giver's bank |
//! | `donations_clearing` | minus all gifts received through the payment provider |
//!
//! So for a fund: committed = Σ granted, paid = Σ paid, and
//! remaining = `fund_available` = budget − committed − paid, to the cent.
//! Gifts are neighbours' money, not the fund's: a payout moves its gift part
//! from `initiative_cofunded` to `initiative_gifts_paid`, never into the
//! fund's figures.

use super::lifecycle::MoneyEffect;
use super::money::Cents;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A ledger account, named by its kind and owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountKey {
    FundSource(i64),
    FundAvailable(i64),
    InitiativeGranted(i64),
    InitiativePaid(i64),
    InitiativeCofunded(i64),
    InitiativeGiftsPaid(i64),
    InitiativeDisputed(i64),
    DonationsClearing,
}

impl AccountKey {
    /// The kind stored in the `ledger_accounts.kind` column.
    pub fn kind(self) -> &'static str {
        match self {
            AccountKey::FundSource(_) => "fund_source",
            AccountKey::FundAvailable(_) => "fund_available",
            AccountKey::InitiativeGranted(_) => "initiative_granted",
            AccountKey::InitiativePaid(_) => "initiative_paid",
            AccountKey::InitiativeCofunded(_) => "initiative_cofunded",
            AccountKey::InitiativeGiftsPaid(_) => "initiative_gifts_paid",
            AccountKey::InitiativeDisputed(_) => "initiative_disputed",
            AccountKey::DonationsClearing => "donations_clearing",
        }
    }

    /// The unique natural key stored in `ledger_accounts.key`.
    pub fn key(self) -> String {
        match self {
            AccountKey::FundSource(id)
            | AccountKey::FundAvailable(id)
            | AccountKey::InitiativeGranted(id)
            | AccountKey::InitiativePaid(id)
            | AccountKey::InitiativeCofunded(id)
            | AccountKey::InitiativeGiftsPaid(id)
            | AccountKey::InitiativeDisputed(id) => format!("{}:{id}", self.kind()),
            AccountKey::DonationsClearing => self.kind().to_string(),
        }
    }

    /// The fund that owns the account, if any.
    pub fn fund_id(self) -> Option<i64> {
        match self {
            AccountKey::FundSource(id) | AccountKey::FundAvailable(id) => Some(id),
            _ => None,
        }
    }

    /// The initiative that owns the account, if any.
    pub fn initiative_id(self) -> Option<i64> {
        match self {
            AccountKey::InitiativeGranted(id)
            | AccountKey::InitiativePaid(id)
            | AccountKey::InitiativeCofunded(id)
            | AccountKey::InitiativeGiftsPaid(id)
            | AccountKey::InitiativeDisputed(id) => Some(id),
            _ => None,
        }
    }
}

/// One line of a transaction: an account and a signed amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub account: AccountKey,
    pub cents: Cents,
}

/// A set of entries that sums to zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTransaction {
    entries: Vec<Entry>,
}

/// Why a transaction cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("entries do not sum to zero (off by {0} cents)")]
    Unbalanced(i64),
    #[error("a transaction needs at least two entries")]
    TooFewEntries,
    #[error("amounts must be positive")]
    NonPositive,
    #[error("the fund has {available} cents left, {needed} needed")]
    FundExhausted { available: Cents, needed: Cents },
}

impl LedgerTransaction {
    /// Builds a transaction, checking that its entries sum to zero.
    ///
    /// # Errors
    /// [`LedgerError::Unbalanced`] or [`LedgerError::TooFewEntries`].
    pub fn new(entries: Vec<Entry>) -> Result<LedgerTransaction, LedgerError> {
        if entries.len() < 2 {
            return Err(LedgerError::TooFewEntries);
        }
        let sum: i64 = entries.iter().map(|e| e.cents.0).sum();
        if sum != 0 {
            return Err(LedgerError::Unbalanced(sum));
        }
        Ok(LedgerTransaction { entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// A fund receives its budget.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative budget.
    pub fn fund_budget(fund: i64, budget: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(budget)?;
        Self::pair(
            AccountKey::FundSource(fund),
            AccountKey::FundAvailable(fund),
            budget,
        )
    }

    /// A fund's budget is lowered by `amount` (only what is still available).
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn fund_budget_cut(fund: i64, amount: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(amount)?;
        Self::pair(
            AccountKey::FundAvailable(fund),
            AccountKey::FundSource(fund),
            amount,
        )
    }

    /// The entries for a lifecycle money effect on initiative `initiative` of fund `fund`.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn for_effect(
        effect: MoneyEffect,
        fund: i64,
        initiative: i64,
    ) -> Result<LedgerTransaction, LedgerError> {
        use AccountKey as A;
        match effect {
            MoneyEffect::Commit(c) => {
                positive(c)?;
                Self::pair(A::FundAvailable(fund), A::InitiativeGranted(initiative), c)
            }
            MoneyEffect::Release(c) => {
                positive(c)?;
                Self::pair(A::InitiativeGranted(initiative), A::FundAvailable(fund), c)
            }
            MoneyEffect::PayOut { grant, gifts } => Self::split(grant, gifts, initiative, 1),
            MoneyEffect::Gift(c) => {
                positive(c)?;
                Self::pair(A::DonationsClearing, A::InitiativeCofunded(initiative), c)
            }
            MoneyEffect::Unpay { grant, gifts } => Self::split(grant, gifts, initiative, -1),
        }
    }

    /// A payout (`sign` 1) or its return (`sign` -1) of a grant part
    /// (granted → paid) and a gift part (cofunded → gifts paid); a part of
    /// zero has no entries.
    fn split(
        grant: Cents,
        gifts: Cents,
        initiative: i64,
        sign: i64,
    ) -> Result<LedgerTransaction, LedgerError> {
        use AccountKey as A;
        if grant.0 < 0 || gifts.0 < 0 {
            return Err(LedgerError::NonPositive);
        }
        positive(grant + gifts)?;
        let mut entries = Vec::with_capacity(4);
        for (from, to, part) in [
            (
                A::InitiativeGranted(initiative),
                A::InitiativePaid(initiative),
                grant,
            ),
            (
                A::InitiativeCofunded(initiative),
                A::InitiativeGiftsPaid(initiative),
                gifts,
            ),
        ] {
            if part.0 > 0 {
                entries.push(Entry {
                    account: from,
                    cents: Cents(-sign * part.0),
                });
                entries.push(Entry {
                    account: to,
                    cents: Cents(sign * part.0),
                });
            }
        }
        LedgerTransaction::new(entries)
    }

    /// A gift (or part of it) refunded to the giver.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn gift_refund(initiative: i64, amount: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(amount)?;
        Self::pair(
            AccountKey::InitiativeCofunded(initiative),
            AccountKey::DonationsClearing,
            amount,
        )
    }

    /// A disputed gift is held: not paid out while its bank decides.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn dispute_hold(initiative: i64, amount: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(amount)?;
        Self::pair(
            AccountKey::InitiativeCofunded(initiative),
            AccountKey::InitiativeDisputed(initiative),
            amount,
        )
    }

    /// A dispute was won: the held gift is the initiative's again.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn dispute_won(initiative: i64, amount: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(amount)?;
        Self::pair(
            AccountKey::InitiativeDisputed(initiative),
            AccountKey::InitiativeCofunded(initiative),
            amount,
        )
    }

    /// A dispute was lost: the held gift went back to the giver's bank.
    ///
    /// # Errors
    /// [`LedgerError::NonPositive`] for a zero or negative amount.
    pub fn dispute_lost(initiative: i64, amount: Cents) -> Result<LedgerTransaction, LedgerError> {
        positive(amount)?;
        Self::pair(
            AccountKey::InitiativeDisputed(initiative),
            AccountKey::DonationsClearing,
            amount,
        )
    }

    /// Moves `amount` from `from` to `to`.
    fn pair(
        from: AccountKey,
        to: AccountKey,
        amount: Cents,
    ) -> Result<LedgerTransaction, LedgerError> {
        LedgerTransaction::new(vec![
            Entry {
                account: from,
                cents: Cents(-amount.0),
            },
            Entry {
                account: to,
                cents: amount,
            },
        ])
    }
}

/// The fund's match for a gift of `gift`: `percent` of it, within what is
/// left of the per-initiative `cap` after `matched_so_far`, and never more
/// than the fund has `available`. A cap of zero means no matching.
pub fn match_for(
    gift: Cents,
    percent: i32,
    cap: Cents,
    matched_so_far: Cents,
    available: Cents,
) -> Cents {
    if percent <= 0 || gift.0 <= 0 {
        return Cents(0);
    }
    let wanted = gift.0.saturating_mul(i64::from(percent)) / 100;
    let room = (cap.0 - matched_so_far.0).max(0);
    Cents(wanted.min(room).min(available.0.max(0)))
}

fn positive(c: Cents) -> Result<(), LedgerError> {
    if c.0 > 0 {
        Ok(())
    } else {
        Err(LedgerError::NonPositive)
    }
}

/// A fund's figures, all derived from ledger balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FundFigures {
    pub budget: Cents,
    pub committed: Cents,
    pub paid: Cents,
    pub remaining: Cents,
}

/// An in-memory ledger: the reference model the database ledger must agree with.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    balances: HashMap<AccountKey, i64>,
    transactions: Vec<LedgerTransaction>,
}

impl Ledger {
    pub fn balance(&self, account: AccountKey) -> Cents {
        Cents(self.balances.get(&account).copied().unwrap_or(0))
    }

    pub fn transactions(&self) -> &[LedgerTransaction] {
        &self.transactions
    }

    /// Books a transaction. A commit that would take a fund below zero is refused.
    ///
    /// # Errors
    /// [`LedgerError::FundExhausted`] when `fund_available` would go negative.
    pub fn book(&mut self, tx: LedgerTransaction) -> Result<(), LedgerError> {
        for e in tx.entries() {
            if let AccountKey::FundAvailable(_) = e.account {
                let after = self.balance(e.account).0 + e.cents.0;
                if after < 0 {
                    return Err(LedgerError::FundExhausted {
                        available: self.balance(e.account),
                        needed: Cents(-e.cents.0),
                    });
                }
            }
        }
        for e in tx.entries() {
            *self.balances.entry(e.account).or_insert(0) += e.cents.0;
        }
        self.transactions.push(tx);
        Ok(())
    }

    /// The sum of all balances: zero in a sound ledger.
    pub fn total(&self) -> i64 {
        self.balances.values().sum()
    }

    /// Budget, committed, paid and remaining for a fund whose initiatives are `initiatives`.
    pub fn fund_figures(&self, fund: i64, initiatives: &[i64]) -> FundFigures {
        let budget = Cents(-self.balance(AccountKey::FundSource(fund)).0);
        let committed: Cents = initiatives
            .iter()
            .map(|i| self.balance(AccountKey::InitiativeGranted(*i)))
            .sum();
        let paid: Cents = initiatives
            .iter()
            .map(|i| self.balance(AccountKey::InitiativePaid(*i)))
            .sum();
        FundFigures {
            budget,
            committed,
            paid,
            remaining: self.balance(AccountKey::FundAvailable(fund)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payout_with_gifts_keeps_them_out_of_the_funds_figures() {
        let mut l = Ledger::default();
        l.book(LedgerTransaction::fund_budget(1, Cents(10_000)).unwrap())
            .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(3_000)), 1, 7).unwrap())
            .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Gift(Cents(500)), 1, 7).unwrap())
            .unwrap();
        let payout = MoneyEffect::PayOut {
            grant: Cents(3_000),
            gifts: Cents(500),
        };
        assert_eq!(payout.total(), Cents(3_500));
        l.book(LedgerTransaction::for_effect(payout, 1, 7).unwrap())
            .unwrap();
        assert_eq!(l.balance(AccountKey::InitiativePaid(7)), Cents(3_000));
        assert_eq!(l.balance(AccountKey::InitiativeGiftsPaid(7)), Cents(500));
        assert_eq!(l.balance(AccountKey::InitiativeCofunded(7)), Cents(0));
        assert_eq!(l.balance(AccountKey::InitiativeGranted(7)), Cents(0));
        assert_eq!(l.total(), 0);
        let f = l.fund_figures(1, &[7]);
        assert_eq!(f.paid, Cents(3_000), "gifts are not the fund's");
        assert_eq!(f.remaining, f.budget - f.committed - f.paid);
        // Sent back: each part returns to where it came from.
        l.book(
            LedgerTransaction::for_effect(
                MoneyEffect::Unpay {
                    grant: Cents(3_000),
                    gifts: Cents(500),
                },
                1,
                7,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(l.balance(AccountKey::InitiativeGranted(7)), Cents(3_000));
        assert_eq!(l.balance(AccountKey::InitiativeCofunded(7)), Cents(500));
        // A payout of gifts alone (a top-up) has two entries, none of zero.
        let top_up = LedgerTransaction::for_effect(
            MoneyEffect::PayOut {
                grant: Cents::ZERO,
                gifts: Cents(500),
            },
            1,
            7,
        )
        .unwrap();
        assert_eq!(top_up.entries().len(), 2);
        assert!(LedgerTransaction::for_effect(
            MoneyEffect::PayOut {
                grant: Cents::ZERO,
                gifts: Cents::ZERO
            },
            1,
            7
        )
        .is_err());
    }

    #[test]
    fn unbalanced_transactions_are_refused() {
        let result = LedgerTransaction::new(vec![
            Entry {
                account: AccountKey::FundSource(1),
                cents: Cents(-100),
            },
            Entry {
                account: AccountKey::FundAvailable(1),
                cents: Cents(99),
            },
        ]);
        assert_eq!(result, Err(LedgerError::Unbalanced(-1)));
        assert_eq!(
            LedgerTransaction::new(vec![Entry {
                account: AccountKey::FundSource(1),
                cents: Cents(0)
            }]),
            Err(LedgerError::TooFewEntries)
        );
    }

    #[test]
    fn fund_figures_follow_commit_pay_and_release() {
        let mut l = Ledger::default();
        l.book(LedgerTransaction::fund_budget(1, Cents(10_000)).unwrap())
            .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(3_000)), 1, 7).unwrap())
            .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(2_000)), 1, 8).unwrap())
            .unwrap();
        l.book(
            LedgerTransaction::for_effect(
                MoneyEffect::PayOut {
                    grant: Cents(3_000),
                    gifts: Cents::ZERO,
                },
                1,
                7,
            )
            .unwrap(),
        )
        .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Release(Cents(2_000)), 1, 8).unwrap())
            .unwrap();
        let f = l.fund_figures(1, &[7, 8]);
        assert_eq!(
            f,
            FundFigures {
                budget: Cents(10_000),
                committed: Cents(0),
                paid: Cents(3_000),
                remaining: Cents(7_000)
            }
        );
        assert_eq!(f.remaining, f.budget - f.committed - f.paid);
        assert_eq!(l.total(), 0);
    }

    #[test]
    fn a_commit_beyond_the_budget_is_refused_and_changes_nothing() {
        let mut l = Ledger::default();
        l.book(LedgerTransaction::fund_budget(1, Cents(1_000)).unwrap())
            .unwrap();
        let err = l
            .book(LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(1_001)), 1, 7).unwrap())
            .unwrap_err();
        assert_eq!(
            err,
            LedgerError::FundExhausted {
                available: Cents(1_000),
                needed: Cents(1_001)
            }
        );
        assert_eq!(l.balance(AccountKey::InitiativeGranted(7)), Cents(0));
        assert_eq!(l.transactions().len(), 1);
    }

    #[test]
    fn zero_and_negative_amounts_are_refused() {
        assert_eq!(
            LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(0)), 1, 1),
            Err(LedgerError::NonPositive)
        );
        assert_eq!(
            LedgerTransaction::fund_budget(1, Cents(-5)),
            Err(LedgerError::NonPositive)
        );
    }

    #[test]
    fn the_match_stays_within_the_cap_and_the_fund() {
        // One euro per euro, cap 50 euros per initiative.
        let m = |gift, so_far, available| {
            match_for(
                Cents(gift),
                100,
                Cents(5_000),
                Cents(so_far),
                Cents(available),
            )
            .0
        };
        assert_eq!(m(2_000, 0, 100_000), 2_000);
        assert_eq!(
            m(2_000, 4_000, 100_000),
            1_000,
            "only what is left of the cap"
        );
        assert_eq!(m(2_000, 5_000, 100_000), 0, "the cap is reached");
        assert_eq!(m(2_000, 0, 700), 700, "never beyond the fund");
        assert_eq!(m(2_000, 0, -5), 0);
        assert_eq!(
            match_for(Cents(1_001), 50, Cents(5_000), Cents(0), Cents(9_999)).0,
            500
        );
        assert_eq!(
            match_for(Cents(1_000), 0, Cents(5_000), Cents(0), Cents(9_999)).0,
            0
        );
        assert_eq!(
            match_for(Cents(1_000), 100, Cents(0), Cents(0), Cents(9_999)).0,
            0
        );
    }

    #[test]
    fn a_refund_and_a_returned_payout_balance() {
        let mut l = Ledger::default();
        l.book(LedgerTransaction::fund_budget(1, Cents(10_000)).unwrap())
            .unwrap();
        l.book(LedgerTransaction::for_effect(MoneyEffect::Commit(Cents(3_000)), 1, 7).unwrap())
            .unwrap();
        l.book(
            LedgerTransaction::for_effect(
                MoneyEffect::PayOut {
                    grant: Cents(3_000),
                    gifts: Cents::ZERO,
                },
                1,
                7,
            )
            .unwrap(),
        )
        .unwrap();
        l.book(
            LedgerTransaction::for_effect(
                MoneyEffect::Unpay {
                    grant: Cents(3_000),
                    gifts: Cents::ZERO,
                },
                1,
                7,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(l.balance(AccountKey::InitiativeGranted(7)), Cents(3_000));
        assert_eq!(l.balance(AccountKey::InitiativePaid(7)), Cents(0));
        l.book(LedgerTransaction::for_effect(MoneyEffect::Gift(Cents(1_500)), 1, 7).unwrap())
            .unwrap();
        l.book(LedgerTransaction::gift_refund(7, Cents(500)).unwrap())
            .unwrap();
        assert_eq!(l.balance(AccountKey::InitiativeCofunded(7)), Cents(1_000));
        assert_eq!(l.balance(AccountKey::DonationsClearing), Cents(-1_000));
        assert_eq!(l.total(), 0);
    }

    #[test]
    fn account_keys_are_stable() {
        assert_eq!(AccountKey::FundAvailable(3).key(), "fund_available:3");
        assert_eq!(AccountKey::DonationsClearing.key(), "donations_clearing");
        assert_eq!(AccountKey::InitiativePaid(9).initiative_id(), Some(9));
        assert_eq!(AccountKey::FundSource(2).fund_id(), Some(2));
    }
}
