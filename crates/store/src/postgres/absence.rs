//! The PostgreSQL store's absence, meldingen and signals. Absence is kept packed per pupil
//! and school (`verzuim_blokken`, as on SQLite) and checked and merged in this process
//! ([`crate::absence`]): an import looks a batch of new pupils up on a second connection
//! while the next rows are read, and writes the merged values with COPY; a signal run reads
//! the values by binary COPY on two connections in parallel and applies only what changed,
//! staged with COPY and set-based. Each in one transaction.

use ::postgres::Client;
use chrono::NaiveDate;
use leerrecht_domain::duty::BirthRanges;
use leerrecht_domain::ids::{Bsn, LeerlingId, Onderwijsnummer, SchoolCode};
use leerrecht_domain::rules::{Dagtotaal, Verzuim};

use crate::absence;
use crate::postgres::{
    flush_copy, i32_of, in_tx, invalid, met_indexen, person_id, row, tally, COPY_CHUNK,
};
use crate::verzuimblok::{self, Dagrij};
use crate::{
    decided, AvKandidaat, Beoordelaars, Decide, ImportCounts, ImportOutcome, MeldingRij, Result,
    RowIssue, Rows, SignaalRij, SignaalRun, StoreError, VerzuimRij, UNKNOWN_PERSON,
};

/// What the register knows of a batch of a file's keys, in two round trips: the persons by
/// BSN or onderwijsnummer, then their enrolments. Both are index scans over an array of
/// keys, a few microseconds a key; a join would read the whole register for every batch.
/// A batch of a day's file holds tens of thousands of pupils, for which the planner would
/// read the whole register instead (twice the time at national scale): the look-up keeps to
/// the indexes, and the setting is reset whatever the answer.
fn zoek(conn: &mut Client, keys: &[absence::Sleutel]) -> Result<Vec<absence::Bekend>> {
    met_indexen(conn, |conn| zoek_in(conn, keys))
}

