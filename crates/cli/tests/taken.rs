//! The daily jobs of `leerrecht serve` with two servers on one PostgreSQL database: each job
//! of a schedule that falls due during the test runs once (job table, audit log, backup
//! files), `/metrics` and the beheer page show the runs; and a server killed (SIGKILL) while
//! it holds a job's lease has its slot taken over by the other server once the lease ran
//! out, the job's work done once.

mod support;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chrono::Local;
use leerrecht_store::taken::TaakRij;
use reqwest::blocking::Client;
use support::{session_cookie, Demo};

const METRICS_TOKEN: &str = "taken-test-metrics-token-0123456789abcdef";

/// A `leerrecht serve` whose standard error goes to a file, killed when dropped.
struct Serve {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Serve {
    fn start(db: &str, config: &Path, log: std::path::PathBuf) -> Serve {
        let (child, base) = support::serve(
            db,
            &[
                ("LEERRECHT_CONFIG", config.to_str().unwrap()),
                ("LEERRECHT_LOG", "warn,leerrecht::taken=info"),
                ("LEERRECHT_METRICS_TOKEN", METRICS_TOKEN),
            ],
            Stdio::from(std::fs::File::create(&log).unwrap()),
        );
        Serve { child, base, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn metrics(&self) -> String {
        let r = Client::new()
            .get(format!("{}/metrics", self.base))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A local time of day `secs` from now, as `[taken]` takes it.
fn over(secs: i64) -> String {
    (Local::now() + chrono::Duration::seconds(secs))
        .format("%H:%M:%S")
        .to_string()
}

/// A directory with a settings file `leerrecht.toml` whose `[taken]` has the jobs `jobs` due
/// `secs` seconds from now, the backups (when `backup` is one of them) in the directory's
/// `backups`, and the further settings `meer`. Returns the directory, the file and `backups`.
fn taken_opzet(
    jobs: &[&str],
    secs: i64,
    meer: &str,
) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let backups = dir.path().join("backups");
    let config = dir.path().join("leerrecht.toml");
    let t = over(secs);
    let mut toml = String::from("[taken]\n");
    for job in jobs {
        toml.push_str(&format!("{job} = \"{t}\"\n"));
    }
    if jobs.contains(&"backup") {
        toml.push_str(&format!("backup_map = \"{}\"\n", backups.display()));
    }
    toml.push_str(meer);
    std::fs::write(&config, toml).unwrap();
    (dir, config, backups)
}

fn taken(db: &str) -> Vec<TaakRij> {
    leerrecht_store::open(db).unwrap().taken().unwrap()
}

/// Waits until `ok` holds of the job table, at most `max`.
fn wacht(db: &str, max: Duration, wat: &str, ok: impl Fn(&[TaakRij]) -> bool) -> Vec<TaakRij> {
    let begin = Instant::now();
    loop {
        let rijen = taken(db);
        if ok(&rijen) {
            return rijen;
        }
        assert!(
            begin.elapsed() < max,
            "waited {max:?} for {wat}: {rijen:#?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The audit log's entries as (actor, action, record).
fn audit(db: &str) -> Vec<(String, String, String)> {
    let app = leerrecht_app::App::new(leerrecht_store::open(db).unwrap());
    let mut out = Vec::new();
    app.opslag(&leerrecht_app::Actor::local_operator())
        .unwrap()
        .for_each_audit(&mut |e| {
            out.push((
                e.entry.actor,
                e.entry.actie,
                e.entry.record.unwrap_or_default(),
            ));
            Ok(())
        })
        .unwrap();
    out
}

fn count(log: &[(String, String, String)], actie: &str, taak: &str) -> usize {
    log.iter()
        .filter(|(wie, a, r)| {
            wie == "operator:taken" && a == actie && r.starts_with(&format!("{taak}, "))
        })
        .count()
}

const JOBS: [&str; 4] = ["signalen", "escaleren", "bewaartermijn", "backup"];

#[test]
fn two_servers_run_each_job_once_postgres() {
    let demo = Demo::postgres();
    // Due a few seconds after the servers start; a slower start still runs them (catch-up).
    let (dir, config, backups) =
        taken_opzet(&JOBS, 4, "interval_seconden = 1\nlease_seconden = 10\n");
    let a = Serve::start(&demo.db, &config, dir.path().join("a.log"));
    let b = Serve::start(&demo.db, &config, dir.path().join("b.log"));
    let rijen = wacht(
        &demo.db,
        Duration::from_secs(120),
        "four finished jobs",
        |r| r.len() == 4 && r.iter().all(|r| r.klaar.is_some()),
    );
    // A few more looks by both servers change nothing.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(taken(&demo.db), rijen);
    let houders = [format!(":{}:", a.pid()), format!(":{}:", b.pid())];
    for r in &rijen {
        assert!(JOBS.contains(&r.naam.as_str()), "{r:?}");
        assert_eq!(r.pogingen, 1, "{r:?}");
        assert!(
            r.uitkomst.as_deref().is_some_and(|u| u.starts_with("ok: ")),
            "{r:?}\n{}\n{}",
            a.log(),
            b.log()
        );
        assert!(
            houders.iter().any(|h| r.houder.contains(h.as_str())),
            "{r:?}"
        );
    }
    let log = audit(&demo.db);
    for taak in JOBS {
        assert_eq!(
            (count(&log, "taak_gestart", taak), count(&log, "taak", taak)),
            (1, 1),
            "{taak}"
        );
    }
    let n = |actie: &str| {
        log.iter()
            .filter(|(wie, a, _)| wie == "operator:taken" && a == actie)
            .count()
    };
    // The use cases' own entries, once each.
    assert_eq!(n("signalen_bijwerken"), 1);
    assert_eq!(n("escaleren_gestart"), 1);
    assert_eq!(n("backup"), 1);
    let files: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        vec![format!("leerrecht-{}.bak", Local::now().date_naive())],
        "one backup, complete"
    );
    // Both servers show the same runs on /metrics, read from the database.
    for s in [&a, &b] {
        let m = s.metrics();
        for taak in JOBS {
            for reeks in [
                "leerrecht_job_last_success",
                "leerrecht_job_running",
                "leerrecht_job_last_duration_seconds",
                "leerrecht_job_last_start_timestamp_seconds",
            ] {
                assert!(
                    m.lines()
                        .any(|l| l.starts_with(&format!("{reeks}{{taak=\"{taak}\"}} "))),
                    "{reeks} {taak}:\n{m}"
                );
            }
            assert!(m.contains(&format!(
                "leerrecht_job_last_success{{taak=\"{taak}\"}} 1\n"
            )));
            assert!(m.contains(&format!("leerrecht_job_running{{taak=\"{taak}\"}} 0\n")));
        }
    }
    // The beheer page lists them, in Dutch and in English.
    let c = Client::new();
    let r = demo.api_login(&c, &a.base, "beheer");
    assert_eq!(r.status(), 201);
    let cookie = session_cookie(&r);
    let page = |taal: &str| {
        let r = c
            .get(format!("{}/beheer", b.base))
            .header("cookie", format!("{cookie}; leerrecht_taal={taal}"))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        r.text().unwrap()
    };
    let nl = page("nl");
    let tabel = &nl[nl.find("id=\"taken\"").expect("the jobs' table")..];
    for woord in [
        "Dagelijkse taken",
        "Signalen bijwerken",
        "Escalaties",
        "Bewaartermijn",
        "Backup",
    ] {
        assert!(tabel.contains(woord), "{woord}: {tabel}");
    }
    assert_eq!(tabel.matches(">gelukt<").count(), 4, "{tabel}");
    let en = page("en");
    let tabel = &en[en.find("id=\"taken\"").expect("the jobs' table")..];
    assert!(tabel.contains("Daily jobs") && tabel.contains("Retention purge"));
    assert_eq!(tabel.matches(">succeeded<").count(), 4, "{tabel}");
}

#[test]
fn a_killed_holder_is_taken_over_once_its_lease_ran_out_postgres() {
    let db = leerrecht_testkit::PgCluster::shared().fresh_database();
    // Migrate, and put one rule version in place, before the lock below.
    support::leerrecht(&db, &["signals"]);
    let (dir, config, _) = taken_opzet(
        &["signalen"],
        3,
        "interval_seconden = 1\nlease_seconden = 6\n",
    );
    // The calendar is locked, so that the signal run, which reads it first, waits: the
    // server that claims the slot holds it as long as the test wants.
    let mut slot = leerrecht_store::postgres_tls::connect(&db).unwrap();
    slot.batch_execute("BEGIN; LOCK TABLE vakanties IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let a = Serve::start(&db, &config, dir.path().join("a.log"));
    let b = Serve::start(&db, &config, dir.path().join("b.log"));
    let rijen = wacht(&db, Duration::from_secs(60), "a claim", |r| r.len() == 1);
    let houder = rijen[0].houder.clone();
    let (mut dood, levend) = if houder.contains(&format!(":{}:", a.pid())) {
        (a, b)
    } else {
        assert!(houder.contains(&format!(":{}:", b.pid())), "{houder}");
        (b, a)
    };
    // Longer than the lease: the holder renews it while its job runs, so no takeover.
    std::thread::sleep(Duration::from_secs(8));
    let r = &taken(&db)[0];
    assert_eq!(
        (r.houder.as_str(), r.pogingen, r.klaar),
        (houder.as_str(), 1, None)
    );
    assert!(r.lease_tot > chrono::Utc::now());
    dood.child.kill().unwrap(); // SIGKILL
    dood.child.wait().unwrap();
    let lease = taken(&db)[0].lease_tot;
    slot.batch_execute("ROLLBACK").unwrap();
    let rijen = wacht(&db, Duration::from_secs(60), "the takeover's end", |r| {
        r[0].klaar.is_some()
    });
    let r = &rijen[0];
    assert!(r.gestart >= lease, "not before the lease ran out: {r:?}");
    assert_eq!(r.pogingen, 2);
    assert!(r.houder.contains(&format!(":{}:", levend.pid())), "{r:?}");
    assert!(
        r.uitkomst.as_deref().is_some_and(|u| u.starts_with("ok: ")),
        "{r:?}\n{}",
        levend.log()
    );
    assert!(
        levend.log().contains(&format!("taken over from {houder}")),
        "{}",
        levend.log()
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(taken(&db), rijen, "and never again");
    // Both servers started it; the signal run itself happened once.
    let log = audit(&db);
    assert_eq!(count(&log, "taak_gestart", "signalen"), 2);
    assert_eq!(count(&log, "taak", "signalen"), 1);
    let n = |actie: &str| {
        log.iter()
            .filter(|(wie, a, _)| wie == "operator:taken" && a == actie)
            .count()
    };
    assert_eq!(
        (n("signalen_bijwerken_gestart"), n("signalen_bijwerken")),
        (1, 1)
    );
}

#[test]
fn one_server_holds_the_jobs_sqlite() {
    let demo = Demo::sqlite();
    let (dir, config, backups) = taken_opzet(&["signalen", "backup"], 2, "interval_seconden = 1\n");
    let s = Serve::start(&demo.db, &config, dir.path().join("s.log"));
    let rijen = wacht(
        &demo.db,
        Duration::from_secs(60),
        "two finished jobs",
        |r| r.len() == 2 && r.iter().all(|r| r.klaar.is_some()),
    );
    for r in &rijen {
        assert!(r.houder.contains(&format!(":{}:", s.pid())), "{r:?}");
        assert!(
            r.uitkomst.as_deref().is_some_and(|u| u.starts_with("ok: ")),
            "{r:?}\n{}",
            s.log()
        );
    }
    let file = backups.join(format!("leerrecht-{}.bak", Local::now().date_naive()));
    let head = std::fs::read(&file).unwrap();
    assert!(head.starts_with(b"SQLite format 3\0"), "a SQLite copy");
    assert!(s.log().contains("finished"), "{}", s.log());
    let m = s.metrics();
    assert!(
        m.contains("leerrecht_job_last_success{taak=\"backup\"} 1\n"),
        "{m}"
    );
    let log = audit(&demo.db);
    assert_eq!(
        (
            count(&log, "taak", "signalen"),
            count(&log, "taak", "backup")
        ),
        (1, 1)
    );
}
