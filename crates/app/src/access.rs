//! Who is acting, and the single gate every use case passes. Today the only actor is the local
//! operator of the command line, who may do everything; accounts and need-to-know rules plug in
//! here without touching the use cases.

use crate::{AppError, Result};

/// The party on whose behalf a use case runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Whoever runs the `leerrecht` command on the server itself: the installation's operator.
    LocalOperator { os_user: String },
}

impl Actor {
    pub fn local_operator() -> Self {
        Actor::LocalOperator {
            os_user: std::env::var("USER").unwrap_or_else(|_| "onbekend".into()),
        }
    }
}

/// What a use case is about to do, in terms the gate can judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Write the register of organisations or the calendar.
    BeheerRegister,
    /// Write personal data (people, enrolments).
    WritePersons,
    /// Read personal data.
    ReadPersons,
    /// Read counts without persons.
    ReadFigures,
    /// Fill an empty database with the demo region.
    LoadDemo,
}

/// The one place that decides whether `actor` may perform `action`.
pub fn authorize(actor: &Actor, action: Action) -> Result<()> {
    match (actor, action) {
        (Actor::LocalOperator { .. }, _) => Ok(()),
    }
}

/// The refusal a use case returns when the gate says no.
pub fn forbidden(action: Action) -> AppError {
    AppError::Forbidden(format!("not allowed: {action:?}"))
}
