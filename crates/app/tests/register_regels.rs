//! The register's rules on both databases: absolute absence with exemptions and a
//! startkwalificatie, `av` and `lrv` on the worklists, registrations checked against the
//! register (docs/domain.md §8), and exemptions as cases of their own.

mod common;

use common::{assert_error_says, d, error_places, leerling as id, Db};
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_app::zaken::vrijstellingen::NieuweVrijstelling;
use leerrecht_app::AppError;
use leerrecht_domain::rules::{Regel, RegelsHistorie};
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Oorzaak};
use leerrecht_domain::zaak::{Artikel, Deskundige, Verklaring, ZaakSoort};

/// The `av` signals of `on`: who.
fn av(db: &Db, on: &str) -> Vec<String> {
    let mut out = Vec::new();
    db.app
        .list_signals(
            &Actor::local_operator(),
            d(on),
            Some(Regel::Av),
            false,
            &mut |s| {
                out.push(s.leerling);
                Ok(())
            },
        )
        .unwrap();
    out
}

/// The worklist of `org` on `on` as (kind, who).
fn werk(db: &Db, org: &str, on: &str) -> Vec<(String, String)> {
    db.app
        .werklijst(
            &Actor::local_operator(),
            org,
            d(on),
            &Escalatieregels::default(),
        )
        .unwrap()
        .items
        .into_iter()
        .map(|i| (i.soort.to_string(), i.leerling))
        .collect()
}

fn vrijstelling(artikel: Artikel, van: &str, verklaring: Option<&str>) -> NieuweVrijstelling {
    NieuweVrijstelling {
        artikel,
        reden: "op verzoek van de ouders".into(),
        geen_passend_aanbod: false,
        van: d(van),
        tot: None,
        verklaring: verklaring.map(|v| Verklaring {
            datum: d(v),
            door: Deskundige::Arts,
        }),
    }
}

fn absolute_absence_respects_diplomas_and_exemptions(db: Db) {
    db.region();
    let op = Actor::local_operator();
    // 101222331 (born 2008-05-05, kwalificatieplichtig until 2026-05-04) left school on 11
    // July 2025 with a havo diploma: no duty, no absolute absence.
    let met = "leerling;school;sector;begindatum;einddatum;startkwalificatie
101222331;07NU01;VO;2020-08-24;2025-07-11;ja
";
    let r = db.ok(ImportKind::Inschrijvingen, met);
    assert_eq!(r.counts.gewijzigd, 1);
    assert_eq!(db.ok(ImportKind::Inschrijvingen, met).counts.ongewijzigd, 1);
    assert!(!av(&db, "2025-10-01").contains(&"101222331".to_string()));
    // The listing of young people shows no duty either.
    let people = db.people("2025-10-01");
    assert!(
        people
            .iter()
            .any(|p| p.starts_with("101222331 Bakker geen")),
        "{people:?}"
    );
    assert!(db
        .people("2025-07-11")
        .iter()
        .any(|p| p.starts_with("101222331 Bakker kwalificatieplichtig")));
    assert!(!werk(&db, "RBL-ZKIJ", "2025-10-01").contains(&("av".into(), "101222331".into())));
    // Without the diploma, the same 17-year-old is an absolute absentee, and leerplicht sees it.
    db.ok(ImportKind::Inschrijvingen, &met.replace(";ja\n", ";nee\n"));
    assert!(av(&db, "2025-10-01").contains(&"101222331".to_string()));
    assert!(werk(&db, "RBL-ZKIJ", "2025-10-01").contains(&("av".into(), "101222331".into())));
    // The item names the person, as the officer reads the list.
    let lijst = db
        .app
        .werklijst(
            &Actor::local_operator(),
            "RBL-ZKIJ",
            d("2025-10-01"),
            &Escalatieregels::default(),
        )
        .unwrap();
    let item = lijst.items.iter().find(|i| i.soort == "av").unwrap();
    assert_eq!(item.naam, "Lotte Bakker");
    // Their school sees no such item: only leerplicht's worklist lists absolute absence.
    assert!(!werk(&db, "07NU01", "2025-10-01")
        .iter()
        .any(|(s, _)| s == "av"));
    // A diploma is obtained at the end of an enrolment: one without an end is refused.
    let r = db.import(
        ImportKind::Inschrijvingen,
        "leerling;school;sector;begindatum;einddatum;startkwalificatie\n111222333;05KO00;PO;2019-08-20;;ja\n",
    );
    assert!(!r.committed);
    assert_eq!(error_places(&r), [(2, "startkwalificatie")]);

    // 123456782 (leerplichtig, enrolled nowhere since 2024-07-31) is an absolute absentee
    // until an exemption covers the reference date.
    assert!(av(&db, "2024-10-01").contains(&"123456782".to_string()));
    db.app
        .vrijstelling_vastleggen(
            &op,
            id("123456782"),
            vrijstelling(Artikel::Art5SubC, "2024-09-02", None),
        )
        .unwrap();
    assert!(!av(&db, "2024-10-01").contains(&"123456782".to_string()));
    assert!(av(&db, "2024-08-30").contains(&"123456782".to_string()));
    assert!(!werk(&db, "RBL-ZKIJ", "2024-10-01")
        .iter()
        .any(|(s, w)| s == "av" && w == "123456782"));
    // The exemption opened a case of its own, not a thuiszitter's.
    let zaken = db.app.zaken(&op, id("123456782")).unwrap();
    assert_eq!(
        zaken.iter().map(|z| z.soort).collect::<Vec<_>>(),
        [ZaakSoort::Vrijstelling]
    );
}

