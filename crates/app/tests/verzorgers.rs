//! Parents and guardians (`import verzorgers`, docs/domain.md §13) on both databases: an
//! import is all or nothing and names every bad row; each young person it names gets exactly
//! the verzorgers of their rows, so a second run changes nothing; they are part of the file
//! the leerplicht officer reads (and named in its audit entry), changed one at a time by the
//! officer and by no one else, and go with it at the retention purge.

mod common;

use chrono::Datelike;
use common::{d, error_places, ingelogd, leerling, Db};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::register::verzorgers::VerzorgerWijziging;
use leerrecht_app::{Actor, AppError};
use leerrecht_domain::brief::Sjabloon;
use leerrecht_domain::ids::GemeenteCode;
use leerrecht_domain::org::Rol;
use leerrecht_domain::verzorger::{adressen, Relatie};
use leerrecht_domain::zaak::{Gebeurtenis, OmBeslissing, PvArtikel, ZaakSoort};

const HEADER: &str = "leerling;naam;relatie;straat;huisnummer;postcode;woonplaats;telefoon;email\n";

/// Sem Jansen's parents at one address and Noor de Vries's guardian.
fn goed() -> String {
    format!(
        "{HEADER}111222333;Anna Jansen;ouder;Kerkstraat;12a;2011ab;Haarlem;023-5551234;anna@example.nl\n\
         111222333;Bram Jansen;ouder;Kerkstraat;12a;2011 AB;Haarlem;;\n\
         123456782;Carla de Vries;voogd;Dorpsweg;3;1971 CD;IJmuiden;+31 6 12345678;\n"
    )
}

fn verzorgers(db: &Db, wie: &str) -> Vec<leerrecht_domain::verzorger::Verzorger> {
    db.app
        .opslag(&Actor::local_operator())
        .unwrap()
        .verzorgers_van(leerling(wie))
        .unwrap()
}

fn a_bad_file_writes_nothing_and_names_every_bad_row(db: Db) {
    db.region();
    let fout = format!(
        "{HEADER}111222333;Anna Jansen;ouder;Kerkstraat;12a;2011 AB;Haarlem;;\n\
         111222333;Anna Jansen;moeder;Kerkstraat;12a;2011 AB;Haarlem;;\n\
         111222333;Bram Jansen;ouder;Kerkstraat;12a;123;Haarlem;12;bram@\n\
         999999990;Dirk Onbekend;ouder;Laan;1;2011 AB;Haarlem;;\n\
         123456782;;voogd;Dorpsweg;3;1971 CD;IJmuiden;;\n"
    );
    let r = db.import(ImportKind::Verzorgers, &fout);
    assert!(!r.committed);
    assert_eq!(
        error_places(&r),
        [
            (3, "relatie"),
            (4, "postcode"),
            (4, "telefoon"),
            (4, "email"),
            (5, "leerling"),
            (6, "naam"),
        ],
        "{:?}",
        r.errors
    );
    // A name given twice for one young person is the store's finding, beside the others.
    let tweede = format!(
        "{HEADER}111222333;Anna Jansen;ouder;Kerkstraat;12a;2011 AB;Haarlem;;\n\
         111222333;Anna Jansen;voogd;Kerkstraat;12a;2011 AB;Haarlem;;\n\
         999999990;Dirk Onbekend;ouder;Laan;1;2011 AB;Haarlem;;\n"
    );
    let r = db.import(ImportKind::Verzorgers, &tweede);
    assert!(!r.committed);
    assert_eq!(
        error_places(&r),
        [(3, "naam"), (4, "leerling")],
        "{:?}",
        r.errors
    );
    assert!(r.errors[0].reason.contains("twice"), "{:?}", r.errors);
    assert!(
        verzorgers(&db, "111222333").is_empty(),
        "nothing was written"
    );
}

