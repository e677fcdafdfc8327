//! Crash safety: the real `leerrecht` process is killed (SIGKILL) at random moments during
//! large imports of every kind, a signal run, an escalation run, a purge and changes of an
//! account's credentials (disabling it, a new second factor, a reset code), on both
//! databases. After each kill the next process (`audit verify`, as after a restart) finds the
//! audit chain intact and the data exactly as before the operation or exactly as after it:
//!
//! * *before*: every table but the audit log equal to the dump taken before;
//! * *after*: every table holding as many rows as after an uninterrupted run, and running the
//!   same command again changes nothing (a half-done import, run or purge would be completed
//!   by it, and so differ); for a change of credentials, which a second run makes anew (a
//!   new secret, a new code), the same tables changed as in an uninterrupted run (a new
//!   second factor beside live old sessions would show as `gebruikers` changed without
//!   `sessies`);
//!
//! and the audit log keeps every entry it had, unchanged, with the operation's own entry
//! when the operation took effect.
//!
//! Rounds per operation and database: `LEERRECHT_CRASH_RONDES` (default 2); the random
//! moments come from `LEERRECHT_CRASH_SEED` (default: the clock; printed, to repeat a run).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leerrecht_store::backup::{dump, Dump};
use leerrecht_testkit::PgCluster;
use support::*;

/// A small random generator (xorshift), enough for kill moments.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Where the databases live: SQLite files, or databases of the shared test cluster.
enum Kind {
    Sqlite,
    Postgres(Box<postgres::Client>),
}

struct Lab {
    kind: Kind,
    dir: tempfile::TempDir,
    /// Where each operation runs.
    work: String,
}

impl Lab {
    fn new(sqlite: bool) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        if sqlite {
            let work = format!("sqlite://{}/werk.db", dir.path().display());
            return Lab {
                kind: Kind::Sqlite,
                dir,
                work,
            };
        }
        let pg = PgCluster::shared();
        let client = leerrecht_store::postgres_tls::connect(&pg.url("postgres")).unwrap();
        let name = format!("werk_{}", std::process::id());
        Lab {
            kind: Kind::Postgres(Box::new(client)),
            dir,
            work: pg.url(&name),
        }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn work_name(&self) -> String {
        self.work.rsplit('/').next().unwrap().to_string()
    }
    /// Keeps the work database's current state under `name`.
    fn save(&mut self, name: &str) {
        match &mut self.kind {
            Kind::Sqlite => {
                let src = self.dir.path().join("werk.db");
                // Every process has ended, so the last one checkpointed its WAL; copy any rest.
                for ext in ["", "-wal"] {
                    let from = PathBuf::from(format!("{}{ext}", src.display()));
                    let to = self.dir.path().join(format!("{name}.db{ext}"));
                    let _ = std::fs::remove_file(&to);
                    if from.exists() {
                        std::fs::copy(&from, &to).unwrap();
                    }
                }
            }
            Kind::Postgres(c) => {
                let work = self.work.rsplit('/').next().unwrap().to_string();
                pg_recreate(c, name, Some(&work));
            }
        }
    }
    /// Makes the work database the state saved under `name`.
    fn reset(&mut self, name: &str) {
        let work = self.work_name();
        match &mut self.kind {
            Kind::Sqlite => {
                let dst = self.dir.path().join("werk.db");
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", dst.display()));
                    let from = self.dir.path().join(format!("{name}.db{ext}"));
                    if ext != "-shm" && from.exists() {
                        std::fs::copy(&from, format!("{}{ext}", dst.display())).unwrap();
                    }
                }
            }
            Kind::Postgres(c) => {
                pg_recreate(c, &work, Some(name));
            }
        }
    }
    fn ok(&self, args: &[&str]) -> String {
        ok(&self.work, self.path(), args)
    }
}

/// Drops database `name` (ending its connections, such as a killed process's) and makes it
/// anew, as a copy of `template` when given.
fn pg_recreate(c: &mut postgres::Client, name: &str, template: Option<&str>) {
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    let from = template
        .map(|t| format!(" TEMPLATE {t}"))
        .unwrap_or_default();
    c.batch_execute(&format!("CREATE DATABASE {name}{from}"))
        .unwrap();
}

