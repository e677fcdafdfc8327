//! The targets (docs/domain.md §9.3): each area's baseline, target and figure, and while the
//! school year runs the forecast of its end against the target (§9.9), with the backtest that
//! shows how well the forecast did in earlier years.

use chrono::{Months, NaiveDate};
use leerrecht_domain::cijfers::{self, Aantal, PUBLIEK_MINIMUM};
use leerrecht_domain::prognose::Verdeling;
use leerrecht_domain::schoolyear::SchoolYear;
use serde::Serialize;

use super::{aantal, gebied_groepen, naam_en_code, publiceer, Opties, INDICATOREN};
use crate::toegang::{authorize, Action, Actor};
use crate::uitvoer::{Cel, Grafiek, GrafiekSoort, Tabel, Weergave};
use crate::{App, AppError, Result};

/// How many school years before the one judged give the seasonal pattern, at most.
pub const PATROON_JAREN: i32 = 5;

/// One area and indicator against its target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DoelRij {
    pub gebied: String,
    pub naam: String,
    pub indicator: &'static str,
    pub basis: Aantal,
    pub doel: Aantal,
    /// The count up to the report's peildatum (the whole year once it has ended).
    pub actueel: Aantal,
    /// Actual minus target: zero or less means the target is met.
    pub verschil: Option<i64>,
    pub behaald: Option<bool>,
    /// While the year runs on the peildatum: the forecast of its end (absent once it ended).
    #[serde(flatten)]
    pub prognose: Option<DoelPrognose>,
}

/// The forecast of an area's year-end figure (docs/domain.md §9.9). Each is None where
/// there is no forecast: no earlier year to learn the season from, or, published, a count
/// that is hidden.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct DoelPrognose {
    pub prognose: Option<u64>,
    /// The 80% interval.
    pub prognose_laag: Option<u64>,
    pub prognose_hoog: Option<u64>,
    /// The chance that the year ends at or below the target, from 0 to 1.
    pub kans_gehaald: Option<f64>,
}

/// One point of the region's course through the year: the count up to the day, or the
/// forecast for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerloopPunt {
    pub datum: NaiveDate,
    /// Counted so far: up to the peildatum.
    pub actueel: Option<Aantal>,
    /// Forecast: from the peildatum on.
    pub prognose: Option<u64>,
    pub prognose_laag: Option<u64>,
    pub prognose_hoog: Option<u64>,
}

/// The course of one indicator over the year for the whole area asked (its first row).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verloop {
    pub indicator: &'static str,
    pub doel: Aantal,
    pub punten: Vec<VerloopPunt>,
}

/// The baseline year, the reduction aimed at, and each area's progress (docs/domain.md §9.3).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Doelen {
    pub basisjaar: String,
    pub jaar: String,
    pub reductie: f64,
    /// The day counted up to.
    pub peildatum: NaiveDate,
    /// The earlier years whose season the forecast follows (empty once the year ended).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prognose_jaren: Vec<String>,
    pub rijen: Vec<DoelRij>,
    /// The whole area's course through the year, while the year runs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verloop: Vec<Verloop>,
}

/// The same day of the year in school year `naar` as `dag` is in `van` (28 February for a
/// 29th).
fn zelfde_dag(dag: NaiveDate, van: SchoolYear, naar: SchoolYear) -> NaiveDate {
    let jaren = naar.start_year() - van.start_year();
    let m = Months::new(12 * jaren.unsigned_abs());
    if jaren >= 0 {
        dag.checked_add_months(m)
    } else {
        dag.checked_sub_months(m)
    }
    .expect("a date within the calendar")
}

/// The last day of each month of school year `jaar`, August to July.
fn maandeinden(jaar: SchoolYear) -> Vec<NaiveDate> {
    (1..=12)
        .map(|i| jaar.first_day() + Months::new(i) - chrono::Duration::days(1))
        .collect()
}

/// The counts of the first (whole) area in each school year at each of its days.
type Totalen = Vec<[u64; 3]>;

