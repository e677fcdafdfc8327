//! Figures and targets (DOMAIN §9) as pure counting over what the store holds: registration
//! periods, enrolments, meldingen, offers and exemptions. Persons are the store's numbers;
//! no figure names anyone.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Months, NaiveDate};
use serde::{Serialize, Serializer};

use crate::ids::LeerlingId;
use crate::schoolyear::SchoolYear;
use crate::thuiszitters::{runs, Categorie, Oorzaak};
use crate::zaak::Artikel;

/// One registration period, as the figures see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Periode {
    pub persoon: i64,
    pub categorie: Categorie,
    pub oorzaak: Oorzaak,
    pub van: NaiveDate,
    pub tot: Option<NaiveDate>,
}

impl Periode {
    /// A period counts on `d` when `van ≤ d ≤ tot`, an open end counting as ongoing.
    pub fn telt_op(&self, d: NaiveDate) -> bool {
        self.van <= d && self.tot.is_none_or(|t| d <= t)
    }
    /// Whether the period overlaps the days `van..=tot`.
    pub fn overlapt(&self, van: NaiveDate, tot: NaiveDate) -> bool {
        self.van <= tot && self.tot.is_none_or(|t| t >= van)
    }
}

/// One enrolment of a registered person: school location, sector code (`VO`, `MBO`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inschrijving {
    pub persoon: i64,
    pub school: String,
    pub sector: String,
    pub van: NaiveDate,
    pub tot: Option<NaiveDate>,
}

impl Inschrijving {
    pub fn telt_op(&self, d: NaiveDate) -> bool {
        self.van <= d && self.tot.is_none_or(|t| d <= t)
    }
}

/// A registered person: where they live, and who they are (only shown to roles that may see
/// them). A figure row that retention kept of a destroyed file (DOMAIN
/// §9.8) is a person without a `leerling`: it is counted like any other and names no one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Persoon {
    pub leerling: Option<LeerlingId>,
    pub gemeente: String,
}

/// An exemption recorded in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vrijstelling {
    pub persoon: i64,
    pub artikel: Artikel,
    pub geen_passend_aanbod: bool,
    pub van: NaiveDate,
}

/// One melding as the figures see it: whose, where they lived when it was filed, whether
/// they were 18 or older on its start date, from which school, from when. Borrowed: the
/// figures stream millions of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Melding<'a> {
    pub persoon: i64,
    pub gemeente: &'a str,
    pub meerderjarig: bool,
    pub school: &'a str,
    pub begindatum: NaiveDate,
}

/// Everything the figures about thuiszitters count, as known at one moment.
#[derive(Clone, Debug, Default)]
pub struct Basis {
    pub personen: HashMap<i64, Persoon>,
    pub registraties: Vec<Periode>,
    pub inschrijvingen: Vec<Inschrijving>,
    /// Offers: (person, date offered).
    pub aanbiedingen: Vec<(i64, NaiveDate)>,
    pub vrijstellingen: Vec<Vrijstelling>,
}

impl Basis {
    /// Periods, enrolments and offers per person.
    pub fn per_persoon(&self) -> BTreeMap<i64, PersoonsDossier<'_>> {
        let mut out: BTreeMap<i64, PersoonsDossier<'_>> = BTreeMap::new();
        for p in &self.registraties {
            out.entry(p.persoon).or_default().perioden.push(p);
        }
        for i in &self.inschrijvingen {
            if let Some(d) = out.get_mut(&i.persoon) {
                d.inschrijvingen.push(i);
            }
        }
        for (p, a) in &self.aanbiedingen {
            if let Some(d) = out.get_mut(p) {
                d.aanbiedingen.push(*a);
            }
        }
        out
    }
}

/// One person's part of the [`Basis`].
#[derive(Clone, Debug, Default)]
pub struct PersoonsDossier<'a> {
    pub perioden: Vec<&'a Periode>,
    pub inschrijvingen: Vec<&'a Inschrijving>,
    pub aanbiedingen: Vec<NaiveDate>,
}

impl PersoonsDossier<'_> {
    /// The unbroken runs in the categories `welke` passes.
    pub fn runs(&self, welke: impl Fn(Categorie) -> bool) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let p: Vec<_> = self
            .perioden
            .iter()
            .map(|p| (p.categorie, p.van, p.tot))
            .collect();
        runs(&p, welke)
    }
}

