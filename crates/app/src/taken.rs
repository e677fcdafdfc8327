//! The daily jobs `leerrecht serve` runs itself, at the times of `[taken]` in
//! `leerrecht.toml`: bringing the signals up to date, raising due escalations, the retention
//! purge and an online backup. Each job is one of the existing use cases, run as the
//! installation (`operator:taken` in the audit log).
//!
//! A job's time of day (the server's local time) makes one *slot* a day. Every server of a
//! database looks every `interval_seconden` for a slot that is due and claims it in the job
//! table (`store::taken`): the first claim wins, a finished slot never runs again, and a
//! slot whose holder stopped renewing its lease (a server that died mid-job) is taken over
//! by another server once the lease has run out. So a slot runs at most once to its end,
//! and a killed run is completed by another server. The jobs themselves write in one
//! transaction each (the escalation run one escalation at a time, resumable), so a killed
//! run leaves nothing half written, and running one again changes nothing it already did.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Local, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use leerrecht_store::taken::{TaakClaim, TaakRij};
use serde::Deserialize;

use crate::config::Config;
use crate::toegang::{authorize, Action};
use crate::{Actor, App, AppError, Result};

/// The jobs, in the order they run when several are due at the same moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Taak {
    Backup,
    Bewaartermijn,
    Signalen,
    Escaleren,
    /// The daily digest by e-mail (`[smtp]`).
    Notificaties,
}

impl Taak {
    pub const ALLE: [Taak; 5] = [
        Taak::Signalen,
        Taak::Escaleren,
        Taak::Notificaties,
        Taak::Bewaartermijn,
        Taak::Backup,
    ];

    /// The job's name: its key in `[taken]` and in the job table.
    pub fn naam(self) -> &'static str {
        match self {
            Taak::Signalen => "signalen",
            Taak::Escaleren => "escaleren",
            Taak::Bewaartermijn => "bewaartermijn",
            Taak::Backup => "backup",
            Taak::Notificaties => "notificaties",
        }
    }
}

/// `[taken]` as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TakenBestand {
    signalen: Option<String>,
    escaleren: Option<String>,
    bewaartermijn: Option<String>,
    backup: Option<String>,
    notificaties: Option<String>,
    backup_map: Option<PathBuf>,
    inhalen_uren: Option<u32>,
    interval_seconden: Option<u64>,
    lease_seconden: Option<u64>,
}

/// When the daily jobs run, and how the servers share them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenConfig {
    /// The jobs that run, each at its time of day (local time); a job left out does not run.
    pub tijden: Vec<(Taak, NaiveTime)>,
    /// Where the backup job writes its files.
    pub backup_map: Option<PathBuf>,
    /// A slot missed while no server ran is still run this long after its time; later it is
    /// left for the next day's.
    pub inhalen: Duration,
    /// How often a server looks for a due slot.
    pub interval: std::time::Duration,
    /// How long a claim holds without renewal; the holder renews it every third of this
    /// while the job runs, so it only runs out when the holder stopped.
    pub lease: Duration,
}

impl Default for TakenConfig {
    fn default() -> Self {
        TakenConfig {
            tijden: Vec::new(),
            backup_map: None,
            inhalen: Duration::hours(6),
            interval: std::time::Duration::from_secs(30),
            lease: Duration::minutes(5),
        }
    }
}

/// A time of day as `06:00` or `06:00:30`.
fn tijd(naam: &str, s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H:%M"))
        .map_err(|_| format!("[taken] {naam}: {s:?} is not a time of day like \"06:00\""))
}

impl TakenConfig {
    pub(crate) fn uit(b: TakenBestand) -> Result<Self, String> {
        let mut c = TakenConfig::default();
        for (taak, t) in [
            (Taak::Signalen, &b.signalen),
            (Taak::Escaleren, &b.escaleren),
            (Taak::Bewaartermijn, &b.bewaartermijn),
            (Taak::Backup, &b.backup),
            (Taak::Notificaties, &b.notificaties),
        ] {
            if let Some(t) = t {
                c.tijden.push((taak, tijd(taak.naam(), t)?));
            }
        }
        if b.backup.is_some() != b.backup_map.is_some() {
            return Err(
                "[taken] backup and backup_map: set both (the time and the directory)".into(),
            );
        }
        c.backup_map = b.backup_map;
        if let Some(h) = b.inhalen_uren {
            // At least an hour: a job may wait for the one before it (a long backup) and
            // must not miss its day for that.
            if !(1..=23).contains(&h) {
                return Err("[taken] inhalen_uren: from 1 to 23 hours".into());
            }
            c.inhalen = Duration::hours(h.into());
        }
        if let Some(s) = b.interval_seconden {
            if !(1..=3600).contains(&s) {
                return Err("[taken] interval_seconden: from 1 to 3600 seconds".into());
            }
            c.interval = std::time::Duration::from_secs(s);
        }
        if let Some(s) = b.lease_seconden {
            if !(3..=86_400).contains(&s) {
                return Err("[taken] lease_seconden: from 3 to 86400 seconds".into());
            }
            c.lease = Duration::seconds(s as i64);
        }
        Ok(c)
    }
}

