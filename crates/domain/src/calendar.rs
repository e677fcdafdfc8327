//! The school calendar (DOMAIN §5): school days, lesweken, holidays and per-school days off.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::SchoolCode;

/// A holiday or day off: `van` up to and including `tot`. Without a school it holds for every
/// school of the installation; with one, it is an extra day off of that school location.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Vakantie {
    pub naam: String,
    pub van: NaiveDate,
    pub tot: NaiveDate,
    pub school: Option<SchoolCode>,
}
