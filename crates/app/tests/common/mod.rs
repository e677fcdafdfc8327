//! Shared by the integration tests: a database of each kind, the on_both! macro that runs a
//! scenario on both, and a small region to import.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use leerrecht_app::register::import::{ImportKind, ImportReport};
use leerrecht_app::{Actor, App};
use leerrecht_testkit::{sqlite_url, PgCluster};

pub struct Db {
    pub app: App,
    pub dir: tempfile::TempDir,
    pub url: String,
}

pub fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let app = App::new(leerrecht_store::open(&url).unwrap());
    Db { app, dir, url }
}

pub fn postgres() -> Db {
    let url = PgCluster::shared().fresh_database();
    let app = App::new(leerrecht_store::open(&url).unwrap());
    Db {
        app,
        dir: tempfile::tempdir().unwrap(),
        url,
    }
}

/// Generates `name_sqlite` and `name_postgres` tests from one scenario.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite_tests { $( #[test] fn $name() { super::$name($crate::common::sqlite()); } )* }
        mod postgres_tests { $( #[test] fn $name() { super::$name($crate::common::postgres()); } )* }
    };
}

impl Db {
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(content.as_bytes())
            .unwrap();
        p
    }
    pub fn import(&self, kind: ImportKind, content: &str) -> ImportReport {
        self.import_opt(kind, content, false)
    }
    pub fn import_opt(&self, kind: ImportKind, content: &str, dry_run: bool) -> ImportReport {
        let p = self.file(&format!("{kind}.csv"), content);
        self.app
            .import(&Actor::local_operator(), kind, &p, dry_run, &mut |_, _| {})
            .unwrap()
    }
    pub fn ok(&self, kind: ImportKind, content: &str) -> ImportReport {
        let r = self.import(kind, content);
        assert!(r.errors.is_empty(), "{kind}: {:?}", r.errors);
        assert!(r.committed);
        r
    }
    pub fn people(&self, on: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.app
            .jongeren(&Actor::local_operator(), d(on), None, &mut |j| {
                out.push(format!(
                    "{} {} {} {} {}",
                    j.leerling,
                    j.achternaam,
                    j.plicht,
                    j.school.map(|s| s.to_string()).unwrap_or_default(),
                    j.sector.map(|s| s.to_string()).unwrap_or_default()
                ));
                Ok(())
            })
            .unwrap();
        out
    }
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub const ORGS: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
GM0453;gemeente;Velsen;GM0453;IJmond;;
05KO00;school;De Klimop;GM0392;;SWV-PO-ZK;
SWV-PO-ZK;swv;SWV PO Zuid-Kennemerland;;Zuid-Kennemerland;;
07NU01;school;Velsen College;GM0453;;;
RBL-ZKIJ;leerplicht;Regionaal Bureau Leerplicht;GM0392;;;GM0392|GM0453
";

// Born 2015-03-10: leerplichtig from 2020-04-01. Born 2009-09-01: turns 16 in 2025-2026, so
// leerplichtig until 2026-07-31. Born 2008-05-05: kwalificatieplichtig until 2026-05-04.
pub const JONGEREN: &str = "bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
111222333;;Jansen;Sem;2015-03-10;GM0392
123456782;;De Vries;Noor;01-09-2009;GM0392
;101222331;Bakker;Lotte;2008-05-05;GM0453
010000008;;Visser;Daan;2003-01-01;GM0453
";

/// For the thuiszitters list, whose registrations must fit the register (docs/domain.md §8):
/// 123456782 (thuiszittend in 2025) is enrolled again from August 2024; 101222331 (absoluut
/// verzuim in 2025) left school before Christmas 2024.
pub const NU_INGESCHREVEN: &str = "leerling;school;sector;begindatum;einddatum
123456782;07NU01;VO;2024-08-26;
101222331;07NU01;VO;2020-08-24;2024-12-20
";

pub const INSCHRIJVINGEN: &str = "leerling;school;sector;begindatum;einddatum
111222333;05KO00;PO;2019-08-20;
123456782;07NU01;VO;2021-08-23;2024-07-31
101222331;07NU01;VO;2020-08-24;
";
