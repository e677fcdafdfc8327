//! The demo region's past, so that every school year since 2018-2019 has its figures: the
//! thuiszitters of each year, in the numbers of the covenant's seed documents (about 106 in
//! Zuid-Kennemerland and IJmond in 2018-2019, Haarlem about 49) and moving towards the −10%
//! targets of 2023-2024 (some gemeenten meet them, some do not); and the schools' drafts,
//! settled as schools settle them: confirmed within a few school days or withdrawn with a
//! reason, so that the under-18 verzuimers of a year follow the same story (about 884 in
//! Zuid-Kennemerland in 2018-2019, Haarlem about 633). Only the drafts of the last
//! school days (the draft's deadline, `[meldingen] termijn_schooldagen`, 5 by default) wait
//! for the school.
//!
//! Only the seed region's gemeenten get this past (synthetic gemeenten at national scale have
//! no seed figures); the numbers scale with a gemeente's young people, so the tiny demo gets
//! almost none.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, Months, NaiveDate};
use leerrecht_domain::duty::DutyStatus;
use leerrecht_domain::ids::{GemeenteCode, LeerlingId};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::person::Sector;
use leerrecht_domain::thuiszitters::{Categorie, Niveau};
use leerrecht_domain::zaak::{Gebeurtenis, Sluitreden, ZaakSoort};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use leerrecht_domain::melding::concept_termijn;

use crate::Demo;
use leerrecht_app::toegang::Actor;
use leerrecht_app::zaken::meldingen::INTREKREDENEN;
use leerrecht_app::Result;

/// The first school year with a past (the covenant's baseline).
pub const EERSTE_JAAR: i32 = 2018;
/// The school year of the targets.
const DOELJAAR: i32 = 2023;

/// Per gemeente of the seed region: young people (0–23) at the region scale, thuiszitters
/// and under-18 verzuimers in 2018-2019, and how far the gemeente got by 2023-2024 (the
/// factor on its baseline; the target is 0.90).
const SEED: [(&str, u32, u32, u32, f64); 7] = [
    // Zuid-Kennemerland: 884 verzuimers, Haarlem 633; the region 106 thuiszitters.
    ("GM0392", 44_000, 49, 633, 0.88),
    ("GM0473", 3_700, 4, 52, 0.97),
    ("GM0377", 6_600, 7, 94, 0.86),
    ("GM0397", 7_400, 8, 105, 0.93),
    // IJmond: no seed figure for verzuimers; the same rate as Zuid-Kennemerland.
    ("GM0453", 17_300, 19, 247, 0.91),
    ("GM0375", 11_100, 11, 159, 0.85),
    ("GM0396", 9_900, 8, 141, 0.94),
];

/// The share of the baseline a gemeente has in school year `jaar`: 1 in 2018-2019, its own
/// factor in 2023-2024 (straight in between), and a little lower each year after.
fn trend(doel: f64, jaar: i32) -> f64 {
    if jaar <= EERSTE_JAAR {
        1.0
    } else if jaar <= DOELJAAR {
        1.0 + (doel - 1.0) * f64::from(jaar - EERSTE_JAAR) / f64::from(DOELJAAR - EERSTE_JAAR)
    } else {
        doel - 0.01 * f64::from(jaar - DOELJAAR)
    }
}

fn school_year_of(d: NaiveDate) -> i32 {
    if d.month() >= 8 {
        d.year()
    } else {
        d.year() - 1
    }
}

fn aug1(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 8, 1).expect("valid date")
}

/// What [`Demo::zaken`] made.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct DemoGeschiedenis {
    /// Thuiszitters (runs) in the past years, with their cases.
    pub thuiszitters: usize,
    pub aanbod_te_laat: usize,
    pub escalaties: usize,
    pub meldingen_bevestigd: usize,
    pub meldingen_ingetrokken: usize,
    pub meldingen_afgehandeld: usize,
    /// Drafts of the last school days, left for the schools.
    pub concepten_wachtend: usize,
}