/// The moment a job set for `tijd` (local time) is due on day `dag`: on the day the clocks go
/// forward a time in the skipped hour is due an hour later; a time that occurs twice, the
/// first time.
fn moment_op(dag: NaiveDate, tijd: NaiveTime) -> Option<DateTime<Utc>> {
    let lokaal = dag.and_time(tijd);
    match Local.from_local_datetime(&lokaal) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => Local
            .from_local_datetime(&(lokaal + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// The latest slot of a job set for `tijd` that is due at `nu`.
pub fn laatste_slot(tijd: NaiveTime, nu: DateTime<Utc>) -> DateTime<Utc> {
    let mut dag = nu.with_timezone(&Local).date_naive();
    for _ in 0..3 {
        if let Some(m) = moment_op(dag, tijd).filter(|m| *m <= nu) {
            return m;
        }
        dag = dag.pred_opt().unwrap_or(dag);
    }
    nu - Duration::days(1)
}

/// What one server did with one due slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub taak: Taak,
    pub gepland_op: DateTime<Utc>,
    /// `ok: …` or `fout: …`.
    pub uitkomst: String,
    pub duur_ms: i64,
    /// The server whose lease ran out, when this one took the slot over.
    pub overgenomen_van: Option<String>,
}

/// The latest slot of each configured job, for `/metrics` and the beheer page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaakStand {
    pub taak: Taak,
    /// The time of day it runs.
    pub tijd: NaiveTime,
    /// Its latest slot in the job table (running or finished), if any.
    pub laatste: Option<TaakRij>,
}

impl App {
    /// Each configured job with its latest slot (no personal data: names, times, outcomes).
    pub fn taken_stand(&self, actor: &Actor, config: &TakenConfig) -> Result<Vec<TaakStand>> {
        authorize(actor, Action::ReadRegister)?;
        let rijen = self.store().taken()?;
        Ok(config
            .tijden
            .iter()
            .map(|&(taak, tijd)| TaakStand {
                taak,
                tijd,
                laatste: rijen
                    .iter()
                    .filter(|r| r.naam == taak.naam())
                    .max_by_key(|r| r.gepland_op)
                    .cloned(),
            })
            .collect())
    }
}

/// The actor the jobs run as: the installation itself, named `operator:taken` in the log.
pub fn taken_actor() -> Actor {
    Actor::LocalOperator {
        os_user: "taken".into(),
    }
}

/// Sets its flag when dropped.
struct Zet<'a>(&'a AtomicBool);

impl Drop for Zet<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// One server's share of the daily jobs.
pub struct Planner {
    app: Arc<App>,
    config: Config,
    db: String,
    houder: String,
    actor: Actor,
}

