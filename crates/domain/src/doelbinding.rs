//! Purpose limitation (*doelbinding*, docs/domain.md §10): the grounds on which a role that is
//! not the school may read a young person's absence, and which days each ground covers.
//!
//! The gemeente keeps the register of all leerplichtigen (Leerplichtwet art. 18) and receives
//! the school's meldingen (art. 21a); it is not given every school's attendance records. So
//! the leerplicht officer reads absence detail only on a ground (a confirmed melding, an open
//! case, a registration on the thuiszitters list), and only the days of the period concerned
//! plus a regional look-back. The youth doctor reads sick days after a MAZL referral.

use chrono::{Duration, NaiveDate};

/// The look-back before a ground's period when the region sets none (`[doelbinding]
/// terugkijk_weken`).
pub const TERUGKIJK_WEKEN: u32 = 12;

/// The longest look-back a region may set: one school year and a half.
pub const TERUGKIJK_WEKEN_MAX: u32 = 78;

/// What gives a purpose to read absence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grond {
    /// An open case of the young person.
    Zaak,
    /// A period on the thuiszitters list (current or past).
    Registratie,
    /// A melding the school confirmed (not a draft, not withdrawn).
    Melding,
    /// A MAZL referral to the youth doctor.
    Mazl,
}

impl Grond {
    /// The code, as the audit log names the purpose.
    pub const fn code(self) -> &'static str {
        match self {
            Grond::Zaak => "zaak",
            Grond::Registratie => "registratie",
            Grond::Melding => "melding",
            Grond::Mazl => "mazl",
        }
    }
}

/// One ground with the period it concerns: from `van` to `tot` (inclusive), or to today when
/// it has not ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doelgrond {
    pub grond: Grond,
    pub van: NaiveDate,
    pub tot: Option<NaiveDate>,
}

/// Whether a melding of this status gives a ground: the school confirmed it and did not take
/// it back. A draft (`concept`) is still the school's; a withdrawn melding (`ingetrokken`)
/// was never the gemeente's to act on.
pub fn melding_geeft_grond(status: &str) -> bool {
    matches!(
        status,
        "geregistreerd" | "in_behandeling" | "ter_kennisgeving" | "afgesloten"
    )
}

/// The days, as closed ranges in date order without overlap, that `gronden` let a reader see
/// on `vandaag`: each ground's period from `terugkijk_weken` weeks before its start up to its
/// end (today for one that runs on). A ground that starts after today covers nothing yet.
pub fn vensters(
    gronden: &[Doelgrond],
    terugkijk_weken: u32,
    vandaag: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let terug = Duration::weeks(i64::from(terugkijk_weken));
    let mut v: Vec<(NaiveDate, NaiveDate)> = gronden
        .iter()
        .filter(|g| g.van <= vandaag)
        .map(|g| (g.van - terug, g.tot.unwrap_or(vandaag).min(vandaag)))
        .filter(|(van, tot)| van <= tot)
        .collect();
    v.sort();
    let mut samen: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(v.len());
    for (van, tot) in v {
        match samen.last_mut() {
            Some(last) if van <= last.1 + Duration::days(1) => last.1 = last.1.max(tot),
            _ => samen.push((van, tot)),
        }
    }
    samen
}

/// Whether `datum` lies in one of `vensters` (as [`vensters`] makes them).
pub fn binnen(vensters: &[(NaiveDate, NaiveDate)], datum: NaiveDate) -> bool {
    vensters
        .iter()
        .any(|(van, tot)| *van <= datum && datum <= *tot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn grond(grond: Grond, van: &str, tot: Option<&str>) -> Doelgrond {
        Doelgrond {
            grond,
            van: d(van),
            tot: tot.map(d),
        }
    }

    #[test]
    fn a_ground_covers_its_period_and_the_look_back_before_it() {
        let g = [grond(Grond::Melding, "2025-03-03", Some("2025-03-21"))];
        let v = vensters(&g, 12, d("2025-06-01"));
        assert_eq!(v, vec![(d("2024-12-09"), d("2025-03-21"))]);
        assert!(binnen(&v, d("2024-12-09")));
        assert!(!binnen(&v, d("2024-12-08")), "a day before the look-back");
        assert!(
            !binnen(&v, d("2025-03-22")),
            "a day after the melding's end"
        );
    }

    #[test]
    fn a_ground_that_runs_on_covers_up_to_today_and_a_future_one_nothing() {
        let g = [
            grond(Grond::Zaak, "2025-05-01", None),
            grond(Grond::Registratie, "2025-07-01", None),
        ];
        let v = vensters(&g, 0, d("2025-06-01"));
        assert_eq!(v, vec![(d("2025-05-01"), d("2025-06-01"))]);
    }

    #[test]
    fn overlapping_and_touching_periods_are_one_range_and_a_gap_stays() {
        let g = [
            grond(Grond::Registratie, "2025-01-06", Some("2025-01-31")),
            grond(Grond::Melding, "2025-02-01", Some("2025-02-14")),
            grond(Grond::Zaak, "2025-01-20", Some("2025-02-03")),
            grond(Grond::Melding, "2025-05-01", Some("2025-05-02")),
        ];
        let v = vensters(&g, 1, d("2025-06-01"));
        assert_eq!(
            v,
            vec![
                (d("2024-12-30"), d("2025-02-14")),
                (d("2025-04-24"), d("2025-05-02")),
            ]
        );
    }

    #[test]
    fn no_ground_no_day() {
        assert!(vensters(&[], 12, d("2025-06-01")).is_empty());
        assert!(!binnen(&[], d("2025-06-01")));
    }

    #[test]
    fn only_a_confirmed_melding_that_stands_is_a_ground() {
        for s in [
            "geregistreerd",
            "in_behandeling",
            "ter_kennisgeving",
            "afgesloten",
        ] {
            assert!(melding_geeft_grond(s), "{s}");
        }
        for s in ["concept", "ingetrokken", ""] {
            assert!(!melding_geeft_grond(s), "{s}");
        }
    }
}
