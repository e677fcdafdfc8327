//! The life of a melding: drafts from signals, confirmation into a verzuim case, the
//! municipality's answer, on both databases.

mod common;

use std::str::FromStr;

use common::{Db, INSCHRIJVINGEN, JONGEREN, ORGS};
use leerrecht_app::access::Actor;
use leerrecht_app::config::Config;
use leerrecht_app::import::ImportKind;
use leerrecht_app::AppError;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};

/// Sem (111222333, at 05KO00) misses 16 hours in a week of September 2025: a 16uur signal.
fn absence() -> String {
    let mut s = String::from("leerling;school;datum;soort;minuten\n");
    for day in ["08", "09", "10", "11"] {
        s += &format!("111222333;05KO00;2025-09-{day};ongeoorloofd;240\n");
    }
    s
}

fn drafts_confirmation_and_answer(db: Db) {
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(ImportKind::Jongeren, JONGEREN);
    db.ok(ImportKind::Inschrijvingen, INSCHRIJVINGEN);
    db.ok(ImportKind::Verzuim, &absence());
    let op = Actor::local_operator();
    let regels = db
        .app
        .regels(&op, &Config::default(), common::d("2025-01-01"))
        .unwrap();
    db.app.update_signals(&op, &regels, false).unwrap();
    let made = db.app.concepten_maken(&op).unwrap();
    assert!(made >= 1, "the 16uur signal became a draft");
    assert_eq!(
        db.app.concepten_maken(&op).unwrap(),
        0,
        "running again makes nothing more"
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
    let m = db
        .app
        .meldingen(&op, sem)
        .unwrap()
        .into_iter()
        .find(|m| m.id == draft.id)
        .unwrap();
    assert_eq!(
        (m.status.as_str(), m.afsluitreden.as_deref(), m.zaak_id),
        ("afgesloten", Some("terug_naar_school"), Some(zaak))
    );
    assert!(
        db.app
            .melding_status(&op, draft.id, "ingetrokken", None)
            .is_err(),
        "final"
    );
    assert!(z
        .events
        .iter()
        .any(|e| matches!(e.gebeurtenis, Gebeurtenis::MeldingToegevoegd { .. })));
}

on_both!(drafts_confirmation_and_answer);
