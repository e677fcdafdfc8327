//! The SQLite store's absence, meldingen and signals. Absence is kept per pupil and school
//! as one packed value ([`crate::verzuimblok`]): an import gathers a file's rows per pupil and
//! school in memory (about ten bytes a row), then merges each group with its stored value in
//! key order; a signal run reads the values on two connections at once and rewrites only the
//! signals whose fingerprint changed.

use std::collections::HashMap;

use chrono::NaiveDate;
use leerrecht_domain::date::iso;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::{Dagtotaal, Verzuim};
use rusqlite::{params, Connection, OptionalExtension};

use crate::absence::{self, Wijziging};
use crate::sqlite::{
    count, date_col, in_tx, invalid, opt_date_col, person_id, reset_seen, seen_before, text, Conn,
    SeenKey, SqliteStore,
};
use crate::stored::leerling_of;
use crate::verzuimblok::{self, Dagrij};
use crate::{
    decided, AvKandidaat, Beoordelaars, Decide, ImportCounts, ImportOutcome, MeldingRij, Result,
    RowIssue, Rows, SignaalRij, SignaalRun, VerzuimRij, UNKNOWN_PERSON,
};

/// The enrolments of one pupil at one school, looked up once for a run of rows.
struct Enrolled {
    key: Option<(LeerlingId, SchoolCode)>,
    person: Option<i64>,
    periods: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl Enrolled {
    fn load(&mut self, conn: &Connection, leerling: LeerlingId, school: &SchoolCode) -> Result<()> {
        if self
            .key
            .as_ref()
            .is_some_and(|(l, s)| *l == leerling && s == school)
        {
            return Ok(());
        }
        self.person = person_id(conn, leerling)?;
        self.periods.clear();
        if let Some(p) = self.person {
            let mut stmt = conn.prepare_cached(
                "SELECT begindatum, einddatum FROM inschrijvingen WHERE jongere_id = ?1 AND school = ?2",
            )?;
            let mut rows = stmt.query(params![p, school.as_str()])?;
            while let Some(r) = rows.next()? {
                self.periods
                    .push((date_col(r, 0)?, crate::sqlite::opt_date_col(r, 1)?));
            }
        }
        self.key = Some((leerling, school.clone()));
        Ok(())
    }
    fn covers(&self, d: NaiveDate) -> bool {
        absence::covers(&self.periods, d)
    }
}

fn enrolment_periods(
    conn: &Connection,
    person: i64,
    school: &SchoolCode,
) -> Result<Vec<(NaiveDate, Option<NaiveDate>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT begindatum, einddatum FROM inschrijvingen WHERE jongere_id = ?1 AND school = ?2",
    )?;
    let rows = stmt.query_map(params![person, school.as_str()], |r| {
        Ok((date_col(r, 0)?, crate::sqlite::opt_date_col(r, 1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored absence of one pupil at one school, unpacked into `out` (empty when none).
fn stored_rows(conn: &Connection, person: i64, school: &str, out: &mut Vec<Dagrij>) -> Result<()> {
    out.clear();
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT rijen FROM verzuim_blokken WHERE jongere_id = ?1 AND school = ?2")?
        .query_row(params![person, school], |r| r.get(0))
        .optional()?;
    match blob {
        Some(b) => verzuimblok::decode(&b, out),
        None => Ok(()),
    }
}

/// Writes one pupil's absence at one school and marks the pair for the next signal run.
fn write_rows(
    conn: &Connection,
    person: i64,
    school: &str,
    rows: &[Dagrij],
    buf: &mut Vec<u8>,
) -> Result<()> {
    verzuimblok::encode(rows, buf);
    conn.prepare_cached(
        "INSERT INTO verzuim_blokken (jongere_id, school, rijen) VALUES (?1, ?2, ?3)
         ON CONFLICT (jongere_id, school) DO UPDATE SET rijen = excluded.rijen",
    )?
    .execute(params![person, school, &buf[..]])?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school) VALUES (?1, ?2)",
    )?
    .execute(params![person, school])?;
    Ok(())
}

pub(crate) fn import_verzuim(
    conn: &Conn,
    rows: Rows<'_, VerzuimRij>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    Ok(in_tx(conn, |conn| {
        // In-process look-ups are cheap: one by one, each person once.
        let mut personen: HashMap<LeerlingId, Option<i64>> = HashMap::new();
        let mut zoek = absence::Direct::new(|keys: &[absence::Sleutel]| {
            let mut out = Vec::with_capacity(keys.len());
            for (leerling, school) in keys {
                let person = match personen.get(leerling) {
                    Some(p) => *p,
                    None => {
                        let p = person_id(conn, *leerling)?;
                        personen.insert(*leerling, p);
                        p
                    }
                };
                let periods = match person {
                    Some(p) => enrolment_periods(conn, p, school)?,
                    None => Vec::new(),
                };
                out.push(absence::Bekend { person, periods });
            }
            Ok(out)
        });
        let (groepen, issues) = absence::verzamel(rows, &mut zoek)?;
        let mut counts = ImportCounts::default();
        let (mut stored, mut merged, mut buf) = (Vec::new(), Vec::new(), Vec::new());
        for g in &groepen {
            stored_rows(conn, g.person, g.school.as_str(), &mut stored)?;
            let c = verzuimblok::merge(&stored, &g.rows, &mut merged);
            counts.nieuw += c.nieuw;
            counts.gewijzigd += c.gewijzigd;
            counts.ongewijzigd += c.ongewijzigd;
            // A file with a bad row is never committed: leave the writing.
            if (c.nieuw > 0 || c.gewijzigd > 0) && issues.is_empty() {
                write_rows(conn, g.person, g.school.as_str(), &merged, &mut buf)?;
            }
        }
        decided(counts, issues, decide)
    })?
    .0)
}

pub(crate) fn import_meldingen(
    conn: &Conn,
    rows: Rows<'_, MeldingRij>,
    decide: Decide<'_>,
    markering: Option<&str>,
) -> Result<ImportOutcome> {
    Ok(in_tx(conn, |conn| {
        reset_seen(conn)?;
        let mut counts = ImportCounts::default();
        let mut issues = Vec::new();
        let mut enrolled = Enrolled {
            key: None,
            person: None,
            periods: Vec::new(),
        };
        for (line, m) in rows {
            enrolled.load(conn, m.leerling, &m.school)?;
            let Some(person) = enrolled.person else {
                issues.push(RowIssue::new(
                    line,
                    "leerling",
                    UNKNOWN_PERSON,
                ));
                continue;
            };
            if !enrolled.covers(m.begindatum) {
                issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    absence::melding_not_enrolled(&m),
                ));
                continue;
            }
            let key = format!("{person}|{}|{}|{}", m.school, m.begindatum, m.verzuimsoort);
            if let Some(first) = seen_before(conn, SeenKey::Text(&key), line)? {
                issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    crate::twice("this melding", first),
                ));
                continue;
            }
            let gegevens = m.gegevens.json();
            let old: Option<(Option<u32>, Option<u32>, String)> = conn
                .prepare_cached(
                    "SELECT uren, dagen, gegevens FROM meldingen WHERE jongere_id = ?1 AND school = ?2
                       AND begindatum = ?3 AND verzuimsoort = ?4",
                )?
                .query_row(
                    params![person, m.school.as_str(), iso(m.begindatum), m.verzuimsoort],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let changed = old.as_ref() != Some(&(m.uren, m.dagen, gegevens.clone()));
            if changed {
                conn.prepare_cached(
                    "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, uren, dagen, gegevens, vastgelegd,
                                            gemeente, geboortedatum)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'),
                            j.gemeente, j.geboortedatum FROM jongeren j WHERE j.id = ?1
                     ON CONFLICT (jongere_id, school, begindatum, verzuimsoort)
                     DO UPDATE SET uren = excluded.uren, dagen = excluded.dagen,
                                   gegevens = excluded.gegevens",
                )?
                .execute(params![
                    person,
                    m.school.as_str(),
                    iso(m.begindatum),
                    m.verzuimsoort,
                    m.uren,
                    m.dagen,
                    gegevens
                ])?;
            }
            count(&mut counts, old.is_some(), changed);
        }
        let besluit = decided(counts, issues, decide)?;
        if let (Some(naam), true) = (markering, besluit.1) {
            conn.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES (?1, '1') ON CONFLICT DO NOTHING",
                [naam],
            )?;
        }
        Ok(besluit)
    })?
    .0)
}

