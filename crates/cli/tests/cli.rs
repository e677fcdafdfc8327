//! Black-box tests of the `leerrecht` command: the real binary, run as a user would run it,
//! against a fresh SQLite file and a fresh PostgreSQL database. Every scenario is a function
//! taking the database URL, with one `#[test]` per backend.
//!
//! The small region used throughout (peildatum 2025-10-01):
//!
//! | leerling  | name   | born       | gemeente | enrolled on the peildatum   | duty                 |
//! |-----------|--------|------------|----------|-----------------------------|----------------------|
//! | 111222333 | Anna   | 2015-03-10 | GM0392   | 05KO00 PO                   | leerplichtig (10)    |
//! | 123456782 | Bram   | 2009-05-20 | GM0392   | 07NU00 VO                   | kwalificatieplichtig: turned 16 in 2024-2025 |
//! | 101222331 | Chris  | 2020-06-15 | GM0473   | 05KO00 PO (onderwijsnummer) | leerplichtig since 2025-07-01 |
//! | 010000008 | Dirk   | 2020-09-30 | GM0473   | —                           | leerplichtig from 2025-10-01, the peildatum itself |
//! | 200000007 | Eva    | 2007-10-01 | GM0473   | 07NU00 VO                   | geen: 18 on the peildatum |
//! | 200000019 | Femke  | 2009-10-02 | GM0392   | — (ended 2025-09-30)        | leerplichtig: turns 16 in 2025-2026 |
//! | 200000020 | Gijs   | 2021-01-01 | GM0392   | —                           | geen: 4 years old    |
//!
//! So GM0392 Haarlem: 4 jongeren, 2 leerplichtig (1 enrolled), 1 kwalificatieplichtig
//! (enrolled); GM0473 Zandvoort: 3 jongeren, 2 leerplichtig (1 enrolled), none
//! kwalificatieplichtig.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use leerrecht_testkit::PgCluster;
use serde_json::{json, Value};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_leerrecht");
const PEILDATUM: &str = "2025-10-01";

const ORGANISATIES: &str = "\
code;soort;naam;gemeente;regio;swv;bedient
GM0392;gemeente;Haarlem;;Zuid-Kennemerland;;
GM0473;gemeente;Zandvoort;;Zuid-Kennemerland;;
05KO00;school;De Kring;GM0392;;SWV-ZK;
07NU00;school;Het Lyceum;GM0473;;SWV-ZK;
SWV-ZK;swv;Samenwerkingsverband VO Zuid-Kennemerland;GM0392;Zuid-Kennemerland;;
RBL-ZK;leerplicht;Regionaal Bureau Leerplicht;GM0392;Zuid-Kennemerland;;GM0392|GM0473
";

const JONGEREN: &str = "\
bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
111222333;;Jansen;Anna;2015-03-10;GM0392
123456782;;Bakker;Bram;20-05-2009;GM0392
;101222331;de Vries;Chris;2020-06-15;GM0473
010000008;;Dekker;Dirk;2020-09-30;GM0473
200000007;;El Amrani;Eva;2007-10-01;GM0473
200000019;;Fransen;Femke Johanna;2009-10-02;GM0392
200000020;;Gerritsen;Gijs;2021-01-01;GM0392
";

/// Comma-separated, with a byte-order mark, upper-case headers, CRLF line ends and
/// DD-MM-YYYY dates.
const INSCHRIJVINGEN: &str = "\u{feff}LEERLING,SCHOOL,SECTOR,BEGINDATUM,EINDDATUM\r
111222333,05KO00,PO,01-08-2019,\r
123456782,07NU00,VO,01-08-2021,\r
101222331,05KO00,PO,01-07-2025,\r
200000007,07NU00,VO,01-08-2019,\r
200000019,07NU00,VO,01-08-2021,30-09-2025\r
";

const KALENDER: &str = "\
naam;van;tot;school
Herfstvakantie;2025-10-18;2025-10-26;
Studiedag;2025-11-03;2025-11-03;05KO00
";

/// `jongeren --as-of 2025-10-01 --format csv` of the region above.
const JONGEREN_CSV: &str = "\
leerling;achternaam;voornamen;geboortedatum;gemeente;leeftijd;plicht;school;sector
123456782;Bakker;Bram;2009-05-20;GM0392;16;kwalificatieplichtig;07NU00;VO
200000019;Fransen;Femke Johanna;2009-10-02;GM0392;15;leerplichtig;;
200000020;Gerritsen;Gijs;2021-01-01;GM0392;4;geen;;
111222333;Jansen;Anna;2015-03-10;GM0392;10;leerplichtig;05KO00;PO
010000008;Dekker;Dirk;2020-09-30;GM0473;5;leerplichtig;;
200000007;El Amrani;Eva;2007-10-01;GM0473;18;geen;07NU00;VO
101222331;de Vries;Chris;2020-06-15;GM0473;5;leerplichtig;05KO00;PO
";

/// The same people before any enrolment was imported. Listings go by gemeente, then name.
const JONGEREN_CSV_NOT_ENROLLED: &str = "\
leerling;achternaam;voornamen;geboortedatum;gemeente;leeftijd;plicht;school;sector
123456782;Bakker;Bram;2009-05-20;GM0392;16;kwalificatieplichtig;;
200000019;Fransen;Femke Johanna;2009-10-02;GM0392;15;leerplichtig;;
200000020;Gerritsen;Gijs;2021-01-01;GM0392;4;geen;;
111222333;Jansen;Anna;2015-03-10;GM0392;10;leerplichtig;;
010000008;Dekker;Dirk;2020-09-30;GM0473;5;leerplichtig;;
200000007;El Amrani;Eva;2007-10-01;GM0473;18;geen;;
101222331;de Vries;Chris;2020-06-15;GM0473;5;leerplichtig;;
";

const CSV_HEADER: &str =
    "leerling;achternaam;voornamen;geboortedatum;gemeente;leeftijd;plicht;school;sector\n";

// ---------------------------------------------------------------------------------------------
// Running the command

/// What one run of the command left behind.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    /// Panics, showing everything the command said, unless it exited with `code`.
    fn expect(self, code: i32, what: &str) -> Out {
        assert_eq!(
            self.code, code,
            "{what}: exit code {} (expected {code})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
    fn ok(self, what: &str) -> Out {
        self.expect(0, what)
    }
}

/// A scratch directory for one scenario: its files, and the working directory of every run
/// (so the default `sqlite://leerrecht.db` would land here, never in the repository).
struct Work {
    dir: TempDir,
}

impl Work {
    fn new() -> Work {
        Work {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `name` in the scratch directory; commands refer to it by its bare name, so
    /// error messages read `name:LINE: …`.
    fn file(&self, name: &str, contents: &str) -> &Work {
        std::fs::write(self.path(name), contents).expect("write fixture");
        self
    }

    /// Imports `contents` as the file `name` of `kind`, which must be refused (exit code 2,
    /// `what` failing otherwise) with the row errors `expected`; returns what was printed.
    fn import_refused(
        &self,
        db: &str,
        kind: &str,
        name: &str,
        contents: &str,
        what: &str,
        expected: &[(u64, &str, &str)],
    ) -> Out {
        self.file(name, contents);
        let out = self.run(db, &["import", kind, name]).expect(2, what);
        assert_row_errors(&out.stderr, name, expected);
        out
    }

    /// With the small region imported, an import that [`Work::import_refused`] refuses writes
    /// nothing: the register and the overview stay as they were. Returns what was printed.
    fn import_refused_writes_nothing(
        &self,
        db: &str,
        kind: &str,
        name: &str,
        contents: &str,
        what: &str,
        expected: &[(u64, &str, &str)],
    ) -> Out {
        self.import_region(db);
        let before = self.jongeren_csv(db);
        let overzicht = self.overzicht_json(db);
        let out = self.import_refused(db, kind, name, contents, what, expected);
        assert_eq!(self.jongeren_csv(db), before);
        assert_eq!(self.overzicht_json(db), overzicht);
        out
    }

    /// The command with a clean environment for its settings, stdin closed, output piped.
    fn command(&self) -> Command {
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_remove("LEERRECHT_DB")
            .env_remove("LEERRECHT_LOG")
            .env_remove("LEERRECHT_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn output(mut c: Command) -> Out {
        let o = c.output().expect("run leerrecht");
        Out {
            code: o.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }

    /// `leerrecht --db DB ARGS…`
    fn run(&self, db: &str, args: &[&str]) -> Out {
        let mut c = self.command();
        c.arg("--db").arg(db).args(args);
        Work::output(c)
    }

    /// `leerrecht ARGS…` with `extra` environment variables.
    fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> Out {
        let mut c = self.command();
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        Work::output(c)
    }

    /// Imports `file` as `kind` and returns the summary line on stderr.
    fn import(&self, db: &str, kind: &str, file: &str) -> String {
        let out = self
            .run(db, &["import", kind, file])
            .ok(&format!("import {kind} {file}"));
        assert!(
            out.stdout.is_empty(),
            "import prints nothing on stdout: {:?}",
            out.stdout
        );
        out.stderr
    }

    /// Writes and imports the whole small region.
    fn import_region(&self, db: &str) {
        self.file("organisaties.csv", ORGANISATIES)
            .file("jongeren.csv", JONGEREN)
            .file("inschrijvingen.csv", INSCHRIJVINGEN)
            .file("kalender.csv", KALENDER);
        for (kind, file) in REGION_FILES {
            self.import(db, kind, file);
        }
    }

    fn jongeren_csv(&self, db: &str) -> String {
        self.run(db, &["jongeren", "--as-of", PEILDATUM, "--format", "csv"])
            .ok("jongeren --format csv")
            .stdout
    }

    fn overzicht_json(&self, db: &str) -> Value {
        let out = self
            .run(db, &["overzicht", "--as-of", PEILDATUM, "--format", "json"])
            .ok("overzicht --format json");
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("overzicht is not JSON ({e}):\n{}", out.stdout))
    }
}

const REGION_FILES: [(&str, &str); 4] = [
    ("organisaties", "organisaties.csv"),
    ("jongeren", "jongeren.csv"),
    ("inschrijvingen", "inschrijvingen.csv"),
    ("kalender", "kalender.csv"),
];

fn sqlite_db(dir: &TempDir) -> String {
    format!("sqlite://{}/t.db", dir.path().display())
}

fn postgres_db() -> String {
    PgCluster::shared().fresh_database()
}

/// Runs `scenario` against a fresh SQLite file.
fn on_sqlite(scenario: fn(&str)) {
    let dir = tempfile::tempdir().expect("temporary directory");
    scenario(&sqlite_db(&dir));
}

/// Runs `scenario` against a fresh PostgreSQL database.
fn on_postgres(scenario: fn(&str)) {
    scenario(&postgres_db());
}

/// The two tests of a scenario (`fn(&str)`): on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($scenario:ident: $sqlite:ident, $postgres:ident) => {
        #[test]
        fn $sqlite() {
            on_sqlite($scenario);
        }

        #[test]
        fn $postgres() {
            on_postgres($scenario);
        }
    };
}

/// The counts of an import summary: "… N nieuw, M gewijzigd, K ongewijzigd".
fn counts(summary: &str) -> (u64, u64, u64) {
    let number_before = |word: &str| -> u64 {
        let at = summary
            .find(&format!(" {word}"))
            .unwrap_or_else(|| panic!("no {word:?} in the summary {summary:?}"));
        let digits: String = summary[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("no count before {word:?} in {summary:?}"))
    };
    (
        number_before("nieuw,"),
        number_before("gewijzigd,"),
        number_before("ongewijzigd"),
    )
}

/// The `FILE:LINE: column: reason` lines of `stderr` about `file`, as (line, column, reason).
fn row_errors(stderr: &str, file: &str) -> Vec<(u64, String, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(file)?.strip_prefix(':')?;
            let (line, rest) = rest.split_once(": ")?;
            let line: u64 = line.parse().ok()?;
            let (column, reason) = rest.split_once(": ")?;
            Some((line, column.to_string(), reason.to_string()))
        })
        .collect()
}

