//! The use cases of leerrecht: imports, queries and the demo region. Every use case takes the
//! acting party ([`Actor`]) and passes through [`access::authorize`], the one place that decides
//! who may do what; the store below never knows who is asking.
#![forbid(unsafe_code)]

pub mod access;
mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod bench;
pub mod bench_cijfers;
pub mod config;
pub mod csvin;
pub mod demo;
mod demoload;

pub use demoload::{export_demo, DemoAccount, DemoAccounts};
mod herstel;
pub mod import;
pub mod lijsten;
pub mod meldingen;
pub mod queries;
pub mod rapportages;
mod registraties;
pub mod retention;
pub mod signals;
pub mod taken;
mod telling_signalen;
pub mod toegang;
pub mod uitvoer;
mod uitvoer_en;
mod uitvoer_pdf;
pub mod vrijstellingen;
pub mod werklijst;
mod werklijst_register;
pub mod zaken;

pub use accounts::{AccountRegel, Inschrijving, LoginFout, NieuwAccount, Sessie};

use leerrecht_store::{Store, StoreError};

pub use access::{Action, Actor};

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
        }
    }
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }
    /// The current moment, to the microsecond.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