impl App {
    /// Each area's baseline, target and figure up to `peildatum` (docs/domain.md §9.3); while
    /// school year `jaar` runs on that day, with the forecast of its end (§9.9).
    pub fn rapport_doelen(
        &self,
        actor: &Actor,
        basisjaar: SchoolYear,
        reductie: f64,
        jaar: SchoolYear,
        peildatum: NaiveDate,
        opties: &Opties,
    ) -> Result<Doelen> {
        authorize(actor, Action::ReadFigures)?;
        if !(0.0..=100.0).contains(&reductie) {
            return Err(AppError::Invalid(
                "reductie: a percentage from 0 to 100".into(),
            ));
        }
        let f = self.filter(opties)?;
        let publiek = self.publiek(actor, opties);
        let loopt = peildatum < jaar.last_day();
        // The year judged: its month ends up to the peildatum, and the peildatum itself.
        let mut dagen: Vec<NaiveDate> = if loopt {
            maandeinden(jaar)
                .into_iter()
                .filter(|d| *d < peildatum)
                .collect()
        } else {
            Vec::new()
        };
        dagen.push(peildatum.min(jaar.last_day()));
        let mut sneden = vec![
            (basisjaar, vec![basisjaar.last_day()]),
            (jaar, dagen.clone()),
        ];
        // The earlier years: the same day, and each month end (the last is the year's end).
        let eerdere: Vec<SchoolYear> = if loopt {
            (1..=PATROON_JAREN)
                .map(|i| SchoolYear::new(jaar.start_year() - i))
                .collect()
        } else {
            Vec::new()
        };
        for j in &eerdere {
            let mut d = vec![zelfde_dag(peildatum, jaar, *j)];
            d.extend(maandeinden(*j));
            sneden.push((*j, d));
        }
        let mut tellingen = self.tellingen_tot(&sneden, opties, &f)?.into_iter();
        let basis = tellingen.next().expect("the baseline counted").remove(0);
        let mut loop_jaar = tellingen.next().expect("the year counted");
        let actueel = loop_jaar.pop().expect("the peildatum counted");
        let verleden: Vec<(SchoolYear, Totalen)> = eerdere
            .iter()
            .zip(tellingen)
            .map(|(j, t)| (*j, t.iter().map(|g| g[0].3).collect()))
            .collect();

        // Per indicator, the earlier years that counted anyone (the others have no season).
        let heeft = |t: &Totalen, i: usize| t.last().is_some_and(|e| e[i] > 0);
        let patronen: Vec<Vec<&Totalen>> = (0..INDICATOREN.len())
            .map(|i| {
                verleden
                    .iter()
                    .map(|(_, t)| t)
                    .filter(|t| heeft(t, i))
                    .collect()
            })
            .collect();
        let mut jaren_gebruikt: Vec<SchoolYear> = verleden
            .iter()
            .filter(|(_, t)| (0..INDICATOREN.len()).any(|i| heeft(t, i)))
            .map(|(j, _)| *j)
            .collect();
        jaren_gebruikt.sort();
        // Per indicator, each earlier year's share on the peildatum of its count by the later
        // day `k` (0: the peildatum itself; 1 to 12: the month ends).
        let aandelen = |i: usize, k: usize| -> Vec<f64> {
            patronen[i]
                .iter()
                .map(|t| {
                    if t[k][i] == 0 {
                        0.0
                    } else {
                        t[0][i] as f64 / t[k][i] as f64
                    }
                })
                .collect()
        };
        let begonnen = loopt && peildatum >= jaar.first_day();
        let jaareinde: Vec<Vec<f64>> = (0..INDICATOREN.len()).map(|i| aandelen(i, 12)).collect();
        let mut rijen = Vec::new();
        for (b, a) in basis.iter().zip(&actueel) {
            for (i, (indicator, _)) in INDICATOREN.iter().enumerate() {
                let doel = cijfers::doel(b.3[i], reductie);
                let prognose = loopt.then(|| {
                    Verdeling::new(a.3[i], &jaareinde[i])
                        .filter(|_| begonnen)
                        .map_or(DoelPrognose::default(), |v| {
                            let p = v.prognose();
                            DoelPrognose {
                                prognose: Some(p.verwacht),
                                prognose_laag: Some(p.laag),
                                prognose_hoog: Some(p.hoog),
                                kans_gehaald: Some(
                                    (v.kans_hoogstens(doel) * 1000.0).round() / 1000.0,
                                ),
                            }
                        })
                });
                rijen.push(DoelRij {
                    gebied: b.0.clone(),
                    naam: b.1.clone(),
                    indicator,
                    basis: b.3[i].into(),
                    doel: doel.into(),
                    actueel: a.3[i].into(),
                    verschil: Some(a.3[i] as i64 - doel as i64),
                    behaald: Some(a.3[i] <= doel),
                    prognose,
                });
            }
        }

        // The whole area's course: counted up to the peildatum, forecast after it.
        let mut verloop = Vec::new();
        if begonnen {
            for (i, (indicator, _)) in INDICATOREN.iter().enumerate() {
                let x = actueel[0].3[i];
                let mut punten: Vec<VerloopPunt> = dagen
                    .iter()
                    .zip(loop_jaar.iter().map(|g| g[0].3[i]).chain([x]))
                    .map(|(d, n)| VerloopPunt {
                        datum: *d,
                        actueel: Some(Aantal::new(n)),
                        prognose: None,
                        prognose_laag: None,
                        prognose_hoog: None,
                    })
                    .collect();
                if let Some(p) = punten.last_mut() {
                    (p.prognose, p.prognose_laag, p.prognose_hoog) = (Some(x), Some(x), Some(x));
                }
                for (k, d) in maandeinden(jaar).into_iter().enumerate() {
                    if d <= peildatum {
                        continue;
                    }
                    let p = Verdeling::new(x, &aandelen(i, k + 1)).map(|v| v.prognose());
                    punten.push(VerloopPunt {
                        datum: d,
                        actueel: None,
                        prognose: p.map(|p| p.verwacht),
                        prognose_laag: p.map(|p| p.laag),
                        prognose_hoog: p.map(|p| p.hoog),
                    });
                }
                verloop.push(Verloop {
                    indicator,
                    doel: rijen[i].doel,
                    punten,
                });
            }
        }

        if publiek {
            // Per indicator, the areas add up as in the school-year figures; a target gives
            // its baseline away, so it hides with it.
            let n = INDICATOREN.len();
            let gebieden: Vec<(&str, &'static str)> =
                basis.iter().map(|b| (b.0.as_str(), b.2)).collect();
            let groepen = gebied_groepen(&gebieden, &f.kaart);
            for i in 0..n {
                publiceer(
                    rijen
                        .iter_mut()
                        .skip(i)
                        .step_by(n)
                        .map(|r| &mut r.basis)
                        .collect(),
                    &groepen,
                );
                publiceer(
                    rijen
                        .iter_mut()
                        .skip(i)
                        .step_by(n)
                        .map(|r| &mut r.actueel)
                        .collect(),
                    &groepen,
                );
            }
            for r in &mut rijen {
                r.doel.publiek();
                r.doel.verborgen |= r.basis.verborgen;
                if r.basis.verborgen || r.actueel.verborgen || r.doel.verborgen {
                    r.verschil = None;
                    r.behaald = None;
                }
                // A forecast gives its count away (it is near the count over a share).
                if let Some(p) = &mut r.prognose {
                    if r.actueel.verborgen {
                        *p = DoelPrognose::default();
                    } else if r.doel.verborgen {
                        p.kans_gehaald = None;
                    }
                }
            }
            for v in &mut verloop {
                v.doel.publiek();
                let verborgen = v.punten.iter().any(|p| {
                    p.actueel.is_some_and(|a| a.n < PUBLIEK_MINIMUM) && p.prognose.is_some()
                });
                for p in &mut v.punten {
                    if let Some(a) = &mut p.actueel {
                        a.publiek();
                    }
                    if verborgen {
                        (p.prognose, p.prognose_laag, p.prognose_hoog) = (None, None, None);
                    }
                }
            }
        }
        Ok(Doelen {
            basisjaar: basisjaar.to_string(),
            jaar: jaar.to_string(),
            reductie,
            peildatum,
            prognose_jaren: jaren_gebruikt.iter().map(|j| j.to_string()).collect(),
            rijen,
            verloop,
        })
    }

    /// The backtest of the forecast (docs/domain.md §9.9): in each school year of `jaren`,
    /// the forecast made on its day `dag` (month and day), against what the year came to.
    pub fn prognose_toets(
        &self,
        actor: &Actor,
        jaren: std::ops::RangeInclusive<SchoolYear>,
        dag: (u32, u32),
        basisjaar: SchoolYear,
        reductie: f64,
        opties: &Opties,
    ) -> Result<PrognoseToets> {
        authorize(actor, Action::ReadFigures)?;
        let (van, tot) = jaren.into_inner();
        if tot < van {
            return Err(AppError::Invalid(format!("tot: {tot} comes before {van}")));
        }
        let mut rijen = Vec::new();
        let mut jaar = van;
        while jaar <= tot {
            let kalenderjaar = jaar.start_year() + i32::from(dag.0 < 8);
            let peildatum = NaiveDate::from_ymd_opt(kalenderjaar, dag.0, dag.1)
                .or_else(|| NaiveDate::from_ymd_opt(kalenderjaar, dag.0, dag.1 - 1))
                .ok_or_else(|| AppError::Invalid("dag: not a day of the year".into()))?;
            let d = self.rapport_doelen(actor, basisjaar, reductie, jaar, peildatum, opties)?;
            let uitkomst =
                self.rapport_doelen(actor, basisjaar, reductie, jaar, jaar.last_day(), opties)?;
            for (r, u) in d.rijen.iter().zip(&uitkomst.rijen) {
                let (Some(p), Some(a), Some(n)) =
                    (r.prognose, r.actueel.getal(), u.actueel.getal())
                else {
                    continue;
                };
                let (Some(prognose), Some(laag), Some(hoog)) =
                    (p.prognose, p.prognose_laag, p.prognose_hoog)
                else {
                    continue;
                };
                rijen.push(ToetsRij {
                    jaar: jaar.to_string(),
                    peildatum,
                    gebied: r.gebied.clone(),
                    naam: r.naam.clone(),
                    indicator: r.indicator,
                    tot_peildatum: a,
                    prognose,
                    prognose_laag: laag,
                    prognose_hoog: hoog,
                    uitkomst: n,
                    fout_procent: (n > 0).then(|| {
                        ((prognose as f64 - n as f64).abs() * 1000.0 / n as f64).round() / 10.0
                    }),
                    binnen_interval: (laag..=hoog).contains(&n),
                });
            }
            jaar = SchoolYear::new(jaar.start_year() + 1);
        }
        let samenvatting = INDICATOREN
            .iter()
            .map(|(i, _)| Some(*i))
            .chain([None])
            .map(|indicator| {
                let rs: Vec<&ToetsRij> = rijen
                    .iter()
                    .filter(|r| indicator.is_none_or(|i| i == r.indicator))
                    .collect();
                let fouten: Vec<f64> = rs.iter().filter_map(|r| r.fout_procent).collect();
                let binnen = rs.iter().filter(|r| r.binnen_interval).count();
                ToetsSamenvatting {
                    indicator: indicator.unwrap_or("alle"),
                    voorspellingen: rs.len() as u64,
                    mape: (!fouten.is_empty()).then(|| {
                        (fouten.iter().sum::<f64>() / fouten.len() as f64 * 10.0).round() / 10.0
                    }),
                    binnen_interval_procent: (!rs.is_empty())
                        .then(|| (binnen as f64 * 1000.0 / rs.len() as f64).round() / 10.0),
                }
            })
            .collect();
        Ok(PrognoseToets {
            van: van.to_string(),
            tot: tot.to_string(),
            dag: format!("{:02}-{:02}", dag.1, dag.0),
            samenvatting,
            rijen,
        })
    }
}

/// One forecast of the backtest against what the year came to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToetsRij {
    pub jaar: String,
    pub peildatum: NaiveDate,
    pub gebied: String,
    pub naam: String,
    pub indicator: &'static str,
    pub tot_peildatum: u64,
    pub prognose: u64,
    pub prognose_laag: u64,
    pub prognose_hoog: u64,
    pub uitkomst: u64,
    /// The error as a percentage of the outcome (none for an outcome of 0).
    pub fout_procent: Option<f64>,
    pub binnen_interval: bool,
}