fn registrations_must_fit_the_register(db: Db) {
    db.region();
    let op = Actor::local_operator();
    let header = "leerling;categorie;oorzaak;van;tot\n";
    let bad = format!(
        "{header}101222331;absoluut_verzuim;complex;2025-03-03;
010000008;thuiszittend;psychisch;2025-03-01;
123456782;absoluut_verzuim;complex;2024-09-02;2028-01-01
123456782;thuiszittend;psychisch;2024-09-02;
123456782;thuiszittend;gedrag;2025-03-01;2025-04-30
"
    );
    let r = db.import(ImportKind::Registraties, &bad);
    assert!(!r.committed);
    let got = error_places(&r);
    assert_eq!(
        got,
        [
            (2, "categorie"), // enrolled: not absoluut verzuim
            (3, "categorie"), // 22 years old: no duty
            (4, "tot"),       // runs on past the end of duty
            (5, "van"),       // the same period as line 4
            (6, "categorie"), // enrolled nowhere: not thuiszittend
        ],
        "{:#?}",
        r.errors
    );
    assert_error_says(&r, 0, "enrolled on 2025-03-03");
    assert_error_says(&r, 2, "2027-08-31");
    assert!(
        db.app
            .registraties(&op, id("123456782"))
            .unwrap()
            .is_empty(),
        "nothing written"
    );
    // An open absoluut verzuim ends when the duty ends (the day before the 18th birthday).
    let good = format!("{header}123456782;absoluut_verzuim;complex;2024-09-02;\n");
    assert_eq!(db.ok(ImportKind::Registraties, &good).counts.nieuw, 1);
    let rs = db.app.registraties(&op, id("123456782")).unwrap();
    assert_eq!(
        (rs[0].van(), rs[0].tot()),
        (d("2024-09-02"), Some(d("2027-08-31")))
    );
    assert_eq!(db.ok(ImportKind::Registraties, &good).counts.ongewijzigd, 1);
    // The form and the API check the same.
    for (wie, registratie, waarom) in [
        (
            "101222331",
            (Categorie::AbsoluutVerzuim, Oorzaak::Complex),
            "needs no enrolment",
        ),
        (
            "010000008",
            (Categorie::Thuiszittend, Oorzaak::Psychisch),
            "needs a duty",
        ),
    ] {
        let refused = db
            .app
            .registratie_wijzigen(&op, id(wie), Some(registratie), d("2025-03-03"));
        assert!(
            matches!(&refused, Err(AppError::Invalid(m)) if m.contains(waarom)),
            "{refused:?}"
        );
    }
    assert!(db
        .app
        .registraties(&op, id("010000008"))
        .unwrap()
        .is_empty());
}

