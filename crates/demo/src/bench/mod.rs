//! The benchmarks of `leerrecht bench`: they print what they measure and assert nothing.
//! `bench rapportages` is in [`cijfers`]; the rest are here.
//!
//! `leerrecht bench signals`: the signal engine's figures on the demo region's absence —
//! import with full validation, rule evaluation in memory, full re-evaluation from the store,
//! and the incremental run after one more school day. It prints what it measures and asserts
//! nothing; the data goes into an empty database the caller names (SQLite or PostgreSQL), or
//! else a fresh SQLite database in a folder of the caller's choosing.

pub mod cijfers;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use leerrecht_domain::calendar::{demo_vakanties, Kalender};
use leerrecht_domain::date::parse_date;
use leerrecht_domain::ids::SchoolCode;
use leerrecht_domain::rules::{Evaluator, RegelsHistorie, Verzuim, Verzuimsoort};
use leerrecht_domain::schoolyear::SchoolYear;

use crate::{DemoOptions, Scale};
use leerrecht_app::config::Config;
use leerrecht_app::register::import::ImportKind;
use leerrecht_app::toegang::Actor;
use leerrecht_app::{App, AppError, Result};

/// One measured step.
#[derive(Clone, Debug)]
pub struct Meting {
    pub wat: String,
    pub rijen: u64,
    pub duur: Duration,
}

impl Meting {
    pub fn per_seconde(&self) -> f64 {
        self.rijen as f64 / self.duur.as_secs_f64().max(1e-9)
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + '_ {
    move |source| AppError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Splits the demo's absence file: everything but the last day with absence, and that day.
fn split_last_day(all: &Path, base: &Path, day: &Path) -> Result<NaiveDate> {
    let last = {
        let mut last: Option<NaiveDate> = None;
        for line in BufReader::new(std::fs::File::open(all).map_err(io(all))?)
            .lines()
            .skip(1)
        {
            let line = line.map_err(io(all))?;
            if let Some(d) = line.split(';').nth(2).and_then(|d| parse_date(d).ok()) {
                last = last.max(Some(d));
            }
        }
        last.ok_or_else(|| AppError::Invalid("the demo made no absence".into()))?
    };
    let last_text = last.to_string();
    let mut b = BufWriter::new(std::fs::File::create(base).map_err(io(base))?);
    let mut d = BufWriter::new(std::fs::File::create(day).map_err(io(day))?);
    for (i, line) in BufReader::new(std::fs::File::open(all).map_err(io(all))?)
        .lines()
        .enumerate()
    {
        let line = line.map_err(io(all))?;
        let to_day = i > 0 && line.split(';').nth(2) == Some(last_text.as_str());
        if i == 0 {
            writeln!(b, "{line}").map_err(io(base))?;
            writeln!(d, "{line}").map_err(io(day))?;
        } else if to_day {
            writeln!(d, "{line}").map_err(io(day))?;
        } else {
            writeln!(b, "{line}").map_err(io(base))?;
        }
    }
    b.flush().map_err(io(base))?;
    d.flush().map_err(io(day))?;
    Ok(last)
}

/// Reads the absence file into rows per pupil and school, for the in-memory measurement.
/// Absence rows per pupil and school, in the order of the file.
type Groups = Vec<(SchoolCode, Vec<Verzuim>)>;

fn load_groups(path: &Path) -> Result<(Groups, u64)> {
    let mut groups: HashMap<(String, String), usize> = HashMap::new();
    let mut out: Groups = Vec::new();
    let mut n = 0;
    for line in BufReader::new(std::fs::File::open(path).map_err(io(path))?)
        .lines()
        .skip(1)
    {
        let line = line.map_err(io(path))?;
        let f: Vec<&str> = line.split(';').collect();
        let bad = || AppError::Invalid(format!("{}: unreadable row {line:?}", path.display()));
        let (Some(datum), Ok(soort), Ok(minuten)) = (
            parse_date(f[2]).ok(),
            Verzuimsoort::from_str(f[3]),
            f[4].parse::<u16>(),
        ) else {
            return Err(bad());
        };
        let key = (f[0].to_string(), f[1].to_string());
        let i = match groups.get(&key) {
            Some(&i) => i,
            None => {
                out.push((f[1].parse().map_err(|_| bad())?, Vec::new()));
                groups.insert(key, out.len() - 1);
                out.len() - 1
            }
        };
        out[i]
            .1
            .push(Verzuim::new(datum, soort, minuten, f[5] == "ja"));
        n += 1;
    }
    Ok((out, n))
}

/// The name of the app's database, as the figures print it.
pub fn database_soort(app: &App) -> &'static str {
    match crate::opslag(app).backend() {
        leerrecht_store::Backend::Sqlite => "SQLite",
        leerrecht_store::Backend::Postgres => "PostgreSQL",
    }
}

/// The database a benchmark that loads its own data runs on: the one `url` names, which must
/// be empty (nothing of an installation is overwritten, and the figures are of a fresh
/// load), or else a fresh SQLite database `file` in `dir`. With the name of its kind.
fn bench_database(url: Option<&str>, dir: &Path, file: &str) -> Result<(App, &'static str)> {
    let url = match url {
        Some(url) => url.to_string(),
        None => {
            let db = dir.join(file);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", db.display())));
            }
            format!("sqlite://{}", db.display())
        }
    };
    let app = App::new(leerrecht_store::open(&url)?);
    if !crate::opslag(&app).is_empty()? {
        return Err(AppError::Invalid(format!(
            "the benchmark loads its own data and needs an empty database; {} is not empty",
            leerrecht_store::redact_url(&url)
        )));
    }
    let soort = database_soort(&app);
    Ok((app, soort))
}

