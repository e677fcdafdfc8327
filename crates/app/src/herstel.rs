//! What a restart completes: work that a crash interrupted between two transactions of one
//! command. Every command of the `leerrecht` binary calls [`App::herstellen`] on open.

use crate::access::Actor;
use crate::{App, Result};

impl App {
    /// Completes what an interrupted process left half done, and says how much: imported
    /// meldingen that did not yet join a case (an import commits its meldingen first and then
    /// brings each into its pupil's verzuim case). Finds nothing, cheaply, after a clean run.
    pub fn herstellen(&self, actor: &Actor) -> Result<usize> {
        if self.store().meldingen_zonder_zaak()?.is_empty() {
            return Ok(0);
        }
        let n = self.meldingen_koppelen(actor)?;
        if n > 0 {
            tracing::warn!("{n} imported meldingen of an interrupted import joined their case");
        }
        Ok(n)
    }
}
