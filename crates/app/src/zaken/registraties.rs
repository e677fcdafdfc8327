//! The shared thuiszitters list (docs/domain.md §8): registration periods per person, changes of
//! category. The three-month clock is with the cases (`zaken`), whose offers stop it. Every
//! use case passes the need-to-know gate.

use chrono::NaiveDate;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};

use crate::toegang::{Actor, Gebruik};
use crate::{App, AppError, Result};

impl App {
    /// A person's registration periods, by start.
    pub fn registraties(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<Registratie>> {
        let t = self.toegang(actor, Gebruik::RegistratiesLezen, leerling, "registraties")?;
        self.lees_registraties(&t)
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
}
