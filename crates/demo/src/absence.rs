//! Absence for the demo region (docs/domain.md §6): per pupil and school year a handful of rows in
//! the common pattern (short sickness episodes, the odd late arrival, appointments, a
//! skipped lesson), and for a few pupils a pattern that makes one of the signal rules fire:
//! frequent lateness, long or frequent sickness, truancy building up to the 8- or 16-hour
//! threshold, luxury absence around a holiday and long-term absence.
//!
//! Each (pupil, school year) draws from its own random stream, derived from the seed, the
//! pupil's number and the year: absence never touches the streams that make the people and
//! their enrolments, and the rows of one school year are the same whichever window of years
//! is generated. A year is planned on school day numbers relative to its first school day:
//! a bit set of the days taken (at most one absence a day) and a reused table of what was
//! planned on them, so the days come out in order without sorting and nothing is allocated
//! per pupil. Rows on days the pupil is not enrolled, and from the peildatum on, are dropped
//! when they are sent: a running year is planned as a whole one, so its absence so far is the
//! same whatever the peildatum, and as dense as a past year's.

use std::ops::{Range, RangeInclusive};

use chrono::NaiveDate;
use leerrecht_domain::calendar::{Kalender, SchoolDays, Vakantie};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::person::Sector;
use leerrecht_domain::rules::{Verzuim, Verzuimsoort};

use super::people::{add_years, aug1, jul31, Segment};
use super::region::Geo;
use super::{last_school_year, DemoSink, DemoSummary, FIRST_SCHOOL_YEAR};

/// More school days than any school year has (at most 262 weekdays).
const MAX_DAYS: usize = 320;
/// Attempts to find a free day or run before a placement is given up.
const TRIES: usize = 12;
/// School days in a full school year, to scale the everyday absence of a partial year.
const FULL_YEAR: f64 = 190.0;

// Patterns, per 100,000 pupil-years, by group: [PO and SO, VO and VSO, MBO]. The pupil's
// traits (see `Profiel`) multiply these; the multipliers average about 1 over all pupils.
/// Long-term absence: 21 or more consecutive whole school days of `ongeoorloofd`.
const LRV: [u64; 3] = [70, 400, 400];
/// Truancy building up to 16 hours (3 in 5) or to 8 hours only, within 3 weeks.
const SPIJBELEN: [u64; 3] = [400, 2_500, 2_500];
/// 10–22 late arrivals in the year.
const VAAK_LAAT: [u64; 3] = [1_700, 4_800, 4_800];
/// One sickness episode of 7 school days or more.
const LANG_ZIEK: [u64; 3] = [3_000, 3_000, 3_000];
/// 4–5 short sickness episodes within 9 weeks.
const VAAK_ZIEK: [u64; 3] = [2_000, 2_000, 2_000];
/// 1–5 days of luxe directly before or after a holiday.
const LUXE: [u64; 3] = [1_500, 600, 200];

/// Which pupils are prone to what: drawn once per pupil, so patterns recur over the years.
/// Each field is the multiplier (per mille) of the pattern rates it affects.
#[derive(Clone, Copy)]
struct Profiel {
    /// 8% at risk: truancy and long-term absence ×6, everyone else ×0.5.
    risico: u64,
    /// 10% often late: frequent lateness ×8, everyone else ×0.25.
    laat: u64,
    /// 10% often sick: long and frequent sickness ×4, everyone else ×0.67.
    ziek: u64,
    /// 5% of families take luxury holidays: ×15, everyone else ×0.25.
    luxe: u64,
}

impl Profiel {
    fn draw(rng: &mut Mix) -> Self {
        let pick = |rng: &mut Mix, percent: u32, yes: u64, no: u64| {
            if rng.gen_ratio(percent, 100) {
                yes
            } else {
                no
            }
        };
        Profiel {
            risico: pick(rng, 8, 6_000, 500),
            laat: pick(rng, 10, 8_000, 250),
            ziek: pick(rng, 10, 4_000, 667),
            luxe: pick(rng, 5, 15_000, 250),
        }
    }
}