/// The import files: the tiny demo region, 20,000 more young people, a melding per
/// enrolment and a thuiszitter registration for one person in five.
fn write_files(dir: &Path) {
    let db = format!("sqlite://{}/leeg.db", dir.display());
    ok(
        &db,
        dir,
        &["demo", "--scale", "tiny", "--seed", "5", "--csv", "."],
    );
    let mut jongeren = std::fs::read_to_string(dir.join("jongeren.csv")).unwrap();
    let mut next = 400_000_000;
    for i in 0..20_000usize {
        next = bsn(next, 0);
        let nr = next;
        next += 1;
        jongeren.push_str(&format!(
            "{:09};;Extra{};Kind;{}-{:02}-{:02};GM0392\n",
            nr,
            i,
            2008 + i % 12,
            1 + i % 12,
            1 + i % 28
        ));
    }
    std::fs::write(dir.join("jongeren.csv"), jongeren).unwrap();
    let inschrijvingen = std::fs::read_to_string(dir.join("inschrijvingen.csv")).unwrap();
    let mut meldingen = String::from("leerling;school;begindatum;verzuimsoort;uren;dagen;reden\n");
    let mut registraties = String::from("leerling;categorie;oorzaak;van;tot\n");
    let soorten = ["luxe", "beginnend", "signaal", "16uur", "langdurig"];
    let mut seen = std::collections::BTreeSet::new();
    for (i, line) in inschrijvingen.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(';').collect();
        let (leerling, school, begin, eind) = (f[0], f[1], f[3], f[4]);
        if begin < "2018-08-01" || (!eind.is_empty() && eind < "2019-01-01") {
            continue;
        }
        let start = if begin < "2019-01-01" {
            "2019-01-07"
        } else {
            begin
        };
        meldingen.push_str(&format!(
            "{leerling};{school};{start};{};{};{};reden {i}\n",
            soorten[i % 5],
            4 + i % 20,
            1 + i % 5
        ));
        // A registration fits the register (docs/domain.md §8): thuiszittend from a day the pupil
        // is enrolled (in secondary school, so of duty age).
        if i % 5 == 0 && matches!(f[2], "VO" | "VSO") && seen.insert(leerling.to_string()) {
            registraties.push_str(&format!("{leerling};thuiszittend;psychisch;{start};\n"));
        }
    }
    std::fs::write(dir.join("meldingen.csv"), meldingen).unwrap();
    std::fs::write(dir.join("registraties.csv"), registraties).unwrap();
}

/// An operation: the state it starts from, its command, and the audit action it records.
struct Operation {
    name: &'static str,
    base: &'static str,
    args: Vec<&'static str>,
    actie: &'static str,
    /// One transaction. The escalation run is not: it records each escalation whole (a case
    /// and its events), so a kill leaves some raised and the next run raises the rest, each
    /// once; for it the test asserts exactly that.
    atomic: bool,
    /// Running it again on its own result changes nothing. Not so for a change of
    /// credentials, which makes a new secret or code each time.
    opnieuw_gelijk: bool,
}

/// The accounts whose credentials the last operations change, each with a live session.
const ACCOUNTS: [&str; 4] = ["crash.uit", "crash.2fa", "crash.herstel", "crash.sso"];

/// Adds the [`ACCOUNTS`] (beleid, of the first gemeente) to the database `db` and logs each
/// in once, through the application as the server does: each has a live session.
fn accounts_with_sessions(db: &str) {
    use leerrecht_app::{Actor, App};
    use leerrecht_domain::org::{OrgSoort, Rol};
    let app = App::new(leerrecht_store::open(db).unwrap());
    let op = Actor::local_operator();
    let gemeente = app
        .opslag(&op)
        .unwrap()
        .organisaties()
        .unwrap()
        .into_iter()
        .find(|o| o.soort == OrgSoort::Gemeente)
        .expect("a gemeente")
        .code;
    let wachtwoord = "lange-zin-van-vier-woorden";
    for naam in ACCOUNTS {
        app.user_add_blijvend(&op, naam, gemeente.as_str(), Rol::Beleid, wachtwoord)
            .unwrap();
        app.login(naam, wachtwoord, None, "127.0.0.1")
            .unwrap()
            .expect("a login");
    }
    // The last one logs in through an identity provider as well: its link to the
    // provider's subject, as its first login through the provider would leave it.
    let store = app.opslag(&op).unwrap();
    let sso = store.gebruiker(ACCOUNTS[3]).unwrap().expect("the account");
    store
        .inlog_wijzigen(
            sso.id,
            &[leerrecht_store::access::Inlogstap::SsoKoppeling(Some(
                "https://login.example.nl/realms/test crash-sso".into(),
            ))],
            &[],
        )
        .unwrap();
}

