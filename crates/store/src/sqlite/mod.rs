//! The SQLite store: the embedded default. Imports run row by row inside one transaction with
//! cached prepared statements (in-process calls are cheap), and roll back unless the caller
//! decides to commit once every row has been checked.

pub(crate) mod absence;
pub(crate) mod access;
pub(crate) mod api;
pub(crate) mod cases;
pub(crate) mod cijfers;
pub(crate) mod onderwijsloos;
pub(crate) mod taken;
pub(crate) mod verzorgers;

use std::path::Path;

pub(crate) use crate::stored::{invalid, leerling_of, overlap_reason};

use chrono::NaiveDate;
use leerrecht_domain::calendar::Vakantie;
use leerrecht_domain::date::{iso, parse_date};
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{Bsn, GemeenteCode, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::org::{OrgCode, Organisatie};
use leerrecht_domain::person::{Inschrijving, Jongere};
use leerrecht_domain::schoolyear::SchoolYear;
use rusqlite::{params, Connection, OptionalExtension};

use chrono::{DateTime, Utc};
use leerrecht_domain::rules::Verzuim;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};

use crate::WerkRij;
use crate::{
    decided, AvKandidaat, Backend, Beoordelaars, BulkWriter, Decide, GemeenteTelling, ImportCounts,
    ImportOutcome, JongereRij, MeldingRij, MeldingStaat, Result, RowIssue, Rows, SignaalRij,
    SignaalRun, Store, StoreError, VerzuimRij, ZaakEvent, ZaakRij, UNKNOWN_PERSON,
};

pub(crate) mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// The memory map's ceiling (1 TiB, as `.cargo/config.toml` sets for the bundled SQLite).
const MMAP_MAX: u64 = 1 << 40;

/// Runs `f` with reads through a small page cache (8 MiB) instead of the memory map. For a
/// listing that visits rows at random all over a large table: every mapped page it touches
/// stays in the process's resident memory until it ends, and a large page cache fills with
/// pages read once (each new one zeroed by the system first), while the small cache reuses
/// its pages. Random look-ups cost a system call each instead, from the system's file cache.
pub(crate) fn zonder_mmap<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA mmap_size = 0; PRAGMA cache_size = -8192")?;
    let out = f();
    conn.execute_batch(&format!(
        "PRAGMA mmap_size = {MMAP_MAX}; PRAGMA cache_size = {cache}"
    ))?;
    out
}

pub(crate) struct Manager {
    path: String,
    /// The page cache of each connection, in KiB.
    cache_kib: u32,
    /// Whether commits copy the WAL back themselves (see [`SqliteStore::open_for_server`]).
    autocheckpoint: bool,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(&self.path)?;
        // WAL lets readers carry on while one writer commits; NORMAL sync is durable across
        // process crashes (only an OS crash can lose the last commits, never corrupt).
        // Reads go through a memory map (up to 1 TiB, the ceiling `.cargo/config.toml` sets
        // for the bundled SQLite): random look-ups over a national register then cost no
        // system call and no copy into the page cache.
        conn.execute_batch(&format!(
            "PRAGMA busy_timeout = 10000;
             PRAGMA mmap_size = {MMAP_MAX};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = 10000;
             PRAGMA temp_store = FILE;
             PRAGMA temp.cache_size = -32768;"
        ))?;
        conn.execute_batch(&format!("PRAGMA cache_size = -{};", self.cache_kib))?;
        if !self.autocheckpoint {
            // The WAL file is cut back to 64 MiB whenever it starts over.
            conn.execute_batch(
                "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;",
            )?;
        }
        conn.set_prepared_statement_cache_capacity(64);
        // `rarray(?)`: a list of ids bound as one parameter (the listings' look-ups).
        rusqlite::vtab::array::load_module(&conn)?;
        Ok(conn)
    }
    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("SELECT 1")
    }
    fn has_broken(&self, _: &mut Connection) -> bool {
        false
    }
}

pub struct SqliteStore {
    pool: r2d2::Pool<Manager>,
    _checkpointer: Option<Checkpointer>,
}

/// A thread that copies the WAL back into the database now and then, off the path of every
/// commit; stopped when the store is dropped.
struct Checkpointer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Its connection closes with the thread, so that the last connection to close
        // checkpoints the whole WAL, as SQLite does.
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub(crate) type Conn = r2d2::PooledConnection<Manager>;

/// The page cache per connection for batch work (imports, the demo, reports).
pub(crate) const CACHE_KIB: u32 = 128 * 1024;

/// Creates a new database file readable and writable by its owner only: it holds personal
/// data of children. SQLite gives its WAL and shared-memory files the same mode. An existing
/// file keeps the mode it has.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Invalid(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

impl SqliteStore {
    pub fn open(path: &str) -> Result<Self> {
        Self::open_with_cache(path, CACHE_KIB)
    }

    /// Opens with `cache_kib` of page cache per connection: a long-running server with many
    /// small reads keeps its memory small with a small cache (the OS caches the file too).
    pub fn open_with_cache(path: &str, cache_kib: u32) -> Result<Self> {
        Self::open_with(path, cache_kib, true)
    }

