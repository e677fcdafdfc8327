//! The shared thuiszitters list: the registraties import and changes of category, on both
//! databases.

mod common;

use common::{
    assert_error_says, clock_on, counts_per_category, d, end_registration, error_places, gebied,
    leerling as id, register_as, Db, NU_INGESCHREVEN,
};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_domain::thuiszitters::{Categorie, Niveau, Oorzaak};

const HEADER: &str = "leerling;categorie;oorzaak;van;tot\n";

fn region(db: &Db) {
    db.region();
    db.ok(ImportKind::Inschrijvingen, NU_INGESCHREVEN);
}

/// Each stored period as `categorie oorzaak van..tot`.
fn periods(db: &Db, who: &str) -> Vec<String> {
    db.app
        .registraties(&Actor::local_operator(), id(who))
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}..{}",
                r.categorie,
                r.oorzaak,
                r.van(),
                r.tot().map(|t| t.to_string()).unwrap_or_default()
            )
        })
        .collect()
}

fn import_and_reimport(db: Db) {
    region(&db);
    let file = format!(
        "{HEADER}123456782;dreigend_thuiszittend;psychisch;2025-01-06;2025-02-02
123456782;thuiszittend;psychisch;2025-02-03;
101222331;absoluut_verzuim;thuissituatie;03-03-2025;
"
    );
    let r = db.ok(ImportKind::Registraties, &file);
    assert_eq!(
        (r.counts.nieuw, r.counts.gewijzigd, r.counts.ongewijzigd),
        (3, 0, 0)
    );
    assert_eq!(
        periods(&db, "123456782"),
        [
            "dreigend_thuiszittend psychisch 2025-01-06..2025-02-02",
            "thuiszittend psychisch 2025-02-03.."
        ]
    );
    let again = db.ok(ImportKind::Registraties, &file);
    assert_eq!(
        (
            again.counts.nieuw,
            again.counts.gewijzigd,
            again.counts.ongewijzigd
        ),
        (0, 0, 3)
    );
    // The spreadsheet closes the open period and adds the next, in either order of lines.
    let next = format!(
        "{HEADER}123456782;nazorg;overig;2025-06-01;
123456782;thuiszittend;complex;2025-02-03;2025-05-31
"
    );
    let r = db.ok(ImportKind::Registraties, &next);
    assert_eq!((r.counts.nieuw, r.counts.gewijzigd), (1, 1));
    assert_eq!(
        periods(&db, "123456782")[1..],
        [
            "thuiszittend complex 2025-02-03..2025-05-31",
            "nazorg overig 2025-06-01.."
        ]
    );
}

fn invalid_rows_write_nothing(db: Db) {
    region(&db);
    // 101222331 stays at school here.
    db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum\n101222331;07NU01;VO;2020-08-24;\n",
    );
    db.ok(
        ImportKind::Registraties,
        &format!("{HEADER}123456782;thuiszittend;psychisch;2025-02-03;\n"),
    );
    let bad = format!(
        "{HEADER}101222331;thuiszittend;gedrag;2025-03-01;2025-03-31
101222331;nazorg;gedrag;2025-03-31;
123456782;nazorg;complex;2025-04-01;
999999990;thuiszittend;gedrag;2025-03-01;
111222333;thuis;ruzie;2025-03-01;2025-02-01
111222333;thuiszittend;gedrag;2099-01-01;
101222331;thuiszittend;gedrag;2025-03-01;
"
    );
    let r = db.import(ImportKind::Registraties, &bad);
    assert!(!r.committed);
    let got = error_places(&r);
    assert_eq!(
        got,
        [
            (3, "van"),      // overlaps line 2 on 2025-03-31
            (4, "van"),      // overlaps the stored open period from 2025-02-03
            (5, "leerling"), // fails the 11-proef: not a person
            (6, "categorie"),
            (6, "oorzaak"),
            (6, "tot"), // ends before it starts
            (7, "van"), // in the future
            (8, "van"), // the same period twice in the file
        ],
        "{:#?}",
        r.errors
    );
    assert_error_says(&r, 1, "2025-02-03");
    assert_eq!(
        periods(&db, "101222331"),
        Vec::<String>::new(),
        "nothing written"
    );
    assert_eq!(
        periods(&db, "123456782"),
        ["thuiszittend psychisch 2025-02-03.."]
    );
}