fn zoek_in(conn: &mut Client, keys: &[absence::Sleutel]) -> Result<Vec<absence::Bekend>> {
    use std::collections::HashMap;
    let (mut bsns, mut onrs): (Vec<i32>, Vec<i32>) = (Vec::new(), Vec::new());
    for (l, _) in keys {
        match l {
            LeerlingId::Bsn(b) => bsns.push(i32_of(b.value())),
            LeerlingId::Onderwijsnummer(o) => onrs.push(i32_of(o.value())),
        }
    }
    let mut personen: HashMap<LeerlingId, i64> = HashMap::new();
    for r in conn.query(
        "SELECT bsn, onderwijsnummer, id FROM jongeren
         WHERE bsn = ANY($1) OR onderwijsnummer = ANY($2)",
        &[&bsns, &onrs],
    )? {
        let id: i64 = r.get(2);
        if let Some(b) = r
            .get::<_, Option<i32>>(0)
            .and_then(|n| Bsn::new(n as u32).ok())
        {
            personen.insert(LeerlingId::Bsn(b), id);
        }
        if let Some(o) = r
            .get::<_, Option<i32>>(1)
            .and_then(|n| Onderwijsnummer::new(n as u32).ok())
        {
            personen.insert(LeerlingId::Onderwijsnummer(o), id);
        }
    }
    let ids: Vec<i64> = personen.values().copied().collect();
    let mut perioden: HashMap<(i64, String), Vec<absence::Periode>> = HashMap::new();
    for r in conn.query(
        "SELECT jongere_id, school, begindatum, einddatum FROM inschrijvingen
         WHERE jongere_id = ANY($1)",
        &[&ids],
    )? {
        perioden
            .entry((r.get(0), r.get(1)))
            .or_default()
            .push((r.get(2), r.get(3)));
    }
    Ok(keys
        .iter()
        .map(|(l, school)| {
            let person = personen.get(l).copied();
            absence::Bekend {
                person,
                periods: person
                    .and_then(|p| perioden.get(&(p, school.as_str().to_string())))
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect())
}

/// A look-up thread's questions and answers.
type Lezer = (
    std::sync::mpsc::Sender<Vec<absence::Sleutel>>,
    std::sync::mpsc::Receiver<Result<Vec<absence::Bekend>>>,
);

/// Reads the stored values of a batch of pairs, by their index (see [`opgeslagen`]).
type Lees<'a> = Box<dyn FnMut(&mut Client, &[absence::Groep]) -> Result<Vec<Option<Vec<u8>>>> + 'a>;

/// The look-ups of an import on threads of their own, each with its connection: batches go
/// to the readers in turn and their answers are taken in the same turn, so they come back in
/// the order asked while two batches are looked up at once.
struct Kanaal {
    lezers: Vec<Lezer>,
    gevraagd: usize,
    beantwoord: usize,
}

impl absence::Zoeker for Kanaal {
    fn vraag(&mut self, keys: Vec<absence::Sleutel>) -> Result<()> {
        let i = self.gevraagd % self.lezers.len();
        self.gevraagd += 1;
        self.lezers[i]
            .0
            .send(keys)
            .map_err(|_| invalid("leerlingen", "the look-up stopped"))
    }
    fn antwoord(&mut self) -> Result<Vec<absence::Bekend>> {
        let i = self.beantwoord % self.lezers.len();
        self.beantwoord += 1;
        self.lezers[i]
            .1
            .recv()
            .map_err(|_| invalid("leerlingen", "the look-up stopped"))?
    }
}

/// Stored values are read for this many pairs at a time. A debug build (every test) reads a
/// few at a time, so that a small file already crosses batches.
#[cfg(not(debug_assertions))]
const PAREN_PER_KEER: usize = 20_000;
#[cfg(debug_assertions)]
const PAREN_PER_KEER: usize = 3;

/// The stored values of `paren`, by their index.
fn opgeslagen(conn: &mut Client, paren: &[absence::Groep]) -> Result<Vec<Option<Vec<u8>>>> {
    let persons: Vec<i64> = paren.iter().map(|g| g.person).collect();
    let schools: Vec<&str> = paren.iter().map(|g| g.school.as_str()).collect();
    let mut out = vec![None; paren.len()];
    for r in conn.query(
        // One index probe a pair (OFFSET 0 keeps the planner from a hash join, which reads
        // the whole table for every batch once a region's day touches most pupils).
        "SELECT k.i, b.rijen FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS k(p, s, i)
         CROSS JOIN LATERAL (SELECT b.rijen FROM verzuim_blokken b
                             WHERE b.jongere_id = k.p AND b.school = k.s OFFSET 0) b",
        &[&persons, &schools],
    )? {
        out[r.get::<_, i64>(0) as usize - 1] = Some(r.get(1));
    }
    Ok(out)
}

/// A stored value as `bytea`'s hex input.
pub(crate) fn hex(blob: &[u8], out: &mut String) {
    out.clear();
    out.reserve(2 + 2 * blob.len());
    out.push_str("\\x");
    data_encoding::HEXLOWER.encode_append(blob, out);
}

/// Writes the staged values of `stage_blok` and marks their pairs for the next signal run.
const STAGE_BLOK: &str =
    "CREATE TEMP TABLE stage_blok (jongere_id BIGINT, school TEXT, rijen BYTEA) ON COMMIT DROP";
const COPY_BLOK: &str = "COPY stage_blok (jongere_id, school, rijen) FROM STDIN";
const COPY_NIEUW_BLOK: &str = "COPY verzuim_blokken (jongere_id, school, rijen) FROM STDIN";
const MERGE_BLOK: &str = "INSERT INTO verzuim_blokken (jongere_id, school, rijen)
       SELECT jongere_id, school, rijen FROM stage_blok ORDER BY jongere_id, school
       ON CONFLICT (jongere_id, school) DO UPDATE SET rijen = excluded.rijen;
     INSERT INTO verzuim_gewijzigd (jongere_id, school)
       SELECT jongere_id, school FROM stage_blok ON CONFLICT DO NOTHING;";

/// One pair's value as a row of `stage_blok`.
fn stage_row(
    buf: &mut Vec<u8>,
    person: i64,
    school: &str,
    rows: &[Dagrij],
    scratch: &mut (Vec<u8>, String),
) {
    verzuimblok::encode(rows, &mut scratch.0);
    hex(&scratch.0, &mut scratch.1);
    row(
        buf,
        &[Some(&person.to_string()), Some(school), Some(&scratch.1)],
    );
}

/// Absence is checked and merged here, as on SQLite ([`absence::verzamel`]): the file's new
/// pupils are looked up a batch at a time, the stored values of its pairs are read a batch at
/// a time, and the merged values go back with one COPY and one upsert.
pub(crate) fn import_verzuim(
    store: &crate::postgres::PgStore,
    rows: Rows<'_, VerzuimRij>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    let mut conn = store.conn()?;
    in_tx(&mut conn, |conn| {
        // `verzuim_blokken` has no foreign key (see migration V43): no person may be removed
        // between their look-up below and the commit. Values are merged here, so absence
        // imports (and signal runs) take their turn: none may write a pair read here.
        conn.batch_execute(
            "LOCK TABLE jongeren IN SHARE MODE;
             LOCK TABLE verzuim_blokken IN SHARE ROW EXCLUSIVE MODE;",
        )?;
        // The look-ups on connections of their own, on threads of their own, while the next
        // rows are read; they see what is committed, which the SHARE lock keeps.
        let lezers: Vec<crate::postgres::Conn> =
            std::iter::from_fn(|| store.try_conn()).take(2).collect();
        let (groepen, issues) = if lezers.is_empty() {
            absence::verzamel(
                rows,
                &mut absence::Direct::new(|keys: &[absence::Sleutel]| zoek(conn, keys)),
            )?
        } else {
            std::thread::scope(|scope| {
                let mut z = Kanaal {
                    lezers: Vec::new(),
                    gevraagd: 0,
                    beantwoord: 0,
                };
                for mut lezer in lezers {
                    let (vraag, vragen) = std::sync::mpsc::channel::<Vec<absence::Sleutel>>();
                    let (antwoord, antwoorden) =
                        std::sync::mpsc::channel::<Result<Vec<absence::Bekend>>>();
                    scope.spawn(move || {
                        for keys in vragen {
                            let r = if keys.is_empty() {
                                Ok(Vec::new())
                            } else {
                                zoek(&mut lezer, &keys)
                            };
                            if antwoord.send(r).is_err() {
                                break;
                            }
                        }
                    });
                    z.lezers.push((vraag, antwoorden));
                }
                absence::verzamel(rows, &mut z)
            })?
        };
        conn.batch_execute(STAGE_BLOK)?;
        let mut counts = ImportCounts::default();
        let (mut stored, mut merged) = (Vec::new(), Vec::new());
        let mut scratch = (Vec::new(), String::new());
        // New pairs go straight into the table; changed ones through the staging table.
        let mut nieuw = Vec::with_capacity(COPY_CHUNK + 4096);
        let mut bestaand = Vec::new();
        let (mut personen, mut scholen): (Vec<i64>, Vec<&str>) = (Vec::new(), Vec::new());
        let delen: Vec<&[absence::Groep]> = groepen.chunks(PAREN_PER_KEER).collect();
        std::thread::scope(|scope| -> Result<()> {
            // The stored values of the next pairs are read on a connection of their own while
            // those before are merged and sent (they see what is committed, which the lock keeps:
            // a pair's value is read before this import writes it).
            let mut lees: Lees<'_> = match store.try_conn() {
                Some(mut lezer) => {
                    let (stuur, ontvang) = std::sync::mpsc::sync_channel(2);
                    let delen = &delen;
                    scope.spawn(move || {
                        for paren in delen {
                            if stuur.send(opgeslagen(&mut lezer, paren)).is_err() {
                                break;
                            }
                        }
                    });
                    Box::new(move |_, _| {
                        ontvang
                            .recv()
                            .map_err(|_| invalid("verzuim", "the read of stored values stopped"))?
                    })
                }
                None => Box::new(opgeslagen),
            };
            for paren in delen.iter().copied() {
                let blobs = lees(conn, paren)?;
                for (g, blob) in paren.iter().zip(blobs) {
                    match &blob {
                        Some(b) => verzuimblok::decode(b, &mut stored)?,
                        None => stored.clear(),
                    }
                    let c = verzuimblok::merge(&stored, &g.rows, &mut merged);
                    counts.nieuw += c.nieuw;
                    counts.gewijzigd += c.gewijzigd;
                    counts.ongewijzigd += c.ongewijzigd;
                    // A file with a bad row is never committed: leave the writing.
                    if (c.nieuw > 0 || c.gewijzigd > 0) && issues.is_empty() {
                        let buf = if blob.is_some() {
                            &mut bestaand
                        } else {
                            &mut nieuw
                        };
                        stage_row(buf, g.person, g.school.as_str(), &merged, &mut scratch);
                        personen.push(g.person);
                        scholen.push(g.school.as_str());
                    }
                }
                if nieuw.len() >= COPY_CHUNK {
                    flush_copy(conn, COPY_NIEUW_BLOK, &mut nieuw)?;
                }
                if bestaand.len() >= COPY_CHUNK {
                    flush_copy(conn, COPY_BLOK, &mut bestaand)?;
                }
            }
            Ok(())
        })?;
        flush_copy(conn, COPY_NIEUW_BLOK, &mut nieuw)?;
        flush_copy(conn, COPY_BLOK, &mut bestaand)?;
        if !personen.is_empty() {
            // By index probes, not a hash join over the whole table (see `opgeslagen`).
            conn.batch_execute(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;
                 UPDATE verzuim_blokken b SET rijen = s.rijen FROM stage_blok s
                 WHERE b.jongere_id = s.jongere_id AND b.school = s.school;
                 RESET enable_hashjoin; RESET enable_mergejoin;",
            )?;
            conn.execute(
                "INSERT INTO verzuim_gewijzigd (jongere_id, school)
                 SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING",
                &[&personen, &scholen],
            )?;
        }
        decided(counts, issues, decide)
    })
}

/// Meldingen are checked as on SQLite, row by row in the file's order, but a batch of
/// [`MELDING_BATCH`] rows at a time: the batch's pupils and enrolments are looked up at once
/// ([`zoek`]), the stored values of its meldingen read with one query and the changed ones
/// written with one upsert: six round trips a batch, where each row took four.
pub(crate) fn import_meldingen(
    conn: &mut Client,
    rows: Rows<'_, MeldingRij>,
    decide: Decide<'_>,
    markering: Option<&str>,
) -> Result<ImportOutcome> {
    in_tx(conn, |conn| {
        let mut batch = MeldingBatch {
            counts: ImportCounts::default(),
            issues: Vec::new(),
            eerste: crate::postgres::EersteRegel::new(),
            rows: Vec::with_capacity(MELDING_BATCH),
        };
        for (line, m) in rows {
            batch.rows.push((line, m));
            if batch.rows.len() >= MELDING_BATCH {
                batch.flush(conn)?;
            }
        }
        batch.flush(conn)?;
        let besluit = decided(batch.counts, batch.issues, decide)?;
        if let (Some(naam), true) = (markering, besluit.1) {
            conn.execute(
                "INSERT INTO instellingen (naam, waarde) VALUES ($1, '1') ON CONFLICT DO NOTHING",
                &[&naam],
            )?;
        }
        Ok(besluit)
    })
}

/// Rows of a meldingen file checked and written together.
const MELDING_BATCH: usize = 5_000;

/// A melding's key: the person, school, begindatum and verzuimsoort.
type MeldingSleutel = (i64, SchoolCode, NaiveDate, &'static str);

/// What a melding holds besides its key: uren, dagen and the rest as JSON.
type MeldingWaarden = (Option<i32>, Option<i32>, String);

struct MeldingBatch {
    counts: ImportCounts,
    issues: Vec<RowIssue>,
    /// The line each key of the file was first seen on, over all batches.
    eerste: crate::postgres::EersteRegel<MeldingSleutel>,
    rows: Vec<(u64, MeldingRij)>,
}

impl MeldingBatch {
    fn flush(&mut self, conn: &mut Client) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let keys: Vec<absence::Sleutel> = self
            .rows
            .iter()
            .map(|(_, m)| (m.leerling, m.school.clone()))
            .collect();
        let bekend = zoek(conn, &keys)?;
        let mut goed: Vec<(MeldingSleutel, MeldingWaarden)> = Vec::new();
        for ((line, m), b) in self.rows.drain(..).zip(bekend) {
            let Some(person) = b.person else {
                self.issues
                    .push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                continue;
            };
            if !absence::covers(&b.periods, m.begindatum) {
                self.issues.push(RowIssue::new(
                    line,
                    "begindatum",
                    absence::melding_not_enrolled(&m),
                ));
                continue;
            }
            let key = (person, m.school.clone(), m.begindatum, m.verzuimsoort);
            if let Some(issue) = self
                .eerste
                .dubbel(key.clone(), line, "begindatum", "this melding")
            {
                self.issues.push(issue);
                continue;
            }
            let waarden = (
                m.uren.map(|u| u as i32),
                m.dagen.map(|d| d as i32),
                m.gegevens.json(),
            );
            goed.push((key, waarden));
        }
        if goed.is_empty() {
            return Ok(());
        }
        // Planned for the batch's size, the look-up and the upsert would read the whole of
        // `meldingen` and `jongeren` (a hash join: 0.6 s for a region's half a million
        // meldingen, growing with the table); index probes cost 10 µs a row.
        met_indexen(conn, |conn| self.schrijf(conn, goed))
    }

    /// Counts the checked rows of a batch against what is stored, and writes those that
    /// are new or changed.
    fn schrijf(
        &mut self,
        conn: &mut Client,
        goed: Vec<(MeldingSleutel, MeldingWaarden)>,
    ) -> Result<()> {
        let personen: Vec<i64> = goed.iter().map(|((p, ..), _)| *p).collect();
        let scholen: Vec<&str> = goed.iter().map(|((_, s, ..), _)| s.as_str()).collect();
        let data: Vec<NaiveDate> = goed.iter().map(|((_, _, d, _), _)| *d).collect();
        let soorten: Vec<&str> = goed.iter().map(|((.., v), _)| *v).collect();
        // The stored values, by the index of their key in `goed`.
        let mut opgeslagen: Vec<Option<MeldingWaarden>> = vec![None; goed.len()];
        for r in conn.query(
            "SELECT k.i, m.uren, m.dagen, m.gegevens
             FROM unnest($1::bigint[], $2::text[], $3::date[], $4::text[])
                  WITH ORDINALITY AS k(p, s, d, v, i)
             JOIN meldingen m ON m.jongere_id = k.p AND m.school = k.s AND m.begindatum = k.d
               AND m.verzuimsoort = k.v",
            &[&personen, &scholen, &data, &soorten],
        )? {
            let i = r.get::<_, i64>(0) as usize - 1;
            opgeslagen[i] = Some((r.get(1), r.get(2), r.get(3)));
        }
        let mut nieuw = MeldingKolommen::default();
        for ((key, waarden), old) in goed.into_iter().zip(opgeslagen) {
            let changed = old.as_ref() != Some(&waarden);
            tally(&mut self.counts, old.is_some(), changed);
            if changed {
                nieuw.push(key, waarden);
            }
        }
        if !nieuw.personen.is_empty() {
            conn.execute(
                "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, uren, dagen, gegevens, vastgelegd,
                                        gemeente, geboortedatum)
                 SELECT k.p, k.s, k.d, k.v, k.u, k.g, k.j, now(), j.gemeente, j.geboortedatum
                 FROM unnest($1::bigint[], $2::text[], $3::date[], $4::text[], $5::int[], $6::int[], $7::text[])
                      AS k(p, s, d, v, u, g, j)
                 JOIN jongeren j ON j.id = k.p
                 ON CONFLICT (jongere_id, school, begindatum, verzuimsoort)
                 DO UPDATE SET uren = excluded.uren, dagen = excluded.dagen,
                               gegevens = excluded.gegevens",
                &[
                    &nieuw.personen,
                    &nieuw.scholen,
                    &nieuw.data,
                    &nieuw.soorten,
                    &nieuw.uren,
                    &nieuw.dagen,
                    &nieuw.gegevens,
                ],
            )?;
        }
        Ok(())
    }
}

/// The columns of the meldingen a batch writes, as the arrays of one upsert.
#[derive(Default)]
struct MeldingKolommen {
    personen: Vec<i64>,
    scholen: Vec<String>,
    data: Vec<NaiveDate>,
    soorten: Vec<&'static str>,
    uren: Vec<Option<i32>>,
    dagen: Vec<Option<i32>>,
    gegevens: Vec<String>,
}

impl MeldingKolommen {
    fn push(&mut self, (p, s, d, v): MeldingSleutel, (u, g, j): MeldingWaarden) {
        self.personen.push(p);
        self.scholen.push(s.as_str().to_string());
        self.data.push(d);
        self.soorten.push(v);
        self.uren.push(u);
        self.dagen.push(g);
        self.gegevens.push(j);
    }
}

/// The demo's trusted rows of one pupil at one school, staged as one value for
/// [`bulk_commit`] (which folds a pair sent more than once, and a pair already stored).
pub(crate) fn bulk_verzuim(
    buf: &mut Vec<u8>,
    person: i64,
    school: &SchoolCode,
    rows: &[Verzuim],
    scratch: &mut (Vec<u8>, String),
) -> Result<()> {
    let mut dagen = Vec::with_capacity(rows.len());
    for v in rows {
        let dag = verzuimblok::dag(v.datum)
            .ok_or_else(|| invalid("datum", format!("{} lies outside 1970–2149", v.datum)))?;
        dagen.push(Dagrij::van(dag, v));
    }
    verzuimblok::fold(&mut dagen);
    stage_row(buf, person, school.as_str(), &dagen, scratch);
    Ok(())
}

pub(crate) const BULK_STAGE: &str = STAGE_BLOK;
pub(crate) const BULK_COPY: &str = COPY_BLOK;

/// Stores the values staged by [`bulk_verzuim`]: the rows of a pair staged more than once or
/// stored already add up, as the rows of one file do.
pub(crate) fn bulk_commit(conn: &mut Client) -> Result<()> {
    let rows = conn.query(
        "WITH dubbel AS (
           SELECT jongere_id, school FROM stage_blok GROUP BY 1, 2 HAVING count(*) > 1
           UNION
           SELECT s.jongere_id, s.school FROM stage_blok s
           JOIN verzuim_blokken b ON b.jongere_id = s.jongere_id AND b.school = s.school)
         SELECT d.jongere_id, d.school, x.rijen FROM dubbel d
         JOIN (SELECT jongere_id, school, rijen FROM stage_blok
               UNION ALL SELECT jongere_id, school, rijen FROM verzuim_blokken) x
           ON x.jongere_id = d.jongere_id AND x.school = d.school
         ORDER BY 1, 2",
        &[],
    )?;
    if !rows.is_empty() {
        let mut samen: Vec<(i64, String, Vec<Dagrij>)> = Vec::new();
        let mut een = Vec::new();
        for r in &rows {
            let (p, s): (i64, String) = (r.get(0), r.get(1));
            verzuimblok::decode(r.get(2), &mut een)?;
            match samen.last_mut() {
                Some((lp, ls, v)) if *lp == p && *ls == s => v.extend_from_slice(&een),
                _ => samen.push((p, s, een.clone())),
            }
        }
        let persons: Vec<i64> = samen.iter().map(|x| x.0).collect();
        let schools: Vec<&str> = samen.iter().map(|x| x.1.as_str()).collect();
        conn.execute(
            "DELETE FROM stage_blok s USING unnest($1::bigint[], $2::text[]) AS k(p, s)
             WHERE s.jongere_id = k.p AND s.school = k.s",
            &[&persons, &schools],
        )?;
        let mut buf = Vec::new();
        let mut scratch = (Vec::new(), String::new());
        for (p, s, mut v) in samen {
            verzuimblok::fold(&mut v);
            stage_row(&mut buf, p, &s, &v, &mut scratch);
        }
        flush_copy(conn, COPY_BLOK, &mut buf)?;
    }
    conn.batch_execute(MERGE_BLOK)?;
    Ok(())
}

