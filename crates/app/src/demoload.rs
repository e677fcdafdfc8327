//! Loads the demo region into the store: the generator's output goes straight into one bulk
//! transaction, so a failed or interrupted demo leaves the database as empty as it was.

use chrono::NaiveDate;
use leerrecht_domain::calendar::{demo_vakanties, Vakantie};
use leerrecht_domain::org::Organisatie;
use leerrecht_domain::person::{Inschrijving, Jongere};
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_store::{BulkWriter, StoreError};

use crate::access::{authorize, Action, Actor};
use crate::demo::{generate, DemoSink, DemoSummary, Scale};
use crate::{App, AppError, Result};

struct StoreSink<'a> {
    writer: Box<dyn BulkWriter + 'a>,
}

impl DemoSink for StoreSink<'_> {
    type Error = StoreError;
    fn organisatie(&mut self, o: &Organisatie) -> Result<(), StoreError> {
        self.writer.organisatie(o)
    }
    fn vakantie(&mut self, v: &Vakantie) -> Result<(), StoreError> {
        self.writer.vakantie(v)
    }
    fn jongere(&mut self, j: &Jongere) -> Result<(), StoreError> {
        self.writer.jongere(j)
    }
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<(), StoreError> {
        self.writer.inschrijving(i)
    }
}

impl App {
    /// Fills an empty database with the demo region of `scale`, the same for the same seed.
    pub fn load_demo(
        &self,
        actor: &Actor,
        scale: Scale,
        seed: u64,
        today: NaiveDate,
    ) -> Result<DemoSummary> {
        authorize(actor, Action::LoadDemo)?;
        if !self.store().is_empty()? {
            return Err(AppError::Invalid(
                "the database already holds a register: give the demo a new database with --db"
                    .into(),
            ));
        }
        let mut sink = StoreSink {
            writer: self.store().bulk_writer()?,
        };
        let summary = generate(
            scale,
            seed,
            today,
            &|year| demo_vakanties(SchoolYear::new(year)),
            &mut sink,
        )?;
        sink.writer.commit()?;
        Ok(summary)
    }
}
