//! Cases as events: opening at the right bureau, events that fit, the state on a past moment,
//! and the clock stopped by an offer, on both databases.

mod common;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use common::{
    clock_on, d, end_registration, leerling as id, record_offer, register_as, Db, INSCHRIJVINGEN,
    JONGEREN, NU_INGESCHREVEN, ORGS,
};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::auth::ManualClock;
use leerrecht_app::toegang::Actor;
use leerrecht_app::zaken::Escalatie;
use leerrecht_app::{App, AppError};
use leerrecht_domain::thuiszitters::{Escalatieregels, Niveau};
use leerrecht_domain::zaak::{AanbodType, Artikel, Deskundige, Gebeurtenis, Verklaring, ZaakSoort};

fn setup(db: &Db) -> (App, Arc<ManualClock>) {
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(ImportKind::Jongeren, JONGEREN);
    db.ok(ImportKind::Inschrijvingen, INSCHRIJVINGEN);
    db.ok(ImportKind::Inschrijvingen, NU_INGESCHREVEN);
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2025, 2, 3, 9, 0, 0).unwrap(),
    ));
    let app = App::with_clock(
        leerrecht_store::open(&db.url).unwrap(),
        Box::new(clock.clone()),
    );
    (app, clock)
}

fn a_case_is_its_events(db: Db) {
    let (app, clock) = setup(&db);
    let op = Actor::local_operator();
    let who = id("123456782");
    register_as(&app, who, "thuiszittend", "psychisch", "2025-02-03");
    let zaak = app
        .zaak_openen(&op, who, ZaakSoort::Thuiszitter, d("2025-02-03"))
        .unwrap();
    // One open case of a kind per person.
    assert!(matches!(
        app.zaak_openen(&op, who, ZaakSoort::Thuiszitter, d("2025-02-04")),
        Err(AppError::Invalid(_))
    ));
    let opened = app.zaak(&op, zaak, None).unwrap();
    assert_eq!(
        opened.rij.organisatie, "RBL-ZKIJ",
        "the bureau serving the home gemeente"
    );
    assert_eq!(opened.staat.geopend, Some(d("2025-02-03")));

    clock.advance(Duration::days(7));
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::Partner {
            organisatie: "SWV-PO-ZK".into(),
            contact: Some("consulent".into()),
            datum: d("2025-02-10"),
        },
    )
    .unwrap();
    // A partner added to the case comes into the person's scope facts (for a CJG: its scope).
    let ctx = app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .persoon_context(who, d("2025-02-10"))
        .unwrap()
        .unwrap();
    assert_eq!(ctx.partners, ["SWV-PO-ZK"]);
    assert_eq!(ctx.partner_zaken, [("SWV-PO-ZK".to_string(), zaak)]);
    let week_two = app.now();
    clock.advance(Duration::days(50));
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::Aanbod {
            nummer: 1,
            aanbod: AanbodType::OnderwijsZorgarrangement,
            aanbieder: "De Ark".into(),
            aangeboden: d("2025-04-01"),
            gestart: None,
        },
    )
    .unwrap();
    // Events that do not fit are refused and not stored.
    let refused = app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::AanbodGestart {
            nummer: 2,
            gestart: d("2025-04-14"),
        },
    );
    assert!(matches!(refused, Err(AppError::Invalid(m)) if m.contains("no offer 2")));
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::AanbodGestart {
            nummer: 1,
            gestart: d("2025-04-14"),
        },
    )
    .unwrap();
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::Vrijstelling {
            artikel: Artikel::Art5SubA,
            reden: "geen passend aanbod beschikbaar".into(),
            geen_passend_aanbod: true,
            van: d("2025-04-01"),
            tot: Some(d("2026-03-31")),
            verklaring: Some(Verklaring {
                datum: d("2025-03-15"),
                door: Deskundige::Psycholoog,
            }),
        },
    )
    .unwrap();

    // The case now, and as it stood in its second week: nothing was overwritten.
    let now = app.zaak(&op, zaak, None).unwrap();
    assert_eq!(now.events.len(), 5);
    assert_eq!(now.staat.aanbod[0].gestart, Some(d("2025-04-14")));
    assert!(
        now.staat.vrijstellingen[0].gemarkeerd,
        "flagged: no suitable offer"
    );
    let then = app.zaak(&op, zaak, Some(week_two)).unwrap();
    assert_eq!(then.events.len(), 2);
    assert!(then.staat.aanbod.is_empty());
    assert_eq!(then.staat.partners.len(), 1);
    assert!(now.events.iter().all(|e| e.wie.starts_with("operator:")));
    assert!(now.events.windows(2).all(|w| w[0].tijd <= w[1].tijd));

    // The offer made stops the three-month clock; the offer that started ended the run.
    let k = clock_on(&app, who, "2025-04-10").unwrap();
    assert_eq!(
        (k.niveau, k.aanbod),
        (Niveau::Uitvoerend, Some(d("2025-04-01")))
    );
    assert_eq!(clock_on(&app, who, "2025-06-10"), None);

    // Escalation is recorded once per level, with who was informed.
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::Escalatie {
            niveau: Niveau::Management,
            datum: d("2025-05-03"),
            geinformeerd: vec!["teamleider leerplicht".into(), "directeur SWV".into()],
        },
    )
    .unwrap();
    assert!(app
        .zaak_vastleggen(
            &op,
            zaak,
            Gebeurtenis::Escalatie {
                niveau: Niveau::Management,
                datum: d("2025-05-04"),
                geinformeerd: vec![],
            }
        )
        .is_err());

    // Closed, the case takes no more events, and a new one may be opened.
    app.zaak_vastleggen(
        &op,
        zaak,
        Gebeurtenis::Gesloten {
            datum: d("2025-06-30"),
            reden: Some(leerrecht_domain::zaak::Sluitreden::TerugNaarSchool),
            uitkomst: String::new(),
        },
    )
    .unwrap();
    assert!(app
        .zaak_vastleggen(
            &op,
            zaak,
            Gebeurtenis::Ouders {
                datum: d("2025-07-01"),
                hoe: "gesprek".into()
            }
        )
        .is_err());
    let next = app
        .zaak_openen(&op, who, ZaakSoort::Thuiszitter, d("2025-09-01"))
        .unwrap();
    assert_ne!(next, zaak);
    assert_eq!(app.zaken(&op, who).unwrap().len(), 2);
}

