//! The job table of `leerrecht serve`'s daily jobs (migration `V42__taken`): one row per job
//! and scheduled slot, claimed under a lease so that a slot runs at most once among the
//! servers of one database. Implemented by `sqlite/taken.rs` and `postgres/taken.rs`.

use chrono::{DateTime, Utc};

use crate::Result;

/// One slot of one job as the table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaakRij {
    pub naam: String,
    /// The moment the slot was due.
    pub gepland_op: DateTime<Utc>,
    /// The server that holds (or last held) the slot.
    pub houder: String,
    pub lease_tot: DateTime<Utc>,
    /// When the last holder started it.
    pub gestart: DateTime<Utc>,
    /// How many servers started it (more than one: taken over after a lease ran out).
    pub pogingen: i32,
    pub klaar: Option<DateTime<Utc>>,
    /// `ok: …` or `fout: …`, once finished.
    pub uitkomst: Option<String>,
    pub duur_ms: Option<i64>,
}

/// What a claim of a slot came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaakClaim {
    /// The caller holds the slot now and runs it: a new slot, or one taken over from
    /// `overgenomen_van`, whose lease had run out before it finished.
    Genomen { overgenomen_van: Option<String> },
    /// Another server holds the slot under a live lease.
    Bezet { houder: String },
    /// The slot has run: it never runs again.
    Klaar,
}

/// Finished slots older than this many days are removed when a new slot is claimed: the
/// table is a log of the jobs' recent runs, not an archive (the audit log is that).
pub const BEWAAR_DAGEN: i64 = 400;

/// The job table, as each database keeps it (`sqlite/taken.rs`, `postgres/taken.rs`).
pub trait TaakStore {
    /// Claims the slot `gepland_op` of job `naam` for `houder` until `lease_tot`, in one
    /// transaction: a slot without a row is taken, a finished one never again, and one whose
    /// holder's lease ended before `nu` without finishing is taken over.
    fn taak_claimen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        nu: DateTime<Utc>,
        lease_tot: DateTime<Utc>,
    ) -> Result<TaakClaim>;
    /// Extends `houder`'s lease of a slot it holds and has not finished; false when it no
    /// longer holds it.
    fn taak_verlengen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        lease_tot: DateTime<Utc>,
    ) -> Result<bool>;
    /// Records that `houder` finished the slot, with its outcome; false (and nothing
    /// written) when another server had taken it over.
    fn taak_klaar(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        klaar: DateTime<Utc>,
        uitkomst: &str,
        duur_ms: i64,
    ) -> Result<bool>;
    /// Every slot in the table, by job and slot.
    fn taken(&self) -> Result<Vec<TaakRij>>;
}

/// A slot from its columns (naam, gepland_op, houder, lease_tot, gestart, pogingen, klaar,
/// uitkomst, duur_ms): the driver's error when one does not read.
pub(crate) fn taak<R: crate::stored::Rij>(r: &R) -> std::result::Result<TaakRij, R::Fout> {
    Ok(TaakRij {
        naam: r.tekst(0)?,
        gepland_op: r.moment(1)?,
        houder: r.tekst(2)?,
        lease_tot: r.moment(3)?,
        gestart: r.moment(4)?,
        pogingen: r.u32(5)? as i32,
        klaar: r.opt_moment(6)?,
        uitkomst: r.opt_tekst(7)?,
        duur_ms: r.opt_i64(8)?,
    })
}