pub fn plus_maanden(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .expect("date within chrono's range")
}

/// Whether an `absoluut_verzuim` period is the summer gap between VO and MBO (DOMAIN §8),
/// which the target figures leave out: the person's last enrolment before the period was in
/// VO or VSO, ended in June to September, and the period began within three months after.
pub fn overgang_vo_mbo(periode: &Periode, inschrijvingen: &[&Inschrijving]) -> bool {
    use chrono::Datelike;
    if periode.categorie != Categorie::AbsoluutVerzuim {
        return false;
    }
    let laatste = inschrijvingen
        .iter()
        .filter(|i| i.tot.is_some_and(|t| t < periode.van))
        .max_by_key(|i| i.tot);
    let Some(i) = laatste else {
        return false;
    };
    let eind = i.tot.expect("filtered on an end");
    (i.sector == "VO" || i.sector == "VSO")
        && (6..=9).contains(&eind.month())
        && periode.van <= plus_maanden(eind, 3)
        && !inschrijvingen
            .iter()
            .any(|j| j.van > eind && j.van < periode.van)
}

/// The target for a baseline and a reduction in percent: baseline × (1 − reduction),
/// rounded to the nearest whole number (halves up). 106 and 10% give 95; 884 gives 796.
pub fn doel(basis: u64, reductie_procent: f64) -> u64 {
    // In hundredths of a percent, so that 10% of 45 is exactly 40.5 and rounds up.
    let r = (reductie_procent * 100.0).round().clamp(0.0, 10_000.0) as u64;
    (basis * (10_000 - r) + 5_000) / 10_000
}

/// The age in whole years on `d` (a 29 February birthday falls on 28 February).
pub fn leeftijd(geboren: NaiveDate, d: NaiveDate) -> u32 {
    crate::duty::age_on(geboren, d)
}

/// A count as published: below [`PUBLIEK_MINIMUM`] it is hidden as `<5` when the report is
/// for publication (DOMAIN §9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aantal {
    pub n: u64,
    pub verborgen: bool,
}

/// The smallest count a published figure shows.
pub const PUBLIEK_MINIMUM: u64 = 5;

impl Aantal {
    pub fn new(n: u64) -> Self {
        Aantal {
            n,
            verborgen: false,
        }
    }
    /// Hides the count when it is below the minimum.
    pub fn publiek(&mut self) {
        self.verborgen = self.n < PUBLIEK_MINIMUM;
    }
    /// As shown: the number, or `<5`.
    pub fn tekst(&self) -> String {
        if self.verborgen {
            format!("<{PUBLIEK_MINIMUM}")
        } else {
            self.n.to_string()
        }
    }
    /// The number when it may be shown.
    pub fn getal(&self) -> Option<u64> {
        (!self.verborgen).then_some(self.n)
    }
}

impl From<u64> for Aantal {
    fn from(n: u64) -> Self {
        Aantal::new(n)
    }
}

impl Serialize for Aantal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.verborgen {
            s.serialize_str(&self.tekst())
        } else {
            s.serialize_u64(self.n)
        }
    }
}

/// Unique persons per key.
#[derive(Debug, Default)]
pub struct Uniek<K: std::hash::Hash + Eq>(HashMap<K, HashSet<i64>>);

impl<K: std::hash::Hash + Eq> Uniek<K> {
    pub fn new() -> Self {
        Uniek(HashMap::new())
    }
    pub fn tel(&mut self, k: K, persoon: i64) {
        self.0.entry(k).or_default().insert(persoon);
    }
    pub fn aantal(&self, k: &K) -> u64 {
        self.0.get(k).map_or(0, |s| s.len() as u64)
    }
}

/// The school year's figures of one person (DOMAIN §9.2): was a thuiszitter (incl. absoluut
/// verzuim, without the VO-MBO gap) at some day of `jaar`.
pub fn thuiszitter_in(dossier: &PersoonsDossier<'_>, jaar: SchoolYear) -> bool {
    dossier.perioden.iter().any(|p| {
        p.categorie.is_thuiszitter()
            && p.overlapt(jaar.first_day(), jaar.last_day())
            && !overgang_vo_mbo(p, &dossier.inschrijvingen)
    })
}