    /// Opens for a long-running server of many small requests: a small page cache per
    /// connection (the OS caches the file too), and the WAL copied back by a thread of its
    /// own every 200 ms, or soon again while it is behind (a passive checkpoint, which blocks no reader or writer) rather
    /// than by whichever commit crosses the threshold, which then takes a hundred
    /// milliseconds while every request waiting for that commit (the audit log's) waits too.
    pub fn open_for_server(path: &str, cache_kib: u32) -> Result<Self> {
        let mut store = Self::open_with(path, cache_kib, path == ":memory:")?;
        if path != ":memory:" {
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let conn = Connection::open(path)?;
            conn.execute_batch("PRAGMA busy_timeout = 10000;")?;
            let flag = stop.clone();
            let thread = std::thread::Builder::new()
                .name("sqlite-checkpoint".into())
                .spawn(move || {
                    while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                        // (busy, frames in the WAL, frames copied back)
                        let r = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
                        });
                        let pause = match r {
                            // Behind (bulk writes): go on soon, so the WAL stays short.
                            Ok((log, done)) if log - done > 1000 => 5,
                            Ok(_) => 200,
                            Err(e) => {
                                tracing::warn!(error = %e, "checkpoint");
                                1000
                            }
                        };
                        std::thread::sleep(std::time::Duration::from_millis(pause));
                    }
                })
                .map_err(|e| StoreError::Invalid(format!("cannot start the checkpointer: {e}")))?;
            store._checkpointer = Some(Checkpointer {
                stop,
                thread: Some(thread),
            });
        }
        Ok(store)
    }

    fn open_with(path: &str, cache_kib: u32, autocheckpoint: bool) -> Result<Self> {
        let memory = path == ":memory:";
        if !memory {
            if let Some(dir) = Path::new(path).parent() {
                if !dir.as_os_str().is_empty() && !dir.exists() {
                    return Err(StoreError::Invalid(format!(
                        "folder {} does not exist",
                        dir.display()
                    )));
                }
            }
            create_private(Path::new(path))?;
        }
        let mut builder = r2d2::Pool::builder()
            // An in-memory database lives in its one connection.
            .max_size(if memory { 1 } else { 8 })
            // A SQLite connection does not break behind our back; a test query on every
            // checkout would cost more than many of the calls it precedes.
            .test_on_check_out(false);
        if !memory {
            // A file's connections open when first asked for, not all at once: otherwise they
            // set up (WAL) while the migrations below hold the write lock, and the pool logs
            // "database is locked" for each one it retries. Once open they stay open.
            builder = builder.min_idle(Some(0)).idle_timeout(None);
        }
        let pool = builder.build(Manager {
            path: path.to_string(),
            cache_kib,
            autocheckpoint,
        })?;
        let mut conn = pool.get()?;
        let report = embedded::migrations::runner().run(&mut *conn)?;
        crate::sqlite::absence::pack_rows_of_v12(&conn)?;
        if crate::onderwijsloos_nieuw(report.applied_migrations()) {
            // Migration V54 marked everyone: their periods without an enrolment, once.
            in_tx(&conn, |c| {
                crate::sqlite::onderwijsloos::bijwerken(c)?;
                Ok(((), true))
            })?;
        }
        drop(conn);
        Ok(SqliteStore {
            pool,
            _checkpointer: None,
        })
    }

    pub(crate) fn conn(&self) -> Result<Conn> {
        Ok(self.pool.get()?)
    }
    /// A second connection when one is free at once (an in-memory database has only one):
    /// an idle one, or a new one while the pool has room. The pool opens connections only
    /// when asked, so in a fresh process there is rarely an idle one; without opening one
    /// here, a command's signal run and reports read on one connection, on one core.
    pub(crate) fn try_conn(&self) -> Option<Conn> {
        if let Some(c) = self.pool.try_get() {
            return Some(c);
        }
        if self.pool.state().connections < self.pool.max_size() {
            self.pool
                .get_timeout(std::time::Duration::from_secs(1))
                .ok()
        } else {
            None
        }
    }
}