/// The escalations raised on `op`, under the default rules.
fn escaleren(app: &App, op: &str) -> Vec<Escalatie> {
    app.escaleren(&Actor::local_operator(), d(op), &Escalatieregels::default())
        .unwrap()
}

fn escalation_is_raised_when_due_and_once(db: Db) {
    let (app, _clock) = setup(&db);
    let op = Actor::local_operator();
    let who = id("101222331");
    register_as(&app, who, "absoluut_verzuim", "complex", "2025-02-03");
    assert!(
        escaleren(&app, "2025-05-03").is_empty(),
        "not yet due: on three months to the day the run has lasted up to three months"
    );
    let raised = escaleren(&app, "2025-05-10");
    assert_eq!(raised.len(), 1);
    let e = &raised[0];
    assert_eq!(
        (e.niveau, e.datum, e.begin),
        (Niveau::Management, d("2025-05-04"), d("2025-02-03"))
    );
    assert!(
        e.geinformeerd.iter().any(|g| g.starts_with("RBL-ZKIJ")),
        "{:?}",
        e.geinformeerd
    );
    // The case was opened for it, at the serving bureau, from the day home-sitting began.
    let zaak = app.zaak(&op, e.zaak, None).unwrap();
    assert_eq!(
        (zaak.rij.soort, zaak.rij.geopend),
        (ZaakSoort::Thuiszitter, d("2025-02-03"))
    );
    assert!(escaleren(&app, "2025-05-10").is_empty(), "once");
    let raised = escaleren(&app, "2025-06-10");
    assert_eq!(
        raised.iter().map(|e| e.niveau).collect::<Vec<_>>(),
        [Niveau::Bestuurlijk]
    );
    assert!(raised[0]
        .geinformeerd
        .iter()
        .any(|g| g.contains("wethouder")));
    assert_eq!(
        app.zaak(&op, e.zaak, None).unwrap().staat.niveau,
        Some(Niveau::Bestuurlijk)
    );
    // Someone with an offer in time is not escalated.
    let other = id("123456782");
    register_as(&app, other, "thuiszittend", "gedrag", "2025-02-03");
    let z = app
        .zaak_openen(&op, other, ZaakSoort::Thuiszitter, d("2025-02-03"))
        .unwrap();
    record_offer(&app, &op, z, 1, "Het Lyceum", d("2025-04-20"));
    assert!(escaleren(&app, "2025-07-01").is_empty());
}

