//! Figures outlive retention (docs/domain.md §9.8, §11): every report — peildatum and causes, school
//! year, targets, KPI, Leerplichttelling and the Inspectie's overview — gives the same numbers
//! before and after `purge`, for the whole region and each kind of area, for publication and
//! as known at a past moment, on both databases. The data: files of the 2018-2019 and
//! 2019-2020 school years destroyed whole, a leerplicht file destroyed while the rest of the
//! file stays (its periods split where no run and no school year joins them), meldingen five
//! years old (one person's meldingen of a school year that straddles the five years kept
//! together), beside files that stay.

mod common;

use chrono::{DateTime, Utc};
use common::{bsns_from, d, gebied, leerling as l, record_offer, Db, TWEE_REGIOS as ORGS};
use leerrecht_app::cijfers::{Gebied, Opties};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_domain::cijfers::Aantal;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::Escalatieregels;
use leerrecht_domain::zaak::{Artikel, Gebeurtenis, ZaakSoort};

/// Every report, for every area and way of counting, as text to compare. The KPI's overdue
/// persons are compared by their count: a destroyed file names no one afterwards.
fn alle_rapporten(db: &Db, moment: DateTime<Utc>) -> Vec<String> {
    let op = Actor::local_operator();
    let vandaag = d("2025-09-01");
    let regels = Escalatieregels::default();
    let gebieden = [
        Gebied::default(),
        gebied("gemeente", "GM0392"),
        gebied("gemeente", "GM0453"),
        gebied("regio", "Zuid-Kennemerland"),
        gebied("swv", "SWV-ZK"),
        gebied("swv", "SWV-IJM"),
        gebied("school", "02AA00"),
    ];
    let peildata: Vec<_> = [
        "2018-10-01",
        "2019-01-15",
        "2019-06-30",
        "2019-10-15",
        "2020-01-15",
        "2021-10-01",
        "2022-09-30",
    ]
    .map(d)
    .to_vec();
    let jaren = [2018, 2019, 2020, 2021, 2022].map(SchoolYear::new);
    let mut out = Vec::new();
    for gebied in gebieden {
        for (publiek, bekend_op) in [(false, None), (true, None), (false, Some(moment))] {
            let o = Opties {
                gebied: gebied.clone(),
                publiek,
                bekend_op,
            };
            let wat = format!("{o:?}");
            let json = |x: &dyn erased::Json| format!("{wat}: {}", x.json());
            out.push(json(&db.app.rapport_peildatum(&op, &peildata, &o).unwrap()));
            for p in &peildata {
                out.push(json(&db.app.rapport_oorzaken(&op, *p, &o).unwrap()));
                out.push(json(
                    &db.app
                        .rapport_inspectie(&op, *p, &Default::default(), &o)
                        .unwrap(),
                ));
            }
            for j in jaren {
                out.push(json(&db.app.rapport_schooljaar(&op, j, &o).unwrap()));
                out.push(json(
                    &db.app
                        .rapport_doelen(&op, SchoolYear::new(2018), 10.0, j, vandaag, &o)
                        .unwrap(),
                ));
                let mut k = db.app.rapport_kpi(&op, j, vandaag, &regels, &o).unwrap();
                // Who is shown depends on the reader, and a destroyed file names no one: the
                // overdue persons are compared as counted (`achterstallig`), not as listed.
                k.te_laat_niet_getoond = Aantal::new(0);
                k.te_laat_lijst.clear();
                out.push(json(&k));
                out.push(json(
                    &db.app
                        .rapport_leerplichttelling(&op, j, vandaag, &Default::default(), &o)
                        .unwrap(),
                ));
            }
        }
    }
    out
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

fn figures_are_the_same_before_and_after_a_purge(db: Db) {
    let p = bsns_from(300_000_000, 10);
    let [a, b, c, dd, e, f, g, h, i] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(|i| p[i].clone());
    db.ok(ImportKind::Organisaties, ORGS);
    // Born in 2002: kwalificatieplichtig to 2020-03-09, the whole file goes on 2022-03-10.
    // E (2006) loses the leerplicht file on 2025-03-10, keeps the rest until 2026-03-10.
    // F (2000) was 18 at her melding; G (2008) and H (2007) keep their files.
    db.ok(
        ImportKind::Jongeren,
        &format!(
            "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
{a};;Proef;Anna;2002-03-10;GM0392
{b};;Proef;Bram;2002-05-20;GM0453
{c};;Proef;Cas;2002-09-01;GM0397
{dd};;Proef;Dirk;2002-11-11;GM0392
{e};;Proef;Eva;2006-03-10;GM0392
{f};;Proef;Fleur;2000-06-01;GM0453
{g};;Proef;Gijs;2008-01-20;GM0453
{h};;Proef;Hugo;2007-05-05;GM0397
{i};;Proef;Iris;2005-03-01;GM0453
"
        ),
    );
    // C moved from Heemstede to Haarlem on 1 June 2019, during home-sitting: C counts in
    // Heemstede for 2018-2019 and in Haarlem for 2019-2020, also after the file is destroyed.
    db.ok(
        ImportKind::Jongeren,
        &format!(
            "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente;verhuisdatum
{c};;Proef;Cas;2002-09-01;GM0392;2019-06-01
"
        ),
    );
    db.ok(
        ImportKind::Inschrijvingen,
        &format!(
            "leerling;school;sector;begindatum;einddatum
{a};02AA00;VO;2014-08-18;2020-07-31
{b};07NU01;VO;2014-08-18;2018-03-31
{c};02AA00;VO;2014-08-18;2020-07-31
{dd};02AA00;VO;2014-08-18;2019-07-31
{dd};02AA00;MBO;2019-12-02;
{e};02AA00;VO;2018-08-20;
{f};07NU01;VO;2012-08-20;2019-07-31
{g};07NU01;VO;2020-08-17;
{h};02AA00;VO;2016-08-15;
{i};07NU01;VO;2017-08-21;2019-07-31
"
        ),
    );
    db.ok(
        ImportKind::Registraties,
        &format!(
            "leerling;categorie;oorzaak;van;tot
{a};thuiszittend;psychisch;2018-09-03;2019-03-29
{b};absoluut_verzuim;thuissituatie;2018-10-01;2019-06-28
{c};dreigend_thuiszittend;gedrag;2018-08-20;2018-12-31
{c};thuiszittend;gedrag;2019-01-01;2019-09-30
{dd};absoluut_verzuim;onbekend;2019-09-02;2019-11-29
{e};thuiszittend;psychisch_thuis;2019-09-02;2020-01-31
{e};nazorg;psychisch_thuis;2020-02-01;2020-06-30
{e};thuiszittend;complex;2021-09-06;2022-07-08
{e};dreigend_thuiszittend;complex;2022-08-29;
{g};thuiszittend;overig;2020-11-02;2021-03-26
{h};langdurig_ziek;langdurig_ziek;2019-10-07;2020-02-28
"
        ),
    );
    db.ok(
        ImportKind::Meldingen,
        &format!(
            "leerling;school;begindatum;verzuimsoort;uren;dagen
{a};02AA00;2018-10-01;16uur;16;
{c};02AA00;2018-09-10;beginnend;4;
{c};02AA00;2019-05-06;16uur;20;
{f};07NU01;2018-10-01;16uur;16;
{h};02AA00;2019-11-04;luxe;;2
{h};02AA00;2020-08-31;beginnend;3;
{h};02AA00;2020-10-05;16uur;16;
{e};02AA00;2019-10-07;16uur;18;
{g};07NU01;2020-11-02;langdurig;40;
"
        ),
    );
    // Only signals bring two persons into the Leerplichttelling of 2019-2020: A's 21 school
    // days of whole-day absence in the autumn of 2019 (an lrv signal; A's home-sitting ended in
    // May), and I, leerplichtig and enrolled nowhere after July 2019 (absolute absence).
    let mut verzuim = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    for dag in d("2019-10-07")
        .iter_days()
        .filter(|x| chrono::Datelike::weekday(x).num_days_from_monday() < 5)
        .take(23)
    {
        verzuim += &format!("{a};02AA00;{dag};ongeoorloofd;300;ja\n");
    }
    db.ok(ImportKind::Verzuim, &verzuim);
    let op = Actor::local_operator();
    db.update_signals("2015-01-01");
    // Offers: A's in time, E's first run late; B's exemption flagged, C's case without one.
    let zaak = |wie: &str, datum: &str| {
        db.app
            .zaak_openen(&op, l(wie), ZaakSoort::Thuiszitter, d(datum))
            .unwrap()
    };
    let aanbod = |z: i64, nummer: u32, datum: &str| {
        record_offer(&db.app, &op, z, nummer, "Haarlem College", d(datum))
    };
    let za = zaak(&a, "2018-09-03");
    aanbod(za, 1, "2018-11-15");
    // A's offer started: that ends A's run of home-sitting (docs/domain.md §8), also after a purge.
    db.app
        .zaak_vastleggen(
            &op,
            za,
            Gebeurtenis::AanbodGestart {
                nummer: 1,
                gestart: d("2018-12-03"),
            },
        )
        .unwrap();
    let zb = zaak(&b, "2018-10-01");
    db.app
        .zaak_vastleggen(
            &op,
            zb,
            Gebeurtenis::Vrijstelling {
                artikel: Artikel::Art5SubB,
                reden: "Bezwaar tegen de richting".into(),
                geen_passend_aanbod: true,
                van: d("2019-01-14"),
                tot: None,
                verklaring: None,
            },
        )
        .unwrap();
    zaak(&c, "2019-01-01");
    let ze = zaak(&e, "2019-09-02");
    aanbod(ze, 1, "2020-01-06");
    aanbod(ze, 2, "2021-10-18");

    // A moment to look back at: afterwards A's period is corrected, and G's extended.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let moment = Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(20));
    db.ok(
        ImportKind::Registraties,
        &format!(
            "leerling;categorie;oorzaak;van;tot
{a};thuiszittend;psychisch;2018-09-03;2019-05-31
{g};thuiszittend;overig;2020-11-02;2021-06-25
"
        ),
    );
    let gm = |j: i32| {
        db.app
            .rapport_schooljaar(&op, SchoolYear::new(j), &Opties::default())
            .unwrap()
            .rijen[0]
            .clone()
    };
    // What is counted is there to count before the purge.
    let t = gm(2018);
    assert_eq!(
        (
            t.thuiszitters.n,
            t.verzuimers_onder_18.n,
            t.verzuimers_18_plus.n
        ),
        (3, 2, 1)
    );
    let t = gm(2020);
    assert_eq!((t.verzuimers_onder_18.n, t.verzuimers_18_plus.n), (2, 0));

    let telling = db.leerplichttelling(2019, "2025-09-01");
    assert_eq!(
        (
            telling.absoluut_verzuim.totaal.n,
            telling.langdurig_relatief_verzuim.totaal.n
        ),
        (3, 3),
        "absolute absence: D registered, G and I enrolled nowhere; long-term relative absence: \
         C and E registered, A by its lrv signal"
    );

    let voor = alle_rapporten(&db, moment);
    let r = db.app.purge(&op, d("2025-09-01"), false).unwrap();
    let weg: Vec<String> = r.personen.iter().map(|p| p.leerling.to_string()).collect();
    for x in [&a, &b, &c, &dd, &e, &f, &i] {
        assert!(weg.contains(x), "{x} is due");
    }
    assert!(!weg.contains(&g) && !weg.contains(&h));
    // A, B, C, D and F are gone; E keeps the kwalificatieplicht part of the file, and I (who
    // left school at 14 without a startkwalificatie, and is 20) the part after leerplicht:
    // she is on the RMC list, so her file stays until her 23rd birthday (docs/domain.md §11).
    assert_eq!(r.telling.personen, 5);
    // H's meldingen of 2020-2021 stay together until the last is due; her 2019 one goes, as
    // do the drafts the signal run made of A's absence in 2019.
    let concepten_a = db.app.meldingen(&op, l(&a)).map(|m| m.len()).unwrap_or(0);
    assert_eq!(concepten_a, 0);
    assert_eq!(r.telling.meldingen, 12);
    let over: Vec<_> = db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .registraties(l(&e))
        .unwrap()
        .unwrap()
        .iter()
        .map(|p| p.van())
        .collect();
    // E's run from 2021-09-06 goes on into what is kept: it stays with it.
    assert_eq!(over, [d("2021-09-06"), d("2022-08-29")]);
    assert!(db
        .app
        .opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .registraties(l(&a))
        .unwrap()
        .is_none());

    let na = alle_rapporten(&db, moment);
    assert_eq!(voor.len(), na.len());
    for (x, y) in voor.iter().zip(&na) {
        assert_eq!(x, y, "the same report before and after the purge");
    }
    // A second purge, later, of the rest, and a third on I's 23rd birthday: still the same.
    db.app.purge(&op, d("2026-11-01"), false).unwrap();
    let later = alle_rapporten(&db, moment);
    for (x, y) in voor.iter().zip(&later) {
        assert_eq!(x, y, "the same report after a second purge");
    }
    let r = db.app.purge(&op, d("2028-03-01"), false).unwrap();
    assert!(r
        .personen
        .iter()
        .any(|p| p.leerling.to_string() == i && p.wat == "dossier"));
    let laatst = alle_rapporten(&db, moment);
    for (x, y) in voor.iter().zip(&laatst) {
        assert_eq!(x, y, "the same report after the RMC's file went");
    }
    // The anonymous rows are in the database's dump (and so in every backup), and name no one.
    let dump = leerrecht_store::backup::dump(&db.url).unwrap();
    for tabel in [
        "anoniem_personen",
        "anoniem_perioden",
        "anoniem_inschrijvingen",
        "anoniem_aanbiedingen",
        "anoniem_vrijstellingen",
        "anoniem_meldingen",
        "anoniem_signaaltellingen",
    ] {
        assert!(
            dump.get(tabel).is_some_and(|r| !r.is_empty()),
            "{tabel} is dumped"
        );
    }
    let tekst = format!("{dump:?}");
    for x in [&a, &b, &c, &dd, &f, &i] {
        assert!(
            !tekst.contains(x.as_str()),
            "no BSN of a destroyed file is kept"
        );
    }
}

on_both!(figures_are_the_same_before_and_after_a_purge);