impl Planner {
    /// The jobs of `config` for the server on database `db` (the backup job copies it).
    pub fn new(app: Arc<App>, config: Config, db: &str) -> Planner {
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "localhost".into());
        let houder = format!(
            "{host}:{}:{:04x}",
            std::process::id(),
            rand::random::<u16>()
        );
        Planner {
            app,
            config,
            db: db.to_string(),
            houder,
            actor: taken_actor(),
        }
    }

    /// This server's name in the job table: host, process id and a random tag.
    pub fn houder(&self) -> &str {
        &self.houder
    }

    /// Whether any job is configured.
    pub fn heeft_taken(&self) -> bool {
        !self.config.taken.tijden.is_empty()
    }

    /// Looks every interval for due slots and runs those it claims, until `stop`.
    pub fn draai(&self, stop: &AtomicBool) {
        let tijden: Vec<String> = self
            .config
            .taken
            .tijden
            .iter()
            .map(|(t, tijd)| format!("{} {}", t.naam(), tijd.format("%H:%M:%S")))
            .collect();
        tracing::info!(target: "leerrecht::taken", houder = %self.houder, "daily jobs: {}", tijden.join(", "));
        while !stop.load(Ordering::Relaxed) {
            // A panic in a job is logged and the jobs go on: its slot's lease runs out and
            // the slot is taken over (by this server too) like a dead server's.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.ronde(Utc::now())))
            {
                Ok(Ok(_)) => {}
                // The database may be away for a while: the next look tries again.
                Ok(Err(e)) => {
                    tracing::warn!(target: "leerrecht::taken", "looking for due jobs failed: {e}")
                }
                Err(_) => tracing::error!(target: "leerrecht::taken", "a job panicked"),
            }
            let tot = Instant::now() + self.config.taken.interval;
            while !stop.load(Ordering::Relaxed) && Instant::now() < tot {
                std::thread::sleep(
                    std::time::Duration::from_millis(100).min(self.config.taken.interval),
                );
            }
        }
    }

    /// One look at `nu`: claims and runs every job whose latest slot is due and no server
    /// has run or holds, the earliest slot first.
    pub fn ronde(&self, nu: DateTime<Utc>) -> Result<Vec<Run>> {
        let mut due: Vec<(DateTime<Utc>, Taak)> = self
            .config
            .taken
            .tijden
            .iter()
            .map(|&(taak, tijd)| (laatste_slot(tijd, nu), taak))
            .filter(|(slot, _)| nu - *slot <= self.config.taken.inhalen)
            .collect();
        due.sort();
        let mut runs = Vec::new();
        for (slot, taak) in due {
            let lease = self.config.taken.lease;
            let now = Utc::now();
            let claim =
                self.app
                    .store()
                    .taak_claimen(taak.naam(), slot, &self.houder, now, now + lease)?;
            let overgenomen_van = match claim {
                TaakClaim::Genomen { overgenomen_van } => overgenomen_van,
                TaakClaim::Bezet { houder } => {
                    tracing::debug!(target: "leerrecht::taken", taak = taak.naam(), %slot, "held by {houder}");
                    continue;
                }
                TaakClaim::Klaar => continue,
            };
            runs.push(self.uitvoeren(taak, slot, overgenomen_van)?);
        }
        Ok(runs)
    }

    /// Runs a slot this server holds, renewing the lease meanwhile, and records its end.
    fn uitvoeren(
        &self,
        taak: Taak,
        slot: DateTime<Utc>,
        overgenomen_van: Option<String>,
    ) -> Result<Run> {
        let naam = taak.naam();
        let wat = format!(
            "{naam}, gepland {}, door {}",
            slot.to_rfc3339(),
            self.houder
        );
        match &overgenomen_van {
            Some(v) => tracing::warn!(target: "leerrecht::taken", taak = naam, %slot,
                "taken over from {v}, whose lease ran out before the job finished"),
            None => tracing::info!(target: "leerrecht::taken", taak = naam, %slot, "started"),
        }
        self.app.audit_begin(&self.actor, "taak", wat.clone())?;
        let begin = Instant::now();
        let klaar = AtomicBool::new(false);
        let uitkomst = std::thread::scope(|s| {
            s.spawn(|| self.verlengen(taak, slot, &klaar));
            // Ends the renewals however the job ends, a panic too.
            let _klaar = Zet(&klaar);
            self.job(taak, slot)
        });
        let duur_ms = begin.elapsed().as_millis() as i64;
        let uitkomst = match uitkomst {
            Ok(s) => {
                tracing::info!(target: "leerrecht::taken", taak = naam, %slot, duur_ms, "finished: {s}");
                format!("ok: {s}")
            }
            Err(e) => {
                tracing::error!(target: "leerrecht::taken", taak = naam, %slot, duur_ms, "failed: {e}");
                format!("fout: {e}")
            }
        };
        let gehouden = self.app.store().taak_klaar(
            naam,
            slot,
            &self.houder,
            Utc::now(),
            &uitkomst,
            duur_ms,
        )?;
        if !gehouden {
            tracing::warn!(target: "leerrecht::taken", taak = naam, %slot,
                "the lease ran out while the job ran and another server took the slot over");
        }
        self.app.audit_operatie(
            &self.actor,
            "taak",
            format!("{wat}: {uitkomst} in {duur_ms} ms"),
        )?;
        Ok(Run {
            taak,
            gepland_op: slot,
            uitkomst,
            duur_ms,
            overgenomen_van,
        })
    }

    /// Renews the lease every third of its length until `klaar`.
    fn verlengen(&self, taak: Taak, slot: DateTime<Utc>, klaar: &AtomicBool) {
        let lease = self.config.taken.lease;
        let elk = (lease / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1));
        let mut volgende = Instant::now() + elk;
        while !klaar.load(Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(50));
            if Instant::now() < volgende {
                continue;
            }
            volgende = Instant::now() + elk;
            match self.app.store().taak_verlengen(
                taak.naam(),
                slot,
                &self.houder,
                Utc::now() + lease,
            ) {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(target: "leerrecht::taken", taak = taak.naam(), %slot, "lost the lease");
                    return;
                }
                Err(e) => {
                    tracing::warn!(target: "leerrecht::taken", taak = taak.naam(), %slot, "renewing the lease failed: {e}")
                }
            }
        }
    }

    /// The job itself: the same use cases as the commands `signals`, `escalaties`, `purge`
    /// and `backup`, on the slot's day.
    fn job(&self, taak: Taak, slot: DateTime<Utc>) -> Result<String> {
        let dag = slot.with_timezone(&Local).date_naive();
        let app = &self.app;
        let actor = &self.actor;
        match taak {
            Taak::Signalen => {
                let regels = app.regels(actor, &self.config, dag)?;
                let r = app.update_signals(actor, &regels, false)?;
                Ok(format!(
                    "{} leerlingen, {} signalen, {} nieuwe conceptmeldingen, {} ingetrokken",
                    r.leerlingen, r.signalen, r.concepten, r.ingetrokken
                ))
            }
            Taak::Escaleren => {
                let e = app.escaleren(actor, dag, &self.config.escalatie)?;
                Ok(format!("{} escalaties op {dag}", e.len()))
            }
            Taak::Notificaties => {
                let lijst = app.notificaties(
                    actor,
                    dag,
                    &self.config.escalatie,
                    self.config.server.origin.as_deref(),
                    false,
                )?;
                let nieuw = lijst.iter().filter(|o| o.in_wachtrij).count();
                // Sent by the server's mail sender, which drains the outbox.
                Ok(format!("{nieuw} overzichten in de wachtrij op {dag}"))
            }
            Taak::Bewaartermijn => {
                let r = app.purge_met(actor, dag, false, &self.config.escalatie)?;
                let t = &r.telling;
                Ok(format!(
                    "{} personen, {} meldingen, {} registraties verwijderd op {dag}",
                    t.personen, t.meldingen, t.registraties
                ))
            }
            Taak::Backup => {
                let map = self
                    .config
                    .taken
                    .backup_map
                    .as_ref()
                    .ok_or_else(|| AppError::Invalid("[taken] backup_map is not set".into()))?;
                // Made for its owner only, as the backup files are (they hold everyone).
                let mut maak = std::fs::DirBuilder::new();
                maak.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut maak, 0o700);
                maak.create(map).map_err(|source| AppError::Io {
                    path: map.display().to_string(),
                    source,
                })?;
                let file = map.join(format!("leerrecht-{dag}.bak"));
                let info = leerrecht_store::backup::backup(&self.db, &file)?;
                // A backup holds everyone's data: logged as the command's is.
                app.audit_operatie(
                    actor,
                    "backup",
                    format!("{}: {} rijen", file.display(), info.rijen),
                )?;
                Ok(format!("{}: {} rijen", file.display(), info.rijen))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_with_or_without_seconds() {
        assert_eq!(
            tijd("signalen", "06:00").unwrap(),
            NaiveTime::from_hms_opt(6, 0, 0).unwrap()
        );
        assert_eq!(
            tijd("signalen", "23:59:30").unwrap(),
            NaiveTime::from_hms_opt(23, 59, 30).unwrap()
        );
        assert!(tijd("signalen", "6 uur").unwrap_err().contains("signalen"));
        assert!(tijd("backup", "25:00").is_err());
    }

    #[test]
    fn the_latest_slot_is_today_once_due_else_yesterday() {
        let nu = Utc::now();
        let lokaal = nu.with_timezone(&Local);
        let eerder = (lokaal - Duration::minutes(1)).time();
        let later = (lokaal + Duration::minutes(1)).time();
        let s = laatste_slot(eerder, nu);
        assert!(s <= nu && nu - s < Duration::minutes(2), "{s} at {nu}");
        let s = laatste_slot(later, nu);
        assert!(
            s <= nu && nu - s > Duration::hours(22) && nu - s <= Duration::hours(25),
            "{s} at {nu}"
        );
    }
}
