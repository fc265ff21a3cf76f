//! Files people download and open in a spreadsheet (open data, the audit log).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab
//! or carriage return before one) as a formula: a public name such as
//! `=HYPERLINK(…)` would run on the computer of whoever opens the file. Text
//! that people typed is therefore neutralised as OWASP advises: such a cell
//! gets a leading `'`, which spreadsheets show as text and do not run.

use std::borrow::Cow;

/// `text` safe to put in a CSV cell that a spreadsheet will open.
pub fn cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text_and_plain_text_stays() {
        for evil in [
            "=HYPERLINK(\"https://evil.example\",\"klik\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(cell(evil), format!("'{evil}"));
        }
        for plain in ["Naailes voor beginners", "", "12", "Buurt = fijn"] {
            assert_eq!(cell(plain), plain);
        }
    }
}
