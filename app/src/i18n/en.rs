//! English, complete.

use super::Texts;

pub(super) static TEXTS: Texts = Texts {
    lang_name: "English",
    site_name: "Buurtfonds",
    tagline: "Money for ideas from the neighbourhood",
    skip_to_content: "Skip to content",
    main_navigation: "Main menu",
    menu: "Menu",
    nav_home: "Home",
    nav_initiatives: "Initiatives",
    nav_propose: "Propose an idea",
    nav_sign_in: "Sign in",
    switch_language_label: "Lees in het Nederlands",
    hero_title: "Got an idea for your neighbourhood? We help with money.",
    hero_text: "Want to follow a course or organise something in your neighbourhood? Tell us who helps and what you bring yourself. A neighbourhood coach looks at it with you and decides quickly on a grant.",
    start_initiative: "Start an initiative",
    how_title: "How it works",
    how_steps: [
        ("Share your idea", "What do you want to do, for whom, and who helps?"),
        ("Talk to your coach", "One coach asks questions and decides within a few days."),
        ("Get going", "You receive the money and show afterwards what came of it."),
    ],
    recent_title: "Recently funded",
    recent_empty: "No initiatives have been funded yet.",
    recent_error: "The initiatives could not be loaded. Please try again later.",
    loading: "Loading…",
    granted: "Grant",
    funded_on: |date| format!("Funded on {date}"),
    by_name: |name| format!("by {name}"),
    kind_course: "Course",
    kind_activity: "Neighbourhood activity",
    kind_other: "Something else",
    not_found_title: "This page does not exist",
    not_found_text: "The link may be old, or the address may be wrong.",
    back_home: "Back to the home page",
    footer_text: "Buurtfonds shows where every euro goes.",
    mail_verify_subject: "Confirm your e-mail address for Buurtfonds",
    mail_verify_body: |name, link| format!(
        "Hi {name},\n\nWelcome to Buurtfonds! Open this link to confirm your e-mail address:\n\n{link}\n\nThe link works for 48 hours. Did you not sign up? Then you can ignore this e-mail.\n\nBest wishes,\nBuurtfonds\n"
    ),
    mail_exists_subject: "You already have a Buurtfonds account",
    mail_exists_body: |name, link| format!(
        "Hi {name},\n\nSomeone tried to sign up with this e-mail address, but you already have an account. Forgot your password? Choose a new one here:\n\n{link}\n\nWas this not you? Then there is nothing to do.\n\nBest wishes,\nBuurtfonds\n"
    ),
    mail_reset_subject: "A new password for Buurtfonds",
    mail_reset_body: |name, link| format!(
        "Hi {name},\n\nChoose a new password with this link:\n\n{link}\n\nThe link works for one hour, and only once. Did you not ask for this? Then there is nothing to do.\n\nBest wishes,\nBuurtfonds\n"
    ),
};
