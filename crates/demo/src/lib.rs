//! The demo region and the benchmarks, kept out of the product library: the server links
//! no synthetic-data code. The `leerrecht` command uses this crate for `leerrecht demo` and
//! `leerrecht bench`.
//!
//! The generator makes a deterministic synthetic region for demos, tests and load tests: the
//! real seed region (Zuid-Kennemerland and IJmond) with made-up schools and young people, and
//! at national scale a few hundred made-up gemeenten around it. Everything streams into a
//! [`DemoSink`]; memory does not grow with the number of people. [`Demo`] loads it into a
//! store through the application (with the demo's cases, meldingen and accounts), and
//! [`export_demo`] writes it as the region's import files. [`bench`] measures the product on
//! it.
//!
//! Same scale, seed, date and calendar → the same items in the same order. Absence (see
//! [`DemoOptions`]) draws from random streams of its own: switching it on or off, or changing
//! its years, leaves the people and enrolments exactly as they are.
#![forbid(unsafe_code)]

mod absence;
pub mod bench;
mod geschiedenis;
mod laden;
mod names;
mod notities;
mod numbers;
mod people;
mod region;
mod verhuizingen;
mod verzorgers;
mod zaken;
pub use geschiedenis::DemoGeschiedenis;
pub use laden::{export_demo, DemoAccount, DemoAccounts};
pub use zaken::DemoZaken;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::NaiveDate;
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::org::{OrgSoort, Organisatie};
use leerrecht_domain::person::{Inschrijving, Jongere, Sector};
use leerrecht_domain::rules::{Verzuim, Verzuimsoort};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use leerrecht_app::App;

/// The demo's use cases on an application: [`load`](Demo::load) the region into an empty
/// store, make its cases ([`zaken`](Demo::zaken)) and its accounts
/// ([`accounts`](Demo::accounts)). Each goes through the application's ordinary use cases, so
/// the gate and the audit log see the demo as they see real work.
pub struct Demo<'a>(pub &'a App);

impl std::ops::Deref for Demo<'_> {
    type Target = App;
    fn deref(&self) -> &App {
        self.0
    }
}

impl Demo<'_> {
    /// The store, as the local operator the demo runs as reaches it: the demo writes a
    /// whole region in bulk.
    pub(crate) fn store(&self) -> &dyn leerrecht_store::Store {
        opslag(self.0)
    }
}

/// The store of `app` as the local operator reaches it (the demo and the benchmarks run as
/// the local operator on the server itself).
pub(crate) fn opslag(app: &App) -> &dyn leerrecht_store::Store {
    app.opslag(&leerrecht_app::Actor::local_operator())
        .expect("the local operator reaches the store")
}

/// The first school year with enrolment history and a calendar (2016-2017).
pub const FIRST_SCHOOL_YEAR: i32 = 2016;
/// The last school year the calendar is asked for (2026-2027), or the peildatum's school year
/// when that is later (see [`last_school_year`]).
pub const LAST_SCHOOL_YEAR: i32 = 2026;
/// The school years (by starting year) that get absence by default: from 2018-2019, the
/// covenant's baseline, up to the peildatum's school year (the absence stops the day before
/// the peildatum).
pub const ABSENCE_YEARS: RangeInclusive<i32> = 2018..=i32::MAX;

/// The last school year of the calendar for a demo on `today`: 2026-2027, or `today`'s
/// school year when that is later.
pub fn last_school_year(today: NaiveDate) -> i32 {
    LAST_SCHOOL_YEAR.max(people::school_year_of(today))
}

/// How big the generated installation is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Scale {
    /// The seed region's 7 gemeenten with 1,000 young people: for fast tests.
    Tiny,
    /// The seed region at its real size: 100,000 young people aged 0–23.
    Region,
    /// The seed region plus synthetic gemeenten: 3,000,000 young people.
    National,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::Tiny, Scale::Region, Scale::National];

    pub fn code(self) -> &'static str {
        match self {
            Scale::Tiny => "tiny",
            Scale::Region => "region",
            Scale::National => "national",
        }
    }

    /// The number of young people this scale generates.
    pub fn jongeren(self) -> u64 {
        match self {
            Scale::Tiny => 1_000,
            Scale::Region => 100_000,
            Scale::National => 3_000_000,
        }
    }
}

