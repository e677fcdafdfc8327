//! Storage of leerrecht behind one trait, [`Store`], with one implementation per real
//! database: SQLite (the embedded default) and PostgreSQL (production). The backend is picked
//! from the URL's scheme. Nothing here knows who is asking: access checks live in the app layer.
#![forbid(unsafe_code)]

mod postgres;
mod sqlite;

use chrono::NaiveDate;
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{GemeenteCode, LeerlingId, SchoolCode};
use leerrecht_domain::org::Organisatie;
use leerrecht_domain::person::{Inschrijving, Jongere, Sector};

pub use crate::postgres::PgStore;
pub use crate::sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("migrations: {0}")]
    Migration(#[from] refinery::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A problem with one row of an import that only the stored data can reveal (an unknown
/// person, a duplicate, an overlap). `line` is the file's line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowIssue {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

impl RowIssue {
    pub fn new(line: u64, column: &str, reason: impl Into<String>) -> Self {
        RowIssue {
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }
}

/// What an import did, or would do, to the stored data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub nieuw: u64,
    pub gewijzigd: u64,
    pub ongewijzigd: u64,
}

/// The outcome of an import call: counts, the issues the store found, and whether it committed.
#[derive(Clone, Debug, Default)]
pub struct ImportOutcome {
    pub counts: ImportCounts,
    pub issues: Vec<RowIssue>,
    pub committed: bool,
}

/// Rows of an import, each with its line number in the file. Rows that failed to parse never
/// reach the store; the caller keeps their errors.
pub type Rows<'a, T> = &'a mut dyn Iterator<Item = (u64, T)>;

/// Asked once all rows are staged and checked, with the store's own issues: true commits,
/// false rolls everything back (an invalid row elsewhere, or a dry run).
pub type Decide<'a> = &'a mut dyn FnMut(&[RowIssue]) -> bool;

/// One person as listed by [`Store::for_each_jongere`], with the enrolment covering the date.
#[derive(Clone, Debug)]
pub struct JongereRij {
    pub jongere: Jongere,
    pub inschrijving: Option<(SchoolCode, Sector)>,
}

/// Counts of one gemeente for `overzicht` (see the app layer for their meaning).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GemeenteTelling {
    pub gemeente: String,
    pub jongeren: u64,
    pub leerplichtig: u64,
    pub leerplichtig_ingeschreven: u64,
    pub kwalificatieplichtig: u64,
    pub kwalificatieplichtig_ingeschreven: u64,
}

/// Trusted, already valid rows written in one transaction, as fast as the database allows.
/// Used by the demo generator; nothing is visible until `commit`, and dropping without
/// committing rolls back.
pub trait BulkWriter {
    fn organisatie(&mut self, o: &Organisatie) -> Result<()>;
    fn vakantie(&mut self, v: &Vakantie) -> Result<()>;
    fn jongere(&mut self, j: &Jongere) -> Result<()>;
    /// An enrolment of the person written last, or of any earlier one.
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<()>;
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Everything leerrecht stores. Every method is one transaction: it happens whole or not at all.
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// True when the register holds no organisations and no people.
    fn is_empty(&self) -> Result<bool>;

    fn organisaties(&self) -> Result<Vec<Organisatie>>;
    fn vakanties(&self) -> Result<Vec<Vakantie>>;

    fn import_organisaties(
        &self,
        rows: Rows<'_, Organisatie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    fn import_vakanties(
        &self,
        rows: Rows<'_, Vakantie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;
    fn import_jongeren(&self, rows: Rows<'_, Jongere>, decide: Decide<'_>)
        -> Result<ImportOutcome>;
    fn import_inschrijvingen(
        &self,
        rows: Rows<'_, Inschrijving>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome>;

    fn bulk_writer(&self) -> Result<Box<dyn BulkWriter + '_>>;

    /// Streams people (optionally of one gemeente) by gemeente, name and birth date, each with
    /// the enrolment that covers `on` (the most recent one when several do).
    fn for_each_jongere(
        &self,
        on: NaiveDate,
        gemeente: Option<&GemeenteCode>,
        f: &mut dyn FnMut(JongereRij) -> Result<()>,
    ) -> Result<()>;

    /// Finds one person by BSN or onderwijsnummer.
    fn jongere(&self, id: LeerlingId) -> Result<Option<Jongere>>;

    /// Per gemeente of residence: people, and how many are of each duty and enrolled on `on`;
    /// the domain's birth-date ranges let the database count duties by a plain range.
    fn overzicht(&self, on: NaiveDate, ranges: BirthRanges) -> Result<Vec<GemeenteTelling>>;
}

/// Opens the database a URL names and brings its schema up to date.
/// `sqlite://PATH` (relative or absolute; created when missing), `sqlite::memory:`,
/// `postgres://…` or `postgresql://…`.
pub fn open(url: &str) -> Result<Box<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Box::new(SqliteStore::open(path)?))
    } else if url == "sqlite::memory:" {
        Ok(Box::new(SqliteStore::open(":memory:")?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(url)?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

/// The URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact_url("postgres://u:geheim@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