fn exemptions_are_cases_of_their_own(db: Db) {
    db.region();
    let op = Actor::local_operator();
    let who = id("123456782");
    let vastleggen = |v| db.app.vrijstelling_vastleggen(&op, who, v).unwrap();
    // 5 sub a needs a statement, not older than three months at the decision.
    for v in [
        vrijstelling(Artikel::Art5SubA, "2024-09-02", None),
        vrijstelling(Artikel::Art5SubA, "2024-09-02", Some("2024-05-31")),
    ] {
        let r = db.app.vrijstelling_vastleggen(&op, who, v);
        assert!(matches!(r, Err(AppError::Invalid(_))), "{r:?}");
    }
    let zaak = vastleggen(vrijstelling(
        Artikel::Art5SubA,
        "2024-09-02",
        Some("2024-08-20"),
    ));
    assert_eq!(
        db.app.zaak(&op, zaak, None).unwrap().rij.soort,
        ZaakSoort::Vrijstelling
    );
    // Yearly: due for renewal one year after its start, on leerplicht's worklist.
    assert!(!werk(&db, "RBL-ZKIJ", "2025-08-01")
        .iter()
        .any(|(s, _)| s == "vrijstelling_verlengen"));
    assert!(werk(&db, "RBL-ZKIJ", "2025-08-25")
        .contains(&("vrijstelling_verlengen".into(), "123456782".into())));
    // Renewed (recorded again on a fresh statement): due a year later.
    let again = vastleggen(vrijstelling(
        Artikel::Art5SubA,
        "2025-08-28",
        Some("2025-08-01"),
    ));
    assert_eq!(again, zaak, "the same open case");
    assert!(!werk(&db, "RBL-ZKIJ", "2025-09-10")
        .iter()
        .any(|(s, _)| s == "vrijstelling_verlengen"));
    let list = db.app.vrijstellingen(&op, who).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].verlengen_op, Some(d("2026-08-28")));
    // Given because no suitable offer exists: flagged.
    let mut geen = vrijstelling(Artikel::Art15, "2025-09-01", None);
    geen.geen_passend_aanbod = true;
    vastleggen(geen);
    assert!(werk(&db, "RBL-ZKIJ", "2025-09-10")
        .contains(&("vrijstelling_gemarkeerd".into(), "123456782".into())));
    assert!(db
        .app
        .zaken(&op, who)
        .unwrap()
        .iter()
        .all(|z| z.soort == ZaakSoort::Vrijstelling));
}

