//! Figures without persons (DOMAIN §9): the peildatum table of registered persons per category
//! on chosen dates (the Noord-Kennemerland table) and the main causes on a date.

use chrono::NaiveDate;
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak};
use serde::Serialize;

use crate::access::{authorize, Action, Actor};
use crate::{App, AppError, Result};

/// Which part of the region to count: all, one gemeente, or the gemeenten of one sub-region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gebied {
    pub gemeente: Option<String>,
    pub regio: Option<String>,
}

/// One row of the peildatum table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeildatumRij {
    pub categorie: &'static str,
    pub label: &'static str,
    pub aantallen: Vec<u64>,
}

/// Registered persons per category on each date, with a total row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Peildatum {
    pub peildata: Vec<NaiveDate>,
    pub rijen: Vec<PeildatumRij>,
}

/// One row of the causes table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OorzaakRij {
    pub oorzaak: &'static str,
    pub label: &'static str,
    pub aantal: u64,
}

/// Registered persons per main cause on one date, with a total row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Oorzaken {
    pub peildatum: NaiveDate,
    pub rijen: Vec<OorzaakRij>,
}

impl App {
    /// The gemeenten in `gebied`, or None for all.
    fn gemeenten_van(&self, gebied: &Gebied) -> Result<Option<Vec<String>>> {
        if gebied.gemeente.is_none() && gebied.regio.is_none() {
            return Ok(None);
        }
        let orgs = self.store().organisaties()?;
        let gemeenten: Vec<String> = orgs
            .iter()
            .filter(|o| o.soort == OrgSoort::Gemeente)
            .filter(|o| {
                gebied
                    .gemeente
                    .as_deref()
                    .is_none_or(|g| o.code.as_str() == g)
            })
            .filter(|o| {
                gebied.regio.as_deref().is_none_or(|r| {
                    o.regio
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(r))
                })
            })
            .map(|o| o.code.as_str().to_string())
            .collect();
        if gemeenten.is_empty() {
            return Err(AppError::Invalid(format!(
                "gebied: no gemeente matches {}",
                gebied
                    .gemeente
                    .clone()
                    .or(gebied.regio.clone())
                    .unwrap_or_default()
            )));
        }
        Ok(Some(gemeenten))
    }

    fn geteld(
        &self,
        on: NaiveDate,
        gemeenten: &Option<Vec<String>>,
    ) -> Result<Vec<(Categorie, Oorzaak)>> {
        Ok(self
            .store()
            .registraties_op(on)?
            .into_iter()
            .filter(|(_, _, g)| gemeenten.as_ref().is_none_or(|gs| gs.contains(g)))
            .map(|(c, o, _)| (c, o))
            .collect())
    }

    /// Registered persons per category on each of `dates`, plus the total.
    pub fn rapport_peildatum(
        &self,
        actor: &Actor,
        dates: &[NaiveDate],
        gebied: &Gebied,
    ) -> Result<Peildatum> {
        authorize(actor, Action::ReadFigures)?;
        if dates.is_empty() {
            return Err(AppError::Invalid("dates: at least one".into()));
        }
        let gemeenten = self.gemeenten_van(gebied)?;
        let mut rijen: Vec<PeildatumRij> = Categorie::ALL
            .iter()
            .map(|c| PeildatumRij {
                categorie: c.code(),
                label: c.label(),
                aantallen: Vec::with_capacity(dates.len()),
            })
            .collect();
        let mut totaal = Vec::with_capacity(dates.len());
        for d in dates {
            let geteld = self.geteld(*d, &gemeenten)?;
            for (rij, c) in rijen.iter_mut().zip(Categorie::ALL) {
                rij.aantallen
                    .push(geteld.iter().filter(|(x, _)| *x == c).count() as u64);
            }
            totaal.push(geteld.len() as u64);
        }
        rijen.push(PeildatumRij {
            categorie: "totaal",
            label: "Totaal",
            aantallen: totaal,
        });
        Ok(Peildatum {
            peildata: dates.to_vec(),
            rijen,
        })
    }

    /// Registered persons per main cause on `on`, plus the total.
    pub fn rapport_oorzaken(
        &self,
        actor: &Actor,
        on: NaiveDate,
        gebied: &Gebied,
    ) -> Result<Oorzaken> {
        authorize(actor, Action::ReadFigures)?;
        let geteld = self.geteld(on, &self.gemeenten_van(gebied)?)?;
        let mut rijen: Vec<OorzaakRij> = Oorzaak::ALL
            .iter()
            .map(|o| OorzaakRij {
                oorzaak: o.code(),
                label: o.label(),
                aantal: geteld.iter().filter(|(_, x)| x == o).count() as u64,
            })
            .collect();
        rijen.push(OorzaakRij {
            oorzaak: "totaal",
            label: "Totaal",
            aantal: geteld.len() as u64,
        });
        Ok(Oorzaken {
            peildatum: on,
            rijen,
        })
    }
}