/// Runs `body` in one write transaction and commits only when it returns Ok(true).
pub(crate) fn in_tx<T>(
    conn: &Conn,
    body: impl FnOnce(&Conn) -> Result<(T, bool)>,
) -> Result<(T, bool)> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match body(conn) {
        Ok((v, true)) => {
            conn.execute_batch("COMMIT")?;
            Ok((v, true))
        }
        Ok((v, false)) => {
            conn.execute_batch("ROLLBACK")?;
            Ok((v, false))
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Dates are stored as ISO text; read them with the fast parser rather than a format string.
pub(crate) fn date_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    let v = r.get_ref(i)?;
    let s = v.as_str()?;
    parse_date(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

pub(crate) fn opt_date_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => date_col(r, i).map(Some),
    }
}

/// Per gemeente its people, and each person with a duty as (id, gemeente index, leerplichtig).
type PeopleScan = (Vec<(String, u64)>, Vec<(u32, u32, bool)>);

impl crate::stored::Rij for rusqlite::Row<'_> {
    type Fout = rusqlite::Error;
    fn i64(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }
    fn opt_i64(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
    fn u32(&self, i: usize) -> rusqlite::Result<u32> {
        self.get(i)
    }
    fn tekst(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_tekst(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn waar(&self, i: usize) -> rusqlite::Result<bool> {
        self.get(i)
    }
    /// Moments are stored as fixed-format UTC text.
    fn moment(&self, i: usize) -> rusqlite::Result<DateTime<Utc>> {
        let s: String = self.get(i)?;
        moment_van(i, &s)
    }
    fn opt_moment(&self, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
        let s: Option<String> = self.get(i)?;
        s.map(|s| moment_van(i, &s)).transpose()
    }
    fn opt_nummer(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
    fn datum(&self, i: usize) -> rusqlite::Result<NaiveDate> {
        date_col(self, i)
    }
    fn opt_u32(&self, i: usize) -> rusqlite::Result<Option<u32>> {
        self.get(i)
    }
    fn opt_datum(&self, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
        opt_date_col(self, i)
    }
    /// Of a moment written by [`cases::NU`] (empty for moments the history does not know).
    fn opt_dag(&self, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
        let m: Option<String> = self.get(i)?;
        Ok(m.and_then(|m| m.get(..10).and_then(|d| d.parse().ok())))
    }
}

/// The moment stored as text in column `i`.
fn moment_van(i: usize, s: &str) -> rusqlite::Result<DateTime<Utc>> {
    crate::access::parse_moment(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

pub(crate) fn text(v: rusqlite::types::ValueRef<'_>) -> Result<&str> {
    v.as_str().map_err(|e| invalid("text", e))
}

pub(crate) struct StoredJongere {
    pub(crate) id: i64,
    pub(crate) jongere: Jongere,
}

/// A person's row as stored: id, bsn, onderwijsnummer, names, birth date, gemeente.
type RawJongere = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    NaiveDate,
    String,
);

const JONGERE_COLS: &str =
    "id, bsn, onderwijsnummer, achternaam, voornamen, geboortedatum, gemeente";

fn row_to_jongere(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawJongere> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        date_col(r, 5)?,
        r.get(6)?,
    ))
}

fn build_jongere(t: RawJongere) -> Result<StoredJongere> {
    let (id, bsn, onr, achternaam, voornamen, geboortedatum, gemeente) = t;
    let jongere =
        crate::stored::jongere(bsn, onr, achternaam, voornamen, geboortedatum, &gemeente)?;
    Ok(StoredJongere { id, jongere })
}

pub(crate) fn find_jongere(conn: &Connection, id: LeerlingId) -> Result<Option<StoredJongere>> {
    let (col, n) = match id {
        LeerlingId::Bsn(b) => ("bsn", b.value()),
        LeerlingId::Onderwijsnummer(o) => ("onderwijsnummer", o.value()),
    };
    let sql = format!("SELECT {JONGERE_COLS} FROM jongeren WHERE {col} = ?1");
    let row = conn
        .prepare_cached(&sql)?
        .query_row([n], row_to_jongere)
        .optional()?;
    row.map(build_jongere).transpose()
}

pub(crate) fn person_id(conn: &Connection, id: LeerlingId) -> Result<Option<i64>> {
    let (sql, n) = match id {
        LeerlingId::Bsn(b) => ("SELECT id FROM jongeren WHERE bsn = ?1", b.value()),
        LeerlingId::Onderwijsnummer(o) => (
            "SELECT id FROM jongeren WHERE onderwijsnummer = ?1",
            o.value(),
        ),
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([n], |r| r.get(0))
        .optional()?)
}

/// Runs an import in one transaction, with the rows seen before in this file forgotten
/// first: `body` adds up its rows' counts and issues, then `decide` says whether it commits.
fn import_in_tx(
    conn: &Conn,
    decide: Decide<'_>,
    body: impl FnOnce(&Conn, &mut ImportCounts, &mut Vec<RowIssue>) -> Result<()>,
) -> Result<ImportOutcome> {
    let (outcome, _) = in_tx(conn, |conn| {
        reset_seen(conn)?;
        let mut counts = ImportCounts::default();
        let mut issues = Vec::new();
        body(conn, &mut counts, &mut issues)?;
        decided(counts, issues, decide)
    })?;
    Ok(outcome)
}

/// The person of a file's rows, by the identifier each row gives. Files list a pupil's rows
/// together, so the last look-up is remembered.
#[derive(Default)]
pub(crate) struct LaatstePersoon(Option<(LeerlingId, Option<i64>)>);

impl LaatstePersoon {
    /// The person's id; None for an unknown person.
    pub(crate) fn van(&mut self, conn: &Connection, leerling: LeerlingId) -> Result<Option<i64>> {
        match self.0 {
            Some((l, p)) if l == leerling => Ok(p),
            _ => {
                let p = person_id(conn, leerling)?;
                self.0 = Some((leerling, p));
                Ok(p)
            }
        }
    }
}

fn opt_u32<T: Copy>(v: Option<T>, f: impl Fn(T) -> u32) -> Option<u32> {
    v.map(f)
}

fn insert_jongere(conn: &Connection, j: &Jongere) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO jongeren (bsn, onderwijsnummer, achternaam, voornamen, geboortedatum, gemeente, woont_sinds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        opt_u32(j.bsn(), Bsn::value),
        opt_u32(j.onderwijsnummer(), Onderwijsnummer::value),
        j.achternaam,
        j.voornamen,
        iso(j.geboortedatum),
        j.gemeente.as_str(),
            j.woont_sinds.map(iso)
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Inserts a person unless their BSN or onderwijsnummer is taken; true when inserted.
fn try_insert_jongere(conn: &Connection, j: &Jongere) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO jongeren (bsn, onderwijsnummer, achternaam, voornamen, geboortedatum, gemeente, woont_sinds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            opt_u32(j.bsn(), Bsn::value),
            opt_u32(j.onderwijsnummer(), Onderwijsnummer::value),
            j.achternaam,
            j.voornamen,
            iso(j.geboortedatum),
            j.gemeente.as_str(),
            j.woont_sinds.map(iso)
        ])?;
    Ok(n == 1)
}

fn insert_org(conn: &Connection, o: &Organisatie) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO organisaties (code, soort, naam, gemeente, regio, swv)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET soort = excluded.soort, naam = excluded.naam,
           gemeente = excluded.gemeente, regio = excluded.regio, swv = excluded.swv",
    )?
    .execute(params![
        o.code.as_str(),
        o.soort.code(),
        o.naam,
        o.gemeente.as_ref().map(GemeenteCode::as_str),
        o.regio,
        o.swv.as_ref().map(OrgCode::as_str)
    ])?;
    conn.prepare_cached("DELETE FROM organisatie_bedient WHERE organisatie = ?1")?
        .execute([o.code.as_str()])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO organisatie_bedient (organisatie, gemeente) VALUES (?1, ?2)",
    )?;
    for g in &o.bedient {
        stmt.execute([o.code.as_str(), g.as_str()])?;
    }
    Ok(())
}

