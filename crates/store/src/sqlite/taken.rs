//! The job table on SQLite (see [`crate::taken`]). `BEGIN IMMEDIATE` makes each claim the only
//! writer of its moment, so two processes on one file never both take a slot.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use crate::access::{moment, parse_moment};
use crate::sqlite::{in_tx, invalid, SqliteStore};
use crate::taken::{TaakClaim, TaakRij, TaakStore, BEWAAR_DAGEN};
use crate::Result;

fn mom(s: &str) -> Result<DateTime<Utc>> {
    parse_moment(s).map_err(|e| invalid("job moment", e))
}

impl TaakStore for SqliteStore {
    fn taak_claimen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        nu: DateTime<Utc>,
        lease_tot: DateTime<Utc>,
    ) -> Result<TaakClaim> {
        let conn = self.conn()?;
        let slot = moment(gepland_op);
        in_tx(&conn, |c| {
            let bestaand: Option<(String, String, Option<String>)> = c
                .query_row(
                    "SELECT houder, lease_tot, klaar FROM taken WHERE naam = ?1 AND gepland_op = ?2",
                    params![naam, slot],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let claim = match bestaand {
                None => {
                    c.execute(
                        "DELETE FROM taken WHERE naam = ?1 AND klaar IS NOT NULL AND gepland_op < ?2",
                        params![naam, moment(nu - Duration::days(BEWAAR_DAGEN))],
                    )?;
                    c.execute(
                        "INSERT INTO taken (naam, gepland_op, houder, lease_tot, gestart)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![naam, slot, houder, moment(lease_tot), moment(nu)],
                    )?;
                    TaakClaim::Genomen {
                        overgenomen_van: None,
                    }
                }
                Some((_, _, Some(_))) => TaakClaim::Klaar,
                Some((vorige, lease, None)) if mom(&lease)? > nu => {
                    TaakClaim::Bezet { houder: vorige }
                }
                Some((vorige, _, None)) => {
                    c.execute(
                        "UPDATE taken SET houder = ?3, lease_tot = ?4, gestart = ?5,
                                pogingen = pogingen + 1
                         WHERE naam = ?1 AND gepland_op = ?2",
                        params![naam, slot, houder, moment(lease_tot), moment(nu)],
                    )?;
                    TaakClaim::Genomen {
                        overgenomen_van: Some(vorige),
                    }
                }
            };
            Ok((claim, true))
        })
        .map(|(v, _)| v)
    }

    fn taak_verlengen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        lease_tot: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self.conn()?.execute(
            "UPDATE taken SET lease_tot = ?4
             WHERE naam = ?1 AND gepland_op = ?2 AND houder = ?3 AND klaar IS NULL",
            params![naam, moment(gepland_op), houder, moment(lease_tot)],
        )?;
        Ok(n == 1)
    }

    fn taak_klaar(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        klaar: DateTime<Utc>,
        uitkomst: &str,
        duur_ms: i64,
    ) -> Result<bool> {
        let n = self.conn()?.execute(
            "UPDATE taken SET klaar = ?4, uitkomst = ?5, duur_ms = ?6
             WHERE naam = ?1 AND gepland_op = ?2 AND houder = ?3 AND klaar IS NULL",
            params![
                naam,
                moment(gepland_op),
                houder,
                moment(klaar),
                uitkomst,
                duur_ms
            ],
        )?;
        Ok(n == 1)
    }

    fn taken(&self) -> Result<Vec<TaakRij>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT naam, gepland_op, houder, lease_tot, gestart, pogingen, klaar, uitkomst, duur_ms
             FROM taken ORDER BY naam, gepland_op",
        )?;
        let rows = stmt.query_map([], |r| crate::taken::taak(r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
