//! The demo's parents and guardians (docs/domain.md §13): for every young person with a case,
//! the files a leerplicht officer opens, one or two verzorgers, most at one address, the same
//! for the same seed. They come in through the store's import, as a gemeente's file would.

use std::collections::BTreeMap;

use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::verzorger::{Adres, Relatie, Verzorger};
use leerrecht_domain::zaak::ZaakSoort;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::names::{ACHTERNAMEN, JONGENS, MEISJES};
use crate::Demo;
use leerrecht_app::toegang::{authorize, Action, Actor};
use leerrecht_app::{AppError, Result};

const STRATEN: &[&str] = &[
    "Kerkstraat",
    "Dorpsstraat",
    "Schoolstraat",
    "Molenweg",
    "Stationsweg",
    "Julianalaan",
    "Beatrixstraat",
    "Wilhelminastraat",
    "Parklaan",
    "Zeeweg",
    "Duinweg",
    "Lindenlaan",
    "Eikenlaan",
    "Rijksstraatweg",
    "Kennemerlaan",
];

impl Demo<'_> {
    /// Gives every young person with a case one or two verzorgers (a parent or two, now and
    /// then a guardian or foster parent), as the operator imports them. Returns how many.
    pub fn verzorgers(&self, actor: &Actor, seed: u64) -> Result<u64> {
        authorize(actor, Action::LoadDemo)?;
        let mut personen: BTreeMap<String, LeerlingId> = BTreeMap::new();
        for soort in [
            ZaakSoort::Verzuim,
            ZaakSoort::Thuiszitter,
            ZaakSoort::Vrijstelling,
        ] {
            for z in self.store().open_zaken(soort)? {
                personen.insert(z.leerling.to_string(), z.leerling);
            }
        }
        // The town of an address: the name of the young person's gemeente.
        let plaatsen: BTreeMap<String, String> = self
            .store()
            .organisaties()?
            .into_iter()
            .map(|o| (o.code.as_str().to_string(), o.naam))
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7665_727a_6f72_6773);
        let mut rijen = Vec::new();
        for leerling in personen.into_values() {
            let Some(j) = self.store().jongere(leerling)? else {
                continue;
            };
            let adres = Adres {
                straat: STRATEN.choose(&mut rng).expect("streets").to_string(),
                huisnummer: rng.gen_range(1..200u32).to_string(),
                postcode: format!(
                    "{} {}{}",
                    rng.gen_range(1000..10000u32),
                    (b'A' + rng.gen_range(0..26u8)) as char,
                    (b'A' + rng.gen_range(0..26u8)) as char
                )
                .parse()
                .map_err(AppError::Invalid)?,
                woonplaats: plaatsen
                    .get(j.gemeente.as_str())
                    .cloned()
                    .unwrap_or_else(|| j.gemeente.to_string()),
            };
            let (relatie, hoeveel) = relatie_van(rng.gen_range(0..20u32));
            // A guardian or foster parents have a name of their own.
            let achternaam = match relatie {
                Relatie::Ouder => j.achternaam.clone(),
                _ => ACHTERNAMEN.choose(&mut rng).expect("names").to_string(),
            };
            for i in 0..hoeveel {
                let voornaam = if i == 0 { MEISJES } else { JONGENS }
                    .choose(&mut rng)
                    .expect("names");
                // Now and then the second parent lives elsewhere: a second letter.
                let adres = if i == 1 && rng.gen_bool(0.25) {
                    Adres {
                        straat: STRATEN.choose(&mut rng).expect("streets").to_string(),
                        huisnummer: rng.gen_range(1..200u32).to_string(),
                        ..adres.clone()
                    }
                } else {
                    adres.clone()
                };
                let naam = format!("{voornaam} {achternaam}");
                rijen.push(Verzorger {
                    leerling,
                    telefoon: Some(format!(
                        "06-{:08}",
                        rng.gen_range(10_000_000..100_000_000u32)
                    )),
                    email: None,
                    naam,
                    relatie,
                    adres,
                });
            }
        }
        let n = rijen.len() as u64;
        let mut it = rijen
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as u64 + 2, v));
        let uitkomst = self
            .store()
            .import_verzorgers(&mut it, &mut |issues| issues.is_empty())?;
        if !uitkomst.committed {
            return Err(AppError::Invalid(format!(
                "demo verzorgers: {:?}",
                uitkomst.issues.first()
            )));
        }
        self.audit_operatie(actor, "demo_verzorgers", format!("{n} verzorgers"))?;
        Ok(n)
    }
}

/// The relation and how many verzorgers, from a draw of 0 to 19: mostly two parents, now and
/// then one, a guardian or foster parents.
fn relatie_van(n: u32) -> (Relatie, usize) {
    match n {
        0 => (Relatie::Voogd, 1),
        1 => (Relatie::Pleegouder, 2),
        2..=7 => (Relatie::Ouder, 1),
        _ => (Relatie::Ouder, 2),
    }
}