/// How one thuiszitter's clock stood for the three-month KPI (DOMAIN §9.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiUitkomst {
    /// An offer on or before the deadline.
    BinnenTermijn,
    /// An offer, but after the deadline.
    TeLaat,
    /// No offer, the deadline has passed, still at home.
    Achterstallig,
    /// No offer, the deadline passed, and the home-sitting ended without one.
    BeeindigdZonderAanbod,
    /// No offer yet, the deadline is still ahead.
    Lopend,
}

/// One run of home-sitting that began in the year asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KpiGeval {
    pub persoon: i64,
    pub begin: NaiveDate,
    pub termijn: NaiveDate,
    pub einde: Option<NaiveDate>,
    pub aanbod: Option<NaiveDate>,
    pub uitkomst: KpiUitkomst,
}

/// Every run of home-sitting (thuiszittend or absoluut verzuim, without the VO-MBO gap) that
/// began from `van` to `tot`, and where its clock stood on `op`: an offer counts when it was
/// made from the run's start to its end and on or before `op`.
pub fn kpi_gevallen(
    per_persoon: &BTreeMap<i64, PersoonsDossier<'_>>,
    van: NaiveDate,
    tot: NaiveDate,
    op: NaiveDate,
    aanbod_maanden: u32,
) -> Vec<KpiGeval> {
    let mut out = Vec::new();
    for (persoon, d) in per_persoon {
        let gap: Vec<&Periode> = d
            .perioden
            .iter()
            .copied()
            .filter(|p| overgang_vo_mbo(p, &d.inschrijvingen))
            .collect();
        for (begin, einde) in d.runs(Categorie::is_thuiszitter) {
            if begin < van || begin > tot || begin > op {
                continue;
            }
            if gap.iter().any(|p| p.van == begin) {
                continue;
            }
            let termijn = plus_maanden(begin, aanbod_maanden)
                .pred_opt()
                .expect("date within range");
            let aanbod = d
                .aanbiedingen
                .iter()
                .copied()
                .filter(|a| *a >= begin && *a <= op && einde.is_none_or(|e| *a <= e))
                .min();
            let uitkomst = match aanbod {
                Some(a) if a <= termijn => KpiUitkomst::BinnenTermijn,
                Some(_) => KpiUitkomst::TeLaat,
                None if termijn >= op => KpiUitkomst::Lopend,
                None if einde.is_some_and(|e| e < op) => KpiUitkomst::BeeindigdZonderAanbod,
                None => KpiUitkomst::Achterstallig,
            };
            out.push(KpiGeval {
                persoon: *persoon,
                begin,
                termijn,
                einde,
                aanbod,
                uitkomst,
            });
        }
    }
    out
}

/// The median of some day counts (the mean of the middle two for an even number).
pub fn mediaan(mut dagen: Vec<i64>) -> Option<f64> {
    if dagen.is_empty() {
        return None;
    }
    dagen.sort_unstable();
    let n = dagen.len();
    Some(if n % 2 == 1 {
        dagen[n / 2] as f64
    } else {
        (dagen[n / 2 - 1] + dagen[n / 2]) as f64 / 2.0
    })
}

/// The Leerplichttelling's figures of one category's runs in a school year (DOMAIN §9.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Looptijden {
    /// Persons in the category on some day of the year.
    pub totaal: HashSet<i64>,
    /// In the category on the first day of the year.
    pub bij_begin: HashSet<i64>,
    /// A run that began during the year.
    pub nieuw: HashSet<i64>,
    /// A run that lasted more than three months (up to the end of the year).
    pub langer_dan_3_maanden: HashSet<i64>,
    /// A run that ended during the year.
    pub opgelost: HashSet<i64>,
}

