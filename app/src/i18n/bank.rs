//! The texts of the bank account a grant is paid to (the resident's form,
//! the payer's payout form), in Dutch and English.

/// Every string about the bank account for a payout. A missing translation does not compile.
pub struct BankTexts {
    pub title: &'static str,
    pub intro: &'static str,
    /// (masked IBAN, holder)
    pub current: fn(&str, &str) -> String,
    pub current_unreadable: fn(&str) -> String,
    pub none_yet: &'static str,
    pub locked: &'static str,
    pub holder_label: &'static str,
    pub holder_hint: &'static str,
    pub iban_label: &'static str,
    pub iban_hint: &'static str,
    pub submit: &'static str,
    pub saved: &'static str,
    pub err_holder_length: &'static str,
    pub err_iban_missing: &'static str,
    pub err_iban_invalid: &'static str,
    pub err_iban_checksum: &'static str,
    pub err_iban_not_sepa: &'static str,
    pub err_missing: &'static str,
    pub err_changed: &'static str,
    pub err_unreadable: &'static str,
    /// On the coach's page: the account the resident entered (masked).
    pub coach_label: &'static str,
    pub coach_none: &'static str,
    /// On the payout form.
    pub transfer_title: &'static str,
    pub transfer_amount: &'static str,
    pub transfer_holder: &'static str,
    pub transfer_iban: &'static str,
    pub transfer_logged: &'static str,
    pub transfer_missing: &'static str,
}

impl BankTexts {
    /// The sentence for a bank account error code, if it is one.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        match code {
            "holder_length" => Some(self.err_holder_length),
            "iban_missing" => Some(self.err_iban_missing),
            "iban_invalid" => Some(self.err_iban_invalid),
            "iban_checksum" => Some(self.err_iban_checksum),
            "iban_not_sepa" => Some(self.err_iban_not_sepa),
            "bank_account_missing" => Some(self.err_missing),
            "bank_account_changed" => Some(self.err_changed),
            "bank_account_unreadable" => Some(self.err_unreadable),
            _ => None,
        }
    }
}

pub(super) static NL: BankTexts = BankTexts {
    title: "Rekening voor de uitbetaling",
    intro: "Betaalt je buurtcoach het geld per bank? Dan komt het op deze rekening. Alleen wie uitbetaalt ziet het hele nummer, en dat wordt elke keer bijgehouden. Anderen zien alleen het begin en de laatste vier tekens.",
    current: |masked, holder| format!("Nu: {masked} op naam van {holder}."),
    current_unreadable: |masked| format!("Nu: {masked}. Vul de rekening opnieuw in: we kunnen haar niet meer lezen."),
    none_yet: "Je hebt nog geen rekening ingevuld.",
    locked: "Dit initiatief is afgerond of gestopt. De rekening kan niet meer veranderen.",
    holder_label: "Naam van de rekeninghouder",
    holder_hint: "Zoals de bank de naam kent: je eigen naam, of die van je vereniging of stichting.",
    iban_label: "IBAN (rekeningnummer)",
    iban_hint: "Bijvoorbeeld NL91 ABNA 0417 1643 00. Een rekening in Nederland of een ander SEPA-land.",
    submit: "Rekening opslaan",
    saved: "Je rekening is opgeslagen. Is je aanvraag al goedgekeurd? Dan krijgt je buurtcoach er bericht van.",
    err_holder_length: "Vul de naam van de rekeninghouder in: 2 tot 70 tekens.",
    err_iban_missing: "Vul je IBAN in, bijvoorbeeld NL91 ABNA 0417 1643 00.",
    err_iban_invalid: "Dit is geen IBAN. Een Nederlands IBAN heeft 18 tekens: NL, 2 cijfers, 4 letters van de bank en 10 cijfers.",
    err_iban_checksum: "Dit IBAN klopt niet. Er zit waarschijnlijk een tikfout in: kijk het nummer nog eens na.",
    err_iban_not_sepa: "Naar een rekening in dit land kan het fonds niet overmaken. Gebruik een rekening in Nederland of een ander SEPA-land.",
    err_missing: "De bewoner heeft nog geen rekening ingevuld. Vraag het in een bericht en wacht tot het nummer hier staat. Maak nooit over naar een nummer uit een chat of mail.",
    err_changed: "De bewoner heeft de rekening net veranderd. Kijk het nieuwe nummer na voordat je de overboeking vastlegt.",
    err_unreadable: "Deze rekening kan niet worden gelezen. Vraag de bewoner om haar opnieuw in te vullen.",
    coach_label: "Rekening voor de uitbetaling",
    coach_none: "Nog niet ingevuld door de bewoner.",
    transfer_title: "Overmaken naar",
    transfer_amount: "Bedrag",
    transfer_holder: "Op naam van",
    transfer_iban: "IBAN",
    transfer_logged: "Dat je dit nummer ziet, staat in het logboek.",
    transfer_missing: "De bewoner heeft nog geen rekening ingevuld. Vraag het in een bericht; betalen per bank kan pas als het nummer hier staat.",
};

