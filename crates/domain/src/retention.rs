//! Retention (docs/domain.md §11, after the VNG selection list): when each part of a young person's
//! file must be destroyed.

use chrono::{Datelike, Months, NaiveDate};

use crate::duty::{kwalificatieplicht_end, leerplicht_end};

/// The moments a person's file is due for destruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bewaartermijnen {
    /// Records dated up to and including this day form the leerplicht file.
    pub leerplicht_tot: NaiveDate,
    /// The leerplicht file is destroyed on this day: the 19th birthday.
    pub leerplicht_dossier_weg: NaiveDate,
    /// The kwalificatieplicht file (records after leerplicht ended, and with it the person's
    /// record) is destroyed on this day: two years after kwalificatieplicht ended.
    pub kwalificatie_dossier_weg: NaiveDate,
    /// For a young person who left education without a startkwalificatie, the RMC follows
    /// them up to their 23rd birthday (docs/domain.md §13): their file stays until then when
    /// that is later.
    pub rmc_dossier_weg: NaiveDate,
}

impl Bewaartermijnen {
    /// The day the whole file goes: for an early school leaver (`rmc`) not before the end of
    /// RMC age.
    pub fn dossier_weg(&self, rmc: bool) -> NaiveDate {
        if rmc {
            self.kwalificatie_dossier_weg.max(self.rmc_dossier_weg)
        } else {
            self.kwalificatie_dossier_weg
        }
    }
}

pub fn bewaartermijnen(birth: NaiveDate) -> Bewaartermijnen {
    let kp_end = kwalificatieplicht_end(birth);
    Bewaartermijnen {
        leerplicht_tot: leerplicht_end(birth),
        leerplicht_dossier_weg: add_years(birth, 19),
        // Two years after the last day of kwalificatieplicht.
        kwalificatie_dossier_weg: add_years(kp_end, 2)
            .succ_opt()
            .expect("date within chrono's range"),
        rmc_dossier_weg: add_years(birth, 23),
    }
}

/// A melding is destroyed five years after it was first processed: meldingen that started
/// before the returned day are due on `on`.
pub fn meldingen_voor(on: NaiveDate) -> NaiveDate {
    add_years(on, -5)
        .succ_opt()
        .expect("date within chrono's range")
}

/// How far apart two registration periods may lie and still be one stretch of home-sitting
/// for the figures: more than any run's allowed gap of school days (docs/domain.md §8) can span,
/// a summer holiday included.
pub const SAMENHANG_DAGEN: u64 = 92;

/// The day before which a person's registration periods go with the leerplicht file, when
/// that file is destroyed but the rest is kept: the periods that began before `voor` (the day
/// after leerplicht ended), except those that belong with a period that is kept — one that
/// ended less than [`SAMENHANG_DAGEN`] before a kept period began, or in the school year it
/// began, or that goes on. Those stay with the kept part of the file (as the case does) until
/// the whole file goes. So what is destroyed and what is kept never share a run or a school
/// year, and the anonymous figures kept of the one add up exactly with the other.
pub fn registraties_voor(
    perioden: &[(NaiveDate, Option<NaiveDate>)],
    voor: NaiveDate,
) -> NaiveDate {
    let Some(mut k) = perioden.iter().map(|p| p.0).filter(|v| *v >= voor).min() else {
        return voor;
    };
    loop {
        let grens = (k - chrono::Days::new(SAMENHANG_DAGEN))
            .min(crate::schoolyear::SchoolYear::containing(k).first_day());
        match perioden
            .iter()
            .filter(|(van, tot)| *van < k && tot.is_none_or(|t| t >= grens))
            .map(|p| p.0)
            .min()
        {
            Some(v) => k = v,
            None => return k.min(voor),
        }
    }
}

/// The youngest birth date whose leerplicht file can be due on `on`.
pub fn oudste_geboortedatum_in_beeld(on: NaiveDate) -> NaiveDate {
    add_years(on, -19)
}

/// The same day `years` later (or earlier); 29 February becomes 28 February.
fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let months = Months::new(years.unsigned_abs() * 12);
    let r = if years >= 0 {
        d.checked_add_months(months)
    } else {
        d.checked_sub_months(months)
    };
    let r = r.expect("date within chrono's range");
    debug_assert!(r.day() <= d.day());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testsupport::d;

    #[test]
    fn periods_follow_the_selection_list() {
        let b = bewaartermijnen(d("2005-03-10"));
        // Turns 16 on 2021-03-10, in school year 2020-2021.
        assert_eq!(b.leerplicht_tot, d("2021-07-31"));
        assert_eq!(b.leerplicht_dossier_weg, d("2024-03-10"));
        // Kwalificatieplicht ends on 2023-03-09; two years later.
        assert_eq!(b.kwalificatie_dossier_weg, d("2025-03-10"));
        assert_eq!(meldingen_voor(d("2026-11-25")), d("2021-11-26"));
    }

    #[test]
    fn the_leerplicht_file_never_shares_a_run_or_year_with_what_is_kept() {
        let voor = d("2021-08-01");
        let p = |van: &str, tot: Option<&str>| (d(van), tot.map(d));
        // Nothing kept: everything before the day goes.
        assert_eq!(registraties_voor(&[p("2020-01-06", None)], voor), voor);
        // A period long before the kept one goes; one that runs on into it stays.
        let los = [p("2019-09-02", Some("2020-01-31")), p("2021-09-06", None)];
        assert_eq!(registraties_voor(&los, voor), voor);
        let aaneen = [
            p("2019-09-02", Some("2020-01-31")),
            p("2021-03-01", Some("2021-07-09")),
            p("2021-08-30", None),
        ];
        assert_eq!(registraties_voor(&aaneen, voor), d("2021-03-01"));
        // In the same school year as a kept period, however far apart: stays.
        let jaar = [p("2021-08-02", Some("2021-08-20")), p("2022-06-01", None)];
        assert_eq!(registraties_voor(&jaar, d("2022-05-01")), d("2021-08-02"));
        // A chain reaches back as far as it goes.
        let keten = [
            p("2019-09-02", Some("2020-06-30")),
            p("2020-09-01", Some("2021-06-30")),
            p("2021-09-01", None),
        ];
        assert_eq!(registraties_voor(&keten, voor), d("2019-09-02"));
    }

    #[test]
    fn a_leap_day_birthday_counts_from_28_february() {
        let b = bewaartermijnen(d("2004-02-29"));
        assert_eq!(b.leerplicht_dossier_weg, d("2023-02-28"));
        assert_eq!(
            oudste_geboortedatum_in_beeld(d("2023-02-28")),
            d("2004-02-28")
        );
    }
}
