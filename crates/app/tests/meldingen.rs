//! The life of a melding: drafts from signals, confirmation into a verzuim case, the
//! municipality's answer, on both databases.

mod common;

use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use leerrecht_domain::schoolyear::SchoolYear;

use common::Db;
use leerrecht_app::config::Config;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_app::AppError;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};
use leerrecht_store::MeldingStaat;

/// Sem (111222333, at 05KO00) misses 16 hours in a week of September 2025: a 16uur signal.
fn absence() -> String {
    let mut s = String::from("leerling;school;datum;soort;minuten\n");
    for day in ["08", "09", "10", "11"] {
        s += &format!("111222333;05KO00;2025-09-{day};ongeoorloofd;240\n");
    }
    s
}

/// One of a person's meldingen, as the operator reads it.
fn melding(db: &Db, leerling: LeerlingId, id: i64) -> MeldingStaat {
    db.app
        .meldingen(&Actor::local_operator(), leerling)
        .unwrap()
        .into_iter()
        .find(|m| m.id == id)
        .unwrap()
}

fn drafts_confirmation_and_answer(db: Db) {
    db.region();
    db.ok(ImportKind::Verzuim, &absence());
    let op = Actor::local_operator();
    let regels = db
        .app
        .regels(&op, &Config::default(), common::d("2025-01-01"))
        .unwrap();
    let run = db.app.update_signals(&op, &regels, false).unwrap();
    assert!(run.concepten >= 1, "the 16uur signal became a draft");
    let again = db.app.update_signals(&op, &regels, true).unwrap();
    assert_eq!(
        (again.concepten, again.signalen),
        (0, run.signalen),
        "running again over everyone makes no new drafts"
    );

    let sem = LeerlingId::from_str("111222333").unwrap();
    let drafts = db.app.meldingen(&op, sem).unwrap();
    let draft = drafts
        .iter()
        .find(|m| m.signaal.as_deref() == Some("16uur"))
        .unwrap_or_else(|| panic!("{drafts:#?}"));
    assert_eq!(
        (draft.status.as_str(), draft.verzuimsoort.as_str()),
        ("concept", "16uur")
    );
    assert_eq!(draft.school.as_str(), "05KO00");

    // The municipality cannot act on a draft; the school confirms it first.
    assert!(matches!(
        db.app.melding_status(&op, draft.id, "in_behandeling", None),
        Err(AppError::Invalid(_))
    ));
    let zaak = db.app.melding_bevestigen(&op, draft.id).unwrap();
    assert!(
        db.app.melding_bevestigen(&op, draft.id).is_err(),
        "confirmed once"
    );
    let z = db.app.zaak(&op, zaak, None).unwrap();
    assert_eq!(z.rij.soort, ZaakSoort::Verzuim);
    assert_eq!(z.rij.organisatie, "RBL-ZKIJ");
    assert_eq!(z.staat.meldingen, [draft.id]);

    // A later melding joins the open case instead of opening another.
    let other = drafts
        .iter()
        .find(|m| m.id != draft.id && m.status == "concept");
    if let Some(other) = other {
        assert_eq!(db.app.melding_bevestigen(&op, other.id).unwrap(), zaak);
    }
    assert_eq!(
        db.app
            .zaken(&op, sem)
            .unwrap()
            .iter()
            .filter(|z| z.soort == ZaakSoort::Verzuim)
            .count(),
        1
    );

    // The answer: in behandeling, then closed with one of the reasons.
    db.app
        .melding_status(&op, draft.id, "in_behandeling", None)
        .unwrap();
    assert!(matches!(
        db.app.melding_status(&op, draft.id, "afgesloten", None),
        Err(AppError::Invalid(m)) if m.contains("afsluitreden")
    ));
    assert!(db
        .app
        .melding_status(&op, draft.id, "afgesloten", Some("verhuisd"))
        .is_err());
    db.app
        .melding_status(&op, draft.id, "afgesloten", Some("terug_naar_school"))
        .unwrap();
    let m = melding(&db, sem, draft.id);
    assert_eq!(
        (m.status.as_str(), m.afsluitreden.as_deref(), m.zaak_id),
        ("afgesloten", Some("terug_naar_school"), Some(zaak))
    );
    assert!(
        db.app
            .melding_status(&op, draft.id, "ingetrokken", Some("administratieve_fout"))
            .is_err(),
        "final"
    );
    assert!(z
        .events
        .iter()
        .any(|e| matches!(e.gebeurtenis, Gebeurtenis::MeldingToegevoegd { .. })));
}