pub(super) static EN: BankTexts = BankTexts {
    title: "Bank account for the payout",
    intro: "If your coach pays the money by bank transfer, it goes to this account. Only the person who pays sees the whole number, and each time they do, it is recorded. Others see only its start and last four characters.",
    current: |masked, holder| format!("Now: {masked} in the name of {holder}."),
    current_unreadable: |masked| format!("Now: {masked}. Please enter the account again: we can no longer read it."),
    none_yet: "You have not entered a bank account yet.",
    locked: "This initiative is finished or stopped. The bank account can no longer change.",
    holder_label: "Account holder's name",
    holder_hint: "As the bank knows it: your own name, or that of your club or foundation.",
    iban_label: "IBAN (account number)",
    iban_hint: "For example NL91 ABNA 0417 1643 00. An account in the Netherlands or another SEPA country.",
    submit: "Save bank account",
    saved: "Your bank account is saved. If your request was approved already, your coach is told.",
    err_holder_length: "Enter the account holder's name: 2 to 70 characters.",
    err_iban_missing: "Enter your IBAN, for example NL91 ABNA 0417 1643 00.",
    err_iban_invalid: "This is not an IBAN. A Dutch IBAN has 18 characters: NL, 2 digits, 4 letters of the bank and 10 digits.",
    err_iban_checksum: "This IBAN does not add up. There is probably a typo: please check the number.",
    err_iban_not_sepa: "The fund cannot transfer to an account in this country. Use an account in the Netherlands or another SEPA country.",
    err_missing: "The resident has not entered a bank account yet. Ask in a message and wait until the number shows here. Never transfer to a number from a chat or an e-mail.",
    err_changed: "The resident has just changed the bank account. Check the new number before you record the transfer.",
    err_unreadable: "This bank account cannot be read. Ask the resident to enter it again.",
    coach_label: "Bank account for the payout",
    coach_none: "Not entered by the resident yet.",
    transfer_title: "Transfer to",
    transfer_amount: "Amount",
    transfer_holder: "Account holder",
    transfer_iban: "IBAN",
    transfer_logged: "That you see this number is recorded in the audit log.",
    transfer_missing: "The resident has not entered a bank account yet. Ask in a message; a bank payout is possible once the number shows here.",
};

#[cfg(test)]
mod tests {
    use super::{EN, NL};

    #[test]
    fn every_bank_account_error_has_a_sentence_in_both_languages() {
        for code in [
            "holder_length",
            "iban_missing",
            "iban_invalid",
            "iban_checksum",
            "iban_not_sepa",
            "bank_account_missing",
            "bank_account_changed",
            "bank_account_unreadable",
        ] {
            let (nl, en) = (NL.error(code).unwrap(), EN.error(code).unwrap());
            assert!(!nl.trim().is_empty() && !en.trim().is_empty(), "{code}");
            assert_ne!(nl, en, "{code} is translated");
        }
        assert_eq!(NL.error("something_else"), None);
        for code in crate::domain::bank_account::AUDIT_ONLY {
            for lang in crate::i18n::Lang::ALL {
                assert!(!lang.texts().action(code).is_empty(), "{lang:?} {code}");
            }
        }
    }
}