impl FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        Scale::ALL
            .into_iter()
            .find(|k| k.code() == t)
            .ok_or_else(|| format!("unknown scale {s:?}: use tiny, region or national"))
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Receives what the generator makes, in an order that respects references: all
/// organisations first (gemeenten, then samenwerkingsverbanden, then school locations,
/// leerplicht bureaus, GGDs and CJGs), then the calendar, then each young person directly
/// followed by their enrolments and then their absence. An error stops the generator and is
/// returned as is.
pub trait DemoSink {
    type Error;
    fn organisatie(&mut self, o: &Organisatie) -> Result<(), Self::Error>;
    fn vakantie(&mut self, v: &Vakantie) -> Result<(), Self::Error>;
    fn jongere(&mut self, j: &Jongere) -> Result<(), Self::Error>;
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<(), Self::Error>;
    /// The absence of the young person just sent (`leerling`) at `school` in one school year,
    /// in date order, never empty: called once per (pupil, school, school year), after the
    /// person's enrolments. Every row lies on a school day of the calendar sent before, on a
    /// day an enrolment of the pupil at `school` covers, and before the peildatum. The
    /// slice is a reused buffer: copy what you keep. Ignored unless implemented.
    fn verzuim(
        &mut self,
        leerling: LeerlingId,
        school: &SchoolCode,
        rows: &[Verzuim],
    ) -> Result<(), Self::Error> {
        let _ = (leerling, school, rows);
        Ok(())
    }
}

/// What [`generate_with`] makes. [`DemoOptions::new`] gives what [`generate`] makes: absence
/// for [`ABSENCE_YEARS`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DemoOptions {
    pub scale: Scale,
    pub seed: u64,
    /// The peildatum: people are 0–23 on it, and nothing after it is generated.
    pub today: NaiveDate,
    /// Whether to generate absence ([`DemoSink::verzuim`]) at all.
    pub with_absence: bool,
    /// The school years (by starting year: 2018 is 2018-2019) that get absence; only those
    /// within the calendar's years ([`FIRST_SCHOOL_YEAR`] to [`LAST_SCHOOL_YEAR`]) and up to
    /// `today`. Fewer years make proportionally fewer rows (about 15 per pupil a year); the
    /// rows of one year do not depend on which other years are generated.
    pub absence_years: RangeInclusive<i32>,
}

impl DemoOptions {
    /// With absence for [`ABSENCE_YEARS`].
    pub fn new(scale: Scale, seed: u64, today: NaiveDate) -> Self {
        DemoOptions {
            scale,
            seed,
            today,
            with_absence: true,
            absence_years: ABSENCE_YEARS,
        }
    }

    /// The years that actually get absence: `absence_years` within the calendar and up to
    /// `today`'s school year; `None` without absence.
    pub fn absence_years_effective(&self) -> Option<RangeInclusive<i32>> {
        let from = (*self.absence_years.start()).max(FIRST_SCHOOL_YEAR);
        let to = (*self.absence_years.end())
            .min(last_school_year(self.today))
            .min(people::school_year_of(
                self.today - chrono::Duration::days(1),
            ));
        (self.with_absence && from <= to).then_some(from..=to)
    }

    /// Whether the absence runs up to the day before the peildatum: then the schools have
    /// settled their drafts but the last days' ([`Demo::zaken`]);
    /// a demo of past years' absence only keeps its drafts waiting.
    pub fn absence_up_to_peildatum(&self) -> bool {
        self.absence_years_effective().is_some_and(|y| {
            *y.end() == people::school_year_of(self.today - chrono::Duration::days(1))
        })
    }
}

/// What a run made. Per-sector arrays follow the order of [`Sector::ALL`]
/// (PO, SO, VO, VSO, MBO). Duty figures are counted on the peildatum (`today`) by age.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DemoSummary {
    pub scale: Scale,
    pub seed: u64,
    pub peildatum: NaiveDate,
    pub regios: usize,
    pub gemeenten: usize,
    /// School locations.
    pub scholen: usize,
    pub scholen_per_sector: [usize; 5],
    pub brins: usize,
    pub samenwerkingsverbanden: usize,
    pub leerplichtbureaus: usize,
    pub ggds: usize,
    pub cjgs: usize,
    pub vakanties: usize,
    pub jongeren: u64,
    pub met_bsn: u64,
    pub alleen_onderwijsnummer: u64,
    pub inschrijvingen: u64,
    pub inschrijvingen_per_sector: [u64; 5],
    /// Young people with an enrolment covering the peildatum.
    pub ingeschreven_op_peildatum: u64,
    pub leerplichtig: u64,
    /// Leerplichtig and not enrolled: absolute-absence candidates.
    pub leerplichtig_niet_ingeschreven: u64,
    /// No longer leerplichtig and not yet 18 (kwalificatieplicht age).
    pub kwalificatieplichtig: u64,
    pub kwalificatieplichtig_niet_ingeschreven: u64,
    pub achttien_plus: u64,
    pub achttien_plus_niet_ingeschreven: u64,
    /// The school years (by starting year, both included) that got absence; `None` without.
    pub verzuim_jaren: Option<(i32, i32)>,
    /// Absence rows sent, in total and per kind (in the order of [`Verzuimsoort::ALL`]).
    pub verzuim: u64,
    pub verzuim_per_soort: [u64; 5],
    /// (Pupil, school year) pairs within those years with an enrolment on at least one school
    /// day: the pupil-years that could have absence.
    pub verzuim_leerlingjaren: u64,
}

