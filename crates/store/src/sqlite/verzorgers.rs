//! The SQLite store's parents and guardians: the statements of [`crate::verzorgers`].

use leerrecht_domain::ids::LeerlingId;
use leerrecht_domain::verzorger::Verzorger;
use rusqlite::{params, Connection};

use crate::sqlite::{in_tx, person_id, Conn};
use crate::verzorgers::{importeren, opgeslagen, wijzigen, VerzorgerSql, COLS};
use crate::{Decide, ImportOutcome, Result, Rows};

struct Sql<'c>(&'c Connection);

impl VerzorgerSql for Sql<'_> {
    fn persoon(&mut self, leerling: LeerlingId) -> Result<Option<i64>> {
        person_id(self.0, leerling)
    }

    fn bestaande(&mut self, persoon: i64, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
        lees(self.0, persoon, leerling)
    }

    fn vervangen(&mut self, persoon: i64, nieuw: &[Verzorger]) -> Result<()> {
        self.0
            .prepare_cached("DELETE FROM verzorgers WHERE jongere_id = ?1")?
            .execute([persoon])?;
        let mut ins = self.0.prepare_cached(&format!(
            "INSERT INTO verzorgers (jongere_id, volgorde, {COLS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ))?;
        for (i, v) in nieuw.iter().enumerate() {
            ins.execute(params![
                persoon,
                i as i64,
                v.naam,
                v.relatie.code(),
                v.adres.straat,
                v.adres.huisnummer,
                v.adres.postcode.as_str(),
                v.adres.woonplaats,
                v.telefoon,
                v.email
            ])?;
        }
        Ok(())
    }
}

fn lees(conn: &Connection, persoon: i64, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLS} FROM verzorgers WHERE jongere_id = ?1 ORDER BY volgorde"
    ))?;
    let rows = stmt.query_map([persoon], |r| opgeslagen(r))?;
    rows.map(|r| r?.verzorger(leerling)).collect()
}

pub(crate) fn import_verzorgers(
    conn: &mut Conn,
    rows: Rows<'_, Verzorger>,
    decide: Decide<'_>,
) -> Result<ImportOutcome> {
    let (outcome, _) = in_tx(conn, |c| importeren(&mut Sql(c), rows, decide))?;
    Ok(outcome)
}

pub(crate) fn verzorgers_wijzigen(
    conn: &mut Conn,
    leerling: LeerlingId,
    wijzig: crate::VerzorgerWijziger<'_>,
) -> Result<std::result::Result<(), String>> {
    let (r, _) = in_tx(conn, |c| wijzigen(&mut Sql(c), leerling, wijzig))?;
    Ok(r)
}

pub(crate) fn verzorgers_van(conn: &mut Conn, leerling: LeerlingId) -> Result<Vec<Verzorger>> {
    match person_id(conn, leerling)? {
        Some(p) => lees(conn, p, leerling),
        None => Ok(Vec::new()),
    }
}
