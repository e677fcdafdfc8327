//! Early school leavers (*voortijdig schoolverlaters*, docs/domain.md §13): who of 18 to 23
//! left education without a startkwalificatie and is on the RMC's list, and since when.
//!
//! Choices where the field leaves room, written down in docs/domain.md §13:
//! - Only those the register saw leave count: someone with no enrolment on record is not on
//!   the list (the region does not know they ever were at school, or what diploma they got).
//! - Someone enters the list on the day after their last enrolment ended, or on their 18th
//!   birthday if they left before it (until 18 the leerplicht officer follows them under
//!   kwalificatieplicht), and leaves it on their 23rd birthday, on a new enrolment, or with a
//!   startkwalificatie.

use chrono::{Datelike, Duration, NaiveDate};

use crate::duty::birthday_in;

/// One enrolment as the RMC reads it: when, and whether it ended with a startkwalificatie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opleiding {
    pub begin: NaiveDate,
    pub eind: Option<NaiveDate>,
    pub startkwalificatie: bool,
}

impl Opleiding {
    fn loopt_op(&self, d: NaiveDate) -> bool {
        self.begin <= d && self.eind.is_none_or(|e| e >= d)
    }
}

/// The first day of RMC age (the 18th birthday) and the first day after it (the 23rd).
pub fn rmc_leeftijd(geboorte: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        birthday_in(geboorte, geboorte.year() + 18),
        birthday_in(geboorte, geboorte.year() + 23),
    )
}

/// The days this person entered the RMC list, oldest first: for each enrolment that ended
/// without a startkwalificatie, the day after it (or the 18th birthday, when later), if on
/// that day they were of RMC age, enrolled nowhere, and had no startkwalificatie.
pub fn instroomdagen(geboorte: NaiveDate, opleidingen: &[Opleiding]) -> Vec<NaiveDate> {
    let (van, tot) = rmc_leeftijd(geboorte);
    let diploma = opleidingen
        .iter()
        .filter(|o| o.startkwalificatie)
        .filter_map(|o| o.eind)
        .min();
    let mut dagen: Vec<NaiveDate> = opleidingen
        .iter()
        .filter_map(|o| o.eind)
        .map(|e| (e + Duration::days(1)).max(van))
        .filter(|d| *d < tot)
        .filter(|d| diploma.is_none_or(|s| s >= *d))
        .filter(|d| !opleidingen.iter().any(|o| o.loopt_op(*d)))
        .collect();
    dagen.sort();
    dagen.dedup();
    dagen
}

/// Whether the person is on the RMC list on `on`, and if so since when: the last day they
/// entered it, when they have been of RMC age, enrolled nowhere and without a
/// startkwalificatie from then up to `on`.
pub fn op_lijst(
    geboorte: NaiveDate,
    opleidingen: &[Opleiding],
    on: NaiveDate,
) -> Option<NaiveDate> {
    let (_, tot) = rmc_leeftijd(geboorte);
    if on >= tot {
        return None;
    }
    let sinds = instroomdagen(geboorte, opleidingen)
        .into_iter()
        .rfind(|d| *d <= on)?;
    let weer_ingeschreven = opleidingen
        .iter()
        .any(|o| o.begin <= on && o.eind.is_none_or(|e| e >= sinds));
    let diploma = opleidingen
        .iter()
        .any(|o| o.startkwalificatie && o.eind.is_some_and(|e| e <= on));
    (!weer_ingeschreven && !diploma).then_some(sinds)
}

/// Whether the person went back to education after entering the list on `sinds`: an
/// enrolment begun on or after that day, up to `tot`.
pub fn terug_ingeschreven(opleidingen: &[Opleiding], sinds: NaiveDate, tot: NaiveDate) -> bool {
    opleidingen
        .iter()
        .any(|o| o.begin >= sinds && o.begin <= tot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testsupport::d;

    fn opl(begin: NaiveDate, eind: Option<NaiveDate>, skw: bool) -> Opleiding {
        Opleiding {
            begin,
            eind,
            startkwalificatie: skw,
        }
    }

    #[test]
    fn leaving_at_nineteen_without_a_diploma_puts_someone_on_the_list_the_day_after() {
        let geb = d("2005-03-10");
        let o = [opl(d("2021-08-01"), Some(d("2024-11-30")), false)];
        assert_eq!(instroomdagen(geb, &o), [d("2024-12-01")]);
        assert_eq!(op_lijst(geb, &o, d("2024-11-30")), None);
        assert_eq!(op_lijst(geb, &o, d("2025-01-06")), Some(d("2024-12-01")));
        // Off the list on the 23rd birthday.
        assert_eq!(op_lijst(geb, &o, d("2028-03-09")), Some(d("2024-12-01")));
        assert_eq!(op_lijst(geb, &o, d("2028-03-10")), None);
    }

    #[test]
    fn a_startkwalificatie_or_a_new_enrolment_takes_someone_off_the_list() {
        let geb = d("2005-03-10");
        let diploma = [opl(d("2021-08-01"), Some(d("2024-07-31")), true)];
        assert!(instroomdagen(geb, &diploma).is_empty());
        assert_eq!(op_lijst(geb, &diploma, d("2025-01-06")), None);
        let terug = [
            opl(d("2021-08-01"), Some(d("2024-01-31")), false),
            opl(d("2024-09-01"), None, false),
        ];
        assert_eq!(
            op_lijst(geb, &terug, d("2024-06-01")),
            Some(d("2024-02-01"))
        );
        assert_eq!(op_lijst(geb, &terug, d("2024-09-01")), None);
        assert!(terug_ingeschreven(&terug, d("2024-02-01"), d("2025-07-31")));
        assert!(!terug_ingeschreven(
            &terug,
            d("2024-02-01"),
            d("2024-08-31")
        ));
    }

    #[test]
    fn someone_who_left_before_eighteen_enters_on_the_birthday_and_a_school_change_is_no_exit() {
        let geb = d("2006-10-02");
        let o = [
            opl(d("2019-08-01"), Some(d("2022-07-31")), false),
            opl(d("2022-08-01"), Some(d("2023-12-31")), false),
        ];
        // The change of school on 1 August 2022 is no exit; leaving at 17 counts from 18.
        assert_eq!(instroomdagen(geb, &o), [d("2024-10-02")]);
        assert_eq!(op_lijst(geb, &o, d("2024-10-01")), None);
        assert_eq!(op_lijst(geb, &o, d("2024-10-02")), Some(d("2024-10-02")));
    }

    #[test]
    fn no_enrolment_on_record_is_no_list_and_an_open_enrolment_is_none() {
        let geb = d("2004-01-01");
        assert_eq!(op_lijst(geb, &[], d("2024-01-01")), None);
        let o = [opl(d("2020-08-01"), None, false)];
        assert!(instroomdagen(geb, &o).is_empty());
    }
}
