//! The bank account a grant is paid to: the account holder's name and an
//! IBAN, checked once at the boundary. The IBAN's structure and checksum are
//! checked by the `iban_validate` crate (the SWIFT IBAN registry); on top of
//! that a bank payout goes only to the countries of the SEPA scheme, where a
//! fund can transfer euros the way it pays any bill.
//!
//! [`mask`] gives the form that may be shown anywhere: the country and the
//! last four characters, the rest starred (`NL** **** **** **43 00`).

use iban::IbanLike;

/// The longest account holder's name (the SEPA credit transfer's creditor name).
pub const HOLDER_MAX: usize = 70;
/// The shortest account holder's name.
pub const HOLDER_MIN: usize = 2;
/// The longest IBAN as typed (34 characters and their spaces).
pub const IBAN_INPUT_MAX: usize = 50;

/// The audit log's name for a view of a full IBAN.
pub const VIEWED: &str = "bank_account_viewed";
/// The audit log's name for the first account entered for an initiative.
pub const SET: &str = "bank_account_set";
/// The audit log's name for a change of the account.
pub const CHANGED: &str = "bank_account_changed";
/// The lines of the audit log that are about the bank account: not steps of
/// an initiative, so no timeline shows them (the admin's audit log does).
pub const AUDIT_ONLY: [&str; 3] = [VIEWED, SET, CHANGED];

/// The countries of the SEPA scheme by their IBAN country code (the EPC's
/// list of 2026: the EU, the EEA, and Albania, Andorra, Gibraltar, Moldova,
/// Monaco, Montenegro, North Macedonia, San Marino, Serbia, Switzerland, the
/// United Kingdom and Vatican City). Territories that use another country's
/// IBAN (the Åland Islands, the Channel Islands, the French overseas
/// departments) are covered by that country's code.
pub const SEPA_COUNTRIES: [&str; 42] = [
    "AD", "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI",
    "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL",
    "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "SM", "VA",
];

/// Why an account holder or IBAN is not accepted. Each maps to a message
/// code shown next to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BankAccountError {
    #[error("the account holder's name must be 2 to 70 characters")]
    HolderLength,
    #[error("no IBAN was given")]
    IbanMissing,
    /// The structure is not an IBAN of any country (length, characters, BBAN).
    #[error("not an IBAN")]
    IbanInvalid,
    /// The check digits do not match: a typo.
    #[error("the IBAN's check digits do not match")]
    IbanChecksum,
    /// A real IBAN, but of a country outside SEPA.
    #[error("the IBAN is not of a SEPA country")]
    IbanNotSepa,
}

impl BankAccountError {
    /// The form field the error belongs to.
    pub fn field(self) -> &'static str {
        match self {
            BankAccountError::HolderLength => "holder",
            _ => "iban",
        }
    }

    /// The message code (see the texts' `error`).
    pub fn code(self) -> &'static str {
        match self {
            BankAccountError::HolderLength => "holder_length",
            BankAccountError::IbanMissing => "iban_missing",
            BankAccountError::IbanInvalid => "iban_invalid",
            BankAccountError::IbanChecksum => "iban_checksum",
            BankAccountError::IbanNotSepa => "iban_not_sepa",
        }
    }
}

/// A checked bank account: past [`BankAccount::parse`] the holder has a
/// sensible length and the IBAN is valid and of a SEPA country.
#[derive(Clone, PartialEq, Eq)]
pub struct BankAccount {
    holder: String,
    /// The electronic form: no spaces, upper case.
    iban: String,
}

impl std::fmt::Debug for BankAccount {
    // Never the full IBAN in a log line or a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BankAccount")
            .field("iban", &mask(&self.iban))
            .finish_non_exhaustive()
    }
}

impl BankAccount {
    /// Checks a holder's name and an IBAN as a person typed them (spaces and
    /// lower case are fine). Both are checked; the holder's error comes first.
    ///
    /// # Errors
    /// Every [`BankAccountError`] found, the holder's first.
    pub fn parse(holder: &str, iban: &str) -> Result<BankAccount, Vec<BankAccountError>> {
        let holder = holder.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut errors = Vec::new();
        let length = holder.chars().count();
        if !(HOLDER_MIN..=HOLDER_MAX).contains(&length) || holder.chars().any(char::is_control) {
            errors.push(BankAccountError::HolderLength);
        }
        let iban = match parse_iban(iban) {
            Ok(iban) => Some(iban),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match iban {
            Some(iban) if errors.is_empty() => Ok(BankAccount { holder, iban }),
            _ => Err(errors),
        }
    }

    /// The account holder's name, with single spaces.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The IBAN in its electronic form (`NL91ABNA0417164300`).
    pub fn iban(&self) -> &str {
        &self.iban
    }

    /// The IBAN as it is printed, in groups of four (`NL91 ABNA 0417 1643 00`).
    pub fn iban_printed(&self) -> String {
        groups_of_four(&self.iban)
    }

    /// The masked IBAN (see [`mask`]).
    pub fn masked(&self) -> String {
        mask(&self.iban)
    }
}

/// Checks one IBAN and returns its electronic form.
fn parse_iban(typed: &str) -> Result<String, BankAccountError> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    if compact.is_empty() {
        return Err(BankAccountError::IbanMissing);
    }
    let parsed = compact.parse::<iban::Iban>().map_err(|e| match e {
        iban::ParseIbanError::InvalidBaseIban {
            source: iban::ParseBaseIbanError::InvalidChecksum,
        } => BankAccountError::IbanChecksum,
        _ => BankAccountError::IbanInvalid,
    })?;
    let country = parsed.country_code();
    if !SEPA_COUNTRIES.contains(&country) {
        return Err(BankAccountError::IbanNotSepa);
    }
    Ok(parsed.electronic_str().to_string())
}

