//! Backup and restore of a whole database, online, and a deterministic dump of every table
//! (to compare a restored copy, or the state after a crash, with what it should be).
//!
//! * SQLite: `VACUUM INTO` copies the database as one read transaction, so writers carry on
//!   (WAL) and the copy is the state of one moment; the file is itself a SQLite database.
//!   Restore copies it page by page into the target with SQLite's online backup API.
//! * PostgreSQL: every table is copied out (`COPY … TO STDOUT`) inside one `REPEATABLE READ`
//!   transaction, so all tables are of the same snapshot while others keep writing; the file
//!   is a small framed format ending in a SHA-256 of everything before it. Restore recreates
//!   the schema at the backup's version, loads every table in one transaction with the
//!   database's own triggers held off (the derived tables come from the backup as they were),
//!   sets the sequences, and then migrates to the newest version.
//!
//! A copy is written next to its destination and renamed into place once complete and synced,
//! so a crash never leaves a half backup under the asked-for name.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ::postgres::Client;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::{Backend, Result, StoreError};

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// The first line of a PostgreSQL backup of leerrecht.
const PG_MAGIC: &str = "leerrecht-backup 1 postgres";

/// Tables the migrations themselves fill: a database whose only rows are in these is empty.
const SEEDED: &[&str] = &["audit_geindexeerd", "refinery_schema_history"];

/// What a backup holds, or what a restore put back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    pub backend: Backend,
    /// The schema version (migration) of the copied database.
    pub schema: u32,
    pub tabellen: usize,
    pub rijen: u64,
    /// The size of the backup file.
    pub bytes: u64,
}

enum Target<'a> {
    Sqlite(&'a str),
    Postgres(&'a str),
}

fn target(url: &str) -> Result<Target<'_>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Target::Sqlite(path))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Target::Postgres(url))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("{what} {}: {e}", path.display()))
}

/// Where a file is written before it is renamed to `file`.
fn partial(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".onvolledig");
    file.with_file_name(name)
}

/// Syncs `tmp`, renames it to `file` and syncs the folder, so that the new name survives a crash.
fn publish(tmp: &Path, file: &Path) -> Result<u64> {
    // A backup holds everything the database does: its owner only may read it.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(tmp, fs::Permissions::from_mode(0o600))
        .map_err(|e| io_err("cannot restrict", tmp, e))?;
    let f = File::open(tmp).map_err(|e| io_err("cannot open", tmp, e))?;
    f.sync_all().map_err(|e| io_err("cannot sync", tmp, e))?;
    let bytes = f
        .metadata()
        .map_err(|e| io_err("cannot read", tmp, e))?
        .len();
    drop(f);
    fs::rename(tmp, file).map_err(|e| io_err("cannot rename to", file, e))?;
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(bytes)
}

