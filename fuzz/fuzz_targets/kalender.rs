//! The school calendar (docs/domain.md §5): any set of holidays over any covered range, asked about
//! any dates. Nothing panics, and the answers agree with each other: a school day has an
//! index that leads back to it, lies in a lesweek, and is counted once.
#![no_main]

use chrono::{Datelike, Days, NaiveDate};
use leerrecht_domain::calendar::{Kalender, Vakantie};
use leerrecht_domain::ids::SchoolCode;
use libfuzzer_sys::fuzz_target;

/// A date from two bytes: days from 1895-01-01 (a little before the calendar's epoch) over
/// about 180 years, so that edges of the covered range and of the epoch are both reached.
fn date(a: u8, b: u8) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(1895, 1, 1).unwrap();
    base + Days::new(u64::from(u16::from_le_bytes([a, b])))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let from = date(data[0], data[1]);
    // Cover at most ~20 years, as a real installation's calendar does.
    let to = from + Days::new(u64::from(data[2]) * 30);
    let schools = ["05KO00", "07NU01"].map(|s| s.parse::<SchoolCode>().unwrap());
    let mut vakanties = Vec::new();
    let mut rest = &data[3..];
    while rest.len() >= 5 && vakanties.len() < 64 {
        let van = date(rest[0], rest[1]);
        let tot = van + Days::new(u64::from(rest[2] % 64));
        let school = match rest[3] % 3 {
            0 => None,
            i => Some(schools[usize::from(i) - 1].clone()),
        };
        if let Ok(v) = Vakantie::new("v", van, tot, school) {
            vakanties.push(v);
        }
        rest = &rest[5..];
    }
    let probes: Vec<NaiveDate> = rest
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| date(c[0], c[1]))
        .chain([from, to, from.pred_opt().unwrap(), to.succ_opt().unwrap()])
        .collect();
    let k = Kalender::new(vakanties, from, to);
    for cal in [k.common(), k.voor_school("05KO00"), k.voor_school("07NU01")] {
        for &d in &probes {
            let school = cal.is_school_day(d);
            if school {
                assert!(
                    d.weekday().number_from_monday() <= 5,
                    "{d} is a weekend day"
                );
                let i = cal.school_day_index(d).expect("a school day has an index");
                assert_eq!(cal.school_day(i), Some(d));
                let (i2, w) = cal.school_day_and_lesweek(d).expect("and a lesweek");
                assert_eq!(i, i2);
                assert_eq!(cal.lesweek_ordinal(d), Some(w));
                let week = cal.lesweek(d).expect("a lesweek");
                assert_eq!(week.ordinal, w);
                assert!(week.monday <= d && week.first_school_day <= d);
                assert_eq!(
                    cal.lesweek_by_ordinal(w).map(|l| l.monday),
                    Some(week.monday)
                );
                assert_eq!(cal.school_days_before(d), i);
            } else {
                assert_eq!(cal.school_day_index(d), None);
            }
            if let Some(n) = cal.next_school_day(d) {
                assert!(n > d && cal.is_school_day(n));
            }
            if let Some(p) = cal.prev_school_day(d) {
                assert!(p < d && cal.is_school_day(p));
            }
            let _ = cal.lesweken_before(d);
        }
        for w in probes.windows(2) {
            let (a, b) = (w[0].min(w[1]), w[0].max(w[1]));
            let n = cal.count_school_days(a, b);
            // Bounded walk: the covered range is at most ~21 years.
            if (b - a).num_days() < 400 {
                assert_eq!(cal.school_days_between(a, b).count() as u32, n);
            }
        }
    }
});