/// Retention of absence for the persons in `purge_plan`, as on SQLite
/// ([`absence::Opschoning`]): counts the persons with unauthorised absence before their
/// plan's date per school year and gemeente into `anonieme_cijfers` (`verzuimers`), then
/// removes those rows; the pairs are marked changed. Returns the rows removed.
pub(crate) fn purge_verzuim(c: &mut Client) -> Result<u64> {
    let mut o = absence::Opschoning::default();
    for r in c.query(
        "SELECT b.jongere_id, b.school, b.rijen, p.voor, j.gemeente
         FROM purge_plan p JOIN verzuim_blokken b ON b.jongere_id = p.jongere_id
         JOIN jongeren j ON j.id = b.jongere_id",
        &[],
    )? {
        o.blok(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))?;
    }
    for (jaar, gemeente, n) in o.verzuimers() {
        c.execute(
            "INSERT INTO anonieme_cijfers (schooljaar, gemeente, indicator, aantal)
             VALUES ($1, $2, 'verzuimers', $3)
             ON CONFLICT (schooljaar, gemeente, indicator)
             DO UPDATE SET aantal = anonieme_cijfers.aantal + excluded.aantal",
            &[&jaar.to_string(), &gemeente, &n],
        )?;
    }
    let (leeg_p, leeg_s): (Vec<i64>, Vec<&str>) = o
        .blijft
        .iter()
        .filter(|x| x.2.is_empty())
        .map(|x| (x.0, x.1.as_str()))
        .unzip();
    c.execute(
        "DELETE FROM verzuim_blokken b USING unnest($1::bigint[], $2::text[]) AS k(p, s)
         WHERE b.jongere_id = k.p AND b.school = k.s",
        &[&leeg_p, &leeg_s],
    )?;
    c.execute(
        "INSERT INTO verzuim_gewijzigd (jongere_id, school)
         SELECT p, s FROM unnest($1::bigint[], $2::text[]) AS k(p, s) ON CONFLICT DO NOTHING",
        &[&leeg_p, &leeg_s],
    )?;
    c.batch_execute(STAGE_BLOK)?;
    let mut buf = Vec::new();
    let mut scratch = (Vec::new(), String::new());
    for (p, s, rest) in o.blijft.iter().filter(|x| !x.2.is_empty()) {
        stage_row(&mut buf, *p, s, rest, &mut scratch);
    }
    flush_copy(c, COPY_BLOK, &mut buf)?;
    c.batch_execute(&format!("{MERGE_BLOK} DROP TABLE stage_blok;"))?;
    Ok(o.weg)
}