fn long_absence_proposes_a_thuiszitter_registration(db: Db) {
    db.region();
    let op = Actor::local_operator();
    // 111222333 at 05KO00 (SWV-PO-ZK): 21 school days in a row absent without leave.
    let mut rows = String::from("leerling;school;datum;soort;minuten;hele_dag\n");
    let mut day = d("2025-03-03");
    let mut n = 0;
    while n < 21 {
        if chrono::Datelike::weekday(&day).number_from_monday() <= 5 {
            rows.push_str(&format!("111222333;05KO00;{day};ongeoorloofd;300;ja\n"));
            n += 1;
        }
        day = day.succ_opt().unwrap();
    }
    db.ok(ImportKind::Verzuim, &rows);
    db.app
        .update_signals(&op, &RegelsHistorie::default(), true)
        .unwrap();
    // The Leerplichttelling counts the signals: the lrv signal as new long-term relative
    // absence, 123456782 (enrolled nowhere) as absolute absence.
    let telling = || {
        let t = db.leerplichttelling(2024, "2025-07-31");
        (
            t.absoluut_verzuim.totaal.n,
            t.langdurig_relatief_verzuim.totaal.n,
            t.langdurig_relatief_verzuim.nieuw.n,
            t.langdurig_relatief_verzuim.langer_dan_3_maanden.n,
        )
    };
    assert_eq!(telling(), (1, 1, 1, 0));
    let voorstel = ("thuiszitter_voorstel".to_string(), "111222333".to_string());
    // The signal is the school's draft: until the school confirms it, the proposal reaches no
    // one else (unconfirmed signals stay at the school, docs/domain.md §10).
    let school = werk(&db, "05KO00", "2025-04-10");
    assert!(!school.contains(&voorstel), "{school:?}");
    let concept = ("conceptmelding".to_string(), "111222333".to_string());
    assert!(school.contains(&concept), "{school:?}");
    assert!(!werk(&db, "RBL-ZKIJ", "2025-04-10").contains(&voorstel));
    assert!(!werk(&db, "SWV-PO-ZK", "2025-04-10").contains(&voorstel));
    // The school confirms its draft: leerplicht and the school's SWV get the proposal.
    let draft = db
        .app
        .meldingen(&op, id("111222333"))
        .unwrap()
        .into_iter()
        .find(|m| m.status == "concept" && m.signaal.as_deref() == Some("lrv"))
        .expect("the lrv signal's draft");
    db.app.melding_bevestigen(&op, draft.id).unwrap();
    assert!(werk(&db, "RBL-ZKIJ", "2025-04-10").contains(&voorstel));
    assert!(werk(&db, "SWV-PO-ZK", "2025-04-10").contains(&voorstel));
    let school = werk(&db, "05KO00", "2025-04-10");
    assert!(!school.contains(&voorstel), "{school:?}");
    // Once registered as thuiszittend, nothing is proposed any more.
    db.app
        .registratie_wijzigen(
            &op,
            id("111222333"),
            Some((Categorie::Thuiszittend, Oorzaak::Onbekend)),
            d("2025-03-31"),
        )
        .unwrap();
    assert!(!werk(&db, "RBL-ZKIJ", "2025-04-10").contains(&voorstel));
    // Registered, the same persons count once: from the list now.
    db.app
        .registratie_wijzigen(
            &op,
            id("123456782"),
            Some((Categorie::AbsoluutVerzuim, Oorzaak::Complex)),
            d("2024-09-02"),
        )
        .unwrap();
    assert_eq!(telling(), (1, 1, 1, 1));
}

