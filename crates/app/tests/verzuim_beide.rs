//! The two databases keep absence the same way: random absence files — good ones, and ones
//! with unknown pupils, days outside an enrolment, repeated keys, weekends and holidays — go
//! into SQLite and PostgreSQL one after another, and after each file everything a user can
//! see of them is compared: the import's answer (counts, every bad row, committed or not),
//! each pupil's absence, the signals of an incremental run and the draft meldings it makes.
//! A run over everyone at the end must find nothing to change on either.

mod common;

use chrono::Duration;
use common::*;
use leerrecht_app::config::Config;
use leerrecht_app::register::import::{ImportKind, ImportReport};
use leerrecht_app::Actor;
use leerrecht_domain::ids::LeerlingId;
use proptest::prelude::*;

const KALENDER: &str = "naam;van;tot;school\nHerfstvakantie;2024-10-19;2024-10-27;\n";

/// A row of a file: pupil, school, day offset from 1 June 2024, kind, minutes, whole day.
type Rij = (usize, usize, i64, usize, u16, bool);

const LEERLINGEN: [&str; 5] = [
    "111222333",
    "123456782",
    "101222331",
    "010000008", // in the register, never enrolled
    "999999904", // not in the register
];
const SCHOLEN: [&str; 2] = ["05KO00", "07NU01"];
const SOORTEN: [&str; 5] = ["ongeoorloofd", "luxe", "te_laat", "ziek", "geoorloofd"];

/// A row that passes every check: a pupil at the school they are enrolled at, on a day of
/// that enrolment.
fn goede_rij() -> impl Strategy<Value = Rij> {
    (0usize..3, 0i64..560, 0usize..5, 1u16..480, any::<bool>()).prop_map(
        |(p, dag, soort, min, hele)| match p {
            0 => (0, 0, dag, soort, min, hele),
            // Enrolled until 31 July 2024.
            1 => (1, 1, dag % 61, soort, min, hele),
            _ => (2, 1, dag, soort, min, hele),
        },
    )
}

fn willekeurige_rij() -> impl Strategy<Value = Rij> {
    (
        0usize..5,
        0usize..2,
        0i64..560,
        0usize..5,
        0u16..480,
        any::<bool>(),
    )
}

/// Mostly good files (so that absence builds up), some with bad rows.
fn bestand() -> impl Strategy<Value = Vec<Rij>> {
    prop_oneof![
        3 => prop::collection::vec(goede_rij(), 0..40),
        1 => prop::collection::vec(willekeurige_rij(), 1..12),
    ]
}

fn csv(rows: &[Rij]) -> String {
    let start = d("2024-06-01");
    let mut s = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    for &(p, sc, dag, soort, min, hele) in rows {
        s.push_str(&format!(
            "{};{};{};{};{};{}\n",
            LEERLINGEN[p],
            SCHOLEN[sc],
            start + Duration::days(dag),
            SOORTEN[soort],
            min,
            if hele { "ja" } else { "nee" }
        ));
    }
    s
}

fn antwoord(r: &ImportReport) -> String {
    let errors: Vec<String> = r
        .errors
        .iter()
        .map(|e| format!("{}:{}:{}", e.line, e.column, e.reason))
        .collect();
    format!(
        "rows {} counts {:?} committed {} errors {:?}",
        r.rows, r.counts, r.committed, errors
    )
}

/// Everything a user sees of the absence and what it made, as lines to compare.
fn stand(db: &Db, store: &dyn leerrecht_store::Store) -> Vec<String> {
    let mut out = Vec::new();
    for l in &LEERLINGEN[..4] {
        let id: LeerlingId = l.parse().unwrap();
        for v in store
            .verzuim_van(id, d("2020-01-01"), d("2030-01-01"))
            .unwrap()
        {
            out.push(format!("verzuim {l} {v:?}"));
        }
    }
    for s in db.signals("2030-01-01", None) {
        let school = s.school.unwrap_or_default();
        out.push(format!(
            "signaal {} {school} {} {} {}",
            s.leerling, s.regel, s.datum, s.uitleg
        ));
    }
    let mut concepten: Vec<String> = store
        .concepten(d("2020-01-01"), d("2030-01-01"))
        .unwrap()
        .iter()
        .map(|c| format!("concept {c:?}"))
        .collect();
    concepten.sort();
    out.extend(concepten);
    out
}

fn region(db: &Db) {
    db.region();
    db.ok(ImportKind::Kalender, KALENDER);
}

fn zelfde(files: Vec<Vec<Rij>>) -> Result<(), TestCaseError> {
    let dbs = [sqlite(), postgres()];
    let stores: Vec<_> = dbs
        .iter()
        .map(|db| leerrecht_store::open(&db.url).unwrap())
        .collect();
    let actor = Actor::local_operator();
    let config = Config::default();
    for db in &dbs {
        region(db);
    }
    for (n, f) in files.iter().enumerate() {
        let content = csv(f);
        let a: Vec<String> = dbs
            .iter()
            .map(|db| antwoord(&db.import(ImportKind::Verzuim, &content)))
            .collect();
        prop_assert_eq!(&a[0], &a[1], "the answer to file {}:\n{}", n, content);
        let runs: Vec<_> = dbs
            .iter()
            .map(|db| {
                let regels = db.app.regels(&actor, &config, d("2026-01-01")).unwrap();
                db.app.update_signals(&actor, &regels, false).unwrap()
            })
            .collect();
        prop_assert_eq!(runs[0], runs[1], "the signal run after file {}", n);
        let s: Vec<_> = dbs
            .iter()
            .zip(&stores)
            .map(|(db, st)| stand(db, st.as_ref()))
            .collect();
        prop_assert_eq!(
            &s[0],
            &s[1],
            "what is stored after file {}:\n{}",
            n,
            content
        );
    }
    // Everything is up to date: a run over every pupil changes nothing, on either.
    for db in &dbs {
        let regels = db.app.regels(&actor, &config, d("2026-01-01")).unwrap();
        let run = db.app.update_signals(&actor, &regels, true).unwrap();
        prop_assert_eq!(run.gewijzigd, 0, "{}", db.url);
        prop_assert_eq!((run.concepten, run.ingetrokken), (0, 0));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_absence_files_are_kept_alike_on_both_databases(
        files in prop::collection::vec(bestand(), 1..5)
    ) {
        zelfde(files)?;
    }
}
