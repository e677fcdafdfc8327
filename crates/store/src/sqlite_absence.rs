//! The SQLite store's absence, meldingen and signals. Absence is staged row by row (with the
//! person and enrolment checks cached per pupil), then folded and merged with set-based
//! statements, so that a file's rows with the same key are added up before they are compared
//! with what is stored.

use chrono::NaiveDate;
use leerrecht_domain::date::iso;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{LeerlingId, SchoolCode};
use leerrecht_domain::rules::{Verzuim, Verzuimsoort};
use rusqlite::{params, Connection, OptionalExtension};

use crate::sqlite::{
    bsn_of, count, date_col, in_tx, invalid, onr_of, person_id, reset_seen, seen_before, text,
    Conn, SeenKey,
};
use crate::{
    decided, AvKandidaat, Decide, Evaluate, ImportCounts, ImportOutcome, MeldingRij,
    OpgeslagenSignaal, Result, RowIssue, Rows, SignaalRij, SignaalRun, VerzuimRij, UNKNOWN_PERSON,
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
        self.periods
            .iter()
            .any(|&(b, e)| b <= d && e.is_none_or(|e| d <= e))
    }
}

fn not_enrolled(r: &VerzuimRij) -> String {
    format!(
        "{} is not enrolled at {} on {}",
        r.leerling, r.school, r.verzuim.datum
    )
}

pub(crate) fn import_verzuim(
    conn: &Conn,
    rows: Rows<'_, VerzuimRij>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    Ok(in_tx(conn, |conn| {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS stage_v (jongere_id INTEGER, school TEXT, datum TEXT,
               soort TEXT, minuten INTEGER, hele_dag INTEGER);
             DELETE FROM temp.stage_v;",
        )?;
        let mut issues = Vec::new();
        let mut enrolled = Enrolled {
            key: None,
            person: None,
            periods: Vec::new(),
        };
        {
            let mut stage = conn.prepare_cached(
                "INSERT INTO temp.stage_v (jongere_id, school, datum, soort, minuten, hele_dag)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (line, r) in rows {
                enrolled.load(conn, r.leerling, &r.school)?;
                let Some(person) = enrolled.person else {
                    issues.push(RowIssue::new(
                        line,
                        "leerling",
                        UNKNOWN_PERSON,
                    ));
                    continue;
                };
                if !enrolled.covers(r.verzuim.datum) {
                    issues.push(RowIssue::new(line, "datum", not_enrolled(&r)));
                    continue;
                }
                stage.execute(params![
                    person,
                    r.school.as_str(),
                    iso(r.verzuim.datum),
                    r.verzuim.soort.code(),
                    r.verzuim.minuten,
                    r.verzuim.hele_dag
                ])?;
            }
        }
        // Fold the file per key, compare with what is stored, and write what changed.
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS folded (jongere_id INTEGER, school TEXT, datum TEXT,
               soort TEXT, minuten INTEGER, aantal INTEGER, hele_dag INTEGER, oud INTEGER);
             DELETE FROM temp.folded;
             INSERT INTO temp.folded
               SELECT f.*, CASE WHEN v.jongere_id IS NULL THEN 0
                                WHEN v.minuten = f.minuten AND v.aantal = f.aantal
                                     AND v.hele_dag = f.hele_dag THEN 1 ELSE 2 END
               FROM (SELECT jongere_id, school, datum, soort, sum(minuten) AS minuten,
                            count(*) AS aantal, max(hele_dag) AS hele_dag
                     FROM temp.stage_v GROUP BY jongere_id, school, datum, soort) f
               LEFT JOIN verzuim v ON v.jongere_id = f.jongere_id AND v.school = f.school
                 AND v.datum = f.datum AND v.soort = f.soort;
             INSERT INTO verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag)
               SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag
               FROM temp.folded WHERE oud <> 1 ORDER BY jongere_id, school, datum, soort
               ON CONFLICT (jongere_id, school, datum, soort) DO UPDATE
                 SET minuten = excluded.minuten, aantal = excluded.aantal, hele_dag = excluded.hele_dag;
             INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school)
               SELECT DISTINCT jongere_id, school FROM temp.folded WHERE oud <> 1;",
        )?;
        let (nieuw, ongewijzigd, gewijzigd): (i64, i64, i64) = conn.query_row(
            "SELECT count(*) FILTER (WHERE oud = 0), count(*) FILTER (WHERE oud = 1),
                    count(*) FILTER (WHERE oud = 2) FROM temp.folded",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let counts = ImportCounts {
            nieuw: nieuw as u64,
            gewijzigd: gewijzigd as u64,
            ongewijzigd: ongewijzigd as u64,
        };
        conn.execute_batch("DELETE FROM temp.stage_v; DELETE FROM temp.folded;")?;
        decided(counts, issues, decide)
    })?
    .0)
}

