//! Reading in a file from the browser (docs/domain.md §12), in headless Chromium on both
//! databases, on the tiny demo: beheer checks a calendar file, sees every bad row with its
//! line, column and reason and nothing written, then a good one in Windows-1252 and reads it
//! in; leerplicht may read in the files of its own gemeenten only, and a school none.

mod support;

use fantoccini::Locator;
use leerrecht_app::{Actor, App};
use leerrecht_domain::org::Rol;

use support::{account_toevoegen, browser_scenario, on_both_databases, Browser, Demo};

const WACHTWOORD: &str = "Een-Lang-Wachtwoord-Voor-Inlezen";

struct Opzet {
    beheer: (String, String),
    leerplicht: (String, String),
    school: (String, String),
    dir: tempfile::TempDir,
    /// A young person of the bureau's gemeenten, and one who moved out of them.
    binnen: String,
    buiten: String,
}

fn opzet(db: &str) -> Opzet {
    let _demo = Demo::new(db.to_string(), None);
    let app = App::new(leerrecht_store::open(db).unwrap());
    let op = Actor::local_operator();
    let vandaag = chrono::Utc::now().date_naive();
    let mut binnen = None;
    let mut buiten = None;
    app.jongeren(&op, vandaag, None, &mut |j| {
        match j.gemeente.as_str() {
            "GM0479" => buiten = buiten.take().or(Some(j.leerling.to_string())),
            "GM0392" => binnen = binnen.take().or(Some(j.leerling.to_string())),
            _ => {}
        }
        Ok(())
    })
    .unwrap();
    let school = app
        .organisaties(&op)
        .unwrap()
        .into_iter()
        .find(|o| o.soort == leerrecht_domain::org::OrgSoort::School)
        .unwrap()
        .code;
    Opzet {
        beheer: account_toevoegen(
            &app,
            "web.inlezen.beheer",
            "RBL-ZKIJ",
            Rol::Beheer,
            WACHTWOORD,
        ),
        leerplicht: account_toevoegen(
            &app,
            "web.inlezen.lp",
            "RBL-ZKIJ",
            Rol::Leerplicht,
            WACHTWOORD,
        ),
        school: account_toevoegen(
            &app,
            "web.inlezen.school",
            school.as_str(),
            Rol::School,
            WACHTWOORD,
        ),
        dir: tempfile::tempdir().unwrap(),
        binnen: binnen.expect("a young person in Haarlem"),
        buiten: buiten.expect("the demo moves young people to Zaanstad"),
    }
}

/// Chooses the kind and the file, sends the form, and waits until the page no longer works
/// (it looks again every second by itself); then shows the final page again, for axe.
async fn versturen(s: &mut Browser, soort: &str, pad: &std::path::Path) -> String {
    s.ga("/inlezen").await;
    assert_eq!(s.tekst("h1").await, "Bestand inlezen");
    s.kies("#soort", soort).await;
    s.c.find(Locator::Css("#bestand"))
        .await
        .unwrap()
        .send_keys(pad.to_str().unwrap())
        .await
        .unwrap();
    s.c.find(Locator::Css("#upload-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wacht(s).await
}

/// Waits until the file's page shows an outcome, asking for the progress as the user does
/// while the work runs, and returns its text.
async fn wacht(s: &mut Browser) -> String {
    for _ in 0..200 {
        let bron = s.bron().await;
        if bron.contains("id=\"inlezen-stand\"") && !bron.contains("id=\"voortgang\"") {
            let url = s.c.current_url().await.unwrap();
            s.ga(url.path()).await;
            return s.tekst("main").await;
        }
        if bron.contains("id=\"inlezen-bijwerken\"") {
            s.klik("#inlezen-bijwerken").await;
        } else {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    }
    panic!("the file's page shows no outcome: {}", s.bron().await);
}

/// The line and column of each row of the table of errors.
async fn fout_plaatsen(s: &Browser) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rij in
        s.c.find_all(Locator::Css("#inlezen-fouten tbody tr"))
            .await
            .unwrap()
    {
        let cellen = rij.find_all(Locator::Css("td")).await.unwrap();
        out.push((
            cellen[0].text().await.unwrap(),
            cellen[1].text().await.unwrap(),
        ));
    }
    out
}

/// Runs `f` on a thread of its own: the synchronous PostgreSQL client may not block the
/// browser's runtime.
fn apart<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|sc| sc.spawn(f).join().unwrap())
}

async fn inloggen(s: &mut Browser, (naam, geheim): &(String, String)) {
    s.inloggen_totp(naam, WACHTWOORD, geheim).await;
}