fn each_named_young_person_gets_exactly_their_rows(db: Db) {
    db.region();
    let r = db.ok(ImportKind::Verzorgers, &goed());
    assert_eq!((r.counts.nieuw, r.counts.ongewijzigd), (3, 0));
    let sem = verzorgers(&db, "111222333");
    assert_eq!(sem.len(), 2);
    assert_eq!(
        sem[0].adres.postcode.as_str(),
        "2011 AB",
        "one way of writing"
    );
    assert_eq!(sem[0].relatie, Relatie::Ouder);
    assert_eq!(adressen(&sem).len(), 1, "one letter for both parents");
    // A second run of the same file changes nothing.
    let r = db.ok(ImportKind::Verzorgers, &goed());
    assert_eq!(
        (r.counts.nieuw, r.counts.gewijzigd, r.counts.ongewijzigd),
        (0, 0, 3)
    );
    // A file with Sem alone: a new address for one parent, the other left out; Noor's
    // guardian, not named, stays.
    let r = db.ok(
        ImportKind::Verzorgers,
        &format!("{HEADER}111222333;Anna Jansen;ouder;Molenweg;1;2012 EF;Haarlem;;\n"),
    );
    assert_eq!((r.counts.nieuw, r.counts.gewijzigd), (0, 1));
    let sem = verzorgers(&db, "111222333");
    assert_eq!(sem.len(), 1);
    assert_eq!(sem[0].adres.straat, "Molenweg");
    assert_eq!(verzorgers(&db, "123456782").len(), 1);
}

fn the_file_shows_them_and_the_purge_takes_them(db: Db) {
    db.region();
    db.ok(ImportKind::Verzorgers, &goed());
    let op = Actor::local_operator();
    let lp = ingelogd(&db, "officier", "RBL-ZKIJ", Rol::Leerplicht);
    let sem = leerling("111222333");
    let id = db.app.id_van(sem).unwrap().unwrap();
    let f = db
        .app
        .dossier(&lp, &id, d("2025-01-01"), &Default::default())
        .unwrap();
    let namen: Vec<&str> = f.verzorgers.iter().map(|v| v.naam.as_str()).collect();
    assert_eq!(namen, ["Anna Jansen", "Bram Jansen"]);
    let gelezen = db
        .app
        .audit_export(&op, sem)
        .unwrap()
        .into_iter()
        .filter(|e| e.entry.actie == "dossier_bekijken")
        .filter_map(|e| e.entry.record)
        .collect::<Vec<_>>();
    assert!(
        gelezen.iter().any(|r| r.contains("verzorgers")),
        "the file's audit entry names the verzorgers read: {gelezen:?}"
    );
    // The officer changes them one at a time, through the gate; a school may not.
    let anna = f.verzorgers[0].clone();
    let dubbel = db
        .app
        .verzorger_wijzigen(&lp, sem, VerzorgerWijziging::Toevoegen(anna))
        .unwrap_err();
    assert!(dubbel.to_string().contains("naam:"), "{dubbel}");
    db.app
        .verzorger_wijzigen(
            &lp,
            sem,
            VerzorgerWijziging::Verwijderen("Bram Jansen".into()),
        )
        .unwrap();
    assert_eq!(verzorgers(&db, "111222333").len(), 1);
    let school = ingelogd(&db, "juf", "05KO00", Rol::School);
    let geweigerd = db
        .app
        .verzorger_wijzigen(
            &school,
            sem,
            VerzorgerWijziging::Verwijderen("Anna Jansen".into()),
        )
        .unwrap_err();
    assert!(matches!(geweigerd, AppError::Forbidden(_)), "{geweigerd}");
    assert_eq!(verzorgers(&db, "111222333").len(), 1);
    // The purge of September 2032 keeps Sem's file (born 2015) and destroys Noor's (born
    // 2009, who left school without a startkwalificatie: the RMC kept her file until her 23rd
    // birthday) and Daan's (born 2003): their verzorgers go with them.
    db.ok(
        ImportKind::Verzorgers,
        &format!("{HEADER}010000008;Els Visser;ouder;Zeeweg;9;1971 GH;IJmuiden;;\n"),
    );
    let r = db.app.purge(&op, d("2032-09-01"), false).unwrap();
    assert_eq!(r.telling.verzorgers, 2, "{:?}", r.telling);
    assert!(verzorgers(&db, "010000008").is_empty());
    assert!(verzorgers(&db, "123456782").is_empty());
    assert_eq!(verzorgers(&db, "111222333").len(), 1);
}

