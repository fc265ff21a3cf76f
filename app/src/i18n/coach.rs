//! The texts of the coach's pages (queue, one initiative, decisions,
//! budgets), in Dutch and English.

/// Every string of the coach's pages. A missing translation does not compile.
pub struct CoachTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub waiting_title: &'static str,
    pub waiting_empty: &'static str,
    pub mine_title: &'static str,
    pub mine_empty: &'static str,
    pub cosign_title: &'static str,
    pub cosign_empty: &'static str,
    /// (days)
    pub days_waiting: fn(i64) -> String,
    /// Under a part of the queue that lists only its first page.
    pub queue_more: fn(u64) -> String,
    /// (target days)
    pub overdue: fn(i64) -> String,
    /// (amount)
    pub mandate: fn(&str) -> String,
    pub budgets_title: &'static str,
    pub budget: &'static str,
    pub committed: &'static str,
    pub paid: &'static str,
    pub remaining: &'static str,
    pub max_grant: &'static str,
    pub per_state: &'static str,
    pub median_days: &'static str,
    pub no_decisions_yet: &'static str,
    pub neighbourhood: &'static str,
    pub initiatives: &'static str,
    /// (start, end)
    pub period: fn(&str, &str) -> String,
    pub back_to_queue: &'static str,
    pub initiator: &'static str,
    pub approved_by: &'static str,
    pub conditions: &'static str,
    pub fund_remaining: &'static str,
    pub story_title: &'static str,
    pub decide_title: &'static str,
    pub claim: &'static str,
    pub claim_hint: &'static str,
    pub ask_changes: &'static str,
    pub ask_changes_label: &'static str,
    pub approve: &'static str,
    pub approve_amount: &'static str,
    /// (amount asked, mandate)
    pub approve_hint: fn(&str, &str) -> String,
    pub approve_conditions: &'static str,
    pub reject: &'static str,
    pub reject_label: &'static str,
    pub co_sign: &'static str,
    /// (amount)
    pub co_sign_hint: fn(&str) -> String,
    pub cancel: &'static str,
    pub cancel_label: &'static str,
    pub payout_title: &'static str,
    pub payout_reference: &'static str,
    pub payout_date: &'static str,
    pub payout_submit: &'static str,
    /// (reference, date)
    pub payout_done: fn(&str, &str) -> String,
    pub nothing_to_decide: &'static str,
    pub message_label: &'static str,
    pub notice_step_done: &'static str,
    pub notice_coach_told: &'static str,
    /// (days waited for a second signature)
    pub cosign_waiting: fn(i64) -> String,
    /// (days allowed)
    pub cosign_late: fn(i64) -> String,
    pub cosign_waiting_title: &'static str,
    pub cosign_waiting_empty: &'static str,
    pub cosign_summary_title: &'static str,
    pub no_conditions: &'static str,
    pub decline_cosign: &'static str,
    pub decline_cosign_label: &'static str,
    pub decline_cosign_hint: &'static str,
    pub cosign_question: &'static str,
    pub cosign_question_label: &'static str,
    pub cosign_question_hint: &'static str,
    pub release: &'static str,
    pub release_hint: &'static str,
    pub reassign: &'static str,
    pub reassign_label: &'static str,
    pub reassign_hint: &'static str,
    pub errors: [(&'static str, &'static str); 12],
}

impl CoachTexts {
    /// The message for `code`, if it is one of the coach's.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == code)
            .map(|(_, v)| *v)
    }
}

