//! The job table on PostgreSQL (see [`crate::taken`]). Several servers claim at once: the insert
//! of a new slot's row is ordered by its primary key (the loser's `ON CONFLICT DO NOTHING`
//! waits for the winner's commit and then finds the row), and a slot's row is read `FOR
//! UPDATE` before a takeover, so two servers never both take one slot.

use chrono::{DateTime, Duration, Utc};

use crate::postgres::{in_tx, PgStore};
use crate::taken::{TaakClaim, TaakRij, TaakStore, BEWAAR_DAGEN};
use crate::Result;

impl TaakStore for PgStore {
    fn taak_claimen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        nu: DateTime<Utc>,
        lease_tot: DateTime<Utc>,
    ) -> Result<TaakClaim> {
        let mut conn = self.conn()?;
        in_tx(&mut conn, |c| {
            let nieuw = c.execute(
                "INSERT INTO taken (naam, gepland_op, houder, lease_tot, gestart)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&naam, &gepland_op, &houder, &lease_tot, &nu],
            )?;
            if nieuw == 1 {
                c.execute(
                    "DELETE FROM taken WHERE naam = $1 AND klaar IS NOT NULL AND gepland_op < $2",
                    &[&naam, &(nu - Duration::days(BEWAAR_DAGEN))],
                )?;
                return Ok((
                    TaakClaim::Genomen {
                        overgenomen_van: None,
                    },
                    true,
                ));
            }
            let r = c.query_one(
                "SELECT houder, lease_tot, klaar IS NOT NULL FROM taken
                 WHERE naam = $1 AND gepland_op = $2 FOR UPDATE",
                &[&naam, &gepland_op],
            )?;
            let (vorige, lease, klaar): (String, DateTime<Utc>, bool) =
                (r.get(0), r.get(1), r.get(2));
            let claim = if klaar {
                TaakClaim::Klaar
            } else if lease > nu {
                TaakClaim::Bezet { houder: vorige }
            } else {
                c.execute(
                    "UPDATE taken SET houder = $3, lease_tot = $4, gestart = $5,
                            pogingen = pogingen + 1
                     WHERE naam = $1 AND gepland_op = $2",
                    &[&naam, &gepland_op, &houder, &lease_tot, &nu],
                )?;
                TaakClaim::Genomen {
                    overgenomen_van: Some(vorige),
                }
            };
            Ok((claim, true))
        })
    }

    fn taak_verlengen(
        &self,
        naam: &str,
        gepland_op: DateTime<Utc>,
        houder: &str,
        lease_tot: DateTime<Utc>,
    ) -> Result<bool> {
        let n = self.conn()?.execute(
            "UPDATE taken SET lease_tot = $4
             WHERE naam = $1 AND gepland_op = $2 AND houder = $3 AND klaar IS NULL",
            &[&naam, &gepland_op, &houder, &lease_tot],
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
            "UPDATE taken SET klaar = $4, uitkomst = $5, duur_ms = $6
             WHERE naam = $1 AND gepland_op = $2 AND houder = $3 AND klaar IS NULL",
            &[&naam, &gepland_op, &houder, &klaar, &uitkomst, &duur_ms],
        )?;
        Ok(n == 1)
    }

    fn taken(&self) -> Result<Vec<TaakRij>> {
        Ok(self
            .conn()?
            .query(
                "SELECT naam, gepland_op, houder, lease_tot, gestart, pogingen, klaar, uitkomst,
                        duur_ms
                 FROM taken ORDER BY naam, gepland_op",
                &[],
            )?
            .iter()
            .map(|r| {
                let Ok(t) = crate::taken::taak(r);
                t
            })
            .collect())
    }
}
