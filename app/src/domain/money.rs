//! Money as integer euro cents. No floats anywhere: amounts typed by people
//! are parsed straight into cents, and shown in the reader's language.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in euro cents. May be negative inside the ledger.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

/// Why a typed amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("empty")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooManyDecimals,
    #[error("negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

/// The largest amount a person may type: one million euro.
pub const MAX_TYPED_CENTS: i64 = 100_000_000;

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Whole euros, for seeding and tests.
    pub const fn euros(e: i64) -> Cents {
        Cents(e * 100)
    }

    /// Parses an amount typed by a person: `12`, `12,50`, `12.5`, `€ 1.250,00`, `1,250.00`.
    ///
    /// The last `,` or `.` followed by one or two digits is the decimal
    /// separator; other separators are thousands separators.
    ///
    /// # Errors
    /// [`AmountError`] when the text is empty, not an amount, has more than two
    /// decimals, is negative or exceeds [`MAX_TYPED_CENTS`].
    pub fn parse_euros(input: &str) -> Result<Cents, AmountError> {
        let cleaned: String = input
            .trim()
            .trim_start_matches('€')
            .trim_start_matches("EUR")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
        }
        if cleaned.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (whole, frac) = match cleaned.rfind([',', '.']) {
            Some(pos) if cleaned.len() - pos - 1 <= 2 && cleaned.len() - pos > 1 => {
                (&cleaned[..pos], &cleaned[pos + 1..])
            }
            Some(pos) if cleaned.len() - pos - 1 == 3 => (&cleaned[..], ""),
            Some(pos) if cleaned.len() - pos == 1 => (&cleaned[..pos], ""),
            Some(_) => return Err(AmountError::TooManyDecimals),
            None => (&cleaned[..], ""),
        };
        let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
        if whole.is_empty() && frac.is_empty() {
            return Err(AmountError::NotANumber);
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(AmountError::NotANumber);
        }
        let euros: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AmountError::TooLarge)?
        };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| AmountError::NotANumber)? * 10,
            _ => frac.parse().map_err(|_| AmountError::NotANumber)?,
        };
        let total = euros
            .checked_mul(100)
            .and_then(|e| e.checked_add(cents))
            .ok_or(AmountError::TooLarge)?;
        if total > MAX_TYPED_CENTS {
            return Err(AmountError::TooLarge);
        }
        Ok(Cents(total))
    }

    /// Formats in Dutch style: `€ 1.250,50`.
    pub fn format_nl(self) -> String {
        self.format_with('.', ',', "€\u{a0}")
    }

    /// Formats in English style: `€1,250.50`.
    pub fn format_en(self) -> String {
        self.format_with(',', '.', "€")
    }

    fn format_with(self, thousands: char, decimal: char, prefix: &str) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let cents = abs % 100;
        let mut grouped = String::new();
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push(thousands);
            }
            grouped.push(c);
        }
        format!(
            "{}{prefix}{grouped}{decimal}{cents:02}",
            if negative { "-" } else { "" }
        )
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_nl())
    }
}

impl std::ops::Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Cents) -> Cents {
        Cents(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Cents) -> Cents {
        Cents(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents(iter.map(|c| c.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dutch_and_english_amounts() {
        assert_eq!(Cents::parse_euros("12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse_euros("12,5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse_euros("12,50"), Ok(Cents(1250)));
        assert_eq!(Cents::parse_euros("12.05"), Ok(Cents(1205)));
        assert_eq!(Cents::parse_euros("€ 1.250,00"), Ok(Cents(125_000)));
        assert_eq!(Cents::parse_euros("1,250.00"), Ok(Cents(125_000)));
        assert_eq!(Cents::parse_euros("1.250"), Ok(Cents(125_000)));
        assert_eq!(Cents::parse_euros("0,99"), Ok(Cents(99)));
        assert_eq!(Cents::parse_euros("15,"), Ok(Cents(1500)));
    }

    #[test]
    fn refuses_bad_amounts() {
        assert_eq!(Cents::parse_euros(""), Err(AmountError::Empty));
        assert_eq!(Cents::parse_euros("  "), Err(AmountError::Empty));
        assert_eq!(Cents::parse_euros("abc"), Err(AmountError::NotANumber));
        assert_eq!(Cents::parse_euros("-5"), Err(AmountError::Negative));
        assert_eq!(
            Cents::parse_euros("1,2345"),
            Err(AmountError::TooManyDecimals)
        );
        assert_eq!(Cents::parse_euros("2000000"), Err(AmountError::TooLarge));
        assert_eq!(
            Cents::parse_euros("99999999999999999999"),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn formats_per_language() {
        assert_eq!(Cents(125_050).format_nl(), "€\u{a0}1.250,50");
        assert_eq!(Cents(125_050).format_en(), "€1,250.50");
        assert_eq!(Cents(5).format_en(), "€0.05");
        assert_eq!(Cents(-100_000_000).format_en(), "-€1,000,000.00");
    }
}
