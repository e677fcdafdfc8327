//! Exemptions (*vrijstellingen*, docs/domain.md §8) as cases of their own kind: recording one opens
//! (or adds to) the person's open exemption case at the serving leerplicht bureau, never a
//! thuiszitter case. The case checks what the law asks of each article (5 sub a: a statement
//! not older than three months at the decision); the worklist flags yearly renewals and
//! exemptions given because no suitable offer exists.

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::zaak::{Artikel, Gebeurtenis, Verklaring, ZaakSoort, ZaakStaat};

use crate::toegang::Actor;
use crate::{App, Result};

/// An exemption to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NieuweVrijstelling {
    pub artikel: Artikel,
    pub reden: String,
    pub geen_passend_aanbod: bool,
    pub van: NaiveDate,
    pub tot: Option<NaiveDate>,
    pub verklaring: Option<Verklaring>,
}

/// An exemption as recorded, with its case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VastgelegdeVrijstelling {
    pub zaak: i64,
    pub vrijstelling: leerrecht_domain::zaak::Vrijstelling,
    /// For a yearly exemption without an end: when it is to be renewed.
    pub verlengen_op: Option<NaiveDate>,
}

impl App {
    /// Records an exemption in the person's open exemption case, opened on `van` when there
    /// is none; returns the case.
    pub fn vrijstelling_vastleggen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        v: NieuweVrijstelling,
    ) -> Result<i64> {
        let open = self
            .zaken(actor, leerling)?
            .into_iter()
            .find(|z| z.gesloten.is_none() && z.soort == ZaakSoort::Vrijstelling);
        let zaak = match open {
            Some(z) => z.id,
            None => self.zaak_openen(actor, leerling, ZaakSoort::Vrijstelling, v.van)?,
        };
        self.zaak_vastleggen(
            actor,
            zaak,
            Gebeurtenis::Vrijstelling {
                artikel: v.artikel,
                reden: v.reden.trim().to_string(),
                geen_passend_aanbod: v.geen_passend_aanbod,
                van: v.van,
                tot: v.tot,
                verklaring: v.verklaring,
            },
        )?;
        Ok(zaak)
    }

    /// A person's exemptions in all their cases (also those recorded in a thuiszitter case
    /// before exemptions had cases of their own), oldest case first.
    pub fn vrijstellingen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
    ) -> Result<Vec<VastgelegdeVrijstelling>> {
        let mut out = Vec::new();
        for z in self.zaken_met_events(actor, leerling)? {
            let staat = ZaakStaat::fold(z.events.iter().map(|e| &e.gebeurtenis));
            let te_verlengen: Vec<(Artikel, NaiveDate, NaiveDate)> = staat
                .te_verlengen()
                .into_iter()
                .map(|(v, op)| (v.artikel, v.van, op))
                .collect();
            for v in staat.vrijstellingen {
                let verlengen_op = te_verlengen
                    .iter()
                    .find(|(a, van, _)| *a == v.artikel && *van == v.van)
                    .map(|(_, _, op)| *op);
                out.push(VastgelegdeVrijstelling {
                    zaak: z.rij.id,
                    vrijstelling: v,
                    verlengen_op,
                });
            }
        }
        Ok(out)
    }
}
