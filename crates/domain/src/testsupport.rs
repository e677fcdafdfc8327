//! What the crate's tests share: dates written as text, and calendars made of a few holidays.

use chrono::NaiveDate;

use crate::calendar::{Kalender, Vakantie};

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A calendar from `van` to `tot` with these holidays (name, first and last day), for every
/// school.
pub fn kalender(vakanties: &[(&str, &str, &str)], van: &str, tot: &str) -> Kalender {
    let vakanties = vakanties
        .iter()
        .map(|&(naam, a, b)| Vakantie::new(naam, d(a), d(b), None).unwrap())
        .collect();
    Kalender::new(vakanties, d(van), d(tot))
}
