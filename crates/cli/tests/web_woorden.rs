//! The pages speak to a person, in headless Chromium against the real `leerrecht serve` on
//! the tiny demo region, in SQLite and in PostgreSQL: dates in the page's style and never
//! ISO, words instead of codes (statuses, rules, melding kinds, schools and gemeenten by
//! name), forms that open with the current values and never end a registration by default,
//! a refused date answered next to its field in the page's language with what was typed
//! kept, an offer made late that says how late, a KPI report that says on which date it
//! stands, a reused second-factor code named as such, and pages usable at 390 px. axe-core
//! checks every page.
//!
//! Needs `chromium`, `chromedriver` and axe-core's `axe.min.js` (at `AXE_CORE_JS`), as
//! `web.rs` does; `LEERRECHT_BROWSERTEST=overslaan` skips it when they are missing.

mod support;

use chrono::{Datelike, NaiveDate};
use fantoccini::Locator;
use leerrecht_app::{Actor, App};
use leerrecht_domain::org::Rol;
use serde_json::json;

use support::{
    account_toevoegen, browser_scenario, leerling_met_bureau, on_both_databases, Browser, Demo,
};

const WACHTWOORD: &str = "Correct-Paard-Batterij-Niet";

/// The parts: a school, two officers of the pupil's bureau (a TOTP code works once per
/// account and step), the pupil and the names the pages must show.
struct Opzet {
    school: (String, String),
    leerplicht: (String, String),
    leerplicht2: (String, String),
    leerplicht3: (String, String),
    id: String,
    naam: String,
    achternaam: String,
    geboren: String,
    school_naam: String,
    school_code: String,
    gemeente_naam: String,
    gemeente_code: String,
    /// The demo's administrator: name, password, TOTP secret.
    beheer: (String, String, String),
}

fn opzet(db: &str) -> Opzet {
    let beheer = Demo::new(db.to_string(), None).account_owned("beheer");
    let app = App::new(leerrecht_store::open(db).expect("open the demo"));
    let op = Actor::local_operator();
    let orgs = app.organisaties(&op).unwrap();
    let (j, bureau) = leerling_met_bureau(&app);
    let leerling = j.leerling;
    let school = j.school.as_ref().expect("enrolled").as_str().to_string();
    let bureau = bureau.code.as_str().to_string();
    let gemeente = j.gemeente.as_str().to_string();
    let naam = format!("{} {}", j.voornamen, j.achternaam);
    let achternaam = j.achternaam.clone();
    let geboren = j.geboortedatum.format("%d-%m-%Y").to_string();
    let naam_van = |c: &str| {
        orgs.iter()
            .find(|o| o.code.as_str() == c)
            .map(|o| o.naam.clone())
            .expect("a known organisation")
    };
    let add = |naam: &str, org: &str, rol: Rol| account_toevoegen(&app, naam, org, rol, WACHTWOORD);
    Opzet {
        school: add("woorden.school", &school, Rol::School),
        leerplicht: add("woorden.lp", &bureau, Rol::Leerplicht),
        leerplicht2: add("woorden.lp2", &bureau, Rol::Leerplicht),
        leerplicht3: add("woorden.lp3", &bureau, Rol::Leerplicht),
        id: app.id_van(leerling).unwrap().expect("an id"),
        naam,
        achternaam,
        geboren,
        school_naam: naam_van(&school),
        school_code: school,
        gemeente_naam: naam_van(&gemeente),
        gemeente_code: gemeente,
        beheer,
    }
}

impl Browser {
    /// Logs in with the test's password and the current code; returns the code.
    async fn inloggen(&mut self, (naam, geheim): &(String, String)) -> String {
        self.inloggen_totp(naam, WACHTWOORD, geheim).await
    }

    async fn inloggen_met(&mut self, naam: &str, code: &str) {
        self.inloggen_als(naam, WACHTWOORD, code).await;
    }
}

/// Every page: no ISO date where a person reads (the text of the page, its form values
/// aside).
fn geen_iso_datum(url: &str, tekst: &str) {
    if let Some(iso) = iso_datum(tekst) {
        panic!("an ISO date {iso:?} on {url}:\n{tekst}");
    }
}

