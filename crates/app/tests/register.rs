//! The register's use cases against both real databases: every scenario runs once on SQLite
//! and once on a throwaway PostgreSQL cluster, and must behave the same on both.

mod common;

use common::*;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::Actor;
use leerrecht_domain::ids::LeerlingId;

on_both!(
    imports_round_trip_and_are_idempotent,
    invalid_rows_are_all_reported_and_nothing_is_written,
    enrolment_overlaps_and_unknown_people_are_refused,
    onderwijsnummer_rules,
    dry_run_counts_but_keeps_nothing,
);

const KALENDER: &str = "naam;van;tot;school
Herfstvakantie;2025-10-18;2025-10-26;
Studiedag;2025-11-12;2025-11-12;05KO00
";

fn imports_round_trip_and_are_idempotent(db: Db) {
    let r = db.ok(ImportKind::Organisaties, ORGS);
    assert_eq!((r.counts.nieuw, r.rows), (6, 6));
    let r = db.ok(ImportKind::Jongeren, JONGEREN);
    assert_eq!(r.counts.nieuw, 4);
    let r = db.ok(ImportKind::Inschrijvingen, INSCHRIJVINGEN);
    assert_eq!(r.counts.nieuw, 3);
    let r = db.ok(ImportKind::Kalender, KALENDER);
    assert_eq!(r.counts.nieuw, 2);

    let orgs = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .organisaties()
        .unwrap();
    let rbl = orgs.iter().find(|o| o.code.as_str() == "RBL-ZKIJ").unwrap();
    assert_eq!(rbl.bedient.len(), 2);
    let school = orgs.iter().find(|o| o.code.as_str() == "05KO00").unwrap();
    assert_eq!(school.swv.as_ref().unwrap().as_str(), "SWV-PO-ZK");
    let vak = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .vakanties()
        .unwrap();
    assert_eq!(vak.len(), 2);
    assert_eq!(vak[1].school.as_ref().unwrap().as_str(), "05KO00");

    // On 2025-10-01: Sem (10) leerplichtig at 05KO00; Noor (16) leerplichtig, enrolment ended;
    // Lotte (17) kwalificatieplichtig at 07NU01; Daan (22) neither.
    assert_eq!(
        db.people("2025-10-01"),
        [
            "123456782 De Vries leerplichtig  ",
            "111222333 Jansen leerplichtig 05KO00 PO",
            "101222331 Bakker kwalificatieplichtig 07NU01 VO",
            "010000008 Visser geen  ",
        ]
    );
    let o = db
        .app
        .overzicht(&Actor::local_operator(), d("2025-10-01"))
        .unwrap();
    let counts: Vec<_> = o
        .gemeenten
        .iter()
        .map(|g| {
            (
                g.gemeente.as_str(),
                g.naam.as_str(),
                g.jongeren,
                g.leerplichtig,
                g.leerplichtig_ingeschreven,
                g.kwalificatieplichtig,
                g.kwalificatieplichtig_ingeschreven,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("GM0392", "Haarlem", 2, 2, 1, 0, 0),
            ("GM0453", "Velsen", 2, 0, 0, 1, 1)
        ]
    );

    // The same files again: nothing changes.
    for (kind, content) in [
        (ImportKind::Organisaties, ORGS),
        (ImportKind::Jongeren, JONGEREN),
        (ImportKind::Inschrijvingen, INSCHRIJVINGEN),
        (ImportKind::Kalender, KALENDER),
    ] {
        let r = db.ok(kind, content);
        assert_eq!(
            (r.counts.nieuw, r.counts.gewijzigd, r.counts.ongewijzigd),
            (0, 0, r.rows),
            "{kind}"
        );
    }
    // A move and an ended enrolment are changes, reported as such.
    let r = db.ok(
        ImportKind::Jongeren,
        "bsn;achternaam;voornamen;geboortedatum;gemeente\n111222333;Jansen;Sem;2015-03-10;GM0453\n",
    );
    assert_eq!((r.counts.gewijzigd, r.counts.ongewijzigd), (1, 0));
    let r = db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum\n111222333;05KO00;PO;2019-08-20;2025-07-31\n",
    );
    assert_eq!(r.counts.gewijzigd, 1);
    // Sem now lives in Velsen, is listed there, and is no longer enrolled on the date.
    assert_eq!(
        db.people("2025-10-01"),
        [
            "123456782 De Vries leerplichtig  ",
            "101222331 Bakker kwalificatieplichtig 07NU01 VO",
            "111222333 Jansen leerplichtig  ",
            "010000008 Visser geen  ",
        ]
    );
}