pub(super) static NL: CoachTexts = CoachTexts {
    nav: "Buurtcoach",
    title: "Wachtrij",
    waiting_title: "Wacht op een buurtcoach",
    waiting_empty: "Er wacht niets.",
    mine_title: "Mijn initiatieven",
    mine_empty: "Je hebt nu geen initiatieven onder je hoede.",
    cosign_title: "Wacht op jouw tweede handtekening",
    cosign_empty: "Niets om mee te ondertekenen.",
    days_waiting: |d| {
        if d == 1 {
            "1 dag".into()
        } else {
            format!("{d} dagen")
        }
    },
    queue_more: |n| {
        if n == 1 {
            "En nog 1 initiatief. De oudste staan bovenaan.".into()
        } else {
            format!("En nog {n} initiatieven. De oudste staan bovenaan.")
        }
    },
    overdue: |target| format!("Langer dan {target} dagen"),
    mandate: |amount| {
        format!(
            "Je mandaat: je besluit zelf tot {amount}. Daarboven tekent een tweede persoon mee."
        )
    },
    budgets_title: "Budgetten",
    budget: "Budget",
    committed: "Toegezegd",
    paid: "Uitbetaald",
    remaining: "Over",
    max_grant: "Hoogste bijdrage",
    per_state: "Initiatieven per stand",
    median_days: "Dagen tot besluit (mediaan)",
    no_decisions_yet: "nog geen besluiten",
    neighbourhood: "Buurt",
    initiatives: "Initiatieven",
    period: |start, end| format!("{start} tot en met {end}"),
    back_to_queue: "Terug naar de wachtrij",
    initiator: "Aanvrager",
    approved_by: "Goedgekeurd door",
    conditions: "Voorwaarden",
    fund_remaining: "Nog over in het fonds",
    story_title: "Het plan",
    decide_title: "Besluiten",
    claim: "Oppakken",
    claim_hint: "Jij wordt het vaste aanspreekpunt van de bewoner.",
    ask_changes: "Vraag om aanpassing",
    ask_changes_label: "Wat moet er anders of wat wil je weten?",
    approve: "Goedkeuren",
    approve_amount: "Bedrag in euro's",
    approve_hint: |asked, mandate| {
        format!(
            "Gevraagd: {asked}. Je mandaat: {mandate}. Daarboven tekent een tweede persoon mee."
        )
    },
    approve_conditions: "Voorwaarden (mag leeg)",
    reject: "Afwijzen",
    reject_label: "Reden (de bewoner ziet deze)",
    co_sign: "Mee ondertekenen",
    co_sign_hint: |amount| {
        format!("Je tekent mee voor {amount}. Het geld wordt dan vastgelegd uit het fonds.")
    },
    cancel: "Intrekken en geld terug naar het fonds",
    cancel_label: "Reden",
    payout_title: "Uitbetaling per bank",
    payout_reference: "Kenmerk van de overboeking",
    payout_date: "Datum van de overboeking",
    payout_submit: "Uitbetaling vastleggen",
    payout_done: |reference, date| format!("Uitbetaald op {date}, kenmerk {reference}."),
    nothing_to_decide: "Er is nu niets te besluiten.",
    message_label: "Bericht aan de bewoner",
    notice_step_done: "Gedaan. De bewoner krijgt bericht.",
    notice_coach_told: "Gedaan. De buurtcoach die het goedkeurde krijgt bericht.",
    cosign_waiting: |d| {
        if d == 1 {
            "Wacht 1 dag op een tweede handtekening.".into()
        } else {
            format!("Wacht {d} dagen op een tweede handtekening.")
        }
    },
    cosign_late: |days| format!("Langer dan {days} dagen: teken mee of vraag iemand anders."),
    cosign_waiting_title: "Wacht op een tweede handtekening",
    cosign_waiting_empty: "Er wacht niets op een tweede handtekening.",
    cosign_summary_title: "Waar je voor tekent",
    no_conditions: "geen",
    decline_cosign: "Niet mee ondertekenen",
    decline_cosign_label: "Waarom teken je niet mee?",
    decline_cosign_hint: "Het initiatief gaat terug naar de buurtcoach die het goedkeurde. Die leest je reden.",
    cosign_question: "Vraag stellen aan de buurtcoach",
    cosign_question_label: "Je vraag",
    cosign_question_hint: "De buurtcoach die het goedkeurde krijgt je vraag. Het initiatief blijft wachten op je handtekening.",
    release: "Teruggeven aan de wachtrij",
    release_hint: "Een andere buurtcoach kan het dan oppakken. De bewoner krijgt bericht.",
    reassign: "Overdragen aan een andere buurtcoach",
    reassign_label: "Nieuwe buurtcoach",
    reassign_hint: "Alleen buurtcoaches van deze buurt die niet in het team van het initiatief zitten.",
    errors: [
        (
            "fund_exhausted",
            "Het fonds is op: er is niet genoeg geld meer over voor dit bedrag.",
        ),
        (
            "amount_above_asked",
            "Je kunt niet meer goedkeuren dan er is gevraagd.",
        ),
        (
            "reason_missing",
            "Schrijf erbij waarom. De bewoner ziet dit.",
        ),
        (
            "reason_too_long",
            "Dit is te lang (ten hoogste 2000 tekens).",
        ),
        (
            "reference_length",
            "Geef het kenmerk van de overboeking (ten hoogste 100 tekens).",
        ),
        ("date_in_future", "Deze datum ligt in de toekomst."),
        (
            "decline_reason_missing",
            "Schrijf erbij waarom je niet meetekent. De buurtcoach leest dit.",
        ),
        ("question_missing", "Schrijf je vraag op."),
        ("coach_missing", "Kies een buurtcoach."),
        (
            "coach_on_team",
            "Deze buurtcoach zit in het team van het initiatief. Kies iemand anders.",
        ),
        (
            "coach_not_of_neighbourhood",
            "Deze persoon is geen buurtcoach van deze buurt. Kies iemand anders.",
        ),
        ("coach_same", "Deze buurtcoach heeft het initiatief al."),
    ],
};

