//! Figures and targets (docs/domain.md §9) as pure counting over what the store holds: registration
//! periods, enrolments, meldingen, offers and exemptions. Persons are the store's numbers;
//! no figure names anyone.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Months, NaiveDate};
use serde::{Serialize, Serializer};

use crate::calendar::SchoolDays;
use crate::ids::LeerlingId;
use crate::schoolyear::SchoolYear;
use crate::thuiszitters::{meer_dan_maanden, runs, Categorie, Oorzaak, Runregels};
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
/// them). A figure row that retention kept of a destroyed file (docs/domain.md §9.8) is a
/// person without a `leerling`: it is counted like any other and names no one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Persoon {
    pub leerling: Option<LeerlingId>,
    /// Where the person lives (as known at the moment the figures are asked about).
    pub gemeente: String,
    /// Their moves known at that moment, in order of their day (docs/domain.md §9.7).
    pub verhuizingen: Vec<Verhuizing>,
}

/// A move from one gemeente to another, taking effect on `datum`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verhuizing {
    pub datum: NaiveDate,
    pub van: String,
    pub naar: String,
}

impl Persoon {
    /// A person who never moved (as far as is known).
    pub fn in_gemeente(leerling: Option<LeerlingId>, gemeente: String) -> Self {
        Persoon {
            leerling,
            gemeente,
            verhuizingen: Vec::new(),
        }
    }

    /// The gemeente the person lived in on `d`: after the last move on or before `d`, its
    /// destination; before any move, the first move's origin.
    pub fn gemeente_op(&self, d: NaiveDate) -> &str {
        match self.verhuizingen.iter().rposition(|v| v.datum <= d) {
            Some(i) => &self.verhuizingen[i].naar,
            None => self
                .verhuizingen
                .first()
                .map_or(self.gemeente.as_str(), |v| v.van.as_str()),
        }
    }

    /// Takes the moves read in the order they were recorded, each with whether it was known at
    /// the moment asked about: the unknown ones are left out, and the person lived, as then
    /// known, where the first unknown move began.
    pub fn met_verhuizingen(mut self, vastgelegd: Vec<(Verhuizing, bool)>) -> Self {
        if let Some((v, _)) = vastgelegd.iter().find(|(_, bekend)| !bekend) {
            self.gemeente = v.van.clone();
        }
        self.verhuizingen = vastgelegd
            .into_iter()
            .filter_map(|(v, bekend)| bekend.then_some(v))
            .collect();
        self.verhuizingen.sort_by_key(|v| v.datum);
        self
    }
}

/// An exemption recorded in a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vrijstelling {
    pub persoon: i64,
    pub artikel: Artikel,
    pub geen_passend_aanbod: bool,
    pub van: NaiveDate,
}

/// An enforcement step recorded in a case: a HALT referral or an official report under one
/// of the two articles (`None`: HALT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handhaving {
    pub persoon: i64,
    pub proces_verbaal: Option<crate::zaak::PvArtikel>,
    pub datum: NaiveDate,
}

