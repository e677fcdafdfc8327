//! Young people and their school careers, one at a time: a person is drawn, their enrolments
//! from the first PO day to today are planned in a small reused buffer, handed to the sink,
//! and forgotten. Nothing here grows with the number of people.

use chrono::{Datelike, Days, NaiveDate};
use leerrecht_domain::ids::{Bsn, LeerlingId, Onderwijsnummer};
use leerrecht_domain::person::{Inschrijving, Jongere, Sector};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::absence::Absence;
use super::names;
use super::numbers::NummerGen;
use super::region::{sector_index, Geo};
use super::{DemoSink, DemoSummary, FIRST_SCHOOL_YEAR};

/// Share of young people with only an onderwijsnummer: 1 in 200 (0.5%).
const ONDERWIJSNUMMER_ONLY: (u32, u32) = (1, 200);
/// Per mille in special education (SO and/or VSO instead of regular PO/VO).
const SPECIAL_PER_MILLE: u32 = 30;
/// Per mille whose education stops early without a new enrolment (absolute-absence
/// candidates when still of leerplicht age); a quarter of them were never enrolled.
const DROPOUT_PER_MILLE: u32 = 4;

/// The day someone born on `birth` turns `years`; 29 February falls on 28 February, as in
/// the domain's duty rules.
pub(super) fn add_years(birth: NaiveDate, years: i32) -> NaiveDate {
    let y = birth.year() + years;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 2, 28))
        .expect("within chrono's range")
}

pub(super) fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let years = on.year() - birth.year();
    if on < add_years(birth, years) {
        years - 1
    } else {
        years
    }
}

pub(super) fn aug1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 8, 1).expect("valid date")
}

pub(super) fn jul31(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 7, 31).expect("valid date")
}

/// The starting year of the school year (1 August – 31 July) holding `d`.
pub(super) fn school_year_of(d: NaiveDate) -> i32 {
    if d.month() >= 8 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// The first school-year start strictly after `d`.
fn next_school_year_start(d: NaiveDate) -> NaiveDate {
    aug1(school_year_of(d) + 1)
}

/// Leerplichtig on `d` (docs/domain.md §4): from the first day of the month after the 5th birthday
/// to the end of the school year in which the 16th birthday falls.
pub(super) fn leerplichtig(birth: NaiveDate, d: NaiveDate) -> bool {
    let b5 = add_years(birth, 5);
    let start = if b5.month() == 12 {
        NaiveDate::from_ymd_opt(b5.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(b5.year(), b5.month() + 1, 1)
    }
    .expect("valid date");
    let end = jul31(school_year_of(add_years(birth, 16)) + 1);
    start <= d && d <= end
}

fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d + Days::new(n as u64)
    } else {
        d - Days::new(n.unsigned_abs())
    }
}

/// One planned enrolment: a school (index in the geography) from `begin` to `end`.
#[derive(Clone, Copy)]
pub(super) struct Segment {
    pub(super) sector: Sector,
    pub(super) school: u32,
    pub(super) begin: NaiveDate,
    pub(super) end: NaiveDate,
    /// Ended with a startkwalificatie: a havo or vwo diploma, or an mbo diploma (the demo's
    /// mbo courses are all of level 2 or higher). A vmbo diploma is none.
    pub(super) diploma: bool,
}

pub(super) struct People<'g> {
    geo: &'g Geo,
    today: NaiveDate,
    history_start: NaiveDate,
    bsn: NummerGen,
    onderwijsnummer: NummerGen,
    segments: Vec<Segment>,
    /// Makes each person's absence after their enrolments, when absence is asked for. It
    /// draws from streams of its own, so the people are the same with or without it.
    absence: Option<Absence>,
    // Reused between persons, so a person costs no allocation for names and gemeente.
    achternaam: String,
    voornamen: String,
}

impl<'g> People<'g> {
    pub(super) fn new(geo: &'g Geo, seed: u64, today: NaiveDate, absence: Option<Absence>) -> Self {
        People {
            geo,
            today,
            history_start: aug1(FIRST_SCHOOL_YEAR),
            bsn: NummerGen::bsn(seed),
            onderwijsnummer: NummerGen::onderwijsnummer(seed),
            segments: Vec::with_capacity(8),
            absence,
            achternaam: String::with_capacity(32),
            voornamen: String::with_capacity(48),
        }
    }