/// Adds trusted rows (the demo's) to one pupil's absence at one school: rows with the key of
/// a stored row add up with it, as the rows of one file do.
pub(crate) fn insert_verzuim(
    conn: &Connection,
    person: i64,
    school: &SchoolCode,
    rows: &[Verzuim],
) -> Result<()> {
    let mut stored = Vec::new();
    stored_rows(conn, person, school.as_str(), &mut stored)?;
    for v in rows {
        let dag = verzuimblok::dag(v.datum)
            .ok_or_else(|| invalid("datum", format!("{} lies outside 1970–2149", v.datum)))?;
        stored.push(Dagrij::van(dag, v));
    }
    verzuimblok::fold(&mut stored);
    write_rows(conn, person, school.as_str(), &stored, &mut Vec::new())
}

/// Retention of absence for the persons in `temp.purge_plan`: first counts, per school year
/// and gemeente, the persons with unauthorised absence (`ongeoorloofd` or `luxe`) before
/// their plan's date into `anonieme_cijfers` (`verzuimers`), then removes those rows. The
/// pairs are marked changed: the next signal run derives their signals from what remains.
/// Returns the rows removed.
pub(crate) fn purge_verzuim(conn: &Connection) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT b.jongere_id, b.school, b.rijen, p.voor, j.gemeente
         FROM temp.purge_plan p CROSS JOIN verzuim_blokken b ON b.jongere_id = p.jongere_id
         JOIN jongeren j ON j.id = b.jongere_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut o = absence::Opschoning::default();
    while let Some(r) = rows.next()? {
        let blob = r.get_ref(2)?.as_blob().map_err(|e| invalid("rijen", e))?;
        o.blok(
            r.get(0)?,
            r.get(1)?,
            blob,
            date_col(r, 3)?,
            &r.get::<_, String>(4)?,
        )?;
    }
    drop(rows);
    drop(stmt);
    for (jaar, gemeente, n) in o.verzuimers() {
        conn.execute(
            "INSERT INTO anonieme_cijfers (schooljaar, gemeente, indicator, aantal)
             VALUES (?1, ?2, 'verzuimers', ?3)
             ON CONFLICT (schooljaar, gemeente, indicator) DO UPDATE SET aantal = aantal + excluded.aantal",
            params![jaar.to_string(), gemeente, n],
        )?;
    }
    let mut buf = Vec::new();
    for (person, school, rest) in &o.blijft {
        if rest.is_empty() {
            conn.execute(
                "DELETE FROM verzuim_blokken WHERE jongere_id = ?1 AND school = ?2",
                params![person, school],
            )?;
            conn.execute(
                "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school) VALUES (?1, ?2)",
                params![person, school],
            )?;
        } else {
            write_rows(conn, *person, school, rest, &mut buf)?;
        }
    }
    Ok(o.weg)
}

