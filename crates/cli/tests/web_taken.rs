//! The beheer page shows the daily jobs' latest runs, in headless Chromium against the real
//! `leerrecht serve` running `[taken]` on the tiny demo region: one job that went well, one
//! that failed, in words and with the date in the page's style; axe-core checks the page.
//!
//! Needs `chromium`, `chromedriver` and axe-core's `axe.min.js` (at `AXE_CORE_JS`), as
//! `web.rs` does; `LEERRECHT_BROWSERTEST=overslaan` skips it when they are missing.

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{in_runtime, tools, Browser, Demo, Proces};

#[test]
fn the_beheer_page_shows_the_daily_jobs_in_a_browser_sqlite() {
    let Some((chrome, driver, axe)) = tools() else {
        return;
    };
    let demo = Demo::sqlite();
    let dir = tempfile::TempDir::new().unwrap();
    // The backup fails: a file stands where its directory should be made.
    let blok = dir.path().join("geen-map");
    std::fs::write(&blok, "").unwrap();
    let t = (chrono::Local::now() + chrono::Duration::seconds(1))
        .format("%H:%M:%S")
        .to_string();
    let config = dir.path().join("leerrecht.toml");
    std::fs::write(
        &config,
        format!(
            "[taken]\nsignalen = \"{t}\"\nbackup = \"{t}\"\nbackup_map = \"{}\"\n\
             interval_seconden = 1\n",
            blok.join("backups").display()
        ),
    )
    .unwrap();
    let (server, base) = support::serve(
        &demo.db,
        &[("LEERRECHT_CONFIG", config.to_str().unwrap())],
        Stdio::null(),
    );
    let server = Proces(server);
    let begin = Instant::now();
    while !{
        let r = leerrecht_store::open(&demo.db).unwrap().taken().unwrap();
        r.len() == 2 && r.iter().all(|r| r.klaar.is_some())
    } {
        assert!(begin.elapsed() < Duration::from_secs(60), "the jobs ran");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (naam, wachtwoord, geheim) = demo.account_owned("beheer");
    in_runtime(async move {
        let mut s = Browser::bij(server, base, chrome, driver, axe).await;
        let code = leerrecht_app::toegang::auth::current_totp(&geheim, chrono::Utc::now()).unwrap();
        s.inloggen_als(&naam, &wachtwoord, &code).await;
        s.is_ingelogd(&naam).await;
        // axe-core checks the page.
        s.ga("/beheer").await;
        let tabel = s.tekst("#taken").await;
        assert!(tabel.contains("Dagelijkse taken"), "{tabel}");
        let rij = |woord: &str| {
            tabel
                .lines()
                .find(|l| l.starts_with(woord))
                .unwrap_or_else(|| panic!("no row {woord}: {tabel}"))
                .to_string()
        };
        let vandaag = chrono::Local::now().format("%d-%m-%Y").to_string();
        let signalen = rij("Signalen bijwerken");
        assert!(
            signalen.contains("gelukt") && signalen.contains(&vandaag),
            "{signalen}"
        );
        let backup = rij("Backup");
        assert!(
            backup.contains("mislukt") && backup.contains("geen-map"),
            "{backup}"
        );
        s.c.clone().close().await.unwrap();
    });
}
