//! No form of a person's file loses work: in headless Chromium against the real
//! `leerrecht serve` on the tiny demo region, in SQLite and in PostgreSQL, each form is sent
//! with an invalid value (an impossible date, an empty required field, a text too long, a
//! missing choice) and answers 422 with the reason next to the right field, in the page's
//! language, and everything else still as typed; sent again right, it is recorded. The same
//! for break-the-glass, whose number is never repeated back. axe-core checks every page.
//!
//! Needs `chromium`, `chromedriver` and axe-core's `axe.min.js` (at `AXE_CORE_JS`), as
//! `web.rs` does; `LEERRECHT_BROWSERTEST=overslaan` skips it when they are missing.

mod support;

use fantoccini::Locator;
use leerrecht_app::Actor;
use leerrecht_domain::org::{OrgSoort, Rol};
use leerrecht_domain::zaak::Artikel;
use serde_json::json;

use support::{
    account_toevoegen, browser_scenario, leerling_met_bureau, on_both_databases, tiny_demo_app,
    Browser,
};

const WACHTWOORD: &str = "Correct-Paard-Batterij-Niet";

/// The parts: a school and an officer of the pupil's bureau, and the pupil's file.
struct Opzet {
    school: (String, String),
    leerplicht: (String, String),
    id: String,
    /// The BSN or onderwijsnummer of a pupil of another school, for break-the-glass.
    ander: String,
    /// A youth doctor, who breaks the glass to write a medical note on the pupil (`nummer`).
    jeugdarts: (String, String),
    nummer: String,
}

fn opzet(db: &str) -> Opzet {
    let app = tiny_demo_app(db);
    let op = Actor::local_operator();
    let today = chrono::Utc::now().date_naive();
    let orgs = app.organisaties(&op).unwrap();
    let (j, bureau) = leerling_met_bureau(&app);
    let (leerling, bureau) = (j.leerling, bureau.code.as_str().to_string());
    let school = j.school.expect("enrolled").as_str().to_string();
    let mut ander = None;
    app.jongeren(&op, today, None, &mut |j| {
        if ander.is_none() && j.school.as_ref().is_some_and(|s| s.as_str() != school) {
            ander = Some(j.leerling.to_string());
        }
        Ok(())
    })
    .unwrap();
    let add = |naam: &str, org: &str, rol: Rol| account_toevoegen(&app, naam, org, rol, WACHTWOORD);
    Opzet {
        school: add("formulieren.school", &school, Rol::School),
        leerplicht: add("formulieren.lp", &bureau, Rol::Leerplicht),
        id: app.id_van(leerling).unwrap().expect("an id"),
        ander: ander.expect("the tiny demo has pupils of another school"),
        jeugdarts: add(
            "formulieren.jeugdarts",
            orgs.iter()
                .find(|o| o.soort == OrgSoort::Ggd)
                .expect("the tiny demo has a GGD")
                .code
                .as_str(),
            Rol::Jeugdarts,
        ),
        nummer: leerling.to_string(),
    }
}

impl Browser {
    /// Logs in with the test's password and the current code; returns the code.
    async fn inloggen(&mut self, (naam, geheim): &(String, String)) -> String {
        self.inloggen_totp(naam, WACHTWOORD, geheim).await
    }
}

impl Browser {
    /// Opens the `<details>` a form sits in, whatever its summary says in the page's language.
    async fn toon(&self, formulier: &str) {
        self.c
            .execute(
                "document.getElementById(arguments[0]).closest('details').open = true;",
                vec![json!(formulier)],
            )
            .await
            .unwrap();
    }

    /// Sends a form as it is, past the browser's own checks (as an older browser would), so
    /// that the server's answer is what is tested.
    async fn verstuur(&mut self, formulier: &str) {
        self.c
            .execute(
                "document.getElementById(arguments[0]).noValidate = true;",
                vec![json!(formulier)],
            )
            .await
            .unwrap();
        self.klik(&format!("#{formulier} button[type=submit]"))
            .await;
    }

