//! A move to another gemeente (docs/domain.md §13): when a young person's gemeente of residence
//! is served by another leerplicht organisation than the one that holds an open case of
//! theirs, the case is handed over (*overdracht*) with its whole history: the clock and the
//! escalation level go on. The old organisation reads the case for `[overdracht] dagen` days
//! as its partner, and changes nothing; the new one finds it on its worklist.

use chrono::{Duration, NaiveDate};
use leerrecht_domain::org::OrgSoort;
use leerrecht_domain::zaak::Gebeurtenis;

use crate::toegang::{Actor, Gebruik, Onderwerp};
use crate::{App, Result};

/// Days the old organisation keeps reading a case it handed over, by default.
pub const OVERDRACHT_DAGEN: u32 = 30;

impl App {
    /// The app with the transition period of a handed-over case (`[overdracht] dagen`).
    pub fn met_overdracht_dagen(mut self, dagen: u32) -> Self {
        self.overdracht_dagen = dagen;
        self
    }

    /// Hands every open case whose young person now lives in a gemeente its organisation
    /// does not serve to the one leerplicht organisation that does, on `on`; a gemeente that
    /// no organisation (or more than one) serves leaves the case where it is. Each handover
    /// is one event of the case and one audit entry. Returns how many cases moved. Safe to
    /// run again: a case handed over holds no longer a mismatch.
    pub fn overdragen(&self, actor: &Actor, on: NaiveDate) -> Result<u64> {
        let orgs = self.store().organisaties()?;
        let bureaus: Vec<_> = orgs
            .iter()
            .filter(|o| o.soort == OrgSoort::Leerplicht)
            .collect();
        let mut n = 0;
        for (z, gemeente) in self.store().open_zaken_met_gemeente()? {
            let Ok(gemeente) = gemeente.parse::<leerrecht_domain::ids::GemeenteCode>() else {
                continue;
            };
            let houder_bedient = bureaus
                .iter()
                .any(|b| b.code.as_str() == z.organisatie && b.bedient.contains(&gemeente));
            if houder_bedient {
                continue;
            }
            let nieuw: Vec<_> = bureaus
                .iter()
                .filter(|b| b.bedient.contains(&gemeente))
                .collect();
            let [naar] = nieuw[..] else {
                continue;
            };
            let e = Gebeurtenis::Overgedragen {
                van: z.organisatie.clone(),
                naar: naar.code.as_str().to_string(),
                datum: on,
                lezen_tot: on + Duration::days(i64::from(self.overdracht_dagen)),
            };
            self.toegang_over(
                actor,
                Gebruik::ZaakWijzigen,
                z.leerling,
                &Onderwerp::Zaak(z.id),
                &format!(
                    "zaak {}: overgedragen van {} aan {}",
                    z.id,
                    z.organisatie,
                    naar.code.as_str()
                ),
            )?;
            self.zaak_event(actor, z.id, &e)?;
            n += 1;
        }
        Ok(n)
    }
}