/// Packs the absence rows of a database from before packed values (migration V43), once,
/// in one transaction. Every pair is marked, so the next signal run compares its signals
/// with what the rows make (the stored ones have no fingerprint yet) and changes nothing
/// that is right.
pub(crate) fn pack_rows_of_v42(conn: &mut Client) -> Result<()> {
    use ::postgres::fallible_iterator::FallibleIterator;
    let old: bool = conn
        .query_one("SELECT to_regclass('verzuim_rijen_v42') IS NOT NULL", &[])?
        .get(0);
    if !old {
        return Ok(());
    }
    in_tx(conn, |conn| {
        conn.batch_execute(STAGE_BLOK)?;
        let mut rows = Vec::new();
        {
            let mut it = conn.query_raw(
                "SELECT jongere_id, school, datum, soort, minuten, aantal, hele_dag
                 FROM verzuim_rijen_v42 ORDER BY jongere_id, school",
                std::iter::empty::<i32>(),
            )?;
            while let Some(r) = it.next()? {
                let datum: NaiveDate = r.get(2);
                let soort: &str = r.get(3);
                rows.push((
                    r.get::<_, i64>(0),
                    r.get::<_, String>(1),
                    Dagrij {
                        dag: verzuimblok::dag(datum).ok_or_else(|| {
                            invalid("datum", format!("{datum} lies outside 1970–2149"))
                        })?,
                        soort: soort.parse().map_err(|e| invalid("soort", e))?,
                        minuten: u16::try_from(r.get::<_, i32>(4)).unwrap_or(u16::MAX),
                        aantal: u16::try_from(r.get::<_, i32>(5)).unwrap_or(u16::MAX),
                        hele_dag: r.get(6),
                    },
                ));
            }
        }
        let mut buf = Vec::new();
        let mut scratch = (Vec::new(), String::new());
        let mut groep = Vec::new();
        for (i, (p, s, d)) in rows.iter().enumerate() {
            groep.push(*d);
            if rows.get(i + 1).is_none_or(|n| (n.0, &n.1) != (*p, s)) {
                verzuimblok::fold(&mut groep);
                stage_row(&mut buf, *p, s, &groep, &mut scratch);
                groep.clear();
                if buf.len() >= COPY_CHUNK {
                    flush_copy(conn, COPY_BLOK, &mut buf)?;
                }
            }
        }
        flush_copy(conn, COPY_BLOK, &mut buf)?;
        conn.batch_execute(&format!("{MERGE_BLOK} DROP TABLE verzuim_rijen_v42;"))?;
        Ok(((), true))
    })
}