    /// The HTTP status of the page shown.
    async fn status(&self) -> u64 {
        self.c
            .execute(
                "return performance.getEntriesByType('navigation')[0].responseStatus;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .expect("the browser gives the status")
    }

    /// Sets a field's value at once (a long text that typing would take long over).
    async fn zet(&self, css: &str, waarde: &str) {
        self.c
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![json!(css), json!(waarde)],
            )
            .await
            .unwrap();
    }

    async fn aangevinkt(&self, css: &str) -> bool {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref()
            == Some("true")
    }

    async fn rijen(&self, css: &str) -> usize {
        self.c
            .find_all(Locator::Css(&format!("{css} tbody tr")))
            .await
            .map(|r| r.len())
            .unwrap_or(0)
    }

    /// The `id` of the first form whose `id` starts with `begin`.
    async fn formulier_id(&self, begin: &str) -> String {
        self.c
            .find(Locator::Css(&format!("form[id^='{begin}']")))
            .await
            .unwrap_or_else(|e| panic!("no form {begin}…: {e}"))
            .attr("id")
            .await
            .unwrap()
            .expect("an id")
    }

    /// The form was refused: 422, the reason next to `veld` (its element `#{veld}-fout`,
    /// named by the field's `aria-describedby` and marked `aria-invalid`), nothing above.
    async fn geweigerd(&self, veld: &str, verwacht: &str) {
        assert_eq!(self.status().await, 422, "{}", self.bron().await);
        let fout = self.tekst(&format!("#{veld}-fout")).await;
        assert!(fout.contains(verwacht), "next to {veld}: {fout:?}");
        let e = self
            .c
            .find(Locator::Css(&format!("#{veld}")))
            .await
            .unwrap();
        let beschreven = e
            .attr("aria-describedby")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(beschreven.contains(&format!("{veld}-fout")), "{beschreven}");
        // A group of boxes is described by the reason; a field is also marked invalid.
        if e.tag_name().await.unwrap() != "fieldset" {
            assert_eq!(
                e.attr("aria-invalid").await.unwrap().as_deref(),
                Some("true")
            );
        }
        assert!(
            self.c.find(Locator::Css("#formulier-fout")).await.is_err(),
            "a reason for one field is given next to it, not above the page"
        );
        let velden = self
            .c
            .find_all(Locator::Css(".lr-veldfout"))
            .await
            .unwrap()
            .len();
        assert_eq!(velden, 1, "one reason, next to one field");
    }
}

fn scenario(db: String) {
    browser_scenario(db, opzet, in_de_browser);
}

