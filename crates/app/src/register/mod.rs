//! The register: the region's organisations and calendar, the young people, where they live
//! and are enrolled, and their absence. It is filled from the region's files ([`import`],
//! read by [`csvin`]) and asked about on a date ([`queries`]), or listed for one organisation
//! ([`lijsten`]).

pub mod csvin;
pub mod import;
pub mod lijsten;
pub mod queries;
pub mod verzorgers;
pub mod xlsxin;