impl Handhaving {
    /// The code kept in the anonymous table: `halt`, `art2` or `art4`.
    pub fn code(&self) -> &'static str {
        self.proces_verbaal.map_or("halt", |a| a.code())
    }
    /// The step of a code of [`Handhaving::code`].
    pub fn van_code(persoon: i64, code: &str, datum: NaiveDate) -> Result<Self, String> {
        let proces_verbaal = match code {
            "halt" => None,
            a => Some(a.parse()?),
        };
        Ok(Handhaving {
            persoon,
            proces_verbaal,
            datum,
        })
    }
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
    /// Offers that started: (person, date started). A start ends a run of home-sitting.
    pub gestart: Vec<(i64, NaiveDate)>,
    pub vrijstellingen: Vec<Vrijstelling>,
    /// HALT referrals and official reports.
    pub handhaving: Vec<Handhaving>,
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
        for (p, g) in &self.gestart {
            if let Some(d) = out.get_mut(p) {
                d.gestart.push(*g);
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
    pub gestart: Vec<NaiveDate>,
}

impl PersoonsDossier<'_> {
    /// The runs in the categories `welke` passes (docs/domain.md §8), as registered.
    pub fn runs(
        &self,
        welke: impl Fn(Categorie) -> bool,
        regels: &Runregels<'_>,
    ) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        let p: Vec<_> = self
            .perioden
            .iter()
            .map(|p| (p.categorie, p.van, p.tot))
            .collect();
        runs(&p, &self.gestart, welke, regels)
    }

    /// The periods as the target figures count them: the VO-MBO summer gap left out of each
    /// (see [`telt_vanaf`]); a period wholly inside the gap is gone.
    pub fn voor_doelen(
        &self,
        schooldagen: &SchoolDays,
    ) -> Vec<(Categorie, NaiveDate, Option<NaiveDate>)> {
        self.perioden
            .iter()
            .filter_map(|p| {
                let van = telt_vanaf(p, &self.inschrijvingen, schooldagen)?;
                Some((p.categorie, van, p.tot))
            })
            .collect()
    }

    /// The runs in the categories `welke` passes, as the target figures count them.
    pub fn runs_voor_doelen(
        &self,
        welke: impl Fn(Categorie) -> bool,
        regels: &Runregels<'_>,
    ) -> Vec<(NaiveDate, Option<NaiveDate>)> {
        runs(
            &self.voor_doelen(regels.schooldagen),
            &self.gestart,
            welke,
            regels,
        )
    }
}

pub fn plus_maanden(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .expect("date within chrono's range")
}