/// docs/domain.md §8: a later run of home-sitting is a new run with a new clock and a new ladder,
/// while a weekend between two periods never restarts the clock.
fn a_second_run_escalates_again_and_a_weekend_does_not_restart(db: Db) {
    let (app, _clock) = setup(&db);
    let op = Actor::local_operator();
    let regels = Escalatieregels::default();
    let who = id("111222333");
    register_as(&app, who, "thuiszittend", "psychisch", "2024-09-02");
    let first = escaleren(&app, "2025-03-01");
    assert_eq!(
        first.iter().map(|e| e.niveau).collect::<Vec<_>>(),
        [Niveau::Management, Niveau::Bestuurlijk]
    );
    let zaak1 = first[0].zaak;
    register_as(&app, who, "nazorg", "psychisch", "2025-04-01");
    register_as(&app, who, "thuiszittend", "complex", "2025-06-02");
    // The new run is at its own first level until three months have passed.
    let k = clock_on(&app, who, "2025-07-01").unwrap();
    assert_eq!((k.begin, k.niveau), (d("2025-06-02"), Niveau::Uitvoerend));
    assert!(escaleren(&app, "2025-07-01").is_empty());
    let second = escaleren(&app, "2025-12-01");
    assert_eq!(
        second
            .iter()
            .map(|e| (e.niveau, e.begin, e.datum))
            .collect::<Vec<_>>(),
        [
            (Niveau::Management, d("2025-06-02"), d("2025-09-03")),
            (Niveau::Bestuurlijk, d("2025-06-02"), d("2025-10-03")),
        ]
    );
    assert_ne!(second[0].zaak, zaak1, "the new run has a case of its own");
    let oud = app.zaak(&op, zaak1, None).unwrap();
    let (gesloten, _) = oud
        .staat
        .gesloten
        .clone()
        .expect("the first run's case is closed");
    assert_eq!(gesloten, d("2025-06-02"));
    assert_eq!(
        oud.staat.escalaties.len(),
        2,
        "closing keeps the first run's history"
    );
    // The worklist no longer shows an escalation due for this person.
    let lijst = app
        .werklijst(&op, "RBL-ZKIJ", d("2025-12-01"), &regels)
        .unwrap();
    assert!(
        !lijst.items.iter().any(|i| i.soort == "escalatie"),
        "{:?}",
        lijst.items
    );

    // A weekend between two periods (a new cause from Monday) keeps one run and one clock.
    let other = id("123456782");
    register_as(&app, other, "thuiszittend", "gedrag", "2025-09-01");
    end_registration(&app, other, "2025-11-01");
    register_as(&app, other, "thuiszittend", "thuissituatie", "2025-11-03");
    let k = clock_on(&app, other, "2025-12-10").unwrap();
    assert_eq!((k.begin, k.niveau), (d("2025-09-01"), Niveau::Management));
}