pub(crate) fn import_meldingen(
    conn: &Conn,
    rows: Rows<'_, MeldingRij>,
    decide: Decide<'_>,
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
                    format!(
                        "{} is not enrolled at {} on {}",
                        m.leerling, m.school, m.begindatum
                    ),
                ));
                continue;
            }
            let key = format!("{person}|{}|{}|{}", m.school, m.begindatum, m.verzuimsoort);
            if let Some(first) = seen_before(conn, SeenKey::Text(&key), line)? {
                issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    format!("this melding appears twice in the file (first on line {first})"),
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
        decided(counts, issues, decide)
    })?
    .0)
}

pub(crate) fn insert_verzuim(
    conn: &Connection,
    person: i64,
    school: &SchoolCode,
    rows: &[Verzuim],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO verzuim (jongere_id, school, datum, soort, minuten, aantal, hele_dag)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
         ON CONFLICT (jongere_id, school, datum, soort) DO UPDATE
           SET minuten = minuten + excluded.minuten, aantal = aantal + 1,
               hele_dag = max(hele_dag, excluded.hele_dag)",
    )?;
    for v in rows {
        stmt.execute(params![
            person,
            school.as_str(),
            iso(v.datum),
            v.soort.code(),
            v.minuten,
            v.hele_dag
        ])?;
    }
    conn.prepare_cached(
        "INSERT OR IGNORE INTO verzuim_gewijzigd (jongere_id, school) VALUES (?1, ?2)",
    )?
    .execute(params![person, school.as_str()])?;
    Ok(())
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
             SELECT DISTINCT jongere_id, school FROM verzuim",
        )?;
        Ok(((), true))
    })
    .map(|_| ())
}

/// Expands a stored row into what the rules read: one row per late arrival.
fn push_rows(
    out: &mut Vec<Verzuim>,
    datum: NaiveDate,
    soort: Verzuimsoort,
    minuten: u32,
    aantal: u32,
    hele_dag: bool,
) {
    let minuten = u16::try_from(minuten).unwrap_or(u16::MAX);
    out.push(Verzuim::new(datum, soort, minuten, hele_dag));
    for _ in 1..aantal {
        out.push(Verzuim::new(datum, soort, 0, hele_dag));
    }
}