async fn in_de_browser(mut s: Browser, o: Opzet) {
    let vandaag = chrono::Utc::now().date_naive();
    let dag = |d: chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
    let gisteren = dag(vandaag - chrono::Duration::days(1));
    let dossier = format!("/jongeren/{}", o.id);

    // The school files a melding with an impossible date.
    s.inloggen(&o.school).await;
    s.ga(&dossier).await;
    let meldingen = s.rijen("#meldingen").await;
    s.kies("#m-soort", "luxe").await;
    s.vul("#m-begin", "31-02-2026").await;
    s.vul("#m-uren", "12").await;
    s.vul("#m-reden", "Vakantie verlengd").await;
    s.vul("#m-contact", "Mevr. Jansen").await;
    s.klik("#m-hele").await;
    s.verstuur("melding-form").await;
    s.geweigerd("m-begin", "geen bestaande datum").await;
    assert_eq!(s.waarde("#m-begin").await, "31-02-2026");
    assert_eq!(s.waarde("#m-soort").await, "luxe");
    assert_eq!(s.waarde("#m-uren").await, "12");
    assert_eq!(s.waarde("#m-reden").await, "Vakantie verlengd");
    assert_eq!(s.waarde("#m-contact").await, "Mevr. Jansen");
    assert!(s.aangevinkt("#m-hele").await && s.aangevinkt("#m-actie").await);
    s.vul("#m-begin", &dag(vandaag)).await;
    s.verstuur("melding-form").await;
    assert_eq!(s.status().await, 200);
    assert_eq!(
        s.rijen("#meldingen").await,
        meldingen + 1,
        "the melding is filed"
    );

    // Withdrawing a melding without choosing a reason: the explanation stays.
    let fi = s.formulier_id("intrek-form-").await;
    let n = fi.trim_start_matches("intrek-form-").to_string();
    s.toon(&fi).await;
    s.vul(&format!("#intrektoelichting-{n}"), "Ouders belden achteraf")
        .await;
    s.verstuur(&fi).await;
    s.geweigerd(&format!("intrekreden-{n}"), "kies een reden")
        .await;
    assert_eq!(
        s.waarde(&format!("#intrektoelichting-{n}")).await,
        "Ouders belden achteraf"
    );
    s.kies(&format!("#intrekreden-{n}"), "achteraf_geoorloofd")
        .await;
    s.verstuur(&fi).await;
    assert_eq!(s.status().await, 200);
    assert!(s
        .tekst("#meldingen")
        .await
        .contains("Ouders belden achteraf"));
    // A melding for the officer to answer.
    s.kies("#m-soort", "16uur").await;
    s.vul("#m-begin", &dag(vandaag)).await;
    s.vul("#m-uren", "16").await;
    s.verstuur("melding-form").await;
    assert_eq!(s.status().await, 200);

    // Break-the-glass with a number that fails the eleven test: answered next to the number,
    // which is not repeated; the reason and the duration stay.
    let reden = "Moeder belt: het kind is weggelopen en de politie vraagt de school";
    s.ga("/noodtoegang").await;
    s.vul("#n-bsn", "123456789").await;
    s.vul("#n-reden", reden).await;
    s.kies("#n-uren", "4").await;
    s.verstuur("noodtoegang-form").await;
    s.geweigerd("n-bsn", "geen geldig nummer").await;
    assert_eq!(s.waarde("#n-bsn").await, "");
    assert!(!s.bron().await.contains("123456789"));
    assert_eq!(s.waarde("#n-reden").await, reden);
    assert_eq!(s.waarde("#n-uren").await, "4");
    s.vul("#n-bsn", &o.ander).await;
    s.verstuur("noodtoegang-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s
        .bron()
        .await
        .contains("Noodtoegang: u bekijkt dit dossier"));
    s.uitloggen().await;

    // The officer closes a melding without a reason: asked next to the reason, the chosen
    // status kept.
    s.inloggen(&o.leerplicht).await;
    s.ga(&dossier).await;
    let fs = s.formulier_id("status-form-").await;
    let n = fs.trim_start_matches("status-form-").to_string();
    s.kies(&format!("#status-{n}"), "afgesloten").await;
    s.verstuur(&fs).await;
    s.geweigerd(&format!("reden-{n}"), "kies een afsluitreden")
        .await;
    assert_eq!(s.waarde(&format!("#status-{n}")).await, "afgesloten");
    s.kies(&format!("#reden-{n}"), "terug_naar_school").await;
    s.verstuur(&fs).await;
    assert_eq!(s.status().await, 200);
    assert!(s.tekst("#meldingen").await.contains("terug naar school"));

    // The officer registers the pupil as a thuiszitter, first with a day February lacks.
    s.toon("registratie-form").await;
    s.kies("#r-categorie", "thuiszittend").await;
    s.kies("#r-oorzaak", "psychisch").await;
    s.vul("#r-per", "30-02-2026").await;
    s.verstuur("registratie-form").await;
    s.geweigerd("r-per", "geen bestaande datum").await;
    assert_eq!(s.waarde("#r-categorie").await, "thuiszittend");
    assert_eq!(s.waarde("#r-oorzaak").await, "psychisch");
    assert_eq!(s.waarde("#r-per").await, "30-02-2026");
    let per = vandaag.checked_sub_months(chrono::Months::new(4)).unwrap();
    s.vul("#r-per", &dag(per)).await;
    s.verstuur("registratie-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s.tekst("#klok").await.contains("Driemaandentermijn"));

    // In English: a meeting without its decisions, an exemption with a reason too long.
    s.ga(&format!("/taal/en?terug={dossier}")).await;
    s.toon("overleg-form").await;
    s.kies("#o-team", "jeugdteam").await;
    s.vul("#o-vervolg", "Call the parents on Monday").await;
    s.verstuur("overleg-form").await;
    s.geweigerd("o-besluiten", "fill in this field").await;
    assert_eq!(s.waarde("#o-team").await, "jeugdteam");
    assert_eq!(s.waarde("#o-vervolg").await, "Call the parents on Monday");
    assert_eq!(s.waarde("#o-datum").await, dag(vandaag));
    s.vul("#o-besluiten", "Back to school part-time").await;
    s.verstuur("overleg-form").await;
    assert_eq!(s.status().await, 200);
    let overleggen = s.tekst("#overleggen").await;
    assert!(
        overleggen.contains("Back to school part-time")
            && overleggen.contains("Call the parents on Monday"),
        "{overleggen}"
    );

    let artikel = Artikel::Art5SubC.code();
    let tot = dag(vandaag + chrono::Duration::days(200));
    s.toon("vrijstelling-form").await;
    s.kies("#v-artikel", artikel).await;
    s.zet("#v-reden", &"x".repeat(2001)).await;
    s.vul("#v-tot", &tot).await;
    s.verstuur("vrijstelling-form").await;
    s.geweigerd("v-reden", "too long: at most 2000 characters")
        .await;
    assert_eq!(s.waarde("#v-reden").await.chars().count(), 2001);
    assert_eq!(s.waarde("#v-artikel").await, artikel);
    assert_eq!(s.waarde("#v-tot").await, tot);
    s.vul("#v-reden", "School abroad for a year").await;
    s.verstuur("vrijstelling-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s
        .tekst("#vrijstellingen")
        .await
        .contains("School abroad for a year"));
    s.ga(&format!("/taal/nl?terug={dossier}")).await;

    // Back in Dutch: an escalation on the thirty-second day of a thirteenth month.
    s.toon("escalatie-form").await;
    s.kies("#e-niveau", "bestuurlijk").await;
    s.vul("#e-datum", "32-13-2026").await;
    s.vul("#e-wie", "Wethouder onderwijs").await;
    s.verstuur("escalatie-form").await;
    s.geweigerd("e-datum", "geen bestaande datum").await;
    assert_eq!(s.waarde("#e-niveau").await, "bestuurlijk");
    assert_eq!(s.waarde("#e-wie").await, "Wethouder onderwijs");
    s.vul("#e-datum", &dag(vandaag)).await;
    s.verstuur("escalatie-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s.tekst("#escalaties").await.contains("Wethouder onderwijs"));

    // An offer without its provider.
    s.toon("aanbod-form").await;
    s.kies("#a-soort", "onderwijs_zorgarrangement").await;
    s.vul("#a-aangeboden", &gisteren).await;
    s.verstuur("aanbod-form").await;
    s.geweigerd("a-aanbieder", "vul dit veld in").await;
    assert_eq!(s.waarde("#a-soort").await, "onderwijs_zorgarrangement");
    assert_eq!(s.waarde("#a-aangeboden").await, gisteren);
    s.vul("#a-aanbieder", "VSO De Brug").await;
    s.verstuur("aanbod-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s.tekst("#aanbod").await.contains("VSO De Brug"));

    // A partner with a contact name too long: the chosen organisation stays.
    let fp = s.formulier_id("partner-form-").await;
    let z = fp.trim_start_matches("partner-form-").to_string();
    let org =
        s.c.execute(
            "const al = [...document.querySelectorAll(arguments[1] + ' input[name=organisatie]')] \
               .map(i => i.value); \
             return [...document.querySelector(arguments[0]).options].map(o => o.value) \
               .filter(v => !al.includes(v)).pop();",
            vec![
                json!(format!("#p-org-{z}")),
                json!(format!("#partners-{z}")),
            ],
        )
        .await
        .unwrap()
        .as_str()
        .expect("an organisation not yet a partner")
        .to_string();
    s.toon(&fp).await;
    s.kies(&format!("#p-org-{z}"), &org).await;
    s.zet(&format!("#p-contact-{z}"), &"J".repeat(2001)).await;
    s.verstuur(&fp).await;
    s.geweigerd(&format!("p-contact-{z}"), "te lang: hoogstens 2000 tekens")
        .await;
    assert_eq!(s.waarde(&format!("#p-org-{z}")).await, org);
    s.vul(&format!("#p-contact-{z}"), "Jan de Vries").await;
    s.verstuur(&fp).await;
    assert_eq!(s.status().await, 200);
    let partner = format!("#partners-{z} input[name=organisatie][value='{org}']");
    assert!(
        s.c.find(Locator::Css(&partner)).await.is_ok(),
        "{org} is a partner of case {z} now"
    );

    // A plan without any of its parts ticked.
    s.toon("plan-form").await;
    s.vul("#p-omschrijving", "Twee dagen school, drie dagen zorg")
        .await;
    s.verstuur("plan-form").await;
    s.geweigerd("p-onderdelen", "kies onderwijs, zorg en/of jeugdhulp")
        .await;
    assert_eq!(
        s.waarde("#p-omschrijving").await,
        "Twee dagen school, drie dagen zorg"
    );
    s.klik("#p-onderwijs").await;
    s.klik("#p-zorg").await;
    s.verstuur("plan-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s
        .tekst("#plannen")
        .await
        .contains("Twee dagen school, drie dagen zorg"));

    // The parents' involvement without saying how.
    s.toon("ouders-form").await;
    s.vul("#ou-datum", &gisteren).await;
    s.verstuur("ouders-form").await;
    s.geweigerd("ou-hoe", "vul dit veld in").await;
    assert_eq!(s.waarde("#ou-datum").await, gisteren);
    s.vul("#ou-hoe", "Moeder was bij het overleg").await;
    s.verstuur("ouders-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s
        .tekst("#ouders")
        .await
        .contains("Moeder was bij het overleg"));

    // Closing for another reason without writing it: the use case's refusal is given next
    // to the explanation.
    s.toon("sluiten-form").await;
    s.kies("#s-reden", "overig").await;
    s.vul("#s-datum", &dag(vandaag)).await;
    s.verstuur("sluiten-form").await;
    s.geweigerd("s-toelichting", "nodig bij de reden overig")
        .await;
    assert_eq!(s.waarde("#s-reden").await, "overig");
    assert_eq!(s.waarde("#s-datum").await, dag(vandaag));
    s.vul("#s-toelichting", "Verhuisd naar het buitenland")
        .await;
    s.verstuur("sluiten-form").await;
    assert_eq!(s.status().await, 200, "{}", s.bron().await);
    assert!(s
        .tekst("#gesloten")
        .await
        .contains("Verhuisd naar het buitenland"));

    // Ending the registration without ticking the box: asked next to the box, the day kept.
    s.toon("registratie-einde-form").await;
    s.vul("#re-per", &gisteren).await;
    s.verstuur("registratie-einde-form").await;
    assert_eq!(s.status().await, 422);
    let fout = s.tekst("#re-bevestigd-fout").await;
    assert!(fout.contains("vink aan"), "{fout}");
    assert_eq!(s.waarde("#re-per").await, gisteren);
    assert!(s.c.find(Locator::Css("#klok")).await.is_ok());
    s.klik("#re-bevestigd").await;
    s.verstuur("registratie-einde-form").await;
    assert_eq!(s.status().await, 200);
    assert!(
        s.c.find(Locator::Css("#klok")).await.is_err(),
        "the registration ended"
    );
    s.uitloggen().await;

    // The youth doctor's medical note, sent empty.
    s.inloggen(&o.jeugdarts).await;
    s.ga("/noodtoegang").await;
    s.vul("#n-bsn", &o.nummer).await;
    s.vul(
        "#n-reden",
        "Acute zorg: de huisarts vraagt de schoolgeschiedenis op",
    )
    .await;
    s.verstuur("noodtoegang-form").await;
    assert_eq!(s.status().await, 200);
    s.toon("notitie-form").await;
    s.verstuur("notitie-form").await;
    s.geweigerd("mn-tekst", "vul dit veld in").await;
    s.vul("#mn-tekst", "Buikpijnklachten, overleg met huisarts")
        .await;
    s.verstuur("notitie-form").await;
    assert_eq!(s.status().await, 200);
    assert!(s.tekst("#notities").await.contains("Buikpijnklachten"));
    s.c.clone().close().await.unwrap();
}

on_both_databases!(
    scenario,
    forms_keep_what_was_typed_in_a_browser_sqlite("formulieren.db"),
    forms_keep_what_was_typed_in_a_browser_postgres
);
