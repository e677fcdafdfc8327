//! What a restart completes: work that a crash interrupted between two transactions of one
//! command. Every command of the `leerrecht` binary calls [`App::herstellen`] on open.

use crate::toegang::Actor;
use crate::{App, Result};

/// The settings named with this and a suffix of each import of meldingen mark its meldingen
/// until they have joined their cases: the import sets its own in the transaction that
/// commits the meldingen and removes it after linking them. A process that finds one completes
/// the linking. One setting per import, so that an import that ends cleanly never removes the
/// mark of another that is still linking (or that a crash interrupted).
pub(crate) const KOPPELEN_OPEN: &str = "meldingen_koppelen_open";

/// A fresh marker for one import of meldingen.
pub(crate) fn koppelen_markering() -> String {
    use rand::RngCore;
    format!("{KOPPELEN_OPEN}.{:016x}", rand::rngs::OsRng.next_u64())
}

impl App {
    /// Completes what an interrupted process left half done, and says how much: imported
    /// meldingen that did not yet join a case (an import commits its meldingen first and then
    /// brings each into its pupil's verzuim case). Finds nothing, cheaply, after a clean run.
    pub fn herstellen(&self, actor: &Actor) -> Result<usize> {
        // Only after an import of meldingen that did not finish linking: one look-up on every
        // open, instead of a search through the meldingen.
        let open = self.store().instellingen_met(KOPPELEN_OPEN)?;
        if open.is_empty() {
            return Ok(0);
        }
        // Each marker was set with its import's meldingen, which the linking below therefore
        // sees: after it, the markers it found may go.
        let n = self.meldingen_koppelen(actor)?;
        for naam in &open {
            self.store().set_instelling(naam, None)?;
        }
        if n > 0 {
            tracing::warn!("{n} imported meldingen of an interrupted import joined their case");
        }
        Ok(n)
    }
}