/// The first day a period counts in the target figures (docs/domain.md §8, the VO-MBO transition):
/// an `absoluut_verzuim` period that begins after a VO or VSO enrolment which ended on 31 July
/// or later in the summer holiday (no school day between 31 July and its end), before 1 October
/// of that year and with no enrolment in between, counts only from 1 October; None when it
/// ends before then. Every other period counts from its start.
pub fn telt_vanaf(
    periode: &Periode,
    inschrijvingen: &[&Inschrijving],
    schooldagen: &SchoolDays,
) -> Option<NaiveDate> {
    use chrono::Datelike;
    if periode.categorie != Categorie::AbsoluutVerzuim {
        return Some(periode.van);
    }
    let laatste = inschrijvingen
        .iter()
        .filter(|i| i.tot.is_some_and(|t| t < periode.van))
        .max_by_key(|i| i.tot);
    let Some(i) = laatste else {
        return Some(periode.van);
    };
    let eind = i.tot.expect("filtered on an end");
    let zomer = NaiveDate::from_ymd_opt(eind.year(), 7, 31).expect("valid date");
    let oktober = NaiveDate::from_ymd_opt(eind.year(), 10, 1).expect("valid date");
    let overgang = (i.sector == "VO" || i.sector == "VSO")
        && eind >= zomer
        && (eind == zomer
            || schooldagen.count_school_days(zomer + chrono::Days::new(1), eind) == 0)
        && periode.van < oktober
        && !inschrijvingen
            .iter()
            .any(|j| j.van > eind && j.van < periode.van);
    if !overgang {
        return Some(periode.van);
    }
    match periode.tot {
        Some(t) if t < oktober => None,
        _ => Some(oktober),
    }
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
/// for publication (docs/domain.md §9.6).
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
    /// As shown: the number, `<5` for a small count, or `x` for a count hidden only so that
    /// a small one cannot be worked out from a total (secondary suppression).
    pub fn tekst(&self) -> String {
        if !self.verborgen {
            self.n.to_string()
        } else if self.n < PUBLIEK_MINIMUM {
            format!("<{PUBLIEK_MINIMUM}")
        } else {
            "x".to_string()
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

/// Secondary suppression (docs/domain.md §9.8). In a group of cells that add up to a total shown
/// beside them, one hidden cell is the total minus the others. So while some group has exactly
/// one hidden part under a shown total, the smallest other shown part is hidden too (the total
/// itself when there is none). Groups may share cells (a table's rows and columns), so this
/// runs until nothing changes. `groepen` are (parts, total) as indices into `cellen`; call it
/// after [`Aantal::publiek`] has hidden the small cells.
pub fn secundair_verbergen(cellen: &mut [Aantal], groepen: &[(Vec<usize>, usize)]) {
    loop {
        let mut veranderd = false;
        for (delen, totaal) in groepen {
            if cellen[*totaal].verborgen {
                continue;
            }
            let verborgen = delen.iter().filter(|&&i| cellen[i].verborgen).count();
            if verborgen != 1 {
                continue;
            }
            match delen
                .iter()
                .copied()
                .filter(|&i| !cellen[i].verborgen)
                .min_by_key(|&i| (cellen[i].n, i))
            {
                Some(i) => cellen[i].verborgen = true,
                None => cellen[*totaal].verborgen = true,
            }
            veranderd = true;
        }
        if !veranderd {
            return;
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

/// The school year's figures of one person (docs/domain.md §9.2): was a thuiszitter (incl. absoluut
/// verzuim, without the VO-MBO gap) at some day of `jaar`.
pub fn thuiszitter_in(
    dossier: &PersoonsDossier<'_>,
    jaar: SchoolYear,
    schooldagen: &SchoolDays,
) -> bool {
    thuiszitter_tussen(dossier, jaar.first_day(), jaar.last_day(), schooldagen)
}

/// Whether the person counts as a thuiszitter on some day from `van` to `tot` (both
/// included): the part of a school year up to a day, for the count so far.
pub fn thuiszitter_tussen(
    dossier: &PersoonsDossier<'_>,
    van: NaiveDate,
    tot: NaiveDate,
    schooldagen: &SchoolDays,
) -> bool {
    dossier.perioden.iter().any(|p| {
        p.categorie.is_thuiszitter()
            && telt_vanaf(p, &dossier.inschrijvingen, schooldagen).is_some_and(|telt| {
                Periode {
                    van: telt,
                    ..(*p).clone()
                }
                .overlapt(van, tot)
            })
    })
}

/// How one thuiszitter's clock stood for the three-month KPI (docs/domain.md §9.4).
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
/// made from the run's start to its end and on or before `op`. The deadline is the run's start
/// plus `aanbod_maanden` (on that day the run has lasted "up to three months").
pub fn kpi_gevallen(
    per_persoon: &BTreeMap<i64, PersoonsDossier<'_>>,
    van: NaiveDate,
    tot: NaiveDate,
    op: NaiveDate,
    aanbod_maanden: u32,
    regels: &Runregels<'_>,
) -> Vec<KpiGeval> {
    let mut out = Vec::new();
    for (persoon, d) in per_persoon {
        for (begin, einde) in d.runs_voor_doelen(Categorie::is_thuiszitter, regels) {
            if begin < van || begin > tot || begin > op {
                continue;
            }
            let termijn = plus_maanden(begin, aanbod_maanden);
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

/// The Leerplichttelling's figures of one category's runs in a school year (docs/domain.md §9.5).
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
///
/// "More than three months" is measured over the whole run of home-sitting the category's run
/// belongs to (docs/domain.md §8): a `thuiszittend` run that followed `absoluut_verzuim` counts from the
/// start of the absolute absence.
pub fn looptijden(
    per_persoon: &BTreeMap<i64, PersoonsDossier<'_>>,
    categorie: Categorie,
    jaar: SchoolYear,
    op: NaiveDate,
    regels: &Runregels<'_>,
) -> Looptijden {
    let (s, e) = (jaar.first_day(), jaar.last_day().min(op));
    let mut out = Looptijden::default();
    for (persoon, d) in per_persoon {
        let heel = d.runs(Categorie::is_thuiszitter, regels);
        for (begin, einde) in d.runs(|c| c == categorie, regels) {
            if begin > e || einde.is_some_and(|x| x < s) {
                continue;
            }
            let run_begin = if categorie.is_thuiszitter() {
                heel.iter()
                    .filter(|(b, _)| *b <= begin)
                    .map(|(b, _)| *b)
                    .next_back()
                    .unwrap_or(begin)
            } else {
                begin
            };
            out.totaal.insert(*persoon);
            if begin <= s {
                out.bij_begin.insert(*persoon);
            } else {
                out.nieuw.insert(*persoon);
            }
            let tot = einde.map_or(e, |x| x.min(e));
            if meer_dan_maanden(run_begin, 3, tot) {
                out.langer_dan_3_maanden.insert(*persoon);
            }
            if einde.is_some_and(|x| x <= e) {
                out.opgelost.insert(*persoon);
            }
        }
    }
    out
}

/// How long a thuiszitter registered `thuiszittend` on a date had been at home, for the
/// Inspectie's overview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duur {
    /// Up to three months (registered thuiszittend: absent four weeks or more).
    TotDrieMaanden,
    MeerDanDrieMaanden,
}

/// For a person registered `thuiszittend` on `op`: how long their run of home-sitting had
/// lasted, over the whole run (an `absoluut_verzuim` start counts, docs/domain.md §8).
pub fn duur_op(
    dossier: &PersoonsDossier<'_>,
    op: NaiveDate,
    regels: &Runregels<'_>,
) -> Option<Duur> {
    if !dossier
        .perioden
        .iter()
        .any(|p| p.categorie == Categorie::Thuiszittend && p.telt_op(op))
    {
        return None;
    }
    let (begin, _) = dossier
        .runs(Categorie::is_thuiszitter, regels)
        .into_iter()
        .find(|(b, e)| *b <= op && e.is_none_or(|e| e >= op))?;
    Some(if meer_dan_maanden(begin, 3, op) {
        Duur::MeerDanDrieMaanden
    } else {
        Duur::TotDrieMaanden
    })
}

#[cfg(test)]
mod tests {

    fn verhuizing(datum: &str, van: &str, naar: &str) -> Verhuizing {
        Verhuizing {
            datum: datum.parse().unwrap(),
            van: van.into(),
            naar: naar.into(),
        }
    }

    #[test]
    fn a_person_counts_where_they_lived_on_the_date() {
        let d = |s: &str| -> NaiveDate { s.parse().unwrap() };
        let p = Persoon::in_gemeente(None, "GM0453".into())
            .met_verhuizingen(vec![(verhuizing("2025-03-01", "GM0392", "GM0453"), true)]);
        assert_eq!(p.gemeente_op(d("2024-10-01")), "GM0392");
        assert_eq!(p.gemeente_op(d("2025-02-28")), "GM0392");
        assert_eq!(p.gemeente_op(d("2025-03-01")), "GM0453");
        // Two moves, recorded out of order: by their day.
        let p = Persoon::in_gemeente(None, "GM0375".into()).met_verhuizingen(vec![
            (verhuizing("2025-06-01", "GM0453", "GM0375"), true),
            (verhuizing("2025-03-01", "GM0392", "GM0453"), true),
        ]);
        assert_eq!(p.gemeente_op(d("2025-01-01")), "GM0392");
        assert_eq!(p.gemeente_op(d("2025-04-01")), "GM0453");
        assert_eq!(p.gemeente_op(d("2025-07-01")), "GM0375");
        // As known before the move was recorded: never moved, living where it began.
        let p = Persoon::in_gemeente(None, "GM0453".into())
            .met_verhuizingen(vec![(verhuizing("2025-03-01", "GM0392", "GM0453"), false)]);
        assert_eq!(p.gemeente, "GM0392");
        assert_eq!(p.gemeente_op(d("2025-07-01")), "GM0392");
    }
    use super::*;

    use crate::testsupport::d;

    /// Summer holidays 2023 (15 July – 27 August) and 2024 (20 July – 1 September).
    fn kalender() -> crate::calendar::Kalender {
        let zomers = [
            ("zomer", "2023-07-15", "2023-08-27"),
            ("zomer", "2024-07-20", "2024-09-01"),
        ];
        crate::testsupport::kalender(&zomers, "2015-01-01", "2030-12-31")
    }

    fn rr(k: &crate::calendar::Kalender) -> Runregels<'_> {
        Runregels {
            schooldagen: k.common(),
            max_onderbreking: 5,
        }
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
    fn no_hidden_cell_can_be_worked_out_from_a_total() {
        let mut c: Vec<Aantal> = [3, 12, 20, 35].into_iter().map(Aantal::new).collect();
        c.iter_mut().for_each(Aantal::publiek);
        let groep = [(vec![0, 1, 2], 3)];
        secundair_verbergen(&mut c, &groep);
        // 3 alone was hidden: 35 − 12 − 20 would give it away, so 12 goes as well (shown as
        // `x`: hidden, though not small).
        assert_eq!(
            c.iter().map(Aantal::tekst).collect::<Vec<_>>(),
            ["<5", "x", "20", "35"]
        );
        // Rows and columns: hiding for one group may expose a cell in another.
        //   a=2  b=9  | 11
        //   c=8  d=10 | 18
        //   10   19   | 29
        let mut c: Vec<Aantal> = [2, 9, 11, 8, 10, 18, 10, 19, 29]
            .into_iter()
            .map(Aantal::new)
            .collect();
        c.iter_mut().for_each(Aantal::publiek);
        let groepen = [
            (vec![0, 1], 2),
            (vec![3, 4], 5),
            (vec![6, 7], 8),
            (vec![0, 3], 6),
            (vec![1, 4], 7),
            (vec![2, 5], 8),
        ];
        secundair_verbergen(&mut c, &groepen);
        for (delen, totaal) in &groepen {
            let h = delen.iter().filter(|&&i| c[i].verborgen).count();
            assert!(c[*totaal].verborgen || h != 1, "{c:?}");
        }
        // Nothing hidden, nothing to protect.
        let mut c: Vec<Aantal> = [5, 6, 11].into_iter().map(Aantal::new).collect();
        secundair_verbergen(&mut c, &[(vec![0, 1], 2)]);
        assert!(c.iter().all(|a| !a.verborgen));
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
        let k = kalender();
        let sd = k.common();
        let vo = inschrijving("VO", "2018-08-20", "2023-07-31");
        // Only the days to 1 October are left out: from then the period counts.
        let av = periode(Categorie::AbsoluutVerzuim, "2023-09-01", None);
        assert_eq!(telt_vanaf(&av, &[&vo], sd), Some(d("2023-10-01")));
        let kort = periode(Categorie::AbsoluutVerzuim, "2023-09-01", Some("2023-09-30"));
        assert_eq!(telt_vanaf(&kort, &[&vo], sd), None);
        // An enrolment that ends later in the summer holiday is a transition as well.
        let vo_aug = inschrijving("VO", "2018-08-20", "2023-08-15");
        assert_eq!(telt_vanaf(&av, &[&vo_aug], sd), Some(d("2023-10-01")));
        // Dropping out of VO in June, or in November, is no transition.
        let juni = inschrijving("VO", "2018-08-20", "2023-06-16");
        assert_eq!(telt_vanaf(&av, &[&juni], sd), Some(d("2023-09-01")));
        let uitval = inschrijving("VO", "2018-08-20", "2023-11-10");
        let av2 = periode(Categorie::AbsoluutVerzuim, "2023-11-11", None);
        assert_eq!(telt_vanaf(&av2, &[&uitval], sd), Some(d("2023-11-11")));
        // After 1 October, after PO, or not absoluut verzuim: counted from the start.
        let laat = periode(Categorie::AbsoluutVerzuim, "2023-10-02", None);
        assert_eq!(telt_vanaf(&laat, &[&vo], sd), Some(d("2023-10-02")));
        let po = inschrijving("PO", "2015-08-20", "2023-07-31");
        assert_eq!(telt_vanaf(&av, &[&po], sd), Some(d("2023-09-01")));
        let tz = periode(Categorie::Thuiszittend, "2023-09-01", None);
        assert_eq!(telt_vanaf(&tz, &[&vo], sd), Some(d("2023-09-01")));
        // The school year's figure: an open absoluut verzuim from 15 August 2024, after VO,
        // is a thuiszitter of 2024-2025 (from 1 October), and of no year when it ended in
        // September.
        let vo24 = inschrijving("VO", "2019-08-20", "2024-07-31");
        let ps = [periode(Categorie::AbsoluutVerzuim, "2024-08-15", None)];
        let ins = [vo24.clone()];
        let basis = Basis {
            registraties: ps.to_vec(),
            inschrijvingen: ins.to_vec(),
            ..Basis::default()
        };
        let per = basis.per_persoon();
        let jaar = SchoolYear::containing(d("2025-01-01"));
        assert!(thuiszitter_in(&per[&1], jaar, sd));
        let g = kpi_gevallen(
            &per,
            jaar.first_day(),
            jaar.last_day(),
            d("2025-06-01"),
            3,
            &rr(&k),
        );
        assert_eq!(g.len(), 1);
        assert_eq!(
            (g[0].begin, g[0].termijn),
            (d("2024-10-01"), d("2025-01-01"))
        );
        let basis = Basis {
            registraties: vec![periode(
                Categorie::AbsoluutVerzuim,
                "2024-08-15",
                Some("2024-09-20"),
            )],
            inschrijvingen: ins.to_vec(),
            ..Basis::default()
        };
        assert!(!thuiszitter_in(&basis.per_persoon()[&1], jaar, sd));
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
            // 1 on the last day of the term (three months to the day), 2 one day late, 5 never.
            aanbiedingen: vec![(1, d("2024-12-02")), (2, d("2024-12-03"))],
            ..Basis::default()
        };
        let per = basis.per_persoon();
        let k = kalender();
        // Each person's outcome for the school year 2024-2025, asked on a day.
        let uitkomsten = |op: &str| -> Vec<(i64, KpiUitkomst)> {
            let g = kpi_gevallen(&per, d("2024-08-01"), d("2025-07-31"), d(op), 3, &rr(&k));
            g.iter().map(|g| (g.persoon, g.uitkomst)).collect()
        };
        assert_eq!(
            uitkomsten("2025-06-15"),
            [
                (1, KpiUitkomst::BinnenTermijn),
                (2, KpiUitkomst::TeLaat),
                (3, KpiUitkomst::BeeindigdZonderAanbod),
                (4, KpiUitkomst::Lopend),
                (5, KpiUitkomst::Achterstallig),
            ]
        );
        // Asked before person 3's deadline (2025-01-01), that run was still "lopend", and
        // person 4's had not begun; person 5 was already two weeks overdue.
        assert_eq!(
            uitkomsten("2024-12-15"),
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
        let k = kalender();
        let l = looptijden(
            &basis.per_persoon(),
            Categorie::Thuiszittend,
            SchoolYear::containing(d("2025-01-01")),
            d("2025-07-31"),
            &rr(&k),
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
            &rr(&k),
        );
        assert_eq!(set(&l.totaal), [1, 2]);
        assert_eq!(set(&l.langer_dan_3_maanden), [1]);
    }

    #[test]
    fn three_months_over_the_whole_run() {
        let k = kalender();
        // Absoluut verzuim from 2 September, thuiszittend from 1 November (one run): on
        // 3 December the run has lasted more than three months, though the thuiszittend part
        // has not.
        let ps = [
            periode(Categorie::AbsoluutVerzuim, "2024-09-02", Some("2024-10-31")),
            periode(Categorie::Thuiszittend, "2024-11-01", None),
        ];
        let basis = Basis {
            registraties: ps.to_vec(),
            ..Basis::default()
        };
        let per = basis.per_persoon();
        assert_eq!(
            duur_op(&per[&1], d("2024-12-02"), &rr(&k)),
            Some(Duur::TotDrieMaanden),
            "on three months to the day: up to three months"
        );
        assert_eq!(
            duur_op(&per[&1], d("2024-12-03"), &rr(&k)),
            Some(Duur::MeerDanDrieMaanden)
        );
        let l = looptijden(
            &per,
            Categorie::Thuiszittend,
            SchoolYear::containing(d("2025-01-01")),
            d("2024-12-03"),
            &rr(&k),
        );
        assert_eq!(l.langer_dan_3_maanden.len(), 1);
        let l = looptijden(
            &per,
            Categorie::Thuiszittend,
            SchoolYear::containing(d("2025-01-01")),
            d("2024-12-02"),
            &rr(&k),
        );
        assert_eq!(l.langer_dan_3_maanden.len(), 0);
    }
}
