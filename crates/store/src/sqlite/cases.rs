//! The SQLite store's thuiszitter registrations and cases.

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::date::iso;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::register::{toets, Registerfeiten};
use leerrecht_domain::rules::Regel;
use leerrecht_domain::thuiszitters::{Categorie, Oorzaak, Registratie};
use leerrecht_domain::zaak::{Gebeurtenis, ZaakSoort};
use rusqlite::{params, Connection, OptionalExtension};

use crate::access::{moment, parse_moment};
use crate::cases::{
    als_registraties, feit_gebeurtenis, gebeurtenis, gebeurtenis_json, overlap_reason, Inhoud,
    Periode, RegistratieOpslag, ZAAK_GEWIJZIGD,
};
use crate::stored::parse_soort;
use crate::stored::Rij;
use crate::Concept;
use crate::{MeldingStaat, MeldingZetting, WerkRij, ZaakEvent, ZaakRij};

use crate::sqlite::{
    count, date_col, in_tx, invalid, opt_date_col, person_id, Conn, LaatstePersoon,
};
use crate::{decided, Decide, ImportCounts, ImportOutcome, Result, RowIssue, Rows, UNKNOWN_PERSON};

pub(crate) fn import_registraties(
    conn: &Conn,
    rows: Rows<'_, Registratie>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    let result = in_tx(conn, |conn| {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_reg (
                 line INTEGER NOT NULL, person INTEGER NOT NULL, van TEXT NOT NULL, tot TEXT,
                 past INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (person, van));
             DELETE FROM temp.import_reg;",
        )?;
        let mut counts = ImportCounts::default();
        let mut issues = Vec::new();
        let mut persoon = LaatstePersoon::default();
        for (line, r) in rows {
            let Some(person) = persoon.van(conn, r.leerling)? else {
                issues.push(RowIssue::new(line, "leerling", UNKNOWN_PERSON));
                continue;
            };
            let added = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO temp.import_reg (line, person, van, tot) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![line as i64, person, iso(r.van()), r.tot().map(iso)])?;
            if added == 0 {
                let first: i64 = conn
                    .prepare_cached(
                        "SELECT line FROM temp.import_reg WHERE person = ?1 AND van = ?2",
                    )?
                    .query_row(params![person, iso(r.van())], |x| x.get(0))?;
                issues.push(RowIssue::new(
                    line,
                    "van",
                    crate::twice("this registration", first),
                ));
                continue;
            }
            // The period must fit the register on each of its days; an open absoluut_verzuim
            // ends with the duty. A row that does not fit is not checked for overlaps.
            let feiten = Registraties(conn).registerfeiten(person)?;
            let r = match toets(r.categorie, r.van(), r.tot(), &feiten) {
                Err(a) => {
                    conn.prepare_cached(
                        "UPDATE temp.import_reg SET past = 0 WHERE person = ?1 AND van = ?2",
                    )?
                    .execute(params![person, iso(r.van())])?;
                    issues.push(RowIssue::new(line, a.kolom, a.reden));
                    continue;
                }
                Ok(tot) if tot == r.tot() => r,
                Ok(tot) => {
                    conn.prepare_cached(
                        "UPDATE temp.import_reg SET tot = ?3 WHERE person = ?1 AND van = ?2",
                    )?
                    .execute(params![person, iso(r.van()), tot.map(iso)])?;
                    Registratie::new(r.leerling, r.categorie, r.oorzaak, r.van(), tot)
                        .map_err(|e| invalid("registratie", e))?
                }
            };
            let old = Registraties(conn)
                .periods(person)?
                .into_iter()
                .find(|p| p.0 == r.van());
            let changed = old.as_ref().is_none_or(|(_, tot, c, o)| {
                *tot != r.tot() || c != r.categorie.code() || o != r.oorzaak.code()
            });
            if changed {
                Registraties(conn).versie(
                    person,
                    r.van(),
                    Some((r.tot(), r.categorie.code(), r.oorzaak.code())),
                )?;
                conn.prepare_cached(
                    "INSERT INTO registraties (jongere_id, van, tot, categorie, oorzaak)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (jongere_id, van) DO UPDATE
                       SET tot = excluded.tot, categorie = excluded.categorie, oorzaak = excluded.oorzaak",
                )?
                .execute(params![
                    person,
                    iso(r.van()),
                    r.tot().map(iso),
                    r.categorie.code(),
                    r.oorzaak.code()
                ])?;
            }
            count(&mut counts, old.is_some(), changed);
        }
        // Overlaps in the resulting state; of two rows of this file, the later line is named.
        let mut stmt = conn.prepare(
            "SELECT s.line, o.van, o.tot FROM temp.import_reg s
             JOIN registraties o ON o.jongere_id = s.person AND o.van <> s.van
               AND o.van <= coalesce(s.tot, '9999-12-31') AND coalesce(o.tot, '9999-12-31') >= s.van
             WHERE s.past = 1
               AND NOT EXISTS (SELECT 1 FROM temp.import_reg l
                               WHERE l.person = o.jongere_id AND l.van = o.van AND l.line > s.line)
             ORDER BY s.line, o.van",
        )?;
        let mut found = stmt.query([])?;
        let mut reported = None;
        while let Some(x) = found.next()? {
            let line = x.get::<_, i64>(0)? as u64;
            if reported == Some(line) {
                continue;
            }
            reported = Some(line);
            issues.push(RowIssue::new(
                line,
                "van",
                overlap_reason(date_col(x, 1)?, opt_date_col(x, 2)?),
            ));
        }
        drop(found);
        drop(stmt);
        issues.sort_by_key(|i| i.line);
        decided(counts, issues, decide)
    });
    Ok(result?.0)
}

