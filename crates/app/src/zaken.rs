//! Cases (DOMAIN §7–8): opened at the leerplicht organisation that serves the young person's
//! home gemeente, changed only by adding events (each with who and when), and read as the
//! fold of their events up to any moment. Every use case passes the need-to-know gate.

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::ids::{GemeenteCode, LeerlingId};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::thuiszitters::{klok, Escalatieregels, Klok};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort, ZaakStaat};
use leerrecht_store::{ZaakEvent, ZaakRij};

use crate::access::{Actor, Gebruik};
use crate::audit::actor_fields;
use crate::{App, AppError, Result};

/// A case as one reads it: its row, its state, and the events that made it.
#[derive(Clone, Debug)]
pub struct Zaak {
    pub rij: ZaakRij,
    pub staat: ZaakStaat,
    pub events: Vec<ZaakEvent>,
}

impl App {
    /// Opens a case of `soort` for a person at the leerplicht organisation serving their home
    /// gemeente; a person has at most one open case of each kind.
    pub fn zaak_openen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        soort: ZaakSoort,
        datum: NaiveDate,
    ) -> Result<i64> {
        let t = self.toegang(
            actor,
            Gebruik::ZaakWijzigen,
            leerling,
            &format!("zaak {} openen", soort.code()),
        )?;
        self.zaak_openen_voor(actor, leerling, &t.ctx.jongere.gemeente, soort, datum)
    }

    /// Opens a case once the gate has let the actor through (to open it, or to confirm the
    /// melding that opens it).
    pub(crate) fn zaak_openen_voor(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        gemeente: &GemeenteCode,
        soort: ZaakSoort,
        datum: NaiveDate,
    ) -> Result<i64> {
        let org = self
            .store()
            .organisaties()?
            .into_iter()
            .find(|o| o.soort == OrgSoort::Leerplicht && o.bedient.contains(gemeente))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "no leerplicht organisation serves {gemeente}: register one with 'bedient'"
                ))
            })?;
        let (wie, wie_org, _, _) = actor_fields(actor);
        self.store()
            .zaak_openen(
                leerling,
                soort,
                org.code.as_str(),
                datum,
                self.now(),
                &wie,
                wie_org.as_deref(),
            )?
            .map_err(AppError::Invalid)
    }

    pub(crate) fn zaak_van(&self, id: i64) -> Result<ZaakRij> {
        self.store()
            .zaak(id)?
            .ok_or_else(|| AppError::Forbidden("geen toegang tot deze zaak".into()))
    }

    /// Records one event on a case, after checking that it fits the case's current state.
    pub fn zaak_vastleggen(&self, actor: &Actor, id: i64, e: Gebeurtenis) -> Result<()> {
        let rij = self.zaak_van(id)?;
        self.toegang(
            actor,
            Gebruik::ZaakWijzigen,
            rij.leerling,
            &format!("zaak {id}: {}", soort_van(&e)),
        )?;
        self.zaak_event(actor, id, &e)
    }

    /// Appends an event once the gate has let the actor through, after checking that it fits.
    pub(crate) fn zaak_event(&self, actor: &Actor, id: i64, e: &Gebeurtenis) -> Result<()> {
        let events = self.store().zaak_events(id)?;
        let staat = ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis));
        staat
            .check(e)
            .map_err(|why| AppError::Invalid(format!("{}: {why}", soort_van(e))))?;
        let (wie, wie_org, _, _) = actor_fields(actor);
        self.store()
            .zaak_event_toevoegen(
                id,
                events.len() as u32 + 1,
                self.now(),
                &wie,
                wie_org.as_deref(),
                e,
            )?
            .map_err(AppError::Invalid)
    }

    /// A case as it stood at `op` (the events recorded up to that moment), or now.
    pub fn zaak(&self, actor: &Actor, id: i64, op: Option<DateTime<Utc>>) -> Result<Zaak> {
        let rij = self.zaak_van(id)?;
        self.toegang(
            actor,
            Gebruik::ZaakLezen,
            rij.leerling,
            &format!("zaak {id}"),
        )?;
        let mut events = self.store().zaak_events(id)?;
        if let Some(op) = op {
            events.retain(|e| e.tijd <= op);
        }
        Ok(Zaak {
            staat: ZaakStaat::fold(events.iter().map(|e| &e.gebeurtenis)),
            rij,
            events,
        })
    }

    /// A person's cases, oldest first.
    pub fn zaken(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<ZaakRij>> {
        self.toegang(actor, Gebruik::ZaakLezen, leerling, "zaken")?;
        Ok(self.store().zaken_van(leerling)?)
    }

    /// The three-month clock of a thuiszitter on `on`, from the registrations and the offers
    /// made in the person's cases; None when the person is not a thuiszitter then.
    pub fn klok(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        on: NaiveDate,
        regels: &Escalatieregels,
    ) -> Result<Option<Klok>> {
        self.toegang(actor, Gebruik::RegistratiesLezen, leerling, "termijn")?;
        let perioden: Vec<_> = self
            .store()
            .registraties(leerling)?
            .unwrap_or_default()
            .iter()
            .map(|r| (r.categorie, r.van(), r.tot()))
            .collect();
        let mut aanbiedingen = Vec::new();
        for z in self.store().zaken_van(leerling)? {
            for e in self.store().zaak_events(z.id)? {
                if let Gebeurtenis::Aanbod { aangeboden, .. } = e.gebeurtenis {
                    aanbiedingen.push(aangeboden);
                }
            }
        }
        Ok(klok(&perioden, &aanbiedingen, on, regels))
    }
}

/// The kind of an event, as its stored form names it.
fn soort_van(e: &Gebeurtenis) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("soort").and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_default()
}
