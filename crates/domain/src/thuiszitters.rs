//! Thuiszitters (docs/domain.md §8): registration periods with a category and a main cause, and the
//! three-month clock with its escalation ladder.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::SchoolDays;
use crate::ids::LeerlingId;

/// The categories of the shared list (the rows of the Noord-Kennemerland table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Categorie {
    Thuiszittend,
    AbsoluutVerzuim,
    DreigendThuiszittend,
    LangdurigZiek,
    Nazorg,
}

impl Categorie {
    pub const ALL: [Categorie; 5] = [
        Categorie::Thuiszittend,
        Categorie::AbsoluutVerzuim,
        Categorie::DreigendThuiszittend,
        Categorie::LangdurigZiek,
        Categorie::Nazorg,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Categorie::Thuiszittend => "thuiszittend",
            Categorie::AbsoluutVerzuim => "absoluut_verzuim",
            Categorie::DreigendThuiszittend => "dreigend_thuiszittend",
            Categorie::LangdurigZiek => "langdurig_ziek",
            Categorie::Nazorg => "nazorg",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Categorie::Thuiszittend => {
                "Thuiszittende leerling (ingeschreven, langer dan 4 weken ongeoorloofd afwezig)"
            }
            Categorie::AbsoluutVerzuim => {
                "Absoluut verzuim (nergens ingeschreven, geen vrijstelling)"
            }
            Categorie::DreigendThuiszittend => "Dreigende thuiszittende leerling",
            Categorie::LangdurigZiek => "Langdurig ziek",
            Categorie::Nazorg => "Leerling met nazorg",
        }
    }
    /// The official definition: thuiszitters are langdurig relatief verzuimers plus absoluut
    /// verzuimers. Only these start the three-month clock.
    pub fn is_thuiszitter(self) -> bool {
        matches!(self, Categorie::Thuiszittend | Categorie::AbsoluutVerzuim)
    }
}

code_soort!(Categorie, to_ascii_lowercase, "unknown categorie {:?}: use thuiszittend, absoluut_verzuim, dreigend_thuiszittend, langdurig_ziek or nazorg");

/// The main cause (*hoofdoorzaak*) of a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Oorzaak {
    Psychisch,
    PsychischThuis,
    FysiekZiek,
    Thuissituatie,
    Complex,
    LangdurigZiek,
    Gedrag,
    Overig,
    Onbekend,
}

impl Oorzaak {
    pub const ALL: [Oorzaak; 9] = [
        Oorzaak::Psychisch,
        Oorzaak::PsychischThuis,
        Oorzaak::FysiekZiek,
        Oorzaak::Thuissituatie,
        Oorzaak::Complex,
        Oorzaak::LangdurigZiek,
        Oorzaak::Gedrag,
        Oorzaak::Overig,
        Oorzaak::Onbekend,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Oorzaak::Psychisch => "psychisch",
            Oorzaak::PsychischThuis => "psychisch_thuis",
            Oorzaak::FysiekZiek => "fysiek_ziek",
            Oorzaak::Thuissituatie => "thuissituatie",
            Oorzaak::Complex => "complex",
            Oorzaak::LangdurigZiek => "langdurig_ziek",
            Oorzaak::Gedrag => "gedrag",
            Oorzaak::Overig => "overig",
            Oorzaak::Onbekend => "onbekend",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Oorzaak::Psychisch => "Psychiatrische/psychische problematiek",
            Oorzaak::PsychischThuis => "Psychische problematiek en problematische thuissituatie",
            Oorzaak::FysiekZiek => "Fysiek ziek",
            Oorzaak::Thuissituatie => "Problematische thuissituatie",
            Oorzaak::Complex => "Complexe, meervoudige problematiek",
            Oorzaak::LangdurigZiek => "Langdurig ziek",
            Oorzaak::Gedrag => "Gedragsproblematiek",
            Oorzaak::Overig => "Overig",
            Oorzaak::Onbekend => "Onbekend",
        }
    }
}