/// The database's clock, in the store's moment format: when a change became known.
pub(crate) const NU: &str = "strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')";

pub(crate) fn registraties(conn: &Conn, leerling: LeerlingId) -> Result<Option<Vec<Registratie>>> {
    let Some(person) = person_id(conn, leerling)? else {
        return Ok(None);
    };
    als_registraties(leerling, Registraties(conn).periods(person)?).map(Some)
}

pub(crate) fn registratie_wijzigen(
    conn: &Conn,
    leerling: LeerlingId,
    nieuw: Option<(Categorie, Oorzaak)>,
    per: NaiveDate,
) -> Result<std::result::Result<(), String>> {
    let (r, _) = in_tx(conn, |conn| {
        let Some(person) = person_id(conn, leerling)? else {
            return Ok((Err(UNKNOWN_PERSON.to_string()), false));
        };
        let r = crate::cases::registratie_wijzigen(&mut Registraties(conn), person, nieuw, per)?;
        let commit = r.is_ok();
        Ok((r, commit))
    })?;
    Ok(r)
}

/// A connection as the store of one change of registrations.
struct Registraties<'c>(&'c Connection);

impl RegistratieOpslag for Registraties<'_> {
    fn periods(&mut self, person: i64) -> Result<Vec<Periode>> {
        let conn = self.0;
        let mut stmt = conn.prepare_cached(
            "SELECT van, tot, categorie, oorzaak FROM registraties WHERE jongere_id = ?1 ORDER BY van",
        )?;
        let mut rows = stmt.query([person])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push((date_col(r, 0)?, opt_date_col(r, 1)?, r.get(2)?, r.get(3)?));
        }
        Ok(out)
    }
    fn registerfeiten(&mut self, person: i64) -> Result<Registerfeiten> {
        let conn = self.0;
        let geboortedatum = conn
            .prepare_cached("SELECT geboortedatum FROM jongeren WHERE id = ?1")?
            .query_row([person], |r| date_col(r, 0))?;
        let mut f = Registerfeiten {
            geboortedatum,
            ..Registerfeiten::default()
        };
        let mut stmt = conn.prepare_cached(
            "SELECT begindatum, einddatum, startkwalificatie FROM inschrijvingen WHERE jongere_id = ?1",
        )?;
        let mut rows = stmt.query([person])?;
        while let Some(r) = rows.next()? {
            f.inschrijving(date_col(r, 0)?, opt_date_col(r, 1)?, r.get(2)?);
        }
        drop(rows);
        let mut stmt = conn.prepare_cached(
            "SELECT e.gebeurtenis FROM zaken z JOIN zaak_gebeurtenissen e ON e.zaak_id = z.id
             WHERE z.jongere_id = ?1 AND json_extract(e.gebeurtenis, '$.soort') = 'vrijstelling'",
        )?;
        let mut rows = stmt.query([person])?;
        while let Some(r) = rows.next()? {
            feit_gebeurtenis(&mut f, &r.get::<_, String>(0)?)?;
        }
        Ok(f)
    }
    fn versie(&mut self, person: i64, van: NaiveDate, nieuw: Option<Inhoud<'_>>) -> Result<()> {
        let conn = self.0;
        conn.prepare_cached(&format!(
            "UPDATE registratie_versies SET vervallen = {NU}
             WHERE jongere_id = ?1 AND van = ?2 AND vervallen IS NULL"
        ))?
        .execute(params![person, iso(van)])?;
        if let Some((tot, c, o)) = nieuw {
            conn.prepare_cached(&format!(
                "INSERT INTO registratie_versies (jongere_id, van, tot, categorie, oorzaak, vastgelegd)
                 VALUES (?1, ?2, ?3, ?4, ?5, {NU})"
            ))?
            .execute(params![person, iso(van), tot.map(iso), c, o])?;
        }
        Ok(())
    }
    fn verwijder(&mut self, person: i64, van: NaiveDate) -> Result<()> {
        self.0.execute(
            "DELETE FROM registraties WHERE jongere_id = ?1 AND van = ?2",
            params![person, iso(van)],
        )?;
        Ok(())
    }
    fn beeindig(&mut self, person: i64, van: NaiveDate, tot: NaiveDate) -> Result<()> {
        self.0.execute(
            "UPDATE registraties SET tot = ?3 WHERE jongere_id = ?1 AND van = ?2",
            params![person, iso(van), iso(tot)],
        )?;
        Ok(())
    }
    fn voeg_toe(&mut self, person: i64, van: NaiveDate, inhoud: Inhoud<'_>) -> Result<()> {
        let (tot, c, o) = inhoud;
        self.0.execute(
            "INSERT INTO registraties (jongere_id, van, tot, categorie, oorzaak) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![person, iso(van), tot.map(iso), c, o],
        )?;
        Ok(())
    }
}

