//! The reads that hand one person's records to a reader. Each takes the [`Toegang`] the gate
//! made for that person ([`App::toegang`]) — a value no code outside [`crate::toegang`] can
//! make — reads that person's records only, and keeps the rows [`super::zicht`] lets the
//! reader see: a use case cannot hand out a person's records without the gate's decision
//! and its audit entry, nor rows the reader may not see.

use chrono::NaiveDate;
use leerrecht_domain::person::Inschrijving;
use leerrecht_domain::thuiszitters::Registratie;
use leerrecht_store::api::VerzuimRegel;
use leerrecht_store::{MeldingStaat, SignaalRij, ZaakRij};

use super::zicht::{melding_rij_zichtbaar, signaal_zichtbaar, verzuim_zichtbaar, zaak_zichtbaar};
use super::{Actor, Toegang};
use crate::{App, Result};

impl App {
    /// The person's enrolments, by start.
    pub(crate) fn lees_inschrijvingen(&self, t: &Toegang) -> Result<Vec<Inschrijving>> {
        Ok(self.store().inschrijvingen_van(t.leerling())?)
    }

    /// The person's stored absence from `van` to `tot` that `actor` may see, by date.
    pub(crate) fn lees_verzuim(
        &self,
        actor: &Actor,
        t: &Toegang,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Vec<VerzuimRegel>> {
        let mut rows = self.store().verzuim_van(t.leerling(), van, tot)?;
        rows.retain(|r| verzuim_zichtbaar(actor, t, r));
        Ok(rows)
    }

    /// The person's signals that `actor` may see, by date.
    pub(crate) fn lees_signalen(&self, actor: &Actor, t: &Toegang) -> Result<Vec<SignaalRij>> {
        let mut rows = self.store().signalen_van(t.leerling())?;
        rows.retain(|r| signaal_zichtbaar(actor, r));
        Ok(rows)
    }

    /// The person's meldingen that `actor` may see.
    pub(crate) fn lees_meldingen(&self, actor: &Actor, t: &Toegang) -> Result<Vec<MeldingStaat>> {
        let mut rows = self.store().meldingen_van(t.leerling())?;
        rows.retain(|m| melding_rij_zichtbaar(actor, m));
        Ok(rows)
    }

    /// The person's parents and guardians, in their order.
    pub(crate) fn lees_verzorgers(
        &self,
        t: &Toegang,
    ) -> Result<Vec<leerrecht_domain::verzorger::Verzorger>> {
        Ok(self.store().verzorgers_van(t.leerling())?)
    }

    /// The person's registration periods, by start.
    pub(crate) fn lees_registraties(&self, t: &Toegang) -> Result<Vec<Registratie>> {
        Ok(self.store().registraties(t.leerling())?.unwrap_or_default())
    }

    /// The person's cases that `actor` may see, oldest first.
    pub(crate) fn lees_zaken(&self, actor: &Actor, t: &Toegang) -> Result<Vec<ZaakRij>> {
        let nood = t.noodtoegang.is_some();
        let mut zaken = self.store().zaken_van(t.leerling())?;
        zaken.retain(|z| zaak_zichtbaar(actor, &t.ctx, nood, z.id));
        Ok(zaken)
    }
}
