//! `leerrecht bench rapportages`: the figures of docs/domain.md §9 at national scale. On an existing
//! database (the national demo), first tops it up to the issue's scale — 200,000
//! registrations and 10 million meldingen over seven school years, written straight into the
//! store (the meldingen without opening their cases, which a real intake would do over
//! years) — then times every report, twice: the first pass reads from disk.

use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Oorzaak, Registratie};
use leerrecht_store::{MeldingGegevens, MeldingRij};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use leerrecht_app::cijfers::Opties;
use leerrecht_app::toegang::Actor;
use leerrecht_app::{App, AppError, Result};

/// What the top-up aims at.
pub const REGISTRATIES: usize = 200_000;
pub const MELDINGEN: usize = 10_000_000;
const JAREN: std::ops::RangeInclusive<i32> = 2018..=2024;

/// One timed report.
#[derive(Clone, Debug)]
pub struct Meting {
    pub wat: String,
    pub eerste: Duration,
    pub tweede: Duration,
}

/// How far to top up: the issue's national scale by default, less for a short run.
#[derive(Clone, Copy, Debug)]
pub struct Doel {
    pub registraties: usize,
    pub meldingen: usize,
}

impl Default for Doel {
    fn default() -> Self {
        Doel {
            registraties: REGISTRATIES,
            meldingen: MELDINGEN,
        }
    }
}

