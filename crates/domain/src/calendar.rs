//! The school calendar (docs/domain.md §5): school days, lesweken, holidays and per-school days off.
//! A [`Kalender`] precomputes one table per distinct school calendar, so that the signal engine
//! can ask "school day?", "which lesweek?" and "which school day number?" in O(1) per row.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::ids::SchoolCode;
use crate::schoolyear::SchoolYear;

/// A holiday or day off: `van` up to and including `tot`. Without a school it holds for every
/// school of the installation; with one, it is an extra day off of that school location.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Vakantie {
    pub naam: String,
    pub van: NaiveDate,
    pub tot: NaiveDate,
    pub school: Option<SchoolCode>,
}

impl Vakantie {
    /// A holiday from `van` up to and including `tot`; refuses `tot` before `van`.
    pub fn new(
        naam: impl Into<String>,
        van: NaiveDate,
        tot: NaiveDate,
        school: Option<SchoolCode>,
    ) -> Result<Self, &'static str> {
        if tot < van {
            return Err("a vakantie cannot end (tot) before it starts (van)");
        }
        Ok(Vakantie {
            naam: naam.into(),
            van,
            tot,
            school,
        })
    }

    /// Whether `d` lies inside the holiday (both ends included).
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.van <= d && d <= self.tot
    }
}

/// Monday 1 January 1900. School days and lesweken are numbered from here, so that numbers fit
/// a `u32` and mean the same inside and outside a calendar's covered range. Before it there
/// are no school days: no absence data is that old.
pub const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 exists"),
};
/// `EPOCH.num_days_from_ce()`, which is not a `const fn`; a test checks it.
const EPOCH_CE: i32 = 693_596;

/// An ISO week (Monday–Sunday) holding at least one school day.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Lesweek {
    /// Dense number: the next lesweek has `ordinal + 1`, whatever holiday weeks lie between,
    /// so "the 4 most recent lesweken" is an ordinal range. Counted from [`EPOCH`].
    pub ordinal: u32,
    /// Monday of the ISO week.
    pub monday: NaiveDate,
    /// The first school day in the week (Monday unless that is a day off).
    pub first_school_day: NaiveDate,
}

/// Days from a Monday up to (not including) `n` days later that are Monday–Friday.
#[inline]
fn weekdays_in(n: u32) -> u32 {
    n / 7 * 5 + (n % 7).min(5)
}

/// Days from a Monday to the `k`-th (0-based) Monday–Friday after it.
#[inline]
fn offset_of_weekday(k: u32) -> i64 {
    i64::from(k / 5) * 7 + i64::from(k % 5)
}

#[inline]
fn from_ce(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?)
}

/// One precomputed calendar over whole ISO weeks `[start, start + ndays)`. Numbers count from
/// [`EPOCH`]; outside the table every Monday–Friday (from the epoch) is a school day, so they
/// continue arithmetically on both sides.
struct Table {
    /// `num_days_from_ce` of the table's first day, a Monday.
    start_ce: i32,
    /// A multiple of 7.
    ndays: u32,
    /// Per day: (school days since the epoch before this day) << 1 | (is a school day). One
    /// load answers both questions.
    days: Vec<u32>,
    /// Per week: (lesweken since the epoch before this week) << 3 | weekday (0 = Monday) of the
    /// first school day, 7 if the week has none.
    weeks: Vec<u32>,
    /// Table day offset of each school day in the table, in order: index → date.
    school_day_offsets: Vec<u32>,
    /// Table week number of each lesweek in the table, in order: ordinal → week.
    lesweek_weeks: Vec<u32>,
    /// School days before the table and up to its end.
    sd_start: u32,
    sd_end: u32,
    /// Lesweken before the table and up to its end.
    lw_start: u32,
    lw_end: u32,
}

