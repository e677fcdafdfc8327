//! What a restart completes: work that a crash interrupted between two transactions of one
//! command. Every command of the `leerrecht` binary calls [`App::herstellen`] on open.

use crate::access::Actor;
use crate::{App, Result};

/// Set while an import of meldingen is under way, until its meldingen have joined their
/// cases: a process that finds it set completes the linking.
pub(crate) const KOPPELEN_OPEN: &str = "meldingen_koppelen_open";

impl App {
    /// Completes what an interrupted process left half done, and says how much: imported
    /// meldingen that did not yet join a case (an import commits its meldingen first and then
    /// brings each into its pupil's verzuim case). Finds nothing, cheaply, after a clean run.
    pub fn herstellen(&self, actor: &Actor) -> Result<usize> {
        // Only after an import of meldingen that did not finish linking: one look-up on every
        // open, instead of a search through the meldingen.
        if self.store().instelling(KOPPELEN_OPEN)?.is_none() {
            return Ok(0);
        }
        let n = self.meldingen_koppelen(actor)?;
        self.store().set_instelling(KOPPELEN_OPEN, None)?;
        if n > 0 {
            tracing::warn!("{n} imported meldingen of an interrupted import joined their case");
        }
        Ok(n)
    }
}