/// Runs the benchmark at `scale` in `dir` (made when missing), on the database `database`
/// names (it must be empty) or a fresh SQLite database in `dir`, and reports each step as
/// it finishes.
pub fn bench_signals(
    scale: Scale,
    dir: &Path,
    database: Option<&str>,
    today: NaiveDate,
    report: &mut dyn FnMut(&Meting),
) -> Result<Vec<Meting>> {
    let actor = Actor::local_operator();
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // First the database, so that one that is not empty is refused before any work.
    let (app, soort) = bench_database(database, dir, "bench.db")?;
    let year = SchoolYear::containing(today).prev();
    let mut options = DemoOptions::new(scale, 1, today);
    options.absence_years = year.start_year()..=year.start_year();
    let mut metingen = Vec::new();
    // Reports the step begun at `started` and keeps it.
    let mut meet = |wat: &str, rijen: u64, started: Instant| {
        let m = Meting {
            wat: wat.to_string(),
            rijen,
            duur: started.elapsed(),
        };
        report(&m);
        metingen.push(m);
    };

    let started = Instant::now();
    let summary = crate::export_demo(&actor, &options, dir)?;
    meet(
        &format!("demo files, school year {year}"),
        summary.verzuim,
        started,
    );
    let all = dir.join("verzuim.csv");
    let (base, day) = (dir.join("verzuim-basis.csv"), dir.join("verzuim-dag.csv"));
    let last = split_last_day(&all, &base, &day)?;

    let import = |kind: ImportKind, path: &Path| -> Result<u64> {
        let r = app.import(&actor, kind, path, false, &mut |_, _| {})?;
        if let Some(e) = r.errors.first() {
            return Err(AppError::Invalid(format!(
                "{}:{}: {}: {}",
                path.display(),
                e.line,
                e.column,
                e.reason
            )));
        }
        Ok(r.rows)
    };
    for (kind, file) in [
        (ImportKind::Organisaties, "organisaties.csv"),
        (ImportKind::Kalender, "kalender.csv"),
        (ImportKind::Jongeren, "jongeren.csv"),
        (ImportKind::Inschrijvingen, "inschrijvingen.csv"),
    ] {
        import(kind, &dir.join(file))?;
    }
    let started = Instant::now();
    let rows = import(ImportKind::Verzuim, &base)?;
    meet(
        &format!("import verzuim with validation ({soort})"),
        rows,
        started,
    );

    let (groups, rows) = load_groups(&base)?;
    let kalender = Kalender::new(
        (2016..=2026)
            .flat_map(|y| demo_vakanties(SchoolYear::new(y)))
            .collect(),
        NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid"),
        NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid"),
    );
    let regels = RegelsHistorie::default();
    let mut evaluator = Evaluator::new();
    let mut out = Vec::new();
    let started = Instant::now();
    let mut signalen = 0;
    for (school, rows) in &groups {
        out.clear();
        evaluator.evaluate(rows, kalender.voor_school(school), &regels, &mut out);
        signalen += out.len();
    }
    meet(
        &format!("rule evaluation in memory, one core ({signalen} signals)"),
        rows,
        started,
    );
    drop(groups);

    let config = Config::default();
    let regels = app.regels(&actor, &config, today)?;
    let started = Instant::now();
    let run = app.update_signals(&actor, &regels, true)?;
    meet(
        &format!(
            "first evaluation from the store, writing {} signals and {} drafts",
            run.signalen, run.concepten
        ),
        run.rijen,
        started,
    );
    let started = Instant::now();
    let run = app.update_signals(&actor, &regels, true)?;
    meet(
        &format!(
            "full re-evaluation from the store ({} signals, {} pairs rewritten)",
            run.signalen, run.gewijzigd
        ),
        run.rijen,
        started,
    );

    // The daily cycle: the day's absence in, the signals up to date, the escalations due.
    let cycle = Instant::now();
    let started = Instant::now();
    let rows = import(ImportKind::Verzuim, &day)?;
    meet(
        &format!("import of one more school day ({last})"),
        rows,
        started,
    );
    let started = Instant::now();
    let run = app.update_signals(&actor, &regels, false)?;
    meet(
        &format!(
            "incremental run after it: {} pupils re-evaluated, {} rewritten, {} drafts",
            run.leerlingen, run.gewijzigd, run.concepten
        ),
        run.rijen,
        started,
    );
    let started = Instant::now();
    let raised = app.escaleren(&actor, today, &config.escalatie)?;
    meet(
        &format!("escalations due on {today}: {} raised", raised.len()),
        raised.len() as u64,
        started,
    );
    meet(
        "daily cycle: the day's import, the signals and the escalations",
        rows,
        cycle,
    );
    Ok(metingen)
}