impl Table {
    /// `off[i]` says day `i` of the table is a day off (on top of weekends).
    fn build(start_ce: i32, off: &[bool]) -> Table {
        debug_assert!(start_ce >= EPOCH_CE && (start_ce - EPOCH_CE) % 7 == 0);
        debug_assert_eq!(off.len() % 7, 0);
        let start_off = (start_ce - EPOCH_CE) as u32;
        let sd_start = weekdays_in(start_off);
        let lw_start = start_off / 7;
        let mut days = Vec::with_capacity(off.len());
        let mut weeks = Vec::with_capacity(off.len() / 7);
        let mut school_day_offsets = Vec::new();
        let mut lesweek_weeks = Vec::new();
        let (mut sd, mut lw) = (sd_start, lw_start);
        for (w, week) in off.chunks_exact(7).enumerate() {
            let mut first = 7;
            for (i, &is_off) in week.iter().enumerate() {
                let school = i < 5 && !is_off;
                days.push(sd << 1 | u32::from(school));
                if school {
                    sd += 1;
                    school_day_offsets.push((w * 7 + i) as u32);
                    first = first.min(i as u32);
                }
            }
            weeks.push(lw << 3 | first);
            if first < 7 {
                lw += 1;
                lesweek_weeks.push(w as u32);
            }
        }
        Table {
            start_ce,
            ndays: off.len() as u32,
            days,
            weeks,
            school_day_offsets,
            lesweek_weeks,
            sd_start,
            sd_end: sd,
            lw_start,
            lw_end: lw,
        }
    }

    fn end_ce(&self) -> i64 {
        i64::from(self.start_ce) + i64::from(self.ndays)
    }
}

/// The school days and lesweken of one school (or of all schools without own days off).
/// Cheap to clone (shared); every question is O(1) except the iterator.
///
/// School days and lesweken carry dense numbers counted from [`EPOCH`]: consecutive school days
/// have consecutive [`school_day_index`](Self::school_day_index)es and consecutive lesweken
/// consecutive [`Lesweek::ordinal`]s. Numbers of different `SchoolDays` are not comparable.
#[derive(Clone)]
pub struct SchoolDays(Arc<Table>);

impl SchoolDays {
    /// Whether `d` is a school day: Monday–Friday and not a day off of this school.
    #[inline]
    pub fn is_school_day(&self, d: NaiveDate) -> bool {
        let t = &*self.0;
        let ce = d.num_days_from_ce();
        let o = ce.wrapping_sub(t.start_ce) as u32;
        if o < t.ndays {
            t.days[o as usize] & 1 == 1
        } else {
            ce >= EPOCH_CE && (ce - EPOCH_CE) % 7 < 5
        }
    }

    /// How many school days (since [`EPOCH`]) come before `d`. For a school day this is its
    /// [`school_day_index`](Self::school_day_index); the number of school days in `[a, b)` is
    /// `school_days_before(b) - school_days_before(a)`.
    #[inline]
    pub fn school_days_before(&self, d: NaiveDate) -> u32 {
        let t = &*self.0;
        let ce = d.num_days_from_ce();
        let o = ce.wrapping_sub(t.start_ce) as u32;
        if o < t.ndays {
            t.days[o as usize] >> 1
        } else if ce < t.start_ce {
            if ce <= EPOCH_CE {
                0
            } else {
                weekdays_in((ce - EPOCH_CE) as u32)
            }
        } else {
            t.sd_end + weekdays_in((i64::from(ce) - t.end_ce()) as u32)
        }
    }

    /// The dense number of a school day, `None` on any other day.
    #[inline]
    pub fn school_day_index(&self, d: NaiveDate) -> Option<u32> {
        self.is_school_day(d).then(|| self.school_days_before(d))
    }

    /// For a school day, its [`school_day_index`](Self::school_day_index) and the ordinal of
    /// its lesweek ([`lesweken_before`](Self::lesweken_before)); `None` on any other day.
    /// One date conversion and two table loads: the rules ask this of every absence day.
    #[inline]
    pub fn school_day_and_lesweek(&self, d: NaiveDate) -> Option<(u32, u32)> {
        let t = &*self.0;
        let o = d.num_days_from_ce().wrapping_sub(t.start_ce) as u32;
        if o < t.ndays {
            let day = t.days[o as usize];
            (day & 1 == 1).then(|| (day >> 1, t.weeks[(o / 7) as usize] >> 3))
        } else {
            self.school_day_index(d)
                .map(|i| (i, self.lesweken_before(d)))
        }
    }

