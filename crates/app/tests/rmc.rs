//! The RMC (docs/domain.md §13) on both databases: the list of early school leavers of 18 to
//! 23 without a startkwalificatie, the RMC case with its contact attempts and outcome, its
//! three-month clock on the worklist, and the RMC figures per gemeente.

mod common;

use common::{bsns_from, d, ingelogd, leerling, Db};
use leerrecht_app::cijfers::Opties;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::{Actor, AppError};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::org::Rol;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::zaak::{Contactwijze, Gebeurtenis, Sluitreden, ZaakSoort};

/// Six young people around RMC age on 1 March 2025, with their BSNs: `links` left without a
/// diploma in December, `diploma` with one, `terug` left in December and enrolled again in
/// February, `jong` left at 17, `oud` is 24, `velsen` (another gemeente of the bureau) left in
/// October.
struct Rmc {
    links: String,
    diploma: String,
    terug: String,
    jong: String,
    oud: String,
    velsen: String,
}

fn regio(db: &Db) -> Rmc {
    db.region();
    let b = bsns_from(600_000_000, 6);
    let jongeren = format!(
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n\
         {};;Links;Lars;2005-06-01;GM0392\n\
         {};;Diploma;Dewi;2005-06-01;GM0392\n\
         {};;Terug;Tess;2005-06-01;GM0392\n\
         {};;Jong;Jip;2008-01-10;GM0392\n\
         {};;Oud;Otto;2001-02-01;GM0392\n\
         {};;Velsen;Vera;2004-04-04;GM0453\n",
        b[0], b[1], b[2], b[3], b[4], b[5]
    );
    db.ok(ImportKind::Jongeren, &jongeren);
    let inschrijvingen = format!(
        "leerling;school;sector;begindatum;einddatum;startkwalificatie\n\
         {};07NU01;VO;2021-08-01;2024-12-20;nee\n\
         {};07NU01;VO;2021-08-01;2024-07-31;ja\n\
         {};07NU01;VO;2021-08-01;2024-12-20;nee\n\
         {};07NU01;VO;2025-02-01;;nee\n\
         {};07NU01;VO;2020-08-01;2024-12-20;nee\n\
         {};07NU01;VO;2017-08-01;2022-07-31;nee\n\
         {};07NU01;VO;2020-08-01;2024-10-31;\n",
        b[0], b[1], b[2], b[2], b[3], b[4], b[5]
    );
    db.ok(ImportKind::Inschrijvingen, &inschrijvingen);
    let mut b = b.into_iter();
    let mut n = || b.next().unwrap();
    Rmc {
        links: n(),
        diploma: n(),
        terug: n(),
        jong: n(),
        oud: n(),
        velsen: n(),
    }
}

fn ongeldig<T: std::fmt::Debug>(r: leerrecht_app::Result<T>, veld: &str) {
    assert!(
        matches!(&r, Err(AppError::Invalid(m)) if m.starts_with(veld)),
        "{veld}: {r:?}"
    )
}

fn the_list_holds_those_of_18_to_23_who_left_without_a_diploma(db: Db) {
    let p = regio(&db);
    let lp = ingelogd(&db, "rmc", "RBL-ZKIJ", Rol::Leerplicht);
    let lijst = |on| {
        db.app
            .rmclijst(&lp, d(on))
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.kop.kop.jongere.leerling_id().to_string(),
                    r.sinds.to_string(),
                    r.laatste_school,
                    r.zaak.is_some(),
                )
            })
            .collect::<Vec<_>>()
    };
    let school = Some("07NU01".to_string());
    assert_eq!(
        lijst("2025-03-01"),
        [
            (p.velsen.clone(), "2024-11-01".into(), school.clone(), false),
            (p.links.clone(), "2024-12-21".into(), school.clone(), false),
        ],
        "not the one with a diploma, the one enrolled again, the one of 17 or of 24"
    );
    // Before February the one who went back was on it too.
    assert_eq!(lijst("2025-01-15").len(), 3);
    // The list is leerplicht's: a school and the policy officer do not get it.
    for (naam, org, rol) in [
        ("juf", "05KO00", Rol::School),
        ("beleid", "GM0392", Rol::Beleid),
    ] {
        let a = ingelogd(&db, naam, org, rol);
        assert!(matches!(
            db.app.rmclijst(&a, d("2025-03-01")),
            Err(AppError::Forbidden(_))
        ));
    }
    // A case only for someone on it.
    let open = |wie: &str, op| db.app.rmc_zaak_openen(&lp, leerling(wie), d(op));
    ongeldig(open(&p.diploma, "2025-03-03"), "jongere:");
    ongeldig(open(&p.jong, "2025-03-03"), "jongere:");
    ongeldig(open(&p.oud, "2025-03-03"), "jongere:");
    ongeldig(open(&p.terug, "2025-03-03"), "jongere:");
    let zaak = open(&p.links, "2025-03-03").unwrap();
    assert!(open(&p.links, "2025-03-04").is_err(), "one open RMC case");
    assert!(lijst("2025-03-03")[1].3, "the list shows the case");
    let rij = db.app.zaak(&lp, zaak, None).unwrap().rij;
    assert_eq!(
        (rij.soort, rij.organisatie.as_str()),
        (ZaakSoort::Rmc, "RBL-ZKIJ")
    );
}