/// The backtest per indicator (and for all): the mean absolute percentage error and how
/// often the 80% interval held the outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToetsSamenvatting {
    pub indicator: &'static str,
    pub voorspellingen: u64,
    pub mape: Option<f64>,
    pub binnen_interval_procent: Option<f64>,
}

/// The forecast made on one day of each of a run of school years, against their outcomes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrognoseToets {
    pub van: String,
    pub tot: String,
    /// The day of each year the forecast was made on (DD-MM).
    pub dag: String,
    pub samenvatting: Vec<ToetsSamenvatting>,
    pub rijen: Vec<ToetsRij>,
}

fn indicator_label(code: &str) -> &str {
    INDICATOREN
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// The method in plain Dutch, as the report shows it under its title.
pub const METHODE: [&str; 3] = [
    "Prognose: het aantal tot nu toe, gedeeld door het deel van hun eindtotaal dat de eerdere schooljaren op dezelfde datum hadden bereikt (het seizoenspatroon van het hele gebied).",
    "De band is het 80%-interval: in acht van de tien jaren valt de uitkomst erbinnen. Hij houdt rekening met toeval in de aantallen en met de verschillen tussen de eerdere jaren. De kans op het doel is de kans dat het jaar eindigt op of onder het doel.",
    "Hoe goed dit in eerdere jaren uitkwam, toont leerrecht report prognose-toets.",
];

impl Doelen {
    pub fn weergave(&self) -> Weergave {
        let met_prognose = self.rijen.iter().any(|r| r.prognose.is_some());
        let getal = |n: Option<u64>| n.map_or(Cel::Leeg, |n| Cel::Getal(n as f64));
        let rijen = self
            .rijen
            .iter()
            .map(|r| {
                let mut rij = vec![
                    Cel::Tekst(r.gebied.clone()),
                    Cel::Tekst(r.naam.clone()),
                    Cel::Tekst(indicator_label(r.indicator).into()),
                    aantal(&r.basis),
                    aantal(&r.doel),
                    aantal(&r.actueel),
                    r.verschil.map_or(Cel::Leeg, |v| Cel::Getal(v as f64)),
                    Cel::Tekst(match r.behaald {
                        Some(true) => "ja".into(),
                        Some(false) => "nee".into(),
                        None => String::new(),
                    }),
                ];
                if met_prognose {
                    let p = r.prognose.unwrap_or_default();
                    rij.extend([
                        getal(p.prognose),
                        getal(p.prognose_laag),
                        getal(p.prognose_hoog),
                        p.kans_gehaald
                            .map_or(Cel::Leeg, |k| Cel::Getal((k * 100.0).round())),
                    ]);
                }
                rij
            })
            .collect();
        let mut grafieken: Vec<Grafiek> = INDICATOREN
            .iter()
            .map(|(code, label)| {
                let rs: Vec<&DoelRij> =
                    self.rijen.iter().filter(|r| r.indicator == *code).collect();
                let reeks = |f: &dyn Fn(&DoelRij) -> Aantal| -> Vec<Option<f64>> {
                    rs.iter().map(|r| f(r).getal().map(|n| n as f64)).collect()
                };
                let mut reeksen = vec![
                    (format!("Basis {}", self.basisjaar), reeks(&|r| r.basis)),
                    (format!("Doel (−{}%)", self.reductie), reeks(&|r| r.doel)),
                    (format!("Actueel {}", self.jaar), reeks(&|r| r.actueel)),
                ];
                if met_prognose {
                    reeksen.push((
                        "Prognose".into(),
                        rs.iter()
                            .map(|r| r.prognose.and_then(|p| p.prognose).map(|n| n as f64))
                            .collect(),
                    ));
                }
                Grafiek {
                    titel: format!("{label}: voortgang naar het doel"),
                    soort: GrafiekSoort::Staven,
                    labels: rs.iter().map(|r| r.naam.clone()).collect(),
                    reeksen,
                    band: None,
                }
            })
            .collect();
        // The course is the whole area's: the first row's.
        let naam = self.rijen.first().map_or("", |r| r.naam.as_str());
        for v in &self.verloop {
            let reeks = |f: &dyn Fn(&VerloopPunt) -> Option<f64>| -> Vec<Option<f64>> {
                v.punten.iter().map(f).collect()
            };
            grafieken.push(Grafiek {
                titel: format!("{}: verloop en prognose", indicator_label(v.indicator)),
                soort: GrafiekSoort::Lijn,
                labels: v.punten.iter().map(|p| p.datum.to_string()).collect(),
                reeksen: vec![
                    (
                        format!("Actueel {naam}"),
                        reeks(&|p| p.actueel.and_then(|a| a.getal()).map(|n| n as f64)),
                    ),
                    ("Prognose".into(), reeks(&|p| p.prognose.map(|n| n as f64))),
                    (
                        "Prognose laag (80%)".into(),
                        reeks(&|p| p.prognose_laag.map(|n| n as f64)),
                    ),
                    (
                        "Prognose hoog (80%)".into(),
                        reeks(&|p| p.prognose_hoog.map(|n| n as f64)),
                    ),
                    (
                        format!("Doel (−{}%)", self.reductie),
                        reeks(&|_| v.doel.getal().map(|n| n as f64)),
                    ),
                ],
                band: Some((2, 3)),
            });
        }
        let mut kolommen = vec![
            "Gebied",
            "Naam",
            "Indicator",
            "Basis",
            "Doel",
            "Actueel",
            "Verschil met doel",
            "Behaald",
        ];
        let mut toelichting = vec![format!("Stand op {}.", self.peildatum)];
        if met_prognose {
            kolommen.extend([
                "Prognose",
                "Prognose laag (80%)",
                "Prognose hoog (80%)",
                "Kans doel gehaald (%)",
            ]);
            if !self.prognose_jaren.is_empty() {
                toelichting.push(format!(
                    "Seizoenspatroon uit {}.",
                    self.prognose_jaren.join(", ")
                ));
            }
            toelichting.extend(METHODE.iter().map(|s| s.to_string()));
        }
        Weergave {
            titel: format!(
                "Doelen: {} ten opzichte van basisjaar {} (−{}%)",
                self.jaar, self.basisjaar, self.reductie
            ),
            toelichting,
            tabellen: vec![Tabel {
                titel: "Doelen per gebied".into(),
                kolommen: kolommen.into_iter().map(String::from).collect(),
                rijen,
            }],
            grafieken,
            ..Weergave::default()
        }
    }
}

impl PrognoseToets {
    pub fn weergave(&self) -> Weergave {
        let getal = |x: Option<f64>| x.map_or(Cel::Leeg, Cel::Getal);
        Weergave {
            titel: format!(
                "Toets van de prognose: {} tot en met {}, prognose op {}",
                self.van, self.tot, self.dag
            ),
            toelichting: vec![
                "Per schooljaar de prognose zoals die op de dag gemaakt was, naast de uitkomst van het jaar.".into(),
            ],
            tabellen: vec![
                Tabel::per(
                    "Samenvatting",
                    &[
                        "Indicator",
                        "Prognoses",
                        "Gemiddelde absolute fout (%)",
                        "Uitkomst binnen 80%-interval (%)",
                    ],
                    &self.samenvatting,
                    |s| {
                        vec![
                            Cel::Tekst(if s.indicator == "alle" {
                                "Alle".into()
                            } else {
                                indicator_label(s.indicator).into()
                            }),
                            Cel::Getal(s.voorspellingen as f64),
                            getal(s.mape),
                            getal(s.binnen_interval_procent),
                        ]
                    },
                ),
                Tabel::per(
                    "Prognoses",
                    &[
                        "Schooljaar",
                        "Peildatum",
                        "Gebied",
                        "Naam",
                        "Indicator",
                        "Tot peildatum",
                        "Prognose",
                        "Prognose laag (80%)",
                        "Prognose hoog (80%)",
                        "Uitkomst",
                        "Fout (%)",
                        "Binnen interval",
                    ],
                    &self.rijen,
                    |r| {
                        let mut rij = vec![
                            Cel::Tekst(r.jaar.clone()),
                            Cel::Tekst(r.peildatum.to_string()),
                        ];
                        rij.extend(naam_en_code(&r.gebied, &r.naam));
                        rij.push(Cel::Tekst(indicator_label(r.indicator).into()));
                        rij.extend(
                            [
                                r.tot_peildatum,
                                r.prognose,
                                r.prognose_laag,
                                r.prognose_hoog,
                                r.uitkomst,
                            ]
                            .map(|n| Cel::Getal(n as f64)),
                        );
                        rij.push(getal(r.fout_procent));
                        rij.push(Cel::Tekst(if r.binnen_interval { "ja" } else { "nee" }.into()));
                        rij
                    },
                ),
            ],
            ..Weergave::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_day_in_another_year() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let j = SchoolYear::new;
        assert_eq!(zelfde_dag(d(2025, 2, 1), j(2024), j(2020)), d(2021, 2, 1));
        assert_eq!(zelfde_dag(d(2024, 2, 29), j(2023), j(2022)), d(2023, 2, 28));
        assert_eq!(maandeinden(j(2023))[0], d(2023, 8, 31));
        assert_eq!(maandeinden(j(2023))[6], d(2024, 2, 29));
        assert_eq!(maandeinden(j(2023))[11], d(2024, 7, 31));
    }
}