/// Packs the absence rows of a database from before packed values (migration V13), once, in
/// one transaction. The signals go too (a packed pair without a fingerprint has none) and
/// every pair is marked, so the next signal run derives them again; drafts made of them stay.
pub(crate) fn pack_rows_of_v12(conn: &Conn) -> Result<()> {
    let old: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'verzuim_rijen_v12'",
        [],
        |r| r.get(0),
    )?;
    if !old {
        return Ok(());
    }
    in_tx(conn, |conn| {
        let mut stmt = conn.prepare(
            "SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag
             FROM verzuim_rijen_v12 ORDER BY jongere_id, school",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(i64, String)> = None;
        let (mut group, mut buf) = (Vec::new(), Vec::new());
        let mut flush = |current: &Option<(i64, String)>, group: &mut Vec<Dagrij>| -> Result<()> {
            if let Some((p, s)) = current {
                verzuimblok::fold(group);
                write_rows(conn, *p, s, group, &mut buf)?;
            }
            group.clear();
            Ok(())
        };
        while let Some(r) = rows.next()? {
            let key: (i64, String) = (r.get(0)?, r.get(1)?);
            if current.as_ref() != Some(&key) {
                flush(&current, &mut group)?;
                current = Some(key);
            }
            let datum = date_col(r, 2)?;
            let soort = text(r.get_ref(3)?)?
                .parse()
                .map_err(|e| invalid("soort", e))?;
            group.push(Dagrij {
                dag: verzuimblok::dag(datum)
                    .ok_or_else(|| invalid("datum", format!("{datum} lies outside 1970–2149")))?,
                soort,
                minuten: u16::try_from(r.get::<_, i64>(4)?).unwrap_or(u16::MAX),
                aantal: u16::try_from(r.get::<_, i64>(5)?).unwrap_or(u16::MAX),
                hele_dag: r.get(6)?,
            });
        }
        flush(&current, &mut group)?;
        drop(rows);
        drop(stmt);
        conn.execute_batch("DROP TABLE verzuim_rijen_v12; DELETE FROM signalen;")?;
        Ok(((), true))
    })
    .map(|_| ())
}