fn an_rmc_case_tries_to_reach_them_and_ends_with_an_outcome(db: Db) {
    let p = regio(&db);
    let lp = ingelogd(&db, "rmc", "RBL-ZKIJ", Rol::Leerplicht);
    let who: LeerlingId = leerling(&p.links);
    let zaak = db.app.rmc_zaak_openen(&lp, who, d("2025-03-03")).unwrap();
    let poging = |datum: &str, wijze, bereikt| {
        db.app
            .contactpoging_vastleggen(&lp, zaak, d(datum), wijze, bereikt)
    };
    ongeldig(
        poging("2025-03-01", Contactwijze::Brief, false),
        "contactpoging:",
    );
    let morgen = db.app.now().date_naive() + chrono::Duration::days(1);
    ongeldig(
        db.app
            .contactpoging_vastleggen(&lp, zaak, morgen, Contactwijze::Brief, false),
        "datum:",
    );
    let sluit = |reden| db.app.zaak_sluiten(&lp, zaak, reden, d("2025-04-01"), "");
    ongeldig(sluit(Sluitreden::NietBereikbaar), "gesloten:");
    poging("2025-03-05", Contactwijze::Telefoon, false).unwrap();
    poging("2025-03-10", Contactwijze::Huisbezoek, true).unwrap();
    ongeldig(sluit(Sluitreden::AanbodGestart), "gesloten:");
    // A school may not record on the case.
    let juf = ingelogd(&db, "juf", "07NU01", Rol::School);
    assert!(matches!(
        db.app
            .contactpoging_vastleggen(&juf, zaak, d("2025-03-11"), Contactwijze::Email, false),
        Err(AppError::Forbidden(_))
    ));
    sluit(Sluitreden::Werk).unwrap();
    let staat = db.app.zaak(&lp, zaak, None).unwrap().staat;
    assert_eq!(staat.contactpogingen.len(), 2);
    assert_eq!(staat.sluitreden, Some(Sluitreden::Werk));
    // Contact attempts belong on an RMC case only.
    let verzuim = db
        .app
        .zaak_openen(&lp, who, ZaakSoort::Verzuim, d("2025-03-03"))
        .unwrap();
    ongeldig(
        db.app.zaak_vastleggen(
            &lp,
            verzuim,
            Gebeurtenis::Contactpoging {
                datum: d("2025-03-05"),
                wijze: Contactwijze::Brief,
                bereikt: true,
            },
        ),
        "contactpoging:",
    );
}

