//! The use cases of leerrecht. Every use case takes the acting party ([`Actor`]) and passes
//! through [`toegang::authorize`], the one place that decides who may do what; the store below
//! never knows who is asking.
//!
//! The rooms, by capability:
//! - [`toegang`]: who acts and what they may do (the gate), accounts and login, the audit log,
//!   retention;
//! - [`register`]: organisations, young people, enrolments and absence, read in from the
//!   region's files and asked about on a date;
//! - [`signalen`]: the signal rules over absence, and the stored signals;
//! - [`zaken`]: cases, the meldingen that open them, the thuiszitters list and exemptions;
//! - [`werklijst`]: what needs one organisation now, across all of the above;
//! - [`cijfers`]: figures without persons; [`uitvoer`] renders them as text, CSV, XLSX, HTML
//!   or PDF;
//! - beside them: the HTTP API's own use cases ([`api`]), the settings file ([`config`]), the
//!   daily jobs ([`taken`]) and what a restart completes.
#![forbid(unsafe_code)]

pub mod api;
pub mod cijfers;
pub mod config;
mod herstel;
pub mod mail;
pub mod register;
pub mod signalen;
pub mod taken;
pub mod toegang;
pub mod uitvoer;
pub mod werklijst;
pub mod zaken;

pub use toegang::accounts::{AccountRegel, Inschrijving, LoginFout, NieuwAccount, Sessie};
pub use toegang::{Action, Actor};

use leerrecht_store::{Store, StoreError};
use toegang::{audit, auth};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    /// What was asked for does not exist (an id that names no one).
    #[error("{0}")]
    NotFound(String),
    /// Too many failed attempts under this name from this address: try again later.
    #[error("{0}")]
    Locked(String),
    /// The audit log could not be written: nothing is handed out without its entry.
    #[error("audit log: {0}")]
    Audit(String),
    /// The reason is the source error: `{:#}` (anyhow) prints "path: reason".
    #[error("{path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a store plus the use cases over it, the clock they measure time by, and
/// the audit log's writer.
pub struct App {
    store: Box<dyn Store>,
    clock: Box<dyn auth::Clock>,
    auditor: audit::Auditor,
    audit_key: std::sync::OnceLock<Vec<u8>>,
    /// `[sleutels]`: the configured keys, the current first (else the database's key).
    sleutels: Option<Vec<Vec<u8>>>,
    /// `[doelbinding] terugkijk_weken`: how far before a ground's period its reader sees
    /// absence (docs/domain.md §10).
    terugkijk_weken: u32,
    /// `[[oidc]]`: the identity providers of single sign-on.
    sso: toegang::sso::Sso,
    /// `[brieven] map`: the letters' templates and logos.
    briefmap: std::path::PathBuf,
    /// `[overdracht] dagen`: how long the old bureau reads a case it handed over.
    overdracht_dagen: u32,
}

impl App {
    pub fn new(store: Box<dyn Store>) -> Self {
        Self::with_clock(store, Box::new(auth::SystemClock))
    }
    /// An app whose "now" comes from `clock` (tests of expiry, lockout and retention).
    pub fn with_clock(store: Box<dyn Store>, clock: Box<dyn auth::Clock>) -> Self {
        App {
            store,
            clock,
            auditor: audit::Auditor::new(),
            audit_key: std::sync::OnceLock::new(),
            sleutels: None,
            terugkijk_weken: leerrecht_domain::doelbinding::TERUGKIJK_WEKEN,
            sso: toegang::sso::Sso::default(),
            briefmap: std::path::PathBuf::from("brieven"),
            overdracht_dagen: zaken::overdracht::OVERDRACHT_DAGEN,
        }
    }
    /// The app with the region's purpose limitation (`[doelbinding]` of the settings).
    pub fn met_doelbinding(mut self, d: config::Doelbinding) -> Self {
        self.terugkijk_weken = d.terugkijk_weken;
        self
    }
    /// The app with single sign-on through `sso`'s providers (`[[oidc]]` of the settings).
    pub fn met_sso(mut self, sso: toegang::sso::Sso) -> Self {
        self.sso = sso;
        self
    }
    /// How many weeks before a ground's period its reader sees absence.
    pub fn terugkijk_weken(&self) -> u32 {
        self.terugkijk_weken
    }
    /// The store, for the use cases of this library: every read of personal data passes the
    /// gate first (invariant 3), so the store is not handed to the server's crates.
    pub(crate) fn store(&self) -> &dyn Store {
        &*self.store
    }
    /// The store itself, past the gate, for the local operator's own tools (the demo
    /// generator, the benchmarks, tests): refused for every other actor, so that no page,
    /// request or token reaches it.
    pub fn opslag(&self, actor: &Actor) -> Result<&dyn Store> {
        match actor {
            Actor::LocalOperator { .. } => Ok(&*self.store),
            _ => Err(AppError::Forbidden(
                "alleen de beheerder op de server zelf leest de database rechtstreeks".into(),
            )),
        }
    }
    /// Whether the database holds no register yet (no person is read: a readiness probe
    /// and the demo's check before it fills the database).
    pub fn is_leeg(&self) -> Result<bool> {
        Ok(self.store.is_empty()?)
    }
    /// The current moment, to the microsecond.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