code_soort!(Oorzaak, to_ascii_lowercase, "unknown oorzaak {:?}: use psychisch, psychisch_thuis, fysiek_ziek, thuissituatie, complex, langdurig_ziek, gedrag, overig or onbekend");

/// One registration period: a person in one category, with a main cause, from `van` up to and
/// including `tot` (open while `tot` is None).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registratie {
    pub leerling: LeerlingId,
    pub categorie: Categorie,
    pub oorzaak: Oorzaak,
    van: NaiveDate,
    tot: Option<NaiveDate>,
}

impl Registratie {
    pub fn new(
        leerling: LeerlingId,
        categorie: Categorie,
        oorzaak: Oorzaak,
        van: NaiveDate,
        tot: Option<NaiveDate>,
    ) -> Result<Self, String> {
        if tot.is_some_and(|t| t < van) {
            return Err(format!(
                "the period ends ({}) before it starts ({van})",
                tot.unwrap()
            ));
        }
        Ok(Registratie {
            leerling,
            categorie,
            oorzaak,
            van,
            tot,
        })
    }
    pub fn van(&self) -> NaiveDate {
        self.van
    }
    pub fn tot(&self) -> Option<NaiveDate> {
        self.tot
    }
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.van <= d && self.tot.is_none_or(|t| d <= t)
    }
}

/// Whether two periods (inclusive; None = open) share a day.
pub fn overlap(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    a.0 <= b.1.unwrap_or(NaiveDate::MAX) && b.0 <= a.1.unwrap_or(NaiveDate::MAX)
}

/// What a change of a person's registrations per `per` does to the period that holds on
/// that day (docs/domain.md §9.7): periods are changed from the latest, and history is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Afsluiting {
    /// No period holds on `per`: nothing to close.
    Geen,
    /// The period at this index starts on `per` itself: it goes.
    Vervalt(usize),
    /// The period at this index ends on `tot`, the day before `per`.
    Eindigt(usize, NaiveDate),
}

/// Decides what a change per `per` does to a person's periods (first and last day, by
/// start): a period that starts later must be changed first (the reason is the error).
pub fn afsluiting(
    perioden: &[(NaiveDate, Option<NaiveDate>)],
    per: NaiveDate,
) -> Result<Afsluiting, String> {
    if let Some(later) = perioden.iter().find(|p| p.0 > per) {
        return Err(format!(
            "a registration starts later, on {}: change that one",
            later.0
        ));
    }
    Ok(
        match perioden
            .iter()
            .position(|p| p.0 <= per && p.1.is_none_or(|t| t >= per))
        {
            None => Afsluiting::Geen,
            Some(i) if perioden[i].0 == per => Afsluiting::Vervalt(i),
            Some(i) => Afsluiting::Eindigt(i, per.pred_opt().expect("date within range")),
        },
    )
}

/// The escalation ladder (docs/domain.md §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Niveau {
    Uitvoerend,
    Management,
    Bestuurlijk,
}

impl Niveau {
    pub fn code(self) -> &'static str {
        match self {
            Niveau::Uitvoerend => "uitvoerend",
            Niveau::Management => "management",
            Niveau::Bestuurlijk => "bestuurlijk",
        }
    }
}

/// When the ladder's steps fall due, in calendar months after home-sitting began, and what
/// joins registration periods into one run; the region may change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Escalatieregels {
    /// The deadline for a suitable offer.
    pub aanbod_maanden: u32,
    pub management_maanden: u32,
    pub bestuurlijk_maanden: u32,
    /// Two thuiszitter periods with no more than this many school days between them are one
    /// run (docs/domain.md §8): a weekend, a holiday or a change of category never restarts the clock.
    pub onderbreking_schooldagen: u32,
    /// The school's term for a draft melding, in school days (docs/domain.md §7): set by
    /// `[meldingen] termijn_schooldagen`, not by `[escalatie]`.
    #[serde(skip)]
    pub melding_termijn_schooldagen: u32,
}

impl Default for Escalatieregels {
    fn default() -> Self {
        Escalatieregels {
            aanbod_maanden: 3,
            management_maanden: 3,
            bestuurlijk_maanden: 4,
            onderbreking_schooldagen: 5,
            melding_termijn_schooldagen: crate::melding::TERMIJN_SCHOOLDAGEN,
        }
    }
}