/// Asserts that `stderr` reports exactly the rows `expected` (line, column, a text the reason
/// must mention), in that order, and ends with the "nothing was imported" line.
fn assert_row_errors(stderr: &str, file: &str, expected: &[(u64, &str, &str)]) {
    let got = row_errors(stderr, file);
    let got_keys: Vec<(u64, &str)> = got.iter().map(|(l, c, _)| (*l, c.as_str())).collect();
    let want_keys: Vec<(u64, &str)> = expected.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(got_keys, want_keys, "reported rows, stderr:\n{stderr}");
    for ((line, column, reason), (_, _, mention)) in got.iter().zip(expected) {
        assert!(
            reason.to_lowercase().contains(&mention.to_lowercase()),
            "{file}:{line}: {column}: the reason {reason:?} should mention {mention:?}"
        );
    }
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("{file}: nothing was imported")),
        "the last line says nothing was imported: {last:?}\n{stderr}"
    );
}

fn gemeente<'a>(overzicht: &'a Value, code: &str) -> &'a Value {
    overzicht["gemeenten"]
        .as_array()
        .expect("gemeenten is a list")
        .iter()
        .find(|g| g["gemeente"] == code)
        .unwrap_or_else(|| panic!("{code} missing from {overzicht:#}"))
}

// ---------------------------------------------------------------------------------------------
// 1. Importing a small region, and what the queries then say

