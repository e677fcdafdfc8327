//! Migration V32 on both databases: an administrator from before administrators needed a
//! second factor loses the sessions opened with a password alone, and sets up a second
//! factor at the next login: after the password the new secret, then a first code from it.

use leerrecht_app::toegang::auth::{current_totp, hash_password};
use leerrecht_app::{App, LoginFout};
use leerrecht_store::access::{moment, token_hash};
use leerrecht_store::backup::migrate_to;
use leerrecht_testkit::{sqlite_url, PgCluster};

const WACHTWOORD: &str = "een-lang-genoeg-wachtwoord-2026";

fn upgrade(url: &str, sqlite: bool) {
    migrate_to(url, 31).unwrap();
    let nu = moment(chrono::Utc::now());
    let sql = format!(
        "INSERT INTO organisaties (code, soort, naam, gemeente, regio, swv) VALUES
           ('RBL-ZK', 'leerplicht', 'Bureau Leerplicht', NULL, NULL, NULL);
         INSERT INTO gebruikers (gebruikersnaam, organisatie, rol, wachtwoord, totp_geheim, aangemaakt)
           VALUES ('bh', 'RBL-ZK', 'beheer', '{hash}', NULL, '{nu}'),
                  ('bl', 'RBL-ZK', 'beleid', '{hash}', NULL, '{nu}');
         INSERT INTO sessies (token_hash, gebruiker_id, aangemaakt, laatst_gebruikt, verloopt, ingetrokken, bron)
           SELECT '{th}' || gebruikersnaam, id, '{nu}', '{nu}', '2999-01-01T00:00:00.000000Z', NULL, 'ip'
           FROM gebruikers;",
        hash = hash_password(WACHTWOORD),
        th = &token_hash("lrs_voor")[..40],
    );
    if sqlite {
        let path = url.strip_prefix("sqlite://").unwrap();
        rusqlite::Connection::open(path)
            .unwrap()
            .execute_batch(&sql)
            .unwrap();
    } else {
        leerrecht_store::postgres_tls::connect(url)
            .unwrap()
            .batch_execute(&sql)
            .unwrap();
    }
    let app = App::new(leerrecht_store::open(url).unwrap());
    let store = app.opslag(&leerrecht_app::Actor::local_operator()).unwrap();
    let sessie = |naam: &str| {
        let h = format!("{}{naam}", &token_hash("lrs_voor")[..40]);
        store.sessie(&h).unwrap().unwrap().ingetrokken.is_some()
    };
    assert!(sessie("bh"), "the administrator's old session ended");
    assert!(
        !sessie("bl"),
        "beleid needs no second factor: its session lives on"
    );
    let bh = store.gebruiker("bh").unwrap().unwrap();
    assert!(bh.totp_inschrijven && bh.totp_geheim.is_none());
    assert!(!store.gebruiker("bl").unwrap().unwrap().totp_inschrijven);

    let geheim = match app.login("bh", WACHTWOORD, None, "ip").unwrap() {
        Err(LoginFout::Inschrijven(i)) => {
            assert!(i.uri.contains(&i.geheim));
            i.geheim
        }
        other => panic!("the set-up after the password: {other:?}"),
    };
    // Asked again, the same secret is on offer.
    match app.login("bh", WACHTWOORD, None, "ip").unwrap() {
        Err(LoginFout::Inschrijven(i)) => assert_eq!(i.geheim, geheim),
        other => panic!("{other:?}"),
    }
    let code = current_totp(&geheim, app.now()).unwrap();
    assert!(app
        .login("bh", WACHTWOORD, Some(&code), "ip")
        .unwrap()
        .is_ok());
    let bh = store.gebruiker("bh").unwrap().unwrap();
    assert_eq!(bh.totp_geheim.as_deref(), Some(geheim.as_str()));
    assert!(!bh.totp_inschrijven);
    // From now on the code is needed.
    assert_eq!(
        app.login("bh", WACHTWOORD, None, "ip")
            .unwrap()
            .unwrap_err(),
        LoginFout::CodeNodig
    );
}

#[test]
fn beheer_sets_up_a_second_factor_after_the_upgrade_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    upgrade(&sqlite_url(&dir), true);
}

#[test]
fn beheer_sets_up_a_second_factor_after_the_upgrade_postgres() {
    upgrade(&PgCluster::shared().fresh_database(), false);
}
