//! Absence, meldingen and signals against both real databases: what a leerplicht officer
//! would see after a school sends its absence, run once on SQLite and once on PostgreSQL.

mod common;

use common::*;
use leerrecht_app::config::Config;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::Actor;
use leerrecht_domain::rules::Regel;

on_both!(
    absence_becomes_signals_once_and_incrementally,
    absence_import_checks_enrolment_and_folds_a_day,
    a_change_of_rules_applies_from_its_date,
    absoluut_verzuim_lists_the_unenrolled,
    meldingen_are_imported_all_or_nothing,
    a_long_meldingen_file_is_checked_as_one,
    absence_split_over_files_makes_the_same_signals,
    a_new_study_day_re_evaluates_the_school_and_withdraws_a_draft,
    signals_of_one_day_and_school_list_by_pupil_then_rule,
);

const KALENDER: &str = "naam;van;tot;school\nHerfstvakantie;2025-10-18;2025-10-26;\n";

fn region(db: &Db) {
    db.region();
    db.ok(ImportKind::Kalender, KALENDER);
}

/// Runs the signals as the command does and lists them up to `on`.
fn signals(db: &Db, config: &Config, on: &str) -> (leerrecht_store::SignaalRun, Vec<String>) {
    let actor = Actor::local_operator();
    let regels = db.app.regels(&actor, config, d("2026-11-25")).unwrap();
    let run = db.app.update_signals(&actor, &regels, false).unwrap();
    (run, list(db, on, None))
}

fn list(db: &Db, on: &str, regel: Option<Regel>) -> Vec<String> {
    db.signals(on, regel)
        .into_iter()
        .map(|s| {
            let school = s.school.unwrap_or_default();
            format!("{} {school} {} {}", s.leerling, s.regel, s.datum)
        })
        .collect()
}

// Sem truants four mornings in a row (8, 9, 10, 11 September 2025): the preventive signal at
// 480 minutes, the 16-hour report at 960. Lotte is late nine times, and takes a day of luxury
// absence on the Friday before the autumn holiday.
const VERZUIM: &str = "leerling;school;datum;soort;minuten;hele_dag
111222333;05KO00;2025-09-08;ongeoorloofd;240;nee
111222333;05KO00;2025-09-09;ongeoorloofd;240;nee
111222333;05KO00;2025-09-10;ongeoorloofd;240;nee
111222333;05KO00;2025-09-11;ongeoorloofd;240;nee
101222331;07NU01;2025-09-01;te_laat;10;
101222331;07NU01;2025-09-02;te_laat;10;
101222331;07NU01;2025-09-03;te_laat;10;
101222331;07NU01;2025-09-04;te_laat;10;
101222331;07NU01;2025-09-05;te_laat;10;
101222331;07NU01;2025-09-08;te_laat;10;
101222331;07NU01;2025-09-09;te_laat;10;
101222331;07NU01;2025-09-10;te_laat;10;
101222331;07NU01;2025-09-11;te_laat;10;
101222331;07NU01;2025-10-17;luxe;360;ja
";

fn absence_becomes_signals_once_and_incrementally(db: Db) {
    region(&db);
    let r = db.ok(ImportKind::Verzuim, VERZUIM);
    assert_eq!(r.counts.nieuw, 14);
    let config = Config::default();
    let (run, listed) = signals(&db, &config, "2025-12-31");
    assert_eq!((run.leerlingen, run.rijen), (2, 14));
    // By date, then school.
    let expected = [
        "111222333 05KO00 signaal 2025-09-09",
        "111222333 05KO00 16uur 2025-09-11",
        "101222331 07NU01 te_laat 2025-09-11",
        "101222331 07NU01 luxe 2025-10-17",
    ];
    let mut got = listed.clone();
    got.retain(|s| !s.contains(" av "));
    assert_eq!(got, expected);
    // Listing up to an earlier date shows what was known then.
    assert_eq!(
        list(&db, "2025-09-10", None)
            .into_iter()
            .filter(|s| !s.contains(" av "))
            .collect::<Vec<_>>(),
        ["111222333 05KO00 signaal 2025-09-09"]
    );
    assert_eq!(
        list(&db, "2025-12-31", Some(Regel::Uur16)),
        ["111222333 05KO00 16uur 2025-09-11"]
    );
    // A second run has nothing to do and stores nothing twice.
    let (run, again) = signals(&db, &config, "2025-12-31");
    assert_eq!(run.leerlingen, 0);
    assert_eq!(again, listed);
    // New absence of one pupil: only that pupil is evaluated again.
    db.ok(
        ImportKind::Verzuim,
        "leerling;school;datum;soort;minuten\n101222331;07NU01;2025-11-03;ziek;300\n",
    );
    let (run, _) = signals(&db, &config, "2025-12-31");
    assert_eq!((run.leerlingen, run.rijen), (1, 11));
    // Re-evaluating everyone gives the same signals.
    let actor = Actor::local_operator();
    let regels = db.app.regels(&actor, &config, d("2026-11-25")).unwrap();
    let run = db.app.update_signals(&actor, &regels, true).unwrap();
    assert_eq!(run.leerlingen, 2);
    assert_eq!(list(&db, "2025-12-31", None), listed);
}