/// The three-month clock of one thuiszitter on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Klok {
    /// The day home-sitting began: the first day of the run.
    pub begin: NaiveDate,
    /// The last day for a suitable offer: the run's start plus three calendar months (on that
    /// day the run has lasted "up to three months").
    pub termijn: NaiveDate,
    /// Whether an offer was made in this run (on or before the date asked about).
    pub aanbod: Option<NaiveDate>,
    /// The level the case has reached on the date.
    pub niveau: Niveau,
    /// Days past the deadline without an offer (0 when on time or offered).
    pub dagen_te_laat: i64,
}

fn plus_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m))
        .expect("date within chrono's range")
}

/// The one meaning of "more than `m` months" (docs/domain.md §8): a run that began on `begin` has
/// lasted more than `m` calendar months on `d` when `d` is after `begin` plus `m` months; on
/// that very day it is still "up to `m` months". Every report and the clock use this.
pub fn meer_dan_maanden(begin: NaiveDate, m: u32, d: NaiveDate) -> bool {
    d > plus_months(begin, m)
}

/// The first day on which a run that began on `begin` has lasted more than `m` months.
pub fn eerste_dag_na_maanden(begin: NaiveDate, m: u32) -> NaiveDate {
    plus_months(begin, m)
        .succ_opt()
        .expect("date within chrono's range")
}

/// What joins registration periods into runs (docs/domain.md §8): the school days of the region and
/// how many of them may lie between two periods of one run.
#[derive(Clone, Copy, Debug)]
pub struct Runregels<'a> {
    pub schooldagen: &'a SchoolDays,
    pub max_onderbreking: u32,
}

impl Runregels<'_> {
    /// Whether a period starting on `van` continues a run whose last day is `einde`.
    fn sluit_aan(&self, einde: NaiveDate, van: NaiveDate) -> bool {
        if van <= einde.succ_opt().unwrap_or(einde) {
            return true;
        }
        let (Some(a), Some(b)) = (einde.succ_opt(), van.pred_opt()) else {
            return true;
        };
        self.schooldagen.count_school_days(a, b) <= self.max_onderbreking
    }
}

/// The runs of the periods (any order) whose category passes `welke`, by start; an open end
/// is None (docs/domain.md §8). Two periods are one run when no more than `regels.max_onderbreking`
/// school days lie between them. An offer that starts (`gestart`) ends the run on the day
/// before; a period that begins on or after that day begins a new run.
pub fn runs(
    perioden: &[(Categorie, NaiveDate, Option<NaiveDate>)],
    gestart: &[NaiveDate],
    welke: impl Fn(Categorie) -> bool,
    regels: &Runregels<'_>,
) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let mut periods: Vec<(NaiveDate, Option<NaiveDate>)> = perioden
        .iter()
        .filter(|(c, _, _)| welke(*c))
        .map(|&(_, van, tot)| (van, tot))
        .collect();
    periods.sort();
    // Each run with whether an offer's start cut it short.
    let mut out: Vec<((NaiveDate, Option<NaiveDate>), bool)> = Vec::new();
    for (van, tot) in periods {
        match out.last_mut() {
            Some(((_, e), true)) if e.is_none_or(|e| van <= e) => continue,
            Some(((_, None), false)) => {}
            Some(((_, Some(e)), false)) if regels.sluit_aan(*e, van) => {
                let e = *e;
                out.last_mut().expect("a run").0 .1 = tot.map(|t| t.max(e));
            }
            _ => out.push(((van, tot), false)),
        }
        // An offer that starts inside the run ends it.
        let (run, cut) = out.last_mut().expect("a run");
        if let Some(g) = gestart
            .iter()
            .copied()
            .filter(|g| *g > run.0 && run.1.is_none_or(|e| *g <= e))
            .min()
        {
            run.1 = g.pred_opt();
            *cut = true;
        }
    }
    out.into_iter().map(|(r, _)| r).collect()
}