/// Writes a consistent copy of the database `url` names to `file` while it is in use.
/// `file` must not exist yet.
pub fn backup(url: &str, file: &Path) -> Result<BackupInfo> {
    if file.exists() {
        return Err(StoreError::Invalid(format!(
            "{} exists already: choose a new name (a backup never overwrites)",
            file.display()
        )));
    }
    let tmp = partial(file);
    let _ = fs::remove_file(&tmp);
    let made = match target(url)? {
        Target::Sqlite(path) => sqlite_backup(path, &tmp),
        Target::Postgres(url) => pg_backup(url, &tmp),
    };
    let mut info = match made {
        Ok(info) => info,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    info.bytes = publish(&tmp, file)?;
    Ok(info)
}

/// Puts the backup in `file` into the database `url` names, which must be empty (no row in
/// any table but the migrations' own) unless `force`, in which case its contents are
/// replaced. The schema is then brought up to the newest version.
pub fn restore(url: &str, file: &Path, force: bool) -> Result<BackupInfo> {
    let mut head = [0u8; 32];
    let n = File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| io_err("cannot read", file, e))?;
    let head = &head[..n];
    let kind = if head.starts_with(SQLITE_MAGIC) {
        Backend::Sqlite
    } else if head.starts_with(PG_MAGIC.as_bytes()) {
        Backend::Postgres
    } else {
        return Err(StoreError::Invalid(format!(
            "{} is not a backup of leerrecht",
            file.display()
        )));
    };
    let name = |b: Backend| match b {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    match (target(url)?, kind) {
        (Target::Sqlite(path), Backend::Sqlite) => sqlite_restore(path, file, force),
        (Target::Postgres(url), Backend::Postgres) => pg_restore(url, file, force),
        (t, k) => Err(StoreError::Invalid(format!(
            "{} is a backup of a {} database; it restores into {} only",
            file.display(),
            name(k),
            match t {
                Target::Sqlite(_) => "a PostgreSQL database, not SQLite",
                Target::Postgres(_) => "a SQLite database, not PostgreSQL",
            }
        ))),
    }
}

/// Every table of the database, each row rendered as text, rows sorted: two databases with
/// equal dumps hold the same data. PostgreSQL's sequences appear as the table `(sequences)`.
pub type Dump = BTreeMap<String, Vec<String>>;

/// A deterministic dump of every table of the database `url` names (read in one snapshot).
pub fn dump(url: &str) -> Result<Dump> {
    match target(url)? {
        Target::Sqlite(path) => {
            let conn = sqlite_open_existing(path)?;
            conn.execute_batch("BEGIN")?;
            let d = sqlite_dump(&conn);
            conn.execute_batch("COMMIT")?;
            d
        }
        Target::Postgres(url) => pg_dump(url),
    }
}

/// One SHA-256 over a dump, to say two states are equal in one line.
pub fn fingerprint(dump: &Dump) -> String {
    let mut h = Sha256::new();
    for (t, rows) in dump {
        h.update(t.as_bytes());
        h.update([0]);
        for r in rows {
            h.update(r.as_bytes());
            h.update([1]);
        }
        h.update([2]);
    }
    crate::access::hex(&h.finalize())
}

/// The schema versions (migrations) this build knows, per backend, oldest first.
pub fn schema_versions(backend: Backend) -> Vec<u32> {
    let list = match backend {
        Backend::Sqlite => crate::sqlite::embedded::migrations::runner()
            .get_migrations()
            .to_vec(),
        Backend::Postgres => crate::postgres::embedded::migrations::runner()
            .get_migrations()
            .to_vec(),
    };
    let mut v: Vec<u32> = list.iter().map(|m| m.version() as u32).collect();
    v.sort_unstable();
    v
}

/// The newest schema version this build knows, per backend.
pub fn newest_schema(backend: Backend) -> u32 {
    schema_versions(backend).last().copied().unwrap_or(0)
}

/// Creates or migrates the database `url` names up to schema `version` and no further, without
/// anything else the store does on open (for upgrade tests: build an old database).
pub fn migrate_to(url: &str, version: u32) -> Result<()> {
    let target = refinery::Target::Version(version as i32);
    match self::target(url)? {
        Target::Sqlite(path) => {
            let mut c = Connection::open(path)?;
            crate::sqlite::embedded::migrations::runner()
                .set_target(target)
                .run(&mut c)?;
        }
        Target::Postgres(url) => {
            let mut c = crate::postgres::tls::connect(url)?;
            crate::postgres::embedded::migrations::runner()
                .set_target(target)
                .run(&mut c)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// SQLite

fn sqlite_open_existing(path: &str) -> Result<Connection> {
    if !Path::new(path).exists() {
        return Err(StoreError::Invalid(format!("{path} does not exist")));
    }
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    c.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(c)
}

fn sqlite_tables(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

fn sqlite_schema(c: &Connection) -> Result<u32> {
    let has: bool = c.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'refinery_schema_history'",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Err(StoreError::Invalid(
            "not a leerrecht database: it has no schema history".into(),
        ));
    }
    Ok(c.query_row(
        "SELECT coalesce(max(version), 0) FROM refinery_schema_history",
        [],
        |r| r.get::<_, i64>(0),
    )? as u32)
}

fn sqlite_counts(c: &Connection) -> Result<(usize, u64)> {
    let tables = sqlite_tables(c)?;
    let mut rows = 0u64;
    for t in &tables {
        rows += c.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| {
            r.get::<_, i64>(0)
        })? as u64;
    }
    Ok((tables.len(), rows))
}

/// Tables other than the migrations' own that hold a row.
fn sqlite_non_empty(c: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for t in sqlite_tables(c)? {
        if SEEDED.contains(&t.as_str()) {
            continue;
        }
        let any: bool =
            c.query_row(&format!("SELECT EXISTS (SELECT 1 FROM \"{t}\")"), [], |r| {
                r.get(0)
            })?;
        if any {
            out.push(t);
        }
    }
    Ok(out)
}

fn sqlite_integrity(c: &Connection, what: &Path) -> Result<()> {
    let ok: String = c.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(StoreError::Invalid(format!(
            "{} is damaged: {ok}",
            what.display()
        )));
    }
    Ok(())
}