/// Tops the database up to `doel` when it holds fewer than three quarters of its
/// registrations; says what it wrote through `say`.
pub fn aanvullen(app: &App, doel: Doel, say: &mut dyn FnMut(String)) -> Result<()> {
    let store = crate::opslag(app);
    let basis = store.cijferbasis(
        None,
        leerrecht_store::BasisNodig {
            personen: true,
            ..Default::default()
        },
    )?;
    let bestaand = basis.registraties.len();
    if bestaand >= doel.registraties * 3 / 4 {
        say(format!("{bestaand} registrations present: no top-up"));
        return Ok(());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(2018);
    let per_jaar = doel.meldingen / JAREN.clone().count();
    let mut registraties: Vec<Registratie> = Vec::new();
    // People already on the list keep their periods: the top-up adds others, one period each.
    let mut gekozen: std::collections::HashSet<LeerlingId> = basis
        .registraties
        .iter()
        .filter_map(|p| basis.personen.get(&p.persoon).and_then(|q| q.leerling))
        .collect();
    drop(basis);
    for jaar in JAREN {
        let started = Instant::now();
        let peil = NaiveDate::from_ymd_opt(jaar, 10, 1).expect("a date");
        // The people enrolled on 1 October, with their school.
        let mut ingeschreven: Vec<(LeerlingId, SchoolCode)> = Vec::new();
        store.for_each_jongere(peil, None, &mut |r| {
            if let Some((school, _)) = r.inschrijving {
                ingeschreven.push((r.jongere.leerling_id(), school));
            }
            Ok(())
        })?;
        if ingeschreven.is_empty() {
            return Err(AppError::Invalid(
                "no one is enrolled: load the national demo first".into(),
            ));
        }
        // Meldingen: a share of those enrolled, each on a school day of the autumn.
        let kans = (per_jaar as f64 / ingeschreven.len() as f64).min(1.0);
        let mut rows: Vec<(u64, MeldingRij)> = Vec::with_capacity(per_jaar + per_jaar / 10);
        for (l, s) in &ingeschreven {
            if rng.gen_bool(kans) {
                let dag = peil + chrono::Days::new(rng.gen_range(0..60));
                rows.push((
                    rows.len() as u64 + 2,
                    MeldingRij {
                        leerling: *l,
                        school: s.clone(),
                        begindatum: dag.max(peil),
                        verzuimsoort: ["16uur", "signaal", "luxe", "langdurig"]
                            [rng.gen_range(0..4)],
                        uren: Some(16),
                        dagen: None,
                        gegevens: MeldingGegevens::default(),
                    },
                ));
            }
        }
        // Enrolment may end before a later day: keep the meldingen on the peildatum then.
        for (_, m) in rows.iter_mut() {
            m.begindatum = peil;
        }
        let n = rows.len();
        let mut it = rows.into_iter();
        let outcome = store.import_meldingen(&mut it, &mut |issues| issues.is_empty(), None)?;
        if let Some(i) = outcome.issues.first() {
            return Err(AppError::Invalid(format!(
                "meldingen {jaar}: line {}: {}",
                i.line, i.reason
            )));
        }
        // Registrations: about 28,500 a year, in every category.
        for _ in 0..doel.registraties / JAREN.clone().count() {
            let (l, _) = &ingeschreven[rng.gen_range(0..ingeschreven.len())];
            if !gekozen.insert(*l) {
                continue;
            }
            let c = Categorie::ALL[rng.gen_range(0..Categorie::ALL.len())];
            let o = Oorzaak::ALL[rng.gen_range(0..Oorzaak::ALL.len())];
            let van = peil + chrono::Days::new(rng.gen_range(0..240));
            let tot = rng
                .gen_bool(0.7)
                .then(|| van + chrono::Days::new(rng.gen_range(20..300)));
            if let Ok(r) = Registratie::new(*l, c, o, van, tot) {
                registraties.push(r);
            }
        }
        say(format!(
            "{jaar}-{}: {n} meldingen written in {:.1} s",
            jaar + 1,
            started.elapsed().as_secs_f64()
        ));
    }
    let started = Instant::now();
    // The periods are drawn at random; the register refuses those that do not fit a
    // person's duty and enrolments (docs/domain.md §8). Those are left out and the rest written.
    let mut registraties: Vec<(u64, Registratie)> = registraties
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i as u64 + 2, r))
        .collect();
    let mut weg = 0;
    loop {
        let mut it = registraties.iter().cloned();
        let outcome = store.import_registraties(&mut it, &mut |issues| issues.is_empty())?;
        if outcome.committed || outcome.issues.is_empty() {
            break;
        }
        let lines: std::collections::HashSet<u64> = outcome.issues.iter().map(|i| i.line).collect();
        let before = registraties.len();
        registraties.retain(|(line, _)| !lines.contains(line));
        if registraties.len() == before {
            let i = &outcome.issues[0];
            return Err(AppError::Invalid(format!(
                "registraties: line {}: {}",
                i.line, i.reason
            )));
        }
        weg += before - registraties.len();
    }
    let n = registraties.len();
    if weg > 0 {
        say(format!(
            "{weg} drawn registrations left out: they do not fit the register"
        ));
    }
    say(format!(
        "{n} registrations written in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Times every report at the scale of the database, twice.
pub fn meten(app: &App, vandaag: NaiveDate, report: &mut dyn FnMut(&Meting)) -> Result<()> {
    let op = Actor::local_operator();
    let o = Opties::default();
    let regels = Escalatieregels::default();
    let jaar = SchoolYear::new(2023);
    let peildata: Vec<NaiveDate> = (0..12)
        .map(|m| {
            let d = jaar.first_day() + chrono::Months::new(m);
            NaiveDate::from_ymd_opt(d.year(), d.month(), 15).expect("a date")
        })
        .collect();
    type Stap<'a> = (&'a str, Box<dyn Fn() -> Result<usize> + 'a>);
    let stappen: Vec<Stap<'_>> = vec![
        (
            "peildatum, 12 dates",
            Box::new(|| Ok(app.rapport_peildatum(&op, &peildata, &o)?.rijen.len())),
        ),
        (
            "peildatum, 1 date",
            Box::new(|| Ok(app.rapport_peildatum(&op, &peildata[..1], &o)?.rijen.len())),
        ),
        (
            "oorzaken",
            Box::new(|| Ok(app.rapport_oorzaken(&op, peildata[3], &o)?.rijen.len())),
        ),
        (
            "schooljaar 2023-2024",
            Box::new(|| Ok(app.rapport_schooljaar(&op, jaar, &o)?.rijen.len())),
        ),
        (
            "doelen 2018-2019 → 2023-2024",
            Box::new(|| {
                Ok(app
                    .rapport_doelen(&op, SchoolYear::new(2018), 10.0, jaar, jaar.last_day(), &o)?
                    .rijen
                    .len())
            }),
        ),
        (
            "kpi 2023-2024",
            Box::new(|| {
                Ok(app
                    .rapport_kpi(&op, jaar, vandaag, &regels, &o)?
                    .per_maand
                    .len())
            }),
        ),
        (
            "leerplichttelling 2023-2024",
            Box::new(|| {
                Ok(app
                    .rapport_leerplichttelling(&op, jaar, vandaag, &Default::default(), &o)?
                    .vrijstellingen
                    .len())
            }),
        ),
        (
            "inspectie",
            Box::new(|| {
                Ok(app
                    .rapport_inspectie(&op, peildata[6], &Default::default(), &o)?
                    .rijen
                    .len())
            }),
        ),
    ];
    for (wat, f) in &stappen {
        let t = Instant::now();
        f()?;
        let eerste = t.elapsed();
        let t = Instant::now();
        f()?;
        report(&Meting {
            wat: wat.to_string(),
            eerste,
            tweede: t.elapsed(),
        });
    }
    Ok(())
}