fn insert_vakantie(conn: &Connection, v: &Vakantie) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO vakanties (school, van, naam, tot) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (school, van, naam) DO UPDATE SET tot = excluded.tot",
    )?
    .execute(params![
        v.school.as_ref().map(SchoolCode::as_str).unwrap_or(""),
        iso(v.van),
        v.naam,
        iso(v.tot)
    ])?;
    Ok(())
}

fn insert_inschrijving(conn: &Connection, person: i64, i: &Inschrijving) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO inschrijvingen (jongere_id, school, begindatum, einddatum, sector, startkwalificatie)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        person,
        i.school.as_str(),
        iso(i.begindatum()),
        i.einddatum().map(iso),
        i.sector.code(),
        i.startkwalificatie()
    ])?;
    Ok(())
}

fn load_organisaties(conn: &Connection) -> Result<Vec<Organisatie>> {
    let mut bedient: std::collections::BTreeMap<String, Vec<GemeenteCode>> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT organisatie, gemeente FROM organisatie_bedient ORDER BY organisatie, gemeente",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let org: String = r.get(0)?;
        let g: String = r.get(1)?;
        bedient
            .entry(org)
            .or_default()
            .push(crate::stored::bedient(&g)?);
    }
    let mut stmt = conn.prepare(
        "SELECT code, soort, naam, gemeente, regio, swv FROM organisaties ORDER BY code",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let soort: String = r.get(1)?;
        let gemeente: Option<String> = r.get(3)?;
        let swv: Option<String> = r.get(5)?;
        let served = bedient.remove(&code).unwrap_or_default();
        out.push(crate::stored::organisatie(
            OrgCode::from_stored(code),
            &soort,
            r.get(2)?,
            gemeente,
            r.get(4)?,
            swv,
            served,
        )?);
    }
    Ok(out)
}

fn find_org(conn: &Connection, code: &OrgCode) -> Result<Option<Organisatie>> {
    // Organisation files are small; reading back one organisation through the full loader
    // would be quadratic, so read its row and its served gemeenten directly.
    let row = conn
        .prepare_cached(
            "SELECT soort, naam, gemeente, regio, swv FROM organisaties WHERE code = ?1",
        )?
        .query_row([code.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })
        .optional()?;
    let Some((soort, naam, gemeente, regio, swv)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT gemeente FROM organisatie_bedient WHERE organisatie = ?1 ORDER BY gemeente",
    )?;
    let bedient = stmt
        .query_map([code.as_str()], |r| r.get::<_, String>(0))?
        .map(|g| crate::stored::bedient(&g?))
        .collect::<Result<Vec<GemeenteCode>>>()?;
    crate::stored::organisatie(code.clone(), &soort, naam, gemeente, regio, swv, bedient).map(Some)
}

/// The key of a row within one import, for finding a file's duplicates. Integer keys go into
/// an integer-keyed temporary table, which stays fast at millions of rows.
pub(crate) enum SeenKey<'a> {
    Int(i64),
    Text(&'a str),
}

/// Marks a key as seen in this import; on a second sighting returns the first line.
pub(crate) fn seen_before(conn: &Connection, key: SeenKey<'_>, line: u64) -> Result<Option<u64>> {
    let (insert, select, value): (&str, &str, rusqlite::types::Value) = match key {
        SeenKey::Int(k) => (
            "INSERT OR IGNORE INTO temp.import_seen_int (k, line) VALUES (?1, ?2)",
            "SELECT line FROM temp.import_seen_int WHERE k = ?1",
            k.into(),
        ),
        SeenKey::Text(k) => (
            "INSERT OR IGNORE INTO temp.import_seen_text (k, line) VALUES (?1, ?2)",
            "SELECT line FROM temp.import_seen_text WHERE k = ?1",
            k.to_string().into(),
        ),
    };
    let n = conn
        .prepare_cached(insert)?
        .execute(params![value, line as i64])?;
    if n == 1 {
        return Ok(None);
    }
    let first: i64 = conn
        .prepare_cached(select)?
        .query_row([value], |r| r.get(0))?;
    Ok(Some(first as u64))
}