/// Letters (docs/domain.md §13): one per address, from the gemeente's own template where it
/// has one, made by leerplicht alone, kept on the case and destroyed with the file; beheer
/// changes the templates, and a template with a field that does not exist is refused.
fn letters_go_to_each_address_from_the_gemeentes_template(db: Db) {
    db.region();
    db.ok(ImportKind::Verzorgers, &goed());
    let map = db.dir.path().join("brieven");
    let app =
        leerrecht_app::App::new(leerrecht_store::open(&db.url).unwrap()).met_briefmap(map.clone());
    let op = Actor::local_operator();
    let lp = ingelogd(&db, "officier", "RBL-ZKIJ", Rol::Leerplicht);
    let beheer = ingelogd(&db, "beheerder", "RBL-ZKIJ", Rol::Beheer);
    let sem = leerling("111222333");
    let zaak = app
        .zaak_openen(&lp, sem, ZaakSoort::Verzuim, d("2025-11-03"))
        .unwrap();
    // Bram moves out: two addresses, two letters.
    app.verzorger_wijzigen(
        &lp,
        sem,
        VerzorgerWijziging::Verwijderen("Bram Jansen".into()),
    )
    .unwrap();
    let mut bram = verzorgers(&db, "123456782")[0].clone();
    bram.naam = "Bram Jansen".into();
    app.verzorger_wijzigen(&lp, sem, VerzorgerWijziging::Toevoegen(bram))
        .unwrap();
    // Haarlem's own invitation; a text with a field that does not exist is refused, and
    // only beheer writes them.
    let haarlem: GemeenteCode = "GM0392".parse().unwrap();
    let eigen = "Betreft: uitnodiging\n\nBeste {{aanhef}},\n\nKom met {{voornaam}} praten.";
    let fout = app
        .sjabloon_opslaan(
            &beheer,
            Some(&haarlem),
            Sjabloon::Uitnodiging,
            "{{bsn}} {{voornaam}}",
        )
        .unwrap_err();
    assert!(fout.to_string().contains("bsn"), "{fout}");
    assert!(matches!(
        app.sjabloon_opslaan(&lp, Some(&haarlem), Sjabloon::Uitnodiging, eigen),
        Err(AppError::Forbidden(_))
    ));
    app.sjabloon_opslaan(&beheer, Some(&haarlem), Sjabloon::Uitnodiging, eigen)
        .unwrap();
    assert!(map.join("GM0392/uitnodiging.txt").exists());
    let (brief, pdf) = app.brief_maken(&lp, zaak, Sjabloon::Uitnodiging).unwrap();
    assert_eq!(brief.adressen, 2, "{brief:?}");
    assert_eq!(brief.aan, "Anna Jansen; Bram Jansen");
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert_eq!(doc.get_pages().len(), 2);
    let tweede = doc.extract_text(&[2]).unwrap();
    assert!(
        tweede.contains("Beste Bram Jansen") && tweede.contains("Kom met Sem praten"),
        "{tweede}"
    );
    // Who may make and read them: leerplicht makes them, the school does not see the case.
    let school = ingelogd(&db, "juf", "05KO00", Rol::School);
    assert!(matches!(
        app.brief_maken(&school, zaak, Sjabloon::Waarschuwing),
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        app.brief(&school, brief.id),
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(
        app.brief(&lp, brief.id).unwrap().1,
        pdf,
        "kept as it was made"
    );
    // No melding on the case: nothing to confirm to a school; no parents: no letter.
    let r = app.brief_maken(&lp, zaak, Sjabloon::BevestigingMelding);
    assert!(
        matches!(&r, Err(AppError::Invalid(m)) if m.starts_with("sjabloon:")),
        "{r:?}"
    );
    let noor = leerling("123456782");
    db.ok(
        ImportKind::Verzorgers,
        &format!("{HEADER}111222333;Anna Jansen;ouder;Kerkstraat;12a;2011 AB;Haarlem;;\n"),
    );
    let tweede_zaak = app
        .zaak_openen(&lp, noor, ZaakSoort::Verzuim, d("2025-11-03"))
        .unwrap();
    app.verzorger_wijzigen(
        &lp,
        noor,
        VerzorgerWijziging::Verwijderen("Carla de Vries".into()),
    )
    .unwrap();
    let r = app.brief_maken(&lp, tweede_zaak, Sjabloon::Waarschuwing);
    assert!(
        matches!(&r, Err(AppError::Invalid(m)) if m.starts_with("verzorgers:")),
        "{r:?}"
    );
    assert_eq!(app.brieven(&lp, zaak).unwrap().len(), 1);
    // The letters go with the file.
    let r = app.purge(&op, d("2040-01-01"), false).unwrap();
    assert_eq!(r.telling.brieven, 1, "{:?}", r.telling);
}

/// Enforcement on an absence case (docs/domain.md §13): HALT from 12, one referral at a time
/// and its outcome after it; the worklist reminds of an outcome eight weeks in coming; the
/// Leerplichttelling counts referrals and official reports, also after the file is gone.
fn enforcement_is_reminded_and_counted(db: Db) {
    db.region();
    let lp = ingelogd(&db, "officier", "RBL-ZKIJ", Rol::Leerplicht);
    let (sem, noor) = (leerling("111222333"), leerling("123456782"));
    let vandaag = db.app.now().date_naive();
    let weken = |n| vandaag - chrono::Duration::weeks(n);
    let zaak = |wie| {
        db.app
            .zaak_openen(&lp, wie, ZaakSoort::Verzuim, weken(20))
            .unwrap()
    };
    let (zs, zn) = (zaak(sem), zaak(noor));
    let ongeldig = |r: leerrecht_app::Result<()>, veld: &str| {
        assert!(
            matches!(&r, Err(AppError::Invalid(m)) if m.starts_with(veld)),
            "{veld}: {r:?}"
        )
    };
    // Sem (born 2015) is too young for HALT.
    ongeldig(
        db.app
            .handhaving_vastleggen(&lp, zs, Gebeurtenis::Halt { datum: weken(10) }),
        "datum:",
    );
    // Noor: referred ten weeks ago, one referral at a time, no outcome before it.
    db.app
        .handhaving_vastleggen(&lp, zn, Gebeurtenis::Halt { datum: weken(10) })
        .unwrap();
    ongeldig(
        db.app
            .handhaving_vastleggen(&lp, zn, Gebeurtenis::Halt { datum: weken(9) }),
        "halt:",
    );
    let uitkomst = |datum| Gebeurtenis::HaltUitkomst {
        datum,
        afgerond: false,
    };
    ongeldig(
        db.app.handhaving_vastleggen(&lp, zn, uitkomst(weken(11))),
        "halt_uitkomst:",
    );
    let herinneringen = || {
        db.app
            .werklijst(&lp, "RBL-ZKIJ", vandaag, &Default::default())
            .unwrap()
            .items
            .into_iter()
            .filter(|i| i.soort == "handhaving")
            .map(|i| i.leerling)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        herinneringen(),
        [noor.to_string()],
        "eight weeks without an outcome"
    );
    // Not completed: an official report to the parents, a week ago; then the decision.
    db.app
        .handhaving_vastleggen(&lp, zn, uitkomst(weken(2)))
        .unwrap();
    db.app
        .handhaving_vastleggen(
            &lp,
            zn,
            Gebeurtenis::ProcesVerbaal {
                datum: weken(1),
                artikel: PvArtikel::Art2,
            },
        )
        .unwrap();
    assert!(herinneringen().is_empty(), "the report is a week old");
    let school = ingelogd(&db, "juf", "05KO00", Rol::School);
    let om = |datum| Gebeurtenis::OmUitspraak {
        datum,
        beslissing: OmBeslissing::Strafbeschikking,
        sanctie: "geldboete € 150".into(),
    };
    assert!(matches!(
        db.app.handhaving_vastleggen(&school, zn, om(vandaag)),
        Err(AppError::Forbidden(_))
    ));
    ongeldig(
        db.app
            .handhaving_vastleggen(&lp, zn, om(vandaag + chrono::Duration::days(1))),
        "datum:",
    );
    db.app.handhaving_vastleggen(&lp, zn, om(vandaag)).unwrap();
    // The count of the school year of the referral, now and after the file is destroyed.
    let jaar = leerrecht_domain::schoolyear::SchoolYear::containing(weken(10));
    let telling = |op: &str| {
        db.leerplichttelling(jaar.first_day().year(), op)
            .handhaving
            .iter()
            .map(|h| (h.soort, h.aantal.getal()))
            .collect::<Vec<_>>()
    };
    let verwacht = [("halt", Some(1)), ("art2", Some(1)), ("art4", Some(0))];
    assert_eq!(telling(&vandaag.to_string()), verwacht);
    db.app
        .purge(&Actor::local_operator(), d("2040-01-01"), false)
        .unwrap();
    assert_eq!(
        telling("2040-01-01"),
        verwacht,
        "the figures outlive the file"
    );
}

on_both!(
    a_bad_file_writes_nothing_and_names_every_bad_row,
    each_named_young_person_gets_exactly_their_rows,
    the_file_shows_them_and_the_purge_takes_them,
    letters_go_to_each_address_from_the_gemeentes_template,
    enforcement_is_reminded_and_counted,
);