pub(super) static EN: CoachTexts = CoachTexts {
    nav: "Coach",
    title: "Queue",
    waiting_title: "Waiting for a coach",
    waiting_empty: "Nothing is waiting.",
    mine_title: "My initiatives",
    mine_empty: "You have no initiatives in your care now.",
    cosign_title: "Waiting for your second signature",
    cosign_empty: "Nothing to co-sign.",
    days_waiting: |d| {
        if d == 1 {
            "1 day".into()
        } else {
            format!("{d} days")
        }
    },
    queue_more: |n| {
        if n == 1 {
            "And 1 more initiative. The longest waiting are listed first.".into()
        } else {
            format!("And {n} more initiatives. The longest waiting are listed first.")
        }
    },
    overdue: |target| format!("Longer than {target} days"),
    mandate: |amount| {
        format!(
            "Your mandate: you decide alone up to {amount}. Above that a second person co-signs."
        )
    },
    budgets_title: "Budgets",
    budget: "Budget",
    committed: "Committed",
    paid: "Paid out",
    remaining: "Remaining",
    max_grant: "Largest grant",
    per_state: "Initiatives per status",
    median_days: "Days to decision (median)",
    no_decisions_yet: "no decisions yet",
    neighbourhood: "Neighbourhood",
    initiatives: "Initiatives",
    period: |start, end| format!("{start} to {end}"),
    back_to_queue: "Back to the queue",
    initiator: "Applicant",
    approved_by: "Approved by",
    conditions: "Conditions",
    fund_remaining: "Left in the fund",
    story_title: "The plan",
    decide_title: "Decide",
    claim: "Pick up",
    claim_hint: "You become the resident's single contact.",
    ask_changes: "Ask for changes",
    ask_changes_label: "What should change, or what do you want to know?",
    approve: "Approve",
    approve_amount: "Amount in euros",
    approve_hint: |asked, mandate| {
        format!("Asked: {asked}. Your mandate: {mandate}. Above that a second person co-signs.")
    },
    approve_conditions: "Conditions (may be empty)",
    reject: "Reject",
    reject_label: "Reason (the resident sees this)",
    co_sign: "Co-sign",
    co_sign_hint: |amount| {
        format!("You co-sign for {amount}. The money is then committed from the fund.")
    },
    cancel: "Cancel and return the money to the fund",
    cancel_label: "Reason",
    payout_title: "Payout by bank transfer",
    payout_reference: "Reference of the transfer",
    payout_date: "Date of the transfer",
    payout_submit: "Record the payout",
    payout_done: |reference, date| format!("Paid out on {date}, reference {reference}."),
    nothing_to_decide: "There is nothing to decide now.",
    message_label: "Message to the resident",
    notice_step_done: "Done. The resident is told.",
    notice_coach_told: "Done. The coach who approved it is told.",
    cosign_waiting: |d| {
        if d == 1 {
            "Waiting 1 day for a second signature.".into()
        } else {
            format!("Waiting {d} days for a second signature.")
        }
    },
    cosign_late: |days| format!("Longer than {days} days: co-sign or ask someone else."),
    cosign_waiting_title: "Waiting for a second signature",
    cosign_waiting_empty: "Nothing is waiting for a second signature.",
    cosign_summary_title: "What you sign",
    no_conditions: "none",
    decline_cosign: "Decline to co-sign",
    decline_cosign_label: "Why do you not co-sign?",
    decline_cosign_hint: "The initiative goes back to the coach who approved it. They read your reason.",
    cosign_question: "Ask the coach a question",
    cosign_question_label: "Your question",
    cosign_question_hint: "The coach who approved it gets your question. The initiative keeps waiting for your signature.",
    release: "Give back to the queue",
    release_hint: "Another coach can then pick it up. The resident is told.",
    reassign: "Hand to another coach",
    reassign_label: "New coach",
    reassign_hint: "Only coaches of this neighbourhood who are not on the initiative's team.",
    errors: [
        (
            "fund_exhausted",
            "The fund is exhausted: there is not enough money left for this amount.",
        ),
        (
            "amount_above_asked",
            "You cannot approve more than was asked.",
        ),
        ("reason_missing", "Write down why. The resident sees this."),
        (
            "reason_too_long",
            "This is too long (at most 2000 characters).",
        ),
        (
            "reference_length",
            "Give the reference of the transfer (at most 100 characters).",
        ),
        ("date_in_future", "This date is in the future."),
        (
            "decline_reason_missing",
            "Write down why you do not co-sign. The coach reads this.",
        ),
        ("question_missing", "Write down your question."),
        ("coach_missing", "Choose a coach."),
        (
            "coach_on_team",
            "This coach is on the initiative's team. Choose someone else.",
        ),
        (
            "coach_not_of_neighbourhood",
            "This person is not a coach of this neighbourhood. Choose someone else.",
        ),
        ("coach_same", "This coach already has the initiative."),
    ],
};