/// A melding from a file or filed by a school carries the rest of docs/domain.md §7 and joins the
/// pupil's verzuim case.
fn filed_meldingen_join_a_case(db: Db) {
    db.region();
    let header = "leerling;school;begindatum;verzuimsoort;uren;dagen;einddatum;hele_lessen;reden;ondernomen;actie_gewenst;contact\n";
    let bad = db.import(
        ImportKind::Meldingen,
        &format!("{header}111222333;05KO00;2025-09-08;16uur;16;;2025-09-01;misschien;;;ja;\n"),
    );
    let cols: Vec<&str> = bad.errors.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(cols, ["einddatum", "hele_lessen"], "{:?}", bad.errors);
    let file = format!(
        "{header}111222333;05KO00;2025-09-08;16uur;16;4;2025-09-12;ja;ziekte vermoed;gesprek met ouders;ja;mw. de Wit, 023-1234567\n"
    );
    let r = db.ok(ImportKind::Meldingen, &file);
    assert_eq!(r.counts.nieuw, 1);
    assert_eq!(
        db.ok(ImportKind::Meldingen, &file).counts.ongewijzigd,
        1,
        "again: unchanged"
    );
    let op = Actor::local_operator();
    let sem = LeerlingId::from_str("111222333").unwrap();
    let m = &db.app.meldingen(&op, sem).unwrap()[0];
    assert_eq!(m.status, "geregistreerd");
    assert_eq!(m.gegevens.einddatum, Some(common::d("2025-09-12")));
    assert_eq!(m.gegevens.hele_lessen, Some(true));
    assert_eq!(
        m.gegevens.contact.as_deref(),
        Some("mw. de Wit, 023-1234567")
    );
    let zaak = m.zaak_id.expect("joined a case");
    assert_eq!(
        db.app.zaak(&op, zaak, None).unwrap().staat.meldingen,
        [m.id]
    );

    // Filed by the school itself: registered at once, into the same open case.
    let (id, z) = db
        .app
        .melding_indienen(
            &op,
            leerrecht_store::MeldingRij {
                leerling: sem,
                school: "05KO00".parse().unwrap(),
                begindatum: common::d("2025-10-06"),
                verzuimsoort: "luxe",
                uren: None,
                dagen: Some(3),
                gegevens: leerrecht_store::MeldingGegevens {
                    reden: Some("vakantie verlengd".into()),
                    ..Default::default()
                },
            },
        )
        .unwrap();
    assert_eq!(z, zaak);
    assert_ne!(id, m.id);
    // Not enrolled at that school on that day: refused, nothing stored.
    let refused = db.app.melding_indienen(
        &op,
        leerrecht_store::MeldingRij {
            leerling: sem,
            school: "07NU01".parse().unwrap(),
            begindatum: common::d("2025-10-06"),
            verzuimsoort: "luxe",
            uren: None,
            dagen: Some(1),
            gegevens: Default::default(),
        },
    );
    assert!(matches!(refused, Err(AppError::Invalid(m)) if m.contains("not enrolled")));
    assert_eq!(db.app.meldingen(&op, sem).unwrap().len(), 2);
}

