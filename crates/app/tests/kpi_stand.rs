//! The KPI of a school year that has ended, asked later, stands on the day asked and says
//! so: a case whose three months ran out after 31 July without an offer is overdue on that
//! day, not "still running"; a case whose offer came after 31 July but within its term is
//! in time. On both databases. And a report's dates are written for a reader in every
//! format but CSV, its causes and indicators in words.

mod common;

use common::{bsns_from, d, leerling, record_offer, Db};
use leerrecht_app::cijfers::Opties;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_app::App;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::Escalatieregels;
use leerrecht_domain::zaak::ZaakSoort;

const ORGS: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
SWV-ZK;swv;SWV VO Zuid-Kennemerland;;Zuid-Kennemerland;;
02AA00;school;Haarlem College;GM0392;;SWV-ZK;
RBL;leerplicht;Regionaal Bureau Leerplicht;GM0392;;;GM0392
";

fn a_year_asked_after_it_ended(db: Db) {
    // Both at home from 2 June 2025 (school year 2024-2025): the term ends on 2 September.
    // a gets no offer; b an offer on 25 August, after the year but within the term.
    let p = bsns_from(200_000_000, 2);
    db.ok(ImportKind::Organisaties, ORGS);
    db.ok(
        ImportKind::Jongeren,
        &format!(
            "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n\
             {};;Proef;A;2010-05-01;GM0392\n{};;Proef;B;2010-05-01;GM0392\n",
            p[0], p[1]
        ),
    );
    db.ok(
        ImportKind::Inschrijvingen,
        &format!(
            "leerling;school;sector;begindatum;einddatum\n\
             {};02AA00;VO;2022-08-15;\n{};02AA00;VO;2022-08-15;\n",
            p[0], p[1]
        ),
    );
    db.ok(
        ImportKind::Registraties,
        &format!(
            "leerling;categorie;oorzaak;van;tot\n\
             {};thuiszittend;psychisch;2025-06-02;\n{};thuiszittend;psychisch;2025-06-02;\n",
            p[0], p[1]
        ),
    );
    let app = App::new(leerrecht_store::open(&db.url).unwrap());
    let op = Actor::local_operator();
    let zaak = app
        .zaak_openen(
            &op,
            leerling(&p[1]),
            ZaakSoort::Thuiszitter,
            d("2025-06-02"),
        )
        .unwrap();
    record_offer(&app, &op, zaak, 1, "Haarlem College", d("2025-08-25"));
    let opties = Opties::default();
    let regels = Escalatieregels::default();
    let jaar = SchoolYear::new(2024);
    let k = app
        .rapport_kpi(&op, jaar, d("2025-12-04"), &regels, &opties)
        .unwrap();
    assert_eq!(k.peildatum, d("2025-12-04"), "stands on the day asked");
    assert_eq!(
        (
            k.gestart.n,
            k.binnen_termijn.n,
            k.achterstallig.n,
            k.lopend.n
        ),
        (2, 1, 1, 0),
        "a's term ran out on 2 September: overdue on 4 December; b's offer was in time"
    );
    assert_eq!(k.te_laat_lijst.len(), 1);
    assert_eq!(k.te_laat_lijst[0].dagen_te_laat, 93);
    // Asked during the year, a's term still runs.
    let k = app
        .rapport_kpi(&op, jaar, d("2025-07-01"), &regels, &opties)
        .unwrap();
    assert_eq!((k.achterstallig.n, k.lopend.n), (0, 2));

    // The report says on which day it stands and why, in words; its table's dates are
    // short; CSV keeps ISO.
    let k = app
        .rapport_kpi(&op, jaar, d("2025-12-04"), &regels, &opties)
        .unwrap();
    let w = k.weergave();
    let csv = w.csv();
    let tekst = w.clone().datums_voor_lezers().tekst();
    assert!(tekst.contains("Stand op 4 december 2025."), "{tekst}");
    assert!(
        tekst.contains("Gevallen die in schooljaar 2024-2025 begonnen"),
        "{tekst}"
    );
    assert!(tekst.contains("02-06-2025"), "{tekst}");
    assert!(!tekst.contains("2025-06-02"), "{tekst}");
    assert!(csv.contains("2025-06-02"), "{csv}");
    // The causes along the chart's axis and the targets' indicators are words.
    let o = app
        .rapport_oorzaken(&op, d("2025-12-04"), &opties)
        .unwrap()
        .weergave();
    assert!(
        o.grafieken[0]
            .labels
            .iter()
            .any(|l| l == "Psychiatrische/psychische problematiek"),
        "{:?}",
        o.grafieken[0].labels
    );
    assert!(
        o.grafieken[0]
            .labels
            .iter()
            .all(|l| !l.contains('_') && l != "psychisch"),
        "{:?}",
        o.grafieken[0].labels
    );
    let doelen = app
        .rapport_doelen(
            &op,
            SchoolYear::new(2023),
            10.0,
            jaar,
            jaar.last_day(),
            &opties,
        )
        .unwrap()
        .weergave()
        .tekst();
    assert!(
        doelen.contains("Ongeoorloofd verzuimers tot 18 jaar"),
        "{doelen}"
    );
    assert!(!doelen.contains("verzuimers_onder_18"), "{doelen}");
    let en = w.in_het_engels().datums_voor_lezers().tekst();
    assert!(en.contains("As of 4 December 2025."), "{en}");
    assert!(
        en.contains("Cases that began in school year 2024-2025"),
        "{en}"
    );
}

on_both!(a_year_asked_after_it_ended);
