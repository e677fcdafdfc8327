//! Signals (docs/domain.md §6): keeps the region's rules, brings the stored signals up to date for the
//! pupils whose absence changed, and lists them with their explanations. The rules themselves
//! are the domain's; this module only feeds them and keeps their versions.

use chrono::NaiveDate;
use leerrecht_domain::calendar::Kalender;
use leerrecht_domain::duty::{birth_ranges, duty_status_met};
use leerrecht_domain::rules::{
    absoluut_verzuim, vingerafdruk, Dagtotaal, Evaluator, Regel, Regels, RegelsHistorie,
    RegelsVersie, Signaal,
};
use leerrecht_store::{Beoordelaar, OpgeslagenSignaal, SignaalRun};
use serde::Serialize;

use crate::config::Config;
use crate::toegang::{authorize, Action, Actor};
use crate::{App, AppError, Result};

/// The first version of the rules applies to everything before it too; it is stored as of
/// this date.
fn begin() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

/// One signal as listed: who, where, which rule, when, and why.
#[derive(Clone, Debug, Serialize)]
pub struct SignaalRegel {
    pub leerling: String,
    /// None for absoluut verzuim, which is about not being at any school.
    pub school: Option<String>,
    pub regel: String,
    pub datum: NaiveDate,
    /// Why the rule fired; `null` when the listing was asked without explanations.
    pub uitleg: serde_json::Value,
}

impl App {
    /// The rules' history, with the settings' rules added as a new version when they differ
    /// from the latest stored one (which makes every pupil's signals be recomputed).
    pub fn regels(
        &self,
        actor: &Actor,
        config: &Config,
        today: NaiveDate,
    ) -> Result<RegelsHistorie> {
        authorize(actor, Action::BeheerRegister)?;
        let parse = |van: NaiveDate, json: &str| -> Result<RegelsVersie> {
            let regels: Regels = serde_json::from_str(json).map_err(|e| {
                AppError::Invalid(format!("stored rules of {van} are unreadable: {e}"))
            })?;
            Ok(RegelsVersie { van, regels })
        };
        let mut versies = self
            .store()
            .regelversies()?
            .iter()
            .map(|(van, json)| parse(*van, json))
            .collect::<Result<Vec<_>>>()?;
        let wanted = config.regels.unwrap_or_default();
        match versies.last() {
            None => {
                self.store().add_regelversie(begin(), &to_json(&wanted))?;
                versies.push(RegelsVersie {
                    van: begin(),
                    regels: wanted,
                });
            }
            Some(last) if config.regels.is_some() && last.regels != wanted => {
                let van = config.regels_geldig_vanaf.unwrap_or(today);
                if van <= last.van {
                    return Err(AppError::Invalid(format!(
                        "changed rules must apply from a date after {} (the latest version); set regels.geldig_vanaf",
                        last.van
                    )));
                }
                self.store().add_regelversie(van, &to_json(&wanted))?;
                versies.push(RegelsVersie {
                    van,
                    regels: wanted,
                });
            }
            Some(_) => {}
        }
        RegelsHistorie::new(versies).map_err(|e| AppError::Invalid(format!("rules: {e}")))
    }

