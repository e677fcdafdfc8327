//! The field of leerrecht as pure types and rules: identifiers, organisations, young people,
//! enrolments, the school calendar, ages and duties. No I/O, no async, no SQL: everything here
//! is a function of its arguments, so most tests of the product live in this crate.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod cijfers;
pub mod date;
pub mod duty;
pub mod ids;
pub mod melding;
pub mod org;
pub mod person;
pub mod register;
pub mod retention;
pub mod rules;
pub mod schoolyear;
pub mod thuiszitters;
pub mod zaak;

pub use chrono::NaiveDate;
