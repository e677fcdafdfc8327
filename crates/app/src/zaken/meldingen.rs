//! The life of a melding (docs/domain.md §7): drafts made from signals for the school to confirm; a
//! confirmed melding opens or joins the pupil's verzuim case at the leerplicht organisation
//! that serves their home gemeente; the municipality answers with a status and, on closing,
//! a reason. Every use case passes the need-to-know gate.

use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};
use leerrecht_store::{MeldingRij, MeldingStaat, MeldingZetting};

use crate::toegang::{authorize, Action, Actor, Gebruik, Onderwerp, Toegang};
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

/// The reasons for closing (docs/domain.md §7).
pub const AFSLUITREDENEN: [&str; 7] = [
    "terug_naar_school",
    "andere_opleiding",
    "werk",
    "overig_uitgeschreven",
    "overleden",
    "langdurig_ziek",
    "legitiem_afwezig",
];

/// The reasons a school withdraws a melding for (docs/domain.md §7); a draft whose signal fell away
/// is withdrawn by the system with `signaal_vervallen`.
pub const INTREKREDENEN: [&str; 3] = [
    "achteraf_geoorloofd",
    "ziek_achteraf_gemeld",
    "administratieve_fout",
];

/// The longest explanation a school may add to a withdrawal.
pub const TOELICHTING_MAX: usize = 2000;

impl App {
    /// Brings every registered melding that belongs to no case yet (an imported one) into
    /// the pupil's verzuim case, opening it when there is none; returns how many.
    pub fn meldingen_koppelen(&self, actor: &Actor) -> Result<usize> {
        authorize(actor, Action::WriteAbsence)?;
        let mut n = 0;
        let open = self.store().meldingen_zonder_zaak()?;
        if !open.is_empty() {
            self.audit_begin(
                actor,
                "meldingen_koppelen",
                format!("{} meldingen", open.len()),
            )?;
        }
        for m in open {
            let zaak = self.verzuimzaak_voor(actor, m.leerling)?;
            // The case's event first, then the melding's link, each its own transaction: a
            // crash in between leaves the melding without a case, which the next run (or
            // `App::herstellen`) links without recording the event twice.
            let recorded = self.store().zaak_events(zaak)?.iter().any(|e| {
                matches!(e.gebeurtenis, Gebeurtenis::MeldingToegevoegd { melding, .. } if melding == m.id)
            });
            if !recorded {
                self.zaak_event(
                    actor,
                    zaak,
                    &Gebeurtenis::MeldingToegevoegd {
                        melding: m.id,
                        datum: self.now().date_naive(),
                    },
                )?;
            }
            if self.store().melding_zetten(
                m.id,
                MeldingZetting {
                    van: &m.status,
                    naar: &m.status,
                    zaak_id: Some(zaak),
                    ..Default::default()
                },
            )? {
                n += 1;
            }
        }
        if n > 0 {
            self.audit_operatie(
                actor,
                "meldingen_koppelen",
                format!("{n} meldingen aan zaken"),
            )?;
        }
        Ok(n)
    }

    /// Moves a melding from status `van` to `naar` into case `zaak` and records that in the
    /// case; false (and nothing recorded) when the melding's status is no longer `van`.
    fn melding_in_zaak(
        &self,
        actor: &Actor,
        id: i64,
        van: &str,
        naar: &str,
        zaak: i64,
    ) -> Result<bool> {
        if !self.store().melding_zetten(
            id,
            MeldingZetting {
                van,
                naar,
                zaak_id: Some(zaak),
                ..Default::default()
            },
        )? {
            return Ok(false);
        }
        self.zaak_event(
            actor,
            zaak,
            &Gebeurtenis::MeldingToegevoegd {
                melding: id,
                datum: self.now().date_naive(),
            },
        )?;
        Ok(true)
    }

    /// The pupil's open verzuim case, opened at the bureau serving their home gemeente when
    /// there is none. The caller has passed the gate for the melding.
    fn verzuimzaak_voor(&self, actor: &Actor, leerling: LeerlingId) -> Result<i64> {
        if let Some(z) = self
            .store()
            .zaken_van(leerling)?
            .into_iter()
            .find(|z| z.soort == ZaakSoort::Verzuim && z.gesloten.is_none())
        {
            return Ok(z.id);
        }
        let today = self.now().date_naive();
        let ctx = self
            .store()
            .persoon_context(leerling, today)?
            .ok_or_else(|| AppError::Forbidden(crate::toegang::GEEN_TOEGANG.into()))?;
        self.zaak_openen_voor(
            actor,
            leerling,
            &ctx.jongere.gemeente,
            ZaakSoort::Verzuim,
            today,
        )
    }

    /// A school files a melding itself (not from a draft), with everything docs/domain.md §7 asks;
    /// it is registered at once and joins (or opens) the pupil's verzuim case. Returns the
    /// melding and the case.
    pub fn melding_indienen(&self, actor: &Actor, m: MeldingRij) -> Result<(i64, i64)> {
        // A school files for itself only: the gate refuses a melding of another school.
        self.toegang_melding(
            actor,
            Gebruik::MeldingIndienen,
            m.leerling,
            &m.school,
            &format!("melding {} indienen", m.verzuimsoort),
        )?;
        let (leerling, school, begindatum, soort) =
            (m.leerling, m.school.clone(), m.begindatum, m.verzuimsoort);
        let mut one = std::iter::once((1u64, m));
        // As for an import: marked until it has joined its case (`App::herstellen`).
        let markering = crate::herstel::koppelen_markering();
        let outcome = self.store().import_meldingen(
            &mut one,
            &mut |issues| issues.is_empty(),
            Some(&markering),
        )?;
        if let Some(i) = outcome.issues.first() {
            return Err(AppError::Invalid(format!("{}: {}", i.column, i.reason)));
        }
        let id = self
            .store()
            .meldingen_van(leerling)?
            .into_iter()
            .find(|x| x.school == school && x.begindatum == begindatum && x.verzuimsoort == soort)
            .map(|x| x.id)
            .ok_or_else(|| AppError::Invalid("the melding was not stored".into()))?;
        let zaak = self.verzuimzaak_voor(actor, leerling)?;
        self.melding_in_zaak(actor, id, "geregistreerd", "geregistreerd", zaak)?;
        self.store().set_instelling(&markering, None)?;
        Ok((id, zaak))
    }