fn import_small_region(db: &str) {
    let w = Work::new();
    w.file("organisaties.csv", ORGANISATIES)
        .file("jongeren.csv", JONGEREN)
        .file("inschrijvingen.csv", INSCHRIJVINGEN)
        .file("kalender.csv", KALENDER);
    let expected_new = [6, 7, 5, 2];
    for ((kind, file), n) in REGION_FILES.into_iter().zip(expected_new) {
        let summary = w.import(db, kind, file);
        assert_eq!(counts(&summary), (n, 0, 0), "{kind}: {summary}");
        assert!(!summary.contains("nothing was"), "{summary}");
    }

    let overzicht = w.overzicht_json(db);
    assert_eq!(
        overzicht,
        json!({
            "peildatum": "2025-10-01",
            "gemeenten": [
                {
                    "gemeente": "GM0392",
                    "naam": "Haarlem",
                    "jongeren": 4,
                    "leerplichtig": 2,
                    "leerplichtig_ingeschreven": 1,
                    "kwalificatieplichtig": 1,
                    "kwalificatieplichtig_ingeschreven": 1,
                },
                {
                    "gemeente": "GM0473",
                    "naam": "Zandvoort",
                    "jongeren": 3,
                    "leerplichtig": 2,
                    "leerplichtig_ingeschreven": 1,
                    "kwalificatieplichtig": 0,
                    "kwalificatieplichtig_ingeschreven": 0,
                },
            ],
        })
    );

    // The CSV listing: ages, duties, the enrolment on the day; BSNs keep their leading zero.
    assert_eq!(w.jongeren_csv(db), JONGEREN_CSV);

    // The JSON listing says the same.
    let out = w
        .run(db, &["jongeren", "--as-of", PEILDATUM, "--format", "json"])
        .ok("jongeren --format json");
    let people: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("jongeren is not JSON ({e}):\n{}", out.stdout));
    let people = people.as_array().expect("a JSON list");
    assert_eq!(people.len(), 7, "{people:#?}");
    let chris = people
        .iter()
        .find(|p| p["leerling"] == "101222331")
        .expect("Chris, known by onderwijsnummer only");
    assert_eq!(chris["achternaam"], "de Vries");
    assert_eq!(chris["voornamen"], "Chris");
    assert_eq!(chris["geboortedatum"], "2020-06-15");
    assert_eq!(chris["gemeente"], "GM0473");
    assert_eq!(chris["leeftijd"], 5);
    assert_eq!(chris["plicht"], "leerplichtig");
    assert_eq!(chris["school"], "05KO00");
    assert_eq!(chris["sector"], "PO");
    let summary: Vec<(String, u64, String, Value, Value)> = people
        .iter()
        .map(|p| {
            (
                p["leerling"].as_str().expect("leerling").to_string(),
                p["leeftijd"].as_u64().expect("leeftijd"),
                p["plicht"].as_str().expect("plicht").to_string(),
                p["school"].clone(),
                p["sector"].clone(),
            )
        })
        .collect();
    let s = |v: &str| json!(v);
    // Listed by gemeente, then name.
    let expected = vec![
        (
            "123456782".into(),
            16,
            "kwalificatieplichtig".into(),
            s("07NU00"),
            s("VO"),
        ),
        (
            "200000019".into(),
            15,
            "leerplichtig".into(),
            Value::Null,
            Value::Null,
        ),
        (
            "200000020".into(),
            4,
            "geen".into(),
            Value::Null,
            Value::Null,
        ),
        (
            "111222333".into(),
            10,
            "leerplichtig".into(),
            s("05KO00"),
            s("PO"),
        ),
        (
            "010000008".into(),
            5,
            "leerplichtig".into(),
            Value::Null,
            Value::Null,
        ),
        ("200000007".into(), 18, "geen".into(), s("07NU00"), s("VO")),
        (
            "101222331".into(),
            5,
            "leerplichtig".into(),
            s("05KO00"),
            s("PO"),
        ),
    ];
    assert_eq!(summary, expected);

    // --gemeente keeps the people of one gemeente; the date may be written DD-MM-YYYY too.
    let zandvoort = w
        .run(
            db,
            &[
                "jongeren",
                "--as-of",
                "01-10-2025",
                "--gemeente",
                "GM0473",
                "--format",
                "csv",
            ],
        )
        .ok("jongeren --gemeente GM0473")
        .stdout;
    let expected: String = JONGEREN_CSV
        .lines()
        .filter(|l| l.starts_with("leerling;") || l.contains(";GM0473;"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(zandvoort, expected);
    assert_eq!(zandvoort.lines().count(), 4);

    // The table lists the same people of Haarlem, and nobody else.
    let table = w
        .run(
            db,
            &["jongeren", "--as-of", PEILDATUM, "--gemeente", "GM0392"],
        )
        .ok("jongeren table")
        .stdout;
    assert_eq!(table.lines().count(), 5, "{table}");
    for name in ["Jansen", "Bakker", "Fransen", "Gerritsen"] {
        assert!(table.contains(name), "{name} in\n{table}");
    }
    for name in ["de Vries", "Dekker", "El Amrani"] {
        assert!(!table.contains(name), "{name} not in\n{table}");
    }
}

on_both!(import_small_region: import_small_region_sqlite, import_small_region_postgres);

// ---------------------------------------------------------------------------------------------
// 2. Importing the same files again changes nothing

fn reimport_changes_nothing(db: &str) {
    let w = Work::new();
    w.import_region(db);
    let before = w.overzicht_json(db);
    let listing = w.jongeren_csv(db);

    let rows = [6, 7, 5, 2];
    for ((kind, file), n) in REGION_FILES.into_iter().zip(rows) {
        let summary = w.import(db, kind, file);
        assert_eq!(counts(&summary), (0, 0, n), "{kind} again: {summary}");
    }
    assert_eq!(w.overzicht_json(db), before);
    assert_eq!(w.jongeren_csv(db), listing);

    // A file with one person moved is one change, and only that.
    w.file(
        "verhuisd.csv",
        &JONGEREN.replace(
            "200000020;;Gerritsen;Gijs;2021-01-01;GM0392",
            "200000020;;Gerritsen;Gijs;2021-01-01;GM0473",
        ),
    );
    let summary = w.import(db, "jongeren", "verhuisd.csv");
    assert_eq!(counts(&summary), (0, 1, 6), "{summary}");
    // Listed by gemeente, then name: Gijs now stands among the people of Zandvoort.
    assert_eq!(
        w.jongeren_csv(db),
        JONGEREN_CSV
            .replace("200000020;Gerritsen;Gijs;2021-01-01;GM0392;4;geen;;\n", "")
            .replace(
                "101222331;de Vries",
                "200000020;Gerritsen;Gijs;2021-01-01;GM0473;4;geen;;\n101222331;de Vries"
            )
    );
    let after = w.overzicht_json(db);
    assert_eq!(gemeente(&after, "GM0392")["jongeren"], 3);
    assert_eq!(gemeente(&after, "GM0473")["jongeren"], 4);
}

on_both!(reimport_changes_nothing: reimport_changes_nothing_sqlite, reimport_changes_nothing_postgres);

// ---------------------------------------------------------------------------------------------
// 3. An invalid jongeren file: every bad row reported, nothing written

fn invalid_jongeren_writes_nothing(db: &str) {
    let w = Work::new();
    let out = w.import_refused_writes_nothing(
        db,
        "jongeren",
        "fout.csv",
        "\
bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente
200000032;;Hendriks;Hanna;2014-04-04;GM0392
123456789;;Fout;Bsn;2014-04-04;GM0392
200000044;;Onbekend;Gemeente;2014-04-04;GM9999
200000056;;;Leeg;2014-04-04;GM0392
200000068;;Datum;Fout;31-02-2010;GM0473
200000032;;Hendriks;Dubbel;2014-04-04;GM0392
111222333;;Jansen;Anna;2015-03-10;GM0473
200000081;;Ingrid;Geldig;2012-12-12;GM0473
",
        "import of an invalid jongeren file",
        &[
            (3, "bsn", "123456789"),
            (4, "gemeente", "GM9999"),
            (5, "achternaam", "empty"),
            (6, "geboortedatum", "31-02-2010"),
            (7, "bsn", "line 2"),
        ],
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    // Neither the valid new people nor the change of Anna's gemeente were kept.
    let after = w.jongeren_csv(db);
    for bsn in ["200000032", "200000081"] {
        assert!(!after.contains(bsn), "{bsn} was not imported:\n{after}");
    }
}

on_both!(invalid_jongeren_writes_nothing: invalid_jongeren_writes_nothing_sqlite, invalid_jongeren_writes_nothing_postgres);

// ---------------------------------------------------------------------------------------------
// 4. Invalid inschrijvingen: every bad row reported, nothing written

/// Enrolments that overlap: Dirk twice at 05KO00 with open enrolments (the second is the bad
/// one), Anna at 05KO00 while enrolled there since 2019-08-01 with no end, and Gijs's valid one.
const OVERLAPPEND: &str = "\
010000008;05KO00;PO;2025-10-01;
010000008;05KO00;PO;2026-01-01;
111222333;05KO00;PO;2024-08-01;2025-07-31
200000020;07NU00;VO;2025-08-01;
";

fn invalid_inschrijvingen_writes_nothing(db: &str) {
    // Gijs's valid enrolment (line 9) and Dirk's first one (line 6) are not kept either.
    Work::new().import_refused_writes_nothing(
        db,
        "inschrijvingen",
        "fout.csv",
        &format!(
            "\
leerling;school;sector;begindatum;einddatum
200000032;05KO00;PO;2020-08-01;
111222333;99XX00;PO;2020-08-01;
111222333;05KO00;XO;2020-08-01;
123456782;05KO00;PO;2020-08-01;2019-07-31
{OVERLAPPEND}"
        ),
        "import of an invalid inschrijvingen file",
        &[
            // Nobody has this BSN.
            (2, "leerling", "unknown"),
            (3, "school", "99XX00"),
            (4, "sector", "XO"),
            (5, "einddatum", "2019-07-31"),
            // Dirk twice at 05KO00 with open enrolments: the later line is the bad one.
            (7, "begindatum", "overlap"),
            // Anna is enrolled at 05KO00 since 2019-08-01, with no end.
            (8, "begindatum", "2019-08-01"),
        ],
    );
}

on_both!(invalid_inschrijvingen_writes_nothing: invalid_inschrijvingen_writes_nothing_sqlite, invalid_inschrijvingen_writes_nothing_postgres);

/// Overlaps, in the file and with a stored enrolment, beside a row that does not parse and
/// without any unknown leerling: all reported, nothing written.
fn overlapping_inschrijvingen_are_reported(db: &str) {
    Work::new().import_refused_writes_nothing(
        db,
        "inschrijvingen",
        "overlap.csv",
        &format!(
            "\
leerling;school;sector;begindatum;einddatum
{OVERLAPPEND}111222333;05KO00;XO;2020-08-01;
"
        ),
        "import of overlapping enrolments",
        &[
            (3, "begindatum", "overlap"),
            (4, "begindatum", "2019-08-01"),
            (6, "sector", "XO"),
        ],
    );
}

on_both!(overlapping_inschrijvingen_are_reported: overlapping_inschrijvingen_are_reported_sqlite, overlapping_inschrijvingen_are_reported_postgres);

// ---------------------------------------------------------------------------------------------
// 5. --dry-run counts and writes nothing

fn dry_run_writes_nothing(db: &str) {
    let w = Work::new();
    w.file("organisaties.csv", ORGANISATIES)
        .file("jongeren.csv", JONGEREN)
        .file("inschrijvingen.csv", INSCHRIJVINGEN);
    let dry = |kind: &str, file: &str| -> String {
        let out = w
            .run(db, &["import", kind, file, "--dry-run"])
            .ok(&format!("import {kind} --dry-run"));
        assert!(out.stderr.contains("dry run"), "{}", out.stderr);
        out.stderr
    };

    assert_eq!(counts(&dry("organisaties", "organisaties.csv")), (6, 0, 0));
    let empty = w.overzicht_json(db);
    assert_eq!(empty["gemeenten"], json!([]), "{empty:#}");

    w.import(db, "organisaties", "organisaties.csv");
    assert_eq!(counts(&dry("jongeren", "jongeren.csv")), (7, 0, 0));
    assert_eq!(w.jongeren_csv(db), CSV_HEADER);
    assert_eq!(gemeente(&w.overzicht_json(db), "GM0392")["jongeren"], 0);

    // Had the dry run written anything, these would not be new.
    let summary = w.import(db, "jongeren", "jongeren.csv");
    assert_eq!(counts(&summary), (7, 0, 0), "{summary}");

    assert_eq!(
        counts(&dry("inschrijvingen", "inschrijvingen.csv")),
        (5, 0, 0)
    );
    assert_eq!(w.jongeren_csv(db), JONGEREN_CSV_NOT_ENROLLED);
    let o = w.overzicht_json(db);
    for g in ["GM0392", "GM0473"] {
        assert_eq!(gemeente(&o, g)["leerplichtig_ingeschreven"], 0, "{o:#}");
        assert_eq!(gemeente(&o, g)["kwalificatieplichtig_ingeschreven"], 0);
    }
    let summary = w.import(db, "inschrijvingen", "inschrijvingen.csv");
    assert_eq!(counts(&summary), (5, 0, 0), "{summary}");
    assert_eq!(w.jongeren_csv(db), JONGEREN_CSV);
}

on_both!(dry_run_writes_nothing: dry_run_writes_nothing_sqlite, dry_run_writes_nothing_postgres);

// ---------------------------------------------------------------------------------------------
// 6. Where the database comes from: --db before or after the subcommand, LEERRECHT_DB

fn db_option_and_environment(db: &str) {
    let w = Work::new();
    w.file("organisaties.csv", ORGANISATIES)
        .file("jongeren.csv", JONGEREN)
        .file("inschrijvingen.csv", INSCHRIJVINGEN);

    // --db before the subcommand.
    w.run_env(
        &[],
        &["--db", db, "import", "organisaties", "organisaties.csv"],
    )
    .ok("--db before import");
    // --db after the subcommand and its arguments.
    w.run_env(&[], &["import", "jongeren", "jongeren.csv", "--db", db])
        .ok("--db after import");
    // LEERRECHT_DB.
    w.run_env(
        &[("LEERRECHT_DB", db)],
        &["import", "inschrijvingen", "inschrijvingen.csv"],
    )
    .ok("LEERRECHT_DB import");
    let listing = w
        .run_env(
            &[("LEERRECHT_DB", db)],
            &["jongeren", "--as-of", PEILDATUM, "--format", "csv"],
        )
        .ok("LEERRECHT_DB jongeren")
        .stdout;
    assert_eq!(listing, JONGEREN_CSV);
    assert!(
        !w.path("leerrecht.db").exists(),
        "no default database was made beside the files"
    );

    // --db wins over LEERRECHT_DB, before or after the subcommand.
    let other = format!("sqlite://{}", w.path("ander.db").display());
    let args_after = [
        "jongeren", "--as-of", PEILDATUM, "--format", "csv", "--db", db,
    ];
    let listing = w
        .run_env(&[("LEERRECHT_DB", &other)], &args_after)
        .ok("--db over LEERRECHT_DB")
        .stdout;
    assert_eq!(listing, JONGEREN_CSV);
    let args_before = [
        "--db",
        db,
        "overzicht",
        "--as-of",
        PEILDATUM,
        "--format",
        "json",
    ];
    let o = w
        .run_env(&[("LEERRECHT_DB", &other)], &args_before)
        .ok("--db before, over LEERRECHT_DB")
        .stdout;
    let o: Value = serde_json::from_str(&o).expect("JSON");
    assert_eq!(gemeente(&o, "GM0392")["jongeren"], 4);
    // …and LEERRECHT_DB alone names that other, empty database.
    let listing = w
        .run_env(
            &[("LEERRECHT_DB", &other)],
            &["jongeren", "--as-of", PEILDATUM, "--format", "csv"],
        )
        .ok("LEERRECHT_DB names another database")
        .stdout;
    assert_eq!(listing, CSV_HEADER);

    // Without either, the default is leerrecht.db in the working directory.
    let listing = w
        .run_env(&[], &["jongeren", "--as-of", PEILDATUM, "--format", "csv"])
        .ok("default database")
        .stdout;
    assert_eq!(listing, CSV_HEADER);
    assert!(w.path("leerrecht.db").exists(), "sqlite://leerrecht.db");
}

on_both!(db_option_and_environment: db_option_and_environment_sqlite, db_option_and_environment_postgres);

// ---------------------------------------------------------------------------------------------
// 7. The demo region

/// The seed region's gemeenten, and the neighbouring one the demo's young people move to.
const DEMO_GEMEENTEN: [(&str, &str); 8] = [
    ("GM0375", "Beverwijk"),
    ("GM0377", "Bloemendaal"),
    ("GM0392", "Haarlem"),
    ("GM0396", "Heemskerk"),
    ("GM0397", "Heemstede"),
    ("GM0453", "Velsen"),
    ("GM0473", "Zandvoort"),
    ("GM0479", "Zaanstad"),
];

/// `db` and `other` are two fresh databases of the same backend.
fn demo_is_reproducible(db: &str, other: &str) {
    let w = Work::new();
    let demo = ["demo", "--no-serve", "--scale", "tiny", "--seed", "7"];
    let first = w.run(db, &demo).ok("demo into a fresh database");
    assert!(!first.stdout.is_empty(), "the demo says what it made");
    w.run(other, &demo).ok("demo into another fresh database");

    let a = w.jongeren_csv(db);
    let b = w.jongeren_csv(other);
    assert!(a.lines().count() > 100, "the demo has people:\n{a}");
    assert!(a == b, "the same seed gives the same people");

    // A second demo into a database that holds a register is refused, and changes nothing.
    let again = w.run(db, &demo).expect(2, "demo into a non-empty database");
    assert!(
        again.stderr.contains("--db"),
        "the refusal says what to do: {}",
        again.stderr
    );
    assert!(w.jongeren_csv(db) == a, "the refused demo changed nothing");

    let o = w.overzicht_json(db);
    let listed: Vec<(&str, &str)> = o["gemeenten"]
        .as_array()
        .expect("gemeenten")
        .iter()
        .map(|g| {
            (
                g["gemeente"].as_str().expect("code"),
                g["naam"].as_str().expect("naam"),
            )
        })
        .collect();
    assert_eq!(listed, DEMO_GEMEENTEN);
    let total: u64 = o["gemeenten"]
        .as_array()
        .expect("gemeenten")
        .iter()
        .map(|g| g["jongeren"].as_u64().expect("jongeren"))
        .sum();
    assert_eq!(
        total as usize,
        a.lines().count() - 1,
        "everyone is counted once"
    );

    // The table shows them too.
    let table = w
        .run(db, &["overzicht", "--as-of", PEILDATUM])
        .ok("overzicht table")
        .stdout;
    for (code, naam) in DEMO_GEMEENTEN {
        assert!(
            table
                .lines()
                .any(|l| l.starts_with(code) && l.contains(naam)),
            "{code} {naam} in\n{table}"
        );
    }
}

#[test]
fn demo_is_reproducible_sqlite() {
    let one = tempfile::tempdir().expect("temporary directory");
    let two = tempfile::tempdir().expect("temporary directory");
    demo_is_reproducible(&sqlite_db(&one), &sqlite_db(&two));
}

#[test]
fn demo_is_reproducible_postgres() {
    demo_is_reproducible(&postgres_db(), &postgres_db());
}

// ---------------------------------------------------------------------------------------------
// 8. Piped output is plain: no progress bar, no terminal escapes

fn piped_output_is_plain(db: &str) {
    let w = Work::new();
    w.file("organisaties.csv", ORGANISATIES);
    // Enough people that the import takes a moment, so a progress bar would have drawn.
    let mut big = String::from("bsn;onderwijsnummer;achternaam;voornamen;geboortedatum;gemeente\n");
    let mut bsn = 300_000_000;
    for i in 0..2000 {
        bsn = support::bsn(bsn + 1, 0);
        let gem = if i % 2 == 0 { "GM0392" } else { "GM0473" };
        let day = 1 + i % 28;
        big.push_str(&format!(
            "{bsn:09};;Achternaam{i};Voornaam;2012-03-{day:02};{gem}\n"
        ));
    }
    w.file("veel.csv", &big);

    // As if on a colour terminal, but piped.
    let env = [("TERM", "xterm-256color"), ("LEERRECHT_DB", db)];
    for (kind, file) in [
        ("organisaties", "organisaties.csv"),
        ("jongeren", "veel.csv"),
    ] {
        let out = w
            .run_env(&env, &["import", kind, file])
            .ok(&format!("import {kind}"));
        assert!(out.stdout.is_empty(), "{:?}", out.stdout);
        assert!(
            !out.stderr.contains('\x1b') && !out.stderr.contains('\r'),
            "no escapes or carriage returns on a piped stderr: {:?}",
            out.stderr
        );
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "just the summary: {:?}",
            out.stderr
        );
    }

    for args in [
        &["jongeren", "--as-of", PEILDATUM][..],
        &["jongeren", "--as-of", PEILDATUM, "--format", "csv"],
        &["jongeren", "--as-of", PEILDATUM, "--format", "json"],
        &["overzicht", "--as-of", PEILDATUM],
        &["overzicht", "--as-of", PEILDATUM, "--format", "json"],
    ] {
        let out = w.run_env(&env, args).ok(&args.join(" "));
        assert!(!out.stdout.contains('\x1b'), "{args:?}: escapes on stdout");
        assert!(out.stderr.is_empty(), "{args:?}: stderr {:?}", out.stderr);
    }
    let listing = w
        .run_env(&env, &["jongeren", "--as-of", PEILDATUM, "--format", "csv"])
        .ok("jongeren csv")
        .stdout;
    assert_eq!(listing.lines().count(), 2001);
}

on_both!(piped_output_is_plain: piped_output_is_plain_sqlite, piped_output_is_plain_postgres);

// ---------------------------------------------------------------------------------------------
// 9. Absence becomes signals
//
// The absence of the small region (`VERZUIM`): Anna (111222333, 05KO00) misses 240 minutes
// ongeoorloofd on each of Monday to Thursday 8–11 September 2025, so the preventive signal
// fires at 480 minutes (the 9th) and the 16-hour report at 960 (the 11th); Bram (123456782,
// 07NU00) arrives late on the nine school days of 1–11 September, the 9th late arrival on the
// 11th. On the peildatum Femke (enrolment ended 2025-09-30) and Dirk (leerplichtig from that
// day) are leerplichtig without a school, in gemeenten that RBL-ZK serves: absoluut verzuim,
// listed by gemeente (Haarlem, then Zandvoort), with no school.

const VERZUIM: &str = "\
leerling;school;datum;soort;minuten;hele_dag
111222333;05KO00;2025-09-08;ongeoorloofd;240;nee
111222333;05KO00;2025-09-09;ongeoorloofd;240;nee
111222333;05KO00;2025-09-10;ongeoorloofd;240;nee
111222333;05KO00;2025-09-11;ongeoorloofd;240;nee
123456782;07NU00;2025-09-01;te_laat;10;
123456782;07NU00;2025-09-02;te_laat;10;
123456782;07NU00;2025-09-03;te_laat;10;
123456782;07NU00;2025-09-04;te_laat;10;
123456782;07NU00;2025-09-05;te_laat;10;
123456782;07NU00;2025-09-08;te_laat;10;
123456782;07NU00;2025-09-09;te_laat;10;
123456782;07NU00;2025-09-10;te_laat;10;
123456782;07NU00;2025-09-11;te_laat;10;
";

const SIGNALS_HEADER: &str = "leerling;school;regel;datum\n";

/// The absoluut verzuim of the peildatum.
const AV_CSV: &str = "\
200000019;;av;2025-10-01
010000008;;av;2025-10-01
";

/// `signals --as-of 2025-10-01 --format csv` after importing `VERZUIM`, with the default rules:
/// by date, then school.
const SIGNALS_CSV: &str = "\
leerling;school;regel;datum
111222333;05KO00;signaal;2025-09-09
111222333;05KO00;16uur;2025-09-11
123456782;07NU00;te_laat;2025-09-11
200000019;;av;2025-10-01
010000008;;av;2025-10-01
";

impl Work {
    /// `leerrecht --db DB signals --as-of PEILDATUM ARGS…`, which must succeed, print its
    /// summary on stderr and nothing else there; returns stdout and the summary's counts.
    fn signals(&self, db: &str, args: &[&str]) -> (String, (u64, u64, u64)) {
        let mut all = vec!["signals", "--as-of", PEILDATUM];
        all.extend_from_slice(args);
        let out = self.run(db, &all).ok(&all.join(" "));
        (out.stdout, signal_run(&out.stderr))
    }
}

/// The counts of the summary "signalen bijgewerkt: L leerlingen, R verzuimregels, S signalen
/// in T s", which must be all of `stderr`.
fn signal_run(stderr: &str) -> (u64, u64, u64) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "just the summary on stderr: {stderr:?}");
    let rest = lines[0]
        .strip_prefix("signalen bijgewerkt: ")
        .unwrap_or_else(|| panic!("a summary of the signal run: {stderr:?}"));
    let parts: Vec<&str> = rest.split(", ").collect();
    assert_eq!(parts.len(), 3, "{stderr:?}");
    let count = |part: &str, word: &str| -> u64 {
        let (n, w) = part
            .split_once(' ')
            .unwrap_or_else(|| panic!("{part:?} in {stderr:?}"));
        assert!(w.starts_with(word), "{word:?} in {stderr:?}");
        n.parse()
            .unwrap_or_else(|_| panic!("a count before {word:?} in {stderr:?}"))
    };
    (
        count(parts[0], "leerlingen"),
        count(parts[1], "verzuimregels"),
        count(parts[2], "signalen in "),
    )
}

