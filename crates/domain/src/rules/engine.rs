//! The engine that turns the absence rows of one (pupil, school) into the signals of docs/domain.md §6
//! (all rules except `av`, which is not about absence rows: see
//! [`absoluut_verzuim`](super::absoluut_verzuim)).
//!
//! # How it works, and what it costs
//!
//! Two linear passes over the rows of one (pupil, school):
//!
//! 1. **Per day.** Rows are grouped by date (sorted first when they are not yet: a linear
//!    check, then O(n log n) only for unsorted input). Rows on days that are not school days of
//!    the school are dropped. Each remaining date becomes one day record holding its school day
//!    number and lesweek ordinal (O(1) table lookups in [`SchoolDays`]), the sum of its
//!    `ongeoorloofd` + `luxe` minutes, its number of late arrivals, whether it has `luxe` and
//!    `ziek` rows and whether it has a whole day of `ongeoorloofd`, and the running total of
//!    the counted minutes of all earlier days (a prefix sum).
//! 2. **Per rule, day by day in date order.** The `16uur`/`signaal` window is a lesweek range;
//!    its first day is tracked with a pointer that only moves forward (except when a new rules
//!    version widens the window), and the unused minutes in it are one subtraction of prefix
//!    sums. Runs of consecutive school days (`luxe`, sickness episodes, `lrv`) are consecutive
//!    school day numbers. `mazl_4x12` looks back over at most `mazl_episodes` episode starts.
//!
//! Time O(n + Σ|explanations|) for sorted input (explanations are built only when a signal
//! fires), O(n log n) otherwise; memory: scratch buffers inside [`Evaluator`] that are reused
//! from one (pupil, school) to the next, so a warm evaluator allocates only for the signals it
//! emits.

use chrono::NaiveDate;

use crate::calendar::SchoolDays;
use crate::schoolyear::SchoolYear;

use super::regels::{Regels, RegelsHistorie};
use super::types::{Dagtotaal, Regel, Signaal, Uitleg, Verzuim, Verzuimsoort};

const LUXE: u8 = 1;
const ZIEK: u8 = 2;
/// A row of `ongeoorloofd` with `hele_dag`.
const HELE_DAG: u8 = 4;

/// All rows of one school day, folded together.
#[derive(Clone, Copy, Debug)]
struct Dag {
    datum: NaiveDate,
    /// School day number: consecutive school days differ by 1.
    sdi: u32,
    /// Lesweek ordinal: consecutive lesweken differ by 1.
    lw: u32,
    /// Minutes of `ongeoorloofd` and `luxe`.
    minuten: u32,
    /// Late arrivals (rows of `te_laat`).
    te_laat: u32,
    flags: u8,
    /// Counted minutes of all earlier days of this evaluation.
    cum: u64,
}

/// Evaluates the rules of docs/domain.md §6 for one (pupil, school) at a time, reusing its buffers.
/// Create one per thread and feed it the (pupil, school) groups one after another.
#[derive(Default, Debug)]
pub struct Evaluator {
    dagen: Vec<Dag>,
    /// The rows of the evaluation as totals in date order, when they do not come so.
    totalen: Vec<Dagtotaal>,
    /// Index in `dagen` of the first day of each sickness episode.
    episodes: Vec<u32>,
}

/// The rules of docs/domain.md §6 (all but `av`) over the absence rows of ONE (pupil, school), in a
/// fresh [`Evaluator`]. For many groups, keep an [`Evaluator`] and call
/// [`Evaluator::evaluate`].
pub fn evaluate(rows: &[Verzuim], days: &SchoolDays, regels: &RegelsHistorie) -> Vec<Signaal> {
    let mut out = Vec::new();
    Evaluator::new().evaluate(rows, days, regels, &mut out);
    out
}

impl Evaluator {
    pub fn new() -> Self {
        Evaluator::default()
    }