impl Demo<'_> {
    /// The thuiszitters of the seed region's past school years, each with a case that ends
    /// in an offer (on time or late, escalated when late), from 2018-2019 up to the day
    /// before `today`; the runs still going on `today` are left to [`Demo::zaken`].
    pub(crate) fn demo_thuiszitters_verleden(
        &self,
        actor: &Actor,
        seed: u64,
        today: NaiveDate,
        made: &mut DemoGeschiedenis,
    ) -> Result<()> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6765_7363_6869_6564);
        let orgs = self.store().organisaties()?;
        let cjg_van = super::zaken::cjg_per_gemeente(&orgs);
        let bureau = orgs
            .iter()
            .find(|o| o.soort == OrgSoort::Leerplicht)
            .map(|o| o.code.as_str().to_string());
        let gisteren = today - Duration::days(1);
        let laatste = school_year_of(gisteren);
        let mut gebruikt: HashSet<LeerlingId> = HashSet::new();
        // The seed gemeenten the register holds, and their young people on the peildatum: the
        // seed's numbers scale with them. Each is listed on its own, so that a national
        // register is not read whole for seven gemeenten.
        let seed_gemeenten: Vec<GemeenteCode> = orgs
            .iter()
            .filter(|o| o.soort == OrgSoort::Gemeente)
            .filter_map(|o| o.gemeente.clone())
            .filter(|g| SEED.iter().any(|s| s.0 == g.as_str()))
            .collect();
        let mut per_gemeente: HashMap<String, u64> = HashMap::new();
        for g in &seed_gemeenten {
            let mut n = 0;
            self.jongeren(actor, today, Some(g), &mut |_| {
                n += 1;
                Ok(())
            })?;
            per_gemeente.insert(g.as_str().to_string(), n);
        }
        // Runs of the year before that go on into a year, per gemeente.
        let mut doorlopend: HashMap<&str, u32> = HashMap::new();
        for jaar in EERSTE_JAAR..=laatste {
            let begin_jaar = aug1(jaar);
            let eind_jaar = aug1(jaar + 1).min(today) - Duration::days(1);
            // The current year's runs that are still going are the present's work.
            let eind_starts = if jaar == laatste {
                today - Duration::days(200)
            } else {
                eind_jaar
            };
            if eind_starts < begin_jaar {
                continue;
            }
            // Pupils of each half of the year, per gemeente.
            let mut pools: BTreeMap<(&str, usize), Vec<LeerlingId>> = BTreeMap::new();
            for (half, op) in [
                NaiveDate::from_ymd_opt(jaar, 11, 1),
                NaiveDate::from_ymd_opt(jaar + 1, 4, 1),
            ]
            .into_iter()
            .flatten()
            .enumerate()
            {
                let op = op.min(gisteren);
                for gc in &seed_gemeenten {
                    self.jongeren(actor, op, Some(gc), &mut |j| {
                        let Some(g) = SEED.iter().find(|s| s.0 == j.gemeente.as_str()) else {
                            return Ok(());
                        };
                        if j.plicht == DutyStatus::Leerplichtig
                            && j.leeftijd >= 6
                            && matches!(
                                j.sector,
                                Some(Sector::Po | Sector::So | Sector::Vo | Sector::Vso)
                            )
                        {
                            pools.entry((g.0, half)).or_default().push(j.leerling);
                        }
                        Ok(())
                    })?;
                }
            }
            for v in pools.values_mut() {
                v.shuffle(&mut rng);
            }
            for &(gemeente, regio_jongeren, basis, _, doel) in &SEED {
                let n = per_gemeente.get(gemeente).copied().unwrap_or(0);
                let schaal = n as f64 / f64::from(regio_jongeren);
                let mut gewenst = (f64::from(basis) * schaal * trend(doel, jaar)).round() as u32;
                if jaar == laatste {
                    // A part of the year: the share of its days up to the present's window.
                    let deel = (eind_starts - begin_jaar).num_days() as f64 / 365.0;
                    gewenst = (f64::from(gewenst) * deel).round() as u32;
                }
                let nieuw = gewenst.saturating_sub(doorlopend.get(gemeente).copied().unwrap_or(0));
                doorlopend.insert(gemeente, 0);
                let mut gemaakt = 0;
                let dagen = (eind_starts - begin_jaar).num_days().max(1);
                // Runs begin on any day of the year (as many in its second half as in its
                // first), each with a pupil of that half's pool; a half whose pool is used
                // up leaves its days to the other.
                let mut leeg = [false; 2];
                while gemaakt < nieuw && !(leeg[0] && leeg[1]) {
                    let mut dag = rng.gen_range(0..dagen);
                    let mut half = usize::from(dag >= 180);
                    if leeg[half] {
                        half = 1 - half;
                        dag = if half == 0 {
                            rng.gen_range(0..dagen.min(180))
                        } else if dagen > 180 {
                            rng.gen_range(180..dagen)
                        } else {
                            break;
                        };
                    }
                    let Some(wie) = pools.get_mut(&(gemeente, half)).and_then(Vec::pop) else {
                        leeg[half] = true;
                        continue;
                    };
                    if !gebruikt.insert(wie) {
                        continue;
                    }
                    let begin = begin_jaar + Duration::days(dag);
                    if self.demo_run_verleden(
                        actor,
                        wie,
                        begin,
                        today,
                        bureau.as_deref(),
                        cjg_van.get(gemeente).map(String::as_str),
                        &mut rng,
                        made,
                    )? {
                        gemaakt += 1;
                        made.thuiszitters += 1;
                    }
                }
            }
            // Count, for the next year, this year's runs that go on past its end.
            let volgend = aug1(jaar + 1);
            if volgend <= gisteren {
                let mut per: HashMap<&str, u32> = HashMap::new();
                for l in self.store().thuiszitters_op(volgend)? {
                    if let Some(ctx) = self.store().persoon_context(l, volgend)? {
                        if let Some(s) = SEED.iter().find(|s| s.0 == ctx.jongere.gemeente.as_str())
                        {
                            *per.entry(s.0).or_default() += 1;
                        }
                    }
                }
                doorlopend = per;
            }
        }
        Ok(())
    }

    /// One past run of home-sitting: registered, a case with the CJG as partner now and
    /// then, an offer on time or late (escalated when late), started, the registration
    /// ended (into nazorg now and then) and the case closed. False when the register refuses
    /// the registration (the pupil was not enrolled all that time).
    #[allow(clippy::too_many_arguments)]
    fn demo_run_verleden(
        &self,
        actor: &Actor,
        wie: LeerlingId,
        begin: NaiveDate,
        today: NaiveDate,
        bureau: Option<&str>,
        cjg: Option<&str>,
        rng: &mut ChaCha8Rng,
        made: &mut DemoGeschiedenis,
    ) -> Result<bool> {
        let oorzaak = super::zaken::pick_oorzaak(rng);
        // On time mostly: within the three months; a quarter late.
        let late = rng.gen_ratio(1, 4);
        let aangeboden = if late {
            begin + Duration::days(rng.gen_range(95..=170))
        } else {
            begin + Duration::days(rng.gen_range(20..=85))
        };
        let gestart = aangeboden + Duration::days(rng.gen_range(7..=21));
        if gestart >= today {
            return Ok(false);
        }
        match self.registratie_wijzigen(actor, wie, Some((Categorie::Thuiszittend, oorzaak)), begin)
        {
            Ok(()) => {}
            Err(leerrecht_app::AppError::Invalid(_)) => return Ok(false),
            Err(e) => return Err(e),
        }
        // The run ends when the offer starts: back in school, followed for a while or not.
        let na = if rng.gen_ratio(2, 5) {
            Some((Categorie::Nazorg, oorzaak))
        } else {
            None
        };
        if let Err(e) = self.registratie_wijzigen(actor, wie, na, gestart) {
            match e {
                leerrecht_app::AppError::Invalid(_) => {
                    self.registratie_wijzigen(actor, wie, None, gestart)?;
                }
                e => return Err(e),
            }
        }
        if na.is_some() {
            let eind = gestart + Duration::days(rng.gen_range(60..=150));
            if eind < today {
                let _ = self.registratie_wijzigen(actor, wie, None, eind);
            }
        }
        let zaak = self.zaak_openen(actor, wie, ZaakSoort::Thuiszitter, begin)?;
        if let Some(cjg) = cjg.filter(|_| rng.gen_ratio(3, 5)) {
            self.zaak_vastleggen(
                actor,
                zaak,
                Gebeurtenis::Partner {
                    organisatie: cjg.to_string(),
                    contact: None,
                    datum: begin + Duration::days(7),
                },
            )?;
        }
        self.demo_overleg(actor, zaak, rng, begin + Duration::days(14))?;
        if late {
            made.aanbod_te_laat += 1;
            let mut niveaus = vec![(Niveau::Management, begin + Months::new(3))];
            if aangeboden > begin + Months::new(4) {
                niveaus.push((Niveau::Bestuurlijk, begin + Months::new(4)));
            }
            for (niveau, op) in niveaus {
                self.zaak_vastleggen(
                    actor,
                    zaak,
                    Gebeurtenis::Escalatie {
                        niveau,
                        datum: op + Duration::days(1),
                        geinformeerd: bureau.into_iter().map(str::to_string).collect(),
                    },
                )?;
                made.escalaties += 1;
            }
        }
        self.demo_aanbod(actor, zaak, rng, aangeboden, Some(gestart))?;
        let dicht = gestart + Duration::days(rng.gen_range(0..=30));
        if dicht < today {
            self.zaak_vastleggen(
                actor,
                zaak,
                Gebeurtenis::Gesloten {
                    datum: dicht,
                    reden: Some(Sluitreden::AanbodGestart),
                    uitkomst: String::new(),
                },
            )?;
        }
        Ok(true)
    }

    /// Settles the drafts whose deadline (`termijn` school days of the school's calendar
    /// after the signal) has passed on `today` as schools
    /// settle them: per pupil and school year either confirmed or withdrawn with a reason, so
    /// that each seed gemeente's under-18 verzuimers follow its story; the bureau takes on
    /// the confirmed meldingen of more than two weeks ago and closes those of more than two
    /// months ago. Each settlement is dated on the school day it was made (most within a
    /// few school days of the signal, one in twelve late). The drafts whose deadline has not
    /// passed wait.
    pub(crate) fn demo_concepten_afhandelen(
        &self,
        actor: &Actor,
        seed: u64,
        today: NaiveDate,
        termijn: u32,
        made: &mut DemoGeschiedenis,
    ) -> Result<()> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x636f_6e63_6570_7400);
        let kalender = self.regiokalender()?;
        // Whether a draft still waits on `today`: its deadline has not passed.
        let wacht = |m: &leerrecht_store::MeldingStaat| {
            today
                <= concept_termijn(
                    kalender.voor_school(m.school.as_str()),
                    m.begindatum,
                    termijn,
                )
        };
        // In the order of what they say, not of their ids: a signal run stores the drafts of
        // its two readers as they come, so the ids of one seed differ between two runs.
        let mut concepten = self
            .store()
            .werkvoorraad(today, today, "concept", None)?
            .meldingen;
        concepten.sort_by(|(a, pa), (b, pb)| {
            (a.begindatum, a.school.as_str(), &a.verzuimsoort)
                .cmp(&(b.begindatum, b.school.as_str(), &b.verzuimsoort))
                .then_with(|| pa.leerling.to_string().cmp(&pb.leerling.to_string()))
        });
        if concepten.is_empty() {
            return Ok(());
        }
        // Birth dates and the number of young people per gemeente.
        let mut geboren: HashMap<LeerlingId, NaiveDate> = HashMap::new();
        let mut per_gemeente: HashMap<String, u64> = HashMap::new();
        self.jongeren(actor, today, None, &mut |j| {
            geboren.insert(j.leerling, j.geboortedatum);
            *per_gemeente
                .entry(j.gemeente.as_str().to_string())
                .or_default() += 1;
            Ok(())
        })?;

        // Under-18 persons with a draft to settle, per gemeente and school year, in the order
        // of their first draft.
        let mut personen: HashMap<(String, i32), Vec<LeerlingId>> = HashMap::new();
        let mut gezien: HashSet<(LeerlingId, i32)> = HashSet::new();
        for (m, p) in &concepten {
            if wacht(m) {
                made.concepten_wachtend += 1;
                continue;
            }
            let jaar = school_year_of(m.begindatum);
            let minderjarig = geboren
                .get(&p.leerling)
                .is_some_and(|g| m.begindatum < *g + Months::new(18 * 12));
            if minderjarig && gezien.insert((p.leerling, jaar)) {
                personen
                    .entry((p.gemeente.clone(), jaar))
                    .or_default()
                    .push(p.leerling);
            }
        }
        let huidig = school_year_of(today - Duration::days(1));
        // How many of a seed gemeente's pupils with drafts in a school year became
        // verzuimers: its figure of that year; in the current, unfinished year the share of
        // the year before.
        let gewenst = |gemeente: &str, jaar: i32| -> Option<f64> {
            let &(_, regio_jongeren, _, verzuimers, doel) =
                SEED.iter().find(|s| s.0 == gemeente)?;
            let n = per_gemeente.get(gemeente).copied().unwrap_or(0);
            Some(f64::from(verzuimers) * n as f64 / f64::from(regio_jongeren) * trend(doel, jaar))
        };
        let aantal: HashMap<(String, i32), usize> =
            personen.iter().map(|(k, v)| (k.clone(), v.len())).collect();
        let aandeel = |gemeente: &str, jaar: i32| -> f64 {
            let met = aantal
                .get(&(gemeente.to_string(), jaar))
                .copied()
                .unwrap_or(0);
            // Without a seed figure (or drafts to go by), three in five.
            match gewenst(gemeente, jaar) {
                Some(g) if met > 0 => (g / met as f64).min(1.0),
                _ => 0.6,
            }
        };
        let mut besluit: HashMap<(LeerlingId, i32), bool> = HashMap::new();
        let mut momenten = Vec::new();
        let mut sleutels: Vec<(String, i32)> = personen.keys().cloned().collect();
        sleutels.sort();
        for (gemeente, jaar) in sleutels {
            let kans = if jaar == huidig {
                aandeel(&gemeente, jaar - 1)
            } else {
                aandeel(&gemeente, jaar)
            };
            let lijst = personen
                .get_mut(&(gemeente.clone(), jaar))
                .expect("a listed key");
            lijst.shuffle(&mut rng);
            let k = (kans * lijst.len() as f64).round() as usize;
            for (i, l) in lijst.iter().enumerate() {
                besluit.insert((*l, jaar), i < k);
            }
        }
        for (m, p) in &concepten {
            if wacht(m) {
                continue;
            }
            let jaar = school_year_of(m.begindatum);
            // Pupils with drafts only at 18 or older: as their gemeente's pupils that year.
            let bevestigen = match besluit.get(&(p.leerling, jaar)) {
                Some(b) => *b,
                None => {
                    let kans = aandeel(&p.gemeente, if jaar == huidig { jaar - 1 } else { jaar });
                    let b = rng.gen_bool(kans.clamp(0.0, 1.0));
                    besluit.insert((p.leerling, jaar), b);
                    b
                }
            };
            // The school settled it within a few school days of the signal, now and then late.
            let na = if rng.gen_ratio(1, 12) {
                rng.gen_range(termijn + 1..=termijn * 3)
            } else {
                rng.gen_range(1..=termijn.clamp(1, 3))
            };
            let dag = concept_termijn(kalender.voor_school(m.school.as_str()), m.begindatum, na)
                .min(today - Duration::days(1));
            let moment = dag
                .and_hms_opt(9, 30, 0)
                .expect("a valid time")
                .and_utc()
                .min(self.now());
            momenten.push((m.id, moment));
            if bevestigen {
                self.melding_bevestigen(actor, m.id)?;
                made.meldingen_bevestigd += 1;
                let oud = (today - m.begindatum).num_days();
                if oud > 14 {
                    self.melding_status(actor, m.id, "in_behandeling", None)?;
                    made.meldingen_afgehandeld += 1;
                    if oud > 60 {
                        let reden = ["terug_naar_school", "terug_naar_school", "legitiem_afwezig"]
                            [rng.gen_range(0..3)];
                        self.melding_status(actor, m.id, "afgesloten", Some(reden))?;
                    }
                }
            } else {
                let reden = INTREKREDENEN[rng.gen_range(0..INTREKREDENEN.len())];
                self.melding_status(actor, m.id, "ingetrokken", Some(reden))?;
                made.meldingen_ingetrokken += 1;
            }
        }
        // Each was settled on its school day, not today: the deadline figures count so.
        self.store().meldingen_afgehandeld_op(&momenten)?;
        Ok(())
    }
}