/// The JSON list `signals --format json` printed.
fn signals_json(stdout: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("signals is not JSON ({e}):\n{stdout}"));
    v.as_array().expect("a JSON list").clone()
}

/// A JSON signal as the CSV line of it.
fn as_csv_line(s: &Value) -> String {
    let text = |k: &str| -> String {
        match &s[k] {
            // A signal without a school (av) may say so either way.
            Value::Null => String::new(),
            Value::String(t) => t.clone(),
            other => panic!("{k} is {other} in {s}"),
        }
    };
    format!(
        "{};{};{};{}\n",
        text("leerling"),
        text("school"),
        text("regel"),
        text("datum")
    )
}

fn absence_becomes_signals(db: &str) {
    let w = Work::new();
    w.import_region(db);
    w.file("verzuim.csv", VERZUIM);
    let summary = w.import(db, "verzuim", "verzuim.csv");
    assert_eq!(counts(&summary), (13, 0, 0), "{summary}");

    // The first run evaluates both pupils and their 13 rows into 3 signals.
    let (listing, run) = w.signals(db, &["--format", "csv"]);
    assert_eq!(listing, SIGNALS_CSV);
    assert_eq!(run, (2, 13, 3));

    // Again: nothing changed, nothing to do, the same list.
    let (listing, run) = w.signals(db, &["--format", "csv"]);
    assert_eq!(listing, SIGNALS_CSV);
    assert_eq!(run, (0, 0, 0));
    // CSV is the default format.
    assert_eq!(w.signals(db, &[]).0, SIGNALS_CSV);
    // Everyone again: the same signals.
    let (listing, run) = w.signals(db, &["--alles"]);
    assert_eq!(listing, SIGNALS_CSV);
    assert_eq!(run, (2, 13, 3));

    // An earlier date shows what was known then: only the preventive signal, and no absoluut
    // verzuim (Femke was still enrolled, Dirk not yet leerplichtig).
    let out = w
        .run(db, &["signals", "--as-of", "10-09-2025", "--format", "csv"])
        .ok("signals --as-of 10-09-2025");
    assert_eq!(
        out.stdout,
        format!("{SIGNALS_HEADER}111222333;05KO00;signaal;2025-09-09\n")
    );

    // --regel keeps one rule.
    let (listing, _) = w.signals(db, &["--regel", "16uur"]);
    assert_eq!(
        listing,
        format!("{SIGNALS_HEADER}111222333;05KO00;16uur;2025-09-11\n")
    );
    let (listing, _) = w.signals(db, &["--regel", "av"]);
    assert_eq!(listing, format!("{SIGNALS_HEADER}{AV_CSV}"));
    let (listing, _) = w.signals(db, &["--regel", "lrv"]);
    assert_eq!(listing, SIGNALS_HEADER);

    // JSON: the same signals, each with its explanation.
    let (listing, _) = w.signals(db, &["--format", "json"]);
    let list = signals_json(&listing);
    let as_csv: String = list.iter().map(as_csv_line).collect();
    assert_eq!(format!("{SIGNALS_HEADER}{as_csv}"), SIGNALS_CSV);
    for s in &list {
        let mut keys: Vec<&str> = s
            .as_object()
            .unwrap_or_else(|| panic!("a signal is an object: {s}"))
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["datum", "leerling", "regel", "school", "uitleg"],
            "{s}"
        );
        assert!(s["uitleg"].is_object(), "an explanation: {s}");
    }
    let uur16 = &list[1];
    assert_eq!(uur16["regel"], "16uur", "{uur16}");
    let uitleg = &uur16["uitleg"];
    assert!(
        uitleg["minuten"].as_u64().expect("minuten") >= 960,
        "{uitleg}"
    );
    assert_eq!(uitleg["drempel"], 960, "{uitleg}");
    assert_eq!(
        uitleg["rijen"],
        json!(["2025-09-08", "2025-09-09", "2025-09-10", "2025-09-11"]),
        "{uitleg}"
    );
    let te_laat = &list[2];
    assert_eq!(te_laat["regel"], "te_laat", "{te_laat}");
    assert_eq!(te_laat["uitleg"]["aantal"], 9, "{te_laat}");
    assert_eq!(te_laat["uitleg"]["drempel"], 9, "{te_laat}");
    assert_eq!(
        te_laat["uitleg"]["rijen"].as_array().map(Vec::len),
        Some(9),
        "{te_laat}"
    );
    // --regel and --format together.
    let (listing, _) = w.signals(db, &["--regel", "16uur", "--format", "json"]);
    assert_eq!(signals_json(&listing), std::slice::from_ref(uur16));

    // An unknown rule is refused with the valid ones, before anything is done.
    let out = w
        .run(db, &["signals", "--as-of", PEILDATUM, "--regel", "onzin"])
        .expect(2, "signals --regel onzin");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(
        out.stderr.contains("onzin") && out.stderr.contains("16uur"),
        "the refusal names the value and the valid rules: {}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("signalen bijgewerkt"),
        "{}",
        out.stderr
    );
}