fn a_change_of_category_closes_one_period_and_opens_the_next(db: Db) {
    region(&db);
    let op = Actor::local_operator();
    let who = id("123456782");
    register_as(
        &db.app,
        who,
        "dreigend_thuiszittend",
        "onbekend",
        "2025-01-06",
    );
    register_as(&db.app, who, "thuiszittend", "psychisch", "2025-02-03");
    // A correction on the same day replaces that period rather than adding one.
    register_as(
        &db.app,
        who,
        "thuiszittend",
        "psychisch_thuis",
        "2025-02-03",
    );
    assert_eq!(
        periods(&db, "123456782"),
        [
            "dreigend_thuiszittend onbekend 2025-01-06..2025-02-02",
            "thuiszittend psychisch_thuis 2025-02-03.."
        ]
    );
    // Changes go forward only.
    assert!(db
        .app
        .registratie_wijzigen(
            &op,
            who,
            Some((Categorie::Nazorg, Oorzaak::Overig)),
            d("2025-01-20")
        )
        .is_err());
    // The clock runs from the start of home-sitting; no offer is known yet. The deadline is
    // three months to the day: the run has lasted "more than three months" from the day after.
    let k = clock_on(&db.app, who, "2025-06-10").unwrap();
    assert_eq!(
        (k.begin, k.termijn, k.niveau),
        (d("2025-02-03"), d("2025-05-03"), Niveau::Bestuurlijk)
    );
    end_registration(&db.app, who, "2025-06-11");
    assert_eq!(
        periods(&db, "123456782")[1],
        "thuiszittend psychisch_thuis 2025-02-03..2025-06-10"
    );
    assert_eq!(clock_on(&db.app, who, "2025-06-11"), None);
}

fn figures_per_category_and_cause(db: Db) {
    region(&db);
    db.ok(
        ImportKind::Registraties,
        &format!(
            "{HEADER}123456782;dreigend_thuiszittend;psychisch;2025-01-06;2025-02-02
123456782;thuiszittend;psychisch;2025-02-03;
101222331;absoluut_verzuim;thuissituatie;2025-03-03;
111222333;langdurig_ziek;langdurig_ziek;2025-01-01;2025-02-28
"
        ),
    );
    use leerrecht_app::cijfers::Gebied;
    let op = Actor::local_operator();
    let r = db
        .app
        .rapport_peildatum(
            &op,
            &[d("2025-01-15"), d("2025-03-15")],
            &Gebied::default().into(),
        )
        .unwrap();
    let rows = counts_per_category(&r);
    assert_eq!(
        rows,
        [
            ("thuiszittend", vec![0, 1]),
            ("absoluut_verzuim", vec![0, 1]),
            ("dreigend_thuiszittend", vec![1, 0]),
            ("langdurig_ziek", vec![1, 0]),
            ("nazorg", vec![0, 0]),
            ("totaal", vec![2, 2]),
        ]
    );
    // One gemeente: 101222331 lives in GM0453, the others in GM0392.
    let velsen = gebied("gemeente", "GM0453");
    let r = db
        .app
        .rapport_peildatum(&op, &[d("2025-03-15")], &velsen.into())
        .unwrap();
    assert_eq!(r.rijen.last().unwrap().aantallen[0].n, 1);
    let o = db
        .app
        .rapport_oorzaken(&op, d("2025-03-15"), &Gebied::default().into())
        .unwrap();
    let counted: Vec<(&str, u64)> = o
        .rijen
        .iter()
        .filter(|r| r.aantal.n > 0)
        .map(|r| (r.oorzaak, r.aantal.n))
        .collect();
    assert_eq!(
        counted,
        [("psychisch", 1), ("thuissituatie", 1), ("totaal", 2)]
    );
    assert!(db
        .app
        .rapport_oorzaken(&op, d("2025-03-15"), &gebied("gemeente", "GM9999").into())
        .is_err());
}

on_both!(
    figures_per_category_and_cause,
    import_and_reimport,
    invalid_rows_write_nothing,
    a_change_of_category_closes_one_period_and_opens_the_next,
);