fn the_worklist_keeps_the_three_months_and_the_figures_count_per_gemeente(db: Db) {
    let p = regio(&db);
    let lp = ingelogd(&db, "rmc", "RBL-ZKIJ", Rol::Leerplicht);
    let links = db
        .app
        .rmc_zaak_openen(&lp, leerling(&p.links), d("2025-03-03"))
        .unwrap();
    db.app
        .rmc_zaak_openen(&lp, leerling(&p.velsen), d("2025-03-03"))
        .unwrap();
    db.app
        .contactpoging_vastleggen(&lp, links, d("2025-03-10"), Contactwijze::Gesprek, true)
        .unwrap();
    db.app
        .zaak_sluiten(&lp, links, Sluitreden::Werk, d("2025-04-01"), "")
        .unwrap();
    let items = |on| {
        db.app
            .werklijst(&lp, "RBL-ZKIJ", d(on), &Default::default())
            .unwrap()
            .items
            .into_iter()
            .filter(|i| i.soort == "rmc")
            .map(|i| (i.leerling, i.datum.to_string(), i.te_laat))
            .collect::<Vec<_>>()
    };
    assert!(items("2025-05-01").is_empty(), "more than two weeks to go");
    assert_eq!(
        items("2025-05-25"),
        [(p.velsen.clone(), "2025-06-04".into(), false)],
        "the closed case is done"
    );
    assert_eq!(
        items("2025-06-10"),
        [(p.velsen.clone(), "2025-06-04".into(), true)]
    );
    // The figures of 2024-2025 per gemeente: Haarlem has two new leavers (one reached and at
    // work, one back at school), Velsen one, not yet reached.
    let cijfers = db
        .app
        .rapport_rmc(
            &Actor::local_operator(),
            SchoolYear::new(2024),
            d("2025-07-31"),
            &Opties::default(),
        )
        .unwrap();
    let rijen: Vec<_> = cijfers
        .rijen
        .iter()
        .map(|r| {
            (
                r.gemeente.as_str(),
                [
                    r.nieuw,
                    r.bereikt,
                    r.terug,
                    r.werk,
                    r.zorg,
                    r.niet_bereikbaar,
                ]
                .map(|a| a.getal().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        rijen,
        [
            ("GM0392", [2, 1, 1, 1, 0, 0]),
            ("GM0453", [1, 0, 0, 0, 0, 0])
        ]
    );
    // Published, small counts are hidden.
    let beleid = ingelogd(&db, "beleid", "GM0392", Rol::Beleid);
    let publiek = db
        .app
        .rapport_rmc(
            &beleid,
            SchoolYear::new(2024),
            d("2025-07-31"),
            &Opties::default(),
        )
        .unwrap();
    assert_eq!(publiek.rijen[0].nieuw.tekst(), "<5");
    // The year before has none of them.
    let vorig = db
        .app
        .rapport_rmc(
            &Actor::local_operator(),
            SchoolYear::new(2023),
            d("2025-07-31"),
            &Opties::default(),
        )
        .unwrap();
    assert!(vorig.rijen.iter().all(|r| r.nieuw.getal() == Some(0)));
}

/// The retention purge keeps the file of an early school leaver until their 23rd birthday,
/// for the RMC, where the file of one with a startkwalificatie goes two years after
/// kwalificatieplicht; then the RMC case goes with it.
fn the_purge_keeps_an_early_school_leavers_file_until_23(db: Db) {
    let p = regio(&db);
    let lp = ingelogd(&db, "rmc", "RBL-ZKIJ", Rol::Leerplicht);
    db.app
        .rmc_zaak_openen(&lp, leerling(&p.links), d("2025-03-03"))
        .unwrap();
    let op = Actor::local_operator();
    let weg = |op_dag: &str| {
        let r = db.app.purge(&op, d(op_dag), false).unwrap();
        let mut wie: Vec<_> = r
            .personen
            .iter()
            .filter(|x| x.wat == "dossier")
            .map(|x| x.leerling.to_string())
            .collect();
        wie.sort();
        (wie, r.telling)
    };
    // Born 2005-06-01: kwalificatieplicht ended on the 18th birthday, so two years later the
    // file with the diploma goes, and the one without stays, with its RMC case.
    let (wie, _) = weg("2027-07-01");
    assert!(wie.contains(&p.diploma), "{wie:?}");
    assert!(!wie.contains(&p.links), "{wie:?}");
    let op_lijst = |op_dag: &str| {
        db.app
            .rmclijst(&lp, d(op_dag))
            .unwrap()
            .iter()
            .any(|r| r.kop.kop.jongere.leerling_id().to_string() == p.links)
    };
    assert!(op_lijst("2027-07-01"), "still followed by the RMC");
    // On the 23rd birthday it goes too.
    let (wie, _) = weg("2028-06-01");
    assert!(wie.contains(&p.links), "{wie:?}");
    assert!(!op_lijst("2028-05-31"));
}

on_both!(
    the_purge_keeps_an_early_school_leavers_file_until_23,
    the_list_holds_those_of_18_to_23_who_left_without_a_diploma,
    an_rmc_case_tries_to_reach_them_and_ends_with_an_outcome,
    the_worklist_keeps_the_three_months_and_the_figures_count_per_gemeente,
);
