//! Dutch, the default. Plain language (B1).

use super::Texts;

pub(super) static TEXTS: Texts = Texts {
    lang_name: "Nederlands",
    site_name: "Buurtfonds",
    tagline: "Geld voor ideeën uit de buurt",
    skip_to_content: "Naar de inhoud",
    main_navigation: "Hoofdmenu",
    menu: "Menu",
    nav_home: "Home",
    nav_initiatives: "Initiatieven",
    nav_propose: "Idee indienen",
    nav_sign_in: "Inloggen",
    switch_language_label: "Read in English",
    hero_title: "Heb je een idee voor je buurt? Wij helpen met geld.",
    hero_text: "Wil je een cursus volgen of iets organiseren in je buurt? Vertel wie er meehelpt en wat je zelf doet. Een buurtcoach kijkt mee en beslist snel over een bijdrage.",
    start_initiative: "Start een initiatief",
    how_title: "Zo werkt het",
    how_steps: [
        ("Vertel je idee", "Wat wil je doen, voor wie, en wie helpt er mee?"),
        ("Praat met je buurtcoach", "Eén vaste coach stelt vragen en beslist binnen een paar dagen."),
        ("Aan de slag", "Je krijgt het geld en laat na afloop zien wat het opleverde."),
    ],
    recent_title: "Net gesteund",
    recent_empty: "Er zijn nog geen gesteunde initiatieven.",
    recent_error: "De initiatieven konden niet worden geladen. Probeer het later nog eens.",
    loading: "Laden…",
    granted: "Bijdrage",
    funded_on: |date| format!("Gesteund op {date}"),
    by_name: |name| format!("door {name}"),
    kind_course: "Cursus",
    kind_activity: "Buurtactiviteit",
    kind_other: "Iets anders",
    not_found_title: "Deze pagina bestaat niet",
    not_found_text: "Misschien is de link oud of klopt het adres niet.",
    back_home: "Terug naar de startpagina",
    footer_text: "Buurtfonds laat zien waar elke euro heen gaat.",
    mail_verify_subject: "Bevestig je e-mailadres voor Buurtfonds",
    mail_verify_body: |name, link| format!(
        "Hoi {name},\n\nWelkom bij Buurtfonds! Klik op deze link om je e-mailadres te bevestigen:\n\n{link}\n\nDe link werkt 48 uur. Heb je je niet aangemeld? Dan kun je deze mail negeren.\n\nGroet,\nBuurtfonds\n"
    ),
    mail_exists_subject: "Je hebt al een account bij Buurtfonds",
    mail_exists_body: |name, link| format!(
        "Hoi {name},\n\nIemand wilde zich aanmelden met dit e-mailadres, maar je hebt al een account. Wachtwoord vergeten? Kies een nieuw wachtwoord via:\n\n{link}\n\nWas jij dit niet? Dan hoef je niets te doen.\n\nGroet,\nBuurtfonds\n"
    ),
    mail_reset_subject: "Nieuw wachtwoord voor Buurtfonds",
    mail_reset_body: |name, link| format!(
        "Hoi {name},\n\nKies een nieuw wachtwoord via deze link:\n\n{link}\n\nDe link werkt één uur en maar één keer. Heb je dit niet gevraagd? Dan hoef je niets te doen.\n\nGroet,\nBuurtfonds\n"
    ),
};