fn sqlite_backup(path: &str, tmp: &Path) -> Result<BackupInfo> {
    let c = sqlite_open_existing(path)?;
    let schema = sqlite_schema(&c)?;
    let tmp_s = tmp
        .to_str()
        .ok_or_else(|| StoreError::Invalid(format!("{} is not UTF-8", tmp.display())))?;
    // One read transaction: the copy is the database as of one moment, and writers on other
    // connections carry on meanwhile (WAL).
    c.execute("VACUUM INTO ?1", [tmp_s])?;
    drop(c);
    let copy = Connection::open_with_flags(tmp, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    sqlite_integrity(&copy, tmp)?;
    let (tabellen, rijen) = sqlite_counts(&copy)?;
    Ok(BackupInfo {
        backend: Backend::Sqlite,
        schema,
        tabellen,
        rijen,
        bytes: 0,
    })
}

fn sqlite_restore(path: &str, file: &Path, force: bool) -> Result<BackupInfo> {
    let src = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    sqlite_integrity(&src, file)?;
    let schema = sqlite_schema(&src)?;
    let newest = newest_schema(Backend::Sqlite);
    if schema > newest {
        return Err(StoreError::Invalid(format!(
            "{} has schema version {schema}, newer than this leerrecht knows ({newest}): restore it with a newer release",
            file.display()
        )));
    }
    let (tabellen, rijen) = sqlite_counts(&src)?;
    drop(src);
    if let Some(dir) = Path::new(path).parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            return Err(StoreError::Invalid(format!(
                "folder {} does not exist",
                dir.display()
            )));
        }
    }
    let mut dst = Connection::open(path)?;
    dst.busy_timeout(std::time::Duration::from_secs(30))?;
    let full = sqlite_non_empty(&dst)?;
    if !full.is_empty() && !force {
        return Err(StoreError::Invalid(format!(
            "{path} is not empty (it has rows in {}): restore into an empty database, or pass --force to replace everything in it",
            full.join(", ")
        )));
    }
    // Page by page into the target, under SQLite's own locks; other connections see the
    // restored database once it is done.
    dst.restore(
        rusqlite::MAIN_DB,
        file,
        None::<fn(rusqlite::backup::Progress)>,
    )?;
    drop(dst);
    // Brings the schema up to date (and packs what an old release stored unpacked).
    drop(crate::SqliteStore::open(path)?);
    Ok(BackupInfo {
        backend: Backend::Sqlite,
        schema,
        tabellen,
        rijen,
        bytes: fs::metadata(file).map(|m| m.len()).unwrap_or(0),
    })
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => format!("{f:?}"),
        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => {
            format!("x'{}'", crate::access::hex(b))
        }
    }
}

fn sqlite_dump(c: &Connection) -> Result<Dump> {
    let mut out = Dump::new();
    for t in sqlite_tables(c)? {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\""))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut lines = Vec::new();
        while let Some(r) = rows.next()? {
            let mut line = String::new();
            for i in 0..n {
                if i > 0 {
                    line.push('|');
                }
                line.push_str(&sqlite_value(r.get_ref(i)?));
            }
            lines.push(line);
        }
        lines.sort();
        out.insert(t, lines);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

fn pg_tables(c: &mut Client) -> Result<Vec<String>> {
    pg_tables_of(c)
}