fn absence_import_checks_enrolment_and_folds_a_day(db: Db) {
    region(&db);
    let r = db.import(
        ImportKind::Verzuim,
        "leerling;school;datum;soort;minuten;hele_dag
123456782;07NU01;2025-09-10;ongeoorloofd;60;nee
999999990;05KO00;2025-09-10;ongeoorloofd;60;nee
111222333;05KO00;2025-09-10;spijbelen;60;nee
111222333;05KO00;2025-09-10;ziek;60;misschien
111222333;99ZZ00;2025-09-10;ziek;60;nee
111222333;05KO00;2030-01-01;ziek;60;nee
111222333;05KO00;2025-09-10;ziek;2000;nee
",
    );
    assert_eq!(
        error_places(&r),
        [
            (2, "datum"),
            (3, "leerling"),
            (4, "soort"),
            (5, "hele_dag"),
            (6, "school"),
            (7, "datum"),
            (8, "minuten")
        ],
        "{:?}",
        r.errors
    );
    assert!(r.errors[0]
        .reason
        .contains("not enrolled at 07NU01 on 2025-09-10"));
    // Two late arrivals on one day are two; the file again changes nothing.
    let late = "leerling;school;datum;soort;minuten\n\
                101222331;07NU01;2025-09-01;te_laat;5\n\
                101222331;07NU01;2025-09-01;te_laat;15\n";
    let r = db.ok(ImportKind::Verzuim, late);
    assert_eq!((r.counts.nieuw, r.rows), (1, 2));
    let r = db.ok(ImportKind::Verzuim, late);
    assert_eq!(
        (r.counts.nieuw, r.counts.gewijzigd, r.counts.ongewijzigd),
        (0, 0, 1)
    );
    let r = db.ok(
        ImportKind::Verzuim,
        "leerling;school;datum;soort;minuten\n101222331;07NU01;2025-09-01;te_laat;5\n",
    );
    assert_eq!(r.counts.gewijzigd, 1);
}

fn a_change_of_rules_applies_from_its_date(db: Db) {
    region(&db);
    db.ok(ImportKind::Verzuim, VERZUIM);
    let (_, before) = signals(&db, &Config::default(), "2025-12-31");
    assert!(before.contains(&"111222333 05KO00 16uur 2025-09-11".to_string()));
    // From 1 August 2025 the region reports at 20 hours; the preventive signal stays at 8.
    let config =
        Config::parse("[regels]\nuur16_minuten = 1200\ngeldig_vanaf = 2025-08-01\n").unwrap();
    let (run, after) = signals(&db, &config, "2025-12-31");
    assert_eq!(run.leerlingen, 2, "a change of rules re-evaluates everyone");
    let sem: Vec<_> = after
        .iter()
        .filter(|s| s.starts_with("111222333"))
        .collect();
    assert_eq!(
        sem,
        [
            "111222333 05KO00 signaal 2025-09-09",
            "111222333 05KO00 signaal 2025-09-11"
        ]
    );
    let stored = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .regelversies()
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].0, d("2025-08-01"));
    // The same settings again add no version; an earlier date than the latest is refused.
    signals(&db, &config, "2025-12-31");
    assert_eq!(
        db.app
            .opslag(&leerrecht_app::Actor::local_operator())
            .unwrap()
            .regelversies()
            .unwrap()
            .len(),
        2
    );
    let earlier =
        Config::parse("[regels]\nuur16_minuten = 900\ngeldig_vanaf = 2025-01-01\n").unwrap();
    assert!(db
        .app
        .regels(&Actor::local_operator(), &earlier, d("2026-11-25"))
        .is_err());
}