    /// Appends to `out` the signals of the rules `16uur`, `signaal`, `te_laat`, `luxe`,
    /// `mazl_7dagen`, `mazl_4x12` and `lrv` for the absence rows of ONE (pupil, school), with
    /// `days` the school days of that school. Signals come ordered by date, then by rule
    /// (the order of [`Regel`]).
    ///
    /// The result is a function of the multiset of rows: their order does not matter (they
    /// are copied into a scratch buffer as totals of one row and sorted there by date), and
    /// rows on one date add up, so splitting a row's minutes over two rows of the same kind and
    /// date changes nothing. Rows on days that are not school days are ignored. A signal on
    /// date `d`, and its explanation, depend only on rows up to and including `d`: adding
    /// absence on date `x` leaves every signal before `x` as it was.
    ///
    /// The rules, on school days only, in date order (thresholds from the [`Regels`] in force
    /// on the date that is evaluated; the names below are their fields):
    ///
    /// - **`16uur`**: at each date `d` with minutes of `ongeoorloofd` or `luxe`, the window
    ///   is the `venster_lesweken` most recent lesweken up to and including the lesweek of
    ///   `d`, from the first day of the earliest to `d`. When the window's minutes that are not
    ///   yet *used* add up to `uur16_minuten` or more, the signal fires on `d` and every minute
    ///   up to and including `d` becomes used.
    /// - **`signaal`**: the same at `signaal_minuten`, with its own used marker; not on a date
    ///   on which `16uur` fires; a `16uur` signal also uses the minutes for `signaal`.
    /// - **`te_laat`**: a day's late arrivals bring the count since the last `te_laat` signal
    ///   within the school year to `te_laat_aantal` or more. The count restarts at 0 on
    ///   1 August and after each signal; all late arrivals up to and including the signal's
    ///   date are used by it, also when one day brought the count past the threshold.
    /// - **`luxe`**: a day with a `luxe` row whose previous school day has none: the first day
    ///   of each run of luxe days on consecutive school days (a run may cross a weekend or a
    ///   holiday). A `luxe` row counts whatever its minutes, even 0.
    /// - **`mazl_7dagen`**: the `mazl_dagen`-th school day of a sickness episode, once per
    ///   episode. An episode is a run of days with a `ziek` row (any minutes) on consecutive
    ///   school days; one school day without one ends it.
    /// - **`mazl_4x12`**: on the first day of an episode, when at least `mazl_episodes`
    ///   episodes that started after the episode of the last `mazl_4x12` signal have their
    ///   first day within the `mazl_lesweken` most recent lesweken (counting the current one).
    /// - **`lrv`**: the `lrv_dagen`-th consecutive school day with a whole day of
    ///   `ongeoorloofd` absence (a row of that kind with `hele_dag`), once per run. A school day
    ///   without one (a partial day, or another kind only) ends the run.
    pub fn evaluate(
        &mut self,
        rows: &[Verzuim],
        days: &SchoolDays,
        regels: &RegelsHistorie,
        out: &mut Vec<Signaal>,
    ) {
        // A row is a total of one row.
        self.totalen.clear();
        self.totalen.extend(rows.iter().map(|r| Dagtotaal {
            datum: r.datum,
            soort: r.soort,
            minuten: r.minuten,
            aantal: 1,
            hele_dag: r.hele_dag,
        }));
        self.totalen.sort_by_key(|t| t.datum);
        let Evaluator {
            dagen,
            totalen,
            episodes,
        } = self;
        per_dag(totalen, days, dagen);
        episodes.clear();
        Regelloop::new(dagen, days, regels, episodes, out).run();
    }

    /// [`evaluate`](Self::evaluate) over absence that is already folded per date and kind, as
    /// the stores keep it: the same signals as for the rows that `rows` folds. Totals in date
    /// order are read as they are (their order within a date does not matter).
    pub fn evaluate_totalen(
        &mut self,
        rows: &[Dagtotaal],
        days: &SchoolDays,
        regels: &RegelsHistorie,
        out: &mut Vec<Signaal>,
    ) {
        let Evaluator {
            dagen,
            totalen,
            episodes,
        } = self;
        let rows = if rows.is_sorted_by_key(|t| t.datum) {
            rows
        } else {
            totalen.clear();
            totalen.extend_from_slice(rows);
            totalen.sort_unstable_by_key(|t| t.datum);
            totalen
        };
        per_dag(rows, days, dagen);
        episodes.clear();
        Regelloop::new(dagen, days, regels, episodes, out).run();
    }
}