fn zaak_row(conn: &Connection, r: &rusqlite::Row<'_>) -> Result<ZaakRij> {
    let person: i64 = r.get(1)?;
    let soort: String = r.get(2)?;
    let leerling = leerling_of(conn, person)?;
    Ok(ZaakRij {
        id: r.get(0)?,
        leerling,
        soort: parse_soort(&soort)?,
        organisatie: r.get(3)?,
        geopend: date_col(r, 4)?,
        gesloten: opt_date_col(r, 5)?,
    })
}

fn leerling_of(conn: &Connection, person: i64) -> Result<LeerlingId> {
    let (bsn, onr): (Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT bsn, onderwijsnummer FROM jongeren WHERE id = ?1")?
        .query_row([person], |r| Ok((r.get(0)?, r.get(1)?)))?;
    crate::sqlite::leerling_of(bsn, onr)
}

const ZAAK_COLS: &str = "id, jongere_id, soort, organisatie, geopend, gesloten";

fn insert_event(
    conn: &Connection,
    id: i64,
    volgnummer: u32,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
    e: &Gebeurtenis,
) -> Result<bool> {
    let json = gebeurtenis_json(e)?;
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO zaak_gebeurtenissen (zaak_id, volgnummer, tijd, wie, organisatie, gebeurtenis)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, volgnummer, moment(tijd), wie, org, json])?;
    Ok(n == 1)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn zaak_openen(
    conn: &Conn,
    leerling: LeerlingId,
    soort: ZaakSoort,
    organisatie: &str,
    datum: NaiveDate,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
) -> Result<std::result::Result<i64, String>> {
    let (r, _) = in_tx(conn, |conn| {
        let Some(person) = person_id(conn, leerling)? else {
            return Ok((Err(UNKNOWN_PERSON.to_string()), false));
        };
        let open: Option<i64> = conn
            .prepare_cached(
                "SELECT id FROM zaken WHERE jongere_id = ?1 AND soort = ?2 AND gesloten IS NULL",
            )?
            .query_row(params![person, soort.code()], |r| r.get(0))
            .optional()?;
        if let Some(id) = open {
            return Ok((
                Err(format!("case {id} of this kind is open for this person")),
                false,
            ));
        }
        conn.execute(
            "INSERT INTO zaken (jongere_id, soort, organisatie, geopend) VALUES (?1, ?2, ?3, ?4)",
            params![person, soort.code(), organisatie, iso(datum)],
        )?;
        let id = conn.last_insert_rowid();
        let e = Gebeurtenis::Geopend {
            zaak: soort,
            organisatie: organisatie.to_string(),
            datum,
        };
        insert_event(conn, id, 1, tijd, wie, org, &e)?;
        Ok((Ok(id), true))
    })?;
    Ok(r)
}

