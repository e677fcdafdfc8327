//! What the pages say, in Dutch (the default) or English, and dates and numbers in the
//! style of each: `1 december 2026` and `01-12-2026`, `1.234,5` in Dutch. The Dutch text is
//! the key; a text without an English entry is shown in Dutch.

use chrono::{Datelike, NaiveDate};
use leerrecht_app::uitvoer::{MAANDEN_EN, MAANDEN_NL};

/// The language of a page, chosen with the switch and remembered in a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Taal {
    #[default]
    Nl,
    En,
}

/// The cookie that remembers the language.
pub const TAAL_COOKIE: &str = "leerrecht_taal";

impl Taal {
    pub fn code(&self) -> &'static str {
        match self {
            Taal::Nl => "nl",
            Taal::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Taal> {
        match s {
            "nl" => Some(Taal::Nl),
            "en" => Some(Taal::En),
            _ => None,
        }
    }

    /// The other language, for the switch.
    pub fn ander(&self) -> Taal {
        match self {
            Taal::Nl => Taal::En,
            Taal::En => Taal::Nl,
        }
    }

    /// The name of this language in itself.
    pub fn naam(&self) -> &'static str {
        match self {
            Taal::Nl => "Nederlands",
            Taal::En => "English",
        }
    }

    /// A text of the pages in this language.
    pub fn s(&self, nl: &'static str) -> &'static str {
        match self {
            Taal::Nl => nl,
            Taal::En => en(nl),
        }
    }

    /// `1 december 2026`.
    pub fn datum(&self, d: &NaiveDate) -> String {
        let m = d.month0() as usize;
        match self {
            Taal::Nl => format!("{} {} {}", d.day(), MAANDEN_NL[m], d.year()),
            Taal::En => format!("{} {} {}", d.day(), MAANDEN_EN[m], d.year()),
        }
    }

    /// `01-12-2026`.
    pub fn datum_kort(&self, d: &NaiveDate) -> String {
        d.format("%d-%m-%Y").to_string()
    }

    /// The month's name.
    pub fn maand(&self, m0: usize) -> &'static str {
        match self {
            Taal::Nl => MAANDEN_NL[m0 % 12],
            Taal::En => MAANDEN_EN[m0 % 12],
        }
    }

    /// A whole number with thousands separated: `12.345` in Dutch, `12,345` in English.
    pub fn getal(&self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Taal::Nl => '.',
            Taal::En => ',',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 {
            format!("−{out}")
        } else {
            out
        }
    }
}

/// A label without its explanation in brackets, for a table cell.
pub fn kort(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label)
}