on_both!(absence_becomes_signals: absence_becomes_signals_sqlite, absence_becomes_signals_postgres);

// ---------------------------------------------------------------------------------------------
// 10. The region's rules from leerrecht.toml, --config or LEERRECHT_CONFIG

fn settings_change_the_rules(db: &str) {
    let w = Work::new();
    w.import_region(db);
    w.file("verzuim.csv", VERZUIM);
    w.import(db, "verzuim", "verzuim.csv");
    // Without settings, the covenant's defaults: a 16-hour report at 960 minutes.
    assert_eq!(w.signals(db, &[]).0, SIGNALS_CSV);

    // The region reports at 20 hours from 1 August 2025: Anna's 960 minutes make no 16-hour
    // report, but a second preventive signal; everyone is evaluated again.
    w.file(
        "leerrecht.toml",
        "[regels]\nuur16_minuten = 1200\ngeldig_vanaf = 2025-08-01\n",
    );
    let at_20_hours = SIGNALS_CSV.replace(
        "111222333;05KO00;16uur;2025-09-11",
        "111222333;05KO00;signaal;2025-09-11",
    );
    let (listing, run) = w.signals(db, &[]);
    assert_eq!(listing, at_20_hours);
    assert_eq!(run.0, 2, "a change of rules re-evaluates everyone");
    // The same settings again change nothing.
    let (listing, run) = w.signals(db, &[]);
    assert_eq!(listing, at_20_hours);
    assert_eq!(run, (0, 0, 0));

    // --config wins over the working directory's file: 15 hours from 1 September.
    w.file(
        "other.toml",
        "[regels]\nuur16_minuten = 900\ngeldig_vanaf = 2025-09-01\n",
    );
    let (listing, run) = w.signals(db, &["--config", "other.toml"]);
    assert_eq!(listing, SIGNALS_CSV);
    assert_eq!(run.0, 2);
    let (listing, _) = w.signals(
        db,
        &[
            "--config",
            "other.toml",
            "--regel",
            "16uur",
            "--format",
            "json",
        ],
    );
    let list = signals_json(&listing);
    assert_eq!(list.len(), 1, "{listing}");
    assert_eq!(list[0]["uitleg"]["drempel"], 900, "{listing}");
    // So does LEERRECHT_CONFIG.
    let out = w
        .run_env(
            &[("LEERRECHT_DB", db), ("LEERRECHT_CONFIG", "other.toml")],
            &["signals", "--as-of", PEILDATUM],
        )
        .ok("signals with LEERRECHT_CONFIG");
    assert_eq!(out.stdout, SIGNALS_CSV);
    assert_eq!(signal_run(&out.stderr), (0, 0, 0));

    // The working directory's file now asks for rules from 1 August, before the stored version
    // of 1 September: refused, and nothing changes.
    let out = w
        .run(db, &["signals", "--as-of", PEILDATUM])
        .expect(2, "rules from before the latest stored version");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(
        out.stderr.contains("2025-09-01") && out.stderr.contains("geldig_vanaf"),
        "the refusal names the latest version and what to set: {}",
        out.stderr
    );
    // Not after is not on the same day either.
    w.file(
        "same_day.toml",
        "[regels]\nuur16_minuten = 1000\ngeldig_vanaf = 2025-09-01\n",
    );
    let out = w
        .run(
            db,
            &["signals", "--as-of", PEILDATUM, "--config", "same_day.toml"],
        )
        .expect(2, "changed rules from the day of the latest version");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(out.stderr.contains("2025-09-01"), "{}", out.stderr);
    let (listing, run) = w.signals(db, &["--config", "other.toml"]);
    assert_eq!(listing, SIGNALS_CSV);
    assert_eq!(run, (0, 0, 0), "the refused settings stored nothing");

    // A misspelt setting is named, given with --config or found in the working directory.
    w.file("bad.toml", "[regels]\nfoo = 1\n");
    let out = w
        .run(
            db,
            &["signals", "--as-of", PEILDATUM, "--config", "bad.toml"],
        )
        .expect(2, "an unknown setting in --config");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(
        out.stderr.contains("bad.toml") && out.stderr.contains("foo"),
        "the refusal names the file and the key: {}",
        out.stderr
    );
    w.file("leerrecht.toml", "[regels]\nfoo = 1\n");
    let out = w
        .run(db, &["signals", "--as-of", PEILDATUM])
        .expect(2, "an unknown setting in leerrecht.toml");
    assert!(
        out.stderr.contains("leerrecht.toml") && out.stderr.contains("foo"),
        "the refusal names the file and the key: {}",
        out.stderr
    );
}

