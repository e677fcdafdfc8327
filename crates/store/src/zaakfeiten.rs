//! What the figures read from case events, decoded once for both databases: offers made,
//! offers started (which end a run of home-sitting), exemptions and enforcement.

use chrono::NaiveDate;
use leerrecht_domain::cijfers::{Handhaving, Vrijstelling};
use leerrecht_domain::zaak::Gebeurtenis;

use crate::{Result, StoreError};

/// Offers, starts and exemptions, per person (the store's number).
#[derive(Debug, Default)]
pub(crate) struct Zaakfeiten {
    pub aanbiedingen: Vec<(i64, NaiveDate)>,
    pub gestart: Vec<(i64, NaiveDate)>,
    pub vrijstellingen: Vec<Vrijstelling>,
    pub handhaving: Vec<Handhaving>,
}

impl Zaakfeiten {
    /// Adds what one stored event (its JSON) says; other kinds of event add nothing.
    pub fn lees(&mut self, persoon: i64, json: &str) -> Result<()> {
        let e: Gebeurtenis = serde_json::from_str(json)
            .map_err(|e| StoreError::Invalid(format!("gebeurtenis: {e}")))?;
        match e {
            Gebeurtenis::Aanbod {
                aangeboden,
                gestart,
                ..
            } => {
                self.aanbiedingen.push((persoon, aangeboden));
                self.gestart.extend(gestart.map(|g| (persoon, g)));
            }
            Gebeurtenis::AanbodGestart { gestart, .. } => self.gestart.push((persoon, gestart)),
            Gebeurtenis::Vrijstelling {
                artikel,
                geen_passend_aanbod,
                van,
                ..
            } => self.vrijstellingen.push(Vrijstelling {
                persoon,
                artikel,
                geen_passend_aanbod,
                van,
            }),
            Gebeurtenis::Halt { datum } => self.handhaving.push(Handhaving {
                persoon,
                proces_verbaal: None,
                datum,
            }),
            Gebeurtenis::ProcesVerbaal { datum, artikel } => self.handhaving.push(Handhaving {
                persoon,
                proces_verbaal: Some(artikel),
                datum,
            }),
            _ => {}
        }
        Ok(())
    }
}