/// The runs of `categorie` in school year `jaar`, as they stood on `op` (the year's last day,
/// or an earlier day while it runs).
pub fn looptijden(
    per_persoon: &BTreeMap<i64, PersoonsDossier<'_>>,
    categorie: Categorie,
    jaar: SchoolYear,
    op: NaiveDate,
) -> Looptijden {
    let (s, e) = (jaar.first_day(), jaar.last_day().min(op));
    let mut out = Looptijden::default();
    for (persoon, d) in per_persoon {
        for (begin, einde) in d.runs(|c| c == categorie) {
            if begin > e || einde.is_some_and(|x| x < s) {
                continue;
            }
            out.totaal.insert(*persoon);
            if begin <= s {
                out.bij_begin.insert(*persoon);
            } else {
                out.nieuw.insert(*persoon);
            }
            let tot = einde.map_or(e, |x| x.min(e));
            if plus_maanden(begin, 3) <= tot {
                out.langer_dan_3_maanden.insert(*persoon);
            }
            if einde.is_some_and(|x| x <= e) {
                out.opgelost.insert(*persoon);
            }
        }
    }
    out
}

/// How long a run of `thuiszittend` had lasted on a date, for the Inspectie's overview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duur {
    /// Up to three months (registered thuiszittend: absent four weeks or more).
    TotDrieMaanden,
    MeerDanDrieMaanden,
}