on_both!(settings_change_the_rules: settings_change_the_rules_sqlite, settings_change_the_rules_postgres);

// ---------------------------------------------------------------------------------------------
// 11. Absence and meldingen imports: all or nothing, and again changes nothing

fn invalid_verzuim_writes_nothing(db: &str) {
    let w = Work::new();
    w.import_region(db);
    // Anna's absence is fine; Femke's enrolment at 07NU00 ended on 2025-09-30, and Dirk was
    // never enrolled at 05KO00.
    let good = "\
leerling;school;datum;soort;minuten;hele_dag
111222333;05KO00;2025-09-08;ongeoorloofd;240;nee
111222333;05KO00;2025-09-09;ongeoorloofd;240;nee
111222333;05KO00;2025-09-10;ongeoorloofd;240;nee
111222333;05KO00;2025-09-11;ongeoorloofd;240;nee
";
    let out = w.import_refused(
        db,
        "verzuim",
        "verzuim-fout.csv",
        &format!(
            "{good}\
200000019;07NU00;2025-10-06;ongeoorloofd;60;nee
010000008;05KO00;2025-10-01;ziek;0;ja
"
        ),
        "import of verzuim of pupils not enrolled",
        &[
            (
                6,
                "datum",
                "200000019 is not enrolled at 07NU00 on 2025-10-06",
            ),
            (
                7,
                "datum",
                "010000008 is not enrolled at 05KO00 on 2025-10-01",
            ),
        ],
    );
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);

    // Nothing of the file was kept: no signals from Anna's absence…
    let (listing, run) = w.signals(db, &[]);
    assert_eq!(listing, format!("{SIGNALS_HEADER}{AV_CSV}"));
    assert_eq!(run, (0, 0, 0));
    // …whose rows are all new when they come on their own.
    w.file("verzuim-goed.csv", good);
    let summary = w.import(db, "verzuim", "verzuim-goed.csv");
    assert_eq!(counts(&summary), (4, 0, 0), "{summary}");
}

on_both!(invalid_verzuim_writes_nothing: invalid_verzuim_writes_nothing_sqlite, invalid_verzuim_writes_nothing_postgres);

fn meldingen_import_and_again(db: &str) {
    let w = Work::new();
    w.import_region(db);
    w.file(
        "meldingen.csv",
        "\
leerling;school;begindatum;verzuimsoort;uren;dagen
111222333;05KO00;2025-09-08;16uur;16;4
123456782;07NU00;2025-09-01;beginnend;;
",
    );
    let summary = w.import(db, "meldingen", "meldingen.csv");
    assert_eq!(counts(&summary), (2, 0, 0), "{summary}");
    assert!(summary.contains("imported 2 rows"), "{summary}");
    let summary = w.import(db, "meldingen", "meldingen.csv");
    assert_eq!(counts(&summary), (0, 0, 2), "{summary}");
}

on_both!(meldingen_import_and_again: meldingen_import_and_again_sqlite, meldingen_import_and_again_postgres);

// ---------------------------------------------------------------------------------------------
// Product bugs found while writing these tests (see the reasons); backend-independent, so
// SQLite only.

/// With logging turned up (LEERRECHT_LOG=info), log lines on a piped stderr should be plain
/// text, as the rest of the command's output is.
#[test]
fn piped_log_lines_are_plain_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = sqlite_db(&dir);
    let w = Work::new();
    w.file("organisaties.csv", ORGANISATIES);
    let out = w
        .run_env(
            &[("LEERRECHT_DB", &db), ("LEERRECHT_LOG", "info")],
            &["import", "organisaties", "organisaties.csv"],
        )
        .ok("import with LEERRECHT_LOG=info");
    assert!(
        !out.stderr.contains('\x1b'),
        "escapes on a piped stderr: {:?}",
        out.stderr
    );
}

/// The `jongeren` table's columns line up: every row's school starts under "school".
#[test]
fn jongeren_table_columns_line_up_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = sqlite_db(&dir);
    let w = Work::new();
    w.import_region(&db);
    let table = w
        .run(&db, &["jongeren", "--as-of", PEILDATUM])
        .ok("jongeren table")
        .stdout;
    let mut lines = table.lines();
    let header = lines.next().expect("a header");
    let at = header.find("school").expect("a school column");
    for line in lines {
        let rest: String = line.chars().skip(at).collect();
        let school_here = rest.starts_with("05KO00") || rest.starts_with("07NU00");
        let enrolled = line.contains("05KO00") || line.contains("07NU00");
        assert_eq!(
            school_here, enrolled,
            "the school column starts at {at}:\n{header}\n{line}"
        );
    }
}