pub(crate) fn reset_seen(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_seen_int (k INTEGER PRIMARY KEY, line INTEGER NOT NULL);
         CREATE TEMP TABLE IF NOT EXISTS import_seen_text (k TEXT PRIMARY KEY, line INTEGER NOT NULL);
         DELETE FROM temp.import_seen_int;
         DELETE FROM temp.import_seen_text;",
    )?;
    Ok(())
}

/// A compact integer key for (person, school, begindatum) when the parts fit, so the file's
/// duplicate enrolments are found through the fast integer-keyed table.
fn enrolment_key(
    schools: &mut std::collections::HashMap<String, i64>,
    person: i64,
    school: &SchoolCode,
    begin: NaiveDate,
) -> Option<i64> {
    let next = schools.len() as i64;
    let idx = *schools.entry(school.as_str().to_string()).or_insert(next);
    let day = (begin - NaiveDate::from_ymd_opt(1900, 1, 1)?).num_days();
    ((0..1 << 31).contains(&person) && idx < 1 << 16 && (0..1 << 16).contains(&day))
        .then_some(person << 32 | idx << 16 | day)
}

pub(crate) fn count(c: &mut ImportCounts, existed: bool, changed: bool) {
    match (existed, changed) {
        (false, _) => c.nieuw += 1,
        (true, true) => c.gewijzigd += 1,
        (true, false) => c.ongewijzigd += 1,
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn is_empty(&self) -> Result<bool> {
        let conn = self.conn()?;
        let n: i64 = conn.query_row(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM organisaties LIMIT 1))
                  + (SELECT count(*) FROM (SELECT 1 FROM jongeren LIMIT 1))",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }

    fn organisaties(&self) -> Result<Vec<Organisatie>> {
        load_organisaties(&*self.conn()?)
    }

    fn vakanties(&self) -> Result<Vec<Vakantie>> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT school, van, naam, tot FROM vakanties ORDER BY van, school, naam")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                date_col(r, 1)?,
                r.get::<_, String>(2)?,
                date_col(r, 3)?,
            ))
        })?;
        rows.map(|r| {
            let (school, van, naam, tot) = r?;
            crate::stored::vakantie(&school, van, naam, tot)
        })
        .collect()
    }

    fn import_organisaties(
        &self,
        rows: Rows<'_, Organisatie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome> {
        import_in_tx(&self.conn()?, decide, |conn, counts, issues| {
            for (line, o) in rows {
                if let Some(first) = seen_before(conn, SeenKey::Text(o.code.as_str()), line)? {
                    issues.push(RowIssue::new(line, "code", crate::twice(&o.code, first)));
                    continue;
                }
                let old = find_org(conn, &o.code)?;
                let changed = old.as_ref() != Some(&o);
                if changed {
                    insert_org(conn, &o)?;
                }
                count(counts, old.is_some(), changed);
            }
            Ok(())
        })
    }

    fn import_vakanties(
        &self,
        rows: Rows<'_, Vakantie>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome> {
        import_in_tx(&self.conn()?, decide, |conn, counts, issues| {
            let mut gewijzigd: Vec<Option<SchoolCode>> = Vec::new();
            for (line, v) in rows {
                let school = v.school.as_ref().map(SchoolCode::as_str).unwrap_or("");
                let key = format!("{school}|{}|{}", v.van, v.naam);
                if let Some(first) = seen_before(conn, SeenKey::Text(&key), line)? {
                    issues.push(RowIssue::new(
                        line,
                        "naam",
                        crate::twice("this holiday", first),
                    ));
                    continue;
                }
                let old: Option<NaiveDate> = conn
                    .prepare_cached(
                        "SELECT tot FROM vakanties WHERE school = ?1 AND van = ?2 AND naam = ?3",
                    )?
                    .query_row(params![school, iso(v.van), v.naam], |r| date_col(r, 0))
                    .optional()?;
                let changed = old != Some(v.tot);
                if changed {
                    insert_vakantie(conn, &v)?;
                    gewijzigd.push(v.school.clone());
                }
                count(counts, old.is_some(), changed);
            }
            // A changed holiday changes which days are school days: every pupil of the
            // schools it concerns (all, for a holiday of everyone) is re-evaluated.
            if gewijzigd.iter().any(Option::is_none) {
                conn.execute_batch(
                    "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school)
                     SELECT jongere_id, school FROM verzuim_blokken",
                )?;
            } else {
                gewijzigd.sort();
                gewijzigd.dedup();
                for school in gewijzigd.iter().flatten() {
                    conn.prepare_cached(
                        "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school)
                         SELECT jongere_id, school FROM verzuim_blokken WHERE school = ?1",
                    )?
                    .execute(params![school.as_str()])?;
                }
            }
            Ok(())
        })
    }

    fn import_jongeren(
        &self,
        rows: Rows<'_, Jongere>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome> {
        import_in_tx(&self.conn()?, decide, |conn, counts, issues| {
            for (line, j) in rows {
                let col = if j.bsn().is_some() {
                    "bsn"
                } else {
                    "onderwijsnummer"
                };
                // Most rows of a large file are new people: try the insert first; any
                // uniqueness conflict sends the row down the careful path below. Rows are
                // remembered by person id, which grows with each insert, so the table of
                // rows seen in this file is appended to rather than searched.
                if try_insert_jongere(conn, &j)? {
                    seen_before(conn, SeenKey::Int(conn.last_insert_rowid()), line)?;
                    count(counts, false, true);
                    continue;
                }
                // Match by BSN; a person known only by onderwijsnummer who now has a BSN is
                // matched by that onderwijsnummer and gets the BSN.
                let mut old = find_jongere(conn, j.leerling_id())?;
                if old.is_none() && j.bsn().is_some() {
                    if let Some(o) = j.onderwijsnummer() {
                        old = find_jongere(conn, LeerlingId::Onderwijsnummer(o))?
                            .filter(|s| s.jongere.bsn().is_none());
                    }
                }
                if let Some(o) = j.onderwijsnummer() {
                    let holder = person_id(conn, LeerlingId::Onderwijsnummer(o))?;
                    if holder.is_some() && holder != old.as_ref().map(|s| s.id) {
                        issues.push(RowIssue::new(
                            line,
                            "onderwijsnummer",
                            "this onderwijsnummer belongs to another person",
                        ));
                        continue;
                    }
                }
                if let Some(p) = &old {
                    if let Some(first) = seen_before(conn, SeenKey::Int(p.id), line)? {
                        issues.push(RowIssue::new(line, col, crate::twice("this person", first)));
                        continue;
                    }
                }
                match old {
                    None => {
                        let id = insert_jongere(conn, &j)?;
                        seen_before(conn, SeenKey::Int(id), line)?;
                        count(counts, false, true);
                    }
                    Some(s) => {
                        // A known BSN or onderwijsnummer is never dropped by a file without it.
                        let merged = Jongere::new(
                            j.bsn().or(s.jongere.bsn()),
                            j.onderwijsnummer().or(s.jongere.onderwijsnummer()),
                            j.achternaam.clone(),
                            j.voornamen.clone(),
                            j.geboortedatum,
                            j.gemeente.clone(),
                        )
                        .expect("has an identifier");
                        let changed = merged != s.jongere;
                        if changed {
                            conn.prepare_cached(
                                // A move is dated by the file's verhuisdatum (or, without
                                // one, the day it is recorded: see migration V35).
                                "UPDATE jongeren SET bsn = ?2, onderwijsnummer = ?3, achternaam = ?4,
                                   voornamen = ?5, geboortedatum = ?6, gemeente = ?7,
                                   woont_sinds = CASE WHEN gemeente = ?7 THEN woont_sinds ELSE ?8 END
                                 WHERE id = ?1",
                            )?
                            .execute(params![
                                s.id,
                                opt_u32(merged.bsn(), Bsn::value),
                                opt_u32(merged.onderwijsnummer(), Onderwijsnummer::value),
                                merged.achternaam,
                                merged.voornamen,
                                iso(merged.geboortedatum),
                                merged.gemeente.as_str(),
                                j.woont_sinds.map(iso)
                            ])?;
                        }
                        count(counts, true, changed);
                    }
                }
            }
            Ok(())
        })
    }

    fn import_inschrijvingen(
        &self,
        rows: Rows<'_, Inschrijving>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome> {
        import_in_tx(&self.conn()?, decide, |conn, counts, issues| {
            let mut schools = std::collections::HashMap::new();
            let mut persoon = LaatstePersoon::default();
            for (line, i) in rows {
                let Some(person) = persoon.van(conn, i.leerling)? else {
                    issues.push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                    continue;
                };
                let text;
                let key = match enrolment_key(&mut schools, person, &i.school, i.begindatum()) {
                    Some(k) => SeenKey::Int(k),
                    None => {
                        text = format!("{person}|{}|{}", i.school, i.begindatum());
                        SeenKey::Text(&text)
                    }
                };
                if let Some(first) = seen_before(conn, key, line)? {
                    issues.push(RowIssue::new(
                        line,
                        "begindatum",
                        crate::twice("this enrolment", first),
                    ));
                    continue;
                }
                // One look at this person's enrolments at this school: the one with the same
                // begindatum (to update) and any other that overlaps (an error).
                // A pupil has a handful of enrolments at one school: read them all and compare
                // here. (A range on a bound date in the query makes SQLite re-plan it per row.)
                let mut stmt = conn.prepare_cached(
                    "SELECT begindatum, einddatum, sector, startkwalificatie FROM inschrijvingen
                     WHERE jongere_id = ?1 AND school = ?2",
                )?;
                let mut found = stmt.query(params![person, i.school.as_str()])?;
                let mut old: Option<(Option<NaiveDate>, String, bool)> = None;
                let mut overlap = None;
                while let Some(r) = found.next()? {
                    let b = date_col(r, 0)?;
                    let e = opt_date_col(r, 1)?;
                    if b == i.begindatum() {
                        old = Some((e, r.get(2)?, r.get(3)?));
                    } else if overlap.is_none()
                        && i.einddatum().is_none_or(|ie| b <= ie)
                        && e.is_none_or(|e| e >= i.begindatum())
                    {
                        overlap = Some((b, e));
                    }
                }
                drop(found);
                drop(stmt);
                if let Some((b, e)) = overlap {
                    issues.push(RowIssue::new(
                        line,
                        "begindatum",
                        overlap_reason(&i.school, b, e),
                    ));
                    continue;
                }
                let changed = old.as_ref().is_none_or(|(e, s, k)| {
                    *e != i.einddatum()
                        || s.as_str() != i.sector.code()
                        || *k != i.startkwalificatie()
                });
                if old.is_none() {
                    insert_inschrijving(conn, person, &i)?;
                } else if changed {
                    conn.prepare_cached(
                        "UPDATE inschrijvingen SET einddatum = ?4, sector = ?5, startkwalificatie = ?6
                         WHERE jongere_id = ?1 AND school = ?2 AND begindatum = ?3",
                    )?
                    .execute(params![
                        person,
                        i.school.as_str(),
                        iso(i.begindatum()),
                        i.einddatum().map(iso),
                        i.sector.code(),
                        i.startkwalificatie()
                    ])?;
                }
                count(counts, old.is_some(), changed);
            }
            crate::sqlite::onderwijsloos::bijwerken(conn)?;
            Ok(())
        })
    }

    fn import_verzuim(
        &self,
        rows: Rows<'_, VerzuimRij>,
        decide: Decide<'_>,
    ) -> Result<ImportOutcome> {
        let conn = self.conn()?;
        let outcome = crate::sqlite::absence::import_verzuim(&conn, rows, decide)?;
        if outcome.committed {
            // The import pays for copying what it wrote back from the WAL, rather than the
            // next small commit (a signal run, a read's audit entry) that crosses the limit.
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        }
        Ok(outcome)
    }

    crate::forward::forwarded_store_methods!(sqlite);

    fn cijferbasis(
        &self,
        bekend_op: Option<DateTime<Utc>>,
        nodig: crate::BasisNodig,
    ) -> Result<leerrecht_domain::cijfers::Basis> {
        crate::sqlite::cijfers::cijferbasis(self, bekend_op, nodig)
    }

    fn verzuimers_telling(&self, jaar: SchoolYear) -> Result<Vec<(bool, String, u64)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT meerderjarig, gemeente, aantal FROM verzuimers_telling
             WHERE schooljaar = ?1 AND aantal > 0",
        )?;
        let rows = stmt.query_map([jaar.start_year()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn bulk_writer(&self) -> Result<Box<dyn BulkWriter + '_>> {
        let conn = self.conn()?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Box::new(SqliteBulk {
            conn,
            last: None,
            done: false,
        }))
    }

    fn for_each_jongere(
        &self,
        on: NaiveDate,
        gemeente: Option<&GemeenteCode>,
        f: &mut dyn FnMut(JongereRij) -> Result<()>,
    ) -> Result<()> {
        let conn = self.conn()?;
        let sql = format!(
            "SELECT {JONGERE_COLS},
               (SELECT school || '|' || sector FROM inschrijvingen i
                 WHERE i.jongere_id = j.id AND i.begindatum <= ?1
                   AND (i.einddatum IS NULL OR i.einddatum >= ?1)
                 ORDER BY i.begindatum DESC, i.school LIMIT 1),
               (SELECT min(i.einddatum) FROM inschrijvingen i
                 WHERE i.jongere_id = j.id AND i.startkwalificatie = 1 AND i.einddatum < ?1)
             FROM jongeren j WHERE (?2 IS NULL OR j.gemeente = ?2)
             ORDER BY j.gemeente, j.achternaam, j.voornamen, j.geboortedatum,
                      coalesce(j.bsn, j.onderwijsnummer)"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params![iso(on), gemeente.map(GemeenteCode::as_str)])?;
        while let Some(r) = rows.next()? {
            // The person's id comes first.
            f(crate::stored::jongere_rij(r, 1)??)?;
        }
        Ok(())
    }

    fn jongere(&self, id: LeerlingId) -> Result<Option<Jongere>> {
        Ok(find_jongere(&*self.conn()?, id)?.map(|s| s.jongere))
    }

    fn overzicht(&self, on: NaiveDate, r: BirthRanges) -> Result<Vec<GemeenteTelling>> {
        // Two scans side by side on two connections, joined here by person id: who is
        // enrolled on the date, and everyone's gemeente and duty. A join or a look-up per
        // person inside SQLite costs several times more at national scale.
        let on = iso(on);
        let (enrolled_conn, conn) = (self.conn()?, self.conn()?);
        let (lp0, lp1) = (iso(r.leerplichtig.0), iso(r.leerplichtig.1));
        let (kw0, kw1) = (iso(r.kwalificatieplichtig.0), iso(r.kwalificatieplichtig.1));
        let (enrolled, gemeenten, with_duty) = std::thread::scope(|scope| {
            let on = &on;
            let enrolled = scope.spawn(move || -> Result<Vec<u64>> {
                let mut bits: Vec<u64> = Vec::new();
                let mut stmt = enrolled_conn.prepare(
                    "SELECT jongere_id FROM inschrijvingen
                     WHERE begindatum <= ?1 AND (einddatum IS NULL OR einddatum >= ?1)",
                )?;
                let mut rows = stmt.query([on])?;
                while let Some(row) = rows.next()? {
                    let id = row.get::<_, i64>(0)? as usize;
                    if bits.len() <= id / 64 {
                        bits.resize(id / 64 + 1, 0);
                    }
                    bits[id / 64] |= 1 << (id % 64);
                }
                Ok(bits)
            });
            // Meanwhile: everyone per gemeente, and who of them has a duty (id, gemeente, kind).
            let people = || -> Result<PeopleScan> {
                let mut gemeenten: Vec<(String, u64)> = Vec::new();
                let mut index: std::collections::HashMap<String, u32> = Default::default();
                let mut with_duty = Vec::new();
                let mut stmt = conn.prepare("SELECT id, gemeente, geboortedatum FROM jongeren")?;
                let mut rows = stmt.query([])?;
                while let Some(row) = rows.next()? {
                    let gemeente = text(row.get_ref(1)?)?;
                    let g = match index.get(gemeente) {
                        Some(&g) => g,
                        None => {
                            gemeenten.push((gemeente.to_string(), 0));
                            index.insert(gemeente.to_string(), gemeenten.len() as u32 - 1);
                            gemeenten.len() as u32 - 1
                        }
                    };
                    gemeenten[g as usize].1 += 1;
                    // ISO dates compare as text: no need to parse them.
                    let born = text(row.get_ref(2)?)?;
                    let leerplichtig = (lp0.as_str()..=lp1.as_str()).contains(&born);
                    if leerplichtig || (kw0.as_str()..=kw1.as_str()).contains(&born) {
                        with_duty.push((row.get::<_, i64>(0)? as u32, g, leerplichtig));
                    }
                }
                Ok((gemeenten, with_duty))
            };
            let people = people();
            let enrolled = enrolled.join().expect("the enrolment scan does not panic");
            people.and_then(|(g, w)| Ok((enrolled?, g, w)))
        })?;
        let is_enrolled = |id: u32| {
            enrolled
                .get(id as usize / 64)
                .is_some_and(|w| w >> (id % 64) & 1 == 1)
        };
        let mut out: Vec<GemeenteTelling> = gemeenten
            .into_iter()
            .map(|(gemeente, jongeren)| GemeenteTelling {
                gemeente,
                jongeren,
                ..Default::default()
            })
            .collect();
        for (id, g, leerplichtig) in with_duty {
            let t = &mut out[g as usize];
            let ing = u64::from(is_enrolled(id));
            if leerplichtig {
                t.leerplichtig += 1;
                t.leerplichtig_ingeschreven += ing;
            } else {
                t.kwalificatieplichtig += 1;
                t.kwalificatieplichtig_ingeschreven += ing;
            }
        }
        out.sort_by(|a, b| a.gemeente.cmp(&b.gemeente));
        Ok(out)
    }
}