pub(crate) fn bring_signals_up_to_date(
    conn: &Conn,
    all: bool,
    evaluate: Evaluate<'_>,
) -> Result<SignaalRun> {
    Ok(in_tx(conn, |conn| {
        if all {
            conn.execute_batch(
                "DELETE FROM signalen;
                 DELETE FROM verzuim_gewijzigd;",
            )?;
        } else {
            conn.execute_batch(
                "DELETE FROM signalen WHERE (jongere_id, school) IN
                   (SELECT jongere_id, school FROM verzuim_gewijzigd);",
            )?;
        }
        let sql = if all {
            "SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag FROM verzuim
             ORDER BY jongere_id, school, datum"
        } else {
            // CROSS JOIN fixes the loop order: the few changed pupils outside, each one's rows
            // found by key inside; left to itself SQLite may scan all absence instead.
            "SELECT v.jongere_id, v.school, v.datum, v.soort, v.minuten, v.aantal, v.hele_dag
             FROM verzuim_gewijzigd g CROSS JOIN verzuim v
               ON v.jongere_id = g.jongere_id AND v.school = g.school
             ORDER BY g.jongere_id, g.school, v.datum"
        };
        let mut run = SignaalRun::default();
        let mut insert = conn.prepare_cached(
            "INSERT INTO signalen (jongere_id, school, regel, datum, uitleg) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut rows_buf: Vec<Verzuim> = Vec::new();
        let mut signals: Vec<OpgeslagenSignaal> = Vec::new();
        let mut current: Option<(i64, SchoolCode)> = None;
        let mut flush = |current: &Option<(i64, SchoolCode)>,
                         rows_buf: &mut Vec<Verzuim>,
                         run: &mut SignaalRun|
         -> Result<()> {
            if let Some((person, school)) = current {
                signals.clear();
                evaluate(school, rows_buf, &mut signals);
                for s in &signals {
                    insert.execute(params![person, school.as_str(), s.regel, iso(s.datum), s.uitleg])?;
                }
                run.leerlingen += 1;
                run.signalen += signals.len() as u64;
            }
            rows_buf.clear();
            Ok(())
        };
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let person: i64 = r.get(0)?;
            let school = text(r.get_ref(1)?)?;
            if current.as_ref().is_none_or(|(p, s)| *p != person || s.as_str() != school) {
                flush(&current, &mut rows_buf, &mut run)?;
                current = Some((person, school.parse().map_err(|e| invalid("school", e))?));
            }
            let soort: Verzuimsoort = text(r.get_ref(3)?)?
                .parse()
                .map_err(|e| invalid("soort", e))?;
            push_rows(
                &mut rows_buf,
                date_col(r, 2)?,
                soort,
                r.get(4)?,
                r.get(5)?,
                r.get::<_, bool>(6)?,
            );
            run.rijen += 1;
        }
        flush(&current, &mut rows_buf, &mut run)?;
        drop(rows);
        drop(stmt);
        conn.execute_batch("DELETE FROM verzuim_gewijzigd")?;
        Ok((run, true))
    })?
    .0)
}

pub(crate) fn signalen(
    conn: &Connection,
    until: NaiveDate,
    f: &mut dyn FnMut(SignaalRij) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT j.bsn, j.onderwijsnummer, s.school, s.regel, s.datum, s.uitleg
         FROM signalen s JOIN jongeren j ON j.id = s.jongere_id
         WHERE s.datum <= ?1
         ORDER BY s.datum, s.school, coalesce(j.bsn, j.onderwijsnummer), s.regel",
    )?;
    let mut rows = stmt.query([iso(until)])?;
    while let Some(r) = rows.next()? {
        f(SignaalRij {
            leerling: leerling_of(r.get(0)?, r.get(1)?)?,
            school: text(r.get_ref(2)?)?
                .parse()
                .map_err(|e| invalid("school", e))?,
            regel: r.get(3)?,
            datum: date_col(r, 4)?,
            uitleg: r.get(5)?,
        })?;
    }
    Ok(())
}

fn leerling_of(bsn: Option<i64>, onr: Option<i64>) -> Result<LeerlingId> {
    bsn_of(bsn)
        .map(LeerlingId::Bsn)
        .or(onr_of(onr).map(LeerlingId::Onderwijsnummer))
        .ok_or_else(|| invalid("jongere", "without BSN or onderwijsnummer"))
}

pub(crate) fn av_kandidaten(
    conn: &Connection,
    on: NaiveDate,
    r: BirthRanges,
    f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente FROM jongeren j
         WHERE (j.geboortedatum BETWEEN ?2 AND ?3 OR j.geboortedatum BETWEEN ?4 AND ?5)
           AND j.gemeente IN (SELECT b.gemeente FROM organisatie_bedient b
                              JOIN organisaties o ON o.code = b.organisatie
                              WHERE o.soort = 'leerplicht')
           AND NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = j.id
                           AND i.begindatum <= ?1 AND (i.einddatum IS NULL OR i.einddatum >= ?1))
         ORDER BY j.gemeente, coalesce(j.bsn, j.onderwijsnummer)",
    )?;
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
        })?;
    }
    Ok(())
}
