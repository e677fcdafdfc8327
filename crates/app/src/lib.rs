//! The use cases of leerrecht: imports, queries and the demo region. Every use case takes the
//! acting party ([`Actor`]) and passes through [`access::authorize`], the one place that decides
//! who may do what; the store below never knows who is asking.
#![forbid(unsafe_code)]

pub mod access;
pub mod bench;
pub mod config;
pub mod csvin;
pub mod demo;
mod demoload;

pub use demoload::export_demo;
pub mod import;
pub mod queries;
pub mod signals;

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
    /// The reason is the source error: `{:#}` (anyhow) prints "path: reason".
    #[error("{path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a store plus the use cases over it.
pub struct App {
    store: Box<dyn Store>,
}

impl App {
    pub fn new(store: Box<dyn Store>) -> Self {
        App { store }
    }
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }
}