fn uploads(db: String) {
    let app_db = db.clone();
    browser_scenario(db, opzet, move |mut s, o| async move {
        // The store is opened, read and closed on a thread of its own each time.
        let op = Actor::local_operator();
        let met_app = |f: &(dyn Fn(&App) -> usize + Sync)| {
            apart(|| f(&App::new(leerrecht_store::open(&app_db).unwrap())))
        };
        let vakanties = |naam: &str| {
            met_app(&|app: &App| {
                app.kalender(&op)
                    .unwrap()
                    .iter()
                    .filter(|v| v.naam == naam)
                    .count()
            })
        };
        // Beheer: a calendar with a day that does not exist and a day off of an unknown
        // school. Nothing is written; each row is named.
        inloggen(&mut s, &o.beheer).await;
        let fout = o.dir.path().join("kalender-fout.csv");
        std::fs::write(
            &fout,
            "naam;van;tot;school\nStudiedag;2027-02-31;2027-03-01;\nSportdag;2027-04-01;2027-04-01;99XX99\n",
        )
        .unwrap();
        let pagina = versturen(&mut s, "kalender", &fout).await;
        assert!(pagina.contains("er zijn fouten"), "{pagina}");
        assert_eq!(
            fout_plaatsen(&s).await,
            [
                ("2".to_string(), "van".to_string()),
                ("3".into(), "school".into())
            ]
        );
        assert!(
            s.c.find(Locator::Css("#inlezen-form")).await.is_err(),
            "a file with errors cannot be read in"
        );
        // A good file, saved by Excel in Windows-1252: checked, then read in.
        let goed = o.dir.path().join("kalender.csv");
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("naam;van;tot;school\nStudiedag café-overleg;2027-03-03;2027-03-03;\n");
        std::fs::write(&goed, &bytes).unwrap();
        let pagina = versturen(&mut s, "kalender", &goed).await;
        assert!(pagina.contains("er is niets fout"), "{pagina}");
        assert!(s.tekst("#inlezen-uitkomst").await.contains("Windows-1252"));
        assert_eq!(
            vakanties("Studiedag café-overleg"),
            0,
            "the check wrote nothing"
        );
        s.c.find(Locator::Css("#inlezen-form button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let pagina = wacht(&mut s).await;
        assert!(pagina.contains("Ingelezen."), "{pagina}");
        assert_eq!(vakanties("Studiedag café-overleg"), 1);
        s.uitloggen().await;

        // Leerplicht: the parents of a young person of its gemeenten, and of one who moved
        // away: the file is refused at that row, and nothing is written.
        inloggen(&mut s, &o.leerplicht).await;
        s.ga("/inlezen").await;
        let soorten = s.tekst("#soort").await;
        assert!(
            soorten.contains("Ouders en verzorgers") && !soorten.contains("Organisaties"),
            "{soorten}"
        );
        let verzorgers = o.dir.path().join("verzorgers.csv");
        std::fs::write(
            &verzorgers,
            format!(
                "leerling;naam;relatie;straat;huisnummer;postcode;woonplaats;telefoon;email\n\
                 {};Ria Inlezen;ouder;Kerkstraat;12;2011 AB;Haarlem;;\n\
                 {};Rob Elders;ouder;Dam;1;1506 AA;Zaandam;;\n",
                o.binnen, o.buiten
            ),
        )
        .unwrap();
        let pagina = versturen(&mut s, "verzorgers", &verzorgers).await;
        assert!(pagina.contains("er zijn fouten"), "{pagina}");
        assert_eq!(
            fout_plaatsen(&s).await,
            [("3".to_string(), "leerling".to_string())],
            "the row of the young person who moved away"
        );
        let ria = met_app(&|app: &App| {
            app.opslag(&op)
                .unwrap()
                .verzorgers_van(o.binnen.parse().unwrap())
                .unwrap()
                .iter()
                .filter(|v| v.naam == "Ria Inlezen")
                .count()
        });
        assert_eq!(ria, 0, "nothing written");
        s.uitloggen().await;

        // A school reads in nothing here (its system sends absence over the API).
        inloggen(&mut s, &o.school).await;
        s.ga("/inlezen").await;
        assert_eq!(s.tekst("h1").await, "Geen toegang");
        s.c.clone().close().await.unwrap();
    });
}

on_both_databases!(
    uploads,
    reading_in_a_file_in_the_browser_sqlite("inlezen.db"),
    reading_in_a_file_in_the_browser_postgres
);