/// Pass 1: the school days of `rows` (sorted by date), one record per date.
fn per_dag(rows: &[Dagtotaal], days: &SchoolDays, dagen: &mut Vec<Dag>) {
    dagen.clear();
    let mut cum: u64 = 0;
    let mut i = 0;
    while i < rows.len() {
        let datum = rows[i].datum;
        let Some((sdi, lw)) = days.school_day_and_lesweek(datum) else {
            i += 1;
            while i < rows.len() && rows[i].datum == datum {
                i += 1;
            }
            continue;
        };
        let mut dag = Dag {
            datum,
            sdi,
            // A school day lies in a lesweek, whose ordinal this is.
            lw,
            minuten: 0,
            te_laat: 0,
            flags: 0,
            cum,
        };
        while i < rows.len() && rows[i].datum == datum {
            let r = rows[i];
            match r.soort {
                Verzuimsoort::Ongeoorloofd => {
                    dag.minuten = dag.minuten.saturating_add(u32::from(r.minuten));
                    if r.hele_dag {
                        dag.flags |= HELE_DAG;
                    }
                }
                Verzuimsoort::Luxe => {
                    dag.minuten = dag.minuten.saturating_add(u32::from(r.minuten));
                    dag.flags |= LUXE;
                }
                // A total stands for at least one row.
                Verzuimsoort::TeLaat => {
                    dag.te_laat = dag.te_laat.saturating_add(u32::from(r.aantal.max(1)));
                }
                Verzuimsoort::Ziek => dag.flags |= ZIEK,
                Verzuimsoort::Geoorloofd => {}
            }
            i += 1;
        }
        cum += u64::from(dag.minuten);
        dagen.push(dag);
    }
}

/// Pass 2: the state of every rule while walking the days in order.
struct Regelloop<'a> {
    dagen: &'a [Dag],
    days: &'a SchoolDays,
    regels: &'a RegelsHistorie,
    episodes: &'a mut Vec<u32>,
    out: &'a mut Vec<Signaal>,
    /// Index of the rules version in force.
    versie: usize,
    /// First day (index) inside the `16uur`/`signaal` window, and that window's size in
    /// lesweken.
    lo: usize,
    venster: u32,
    /// Days before these indices are used for `16uur` and `signaal`.
    used16: usize,
    used_sig: usize,
    /// `te_laat`: the school year's first and last day (the year of the count), count, first
    /// day (index) and first date of the count.
    tl_jaar: Option<(NaiveDate, NaiveDate)>,
    tl_aantal: u32,
    tl_vanaf: usize,
    tl_van: NaiveDate,
    /// School day number of the last luxe day.
    luxe_vorige: Option<u32>,
    /// Sickness: school day number of the last sick day, episode length, signalled yet.
    ziek_vorige: Option<u32>,
    ziek_lengte: u32,
    ziek_gemeld: bool,
    /// Episodes before this index (in `episodes`) are used by a `mazl_4x12` signal.
    mazl_used: usize,
    /// `lrv`: the last whole day, run length, signalled yet.
    lrv_vorige: Option<u32>,
    lrv_lengte: u32,
    lrv_gemeld: bool,
}

/// Whether school day `sdi` directly follows school day `vorige`.
#[inline]
fn volgt(vorige: Option<u32>, sdi: u32) -> bool {
    vorige.is_some_and(|p| p.checked_add(1) == Some(sdi))
}

/// The first lesweek ordinal of a window of `n` lesweken ending with lesweek `lw` (one past
/// `lw` when `n` is 0: an empty window).
#[inline]
fn venster_begin(lw: u32, n: u32) -> u32 {
    (lw + 1).saturating_sub(n)
}

impl<'a> Regelloop<'a> {
    fn new(
        dagen: &'a [Dag],
        days: &'a SchoolDays,
        regels: &'a RegelsHistorie,
        episodes: &'a mut Vec<u32>,
        out: &'a mut Vec<Signaal>,
    ) -> Self {
        let nul = dagen.first().map_or(crate::calendar::EPOCH, |d| d.datum);
        Regelloop {
            dagen,
            days,
            regels,
            episodes,
            out,
            versie: 0,
            lo: 0,
            venster: 0,
            used16: 0,
            used_sig: 0,
            tl_jaar: None,
            tl_aantal: 0,
            tl_vanaf: 0,
            tl_van: nul,
            luxe_vorige: None,
            ziek_vorige: None,
            ziek_lengte: 0,
            ziek_gemeld: false,
            mazl_used: 0,
            lrv_vorige: None,
            lrv_lengte: 0,
            lrv_gemeld: false,
        }
    }