fn pg_tables_of(c: &mut impl ::postgres::GenericClient) -> Result<Vec<String>> {
    Ok(c.query(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
         ORDER BY 1",
        &[],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

fn pg_sequences(c: &mut Client) -> Result<Vec<String>> {
    Ok(c.query(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'S' ORDER BY 1",
        &[],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

/// The columns a table stores (generated ones are computed again on load).
fn pg_columns(c: &mut Client, table: &str) -> Result<Vec<String>> {
    Ok(c.query(
        "SELECT a.attname::text FROM pg_attribute a
         WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         ORDER BY a.attnum",
        &[&table],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn pg_schema(c: &mut Client) -> Result<Option<u32>> {
    let has: bool = c
        .query_one(
            "SELECT to_regclass(quote_ident(current_schema()) || '.refinery_schema_history') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !has {
        return Ok(None);
    }
    let v: Option<i32> = c
        .query_one("SELECT max(version) FROM refinery_schema_history", &[])?
        .get(0);
    Ok(Some(v.unwrap_or(0) as u32))
}

/// A writer that hashes what goes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn pg_backup(url: &str, tmp: &Path) -> Result<BackupInfo> {
    let mut c = crate::postgres::tls::connect(url)?;
    // One snapshot for every table; a read-only transaction takes no lock that writers wait on.
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let schema = pg_schema(&mut c)?
        .ok_or_else(|| StoreError::Invalid("not a leerrecht database: it has no schema".into()))?;
    let f = File::create(tmp).map_err(|e| io_err("cannot create", tmp, e))?;
    let mut w = Hashing {
        inner: BufWriter::with_capacity(1 << 20, f),
        hash: Sha256::new(),
    };
    let werr = |e: std::io::Error| io_err("cannot write", tmp, e);
    writeln!(w, "{PG_MAGIC}").map_err(werr)?;
    writeln!(w, "schema {schema}").map_err(werr)?;
    // Parents before children, so that a restore can load the file in its own order.
    let tables = pg_tables(&mut c)?;
    let tables = pg_load_order(&mut c, &tables)?;
    let mut rijen = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    for t in &tables {
        let cols = pg_columns(&mut c, t)?;
        writeln!(w, "table {t}\t{}", cols.join("\t")).map_err(werr)?;
        let list: Vec<String> = cols.iter().map(|c| ident(c)).collect();
        let mut r = c.copy_out(&format!(
            "COPY {} ({}) TO STDOUT",
            ident(t),
            list.join(", ")
        ))?;
        loop {
            let n = read_full(&mut r, &mut buf).map_err(|e| io_err("COPY of", tmp, e))?;
            if n == 0 {
                break;
            }
            let last = n < buf.len();
            rijen += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            writeln!(w, "data {n}").map_err(werr)?;
            w.write_all(&buf[..n]).map_err(werr)?;
            if last {
                // The copy is at its end; reading on would ask the server for more.
                break;
            }
        }
        drop(r);
        writeln!(w, "data 0").map_err(werr)?;
    }
    for s in pg_sequences(&mut c)? {
        let row = c.query_one(
            &format!("SELECT last_value, is_called FROM {}", ident(&s)),
            &[],
        )?;
        let (last, called): (i64, bool) = (row.get(0), row.get(1));
        writeln!(w, "sequence {s} {last} {called}").map_err(werr)?;
    }
    c.batch_execute("COMMIT")?;
    let hash = crate::access::hex(&w.hash.clone().finalize());
    let mut inner = w.inner;
    writeln!(inner, "end {hash}").map_err(werr)?;
    inner.flush().map_err(werr)?;
    Ok(BackupInfo {
        backend: Backend::Postgres,
        schema,
        tabellen: tables.len(),
        rijen,
        bytes: 0,
    })
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// One part of a PostgreSQL backup file.
enum Part {
    Table {
        name: String,
        columns: Vec<String>,
    },
    Data(Vec<u8>),
    Sequence {
        name: String,
        last: i64,
        called: bool,
    },
}

/// Reads a PostgreSQL backup file part by part, hashing as it goes; `finish` checks the hash.
struct PgReader {
    r: BufReader<File>,
    hash: Sha256,
    path: PathBuf,
    schema: u32,
    end: Option<String>,
}

impl PgReader {
    fn open(path: &Path) -> Result<Self> {
        let f = File::open(path).map_err(|e| io_err("cannot read", path, e))?;
        let mut r = PgReader {
            r: BufReader::with_capacity(1 << 20, f),
            hash: Sha256::new(),
            path: path.to_path_buf(),
            schema: 0,
            end: None,
        };
        let magic = r.line()?;
        if magic != PG_MAGIC {
            return Err(r.bad("not a PostgreSQL backup of leerrecht"));
        }
        let schema = r.line()?;
        r.schema = schema
            .strip_prefix("schema ")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| r.bad("no schema version"))?;
        Ok(r)
    }
    fn bad(&self, why: &str) -> StoreError {
        StoreError::Invalid(format!(
            "{} is damaged or incomplete: {why}",
            self.path.display()
        ))
    }
    /// The next line, without its newline, hashed unless it is the closing `end` line.
    fn line(&mut self) -> Result<String> {
        let mut buf = Vec::new();
        self.r
            .read_until(b'\n', &mut buf)
            .map_err(|e| io_err("cannot read", &self.path, e))?;
        if buf.last() != Some(&b'\n') {
            return Err(self.bad("it ends in the middle"));
        }
        if !buf.starts_with(b"end ") {
            self.hash.update(&buf);
        }
        buf.pop();
        String::from_utf8(buf).map_err(|_| self.bad("a header line is not text"))
    }
    fn next(&mut self) -> Result<Option<Part>> {
        if self.end.is_some() {
            return Ok(None);
        }
        let line = self.line()?;
        if let Some(h) = line.strip_prefix("end ") {
            self.end = Some(h.to_string());
            return Ok(None);
        }
        if let Some(rest) = line.strip_prefix("table ") {
            let mut it = rest.split('\t').map(str::to_string);
            let name = it.next().unwrap_or_default();
            return Ok(Some(Part::Table {
                name,
                columns: it.collect(),
            }));
        }
        if let Some(n) = line.strip_prefix("data ") {
            let n: usize = n.parse().map_err(|_| self.bad("a bad chunk length"))?;
            if n > 64 << 20 {
                return Err(self.bad("a chunk is too long"));
            }
            let mut data = vec![0u8; n];
            self.r
                .read_exact(&mut data)
                .map_err(|_| self.bad("it ends in the middle of a table"))?;
            self.hash.update(&data);
            return Ok(Some(Part::Data(data)));
        }
        if let Some(rest) = line.strip_prefix("sequence ") {
            let f: Vec<&str> = rest.split(' ').collect();
            if let [name, last, called] = f[..] {
                if let (Ok(last), Ok(called)) = (last.parse(), called.parse()) {
                    return Ok(Some(Part::Sequence {
                        name: name.to_string(),
                        last,
                        called,
                    }));
                }
            }
            return Err(self.bad("a bad sequence line"));
        }
        Err(self.bad("an unknown line"))
    }
    /// Checks the closing hash once every part was read.
    fn finish(self) -> Result<()> {
        let want = self
            .end
            .clone()
            .ok_or_else(|| self.bad("no closing line"))?;
        let got = crate::access::hex(&self.hash.clone().finalize());
        if want != got {
            return Err(self.bad("its checksum does not match"));
        }
        Ok(())
    }
}

fn pg_non_empty(c: &mut Client) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for t in pg_tables(c)? {
        if SEEDED.contains(&t.as_str()) {
            continue;
        }
        let any: bool = c
            .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", ident(&t)), &[])?
            .get(0);
        if any {
            out.push(t);
        }
    }
    Ok(out)
}

/// Tables in an order in which each comes after those its foreign keys point to.
fn pg_load_order(c: &mut Client, tables: &[String]) -> Result<Vec<String>> {
    let edges: Vec<(String, String)> = c
        .query(
            "SELECT cl.relname::text, rf.relname::text FROM pg_constraint k
             JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rf ON rf.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = cl.relnamespace
             WHERE k.contype = 'f' AND n.nspname = current_schema() AND k.conrelid <> k.confrelid",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut left: BTreeSet<String> = tables.iter().cloned().collect();
    let mut order = Vec::new();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .iter()
            .filter(|t| {
                !edges
                    .iter()
                    .any(|(from, to)| from == *t && left.contains(to))
            })
            .cloned()
            .collect();
        // A cycle (none today) would be loaded in name order and fail loudly on its keys.
        let ready = if ready.is_empty() {
            vec![left.iter().next().expect("not empty").clone()]
        } else {
            ready
        };
        for t in ready {
            left.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

fn pg_restore(url: &str, file: &Path, force: bool) -> Result<BackupInfo> {
    // First pass: the whole file must be intact before anything is touched.
    let mut r = PgReader::open(file)?;
    let schema = r.schema;
    let mut backed_up = Vec::new();
    while let Some(p) = r.next()? {
        if let Part::Table { name, .. } = p {
            backed_up.push(name);
        }
    }
    r.finish()?;
    let newest = newest_schema(Backend::Postgres);
    if schema > newest {
        return Err(StoreError::Invalid(format!(
            "{} has schema version {schema}, newer than this leerrecht knows ({newest}): restore it with a newer release",
            file.display()
        )));
    }
    let mut c = crate::postgres::tls::connect(url)?;
    {
        let full = pg_non_empty(&mut c)?;
        if !full.is_empty() && !force {
            return Err(StoreError::Invalid(format!(
                "the database is not empty (it has rows in {}): restore into an empty database, or pass --force to replace everything in it",
                full.join(", ")
            )));
        }
    }
    // The schema as the backup knew it: drop what is there, migrate up to the backup's version.
    pg_drop_all(&mut c)?;
    crate::postgres::embedded::migrations::runner()
        .set_target(refinery::Target::Version(schema as i32))
        .run(&mut c)?;
    let present = pg_tables(&mut c)?;
    for t in &backed_up {
        if !present.contains(t) {
            return Err(StoreError::Invalid(format!(
                "{} holds table {t}, which schema version {schema} does not have",
                file.display()
            )));
        }
    }
    // Second pass: every table in one transaction, in the file's order (parents before
    // children), with the database's own triggers held off (the audit log's guard; derived
    // counts come as they were), then the sequences.
    let mut tx = c.transaction()?;
    for t in &present {
        tx.batch_execute(&format!("ALTER TABLE {} DISABLE TRIGGER USER", ident(t)))?;
    }
    let all: Vec<String> = present.iter().map(|t| ident(t)).collect();
    tx.batch_execute(&format!("TRUNCATE {}", all.join(", ")))?;
    let mut rijen = 0u64;
    let mut sequences = Vec::new();
    let mut r = PgReader::open(file)?;
    while let Some(p) = r.next()? {
        match p {
            Part::Table { name, columns } => {
                let list: Vec<String> = columns.iter().map(|c| ident(c)).collect();
                let mut w = tx.copy_in(&format!(
                    "COPY {} ({}) FROM STDIN",
                    ident(&name),
                    list.join(", ")
                ))?;
                loop {
                    match r.next()? {
                        Some(Part::Data(d)) if d.is_empty() => break,
                        Some(Part::Data(d)) => {
                            rijen += d.iter().filter(|&&b| b == b'\n').count() as u64;
                            w.write_all(&d).map_err(|e| {
                                StoreError::Invalid(format!("COPY into {name}: {e}"))
                            })?;
                        }
                        _ => return Err(r.bad("a table does not end")),
                    }
                }
                w.finish()?;
            }
            Part::Data(_) => return Err(r.bad("data outside a table")),
            Part::Sequence { name, last, called } => sequences.push((name, last, called)),
        }
    }
    for (name, last, called) in &sequences {
        tx.execute(
            "SELECT setval((quote_ident(current_schema()) || '.' || quote_ident($1))::regclass, $2, $3)",
            &[name, last, called],
        )?;
    }
    for t in &present {
        tx.batch_execute(&format!("ALTER TABLE {} ENABLE TRIGGER USER", ident(t)))?;
    }
    tx.commit()?;
    drop(c);
    drop(crate::PgStore::open(url)?);
    Ok(BackupInfo {
        backend: Backend::Postgres,
        schema,
        tabellen: backed_up.len(),
        rijen,
        bytes: fs::metadata(file).map(|m| m.len()).unwrap_or(0),
    })
}

/// Drops every table, view, sequence and function of the current schema, in one transaction.
fn pg_drop_all(c: &mut Client) -> Result<()> {
    let mut tx = c.transaction()?;
    for t in pg_tables_of(&mut tx)? {
        tx.batch_execute(&format!("DROP TABLE IF EXISTS {} CASCADE", ident(&t)))?;
    }
    let rest: Vec<String> = tx
        .query(
            "SELECT CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW '
                    ELSE 'SEQUENCE ' END || quote_ident(c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'S')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
             UNION ALL
             SELECT 'FUNCTION ' || p.oid::regprocedure::text FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()
               -- What an extension installed stays: it is the extension's to drop.
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for what in rest {
        tx.batch_execute(&format!("DROP {what} CASCADE"))?;
    }
    tx.commit()?;
    Ok(())
}

fn pg_dump(url: &str) -> Result<Dump> {
    let mut c = crate::postgres::tls::connect(url)?;
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let mut out = Dump::new();
    for t in pg_tables(&mut c)? {
        let mut lines: Vec<String> = c
            .query(&format!("SELECT x::text FROM {} x", ident(&t)), &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        lines.sort();
        out.insert(t, lines);
    }
    let mut seqs = Vec::new();
    for s in pg_sequences(&mut c)? {
        let row = c.query_one(
            &format!("SELECT last_value, is_called FROM {}", ident(&s)),
            &[],
        )?;
        seqs.push(format!(
            "{s} {} {}",
            row.get::<_, i64>(0),
            row.get::<_, bool>(1)
        ));
    }
    out.insert("(sequences)".into(), seqs);
    c.batch_execute("COMMIT")?;
    Ok(out)
}