impl DemoSummary {
    fn new(scale: Scale, seed: u64, peildatum: NaiveDate) -> Self {
        DemoSummary {
            scale,
            seed,
            peildatum,
            regios: 0,
            gemeenten: 0,
            scholen: 0,
            scholen_per_sector: [0; 5],
            brins: 0,
            samenwerkingsverbanden: 0,
            leerplichtbureaus: 0,
            ggds: 0,
            cjgs: 0,
            vakanties: 0,
            jongeren: 0,
            met_bsn: 0,
            alleen_onderwijsnummer: 0,
            inschrijvingen: 0,
            inschrijvingen_per_sector: [0; 5],
            ingeschreven_op_peildatum: 0,
            leerplichtig: 0,
            leerplichtig_niet_ingeschreven: 0,
            kwalificatieplichtig: 0,
            kwalificatieplichtig_niet_ingeschreven: 0,
            achttien_plus: 0,
            achttien_plus_niet_ingeschreven: 0,
            verzuim_jaren: None,
            verzuim: 0,
            verzuim_per_soort: [0; 5],
            verzuim_leerlingjaren: 0,
        }
    }

    /// All organisations of every kind.
    pub fn organisaties(&self) -> usize {
        self.gemeenten
            + self.scholen
            + self.samenwerkingsverbanden
            + self.leerplichtbureaus
            + self.ggds
            + self.cjgs
    }
}

fn per_sector<T: fmt::Display>(f: &mut fmt::Formatter<'_>, counts: &[T; 5]) -> fmt::Result {
    for (i, (s, n)) in Sector::ALL.iter().zip(counts).enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(f, "{sep}{s} {n}")?;
    }
    Ok(())
}

