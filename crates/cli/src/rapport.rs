//! `leerrecht report KIND`: the figures of docs/domain.md §9 as a table, CSV, JSON, XLSX or HTML.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};
use leerrecht_app::cijfers::{Gebied, Opties};
use leerrecht_app::uitvoer::Weergave;
use leerrecht_app::{Actor, App};
use leerrecht_domain::schoolyear::SchoolYear;
use serde::Serialize;

use crate::{checked, date_arg, today, InvalidInput};

#[derive(Subcommand)]
pub(crate) enum ReportWhat {
    /// Registered persons per category on each date, with a total row.
    Peildatum {
        /// The dates, separated by commas.
        #[arg(long, required = true, value_delimiter = ',', value_parser = date_arg)]
        dates: Vec<NaiveDate>,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// Registered persons per main cause on a date, with a total row.
    Oorzaken {
        #[arg(long, value_parser = date_arg)]
        date: NaiveDate,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// Unique thuiszitters and absentees (under 18, 18 and older) per gemeente, sub-region
    /// and in total in a school year.
    Schooljaar {
        /// The school year, e.g. 2023-2024.
        #[arg(long, value_parser = year_arg)]
        year: SchoolYear,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// Baseline, target and actual figure per area and indicator.
    Doelen {
        /// The baseline school year.
        #[arg(long, value_parser = year_arg, default_value = "2018-2019")]
        basisjaar: SchoolYear,
        /// The reduction aimed at, in percent.
        #[arg(long, default_value_t = 10.0)]
        reductie: f64,
        /// The school year to judge.
        #[arg(long, value_parser = year_arg)]
        year: SchoolYear,
        /// Count up to this day (default today); while the year runs on it, each row has
        /// the forecast of the year's end against the target.
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// The backtest of the targets' forecast: in each school year from --van to --tot, the
    /// forecast made on --dag against what the year came to, with the mean absolute
    /// percentage error and how often the 80% interval held the outcome.
    PrognoseToets {
        /// The first school year forecast.
        #[arg(long, value_parser = year_arg, default_value = "2019-2020")]
        van: SchoolYear,
        /// The last school year forecast (it must have ended).
        #[arg(long, value_parser = year_arg, default_value = "2024-2025")]
        tot: SchoolYear,
        /// The day of each year the forecast is made on (DD-MM).
        #[arg(long, value_parser = dag_arg, default_value = "01-02")]
        dag: (u32, u32),
        /// The baseline school year of the targets.
        #[arg(long, value_parser = year_arg, default_value = "2018-2019")]
        basisjaar: SchoolYear,
        /// The reduction aimed at, in percent.
        #[arg(long, default_value_t = 10.0)]
        reductie: f64,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// The three-month KPI: share with an offer in time, median days, the overdue list.
    Kpi {
        #[arg(long, value_parser = year_arg)]
        year: SchoolYear,
        /// Read the clocks on this day when the year is still running (default today).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// The yearly Leerplichttelling: absoluut verzuim, long-term relative absence,
    /// exemptions per article.
    Leerplichttelling {
        #[arg(long, value_parser = year_arg)]
        year: SchoolYear,
        /// Count up to this day when the year is still running (default today).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// The RMC figures per gemeente: new early school leavers of 18 to 23 in the school
    /// year, those reached, those back in education, at work, in care or not reachable.
    Rmc {
        #[arg(long, value_parser = year_arg)]
        year: SchoolYear,
        /// Count up to this day when the year is still running (default today).
        #[arg(long, value_parser = date_arg)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        uit: RapportArgs,
    },
    /// The overview for the Inspectie on a date: thuiszitters per SWV by duration, and
    /// absoluut verzuim.
    Inspectie {
        #[arg(long, value_parser = date_arg)]
        date: NaiveDate,
        #[command(flatten)]
        uit: RapportArgs,
    },
}

/// The language of a report's labels.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Taal {
    Nl,
    En,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum RapportFormat {
    Table,
    Csv,
    Json,
    Xlsx,
    Html,
    Pdf,
}

/// Where to count, how to write, and as known when.
#[derive(clap::Args)]
pub(crate) struct RapportArgs {
    /// Only people living in this gemeente (GM....).
    #[arg(long)]
    gemeente: Option<String>,
    /// Only people living in the gemeenten of this sub-region.
    #[arg(long)]
    regio: Option<String>,
    /// Only people enrolled at a school of this samenwerkingsverband.
    #[arg(long)]
    swv: Option<String>,
    /// Only people enrolled at this school location.
    #[arg(long)]
    school: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: RapportFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// For publication: every count below 5 is shown as <5.
    #[arg(long)]
    publiek: bool,
    /// The figures as they were known at this moment (RFC 3339, e.g. 2025-01-31T17:00:00Z).
    #[arg(long, value_parser = moment_arg)]
    bekend_op: Option<DateTime<Utc>>,
    /// The language of the labels (and of the numbers in HTML and PDF); names of categories,
    /// causes and areas stay as the domain has them. JSON is the same in both.
    #[arg(long, value_enum, default_value = "nl")]
    taal: Taal,
}

fn year_arg(s: &str) -> Result<SchoolYear, String> {
    s.parse()
        .map_err(|e: leerrecht_domain::schoolyear::SchoolYearError| e.to_string())
}

/// A day of the year as DD-MM (`01-02` is 1 February), as (month, day).
fn dag_arg(s: &str) -> Result<(u32, u32), String> {
    let fout = || format!("{s:?} is not a day of the year such as 01-02 (DD-MM)");
    let (d, m) = s.trim().split_once('-').ok_or_else(fout)?;
    let (d, m): (u32, u32) = (
        d.parse().map_err(|_| fout())?,
        m.parse().map_err(|_| fout())?,
    );
    NaiveDate::from_ymd_opt(2024, m, d).ok_or_else(fout)?;
    Ok((m, d))
}

fn moment_arg(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not a moment such as 2025-01-31T17:00:00Z: {e}"))
}

impl RapportArgs {
    fn opties(&self) -> Opties {
        Opties {
            gebied: Gebied {
                gemeente: self.gemeente.clone(),
                regio: self.regio.clone(),
                swv: self.swv.clone(),
                school: self.school.clone(),
            },
            publiek: self.publiek,
            bekend_op: self.bekend_op,
        }
    }

    /// Lines under the title: what was counted, and how.
    fn toelichting(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut gebied = Vec::new();
        for (naam, v) in [
            ("gemeente", &self.gemeente),
            ("sub-regio", &self.regio),
            ("samenwerkingsverband", &self.swv),
            ("school", &self.school),
        ] {
            if let Some(v) = v {
                gebied.push(format!("{naam} {v}"));
            }
        }
        if !gebied.is_empty() {
            out.push(format!("Gebied: {}.", gebied.join(", ")));
        }
        if let Some(t) = self.bekend_op {
            out.push(format!("Zoals bekend op {}.", t.to_rfc3339()));
        }
        if self.publiek {
            out.push("Voor publicatie: aantallen onder 5 zijn weergegeven als <5.".into());
        }
        out
    }

    fn write<T: Serialize>(&self, r: &T, mut w: Weergave) -> anyhow::Result<()> {
        w.toelichting.extend(self.toelichting());
        if self.taal == Taal::En {
            w = w.in_het_engels();
        }
        if !matches!(self.format, RapportFormat::Csv | RapportFormat::Json) {
            w = w.datums_voor_lezers();
        }
        let bytes = match self.format {
            RapportFormat::Json => {
                let mut v = serde_json::to_vec_pretty(r)?;
                v.push(b'\n');
                v
            }
            RapportFormat::Csv => w.csv().into_bytes(),
            RapportFormat::Table => w.tekst().into_bytes(),
            RapportFormat::Html => w.html().into_bytes(),
            RapportFormat::Xlsx | RapportFormat::Pdf => {
                if self.out.is_none() && std::io::stdout().is_terminal() {
                    eprintln!(
                        "leerrecht: an XLSX or PDF file is not for the terminal: give --out FILE"
                    );
                    return Err(InvalidInput.into());
                }
                if self.format == RapportFormat::Pdf {
                    w.pdf()
                } else {
                    w.xlsx()?
                }
            }
        };
        match &self.out {
            Some(path) => std::fs::write(path, bytes)?,
            None => std::io::stdout().lock().write_all(&bytes)?,
        }
        Ok(())
    }
}

pub(crate) fn run(
    app: &App,
    actor: &Actor,
    what: ReportWhat,
    config: &leerrecht_app::config::Config,
) -> anyhow::Result<()> {
    match what {
        ReportWhat::Peildatum { dates, uit } => {
            let r = checked(app.rapport_peildatum(actor, &dates, &uit.opties()))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Oorzaken { date, uit } => {
            let r = checked(app.rapport_oorzaken(actor, date, &uit.opties()))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Schooljaar { year, uit } => {
            let r = checked(app.rapport_schooljaar(actor, year, &uit.opties()))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Doelen {
            basisjaar,
            reductie,
            year,
            as_of,
            uit,
        } => {
            let r = checked(app.rapport_doelen(
                actor,
                basisjaar,
                reductie,
                year,
                as_of.unwrap_or_else(today),
                &uit.opties(),
            ))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::PrognoseToets {
            van,
            tot,
            dag,
            basisjaar,
            reductie,
            uit,
        } => {
            let r = checked(app.prognose_toets(
                actor,
                van..=tot,
                dag,
                basisjaar,
                reductie,
                &uit.opties(),
            ))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Kpi { year, as_of, uit } => {
            let r = checked(app.rapport_kpi(
                actor,
                year,
                as_of.unwrap_or_else(today),
                &config.escalatie,
                &uit.opties(),
            ))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Leerplichttelling { year, as_of, uit } => {
            let r = checked(app.rapport_leerplichttelling(
                actor,
                year,
                as_of.unwrap_or_else(today),
                &config.escalatie,
                &uit.opties(),
            ))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Rmc { year, as_of, uit } => {
            let r =
                checked(app.rapport_rmc(actor, year, as_of.unwrap_or_else(today), &uit.opties()))?;
            uit.write(&r, r.weergave())
        }
        ReportWhat::Inspectie { date, uit } => {
            let r = checked(app.rapport_inspectie(actor, date, &config.escalatie, &uit.opties()))?;
            uit.write(&r, r.weergave())
        }
    }
}
