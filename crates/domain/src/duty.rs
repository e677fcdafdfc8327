//! Ages and duties (docs/domain.md §4): how old someone is on a day, whether they are leerplichtig or
//! kwalificatieplichtig then, and the matching birth-date ranges so a database can count duty
//! status with a plain range condition on the date of birth.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::schoolyear::SchoolYear;

/// The education duty that holds for a young person on a given day.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DutyStatus {
    Leerplichtig,
    Kwalificatieplichtig,
    Geen,
}

impl DutyStatus {
    /// The code used in files, reports and the database.
    pub const fn code(self) -> &'static str {
        match self {
            DutyStatus::Leerplichtig => "leerplichtig",
            DutyStatus::Kwalificatieplichtig => "kwalificatieplichtig",
            DutyStatus::Geen => "geen",
        }
    }
}

code_soort!(DutyStatus);

/// The day someone born on `birth` has their birthday in `year`.
///
/// Choice: someone born on 29 February has their birthday on 28 February in a non-leap year,
/// so they turn 18 (and lose kwalificatieplicht) on 28 February, not on 1 March. This keeps
/// every birthday inside the birth month, which the leerplicht start ("the month after the
/// 5th birthday") relies on.
pub(crate) fn birthday_in(birth: NaiveDate, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("birthday within chrono's date range")
}

/// Completed years of age on `on`; 0 if `on` is before `birth`. Birthdays on 29 February
/// fall on 28 February in non-leap years (see [`birthday_in`]).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let years = on.year() - birth.year();
    let had_birthday = on >= birthday_in(birth, on.year());
    // `on >= birth` makes this at least 0.
    (years - i32::from(!had_birthday)) as u32
}

/// First day of leerplicht: the first day of the month after the 5th birthday. The law speaks
/// of the first school day of that month; we take the calendar day so that duty status does
/// not depend on a school's calendar.
pub fn leerplicht_start(birth: NaiveDate) -> NaiveDate {
    let b5 = birthday_in(birth, birth.year() + 5);
    let (y, m) = if b5.month() == 12 {
        (b5.year() + 1, 1)
    } else {
        (b5.year(), b5.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("date within chrono's range")
}

/// Last day of leerplicht: 31 July of the school year in which the 16th birthday falls.
pub fn leerplicht_end(birth: NaiveDate) -> NaiveDate {
    SchoolYear::containing(birthday_in(birth, birth.year() + 16)).last_day()
}

/// Last day of kwalificatieplicht: the day before the 18th birthday.
pub fn kwalificatieplicht_end(birth: NaiveDate) -> NaiveDate {
    birthday_in(birth, birth.year() + 18)
        .pred_opt()
        .expect("date within chrono's range")
}

/// The duty on `on` of someone born on `birth`.
///
/// Leerplichtig from [`leerplicht_start`] to [`leerplicht_end`]; then kwalificatieplichtig up
/// to and including [`kwalificatieplicht_end`]; otherwise (before, after, or not yet born)
/// `Geen`. Kwalificatieplicht also ends with a startkwalificatie (MBO-2, havo or vwo diploma),
/// but the system holds no diploma data, so that end is not considered here: anyone between
/// leerplicht and 18 counts as kwalificatieplichtig.
pub fn duty_status(birth: NaiveDate, on: NaiveDate) -> DutyStatus {
    if on < leerplicht_start(birth) {
        DutyStatus::Geen
    } else if on <= leerplicht_end(birth) {
        DutyStatus::Leerplichtig
    } else if on <= kwalificatieplicht_end(birth) {
        DutyStatus::Kwalificatieplichtig
    } else {
        DutyStatus::Geen
    }
}

/// The duty on `on` of someone born on `birth` who obtained a startkwalificatie (MBO-2, havo
/// or vwo diploma) with the enrolment that ended on `startkwalificatie`, if any.
///
/// Kwalificatieplicht ends at the end of that enrolment: from the next day on there is no
/// duty. Leerplicht itself is not shortened by a diploma (docs/domain.md §4 ends only
/// kwalificatieplicht with it): a diploma obtained while leerplichtig means that no
/// kwalificatieplicht follows. Without a diploma this is [`duty_status`].
pub fn duty_status_met(
    birth: NaiveDate,
    on: NaiveDate,
    startkwalificatie: Option<NaiveDate>,
) -> DutyStatus {
    match duty_status(birth, on) {
        DutyStatus::Kwalificatieplichtig if startkwalificatie.is_some_and(|s| s < on) => {
            DutyStatus::Geen
        }
        s => s,
    }
}

/// The last day of any duty of someone born on `birth` with a startkwalificatie at the end of
/// an enrolment ending on `startkwalificatie`, if any: the end of leerplicht, or of
/// kwalificatieplicht when it came first to the 18th birthday or the diploma. Duty holds on
/// exactly the days from [`leerplicht_start`] up to and including this day.
pub fn laatste_plichtdag(birth: NaiveDate, startkwalificatie: Option<NaiveDate>) -> NaiveDate {
    let kwal_end = kwalificatieplicht_end(birth);
    let kwal_end = startkwalificatie.map_or(kwal_end, |s| s.min(kwal_end));
    leerplicht_end(birth).max(kwal_end)
}

/// From 12 a young person is personally responsible for attending and can be fined.
pub fn is_personally_responsible(birth: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth, on) >= 12
}

/// RMC age: 18 up to the 23rd birthday (no longer leerplichtig, followed up by the RMC).
pub fn is_rmc_age(birth: NaiveDate, on: NaiveDate) -> bool {
    (18..=22).contains(&age_on(birth, on))
}

/// Inclusive birth-date ranges (first, last) of the people who are leerplichtig and
/// kwalificatieplichtig on one day: `duty_status(b, on)` is `Leerplichtig` exactly when `b`
/// lies in `leerplichtig`, likewise for `kwalificatieplichtig`. Everyone born outside both
/// ranges has status `Geen`. A range with first > last would be empty; for real dates it
/// never is.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BirthRanges {
    pub leerplichtig: (NaiveDate, NaiveDate),
    pub kwalificatieplichtig: (NaiveDate, NaiveDate),
}