/// Two imports of meldingen at once, of which the second dies after its commit and before its
/// meldingen joined their case, while the first ends cleanly: the next open links the
/// second's meldingen. Each import marks its own meldingen, so the first's end does not remove
/// the second's mark. Stepped through by hand: the store's import and the app's linking are
/// the two transactions of an import.
fn an_interrupted_import_is_completed_on_the_next_open(db: Db) {
    db.region();
    let op = Actor::local_operator();
    let sem = LeerlingId::from_str("111222333").unwrap();
    let melding = |begindatum: &str, verzuimsoort: &'static str| leerrecht_store::MeldingRij {
        leerling: sem,
        school: "05KO00".parse().unwrap(),
        begindatum: common::d(begindatum),
        verzuimsoort,
        uren: Some(16),
        dagen: None,
        gegevens: Default::default(),
    };
    let store = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap();
    let prefix = "meldingen_koppelen_open";
    let (a, b) = (format!("{prefix}.a"), format!("{prefix}.b"));
    // The first import commits and reads what it has to link; then the second commits.
    let mut rows = std::iter::once((1u64, melding("2025-09-08", "16uur")));
    let first = store
        .import_meldingen(&mut rows, &mut |i| i.is_empty(), Some(&a))
        .unwrap();
    assert!(first.committed);
    assert_eq!(db.app.meldingen_koppelen(&op).unwrap(), 1);
    let mut rows = std::iter::once((1u64, melding("2025-10-06", "luxe")));
    store
        .import_meldingen(&mut rows, &mut |i| i.is_empty(), Some(&b))
        .unwrap();
    // The first ends; the second dies here.
    store.set_instelling(&a, None).unwrap();
    assert_eq!(
        store.instellingen_met(prefix).unwrap(),
        std::slice::from_ref(&b)
    );
    let unlinked = |db: &Db| {
        db.app
            .meldingen(&op, sem)
            .unwrap()
            .iter()
            .filter(|m| m.zaak_id.is_none())
            .count()
    };
    assert_eq!(unlinked(&db), 1);

    // The next process to open the database completes it, once.
    assert_eq!(db.app.herstellen(&op).unwrap(), 1);
    assert_eq!(unlinked(&db), 0);
    assert!(store.instellingen_met(prefix).unwrap().is_empty());
    assert_eq!(db.app.herstellen(&op).unwrap(), 0);

    // An import that ends cleanly, or that is refused, leaves no mark behind.
    let header = "leerling;school;begindatum;verzuimsoort;uren;dagen\n";
    db.ok(
        ImportKind::Meldingen,
        &format!("{header}111222333;05KO00;2025-11-03;luxe;;2\n"),
    );
    let refused = db.import(
        ImportKind::Meldingen,
        &format!(
            "{header}111222333;05KO00;2025-11-10;luxe;;2\n999999990;05KO00;2025-11-10;luxe;;2\n"
        ),
    );
    assert!(!refused.committed);
    assert!(store.instellingen_met(prefix).unwrap().is_empty());
    assert_eq!(unlinked(&db), 0);
}

/// The first `n` weekdays from `start` on.
fn weekdays_from(start: NaiveDate, n: usize) -> Vec<NaiveDate> {
    start
        .iter_days()
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .take(n)
        .collect()
}

