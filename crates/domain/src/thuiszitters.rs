//! Thuiszitters (DOMAIN §8): registration periods with a category and a main cause, and the
//! three-month clock with its escalation ladder.

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

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

impl FromStr for Categorie {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Categorie::ALL
            .into_iter()
            .find(|c| c.code() == t)
            .ok_or_else(|| {
                format!("unknown categorie {s:?}: use thuiszittend, absoluut_verzuim, dreigend_thuiszittend, langdurig_ziek or nazorg")
            })
    }
}

impl fmt::Display for Categorie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

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

impl FromStr for Oorzaak {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Oorzaak::ALL.into_iter().find(|c| c.code() == t).ok_or_else(|| {
            format!("unknown oorzaak {s:?}: use psychisch, psychisch_thuis, fysiek_ziek, thuissituatie, complex, langdurig_ziek, gedrag, overig or onbekend")
        })
    }
}

impl fmt::Display for Oorzaak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.code())
    }
}

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

/// The escalation ladder (DOMAIN §8).
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

/// When the ladder's steps fall due, in calendar months after home-sitting began; the region
/// may change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Escalatieregels {
    /// The deadline for a suitable offer.
    pub aanbod_maanden: u32,
    pub management_maanden: u32,
    pub bestuurlijk_maanden: u32,
}

impl Default for Escalatieregels {
    fn default() -> Self {
        Escalatieregels {
            aanbod_maanden: 3,
            management_maanden: 3,
            bestuurlijk_maanden: 4,
        }
    }
}

/// The three-month clock of one thuiszitter on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Klok {
    /// The day home-sitting began: the start of the unbroken run of thuiszitter periods.
    pub begin: NaiveDate,
    /// The last day for a suitable offer.
    pub termijn: NaiveDate,
    /// Whether an offer was made (on or before the date asked about).
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

/// The unbroken runs of the periods (any order) whose category passes `welke`: periods that
/// follow each other without a gap, or overlap, are one run. By start; an open end is None.
pub fn runs(
    perioden: &[(Categorie, NaiveDate, Option<NaiveDate>)],
    welke: impl Fn(Categorie) -> bool,
) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    let mut periods: Vec<(NaiveDate, Option<NaiveDate>)> = perioden
        .iter()
        .filter(|(c, _, _)| welke(*c))
        .map(|&(_, van, tot)| (van, tot))
        .collect();
    periods.sort();
    let mut out: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (van, tot) in periods {
        match out.last_mut() {
            Some((_, None)) => {}
            Some((_, Some(e))) if e.succ_opt() == Some(van) || van <= *e => {
                let e = *e;
                out.last_mut().expect("a run").1 = tot.map(|t| t.max(e));
            }
            _ => out.push((van, tot)),
        }
    }
    out
}

/// The clock on `on` for a person with these periods (any order) and offers (dates made):
/// None when the person is not a thuiszitter on `on`. Periods that follow each other without
/// a gap, in thuiszitter categories, are one run of home-sitting.
pub fn klok(
    perioden: &[(Categorie, NaiveDate, Option<NaiveDate>)],
    aanbiedingen: &[NaiveDate],
    on: NaiveDate,
    regels: &Escalatieregels,
) -> Option<Klok> {
    let (begin, end) = runs(perioden, Categorie::is_thuiszitter)
        .into_iter()
        .take_while(|(van, _)| *van <= on)
        .last()?;
    if end.is_some_and(|e| e < on) {
        return None;
    }
    let termijn = plus_months(begin, regels.aanbod_maanden)
        .pred_opt()
        .expect("date within chrono's range");
    let aanbod = aanbiedingen
        .iter()
        .copied()
        .filter(|d| *d >= begin && *d <= on)
        .min();
    let niveau = if aanbod.is_some() {
        Niveau::Uitvoerend
    } else if on >= plus_months(begin, regels.bestuurlijk_maanden) {
        Niveau::Bestuurlijk
    } else if on >= plus_months(begin, regels.management_maanden) {
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
    use Categorie::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
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
            (d("2025-09-15"), d("2025-12-14"), Niveau::Uitvoerend)
        );
        assert_eq!(klok(&p, &[], d("2025-12-14"), &r).unwrap().dagen_te_laat, 0);
        let k = klok(&p, &[], d("2025-12-15"), &r).unwrap();
        assert_eq!((k.niveau, k.dagen_te_laat), (Niveau::Management, 1));
        assert_eq!(
            klok(&p, &[], d("2026-01-14"), &r).unwrap().niveau,
            Niveau::Management
        );
        assert_eq!(
            klok(&p, &[], d("2026-01-15"), &r).unwrap().niveau,
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
            klok(&p, &[d("2025-10-01")], d("2026-06-01"), &r)
                .unwrap()
                .niveau,
            Niveau::Bestuurlijk
        );
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