/// The English of a Dutch text of the pages.
fn en(nl: &'static str) -> &'static str {
    if let Some(e) = super::woorden::en(nl) {
        return e;
    }
    if let Some(e) = super::invoer::en(nl) {
        return e;
    }
    match nl {
        "Naar de inhoud" => "Skip to content",
        "Verzuim en thuiszitters in beeld" => "Absence and young people out of school, in view",
        "Hoofdmenu" => "Main menu",
        "Kruimelpad" => "Breadcrumbs",
        "Werklijst" => "Worklist",
        "Zoeken" => "Search",
        "Thuiszitters" => "Young people out of school",
        "Rapportages" => "Reports",
        "Beheer" => "Administration",
        "Uitloggen" => "Log out",
        "Inloggen" => "Log in",
        "Ingelogd als" => "Logged in as",
        "Taal" => "Language",
        "Gebruikersnaam" => "Username",
        "Wachtwoord" => "Password",
        "Code uit uw authenticator-app" => "Code from your authenticator app",
        "Tweede factor instellen" => "Set up your second factor",
        "Uw nieuwe tweede factor" => "Your new second factor",
        "De beheerder heeft voor uw account een nieuwe tweede factor aangevraagd. Voeg deze sleutel toe aan uw authenticator-app (alleen u ziet hem) en log daarna opnieuw in met uw wachtwoord en de eerste code uit de app." => {
            "The administrator asked for a new second factor for your account. Add this key to your authenticator app (only you see it), then log in again with your password and the first code from the app."
        }
        "Sleutel" => "Key",
        "Of als adres voor de app" => "Or as an address for the app",
        "de code klopt niet; probeer de volgende code" => {
            "the code is not right; try the next code"
        }
        "Tweede factor aangevraagd: de gebruiker stelt die in bij de volgende inlog." => {
            "Second factor asked for: the user sets it up at their next login."
        }
        "Zes cijfers; nodig voor rollen die personen zien en voor beheer." => {
            "Six digits; needed for roles that see persons and for administrators."
        }
        "Inloggen is niet gelukt" => "Logging in did not succeed",
        "Inloggen via uw organisatie" => "Log in through your organisation",
        "Ouders en verzorgers" => "Parents and guardians",
        "Er zijn geen ouders of verzorgers bekend." => "No parents or guardians are known.",
        "Verwijderen" => "Remove",
        "Ouder of verzorger toevoegen" => "Add a parent or guardian",
        "Straat" => "Street",
        "Huisnummer" => "House number",
        "Postcode" => "Postcode",
        "Woonplaats" => "Town",
        "kies een relatie" => "choose a relation",
        "geen postcode: schrijf vier cijfers en twee letters, zoals 2011 AB" => {
            "not a postcode: write four digits and two letters, like 2011 AB"
        }
        "geen e-mailadres" => "not an e-mail address",
        "Relatie" => "Relation",
        "Adres" => "Address",
        "Telefoon" => "Telephone",
        "ouder" => "parent",
        "voogd" => "guardian",
        "verzorger" => "carer",
        "pleegouder" => "foster parent",
        "Via organisatie" => "Through organisation",
        "U bent aangemeld bij uw organisatie. Uw rol vraagt ook de code uit uw authenticator-app." => {
            "You are signed in at your organisation. Your role also asks for the code from your authenticator app."
        }
        "U bent ingelogd" => "You are logged in",
        "Verder naar leerrecht" => "On to leerrecht",
        "U bent uitgelogd" => "You are logged out",
        "Ook uitloggen bij uw organisatie" => "Log out at your organisation too",
        "deze code is al gebruikt; wacht op de volgende code uit uw authenticator-app" => {
            "this code was used before; wait for the next code from your authenticator app"
        }
        "de identiteitsaanbieder is nu niet bereikbaar; probeer het later opnieuw" => {
            "the identity provider cannot be reached now; try again later"
        }
        "de identiteitsaanbieder heeft de aanmelding niet gegeven; probeer het opnieuw" => {
            "the identity provider did not sign you in; try again"
        }
        "deze inlogpoging is verlopen, al gebruikt of in een andere browser begonnen; begin opnieuw" => {
            "this login has expired, was used before or was started in another browser; start again"
        }
        "de identiteitsaanbieder gaf geen geldige aanmelding; begin opnieuw of neem contact op met uw beheerder" => {
            "the identity provider gave no valid sign-in; start again or contact your administrator"
        }
        "er is geen actief account voor deze aanmelding; neem contact op met uw beheerder" => {
            "there is no active account for this sign-in; contact your administrator"
        }
        "dit account is gekoppeld aan een andere aanmelding bij de identiteitsaanbieder; neem contact op met uw beheerder" => {
            "this account is linked to another sign-in at the identity provider; contact your administrator"
        }
        "uw rol vraagt een tweede factor, en uw account heeft er geen; neem contact op met uw beheerder" => {
            "your role asks for a second factor, and your account has none; contact your administrator"
        }
        "Nieuw wachtwoord kiezen" => "Choose a new password",
        "Nieuw wachtwoord" => "New password",
        "Uw eigen wachtwoord" => "Your own password",
        "Uw wachtwoord is door de beheerder ingesteld. Kies een eigen wachtwoord dat alleen u kent, en log in met het wachtwoord van de beheerder, een nieuwe code uit uw authenticator-app en uw nieuwe wachtwoord." => {
            "Your password was set by the administrator. Choose a password of your own that only you know, and log in with the administrator's password, a new code from your authenticator app and your new password."
        }
        "Minstens 12 tekens, niet uw gebruikersnaam; een zin van een paar woorden werkt goed." => {
            "At least 12 characters, not your username; a sentence of a few words works well."
        }
        "kies eerst een nieuw wachtwoord: dit wachtwoord is door de beheerder ingesteld" => {
            "choose a new password first: this password was set by the administrator"
        }
        "onjuiste gebruikersnaam, wachtwoord of code" => "wrong username, password or code",
        "tweede factor nodig: voer de code uit uw authenticator-app in" => {
            "second factor needed: enter the code from your authenticator app"
        }
        "account tijdelijk geblokkeerd na te veel mislukte pogingen; probeer het later" => {
            "account locked for a while after too many failed attempts; try again later"
        }
        "te veel inlogpogingen vanaf dit adres; probeer het over een minuut opnieuw" => {
            "too many login attempts from this address; try again in a minute"
        }
        "Startpagina" => "Home",
        "Peildatum" => "Reference date",
        "Aantallen" => "Counts",
        "Soort" => "Kind",
        "Naam" => "Name",
        "Datum" => "Date",
        "Wat" => "What",
        "Termijn" => "Deadline",
        "te laat" => "overdue",
        "op tijd" => "on time",
        "Niets te doen." => "Nothing to do.",
        "Wat vandaag aandacht vraagt, het urgentst eerst." => {
            "What needs attention today, most urgent first."
        }
        "Conceptmelding bevestigen" => "Confirm a draft report",
        "Melding in behandeling nemen" => "Take on an absence report",
        "Signaal" => "Signal",
        "MAZL-verwijzing" => "MAZL referral",
        "Aanbod binnenkort nodig" => "Offer due soon",
        "Aanbod te laat" => "Offer overdue",
        "Escalatie" => "Escalation",
        "Vrijstelling loopt af" => "Exemption ending",
        "Overig" => "Other",
        "Thuiszittende leerling (ingeschreven, langer dan 4 weken ongeoorloofd afwezig)" => {
            "Pupil out of school (enrolled, unauthorised absent for more than 4 weeks)"
        }
        "Absoluut verzuim (nergens ingeschreven, geen vrijstelling)" => {
            "Absolute absence (not enrolled anywhere, no exemption)"
        }
        "Dreigende thuiszittende leerling" => "Pupil at risk of being out of school",
        "Langdurig ziek" => "Long-term sick",
        "Leerling met nazorg" => "Pupil in aftercare",
        "Psychiatrische/psychische problematiek" => "Psychiatric or psychological problems",
        "Psychische problematiek en problematische thuissituatie" => {
            "Psychological problems and a difficult home situation"
        }
        "Fysiek ziek" => "Physically ill",
        "Problematische thuissituatie" => "Difficult home situation",
        "Complexe, meervoudige problematiek" => "Complex, multiple problems",
        "Gedragsproblematiek" => "Behavioural problems",
        "Onbekend" => "Unknown",
        "Nummer" => "Number",
        "Laatst" => "Last",
        "Keer" => "Times",
        "onderwijsnummer" => "education number",
        "melding" => "report",
        "thuiszittend" => "out of school",
        "absoluut_verzuim" => "absolute absence",
        "dreigend_thuiszittend" => "at risk of being out of school",
        "langdurig_ziek" => "long-term sick",
        "nazorg" => "aftercare",
        "onderwijs" => "education",
        "onderwijs_zorgarrangement" => "education and care arrangement",
        "zorg" => "care",
        "jeugdhulp" => "youth care",
        "dagbesteding" => "day activities",
        "werk_leerwerktraject" => "work or work-study programme",
        "Zoek een jongere" => "Find a young person",
        "Achternaam of voornaam" => "Surname or first name",
        "Geboortedatum" => "Date of birth",
        "Als DD-MM-JJJJ, bijvoorbeeld 01-12-2012." => "As DD-MM-YYYY, for example 01-12-2012.",
        "BSN of onderwijsnummer" => "BSN or education number",
        "Negen cijfers. Wordt niet in de adresbalk gezet." => {
            "Nine digits. Never put in the address bar."
        }
        "Resultaten" => "Results",
        "Geen jongeren gevonden die u mag zien." => "No young people found that you may see.",
        "Leeftijd" => "Age",
        "Plicht" => "Duty",
        "School" => "School",
        "Scholen" => "Schools",
        "Gemeente" => "Municipality",
        "leerplichtig" => "of compulsory school age",
        "kwalificatieplichtig" => "under the qualification duty",
        "geen" => "none",
        "jaar" => "years",
        "Dossier" => "File",
        "Verzuim" => "Absence",
        "Verzuim in schooljaar" => "Absence in school year",
        "Vorig schooljaar" => "Previous school year",
        "Volgend schooljaar" => "Next school year",
        "Minuten verzuim per maand" => "Minutes of absence per month",
        "Maand" => "Month",
        "ongeoorloofd" => "unauthorised",
        "luxe" => "luxury absence",
        "te_laat" => "late",
        "ziek" => "sick",
        "geoorloofd" => "authorised",
        "Geen verzuim in dit schooljaar." => "No absence in this school year.",
        "Verzuimgegevens zijn alleen in te zien bij een bevestigde melding, een open zaak of een registratie op de thuiszitterslijst (doelbinding). In een noodgeval kunt u noodtoegang vragen." => "Absence details can only be seen with a confirmed melding, an open case or a registration on the thuiszitters list (purpose limitation). In an emergency you can ask for emergency access.",
        "Signalen" => "Signals",
        "Regel" => "Rule",
        "Meldingen" => "Absence reports",
        "Status" => "Status",
        "Uren" => "Hours",
        "Dagen" => "Days",
        "Registraties" => "Registrations",
        "Categorie" => "Category",
        "Hoofdoorzaak" => "Main cause",
        "Van" => "From",
        "Tot" => "Until",
        "Zaken" => "Cases",
        "Zaak" => "Case",
        "Aanbod" => "Offers",
        "Aanbieder" => "Provider",
        "Aangeboden" => "Offered",
        "Gestart" => "Started",
        "Escalaties" => "Escalations",
        "Niveau" => "Level",
        "Geïnformeerd" => "Informed",
        "Overleggen" => "Case meetings",
        "Team" => "Team",
        "Besluiten" => "Decisions",
        "Vervolg" => "Follow-up",
        "Vrijstellingen" => "Exemptions",
        "Artikel" => "Article",
        "Reden" => "Reason",
        "Gebeurtenissen" => "Events",
        "Door" => "By",
        "Wie het dossier inzag" => "Who viewed the file",
        "Tijd" => "Time",
        "Organisatie" => "Organisation",
        "Actie" => "Action",
        "Doel" => "Purpose",
        "Toegestaan" => "Allowed",
        "ja" => "yes",
        "nee" => "no",
        "Geen." => "None.",
        "Driemaandentermijn" => "Three-month deadline",
        "Thuiszittend sinds" => "Out of school since",
        "Aanbod uiterlijk" => "Offer due by",
        "dagen te laat" => "days overdue",
        "Vastleggen" => "Save",
        "Melding indienen" => "File an absence report",
        "Verzuimsoort" => "Kind of absence",
        "Begindatum" => "Start date",
        "Einddatum" => "End date",
        "Vermoedelijke reden" => "Suspected reason",
        "Wat de school al deed" => "What the school already did",
        "Contactpersoon" => "Contact person",
        "Gemeente moet handelen" => "Municipality should act",
        "Alle lessen gemist" => "All lessons missed",
        "Indienen" => "File",
        "Bevestigen" => "Confirm",
        "Intrekken" => "Withdraw",
        "Reden van intrekken" => "Reason for withdrawing",
        "kies een reden" => "choose a reason",
        "Melding intrekken" => "Withdraw melding",
        "Achteraf geoorloofd" => "Authorised afterwards",
        "Ziek, achteraf gemeld" => "Sick, reported afterwards",
        "Administratieve fout" => "Administrative error",
        "Status wijzigen" => "Change status",
        "Nieuwe status" => "New status",
        "Afsluitreden" => "Reason for closing",
        "alleen bij afgesloten" => "only when closing",
        "Registratie wijzigen" => "Change registration",
        "Vanaf" => "From",
        "(registratie beëindigen)" => "(end the registration)",
        "Aanbod vastleggen" => "Record an offer",
        "Soort aanbod" => "Kind of offer",
        "Overleg vastleggen" => "Record a case meeting",
        "Vrijstelling vastleggen" => "Record an exemption",
        "Absoluut verzuim" => "Absolute absence",
        "Registratie thuiszittend voorgesteld" => "Registration as home-sitter proposed",
        "Vrijstelling jaarlijks verlengen" => "Renew exemption (yearly)",
        "Vrijstelling zonder passend aanbod" => "Exemption without a suitable offer",
        "Datum verklaring (5 sub a)" => "Date of the statement (5 sub a)",
        "Verklaring door" => "Statement by",
        "arts" => "doctor",
        "psycholoog" => "psychologist",
        "pedagoog" => "pedagogue",
        "Omdat er geen passend aanbod is" => "Because no suitable offer exists",
        "Escaleren" => "Escalate",
        "Partners" => "Partners",
        "Partner toevoegen" => "Add a partner",
        "Partner verwijderen" => "Remove partner",
        "Geen partners." => "No partners.",
        "Wie geïnformeerd is" => "Who was informed",
        "Eén per regel." => "One per line.",
        "Plan, ouders en afsluiting" => "Plan, parents and closing",
        "Gezamenlijk plan" => "Joint plan",
        "Onderdelen" => "Parts",
        "Omschrijving" => "Description",
        "Betrokkenheid van de ouders" => "How the parents were involved",
        "Hoe" => "How",
        "Gesloten zaken" => "Closed cases",
        "Gesloten" => "Closed",
        "Plan vastleggen" => "Record the joint plan",
        "Nieuwe thuiszitterszaak" => "New out-of-school case",
        "Betrokkenheid ouders vastleggen" => "Record the parents' involvement",
        "Hoe de ouders betrokken zijn" => "How the parents were involved",
        "Zaak sluiten" => "Close a case",
        "Verplicht bij de reden Overig." => "Required with the reason Other.",
        "Aanbod gestart" => "Offer started",
        "Terug naar school" => "Back in school",
        "Verhuisd" => "Moved away",
        "Vrijstelling" => "Exemption",
        "18 jaar zonder plicht" => "18 without a duty",
        "Medische notities" => "Medical notes",
        "Alleen zichtbaar voor de jeugdarts." => "Visible to the youth doctor only.",
        "Notitie" => "Note",
        "Medische notitie schrijven" => "Write a medical note",
        "Gespreksverslagen en notities" => "Reports of talks and notes",
        "Uitkomst HALT of proces-verbaal" => "Outcome of HALT or an official report",
        "Zaak overgedragen na verhuizing" => "Case handed over after a move",
        "Handhaving" => "Enforcement",
        "HALT en proces-verbaal" => "HALT and official reports",
        "wacht op uitkomst" => "waiting for its outcome",
        "Handhaving vastleggen" => "Record enforcement",
        "Sanctie (bij een beslissing van het OM)" => "Sanction (with a decision of the prosecutor)",
        "Verwezen naar HALT" => "Referred to HALT",
        "HALT-afdoening afgerond" => "HALT completed",
        "HALT-afdoening niet afgerond" => "HALT not completed",
        "Proces-verbaal art. 2 (de ouders)" => "Official report art. 2 (the parents)",
        "Proces-verbaal art. 4 (de jongere)" => "Official report art. 4 (the young person)",
        "Beslissing OM: sepot" => "Prosecutor's decision: dismissed",
        "Beslissing OM: strafbeschikking" => "Prosecutor's decision: punishment order",
        "Beslissing OM: dagvaarding" => "Prosecutor's decision: to court",
        "afgerond op" => "completed on",
        "niet afgerond op" => "not completed on",
        "Proces-verbaal" => "Official report",
        "art. 2 Leerplichtwet (de ouders)" => "art. 2 Leerplichtwet (the parents)",
        "art. 4 Leerplichtwet (de jongere)" => "art. 4 Leerplichtwet (the young person)",
        "Sepot" => "Dismissed",
        "Strafbeschikking" => "Punishment order",
        "Dagvaarding" => "To court",
        "Brieven" => "Letters",
        "De teksten van de brieven" => "The texts of the letters",
        "De teksten van de brieven die leerplicht bij een zaak maakt. Een gemeente kan een eigen tekst hebben; anders geldt de tekst voor alle gemeenten, en anders de standaardtekst. Velden tussen dubbele accolades vult leerrecht in." => {
            "The texts of the letters leerplicht makes on a case. A gemeente may have a text of its own; else the text for all gemeenten holds, and else the built-in text. leerrecht fills in the fields between double braces."
        }
        "Alle gemeenten" => "All gemeenten",
        "Tonen" => "Show",
        "Tekst" => "Text",
        "Opslaan" => "Save",
        "Velden" => "Fields",
        "Veld" => "Field",
        "Wat erin komt" => "What it holds",
        "standaardtekst van leerrecht" => "leerrecht's built-in text",
        "eigen tekst van deze gemeente" => "this gemeente's own text",
        "tekst voor alle gemeenten" => "the text for all gemeenten",
        "Brief" => "Letter",
        "Brief maken" => "Make a letter",
        "Gemaakt" => "Made",
        "Aan" => "To",
        "Er komt één brief per adres van de ouders en verzorgers; de bevestiging van een melding gaat naar de school." => {
            "One letter is made per address of the parents and guardians; the confirmation of a melding goes to the school."
        }
        "Uitnodiging verzuimgesprek" => "Invitation to a talk about absence",
        "Waarschuwing" => "Warning",
        "Oproep" => "Summons",
        "Bevestiging melding (aan de school)" => "Confirmation of a melding (to the school)",
        "Besluit vrijstelling" => "Decision on an exemption",
        "Gespreksverslag of notitie schrijven" => "Write a report of a talk or a note",
        "Gespreksverslag" => "Report of a talk",
        "Wie mag lezen" => "Who may read",
        "Iedereen die de zaak ziet" => "Everyone who sees the case",
        "Alleen leerplicht" => "Leerplicht only",
        "Datum van het gesprek" => "Date of the talk",
        "Verslag of notitie" => "Report or note",
        "Medische gegevens horen niet in een zaak: die legt de jeugdarts vast in de medische notities." => {
            "Medical data do not belong in a case: the youth doctor records them in the medical notes."
        }
        "Noodtoegang" => "Emergency access",
        "Alleen in een noodgeval: u krijgt toegang tot een jongere buiten uw doelgroep. Uw reden en alles wat u daarna inziet of wijzigt, komen gemarkeerd in het logboek." => {
            "Only in an emergency: you get access to a young person outside your group. Your \
             reason and everything you view or change afterwards are flagged in the audit log."
        }
        "Schrijf op waarom u deze jongere nu moet zien (minstens zoveel tekens):" => {
            "Write down why you must see this young person now (at least this many characters):"
        }
        "Hoe lang" => "For how long",
        "uur" => "hours",
        "Noodtoegang aanvragen" => "Request emergency access",
        "Noodtoegang: een jongere buiten uw doelgroep inzien" => {
            "Emergency access: view a young person outside your group"
        }
        "Vastgelegd." => "Saved.",
        "Melding ingediend." => "Report filed.",
        "Er ging iets mis" => "Something went wrong",
        "Tijdelijk niet beschikbaar" => "Temporarily unavailable",
        "leerrecht kan de gegevens nu even niet bereiken. Probeer het over een minuut opnieuw; wat u invulde is niet vastgelegd." => "leerrecht cannot reach its data for a moment. Please try again in a minute; what you entered was not recorded.",
        "Controleer het formulier" => "Check the form",
        "Geen toegang" => "No access",
        "Niet gevonden" => "Not found",
        "U mag deze pagina of deze jongere niet zien." => {
            "You may not see this page or this young person."
        }
        "Deze pagina of jongere bestaat niet, of u mag hem niet zien." => {
            "This page or young person does not exist, or you may not see it."
        }
        "Sessie verlopen: log opnieuw in." => "Session expired: log in again.",
        "Het formulier is verlopen: probeer het opnieuw." => "The form expired: try again.",
        "Zoekvraag te lang: een naam heeft hoogstens 200 tekens." => {
            "Search too long: a name has at most 200 characters."
        }
        "Inloggen geweigerd: het formulier kwam niet van deze site. Open de inlogpagina opnieuw." => {
            "Login refused: the form did not come from this site. Open the login page again."
        }
        "Filters" => "Filters",
        "Alle" => "All",
        "Alleen te laat" => "Overdue only",
        "Toon" => "Show",
        "jongeren" => "young people",
        "Downloaden" => "Download",
        "Printbare pagina (HTML)" => "Printable page (HTML)",
        "Toelichting" => "Notes",
        "Schooljaar" => "School year",
        "Basisjaar" => "Baseline year",
        "Reductie (%)" => "Reduction (%)",
        "Datums" => "Dates",
        "Gescheiden door komma's." => "Separated by commas.",
        "Alleen voor publicatie (<5)" => "For publication only (<5)",
        "Bekijken" => "View",
        "Peildatumtabel" => "Reference-date table",
        "Oorzaken" => "Causes",
        "Schooljaarcijfers" => "School-year figures",
        "Doelen" => "Targets",
        "Driemaanden-KPI" => "Three-month KPI",
        "Leerplichttelling" => "Compulsory education count",
        "Inspectie-overzicht" => "Inspectorate overview",
        "Geregistreerden per categorie op peildata." => {
            "Registered persons per category on reference dates."
        }
        "Geregistreerden per hoofdoorzaak op een datum." => {
            "Registered persons per main cause on a date."
        }
        "Unieke thuiszitters en verzuimers per gebied in een schooljaar." => {
            "Unique out-of-school young people and absentees per area in a school year."
        }
        "Basis, doel en werkelijk aantal per gebied." => "Baseline, target and actual per area.",
        "Aanbod binnen drie maanden, mediaan, te laat." => {
            "Offer within three months, median, overdue."
        }
        "Absoluut en langdurig relatief verzuim, vrijstellingen." => {
            "Absolute and long-term relative absence, exemptions."
        }
        "Thuiszitters per samenwerkingsverband." => "Out-of-school young people per SWV.",
        "Organisaties" => "Organisations",
        "Gebruikers" => "Users",
        "Kalender" => "Calendar",
        "Regels" => "Rules",
        "Code" => "Code",
        "Regio" => "Sub-region",
        "Bedient" => "Serves",
        "Rol" => "Role",
        "Actief" => "Active",
        "Tweede factor" => "Second factor",
        "Geblokkeerd" => "Locked",
        "Vakantie of vrije dag" => "Holiday or day off",
        "alle scholen" => "all schools",
        "Geldig vanaf" => "Valid from",
        "Dagelijkse taken" => "Daily jobs",
        "Overzichten per e-mail" => "Digests by e-mail",
        "E-mail" => "E-mail",
        "Wachtend" => "Waiting",
        "Waarvan mislukt" => "Of which failed",
        "Verzonden" => "Sent",
        "Laatste fout bij verzenden" => "Last failure to send",
        "Taak" => "Job",
        "Laatst gestart" => "Last started",
        "Duur" => "Duration",
        "Uitkomst" => "Outcome",
        "Signalen bijwerken" => "Bringing signals up to date",
        "Bewaartermijn" => "Retention purge",
        "nog niet" => "not yet",
        "bezig" => "running",
        "gelukt" => "succeeded",
        "mislukt" => "failed",
        "Drempels" => "Thresholds",
        "Organisaties, kalender en regels wijzigen gaat met de importbestanden en leerrecht.toml." => {
            "Organisations, the calendar and the rules change through the import files and leerrecht.toml."
        }
        "Nieuw TOTP-geheim voor" => "New TOTP secret for",
        "eenmalig getoond" => "shown once",
        "Uitschakelen" => "Disable",
        "Nieuwe tweede factor" => "New second factor",
        "Noodtoegang: u bekijkt dit dossier buiten uw doelgroep." => {
            "Emergency access: you are viewing this file outside your scope."
        }
        "Open zaak" => "Open case",
        "geopend" => "opened",
        "gesloten" => "closed",
        "verzuim" => "absence",
        "thuiszitter" => "out of school",
        "vrijstelling" => "exemption",
        "rmc" => "RMC (early school leaver)",
        "RMC" => "RMC",
        "RMC-lijst" => "RMC list",
        "Jongeren van 18 tot 23 jaar zonder startkwalificatie die nergens zijn ingeschreven, in de gemeenten van uw bureau. Open het dossier om een RMC-zaak te openen of een contactpoging vast te leggen." => {
            "Young people of 18 to 23 without a startkwalificatie (basic qualification) who are enrolled nowhere, in your bureau's gemeenten. Open the file to open an RMC case or record a contact attempt."
        }
        "Voortijdig schoolverlaters" => "Early school leavers",
        "Op de lijst sinds" => "On the list since",
        "Laatste school" => "Last school",
        "RMC-zaak" => "RMC case",
        "contactpogingen" => "contact attempts",
        "contactpoging" => "contact attempt",
        "bereikt" => "reached",
        "niet bereikt" => "not reached",
        "geen zaak" => "no case",
        "RMC: contact met de jongere" => "RMC: contact with the young person",
        "Nog geen contactpogingen." => "No contact attempts yet.",
        "Contactpogingen" => "Contact attempts",
        "Contactpoging vastleggen" => "Record a contact attempt",
        "De jongere is bereikt" => "The young person was reached",
        "RMC-zaak openen" => "Open an RMC case",
        "Voor een jongere van 18 tot 23 jaar zonder startkwalificatie die nergens is ingeschreven." => {
            "For a young person of 18 to 23 without a startkwalificatie who is enrolled nowhere."
        }
        "kies een open RMC-zaak" => "choose an open RMC case",
        "kies hoe er contact is gezocht" => "choose how contact was sought",
        "Huisbezoek" => "Home visit",
        "Gesprek" => "Talk",
        "Aan het werk" => "At work",
        "In zorg" => "In care",
        "Niet bereikbaar" => "Not reachable",
        "RMC-cijfers" => "RMC figures",
        "Nieuwe voortijdig schoolverlaters van 18 tot 23 jaar per gemeente, bereikt en teruggeleid." => {
            "New early school leavers of 18 to 23 per gemeente, reached and back in education."
        }
        "RMC-zaak: uitkomst nodig" => "RMC case: outcome needed",
        "Zaak overgedragen aan een ander bureau" => "Case handed over to another bureau",
        "Inschrijvingen" => "Enrolments",
        "Inlezen" => "Read in",
        "Bestand inlezen" => "Read in a file",
        "Jongeren" => "Young people",
        "Registraties (thuiszitterslijst)" => "Registrations (out-of-school list)",
        "Voortgang" => "Progress",
        "Stand bijwerken" => "Update the progress",
        "Controle" => "Check",
        "Nieuw" => "New",
        "Gewijzigd" => "Changed",
        "Ongewijzigd" => "Unchanged",
        "Gelezen als" => "Read as",
        "Fouten" => "Errors",
        "Kolom" => "Column",
        "Nu inlezen" => "Read it in now",
        "Nog een bestand inlezen" => "Read in another file",
        "Bestand" => "File",
        "Controleren" => "Check",
        "Soort bestand" => "Kind of file",
        "Ingelezen" => "Read in",
        "Ingelezen." => "Read in.",
        "Niet gelukt:" => "Failed:",
        "Niet ingelezen: er is niets geschreven." => "Not read in: nothing was written.",
        "Het bestand wordt gecontroleerd; er wordt nog niets ingelezen." => {
            "The file is being checked; nothing is read in yet."
        }
        "Het bestand wordt ingelezen." => "The file is being read in.",
        "Gecontroleerd: er is niets fout. Er is nog niets ingelezen." => {
            "Checked: nothing is wrong. Nothing has been read in yet."
        }
        "Gecontroleerd: er zijn fouten, dus er wordt niets ingelezen. Verbeter het bestand en lees het opnieuw in." => {
            "Checked: there are errors, so nothing is read in. Correct the file and read it in again."
        }
        "Kies wat voor bestand het is en het bestand zelf: CSV (UTF-8 of zoals Excel het opslaat) of een Excel-werkmap (.xlsx, het eerste blad). leerrecht controleert eerst het hele bestand en laat zien wat het zou inlezen en wat er fout is; pas daarna leest u het in. Een import is alles of niets." => {
            "Choose the kind of file and the file itself: CSV (UTF-8 or as Excel saves it) or an Excel workbook (.xlsx, its first sheet). leerrecht first checks the whole file and shows what it would read in and what is wrong; only then do you read it in. An import is all or nothing."
        }
        "het bestand kwam niet goed aan" => "the file did not arrive whole",
        "kies een bestand" => "choose a file",
        "kies wat voor bestand het is" => "choose the kind of file",
        "dit bestand kan nu niet worden ingelezen" => "this file cannot be read in now",
        "Sector" => "Sector",
        "Dit zijn de cijfers; personen ziet uw rol niet." => {
            "These are the figures; your role sees no persons."
        }
        "Er is een nieuwe code nodig bij elke inlog; een code werkt één keer." => {
            "Each login needs a new code; a code works once."
        }
        _ => nl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_dates_and_numbers() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(Taal::Nl.datum(&d), "1 december 2026");
        assert_eq!(Taal::Nl.datum_kort(&d), "01-12-2026");
        assert_eq!(Taal::En.datum(&d), "1 December 2026");
        assert_eq!(Taal::Nl.getal(1_234_567), "1.234.567");
        assert_eq!(Taal::En.getal(1_234), "1,234");
        assert_eq!(Taal::Nl.getal(999), "999");
        assert_eq!(Taal::Nl.s("Werklijst"), "Werklijst");
        assert_eq!(Taal::En.s("Werklijst"), "Worklist");
    }
}
