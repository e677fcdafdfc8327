//! The shared thuiszitters list (DOMAIN §8): registration periods per person, changes of
//! category, and the three-month clock. Every use case passes the need-to-know gate.

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::thuiszitters::{
    klok, Categorie, Escalatieregels, Klok, Oorzaak, Registratie,
};

use crate::access::{Actor, Gebruik};
use crate::{App, AppError, Result};

impl App {
    /// A person's registration periods, by start.
    pub fn registraties(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<Registratie>> {
        self.toegang(actor, Gebruik::RegistratiesLezen, leerling, "registraties")?;
        Ok(self.store().registraties(leerling)?.unwrap_or_default())
    }

    /// Registers a person in a category from `per` on (closing the period open then), or with
    /// `None` ends the open registration on the day before `per`.
    pub fn registratie_wijzigen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        nieuw: Option<(Categorie, Oorzaak)>,
        per: NaiveDate,
    ) -> Result<()> {
        let wat = match nieuw {
            Some((c, o)) => format!("registratie {c} ({o}) vanaf {per}"),
            None => format!("registratie beëindigd per {per}"),
        };
        self.toegang(actor, Gebruik::RegistratiesWijzigen, leerling, &wat)?;
        self.store()
            .registratie_wijzigen(leerling, nieuw, per)?
            .map_err(|e| AppError::Invalid(format!("per: {e}")))
    }

    /// The three-month clock of a thuiszitter on `on`; None when the person is not one then.
    /// Offers come with the cases; until then the clock runs from the registrations alone.
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
        Ok(klok(&perioden, &[], on, regels))
    }
}
