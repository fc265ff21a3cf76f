//! The texts of the public pages (one initiative, browsing, neighbourhoods),
//! in Dutch and English.

/// Every string of the public pages. A missing translation does not compile.
pub struct PublicTexts {
    pub story_title: &'static str,
    pub for_whom: &'static str,
    pub when: &'static str,
    pub own_strength_title: &'static str,
    pub money_title: &'static str,
    pub total_cost: &'static str,
    pub own_contribution: &'static str,
    pub asked: &'static str,
    pub granted: &'static str,
    pub paid: &'static str,
    pub cofunded: &'static str,
    pub result_title: &'static str,
    pub result_pending: &'static str,
    /// (participants, spent)
    pub result_figures: fn(i64, &str) -> String,
    /// (number of receipts, total)
    pub receipts: fn(i64, &str) -> String,
    pub timeline_title: &'static str,
    pub more_in: &'static str,
}

pub(super) static NL: PublicTexts = PublicTexts {
    story_title: "Het verhaal",
    for_whom: "Voor wie",
    when: "Wanneer",
    own_strength_title: "Wat de buurt zelf meebrengt",
    money_title: "Het geld",
    total_cost: "Totale kosten",
    own_contribution: "Zelf betaald",
    asked: "Gevraagd",
    granted: "Toegekend",
    paid: "Uitbetaald",
    cofunded: "Gegeven door buren",
    result_title: "Wat ervan kwam",
    result_pending: "Het verslag volgt na afloop.",
    result_figures: |n, spent| format!("{n} deelnemers, {spent} uitgegeven."),
    receipts: |n, total| format!("{n} bonnetjes, samen {total}."),
    timeline_title: "Tijdlijn",
    more_in: "Meer uit",
};

pub(super) static EN: PublicTexts = PublicTexts {
    story_title: "The story",
    for_whom: "For whom",
    when: "When",
    own_strength_title: "What the neighbourhood brings itself",
    money_title: "The money",
    total_cost: "Total cost",
    own_contribution: "Paid themselves",
    asked: "Asked",
    granted: "Granted",
    paid: "Paid out",
    cofunded: "Given by neighbours",
    result_title: "What came of it",
    result_pending: "The report follows afterwards.",
    result_figures: |n, spent| format!("{n} participants, {spent} spent."),
    receipts: |n, total| format!("{n} receipts, together {total}."),
    timeline_title: "Timeline",
    more_in: "More from",
};