/// Groups characters by four with single spaces between the groups.
fn groups_of_four(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// An IBAN with all but its country code and its last four characters
/// starred, in groups of four: `NL91ABNA0417164300` → `NL** **** **** **43 00`.
/// Anything that is not an IBAN at all becomes stars only.
pub fn mask(iban: &str) -> String {
    let compact: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() < 8 {
        return "****".into();
    }
    let keep_from = compact.len() - 4;
    let starred: String = compact
        .iter()
        .enumerate()
        .map(|(i, c)| if i < 2 || i >= keep_from { *c } else { '*' })
        .collect();
    groups_of_four(&starred)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "NL91 ABNA 0417 1643 00";

    #[test]
    fn a_valid_iban_is_accepted_in_any_spacing_and_case() {
        for typed in [
            GOOD,
            "NL91ABNA0417164300",
            " nl91 abna 0417 1643 00 ",
            "NL91ABNA 0417164300",
        ] {
            let account = BankAccount::parse("  Stichting   De Buren ", typed).unwrap();
            assert_eq!(account.iban(), "NL91ABNA0417164300", "{typed}");
            assert_eq!(account.holder(), "Stichting De Buren");
            assert_eq!(account.iban_printed(), GOOD);
        }
        // Belgian, German and Swiss accounts are SEPA too.
        for typed in [
            "BE68 5390 0754 7034",
            "DE89 3704 0044 0532 0130 00",
            "CH93 0076 2011 6238 5295 7",
        ] {
            assert!(BankAccount::parse("Maria", typed).is_ok(), "{typed}");
        }
    }

    #[test]
    fn a_typo_is_a_checksum_error() {
        let err = BankAccount::parse("Maria", "NL91 ABNA 0417 1643 01").unwrap_err();
        assert_eq!(err, vec![BankAccountError::IbanChecksum]);
        assert_eq!(err[0].field(), "iban");
        assert_eq!(err[0].code(), "iban_checksum");
    }

    #[test]
    fn what_is_no_iban_is_refused() {
        for typed in [
            "1234567",
            "NL91",
            "hallo wereld",
            "NL91ABNA04171643",
            "NL91 ABNA 0417 1643 00 00 00 00 00 00 00",
        ] {
            let err = BankAccount::parse("Maria", typed).unwrap_err();
            assert!(
                matches!(
                    err[..],
                    [BankAccountError::IbanInvalid | BankAccountError::IbanChecksum]
                ),
                "{typed}: {err:?}"
            );
        }
        assert_eq!(
            BankAccount::parse("Maria", "  ").unwrap_err(),
            vec![BankAccountError::IbanMissing]
        );
    }

    #[test]
    fn a_valid_iban_outside_sepa_is_refused() {
        // Valid IBANs of Brazil, Türkiye and Saudi Arabia: not payable by SEPA transfer.
        for typed in [
            "BR18 0036 0305 0000 1000 9795 493C 1",
            "TR33 0006 1005 1978 6457 8413 26",
            "SA03 8000 0000 6080 1016 7519",
        ] {
            assert_eq!(
                BankAccount::parse("Maria", typed).unwrap_err(),
                vec![BankAccountError::IbanNotSepa],
                "{typed}"
            );
        }
    }

    #[test]
    fn the_holder_needs_a_name_and_both_errors_are_told() {
        let err = BankAccount::parse(" ", "NL91 ABNA 0417 1643 01").unwrap_err();
        assert_eq!(
            err,
            vec![
                BankAccountError::HolderLength,
                BankAccountError::IbanChecksum
            ]
        );
        assert_eq!(err[0].field(), "holder");
        let long = "a".repeat(HOLDER_MAX + 1);
        assert!(BankAccount::parse(&long, GOOD).is_err());
        assert!(BankAccount::parse("Ma\u{0}ria", GOOD).is_err());
        assert!(BankAccount::parse(&"a".repeat(HOLDER_MAX), GOOD).is_ok());
    }

    #[test]
    fn masked_shows_only_the_country_and_the_last_four() {
        assert_eq!(mask("NL91ABNA0417164300"), "NL** **** **** **43 00");
        assert_eq!(mask(GOOD), "NL** **** **** **43 00");
        assert_eq!(
            mask("DE89370400440532013000"),
            "DE** **** **** **** **30 00"
        );
        assert_eq!(mask("x"), "****");
        let account = BankAccount::parse("Maria", GOOD).unwrap();
        assert_eq!(account.masked(), "NL** **** **** **43 00");
        assert!(!format!("{account:?}").contains("0417"), "Debug is masked");
    }

    #[test]
    fn the_sepa_list_has_no_duplicates_and_is_sorted() {
        let mut sorted = SEPA_COUNTRIES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, SEPA_COUNTRIES.to_vec());
    }
}