pub(crate) fn regelversies(conn: &mut Client) -> Result<Vec<(NaiveDate, String)>> {
    Ok(conn
        .query("SELECT van, regels FROM regelversies ORDER BY van", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

pub(crate) fn add_regelversie(conn: &mut Client, van: NaiveDate, regels: &str) -> Result<()> {
    in_tx(conn, |conn| {
        conn.execute(
            "INSERT INTO regelversies (van, regels) VALUES ($1, $2)",
            &[&van, &regels],
        )?;
        conn.batch_execute(
            "INSERT INTO verzuim_gewijzigd (jongere_id, school)
             SELECT jongere_id, school FROM verzuim_blokken ON CONFLICT DO NOTHING",
        )?;
        Ok(((), true))
    })
}

/// What one reader of a signal run goes through: every pair of the persons with an id in a
/// range, or the pairs marked changed of the persons with an id of one parity.
enum Werk {
    Alles(i64, i64),
    Gewijzigd(i64),
}

/// Reads and evaluates the pairs of `werk` on `conn`, passing on those whose signals changed.
fn beoordeel(
    conn: &mut Client,
    werk: &Werk,
    maak: Beoordelaars<'_>,
    uit: &mut dyn FnMut(absence::Wijziging) -> Result<()>,
) -> Result<SignaalRun> {
    use ::postgres::binary_copy::BinaryCopyOutIter;
    use ::postgres::fallible_iterator::FallibleIterator;
    use ::postgres::types::Type;
    let mut b = maak();
    let mut run = SignaalRun::default();
    let mut verzuim: Vec<Dagtotaal> = Vec::new();
    // Binary COPY: the values stream out without a result row each (a third less time than
    // a query at a region's size). The bounds are integers of this process, not input.
    let sql = match werk {
        Werk::Alles(van, tot) => format!(
            "COPY (SELECT jongere_id, school, rijen, signalen FROM verzuim_blokken
                   WHERE jongere_id >= {van} AND jongere_id < {tot}) TO STDOUT (FORMAT binary)"
        ),
        Werk::Gewijzigd(rest) => format!(
            "COPY (SELECT g.jongere_id, g.school, b.rijen, b.signalen FROM verzuim_gewijzigd g
                   LEFT JOIN LATERAL (SELECT b.rijen, b.signalen FROM verzuim_blokken b
                                      WHERE b.jongere_id = g.jongere_id AND b.school = g.school
                                      OFFSET 0) b ON true
                   WHERE g.jongere_id % 2 = {rest}) TO STDOUT (FORMAT binary)"
        ),
    };
    let reader = conn.copy_out(sql.as_str())?;
    let mut it = BinaryCopyOutIter::new(reader, &[Type::INT8, Type::TEXT, Type::BYTEA, Type::INT8]);
    while let Some(r) = it.next()? {
        let person: i64 = r.try_get(0)?;
        let school: &str = r.try_get(1)?;
        let w = match r.try_get::<Option<&[u8]>>(2)? {
            Some(blob) => absence::beoordeel(
                &mut *b,
                &mut verzuim,
                &mut run,
                person,
                school,
                blob,
                r.try_get(3)?,
            )?,
            // No absence any more: no signals either.
            None => Some(absence::zonder_verzuim(person, school.to_string())),
        };
        if let Some(w) = w {
            uit(w)?;
        }
    }
    Ok(run)
}

/// Stages one changed pair: its new fingerprint and its signals.
fn stage_wijziging(paren: &mut Vec<u8>, nieuw: &mut Vec<u8>, w: &absence::Wijziging) {
    let person = w.person.to_string();
    let vinger = w.vingerafdruk.map(|v| v.to_string());
    row(paren, &[Some(&person), Some(&w.school), vinger.as_deref()]);
    for s in &w.signalen {
        row(
            nieuw,
            &[
                Some(&person),
                Some(&w.school),
                Some(s.regel),
                Some(&s.datum.to_string()),
                Some(&s.uitleg),
            ],
        );
    }
}

const COPY_PAREN: &str = "COPY sig_paren (jongere_id, school, vingerafdruk) FROM STDIN";
const COPY_NIEUW: &str = "COPY sig_nieuw (jongere_id, school, regel, datum, uitleg) FROM STDIN";

/// Brings the signals up to date: of every pair (`all`) or of the pairs marked changed. As
/// on SQLite, the run holds off imports from the start, two readers on connections of their
/// own evaluate the stored values in parallel, and only the pairs whose signals' fingerprint
/// changed are written: one more school day mostly adds a signal or changes one explanation,
/// and leaves a pair's other signals (and a region's other pairs) as they were. The changes
/// are staged with COPY and applied set-based.
pub(crate) fn bring_signals_up_to_date(
    store: &crate::postgres::PgStore,
    all: bool,
    maak: Beoordelaars<'_>,
) -> Result<SignaalRun> {
    let mut conn = store.conn()?;
    in_tx(&mut conn, |conn| {
        conn.batch_execute(
            "LOCK TABLE verzuim_blokken IN SHARE ROW EXCLUSIVE MODE;
             LOCK TABLE verzuim_gewijzigd IN EXCLUSIVE MODE;",
        )?;
        let werk: Vec<Werk> = if all {
            let r = conn.query_one(
                "SELECT min(jongere_id), max(jongere_id) FROM verzuim_blokken",
                &[],
            )?;
            absence::helften(r.get(0), r.get(1))
                .into_iter()
                .map(|(van, tot)| Werk::Alles(van, tot))
                .collect()
        } else {
            vec![Werk::Gewijzigd(0), Werk::Gewijzigd(1)]
        };
        let (mut paren, mut nieuw) = (Vec::new(), Vec::new());
        let mut run = SignaalRun::default();
        let mut tel = |conn: &mut Client, w: absence::Wijziging| -> Result<()> {
            if run.gewijzigd == 0 {
                // Made at the first change: a run that finds everything up to date (a run
                // over everyone, mostly) writes nothing, not even to the catalogue.
                conn.batch_execute(
                    "CREATE TEMP TABLE sig_paren (jongere_id BIGINT, school TEXT,
                       vingerafdruk BIGINT) ON COMMIT DROP;
                     CREATE TEMP TABLE sig_nieuw (jongere_id BIGINT, school TEXT, regel TEXT,
                       datum DATE, uitleg TEXT) ON COMMIT DROP;",
                )?;
            }
            run.gewijzigd += 1;
            stage_wijziging(&mut paren, &mut nieuw, &w);
            if nieuw.len() >= COPY_CHUNK {
                flush_copy(conn, COPY_PAREN, &mut paren)?;
                flush_copy(conn, COPY_NIEUW, &mut nieuw)?;
            }
            Ok(())
        };
        // The readers see what is committed, which the locks above keep as it is.
        let lezers: Vec<crate::postgres::Conn> =
            (0..werk.len()).filter_map(|_| store.try_conn()).collect();
        let gelezen = if lezers.len() < werk.len() {
            // No connections to spare: read everything on this one first, then write.
            let (gelezen, wijzigingen) =
                absence::na_elkaar(&werk, |w, uit| beoordeel(conn, w, maak, uit))?;
            for w in wijzigingen {
                tel(conn, w)?;
            }
            gelezen
        } else {
            absence::naast_elkaar(
                &werk,
                lezers,
                |lezer: &mut crate::postgres::Conn, w, uit| beoordeel(lezer, w, maak, uit),
                |w| tel(conn, w),
            )?
        };
        absence::tel_gelezen(&mut run, &gelezen);
        if run.gewijzigd > 0 {
            flush_copy(conn, COPY_PAREN, &mut paren)?;
            flush_copy(conn, COPY_NIEUW, &mut nieuw)?;
            let (concepten, ingetrokken) = schrijf(conn)?;
            run.concepten = concepten;
            run.ingetrokken = ingetrokken;
        }
        conn.batch_execute("DELETE FROM verzuim_gewijzigd")?;
        Ok((run, true))
    })
}