pub(crate) fn zaak(conn: &Conn, id: i64) -> Result<Option<ZaakRij>> {
    let sql = format!("SELECT {ZAAK_COLS} FROM zaken WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => Ok(Some(zaak_row(conn, r)?)),
        None => Ok(None),
    }
}

pub(crate) fn zaken_van(conn: &Conn, leerling: LeerlingId) -> Result<Vec<ZaakRij>> {
    let Some(person) = person_id(conn, leerling)? else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT {ZAAK_COLS} FROM zaken WHERE jongere_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([person])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(zaak_row(conn, r)?);
    }
    Ok(out)
}

/// The cases `sql` selects ([`ZAAK_COLS`], one parameter `p`), in its order.
fn zaak_rijen(conn: &Conn, sql: &str, p: &str) -> Result<Vec<ZaakRij>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([p])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(zaak_row(conn, r)?);
    }
    Ok(out)
}

pub(crate) fn open_zaken(conn: &Conn, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
    let sql =
        format!("SELECT {ZAAK_COLS} FROM zaken WHERE soort = ?1 AND gesloten IS NULL ORDER BY id");
    zaak_rijen(conn, &sql, soort.code())
}

pub(crate) fn open_zaken_met_gemeente(conn: &Conn) -> Result<Vec<(ZaakRij, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT z.id, j.bsn, j.onderwijsnummer, z.soort, z.organisatie, z.geopend, j.gemeente
         FROM zaken z JOIN jongeren j ON j.id = z.jongere_id
         WHERE z.gesloten IS NULL ORDER BY z.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let soort: String = r.get(3)?;
        out.push((
            ZaakRij {
                id: r.get(0)?,
                leerling: crate::stored::leerling_of(r.get(1)?, r.get(2)?)?,
                soort: parse_soort(&soort)?,
                organisatie: r.get(4)?,
                geopend: date_col(r, 5)?,
                gesloten: None,
            },
            r.get(6)?,
        ));
    }
    Ok(out)
}

pub(crate) fn zaken_soort(conn: &Conn, soort: ZaakSoort) -> Result<Vec<ZaakRij>> {
    let sql = format!("SELECT {ZAAK_COLS} FROM zaken WHERE soort = ?1 ORDER BY id");
    zaak_rijen(conn, &sql, soort.code())
}

pub(crate) fn rmc_kandidaten(
    conn: &Conn,
    geboren_van: NaiveDate,
    geboren_tot: NaiveDate,
) -> Result<Vec<crate::RmcKandidaat>> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.id, j.bsn, j.onderwijsnummer, j.geboortedatum, j.gemeente,
                i.begindatum, i.einddatum, i.startkwalificatie, i.school
         FROM jongeren j JOIN inschrijvingen i ON i.jongere_id = j.id
         WHERE j.geboortedatum >= ?1 AND j.geboortedatum <= ?2
         ORDER BY j.id",
    )?;
    let mut rows = stmt.query([iso(geboren_van), iso(geboren_tot)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((|| -> Result<crate::RmcRij> {
            Ok((
                r.get(0)?,
                crate::stored::leerling_of(r.get(1)?, r.get(2)?)?,
                date_col(r, 3)?,
                r.get(4)?,
                leerrecht_domain::rmc::Opleiding {
                    begin: date_col(r, 5)?,
                    eind: opt_date_col(r, 6)?,
                    startkwalificatie: r.get::<_, i64>(7)? == 1,
                },
                r.get(8)?,
            ))
        })());
    }
    crate::rmc_groepeer(out)
}

pub(crate) fn zaken_met_handhaving(conn: &Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z
         WHERE z.soort = 'verzuim' AND z.gesloten IS NULL AND z.organisatie = ?1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND json_extract(e.gebeurtenis, '$.soort') IN ('halt', 'proces_verbaal'))
         ORDER BY z.id"
    );
    zaak_rijen(conn, &sql, organisatie)
}