    fn run(mut self) {
        let versies = self.regels.versies();
        // The next version's first day: one comparison a day while the rules stay the same.
        let volgende = |i: usize| versies.get(i + 1).map_or(NaiveDate::MAX, |v| v.van);
        let mut wissel = volgende(self.versie);
        let mut r = versies[self.versie].regels;
        for k in 0..self.dagen.len() {
            let dag = self.dagen[k];
            if dag.datum >= wissel {
                while self.versie + 1 < versies.len() && versies[self.versie + 1].van <= dag.datum {
                    self.versie += 1;
                }
                wissel = volgende(self.versie);
                r = versies[self.versie].regels;
            }
            if dag.minuten > 0 {
                self.uren(k, dag, &r);
            }
            if dag.te_laat > 0 {
                self.te_laat(k, dag, &r);
            }
            if dag.flags & LUXE != 0 {
                if !volgt(self.luxe_vorige, dag.sdi) {
                    self.emit(
                        Regel::Luxe,
                        dag.datum,
                        Uitleg {
                            venster_van: dag.datum,
                            venster_tot: dag.datum,
                            rijen: vec![dag.datum],
                            minuten: dag.minuten,
                            aantal: 1,
                            drempel: 0,
                        },
                    );
                }
                self.luxe_vorige = Some(dag.sdi);
            }
            if dag.flags & ZIEK != 0 {
                self.ziek(k, dag, &r);
            }
            if dag.flags & HELE_DAG != 0 {
                self.lrv(k, dag, &r);
            }
        }
    }

    #[inline]
    fn emit(&mut self, regel: Regel, datum: NaiveDate, uitleg: Uitleg) {
        self.out.push(Signaal {
            regel,
            datum,
            uitleg,
        });
    }

    /// The first day of lesweek `ordinal` (the date itself past chrono's range, never).
    fn lesweek_begin(&self, ordinal: u32, datum: NaiveDate) -> NaiveDate {
        self.days.lesweek_start(ordinal).unwrap_or(datum).min(datum)
    }

    /// `16uur` and `signaal` on day `k`, which has counted minutes.
    fn uren(&mut self, k: usize, dag: Dag, r: &Regels) {
        let begin = venster_begin(dag.lw, r.venster_lesweken);
        let dagen = self.dagen;
        let mut lo = self.lo;
        while lo < k && dagen[lo].lw < begin {
            lo += 1;
        }
        if r.venster_lesweken > self.venster {
            // A rules version with a wider window: its start may lie before the pointer.
            while lo > 0 && dagen[lo - 1].lw >= begin {
                lo -= 1;
            }
        }
        self.venster = r.venster_lesweken;
        self.lo = lo;
        let t_m = dag.cum + u64::from(dag.minuten);
        let ongebruikt = |used: usize| {
            let s = lo.max(used);
            (s, t_m - dagen[s].cum)
        };
        let (s16, m16) = ongebruikt(self.used16);
        let (regel, s, m, drempel) = if m16 >= u64::from(r.uur16_minuten) {
            (Regel::Uur16, s16, m16, r.uur16_minuten)
        } else {
            let (ss, ms) = ongebruikt(self.used_sig);
            if ms < u64::from(r.signaal_minuten) {
                return;
            }
            (Regel::Signaal, ss, ms, r.signaal_minuten)
        };
        if regel == Regel::Uur16 {
            self.used16 = k + 1;
        }
        self.used_sig = k + 1;
        let rijen: Vec<NaiveDate> = dagen[s..=k]
            .iter()
            .filter(|d| d.minuten > 0)
            .map(|d| d.datum)
            .collect();
        let uitleg = Uitleg {
            venster_van: self.lesweek_begin(begin, dag.datum),
            venster_tot: dag.datum,
            aantal: rijen.len() as u32,
            rijen,
            minuten: u32::try_from(m).unwrap_or(u32::MAX),
            drempel,
        };
        self.emit(regel, dag.datum, uitleg);
    }