/// Applies the staged changes of a signal run: signals that are gone are deleted and their
/// drafts withdrawn, changed explanations updated, new signals inserted with a draft
/// melding for each of `16uur`, `luxe`, `te_laat` and `lrv`, and the fingerprints stored.
/// Returns the drafts made and withdrawn.
fn schrijf(conn: &mut Client) -> Result<(u64, u64)> {
    conn.batch_execute(
        "ANALYZE sig_paren; ANALYZE sig_nieuw;
         CREATE TEMP TABLE sig_weg ON COMMIT DROP AS
           SELECT s.jongere_id, s.school, s.regel, s.datum
           FROM sig_paren p JOIN signalen s ON s.jongere_id = p.jongere_id AND s.school = p.school
           WHERE NOT EXISTS (SELECT 1 FROM sig_nieuw n
                             WHERE n.jongere_id = s.jongere_id AND n.school = s.school
                               AND n.regel = s.regel AND n.datum = s.datum);
         DELETE FROM signalen s USING sig_weg w
           WHERE s.jongere_id = w.jongere_id AND s.school = w.school
             AND s.regel = w.regel AND s.datum = w.datum;
         UPDATE signalen s SET uitleg = n.uitleg FROM sig_nieuw n
           WHERE s.jongere_id = n.jongere_id AND s.school = n.school
             AND s.regel = n.regel AND s.datum = n.datum AND s.uitleg <> n.uitleg;
         CREATE TEMP TABLE sig_erbij ON COMMIT DROP AS
           SELECT n.* FROM sig_nieuw n
           WHERE NOT EXISTS (SELECT 1 FROM signalen s
                             WHERE s.jongere_id = n.jongere_id AND s.school = n.school
                               AND s.regel = n.regel AND s.datum = n.datum);
         INSERT INTO signalen (jongere_id, school, regel, datum, uitleg)
           SELECT jongere_id, school, regel, datum, uitleg FROM sig_erbij
           ORDER BY jongere_id, school, regel, datum;
         UPDATE verzuim_blokken b SET signalen = p.vingerafdruk FROM sig_paren p
           WHERE b.jongere_id = p.jongere_id AND b.school = p.school;",
    )?;
    let concept = crate::concept_sql("s.regel");
    let concepten = conn.execute(
        &format!(
            "INSERT INTO meldingen (jongere_id, school, begindatum, verzuimsoort, status, signaal,
                                    gemeente, geboortedatum)
             SELECT s.jongere_id, s.school, s.datum, {}, 'concept', s.regel,
                    j.gemeente, j.geboortedatum
             FROM sig_erbij s JOIN jongeren j ON j.id = s.jongere_id
             WHERE {}
             ORDER BY s.jongere_id, s.school, s.datum
             ON CONFLICT (jongere_id, school, begindatum, verzuimsoort) DO UPDATE
             SET status = 'concept', ingetrokken_op = NULL, afsluitreden = NULL
             WHERE meldingen.status = 'ingetrokken'
               AND meldingen.afsluitreden = 'signaal_vervallen'",
            concept.soort, concept.wordt_concept
        ),
        &[],
    )?;
    let ingetrokken = conn.execute(
        "UPDATE meldingen m SET status = 'ingetrokken', ingetrokken_op = now(),
                afsluitreden = 'signaal_vervallen'
         FROM sig_weg w
         WHERE m.jongere_id = w.jongere_id AND m.school = w.school AND m.begindatum = w.datum
           AND m.signaal = w.regel AND m.status = 'concept'",
        &[],
    )?;
    Ok((concepten, ingetrokken))
}