pub(crate) fn regelversies(conn: &Connection) -> Result<Vec<(NaiveDate, String)>> {
    let mut stmt = conn.prepare("SELECT van, regels FROM regelversies ORDER BY van")?;
    let rows = stmt.query_map([], |r| Ok((date_col(r, 0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn add_regelversie(conn: &Conn, van: NaiveDate, regels: &str) -> Result<()> {
    in_tx(conn, |conn| {
        conn.execute(
            "INSERT INTO regelversies (van, regels) VALUES (?1, ?2)",
            params![iso(van), regels],
        )?;
        conn.execute_batch(
            "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school)
             SELECT jongere_id, school FROM verzuim_blokken",
        )?;
        Ok(((), true))
    })
    .map(|_| ())
}

/// What one reader of a signal run goes through.
enum Werk {
    /// Every pair of the persons with an id in this range.
    Alles(i64, i64),
    /// These pairs.
    Lijst(Vec<(i64, String)>),
}

/// Reads and evaluates the pairs of `werk` on `conn`, passing on those whose signals changed.
/// Returns the pairs evaluated, the stored rows read and the signals they make.
fn beoordeel(
    conn: &Connection,
    werk: &Werk,
    maak: Beoordelaars<'_>,
    uit: &mut dyn FnMut(Wijziging) -> Result<()>,
) -> Result<SignaalRun> {
    let mut b = maak();
    let mut run = SignaalRun::default();
    let mut verzuim: Vec<Dagtotaal> = Vec::new();
    let mut een = |person: i64, school: &str, blob: &[u8], oud: Option<i64>| {
        absence::beoordeel(&mut *b, &mut verzuim, &mut run, person, school, blob, oud)
    };
    match werk {
        Werk::Alles(van, tot) => {
            let mut stmt = conn.prepare(
                "SELECT jongere_id, school, rijen, signalen FROM verzuim_blokken
                 WHERE jongere_id >= ?1 AND jongere_id < ?2",
            )?;
            let mut rows = stmt.query([van, tot])?;
            while let Some(r) = rows.next()? {
                let blob = r.get_ref(2)?.as_blob().map_err(|e| invalid("rijen", e))?;
                if let Some(w) = een(r.get(0)?, text(r.get_ref(1)?)?, blob, r.get(3)?)? {
                    uit(w)?;
                }
            }
        }
        Werk::Lijst(paren_) => {
            let mut stmt = conn.prepare(
                "SELECT rijen, signalen FROM verzuim_blokken WHERE jongere_id = ?1 AND school = ?2",
            )?;
            for (person, school) in paren_ {
                let mut rows = stmt.query(params![person, school])?;
                match rows.next()? {
                    Some(r) => {
                        let blob = r.get_ref(0)?.as_blob().map_err(|e| invalid("rijen", e))?;
                        if let Some(w) = een(*person, school, blob, r.get(1)?)? {
                            uit(w)?;
                        }
                    }
                    // No absence any more: no signals either.
                    None => uit(absence::zonder_verzuim(*person, school.clone()))?,
                }
            }
        }
    }
    Ok(run)
}

/// Stores one pair's new signals, their fingerprint, and the draft meldingen of its new
/// `16uur`, `luxe`, `te_laat` and `lrv` signals; a draft whose signal is gone is withdrawn.
/// Only what differs from the stored signals is written: one more school day mostly adds a
/// signal, or changes one explanation, and leaves the pair's other signals as they were.
/// Returns the drafts made and withdrawn.
fn schrijf(conn: &Connection, w: &Wijziging) -> Result<(u64, u64)> {
    // The stored signals of the pair: rule, date, explanation, and whether they stay.
    let mut oud: Vec<(String, String, String, bool)> = Vec::new();
    if w.oud.is_some() {
        let mut stmt = conn.prepare_cached(
            "SELECT regel, datum, uitleg FROM signalen WHERE jongere_id = ?1 AND school = ?2",
        )?;
        let mut rows = stmt.query(params![w.person, w.school])?;
        while let Some(r) = rows.next()? {
            oud.push((r.get(0)?, r.get(1)?, r.get(2)?, false));
        }
    }
    let mut concepten = 0;
    for s in &w.signalen {
        let datum = iso(s.datum);
        match oud
            .iter_mut()
            .find(|(regel, d, _, _)| regel == s.regel && *d == datum)
        {
            Some((_, _, uitleg, blijft)) => {
                *blijft = true;
                if *uitleg != s.uitleg {
                    conn.prepare_cached(
                        "UPDATE signalen SET uitleg = ?5
                         WHERE jongere_id = ?1 AND school = ?2 AND regel = ?3 AND datum = ?4",
                    )?
                    .execute(params![w.person, w.school, s.regel, datum, s.uitleg])?;
                }
            }
            None => {
                conn.prepare_cached(
                    "INSERT INTO signalen (jongere_id, school, regel, datum, uitleg)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![w.person, w.school, s.regel, datum, s.uitleg])?;
                if crate::wordt_concept(s.regel) {
                    // The person's facts by a subquery on the bound id, not a join: SQLite
                    // propagates a bound pupil into a join's other side and then recompiles
                    // the statement whenever the binding changes.
                    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                    let sql = SQL.get_or_init(|| {
                        format!(
                            "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort,
                                                    status, signaal, gemeente, geboortedatum)
                             SELECT ?1, ?2, ?3, {}, 'concept', ?4, j.gemeente, j.geboortedatum
                             FROM jongeren j WHERE j.id = ?1
                             ON CONFLICT (jongere_id, school, begindatum, verzuimsoort) DO UPDATE
                             SET status = 'concept', ingetrokken_op = NULL, afsluitreden = NULL
                             WHERE meldingen.status = 'ingetrokken'
                               AND meldingen.afsluitreden = 'signaal_vervallen'",
                            crate::concept_sql("?4").soort
                        )
                    });
                    concepten += conn
                        .prepare_cached(sql)?
                        .execute(params![w.person, w.school, datum, s.regel])?
                        as u64;
                }
            }
        }
    }
    let mut ingetrokken = 0;
    for (regel, datum, _, blijft) in &oud {
        if !blijft {
            conn.prepare_cached(
                "DELETE FROM signalen
                 WHERE jongere_id = ?1 AND school = ?2 AND regel = ?3 AND datum = ?4",
            )?
            .execute(params![w.person, w.school, regel, datum])?;
            if crate::wordt_concept(regel) {
                ingetrokken +=
                    conn.prepare_cached(&format!(
                        "UPDATE meldingen SET status = 'ingetrokken', ingetrokken_op = {NU},
                                afsluitreden = 'signaal_vervallen'
                         WHERE jongere_id = ?1 AND school = ?2 AND begindatum = ?4
                           AND signaal = ?3 AND status = 'concept'",
                        NU = crate::sqlite::cases::NU
                    ))?
                    .execute(params![w.person, w.school, regel, datum])? as u64;
            }
        }
    }
    conn.prepare_cached(
        "UPDATE verzuim_blokken SET signalen = ?3 WHERE jongere_id = ?1 AND school = ?2",
    )?
    .execute(params![w.person, w.school, w.vingerafdruk])?;
    Ok((concepten, ingetrokken))
}

/// Brings the signals up to date: of every pair (`all`) or of the pairs marked changed. The
/// writer holds the write lock from the start, so the readers — two connections on threads of
/// their own when the pool has them — see exactly the committed state; they send on what
/// changed, and the writer stores it.
pub(crate) fn bring_signals_up_to_date(
    store: &SqliteStore,
    all: bool,
    maak: Beoordelaars<'_>,
) -> Result<SignaalRun> {
    let conn = store.conn()?;
    Ok(in_tx(&conn, |conn| {
        let lezers: Vec<Conn> = (0..2).filter_map(|_| store.try_conn()).collect();
        let werk: Vec<Werk> = if all {
            let (lo, hi): (Option<i64>, Option<i64>) = conn.query_row(
                // Two subqueries: SQLite reads one end of the key for a lone min() or max(),
                // but scans the whole table for both in one SELECT.
                "SELECT (SELECT min(jongere_id) FROM verzuim_blokken),
                        (SELECT max(jongere_id) FROM verzuim_blokken)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            absence::helften(lo, hi)
                .into_iter()
                .map(|(van, tot)| Werk::Alles(van, tot))
                .collect()
        } else {
            let mut stmt = conn.prepare("SELECT jongere_id, school FROM verzuim_gewijzigd")?;
            let paren: Vec<(i64, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let helft = paren.len().div_ceil(2);
            let mut paren = paren;
            let tweede = paren.split_off(helft);
            vec![Werk::Lijst(paren), Werk::Lijst(tweede)]
        };
        let mut run = SignaalRun::default();
        let tel = |run: &mut SignaalRun, w: &Wijziging| -> Result<()> {
            let (concepten, ingetrokken) = schrijf(conn, w)?;
            run.concepten += concepten;
            run.ingetrokken += ingetrokken;
            run.gewijzigd += 1;
            Ok(())
        };
        let gelezen = if lezers.len() < werk.len() {
            // One connection (an in-memory database): read everything first, then write.
            let (gelezen, wijzigingen) =
                absence::na_elkaar(&werk, |w, uit| beoordeel(conn, w, maak, uit))?;
            for w in &wijzigingen {
                tel(&mut run, w)?;
            }
            gelezen
        } else {
            absence::naast_elkaar(
                &werk,
                lezers,
                |lezer: &mut Conn, w, uit| beoordeel(lezer, w, maak, uit),
                |w| tel(&mut run, &w),
            )?
        };
        absence::tel_gelezen(&mut run, &gelezen);
        conn.execute_batch("DELETE FROM verzuim_gewijzigd")?;
        Ok((run, true))
    })?
    .0)
}

pub(crate) fn signalen(
    conn: &Connection,
    until: NaiveDate,
    regel: Option<&str>,
    met_uitleg: bool,
    f: &mut dyn FnMut(SignaalRij) -> Result<()>,
) -> Result<()> {
    /// A signal as held for sorting: its school and rule as numbers in their own order, its
    /// person by id and then by place in the list of people.
    struct Rij {
        datum: NaiveDate,
        school: u32,
        persoon: i64,
        regel: u32,
        uitleg: String,
    }
    let filter = if regel.is_some() {
        "s.regel = ?2"
    } else {
        "?2 IS NULL"
    };
    let uitleg = if met_uitleg { "s.uitleg" } else { "''" };
    super::zonder_mmap(conn, || {
        // Both reads in one snapshot.
        let tx = conn.unchecked_transaction()?;
        // Sized once: growing a list of hundreds of thousands step by step copied it each time.
        let n: i64 = tx.query_row(
            &format!("SELECT count(*) FROM signalen s WHERE s.datum <= ?1 AND {filter}"),
            params![iso(until), regel],
            |r| r.get(0),
        )?;
        let mut lijst = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        let mut scholen: HashMap<String, u32> = HashMap::new();
        let mut regels: HashMap<String, u32> = HashMap::new();
        {
            let mut stmt = tx.prepare(&format!(
                "SELECT s.jongere_id, s.school, s.regel, s.datum, {uitleg}
                 FROM signalen s WHERE s.datum <= ?1 AND {filter}"
            ))?;
            let mut rows = stmt.query(params![iso(until), regel])?;
            while let Some(r) = rows.next()? {
                lijst.push(Rij {
                    datum: date_col(r, 3)?,
                    school: volgnummer(&mut scholen, text(r.get_ref(1)?)?),
                    persoon: r.get(0)?,
                    regel: volgnummer(&mut regels, text(r.get_ref(2)?)?),
                    uitleg: r.get(4)?,
                });
            }
        }
        // The signals' people, each once and in the register's order: looking each signal's
        // person up in the listing's order took as long as the signal run itself at national
        // scale (a person at random among millions, most of them twice).
        let mut ids: Vec<i64> = lijst.iter().map(|r| r.persoon).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut personen: Vec<Option<(i64, LeerlingId)>> = vec![None; ids.len()];
        {
            let mut stmt = tx.prepare(
                "SELECT j.id, j.bsn, j.onderwijsnummer
                 FROM rarray(?1) a CROSS JOIN jongeren j ON j.id = a.value",
            )?;
            let lijst_ids = std::rc::Rc::new(
                ids.iter()
                    .map(|&id| rusqlite::types::Value::Integer(id))
                    .collect::<Vec<_>>(),
            );
            let mut rows = stmt.query([lijst_ids])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let (bsn, onr): (Option<i64>, Option<i64>) = (r.get(1)?, r.get(2)?);
                if let Ok(plaats) = ids.binary_search(&id) {
                    personen[plaats] =
                        Some((bsn.or(onr).unwrap_or_default(), leerling_of(bsn, onr)?));
                }
            }
        }
        tx.commit()?;
        let personen = personen
            .into_iter()
            .zip(&ids)
            .map(|(p, id)| p.ok_or_else(|| invalid("signal", format!("of unknown person {id}"))))
            .collect::<Result<Vec<_>>>()?;
        for r in &mut lijst {
            r.persoon = ids.binary_search(&r.persoon).unwrap_or_default() as i64;
        }
        drop(ids);
        let (scholen, school_plaats) = op_volgorde(scholen);
        let (regels, regel_plaats) = op_volgorde(regels);
        let scholen = scholen
            .into_iter()
            .map(|s| s.parse::<SchoolCode>().map_err(|e| invalid("school", e)))
            .collect::<Result<Vec<_>>>()?;
        // The listing's order: date, school, the person's BSN (or onderwijsnummer), rule.
        lijst.sort_unstable_by_key(|r| {
            (
                r.datum,
                school_plaats[r.school as usize],
                personen[r.persoon as usize].0,
                regel_plaats[r.regel as usize],
            )
        });
        for r in lijst {
            f(SignaalRij {
                leerling: personen[r.persoon as usize].1,
                school: scholen[r.school as usize].clone(),
                regel: regels[r.regel as usize].clone(),
                datum: r.datum,
                uitleg: r.uitleg,
            })?;
        }
        Ok(())
    })
}

/// The number of `s` among the distinct values met so far, numbered as they come.
fn volgnummer(gezien: &mut HashMap<String, u32>, s: &str) -> u32 {
    if let Some(&n) = gezien.get(s) {
        return n;
    }
    let n = gezien.len() as u32;
    gezien.insert(s.to_string(), n);
    n
}

/// The values numbered by [`volgnummer`], by number, and each number's place in their sorted order.
fn op_volgorde(gezien: HashMap<String, u32>) -> (Vec<String>, Vec<u32>) {
    let mut waarden = vec![String::new(); gezien.len()];
    for (s, n) in gezien {
        waarden[n as usize] = s;
    }
    let mut volgorde: Vec<u32> = (0..waarden.len() as u32).collect();
    volgorde.sort_unstable_by(|a, b| waarden[*a as usize].cmp(&waarden[*b as usize]));
    let mut plaats = vec![0; waarden.len()];
    for (p, n) in volgorde.into_iter().enumerate() {
        plaats[n as usize] = p as u32;
    }
    (waarden, plaats)
}

pub(crate) fn av_kandidaten(
    conn: &Connection,
    on: NaiveDate,
    r: BirthRanges,
    f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente,
                (SELECT min(i.einddatum) FROM inschrijvingen i
                 WHERE i.jongere_id = j.id AND i.startkwalificatie = 1),
                EXISTS (SELECT 1 FROM zaken z JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
                        WHERE z.jongere_id = j.id
                          AND json_extract(e.gebeurtenis, '$.soort') = 'vrijstelling'
                          AND json_extract(e.gebeurtenis, '$.van') <= ?1
                          AND coalesce(json_extract(e.gebeurtenis, '$.tot'), '9999-12-31') >= ?1)
         FROM jongeren j
         WHERE j.id IN (SELECT o.jongere_id FROM onderwijsloos o WHERE o.tot >= ?1 AND o.van <= ?1
                        UNION ALL SELECT v.jongere_id FROM onderwijsloos_vuil v)
           AND (j.geboortedatum BETWEEN ?2 AND ?3 OR j.geboortedatum BETWEEN ?4 AND ?5)
           AND j.gemeente IN (SELECT b.gemeente FROM organisatie_bedient b
                              JOIN organisaties o ON o.code = b.organisatie
                              WHERE o.soort = 'leerplicht')
           AND NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = j.id
                           AND i.begindatum <= ?1 AND (i.einddatum IS NULL OR i.einddatum >= ?1))
         ORDER BY j.gemeente, coalesce(j.bsn, j.onderwijsnummer)",
    )?;
    // The people without an enrolment on the day are found among whom the periods without
    // one (V54) or a mark of a change name, rather than among every person of duty age.
    super::zonder_mmap(conn, || {
        let mut rows = stmt.query(params![
            iso(on),
            iso(r.leerplichtig.0),
            iso(r.leerplichtig.1),
            iso(r.kwalificatieplichtig.0),
            iso(r.kwalificatieplichtig.1)
        ])?;
        while let Some(row) = rows.next()? {
            f(AvKandidaat {
                leerling: leerling_of(row.get(0)?, row.get(1)?)?,
                geboortedatum: date_col(row, 2)?,
                gemeente: text(row.get_ref(3)?)?
                    .parse()
                    .map_err(|e| invalid("gemeente", e))?,
                startkwalificatie: opt_date_col(row, 4)?,
                vrijgesteld: row.get(5)?,
            })?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use leerrecht_domain::rules::Verzuimsoort;

    /// A database of before packed absence (V12, one row per pupil, school, day and kind)
    /// is packed when the store opens it: the same rows come back from the packed values,
    /// the old table and its signals are gone, and every pair waits for the next run.
    #[test]
    fn absence_of_a_v12_database_is_packed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v12.db");
        {
            let mut c = Connection::open(&path).unwrap();
            crate::sqlite::embedded::migrations::runner()
                .set_target(refinery::Target::Version(12))
                .run(&mut c)
                .unwrap();
            c.execute_batch(
                "INSERT INTO jongeren (id, bsn, achternaam, voornamen, geboortedatum, gemeente)
                   VALUES (7, 111222333, 'Jansen', 'Sem', '2010-03-01', 'GM0392');
                 INSERT INTO verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag) VALUES
                   (7, '05KO00', '2025-09-02', 'ongeoorloofd', 240, 1, 0),
                   (7, '05KO00', '2025-09-01', 'te_laat', 15, 2, 0),
                   (7, '05KO00', '2025-09-01', 'ziek', 0, 1, 1),
                   (7, '07NU01', '2024-06-03', 'luxe', 300, 1, 1);
                 INSERT INTO signalen (jongere_id, school, regel, datum, uitleg)
                   VALUES (7, '05KO00', 'signaal', '2025-09-02', '{}');",
            )
            .unwrap();
        }
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let conn = store.conn().unwrap();
        let mut rows = Vec::new();
        stored_rows(&conn, 7, "05KO00", &mut rows).unwrap();
        let d = |s: &str| verzuimblok::dag(s.parse().unwrap()).unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (r.dag, r.soort, r.minuten, r.aantal, r.hele_dag))
                .collect::<Vec<_>>(),
            [
                (d("2025-09-01"), Verzuimsoort::TeLaat, 15, 2, false),
                (d("2025-09-01"), Verzuimsoort::Ziek, 0, 1, true),
                (d("2025-09-02"), Verzuimsoort::Ongeoorloofd, 240, 1, false),
            ]
        );
        stored_rows(&conn, 7, "07NU01", &mut rows).unwrap();
        assert_eq!(rows.len(), 1);
        let (tabellen, signalen, gemarkeerd): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'verzuim_rijen_v12'),
                        (SELECT count(*) FROM signalen), (SELECT count(*) FROM verzuim_gewijzigd)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((tabellen, signalen, gemarkeerd), (0, 0, 2));
        // Opening again changes nothing.
        drop(conn);
        drop(store);
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        stored_rows(&store.conn().unwrap(), 7, "05KO00", &mut rows).unwrap();
        assert_eq!(rows.len(), 3);
    }
}