/// A school settles its drafts within the term (docs/domain.md §7): the worklist marks a late draft
/// and puts it first, a withdrawal needs a reason from the list, and the KPI counts per school
/// what was confirmed on time, late, or withdrawn. Confirmation happens now, so the absence
/// lies in the recent past.
fn a_drafts_term_withdrawal_and_figures(db: Db) {
    db.region();
    let today = chrono::Utc::now().date_naive();
    // Three runs of 16 hours in four days, five weeks and more apart: three drafts.
    let blocks = [
        weekdays_from(today - Duration::days(77), 4),
        weekdays_from(today - Duration::days(42), 4),
        weekdays_from(today - Duration::days(8), 4),
    ];
    let mut csv = String::from("leerling;school;datum;soort;minuten\n");
    for d in blocks.iter().flatten() {
        csv += &format!("111222333;05KO00;{d};ongeoorloofd;240\n");
    }
    db.ok(ImportKind::Verzuim, &csv);
    db.update_signals("2025-01-01");
    let op = Actor::local_operator();
    let sem = LeerlingId::from_str("111222333").unwrap();
    let drafts: Vec<_> = db
        .app
        .meldingen(&op, sem)
        .unwrap()
        .into_iter()
        .filter(|m| m.status == "concept")
        .collect();
    assert_eq!(drafts.len(), 3, "{drafts:#?}");
    let (oud, midden, nieuw) = (&drafts[0], &drafts[1], &drafts[2]);
    assert_eq!(
        nieuw.begindatum, blocks[2][3],
        "the term runs from the signal's day"
    );

    // On the worklist today: the two old drafts are late and come first, the new one has days
    // left.
    let esc = Config::default().escalatie;
    let w = db.app.werklijst(&op, "05KO00", today, &esc).unwrap();
    let concepten: Vec<_> = w
        .items
        .iter()
        .filter(|i| i.soort == "conceptmelding")
        .collect();
    assert_eq!(concepten.len(), 3, "{:#?}", w.items);
    assert!(
        concepten[0].te_laat && concepten[1].te_laat,
        "{concepten:#?}"
    );
    assert!(!concepten[2].te_laat, "{concepten:#?}");
    assert!(
        concepten[0].wat.contains("schooldagen te laat"),
        "{concepten:#?}"
    );
    assert!(
        concepten[2].wat.contains("nog ") || concepten[2].wat.contains("vandaag"),
        "{concepten:#?}"
    );
    let w_items_first = &w.items[0];
    assert!(w_items_first.te_laat, "late items first: {:#?}", w.items);

    // A withdrawal asks a reason from the list; the school's words are kept.
    for reden in [None, Some("geen_zin")] {
        assert!(matches!(
            db.app.melding_status(&op, midden.id, "ingetrokken", reden),
            Err(AppError::Invalid(_))
        ));
    }
    assert!(matches!(
        db.app
            .melding_status_met(&op, midden.id, "afgesloten", Some("werk"), Some("tekst")),
        Err(AppError::Invalid(_))
    ));
    db.app
        .melding_status_met(
            &op,
            midden.id,
            "ingetrokken",
            Some("ziek_achteraf_gemeld"),
            Some("Moeder belde op vrijdag: griep."),
        )
        .unwrap();
    let m = melding(&db, sem, midden.id);
    assert_eq!(
        (
            m.status.as_str(),
            m.afsluitreden.as_deref(),
            m.toelichting.as_deref(),
            m.ingetrokken
        ),
        (
            "ingetrokken",
            Some("ziek_achteraf_gemeld"),
            Some("Moeder belde op vrijdag: griep."),
            Some(today)
        )
    );
    let audit = db.app.audit_export(&op, sem).unwrap();
    assert!(
        audit.iter().any(|e| e
            .entry
            .record
            .as_deref()
            .is_some_and(|r| r.contains("ingetrokken (ziek_achteraf_gemeld)"))),
        "the withdrawal and its reason are in the audit log"
    );
    let w = db.app.werklijst(&op, "05KO00", today, &esc).unwrap();
    assert_eq!(
        w.items
            .iter()
            .filter(|i| i.soort == "conceptmelding")
            .count(),
        2
    );

    // Confirmed today: the old draft late, the new one on time.
    db.app.melding_bevestigen(&op, oud.id).unwrap();
    db.app.melding_bevestigen(&op, nieuw.id).unwrap();
    let mut jaren: Vec<SchoolYear> = blocks
        .iter()
        .map(|b| SchoolYear::containing(b[3]))
        .collect();
    jaren.dedup();
    let mut telling = [0u64; 5];
    for jaar in jaren {
        let kpi = db
            .app
            .rapport_kpi(&op, jaar, today, &esc, &Default::default())
            .unwrap();
        for r in kpi.meldtermijn.iter().filter(|r| r.school == "05KO00") {
            for (t, a) in telling.iter_mut().zip([
                &r.concepten,
                &r.op_tijd,
                &r.te_laat,
                &r.ingetrokken,
                &r.open,
            ]) {
                *t += a.getal().unwrap();
            }
        }
    }
    assert_eq!(
        telling,
        [3, 1, 1, 1, 0],
        "concepten, op tijd, te laat, ingetrokken, open"
    );
}

on_both!(
    a_drafts_term_withdrawal_and_figures,
    drafts_confirmation_and_answer,
    filed_meldingen_join_a_case,
    an_interrupted_import_is_completed_on_the_next_open
);