pub(crate) fn zaken_overgedragen_door(conn: &Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z
         WHERE z.gesloten IS NULL AND z.organisatie <> ?1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND json_extract(e.gebeurtenis, '$.soort') = 'overgedragen'
                 AND json_extract(e.gebeurtenis, '$.van') = ?1)
         ORDER BY z.id"
    );
    zaak_rijen(conn, &sql, organisatie)
}

pub(crate) fn zaken_overgedragen(conn: &Conn, organisatie: &str) -> Result<Vec<ZaakRij>> {
    let sql = format!(
        "SELECT {ZAAK_COLS} FROM zaken z
         WHERE z.gesloten IS NULL AND z.organisatie = ?1
           AND EXISTS (SELECT 1 FROM zaak_gebeurtenissen e WHERE e.zaak_id = z.id
                 AND json_extract(e.gebeurtenis, '$.soort') = 'overgedragen')
         ORDER BY z.id"
    );
    zaak_rijen(conn, &sql, organisatie)
}

pub(crate) fn zaak_events(conn: &Conn, id: i64) -> Result<Vec<ZaakEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT volgnummer, tijd, wie, organisatie, gebeurtenis FROM zaak_gebeurtenissen
         WHERE zaak_id = ?1 ORDER BY volgnummer",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let tijd: String = r.get(1)?;
        let json: String = r.get(4)?;
        out.push(ZaakEvent {
            volgnummer: r.get(0)?,
            tijd: parse_moment(&tijd)?,
            wie: r.get(2)?,
            organisatie: r.get(3)?,
            gebeurtenis: gebeurtenis(&json)?,
        });
    }
    Ok(out)
}

pub(crate) fn zaaknotitie_toevoegen(conn: &Conn, n: &crate::Zaaknotitie) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO zaaknotities (zaak_id, jongere_id, niveau, soort, datum, tekst, wie, organisatie, tijd)
         SELECT id, jongere_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM zaken WHERE id = ?1",
    )?
    .execute(params![
        n.zaak,
        n.niveau.code(),
        n.soort.code(),
        iso(n.datum),
        n.tekst,
        n.wie,
        n.organisatie,
        moment(n.tijd)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn brief_toevoegen(conn: &Conn, b: &crate::Brief, pdf: &[u8]) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO brieven (zaak_id, jongere_id, sjabloon, aan, adressen, wie, organisatie, tijd, pdf)
         SELECT id, jongere_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM zaken WHERE id = ?1",
    )?
    .execute(params![
        b.zaak,
        b.sjabloon,
        b.aan,
        b.adressen,
        b.wie,
        b.organisatie,
        moment(b.tijd),
        pdf
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn brieven(conn: &Conn, zaak: i64) -> Result<Vec<crate::Brief>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM brieven WHERE zaak_id = ?1 ORDER BY id",
        crate::cases::BRIEF_COLS
    ))?;
    let rows = stmt.query_map([zaak], |r| crate::cases::brief(r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn brief(conn: &Conn, id: i64) -> Result<Option<(crate::Brief, Vec<u8>)>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {}, pdf FROM brieven WHERE id = ?1",
            crate::cases::BRIEF_COLS
        ))?
        .query_row([id], |r| Ok((crate::cases::brief(r)?, r.get(8)?)))
        .optional()?)
}

pub(crate) fn zaaknotities(conn: &Conn, zaak: i64) -> Result<Vec<crate::Zaaknotitie>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM zaaknotities WHERE zaak_id = ?1 ORDER BY id",
        crate::cases::NOTITIE_COLS
    ))?;
    let rows = stmt.query_map([zaak], |r| crate::cases::zaaknotitie(r))?;
    rows.map(|r| r?).collect()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn zaak_event_toevoegen(
    conn: &Conn,
    id: i64,
    volgnummer: u32,
    tijd: DateTime<Utc>,
    wie: &str,
    org: Option<&str>,
    e: &Gebeurtenis,
) -> Result<std::result::Result<(), String>> {
    let (r, _) = in_tx(conn, |conn| {
        if !insert_event(conn, id, volgnummer, tijd, wie, org, e)? {
            return Ok((Err(ZAAK_GEWIJZIGD.to_string()), false));
        }
        if let Gebeurtenis::Gesloten { datum, .. } = e {
            conn.execute(
                "UPDATE zaken SET gesloten = ?2 WHERE id = ?1",
                params![id, iso(*datum)],
            )?;
        }
        if let Gebeurtenis::Overgedragen {
            van,
            naar,
            datum,
            lezen_tot,
        } = e
        {
            // The case is the new bureau's; the old one reads it as a partner until
            // `lezen_tot`.
            conn.execute(
                "UPDATE zaken SET organisatie = ?2 WHERE id = ?1",
                params![id, naar],
            )?;
            conn.execute(
                "INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds, tot)
                 SELECT id, jongere_id, ?2, ?3, ?4 FROM zaken WHERE id = ?1
                 ON CONFLICT (zaak_id, organisatie) DO UPDATE SET tot = excluded.tot",
                params![id, van, iso(*datum), iso(*lezen_tot)],
            )?;
        }
        Ok((Ok(()), true))
    })?;
    Ok(r)
}