fn absoluut_verzuim_lists_the_unenrolled(db: Db) {
    region(&db);
    // On 1 October 2025 Noor (16, leerplichtig until 31 July 2026) has no enrolment: her
    // gemeente is served by a leerplicht bureau, so she is a case of absoluut verzuim.
    assert_eq!(
        list(&db, "2025-10-01", Some(Regel::Av)),
        ["123456782  av 2025-10-01"]
    );
    // Enrolled again, she is not.
    db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum\n123456782;07NU01;VO;2025-09-01;\n",
    );
    assert!(list(&db, "2025-10-01", Some(Regel::Av)).is_empty());
}

fn meldingen_are_imported_all_or_nothing(db: Db) {
    region(&db);
    let good = "leerling;school;begindatum;verzuimsoort;uren;dagen
111222333;05KO00;2025-09-08;16uur;16;4
101222331;07NU01;2025-10-17;luxe;;1
";
    let r = db.ok(ImportKind::Meldingen, good);
    assert_eq!(r.counts.nieuw, 2);
    let r = db.ok(ImportKind::Meldingen, good);
    assert_eq!(r.counts.ongewijzigd, 2);
    let r = db.import(
        ImportKind::Meldingen,
        "leerling;school;begindatum;verzuimsoort;uren;dagen
111222333;05KO00;2025-09-08;16uur;17;4
123456782;07NU01;2025-09-08;beginnend;2;1
111222333;05KO00;2025-09-15;spijbelen;2;1
111222333;05KO00;2025-09-08;16uur;18;4
",
    );
    assert_eq!(
        error_places(&r),
        [(3, "begindatum"), (4, "verzuimsoort"), (5, "begindatum")]
    );
    assert_error_says(&r, 2, "first on line 2");
    // Nothing of the bad file was kept: the first file's hours stand.
    let r = db.ok(ImportKind::Meldingen, good);
    assert_eq!(r.counts.ongewijzigd, 2);
}

/// A file longer than the stores check at once: a key repeated thousands of rows later is
/// still named with its first line, each bad row is named, and a changed melding counts as
/// changed.
fn a_long_meldingen_file_is_checked_as_one(db: Db) {
    region(&db);
    let header = "leerling;school;begindatum;verzuimsoort;uren;dagen\n";
    let first = "111222333;05KO00;2025-09-08;16uur;16;4\n";
    let mut file = format!("{header}{first}");
    for i in 0..6_000 {
        if i % 2 == 0 {
            file.push_str("999999904;05KO00;2025-09-08;luxe;;1\n"); // not in the register
        } else {
            file.push_str("123456782;05KO00;2025-09-08;luxe;;1\n"); // not enrolled there
        }
    }
    file.push_str(first);
    let r = db.import(ImportKind::Meldingen, &file);
    assert_eq!(r.errors.len(), 6_001, "{:?}", &r.errors[..3]);
    assert_eq!(error_places(&r)[..2], [(3, "leerling"), (4, "begindatum")]);
    assert_eq!(error_places(&r)[6_000], (6_003, "begindatum"));
    assert_error_says(&r, 6_000, "first on line 2");
    // The good rows alone go in; their hours changed, they count as changed.
    let r = db.ok(
        ImportKind::Meldingen,
        &format!("{header}{first}101222331;07NU01;2025-10-17;luxe;;1\n"),
    );
    assert_eq!((r.counts.nieuw, r.counts.gewijzigd), (2, 0));
    let r = db.ok(
        ImportKind::Meldingen,
        &format!(
            "{header}111222333;05KO00;2025-09-08;16uur;17;4\n101222331;07NU01;2025-10-17;luxe;;1\n"
        ),
    );
    assert_eq!(
        (r.counts.nieuw, r.counts.gewijzigd, r.counts.ongewijzigd),
        (0, 1, 1)
    );
}