/// True with chance `per_100k` / 100,000 × `per_mille` / 1,000.
fn kans(rng: &mut Mix, per_100k: u64, per_mille: u64) -> bool {
    rng.gen_range(0..100_000_000u64) < per_100k * per_mille
}

/// A Poisson draw for a small mean (Knuth's method).
fn poisson(rng: &mut Mix, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = rng.unit();
    while p > limit {
        k += 1;
        p *= rng.unit();
    }
    k
}

/// The SplitMix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A small, fast random stream (SplitMix64) per pupil or pupil-year: cheap to create, so each
/// pupil-year can have its own without any state carried between them. Its few draws are
/// plain arithmetic (no generic sampling machinery), which keeps debug builds fast too.
struct Mix(u64);

impl Mix {
    fn new(seed: u64, pupil: u64, stream: u64) -> Self {
        Mix(mix(mix(mix(seed ^ 0x5645_525a_5549_4d21) ^ pupil) ^ stream))
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` ≥ 1), by a 128-bit multiply: the bias is below 2^-40 here.
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn gen_range<T, R: Bereik<T>>(&mut self, r: R) -> T {
        r.draw(self)
    }

    /// A length of 1 to 5 from a draw in `0..100`: 1 below the first of the rising `grenzen`,
    /// 2 below the second, and so on.
    fn lengte(&mut self, grenzen: [u64; 4]) -> usize {
        let r = self.below(100);
        1 + grenzen.iter().filter(|&&g| r >= g).count()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// True with chance `num` / `den`.
    fn gen_ratio(&mut self, num: u32, den: u32) -> bool {
        self.below(u64::from(den)) < u64::from(num)
    }

    fn coin(&mut self) -> bool {
        self.next_u64() >> 63 == 1
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// A non-empty range of integers to draw from.
trait Bereik<T> {
    fn draw(self, rng: &mut Mix) -> T;
}

macro_rules! bereik {
    ($($t:ty),*) => {$(
        impl Bereik<$t> for Range<$t> {
            #[inline]
            fn draw(self, rng: &mut Mix) -> $t {
                debug_assert!(self.start < self.end);
                self.start + rng.below((self.end - self.start) as u64) as $t
            }
        }
        impl Bereik<$t> for RangeInclusive<$t> {
            #[inline]
            fn draw(self, rng: &mut Mix) -> $t {
                let (a, b) = self.into_inner();
                debug_assert!(a <= b);
                a + rng.below((b - a) as u64 + 1) as $t
            }
        }
    )*};
}
bereik!(i32, u16, u32, u64, usize);

/// The stream of a pupil's traits; the streams of their years are the years themselves.
const PROFIEL_STREAM: u64 = u64::MAX;

/// What is planned on a taken day.
#[derive(Clone, Copy)]
struct Slot {
    soort: Verzuimsoort,
    minuten: u16,
    hele_dag: bool,
}

#[derive(Clone, Copy)]
struct Bits([u64; MAX_DAYS / 64]);

impl Bits {
    #[inline]
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
    #[inline]
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
}

/// One enrolment's part of the year being generated.
#[derive(Clone, Copy)]
struct Deel {
    begin: NaiveDate,
    end: NaiveDate,
    school: u32,
}

/// Makes and sends the absence of one pupil at a time.
pub(super) struct Absence {
    kalender: Kalender,
    years: RangeInclusive<i32>,
    seed: u64,
    today: NaiveDate,
    history_start: NaiveDate,
    // Reused from pupil to pupil: a pupil costs no allocation.
    /// Per relative school day, what is planned on it (meaningful only on taken days).
    slots: Vec<Slot>,
    rows: Vec<Verzuim>,
    delen: Vec<Deel>,
}

impl Absence {
    /// Absence for the school years `years` (by starting year) up to `today`, on the school
    /// days of the calendar `vakanties`.
    pub(super) fn new(
        vakanties: Vec<Vakantie>,
        years: RangeInclusive<i32>,
        seed: u64,
        today: NaiveDate,
        history_start: NaiveDate,
    ) -> Self {
        let kalender = Kalender::new(
            vakanties,
            aug1(FIRST_SCHOOL_YEAR),
            jul31(last_school_year(today) + 1),
        );
        Absence {
            kalender,
            years,
            seed,
            today,
            history_start,
            slots: vec![
                Slot {
                    soort: Verzuimsoort::Geoorloofd,
                    minuten: 0,
                    hele_dag: false,
                };
                MAX_DAYS
            ],
            rows: Vec::with_capacity(64),
            delen: Vec::with_capacity(4),
        }
    }

    /// The absence of one pupil born on `birth` with the planned enrolments `segments` (those
    /// outside the history window or after today are skipped, as when they are emitted).
    pub(super) fn pupil<S: DemoSink>(
        &mut self,
        leerling: LeerlingId,
        birth: NaiveDate,
        segments: &[Segment],
        geo: &Geo,
        sink: &mut S,
        summary: &mut DemoSummary,
    ) -> Result<(), S::Error> {
        let key = match leerling {
            LeerlingId::Bsn(b) => u64::from(b.value()),
            LeerlingId::Onderwijsnummer(o) => 1 << 32 | u64::from(o.value()),
        };
        let from_age = add_years(birth, 4);
        let mut profiel = None;
        for y in self.years.clone() {
            let first = aug1(y).max(from_age).max(self.history_start);
            // The school registers a day's absence by the end of it: up to the day before.
            // The year is planned whole and cut there when sent, so that a running year has
            // the density of a whole one (not a whole year's patterns squeezed into its first
            // months) and a later peildatum only adds days.
            let tot = self.today - chrono::Duration::days(1);
            let last = jul31(y + 1);
            if tot < first {
                continue;
            }
            self.delen.clear();
            let mut sector = None;
            for s in segments {
                if s.end < self.history_start {
                    continue;
                }
                if s.begin <= last && s.end >= first {
                    sector.get_or_insert(s.sector);
                    self.delen.push(Deel {
                        begin: s.begin.max(first),
                        end: s.end.min(last),
                        school: s.school,
                    });
                }
            }
            let (Some(sector), Some(a), Some(b)) = (
                sector,
                self.delen.first().map(|d| d.begin),
                self.delen.last().map(|d| d.end),
            ) else {
                continue;
            };
            let days = self.kalender.common();
            let lo = days.school_days_before(a);
            let hi = days.school_days_before(b) + u32::from(days.is_school_day(b));
            let n = (hi.saturating_sub(lo) as usize).min(MAX_DAYS);
            if n == 0 {
                continue;
            }
            let p = *profiel.get_or_insert_with(|| {
                Profiel::draw(&mut Mix::new(self.seed, key, PROFIEL_STREAM))
            });
            let mut rng = Mix::new(self.seed, key, y as u64);
            summary.verzuim_leerlingjaren += 1;
            let mut jaar = Jaar {
                n,
                dag: 0,
                busy: Bits([0; MAX_DAYS / 64]),
                ziek: Bits([0; MAX_DAYS / 64]),
                days,
                lo,
                slots: &mut self.slots,
            };
            jaar.generate(&mut rng, p, sector);
            let taken = jaar.busy;
            self.send(leerling, lo, &taken, geo, sink, summary)?;
        }
        Ok(())
    }

    /// Turns the days `taken` of one year into rows and sends them per school.
    fn send<S: DemoSink>(
        &mut self,
        leerling: LeerlingId,
        lo: u32,
        taken: &Bits,
        geo: &Geo,
        sink: &mut S,
        summary: &mut DemoSummary,
    ) -> Result<(), S::Error> {
        // The school registers a day's absence by the end of it: up to the day before.
        let tot = self.today - chrono::Duration::days(1);
        let Absence {
            kalender,
            slots,
            rows,
            delen,
            ..
        } = self;
        let common = kalender.common();
        let mut flush = |school: u32, rows: &mut Vec<Verzuim>| -> Result<(), S::Error> {
            if rows.is_empty() {
                return Ok(());
            }
            sink.verzuim(leerling, &geo.schools[school as usize].code, rows)?;
            summary.verzuim += rows.len() as u64;
            for r in rows.iter() {
                summary.verzuim_per_soort[r.soort as usize] += 1;
            }
            rows.clear();
            Ok(())
        };
        rows.clear();
        let mut k = 0;
        let mut school: Option<(u32, &SchoolDays)> = None;
        'days: for (w, &word) in taken.0.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let rel = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let e = slots[rel];
                let Some(datum) = common.school_day(lo + rel as u32) else {
                    continue;
                };
                if datum > tot {
                    break 'days;
                }
                while k < delen.len() && delen[k].end < datum {
                    k += 1;
                }
                let Some(deel) = delen.get(k) else {
                    break 'days;
                };
                if datum < deel.begin {
                    continue; // between two enrolments
                }
                let days = match school {
                    Some((s, days)) if s == deel.school => days,
                    _ => {
                        if let Some((s, _)) = school {
                            flush(s, rows)?;
                        }
                        let days = kalender.voor_school(&geo.schools[deel.school as usize].code);
                        school = Some((deel.school, days));
                        days
                    }
                };
                if days.is_school_day(datum) {
                    rows.push(Verzuim::new(datum, e.soort, e.minuten, e.hele_dag));
                }
            }
        }
        if let Some((s, _)) = school {
            flush(s, rows)?;
        }
        Ok(())
    }
}

/// The three groups whose rates differ.
fn groep(sector: Sector) -> usize {
    match sector {
        Sector::Po | Sector::So => 0,
        Sector::Vo | Sector::Vso => 1,
        Sector::Mbo => 2,
    }
}

/// The plan of one pupil-year: `n` school days, which of them are taken.
struct Jaar<'a> {
    n: usize,
    /// Lesson minutes of a whole school day for this pupil this year.
    dag: u16,
    busy: Bits,
    ziek: Bits,
    days: &'a SchoolDays,
    lo: u32,
    slots: &'a mut [Slot],
}

impl Jaar<'_> {
    fn generate(&mut self, rng: &mut Mix, p: Profiel, sector: Sector) {
        let g = groep(sector);
        self.dag = match g {
            0 => rng.pick(&[300, 330]),
            1 => rng.pick(&[330, 360]),
            _ => rng.pick(&[300, 330, 360]),
        };
        // Patterns first, so that they find the days they need free.
        if kans(rng, LRV[g], p.risico) {
            self.lrv(rng);
        }
        if kans(rng, LUXE[g], p.luxe) {
            self.luxe(rng);
        }
        if kans(rng, SPIJBELEN[g], p.risico) {
            self.spijbelen(rng);
            if rng.gen_ratio(3, 10) {
                self.spijbelen(rng);
            }
        }
        if kans(rng, LANG_ZIEK[g], p.ziek) {
            let len = match rng.gen_range(0..100) {
                0..=69 => rng.gen_range(7..=12),
                70..=94 => rng.gen_range(13..=25),
                _ => rng.gen_range(26..=50),
            };
            self.ziekte(rng, 0, self.n, len);
        }
        if kans(rng, VAAK_ZIEK[g], p.ziek) {
            let span = 45.min(self.n);
            let s = rng.gen_range(0..=self.n - span);
            let episodes = if rng.gen_ratio(3, 4) { 4 } else { 5 };
            for _ in 0..episodes {
                let len = rng.pick(&[1, 1, 2, 2, 3]);
                self.ziekte(rng, s, s + span, len);
            }
        }
        let vaak_laat = kans(rng, VAAK_LAAT[g], p.laat);

        // Everyday absence, in proportion to the part of the year the pupil is in school.
        let f = self.n as f64 / FULL_YEAR;
        let vatbaar = if p.ziek > 1_000 { 1.4 } else { 1.0 };
        // Sickness: 2–3 episodes a year, spread over the year (one per stretch), so that
        // they do not bunch up into the frequent-sickness pattern by chance.
        let episodes = poisson(rng, [3.0, 2.6, 2.4][g] * vatbaar * f).min(5) as usize;
        for e in 0..episodes {
            let len = rng.lengte([40, 68, 85, 94]);
            let (a, b) = (self.n * e / episodes, self.n * (e + 1) / episodes);
            self.ziekte(rng, a, b, len);
        }
        // Late arrivals: never more than 8 a year outside the pattern.
        let laat = if vaak_laat {
            rng.gen_range(10..=22)
        } else {
            let neiging = if p.laat > 1_000 { 1.8 } else { 1.0 };
            poisson(rng, [2.0, 4.0, 4.5][g] * neiging * f).min(8)
        };
        for _ in 0..laat {
            let m = 5 * rng.gen_range(1..=6u16);
            self.dag_ergens(rng, Verzuimsoort::TeLaat, m, false);
        }
        // Appointments (doctor, dentist, orthodontist) and now and then a day of leave.
        for _ in 0..poisson(rng, 4.5 * f) {
            let m = rng.pick(&[60, 75, 90, 105, 120]);
            self.dag_ergens(rng, Verzuimsoort::Geoorloofd, m, false);
        }
        if rng.gen_ratio(8, 100) {
            let len = rng.gen_range(1..=2usize).min(self.n);
            if let Some(s) = self.vrije_reeks(rng, 0, self.n, len, false) {
                for i in s..s + len {
                    self.put(i, Verzuimsoort::Geoorloofd, self.dag, true);
                }
            }
        }
        // A skipped lesson or two (VO and MBO), rarely a skipped day.
        let risico = if p.risico > 1_000 { 2.5 } else { 1.0 };
        for _ in 0..poisson(rng, [0.1, 1.2, 1.5][g] * risico * f) {
            let m = if g == 0 {
                30
            } else {
                50 * rng.gen_range(1..=2u16)
            };
            self.dag_ergens(rng, Verzuimsoort::Ongeoorloofd, m, false);
        }
        if g > 0 && kans(rng, 4_000, if p.risico > 1_000 { 3_000 } else { 1_000 }) {
            self.dag_ergens(rng, Verzuimsoort::Ongeoorloofd, self.dag, true);
        }
    }

    fn put(&mut self, i: usize, soort: Verzuimsoort, minuten: u16, hele_dag: bool) {
        if soort == Verzuimsoort::Ziek {
            self.ziek.set(i);
        }
        debug_assert!(!self.busy.get(i), "one absence a day");
        self.busy.set(i);
        self.slots[i] = Slot {
            soort,
            minuten,
            hele_dag,
        };
    }

    /// A free day in `a..b`.
    fn vrije_dag(&self, rng: &mut Mix, a: usize, b: usize) -> Option<usize> {
        if a >= b {
            return None;
        }
        (0..TRIES)
            .map(|_| rng.gen_range(a..b))
            .find(|&i| !self.busy.get(i))
    }

    /// One row on a free day anywhere in the year.
    fn dag_ergens(&mut self, rng: &mut Mix, soort: Verzuimsoort, minuten: u16, hele_dag: bool) {
        if let Some(i) = self.vrije_dag(rng, 0, self.n) {
            self.put(i, soort, minuten, hele_dag);
        }
    }

    /// The start of `len` free days in a row within `a..b`; for sickness also not directly
    /// after or before a sick day, so that two episodes never join.
    fn vrije_reeks(
        &self,
        rng: &mut Mix,
        a: usize,
        b: usize,
        len: usize,
        ziek: bool,
    ) -> Option<usize> {
        if len == 0 || b < a + len {
            return None;
        }
        (0..TRIES).map(|_| rng.gen_range(a..=b - len)).find(|&s| {
            (s..s + len).all(|i| !self.busy.get(i))
                && (!ziek
                    || ((s == 0 || !self.ziek.get(s - 1))
                        && (s + len >= self.n || !self.ziek.get(s + len))))
        })
    }

    /// A sickness episode of `len` school days within `a..b` (shorter when the pupil is in
    /// school for less). The first day is now and then a partial one: sent home sick.
    fn ziekte(&mut self, rng: &mut Mix, a: usize, b: usize, len: usize) {
        let len = len.min(b.saturating_sub(a));
        let Some(s) = self.vrije_reeks(rng, a, b, len, true) else {
            return;
        };
        for i in s..s + len {
            if i == s && rng.gen_ratio(1, 5) {
                let m = 30 * rng.gen_range(2..self.dag / 30);
                self.put(i, Verzuimsoort::Ziek, m, false);
            } else {
                self.put(i, Verzuimsoort::Ziek, self.dag, true);
            }
        }
    }

    /// Long-term absence: after a few skipped lessons, 21 or more whole days in a row of
    /// `ongeoorloofd`, some of them for months (up to the end of the pupil's year).
    fn lrv(&mut self, rng: &mut Mix) {
        const MIN: usize = 21;
        if self.n < MIN {
            return;
        }
        let len = match rng.gen_range(0..100) {
            0..=59 => rng.gen_range(MIN..=35),
            60..=84 => rng.gen_range(36..=80),
            _ => rng.gen_range(81..=160),
        };
        let Some(s) = self.vrije_reeks(rng, 0, self.n, MIN, false) else {
            return;
        };
        let mut end = s;
        while end < (s + len).min(self.n) && !self.busy.get(end) {
            end += 1;
        }
        for i in s..end {
            self.put(i, Verzuimsoort::Ongeoorloofd, self.dag, true);
        }
        for _ in 0..rng.gen_range(2..=4) {
            if let Some(i) = self.vrije_dag(rng, s.saturating_sub(10), s.saturating_sub(1)) {
                self.put(
                    i,
                    Verzuimsoort::Ongeoorloofd,
                    50 * rng.gen_range(1..=4u16),
                    false,
                );
            }
        }
    }

    /// Whether a holiday of a week or more lies between school days `b - 1` and `b` (relative;
    /// either may lie outside the year).
    fn vakantie_voor(&self, b: usize) -> bool {
        let at = self.lo + b as u32;
        match (
            at.checked_sub(1).and_then(|i| self.days.school_day(i)),
            self.days.school_day(at),
        ) {
            (Some(x), Some(y)) => (y - x).num_days() > 7,
            _ => false,
        }
    }

    /// Luxury absence: 1–5 whole days directly before or after a holiday.
    fn luxe(&mut self, rng: &mut Mix) {
        let n = self.n;
        let start = rng.gen_range(0..=n);
        let Some(b) = (0..=n)
            .map(|k| (start + k) % (n + 1))
            .find(|&b| self.vakantie_voor(b))
        else {
            return;
        };
        let k = rng.lengte([25, 60, 80, 90]);
        let before = b == n || (b > 0 && rng.coin());
        let (s, e) = if before {
            (b.saturating_sub(k), b)
        } else {
            (b, (b + k).min(n))
        };
        for i in s..e {
            if !self.busy.get(i) {
                self.put(i, Verzuimsoort::Luxe, self.dag, true);
            }
        }
    }

    /// Truancy that builds up within 3 weeks (15 school days): a lesson, two, half a day, a
    /// whole day; 3 in 5 reach the 16-hour report, the others stop between 8 and 15 hours.
    fn spijbelen(&mut self, rng: &mut Mix) {
        const SPAN: usize = 15;
        let span = SPAN.min(self.n);
        let s0 = rng.gen_range(0..=self.n - span);
        let zestien = rng.gen_ratio(3, 5);
        let (target, cap) = if zestien {
            (rng.gen_range(1_000..=1_500), u32::MAX)
        } else {
            (rng.gen_range(500..=850), 880)
        };
        let mut minuten = [0u16; SPAN];
        let mut dagen = [0usize; SPAN];
        let mut taken = 0u32; // bit per day of the span
        let mut count = 0;
        let mut total = 0u32;
        while total < target && count < span {
            let Some(d) = (0..TRIES)
                .map(|_| rng.gen_range(0..span))
                .find(|&d| taken >> d & 1 == 0 && !self.busy.get(s0 + d))
            else {
                break;
            };
            taken |= 1 << d;
            let step = (count / 2 + rng.gen_range(0..2usize)).min(4);
            let m = [50, 100, 150, 200, u32::from(self.dag)][step].min(cap - total);
            minuten[count] = m as u16;
            dagen[count] = d;
            total += m;
            count += 1;
        }
        // Bigger absences later on: the minutes in drawn order, the days in date order.
        dagen[..count].sort_unstable();
        for (&d, &m) in dagen[..count].iter().zip(&minuten[..count]) {
            self.put(s0 + d, Verzuimsoort::Ongeoorloofd, m, m == self.dag);
        }
    }
}