    /// All young people of gemeente `gi`, each followed by their enrolments.
    pub(super) fn gemeente<S: DemoSink>(
        &mut self,
        gi: usize,
        rng: &mut ChaCha8Rng,
        sink: &mut S,
        summary: &mut DemoSummary,
    ) -> Result<(), S::Error> {
        let n = self.geo.gemeenten[gi].jongeren;
        if n == 0 {
            return Ok(());
        }
        let today = self.today;
        // Born after this day is 0–23 today.
        let oldest = add_years(today, -24).succ_opt().expect("valid date");
        let span = (today - oldest).num_days() + 1;
        // Every gemeente gets at least one leerplichtige without enrolment, so the demo always
        // has an absolute-absence case to show: the first person at or below this age.
        let forced_age = rng.gen_range(6..=15);
        let mut forced_pending = true;
        let mut gemeente = self.geo.gemeenten[gi].code.clone();

        for i in 0..n {
            // Stratified: person i of n is born in the i-th n-th of the 24 years.
            let offset = ((f64::from(i) + rng.gen::<f64>()) * span as f64 / f64::from(n)) as i64;
            let birth = plus_days(oldest, offset.min(span - 1));
            let age = age_on(birth, today);

            let (bsn, onderwijsnummer) = if rng
                .gen_ratio(ONDERWIJSNUMMER_ONLY.0, ONDERWIJSNUMMER_ONLY.1)
            {
                let o = self.onderwijsnummer.next_nummer();
                (
                    None,
                    Some(Onderwijsnummer::new(o).expect("generated onderwijsnummers are valid")),
                )
            } else {
                let b = self.bsn.next_nummer();
                (Some(Bsn::new(b).expect("generated BSNs are valid")), None)
            };
            self.name(rng);
            let jongere = Jongere::new(
                bsn,
                onderwijsnummer,
                std::mem::take(&mut self.achternaam),
                std::mem::take(&mut self.voornamen),
                birth,
                gemeente,
            )
            .expect("a BSN or an onderwijsnummer is always set");
            let leerling = jongere.leerling_id();
            let sent = sink.jongere(&jongere);
            // Take the buffers back before anything can return.
            self.achternaam = jongere.achternaam;
            self.voornamen = jongere.voornamen;
            gemeente = jongere.gemeente;
            sent?;
            summary.jongeren += 1;
            if bsn.is_some() {
                summary.met_bsn += 1;
            } else {
                summary.alleen_onderwijsnummer += 1;
            }

            self.plan(birth, gi, rng);
            let stop = if forced_pending && (6..=forced_age).contains(&age) {
                forced_pending = false;
                Some(plus_days(today, -rng.gen_range(14..=300)))
            } else if rng.gen_range(0..1000) < DROPOUT_PER_MILLE {
                if rng.gen_ratio(1, 4) {
                    Some(NaiveDate::MIN) // never enrolled (e.g. just arrived from abroad)
                } else {
                    Some(plus_days(today, -rng.gen_range(14..=300)))
                }
            } else {
                None
            };
            if let Some(stop) = stop {
                self.segments.retain(|s| s.begin <= stop);
                if let Some(last) = self.segments.last_mut() {
                    if stop < last.end {
                        last.end = stop;
                        last.diploma = false;
                    }
                }
            }
            let enrolled = self.emit(leerling, sink, summary)?;
            if let Some(absence) = self.absence.as_mut() {
                absence.pupil(leerling, birth, &self.segments, self.geo, sink, summary)?;
            }

            if leerplichtig(birth, today) {
                summary.leerplichtig += 1;
                summary.leerplichtig_niet_ingeschreven += u64::from(!enrolled);
            } else if (16..18).contains(&age) {
                summary.kwalificatieplichtig += 1;
                summary.kwalificatieplichtig_niet_ingeschreven += u64::from(!enrolled);
            } else if age >= 18 {
                summary.achttien_plus += 1;
                summary.achttien_plus_niet_ingeschreven += u64::from(!enrolled);
            }
            summary.ingeschreven_op_peildatum += u64::from(enrolled);
        }
        Ok(())
    }

    fn name(&mut self, rng: &mut ChaCha8Rng) {
        let pool = if rng.gen::<bool>() {
            names::MEISJES
        } else {
            names::JONGENS
        };
        self.voornamen.clear();
        let first = rng.gen_range(0..pool.len());
        self.voornamen.push_str(pool[first]);
        let extra = match rng.gen_range(0..100) {
            0..=54 => 0,
            55..=89 => 1,
            _ => 2,
        };
        for _ in 0..extra {
            // Never the same name twice: skip the first name's slot.
            let k = (first + rng.gen_range(1..pool.len())) % pool.len();
            self.voornamen.push(' ');
            self.voornamen.push_str(pool[k]);
        }
        self.achternaam.clear();
        self.achternaam
            .push_str(names::ACHTERNAMEN[rng.gen_range(0..names::ACHTERNAMEN.len())]);
    }