/// `leerrecht bench audit`: the cost of the gate plus audit entry per read of one person, and
/// sustained audit appends, on the demo region in the empty database `database` names or a
/// fresh SQLite database in `dir`. Reads
/// are of people a leerplicht officer may see; each step reports its rows (reads or entries).
pub fn bench_audit(
    scale: Scale,
    dir: &Path,
    database: Option<&str>,
    today: NaiveDate,
    threads: usize,
    report: &mut dyn FnMut(&Meting),
) -> Result<()> {
    use leerrecht_domain::ids::LeerlingId;
    use leerrecht_domain::org::{OrgSoort, Rol};

    let op = Actor::local_operator();
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let (app, _) = bench_database(database, dir, "audit.db")?;
    let mut options = DemoOptions::new(scale, 1, today);
    options.with_absence = false;
    let started = Instant::now();
    let summary = crate::Demo(&app).load(&op, &options)?;
    report(&Meting {
        wat: "demo region loaded (people)".into(),
        rijen: summary.jongeren,
        duur: started.elapsed(),
    });
    let org = crate::opslag(&app)
        .organisaties()?
        .into_iter()
        .find(|o| o.soort == OrgSoort::Leerplicht)
        .ok_or_else(|| AppError::Invalid("the demo region has no leerplicht bureau".into()))?;
    app.user_add_blijvend(
        &op,
        "bench.leerplicht",
        org.code.as_str(),
        Rol::Leerplicht,
        "bench-wachtwoord-lang",
    )?;
    let user = crate::opslag(&app)
        .gebruiker("bench.leerplicht")?
        .expect("just added");
    let actor = app.gebruiker_actor(&user, "127.0.0.1")?;
    // People the officer may see (living in a gemeente the bureau serves), spread over them.
    let mut ids: Vec<LeerlingId> = Vec::new();
    let mut seen = 0u64;
    app.jongeren(&op, today, None, &mut |j| {
        if !org.bedient.contains(&j.gemeente) {
            return Ok(());
        }
        seen += 1;
        if seen.is_multiple_of(7) && ids.len() < 20_000 {
            ids.push(j.leerling);
        }
        Ok(())
    })?;
    let n = ids.len() as u64;

    gemeten(
        report,
        "read a person's record, no gate (baseline)",
        n,
        || {
            for id in &ids {
                crate::opslag(&app).jongere(*id)?;
            }
            Ok(())
        },
    )?;
    gemeten(
        report,
        "the gate's decision alone (facts of the person, no audit)",
        n,
        || {
            for id in &ids {
                let ctx = crate::opslag(&app)
                    .persoon_context(*id, today)?
                    .ok_or_else(|| AppError::Invalid("a listed person is unknown".into()))?;
                let _ = leerrecht_app::toegang::beslis(
                    &actor,
                    leerrecht_app::toegang::Gebruik::PersoonBekijken,
                    &ctx,
                    None,
                );
            }
            Ok(())
        },
    )?;
    gemeten(
        report,
        "audit appends, 1 writer, each its own commit",
        n,
        || {
            for i in 0..n {
                app.audit_operatie(&op, "bench", format!("entry {i}"))?;
            }
            Ok(())
        },
    )?;
    let read_all = |part: &[LeerlingId]| -> Result<()> {
        for id in part {
            app.persoon(&actor, *id)?;
        }
        Ok(())
    };
    gemeten(
        report,
        "read through the gate with an audit entry, 1 thread",
        n,
        || read_all(&ids),
    )?;

    let before = app.audit_verify(&op)?.entries;
    gemeten(
        report,
        format!("read through the gate with an audit entry, {threads} threads"),
        n,
        || {
            let chunk = ids.len().div_ceil(threads.max(1)).max(1);
            in_threads(ids.chunks(chunk).collect(), read_all)
        },
    )?;

    let per_thread = 25_000u64;
    let writers = threads.max(1) * 4;
    let appended = per_thread * writers as u64;
    gemeten(
        report,
        format!("audit appends, {writers} writers, each waiting for its commit"),
        appended,
        || {
            in_threads((0..writers).collect(), |t| {
                let actor = Actor::LocalOperator {
                    os_user: format!("bench{t}"),
                };
                for i in 0..per_thread {
                    app.audit_operatie(&actor, "bench", format!("entry {i}"))?;
                }
                Ok(())
            })
        },
    )?;

    let started = Instant::now();
    let check = app.audit_verify(&op)?;
    report(&Meting {
        wat: "audit verify, whole chain".into(),
        rijen: check.entries,
        duur: started.elapsed(),
    });
    let expected = before + n + appended;
    if check.eerste_breuk.is_some() || check.entries != expected {
        return Err(AppError::Audit(format!(
            "after the benchmark the log holds {} entries (expected {expected}), break: {:?}",
            check.entries, check.eerste_breuk
        )));
    }
    Ok(())
}