/// The columns [`crate::cases::melding`] reads, [`crate::cases::MELDING_NCOLS`] of them.
const MELDING_COLS: &str = "m.id, j.bsn, j.onderwijsnummer, m.school, m.begindatum, m.verzuimsoort,
     m.uren, m.dagen, m.status, m.signaal, m.afsluitreden, m.zaak_id, m.gegevens, m.toelichting,
     m.vastgelegd, m.ingetrokken_op";

fn melding_row(r: &rusqlite::Row<'_>) -> Result<MeldingStaat> {
    crate::cases::melding(r)?
}

pub(crate) fn melding(conn: &Conn, id: i64) -> Result<Option<MeldingStaat>> {
    let sql = format!("SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id WHERE m.id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(melding_row).transpose()
}

pub(crate) fn meldingen_van(conn: &Conn, leerling: LeerlingId) -> Result<Vec<MeldingStaat>> {
    let Some(person) = person_id(conn, leerling)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.jongere_id = ?1 ORDER BY m.begindatum, m.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([person])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(melding_row(r)?);
    }
    Ok(out)
}

pub(crate) fn meldingen_afgehandeld_op(
    conn: &Conn,
    momenten: &[(i64, chrono::DateTime<chrono::Utc>)],
) -> Result<usize> {
    let (n, _) = in_tx(conn, |conn| {
        let mut stmt = conn.prepare_cached(
            "UPDATE meldingen SET
                 vastgelegd = CASE WHEN vastgelegd IS NOT NULL THEN ?2 END,
                 ingetrokken_op = CASE WHEN ingetrokken_op IS NOT NULL THEN ?2 END
             WHERE id = ?1 AND (vastgelegd IS NOT NULL OR ingetrokken_op IS NOT NULL)",
        )?;
        let mut n = 0;
        for (id, op) in momenten {
            n += stmt.execute(params![id, moment(*op)])?;
        }
        Ok((n, true))
    })?;
    Ok(n)
}

pub(crate) fn melding_zetten(conn: &Conn, id: i64, z: MeldingZetting<'_>) -> Result<bool> {
    Ok(conn.execute(
        &format!(
            "UPDATE meldingen SET status = ?3, afsluitreden = coalesce(?4, afsluitreden),
                 zaak_id = coalesce(?5, zaak_id), toelichting = coalesce(?6, toelichting),
                 vastgelegd = CASE WHEN ?2 = 'concept' AND ?3 <> 'ingetrokken' THEN {NU}
                                   ELSE vastgelegd END,
                 ingetrokken_op = CASE WHEN ?3 = 'ingetrokken' THEN {NU} ELSE ingetrokken_op END
             WHERE id = ?1 AND status = ?2
               -- A melding joins one case: a second process linking it meanwhile changes nothing.
               AND (?5 IS NULL OR zaak_id IS NULL)"
        ),
        params![id, z.van, z.naar, z.afsluitreden, z.zaak_id, z.toelichting],
    )? == 1)
}

pub(crate) fn concepten(conn: &Conn, van: NaiveDate, tot: NaiveDate) -> Result<Vec<Concept>> {
    let mut stmt = conn.prepare_cached(
        "SELECT school, begindatum, vastgelegd, ingetrokken_op, afsluitreden = 'signaal_vervallen'
         FROM meldingen WHERE signaal IS NOT NULL AND begindatum >= ?1 AND begindatum <= ?2
         UNION ALL
         SELECT school, begindatum, bevestigd, ingetrokken, vervallen
         FROM anoniem_concepten WHERE begindatum >= ?1 AND begindatum <= ?2
         ORDER BY 1, 2",
    )?;
    let mut rows = stmt.query([iso(van), iso(tot)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Concept {
            school: r.get(0)?,
            begindatum: date_col(r, 1)?,
            bevestigd: r.opt_dag(2)?,
            ingetrokken: r.opt_dag(3)?,
            vervallen: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
        });
    }
    Ok(out)
}

