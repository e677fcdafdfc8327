//! The life of a melding (DOMAIN §7): drafts made from signals for the school to confirm; a
//! confirmed melding opens or joins the pupil's verzuim case at the leerplicht organisation
//! that serves their home gemeente; the municipality answers with a status and, on closing,
//! a reason. Every use case passes the need-to-know gate.

use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};
use leerrecht_store::MeldingStaat;

use crate::access::{authorize, Action, Actor, Gebruik};
use crate::{App, AppError, Result};

/// The statuses a melding can have; `concept` is a draft made from a signal.
pub const STATUSSEN: [&str; 6] = [
    "concept",
    "geregistreerd",
    "in_behandeling",
    "afgesloten",
    "ingetrokken",
    "ter_kennisgeving",
];

/// The reasons for closing (DOMAIN §7).
pub const AFSLUITREDENEN: [&str; 7] = [
    "terug_naar_school",
    "andere_opleiding",
    "werk",
    "overig_uitgeschreven",
    "overleden",
    "langdurig_ziek",
    "legitiem_afwezig",
];

impl App {
    /// Makes a draft melding for every `16uur`, `luxe`, `te_laat` or `lrv` signal that has
    /// none yet (running twice makes nothing more); returns how many were made.
    pub fn concepten_maken(&self, actor: &Actor) -> Result<u64> {
        authorize(actor, Action::WriteAbsence)?;
        let n = self.store().concepten_uit_signalen()?;
        self.audit_operatie(actor, "concepten_maken", format!("{n} conceptmeldingen"))?;
        Ok(n)
    }

    fn melding_met(&self, id: i64) -> Result<MeldingStaat> {
        self.store()
            .melding(id)?
            .ok_or_else(|| AppError::Forbidden("geen toegang tot deze melding".into()))
    }

    /// A person's meldingen with their status.
    pub fn meldingen(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<MeldingStaat>> {
        self.toegang(actor, Gebruik::MeldingenLezen, leerling, "meldingen")?;
        Ok(self.store().meldingen_van(leerling)?)
    }

    /// The school confirms a draft: it becomes `geregistreerd` and opens (or joins) the
    /// pupil's verzuim case. Returns the case.
    pub fn melding_bevestigen(&self, actor: &Actor, id: i64) -> Result<i64> {
        let m = self.melding_met(id)?;
        let t = self.toegang(
            actor,
            Gebruik::MeldingIndienen,
            m.leerling,
            &format!("melding {id} bevestigen"),
        )?;
        if m.status != "concept" {
            return Err(AppError::Invalid(format!(
                "melding {id} is {}, not a draft",
                m.status
            )));
        }
        let open = self
            .store()
            .zaken_van(m.leerling)?
            .into_iter()
            .find(|z| z.soort == ZaakSoort::Verzuim && z.gesloten.is_none());
        let today = self.now().date_naive();
        let zaak = match open {
            Some(z) => z.id,
            None => self.zaak_openen_voor(
                actor,
                m.leerling,
                &t.ctx.jongere.gemeente,
                ZaakSoort::Verzuim,
                today,
            )?,
        };
        if !self
            .store()
            .melding_zetten(id, "concept", "geregistreerd", None, Some(zaak))?
        {
            return Err(AppError::Invalid(format!("melding {id} changed meanwhile")));
        }
        self.zaak_event(
            actor,
            zaak,
            &Gebeurtenis::MeldingToegevoegd {
                melding: id,
                datum: today,
            },
        )?;
        Ok(zaak)
    }

    /// The municipality's answer: `in_behandeling`, `ter_kennisgeving` or `afgesloten` (with a
    /// reason); a school may withdraw (`ingetrokken`) a melding that is not yet handled.
    pub fn melding_status(
        &self,
        actor: &Actor,
        id: i64,
        naar: &str,
        afsluitreden: Option<&str>,
    ) -> Result<()> {
        let m = self.melding_met(id)?;
        let gebruik = if naar == "ingetrokken" {
            Gebruik::MeldingIndienen
        } else {
            Gebruik::MeldingBehandelen
        };
        self.toegang(
            actor,
            gebruik,
            m.leerling,
            &format!("melding {id}: {} → {naar}", m.status),
        )?;
        let allowed = matches!(
            (m.status.as_str(), naar),
            (
                "geregistreerd",
                "in_behandeling" | "ter_kennisgeving" | "afgesloten"
            ) | ("in_behandeling", "afgesloten")
                | ("concept" | "geregistreerd", "ingetrokken")
        );
        if !allowed {
            return Err(AppError::Invalid(format!(
                "status: a melding that is {} cannot become {naar}",
                m.status
            )));
        }
        match (naar, afsluitreden) {
            ("afgesloten", Some(r)) if AFSLUITREDENEN.contains(&r) => {}
            ("afgesloten", _) => {
                return Err(AppError::Invalid(format!(
                    "afsluitreden: one of {}",
                    AFSLUITREDENEN.join(", ")
                )))
            }
            (_, Some(_)) => {
                return Err(AppError::Invalid(
                    "afsluitreden: only when closing (afgesloten)".into(),
                ))
            }
            _ => {}
        }
        if !self
            .store()
            .melding_zetten(id, &m.status, naar, afsluitreden, None)?
        {
            return Err(AppError::Invalid(format!("melding {id} changed meanwhile")));
        }
        Ok(())
    }
}
