//! The SQLite store's reads and records for the HTTP API (see [`crate::api`]).

use chrono::{DateTime, NaiveDate, Utc};
use leerrecht_domain::date::iso;
use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::person::Inschrijving;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};

use crate::access::moment;
use crate::api::{ApiStore, Claim, JongerenFilter, VerzuimRegel};
use crate::sqlite::{date_col, find_jongere, invalid, leerling_of, opt_date_col, SqliteStore};
use crate::{Result, SignaalRij};

impl ApiStore for SqliteStore {
    fn bedient_van(&self, organisatie: &str) -> Result<Option<Vec<String>>> {
        let conn = self.conn()?;
        let known = conn
            .prepare_cached("SELECT 1 FROM organisaties WHERE code = ?1")?
            .query_row([organisatie], |_| Ok(()))
            .optional()?;
        if known.is_none() {
            return Ok(None);
        }
        let mut stmt = conn.prepare_cached(
            "SELECT gemeente FROM organisatie_bedient WHERE organisatie = ?1 ORDER BY gemeente",
        )?;
        let rows = stmt.query_map([organisatie], |r| r.get::<_, String>(0))?;
        Ok(Some(rows.collect::<rusqlite::Result<_>>()?))
    }

    fn leerling_van(&self, id: i64) -> Result<Option<LeerlingId>> {
        let conn = self.conn()?;
        let row = conn
            .prepare_cached("SELECT bsn, onderwijsnummer FROM jongeren WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(b, o)| leerling_of(b, o)).transpose()
    }

    fn jongere_id(&self, leerling: LeerlingId) -> Result<Option<i64>> {
        Ok(find_jongere(&*self.conn()?, leerling)?.map(|p| p.id))
    }

    fn jongeren_lijst(
        &self,
        filter: &JongerenFilter,
        na: i64,
        aantal: u32,
    ) -> Result<Vec<(i64, LeerlingId)>> {
        let mut sql =
            String::from("SELECT j.id, j.bsn, j.onderwijsnummer FROM jongeren j WHERE j.id > ?");
        let mut args: Vec<Value> = vec![Value::Integer(na)];
        filter_sql(filter, &mut sql, &mut args);
        sql += " ORDER BY j.id LIMIT ?";
        args.push(Value::Integer(aantal.into()));
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.map(|r| {
            let (id, b, o) = r?;
            Ok((id, leerling_of(b, o)?))
        })
        .collect()
    }

    fn jongeren_op_naam(
        &self,
        naam: &str,
        geboren: Option<NaiveDate>,
        filter: &JongerenFilter,
        aantal: u32,
    ) -> Result<Vec<LeerlingId>> {
        // LIKE ignores the case of ASCII letters; the pattern's own wildcards are escaped.
        let patroon = crate::like_bevat(naam);
        let mut sql = String::from(
            "SELECT j.bsn, j.onderwijsnummer FROM jongeren j
             WHERE (j.voornamen || ' ' || j.achternaam) LIKE ? ESCAPE '\\'
               AND (? IS NULL OR j.geboortedatum = ?)",
        );
        let geboren = geboren.map_or(Value::Null, |d| Value::Text(iso(d)));
        let mut args: Vec<Value> = vec![Value::Text(patroon), geboren.clone(), geboren];
        filter_sql(filter, &mut sql, &mut args);
        sql += " ORDER BY j.achternaam, j.voornamen, j.geboortedatum, j.id LIMIT ?";
        args.push(Value::Integer(aantal.into()));
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.map(|r| {
            let (b, o) = r?;
            leerling_of(b, o)
        })
        .collect()
    }

    fn inschrijvingen_van(&self, leerling: LeerlingId) -> Result<Vec<Inschrijving>> {
        let conn = self.conn()?;
        let Some(p) = find_jongere(&conn, leerling)? else {
            return Ok(Vec::new());
        };
        let mut stmt = conn.prepare_cached(
            "SELECT school, sector, begindatum, einddatum, startkwalificatie FROM inschrijvingen
             WHERE jongere_id = ?1 ORDER BY begindatum, school",
        )?;
        let rows = stmt.query_map([p.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                date_col(r, 2)?,
                opt_date_col(r, 3)?,
                r.get::<_, i64>(4)? == 1,
            ))
        })?;
        rows.map(|r| {
            let (school, sector, b, e, skw) = r?;
            crate::stored::inschrijving(leerling, &school, &sector, b, e, skw)
        })
        .collect()
    }

    fn verzuim_van(
        &self,
        leerling: LeerlingId,
        van: NaiveDate,
        tot: NaiveDate,
    ) -> Result<Vec<VerzuimRegel>> {
        let conn = self.conn()?;
        let Some(p) = find_jongere(&conn, leerling)? else {
            return Ok(Vec::new());
        };
        // Absence is packed per pupil and school (verzuimblok): unpack, keep the dates asked.
        let mut stmt =
            conn.prepare_cached("SELECT school, rijen FROM verzuim_blokken WHERE jongere_id = ?1")?;
        let mut rows = stmt.query([p.id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let school = crate::sqlite::text(r.get_ref(0)?)?;
            let blob = r.get_ref(1)?.as_blob().map_err(|e| invalid("rijen", e))?;
            crate::absence::regels_van(school, blob, van, tot, &mut out)?;
        }
        crate::absence::sorteer(&mut out);
        Ok(out)
    }

    fn signalen_van(&self, leerling: LeerlingId) -> Result<Vec<SignaalRij>> {
        let conn = self.conn()?;
        let Some(p) = find_jongere(&conn, leerling)? else {
            return Ok(Vec::new());
        };
        let mut stmt = conn.prepare_cached(
            "SELECT school, regel, datum, uitleg FROM signalen WHERE jongere_id = ?1
             ORDER BY datum, school, regel",
        )?;
        let rows = stmt.query_map([p.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                date_col(r, 2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|r| {
            let (school, regel, datum, uitleg) = r?;
            Ok(SignaalRij {
                leerling,
                school: crate::stored::school(&school)?,
                regel,
                datum,
                uitleg,
            })
        })
        .collect()
    }

    fn idempotentie_claimen(
        &self,
        sleutel: &str,
        verzoek: &str,
        nu: DateTime<Utc>,
        vergeten_voor: DateTime<Utc>,
        opgegeven_voor: DateTime<Utc>,
    ) -> Result<Claim> {
        let conn = self.conn()?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let r = (|| -> Result<Claim> {
            conn.prepare_cached("DELETE FROM idempotentie WHERE aangemaakt < ?1")?
                .execute([moment(vergeten_voor)])?;
            let row: Option<(String, Option<u16>, Option<String>, String)> = conn
                .prepare_cached(
                    "SELECT verzoek, status, antwoord, aangemaakt FROM idempotentie WHERE sleutel = ?1",
                )?
                .query_row([sleutel], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()?;
            // Moments are stored as fixed-format text, which orders as they do.
            let bestaand = row.and_then(|(v, status, antwoord, sinds)| {
                crate::api::bestaande_claim(v, status, antwoord, sinds >= moment(opgegeven_voor))
            });
            match bestaand {
                Some(claim) => Ok(claim),
                None => {
                    conn.prepare_cached(
                        "INSERT INTO idempotentie (sleutel, verzoek, status, antwoord, aangemaakt)
                         VALUES (?1, ?2, NULL, NULL, ?3)
                         ON CONFLICT (sleutel) DO UPDATE SET verzoek = excluded.verzoek,
                           status = NULL, antwoord = NULL, aangemaakt = excluded.aangemaakt",
                    )?
                    .execute(params![sleutel, verzoek, moment(nu)])?;
                    Ok(Claim::Nieuw)
                }
            }
        })();
        match r {
            Ok(c) => {
                conn.execute_batch("COMMIT")?;
                Ok(c)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn idempotentie_vastleggen(&self, sleutel: &str, status: u16, antwoord: &str) -> Result<()> {
        self.conn()?
            .prepare_cached(
                "UPDATE idempotentie SET status = ?2, antwoord = ?3 WHERE sleutel = ?1",
            )?
            .execute(params![sleutel, status, antwoord])?;
        Ok(())
    }

    fn idempotentie_vrijgeven(&self, sleutel: &str) -> Result<()> {
        self.conn()?
            .prepare_cached("DELETE FROM idempotentie WHERE sleutel = ?1 AND status IS NULL")?
            .execute([sleutel])?;
        Ok(())
    }

    fn teller_ophogen(&self, sleutel: &str, venster: i64) -> Result<u64> {
        let conn = self.conn()?;
        if venster % 16 == 0 {
            conn.prepare_cached("DELETE FROM tellers WHERE venster < ?1")?
                .execute([venster - 1])?;
        }
        let n: i64 = conn
            .prepare_cached(
                "INSERT INTO tellers (sleutel, venster, aantal) VALUES (?1, ?2, 1)
                 ON CONFLICT (sleutel, venster) DO UPDATE SET aantal = aantal + 1
                 RETURNING aantal",
            )?
            .query_row(params![sleutel, venster], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// The conditions of a listing's `filter` on the person `j`, appended to `sql` with their
/// arguments: only the criteria given, each as positional parameters.
fn filter_sql(filter: &JongerenFilter, sql: &mut String, args: &mut Vec<Value>) {
    let list = |n: usize| vec!["?"; n].join(", ");
    let op = iso(filter.peildatum());
    if !filter.gemeenten.is_empty() {
        *sql += &format!(" AND j.gemeente IN ({})", list(filter.gemeenten.len()));
        args.extend(filter.gemeenten.iter().cloned().map(Value::Text));
    }
    if !filter.scholen.is_empty() {
        *sql += &format!(
            " AND EXISTS (SELECT 1 FROM inschrijvingen i WHERE i.jongere_id = j.id
               AND i.school IN ({}) AND i.begindatum <= ? AND (i.einddatum IS NULL OR i.einddatum >= ?))",
            list(filter.scholen.len())
        );
        args.extend(filter.scholen.iter().cloned().map(Value::Text));
        args.push(Value::Text(op.clone()));
        args.push(Value::Text(op.clone()));
    }
    if let Some(p) = &filter.partner {
        *sql += " AND EXISTS (SELECT 1 FROM zaak_partners b WHERE b.jongere_id = j.id
                   AND b.organisatie = ? AND (b.tot IS NULL OR b.tot > ?))";
        args.push(Value::Text(p.clone()));
        args.push(Value::Text(op));
    }
}