struct SqliteBulk {
    conn: Conn,
    last: Option<(LeerlingId, i64)>,
    done: bool,
}

impl BulkWriter for SqliteBulk {
    fn organisatie(&mut self, o: &Organisatie) -> Result<()> {
        insert_org(&self.conn, o)
    }
    fn vakantie(&mut self, v: &Vakantie) -> Result<()> {
        insert_vakantie(&self.conn, v)
    }
    fn jongere(&mut self, j: &Jongere) -> Result<()> {
        let id = insert_jongere(&self.conn, j)?;
        self.last = Some((j.leerling_id(), id));
        Ok(())
    }
    fn inschrijving(&mut self, i: &Inschrijving) -> Result<()> {
        let id = match self.last {
            Some((l, id)) if l == i.leerling => id,
            _ => person_id(&self.conn, i.leerling)?
                .ok_or_else(|| StoreError::Invalid("enrolment of an unknown person".into()))?,
        };
        insert_inschrijving(&self.conn, id, i)
    }
    fn verzuim(
        &mut self,
        leerling: LeerlingId,
        school: &SchoolCode,
        rows: &[Verzuim],
    ) -> Result<()> {
        let id = match self.last {
            Some((l, id)) if l == leerling => id,
            _ => person_id(&self.conn, leerling)?
                .ok_or_else(|| StoreError::Invalid("absence of an unknown person".into()))?,
        };
        crate::sqlite::absence::insert_verzuim(&self.conn, id, school, rows)
    }
    fn commit(mut self: Box<Self>) -> Result<()> {
        crate::sqlite::onderwijsloos::bijwerken(&self.conn)?;
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        // A bulk load leaves a WAL of gigabytes; every later read and commit would first
        // consult its index. Copy it into the database and empty it now.
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

impl Drop for SqliteBulk {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In a fresh process the pool holds one connection, taken by the writer of a signal run;
    /// its readers still get connections of their own, so the run works on both cores. An
    /// in-memory database has only the one.
    #[test]
    fn a_second_and_third_connection_open_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pool.db");
        let store = SqliteStore::open_with(path.to_str().unwrap(), 1024, true).unwrap();
        let _schrijver = store.conn().unwrap();
        let lezers: Vec<Conn> = (0..2).filter_map(|_| store.try_conn()).collect();
        assert_eq!(lezers.len(), 2);
        let geheugen = SqliteStore::open_with(":memory:", 1024, true).unwrap();
        let _enige = geheugen.conn().unwrap();
        assert!(geheugen.try_conn().is_none());
    }
}