impl fmt::Display for DemoSummary {
    /// In Dutch, as the users read it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} gemeenten in {} subregio's gemaakt (schaal {}, seed {}, peildatum {})",
            self.gemeenten,
            self.regios,
            self.scale,
            self.seed,
            self.peildatum.format("%d-%m-%Y")
        )?;
        write!(
            f,
            "  organisaties: {} — {} schoollocaties onder {} BRIN's (",
            self.organisaties(),
            self.scholen,
            self.brins
        )?;
        per_sector(f, &self.scholen_per_sector)?;
        writeln!(
            f,
            "), {} samenwerkingsverbanden, {} leerplichtbureaus, {} GGD's, {} CJG's",
            self.samenwerkingsverbanden, self.leerplichtbureaus, self.ggds, self.cjgs
        )?;
        let laatste = last_school_year(self.peildatum);
        writeln!(
            f,
            "  kalender: {} vakanties in de schooljaren {}-{} tot en met {}-{}",
            self.vakanties,
            FIRST_SCHOOL_YEAR,
            FIRST_SCHOOL_YEAR + 1,
            laatste,
            laatste + 1
        )?;
        writeln!(
            f,
            "  jongeren: {} ({} met een BSN, {} met alleen een onderwijsnummer)",
            self.jongeren, self.met_bsn, self.alleen_onderwijsnummer
        )?;
        write!(f, "  inschrijvingen: {} (", self.inschrijvingen)?;
        per_sector(f, &self.inschrijvingen_per_sector)?;
        writeln!(
            f,
            "); {} jongeren ingeschreven op {}",
            self.ingeschreven_op_peildatum,
            self.peildatum.format("%d-%m-%Y")
        )?;
        write!(
            f,
            "  niet ingeschreven: {} van {} leerplichtigen, {} van {} van 16–17 jaar na de leerplicht, {} van {} van 18 jaar en ouder",
            self.leerplichtig_niet_ingeschreven,
            self.leerplichtig,
            self.kwalificatieplichtig_niet_ingeschreven,
            self.kwalificatieplichtig,
            self.achttien_plus_niet_ingeschreven,
            self.achttien_plus
        )?;
        if let Some((from, to)) = self.verzuim_jaren {
            let per_jaar = self.verzuim as f64 / self.verzuim_leerlingjaren.max(1) as f64;
            write!(
                f,
                "\n  verzuim: {} regels in de schooljaren {}-{} tot en met {}-{}, {} per leerling per jaar (",
                self.verzuim,
                from,
                from + 1,
                to,
                to + 1,
                format!("{per_jaar:.1}").replace('.', ",")
            )?;
            for (i, (s, n)) in Verzuimsoort::ALL
                .iter()
                .zip(&self.verzuim_per_soort)
                .enumerate()
            {
                let sep = if i == 0 { "" } else { ", " };
                write!(f, "{sep}{s} {n}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// Generates a demo installation into `sink`: organisations, then the calendar (`vakanties`
/// is called once per school year, with its starting year, for 2016 to 2026), then the young
/// people aged 0–23 on `today`, each followed by their enrolments since school year 2016-2017
/// and their absence in the school years [`ABSENCE_YEARS`] up to `today`. The same as
/// [`generate_with`] with [`DemoOptions::new`].
pub fn generate<S: DemoSink>(
    scale: Scale,
    seed: u64,
    today: NaiveDate,
    vakanties: &dyn Fn(i32) -> Vec<Vakantie>,
    sink: &mut S,
) -> Result<DemoSummary, S::Error> {
    generate_with(&DemoOptions::new(scale, seed, today), vakanties, sink)
}

/// Generates a demo installation as [`generate`] does, with absence as `options` say. The
/// absence lies on the school days of the calendar that `vakanties` gives (its holidays for
/// every school, and any days off of a school for that school).
pub fn generate_with<S: DemoSink>(
    options: &DemoOptions,
    vakanties: &dyn Fn(i32) -> Vec<Vakantie>,
    sink: &mut S,
) -> Result<DemoSummary, S::Error> {
    let DemoOptions {
        scale, seed, today, ..
    } = *options;
    let absence_years = options.absence_years_effective();
    let mut summary = DemoSummary::new(scale, seed, today);
    // Stream 0 builds the geography; gemeente i draws its people from stream i + 1, so the
    // people of a gemeente do not depend on how many random numbers the geography used.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let geo = region::build(scale, seed, &mut rng);

    summary.regios = geo.regios.len();
    summary.brins = geo.brins;
    for s in &geo.schools {
        summary.scholen_per_sector[region::sector_index(s.sector)] += 1;
    }
    for o in &geo.orgs {
        match o.soort {
            OrgSoort::Gemeente => summary.gemeenten += 1,
            OrgSoort::School => summary.scholen += 1,
            OrgSoort::Swv => summary.samenwerkingsverbanden += 1,
            OrgSoort::Leerplicht => summary.leerplichtbureaus += 1,
            OrgSoort::Ggd => summary.ggds += 1,
            OrgSoort::Cjg => summary.cjgs += 1,
        }
        sink.organisatie(o)?;
    }

    let mut calendar = Vec::new();
    for year in FIRST_SCHOOL_YEAR..=last_school_year(today) {
        for v in vakanties(year) {
            sink.vakantie(&v)?;
            summary.vakanties += 1;
            if absence_years.is_some() {
                calendar.push(v);
            }
        }
    }

    let absence = absence_years.map(|years| {
        summary.verzuim_jaren = Some((*years.start(), *years.end()));
        absence::Absence::new(
            calendar,
            years,
            seed,
            today,
            people::aug1(FIRST_SCHOOL_YEAR),
        )
    });
    let mut people = people::People::new(&geo, seed, today, absence);
    for gi in 0..geo.gemeenten.len() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(gi as u64 + 1);
        people.gemeente(gi, &mut rng, sink, &mut summary)?;
        tracing::debug!(
            gemeente = %geo.gemeenten[gi].code,
            jongeren = geo.gemeenten[gi].jongeren,
            "demo gemeente generated"
        );
    }
    tracing::info!(
        scale = %scale,
        jongeren = summary.jongeren,
        inschrijvingen = summary.inschrijvingen,
        verzuim = summary.verzuim,
        "demo region generated"
    );
    Ok(summary)
}
