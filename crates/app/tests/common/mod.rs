//! Shared by the integration tests: a database of each kind, the on_both! macro that runs a
//! scenario on both, and a small region to import.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;
use leerrecht_app::cijfers::{Gebied, Leerplichttelling, Opties, Peildatum};
use leerrecht_app::config::Config;
use leerrecht_app::register::import::{ImportKind, ImportReport};
use leerrecht_app::signalen::SignaalRegel;
use leerrecht_app::{Actor, App};
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::rules::Regel;
use leerrecht_domain::schoolyear::SchoolYear;
use leerrecht_domain::thuiszitters::{Categorie, Escalatieregels, Klok, Oorzaak};
use leerrecht_domain::zaak::{AanbodType, Gebeurtenis};
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
    /// The small region of [`ORGS`]: its organisations, young people and their enrolments.
    pub fn region(&self) {
        self.ok(ImportKind::Organisaties, ORGS);
        self.ok(ImportKind::Jongeren, JONGEREN);
        self.ok(ImportKind::Inschrijvingen, INSCHRIJVINGEN);
    }
    /// The Leerplichttelling of the school year starting in `jaar`, as the operator counts it
    /// on `vandaag` over the whole region with the default rules.
    pub fn leerplichttelling(&self, jaar: i32, vandaag: &str) -> Leerplichttelling {
        self.app
            .rapport_leerplichttelling(
                &Actor::local_operator(),
                SchoolYear::new(jaar),
                d(vandaag),
                &Default::default(),
                &Opties::default(),
            )
            .unwrap()
    }
    /// Runs the signals as the command does, with the default settings' rules as of `vanaf`.
    pub fn update_signals(&self, vanaf: &str) -> leerrecht_store::SignaalRun {
        let op = Actor::local_operator();
        let regels = self.app.regels(&op, &Config::default(), d(vanaf)).unwrap();
        self.app.update_signals(&op, &regels, false).unwrap()
    }
    /// The signals up to `on` (of one rule, when given), as the operator lists them.
    pub fn signals(&self, on: &str, regel: Option<Regel>) -> Vec<SignaalRegel> {
        let mut out = Vec::new();
        self.app
            .list_signals(&Actor::local_operator(), d(on), regel, true, &mut |s| {
                out.push(s);
                Ok(())
            })
            .unwrap();
        out
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

pub fn leerling(s: &str) -> LeerlingId {
    LeerlingId::from_str(s).unwrap()
}

/// Numbers below `n`, the same each run from `seed` (a linear congruential generator).
pub fn getallen(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    }
}

/// The first `n` valid BSNs from `start` on.
pub fn bsns_from(start: u32, n: usize) -> Vec<String> {
    (start..)
        .map(|x| format!("{x:09}"))
        .filter(|s| LeerlingId::from_str(s).is_ok())
        .take(n)
        .collect()
}

/// The area of one `gemeente`, `regio`, `swv` or `school` with this code.
pub fn gebied(soort: &str, code: &str) -> Gebied {
    let mut g = Gebied::default();
    let veld = match soort {
        "gemeente" => &mut g.gemeente,
        "regio" => &mut g.regio,
        "swv" => &mut g.swv,
        "school" => &mut g.school,
        _ => panic!("no kind of area {soort}"),
    };
    *veld = Some(code.into());
    g
}

/// A reference-date report's counts per category, in its order.
pub fn counts_per_category(r: &Peildatum) -> Vec<(&'static str, Vec<u64>)> {
    r.rijen
        .iter()
        .map(|r| (r.categorie, r.aantallen.iter().map(|a| a.n).collect()))
        .collect()
}

/// Where an import's errors stand: line and column of each.
pub fn error_places(r: &ImportReport) -> Vec<(u64, &str)> {
    r.errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect()
}

/// Asserts that error `i` of an import gives a reason containing `says`.
pub fn assert_error_says(r: &ImportReport, i: usize, says: &str) {
    assert!(r.errors[i].reason.contains(says), "{:?}", r.errors[i]);
}

/// Registers `who` from `per` on in the category and with the cause of these codes (as in
/// the registrations file), as the operator.
pub fn register_as(app: &App, who: LeerlingId, categorie: &str, oorzaak: &str, per: &str) {
    let nieuw = (categorie.parse().unwrap(), oorzaak.parse().unwrap());
    change_registration(app, who, Some(nieuw), per)
}

/// Ends the registration of `who` on `per`, as the operator.
pub fn end_registration(app: &App, who: LeerlingId, per: &str) {
    change_registration(app, who, None, per)
}

fn change_registration(app: &App, who: LeerlingId, nieuw: Option<(Categorie, Oorzaak)>, per: &str) {
    app.registratie_wijzigen(&Actor::local_operator(), who, nieuw, d(per))
        .unwrap()
}

/// The three-month clock of `who` on `on` under the default rules, as the operator reads it.
pub fn clock_on(app: &App, who: LeerlingId, on: &str) -> Option<Klok> {
    let regels = Escalatieregels::default();
    app.klok(&Actor::local_operator(), who, d(on), &regels)
        .unwrap()
}

/// An offer of education (`nummer`) by `aanbieder` on `aangeboden`, recorded in case `zaak`.
pub fn record_offer(
    app: &App,
    actor: &Actor,
    zaak: i64,
    nummer: u32,
    aanbieder: &str,
    aangeboden: NaiveDate,
) {
    app.zaak_vastleggen(
        actor,
        zaak,
        Gebeurtenis::Aanbod {
            nummer,
            aanbod: AanbodType::Onderwijs,
            aanbieder: aanbieder.into(),
            aangeboden,
            gestart: None,
        },
    )
    .unwrap()
}

/// Two sub-regions: Zuid-Kennemerland (Haarlem, Heemstede) and IJmond (Velsen); a VO school
/// in each with its SWV, and the bureau serving all three.
pub const TWEE_REGIOS: &str = "code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
GM0397;gemeente;Heemstede;;Zuid-Kennemerland;;
GM0453;gemeente;Velsen;;IJmond;;
SWV-ZK;swv;SWV VO Zuid-Kennemerland;;Zuid-Kennemerland;;
SWV-IJM;swv;SWV VO IJmond;;IJmond;;
02AA00;school;Haarlem College;GM0392;;SWV-ZK;
07NU01;school;Velsen College;GM0453;;SWV-IJM;
RBL;leerplicht;Regionaal Bureau Leerplicht;GM0392;;;GM0392|GM0397|GM0453
";

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

/// A new account of `rol` at `org`, logged in.
pub fn ingelogd(db: &Db, naam: &str, org: &str, rol: leerrecht_domain::org::Rol) -> Actor {
    const WACHTWOORD: &str = "een lange zin als wachtwoord";
    let acc = db
        .app
        .user_add_blijvend(&Actor::local_operator(), naam, org, rol, WACHTWOORD)
        .unwrap();
    let code = acc
        .totp_geheim
        .map(|g| leerrecht_app::toegang::auth::current_totp(&g, db.app.now()).unwrap());
    let sessie = db
        .app
        .login(naam, WACHTWOORD, code.as_deref(), "192.0.2.10")
        .unwrap()
        .unwrap();
    db.app
        .session_actor(&sessie.token, "192.0.2.10")
        .unwrap()
        .unwrap()
}