    /// `te_laat` on day `k`, which has late arrivals.
    fn te_laat(&mut self, k: usize, dag: Dag, r: &Regels) {
        // The school year is worked out only when a late day lies outside the last one's.
        if !self
            .tl_jaar
            .is_some_and(|(van, tot)| van <= dag.datum && dag.datum <= tot)
        {
            let jaar = SchoolYear::containing(dag.datum);
            self.tl_jaar = Some((jaar.first_day(), jaar.last_day()));
            self.tl_aantal = 0;
            self.tl_vanaf = k;
            self.tl_van = jaar.first_day();
        }
        self.tl_aantal = self.tl_aantal.saturating_add(dag.te_laat);
        if self.tl_aantal < r.te_laat_aantal {
            return;
        }
        let rijen = self.dagen[self.tl_vanaf..=k]
            .iter()
            .filter(|d| d.te_laat > 0)
            .map(|d| d.datum)
            .collect();
        let uitleg = Uitleg {
            venster_van: self.tl_van,
            venster_tot: dag.datum,
            rijen,
            minuten: 0,
            aantal: self.tl_aantal,
            drempel: r.te_laat_aantal,
        };
        self.tl_aantal = 0;
        self.tl_vanaf = k + 1;
        self.tl_van = dag.datum.succ_opt().unwrap_or(dag.datum);
        self.emit(Regel::TeLaat, dag.datum, uitleg);
    }

    /// `mazl_7dagen` and `mazl_4x12` on day `k`, which has a `ziek` row.
    fn ziek(&mut self, k: usize, dag: Dag, r: &Regels) {
        let nieuw = !volgt(self.ziek_vorige, dag.sdi);
        self.ziek_vorige = Some(dag.sdi);
        if nieuw {
            self.ziek_lengte = 1;
            self.ziek_gemeld = false;
            self.episodes.push(k as u32);
        } else {
            self.ziek_lengte = self.ziek_lengte.saturating_add(1);
        }
        if !self.ziek_gemeld && self.ziek_lengte >= r.mazl_dagen {
            self.ziek_gemeld = true;
            // The episode is the last `ziek_lengte` days: consecutive school days all have a
            // record, and no other school day lies between them.
            let run = &self.dagen[k + 1 - self.ziek_lengte as usize..=k];
            let uitleg = Uitleg {
                venster_van: run[0].datum,
                venster_tot: dag.datum,
                rijen: run.iter().map(|d| d.datum).collect(),
                minuten: 0,
                aantal: self.ziek_lengte,
                drempel: r.mazl_dagen,
            };
            self.emit(Regel::Mazl7Dagen, dag.datum, uitleg);
        }
        if nieuw {
            self.mazl_4x12(dag, r);
        }
    }

    /// `mazl_4x12` on the first day of an episode (already in `episodes`).
    fn mazl_4x12(&mut self, dag: Dag, r: &Regels) {
        let begin = venster_begin(dag.lw, r.mazl_lesweken);
        let n = self.episodes.len();
        let mut j = n;
        while j > self.mazl_used
            && ((n - j) as u32) < r.mazl_episodes
            && self.dagen[self.episodes[j - 1] as usize].lw >= begin
        {
            j -= 1;
        }
        let aantal = (n - j) as u32;
        if aantal < r.mazl_episodes {
            return;
        }
        self.mazl_used = n;
        let rijen = self.episodes[j..]
            .iter()
            .map(|&e| self.dagen[e as usize].datum)
            .collect();
        let uitleg = Uitleg {
            venster_van: self.lesweek_begin(begin, dag.datum),
            venster_tot: dag.datum,
            rijen,
            minuten: 0,
            aantal,
            drempel: r.mazl_episodes,
        };
        self.emit(Regel::Mazl4x12, dag.datum, uitleg);
    }

    /// `lrv` on day `k`, which has a whole day of `ongeoorloofd`.
    fn lrv(&mut self, k: usize, dag: Dag, r: &Regels) {
        if volgt(self.lrv_vorige, dag.sdi) {
            self.lrv_lengte = self.lrv_lengte.saturating_add(1);
        } else {
            self.lrv_lengte = 1;
            self.lrv_gemeld = false;
        }
        self.lrv_vorige = Some(dag.sdi);
        if self.lrv_gemeld || self.lrv_lengte < r.lrv_dagen {
            return;
        }
        self.lrv_gemeld = true;
        let run = &self.dagen[k + 1 - self.lrv_lengte as usize..=k];
        let uitleg = Uitleg {
            venster_van: run[0].datum,
            venster_tot: dag.datum,
            rijen: run.iter().map(|d| d.datum).collect(),
            minuten: run.iter().fold(0u32, |a, d| a.saturating_add(d.minuten)),
            aantal: self.lrv_lengte,
            drempel: r.lrv_dagen,
        };
        self.emit(Regel::Lrv, dag.datum, uitleg);
    }
}
