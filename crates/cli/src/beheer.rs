//! `leerrecht backup|restore`: a consistent copy of the whole database while it is in use,
//! and putting one back into an empty database.

use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use leerrecht_app::{Actor, App};
use leerrecht_store::backup::{self, BackupInfo};
use leerrecht_store::{redact_url, Backend};

fn describe(i: &BackupInfo) -> String {
    format!(
        "{}, schema V{}, {} tabellen, {} rijen, {:.1} MB",
        match i.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        i.schema,
        i.tabellen,
        i.rijen,
        i.bytes as f64 / 1e6
    )
}

/// Logs the operator's `actie` on `file` in the audit log, then says on standard output what
/// it held and how long it took: `wat: FILE (…) in N s` and `na`.
#[allow(clippy::too_many_arguments)]
fn gedaan(
    app: &App,
    actor: &Actor,
    actie: &str,
    file: &Path,
    info: &BackupInfo,
    started: Instant,
    wat: &str,
    na: &str,
) -> anyhow::Result<()> {
    app.audit_operatie(
        actor,
        actie,
        format!("{}: {} rijen", file.display(), info.rijen),
    )?;
    writeln!(
        io::stdout().lock(),
        "{wat}: {} ({}) in {:.1} s{na}",
        file.display(),
        describe(info),
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

pub(crate) fn backup(db: &str, actor: &Actor, file: &Path) -> anyhow::Result<()> {
    // Opening migrates, as every command does: the copy is of the newest schema.
    let app = crate::open(db)?;
    let started = Instant::now();
    let info =
        backup::backup(db, file).with_context(|| format!("backup of {} failed", redact_url(db)))?;
    // A backup holds everyone's data: the operator's copy is logged like any bulk read.
    gedaan(
        &app,
        actor,
        "backup",
        file,
        &info,
        started,
        "backup geschreven",
        "",
    )
}

pub(crate) fn restore(db: &str, actor: &Actor, file: &Path, force: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let info = match backup::restore(db, file, force) {
        Err(leerrecht_store::StoreError::Invalid(msg)) => {
            eprintln!("leerrecht: {msg}");
            return Err(crate::InvalidInput.into());
        }
        r => r.with_context(|| format!("restore into {} failed", redact_url(db)))?,
    };
    let app: App = crate::open(db)?;
    gedaan(
        &app,
        actor,
        "restore",
        file,
        &info,
        started,
        "teruggezet",
        "; controleer met 'leerrecht audit verify'",
    )
}