/// The first ISO date (`2026-07-20`, standing on its own) in a text.
fn iso_datum(t: &str) -> Option<&str> {
    let b = t.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let vorm = b[i..i + 10].iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let los = (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (i + 10 == b.len() || !b[i + 10].is_ascii_alphanumeric());
        (vorm && los && NaiveDate::parse_from_str(&t[i..i + 10], "%Y-%m-%d").is_ok())
            .then(|| &t[i..i + 10])
    })
}

#[test]
fn iso_dates_are_found_and_school_years_are_not() {
    assert_eq!(iso_datum("thuis sinds 2026-07-20."), Some("2026-07-20"));
    assert_eq!(iso_datum("schooljaar 2025-2026, 20-07-2026"), None);
}

fn scenario(db: String) {
    browser_scenario(db, opzet, in_de_browser);
}

async fn in_de_browser(mut s: Browser, o: Opzet) {
    s.tekstcontrole = Some(geen_iso_datum);
    let vandaag = chrono::Utc::now().date_naive();
    let dossier = format!("/jongeren/{}", o.id);

    // A second-factor code used twice is named as such, not as a wrong password.
    let code = s.inloggen(&o.leerplicht3).await;
    s.uitloggen().await;
    s.inloggen_met(&o.leerplicht3.0, &code).await;
    let fout = s.tekst("#inlog-fout").await;
    assert!(fout.contains("al gebruikt"), "{fout}");
    assert!(!fout.contains("onjuiste"), "{fout}");

    // The school files a melding: its kind and status read as words, its school by name.
    s.inloggen(&o.school).await;
    s.ga(&dossier).await;
    s.kies("#m-soort", "16uur").await;
    s.vul("#m-uren", "16").await;
    s.klik("#melding-form button[type=submit]").await;
    let meldingen = s.tekst("#meldingen").await;
    assert!(
        meldingen.contains("16 uur ongeoorloofd verzuim") && !meldingen.contains("16uur"),
        "{meldingen}"
    );
    assert!(meldingen.contains(&o.school_naam), "{meldingen}");
    assert!(!meldingen.contains(&o.school_code), "{meldingen}");
    // A melding filed by mistake is withdrawn with a reason from the list and the school's
    // words, which stay with it.
    s.kies("#m-soort", "luxe").await;
    s.vul("#m-uren", "").await;
    s.vul("#m-dagen", "2").await;
    s.klik("#melding-form button[type=submit]").await;
    let rij = "//table[@id='meldingen']//tr[contains(., 'luxe verzuim')]";
    s.c.find(Locator::XPath(&format!("{rij}//details/summary")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    s.c.find(Locator::XPath(&format!("{rij}//select[@name='reden']")))
        .await
        .unwrap()
        .select_by_value("administratieve_fout")
        .await
        .unwrap();
    s.c.find(Locator::XPath(&format!(
        "{rij}//textarea[@name='toelichting']"
    )))
    .await
    .unwrap()
    .send_keys("Dubbel ingevoerd.")
    .await
    .unwrap();
    s.klik_op(Locator::XPath(&format!(
        "{rij}//form[contains(@action, '/intrekken')]//button"
    )))
    .await;
    let meldingen = s.tekst("#meldingen").await;
    assert!(
        meldingen.contains("ingetrokken")
            && meldingen.contains("administratieve fout")
            && meldingen.contains("Dubbel ingevoerd."),
        "{meldingen}"
    );
    s.uitloggen().await;

    // A search says how many matched.
    s.inloggen(&o.leerplicht).await;
    s.ga("/zoeken").await;
    s.vul("#naam", &o.achternaam).await;
    s.vul("#geboortedatum", &o.geboren).await;
    s.klik("form[action='/zoeken'] button[type=submit]").await;
    let gevonden = s.tekst("#resultaten caption").await;
    assert!(gevonden.ends_with(": 1 jongere"), "{gevonden}");
    let rij = s.tekst("#resultaten tbody").await;
    assert!(
        rij.contains(&o.school_naam) && !rij.contains(&o.school_code),
        "the school by name: {rij}"
    );
    // A common pair of letters: more than a page, paged through in one order with the name
    // kept out of the address bar.
    s.ga("/zoeken").await;
    s.vul("#naam", "en").await;
    s.klik("form[action='/zoeken'] button[type=submit]").await;
    let eerste = s.tekst("#resultaten caption").await;
    assert!(eerste.ends_with("jongeren 1 tot en met 50"), "{eerste}");
    let pagina1 = s.tekst("#resultaten tbody").await;
    s.klik("#zoek-volgende button").await;
    let tweede = s.tekst("#resultaten caption").await;
    assert!(tweede.contains("jongeren 51 tot en met"), "{tweede}");
    let pagina2 = s.tekst("#resultaten tbody").await;
    let rijen1: Vec<&str> = pagina1.lines().collect();
    assert_eq!(rijen1.len(), 50);
    assert!(
        pagina2.lines().all(|r| !rijen1.contains(&r)),
        "page 2 repeats no one of page 1"
    );
    let url = s.c.current_url().await.unwrap();
    assert!(url.query().is_none(), "no name in the URL: {url}");
    s.klik("#zoek-vorige button").await;
    assert_eq!(
        s.tekst("#resultaten tbody").await,
        pagina1,
        "back to the same first page"
    );

    // The officer's worklist names the school and the rule in words.
    s.ga("/werklijst").await;
    let werk = s.tekst("#werklijst").await;
    assert!(werk.contains(&o.naam), "{werk}");
    assert!(
        werk.contains(&format!(
            "16 uur ongeoorloofd verzuim) van {}",
            o.school_naam
        )),
        "{werk}"
    );

    // The file: the gemeente by name; the status select starts at the current status.
    s.ga(&dossier).await;
    let kop = s.tekst(".lr-kop").await;
    assert!(
        kop.contains(&o.gemeente_naam) && !kop.contains(&o.gemeente_code),
        "{kop}"
    );
    let status = "form[action$='/status'] select[name=status]";
    assert_eq!(
        s.waarde(status).await,
        "geregistreerd",
        "the status form opens at the current status"
    );
    s.kies(status, "in_behandeling").await;
    s.klik("form[action$='/status'] button[type=submit]").await;
    let meldingen = s.tekst("#meldingen").await;
    assert!(
        meldingen.contains("in behandeling") && !meldingen.contains("in_behandeling"),
        "{meldingen}"
    );
    assert_eq!(s.waarde(status).await, "in_behandeling");

    // A registration of four months ago: the form then opens with its values, and changing
    // only the cause keeps the registration (and its clock).
    let per = vandaag
        .checked_sub_months(chrono::Months::new(4))
        .unwrap()
        .format("%d-%m-%Y")
        .to_string();
    s.open("Registratie wijzigen").await;
    s.kies("#r-categorie", "thuiszittend").await;
    s.kies("#r-oorzaak", "psychisch").await;
    s.vul("#r-per", &per).await;
    s.klik("#registratie-form button[type=submit]").await;
    assert!(s.tekst("#klok").await.contains("Driemaandentermijn"));
    assert_eq!(s.waarde("#r-categorie").await, "thuiszittend");
    assert_eq!(s.waarde("#r-oorzaak").await, "psychisch");
    s.open("Registratie wijzigen").await;
    s.kies("#r-oorzaak", "thuissituatie").await;
    s.klik("#registratie-form button[type=submit]").await;
    assert!(
        s.c.find(Locator::Css("#klok")).await.is_ok(),
        "changing the cause does not end the registration"
    );
    assert_eq!(s.waarde("#r-oorzaak").await, "thuissituatie");
    // Ending asks for the box to be ticked.
    s.open("Registratie wijzigen").await;
    s.klik("#registratie-einde-form button[type=submit]").await;
    assert!(s.tekst("#re-bevestigd-fout").await.contains("vink aan"));
    assert!(s.c.find(Locator::Css("#klok")).await.is_ok());

    // An impossible date in the offer form: answered next to the field, in Dutch, with
    // what was typed kept.
    s.open("Aanbod vastleggen").await;
    s.kies("#a-soort", "onderwijs_zorgarrangement").await;
    s.vul("#a-aanbieder", "VSO De Brug").await;
    s.vul("#a-aangeboden", "31-02-2026").await;
    s.klik("#aanbod-form button[type=submit]").await;
    let fout = s.tekst("#a-aangeboden-fout").await;
    assert!(fout.contains("geen bestaande datum"), "{fout}");
    assert_eq!(s.waarde("#a-aanbieder").await, "VSO De Brug");
    assert_eq!(s.waarde("#a-aangeboden").await, "31-02-2026");
    assert_eq!(s.waarde("#a-soort").await, "onderwijs_zorgarrangement");
    // Made today, a month after the deadline: the banner keeps saying how late.
    s.vul("#a-aangeboden", &vandaag.format("%d-%m-%Y").to_string())
        .await;
    s.klik("#aanbod-form button[type=submit]").await;
    let klok = s.tekst("#klok").await;
    assert!(klok.contains("aanbod gedaan op"), "{klok}");
    assert!(klok.contains("dagen te laat"), "{klok}");

    // The same file in English: words, not codes, and English dates.
    s.ga(&format!("/taal/en?terug={dossier}")).await;
    let meldingen = s.tekst("#meldingen").await;
    assert!(
        meldingen.contains("16 hours of unauthorised absence") && meldingen.contains("in progress"),
        "{meldingen}"
    );
    let klok = s.tekst("#klok").await;
    assert!(
        klok.contains("offer made on") && klok.contains("days overdue"),
        "{klok}"
    );
    s.ga(&format!("/taal/nl?terug={dossier}")).await;

    // The KPI of last school year, asked today, stands on today and says so.
    let begin = if vandaag.month() >= 8 {
        vandaag.year() - 1
    } else {
        vandaag.year() - 2
    };
    s.ga(&format!(
        "/rapportages/kpi?jaar={}-{}&datum={}",
        begin,
        begin + 1,
        vandaag.format("%d-%m-%Y")
    ))
    .await;
    let bron = s.bron().await;
    let stand = format!(
        "Stand op {} {} {}.",
        vandaag.day(),
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december"
        ][vandaag.month0() as usize],
        vandaag.year()
    );
    assert!(bron.contains(&stand), "{stand}");
    s.uitloggen().await;

    // Beheer: the rules as a table of thresholds, and a search that narrows the tables.
    let (naam, pw, geheim) = &o.beheer;
    let code = leerrecht_app::toegang::auth::current_totp(geheim, chrono::Utc::now()).unwrap();
    s.inloggen_als(naam, pw, &code).await;
    s.ga("/beheer").await;
    let regels = s.tekst("#regels").await;
    assert!(!regels.contains('{'), "no raw JSON: {regels}");
    assert!(regels.contains("Drempel"), "{regels}");
    s.vul("#beheer-zoek", &o.school_naam).await;
    s.klik("form[action='/beheer'] button[type=submit]").await;
    let orgs = s.tekst("#organisaties tbody").await;
    assert!(orgs.contains(&o.school_code), "{orgs}");
    let rijen =
        s.c.find_all(Locator::Css("#organisaties tbody tr"))
            .await
            .unwrap()
            .len();
    assert!(
        (1..5).contains(&rijen),
        "the search narrows the organisations: {rijen}"
    );
    s.uitloggen().await;

    // At 390 px: the page does not overflow, the header stays compact, and a table's dates
    // do not wrap.
    s.c.set_window_size(390, 844).await.unwrap();
    s.inloggen(&o.leerplicht2).await;
    s.ga(&dossier).await;
    let maat = s
        .c
        .execute(
            "const h = document.querySelector('header').getBoundingClientRect().height; \
             const d = document.querySelector('#meldingen tbody th'); \
             const r = document.createRange(); r.selectNodeContents(d); \
             window.__breed = [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 \
                 && !e.parentElement.closest('table, .lr-heatmap, .lr-rapport, .utrecht-nav-bar__list')) \
               .slice(0, 5).map(e => e.outerHTML.slice(0, 120)); \
             return [document.documentElement.scrollWidth, window.innerWidth, h, \
                     r.getClientRects().length];",
            vec![],
        )
        .await
        .unwrap();
    let maat: Vec<f64> = serde_json::from_value(maat).unwrap();
    let breed = s.c.execute("return window.__breed;", vec![]).await.unwrap();
    assert!(
        maat[0] <= maat[1],
        "the page scrolls sideways at 390 px: {maat:?}, {breed}"
    );
    assert!(
        maat[2] <= 200.0,
        "the header takes {} px at 390 px",
        maat[2]
    );
    assert_eq!(maat[3], 1.0, "a date in a table wraps at 390 px");
    for pad in ["/werklijst", "/zoeken", "/thuiszitters", "/rapportages/kpi"] {
        s.ga(pad).await;
        let breed =
            s.c.execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(breed, json!(true), "{pad} scrolls sideways at 390 px");
    }
    s.c.clone().close().await.unwrap();
}

on_both_databases!(
    scenario,
    pages_in_words_in_a_browser_sqlite("woorden.db"),
    pages_in_words_in_a_browser_postgres
);