    /// A school of `sector` for someone living in gemeente `gi`: in their own gemeente with
    /// `own_percent` % chance (when it has one), otherwise anywhere in the sub-region; never
    /// `avoid` when there is a choice.
    fn school(
        &self,
        rng: &mut ChaCha8Rng,
        gi: usize,
        sector: Sector,
        own_percent: u32,
        avoid: Option<u32>,
    ) -> u32 {
        let si = sector_index(sector);
        let own = &self.geo.per_gemeente[gi][si];
        let regio = &self.geo.per_regio[self.geo.gemeenten[gi].regio][si];
        let mut list = if !own.is_empty() && rng.gen_range(0..100) < own_percent {
            own
        } else {
            regio
        };
        if let Some(a) = avoid {
            if list.len() == 1 && list[0] == a {
                list = regio;
            }
            if let Some(p) = list.iter().position(|&s| s == a) {
                if list.len() > 1 {
                    let k = rng.gen_range(0..list.len() - 1);
                    return list[if k >= p { k + 1 } else { k }];
                }
            }
        }
        list[rng.gen_range(0..list.len())]
    }

    fn push(&mut self, sector: Sector, school: u32, begin: NaiveDate, end: NaiveDate) {
        debug_assert!(begin <= end);
        debug_assert!(self.segments.last().is_none_or(|l| l.end < begin));
        self.segments.push(Segment {
            sector,
            school,
            begin,
            end,
            diploma: false,
        });
    }

    /// The last enrolment planned ends with a startkwalificatie.
    fn diploma(&mut self) {
        if let Some(last) = self.segments.last_mut() {
            last.diploma = true;
        }
    }

    /// An enrolment at `from` that continues at `to` from `moved` on; one enrolment when
    /// there was no other school to move to.
    fn push_moved(
        &mut self,
        sector: Sector,
        (from, to): (u32, u32),
        begin: NaiveDate,
        moved: NaiveDate,
        end: NaiveDate,
    ) {
        if from == to {
            self.push(sector, from, begin, end);
        } else {
            self.push(sector, from, begin, moved.pred_opt().expect("valid date"));
            self.push(sector, to, moved, end);
        }
    }