/// The identifier of a stored person: the BSN, or the onderwijsnummer when there is none.
pub(crate) fn leerling_of(bsn: Option<i32>, onr: Option<i32>) -> Result<LeerlingId> {
    crate::stored::leerling_of(bsn.map(i64::from), onr.map(i64::from))
}

pub(crate) fn signalen(
    conn: &mut Client,
    until: NaiveDate,
    regel: Option<&str>,
    met_uitleg: bool,
    f: &mut dyn FnMut(SignaalRij) -> Result<()>,
) -> Result<()> {
    use ::postgres::fallible_iterator::FallibleIterator;
    let params: [&(dyn ::postgres::types::ToSql + Sync); 2] = [&until, &regel];
    let sql = format!(
        "SELECT j.bsn, j.onderwijsnummer, s.school, s.regel, s.datum, {}
         FROM signalen s JOIN jongeren j ON j.id = s.jongere_id
         WHERE s.datum <= $1 AND ($2::text IS NULL OR s.regel = $2)
         ORDER BY s.datum, s.school, coalesce(j.bsn, j.onderwijsnummer), s.regel",
        if met_uitleg { "s.uitleg" } else { "''" }
    );
    // Each signal's person by the register's index: the hash join the planner would choose
    // hashes the whole register first (0.67 s of 1.1 s for the country's 386,000 signals).
    crate::postgres::met_indexen(conn, |conn| {
        let mut it = conn.query_raw(&sql, params)?;
        while let Some(r) = it.next()? {
            let school: String = r.get(2);
            f(SignaalRij {
                leerling: leerling_of(r.get(0), r.get(1))?,
                school: crate::stored::school(&school)?,
                regel: r.get(3),
                datum: r.get(4),
                uitleg: r.get(5),
            })?;
        }
        Ok(())
    })
}

