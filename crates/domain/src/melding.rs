//! The school's term for a draft melding (docs/domain.md §7): a draft made from a signal is confirmed
//! or withdrawn within a number of school days of the school's own calendar, counted from the
//! day the signal fired — the day the threshold was reached, from which the Leerplichtwet
//! (art. 21a) asks the school to report without delay.

use chrono::NaiveDate;

use crate::calendar::SchoolDays;

/// The default term, in school days.
pub const TERMIJN_SCHOOLDAGEN: u32 = 5;

/// The last day to settle a draft whose signal fired on `signaal`: the `termijn`-th school day
/// after it (a term of 0 ends on the day itself).
pub fn concept_termijn(dagen: &SchoolDays, signaal: NaiveDate, termijn: u32) -> NaiveDate {
    if termijn == 0 {
        return signaal;
    }
    let na = dagen.school_days_before(signaal) + u32::from(dagen.is_school_day(signaal));
    dagen
        .school_day(na + termijn - 1)
        .expect("a school day within chrono's range")
}

/// How many school days after the last day `termijn` the day `op` is (0 on or before it).
pub fn schooldagen_over(dagen: &SchoolDays, termijn: NaiveDate, op: NaiveDate) -> u32 {
    match termijn.succ_opt() {
        Some(na) if op >= na => dagen.count_school_days(na, op),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Kalender;

    use crate::testsupport::d;

    fn kalender() -> Kalender {
        // The autumn holiday of 2025 in the middle region: 18 to 26 October.
        let herfst = ("herfstvakantie", "2025-10-18", "2025-10-26");
        crate::testsupport::kalender(&[herfst], "2025-08-01", "2026-07-31")
    }

    #[test]
    fn five_school_days_from_a_monday_end_on_the_next_monday() {
        let k = kalender();
        assert_eq!(
            concept_termijn(k.common(), d("2025-10-06"), 5),
            d("2025-10-13")
        );
        // A signal on a Saturday: the term begins on Monday.
        assert_eq!(
            concept_termijn(k.common(), d("2025-10-04"), 5),
            d("2025-10-10")
        );
    }

    #[test]
    fn a_holiday_does_not_count() {
        let k = kalender();
        // Thursday 16 October: Friday, then the holiday week, then Monday to Thursday.
        assert_eq!(
            concept_termijn(k.common(), d("2025-10-16"), 5),
            d("2025-10-30")
        );
        // On the Friday after, one school day over; during the holiday none is added.
        assert_eq!(
            schooldagen_over(k.common(), d("2025-10-30"), d("2025-10-31")),
            1
        );
        assert_eq!(
            schooldagen_over(k.common(), d("2025-10-17"), d("2025-10-26")),
            0
        );
        assert_eq!(
            schooldagen_over(k.common(), d("2025-10-17"), d("2025-10-27")),
            1
        );
        assert_eq!(
            schooldagen_over(k.common(), d("2025-10-30"), d("2025-10-30")),
            0
        );
    }

    proptest::proptest! {
        /// The term ends on a school day with exactly `termijn` school days after the signal
        /// up to it, and the days over grow by one on each school day after it.
        #[test]
        fn the_term_holds_exactly_its_school_days(offset in 0u32..330, termijn in 1u32..30) {
            let k = kalender();
            let signaal = d("2025-08-01") + chrono::Duration::days(i64::from(offset));
            let eind = concept_termijn(k.common(), signaal, termijn);
            proptest::prop_assert!(k.common().is_school_day(eind));
            proptest::prop_assert_eq!(
                k.common().count_school_days(signaal.succ_opt().unwrap(), eind),
                termijn
            );
            proptest::prop_assert_eq!(schooldagen_over(k.common(), eind, eind), 0);
            let volgende = k.common().next_school_day(eind).unwrap();
            proptest::prop_assert_eq!(schooldagen_over(k.common(), eind, volgende), 1);
        }
    }
}