    /// The school day with number `index` (inverse of [`school_day_index`](Self::school_day_index));
    /// `None` only past chrono's last date.
    pub fn school_day(&self, index: u32) -> Option<NaiveDate> {
        let t = &*self.0;
        let ce = if index < t.sd_start {
            i64::from(EPOCH_CE) + offset_of_weekday(index)
        } else if index < t.sd_end {
            i64::from(t.start_ce) + i64::from(t.school_day_offsets[(index - t.sd_start) as usize])
        } else {
            t.end_ce() + offset_of_weekday(index - t.sd_end)
        };
        from_ce(ce)
    }

    /// The first school day after `d` (not `d` itself).
    pub fn next_school_day(&self, d: NaiveDate) -> Option<NaiveDate> {
        let through = self.school_days_before(d) + u32::from(self.is_school_day(d));
        self.school_day(through)
    }

    /// The last school day before `d` (not `d` itself); `None` before the first one.
    pub fn prev_school_day(&self, d: NaiveDate) -> Option<NaiveDate> {
        let before = self.school_days_before(d);
        before.checked_sub(1).and_then(|i| self.school_day(i))
    }

    /// The number of school days from `a` up to and including `b` (0 if `b < a`).
    pub fn count_school_days(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        let through_b = self.school_days_before(b) + u32::from(self.is_school_day(b));
        through_b.saturating_sub(self.school_days_before(a))
    }

    /// The school days from `a` up to and including `b`, in order (empty if `b < a`).
    pub fn school_days_between(
        &self,
        a: NaiveDate,
        b: NaiveDate,
    ) -> impl DoubleEndedIterator<Item = NaiveDate> + ExactSizeIterator + '_ {
        let first = self.school_days_before(a);
        let end = first + self.count_school_days(a, b);
        (first..end).map(move |i| self.school_day(i).expect("the index of an existing day"))
    }

    /// The ordinal of the lesweek containing `d` (any day of the ISO week, weekends included);
    /// `None` if `d`'s week holds no school day.
    #[inline]
    pub fn lesweek_ordinal(&self, d: NaiveDate) -> Option<u32> {
        let t = &*self.0;
        let ce = d.num_days_from_ce();
        let o = ce.wrapping_sub(t.start_ce) as u32;
        if o < t.ndays {
            let e = t.weeks[(o / 7) as usize];
            (e & 7 != 7).then_some(e >> 3)
        } else {
            (ce >= EPOCH_CE).then(|| self.lesweken_before(d))
        }
    }

    /// The lesweek containing `d` (any day of the ISO week); `None` if the week holds no
    /// school day.
    pub fn lesweek(&self, d: NaiveDate) -> Option<Lesweek> {
        let ordinal = self.lesweek_ordinal(d)?;
        let monday = d.week(Weekday::Mon).first_day();
        let first_school_day = self.school_day(self.school_days_before(monday))?;
        Some(Lesweek {
            ordinal,
            monday,
            first_school_day,
        })
    }

    /// How many lesweken lie in ISO weeks before the week of `d`. For a day in a lesweek this is
    /// that lesweek's ordinal; in a holiday week it is one past the last lesweek before it.
    #[inline]
    pub fn lesweken_before(&self, d: NaiveDate) -> u32 {
        let t = &*self.0;
        let ce = d.num_days_from_ce();
        let o = ce.wrapping_sub(t.start_ce) as u32;
        if o < t.ndays {
            t.weeks[(o / 7) as usize] >> 3
        } else if ce < t.start_ce {
            if ce <= EPOCH_CE {
                0
            } else {
                ((ce - EPOCH_CE) / 7) as u32
            }
        } else {
            t.lw_end + ((i64::from(ce) - t.end_ce()) / 7) as u32
        }
    }

    /// The lesweek with number `ordinal`; `None` only past chrono's last date.
    pub fn lesweek_by_ordinal(&self, ordinal: u32) -> Option<Lesweek> {
        let t = &*self.0;
        let monday_ce = if ordinal < t.lw_start {
            i64::from(EPOCH_CE) + 7 * i64::from(ordinal)
        } else if ordinal < t.lw_end {
            i64::from(t.start_ce) + 7 * i64::from(t.lesweek_weeks[(ordinal - t.lw_start) as usize])
        } else {
            t.end_ce() + 7 * i64::from(ordinal - t.lw_end)
        };
        let w = self.lesweek(from_ce(monday_ce)?)?;
        debug_assert_eq!(w.ordinal, ordinal);
        Some(w)
    }

    /// The first school day of lesweek `ordinal`.
    pub fn lesweek_start(&self, ordinal: u32) -> Option<NaiveDate> {
        self.lesweek_by_ordinal(ordinal).map(|w| w.first_school_day)
    }
}