pub(crate) fn av_kandidaten(
    conn: &mut Client,
    on: NaiveDate,
    r: BirthRanges,
    f: &mut dyn FnMut(AvKandidaat) -> Result<()>,
) -> Result<()> {
    use ::postgres::fallible_iterator::FallibleIterator;
    let params: [&(dyn ::postgres::types::ToSql + Sync); 5] = [
        &on,
        &r.leerplichtig.0,
        &r.leerplichtig.1,
        &r.kwalificatieplichtig.0,
        &r.kwalificatieplichtig.1,
    ];
    // Streamed, as the signals are: the candidates of a national register are many. Those
    // without an enrolment on the day are found among whom the periods without one (V54) or
    // a mark of a change name, rather than among every person of duty age (1.6 million
    // checked for an enrolment, 0.7-1.2 s at national scale).
    let mut tx = conn.transaction()?;
    tx.batch_execute("SET LOCAL jit = off")?;
    let mut rows = tx.query_raw(
        "SELECT j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente,
                (SELECT min(i.einddatum) FROM inschrijvingen i
                 WHERE i.jongere_id = j.id AND i.startkwalificatie),
                EXISTS (SELECT 1 FROM zaken z JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
                        WHERE z.jongere_id = j.id AND e.gebeurtenis->>'soort' = 'vrijstelling'
                          AND (e.gebeurtenis->>'van')::date <= $1
                          AND coalesce((e.gebeurtenis->>'tot')::date, 'infinity') >= $1)
         FROM jongeren j
         WHERE j.id IN (SELECT o.jongere_id FROM onderwijsloos o WHERE o.tot >= $1 AND o.van <= $1
                        UNION ALL SELECT v.jongere_id FROM onderwijsloos_vuil v)
           AND (j.geboortedatum BETWEEN $2 AND $3 OR j.geboortedatum BETWEEN $4 AND $5)
           AND j.gemeente IN (SELECT b.gemeente FROM organisatie_bedient b
                              JOIN organisaties o ON o.code = b.organisatie
                              WHERE o.soort = 'leerplicht')
           AND NOT EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = j.id
                           AND i.begindatum <= $1 AND (i.einddatum IS NULL OR i.einddatum >= $1))
         ORDER BY j.gemeente, coalesce(j.bsn, j.onderwijsnummer)",
        params,
    )?;
    while let Some(row) = rows.next()? {
        let gemeente: String = row.get(3);
        f(AvKandidaat {
            leerling: leerling_of(row.get(0), row.get(1))?,
            geboortedatum: row.get(2),
            gemeente: gemeente.parse().map_err(|e| invalid("gemeente", e))?,
            startkwalificatie: row.get(4),
            vrijgesteld: row.get(5),
        })?;
    }
    drop(rows);
    tx.commit()?;
    Ok(())
}

pub(crate) fn person_for(conn: &mut Client, l: LeerlingId) -> Result<i64> {
    person_id(conn, l)?.ok_or_else(|| StoreError::Invalid("absence of an unknown person".into()))
}