const PEIL: &str = "2025-10-01";

fn operations() -> Vec<Operation> {
    let import = |kind: &'static str, base: &'static str, file: &'static str| Operation {
        name: kind,
        base,
        args: vec!["import", kind, file],
        opnieuw_gelijk: true,
        actie: match kind {
            "organisaties" => "import_organisaties",
            "kalender" => "import_kalender",
            "jongeren" => "import_jongeren",
            "inschrijvingen" => "import_inschrijvingen",
            "verzuim" => "import_verzuim",
            "meldingen" => "import_meldingen",
            _ => "import_registraties",
        },
        atomic: true,
    };
    vec![
        import("organisaties", "s0", "organisaties.csv"),
        import("kalender", "s1", "kalender.csv"),
        import("jongeren", "s2", "jongeren.csv"),
        import("inschrijvingen", "s3", "inschrijvingen.csv"),
        import("verzuim", "s4", "verzuim.csv"),
        import("meldingen", "s5", "meldingen.csv"),
        import("registraties", "s6", "registraties.csv"),
        Operation {
            name: "signals",
            base: "s7",
            args: vec!["signals", "--as-of", PEIL],
            actie: "signalen_bijwerken",
            atomic: true,
            opnieuw_gelijk: true,
        },
        Operation {
            name: "escalaties",
            base: "s8",
            args: vec!["escalaties", "--as-of", PEIL],
            actie: "escaleren",
            atomic: false,
            opnieuw_gelijk: true,
        },
        Operation {
            name: "purge",
            base: "s9",
            args: vec!["purge", "--as-of", "2031-09-01"],
            actie: "purge",
            atomic: true,
            opnieuw_gelijk: true,
        },
        Operation {
            name: "user disable",
            base: "s10",
            args: vec!["user", "disable", ACCOUNTS[0]],
            actie: "gebruiker_uitschakelen",
            atomic: true,
            opnieuw_gelijk: true,
        },
        Operation {
            name: "user reset-2fa",
            base: "s11",
            args: vec!["user", "reset-2fa", ACCOUNTS[1]],
            actie: "tweede_factor_opnieuw",
            atomic: true,
            opnieuw_gelijk: false,
        },
        Operation {
            name: "user reset-password",
            base: "s12",
            args: vec!["user", "reset-password", ACCOUNTS[2]],
            actie: "wachtwoordherstel_uitgegeven",
            atomic: true,
            opnieuw_gelijk: false,
        },
        Operation {
            name: "user sso-ontkoppelen",
            base: "s13",
            args: vec!["user", "sso-ontkoppelen", ACCOUNTS[3]],
            actie: "sso_ontkoppeld",
            atomic: true,
            opnieuw_gelijk: true,
        },
    ]
}

fn counts(d: &Dump) -> BTreeMap<String, usize> {
    d.iter()
        .filter(|(t, _)| !is_audit(t))
        .map(|(t, r)| (t.clone(), r.len()))
        .collect()
}