/// Where a birth date stands on `on`, ordered from old to young: 0 = too old (Geen after the
/// duties), 1 = kwalificatieplichtig, 2 = leerplichtig, 3 = too young or not yet born. This
/// band never decreases as the birth date increases, which is what makes the ranges ranges.
fn band(birth: NaiveDate, on: NaiveDate) -> u8 {
    match duty_status(birth, on) {
        DutyStatus::Kwalificatieplichtig => 1,
        DutyStatus::Leerplichtig => 2,
        // Geen is either before leerplicht (age ≤ 5) or after kwalificatieplicht (age ≥ 18).
        DutyStatus::Geen if age_on(birth, on) >= 10 => 0,
        DutyStatus::Geen => 3,
    }
}

/// The earliest birth date whose band on `on` is at least `k` (1..=3).
fn first_born_with_band(k: u8, on: NaiveDate) -> NaiveDate {
    // Born 40 years earlier is band 0 (age 40); born the day after `on` is band 3.
    let mut lo = on.num_days_from_ce() - 40 * 366; // band < k
    let mut hi = on.num_days_from_ce() + 1; // band ≥ k
    let date = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).expect("date in range");
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if band(date(mid), on) >= k {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    date(hi)
}

/// The birth-date ranges of the leerplichtig and kwalificatieplichtig on `on`.
///
/// Found by binary search over [`duty_status`] itself rather than a separate closed form, so
/// the ranges cannot drift from the rule (29 February, month ends, school-year ends included).
pub fn birth_ranges(on: NaiveDate) -> BirthRanges {
    let day_before = |d: NaiveDate| d.checked_sub_days(Days::new(1)).expect("date in range");
    let kwal_first = first_born_with_band(1, on);
    let leer_first = first_born_with_band(2, on);
    let too_young_first = first_born_with_band(3, on);
    BirthRanges {
        leerplichtig: (leer_first, day_before(too_young_first)),
        kwalificatieplichtig: (kwal_first, day_before(leer_first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use DutyStatus::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The duty of a person born on `b`, on each of the days.
    fn plicht_op(b: NaiveDate, dagen: &[(NaiveDate, DutyStatus)]) {
        for &(op, s) in dagen {
            assert_eq!(duty_status(b, op), s, "born {b}, on {op}");
        }
    }

    /// The age of a person born on `b`, on each of the days.
    fn leeftijd_op(b: NaiveDate, dagen: &[(NaiveDate, u32)]) {
        for &(op, n) in dagen {
            assert_eq!(age_on(b, op), n, "born {b}, on {op}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(Leerplichtig.code(), "leerplichtig");
        assert_eq!(Kwalificatieplichtig.code(), "kwalificatieplichtig");
        assert_eq!(Geen.to_string(), "geen");
    }

    #[test]
    fn ages() {
        let b = d(2005, 6, 15);
        leeftijd_op(
            b,
            &[
                (d(2005, 6, 14), 0),
                (d(2004, 1, 1), 0),
                (b, 0),
                (d(2023, 6, 14), 17),
                (d(2023, 6, 15), 18),
            ],
        );
        // 29 February: birthday on 28 February in non-leap years, on 29 February in leap years.
        let leap = d(2004, 2, 29);
        leeftijd_op(
            leap,
            &[
                (d(2005, 2, 27), 0),
                (d(2005, 2, 28), 1),
                (d(2008, 2, 28), 3),
                (d(2008, 2, 29), 4),
                (d(2022, 2, 27), 17),
                (d(2022, 2, 28), 18),
            ],
        );
    }

    #[test]
    fn leerplicht_starts_the_month_after_the_fifth_birthday() {
        // Born on the 1st: 5 on 1 March, leerplichtig only from 1 April.
        let b = d(2015, 3, 1);
        assert_eq!(leerplicht_start(b), d(2020, 4, 1));
        plicht_op(
            b,
            &[
                (d(2020, 3, 1), Geen),
                (d(2020, 3, 31), Geen),
                (d(2020, 4, 1), Leerplichtig),
            ],
        );
        // Born on the last day of a month, December: into the next calendar year.
        let b = d(2015, 12, 31);
        assert_eq!(leerplicht_start(b), d(2021, 1, 1));
        plicht_op(b, &[(d(2020, 12, 31), Geen), (d(2021, 1, 1), Leerplichtig)]);
    }

    #[test]
    fn leerplicht_ends_with_the_school_year_of_the_sixteenth_birthday() {
        // Turns 16 on 31 July: that school year ends the same day.
        let b = d(2004, 7, 31);
        assert_eq!(leerplicht_end(b), d(2020, 7, 31));
        plicht_op(
            b,
            &[
                (d(2020, 7, 31), Leerplichtig),
                (d(2020, 8, 1), Kwalificatieplichtig),
            ],
        );
        // Turns 16 on 1 August: a whole school year more.
        let b = d(2004, 8, 1);
        assert_eq!(leerplicht_end(b), d(2021, 7, 31));
        plicht_op(
            b,
            &[
                (d(2020, 8, 1), Leerplichtig),
                (d(2021, 7, 31), Leerplichtig),
                (d(2021, 8, 1), Kwalificatieplichtig),
            ],
        );
    }

    #[test]
    fn kwalificatieplicht_ends_on_the_eighteenth_birthday() {
        let b = d(2004, 8, 1);
        plicht_op(
            b,
            &[
                (d(2022, 7, 31), Kwalificatieplichtig),
                (d(2022, 8, 1), Geen),
            ],
        );
        let b = d(2004, 2, 29);
        assert_eq!(kwalificatieplicht_end(b), d(2022, 2, 27));
        plicht_op(
            b,
            &[
                (d(2022, 2, 27), Kwalificatieplichtig),
                (d(2022, 2, 28), Geen),
            ],
        );
        // 29 February births start leerplicht on 1 March and end it like anyone born in February.
        assert_eq!(leerplicht_start(b), d(2009, 3, 1));
        assert_eq!(leerplicht_end(b), d(2020, 7, 31));
    }

    #[test]
    fn responsibility_and_rmc() {
        let b = d(2006, 5, 10);
        assert!(!is_personally_responsible(b, d(2018, 5, 9)));
        assert!(is_personally_responsible(b, d(2018, 5, 10)));
        assert!(!is_rmc_age(b, d(2024, 5, 9)));
        assert!(is_rmc_age(b, d(2024, 5, 10)));
        assert!(is_rmc_age(b, d(2029, 5, 9)));
        assert!(!is_rmc_age(b, d(2029, 5, 10)));
    }

    #[test]
    fn a_startkwalificatie_ends_kwalificatieplicht() {
        // Born 2008-03-10: leerplichtig until 31 July 2024, kwalificatieplichtig until the day
        // before 10 March 2026. A havo diploma with the enrolment that ended 2025-07-15 ends
        // kwalificatieplicht: on 16 July 2025 there is no duty any more.
        let b = d(2008, 3, 10);
        let havo = Some(d(2025, 7, 15));
        assert_eq!(duty_status(b, d(2025, 9, 1)), Kwalificatieplichtig);
        assert_eq!(
            duty_status_met(b, d(2025, 7, 15), havo),
            Kwalificatieplichtig
        );
        assert_eq!(duty_status_met(b, d(2025, 7, 16), havo), Geen);
        assert_eq!(
            duty_status_met(b, d(2025, 9, 1), None),
            Kwalificatieplichtig
        );
        assert_eq!(laatste_plichtdag(b, havo), d(2025, 7, 15));
        assert_eq!(laatste_plichtdag(b, None), d(2026, 3, 9));
        // A diploma while still leerplichtig (vwo at 15): leerplicht runs on, nothing follows.
        let vroeg = Some(d(2024, 6, 30));
        assert_eq!(duty_status_met(b, d(2024, 7, 31), vroeg), Leerplichtig);
        assert_eq!(duty_status_met(b, d(2024, 8, 1), vroeg), Geen);
        assert_eq!(laatste_plichtdag(b, vroeg), d(2024, 7, 31));
        // A diploma after the 18th birthday changes nothing.
        assert_eq!(laatste_plichtdag(b, Some(d(2027, 7, 1))), d(2026, 3, 9));
    }

    #[test]
    fn birth_ranges_worked_example() {
        // On 1 October 2020: leerplichtig are those who turned 5 in September 2020 or before
        // (born up to 30 September 2015) and turn 16 no earlier than school year 2020-2021
        // (born from 1 August 2004). Kwalificatieplichtig: not yet 18 (born after 1 October
        // 2002) and past leerplicht (born up to 31 July 2004).
        let r = birth_ranges(d(2020, 10, 1));
        assert_eq!(r.leerplichtig, (d(2004, 8, 1), d(2015, 9, 30)));
        assert_eq!(r.kwalificatieplichtig, (d(2002, 10, 2), d(2004, 7, 31)));
    }

    fn date_in(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
        let lo = d(from, 1, 1).num_days_from_ce();
        let hi = d(to, 12, 31).num_days_from_ce();
        (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    fn in_range(b: NaiveDate, r: (NaiveDate, NaiveDate)) -> bool {
        r.0 <= b && b <= r.1
    }

    proptest! {
        #[test]
        fn birth_ranges_agree_with_duty_status(birth in date_in(1990, 2040), on in date_in(1990, 2040)) {
            let r = birth_ranges(on);
            let s = duty_status(birth, on);
            prop_assert_eq!(s == Leerplichtig, in_range(birth, r.leerplichtig));
            prop_assert_eq!(s == Kwalificatieplichtig, in_range(birth, r.kwalificatieplichtig));
            prop_assert!(r.kwalificatieplichtig.0 <= r.kwalificatieplichtig.1);
            prop_assert!(r.leerplichtig.0 <= r.leerplichtig.1);
        }

        #[test]
        fn birth_ranges_agree_near_the_edges(on in date_in(1990, 2040), pick in 0usize..4, delta in -3i64..=3) {
            // Random pairs rarely land on a boundary, so also test days right around them.
            let r = birth_ranges(on);
            let edge = [r.leerplichtig.0, r.leerplichtig.1, r.kwalificatieplichtig.0, r.kwalificatieplichtig.1][pick];
            let birth = edge + chrono::Duration::days(delta);
            let s = duty_status(birth, on);
            prop_assert_eq!(s == Leerplichtig, in_range(birth, r.leerplichtig));
            prop_assert_eq!(s == Kwalificatieplichtig, in_range(birth, r.kwalificatieplichtig));
        }

        #[test]
        fn duties_fit_the_ages(birth in date_in(1990, 2040), on in date_in(1990, 2040)) {
            let age = age_on(birth, on);
            let s = duty_status(birth, on);
            match s {
                Leerplichtig => prop_assert!((5..=16).contains(&age), "leerplichtig at {}", age),
                Kwalificatieplichtig => prop_assert!((16..=17).contains(&age), "kwalificatieplichtig at {}", age),
                Geen => prop_assert!(age <= 5 || age >= 18, "no duty at {}", age),
            }
            if (6..=15).contains(&age) {
                prop_assert_eq!(s, Leerplichtig);
            }
            if age >= 17 {
                prop_assert_ne!(s, Leerplichtig);
            }
            prop_assert_eq!(is_rmc_age(birth, on), (18..=22).contains(&age));
        }

        #[test]
        fn duty_holds_up_to_the_last_day_of_duty(
            birth in date_in(1990, 2030),
            on in date_in(1990, 2050),
            diploma in proptest::option::of(date_in(2000, 2050)),
        ) {
            let s = duty_status_met(birth, on, diploma);
            let plicht = on >= leerplicht_start(birth) && on <= laatste_plichtdag(birth, diploma);
            prop_assert_eq!(s != Geen, plicht);
            // A diploma only ever takes kwalificatieplicht away.
            let zonder = duty_status(birth, on);
            prop_assert!(s == zonder || (zonder == Kwalificatieplichtig && s == Geen));
            prop_assert_eq!(duty_status_met(birth, on, None), zonder);
        }

        #[test]
        fn bands_are_ordered_by_birth_date(a in date_in(1990, 2040), b in date_in(1990, 2040), on in date_in(1990, 2040)) {
            let (older, younger) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(band(older, on) <= band(younger, on));
            prop_assert!(age_on(older, on) >= age_on(younger, on));
        }
    }
}