/// The clock on `on` for a person with these periods (any order), offers made (`aanbiedingen`)
/// and offers started (`gestart`): None when the person is not a thuiszitter on `on`. Only an
/// offer made within the run counts: a new run has a new clock and a new ladder.
pub fn klok(
    perioden: &[(Categorie, NaiveDate, Option<NaiveDate>)],
    aanbiedingen: &[NaiveDate],
    gestart: &[NaiveDate],
    on: NaiveDate,
    regels: &Escalatieregels,
    runregels: &Runregels<'_>,
) -> Option<Klok> {
    let (begin, end) = runs(perioden, gestart, Categorie::is_thuiszitter, runregels)
        .into_iter()
        .take_while(|(van, _)| *van <= on)
        .last()?;
    if end.is_some_and(|e| e < on) {
        return None;
    }
    let termijn = plus_months(begin, regels.aanbod_maanden);
    let aanbod = aanbiedingen
        .iter()
        .copied()
        .filter(|d| *d >= begin && *d <= on)
        .min();
    let niveau = if aanbod.is_some() {
        Niveau::Uitvoerend
    } else if meer_dan_maanden(begin, regels.bestuurlijk_maanden, on) {
        Niveau::Bestuurlijk
    } else if meer_dan_maanden(begin, regels.management_maanden, on) {
        Niveau::Management
    } else {
        Niveau::Uitvoerend
    };
    let dagen_te_laat = if aanbod.is_none() && on > termijn {
        (on - termijn).num_days()
    } else {
        0
    };
    Some(Klok {
        begin,
        termijn,
        aanbod,
        niveau,
        dagen_te_laat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Kalender;
    use Categorie::*;

    use crate::testsupport::d;

    /// A calendar with the autumn holiday of 2025 (20–24 October) and Christmas 2025.
    fn kalender() -> Kalender {
        let herfst = ("herfst", "2025-10-20", "2025-10-24");
        let kerst = ("kerst", "2025-12-22", "2026-01-02");
        crate::testsupport::kalender(&[herfst, kerst], "2020-01-01", "2030-12-31")
    }

    fn rr(k: &Kalender) -> Runregels<'_> {
        Runregels {
            schooldagen: k.common(),
            max_onderbreking: Escalatieregels::default().onderbreking_schooldagen,
        }
    }

    fn klok(
        p: &[(Categorie, NaiveDate, Option<NaiveDate>)],
        aanbod: &[NaiveDate],
        on: NaiveDate,
        r: &Escalatieregels,
    ) -> Option<Klok> {
        let k = kalender();
        super::klok(p, aanbod, &[], on, r, &rr(&k))
    }

    #[test]
    fn codes_read_back() {
        for c in Categorie::ALL {
            assert_eq!(c.code().parse::<Categorie>().unwrap(), c);
        }
        for o in Oorzaak::ALL {
            assert_eq!(o.code().parse::<Oorzaak>().unwrap(), o);
        }
        assert!("thuis".parse::<Categorie>().is_err());
    }

    #[test]
    fn the_clock_runs_three_months_then_climbs_the_ladder() {
        let r = Escalatieregels::default();
        let p = [(Thuiszittend, d("2025-09-15"), None)];
        let k = klok(&p, &[], d("2025-10-01"), &r).unwrap();
        assert_eq!(
            (k.begin, k.termijn, k.niveau),
            (d("2025-09-15"), d("2025-12-15"), Niveau::Uitvoerend)
        );
        // On exactly three months the run has lasted "up to three months": still on time.
        let k = klok(&p, &[], d("2025-12-15"), &r).unwrap();
        assert_eq!((k.niveau, k.dagen_te_laat), (Niveau::Uitvoerend, 0));
        let k = klok(&p, &[], d("2025-12-16"), &r).unwrap();
        assert_eq!((k.niveau, k.dagen_te_laat), (Niveau::Management, 1));
        assert_eq!(
            klok(&p, &[], d("2026-01-15"), &r).unwrap().niveau,
            Niveau::Management
        );
        assert_eq!(
            klok(&p, &[], d("2026-01-16"), &r).unwrap().niveau,
            Niveau::Bestuurlijk
        );
        // An offer stops the clock from the day it is made.
        let k = klok(&p, &[d("2026-01-20")], d("2026-02-01"), &r).unwrap();
        assert_eq!(
            (k.niveau, k.aanbod, k.dagen_te_laat),
            (Niveau::Uitvoerend, Some(d("2026-01-20")), 0)
        );
        assert_eq!(
            klok(&p, &[d("2026-01-20")], d("2026-01-19"), &r)
                .unwrap()
                .niveau,
            Niveau::Bestuurlijk
        );
    }

    #[test]
    fn a_change_of_thuiszitter_category_does_not_restart_the_clock() {
        let r = Escalatieregels::default();
        let p = [
            (DreigendThuiszittend, d("2025-08-01"), Some(d("2025-09-14"))),
            (Thuiszittend, d("2025-09-15"), Some(d("2025-10-31"))),
            (AbsoluutVerzuim, d("2025-11-01"), None),
        ];
        let k = klok(&p, &[], d("2025-12-20"), &r).unwrap();
        assert_eq!(
            k.begin,
            d("2025-09-15"),
            "dreigend does not count; the two after do, as one run"
        );
        assert_eq!(k.niveau, Niveau::Management);
        // Back in school (nazorg): no clock; a new run later starts afresh.
        let p = [
            (Thuiszittend, d("2025-09-15"), Some(d("2025-10-31"))),
            (Nazorg, d("2025-11-01"), Some(d("2026-01-31"))),
            (Thuiszittend, d("2026-02-01"), None),
        ];
        assert_eq!(klok(&p, &[], d("2025-12-01"), &r), None);
        assert_eq!(
            klok(&p, &[], d("2026-02-10"), &r).unwrap().begin,
            d("2026-02-01")
        );
        // An offer made in the earlier run does not count for the new one.
        assert_eq!(
            klok(&p, &[d("2025-10-01")], d("2026-06-02"), &r)
                .unwrap()
                .niveau,
            Niveau::Bestuurlijk
        );
    }

    #[test]
    fn a_weekend_or_a_holiday_between_two_periods_keeps_one_run() {
        let r = Escalatieregels::default();
        // To Friday 31 October, again (a new cause) from Monday 3 November: one run.
        let p = [
            (Thuiszittend, d("2025-09-01"), Some(d("2025-10-31"))),
            (Thuiszittend, d("2025-11-03"), None),
        ];
        let k = klok(&p, &[], d("2025-12-10"), &r).unwrap();
        assert_eq!((k.begin, k.niveau), (d("2025-09-01"), Niveau::Management));
        // The autumn holiday and a week of school after it: five school days between.
        let p = [
            (AbsoluutVerzuim, d("2025-09-01"), Some(d("2025-10-17"))),
            (Thuiszittend, d("2025-11-03"), None),
        ];
        assert_eq!(
            klok(&p, &[], d("2025-11-10"), &r).unwrap().begin,
            d("2025-09-01")
        );
        // Six school days between: a new run with a new clock.
        let p = [
            (Thuiszittend, d("2025-09-01"), Some(d("2025-10-16"))),
            (Thuiszittend, d("2025-11-03"), None),
        ];
        let k = klok(&p, &[], d("2025-11-10"), &r).unwrap();
        assert_eq!((k.begin, k.niveau), (d("2025-11-03"), Niveau::Uitvoerend));
        // On a day of the gap the person is not at home by registration: no clock.
        assert_eq!(klok(&p, &[], d("2025-10-27"), &r), None);
    }

    #[test]
    fn a_second_run_gets_a_new_clock_and_climbs_the_ladder_again() {
        let r = Escalatieregels::default();
        let p = [
            (Thuiszittend, d("2024-09-02"), Some(d("2025-03-31"))),
            (Nazorg, d("2025-04-01"), Some(d("2025-06-01"))),
            (Thuiszittend, d("2025-06-02"), None),
        ];
        let k = klok(&p, &[], d("2025-03-01"), &r).unwrap();
        assert_eq!((k.begin, k.niveau), (d("2024-09-02"), Niveau::Bestuurlijk));
        let k = klok(&p, &[], d("2025-07-01"), &r).unwrap();
        assert_eq!((k.begin, k.niveau), (d("2025-06-02"), Niveau::Uitvoerend));
        let k = klok(&p, &[], d("2025-12-01"), &r).unwrap();
        assert_eq!((k.begin, k.niveau), (d("2025-06-02"), Niveau::Bestuurlijk));
    }

    #[test]
    fn an_offer_that_starts_ends_the_run() {
        let kal = kalender();
        let r = Escalatieregels::default();
        let p = [(Thuiszittend, d("2025-09-01"), None)];
        let runs_ = runs(&p, &[d("2025-11-17")], Categorie::is_thuiszitter, &rr(&kal));
        assert_eq!(runs_, vec![(d("2025-09-01"), Some(d("2025-11-16")))]);
        assert_eq!(
            super::klok(&p, &[], &[d("2025-11-17")], d("2025-12-20"), &r, &rr(&kal)),
            None
        );
        // A registration after the offer started is a new run.
        let p = [
            (Thuiszittend, d("2025-09-01"), Some(d("2025-11-30"))),
            (Thuiszittend, d("2025-12-01"), None),
        ];
        let runs_ = runs(&p, &[d("2025-11-17")], Categorie::is_thuiszitter, &rr(&kal));
        assert_eq!(
            runs_,
            vec![
                (d("2025-09-01"), Some(d("2025-11-16"))),
                (d("2025-12-01"), None)
            ]
        );
    }

    #[test]
    fn three_months_has_one_meaning() {
        let b = d("2025-01-31");
        // 31 January plus three months is 30 April (chrono clamps to the month's end).
        assert!(!meer_dan_maanden(b, 3, d("2025-04-30")));
        assert!(meer_dan_maanden(b, 3, d("2025-05-01")));
        assert_eq!(eerste_dag_na_maanden(b, 3), d("2025-05-01"));
    }

    #[test]
    fn overlap_is_inclusive() {
        assert!(overlap(
            (d("2025-01-01"), Some(d("2025-01-31"))),
            (d("2025-01-31"), None)
        ));
        assert!(!overlap(
            (d("2025-01-01"), Some(d("2025-01-31"))),
            (d("2025-02-01"), None)
        ));
        assert!(overlap(
            (d("2025-01-01"), None),
            (d("2030-01-01"), Some(d("2030-01-02")))
        ));
    }
}

#[cfg(test)]
mod afsluiting_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_change_closes_the_period_that_holds() {
        let open = [(d("2026-01-05"), None)];
        assert_eq!(
            afsluiting(&open, d("2026-01-04")),
            Err("a registration starts later, on 2026-01-05: change that one".to_string())
        );
        assert_eq!(
            afsluiting(&open, d("2026-01-05")),
            Ok(Afsluiting::Vervalt(0))
        );
        assert_eq!(
            afsluiting(&open, d("2026-02-01")),
            Ok(Afsluiting::Eindigt(0, d("2026-01-31")))
        );
        let closed = [
            (d("2025-09-01"), Some(d("2025-12-01"))),
            (d("2026-01-05"), Some(d("2026-01-10"))),
        ];
        assert_eq!(afsluiting(&closed, d("2026-01-11")), Ok(Afsluiting::Geen));
        assert_eq!(
            afsluiting(&closed, d("2026-01-06")),
            Ok(Afsluiting::Eindigt(1, d("2026-01-05")))
        );
    }

    #[test]
    fn the_startkwalificatie_is_the_earliest_end_with_one() {
        let mut f = crate::register::Registerfeiten::default();
        f.inschrijving(d("2020-08-01"), Some(d("2024-07-31")), true);
        f.inschrijving(d("2024-08-01"), Some(d("2023-07-31")), true);
        f.inschrijving(d("2024-08-01"), Some(d("2022-07-31")), false);
        assert_eq!(f.startkwalificatie, Some(d("2023-07-31")));
        assert_eq!(f.inschrijvingen.len(), 3);
    }
}