fn the_worklist_shows_what_needs_each_organisation(db: Db) {
    let (app, _clock) = setup(&db);
    let op = Actor::local_operator();
    // Two thuiszitters in Haarlem and Zandvoort (both served by RBL-ZKIJ): one whose
    // deadline is near, one long overdue (still enrolled at 07NU01, so the school sees him).
    db.ok(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum\n101222331;07NU01;VO;2020-08-24;\n",
    );
    register_as(
        &app,
        id("111222333"),
        "thuiszittend",
        "gedrag",
        "2025-03-01",
    );
    register_as(
        &app,
        id("101222331"),
        "thuiszittend",
        "complex",
        "2025-01-06",
    );
    let regels = Escalatieregels::default();
    let w = app
        .werklijst(&op, "RBL-ZKIJ", d("2025-05-25"), &regels)
        .unwrap();
    let got: Vec<(&str, &str, bool)> = w
        .items
        .iter()
        .map(|i| (i.soort, i.leerling.as_str(), i.te_laat))
        .collect();
    assert_eq!(
        got,
        [
            ("aanbod_te_laat", "101222331", true),
            ("escalatie", "101222331", true),
            ("aanbod", "111222333", false),
        ],
        "{w:#?}"
    );
    assert_eq!(w.tellingen.get("aanbod"), Some(&1));
    // Once escalated, the escalation is no longer due; a school sees its own pupil's offer.
    escaleren(&app, "2025-05-25");
    let w = app
        .werklijst(&op, "RBL-ZKIJ", d("2025-05-25"), &regels)
        .unwrap();
    assert!(!w.items.iter().any(|i| i.soort == "escalatie"), "{w:#?}");
    // What the worklist's clocks are worked out from, read for several persons at once: each
    // under the identifier asked by (an onderwijsnummer too), with their registrations and
    // their cases' events in order; a known person without any has an empty file, and an
    // unknown person is left out.
    let onbekend = id(&common::bsns_from(900_000_000, 1)[0]);
    let dossiers = app
        .opslag(&op)
        .unwrap()
        .zaakdossiers(&[id("101222331"), id("111222333"), id("123456782"), onbekend])
        .unwrap();
    assert_eq!(dossiers.len(), 3, "{dossiers:#?}");
    let lotte = &dossiers[&id("101222331")];
    assert_eq!(
        lotte
            .registraties
            .iter()
            .map(|r| r.van())
            .collect::<Vec<_>>(),
        [d("2025-01-06")]
    );
    let [(zaak, events)] = &lotte.zaken[..] else {
        panic!("one case: {lotte:#?}");
    };
    assert_eq!(zaak.soort, ZaakSoort::Thuiszitter);
    let niveaus: Vec<Niveau> = events
        .iter()
        .filter_map(|e| match &e.gebeurtenis {
            Gebeurtenis::Escalatie { niveau, .. } => Some(*niveau),
            _ => None,
        })
        .collect();
    assert!(matches!(events[0].gebeurtenis, Gebeurtenis::Geopend { .. }));
    assert_eq!(niveaus, [Niveau::Management, Niveau::Bestuurlijk]);
    let sem = &dossiers[&id("111222333")];
    assert_eq!(sem.registraties[0].van(), d("2025-03-01"));
    assert!(sem.zaken.is_empty(), "not escalated yet: {sem:#?}");
    assert_eq!(dossiers[&id("123456782")], Default::default());
    // A school may not read its pupils' registrations and cases: its worklist shows no
    // thuiszitter clock (docs/domain.md §10).
    for school in ["05KO00", "07NU01"] {
        let w = app
            .werklijst(&op, school, d("2025-05-25"), &regels)
            .unwrap();
        assert!(
            !w.items
                .iter()
                .any(|i| matches!(i.soort, "aanbod" | "aanbod_te_laat" | "escalatie")),
            "{school}: {w:#?}"
        );
    }
    assert!(app
        .werklijst(&op, "ONBEKEND", d("2025-05-25"), &regels)
        .is_err());
}

on_both!(
    a_case_is_its_events,
    escalation_is_raised_when_due_and_once,
    a_second_run_escalates_again_and_a_weekend_does_not_restart,
    the_worklist_shows_what_needs_each_organisation
);