/// However a school's absence is split over files, and in whatever order they come, with a
/// signal run after each: the stored absence and the signals are those of one file. Several
/// random splits of four months of absence of both pupils, against one import into a fresh
/// database of the same kind.
fn absence_split_over_files_makes_the_same_signals(db: Db) {
    let sqlite = db.url.starts_with("sqlite");
    let fresh = || {
        if sqlite {
            common::sqlite()
        } else {
            common::postgres()
        }
    };
    let mut next = common::getallen(42);
    let kinds = ["ongeoorloofd", "luxe", "te_laat", "ziek", "geoorloofd"];
    let mut rows = Vec::new();
    for (pupil, school) in [("111222333", "05KO00"), ("101222331", "07NU01")] {
        let mut day = d("2025-09-01");
        while day <= d("2025-12-19") {
            for kind in kinds {
                if next(4) == 0 {
                    let whole = if kind == "ongeoorloofd" && next(2) == 0 {
                        "ja"
                    } else {
                        "nee"
                    };
                    rows.push(format!(
                        "{pupil};{school};{day};{kind};{};{whole}",
                        30 * next(12)
                    ));
                }
            }
            day = day.succ_opt().unwrap();
        }
    }
    let header = "leerling;school;datum;soort;minuten;hele_dag\n";
    let file = |rows: &[&String]| {
        let mut s = header.to_string();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    };
    let all: Vec<&String> = rows.iter().collect();
    let config = Config::default();
    let one = fresh();
    region(&one);
    one.ok(ImportKind::Verzuim, &file(&all));
    let (_, expected) = signals(&one, &config, "2025-12-31");
    assert!(
        expected.len() >= 4,
        "the absence makes signals: {expected:?}"
    );
    let mut target = Some(db);
    for round in 0..3 {
        let split = target.take().unwrap_or_else(fresh);
        region(&split);
        let parts = 2 + next(3) as usize;
        let mut files: Vec<Vec<&String>> = vec![Vec::new(); parts];
        for r in &rows {
            files[next(parts as u64) as usize].push(r);
        }
        while !files.is_empty() {
            let part = files.swap_remove(next(files.len() as u64) as usize);
            split.ok(ImportKind::Verzuim, &file(&part));
            signals(&split, &config, "2025-12-31");
        }
        let (_, got) = signals(&split, &config, "2025-12-31");
        assert_eq!(got, expected, "round {round}, {parts} files");
        let again = split.ok(ImportKind::Verzuim, &file(&all));
        assert_eq!(
            (
                again.counts.nieuw,
                again.counts.gewijzigd,
                again.counts.ongewijzigd
            ),
            (0, 0, rows.len() as u64),
            "round {round}: the stored absence is the whole file's"
        );
        if round == 0 {
            // A correction replaces what it names: as if the corrected file came at once.
            let corrected: Vec<String> = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    if i % 5 == 0 {
                        let (key, _) = r.rsplit_once(';').unwrap();
                        let (key, _) = key.rsplit_once(';').unwrap();
                        format!("{key};480;nee")
                    } else {
                        r.clone()
                    }
                })
                .collect();
            let changed: Vec<&String> = corrected.iter().step_by(5).collect();
            let r = split.ok(ImportKind::Verzuim, &file(&changed));
            assert!(r.counts.gewijzigd > 0 && r.counts.nieuw == 0);
            let (_, got) = signals(&split, &config, "2025-12-31");
            let whole = fresh();
            region(&whole);
            whole.ok(
                ImportKind::Verzuim,
                &file(&corrected.iter().collect::<Vec<_>>()),
            );
            let (_, want) = signals(&whole, &config, "2025-12-31");
            assert_ne!(want, expected, "the correction changes the signals");
            assert_eq!(got, want, "a correction replaces the rows it names");
        }
    }
}