/// The peak resident memory of this process so far, in MiB (Linux; None elsewhere).
/// Runs `work` and reports how long it took for `rijen` rows.
fn gemeten(
    report: &mut dyn FnMut(&Meting),
    wat: impl Into<String>,
    rijen: u64,
    work: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    work()?;
    report(&Meting {
        wat: wat.into(),
        rijen,
        duur: started.elapsed(),
    });
    Ok(())
}

/// Runs `work` on each of `parts` in a thread of its own, all at once; the first error.
fn in_threads<T: Send>(parts: Vec<T>, work: impl Fn(T) -> Result<()> + Sync) -> Result<()> {
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || work(part)))
            .collect();
        for h in handles {
            h.join().expect("bench thread")?;
        }
        Ok(())
    })
}

pub fn peak_memory_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// The spread of one measured step: how many, the median, the 99th percentile and the
/// slowest, and a remark.
#[derive(Clone, Debug)]
pub struct Spreiding {
    pub wat: String,
    pub n: usize,
    pub median: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub opmerking: String,
}

/// `leerrecht bench werklijst`: on an existing database (a national demo, say), the worklist
/// of every organisation that has one, and the state of cases on a past moment. Reports the
/// slowest and the median; the first pass reads from disk, the second from memory.
pub fn bench_werklijst(
    app: &App,
    on: NaiveDate,
    regels: &leerrecht_domain::thuiszitters::Escalatieregels,
    report: &mut dyn FnMut(&Spreiding),
) -> Result<()> {
    use leerrecht_domain::org::OrgSoort;
    let op = Actor::local_operator();
    let orgs: Vec<String> = crate::opslag(app)
        .organisaties()?
        .into_iter()
        .filter(|o| o.soort != OrgSoort::Gemeente)
        .map(|o| o.code.as_str().to_string())
        .collect();
    for pass in ["first pass", "second pass"] {
        let mut times = Vec::with_capacity(orgs.len());
        for org in &orgs {
            let started = Instant::now();
            let w = app.werklijst(&op, org, on, regels)?;
            times.push((started.elapsed(), org.clone(), w.items.len()));
        }
        times.sort();
        let (max, slowest, items) = times.last().cloned().unwrap_or_default();
        let median = times.get(times.len() / 2).map(|t| t.0).unwrap_or_default();
        let p99 = times
            .get(times.len() * 99 / 100)
            .map(|t| t.0)
            .unwrap_or_default();
        report(&Spreiding {
            wat: format!("worklists of {} organisations, {pass}", times.len()),
            n: times.len(),
            median,
            p99,
            max,
            opmerking: format!("slowest {slowest} ({items} items)"),
        });
    }
    // Cases on a past moment: the events recorded up to the middle of each case's life.
    let mut times = Vec::new();
    let mut leerlingen = Vec::new();
    for l in crate::opslag(app).thuiszitters_op(on)? {
        leerlingen.push(l);
    }
    for l in leerlingen {
        for z in crate::opslag(app).zaken_van(l)? {
            let events = crate::opslag(app).zaak_events(z.id)?;
            let Some(mid) = events.get(events.len() / 2).map(|e| e.tijd) else {
                continue;
            };
            let started = Instant::now();
            app.zaak(&op, z.id, Some(mid))?;
            times.push(started.elapsed());
        }
    }
    times.sort();
    let at = |q: usize| {
        times
            .get(times.len() * q / 100)
            .copied()
            .unwrap_or_default()
    };
    report(&Spreiding {
        wat: "a case's state on a past moment".into(),
        n: times.len(),
        median: at(50),
        p99: at(99),
        max: times.last().copied().unwrap_or_default(),
        opmerking: String::new(),
    });
    Ok(())
}