impl fmt::Debug for SchoolDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &*self.0;
        f.debug_struct("SchoolDays")
            .field("table_from", &from_ce(i64::from(t.start_ce)))
            .field("table_days", &t.ndays)
            .field("school_days", &(t.sd_end - t.sd_start))
            .field("lesweken", &(t.lw_end - t.lw_start))
            .finish()
    }
}

/// The installation's calendar: holidays for everyone plus per-school days off, over a covered
/// range of dates. Outside that range every Monday–Friday (from [`EPOCH`]) is a school day.
///
/// Built once; look up a school's [`SchoolDays`] once per school (a hash lookup), then ask it
/// per row.
#[derive(Clone, Debug)]
pub struct Kalender {
    from: NaiveDate,
    to: NaiveDate,
    vakanties: Vec<Vakantie>,
    common: SchoolDays,
    per_school: HashMap<SchoolCode, SchoolDays>,
}

impl Kalender {
    /// Precomputes the calendar over `from..=to`. Holiday days outside that range are ignored;
    /// a holiday with `tot < van` (only possible by filling the fields directly) holds no day.
    pub fn new(vakanties: Vec<Vakantie>, from: NaiveDate, to: NaiveDate) -> Self {
        let lo = from.max(EPOCH);
        let (start_ce, ndays) = if to < lo {
            (EPOCH_CE, 0)
        } else {
            // Whole ISO weeks, so each week's entry sees all its days.
            let start_ce = lo.num_days_from_ce() - lo.weekday().num_days_from_monday() as i32;
            let end_ce = to.num_days_from_ce() + 1;
            (start_ce, (end_ce - start_ce + 6) / 7 * 7)
        };
        let mark = |off: &mut [bool], v: &Vakantie| {
            let a = v.van.max(lo).num_days_from_ce() - start_ce;
            let b = v.tot.min(to).num_days_from_ce() - start_ce;
            for i in a.max(0)..=b.min(ndays - 1) {
                off[i as usize] = true;
            }
        };
        let mut common_off = vec![false; ndays as usize];
        for v in vakanties.iter().filter(|v| v.school.is_none()) {
            mark(&mut common_off, v);
        }
        let mut own: HashMap<&SchoolCode, Vec<bool>> = HashMap::new();
        for v in &vakanties {
            if let Some(s) = &v.school {
                mark(own.entry(s).or_insert_with(|| common_off.clone()), v);
            }
        }
        let per_school = own
            .into_iter()
            .map(|(s, off)| {
                (
                    s.clone(),
                    SchoolDays(Arc::new(Table::build(start_ce, &off))),
                )
            })
            .collect();
        let common = SchoolDays(Arc::new(Table::build(start_ce, &common_off)));
        Kalender {
            from,
            to,
            vakanties,
            common,
            per_school,
        }
    }

    /// The covered range `(from, to)`, both included, as given to [`Kalender::new`].
    pub fn covered(&self) -> (NaiveDate, NaiveDate) {
        (self.from, self.to)
    }

    pub fn vakanties(&self) -> &[Vakantie] {
        &self.vakanties
    }

    /// The calendar of a school without own days off: only the holidays for everyone.
    pub fn common(&self) -> &SchoolDays {
        &self.common
    }

    /// The calendar of one school location: the common one, or its own if it has days off.
    pub fn voor_school<Q>(&self, school: &Q) -> &SchoolDays
    where
        SchoolCode: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.per_school.get(school).unwrap_or(&self.common)
    }
}

/// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

/// Six weeks of summer holiday in calendar year `y`: from the first Monday on or after 14 July
/// up to the Sunday six weeks later (a typical middle of the three regions' dates).
fn zomervakantie(y: i32) -> (NaiveDate, NaiveDate) {
    let july14 = NaiveDate::from_ymd_opt(y, 7, 14).expect("date in range");
    let back = (7 - july14.weekday().num_days_from_monday()) % 7;
    let van = july14 + Days::new(u64::from(back));
    (van, van + Days::new(41))
}