/// A calendar import that makes a day of absence a day off (a study day of one school) marks
/// that school's pupils for re-evaluation: the 16-hour signal it removes is gone after the
/// next incremental run, and its draft melding is withdrawn with the reason; the other
/// school's pupils are not evaluated again.
fn a_new_study_day_re_evaluates_the_school_and_withdraws_a_draft(db: Db) {
    region(&db);
    db.ok(ImportKind::Verzuim, VERZUIM);
    let config = Config::default();
    let (run, listed) = signals(&db, &config, "2025-12-31");
    assert!(listed.contains(&"111222333 05KO00 16uur 2025-09-11".to_string()));
    assert_eq!(run.ingetrokken, 0);
    let actor = Actor::local_operator();
    let sem = "111222333".parse().unwrap();
    let concept = |db: &Db| {
        db.app
            .meldingen(&actor, sem)
            .unwrap()
            .into_iter()
            .find(|m| m.signaal.as_deref() == Some("16uur"))
            .expect("the 16uur draft")
    };
    assert_eq!(concept(&db).status, "concept");
    // Nothing changed: nothing to do.
    let (run, _) = signals(&db, &config, "2025-12-31");
    assert_eq!(run.leerlingen, 0);

    db.ok(
        ImportKind::Kalender,
        "naam;van;tot;school\nStudiedag;2025-09-10;2025-09-10;05KO00\n",
    );
    let (run, listed) = signals(&db, &config, "2025-12-31");
    assert_eq!(
        run.leerlingen, 1,
        "only the pupil of the school with the study day"
    );
    assert!(
        !listed.iter().any(|s| s.contains(" 16uur ")),
        "three mornings are 720 minutes: no 16-hour report {listed:?}"
    );
    assert_eq!(run.ingetrokken, 1);
    let m = concept(&db);
    assert_eq!(
        (m.status.as_str(), m.afsluitreden.as_deref()),
        ("ingetrokken", Some("signaal_vervallen"))
    );
    // The school's worklist no longer asks to confirm it.
    let lijst = db
        .app
        .werklijst(
            &actor,
            "05KO00",
            d("2025-09-20"),
            &leerrecht_domain::thuiszitters::Escalatieregels::default(),
        )
        .unwrap();
    assert!(
        !lijst.items.iter().any(|i| i.soort == "conceptmelding"),
        "{:?}",
        lijst.items
    );
    // A holiday for everyone re-evaluates every pupil.
    db.ok(
        ImportKind::Kalender,
        "naam;van;tot;school\nStudiedag regio;2025-11-14;2025-11-14;\n",
    );
    let (run, _) = signals(&db, &config, "2025-12-31");
    assert_eq!(run.leerlingen, 2);
}

// Noor (BSN 123456782) and Lotte (onderwijsnummer 101222331) at one school, late on the same
// nine mornings; Lotte also truant on the last two. The file names Noor first.
fn zelfde_dag() -> String {
    let mut csv = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    for leerling in ["123456782", "101222331"] {
        for dag in ["01", "02", "03", "04", "05", "08", "09", "10", "11"] {
            csv += &format!("{leerling};07NU01;2025-09-{dag};te_laat;10;\n");
        }
    }
    for dag in ["10", "11"] {
        csv += &format!("101222331;07NU01;2025-09-{dag};ongeoorloofd;240;nee\n");
    }
    csv
}

/// The officer's listing reads the same whatever the order the signals were found or stored
/// in: by date, school, the pupil's number, then the rule.
fn signals_of_one_day_and_school_list_by_pupil_then_rule(db: Db) {
    region(&db);
    db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum\n123456782;07NU01;VO;2025-08-25;\n",
    );
    db.ok(ImportKind::Verzuim, &zelfde_dag());
    let (_, listed) = signals(&db, &Config::default(), "2025-12-31");
    let got: Vec<_> = listed.into_iter().filter(|s| !s.contains(" av ")).collect();
    assert_eq!(
        got,
        [
            "101222331 07NU01 signaal 2025-09-11",
            "101222331 07NU01 te_laat 2025-09-11",
            "123456782 07NU01 te_laat 2025-09-11",
        ]
    );
    // One rule alone, in the same order.
    assert_eq!(
        list(&db, "2025-12-31", Some(Regel::TeLaat)),
        [
            "101222331 07NU01 te_laat 2025-09-11",
            "123456782 07NU01 te_laat 2025-09-11",
        ]
    );
}