    /// The gate for `gebruik` of a melding of `school` about `leerling`: a school reaches its
    /// own meldingen only.
    fn toegang_melding(
        &self,
        actor: &Actor,
        gebruik: Gebruik,
        leerling: LeerlingId,
        school: &SchoolCode,
        record: &str,
    ) -> Result<Toegang> {
        let onderwerp = Onderwerp::Melding {
            school: school.as_str().to_string(),
        };
        self.toegang_over(actor, gebruik, leerling, &onderwerp, record)
    }

    /// A melding asked for by number, on behalf of `actor`: a number that names no melding
    /// is refused as someone else's melding would be (audited, the same answer).
    fn melding_met(&self, actor: &Actor, gebruik: Gebruik, id: i64) -> Result<MeldingStaat> {
        match self.store().melding(id)? {
            Some(m) => Ok(m),
            None => Err(self.onbekend_geweigerd(actor, gebruik, None, &format!("melding {id}"))?),
        }
    }

    /// A person's meldingen with their status: a school sees its own only (docs/domain.md §10),
    /// also of a pupil that was enrolled at another school before; a draft stays at its school.
    pub fn meldingen(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<MeldingStaat>> {
        let t = self.toegang(actor, Gebruik::MeldingenLezen, leerling, "meldingen")?;
        self.lees_meldingen(actor, &t)
    }

    /// The school confirms a draft: it becomes `geregistreerd` and opens (or joins) the
    /// pupil's verzuim case. Returns the case.
    pub fn melding_bevestigen(&self, actor: &Actor, id: i64) -> Result<i64> {
        let m = self.melding_met(actor, Gebruik::MeldingIndienen, id)?;
        // Only the school whose draft it is confirms it (the gate refuses another school's).
        self.toegang_melding(
            actor,
            Gebruik::MeldingIndienen,
            m.leerling,
            &m.school,
            &format!("melding {id} bevestigen"),
        )?;
        if m.status != "concept" {
            return Err(AppError::Invalid(format!(
                "melding {id} is {}, not a draft",
                m.status
            )));
        }
        let zaak = self.verzuimzaak_voor(actor, m.leerling)?;
        if !self.melding_in_zaak(actor, id, "concept", "geregistreerd", zaak)? {
            return Err(AppError::Invalid(format!("melding {id} changed meanwhile")));
        }
        Ok(zaak)
    }

    /// The municipality's answer: `in_behandeling`, `ter_kennisgeving` or `afgesloten` (with a
    /// reason from [`AFSLUITREDENEN`]); a school may withdraw (`ingetrokken`) a melding that is
    /// not yet handled, with a reason from [`INTREKREDENEN`].
    pub fn melding_status(
        &self,
        actor: &Actor,
        id: i64,
        naar: &str,
        afsluitreden: Option<&str>,
    ) -> Result<()> {
        self.melding_status_met(actor, id, naar, afsluitreden, None)
    }

    /// [`App::melding_status`] with the school's own words on a withdrawal.
    pub fn melding_status_met(
        &self,
        actor: &Actor,
        id: i64,
        naar: &str,
        afsluitreden: Option<&str>,
        toelichting: Option<&str>,
    ) -> Result<()> {
        let gebruik = if naar == "ingetrokken" {
            Gebruik::MeldingIndienen
        } else {
            Gebruik::MeldingBehandelen
        };
        let m = self.melding_met(actor, gebruik, id)?;
        self.toegang_melding(
            actor,
            gebruik,
            m.leerling,
            &m.school,
            &match (naar, afsluitreden) {
                // Only a reason of the list reaches the audit log, never free input.
                ("ingetrokken", Some(r)) if INTREKREDENEN.contains(&r) => {
                    format!("melding {id}: {} → {naar} ({r})", m.status)
                }
                _ => format!("melding {id}: {} → {naar}", m.status),
            },
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
            ("ingetrokken", Some(r)) if INTREKREDENEN.contains(&r) => {}
            ("ingetrokken", _) => {
                return Err(AppError::Invalid(format!(
                    "afsluitreden: to withdraw, one of {}",
                    INTREKREDENEN.join(", ")
                )))
            }
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
        let toelichting = toelichting.map(str::trim).filter(|t| !t.is_empty());
        match toelichting {
            Some(_) if naar != "ingetrokken" => {
                return Err(AppError::Invalid(
                    "toelichting: only when withdrawing (ingetrokken)".into(),
                ))
            }
            Some(t) if t.chars().count() > TOELICHTING_MAX => {
                return Err(AppError::Invalid(format!(
                    "toelichting: at most {TOELICHTING_MAX} characters"
                )))
            }
            _ => {}
        }
        if !self.store().melding_zetten(
            id,
            MeldingZetting {
                van: &m.status,
                naar,
                afsluitreden,
                toelichting,
                zaak_id: None,
            },
        )? {
            return Err(AppError::Invalid(format!("melding {id} changed meanwhile")));
        }
        Ok(())
    }
}
