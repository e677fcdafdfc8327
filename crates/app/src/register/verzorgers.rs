//! Parents and guardians (docs/domain.md §13) changed one at a time by the leerplicht officer,
//! through the gate: the file's import gives a young person all of theirs at once
//! ([`super::import`]).

use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::verzorger::{email_geldig, telefoon_geldig, Verzorger};

use crate::toegang::{Actor, Gebruik};
use crate::{App, AppError, Result};

/// One change of a young person's verzorgers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerzorgerWijziging {
    /// A new one, after those there are; its name is new for this young person.
    Toevoegen(Verzorger),
    /// The one of this name goes.
    Verwijderen(String),
}

impl App {
    /// A young person's parents and guardians, for every reader who may see the person
    /// (audited as every read of a person is).
    pub fn verzorgers(&self, actor: &Actor, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
        let t = self.toegang(actor, Gebruik::PersoonBekijken, leerling, "verzorgers")?;
        self.lees_verzorgers(&t)
    }

    /// Adds or removes one of `leerling`'s verzorgers, as `actor` (leerplicht), audited. A
    /// name already there, or one that is not, is refused with the field it is about.
    pub fn verzorger_wijzigen(
        &self,
        actor: &Actor,
        leerling: LeerlingId,
        w: VerzorgerWijziging,
    ) -> Result<()> {
        let wat = match &w {
            VerzorgerWijziging::Toevoegen(v) => format!("verzorger toegevoegd: {}", v.relatie),
            VerzorgerWijziging::Verwijderen(_) => "verzorger verwijderd".to_string(),
        };
        self.toegang(actor, Gebruik::VerzorgersWijzigen, leerling, &wat)?;
        // The input is judged after the gate, so that a refused request tells nothing.
        if let VerzorgerWijziging::Toevoegen(v) = &w {
            invoer(v)?;
        }
        let r = self
            .store()
            .verzorgers_wijzigen(leerling, &mut |mut lijst| {
                match &w {
                    VerzorgerWijziging::Toevoegen(v) => {
                        if lijst.iter().any(|o| o.naam == v.naam) {
                            return Err(format!(
                                "naam: {:?} staat al bij de ouders en verzorgers",
                                v.naam
                            ));
                        }
                        lijst.push(Verzorger {
                            leerling,
                            ..v.clone()
                        });
                    }
                    VerzorgerWijziging::Verwijderen(naam) => {
                        let voor = lijst.len();
                        lijst.retain(|o| o.naam != *naam);
                        if lijst.len() == voor {
                            return Err(format!(
                                "naam: {naam:?} staat niet bij de ouders en verzorgers"
                            ));
                        }
                    }
                }
                Ok(lijst)
            })?;
        r.map_err(AppError::Invalid)
    }
}

/// What the import checks of a row, for one verzorger added by hand: a name and an address,
/// and a telephone number and e-mail address that are one when given.
fn invoer(v: &Verzorger) -> Result<()> {
    for (veld, waarde) in [
        ("naam", &v.naam),
        ("straat", &v.adres.straat),
        ("huisnummer", &v.adres.huisnummer),
        ("woonplaats", &v.adres.woonplaats),
    ] {
        if waarde.trim().is_empty() {
            return Err(AppError::Invalid(format!("{veld}: leeg")));
        }
    }
    if let Some(t) = v.telefoon.as_deref().filter(|t| !telefoon_geldig(t)) {
        return Err(AppError::Invalid(format!(
            "telefoon: {t:?} is geen telefoonnummer (10 tot 15 cijfers)"
        )));
    }
    if let Some(e) = v.email.as_deref().filter(|e| !email_geldig(e)) {
        return Err(AppError::Invalid(format!(
            "email: {e:?} is geen e-mailadres"
        )));
    }
    Ok(())
}