/// A plausible national holiday set for one school year, for the demo: herfst-, kerst-,
/// voorjaars- and meivakantie, the Easter, Ascension and Whit days off, and the two parts of
/// the summer holidays that fall inside the year (its start in August, its end from mid-July),
/// so that consecutive years join up. Week holidays run Saturday to Sunday, as published.
pub fn demo_vakanties(year: SchoolYear) -> Vec<Vakantie> {
    let y = year.start_year();
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date in range");
    let week = |monday: NaiveDate| (monday - Days::new(2), monday + Days::new(6));
    let iso_monday =
        |y, w| NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).expect("ISO week exists");

    let mut days: Vec<(&str, NaiveDate, NaiveDate)> = Vec::new();
    days.push(("Zomervakantie", year.first_day(), zomervakantie(y).1));
    let (herfst_van, herfst_tot) = week(iso_monday(y, 43));
    days.push(("Herfstvakantie", herfst_van, herfst_tot));
    // Starts on the first Saturday from 19 December: always holds Christmas and New Year.
    let dec19 = ymd(y, 12, 19);
    let to_saturday = (12 - dec19.weekday().num_days_from_monday()) % 7;
    let kerst = dec19 + Days::new(u64::from(to_saturday));
    days.push(("Kerstvakantie", kerst, kerst + Days::new(15)));
    let (voorjaar_van, voorjaar_tot) = week(iso_monday(y + 1, 8));
    days.push(("Voorjaarsvakantie", voorjaar_van, voorjaar_tot));
    // Koningsdag is 27 April, or 26 April when the 27th is a Sunday. The meivakantie is its
    // week, or the week after when it falls on a weekend: the week of Koningsdag + 2 days.
    let mut koningsdag = ymd(y + 1, 4, 27);
    if koningsdag.weekday() == Weekday::Sun {
        koningsdag = ymd(y + 1, 4, 26);
    }
    let (mei_van, mei_tot) = week((koningsdag + Days::new(2)).week(Weekday::Mon).first_day());
    days.push(("Meivakantie", mei_van, mei_tot));
    let pasen = easter_sunday(y + 1);
    for (naam, from_easter) in [
        ("Goede Vrijdag", -2),
        ("Tweede Paasdag", 1),
        ("Hemelvaartsdag", 39),
        ("Vrijdag na Hemelvaart", 40),
        ("Tweede Pinksterdag", 50),
    ] {
        let d = pasen + chrono::Duration::days(from_easter);
        days.push((naam, d, d));
    }
    days.push(("Zomervakantie", zomervakantie(y + 1).0, year.last_day()));

    let mut out: Vec<Vakantie> = days
        .into_iter()
        .map(|(naam, van, tot)| Vakantie::new(naam, van, tot, None).expect("van <= tot"))
        .collect();
    out.sort_by_key(|v| v.van);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn school(s: &str) -> SchoolCode {
        s.parse().unwrap()
    }
    fn vak(van: NaiveDate, tot: NaiveDate, s: Option<&str>) -> Vakantie {
        Vakantie::new("test", van, tot, s.map(school)).unwrap()
    }

    #[test]
    fn epoch_constant() {
        assert_eq!(EPOCH.num_days_from_ce(), EPOCH_CE);
        assert_eq!(EPOCH.weekday(), Weekday::Mon);
    }

    #[test]
    fn vakantie_new_refuses_backwards() {
        assert!(Vakantie::new("x", d(2020, 1, 2), d(2020, 1, 1), None).is_err());
        let v = Vakantie::new("x", d(2020, 1, 1), d(2020, 1, 1), None).unwrap();
        assert!(v.contains(d(2020, 1, 1)) && !v.contains(d(2020, 1, 2)));
    }

    #[test]
    fn easter() {
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday(2019), d(2019, 4, 21));
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2038), d(2038, 4, 25));
        assert_eq!(easter_sunday(2008), d(2008, 3, 23));
    }

    #[test]
    fn weekends_are_never_school_days() {
        let k = Kalender::new(
            demo_vakanties(SchoolYear::new(2019)),
            d(2019, 8, 1),
            d(2020, 7, 31),
        );
        let s = k.common();
        assert!(!s.is_school_day(d(2019, 9, 7))); // Saturday
        assert!(!s.is_school_day(d(2019, 9, 8))); // Sunday
        assert!(s.is_school_day(d(2019, 9, 9)));
        assert!(!s.is_school_day(d(2030, 9, 7))); // outside the range, still a Saturday
        assert!(s.is_school_day(d(2030, 9, 9)));
        assert!(!s.is_school_day(d(1899, 12, 29))); // before the epoch
        assert_eq!(s.school_day_index(EPOCH), Some(0));
        assert_eq!(s.lesweek_ordinal(EPOCH), Some(0));
        assert_eq!(s.next_school_day(d(1850, 1, 1)), Some(EPOCH));
    }

    #[test]
    fn a_range_reaching_before_the_epoch() {
        let vs = vec![vak(d(1899, 12, 1), d(1900, 1, 2), None)];
        let k = Kalender::new(vs, d(1899, 6, 1), d(1900, 2, 1));
        let s = k.common();
        assert!(!s.is_school_day(d(1899, 12, 29)));
        assert!(!s.is_school_day(EPOCH));
        assert_eq!(s.school_day_index(d(1900, 1, 3)), Some(0));
        assert_eq!(s.school_day_index(d(1900, 1, 8)), Some(3));
        assert_eq!(s.lesweek(d(1899, 12, 31)), None);
        assert_eq!(s.lesweek_ordinal(EPOCH), Some(0));
        assert_eq!(s.lesweek_start(0), Some(d(1900, 1, 3)));
        assert_eq!(s.prev_school_day(d(1900, 1, 3)), None);
    }

    #[test]
    fn a_holiday_week_is_not_a_lesweek() {
        // Herfstvakantie 2019: Saturday 19 to Sunday 27 October.
        let k = Kalender::new(
            demo_vakanties(SchoolYear::new(2019)),
            d(2019, 8, 1),
            d(2020, 7, 31),
        );
        let s = k.common();
        assert_eq!(s.lesweek(d(2019, 10, 23)), None);
        let before = s.lesweek(d(2019, 10, 18)).unwrap();
        let after = s.lesweek(d(2019, 10, 28)).unwrap();
        assert_eq!(after.ordinal, before.ordinal + 1);
        assert_eq!(before.monday, d(2019, 10, 14));
        assert_eq!(s.lesweken_before(d(2019, 10, 23)), after.ordinal);
        assert_eq!(s.lesweek_start(after.ordinal), Some(d(2019, 10, 28)));
        assert_eq!(s.next_school_day(d(2019, 10, 18)), Some(d(2019, 10, 28)));
        assert_eq!(s.prev_school_day(d(2019, 10, 28)), Some(d(2019, 10, 18)));
        assert_eq!(
            s.school_day_index(d(2019, 10, 28)),
            s.school_day_index(d(2019, 10, 18)).map(|i| i + 1)
        );
    }

    #[test]
    fn a_lesweek_with_one_school_day_counts() {
        // Monday–Thursday off: only Friday 10 January 2020 is left.
        let vs = vec![vak(d(2019, 12, 21), d(2020, 1, 9), None)];
        let k = Kalender::new(vs, d(2019, 8, 1), d(2020, 7, 31));
        let s = k.common();
        let w = s.lesweek(d(2020, 1, 6)).unwrap();
        assert_eq!(w.monday, d(2020, 1, 6));
        assert_eq!(w.first_school_day, d(2020, 1, 10));
        assert_eq!(s.lesweek(d(2020, 1, 12)), Some(w)); // the Sunday belongs to it too
        assert_eq!(s.lesweek(d(2019, 12, 30)), None);
        assert_eq!(s.lesweek(d(2019, 12, 23)), None);
        assert_eq!(s.lesweek(d(2019, 12, 16)).unwrap().ordinal + 1, w.ordinal);
        assert_eq!(
            s.school_days_between(d(2019, 12, 19), d(2020, 1, 13))
                .collect::<Vec<_>>(),
            vec![
                d(2019, 12, 19),
                d(2019, 12, 20),
                d(2020, 1, 10),
                d(2020, 1, 13)
            ]
        );
        assert_eq!(s.count_school_days(d(2019, 12, 19), d(2020, 1, 13)), 4);
        assert_eq!(s.count_school_days(d(2020, 1, 13), d(2019, 12, 19)), 0);
    }

    #[test]
    fn a_school_day_off_affects_only_that_school() {
        let a = school("05KO00");
        let b = school("07NU01");
        let vs = vec![
            vak(d(2019, 9, 16), d(2019, 9, 16), Some("05KO00")),
            vak(d(2019, 10, 19), d(2019, 10, 27), None),
        ];
        let k = Kalender::new(vs, d(2019, 8, 1), d(2020, 7, 31));
        assert!(!k.voor_school(&a).is_school_day(d(2019, 9, 16)));
        assert!(k.voor_school(&a).is_school_day(d(2019, 9, 17)));
        assert!(k.voor_school(&b).is_school_day(d(2019, 9, 16)));
        assert!(k.common().is_school_day(d(2019, 9, 16)));
        // The common holiday holds for the school with own days off as well.
        assert!(!k.voor_school(&a).is_school_day(d(2019, 10, 21)));
        assert!(!k.voor_school(&b).is_school_day(d(2019, 10, 21)));
    }

    #[test]
    fn holidays_outside_the_range_are_ignored() {
        let vs = vec![vak(d(2019, 7, 1), d(2019, 8, 31), None)];
        let k = Kalender::new(vs, d(2019, 8, 1), d(2019, 8, 20));
        let s = k.common();
        assert!(s.is_school_day(d(2019, 7, 31)));
        assert!(!s.is_school_day(d(2019, 8, 1)));
        assert!(!s.is_school_day(d(2019, 8, 20)));
        assert!(s.is_school_day(d(2019, 8, 21)));
        // An empty range is a calendar of plain weekdays.
        let k = Kalender::new(
            vec![vak(d(2019, 7, 1), d(2019, 8, 31), None)],
            d(2020, 1, 1),
            d(2019, 1, 1),
        );
        assert!(k.common().is_school_day(d(2019, 8, 1)));
    }

    #[test]
    fn demo_calendar_is_plausible() {
        for y in 2015..2035 {
            let year = SchoolYear::new(y);
            let vs = demo_vakanties(year);
            assert!(
                vs.iter()
                    .all(|v| year.contains(v.van) && year.contains(v.tot)),
                "{y}"
            );
            let k = Kalender::new(vs.clone(), year.first_day(), year.last_day());
            let n = k
                .common()
                .count_school_days(year.first_day(), year.last_day());
            assert!((185..=205).contains(&n), "{y}: {n} school days");
            let koningsdag = if d(y + 1, 4, 27).weekday() == Weekday::Sun {
                d(y + 1, 4, 26)
            } else {
                d(y + 1, 4, 27)
            };
            let mei = vs.iter().find(|v| v.naam == "Meivakantie").unwrap();
            assert!(mei.contains(koningsdag), "{y}");
            let kerst = vs.iter().find(|v| v.naam == "Kerstvakantie").unwrap();
            assert!(
                kerst.contains(d(y, 12, 25)) && kerst.contains(d(y + 1, 1, 1)),
                "{y}"
            );
            // The summer of two consecutive demo years is one six-week holiday.
            let start = vs.last().unwrap();
            let end = &demo_vakanties(year.next())[0];
            assert_eq!(
                (start.naam.as_str(), end.naam.as_str()),
                ("Zomervakantie", "Zomervakantie")
            );
            assert_eq!((end.tot - start.van).num_days(), 41, "{y}");
        }
    }

    /// The definition, directly: what the tables must agree with.
    fn naive_is_school_day(
        vs: &[Vakantie],
        from: NaiveDate,
        to: NaiveDate,
        s: &SchoolCode,
        day: NaiveDate,
    ) -> bool {
        day >= EPOCH
            && day.weekday().num_days_from_monday() < 5
            && !(from <= day
                && day <= to
                && vs
                    .iter()
                    .any(|v| v.contains(day) && v.school.as_ref().is_none_or(|x| x == s)))
    }

    fn arb_case() -> impl Strategy<Value = (Vec<Vakantie>, NaiveDate, NaiveDate)> {
        let base = d(2019, 1, 1).num_days_from_ce();
        (
            0i32..800,
            -5i32..400,
            prop::collection::vec((-30i32..450, -2i32..25, 0usize..3), 0..10),
        )
            .prop_map(move |(f, len, vs)| {
                let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap();
                let from = day(base + f);
                let to = day(base + f + len);
                let schools = [None, Some(school("05KO00")), Some(school("07NU01"))];
                let vs = vs
                    .into_iter()
                    .map(|(start, l, si)| Vakantie {
                        naam: "p".into(),
                        van: day(base + f + start),
                        tot: day(base + f + start + l),
                        school: schools[si].clone(),
                    })
                    .collect();
                (vs, from, to)
            })
    }

    proptest! {
        #[test]
        fn tables_agree_with_the_definition((vs, from, to) in arb_case()) {
            let k = Kalender::new(vs.clone(), from, to);
            let first = from - Days::new(40);
            let last = to.max(from) + Days::new(60);
            for code in ["05KO00", "07NU01", "11AA00"] {
                let sc = school(code);
                let s = k.voor_school(&sc);
                let mut prev_index: Option<u32> = None;
                let mut prev_school_day: Option<NaiveDate> = None;
                let mut school_days = Vec::new();
                let mut day = first;
                while day <= last {
                    let is = s.is_school_day(day);
                    prop_assert_eq!(is, naive_is_school_day(&vs, from, to, &sc, day), "{} {}", code, day);
                    if is {
                        prop_assert!(day.weekday().num_days_from_monday() < 5);
                        prop_assert!(!vs.iter().any(|v| v.school.is_none() && from <= day && day <= to && v.contains(day)));
                        let i = s.school_day_index(day).unwrap();
                        prop_assert_eq!(s.school_day_and_lesweek(day), Some((i, s.lesweken_before(day))));
                        if let Some(p) = prev_index {
                            prop_assert_eq!(i, p + 1, "school days are numbered consecutively");
                        }
                        prop_assert_eq!(s.school_day(i), Some(day));
                        if let Some(p) = prev_school_day {
                            prop_assert_eq!(s.prev_school_day(day), Some(p));
                            prop_assert_eq!(s.next_school_day(p), Some(day));
                        }
                        prev_index = Some(i);
                        prev_school_day = Some(day);
                        school_days.push(day);
                    } else {
                        prop_assert_eq!(s.school_day_index(day), None);
                        prop_assert_eq!(s.school_day_and_lesweek(day), None);
                    }
                    day = day.succ_opt().unwrap();
                }
                prop_assert_eq!(s.school_days_between(first, last).collect::<Vec<_>>(), school_days.clone());
                prop_assert_eq!(s.count_school_days(first, last) as usize, school_days.len());
            }
        }

        #[test]
        fn lesweken_are_numbered_consecutively((vs, from, to) in arb_case()) {
            let k = Kalender::new(vs.clone(), from, to);
            let sc = school("05KO00");
            let s = k.voor_school(&sc);
            let mut monday = (from - Days::new(40)).week(Weekday::Mon).first_day();
            let last = to.max(from) + Days::new(60);
            let mut prev: Option<u32> = None;
            while monday <= last {
                let week: Vec<NaiveDate> = (0..7).map(|i| monday + Days::new(i)).collect();
                let first_school_day = week.iter().copied().find(|&x| naive_is_school_day(&vs, from, to, &sc, x));
                let lw = s.lesweek(monday);
                prop_assert_eq!(lw.is_some(), first_school_day.is_some(), "week of {}", monday);
                for &x in &week {
                    prop_assert_eq!(s.lesweek(x), lw);
                    prop_assert_eq!(s.lesweken_before(x), prev.map_or_else(|| s.lesweken_before(monday), |p| p + 1));
                }
                if let Some(w) = lw {
                    if let Some(p) = prev {
                        prop_assert_eq!(w.ordinal, p + 1, "lesweken are numbered consecutively");
                    }
                    prop_assert_eq!(w.monday, monday);
                    prop_assert_eq!(Some(w.first_school_day), first_school_day);
                    prop_assert_eq!(s.lesweek_by_ordinal(w.ordinal), Some(w));
                    prop_assert_eq!(s.lesweek_start(w.ordinal), first_school_day);
                    prev = Some(w.ordinal);
                }
                monday = monday + Days::new(7);
            }
        }
    }
}