/// A young person of the generated register below: birth date, and enrolments as (school,
/// begindatum, einddatum).
struct Gemaakt {
    bsn: String,
    geboren: chrono::NaiveDate,
    gemeente: &'static str,
    inschrijvingen: Vec<(&'static str, chrono::NaiveDate, Option<chrono::NaiveDate>)>,
}

impl Gemaakt {
    fn persoon(&self) -> String {
        format!(
            "{};;Test;Kim;{};{}\n",
            self.bsn, self.geboren, self.gemeente
        )
    }
    fn inschrijving(&self, i: usize) -> String {
        let (school, van, tot) = self.inschrijvingen[i];
        let sector = if school == "05KO00" { "PO" } else { "VO" };
        let tot = tot.map(|t| t.to_string()).unwrap_or_default();
        format!("{};{school};{sector};{van};{tot}\n", self.bsn)
    }
    /// Absolute absence on `on`, by the rule itself (docs/domain.md §6.8).
    fn av_op(&self, on: chrono::NaiveDate) -> bool {
        let ingeschreven = self
            .inschrijvingen
            .iter()
            .any(|&(_, van, tot)| van <= on && tot.is_none_or(|t| t >= on));
        leerrecht_domain::rules::absoluut_verzuim(self.geboren, on, ingeschreven, false, None)
    }
}

/// The `av` candidates on every date asked follow each change of the register: new people,
/// enrolments that end, start or change, a corrected birth date, on top of what was there.
/// Checked against the rule itself for a generated register of a hundred young people with
/// gaps between their schools of zero to sixty days.
fn absolute_absence_follows_every_change_of_the_register(db: Db) {
    db.region();
    let mut r = common::getallen(0x5eed);
    let dag = |d: chrono::NaiveDate, n: u64| d + chrono::Days::new(n);
    let mut mensen: Vec<Gemaakt> = common::bsns_from(300_000_000, 100)
        .into_iter()
        .map(|bsn| {
            let geboren = dag(d("2002-01-01"), r(20 * 365));
            let mut inschrijvingen = Vec::new();
            let mut van = dag(geboren, 4 * 365 + r(500));
            for k in 0..r(4) {
                let school = if k % 2 == 0 { "05KO00" } else { "07NU01" };
                let tot = (r(4) > 0).then(|| dag(van, 100 + r(1500)));
                inschrijvingen.push((school, van, tot));
                match tot {
                    Some(t) => van = dag(t, 1 + r(3) * r(30)),
                    None => break,
                }
            }
            Gemaakt {
                bsn,
                geboren,
                gemeente: if r(2) == 0 { "GM0392" } else { "GM0453" },
                inschrijvingen,
            }
        })
        .collect();
    let kop = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n";
    let ikop = "leerling;school;sector;begindatum;einddatum\n";
    let personen = |mensen: &[Gemaakt]| {
        let rijen: String = mensen.iter().map(Gemaakt::persoon).collect();
        db.ok(ImportKind::Jongeren, &format!("{kop}{rijen}"));
    };
    let inschrijvingen = |mensen: &[Gemaakt]| {
        let rijen: String = mensen
            .iter()
            .flat_map(|m| (0..m.inschrijvingen.len()).map(move |i| m.inschrijving(i)))
            .collect();
        db.ok(ImportKind::Inschrijvingen, &format!("{ikop}{rijen}"));
    };
    let toets = |mensen: &[Gemaakt], ronde: &str| {
        let bsns: std::collections::HashSet<&str> = mensen.iter().map(|m| m.bsn.as_str()).collect();
        let mut dagen: Vec<chrono::NaiveDate> =
            (0..40).map(|k| dag(d("2008-01-01"), k * 151)).collect();
        // The days around each enrolment's start and end.
        for m in mensen.iter().step_by(7) {
            for &(_, van, tot) in &m.inschrijvingen {
                dagen.extend([van, dag(van, 1), van.pred_opt().unwrap()]);
                if let Some(t) = tot {
                    dagen.extend([t, t.succ_opt().unwrap()]);
                }
            }
        }
        let mut ooit = 0;
        for on in dagen {
            let mut gezien: Vec<String> = av(&db, &on.to_string())
                .into_iter()
                .filter(|b| bsns.contains(b.as_str()))
                .collect();
            gezien.sort();
            let mut verwacht: Vec<String> = mensen
                .iter()
                .filter(|m| m.av_op(on))
                .map(|m| m.bsn.clone())
                .collect();
            verwacht.sort();
            assert_eq!(gezien, verwacht, "{ronde}: absoluut verzuim on {on}");
            ooit += verwacht.len();
        }
        assert!(
            ooit > 20,
            "{ronde}: the dates reach absolute absence ({ooit})"
        );
    };
    personen(&mensen);
    inschrijvingen(&mensen);
    toets(&mensen, "first import");

    // Birth dates corrected, and new people with no enrolment yet: the people alone.
    for (k, m) in mensen.iter_mut().enumerate() {
        if k % 4 == 2 {
            m.geboren = dag(d("2000-01-01"), r(22 * 365));
        }
    }
    mensen.extend(
        common::bsns_from(310_000_000, 10)
            .into_iter()
            .map(|bsn| Gemaakt {
                bsn,
                geboren: dag(d("2008-01-01"), r(12 * 365)),
                gemeente: "GM0392",
                inschrijvingen: Vec::new(),
            }),
    );
    personen(&mensen);
    toets(&mensen, "after the people's import");

    // Enrolments end earlier, later or not at all; a new school after a gap: the
    // enrolments alone.
    for (k, m) in mensen.iter_mut().enumerate() {
        if let Some(last) = m.inschrijvingen.last_mut() {
            if k % 3 == 0 {
                last.2 = match last.2 {
                    Some(_) => None,
                    None => Some(dag(last.1, 30 + r(400))),
                };
            }
            if k % 5 == 1 {
                if let (school, _, Some(t)) = *last {
                    let ander = if school == "05KO00" {
                        "07NU01"
                    } else {
                        "05KO00"
                    };
                    m.inschrijvingen.push((ander, dag(t, 2 + r(40)), None));
                }
            }
        }
    }
    inschrijvingen(&mensen);
    toets(&mensen, "after the enrolments' import");
}

on_both!(
    absolute_absence_follows_every_change_of_the_register,
    absolute_absence_respects_diplomas_and_exemptions,
    registrations_must_fit_the_register,
    exemptions_are_cases_of_their_own,
    long_absence_proposes_a_thuiszitter_registration,
);
