//! The field of leerrecht as pure types and rules: identifiers, organisations, young people,
//! enrolments, the school calendar, ages and duties. No I/O, no async, no SQL: everything here
//! is a function of its arguments, so most tests of the product live in this crate.
#![forbid(unsafe_code)]

/// `Display` and `FromStr` for a kind with a fixed list (`ALL`) and a code for each (`code()`):
/// shown as its code and read from it, blanks around it ignored. The first form reads codes
/// in one letter case (`to_ascii_lowercase` or `to_ascii_uppercase`) and refuses with the
/// message (the text given in its `{:?}`); the second ignores case and refuses with an
/// `OnbekendeCode` naming what was asked and the valid codes.
macro_rules! code_soort {
    ($t:ident, $geval:ident, $fout:literal) => {
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let t = s.trim().$geval();
                $t::ALL
                    .into_iter()
                    .find(|k| k.code() == t)
                    .ok_or_else(|| format!($fout, s))
            }
        }
        code_soort!($t);
    };
    ($t:ident, onbekend $wat:literal, geldig $geldig:literal) => {
        impl std::str::FromStr for $t {
            type Err = OnbekendeCode;

            /// The code, ignoring surrounding blanks and ASCII case.
            fn from_str(s: &str) -> Result<Self, OnbekendeCode> {
                let t = s.trim();
                $t::ALL
                    .into_iter()
                    .find(|k| k.code().eq_ignore_ascii_case(t))
                    .ok_or_else(|| OnbekendeCode {
                        wat: $wat,
                        code: s.to_string(),
                        geldig: $geldig,
                    })
            }
        }
        code_soort!($t);
    };
    ($t:ident) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.code())
            }
        }
    };
}

pub mod brief;
pub mod calendar;
pub mod cijfers;
pub mod date;
pub mod doelbinding;
pub mod duty;
pub mod ids;
pub mod melding;
pub mod org;
pub mod person;
pub mod prognose;
pub mod register;
pub mod retention;
pub mod rmc;
pub mod rules;
pub mod schoolyear;
#[cfg(test)]
mod testsupport;
pub mod thuiszitters;
pub mod verzorger;
pub mod zaak;

pub use chrono::NaiveDate;
