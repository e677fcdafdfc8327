//! Questions about people on a date: who lives where, how old, under which duty, enrolled where;
//! and per gemeente how many are leerplichtig or kwalificatieplichtig, and enrolled.

use chrono::NaiveDate;
use leerrecht_domain::duty::{age_on, birth_ranges, duty_status_met, DutyStatus};
use leerrecht_domain::ids::{GemeenteCode, LeerlingId, SchoolCode};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::person::Sector;
use serde::Serialize;

use crate::toegang::{authorize, Action, Actor};
use crate::{App, AppError, Result};

/// One person on a date, as `leerrecht jongeren` lists them.
#[derive(Clone, Debug, Serialize)]
pub struct JongereOpDatum {
    pub leerling: LeerlingId,
    pub achternaam: String,
    pub voornamen: String,
    pub geboortedatum: NaiveDate,
    pub gemeente: GemeenteCode,
    pub leeftijd: u32,
    pub plicht: DutyStatus,
    pub school: Option<SchoolCode>,
    pub sector: Option<Sector>,
}

/// Counts of one gemeente on a date (`leerrecht overzicht`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct GemeenteOverzicht {
    pub gemeente: String,
    pub naam: String,
    pub jongeren: u64,
    pub leerplichtig: u64,
    pub leerplichtig_ingeschreven: u64,
    pub kwalificatieplichtig: u64,
    pub kwalificatieplichtig_ingeschreven: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Overzicht {
    pub peildatum: NaiveDate,
    pub gemeenten: Vec<GemeenteOverzicht>,
}

impl App {
    /// Streams every person (of one gemeente, if given) with age, duty and enrolment on `on`.
    pub fn jongeren(
        &self,
        actor: &Actor,
        on: NaiveDate,
        gemeente: Option<&GemeenteCode>,
        f: &mut dyn FnMut(JongereOpDatum) -> Result<()>,
    ) -> Result<()> {
        authorize(actor, Action::ReadPersons)?;
        self.audit_operatie(
            actor,
            "jongeren_lijst",
            format!(
                "peildatum {on}, gemeente {}",
                gemeente.map_or("alle", |g| g.as_str())
            ),
        )?;
        let mut failure = None;
        self.store()
            .for_each_jongere(on, gemeente, &mut |rij| {
                let j = rij.jongere;
                let (school, sector) = rij
                    .inschrijving
                    .map_or((None, None), |(s, k)| (Some(s), Some(k)));
                let item = JongereOpDatum {
                    leerling: j.leerling_id(),
                    leeftijd: age_on(j.geboortedatum, on),
                    plicht: duty_status_met(j.geboortedatum, on, rij.startkwalificatie),
                    achternaam: j.achternaam,
                    voornamen: j.voornamen,
                    geboortedatum: j.geboortedatum,
                    gemeente: j.gemeente,
                    school,
                    sector,
                };
                f(item).map_err(|e| {
                    let msg = e.to_string();
                    failure = Some(e);
                    leerrecht_store::StoreError::Invalid(msg)
                })
            })
            .map_err(|e| failure.take().unwrap_or(AppError::from(e)))
    }

    /// Per gemeente of residence: people, leerplichtig and kwalificatieplichtig on `on`, and of
    /// those how many are enrolled. Every registered gemeente appears, even with no people.
    pub fn overzicht(&self, actor: &Actor, on: NaiveDate) -> Result<Overzicht> {
        authorize(actor, Action::ReadFigures)?;
        let counts = self.store().overzicht(on, birth_ranges(on))?;
        let mut gemeenten: Vec<GemeenteOverzicht> = self
            .store()
            .organisaties()?
            .into_iter()
            .filter(|o| o.soort == OrgSoort::Gemeente)
            .map(|o| GemeenteOverzicht {
                gemeente: o.code.as_str().to_string(),
                naam: o.naam,
                jongeren: 0,
                leerplichtig: 0,
                leerplichtig_ingeschreven: 0,
                kwalificatieplichtig: 0,
                kwalificatieplichtig_ingeschreven: 0,
            })
            .collect();
        for c in counts {
            let row = match gemeenten.iter_mut().find(|g| g.gemeente == c.gemeente) {
                Some(row) => row,
                None => {
                    gemeenten.push(GemeenteOverzicht {
                        naam: String::new(),
                        gemeente: c.gemeente.clone(),
                        jongeren: 0,
                        leerplichtig: 0,
                        leerplichtig_ingeschreven: 0,
                        kwalificatieplichtig: 0,
                        kwalificatieplichtig_ingeschreven: 0,
                    });
                    gemeenten.last_mut().expect("just pushed")
                }
            };
            row.jongeren = c.jongeren;
            row.leerplichtig = c.leerplichtig;
            row.leerplichtig_ingeschreven = c.leerplichtig_ingeschreven;
            row.kwalificatieplichtig = c.kwalificatieplichtig;
            row.kwalificatieplichtig_ingeschreven = c.kwalificatieplichtig_ingeschreven;
        }
        gemeenten.sort_by(|a, b| a.gemeente.cmp(&b.gemeente));
        Ok(Overzicht {
            peildatum: on,
            gemeenten,
        })
    }
}