fn invalid_rows_are_all_reported_and_nothing_is_written(db: Db) {
    db.ok(ImportKind::Organisaties, ORGS);
    let r = db.import(
        ImportKind::Jongeren,
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
111222333;;Jansen;Sem;2015-03-10;GM0392
111222334;;Fout;Bsn;2015-03-10;GM0392
123456782;;Elders;Iemand;2010-01-01;GM9999
010000008;;;Leeg;2010-01-01;GM0392
;;Zonder;Nummer;2010-01-01;GM0392
111222333;;Jansen;Dubbel;2015-03-10;GM0392
",
    );
    assert!(!r.committed);
    let got = error_places(&r);
    assert_eq!(
        got,
        [
            (3, "bsn"),
            (4, "gemeente"),
            (5, "achternaam"),
            (6, "bsn"),
            (7, "bsn")
        ]
    );
    assert_error_says(&r, 0, "11-proef");
    assert_error_says(&r, 4, "first on line 2");
    assert!(
        db.people("2025-10-01").is_empty(),
        "a bad file writes nothing"
    );

    let r = db.import(
        ImportKind::Kalender,
        "naam;van;tot\nKerst;2025-12-20;2025-12-01\nX;31-02-2025;2025-03-01\n",
    );
    assert_eq!(error_places(&r), [(2, "tot"), (3, "van")]);
    assert!(db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .vakanties()
        .unwrap()
        .is_empty());

    let r = db.import(
        ImportKind::Organisaties,
        "code;soort;naam;gemeente;regio;swv;bedient\n12AB00;school;Zonder gemeente;;;;\nGGD-X;ggd;GGD;;;;GM0999\nGM0392;gemeente;Haarlem;;;;\n",
    );
    assert_eq!(error_places(&r), [(2, "gemeente"), (3, "bedient")]);
    let r = db.import(ImportKind::Jongeren, "bsn;naam\n1;2\n");
    assert_eq!(
        error_places(&r),
        [
            (1, "naam"),
            (1, "achternaam"),
            (1, "geboortedatum"),
            (1, "gemeente")
        ]
    );
}

fn enrolment_overlaps_and_unknown_people_are_refused(db: Db) {
    db.region();
    let r = db.import(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum
999999990;05KO00;PO;2019-08-20;
111222333;99ZZ00;PO;2019-08-20;
111222333;05KO00;XO;2019-08-20;
123456782;07NU01;VO;2024-08-01;2024-07-01
123456782;07NU01;VO;2024-01-01;2025-07-31
010000008;05KO00;PO;2010-08-01;2015-07-31
010000008;05KO00;PO;2015-07-01;
010000008;07NU01;VO;2015-08-01;
",
    );
    let got = error_places(&r);
    assert_eq!(
        got,
        [
            (2, "leerling"),
            (3, "school"),
            (4, "sector"),
            (5, "einddatum"),
            (6, "begindatum"),
            (8, "begindatum"),
        ],
        "{:?}",
        r.errors
    );
    assert_error_says(&r, 4, "from 2021-08-23 to 2024-07-31");
    assert_error_says(&r, 5, "from 2010-08-01 to 2015-07-31");
    // Enrolled at two schools at once is allowed; nothing of this file was kept.
    assert_eq!(
        db.people("2015-09-01")[3],
        "010000008 Visser leerplichtig  "
    );
}

fn onderwijsnummer_rules(db: Db) {
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(ImportKind::Jongeren, JONGEREN);
    // Lotte, known by onderwijsnummer only, gets a BSN: the same person, now with both.
    let r = db.ok(
        ImportKind::Jongeren,
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n100000009;101222331;Bakker;Lotte;2008-05-05;GM0453\n",
    );
    assert_eq!((r.counts.nieuw, r.counts.gewijzigd), (0, 1));
    let by_bsn = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .jongere("100000009".parse::<LeerlingId>().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(by_bsn.onderwijsnummer().unwrap().to_string(), "101222331");
    // Another person cannot take that onderwijsnummer.
    let r = db.import(
        ImportKind::Jongeren,
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n123456782;101222331;De Vries;Noor;2009-09-01;GM0392\n",
    );
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].column, "onderwijsnummer");
    // A BSN in the onderwijsnummer column is refused.
    let r = db.import(
        ImportKind::Jongeren,
        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n;111222333;X;Y;2009-09-01;GM0392\n",
    );
    assert_eq!(r.errors[0].column, "onderwijsnummer");
}

fn dry_run_counts_but_keeps_nothing(db: Db) {
    db.ok(ImportKind::Organisaties, ORGS);
    let r = db.import_opt(ImportKind::Jongeren, JONGEREN, true);
    assert!(r.errors.is_empty());
    assert!(!r.committed);
    assert_eq!(r.counts.nieuw, 4);
    assert!(db.people("2025-10-01").is_empty());
}