    /// The whole school career of someone born on `birth`, planned to its natural end
    /// (the part after today is cut off when emitting).
    fn plan(&mut self, birth: NaiveDate, gi: usize, rng: &mut ChaCha8Rng) {
        self.segments.clear();
        let y4 = add_years(birth, 4);
        let po_start = if rng.gen_ratio(9, 10) {
            y4.succ_opt().expect("valid date")
        } else {
            next_school_year_start(y4)
        };
        // Children born October–September form one year group.
        let cohort = if birth.month() >= 10 {
            birth.year() + 1
        } else {
            birth.year()
        };
        let mut vo_year = cohort + 12;
        match rng.gen_range(0..100) {
            0..=4 => vo_year += 1, // repeated a year in PO
            5 => vo_year -= 1,     // skipped one
            _ => {}
        }
        let po_end = jul31(vo_year);
        let special = rng.gen_range(0..1000) < SPECIAL_PER_MILLE;

        // Primary: regular PO, possibly with a move; or SO after 0–3 years of PO.
        if special && rng.gen_ratio(2, 5) {
            let years_po = rng.gen_range(0..=3);
            let so_start = if years_po == 0 {
                po_start
            } else {
                aug1(school_year_of(po_start) + years_po)
            };
            if so_start > po_start {
                let po = self.school(rng, gi, Sector::Po, 90, None);
                self.push(
                    Sector::Po,
                    po,
                    po_start,
                    so_start.pred_opt().expect("valid date"),
                );
            }
            let so = self.school(rng, gi, Sector::So, 70, None);
            self.push(Sector::So, so, so_start, po_end);
        } else {
            let po = self.school(rng, gi, Sector::Po, 90, None);
            let len = (po_end - po_start).num_days();
            if rng.gen_range(0..100) < 7 && len > 2 * 365 {
                let moved = if rng.gen::<bool>() {
                    aug1(rng.gen_range(school_year_of(po_start) + 1..vo_year))
                } else {
                    plus_days(po_start, rng.gen_range(365..len - 365))
                };
                let other = self.school(rng, gi, Sector::Po, 90, Some(po));
                self.push_moved(Sector::Po, (po, other), po_start, moved, po_end);
            } else {
                self.push(Sector::Po, po, po_start, po_end);
            }
        }

        // Secondary: VSO for special education, else vmbo (4 years), havo (5) or vwo (6).
        let vo_start = aug1(vo_year);
        let (vo_end, mbo_per_mille) = if special {
            // VSO runs to 17–19 (uitstroom arbeidsmarkt or dagbesteding), past leerplicht.
            let end = jul31(vo_year + rng.gen_range(5..=7));
            let vso = self.school(rng, gi, Sector::Vso, 70, None);
            self.push(Sector::Vso, vso, vo_start, end);
            (end, 350)
        } else {
            let (mut years, mbo) = match rng.gen_range(0..100) {
                0..=49 => (4, 920),
                50..=74 => (5, 120),
                _ => (6, 20),
            };
            if rng.gen_range(0..100) < 12 {
                years += 1; // doubleren
            }
            let end = jul31(vo_year + years);
            let vo = self.school(rng, gi, Sector::Vo, 75, None);
            match rng.gen_range(0..100) {
                // Changed school at a school-year end (e.g. moved down from havo to vmbo).
                0..=6 => {
                    let after = rng.gen_range(1..years);
                    let other = self.school(rng, gi, Sector::Vo, 75, Some(vo));
                    let moved = aug1(vo_year + after);
                    self.push_moved(Sector::Vo, (vo, other), vo_start, moved, end);
                }
                // Changed school during the year (moved house, conflict).
                7..=8 => {
                    let len = (end - vo_start).num_days();
                    let moved = plus_days(vo_start, rng.gen_range(60..len - 60));
                    let other = self.school(rng, gi, Sector::Vo, 75, Some(vo));
                    self.push_moved(Sector::Vo, (vo, other), vo_start, moved, end);
                }
                _ => self.push(Sector::Vo, vo, vo_start, end),
            }
            if mbo < 500 {
                self.diploma(); // havo or vwo
            }
            (end, mbo)
        };

        // MBO for part of them, 1–4 years; some stop early and some of those start again.
        if rng.gen_range(0..1000) < mbo_per_mille {
            let start = vo_end.succ_opt().expect("valid date");
            let years = match rng.gen_range(0..100) {
                0..=4 => 1,
                5..=29 => 2,
                30..=54 => 3,
                _ => 4,
            };
            let planned_end = jul31(start.year() + years);
            let mbo = self.school(rng, gi, Sector::Mbo, 60, None);
            if rng.gen_range(0..100) < 15 {
                let len = (planned_end - start).num_days();
                let stopped = plus_days(start, rng.gen_range(30..len));
                self.push(Sector::Mbo, mbo, start, stopped);
                if rng.gen_ratio(2, 5) {
                    let again = next_school_year_start(stopped);
                    let other = self.school(rng, gi, Sector::Mbo, 60, Some(mbo));
                    let end = jul31(again.year() + rng.gen_range(2..=3));
                    self.push(Sector::Mbo, other, again, end);
                    self.diploma();
                }
            } else {
                self.push(Sector::Mbo, mbo, start, planned_end);
                self.diploma();
            }
        }
    }

    /// Sends the planned enrolments that fall in the history window; returns whether one
    /// covers today. An enrolment that has not ended by today is sent as open.
    fn emit<S: DemoSink>(
        &self,
        leerling: LeerlingId,
        sink: &mut S,
        summary: &mut DemoSummary,
    ) -> Result<bool, S::Error> {
        let today = self.today;
        let mut enrolled = false;
        for s in &self.segments {
            if s.end < self.history_start || s.begin > today {
                continue;
            }
            enrolled |= s.end >= today;
            let einde = (s.end < today).then_some(s.end);
            let school = &self.geo.schools[s.school as usize];
            debug_assert_eq!(school.sector, s.sector);
            let i = Inschrijving::new(leerling, school.code.clone(), s.sector, s.begin, einde)
                .and_then(|i| i.met_startkwalificatie(s.diploma && einde.is_some()))
                .expect("planned segments end after they begin");
            sink.inschrijving(&i)?;
            summary.inschrijvingen += 1;
            summary.inschrijvingen_per_sector[sector_index(s.sector)] += 1;
        }
        Ok(enrolled)
    }
}