    /// Brings the stored signals up to date: re-evaluates the pupils whose absence (or the
    /// rules) changed since the last run, or everyone with `all`, rewrites the signals that
    /// changed, and makes the draft meldingen of new `16uur`, `luxe`, `te_laat` and `lrv`
    /// signals (docs/domain.md §7) for the school to confirm.
    pub fn update_signals(
        &self,
        actor: &Actor,
        regels: &RegelsHistorie,
        all: bool,
    ) -> Result<SignaalRun> {
        authorize(actor, Action::WritePersons)?;
        let kalender = Kalender::new(
            self.store().vakanties()?,
            NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date"),
            NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid date"),
        );
        let maak = || -> Box<dyn Beoordelaar + '_> {
            Box::new(Regelset {
                kalender: &kalender,
                regels,
                evaluator: Evaluator::new(),
                gevonden: Vec::new(),
            })
        };
        self.audit_begin(
            actor,
            "signalen_bijwerken",
            if all {
                "alle leerlingen"
            } else {
                "gewijzigd verzuim"
            }
            .to_string(),
        )?;
        let run = self.store().bring_signals_up_to_date(all, &maak)?;
        self.audit_operatie(
            actor,
            "signalen_bijwerken",
            format!(
                "{} leerlingen, {} verzuimregels, {} signalen, {} herschreven, {} conceptmeldingen, \
                 {} conceptmeldingen ingetrokken (signaal vervallen)",
                run.leerlingen,
                run.rijen,
                run.signalen,
                run.gewijzigd,
                run.concepten,
                run.ingetrokken
            ),
        )?;
        Ok(run)
    }

    /// Lists the stored signals up to `on`, and the absoluut-verzuim signals of that date, of
    /// one rule or all; with each signal's explanation when `met_uitleg` (a listing without
    /// them reads and sorts a fraction of the bytes).
    pub fn list_signals(
        &self,
        actor: &Actor,
        on: NaiveDate,
        regel: Option<Regel>,
        met_uitleg: bool,
        f: &mut dyn FnMut(SignaalRegel) -> Result<()>,
    ) -> Result<()> {
        authorize(actor, Action::ReadPersons)?;
        self.audit_operatie(
            actor,
            "signalen_lijst",
            format!("tot {on}, regel {}", regel.map_or("alle", Regel::code)),
        )?;
        let mut failure = None;
        if regel != Some(Regel::Av) {
            self.store()
                .signalen(on, regel.map(Regel::code), met_uitleg, &mut |s| {
                    let uitleg = if met_uitleg {
                        serde_json::from_str(&s.uitleg).unwrap_or(serde_json::Value::Null)
                    } else {
                        serde_json::Value::Null
                    };
                    f(SignaalRegel {
                        leerling: s.leerling.to_string(),
                        school: Some(s.school.to_string()),
                        regel: s.regel,
                        datum: s.datum,
                        uitleg,
                    })
                    .map_err(|e| {
                        let msg = e.to_string();
                        failure = Some(e);
                        leerrecht_store::StoreError::Invalid(msg)
                    })
                })
                .map_err(|e| failure.take().unwrap_or(AppError::from(e)))?;
        }
        if regel.is_none() || regel == Some(Regel::Av) {
            self.store()
                .av_kandidaten(on, birth_ranges(on), &mut |k| {
                    // The store selects by birth-date range and enrolment, and gives the
                    // diploma and exemptions; the domain's rule decides.
                    if !absoluut_verzuim(
                        k.geboortedatum,
                        on,
                        false,
                        k.vrijgesteld,
                        k.startkwalificatie,
                    ) {
                        return Ok(());
                    }
                    f(SignaalRegel {
                        leerling: k.leerling.to_string(),
                        school: None,
                        regel: Regel::Av.code().to_string(),
                        datum: on,
                        uitleg: if met_uitleg {
                            serde_json::json!({
                                "geboortedatum": k.geboortedatum,
                                "gemeente": k.gemeente,
                                "plicht": duty_status_met(k.geboortedatum, on, k.startkwalificatie),
                                "ingeschreven": false,
                            })
                        } else {
                            serde_json::Value::Null
                        },
                    })
                    .map_err(|e| {
                        let msg = e.to_string();
                        failure = Some(e);
                        leerrecht_store::StoreError::Invalid(msg)
                    })
                })
                .map_err(|e| failure.take().unwrap_or(AppError::from(e)))?;
        }
        Ok(())
    }
}

/// The region's rules over one (pupil, school) at a time, for a thread of a signal run.
struct Regelset<'a> {
    kalender: &'a Kalender,
    regels: &'a RegelsHistorie,
    evaluator: Evaluator,
    gevonden: Vec<Signaal>,
}

impl Beoordelaar for Regelset<'_> {
    fn beoordeel(&mut self, school: &str, rows: &[Dagtotaal]) -> (u64, u64) {
        self.gevonden.clear();
        self.evaluator.evaluate_totalen(
            rows,
            self.kalender.voor_school(school),
            self.regels,
            &mut self.gevonden,
        );
        (vingerafdruk(&self.gevonden), self.gevonden.len() as u64)
    }
    fn signalen(&self) -> Vec<OpgeslagenSignaal> {
        self.gevonden
            .iter()
            .map(|s| OpgeslagenSignaal {
                regel: s.regel.code(),
                datum: s.datum,
                uitleg: serde_json::to_string(&s.uitleg).expect("an explanation serialises"),
            })
            .collect()
    }
}

fn to_json(r: &Regels) -> String {
    serde_json::to_string(r).expect("rules serialise")
}
