//! The rules of docs/domain.md §6 that turn absence into signals: dated, explained facts someone must
//! act on. Pure functions of the absence rows, the school calendar and the (dated) thresholds,
//! so re-running them gives the same signals.
//!
//! - [`Evaluator::evaluate`] / [`evaluate`]: `16uur`, `signaal`, `te_laat`, `luxe`,
//!   `mazl_7dagen`, `mazl_4x12` and `lrv` over the rows of one (pupil, school);
//! - [`absoluut_verzuim`] / [`absoluut_verzuim_signaal`]: `av` for one young person on a
//!   reference date;
//! - [`Regels`] (thresholds, the defaults of docs/domain.md, a `[regels]` table) and [`RegelsHistorie`]
//!   (which thresholds were in force on which date).

mod engine;
mod regels;
mod types;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

use crate::duty::{duty_status_met, DutyStatus};

pub use engine::{evaluate, Evaluator};
pub use regels::{Regels, RegelsError, RegelsHistorie, RegelsVersie};
pub use types::{
    vingerafdruk, Dagtotaal, OnbekendeCode, Regel, Signaal, Uitleg, Verzuim, Verzuimsoort,
};

/// Absolute absence (`av`, docs/domain.md §6.8) on the reference date `on`: someone born on `birth` is
/// leerplichtig or kwalificatieplichtig on `on` ([`duty_status_met`]: an enrolment that ended
/// with a startkwalificatie on `startkwalificatie` ends kwalificatieplicht), has no enrolment
/// covering `on`, and no exemption covering it. Whether the person lives in a served gemeente
/// is the caller's filter.
pub fn absoluut_verzuim(
    birth: NaiveDate,
    on: NaiveDate,
    enrolled_on_date: bool,
    vrijgesteld: bool,
    startkwalificatie: Option<NaiveDate>,
) -> bool {
    !enrolled_on_date
        && !vrijgesteld
        && matches!(
            duty_status_met(birth, on, startkwalificatie),
            DutyStatus::Leerplichtig | DutyStatus::Kwalificatieplichtig
        )
}

/// The `av` signal on `on` when [`absoluut_verzuim`] holds. Its explanation is the reference
/// date alone: there are no absence rows behind it.
pub fn absoluut_verzuim_signaal(
    birth: NaiveDate,
    on: NaiveDate,
    enrolled_on_date: bool,
    vrijgesteld: bool,
    startkwalificatie: Option<NaiveDate>,
) -> Option<Signaal> {
    absoluut_verzuim(birth, on, enrolled_on_date, vrijgesteld, startkwalificatie).then(|| Signaal {
        regel: Regel::Av,
        datum: on,
        uitleg: Uitleg {
            venster_van: on,
            venster_tot: on,
            rijen: Vec::new(),
            minuten: 0,
            aantal: 0,
            drempel: 0,
        },
    })
}
