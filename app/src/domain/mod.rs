//! Pure rules, no I/O, compiled for the server and the browser alike:
//! money in cents, the initiative lifecycle, the ledger, and input types that
//! check themselves once at the boundary.

pub mod bank_account;
pub mod ledger;
pub mod lifecycle;
pub mod money;
pub mod payout;
pub mod types;

pub use lifecycle::{Action, Actor, Facts, Role, State, Transition, TransitionError};
pub use money::Cents;
pub use payout::{PayoutMethod, PayoutState};