/// A settings file that does not exist is "a file that cannot be read": exit 1, naming the
/// file, with the reason said once.
#[test]
fn missing_settings_file_is_reported_once_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = sqlite_db(&dir);
    let w = Work::new();
    let out = w
        .run(&db, &["signals", "--config", "missing.toml"])
        .expect(1, "signals with a settings file that is not there");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(out.stderr.contains("missing.toml"), "{}", out.stderr);
    let said = out.stderr.matches("(os error").count();
    assert_eq!(said, 1, "the reason once: {}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// Accounts, tokens, the audit log and retention from the command line

impl Work {
    /// `leerrecht --db DB ARGS…` with `input` on standard input.
    fn run_stdin(&self, db: &str, args: &[&str], input: &str) -> Out {
        use std::io::Write;
        let mut c = self.command();
        c.arg("--db").arg(db).args(args).stdin(Stdio::piped());
        let mut child = c.spawn().expect("run leerrecht");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        let o = child.wait_with_output().expect("wait for leerrecht");
        Out {
            code: o.status.code().expect("exited"),
            stdout: String::from_utf8(o.stdout).expect("UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("UTF-8"),
        }
    }
}

fn accounts_tokens_and_audit(db: &str) {
    let w = Work::new();
    w.import_region(db);
    let add = [
        "user",
        "add",
        "--username",
        "anna",
        "--org",
        "RBL-ZK",
        "--role",
        "leerplicht",
    ];
    // The password comes from standard input; an argument for it does not exist.
    w.run(db, &[&add[..], &["--password", "x"]].concat())
        .expect(2, "user add --password");
    let weak = w
        .run_stdin(db, &add, "kort\n")
        .expect(2, "user add with a short password");
    assert!(weak.stderr.contains("12"), "{}", weak.stderr);
    let wrong_org = w
        .run_stdin(
            db,
            &[
                "user",
                "add",
                "--username",
                "bob",
                "--org",
                "05KO00",
                "--role",
                "leerplicht",
            ],
            "een-lang-genoeg-wachtwoord\n",
        )
        .expect(2, "a leerplicht user at a school");
    assert!(wrong_org.stderr.contains("05KO00"), "{}", wrong_org.stderr);
    let added = w
        .run_stdin(db, &add, "een-lang-genoeg-wachtwoord\n")
        .ok("user add");
    assert!(
        added
            .stdout
            .contains("otpauth://totp/leerrecht:anna?secret="),
        "{}",
        added.stdout
    );
    assert!(!added.stdout.contains("een-lang-genoeg-wachtwoord"));
    w.run_stdin(db, &add, "een-lang-genoeg-wachtwoord\n")
        .expect(2, "the same username twice");
    w.run_stdin(
        db,
        &[
            "user",
            "add",
            "--username",
            "bea",
            "--org",
            "GM0392",
            "--role",
            "beleid",
        ],
        "beleid-wachtwoord-lang\n",
    )
    .ok("a beleid user");
    let list: Value = serde_json::from_str(
        &w.run(db, &["user", "list", "--format", "json"])
            .ok("user list")
            .stdout,
    )
    .expect("JSON");
    let summary: Vec<(&str, &str, bool)> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|u| {
            (
                u["gebruikersnaam"].as_str().unwrap(),
                u["rol"].as_str().unwrap(),
                u["tweede_factor"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("anna", "leerplicht", true), ("bea", "beleid", false)]
    );
    let reset = w
        .run(db, &["user", "reset-2fa", "anna"])
        .ok("user reset-2fa");
    assert!(reset.stdout.contains("geheim: "), "{}", reset.stdout);
    w.run(db, &["user", "disable", "anna"]).ok("user disable");
    assert!(w
        .run(db, &["user", "list"])
        .ok("user list")
        .stdout
        .lines()
        .any(|l| l.starts_with("anna") && l.contains("nee")));
    w.run(db, &["user", "disable", "niemand"])
        .expect(2, "an unknown user");

    let created = w
        .run(
            db,
            &[
                "token",
                "create",
                "--org",
                "05KO00",
                "--scope",
                "verzuim:schrijven",
            ],
        )
        .ok("token create");
    let token = created
        .stdout
        .lines()
        .nth(1)
        .expect("the token")
        .trim()
        .to_string();
    assert!(token.starts_with("lrt_"), "{token}");
    let listed = w.run(db, &["token", "list"]).ok("token list").stdout;
    assert!(
        listed.contains("05KO00") && !listed.contains(&token),
        "{listed}"
    );
    w.run(
        db,
        &[
            "token",
            "create",
            "--org",
            "RBL-ZK",
            "--scope",
            "verzuim:schrijven",
        ],
    )
    .expect(2, "a token for a bureau");
    w.run(
        db,
        &["token", "create", "--org", "05KO00", "--scope", "alles"],
    )
    .expect(2, "an unknown scope");

    let verify = w.run(db, &["audit", "verify"]).ok("audit verify");
    assert!(verify.stdout.contains("intact"), "{}", verify.stdout);
    // The four imports (each an entry when it starts and one with its counts), two accounts
    // added, one reset, one disabled and the token: one entry each; listing accounts and
    // refused commands add none.
    let entries: u64 = verify
        .stdout
        .split_whitespace()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .expect(&verify.stdout);
    assert_eq!(entries, 13, "{}", verify.stdout);

    // A parent's request: the export names no BSN in logs, and is itself recorded.
    let mut c = w.command();
    c.arg("--db")
        .arg(db)
        .args(["audit", "export", "--person", "111222333"])
        .env("LEERRECHT_LOG", "debug");
    let export = Work::output(c).ok("audit export");
    assert!(
        export
            .stdout
            .starts_with("volgnummer;tijd;wie;organisatie;rol;actie"),
        "{}",
        export.stdout
    );
    assert!(!export.stderr.contains("111222333"), "{}", export.stderr);
    let after = w.run(db, &["audit", "verify"]).ok("audit verify").stdout;
    assert!(
        after.contains(&format!("{} entries", entries + 1)),
        "{after}"
    );
}

on_both!(accounts_tokens_and_audit: accounts_tokens_and_audit_sqlite, accounts_tokens_and_audit_postgres);

/// `[sleutels]`: the installation's key lives in a file named in leerrecht.toml, not in the
/// database. Until the file exists every command says how to make it; `sleutel roteer` makes
/// it (readable by its owner only) with the database's key after the new one, and each
/// rotation adds one; a key file others may read, or a missing environment variable, stops
/// every command with the reason.
fn keys_live_outside_the_database(db: &str) {
    let w = Work::new();
    w.import_region(db);
    // A person's log is looked up by pseudonym: the database makes its key.
    w.run(db, &["audit", "export", "--person", "111222333"])
        .ok("a person's log");
    w.file("leerrecht.toml", "[sleutels]\nbestand = \"sleutels\"\n");
    let out = w.run(db, &["audit", "verify"]).expect(2, "no key file yet");
    assert!(out.stderr.contains("sleutel roteer"), "{}", out.stderr);
    let out = w.run(db, &["sleutel", "roteer"]).ok("the first rotation");
    assert!(out.stdout.contains("2 sleutels"), "{}", out.stdout);
    assert!(
        out.stdout.contains("niet meer in de database"),
        "{}",
        out.stdout
    );
    w.run(db, &["audit", "verify"])
        .ok("opens with the file's keys");
    let out = w.run(db, &["sleutel", "roteer"]).ok("the second rotation");
    assert!(out.stdout.contains("3 sleutels"), "{}", out.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = w.path("sleutels");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let out = w
            .run(db, &["audit", "verify"])
            .expect(2, "a key file others may read");
        assert!(out.stderr.contains("600"), "{}", out.stderr);
    }
    w.file(
        "leerrecht.toml",
        "[sleutels]\nomgeving = \"LEERRECHT_SLEUTELS_ONBEKEND\"\n",
    );
    let out = w
        .run(db, &["audit", "verify"])
        .expect(2, "keys in an unset variable");
    assert!(out.stderr.contains("is not set"), "{}", out.stderr);
}

on_both!(keys_live_outside_the_database: keys_live_outside_the_database_sqlite, keys_live_outside_the_database_postgres);

fn purge_dry_run_then_purge(db: &str) {
    let w = Work::new();
    w.import_region(db);
    // Eva (born 2007-10-01) is 19 on 2026-10-01: her leerplicht file goes; nobody is 20 yet.
    let proef = w
        .run(db, &["purge", "--as-of", "2026-11-25", "--dry-run"])
        .ok("purge --dry-run")
        .stdout;
    assert!(
        proef.contains("200000007;2007-10-01;leerplichtdossier"),
        "{proef}"
    );
    assert_eq!(proef.matches("dossier").count(), 1, "{proef}");
    let before = w.jongeren_csv(db);
    // Two years later Eva's whole file goes, her record with it.
    let done = w
        .run(db, &["purge", "--as-of", "2028-11-25", "--format", "json"])
        .ok("purge");
    let v: Value = serde_json::from_str(&done.stdout).expect("JSON");
    assert_eq!(v["verwijderd"]["personen"], json!(1));
    assert_eq!(v["verwijderd"]["inschrijvingen"], json!(1));
    let after = w.jongeren_csv(db);
    assert_eq!(after.lines().count(), before.lines().count() - 1);
    assert!(!after.contains("200000007"));
}

on_both!(purge_dry_run_then_purge: purge_dry_run_then_purge_sqlite, purge_dry_run_then_purge_postgres);

/// The demo makes one account per role, each printed once with its secrets, and a token.
#[test]
fn demo_makes_an_account_per_role_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = sqlite_db(&dir);
    let w = Work::new();
    let out = w
        .run(
            &db,
            &["demo", "--no-serve", "--scale", "tiny", "--verzuim", "geen"],
        )
        .ok("demo")
        .stdout;
    for rol in leerrecht_domain::org::Rol::ALL.map(|r| r.code()) {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("demo.{rol} ")))
            .unwrap_or_else(|| panic!("no demo.{rol} in\n{out}"));
        let totp = line.split_whitespace().last().unwrap();
        // Every role but beleid logs in with a second factor; beheer too.
        let tweede_factor = rol != "beleid";
        assert_eq!(totp != "-", tweede_factor, "{line}");
    }
    assert!(out.lines().any(|l| l.trim().starts_with("lrt_")), "{out}");
    let list = w.run(&db, &["user", "list"]).ok("user list").stdout;
    assert_eq!(
        list.lines().filter(|l| l.starts_with("demo.")).count(),
        7,
        "{list}"
    );
    // A thuiszitters list with cases comes with it, and shows on the bureau's worklist.
    let line = out
        .lines()
        .find(|l| l.starts_with("thuiszitterslijst: "))
        .unwrap_or_else(|| panic!("{out}"));
    let registraties: u64 = line["thuiszitterslijst: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(registraties >= 100, "{line}");
    let werk: Value = serde_json::from_str(
        &w.run(&db, &["werklijst", "--org", "RBL-ZKIJ", "--format", "json"])
            .ok("werklijst")
            .stdout,
    )
    .expect("JSON");
    assert!(!werk["items"].as_array().unwrap().is_empty(), "{werk}");
}

/// The thuiszitters list comes in as a file like the others: all or nothing, each bad row
/// named by file, line and column.
fn registraties_import(db: &str) {
    let w = Work::new();
    w.import_region(db);
    w.file(
        "registraties.csv",
        "leerling;categorie;oorzaak;van;tot\n123456782;thuiszittend;psychisch;2025-02-03;\n111222333;thuiszittend;gedrag;2025-03-01;2025-02-01\n",
    );
    let bad = w
        .run(db, &["import", "registraties", "registraties.csv"])
        .expect(2, "import registraties with a bad row");
    assert_row_errors(&bad.stderr, "registraties.csv", &[(3, "tot", "before van")]);
    w.file(
        "registraties.csv",
        "leerling;categorie;oorzaak;van;tot\n123456782;thuiszittend;psychisch;2025-02-03;\n",
    );
    let ok = w.import(db, "registraties", "registraties.csv");
    assert_eq!(counts(&ok), (1, 0, 0), "{ok}");

    // No offer four months on: both steps of the ladder are raised, once.
    let raised = w
        .run(db, &["escalaties", "--as-of", "2025-06-10"])
        .ok("escalaties")
        .stdout;
    let levels: Vec<&str> = raised
        .lines()
        .skip(1)
        .map(|l| l.split(';').nth(2).unwrap())
        .collect();
    assert_eq!(levels, ["management", "bestuurlijk"], "{raised}");
    let again = w
        .run(db, &["escalaties", "--as-of", "2025-06-10"])
        .ok("escalaties again")
        .stdout;
    assert_eq!(again.lines().count(), 1, "only the header: {again}");
    // The person's story: the registration, the case opened for the escalation, the clock.
    let story: Value = serde_json::from_str(
        &w.run(
            db,
            &[
                "zaak",
                "123456782",
                "--as-of",
                "2025-06-10",
                "--format",
                "json",
            ],
        )
        .ok("zaak")
        .stdout,
    )
    .expect("JSON");
    assert_eq!(story["klok"]["niveau"], json!("bestuurlijk"));
    assert_eq!(story["klok"]["termijn"], json!("2025-05-03"));
    let soorten = support::velden(&story["regels"], "soort");
    assert_eq!(soorten, ["registratie", "zaak", "zaak", "zaak"], "{story}");
}

on_both!(registraties_import: registraties_import_sqlite, registraties_import_postgres);

/// `report` writes each figure as a table, CSV, JSON, XLSX (numbers as numbers, `<5` as
/// text) and a printable HTML page with its chart; filters and publication apply to all.
fn report_formats(db: &str) {
    let w = Work::new();
    w.import_region(db);
    w.file(
        "registraties.csv",
        "leerling;categorie;oorzaak;van;tot
123456782;thuiszittend;psychisch;2025-02-03;
200000007;dreigend_thuiszittend;gedrag;2025-01-06;2025-03-31
200000019;langdurig_ziek;langdurig_ziek;2025-01-06;
",
    );
    w.import(db, "registraties", "registraties.csv");
    let args = ["report", "peildatum", "--dates", "2025-01-15,2025-03-15"];
    let csv = w
        .run(db, &[&args[..], &["--format", "csv"]].concat())
        .ok("csv")
        .stdout;
    assert_eq!(
        csv.lines().next().unwrap(),
        "Categorie;2025-01-15;2025-03-15",
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("Totaal;2;3")), "{csv}");
    // In English: the labels, not the counts or the domain's category names.
    let en = w
        .run(
            db,
            &[&args[..], &["--format", "csv", "--taal", "en"]].concat(),
        )
        .ok("csv in English")
        .stdout;
    assert_eq!(
        en.lines().next().unwrap(),
        "Category;2025-01-15;2025-03-15",
        "{en}"
    );
    assert!(en.lines().any(|l| l.starts_with("Total;2;3")), "{en}");
    let en_html = w
        .run(
            db,
            &[
                &args[..],
                &["--format", "html", "--gemeente", "GM0473", "--taal", "en"],
            ]
            .concat(),
        )
        .ok("html in English")
        .stdout;
    assert!(en_html.contains("<html lang=\"en\">"), "{en_html}");
    assert!(en_html.contains("Area: gemeente GM0473."), "{en_html}");
    let json: Value = serde_json::from_str(
        &w.run(
            db,
            &[&args[..], &["--format", "json", "--publiek"]].concat(),
        )
        .ok("json")
        .stdout,
    )
    .expect("JSON");
    assert_eq!(json["rijen"][5]["aantallen"], json!(["<5", "<5"]));
    let table = w.run(db, &args).ok("table").stdout;
    assert!(table.contains("Totaal"), "{table}");

    // XLSX: one sheet, the counts as numbers.
    let xlsx = w.dir.path().join("peildatum.xlsx");
    w.run(
        db,
        &[
            &args[..],
            &["--format", "xlsx", "--out", xlsx.to_str().unwrap()],
        ]
        .concat(),
    )
    .ok("xlsx");
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&xlsx).expect("an XLSX workbook");
    let sheets = book.sheet_names();
    assert_eq!(sheets, ["Per categorie"]);
    let range = book.worksheet_range("Per categorie").expect("the sheet");
    // A spreadsheet is read by a person: its dates as in the tables of the pages.
    assert_eq!(
        range.get_value((0, 1)),
        Some(&Data::String("15-01-2025".into()))
    );
    assert_eq!(
        range.get_value((6, 0)),
        Some(&Data::String("Totaal".into()))
    );
    assert_eq!(range.get_value((6, 2)), Some(&Data::Float(3.0)));

    // HTML: a whole page, A4 for print, the chart as SVG, Dutch labels.
    let html = w
        .run(
            db,
            &[&args[..], &["--format", "html", "--gemeente", "GM0473"]].concat(),
        )
        .ok("html")
        .stdout;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("@page{size:A4"));
    assert!(html.contains("<svg role=\"img\""));
    assert!(html.contains("Gebied: gemeente GM0473."));

    // The other reports answer too; a bad filter is a clear error.
    for r in [
        vec![
            "report",
            "schooljaar",
            "--year",
            "2024-2025",
            "--format",
            "json",
        ],
        vec!["report", "doelen", "--year", "2024-2025", "--format", "csv"],
        vec!["report", "kpi", "--year", "2024-2025", "--format", "json"],
        vec!["report", "leerplichttelling", "--year", "2024-2025"],
        vec![
            "report",
            "inspectie",
            "--date",
            "2025-03-15",
            "--swv",
            "SWV-ZK",
        ],
        vec![
            "report",
            "oorzaken",
            "--date",
            "2025-03-15",
            "--school",
            "07NU00",
        ],
    ] {
        w.run(db, &r).ok(&r.join(" "));
    }
    // The targets while the year runs carry the forecast of its end; once ended, not.
    let doelen = |as_of: &str| -> Value {
        serde_json::from_str(
            &w.run(
                db,
                &[
                    "report",
                    "doelen",
                    "--year",
                    "2024-2025",
                    "--as-of",
                    as_of,
                    "--format",
                    "json",
                ],
            )
            .ok("doelen")
            .stdout,
        )
        .expect("JSON")
    };
    let loopt = doelen("2025-03-15");
    assert_eq!(loopt["peildatum"], json!("2025-03-15"), "{loopt}");
    for veld in ["prognose", "prognose_laag", "prognose_hoog", "kans_gehaald"] {
        assert!(loopt["rijen"][0].get(veld).is_some(), "{veld}: {loopt}");
    }
    let af = doelen("2025-07-31");
    assert!(af["rijen"][0].get("prognose").is_none(), "{af}");
    let toets: Value = serde_json::from_str(
        &w.run(
            db,
            &[
                "report",
                "prognose-toets",
                "--van",
                "2023-2024",
                "--tot",
                "2024-2025",
                "--dag",
                "01-03",
                "--format",
                "json",
            ],
        )
        .ok("prognose-toets")
        .stdout,
    )
    .expect("JSON");
    assert_eq!(toets["dag"], json!("01-03"), "{toets}");
    assert_eq!(
        toets["samenvatting"][2]["indicator"],
        json!("alle"),
        "{toets}"
    );
    let fout = w
        .run(db, &["report", "prognose-toets", "--dag", "31-02"])
        .expect(2, "a day that is not");
    assert!(
        fout.stderr.contains("not a day of the year"),
        "{}",
        fout.stderr
    );
    let kpi: Value = serde_json::from_str(
        &w.run(
            db,
            &[
                "report",
                "kpi",
                "--year",
                "2024-2025",
                "--as-of",
                "2025-06-10",
                "--format",
                "json",
            ],
        )
        .ok("kpi")
        .stdout,
    )
    .expect("JSON");
    assert_eq!(kpi["achterstallig"], json!(1), "{kpi}");
    assert_eq!(
        kpi["te_laat_lijst"][0]["leerling"],
        json!("123456782"),
        "{kpi}"
    );
    let bad = w
        .run(
            db,
            &[
                "report",
                "inspectie",
                "--date",
                "2025-03-15",
                "--swv",
                "SWV-XX",
            ],
        )
        .expect(2, "an unknown SWV");
    assert!(bad.stderr.contains("SWV-XX"), "{}", bad.stderr);
}

on_both!(report_formats: report_formats_sqlite, report_formats_postgres);