/// The people registered on `on` as thuiszitters (`thuiszittend`, `absoluut_verzuim`), or
/// with `alle` in any category.
pub(crate) fn thuiszitters_op(conn: &Conn, on: NaiveDate, alle: bool) -> Result<Vec<LeerlingId>> {
    // The list is small (hundreds in a region): read the open and recent periods, filter here
    // (a bound date in a range predicate makes SQLite re-plan per call).
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT j.bsn, j.onderwijsnummer, r.van, r.tot FROM registraties r
         JOIN jongeren j ON j.id = r.jongere_id
         WHERE ?1 OR r.categorie = 'thuiszittend' OR r.categorie = 'absoluut_verzuim'",
    )?;
    let mut rows = stmt.query([alle])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let (van, tot) = (date_col(r, 2)?, opt_date_col(r, 3)?);
        if van > on || tot.is_some_and(|t| t < on) {
            continue;
        }
        out.push(crate::sqlite::leerling_of(r.get(0)?, r.get(1)?)?)
    }
    out.sort_by_key(|l| l.to_string());
    out.dedup();
    Ok(out)
}

pub(crate) fn for_each_werk(
    conn: &Conn,
    on: NaiveDate,
    sinds: NaiveDate,
    status: &str,
    school: Option<&str>,
    f: &mut dyn FnMut(WerkRij) -> Result<()>,
) -> Result<()> {
    // Two statements rather than `?2 IS NULL OR …`, which would keep SQLite from using the
    // (status, school) index for one school's drafts.
    let sql = format!(
        "SELECT {MELDING_COLS}, j.bsn, j.onderwijsnummer, j.achternaam, j.voornamen, j.gemeente
         FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.status = ?1 {}
         ORDER BY m.begindatum, m.id",
        if school.is_some() {
            "AND m.school = ?2"
        } else {
            ""
        }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = match school {
        Some(s) => stmt.query(params![status, s])?,
        None => stmt.query(params![status])?,
    };
    while let Some(r) = rows.next()? {
        f(crate::cases::werk_melding(r)??)?;
    }
    drop(rows);
    let mut stmt = conn.prepare(&format!(
        "SELECT j.bsn, j.onderwijsnummer, j.achternaam, j.voornamen, j.gemeente, s.school, s.regel, s.datum
         FROM signalen s INDEXED BY signalen_datum JOIN jongeren j ON j.id = s.jongere_id
         WHERE s.datum >= ?1 AND s.datum <= ?2 AND {}
         ORDER BY s.datum",
        crate::regels_sql("s.regel", Regel::op_werklijst)
    ))?;
    let mut rows = stmt.query(params![iso(sinds), iso(on)])?;
    while let Some(r) = rows.next()? {
        f(crate::cases::werk_signaal(r)??)?;
    }
    Ok(())
}

pub(crate) fn meldingen_zonder_zaak(conn: &Conn) -> Result<Vec<MeldingStaat>> {
    let sql = format!(
        "SELECT {MELDING_COLS} FROM meldingen m JOIN jongeren j ON j.id = m.jongere_id
         WHERE m.zaak_id IS NULL AND (m.status = 'geregistreerd' OR m.status = 'in_behandeling')
         ORDER BY m.begindatum, m.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(melding_row(r)?);
    }
    Ok(out)
}

pub(crate) fn registraties_op(
    conn: &Conn,
    on: NaiveDate,
) -> Result<Vec<(Categorie, Oorzaak, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.categorie, r.oorzaak, j.gemeente, r.van, r.tot FROM registraties r
         JOIN jongeren j ON j.id = r.jongere_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let (van, tot) = (date_col(r, 3)?, opt_date_col(r, 4)?);
        if van > on || tot.is_some_and(|t| t < on) {
            continue;
        }
        let (c, o): (String, String) = (r.get(0)?, r.get(1)?);
        let (c, o) = crate::cases::categorie_oorzaak(&c, &o)?;
        out.push((c, o, r.get(2)?));
    }
    Ok(out)
}