/// The `thuiszittend` run ongoing on `op`, by how long it has lasted.
pub fn duur_op(dossier: &PersoonsDossier<'_>, op: NaiveDate) -> Option<Duur> {
    let (begin, _) = dossier
        .runs(|c| c == Categorie::Thuiszittend)
        .into_iter()
        .find(|(b, e)| *b <= op && e.is_none_or(|e| e >= op))?;
    Some(if plus_maanden(begin, 3) < op {
        Duur::MeerDanDrieMaanden
    } else {
        Duur::TotDrieMaanden
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_seed_targets() {
        assert_eq!(doel(106, 10.0), 95);
        assert_eq!(doel(884, 10.0), 796);
        assert_eq!(doel(49, 10.0), 44);
        assert_eq!(doel(633, 10.0), 570);
        // Halves round up; no reduction keeps the baseline; a full one gives zero.
        assert_eq!(doel(45, 10.0), 41);
        assert_eq!(doel(7, 0.0), 7);
        assert_eq!(doel(7, 100.0), 0);
    }

    #[test]
    fn small_counts_hide_for_publication() {
        let mut a = Aantal::new(4);
        a.publiek();
        assert_eq!(a.tekst(), "<5");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"<5\"");
        let mut b = Aantal::new(5);
        b.publiek();
        assert_eq!(serde_json::to_string(&b).unwrap(), "5");
    }

    fn periode(c: Categorie, van: &str, tot: Option<&str>) -> Periode {
        Periode {
            persoon: 1,
            categorie: c,
            oorzaak: Oorzaak::Onbekend,
            van: d(van),
            tot: tot.map(d),
        }
    }

    fn inschrijving(sector: &str, van: &str, tot: &str) -> Inschrijving {
        Inschrijving {
            persoon: 1,
            school: "07NU01".into(),
            sector: sector.into(),
            van: d(van),
            tot: Some(d(tot)),
        }
    }

    #[test]
    fn the_summer_gap_between_vo_and_mbo() {
        let vo = inschrijving("VO", "2018-08-20", "2023-07-31");
        let av = periode(Categorie::AbsoluutVerzuim, "2023-09-01", None);
        assert!(overgang_vo_mbo(&av, &[&vo]));
        // Dropping out of VO in November is no transition.
        let uitval = inschrijving("VO", "2018-08-20", "2023-11-10");
        let av2 = periode(Categorie::AbsoluutVerzuim, "2023-11-11", None);
        assert!(!overgang_vo_mbo(&av2, &[&uitval]));
        // Too long after the summer, or after PO, or not absoluut verzuim: no transition.
        let laat = periode(Categorie::AbsoluutVerzuim, "2024-01-15", None);
        assert!(!overgang_vo_mbo(&laat, &[&vo]));
        let po = inschrijving("PO", "2015-08-20", "2023-07-31");
        assert!(!overgang_vo_mbo(&av, &[&po]));
        let tz = periode(Categorie::Thuiszittend, "2023-09-01", None);
        assert!(!overgang_vo_mbo(&tz, &[&vo]));
    }

    #[test]
    fn the_kpi_outcomes() {
        let ps = [
            Periode {
                persoon: 1,
                ..periode(Categorie::Thuiszittend, "2024-09-02", None)
            },
            Periode {
                persoon: 2,
                ..periode(Categorie::Thuiszittend, "2024-09-02", None)
            },
            Periode {
                persoon: 3,
                ..periode(Categorie::AbsoluutVerzuim, "2024-10-01", Some("2024-11-30"))
            },
            Periode {
                persoon: 4,
                ..periode(Categorie::Thuiszittend, "2025-06-01", None)
            },
            Periode {
                persoon: 5,
                ..periode(Categorie::Thuiszittend, "2024-09-02", None)
            },
        ];
        let basis = Basis {
            registraties: ps.to_vec(),
            // 1 on the last day of the term, 2 one day late, 5 never.
            aanbiedingen: vec![(1, d("2024-12-01")), (2, d("2024-12-02"))],
            ..Basis::default()
        };
        let per = basis.per_persoon();
        let g = kpi_gevallen(&per, d("2024-08-01"), d("2025-07-31"), d("2025-06-15"), 3);
        let uit: Vec<(i64, KpiUitkomst)> = g.iter().map(|g| (g.persoon, g.uitkomst)).collect();
        assert_eq!(
            uit,
            [
                (1, KpiUitkomst::BinnenTermijn),
                (2, KpiUitkomst::TeLaat),
                (3, KpiUitkomst::BeeindigdZonderAanbod),
                (4, KpiUitkomst::Lopend),
                (5, KpiUitkomst::Achterstallig),
            ]
        );
        // Asked before person 3's deadline (2024-12-31), that run was still "lopend", and
        // person 4's had not begun; person 5 was already two weeks overdue.
        let g = kpi_gevallen(&per, d("2024-08-01"), d("2025-07-31"), d("2024-12-15"), 3);
        let uit: Vec<(i64, KpiUitkomst)> = g.iter().map(|g| (g.persoon, g.uitkomst)).collect();
        assert_eq!(
            uit,
            [
                (1, KpiUitkomst::BinnenTermijn),
                (2, KpiUitkomst::TeLaat),
                (3, KpiUitkomst::Lopend),
                (5, KpiUitkomst::Achterstallig),
            ]
        );
        assert_eq!(mediaan(vec![90, 91]), Some(90.5));
        assert_eq!(mediaan(vec![3, 1, 2]), Some(2.0));
    }

    #[test]
    fn runs_per_category_over_a_school_year() {
        let ps = [
            // At home from before the year to mid-October: at the start, resolved.
            Periode {
                persoon: 1,
                ..periode(Categorie::Thuiszittend, "2024-03-01", Some("2024-10-15"))
            },
            // New in the year and more than three months.
            Periode {
                persoon: 2,
                ..periode(Categorie::Thuiszittend, "2024-09-01", None)
            },
            // New, two months, then resolved.
            Periode {
                persoon: 3,
                ..periode(Categorie::Thuiszittend, "2025-01-06", Some("2025-03-05"))
            },
        ];
        let basis = Basis {
            registraties: ps.to_vec(),
            ..Basis::default()
        };
        let l = looptijden(
            &basis.per_persoon(),
            Categorie::Thuiszittend,
            SchoolYear::containing(d("2025-01-01")),
            d("2025-07-31"),
        );
        let set = |s: &HashSet<i64>| {
            let mut v: Vec<i64> = s.iter().copied().collect();
            v.sort();
            v
        };
        assert_eq!(set(&l.totaal), [1, 2, 3]);
        assert_eq!(set(&l.bij_begin), [1]);
        assert_eq!(set(&l.nieuw), [2, 3]);
        assert_eq!(set(&l.langer_dan_3_maanden), [1, 2]);
        assert_eq!(set(&l.opgelost), [1, 3]);
        // Asked on 1 December: person 3 had not begun, and person 2's run was not yet over
        // three months.
        let l = looptijden(
            &basis.per_persoon(),
            Categorie::Thuiszittend,
            SchoolYear::containing(d("2025-01-01")),
            d("2024-11-30"),
        );
        assert_eq!(set(&l.totaal), [1, 2]);
        assert_eq!(set(&l.langer_dan_3_maanden), [1]);
    }
}
