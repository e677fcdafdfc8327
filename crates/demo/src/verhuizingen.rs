//! Moves in the demo (docs/domain.md §13): a neighbouring gemeente with a leerplicht bureau of
//! its own, and a few young people with an open case who move there, through the ordinary
//! imports, so that their cases are handed over and the region's bureau reads them for the
//! transition period.

use std::collections::BTreeMap;

use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::{authorize, Action, Actor};
use leerrecht_app::{AppError, Result};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::zaak::ZaakSoort;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::Demo;

/// The neighbouring gemeente and its bureau.
pub const BUREN: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0479;gemeente;Zaanstad;;Zaanstreek-Waterland;;
RBL-ZW;leerplicht;Regionaal Bureau Leerplicht Zaanstreek-Waterland;GM0479;Zaanstreek-Waterland;;GM0479
";

/// How many young people with an open case move.
pub const VERHUIZERS: usize = 3;

impl Demo<'_> {
    /// When the demo has one leerplicht bureau (the seed region), adds [`BUREN`] and moves
    /// [`VERHUIZERS`] young people with an open absence or thuiszitter case there today, as a
    /// file of `jongeren` would: the cases go to RBL-ZW, and the region's bureau reads them for
    /// `[overdracht] dagen`. One pupil comes the other way, with an absence case of RBL-ZW
    /// that the region's bureau takes over. Returns how many moved away, and how many came.
    pub fn verhuizingen(&self, actor: &Actor, seed: u64) -> Result<(u64, u64)> {
        authorize(actor, Action::LoadDemo)?;
        let orgs = self.store().organisaties()?;
        let bureaus = orgs
            .iter()
            .filter(|o| o.soort == OrgSoort::Leerplicht)
            .count();
        if bureaus != 1 || orgs.iter().any(|o| o.code.as_str() == "GM0479") {
            return Ok((0, 0));
        }
        let dir = tempfile::tempdir().map_err(|e| AppError::Invalid(e.to_string()))?;
        let importeer = |kind: ImportKind, naam: &str, inhoud: &str| -> Result<()> {
            let pad = dir.path().join(naam);
            std::fs::write(&pad, inhoud).map_err(|e| AppError::Invalid(e.to_string()))?;
            let r = self.import(actor, kind, &pad, false, &mut |_, _| {})?;
            if !r.committed {
                return Err(AppError::Invalid(format!("demo {naam}: {:?}", r.errors)));
            }
            Ok(())
        };
        importeer(ImportKind::Organisaties, "buren.csv", BUREN)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7665_7268_7569_7a00);
        let mut kandidaten: BTreeMap<String, _> = BTreeMap::new();
        for soort in [ZaakSoort::Verzuim, ZaakSoort::Thuiszitter] {
            for z in self.store().open_zaken(soort)? {
                kandidaten.insert(z.leerling.to_string(), z.leerling);
            }
        }
        let mut kandidaten: Vec<_> = kandidaten.into_values().collect();
        kandidaten.shuffle(&mut rng);
        let mut rijen =
            String::from("bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n");
        let mut n = 0;
        for leerling in kandidaten.into_iter().take(VERHUIZERS) {
            let Some(j) = self.store().jongere(leerling)? else {
                continue;
            };
            rijen.push_str(&format!(
                "{};{};{};{};{};GM0479\n",
                j.bsn().map(|b| b.to_string()).unwrap_or_default(),
                j.onderwijsnummer()
                    .map(|o| o.to_string())
                    .unwrap_or_default(),
                j.achternaam,
                j.voornamen,
                j.geboortedatum
            ));
            n += 1;
        }
        importeer(ImportKind::Jongeren, "verhuisd.csv", &rijen)?;
        // And one the other way: a pupil of a school in the region who lived in Zaanstad for a
        // while, with an absence case at RBL-ZW, comes back: the region's bureau finds the
        // case on its worklist.
        let mut gezien = 0;
        let mut terug = None;
        self.jongeren(actor, self.now().date_naive(), None, &mut |j| {
            gezien += 1;
            if terug.is_none() && gezien % 97 == (seed % 97) as usize && j.school.is_some() {
                terug = Some(j.leerling);
            }
            Ok(())
        })?;
        if let Some(leerling) = terug {
            if self.store().zaken_van(leerling)?.is_empty() {
                let j = self
                    .store()
                    .jongere(leerling)?
                    .ok_or_else(|| AppError::Invalid("demo: a person went missing".into()))?;
                let rij = |gemeente: &str| {
                    format!(
                        "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n{};{};{};{};{};{gemeente}\n",
                        j.bsn().map(|b| b.to_string()).unwrap_or_default(),
                        j.onderwijsnummer().map(|o| o.to_string()).unwrap_or_default(),
                        j.achternaam,
                        j.voornamen,
                        j.geboortedatum
                    )
                };
                importeer(ImportKind::Jongeren, "weg.csv", &rij("GM0479"))?;
                self.zaak_openen(actor, leerling, ZaakSoort::Verzuim, self.now().date_naive())?;
                importeer(ImportKind::Jongeren, "terug.csv", &rij(j.gemeente.as_str()))?;
                return Ok((n, 1));
            }
        }
        Ok((n, 0))
    }
}