fn crash_safety(sqlite: bool) {
    let (rounds, seed) = crash_rounds_and_seed();
    let backend = if sqlite { "sqlite" } else { "postgres" };
    eprintln!(
        "crash test on {backend}: {rounds} rounds per operation, LEERRECHT_CRASH_SEED={seed}"
    );
    let mut rng = Rng(seed);
    let mut lab = Lab::new(sqlite);
    write_files(lab.path());

    // The states the operations start from: s0 empty (migrated), then each import in turn,
    // then signals and escalations.
    lab.reset_empty();
    lab.ok(&["audit", "verify"]);
    let ops = operations();
    for (i, op) in ops.iter().enumerate() {
        if op.name == "user disable" {
            accounts_with_sessions(&lab.work);
        }
        if op.name == "verzuim" {
            // The region's rules are stored before absence arrives (the first signal run
            // stores them), so that the signal run under test only evaluates.
            lab.ok(&["signals", "--as-of", PEIL]);
        }
        lab.save(&format!("s{i}"));
        assert_eq!(op.base, format!("s{i}"));
        lab.ok(&op.args);
    }

    let mut tally: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for op in &ops {
        // An uninterrupted run: how long it takes and what it leaves.
        lab.reset(op.base);
        let before = dump(&lab.work).unwrap();
        let started = Instant::now();
        lab.ok(&op.args);
        let full = started.elapsed();
        let after = dump(&lab.work).unwrap();
        let changed = differing_tables(&before, &after);
        assert!(
            !changed.is_empty(),
            "{}: the operation changes something",
            op.name
        );
        for round in 0..rounds {
            lab.reset(op.base);
            // Anywhere from the start to a little after the end of an uninterrupted run.
            let wait = Duration::from_micros(rng.below(full.as_micros() as u64 * 11 / 10));
            let mut child = cmd(&lab.work, lab.path(), &op.args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(wait);
            let killed = child.try_wait().unwrap().is_none();
            let _ = child.kill();
            child.wait().unwrap();
            let at = format!(
                "{backend} {} round {round}: killed after {} ms of {} ms (seed {seed})",
                op.name,
                wait.as_millis(),
                full.as_millis()
            );

            // The restart.
            let verify = lab.ok(&["audit", "verify"]);
            assert!(verify.starts_with("audit log intact"), "{at}: {verify}");
            let now = dump(&lab.work).unwrap();
            assert!(
                audit_prefix(&before, &now),
                "{at}: audit entries lost or changed"
            );
            let added = new_audit_actions(&before, &now);
            let logged = added.iter().any(|r| r.contains(op.actie));
            let state = if differing_tables(&before, &now).is_empty() {
                "before"
            } else if !op.atomic && counts(&now) != counts(&after) {
                // Part done: running it again completes it, and a third run changes nothing.
                lab.ok(&op.args);
                let done = dump(&lab.work).unwrap();
                assert_eq!(
                    counts(&done),
                    counts(&after),
                    "{at}: running it again did not complete it"
                );
                lab.ok(&op.args);
                let again = dump(&lab.work).unwrap();
                assert_eq!(
                    differing_tables(&done, &again),
                    Vec::<String>::new(),
                    "{at}: a third run changed these tables"
                );
                "part"
            } else if !op.opnieuw_gelijk {
                assert_eq!(
                    differing_tables(&before, &now),
                    changed,
                    "{at}: neither before nor after (other tables changed than in a whole run)"
                );
                assert!(
                    logged,
                    "{at}: the operation took effect without its audit entry ({added:?})"
                );
                "after"
            } else {
                assert_eq!(
                    counts(&now),
                    counts(&after),
                    "{at}: neither before nor after (row counts differ from a whole run)"
                );
                lab.ok(&op.args);
                let again = dump(&lab.work).unwrap();
                assert_eq!(
                    differing_tables(&now, &again),
                    Vec::<String>::new(),
                    "{at}: neither before nor after (running it again changed these tables)"
                );
                assert!(
                    logged,
                    "{at}: the operation took effect without its audit entry ({added:?})"
                );
                "after"
            };
            let t = tally.entry(op.name).or_default();
            *t.entry(if killed { state } else { "finished" })
                .or_default() += 1;
        }
    }
    for (op, t) in &tally {
        eprintln!("{backend} {op}: {t:?}");
    }
}

impl Lab {
    /// The work database empty, schema made by the first command.
    fn reset_empty(&mut self) {
        let work = self.work_name();
        match &mut self.kind {
            Kind::Sqlite => {
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(self.dir.path().join(format!("werk.db{ext}")));
                }
            }
            Kind::Postgres(c) => {
                pg_recreate(c, &work, None);
            }
        }
    }
}

#[test]
fn killed_operations_leave_before_or_after_sqlite() {
    crash_safety(true);
}

#[test]
fn killed_operations_leave_before_or_after_postgres() {
    crash_safety(false);
}
